"""What a question asks for, read once, and how well a quotable unit fits it: the kind of
figure, the period, the timescale, the age band, the terms the field requires."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answer.units import WHOSE, Unit
from assistant.language.figures import (
    CAPACITY_ASKED,
    DIFFERENCE_ASKED,
    counts,
    has_figure,
    is_capacity,
    is_difference,
    is_length_of_time,
    is_money,
    is_share_of_a_sum,
    measures,
    own_period,
    without_standards,
)
from assistant.language.periods import (
    MONTH,
    Span,
    asks_earlier,
    bare_months,
    months_named,
    overlaps,
    period_wording,
    periods_in,
    reporting_window,
    states,
    states_earlier,
    timescale_wording,
    timescales,
)
from assistant.language.questions import (
    MEASURE_TERMS,
    REASON_CUES,
    age_bands,
    age_wording,
    asks_standard,
    cost_per,
    kinds_asked,
    kinds_stated,
    measured_terms,
    names_person,
    school_years,
    states_per,
    subject_of,
    wants_count,
    wants_figure,
    wants_person,
    wants_reason,
)
from assistant.language.sentences import split_sentences
from assistant.language.vocabulary import (
    content_terms,
    question_terms,
    said_terms,
    term_wordings,
    terms_about,
    terms_excluded,
    terms_required,
)
from assistant.types import Hit

# An abbreviation a member writes ('TAFs', 'HR')
_ABBREVIATION = re.compile(r"\b[A-Z]{2,}s?\b")


def _reached_by_another_time(asked: list[Span], text: str, question: str) -> bool:
    """A figure of a period other than the one asked ('£140m by 2027-28', 'In 2024-25, ...
    £9m'), and none of the one asked."""
    reached = [own_period(f, text) for f in measures(text, question)]
    return any(r and not overlaps(asked, r) for r in reached) and not any(r and overlaps(asked, r) for r in reached)


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
    row = hit.passage.kind == "table_row"
    return periods_in(_figures_of_row(unit.text) if row else unit.text) or framed or \
        periods_in(_figures_of_row(hit.passage.text) if row else hit.passage.text)


def _figures_of_row(row: str) -> str:
    """A table row without its commentary: a 'Detail:' field's sentence ('the grant continues
    in 2025-26') is about what the officer wrote, not the period of the row's figures."""
    name, dash, fields = row.partition(" — ")
    if not dash:
        return row
    kept = [field for field in fields.split("; ") if len((field.partition(": ")[2] or field).split()) < _PROSE_WORDS]
    return f"{name} — {'; '.join(kept)}"


_PROSE_WORDS = 8  # a field's value this long is a sentence, not a figure or a label


def _has_column_for(asked: list[Span], unit: Unit, hit: Hit) -> bool:
    """Whether a row giving figures for several periods has one for the period asked: a
    series answers only the periods it lists, whatever the years its columns span."""
    columns = periods_in(unit.text) if hit.passage.kind == "table_row" else []
    return len(columns) < 2 or states(asked, columns)


_SPENDING_TERMS = frozenset({"=overspend", "=underspend", "=forecast", "=outturn"})  # what a sum is, not whose
_CAUSE = re.compile(r"\b(?:(?:primarily|mainly|largely|partly|mostly)\s+)?(?:due to|because of|related to|"
                    r"attributable to|driven by|as a result of|caused by)\b", re.I)
# A sentence explaining a variance ('lower than budgeted expenditure on Skills Bootcamps
# (£6.8m)') gives how far spending missed its budget, not the spending.
_GAP_TOLD = re.compile(r"\b(?:variances?|underspen\w*|overspen\w*|(?:lower|higher|less|more) than (?:budgeted|planned|"
                       r"expected|forecast)|(?:reduced|increased) by)\b", re.I)
# ... unless it also says what was spent ('estimated spend on IFAs of £2.853m (almost £1m more than budgeted)')
_SPEND_TOLD = re.compile(r"\b(?:spend|spent|expenditure|costs?)\b[^.;()]{0,40}?\b(?:of|at|was|is)\s+[£$]\s?\d", re.I)
_GAP_ASKED = re.compile(r"\b(?:variances?|budget\w*|gap|over|under|short\w*|sav(?:e|ed|ing|ings)|cuts?|more|less|"
                        r"differ\w*|compared?|changed?|increased?|decreased?|reduced?|rise|fall)\b", re.I)
_QUARTER_LABEL = re.compile(r"\bQ([1-4])\b")
_QUARTER_TERMS = frozenset({"q1", "q2", "q3", "q4"})
# Savings as finance reports and members name them ('Savings Target', 'to save', 'cuts')
_SAVINGS = re.compile(r"\b(?:sav(?:e|es|ed|ing|ings)|cuts?)\b", re.I)
# A treasury table's 'Average Rate' of a loan, deposit or bond is its interest rate.
_LENT_OR_BORROWED = re.compile(r"\b(?:loans?|borrowing|debt|investments?|deposits?|bonds?|PWLB|LOBO)\b", re.I)
# A table of how many, whatever its columns are called: 'Placements Volume Activity By Month'
# ('Budget for 2023/24: 12.99' is children budgeted for, not pounds)
_COUNTS_TABLE = re.compile(r"\b(?:volumes?|headcount|numbers? of (?:children|young people|placements|pupils|staff))\b", re.I)
# A budget row's variance states an overspend ('Variance: +£0.7m', 'Variance: £0.7m') or an
# underspend ('Variance: -£8.6m', 'Variance (£): (261,214)') without naming it.
_VARIANCE = re.compile(r"\bvariance\b[^;:—]{0,30}:\s*([-−–(+]?)\s*[£$]?\s*(\d[\d,]*(?:\.\d+)?)", re.I)


def _variance_signs(text: str) -> set[str]:
    """The signs of a row's variances: '+' for any above nought, signed or not."""
    return {m.group(1) or "+" for m in _VARIANCE.finditer(text) if m.group(1) or float(m.group(2).replace(",", ""))}


def _spending_stated(signs: set[str]) -> set[str]:
    """'+' states an overspend; '-' or a bracket an underspend."""
    return ({"=overspend"} if "+" in signs else set()) | ({"=underspend"} if signs - {"+"} else set())


# A name spelled out in capitals ('Business Intelligence; and Human Resources')
_CAPITALISED_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+(?:and\s+|of\s+|&\s+)?[A-Z][a-z]+)+")


def _initials(text: str) -> set[str]:
    """The abbreviations the text's capitalised names spell: 'Human Resources' -> 'HR'; a
    name may follow a capital that is not its own ('The Rural Lift Partnership' -> 'RLP')."""
    spelled = set()
    for name in _CAPITALISED_NAME.findall(text):
        letters = "".join(word[0] for word in name.split() if word[0].isupper())
        spelled |= {letters[i:] for i in range(len(letters) - 1)}
    return spelled


# A capitalised word past a sentence's first: a name ('the Seashells and Millmead hubs')
_NAME_WORD = re.compile(r"(?<![.?!]\s)(?<!^)\b[A-Z][a-z]+\b")


def names_given(question: str, terms: list[str]) -> frozenset[str]:
    """The names a question gives (places, services, people), as its terms: capitalised
    words that are not its first, a month, a council's name or one of the field's terms."""
    words = [w for w in _NAME_WORD.findall(question) if not re.fullmatch(MONTH, w)]
    return _name_terms(" ".join(words), terms)


def _name_terms(words: str, terms: list[str]) -> frozenset[str]:
    """The question's terms these name words say (not the field's terms, '=...')."""
    return frozenset(t for t in said_terms(words) if not t.startswith("=")) & frozenset(terms)


# Capitalised words in a row: one name ('the 18-25 Strengthening Independence Service')
_NAME_RUN = re.compile(r"(?<![.?!]\s)(?<!^)\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+\b")


def name_runs(question: str, terms: list[str]) -> list[frozenset[str]]:
    """The names of several words the question gives, each as its terms: a service's name
    is rare as a whole though each of its words ('Service', 'Independence') is not."""
    runs = (_name_terms(run, terms) for run in _NAME_RUN.findall(question))
    return [run for run in runs if len(run) > 1]


@dataclass(frozen=True)
class Asked:
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
    school_years: set[str]  # the years of school asked about ('Year R')
    names: frozenset[str]  # the names it gives, as terms ('Seashells and Millmead': 'seashel', 'millmead')
    about: set[str]  # the field's terms it is about, with the broader ones they are kinds of
    earlier: bool  # asks the figure before the latest ('the previous quarter's')
    per: str | None  # the unit of time a sum is asked for by ('week' in 'cost per week')

    @classmethod
    def of(cls, question: str) -> "Asked":
        terms = question_terms(subject_of(question))
        periods = periods_in(question)
        return cls(question, terms, wants_figure(question), asks_standard(question), wants_count(question), wants_person(question),
                   wants_reason(question), measured_terms(question), terms_required(question), periods,
                   kinds_asked(question), term_wordings(question), frozenset(said_terms(period_wording(question))),
                   frozenset(terms) & MEASURE_TERMS, age_bands(question), frozenset(said_terms(age_wording(question))),
                   bare_months(question), timescales(question), frozenset(_ABBREVIATION.findall(question)),
                   frozenset() if periods else frozenset(terms) & _QUARTER_TERMS,
                   frozenset(said_terms(timescale_wording(question))), school_years(question),
                   names_given(question, terms), terms_about(question), asks_earlier(question),
                   cost_per(question) if "money" in kinds_asked(question) else None)

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
        if "interest" in self.measured and _LENT_OR_BORROWED.search(f"{unit.context} {unit.text}") and \
                "rate" in content_terms(unit.text):
            implied.add("interest")
        if signs := _variance_signs(unit.text):
            implied |= _spending_stated(signs) & set(self.terms)
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

    def _done(self, text: str) -> str:
        """What the text says was done: without its targets and assumptions, unless they are asked."""
        return text if self.standard else without_standards(text)

    def _figure_is_what_the_cause_explains(self, unit: Unit) -> bool:
        """Whether the unit names what is asked only as the cause of another thing's figure
        ('X underspends by £5m due to Y' gives X's figure, not Y's)."""
        subject = set(self.terms) - self.period_terms - MEASURE_TERMS - _SPENDING_TERMS
        if not subject or subject & set(content_terms(unit.context)):
            return False
        naming = [s for s in split_sentences(unit.text) if subject & set(content_terms(s))]
        return bool(naming) and all(self._only_as_cause(s, subject) for s in naming)

    def _only_as_cause(self, sentence: str, subject: set[str]) -> bool:
        cause = _CAUSE.search(sentence)
        if cause is None:
            return False
        effect, because = sentence[:cause.start()], sentence[cause.end():]
        return bool(measures(effect, self.question)) and not measures(because, self.question) and \
            not subject & set(content_terms(effect))

    def _fits_when_and_whom(self, unit: Unit, hit: Hit) -> float:
        """The period, month, timescale, age band and school year asked, where the unit states one."""
        fit = 1.0
        if self.periods and not overlaps(self.periods, _periods_of(unit, hit)):
            fit *= 0.4  # October 2023's figure is no answer about October 2022
        elif self.periods and not _has_column_for(self.periods, unit, hit):
            fit *= 0.4  # a row of quarters with no column for Q4 2023/24 (its 'Target 23-24' is not that quarter's)
        elif self.periods and self.figure and _reached_by_another_time(self.periods, unit.text, self.question):
            fit *= 0.4  # '£140m by 2027-28' is no answer about what came in 2022-23
        if self.earlier and not states_earlier(unit.text):
            fit *= 0.7  # 'at 53.6%' is the latest quarter's figure, not the previous quarter's
        if self.ages and (stated := age_bands(f"{unit.context} {unit.text}")) and not self.ages & stated:
            fit *= 0.4  # care leavers aged 19-21 are not those aged 17 to 18
        if self.months and (named := months_named(unit.text)) and not self.months & named:
            fit *= 0.4  # 18 missing episodes 'in October' says nothing of September
        if self.school_years and (named := school_years(unit.text)) and not self.school_years & named:
            fit *= 0.4  # '810 temporary Year 7 places' says nothing of Year R
        if self.timescales and not self.timescales & (stated := timescales(unit.text)) and \
                {kind for _, kind in self.timescales} & {kind for _, kind in stated}:
            fit *= 0.5  # decisions 'in one working day' are not those 'within two working days'
        return fit

    def _fits_figure(self, unit: Unit, hit: Hit) -> float:
        """The kind of figure asked (a share, a count, a sum, by the week), as what was done."""
        fit = 1.0
        if self.figure and not has_figure(unit.text, self.question):
            fit *= 0.5  # a figure question answered without a figure is not answered
        elif self.figure and not has_figure(self._done(unit.text), self.question):
            fit *= 0.5  # a target is not what was done: 'the target of £25,000' says nothing of what was raised
        elif self.kinds - kinds_stated(f"{unit.context} {unit.text}"):
            fit *= 0.6  # a percentage is no answer to 'what is the average salary?'
        elif self.count and (found := measures(self._done(unit.text), self.question)) and not counts(unit.text):
            # 'how many' is answered by a number before a rate (or a month's days), never by a sum of money
            fit *= 0.5 if all(is_money(f, unit.text) or is_share_of_a_sum(f, unit.text) or is_length_of_time(f, unit.text)
                              for f in found) else 0.85
        elif self.kinds & {"rate", "share"} and "money" not in self.kinds and \
                (found := measures(unit.text, self.question)) and all(is_money(f, unit.text) for f in found):
            fit *= 0.5  # a vacancy rate is no sum of money, whatever a budget row says of vacancies
        if "money" in self.kinds and hit.passage.kind == "table_row" and _COUNTS_TABLE.search(hit.passage.caption or ""):
            fit *= 0.5  # a volumes table's row counts children, whatever its 'Budget' column says
        if self.figure and (found := measures(done := self._done(unit.text), self.question)) and \
                all(is_difference(f, done) for f in found) and not DIFFERENCE_ASKED.search(self.question):
            fit *= 0.5  # '£2k-£5k per week more than a shared placement' is not what a placement costs
        if "money" in self.kinds and hit.passage.kind != "table_row" and _GAP_TOLD.search(unit.text) and \
                not _SPEND_TOLD.search(unit.text) and not self.about & {"=overspend", "=underspend"} and \
                not _GAP_ASKED.search(self.question):
            fit *= 0.5  # 'a variance of £14.5m, largely Skills Bootcamps (£6.8m)' is not what they cost
        if self.figure and self._figure_is_what_the_cause_explains(unit):
            fit *= 0.6  # 'Education is forecasting an underspend of -£5m, due to Home to School Transport'
        if self.per and not states_per(self.per, f"{unit.context} {unit.text}"):
            fit *= 0.5  # a year's spending on placements is not what a placement costs a week
        if self.count and (found := counts(unit.text)) and all(is_capacity(f, unit.text) for f in found) and \
                not CAPACITY_ASKED.search(self.question):
            fit *= 0.8  # beds or places are what a service can hold, not how many children it holds
        return fit

    def fit(self, unit: Unit, in_context: set[str], passage_terms: set[str], hit: Hit) -> float:
        """How well the unit fits what is asked, whatever words it shares (1: nothing amiss)."""
        fit = self._fits_when_and_whom(unit, hit) * self._fits_figure(unit, hit)
        if not set(said_terms(unit.text)) - set(self.terms):
            fit *= 0.5  # it only restates the question ('Findings from the inspection.')
        if self.reason and not REASON_CUES.search(unit.text):
            fit *= 0.8  # 'why' is answered by a cause, not by restating the indicator
        if self.measured - in_context:
            fit *= 0.5
        if self.required - passage_terms - in_context:
            fit *= 0.5  # a quote about in-house fostering does not answer a question about dental checks
        elif (self.required | self.about) & terms_excluded(unit.text):
            fit *= 0.5  # '1,036 non-UASC care leavers' are not children in care, whatever their heading
        if hit.passage.kind == "table_row" and _SAVINGS.search(unit.text) and not _SAVINGS.search(self.question):
            fit *= 0.5  # a savings tracker's row is what a cut saves, not what a service spends or gets
        if self.person and not names_person(unit.text):
            fit *= 0.8
        if unit.text.count(". ") >= 1 and unit.own_scope.endswith(unit.text):
            fit *= 0.97  # a pair of sentences must earn its extra length
        return fit



# A group named in brackets inside a row's name ('Looked After Children (with Disability) -
# Care & Support'); a group closing the name says whose the row is (units.WHOSE), not what it is.
_BRACKETED = re.compile(r"\(([^()]*)\)")


def narrower_rows(question: str, hits: list[Hit]) -> set[int]:
    """The found rows that are another found row narrowed to a group the question does not
    name: asked about children in care's placements, 'Looked After Children (with
    Disability) - Care & Support' is not the row when 'Looked After Children - Care &
    Support' is there too."""
    asked = set(content_terms(question, expand=False))
    names = {i: WHOSE.sub("", h.passage.text.partition(" — ")[0].split(": ", 1)[-1])
             for i, h in enumerate(hits) if h.passage.kind == "table_row"}
    plain = {frozenset(content_terms(name, expand=False)) for name in names.values() if "(" not in name}
    return {i for i, name in names.items()
            if any(set(content_terms(group, expand=False)) - asked for group in _BRACKETED.findall(name))
            and frozenset(content_terms(_BRACKETED.sub(" ", name), expand=False)) in plain}
