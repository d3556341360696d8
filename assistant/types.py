"""The data that flows through the pipeline, one stage to the next:

    file -> SourceDocument (+ its Passages) -> index -> Hit -> Answer(citations)

Plain frozen dataclasses; this module imports nothing from the package.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Literal

DocumentKind = Literal["report", "minutes", "agenda", "work programme"]
PassageKind = Literal["paragraph", "list", "table_row", "text"]


@dataclass(frozen=True)
class SourceDocument:
    """One report, set of minutes or agenda. A document pack yields several."""

    doc_id: str  # content hash of the file + position in the pack: stable across re-ingests
    source: str  # file name under the corpus folder
    file_hash: str
    title: str | None = None
    council: str | None = None
    committee: str | None = None
    meeting_date: str | None = None  # ISO yyyy-mm-dd
    author: str | None = None
    kind: DocumentKind = "report"
    part: int = 0  # position within a document pack (0 when the file is one document)
    restricted: bool = False  # exempt / Part 2: only for viewers in `groups` (see access.py)
    groups: tuple[str, ...] = ()
    access_note: str | None = None  # how it came to be restricted
    glossary: tuple[tuple[str, str], ...] = ()  # the abbreviations its file defines: (('IMS', 'Integrated Micromobility Service'),)


@dataclass(frozen=True)
class Passage:
    """The unit we index and cite: a numbered paragraph, a list with its lead-in, or a table row."""

    passage_id: str
    doc_id: str
    text: str  # what the citation shows, verbatim from the paper (markup artefacts removed)
    kind: PassageKind = "paragraph"
    section: str | None = None  # "3.11": the paragraph number a councillor can point to
    heading: str | None = None
    caption: str | None = None  # for table rows: the table's title or lead-in
    page: int | None = None  # in the file, from 1
    page_label: str | None = None  # the number printed on that page, when it has one
    order: int = 0  # position in the document, for reading order


@dataclass(frozen=True)
class Hit:
    passage: Passage
    document: SourceDocument
    score: float  # higher is better; comparable only within one ranking


@dataclass(frozen=True)
class Citation:
    n: int
    doc_id: str
    source: str
    title: str | None
    council: str | None
    meeting_date: str | None
    section: str | None
    page: int | None
    text: str
    score: float
    quote: str | None = None  # the sentence or row the answer used, if it used this passage
    passage_id: str = ""  # to show the passage where it sits in the paper
    page_label: str | None = None  # the page number printed on the page (what members cite)

    @classmethod
    def from_hit(cls, n: int, hit: Hit, quote: str | None = None) -> "Citation":
        return cls(
            n=n,
            doc_id=hit.document.doc_id,
            source=hit.document.source,
            title=hit.document.title,
            council=hit.document.council,
            meeting_date=hit.document.meeting_date,
            section=hit.passage.section,
            page=hit.passage.page,
            text=hit.passage.text,
            score=round(hit.score, 4),
            quote=quote,
            passage_id=hit.passage.passage_id,
            page_label=hit.passage.page_label,
        )

    def to_json(self) -> dict:
        data = asdict(self)
        data.pop("quote")
        return data


@dataclass(frozen=True)
class Filters:
    """Constrain retrieval (not just display) to some councils, documents, dates or kinds."""

    council: str | None = None  # case-insensitive substring: "barnsley"
    doc_ids: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    kind: str | None = None
    # the viewer's groups: a restricted paper is searched only for a viewer in one of its
    # groups, so the default (no groups) never sees one
    groups: tuple[str, ...] = ()

    def is_empty(self) -> bool:
        return self == Filters()


CheckStatus = Literal["supported", "flagged", "removed"]


@dataclass(frozen=True)
class SentenceCheck:
    """One sentence of a written answer, checked against the passages it cites."""

    text: str  # as written, with its [n] markers
    cited: tuple[int, ...]
    status: CheckStatus  # flagged: kept but marked; removed: never shown
    reason: str | None = None  # precise, for the record: may repeat the unbacked figure
    problem: str | None = None  # plain, for the page: never repeats it


@dataclass(frozen=True)
class Grounding:
    checks: tuple[SentenceCheck, ...] = ()
    fallback: bool = False  # nothing written could be shown: the extractive answer was

    def count(self, status: CheckStatus) -> int:
        return sum(1 for c in self.checks if c.status == status)

    def to_json(self) -> dict:
        return {
            "sentences": len(self.checks),
            "supported": self.count("supported"),
            "removed": self.count("removed"),
            "flagged": self.count("flagged"),
            "fallback": self.fallback,
            "problems": [
                {"sentence": c.text, "status": c.status, "reason": c.reason}
                for c in self.checks if c.status != "supported"
            ],
        }


@dataclass(frozen=True)
class Answer:
    question: str
    text: str
    abstained: bool
    citations: tuple[Citation, ...]
    backend: str = "extractive"
    timings_ms: dict[str, float] = field(default_factory=dict)
    support: float = 0.0  # how well the best quote answers the question; used to calibrate
    grounding: Grounding = Grounding()  # how each sentence of the text was checked
    notice: str | None = None  # what the member should know about how this answer was made
    searched_for: str | None = None  # the standalone question, when a follow-up was rewritten
    complete: bool = True  # False for the snapshots shown while an answer is being written

    def to_json(self) -> dict:
        """The public `ask --json` contract: other tools parse this."""
        return {
            "question": self.question,
            "answer": self.text,
            "abstained": self.abstained,
            "citations": [c.to_json() for c in self.citations],
            "backend": self.backend,
            "grounding": self.grounding.to_json(),
            "notice": self.notice,
            "searched_for": self.searched_for,
            "timings_ms": self.timings_ms,
        }
