"""Dates as papers write them ('04 December 2019', 'March 2024', '31/03/24')."""

from __future__ import annotations

import re

MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*"
DATE = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTH}(?:\s+\d{{4}})?|{MONTH}\s+\d{{4}}|\d{{1,2}}/\d{{1,2}}/\d{{2,4}})\b"
)
# A question that wants a date: a date answers it, and is no count for any other.
WHEN = re.compile(r"\s*(when|what date|by when|since when)\b", re.I)

# Table columns name periods in short ('Dec-24', 'Mar 24', "Sep'23"); members say 'December 2024'.
_SHORT_MONTH_YEAR = re.compile(rf"\b({MONTH})[-\s'’]?(\d{{2}})\b")
_MONTHS = {m[:3]: m for m in ("January February March April May June July August September October "
                              "November December").split()}


def spelled_out_periods(text: str) -> str | None:
    """'Dec-23: 1,466; Dec-24: 1,409' -> 'December 2023, December 2024': the periods a row's
    columns name, as members say them (indexed beside the row, never shown as its text)."""
    found = dict.fromkeys(f"{_MONTHS[m.group(1)[:3]]} 20{m.group(2)}" for m in _SHORT_MONTH_YEAR.finditer(text))
    return ", ".join(found) or None
