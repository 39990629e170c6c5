"""Benchmark cells: percentiles of annual base pay for role x level x place.

How a cell is computed (all in log pay, every figure aged to one effective date):

1. Usable observations (`paybench.bench.observations`) are summarized per cell
   (`paybench.bench.summary`: count, mean, spread, weighted quantiles P10-P90).
2. Each cell has a prior from its parent: role x level nationally, itself built from the
   role's OEWS occupation (national distribution) shifted by a level offset; a metro or state
   cell's prior is the national cell moved by the OEWS pay differential of that place
   (`paybench.bench.oews`); remote and country cells by the pooled observed gap.
3. The cell's quantiles are the weighted mean, in log pay, of the observed quantiles
   (weight n), the prior (weight k: the empirical-Bayes shrinkage constant estimated from
   the spread of national cells around their priors, or `local_k` for a sub-national
   cell's parent) and national published figures for the same cell (`published_weight`
   each; a figure for a metro or remote work is shown beside the cell, never blended).
4. Ordered levels: the medians of every level of the role's family at the place are fitted
   to the ladders by weighted isotonic regression (`paybench.bench.ladder`), and each cell
   is moved by its fit; a sub-national cell's prior is the fitted national cell.
5. Ordered places: at a metro or state where the family has local observations, the same
   fit holds each cell without direct data within its place in the OEWS order of the
   scope's areas (`place_order_bounds`), so thin local data cannot reorder metros.
6. Ordered percentiles: along a role's individual-contributor levels at a place (entry <
   mid < senior < staff < principal), each other percentile (P10, P25, P75, P90) is fitted to
   a non-decreasing sequence by weighted isotonic regression (the cells' weights, as in 4;
   `scipy.optimize.isotonic_regression`, pool adjacent violators), then kept on its side of
   the cell's median: a thinly observed senior cell cannot print a P90 above the staff cell's
   (`ordered_percentiles`). Medians are step 4's.

Method: `direct` when the cell has at least `direct_min_n` observations, `shrunk` when it has
fewer or published figures, `modelled` when it has neither and stands on its prior. Every
constant is in `paybench.bench.params.MethodParams`. Money is annual US dollars.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

from paybench.bench.cache import cache_key, cache_path, read_cached, write_cached
from paybench.bench.components import ComponentSummary
from paybench.bench.engines import DUCKDB, CellEngine, cell_backend, held
from paybench.bench.ladder import (
    Bound,
    LadderFit,
    Node,
    constraints,
    family_members,
    family_of,
    fit_ladder,
)
from paybench.bench.oews import OewsPriors, reference_level
from paybench.bench.params import PARAMS, PERCENTILES, MethodParams, Z, is_default_view
from paybench.bench.scopes import NATIONAL as NATIONAL_PLACE
from paybench.bench.scopes import CellPlace, area_key, cell_place, published_place_matches
from paybench.errors import InputError
from paybench.normalize.levels import IC_LEVELS, LEVELS
from paybench.normalize.places import Place
from paybench.normalize.roles import Role, get_role
from paybench.store import Store
from paybench.wording import counted


class Evidence(BaseModel):
    """What one source contributed to a cell."""

    source: str
    kind: str
    n: int = Field(description="observations or figures from this source")
    detail: str | None = None


class BenchmarkCell(BaseModel):
    """Percentiles of annual pay (US dollars) for one role x level x place: base pay over every
    employer unless `component` or `segment` says otherwise."""

    role: str
    role_name: str
    level: str
    place: CellPlace
    p10: int
    p25: int
    p50: int
    p75: int
    p90: int
    n: int = Field(description="distinct observations in the cell itself")
    n_parent: int = Field(description="observations in the parent: the role x level national "
                          "cell (for a segment cell, the all-employer cell of the same place)")
    sources: list[Evidence]
    method: str = Field(description="direct, shrunk or modelled")
    confidence: str = Field(description="high, medium or low")
    data_weight: float = Field(description="share of the cell's weight that is data, 0-1")
    place_differential: float | None = Field(
        default=None, description="place pay / national pay - 1, from OEWS or the data")
    published: list[str] = Field(default_factory=list, description="ids of published figures")
    effective_date: dt.date = Field(description="the day every figure of the cell is aged to")
    annual_growth: float = Field(description="the pay growth figures are aged at, fraction per "
                                 "year (0.03 = 3%)")
    first_year: int | None = Field(
        default=None, description="year of the earliest of the cell's own n observations, as "
        "observed (before aging); null when n = 0")
    last_year: int | None = Field(
        default=None, description="year of the latest of the cell's own n observations; null "
        "when n = 0")
    basis: str = Field(description="one sentence on how the cell was built")
    n_filed: int = Field(
        default=0, description="of n, H-1B LCA filings (kind filed): the wage an employer "
        "attests, not a sample of the place's pay; they do not make a metro or state cell "
        "direct enough to break the OEWS order of places")
    ladder_shift: float = Field(
        default=0.0, description="how far the ordered-levels fit moved the cell (fraction of "
        "its median, e.g. 0.05 = raised 5%); 0 when it already stood in its ladder")
    notes: list[str] = Field(
        default_factory=list, description="what moved the cell, and ladder orders the direct "
        "data keep broken")
    component: str = Field(default="base", description="the pay component measured: base, "
                           "bonus, equity (stock per year) or total")
    segment: str | None = Field(default=None, description="the employer segment (big-tech, "
                                "ai-lab, ...); null: every employer")
    components: ComponentSummary | None = Field(
        default=None, description="n per component and the shares of total pay that are bonus "
        "and equity, from the cell's total-compensation records (cells of a component other "
        "than base, or of a segment; null for base pay over every employer)")

    def quantiles(self) -> dict[str, int]:
        """The five percentiles as a dict {'p10': ..., 'p90': ...} (annual USD)."""
        return {f"p{p}": getattr(self, f"p{p}") for p in PERCENTILES}

    def aging(self) -> str:
        """How the cell's pay was aged, in one line, from its fields: 'aged to 2026-01-01 at
        3.0%/yr (this cell's 1,187 observations dated 2020-2024)' (`paybench.bench.
        observations`: log pay + (E - d) / 365.25 x log(1 + g))."""
        growth = self.annual_growth * 100
        rate = f"{growth:.1f}" if abs(growth - round(growth, 1)) < 1e-9 else f"{growth:g}"
        if not self.n or self.first_year is None or self.last_year is None:
            whose = "no observations of its own"
        else:
            years = (str(self.first_year) if self.first_year == self.last_year
                     else f"{self.first_year}-{self.last_year}")
            whose = f"this cell's {counted(self.n, 'observation')} dated {years}"
        return f"aged to {self.effective_date.isoformat()} at {rate}%/yr ({whose})"


@dataclass
class LogDist:
    """A log-pay distribution as five log quantiles (P10..P90, log annual USD)."""

    q: dict[int, float]

    @classmethod
    def normal(cls, mu: float, sigma: float) -> LogDist:
        """The quantiles of a normal distribution of log pay."""
        return cls({p: mu + Z[p] * sigma for p in PERCENTILES})

    @property
    def median(self) -> float:
        """The log median (P50)."""
        return self.q[50]

    def shift(self, delta: float) -> LogDist:
        """Every quantile moved by `delta` (log pay)."""
        return LogDist({p: v + delta for p, v in self.q.items()})


def ordered_percentiles(chain: Sequence[tuple[str, LogDist, float]]) -> dict[str, LogDist]:
    """Step 6 of the module doc: the cells of a chain of levels, lowest first, as (level,
    distribution, weight), with each percentile but the median fitted to a non-decreasing
    sequence along the chain by weighted isotonic regression (`scipy.optimize.
    isotonic_regression`; Barlow et al. 1972), then kept within the cell's own order
    (P10 <= P25 <= P50 <= P75 <= P90, each clipped at its neighbour towards the median).
    Weights below 1e-9 count as 1e-9. Returns the distributions by level."""
    from scipy.optimize import isotonic_regression

    if len(chain) < 2:
        return {level: dist for level, dist, _ in chain}
    weights = [max(float(w), 1e-9) for _, _, w in chain]
    fitted: dict[int, list[float]] = {50: [d.q[50] for _, d, _ in chain]}
    for p in PERCENTILES:
        if p != 50:
            fitted[p] = list(isotonic_regression([d.q[p] for _, d, _ in chain], weights=weights).x)
    out: dict[str, LogDist] = {}
    for i, (level, _, _) in enumerate(chain):
        q = {p: fitted[p][i] for p in PERCENTILES}
        q[25] = min(q[25], q[50])
        q[10] = min(q[10], q[25])
        q[75] = max(q[75], q[50])
        q[90] = max(q[90], q[75])
        out[level] = LogDist(q)
    return out


def blend(parts: list[tuple[LogDist, float]]) -> LogDist:
    """The weighted mean of distributions, quantile by quantile, in log pay."""
    total = sum(w for _, w in parts)
    return LogDist({p: sum(d.q[p] * w for d, w in parts) / total for p in PERCENTILES})


@dataclass
class _RawCell:
    """A cell before the ordered-levels fit (log pay; weights in observations)."""

    dist: LogDist
    n: int
    n_parent: int
    weight: float
    data_weight: float
    diff: float
    diff_basis: str
    nat_basis: str
    blended: int
    pub_used: list[str]
    pub_unused: list[str]


def natural_level(role: Role) -> str:
    """The level a role is shown at by default: a leadership role's own level (the taxonomy's
    `level`: heads and directors, executives, people managers); everyone else is a mid-level
    individual contributor."""
    return role.level or "mid"


@dataclass
class BenchmarkModel:
    """Everything needed to compute any cell, read once from a store (`load`), under one set
    of method parameters. Fitted values end in an underscore."""

    params: MethodParams
    observed: pd.DataFrame
    evidence: pd.DataFrame
    oews_: OewsPriors
    published: pd.DataFrame
    level_offsets_: dict[str, float] = field(default_factory=dict)
    """Level offsets from the observations: level -> mean log-pay gap to the mid level."""
    level_offsets_basis_: str = "OEWS anchors"
    within_sd_: float | None = None
    """Pooled within-cell standard deviation of log pay (None without enough data)."""
    shrinkage_k_: float = PARAMS.default_shrinkage_k
    """The empirical-Bayes prior weight of national cells (observations)."""
    record_segments_: dict[tuple[str, str, str, str], list[tuple[str, int]]] = field(
        default_factory=dict)
    """Per cell key: the employer segments of its observations that name one, most first
    (`paybench.bench.summary.segment_counts`; `records_note`)."""
    _obs_index: dict[tuple[str, str, str, str], dict[str, Any]] = field(default_factory=dict)
    _evidence_index: dict[tuple[str, str, str, str], list[dict[str, Any]]] = field(
        default_factory=dict)
    _published_index: dict[tuple[str, str | None], list[dict[str, Any]]] = field(
        default_factory=dict)
    _raw_cache: dict[tuple[str, str, str, str], _RawCell] = field(default_factory=dict)
    _fit_cache: dict[tuple[str, str, str], LadderFit] = field(default_factory=dict)
    # memos of pure functions of the fitted model (filled on first use, never invalidated: a
    # model is not changed once built); a batch of estimates or a guide asks for thousands
    _cell_cache: dict[tuple[str, str, str, str], BenchmarkCell] = field(default_factory=dict)
    _dist_cache: dict[str, tuple[LogDist, str] | None] = field(default_factory=dict)
    _national_cache: dict[tuple[str, str], tuple[LogDist, int, float, str]] = field(
        default_factory=dict)
    _national_shift_cache: dict[tuple[str, str], float] = field(default_factory=dict)
    _observed_diff_cache: dict[tuple[str, str, str], tuple[float, str] | InputError] = field(
        default_factory=dict)
    _fitted_cache: dict[tuple[str, str, str, str], LogDist] = field(default_factory=dict)
    _template_cache: dict[str, dict[Node, float]] = field(default_factory=dict)
    _area_order_cache: dict[tuple[tuple[str, ...], str], list[tuple[float, str]]] = field(
        default_factory=dict)
    _local_families: set[tuple[str, str, str]] | None = None

    blends_published: ClassVar[bool] = True
    """National cells blend the published figures of their cell (base pay); a derived view
    shows its component's figures beside its cells instead."""
    parent_lends_confidence: ClassVar[bool] = True
    """A local cell without data of its own is medium confidence when its national parent is
    direct (a strong national cell moved by an OEWS differential)."""

    @property
    def effective(self) -> dt.date:
        """The date every figure is aged to."""
        return self.params.effective_date

    @property
    def growth(self) -> float:
        """The growth rate figures are aged at (fraction per year)."""
        return self.params.annual_growth

    @property
    def oews_release(self) -> str:
        """The OEWS release the priors come from, e.g. '2025A01'."""
        return self.oews_.release

    # ---------------------------------------------------------------- loading
    @classmethod
    def load(cls, store: Store, params: MethodParams = PARAMS,
             engine: CellEngine = DUCKDB) -> BenchmarkModel:
        """The model of a store: read from the cache file beside the store when it was built
        from the same content, code and parameters (`paybench.bench.cache`), else built (and
        cached when the store's folder is writable). On Spark (`engine`) the model is always
        built there and never cached: the cells may come from Parquet the store does not hold.
        Parameters naming another component than base, or a segment, give the derived model of
        that view (`paybench.bench.views.ViewModel`), cached in a file of its own."""
        if not is_default_view(params) and cls is BenchmarkModel:
            from paybench.bench.views import ViewModel

            return ViewModel.load(store, params, engine)
        path = cache_path(store, params)
        if path is None or engine.is_spark:
            return cls.build(store, params, engine)
        key = cache_key(store, params)
        cached = read_cached(path, key)
        if isinstance(cached, cls):
            return cached
        model = cls.build(store, params)
        write_cached(path, key, model)
        return model

    @classmethod
    def build(cls, store: Store, params: MethodParams = PARAMS,
              engine: CellEngine = DUCKDB) -> BenchmarkModel:
        """Read the store's observations, OEWS cells and published figures and fit the
        hyperparameters. The cell summaries are computed by `engine`
        (`paybench.bench.engines`: DuckDB on the store, or Spark over its observations as
        Parquet); the same expressions give the same cells on either. InputError when the
        parameters are unusable or OEWS is missing; EngineError when the engine cannot run."""
        from paybench.bench.summary import (
            cell_observations,
            evidence_counts,
            observed_cells,
            segment_counts,
        )

        if not 0 <= params.annual_growth < 0.5:
            raise InputError(f"annual growth {params.annual_growth} must be between 0 and 0.5",
                             field="growth")
        oews = OewsPriors.load(store, params)
        published = store.query(
            """
            SELECT * FROM statistics
            WHERE kind = 'published' AND role IS NOT NULL AND level IS NOT NULL
              AND component = 'base' AND period = 'year'
              AND coalesce(employment_type, 'full_time') = 'full_time'
              AND (CAST(? AS DATE) IS NULL OR published_on < CAST(? AS DATE))
            """, [params.observed_before, params.observed_before]
        )
        with cell_backend(store, engine, params) as backend, \
                held(cell_observations(backend, params), engine) as cells:
            observed = observed_cells(backend, params, cells)
            evidence = evidence_counts(backend, params, cells)
        model = cls(params=params, observed=observed, evidence=evidence, oews_=oews,
                    published=published)
        model.record_segments_ = segment_counts(store, params)
        model._index()
        model._fit_hyperparameters()
        return model

    def _index(self) -> None:
        for row in self.observed.to_dict("records"):
            self._obs_index[(row["role"], row["level"], row["scope"], row["key"])] = row
        for row in self.evidence.to_dict("records"):
            ev_key = (row["role"], row["level"], row["scope"], row["key"])
            self._evidence_index.setdefault(ev_key, []).append(row)
        published = self.published.astype(object).where(self.published.notna(), None)
        for row in published.to_dict("records"):
            self._published_index.setdefault((row["role"], row["level"]), []).append(row)

    def observed_cell(self, role: str, level: str, scope: str, key: str) -> dict[str, Any] | None:
        """The observed summary of a cell (n, mean, sd, q10..q90 in log USD), if any."""
        return self._obs_index.get((role, level, scope, key))

    # ---------------------------------------------------------------- hyperparameters
    def _fit_hyperparameters(self) -> None:
        """Level offsets, within-cell spread and shrinkage k from national US cells."""
        obs = self.observed
        nat = obs[(obs["scope"] == "national") & (obs["n"] >= self.params.min_obs_for_offset)]
        self.level_offsets_ = {}
        if not nat.empty:
            sd = (nat["sd"] ** 2 * (nat["n"] - 1)).sum() / max((nat["n"] - 1).sum(), 1)
            self.within_sd_ = math.sqrt(sd)
            mids = nat[nat["level"] == "mid"].set_index("role")["mean"]
            for level in LEVELS:
                rows = nat[(nat["level"] == level) & nat["role"].isin(mids.index)]
                if len(rows) == 0:
                    continue
                diffs = rows["mean"].to_numpy() - mids.loc[rows["role"]].to_numpy()
                weights = rows["n"].to_numpy()
                self.level_offsets_[level] = float((diffs * weights).sum() / weights.sum())
            if self.level_offsets_:
                self.level_offsets_basis_ = "observed level gaps (pooled over roles), OEWS anchors elsewhere"
            self.shrinkage_k_ = self._shrinkage_from(nat)

    def _shrinkage_from(self, nat: pd.DataFrame) -> float:
        """Empirical Bayes: k = within-cell variance / between-cell variance of cell means
        around their priors (`_national_prior`: OEWS-based for base pay), by the method of
        moments, clipped to `shrinkage_k_bounds`."""
        low, high = self.params.shrinkage_k_bounds
        resid, sampling = [], []
        for row in nat.to_dict("records"):
            try:
                role = get_role(row["role"])
            except InputError:
                continue
            prior = self._national_prior(role, row["level"])
            if prior is None:
                continue
            resid.append(row["mean"] - prior[0].median)
            sampling.append((row["sd"] or 0.0) ** 2 / row["n"])
        if len(resid) < 3 or self.within_sd_ is None:
            return self.params.default_shrinkage_k
        mean_r = sum(resid) / len(resid)
        tau2 = sum((r - mean_r) ** 2 for r in resid) / (len(resid) - 1) - sum(sampling) / len(sampling)
        if tau2 <= 0:
            return high
        return float(min(high, max(low, self.within_sd_**2 / tau2)))

    # ---------------------------------------------------------------- priors
    def oews_distribution(self, role: Role) -> tuple[LogDist, str] | None:
        """The role's occupation distribution nationally (aged), with the SOC used."""
        if role.id in self._dist_cache:
            return self._dist_cache[role.id]
        soc = self.oews_.first_soc(role.soc_codes)
        if soc is None:
            self._dist_cache[role.id] = None
            return None
        found = self.oews_.aged_log_quantiles(soc)
        assert found is not None
        self._dist_cache[role.id] = LogDist(found), soc
        return self._dist_cache[role.id]

    def _level_offset(self, soc: str, level: str, sigma_total: float) -> float:
        """Log gap between a level and the level the occupation's median stands for
        (`paybench.bench.oews.reference_level`): the observed pooled gap for occupations whose
        median is a mid-level individual contributor, else the anchor z-scores."""
        reference = reference_level(soc)
        if level in self.level_offsets_ and reference == "mid":
            return self.level_offsets_[level]
        return (self.params.anchor_z(level) - self.params.anchor_z(reference)) * sigma_total

    def _national_prior(self, role: Role, level: str) -> tuple[LogDist, str] | None:
        """The prior of a national cell and its label: for base pay the role's OEWS occupation
        moved by the level offset (`_oews_prior`); a derived view's own (`ViewModel`)."""
        found = self._oews_prior(role, level)
        return None if found is None else (found[0], f"OEWS {found[1]} prior")

    def _no_prior(self, role: Role, level: str) -> InputError:
        """The error for a national cell with neither a prior nor observations."""
        return InputError(f"no OEWS occupation and no observations for role {role.id}", field="role")

    def _oews_prior(self, role: Role, level: str) -> tuple[LogDist, str] | None:
        found = self.oews_distribution(role)
        if found is None:
            return None
        dist, soc = found
        sigma_total = (dist.q[90] - dist.q[10]) / (Z[90] - Z[10])
        sigma = (self.within_sd_ if self.within_sd_ is not None
                 else sigma_total * self.params.within_level_spread_share)
        mu = dist.median + self._level_offset(soc, level, sigma_total)
        return LogDist.normal(mu, sigma), soc

    def place_differential(self, role: Role, place: CellPlace) -> tuple[float, str]:
        """Log pay differential of a place against the nation for this role, and its basis.

        Metro and state: the OEWS rule (`paybench.bench.oews`) for the role's occupations (a
        leadership role: its family's, so the family's ladder moves as one). Remote and other
        countries: from observations when enough exist (else 0 for remote)."""
        if place.scope == "national":
            return 0.0, "national"
        area = area_key(place)
        if area is not None:
            # a family's ladder moves as one between places: a leadership role takes the
            # differential of the individual-contributor role whose ladder it heads
            socs = get_role(role.family).soc_codes if role.family else role.soc_codes
            found = self.oews_.differential(socs, area)
            if found is None:
                raise InputError(f"OEWS has no wages for {place.label}", field="place")
            return found.log_value, found.basis(place.label)
        return self._observed_differential(place)

    def national_place_mix(self, role: Role, level: str) -> tuple[float, str]:
        """The log place differential the role x level national cell itself stands at, and
        what it is: a sub-national cell's prior is the national cell moved by the place's
        differential less this one. 0 for base pay, whose national cell stands on the OEWS
        national distribution; a derived view's (`paybench.bench.views.ViewModel`) is the
        place mix of its records."""
        return 0.0, ""

    def _observed_differential(self, place: CellPlace) -> tuple[float, str]:
        """Pooled across roles and levels: mean log pay in the scope minus the matching
        national cells, weighted by n, over cells with enough observations (once per scope,
        country and label; an InputError is kept too)."""
        memo = (place.scope, "US" if place.scope == "remote" else (place.country or ""), place.label)
        found = self._observed_diff_cache.get(memo)
        if found is None:
            try:
                found = self._pooled_differential(place)
            except InputError as exc:
                found = exc
            self._observed_diff_cache[memo] = found
        if isinstance(found, InputError):
            raise InputError(found.message, field=found.field)
        return found

    def _pooled_differential(self, place: CellPlace) -> tuple[float, str]:
        num = den = 0.0
        target_key = "US" if place.scope == "remote" else place.country
        least = self.params.min_obs_for_offset
        seen = 0
        for (role, level, scope, key), row in self._obs_index.items():
            if scope != place.scope or key != target_key:
                continue
            seen += int(row["n"])
            if row["n"] < least:
                continue
            base = self._obs_index.get((role, level, "national", "US"))
            if base is None or base["n"] < least:
                continue
            weight = 1 / (1 / row["n"] + 1 / base["n"])
            num += weight * (row["mean"] - base["mean"])
            den += weight
        if den == 0:
            if place.scope == "remote":
                return 0.0, "no remote observations: remote taken at the national level"
            if seen == 0:
                raise InputError(f"no observations for {place.label}: cannot benchmark it", field="place")
            raise InputError(
                f"{seen:,} observation{'' if seen == 1 else 's'} for {place.label}, but no role x level "
                f"with {least}+ there and in the US to measure its pay against the US: cannot "
                f"benchmark it", field="place")
        return num / den, f"observed {place.label} vs US, pooled over roles and levels"

    # ---------------------------------------------------------------- cells
    def national(self, role: Role, level: str) -> tuple[LogDist, int, float, str]:
        """The role x level national cell: (distribution, n, weight it stands for, basis).

        The weight is n plus the prior's k: a local cell that borrows this one as its
        parent weighs it by `local_k` instead."""
        found = self._national_cache.get((role.id, level))
        if found is None:
            found = self._national_cache[(role.id, level)] = self._national(role, level)
        return found

    def _national(self, role: Role, level: str) -> tuple[LogDist, int, float, str]:
        prior = self._national_prior(role, level)
        obs = self._obs_index.get((role.id, level, "national", "US"))
        if prior is None and obs is None:
            raise self._no_prior(role, level)
        parts: list[tuple[LogDist, float]] = []
        n = int(obs["n"]) if obs is not None else 0
        basis = []
        if obs is not None:
            parts.append((LogDist({p: obs[f"q{p}"] for p in PERCENTILES}), float(n)))
            basis.append(f"{n} observations")
        if prior is not None:
            parts.append((prior[0], self.shrinkage_k_))
            basis.append(f"{prior[1]} (k={self.shrinkage_k_:.0f})")
        return blend(parts), n, sum(w for _, w in parts), "; ".join(basis)

    def published_for(self, role: str, level: str, place: CellPlace) -> list[dict[str, Any]]:
        """Published figures for exactly this cell."""
        rows = self._published_index.get((role, level), [])
        return [row for row in rows if published_place_matches(row, place)]

    def _raw(self, role: Role, level: str, place: CellPlace) -> _RawCell:
        """A cell before the ordered-levels fit: its observations, its prior (the fitted
        national cell, moved by the place differential, for a sub-national cell) and the
        published figures for it, blended in log pay."""
        cache_key_ = (role.id, level, place.scope, place.key)
        found = self._raw_cache.get(cache_key_)
        if found is not None:
            return found
        p = self.params
        nat_dist, n_nat, nat_weight, nat_basis = self.national(role, level)
        published_ok = place.scope == "national" and self.blends_published
        if place.scope == "national":
            diff, diff_basis = 0.0, "national"
            prior, n = nat_dist, n_nat
            parts: list[tuple[LogDist, float]] = [(nat_dist, nat_weight)]
        else:
            diff, diff_basis = self.place_differential(role, place)
            mix, mix_basis = self.national_place_mix(role, level)
            if mix:
                diff_basis = (f"{diff_basis}, less the national cell's own {mix_basis} "
                              f"({math.expm1(mix):+.1%}): {math.expm1(diff - mix):+.1%}")
                diff -= mix
            fitted = nat_dist.shift(math.log1p(self._national_ladder_shift(role, level)))
            prior = fitted.shift(diff)
            obs = self._obs_index.get((role.id, level, place.scope, place.key))
            n = int(obs["n"]) if obs is not None else 0
            parts = [(prior, p.local_k)]
            if obs is not None:
                parts.append((LogDist({q: obs[f"q{q}"] for q in PERCENTILES}), float(n)))
        pubs = self.published_for(role.id, level, place)
        if published_ok:
            pub_dists, pub_used, pub_unused = self._published_distributions(pubs, prior)
        else:  # a local figure is shown beside the cell, never blended into one level of it
            pub_dists, pub_used = [], []
            pub_unused = sorted(str(r.get("figure_id") or r["citation"]) for r in pubs)
        parts.extend((d, p.published_weight) for d in pub_dists)
        weight = sum(w for _, w in parts)
        raw = _RawCell(
            dist=blend(parts), n=n, n_parent=n_nat, weight=weight,
            data_weight=(n + p.published_weight * len(pub_dists)) / weight,
            diff=diff, diff_basis=diff_basis, nat_basis=nat_basis, blended=len(pub_dists),
            pub_used=pub_used, pub_unused=pub_unused)
        self._raw_cache[cache_key_] = raw
        return raw

    def _national_ladder_shift(self, role: Role, level: str) -> float:
        """The national cell's `ladder_shift` (as `cell` rounds it), computed once."""
        found = self._national_shift_cache.get((role.id, level))
        if found is None:
            found = self.cell(role.id, level, NATIONAL_PLACE).ladder_shift
            self._national_shift_cache[(role.id, level)] = found
        return found

    def ladder_fit(self, role: Role, place: CellPlace) -> LadderFit:
        """The ordered-levels fit of the role's family at a place (`paybench.bench.ladder`):
        every level of the family's roles, weighted by what each cell stands for. A cell is
        direct, free to break a ladder constraint with another direct cell and not held in
        the order of places, with `direct_min_n` observations besides H-1B filings
        (`filed_n`): 295 filings read as staff (prevailing-wage level IV) put software
        engineers' staff base P50 at $163,900 below senior's $174,500, both 'direct', on the
        fourth trial's store."""
        family = family_of(role)
        key = (family, place.scope, place.key)
        found = self._fit_cache.get(key)
        if found is not None:
            return found
        members = family_members(family)
        medians: dict[Node, float] = {}
        weights: dict[Node, float] = {}
        # direct without counting filings: may break the ladder and the order of places
        market: dict[Node, bool] = {}
        for member in members:
            for level in LEVELS:
                try:
                    raw = self._raw(member, level, place)
                except InputError:
                    continue  # a cell the data cannot price stands outside the fit
                medians[(member.id, level)] = raw.dist.median
                weights[(member.id, level)] = self.fit_weight(raw)
                market[(member.id, level)] = (raw.n - self.filed_n(member.id, level, place)
                                              >= self.params.direct_min_n)
        fit = fit_ladder(medians, weights, market, constraints(members),
                         self.params.ladder_min_step,
                         self.place_order_bounds(members, place, medians, market))
        self._fit_cache[key] = fit
        return fit

    def fit_weight(self, raw: _RawCell) -> float:
        """A cell's weight in the ordered-levels fit (`paybench.bench.ladder`): what it stands
        for in observations, its own n plus its prior's and published figures' weights."""
        return raw.weight

    def filed_n(self, role_id: str, level: str, place: CellPlace) -> int:
        """Of a cell's own observations, those of kind 'filed' (H-1B LCA filings): the wage an
        employer attests for a visa petition, at least the prevailing wage (20 CFR 655.731),
        filed by an employer mix of its own (outsourcers, big tech) and from filing years
        aged to the effective date; evidence of pay, but not a sample of what a place's
        workers earn, so it does not make a cell direct enough to break the order of places
        (`place_order_bounds`; docs/method.md, "Ordered places")."""
        return self.kinds_n(role_id, level, place, ("filed",))

    def kinds_n(self, role_id: str, level: str, place: CellPlace, kinds: tuple[str, ...]) -> int:
        """Of a cell's own observations, those of the given kinds (the evidence counts)."""
        return sum(int(row["n"]) for row in
                   self._evidence_index.get((role_id, level, place.scope, place.key), [])
                   if row["kind"] in kinds)

    # ---------------------------------------------------------------- ordered places
    def place_order_bounds(self, members: list[Role], place: CellPlace,
                           medians: dict[Node, float], direct: dict[Node, bool]) -> dict[Node, Bound]:
        """Ordered places (docs/method.md): at a metro or state where the family has local
        observations, each cell without direct data of its own (fewer than `direct_min_n`
        observations besides filings, `filed_n`; `direct` marks those that have them) is
        held within its place in the OEWS order of the scope's areas: at most halfway from the
        median it would have without local data (the family's clean template, `place_template`,
        moved by the place's differential) to the one it would have at the area with the next
        lower, or next higher, differential for the family's occupations. The halves of
        neighbouring areas meet, so every such cell keeps the order of the differentials
        whatever the data in the other areas; a cell with direct data is not held. None at
        other scopes and where the family has no local observations (its cells are then the
        template moved by the differential, already in order). Log annual USD."""
        if place.scope not in ("metro", "state") or not medians:
            return {}
        family = members[0]
        if not self._family_has_local_data(family.id, place):
            return {}
        own = area_key(place)
        d = self._raw(*self._any_node(members, medians), place).diff
        below = above = None
        for value, area in self._area_order(family, place.scope):
            if area == own:
                continue
            if value < d and (below is None or value > below):
                below = value
            elif value > d and (above is None or value < above):
                above = value
        template = self.place_template(family)
        words = "metros'" if place.scope == "metro" else "states'"
        shown = ", ".join(f"{math.expm1(v):+.2%}" for v in (below, above) if v is not None)
        why = (f"{place.scope} order: held within halfway to the neighbouring {words} OEWS "
               f"differentials ({shown}; here {math.expm1(d):+.2%})")
        out: dict[Node, Bound] = {}
        for node in medians:
            if direct.get(node) or node not in template:
                continue
            centre = template[node] + d
            low = -math.inf if below is None else centre + (below - d) / 2
            high = math.inf if above is None else centre + (above - d) / 2
            said = why
            allowed = self.local_median_interval(node[0], node[1], place)
            if allowed is not None and (allowed[1] < low or allowed[0] > high):
                low, high = min(low, allowed[1]), max(high, allowed[0])
                n = int(self._obs_index[(node[0], node[1], place.scope, place.key)]["n"])
                said = (f"{why}, as far as its {n} local observations allow (the "
                        f"{self.params.order_relief_level:.0%} interval of their median, "
                        f"${math.exp(allowed[0]):,.0f}-${math.exp(allowed[1]):,.0f})")
            out[node] = Bound(low, high, said)
        return out

    def local_median_interval(self, role_id: str, level: str,
                              place: CellPlace) -> tuple[float, float] | None:
        """The distribution-free interval (log annual USD, low <= high) of the median of a
        metro or state cell's own observations, when they may limit the order of places
        (`place_order_bounds`): at least `order_relief_min_n` of them, every one pay received
        (kinds paid or submitted: a survey answer, a total-compensation record); none a filing
        (at least the prevailing wage, `filed_n`) or a posting (an advertised range, with a
        posted-pay premium of its own, `paybench.insights`), which stand at an offset of
        source and do not limit the order (twelve postings at $420k+ in Denver do not lift
        its cell above Seattle's, tests/test_check.py). The
        interval's ends are the order statistics of ranks n/2 -/+ z*sqrt(n)/2 (z of
        `order_relief_level`; Conover, Practical Nonparametric Statistics, 3rd ed., 3.2),
        read as the quantiles (1/2 -/+ z/(2 sqrt n)) of the observations by interpolating their
        P10-P90 (clipped there). None otherwise. A held cell's median may then leave its
        place in the order only to reach this interval: eight Levels.fyi records of $92k-$173k
        put Chicago's senior ML engineers' base P50 at $200,700 when held (the third trial)."""
        obs = self._obs_index.get((role_id, level, place.scope, place.key))
        if obs is None or place.scope not in ("metro", "state"):
            return None
        n = int(obs["n"])
        if n < self.params.order_relief_min_n or self.kinds_n(role_id, level, place,
                                                               ("filed", "posted")):
            return None
        z = NormalDist().inv_cdf(0.5 + self.params.order_relief_level / 2)
        half = z / (2 * math.sqrt(n))
        levels = [p / 100 for p in PERCENTILES]
        values = [float(obs[f"q{p}"]) for p in PERCENTILES]
        lo, hi = (float(np.interp(min(max(q, levels[0]), levels[-1]), levels, values))
                  for q in (0.5 - half, 0.5 + half))
        return lo, hi

    def _any_node(self, members: list[Role], medians: dict[Node, float]) -> tuple[Role, str]:
        """One (role, level) of the family that has a cell (the family shares a differential)."""
        role_id, level = next(iter(medians))
        return next(r for r in members if r.id == role_id), level

    def _family_has_local_data(self, family: str, place: CellPlace) -> bool:
        """Whether any role of the family has observations of its own at this metro or state."""
        if self._local_families is None:
            self._local_families = {
                (family_of(get_role(role)), scope, key)
                for (role, _level, scope, key) in self._obs_index if scope in ("metro", "state")}
        return (family, place.scope, place.key) in self._local_families

    def _area_order(self, family: Role, scope: str) -> list[tuple[float, str]]:
        """(log differential, area key) of every area of a scope (metros: CBSAs; states) for
        which OEWS gives the family's occupations a differential (`paybench.bench.oews`)."""
        memo = (family.soc_codes, scope)
        found = self._area_order_cache.get(memo)
        if found is None:
            found = []
            for area in self.oews_.area_keys(scope):
                diff = self.oews_.differential(family.soc_codes, area)
                if diff is not None:
                    found.append((diff.log_value, area))
            self._area_order_cache[memo] = found
        return found

    def place_template(self, family: Role) -> dict[Node, float]:
        """The log medians of the family's cells at a place of differential 0 without local
        data: each cell's prior there (`_place_anchor`) after the ordered-levels fit. A metro or
        state cell without local data in its family is this plus the place's differential."""
        found = self._template_cache.get(family.id)
        if found is None:
            members = family_members(family.id)
            anchors: dict[Node, float] = {}
            for member in members:
                for level in LEVELS:
                    try:
                        anchors[(member.id, level)] = self._place_anchor(member, level)
                    except InputError:
                        continue
            # every cell of a place without local data weighs the same (its prior's weight)
            fit = fit_ladder(anchors, {node: 1.0 for node in anchors}, {}, constraints(members),
                             self.params.ladder_min_step)
            found = {node: value + fit.shift[node] for node, value in anchors.items()}
            self._template_cache[family.id] = found
        return found

    def _place_anchor(self, role: Role, level: str) -> float:
        """The log median of a cell's prior at a place of differential 0 (`_raw`: the national
        cell moved by its ladder shift). InputError when the national cell cannot be priced."""
        return self.national(role, level)[0].median + math.log1p(self._national_ladder_shift(role, level))

    def cell(self, role_id: str, level: str, place: CellPlace) -> BenchmarkCell:
        """Compute one cell: its raw blend moved by the ordered-levels fit of its family at
        the place. InputError (with its field) for an unknown role or level, or a place the
        data cannot price."""
        cached = self._cell_cache.get((role_id, level, place.scope, place.key))
        if cached is not None and cached.place == place:
            return cached
        role = get_role(role_id)
        if level not in LEVELS:
            raise InputError(f"unknown level {level!r}; expected one of {', '.join(LEVELS)}",
                             field="level")
        cell = self._cell(role, level, place)
        self._cell_cache[(role_id, level, place.scope, place.key)] = cell
        return cell

    def fitted(self, role: Role, level: str, place: CellPlace) -> LogDist:
        """A cell's distribution after the ordered-levels fit, unrounded (log annual USD): what
        `cell` publishes, and what a derived view's cell takes as its prior. InputError as
        `cell`."""
        memo = (role.id, level, place.scope, place.key)
        found = self._fitted_cache.get(memo)
        if found is None:
            own = self._median_fitted(role, level, place)
            found = own
            if level in IC_LEVELS:
                chain: list[tuple[str, LogDist, float]] = []
                for step in IC_LEVELS:
                    try:
                        dist = own if step == level else self._median_fitted(role, step, place)
                        chain.append((step, dist, self._raw(role, step, place).weight))
                    except InputError:
                        continue  # a level the data cannot price stands outside the order
                # one fit for the whole chain: every level's result is kept, not refitted per level
                for rung, dist in ordered_percentiles(chain).items():
                    self._fitted_cache[(role.id, rung, place.scope, place.key)] = dist
                return self._fitted_cache[memo]
            self._fitted_cache[memo] = found
        return found

    def _median_fitted(self, role: Role, level: str, place: CellPlace) -> LogDist:
        """A cell's raw blend moved by its ordered-levels fit (step 4 of the module doc)."""
        raw = self._raw(role, level, place)
        return raw.dist.shift(self.ladder_fit(role, place).shift.get((role.id, level), 0.0))

    def _basis(self, raw: _RawCell, place: CellPlace) -> str:
        """The first part of a cell's `basis`: its prior and observations."""
        if place.scope == "national":
            return raw.nat_basis
        basis = f"national cell ({raw.nat_basis}) x {raw.diff_basis}"
        return basis + (f"; {raw.n} local observations" if raw.n else "")

    def _view_fields(self, role: Role, level: str, place: CellPlace) -> dict[str, Any]:
        """Fields of a derived view's cell (component, segment, components); none for base pay
        over every employer, whose cells keep their defaults."""
        return {}

    def _cell(self, role: Role, level: str, place: CellPlace) -> BenchmarkCell:
        p = self.params
        raw = self._raw(role, level, place)
        fit = self.ladder_fit(role, place)
        node = (role.id, level)
        shift = fit.shift.get(node, 0.0)
        dist = self.fitted(role, level, place)
        n, n_nat = raw.n, raw.n_parent
        method = "direct" if n >= p.direct_min_n else (
            "shrunk" if n > 0 or raw.blended else "modelled")
        unit = p.round_to_usd
        quant = {f"p{q}": int(round(math.exp(dist.q[q]) / unit) * unit) for q in PERCENTILES}
        ensure_monotone(quant)
        basis = self._basis(raw, place)
        if raw.blended:
            basis += f"; {len(raw.pub_used)} published figure(s) blended"
        notes: list[str] = []
        if abs(shift) > 1e-6:
            why = "; ".join(dict.fromkeys(fit.moved_by.get(node, [])))
            notes.append(f"ordered-levels fit moved the median {math.expm1(shift):+.1%}"
                         + (f" ({why})" if why else ""))
            basis += f"; ladder fit {math.expm1(shift):+.1%}"
        for rule in fit.kept_by_data:
            if node in (rule.low, rule.high):
                notes.append(f"{rule.why} is broken by direct data in both cells "
                             f"({rule.low[0]} {rule.low[1]}, {rule.high[0]} {rule.high[1]})")
        said = self.records_note(role.id, level, place, n)
        if said:
            notes.append(said)
        filed = self.filed_n(role.id, level, place)
        obs = self._obs_index.get((role.id, level, place.scope, place.key))
        if place.scope in ("metro", "state") and obs is not None:
            local = math.exp(float(obs["q50"]))
            if abs(shift) >= 0.10 or not quant["p25"] <= local <= quant["p75"]:
                of_them = f", {filed} of them H-1B filings," if filed else ""
                verb = "has" if n == 1 else "have"
                notes.append(f"its {counted(n, 'local observation')}{of_them} {verb} a median of "
                             f"${local:,.0f} (aged): the cell stands on its prior and the order "
                             "of levels and places as well, away from them")
        confidence = self.confidence(n, raw.data_weight, bool(raw.blended))
        if place.scope != "national" and confidence == "low" and n_nat >= p.direct_min_n \
                and self.parent_lends_confidence:
            confidence = "medium"  # a strong national cell moved by an OEWS differential
        return BenchmarkCell(
            role=role.id, role_name=role.name, level=level, place=place, **quant,
            n=n, n_parent=n_nat,
            sources=self._sources(role, level, place, raw.pub_used, raw.pub_unused),
            method=method, confidence=confidence, n_filed=filed,
            data_weight=round(raw.data_weight, 3),
            place_differential=None if place.scope == "national" else round(math.expm1(raw.diff), 4),
            published=raw.pub_used,
            effective_date=p.effective_date, annual_growth=p.annual_growth,
            **self._observed_years(role.id, level, place), basis=basis,
            ladder_shift=round(math.expm1(shift), 4), notes=notes,
            **self._view_fields(role, level, place),
        )

    def records_note(self, role_id: str, level: str, place: CellPlace, n: int) -> str | None:
        """For a cell of every employer with fewer than `direct_min_n` observations of its own
        (`n`), two thirds or more of them at employers of one segment: which segments they come
        from ("its 3 observations: 3 at consultancy employers ..."), since such a cell stands
        on its prior as much as on them and the prior is of every employer. The fourth trial
        read Chicago's senior ML engineers' total P50 of $203,300 against its 3 records of
        $97k-$111k as an error; all three were at consultancies (`--segment consultancy` is
        their segment's cell). None otherwise (a segment's own cell, or no such majority)."""
        if self.params.segment is not None or not 0 < n < self.params.direct_min_n:
            return None
        found = [(segment, count) for segment, count in
                 self.record_segments_.get((role_id, level, place.scope, place.key), [])
                 if segment != "unclassified"]  # names no kind of employer to explain by
        if not found or found[0][1] * 3 < n * 2:
            return None
        shown = ", ".join(f"{count} at {segment}" for segment, count in found[:3])
        rest = sum(count for _segment, count in found[3:])
        shown += f", {rest} at others" if rest else ""
        return (f"its {counted(n, 'observation')}: {shown} employers; a cell of every employer "
                f"stands on its prior as much as on them (--segment {found[0][0]}: that "
                "segment's cell)")

    def _observed_years(self, role_id: str, level: str, place: CellPlace) -> dict[str, int | None]:
        """`first_year` and `last_year` of the cell's own observations (None without any)."""
        obs = self._obs_index.get((role_id, level, place.scope, place.key))
        years: dict[str, int | None] = {"first_year": None, "last_year": None}
        if obs is not None:
            for name in years:
                value = obs.get(name)
                years[name] = None if value is None or pd.isna(value) else int(value)
        return years

    def confidence(self, n: int, data_weight: float, published: bool) -> str:
        """high, medium or low, from the cell's own n and data weight (`MethodParams`)."""
        p = self.params
        if n >= p.direct_min_n and data_weight >= p.high_confidence_min_data_weight:
            return "high"
        weighty = data_weight >= p.medium_confidence_min_data_weight and (
            n >= p.medium_confidence_min_n_weighted or published)
        if weighty or n >= p.medium_confidence_min_n or published:
            return "medium"
        return "low"

    def _published_distributions(
        self, pubs: list[dict[str, Any]], prior: LogDist
    ) -> tuple[list[LogDist], list[str], list[str]]:
        """Turn published figures into distributions: a median, mean or single value moves the
        prior's centre; a low-high range pair is read as P25-P75 and sets centre and spread.
        A lone range end ('over $220,000') is shown but not blended. Figures are aged from
        their publication date. Returns (distributions, ids blended, ids not blended)."""
        from paybench.bench.observations import age_log

        out: list[LogDist] = []
        used: list[str] = []
        groups: dict[str, dict[str, tuple[float, str]]] = {}
        for row in pubs:
            stat, fid = row["stat"], str(row.get("figure_id") or row["citation"])
            value = math.log(row["annual_usd"]) + age_log(as_date(row["published_on"]), self.params)
            if stat in ("median", "p50", "value", "mean"):
                out.append(prior.shift(value - prior.median))
                used.append(fid)
            elif stat in ("range_low", "range_high"):
                key = str(row.get("group_key") or fid)
                groups.setdefault(key, {})[stat] = (value, fid)
        unused: list[str] = []
        for pair in groups.values():
            low, high = pair.get("range_low"), pair.get("range_high")
            if low is not None and high is not None and high[0] > low[0]:
                mu = (low[0] + high[0]) / 2
                sigma = (high[0] - low[0]) / (Z[75] - Z[25])
                out.append(LogDist.normal(mu, sigma))
                used.extend([low[1], high[1]])
            else:
                unused.extend(v[1] for v in pair.values())
        return out, sorted(used), sorted(unused)

    def _sources(
        self, role: Role, level: str, place: CellPlace, used: list[str], unused: list[str]
    ) -> list[Evidence]:
        out: list[Evidence] = []
        scopes = [((role.id, level, place.scope, place.key), "in this cell")]
        if place.scope != "national":
            scopes.append(((role.id, level, "national", "US"), "national parent"))
        for key, where in scopes:
            for row in self._evidence_index.get(key, []):
                n = int(row["n"])
                if row["kind"] == "submitted" and n < self.params.submission_min:
                    # k-anonymity: fewer than the minimum submissions are neither counted nor shown
                    continue
                out.append(Evidence(source=row["source"], kind=row["kind"], n=n, detail=where))
        found = self.oews_distribution(role)
        if found is not None:
            out.append(Evidence(source="oews", kind="statistic", n=1,
                                detail=f"OEWS {self.oews_release} {found[1]} national"
                                + ("" if place.scope == "national" else " and place differential")))
        if used:
            out.append(Evidence(source="published", kind="published", n=len(used),
                                detail="blended: " + ", ".join(used)))
        if unused:
            out.append(Evidence(source="published", kind="published", n=0,
                                detail="shown beside the cell, not blended (a local figure or "
                                "one end of a range): " + ", ".join(unused)))
        return out


def as_date(value: Any) -> dt.date:
    """A date from a date, a datetime, a pandas Timestamp or ISO text."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    found: dt.date = pd.Timestamp(value).date()
    return found


def ensure_monotone(quant: dict[str, int]) -> None:
    """Raise any percentile below the one before it to that value, in place."""
    keys = [f"p{p}" for p in PERCENTILES]
    for a, b in itertools.pairwise(keys):
        if quant[b] < quant[a]:
            quant[b] = quant[a]


def benchmark(
    store: Store, role: str, level: str, place: str | Place = "US", *,
    params: MethodParams = PARAMS, model: BenchmarkModel | None = None,
) -> BenchmarkCell:
    """Compute one benchmark cell from a store (role id, level name, place text)."""
    model = model or BenchmarkModel.load(store, params)
    return model.cell(role, level, cell_place(place))
