"""Dates as papers write them ('04 December 2019', 'March 2024', '31/03/24')."""

from __future__ import annotations

import re

MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*"
DATE = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTH}(?:\s+\d{{4}})?|{MONTH}\s+\d{{4}}|\d{{1,2}}/\d{{1,2}}/\d{{2,4}})\b"
)
# A question that wants a date: a date answers it, and is no count for any other.
WHEN = re.compile(r"\s*(when|what date|by when|since when)\b", re.I)
