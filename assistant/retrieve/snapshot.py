"""What was committed when the passages were loaded, as typed values.

Readers above retrieval (answers, suggestions, examples, the library) take documents and
passages from here, never from the index's manifest or LlamaIndex nodes, so everything
one request shows comes from one committed state.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Mapping

from assistant.access import visible
from assistant.index import FileEntry
from assistant.types import Passage, SourceDocument


@dataclass(frozen=True)
class Snapshot:
    version: str  # the index version these were read at
    files: Mapping[str, FileEntry]  # file name -> what was committed from it
    documents: Mapping[str, SourceDocument]  # doc_id -> document
    passages: tuple[Passage, ...]  # every committed passage, by document and reading order
    idf: Mapping[str, float]  # term -> inverse document frequency over the passages

    def visible(self, groups: tuple[str, ...]) -> list[SourceDocument]:
        """The documents a viewer in `groups` may see (restricted ones only for their groups)."""
        return [d for d in self.documents.values() if visible(d, groups)]

    def passages_of(self, doc_ids: Iterable[str]) -> list[Passage]:
        wanted = set(doc_ids)
        return [p for p in self.passages if p.doc_id in wanted]

    def passage_counts(self) -> Counter:
        return Counter(p.doc_id for p in self.passages)

    def councils(self) -> set[str]:
        return {d.council for d in self.documents.values() if d.council}
