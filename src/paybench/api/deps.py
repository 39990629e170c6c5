"""Shared request helpers: the engine of the app and the admin check."""

from __future__ import annotations

import collections.abc
import hmac
import json
import types
from collections.abc import Callable
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

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


def _takes_many(annotation: Any) -> bool:
    """True for a parameter type that holds several values (list[str], list[str] | None, ...)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _takes_many(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        return any(_takes_many(a) for a in get_args(annotation) if a is not type(None))
    many = (list, tuple, set, frozenset, collections.abc.Sequence, collections.abc.Set)
    return origin in many or annotation in many


def _query_fields(dependant: Any) -> list[Any]:
    """The query parameters a route (and its dependencies) takes, as FastAPI's fields."""
    fields = list(dependant.query_params)
    for sub in dependant.dependencies:
        fields.extend(_query_fields(sub))
    return fields


def _single_valued(dependant: Any) -> set[str]:
    """The names of the query parameters a route (and its dependencies) takes one value of."""
    return {f.alias for f in _query_fields(dependant) if not _takes_many(f.field_info.annotation)}


def single_valued_query(request: Request) -> None:
    """Dependency of every API route, the one place a query parameter's count is checked: a
    parameter the route takes one value of, given more than once (``remote=US&remote=CA``), is
    a 422 naming it, where FastAPI would silently keep the last value. A parameter that takes
    several (``/compare``'s ``role``) may repeat. The query string allows a name to repeat
    (WHATWG URL Standard, application/x-www-form-urlencoded); which value a server keeps is
    not specified, so a repeated single value is refused rather than guessed."""
    items = request.query_params.multi_items()
    if len(items) == len(request.query_params):  # no name repeats: nothing to check
        return
    dependant = getattr(request.scope.get("route"), "dependant", None)
    if dependant is None:
        return
    single = _single_valued(dependant)
    counts: dict[str, int] = {}
    for name, _ in items:
        counts[name] = counts.get(name, 0) + 1
    for name, n in counts.items():
        if n > 1 and name in single:
            raise ApiError(422, f"{name}: given {n} times; give one value", field=name)


def known_query(request: Request) -> None:
    """Dependency of every API route, the one place a query parameter's name is checked: a
    name the route does not take (``segmnt=big-tech``, ``trend?segment=``) is a 422 naming it
    and the names the route takes, where FastAPI would silently answer without it (the CLI
    refuses an unknown option the same way). A re-trial of issue 17 found
    ``/api/v1/trend?...&segment=`` answered as if no segment had been asked for."""
    given = [name for name in request.query_params if name]
    if not given:
        return
    dependant = getattr(request.scope.get("route"), "dependant", None)
    if dependant is None:
        return
    names = {f.alias for f in _query_fields(dependant)}
    for name in given:
        if name not in names:
            expected = ", ".join(sorted(names)) or "none"
            raise ApiError(422, f"{name}: not a parameter of this route; it takes: {expected}",
                           field=name)


async def single_valued_body(request: Request) -> None:
    """Dependency of every API route, the one place a JSON body's keys are checked: an object
    of the body that names a key twice (``{"base": 1, "base": 2}``) is a 422 naming the key,
    where Python's JSON reader would silently keep the last value. RFC 8259 (section 4):
    "The names within an object SHOULD be unique", and the behaviour of software that
    receives an object whose names are not is unpredictable; so it is refused, not guessed,
    as a repeated query parameter is (`single_valued_query`). A body that is no JSON is left
    to the route's own reading (its error)."""
    if request.method not in ("POST", "PUT", "PATCH"):
        return
    if "json" not in request.headers.get("content-type", ""):
        return
    body = await request.body()
    if not body:
        return

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: dict[str, Any] = {}
        for key, value in items:
            if key in seen:
                raise ApiError(422, f"{key}: given twice in one JSON object; give one value",
                               field=key)
            seen[key] = value
        return seen

    try:
        json.loads(body, object_pairs_hook=pairs)
    except ValueError:
        return  # not JSON (or not UTF-8): the route's own reading says so


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
