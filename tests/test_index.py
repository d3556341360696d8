"""A shared Chroma server, the write lock, pruning, and an ingest killed part-way.

Everything is real: `chroma run` started on a free loopback port, the `assistant` command
in subprocesses (one is killed with SIGKILL mid-write), the bundled embedding model.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
from chroma_server import BIN, restartable_chroma, running_chroma
from files import corpus_file

from assistant.config import Settings
from assistant.errors import IndexBusy, IndexUnavailable
from assistant.manifest import FileManifest

pytestmark = pytest.mark.slow
RE_REFERRALS = "What was the re-referral rate in Barnsley at the end of October 2023?"


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    """`chroma run` on a free port on 127.0.0.1, with its own data folder."""
    with running_chroma(tmp_path_factory.mktemp("chroma-server")) as port:
        yield port


def _on_server(port: int, folder: Path, embedder, collection: str):
    """An Assistant using the Chroma server; `folder` holds only its uploads."""
    from assistant.pipeline import Assistant

    settings = Settings(chroma_host="127.0.0.1", chroma_port=port, collection=collection,
                        index_dir=folder, corpus_dir=folder / "corpus")
    assistant = Assistant(settings, embedder=embedder)
    return assistant


def test_a_question_while_the_server_restarts_is_a_plain_try_again(tmp_path, embedder, monkeypatch):
    """A library small enough is searched from this machine's mirror (Retriever._dense), so
    its committed papers still answer; a large archive's question reaches the server."""
    import assistant.retrieve.hybrid as hybrid

    with restartable_chroma(tmp_path / "chroma") as server:
        app = _on_server(server.port, tmp_path / "app", embedder, "restarting")
        app.ingest([corpus_file("barnsley-osc-2024")])
        assert "28.4%" in app.ask(RE_REFERRALS).text

        server.stop()
        assert "28.4%" in app.ask(RE_REFERRALS).text  # a small library: from the mirror
        monkeypatch.setattr(hybrid, "FLAT_LIMIT", 0)  # as if the archive were large
        with pytest.raises(IndexUnavailable, match="try again"):
            app.ask(RE_REFERRALS)
        server.start()
        assert "28.4%" in app.ask(RE_REFERRALS).text  # nothing committed was lost; no restart of the app


def _cli(*args: str, env: dict, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "assistant"), *args], capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=timeout)


def test_ingest_ask_suggest_and_prune_on_a_chroma_server(chroma_server, tmp_path, embedder):
    papers = tmp_path / "papers"
    papers.mkdir()
    for prefix in ("barnsley-osc-2024", "bury"):
        shutil.copy(corpus_file(prefix), papers)
    writer = _on_server(chroma_server, tmp_path / "writer", embedder, "council-a")
    reader = _on_server(chroma_server, tmp_path / "reader", embedder, "council-a")  # a second app process
    assert {r.status for r in writer.ingest([papers])} == {"added"}
    assert not list((tmp_path / "writer").glob("manifest*"))  # the commit point is on the server

    answer = reader.ask(RE_REFERRALS)
    assert "28.4%" in answer.text and answer.citations[0].source.startswith("barnsley")
    barnsley = [d.doc_id for d in reader.documents() if d.source.startswith("barnsley")]
    assert reader.suggest(barnsley).questions

    # another process, through the command line, reads the same index
    env = {"ASSISTANT_CHROMA_HOST": "127.0.0.1", "ASSISTANT_CHROMA_PORT": str(chroma_server),
           "ASSISTANT_COLLECTION": "council-a", "ASSISTANT_INDEX_DIR": str(tmp_path / "cli")}
    run = _cli("ask", "--json", RE_REFERRALS, env=env)
    assert run.returncode == 0, run.stderr
    assert "28.4%" in json.loads(run.stdout)["answer"]

    # a paper leaves the folder: --prune removes it, and the reader's next answer knows
    (papers / corpus_file("barnsley-osc-2024").name).unlink()
    run = _cli("ingest", str(papers), "--prune", env=env)
    assert run.returncode == 0, run.stderr
    assert "removed" in run.stderr and "barnsley-osc-2024" in run.stderr
    assert [d.source for d in reader.documents()] == [corpus_file("bury").name]
    after = reader.ask(RE_REFERRALS)
    assert "28.4%" not in after.text
    assert all(c.source.startswith("bury") for c in after.citations)


def test_readers_answer_from_the_committed_state_while_an_ingest_runs(chroma_server, tmp_path, embedder):
    writer = _on_server(chroma_server, tmp_path / "w", embedder, "council-b")
    reader = _on_server(chroma_server, tmp_path / "r", embedder, "council-b")
    other = _on_server(chroma_server, tmp_path / "o", embedder, "council-b")
    writer.ingest([corpus_file("barnsley-osc-2024")])
    before = [d.source for d in reader.documents()]

    big = threading.Thread(target=writer.ingest, args=([corpus_file("north-somerset")],))
    big.start()  # ~380 passages: several seconds of writing
    time.sleep(1.5)
    with pytest.raises(IndexBusy, match="another ingest"):  # a second writer, any process
        other.ingest([corpus_file("bury")])
    pack = corpus_file("north-somerset").name
    seen, answers = [], 0
    while big.is_alive():
        seen.append(sum(e.passages for e in reader.library() if e.document.source == pack))
        answer = reader.ask(RE_REFERRALS)
        assert "28.4%" in answer.text  # never an error, never half an index
        answers += 1
    big.join()
    whole = reader.index.files()[pack].passages
    assert answers >= 1 and seen[0] == 0
    assert set(seen) <= {0, whole}  # the new paper was invisible until committed whole
    assert {d.source for d in reader.documents()} == {*before, pack}
    assert reader.check().ok


def test_a_second_ingest_is_refused_while_one_holds_the_embedded_index(make_assistant, tmp_path):
    holder = make_assistant()
    holder.ingest([corpus_file("bury")])
    with holder.index.writing():
        run = _cli("ingest", str(corpus_file("barnsley-osc-2024")),
                   env={"ASSISTANT_INDEX_DIR": str(holder.settings.index_dir)})
    assert run.returncode == 1
    assert "another ingest is writing to this index" in run.stderr and "Traceback" not in run.stderr
    assert [d.source for d in holder.documents()] == [corpus_file("bury").name]


def test_an_ingest_killed_mid_write_leaves_the_index_as_it_was(tmp_path):
    papers, index = tmp_path / "papers", tmp_path / "index"
    papers.mkdir()
    shutil.copy(corpus_file("barnsley-osc-2024"), papers)
    env = {"ASSISTANT_INDEX_DIR": str(index)}
    assert _cli("ingest", str(papers), env=env).returncode == 0
    committed = FileManifest(index).entries()

    # Tiny writes, so the kill lands between two of them. A file's passages are embedded
    # first and then written in a burst: in batches of 8 the pack's ~390 took 2 s, and a kill
    # 1.5 s after the first write sometimes came after its commit (CI caught it twice).
    # In pairs they take ~8 s; the kill comes a moment after the first.
    tiny_writes = {**env, "ASSISTANT_STORE_BATCH_SIZE": "2"}
    shutil.copy(corpus_file("north-somerset"), papers)
    child = subprocess.Popen([str(BIN / "assistant"), "ingest", str(papers)], env={**os.environ, **tiny_writes},
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    for line in child.stderr:  # wait until it has passed the first paper (already indexed)
        if "unchanged" in line:
            break
    _wait_for_writes(index, child)  # the pack's first pairs are in the store
    time.sleep(0.3)  # ...and ~190 more are to come
    child.send_signal(signal.SIGKILL)
    child.wait()

    assert FileManifest(index).entries() == committed  # nothing half-committed
    check = _cli("index", "check", env=env)
    assert check.returncode == 1 and "belong to no committed document" in check.stdout  # it died mid-write
    asked = _cli("ask", "--json", RE_REFERRALS, env=env)
    assert asked.returncode == 0 and "28.4%" in json.loads(asked.stdout)["answer"]

    repaired = _cli("index", "check", "--repair", env=env)
    assert repaired.returncode == 0 and "(removed)" in repaired.stdout
    assert "no inconsistencies" in _cli("index", "check", env=env).stdout
    again = _cli("ingest", str(papers), env=env)
    assert again.returncode == 0 and "added" in again.stderr
    assert "no inconsistencies" in _cli("index", "check", env=env).stdout


def _wait_for_writes(index: Path, child: subprocess.Popen, timeout: float = 180) -> None:
    """Until the store's files grow (the child has loaded the model, read the pack and
    begun writing its passages), rather than guessing how long that takes."""
    size = lambda: sum(f.stat().st_size for f in index.rglob("*") if f.is_file() and not f.name.startswith("manifest"))  # noqa: E731
    before, deadline = size(), time.monotonic() + timeout
    while size() < before + 50_000:
        assert child.poll() is None, "the ingest finished before it could be interrupted"
        assert time.monotonic() < deadline, "the ingest never began writing"
        time.sleep(0.2)


def test_an_app_sees_papers_another_process_ingested_into_the_embedded_store(make_assistant):
    app = make_assistant()  # as `assistant serve` holds it
    app.ingest([corpus_file("bury")])
    assert "28.4%" not in app.ask(RE_REFERRALS).text  # its search index is now in memory
    run = _cli("ingest", str(corpus_file("barnsley-osc-2024")), str(corpus_file("north-somerset")),
               env={"ASSISTANT_INDEX_DIR": str(app.settings.index_dir)})
    assert run.returncode == 0, run.stderr
    answer = app.ask(RE_REFERRALS)
    assert "28.4%" in answer.text and answer.citations[0].source.startswith("barnsley")


def test_a_library_too_large_for_one_read_or_one_filter_is_read_in_parts(corpus_assistant, monkeypatch, tmp_path):
    """Chroma's SQLite refuses a read of more than ~32,000 records, or a filter naming too
    many papers; the index reads in pages and filters in slices. Here both limits are
    made small enough for the five seed papers to cross them."""
    import assistant.index
    import assistant.manifest
    import assistant.retrieve.hybrid
    from assistant.pipeline import Assistant
    from assistant.retrieve import LexicalIndex
    from assistant.types import Filters

    whole = corpus_assistant
    questions = [(RE_REFERRALS, Filters()), ("What is the re-referral rate?", Filters(council="North Somerset Council"))]
    expected = [[h.passage.passage_id for h in whole.retriever.search(q, f, 5)] for q, f in questions]
    monkeypatch.setattr(assistant.manifest, "PAGE", 50)
    monkeypatch.setattr(assistant.index, "SLICE", 2)
    monkeypatch.setattr(assistant.retrieve.hybrid, "SLICE", 2)
    parts = Assistant(whole.settings, embedder=whole.index.embedder)
    parts.lexical = LexicalIndex(tmp_path / "lexical.sqlite3")  # its own mirror: read from Chroma afresh
    assert len(parts.snapshot.passages) == len(whole.snapshot.passages) > 50  # read 50 at a time
    assert len([d for d in parts.snapshot.documents.values() if d.council == "North Somerset Council"]) > 2
    assert [[h.passage.passage_id for h in parts.retriever.search(q, f, 5)] for q, f in questions] == expected
    assert parts.check().ok


def _written_before_per_file_records(index) -> dict:
    """The manifest as indexes written before it was kept per file held it: one record."""
    entries = index._manifest.entries()
    return {"files": entries, "corrections": {s: index.corrections(s) for s in entries if index.corrections(s)}}


def _corrected_bury(app) -> str:
    app.ingest([corpus_file("bury")])
    bury = app.documents()[0]
    app.correct(bury.doc_id, title="Bury children's services update")
    return bury.doc_id


def test_an_embedded_index_with_a_whole_file_manifest_opens_with_its_papers_and_corrections(make_assistant):
    app = make_assistant()
    doc_id = _corrected_bury(app)
    folder = app.settings.index_dir
    (folder / "manifest.json").write_text(json.dumps(_written_before_per_file_records(app.index)))
    for old in folder.glob("manifest.sqlite3*"):
        old.unlink()

    reopened = make_assistant()
    assert [d.title for d in reopened.documents() if d.doc_id == doc_id] == ["Bury children's services update"]
    assert reopened.index.corrections(corpus_file("bury").name)  # kept through the next re-ingest
    assert not (folder / "manifest.json").exists() and reopened.check().ok


def test_a_server_index_with_a_whole_manifest_record_opens_with_its_papers_and_corrections(chroma_server, tmp_path, embedder):
    app = _on_server(chroma_server, tmp_path / "a", embedder, "council-old")
    doc_id = _corrected_bury(app)
    old = _written_before_per_file_records(app.index)
    records = app.index._manifest.records
    records.delete(ids=records.get()["ids"])
    records.upsert(ids=["manifest"], documents=[json.dumps({**old, "version": "1"})], embeddings=[[0.0]])

    reopened = _on_server(chroma_server, tmp_path / "b", embedder, "council-old")
    assert [d.title for d in reopened.documents() if d.doc_id == doc_id] == ["Bury children's services update"]
    assert reopened.index.corrections(corpus_file("bury").name)
    assert "manifest" not in records.get()["ids"] and reopened.check().ok
