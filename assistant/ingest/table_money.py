"""A finance table's unit of money, from a note ('All figures in £m') or a column header
('Forecast £m'), written onto its bare figures: '-9.9' in a £m table is -£9.9m, and a
figure shown without its unit is a wrong number to a reader."""

from __future__ import annotations

import re

# 'All figures in £m' printed above a finance table's header often lands in its header
# cells, split mid-word ('All f' | 'igures in £m'): it names no column.
_NOTE_LEAD = r"(?:figures|amounts|values)(?:are)?(?:shown)?in"  # of a note, its spaces removed
_UNITS_NOTE = re.compile(rf"^(?:all)?{_NOTE_LEAD}(?:£|\$|pounds|thousands|millions)", re.I)


def is_units_note(row: list[str]) -> bool:
    return bool(_UNITS_NOTE.match("".join("".join(row).split())))


# The unit a note gives every figure of its table, in the table's header or its caption
# ('All figures in £m', 'All figures in £000s'): a figure shown without it is a wrong
# number to a reader ('Variance: -9.9' is -£9.9m).
_MONEY_NOTE = re.compile(rf"{_NOTE_LEAD}(£m|£millions?|£'?000s?|£k|£thousands?)", re.I)


def money_unit(texts: list[str]) -> str | None:
    for text in texts:
        found = _MONEY_NOTE.search("".join(text.split()))
        if found:
            return "m" if "m" in found.group(1).lower() else "k"
    return None


_A_YEAR = re.compile(r"^(?:19|20)\d\d$")
_PLAIN_FIGURE = re.compile(r"^([+\-−–]?)\s?(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)$")


def in_money(value: str, unit: str | None) -> str:
    """A bare figure of a table in £m or £000s, with its unit: '-9.9' -> '-£9.9m'. Figures
    with a unit of their own ('-2.3%'), and years, are left as they are."""
    found = _PLAIN_FIGURE.match(value) if unit else None
    if not found or _A_YEAR.match(found.group(2)):
        return value
    sign, number = found.groups()
    return f"{sign}£{number}{unit}"


# '£m' printed in one money column's header of a finance table ('Working Budget | Forecast
# £m | Variance') is the unit of all its money columns: the PDF set it over the three, the
# reading gave it to one. One unit only: '£m' beside '£000s' leaves each column as printed.
_UNIT_IN_LABEL = re.compile(r"£\s?\(?(m|k|'?000s?)\b", re.I)
_MONEY_NAME = re.compile(r"\b(?:budget|forecast|variance|spend|out-?turn|expenditure|income|costs?)\b", re.I)


def money_columns(labels: list[str]) -> dict[int, str]:
    units = {i: found.group(1).lower() for i, label in enumerate(labels) if (found := _UNIT_IN_LABEL.search(label))}
    if len(set(units.values())) != 1:
        return {}
    unit = "m" if "m" in next(iter(units.values())) else "k"
    return {i: unit for i, label in enumerate(labels) if i in units or _MONEY_NAME.search(label)}
