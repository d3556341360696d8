"""Table rows and sentences -> structured indicator records.

Ingestion already turned every table row into a self-describing line
('Label — Q1 2023-2024: 38%; Target 23-24: 70%; Polarity: Higher is better; RAG: RED'),
so an indicator is read back from that line: which fields are periods, which the target,
the rating, the comparators, the budget lines. Figures stated in prose with their target
or benchmark ('55% against the target of 80%') become indicators too. Every indicator
keeps the passages it was read from, so anything said about it can be cited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.language.figures import Figure, figures
from assistant.language.periods import DATE
from assistant.language.sentences import split_sentences
from assistant.types import Passage


@dataclass(frozen=True)
class Reading:
    """One labelled figure: 'Q3 2023-2024: 34%'."""

    label: str
    text: str
    value: float


@dataclass
class Indicator:
    name: str
    passages: list[Passage]  # where it was read; the first is the table row or sentence
    area: str | None = None
    values: list[Reading] = field(default_factory=list)  # in the report's order: oldest first
    target: Reading | None = None
    floor: Reading | None = None  # the minimum acceptable ('floor standard'): a threshold, not a value
    lower_is_better: bool | None = None
    rag: str | None = None  # RED / AMBER / GREEN
    direction: str | None = None
    comparators: list[Reading] = field(default_factory=list)
    budget: Reading | None = None
    forecast: Reading | None = None
    variance: Reading | None = None
    growth: Reading | None = None  # 'Change from 2020/21: 219.04%'
    money: bool = False  # budget lines in £ (not placement numbers)
    statement: str | None = None  # the sentence, for indicators read from prose
    named: bool = True  # False when prose gave no name and the heading stands in for one

    @property
    def latest(self) -> Reading | None:
        return self.values[-1] if self.values else None

    @property
    def is_finance(self) -> bool:
        return bool(self.budget or self.forecast or self.variance)


_TARGET = re.compile(r"^target\b", re.I)
_FLOOR = re.compile(r"^(floor|floor standard|minimum|threshold)\b", re.I)
# A card gives 'Latest' then 'Previous': the earlier value goes before the later ones.
_EARLIER = re.compile(r"^(previous|prior|last (?:quarter|month|year|period))\b", re.I)
_OWN_RATING = re.compile(r"\s*\((?:red|amber|green)\)$", re.I)  # 'Previous: 74.7% (Red)': that period's rating
_POLARITY = re.compile(r"^polarity$", re.I)
_RAG = re.compile(r"^rag(?: rating)?$", re.I)
_DIRECTION = re.compile(r"^(dot|direction(?: of travel)?)$", re.I)
_COMPARATOR = re.compile(r"statistical neighbour|\bsn\b|south west|north west|region|england|national|ofsted good", re.I)
_BUDGET = re.compile(r"budget", re.I)
_VARIANCE = re.compile(r"variance", re.I)
_FORECAST = re.compile(r"forecast|out-?turn|projected", re.I)
_CHANGE = re.compile(r"^change\b", re.I)
_MONEY = re.compile(r"£|\bspend\b|\bcosts?\b|revenue|savings", re.I)
_IGNORED = re.compile(r"^(area|data type|ref|notes?|comments?)$", re.I)
_RAG_WORDS = {"R": "RED", "A": "AMBER", "G": "GREEN", "RED": "RED", "AMBER": "AMBER", "GREEN": "GREEN"}


def indicator_from_row(row: Passage) -> Indicator | None:
    """Read a serialised table row back into an indicator (None if it holds no figures)."""
    label, sep, rest = row.text.partition(" — ")
    if not sep:
        return None
    name = label.split(": ", 1)[-1].strip() if ": " in label and len(label) > 60 else label.strip()
    indicator = Indicator(name=name, passages=[row])
    for key, value in _fields(rest):
        _assign(indicator, key, value)
    indicator.money = bool(_MONEY.search(f"{row.caption or ''} {rest}"))
    return indicator if (indicator.values or indicator.is_finance) else None


def _fields(text: str) -> list[tuple[str, str]]:
    pairs = []
    for part in text.split("; "):
        key, sep, value = part.partition(": ")
        if sep:
            pairs.append((key.strip(), value.strip()))
    return pairs


def _assign(indicator: Indicator, key: str, value: str) -> None:
    value = _OWN_RATING.sub("", value)
    # a date in a cell ('5 Feb 2026': a forward plan's decision date) is when, not how much
    found = None if DATE.fullmatch(value.strip()) else _first_figure(value)
    reading = Reading(key, value, found.value) if found else None
    if _IGNORED.match(key):
        if key.lower() == "area":
            indicator.area = value
    elif _POLARITY.match(key):
        indicator.lower_is_better = _polarity(value)
    elif _RAG.match(key):
        indicator.rag = _RAG_WORDS.get(value.strip().upper())
    elif _DIRECTION.match(key):
        indicator.direction = value.upper()
    elif _CHANGE.match(key):
        if reading and "%" in value:
            indicator.growth = reading
    elif _TARGET.match(key):
        indicator.target = reading
    elif _FLOOR.match(key):
        indicator.floor = reading
    elif _COMPARATOR.search(key):
        if reading:
            indicator.comparators.append(reading)
    elif _VARIANCE.search(key):
        indicator.variance = reading or indicator.variance
    elif _BUDGET.search(key) and not _FORECAST.search(key):
        indicator.budget = reading or indicator.budget
    elif _FORECAST.search(key) and reading and indicator.budget is not None:
        indicator.forecast = reading  # the latest forecast column wins
    elif reading and _EARLIER.match(key):
        indicator.values.insert(0, reading)
    elif reading:
        indicator.values.append(reading)


def _first_figure(value: str) -> Figure | None:
    found = figures(value)
    if not found:
        return None
    first = found[0]
    if value.strip().startswith("(") or value.strip().startswith("-"):
        return Figure(-abs(first.value), first.percent, first.text, first.start)  # '(98,396)'
    return first


def reading(label: str, text: str) -> Reading:
    """A labelled figure from text that holds one ('80%', '(98,396)')."""
    return Reading(label, text, _first_figure(text).value)


def sentences_of(passage: Passage) -> list[str]:
    """The passage's sentences, list markers removed."""
    return [s.lstrip("- ").strip() for s in split_sentences(passage.text.replace("\n", " "))]


def _polarity(value: str) -> bool | None:
    if re.search(r"lower", value, re.I):
        return True
    if re.search(r"higher", value, re.I):
        return False
    return None


# --- indicators stated in prose --------------------------------------------------------

_AGAINST_TARGET = re.compile(
    r"(?P<value>\d+(?:\.\d+)?%)[^.;]{0,80}?\bagainst (?:a|the|our) target of (?P<target>\d+(?:\.\d+)?%)", re.I
)
_BELOW_TARGET = re.compile(
    r"\b(?:below|short of|not (?:yet )?(?:on|meeting|reached)) (?:the |our )?(?:agreed )?"
    r"(?:(?P<t1>\d+(?:\.\d+)?%) )?target(?: of (?P<t2>\d+(?:\.\d+)?%))?",
    re.I,
)
# The measure is everything up to the verb that gives its figure: in 'The percentage of
# children whose ICPC was held within 15 working days was 67%' the first 'was' is part of it.
_SUBJECT = re.compile(
    r"\b(?:the )?(?P<subject>(?:percentage|proportion|number|rate) of [^%()]+?)(?: at the end of \w+| in \w+ \d{4}| in \w+)?"
    r" (?:was|is|were|are|has|have|remains?|continues?|dropped|decreased|increased|fell|rose)\b"
    r"(?=(?:\s+\(?[a-z][\w-]*){0,4}\s+£?\d[\d.,]*(?!\d)(?!\s*(?:working |calendar )?(?:days|weeks|months|years)\b))",
    re.I,
)
# The report's own verdict that a measure is where it should be: 'RAG Rated Green, moving
# below the target of 5%' is good news for a lower-is-better measure, whatever its name says.
_ON_TARGET = re.compile(r"\brated (?:as )?green\b|\(green\)|\b(?:on|ahead of) target\b|\bmet (?:the |its )?target\b|"
                        r"\bexceed(?:s|ed|ing)? (?:the |its |our )?(?:\d+(?:\.\d+)?% )?target", re.I)
_ANAPHORA = re.compile(r"^(this|it|these|which)\b", re.I)  # 'This remains below the target': what does?
_FOR_WHOM = re.compile(r"^(?:in \w+, )?for ([^,]{3,60}),", re.I)
_FROM_TO = re.compile(r"from (\d+(?:\.\d+)?%)[^.;()]{0,40}? to (\d+(?:\.\d+)?%)", re.I)


# '59.4% of care leavers aged 19-21 were engaged in education, employment or training'
_SHARE_OF = re.compile(
    r"(?P<value>\d+(?:\.\d+)?%) of (?P<who>[^.;%]{4,60}?) (?:were|are|was|is|had|have) (?P<what>[^.;%]{4,70}?)(?=[.;]|$| this| which| and| but)",
    re.I,
)


def indicators_from_prose(passage: Passage) -> list[Indicator]:
    """'The percentage of re-referrals ... was 28.4% ..., against a target of 20%',
    'performance remains below the 95% target' and '59.4% of care leavers ... were in
    education ... This remains below the target of 68%' as indicators with a value and a
    target. The sentence itself is kept, to be shown beside the question."""
    found = []
    subject, stated = None, None  # the measure named last, and the figure given with it
    sentences = sentences_of(passage)
    for i, sentence in enumerate(sentences):
        named, share = _SUBJECT.search(sentence), _SHARE_OF.search(sentence)
        if named:
            whom = _FOR_WHOM.search(sentence)
            given = [f for f in figures(sentence[named.end():]) if f.percent]
            subject = named.group("subject") + (f" for {whom.group(1)}" if whom else "")
            stated = given[0].text if given else None
        elif share:
            subject, stated = f"{share.group('who')} {share.group('what')}", share.group("value")
        against = _AGAINST_TARGET.search(sentence)
        below = _BELOW_TARGET.search(sentence)
        if not (against or below) or _ON_TARGET.search(sentence):
            continue
        statement = sentence
        needs_previous = below and not against and not any(f.percent for f in figures(sentence[: below.start()]))
        refers_back = bool(_ANAPHORA.match(sentence))
        if i and (needs_previous or refers_back):
            statement = f"{sentences[i - 1]} {sentence}"  # the figure came just before
        indicator = Indicator(name=subject or (passage.heading or "this measure"), passages=[passage],
                              statement=statement, named=subject is not None)
        if against:
            indicator.values.append(reading("latest", against.group("value")))
            indicator.target = reading("target", against.group("target"))
        else:
            target_text = below.group("t1") or below.group("t2")
            if target_text:
                indicator.target = reading("target", target_text)
            moved = _FROM_TO.search(sentence)
            after = [f for f in figures(sentence[named.end():]) if f.percent] if named else []
            # 'This remains below target' is about the figure the measure was given with
            carried = stated if refers_back and not share and not named else None
            value = (moved and moved.group(2)) or (after[0].text if after else None) or \
                (share.group("value") if share and share.start() < below.start() else None) or carried
            if value:
                indicator.values.append(reading("latest", value))
            indicator.lower_is_better = False  # 'below target' is bad news: higher is better
        found.append(indicator)
    return found


_LOWER_IS_BETTER = re.compile(
    r"re-?referr|repeat|missing|agency|unregistered|more than \d+|caseload|vacanc|turnover|"
    r"leading to closure|no further action|exclusion|suspension|absence|waiting|delay|\bneet\b|"
    r"not in education|overspend|variance",
    re.I,
)


def lower_is_better(indicator: Indicator) -> bool:
    """The report's own polarity where it gives one (a polarity column; a floor set above
    the target, as for re-referrals: target 15%, floor 20%), else what the measure's name
    implies."""
    if indicator.lower_is_better is not None:
        return indicator.lower_is_better
    if indicator.target and indicator.floor and indicator.target.value != indicator.floor.value:
        return indicator.floor.value > indicator.target.value
    return bool(_LOWER_IS_BETTER.search(indicator.name))


_TARGET_IN_PROSE = re.compile(r"(\d+(?:\.\d+)?%) target|target of (\d+(?:\.\d+)?%)", re.I)


def target_from_narrative(indicator: Indicator, passages: list[Passage]) -> None:
    """A table without a target column ('Up to Date Plan | September | October') is
    usually introduced by the paragraph that gives it ('below our 80% target')."""
    row = indicator.passages[0]
    if not row.section:
        return
    for passage in passages:
        if passage.kind != "table_row" and passage.section == row.section:
            found = _TARGET_IN_PROSE.search(passage.text)
            if found:
                indicator.target = reading("target", found.group(1) or found.group(2))
                indicator.passages.append(passage)
                return
