"""Per-client rate limiting (token buckets) and request body size limits.

A client is its IP address as the socket reports it: forwarded-for headers are not
trusted, since anyone can set them. Buckets live in memory in the one server process.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


@dataclass
class TokenBucket:
    """`capacity` requests at once, refilled at `per_minute` requests a minute, per client."""

    capacity: float
    per_minute: float
    max_clients: int = 100_000
    _buckets: dict[str, tuple[float, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, client: str, now: float | None = None) -> float:
        """Take one token for `client`: 0.0 when allowed, else the seconds until one is free."""
        now = time.monotonic() if now is None else now
        rate = self.per_minute / 60.0
        with self._lock:
            tokens, last = self._buckets.get(client, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * rate)
            if tokens >= 1.0:
                self._buckets[client] = (tokens - 1.0, now)
                return 0.0
            self._buckets[client] = (tokens, now)
            if len(self._buckets) > self.max_clients:  # forget the fullest buckets first
                for key in [k for k, (t, _) in self._buckets.items() if t >= self.capacity - 1]:
                    self._buckets.pop(key, None)
            return math.inf if rate <= 0 else (1.0 - tokens) / rate


class BodyTooLarge(Exception):
    """The request body exceeds the limit (bytes) for its path."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"request body over {limit:,} bytes")
        self.limit = limit


class BodySizeLimit:
    """ASGI middleware: refuse request bodies over a limit with a JSON 413.

    The limit is `default_bytes`, or the value of the longest prefix in `by_path` that
    matches the request path. A declared Content-Length over the limit is refused before
    reading; a body without one (chunked) is counted as it streams."""

    def __init__(self, app: ASGIApp, default_bytes: int,
                 by_path: dict[str, int] | None = None) -> None:
        self.app = app
        self.default_bytes = default_bytes
        self.by_path = dict(sorted((by_path or {}).items(), key=lambda kv: -len(kv[0])))

    def limit_for(self, path: str) -> int:
        """The body size limit (bytes) for a request path."""
        for prefix, limit in self.by_path.items():
            if path.startswith(prefix):
                return limit
        return self.default_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope.get("path", ""))
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await _send_json(send, 400, "Content-Length is not a number")
                    return
                if declared > limit:
                    await _send_json(send, 413, f"request body over {limit:,} bytes")
                    return
        seen = 0
        response_started = False
        refused = False

        async def counting_receive() -> Message:
            nonlocal seen, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    refused = True
                    if not response_started:
                        await tracking_send(None)
                    return {"type": "http.disconnect"}
            return message

        async def tracking_send(message: Message | None) -> None:
            nonlocal response_started
            if message is None:  # answer 413 now; whatever the app sends later is dropped
                response_started = True
                await _send_json(send, 413, f"request body over {limit:,} bytes")
                return
            if refused and response_started:
                return
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if not response_started:
                await _send_json(send, 413, f"request body over {limit:,} bytes")


async def _send_json(send: Send, status: int, message: str) -> None:
    body = json.dumps({"error": {"status": status, "message": message, "field": None}}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
