"""What was committed when the passages were loaded, as typed values.

Readers above retrieval (answers, suggestions, examples, the library) take documents and
passages from here, never from the index's manifest or LlamaIndex nodes, so everything
one request shows comes from one committed state.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from assistant.access import visible
from assistant.manifest import FileEntry
from assistant.language.scoring import inverse_frequencies
from assistant.types import Passage, SourceDocument


@dataclass(frozen=True)
class Snapshot:
    version: str  # the index version these were read at
    files: Mapping[str, FileEntry]  # file name -> what was committed from it
    documents: Mapping[str, SourceDocument]  # doc_id -> document
    passages: tuple[Passage, ...]  # every committed passage, by document and reading order
    # per document: how many of its passages hold each term, and how many it has
    term_counts: Mapping[str, tuple[Counter, int]]
    _idf: dict = field(default_factory=dict, compare=False, repr=False)

    def idf(self, groups: tuple[str, ...]) -> Mapping[str, float]:
        """Inverse document frequency of each term over the passages a viewer in `groups`
        may see: a restricted paper's words weigh nothing in what others are shown."""
        if groups not in self._idf:
            counts, passages = Counter(), 0
            for document in self.visible(groups):
                held, n = self.term_counts.get(document.doc_id, (Counter(), 0))
                counts.update(held)
                passages += n
            self._idf[groups] = inverse_frequencies(counts, passages)
        return self._idf[groups]

    def visible(self, groups: tuple[str, ...]) -> list[SourceDocument]:
        """The documents a viewer in `groups` may see (restricted ones only for their groups)."""
        return [d for d in self.documents.values() if visible(d, groups)]

    def passages_of(self, doc_ids: Iterable[str]) -> list[Passage]:
        wanted = set(doc_ids)
        return [p for p in self.passages if p.doc_id in wanted]

    def passage_counts(self) -> Counter:
        return Counter(p.doc_id for p in self.passages)

    def councils(self, groups: tuple[str, ...]) -> set[str]:
        return {d.council for d in self.visible(groups) if d.council}
