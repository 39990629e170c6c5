"""Per-client rate limiting (token buckets), request size and time limits, and the security
headers of every response.

A client is its network address (`client_key`: an IPv4 address, or an IPv6 /64) as the
ASGI scope reports it. `paybench serve` trusts no forwarded headers by default
(`--forwarded-allow-ips` names the proxies whose X-Forwarded-For it believes, and then
uvicorn puts the address that proxy saw in the scope), so a client cannot choose its own
address by sending X-Forwarded-For. Buckets live in memory in the one server process.
"""

from __future__ import annotations

import asyncio
import contextlib
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


def client_address(scope: Scope) -> str | None:
    """The client's address as the server saw it (after a trusted proxy's X-Forwarded-For,
    when `paybench serve --forwarded-allow-ips` trusts one); None when unknown."""
    client = scope.get("client")
    return str(client[0]) if client else None


def client_key(address: str | None) -> str:
    """What a rate limit counts as one client: the IPv4 address, or the /64 network of an
    IPv6 address (one host usually holds a whole /64, so per-address buckets would let it
    rotate addresses)."""
    from paybench.submissions import client_network

    return client_network(address)


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


async def _send_json(send: Send, status: int, message: str, *, close: bool = False) -> None:
    body = json.dumps({"error": {"status": status, "message": message, "field": None}}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy",
     b"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
     b"connect-src 'self'; font-src 'self'; manifest-src 'self'; form-action 'self'; "
     b"base-uri 'none'; frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
"""Headers on every HTTP response. The page loads only its own /static script and styles
and calls only /api/v1 (same origin); charts are inline SVG without style attributes."""


class SecurityHeaders:
    """ASGI middleware: add `SECURITY_HEADERS` to every HTTP response (a header the app set
    itself is left as it is)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend(h for h in SECURITY_HEADERS if h[0] not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


class BodyTimeout:
    """ASGI middleware: a request's body must arrive within `seconds` of its headers (a slow
    body holds a connection and a worker thread). Past the deadline the client gets a JSON
    408 with `Connection: close` and the application sees a disconnect."""

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.seconds
        started = False
        timed_out = False
        body_done = False

        async def timed_receive() -> Message:
            nonlocal timed_out, body_done, started
            if timed_out:
                return {"type": "http.disconnect"}
            if body_done:  # the body is in: waiting now is for a disconnect, unbounded
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), max(0.0, deadline - loop.time()))
            except TimeoutError:
                timed_out = True
                if not started:
                    started = True
                    await _send_json(send, 408, f"request body not received within {self.seconds:g} s",
                                     close=True)
                return {"type": "http.disconnect"}
            if message["type"] != "http.request" or not message.get("more_body", False):
                body_done = True
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if timed_out:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, timed_receive, tracking_send)


def _json_400() -> tuple[bytes, list[tuple[bytes, bytes]]]:
    """The body and headers of the API's JSON 400 for a request the parser refuses."""
    body = json.dumps({"error": {"status": 400, "message": "malformed HTTP request",
                                 "field": None}}).encode()
    headers = [(b"content-type", b"application/json"), (b"connection", b"close"),
               (b"content-length", str(len(body)).encode()), *SECURITY_HEADERS]
    return body, headers


def header_timeout_protocol(seconds: float, parser: str = "auto") -> type[asyncio.Protocol]:
    """uvicorn's HTTP protocol with a limit on how long a client may take to send a
    request's line and headers: `seconds` from the connection's opening, or from the first
    byte of a later request on a kept-alive connection (idle time between requests is
    uvicorn's `timeout_keep_alive`). Past it the connection is closed (slowloris). A request
    the parser refuses gets the API's JSON 400 with the security headers.

    `parser`: 'httptools' (uvicorn's C parser, about twice as fast as h11 per request:
    docs/measurements.md, issue 15), 'h11' (pure Python), or 'auto' (httptools when
    installed, else h11)."""
    if parser == "auto":
        try:
            import httptools  # noqa: F401
        except ImportError:
            parser = "h11"
        else:
            parser = "httptools"
    if parser == "httptools":
        return _httptools_protocol(seconds)
    if parser != "h11":
        raise ValueError(f"unknown HTTP parser {parser!r}: httptools, h11 or auto")
    return _h11_protocol(seconds)


class _HeaderTimer:
    """The header timer shared by both protocols (mixed into uvicorn's protocol classes,
    whose `cycle`, `transport` and `loop` it reads)."""

    seconds: float
    cycle: Any
    transport: Any
    loop: asyncio.AbstractEventLoop
    _header_timer: asyncio.TimerHandle | None = None

    # the connection's life, the same for both protocols (super() is uvicorn's protocol)
    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)  # type: ignore[misc]
        self._arm()

    def on_response_complete(self) -> None:
        self._disarm()  # the keep-alive timer takes over until the next byte
        super().on_response_complete()  # type: ignore[misc]

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)  # type: ignore[misc]

    def _after_data(self) -> None:
        waiting = self.cycle is None or self.cycle.response_complete
        if not waiting:
            self._disarm()
        elif self._header_timer is None and not self.transport.is_closing():
            self._arm()

    def _arm(self) -> None:
        self._disarm()
        self._header_timer = self.loop.call_later(self.seconds, self._expired)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _expired(self) -> None:
        self._header_timer = None
        if (self.cycle is None or self.cycle.response_complete) and not self.transport.is_closing():
            self._close_idle()

    def _close_idle(self) -> None:
        self.transport.close()


def _h11_protocol(seconds: float) -> type[asyncio.Protocol]:
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class HeaderTimeoutH11Protocol(_HeaderTimer, H11Protocol):
        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            self._after_data()

        def send_400_response(self, msg: str) -> None:
            """A request h11 cannot parse (a malformed request line or header): the API's JSON
            error, with the security headers, instead of uvicorn's plain text."""
            body, headers = _json_400()
            for event in (h11.Response(status_code=400, headers=headers, reason=b"Bad Request"),
                          h11.Data(data=body), h11.EndOfMessage()):
                self.transport.write(self.conn.send(event) or b"")
            self.transport.close()

        def _close_idle(self) -> None:
            with contextlib.suppress(h11.LocalProtocolError):
                self.conn.send(h11.ConnectionClosed())
            self.transport.close()

    HeaderTimeoutH11Protocol.seconds = seconds
    return HeaderTimeoutH11Protocol


def _httptools_protocol(seconds: float) -> type[asyncio.Protocol]:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class HeaderTimeoutHttpToolsProtocol(_HeaderTimer, HttpToolsProtocol):
        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            if not self.transport.is_closing():
                self._after_data()

        def send_400_response(self, msg: str) -> None:
            """A request httptools cannot parse: the API's JSON error, with the security
            headers, instead of uvicorn's plain text."""
            body, headers = _json_400()
            lines = [b"HTTP/1.1 400 Bad Request\r\n"]
            lines += [name + b": " + value + b"\r\n" for name, value in headers]
            self.transport.write(b"".join([*lines, b"\r\n", body]))
            self.transport.close()

    HeaderTimeoutHttpToolsProtocol.seconds = seconds
    return HeaderTimeoutHttpToolsProtocol
