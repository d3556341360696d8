"""The lexical mirror (SQLite FTS5 beside the index): follows commits file by file, is
shared by a machine's app processes, and is derived data (deleting it loses nothing)."""

from __future__ import annotations

from files import corpus_file

from assistant.retrieve import LexicalIndex

RE_REFERRALS = "What was Barnsley's re-referral rate in October 2023?"


def _fetched_files(assistant, monkeypatch) -> list:
    """The file versions the mirror reads from Chroma from now on, one list per read."""
    reads, read = [], assistant.index.stored_records
    monkeypatch.setattr(assistant.index, "stored_records", lambda hashes: reads.append(sorted(hashes)) or read(hashes))
    return reads


def test_the_mirror_fetches_only_what_a_commit_changed(make_assistant, monkeypatch):
    app = make_assistant()
    app.ingest([corpus_file("bury")])
    app.ask(RE_REFERRALS)
    reads = _fetched_files(app, monkeypatch)

    app.ingest([corpus_file("barnsley-osc-2024")])
    barnsley = app.index.files()[corpus_file("barnsley-osc-2024").name]
    assert reads == [[barnsley.file_hash]]  # the new file only, not the library again
    answer = app.ask(RE_REFERRALS)
    assert "28.4%" in answer.text and answer.citations[0].source.startswith("barnsley")
    assert reads == [[barnsley.file_hash]]  # asking reads nothing more: it was synced at ingest

    assert app.lexical.search("Bury", None, 5)
    app.remove(corpus_file("bury").name)
    assert app.ask(RE_REFERRALS).text == answer.text
    assert app.lexical.search("Bury", None, 5) == []
    assert set(app.snapshot.passage_counts()) == {d.doc_id for d in barnsley.documents}
    assert len(reads) == 1  # a removal fetches nothing


def test_a_correction_reaches_lexical_search(make_assistant):
    app = make_assistant()
    app.ingest([corpus_file("bury")])
    document = app.documents()[0]
    app.correct(document.doc_id, title="Zanzibar improvement review")
    hit = app.retriever.search("Zanzibar", top_k=1)[0]
    assert hit.document.title == "Zanzibar improvement review"


def test_processes_on_one_machine_share_one_mirror(make_assistant, monkeypatch):
    writer = make_assistant()
    writer.ingest([corpus_file("barnsley-osc-2024")])
    reader = make_assistant()  # another app process on the same index folder
    reads = _fetched_files(reader, monkeypatch)
    assert "28.4%" in reader.ask(RE_REFERRALS).text
    assert reads == []  # the ingest had already brought the shared mirror up to date


def test_the_mirror_is_derived_data(make_assistant, tmp_path):
    app = make_assistant()
    app.ingest([corpus_file("barnsley-osc-2024"), corpus_file("bury")])
    before = [h.passage.passage_id for h in app.retriever.search(RE_REFERRALS, top_k=5)]
    idf = app.snapshot.idf(())
    fresh = LexicalIndex(tmp_path / "elsewhere.sqlite3")
    assert fresh.sync(app.index) == 2  # built again from Chroma, both files
    app.lexical = fresh
    app.reload()
    assert [h.passage.passage_id for h in app.retriever.search(RE_REFERRALS, top_k=5)] == before
    assert app.snapshot.idf(()) == idf


def test_a_lexical_search_reads_its_rarest_words_within_a_budget_of_postings(make_assistant, monkeypatch):
    import assistant.retrieve.lexical as lexical

    app = make_assistant()
    app.ingest([corpus_file("barnsley-osc-2024"), corpus_file("bury")])
    question = "How many children had a re-referral?"
    words = app.lexical._telling_words(question)
    assert "children" in words and "referr" in words  # a small archive is searched whole
    held = app.lexical._postings(set(words))
    assert max(held, key=held.get) == "children"
    monkeypatch.setattr(lexical, "POSTINGS_BUDGET", sum(held.values()) - 1)  # as if it were large
    words = app.lexical._telling_words(question)
    assert "children" not in words and "referr" in words
    assert app.lexical.search(question, None, 5)
    monkeypatch.setattr(lexical, "POSTINGS_BUDGET", min(held.values()) - 1)
    assert app.lexical.search(question, None, 5) == []  # every word too common: dense search alone


def test_a_mirror_from_another_version_of_the_code_is_built_again(make_assistant, monkeypatch):
    import assistant.retrieve.lexical as lexical

    app = make_assistant()
    app.ingest([corpus_file("bury")])
    monkeypatch.setattr(lexical, "SCHEMA_VERSION", "older")
    again = LexicalIndex.beside(app.index)
    assert again.sync(app.index) == 1 and again.search("Bury", None, 1)
