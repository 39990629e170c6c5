"""The paybench web application: the JSON API under /api/v1 and the web page, in one process
over one store.

`create_app(db_path)` builds it; `paybench serve` runs it with uvicorn. The OpenAPI document
is at /api/v1/openapi.json; no documentation page is served, because FastAPI's loads its
scripts from a CDN and this server serves nothing from outside.
"""

from __future__ import annotations

import contextlib
import gc
import os
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from paybench import __version__
from paybench.api.deps import known_query, single_valued_body, single_valued_query
from paybench.api.errors import install_error_handlers
from paybench.api.ratelimit import BodySizeLimit, BodyTimeout, SecurityHeaders, TokenBucket
from paybench.api.state import ServerState, Settings

API_PREFIX = "/api/v1"
ADMIN_TOKEN_ENV = "PAYBENCH_ADMIN_TOKEN"


class _App(FastAPI):
    """FastAPI with `SecurityHeaders` outside every other layer, so the headers are on every
    response, the 500s of Starlette's outermost error middleware included."""

    def build_middleware_stack(self) -> Any:
        return SecurityHeaders(super().build_middleware_stack())


def settings_from_env(db_path: Path | str | None = None, **overrides: Any) -> Settings:
    """Settings from the environment: PAYBENCH_ADMIN_TOKEN, PAYBENCH_SUBMISSION_BURST and
    PAYBENCH_SUBMISSIONS_PER_MINUTE (per client: an IPv4 address or an IPv6 /64); keyword
    arguments win."""
    values: dict[str, Any] = {"db_path": Path(db_path) if db_path is not None else None,
                              "admin_token": os.environ.get(ADMIN_TOKEN_ENV) or None}
    for env, name in (("PAYBENCH_SUBMISSION_BURST", "submission_burst"),
                      ("PAYBENCH_SUBMISSIONS_PER_MINUTE", "submission_per_minute")):
        if os.environ.get(env):
            values[name] = float(os.environ[env])
    values.update(overrides)
    return Settings(**values)


def create_app(db_path: Path | str | None = None, settings: Settings | None = None) -> FastAPI:
    """The application over the store at `db_path` (default: PAYBENCH_DB or the data dir)."""
    settings = settings or settings_from_env(db_path)
    server = ServerState.open(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if settings.warm:  # load the benchmark model before the first request needs it
            threading.Thread(target=_warm, args=(server,), daemon=True).start()
        yield
        server.close()

    app = _App(
        title="paybench API",
        version=__version__,
        description=(
            "Compensation benchmarks for tech and ML roles from public data, with provenance. "
            "Money is annual US dollars (base pay) unless a field says otherwise. Every "
            "error is JSON: {\"error\": {\"status\", \"message\", \"field\"}}."
        ),
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
        lifespan=lifespan,
    )
    app.state.paybench = server
    app.state.submission_bucket = TokenBucket(settings.submission_burst,
                                              settings.submission_per_minute)
    install_error_handlers(app)

    from paybench.api.routes import (
        admin,
        cells,
        charts,
        decide,
        estimate,
        insights,
        meta,
        normalize,
        paygap,
        submissions,
        web,
    )

    for module in (meta, normalize, cells, insights, estimate, charts, submissions, admin, decide,
                   paygap):
        app.include_router(module.router, prefix=API_PREFIX,
                           dependencies=[Depends(known_query), Depends(single_valued_query),
                                         Depends(single_valued_body)])
    app.include_router(web.router)
    static = resources.files("paybench.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    app.add_middleware(
        BodySizeLimit, default_bytes=settings.max_body_bytes,
        by_path={f"{API_PREFIX}/estimate/batch": settings.max_batch_body_bytes,
                 f"{API_PREFIX}/paygap": settings.max_payroll_body_bytes})
    app.add_middleware(BodyTimeout, seconds=settings.body_timeout_seconds)
    return app


def _warm(server: ServerState) -> None:
    from paybench.engine import EstimatorNotReady

    try:
        server.engine.model()
        with contextlib.suppress(EstimatorNotReady):  # no model: training starts in the background
            server.engine.estimator()
        from paybench import charts  # the first SVG render starts the Vega engine (~2 s)

        charts.to_svg(charts.range_chart([{"label": "warm-up", "p25": 1, "p50": 2, "p75": 3}]))
    except Exception:  # a broken store shows up on the first request, as JSON
        pass
    # what was loaded (models, tables: millions of objects) stays for the process's life: out
    # of the collector's sight, a full collection no longer walks it (each walk paused every
    # request for tens of ms: the p99 of a lookup; docs/measurements.md, issue 15)
    gc.collect()
    gc.freeze()
