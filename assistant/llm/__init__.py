"""An optional language model, reached through LlamaIndex's LLM classes.

The model only ever writes; the assistant checks (see `assistant.answer.grounding`).
Every way a model service can fail (refused connection, 5xx, timeout, garbage) comes
out of here as one `LLMFailure`, so callers have one thing to fall back on.
"""

from __future__ import annotations

import queue
import threading
import time
from pathlib import Path
from typing import Callable, Iterable, Iterator

from llama_index.llms.ollama import Ollama
from llama_index.llms.openai_like import OpenAILike

from assistant.config import Settings
from assistant.errors import AssistantError


class LLMFailure(Exception):
    """The model could not give an answer in time (or at all); `reason` is for people."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def make_llm(settings: Settings):
    """The configured LlamaIndex LLM, or None when `ASSISTANT_LLM=none`."""
    kind = settings.llm
    if kind == "none":
        return None
    if kind == "llama-cpp":
        return _llama_cpp(settings)
    if not settings.llm_model:
        raise AssistantError(f"ASSISTANT_LLM={kind} needs ASSISTANT_LLM_MODEL (the model's name on the server)")
    if kind == "ollama":
        return Ollama(
            model=settings.llm_model,
            base_url=settings.llm_base_url or "http://127.0.0.1:11434",
            request_timeout=settings.llm_timeout,
            context_window=settings.llm_context_window,  # else it asks the server on first use
            temperature=0.0,
            additional_kwargs={"num_predict": settings.llm_max_tokens},
        )
    if not settings.llm_base_url:
        raise AssistantError("ASSISTANT_LLM=openai-compatible needs ASSISTANT_LLM_BASE_URL (e.g. http://127.0.0.1:11434/v1)")
    return OpenAILike(
        model=settings.llm_model,
        api_base=settings.llm_base_url,
        # the OpenAI client insists on a key; local servers ignore it
        api_key=settings.llm_api_key.get_secret_value() or "not-needed",
        is_chat_model=True,
        context_window=settings.llm_context_window,
        max_tokens=settings.llm_max_tokens,
        temperature=0.0,
        timeout=settings.llm_timeout,
        max_retries=0,  # a retry would spend the member's wait; the extractive answer is the fallback
    )


def _llama_cpp(settings: Settings):
    try:
        from llama_index.llms.llama_cpp import LlamaCPP
    except ImportError:
        raise AssistantError(
            "ASSISTANT_LLM=llama-cpp needs the optional extra: pip install '.[local-llm]'"
        ) from None
    if not settings.llm_model or not Path(settings.llm_model).is_file():
        raise AssistantError("ASSISTANT_LLM=llama-cpp needs ASSISTANT_LLM_MODEL set to a GGUF file on this machine")
    return LlamaCPP(
        model_path=settings.llm_model,  # a path: LlamaCPP would otherwise download a model
        temperature=0.0,
        max_new_tokens=settings.llm_max_tokens,
        context_window=settings.llm_context_window,
        verbose=False,
    )


def describe(settings: Settings) -> str:
    """'openai-compatible:llama3.2' for answers' `backend` field."""
    return "extractive" if settings.llm == "none" else f"{settings.llm}:{settings.llm_model}"


def stream(llm, messages, timeout: float) -> Iterator[str]:
    """The model's reply piece by piece (a streamed completion), ending within `timeout`
    seconds of the call."""
    return _within(lambda: (r.delta or "" for r in llm.stream_chat(messages)), timeout)


def complete(llm, messages, timeout: float) -> str:
    """The model's whole reply at once (a plain completion); same deadline and failures."""
    return "".join(_within(lambda: [llm.chat(messages).message.content or ""], timeout))


def _within(produce: Callable[[], Iterable[str]], timeout: float) -> Iterator[str]:
    """What `produce` yields, passed on as it comes, until `timeout` seconds are up.

    The model runs in a worker thread so that the deadline holds whatever the backend
    (an HTTP client's timeout covers each read, not a reply that trickles, and a local
    model has no timeout at all); a late worker is abandoned, not waited for.
    """
    pieces: queue.Queue = queue.Queue()
    done = object()

    def work() -> None:
        try:
            for piece in produce():
                pieces.put(piece)
            pieces.put(done)
        except Exception as exc:  # noqa: BLE001  (every failure becomes one LLMFailure below)
            pieces.put(exc)

    threading.Thread(target=work, daemon=True, name="llm-reply").start()
    deadline = time.monotonic() + timeout
    while True:
        try:
            piece = pieces.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise LLMFailure(f"the language model did not answer within {timeout:g} seconds") from None
        if piece is done:
            return
        if isinstance(piece, Exception):
            raise LLMFailure(_reason(piece)) from piece
        yield piece


def _reason(exc: Exception) -> str:
    name = type(exc).__name__
    if "Timeout" in name:
        return "the language model did not answer in time"
    if "Connection" in name:
        return "the language model service could not be reached"
    status = getattr(exc, "status_code", None)
    if status:
        return f"the language model service returned an error (HTTP {status})"
    return f"the language model's reply could not be read ({name})"
