"""Questions in members' words answered from a paper in officers' words, by rules about
the language of children's services rather than about one paper: the period asked stated
in another form, the kind of figure asked, numbers in words, counts against rates, and an
age band that is not the one asked.

The paper is written here; its questions never reuse its wording.
"""

import pytest

from assistant.answer.extractive import rank_quotes
from assistant.language.figures import counts
from assistant.language.periods import period_wording, periods_in, states
from assistant.language.questions import age_bands, kinds_asked, kinds_stated, school_years
from assistant.language.vocabulary import content_terms
from assistant.types import Filters, Hit, Passage, SourceDocument


def best_quote(question: str, *hits: Hit):
    """The quote the answerer ranks first for the question, from these hits alone."""
    return rank_quotes(question, list(hits), {})[0]


def prose_hit(title: str, text: str) -> Hit:
    """One found paragraph of a paper with this title."""
    return Hit(Passage("p", "d", text), SourceDocument("d", "paper.pdf", "hash", title=title), 1.0)


def reranked(retriever, question: str):
    """Every candidate the retriever fuses for the question over all its papers, as its
    question-aware rerank orders them (before duplicates and tables are spread)."""
    embedding = retriever.index.embedder.embed_query(question)
    fused = retriever._fuse(question, embedding, retriever._allowed(Filters()))
    return retriever._rerank(question, embedding, fused, retriever.snapshot.idf(()))


def row_hits(paper: SourceDocument, rows: list[str], caption: str | None = None) -> list[Hit]:
    """One found table row per text, all from the paper."""
    return [Hit(Passage(f"p{i}", paper.doc_id, row, kind="table_row", caption=caption), paper, 1.0)
            for i, row in enumerate(rows)]

PAPER = """Rutland County Council
Report to the Children's Services Scrutiny Committee
Date of meeting: 14 March 2024
Children's Social Care Performance Report – Quarter 3 2023/24

1. Workforce
Indicator\tQ1 2023/24\tQ2 2023/24\tQ3 2023/24\tTarget
Percentage of social workers with more than 20 children allocated\t22%\t18%\t15%\t10%
Number of unregistered placements – Under 16\t4\t6\t9\t0
Number of unregistered placements – Age 16+\t11\t12\t14\t0

2. Children in care
2.1 There were 23 children admitted into care during December 2023.
2.2 At the end of December 2023 there were 398 children looked after by the council.
2.3 Of children looked after, 61% had an up-to-date care plan in December 2023.
2.4 In December 2023, 81% of assessments were completed within 45 working days.
2.5 There were 288 assessments completed across children's social care in December 2023.

3. Care leavers
3.1 In December 2023, 59% of care leavers aged 19 to 21 were in education, employment or training.
"""


@pytest.fixture
def rutland(assistant_reading):
    return assistant_reading("rutland-performance-q3-2024-03-14.txt", PAPER)


@pytest.mark.parametrize(
    "question, figure, not_figure",
    [
        # 'the end of 2023' is Q3 2023/24; 'what proportion' is answered by a percentage;
        # 'twenty' is 20
        ("What proportion of Rutland's social workers have more than twenty children, at the end of 2023?", "15%", None),
        # under-16s are the 'Under 16' row, not the 'Age 16+' one
        ("How many under-16s in Rutland were in unregistered placements in Q3 2023/24?", "9", "14"),
        # 'came into care' is an admission to care, and a count is not the stock of children in care
        ("How many children came into care in Rutland in December 2023?", "23", None),
        # 'how many' is answered by a count, not by a percentage of them or a number of days
        ("How many assessments were completed in Rutland in December 2023?", "288", "81%"),
        ("How many looked-after kids did Rutland have at the end of 2023?", "398", "61%"),
    ],
)
def test_members_words_find_the_figure(rutland, question, figure, not_figure):
    answer = rutland.ask(question)
    assert not answer.abstained, question
    assert figure in answer.text, (question, answer.text)
    assert not_figure is None or not_figure not in answer.text, (question, answer.text)


def test_another_age_band_is_no_answer(rutland):
    # the paper gives care leavers aged 19 to 21, not those aged 17 to 18
    answer = rutland.ask("What share of Rutland's care leavers aged 17 to 18 are in work or study?")
    assert answer.abstained, answer.text


def test_period_wording_and_what_states_it():
    asked = periods_in("at the end of 2023")
    assert period_wording("How many at the end of 2023?") == "end of 2023"
    assert states(asked, periods_in("Q3 2023/24"))  # a quarter within it
    assert states(periods_in("December 2023"), periods_in("Q3 2023/24"))  # a quarter overlapping a month
    assert not states(periods_in("February 2019"), periods_in("2019"))  # a year's figure is not February's
    assert not states(asked, periods_in("Q1 2023/24"))


def test_counts_are_not_shares_money_days_or_years():
    text = "In October 2023, 23.2% of 312 assessments took 20 working days and cost £7.2M in 2023"
    assert [f.text for f in counts(text)] == ["312"]
    assert counts("Care Leavers Service — Working Budget: 4.1; Forecast £m: 3.9; Variance: -0.2") == []


def test_age_bands_as_written():
    assert age_bands("care leavers aged 17 to 18") == {(17, 18)}
    assert age_bands("59.4% of care leavers aged 19-21") == {(19, 21)}
    assert age_bands("How many under-16s") == age_bands("placements – Under 16") == {(0, 15)}
    assert age_bands("placements – Age 16+") == {(16, 25)}
    assert age_bands("Q4 22-23: 9; within 5-10 working days; 20+ cases") == set()
    assert age_bands("How many children under five are in care?") == {(0, 4)}
    assert age_bands("Status: 0 to 4 (Age Group) — Dec-24: 247") == {(0, 4)}
    assert age_bands("4,637 children and young people under the age of 18") == {(0, 17)}


def test_years_of_school_as_written():
    assert school_years("up to 120 temporary Year R places") == school_years("Reception places") == {"R"}
    assert school_years("810 temporary Year 7 places") == {"7"}
    assert school_years("this year 7 children were adopted") == set()  # a year of school is capitalised


def test_kinds_of_figure_asked_and_stated():
    assert kinds_asked("How much did the council spend on secure accommodation?") == {"money"}
    assert kinds_asked("By how much has spend on agency staff risen?") == set()  # a percentage answers it
    # however many words (a possessive among them) stand between 'how much' and the spending
    assert kinds_asked("How much did Bristol's Transport and Connectivity Committee approve to spend on it?") == {"money"}
    assert kinds_asked("What did the council spend on the transitions service in 2023-24?") == {"money"}
    assert kinds_asked("What are we spending on agency staff?") == {"money"}
    assert "rate" in kinds_asked("What is the staff turnover rate?")
    assert "rate" not in kinds_stated("7 FTE leavers per month")
    assert "rate" in kinds_stated("Rate of children in care per 10,000: 56.03")
    assert "money" in kinds_stated("Residential placements — Forecast Spend @ P8: 4,023,394")


def test_number_words_are_numbers():
    assert "20" in content_terms("more than twenty children")


def test_how_often_is_asked_not_what_about():
    # 'each month' asks per month: the quote says 'per month', a stop word like 'each'
    assert content_terms("leavers each month", expand=False) == content_terms("leavers per month", expand=False)
    # 'leaving' is how members say what a report counts as 'leavers'
    from assistant.language.vocabulary import vocabulary
    assert set(content_terms("leaving", expand=False)) <= vocabulary().in_plain_words(set(content_terms("leavers")))
    # 'more or less often than before' asks for a KPI's previous figure
    assert set(content_terms("before", expand=False)) <= vocabulary().in_plain_words(set(content_terms("Previous: 23.4%")))


WESSEX = """Wessex County Council
Report to the Children's Services Scrutiny Committee
Date of meeting: 12 February 2025
Children's Services Budget Monitoring and Performance – Quarter 3 2024/25

1. Budget
Key Service\tWorking Budget\tForecast £m\tVariance
Looked After Children - Care & Support\t88.2\t91.5\t3.3
Care Leavers Service\t4.1\t3.9\t-0.2

2. Fostering
2.1 Members were asked to help the foster carers' Christmas appeal reach its target of £12,000.
2.2 The percentage of children in care placed with in-house foster carers has remained below the floor standard of 75.0%. Performance for this measure was 73.2% in December 2024, down from 74.1% in September.

3. Youth justice
Indicator\tRAG\tLatest\tTarget\tFloor\tPrevious
Rate of first-time entrants to the youth justice system per 100,000\tGREEN\t175\t180\t240\t190
Number of foster households\tRED\t613\t700\t650\t612

4. Youth offending
4.1 First-time entrants to the youth justice system remained below the target of 180, at 175 per 100,000 young people.
"""


@pytest.mark.parametrize("question", [
    # a budget row of the children-in-care service counts pounds, not children
    "How many children are in care in Wessex?",
    # what an appeal aims to raise says nothing of what it has raised
    "How much has the foster carers' Christmas appeal raised so far?",
])
def test_a_figure_of_another_kind_is_no_answer(assistant_reading, question):
    wessex = assistant_reading("wessex-budget-and-performance-q3-2025-02-12.txt", WESSEX)
    answer = wessex.ask(question)
    assert answer.abstained, (question, answer.text)


def test_a_floor_standard_is_neither_the_target_nor_the_latest(assistant_reading):
    wessex = assistant_reading("wessex-budget-and-performance-q3-2025-02-12.txt", WESSEX)
    answer = wessex.ask("What is the floor standard for first-time entrants to the youth justice system?")
    assert not answer.abstained and "240" in answer.text, answer.text


def test_the_number_of_something_is_a_count_not_a_share(assistant_reading):
    # '…below the floor standard of 75.0%' is a floor, but of a percentage
    wessex = assistant_reading("wessex-budget-and-performance-q3-2025-02-12.txt", WESSEX)
    answer = wessex.ask("What is the floor standard for the number of foster households?")
    assert not answer.abstained and "650" in answer.text, answer.text


def test_the_previous_figure_is_the_one_before_the_latest(assistant_reading):
    wessex = assistant_reading("wessex-budget-and-performance-q3-2025-02-12.txt", WESSEX)
    answer = wessex.ask("What was the previous figure for first-time entrants to the youth justice system?")
    assert not answer.abstained and "190" in answer.text, answer.text


def test_the_previous_quarter_s_figure_is_not_the_latest():
    # the paper's sentence gives the latest quarter; the KPI card gives the one before too

    paper = SourceDocument("d", "performance.pdf", "hash", title="Quarterly Performance Report, Quarter 3 2024/25")
    sentence = Passage("p1", "d", "The percentage of care leavers in education, employment or training, "
                       "at 53.6%, remained below the target of 65.0%.", heading="Care leavers")
    card = Passage("p2", "d", "Percentage of care leavers in education, employment or training — RAG: RED; "
                   "Latest: 53.6%; Target: 65.0%; Floor: 55.0%; Previous: 54.3%", kind="table_row")
    hits = [Hit(sentence, paper, 1.0), Hit(card, paper, 0.95)]
    previous = best_quote("What was the previous quarter's percentage of care leavers in education, "
                          "employment or training?", *hits)
    latest = best_quote("What is the percentage of care leavers in education, employment or training?", *hits)
    assert "54.3%" in previous.text and previous.support >= 0.55, previous
    assert latest.text.startswith("The percentage"), latest


def test_beds_or_places_are_no_count_of_children():

    paper = SourceDocument("d", "performance.pdf", "hash", title="Quarterly Performance Report")
    beds = Passage("p1", "d", "In December 2024, 12 in house beds were released from the UASC scheme.")
    row = Passage("p2", "d", "Status: UASC — Sep-24: 555; Dec-24: 475", kind="table_row",
                  caption="Children in care by status")
    hits = [Hit(beds, paper, 1.0), Hit(row, paper, 1.0)]
    children = best_quote("How many UASC children were in care in December 2024?", *hits)
    released = best_quote("How many UASC beds were released in December 2024?", *hits)
    assert "475" in children.text, children
    assert "12 in house beds" in released.text, released


def test_a_budget_row_s_signed_variance_is_an_overspend_or_an_underspend():

    paper = SourceDocument("d", "finance.pdf", "hash", title="Revenue budget monitoring")
    row = ("Key Service: Home to School & College Transport — Revenue Budget: £96.3m; "
           "Revenue Forecast: £87.7m; Revenue Variance: -£8.6m")
    hit = Hit(Passage("p", "d", row, kind="table_row", caption="Significant variances"), paper, 1.0)

    under = best_quote("How far under budget is home to school transport expected to come in?", hit)
    assert under.support >= 0.55, under


def test_a_paragraph_continues_the_subject_of_those_just_before_it_under_its_heading():

    paper = SourceDocument("d", "performance.txt", "hash", title="Children's Social Care Performance Report")

    def paragraph(order: int, text: str) -> Passage:
        return Passage(f"p{order}", "d", text, heading="Performance and Compliance", order=order)

    subject = paragraph(41, "3.23 School attendance for children in care is measured from the start of the year.")
    suspensions = paragraph(43, "3.25 To date, 19 young people have received a suspension from school.")
    question = "How many children in care have been temporarily excluded from school?"
    (alone,) = rank_quotes(question, [Hit(suspensions, paper, 1.0)], {})
    assert alone.support < 0.55, alone  # who the 19 are is said two paragraphs back
    best = best_quote(question, Hit(suspensions, paper, 1.0), Hit(subject, paper, 0.9))
    assert "19 young people" in best.text and best.support >= 0.55, best


def test_a_list_item_of_several_sentences_is_quoted_sentence_by_sentence():
    # minutes set out what an officer said as lettered items, each a paragraph
    from assistant.answer.units import quotable

    item = ("c. There were 21 activity days run throughout the summer, with 408 places booked. The annual "
            "picnic was a family day alongside an 18+ Care Leaver Event.")
    passage = Passage("p", "d", f"She highlighted a few key areas:\n- {item}")
    texts = quotable(passage)
    assert item in texts
    assert "There were 21 activity days run throughout the summer, with 408 places booked." in texts
    assert "c." not in texts


def test_a_committee_is_nobody_s_name():
    from assistant.language.questions import names_person

    assert names_person("a call-in made by Mrs Jackie Meade and Mr Barry Lewis")
    assert names_person("Councillors: Ed Plowden (Chair), Graham Morris (Vice-Chair)")
    assert not names_person("At the Scrutiny Committee held on 29th January 2025, Members considered the call-in.")
    assert not names_person("The Chair asked the Committee members to introduce themselves.")


def test_a_volumes_table_counts_children_not_pounds():

    paper = SourceDocument("d", "finance.txt", "hash", title="Children's Services Finance Report")
    row = "Children looked after: Parent and Child — Average 2022/23: 0.45; Budget for 2023/24: 0.45; Forecast @ P8: 1.83"

    def support(caption: str) -> float:
        hit = Hit(Passage("p", "d", row, kind="table_row", caption=caption), paper, 1.0)
        return best_quote("How much was spent on parent and child placements in 2022/23?", hit).support

    assert support("Table 4 – Childrens Placements Volume Activity By Month For 2023/24") < 0.55
    assert support("Table 5 – Childrens Placements Cost Forecast By Month For 2023/24") >= 0.55


def test_a_standard_is_not_how_a_service_is_doing(assistant_reading):
    wessex = assistant_reading("wessex-budget-and-performance-q3-2025-02-12.txt", WESSEX)
    for question in ("Is Wessex placing enough children in care with its own foster carers?",
                     "How is Wessex getting on with placing children in care with its own foster carers?"):
        answer = wessex.ask(question)
        assert not answer.abstained and "73.2%" in answer.text, (question, answer.text)


MERCIA = """Mercia County Council
Report to Cabinet
Date of meeting: 30 January 2025
Transfer of the 18-25 Transitions Service and Reconsideration of Decision 24/00093

1. Transfer
1.1 The budget for the statutory functions delivered by the 18-25 section of the Transitions Service will transfer from the Children's Directorate to the Adults Directorate. The budget to be transferred will include the 25-26 budget for 18-25 services, including budgets for both placement costs and related staffing budgets. The indicative total budget to be transferred will be approximately £43m, comprising £41m for package costs and £2m for staffing.
1.2 Last month, we delivered 88% of EHCPs within 20 weeks, against a national average of 50%.

2. Family hubs
2.1 Members sought further information about what the Year 4 family hub funding from central government could be used for (decision 24/00093).
2.2 In 2023, the council created a parent inclusion coordinator role with its safeguarding partnership.
"""


@pytest.fixture
def mercia(assistant_reading):
    return assistant_reading("mercia-cabinet-2025-01-30.txt", MERCIA)


def test_numbers_that_name_are_no_answer_to_how_much(mercia):
    # 'Year 4' names the funding, '24/00093' the decision, '2023' when a role was created
    answer = mercia.ask("How much Year 4 family hub funding will Mercia get from government?")
    assert answer.abstained, answer.text


def test_the_ages_a_service_is_for_are_not_its_budget(mercia):
    answer = mercia.ask("How much of the Transitions Service budget being transferred is for staffing?")
    assert not answer.abstained and "£2m" in answer.text, answer.text


def test_an_ehc_plan_on_time_is_one_issued_within_20_weeks(mercia):
    answer = mercia.ask("What share of EHC plans is Mercia getting out on time?")
    assert not answer.abstained and "88%" in answer.text, answer.text


PLACES = """Mercia County Council
Report to Cabinet
Date of meeting: 30 January 2025
Commissioning Plan for Education Provision 2025-29

1. Primary
1.1 A total of 44.9FE across the Plan period and up to 120 temporary Year R places.

2. Secondary
2.1 A total of 38FE across the Plan period and up to 810 temporary Year 7 places across the county and its secondary schools.
"""


def test_a_year_of_school_is_not_another(assistant_reading):
    mercia = assistant_reading("mercia-commissioning-plan-2025-01-30.txt", PLACES)
    answer = mercia.ask("How many temporary Year R places are planned across the county?")
    assert not answer.abstained and "120" in answer.text, answer.text


def test_figures_that_name_rather_than_measure():
    from assistant.language.figures import has_figure

    question = "How much funding will the council get?"
    assert not has_figure("Reconsideration of Decision 24/00093 (Item 7)", question)
    assert not has_figure("receive the current briefing on Life Story Work (3.4 & Appendix A)", question)
    assert not has_figure("the 18-25 section of the service and its 18-65 services", question)
    assert not has_figure("Young adults within the Care Leaving Service (18+ services).", question)
    assert not has_figure("what the Year 4 family hub funding could be used for", question)
    assert not has_figure("In 2023, the council created a coordinator role", question)
    assert not has_figure("care leavers with no status cannot work when they reach the age of 18", question)
    assert not has_figure("whether the family hub funding could be used for 0- 25years, not only early years", question)
    assert not has_figure("Most children placed for adoption were between 0 to 2 years of age", question)
    assert not has_figure("support from age 18 up until the young adult's 22nd birthday", question)
    assert not has_figure("children with autism who, upon turning 18, may be eligible", question)
    assert not has_figure("3) Any young adults with status. 4) For support to be provided", question)  # list items
    assert not has_figure("https://www.gov.uk/government/publications/send-19-to-25-year-olds-entitlement", question)
    assert has_figure("It was agreed. 12 children were seen", question)
    assert not has_figure("Outcome 22 was available to all children who met the criteria", question)
    assert has_figure("In 2023, the council created a coordinator role", "When was the role created?")
    assert not has_figure("the 25-26 budget was agreed", question)
    assert not has_figure("the grant funding in 2025-26 has been confirmed", question)  # a year, not 26 of anything
    assert not has_figure("one celebration for pre-16 and one for post-16", question)  # ages that name groups
    assert has_figure("this year 450 children were seen", question)  # 'year' in lower case counts
    assert has_figure("2FE / 150 Year 7 places", question)  # 150 places, of Year 7
    assert has_figure("leavers fell to 1-2 FTE per month", question)
    assert kinds_asked("How much of the budget being transferred is for staffing?") == {"money"}
    assert kinds_asked("How much Year 4 family hub funding will the council get?") == {"money"}


def test_whose_word_is_asked_for_is_not_what_a_quote_must_say(mercia):
    from assistant.language.vocabulary import question_terms

    assert question_terms("What share of EHC plans is on time, according to the Cabinet Member?") == \
        question_terms("What share of EHC plans is on time?")
    answer = mercia.ask("What share of EHC plans is Mercia getting out on time, according to the Cabinet Member?")
    assert not answer.abstained and "88%" in answer.text, answer.text


def test_children_a_council_is_looking_after_are_children_in_care():
    from assistant.language.vocabulary import question_terms

    # one term, which 'in care' covers, rather than two words no answer repeats
    terms = question_terms("How many lone asylum-seeking children is Mercia looking after?")
    assert "=children-in-care" in terms and "look" not in terms, terms


LINDSEY = """Lindsey County Council
Report to the Children's Services Overview and Scrutiny Committee
Date of meeting: 15 January 2025
Children's Social Care Performance – November 2024

3. Performance
3.1 The percentage of decisions made on contacts and referrals in one working day in November was 58% against the target of 80%. This is an improvement on October (54%). The outcome within 2 working days rises to 79% and within 3 working days to 90%.
3.2 For children in care, there were 21 missing episodes in November involving 11 children.
3.3 The Adolescent Safety Service works with young people experiencing extra-familial harm. There will be an official launch of this service in January.
3.4 Primary attendance of children in care was 95.2%. Secondary attendance was 87.9% for the autumn term.

4. Finance
4.1 An underspend of £0.3M is anticipated against the investment in the Early Help team due to delays in recruitment to family support worker posts.
4.2 The £0.4M variance forecast covers Business Support; Business Intelligence; and Human Resources.

5. Indicators
Indicator\tQ1 2024/25\tQ2 2024/25\tQ3 2024/25\tTarget
Percentage of assessments leading to closure\t41%\t44%\t47%\tN/A
Number of MASH enquiries\t402\t388\t371\tN/A
"""


@pytest.fixture
def lindsey(assistant_reading):
    return assistant_reading("lindsey-performance-2025-01-15.txt", LINDSEY)


@pytest.mark.parametrize(
    "question, figure",
    [
        # 'teenagers harmed outside the family' is extra-familial harm; a month answers 'when'
        ("When does Lindsey's new service for teenagers harmed outside the family launch?", "January"),
        # 'going unspent' is an underspend, 'money' the investment, 'posts weren't filled' recruitment
        ("How much of Lindsey's early help money is going unspent because posts weren't filled?", "£0.3M"),
        # 'BI' and 'HR' are the capitalised names they abbreviate
        ("What variance is forecast for BI and HR in Lindsey?", "£0.4M"),
        # 'secondary-age' is secondary
        ("How well are secondary-age children in care in Lindsey attending school?", "87.9%"),
    ],
)
def test_everyday_wording_of_a_paper_in_officers_words(lindsey, question, figure):
    answer = lindsey.ask(question)
    assert not answer.abstained and figure in answer.text, (question, answer.text)


def test_another_timescale_is_no_answer(lindsey):
    # decisions 'in one working day' are not those 'within two working days'
    answer = lindsey.ask("What share of Lindsey's decisions on contacts were made within two working days in November?")
    assert "58%" not in answer.text, answer.text


def test_another_month_is_no_answer(lindsey):
    answer = lindsey.ask("How many times did children in care in Lindsey go missing in October?")
    assert answer.abstained, answer.text


def test_time_as_members_say_it():
    from assistant.answer.asked import _initials
    from assistant.language.figures import has_figure
    from assistant.language.periods import bare_months, months_named, timescales

    assert timescales("within two working days, 72 hours or a year") == {(2, "day"), (3, "day"), (12, "month")}
    assert timescales("four weeks") == {(20, "day"), (28, "day")}
    assert timescales("it would take a full year of tracking") == {(12, "month")}
    assert bare_months("How many went missing in September?") == {9}
    assert bare_months("How many went missing in September 2024?") == set()  # a dated month is a period
    assert bare_months("The council may decide") == set()
    assert months_named("18 episodes in October; since April 2023") == {10, 4}
    assert "q1" in content_terms("in the first quarter") and "q3" in content_terms("quarter three")
    assert [f.text for f in counts("Q4 22-23: 1,953")] == ["1,953"]  # '22-23' names the column's year
    assert [f.text for f in counts("Target 23-24: 7.6%; Q4 22-23: 26%")] == []
    assert has_figure("There will be an official launch of this service in October.", "When does it launch?")
    # a length of time in words answers 'how long' ('two years of funding'), not 'how many'
    assert has_figure("The role included two years of funding.", "How long is the post funded for?")
    assert not has_figure("The role included two years of funding.", "How many posts are funded?")
    assert not has_figure("It is funded for two years.", "How long is it funded for, two years?")
    assert {"HR", "BI"} <= _initials("Business Intelligence; and Human Resources")
    assert {"secondari", "age"} <= set(content_terms("secondary-age children"))


def test_the_timescale_asked_is_not_the_answer():
    from assistant.language.figures import has_figure

    question = "What share of return home interviews were done within three days?"
    assert not has_figure("- Percentage of return home interviews completed within 72 hours", question)
    assert has_figure("Return home interviews completed within 72 hours: 58%", question)
    assert has_figure("Interviews took 72 hours on average", "How long do return home interviews take?")
    # 'on time' asks how many or what share met a timescale: a length of time is no answer
    on_time = "Are EHC plans being finished on time?"
    assert not has_figure("Annual EHCP reviews waiting over 12 months is ahead of target.", on_time)
    assert has_figure("34% of EHCPs were issued within 20 weeks.", on_time)


def test_care_leavers_are_not_children_in_care_whatever_the_heading(assistant_reading):
    from assistant.language.vocabulary import terms_excluded

    assert terms_excluded("Of the 2,016 care leavers, 1,036 were non-UASC") == {"=children-in-care"}
    assert terms_excluded("children in care and care leavers") == set()  # names both
    assert terms_excluded("placed with independent fostering agencies") == {"=in-house-fostering"}
    kesteven = assistant_reading("kesteven-performance-2025-02-10.txt", """Kesteven County Council
Report to the Children's Services Scrutiny Committee
Date of meeting: 10 February 2025
Quarterly Performance Report – Quarter 3 2024/25

2. Children in Care
2.1 The number of care leavers at the end of December 2024 was 2,016, an increase of 3 from the previous quarter.
""")
    answer = kesteven.ask("How many children were in care in Kesteven at the end of December 2024?")
    assert answer.abstained, answer.text


def test_a_row_says_what_its_columns_are_when_they_name_its_figures():
    from assistant.answer.units import units

    def own_words(text):
        passage = Passage("p", "d", text, kind="table_row", caption="Progress against the plan")
        (unit,) = units(Hit(passage, SourceDocument("d", "plan.txt", "hash", title="Improvement Plan Update"), 1.0))
        return unit.own_scope

    # a KPI row's fields say which figure is which
    assert "Floor" in own_words("Number of foster households — RAG: RED; Latest: 613; Target: 700; Floor: 650")
    # a row that is a period has measures for columns
    assert "Major concern" in own_words("Date Period: 01 June – 30 June 23 — Completed: 65; Major concern: 7")
    # a finance table's columns are every row's, and say nothing of this one
    assert "Revenue Forecast" not in own_words("Key Service: Home to School Transport — Revenue Budget: £96.3m; Revenue Forecast: £87.7m")


FAMILY_HUBS = """Rutland County Council
Report to the Children's Services Scrutiny Committee
Date of meeting: 4 March 2025
Family Hubs: annual report

1. Usage
1.1 1,200 families used the Brambles family hub in 2024, up from 950 in 2023.
1.2 The hubs ran 340 parenting sessions in 2024.

2. Buildings
2.1 Repairs to the Brambles roof cost £40,000.

3. Services
3.1 Health visitors ran weekly baby clinics at every hub.
3.2 The infant feeding service supported 410 new parents.
3.3 Speech and language drop-ins were added in September.
3.4 Youth workers ran evening sessions twice a week.
3.5 The hubs' volunteers gave 2,300 hours in the year.
3.6 A new digital offer reached parents who cannot travel.
3.7 Perinatal mental health support began in October.
3.8 Parents rated the hubs 4.6 out of 5 on average.
"""

CALL_IN = """Rutland County Council
Scrutiny Committee
Date of meeting: 18 March 2025
Call-in of the decision on the Oakfield family hub

1. The Committee considered the call-in of the decision to close the Oakfield family hub.
2. Members asked for the savings from closing it to be set out.
"""


def test_a_quote_from_a_paper_naming_none_of_the_places_asked_about_does_not_answer(make_assistant, tmp_path):
    # the annual report counts the Brambles hub's families; only the call-in names Oakfield
    for name, text in {"family-hubs-report.txt": FAMILY_HUBS, "oakfield-call-in.txt": CALL_IN}.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    rutland = make_assistant()
    rutland.ingest([tmp_path / "family-hubs-report.txt", tmp_path / "oakfield-call-in.txt"])
    answer = rutland.ask("How many families used the Oakfield family hub in 2024?")
    assert answer.abstained, answer.text
    answer = rutland.ask("How many families used the Brambles family hub in 2024?")
    assert not answer.abstained and "1,200" in answer.text, answer.text


def test_a_budget_row_answers_whether_a_service_is_overspent():
    # a budget table states an overspend as a signed variance and never by name

    row = ("Key Service: Looked After Children – Care & Support — Revenue Budget: £101.8m; "
           "Revenue Forecast: £102.5m; Revenue Variance: +£0.7m")
    passage = Passage("p", "d", row, kind="table_row", caption="Children, Young People & Education (£m)")
    hit = Hit(passage, SourceDocument("d", "finance.pdf", "hash", title="Revenue budget monitoring"), 1.0)
    for question in ("Is the budget for looked after children's care and support overspent?",
                     "Is looked after children's care and support under budget?"):
        (best,) = rank_quotes(question, [hit], {})
        assert best.support >= 0.55, (question, best.support)


def test_girls_and_boys_are_a_table_s_female_and_male_rows():
    from assistant.language.vocabulary import in_plain_words

    assert "girl" in in_plain_words("Status: Female (Gender) — Dec-23: 666; Mar-24: 664")
    assert "boy" in in_plain_words("Status: Male (Gender) — Dec-23: 1,329")


def test_a_treasury_table_s_rate_of_a_loan_is_its_interest_rate():

    paper = SourceDocument("d", "treasury.pdf", "hash", title="Treasury Management Mid-Year Update 2024-25")
    question = "What average interest rate was paid on PWLB loans at 30 September 2024?"

    def support(text: str) -> float:
        passage = Passage("p", "d", text, kind="table_row", caption="The Council's borrowing activity")
        return best_quote(question, Hit(passage, paper, 1.0)).support

    assert support("PWLB Loan — Balance 30/09/2024 (£m): £432.4m; Average Rate 30/09/2024 (%): 4.33") >= 0.55
    # a rate of anything else is no interest rate
    assert support("Re-referrals — 30/09/2024: 21.0%; Average Rate 30/09/2024 (%): 4.33") < 0.55


def test_minutes_name_their_chair_for_the_committee_they_are_the_minutes_of():
    # the minutes' title names no committee; the paper's committee is in its metadata

    minutes = SourceDocument("d", "minutes.pdf", "hash", title="Minutes of the meeting of 12 September 2024",
                             committee="Transport and Connectivity Policy Committee", kind="minutes")
    present = Passage("p1", "d", "Councillors: Ed Plowden (Chair), Graham Morris (Vice-Chair), Donald Alexander",
                      heading="Members Present:-")
    opening = Passage("p2", "d", "The Chair asked the Committee members to introduce themselves.",
                      heading="Welcome and Safety Information")
    hits = [Hit(opening, minutes, 0.9), Hit(present, minutes, 1.0)]
    best = best_quote("Who chairs the Transport and Connectivity Policy Committee?", *hits)
    assert "Ed Plowden" in best.text and best.support >= 0.55, best
    # a report's title says what it is about: its committee's name does not frame its lines
    from assistant.answer.units import units

    report = SourceDocument("r", "report.pdf", "hash", title="Supported living costs",
                            committee="Children and Young People's Services Panel", kind="report")
    assert "Panel" not in units(Hit(present, report, 1.0))[0].context
    assert "Committee" in units(hits[1])[0].context


def test_a_savings_tracker_row_answers_about_savings_not_spending():

    paper = SourceDocument("d", "finance.pdf", "hash", title="Revenue budget monitoring")
    row = ("Saving: Review of open access services in light of implementing the Family Hub model — "
           "2024-25 Savings Target: -400.0; Total Forecast: -£400.0k")
    hit = Hit(Passage("p", "d", row, kind="table_row", caption="Savings delivery"), paper, 1.0)
    spent = best_quote("How much family hub funding will the council spend in 2024-25?", hit)
    saved = best_quote("How much is the council saving from the family hub model in 2024-25?", hit)
    assert spent.support < 0.55 <= saved.support, (spent.support, saved.support)


def test_a_budget_line_is_no_answer_about_another_service_s_budget():
    # 'the fostering budget' names the fostering service; the schools' overspend covers the rest

    idf = {"foster": 5.4, "budget": 1.8, "forecast": 1.9, "=overspend": 4.8, "school": 2.5, "deleg": 3.9,
           "=foster-carers": 5.0, "youth": 5.0, "=youth-services": 5.0}
    paper = SourceDocument("d", "finance.pdf", "hash", title="Revenue budget monitoring")

    def best_support(question: str, text: str) -> float:
        hit = Hit(Passage("p", "d", text, kind="paragraph"), paper, 1.0)
        return rank_quotes(question, [hit], idf)[0].support

    schools = "Schools' Delegated Budgets are forecasting a £30.4m overspend."
    for question, service in [("How much is the fostering budget forecast to overspend?", "fostering"),
                              ("What is the forecast overspend on the youth services budget?", "youth service")]:
        assert best_support(question, schools) < 0.55, question
        assert best_support(question, f"The {service} budget is forecasting a £2.1m overspend.") >= 0.55, question


def test_unaccompanied_children_in_care_are_not_unaccompanied_care_leavers():

    paper = SourceDocument("d", "performance.pdf", "hash", title="Quarterly Performance Report",
                           council="Kent County Council")
    leavers = Passage("p1", "d", "The number of care leavers at the end of December 2024 was 2,016. Of the 2,016 care "
                      "leavers, 1,036 (51.4%) were non-UASC care leavers and 980 (48.6%) were UASC.", heading="Care Leavers")
    in_care = Passage("p2", "d", "Status: UASC — Sep-24: 555; Dec-24: 475", kind="table_row",
                      caption="Children in care by status")
    hits = [Hit(leavers, paper, 1.0), Hit(in_care, paper, 0.9)]
    best = best_quote("How many unaccompanied asylum-seeking children were in Kent's care in December 2024?", *hits)
    assert "475" in best.text, best


def test_a_rate_is_no_sum_of_money():
    # a budget row whose summary is 'Vacancies' gives pounds, not a vacancy rate

    paper = SourceDocument("d", "finance.pdf", "hash", title="Revenue budget monitoring")
    row = ("Key Service: Children's Social Work Services — Revenue Budget: £52.1m; Revenue Forecast: £50.9m; "
           "Revenue Variance: -£1.2m; Summary: Vacancies")
    hit = Hit(Passage("p", "d", row, kind="table_row"), paper, 1.0)
    best = best_quote("What is the vacancy rate for children's social workers?", hit)
    assert best.support < 0.55, best


def test_a_row_narrowed_to_a_group_in_brackets_answers_only_for_that_group():
    paper = SourceDocument("d", "finance.pdf", "hash", title="Revenue budget monitoring")
    rows = ["Key Service: Looked After Children (with Disability) - Care & Support — Revenue Budget: £22.5m; "
            "Revenue Forecast: £27.1m; Revenue Variance: +£4.5m",
            "Key Service: Looked After Children - Care & Support — Revenue Budget: £101.8m; "
            "Revenue Forecast: £102.5m; Revenue Variance: +£0.7m"]
    hits = row_hits(paper, rows, caption="Significant variances")

    assert "+£0.7m" in best_quote("Is the care and support budget for looked after children overspent?", *hits).text
    assert "+£4.5m" in best_quote("Is the care and support budget for disabled looked after children overspent?",
                                  *hits).text


def test_a_group_closing_a_row_s_name_is_whose_the_row_is_so_the_group_s_own_row_is_its_total():
    paper = SourceDocument("d", "appendix.pdf", "hash", title="Key Service Statement")
    rows = ["Directorate, Division & Key Service: Family Hubs (Integrated Children's Services "
            "(Operations and County Wide)) — Working Budget: £8.4m; Forecast £m: £7.2m; Variance: -£1.2m",
            "Directorate, Division & Key Service: Integrated Children's Services(Operations and County Wide) Total "
            "— Working Budget: £300.8m; Forecast £m: £295.5m; Variance: -£5.3m"]
    hits = row_hits(paper, rows)

    asked = "What is the forecast variance for Integrated Children's Services (Operations and County Wide)?"
    assert "-£5.3m" in best_quote(asked, *hits).text
    assert "-£1.2m" in best_quote("What is the forecast variance for Family Hubs?", *hits).text


def test_what_a_budget_assumed_is_not_what_happened():
    paper = SourceDocument("d", "outturn.pdf", "hash", title="Budget Outturn 2025/26")
    hit = Hit(Passage("p", "d", "Skills bootcamp income reduced by £6.9m. The Skills Bootcamps budget assumed "
                      "that 100% of learners would complete training, whereas the outturn reflects lower actual "
                      "learner take-up and completion."), paper, 1.0)

    assert best_quote("How many learners finished a Skills Bootcamp in 2025/26?", hit).support < 0.55


def test_a_difference_between_two_costs_is_neither_cost():
    paper = SourceDocument("d", "sufficiency.pdf", "hash", title="Placement sufficiency")
    hit = Hit(Passage("p", "d", "Solo placements cost £3k-£4k per week more than a shared placement."), paper, 1.0)

    assert best_quote("What does a solo placement cost per week?", hit).support < 0.55
    assert best_quote("How much more does a solo placement cost each week?", hit).support >= 0.55


def test_a_year_s_spending_is_not_a_weekly_cost():
    paper = SourceDocument("d", "finance.pdf", "hash", title="Placement costs")
    rows = ["Placement costs by type: Residential — 2022/23 (£'000): £2,890k; 2023/24 forecast (£'000): £7,941k"]
    hits = row_hits(paper, rows)

    assert best_quote("What does a children's home placement cost per week?", *hits).support < 0.55
    assert best_quote("How much was spent on children's home placements in 2022/23?", *hits).support >= 0.55


def test_members_words_for_officers_terms():
    paper = SourceDocument("d", "kpi.pdf", "hash", title="Performance monitor")
    isro, stability, inflation = row_hits(paper, [
        "Percentage of ISROs with more than 50 children allocated — Q3: 12%; Target: 0%",
        "Long term placement stability (a child in care 2.5 years in the same placement for 2 years) — Q3: 71%",
        "Placements budget growth: +£0.6m for price inflation on placement costs"])

    # an independent safeguarding and reviewing officer is a kind of independent reviewing officer
    assert best_quote("What share of independent reviewing officers have over 50 children?", isro).support >= 0.55
    assert best_quote("What share of children in care a long time stay in the same home?", stability).support >= 0.55
    assert best_quote("How much is put aside for rising placement prices?", inflation).support >= 0.55


def test_a_row_s_commentary_does_not_date_its_figures():
    # the row's figures are this year's monitoring; its 'Detail:' mentions next year's grant
    paper = SourceDocument("d", "finance.pdf", "hash", title="Finance Monitoring Report November 2024-25")
    rows = ["Key Service: Children in Care – Care & Support — Revenue Budget: £101.8m; Revenue Forecast: £102.5m; "
            "Revenue Variance: +£0.7m; Detail: costs of external placements rose, and the continuation of the "
            "grant funding in 2025-26 has recently been confirmed."]
    hits = row_hits(paper, rows)

    assert best_quote("How much is the children in care budget forecast to go over in 2024-25?", *hits).support >= 0.55


def test_a_variance_explained_is_not_what_was_spent():
    hit = prose_hit("Budget Outturn 2025/26", "Third Party Payments: the variance of £14.5m is largely due to lower "
                    "than budgeted expenditure on Skills Bootcamps (£6.8m).")

    assert best_quote("What was spent on Skills Bootcamps in 2025/26?", hit).support < 0.55
    assert best_quote("How far below budget was spending on Skills Bootcamps in 2025/26?", hit).support >= 0.55
    # a sentence saying what was spent as well as how far it missed its budget still answers
    both = prose_hit("Budget Outturn 2025/26", "This resulted in estimated spend on agency foster placements of "
                     "£2.9m (almost £1m more than budgeted).")
    assert best_quote("How much is expected to be spent on agency foster placements?", both).support >= 0.55


def test_a_figure_is_not_that_of_what_it_is_due_to():
    hit = prose_hit("Finance Monitoring Report", "Education is forecasting a net underspend of -£5m primarily due to "
                    "an underspend on Home to School Transport.")

    assert best_quote("How far under budget is home to school transport expected to come in?", hit).support < 0.55
    assert best_quote("How far under budget is Education expected to come in?", hit).support >= 0.55


def test_relying_less_is_reducing_dependency():
    paper = SourceDocument("d", "savings.pdf", "hash", title="Savings delivery")
    rows = ["Saving: Reduce dependency on social work agency staff — 2024-25 Savings Target: -300.0; "
            "Total Forecast: -£300.0k"]

    assert best_quote("How much did the council plan to save by relying less on agency social workers?",
                      *row_hits(paper, rows)).support >= 0.55


def test_a_passage_is_ranked_by_the_plain_words_for_its_report_words(assistant_reading):
    """A 'department' is a directorate, 'left care' is care leavers, who 'chaired' was the
    Chairman: the rerank reads a passage's report words as the answer does."""
    from assistant.language.vocabulary import in_plain_words

    assert {"depart", "left", "chair"} <= in_plain_words("The Directorate's care leavers; Mr Gough (Chairman)")
    paper = ("Revenue monitoring\n\n1. Directorates\n"
             "1.1 The Children's Directorate is forecast to end the year £9.9m under its budget.\n\n"
             "2. Adults\n2.1 Adult social care is forecast to end the year £35.4m over its budget.\n")
    retriever = assistant_reading("monitoring.txt", paper).retriever
    question = "children's department budget"
    ranked = reranked(retriever, question)
    directorate = next(c for c in ranked if "Directorate" in c.node.get_content())
    assert directorate.coverage == 1.0


def test_a_figure_question_ranks_the_passage_giving_a_figure_clearly_above_its_figureless_twin(assistant_reading):
    """'How many …' is answered by '… supporting 2,016 care leavers', not by the sentence
    saying the same without the number: the figure is worth more than a small difference in
    wording (0.05 left three real answers just outside the top five)."""

    paper = ("Care leavers\n\n1. Support\n1.1 At the end of December the service was supporting care leavers "
             "across the county.\n\n2. Numbers\n2.1 At the end of December the service was supporting 2,016 care leavers.\n")
    retriever = assistant_reading("leavers.txt", paper).retriever
    question = "How many young people who have left care is the service supporting?"
    first, second = reranked(retriever, question)
    assert "2,016" in first.node.get_content() and first.score - second.score >= 0.08


@pytest.mark.parametrize("question", [
    "If Cabinet keeps the decision, when does full Council review it?",
    "From what date does full Council review the decision?",
])
def test_a_date_asked_after_a_clause_or_from_when_ranks_the_dated_passage_first(assistant_reading, question):
    """A question asks for a date from its main clause ('If Cabinet …, when does …') or from
    when ('From what date …'), not only at its start: the passage giving the date is ranked
    above its undated twin, as for any figure asked."""
    from assistant.language.periods import asks_when

    assert asks_when(question) and not asks_when("What happens when a child goes missing from care?")
    assert not asks_when("How many children, when assessed, needed a plan?")
    paper = ("Call-in of the decision\n\n1. Before Council\n1.1 Full Council will review the decision.\n\n"
             "2. Dates\n2.1 Full Council will review the decision on 13 March 2025.\n")
    retriever = assistant_reading("call-in.txt", paper).retriever
    first, second = reranked(retriever, question)
    assert "13 March 2025" in first.node.get_content() and first.score - second.score >= 0.08


def test_a_who_question_ranks_the_passage_naming_someone_above_its_nameless_twin(assistant_reading):
    """'Who gave the update …' is answered by 'Mr R W Gough, Leader of the Council, gave …',
    not by the same line naming only the role: a passage naming someone gains as a figure
    does for 'how many' (a real 'who chaired' answer sat just outside the top five)."""
    from assistant.language.questions import names_person

    assert names_person("PRESENT: Mr R W Gough (Chairman)") and not names_person("signed by the Chair")
    assert names_person("Christine McInnes introduced the report")
    assert not any(names_person(t) for t in ("held at Sessions House", "the Capital Budget Monitoring report"))
    paper = ("Minutes of the Cabinet\n\n1. Updates\n1.1 The Leader of the Council gave an update on the budget.\n\n"
             "2. Budget\n2.1 Mr R W Gough, Leader of the Council, gave an update on the budget.\n")
    retriever = assistant_reading("minutes.txt", paper).retriever
    question = "Who gave the Cabinet an update on the budget?"
    first, second = reranked(retriever, question)
    assert "Gough" in first.node.get_content() and first.score - second.score >= 0.05, (first.score, second.score)


def test_a_when_question_is_answered_by_a_time_not_a_count():
    """'From what date is the service proposed to move?' is not answered by 'This affects
    the 925 individual service users', however close its words."""
    from assistant.language.figures import has_figure

    question = "From what date is the 18-25 service proposed to move to adult social care?"
    assert not has_figure("This affects the 925 individual service users.", question)
    assert not has_figure("users of the service aged between 18-25 years of age", question)  # ages, no length of time
    assert has_figure("Agree to transfer the service from 1 April 2025", question)
    assert has_figure("The service will move within 20 working days", question)
    assert has_figure("An official launch is planned in October", question)
    assert has_figure("The new arrangements will go live on 1st April.", question)
    assert has_figure("DATE OF MEETING: THURSDAY 22ND FEBRUARY", question)  # a header box in capitals


def test_a_name_of_several_common_words_is_rare_as_a_whole():
    """'Strengthening Independence Service': no one of its words is rare in a council's
    papers, the name is; a quote from a paper that never names it (another team's
    caseload) is about others."""
    from assistant.answer.asked import Asked
    from assistant.answer.extractive import _rare_names

    ask = Asked.of("What is the average caseload of social workers in the 18-25 Strengthening Independence Service?")
    idf = {"strengthen": 3.1, "independ": 3.0, "servic": 1.8, "caseload": 4.0, "averag": 2.0, "social": 1.0, "worker": 1.5,
           "rarest": 6.0}
    assert _rare_names(ask, idf) == {"strengthen", "independ"}  # told by its less common words
    assert _rare_names(Asked.of("What is the average caseload of social workers in the Service?"), idf) == set()
