"""How cost grows with the archive: a synthetic council archive at 10k, 100k and 1M
passages, on the embedded store and on a Chroma server (a benchmark, not a test).

The archive is the seed papers' passages (corpus/) copied again and again, each copy
another council with its own meeting dates and figures, so no two passages are the same.
Their vectors are **derived, not embedded**: the original passage's vector with a little
noise (and so are those of what answers may quote, which an ingest keeps for each file). Embedding costs the same per passage at any size (`make bench` measures its rate:
~34 passages/s here), so at 1M passages it would be 8 hours of one number times a
million; everything else is the real code path: `Index.add_file` one file at a time,
committing each as `assistant ingest` does.

Per size and store: ingest rate, disk, the lexical mirror's first build (as `assistant
ingest` does after committing), and in a fresh app process (as `assistant serve`
starts): memory, cold start to the first answer, the p95 of the first questions after
that (the 158 in members' words), warm ask p50/p95 over the 185 known-facts questions asked next, on a
Chroma server how long its own first search of the whole collection takes (once per
server start), and how long a 10-paper ingest by another process takes to reach it (the app
brings the mirror up to date itself: an upper bound).

    make bench-scale                                     # 10k and 100k, both stores
    .venv/bin/python bench/scale.py --sizes 1000000 --store server
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

import numpy as np

from assistant import _offline  # noqa: F401
from assistant.answer.units import quotable
from assistant.config import Settings
from assistant.embedding import Embedder
from assistant.evaluation import load_dataset
from assistant.index import Index
from assistant.ingest import ParsedDocument
from assistant.language.councils import official_names
from assistant.pipeline import Assistant
from assistant.retrieve import LexicalIndex

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT / "tests"))
from chroma_server import running_chroma  # noqa: E402  (the same server the tests start)

NOISE = 0.02  # of a unit vector: near the original passage, never the same
YEARS = re.compile(r"\b(?:19|20)\d\d\b")
NUMBER = re.compile(r"\d+(?:\.\d+)?")
COPY = re.compile(r"v\d{7}-")  # a synthetic file's name begins with its copy's number


@dataclass(frozen=True)
class BaseFile:
    source: str
    parsed: list[ParsedDocument]
    vectors: list[np.ndarray]  # one per passage, in order
    quotable: list[list[str]]  # per passage, in order: what answers may quote from it
    quotes: dict[str, list[float]]  # those texts' vectors, as the ingest embedded them


@dataclass(frozen=True)
class Copy:
    source: str
    digest: str
    parsed: list[ParsedDocument]
    vectors: list[np.ndarray]
    quotes: dict[str, np.ndarray]


def base_material(workdir: Path, embedder: Embedder) -> list[BaseFile]:
    """The seed papers as indexed (ingested once into `workdir`), with their vectors."""
    assistant = Assistant(Settings(index_dir=workdir / "base", corpus_dir=ROOT / "corpus"), embedder=embedder)
    assistant.ingest([ROOT / "corpus"])
    snapshot = assistant.snapshot
    vectors = assistant.index.vectors([p.passage_id for p in snapshot.passages])
    files = []
    for source, entry in sorted(snapshot.files.items()):
        parsed = [ParsedDocument(d, snapshot.passages_of([d.doc_id])) for d in entry.documents]
        passages = [p for doc in parsed for p in doc.passages]
        texts = [quotable(p) for p in passages]
        quotes = assistant.lexical.quote_vectors([t for each in texts for t in each])
        files.append(BaseFile(source, parsed, [vectors[p.passage_id] for p in passages], texts, quotes))
    return files


def variant(base: BaseFile, k: int, councils: list[str]) -> Copy:
    """Copy k of a paper: another council, dates moved on by k weeks, every figure but a
    year changed, vectors nudged (its passages' and, where its quotable texts match the
    original's one for one, theirs: kept as an ingest keeps them)."""
    rng = random.Random(k)
    council = councils[k % len(councils)]
    source = f"v{k:07d}-{base.source}"  # see COPY
    digest = hashlib.sha1(source.encode()).hexdigest()
    factor = 1 + rng.uniform(-0.3, 0.3)

    def figures(text: str) -> str:
        return NUMBER.sub(lambda m: m.group(0) if YEARS.fullmatch(m.group(0)) else _scaled(m.group(0), factor), text)

    parsed = []
    for doc in base.parsed:
        d = doc.document
        document = replace(d, doc_id=f"{d.doc_id}-v{k}", source=source, file_hash=digest, council=council,
                           meeting_date=_moved(d.meeting_date, k), title=figures(d.title or ""))
        passages = [replace(p, passage_id=f"{p.passage_id}-v{k}", doc_id=document.doc_id, text=figures(p.text))
                    for p in doc.passages]
        parsed.append(ParsedDocument(document, passages))
    noise = np.random.default_rng(k)
    vectors = [_nudged(v, noise) for v in base.vectors]
    quotes = {}
    for before, copied in zip(base.quotable, (p for d in parsed for p in d.passages)):
        after = quotable(copied)
        if len(before) == len(after):  # else left to be embedded at the question
            quotes |= {new: _nudged(np.asarray(base.quotes[old]), noise) for old, new in zip(before, after) if old in base.quotes}
    return Copy(source, digest, parsed, vectors, quotes)


def _nudged(vector: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    moved = vector + rng.normal(0, NOISE / np.sqrt(len(vector)), len(vector))
    return moved / np.linalg.norm(moved)


def _scaled(number: str, factor: float) -> str:
    value = float(number) * factor
    return f"{value:.1f}" if "." in number else str(max(1, round(value)))


def _moved(iso: str | None, k: int) -> str | None:
    if not iso:
        return iso
    day = np.datetime64(iso) + np.timedelta64(7 * (k % 520), "D")
    return str(day)


class DerivedVectors:
    """The real embedder for questions; for passages, the vectors given beforehand."""

    def __init__(self, embedder: Embedder):
        self._embedder = embedder
        self._next: list[np.ndarray] = []

    def give(self, vectors: list[np.ndarray]) -> None:
        self._next = list(vectors)

    def embed_texts(self, texts: list[str]) -> list[list[float]]:
        taken, self._next = self._next[: len(texts)], self._next[len(texts):]
        return [v.tolist() for v in taken]

    def __getattr__(self, name):
        return getattr(self._embedder, name)


def ingest_synthetic(index: Index, base: list[BaseFile], first: int, councils: list[str],
                     passages: float = float("inf"), files: float = float("inf")) -> tuple[int, int, float]:
    """Add copies from number `first` on, one committed file at a time, until `passages`
    passages or `files` files more are in: (the next copy's number, passages, seconds)."""
    derived: DerivedVectors = index.embedder
    lexical = LexicalIndex.beside(index)
    added, made, k, started = 0, 0, first, time.perf_counter()
    with index.writing():
        while added < passages and made < files:
            for paper in base:
                copy = variant(paper, k, councils)
                derived.give(copy.vectors)
                added += index.add_file(copy.source, copy.digest, copy.parsed)
                lexical.keep_quote_vectors(copy.source, copy.quotes)
                made += 1
                if made % 500 == 0:  # the rate as the archive grows, not only on average
                    now = time.perf_counter()
                    print(f"  {added:,} passages in, {added / (now - started):,.0f}/s so far", file=sys.stderr, flush=True)
                if added >= passages or made >= files:
                    break
            k += 1
    return k, added, time.perf_counter() - started


def probe(args) -> None:
    """A fresh app process on the archive: JSON lines on stdout (see `measure_app`).

    Asked first: the members' words questions, timed as the first questions after start
    (they touch the mirror's pages for the first time). Then, warm, the known-facts
    questions: different questions about the same papers, so nothing measured is an
    answer asked before."""
    started = time.perf_counter()
    settings = _settings(args.store_dir, args.port, args.collection)
    assistant = Assistant(settings)
    first_questions = [q["question"] for q in load_dataset(ROOT / "eval" / "members_words.jsonl")]
    warm_questions = [q["question"] for q in load_dataset(ROOT / "eval" / "known_facts.jsonl")]
    assistant.ask(first_questions[0])
    cold = time.perf_counter() - started
    first, _ = _timed(assistant, first_questions[1:])
    warm, stages = _timed(assistant, warm_questions)
    print(json.dumps({"cold_start_s": cold, "first_p95_ms": _p95(first),
                      "p50_ms": statistics.median(warm), "p95_ms": _p95(warm),
                      "stage_p50_ms": {stage: statistics.median(ms) for stage, ms in stages.items()},
                      "rss_mb": peak_memory_mb(),
                      "documents": len(assistant.documents())}), flush=True)
    known = len(assistant.snapshot.documents)
    sys.stdin.readline()  # another process has committed ten papers, then said so
    said = time.perf_counter()
    assistant.ask(warm_questions[0])  # sees the new commit, loads it, then answers
    assert len(assistant.snapshot.documents) > known, "the new papers never reached the app"
    print(json.dumps({"visible_after_s": time.perf_counter() - said,
                      "rss_after_mb": peak_memory_mb()}), flush=True)


def _timed(assistant: Assistant, questions: list[str]) -> tuple[list[float], dict[str, list[float]]]:
    """Each question's time to answer (ms), and each stage's."""
    times, stages = [], {}
    for question in questions:
        started = time.perf_counter()
        answer = assistant.ask(question)
        times.append((time.perf_counter() - started) * 1000)
        for stage, ms in answer.timings_ms.items():
            stages.setdefault(stage, []).append(ms)
    return times, stages


def _p95(times: list[float]) -> float:
    return sorted(times)[int(0.95 * (len(times) - 1))]


def server_first_query_s(index: Index) -> float:
    """How long a Chroma server just started takes over its first search of the whole
    collection: it reads its vector index from disk then (3-6 s at 1M passages, once per
    server start, whichever process asks). The bench asks it before starting the app, so
    this is reported on its own rather than landing on one member's question."""
    vector = index.embedder.embed_query("children in care")
    started = time.perf_counter()
    index.collection.query(query_embeddings=[vector], n_results=10)
    return time.perf_counter() - started


def peak_memory_mb() -> float:
    """This process's peak resident memory. Not getrusage's ru_maxrss: Linux carries it over
    an exec, so a probe started by this bench reported the bench's own peak when larger."""
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"^VmHWM:\s+(\d+) kB", status, re.M).group(1)) / 1024


def measure_app(store_dir: Path, port: int | None, collection: str, index: Index, base, next_copy, councils):
    server = {"server_first_query_s": server_first_query_s(index)} if port else {}
    command = [sys.executable, __file__, "--probe", "--store-dir", str(store_dir), "--collection", collection]
    if port:
        command += ["--port", str(port)]
    app = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                           env={**os.environ, "TOKENIZERS_PARALLELISM": "false"})
    first = json.loads(app.stdout.readline())
    _, _, ingest_s = ingest_synthetic(index, base, next_copy, councils, files=10)
    app.stdin.write("ingested\n")
    app.stdin.flush()
    second = json.loads(app.stdout.readline())
    app.wait(timeout=600)
    return {**server, **first, **second, "ten_paper_ingest_s": ingest_s}


def _settings(store_dir: Path, port: int | None, collection: str) -> Settings:
    if port:
        return Settings(chroma_host="127.0.0.1", chroma_port=port, collection=collection, index_dir=store_dir / "app")
    return Settings(index_dir=store_dir, collection=collection)


def disk_mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 1e6


def run_store(store: str, sizes: list[int], workdir: Path, base: list[BaseFile], embedder,
              again: bool = False) -> list[dict]:
    """`again`: measure the app on the archives an earlier run left in `workdir` (after a
    change to the app; the ingest figures are that run's)."""
    councils = official_names()
    rows = []
    for size in sizes:
        folder = workdir / f"{store}-{size}"
        if not again:
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
        measure = partial(_measure_again if again else _one_size, store, size, base=base, embedder=embedder,
                          councils=councils, collection=f"scale-{size}")
        if store == "server":
            with running_chroma(folder) as port:
                rows.append(measure(store_dir=folder, port=port, data=folder / "db"))
        else:
            rows.append(measure(store_dir=folder / "index", port=None, data=folder / "index"))
        print(_markdown_row(rows[-1]), flush=True)
        _record(rows[-1])  # as measured: a long run cut short keeps what it found
    return rows


def _recorded() -> list[dict]:
    return [json.loads(line) for line in (RESULTS / "scale.json").read_text().splitlines()]


def _record(row: dict) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    with open(RESULTS / "scale.json", "a") as out:
        out.write(json.dumps({**row, "measured": time.strftime("%Y-%m-%d %H:%M")}) + "\n")


def _one_size(store, size, *, store_dir, port, collection, base, embedder, councils, data: Path) -> dict:
    index = Index(_settings(store_dir, port, collection), embedder=DerivedVectors(embedder))
    next_copy, passages, seconds = ingest_synthetic(index, base, 0, councils, passages=size)
    row = {"store": store, "passages": passages, "ingest_per_s": passages / seconds, "ingest_s": seconds}
    return _measured(row, index, store_dir, port, collection, base, next_copy, councils, data)


def _measure_again(store, size, *, store_dir, port, collection, base, embedder, councils, data: Path) -> dict:
    index = Index(_settings(store_dir, port, collection), embedder=DerivedVectors(embedder))
    earlier = [r for r in _recorded() if r["store"] == store and round(r["passages"], -3) == round(size, -3)
               and "mirror_build_s" in r][-1]
    copies = [int(source[1:8]) for source in index.files() if COPY.match(source)]
    row = {**{k: earlier[k] for k in ("store", "passages", "ingest_per_s", "ingest_s")}, "measured_again": True}
    return _measured(row, index, store_dir, port, collection, base, max(copies) + 1, councils, data)


def _measured(row: dict, index: Index, store_dir, port, collection, base, next_copy, councils, data: Path) -> dict:
    """`row` with the mirror's build (from nothing, or bringing it up to date) and a
    fresh app process's figures."""
    started = time.perf_counter()
    LexicalIndex.beside(index).sync(index)  # as `assistant ingest` does after its commits
    row.update(files=len(index.files()), mirror_build_s=time.perf_counter() - started, disk_mb=disk_mb(data),
               mirror_mb=LexicalIndex.beside(index).path.stat().st_size / 1e6)
    row.update(measure_app(store_dir, port, collection, index, base, next_copy, councils))
    return row


HEADER = ("| store | passages | files | ingest passages/s | lexical mirror: first build, size | disk MB | app memory MB | cold start s "
          "| first questions p95 ms | warm ask p50 ms | p95 ms | server's first search s "
          "| 10 papers visible after s | memory after MB |\n"
          "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")


def _markdown_row(r: dict) -> str:
    built = (f"{r['mirror_build_s']:,.0f} s, {r['mirror_mb']:,.0f} MB" if "mirror_build_s" in r
             else "none (BM25 in each process's memory)")
    if r.get("measured_again"):
        built = f"built before, {r['mirror_mb']:,.0f} MB"
    # rows measured before 2026-12-04 timed the first questions after start as "warm"
    first = f"{r['first_p95_ms']:.0f}" if "first_p95_ms" in r else "–"
    earlier = "" if "first_p95_ms" in r else "*"
    server = f"{r['server_first_query_s']:.1f}" if "server_first_query_s" in r else "–"
    return (f"| {r['store']} | {r['passages']:,} | {r['files']:,} | {r['ingest_per_s']:,.0f} | {built} | {r['disk_mb']:,.0f} "
            f"| {r['rss_mb']:,.0f} | {r['cold_start_s']:.1f} | {first} | {r['p50_ms']:.0f}{earlier} | {r['p95_ms']:.0f}{earlier} "
            f"| {server} "
            f"| {r['visible_after_s']:.1f} | {r['rss_after_mb']:,.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="Comma-separated passage counts.")
    parser.add_argument("--store", choices=["embedded", "server", "both"], default="both")
    parser.add_argument("--workdir", type=Path, default=None, help="Default: a temporary folder.")
    parser.add_argument("--report", action="store_true", help="Only rewrite scale.md from scale.json.")
    parser.add_argument("--again", action="store_true",
                        help="Measure the app again on the archives an earlier run left in --workdir.")
    parser.add_argument("--probe", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--store-dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--collection", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe:
        return probe(args)
    if args.report:
        return write_report()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="scale-"))
    embedder = Embedder(Settings())
    base = base_material(workdir, embedder)
    print(f"base: {sum(len(d.passages) for f in base for d in f.parsed)} passages in {len(base)} files; "
          f"work in {workdir}\n{HEADER}", flush=True)
    for store in (["embedded", "server"] if args.store == "both" else [args.store]):
        run_store(store, [int(s) for s in args.sizes.split(",")], workdir, base, embedder, again=args.again)
    write_report()


def write_report() -> None:
    """bench/results/scale.md: the latest measurement of each store and size."""
    latest = {}
    for row in _recorded():
        latest[(row["store"], round(row["passages"], -3), "mirror_build_s" in row, row.get("measured_again", False))] = row
    rows = [latest[key] for key in sorted(latest)]  # per store and size: before the mirror, then with it
    (RESULTS / "scale.md").write_text(
        "# Scale (`make bench-scale`, 2 CPU cores, no language model)\n\n"
        + __doc__.split("\n\n")[1].replace("\n", " ") + "\n\n" + HEADER + "\n"
        + "\n".join(_markdown_row(r) for r in rows)
        + "\n\n\\* measured before 2026-12-04, when \"warm\" was the first questions after start "
        "(nothing asked before them); later rows ask other questions first.\n\nMeasured: "
        + ", ".join(sorted({r["measured"] for r in rows})) + ". Findings: README, \"Scale\".\n")


if __name__ == "__main__":
    main()
