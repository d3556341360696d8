"""Files -> pages of plain text.

Every reader produces the same shape: a list of `Page`s whose text has one block per line
and table rows as tab-separated cells. Everything downstream (pack splitting, metadata,
passages) works on that one shape, whatever the file type was.

This module does not interpret the text; it only gets it out of the file, or raises
`UnreadableFile` with a reason a person can act on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import docx
import pymupdf
import pymupdf4llm
from bs4 import BeautifulSoup
from docx.table import Table
from docx.text.paragraph import Paragraph

from assistant.access import strip_front_matter
from assistant.errors import UnreadableFile

SUPPORTED_SUFFIXES = (".txt", ".md", ".pdf", ".docx", ".html", ".htm")


@dataclass(frozen=True)
class Page:
    number: int | None  # 1-based for paginated formats; None for text, DOCX and HTML
    text: str


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
    """`| a | b |` rows become `a<TAB>b`; separator rows disappear."""
    out = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("|") and stripped.endswith("|") and stripped.count("|") >= 3:
            if _MD_SEPARATOR.match(stripped):
                continue
            cells = [cell.strip() for cell in stripped[1:-1].split("|")]
            out.append("\t".join(cell.replace("<br>", " ") for cell in cells))
        else:
            out.append(line)
    return "\n".join(out)


# --- PDF -------------------------------------------------------------------------------

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
    if not any(page.text.strip() for page in pages):
        raise UnreadableFile(
            path.name, "the PDF has no text layer (a scan?); run it through OCR first"
        )
    return pages


def _pdf_pages_as_markdown(doc) -> list[Page]:
    # pymupdf4llm keeps every KPI row on one line (label and values together); plain
    # get_text() breaks rows into one cell per line (measured, see PITFALLS).
    chunks = pymupdf4llm.to_markdown(doc, page_chunks=True, show_progress=False)
    pages = []
    for i, chunk in enumerate(chunks):
        number = (chunk.get("metadata") or {}).get("page", i + 1)
        text = markdown_tables_to_tabs(chunk.get("text", ""))
        pages.append(Page(int(number) if number else i + 1, text))
    return pages


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
