"""Every constant of the benchmark method, with its unit, in one frozen object.

`PARAMS` is the method as paybench publishes it. A different set (another effective date,
growth rate, or any constant) is `PARAMS.replace(...)`; the benchmark cache keys on the whole
object, so a model built under other parameters is never reused (`paybench.bench.cache`).
Values fitted from the data (level offsets, within-cell spread, shrinkage) are not here:
they are attributes of `BenchmarkModel` named with a trailing underscore (`shrinkage_k_`),
as scikit-learn names fitted attributes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

PERCENTILES: tuple[int, ...] = (10, 25, 50, 75, 90)
"""The percentiles a cell publishes (P10-P90, as BLS OEWS publishes wages)."""

Z: dict[int, float] = {p: NormalDist().inv_cdf(p / 100) for p in PERCENTILES}
"""Standard-normal z-score of each published percentile (P10 -> -1.2816...)."""


def _z(share: float) -> float:
    return NormalDist().inv_cdf(share)


_LEVEL_ANCHOR_Z: tuple[tuple[str, float], ...] = (
    ("entry", Z[25]), ("mid", 0.0), ("senior", Z[75]), ("staff", Z[90]), ("principal", _z(0.95)),
    ("manager", _z(0.80)), ("director", _z(0.93)), ("executive", _z(0.97)),
)


@dataclass(frozen=True)
class MethodParams:
    """The benchmark method's constants. Money is annual US dollars; weights are counted in
    observations; shares are fractions of 1. Frozen and hashable: it is part of the cache key."""

    effective_date: dt.date = dt.date(2026, 1, 1)
    """Every figure is aged to this date (a guide's edition: 1 January of its year)."""
    annual_growth: float = 0.03
    """Pay growth used to age figures, fraction per year (a stated assumption; `--growth`)."""
    days_per_year: float = 365.25
    """Length of the year when aging by a span of days (the Julian year)."""
    observed_before: dt.date | None = None
    """Only observations dated before this day, and published figures published before it,
    count (None: all). Fitting the method on the past to test it on later data (the
    estimator's time-forward calibration, `benchmarks/estimate_eval.py`)."""
    kinds_used: tuple[str, ...] = ("paid", "filed", "posted", "submitted")
    """Observation kinds that count in a cell (statistics and published figures enter apart)."""
    component: str = "base"
    """The pay component cells measure: base, bonus, equity or total (per year; bonus, equity
    and total come from total-compensation records, `paybench.bench.components`). A cell of
    another component than base, or of one segment, is derived from a parent cell
    (`paybench.bench.views`)."""
    segment: str | None = None
    """Only observations of employers in this segment count (`paybench.normalize.segments`:
    big-tech, ai-lab, startup, enterprise, government, consultancy, unclassified); None:
    every employer."""
    direct_min_n: int = 30
    """A cell with at least this many observations of its own is `direct`."""
    order_relief_min_n: int = 5
    """A metro or state cell held in the OEWS order of places (`BenchmarkModel.
    place_order_bounds`) with at least this many local observations, all of them pay received
    (no filing or posting), is held only as far as they allow: within the
    `order_relief_level` interval of their median (`BenchmarkModel.local_median_interval`)."""
    order_relief_level: float = 0.95
    """Coverage of the distribution-free interval of a median (order statistics, normal
    approximation to the binomial; Conover, Practical Nonparametric Statistics, 3rd ed., 3.2)
    that bounds how far the order of places may move a cell (`order_relief_min_n`)."""
    published_weight: float = 10.0
    """A published figure blended into its cell counts as this many observations."""
    default_shrinkage_k: float = 10.0
    """Prior weight, in observations, of a national cell's OEWS prior when the data cannot
    estimate it (the empirical-Bayes k)."""
    local_k: float = 10.0
    """Weight, in observations, of the national parent in a metro, state, remote or country cell."""
    shrinkage_k_bounds: tuple[float, float] = (2.0, 100.0)
    """The empirical-Bayes k is clipped to this range (observations); the upper end is also
    used when the between-cell variance is not positive."""
    within_level_spread_share: float = 0.75
    """Without observations, a level's log-pay spread is this share of the OEWS occupation's
    (the occupation spans all levels; one level is narrower)."""
    level_anchor_z: tuple[tuple[str, float], ...] = _LEVEL_ANCHOR_Z
    """Without observations, a level's median sits at this z-score of its role's OEWS
    occupation distribution: entry P25, mid P50, senior P75, staff P90, principal P95;
    manager P80, director P93, executive P97. The level an occupation's own median stands
    for (`paybench.bench.oews.reference_level`) is moved to its median, the others keep
    their distance from it."""
    ladder_min_step: float = 0.01
    """Ordered levels: a level's median is at least this far above the level below it in its
    ladder (log pay, 0.01 = 1%), so an order the fit imposes shows in rounded figures
    (`paybench.bench.ladder`)."""
    min_obs_for_offset: int = 20
    """Cells need this many observations to inform level offsets, spreads, shrinkage and
    observed (remote, country) differentials."""
    submission_min: int = 5
    """Submissions count in a cell only when they come from at least this many distinct
    contributors (k-anonymity; Radford's and LinkedIn Salary's cohort minimums are of this
    order; `paybench.bench.disclosure`)."""
    submission_bin_usd: float = 25_000.0
    """Every submission enters every computation at the midpoint of its bin of this width
    (annual USD), so no published figure narrows one below this width: more than twice the
    $10,000 to protect (issue 14; `paybench.bench.disclosure`, docs/privacy.md)."""
    differential_employment_k: float = 2000.0
    """A place differential from the role's own occupations is trusted as E / (E + this),
    E their local OEWS employment (jobs); the rest comes from the occupation group's."""
    fallback_socs: tuple[str, ...] = ("15-1200", "15-0000", "00-0000")
    """Occupation groups for a place differential when the role's own occupations are thin
    or absent there: computer occupations (national only in OEWS), computer and
    mathematical occupations, then all occupations."""
    high_confidence_min_data_weight: float = 0.75
    """A direct cell is `high` confidence when data carry at least this share of its weight."""
    medium_confidence_min_data_weight: float = 0.4
    """... `medium` when data or published figures carry at least this share (observations
    only when there are `medium_confidence_min_n_weighted` of them) ..."""
    medium_confidence_min_n_weighted: int = 5
    """The fewest observations whose data weight makes a cell `medium`: under a small prior
    weight (a segment cell's k can be 2) two records would carry half a cell's weight."""
    medium_confidence_min_n: int = 10
    """... or the cell holds at least this many observations."""
    round_to_usd: int = 100
    """Published percentiles are rounded to this many dollars."""
    trend_cell_columns: tuple[str, ...] = (
        "source", "kind", "level", "country", "state", "metro", "work_mode")
    """Pay over time (`paybench.bench.trend`): the columns whose values make one cell of the
    role, held fixed across years (the level and the place, down to metro and work mode, and
    the source and kind of figure, so that no comparison crosses sources)."""
    trend_min_year_n: int = 30
    """A year enters the pay-over-time index only with at least this many observations in
    cells also seen in another indexed year (observations; the `direct_min_n` of a cell);
    with fewer it is listed with its n and raw median and said to be too few."""
    trend_min_year_occupations: int = 1
    """OEWS in the index: a year enters with at least this many of the role's occupations
    published there (each an official estimate that already meets BLS's publication rules)."""
    trend_confidence: float = 0.95
    """Coverage of the index's interval (fraction)."""
    trend_median_rse_factor: float = 1.2533141373155003
    """OEWS publishes the relative standard error of an occupation's mean wage (MEAN_PRSE),
    none of its median; the median's is taken as this factor x the mean's standard error over
    the median: sqrt(pi / 2), the large-sample ratio of the standard error of a median to
    that of a mean for normal data (e.g. Kendall and Stuart, The Advanced Theory of
    Statistics, vol. 1, "standard error of the median")."""

    def replace(self, **changes: Any) -> MethodParams:
        """A copy with some constants changed (`dataclasses.replace`)."""
        return dataclasses.replace(self, **changes)

    def anchor_z(self, level: str) -> float:
        """The z-score a level's median sits at without observations (`level_anchor_z`)."""
        return dict(self.level_anchor_z)[level]

    def key(self) -> tuple[Any, ...]:
        """Every value as a plain tuple (name, value), for cache keys."""
        return tuple((f.name, getattr(self, f.name)) for f in dataclasses.fields(self))


PARAMS = MethodParams()
"""The method as paybench publishes it."""


def is_default_view(params: MethodParams) -> bool:
    """True for cells of base pay over every employer (the cells every other view derives
    from); False when `params` names another component or a segment."""
    return params.component == "base" and params.segment is None
