"""Benchmark cells (with provenance), side-by-side comparison and the guide tables."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from paybench.api.deps import ERRORS, answer, engine
from paybench.engine import MAX_COMPARE, CellsView, Comparison, GuideTable

router = APIRouter(responses=ERRORS)


@router.get("/cells", response_model=CellsView, tags=["benchmarks"])
async def cells(
    request: Request,
    role: Annotated[str, Query(min_length=1, max_length=100,
                               description="role id, name or a job title")],
    place: Annotated[str, Query(min_length=1, max_length=200,
                                description="a place; 'US' for national")] = "US",
    level: Annotated[str | None, Query(max_length=40, description="one level; default the "
                                       "one a title states, else all the role's levels")] = None,
    as_of: Annotated[str | None, Query(max_length=20, description="effective date YYYY-MM-DD")] = None,
    growth: Annotated[float | None, Query(description="annual pay growth for aging, e.g. 0.03")] = None,
) -> Response:
    """Percentiles of annual base pay (USD) for a role in a place, per level, with n,
    method, confidence and sources; the national cells and published figures beside them."""
    pb = engine(request)

    def work() -> bytes:
        params = pb.params_for(as_of, growth)
        # the JSON of each lookup is kept for as long as the benchmark model stands
        return pb.remembered(("cells", role, place, level), lambda: pb.cells(
            role, place, level, as_of=as_of, growth=growth).model_dump_json().encode(), params)

    if as_of is None and growth is None:  # the published method: answered from memory
        return Response(await answer(pb, work), media_type="application/json")
    return Response(await run_in_threadpool(work), media_type="application/json")


@router.get("/compare", response_model=Comparison, tags=["benchmarks"])
def compare(
    request: Request,
    role: Annotated[list[str], Query(min_length=1, max_length=MAX_COMPARE,
                                     description="one role, or up to four")],
    place: Annotated[list[str], Query(min_length=1, max_length=MAX_COMPARE,
                                      description="up to four places, or one")],
    level: Annotated[str, Query(max_length=40)] = "senior",
) -> Comparison:
    """One role in up to four places, or up to four roles in one place, side by side."""
    return engine(request).compare(role, place, level)


@router.get("/guide", response_model=GuideTable, tags=["benchmarks"])
def guide(
    request: Request,
    area: Annotated[str | None, Query(max_length=60)] = None,
    role: Annotated[str | None, Query(max_length=100)] = None,
    level: Annotated[str | None, Query(max_length=40)] = None,
    place: Annotated[str | None, Query(max_length=200, description="'US' or a place")] = None,
    limit: Annotated[int, Query(ge=1, le=10000)] = 500,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> GuideTable:
    """The salary guide tables: mid and senior ranges for every role, nationally and in the
    25 largest tech metros (built once per store version; filter and page here)."""
    return engine(request).guide_table(area=area, role=role, level=level, place=place,
                                       limit=limit, offset=offset)
