"""The framework default, for comparison: what LlamaIndex gives with no project work.

Default `SentenceSplitter`, an in-memory `VectorStoreIndex`, top-k 2, the same embedding
model and the same files. It has no answerer: its 'answer' is its top chunk, and it
never abstains. Scored with the same evidence and answer checks as the assistant.
"""

from __future__ import annotations

from pathlib import Path

from llama_index.core import Document, VectorStoreIndex
from llama_index.core.node_parser import SentenceSplitter

from assistant.errors import UnreadableFile
from assistant.evaluation.checks import check
from assistant.ingest.read import read_pages

TOP_K = 2


def score_baseline(paths: list[Path], embedder, items: list[dict]) -> dict:
    """`paths`: the files the assistant was scored on (the same files for both)."""
    documents = []
    for path in paths:
        try:
            text = "\n".join(p.text for p in read_pages(path))
        except UnreadableFile:
            continue
        documents.append(Document(text=text, metadata={"source": path.name}))
    index = VectorStoreIndex.from_documents(
        documents, embed_model=embedder.llama, transformations=[SentenceSplitter()]
    )
    retriever = index.as_retriever(similarity_top_k=TOP_K)
    checks = []
    for item in items:
        nodes = retriever.retrieve(item["question"])
        citations = [{"n": i + 1, "text": n.node.get_content()} for i, n in enumerate(nodes)]
        top = citations[0]["text"] if citations else ""
        response = {"answer": top, "abstained": False, "citations": citations}
        checks.append(check(item, response))
    answerable = [c for c in checks if c["answerable"]]
    unanswerable = [c for c in checks if not c["answerable"]]
    ranks = [c["evidence_rank"] for c in answerable]
    n = max(len(answerable), 1)
    return {
        "description": f"SentenceSplitter defaults + VectorStoreIndex, top-k {TOP_K}",
        "hit_at_1": round(sum(c["hit_at_1"] for c in answerable) / n, 4),
        "hit_at_5": round(sum(c["hit_at_5"] for c in answerable) / n, 4),
        "mrr": round(sum(1 / r for r in ranks if r) / n, 4),
        "answer_accuracy": round(sum(c["answer_correct"] for c in answerable) / n, 4),
        "abstention_recall": round(sum(c["abstained"] for c in unanswerable) / max(len(unanswerable), 1), 4),
    }
