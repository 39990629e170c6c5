"""`paybench serve`: the HTTP API and the web page, in one process."""

from __future__ import annotations

from typing import Annotated

import typer

from paybench.cli.common import DbOption, command
from paybench.errors import InputError


@command()
def serve(
    host: Annotated[str, typer.Option("--host", help="interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port")] = 8000,
    db: DbOption = None,
    log_level: Annotated[str, typer.Option("--log-level", help="uvicorn log level")] = "info",
) -> None:
    """Serve the JSON API (/api/v1, OpenAPI at /api/v1/openapi.json) and the web page (/).

    Admin routes (ingest, review, re-train) need PAYBENCH_ADMIN_TOKEN set, and the same
    token as `Authorization: Bearer ...`; read routes are open."""
    import uvicorn

    from paybench.api.app import create_app

    if not 0 < port < 65536:
        raise InputError(f"{port} must be between 1 and 65535", field="port")
    app = create_app(db)
    try:
        uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=False)
    except OSError as exc:
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror}", field="port") from None
