"""Shared request helpers: the engine of the app and the admin check."""

from __future__ import annotations

import hmac
from typing import Any

from fastapi import Request

from paybench.api.errors import ApiError
from paybench.api.models import ErrorResponse
from paybench.api.state import ServerState
from paybench.engine import Paybench

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse, "description": text}
    for code, text in {
        400: "Bad request", 404: "Not found", 413: "Request body too large",
        422: "Invalid request (the field is named)", 500: "Internal error",
        503: "Store unavailable",
    }.items()
}
"""Error responses every route documents."""

ADMIN_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS, 401: {"model": ErrorResponse, "description": "Admin token missing or wrong"}}


def state(request: Request) -> ServerState:
    """The server state of the app handling this request."""
    found: ServerState = request.app.state.paybench
    return found


def engine(request: Request) -> Paybench:
    """The engine (`paybench.Paybench`) of the app handling this request."""
    return state(request).engine


def require_admin(request: Request) -> None:
    """Dependency: the request carries `Authorization: Bearer <PAYBENCH_ADMIN_TOKEN>`.
    Without a configured token every admin request is refused."""
    token = state(request).settings.admin_token
    header = request.headers.get("authorization", "")
    given = header[7:].strip() if header[:7].lower() == "bearer " else ""
    if not token or not given or not hmac.compare_digest(given.encode(), token.encode()):
        raise ApiError(401, "admin token required (Authorization: Bearer $PAYBENCH_ADMIN_TOKEN)",
                       headers={"WWW-Authenticate": "Bearer"})
