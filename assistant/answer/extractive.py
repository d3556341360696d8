"""The default answerer: quotes the sentence(s) or table row(s) that answer the question.

It never writes a figure of its own: every word of an answer (bar the connective
'[n]' markers) is copied from a cited passage. When nothing retrieved supports an
answer well enough, it abstains and shows the closest passages instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.ingest.passages import split_sentences
from assistant.retrieve import weighted_coverage
from assistant.text import content_terms, has_figure, wants_figure
from assistant.types import Hit

ABSTAIN_TEXT = (
    "The papers provided do not say. None of the passages found answers this question; "
    "the closest ones are listed so you can check."
)


@dataclass(frozen=True)
class Quote:
    hit_index: int  # position of the passage in the hits list
    text: str
    support: float


@dataclass(frozen=True)
class Extraction:
    quotes: list[Quote]
    support: float  # how well the best quote answers the question (0..1)


def units(hit: Hit) -> list[str]:
    """The quotable pieces of a passage: sentences, list items, or the whole table row."""
    passage = hit.passage
    if passage.kind == "table_row":
        return [passage.text]
    pieces = []
    for line in passage.text.split("\n"):
        line = line.strip()
        if line.startswith("- "):
            pieces.append(line[2:])
        elif line:
            pieces.extend(split_sentences(line))
    return pieces


def extract(question: str, hits: list[Hit], idf: dict[str, float], max_quotes: int = 2) -> Extraction:
    terms = content_terms(question)
    need_figure = wants_figure(question)
    top = max((h.score for h in hits), default=1.0) or 1.0
    scored: list[Quote] = []
    for i, hit in enumerate(hits):
        context = " ".join(filter(None, [hit.document.title, hit.document.council,
                                         hit.passage.heading, hit.passage.caption]))
        for unit in units(hit):
            own = weighted_coverage(terms, content_terms(unit), idf)
            with_context = weighted_coverage(terms, content_terms(f"{context} {unit}"), idf)
            support = 0.5 * own + 0.3 * with_context + 0.2 * (hit.score / top)
            if need_figure and not has_figure(unit):
                support *= 0.6
            scored.append(Quote(i, unit, support))
    if not scored:
        return Extraction([], 0.0)
    scored.sort(key=lambda q: q.support, reverse=True)
    best = scored[0]
    chosen = [best]
    covered = set(content_terms(best.text))
    for quote in scored[1:]:
        if len(chosen) >= max_quotes:
            break
        adds = set(terms) & (set(content_terms(quote.text)) - covered)
        if adds and quote.support >= 0.8 * best.support and quote.text != best.text:
            chosen.append(quote)
            covered |= set(content_terms(quote.text))
    return Extraction(chosen, best.support)
