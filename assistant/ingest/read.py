"""Files -> pages of plain text.

Every reader produces the same shape: a list of `Page`s whose text has one block per line
and table rows as tab-separated cells. Everything downstream (pack splitting, metadata,
passages) works on that one shape, whatever the file type was.

This module does not interpret the text; it only gets it out of the file, or raises
`UnreadableFile` with a reason a person can act on.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

import docx
import pymupdf
import pymupdf4llm
from bs4 import BeautifulSoup
from docx.table import Table
from docx.text.paragraph import Paragraph

from assistant.access import strip_front_matter
from assistant.errors import UnreadableFile
from assistant.ingest.cards import cards_as_table
from assistant.language.periods import FULL_DATE

# PyMuPDF's own notes ('RapidOCR is missing ...') go to the log, not the member's console.
pymupdf.set_messages(pylogging=True, pylogging_level=logging.DEBUG)

SUPPORTED_SUFFIXES = (".txt", ".md", ".pdf", ".docx", ".html", ".htm")


@dataclass(frozen=True)
class Page:
    number: int | None  # 1-based for paginated formats; None for text, DOCX and HTML
    text: str
    text_layer: bool = True  # False: a PDF page with no text to extract (a scan needs OCR)
    printed: str | None = None  # the page number printed on it, which members cite ('13' on the file's page 15)


def read_pages(path: Path, max_bytes: int | None = None) -> list[Page]:
    """Read any supported file. Raises UnreadableFile for anything we cannot use."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnreadableFile(
            path.name, f"unsupported file type '{suffix or '(none)'}'; "
            f"supported: {', '.join(SUPPORTED_SUFFIXES)}"
        )
    size = path.stat().st_size
    if size == 0:
        raise UnreadableFile(path.name, "the file is empty")
    if max_bytes is not None and size > max_bytes:
        raise UnreadableFile(
            path.name, f"the file is {size / 1e6:.0f} MB, over the {max_bytes / 1e6:.0f} MB limit"
        )
    reader = {".pdf": _read_pdf, ".docx": _read_docx, ".html": _read_html, ".htm": _read_html}
    pages = reader.get(suffix, _read_text)(path)
    if not any(page.text.strip() for page in pages):
        raise UnreadableFile(path.name, "no text could be extracted")
    return pages


# --- plain text and markdown ---------------------------------------------------------

def _read_text(path: Path) -> list[Page]:
    raw = path.read_bytes()
    if b"\x00" in raw[:8192]:
        raise UnreadableFile(path.name, "this looks like a binary file, not text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Council systems still export Windows-1252; fall back rather than refuse,
        # but only if the result is mostly printable.
        text = raw.decode("cp1252", errors="replace")
        if text.count("\ufffd") > len(text) / 100:
            raise UnreadableFile(path.name, "the file is not valid UTF-8 or Windows-1252 text")
    if _control_char_ratio(text) > 0.05:
        raise UnreadableFile(path.name, "this looks like a binary file, not text")
    return [Page(None, markdown_tables_to_tabs(strip_front_matter(text)))]


def _control_char_ratio(text: str) -> float:
    sample = text[:20000]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f")
    return controls / max(len(sample), 1)


_MD_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def markdown_tables_to_tabs(text: str) -> str:
    """`| a | b |` rows become `a<TAB>b`; separator rows disappear. A table of one column
    (a form's questions and answers, one box under another) is just its cells, a line
    each; a cell whose text wraps over lines ('|Most service users ...' / '... group.|')
    is one line."""
    lines, out, i = text.splitlines(), [], 0
    while i < len(lines):
        stripped = lines[i].strip()
        wrapped = _wrapped_cell(lines, i) if stripped.startswith("|") and not stripped.endswith("|") else 0
        if wrapped:
            out.append(_tab_separated(" ".join(line.strip() for line in lines[i : i + wrapped])))
            i += wrapped
            continue
        if _MD_SEPARATOR.match(stripped) and "|" in stripped:
            pass
        elif len(stripped) > 1 and stripped.startswith("|") and stripped.endswith("|"):
            out.append(_tab_separated(stripped))
        else:
            out.append(lines[i])
        i += 1
    return "\n".join(out)


def _wrapped_cell(lines: list[str], start: int, longest: int = 12) -> int:
    """How many lines the cell opened at `start` spans, up to the line that closes it with
    '|' (0 if none does within `longest`: then the '|' was not a table's)."""
    for n, line in enumerate(lines[start + 1 : start + longest], start=2):
        if "|" in line:
            return n if line.strip().endswith("|") and line.count("|") == 1 else 0
    return 0


def _tab_separated(row: str) -> str:
    cells = [cell.strip() for cell in row[1:-1].split("|")]
    return "\t".join(cell.replace("<br>", " ") for cell in cells)


# --- PDF -------------------------------------------------------------------------------

# Printed page numbers sit alone in the top or bottom margin: '13', 'Page 13', 'Page 13 of 54', '- 13 -'
# (at most three digits: a lone '2024' in a margin is a year).
_PRINTED = re.compile(r"^(?:page\s+)?[-–]?\s*(\d{1,3})\s*[-–]?(?:\s+of\s+\d+)?$", re.IGNORECASE)
MARGIN = 0.1  # share of the page height at the top and bottom where page numbers sit


def printed_page_number(page) -> str | None:
    """The page number printed in the page's top or bottom margin, if there is one."""
    return _printed_among(_text_lines(page), page.rect.height)


def _text_lines(page) -> list[tuple[tuple[float, float, float, float], str]]:
    """Each line of text on a PDF page: its box and its text."""
    return [(line["bbox"], "".join(span["text"] for span in line["spans"]))
            for block in page.get_text("dict")["blocks"] for line in block.get("lines", ())]


def _printed_among(lines: list[tuple[tuple[float, float, float, float], str]], height: float) -> str | None:
    for (_, y0, _, y1), text in lines:
        if y1 < MARGIN * height or y0 > (1 - MARGIN) * height:
            found = _PRINTED.match(" ".join(text.split()))
            if found:
                return found.group(1)
    return None


def _read_pdf(path: Path) -> list[Page]:
    try:
        doc = pymupdf.open(path)
    except Exception as exc:  # pymupdf raises its own FileDataError and friends
        raise UnreadableFile(path.name, f"not a readable PDF ({exc})") from None
    with doc:
        if doc.needs_pass:
            raise UnreadableFile(path.name, "the PDF is password-protected; save an unlocked copy")
        try:
            pages = _pdf_pages_as_markdown(doc)
        except Exception as exc:
            raise UnreadableFile(path.name, f"the PDF could not be parsed ({exc})") from None
        # one reading of each page's text lines answers both: is there text, and a printed number?
        lines = {i + 1: (_text_lines(page), page.rect.height) for i, page in enumerate(doc)}
        blank = {n for n, (text, _) in lines.items() if not any(line.strip() for _, line in text)}
        printed = {n: _printed_among(text, height) for n, (text, height) in lines.items()}
    pages = [replace(page, text_layer=page.number not in blank, printed=printed.get(page.number)) for page in pages]
    if not any(page.text.strip() for page in pages):
        raise UnreadableFile(
            path.name, "the PDF has no text layer (a scan?); run it through OCR first"
        )
    return pages


def _pdf_pages_as_markdown(doc) -> list[Page]:
    # pymupdf4llm keeps every KPI row on one line (label and values together); plain
    # get_text() breaks rows into one cell per line (measured, see PITFALLS).
    with contextlib.redirect_stdout(io.StringIO()):  # its parser prints notes of its own
        chunks = pymupdf4llm.to_markdown(doc, page_chunks=True, show_progress=False)
    pages = []
    for i, chunk in enumerate(chunks):
        number = int((chunk.get("metadata") or {}).get("page", i + 1) or i + 1)
        text = without_page_label_at_end(without_markup(markdown_tables_to_tabs(chunk.get("text", ""))))
        pages.append(Page(number, with_line_end_hyphens(text, doc[number - 1].get_text())))
    return [replace(page, text="\n".join(cards_as_table(page.text.splitlines()))) for page in without_furniture(pages)]


# pymupdf4llm joins a word broken at a line's end into one ('decision-' + 'making' ->
# 'decisionmaking'). Council papers are written in word processors that break lines at
# real hyphens, not inside words, so the hyphen the page prints goes back.
_LINE_END_HYPHEN = re.compile(r"([A-Za-z]{2,})-[ \t]*\n[ \t]*([a-z]+)")


def with_line_end_hyphens(text: str, printed: str) -> str:
    """`text` with the hyphens `printed` (the page's plain text) shows at line ends."""
    for left, right in set(_LINE_END_HYPHEN.findall(printed)):
        text = re.sub(rf"\b{left}{right}\b", f"{left}-{right}", text)
    return text


# Text set in a picture (KPI cards beside their charts) comes marked as such, its lines
# joined by <br>; superscripts ('29<sup>th</sup>') and other inline tags wrap words.
_PICTURE_TEXT = re.compile(r"<!--\s*(?:Start|End) of picture text\s*-->", re.I)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_BREAK = re.compile(r"<br\s*/?>", re.I)
_INLINE_TAG = re.compile(r"</?(?:sup|sub|span|b|i|u|em|strong|small|mark|s)\b[^<>]*>", re.I)
# Markdown italics around words: '_Stage One (A)_'
_ITALICS = re.compile(r"(?<!\w)_(?=\S)|(?<=\S)_(?!\w)")


def without_markup(text: str) -> str:
    """The words of the page without extraction markup; picture text becomes lines of its own."""
    text = _PICTURE_TEXT.sub("\n\n", text)
    text = _COMMENT.sub("", text)
    text = _BREAK.sub("\n", text)
    return _ITALICS.sub("", _INLINE_TAG.sub("", text))


# A footer's 'Page 14' read onto the end of the page's last line, which a sentence crossing
# to the next page leaves open: '... the service they receive from the ~~Page 14~~'
_PAGE_LABEL_AT_END = re.compile(r"[ \t]*(?:~~)?\bPage[ \t]+\d{1,3}(?:~~)?\s*\Z", re.I)


def without_page_label_at_end(text: str) -> str:
    return _PAGE_LABEL_AT_END.sub("", text)


# Running headers and footers ('Appendix 1', 'Page 13 of 54', a bare page number) repeat
# at the top or bottom of many pages; a paper's own lines do not.
EDGE_LINES = 3  # lines at each end of a page where headers and footers sit
MIN_SHARE = 0.3  # of the pages a line must repeat on to be furniture
MIN_PAGES = 3


def without_furniture(pages: list[Page]) -> list[Page]:
    """The pages without their running headers and footers (found by repetition)."""
    seen: dict[str, int] = {}
    for page in pages:
        for key in {_furniture_key(line) for line in _edges(page.text)}:
            seen[key] = seen.get(key, 0) + 1
    floor = max(MIN_PAGES, MIN_SHARE * len(pages))
    furniture = {key for key, count in seen.items() if count >= floor}
    if not furniture:
        return pages
    first, *rest = pages
    return [replace(first, text=_drop_edges(first.text, furniture, _dated_edge))] + [
        replace(page, text=_drop_edges(page.text, furniture)) for page in rest]


def _dated_edge(lines: list[str]) -> set[int]:
    """Where the first or last few lines of a page are, if they hold a date: a running header
    that dates the meeting ('COUNTY COUNCIL' / 'Thursday 13 March 2025' over every answer)
    is furniture on later pages but the paper's front on its first."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    edges = (filled[:EDGE_LINES], filled[-EDGE_LINES:])
    return {i for edge in edges if any(FULL_DATE.search(lines[j]) for j in edge) for i in edge}


def _edge_positions(lines: list[str]) -> list[int]:
    """Where the first and last few filled lines of a page are."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return filled[:EDGE_LINES] + filled[-EDGE_LINES:]


def _edges(text: str) -> list[str]:
    lines = text.splitlines()
    return [lines[i] for i in _edge_positions(lines) if not _table_row(lines[i])]


def _table_row(line: str) -> bool:
    """A row of two or more cells: a table continued over pages repeats its header row at
    the top of each, and that row names the columns of the rows under it."""
    return sum(1 for cell in line.split("\t") if cell.strip()) >= 2


def _furniture_key(line: str) -> str:
    return re.sub(r"\d+", "#", " ".join(line.split()).lower())


def _drop_edges(text: str, furniture: set[str], kept: Callable[[list[str]], set[int]] = lambda _: set()) -> str:
    lines = text.splitlines()
    edges = set(_edge_positions(lines)) - kept(lines)
    return "\n".join(line for i, line in enumerate(lines)
                     if i not in edges or _table_row(line) or _furniture_key(line) not in furniture)


# --- DOCX ------------------------------------------------------------------------------

def _read_docx(path: Path) -> list[Page]:
    try:
        document = docx.Document(str(path))
    except Exception as exc:
        raise UnreadableFile(path.name, f"not a readable Word document ({exc})") from None
    lines = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(_docx_paragraph_line(block))
        elif isinstance(block, Table):
            lines.append("")
            for row in block.rows:
                lines.append("\t".join(_one_line(cell.text) for cell in row.cells))
            lines.append("")
    return [Page(None, "\n".join(lines))]


def _docx_paragraph_line(paragraph) -> str:
    text = _one_line(paragraph.text)
    style = (paragraph.style.name or "").lower() if paragraph.style is not None else ""
    if "list" in style and text:
        return f"- {text}"
    return text


# --- HTML ------------------------------------------------------------------------------

_HTML_BLOCKS = ["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "tr", "caption", "dt", "dd"]


def _read_html(path: Path) -> list[Page]:
    raw = path.read_bytes()
    if b"\x00" in raw[:8192]:
        raise UnreadableFile(path.name, "this looks like a binary file, not HTML")
    soup = BeautifulSoup(raw, "html.parser")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    lines = []
    for element in soup.find_all(_HTML_BLOCKS):
        if element.find_parent(_HTML_BLOCKS) is not None and element.name != "tr":
            continue  # nested inside a block we already emit
        if element.name == "tr":
            cells = element.find_all(["th", "td"])
            lines.append("\t".join(_one_line(c.get_text(" ")) for c in cells))
            continue
        text = _one_line(element.get_text(" "))
        if not text:
            continue
        lines.append(f"- {text}" if element.name == "li" else text)
        lines.append("")
    if not lines:  # a bare text body with no block elements
        lines = [soup.get_text("\n")]
    return [Page(None, "\n".join(lines))]


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()
