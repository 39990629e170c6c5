"""`paybench serve`: the HTTP API and the web page, in one process."""

from __future__ import annotations

from typing import Annotated

import typer

from paybench.cli.common import DbOption, command
from paybench.errors import InputError

HEADER_TIMEOUT_S = 10.0
"""Seconds a client has to send a request's line and headers (slowloris; nginx's
client_header_timeout is 60 s, a JSON API's requests are a few hundred bytes)."""
BODY_TIMEOUT_S = 30.0
"""Seconds a client has to send a request's body once its headers are in (the largest body
accepted is 1 MiB, `Settings.max_batch_body_bytes`: 30 s is ~35 KiB/s)."""
KEEP_ALIVE_S = 5
"""Seconds an idle kept-alive connection stays open (uvicorn's default)."""


@command()
def serve(
    host: Annotated[str, typer.Option("--host", help="interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port")] = 8000,
    db: DbOption = None,
    log_level: Annotated[str, typer.Option("--log-level", help="uvicorn log level")] = "info",
    forwarded_allow_ips: Annotated[str | None, typer.Option(
        "--forwarded-allow-ips",
        help="comma-separated addresses or networks of reverse proxies whose X-Forwarded-For "
             "and X-Forwarded-Proto to trust ('*': any; default: none, the socket's peer is "
             "the client)")] = None,
    header_timeout: Annotated[float, typer.Option(
        "--header-timeout", min=0.1, help="seconds to send a request's line and headers")] = HEADER_TIMEOUT_S,
    body_timeout: Annotated[float, typer.Option(
        "--body-timeout", min=0.1, help="seconds to send a request's body")] = BODY_TIMEOUT_S,
    keep_alive: Annotated[int, typer.Option(
        "--keep-alive", min=1, help="seconds an idle connection is kept open")] = KEEP_ALIVE_S,
) -> None:
    """Serve the JSON API (/api/v1, OpenAPI at /api/v1/openapi.json) and the web page (/).

    Admin routes (ingest, review, re-train) need PAYBENCH_ADMIN_TOKEN set, and the same
    token as `Authorization: Bearer ...`; read routes are open. Behind a reverse proxy, name
    it with --forwarded-allow-ips, or every client is the proxy's address (one rate limit,
    one contributor); without a proxy, leave it unset, or anyone could pick an address."""
    import uvicorn

    from paybench.api.app import create_app, settings_from_env
    from paybench.api.ratelimit import header_timeout_protocol

    if not 0 < port < 65536:
        raise InputError(f"{port} must be between 1 and 65535", field="port")
    proxies = [p.strip() for p in (forwarded_allow_ips or "").split(",") if p.strip()]
    app = create_app(db, settings_from_env(db, body_timeout_seconds=body_timeout))
    try:
        uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=False,
                    http=header_timeout_protocol(header_timeout),
                    proxy_headers=bool(proxies), forwarded_allow_ips=proxies or [],
                    timeout_keep_alive=keep_alive)
    except OSError as exc:
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror}", field="port") from None
