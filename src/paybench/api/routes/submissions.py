"""Personal pay submissions: validated, rate-limited per client, outliers held back."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from paybench.api.deps import ERRORS, engine
from paybench.api.errors import ApiError
from paybench.api.models import ErrorResponse, SubmissionCounts
from paybench.bench import PARAMS
from paybench.submissions import Submission, SubmissionResult

router = APIRouter(responses=ERRORS)


@router.post("/submissions", response_model=SubmissionResult, status_code=201, tags=["submissions"],
             responses={429: {"model": ErrorResponse, "description": "Too many submissions"},
                        200: {"model": SubmissionResult, "description": "Duplicate: already received"}})
def submit(request: Request, submission: Submission) -> SubmissionResult | JSONResponse:
    """Submit one person's pay. Everything is validated (a 422 names the field); nothing is
    stored beyond the normalized record (no IP, no name). An outlier against its cell is
    held for review and not used until approved; cells are published from submissions
    only when at least 5 of them fall in the cell."""
    client = request.client.host if request.client else "unknown"
    wait = request.app.state.submission_bucket.take(client)
    if wait > 0:
        raise ApiError(429, f"too many submissions; retry in {wait:.0f} s",
                       headers={"Retry-After": str(max(1, round(wait)))})
    result = engine(request).submit(submission)
    if result.status == "duplicate":
        return JSONResponse(result.model_dump(mode="json"), status_code=200)
    return result


@router.get("/submissions", response_model=SubmissionCounts, tags=["submissions"])
def counts(request: Request) -> SubmissionCounts:
    """How many submissions are stored and held for review (never individual records)."""
    return SubmissionCounts(**engine(request).submission_counts(),
                            minimum_per_cell=PARAMS.submission_min)
