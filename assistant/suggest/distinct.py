"""One question per indicator: the cohorts of a measure asked about once, a budget table
through its total and its largest line."""

from __future__ import annotations

import re

from assistant.suggest.signals import Signal, named_alike

_TOTAL = re.compile(r"\b(?:sub[- ]?)?totals?\b", re.I)
_BREAKDOWN = re.compile(r"\s+[–—-]\s+|:\s+")  # 'Unregistered placements – Under 16', 'Case Supervisions: Children in Need'


def one_per_indicator(signals: list[Signal]) -> list[Signal]:
    """No two questions about one indicator: the cohorts of a measure ('– Under 16',
    'Age 16+') are asked once, about the worst, with the others' rows as evidence; a
    budget table is asked about once, through its total and its largest line."""
    signals = _fold_budget_tables(signals)
    kept: list[Signal] = []
    for signal in sorted(signals, key=lambda s: s.severity, reverse=True):
        same = next((k for k in kept if _same_indicator(k, signal)), None)
        if same is None:
            kept.append(signal)
        else:
            same.passages.extend(p for p in signal.passages if p not in same.passages)
    order = {id(s): i for i, s in enumerate(signals)}
    return sorted(kept, key=lambda s: order[id(s)])


def _same_indicator(a: Signal, b: Signal) -> bool:
    if not (a.named and b.named) or a.money != b.money:
        return False
    if _stem(a.subject) == _stem(b.subject) and a.passages[0].caption == b.passages[0].caption:
        return True
    return named_alike(a.subject, b.subject)


def _stem(name: str) -> str:
    """'Number of unregistered placements – Under 16' -> 'number of unregistered placements'."""
    parts = _BREAKDOWN.split(name, maxsplit=1)
    return parts[0].strip().lower() if len(parts) == 2 and len(parts[1].split()) <= 5 else name.strip().lower()


def _fold_budget_tables(signals: list[Signal]) -> list[Signal]:
    """A budget table is asked about once: an overspend through its grand total (the last
    total row) with its largest line named in it; savings and growth through their lines,
    which say what is slipping, not their total."""
    tables: dict[tuple, list[Signal]] = {}
    for s in signals:
        if s.money and s.indicator and s.passages[0].kind == "table_row":
            tables.setdefault((s.passages[0].doc_id, s.passages[0].caption, s.kinds[0]), []).append(s)
    dropped: set[int] = set()
    for (_, _, kind), rows in tables.items():
        totals = [s for s in rows if _TOTAL.search(s.subject)]
        lines = [s for s in rows if not _TOTAL.search(s.subject)]
        if not totals or not lines:
            continue
        if kind != "overspend":
            dropped |= {id(s) for s in totals}
            continue
        grand = max(totals, key=lambda s: s.passages[0].order)
        largest = max(lines, key=lambda s: s.indicator.variance.value)
        share = largest.indicator.variance.value / max(grand.indicator.variance.value, 1)
        grand.facts["driver"] = (f"{'most' if share > 0.5 else 'the largest part'} of it under "
                                 f"'{largest.subject}' ({largest.facts['variance']})")
        grand.passages.append(largest.passages[0])
        dropped |= {id(s) for s in rows if s is not grand}
    return [s for s in signals if id(s) not in dropped]


