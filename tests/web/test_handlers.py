"""The web UI's handlers called directly, without a browser: the same methods the page is
wired to, over a real index. (The browser tests in test_web.py drive the page itself.)"""

from __future__ import annotations

import html

import shutil
from pathlib import Path
from types import SimpleNamespace

import docx
from files import corpus_file

from assistant.web import render
from assistant.access import User
from assistant.web.handlers import OFFICERS_ONLY, SORRY, Handlers

RE_REFERRALS = "What was the re-referral rate in Barnsley at the end of October 2023?"


def last(stream):
    """The final update of a streaming handler."""
    update = None
    for update in stream:
        pass
    return update


def ask(handlers: Handlers, question: str, council="", report="", kind="", date_from="", date_to="", asked=()):
    return last(handlers.ask(question, [], list(asked), council, report, kind, date_from, date_to, None))


def test_a_question_gets_a_cited_answer_and_its_sources(corpus_assistant):
    chat, sources, plain, box, asked = ask(Handlers(corpus_assistant), RE_REFERRALS)
    assert "28.4%" in chat[-1]["content"] and "[1]" in chat[-1]["content"]
    assert '<article class="card"' in sources and "<mark>" in sources
    assert "28.4%" in plain and box == "" and asked == [RE_REFERRALS]


def test_a_follow_up_is_read_with_the_question_before(corpus_assistant):
    *_, asked = ask(Handlers(corpus_assistant), "And in North Somerset?", asked=[RE_REFERRALS])
    assert "North Somerset" in asked[-1] and "re-referral" in asked[-1]


def test_bad_input_becomes_a_message_never_an_exception(corpus_assistant):
    handlers = Handlers(corpus_assistant)
    chat, *_ = ask(handlers, RE_REFERRALS, date_from="31/01/2024")
    assert "is not a date like 2024-01-31" in chat[-1]["content"]
    chat, *_ = ask(handlers, "x" * 1200)
    assert "at most 1,000 characters" in chat[-1]["content"]
    assert SORRY not in chat[-1]["content"]


def test_an_empty_question_changes_nothing(corpus_assistant):
    history, *_ = ask(Handlers(corpus_assistant), "   ")
    assert history == []


def test_filters_constrain_the_sources(corpus_assistant):
    _, sources, *_ = ask(Handlers(corpus_assistant), "What is the re-referral rate?", council="North Somerset")
    assert "North Somerset" in sources and "Barnsley Council" not in sources


def test_the_library_lists_every_document(corpus_assistant):
    (councils, reports, removable, table, examples, preparation, correctable, loaded,
     restrictable) = Handlers(corpus_assistant).refresh()
    assert restrictable.choices == removable.choices  # every file, in both lists
    assert table.count("<tr>") == len(corpus_assistant.documents()) + 1  # and the header
    assert all(html.escape(d.source) in table for d in corpus_assistant.documents())
    assert table.count('<td data-label="Access">public</td>') == len(corpus_assistant.documents())
    assert loaded.startswith("Papers loaded: Barnsley Council (") and "North Somerset Council (" in loaded


def test_suggest_then_make_the_briefing(corpus_assistant):
    handlers = Handlers(corpus_assistant)
    assert handlers.suggest("", None)[2] == "Choose a report or a meeting first."
    report = next(d for d in corpus_assistant.documents() if d.source.startswith("barnsley-osc-2024"))
    suggestions, checkboxes, detail = handlers.suggest(f"doc:{report.doc_id}", None)
    assert suggestions.questions and '<article class="card"' in detail
    keep = [suggestions.questions[0].question]
    word, markdown = handlers.briefing(suggestions, keep)
    assert keep[0] in Path(markdown).read_text("utf-8")
    assert any(keep[0] in p.text for p in docx.Document(word).paragraphs)
    assert handlers.briefing(None, []) is None


def test_a_meetings_preparation_shows_what_was_promised_last_time(corpus_assistant):
    handlers = Handlers(corpus_assistant)
    choices = dict((value, label) for label, value in render.preparation_choices(corpus_assistant.documents()))
    meeting = next(v for v, label in choices.items() if label.startswith("Meeting: North Somerset Council"))
    suggestions, _, detail = handlers.suggest(meeting, None)
    assert suggestions.promises and "<h3>What was promised last time</h3>" in detail
    assert "invitations for working group meetings" in detail and "Not reported in the new papers" in detail
    word, markdown = handlers.briefing(suggestions, [])
    assert "What was promised last time" in Path(markdown).read_text("utf-8")
    assert any("What was promised last time" == p.text for p in docx.Document(word).paragraphs)


def test_upload_then_remove(make_assistant, tmp_path):
    handlers = Handlers(make_assistant())
    upload = tmp_path / "bury-improvement-plan.txt"
    shutil.copy(corpus_file("bury"), upload)
    steps = []
    report, *refreshed = handlers.ingest([str(upload)], "public", "", None, progress=lambda at, desc: steps.append((at, desc)))
    assert "added" in report and f'<td data-label="File">{upload.name}</td>' in refreshed[3]
    fractions, said = zip(*steps)
    assert list(fractions) == sorted(fractions) and fractions[-1] == 1.0  # advances, and ends done
    assert any("reading" in s for s in said) and any("embedding" in s for s in said)
    stored = handlers.assistant.settings.upload_dir / upload.name
    assert stored.is_file()
    report, *refreshed = handlers.remove(upload.name, None)
    assert report == f"Removed **{upload.name}**; its uploaded file was deleted from the server."
    assert not stored.exists() and "library is empty" in refreshed[3]
    assert handlers.remove("", None)[0] == "Choose a file to remove."


def test_an_officer_corrects_a_papers_details_in_the_library(make_assistant, tmp_path):
    handlers = Handlers(make_assistant())
    upload = tmp_path / "bury-improvement-plan.txt"
    shutil.copy(corpus_file("bury"), upload)
    handlers.ingest([str(upload)], "public", "", None, progress=lambda *a, **k: None)
    (document,) = handlers.assistant.documents()
    form = handlers.correction_form(document.doc_id, None)
    assert form[0] == document.title and form[2] == document.kind  # the details as read, to edit

    report, *refreshed = handlers.correct(document.doc_id, "Bury improvement plan", "30 Jan", "report", "", "", None)
    assert report.startswith("Nothing was changed") and "YYYY-MM-DD" in report
    report, *refreshed = handlers.correct(document.doc_id, "Bury improvement plan", "2025-01-30", "report",
                                          "Children's Scrutiny Committee", "", None)
    assert report.startswith("Corrected **Bury improvement plan**")
    for label, value in [("Title", "Bury improvement plan"), ("Committee", "Children&#x27;s Scrutiny Committee"),
                         ("Meeting date", "2025-01-30")]:
        assert f'<td data-label="{label}">{value}</td>' in refreshed[3]
    assert handlers.correct("", "t", "", "", "", "", None)[0] == "Choose a paper to correct."


def _signed_in(name: str):
    """What Gradio hands a handler for a signed-in member."""
    return SimpleNamespace(username=name)


def test_an_officer_uploads_a_restricted_paper_and_later_makes_it_public(make_assistant, tmp_path):
    users = {name: User(name, groups, "") for name, groups in
             [("olivia", ("officers",)), ("alice", ("cabinet",)), ("bob", ())]}
    handlers = Handlers(make_assistant(users=tmp_path / "users.toml"), users)
    upload = tmp_path / "bury-improvement-plan.txt"
    shutil.copy(corpus_file("bury"), upload)
    officer, alice, bob = _signed_in("olivia"), _signed_in("alice"), _signed_in("bob")

    report, *_ = handlers.ingest([str(upload)], "restricted", "cabinet, officers", officer, progress=lambda *a, **k: None)
    assert "added" in report
    assert "restricted to cabinet, officers" in handlers.load(officer)[3]
    assert upload.name not in handlers.load(bob)[3] and not handlers.assistant.documents(("",))
    assert handlers.access_form(upload.name, alice) == ("restricted", "cabinet, officers")
    stored = handlers.assistant.settings.upload_dir / upload.name
    assert 'groups = ["cabinet", "officers"]' in (stored.parent / (stored.name + ".access.toml")).read_text()

    report, *refreshed = handlers.set_access(upload.name, "public", "", officer)
    assert report == f"**{upload.name}** is now public: every member may see it."
    assert upload.name in handlers.load(bob)[3] and handlers.access_form(upload.name, bob) == ("public", "")
    assert not (stored.parent / (stored.name + ".access.toml")).exists()  # the decision went with the file

    report, *_ = handlers.set_access(upload.name, "restricted", "cabinet; drop table", officer)
    assert report.startswith("Nothing was changed") and "group names are" in report
    assert upload.name in handlers.load(bob)[3]  # and nothing was


def test_only_officers_change_the_library_once_there_are_users(make_assistant, tmp_path):
    users = {"alice": User("alice", ("cabinet",), "")}
    handlers = Handlers(make_assistant(users=tmp_path / "users.toml"), users)
    upload = tmp_path / "bury-improvement-plan.txt"
    shutil.copy(corpus_file("bury"), upload)
    member = _signed_in("alice")
    for report, *_ in [handlers.ingest([str(upload)], "public", "", member, progress=lambda *a, **k: None),
                       handlers.remove(upload.name, member), handlers.set_access(upload.name, "public", "", member),
                       handlers.correct("some-id", "A title", "", "", "", "", member)]:
        assert report == OFFICERS_ONLY
    assert handlers.assistant.documents(("cabinet",)) == []
    assert not handlers.assistant.settings.upload_dir.exists() or not any(handlers.assistant.settings.upload_dir.iterdir())


def test_one_entry_per_meeting_and_every_report_with_its_council(corpus_assistant):
    choices = [label for label, _ in render.preparation_choices(corpus_assistant.documents())]
    north_somerset = [c for c in choices if c.startswith("Meeting: North Somerset Council") and "2024-02-22" in c]
    assert len(north_somerset) == 1, choices  # its papers spell the panel's name three ways
    assert north_somerset[0].endswith("(5 papers)")  # the pack's minutes are of an earlier meeting
    reports = [c for c in choices if c.startswith("Report: ")]
    assert reports and all("Council" in c or "council not read" in c for c in reports)
    assert "Report: Q3 Performance Monitoring, North Somerset Council (2024-02-22)" in choices


def test_jargon_is_explained_where_it_appears():
    shown = render.explained("Is the CPP <b>meeting</b> tracking ICPCs?")
    assert '<abbr title="child protection plan">CPP</abbr>' in shown
    assert "ICPCs</abbr>" in shown and "&lt;b&gt;" in shown
