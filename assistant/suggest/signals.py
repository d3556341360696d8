"""Indicators and sentences -> signals: what in a report deserves a question.

A signal is a reason to ask (off target, rated RED, getting worse, behind comparators,
overspending, a saving slipping, a warning in the narrative), with the facts that make
it specific and the passages those facts come from.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from assistant.language.figures import figures
from assistant.language.vocabulary import content_terms
from assistant.suggest.indicators import (
    Indicator,
    indicator_from_row,
    indicators_from_prose,
    lower_is_better,
    reading,
    sentences_of,
)
from assistant.types import Passage


@dataclass
class Signal:
    subject: str  # the indicator or topic the question is about
    facts: list[str]  # short clauses with the figures: '34% in Q3 2023-2024', 'target 70%'
    severity: float  # 0..1, for ranking
    kinds: list[str]  # off_target, red, amber, worsening, behind_comparator, overspend, ...
    passages: list[Passage]
    statement: str | None = None  # the report's own sentence, for narrative signals
    listed_as: str | None = None  # the report's own label for it: 'Reds of concern'
    response: str | None = None  # what the report says is being done
    area: str | None = None
    money: bool = False
    rag: str | None = None  # RED or AMBER, when the report rates it so


def signals_for(passages: list[Passage]) -> list[Signal]:
    """Every signal in one document's passages (reading order)."""
    labels = _list_labels(passages)
    commentary = _commentary(passages)
    found: list[Signal] = []
    tabled: list[Indicator] = []
    for row in (p for p in passages if p.kind == "table_row"):
        indicator = indicator_from_row(row)
        if indicator is None:
            continue
        tabled.append(indicator)
        if indicator.target is None and not indicator.is_finance:
            _target_from_narrative(indicator, passages)
        signal = _indicator_signal(indicator)
        if signal:
            _attach_report_view(signal, labels, commentary)
            found.append(signal)
    primary = {s.passages[0].passage_id for s in found}
    attached = {p.passage_id for s in found for p in s.passages[1:]}
    for passage in passages:
        if passage.kind == "table_row" or passage.passage_id in primary:
            continue
        found.extend(s for s in _prose_signals(passage, attached=passage.passage_id in attached)
                     if not _restates_a_row(s, tabled))
    return found


def _restates_a_row(signal: Signal, tabled: list[Indicator]) -> bool:
    """A sentence repeating a table row's or KPI card's figure and target ('at 53.6%,
    remained below the target of 65.0%'): one question per indicator, from the row."""
    said = signal.statement or ""
    return any(
        ind.target and ind.latest and ind.latest.text in said and any(
            f.value == ind.target.value for f in figures(said))
        for ind in tabled
    )


# --- indicators ----------------------------------------------------------------------


def _indicator_signal(ind: Indicator) -> Signal | None:
    if ind.is_finance or ind.money:
        return _finance_signal(ind)
    latest = ind.latest
    if latest is None:
        return None
    lower = lower_is_better(ind)
    kinds, severity = [], 0.0
    facts = [f"{latest.text}{_when(latest)}"]
    previous = ind.values[-2] if len(ind.values) > 1 and _is_period(ind.values[-2].label) and _is_period(latest.label) else None
    if previous and "%" not in latest.text and not _polarity_known(ind):
        previous = None  # a count (calls, complaints, referrals) going down is good or bad news: the paper must say which
    if previous and _worse(latest.value, previous.value, lower):
        kinds.append("worsening")
        direction = "up" if latest.value > previous.value else "down"
        facts.append(f"{direction} from {previous.text}{_when(previous)}")
        severity += 0.1 + min(0.15, abs(latest.value - previous.value) / max(abs(previous.value), 1.0))
    # the report's own GREEN rating wins over our reading of its polarity
    if ind.target and _worse(latest.value, ind.target.value, lower) and ind.rag != "GREEN":
        kinds.append("off_target")
        facts.append(f"against a target of {ind.target.text}")
        gap = abs(latest.value - ind.target.value) / max(abs(ind.target.value), 1.0)
        severity += 0.3 + min(0.3, gap)
    if previous and latest.value == previous.value and "off_target" in kinds:
        facts.append("unchanged since " + ("the period before" if _RELATIVE.match(previous.label) else previous.label))
    if ind.rag in ("RED", "AMBER"):
        kinds.append(ind.rag.lower())
        severity += 0.25 if ind.rag == "RED" else 0.1
    behind = [c for c in ind.comparators if _worse(latest.value, c.value, lower)]
    if behind:
        kinds.append("behind_comparator")
        facts.append(f"{'above' if lower else 'below'} {behind[-1].label} ({behind[-1].text})")
        severity += 0.1
    if not kinds or (kinds == ["worsening"] and severity < 0.15):
        return None
    return Signal(ind.name, facts, min(severity, 1.0), kinds, list(ind.passages), ind.statement,
                  area=ind.area, rag=ind.rag if ind.rag in ("RED", "AMBER") else None)


def _finance_signal(ind: Indicator) -> Signal | None:
    """Overspends, savings not delivered, costs that have grown far beyond their base."""
    labels = [r.label for r in (ind.budget, ind.forecast, ind.variance, *ind.values) if r]
    unit = " (£000)" if any("£000" in label or "£'000" in label for label in labels) else ""
    pounds = "£" if not unit and any("(£)" in label for label in labels) else ""
    if ind.budget and ind.budget.value < 0 and ind.forecast is not None:  # a savings line
        slipping = ind.forecast.value > ind.budget.value or ind.rag in ("RED", "AMBER")
        if not slipping:
            return None
        facts = [f"saving of {ind.budget.text}{unit}", f"forecast {ind.forecast.text}{unit}"]
        facts += [f"rated {ind.rag}"] if ind.rag else []
        shortfall = ind.forecast.value - ind.budget.value
        severity = 0.3 + min(0.4, shortfall / max(abs(ind.budget.value), 1.0) * 0.4)
        return Signal(ind.name, facts, severity, ["savings_at_risk"], list(ind.passages), area=ind.area, money=True)
    if ind.variance and ind.variance.value > 0 and ind.money:
        facts = [f"variance of {pounds}{ind.variance.text}{unit}"]
        if ind.budget and ind.forecast:
            facts.append(f"forecast {pounds}{ind.forecast.text} against a budget of {pounds}{ind.budget.text}{unit}")
        return Signal(ind.name, facts, _money_severity(ind.variance.value * (1000 if unit else 1)),
                      ["overspend"], list(ind.passages), area=ind.area, money=True)
    if ind.growth and ind.growth.value >= 50 and ind.money:
        first, last = (ind.values[0], ind.values[-1]) if len(ind.values) > 1 else (None, None)
        facts = [f"up {ind.growth.text} since {ind.growth.label.replace('Change from ', '')}"]
        if first and last:
            facts.append(f"{first.text} in {first.label} to {last.text} in {last.label}")
        return Signal(ind.name, facts, 0.3 + min(0.4, ind.growth.value / 500), ["cost_growth"],
                      list(ind.passages), area=ind.area, money=True)
    return None


_PERIOD = re.compile(r"\b(Q[1-4]|quarter|(?:19|20)\d\d|\d\d-\d\d|P\d+|month|year|latest|current|previous|prior|"
                     r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)", re.I)
_RELATIVE = re.compile(r"^(latest|current|previous|prior)$", re.I)  # a KPI card's own period labels


def _when(value) -> str:
    """' in Q3 2023-24' for a dated reading; ' (latest)' or ' previously' for a card's."""
    if value.label == "latest" or not _RELATIVE.match(value.label):
        return "" if value.label == "latest" else f" in {value.label}"
    return " previously" if value.label.lower() in ("previous", "prior") else " (latest)"


def _polarity_known(ind: Indicator) -> bool:
    return ind.lower_is_better is not None or ind.target is not None or lower_is_better(ind)


def _is_period(label: str) -> bool:
    return bool(_PERIOD.search(label))


def _money_severity(pounds: float) -> float:
    # £10k -> 0.3, £1m -> 0.6, £10m -> 0.75: every overspend is asked about, big ones first.
    return max(0.2, min(0.9, 0.3 + (math.log10(max(pounds, 1)) - 4) * 0.15))


def _worse(value: float, reference: float, lower_is_better: bool) -> bool:
    return value > reference if lower_is_better else value < reference


_TARGET_IN_PROSE = re.compile(r"(\d+(?:\.\d+)?%) target|target of (\d+(?:\.\d+)?%)", re.I)


def _target_from_narrative(indicator: Indicator, passages: list[Passage]) -> None:
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


# --- what the report itself says about an indicator ------------------------------------

_LABEL = re.compile(r"^[A-Za-z'’ ]{3,40}[:;]?$")


def _list_labels(passages: list[Passage]) -> dict[str, str]:
    """Each listed item -> the label of its list ('Reds of concern', 'Green to celebrate').

    Papers group indicators under short labels; the label may come out as its own line
    or as the heading above the list. The latest label seen applies to later lists."""
    labels: dict[str, str] = {}
    current, last_heading = None, None
    for passage in passages:
        if passage.heading != last_heading and passage.heading and _LABEL.match(passage.heading):
            current = passage.heading
        last_heading = passage.heading
        text = passage.text.strip()
        if passage.kind != "table_row" and _LABEL.match(text):
            current = text.rstrip(":;")
        if passage.kind == "list" and current:
            for line in passage.text.split("\n"):
                if line.startswith("- "):
                    labels[line[2:].strip()] = current
    return labels


def _commentary(passages: list[Passage]) -> dict[str, Passage]:
    """Listed item -> the paragraph commenting on its list (which carries the list as its caption)."""
    found: dict[str, Passage] = {}
    for passage in passages:
        if passage.kind == "paragraph" and passage.caption and not _LABEL.match(passage.text.strip()):
            for item in passage.caption.split("; "):
                found.setdefault(item.strip(), passage)
    return found


def _attach_report_view(signal: Signal, labels: dict[str, str], commentary: dict[str, Passage]) -> None:
    label = _best_match(signal.subject, labels)
    if label:
        signal.listed_as = labels[label]
        if re.search(r"concern", signal.listed_as, re.I):
            signal.severity = min(1.0, signal.severity + 0.2)
        note = commentary.get(label)
        if note:
            signal.response = note.text
            signal.passages.append(note)


def _best_match(name: str, candidates) -> str | None:
    """The listed item naming the same indicator ('Timeliness of Review of Children in
    Care' for 'Timeliness of Reviews of Children in Care'; 'CIC' for 'Children in Care')."""
    ours = set(content_terms(name))
    best, best_score = None, 0.0
    for candidate in candidates:
        theirs = set(content_terms(candidate))
        if not ours or not theirs:
            continue
        score = len(ours & theirs) / len(ours | theirs)
        if score > best_score:
            best, best_score = candidate, score
    return best if best_score >= 0.75 else None


# --- prose --------------------------------------------------------------------------

_MONEY_PRESSURE = re.compile(
    r"(?:overspend|pressure|shortfall|deficit)[^.]{0,60}?of (£\d[\d.,]*\s?[mMkK]?\b)|(£\d[\d.,]*\s?[mMkK]?\b)[^.]{0,30}?overspend",
    re.I,
)
WARNING = re.compile(
    r"\b(delay(?:ed|s)?|remains? (?:below|a challenge)|not yet|vacanc(?:y|ies)|(?<!multi-)agency (?:staff|workers?|costs?|numbers)|shortage|waiting list|"
    r"backlog|sickness|difficult(?:y|ies)|struggl\w+|impediment|significant (?:risk|pressure|challenge)|"
    r"too few|insufficient|deficits?)\b",
    re.I,
)


def _prose_signals(passage: Passage, attached: bool = False) -> list[Signal]:
    """Sentences that state a figure off its target, an overspend or a warning. The
    question quotes the report's own sentence(s) rather than re-stating the figures: prose
    is too varied to re-phrase without risking a wrong number."""
    found = []
    for ind in indicators_from_prose(passage):
        latest, lower = ind.latest, lower_is_better(ind)
        if latest and ind.target and not _worse(latest.value, ind.target.value, lower):
            continue  # '81.7% ... exceeds the target of 80%'
        if attached and not latest:
            continue  # its target already went to the table it introduces
        facts = [f for f in (latest.text if latest else None, f"target {ind.target.text}" if ind.target else None) if f]
        if facts:
            found.append(Signal(ind.name, facts, 0.55 if latest else 0.4, ["off_target"], [passage], ind.statement))
    if found:
        return found
    sentences = sentences_of(passage)
    for sentence in sentences:
        money = _MONEY_PRESSURE.search(sentence)
        if money:
            amount = money.group(1) or money.group(2)
            stated = figures(amount)
            pounds = stated[0].value if stated else 0
            return [Signal(passage.heading or "budget", [amount], _money_severity(pounds), ["overspend"],
                           [passage], sentence, money=True)]
    for sentence in sentences:
        if len(sentence) > 60 and WARNING.search(sentence):
            return [Signal(passage.heading or "this area", [], 0.2, ["narrative_warning"], [passage], sentence)]
    return []
