"""A real HTTP server on 127.0.0.1 that speaks OpenAI's chat-completions protocol and
answers from a script: the stand-in for a language model, which cannot run here.

    with ScriptedLLM(lambda request: Reply("The rate is 22% [1].")) as llm:
        settings = Settings(llm="openai-compatible", llm_base_url=llm.url, llm_model="scripted")

The script sees every request (messages, stream flag) and returns a `Reply`: text (sent
whole or as server-sent events when the client asks to stream), an HTTP error status, a
delay before answering (for timeouts), or raw bytes (for garbage).
"""

from __future__ import annotations

import html
import json
import re
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable


@dataclass
class Reply:
    text: str = ""
    status: int = 200
    delay: float = 0.0  # seconds before the first byte
    raw: bytes | None = None  # sent as the body instead of a well-formed completion
    chunk_words: int = 3  # words per streamed chunk
    chunk_delay: float = 0.0  # seconds between streamed chunks


Script = Callable[[dict], Reply]


class ScriptedLLM:
    def __init__(self, script: Script | Reply):
        self.script = script if callable(script) else (lambda _request: script)
        self.requests: list[dict] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> "ScriptedLLM":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()


def _handler(llm: ScriptedLLM):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # keep test output quiet
            pass

        def do_POST(self) -> None:
            if not self.path.rstrip("/").endswith("/chat/completions"):
                return self._send(404, b'{"error": {"message": "not found"}}')
            request = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            llm.requests.append(request)
            reply = llm.script(request)
            time.sleep(reply.delay)
            if reply.status != 200:
                return self._send(reply.status, json.dumps({"error": {"message": "scripted failure"}}).encode())
            if reply.raw is not None:
                return self._send(200, reply.raw)
            if request.get("stream"):
                return self._stream(request, reply)
            self._send(200, json.dumps(_completion(request, reply.text)).encode())

        def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _stream(self, request: dict, reply: Reply) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Connection", "close")
            self.end_headers()
            words = reply.text.split(" ")
            pieces = [" ".join(words[i:i + reply.chunk_words]) for i in range(0, len(words), reply.chunk_words)]
            for i, piece in enumerate(pieces):
                delta = piece if i == 0 else " " + piece
                self._event(_chunk(request, {"role": "assistant", "content": delta} if i == 0 else {"content": delta}))
                time.sleep(reply.chunk_delay)
            self._event(_chunk(request, {}, finish="stop"))
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
            self.close_connection = True

        def _event(self, data: dict) -> None:
            self.wfile.write(b"data: " + json.dumps(data).encode() + b"\n\n")
            self.wfile.flush()

    return Handler


def _completion(request: dict, text: str) -> dict:
    return {
        "id": "chatcmpl-scripted",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": request.get("model", "scripted"),
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
    }


def _chunk(request: dict, delta: dict, finish: str | None = None) -> dict:
    return {
        "id": "chatcmpl-scripted",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": request.get("model", "scripted"),
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


# --- reading a request, for scripts that answer from what they were sent -----------------

_PASSAGE = re.compile(r'<passage n="(\d+)"[^>]*>\n(.*?)\n</passage>', re.S)


def passages_in(request: dict) -> dict[int, str]:
    """The numbered passages the assistant sent, unescaped."""
    user = request["messages"][-1]["content"]
    return {int(n): html.unescape(body) for n, body in _PASSAGE.findall(user)}


def system_of(request: dict) -> str:
    return next((m["content"] for m in request["messages"] if m["role"] == "system"), "")


def first_sentence(text: str) -> str:
    return re.split(r"(?<=[.!?])\s+(?=[A-Z])", text.strip())[0].rstrip(".")


def assistant_using(base, url: str, **settings):
    """An Assistant over `base`'s index whose answers the model at `url` writes."""
    from assistant.pipeline import Assistant

    options = {"llm": "openai-compatible", "llm_base_url": url, "llm_model": "scripted", **settings}
    return Assistant(base.settings.model_copy(update=options), index=base.index)
