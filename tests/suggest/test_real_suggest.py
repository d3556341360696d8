"""Questions for a children's committee from a real whole-council performance report
(Kent's Q3 2024/25, in ../shared/realpapers): its children's KPIs that are RED or AMBER
lead, other services stay out, no markup is quoted, and nothing on target is called off it."""

from __future__ import annotations

import re

from assistant.evaluation.suggestions import duplicate_indicators, form_problems

# The report's children's part (Education & Skills; Integrated Children's Services) runs
# from page 36 to page 48; its KPI cards there, as printed.
CHILDRENS_PAGES = range(36, 49)
RED_OR_AMBER_CHILDRENS_CARDS = [
    "Education, Health, and Care Plans (EHCPs) issued within 20 weeks",
    "pupils (with EHCP’s) being placed in independent or out of county special schools",
    "case holding posts filled by permanent qualified social workers",
    "foster care placements which are in-house or with relatives and friends",
    "Number of foster households",
    "care leavers in education, employment or training",
    "reviews completed within timescale by the Strengthening Independence Service",
]
# RED or AMBER cards of the same report about other services
OTHER_SERVICES = [
    "complaints responded to within timescale", "Freedom of Information", "Subject Access",
    "Care Needs Assessments", "CQC rating", "Emergency highway incidents", "developer contributions",
    "still at home 91 days",
]
MARKUP = re.compile(r"<[A-Za-z!/][^<>]*>|\*\*|picture text")


def _suggestions(real_assistant):
    doc_ids = real_assistant.doc_ids_for_source("kent-quarterly-performance-q3-2024-25.pdf")
    return real_assistant.suggest(doc_ids)


def test_childrens_red_and_amber_kpis_lead_and_other_services_stay_out(real_assistant):
    suggestions = _suggestions(real_assistant)
    questions = suggestions.questions
    assert suggestions.remit_note and "children's services" in suggestions.remit_note
    leading = questions[:len(RED_OR_AMBER_CHILDRENS_CARDS) - 1]
    for q in leading:
        card = q.citations[0]
        assert card.page in CHILDRENS_PAGES and re.search(r"RAG: (RED|AMBER)", card.text), (q.question, card.text)
    asked = " ".join(q.question for q in questions).lower()
    missing = [name for name in RED_OR_AMBER_CHILDRENS_CARDS if name.lower() not in asked]
    assert not missing
    strays = [name for name in OTHER_SERVICES if name.lower() in asked.lower()]
    assert not strays


def test_no_markup_and_nothing_on_target_called_off_target(real_assistant):
    for q in _suggestions(real_assistant).questions:
        assert not MARKUP.search(q.question) and not MARKUP.search(q.why), q.question
        for cited in q.citations:
            if "RAG: GREEN" in cited.text and q.question.startswith(cited.text.split(" — ")[0]):
                assert "target" not in q.question.lower(), q.question
        # a card's 'Previous' value is older than its 'Latest': never reported as the latest
        assert "in Previous" not in q.question and "in Floor" not in q.question, q.question


def test_questions_from_the_real_report_are_short_single_grounded_and_distinct(real_assistant):
    """Issue 15's form on a real whole-council PDF: one question of at most 35 words each,
    every figure in its citations, no two on one indicator, four themes at least."""
    questions = list(_suggestions(real_assistant).questions)
    assert len(questions) >= 8  # the children's points of the report; the rest are other services
    assert {q.question: form_problems(q) for q in questions if form_problems(q)} == {}
    assert duplicate_indicators(questions) == []
    assert len({q.theme for q in questions}) >= 4
    assert any(q.ask in ("voice", "listen") for q in questions)  # what children say: drawn on or asked for
