"""A locked-down deployment: the Chroma server's token authentication, for real.

Chroma's own server with `CHROMA_SERVER_AUTHN_*` set, on a free loopback port; the app
and the `assistant` command as separate processes; nothing faked.
"""

from __future__ import annotations

import os
import subprocess

import chromadb
import pytest
from chroma_server import BIN, running_chroma
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import ChromaAuthError
from files import corpus_file, free_port
from pydantic import SecretStr

from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.pipeline import Assistant

pytestmark = pytest.mark.slow
TOKEN = "a-long-random-token-the-council-keeps-secret"
RE_REFERRALS = "What was the re-referral rate in Barnsley at the end of October 2023?"


@pytest.fixture(scope="module")
def token_server(tmp_path_factory):
    with running_chroma(tmp_path_factory.mktemp("chroma-token"), token=TOKEN) as port:
        yield port


def _server_settings(port: int, folder, token: str) -> Settings:
    return Settings(chroma_host="127.0.0.1", chroma_port=port, chroma_token=SecretStr(token),
                    collection="locked", index_dir=folder, corpus_dir=folder / "corpus")


def _client(port: int, token: str | None):
    auth = {"chroma_client_auth_provider": "chromadb.auth.token_authn.TokenAuthClientProvider",
            "chroma_client_auth_credentials": token} if token else {}
    return chromadb.HttpClient(host="127.0.0.1", port=port, settings=ChromaSettings(anonymized_telemetry=False, **auth))


def test_the_app_uses_the_server_with_its_token_and_no_one_reads_it_without(token_server, tmp_path, embedder):
    assistant = Assistant(_server_settings(token_server, tmp_path / "app", TOKEN), embedder=embedder)
    assert {r.status for r in assistant.ingest([corpus_file("barnsley-osc-2024")])} == {"added"}
    assert "28.4%" in assistant.ask(RE_REFERRALS).text

    assert _client(token_server, TOKEN).get_collection("locked").count() > 0
    for token in (None, "a-guess"):  # any process that reaches the port, without the token
        with pytest.raises(ChromaAuthError):
            _client(token_server, token).get_collection("locked").get(limit=1)


def test_the_app_refuses_to_start_with_a_wrong_token(token_server, tmp_path, embedder):
    wrong = Assistant(_server_settings(token_server, tmp_path / "wrong", "not-the-token"), embedder=embedder)
    with pytest.raises(AssistantError, match="refused this app's token"):
        wrong.documents()

    for token in ("not-the-token", ""):  # the web UI, as a council starts it
        env = {**os.environ, "ASSISTANT_CHROMA_HOST": "127.0.0.1", "ASSISTANT_CHROMA_PORT": str(token_server),
               "ASSISTANT_CHROMA_TOKEN": token, "ASSISTANT_INDEX_DIR": str(tmp_path / "serve")}
        run = subprocess.run([str(BIN / "assistant"), "serve", "--port", str(free_port())],
                             capture_output=True, text=True, env=env, timeout=120)
        assert run.returncode == 1, run.stdout + run.stderr
        assert "refused this app's token" in run.stderr and "ASSISTANT_CHROMA_TOKEN" in run.stderr
        assert "Traceback" not in run.stderr
