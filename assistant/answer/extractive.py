"""The default answerer: quotes the sentence(s) or table row(s) that answer the question.

    answer = compose(question, hits, idf, top_k=5, abstain_below=0.35)   # -> Answer

It never writes a figure of its own: every word of an answer (bar the connective
'[n]' markers) is copied from a cited passage. When nothing retrieved supports an
answer well enough, it abstains and shows the closest passages instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answer.grounding import check_sentence, evidence
from assistant.language.councils import councils_named
from assistant.language.figures import has_figure
from assistant.language.questions import (
    PERSON,
    REASON_CUES,
    measured_terms,
    wants_figure,
    wants_person,
    wants_reason,
)
from assistant.language.scoring import weighted_coverage
from assistant.language.sentences import split_sentences
from assistant.language.vocabulary import content_terms, question_terms
from assistant.types import Answer, Citation, Grounding, Hit

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


@dataclass(frozen=True)
class Unit:
    """A quotable piece of a passage and what it must be read with to make sense."""

    text: str
    context: str  # lead-in, heading, caption, row label: scored with, not quoted
    own_scope: str  # what counts as the unit's 'own' words when scoring


def units(hit: Hit) -> list[Unit]:
    """Sentences (and pairs of sentences), list items (read with their lead-in), or the
    whole table row (read with its label and caption: a row's figures mean nothing alone)."""
    passage = hit.passage
    frame = " ".join(filter(None, [hit.document.title, passage.heading, passage.caption]))
    if passage.kind == "table_row":
        label = passage.text.split(" — ")[0]
        return [Unit(passage.text, frame, f"{label} {frame}")]
    lead_lines = [l for l in passage.text.split("\n") if l.strip() and not l.startswith("- ")]
    items = [l[2:].strip() for l in passage.text.split("\n") if l.startswith("- ")]
    sentences = split_sentences(" ".join(lead_lines))
    # Commentary on a list ('These measures are indicative of ...') is about the list's
    # items, which the passage keeps as its caption: they are part of what it says.
    # A paragraph is also about its heading ('Corporate Capacity' over 4.8).
    listed = passage.caption if passage.kind == "paragraph" and passage.caption else ""
    about = f"{passage.heading or ''} {listed}"
    found = [Unit(s, frame, f"{about} {s}") for s in sentences]
    found += [Unit(f"{a} {b}", frame, f"{about} {a} {b}") for a, b in zip(sentences, sentences[1:])]
    lead = sentences[-1] if sentences else ""
    found += [Unit(item, f"{frame} {lead}", f"{lead} {item}") for item in items]
    return found


def rank_quotes(question: str, hits: list[Hit], idf: dict[str, float]) -> list[Quote]:
    """Every quotable unit of every hit, best answer first."""
    terms = question_terms(question)
    need_figure = wants_figure(question)
    need_person = wants_person(question)
    need_reason = wants_reason(question)
    measured = measured_terms(question)
    top = max((h.score for h in hits), default=1.0) or 1.0
    scored: list[Quote] = []
    for i, hit in enumerate(hits):
        for unit in units(hit):
            own = weighted_coverage(terms, content_terms(unit.own_scope), idf)
            in_context = set(content_terms(f"{unit.context} {unit.text}"))
            with_context = weighted_coverage(terms, in_context, idf)
            support = 0.55 * own + 0.3 * with_context + 0.15 * (hit.score / top)
            if need_figure and not has_figure(unit.text, question):
                support *= 0.5  # a figure question answered without a figure is not answered
            if not set(content_terms(unit.text, expand=False)) - set(terms):
                support *= 0.5  # it only restates the question ('Findings from the inspection.')
            if need_reason and not REASON_CUES.search(unit.text):
                support *= 0.8  # 'why' is answered by a cause, not by restating the indicator
            if measured - in_context:
                support *= 0.5
            if need_person and not PERSON.search(unit.text):
                support *= 0.8
            if unit.text.count(". ") >= 1 and unit.own_scope.endswith(unit.text):
                support *= 0.97  # a pair of sentences must earn its extra length
            scored.append(Quote(i, unit.text, support))
    scored.sort(key=lambda q: q.support, reverse=True)
    return scored


def extract(
    question: str,
    hits: list[Hit],
    idf: dict[str, float],
    max_quotes: int = 2,
    compare: tuple[str, ...] = (),
) -> Extraction:
    """The best quote(s) for the question. A question with several parts ('..., and what
    does Barnsley say about PEPs?') or setting councils side by side (`compare`: '...
    between Barnsley and North Somerset?') gets one quote per part, each from its own
    council's papers where it names one."""
    parts = question_parts(question, compare)
    if len(parts) > 1:
        return _extract_each(parts, hits, idf)
    scored = rank_quotes(question, hits, idf)
    if not scored:
        return Extraction([], 0.0)
    terms = question_terms(question)
    best = scored[0]
    chosen = [best]
    covered = set(content_terms(best.text))
    for quote in scored[1:]:
        if len(chosen) >= max_quotes:
            break
        adds = set(terms) & (set(content_terms(quote.text)) - covered)
        overlaps = quote.text in best.text or best.text in quote.text
        if adds and not overlaps and quote.support >= 0.75 * best.support:
            chosen.append(quote)
            covered |= set(content_terms(quote.text))
    return Extraction(chosen, best.support)


_COMPOUND = re.compile(r",?\s+and\s+(?=(?:what|how|who|when|which|where|why|is|are|has|have|does|did)\b)", re.I)


def question_parts(question: str, compare: tuple[str, ...] = ()) -> list[tuple[str, str | None]]:
    """(sub-question, council it is about or None) for each thing the question asks."""
    pieces = [p.strip() for p in _COMPOUND.split(question) if p.strip()]
    if len(pieces) > 1:
        return [(p, next((c for c in compare if c in councils_named(p)), None)) for p in pieces]
    return [(question, c) for c in compare] or [(question, None)]


def _extract_each(parts: list[tuple[str, str | None]], hits: list[Hit], idf: dict[str, float]) -> Extraction:
    """One quote per part, supported on average as well as its parts (the weakest part
    alone would refuse most comparisons: each part's wording also names the other side).
    A comparison with one side missing is no answer."""
    quotes: list[Quote] = []
    for part, council in parts:
        ranked = [
            q for q in rank_quotes(part, hits, idf)
            if council is None or hits[q.hit_index].document.council == council
        ]
        if not ranked:
            return Extraction([], 0.0)
        if all(ranked[0].text != q.text for q in quotes):
            quotes.append(ranked[0])
    return Extraction(quotes, sum(q.support for q in quotes) / len(quotes))


def compose(question: str, hits: list[Hit], idf: dict[str, float], top_k: int, abstain_below: float,
            compare: tuple[str, ...] = ()) -> Answer:
    """The finished extractive answer: the best quote(s) with [n] markers, the passages
    they came from cited first, or an abstention listing the closest passages."""
    extraction = extract(question, hits, idf, compare=compare)
    if not extraction.quotes or extraction.support < abstain_below:
        citations = tuple(Citation.from_hit(i + 1, h) for i, h in enumerate(hits[:top_k]))
        return Answer(question, ABSTAIN_TEXT, True, citations, support=extraction.support)
    order = _citation_order([q.hit_index for q in extraction.quotes], len(hits), top_k)
    number_of = {hit_index: n for n, hit_index in enumerate(order, start=1)}
    quotes_by_hit = {q.hit_index: q.text for q in extraction.quotes}
    citations = tuple(
        Citation.from_hit(n, hits[i], quote=quotes_by_hit.get(i)) for i, n in number_of.items()
    )
    sentences = [f"{q.text} [{number_of[q.hit_index]}]" for q in extraction.quotes]
    # Quotes are copied, so they pass by construction; checking them anyway keeps one
    # grounding report for every backend (and would catch a quoting bug).
    passages = {n: evidence(hits[i]) for i, n in number_of.items()}
    grounding = Grounding(tuple(check_sentence(s, passages) for s in sentences))
    return Answer(question, " ".join(sentences), False, citations, support=extraction.support, grounding=grounding)


def _citation_order(quoted: list[int], available: int, top_k: int) -> list[int]:
    """Quoted passages first (in the order quoted), then the other top hits."""
    order = list(dict.fromkeys(quoted))
    order += [i for i in range(available) if i not in order]
    return order[: max(top_k, len(set(quoted)))]
