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


class ChromaServer:
    """A Chroma server on one port and data folder, which can be stopped and started
    again there (as a restart would)."""

    def __init__(self, folder: Path, token: str | None = None):
        self.port = free_port()
        self.command, self.env = server_command(folder / "db", self.port, token)
        folder.mkdir(parents=True, exist_ok=True)
        self.log_path = folder / "server.log"
        self._process: subprocess.Popen | None = None

    def start(self) -> None:
        """Returns once the server answers its heartbeat."""
        with open(self.log_path, "a") as log:
            self._process = subprocess.Popen(self.command, stdout=log, stderr=subprocess.STDOUT, env=self.env)
        deadline = time.monotonic() + 60
        while True:
            try:  # the heartbeat is open to all (a client would first ask who it is)
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/api/v2/heartbeat", timeout=2)
                return
            except OSError:
                if self._process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the Chroma server did not start: {self.log_path.read_text()}") from None
                time.sleep(0.3)

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=30)
            self._process = None


@contextmanager
def running_chroma(folder: Path, token: str | None = None):
    """Yields the port once the server answers; stops it afterwards."""
    with restartable_chroma(folder, token) as server:
        yield server.port


@contextmanager
def restartable_chroma(folder: Path, token: str | None = None):
    """Yields the started `ChromaServer`; stops it afterwards."""
    server = ChromaServer(folder, token)
    try:
        server.start()
        yield server
    finally:
        server.stop()
