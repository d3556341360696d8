"""The field's vocabulary at work end to end: a member's everyday words answered from a
paper that uses the official terms (each kind of entry in assistant/language/terms.toml),
and a council's own term file taking effect without code changes.

The paper is written here, in the official terms; the questions never use its wording.
"""

import pytest

from assistant.answer.extractive import rank_quotes
from assistant.types import Filters
from assistant.language.vocabulary import terms_named, vocabulary

PAPER = """Rutland County Council
Report to the Children's Services Scrutiny Committee
Date of meeting: 12 March 2024
Children's Social Care Performance Report – January 2024

1. Children looked after
1.1 At the end of January 2024 there were 412 children looked after by the council, a rate of 68 per 10,000 children.
1.2 Of the children looked after, 63 were unaccompanied asylum-seeking children.
1.3 Dental checks were up to date for 71% of children looked after, below the target of 85%.

2. Care leavers
2.1 The percentage of care leavers aged 19 to 21 in education, employment or training was 58%, against a target of 65%.

3. Child protection
3.1 There were 245 children subject to a child protection plan at the end of January 2024.
3.2 Re-referrals within 12 months were 19.6% of all referrals in the year to January 2024.

4. Early help
4.1 There were 532 open Team Around the Family plans at the end of January 2024.
4.2 Foster carer payments were increased by 5% from April 2024.
4.3 The review of the early help offer was completed in February 2024.
"""


@pytest.fixture
def rutland(assistant_reading):
    return assistant_reading("rutland-performance-2024-03-12.txt", PAPER)


@pytest.fixture
def council_terms(tmp_path, monkeypatch):
    """Point ASSISTANT_VOCABULARY_FILE at a council's own terms, as an officer would."""
    def add(text: str) -> None:
        path = tmp_path / "our-terms.toml"
        path.write_text(text, encoding="utf-8")
        monkeypatch.setenv("ASSISTANT_VOCABULARY_FILE", str(path))
        vocabulary.cache_clear()

    yield add
    monkeypatch.delenv("ASSISTANT_VOCABULARY_FILE", raising=False)
    vocabulary.cache_clear()


@pytest.mark.parametrize(
    "question, figure",
    [
        # an everyday form of a term ('in care' for 'looked after') and a word list's ('kids')
        ("How many kids were in care in Rutland at the end of January 2024?", "412"),
        # an everyday form ('in work or study' for 'education, employment or training')
        ("What share of Rutland's care leavers are in work or study?", "58%"),
        # an everyday form ('seeing a dentist' for 'dental checks')
        ("How are Rutland's children in care doing on seeing a dentist?", "71%"),
        # an abbreviation ('CP plan' for 'child protection plan')
        ("How many children in Rutland are on a CP plan?", "245"),
        # an everyday form ('coming back to social care' for 're-referrals within 12 months')
        ("How often are children coming back to social care in Rutland?", "19.6%"),
        # a narrower term names its broader one: unaccompanied asylum-seeking children are
        # children in care, so a passage naming them answers a question about children in care
        ("How many of Rutland's children in care arrived alone as asylum seekers?", "63"),
    ],
)
def test_everyday_words_are_answered_from_the_official_terms(rutland, question, figure):
    answer = rutland.ask(question)
    assert not answer.abstained, question
    assert figure in answer.text, (question, answer.text)


def test_plain_words_are_answered_from_the_report_words(rutland):
    # 'raise what it pays' for 'payments were increased': the [plain] table, not a term
    answer = rutland.ask("By how much did Rutland raise what it pays foster carers?")
    assert not answer.abstained and "5%" in answer.text, answer.text
    # by words alone, the plain words are covered as words the quote never uses are not
    hits = rutland.retriever.retrieve(answer.question, Filters(), 5).hits
    idf = rutland.retriever.snapshot.idf(Filters().groups)
    plain, other = (rank_quotes(q, hits, idf)[0] for q in (answer.question, "By how much did Rutland audit what it owes foster carers?"))
    assert plain.text == other.text and plain.support > other.support


def test_everyday_verbs_for_report_words():
    from assistant.answer.extractive import in_plain_words
    from assistant.language.vocabulary import question_terms

    for report, asked in [("Monitoring visits commencing on 3 December", "When do monitoring visits start?"),
                          ("The Operational Group meets fortnightly", "How often does the group get together?"),
                          ("parental involvement in needs assessments", "How many parents take part?"),
                          ("repeat contacts within the previous 12 months", "contacts within the past year"),
                          ("a father-inclusive champion", "Who champions dads?"),
                          ("was given approval to proceed to implementation", "Was it let go ahead?"),
                          ("The budget will transfer to the adult directorate", "How much budget is due to move?"),
                          ("young people: 606 males and 319 females", "How many young men are supported?"),
                          ("REACT issued a total of 28005 PCNs", "How many parking tickets did REACT hand out?"),
                          ("The number of daily trips now regularly exceeds 10,000", "How many journeys a day?"),
                          ("the micromobility concession contract", "When does the bike hire contract end?"),
                          ("a revenue funding deficit forecast of £5m", "What shortfall is forecast?"),
                          ("The supplier contract expires on 6th July 2027", "When does the contract run out?")]:
        unasked = set(question_terms(asked)) - in_plain_words(report)
        assert not unasked & {"start", "togeth", "part", "past", "dad", "ahead", "move", "men", "park", "ticket",
                              "journey", "day", "=micromobility", "shortfal", "run"}, (report, unasked)


def test_how_long_asks_for_a_length_of_time_no_answer_repeats():
    """'How long is the post funded for?' is answered by 'two years of funding': 'long' is
    the asking, as in 'how often', not a word the answer must say."""
    from assistant.language.vocabulary import question_terms

    assert "long" not in question_terms("How long is the post funded for?")
    assert "long" in question_terms("What is the long-term plan for the service?")


def test_a_council_file_adds_plain_words_without_code(rutland, council_terms):
    question = "When did Rutland wrap up its review of early help?"
    before = rutland.ask(question)

    council_terms('[plain]\ncomplete = ["wrap", "wrapped"]\n')
    rutland.reload()
    after = rutland.ask(question)
    assert not after.abstained and "February 2024" in after.text, after.text
    assert after.support > before.support  # 'completed' now covers 'wrap up' too


def test_children_placed_by_other_councils_are_asked_about_in_everyday_words(assistant_reading):
    # 'from other councils' is a form of 'placed by other local authorities (OLA)'
    paper = PAPER.replace("1.3 Dental", "1.3 A further 97 children were placed in Rutland by other local "
                                       "authorities (OLA).\n1.4 Dental")
    question = "How many children from other councils have been placed in Rutland?"
    assert "=placed-by-other-authorities" in terms_named(question) & terms_named(paper)
    answer = assistant_reading("rutland-performance-2024-03-12.txt", paper).ask(question)
    assert not answer.abstained and "97" in answer.text, answer.text


def test_a_term_the_question_requires_is_not_answered_by_a_nearby_figure_about_another(rutland):
    # the paper gives care leavers' EET rate (58%), not that of children in care
    answer = rutland.ask("What share of Rutland's children in care are in work or study?")
    assert answer.abstained, answer.text


def test_adults_care_homes_rated_by_the_cqc_are_no_answer_about_childrens_homes(assistant_reading):
    paper = PAPER.replace("1.3 Dental", "1.3 In Quarter 3, 76% of people supported by the council in residential or "
                                       "nursing care were in a home rated Good or Outstanding by the CQC.\n1.4 Dental")
    assert "=residential" not in terms_named("people in residential or nursing care")
    answer = assistant_reading("rutland-performance-2024-03-12.txt", paper).ask(
        "How many of Rutland's children's homes are rated outstanding by Ofsted?")
    assert answer.abstained, answer.text


def test_broader_terms_are_named_with_the_narrower_one():
    assert {"=uasc", "=children-in-care"} <= terms_named("63 unaccompanied asylum-seeking children")
    assert {"=child-protection-plan", "=child-protection"} <= terms_named("subject to a CP plan")
    # 'unaccompanied' alone is how papers and members name them ('unaccompanied care leavers')
    assert "=uasc" in terms_named("This cohort of unaccompanied care leavers, with no status")
    # what a social worker looks after is a caseload; what a council looks after, children in care
    assert {"=caseload"} == terms_named("How many children does a social worker look after on average?")
    assert "=children-in-care" in terms_named("How many children is Kent looking after now?")
    # young people who have left care are care leavers, not children in care
    assert "=care-leavers" in terms_named("How many young people who have left care is Kent supporting?")


def test_services_members_ask_about_by_name_are_terms():
    assert "=foster-carers" in terms_named("How much is the fostering budget forecast to overspend?")
    assert "=youth-services" in terms_named("Review of youth services offer: cease commissioned contracts")
    assert "=higher-education" in terms_named("How many care leavers are at university?")
    assert "=youth-services" not in terms_named("The Kent Youth County Council elections")


def test_members_names_for_placements_hubs_staff_and_forecasts_are_terms():
    assert "=parent-and-child" in terms_named("How much is spent on mother and baby placements?")
    assert "=parent-and-child" in terms_named("Children looked after: Parent and Child — Budget for 2023/24: 186,560")
    assert "=mash" in terms_named("How many enquiries did the safeguarding hub take?")
    assert "=agency-workers" in terms_named("How many temporary social workers were there in June?")
    assert "=forecast" in terms_named("How much is the service expected to overspend?")
    assert "=forecast" in terms_named("Revenue Forecast: £87.7m")
    assert "=forecast" in terms_named("Forecast of Projected Out-Turn (£)")
    assert "=outturn" in terms_named("What did the authority end up spending on transport?")
    # 'projected' stems to 'project': a capital project is no forecast
    assert "=forecast" not in terms_named("How much did the authority spend on capital projects?")


def test_a_treasury_report_s_investments_are_not_budget_growth():
    assert "=budget-growth" not in terms_named("Total investments at 30 September 2024")
    assert "=budget-growth" in terms_named("additional investment in children's services")


def test_a_route_is_no_part_of_what_is_asked():
    from assistant.language.vocabulary import content_terms

    assert "through" not in content_terms("How many enquiries went through the safeguarding hub?")


def test_a_curly_apostrophe_is_an_apostrophe():
    from assistant.language.vocabulary import content_terms

    assert content_terms("Integrated Children’s Services") == content_terms("Integrated Children's Services")


def test_a_school_place_plan_s_figure_glued_to_fe_counts_forms_of_entry():
    from assistant.language.vocabulary import content_terms

    assert {"form", "entri"} <= set(content_terms("A total of 38FE across the Plan period"))
    assert {"form", "entri"} <= set(content_terms("By 2025-26: 2 FE"))
    # 'FE' standing alone is as often further education
    assert "entri" not in content_terms("support for students at FE College")


def test_a_council_file_adds_a_term_without_code(rutland, council_terms):
    question = "How many TAFs were open in Rutland at the end of January 2024?"
    before = rutland.ask(question)
    assert before.abstained or "532" not in before.text  # 'TAF' means nothing to the built-in terms

    council_terms("""
[sources]
rutland = "Rutland County Council, Early Help Strategy 2023-26"

[[term]]
key = "taf"
name = "team around the family"
abbreviations = ["TAF"]
forms = ["family support plan"]
source = "rutland"
""")
    rutland.reload()  # as a restart would: the retriever reads the terms afresh
    after = rutland.ask(question)
    assert not after.abstained and "532" in after.text, after.text
    assert vocabulary().glossary()["TAF"] == "team around the family"


def test_a_council_file_adds_wordings_to_a_built_in_term(rutland, council_terms):
    question = "How many children in Rutland are on the register?"
    council_terms('[[term]]\nkey = "child-protection-plan"\nforms = ["on the register"]\n')
    rutland.reload()
    answer = rutland.ask(question)
    assert not answer.abstained and "245" in answer.text, answer.text


def test_a_council_file_adds_an_exclusion_to_a_built_in_term(council_terms):
    from assistant.language.vocabulary import terms_excluded

    assert terms_excluded("children placed in residential care") == {"=adult-residential"}
    council_terms('[[term]]\nkey = "residential"\nexcludes = ["in-house-fostering"]\n')
    assert terms_excluded("children placed in residential care") == {"=adult-residential", "=in-house-fostering"}


def test_a_term_in_any_wording_is_one_thing_asked_about_in_a_follow_up():
    from assistant.conversation import is_follow_up

    assert is_follow_up("Dental checks?") and is_follow_up("CLA?")  # one term, read with what came before
    assert not is_follow_up("How many children in care had dental checks?")


def test_england_inside_a_name_is_not_the_national_average():
    assert "=national" in terms_named("How does Kent compare with England?")
    assert "=national" in terms_named("above the rest of England")
    assert "=national" not in terms_named("How much did the West of England spend on buses?")
    assert "=national" not in terms_named("Claire Hudson (Church of England Representative)")


def test_children_arriving_alone_from_abroad_are_not_recruited_from_abroad():
    """'From abroad' alone names no international recruitment: children arriving alone from
    abroad are unaccompanied asylum-seeking children; social workers recruited from overseas
    are still internationally recruited."""
    from assistant.language.vocabulary import question_terms

    children = question_terms("From when will Kent need fewer foster beds for children arriving alone from abroad?")
    assert "=uasc" in children and "=international-recruitment" not in children
    assert "=international-recruitment" in question_terms("How many social workers were recruited from overseas?")
