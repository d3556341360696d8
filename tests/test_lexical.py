"""The lexical mirror (SQLite FTS5 beside the index): follows commits file by file, is
shared by a machine's app processes, and is derived data (deleting it loses nothing)."""

from __future__ import annotations

import numpy as np
from files import corpus_file

from assistant.answer.units import quotable
from assistant.index import PAPER_KEY
from assistant.retrieve import LexicalIndex
from assistant.types import Filters

RE_REFERRALS = "What was Barnsley's re-referral rate in October 2023?"


def _fetched_files(assistant, monkeypatch) -> list:
    """The file versions the mirror reads from Chroma from now on, one list per read."""
    reads, read = [], assistant.index.stored_records
    monkeypatch.setattr(assistant.index, "stored_records", lambda hashes, **kw: reads.append(sorted(hashes)) or read(hashes, **kw))
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


def _searches_chroma_with(index, monkeypatch) -> list:
    """The papers each of Chroma's dense searches from now on was filtered by (() for none)."""
    calls, make = [], index.dense_retrievers
    monkeypatch.setattr(index, "dense_retrievers",
                        lambda doc_ids, *a, **kw: calls.append(tuple(doc_ids)) or make(doc_ids, *a, **kw))
    return calls


def test_a_few_papers_or_a_small_library_are_searched_exactly_over_their_vectors_in_the_mirror(make_assistant, monkeypatch):
    """Chroma evaluates any filter over its whole collection (slow in a large archive), so
    a question within one council's papers compares their vectors, kept in the mirror; so
    does a question over every paper of a library small enough (HNSW is approximate)."""
    import assistant.retrieve.hybrid as hybrid

    app = make_assistant()
    app.ingest([corpus_file("barnsley-osc-2024"), corpus_file("bury")])
    barnsley = tuple(d.doc_id for d in app.documents() if "Barnsley" in (d.council or ""))
    ids = [p.passage_id for p in app.snapshot.passages_of(barnsley)]
    stored = app.index.vectors(ids)  # as Chroma holds them
    query = app.index.embedder.embed_query(RE_REFERRALS)
    cosine = {pid: float(np.dot(query, v) / np.linalg.norm(v) / np.linalg.norm(query)) for pid, v in stored.items()}
    nearest = app.lexical.nearest(query, app.lexical.vectors_of(barnsley), 10)
    assert [record[0] for record, _ in nearest] == sorted(cosine, key=cosine.get, reverse=True)[:10]
    assert [round(s, 5) for _, s in nearest] == [round(cosine[r[0]], 5) for r, _ in nearest]

    searches = _searches_chroma_with(app.index, monkeypatch)
    app.reload()
    hits = app.retriever.retrieve(RE_REFERRALS, Filters(), 5).hits  # scoped to Barnsley by its name
    assert hits and all(h.document.doc_id in barnsley for h in hits)
    assert searches == []  # Chroma was not asked
    app.retriever.search("re-referrals", Filters(), 5)
    assert searches == []  # every paper of a small library: exact too
    monkeypatch.setattr(hybrid, "FLAT_LIMIT", 0)  # as if the library were large
    app.reload()
    app.retriever.search("re-referrals", Filters(), 5)
    assert searches == [()]  # every paper allowed: Chroma's own index, unfiltered


def test_an_exact_search_reads_the_papers_vectors_once_per_snapshot(make_assistant, monkeypatch):
    """Reading every vector from disk was most of an exact search's time; they are kept
    for the snapshot's life. A file removed meanwhile takes its passages out of the answers."""
    app = make_assistant()
    app.ingest([corpus_file("barnsley-osc-2024"), corpus_file("bury")])
    reads, read = [], app.lexical.vectors_of
    monkeypatch.setattr(app.lexical, "vectors_of", lambda doc_ids: reads.append(doc_ids) or read(doc_ids))
    app.reload()
    first = app.retriever.search("re-referrals", Filters(), 5)
    assert app.retriever.search("re-referrals", Filters(), 5) == first and len(reads) == 1
    bury = next(f for f in app.index.files() if f.startswith("bury"))
    bury_papers = {d.doc_id for d in app.documents() if d.source == bury}
    kept = app.retriever  # its vectors were read before the removal
    app.remove(bury)
    app.reload()
    assert app.retriever is not kept  # a new snapshot, and the mirror brought up to date with the library
    found = kept.snapshot.lexical.nearest(app.index.embedder.embed_query("Bury"), kept._vectors_of(kept._allowed(Filters())), 30)
    assert found and not any(record[2][PAPER_KEY] in bury_papers for record, _ in found)
    assert len(reads) == 1


def test_a_search_leaving_out_a_few_passages_asks_chroma_unfiltered_for_more(make_assistant, monkeypatch):
    import assistant.retrieve.hybrid as hybrid

    app = make_assistant()
    app.ingest([corpus_file("barnsley-osc-2024"), corpus_file("bury")])
    bury = next(f for f in app.index.files() if f.startswith("bury"))
    app.set_access(bury, restricted=True, groups=("cabinet",))
    monkeypatch.setattr(hybrid, "FLAT_LIMIT", 0)  # as if the papers allowed were many
    monkeypatch.setattr(hybrid, "MORE_LIMIT", app.index.files()[bury].passages)
    searches = _searches_chroma_with(app.index, monkeypatch)
    hits = app.retriever.search("How is Bury doing on children in care?", Filters(), 10)
    assert searches == [()]  # unfiltered, the restricted file's passages asked past
    assert hits and all(not h.document.restricted for h in hits)
    monkeypatch.setattr(hybrid, "MORE_LIMIT", 0)
    app.reload()
    app.retriever.search("How is Bury doing on children in care?", Filters(), 10)
    assert len(searches) == 2 and searches[1] != ()  # too many to ask past: filtered


def test_bringing_the_mirror_up_to_date_reads_the_file_list_once(make_assistant, monkeypatch, tmp_path):
    """A large archive's file list takes a while to read: the snapshot's is reused."""
    app = make_assistant()
    app.ingest([corpus_file("bury")])
    app.lexical = LexicalIndex(tmp_path / "another-machine.sqlite3")  # one that has not seen the ingest
    reads, read = [], app.index.files
    monkeypatch.setattr(app.index, "files", lambda: reads.append(1) or read())
    app.reload()
    app.snapshot  # the reload
    assert app.lexical.search("Bury", None, 1) and len(reads) == 1


def test_the_mirror_keeps_each_words_count_of_passages_as_sqlite_would_count_them(make_assistant):
    app = make_assistant()
    app.ingest([corpus_file("barnsley-osc-2024"), corpus_file("bury")])
    app.remove(corpus_file("bury").name)
    app.ingest([corpus_file("west-sussex")])

    def counted_by_sqlite() -> dict:
        with app.lexical.db.transaction() as db:
            db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocabulary USING fts5vocab(main, tokens, 'row')")
            return dict(db.execute("SELECT term, doc FROM temp.vocabulary").fetchall())

    kept = dict(app.lexical.db.read("SELECT term, passages FROM token_totals"))
    assert kept == counted_by_sqlite() and "bury" not in kept and "sussex" in kept
    assert app.lexical.db.read("SELECT COUNT(*) FROM vectors WHERE doc_id NOT IN (SELECT doc_id FROM passages)") == [(0,)]


def test_an_ingest_embeds_what_answers_may_quote_so_that_questions_need_not(make_assistant, monkeypatch, tmp_path):
    """Comparing quotes' meaning with the question was most of an answer's time."""
    app = make_assistant()
    app.ingest([corpus_file("barnsley-osc-2024")])
    embedder = app.index.embedder
    monkeypatch.setattr(embedder, "_quote_vectors", {})  # the shared model's memory of quotes: none yet
    embedded, embed = [], embedder.embed_texts
    monkeypatch.setattr(embedder, "embed_texts", lambda texts: embedded.extend(texts) or embed(texts))
    answer = app.ask(RE_REFERRALS)
    assert "28.4%" in answer.text and embedded == []

    passage = next(p for p in app.snapshot.passages if len(quotable(p)) > 2)
    texts = quotable(passage)
    kept = app.lexical.quote_vectors(texts)
    assert set(kept) == set(texts) and np.allclose([kept[t] for t in texts], embed(texts), atol=1e-5)

    elsewhere = make_assistant()  # a machine whose mirror lacks them: embedded at the question
    elsewhere.lexical = LexicalIndex(tmp_path / "another-machine.sqlite3")
    assert elsewhere.ask(RE_REFERRALS).text == answer.text and embedded

    app.remove(corpus_file("barnsley-osc-2024").name)
    app.snapshot  # the mirror follows the removal
    assert app.lexical.quote_vectors(texts) == {}
