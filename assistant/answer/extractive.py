"""The default answerer: quotes the sentence(s) or table row(s) that answer the question.

    answer = compose(question, hits, idf, top_k=5, abstain_below=0.35)   # -> Answer

It never writes a figure of its own: every word of an answer (bar the connective
'[n]' markers) is copied from a cited passage. When nothing retrieved supports an
answer well enough, it abstains and shows the closest passages instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable, Mapping

from assistant.answer.asked import Asked, name_runs, narrower_rows
from assistant.answer.grounding import check_sentence, evidence
from assistant.answer.units import units
from assistant.language.councils import councils_named
from assistant.language.scoring import MAX_IDF, weighted_coverage
from assistant.language.vocabulary import (
    content_terms,
    in_plain_words,
    question_terms,
    said_terms,
    terms_named,
)
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


Similarity = Callable[[str, list[str]], list[float]]  # question, texts -> cosine of each
DENSE_WEIGHT = 0.2  # of a quote's support, the share that is meaning rather than shared words
# A question word no paper uses ('cope', 'promise') is a member's own word, not a sign the
# papers miss the point: it weighs as a common word, so that no quote can cover it and
# every quote still can cover the rest. (Weighed as the rarest word and then penalised
# again, it refused one paraphrase in six; what the papers do not cover is judged by what
# quotes state: the kind of figure, the period, the terms the field requires.)
UNSEEN_WEIGHT = 1.0
# ... but an abbreviation no paper uses ('TAFs') names the very thing asked about: a quote
# matching the rest of the question is about something else (`_weights`).

# A name is rare when its weight is at least this share of the rarest word's: in a library
# of 5,000 passages, one that at most ~1 passage in 35 uses (idf = ln(1 + passages/uses))
RARE_NAME = 0.6

# Quotes (best by words) whose meaning is compared with the question's. 6 scores exactly as
# 24 did on all 431 evaluation questions (8 and 12 too; none is much worse), for a quarter
# of the embedding: ~30 ms a sentence on one core, half of each answer's time under load.
DENSE_CANDIDATES = 6


def rank_quotes(question: str, hits: list[Hit], idf: dict[str, float], similarity: Similarity | None = None) -> list[Quote]:
    """Every quotable unit of every hit, best answer first.

    Support is how much of the question's wording a unit covers (the field's terms in any
    of their wordings), times how well it fits what is asked (a figure for a figure
    question, the term the question names, ...), blended with how close its meaning is to
    the question's: a member's words are not the report's words.
    """
    ask = Asked.of(question)
    weights = _weights(ask.terms, idf, set(said_terms(" ".join(ask.abbreviations))))
    top = max((h.score for h in hits), default=1.0) or 1.0
    # the field's terms a passage names, in its text or its frame (a heading, a caption)
    passage_terms = _terms_in_place(hits)
    rare_names = _rare_names(ask, idf)
    said_in_paper = _said_in_each_paper(hits) if rare_names else {}
    narrower = narrower_rows(question, hits)
    scored: list[tuple[float, float, Quote]] = []
    for i, hit in enumerate(hits):
        for unit in units(hit):
            named_apart = ask.named_apart(unit, hit) | ask.implied(unit, hit)
            own = weighted_coverage(ask.terms, in_plain_words(unit.own_scope) | named_apart, weights)
            in_context = in_plain_words(f"{unit.context} {unit.text}") | named_apart
            with_context = weighted_coverage(ask.terms, in_context, weights)
            lexical = 0.55 * own + 0.3 * with_context + 0.15 * (hit.score / top)
            fit = ask.fit(unit, in_context, passage_terms[i], hit)
            if rare_names and not rare_names & (in_context | said_in_paper[hit.document.doc_id]):
                fit *= 0.5  # a quote from a paper naming none of the places or services asked about is about others
            if i in narrower:
                fit *= 0.8  # the disabled children's placements are not all children's in care
            scored.append((lexical, fit, Quote(i, unit.text, lexical * fit)))
    scored.sort(key=lambda s: s[2].support, reverse=True)
    if similarity is None or not scored:
        return [quote for _, _, quote in scored]
    head = scored[:DENSE_CANDIDATES]
    cosines = similarity(question, [quote.text for _, _, quote in head])
    blended = [
        replace(quote, support=fit * ((1 - DENSE_WEIGHT) * lexical + DENSE_WEIGHT * _meaning(cosine)))
        for (lexical, fit, quote), cosine in zip(head, cosines)
    ]
    rest = [replace(q, support=q.support * (1 - DENSE_WEIGHT)) for _, _, q in scored[DENSE_CANDIDATES:]]
    return sorted(blended, key=lambda q: q.support, reverse=True) + rest


def _weights(terms: list[str], idf: Mapping[str, float], abbreviations: set[str]) -> dict[str, float]:
    """Each question term's weight: its rarity in the papers; a word no paper uses weighs
    as a common word, an abbreviation no paper uses as the rarest (see UNSEEN_WEIGHT)."""
    return {t: idf.get(t, MAX_IDF if t in abbreviations else UNSEEN_WEIGHT) for t in terms}


def _rare_names(ask: Asked, idf: Mapping[str, float]) -> set[str]:
    """The names the papers rarely use ('Millmead'); 'Cabinet' is in every other passage.
    A name of several words is rare when its words together are (their weights add up),
    and is then told by its rarer words ('Strengthening Independence', not 'Service').
    (Most questions give none: the library's rarest weight is then not looked for.)"""
    if not ask.names:
        return set()
    rare = RARE_NAME * max(idf.values(), default=0.0)
    if rare <= 0:
        return set()
    found = {name for name in ask.names if idf.get(name, 0.0) >= rare}
    for run in name_runs(ask.question, ask.terms):
        weights = {word: idf.get(word, 0.0) for word in run}
        together = sum(weights.values())
        if together >= rare:
            found |= {word for word, weight in weights.items() if weight >= together / len(run)}
    return found


def _said_in_each_paper(hits: list[Hit]) -> dict[str, set[str]]:
    """The words each paper's found passages say, with its council and committee: a
    paragraph of the Wessex paper answers about Wessex without naming it."""
    said: dict[str, set[str]] = {}
    for hit in hits:
        d = hit.document
        text = " ".join(filter(None, [hit.passage.text, hit.passage.heading, d.title, d.council, d.committee]))
        said.setdefault(d.doc_id, set()).update(content_terms(text, expand=False))
    return said


# How many passages back a paragraph may continue the subject of (3.25 '19 young people
# received a suspension' continues 3.23 'School attendance for children in care')
CONTINUES_BACK = 2


def _terms_in_place(hits: list[Hit]) -> list[set[str]]:
    """The field's terms each passage names, in its text or frame (a heading, a caption),
    or, when a passage just before it under the same heading was found too, in that one's:
    'Secondary attendance was 88.7%' continues 'School attendance for children in care...'."""
    own = [terms_named(" ".join(filter(None, [h.passage.text, h.passage.heading, h.passage.caption]))) for h in hits]
    where = {(h.passage.doc_id, h.passage.order): i for i, h in enumerate(hits)}
    found = []
    for i, hit in enumerate(hits):
        before = (where.get((hit.passage.doc_id, hit.passage.order - back)) for back in range(1, CONTINUES_BACK + 1))
        continued = [b for b in before if b is not None and hits[b].passage.heading == hit.passage.heading]
        found.append(own[i].union(*(own[b] for b in continued)))
    return found


def _meaning(cosine: float) -> float:
    """all-MiniLM-L6-v2's cosine of a question and a sentence, as 0..1: unrelated
    sentences sit near 0.1, a sentence answering in other words near 0.6."""
    return min(1.0, max(0.0, (cosine - 0.1) / 0.5))



def extract(
    question: str,
    hits: list[Hit],
    idf: dict[str, float],
    max_quotes: int = 2,
    compare: tuple[str, ...] = (),
    similarity: Similarity | None = None,
) -> Extraction:
    """The best quote(s) for the question. A question with several parts ('..., and what
    does Barnsley say about PEPs?') or setting councils side by side (`compare`: '...
    between Barnsley and North Somerset?') gets one quote per part, each from its own
    council's papers where it names one."""
    parts = question_parts(question, compare)
    if len(parts) > 1:
        return _extract_each(parts, hits, idf, similarity)
    scored = rank_quotes(question, hits, idf, similarity)
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


def _extract_each(parts: list[tuple[str, str | None]], hits: list[Hit], idf: dict[str, float],
                  similarity: Similarity | None) -> Extraction:
    """One quote per part, supported on average as well as its parts (the weakest part
    alone would refuse most comparisons: each part's wording also names the other side).
    A comparison with one side missing is no answer."""
    quotes: list[Quote] = []
    for part, council in parts:
        ranked = [
            q for q in rank_quotes(part, hits, idf, similarity)
            if council is None or hits[q.hit_index].document.council == council
        ]
        if not ranked:
            return Extraction([], 0.0)
        if all(ranked[0].text != q.text for q in quotes):
            quotes.append(ranked[0])
    return Extraction(quotes, sum(q.support for q in quotes) / len(quotes))


def compose(question: str, hits: list[Hit], idf: dict[str, float], top_k: int, abstain_below: float,
            compare: tuple[str, ...] = (), similarity: Similarity | None = None) -> Answer:
    """The finished extractive answer: the best quote(s) with [n] markers, the passages
    they came from cited first, or an abstention listing the closest passages."""
    extraction = extract(question, hits, idf, compare=compare, similarity=similarity)
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
