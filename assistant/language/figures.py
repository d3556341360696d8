"""Figures in text, normalised so '£7.2M', '7,200,000' and '£7.2m' compare equal, and which
figures in a passage are answers (not dates, paragraph numbers or 'Appendix 1').

Used by retrieval and answering (does a passage state a figure?), by grounding (every
figure in an answer must be in a cited passage) and by evaluation (is the gold figure in
the answer?).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.language.periods import DATE, TIMESCALE_UNIT, asks_how_long, asks_when, months_named, periods_in, timescales

FIGURE = re.compile(
    r"(?P<neg>[-−–(])?\s?(?P<cur>£|\$)?\s?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s?(?P<unit>%|per ?cent|k\b|m\b|bn\b|million\b|billion\b|thousand\b))?",
    re.I,
)
SCALE = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "bn": 1e9, "billion": 1e9}


@dataclass(frozen=True)
class Figure:
    value: float
    percent: bool
    text: str
    start: int  # where the number begins in the text it was found in


def figures(text: str) -> list[Figure]:
    found = []
    for m in FIGURE.finditer(text):
        start = m.start("num")
        if start > 0 and (text[start - 1].isalpha() or text[start - 1] in "/"):
            continue  # 'S47', 'Q3', 'P8', '2023/24' tails are labels, not figures
        value = float(m.group("num").replace(",", ""))
        unit = (m.group("unit") or "").lower().replace(" ", "")
        value *= SCALE.get(unit, 1)
        found.append(Figure(value, unit in ("%", "percent"), m.group(0).strip(" (-−–"), start))
    return found


def same_value(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))


def figure_in(figure: Figure, text: str) -> bool:
    """Does `text` state this figure (numerically, allowing '£7.2M' == '£7,200,000')?"""
    return any(same_value(figure.value, other.value) for other in figures(text))


def ungrounded(answer_text: str, evidence: list[str]) -> list[str]:
    """Figures in the answer that no cited passage states."""
    joined = "\n".join(evidence)
    return [f.text for f in figures(strip_markers(answer_text)) if not figure_in(f, joined)]


# '[2]', and as a model may write them, '[1, 3]' or '[1;3]'
MARKER = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")


def strip_markers(text: str) -> str:
    return MARKER.sub("", text)


def cited_numbers(text: str) -> tuple[int, ...]:
    """The passage numbers a text cites, in order, once each."""
    found = [int(n) for group in MARKER.findall(text) for n in re.split(r"[,;]", group)]
    return tuple(dict.fromkeys(found))


_AFTER_NUMBER = re.compile(rf"^[\d,.]*\s*{TIMESCALE_UNIT}", re.I)
_A_YEAR = re.compile(r"^(?:19|20)\d\d$")


# A finance table's row gives its sums under money columns, without '£': 'Working Budget: 101.8'.
_MONEY_COLUMN = re.compile(r"(?:budget|forecast|variance|spend|spent|costs?|out-?turn|expenditure|income|"
                           r"£m|£k|£'?000s?)[^;:—]{0,25}:\s*[-−–(+]?\s*[£$]?\s*$", re.I)


def is_money(figure: Figure, text: str) -> bool:
    """A sum of money: '£25,000', or a figure under a money column of a table row."""
    return figure.text.startswith(("£", "$")) or bool(_MONEY_COLUMN.search(text[max(0, figure.start - 50) : figure.start]))


# '£11.8m (23%)': a share in brackets just after a sum is that sum's share of its budget
_AFTER_A_SUM = re.compile(r"[£$]\d[\d,.]*\s*(?:k|m|bn)?\s*\($", re.I)


def is_share_of_a_sum(figure: Figure, text: str) -> bool:
    """A percentage saying what share of its budget a sum is: the 23% of '£11.8m (23%)'."""
    return figure.percent and bool(_AFTER_A_SUM.search(text[max(0, figure.start - 20) : figure.start]))


def is_length_of_time(figure: Figure, text: str) -> bool:
    """A number of hours, days, weeks, months or years: '20 working days', '2.5 years'."""
    return bool(_AFTER_NUMBER.match(text[figure.start:]))


# Beds, places and spaces are what a service can hold, not how many it holds: '12 in house
# beds were released' says nothing of how many children are in care.
_CAPACITY_AFTER_NUMBER = re.compile(r"^[\d,.]*\s+(?:[\w-]+\s+){0,2}(?:beds|places|spaces)\b"
                                    r"(?!\s+(?:were\s+|was\s+|have\s+been\s+)?(?:booked|taken|filled|used|occupied))", re.I)
CAPACITY_ASKED = re.compile(r"\b(?:beds?|places?|spaces?|capacity|sufficiency)\b", re.I)


def is_capacity(figure: Figure, text: str) -> bool:
    """A number of beds, places or spaces: '12 in house beds', '810 Year 7 places' (not
    '408 places booked': places taken are a count of those who took them)."""
    return bool(_CAPACITY_AFTER_NUMBER.match(text[figure.start:]))


# A figure said as a difference from another ('£2k-£5k per week more than a multi-occupancy
# placement', '3% lower than last year') is how far apart two things are, not either of them.
_DIFFERENCE_AFTER_NUMBER = re.compile(r"^[^\s]*(?:\s*[-–]\s*[^\s]+)?\s+(?:(?:a|per|each)\s+\w+\s+)?"
                                      r"(?:more|less|higher|lower|cheaper|dearer|greater|fewer)\s+than\b", re.I)
DIFFERENCE_ASKED = re.compile(r"\b(?:more|less|higher|lower|cheaper|dearer|greater|fewer|difference|gap|compare[sd]?|"
                              r"extra|increase[sd]?|decrease[sd]?|rise|rose|fall|fell|change[sd]?|by how much)\b", re.I)


def is_difference(figure: Figure, text: str) -> bool:
    """A figure said as how much more or less than something else it is."""
    return bool(_DIFFERENCE_AFTER_NUMBER.match(text[figure.start:]))


# '£140m by 2027-28', '£96.6m as at 31st March 2025': a figure's own time, whatever year the sentence opens with
_BY_PERIOD = re.compile(r"(?<![\w.,])[\d,.]*\d\s?(?:%|m|bn|k|million|billion)?\s+(?:by|as at)\s+(?:the\s+end\s+of\s+)?(?P<when>.{4,20})", re.I)
# 'In 2024-25, the Council is expecting to receive a further £9m': the sentence's time
_SENTENCE_OPENING_PERIOD = re.compile(r"\s*(?:In|During|At the end of)\s+(?P<when>[^,.]{4,25}),")


def own_period(figure: Figure, text: str) -> list[tuple[int, int]]:
    """The period a figure is said to be reached by (or the figure before it in its sentence,
    '£140m by 2027-28 (plus £2m of project costs)'), else the one its sentence opens with."""
    sentence = text.rfind(". ", 0, figure.start) + 1
    reached_by = [m for m in _BY_PERIOD.finditer(text, sentence, figure.start + 30) if m.start() <= figure.start]
    said = reached_by[-1] if reached_by else _SENTENCE_OPENING_PERIOD.match(text, sentence)
    return periods_in(said.group("when"))[:1] if said else []


def counts(text: str) -> list[Figure]:
    """The figures that can answer 'how many': not shares, sums of money, lengths of
    time ('20 working days'), years or dates (a column's 'Q4 22-23' too), nor numbers that
    name or number a list ('16 & 17 year old', '3) Any young adults', see _not_measuring)."""
    dates = [m.span() for m in DATE.finditer(text)] + _not_measuring(text)
    return [f for f in figures(text)
            if not f.percent and not is_money(f, text) and not _A_YEAR.match(f.text)
            and not is_length_of_time(f, text) and not any(a <= f.start < b for a, b in dates)
            and not _DENOMINATOR.search(text[: f.start])]


def has_figure(text: str, question: str = "") -> bool:
    """Does `text` state a figure the question does not already give? ('…for 2024/25' in
    a question about 2024/25 budgets is a restatement, not an answer.)"""
    if asks_when(question):
        # a time answers 'when' ('in October', 'on 1st April', 'within 20 days'); a count
        # does not ('This affects the 925 individual service users')
        return bool(_times_named(text) - _times_named(question))
    if asks_how_long(question) and timescales(text) - timescales(question):
        return True  # 'two years of funding', 'a full year of tracking' answer 'how long' in words
    return bool(measures(text, question))


# A word in capitals, or a day's ordinal ('22ND'), as a header box writes a date
_CAPITALS = re.compile(r"\b(\d{1,2}|[A-Z])([A-Z]+)\b")


def _times_named(text: str) -> set:
    """The dates, months, periods and timescales the text names, comparable between texts."""
    measuring = _without_spans(text, _not_measuring(text))  # '18-25 years of age' is no length of time
    dates = DATE.finditer(_CAPITALS.sub(lambda m: m.group(1) + m.group(2).lower(), text))  # 'THURSDAY 22ND FEBRUARY'
    return ({("month", m) for m in months_named(text)} | {("date", m.group(0).lower()) for m in dates}
            | {("period", p) for p in periods_in(text)} | {("timescale", t) for t in timescales(measuring)})


def _without_spans(text: str, spans: list[tuple[int, int]]) -> str:
    for start, end in spans:
        text = text[:start] + " " * (end - start) + text[end:]
    return text


# Asking whether something meets its timescale, not how long it takes
_ON_TIME = re.compile(r"\b(?:on time|in time|timely|in timescales?|within timescales?)\b", re.I)


def measures(text: str, question: str = "") -> list[Figure]:
    """The figures `text` states that measure something the question does not already give:
    not references, paragraph or list numbers, numbers that name, a rate's population, or
    (unless a date is asked for) dates."""
    skipped = _not_measuring(text)
    if not asks_when(question):
        skipped += [m.span() for m in DATE.finditer(text)] + [m.span("year") for m in _YEAR_AS_TIME.finditer(text)]
    # 'within three days' or 'on time' asks how many or what share, not how long
    within = bool(timescales(question)) or bool(_ON_TIME.search(question))
    return [
        f for f in figures(text)
        if not figure_in(f, question)
        and not (within and is_length_of_time(f, text))
        and not _REFERENCE.search(text[: f.start])
        and not _DENOMINATOR.search(text[: f.start])
        and not any(a <= f.start < b for a, b in skipped)
    ]


def _not_measuring(text: str) -> list[tuple[int, int]]:
    """Spans of `text` whose numbers point, number or name rather than measure."""
    patterns = (_PARAGRAPH_REFS, _LIST_NUMBER, _NAMING, _WEB_ADDRESS)
    return [m.span() for pattern in patterns for m in pattern.finditer(text)] + _budget_years(text)


# A web address: its numbers are part of a name ('.../send-19-to-25-year-olds-entitlement')
_WEB_ADDRESS = re.compile(r"\b(?:https?://|www\.)\S+", re.I)
# A list item's number where an item starts: '3) Any young adults', '… ASCH. 4) For', '(b) The'
_LIST_NUMBER = re.compile(r"(?:^|(?<=[.:;]\s))\s*\(?(?:\d{1,2}|[a-z])(?:\.\d{1,2})*[.)](?=\s)", re.I)
# Numbers that name rather than measure: a decision or case number ('Decision 24/00109'),
# the ages a service or team is for ('the 18-25 section', '18-65 services'), and, unless a
# date is asked for, the year something happened in ('In 2023, Kent created a role'); so
# do the ages a population is counted over or a service is for ('aged under 18', 'reach
# the age of 18', 'from age 18', 'on turning 18', 'until their 22nd birthday', 'for 0-25
# years', '0 to 2 years of age', '16 & 17 year old', 'post-16', 'under-18s') and a rolling
# window ('rolling 12 months', 'the 12 months to December'). ('Year 4' is a reference: see
# _REFERENCE.)
_NAMING = re.compile(r"\b\d+/\d{3,}\b|\b\d{1,2}(?:\s?[-–]\s?\d{1,2}|\+)(?=\s+(?:sections?|services?|teams?|cohorts?|pathways?|provision)\b)|"
                     r"\b(?:aged|the age of|(?:from|up to|until|at)\s+age|turn(?:s|ing|ed)?)\s+(?:under\s+|over\s+)?\d{1,2}(?:\s?(?:[-–]|to)\s?\d{1,2})?\b|"
                     r"\b\d{1,2}(?:st|nd|rd|th)\s+birthday\b|"
                     r"\bfor\s+(?:ages\s+)?\d{1,2}\s?[-–]\s?\d{1,2}\s?(?:years?|yrs)\b|"
                     r"\b\d{1,2}\s*(?:(?:[-–&]|and|or|to)\s*\d{1,2}\s*)?[- ]?years?[- ](?:of\s+age|olds?)\b|"
                     r"\brolling\s+\d+\s+months?\b|\b\d+\s+months?\s+to\b|"
                     r"\b(?:pre|post)[- ]?\d{1,2}\b|\b(?:under|over)-\d{1,2}s?\b", re.I)
_YEAR_AS_TIME = re.compile(r"\b(?:in|since|during|from|until|by|before|after)\s+(?P<year>(?:19|20)\d\d)\b(?![,.]?\d)", re.I)


def _budget_years(text: str) -> list[tuple[int, int]]:
    """Spans of financial years ('the 25-26 budget', 'in 2025-26', '2024/25'): two years
    in a row, of which the second is no count ('2025-26' is not 26 of anything)."""
    return [m.span() for m in _TWO_YEARS.finditer(text) if int(m.group(2)) == (int(m.group(1)) + 1) % 100]


_TWO_YEARS = re.compile(r"\b(?:19|20)?(\d\d)\s?[-/]\s?(?:19|20)?(\d\d)\b(?!\s*year)")


# 'per 10,000 children': the population a rate is counted over, not a figure it states
_DENOMINATOR = re.compile(r"\bper\s*$", re.I)
# '(3.6-3.9)', '(1.2)', '(3.4 & Appendix A)': the paragraphs a recommendation points to.
_PARAGRAPH_REFS = re.compile(r"\(\s*\d+\.\d+(?:\s*(?:[-–&,]|and)\s*\d+\.\d+)*"
                             r"(?:\s*(?:&|and|,)\s*(?:appendix|annex)\s+\w+)?\s*\)", re.I)
# 'Appendix 1', 'section 3.2', 'Phase 2', 'Outcome 22' (a plan's or the police's numbered
# outcomes): numbers that point somewhere rather than measure;
# so does a year of school or of a programme ('Year 4 funding', '150 Year 7 places'),
# capitalised only, so 'this year 450 children' still counts.
_REFERENCE = re.compile(
    r"\b(appendix|annex|section|paragraph|para|page|table|item|chart|graph|recommendation|"
    r"priority|ref|phase|tier|level|stage|step|version|outcome|no\.?|(?-i:Year))\s*$",
    re.I,
)


# 'to the target of £25,000', 'Target: 700', 'aiming for 85%', 'below the floor standard of
# 75.0%': figures a paper sets as goals or as the level below which a KPI is rated red; 'the
# budget assumed that 100% of learners would complete': what was planned on, not what happened.
_STANDARD_FIGURE = re.compile(r"\b(?:targets?|aim(?:s|ed|ing)?(?: for| at| to)?|ambitions?|goals?|floor(?: standards?)?|"
                              r"assum(?:e|es|ed|ing|ptions?))\b"
                          r"(?:\s*(?:(?:19|20)\d\d|\d\d)[-/]\d\d)?[^.;\d£$]{0,25}[£$]?\d[\d,.]*\s*(?:%|k\b|m\b|bn\b)?", re.I)


def without_standards(text: str) -> str:
    """`text` without the figures it states as targets, aims or floors: what is left is what was done."""
    return _STANDARD_FIGURE.sub(" ", text)
