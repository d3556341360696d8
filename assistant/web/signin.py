"""Sign-in limits that Gradio's own form lacks: wrong passwords are limited per account
and per address, and a session ends after a set time.

Gradio checks a password with the function it is given, which never sees the request,
and keeps a signed-in token for as long as the process lives. So both limits sit in
front of it as ASGI middleware: a sixth failed sign-in within the window is refused
before any password is checked, and a session's cookie is dropped from requests once
its time is up (Gradio then sees a visitor who must sign in again).
"""

from __future__ import annotations

import json
import math
import time
from collections import defaultdict, deque
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

SIGN_IN_PATHS = ("/login", "/login/")
TOKEN_COOKIE = "access-token"  # Gradio's cookie names start so (access-token-<id>, -unsecure-<id>)


class Attempts:
    """Failed sign-ins in the last `window` seconds, per key (an account, an address)."""

    def __init__(self, limit: int = 5, window: float = 60.0, clock=time.monotonic):
        self.limit, self.window, self.clock = limit, window, clock
        self._failures: dict[str, deque[float]] = defaultdict(deque)

    def wait(self, keys: list[str]) -> float:
        """Seconds until any of these keys may try again (0: now)."""
        now = self.clock()
        longest = 0.0
        for key in keys:
            recent = self._recent(key, now)
            if len(recent) >= self.limit:
                longest = max(longest, recent[-self.limit] + self.window - now)
        return longest

    def failed(self, keys: list[str]) -> None:
        now = self.clock()
        for key in keys:
            self._recent(key, now).append(now)

    def succeeded(self, account: str) -> None:
        # only the account's own count: signing in to one's own account must not clear
        # an address that has been guessing at others
        self._failures.pop(account, None)

    def _recent(self, key: str, now: float) -> deque[float]:
        recent = self._failures[key]
        while recent and recent[0] <= now - self.window:
            recent.popleft()
        return recent


class Sessions:
    """When each signed-in token was issued; a token older than `lifetime` seconds, or one
    this process never issued, is no session."""

    def __init__(self, lifetime: float, clock=time.monotonic):
        self.lifetime, self.clock = lifetime, clock
        self._issued: dict[str, float] = {}

    def started(self, token: str) -> None:
        self._issued[token] = self.clock()

    def live(self, token: str) -> bool:
        issued = self._issued.get(token)
        if issued is None:
            return False
        if self.clock() - issued >= self.lifetime:
            del self._issued[token]
            return False
        return True


class SignInGuard:
    """ASGI middleware around the Gradio app (see the module's docstring)."""

    def __init__(self, app, attempts: Attempts, sessions: Sessions):
        self.app, self.attempts, self.sessions = app, attempts, sessions

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        scope = self._without_ended_sessions(scope)
        if scope["type"] == "http" and scope["method"] == "POST" and scope["path"] in SIGN_IN_PATHS:
            return await self._sign_in(scope, receive, send)
        return await self.app(scope, receive, send)

    async def _sign_in(self, scope, receive, send):
        body = await _whole_body(receive)
        account = "account:" + (parse_qs(body.decode("utf-8", "replace")).get("username", [""])[0].strip())
        keys = [account, "address:" + (scope.get("client") or ("?",))[0]]
        wait = self.attempts.wait(keys)
        if wait > 0:
            return await _refuse(send, math.ceil(wait))

        async def watched(message):
            if message["type"] == "http.response.start":
                if message["status"] == 200:
                    self.attempts.succeeded(account)
                    for token in _issued_tokens(message.get("headers", [])):
                        self.sessions.started(token)
                elif message["status"] in (400, 401):
                    self.attempts.failed(keys)
            await send(message)

        await self.app(scope, _replay(body), watched)

    def _without_ended_sessions(self, scope):
        headers = scope.get("headers", [])
        cookie = next((v for k, v in headers if k == b"cookie"), None)
        if cookie is None or TOKEN_COOKIE.encode() not in cookie:
            return scope
        jar = SimpleCookie()
        jar.load(cookie.decode("latin-1"))
        kept = [f"{name}={morsel.value}" for name, morsel in jar.items()
                if not name.startswith(TOKEN_COOKIE) or self.sessions.live(morsel.value)]
        others = [(k, v) for k, v in headers if k != b"cookie"]
        return {**scope, "headers": [*others, (b"cookie", "; ".join(kept).encode("latin-1"))]}


def _issued_tokens(headers) -> list[str]:
    tokens = []
    for name, value in headers:
        if name.lower() == b"set-cookie":
            jar = SimpleCookie()
            jar.load(value.decode("latin-1"))
            tokens += [m.value for n, m in jar.items() if n.startswith(TOKEN_COOKIE)]
    return tokens


async def _whole_body(receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


def _replay(body: bytes):
    sent = False

    async def receive():
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


async def _refuse(send, seconds: int) -> None:
    detail = (f"Too many failed sign-ins for this account or from this address. "
              f"Try again in {seconds} seconds, or ask your scrutiny officer to reset your password.")
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": 429, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
        (b"retry-after", str(seconds).encode())]})
    await send({"type": "http.response.body", "body": body})
