"""Benchmark cells (with provenance), side-by-side comparison and the guide tables."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from paybench.api.deps import ERRORS, level_param, place_param, role_levels, role_param, state
from paybench.api.models import (
    CellsResponse,
    CompareResponse,
    GuideResponse,
    GuideRowOut,
    MetroOut,
    PublishedFigure,
)
from paybench.bench import NATIONAL, PARAMS, BenchmarkCell, BenchmarkModel, CellPlace
from paybench.errors import InputError
from paybench.normalize.roles import AREAS
from paybench.store import Store

router = APIRouter(responses=ERRORS)

MAX_COMPARE = 4


def public_cell(cell: BenchmarkCell) -> BenchmarkCell:
    """The cell as served: evidence from fewer than `PARAMS.submission_min` submissions is not listed
    (those submissions are not used either; listing them would reveal they exist)."""
    kept = [e for e in cell.sources if not (e.source == "submission" and e.n < PARAMS.submission_min)]
    if len(kept) == len(cell.sources):
        return cell
    return cell.model_copy(update={"sources": kept})


def compute_cell(model: BenchmarkModel, role: str, level: str, place: CellPlace,
                 field: str = "place") -> BenchmarkCell:
    """One cell; a place the data cannot price is a 422 naming `field`."""
    try:
        return public_cell(model.cell(role, level, place))
    except InputError as exc:
        raise InputError(field=field, message=str(exc)) from None


def _published(model: BenchmarkModel, role: str, levels: list[str],
               places: list[CellPlace]) -> list[PublishedFigure]:
    out: list[PublishedFigure] = []
    for place in places:
        for level in levels:
            for row in model.published_for(role, level, place):
                published_on = row.get("published_on")
                out.append(PublishedFigure(
                    figure_id=row.get("figure_id"), level=row.get("level"), stat=row["stat"],
                    annual_usd=float(row["annual_usd"]), qualifier=row.get("qualifier"),
                    place_label=place.label, citation=row.get("citation"),
                    published_on=_date(published_on)))
    return out


def _date(value: Any) -> dt.date | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


@router.get("/cells", response_model=CellsResponse, tags=["benchmarks"])
def cells(
    request: Request,
    role: Annotated[str, Query(min_length=1, max_length=100,
                               description="role id (or a job title)")],
    place: Annotated[str, Query(min_length=1, max_length=200,
                                description="a place; 'US' for national")] = "US",
    level: Annotated[str | None, Query(max_length=40, description="one level; default all "
                                       "the role's levels")] = None,
) -> CellsResponse:
    """Percentiles of annual base pay (USD) for a role in a place, per level, with n,
    method, confidence and sources; the national cells and published figures beside them."""
    found = role_param(role)
    levels = [level_param(level)] if level else role_levels(found)
    where = place_param(place)
    model = state(request).model()
    local = [compute_cell(model, found.id, lv, where) for lv in levels]
    national = [] if where.scope == "national" else [
        compute_cell(model, found.id, lv, NATIONAL) for lv in levels]
    places = [where] if where.scope == "national" else [where, NATIONAL]
    return CellsResponse(role=found.id, role_name=found.name, place=where, cells=local,
                         national=national, published=_published(model, found.id, levels, places))


@router.get("/compare", response_model=CompareResponse, tags=["benchmarks"])
def compare(
    request: Request,
    role: Annotated[list[str], Query(min_length=1, max_length=MAX_COMPARE,
                                     description="one role, or up to four")],
    place: Annotated[list[str], Query(min_length=1, max_length=MAX_COMPARE,
                                      description="up to four places, or one")],
    level: Annotated[str, Query(max_length=40)] = "senior",
) -> CompareResponse:
    """One role in up to four places, or up to four roles in one place, side by side."""
    if len(role) > 1 and len(place) > 1:
        raise InputError(field="place", message="compare several places for one role, or several roles in "
                         "one place, not both")
    lvl = level_param(level)
    roles_found = [role_param(r) for r in role]
    places = [place_param(p) for p in place]
    model = state(request).model()
    out = [compute_cell(model, r.id, lvl, p) for r in roles_found for p in places]
    return CompareResponse(level=lvl, cells=out)


def _guide(store: Store) -> dict[str, Any]:
    from paybench.guide import build_guide

    data = build_guide(store, metros=25)
    return {"effective_date": data.effective_date, "metros": data.metros,
            "rows": [asdict(r) for r in data.rows]}


@router.get("/guide", response_model=GuideResponse, tags=["benchmarks"])
def guide(
    request: Request,
    area: Annotated[str | None, Query(max_length=60)] = None,
    role: Annotated[str | None, Query(max_length=100)] = None,
    level: Annotated[str | None, Query(max_length=40)] = None,
    place: Annotated[str | None, Query(max_length=200, description="'US' or a place")] = None,
    limit: Annotated[int, Query(ge=1, le=10000)] = 500,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> GuideResponse:
    """The salary guide tables: mid and senior ranges for every role, nationally and in the
    25 largest tech metros (built once per store version; filter and page here)."""
    if area is not None and area not in AREAS:
        raise InputError(field="area", message=f"unknown area {area!r}; expected one of {', '.join(AREAS)}")
    role_id = role_param(role).id if role else None
    lvl = level_param(level) if level else None
    key = place_param(place).key if place else None
    data = state(request).cached("guide", _guide)
    rows = [
        r for r in data["rows"]
        if (area is None or r["area"] == area) and (role_id is None or r["role"] == role_id)
        and (lvl is None or r["level"] == lvl) and (key is None or r["place"] == key)
    ]
    metros = [MetroOut(cbsa=m["cbsa"], name=m["area_name"], tech_employment=m["employment"])
              for m in data["metros"]]
    return GuideResponse(effective_date=data["effective_date"], metros=metros,
                         count=len(rows[offset:offset + limit]), total=len(rows),
                         rows=[GuideRowOut(**r) for r in rows[offset:offset + limit]])
