"""A cited passage where it sits: the PDF page with the quote highlighted, or the
paragraphs around it; made from real files, read back with PyMuPDF."""

from __future__ import annotations

import pymupdf
import pytest
from files import make_pdf

from assistant.answer.render import where
from assistant.errors import AssistantError
from assistant.ingest import read_file
from assistant.ingest.read import printed_page_number
from assistant.types import Citation, Hit
from assistant.view import ZOOM, quote_rects, render_page

LINES = [
    "Wessex Council Children's Scrutiny Committee",
    "3.1 The number of children in care rose to 412 at the end of March 2024, up from",
    "398 a year earlier; the rate per 10,000 children is now 71.",
    "3.2 Placement stability improved.",
    "Children in care     412     398     71",
]


@pytest.fixture
def pdf(tmp_path):
    return make_pdf(tmp_path / "paper.pdf", [["Cover"], LINES + [""] * 38 + ["Page 7"]])


def test_a_sentence_across_two_lines_is_found_line_by_line(pdf):
    with pymupdf.open(pdf) as doc:
        page = doc[1]
        rects = quote_rects(page, "The number of children in care rose to 412 at the end of March 2024, up from "
                                  "398 a year earlier; the rate per 10,000 children is now 71.")
        found = " ".join(page.get_textbox(r).strip() for r in rects)
    assert "rose to 412" in found and "now 71" in found
    assert "Placement stability" not in found and "Wessex" not in found


def test_a_table_row_is_found_with_its_cells(pdf):
    with pymupdf.open(pdf) as doc:
        rects = quote_rects(doc[1], "Children in care — 2024: 412; 2023: 398; rate: 71")
        assert len(rects) == 1 and "Children in care" in doc[1].get_textbox(rects[0])


def test_the_page_image_and_its_boxes(pdf):
    view = render_page(pdf, 2, "3.2 Placement stability improved.")
    assert view.png.startswith(b"\x89PNG") and (view.page, view.pages) == (2, 2)
    assert abs(view.width - 595 * ZOOM) < 2 and len(view.boxes) == 1
    assert view.printed == "7" and view.label == "page 7 as printed (page 2 of 2 in the file)"
    with pytest.raises(AssistantError, match="has no page 3"):
        render_page(pdf, 3, "anything")


def test_printed_page_numbers_are_read_only_from_the_margins(tmp_path):
    with pymupdf.open(make_pdf(tmp_path / "p.pdf", [["12", "A line about 12 things."]])) as doc:
        assert printed_page_number(doc[0]) == "12"  # top margin
    with pymupdf.open(make_pdf(tmp_path / "q.pdf", [["Heading", "", "", "", "", "", "", "", "5"]])) as doc:
        assert printed_page_number(doc[0]) is None  # a number in the body is not a page number


def test_a_text_paper_is_shown_in_context(corpus_assistant):
    snapshot = corpus_assistant.snapshot
    cited = next(p for p in snapshot.passages if p.section == "3.11")
    view = corpus_assistant.view(cited.passage_id)
    ids = [p.passage_id for p in view.passages]
    assert cited.passage_id in ids and 3 <= len(ids) <= 5
    assert all(p.doc_id == cited.doc_id for p in view.passages)
    assert [p.order for p in view.passages] == sorted(p.order for p in view.passages)
    with pytest.raises(AssistantError, match="not in the library"):
        corpus_assistant.view("no-such-passage")


def test_passages_and_citations_carry_the_page_number_printed_on_their_page(pdf, embedder):
    read = read_file(pdf, embedder.count_tokens, 200)
    on_page_2 = [p for p in read.passages if p.page == 2]
    assert on_page_2 and all(p.page_label == "7" for p in on_page_2)  # printed '7', the file's page 2
    assert all(p.page_label is None for p in read.passages if p.page == 1)  # the cover has no number
    citation = Citation.from_hit(1, Hit(on_page_2[0], read.papers[0].document, 1.0))
    assert where(citation) in ("page 7", f"section {citation.section}")
