"""Guide tables: entry, mid and senior ranges for every role nationally, mid and senior
ranges in the largest tech metros and for remote work, and every level from entry to
executive for the ML roles; each row with n, method, confidence and sources.

Backward compatible: guide.csv / guide.json keep the first columns they always had
(role ... place_differential) and add more at the end."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from paybench.bench import NATIONAL, PARAMS, REMOTE, BenchmarkModel, CellPlace, MethodParams, natural_level
from paybench.bench.cache import cache_key, cache_path, read_cached, write_cached
from paybench.bench.engines import DUCKDB, CellEngine
from paybench.bench.scopes import metro_place
from paybench.errors import InputError
from paybench.normalize.levels import LEVELS
from paybench.normalize.roles import AREAS, ML_ROLE_IDS, Role, roles
from paybench.store import Store

GUIDE_LEVELS = ("mid", "senior")
"""Levels shown in metros and for remote work."""
NATIONAL_LEVELS = ("entry", "mid", "senior")
"""Levels shown nationally for every role (leadership roles: their own level)."""
LADDER_ROLES_EXTRA = ("software-engineer",)
"""Besides the ML roles, roles priced at every level nationally (pay by level)."""
TECH_SOC_GROUP = "15-0000"
"""Metros are ranked by OEWS employment in computer and mathematical occupations (the
finer group 15-1200 is published nationally only)."""


@dataclass
class GuideRow:
    """One cell of the guide (annual USD)."""

    role: str
    role_name: str
    area: str
    level: str
    scope: str
    place: str
    place_label: str
    p10: int
    p25: int
    p50: int
    p75: int
    p90: int
    n: int
    n_parent: int
    method: str
    confidence: str
    sources: str
    published: str
    place_differential: float | None
    # added with the report (issue 6); older readers ignore them
    data_weight: float = 0.0
    basis: str = ""
    tables: str = ""
    """Where the row is shown: ranges (national), city, ladder, extra (a figure needs it)."""

    @property
    def key(self) -> str:
        """The cell key used by the report's figures: 'role|level|place'."""
        return cell_key(self.role, self.level, self.place if self.scope != "remote" else "remote")


def cell_key(role: str, level: str, place: str) -> str:
    """'role|level|place' where place is 'US', a CBSA code, a state, a country or 'remote'."""
    return f"{role}|{level}|{place}"


def select_roles(spec: str | None) -> list[Role]:
    """The roles named by a --roles value: comma-separated areas ('Data & AI') and role
    ids ('software-engineer'), in taxonomy order; all roles when `spec` is empty."""
    table = roles()
    if not spec or not spec.strip():
        return list(table.values())
    wanted: set[str] = set()
    areas = {a.lower(): a for a in AREAS}
    for item in (part.strip() for part in spec.split(",")):
        if not item:
            continue
        if item.lower() in areas:
            wanted |= {r.id for r in table.values() if r.area == areas[item.lower()]}
        elif item.lower() in ("ml", "ai/ml", "machine-learning"):
            wanted |= set(ML_ROLE_IDS)
        elif item.lower() in table:
            wanted.add(item.lower())
        else:
            raise InputError(
                f"{item!r} is neither an area ({', '.join(AREAS)}) nor a role id", field="roles")
    return [r for r in table.values() if r.id in wanted]


ExtraKey = tuple[str, str, str, str, str]
"""A cell beyond the guide's tables: (role, level, place scope, place key, place label)."""


T = TypeVar("T")


@dataclass
class CachedCells:
    """What the cache beside the store keeps of a guide (`cells_cache_path`): the rows
    `build_guide` computed, as computed, the cells its report added (`GuideData.cell`) and
    what its sections computed from the store (`GuideData.computed`)."""

    rows: list[GuideRow]
    extra: dict[ExtraKey, GuideRow] = field(default_factory=dict)
    computed: dict[Hashable, Any] = field(default_factory=dict)


@dataclass
class IndexShown:
    """A change of pay over time as the guide prints it: the point and its interval (percent),
    audited by `paybench check` (the interval holds the point)."""

    name: str
    point: float
    low: float | None
    high: float | None


@dataclass
class EmployerShown:
    """An employer's (or a segment's, `employer` None) count of observations as the guide
    prints it, with what it counts: the roles pooled (None: every role) and the kinds of
    observation; audited by `paybench check` against the store's stored columns."""

    employer: str | None
    segment: str
    sector: str | None
    roles: tuple[str, ...] | None
    kinds: tuple[str, ...]
    n: int


@dataclass
class Ranking:
    """A list or chart the guide ranks cells in, as shown: each item's cell key, its own n,
    and whether the guide marks it as thin (audited by `paybench check`)."""

    name: str
    items: list[tuple[str, int, bool]] = field(default_factory=list)


@dataclass
class GuideData:
    """Everything the guide shows, computed from one store."""

    effective_date: dt.date
    annual_growth: float
    generated_at: str
    metros: list[dict[str, Any]]
    rows: list[GuideRow] = field(default_factory=list)
    store_sources: list[dict[str, Any]] = field(default_factory=list)
    parameters: dict[str, Any] = field(default_factory=dict)
    year: int = PARAMS.effective_date.year
    selected_roles: list[str] = field(default_factory=list)
    model: BenchmarkModel | None = field(default=None, repr=False, compare=False)
    rankings: list[Ranking] = field(default_factory=list, repr=False, compare=False)
    """The ranked lists and charts of the report, once built (`paybench.guide.report`)."""
    indexes: list[IndexShown] = field(default_factory=list, repr=False, compare=False)
    """The changes of pay over time the report prints with an interval (for `paybench check`)."""
    employer_counts: list[EmployerShown] = field(default_factory=list, repr=False, compare=False)
    """The employer and segment counts the report prints (for `paybench check`)."""
    _index: dict[str, GuideRow] = field(default_factory=dict, repr=False, compare=False)
    cells_cached: bool = field(default=False, repr=False, compare=False)
    """Whether the cells were read from the cache beside the store (`cells_cache_path`)."""
    _cache: tuple[Path, tuple[Any, ...]] | None = field(default=None, repr=False, compare=False)
    """Where the cells are cached, and under which key."""
    _extra_known: dict[ExtraKey, GuideRow] = field(default_factory=dict, repr=False, compare=False)
    """Cells beyond `build_guide`'s that a report of the same guide computed before (cached)."""
    _extra_new: dict[ExtraKey, GuideRow] = field(default_factory=dict, repr=False, compare=False)
    """Cells beyond `build_guide`'s computed in this run, as computed (for the cache)."""
    _computed_known: dict[Hashable, Any] = field(default_factory=dict, repr=False, compare=False)
    """What a report of the same guide computed before (`computed`; cached)."""
    _computed_new: dict[Hashable, Any] = field(default_factory=dict, repr=False, compare=False)
    """What the sections computed in this run (`computed`; for the cache)."""
    _used: set[Hashable] = field(default_factory=set, repr=False, compare=False)
    """The keys of cached extra cells and computed values this run read (`save_extra_cells`
    keeps only those)."""
    timings: dict[str, float] = field(default_factory=dict, repr=False, compare=False)
    """Seconds spent building the data, by step ('model': loading or building the benchmark
    model), for `paybench.guide.report.generate`'s stage times."""

    def ml_national(self) -> list[GuideRow]:
        """The ML roles' national rows, in taxonomy order, mid before senior."""
        return [r for r in self.rows if r.scope == "national" and r.role in ML_ROLE_IDS
                and r.level in ("mid", "senior", natural_level(roles()[r.role]))
                and "ranges" in r.tables]

    def find(self, role: str, level: str, place: str = "US") -> GuideRow | None:
        """The stored row for role x level x place ('US', a CBSA, 'remote'), if computed."""
        if not self._index or len(self._index) != len(self.rows):
            self._index = {r.key: r for r in self.rows}
        return self._index.get(cell_key(role, level, place))

    def cell(self, role: str, level: str, place: CellPlace | None = None,
             tables: str = "extra") -> GuideRow:
        """The row for role x level x place (national by default), computed and added to
        the guide's rows when not there yet (so every figure shown has its row)."""
        place = place or NATIONAL
        found = self.find(role, level, place.guide_key)
        if found is not None:
            if tables not in found.tables.split(","):
                found.tables = ",".join(filter(None, [found.tables, tables]))
            return found
        extra: ExtraKey = (role, level, place.scope, place.key, place.label)
        known = self._extra_known.get(extra)
        if known is not None:  # computed by an earlier report of this guide: the same row
            self._used.add(("extra", extra))
            row = replace(known, tables=tables)
        else:
            if self.model is None:
                raise InputError("the guide's benchmark model is not loaded")
            row = _row(self.model, role, level, place, tables)
            self._extra_new[extra] = replace(row)
        self.rows.append(row)
        self._index[row.key] = row
        return row

    def computed(self, key: Hashable, compute: Callable[[], T]) -> T:
        """What `compute()` returns, remembered under `key` with the guide's cells: a later
        report of the same guide (the same store content, method code and parameters: the
        cells' cache key) reads it from the cache beside the store instead of computing it
        again. `key` must name everything else the value depends on (e.g. a rules version);
        the value must pickle."""
        if key in self._computed_new:
            return self._computed_new[key]
        if key in self._computed_known:
            self._used.add(("computed", key))
            return self._computed_known[key]
        value = compute()
        self._computed_new[key] = value
        return value

    def recall(self, key: Hashable) -> Any:
        """What an earlier report of the same guide kept under `key` (`keep`), or None."""
        if key not in self._computed_known:
            return None
        self._used.add(("computed", key))
        return self._computed_known[key]

    def keep(self, key: Hashable, value: Any) -> None:
        """Keep `value` under `key` with the guide's cells for the next report of the same
        guide (`recall`; written by `save_extra_cells`), in place of what was kept before."""
        if key in self._computed_known and self._computed_known[key] == value:
            self._used.add(("computed", key))
        else:
            self._computed_new[key] = value

    def save_extra_cells(self) -> None:
        """Add the cells computed beyond `build_guide`'s (by the report's sections), and what
        the sections computed (`computed`), to the cache beside the store, so the next report
        of the same guide reads them too. What the cache held that this report did not read
        is dropped: every report of the same guide (the cache's key) asks for the same cells
        and values, so an entry left unread is one an earlier version of a section asked for
        (its key names that section's code; it would never be read again)."""
        if self._cache is None:
            return
        unread = ({("extra", k) for k in self._extra_known}
                  | {("computed", k) for k in self._computed_known}) - self._used
        if not (self._extra_new or self._computed_new or unread):
            return
        path, key = self._cache
        cached = read_cached(path, key)
        if not isinstance(cached, CachedCells):
            return  # the cache was removed or replaced meanwhile: nothing to add to
        cached.extra = {k: v for k, v in cached.extra.items() if ("extra", k) in self._used}
        cached.extra.update(self._extra_new)
        cached.computed = {k: v for k, v in getattr(cached, "computed", {}).items()
                           if ("computed", k) in self._used}
        cached.computed.update(self._computed_new)
        write_cached(path, key, cached)
        self._extra_known = {k: v for k, v in self._extra_known.items() if ("extra", k) in self._used}
        self._computed_known = {k: v for k, v in self._computed_known.items()
                                if ("computed", k) in self._used}
        self._used |= {("extra", k) for k in self._extra_new}
        self._used |= {("computed", k) for k in self._computed_new}
        self._extra_known.update(self._extra_new)
        self._extra_new.clear()
        self._computed_known.update(self._computed_new)
        self._computed_new.clear()

    def ml_roles(self) -> list[str]:
        """The selected ML roles, in taxonomy order."""
        return [r for r in self.selected_roles if r in ML_ROLE_IDS]


def tech_metros(store: Store, count: int = 25) -> list[dict[str, Any]]:
    """The `count` metros with the most employment in computer and mathematical
    occupations (OEWS 15-0000), largest first."""
    if count < 0:
        raise InputError("metros must be zero or more", field="metros")
    frame = store.query(
        """
        SELECT cbsa, area_name, employment, location_quotient
        FROM oews
        WHERE area_type = 'M' AND cbsa IS NOT NULL AND industry_code = '000000'
          AND soc_code = ? AND employment IS NOT NULL
          AND release = (SELECT max(release) FROM oews)
        ORDER BY employment DESC LIMIT ?
        """,
        [TECH_SOC_GROUP, count],
    )
    return frame.to_dict("records")


def _row(model: BenchmarkModel, role_id: str, level: str, place: CellPlace, tables: str) -> GuideRow:
    cell = model.cell(role_id, level, place)
    role = roles()[role_id]
    return GuideRow(
        role=role.id, role_name=role.name, area=role.area, level=level,
        scope=place.scope, place=place.guide_key,
        place_label=place.label,
        p10=cell.p10, p25=cell.p25, p50=cell.p50, p75=cell.p75, p90=cell.p90,
        n=cell.n, n_parent=cell.n_parent, method=cell.method, confidence=cell.confidence,
        sources="; ".join(
            f"{e.source}:{e.kind}:{e.n}" + (f" ({e.detail})" if e.detail else "")
            for e in cell.sources),
        published=";".join(cell.published),
        place_differential=cell.place_differential,
        data_weight=cell.data_weight, basis=cell.basis, tables=tables,
    )


def build_guide(
    store: Store, *, metros: int = 25, effective: dt.date | None = None,
    growth: float | None = None, levels: tuple[str, ...] = GUIDE_LEVELS,
    roles_spec: str | None = None, year: int | None = None, remote: bool = True,
    params: MethodParams = PARAMS, any_year: bool = False, engine: CellEngine = DUCKDB,
) -> GuideData:
    """Compute the guide's cells (annual USD base pay at the effective date):

    - every selected role nationally at entry, mid and senior (`tables` 'ranges');
    - mid and senior (`levels`) in the `metros` largest tech metros and, with `remote`,
      for remote work in the US ('city');
    - the selected ML roles and software engineers at every level nationally ('ladder').

    Leadership roles (heads, directors, executives, people managers) are shown at their
    own level instead: a 'mid-level CTO' does not exist. `year` names the guide's edition
    (InputError outside the years the data covers, `data_years`, unless `any_year`);
    the effective date defaults to 1 January of it (else the parameters' effective date, and
    growth the parameters' growth). `engine`: where the cell summaries are computed
    (`paybench.bench.engines`: DuckDB, or Spark with the same expressions and cells).
    The cells are cached beside the store (`cells_cache_path`, keyed by `cells_cache_key`):
    a second guide of the same store, code and options reads them instead of computing
    them again (not on Spark, whose model is never cached either)."""
    if year is not None and not 1990 <= year <= 2100:
        raise InputError(f"year {year} is out of range (1990-2100)", field="year")
    if year is not None and not any_year:
        first, last = data_years(store)
        if not first <= year <= last + 1:
            raise InputError(
                f"year {year} is outside the years the data covers ({first}-{last}; a guide may "
                f"be for the year after): pay would be aged {abs(year - last)} years at the "
                "growth rate; pass --any-year to do so", field="year")
    if effective is None:
        effective = dt.date(year, 1, 1) if year is not None else params.effective_date
    if year is None:
        year = effective.year
    if growth is None:
        growth = params.annual_growth
    if not 1990 <= year <= 2100:
        raise InputError(f"year {year} is out of range (1990-2100)", field="as_of")
    if metros < 0:
        raise InputError("metros must be zero or more", field="metros")
    selected = select_roles(roles_spec)
    start = time.perf_counter()
    model_params = params.replace(effective_date=effective, annual_growth=growth)
    model = BenchmarkModel.load(store, model_params, engine)
    model_seconds = time.perf_counter() - start
    top = tech_metros(store, metros)
    if not selected:
        raise InputError("the roles given select no role", field="roles")
    local = [metro_place(m["cbsa"], m["area_name"]) for m in top] + ([REMOTE] if remote else [])
    data = GuideData(
        effective_date=effective, annual_growth=growth,
        generated_at=dt.datetime.now().isoformat(timespec="seconds"), metros=top,
        store_sources=store.status().to_dict("records"),
        parameters={"shrinkage_k": model.shrinkage_k_, "within_sd": model.within_sd_,
                    "level_offsets": model.level_offsets_,
                    "level_offsets_basis": model.level_offsets_basis_,
                    "oews_release": model.oews_release, "roles": roles_spec or "all",
                    "metros": metros, "remote": remote},
        year=year, selected_roles=[r.id for r in selected], model=model,
        timings={"model": model_seconds},
    )
    cache_file = None if engine.is_spark else cells_cache_path(store)  # as the model's own
    if cache_file is not None:
        data._cache = (cache_file, cells_cache_key(store, model_params, selected, local, levels))
        cached = read_cached(*data._cache)
        if isinstance(cached, CachedCells):
            data.rows = cached.rows
            data._extra_known = cached.extra
            data._computed_known = dict(getattr(cached, "computed", {}))
            data.cells_cached = True
            return data
    for role in selected:
        natural = natural_level(role)
        for level in NATIONAL_LEVELS if natural == "mid" else (natural,):
            data.cell(role.id, level, NATIONAL, "ranges")
    for role in selected:
        natural = natural_level(role)
        for level in levels if natural == "mid" else (natural,):
            for place in local:
                data.cell(role.id, level, place, "city")
    for role in selected:
        if (role.id in ML_ROLE_IDS or role.id in LADDER_ROLES_EXTRA) and natural_level(role) == "mid":
            for level in LEVELS:
                data.cell(role.id, level, NATIONAL, "ladder")
    if data._cache is not None:
        write_cached(*data._cache, CachedCells(list(data.rows)))
    data._extra_new.clear()  # these are the rows themselves: cells beyond them are the extra
    return data


def cells_cache_path(store: Store) -> Path | None:
    """Where a store's guide cells are cached: `<store>.guide.pkl` beside the store, as its
    benchmark model is (`paybench.bench.cache`); None for a store in memory."""
    path = cache_path(store)
    return None if path is None else path.with_name(store.path.name + ".guide.pkl")


def cells_cache_key(store: Store, params: MethodParams, selected: list[Role],
                    local: list[CellPlace], levels: tuple[str, ...]) -> tuple[Any, ...]:
    """What cached guide cells must match: the benchmark model's cache key (the store's
    content, the method's code and taxonomy, the parameters; `paybench.bench.cache`), this
    module's code (how a cell becomes a row), the roles, the places (with their labels) and
    the levels shown in places."""
    code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    return (cache_key(store, params), code, tuple(r.id for r in selected),
            tuple((p.scope, p.key, p.label) for p in local), tuple(levels))


def data_years(store: Store) -> tuple[int, int]:
    """The first and last year the store's pay data covers: its observations' dates and the
    OEWS release (May of its year)."""
    row = store.query("SELECT min(year(observed_on)) AS a, max(year(observed_on)) AS b "
                      "FROM observations WHERE component = 'base'").iloc[0]
    oews = store.scalar("SELECT max(release) FROM oews")
    years = [int(v) for v in (row["a"], row["b"]) if pd.notna(v)]
    if oews:
        years.append(int(str(oews)[:4]))
    if not years:
        raise InputError("the store holds no pay data: ingest the defaults first")
    return min(years), max(years)


def write_guide(data: GuideData, out_dir: Path, extra: dict[str, Any] | None = None) -> list[Path]:
    """Write guide.csv (one row per cell) and guide.json (cells plus metadata, and the
    report's `extra` entries such as its figures and the published-versus-measured table)."""
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create {out_dir}: {exc.strerror}", field="out_dir") from None
    csv_path, json_path = out_dir / "guide.csv", out_dir / "guide.json"
    names = [f.name for f in fields(GuideRow)]
    # a row's fields are plain values: read them directly (`asdict` deep-copies each one)
    cells = [{name: getattr(row, name) for name in names} for row in data.rows]
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=names)
        writer.writeheader()
        writer.writerows(cells)
    payload = {
        "effective_date": data.effective_date.isoformat(),
        "annual_growth": data.annual_growth,
        "generated_at": data.generated_at,
        "currency": "USD", "unit": "annual base pay",
        "metros": data.metros,
        "parameters": data.parameters,
        "store_sources": data.store_sources,
        "year": data.year,
        "roles": data.selected_roles,
        "cells": cells,
        **(extra or {}),
    }
    json_path.write_text(json.dumps(payload, indent=1, default=str), encoding="utf-8")
    return [csv_path, json_path]
