"""Remit: which part of a council's work a committee, a passage and a KPI card are about;
and a card's own polarity, periods and rating read the way the paper means them."""

import pytest

from assistant.errors import AssistantError
from assistant.language.remits import committee_remit, remit_named, remit_of, remits_in_place
from assistant.suggest import suggest_questions
from assistant.types import Passage, SourceDocument


@pytest.mark.parametrize("committee, remit", [
    ("Children's Services Scrutiny Panel", "children"),
    ("Corporate Parenting Panel", "children"),  # not corporate services
    ("Children, Young People and Education Cabinet Committee", "children"),
    ("Adult Social Care and Health Cabinet Committee", "adults"),
    ("Transport Committee", "environment"),
    ("Cabinet", None), ("County Council", None), ("Scrutiny Committee", None), (None, None),
])
def test_a_committees_name_gives_its_remit(committee, remit):
    found = committee_remit(committee)
    assert (found.key if found else None) == remit


def test_a_passage_belongs_to_the_remit_whose_words_it_uses_else_to_the_part_it_sits_in():
    assert remit_of("Percentage of care leavers in education, employment or training").key == "children"
    assert remit_of("Proportion of older people (65+) still at home 91 days after discharge").key == "adults"
    assert remit_of("Percentage of case holding posts filled by permanent qualified social workers") is None
    placed = remits_in_place([
        "Children in Care: the number of non-UASC children in care decreased by 25.",
        "Care leavers: 2,016 care leavers at the end of December.",
        "Percentage of case holding posts filled by permanent qualified social workers",  # the children's part
        "Safeguarding concerns raised with adult social care rose.",
        "Care needs assessments completed within 28 days fell for older people.",
        "Percentage of case holding posts filled by permanent qualified social workers",  # now the adults' part
    ])
    assert [r.key if r else None for r in placed] == ["children", "children", "children", "adults", "adults", "adults"]


def test_a_policy_a_council_has_adopted_is_not_adoption():
    """A treasury appendix ('has adopted a voluntary measure of its exposure to credit risk')
    is no children's business; adopters and adopted children are."""
    assert remit_of("The Authority has adopted a voluntary measure of its exposure to credit risk") is None
    assert remit_of("Number of adopters approved in the quarter").key == "children"
    assert remit_of("Timeliness of adoption for children adopted from care").key == "children"


def test_a_misspelt_remit_is_said_plainly():
    assert remit_named("") is None and remit_named("Children's Services").key == "children"
    with pytest.raises(AssistantError, match="known remits"):
        remit_named("childrens servces")


def _card(n: int, text: str) -> Passage:
    return Passage(f"p{n}", "d", text, kind="table_row", order=n, page=1)


WHOLE_COUNCIL = [
    Passage("n0", "d", "Children's social care: referrals to children's social care rose; more children in care.", order=0),
    # no rating given: its polarity is read from the floor set above the target
    _card(1, "Percentage of early help cases closed that come back to children's teams within 3 months — Latest: 14.9%; Target: 15%; Floor: 20%; Previous: 15.2%"),
    _card(2, "Number of foster households — RAG: RED; Latest: 613; Target: 700; Floor: 650; Previous: 612 (Red)"),
    _card(3, "Percentage of case holding posts filled by permanent qualified social workers — RAG: AMBER; Latest: 75.2%; Target: 85%; Floor: 75%; Previous: 74.7% (Red)"),
    Passage("n4", "d", "Highways: pothole repairs and waste recycling in the quarter.", order=4),
    _card(5, "Percentage of routine pothole repairs completed within 28 days — RAG: RED; Latest: 70%; Target: 90%; Floor: 80%; Previous: 75% (Red)"),
    _card(6, "Proportion of new care needs assessments for adults delivered within 28 days — RAG: RED; Latest: 74%; Target: 90%; Floor: 75%; Previous: 75% (Red)"),
]


def _suggest(committee: str | None):
    document = SourceDocument("d", "q3.pdf", "h", title="Quarterly Performance Report", committee=committee)
    return suggest_questions([document], WHOLE_COUNCIL, remit="children's services")


def test_a_paper_mostly_about_the_remit_is_not_cut():
    document = SourceDocument("d", "cs.pdf", "h", title="Children's services performance")
    mostly = WHOLE_COUNCIL[:6]  # one highways point among the children's: a stray, not a whole-council paper
    kept = suggest_questions([document], mostly, remit="children's services")
    assert any("pothole" in q.question for q in kept.questions) and kept.remit_note is None


def test_a_whole_council_paper_keeps_to_the_remit_but_a_committees_own_paper_is_not_cut():
    whole = _suggest(None)
    asked = " ".join(q.question for q in whole.questions)
    assert "foster households" in asked and "social workers" in asked
    assert "pothole" not in asked and "care needs" not in asked
    assert whole.remit_note == "Kept to children's services: 2 points about other services left out."
    own = _suggest("Environment and Transport Cabinet Committee")
    assert any("pothole" in q.question for q in own.questions) and own.remit_note is None


TRANSPORT = [
    Passage("t0", "t", "Highways: pothole repairs and bus services in the quarter.", order=0),
    _card(1, "Percentage of routine pothole repairs completed within 28 days — RAG: RED; Latest: 70%; Target: 90%; "
             "Floor: 80%; Previous: 75% (Red)"),
    _card(2, "Percentage of bus services running on time — RAG: RED; Latest: 81%; Target: 95%; Floor: 85%; "
             "Previous: 83% (Red)"),
]


def test_a_meeting_kept_to_the_remit_leaves_another_services_paper_out():
    children = SourceDocument("d", "cs.pdf", "h", title="Children's services performance")
    transport = SourceDocument("t", "roads.pdf", "h", title="Highways and transport performance")
    transport_rows = [Passage(p.passage_id.replace("p", "t"), "t", p.text, kind=p.kind, order=p.order, page=1)
                      for p in TRANSPORT]
    both = suggest_questions([children, transport], WHOLE_COUNCIL[:4] + transport_rows, remit="children's services")
    asked = " ".join(q.question for q in both.questions)
    assert "foster households" in asked and "pothole" not in asked and "bus services" not in asked
    assert both.remit_note and "left out" in both.remit_note
    # a meeting with none of the remit's papers is not emptied: there is nothing to keep it to
    alone = suggest_questions([transport], transport_rows, remit="children's services")
    assert any("pothole" in q.question for q in alone.questions) and alone.remit_note is None


def test_a_card_reads_as_its_paper_means_it():
    asked = [q.question for q in _suggest(None).questions]
    # Latest is the latest (not the Previous printed after it), and that period's own rating is not a figure
    foster = [q for q in asked if "foster households" in q]
    assert len(foster) == 1 and "foster households at 613 (latest), against a target of 700" in foster[0], foster
    # a floor above the target means lower is better: 14.9% against a target of 15% is on target
    assert not [q for q in asked if "early help cases" in q]
