"""Charts as SVG, drawn server-side from the definitions in `paybench.charts` (the same
ones the guide report uses), so the web page needs no chart library and no network."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from paybench.api.deps import ERRORS, engine
from paybench.bench import BenchmarkCell
from paybench.bench.components import COMPONENT_NAMES, parse_segment, view_label
from paybench.engine import MAX_COMPARE
from paybench.normalize.components import component_help, parse_component
from paybench.normalize.levels import LEVEL_NAMES, LEVELS
from paybench.normalize.segments import segment_help

router = APIRouter(responses=ERRORS, tags=["charts"])

SVG_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"image/svg+xml": {"schema": {"type": "string"}}},
          "description": "an SVG document"}}
_CACHE_SIZE = 256
_svg_cache: OrderedDict[tuple[Any, ...], str] = OrderedDict()
_svg_lock = threading.Lock()


def _svg(key: tuple[Any, ...], draw: Any) -> Response:
    with _svg_lock:
        svg = _svg_cache.get(key)
    if svg is None:
        from paybench import charts

        svg = charts.to_svg(draw(charts))
        with _svg_lock:
            _svg_cache[key] = svg
            while len(_svg_cache) > _CACHE_SIZE:
                _svg_cache.popitem(last=False)
    return Response(svg, media_type="image/svg+xml",
                    headers={"Cache-Control": "no-cache"})


@router.get("/charts/ranges.svg", response_class=Response, responses=SVG_RESPONSE)
def ranges_svg(
    request: Request,
    role: Annotated[str, Query(min_length=1, max_length=100)],
    place: Annotated[str, Query(min_length=1, max_length=200)] = "US",
    level: Annotated[str | None, Query(max_length=40)] = None,
    width: Annotated[int, Query(ge=160, le=1200, description="plot width in pixels")] = 460,
    component: Annotated[str | None, Query(max_length=40, description=component_help())] = None,
    segment: Annotated[str | None, Query(max_length=40, description=segment_help())] = None,
) -> Response:
    """P10-P90 (line), P25-P75 (bar) and median (dot) of annual pay for each level of a role in
    a place, each beside the national range (one row per level and place): base pay over
    every employer unless `component` or `segment` says otherwise (as in /cells)."""
    pb = engine(request)
    component = parse_component(component)  # as in /cells
    segment = parse_segment(segment)  # as in /cells
    view = pb.cells(role, place, level, component=component, segment=segment)
    rows: list[dict[str, Any]] = []
    rank: dict[str, int] = {lv: i for i, lv in enumerate(LEVELS)}
    national: list[BenchmarkCell | None] = list(view.national) or [None] * len(view.cells)
    for local, nat in zip(view.cells, national, strict=True):
        for j, cell in enumerate(c for c in (local, nat) if c is not None):
            short = ("national" if cell.place.scope == "national"
                     else cell.place.label.split(",")[0].split("-")[0])
            rows.append({**cell.quantiles(), "label": f"{LEVEL_NAMES[cell.level]} · {short}",
                         "order": 1000 - (rank[cell.level] * 2 + j)})
    where = view.place
    title = f"{view.role_name}: {where.label}" + ("" if where.scope == "national" else " vs national")
    pay = "annual base pay"
    if component != "base" or segment is not None:
        title += f" ({view_label(component, segment)})"
        pay = f"annual {COMPONENT_NAMES[component]}"
    key = ("ranges", pb.signature(), view.role, tuple(c.level for c in view.cells), where.key,
           where.scope, width, component, segment)
    return _svg(key, lambda charts: charts.range_chart(rows, title=title, sort="order", pay=pay)
                .properties(width=width))


@router.get("/charts/compare.svg", response_class=Response, responses=SVG_RESPONSE)
def compare_svg(
    request: Request,
    role: Annotated[list[str], Query(min_length=1, max_length=MAX_COMPARE)],
    place: Annotated[list[str], Query(min_length=1, max_length=MAX_COMPARE)],
    level: Annotated[str, Query(max_length=40)] = "senior",
    width: Annotated[int, Query(ge=160, le=1200, description="plot width in pixels")] = 460,
) -> Response:
    """Cells side by side (one role in up to four places, or up to four roles in one
    place), ranked by median."""
    pb = engine(request)
    result = pb.compare(role, place, level)
    by_place = len(place) > 1 or len(role) == 1
    rows = [{**c.quantiles(), "label": c.place.label if by_place else c.role_name}
            for c in result.cells]
    if len({r["label"] for r in rows}) < len(rows):  # same place typed twice
        rows = [{**r, "label": f"{i + 1}. {r['label']}"} for i, r in enumerate(rows)]
    title = f"{LEVEL_NAMES[result.level]} " + (
        result.cells[0].role_name if by_place else result.cells[0].place.label)
    key = ("compare", pb.signature(), tuple(c.role for c in result.cells),
           tuple(c.place.key for c in result.cells), result.level, width)
    return _svg(key, lambda charts: charts.range_chart(rows, title=title).properties(width=width))

