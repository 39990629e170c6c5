"""Personal pay estimates (one and batch) from the estimator in `paybench.estimate`, and its
re-training (admin)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from paybench.api.deps import ERRORS, state
from paybench.api.errors import ApiError, FieldError
from paybench.api.models import TrainOut
from paybench.api.state import ServerState
from paybench.errors import InputError

router = APIRouter(responses=ERRORS, tags=["estimate"])


class EstimateRequest(BaseModel):
    """One person to estimate: a title and what else is known."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200)
    place: str | None = Field(default=None, max_length=200)
    level: str | None = Field(default=None, max_length=40)
    years_experience: float | None = Field(default=None, ge=0, le=60)
    industry: str | None = Field(default=None, max_length=100)
    company_size: str | None = Field(default=None, max_length=40)
    remote: str | None = Field(default=None, max_length=40)
    skills: list[str] = Field(default_factory=list, max_length=50)


class Contribution(BaseModel):
    """How much one factor moves the median estimate (log pay and USD)."""

    factor: str
    value: str | None = None
    log_effect: float
    usd_effect: float | None = None


class EstimateOut(BaseModel):
    """An estimate of annual base pay (USD): an 80% interval and its median."""

    role: str | None
    role_name: str | None
    level: str
    place: str | None
    p10: float
    p50: float
    p90: float
    contributions: list[Contribution]
    detail: dict[str, Any] = Field(default_factory=dict)


class BatchRequest(BaseModel):
    """Several people to estimate at once."""

    model_config = ConfigDict(extra="forbid")

    items: list[EstimateRequest] = Field(min_length=1)


class BatchOut(BaseModel):
    """One estimate per item, in order; an item that cannot be estimated has an error."""

    count: int
    estimates: list[EstimateOut | None]
    errors: list[str | None]


def _estimator() -> Any:
    try:
        import paybench.estimate as estimate
    except ImportError:  # pragma: no cover - the estimator is part of the package
        raise ApiError(503, "the estimator is not available") from None
    if not hasattr(estimate, "estimate_one"):
        raise ApiError(503, "the estimator is not available")
    return estimate


def _estimate_many(st: ServerState, items: list[EstimateRequest]) -> list[EstimateOut | str]:
    raise ApiError(503, "the estimator is not available")


@router.post("/estimate", response_model=EstimateOut)
def estimate_one(request: Request, body: EstimateRequest) -> EstimateOut:
    """Estimate one person's annual base pay: P10, P50, P90 and the contribution of each
    factor (level, place, skills, industry, company size)."""
    out = _estimate_many(state(request), [body])[0]
    if isinstance(out, str):
        raise FieldError("title", out)
    return out


@router.post("/estimate/batch", response_model=BatchOut)
def estimate_batch(request: Request, body: BatchRequest) -> BatchOut:
    """Estimate up to 1,000 people at once (body up to 1 MiB)."""
    st = state(request)
    if len(body.items) > st.settings.batch_max_rows:
        raise FieldError("items", f"at most {st.settings.batch_max_rows} items per batch")
    results = _estimate_many(st, body.items)
    return BatchOut(count=len(results),
                    estimates=[r if isinstance(r, EstimateOut) else None for r in results],
                    errors=[r if isinstance(r, str) else None for r in results])


def train_estimator(st: ServerState) -> TrainOut:
    """Re-train the estimator on the store (admin)."""
    estimate = _estimator()
    try:
        with st.db() as store:
            info = estimate.train(store)
    except InputError as exc:
        raise ApiError(422, str(exc)) from None
    st.invalidate()
    return TrainOut(status="trained", detail={"info": str(info)})
