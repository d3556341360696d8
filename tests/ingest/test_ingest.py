"""Ingest is idempotent, replaces changed files, skips bad ones, and never half-commits."""

import json
import subprocess
import sys

import pytest

from assistant.ingest import file_hash, parse_file


def test_reingest_skips_unchanged_and_replaces_changed(make_assistant, copy_corpus):
    corpus = copy_corpus("bury")
    assistant = make_assistant()
    first = assistant.ingest([corpus])
    assert [r.status for r in first] == ["added"]
    count = assistant.index.collection.count()

    again = assistant.ingest([corpus])
    assert [r.status for r in again] == ["unchanged"]
    assert assistant.index.collection.count() == count

    path = next(corpus.iterdir())
    path.write_text(path.read_text("utf-8") + "\n3.1 A new paragraph says caseloads are 17.\n", "utf-8")
    changed = assistant.ingest([corpus])
    assert [r.status for r in changed] == ["updated"]
    hashes = {m["file_hash"] for m in assistant.index.collection.get(include=["metadatas"])["metadatas"]}
    assert hashes == {file_hash(path)}  # old version's passages are gone
    answer = assistant.ask("What are caseloads in Bury according to the new paragraph?")
    assert any("caseloads are 17" in c.text for c in answer.citations)


def test_bad_files_are_skipped_and_the_rest_ingested(make_assistant, copy_corpus):
    corpus = copy_corpus("bury")
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "junk.pdf").write_bytes(b"not a pdf at all")
    (corpus / "sheet.xlsx").write_bytes(b"PK\x03\x04")
    results = {r.path.split("/")[-1]: r for r in make_assistant().ingest([corpus])}
    assert results["empty.txt"].status == "skipped" and "empty" in results["empty.txt"].reason
    assert results["junk.pdf"].status == "skipped"
    assert results["sheet.xlsx"].status == "skipped" and "unsupported" in results["sheet.xlsx"].reason
    assert sum(r.status == "added" for r in results.values()) == 1


def test_uncommitted_passages_are_invisible_and_swept(make_assistant, copy_corpus, tmp_path):
    """An ingest that dies after writing vectors but before committing leaves nothing visible."""
    corpus = copy_corpus("bury", "west-sussex")
    assistant = make_assistant()
    bury = next(p for p in corpus.iterdir() if p.name.startswith("bury"))
    assistant.ingest([bury])
    committed = assistant.index.files()

    # Simulate the crash: write West Sussex's vectors, then die before its commit.
    west = next(p for p in corpus.iterdir() if p.name.startswith("west"))
    parsed = parse_file(west, assistant.index.embedder.count_tokens, 180)
    index = assistant.index
    real_commit = index._commit
    index._commit = lambda *args, **kwargs: (_ for _ in ()).throw(KeyboardInterrupt())
    try:
        index.add_file(west.name, file_hash(west), parsed)
    except KeyboardInterrupt:
        pass
    index._commit = real_commit

    assert index.files() == committed
    assistant.reload()  # read the store again, orphans and all
    answer = assistant.ask("Who is the Director of Children's Services, John Readman?")
    assert all(c.source.startswith("bury") for c in answer.citations)
    assert index.sweep_orphans() > 0
    assert index.collection.count() == index.passage_count()


@pytest.mark.slow
def test_cli_ingest_reports_skips_and_exits_non_zero(tmp_path, copy_corpus):
    corpus = copy_corpus("bury")
    (corpus / "empty.txt").write_bytes(b"")
    env = {"ASSISTANT_INDEX_DIR": str(tmp_path / "index"), "PATH": "/usr/bin:/bin"}
    run = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ingest", str(corpus)],
        capture_output=True, text=True, env=env, timeout=300,
    )
    assert run.returncode == 1
    assert "skipped" in run.stderr and "empty.txt: the file is empty" in run.stderr
    assert "1 file(s) indexed, 1 skipped" in run.stderr
    listed = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "documents", "--json"],
        capture_output=True, text=True, env=env, timeout=120,
    )
    assert json.loads(listed.stdout)[0]["council"] == "Bury Council"


def test_two_files_of_one_name_in_one_ingest_are_not_merged(make_assistant, tmp_path):
    """The library knows papers by file name: the second 'minutes.txt' would silently
    replace the first. It is skipped with the reason instead, and the first stays."""
    for council in ("barnsley", "bury"):
        folder = tmp_path / council
        folder.mkdir()
        (folder / "minutes.txt").write_text(f"{council.title()} Council\n\n1.1 The {council} panel met and noted the report.\n", "utf-8")
    assistant = make_assistant()
    first, second = assistant.ingest([tmp_path / "barnsley", tmp_path / "bury"])
    assert first.status == "added"
    assert second.status == "skipped" and "same file name" in second.reason and "barnsley" in second.reason
    assert [d.council for d in assistant.documents()] == ["Barnsley Council"]
