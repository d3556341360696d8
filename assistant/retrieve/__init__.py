"""Question + filters -> ranked Hits, from one committed snapshot of the index.

    snapshot   what was committed when the passages were loaded (documents, passages,
               term statistics), typed; every reader of one snapshot sees one state
    lexical    the committed passages mirrored on disk (SQLite FTS5): BM25, passages by
               paper, term statistics by who may see them; shared by a machine's processes
    scope      which documents a search may return: the member's filters, the council a
               question names, who may see what
    hybrid     BM25 + dense retrieval fused, then a question-aware rerank
"""

from assistant.retrieve.hybrid import Retriever
from assistant.retrieve.lexical import LexicalIndex
from assistant.retrieve.scope import Retrieval, make_filters
from assistant.retrieve.snapshot import Snapshot

__all__ = ["LexicalIndex", "Retrieval", "Retriever", "Snapshot", "make_filters"]
