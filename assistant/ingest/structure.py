"""Pages of text -> the documents in a file -> structural blocks.

Two jobs, both by the shape of the text, never by which council wrote it:

1. `split_pack`: a Public Document Pack (agenda, minutes, several reports) becomes one
   segment per constituent paper. Packs mark their joins with "This page is intentionally
   left blank" pages and a "Minutes / of the meeting of" heading.
2. `blocks`: a segment becomes headings, numbered paragraphs (with their lists),
   plain paragraphs and tables, each knowing its section number and page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.ingest.read import Page
from assistant.language.sentences import clean

BLANK_PAGE = re.compile(r"^\s*this page is intentionally left blank\s*$", re.I)
MINUTES_START = re.compile(r"^\s*minutes\s*$", re.I)
MINUTES_FOLLOW = re.compile(r"^\s*of the meeting", re.I)

NUMBERED = re.compile(r"^(?:[-•*]\s*)?(\d{1,2}(?:\.\d{1,2})+)\.?(?:\s+(\S.*))?$")
TOP_LEVEL = re.compile(r"^(?:[-•*]\s*)?(\d{1,2})\.(?:0)?\s+([A-Z][^.;]{1,80})$")
# '7. Comments expressed during the debate are summarised below ...': a paragraph numbered
# by itself (reports and minutes number paragraphs 1., 2., 3.); a short '1. Apologies' is a list item.
NUMBERED_PARAGRAPH = re.compile(r"^(\d{1,2})[.)]\s+(\S+(?:\s+\S+){7,}.*)$")
# A minute's own number before its title ('CAY 15 Annual Report of Adoption West', 'OSC 23/45
# Budget', 'Min 12 Apologies'): what members cite a minute by.
MINUTE_NUMBER = re.compile(r"^((?:[A-Z]{2,6}|Min(?:ute)?\.?)\s?\d{1,3}(?:/\d{2,4})?)\s+[A-Z]")
# A line that only refers: a minute's '(Item 4)' under its title, a lone 'Page 15'
REFERENCE_ONLY = re.compile(r"^(?:\(Item\s+\d+[a-z]?\)|Page\s+\d+(?:\s+of\s+\d+)?)$", re.I)
BULLET = re.compile(r"^\s*(?:[-•*▪◦]|\(?[a-z0-9ivx]{1,3}[.)])\s+(\S.*)$")
TERMINAL = re.compile(r"[.;,]$")


@dataclass(frozen=True)
class Line:
    text: str
    page: int | None


@dataclass
class Block:
    kind: str  # "heading" | "paragraph" | "list" | "table"
    lines: list[str]
    page: int | None
    section: str | None = None
    heading: str | None = None
    caption: str | None = None
    items: list[str] = field(default_factory=list)  # list items under a lead-in


def to_lines(pages: list[Page]) -> list[Line]:
    return [Line(raw.rstrip("\r\n "), page.number) for page in pages for raw in page.text.splitlines()]


def split_pack(lines: list[Line]) -> list[list[Line]]:
    """One segment per paper in a pack; a single report comes back as one segment."""
    segments: list[list[Line]] = [[]]
    for i, line in enumerate(lines):
        if BLANK_PAGE.match(line.text):
            segments.append([])
            continue
        if MINUTES_START.match(line.text) and _next_text(lines, i, MINUTES_FOLLOW):
            segments.append([])
        segments[-1].append(line)
    return [s for s in segments if sum(len(l.text.strip()) for l in s) > 200]


def _next_text(lines: list[Line], i: int, pattern: re.Pattern) -> bool:
    following = [l.text for l in lines[i + 1 : i + 4] if l.text.strip()]
    return bool(following) and bool(pattern.match(following[0]))


# --- blocks ----------------------------------------------------------------------------

def is_table_line(text: str) -> bool:
    return "\t" in text and sum(1 for c in text.split("\t") if c.strip()) >= 1


# '68 statements were received and noted as follows:': a figure and a plain word begin a
# sentence ('2 Apologies' is a numbered heading)
COUNTED = re.compile(r"[\d,.]+%?\s+[a-z]")
# '67.1% Not Known', '£2.3m Agency staff': a share or a sum opening a line is a figure with
# its label (one line of a breakdown), never a heading's number
FIGURE_FIRST = re.compile(r"^(?:£\s?\d[\d,.]*|\d[\d,.]*\s?%)")
# A form's answer on a line of its own, under its question ('Are there negative impacts
# for Race' / 'No'): short and capitalised, but no heading
FORM_ANSWER = re.compile(r"^(?:yes|no|n/a|not applicable|none|not known)[.!]?$", re.I)


def is_heading(text: str) -> bool:
    """A short title-like line: 'Demand', 'Caseload Levels', 'Table 1 – Budget summary'."""
    words = text.split()
    if not words or len(words) > 12 or len(text) > 90 or TERMINAL.search(text):
        return False
    if BULLET.match(text) or NUMBERED.match(text) or COUNTED.match(text) or FIGURE_FIRST.match(text) or FORM_ANSWER.match(text):
        return False
    return text[0].isupper() or text[0].isdigit()


def blocks(lines: list[Line]) -> list[Block]:
    """Group a segment's lines into headings, paragraphs, lists and tables."""
    out: list[Block] = []
    section: str | None = None
    heading: str | None = None
    current: Block | None = None
    i = 0
    while i < len(lines):
        raw, page = lines[i].text, lines[i].page
        if is_table_line(raw):
            table_lines, i = _take_table(lines, i)
            out.append(Block("table", table_lines, page, section, heading, _caption(out, heading)))
            current = None
            continue
        text = clean(raw)
        i += 1
        if not text:
            current = _close_unless_open_sentence(current)
            continue
        if REFERENCE_ONLY.match(text):
            continue

        numbered = NUMBERED.match(text)
        top = TOP_LEVEL.match(text) if not numbered else None
        if numbered and (not numbered.group(2) or _is_title(numbered.group(2))):
            section = numbered.group(1)
            if numbered.group(2):
                heading = numbered.group(2)
                out.append(Block("heading", [heading], page, section, heading))
            current = None
        elif top and _is_title(top.group(2)):
            section, heading = top.group(1), top.group(2)
            out.append(Block("heading", [heading], page, section, heading))
            current = None
        elif numbered := numbered or NUMBERED_PARAGRAPH.match(text):
            section = numbered.group(1)
            current = Block("paragraph", [numbered.group(2)], page, section, heading)
            out.append(current)
        elif BULLET.match(text) and current is not None:
            current.kind = "list"
            current.items.append(BULLET.match(text).group(1))
        elif BULLET.match(text):
            current = Block("list", [], page, section, heading, items=[BULLET.match(text).group(1)])
            out.append(current)
        elif current is not None and current.items and _continues_item(text):
            current.items[-1] += " " + text
        elif FORM_ANSWER.match(text):
            _add_form_answer(out, Block("paragraph", [text], page, section, heading))
            current = None
        elif is_heading(text) and (_marked_heading(raw) or not _mid_sentence(current)):
            heading = text.rstrip(":")
            section = minute.group(1) if (minute := MINUTE_NUMBER.match(text)) else section
            out.append(Block("heading", [text], page, section, heading))
            current = None
        elif current is not None and not current.items and _mid_sentence(current):
            current.lines.append(text)
        else:
            current = Block("paragraph", [text], page, section, heading, _follows_list(out))
            out.append(current)
    return out


def _add_form_answer(out: list[Block], answer: Block) -> None:
    """A form's answer joins its question ('Are there negative impacts for Race' / 'No'):
    one passage says both, where a bare 'No' would say nothing."""
    question = out[-1] if out and out[-1].kind in ("heading", "paragraph") and not out[-1].items else None
    if question is not None and question.kind == "paragraph" and question.lines[-1].endswith("?"):
        question.lines.append(answer.lines[0])
        return
    if question is not None and question.kind == "heading":
        answer.lines[0] = f"{question.lines[0].rstrip(':?')}? {answer.lines[0]}"
    out.append(answer)


def _follows_list(previous: list[Block]) -> str | None:
    """Commentary right after a bare list ('These measures are indicative of ...') is about
    the list's items: keep them as its caption so the passage says what it explains. The
    commentary runs on, paragraph after paragraph, until the next list, table or heading."""
    if not previous:
        return None
    last = previous[-1]
    if last.kind == "list" and not last.lines:
        return "; ".join(last.items)[:300]
    if last.kind == "paragraph" and last.caption:
        return last.caption
    return None


def _marked_heading(raw: str) -> bool:
    """The PDF reader marks a line set larger than the text ('# Secondary School ...') as a
    heading: one even after a line left without a full stop (a table's total, a caption)."""
    return raw.lstrip().startswith("#")


def _is_title(text: str) -> bool:
    return is_heading(text) and len(text.split()) <= 10


def _mid_sentence(block: Block | None) -> bool:
    if block is None:
        return False
    last = block.items[-1] if block.items else (block.lines[-1] if block.lines else "")
    return bool(last) and not re.search(r"[.:;!?)\"”]$", last)


def _continues_item(text: str) -> bool:
    return text[:1].islower()


def _close_unless_open_sentence(block: Block | None) -> Block | None:
    # A blank line inside a sentence is a page break in the source, not a new paragraph;
    # nor does one end a list, or part a lead-in ('... a decision which is likely to:')
    # from the items PDFs set out with space between them.
    return block if _mid_sentence(block) or _open_list(block) else None


def _open_list(block: Block | None) -> bool:
    return block is not None and (bool(block.items) or bool(block.lines) and block.lines[-1].endswith(":"))


def _take_table(lines: list[Line], i: int) -> tuple[list[str], int]:
    """Consecutive tab rows, bridging blank lines and a wrapped first-column word ('Team')."""
    rows: list[str] = []
    while i < len(lines):
        text = lines[i].text
        if is_table_line(text):
            rows.append(text)
            i += 1
            continue
        nxt = _next_nonblank(lines, i)
        wrapped = (
            text.strip()
            and rows
            and len(text.split()) <= 3
            and nxt is not None
            and is_table_line(lines[nxt].text)
        )
        if wrapped:
            first, _, rest = rows[-1].partition("\t")
            rows[-1] = f"{first} {text.strip()}\t{rest}"
            i += 1
        elif not text.strip() and nxt is not None and is_table_line(lines[nxt].text) and nxt - i <= 2:
            i = nxt
        else:
            break
    return rows, i


def _next_nonblank(lines: list[Line], i: int) -> int | None:
    for j in range(i + 1, min(i + 4, len(lines))):
        if lines[j].text.strip():
            return j
    return None


def _caption(previous: list[Block], heading: str | None) -> str | None:
    """The table's title: a heading just above it, or the lead-in sentence that introduces it."""
    if not previous:
        return heading
    last = previous[-1]
    if last.kind == "heading":
        return last.lines[0].rstrip(":")
    text = " ".join(last.lines)
    if text.rstrip().endswith(":") or "as follows" in text[-40:]:
        return _last_sentence(text)
    return heading


def _last_sentence(text: str) -> str:
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z])", text.strip())
    return parts[-1].rstrip(":").strip()
