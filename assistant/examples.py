"""Example questions for a first visit, written from what is actually indexed.

A councillor who opens the page should see questions these papers can answer: for each
document, questions about the indicators its tables rate RED (or, failing that, any
indicator row), then about its section headings. These are candidates: the pipeline keeps
only those it answers from the paper they were written from (`Assistant.example_questions`).
"""

from __future__ import annotations

import re
from typing import Callable

from assistant.language.sentences import lower_first
from assistant.types import Passage, SourceDocument

_RED = re.compile(r"\bRAG:\s*RED\b", re.I)


def candidate_questions(documents: list[SourceDocument], passages_of: Callable[[list[str]], list[Passage]],
                        papers: int) -> list[tuple[str, str]]:
    """(question, doc_id) candidates, one council's newest paper at a time, so that the
    first ones kept cover as many councils as they can; from the first `papers` papers
    only (a council's whole archive need not be read for a first page)."""
    chosen = _one_council_at_a_time([d for d in documents if d.kind == "report"])[:papers]
    by_doc: dict[str, list[Passage]] = {}
    for passage in passages_of([d.doc_id for d in chosen]):
        by_doc.setdefault(passage.doc_id, []).append(passage)
    per_document = [[(q, d.doc_id) for q in dict.fromkeys(_questions_for(d, by_doc.get(d.doc_id, [])))]
                    for d in chosen]
    # each paper's best question first, then each paper's second best, ...
    return [c for rank in range(max(map(len, per_document), default=0))
            for candidates in per_document if rank < len(candidates) for c in [candidates[rank]]]


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


CANDIDATES_PER_DOCUMENT = 6  # questions tried from one paper: some are not answered from it


def _questions_for(document: SourceDocument, passages: list[Passage]) -> list[str]:
    place = _place(document.council)
    rows = [p for p in passages if p.kind == "table_row"]
    flagged = [p for p in rows if _RED.search(p.text)] or rows
    questions = []
    for row in flagged:
        label, _, values = row.text.partition(" — ")
        indicator = label.rsplit(": ", 1)[-1].strip()
        measured = "%" in values or re.search(r":\s*[£\d]", values)
        if measured and 3 <= len(indicator.split()) <= 14 and not _NOT_A_MEASURE.search(indicator):
            questions.append(f"What is the latest figure for {in_a_sentence(indicator)}{place}?")
    for passage in passages:
        heading = passage.heading or ""
        if (passage.kind == "paragraph" and 2 <= len(heading.split()) <= 8 and not _GENERIC_HEADINGS.match(heading)
                and not _A_SENTENCE.search(heading)):
            questions.append(f"What do the papers say about {in_a_sentence(heading)}{place}?")
    return questions[:CANDIDATES_PER_DOCUMENT]


# digits (a date or a code), an e-mail or web address, a person and their post ('Jo Bloggs,
# Head of Finance'): a row's label that is not a measure
_NOT_A_MEASURE = re.compile(r"\d|@|https?:|www\.|,\s*(?:Head|Director|Manager|Officer|Lead|Chief)\b")
# 'The Select Committee is requested to ...': a sentence standing as a heading, not a topic
_A_SENTENCE = re.compile(r"\b(?:is|are|was|were|will|has|have|should)\b")
# Words an indicator's name starts with that are never a name ('Number of children stepped
# down from Child in Need ...' reads as 'number of children ...').
_MEASURE_OPENERS = {"number", "percentage", "proportion", "rate", "average", "total", "children", "young",
                    "cost", "time", "timeliness", "quality", "the", "all", "new", "families", "care"}
_SMALL_WORDS = {"a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the", "to", "with"}


def in_a_sentence(phrase: str) -> str:
    """A heading or indicator as it reads inside a question: 'Number of children in care'
    becomes 'number of children in care'; a title in capitals ('Children in Need', 'Key
    Considerations') keeps them, since its capitals may be names."""
    words = [w for w in phrase.split() if w.lower() not in _SMALL_WORDS]
    if len(words) < 2 or not any(w[:1].isupper() for w in words[1:]):
        return lower_first(phrase)
    # a capitalised name later on ('... from Child in Need'); the opening word is part of a
    # name only when the word after it is capitalised too ('Children in Need')
    opener_alone = words[0].lower() in _MEASURE_OPENERS and not words[1][:1].isupper()
    return lower_first(phrase) if opener_alone else phrase


def _place(council: str | None) -> str:
    if not council:
        return ""
    return " in " + re.sub(r"\s+(County |Metropolitan Borough |Borough |City )?Council$", "", council)
