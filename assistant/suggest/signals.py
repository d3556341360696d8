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
    sentences_of,
    target_from_narrative,
)
from assistant.suggest.narrative import (
    BUDGET_NAMED,
    DATA_CAVEAT,
    VOICE,
    WARNING,
    heard,
    money_pressure,
    quoted_clause,
    says_something,
)
from assistant.types import Passage


@dataclass
class Signal:
    subject: str  # the indicator or topic the question is about
    # short clauses with the figures, by what each says: {'latest': '34% in Q3 2023-2024',
    # 'trend': 'down from 36% in Q2 2023-2024', 'target': 'against a target of 70%', ...}
    facts: dict[str, str]
    severity: float  # 0..1, for ranking
    kinds: list[str]  # off_target, red, amber, worsening, behind_comparator, overspend, ...
    passages: list[Passage]
    statement: str | None = None  # the report's own sentence, for narrative signals
    listed_as: str | None = None  # the report's own label for it: 'Reds of concern'
    response: str | None = None  # what the report says is being done
    area: str | None = None
    money: bool = False
    rag: str | None = None  # RED or AMBER, when the report rates it so
    comparator: str | None = None  # the label of the comparator it trails: 'Statistical Neighbour 21-22'
    swings: bool = False  # a percentage that jumps between periods: small numbers behind it
    indicator: Indicator | None = None  # what it was read from, for the series across papers
    named: bool = True  # the subject names the measure (not only the heading it sits under)
    unit: str = ""  # of money figures given without a £: ' (£000)'
    quote: str | None = None  # the report's own words a question quotes, when it quotes


def signals_for(passages: list[Passage], earlier_rows: list[Passage] = ()) -> list[Signal]:
    """Every signal in one document's passages (reading order). `earlier_rows`: the table
    rows of the same council's earlier reports, whose readings of the same indicator
    extend its series (a trend across two quarterly reports, both cited)."""
    labels = _list_labels(passages)
    commentary = _commentary(passages)
    earlier = [i for i in map(indicator_from_row, earlier_rows) if i is not None and not i.is_finance]
    found: list[Signal] = []
    tabled: list[Indicator] = []
    for row in (p for p in passages if p.kind == "table_row"):
        risk = _risk_signal(row)
        if risk:
            found.append(risk)
            continue
        indicator = indicator_from_row(row)
        if indicator is None:
            continue
        _extend_series(indicator, earlier)
        tabled.append(indicator)
        if indicator.target is None and not indicator.is_finance:
            target_from_narrative(indicator, passages)
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
    remained below the target of 65.0%'), or a budget line's variance ('an overspend of
    £6.975m' beside a variance of 6,974,799): one question per indicator, from the row."""
    said = signal.statement or ""
    if signal.money:
        amounts = [f.value for f in figures(" ".join(signal.facts.values()))]
        return any(ind.variance and _same_sum(ind.variance.value, a) for ind in tabled for a in amounts)
    return any(
        ind.target and ind.latest and ind.latest.text in said and any(
            f.value == ind.target.value for f in figures(said))
        for ind in tabled
    )


def _same_sum(pounds: float, stated: float) -> bool:
    """6,974,799 and £6.975m are one sum (a paper rounds to its £m or £000 columns)."""
    return any(abs(pounds * scale - stated) <= max(abs(stated) * 0.005, 1) for scale in (1, 1000))


def _extend_series(indicator: Indicator, earlier: list[Indicator]) -> None:
    """Readings of the same indicator in an earlier report, for periods this row does not
    give, go before its own (oldest first), and that report's row is cited with it."""
    if indicator.is_finance or not indicator.values:
        return
    own = {v.label.lower() for v in indicator.values}
    for other in earlier:
        if not named_alike(indicator.name, other.name):
            continue
        older = [v for v in other.values if _is_period(v.label) and not _RELATIVE.match(v.label) and v.label.lower() not in own]
        if older:
            indicator.values[:0] = older
            own |= {v.label.lower() for v in older}
            indicator.passages.append(other.passages[0])


def named_alike(a: str, b: str) -> bool:
    """One indicator's names in two places ('Timeliness of Review of CIC', '... Reviews of Children in Care')."""
    return likeness(a, b) >= 0.75


def likeness(a: str, b: str) -> float:
    ours, theirs = set(content_terms(a)), set(content_terms(b))
    return len(ours & theirs) / len(ours | theirs) if ours and theirs else 0.0


# A risk register's row: 'Risk Area: Multi-agency capacity and capability — Mitigating
# Actions: Partnership Engagement Project ...' (also 'Risk:', 'Risk description:')
_RISK_ROW = re.compile(r"^(?:key )?risks?(?: area| description| title)?: (?P<risk>[^—]{4,120}?) — ", re.I)


def _risk_signal(row: Passage) -> Signal | None:
    """A risk the paper's own register names, and what it says mitigates it: members ask
    how they will know the mitigation works."""
    found = _RISK_ROW.match(row.text)
    if not found:
        return None
    mitigation = row.text[found.end():].strip()  # 'Mitigating Actions: Partnership Engagement Project ...'
    return Signal(found.group("risk").strip(), {}, 0.35, ["risk"], [row], mitigation or None, named=True)


def _indicator_signal(ind: Indicator) -> Signal | None:
    if ind.is_finance or ind.money:
        return _finance_signal(ind)
    latest = ind.latest
    if latest is None:
        return None
    lower = lower_is_better(ind)
    kinds, severity = [], 0.0
    facts = {"latest": f"{latest.text}{_when(latest)}"}
    previous = _previous(ind)
    if previous and _worse(latest.value, previous.value, lower):
        kinds.append("worsening")
        facts["trend"] = f"{'up' if latest.value > previous.value else 'down'} from {previous.text}{_when(previous)}"
        severity += 0.1 + min(0.15, abs(latest.value - previous.value) / max(abs(previous.value), 1.0))
    # the report's own GREEN rating wins over our reading of its polarity
    if ind.target and _worse(latest.value, ind.target.value, lower) and ind.rag != "GREEN":
        kinds.append("off_target")
        facts["target"] = f"against a target of {ind.target.text}"
        gap = abs(latest.value - ind.target.value) / max(abs(ind.target.value), 1.0)
        severity += 0.3 + min(0.3, gap)
    if previous and latest.value == previous.value and "off_target" in kinds:
        facts["unchanged"] = "unchanged since " + ("the period before" if _RELATIVE.match(previous.label) else previous.label)
    if ind.rag in ("RED", "AMBER"):
        kinds.append(ind.rag.lower())
        severity += 0.25 if ind.rag == "RED" else 0.1
    behind = [c for c in ind.comparators if _worse(latest.value, c.value, lower)]
    if behind:
        kinds.append("behind_comparator")
        facts["comparator"] = f"{'above' if lower else 'below'} {behind[-1].label} ({behind[-1].text})"
        severity += 0.1
    if not kinds or (kinds == ["worsening"] and severity < 0.15):
        return None
    return Signal(ind.name, facts, min(severity, 1.0), kinds, list(ind.passages), ind.statement,
                  area=ind.area, rag=ind.rag if ind.rag in ("RED", "AMBER") else None,
                  comparator=behind[-1].label if behind else None, swings=_swings(ind), indicator=ind)


def _previous(ind: Indicator):
    """The reading before the latest, when both are periods; a count (calls, complaints,
    referrals) going down is good or bad news only where the paper says which."""
    if len(ind.values) < 2 or not (_is_period(ind.values[-2].label) and _is_period(ind.values[-1].label)):
        return None
    if "%" not in ind.values[-1].text and not _polarity_known(ind):
        return None
    return ind.values[-2]


SWING = 15  # percentage points between one period and the next: a handful of children moving


def _swings(ind: Indicator) -> bool:
    """A percentage that jumps by SWING points from one period to the next (19% -> 0%) is
    usually a small cohort: members ask for the numbers behind it."""
    shares = [v.value for v in ind.values if "%" in v.text and _is_period(v.label)]
    return any(abs(a - b) >= SWING for a, b in zip(shares, shares[1:]))


def _finance_signal(ind: Indicator) -> Signal | None:
    """Overspends, savings not delivered, costs that have grown far beyond their base."""
    labels = [r.label for r in (ind.budget, ind.forecast, ind.variance, *ind.values) if r]
    unit = " (£000)" if any("£000" in label or "£'000" in label for label in labels) else ""
    pounds = "£" if not unit and any("(£)" in label for label in labels) else ""
    if ind.budget and ind.budget.value < 0 and ind.forecast is not None:  # a savings line
        slipping = ind.forecast.value > ind.budget.value or ind.rag in ("RED", "AMBER")
        if not slipping:
            return None
        facts = {"saving": f"saving of {ind.budget.text}{unit}", "forecast": f"forecast {ind.forecast.text}{unit}"}
        if ind.rag:
            facts["rating"] = f"rated {ind.rag}"
        shortfall = ind.forecast.value - ind.budget.value
        severity = 0.3 + min(0.4, shortfall / max(abs(ind.budget.value), 1.0) * 0.4)
        return Signal(ind.name, facts, severity, ["savings_at_risk"], list(ind.passages), area=ind.area, money=True,
                      indicator=ind, unit=unit, rag=ind.rag if ind.rag in ("RED", "AMBER") else None)
    if ind.variance and ind.variance.value > 0 and ind.money:
        facts = {"variance": f"variance of {pounds}{ind.variance.text}{unit}"}
        if ind.budget and ind.forecast:
            facts["forecast"] = f"forecast {pounds}{ind.forecast.text} against a budget of {pounds}{ind.budget.text}{unit}"
        return Signal(ind.name, facts, _money_severity(ind.variance.value * (1000 if unit else 1)),
                      ["overspend"], list(ind.passages), area=ind.area, money=True, indicator=ind, unit=unit)
    if ind.growth and ind.growth.value >= 50 and ind.money:
        first, last = (ind.values[0], ind.values[-1]) if len(ind.values) > 1 else (None, None)
        facts = {"growth": f"up {ind.growth.text} since {ind.growth.label.replace('Change from ', '')}"}
        if first and last:
            facts["span"] = f"{first.text} in {first.label} to {last.text} in {last.label}"
        return Signal(ind.name, facts, 0.3 + min(0.4, ind.growth.value / 500), ["cost_growth"],
                      list(ind.passages), area=ind.area, money=True, indicator=ind)
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
    best = max(candidates, key=lambda c: likeness(name, c), default=None)
    return best if best is not None and named_alike(name, best) else None


# --- prose --------------------------------------------------------------------------

def voice_signals(passages: list[Passage]) -> list[Signal]:
    """Where the papers report what children, young people or families said: each such
    sentence, the most direct report first (a question then draws on it)."""
    found = []
    for strength, pattern in enumerate(VOICE):
        for passage in passages:
            if passage.kind == "table_row":
                continue
            for sentence in sentences_of(passage):
                quote = quoted_clause(sentence, pattern) if pattern.search(sentence) and heard(sentence) else ""
                if says_something(quote):
                    found.append(Signal(passage.heading or "children's voice", {}, 0.5 - 0.05 * strength, ["voice"],
                                        [passage], sentence, named=False, quote=quote))
                    break
    return found


def _prose_signals(passage: Passage, attached: bool = False) -> list[Signal]:
    """Sentences that state a figure off its target, an overspend, a warning or a caveat on
    the data. A figure is restated only as the sentence gives it ('28.4% ..., against a
    target of 20%'); otherwise the question quotes the report's own words."""
    found = []
    for ind in indicators_from_prose(passage):
        latest, lower = ind.latest, lower_is_better(ind)
        if latest and ind.target and not _worse(latest.value, ind.target.value, lower):
            continue  # '81.7% ... exceeds the target of 80%'
        if attached and not latest:
            continue  # its target already went to the table it introduces
        facts = {}
        if latest:
            facts["latest"] = latest.text
        if ind.target:
            facts["target"] = f"against a target of {ind.target.text}"
        if facts:
            found.append(Signal(ind.name if ind.named else passage.heading or "this measure", facts,
                                0.55 if latest else 0.4, ["off_target"], [passage], ind.statement,
                                named=ind.named and latest is not None, indicator=ind))
    if found:
        return found
    sentences = sentences_of(passage)
    for sentence in sentences:
        money = money_pressure(sentence)
        if money:
            word, amount = money
            stated = figures(amount)
            pounds = stated[0].value if stated else 0
            budget = BUDGET_NAMED.search(sentence)
            return [Signal(budget.group("what") if budget else passage.heading or "the budget",
                           {"pressure": f"{word} of {amount}"}, _money_severity(pounds),
                           ["overspend"], [passage], sentence, money=True, named=budget is not None)]
    for kind, pattern, severity in (("data_caveat", DATA_CAVEAT, 0.3), ("narrative_warning", WARNING, 0.2)):
        for sentence in sentences:
            quote = quoted_clause(sentence, pattern)
            if pattern.search(sentence) and says_something(quote):
                return [Signal(passage.heading or "this area", {}, severity, [kind], [passage], sentence,
                               named=False, quote=quote)]
    return []
