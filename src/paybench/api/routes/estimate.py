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


def estimator_available() -> bool:
    """Whether `paybench.estimate` offers `estimate_one` (issue 4's Python API)."""
    try:
        import paybench.estimate as estimate
    except ImportError:
        return False
    return hasattr(estimate, "estimate_one")


def _estimator() -> Any:
    if not estimator_available():
        raise ApiError(503, "the estimator is not available in this build")
    import paybench.estimate as estimate

    return estimate


_ALIASES = {"years_experience": ("years_experience", "years"), "remote": ("remote", "work_mode")}


def _core_request(estimate: Any, body: EstimateRequest) -> Any:
    """The estimator's own request object, filled from the API's (by field name)."""
    cls = getattr(estimate, "EstimateRequest", None)
    data = body.model_dump()
    if cls is None:
        return data
    fields = set(getattr(cls, "model_fields", None) or getattr(cls, "__dataclass_fields__", {}))
    values: dict[str, Any] = {}
    for name, value in data.items():
        for alias in _ALIASES.get(name, (name,)):
            if alias in fields and value not in (None, [], ""):
                values[alias] = tuple(value) if isinstance(value, list) else value
                break
    return cls(**values)


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _contributions(raw: Any) -> list[Contribution]:
    out: list[Contribution] = []
    items = raw.items() if isinstance(raw, dict) else enumerate(raw or [])
    for key, item in items:
        if isinstance(item, int | float):
            out.append(Contribution(factor=str(key), log_effect=float(item)))
            continue
        log_effect = _get(item, "log_effect", _get(item, "log", _get(item, "effect", 0.0)))
        out.append(Contribution(
            factor=str(_get(item, "factor", key)),
            value=None if _get(item, "value") is None else str(_get(item, "value")),
            log_effect=float(log_effect or 0.0),
            usd_effect=_get(item, "usd_effect", _get(item, "usd"))))
    return out


def _to_out(est: Any, body: EstimateRequest) -> EstimateOut:
    dump = est.model_dump(mode="json") if hasattr(est, "model_dump") else {}
    detail = {k: v for k, v in dump.items()
              if k not in ("p10", "p50", "p90", "role", "role_name", "level", "contributions")}
    return EstimateOut(
        role=_get(est, "role"), role_name=_get(est, "role_name"), level=str(_get(est, "level")),
        place=_get(est, "place_label", _get(est, "metro_name", body.place)),
        p10=float(_get(est, "p10")), p50=float(_get(est, "p50")), p90=float(_get(est, "p90")),
        contributions=_contributions(_get(est, "contributions")), detail=detail)


def _estimate_many(st: ServerState, items: list[EstimateRequest]) -> list[EstimateOut | str]:
    """Estimate each item; an item the estimator refuses becomes its one-line reason."""
    estimate = _estimator()
    out: list[EstimateOut | str] = []
    with st.db() as store:
        for body in items:
            try:
                out.append(_to_out(estimate.estimate_one(store, _core_request(estimate, body)), body))
            except InputError as exc:
                out.append(str(exc))
    return out


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
