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

from assistant.answer.grounding import check_sentence, evidence
from assistant.answer.units import Unit, units
from assistant.language.councils import councils_named
from assistant.language.figures import (
    counts,
    figures,
    has_figure,
    is_length_of_time,
    is_money,
    without_standards,
)
from assistant.language.periods import (
    Span,
    bare_months,
    months_named,
    overlaps,
    period_wording,
    periods_in,
    reporting_window,
    states,
    timescale_wording,
    timescales,
)
from assistant.language.questions import (
    MEASURE_TERMS,
    PERSON,
    REASON_CUES,
    age_bands,
    age_wording,
    asks_standard,
    kinds_asked,
    kinds_stated,
    measured_terms,
    subject_of,
    wants_count,
    wants_figure,
    wants_person,
    wants_reason,
)
from assistant.language.scoring import MAX_IDF, weighted_coverage
from assistant.language.vocabulary import (
    content_terms,
    question_terms,
    said_terms,
    term_wordings,
    terms_named,
    terms_required,
    vocabulary,
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
# matching the rest of the question is about something else.
_ABBREVIATION = re.compile(r"\b[A-Z]{2,}s?\b")
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
    ask = _Asked.of(question)
    weights = _weights(ask.terms, idf, set(said_terms(" ".join(_ABBREVIATION.findall(question)))))
    top = max((h.score for h in hits), default=1.0) or 1.0
    # the field's terms a passage names, in its text or its frame (a heading, a caption)
    passage_terms = _terms_in_place(hits)
    scored: list[tuple[float, float, Quote]] = []
    for i, hit in enumerate(hits):
        for unit in units(hit):
            named_apart = ask.named_apart(unit, hit) | ask.implied(unit, hit)
            own = weighted_coverage(ask.terms, in_plain_words(unit.own_scope) | named_apart, weights)
            in_context = in_plain_words(f"{unit.context} {unit.text}") | named_apart
            with_context = weighted_coverage(ask.terms, in_context, weights)
            lexical = 0.55 * own + 0.3 * with_context + 0.15 * (hit.score / top)
            fit = ask.fit(unit, in_context, passage_terms[i], hit)
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


def in_plain_words(text: str) -> set[str]:
    """A quote's terms, with the plain words a member may use for its report words."""
    return vocabulary().in_plain_words(set(content_terms(text)))


def _terms_in_place(hits: list[Hit]) -> list[set[str]]:
    """The field's terms each passage names, in its text or frame (a heading, a caption),
    or, when the passage before it under the same heading was found too, in that one's:
    'Secondary attendance was 88.7%' continues 'School attendance for children in care...'."""
    own = [terms_named(" ".join(filter(None, [h.passage.text, h.passage.heading, h.passage.caption]))) for h in hits]
    where = {(h.passage.doc_id, h.passage.order): i for i, h in enumerate(hits)}
    found = []
    for i, hit in enumerate(hits):
        before = where.get((hit.passage.doc_id, hit.passage.order - 1))
        continues = before is not None and hits[before].passage.heading == hit.passage.heading
        found.append(own[i] | own[before] if continues else own[i])
    return found


def _periods_of(unit: Unit, hit: Hit) -> list[Span]:
    """The periods a unit is about: those it states (see `_stated_periods`), else the
    months before the meeting it was written for."""
    return _stated_periods(unit, hit) or reporting_window(hit.document.meeting_date)


def _stated_periods(unit: Unit, hit: Hit) -> list[Span]:
    """The periods a unit names, else its heading's or paper's title's, else those the
    rest of its passage names (a paragraph is about one time). The meeting's own date in a
    title ('Minutes of ... 29 October 2024') is when the paper was read, not what it reports."""
    window = reporting_window(hit.document.meeting_date)
    meeting_month = [(window[0][1], window[0][1])] if window else []
    framed = [span for span in periods_in(unit.context) if span not in meeting_month]
    return periods_in(unit.text) or framed or periods_in(hit.passage.text)


def _has_column_for(asked: list[Span], unit: Unit, hit: Hit) -> bool:
    """Whether a row giving figures for several periods has one for the period asked: a
    series answers only the periods it lists, whatever the years its columns span."""
    columns = periods_in(unit.text) if hit.passage.kind == "table_row" else []
    return len(columns) < 2 or states(asked, columns)


_QUARTER_LABEL = re.compile(r"\bQ([1-4])\b")
_QUARTER_TERMS = frozenset({"q1", "q2", "q3", "q4"})
# A name spelled out in capitals ('Business Intelligence; and Human Resources')
_CAPITALISED_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+(?:and\s+|of\s+|&\s+)?[A-Z][a-z]+)+")


def _initials(text: str) -> set[str]:
    """The abbreviations the text's capitalised names spell: 'Human Resources' -> 'HR'."""
    return {"".join(word[0] for word in name.split() if word[0].isupper()) for name in _CAPITALISED_NAME.findall(text)}


def _meaning(cosine: float) -> float:
    """all-MiniLM-L6-v2's cosine of a question and a sentence, as 0..1: unrelated
    sentences sit near 0.1, a sentence answering in other words near 0.6."""
    return min(1.0, max(0.0, (cosine - 0.1) / 0.5))


@dataclass(frozen=True)
class _Asked:
    """What a question asks for, read once."""

    question: str
    terms: list[str]
    figure: bool
    standard: bool  # asks what should be (a target, a floor, 'at most'), not what is
    count: bool
    person: bool
    reason: bool
    measured: set[str]
    required: set[str]
    periods: list[Span]
    kinds: set[str]
    wordings: dict[str, frozenset[str]]  # a term's token -> the words the question named it with
    period_terms: frozenset[str]  # the words naming the period asked ('end', '2023')
    measure_terms: frozenset[str]  # the words naming the kind of figure asked ('proportion')
    ages: set[tuple[int, int]]  # the age bands asked about ('under-16s')
    age_terms: frozenset[str]  # the words naming them
    months: set[int]  # the months asked about without a year ('in September')
    timescales: set[tuple[float, str]]  # the timescales asked about ('within two working days')
    abbreviations: frozenset[str]  # 'HR', 'BI'
    quarter_terms: frozenset[str]  # the quarters asked about without a year ('q1')
    timescale_terms: frozenset[str]  # the words naming the timescale asked ('week')

    @classmethod
    def of(cls, question: str) -> "_Asked":
        terms = question_terms(subject_of(question))
        return cls(question, terms, wants_figure(question), asks_standard(question), wants_count(question), wants_person(question),
                   wants_reason(question), measured_terms(question), terms_required(question), periods_in(question),
                   kinds_asked(question), term_wordings(question), frozenset(said_terms(period_wording(question))),
                   frozenset(terms) & MEASURE_TERMS, age_bands(question), frozenset(said_terms(age_wording(question))),
                   bare_months(question), timescales(question), frozenset(_ABBREVIATION.findall(question)),
                   frozenset() if periods_in(question) else frozenset(terms) & _QUARTER_TERMS,
                   frozenset(said_terms(timescale_wording(question))))

    def implied(self, unit: Unit, hit: Hit) -> set[str]:
        """The question's words a unit answers without repeating them: the period asked, when
        the unit states a period within it (a 'Q3 2023/24' column answers 'at the end of
        2023'), and the kind of figure asked, when it gives a figure ('15%' answers 'what
        proportion'; a wrong kind is `fit`'s to judge), and the age band asked, when it
        names the same band."""
        implied = set()
        if self.period_terms and states(self.periods, _stated_periods(unit, hit)):
            implied |= self.period_terms
        if self.measure_terms and has_figure(unit.text, self.question):
            implied |= self.measure_terms
        if self.ages and self.ages & age_bands(f"{unit.context} {unit.text}"):
            implied |= self.age_terms  # 'Under 16' answers 'under-16s'
        if self.timescale_terms and self.timescales & timescales(unit.text):
            implied |= self.timescale_terms  # '20 working days' answers 'within four weeks'
        if self.quarter_terms:  # a row's 'Q1 2023-2024' column answers 'in the first quarter'
            implied |= self.quarter_terms & {f"q{n}" for n in _QUARTER_LABEL.findall(unit.text)}
        if spelled := {a for a in self.abbreviations if a.removesuffix("s") in _initials(unit.text)}:
            implied |= set(said_terms(" ".join(spelled)))  # 'Human Resources' answers 'HR'
        return implied

    def named_apart(self, unit: Unit, hit: Hit) -> set[str]:
        """The terms the question names that the unit states in the question's own words,
        apart: a 'Residential' row of a placements table answers 'residential placement
        spend'. Only words the unit says outside other terms count ('care' in 'care
        leavers' is not children in care), and only a table row borrows its heading's."""
        words = set(said_terms(unit.text))
        if hit.passage.kind == "table_row":
            words |= set(said_terms(unit.context))
        return {token for token, wording in self.wordings.items() if wording <= words}

    def fit(self, unit: Unit, in_context: set[str], passage_terms: set[str], hit: Hit) -> float:
        """How well the unit fits what is asked, whatever words it shares (1: nothing amiss)."""
        fit = 1.0
        if self.periods and not overlaps(self.periods, _periods_of(unit, hit)):
            fit *= 0.4  # October 2023's figure is no answer about October 2022
        elif self.periods and not _has_column_for(self.periods, unit, hit):
            fit *= 0.4  # a row of quarters with no column for Q4 2023/24 (its 'Target 23-24' is not that quarter's)
        if self.ages and (stated := age_bands(f"{unit.context} {unit.text}")) and not self.ages & stated:
            fit *= 0.4  # care leavers aged 19-21 are not those aged 17 to 18
        if self.months and (named := months_named(unit.text)) and not self.months & named:
            fit *= 0.4  # 18 missing episodes 'in October' says nothing of September
        if self.timescales and not self.timescales & (stated := timescales(unit.text)) and \
                {unit for _, unit in self.timescales} & {unit for _, unit in stated}:
            fit *= 0.5  # decisions 'in one working day' are not those 'within two working days'
        if self.figure and not has_figure(unit.text, self.question):
            fit *= 0.5  # a figure question answered without a figure is not answered
        elif self.figure and not self.standard and not has_figure(without_standards(unit.text), self.question):
            fit *= 0.5  # a target is not what was done: 'the target of £25,000' says nothing of what was raised
        elif self.kinds - kinds_stated(f"{unit.context} {unit.text}"):
            fit *= 0.6  # a percentage is no answer to 'what is the average salary?'
        elif self.count and (found := figures(unit.text)) and not counts(unit.text):
            # 'how many' is answered by a number before a rate (or a month's days), never by a sum of money
            fit *= 0.5 if all(is_money(f, unit.text) or is_length_of_time(f, unit.text) for f in found) else 0.85
        if not set(said_terms(unit.text)) - set(self.terms):
            fit *= 0.5  # it only restates the question ('Findings from the inspection.')
        if self.reason and not REASON_CUES.search(unit.text):
            fit *= 0.8  # 'why' is answered by a cause, not by restating the indicator
        if self.measured - in_context:
            fit *= 0.5
        if self.required - passage_terms - in_context:
            fit *= 0.5  # a quote about in-house fostering does not answer a question about dental checks
        if self.person and not PERSON.search(unit.text):
            fit *= 0.8
        if unit.text.count(". ") >= 1 and unit.own_scope.endswith(unit.text):
            fit *= 0.97  # a pair of sentences must earn its extra length
        return fit


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
