"""Benchmark cells: percentiles of annual base pay for role x level x place.

How a cell is computed (all in log pay, every figure aged to one effective date):

1. Observations (survey rows, filings, postings, submissions) are deduplicated, aged to
   the effective date at `annual_growth`, and summarized per cell with Ibis expressions
   (count, mean, spread, weighted quantiles P10-P90). The same expressions run on any Ibis
   backend: DuckDB here, Spark for corpora beyond one machine.
2. Each cell has a prior from its parent: role x level nationally, itself built from the
   role's OEWS occupation (national median) shifted by a level offset; a metro or state
   cell's prior is the national cell times the OEWS pay differential of that place.
3. The cell's quantiles are the weighted mean, in log pay, of the observed quantiles
   (weight n), the prior (weight k, the empirical-Bayes shrinkage constant estimated
   from the spread of cells around their priors) and published figures for the same cell
   (weight PUBLISHED_WEIGHT each).

Method: `direct` when the cell has at least DIRECT_MIN_N observations, `shrunk` when it has
fewer or published figures, `modelled` when it has neither and stands on its prior.
Money is annual US dollars.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import math
import os
import pickle
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from statistics import NormalDist
from typing import TYPE_CHECKING, Any

import pandas as pd
from pydantic import BaseModel, Field

from paybench.errors import InputError
from paybench.normalize.levels import LEVELS
from paybench.normalize.places import Place, normalize_place
from paybench.normalize.roles import Role, get_role, roles
from paybench.store import Store

if TYPE_CHECKING:
    import ibis.expr.types as ir

PERCENTILES: tuple[int, ...] = (10, 25, 50, 75, 90)
Z: dict[int, float] = {p: NormalDist().inv_cdf(p / 100) for p in PERCENTILES}

DEFAULT_EFFECTIVE_DATE = dt.date(2026, 1, 1)
DEFAULT_ANNUAL_GROWTH = 0.03
"""Figures are aged to the effective date at 3% a year unless told otherwise."""

DIRECT_MIN_N = 30
"""A cell with at least this many observations is computed directly (shrinkage is slight)."""

PUBLISHED_WEIGHT = 10.0
"""A published figure counts like this many observations when blended into its cell."""

DEFAULT_SHRINKAGE_K = 10.0
"""Prior weight (in observations) when the data cannot estimate it."""

WITHIN_LEVEL_SPREAD_SHARE = 0.75
"""Without observations, a level's log-pay spread is taken as this share of the OEWS
occupation's spread (the occupation spans all levels; one level is narrower)."""

LEVEL_ANCHOR_Z: dict[str, float] = {
    "entry": Z[25], "mid": 0.0, "senior": Z[75], "staff": Z[90],
    "principal": NormalDist().inv_cdf(0.95), "manager": NormalDist().inv_cdf(0.80),
    "director": NormalDist().inv_cdf(0.93), "executive": NormalDist().inv_cdf(0.97),
}
"""Without observations, a level's median sits at this z-score of the role's OEWS
occupation distribution: entry at its P25, mid at P50, senior at P75, staff at P90,
principal at P95; managers at P80, directors at P93, executives at P97."""

MIN_OBS_FOR_OFFSET = 20
"""Cells need this many observations to inform level offsets, spreads and differentials."""

KINDS_USED = ("paid", "filed", "posted", "submitted")
SUBMISSION_MIN = 5
"""Submissions count in a cell only when the cell has at least this many (k-anonymity)."""

DIFFERENTIAL_EMPLOYMENT_K = 2000.0
"""A place differential from the role's own occupations is trusted in proportion to their
local employment E as E / (E + this); the rest comes from the occupation group's."""

FALLBACK_SOCS = ("15-1200", "15-0000", "00-0000")
"""Occupation groups used for a place differential when the role's own occupations are
thin or absent there: computer occupations (national only in OEWS), computer and
mathematical occupations, then all occupations."""



class Evidence(BaseModel):
    """What one source contributed to a cell."""

    source: str
    kind: str
    n: int = Field(description="observations or figures from this source")
    detail: str | None = None


class CellPlace(BaseModel):
    """The place a cell covers."""

    scope: str = Field(description="national, metro, state, remote or country")
    country: str
    state: str | None = None
    metro: str | None = None
    metro_name: str | None = None
    label: str

    @property
    def key(self) -> str:
        """The place code used to index cells: 'US', a CBSA, a state or a country."""
        if self.scope == "metro":
            return self.metro or ""
        if self.scope == "state":
            return self.state or ""
        if self.scope == "country":
            return self.country
        return "US"


class BenchmarkCell(BaseModel):
    """Percentiles of annual base pay (US dollars) for one role x level x place."""

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
    n_parent: int = Field(description="observations in the parent (role x level, national)")
    sources: list[Evidence]
    method: str = Field(description="direct, shrunk or modelled")
    confidence: str = Field(description="high, medium or low")
    data_weight: float = Field(description="share of the cell's weight that is data, 0-1")
    place_differential: float | None = Field(
        default=None, description="place pay / national pay - 1, from OEWS or the data")
    published: list[str] = Field(default_factory=list, description="ids of published figures")
    effective_date: dt.date
    annual_growth: float
    basis: str = Field(description="one sentence on how the cell was built")

    def quantiles(self) -> dict[str, int]:
        """The five percentiles as a dict."""
        return {f"p{p}": getattr(self, f"p{p}") for p in PERCENTILES}


# --------------------------------------------------------------------------- Ibis part
def _aged_observations(
    backend: Any, effective: dt.date, growth: float
) -> ir.Table:
    """Deduplicated, full-time base-pay observations with aged log pay (`log_pay`)."""
    import ibis  # here, not at the top: a `paybench bench` call that reads a cached model
    # never builds these expressions, and importing Ibis costs it a quarter of a second
    t = backend.table("observations")
    t = t.filter(
        t.kind.isin(KINDS_USED),
        t.component == "base",
        t.role.notnull(),
        t.level.notnull(),
        t.annual_usd > 0,
        t.employment_type.isnull() | (t.employment_type == "full_time"),
    )
    t = t.group_by("dedup_key").aggregate(
        source=t.source.arbitrary(), kind=t.kind.arbitrary(), role=t.role.arbitrary(),
        level=t.level.arbitrary(), country=t.country.arbitrary(), state=t.state.arbitrary(),
        metro=t.metro.arbitrary(), work_mode=t.work_mode.arbitrary(),
        observed_on=t.observed_on.arbitrary(), annual_usd=t.annual_usd.arbitrary(),
        weight=t.weight.max(),
    )
    years = ibis.literal(effective).delta(t.observed_on, unit="day") / 365.25
    return t.mutate(log_pay=t.annual_usd.ln() + years * math.log1p(growth))


def _cell_summary(t: ir.Table, keys: Sequence[str]) -> ir.Table:
    """n, weight, mean and sd of log pay, and interpolated weighted quantiles per group.

    k-anonymity: a group's submissions count only when it has at least SUBMISSION_MIN of
    them; otherwise they are left out of the group (other observations stay)."""
    import ibis

    whole = ibis.window(group_by=list(keys))
    is_sub = (t.kind == "submitted").cast("int64")
    t = t.mutate(n_sub_group=is_sub.sum().over(whole))
    t = t.filter((t.kind != "submitted") | (t.n_sub_group >= SUBMISSION_MIN))
    order = ibis.window(group_by=list(keys), order_by=t.log_pay)
    t = t.mutate(cw=t.weight.cumsum().over(order), tw=t.weight.sum().over(whole))
    t = t.mutate(frac=(t.cw - 0.5 * t.weight) / t.tw)
    aggs: dict[str, Any] = {
        "n": t.count(),
        "w": t.weight.sum(),
        "mean": t.log_pay.mean(),
        "sd": t.log_pay.std(),
        "n_submitted": (t.kind == "submitted").cast("int64").sum(),
    }
    for p in PERCENTILES:
        q = p / 100
        aggs[f"lo{p}"] = t.log_pay.max(where=t.frac <= q)
        aggs[f"flo{p}"] = t.frac.max(where=t.frac <= q)
        aggs[f"hi{p}"] = t.log_pay.min(where=t.frac >= q)
        aggs[f"fhi{p}"] = t.frac.min(where=t.frac >= q)
    s = t.group_by(list(keys)).aggregate(**aggs)
    out: dict[str, Any] = {}
    for p in PERCENTILES:
        q = p / 100
        lo, hi, flo, fhi = s[f"lo{p}"], s[f"hi{p}"], s[f"flo{p}"], s[f"fhi{p}"]
        span = fhi - flo
        interp = lo + (hi - lo) * ((q - flo) / ibis.ifelse(span > 0, span, 1.0))
        out[f"q{p}"] = ibis.cases((lo.isnull(), hi), (hi.isnull(), lo), else_=interp)
    return s.mutate(**out).drop(
        *[f"{x}{p}" for p in PERCENTILES for x in ("lo", "hi", "flo", "fhi")]
    )


def observed_cells(
    store: Store, effective: dt.date = DEFAULT_EFFECTIVE_DATE,
    growth: float = DEFAULT_ANNUAL_GROWTH,
) -> pd.DataFrame:
    """Summaries of observed log pay for every role x level x place scope.

    Columns: role, level, scope (national/metro/state/remote/country), key (the place
    code: 'US', a CBSA, a state, or a country), n, w, mean, sd, q10..q90 (log USD).
    """
    import ibis

    backend = ibis.duckdb.from_connection(store.con)
    t = _aged_observations(backend, effective, growth)
    us = t.filter(t.country == "US")
    parts = [
        _cell_summary(us.mutate(scope=ibis.literal("national"), key=ibis.literal("US")),
                      ["role", "level", "scope", "key"]),
        _cell_summary(us.filter(us.metro.notnull()).mutate(
            scope=ibis.literal("metro"), key=us.metro), ["role", "level", "scope", "key"]),
        _cell_summary(us.filter(us.state.notnull()).mutate(
            scope=ibis.literal("state"), key=us.state), ["role", "level", "scope", "key"]),
        _cell_summary(us.filter(us.work_mode == "remote").mutate(
            scope=ibis.literal("remote"), key=ibis.literal("US")),
            ["role", "level", "scope", "key"]),
        _cell_summary(t.filter(t.country.notnull()).mutate(
            scope=ibis.literal("country"), key=t.country), ["role", "level", "scope", "key"]),
    ]
    return ibis.union(*parts).execute()


def evidence_counts(
    store: Store, effective: dt.date = DEFAULT_EFFECTIVE_DATE,
    growth: float = DEFAULT_ANNUAL_GROWTH,
) -> pd.DataFrame:
    """Distinct observations per role x level x scope x key x source x kind."""
    import ibis

    backend = ibis.duckdb.from_connection(store.con)
    t = _aged_observations(backend, effective, growth)
    us = t.filter(t.country == "US")
    keys = ["role", "level", "scope", "key", "source", "kind"]
    parts = [
        us.mutate(scope=ibis.literal("national"), key=ibis.literal("US")),
        us.filter(us.metro.notnull()).mutate(scope=ibis.literal("metro"), key=us.metro),
        us.filter(us.state.notnull()).mutate(scope=ibis.literal("state"), key=us.state),
        us.filter(us.work_mode == "remote").mutate(
            scope=ibis.literal("remote"), key=ibis.literal("US")),
        t.filter(t.country.notnull()).mutate(scope=ibis.literal("country"), key=t.country),
    ]
    grouped = [p.group_by(keys).aggregate(n=p.count()) for p in parts]
    return ibis.union(*grouped).execute()


# --------------------------------------------------------------------------- model
@dataclass
class _Dist:
    """A log-pay distribution as five log quantiles."""

    q: dict[int, float]

    @classmethod
    def normal(cls, mu: float, sigma: float) -> _Dist:
        return cls({p: mu + Z[p] * sigma for p in PERCENTILES})

    @property
    def median(self) -> float:
        return self.q[50]

    def shift(self, delta: float) -> _Dist:
        return _Dist({p: v + delta for p, v in self.q.items()})


def _blend(parts: list[tuple[_Dist, float]]) -> _Dist:
    total = sum(w for _, w in parts)
    return _Dist({p: sum(d.q[p] * w for d, w in parts) / total for p in PERCENTILES})


@dataclass
class BenchmarkModel:
    """Everything needed to compute any cell, loaded once from a store."""

    effective: dt.date
    growth: float
    observed: pd.DataFrame
    evidence: pd.DataFrame
    oews: pd.DataFrame
    published: pd.DataFrame
    oews_release: str
    level_offsets: dict[str, float] = field(default_factory=dict)
    level_offsets_basis: str = "OEWS anchors"
    within_sd_share: float = WITHIN_LEVEL_SPREAD_SHARE
    within_sd: float | None = None
    shrinkage_k: float = DEFAULT_SHRINKAGE_K
    local_k: float = DEFAULT_SHRINKAGE_K
    _obs_index: dict[tuple[str, str, str, str], dict[str, Any]] = field(default_factory=dict)
    _oews_index: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    _evidence_index: dict[tuple[str, str, str, str], list[dict[str, Any]]] = field(
        default_factory=dict)
    _published_index: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)

    # ---------------------------------------------------------------- loading
    @classmethod
    def load(
        cls, store: Store, effective: dt.date = DEFAULT_EFFECTIVE_DATE,
        growth: float = DEFAULT_ANNUAL_GROWTH,
    ) -> BenchmarkModel:
        """The model of the store's observations, OEWS cells and published figures: read
        from the cache file beside the store when it was built from the same content, with
        the same code and settings (`cache_key`), else built (`build`) and cached."""
        path = cache_path(store)
        if path is None:
            return cls.build(store, effective, growth)
        key = cache_key(store, effective, growth)
        try:
            with path.open("rb") as handle:
                cached_key, model = pickle.load(handle)
            if cached_key == key and isinstance(model, cls):
                return model
        except Exception:  # absent, unreadable or from another version: rebuild
            pass
        model = cls.build(store, effective, growth)
        tmp = path.with_name(f"{path.name}.tmp{os.getpid()}")
        try:
            with tmp.open("wb") as handle:
                pickle.dump((key, model), handle, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(path)
        except OSError:  # a read-only folder: the model is still right, only not cached
            tmp.unlink(missing_ok=True)
        return model

    @classmethod
    def build(
        cls, store: Store, effective: dt.date = DEFAULT_EFFECTIVE_DATE,
        growth: float = DEFAULT_ANNUAL_GROWTH,
    ) -> BenchmarkModel:
        """Read the store's observations, OEWS cells and published figures."""
        if not 0 <= growth < 0.5:
            raise InputError(f"annual growth {growth} must be between 0 and 0.5")
        socs = sorted({soc for r in roles().values() for soc in r.soc_codes} | set(FALLBACK_SOCS))
        marks = ", ".join("?" for _ in socs)
        oews = store.query(
            f"""
            SELECT release, reference_date, area_type, area_code, cbsa, state_fips, soc_code,
                   employment, p10_annual, p25_annual, p50_annual, p75_annual, p90_annual,
                   location_quotient, top_coded
            FROM oews WHERE industry_code = '000000'
              AND release = (SELECT max(release) FROM oews)
              AND (area_type = 'N' OR soc_code IN ({marks}))
            """,
            socs,
        )
        if oews.empty:
            raise InputError("the store has no OEWS data; run `paybench ingest --defaults`")
        published = store.query(
            """
            SELECT * FROM statistics
            WHERE kind = 'published' AND role IS NOT NULL AND level IS NOT NULL
              AND component = 'base' AND period = 'year'
              AND coalesce(employment_type, 'full_time') = 'full_time'
            """
        )
        model = cls(
            effective=effective, growth=growth,
            observed=observed_cells(store, effective, growth),
            evidence=evidence_counts(store, effective, growth),
            oews=oews, published=published, oews_release=str(oews["release"].iloc[0]),
        )
        model._index()
        model._estimate_hyperparameters()
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
        for row in self.oews.to_dict("records"):
            if row["area_type"] == "N":
                key = "US"
            elif row["area_type"] == "S":
                key = f"S{row['state_fips']}"
            else:
                key = row["cbsa"] or row["area_code"]
            self._oews_index[(key, row["soc_code"])] = row

    # ---------------------------------------------------------------- OEWS lookups
    def oews_cell(self, area_key: str, soc: str) -> dict[str, Any] | None:
        """The OEWS row for an area key ('US', 'S06', a CBSA) and SOC code, if published."""
        row = self._oews_index.get((area_key, soc))
        if row is None or pd.isna(row.get("p50_annual")):
            return None
        return row

    def oews_reference_date(self) -> dt.date:
        """The OEWS reference date (May of the release year)."""
        return _as_date(self.oews["reference_date"].iloc[0])

    def _age_factor(self, on: dt.date) -> float:
        years = (self.effective - on).days / 365.25
        return years * math.log1p(self.growth)

    def oews_distribution(self, role: Role) -> tuple[_Dist, str] | None:
        """The role's occupation distribution nationally (aged), with the SOC used."""
        for soc in role.soc_codes:
            row = self.oews_cell("US", soc)
            if row is not None and all(
                not pd.isna(row[f"p{p}_annual"]) for p in PERCENTILES
            ):
                age = self._age_factor(self.oews_reference_date())
                return _Dist({p: math.log(row[f"p{p}_annual"]) + age for p in PERCENTILES}), soc
        return None

    def place_differential(self, role: Role, place: CellPlace) -> tuple[float, str]:
        """Log pay differential of a place against the nation for this role, and its basis.

        Metro and state: OEWS median of the role's occupation there over the national
        median; when the occupation is not published there, the same ratio for all
        computer occupations (15-1200), then for all occupations (00-0000). Remote and
        other countries: from observations when enough exist (else 0 for remote)."""
        if place.scope == "national":
            return 0.0, "national"
        if place.scope in ("metro", "state"):
            key = place.metro if place.scope == "metro" else _state_key(place.state)
            assert key is not None
            group = None
            for soc in FALLBACK_SOCS:
                local, nat = self.oews_cell(key, soc), self.oews_cell("US", soc)
                if local is not None and nat is not None:
                    group = (math.log(local["p50_annual"] / nat["p50_annual"]), soc)
                    break
            num = emp_total = 0.0
            used = []
            for soc in role.soc_codes:
                local, nat = self.oews_cell(key, soc), self.oews_cell("US", soc)
                if local is None or nat is None:
                    continue
                emp = float(local["employment"]) if not pd.isna(local["employment"]) else 1.0
                num += emp * math.log(local["p50_annual"] / nat["p50_annual"])
                emp_total += emp
                used.append(soc)
            if not used and group is None:
                raise InputError(f"OEWS has no wages for {place.label}")
            if not used:
                assert group is not None
                return group[0], f"OEWS {group[1]} median {place.label} / national"
            own = num / emp_total
            if group is None:
                return own, f"OEWS {'+'.join(used)} median {place.label} / national"
            weight = emp_total / (emp_total + DIFFERENTIAL_EMPLOYMENT_K)
            blended = weight * own + (1 - weight) * group[0]
            return blended, (
                f"OEWS {'+'.join(used)} median {place.label} / national "
                f"(employment {emp_total:,.0f}, weight {weight:.2f}; rest {group[1]})"
            )
        return self._observed_differential(place)

    def _observed_differential(self, place: CellPlace) -> tuple[float, str]:
        """Pooled across roles and levels: mean log pay in the scope minus the matching
        national cells, weighted by n, over cells with enough observations."""
        num = den = 0.0
        target_key = "US" if place.scope == "remote" else place.country
        for (role, level, scope, key), row in self._obs_index.items():
            if scope != place.scope or key != target_key or row["n"] < MIN_OBS_FOR_OFFSET:
                continue
            base = self._obs_index.get((role, level, "national", "US"))
            if base is None or base["n"] < MIN_OBS_FOR_OFFSET:
                continue
            weight = 1 / (1 / row["n"] + 1 / base["n"])
            num += weight * (row["mean"] - base["mean"])
            den += weight
        if den == 0:
            if place.scope == "remote":
                return 0.0, "no remote observations: remote taken at the national level"
            raise InputError(f"no observations for {place.label}: cannot benchmark it")
        return num / den, f"observed {place.label} vs US, pooled over roles and levels"

    # ---------------------------------------------------------------- hyperparameters
    def _estimate_hyperparameters(self) -> None:
        """Level offsets, within-cell spread and shrinkage k from national US cells."""
        obs = self.observed
        nat = obs[(obs["scope"] == "national") & (obs["n"] >= MIN_OBS_FOR_OFFSET)]
        self.level_offsets = {}
        if not nat.empty:
            sd = (nat["sd"] ** 2 * (nat["n"] - 1)).sum() / max((nat["n"] - 1).sum(), 1)
            self.within_sd = math.sqrt(sd)
            mids = nat[nat["level"] == "mid"].set_index("role")["mean"]
            for level in LEVELS:
                rows = nat[(nat["level"] == level) & nat["role"].isin(mids.index)]
                if len(rows) == 0:
                    continue
                diffs = rows["mean"].to_numpy() - mids.loc[rows["role"]].to_numpy()
                weights = rows["n"].to_numpy()
                self.level_offsets[level] = float((diffs * weights).sum() / weights.sum())
            if self.level_offsets:
                self.level_offsets_basis = "observed level gaps (pooled over roles), OEWS anchors elsewhere"
            self.shrinkage_k = self._shrinkage_from(nat)

    def _shrinkage_from(self, nat: pd.DataFrame) -> float:
        """Empirical Bayes: k = within-cell variance / between-cell variance of cell means
        around their OEWS-based priors (method of moments), clipped to [2, 100]."""
        resid, sampling = [], []
        for row in nat.to_dict("records"):
            try:
                role = get_role(row["role"])
            except InputError:
                continue
            prior = self._oews_prior(role, row["level"])
            if prior is None:
                continue
            resid.append(row["mean"] - prior[0].median)
            sampling.append((row["sd"] or 0.0) ** 2 / row["n"])
        if len(resid) < 3 or self.within_sd is None:
            return DEFAULT_SHRINKAGE_K
        mean_r = sum(resid) / len(resid)
        tau2 = sum((r - mean_r) ** 2 for r in resid) / (len(resid) - 1) - sum(sampling) / len(sampling)
        if tau2 <= 0:
            return 100.0
        return float(min(100.0, max(2.0, self.within_sd**2 / tau2)))

    # ---------------------------------------------------------------- priors
    def _level_offset(self, role: Role, level: str, sigma_total: float) -> float:
        natural = natural_level(role)
        if level in self.level_offsets and natural == "mid":
            return self.level_offsets[level]
        return (LEVEL_ANCHOR_Z[level] - LEVEL_ANCHOR_Z[natural]) * sigma_total

    def _oews_prior(self, role: Role, level: str) -> tuple[_Dist, str] | None:
        found = self.oews_distribution(role)
        if found is None:
            return None
        dist, soc = found
        sigma_total = (dist.q[90] - dist.q[10]) / (Z[90] - Z[10])
        sigma = self.within_sd if self.within_sd is not None else sigma_total * self.within_sd_share
        mu = dist.median + self._level_offset(role, level, sigma_total)
        return _Dist.normal(mu, sigma), soc

    # ---------------------------------------------------------------- cells
    def national(self, role: Role, level: str) -> tuple[_Dist, int, float, str]:
        """The role x level national cell: (distribution, n, weight it stands for, basis).

        The weight is n plus the prior's k: a local cell that borrows this one as its
        parent weighs it by its own k instead."""
        prior = self._oews_prior(role, level)
        obs = self._obs_index.get((role.id, level, "national", "US"))
        if prior is None and obs is None:
            raise InputError(f"no OEWS occupation and no observations for role {role.id}")
        parts: list[tuple[_Dist, float]] = []
        n = int(obs["n"]) if obs is not None else 0
        basis = []
        if obs is not None:
            parts.append((_Dist({p: obs[f"q{p}"] for p in PERCENTILES}), float(n)))
            basis.append(f"{n} observations")
        if prior is not None:
            parts.append((prior[0], self.shrinkage_k))
            basis.append(f"OEWS {prior[1]} prior (k={self.shrinkage_k:.0f})")
        return _blend(parts), n, sum(w for _, w in parts), "; ".join(basis)

    def published_for(self, role: str, level: str, place: CellPlace) -> list[dict[str, Any]]:
        """Published figures for exactly this cell."""
        rows = self._published_index.get((role, level), [])
        return [row for row in rows if _published_place_matches(row, place)]

    def cell(self, role_id: str, level: str, place: CellPlace) -> BenchmarkCell:
        """Compute one cell."""
        role = get_role(role_id)
        if level not in LEVELS:
            raise InputError(f"unknown level {level!r}; expected one of {', '.join(LEVELS)}")
        nat_dist, n_nat, nat_weight, nat_basis = self.national(role, level)
        if place.scope == "national":
            diff, diff_basis = 0.0, "national"
            prior, n = nat_dist, n_nat
            parts: list[tuple[_Dist, float]] = [(nat_dist, nat_weight)]
        else:
            diff, diff_basis = self.place_differential(role, place)
            prior = nat_dist.shift(diff)
            obs = self._obs_index.get((role.id, level, place.scope, place.key))
            n = int(obs["n"]) if obs is not None else 0
            parts = [(prior, self.local_k)]
            if obs is not None:
                parts.append((_Dist({p: obs[f"q{p}"] for p in PERCENTILES}), float(n)))
        pubs = self.published_for(role.id, level, place)
        pub_dists, pub_used, pub_unused = _published_distributions(pubs, prior, self)
        parts.extend((d, PUBLISHED_WEIGHT) for d in pub_dists)
        dist = _blend(parts)
        data_w = (n + PUBLISHED_WEIGHT * len(pub_dists)) / sum(w for _, w in parts)
        method = "direct" if n >= DIRECT_MIN_N else (
            "shrunk" if n > 0 or pub_dists else "modelled")
        quant = {f"p{p}": int(round(math.exp(dist.q[p]) / 100.0) * 100) for p in PERCENTILES}
        _ensure_monotone(quant)
        if place.scope == "national":
            basis = nat_basis
        else:
            basis = f"national cell ({nat_basis}) x {diff_basis}"
            basis += f"; {n} local observations" if n else ""
        if pub_dists:
            basis += f"; {len(pub_used)} published figure(s) blended"
        confidence = _confidence(n, data_w, bool(pub_dists))
        if place.scope != "national" and confidence == "low" and n_nat >= DIRECT_MIN_N:
            confidence = "medium"  # a strong national cell moved by an OEWS differential
        return BenchmarkCell(
            role=role.id, role_name=role.name, level=level, place=place, **quant,
            n=n, n_parent=n_nat,
            sources=self._sources(role, level, place, pub_used, pub_unused),
            method=method, confidence=confidence,
            data_weight=round(data_w, 3),
            place_differential=None if place.scope == "national" else round(math.expm1(diff), 4),
            published=pub_used,
            effective_date=self.effective, annual_growth=self.growth, basis=basis,
        )

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
                if row["kind"] == "submitted" and n < SUBMISSION_MIN:
                    # k-anonymity: fewer than 5 submissions are neither counted nor shown
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
                                detail="shown, not blended (one end of a range): "
                                + ", ".join(unused)))
        return out


def natural_level(role: Role) -> str:
    """The level a role's OEWS occupation stands for: heads and directors, executives and
    people managers (computer and information systems managers) are their own levels;
    everyone else is priced as a mid-level individual contributor."""
    rid = role.id
    if rid.startswith(("director", "head-of")) or "director" in rid:
        return "director"
    if role.area == "Executive":
        return "executive"
    if role.primary_soc == "11-3021":
        return "manager"
    return "mid"


def _state_key(state: str | None) -> str:
    import us

    found = us.states.lookup(state or "")
    if found is None:
        raise InputError(f"unknown US state {state!r}")
    return f"S{found.fips}"


def _published_place_matches(row: dict[str, Any], place: CellPlace) -> bool:
    metro, work_mode = row.get("metro"), row.get("work_mode")
    country = row.get("country") or "US"
    if place.scope == "metro":
        return bool(metro) and metro == place.metro
    if place.scope == "remote":
        return work_mode == "remote" and not metro
    if place.scope == "state":
        return not metro and row.get("state") == place.state and work_mode != "remote"
    if place.scope == "country":
        return country == place.country and not metro and not row.get("state")
    return country == "US" and not metro and not row.get("state") and work_mode != "remote"


def _published_distributions(
    pubs: list[dict[str, Any]], prior: _Dist, model: BenchmarkModel
) -> tuple[list[_Dist], list[str], list[str]]:
    """Turn published figures into distributions: a median, mean or single value moves the
    prior's centre; a low-high range pair is read as P25-P75 and sets centre and spread.
    A lone range end ('over $220,000') is shown but not blended.
    Returns (distributions, ids blended, ids not blended)."""
    out: list[_Dist] = []
    used: list[str] = []
    groups: dict[str, dict[str, tuple[float, str]]] = {}
    for row in pubs:
        stat, fid = row["stat"], str(row.get("figure_id") or row["citation"])
        value = math.log(row["annual_usd"]) + model._age_factor(_as_date(row["published_on"]))
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
            out.append(_Dist.normal(mu, sigma))
            used.extend([low[1], high[1]])
        else:
            unused.extend(v[1] for v in pair.values())
    return out, sorted(used), sorted(unused)


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return pd.Timestamp(value).date()


def _confidence(n: int, data_weight: float, published: bool) -> str:
    if n >= DIRECT_MIN_N and data_weight >= 0.75:
        return "high"
    if data_weight >= 0.4 or (n >= 10) or published:
        return "medium"
    return "low"


def _ensure_monotone(quant: dict[str, int]) -> None:
    keys = [f"p{p}" for p in PERCENTILES]
    for a, b in itertools.pairwise(keys):
        if quant[b] < quant[a]:
            quant[b] = quant[a]


# --------------------------------------------------------------------------- places
def cell_place(place: Place | str) -> CellPlace:
    """The cell scope of a normalized place (or place text)."""
    if isinstance(place, str):
        text = place.strip()
        if text.lower() in ("us", "usa", "united states", "national", "nationwide"):
            return CellPlace(scope="national", country="US", label="United States")
        place = normalize_place(text)
    country = place.country or "US"
    if country == "US" and place.metro:
        return CellPlace(scope="metro", country="US", state=place.state, metro=place.metro,
                         metro_name=place.metro_name, label=place.metro_name or place.metro)
    if country == "US" and (place.remote or place.work_mode == "remote"):
        return CellPlace(scope="remote", country="US", label="Remote (US)")
    if country == "US" and place.state:
        return CellPlace(scope="state", country="US", state=place.state, label=place.state)
    if country == "US":
        return CellPlace(scope="national", country="US", label="United States")
    return CellPlace(scope="country", country=country, label=country)


def cache_path(store: Store) -> Path | None:
    """Where a store's benchmark model is cached: beside the store file (none in memory)."""
    if str(store.path) == ":memory:":
        return None
    return store.path.with_name(store.path.name + ".bench.pkl")


def cache_key(store: Store, effective: dt.date, growth: float) -> tuple[Any, ...]:
    """What a cached benchmark model must match: the store's ingests (every write of data goes
    through one) and its tables' row counts (so a write that bypassed them still shows), the
    code of this module and the role taxonomy, and the effective date and growth."""
    ingests = store.query("SELECT ingest_id, source, file_sha256, rows_kept FROM ingests ORDER BY ingest_id")
    counts = store.con.execute(
        "SELECT (SELECT count(*) FROM observations), (SELECT count(*) FROM statistics), "
        "(SELECT count(*) FROM oews)").fetchone()
    code = hashlib.sha256(Path(__file__).read_bytes() + resources.files("paybench.data").joinpath(
        "roles.json").read_bytes()).hexdigest()
    return (code, [tuple(r) for r in ingests.itertuples(index=False)], tuple(counts or ()),
            effective.isoformat(), float(growth))


def benchmark(
    store: Store, role: str, level: str, place: str | Place = "US", *,
    effective: dt.date = DEFAULT_EFFECTIVE_DATE, growth: float = DEFAULT_ANNUAL_GROWTH,
    model: BenchmarkModel | None = None,
) -> BenchmarkCell:
    """Compute one benchmark cell (the Python API behind `paybench bench`)."""
    model = model or BenchmarkModel.load(store, effective, growth)
    return model.cell(role, level, cell_place(place))
