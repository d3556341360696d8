"""Hybrid retrieval over one snapshot of the committed passages.

Three steps:
1. BM25 (SQLite FTS5 on disk, see lexical.py) and dense retrieval (Chroma) over the
   committed passages, each restricted by the filters, fused by reciprocal rank
   (LlamaIndex's QueryFusionRetriever). BM25 finds exact
   figures, acronyms (S47, EET) and indicator names that embeddings blur; the dense side
   finds paraphrases.
2. A question-aware rerank of the fused candidates: how much of the question's own
   vocabulary the passage covers, its semantic similarity, and whether it holds a figure
   when the question asks for one. This is where top-1 is won.
3. Hits carry their document so every answer can be cited.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import zip_longest

import numpy as np
from llama_index.core.llms import MockLLM
from llama_index.core.retrievers import BaseRetriever, QueryFusionRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from assistant.errors import IndexNotBuilt
from assistant.index import PAPER_KEY, SLICE, Index, passage_from_node, stored_node
from assistant.language.figures import has_figure
from assistant.language.questions import age_bands, names_person, wants_figure, wants_person
from assistant.language.scoring import weighted_coverage
from assistant.language.vocabulary import expand_query, in_plain_words, question_terms
from assistant.retrieve.scope import Retrieval, allowed_doc_ids, scope
from assistant.retrieve.lexical import LexicalIndex, PaperVectors
from assistant.retrieve.snapshot import Snapshot
from assistant.types import Filters, Hit

ROWS_PER_TABLE = 3
FLAT_LIMIT = 20_000  # passages searched exactly, from the mirror (see Retriever._dense)
PAPER_VECTOR_SETS = 4  # sets of papers whose vectors are kept (each at most FLAT_LIMIT x 384 floats, 31 MB)
MORE_LIMIT = 300  # passages of papers left out that an unfiltered search asks past
# What a passage of the kind of answer asked gains: one stating a figure when a figure is
# asked ('How many care leavers …'), one naming someone when 'who …' is asked. For figures,
# on the real papers 0.05 left answers just outside the top five (a paragraph about care
# leavers above '2,016 care leavers'); 0.1 found three, seed unchanged. 0.15 and 0.2 found
# one more, but put a cost row above a made-up paper's answer in the members' words tests.
ANSWER_KIND_BONUS = 0.1


@dataclass(frozen=True)
class RankedCandidate:
    node: TextNode
    fused: float
    cosine: float
    coverage: float
    score: float


class Retriever:
    """Searches the passages committed when it was made; make a new one to see later commits."""

    def __init__(self, index: Index, lexical: LexicalIndex, candidates: int = 30):
        self.index = index
        self.candidates = candidates
        version = index.version()  # read first: a commit after this makes the snapshot stale
        files = index.files()
        lexical.sync(index, (version, files))  # holds at least what `files` commits
        self.snapshot = Snapshot(
            version=version,
            files=files,
            documents={d.doc_id: d for entry in files.values() for d in entry.documents},
            lexical=lexical,
        )
        self._vectors: dict[str, np.ndarray] = {}
        self._paper_vectors: dict[tuple[str, ...], PaperVectors] = {}
        self._allowed_by_filters: dict[Filters, tuple[str, ...]] = {}

    @property
    def version(self) -> str:
        return self.snapshot.version

    def retrieve(self, question: str, filters: Filters, top_k: int) -> Retrieval:
        """The passages to answer from, scoped to the council a question names; councils
        set side by side ('between Barnsley and North Somerset') are searched one by one,
        so neither side is crowded out of the sources."""
        scoped = scope(question, filters, self.snapshot)
        if not scoped.compared:
            return Retrieval(self.search(question, scoped.filters, top_k), note=scoped.note)
        per_council = [self.search(question, replace(filters, council=c), top_k) for c in scoped.compared]
        interleaved = [hit for group in zip_longest(*per_council) for hit in group if hit]
        return Retrieval(interleaved[:top_k], scoped.compared)

    def search(self, question: str, filters: Filters = Filters(), top_k: int = 5) -> list[Hit]:
        if not self.snapshot.documents:
            raise IndexNotBuilt(str(self.index.dir))
        allowed = self._allowed(filters)
        if not allowed:
            return []
        query = expand_query(question)
        query_embedding = self.index.embedder.embed_query(query)
        fused = self._fuse(query, query_embedding, allowed)
        idf = self.snapshot.idf(filters.groups)
        ranked = _spread_tables(_once_each(self._rerank(question, query_embedding, fused, idf)), top_k)
        return [
            Hit(passage_from_node(c.node), self.snapshot.documents[c.node.metadata["doc_id"]], c.score)
            for c in ranked[:top_k]
        ]

    def _allowed(self, filters: Filters) -> tuple[str, ...]:
        """The papers a search with these filters may return. Kept for the snapshot's
        life: members ask about the same councils again and again, and working it out
        reads every paper of the archive (~20 ms at 16,000 papers)."""
        allowed = self._allowed_by_filters.get(filters)
        if allowed is None:
            if len(self._allowed_by_filters) >= 256:
                self._allowed_by_filters.clear()  # web requests share it: read into `allowed` first
            allowed = tuple(sorted(allowed_doc_ids(filters, list(self.snapshot.documents.values()))))
            self._allowed_by_filters[filters] = allowed
        return allowed

    # --- step 1: hybrid retrieval ------------------------------------------------------

    def _fuse(self, question: str, query_embedding: list[float], allowed: tuple[str, ...]):
        fusion = QueryFusionRetriever(
            [self._dense(allowed), _Lexical(self.snapshot, allowed, self.candidates)],
            llm=MockLLM(),  # never asked to write: num_queries=1 means no query rewriting
            mode="reciprocal_rerank",
            num_queries=1,
            similarity_top_k=self.candidates,
            use_async=False,
        )
        bundle = QueryBundle(query_str=question, embedding=query_embedding)
        return fusion.retrieve(bundle)

    def _dense(self, allowed: tuple[str, ...]) -> BaseRetriever:
        """The nearest passages of the papers allowed, by whichever search costs least.

        Chroma's index is approximate (HNSW), and it loses true neighbours among the
        near-duplicate vectors council papers are full of (a report printed alone and again
        in its pack): on the real papers (4,531 passages) its top 30 held 91 % of the exact
        top 30 just after an ingest and 95 % once reloaded — none at all for one question.
        So a library small enough is searched exactly, and the same way whichever process
        built it. Chroma 1.5 also evaluates a filter (of papers, of ids, of anything) over
        the whole collection: measured at 1M passages, 160-500 ms a query whatever it
        matches, against ~11 ms unfiltered. So:
        - the papers allowed hold at most FLAT_LIMIT passages (a council's archive, or one
          council's papers in a larger one): an exact search over their vectors in the
          mirror, which costs what they hold, not the archive (~16 ms at 4,500 passages);
        - every paper of a larger archive allowed: Chroma unfiltered;
        - all but a few (those left out hold at most MORE_LIMIT passages, e.g. a restricted
          paper): unfiltered, asking for as many more as they hold, then theirs dropped;
        - otherwise Chroma filtered to the shorter list of papers.
        Leaving papers out can let in passages not yet committed (an ingest under way),
        so Chroma's hits are kept only from the papers allowed, from twice as many candidates."""
        chosen = set(allowed)
        if self._passages_in(allowed) <= FLAT_LIMIT:
            return _Nearest(self.snapshot.lexical, self._vectors_of(allowed), self.candidates)
        if len(chosen) == len(self.snapshot.documents):
            return _Merged(self.index.dense_retrievers((), 2 * self.candidates, excluded=True),
                           self.candidates, chosen)
        others = tuple(d for d in self.snapshot.documents if d not in chosen)
        left_out = self._passages_in(others)
        if left_out <= MORE_LIMIT:
            parts = self.index.dense_retrievers((), 2 * self.candidates + left_out, excluded=True)
        elif len(others) < len(allowed) and len(others) <= SLICE:
            parts = self.index.dense_retrievers(others, 2 * self.candidates, excluded=True)
        else:
            parts = self.index.dense_retrievers(allowed, self.candidates)
        return _Merged(parts, self.candidates, chosen)

    def _vectors_of(self, allowed: tuple[str, ...]) -> PaperVectors:
        """The allowed papers' vectors, read once for the snapshot's life: reading them
        from disk was most of an exact search (16 ms of 18 at 4,500 passages)."""
        vectors = self._paper_vectors.get(allowed)
        if vectors is None:
            if len(self._paper_vectors) >= PAPER_VECTOR_SETS:
                self._paper_vectors.clear()  # web requests share it: read into `vectors` first
            vectors = self._paper_vectors[allowed] = self.snapshot.lexical.vectors_of(allowed)
        return vectors

    def _passages_in(self, doc_ids) -> int:
        """At most how many passages these papers hold (their files' counts: the papers
        of a pack share one file)."""
        sources = {self.snapshot.documents[d].source for d in doc_ids}
        return sum(self.snapshot.files[s].passages for s in sources if s in self.snapshot.files)

    # --- step 2: question-aware rerank ------------------------------------------------

    def _rerank(self, question: str, query_embedding: list[float], fused, idf) -> list[RankedCandidate]:
        if not fused:
            return []
        terms = question_terms(question)
        want_number = wants_figure(question)
        want_person = wants_person(question)
        ages = age_bands(question)
        vectors = self._embeddings([n.node.node_id for n in fused])
        q = np.asarray(query_embedding)
        top_fused = max(n.score for n in fused) or 1.0
        ranked = []
        for item in fused:
            node = item.node
            text = node.get_content(metadata_mode="none")
            indexed = _indexed_text(node)
            coverage = weighted_coverage(terms, in_plain_words(indexed), idf)
            cosine = float(np.dot(q, vectors.get(node.node_id, q * 0)))
            of_the_kind_asked = (want_number and has_figure(text, question)) or (want_person and names_person(text))
            kind_bonus = ANSWER_KIND_BONUS if of_the_kind_asked else 0.0
            # '5 to 9 year olds' is the '5 to 9 (Age Group)' row, whose words are only '5 to 9'
            age_bonus = 0.05 if ages and ages & age_bands(indexed) else 0.0
            # words in the passage itself, not only its context: of a table's rows, which
            # all share a caption, the one labelled 'February 2019' answers 'February 2019'
            own = weighted_coverage(terms, in_plain_words(text), idf)
            score = (0.45 * coverage + 0.4 * cosine + 0.15 * (item.score / top_fused) + 0.05 * own
                     + kind_bonus + age_bonus)
            ranked.append(RankedCandidate(node, item.score, cosine, coverage, score))
        ranked.sort(key=lambda c: c.score, reverse=True)
        return ranked

    def _embeddings(self, ids: list[str]) -> dict[str, np.ndarray]:
        """Stored vectors of these passages, fetched once each (committed passages never
        change: a new version of a file has new ids)."""
        missing = [pid for pid in ids if pid not in self._vectors]
        found = self.snapshot.lexical.vectors(missing)  # from disk: Chroma sends vectors as JSON
        found.update(self.index.vectors([pid for pid in missing if pid not in found]))
        self._vectors.update(found)
        return {pid: self._vectors[pid] for pid in ids if pid in self._vectors}


def _indexed_text(node: TextNode) -> str:
    """A passage as BM25 and the embedding saw it: its context line, then its text."""
    return f"{node.metadata.get('context', '')} {node.get_content(metadata_mode='none')}"


def _once_each(ranked: list[RankedCandidate]) -> list[RankedCandidate]:
    """A passage printed twice takes one place: a report is often published on its own
    and again inside the pack that bundles it, and two copies of one paragraph would push
    a different paragraph out of the top-k. The better-ranked copy is kept."""
    seen, kept = set(), []
    for candidate in ranked:
        text = " ".join(candidate.node.get_content(metadata_mode="none").lower().split())
        if text not in seen:
            seen.add(text)
            kept.append(candidate)
    return kept


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


class _Merged(BaseRetriever):
    """The best `top_k` results of several retrievers (one per slice of a long filter)
    that belong to the papers allowed."""

    def __init__(self, parts: list, top_k: int, allowed: set[str]):
        super().__init__()
        self.parts, self.top_k, self.allowed = parts, top_k, allowed

    def _retrieve(self, query_bundle):
        found = [hit for part in self.parts for hit in part.retrieve(query_bundle)
                 if hit.node.metadata.get(PAPER_KEY) in self.allowed]
        return sorted(found, key=lambda hit: hit.score or 0.0, reverse=True)[: self.top_k]


class _Nearest(BaseRetriever):
    """Exact dense search over a few papers' vectors, kept in the mirror."""

    def __init__(self, mirror: LexicalIndex, papers: PaperVectors, top_k: int):
        super().__init__()
        self.mirror, self.papers, self.top_k = mirror, papers, top_k

    def _retrieve(self, query_bundle):
        found = self.mirror.nearest(query_bundle.embedding, self.papers, self.top_k)
        return [NodeWithScore(node=stored_node(*record), score=score) for record, score in found]


class _Lexical(BaseRetriever):
    """BM25 over the lexical mirror, only of the papers allowed (None: all committed)."""

    def __init__(self, snapshot: Snapshot, allowed: tuple[str, ...], top_k: int):
        super().__init__()
        self.lexical, self.top_k, self.documents = snapshot.lexical, top_k, snapshot.documents
        # every paper: no filter (the mirror may already hold papers committed since the
        # snapshot was taken; they are left out below)
        self.allowed = None if len(allowed) == len(snapshot.documents) else allowed

    def _retrieve(self, query_bundle):
        found = self.lexical.search(query_bundle.query_str, self.allowed, self.top_k)
        return [NodeWithScore(node=stored_node(*record), score=score) for record, score in found
                if record[2].get(PAPER_KEY) in self.documents]
