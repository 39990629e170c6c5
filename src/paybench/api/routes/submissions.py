"""Personal pay submissions: validated, rate-limited per client, outliers held back."""

from __future__ import annotations

from fastapi import APIRouter, Request

from paybench.api.deps import ERRORS, engine
from paybench.api.errors import ApiError
from paybench.api.models import ErrorResponse, SubmissionCounts
from paybench.api.ratelimit import client_address, client_key
from paybench.bench import PARAMS
from paybench.submissions import Submission, SubmissionResult

router = APIRouter(responses=ERRORS)


@router.post("/submissions", response_model=SubmissionResult, status_code=201, tags=["submissions"],
             responses={429: {"model": ErrorResponse, "description": "Too many submissions"}})
def submit(request: Request, submission: Submission) -> SubmissionResult:
    """Submit one person's pay. Everything is validated (a 422 names the field); nothing is
    stored beyond the normalized record and a keyed pseudonym of the client's network (no
    IP, no name; docs/privacy.md). An outlier against its cell is held for review and not
    used until approved; cells use submissions only from 5 distinct contributors up, each
    coarsened to its $25,000 bin. The same figure sent again gets the same kind of answer
    and counts once."""
    address = client_address(request.scope)
    wait = request.app.state.submission_bucket.take(client_key(address))
    if wait > 0:
        raise ApiError(429, f"too many submissions; retry in {wait:.0f} s",
                       headers={"Retry-After": str(max(1, round(wait)))})
    return engine(request).submit(submission, client=address)


@router.get("/submissions", response_model=SubmissionCounts, tags=["submissions"])
def counts(request: Request) -> SubmissionCounts:
    """How many submissions are stored and held for review (never individual records)."""
    return SubmissionCounts(**engine(request).submission_counts(),
                            minimum_per_cell=PARAMS.submission_min)
