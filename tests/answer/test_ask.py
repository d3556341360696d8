"""Answers cite the right paragraph, keep figures verbatim, and respect filters."""

import json
import subprocess
import sys

from assistant.language.figures import ungrounded
from assistant.types import Filters

ASK_KEYS = {"question", "answer", "abstained", "citations", "backend", "grounding", "notice", "searched_for", "timings_ms"}
CITATION_KEYS = {"n", "doc_id", "source", "title", "council", "meeting_date", "section", "page", "text", "score", "passage_id", "page_label"}


def test_re_referral_rate_cites_section_3_11(corpus_assistant):
    answer = corpus_assistant.ask("What was the re-referral rate in Barnsley at the end of October 2023?")
    assert not answer.abstained
    assert "28.4%" in answer.text
    first = answer.citations[0]
    assert first.section == "3.11"
    assert first.source == "barnsley-osc-2024-01-09-csc-performance-oct-2023.txt"
    assert "[1]" in answer.text


def test_every_figure_in_an_answer_is_in_a_cited_passage(corpus_assistant):
    for question in [
        "How big is the forecast overspend for North Somerset children's services?",
        "What percentage of children in care in North Somerset have up-to-date dental checks?",
        "How many international social workers does Bury have in post?",
    ]:
        answer = corpus_assistant.ask(question)
        assert not answer.abstained, question
        assert ungrounded(answer.text, [c.text for c in answer.citations]) == [], question


def test_council_filter_constrains_retrieval(corpus_assistant):
    answer = corpus_assistant.ask("What is the re-referral rate?", Filters(council="north somerset"))
    assert answer.citations
    assert {c.council for c in answer.citations} == {"North Somerset Council"}


def test_a_question_about_a_council_the_filter_leaves_out_is_not_answered_from_another(corpus_assistant):
    filtered = corpus_assistant.ask("What is the re-referral rate in North Somerset?", Filters(council="Barnsley Council"))
    assert filtered.abstained and not filtered.citations  # never Barnsley's 28.4% as if it were North Somerset's
    assert filtered.notice == "Filtered to Barnsley Council: North Somerset Council's papers were not searched."
    both = corpus_assistant.ask("Is the re-referral rate in Barnsley higher than in North Somerset?",
                                Filters(council="Barnsley Council"))
    assert {c.council for c in both.citations} == {"Barnsley Council"} and "North Somerset" in both.notice
    unfiltered = corpus_assistant.ask("How many children were excluded from school in Kent in 2023?")
    assert unfiltered.abstained and unfiltered.notice == "The library holds no papers from Kent County Council."


def test_kind_and_date_filters(corpus_assistant):
    minutes = corpus_assistant.ask("What did members discuss?", Filters(kind="minutes"))
    assert {c.title for c in minutes.citations} == {"Minutes of the meeting of 19 October 2023"}
    from datetime import date

    old = corpus_assistant.ask("agency workers", Filters(date_to=date(2020, 1, 1)))
    assert {c.council for c in old.citations} == {"West Sussex County Council"}


def test_unanswerable_question_abstains_and_shows_closest_passages(corpus_assistant):
    answer = corpus_assistant.ask("What is the number of children missing education in Kent?")
    assert answer.abstained
    assert answer.text.startswith("The papers provided do not say")


def test_ask_json_contract(corpus_settings, corpus_assistant):
    env = {
        "ASSISTANT_INDEX_DIR": str(corpus_settings.index_dir),
        "PATH": "/usr/bin:/bin",
    }
    run = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ask", "--json",
         "What was the re-referral rate in Barnsley at the end of October 2023?"],
        capture_output=True, text=True, env=env, timeout=300,
    )
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)  # exactly one JSON object on stdout
    assert set(data) == ASK_KEYS
    assert isinstance(data["abstained"], bool) and data["backend"] == "extractive"
    assert set(data["timings_ms"]) == {"condense", "retrieve", "answer", "total"}
    grounding = data["grounding"]  # quotes are checked like written answers, and pass
    assert grounding["sentences"] >= 1 and grounding["supported"] == grounding["sentences"]
    assert grounding["removed"] == grounding["flagged"] == 0 and not grounding["fallback"]
    assert data["citations"] and all(set(c) == CITATION_KEYS for c in data["citations"])
    assert data["citations"][0]["section"] == "3.11"
    assert "28.4%" in data["answer"]


def test_empty_question_is_a_clear_error(corpus_assistant):
    import pytest

    from assistant.errors import AssistantError

    with pytest.raises(AssistantError, match="type a question"):
        corpus_assistant.ask("   ")


def test_comparison_between_councils_quotes_each_side(corpus_assistant):
    answer = corpus_assistant.ask("How do care leaver EET rates compare between Barnsley and North Somerset?")
    assert not answer.abstained
    quoted = [c for c in answer.citations if c.quote]
    assert [c.council for c in quoted] == ["Barnsley Council", "North Somerset Council"]
    assert "59.4%" in answer.text and "54%" in answer.text


def test_question_in_two_parts_is_answered_in_two_parts():
    from assistant.answer.extractive import question_parts

    parts = question_parts(
        "What dental check rate does North Somerset report, and what does Barnsley say about PEPs?",
        compare=("North Somerset Council", "Barnsley Council"),
    )
    assert parts == [
        ("What dental check rate does North Somerset report", "North Somerset Council"),
        ("what does Barnsley say about PEPs?", "Barnsley Council"),
    ]
    assert question_parts("What is the target and the RAG rating?") == [("What is the target and the RAG rating?", None)]


def test_one_table_does_not_fill_the_top_hits(corpus_assistant):
    # Every row of the month-8 budget table names "Forecast of Projected Out-Turn" and
    # "Month 8"; the paragraph that gives the directorate's total must still be found.
    hits = corpus_assistant.retriever.search(
        "What is the forecast out-turn for North Somerset children's services at month 8?",
        Filters(council="North Somerset Council"),
    )
    rows_per_table = {}
    for hit in hits:
        if hit.passage.kind == "table_row":
            rows_per_table[hit.passage.caption] = rows_per_table.get(hit.passage.caption, 0) + 1
    assert max(rows_per_table.values()) <= 3
    assert any("£38.323m" in hit.passage.text for hit in hits)


def test_a_rate_of_something_else_is_not_an_answer(corpus_assistant):
    from assistant.language.questions import measured_terms

    assert measured_terms("What is North Somerset's re-referral rate?") == {"=re-referral"}  # the field's term, in any wording
    assert measured_terms("What is the benefit-cost ratio of the scheme?") == {"benefit", "cost"}  # a ratio is of something too
    # West Sussex reports a social workers' take-up *rate* for 2019, not a re-referral rate.
    assert corpus_assistant.ask("What was West Sussex's re-referral rate in 2019?").abstained


def test_a_paragraph_is_read_under_its_heading(corpus_assistant):
    # Barnsley 4.8 sits under "Corporate Capacity" and never repeats those words; 4.3
    # mentions "staffing capacity" with another variance.
    answer = corpus_assistant.ask("How much is the forecast variance for corporate capacity in Barnsley?")
    assert "£0.6M" in answer.text and answer.citations[0].section == "4.8"


def test_a_report_published_again_in_its_pack_takes_one_place_in_the_hits(make_assistant, tmp_path):
    # Councils publish a report on its own and again inside the meeting's pack: its
    # paragraphs must not fill two places each and push another paper's answer out.
    report = ("Rutland County Council\nReport to Cabinet\nDate of meeting: 30 January 2025\n"
              "Transfer of the sensory service\n\n"
              "1. The care leavers service will continue to support young adults up to age 25.\n"
              "2. Young adults known to the sensory service keep their personal adviser.\n")
    performance = ("Rutland County Council\nChildren's Services Scrutiny Committee\nDate of meeting: 12 March 2025\n"
                   "Performance report\n\n1. The number of care leavers supported at the end of December 2024 was 216.\n")
    files = {"sensory-report.txt": report, "cabinet-pack.txt": "Agenda pack\n\n" + report, "performance.txt": performance}
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    assistant = make_assistant()
    assistant.ingest([tmp_path / name for name in files])
    hits = assistant.retriever.search("How many care leavers does the service support?", top_k=3)
    texts = [" ".join(hit.passage.text.split()) for hit in hits]
    assert len(texts) == len(set(texts)), texts
    assert any("216" in text for text in texts), texts


def test_a_figure_of_its_own_time_is_no_answer_about_the_year_its_sentence_names(assistant_reading):
    """'In 2022-23, the council entered ...; ... totalling £140m by 2027-28' is no sum for 2022-23,
    nor is 'In 2024-25, ... a further £9m', nor '£96.6m as at 31st March 2025'."""
    paper = ("Dedicated Schools Grant\n1. In 2022-23, the Council entered the DfE's Safety Valve Programme; this "
             "includes annual funding from the DfE, totalling £140m by 2027-28 (plus £2m of project costs).\n"
             "2. In 2024-25, the Council is expecting to receive a further £9m from the DfE. This additional funding, "
             "along with the funding in 2022-23, will have reduced the deficit from £227m to £96.6m as at 31st March 2025.\n")
    assistant = assistant_reading("dsg-report.txt", paper)
    assert assistant.ask("How much Safety Valve money did the council get from the DfE in 2022-23?").abstained
    answer = assistant.ask("How much Safety Valve money is the council getting from the DfE in 2024-25?")
    assert not answer.abstained and "£9m" in answer.text, answer.text


def test_a_question_in_the_names_words_is_answered_from_a_sentence_using_its_letters(assistant_reading):
    """A paper defines 'the Rural Lift Partnership (RLP)' once and uses 'RLP' after: the sentence
    using the letters answers a question in the name's words."""
    paper = ("Community Transport Update\n"
             "1. The Rural Lift Partnership (RLP) was set up in 2021 to give older residents lifts to appointments.\n"
             "2. Volunteer drivers are recruited through parish councils and trained by the county.\n"
             "3. The current RLP grant agreement expires on 31 March 2027 and cannot be extended.\n"
             "4. The Rural Bus Partnership grant agreement expires on 30 June 2026.\n")
    assistant = assistant_reading("community-transport.txt", paper)
    assert assistant.index.files()["community-transport.txt"].documents[0].glossary == (("RLP", "Rural Lift Partnership"),)
    answer = assistant.ask("When does the rural lift partnership's grant agreement expire?")
    assert "31 March 2027" in answer.text, answer.text


def test_a_question_using_the_letters_is_answered_by_a_sentence_spelling_the_name(assistant_reading):
    """The other way round: 'RLP' in a question is answered by 'The Rural Lift Partnership
    now has 42 ...' (its capitals spell the letters once 'The' is left out)."""
    paper = ("Community Transport Update\n"
             "1. The Rural Lift Partnership (RLP) was set up in 2021 with a grant from the county.\n"
             "2. The Rural Lift Partnership now has 42 volunteer drivers, recruited through parish councils.\n"
             "3. The library delivery service now has 17 volunteer drivers, recruited through its branches.\n"
             "4. The RLP steering group meets quarterly.\n")
    assistant = assistant_reading("community-transport.txt", paper)
    answer = assistant.ask("How many volunteer drivers does the RLP have?")
    assert "42" in answer.text, answer.text


def test_a_sums_share_of_its_budget_is_no_count(assistant_reading):
    """'How many learners finished?' is not answered by '£11.8m (23%) variance': the 23% is
    the sum's share of its budget, no more a count than the sum is."""
    paper = ("Skills Delivery\n"
             "1. Skills Bootcamps: the £11.8m (23%) variance is attributable to Skills Bootcamps (£7.0m). The Skills "
             "Bootcamps budget assumed that 100% of learners would finish training, whereas fewer learners finished.\n")
    assistant = assistant_reading("skills.txt", paper)
    answer = assistant.ask("How many learners finished a Skills Bootcamp?")
    assert answer.abstained, answer.text
