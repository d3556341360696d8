"""KPI cards read back as a table: one row per indicator.

Performance reports often set each indicator out as a 'card' beside its chart: a title,
its RAG rating, then 'Latest: 34% Target: 60%, Floor: 55% Previous: 26% (Red)'. PDF
extraction gives a card as loose lines, the rating sometimes at the end of the title's
first line and sometimes on a line of its own before it. Read back as a table (columns
Indicator, RAG, Latest, Target, Floor, Previous), each card becomes one self-describing
row passage, and reaches suggestions as an indicator, exactly as a table row does.

    >>> cards_as_table(["Number of foster households RED",
    ...                 "Latest: 613 Target: 700 Floor: 650 Previous: 612 (Red)"])
    ['Indicator\\tRAG\\tLatest\\tTarget\\tFloor\\tPrevious', 'Number of foster households\\tRED\\t613\\t700\\t650\\t612 (Red)', '']
"""

from __future__ import annotations

import re

COLUMNS = ("Indicator", "RAG", "Latest", "Target", "Floor", "Previous")
_RAG = r"(?:RED|AMBER|GREEN)"
_RAG_ALONE = re.compile(rf"^{_RAG}$")
_RAG_AT_END = re.compile(rf"^(?P<title>.+?)\s+(?P<rag>{_RAG})$")
# 'Latest: 75.2% Target: 85%, Floor 75% Previous: 74.7% (Red)': labels with or without colons
_VALUES = re.compile(
    r"^Latest:?\s*(?P<latest>.+?)\s*"
    r"(?:Target:?\s*(?P<target>.+?)[,;]?\s*)?"
    r"(?:Floor:?\s*(?P<floor>.+?)\s*)?"
    r"(?:Previous:?\s*(?P<previous>.+?))?\s*$",
    re.I,
)
# A card once read as a table row: 'Number of foster households — RAG: RED; Latest: 613; ...'
CARD_ROW = re.compile(rf" — (?:RAG: {_RAG}; )?Latest: ")
MAX_TITLE_LINES = 3  # a card's title wraps over at most a few lines
MAX_TITLE_LINE = 120  # characters: longer is prose, not a card's title


def cards_as_table(lines: list[str]) -> list[str]:
    """The lines with every run of KPI cards replaced by tab-separated table rows (a
    header row first, a blank line after); other lines keep their order and words (short
    ones, read as possible titles, lose the spaces around them)."""
    out: list[str] = []
    pending: list[str] = []  # short lines that may be the title of the next card
    in_table = False
    for line in lines:
        values = _VALUES.match(line.strip())
        if values and (values["target"] or values["previous"]):
            before, title, rag = _split_title(pending)
            if title:
                if before and in_table:
                    out.append("")
                    in_table = False
                out.extend(before)
                if not in_table:
                    out.append("\t".join(COLUMNS))
                    in_table = True
                out.append("\t".join([title, rag, *(_value(values[k.lower()]) for k in COLUMNS[2:])]))
                pending = []
                continue
        if not line.strip() and pending:
            pending.append("")  # a card's parts may stand apart: a gap does not end its title
            continue
        if line.strip() and len(line.strip()) <= MAX_TITLE_LINE and "\t" not in line:
            pending.append(line.strip())
            continue
        if in_table:
            out.append("")
            in_table = False
        out.extend(pending + [line])
        pending = []
    return out + ([""] if in_table else []) + pending


def _split_title(lines: list[str]) -> tuple[list[str], str, str]:
    """(lines before the card, its title, its RAG rating). The title starts at the rating
    (a line of its own, or the end of the title's first line), else at most a few lines
    before the values; blank lines within it are dropped."""
    filled = [i for i, line in enumerate(lines) if line]
    start, rag, first = (filled[-MAX_TITLE_LINES] if len(filled) >= MAX_TITLE_LINES else 0), "", None
    for i in filled:
        if _RAG_ALONE.match(lines[i]):
            start, rag, first = i + 1, lines[i], None
        elif at_end := _RAG_AT_END.match(lines[i]):
            start, rag, first = i, at_end["rag"], at_end["title"]
    body = [line for line in lines[start + 1 if first else start:] if line]
    title = [first, *body] if first else body
    before = lines[: start if not rag or first else start - 1]
    return before, " ".join(title).strip(), rag


def _value(name_value: str | None) -> str:
    return (name_value or "").strip().rstrip(",;").strip()


def is_card(passage_text: str) -> bool:
    return bool(CARD_ROW.search(passage_text))
