"""What an ingest reports: per file, what reading found (`FileResult`), and while it
runs, which file and stage it is at (`Progress`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FileResult:
    path: str
    status: str  # "added" | "updated" | "unchanged" | "skipped" | "removed"
    documents: int = 0
    passages: int = 0
    reason: str | None = None
    # what reading found (for files read this time)
    pages: int = 0
    pages_without_text: tuple[int, ...] = ()
    tables: int = 0
    rows: int = 0
    cards: int = 0

    def found(self) -> str:
        """'3 papers, 429 passages; 71 pages, 12 tables (180 rows), 24 KPI cards'"""
        said = [f"{self.documents} paper{'s' if self.documents != 1 else ''}", f"{self.passages} passages"]
        read = [f"{self.pages} pages"] if self.pages else []
        if self.tables:
            read.append(f"{self.tables} tables ({self.rows} rows)")
        if self.cards:
            read.append(f"{self.cards} KPI cards")
        if self.pages_without_text:
            numbers = ", ".join(map(str, self.pages_without_text[:10]))
            read.append(f"no text on page{'s' if len(self.pages_without_text) > 1 else ''} {numbers} "
                        "(scanned? run the file through OCR to include them)")
        return ", ".join(said) + ("; " + ", ".join(read) if read else "")


@dataclass(frozen=True)
class Progress:
    """Where an ingest is: one file's stage ('reading', 'embedding'), and for embedding
    how many of its passages and quotable sentences are done."""

    file: str
    number: int  # of the file, from 1
    files: int
    stage: str
    done: int = 0
    total: int = 0

    @property
    def fraction(self) -> float:
        """Of the whole ingest: reading counts for a fifth of a file, embedding the rest."""
        within = 0.0 if self.stage == "reading" else 0.2 + 0.8 * (self.done / self.total if self.total else 1)
        return (self.number - 1 + within) / self.files

    def __str__(self) -> str:
        what = "reading and finding its passages" if self.stage == "reading" else f"embedding {self.done} of {self.total} passages and quotable sentences"
        return f"File {self.number} of {self.files}, {self.file}: {what}"
