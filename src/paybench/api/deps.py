"""Shared request helpers: the server state, the admin check and parameter parsing that
names the field at fault."""

from __future__ import annotations

import hmac
from typing import Any

from fastapi import Request

from paybench.api.errors import ApiError
from paybench.api.models import ErrorResponse
from paybench.api.state import ServerState
from paybench.bench import CellPlace, cell_place, natural_level
from paybench.errors import InputError
from paybench.normalize.levels import IC_LEVELS, parse_level
from paybench.normalize.roles import Role, get_role

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


def require_admin(request: Request) -> None:
    """Dependency: the request carries `Authorization: Bearer <PAYBENCH_ADMIN_TOKEN>`.
    Without a configured token every admin request is refused."""
    token = state(request).settings.admin_token
    header = request.headers.get("authorization", "")
    given = header[7:].strip() if header[:7].lower() == "bearer " else ""
    if not token or not given or not hmac.compare_digest(given.encode(), token.encode()):
        raise ApiError(401, "admin token required (Authorization: Bearer $PAYBENCH_ADMIN_TOKEN)",
                       headers={"WWW-Authenticate": "Bearer"})


def role_param(value: str, field: str = "role") -> Role:
    """A role id (or a job title) as given in a request."""
    try:
        return get_role(value)
    except InputError:
        from paybench.normalize.titles import normalize_title

        match = normalize_title(value)
        if match.role is None:
            raise InputError(field=field, message=f"unknown role {value!r}") from None
        return get_role(match.role)


def level_param(value: str, field: str = "level") -> str:
    """A level name as typed ('Senior', 'mid')."""
    try:
        return parse_level(value)
    except ValueError as exc:
        raise InputError(field=field, message=str(exc)) from None


def place_param(value: str, field: str = "place") -> CellPlace:
    """A place as typed, as a benchmark cell scope."""
    try:
        return cell_place(value)
    except InputError as exc:
        raise InputError(field=field, message=str(exc)) from None


def role_levels(role: Role) -> list[str]:
    """The levels a role is benchmarked at: the IC ladder, or a leadership role's own level."""
    natural = natural_level(role)
    return list(IC_LEVELS) if natural == "mid" else [natural]
