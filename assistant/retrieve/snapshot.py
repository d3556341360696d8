"""What was committed when the passages were loaded, as typed values.

Readers above retrieval (answers, suggestions, examples, the library) take documents and
passages from here, never from the index's manifest or LlamaIndex nodes, so everything
one request shows comes from one committed state. Documents are held in memory; passages
and term statistics are read from the lexical mirror on disk when asked for.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from assistant.access import visible
from assistant.manifest import FileEntry
from assistant.language.scoring import inverse_frequencies
from assistant.retrieve.lexical import LexicalIndex
from assistant.types import Passage, SourceDocument


@dataclass(frozen=True)
class Snapshot:
    version: str  # the index version these were read at
    files: Mapping[str, FileEntry]  # file name -> what was committed from it
    documents: Mapping[str, SourceDocument]  # doc_id -> document
    lexical: LexicalIndex = field(compare=False, repr=False)  # passages, by document and reading order
    _idf: dict = field(default_factory=dict, compare=False, repr=False)
    _councils: dict = field(default_factory=dict, compare=False, repr=False)

    def idf(self, groups: tuple[str, ...]) -> Mapping[str, float]:
        """Inverse document frequency of each term over the passages a viewer in `groups`
        may see: a restricted paper's words weigh nothing in what others are shown."""
        if groups not in self._idf:
            self._idf[groups] = inverse_frequencies(*self.lexical.term_counts(groups))
        return self._idf[groups]

    def visible(self, groups: tuple[str, ...]) -> list[SourceDocument]:
        """The documents a viewer in `groups` may see (restricted ones only for their groups)."""
        return [d for d in self.documents.values() if visible(d, groups)]

    def passages_of(self, doc_ids: Iterable[str]) -> list[Passage]:
        wanted = [d for d in doc_ids if d in self.documents]
        return self.lexical.passages_of(wanted)

    def passage(self, passage_id: str) -> Passage | None:
        found = self.lexical.passage(passage_id)
        return found if found and found.doc_id in self.documents else None

    @property
    def passages(self) -> list[Passage]:
        """Every committed passage (all read from disk: for tests and small tools)."""
        return self.passages_of(self.documents)

    def passage_counts(self) -> Counter:
        return Counter({d: n for d, n in self.lexical.passage_counts().items() if d in self.documents})

    def councils(self, groups: tuple[str, ...]) -> frozenset[str]:
        """The councils whose papers a viewer in `groups` may see (asked of every question)."""
        if groups not in self._councils:
            self._councils[groups] = frozenset(d.council for d in self.visible(groups) if d.council)
        return self._councils[groups]
