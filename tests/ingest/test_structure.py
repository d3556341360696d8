"""Packs split into papers; numbered paragraphs are citation anchors; lists keep lead-ins."""

import re

from files import corpus_file

from assistant.ingest import parse_file


def words(text: str) -> int:
    return len(text.split())


def test_document_pack_splits_into_its_papers():
    parsed = parse_file(corpus_file("north-somerset"), words, 180)
    kinds = [p.document.kind for p in parsed]
    titles = [p.document.title for p in parsed]
    assert kinds == ["agenda", "minutes", "report", "report", "report", "work programme"]
    assert titles[1] == "Minutes of the meeting of 19 October 2023"
    assert titles[2] == "Q3 Performance Monitoring"
    assert "MTFP" in titles[3]
    assert "Recruitment and Retention" in titles[4]
    assert len({p.document.doc_id for p in parsed}) == 6


def test_single_report_is_one_document():
    assert len(parse_file(corpus_file("bury"), words, 180)) == 1


def test_numbered_paragraph_is_one_passage_anchored_on_its_number():
    passages = parse_file(corpus_file("barnsley-osc-2024"), words, 180)[0].passages
    p311 = [p for p in passages if p.section == "3.11" and p.kind == "paragraph"]
    assert len(p311) == 1
    assert p311[0].text.startswith("The percentage of re-referrals within 12 months")
    assert "The year-to-date figure is 23.7%" in p311[0].text


def test_list_items_stay_with_their_lead_in():
    passages = parse_file(corpus_file("barnsley-osc-2023"), words, 180)[0].passages
    caseloads = next(p for p in passages if "20 children for Experienced Social Workers" in p.text)
    assert caseloads.section == "3.12"
    assert "we set a clear expectation of maximum caseloads" in caseloads.text


def test_long_units_are_split_between_sentences_never_inside_one():
    limit = 40
    for prefix in ["barnsley", "bury", "west-sussex", "north-somerset"]:
        for parsed in parse_file(corpus_file(prefix), words, limit):
            for p in parsed.passages:
                if p.kind == "paragraph" and words(p.text) > limit:
                    # Only a single sentence longer than the limit may exceed it.
                    assert len(re.split(r"(?<=[.!?])\s+(?=[A-Z])", p.text)) == 1, p.text


def test_commentary_after_a_list_is_captioned_with_the_list():
    passages = parse_file(corpus_file("north-somerset"), words, 180)[2].passages
    staffing = next(p for p in passages if p.text.startswith("These measures are indicative of the staffing pressures"))
    assert "Percentage of Child Protection statutory visits within timescales" in staffing.caption


def test_a_heading_the_pdf_marks_follows_a_line_without_a_full_stop():
    from assistant.ingest.structure import Line, blocks

    lines = [Line(t, 3) for t in [
        "A total of 44.9FE across the Plan period and up to 120 temporary Year R places", "",
        "# **Secondary School Commissioning Intentions**", "",
        "**By** **2025-26**\t**By** **2026-27**", "2FE\t0FE",
    ]]
    found = blocks(lines)
    assert [b.kind for b in found] == ["paragraph", "heading", "table"]
    assert found[0].lines == ["A total of 44.9FE across the Plan period and up to 120 temporary Year R places"]
    assert found[2].caption == "Secondary School Commissioning Intentions"


def test_a_line_that_counts_something_is_a_sentence_not_a_heading():
    # it introduces the table (its caption) and states a figure of its own (a passage)
    from assistant.ingest.structure import Line, blocks

    lines = [Line(t, 2) for t in [
        "Public Statements", "", "68 statements were received and noted as follows:", "",
        "Ref No\tName\tTitle", "01\tA Resident\tSupport for RPZ", "02\tA Visitor\tBus lanes",
    ]]
    found = blocks(lines)
    assert [b.kind for b in found] == ["heading", "paragraph", "table"]
    assert found[1].heading == "Public Statements"
    assert found[2].caption == "68 statements were received and noted as follows"


def test_a_breakdown_of_shares_is_text_not_headings():
    """'67.1% Not Known' / '0.4% Gay Man': a share and its label, a line each (an equality
    assessment's breakdown), were read as headings, short and capitalised, and lost."""
    from assistant.ingest.structure import Line, blocks

    lines = [Line(t, 20) for t in [
        "Negative impacts for Sexual Orientation", "The case records hold the following information.",
        "67.1% Not Known", "20.2% Heterosexual", "0.4% Gay Man", "£2.3m Agency Staff"]]
    found = blocks(lines)
    assert [b.kind for b in found] == ["heading", "paragraph", "paragraph"]
    assert found[2].lines == ["67.1% Not Known", "20.2% Heterosexual", "0.4% Gay Man", "£2.3m Agency Staff"]


def test_a_forms_answer_stays_with_its_question():
    """An equality assessment's boxes, one per line: a bare 'No' was a heading (lost), and
    alone it would say nothing; with its question it says what was found."""
    from assistant.ingest.structure import Line, blocks

    lines = [Line(t, 18) for t in [
        "Are there negative impacts for Race", "No",
        "Do you have data related to the protected groups of the people impacted by this activity?", "Yes",
        "Mitigating actions for Race", "Not applicable"]]
    said = [" ".join(b.lines) for b in blocks(lines) if b.kind == "paragraph"]
    assert said == ["Are there negative impacts for Race? No",
                    "Do you have data related to the protected groups of the people impacted by this activity? Yes",
                    "Mitigating actions for Race? Not applicable"]


def test_a_list_set_out_with_space_between_its_items_stays_one_list_with_its_lead_in():
    from assistant.ingest.structure import Line, blocks

    lines = [Line(t, 2) for t in [
        "Under the Council's constitution, the definition of a key decision is a decision which is likely to:", "",
        "1) Result in expenditure of £500,000 or over.", "",
        "2) Result in savings of £500,000 or over.", "",
        "Non-key Decision", "",
        "For additional information the Forward Plan also contains other items.",
    ]]
    found = blocks(lines)
    assert [b.kind for b in found] == ["list", "heading", "paragraph"]
    assert found[0].lines[0].endswith("likely to:")
    assert found[0].items == ["Result in expenditure of £500,000 or over.", "Result in savings of £500,000 or over."]


def test_a_long_list_item_is_split_between_its_sentences_and_leaves_no_scrap():
    """An update of several sentences under 'provided an update on the following:' is too
    long for the model: it is split at its sentences, never leaving a tail of a few words
    ('family.') to be found alone; a run of words with no full stop splits into even parts."""
    from assistant.ingest.passages import build_passages
    from assistant.ingest.structure import Block

    sentences = [f"Sentence {n} says the service {'worked with many more families this year ' * 2}in Kent." for n in range(6)]
    update = Block("list", ["Mrs Chandler provided an update on the following:"], 3, items=[" ".join(sentences)])
    names = Block("paragraph", [" ".join(f"Name{n}" for n in range(50))], 4)
    passages = build_passages("d", [update, names], words, 40)
    updates = [p.text for p in passages if "Sentence" in p.text]
    assert len(updates) > 1 and all(words(t) <= 40 and t.endswith("in Kent.") for t in updates)
    parts = [words(p.text) for p in passages if "Name" in p.text]
    assert sum(parts) == 50 and max(parts) <= 40 and min(parts) >= max(parts) - 1


def test_a_line_that_only_refers_is_not_a_passage():
    """A minute's '(Item 4)' under its title and a lone 'Page 15' are references, not text."""
    from assistant.ingest.structure import Line, blocks

    lines = [Line(t, 1) for t in ["## **87. Cabinet Member Updates**", "", "(Item 4)", "", "Page 15", "",
                                  "1. Mr Gough, Leader of the Council, provided an update on the budget and its savings."]]
    assert all("Item 4" not in line and "Page 15" not in line for b in blocks(lines) for line in b.lines)
