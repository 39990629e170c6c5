"""BLS OEWS wages as the method reads them: one reader of the store's OEWS cells (the priors
of every role) and the one rule for a place's pay differential, used by benchmark cells and
the estimator alike.

Place differential (metro or state against the nation, for a role): the log of the OEWS
median of each of the role's occupations there over its national median, averaged over the
role's SOC codes weighted by local employment E, and trusted as E / (E + K)
(`MethodParams.differential_employment_k`); the rest comes from the first occupation group
of `MethodParams.fallback_socs` published in both places (computer occupations, computer and
mathematical occupations, all occupations). Source of the wages: BLS OEWS, cross-industry
estimates (industry 000000) of the store's latest release.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import pandas as pd

from paybench.bench.observations import age_log
from paybench.bench.params import PARAMS, PERCENTILES, MethodParams
from paybench.errors import InputError
from paybench.normalize.roles import roles
from paybench.store import Store

OewsCell = tuple[float, float, float, float, float, float]
"""(P10, P25, P50, P75, P90, employment) of one occupation in one area: annual USD, jobs."""


def reference_level(soc: str) -> str:
    """The level an OEWS occupation's median stands for, where a role's prior is anchored:
    chief executives (SOC 11-1011) are executives; other management occupations (11-xxxx,
    e.g. 11-3021 computer and information systems managers, 11-2021 marketing managers) are
    people managers, with directors and executives higher in the same distribution; every
    other occupation's median is a mid-level individual contributor. Source: the SOC 2018
    definitions (BLS), which put directors and managers of a function in one occupation."""
    if soc == "11-1011":
        return "executive"
    if soc.startswith("11-"):
        return "manager"
    return "mid"


@dataclass(frozen=True)
class Differential:
    """A place's log pay differential against the nation, and what it stands on."""

    log_value: float
    own_socs: tuple[str, ...]
    """The role's occupations published in the place (weighted by employment)."""
    employment: float
    """Their local employment (jobs)."""
    weight: float
    """E / (E + K): the share of the differential that is the role's own."""
    group_soc: str | None
    """The occupation group that completes it (None when there is none)."""

    def basis(self, label: str) -> str:
        """One line on how the differential was found, for a cell's basis."""
        if not self.own_socs:
            return f"OEWS {self.group_soc} median {label} / national"
        text = f"OEWS {'+'.join(self.own_socs)} median {label} / national"
        if self.group_soc is None:
            return text
        return f"{text} (employment {self.employment:,.0f}, weight {self.weight:.2f}; rest {self.group_soc})"


_CACHE: dict[tuple[object, ...], OewsPriors] = {}


@dataclass
class OewsPriors:
    """National and local OEWS wages of the taxonomy's occupations and the fallback groups."""

    cells: dict[tuple[str, str], OewsCell]
    """(area key: 'US', 'S' + state FIPS, or a CBSA; SOC) -> its cell (P50 published)."""
    release: str
    reference_date: dt.date
    params: MethodParams = PARAMS
    _diff_cache: dict[tuple[tuple[str, ...], str], Differential | None] = field(default_factory=dict)
    _areas_cache: set[str] | None = None

    @classmethod
    def load(cls, store: Store, params: MethodParams = PARAMS) -> OewsPriors:
        """The store's OEWS cells of the latest release, read once per store, OEWS content and
        parameters (an estimate must not re-read ~20,000 cells). InputError without OEWS."""
        version = store.scalar(
            "SELECT string_agg(file_sha256, ',' ORDER BY ingest_id) FROM ingests WHERE source = 'oews'")
        key = (str(store.path), str(version), params.key())
        cached = _CACHE.get(key)
        if cached is None:
            cached = cls.read(store, params)
            _CACHE.clear()
            _CACHE[key] = cached
        return cached

    @classmethod
    def read(cls, store: Store, params: MethodParams = PARAMS) -> OewsPriors:
        """Read the cells from the store (no cache)."""
        socs = sorted({s for r in roles().values() for s in r.soc_codes} | set(params.fallback_socs))
        marks = ", ".join("?" for _ in socs)
        frame = store.query(
            f"""SELECT release, reference_date, area_type, cbsa, area_code, state_fips, soc_code,
                       employment, p10_annual, p25_annual, p50_annual, p75_annual, p90_annual
                FROM oews WHERE industry_code = '000000'
                  AND release = (SELECT max(release) FROM oews) AND soc_code IN ({marks})""",
            socs)
        if frame.empty:
            raise InputError("the store has no OEWS data: load the embedded defaults first")
        cells: dict[tuple[str, str], OewsCell] = {}
        for row in frame.itertuples(index=False):
            if pd.isna(row.p50_annual):
                continue
            if row.area_type == "N":
                key = "US"
            elif row.area_type == "S":
                key = f"S{row.state_fips}"
            else:
                key = str(row.cbsa or row.area_code)
            emp = float(row.employment) if not pd.isna(row.employment) else 1.0
            cells[(key, str(row.soc_code))] = (
                float(row.p10_annual), float(row.p25_annual), float(row.p50_annual),
                float(row.p75_annual), float(row.p90_annual), emp)
        ref = pd.Timestamp(frame["reference_date"].iloc[0]).date()
        return cls(cells=cells, release=str(frame["release"].iloc[0]), reference_date=ref,
                   params=params)

    # ------------------------------------------------------------------ national
    def national(self, soc: str) -> tuple[float, float, float, float, float] | None:
        """National P10..P90 of an occupation (annual USD, not aged), if all are published."""
        cell = self.cells.get(("US", soc))
        if cell is None or any(math.isnan(v) for v in cell[:5]):
            return None
        return cell[0], cell[1], cell[2], cell[3], cell[4]

    def first_soc(self, socs: tuple[str, ...]) -> str | None:
        """The first of `socs` with full national wages (a role's occupation for its prior)."""
        return next((s for s in socs if self.national(s) is not None), None)

    def aged_log_quantiles(self, soc: str) -> dict[int, float] | None:
        """An occupation's national log P10..P90 aged to the effective date, if published."""
        found = self.national(soc)
        if found is None:
            return None
        age = age_log(self.reference_date, self.params)
        return {p: math.log(v) + age for p, v in zip(PERCENTILES, found, strict=True)}

    # ------------------------------------------------------------------ places
    def area_keys(self, scope: str) -> list[str]:
        """The keys of the areas of a scope OEWS publishes wages for: 'metro', the CBSAs
        (nonmetropolitan areas have none and are no metro cell's place); 'state', 'S' + FIPS."""
        areas = self._areas_cache or {area for area, _soc in self.cells}
        self._areas_cache = areas
        if scope == "state":
            return sorted(a for a in areas if a.startswith("S"))
        if scope == "metro":
            return sorted(a for a in areas if len(a) == 5 and a.isdigit())
        return []

    def differential(self, socs: tuple[str, ...], area_key: str) -> Differential | None:
        """The log pay differential of an area ('S' + FIPS or a CBSA) for occupations `socs`
        (a role's SOC codes, primary first; empty for a title with no role), by the rule in
        the module doc; None when OEWS publishes none of them nor any group there."""
        cache_key = (socs, area_key)
        if cache_key in self._diff_cache:
            return self._diff_cache[cache_key]
        group: tuple[float, str] | None = None
        for soc in self.params.fallback_socs:
            local, nat = self.cells.get((area_key, soc)), self.cells.get(("US", soc))
            if local is not None and nat is not None:
                group = (math.log(local[2] / nat[2]), soc)
                break
        num = emp_total = 0.0
        used: list[str] = []
        for soc in socs:
            local, nat = self.cells.get((area_key, soc)), self.cells.get(("US", soc))
            if local is None or nat is None:
                continue
            num += local[5] * math.log(local[2] / nat[2])
            emp_total += local[5]
            used.append(soc)
        found: Differential | None
        if not used or emp_total <= 0:
            found = None if group is None else Differential(group[0], (), 0.0, 0.0, group[1])
        else:
            own = num / emp_total
            if group is None:
                found = Differential(own, tuple(used), emp_total, 1.0, None)
            else:
                weight = emp_total / (emp_total + self.params.differential_employment_k)
                found = Differential(weight * own + (1 - weight) * group[0], tuple(used),
                                     emp_total, weight, group[1])
        self._diff_cache[cache_key] = found
        return found
