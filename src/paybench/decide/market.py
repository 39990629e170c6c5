"""The market data every decision tool reads: benchmark cells, published total-comp and
hourly contract figures, and survey contract rows, loaded once from a store.

Percentiles inside a cell: a cell publishes P10, P25, P50, P75 and P90 of annual base pay.
Between two of them a value's percentile is interpolated linearly in log pay; beyond P10
or P90 it follows the lognormal tail whose sigma is the cell's P10-P90 spread
((ln P90 - ln P10) / (z90 - z10)), anchored at P10 or P90. `value_at_percentile` is the
exact inverse of `percentile_of`. Money is annual US dollars.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from statistics import NormalDist

import pandas as pd
from pydantic import BaseModel, Field

from paybench.bench import PERCENTILES, BenchmarkCell, BenchmarkModel
from paybench.bench.views import ViewModel, has_component_data, view_params
from paybench.errors import InputError
from paybench.resolve import resolve_level, resolve_place, resolve_role
from paybench.store import Store

_NORMAL = NormalDist()
_Z = {p: _NORMAL.inv_cdf(p / 100) for p in PERCENTILES}


class MarketPosition(BaseModel):
    """Where one annual USD figure falls in a cell's distribution."""

    value: float = Field(description="the figure placed, annual USD")
    percentile: float = Field(description="0-100, interpolated (see module docstring)")
    label: str = Field(description="'P62', 'below P10 (about P6)', 'above P90 (about P96)'")


def _knots(cell: BenchmarkCell | dict[str, float]) -> list[tuple[int, float]]:
    quant = cell.quantiles() if isinstance(cell, BenchmarkCell) else cell
    knots = [(p, float(quant[f"p{p}"])) for p in PERCENTILES]
    if any(v <= 0 for _, v in knots):
        raise InputError("a market cell has a non-positive percentile; cannot place a value in it")
    return knots


def _tail_sigma(knots: list[tuple[int, float]]) -> float:
    sigma = (math.log(knots[-1][1]) - math.log(knots[0][1])) / (_Z[90] - _Z[10])
    return sigma if sigma > 0 else 1e-6


def percentile_of(value: float, cell: BenchmarkCell | dict[str, float]) -> MarketPosition:
    """The percentile (0-100) of an annual USD `value` within a cell (or a dict p10..p90)."""
    if not value > 0 or not math.isfinite(value):
        raise InputError(f"cannot place {value!r} in a market cell: pay must be positive")
    knots = _knots(cell)
    lv = math.log(value)
    lo_p, lo_v = knots[0]
    _hi_p, hi_v = knots[-1]
    if value < lo_v:
        z = _Z[10] + (lv - math.log(lo_v)) / _tail_sigma(knots)
        pct = 100 * _NORMAL.cdf(z)
        return MarketPosition(value=value, percentile=pct, label=f"below P10 (about P{_fmt_tail(pct)})")
    if value > hi_v:
        z = _Z[90] + (lv - math.log(hi_v)) / _tail_sigma(knots)
        pct = 100 * _NORMAL.cdf(z)
        return MarketPosition(value=value, percentile=pct, label=f"above P90 (about P{_fmt_tail(pct)})")
    pct = float(lo_p)
    for (pa, va), (pb, vb) in itertools.pairwise(knots):
        if va <= value <= vb:
            if vb == va:
                pct = (pa + pb) / 2
            else:
                pct = pa + (pb - pa) * (lv - math.log(va)) / (math.log(vb) - math.log(va))
            break
    return MarketPosition(value=value, percentile=pct, label=f"P{round(pct)}")


def _fmt_tail(pct: float) -> str:
    if pct < 1:
        return "<1"
    if pct > 99:
        return ">99"
    return str(round(pct))


PERCENTILE_MIN = 1.0
"""Lowest percentile a band, roster or posting range may ask for: beyond P1 and P99 the
normal tail extrapolated from P10/P90 says nothing (and P5e-324 is P0)."""
PERCENTILE_MAX = 99.0
"""Highest percentile a band, roster or posting range may ask for."""


def check_percentile(percentile: float, field: str = "percentile") -> float:
    """`percentile` when it lies within PERCENTILE_MIN..PERCENTILE_MAX; else InputError."""
    if not PERCENTILE_MIN <= percentile <= PERCENTILE_MAX:
        raise InputError(f"percentile {percentile:g} must be between {PERCENTILE_MIN:g} and "
                         f"{PERCENTILE_MAX:g}", field=field)
    return percentile


def value_at_percentile(cell: BenchmarkCell | dict[str, float], percentile: float) -> float:
    """The annual USD value at `percentile` (PERCENTILE_MIN to PERCENTILE_MAX) of a cell."""
    check_percentile(percentile)
    knots = _knots(cell)
    if percentile < 10:
        z = _NORMAL.inv_cdf(percentile / 100)
        return math.exp(math.log(knots[0][1]) + (z - _Z[10]) * _tail_sigma(knots))
    if percentile > 90:
        z = _NORMAL.inv_cdf(percentile / 100)
        return math.exp(math.log(knots[-1][1]) + (z - _Z[90]) * _tail_sigma(knots))
    for (pa, va), (pb, vb) in itertools.pairwise(knots):
        if pa <= percentile <= pb:
            frac = (percentile - pa) / (pb - pa)
            return math.exp(math.log(va) + frac * (math.log(vb) - math.log(va)))
    raise AssertionError("unreachable")  # pragma: no cover


class PublishedFigure(BaseModel):
    """A published figure kept for display: total comp or an hourly rate."""

    figure_id: str | None
    role: str | None
    level: str | None
    stat: str
    component: str
    period: str
    employment_type: str | None
    amount_raw: float = Field(description="as published, in its period (USD per hour or per year)")
    annual_usd: float
    group_key: str | None
    citation: str | None


@dataclass
class Market:
    """Benchmark model plus the published and survey figures the decision tools need."""

    model: BenchmarkModel
    figures: list[PublishedFigure] = field(default_factory=list)
    contract_rows: pd.DataFrame = field(default_factory=pd.DataFrame)
    totals: BenchmarkModel | None = None
    """The cells of total pay (`paybench.bench.views`: component 'total', every employer), when
    the store holds total-compensation records; None otherwise."""
    segments: dict[tuple[str, str], BenchmarkModel | None] = field(default_factory=dict)
    """Per (component 'base' or 'total', segment): the segment's view (`paybench.bench.views`),
    None when the store holds no observation of it; filled by `with_segments`."""

    def with_segments(self, views: dict[tuple[str, str], BenchmarkModel | None]) -> Market:
        """This market with the segment views offers name (`segments`)."""
        return Market(model=self.model, figures=self.figures, contract_rows=self.contract_rows,
                      totals=self.totals, segments={**self.segments, **views})

    def _segment_view(self, component: str, segment: str) -> BenchmarkModel:
        """The view of a segment; InputError (field 'segment') when it was not loaded or the
        store holds no observation of it."""
        view = self.segments.get((component, segment))
        if view is None:
            what = "base pay" if component == "base" else "total compensation"
            raise InputError(f"this store has no {what} observations from {segment} employers "
                             "(paybench employers lists the segments it holds)", field="segment")
        return view

    @classmethod
    def load(cls, store: Store, model: BenchmarkModel | None = None) -> Market:
        """Read everything from a store (which must hold the defaults: OEWS + published)."""
        model = model or BenchmarkModel.load(store)
        stats = store.query(
            """
            SELECT figure_id, role, level, stat, component, period, employment_type,
                   amount_raw, annual_usd, group_key, citation
            FROM statistics
            WHERE kind = 'published' AND (component = 'total' OR period = 'hour'
                  OR employment_type IN ('contract', 'freelance'))
            ORDER BY figure_id
            """
        )
        stats = stats.astype(object).where(stats.notna(), None)
        figures = [PublishedFigure(**row) for row in stats.to_dict("records")]
        rows = store.query(
            """
            SELECT source, dedup_key, role, level, country, employment_type, period,
                   any_value(annual_usd) AS annual_usd, count(*) AS copies
            FROM observations
            WHERE employment_type IN ('contract', 'freelance') AND component = 'base'
              AND annual_usd > 0
            GROUP BY ALL
            """
        )
        totals = None
        if has_component_data(store, "total", model.params):
            totals = ViewModel.load(store, view_params(model.params, "total"), parent=model)
        return cls(model=model, figures=figures, contract_rows=rows, totals=totals)

    def cell(self, role: str, level: str, place: str, segment: str | None = None) -> BenchmarkCell:
        """The benchmark cell for a role (id, name or title), a level name and a place text, of
        one employer segment when given (its base view, `with_segments`); InputError naming
        the field at fault (`paybench.resolve`; 'segment' when the store holds no base pay of
        the segment)."""
        cell_role = resolve_role(role).role.id
        model = self.model if segment is None else self._segment_view("base", segment)
        try:
            return model.cell(cell_role, resolve_level(level), resolve_place(place))
        except InputError as exc:
            raise exc.with_field("place") from None

    def total_figures(self, role: str) -> list[PublishedFigure]:
        """Published total-compensation figures (annual) for a role."""
        return [f for f in self.figures if f.component == "total" and f.role == role
                and f.period == "year"]

    def total_cell(self, role: str, level: str, place: str,
                   segment: str | None = None) -> BenchmarkCell | None:
        """The total-pay cell (annual USD, every employer, or one segment's when given: its
        total view, `with_segments`) for a role (id, name or title) x level x place when the
        store holds total-compensation records for it at the place or nationally (the cell's
        n or its national parent's n is positive); None otherwise, or when the store holds no
        total-compensation data at all (of the segment). InputError naming the field at fault
        for a role, level or place that cannot be read."""
        totals = self.totals if segment is None else self.segments.get(("total", segment))
        if totals is None:
            return None
        cell_role = resolve_role(role).role.id
        try:
            cell = totals.cell(cell_role, resolve_level(level), resolve_place(place))
        except InputError:
            return None  # neither data nor a prior for it: no total-pay distribution
        return cell if cell.n > 0 or cell.n_parent > 0 else None

    def hourly_figures(self, role: str | None) -> list[PublishedFigure]:
        """Published hourly contract/freelance figures for a role (None: role-less ones)."""
        return [f for f in self.figures if f.period == "hour" and f.role == role
                and f.employment_type in ("contract", "freelance")]


def cell_summary(cell: BenchmarkCell) -> str:
    """One line of provenance for a cell: n, method, confidence and sources; a segment's cell
    names its segment, and its n_parent is the all-employer cell's."""
    sources = ", ".join(f"{e.source} {e.kind} n={e.n}" + (f" ({e.detail})" if e.detail else "")
                        for e in cell.sources)
    employers = f", {cell.segment} employers" if cell.segment else ""
    parent = "all-employer cell" if cell.segment else "national"
    return (f"{cell.role_name}, {cell.level}, {cell.place.label}{employers}: n={cell.n} "
            f"({parent} {cell.n_parent}), method {cell.method}, confidence {cell.confidence}; "
            f"sources: {sources}")
