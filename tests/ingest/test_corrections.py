"""An officer corrects what was read from a paper's front; the correction is shown,
searched and filtered on at once, and survives a new version of the file and a rebuild."""

import json
import os
import subprocess
import sys

import pytest

from assistant.corrections import validated
from assistant.errors import AssistantError
from assistant.retrieve.scope import make_filters


def test_corrections_are_checked_before_anything_is_stored():
    assert validated({"meeting_date": "2024-10-29", "kind": "Minutes", "title": "  Corporate   Parenting Panel "}) == {
        "meeting_date": "2024-10-29", "kind": "minutes", "title": "Corporate Parenting Panel"}
    assert validated({"title": "x", "committee": None, "council": " "}) == {"title": "x"}
    for bad, says in [({"meeting_date": "29/10/2024"}, "YYYY-MM-DD"), ({"kind": "letter"}, "one of"),
                      ({"author": "me"}, "only"), ({"title": ""}, "at least one")]:
        with pytest.raises(AssistantError, match=says):
            validated(bad)


def _paper(folder, body: str):
    path = folder / "panel-paper.txt"
    path.write_text(
        "Report to the Children's Services Scrutiny Panel\n\nFostering sufficiency update\n\n"
        f"1.1 {body}\n\n1.2 The number of in-house foster carers approved this year is 23.\n",
        "utf-8",
    )
    return path


def test_a_correction_is_used_at_once_and_survives_reingest_and_rebuild(make_assistant, tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    path = _paper(folder, "Recruitment of foster carers has improved.")
    assistant = make_assistant()
    assistant.ingest([path])
    (before,) = assistant.documents()
    assert before.meeting_date != "2024-10-29"

    after = assistant.correct(before.doc_id, meeting_date="2024-10-29", kind="minutes", council="Kent County Council",
                              title="Fostering update, October 2024")
    assert (after.meeting_date, after.kind, after.council) == ("2024-10-29", "minutes", "Kent County Council")
    answer = assistant.ask("How many in-house foster carers were approved?")
    assert answer.citations[0].meeting_date == "2024-10-29"
    assert answer.citations[0].title == "Fostering update, October 2024"
    october = make_filters(date_from="2024-10-01", date_to="2024-10-31", kind="minutes")
    assert assistant.ask("How many in-house foster carers were approved?", october).citations
    # the corrected council is searched with the passages, not only shown
    assert any("Kent County Council" in n.metadata["context"] for n in assistant.index.committed_nodes())

    _paper(folder, "Recruitment of foster carers has improved further.")  # a new version of the file
    assert [r.status for r in assistant.ingest([path])] == ["updated"]
    assert assistant.documents()[0].meeting_date == "2024-10-29"
    assistant.ingest([path], rebuild=True)
    (rebuilt,) = assistant.documents()
    assert (rebuilt.meeting_date, rebuilt.kind, rebuilt.title) == ("2024-10-29", "minutes", "Fostering update, October 2024")

    assistant.remove(path.name)  # the correction was about this paper: it goes with it
    assistant.ingest([path])
    assert assistant.documents()[0].meeting_date != "2024-10-29"


def test_cli_correct_reports_the_corrected_paper_and_refuses_bad_input(make_assistant, tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    path = _paper(folder, "Recruitment of foster carers has improved.")
    make_assistant().ingest([path])
    env = {**os.environ, "ASSISTANT_INDEX_DIR": str(tmp_path / "index")}
    run = lambda *args: subprocess.run([sys.executable, "-m", "assistant.cli", *args],  # noqa: E731
                                       capture_output=True, text=True, env=env)
    docs = json.loads(run("documents", "--json").stdout)
    done = run("correct", docs[0]["doc_id"], "--date", "2025-01-30", "--committee", "Cabinet")
    assert done.returncode == 0, done.stderr
    assert "2025-01-30" in done.stdout and "Cabinet" in done.stdout
    assert json.loads(run("documents", "--json").stdout)[0]["committee"] == "Cabinet"
    refused = run("correct", docs[0]["doc_id"], "--date", "30 January")
    assert refused.returncode != 0 and "YYYY-MM-DD" in refused.stderr and "Traceback" not in refused.stderr
