"""Time as papers and members write it: dates ('04 December 2019', 'March 2024',
'31/03/24'), periods ('Q3 2023/24', 'autumn 2023'), months without a year ('in October')
and timescales ('within 20 working days', 'in two weeks')."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*"
DATE = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTH}(?:\s+\d{{4}})?|{MONTH}\s+\d{{4}}|\d{{1,2}}/\d{{1,2}}/\d{{2,4}})\b"
)
# A day, month and year written out ('13 March 2025', '1st Sept. 2025'), as a meeting is dated
_MONTH_NUMBERS = {
    name: number
    for number, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
         ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
         ("september", "sept", "sep"), ("october", "oct"), ("november", "nov"),
         ("december", "dec")],
        start=1,
    )
    for name in names
}
FULL_DATE = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(" + "|".join(sorted(_MONTH_NUMBERS, key=len, reverse=True))
    + r")\.?,?\s+((?:19|20)\d\d)\b",
    re.I,
)
# A question that wants a date: a date answers it, and is no count for any other. It asks
# at its start or at its main clause's ('If Cabinet confirms the decision, when does Council
# see it?'), and may ask from or by when ('From what date is the service to move?').
_WHEN_WORDS = r"(?:(?:from|by|since|until|till)\s+)?(?:when|what date)\b"
_WHEN = re.compile(rf"^\s*{_WHEN_WORDS}|[,;]\s*{_WHEN_WORDS}\s+(?:is|are|was|were|will|would|does|do|did|can|could|"
                   r"should|has|have|must)\b", re.I)

# Table columns name periods in short ('Dec-24', 'Mar 24', "Sep'23"); members say 'December 2024'.
_SHORT_MONTH_YEAR = re.compile(rf"\b({MONTH})[-\s'’]?(\d{{2}})\b")
_MONTHS = {m[:3]: m for m in ("January February March April May June July August September October "
                              "November December").split()}


def spelled_out_periods(text: str) -> str | None:
    """'Dec-23: 1,466; Dec-24: 1,409' -> 'December 2023, December 2024': the periods a row's
    columns name, as members say them (indexed beside the row, never shown as its text)."""
    found = dict.fromkeys(f"{_MONTHS[m.group(1)[:3]]} 20{m.group(2)}" for m in _SHORT_MONTH_YEAR.finditer(text))
    return ", ".join(found) or None


# --- periods as spans of months ---------------------------------------------------------
#
# A period is a span of months, each month counted as year * 12 + (month - 1). Councils'
# years run April to March, so 'Q3 2023/24' is October to December 2023 and '2022-23' is
# April 2022 to March 2023.

Span = tuple[int, int]
_MONTH_NUMBER = {m[:3].lower(): n for n, m in enumerate(_MONTHS.values(), start=1)}
_YEAR = r"(?:19|20)\d{2}"
_FY = rf"({_YEAR}|\d{{2}})\s*[/-]\s*((?:19|20)?\d{{2}})"
_ORDINAL = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
_QUARTER = re.compile(rf"\b(?:Q([1-4])|quarter\s+([1-4])|(first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter)"
                      rf"(?:\s+of)?\s+(?:the\s+)?{_FY}(?!\d)", re.I)
_FINANCIAL_YEAR = re.compile(rf"(?<![\d/-]){_FY}(?![\d/-])")
_SEASON = re.compile(rf"\b(spring|summer|autumn|winter)\s+(?:of\s+)?({_YEAR})\b", re.I)
_EDGE_OF_YEAR = re.compile(rf"\b(start|beginning|early|end|late)\s+(?:of\s+)?({_YEAR})\b", re.I)
_BETWEEN = re.compile(rf"\bbetween\s+({MONTH})\s+and\s+({MONTH})\s+({_YEAR})\b", re.I)
_MONTH_YEAR = re.compile(rf"\b({MONTH})[-\s'’]*({_YEAR}|\d{{2}})\b(?![/-]\d)", re.I)
_NUMERIC_DATE = re.compile(r"\b\d{1,2}/(\d{1,2})/((?:19|20)?\d{2})\b")
_BARE_YEAR = re.compile(rf"(?<![\d/-])({_YEAR})(?![\d/-])")
_A_YEAR_BEFORE = re.compile(r"\b(?:a|one) year (?:before|earlier than|prior to|previously,? in)\s+$", re.I)
_SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "winter": (12, 14)}
# Words that place a question in time but that no passage needs to repeat to answer it.
TIME_WORDS = re.compile(
    r"\b((?:spring|summer|autumn|winter)(?= (?:of )?(?:19|20)\d\d)|(?:a|this|last|next|the previous) (?:year|quarter)(?: earlier| before)?|"
    r"earlier|ago|so far|to date|at present|at the moment|currently|presently|these days|right now|now)\b", re.I)


def _year(text: str) -> int:
    return int(text) if len(text) == 4 else 2000 + int(text)


def _months(first_year: int, first: int, last_year: int, last: int) -> Span:
    return (first_year * 12 + first - 1, last_year * 12 + last - 1)


def periods_in(text: str) -> list[Span]:
    """Every period the text names: 'Q3 2023/24', '2022-23', 'autumn 2023', 'end of 2023',
    'between July and September 2023', 'October 2022', 'Dec-24', '24/11/2023', '2019'."""
    return [span for _, span in _named_periods(text)]


def period_wording(text: str) -> str:
    """The words the text names its periods with ('the end of 2023' -> 'end of 2023'): a
    quote about that period answers them whether or not it repeats them ('Q3 2023/24')."""
    return " ".join(words for words, _ in _named_periods(text))


def _named_periods(text: str) -> list[tuple[str, Span]]:
    found: list[tuple[str, Span]] = []
    taken: list[tuple[int, int]] = []

    def add(match: re.Match, span: Span) -> None:
        if not any(a <= match.start() < b for a, b in taken):
            shift = 12 if _A_YEAR_BEFORE.search(text[: match.start()]) else 0
            found.append((match.group(0), (span[0] - shift, span[1] - shift)))
            taken.append(match.span())

    for m in _QUARTER.finditer(text):
        quarter = int(m.group(1) or m.group(2) or _ORDINAL[m.group(3).lower()])
        start = _year(m.group(4)) * 12 + 3 + (quarter - 1) * 3  # April is month 3 of a year, counted from 0
        add(m, (start, start + 2))
    for m in _BETWEEN.finditer(text):
        year = int(m.group(3))
        add(m, _months(year, _MONTH_NUMBER[m.group(1)[:3].lower()], year, _MONTH_NUMBER[m.group(2)[:3].lower()]))
    for m in _SEASON.finditer(text):
        first, last = _SEASONS[m.group(1).lower()]
        add(m, (int(m.group(2)) * 12 + first - 1, int(m.group(2)) * 12 + last - 1))
    for m in _EDGE_OF_YEAR.finditer(text):
        first = 1 if m.group(1).lower() in ("start", "beginning", "early") else 10
        add(m, _months(int(m.group(2)), first, int(m.group(2)), first + 2))
    for m in _NUMERIC_DATE.finditer(text):
        add(m, (_year(m.group(2)) * 12 + int(m.group(1)) - 1,) * 2)
    for m in _MONTH_YEAR.finditer(text):
        month = _year(m.group(2)) * 12 + _MONTH_NUMBER[m.group(1)[:3].lower()] - 1
        add(m, (month, month))
    for m in _FINANCIAL_YEAR.finditer(text):
        first, second = _year(m.group(1)), _year(m.group(2))
        if second == first + 1:
            add(m, _months(first, 4, second, 3))
    for m in _BARE_YEAR.finditer(text):
        add(m, _months(int(m.group(1)), 1, int(m.group(1)), 12))
    return found


def overlaps(asked: list[Span], stated: list[Span]) -> bool:
    return any(a0 <= s1 and s0 <= a1 for a0, a1 in asked for s0, s1 in stated)


def states(asked: list[Span], stated: list[Span]) -> bool:
    """Whether a figure for a `stated` period is a figure for the period `asked`: the
    same period or a part of it, or a quarter (or less) that overlaps it ('Q3 2023/24'
    states 'the end of December 2023'). A year's figure does not state its February."""
    return any(a0 <= s1 and s0 <= a1 and ((a0 <= s0 and s1 <= a1) or s1 - s0 <= 2)
               for a0, a1 in asked for s0, s1 in stated)


def reporting_window(meeting_date: str | None) -> list[Span]:
    """The months a paper without dates of its own reports on: the fifteen before its meeting."""
    if not meeting_date:
        return []
    month = int(meeting_date[:4]) * 12 + int(meeting_date[5:7]) - 1
    return [(month - 15, month)]


# A question after the figure before the latest ('the previous quarter's percentage', 'the
# previous figure'); 'last quarter' is left out: members mean by it the latest one reported.
_EARLIER_ASKED = re.compile(r"\b(?:previous|preceding|prior)\s+(?:quarter|month|year|period|figure|value)|"
                            r"\b(?:quarter|month)\s+before\b", re.I)
# A unit stating an earlier figure: a KPI card's 'Previous: 54.3%', 'up from 52%', 'in the prior quarter'
_EARLIER_STATED = re.compile(r"\b(?:previous(?:ly)?|preceding|prior|last (?:quarter|month|year))\b|"
                             r"\bfrom\s+[£$]?\d", re.I)


def asks_earlier(question: str) -> bool:
    return bool(_EARLIER_ASKED.search(question))


def states_earlier(text: str) -> bool:
    return bool(_EARLIER_STATED.search(text))


# --- months without a year, quarters, timescales ------------------------------------------

# A month named without its year ('18 missing episodes in October'): a monthly report's
# months. Only after a word that places it in time, so 'May' the verb is never one.
_BARE_MONTH = re.compile(rf"\b(?:in|during|for|from|to|since|until|by|of|end of|start of|between|and)\s+({MONTH})\b(?!\s*\d)")
# Members say 'the first quarter' where a table's column says 'Q1'.
_SPELLED_QUARTER = re.compile(r"\b(?:(first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter|quarter\s+(one|two|three|four|[1-4]))\b", re.I)
_QUARTER_NUMBER = _ORDINAL | {"one": 1, "two": 2, "three": 3, "four": 4, "1": 1, "2": 2, "3": 3, "4": 4}
# Members say 'more than twenty children' where a table says 'more than 20 children'.
NUMBER_WORDS = {word: str(n) for n, word in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())} | {"thirty": "30", "forty": "40", "fifty": "50", "hundred": "100"}
# A timescale: a number of hours, days, weeks, months or years ('within 45 working days').
TIMESCALE_UNIT = r"(?:working\s+|calendar\s+|school\s+|full\s+|whole\s+)?(hour|day|week|month|year)s?\b"
_TIMESCALE = re.compile(rf"\b(\d+(?:\.\d+)?|an?|{'|'.join(NUMBER_WORDS)})\s+{TIMESCALE_UNIT}", re.I)


@lru_cache(maxsize=4096)  # read for every quotable unit, and for the same question each time
def months_named(text: str) -> frozenset[int]:
    """The months of the year (1-12) the text names, with a year or without one."""
    named = {m.group(1) for m in _MONTH_YEAR.finditer(text)} | {m.group(1) for m in _BARE_MONTH.finditer(text)}
    return frozenset(_MONTH_NUMBER[name[:3].lower()] for name in named)


def bare_months(text: str) -> set[int]:
    """The months the text names without a year ('in September'), when it names no year."""
    if periods_in(text):
        return set()
    return {_MONTH_NUMBER[m.group(1)[:3].lower()] for m in _BARE_MONTH.finditer(text)}


def quarters_as_columns_say(text: str) -> str:
    """'in the first quarter' -> 'in the Q1': the way a quarterly table's columns name it."""
    return _SPELLED_QUARTER.sub(lambda m: f"Q{_QUARTER_NUMBER[(m.group(1) or m.group(2)).lower()]}", text)


@lru_cache(maxsize=4096)  # read by both `Asked.implied` and `Asked.fit` for every quotable unit
def timescales(text: str) -> frozenset[tuple[float, str]]:
    """The timescales the text names, in days or months, each as every length it can mean:
    'within four weeks' -> (20, 'day') and (28, 'day'), '3+ in a year' -> (12, 'month')."""
    found = set()
    for m in _TIMESCALE.finditer(text):
        number = m.group(1).lower()
        n, unit = float(1 if number in ("a", "an") else NUMBER_WORDS.get(number, number)), m.group(2).lower()
        found |= _LENGTHS[unit](n)
    return frozenset(found)


def timescale_wording(text: str) -> str:
    """The words the text names its timescales with ('four weeks')."""
    return " ".join(m.group(0) for m in _TIMESCALE.finditer(text))


# A week is five working days or seven days; a year twelve months; a day 24 hours.
_LENGTHS = {
    "hour": lambda n: {(n / 24, "day")},
    "day": lambda n: {(n, "day")},
    "week": lambda n: {(n * 5, "day"), (n * 7, "day")},
    "month": lambda n: {(n, "month")},
    "year": lambda n: {(n * 12, "month")},
}


def parse_date(text: str) -> date | None:
    """The first date written out in full in `text` ('30 January 2025'), if a real one."""
    m = FULL_DATE.search(text)
    if not m:
        return None
    try:
        return date(int(m.group(3)), _MONTH_NUMBERS[m.group(2).lower()], int(m.group(1)))
    except ValueError:
        return None


def asks_when(question: str) -> bool:
    """Whether the question asks for a date ('When will …', 'From what date …')."""
    return bool(_WHEN.search(question))


_HOW_LONG = re.compile(r"\bhow long\b", re.I)


def asks_how_long(question: str) -> bool:
    """Whether the question asks for a length of time ('How long is the post funded for?'),
    which a paper may give in words ('two years of funding')."""
    return bool(_HOW_LONG.search(question))
