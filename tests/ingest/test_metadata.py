"""Metadata is read from the text of each of the five reports (never hard-coded)."""

import pytest
from files import corpus_file

from assistant.ingest import parse_file


def documents(prefix):
    return [p.document for p in parse_file(corpus_file(prefix), lambda t: len(t.split()), 180)]


@pytest.mark.parametrize(
    "prefix, council, committee, meeting_date, title, author",
    [
        ("barnsley-osc-2023", "Barnsley Council", "Overview & Scrutiny Committee", "2023-09-12",
         "Strengthening Children Services Quarterly Report: April 23 to June 23",
         "Executive Director Core Services and the Executive Director Children's Services"),
        ("barnsley-osc-2024", "Barnsley Council", "Overview and Scrutiny Committee", "2024-01-09",
         "Children's Social Care Performance Report – October 2023",
         "Executive Director Core Services and the Executive Director Children's Services"),
        ("bury", "Bury Council", "Children's Scrutiny Committee", None,
         "Children's Services Improvement Plan Update",
         "Jeanette Richards, Executive Director Children & Young People"),
        ("west-sussex", "West Sussex County Council", "Children and Young People's Services Select Committee",
         "2019-10-23", "Children First Improvement – Update Report", "Director of Children's Services"),
    ],
)
def test_single_reports(prefix, council, committee, meeting_date, title, author):
    (doc,) = documents(prefix)
    assert (doc.council, doc.committee, doc.meeting_date, doc.title, doc.author, doc.kind) == (
        council, committee, meeting_date, title, author, "report"
    )


def test_pack_members_inherit_the_meeting_but_keep_their_own_titles_and_authors():
    docs = documents("north-somerset")
    assert {d.council for d in docs} == {"North Somerset Council"}
    q3 = docs[2]
    assert q3.meeting_date == "2024-02-22"  # its own cover omits the year; the pack states it
    assert q3.author.startswith("Jane Anstis")
    assert docs[1].meeting_date == "2023-10-19"  # minutes record their own meeting
    assert docs[4].author == "Councillor Joe Tristram"
    assert docs[5].meeting_date == "2024-02-22"
    assert all(d.committee for d in docs)


def test_unknown_stays_null():
    (doc,) = documents("bury")
    assert doc.meeting_date is None  # the Bury paper states no meeting date


def test_a_paper_that_names_no_council_is_the_council_of_its_contacts_domain(tmp_path):
    paper = tmp_path / "treasury-mid-year-update.txt"
    paper.write_text("To: County Council – 13 March 2025\nSubject: Treasury Management Mid-Year Update 2024-25\n"
                     "Contact: Jo Bloggs, E: jo.bloggs@kent.gov.uk\n"
                     "1.1 At 30 September 2024 the Council held £746.8m of loans.\n", encoding="utf-8")
    (doc,) = [p.document for p in parse_file(paper, lambda t: len(t.split()), 180)]
    assert doc.council == "Kent County Council"
    # a government department's domain is no council's
    paper.write_text(paper.read_text().replace("kent.gov.uk", "education.gov.uk"), encoding="utf-8")
    (doc,) = [p.document for p in parse_file(paper, lambda t: len(t.split()), 180)]
    assert doc.council is None


def test_a_committee_named_after_what_is_done_at_it_is_the_committee_alone(tmp_path):
    paper = tmp_path / "forward-plan.txt"
    paper.write_text("Forward plan\n\nTHIS DOCUMENT GIVES NOTICE OF ANTICIPATED KEY DECISIONS TO BE TAKEN AT "
                     "TRANSPORT & CONNECTIVITY POLICY COMMITTEE\n\nThe Forward Plan gives notice of key decisions.\n",
                     encoding="utf-8")
    (doc,) = [p.document for p in parse_file(paper, lambda t: len(t.split()), 180)]
    assert doc.committee == "Transport & Connectivity Policy Committee"


def _front(tmp_path, text):
    paper = tmp_path / "paper.txt"
    paper.write_text(text + "\n\n1.1 The committee is asked to note the report and its appendices.\n", encoding="utf-8")
    return [p.document for p in parse_file(paper, lambda t: len(t.split()), 180)][0]


def test_a_title_label_wrapped_round_its_value_is_read_from_both_rows(tmp_path):
    """A two-column box ('REPORT / TITLE:' beside a value of two lines) read row by row."""
    doc = _front(tmp_path, "REPORT TO: WEST OF ENGLAND MAYORAL COMBINED AUTHORITY COMMITTEE\n"
                           "DATE: 5 JUNE 2026 REPORT MAYORAL COMBINED AUTHORITY AND MAYORAL BUDGET TITLE: "
                           "OUTTURN 2025/26 RESPONSIBLE DIRECTOR OF FINANCE OFFICER: (S73 OFFICER)")
    assert doc.title == "Mayoral Combined Authority and Mayoral Budget Outturn 2025/26"


def test_a_paper_opening_as_an_appendix_is_titled_as_that_appendix(tmp_path):
    doc = _front(tmp_path, "Appendix 1 - Key Service Statement\nAdult Social Care & Health\nWorking Budget")
    assert doc.title == "Appendix 1 - Key Service Statement"

