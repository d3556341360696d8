"""The only module that talks to Chroma and builds the BM25 side.

Consistency model: Chroma holds passages; `manifest.json` beside it says which files
(and which versions of them, by content hash) are *committed*. Retrieval only ever sees
passages of committed documents, so an ingest that dies part-way leaves orphan vectors
that nobody reads, and the next ingest sweeps them away. A file's new version is
written first, then the manifest is swapped atomically, then the old version is deleted.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path

from assistant.config import Settings
from assistant.embedding import Embedder
from assistant.errors import IndexNotBuilt
from assistant.ingest import ParsedDocument
from assistant.text import acronym_expansions
from assistant.types import Filters, Passage, SourceDocument

MANIFEST = "manifest.json"
_PASSAGE_FIELDS = ("passage_id", "doc_id", "kind", "section", "heading", "caption", "page", "order")


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
    ]
    return " · ".join(p for p in parts if p)


class Index:
    def __init__(self, settings: Settings, embedder: Embedder | None = None):
        self.settings = settings
        self.embedder = embedder or Embedder(settings)
        self.dir = Path(settings.index_dir)
        self.dir.mkdir(parents=True, exist_ok=True)

    # --- storage ---------------------------------------------------------------------

    @cached_property
    def collection(self):
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        client = chromadb.PersistentClient(
            path=str(self.dir), settings=ChromaSettings(anonymized_telemetry=False)
        )
        return client.get_or_create_collection(
            self.settings.collection, metadata={"hnsw:space": "cosine"}
        )

    @cached_property
    def vector_store(self):
        from llama_index.vector_stores.chroma import ChromaVectorStore

        return ChromaVectorStore(chroma_collection=self.collection)

    # --- manifest: what is committed -------------------------------------------------

    def manifest(self) -> dict:
        path = self.dir / MANIFEST
        if not path.exists():
            return {"files": {}}
        return json.loads(path.read_text("utf-8"))

    def _write_manifest(self, manifest: dict) -> None:
        # Atomic: readers see the old manifest or the new one, never half of either.
        fd, tmp = tempfile.mkstemp(dir=self.dir, prefix=".manifest-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(manifest, handle, indent=1, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.dir / MANIFEST)

    def documents(self) -> list[SourceDocument]:
        docs = []
        for entry in self.manifest()["files"].values():
            docs.extend(SourceDocument(**d) for d in entry["documents"])
        return docs

    def file_entry(self, source: str) -> dict | None:
        return self.manifest()["files"].get(source)

    # --- writing ---------------------------------------------------------------------

    def add_file(self, source: str, digest: str, parsed: list[ParsedDocument], on_batch=None) -> int:
        """Index one file's documents and commit them, replacing any earlier version."""
        nodes = [self._node(p.document, passage) for p in parsed for passage in p.passages]
        texts = [node.get_content(metadata_mode="embed") for node in nodes]
        batch = self.settings.embed_batch_size
        for start in range(0, len(nodes), batch):
            chunk = nodes[start : start + batch]
            embeddings = self.embedder.embed_texts(texts[start : start + batch])
            for node, embedding in zip(chunk, embeddings):
                node.embedding = embedding
            self.vector_store.add(chunk)
            if on_batch:
                on_batch(len(chunk))
        manifest = self.manifest()
        previous = manifest["files"].get(source)
        manifest["files"][source] = {
            "file_hash": digest,
            "documents": [asdict(p.document) for p in parsed],
            "passages": len(nodes),
            "added": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }
        self._write_manifest(manifest)
        if previous and previous["file_hash"] != digest:
            self.collection.delete(where={"file_hash": previous["file_hash"]})
        return len(nodes)

    def remove_file(self, source: str) -> bool:
        manifest = self.manifest()
        entry = manifest["files"].pop(source, None)
        if entry is None:
            return False
        self._write_manifest(manifest)
        self.collection.delete(where={"file_hash": entry["file_hash"]})
        return True

    def sweep_orphans(self) -> int:
        """Delete passages no committed file owns (left by an ingest that died)."""
        committed = {e["file_hash"] for e in self.manifest()["files"].values()}
        stored = self.collection.get(include=["metadatas"])
        orphans = [
            pid for pid, meta in zip(stored["ids"], stored["metadatas"])
            if meta.get("file_hash") not in committed
        ]
        for start in range(0, len(orphans), 500):
            self.collection.delete(ids=orphans[start : start + 500])
        return len(orphans)

    def reset(self) -> None:
        self.collection.delete(where={"file_hash": {"$ne": ""}})
        self._write_manifest({"files": {}})

    def _node(self, document: SourceDocument, passage: Passage):
        from llama_index.core.schema import TextNode

        metadata = {
            "context": context_line(document, passage),
            "file_hash": document.file_hash,
            **{k: _flat(getattr(passage, k)) for k in _PASSAGE_FIELDS},
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

    def allowed_doc_ids(self, filters: Filters) -> list[str]:
        docs = self.documents()
        if not docs:
            raise IndexNotBuilt(str(self.dir))
        return [d.doc_id for d in docs if _matches(d, filters)]

    def committed_nodes(self) -> list:
        """Every committed passage as a LlamaIndex node, exactly as Chroma holds it."""
        from llama_index.vector_stores.chroma.base import metadata_dict_to_node

        hashes = [e["file_hash"] for e in self.manifest()["files"].values()]
        if not hashes:
            return []
        stored = self.collection.get(
            where={"file_hash": {"$in": hashes}}, include=["documents", "metadatas"]
        )
        nodes = []
        for pid, text, meta in zip(stored["ids"], stored["documents"], stored["metadatas"]):
            node = metadata_dict_to_node(meta, text)
            node.id_ = pid
            nodes.append(node)
        nodes.sort(key=lambda n: (n.metadata["doc_id"], n.metadata["order"]))
        return nodes

    def passage_count(self) -> int:
        return sum(e["passages"] for e in self.manifest()["files"].values())


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
        order=meta.get("order", 0),
    )


def _flat(value):
    """Chroma metadata holds no None: store '' and map back on read."""
    if value is None:
        return ""
    return value


def _matches(document: SourceDocument, filters: Filters) -> bool:
    if filters.council and filters.council.lower() not in (document.council or "").lower():
        return False
    if filters.doc_ids and document.doc_id not in filters.doc_ids:
        return False
    if filters.kind and document.kind != filters.kind:
        return False
    if filters.date_from or filters.date_to:
        if not document.meeting_date:
            return False
        if filters.date_from and document.meeting_date < filters.date_from.isoformat():
            return False
        if filters.date_to and document.meeting_date > filters.date_to.isoformat():
            return False
    return True
