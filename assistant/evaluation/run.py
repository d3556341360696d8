"""The known-facts evaluation: dataset -> per-question checks -> summary -> gate.

Every question goes through `Assistant.ask`, the same code path as `assistant ask`, and
the per-item record keeps the exact `ask --json` object. A plain LlamaIndex baseline
(default SentenceSplitter + VectorStoreIndex, top-k 2, same embedding model) is scored
on the same questions so the gain over the framework default is visible in every report.
"""

from __future__ import annotations

import statistics
import tomllib
from pathlib import Path

from assistant.evaluation.baseline import score_baseline
from assistant.evaluation.checks import check, load_dataset
from assistant.evaluation.suggestions import suggestion_quality
from assistant.ingest import expand_paths
from assistant.language.figures import ungrounded
from assistant.llm import describe


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
            "tags": item.get("tags", []),
        })
    summary = {"backend": describe(assistant.settings), **summarise(records), "by_tag": by_tag(records)}
    report = {"summary": summary, "items": records, "suggestions": suggestion_coverage(assistant),
              "suggestion_quality": suggestion_quality(assistant)}
    if baseline:
        report["baseline"] = score_baseline(files_indexed(assistant), assistant.index.embedder, items)
    return report


def files_indexed(assistant) -> list[Path]:
    """The files the index holds, where it recorded them (else the corpus folder's): the
    baseline must read the papers the questions are about, wherever they were ingested from."""
    recorded = [Path(entry.path) for entry in assistant.index.files().values() if entry.path]
    return [p for p in recorded if p.is_file()] or expand_paths([assistant.settings.corpus_dir])


def union(reports: list[dict]) -> dict:
    """Several sets' questions scored as one (abstention is judged over all of them: a
    threshold that suits one set's wording may not suit another's)."""
    records = [record for report in reports for record in report["items"]]
    backend = reports[0]["summary"]["backend"] if reports else None
    return {"summary": {"backend": backend, **summarise(records), "by_tag": by_tag(records)}, "items": records}


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


def by_tag(records: list[dict]) -> dict[str, dict]:
    """The summary of each tagged subset of answerable questions ('table', 'card', 'member' …)."""
    tags = sorted({t for r in records if r["checks"]["answerable"] for t in r.get("tags", [])})
    return {tag: summarise([r for r in records if tag in r.get("tags", [])]) for tag in tags}


def _percentile(values: list[float], pct: int) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return round(values[0], 1)
    return round(statistics.quantiles(values, n=100, method="inclusive")[pct - 1], 1)


# --- the gate --------------------------------------------------------------------------

def gate(summary: dict, thresholds_path: Path) -> list[str]:
    """Failures as readable lines; empty when every threshold holds. `[min]` and `[max]`
    hold the whole set's metrics; `[tags.<tag>]` floors those of the questions so tagged
    (`[tags.table]` answer_accuracy: the questions answered from a table's rows)."""
    thresholds = tomllib.loads(Path(thresholds_path).read_text("utf-8"))
    failures = _held(summary, thresholds.get("min", {}), thresholds.get("max", {}))
    for tag, floors in thresholds.get("tags", {}).items():
        failures += [f"{tag}: {line}" for line in _held(summary.get("by_tag", {}).get(tag, {}), floors, {})]
    return failures


def _held(summary: dict, floors: dict, ceilings: dict) -> list[str]:
    failures = []
    for metric, floor in floors.items():
        value = summary.get(metric)
        if value is None or value < floor:
            failures.append(f"{metric} = {value} is below the threshold {floor}")
    for metric, ceiling in ceilings.items():
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
