"""Example questions for a first visit, written from what is actually indexed.

A councillor who opens the page should see questions these papers can answer: one per
document, about an indicator its tables rate RED (or, failing that, any indicator row),
else about the document's first numbered section heading.
"""

from __future__ import annotations

import re

from assistant.language.sentences import lower_first
from assistant.types import Passage, SourceDocument

_RED = re.compile(r"\bRAG:\s*RED\b", re.I)


def example_questions(documents: list[SourceDocument], passages: list[Passage], limit: int = 4) -> list[str]:
    by_doc: dict[str, list[Passage]] = {}
    for passage in passages:
        by_doc.setdefault(passage.doc_id, []).append(passage)
    questions = []
    reports = [d for d in documents if d.kind == "report"]
    for document in _one_council_at_a_time(reports):
        question = _question_for(document, by_doc.get(document.doc_id, []))
        if question and question not in questions:
            questions.append(question)
        if len(questions) >= limit:
            break
    return questions


def _one_council_at_a_time(documents: list[SourceDocument]) -> list[SourceDocument]:
    """Newest first, but every council's newest paper before anyone's second."""
    newest_first = sorted(documents, key=lambda d: d.meeting_date or "", reverse=True)
    seen: dict[str | None, int] = {}
    ranked = []
    for document in newest_first:
        seen[document.council] = seen.get(document.council, 0) + 1
        ranked.append((seen[document.council], document))
    return [d for _, d in sorted(ranked, key=lambda pair: pair[0])]


_GENERIC_HEADINGS = re.compile(
    r"^(summary|introduction|background|purpose|recommendations?|report|details|policy|"
    r"consultation|financial implications|legal|risk|equality|appendi|options|conclusion|contents)",
    re.I,
)


def _question_for(document: SourceDocument, passages: list[Passage]) -> str | None:
    place = _place(document.council)
    rows = [p for p in passages if p.kind == "table_row"]
    flagged = [p for p in rows if _RED.search(p.text)] or rows
    for row in flagged:
        label, _, values = row.text.partition(" — ")
        indicator = label.rsplit(": ", 1)[-1].strip()
        measured = "%" in values or re.search(r":\s*[£\d]", values)
        if measured and 3 <= len(indicator.split()) <= 14 and not re.search(r"\d", indicator):
            return f"What is the latest figure for {lower_first(indicator)}{place}?"
    for passage in passages:
        heading = passage.heading or ""
        if passage.kind == "paragraph" and 2 <= len(heading.split()) <= 8 and not _GENERIC_HEADINGS.match(heading):
            return f"What do the papers say about {lower_first(heading)}{place}?"
    return None


def _place(council: str | None) -> str:
    if not council:
        return ""
    return " in " + re.sub(r"\s+(County |Metropolitan Borough |Borough |City )?Council$", "", council)
