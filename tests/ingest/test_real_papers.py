"""Real council PDFs as councils publish them (../shared/realpapers, never copied here):
KPI cards, tables whose cells come one per line, picture text, running headers."""

from __future__ import annotations

import os
import re

import pytest
from files import REAL_PAPERS as REAL

from assistant.config import Settings
from assistant.ingest import parse_file

PERFORMANCE = REAL / "kent" / "kent-quarterly-performance-q3-2024-25.pdf"
MODEL_LIMIT = 256  # word-pieces all-MiniLM-L6-v2 reads
# tags, bold, strikethrough, and a markdown table's cells ('|No| |Not applicable|')
MARKUP = re.compile(r"<[A-Za-z!/][^<>]*>|\*\*|~~|(?:^|\s)\|[^|]+\|(?:\s|$)")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not REAL.is_dir() and not os.environ.get("CI"), reason=f"{REAL} is not here"),
]


@pytest.fixture(scope="module")
def real_papers(embedder) -> dict[str, list]:
    """Every real PDF's papers (documents with their passages), by file name (read once:
    about two minutes)."""
    limit = Settings().max_passage_tokens
    return {path.name: parse_file(path, embedder.count_tokens, limit) for path in sorted(REAL.rglob("*.pdf"))}


@pytest.fixture(scope="module")
def real_passages(real_papers) -> dict[str, list]:
    return {name: [p for parsed in papers for p in parsed.passages] for name, papers in real_papers.items()}


def test_no_passage_holds_markup_or_page_furniture(real_passages):
    assert len(real_passages) >= 13
    for name, passages in real_passages.items():
        assert passages, name
        marked = [p.text[:80] for p in passages if MARKUP.search(p.text)]
        assert not marked, (name, marked[:3])
        furniture = [p.text[:80] for p in passages
                     if re.search(r"\bPage \d+ of \d+\b", p.text) or re.fullmatch(r"Page \d+|\(Item \d+\)", p.text)]
        assert not furniture, (name, furniture[:3])


def test_no_passage_is_longer_than_the_model_reads(real_passages, embedder):
    for name, passages in real_passages.items():
        longest = max(embedder.count_tokens(p.text) for p in passages)
        assert longest <= MODEL_LIMIT, (name, longest)


@pytest.mark.parametrize("title, latest, target, rag", [
    ("Early Help cases closed with outcomes achieved", "14.9%", "15%", "GREEN"),
    ("case holding posts filled by permanent qualified social workers", "75.2%", "85%", "AMBER"),
    ("referrals that were repeat referrals within 12 months", "22.2%", "25%", "GREEN"),
    ("foster care placements which are in-house or with relatives and friends", "73.2%", "85%", "RED"),
    ("Number of foster households", "613", "700", "RED"),
    ("care leavers in education, employment or training", "53.6%", "65%", "RED"),
    ("reviews completed within timescale by the Strengthening Independence Service", "59.1%", "65%", "AMBER"),
    ("Learning Disability Young People in Settled Accommodation", "98.6%", "95%", "GREEN"),
])
def test_each_childrens_kpi_card_is_one_passage(real_passages, title, latest, target, rag):
    cards = [p for p in real_passages[PERFORMANCE.name] if title in p.text and "Latest:" in p.text]
    assert len(cards) == 1, [c.text for c in cards]
    card = cards[0].text
    assert card.startswith(("Percentage", "Number")) and title in card.split(" — ")[0]
    assert f"RAG: {rag}" in card and f"Latest: {latest};" in card and f"Target: {target};" in card
    assert cards[0].kind == "table_row" and cards[0].page in (47, 48)


def test_children_in_care_table_rows_describe_themselves(real_passages):
    rows = {p.text.split(" — ")[0]: p.text for p in real_passages[PERFORMANCE.name]
            if p.kind == "table_row" and p.page == 45}
    assert rows["Status: Non-UASC"].endswith("Dec-23: 1,466; Mar-24: 1,460; Jun-24: 1,444; Sep-24: 1,434; Dec-24: 1,409")
    assert "Dec-24: 1,884" in rows["Status: Total"]
    assert "Dec-24: 812" in rows["Status: 16 to 17 (Age Group)"]
    assert "Jun-24: 141" in rows["Status: Black (Ethnicity)"]
    assert not any("Ethnicity" in label and "16 to 17" in label for label in rows)


# Every paper of every Kent file (a pack's papers in order), then other councils' header boxes
FRONTS = [
    ("kent-corporate-parenting-minutes-2024-10-29.pdf", "minutes", "2024-10-29", "Corporate Parenting Panel", "Minutes of the meeting of 29 October 2024"),
    ("kent-corporate-parenting-minutes-2024-12-10.pdf", "minutes", "2024-12-10", "Corporate Parenting Panel", "Minutes of the meeting of 10 December 2024"),
    # 'MINUTES of a meeting of the Cabinet held ...', not the Scrutiny Committee an item names
    ("kent-cabinet-minutes-2025-01-30.pdf", "minutes", "2025-01-30", "Cabinet", "Minutes of the meeting of 30 January 2025"),
    # 'To: Cabinet - 30 January 2025', not the cabinet committees of its 'Past Pathway'
    ("kent-sis-18-25-transfer-2025-01-30.pdf", "report", "2025-01-30", "Cabinet", "Transfer the 18-25 section of the Strengthening Independence"),
    ("kent-education-commissioning-plan-2025.pdf", "report", "2025-01-30", "Cabinet", "Commissioning Plan for Education Provision in Kent 2025-29"),
    ("kent-council-mid-year-report-2024-25.pdf", "report", "2025-03-13", "County Council", "Treasury Management Mid-Year Update 2024-25"),
    ("kent-finance-monitoring-q3-2024-25.pdf", "report", "2025-01-30", "Cabinet", "Finance Monitoring Report"),
    ("kent-scrutiny-call-in-family-hubs-2025-03.pdf", "report", "2025-03-04", "Cabinet", "Cabinet reconsideration of Decision 24/00093"),
    # 'COUNTY COUNCIL' / 'Thursday 13 March 2025' over every answer: furniture after page 1
    ("kent-council-questions-and-answers-2025-03.pdf", "report", "2025-03-13", "County Council", "Questions and answers: County Council"),
    # neither states a meeting on its front: the date stays unknown (an officer may set it)
    ("kent-quarterly-performance-q3-2024-25.pdf", "report", None, None, "Kent County Council Quarterly Performance Report"),
    ("kent-finance-monitoring-appendix-nov-2024-25.pdf", "report", None, None, "Appendix 1 - Key Service Statement"),
    # header boxes: 'COMMITTEE: ...' with 'DATE: ...'; 'REPORT / TITLE:' wrapped round its value
    ("bristol-transport-committee-wpl-report-2024-09-12.pdf", "report", "2024-09-12", "Transport and Connectivity Committee", "Workplace Parking Levy"),
    ("weca-joint-committee-budget-outturn-2026-06-05.pdf", "report", "2026-06-05", "West of England Mayoral Combined Authority",
     "Mayoral Combined Authority and Mayoral Budget Outturn 2025/26"),
    ("weca-joint-committee-transport-report-2026-03-27.pdf", "report", "2026-03-27", "West of England Combined Authority", "Transport"),
    ("bristol-transport-committee-minutes-2024-09-12.pdf", "minutes", "2024-09-12", "Transport and Connectivity Policy Committee", "Minutes of the meeting of 12 September 2024"),
    ("bristol-transport-committee-minutes-2025-10-23.pdf", "minutes", "2025-10-23", "Transport & Connectivity Policy Committee", "Minutes of the meeting of 23 October 2025"),
]
# A pack's covering letter announces the meeting ('CABINET - THURSDAY, 30 JANUARY 2025'); each
# paper it encloses keeps its own title and goes to that meeting
PACKS = [
    ("kent-cabinet-2025-01-30-education-commissioning-pack.pdf",
     ["Agenda: Cabinet", "Commissioning Plan for Education Provision in Kent 2025-29"]),  # a record of decision
    ("kent-cabinet-2025-01-30-sis-transfer-supplementary-pack.pdf",
     ["Agenda: Cabinet", "Transfer the 18-25 section of the Strengthening Independence",
      "Proposed transfer of the Strengthening Independence Service for 18-25 year old disabled adults"]),
]


@pytest.mark.parametrize("name, kind, meeting_date, committee, title", FRONTS)
def test_papers_get_their_own_meeting_date_kind_and_title(real_papers, name, kind, meeting_date, committee, title):
    """Read from the paper's own front (the minutes' heading, a report's 'To:' box), not
    the first date in the text (minutes approve the previous meeting's) or the file name."""
    (paper,) = real_papers[name]
    document = paper.document
    assert (document.kind, document.meeting_date) == (kind, meeting_date)
    assert document.committee == committee or (committee and document.committee.startswith(committee))
    assert document.title.startswith(title)


@pytest.mark.parametrize("name, titles", PACKS)
def test_every_paper_in_a_pack_has_its_title_and_the_meeting_its_letter_announces(real_papers, name, titles):
    papers = [parsed.document for parsed in real_papers[name]]
    assert [d.kind for d in papers] == ["agenda"] + ["report"] * (len(titles) - 1)
    assert len(papers) == len(titles) and all(d.title.startswith(t) for d, t in zip(papers, titles))
    assert {(d.meeting_date, d.committee) for d in papers} == {("2025-01-30", "Cabinet")}


def test_a_running_header_that_dates_the_meeting_is_not_repeated_over_every_answer(real_papers):
    (paper,) = real_papers["kent-council-questions-and-answers-2025-03.pdf"]
    assert sum("13 March 2025" in p.text for p in paper.passages) <= 1


def test_every_kent_file_is_covered_by_a_metadata_test():
    covered = {front[0] for front in FRONTS} | {pack[0] for pack in PACKS}
    assert {p.name for p in (REAL / "kent").glob("*.pdf")} <= covered


def test_every_kent_paper_is_kent_county_council_s(real_papers):
    """Two of them never name Kent: their contacts' '@kent.gov.uk' does."""
    for name, parsed in real_papers.items():
        if name.startswith("kent-"):
            assert {p.document.council for p in parsed} == {"Kent County Council"}, name


# Papers that number their paragraphs ('1.', '1.1', '1)'; minutes' '5. Chair's announcements');
# the Q3 performance report, the finance appendix, the Q&A and the forward plan do not.
NUMBERED_PAPERS = [
    "bristol-transport-committee-minutes-2024-09-12.pdf", "bristol-transport-committee-wpl-report-2024-09-12.pdf",
    "bristol-transport-committee-wpl-report-2026-03.pdf", "bristol-transport-committee-wpl-update-2025-05-15.pdf",
    "kent-cabinet-minutes-2025-01-30.pdf", "kent-corporate-parenting-minutes-2024-10-29.pdf",
    "kent-corporate-parenting-minutes-2024-12-10.pdf", "kent-council-mid-year-report-2024-25.pdf",
    "kent-education-commissioning-plan-2025.pdf", "kent-finance-monitoring-q3-2024-25.pdf",
    "kent-scrutiny-call-in-family-hubs-2025-03.pdf", "kent-sis-18-25-transfer-2025-01-30.pdf",
    "nottingham-wpl-annual-report-2023-24.pdf", "weca-joint-committee-budget-outturn-2026-06-05.pdf",
    "weca-joint-committee-delivery-assurance-2026-06-05.pdf", "weca-joint-committee-investment-fund-2026-06-05.pdf",
    "weca-joint-committee-transport-report-2026-03-27.pdf",
]


@pytest.mark.parametrize("name", NUMBERED_PAPERS)
def test_pdf_passages_carry_the_papers_own_paragraph_numbers(real_papers, name):
    """So a citation says 'paragraph 7' (with its page), as members refer to papers."""
    prose = [p for paper in real_papers[name] for p in paper.passages if p.kind != "table_row"]
    numbered = [p for p in prose if p.section]
    assert len(numbered) >= 0.8 * len(prose), (len(numbered), len(prose))
    assert all(p.page for p in prose)


def test_a_combined_authoritys_papers_are_its_own_not_the_city_its_schemes_are_in(real_papers):
    """The West of England papers name Bristol more often than the authority (its stations,
    corridors and council); their committee is the authority's."""
    for prefix, council in [("weca-", "West of England Combined Authority"), ("kent-", "Kent County Council")]:
        found = {p.document.council for name, papers in real_papers.items() if name.startswith(prefix) for p in papers}
        assert found == {council}, (prefix, found)
