"""A SQLite file shared by the processes of one machine (the manifest beside an embedded
store, the lexical mirror): a connection per thread, every use one transaction."""

from __future__ import annotations

import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


class LocalDB:
    def __init__(self, path: Path, durable: bool = False):
        """`durable`: every commit reaches the disk before it returns (a commit point);
        otherwise a power cut may lose the last commits (derived data, rebuilt)."""
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._synchronous = "FULL" if durable else "NORMAL"
        self._local = threading.local()  # one connection per thread (sqlite3's rule)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """This thread's connection, inside one transaction."""
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=60)
            db.execute("PRAGMA journal_mode=WAL")  # readers go on while a writer writes
            db.execute(f"PRAGMA synchronous={self._synchronous}")
            self._local.db = db
        with db:
            yield db

    def read(self, sql: str, parameters: tuple = ()) -> list[tuple]:
        with self.transaction() as db:
            return db.execute(sql, parameters).fetchall()

    def state(self, key: str) -> str | None:
        """A value of the `state (key, value)` table every schema here has."""
        rows = self.read("SELECT value FROM state WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    def delete(self) -> None:
        """Delete the file (data derived from elsewhere, to be built again)."""
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
        self._local = threading.local()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
