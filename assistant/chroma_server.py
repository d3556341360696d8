"""Chroma's server for a council's shared index: connecting to it with its token, and
running it with Chroma's token authentication.

`chroma run` (the Rust server of the chromadb version we pin) has no authentication: it
ignores CHROMA_SERVER_AUTHN_* (checked). The same package's FastAPI server has Chroma's
token authentication, and fails only on results that carry vectors: it calls numpy's
`.tolist()` on the plain lists its Rust core returns. `VectorsAsArrays` hands them over
as arrays; it is chosen through Chroma's own setting (CHROMA_API_IMPL), not by patching.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Optional
from uuid import UUID

import chromadb
import httpx
import numpy as np
import uvicorn
from chromadb.api.rust import RustBindingsAPI
from chromadb.api.types import (
    IDs,
    Embeddings,
    GetResult,
    Include,
    IncludeMetadataDocuments,
    IncludeMetadataDocumentsDistances,
    QueryResult,
    Where,
    WhereDocument,
)
from chromadb.config import DEFAULT_DATABASE, DEFAULT_TENANT, Settings as ChromaSettings
from chromadb.errors import ChromaAuthError
from overrides import override

from assistant.config import Settings
from assistant.errors import AssistantError, IndexUnavailable


def connect(settings: Settings):
    """The Chroma server's HTTP client, checked now: a server that is down or refuses
    our token is a plain message at start-up, not a failure at a member's question."""
    where = f"the Chroma server at {settings.chroma_host}:{settings.chroma_port}"
    token = settings.chroma_token.get_secret_value()
    auth = ChromaSettings(
        anonymized_telemetry=False,
        chroma_client_auth_provider="chromadb.auth.token_authn.TokenAuthClientProvider" if token else None,
        chroma_client_auth_credentials=token or None,
    )
    try:
        client = chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=auth)
        client.count_collections()  # the heartbeat is open to anyone; this needs the token
    except ChromaAuthError:
        raise AssistantError(
            f"{where} refused this app's token: set ASSISTANT_CHROMA_TOKEN to the token the server "
            "was started with (CHROMA_SERVER_AUTHN_CREDENTIALS)"
        ) from None
    except Exception as exc:  # noqa: BLE001  (chromadb raises several kinds for 'not there')
        raise AssistantError(f"cannot reach {where} ({type(exc).__name__}); is the server up?") from None
    return client


@contextmanager
def answering():
    """A Chroma server that stops answering mid-question (a restart, the network) is a
    plain 'try again': its client reconnects by itself at the next request."""
    try:
        yield
    except httpx.TransportError as exc:
        raise IndexUnavailable() from exc


class VectorsAsArrays(RustBindingsAPI):
    # Chroma checks overrides' signatures (the `overrides` package), hence them in full.
    @override
    def _get(
        self,
        collection_id: UUID,
        ids: Optional[IDs] = None,
        where: Optional[Where] = None,
        limit: Optional[int] = None,
        offset: Optional[int] = None,
        where_document: Optional[WhereDocument] = None,
        include: Include = IncludeMetadataDocuments,
        tenant: str = DEFAULT_TENANT,
        database: str = DEFAULT_DATABASE,
    ) -> GetResult:
        result = super()._get(collection_id, ids, where, limit, offset, where_document, include, tenant, database)
        if result["embeddings"] is not None:
            result["embeddings"] = [np.asarray(v) for v in result["embeddings"]]
        return result

    @override
    def _query(
        self,
        collection_id: UUID,
        query_embeddings: Embeddings,
        ids: Optional[IDs] = None,
        n_results: int = 10,
        where: Optional[Where] = None,
        where_document: Optional[WhereDocument] = None,
        include: Include = IncludeMetadataDocumentsDistances,
        tenant: str = DEFAULT_TENANT,
        database: str = DEFAULT_DATABASE,
    ) -> QueryResult:
        result = super()._query(collection_id, query_embeddings, ids, n_results, where, where_document, include,
                                tenant, database)
        if result["embeddings"] is not None:
            result["embeddings"] = [[np.asarray(v) for v in row] for row in result["embeddings"]]
        return result


def server_environment(path: Path, token: str) -> dict[str, str]:
    """What Chroma's server reads at start-up: where the data lives, the token it demands."""
    if not token:
        raise AssistantError("set ASSISTANT_CHROMA_TOKEN: the server refuses every request without it")
    return {
        "IS_PERSISTENT": "TRUE",
        "PERSIST_DIRECTORY": str(path),
        "CHROMA_API_IMPL": f"{__name__}.VectorsAsArrays",
        "CHROMA_SERVER_AUTHN_PROVIDER": "chromadb.auth.token_authn.TokenAuthenticationServerProvider",
        "CHROMA_SERVER_AUTHN_CREDENTIALS": token,
        "ANONYMIZED_TELEMETRY": "False",
    }


def run(path: Path, token: str, host: str, port: int) -> None:
    """Serve until stopped (Chroma reads its settings from the environment when imported)."""
    os.environ.update(server_environment(path, token))
    uvicorn.run("chromadb.app:app", host=host, port=port, log_level="warning")
