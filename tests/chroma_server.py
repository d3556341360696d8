"""A real Chroma server for tests, on a free loopback port with its own data folder.

Without a token it is `chroma run` (Chroma's Rust server); with one, `assistant index
serve`: Chroma's FastAPI server with its token authentication, which `chroma run` of the
chromadb version we pin does not offer (assistant/chroma_server.py says why).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from files import free_port

BIN = Path(sys.executable).parent


def server_command(data: Path, port: int, token: str | None) -> tuple[list[str], dict]:
    """The command and environment a council would use (README, "Running it for a council")."""
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    if token is None:
        return [str(BIN / "chroma"), "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)], env
    env["ASSISTANT_CHROMA_TOKEN"] = token
    return [str(BIN / "assistant"), "index", "serve", "--path", str(data), "--port", str(port)], env


@contextmanager
def running_chroma(folder: Path, token: str | None = None):
    """Yields the port once the server answers its heartbeat; stops it afterwards."""
    port = free_port()
    command, env = server_command(folder / "db", port, token)
    log_path = folder / "server.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:  # the heartbeat is open to all (a client would first ask who it is)
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=2)
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"the Chroma server did not start: {log_path.read_text()}") from None
                    time.sleep(0.3)
            yield port
        finally:
            server.terminate()
            server.wait(timeout=30)
