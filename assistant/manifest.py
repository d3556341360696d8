"""The commit point of the index, and the lock that lets one ingest write at a time;
what it records of each file, and the report of checking the store against it.

The manifest lists the files (by content hash) whose passages are committed; retrieval
reads nothing else. Two homes, one interface:

- `FileManifest`: `manifest.json` beside an embedded Chroma store, replaced atomically;
  the lock is an OS file lock (released by the OS if the ingest dies).
- `ChromaManifest`: one record in a small side collection on a Chroma server, so every
  app process, on any machine, reads the same commit point; the lock is a lease record
  that expires if its holder dies.

`version()` changes whenever the manifest does: readers compare it to reload.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

from assistant.errors import IndexBusy
from assistant.types import SourceDocument


def _holder() -> dict:
    return {"host": socket.gethostname(), "pid": os.getpid(),
            "since": datetime.now(timezone.utc).isoformat(timespec="seconds")}


def _busy(holder: dict) -> IndexBusy:
    return IndexBusy(
        f"another ingest is writing to this index (process {holder.get('pid')} on {holder.get('host')}, "
        f"since {holder.get('since')}); try again when it has finished"
    )


class FileManifest:
    def __init__(self, folder: Path):
        self.path = folder / "manifest.json"
        self.lock_path = folder / "ingest.lock"

    def read(self) -> dict:
        if not self.path.exists():
            return {"files": {}}
        return json.loads(self.path.read_text("utf-8"))

    def write(self, manifest: dict) -> None:
        # Atomic: readers see the old manifest or the new one, never half of either.
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".manifest-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(manifest, handle, indent=1, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)

    def version(self) -> str:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return ""
        return f"{stat.st_mtime_ns}-{stat.st_size}-{stat.st_ino}"

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


class ChromaManifest:
    LEASE_SECONDS = 600.0  # an ingest renews its lease at every file; a dead one's lapses
    VERSION_TTL = 1.0

    def __init__(self, client, collection: str):
        # no embedding function: these records are never searched (and Chroma's default
        # model would be downloaded)
        self.records = client.get_or_create_collection(f"{collection}-manifest", embedding_function=None)
        self._checked = ("", float("-inf"))  # (version, when read)

    def _get(self, key: str) -> dict | None:
        got = self.records.get(ids=[key], include=["documents"])
        return json.loads(got["documents"][0]) if got["ids"] else None

    def _put(self, key: str, value: dict) -> None:
        self.records.upsert(ids=[key], documents=[json.dumps(value)], embeddings=[[0.0]])

    def read(self) -> dict:
        return self._get("manifest") or {"files": {}}

    def write(self, manifest: dict) -> None:
        version = uuid.uuid4().hex
        self._put("manifest", {**manifest, "version": version})  # one upsert: atomic
        self._checked = (version, time.monotonic())

    def version(self) -> str:
        """Read at most once a second: every question asks whether another process has
        committed, and a second's delay in seeing a new paper costs nothing."""
        now = time.monotonic()
        if now - self._checked[1] > self.VERSION_TTL:
            self._checked = ((self._get("manifest") or {}).get("version", ""), now)
        return self._checked[0]

    @contextmanager
    def lock(self) -> Iterator[Callable[[], None]]:
        token = uuid.uuid4().hex
        held = self._get("lock")
        if held and held.get("expires", 0) > time.time():
            raise _busy(held)
        self._put("lock", {**_holder(), "token": token, "expires": time.time() + self.LEASE_SECONDS})
        time.sleep(0.2)  # Chroma has no compare-and-swap: whoever wrote last holds the lease
        mine = self._get("lock") or {}
        if mine.get("token") != token:
            raise _busy(mine)

        def renew() -> None:
            self._put("lock", {**mine, "expires": time.time() + self.LEASE_SECONDS})

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
        documents = tuple(SourceDocument(**{**d, "groups": tuple(d.get("groups", ()))}) for d in entry["documents"])
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
