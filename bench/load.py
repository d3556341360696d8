"""Load test: N members asking at once through the web app, for a bounded time.

Starts the real app (`assistant serve`, --apps N processes on the same index, each member
kept on one as a sticky proxy keeps them) on 127.0.0.1 over the bundled corpus, with the
embedded store or with a Chroma server (`chroma run`, which it also starts), then runs
N client threads that each ask the known-facts questions in turn through Gradio's own
client (the same queue and event stream a browser uses) for D seconds. Reports requests
served, replies by kind, and p50/p95/p99 latency, and writes them as JSON and Markdown.

With --faults, a third of the way in the Chroma server is stopped for a few seconds and
started again (server store), and two thirds of the way in another process ingests a
real council paper. Members should get answers, or a plain "try again" while the server
is down; afterwards every committed paper must still be there, the new one too.

    .venv/bin/python bench/load.py [--clients 20] [--seconds 60] [--store embedded|server|both] [--faults] [--apps 1]

A benchmark, not a test: the figures depend on the machine. No language model is used.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from contextlib import ExitStack, contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
OUT = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT / "tests"))
from chroma_server import restartable_chroma  # noqa: E402  (the same server the tests start)
from files import REAL_PAPERS, free_port  # noqa: E402

from assistant.errors import IndexUnavailable  # noqa: E402
from assistant.web.handlers import SORRY  # noqa: E402

TRY_AGAIN = str(IndexUnavailable())
NEW_PAPER = REAL_PAPERS / "kent" / "kent-corporate-parenting-minutes-2024-10-29.pdf"  # 100 kB, 8 pages
DOWN_FOR = 3.0  # seconds the Chroma server is stopped
SETTLE = 2.0  # after it answers again: questions queued meanwhile are still finishing
QUIET = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_HUB_DISABLE_TELEMETRY": "1",
         "GRADIO_ANALYTICS_ENABLED": "False", "ANONYMIZED_TELEMETRY": "False", "NO_PROXY": "localhost,127.0.0.1"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--store", choices=["embedded", "server", "both"], default="both")
    parser.add_argument("--client", choices=["http", "gradio"], default="http",
                        help="http: Gradio's REST route with httpx (light); gradio: gradio_client")
    parser.add_argument("--faults", action="store_true",
                        help="restart the Chroma server and ingest a paper during the run")
    parser.add_argument("--apps", type=int, default=1,
                        help="app processes on the same index, each member kept on one (as a sticky proxy does)")
    args = parser.parse_args()
    os.environ.update(QUIET)
    stores = ["embedded", "server"] if args.store == "both" else [args.store]
    results = [run_one(store, args.clients, args.seconds, args.client, args.faults, args.apps) for store in stores]
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "load.json").write_text(json.dumps(results, indent=1), "utf-8")
    (OUT / "load.md").write_text(as_markdown(results, args), "utf-8")
    print(as_markdown(results, args))


def run_one(store: str, clients: int, seconds: float, client_kind: str, faults: bool, apps: int = 1) -> dict:
    work = Path(tempfile.mkdtemp(prefix=f"load-{store}-"))
    env = {**os.environ, "ASSISTANT_INDEX_DIR": str(work / "index")}
    with ExitStack() as stack:
        server = None
        if store == "server":
            server = stack.enter_context(restartable_chroma(work))
            env |= {"ASSISTANT_CHROMA_HOST": "127.0.0.1", "ASSISTANT_CHROMA_PORT": str(server.port)}
        subprocess.run([str(BIN / "assistant"), "ingest", str(ROOT / "corpus")], env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        urls = [stack.enter_context(serving(env)) for _ in range(apps)]
        plan = Faults(server, env, work, seconds) if faults else None
        result = {"store": store, "clients": clients, "seconds": seconds, "client": client_kind, "faults": faults,
                  "apps": apps, **hammer(urls, clients, seconds, client_kind, plan)}
        if plan:
            result |= plan.outcome()
        return result


@contextmanager
def serving(env: dict) -> Iterator[str]:
    """An app process (`assistant serve`) on a free port, until the block ends: its address."""
    port = free_port()
    app = subprocess.Popen([str(BIN / "assistant"), "serve", "--port", str(port)], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: socket.create_connection(("127.0.0.1", port), timeout=1).close(), timeout=180)
        yield f"http://127.0.0.1:{port}/"
    finally:
        app.terminate()
        app.wait(timeout=30)


class Faults:
    """What goes wrong during a run, on a timetable: the Chroma server stops for a few
    seconds (a third of the way in), another process ingests a paper (two thirds in)."""

    def __init__(self, server, env: dict, work: Path, seconds: float):
        self.server, self.env, self.work, self.seconds = server, env, work, seconds
        self.before = self._sources()
        self.window: tuple[float, float] | None = None  # when the server was down, and settling
        self.ingest: dict = {}

    def run(self, start: float) -> None:
        if self.server is not None:
            _sleep_until(start + self.seconds / 3)
            down = time.monotonic()
            self.server.stop()
            time.sleep(DOWN_FOR)
            self.server.start()
            self.window = (down, time.monotonic() + SETTLE)
        _sleep_until(start + 2 * self.seconds / 3)
        began = time.monotonic()
        done = subprocess.run([str(BIN / "assistant"), "ingest", str(NEW_PAPER)], env=self.env,
                              capture_output=True, text=True)
        self.ingest = {"exit": done.returncode, "seconds": round(time.monotonic() - began, 1),
                       "said": done.stderr.strip().splitlines()[-1:]}

    def during_outage(self, began: float, took: float) -> bool:
        """Asked while the server was down or settling, or still waiting when it stopped."""
        return self.window is not None and began <= self.window[1] and began + took >= self.window[0]

    def outcome(self) -> dict:
        after = self._sources()
        check = subprocess.run([str(BIN / "assistant"), "index", "check"], env=self.env, capture_output=True, text=True)
        return {"ingest": self.ingest, "committed_lost": sorted(self.before - after),
                "new_paper_committed": NEW_PAPER.name in after, "index_check_exit": check.returncode,
                "outage_s": round(self.window[1] - self.window[0], 1) if self.window else None}

    def _sources(self) -> set[str]:
        listed = subprocess.run([str(BIN / "assistant"), "documents", "--json"], env=self.env,
                                capture_output=True, text=True, check=True)
        return {d["source"] for d in json.loads(listed.stdout)}


def _sleep_until(moment: float) -> None:
    time.sleep(max(0.0, moment - time.monotonic()))


def _gradio_client_ask(url: str):
    from gradio_client import Client

    client = Client(url, verbose=False)
    return lambda question: client.predict(question, [], [], None, None, "", "", "", api_name="/ask")[0]


def _http_ask(url: str):
    """Gradio's documented REST route (POST the inputs, then read the event stream), as a
    light client: 20 gradio_client instances would themselves take much of 2 cores."""
    import httpx

    session = httpx.Client(base_url=url, timeout=60)
    member = uuid.uuid4().hex  # one browser session per member, as the page keeps one

    def ask(question: str):
        posted = session.post("gradio_api/call/ask", json={"data": [question, [], [], None, None, "", "", ""],
                                                          "session_hash": member})
        posted.raise_for_status()
        event, data = None, None
        with session.stream("GET", f"gradio_api/call/ask/{posted.json()['event_id']}") as stream:
            for line in stream.iter_lines():
                if line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:") and event in ("complete", "error"):
                    data = line[5:].strip()
                    break
        if event != "complete":
            raise RuntimeError(f"event {event}: {(data or '')[:80]}")
        return json.loads(data)[0]

    return ask


def hammer(urls: list[str], clients: int, seconds: float, client_kind: str, faults: Faults | None = None) -> dict:
    """Member n asks through app n mod len(urls) throughout (a sticky proxy's spread)."""
    questions = [json.loads(line)["question"] for line in (ROOT / "eval" / "known_facts.jsonl").read_text().splitlines() if line.strip()]
    replies: list[tuple[float, float, str]] = []  # (asked at, seconds taken, kind)
    samples: dict[str, str] = {}
    lock = threading.Lock()
    start = time.monotonic()
    stop = start + seconds

    def member(n: int) -> None:
        url = urls[n % len(urls)]
        ask = _gradio_client_ask(url) if client_kind == "gradio" else _http_ask(url)
        i = n
        while time.monotonic() < stop:
            question = questions[i % len(questions)]
            i += clients
            began = time.monotonic()
            try:
                kind, said = reply_kind(ask(question))
            except Exception as exc:  # noqa: BLE001  (counted and reported)
                kind, said = f"failed: {type(exc).__name__}", str(exc)[:120]
            with lock:
                replies.append((began, time.monotonic() - began, kind))
                samples.setdefault(kind, said[:120])

    threads = [threading.Thread(target=member, args=(n,)) for n in range(clients)]
    if faults:
        threads.append(threading.Thread(target=faults.run, args=(start,)))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start
    kinds = Counter(kind for _, _, kind in replies)

    def outage(began: float, took: float) -> bool:
        return faults is not None and faults.during_outage(began, took)

    outside = [took for began, took, kind in replies if kind == "answered" and not outage(began, took)]
    inside = [took for began, took, _ in replies if outage(began, took)]
    try_again_outside = sum(1 for began, took, kind in replies if kind == "try again" and not outage(began, took))
    answered = sorted(took for _, took, kind in replies if kind == "answered")
    return {
        "requests": len(replies), "answered": kinds["answered"], "kinds": dict(kinds),
        "errors": len(replies) - kinds["answered"], "samples": {k: v for k, v in samples.items() if k != "answered"},
        "try_again_outside_outage": try_again_outside, "asked_during_outage": len(inside),
        "elapsed_s": round(elapsed, 1), "throughput_per_s": round(len(answered) / elapsed, 2),
        "p50_ms": _percentile(answered, 50), "p95_ms": _percentile(answered, 95), "p99_ms": _percentile(answered, 99),
        "p95_outside_outage_ms": _percentile(sorted(outside), 95),
        "max_ms": round(answered[-1] * 1000) if answered else None,
    }


def reply_kind(chat: list) -> tuple[str, str]:
    """'answered', 'try again' (the index server was not answering) or 'failed: ...'."""
    reply = chat[-1]["content"]
    text = reply if isinstance(reply, str) else " ".join(part.get("text", "") for part in reply)
    if TRY_AGAIN in text:
        return "try again", text
    if not text or SORRY in text:
        return "failed: something went wrong", text
    return "answered", text


def _percentile(ordered: list[float], p: int) -> int | None:
    if len(ordered) < 2:
        return None
    return round(statistics.quantiles(ordered, n=100, method="inclusive")[p - 1] * 1000)


def as_markdown(results: list[dict], args) -> str:
    machine = f"{os.cpu_count()} CPU cores, {platform.machine()}, Python {platform.python_version()}"
    lines = [
        "# Load test: members asking at once through the web app",
        "",
        f"Run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {machine}; no language model.",
        f"{args.apps} app process{'es' if args.apps > 1 else ''} on one index, each member kept on one. "
        f"Each of {args.clients} clients asks the known-facts questions in turn, without pause, for {args.seconds:g} s "
        f"through Gradio's queue and event stream ({'its REST route, with httpx' if args.client == 'http' else 'gradio_client'}; "
        "the clients run on the same 2 cores as the app). Target: no lost answers, \"try again\" only while the "
        "Chroma server is down, p95 under 2 s outside that window.",
        "",
        "| store | faults | app processes | clients | asked | answered | try again (outage / other times) | failed | answers/s "
        "| p50 ms | p95 ms | p95 outside outage ms | p99 ms | max ms |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        try_again = r["kinds"].get("try again", 0)
        failed = r["errors"] - try_again
        lines.append(f"| {r['store']} | {'yes' if r['faults'] else 'no'} | {r.get('apps', 1)} | {r['clients']} | {r['requests']} | {r['answered']} "
                     f"| {try_again - r['try_again_outside_outage']} / {r['try_again_outside_outage']} | {failed} "
                     f"| {r['throughput_per_s']} | {r['p50_ms']} | {r['p95_ms']} | {r['p95_outside_outage_ms']} "
                     f"| {r['p99_ms']} | {r['max_ms']} |")
    for r in results:
        if r["faults"]:
            outage = f"Chroma server stopped for {DOWN_FOR:g} s a third of the way in ({r['asked_during_outage']} questions " \
                     f"waiting or asked between the stop and {SETTLE:g} s after it answered again, {r['outage_s']} s); " if r["outage_s"] else ""
            ingest = r["ingest"]
            lines.append(f"\n{r['store']}: {outage}`assistant ingest {NEW_PAPER.name}` two thirds of the way in took "
                         f"{ingest.get('seconds')} s (exit {ingest.get('exit')}). Committed papers lost: "
                         f"{', '.join(r['committed_lost']) or 'none'}; new paper committed: "
                         f"{'yes' if r['new_paper_committed'] else 'NO'}; `assistant index check` exit {r['index_check_exit']}.")
        for kind, said in r["samples"].items():
            lines.append(f"\n{r['store']}, {kind}: {said!r}")
    command = (f"--clients {args.clients} --seconds {args.seconds:g} --store {args.store}"
               f"{' --faults' if args.faults else ''} --apps {args.apps}")
    lines += ["", f"Rerun: `.venv/bin/python bench/load.py {command}` (`make load` runs the faults run)."]
    return "\n".join(lines) + "\n"


def wait_for(check, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            check()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


if __name__ == "__main__":
    main()
