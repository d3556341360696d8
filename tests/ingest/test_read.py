"""Every supported format becomes text; bad files fail with a reason a person can act on."""

import pytest
from files import make_pdf

from assistant.errors import UnreadableFile
from assistant.ingest import parse_file, read_file
from assistant.ingest.cards import is_card
from assistant.ingest.read import Page, markdown_tables_to_tabs, read_pages, without_furniture, without_page_label_at_end
from assistant.pipeline import FileResult


def words(text):
    return len(text.split())


def make_docx(path):
    import docx

    document = docx.Document()
    document.add_paragraph("Report to the Children's Scrutiny Committee on 3 March 2025")
    document.add_paragraph("Fostering Sufficiency Update")
    document.add_paragraph("1.1 We approved 12 new foster families this year against a target of 20.")
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate([["Measure", "Q1", "Q2"], ["Foster families approved", "5", "7"],
                             ["Foster families lost", "2", "1"]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.save(path)
    return path


def test_pdf_keeps_page_numbers(tmp_path):
    pdf = make_pdf(tmp_path / "paper.pdf", [
        ["Report to the Overview and Scrutiny Committee on 5 May 2025", "Care Leavers Update"],
        ["2.1 The proportion of care leavers in suitable accommodation was 91% in March."],
    ])
    parsed = parse_file(pdf, words, 180)
    passage = next(p for d in parsed for p in d.passages if "91%" in p.text)
    assert passage.page == 2
    assert passage.section == "2.1"


def test_a_hyphen_at_a_line_end_is_kept(tmp_path):
    # the PDF reader joins 'decision-' and 'making' into one word; the page prints a hyphen
    pdf = make_pdf(tmp_path / "paper.pdf", [[
        "Report to the Overview and Scrutiny Committee on 5 May 2025", "Children's Wellbeing Bill",
        "2.1 The Bill requires councils to offer family group decision-",
        "making meetings before applying for a care order.",
    ]])
    text = "\n".join(page.text for page in read_pages(pdf))
    assert "decision-making" in text and "decisionmaking" not in text, text


def test_docx_paragraphs_and_tables(tmp_path):
    (doc,) = parse_file(make_docx(tmp_path / "paper.docx"), words, 180)
    texts = [p.text for p in doc.passages]
    assert any("12 new foster families" in t for t in texts)
    assert "Foster families approved — Q1: 5; Q2: 7" in texts
    assert doc.document.meeting_date == "2025-03-03"


def test_html_and_markdown_tables(tmp_path):
    html = tmp_path / "paper.html"
    html.write_text(
        "<html><body><h1>Youth Justice Update</h1><p>3.2 First-time entrants fell to 41 in 2024.</p>"
        "<table><tr><th>Measure</th><th>2023</th><th>2024</th></tr>"
        "<tr><td>First-time entrants</td><td>55</td><td>41</td></tr></table>"
        "<script>alert('x')</script></body></html>", "utf-8")
    (doc,) = parse_file(html, words, 180)
    texts = [p.text for p in doc.passages]
    assert "First-time entrants — 2023: 55; 2024: 41" in texts
    assert not any("alert" in t for t in texts)

    md = tmp_path / "paper.md"
    md.write_text("# Update\n\n| Measure | Q1 | Q2 |\n|---|---|---|\n| Visits on time | 80% | 85% |\n", "utf-8")
    (doc,) = parse_file(md, words, 180)
    assert "Visits on time — Q1: 80%; Q2: 85%" in [p.text for p in doc.passages]


def test_a_one_column_table_is_its_cells_without_markup():
    """A form read as a table of one column (question box above answer box), one cell's
    text wrapping over two lines, as pymupdf4llm writes it for an equality assessment."""
    form = ("|**Are there negative impacts for Race**|\n|---|\n|No|\n"
            "|Most service users (80.5%) identify as White British, with the remaining\n"
            "categories spread thinly.|\n|80.5% identify as White British|")
    assert markdown_tables_to_tabs(form).splitlines() == [
        "**Are there negative impacts for Race**", "No",
        "Most service users (80.5%) identify as White British, with the remaining categories spread thinly.",
        "80.5% identify as White British"]
    # a '|' in prose is left alone
    assert markdown_tables_to_tabs("Making Space | Kent\n|opened and never closed") == "Making Space | Kent\n|opened and never closed"


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("empty.txt", b"", "empty"),
        ("junk.txt", bytes(range(256)) * 40, "binary"),
        ("broken.pdf", b"%PDF-1.4\n this is not really a pdf", "PDF"),
        ("notes.xlsx", b"PK\x03\x04 spreadsheet", "unsupported file type"),
    ],
)
def test_bad_files_raise_a_readable_reason(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UnreadableFile) as excinfo:
        read_pages(path)
    assert reason.lower() in excinfo.value.reason.lower()


def test_image_only_pdf_is_refused(tmp_path):
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(tmp_path / "scan.pdf"))
    pdf.rect(50, 50, 200, 200, fill=1)
    pdf.showPage()
    pdf.save()
    with pytest.raises(UnreadableFile, match="no text"):
        read_pages(tmp_path / "scan.pdf")


def test_windows_1252_text_is_read(tmp_path):
    path = tmp_path / "legacy.txt"
    path.write_bytes("Budget £7.2M – a “pressure”".encode("cp1252"))
    assert "£7.2M" in read_pages(path)[0].text


def test_reading_reports_pages_tables_cards_and_pages_without_text(tmp_path):
    pdf = make_pdf(tmp_path / "report.pdf", [
        ["Fostering Performance Report", "1.1 The service recruited 12 new foster families this quarter."],
        [],  # a page with no text layer, as a scan has
        # a KPI card: its lines set apart, as beside a chart
        ["Key Performance Indicators", "", "", "Number of foster households RED", "", "",
         "Latest: 613 Target: 700 Floor: 650 Previous: 612 (Red)"],
    ])
    read = read_file(pdf, words, 180)
    assert (read.pages, read.pages_without_text) == (3, (2,))
    (card,) = [p.text for p in read.passages if is_card(p.text)]
    assert card == "Number of foster households — RAG: RED; Latest: 613; Target: 700; Floor: 650; Previous: 612 (Red)"
    result = FileResult(str(pdf), "added", len(read.papers), len(read.passages), pages=read.pages,
                        pages_without_text=read.pages_without_text, tables=read.tables, rows=1, cards=1)
    assert "3 pages" in result.found() and "1 KPI cards" in result.found()
    assert "no text on page 2 (scanned? run the file through OCR" in result.found()


def test_a_tables_header_repeated_on_every_page_is_not_page_furniture():
    header = "Key Service\tWorking Budget\tForecast\tVariance"
    pages = [Page(n, f"{header}\nService {n}\t1.{n}\t2.{n}\t1.0\nCounty Council\nPage {n} of 4") for n in range(1, 5)]
    kept = without_furniture(pages)
    for page in kept:
        assert page.text.splitlines()[0] == header  # it names the columns of the rows under it
        assert "County Council" not in page.text and "of 4" not in page.text  # running footers go


def test_a_running_header_dating_the_meeting_is_the_first_pages_front_and_furniture_after():
    """'COUNTY COUNCIL' / 'Thursday 13 March 2025' heads every page of a questions paper."""
    pages = [Page(n, f"Question {n}\nCOUNTY COUNCIL\nThursday 13 March 2025\nQuestion by A to B\n"
                     f"The answer to question {n} is a long paragraph of its own.") for n in range(1, 5)]
    first, *rest = without_furniture(pages)
    assert first.text.splitlines()[:3] == ["Question 1", "COUNTY COUNCIL", "Thursday 13 March 2025"]
    assert all("COUNTY COUNCIL" not in p.text and "March 2025" not in p.text for p in rest)
    # an undated running header is furniture on the first page too
    footed = [Page(n, f"Some paragraph number {n} of the report.\nKent County Council\nPage {n} of 4") for n in range(1, 5)]
    assert all("Kent County Council" not in p.text for p in without_furniture(footed))


def test_a_footer_read_onto_a_pages_last_line_is_dropped():
    """A sentence crossing to the next page leaves the page's last line open, and the
    footer's 'Page 14' (struck through, as pymupdf4llm marks it) is read onto its end."""
    assert without_page_label_at_end("the service they receive from the ~~Page 14~~ \n\n") == "the service they receive from the"
    assert without_page_label_at_end("young people\n\nPage 3 \n\n") == "young people\n\n"
    # a reference inside the text, and a table row's empty last cells, are the paper's own
    assert without_page_label_at_end("as shown on Page 14.") == "as shown on Page 14."
    assert without_page_label_at_end("Bristol general\t\t\n") == "Bristol general\t\t\n"
