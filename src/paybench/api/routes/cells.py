"""Benchmark cells (with provenance), side-by-side comparison, pay over time and the guide
tables."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from paybench.api.deps import ERRORS, answer, engine
from paybench.bench.components import parse_segment
from paybench.bench.trend import TrendReport
from paybench.engine import MAX_COMPARE, CellsView, Comparison, GuideTable
from paybench.normalize.components import component_help, parse_component
from paybench.normalize.segments import segment_help

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
    component: Annotated[str | None, Query(max_length=40, description=component_help())] = None,
    segment: Annotated[str | None, Query(max_length=40, description=segment_help())] = None,
) -> Response:
    """Percentiles of annual pay (USD) for a role in a place, per level, with n, method,
    confidence and sources; the national cells and published figures beside them. Base pay
    over every employer unless `component` or `segment` says otherwise; such cells also carry
    n per component and the shares of total pay that are bonus and equity (`components`)."""
    pb = engine(request)
    component = parse_component(component)  # an alias ('stock') reads as its id; 422 otherwise
    segment = parse_segment(segment)  # as the CLI reads it: any case, absent = every employer

    def work() -> bytes:
        params = pb.view_params(pb.params_for(as_of, growth), component, segment)
        # the JSON of each lookup is kept for as long as the benchmark model stands
        return pb.remembered(("cells", role, place, level, component, segment), lambda: pb.cells(
            role, place, level, as_of=as_of, growth=growth, component=component,
            segment=segment).model_dump_json().encode(), params)

    default_view = component == "base" and segment is None
    if as_of is None and growth is None and default_view:  # the published method: from memory
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


@router.get("/trend", response_model=TrendReport, tags=["benchmarks"])
def trend(
    request: Request,
    role: Annotated[str, Query(min_length=1, max_length=100,
                               description="role id, name or a job title")],
    level: Annotated[str | None, Query(max_length=40, description="one level; default the one a "
                                       "title states, else every level, each held fixed")] = None,
    place: Annotated[str | None, Query(max_length=200, description="a place, or 'US' for the "
                                       "nation; default every place, each held fixed")] = None,
    source: Annotated[str | None, Query(max_length=40, description="one source id: aijobs, lca, "
                                        "postings, oews, ...")] = None,
) -> TrendReport:
    """Pay over time: a mix-adjusted index of annual base pay by year (role x level x place held
    fixed; base year = 100) with its interval, beside the raw median and its change, n per
    year and per source; from the store's dated observations and OEWS releases (as `paybench
    trend --json`)."""
    return engine(request).trend(role, level, place, source=source)


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
