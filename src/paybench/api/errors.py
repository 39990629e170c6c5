"""Every error the HTTP API returns is JSON: ``{"error": {"status", "message", "field"}}``.

`install_error_handlers` maps each failure to that shape: unknown paths and methods
(404/405), request validation (422, naming the first bad field), user errors raised by the
core (`paybench.errors.InputError` -> 422, with the field when known), oversized bodies
(413), rate limits (429, with Retry-After), missing admin tokens (401) and anything
unexpected (500, with no internals in the message).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from paybench.api.ratelimit import BodyTooLarge
from paybench.errors import PaybenchError, StoreError

log = logging.getLogger("paybench.api")


class ApiError(Exception):
    """An error with an HTTP status, a one-line message and optionally the field at fault."""

    def __init__(self, status: int, message: str, field: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field
        self.headers = headers or {}


def user_message(exc: PaybenchError) -> str:
    """The one-line message of a user error, led by the field it names ('place: ...'), once:
    a message already led by it (a payroll body's "payroll: row 3 ...") is not led twice."""
    if not exc.field or exc.message.startswith(f"{exc.field}: "):
        return exc.message
    return f"{exc.field}: {exc.message}"


def error_body(status: int, message: str, field: str | None = None) -> dict[str, Any]:
    """The JSON body of an error response."""
    return {"error": {"status": status, "message": message, "field": field}}


def error_response(status: int, message: str, field: str | None = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    """A JSON error response."""
    return JSONResponse(error_body(status, message, field), status_code=status, headers=headers)


def _field_name(loc: tuple[Any, ...] | list[Any]) -> str | None:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or None


def _validation_message(err: dict[str, Any]) -> str:
    msg = str(err.get("msg", "invalid value"))
    if msg.startswith("Value error, "):
        msg = msg.removeprefix("Value error, ")
    return msg


def install_error_handlers(app: FastAPI) -> None:
    """Register the JSON error handlers on an app."""

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.message, exc.field, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        if not errors:
            return error_response(422, "invalid request")
        first = errors[0]
        field = _field_name(first.get("loc", ()))
        if first.get("type") == "json_invalid":
            return error_response(422, "request body is not valid JSON", "body")
        message = _validation_message(first)
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        return error_response(422, f"{field or 'request'}: {message}{more}", field)

    @app.exception_handler(BodyTooLarge)
    async def _too_large(_: Request, exc: BodyTooLarge) -> JSONResponse:
        return error_response(413, str(exc))

    @app.exception_handler(StoreError)
    async def _store_error(_: Request, exc: StoreError) -> JSONResponse:
        from paybench.engine import EstimatorNotReady

        log.error("store error: %s", exc)
        if isinstance(exc, EstimatorNotReady):
            return error_response(503, str(exc), headers={"Retry-After": "30"})
        if "in use by" in str(exc) or "is busy" in str(exc):
            return error_response(503, "the store is busy (an ingest or a training run); try again "
                                  "shortly", headers={"Retry-After": "5"})
        return error_response(503, "the store is not available")

    @app.exception_handler(PaybenchError)
    async def _user_error(_: Request, exc: PaybenchError) -> JSONResponse:
        return error_response(422, user_message(exc), exc.field)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        messages = {404: "not found", 405: "method not allowed"}
        detail = exc.detail if isinstance(exc.detail, str) else None
        if detail in (None, "Not Found", "Method Not Allowed"):
            detail = messages.get(exc.status_code, detail or "error")
        return error_response(exc.status_code, detail or "error",
                              headers=dict(exc.headers or {}) or None)

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error")
        return error_response(500, f"internal error ({type(exc).__name__})")
