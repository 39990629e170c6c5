"""Who pays: the employers in the store with their segment and its basis (`paybench
employers`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from paybench.api.deps import ERRORS, engine
from paybench.insights.employers import EmployerListing
from paybench.normalize.segments import segment_help

router = APIRouter(responses=ERRORS)


@router.get("/employers", response_model=EmployerListing, tags=["insights"])
def employers(
    request: Request,
    segment: Annotated[str | None, Query(max_length=40, description=segment_help())] = None,
    role: Annotated[str | None, Query(max_length=100, description="role id, name or job title; "
                                      "blank or absent: every role")] = None,
    kind: Annotated[str | None, Query(max_length=40, description="one kind of observation: filed "
                                      "(H-1B filings), paid, posted, submitted; absent: every "
                                      "kind the method uses")] = None,
    limit: Annotated[int, Query(description="list the N most observed employers (0: all; the "
                                "segment summary covers all)")] = 30,
) -> EmployerListing:
    """Employers in the store with their segment, the basis of the segment (list entry, NAICS
    sector or unclassified), usable base-pay observations by source and the median base pay
    (annual USD as observed); a summary by segment. The query parameters are `paybench
    employers`' options, read and checked alike (an unknown segment or kind, a negative limit:
    422 naming the field), and the body is `paybench employers --json` without the store's
    file. Submissions count from 5 distinct contributors per employer, as in a cell."""
    return engine(request).employers(segment=segment, role=role, kind=kind,
                                     limit=limit or None).listing()
