"""Load test: N members asking at once through the web app, for a bounded time.

Starts the real app (`assistant serve`) on 127.0.0.1 over the bundled corpus, with the
embedded store or with a Chroma server (`chroma run`, which it also starts), then runs
N client threads that each ask the known-facts questions in turn through Gradio's own
client (the same queue and event stream a browser uses) for D seconds. Reports requests
served, errors, and p50/p95/p99 latency, and writes them as JSON and Markdown.

    .venv/bin/python bench/load.py [--clients 20] [--seconds 60] [--store embedded|server|both]

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
from contextlib import ExitStack
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
OUT = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT / "tests"))
from chroma_server import running_chroma  # noqa: E402  (the same server the tests start)
from files import free_port  # noqa: E402
QUIET = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_HUB_DISABLE_TELEMETRY": "1",
         "GRADIO_ANALYTICS_ENABLED": "False", "ANONYMIZED_TELEMETRY": "False", "NO_PROXY": "localhost,127.0.0.1"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--store", choices=["embedded", "server", "both"], default="both")
    parser.add_argument("--client", choices=["http", "gradio"], default="http",
                        help="http: Gradio's REST route with httpx (light); gradio: gradio_client")
    args = parser.parse_args()
    os.environ.update(QUIET)
    stores = ["embedded", "server"] if args.store == "both" else [args.store]
    results = [run_one(store, args.clients, args.seconds, args.client) for store in stores]
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "load.json").write_text(json.dumps(results, indent=1), "utf-8")
    (OUT / "load.md").write_text(as_markdown(results, args), "utf-8")
    print(as_markdown(results, args))


def run_one(store: str, clients: int, seconds: float, client_kind: str) -> dict:
    work = Path(tempfile.mkdtemp(prefix=f"load-{store}-"))
    env = {**os.environ, "ASSISTANT_INDEX_DIR": str(work / "index")}
    with ExitStack() as server:
        if store == "server":
            port = server.enter_context(running_chroma(work))  # the tests' own starter
            env |= {"ASSISTANT_CHROMA_HOST": "127.0.0.1", "ASSISTANT_CHROMA_PORT": str(port)}
        subprocess.run([str(BIN / "assistant"), "ingest", str(ROOT / "corpus")], env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        app_port = free_port()
        app = subprocess.Popen([str(BIN / "assistant"), "serve", "--port", str(app_port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            url = f"http://127.0.0.1:{app_port}/"
            wait_for(lambda: socket.create_connection(("127.0.0.1", app_port), timeout=1).close(), timeout=180)
            return {"store": store, "clients": clients, "seconds": seconds, "client": client_kind,
                    **hammer(url, clients, seconds, client_kind)}
        finally:
            app.terminate()
            app.wait(timeout=30)


def _gradio_client_ask(url: str):
    from gradio_client import Client

    client = Client(url, verbose=False)
    return lambda question: client.predict(question, [], [], None, None, "", "", "", api_name="/ask")[0]


def _http_ask(url: str):
    """Gradio's documented REST route (POST the inputs, then read the event stream), as a
    light client: 20 gradio_client instances would themselves take much of 2 cores."""
    import httpx

    session = httpx.Client(base_url=url, timeout=60)

    def ask(question: str):
        posted = session.post("gradio_api/call/ask", json={"data": [question, [], [], None, None, "", "", ""]})
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


def hammer(url: str, clients: int, seconds: float, client_kind: str) -> dict:
    questions = [json.loads(line)["question"] for line in (ROOT / "eval" / "known_facts.jsonl").read_text().splitlines() if line.strip()]
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = time.monotonic()
    stop = start + seconds

    def member(n: int) -> None:
        ask = _gradio_client_ask(url) if client_kind == "gradio" else _http_ask(url)
        i = n
        while time.monotonic() < stop:
            question = questions[i % len(questions)]
            i += clients
            began = time.monotonic()
            try:
                chat = ask(question)
                reply = chat[-1]["content"]
                text = reply if isinstance(reply, str) else " ".join(part.get("text", "") for part in reply)
                if not text or "Something went wrong" in text:
                    raise RuntimeError(f"bad reply: {text[:80]!r}")
                with lock:
                    latencies.append(time.monotonic() - began)
            except Exception as exc:  # noqa: BLE001  (counted and reported)
                with lock:
                    errors.append(f"{type(exc).__name__}: {str(exc)[:120]}")

    threads = [threading.Thread(target=member, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start
    ordered = sorted(latencies)

    def pct(p: float) -> float | None:
        return round(statistics.quantiles(ordered, n=100, method="inclusive")[p - 1] * 1000) if len(ordered) > 1 else None

    return {
        "requests": len(latencies), "errors": len(errors), "error_samples": sorted(set(errors))[:5],
        "elapsed_s": round(elapsed, 1), "throughput_per_s": round(len(latencies) / elapsed, 2),
        "p50_ms": pct(50), "p95_ms": pct(95), "p99_ms": pct(99),
        "max_ms": round(ordered[-1] * 1000) if ordered else None,
    }


def as_markdown(results: list[dict], args) -> str:
    machine = f"{os.cpu_count()} CPU cores, {platform.machine()}, Python {platform.python_version()}"
    lines = [
        "# Load test: members asking at once through the web app",
        "",
        f"Run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {machine}; no language model.",
        f"Each of {args.clients} clients asks the known-facts questions in turn, without pause, for {args.seconds:g} s "
        f"through Gradio's queue and event stream ({'its REST route, with httpx' if args.client == 'http' else 'gradio_client'}; "
        "the clients run on the same 2 cores as the app). Target: zero errors, p95 under 2 s.",
        "",
        "| store | client | clients | requests | errors | req/s | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(f"| {r['store']} | {r['client']} | {r['clients']} | {r['requests']} | {r['errors']} | {r['throughput_per_s']} | "
                     f"{r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | {r['max_ms']} |")
    for r in results:
        if r["error_samples"]:
            lines.append(f"\nErrors ({r['store']}): " + "; ".join(r["error_samples"]))
    lines += ["", "Rerun: `make load` (or `.venv/bin/python bench/load.py --clients 20 --seconds 60 --store both`)."]
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
