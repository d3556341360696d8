"""Question + filters -> ranked Hits.

Three steps:
1. BM25 and dense retrieval over the committed passages, each restricted by the filters,
   fused by reciprocal rank (LlamaIndex's QueryFusionRetriever). BM25 finds exact
   figures, acronyms (S47, EET) and indicator names that embeddings blur; the dense side
   finds paraphrases.
2. A question-aware rerank of the fused candidates: how much of the question's own
   vocabulary the passage covers, its semantic similarity, and whether it holds a figure
   when the question asks for one. This is where top-1 is won.
3. Hits carry their document so every answer can be cited.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from assistant.index import PAPER_KEY, Index, passage_from_node
from assistant.text import content_terms, expand_acronyms, has_figure, question_terms, wants_figure
from assistant.types import Filters, Hit, SourceDocument


@dataclass(frozen=True)
class RankedCandidate:
    node: object
    fused: float
    cosine: float
    coverage: float
    score: float


class Retriever:
    def __init__(self, index: Index, candidates: int = 30):
        self.index = index
        self.candidates = candidates
        self._load()

    def _load(self) -> None:
        """(Re)read the committed state: call after an ingest in this process."""
        from llama_index.core import VectorStoreIndex

        self.version = self.index.version()  # read first: a commit after this reloads again
        self.nodes = self.index.committed_nodes()
        self.documents = {d.doc_id: d for d in self.index.documents()}
        self._bm25_cache: dict[tuple[str, ...], object] = {}
        self._vectors: dict[str, np.ndarray] = {}
        self._vector_index = VectorStoreIndex.from_vector_store(
            self.index.vector_store, embed_model=self.index.embedder.llama
        )
        self._idf = _document_frequencies(self.nodes)

    refresh = _load

    def search(self, question: str, filters: Filters = Filters(), top_k: int = 5) -> list[Hit]:
        # from the documents loaded with the passages: the same committed state, and no
        # manifest read per search (an HTTP call with a Chroma server)
        allowed = tuple(sorted(self.index.allowed_doc_ids(filters, list(self.documents.values()))))
        if not allowed:
            return []
        query = expand_acronyms(question)
        query_embedding = self.index.embedder.embed_query(query)
        fused = self._fuse(query, query_embedding, allowed)
        ranked = _spread_tables(self._rerank(question, query_embedding, fused), top_k)
        return [
            Hit(passage_from_node(c.node), self.documents[c.node.metadata["doc_id"]], c.score)
            for c in ranked[:top_k]
        ]

    # --- step 1: hybrid retrieval ------------------------------------------------------

    def _fuse(self, question: str, query_embedding: list[float], allowed: tuple[str, ...]):
        from llama_index.core.llms import MockLLM
        from llama_index.core.retrievers import QueryFusionRetriever
        from llama_index.core.schema import QueryBundle

        fusion = QueryFusionRetriever(
            [self._dense(allowed), self._bm25(allowed)],
            llm=MockLLM(),  # never asked to write: num_queries=1 means no query rewriting
            mode="reciprocal_rerank",
            num_queries=1,
            similarity_top_k=self.candidates,
            use_async=False,
        )
        bundle = QueryBundle(query_str=question, embedding=query_embedding)
        return fusion.retrieve(bundle)

    def _dense(self, allowed: tuple[str, ...]):
        from llama_index.core.vector_stores import FilterOperator, MetadataFilter, MetadataFilters

        filters = MetadataFilters(
            filters=[MetadataFilter(key=PAPER_KEY, value=list(allowed), operator=FilterOperator.IN)]
        )
        return self._vector_index.as_retriever(similarity_top_k=self.candidates, filters=filters)

    def _bm25(self, allowed: tuple[str, ...]):
        if allowed not in self._bm25_cache:
            subset = [n for n in self.nodes if n.metadata["doc_id"] in set(allowed)]
            self._bm25_cache[allowed] = _PositiveBM25.build(subset, self.candidates)
        return self._bm25_cache[allowed]

    # --- step 2: question-aware rerank ------------------------------------------------

    def _rerank(self, question: str, query_embedding: list[float], fused) -> list[RankedCandidate]:
        if not fused:
            return []
        terms = question_terms(question)
        want_number = wants_figure(question)
        vectors = self._embeddings([n.node.node_id for n in fused])
        q = np.asarray(query_embedding)
        top_fused = max(n.score for n in fused) or 1.0
        ranked = []
        for item in fused:
            node = item.node
            text = node.get_content(metadata_mode="none")
            coverage = weighted_coverage(terms, content_terms(f"{node.metadata.get('context', '')} {text}"), self._idf)
            cosine = float(np.dot(q, vectors.get(node.node_id, q * 0)))
            figure_bonus = 0.05 if want_number and has_figure(text, question) else 0.0
            # words in the passage itself, not only its context: of a table's rows, which
            # all share a caption, the one labelled 'February 2019' answers 'February 2019'
            own = weighted_coverage(terms, content_terms(text), self._idf)
            score = 0.45 * coverage + 0.4 * cosine + 0.15 * (item.score / top_fused) + 0.05 * own + figure_bonus
            ranked.append(RankedCandidate(node, item.score, cosine, coverage, score))
        ranked.sort(key=lambda c: c.score, reverse=True)
        return ranked

    def _embeddings(self, ids: list[str]) -> dict[str, np.ndarray]:
        """Stored vectors of these passages, fetched once each (committed passages never
        change: a new version of a file has new ids)."""
        missing = [pid for pid in ids if pid not in self._vectors]
        if missing:
            stored = self.index.collection.get(ids=missing, include=["embeddings"])
            self._vectors.update((pid, np.asarray(vec)) for pid, vec in zip(stored["ids"], stored["embeddings"]))
        return {pid: self._vectors[pid] for pid in ids if pid in self._vectors}

    def document(self, doc_id: str) -> SourceDocument:
        return self.documents[doc_id]

    @property
    def idf(self) -> dict[str, float]:
        return self._idf


ROWS_PER_TABLE = 3


def _spread_tables(ranked: list[RankedCandidate], top_k: int) -> list[RankedCandidate]:
    """Keep one table from filling the top-k.

    A finance table's dozen rows all share its caption ("Forecast ... Month 8"), so they
    all match a question that names the caption, and crowd out the prose paragraph that
    states the total. Rows beyond the first few of a table wait behind other passages.
    """
    kept, waiting, per_table = [], [], {}
    for candidate in ranked:
        meta = candidate.node.metadata
        table = (meta["doc_id"], meta.get("caption")) if meta.get("kind") == "table_row" else None
        if table and per_table.get(table, 0) >= ROWS_PER_TABLE and len(kept) < top_k:
            waiting.append(candidate)
            continue
        if table:
            per_table[table] = per_table.get(table, 0) + 1
        kept.append(candidate)
    return kept[:top_k] + waiting + kept[top_k:]


def weighted_coverage(question_terms: list[str], passage_terms: list[str], idf: dict[str, float]) -> float:
    """Share of the question's vocabulary (rare words weigh more) found in the passage."""
    if not question_terms:
        return 0.0
    present = set(passage_terms)
    unique = set(question_terms)
    total = sum(idf.get(t, _MAX_IDF) for t in unique)
    found = sum(idf.get(t, _MAX_IDF) for t in unique if t in present)
    return found / total if total else 0.0


_MAX_IDF = 6.0


def _document_frequencies(nodes) -> dict[str, float]:
    counts: dict[str, int] = {}
    for node in nodes:
        text = f"{node.metadata.get('context', '')} {node.get_content(metadata_mode='none')}"
        for term in set(content_terms(text)):
            counts[term] = counts.get(term, 0) + 1
    n = max(len(nodes), 1)
    return {t: min(_MAX_IDF, math.log(1 + n / c)) for t, c in counts.items()}


class _PositiveBM25:
    """BM25Retriever that drops zero-score matches (they would still enter fusion)."""

    @staticmethod
    def build(nodes, top_k: int):
        import Stemmer
        from llama_index.retrievers.bm25 import BM25Retriever

        class PositiveBM25(BM25Retriever):
            def _retrieve(self, query_bundle):
                return [n for n in super()._retrieve(query_bundle) if n.score and n.score > 0]

        if not nodes:
            from llama_index.core.retrievers import BaseRetriever

            class Empty(BaseRetriever):
                def _retrieve(self, query_bundle):
                    return []

            return Empty()
        return PositiveBM25.from_defaults(
            nodes=nodes,
            similarity_top_k=min(top_k, len(nodes)),
            stemmer=Stemmer.Stemmer("english"),
            language="english",
        )
