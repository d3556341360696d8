"""Lexical search served from disk: a SQLite FTS5 mirror of the committed passages.

Why not in memory: each app process used to hold every passage and build its own BM25
copy, again after every commit anywhere (at 100,000 passages: 3 GB and 90 s per process).
Chroma 1.5's open-source engine has no sparse index to do it instead (checked).

The mirror is derived data. It copies from Chroma what the manifest commits, file by
file, and is brought up to date incrementally (new or changed files fetched, removed
ones dropped) by whichever process on the machine first sees a new index version; the
others wait on a file lock and share the result. Deleting it loses nothing.

It also keeps, per access class (public, or the groups a restricted paper is for), how
many passages hold each term, so term weights shown to a viewer count only the papers
they may see, without reading any passage.

Tokens are BM25's own (bm25s with the English stemmer and stop words, as LlamaIndex's
BM25Retriever used), stored space-separated, so SQLite's bm25() ranks the same words.

Each passage's stored vector is kept too, as Chroma holds it, in its own table (a file's together): for an
exact search over a few papers' passages (`nearest`; why, in hybrid.py's `_dense`), and for the rerank.
So are the vectors of what answers may quote, which the ingest embeds (`keep_quote_vectors`): not
derived from Chroma, but a cache by text (a machine whose mirror lacks them embeds them at the question).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import sqlite3
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Mapping

import bm25s
import numpy as np
import Stemmer

from assistant.index import passage_from_node, stored_node
from assistant.language.scoring import passages_with
from assistant.local_db import LocalDB
from assistant.manifest import FileEntry
from assistant.types import Passage, SourceDocument

FILES_PER_WRITE = 20  # files synced per transaction: readers see each file whole or not at all
SCHEMA_VERSION = "8"  # a mirror written by another version of this code is built again
# SQLite's bm25() scores every passage holding any word of the query, so a search costs in
# proportion to its words' postings (~1.7 ms per thousand here, whatever the archive's size).
# Words are taken rarest first while their postings fit this budget: the words that tell
# passages apart come first, and the commonest (a year, 'children', 'care'), which move
# BM25's ranking least, are left out once it is spent (the rerank still counts them). So a
# search costs the same at 1M passages as at 10k, and an archive small enough that no
# question reaches the budget is searched whole.
POSTINGS_BUDGET = 15_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (source TEXT PRIMARY KEY, fingerprint TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS passages (
    id INTEGER PRIMARY KEY, passage_id TEXT NOT NULL, source TEXT NOT NULL, doc_id TEXT NOT NULL,
    ord INTEGER NOT NULL, text TEXT NOT NULL, metadata TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS passages_by_doc ON passages (doc_id, ord);
CREATE INDEX IF NOT EXISTS passages_by_source ON passages (source);
CREATE INDEX IF NOT EXISTS passages_by_id ON passages (passage_id);
CREATE VIRTUAL TABLE IF NOT EXISTS tokens USING fts5 (words, doc_id UNINDEXED, tokenize = "unicode61 tokenchars '_'");
CREATE TABLE IF NOT EXISTS doc_terms (source TEXT NOT NULL, access TEXT NOT NULL, term TEXT NOT NULL,
    passages INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS doc_terms_by_source ON doc_terms (source);
CREATE TABLE IF NOT EXISTS term_totals (access TEXT NOT NULL, term TEXT NOT NULL, passages INTEGER NOT NULL,
    PRIMARY KEY (access, term)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS access_sizes (access TEXT PRIMARY KEY, passages INTEGER NOT NULL);
-- apart from the passages (an exact search reads a few papers' vectors only), keyed by the
-- passage's row, so a file's vectors lie together. Not WITHOUT ROWID: such a table keeps
-- under ~1 kB of a row in its page, and each 1.5 kB vector took a 4 kB overflow page.
CREATE TABLE IF NOT EXISTS vectors (id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL, vector BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS vectors_by_doc ON vectors (doc_id);
CREATE TABLE IF NOT EXISTS token_totals (term TEXT PRIMARY KEY, passages INTEGER NOT NULL) WITHOUT ROWID;
-- what answers may quote, embedded by the ingest that added the file (a cache: by text)
CREATE TABLE IF NOT EXISTS quote_vectors (key TEXT NOT NULL UNIQUE, source TEXT NOT NULL, vector BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS quote_vectors_by_source ON quote_vectors (source);
"""


@dataclass(frozen=True)
class PaperVectors:
    """Some papers' passage vectors: `matrix` row i (unit length) is mirror row `rows[i]`."""

    rows: list[int]
    matrix: np.ndarray


class LexicalIndex:
    def __init__(self, path: Path, model: str = ""):
        """`model`: the embedding model the index uses (quotes' vectors are kept by model)."""
        self.db = LocalDB(path)
        self.model = model
        self.path = self.db.path
        self._stemmer = Stemmer.Stemmer("english")
        self._fingerprints: dict[FileEntry, str] = {}
        with self._sync_lock():
            if self.path.exists() and self.db.state("schema") != SCHEMA_VERSION:
                self.db.delete()
            with self.db.transaction() as db:
                db.executescript(_SCHEMA)
                db.execute("INSERT OR REPLACE INTO state VALUES ('schema', ?)", (SCHEMA_VERSION,))

    @classmethod
    def beside(cls, index) -> "LexicalIndex":
        """The mirror of `index`'s collection, in its folder (on a Chroma server's app
        machines: each machine's own `index_dir`)."""
        return cls(index.dir / f"lexical-{index.settings.collection}.sqlite3", index.settings.resolved_embed_model())

    # --- bringing it up to date -------------------------------------------------------

    def sync(self, index, read: tuple[str, Mapping[str, FileEntry]] | None = None) -> int:
        """Make the mirror hold what `index` commits now; returns the files fetched.
        `read`: the (version, files) the caller has just read, used if still current (a
        large archive's file list takes a while to read)."""
        version = index.version()
        if self.db.state("version") == version:
            return 0
        with self._sync_lock():
            version = index.version()  # another process may have synced while we waited
            if self.db.state("version") == version:
                return 0
            committed = read[1] if read and read[0] == version else index.files()
            held = dict(self.db.read("SELECT source, fingerprint FROM files"))
            prints = self._fingerprints_of(committed)
            stale = [s for s in committed if held.get(s) != prints[s]]
            gone = [s for s in held if s not in committed]
            with self.db.transaction() as db:
                for source in gone:
                    _drop(db, source)
                    db.execute("DELETE FROM quote_vectors WHERE source = ?", (source,))
            for start in range(0, len(stale), FILES_PER_WRITE):
                some = {s: committed[s] for s in stale[start : start + FILES_PER_WRITE]}
                records = index.stored_records([e.file_hash for e in some.values()], vectors=True)
                with self.db.transaction() as db:
                    for source, entry in some.items():
                        _drop(db, source)
                        self._insert(db, entry, prints[source],
                                     [r for r in records if r[2].get("file_hash") == entry.file_hash])
            with self.db.transaction() as db:
                db.execute("INSERT OR REPLACE INTO state VALUES ('version', ?)", (version,))
            return len(stale)

    def _fingerprints_of(self, committed: Mapping[str, FileEntry]) -> dict[str, str]:
        """Each file's fingerprint, remembered from the last sync for entries unchanged
        since (at 8,000 files, working them all out took half a second a sync)."""
        known = self._fingerprints
        self._fingerprints = {entry: known.get(entry) or _fingerprint(entry) for entry in committed.values()}
        return {source: self._fingerprints[entry] for source, entry in committed.items()}

    def _insert(self, db: sqlite3.Connection, entry: FileEntry, fingerprint: str, records: list[tuple]) -> None:
        documents = {d.doc_id: d for d in entry.documents}
        nodes = [stored_node(pid, text, metadata) for pid, text, metadata, _ in records]
        indexed = [n.get_content(metadata_mode="embed") for n in nodes]
        tokenised = self._tokens(indexed)
        for node, (pid, text, metadata, vector), tokens in zip(nodes, records, tokenised):
            cursor = db.execute(
                "INSERT INTO passages (passage_id, source, doc_id, ord, text, metadata) VALUES (?, ?, ?, ?, ?, ?)",
                (pid, entry.source, node.metadata["doc_id"], node.metadata.get("order", 0), text, json.dumps(metadata)),
            )
            db.execute("INSERT INTO vectors (doc_id, id, vector) VALUES (?, ?, ?)", (node.metadata["doc_id"], cursor.lastrowid,
                                                                np.asarray(vector, dtype=np.float32).tobytes()))
            db.execute("INSERT INTO tokens (rowid, words, doc_id) VALUES (?, ?, ?)",
                       (cursor.lastrowid, " ".join(tokens), node.metadata["doc_id"]))
        _count_tokens(db, Counter(word for tokens in tokenised for word in set(tokens)), +1)
        for doc_id, document in documents.items():
            texts = [t for n, t in zip(nodes, indexed) if n.metadata["doc_id"] == doc_id]
            _count_terms(db, entry.source, _access(document), passages_with(texts), len(texts))
        db.execute("INSERT OR REPLACE INTO files VALUES (?, ?)", (entry.source, fingerprint))

    def _tokens(self, texts: list[str]) -> list[list[str]]:
        return bm25s.tokenize(texts, stopwords="english", stemmer=self._stemmer, return_ids=False,
                              show_progress=False)

    # --- search -----------------------------------------------------------------------

    def search(self, query: str, doc_ids: tuple[str, ...] | None, top_k: int) -> list[tuple[tuple, float]]:
        """The `top_k` passages BM25 ranks best for `query`, as (passage id, text, Chroma
        metadata) with a positive score; only of `doc_ids` (None: any committed paper)."""
        words = self._telling_words(query)
        if not words or doc_ids == ():
            return []
        match = " OR ".join(f'"{w}"' for w in words)
        only = "" if doc_ids is None else "AND doc_id IN (SELECT value FROM json_each(?))"
        # the best rows found by the FTS index alone, then their passages: joining first
        # would carry every match's text through the sort
        rows = self.db.read(
            "SELECT p.passage_id, p.text, p.metadata, best.score FROM (SELECT rowid, -bm25(tokens) AS score "
            f"FROM tokens WHERE tokens MATCH ? {only} ORDER BY score DESC LIMIT ?) AS best "
            "JOIN passages p ON p.id = best.rowid ORDER BY best.score DESC",
            (match, *(() if doc_ids is None else (json.dumps(doc_ids),)), top_k),
        )
        return [((pid, text, json.loads(meta)), score) for pid, text, meta, score in rows if score > 0]

    def _telling_words(self, query: str) -> list[str]:
        """The query's BM25 tokens, rarest first while their postings fit POSTINGS_BUDGET
        (none if even the rarest is too common to search for)."""
        words = set(self._tokens([query])[0])
        held = self._postings(words)
        kept, spent = [], 0
        for word in sorted(words, key=lambda w: (held[w], w)):
            spent += held[word]
            if spent > POSTINGS_BUDGET:
                break
            kept.append(word)
        return sorted(kept)

    def _postings(self, words: set[str]) -> dict[str, int]:
        """How many passages hold each word (kept in `token_totals`: SQLite's own count
        reads the word's postings, ~15 ms for a word in 150,000 passages)."""
        return {**dict.fromkeys(words, 0), **dict(self.db.read(
            "SELECT term, passages FROM token_totals WHERE term IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted(words)),)))}

    # --- vectors ----------------------------------------------------------------------

    def vectors_of(self, doc_ids: tuple[str, ...]) -> "PaperVectors":
        """Every passage vector of these papers, as one matrix of unit rows (what an exact
        search compares the question with)."""
        rows = self.db.read("SELECT id, vector FROM vectors WHERE doc_id IN (SELECT value FROM json_each(?))",
                            (json.dumps(doc_ids),))
        if not rows:
            return PaperVectors([], np.zeros((0, 0), dtype=np.float32))
        matrix = np.frombuffer(b"".join(vector for _, vector in rows), dtype=np.float32).reshape(len(rows), -1)
        return PaperVectors([row for row, _ in rows], matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12))

    def nearest(self, query_vector: list[float], papers: "PaperVectors", top_k: int) -> list[tuple[tuple, float]]:
        """Exact search: the `top_k` of the papers' passages whose vectors are nearest the
        query's (cosine similarity, every passage compared), as `search` gives them."""
        if not papers.rows:
            return []
        query = np.asarray(query_vector, dtype=np.float32)
        similarity = papers.matrix @ (query / max(float(np.linalg.norm(query)), 1e-12))
        best = np.argsort(-similarity, kind="stable")[:top_k]
        wanted = [papers.rows[i] for i in best]
        found = {row[0]: row[1:] for row in self.db.read(
            "SELECT id, passage_id, text, metadata FROM passages WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(wanted),))}
        # a file removed since the vectors were read has taken its passages with it
        return [((found[row][0], found[row][1], json.loads(found[row][2])), float(similarity[i]))
                for row, i in zip(wanted, best) if row in found]

    def vectors(self, passage_ids: list[str]) -> dict[str, np.ndarray]:
        """The stored vectors of these passages (those the mirror holds)."""
        rows = self.db.read("SELECT p.passage_id, v.vector FROM passages p JOIN vectors v ON v.id = p.id "
                            "WHERE p.passage_id IN (SELECT value FROM json_each(?))",
                            (json.dumps(passage_ids),))
        return {pid: np.frombuffer(vector, dtype=np.float32) for pid, vector in rows}

    def quote_vectors(self, texts: list[str]) -> dict[str, list[float]]:
        """The vectors kept of these quotable texts (those an ingest on this machine embedded)."""
        keys = {self._quote_key(t): t for t in texts}
        rows = self.db.read("SELECT key, vector FROM quote_vectors WHERE key IN (SELECT value FROM json_each(?))",
                            (json.dumps(list(keys)),))
        return {keys[key]: np.frombuffer(vector, dtype=np.float32).tolist() for key, vector in rows}

    def keep_quote_vectors(self, source: str, vectors: Mapping[str, list[float]]) -> None:
        """Keep the vectors of a file's quotable texts until the file leaves the library.
        Kept whatever the mirror holds yet (they are keyed by text, not by passage)."""
        with self.db.transaction() as db:
            db.executemany("INSERT OR REPLACE INTO quote_vectors VALUES (?, ?, ?)",
                           [(self._quote_key(t), source, np.asarray(v, dtype=np.float32).tobytes()) for t, v in vectors.items()])

    def _quote_key(self, text: str) -> str:
        return hashlib.blake2b(f"{self.model}\0{text}".encode(), digest_size=16).hexdigest()

    # --- passages and term statistics -----------------------------------------------

    def passages_of(self, doc_ids: Iterable[str]) -> list[Passage]:
        rows = self.db.read("SELECT passage_id, text, metadata FROM passages WHERE doc_id IN "
                          "(SELECT value FROM json_each(?)) ORDER BY doc_id, ord", (json.dumps(list(doc_ids)),))
        return [_passage(row) for row in rows]

    def passage(self, passage_id: str) -> Passage | None:
        rows = self.db.read("SELECT passage_id, text, metadata FROM passages WHERE passage_id = ?", (passage_id,))
        return _passage(rows[0]) if rows else None

    def passage_counts(self) -> Counter:
        return Counter(dict(self.db.read("SELECT doc_id, COUNT(*) FROM passages GROUP BY doc_id")))

    def term_counts(self, groups: tuple[str, ...]) -> tuple[Counter, int]:
        """How many passages a viewer in `groups` may see hold each term, and how many
        passages they may see."""
        classes = [a for (a,) in self.db.read("SELECT access FROM access_sizes") if _may_see(a, groups)]
        chosen = json.dumps(classes)
        counts = Counter(dict(self.db.read(
            "SELECT term, SUM(passages) FROM term_totals WHERE access IN (SELECT value FROM json_each(?)) "
            "GROUP BY term", (chosen,))))
        total = self.db.read("SELECT COALESCE(SUM(passages), 0) FROM access_sizes WHERE access IN "
                           "(SELECT value FROM json_each(?))", (chosen,))[0][0]
        return counts, total

    # --- plumbing -----------------------------------------------------------------------

    @contextmanager
    def _sync_lock(self) -> Iterator[None]:
        with open(self.path.with_suffix(".lock"), "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)  # released by the OS if the process dies
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _passage(row: tuple[str, str, str]) -> Passage:
    """A (passage id, text, metadata JSON) row as a Passage."""
    passage_id, text, metadata = row
    return passage_from_node(stored_node(passage_id, text, json.loads(metadata)))


def _drop(db: sqlite3.Connection, source: str) -> None:
    # a file's papers of one access class each added their counts (summed here)
    held = "(SELECT access, term, SUM(passages) AS n FROM doc_terms WHERE source = ? GROUP BY access, term) AS d"
    db.execute(f"UPDATE term_totals SET passages = passages - d.n FROM {held} "
               "WHERE term_totals.access = d.access AND term_totals.term = d.term", (source,))
    db.execute("DELETE FROM term_totals WHERE passages <= 0")
    db.execute(f"UPDATE access_sizes SET passages = passages - d.n FROM {held} "
               "WHERE d.term = '' AND access_sizes.access = d.access", (source,))
    db.execute("DELETE FROM access_sizes WHERE passages <= 0")
    db.execute("DELETE FROM doc_terms WHERE source = ?", (source,))
    dropped = db.execute("SELECT words FROM tokens WHERE rowid IN (SELECT id FROM passages WHERE source = ?)", (source,))
    _count_tokens(db, Counter(word for (words,) in dropped for word in set(words.split())), -1)
    db.execute("DELETE FROM vectors WHERE doc_id IN (SELECT DISTINCT doc_id FROM passages WHERE source = ?)", (source,))
    db.execute("DELETE FROM tokens WHERE rowid IN (SELECT id FROM passages WHERE source = ?)", (source,))
    db.execute("DELETE FROM passages WHERE source = ?", (source,))
    db.execute("DELETE FROM files WHERE source = ?", (source,))


def _count_tokens(db: sqlite3.Connection, passages_with: Counter, sign: int) -> None:
    """Add (+1) or take away (-1) how many passages hold each BM25 token."""
    db.executemany("INSERT INTO token_totals VALUES (?, ?) ON CONFLICT (term) DO UPDATE SET "
                   "passages = passages + excluded.passages", [(w, sign * n) for w, n in passages_with.items()])
    db.execute("DELETE FROM token_totals WHERE passages <= 0 AND term IN (SELECT value FROM json_each(?))",
               (json.dumps(list(passages_with)),))


def _count_terms(db: sqlite3.Connection, source: str, access: str, counts: Counter, passages: int) -> None:
    """Add one paper's term counts to its access class's totals (the row with no term
    holds its number of passages)."""
    rows = [(source, access, term, n) for term, n in counts.items()] + [(source, access, "", passages)]
    db.executemany("INSERT INTO doc_terms VALUES (?, ?, ?, ?)", rows)
    db.executemany(
        "INSERT INTO term_totals VALUES (?, ?, ?) ON CONFLICT (access, term) DO UPDATE SET passages = passages + excluded.passages",
        [(access, term, n) for term, n in counts.items()],
    )
    db.execute("INSERT INTO access_sizes VALUES (?, ?) ON CONFLICT (access) DO UPDATE SET "
               "passages = passages + excluded.passages", (access, passages))


def _access(document: SourceDocument) -> str:
    """A paper's access class: '' for public, else the groups that may see it."""
    return ",".join(sorted(document.groups)) if document.restricted else ""


def _may_see(access: str, groups: tuple[str, ...]) -> bool:
    """`access.visible` for a class rather than a paper."""
    return access == "" or bool(set(access.split(",")) & set(groups))


def _fingerprint(entry: FileEntry) -> str:
    """Changes with anything the manifest says of a file (a new version, a correction, a
    change of access), so the mirror fetches it again."""
    # the fields as `dataclasses.asdict` gives them, five times faster (it copies deeply)
    fields = {**vars(entry), "documents": [vars(d) for d in entry.documents]}
    return hashlib.sha256(json.dumps(fields, sort_keys=True, default=str).encode()).hexdigest()
