"""Admin: ingest a file on the server, review held-back submissions, re-train the
estimator. Every route needs `Authorization: Bearer $PAYBENCH_ADMIN_TOKEN` (401 without)."""

from __future__ import annotations

from pathlib import Path as FilePath
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request

from paybench.api.deps import ADMIN_ERRORS, engine, require_admin
from paybench.api.errors import ApiError
from paybench.api.models import IngestRequest, ReviewDecision, ReviewList, ReviewOut, TrainOut
from paybench.errors import InputError
from paybench.store import IngestResult

router = APIRouter(prefix="/admin", responses=ADMIN_ERRORS, dependencies=[Depends(require_admin)],
                   tags=["admin"])


@router.post("/ingest", response_model=IngestResult)
def ingest(request: Request, body: IngestRequest) -> IngestResult:
    """Ingest a file that is on the server's disk (format detected, or `source`; `columns`
    names the columns of job postings in a layout paybench cannot tell), as one transaction;
    a file already ingested adds nothing."""
    path = FilePath(body.path)
    if not path.is_absolute():
        raise InputError("give an absolute path on the server", field="path")
    try:
        result = engine(request).ingest([path], source=body.source, columns=body.columns)[0]
    except InputError as exc:  # the engine names its argument 'paths'; this request, 'path'
        raise InputError(exc.message, field="path" if exc.field == "paths" else exc.field) from None
    result.seconds = round(result.seconds, 3)
    return result


@router.get("/submissions/review", response_model=ReviewList)
def review_list(request: Request) -> ReviewList:
    """Submissions held back as outliers, awaiting a decision."""
    return ReviewList(pending=engine(request).pending_reviews())


@router.post("/submissions/review/{review_id}", response_model=ReviewOut)
def review_decide(request: Request, review_id: Annotated[int, Path(ge=1, le=2**62)],
                  body: ReviewDecision) -> ReviewOut:
    """Approve a held-back submission (it joins the data) or reject it."""
    try:
        status = engine(request).review(review_id, body.decision)
    except InputError as exc:
        raise ApiError(404, exc.message, "review_id") from None
    return ReviewOut(review_id=review_id, status=status)


@router.post("/train", response_model=TrainOut, status_code=202)
def train(request: Request) -> TrainOut:
    """Start re-training the pay estimator on the store as it is now, in the background (it
    takes tens of seconds; a run in progress is not started twice). Estimates are answered
    by the current model meanwhile; `GET /status` shows the run's state."""
    found = engine(request).train_in_background()
    return TrainOut(status=found.state, detail=found.model_dump(mode="json"))
