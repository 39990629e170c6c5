"""Pay over time: a mix-adjusted index of pay by year, with a confidence interval, beside the
raw change of the median (docs/method.md, "Pay over time").

The index is the time-dummy (fixed-effects) index of the hedonic and scanner-data literature:
a weighted least-squares fit of

    log pay_i = a_cell(i) + b_year(i) + e_i

where a cell holds everything that is kept fixed (`MethodParams.trend_cell_columns`: the
level, the place down to metro and work mode, the source and the kind of figure), so a year
effect b_t compares pay within cells only and a shift of the mix of levels, places or
sources moves no year. The index of year t is 100 x exp(b_t - b_base), base = the first year
of its chain. Sources: Aizcorbe, Corrado and Doms (2003), "When do matched-model and hedonic
techniques yield similar measures?" (FRBSF WP 2003-14); de Haan and Krsinich (2014),
"Scanner data and the treatment of quality change in nonrevisable price indexes" (JBES
32(3)); Krsinich (2016), "The FEWS index: fixed effects with a window splice" (JOS 32(2)).
The fixed-cell idea is the BLS Employment Cost Index's, which holds its occupation x
industry mix fixed so that "shifts in employment among occupations and industries" do not
move it (BLS Handbook of Methods, "National Compensation Measures").

Two series, each from every dated source of its kind in the store:
- `observations`: the usable observations of the role (`paybench.bench.observations`: the one
  definition of which observations count; pay is NOT aged: the index measures the change
  aging assumes), dated by `observed_on` (the survey's work year, a filing's received date, a
  posting's date), weighted as stored; the interval is heteroskedasticity-robust (HC1: White's
  sandwich with the n / (n - k) correction, k counting the cell effects) with Student t
  critical values on n - k degrees of freedom.
- `oews`: the role's OEWS occupations (its SOC codes, and the May 2019/2020 hybrid codes that
  hold them, each its own cell) in the place's OEWS area, one median per release year, each
  occupation weighted by its mean employment over the years (fixed weights, as the ECI's);
  the variance of a log median is (`trend_median_rse_factor` x MEAN_PRSE / 100 x mean /
  median)^2, releases taken as independent samples (OEWS releases share panels, which makes
  the interval of a change conservative), normal critical values.

Years link through cells: a year enters a fit with `trend_min_year_n` observations
(`trend_min_year_occupations` occupations) in cells seen in another entering year; years
that no cell joins form separate chains, each with its own base year (they cannot be
compared). Money is annual US dollars, nominal.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

from paybench.bench.disclosure import publishable
from paybench.bench.observations import usable_frame
from paybench.bench.params import PARAMS, MethodParams
from paybench.bench.scopes import CellPlace, state_area_key
from paybench.errors import InputError
from paybench.normalize.roles import Role
from paybench.reference.oews import HYBRID_CODES
from paybench.store import Store
from paybench.wording import counted, plural

OBSERVATIONS = "observations"
"""The id of the series built from observations (`TrendSeries.id`)."""
OEWS = "oews"
"""The id of the series built from OEWS releases, and the source id of OEWS."""

COLUMNS: tuple[str, ...] = ("source", "kind", "role", "level", "country", "state", "metro", "work_mode",
            "observed_on", "annual_usd")
"""The columns of a usable observation the `observations` series reads (`usable_frame`)."""

# --------------------------------------------------------------------------- records
class TrendYear(BaseModel):
    """One year of a pay-over-time series. Money: annual US dollars, nominal."""

    year: int
    status: Literal["base", "indexed", "too_few", "unlinked"] = Field(
        description="base (index 100), indexed, too_few (fewer observations in linked cells than "
        "the minimum) or unlinked (no cell joins it to another year with enough data)")
    base_year: int | None = Field(description="the base year of this year's chain (index 100)")
    index: float | None = Field(description="mix-adjusted pay, base year = 100")
    index_low: float | None = Field(description="lower end of the index's interval")
    index_high: float | None = Field(description="upper end of the index's interval")
    n: int = Field(description="observations dated in the year (OEWS: occupations published)")
    n_linked: int = Field(description="of them, those in the fit: in cells seen in another "
                          "year of the chain (OEWS: occupations)")
    cells: int = Field(description="cells in the fit this year")
    by_source: dict[str, int] = Field(description="observations per source (OEWS: releases)")
    employment: float | None = Field(default=None, description="OEWS: jobs in the occupations")
    raw: float | None = Field(description="the raw statistic of the year (the series' "
                              "`raw_statistic`: the median of the observations)")
    change_since: int | None = Field(description="the year the changes are measured from: the "
                                     "previous year with enough observations")
    raw_change_pct: float | None = Field(description="change of the raw statistic since "
                                         "`change_since`, percent")
    index_change_pct: float | None = Field(description="change of the index since "
                                           "`change_since` (same chain only), percent")
    index_change_low: float | None = None
    index_change_high: float | None = None
    note: str | None = None


class TrendSeries(BaseModel):
    """A series of mix-adjusted pay by year from one kind of dated source."""

    id: str = Field(description="observations (survey, filings, postings, submissions) or oews")
    label: str
    method: str = Field(description="how the index is made, in one line")
    interval: str = Field(description="how its interval is made")
    confidence: float = Field(description="coverage of the intervals")
    raw_statistic: str = Field(description="what `raw` is")
    min_per_year: int = Field(description="observations (OEWS: occupations) a year needs in "
                              "linked cells to be indexed")
    cells: int = Field(description="cells in the fit (those seen in two or more years)")
    sources: dict[str, int] = Field(description="observations (OEWS: occupation-years) per source")
    years: list[TrendYear]
    notes: list[str] = Field(default_factory=list)


class PublishedChange(BaseModel):
    """A change of pay over time printed in a seed article, to set beside the index."""

    figure_id: str
    document: str
    date: dt.date
    quote: str
    level: str | None
    percent: float
    bound: str | None = Field(description="low or high end of a printed range, else None")


class TrendReport(BaseModel):
    """Pay over time for a role (x level x place): mix-adjusted indexes with intervals beside
    the raw change, per series, and the published changes for the role."""

    role: str
    role_name: str
    level: str | None = Field(description="None: every level, each held fixed")
    place: CellPlace | None = Field(description="None: every place, each held fixed")
    source: str | None = Field(description="the one source asked for, else None (all)")
    series: list[TrendSeries]
    published: list[PublishedChange] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


# --------------------------------------------------------------------------- the fit
@dataclass(frozen=True)
class YearEffects:
    """A time-dummy fit: year effects b (log; the base's is 0) and their covariance."""

    years: tuple[int, ...]
    """The years of the chain, the base first."""
    effects: np.ndarray
    """b_t per year of `years`, log points (b_base = 0)."""
    cov: np.ndarray
    """Covariance of `effects` (the base's row and column are 0); NaN when not estimable."""
    critical: float
    """The critical value of the interval (t or normal quantile)."""

    def interval(self, i: int, j: int = 0) -> tuple[float, float, float]:
        """(change, low, high) of b_years[i] - b_years[j], as ratios (exp)."""
        diff = float(self.effects[i] - self.effects[j])
        var = float(self.cov[i, i] + self.cov[j, j] - 2 * self.cov[i, j])
        half = self.critical * math.sqrt(var) if var >= 0 and math.isfinite(var) else math.nan
        return math.exp(diff), math.exp(diff - half), math.exp(diff + half)


def time_dummy_fit(log_pay: np.ndarray, weight: np.ndarray, cell: np.ndarray, year: np.ndarray,
                   *, variance: np.ndarray | None = None, confidence: float = 0.95) -> YearEffects:
    """Weighted least squares of `log_pay` on cell fixed effects and year dummies, solved
    within cells (Frisch-Waugh-Lovell: year dummies and log pay demeaned by each cell's
    weighted mean). Arrays of one row per observation: `cell` and `year` integer codes,
    `weight` > 0. The years must be connected through the cells (every cell of two or more
    years); the first year (smallest) is the base.

    Covariance: with `variance` (known variances of log pay, e.g. from published relative
    standard errors) the exact sandwich A^-1 X'W S W X A^-1 and normal critical values; else
    HC1 (residuals squared in S, times n / (n - k), k = cells + years - 1) and Student t on
    n - k degrees of freedom (NaN when n <= k). ValueError when the years are not connected.
    Critical values from `scipy.special` (`ndtri`, `stdtrit`: the functions `scipy.stats.norm`
    and `scipy.stats.t` compute their quantiles with, the same numbers, without importing
    `scipy.stats`, which takes about a second)."""
    from scipy.special import ndtri, stdtrit

    years = np.unique(year)
    cells, cell_code = np.unique(cell, return_inverse=True)
    year_code = np.searchsorted(years, year)
    n, n_years, n_cells = len(log_pay), len(years), len(cells)
    w = np.asarray(weight, dtype=float)
    y = np.asarray(log_pay, dtype=float)
    cell_w = np.bincount(cell_code, weights=w, minlength=n_cells)
    y_tilde = y - (np.bincount(cell_code, weights=w * y, minlength=n_cells) / cell_w)[cell_code]
    dummies = np.zeros((n, n_years - 1))
    for t in range(1, n_years):
        d = (year_code == t).astype(float)
        share = np.bincount(cell_code, weights=w * d, minlength=n_cells) / cell_w
        dummies[:, t - 1] = d - share[cell_code]
    bread = dummies.T @ (dummies * w[:, None])
    if n_years > 1 and np.linalg.matrix_rank(bread) < n_years - 1:
        raise ValueError("the years are not connected through the cells")
    inverse = np.linalg.inv(bread) if n_years > 1 else np.zeros((0, 0))
    beta = inverse @ (dummies.T @ (w * y_tilde))
    k = n_cells + n_years - 1
    if variance is not None:
        scale = w * w * np.asarray(variance, dtype=float)
        correction, critical = 1.0, float(ndtri(0.5 + confidence / 2))
    else:
        resid = y_tilde - dummies @ beta
        scale = (w * resid) ** 2
        dof = n - k
        correction = n / dof if dof > 0 else math.nan
        critical = float(stdtrit(dof, 0.5 + confidence / 2)) if dof > 0 else math.nan
    meat = dummies.T @ (dummies * scale[:, None])
    inner = inverse @ meat @ inverse * correction
    cov = np.zeros((n_years, n_years))
    cov[1:, 1:] = inner
    return YearEffects(tuple(int(v) for v in years), np.concatenate([[0.0], beta]), cov, critical)


def chains(frame: pd.DataFrame, min_per_year: int) -> tuple[list[list[int]], dict[int, int]]:
    """Which years can be indexed: ([years of each chain, ascending], linked rows per year).
    `frame`: columns `year` and `cell`, one row per observation. A year enters with
    `min_per_year` rows in cells seen in another entering year (iterated until no year drops
    out); chains are the sets of entering years that cells join (two or more years each).
    A year's linked rows are its rows in cells seen in another entering year."""
    counts = frame.groupby("year").size()
    keep = {int(y) for y, c in counts.items() if c >= min_per_year}
    while True:
        linked = _linked_counts(frame, keep)
        now = {y for y in keep if linked.get(y, 0) >= min_per_year}
        if now == keep:
            break
        keep = now
    parent = {y: y for y in keep}

    def root(y: int) -> int:
        while parent[y] != y:
            parent[y] = parent[parent[y]]
            y = parent[y]
        return y

    sub = frame[frame["year"].isin(list(keep))]
    for _, group in sub.groupby("cell")["year"]:
        found = sorted({int(v) for v in group})
        for other in found[1:]:
            parent[root(other)] = root(found[0])
    groups: dict[int, list[int]] = {}
    for y in sorted(keep):
        groups.setdefault(root(y), []).append(y)
    return [g for g in groups.values() if len(g) >= 2], _linked_counts(frame, keep)


def _linked_counts(frame: pd.DataFrame, keep: set[int]) -> dict[int, int]:
    """Rows per year (every year of `frame`) in cells seen in another year of `keep`."""
    in_keep = frame["year"].isin(list(keep))
    spans = frame[in_keep].groupby("cell")["year"].nunique()
    others = frame["cell"].map(spans).fillna(0).to_numpy() - in_keep.to_numpy()
    return {int(y): int(c) for y, c in frame[others >= 1].groupby("year").size().items()}


def weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    """The weighted median of `values`: linear interpolation between mid-rank cumulative
    weights ((cumulative weight - weight / 2) / total), the rule of the cells' quantiles
    (`paybench.bench.summary.cell_summary`); the plain median for equal weights."""
    order = np.lexsort((weights, values))
    v, w = np.asarray(values, dtype=float)[order], np.asarray(weights, dtype=float)[order]
    frac = (np.cumsum(w) - w / 2) / w.sum()
    return float(np.interp(0.5, frac, v))


# --------------------------------------------------------------------------- a series
def _series(rows: pd.DataFrame, *, id: str, label: str, method: str, interval: str,
            raw_statistic: str, raw_of: str, min_per_year: int, params: MethodParams,
            known_variance: bool, notes: list[str]) -> TrendSeries:
    """The series of `rows` (columns year, cell, log_pay, weight, variance, source, raw_value,
    raw_weight, employment): chains, one fit per chain, and each year's record. `raw_of`:
    'median' (weighted median of raw_value) or 'mean_log' (exp of the raw_weight-weighted mean
    of log raw_value)."""
    # a canonical order: every sum below runs in it, so the result does not depend on the rows'
    rows = rows.sort_values(["year", "cell", "log_pay", "weight", "source"], kind="stable")
    rows = rows.reset_index(drop=True)
    found, linked_n = chains(rows[["year", "cell"]], min_per_year)
    fits: dict[int, tuple[YearEffects, int]] = {}
    used_cells: set[str] = set()
    cells_per_year: dict[int, int] = {}
    for chain in found:
        part = rows[rows["year"].isin(chain)]
        spans = part.groupby("cell")["year"].nunique()
        part = part[part["cell"].isin(spans[spans >= 2].index)]
        used_cells.update(part["cell"].unique())
        for y, c in part.groupby("year")["cell"].nunique().items():
            cells_per_year[int(y)] = int(c)
        effects = time_dummy_fit(
            part["log_pay"].to_numpy(), part["weight"].to_numpy(), part["cell"].to_numpy(),
            part["year"].to_numpy(), variance=part["variance"].to_numpy() if known_variance else None,
            confidence=params.trend_confidence)
        for i, y in enumerate(effects.years):
            fits[y] = (effects, i)
    years: list[TrendYear] = []
    previous: int | None = None
    raw_by_year: dict[int, float] = {}
    unit = "occupation" if id == OEWS else "observation"
    counts = rows.groupby("year").size()
    single = int((counts >= min_per_year).sum()) == 1
    for year, group in rows.groupby("year"):
        y = int(year)
        if raw_of == "median":
            raw = weighted_median(group["raw_value"].to_numpy(), group["raw_weight"].to_numpy())
        else:
            w = group["raw_weight"].to_numpy()
            raw = float(np.exp(np.sum(w * np.log(group["raw_value"].to_numpy())) / w.sum()))
        raw_by_year[y] = raw
        n = len(group)
        enough = n >= min_per_year
        record = TrendYear(
            year=y, status="too_few", base_year=None, index=None, index_low=None, index_high=None,
            n=n, n_linked=linked_n.get(y, 0) if y in fits else 0, cells=cells_per_year.get(y, 0),
            by_source={str(k): int(v) for k, v in group.groupby("source").size().items()},
            employment=(float(group["employment"].sum()) if id == OEWS else None),
            raw=round(raw, 2), change_since=previous if enough else None,
            raw_change_pct=None, index_change_pct=None)
        if enough and previous is not None:
            record.raw_change_pct = round((raw / raw_by_year[previous] - 1) * 100, 2)
        if y in fits:
            effects, i = fits[y]
            record.base_year = effects.years[0]
            if i == 0:
                record.status, record.index, record.index_low, record.index_high = "base", 100.0, 100.0, 100.0
            else:
                ratio, low, high = effects.interval(i)
                record.status = "indexed"
                record.index = round(100 * ratio, 2)
                record.index_low = None if math.isnan(low) else round(100 * low, 2)
                record.index_high = None if math.isnan(high) else round(100 * high, 2)
            if previous is not None and previous in fits and fits[previous][0] is effects:
                ratio, low, high = effects.interval(i, fits[previous][1])
                record.index_change_pct = round((ratio - 1) * 100, 2)
                if not math.isnan(low):
                    record.index_change_low = round((low - 1) * 100, 2)
                    record.index_change_high = round((high - 1) * 100, 2)
        elif not enough:
            record.note = f"too few to index: {counted(n, unit)} (fewer than {min_per_year})"
        elif single:
            record.status = "unlinked"
            record.note = (f"the series' only year with {min_per_year} or more {plural(unit)}: no index"
                           if len(counts) > 1 else "the series' only year: no index")
        elif linked_n.get(y, 0) == 0:
            record.status = "unlinked"
            record.note = f"none of its {plural(unit)} is in a cell seen in another indexed year: no index"
        else:
            record.note = (f"too few to index: {linked_n.get(y, 0)} of its {counted(n, unit)} in cells "
                           f"seen in another indexed year (fewer than {min_per_year})")
        if enough:
            previous = y
        years.append(record)
    if len(found) > 1:
        notes.append("no cell joins " + " and ".join(f"{c[0]}-{c[-1]}" for c in found)
                     + ": separate chains, each with its own base year (not comparable)")
    sources = {str(k): int(v) for k, v in rows.groupby("source").size().items()}
    return TrendSeries(id=id, label=label, method=method, interval=interval,
                       confidence=params.trend_confidence, raw_statistic=raw_statistic,
                       min_per_year=min_per_year, cells=len(used_cells), sources=sources,
                       years=years, notes=notes)


def _cell_key(frame: pd.DataFrame, columns: Sequence[str]) -> pd.Series:
    """One text key per row from `columns` (missing values as '')."""
    parts = [frame[c].astype(object).where(frame[c].notna(), "").astype(str) for c in columns]
    key = parts[0]
    for part in parts[1:]:
        key = key + "\x1f" + part
    return key


def in_place(frame: pd.DataFrame, place: CellPlace) -> pd.Series:
    """Which observation rows (columns country, state, metro, work_mode) fall in `place`, as
    a cell's scopes take them (`paybench.bench.summary.scoped`)."""
    us = frame["country"].eq("US")
    if place.scope == "metro":
        return us & frame["metro"].eq(place.metro)
    if place.scope == "state":
        return us & frame["state"].eq(place.state)
    if place.scope == "remote":
        return us & frame["work_mode"].eq("remote")
    if place.scope == "country":
        return frame["country"].eq(place.country)
    return us


def observation_series(store: Store, role: Role, level: str | None, place: CellPlace | None,
                       source: str | None, params: MethodParams = PARAMS) -> TrendSeries | None:
    """The `observations` series of a role (optionally one level, place, source); None when
    no usable observation with a level is dated there. Pay is not aged."""
    frame = usable_frame(store, params, columns=COLUMNS, roles=[role.id])
    frame = frame[frame["level"].notna()]
    if level is not None:
        frame = frame[frame["level"].eq(level)]
    if place is not None:
        frame = frame[in_place(frame, place)]
    if source is not None:
        frame = frame[frame["source"].eq(source)]
    return series_of_observations(frame, params)


def series_of_observations(frame: pd.DataFrame, params: MethodParams = PARAMS) -> TrendSeries | None:
    """The `observations` series of usable observation rows (`usable_frame` columns:
    dedup_key, source, kind, role, level, country, state, metro, work_mode, observed_on,
    annual_usd, weight), already narrowed to the question; submissions only where they may be
    used (`paybench.bench.disclosure.publishable`). None for no rows. The result does not
    depend on the rows' order."""
    frame = frame[publishable(frame, params)] if not frame.empty else frame
    if frame.empty:
        return None
    rows = pd.DataFrame({
        "year": pd.to_datetime(frame["observed_on"]).dt.year.astype(int).to_numpy(),
        "cell": _cell_key(frame, params.trend_cell_columns).to_numpy(),
        "log_pay": np.log(frame["annual_usd"].to_numpy(dtype=float)),
        "weight": frame["weight"].to_numpy(dtype=float),
        "variance": np.nan, "source": frame["source"].astype(str).to_numpy(),
        "raw_value": frame["annual_usd"].to_numpy(dtype=float),
        "raw_weight": frame["weight"].to_numpy(dtype=float), "employment": np.nan})
    held = ", ".join(c.replace("_", " ") for c in params.trend_cell_columns)
    return _series(
        rows, id=OBSERVATIONS, label="observations (" + ", ".join(sorted(rows["source"].unique())) + ")",
        method=f"time-dummy index: weighted least squares of log pay on year dummies and cell "
               f"effects (cell = {held}); pay as observed, not aged",
        interval=f"{params.trend_confidence:.0%} interval from heteroskedasticity-robust (HC1) "
                 "standard errors, Student t",
        raw_statistic="median of the year's observations (every cell, unadjusted)",
        raw_of="median", min_per_year=params.trend_min_year_n, params=params,
        known_variance=False, notes=[])


def role_occupations(role: Role) -> tuple[str, ...]:
    """The OEWS codes of a role: its SOC codes and the May 2019/2020 hybrid codes that hold
    one of them (`paybench.reference.oews.HYBRID_CODES`), each a cell of its own."""
    hybrids = [code for code, parts in HYBRID_CODES.items() if set(parts) & set(role.soc_codes)]
    return (*role.soc_codes, *sorted(hybrids))


def oews_series(store: Store, role: Role, place: CellPlace | None,
                params: MethodParams = PARAMS) -> TrendSeries | None:
    """The `oews` series of a role in a place's OEWS area (the nation when `place` is None or
    national, a state, a metro); None when the place has no OEWS area (remote work, another
    country) or the store holds none of the role's occupations there."""
    scope = "national" if place is None else place.scope
    if scope == "national":
        where, args = "area_type = 'N'", list[str]()
    elif scope == "state" and place is not None:
        where, args = "area_type = 'S' AND 'S' || state_fips = ?", [state_area_key(place.state or "")]
    elif scope == "metro" and place is not None:
        where, args = "area_type = 'M' AND cbsa = ?", [place.metro or ""]
    else:
        return None
    codes = role_occupations(role)
    marks = ", ".join("?" for _ in codes)
    frame = store.query(
        f"""SELECT year(reference_date) AS year, release, soc_code, p50_annual, p90_annual,
                   mean_annual, wage_rse, employment, top_coded
            FROM oews WHERE industry_code = '000000' AND {where} AND soc_code IN ({marks})
            QUALIFY row_number() OVER (PARTITION BY year(reference_date), soc_code
                                       ORDER BY ingest_id DESC) = 1""",
        [*args, *codes])
    if frame.empty:
        return None
    notes: list[str] = []
    missing = frame["p50_annual"].isna()
    at_top = frame["top_coded"].eq(True) & (frame["p50_annual"] >= frame["p90_annual"])
    no_rse = frame["wage_rse"].isna() | frame["mean_annual"].isna()
    for mask, why in ((missing, "no median published"), (at_top, "median at the BLS top code"),
                      (no_rse & ~missing & ~at_top, "no relative standard error published")):
        for r in frame[mask].itertuples(index=False):
            notes.append(f"{r.soc_code} May {r.year} left out: {why}")
    frame = frame[~(missing | at_top | no_rse)]
    if frame.empty:
        return None
    present = sorted(frame["year"].unique())
    for code in role.soc_codes:
        absent = [int(y) for y in present if not ((frame["soc_code"] == code) & (frame["year"] == y)).any()]
        if absent and len(absent) < len(present):
            held = [h for h, parts in HYBRID_CODES.items() if code in parts
                    and (frame["soc_code"] == h).any()]
            notes.append(f"{code} not published in May {', '.join(map(str, absent))}"
                         + (f" (BLS published {', '.join(held)}, which combines it with other "
                            "occupations: its own cell)" if held else ""))
    employment = frame["employment"].fillna(1.0).astype(float)
    fixed = employment.groupby(frame["soc_code"]).transform("mean")
    p50 = frame["p50_annual"].astype(float)
    rse = params.trend_median_rse_factor * frame["wage_rse"].astype(float) / 100 * (
        frame["mean_annual"].astype(float) / p50)
    rows = pd.DataFrame({
        "year": frame["year"].astype(int).to_numpy(), "cell": frame["soc_code"].astype(str).to_numpy(),
        "log_pay": np.log(p50.to_numpy()), "weight": fixed.to_numpy(),
        "variance": (rse ** 2).to_numpy(), "source": ("OEWS " + frame["release"].astype(str)).to_numpy(),
        "raw_value": p50.to_numpy(), "raw_weight": employment.to_numpy(),
        "employment": employment.to_numpy()})
    area = "national" if scope == "national" else (place.label if place is not None else "")
    return _series(
        rows, id=OEWS, label=f"OEWS {area} medians (SOC {', '.join(sorted(rows['cell'].unique()))})",
        method="time-dummy index of the occupations' OEWS medians (cell = occupation code), "
               "each occupation weighted by its mean employment over the years (fixed weights)",
        interval=f"{params.trend_confidence:.0%} interval from OEWS's relative standard errors "
                 f"(MEAN_PRSE x {params.trend_median_rse_factor:.3f} x mean / median per median; "
                 "releases independent), normal",
        raw_statistic="employment-weighted geometric mean of the medians of the occupations "
                      "published that year (that year's employment: unadjusted)",
        raw_of="mean_log", min_per_year=params.trend_min_year_occupations, params=params,
        known_variance=True, notes=notes)


def published_changes(role: Role, level: str | None) -> list[PublishedChange]:
    """The seeds' changes of pay over time (statistic pct_change) for the role, at the level
    asked (a figure for every level matches any)."""
    from paybench.reference.published import load_figures

    found = []
    for fig in load_figures():
        if fig.statistic != "pct_change" or fig.role != role.id:
            continue
        if level is not None and fig.level is not None and fig.level != level:
            continue
        found.append(PublishedChange(
            figure_id=fig.id, document=fig.document.publisher or fig.document.title,
            date=fig.document.date, quote=fig.quote, level=fig.level, percent=fig.amount,
            bound=fig.bound))
    return found


def pay_trend(store: Store, role: Role, *, level: str | None = None, place: CellPlace | None = None,
              source: str | None = None, params: MethodParams = PARAMS) -> TrendReport:
    """Pay over time for a role (x level x place; `source`: one source id, 'oews' for the OEWS
    series): the `observations` and `oews` series (rules in the module doc) and the seeds'
    published changes. InputError (field 'source') for a source the store holds no dated pay
    from; InputError when the store holds no dated pay for the question, or one year only."""
    dated = sorted(str(s) for s in store.query(
        "SELECT DISTINCT source FROM observations WHERE component = 'base' AND annual_usd > 0"
    )["source"])
    has_oews = bool(store.scalar("SELECT count(*) > 0 FROM oews"))
    known = dated + ([OEWS] if has_oews else [])
    if source is not None:
        source = source.strip().lower()
        if source not in known:
            raise InputError(f"unknown source {source!r}: the store has dated pay from "
                             f"{', '.join(known) or 'no source'}", field="source")
    series: list[TrendSeries] = []
    if source != OEWS:
        found = observation_series(store, role, level, place, source, params)
        if found is not None:
            series.append(found)
    notes: list[str] = []
    if source is None or source == OEWS:
        found = oews_series(store, role, place, params)
        if found is not None:
            series.append(found)
            if level is not None:
                notes.append(f"OEWS publishes no levels: its series covers every level of the "
                             f"occupations, not {level} alone")
        elif place is not None and place.scope in ("remote", "country"):
            notes.append(f"OEWS has no area for {place.label}: no OEWS series")
    what = ", ".join(x for x in (role.name, level or "every level",
                                 place.label if place is not None else "every place",
                                 f"source {source}" if source else "") if x)
    if not series:
        raise InputError(f"the store has no dated pay for {what}: ingest a salary survey, H-1B "
                         "filings or OEWS workbooks of several years (paybench ingest FILE)")
    years = sorted({y.year for s in series for y in s.years})
    if len(years) < 2:
        more = ("ingest filings or a survey of other years; older OEWS workbooks would add a series "
                f"of every level, not {level} alone" if level is not None and source != OEWS
                else "ingest older OEWS workbooks, filings or a survey")
        raise InputError(f"the store has pay for {what} from {years[0]} only: a trend needs two "
                         f"or more years ({more})")
    return TrendReport(role=role.id, role_name=role.name, level=level, place=place, source=source,
                       series=series, published=published_changes(role, level), notes=notes)
