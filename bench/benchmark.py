"""Speed on this machine (a benchmark, not a test: machines are noisy).

Prints, for corpus/ and for the real council PDFs in ../shared/realpapers (when present):
ingest time and throughput into a fresh index (pages/s for PDFs, passages/s), the raw
embedding throughput of the model on the same passages, and the ratio of the two; where the
ingest's time went (reading, from its own progress reports, and the rest: embedding the
passages and what answers may quote, and storing them); then warm `ask` latency p50/p95
over the known-facts questions.

    make bench            # or: .venv/bin/python bench/benchmark.py
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from assistant import _offline  # noqa: F401
from assistant.config import Settings
from assistant.embedding import Embedder
from assistant.evaluation import load_dataset
from assistant.ingest.results import Progress
from assistant.pipeline import Assistant

ROOT = Path(__file__).resolve().parent.parent


REAL_PAPERS = ROOT.parent / "shared" / "realpapers"


@dataclass(frozen=True)
class IngestSpeed:
    passages: int
    pages: int
    ingest_s: float
    raw_embed_s: float  # embedding the same passages (as indexed, with their context) alone
    reading_s: float  # of ingest_s: files -> passages, before anything is embedded

    def lines(self, name: str) -> list[str]:
        ingest_rate, raw_rate = self.passages / self.ingest_s, self.passages / self.raw_embed_s
        pages = f", {self.pages / self.ingest_s:.2f} pages/s ({self.pages} pages)" if self.pages else ""
        return [
            f"{name}: {self.passages} passages{pages}",
            f"  raw embedding               {raw_rate:6.1f} passages/s  ({self.raw_embed_s:.1f} s)",
            f"  ingest (read+embed+store)   {ingest_rate:6.1f} passages/s  ({self.ingest_s:.1f} s)",
            f"  ingest / raw embedding      {ingest_rate / raw_rate:6.0%}   (target >= 70%)",
            f"  of ingest: reading {self.reading_s:.1f} s ({self.reading_s / self.ingest_s:.0%}), "
            f"embedding passages and quotes and storing {self.ingest_s - self.reading_s:.1f} s",
        ]


class StageClock:
    """Seconds spent in each stage an ingest reports ('reading', 'embedding'), timed from
    one progress report to the next: the pipeline is measured as it runs, not re-run."""

    def __init__(self) -> None:
        self.seconds: Counter[str] = Counter()
        self._stage, self._since = "", time.perf_counter()

    def __call__(self, progress: Progress) -> None:
        self.stop()
        self._stage = progress.stage

    def stop(self) -> None:
        now = time.perf_counter()
        self.seconds[self._stage] += now - self._since
        self._since = now


def measure_ingest(assistant: Assistant, paths: list[Path]) -> IngestSpeed:
    clock = StageClock()
    started = time.perf_counter()
    results = assistant.ingest(paths, on_progress=clock)
    clock.stop()
    ingest_s = time.perf_counter() - started
    texts = [n.get_content(metadata_mode="embed") for n in assistant.index.committed_nodes()]
    started = time.perf_counter()
    assistant.index.embedder.embed_texts(texts)
    return IngestSpeed(sum(r.passages for r in results), sum(r.pages for r in results), ingest_s,
                       time.perf_counter() - started, clock.seconds["reading"])


def warm_ask_latency(assistant: Assistant, questions: list[str]) -> str:
    assistant.ask(questions[0])  # warm: BM25 built, model loaded
    latencies = []
    for question in questions:
        started = time.perf_counter()
        assistant.ask(question)
        latencies.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return (f"warm ask over {len(latencies)} questions  p50 {cuts[49]:.1f} ms  p95 {cuts[94]:.1f} ms"
            "   (targets: p50 < 100 ms, p95 < 250 ms)")


def fresh_assistant(embedder: Embedder, corpus: Path) -> Assistant:
    return Assistant(Settings(corpus_dir=corpus, index_dir=Path(tempfile.mkdtemp()) / "index"), embedder=embedder)


def main() -> None:
    embedder = Embedder(Settings())
    embedder.embed_texts(["warm up"])
    seed = fresh_assistant(embedder, ROOT / "corpus")
    print("\n".join(measure_ingest(seed, [ROOT / "corpus"]).lines("corpus/ (text)")))
    if REAL_PAPERS.is_dir():
        pdfs = sorted(REAL_PAPERS.rglob("*.pdf"))
        real = fresh_assistant(embedder, REAL_PAPERS)
        print("\n".join(measure_ingest(real, pdfs).lines(f"real council PDFs ({len(pdfs)} files)")))
    print(warm_ask_latency(seed, [i["question"] for i in load_dataset(ROOT / "eval" / "known_facts.jsonl")]))


if __name__ == "__main__":
    main()
