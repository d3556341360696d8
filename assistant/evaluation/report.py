"""The evaluation report as a member of the team reads it."""

from __future__ import annotations


def format_summary(report: dict, name: str = "Known-facts evaluation") -> str:
    s = report["summary"]
    rows = [
        ("questions", f"{s['questions']} ({s['answerable']} answerable, {s['not_in_corpus']} not in the papers)"),
        ("evidence hit@1", s["hit_at_1"]), ("evidence hit@5", s["hit_at_5"]), ("MRR", s["mrr"]),
        ("answer accuracy", s["answer_accuracy"]), ("citation validity", s["citation_validity"]),
        ("numeric grounding", s["numeric_grounding"]), ("abstention recall", s["abstention_recall"]),
        ("over-refusal", s["over_refusal"]),
        ("sentences grounded", f"{s['grounded_sentence_share']} ({s['fallbacks']} written answers replaced by quotes)"),
        ("latency p50 / p95 ms", f"{s['latency_p50_ms']} / {s['latency_p95_ms']}"),
    ]
    lines = [f"{name} (answers: {s['backend']})", *(f"  {name:<22} {value}" for name, value in rows)]
    for tag, t in s.get("by_tag", {}).items():
        lines.append(f"  {'  ' + tag + ' (' + str(t['answerable']) + ')':<22} hit@5 {_fmt(t['hit_at_5'])}, "
                     f"accuracy {_fmt(t['answer_accuracy'])}, refused {_fmt(t['over_refusal'])}")
    if "baseline" in report:
        b = report["baseline"]
        lines += [
            "",
            f"  {'':<22} {'assistant':>10} {'baseline':>10}   (baseline: {b['description']})",
            *(f"  {name:<22} {_fmt(s[key]):>10} {_fmt(b[key]):>10}"
              for name, key in [("evidence hit@1", "hit_at_1"), ("evidence hit@5", "hit_at_5"),
                                ("MRR", "mrr"), ("answer accuracy", "answer_accuracy"),
                                ("abstention recall", "abstention_recall")]),
        ]
    if report.get("suggestions"):
        lines += ["", "  Suggested questions vs the officers' own 'Possible Areas for Investigation' (themes)"]
        for row in report["suggestions"]:
            missed = sorted(set(row["officer_themes"]) - set(row["generated_themes"]))
            lines.append(
                f"  {row['source']}: theme coverage {row['theme_coverage']:.2f} "
                f"({row['generated_questions']} generated, {row['officer_questions']} officer-written; "
                f"figures grounded {row['grounded_share']:.2f})" + (f"; missed: {', '.join(missed)}" if missed else "")
            )
    if report.get("suggestion_quality"):
        lines += ["", *format_suggestion_quality(report["suggestion_quality"])]
    failed = [r["id"] for r in report["items"] if r["checks"]["answerable"] and not r["checks"]["answer_correct"]]
    if failed:
        lines.append(f"\n  answerable questions answered wrongly or refused: {', '.join(failed)}")
    wrong_abstain = [r["id"] for r in report["items"] if not r["checks"]["answerable"] and not r["checks"]["abstained"]]
    if wrong_abstain:
        lines.append(f"  unanswerable questions answered anyway: {', '.join(wrong_abstain)}")
    return "\n".join(lines)


def format_suggestion_quality(q: dict) -> list[str]:
    """The computable checks on suggested questions, over every meeting in the library."""
    lines = [f"  Suggested questions, checked ({q['questions']} questions for {q['meetings']} meetings)",
             f"  {'well formed':<22} {q['well_formed_share']:.3f}  (one question, <= 35 words, grounded, framed, no markup)",
             f"  {'two on one indicator':<22} {q['duplicate_pairs']}",
             f"  {'meetings with 4 themes':<22} {q['themes_met_share']:.3f}",
             f"  {'children asked about':<22} {q['voice_share']:.3f}  (of meetings whose papers allow it)",
             f"  {'outside the remit':<22} {q['outside_remit']}"]
    lines += [f"    {problem}: {count}" for problem, count in sorted(q["problems"].items())]
    return lines


def _fmt(value) -> str:
    return "-" if value is None else f"{value:.3f}"
