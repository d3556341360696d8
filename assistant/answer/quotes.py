"""What answers may quote, embedded once, by the ingest that adds a file.

An answer weighs its best few quotes by how close their meaning is to the question's.
Embedding them at each question was most of an answer's time (on two cores, ~90 of
~160 ms, and most of the app's CPU under load). The ingest embeds them once and keeps
them in the machine's lexical mirror until the file leaves the library; a machine whose
mirror lacks them (a mirror built again, another machine's ingest) embeds them at the
question, as before.
"""

from __future__ import annotations

from typing import Callable

from assistant.answer.units import quotable
from assistant.embedding import Embedder, shortest_first
from assistant.ingest import ParsedDocument
from assistant.retrieve import LexicalIndex


def quotes_to_embed(papers: list[ParsedDocument], lexical: LexicalIndex) -> list[str]:
    """What answers may quote from these papers that the mirror has no vector of yet."""
    texts = list(dict.fromkeys(t for paper in papers for passage in paper.passages for t in quotable(passage)))
    kept = lexical.quote_vectors(texts)
    return [t for t in texts if t not in kept]


def embed_quotes(source: str, quotes: list[str], embedder: Embedder, lexical: LexicalIndex,
                 on_batch: Callable[[int], None], step: int = 256) -> None:
    """Embedded after the file is committed, and kept under its name, `step` at a time
    (shortest first, so that each step's batches are padded little: see shortest_first)."""
    quotes = [quotes[i] for i in shortest_first(quotes)]
    for start in range(0, len(quotes), step):
        some = quotes[start : start + step]
        lexical.keep_quote_vectors(source, dict(zip(some, embedder.embed_texts(some))))
        on_batch(len(some))
