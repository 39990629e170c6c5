"""Admin: ingest a file on the server, review held-back submissions, re-train the
estimator. Every route needs `Authorization: Bearer $PAYBENCH_ADMIN_TOKEN` (401 without)."""

from __future__ import annotations

from pathlib import Path as FilePath
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request

from paybench.api.deps import ADMIN_ERRORS, require_admin, state
from paybench.api.errors import ApiError
from paybench.api.models import (
    IngestOut,
    IngestRequest,
    ReviewDecision,
    ReviewItem,
    ReviewList,
    ReviewOut,
    TrainOut,
)
from paybench.errors import InputError
from paybench.submissions import decide_review, pending_reviews

router = APIRouter(prefix="/admin", responses=ADMIN_ERRORS, dependencies=[Depends(require_admin)],
                   tags=["admin"])


@router.post("/ingest", response_model=IngestOut)
def ingest(request: Request, body: IngestRequest) -> IngestOut:
    """Ingest a file that is on the server's disk (format detected, or `source`), as one
    transaction; a file already ingested adds nothing."""
    from paybench.ingest import ingest_file

    st = state(request)
    path = FilePath(body.path)
    if not path.is_absolute():
        raise InputError(field="path", message="give an absolute path on the server")
    try:
        with st.db() as store:
            result = ingest_file(store, path, body.source)
    except InputError as exc:
        raise InputError(field="path" if "source" not in str(exc) else "source", message=str(exc)) from None
    finally:
        st.invalidate()
    return IngestOut(source=result.source, path=result.path, ingest_id=result.ingest_id,
                     already_ingested=result.already_ingested, rows_read=result.rows_read,
                     rows_kept=result.rows_kept, rows_quarantined=result.rows_quarantined,
                     rows_skipped=result.rows_skipped, notes=result.notes,
                     seconds=round(result.seconds, 3))


@router.get("/submissions/review", response_model=ReviewList)
def review_list(request: Request) -> ReviewList:
    """Submissions held back as outliers, awaiting a decision."""
    with state(request).db() as store:
        items = pending_reviews(store)
    return ReviewList(pending=[ReviewItem(**i) for i in items])


@router.post("/submissions/review/{review_id}", response_model=ReviewOut)
def review_decide(request: Request, review_id: Annotated[int, Path(ge=1, le=2**62)],
                  body: ReviewDecision) -> ReviewOut:
    """Approve a held-back submission (it joins the data) or reject it."""
    st = state(request)
    try:
        with st.db() as store:
            status = decide_review(store, review_id, body.decision == "approve")
    except InputError as exc:
        raise ApiError(404, str(exc), "review_id") from None
    st.invalidate()
    return ReviewOut(review_id=review_id, status=status)


@router.post("/train", response_model=TrainOut)
def train(request: Request) -> TrainOut:
    """Re-train the pay estimator on the store as it is now."""
    from paybench.api.routes.estimate import train_estimator

    return train_estimator(state(request))
