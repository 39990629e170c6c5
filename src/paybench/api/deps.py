"""Shared request helpers: the engine of the app and the admin check."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from paybench.api.errors import ApiError
from paybench.api.models import ErrorResponse
from paybench.api.state import ServerState
from paybench.engine import Paybench

T = TypeVar("T")

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


async def answer(pb: Paybench, work: Callable[[], T], *, estimator: bool = False,
                 slow: Callable[[], T] | None = None) -> T:
    """Run `work` on the event loop when the engine answers it from memory (`Paybench.in_memory`:
    the benchmark model, and with `estimator` the estimator, are loaded), else in a worker
    thread (it may read the store or wait for a build). A worker thread costs a request
    more than the work itself when the answer is in memory: with 8 clients on 2 cores the
    hand-over of the GIL between the loop and the thread put p99 at 2-3x p50
    (docs/measurements.md, issue 15). `slow`: what to run in a worker thread instead when
    `work` raises `NotInMemory` (an estimate whose cell or trees were not computed before:
    LightGBM releases the GIL, so other requests go on meanwhile)."""
    from paybench.estimate.anchor import NotInMemory

    if pb.in_memory(estimator):
        try:
            return work()
        except NotInMemory:
            if slow is None:
                raise
    return await run_in_threadpool(slow or work)
