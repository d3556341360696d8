"""The known-facts evaluation: dataset -> per-question checks -> summary -> gate.

Every question goes through `Assistant.ask`, the same code path as `assistant ask`, and
the per-item record keeps the exact `ask --json` object. A plain LlamaIndex baseline
(default SentenceSplitter + VectorStoreIndex, top-k 2, same embedding model) is scored
on the same questions so the gain over the framework default is visible in every report.
"""

from __future__ import annotations

import json
import statistics
import tomllib
from pathlib import Path

from assistant.answer.figures import cited_numbers, figure_in, figures, strip_markers, ungrounded
from assistant.llm import describe
from assistant.text import normalise

ANSWER_TYPES = ("number", "text", "date", "not_in_corpus")


def load_dataset(path: Path) -> list[dict]:
    items = []
    for n, line in enumerate(Path(path).read_text("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        record = json.loads(line)
        missing = {"id", "question", "answer_type"} - record.keys()
        if missing:
            raise ValueError(f"{path}:{n}: missing {sorted(missing)}")
        if record["answer_type"] not in ANSWER_TYPES:
            raise ValueError(f"{path}:{n}: answer_type must be one of {ANSWER_TYPES}")
        record.setdefault("answer", "")
        record.setdefault("evidence", "")
        record.setdefault("source", "")
        items.append(record)
    return items


# --- checks on one response ------------------------------------------------------------

def evidence_rank(evidence: str, citations: list[dict]) -> int | None:
    needle = normalise(evidence)
    for rank, citation in enumerate(citations, start=1):
        if needle and needle in normalise(citation["text"]):
            return rank
    return None


def answer_correct(item: dict, response: dict) -> bool:
    if item["answer_type"] == "not_in_corpus":
        return response["abstained"]
    if response["abstained"]:
        return False
    said = strip_markers(response["answer"])
    if item["answer_type"] == "number":
        gold = figures(item["answer"])
        return bool(gold) and all(figure_in(f, said) for f in gold)
    return normalise(item["answer"]) in normalise(said)


def citations_valid(response: dict) -> bool:
    numbers = {c["n"] for c in response["citations"]}
    return all(n in numbers for n in cited_numbers(response["answer"]))


def numerically_grounded(response: dict) -> bool:
    if response["abstained"]:
        return True  # an abstention states no figures
    return not ungrounded(response["answer"], [c["text"] for c in response["citations"]])


def check(item: dict, response: dict) -> dict:
    answerable = item["answer_type"] != "not_in_corpus"
    rank = evidence_rank(item["evidence"], response["citations"]) if answerable else None
    return {
        "answerable": answerable,
        "evidence_rank": rank,
        "hit_at_1": rank == 1,
        "hit_at_5": rank is not None and rank <= 5,
        "answer_correct": answer_correct(item, response),
        "citations_valid": citations_valid(response),
        "numerically_grounded": numerically_grounded(response),
        "abstained": response["abstained"],
    }


# --- the run ---------------------------------------------------------------------------

def run(assistant, dataset: Path, baseline: bool = True) -> dict:
    items = load_dataset(dataset)
    records = []
    for item in items:
        answer = assistant.ask(item["question"])
        response = answer.to_json()
        records.append({
            "id": item["id"],
            "question": item["question"],
            "expected": {k: item[k] for k in ("answer", "answer_type", "evidence", "source")},
            "response": response,
            "checks": check(item, response),
            "support": round(answer.support, 4),
        })
    summary = {"backend": describe(assistant.settings), **summarise(records)}
    report = {"summary": summary, "items": records, "suggestions": suggestion_coverage(assistant)}
    if baseline:
        from assistant.baseline import score_baseline

        report["baseline"] = score_baseline(assistant.settings, assistant.index.embedder, items)
    return report


def summarise(records: list[dict]) -> dict:
    answerable = [r for r in records if r["checks"]["answerable"]]
    unanswerable = [r for r in records if not r["checks"]["answerable"]]
    latencies = [r["response"]["timings_ms"]["total"] for r in records]

    def share(rows, key):
        return round(sum(1 for r in rows if r["checks"][key]) / len(rows), 4) if rows else None

    ranks = [r["checks"]["evidence_rank"] for r in answerable]
    grounding = [r["response"]["grounding"] for r in records]
    sentences = sum(g["sentences"] for g in grounding)
    return {
        "questions": len(records),
        "answerable": len(answerable),
        "not_in_corpus": len(unanswerable),
        "hit_at_1": share(answerable, "hit_at_1"),
        "hit_at_5": share(answerable, "hit_at_5"),
        "mrr": round(sum(1 / r for r in ranks if r) / len(ranks), 4) if ranks else None,
        "answer_accuracy": share(answerable, "answer_correct"),
        "citation_validity": share(records, "citations_valid"),
        "numeric_grounding": share(records, "numerically_grounded"),
        "abstention_recall": share(unanswerable, "abstained"),
        "over_refusal": share(answerable, "abstained"),
        # of the sentences written (or quoted), the share that passed the grounding check
        "grounded_sentence_share": round(sum(g["supported"] for g in grounding) / sentences, 4) if sentences else None,
        "fallbacks": sum(1 for g in grounding if g["fallback"]),  # written answers replaced by quotes
        "latency_p50_ms": _percentile(latencies, 50),
        "latency_p95_ms": _percentile(latencies, 95),
    }


def _percentile(values: list[float], pct: int) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return round(values[0], 1)
    return round(statistics.quantiles(values, n=100, method="inclusive")[pct - 1], 1)


# --- the gate --------------------------------------------------------------------------

def gate(summary: dict, thresholds_path: Path) -> list[str]:
    """Failures as readable lines; empty when every threshold holds."""
    thresholds = tomllib.loads(Path(thresholds_path).read_text("utf-8"))
    failures = []
    for metric, floor in thresholds.get("min", {}).items():
        value = summary.get(metric)
        if value is None or value < floor:
            failures.append(f"{metric} = {value} is below the threshold {floor}")
    for metric, ceiling in thresholds.get("max", {}).items():
        value = summary.get(metric)
        if value is None or value > ceiling:
            failures.append(f"{metric} = {value} is above the threshold {ceiling}")
    return failures


# --- abstention calibration ------------------------------------------------------------

def calibrate(records: list[dict], max_over_refusal: float = 0.05) -> dict:
    """The support threshold that abstains on the most unanswerable questions while
    refusing at most `max_over_refusal` of the answerable ones (the gate's ceiling).

    To show how well that generalises it is also chosen on half the questions and
    measured on the other half (both ways round).
    """
    def best(rows):
        supports = sorted({r["support"] for r in rows})
        cuts = [(a + b) / 2 for a, b in zip(supports, supports[1:])] or [0.0]
        allowed = [t for t in cuts if _rates(rows, t)[1] <= max_over_refusal]
        return round(max(allowed, key=lambda t: (_rates(rows, t)[0], -t)) if allowed else 0.0, 4)

    chosen = best(records)
    halves = (records[0::2], records[1::2])
    held_out = []
    for train, test in (halves, halves[::-1]):
        t = best(train)
        held_out.append(dict(zip(("abstention_recall", "over_refusal"), _rates(test, t)), threshold=t))
    recall, over = _rates(records, chosen)
    return {"threshold": chosen, "abstention_recall": recall, "over_refusal": over, "held_out": held_out}


def _rates(rows: list[dict], threshold: float) -> tuple[float, float]:
    unanswerable = [r for r in rows if not r["checks"]["answerable"]]
    answerable = [r for r in rows if r["checks"]["answerable"]]
    recall = sum(r["support"] < threshold for r in unanswerable) / max(len(unanswerable), 1)
    over = sum(r["support"] < threshold for r in answerable) / max(len(answerable), 1)
    return round(recall, 4), round(over, 4)


def suggestion_coverage(assistant, max_questions: int = 12) -> list[dict]:
    """For each report whose authors wrote their own lines of enquiry ('Possible Areas for
    Investigation'), how many of their themes the generated questions also reach. The
    officers' questions are never shown to generation, so this is a fair comparison."""
    rows = []
    for document in assistant.documents():
        suggestions = assistant.suggest([document.doc_id], max_questions=max_questions)
        if not suggestions.officer_questions:
            continue
        officer = {q.theme for q in suggestions.officer_questions}
        generated = {q.theme for q in suggestions.questions}
        grounded = [not ungrounded(q.question, [c.text for c in q.citations]) for q in suggestions.questions]
        rows.append({
            "source": document.source,
            "title": document.title,
            "officer_questions": len(suggestions.officer_questions),
            "generated_questions": len(suggestions.questions),
            "officer_themes": sorted(officer),
            "generated_themes": sorted(generated),
            "theme_coverage": round(len(officer & generated) / len(officer), 4),
            "grounded_share": round(sum(grounded) / max(len(grounded), 1), 4),
        })
    return rows


# --- report ----------------------------------------------------------------------------

def format_summary(report: dict) -> str:
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
    lines = [f"Known-facts evaluation (answers: {s['backend']})", *(f"  {name:<22} {value}" for name, value in rows)]
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
    failed = [r["id"] for r in report["items"] if r["checks"]["answerable"] and not r["checks"]["answer_correct"]]
    if failed:
        lines.append(f"\n  answerable questions answered wrongly or refused: {', '.join(failed)}")
    wrong_abstain = [r["id"] for r in report["items"] if not r["checks"]["answerable"] and not r["checks"]["abstained"]]
    if wrong_abstain:
        lines.append(f"  unanswerable questions answered anyway: {', '.join(wrong_abstain)}")
    return "\n".join(lines)


def _fmt(value) -> str:
    return "-" if value is None else f"{value:.3f}"
