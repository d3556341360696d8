"""The only module that talks to Chroma: passages in, committed passages and vectors out.

Consistency model: Chroma holds passages; the manifest (manifest.py) says which files
(and which versions of them, by content hash) are *committed*. Retrieval only ever sees
passages of committed documents, so an ingest that dies part-way leaves orphan vectors
that nobody reads, and the next ingest sweeps them away. A file's new version is
written first, then its manifest record is replaced atomically, then the old version is
deleted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path
from threading import Lock

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings
from llama_index.core import VectorStoreIndex
from llama_index.core.schema import TextNode
from llama_index.core.vector_stores import (
    FilterOperator,
    MetadataFilter,
    MetadataFilters,
)
from llama_index.vector_stores.chroma import ChromaVectorStore
from llama_index.core.vector_stores.utils import node_to_metadata_dict
from llama_index.vector_stores.chroma.base import metadata_dict_to_node

from assistant.chroma_server import connect
from assistant.config import Settings
from assistant.embedding import Embedder, shortest_first
from assistant.ingest import ParsedDocument
from assistant.language.glossary import spelled_out
from assistant.language.periods import spelled_out_periods
from assistant.language.vocabulary import acronym_expansions
from assistant.manifest import CheckReport, ChromaManifest, FileEntry, FileManifest, read_all
from assistant.types import Passage, SourceDocument

_PASSAGE_FIELDS = ("passage_id", "doc_id", "kind", "section", "heading", "caption", "page", "page_label", "order")
# LlamaIndex's Chroma store overwrites a flat 'doc_id' with its own ref_doc_id ('None'), so
# Chroma-side filters use this key; nodes read back keep 'doc_id' intact.
PAPER_KEY = "paper_id"


def context_line(document: SourceDocument, passage: Passage) -> str:
    """What a bare passage leaves unsaid (whose paper, which meeting, which table).

    Indexed with the passage (BM25 and embedding) but never shown as the cited text.
    """
    parts = [
        document.council,
        document.committee,
        document.meeting_date,
        document.title,
        f"section {passage.section}" if passage.section else None,
        passage.heading,
        passage.caption,
        acronym_expansions(passage.text),
        spelled_out(dict(document.glossary), passage.text),
        spelled_out_periods(passage.text) if passage.kind == "table_row" else None,
    ]
    return " · ".join(p for p in parts if p)


SLICE = 200  # values in one `$in` clause (see _slices)


class Index:
    def __init__(self, settings: Settings, embedder: Embedder | None = None):
        self.settings = settings
        self.embedder = embedder or Embedder(settings)
        self.dir = Path(settings.index_dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self._opened_at = ""  # the manifest's version when the embedded store was opened
        self._reopening = Lock()

    # --- storage ---------------------------------------------------------------------

    @cached_property
    def client(self):
        """Chroma: a server (`ASSISTANT_CHROMA_HOST`) that any number of app processes share,
        or the embedded store in `index_dir`."""
        if self.settings.chroma_host:
            return connect(self.settings)
        self._opened_at = self.version()
        return chromadb.PersistentClient(path=str(self.dir), settings=ChromaSettings(anonymized_telemetry=False))

    def see_other_writers(self) -> None:
        """Open the embedded store again if another process has committed since it was
        opened here: Chroma's embedded engine reads its vector index into memory once per
        process, and a search filtered to papers it has not seen fails ("Error finding
        id"). A Chroma server is one process for all, so it never needs this."""
        if self.settings.chroma_host or "client" not in self.__dict__:
            return
        with self._reopening:
            if self.version() == self._opened_at:
                return
            self.client.close()
            for opened in ("client", "collection", "vector_store", "_vector_index"):
                self.__dict__.pop(opened, None)

    @cached_property
    def collection(self):
        return self.client.get_or_create_collection(self.settings.collection, metadata={"hnsw:space": "cosine"})

    @cached_property
    def vector_store(self):
        return ChromaVectorStore(chroma_collection=self.collection)

    # --- manifest: what is committed -------------------------------------------------

    @cached_property
    def _manifest(self) -> FileManifest | ChromaManifest:
        if self.settings.chroma_host:
            return ChromaManifest(self.client, self.settings.collection)
        return FileManifest(self.dir)

    def _commit(self, source: str, entry: dict, corrections: dict | None = None) -> None:
        self._manifest.commit(source, entry, corrections)
        self._opened_at = self.version()  # our own writes are in our open store already

    def _uncommit(self, sources: list[str], corrections: bool = False) -> None:
        self._manifest.uncommit(sources, corrections)
        self._opened_at = self.version()

    def version(self) -> str:
        """Changes whenever something is committed (by this process or any other)."""
        return self._manifest.version()

    def writing(self):
        """Context manager held by every write: one ingest (or removal) at a time, across
        processes; raises IndexBusy at once if another holds it."""
        return self._manifest.lock()

    def files(self) -> dict[str, FileEntry]:
        """Every committed file by name, with its documents."""
        return {source: FileEntry.from_manifest(source, entry) for source, entry in self._manifest.entries().items()}

    def documents(self) -> list[SourceDocument]:
        return [d for entry in self.files().values() for d in entry.documents]

    def corrections(self, source: str) -> dict[str, dict[str, str]]:
        """An officer's corrections to a file's papers, by paper part (see corrections.py)."""
        return self._manifest.corrections(source)

    # --- writing ---------------------------------------------------------------------

    def add_file(self, source: str, digest: str, parsed: list[ParsedDocument], on_batch=None,
                 path: Path | None = None) -> int:
        """Index one file's documents and commit them, replacing any earlier version.
        `path`: where the file was read from, so its pages can be shown later."""
        nodes = [self._node(p.document, passage) for p in parsed for passage in p.passages]
        texts = [node.get_content(metadata_mode="embed") for node in nodes]
        batch, by_length = self.settings.embed_batch_size, shortest_first(texts)
        for start in range(0, len(nodes), batch):
            chunk = by_length[start : start + batch]
            for i, embedding in zip(chunk, self.embedder.embed_texts([texts[i] for i in chunk])):
                nodes[i].embedding = embedding
            if on_batch:
                on_batch(len(chunk))
        # Stored in large batches: each write to the embedded store costs ~0.1 s however
        # small (its commit), which at 32 passages a time was a tenth of a PDF's ingest.
        write = self.settings.store_batch_size
        for start in range(0, len(nodes), write):
            self.vector_store.add(nodes[start : start + write])
        previous = self._manifest.entry(source)
        self._commit(source, {
            "file_hash": digest,
            "documents": [asdict(p.document) for p in parsed],
            "passages": len(nodes),
            "added": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "path": str(path.resolve()) if path else None,
        })
        if previous and previous["file_hash"] != digest:
            self.collection.delete(where={"file_hash": previous["file_hash"]})
        return len(nodes)

    def set_access(self, source: str, restricted: bool, groups: tuple[str, ...], note: str) -> bool:
        """Change who may see a file's documents: only the manifest changes (no re-embedding);
        its new version makes every reader reload, access included."""
        entry = self._manifest.entry(source)
        if entry is None:
            return False
        for document in entry["documents"]:
            document.update(restricted=restricted, groups=list(groups), access_note=note)
        self._commit(source, entry)
        return True

    def correct(self, source: str, document: SourceDocument, fields: dict[str, str]) -> None:
        """Record an officer's correction of one paper and apply it: the manifest's document,
        and its passages' context line (searched with them), re-embedded in place."""
        kept = self._manifest.corrections(source)
        kept[str(document.part)] = {**kept.get(str(document.part), {}), **fields}
        self._upsert([self._node(document, p) for p in self._stored_passages(document.doc_id)])
        entry = self._manifest.entry(source)
        entry["documents"] = [asdict(document) if d["doc_id"] == document.doc_id else d for d in entry["documents"]]
        self._commit(source, entry, corrections=kept)

    def _stored_passages(self, doc_id: str) -> list[Passage]:
        stored = self.collection.get(where={PAPER_KEY: doc_id}, include=["documents", "metadatas"])
        return [passage_from_node(stored_node(*row)) for row in zip(stored["ids"], stored["documents"], stored["metadatas"])]

    def _upsert(self, nodes: list[TextNode]) -> None:
        """Replace stored passages in one call, so no reader sees them missing (LlamaIndex's
        store only adds)."""
        batch = self.settings.embed_batch_size
        for start in range(0, len(nodes), batch):
            chunk = nodes[start : start + batch]
            embeddings = self.embedder.embed_texts([n.get_content(metadata_mode="embed") for n in chunk])
            self.collection.upsert(
                ids=[n.node_id for n in chunk],
                embeddings=embeddings,
                documents=[n.get_content(metadata_mode="none") for n in chunk],
                metadatas=[node_to_metadata_dict(n, remove_text=True, flat_metadata=True) for n in chunk],
            )

    def remove_file(self, source: str) -> bool:
        entry = self._manifest.entry(source)
        if entry is None:
            return False
        self._uncommit([source], corrections=True)  # they were about this paper
        self.collection.delete(where={"file_hash": entry["file_hash"]})
        return True

    def sweep_orphans(self) -> int:
        """Delete passages no committed document owns (left by an ingest that died)."""
        orphans = self._orphans(self._manifest.entries(), self._get_all(include=["metadatas"]))
        self._delete_ids(orphans)
        return len(orphans)

    def check(self, repair: bool = False) -> CheckReport:
        """Compare the manifest with the store: passages no committed document owns, and
        committed files whose passages are not all there. Repair deletes the first and
        un-commits the second (the next `ingest` indexes those files again)."""
        entries = self._manifest.entries()
        stored = self._get_all(include=["metadatas"])
        held = Counter(meta.get("file_hash") for meta in stored["metadatas"])
        orphans = self._orphans(entries, stored)
        incomplete = {
            source: (entry["passages"], held.get(entry["file_hash"], 0))
            for source, entry in entries.items()
            if held.get(entry["file_hash"], 0) != entry["passages"]
        }
        if repair and (orphans or incomplete):
            dropped = [entries.pop(source) for source in incomplete]
            if dropped:
                self._uncommit(list(incomplete))  # un-commit first: readers never see half a file
            for entry in dropped:
                self.collection.delete(where={"file_hash": entry["file_hash"]})
            self._delete_ids(self._orphans(entries, self._get_all(include=["metadatas"])))
        return CheckReport(len(entries), len(stored["ids"]), len(orphans), incomplete, repaired=repair)

    @staticmethod
    def _orphans(entries: dict[str, dict], stored: dict) -> list[str]:
        files = entries.values()
        hashes = {e["file_hash"] for e in files}
        doc_ids = {d["doc_id"] for e in files for d in e["documents"]}
        return [
            pid for pid, meta in zip(stored["ids"], stored["metadatas"])
            if meta.get("file_hash") not in hashes or meta.get(PAPER_KEY) not in doc_ids
        ]

    def _delete_ids(self, ids: list[str]) -> None:
        for start in range(0, len(ids), 500):
            self.collection.delete(ids=ids[start : start + 500])

    def reset(self) -> None:
        self.collection.delete(where={"file_hash": {"$ne": ""}})
        self._uncommit(list(self._manifest.entries()))  # officers' corrections are kept

    def _node(self, document: SourceDocument, passage: Passage) -> TextNode:
        metadata = {
            "context": context_line(document, passage),
            "file_hash": document.file_hash,
            **{k: _flat(getattr(passage, k)) for k in _PASSAGE_FIELDS},
            PAPER_KEY: passage.doc_id,
            "page": passage.page if passage.page is not None else -1,
        }
        return TextNode(
            id_=passage.passage_id,
            text=passage.text,
            metadata=metadata,
            excluded_embed_metadata_keys=[k for k in metadata if k != "context"],
            excluded_llm_metadata_keys=[k for k in metadata if k != "context"],
            metadata_template="{value}",
        )

    # --- reading ---------------------------------------------------------------------

    def committed_nodes(self, files: dict[str, FileEntry] | None = None) -> list[TextNode]:
        """Every committed passage as a LlamaIndex node, exactly as Chroma holds it.
        `files`: the committed files already read, so that nodes and documents share one state."""
        hashes = [entry.file_hash for entry in (self.files() if files is None else files).values()]
        nodes = [stored_node(*record) for record in self.stored_records(hashes)]
        nodes.sort(key=lambda n: (n.metadata["doc_id"], n.metadata["order"]))
        return nodes

    def stored_records(self, file_hashes: list[str], vectors: bool = False) -> list[tuple]:
        """(passage id, text, Chroma metadata) of every stored passage of these file
        versions; with `vectors`, each record ends with the passage's stored vector."""
        include = ["documents", "metadatas"] + (["embeddings"] if vectors else [])
        records = []
        for some in _slices(file_hashes):
            stored = self._get_all({"file_hash": {"$in": some}}, include=include)
            records += zip(stored["ids"], *(stored[key] for key in include))
        return records

    def _get_all(self, where: dict | None = None, include: list[str] = ()) -> dict[str, list]:
        return read_all(self.collection, where, include)

    def vectors(self, ids: list[str]) -> dict[str, np.ndarray]:
        """The stored embeddings of these passages."""
        if not ids:
            return {}
        stored = self.collection.get(ids=ids, include=["embeddings"])
        return {pid: np.asarray(vec) for pid, vec in zip(stored["ids"], stored["embeddings"])}

    def dense_retrievers(self, doc_ids: tuple[str, ...], top_k: int, excluded: bool = False) -> list:
        """LlamaIndex retrievers over the stored vectors of these documents' passages, one
        per slice of the list; with `excluded`, one over every passage but theirs (a short
        list: at most SLICE)."""
        if excluded:
            if len(doc_ids) > SLICE:
                raise ValueError(f"at most {SLICE} papers can be left out of a search")
            return [self._vector_retriever(doc_ids, FilterOperator.NIN, top_k)]
        return [self._vector_retriever(some, FilterOperator.IN, top_k) for some in _slices(list(doc_ids))]

    def _vector_retriever(self, doc_ids, operator: FilterOperator, top_k: int):
        only = MetadataFilters(filters=[MetadataFilter(key=PAPER_KEY, value=list(doc_ids), operator=operator)])
        return self._vector_index.as_retriever(similarity_top_k=top_k, filters=only if doc_ids else None)

    @cached_property
    def _vector_index(self) -> VectorStoreIndex:
        return VectorStoreIndex.from_vector_store(self.vector_store, embed_model=self.embedder.llama)

    def passage_count(self) -> int:
        return sum(e["passages"] for e in self._manifest.entries().values())


def _slices(values: list) -> list[list]:
    """A long `$in` list in parts: Chroma's SQLite limits the values one statement may
    bind (it refused 33,000 ids read at once)."""
    return [values[start : start + SLICE] for start in range(0, len(values), SLICE)]


def passage_from_node(node) -> Passage:
    meta = node.metadata
    return Passage(
        passage_id=node.node_id,
        doc_id=meta["doc_id"],
        text=node.get_content(metadata_mode="none"),
        kind=meta.get("kind") or "paragraph",
        section=meta.get("section") or None,
        heading=meta.get("heading") or None,
        caption=meta.get("caption") or None,
        page=meta["page"] if isinstance(meta.get("page"), int) and meta["page"] >= 0 else None,
        page_label=meta.get("page_label") or None,
        order=meta.get("order", 0),
    )


def stored_node(passage_id: str, text: str, metadata: dict) -> TextNode:
    """A passage as the dense retriever returns it (fusion matches results by node hash)."""
    node = metadata_dict_to_node(metadata, text)
    node.id_ = passage_id
    return node


def _flat(value):
    """Chroma metadata holds no None: store '' and map back on read."""
    if value is None:
        return ""
    return value
