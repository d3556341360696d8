"""The commit point of the index, and the lock that lets one ingest write at a time;
what it records of each file, and the report of checking the store against it.

The manifest lists the files (by content hash) whose passages are committed; retrieval
reads nothing else. It holds one record per file (and an officer's corrections per file),
so committing a file writes that file's record, not the whole list: an archive of
thousands of papers ingests as fast at the end as at the start. Two homes, one interface:

- `FileManifest`: a SQLite file beside an embedded Chroma store; each commit is one
  transaction; the lock is an OS file lock (released by the OS if the ingest dies).
- `ChromaManifest`: records in a small side collection on a Chroma server, so every app
  process, on any machine, reads the same commit point; each commit is one upsert; the
  lock is a lease record that expires if its holder dies.

`version()` changes with every commit: readers compare it to reload.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

from assistant.errors import IndexBusy
from assistant.local_db import LocalDB
from assistant.types import SourceDocument

PAGE = 10_000  # records read from Chroma at once (see read_all)


def read_all(collection, where: dict | None = None, include: list[str] = ()) -> dict[str, list]:
    """Every record of a Chroma collection matching `where`, a page at a time: Chroma's
    SQLite refuses to return more than ~32,000 records at once (a 100,000-passage library
    could not be loaded)."""
    found = {"ids": [], **{key: [] for key in include}}
    while True:
        page = collection.get(where=where, include=list(include), limit=PAGE, offset=len(found["ids"]))
        for key in found:
            found[key].extend(page[key])
        if len(page["ids"]) < PAGE:
            return found


def _holder() -> dict:
    return {"host": socket.gethostname(), "pid": os.getpid(),
            "since": datetime.now(timezone.utc).isoformat(timespec="seconds")}


def _busy(holder: dict) -> IndexBusy:
    return IndexBusy(
        f"another ingest is writing to this index (process {holder.get('pid')} on {holder.get('host')}, "
        f"since {holder.get('since')}); try again when it has finished"
    )


_SCHEMA = """
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (source TEXT PRIMARY KEY, entry TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS corrections (source TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class FileManifest:
    def __init__(self, folder: Path):
        self.db = LocalDB(folder / "manifest.sqlite3", durable=True)
        self.lock_path = folder / "ingest.lock"
        with self.db.transaction() as db:
            db.executescript(_SCHEMA)
        self._import_whole_file(folder / "manifest.json")

    def _import_whole_file(self, old: Path) -> None:
        """An index written before the manifest was kept per file: its `manifest.json`,
        imported once (inside the write transaction, so two processes opening it together
        import it once)."""
        if not old.exists():
            return
        with self.db.transaction() as db:
            db.execute("BEGIN IMMEDIATE")
            if not old.exists():  # another process imported it while we waited
                return
            manifest = json.loads(old.read_text("utf-8"))
            db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?)",
                           [(s, json.dumps(e)) for s, e in manifest.get("files", {}).items()])
            db.executemany("INSERT OR REPLACE INTO corrections VALUES (?, ?)",
                           [(s, json.dumps(c)) for s, c in manifest.get("corrections", {}).items()])
            _bump(db)
            old.rename(old.with_name("manifest.json.imported"))

    def entries(self) -> dict[str, dict]:
        return {source: json.loads(entry) for source, entry in self.db.read("SELECT source, entry FROM files")}

    def entry(self, source: str) -> dict | None:
        rows = self.db.read("SELECT entry FROM files WHERE source = ?", (source,))
        return json.loads(rows[0][0]) if rows else None

    def corrections(self, source: str) -> dict:
        rows = self.db.read("SELECT value FROM corrections WHERE source = ?", (source,))
        return json.loads(rows[0][0]) if rows else {}

    def commit(self, source: str, entry: dict, corrections: dict | None = None) -> None:
        """One file's record (and its corrections, if given) in one transaction."""
        with self.db.transaction() as db:
            db.execute("INSERT OR REPLACE INTO files VALUES (?, ?)", (source, json.dumps(entry)))
            if corrections is not None:
                db.execute("INSERT OR REPLACE INTO corrections VALUES (?, ?)", (source, json.dumps(corrections)))
            _bump(db)

    def uncommit(self, sources: list[str], corrections: bool) -> None:
        """Drop these files (and, with `corrections`, what officers corrected in them)."""
        with self.db.transaction() as db:
            db.executemany("DELETE FROM files WHERE source = ?", [(s,) for s in sources])
            if corrections:
                db.executemany("DELETE FROM corrections WHERE source = ?", [(s,) for s in sources])
            _bump(db)

    def version(self) -> str:
        return self.db.state("version") or ""

    @contextmanager
    def lock(self) -> Iterator[Callable[[], None]]:
        """Held while writing; yields `renew` (call it now and then during a long ingest)."""
        with open(self.lock_path, "a+", encoding="utf-8") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.seek(0)
                raise _busy(_parse(handle.read())) from None
            handle.seek(0)
            handle.truncate()
            handle.write(json.dumps(_holder()))
            handle.flush()
            try:
                yield lambda: None  # an OS lock needs no renewing
            finally:
                handle.truncate(0)
                fcntl.flock(handle, fcntl.LOCK_UN)


def _bump(db) -> None:
    db.execute("INSERT OR REPLACE INTO state VALUES ('version', ?)", (uuid.uuid4().hex,))


class ChromaManifest:
    LEASE_SECONDS = 600.0  # an ingest renews its lease at every file; a dead one's lapses
    VERSION_TTL = 1.0
    FILE, CORRECTIONS = "file:", "corrections:"  # record id prefixes, before the file's name

    def __init__(self, client, collection: str):
        # no embedding function: these records are never searched (and Chroma's default
        # model would be downloaded)
        self.records = client.get_or_create_collection(f"{collection}-manifest", embedding_function=None)
        self._checked = ("", float("-inf"))  # (version, when read)
        self._split_whole_record()

    def _split_whole_record(self) -> None:
        """An index written before the manifest was kept per file holds one record for all
        files: split it. Two processes doing it at once write the same records."""
        whole = self._get("manifest")
        if whole is None:
            return
        records = [(self.FILE + s, e, "file") for s, e in whole.get("files", {}).items()]
        records += [(self.CORRECTIONS + s, c, "corrections") for s, c in whole.get("corrections", {}).items()]
        for start in range(0, len(records), 1000):
            self._put(records[start : start + 1000])
        self._put([("version", {"version": uuid.uuid4().hex}, "version")])
        self.records.delete(ids=["manifest"])

    def _get(self, key: str) -> dict | None:
        got = self.records.get(ids=[key], include=["documents"])
        return json.loads(got["documents"][0]) if got["ids"] else None

    def _put(self, records: list[tuple[str, dict, str]]) -> None:
        """(id, value, kind) records in one upsert: all or none."""
        self.records.upsert(ids=[key for key, _, _ in records],
                            documents=[json.dumps(value) for _, value, _ in records],
                            metadatas=[{"kind": kind} for _, _, kind in records],
                            embeddings=[[0.0]] * len(records))

    def entries(self) -> dict[str, dict]:
        got = read_all(self.records, where={"kind": "file"}, include=["documents"])
        return {key.removeprefix(self.FILE): json.loads(doc) for key, doc in zip(got["ids"], got["documents"])}

    def entry(self, source: str) -> dict | None:
        return self._get(self.FILE + source)

    def corrections(self, source: str) -> dict:
        return self._get(self.CORRECTIONS + source) or {}

    def commit(self, source: str, entry: dict, corrections: dict | None = None) -> None:
        """The file's record, its corrections if given, and a new version: one upsert."""
        version = uuid.uuid4().hex
        records = [(self.FILE + source, entry, "file"), ("version", {"version": version}, "version")]
        if corrections is not None:
            records.append((self.CORRECTIONS + source, corrections, "corrections"))
        self._put(records)
        self._checked = (version, time.monotonic())

    def uncommit(self, sources: list[str], corrections: bool) -> None:
        ids = [self.FILE + s for s in sources] + ([self.CORRECTIONS + s for s in sources] if corrections else [])
        for start in range(0, len(ids), 500):
            self.records.delete(ids=ids[start : start + 500])
        version = uuid.uuid4().hex
        self._put([("version", {"version": version}, "version")])
        self._checked = (version, time.monotonic())

    def version(self) -> str:
        """Read at most once a second: every question asks whether another process has
        committed, and a second's delay in seeing a new paper costs nothing."""
        now = time.monotonic()
        if now - self._checked[1] > self.VERSION_TTL:
            self._checked = ((self._get("version") or {}).get("version", ""), now)
        return self._checked[0]

    @contextmanager
    def lock(self) -> Iterator[Callable[[], None]]:
        token = uuid.uuid4().hex
        held = self._get("lock")
        if held and held.get("expires", 0) > time.time():
            raise _busy(held)
        self._put([("lock", {**_holder(), "token": token, "expires": time.time() + self.LEASE_SECONDS}, "lock")])
        time.sleep(0.2)  # Chroma has no compare-and-swap: whoever wrote last holds the lease
        mine = self._get("lock") or {}
        if mine.get("token") != token:
            raise _busy(mine)

        def renew() -> None:
            self._put([("lock", {**mine, "expires": time.time() + self.LEASE_SECONDS}, "lock")])

        try:
            yield renew
        finally:
            if (self._get("lock") or {}).get("token") == token:
                self.records.delete(ids=["lock"])


def _parse(text: str) -> dict:
    try:
        return json.loads(text)
    except ValueError:
        return {}


@dataclass(frozen=True)
class FileEntry:
    """One committed file, as the manifest records it."""

    source: str
    file_hash: str
    documents: tuple[SourceDocument, ...]
    passages: int
    added: str | None  # ISO timestamp of the ingest that committed it
    path: str | None = None  # where it was read from (absent in indexes made before it was kept)

    @classmethod
    def from_manifest(cls, source: str, entry: dict) -> "FileEntry":
        documents = tuple(SourceDocument(**{**d, "groups": tuple(d.get("groups", ())),
                                             "glossary": tuple(map(tuple, d.get("glossary", ())))})
                          for d in entry["documents"])
        return cls(source, entry["file_hash"], documents, entry["passages"], entry.get("added"), entry.get("path"))


@dataclass(frozen=True)
class CheckReport:
    files: int
    passages: int  # stored, committed or not
    orphans: int  # passages no committed document owns
    incomplete: dict[str, tuple[int, int]]  # file -> (passages committed, passages found)
    repaired: bool = False

    @property
    def ok(self) -> bool:
        return not self.orphans and not self.incomplete

    def lines(self) -> list[str]:
        done = " (removed)" if self.repaired else ""
        found = [f"{self.files} files committed, {self.passages} passages stored"]
        if self.orphans:
            found.append(f"{self.orphans} passages belong to no committed document{done}")
        for source, (expected, there) in self.incomplete.items():
            action = " (un-committed: run `assistant ingest` to index it again)" if self.repaired else ""
            found.append(f"{source}: {there} of its {expected} passages are in the store{action}")
        if self.ok:
            found.append("no inconsistencies")
        return found
