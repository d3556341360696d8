"""Speed on this machine (a benchmark, not a test: machines are noisy).

Prints: raw embedding throughput of the model (passages/s) on the corpus passages,
ingest time and throughput for corpus/ into a fresh index (and its ratio to raw
embedding), and warm `ask` latency p50/p95 over the known-facts questions.

    make bench            # or: .venv/bin/python bench/benchmark.py
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from assistant import _offline  # noqa: F401
from assistant.config import Settings
from assistant.embedding import Embedder
from assistant.evaluation import load_dataset
from assistant.pipeline import Assistant

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    settings = Settings(corpus_dir=ROOT / "corpus", index_dir=Path(tempfile.mkdtemp()) / "index")
    embedder = Embedder(settings)
    embedder.embed_texts(["warm up"])

    assistant = Assistant(settings, embedder=embedder)
    started = time.perf_counter()
    results = assistant.ingest([settings.corpus_dir])
    ingest_s = time.perf_counter() - started
    passages = sum(r.passages for r in results)

    texts = [n.get_content(metadata_mode="embed") for n in assistant.index.committed_nodes()]
    started = time.perf_counter()
    embedder.embed_texts(texts)
    raw_s = time.perf_counter() - started

    questions = [i["question"] for i in load_dataset(ROOT / "eval" / "known_facts.jsonl")]
    assistant.ask(questions[0])  # warm: BM25 built, model loaded
    latencies = []
    for question in questions:
        started = time.perf_counter()
        assistant.ask(question)
        latencies.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")

    raw_rate, ingest_rate = len(texts) / raw_s, passages / ingest_s
    print(f"passages in corpus/         {passages}")
    print(f"raw embedding               {raw_rate:6.1f} passages/s  ({raw_s:.1f} s)")
    print(f"ingest (parse+embed+store)  {ingest_rate:6.1f} passages/s  ({ingest_s:.1f} s)")
    print(f"ingest / raw embedding      {ingest_rate / raw_rate:6.0%}   (target >= 70%)")
    print(f"warm ask over {len(latencies)} questions  p50 {cuts[49]:.1f} ms  p95 {cuts[94]:.1f} ms"
          "   (targets: p50 < 100 ms, p95 < 250 ms)")


if __name__ == "__main__":
    main()
