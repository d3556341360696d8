"""Across meetings: what the committee's last minutes record as promised, followed up in
the next meeting's papers; an indicator's series across the same council's reports."""

from __future__ import annotations

from assistant.briefing import as_markdown
from assistant.suggest import meetings

REPORT = """Rutland County Council
Report to the Children's Services Scrutiny Committee
Date of meeting: {date}
Children's Social Care Performance Report – {period}

1. Children in care

Indicator\t{columns}\tTarget\tPolarity
Percentage of children in care with dental checks up to date\t{values}\t80%\tHigher is better
"""


def _meeting_of(assistant, council: str, day: str):
    return next(m for m in meetings(assistant.documents()) if m[0].council == council and m[0].meeting_date == day)


def test_north_somerset_minutes_promises_are_followed_up_in_the_next_meeting(corpus_assistant):
    papers = _meeting_of(corpus_assistant, "North Somerset Council", "2024-02-22")
    suggestions = corpus_assistant.suggest([d.doc_id for d in papers])
    assert suggestions.promised_at.title == "Minutes of the meeting of 19 October 2023"
    promised = {p.what: p for p in suggestions.promises}
    invitations = next(p for w, p in promised.items() if w.startswith("Members requested that the invitations"))
    assert "working group meetings be sent to all CYPS Members" in invitations.what
    assert invitations.citation.doc_id == suggestions.promised_at.doc_id and invitations.citation.section
    episodes = next(p for w, p in promised.items() if "number of children involved versus the total number of episodes" in w)
    assert episodes.by_when == "in future"
    assert all(p.status == "not reported" for p in suggestions.promises)  # the new papers do not say
    assert not any("be received and comments forwarded" in w for w in promised)  # routine resolutions are not promises
    briefing = as_markdown(suggestions, list(suggestions.questions))
    assert "## What was promised last time" in briefing and "invitations for working group meetings" in briefing
    assert "not reported in the new papers" in briefing


def test_kent_corporate_parenting_promises_and_the_next_minutes(real_assistant):
    papers = _meeting_of(real_assistant, "Kent County Council", "2024-12-10")
    suggestions = real_assistant.suggest([d.doc_id for d in papers])
    assert suggestions.promised_at.meeting_date == "2024-10-29"
    by_who = {(p.who, p.what.split(" to ", 2)[1] if " to " in p.what else p.what): p for p in suggestions.promises}
    whos = {p.who for p in suggestions.promises}
    assert {"The Chair", "Joanne Carpenter", "Mrs Chandler", "Ms Coombs", "Mr Read", "Ms Gleave"} <= whos, whos
    coombs = next(p for p in suggestions.promises if p.who == "Ms Coombs")
    assert "number of adoptions by age" in coombs.what and coombs.by_when == "outside of the meeting"
    assert any("governance and monitoring arrangements" in p.what and p.by_when == "to a future meeting of the Panel"
               for p in suggestions.promises)
    assert any("leaflet detailing housing options" in p.what for p in suggestions.promises)
    # the Chair's letter to group leaders comes up again in December's minutes; the rest does not
    chair = next(p for p in suggestions.promises if p.who == "The Chair")
    assert chair.status == "mentioned" and "group leaders" in chair.evidence.text
    assert chair.evidence.doc_id == papers[0].doc_id
    assert sum(p.status == "mentioned" for p in suggestions.promises) == 1, by_who
    assert "Ms Coombs: Most children place for adoption" in as_markdown(suggestions, [])


def test_an_indicator_is_read_across_the_councils_reports(make_assistant, tmp_path):
    june = tmp_path / "rutland-performance-2024-06-12.txt"
    june.write_text(REPORT.format(date="12 June 2024", period="March 2024", columns="Q3 2023-24\tQ4 2023-24",
                                  values="71%\t68%"), encoding="utf-8")
    september = tmp_path / "rutland-performance-2024-09-10.txt"
    september.write_text(REPORT.format(date="10 September 2024", period="June 2024", columns="Q1 2024-25",
                                       values="61%"), encoding="utf-8")
    assistant = make_assistant()
    assert [r.status for r in assistant.ingest([june, september])] == ["added", "added"]
    later = _meeting_of(assistant, "Rutland Council", "2024-09-10")
    question = next(q for q in assistant.suggest([d.doc_id for d in later]).questions if "dental" in q.question)
    assert "61% in Q1 2024-25" in question.question and "down from 68% in Q4 2023-24" in question.question
    assert {c.source for c in question.citations} == {june.name, september.name}  # both reports cited
    # the earlier report alone knows nothing of the later one
    earlier = _meeting_of(assistant, "Rutland Council", "2024-06-12")
    alone = next(q for q in assistant.suggest([d.doc_id for d in earlier]).questions if "dental" in q.question)
    assert "61%" not in alone.question and {c.source for c in alone.citations} == {june.name}
