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


def test_a_header_box_that_names_the_meeting_dates_it_with_its_date_field(tmp_path):
    doc = _front(tmp_path, "Committee Report\nCOMMITTEE: Transport and Connectivity Committee\n"
                           "DATE: 12 September 2024\nTITLE: Workplace Parking Levy")
    assert (doc.meeting_date, doc.committee, doc.title) == (
        "2024-09-12", "Transport and Connectivity Committee", "Workplace Parking Levy")
    # a letter's 'Date:' is when it was written, not the meeting's
    letter = _front(tmp_path, "Ask for: Jo Bloggs\nDate: 27 January 2025\nDear Member")
    assert letter.meeting_date is None


def test_a_title_label_wrapped_round_its_value_is_read_from_both_rows(tmp_path):
    """A two-column box ('REPORT / TITLE:' beside a value of two lines) read row by row."""
    doc = _front(tmp_path, "REPORT TO: WEST OF ENGLAND MAYORAL COMBINED AUTHORITY COMMITTEE\n"
                           "DATE: 5 JUNE 2026 REPORT MAYORAL COMBINED AUTHORITY AND MAYORAL BUDGET TITLE: "
                           "OUTTURN 2025/26 RESPONSIBLE DIRECTOR OF FINANCE OFFICER: (S73 OFFICER)")
    assert doc.title == "Mayoral Combined Authority and Mayoral Budget Outturn 2025/26"
    assert doc.meeting_date == "2026-06-05"


def test_a_covering_letter_dates_its_pack_by_the_meeting_it_announces(tmp_path):
    doc = _front(tmp_path, "Ask for: Jo Bloggs\nDate: 27 January 2025\nDear Member\n"
                           "CABINET - THURSDAY, 30 JANUARY 2025\n"
                           "I am now able to enclose the following document.\nAgenda Item No\n"
                           "9 24/00096 - Commissioning Plan for Education Provision (Pages 1 - 4)")
    assert (doc.meeting_date, doc.committee, doc.kind, doc.title) == (
        "2025-01-30", "Cabinet", "agenda", "Agenda: Cabinet")


def test_the_body_a_report_goes_to_is_its_committee_not_one_it_passed_through(tmp_path):
    doc = _front(tmp_path, "From: Jo Bloggs, Cabinet Member\nTo: Cabinet - 30 January 2025\n"
                           "Subject: Transfer of a service\nPast Pathway of report:\n"
                           "Adult Social Care Cabinet Committee – 15 January 2025")
    assert (doc.committee, doc.meeting_date) == ("Cabinet", "2025-01-30")


def test_minutes_belong_to_the_body_that_met_not_a_committee_an_item_names(tmp_path):
    doc = _front(tmp_path, "KENT COUNTY COUNCIL\nCABINET\nMINUTES of a meeting of the Cabinet held in the "
                           "Council Chamber on Thursday, 30 January 2025.\n"
                           "12. Referral from the Scrutiny Committee")
    assert (doc.committee, doc.kind, doc.meeting_date) == ("Cabinet", "minutes", "2025-01-30")


def test_a_questions_paper_is_titled_and_dated_by_the_meeting_over_its_questions(tmp_path):
    doc = _front(tmp_path, "Question 1\nCOUNTY COUNCIL\nThursday 13 March 2025\n"
                           "Question by Jo Bloggs to Sam Smith, Cabinet Member for Education\nAnswer\n"
                           "At the Adult Social Care Cabinet Committee meeting held on 4 May we heard ...")
    assert (doc.committee, doc.meeting_date, doc.title) == ("County Council", "2025-03-13", "Questions and answers: County Council")


def test_a_record_of_decision_is_titled_by_its_decision(tmp_path):
    doc = _front(tmp_path, "Agenda Item 9\nKENT COUNTY COUNCIL – PROPOSED RECORD OF DECISION\n"
                           "Subject Matter / Title of Decision Commissioning Plan for Education Provision 2025-29\n"
                           "Decision:")
    assert doc.title == "Commissioning Plan for Education Provision 2025-29"


def test_a_report_in_a_pack_goes_to_the_meeting_its_covering_letter_announces(tmp_path):
    pack = tmp_path / "pack.txt"
    letter = ("Dear Member\nCABINET - THURSDAY, 30 JANUARY 2025\nI am now able to enclose the following report.\n"
              "Agenda Item No\n7 Transfer of a service (Pages 1 - 20)\n" + "Yours sincerely, General Counsel. " * 5)
    report = ("Agenda Item 7\nFrom: Jo Bloggs, Cabinet Member\nTo: Cabinet Committee for Children – 16 January 2025\n"
              "Subject: Transfer of a service\n" + "1.1 The committee is asked to note the transfer of a service. " * 5)
    pack.write_text(f"{letter}\nThis page is intentionally left blank\n{report}\n", encoding="utf-8")
    docs = [p.document for p in parse_file(pack, lambda t: len(t.split()), 180)]
    assert [(d.kind, d.committee, d.meeting_date) for d in docs] == [
        ("agenda", "Cabinet", "2025-01-30"), ("report", "Cabinet", "2025-01-30")]


def test_a_paper_opening_as_an_appendix_is_titled_as_that_appendix(tmp_path):
    doc = _front(tmp_path, "Appendix 1 - Key Service Statement\nAdult Social Care & Health\nWorking Budget")
    assert doc.title == "Appendix 1 - Key Service Statement"



def test_a_form_is_titled_by_its_title_field_not_its_own_name(tmp_path):
    """An equality impact assessment appended to a report is a form: 'EQIA Submission Form'
    says what kind of paper it is; the field below 'EQIA Title' says what it is about."""
    doc = _front(tmp_path, "EQIA Submission Form\nInformation collected from the EQIA Submission\nSection A\n"
                           "EQIA Title\nProposed transfer of the 18-25 service to adult social care\n"
                           "from children's services\nResponsible Officer\nJo Bloggs")
    assert doc.title == "Proposed transfer of the 18-25 service to adult social care from children's services"
    # a contact box's 'Job title' is the officer's
    contact = _front(tmp_path, "Performance Report: Quarter 3\nContact officer\nJob title\nHead of Service\nSummary")
    assert contact.title == "Performance Report: Quarter 3"


def test_a_committee_named_for_its_authority_is_that_authoritys_whatever_city_its_schemes_are_in(tmp_path):
    doc = _front(tmp_path, "REPORT TO: WEST OF ENGLAND COMBINED AUTHORITY COMMITTEE\nDATE: 27 MARCH 2026\n"
                           "1. The Bristol to Bath corridor, Bristol Temple Meads and the Bristol bus network are "
                           "funded through Bristol City Council and the West of England.")
    assert doc.council == "West of England Combined Authority"
    # a paper whose committee names no authority is still the one it names most
    doc = _front(tmp_path, "Transport and Connectivity Policy Committee\n1. Bristol City Council asked the West "
                           "of England Combined Authority for Bristol's share of the fund.")
    assert doc.council == "Bristol Council"
