"""Personal pay estimates (one and batch) from the estimator in `paybench.estimate`, and its
re-training (admin)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from paybench.api.deps import ERRORS, state
from paybench.api.errors import ApiError
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


def _prepare(body: EstimateRequest) -> Any:
    """The estimator's prepared request (raises InputError naming what cannot be used)."""
    from paybench.estimate import features

    return features.prepare(body.title, place=body.place, years=body.years_experience,
                            level=body.level, industry=body.industry,
                            company_size=body.company_size, remote=body.remote,
                            skills=body.skills)


def _to_out(est: Any) -> EstimateOut:
    dump = est.model_dump(mode="json")
    detail = {k: v for k, v in dump.items()
              if k not in ("p10", "p50", "p90", "role", "role_name", "level", "contributions")}
    return EstimateOut(
        role=est.role, role_name=est.role_name, level=est.level,
        place=est.metro_name or est.state or est.country,
        p10=float(est.p10), p50=float(est.p50), p90=float(est.p90),
        contributions=[Contribution(factor=c.factor, value=c.detail, log_effect=c.log_effect,
                                    usd_effect=float(c.usd)) for c in est.contributions],
        detail=detail)


def _model(st: ServerState) -> Any:
    """The estimator model: loaded (or trained, if the store has none) once per process and
    kept until an admin re-trains it; new submissions do not retrain it on the fly."""
    cached = st.extras.get("estimator")
    if cached is None:
        with st.db() as store:
            cached = st.extras.get("estimator")
            if cached is None:
                from paybench.estimate import ensure_model

                cached = st.extras.setdefault("estimator", ensure_model(store)[0])
    return cached


def _estimate_many(st: ServerState, items: list[EstimateRequest]) -> list[EstimateOut | str]:
    """Estimate each item (one model call for all); an item the estimator refuses becomes
    its one-line reason."""
    from paybench.estimate.features import OewsPriors
    from paybench.estimate.service import estimates_from

    prepared: list[Any] = []
    out: list[EstimateOut | str | None] = []
    for body in items:
        try:
            prepared.append(_prepare(body))
            out.append(None)
        except InputError as exc:
            out.append(str(exc))
    if prepared:
        model = _model(st)
        with st.db() as store:
            priors = OewsPriors.load(store)
        estimates = estimates_from(model, priors, prepared)  # outside the store lock
        found = iter(estimates)
        out = [_to_out(next(found)) if o is None else o for o in out]
    return [o for o in out if o is not None]


@router.post("/estimate", response_model=EstimateOut)
def estimate_one(request: Request, body: EstimateRequest) -> EstimateOut:
    """Estimate one person's annual base pay: P10, P50, P90 and the contribution of each
    factor (level, place, skills, industry, company size)."""
    out = _estimate_many(state(request), [body])[0]
    if isinstance(out, str):
        field = "place" if "place" in out or "cannot place" in out else (
            "level" if "level" in out else "years_experience" if "years" in out else "title")
        raise InputError(field=field, message=out)
    return out


@router.post("/estimate/batch", response_model=BatchOut)
def estimate_batch(request: Request, body: BatchRequest) -> BatchOut:
    """Estimate up to 1,000 people at once (body up to 1 MiB)."""
    st = state(request)
    if len(body.items) > st.settings.batch_max_rows:
        raise InputError(field="items", message=f"at most {st.settings.batch_max_rows} items per batch")
    results = _estimate_many(st, body.items)
    return BatchOut(count=len(results),
                    estimates=[r if isinstance(r, EstimateOut) else None for r in results],
                    errors=[r if isinstance(r, str) else None for r in results])


def train_estimator(st: ServerState) -> TrainOut:
    """Re-train the estimator on the store (admin)."""
    from paybench.estimate.model import ensure_model

    try:
        with st.db() as store:
            model = ensure_model(store, retrain=True)[0]
    except InputError as exc:
        raise ApiError(422, str(exc)) from None
    st.extras["estimator"] = model
    return TrainOut(status="trained", detail=model.info.model_dump(mode="json"))
