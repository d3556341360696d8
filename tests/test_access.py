"""Restricted (exempt, Part 2) papers: marked at ingest, never served to anyone outside
their groups, through any interface; with no users configured, never served at all."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from files import corpus_file

from assistant.access import check_password, load_users
from assistant.errors import AssistantError

SECRETS = {  # file -> (question, a figure only that paper states)
    "hilltop-placement.txt": ("What is the weekly cost of the Hilltop residential placement?", "£12,345"),
    "ashcombe-contract.txt": ("What did ending the Ashcombe children's home contract cost?", "£987,000"),
    "kestrel-unit.md": ("How big is the Kestrel unit overspend?", "£55,500"),
}
HEADER = "Wessex Council Children's Scrutiny Committee 14 March 2024\n"


@pytest.fixture
def papers(tmp_path):
    folder = tmp_path / "papers"
    folder.mkdir()
    shutil.copy(corpus_file("barnsley-osc-2024"), folder)
    (folder / "hilltop-placement.txt").write_text(
        HEADER + "Hilltop Placement Costs\n\n1.1 The cost of the Hilltop residential placement is £12,345 per week.\n", "utf-8")
    (folder / "hilltop-placement.txt.access.toml").write_text('restricted = true\ngroups = ["cabinet"]\n', "utf-8")
    (folder / "ashcombe-contract.txt").write_text(
        HEADER + "NOT FOR PUBLICATION\nAshcombe Contract\n\n"
        "2.1 Ending the Ashcombe children's home contract early cost £987,000 in settlement.\n", "utf-8")
    (folder / "kestrel-unit.md").write_text(
        "---\naccess: restricted\ngroups: officers\n---\n" + HEADER
        + "Kestrel Unit Budget\n\n3.1 The Kestrel unit overspend is £55,500 this year.\n", "utf-8")
    return folder


@pytest.fixture
def library(make_assistant, papers):
    assistant = make_assistant()
    results = assistant.ingest([papers])
    assert sorted(r.status for r in results) == ["added"] * 4, results  # the sidecar is not a paper
    return assistant


def _leaks(text: str) -> list[str]:
    return [figure for _, figure in SECRETS.values() if figure in text]


def test_markings_are_read_at_ingest(library):
    sources = lambda groups: {d.source for d in library.documents(groups)}  # noqa: E731
    assert sources(()) == {corpus_file("barnsley-osc-2024").name}
    assert sources(("cabinet",)) == sources(()) | {"hilltop-placement.txt"}
    assert sources(("officers",)) == sources(()) | {"ashcombe-contract.txt", "kestrel-unit.md"}
    notes = {d.source: d.access_note for d in library.index.documents() if d.restricted}
    assert "detected" in notes["ashcombe-contract.txt"] and "NOT FOR PUBLICATION" in notes["ashcombe-contract.txt"]
    assert "front matter" in notes["kestrel-unit.md"] and ".access.toml" in notes["hilltop-placement.txt"]
    kestrel = library.ask("How big is the Kestrel unit overspend?", _as("officers"))
    assert "£55,500" in kestrel.text and not any("access:" in c.text for c in kestrel.citations)


def _as(*groups):
    from assistant.types import Filters

    return Filters(groups=groups)


@pytest.mark.parametrize("groups", [(), ("finance",)], ids=["no login", "wrong group"])
def test_restricted_passages_never_reach_an_unauthorised_viewer(library, groups):
    for question, _ in SECRETS.values():
        answer = library.ask(question, _as(*groups))
        shown = json.dumps(answer.to_json())
        assert not _leaks(shown), question
        assert all(c.source not in SECRETS for c in answer.citations)
    for document in library.index.documents():
        if document.restricted:
            with pytest.raises(AssistantError, match="no indexed document has the id"):  # as if it did not exist
                library.suggest([document.doc_id], groups=groups)
    everything_public = library.suggest([d.doc_id for d in library.documents(groups)], groups=groups)
    assert not _leaks(json.dumps(everything_public.to_json()))
    assert not any(word in " ".join(library.example_questions(groups=groups)) for word in ("Hilltop", "Ashcombe", "Kestrel"))
    assert {e.document.source for e in library.library(groups)} == {corpus_file("barnsley-osc-2024").name}
    secret = next(p for p in library.snapshot.passages if library.snapshot.documents[p.doc_id].restricted)
    with pytest.raises(AssistantError, match="not in the library"):  # nor its page or context
        library.view(secret.passage_id, groups=groups)


def test_restricted_papers_leave_no_trace_in_the_word_statistics_others_get(library, embedder, tmp_path):
    from assistant.config import Settings
    from assistant.pipeline import Assistant

    public = Assistant(Settings(index_dir=tmp_path / "public-only"), embedder=embedder)
    public.ingest([corpus_file("barnsley-osc-2024")])
    assert library.snapshot.idf(()) == public.snapshot.idf(())  # as if the restricted papers were not there
    assert "hilltop" not in library.snapshot.idf(("officers",))
    assert "hilltop" in library.snapshot.idf(("cabinet",))
    # a place named only in a restricted paper is no place in the papers for anyone else
    assert library.snapshot.councils(()) == public.snapshot.councils(())


def test_the_right_group_sees_its_papers_and_only_those(library):
    hilltop_q, hilltop_fig = SECRETS["hilltop-placement.txt"]
    assert hilltop_fig in library.ask(hilltop_q, _as("cabinet")).text
    assert hilltop_fig not in json.dumps(library.ask(hilltop_q, _as("officers")).to_json())
    ashcombe = next(d for d in library.index.documents() if d.source == "ashcombe-contract.txt")
    assert library.suggest([ashcombe.doc_id], groups=("officers",)).documents[0].source == "ashcombe-contract.txt"


def test_an_officer_confirms_or_overrides_a_detected_marking(library):
    question, figure = SECRETS["ashcombe-contract.txt"]
    library.set_access("ashcombe-contract.txt", restricted=False)
    assert figure in library.ask(question).text  # confirmed public
    library.set_access("ashcombe-contract.txt", restricted=True, groups=("cabinet",))
    assert figure not in json.dumps(library.ask(question, _as("officers")).to_json())
    assert figure in library.ask(question, _as("cabinet")).text
    with pytest.raises(AssistantError, match="no indexed file"):
        library.set_access("nope.txt", restricted=False)


@pytest.mark.slow
def test_the_command_line_serves_public_papers_unless_a_group_is_given(library):
    env = {**os.environ, "ASSISTANT_INDEX_DIR": str(library.settings.index_dir)}

    def cli(*args):
        run = subprocess.run([sys.executable, "-m", "assistant.cli", *args], capture_output=True, text=True, env=env, timeout=300)
        assert run.returncode == 0, run.stderr
        return run.stdout

    question, figure = SECRETS["hilltop-placement.txt"]
    assert not _leaks(cli("ask", "--json", question)) and not _leaks(cli("documents", "--json"))
    assert figure in cli("ask", "--json", question, "--group", "cabinet")


@pytest.mark.slow
def test_users_file_holds_only_salted_hashes(tmp_path):
    path = tmp_path / "users.toml"
    env = {**os.environ, "ASSISTANT_USERS": str(path)}
    for name, groups in (("alice", "cabinet,officers"), ("bob", "")):
        run = subprocess.run([sys.executable, "-m", "assistant.cli", "users", "add", name, "--groups", groups],
                             input=f"{name}-password\n", capture_output=True, text=True, env=env, timeout=120)
        assert run.returncode == 0, run.stderr
    text = path.read_text()
    assert "alice-password" not in text and text.count("scrypt$") == 2
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    users = load_users(path)
    assert users["alice"].groups == ("cabinet", "officers") and users["bob"].groups == ()
    assert check_password(users["alice"], "alice-password")
    assert not check_password(users["alice"], "bob-password")
    assert not check_password(None, "anything")
    short = subprocess.run([sys.executable, "-m", "assistant.cli", "users", "add", "carol"], input="short\n",
                           capture_output=True, text=True, env=env, timeout=120)
    assert short.returncode == 1 and "at least 8 characters" in short.stderr


def test_a_broken_access_file_keeps_its_paper_out(make_assistant, tmp_path):
    paper = tmp_path / "hilltop-placement.txt"
    paper.write_text(HEADER + "1.1 The cost of the Hilltop residential placement is £12,345 per week.\n", "utf-8")
    (tmp_path / "hilltop-placement.txt.access.toml").write_text("restricted = tru\n", "utf-8")
    (result,) = make_assistant().ingest([paper])
    assert result.status == "skipped" and "access file" in result.reason and "not valid TOML" in result.reason
