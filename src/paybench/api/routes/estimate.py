"""Personal pay estimates (one and batch) from the estimator, and its re-training (admin)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from paybench.api.deps import ERRORS, answer, engine, state
from paybench.errors import InputError
from paybench.estimate import Estimate, EstimateRequest

router = APIRouter(responses=ERRORS, tags=["estimate"])


class BatchRequest(BaseModel):
    """Several people to estimate at once."""

    model_config = ConfigDict(extra="forbid")

    items: list[EstimateRequest] = Field(min_length=1)


class ItemError(BaseModel):
    """Why one item of a batch could not be estimated, and the field at fault."""

    message: str
    field: str | None


class BatchOut(BaseModel):
    """One estimate per item, in order; an item that cannot be estimated has an error."""

    count: int
    estimates: list[Estimate | None]
    errors: list[ItemError | None]


@router.post("/estimate", response_model=Estimate)
async def estimate_one(request: Request, body: EstimateRequest) -> Response:
    """Estimate one person's annual base pay: P10, P50, P90 and the contribution of each
    factor (level, place, skills, industry, company size)."""
    pb = engine(request)
    found = await answer(pb, lambda: pb.estimate_many([body], memory_only=True)[0],
                         estimator=True, slow=lambda: pb.estimate_many([body])[0])
    if isinstance(found, InputError):
        raise found
    # an Estimate already validated: serialized once, not validated again against the model
    return Response(found.model_dump_json().encode(), media_type="application/json")


@router.post("/estimate/batch", response_model=BatchOut)
def estimate_batch(request: Request, body: BatchRequest) -> BatchOut:
    """Estimate up to 1,000 people at once (body up to 1 MiB)."""
    st = state(request)
    if len(body.items) > st.settings.batch_max_rows:
        raise InputError(f"at most {st.settings.batch_max_rows} items per batch", field="items")
    results = st.engine.estimate_many(body.items)
    return BatchOut(count=len(results),
                    estimates=[r if isinstance(r, Estimate) else None for r in results],
                    errors=[ItemError(message=r.message, field=r.field) if isinstance(r, InputError)
                            else None for r in results])
