"""Broken, hostile and odd input: each gets a clear message, and nothing indexed is lost.

(Reading-level refusals of empty, binary, corrupt and image-only files are in
test_read.py; the page-level ones, markup and over-long questions, in test_web.py.)
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from files import corpus_file

from assistant.errors import AssistantError

RE_REFERRALS = "What was the re-referral rate in Barnsley at the end of October 2023?"


@pytest.fixture
def library(make_assistant, copy_corpus):
    """A small library (one report) that every hostile file is thrown at."""
    assistant = make_assistant()
    assert assistant.ingest([copy_corpus("barnsley-osc-2024")])[0].status == "added"
    return assistant


def _still_whole(assistant) -> None:
    assert [d.source for d in assistant.documents()] == [corpus_file("barnsley-osc-2024").name]
    assert "28.4%" in assistant.ask(RE_REFERRALS).text
    assert assistant.check().ok


def _encrypted_pdf(path: Path) -> Path:
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), encrypt=StandardEncryption("secret", canPrint=0))
    pdf.drawString(72, 720, "1.1 The exempt budget is £4.1m.")
    pdf.save()
    return path


def test_every_kind_of_bad_file_is_skipped_with_its_reason(library, tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "zero.txt").write_bytes(b"")
    (bad / "blob.txt").write_bytes(os.urandom(4096))
    (bad / "latin.txt").write_bytes(b"\x81\x8d\x8f\x90\x9d" * 500)  # undefined in Windows-1252 too
    (bad / "corrupt.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> broken \x00\xff")
    _encrypted_pdf(bad / "locked.pdf")
    (bad / "renamed.docx").write_bytes(b"this is not a Word file")
    with open(bad / "huge.txt", "wb") as handle:  # 200 MB, sparse: refused before it is read
        handle.truncate(200 * 1024 * 1024)
    results = {Path(r.path).name: r for r in library.ingest([bad])}
    reasons = {name: r.reason for name, r in results.items()}
    assert all(r.status == "skipped" for r in results.values()), reasons
    assert "empty" in reasons["zero.txt"]
    assert "binary" in reasons["blob.txt"]
    assert "not valid UTF-8" in reasons["latin.txt"] or "binary" in reasons["latin.txt"]
    assert "PDF" in reasons["corrupt.pdf"]
    assert "password" in reasons["locked.pdf"]
    assert "Word" in reasons["renamed.docx"] or "docx" in reasons["renamed.docx"].lower()
    assert "over the 50 MB limit" in reasons["huge.txt"]
    _still_whole(library)


def test_the_size_limit_is_a_setting(make_assistant, tmp_path):
    assistant = make_assistant(max_file_mb=0.01)
    paper = shutil.copy(corpus_file("barnsley-osc-2024"), tmp_path)
    (result,) = assistant.ingest([Path(paper)])
    assert result.status == "skipped" and "over the 0 MB limit" in result.reason


def test_the_same_file_twice_and_the_same_paper_under_another_name(library, tmp_path):
    again = library.ingest([corpus_file("barnsley-osc-2024")])
    assert [r.status for r in again] == ["unchanged"]
    twin = tmp_path / "copy of the performance report.txt"
    shutil.copy(corpus_file("barnsley-osc-2024"), twin)
    (result,) = library.ingest([twin])
    assert result.status == "skipped" and "same paper as barnsley-osc-2024" in result.reason
    _still_whole(library)  # had it been indexed, removing either copy would empty the other


def test_odd_upload_names_are_stored_safely_inside_the_library(tmp_path):
    from assistant.web.handlers import store_uploads

    incoming = tmp_path / "gradio-temp"
    incoming.mkdir()
    names = ["..\\..\\windows\\evil.txt", "<script>alert(1)<⁄script>.txt", "  .hidden.txt", "rates £ & 'quotes'.txt",
             "emoji 📄 report.md", "-rf.txt"]
    uploads = []
    for name in names:
        (incoming / name).write_text("1.1 The rate is 5%.", "utf-8")
        uploads.append(str(incoming / name))
    folder = tmp_path / "library"
    stored = store_uploads(uploads, folder)
    assert len(stored) == len(names)
    for path in stored:
        assert path.parent == folder and path.exists()
        assert not path.name.startswith((".", "-", " "))
        assert all(ch not in path.name for ch in "/\\<>&'")
    assert {p.name for p in folder.iterdir()} == {p.name for p in stored}  # nothing written outside


@pytest.mark.parametrize("question, message", [
    ("", "type a question"),
    ("   \t\n ", "type a question"),
    ("\x00\x07\x1b", "type a question"),
    ("x" * 10_000, "at most 1,000 characters"),
])
def test_questions_that_cannot_be_asked_say_why(corpus_assistant, question, message):
    with pytest.raises(AssistantError, match=message):
        corpus_assistant.ask(question)


def test_control_characters_and_markup_in_a_question_are_harmless(corpus_assistant):
    answer = corpus_assistant.ask("What was the re-referral\x00 rate in\x1b Barnsley at the end of October 2023?")
    assert "28.4%" in answer.text and "\x00" not in answer.question
    marked = corpus_assistant.ask("<script>alert(1)</script> What was the re-referral rate in Barnsley?")
    assert "<script>" not in marked.text  # the answer quotes the papers, not the question


def test_ids_and_files_that_do_not_exist_get_clear_errors(corpus_assistant, corpus_settings):
    with pytest.raises(AssistantError, match="no indexed document has the id nope"):
        corpus_assistant.suggest(["nope"])
    answer = corpus_assistant.ask("What is the re-referral rate?", __import__("assistant.types").types.Filters(doc_ids=("nope",)))
    assert answer.abstained and not answer.citations
    env = {**os.environ, "ASSISTANT_INDEX_DIR": str(corpus_settings.index_dir)}
    for args, message in [
        (["suggest", "--doc-id", "../../etc/passwd"], "no indexed document has the id"),
        (["suggest", "--source", "missing.pdf"], "no indexed file is called"),
        (["remove", "../manifest.json"], "no indexed file is called"),
    ]:
        run = subprocess.run([sys.executable, "-m", "assistant.cli", *args], capture_output=True, text=True,
                             env=env, timeout=300)
        assert run.returncode == 1, run.stderr
        assert message in run.stderr and "Traceback" not in run.stderr
    listed = subprocess.run([sys.executable, "-m", "assistant.cli", "documents", "--json"], capture_output=True,
                            text=True, env=env, timeout=300)
    assert len(json.loads(listed.stdout)) == len(corpus_assistant.documents())  # nothing was lost
