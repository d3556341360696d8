"""Tab-separated table rows -> self-describing row records.

A KPI row means nothing on its own ("41% 38% 34% 34% 70%"), so every row is serialised
with its column headers, including headers spread over several rows:

    Area | Indicator | QUARTERS            | TARGET         becomes  "Dental checks ... —
         |           | 22-23 | 2023-2024   | 23-24                     Q4 22-23: 41%; Q1 2023-2024:
         |           | Q4    | Q1 ...      | Q3 DETAIL                 38%; ...; Target 23-24: 70%"

This module knows nothing about any particular council's layout: headers are found by
shape (label-like cells, period-like and unit-like qualifiers, spanning group cells).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.ingest.table_money import (
    in_money,
    is_units_note,
    money_columns,
    money_unit,
)

_NUMBER = re.compile(r"^[(\-−–]?\s*[£$]?\s*-?[\d,]*\d(\.\d+)?\s*(%|k|m|bn|fte)?\)?$", re.I)
_PERIOD = re.compile(
    r"^((19|20)\d\d|\d\d[-/]\d\d|(19|20)\d\d[-/](19|20)?\d\d|Q[1-4]( \d\d[-/]\d\d)?)"
    r"( forecast)?$",
    re.I,
)
_UNIT = re.compile(r"^(£|£'?000s?|£k|£m|%|number|fte)$", re.I)
_PAGE_PREFIX = re.compile(r"^Page \d+(?: of \d+)?\s*", re.I)
# Column names that add nothing in front of a row's own name.
GENERIC_LABEL_HEADERS = {"indicator", "measure", "kpi", "item", "description", "name", "topic"}
_RULE = re.compile(r"^[-–—=_\s]*$")


def is_value(cell: str) -> bool:
    """A data value (a figure), as opposed to a label or a period like '2023' or '22-23'."""
    cell = cell.strip()
    return bool(cell) and bool(_NUMBER.match(cell)) and not _PERIOD.match(cell)


def is_period(cell: str) -> bool:
    return bool(_PERIOD.match(cell.strip()))


# a column's date ('31/03/2024', '30-Sep-24')
_DATE_CELL = re.compile(r"^\d{1,2}[-/ ](?:\d{1,2}|[A-Za-z]{3,9})[-/ ]\d{2,4}$")


def _is_when(cell: str) -> bool:
    return is_period(cell) or bool(_DATE_CELL.match(cell.strip()))


def clean_cell(cell: str) -> str:
    cell = re.sub(r"</?(b|u|i|strong|em)>|\*\*", "", cell)
    cell = _PAGE_PREFIX.sub("", cell.strip())  # "Page 10 Early Help" -> "Early Help"
    return re.sub(r"\s+", " ", cell).strip()


def split_row(line: str) -> list[str]:
    return [clean_cell(cell) for cell in line.split("\t")]


@dataclass
class Header:
    rows: list[list[str]]
    labels: list[str] = field(default_factory=list)
    money: str | None = None  # 'm' or 'k': the table's note says every figure is £m or £000s
    column_money: dict[int, str] = field(default_factory=dict)  # the columns a '£m' header covers

    def unit_of(self, column: int) -> str | None:
        return self.money or self.column_money.get(column)

    @property
    def width(self) -> int:
        return len(self.labels)


@dataclass(frozen=True)
class Row:
    label: str
    fields: tuple[tuple[str, str], ...]  # (column label, value), empty values dropped

    def serialise(self) -> str:
        body = "; ".join(f"{name}: {value}" if name else value for name, value in self.fields)
        if self.label and body:
            return f"{self.label} — {body}"
        return self.label or body


def _header_like(row: list[str]) -> bool:
    return any(row) and not any(is_value(cell) for cell in row)


def _looks_like_header_continuation(row: list[str], header_rows: list[list[str]]) -> bool:
    if not _header_like(row):
        return False
    first_column_unnamed = not any(h[0] for h in header_rows)
    return not row[0] or first_column_unnamed


def split_header(rows: list[list[str]]) -> tuple[list[list[str]], list[list[str]]]:
    """Leading header rows and the data rows after them (header may be empty)."""
    if len(rows) < 2 or not _header_like(rows[0]):
        return [], rows
    header = [rows[0]]
    i = 1
    while i < len(rows) and _looks_like_header_continuation(rows[i], header):
        header.append(rows[i])
        i += 1
    return header, rows[i:]


def column_labels(header_rows: list[list[str]], width: int) -> list[str]:
    """One readable label per column from a possibly multi-row header."""
    header_rows = [row for row in header_rows if not is_units_note(row)] or header_rows
    grid = [row + [""] * (width - len(row)) for row in header_rows]
    spans = _spanning_fill(grid)
    labels = []
    for col in range(width):
        cells = [spans[r][col] for r in range(len(grid))]
        labels.append(_label_from_stack(cells, grid_top_spans=_is_spanning(grid, 0, col)))
    return labels


def _spanning_fill(grid: list[list[str]]) -> list[list[str]]:
    """Fill a group cell rightwards over the empty cells it spans (within its parent group)."""
    filled = [row[:] for row in grid]
    for r, row in enumerate(grid):
        for c in range(1, len(row)):
            if row[c] or not filled[r][c - 1]:
                continue
            same_parent = r == 0 or filled[r - 1][c] == filled[r - 1][c - 1]
            has_children = any(grid[below][c] for below in range(r + 1, len(grid)))
            if same_parent and has_children:
                filled[r][c] = filled[r][c - 1]
    return filled


def _is_spanning(grid: list[list[str]], r: int, col: int) -> bool:
    """Is the top cell above `col` a group heading over several columns?"""
    start = col
    while start > 0 and not grid[r][start]:
        start -= 1
    if not grid[r][start]:
        return False
    nxt = start + 1
    return nxt < len(grid[r]) and not grid[r][nxt] and any(
        grid[below][nxt] for below in range(r + 1, len(grid))
    )


def _label_from_stack(cells: list[str], grid_top_spans: bool) -> str:
    named = [c for c in cells if c]
    if not named:
        return ""
    if grid_top_spans and len(named) > 1:
        # "QUARTERS / 22-23 / Q4" -> "Q4 22-23": the group word adds nothing to the row.
        specific = [c for c in named[1:] if not is_period(c) and not _UNIT.match(c)]
        primary = specific[-1] if specific else named[-1]
    else:
        primary = named[0]
        # '30/09/2024 / Average Rate / %': under a date, the row below names the measure
        below = [c for c in named[1:] if not _is_when(c) and not _UNIT.match(c)]
        if _is_when(primary) and below:
            primary = " ".join(below)
    periods = [c for c in named if c != primary and _is_when(c) and c not in primary]
    units = [c for c in named if c != primary and _UNIT.match(c)]
    label = " ".join([_tidy_caps(_mend_broken_words(primary)), *dict.fromkeys(periods)])
    if units:
        label += f" ({units[0]})"
    return label


# A landscape page's header cells can break a word before its last letter ('Revenu e
# Budget', 'Forecas t'); a lone lower-case letter other than 'a' is no word of its own.
_BROKEN_TAIL = re.compile(r"\b([A-Za-z]{3,}) ([b-z])\b")


def _mend_broken_words(label: str) -> str:
    return _BROKEN_TAIL.sub(r"\1\2", label)


def _tidy_caps(text: str) -> str:
    """'FORECAST OF PROJECTED OUT-TURN' -> 'Forecast Of Projected Out-Turn'; keeps RAG, DOT."""
    small = {"OF", "AND", "THE", "TO", "IN", "FOR", "ON", "AT", "AS"}
    return " ".join(
        w.lower() if w in small else (w.title() if w.isupper() and len(w) > 3 else w)
        for w in text.split()
    )


class TableReader:
    """Turns consecutive blocks of tab rows into `Row`s.

    Keeps the last header so that a table continued after a page break (its header
    repeated, or missing) still gets its column names, and carries group columns
    ('Area') down over the rows that leave them blank.
    """

    def __init__(self) -> None:
        self._header: Header | None = None
        self._carried: dict[int, str] = {}

    def read(self, lines: list[str], caption: str | None = None) -> list[Row]:
        """The rows of a block of tab lines; `caption`: the table's title, which may be
        where its note of units is ('All figures in £m')."""
        rows = [r for r in (split_row(line) for line in _under_group_headings(lines)) if not all(_RULE.match(c) for c in r)]
        rows = _merge_wrapped_rows(rows)
        out: list[Row] = []
        for part in _split_at_repeated_headers(rows):
            out.extend(self._read_part(part, caption))
        return out

    def _read_part(self, rows: list[list[str]], caption: str | None) -> list[Row]:
        if not rows:
            return []
        width = max(len(r) for r in rows)
        header_rows, data = split_header(rows)
        previous = self._header
        if header_rows:
            money = money_unit([caption or "", *("".join(row) for row in header_rows)])
            labels = column_labels(header_rows, width)
            self._header = Header(header_rows, labels, money, money_columns(labels))
        elif previous is None or not (width <= previous.width <= width + 1):
            # Trailing empty cells get lost in extraction, so one column short still matches.
            self._header = Header([], [""] * width, money_unit([caption or ""]))
        width = max(width, self._header.width)
        if previous is None or self._header.labels != previous.labels:
            self._carried = {}  # a different table: nothing carries over
        if _periods_across(self._header.labels):
            # every column is a period ('By 2025-26', 'Between 2029-32'): no column names the
            # rows, and a cell's words wrap onto the rows below ('2FE' / '150 Year 7' / 'temp places')
            data, columns = _cell_stacks_joined(data, width), (None, [])
        else:
            columns = _label_columns(data, width)
        return [self._row(r + [""] * (width - len(r)), columns) for r in data if any(r)]

    def _row(self, cells: list[str], columns: tuple[int | None, list[int]]) -> Row:
        labels = self._header.labels
        label_col, group_cols = columns
        for col in group_cols:
            if cells[col]:
                self._carried[col] = cells[col]
            elif col in self._carried:
                cells[col] = self._carried[col]
        fields = tuple(
            (labels[i] if i < len(labels) else "", in_money(value, self._header.unit_of(i)))
            for i, value in enumerate(cells)
            if value and i != label_col
        )
        if label_col is None:  # a table of periods: no column names its rows
            return Row(label="", fields=fields)
        label = cells[label_col]
        column = labels[label_col] if label_col < len(labels) else ""
        if label and column and column.lower() not in GENERIC_LABEL_HEADERS:
            label = f"{column}: {label}"  # "Up to Date Plan: Children on a CPP"
        return Row(label=label, fields=fields)


_NAMES_PERIOD = re.compile(r"\b(?:(?:19|20)\d\d|Q[1-4])\b", re.I)


def _periods_across(labels: list[str]) -> bool:
    named = [label for label in labels if label]
    return len(named) >= 2 and len(named) == len(labels) and all(_NAMES_PERIOD.search(label) for label in named)


def _cell_stacks_joined(data: list[list[str]], width: int) -> list[list[str]]:
    """Consecutive rows without a figure of their own are one row's cells wrapped: join them
    column by column. A row of figures ('45%', '12') stays a row of its own."""
    joined: list[list[str]] = []
    wrapping = False
    for row in data:
        words_only = not any(is_value(cell) for cell in row)
        if words_only and wrapping:
            joined[-1] = [f"{a} {b}".strip() for a, b in zip(joined[-1], row + [""] * (width - len(row)))]
        else:
            joined.append(row + [""] * (width - len(row)))
        wrapping = words_only
    return joined


def _label_columns(data: list[list[str]], width: int) -> tuple[int, list[int]]:
    """The column naming each row, and the sparse group columns ('Area') before it.

    The label is the first dense text column with more than a code in it: 'Indicator'
    rather than 'Area' (a group column) or 'Ref' (codes like CH01).
    """
    text_cols = []
    for col in range(width):
        cells = [r[col] for r in data if col < len(r) and r[col]]
        if any(is_value(c) for c in cells):
            break
        text_cols.append(col)
    if not text_cols:
        return 0, []
    groups = [c for c in text_cols if _blank_share(data, c) >= 0.5]
    dense = [c for c in text_cols if c not in groups]
    named = [c for c in dense if _mean_length(data, c) > 6]
    label = (named or dense or text_cols)[0]
    return label, [c for c in groups if c < label]


def _mean_length(data: list[list[str]], col: int) -> float:
    cells = [r[col] for r in data if col < len(r) and r[col]]
    return sum(map(len, cells)) / max(len(cells), 1)


def _blank_share(data: list[list[str]], col: int) -> float:
    return sum(1 for r in data if col >= len(r) or not r[col]) / max(len(data), 1)


def _split_at_repeated_headers(rows: list[list[str]]) -> list[list[list[str]]]:
    """Tables continued over a page often repeat their header mid-block: start afresh there."""
    parts: list[list[list[str]]] = [[]]
    first_cell = rows[0][0] if rows and _header_like(rows[0]) else None
    for i, row in enumerate(rows):
        nxt = rows[i + 1] if i + 1 < len(rows) else None
        repeated = first_cell and row[0] == first_cell and _header_like(row)
        stacked = (
            nxt is not None
            and _header_like(row)
            and _header_like(nxt)
            and (not row[0] or not nxt[0])
            and parts[-1]
            and not _header_like(parts[-1][-1])
        )
        if i and (repeated or stacked):
            parts.append([])
        parts[-1].append(row)
    return parts


def _merge_wrapped_rows(rows: list[list[str]]) -> list[list[str]]:
    """A row of one text cell in a two-column table continues the row above (page breaks)."""
    merged: list[list[str]] = []
    for row in rows:
        filled = [c for c in row if c]
        wrapped_last_cell = merged and len(row) <= 2 and len(filled) == 1 and not row[0]
        # 'Average FTE caseload for Assessment | 37.3 | 18.9' then 'Team' on a row of its own.
        wrapped_label = (
            merged and len(filled) == 1 and row[0] and any(is_value(c) for c in merged[-1])
        )
        if filled and not is_value(filled[0]) and wrapped_last_cell:
            merged[-1][-1] = f"{merged[-1][-1]} {filled[0]}".strip()
        elif filled and not is_value(filled[0]) and wrapped_label:
            merged[-1][0] = f"{merged[-1][0]} {filled[0]}".strip()
        else:
            merged.append(row)
    return merged


_BOLD_LABEL_ONLY = re.compile(r"^\*\*(?P<group>[^*\t]+)\*\*(?:\t\s*)*$")


def _under_group_headings(lines: list[str]) -> list[str]:
    """A row holding only a label set in bold ('**Age Group**') heads the rows under it:
    it is dropped, and each row under it names it ('16 to 17 (Age Group)'), rather than
    being read as the end of a label wrapped from the row above."""
    out, group = [], None
    for line in lines:
        heading = _BOLD_LABEL_ONLY.match(line.strip())
        if heading:
            group = clean_cell(heading["group"])
            continue
        cells = line.split("\t")
        if group and cells[0].strip() and not cells[0].strip().startswith("**"):
            cells[0] = f"{cells[0].strip()} ({group})"
        elif cells[0].strip().startswith("**"):
            group = None  # a bold data row ('**Total**') closes the group
        out.append("\t".join(cells))
    return out
