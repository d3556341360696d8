"""A cited passage where it sits in the paper: the PDF page with the quoted words
highlighted, or, for text, Word and HTML papers, the paragraphs around it.

Members read papers as PDFs and point to a page; a highlighted page is what lets them
check a figure rather than trust a text card. Rendered here with PyMuPDF: no outside
requests, nothing written to the original.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pymupdf

from assistant.errors import AssistantError
from assistant.ingest.read import printed_page_number
from assistant.types import Passage, SourceDocument

ZOOM = 1.5  # 72 dpi * 1.5: an A4 page ~890 pixels wide, readable beside the answer
AROUND = 2  # paragraphs either side of a passage shown in context
# A line is part of the quote when most of its words are the quote's words.
LINE_SHARE = 0.6
_WORD = re.compile(r"[a-z0-9£%]+(?:[.,'][a-z0-9]+)*")


@dataclass(frozen=True)
class PageView:
    """One PDF page as an image, with where the quote is on it (in image pixels)."""

    source: str
    page: int  # 1-based, in the file
    pages: int
    printed: str | None  # the page number printed on the page, when it has one
    png: bytes
    width: int
    height: int
    boxes: tuple[tuple[int, int, int, int], ...]  # x0, y0, x1, y1 of each highlighted line

    @property
    def label(self) -> str:
        """'page 13' as printed, with the PDF's own page when it differs."""
        if self.printed and self.printed != str(self.page):
            return f"page {self.printed} as printed (page {self.page} of {self.pages} in the file)"
        return f"page {self.page} of {self.pages}"


@dataclass(frozen=True)
class InContext:
    """A passage with the paragraphs around it: for papers that are not PDFs (or whose
    PDF is no longer where it was read from, said in `note`)."""

    document: SourceDocument
    passages: tuple[Passage, ...]
    passage_id: str  # the one cited
    note: str | None = None

    @property
    def source(self) -> str:
        return self.document.source


def shows_pages(source: str) -> bool:
    """A paper shown as its page (a PDF), rather than as paragraphs in context."""
    return source.lower().endswith(".pdf")


def render_page(path: Path, page_number: int, quote: str) -> PageView:
    """Page `page_number` (1-based) of the PDF at `path`, the lines of `quote` highlighted."""
    try:
        with pymupdf.open(path) as doc:
            if not 1 <= page_number <= doc.page_count:
                raise AssistantError(f"{path.name} has no page {page_number}")
            page = doc[page_number - 1]
            rects = quote_rects(page, quote)
            for rect in rects:
                page.add_highlight_annot(rect)
            pixmap = page.get_pixmap(matrix=pymupdf.Matrix(ZOOM, ZOOM), annots=True)
            return PageView(
                source=path.name, page=page_number, pages=doc.page_count, printed=printed_page_number(page),
                png=pixmap.tobytes("png"), width=pixmap.width, height=pixmap.height,
                boxes=tuple(tuple(round(v * ZOOM) for v in rect) for rect in rects),
            )
    except (pymupdf.FileDataError, RuntimeError) as exc:
        raise AssistantError(f"{path.name} could not be opened to show its page ({exc})") from exc


def quote_rects(page, quote: str) -> list:
    """Where the quote is on the page: the exact words when the page has them in one run,
    else the lines made mostly of the quote's words (a table row's cells, a sentence
    broken by hyphenation or a column)."""
    exact = page.search_for(" ".join(quote.split())) if len(quote) < 400 else []
    if exact:
        return exact
    wanted = set(words_of(quote))
    words = [(pymupdf.Rect(x0, y0, x1, y1), word, (block, line))
             for x0, y0, x1, y1, word, block, line, _ in page.get_text("words")]
    lines: dict[tuple[int, int], list] = {}
    for rect, word, line in words:
        lines.setdefault(line, []).append((rect, word))
    matched = []
    for line in lines.values():
        tokens = [t for _, word in line for t in words_of(word)]
        if len(tokens) >= 2 and sum(t in wanted for t in tokens) >= LINE_SHARE * len(tokens):
            matched.append(_union([rect for rect, _ in line]))
    return [_across_the_row(rect, words, wanted) for rect in _nearest_run(matched)]


def _across_the_row(rect, words: list, wanted: set[str]) -> "pymupdf.Rect":
    """A table row's label line widened to the row's cells that hold the quote's figures
    (each cell is a line of its own in a PDF, too short to match alone)."""
    cells = [r for r, word, _ in words
             if r.y0 < (rect.y0 + rect.y1) / 2 < r.y1 and words_of(word) and all(t in wanted for t in words_of(word))]
    return _union([rect, *cells])


def words_of(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _union(rects: list) -> "pymupdf.Rect":
    box = pymupdf.Rect(rects[0])
    for rect in rects[1:]:
        box |= rect
    return box


def _nearest_run(rects: list) -> list:
    """The largest group of matched lines that sit together: a quote is one place on the
    page, and a stray line elsewhere that shares its words is not it."""
    runs: list[list] = []
    for rect in sorted(rects, key=lambda r: (r.y0, r.x0)):
        if runs and rect.y0 - runs[-1][-1].y1 < 2 * rect.height:
            runs[-1].append(rect)
        else:
            runs.append([rect])
    return max(runs, key=len, default=[])


def in_context(document: SourceDocument, passages: list[Passage], passage_id: str,
               note: str | None = None, around: int = AROUND) -> InContext:
    """The passage with the `around` passages of its paper either side, in reading order."""
    ordered = sorted(passages, key=lambda p: p.order)
    at = next(i for i, p in enumerate(ordered) if p.passage_id == passage_id)
    return InContext(document, tuple(ordered[max(0, at - around) : at + around + 1]), passage_id, note)
