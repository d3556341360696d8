"""The page's example questions: whole, cased as a sentence, and answered from the paper
they were written from (never refused)."""

from __future__ import annotations

import pytest

from assistant.examples import in_a_sentence


@pytest.mark.parametrize("phrase, reads", [
    ("Number of children stepped down from Child in Need to Family Wellbeing",
     "number of children stepped down from Child in Need to Family Wellbeing"),
    ("Percentage of re-referrals within 12 months", "percentage of re-referrals within 12 months"),
    ("Children in Need", "Children in Need"),
    ("Key Considerations", "Key Considerations"),
    ("Broad Marsh Car Park", "Broad Marsh Car Park"),
    ("EET for care leavers", "EET for care leavers"),
    ("Quality assurance", "quality assurance"),
])
def test_a_heading_reads_as_part_of_a_question(phrase, reads):
    assert in_a_sentence(phrase) == reads


def test_every_example_is_answered_from_its_own_paper(corpus_assistant):
    examples = corpus_assistant.example_questions(limit=6)
    assert len(examples) >= 4
    for question in examples:
        answer = corpus_assistant.ask(question)
        assert not answer.abstained and answer.citations, question
        assert question[0].isupper() and question.endswith("?")
    councils = " ".join(examples)
    assert "Barnsley" in councils and "North Somerset" in councils


def test_every_example_of_the_real_papers_is_answered_from_its_own_paper(real_assistant):
    """The page's examples over council PDFs as published (issue 14): each one asked is
    answered, not refused, from the paper it was written from."""
    examples = real_assistant.example_questions(limit=6)
    assert len(examples) >= 4
    papers = {d.doc_id: d for d in real_assistant.documents()}
    for question in examples:
        answer = real_assistant.ask(question)
        assert not answer.abstained and answer.citations, question
        council = papers[answer.citations[0].doc_id].council or ""
        assert council.split(" ")[0] in question, (question, council)

