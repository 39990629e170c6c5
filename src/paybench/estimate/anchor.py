"""One answer per question: an estimate stands on the benchmark cell of its role x level x
place, moved only by the optional inputs the request gives.

For a request whose title names a role and whose place the method can price:

    log P50 = log P50 of the cell (`paybench.bench`, the same cell `paybench bench` prints)
              + the effect of each optional input given (company size, work mode, industry)

so a title + place + level with nothing else given is the cell itself. Each effect is pooled
within cells: the weighted mean gap, in log pay aged to the effective date, between the rows
with that value and the mean of their own cell (role x level x country), shrunk toward 0 as
n / (n + `FACTOR_K`). A cell averages over the inputs its rows have, so a blank input is
averaged over (the cell as it is), never a category of its own. Work mode is not applied to
the remote cell (remote rows are what it is made of).

The interval is the cell's P10-P90 moved by the same effects, then corrected by split
conformal calibration per level (`conformal.MondrianCQR`, fitted in `model.train_model` on
the latest period's rows against cells built from earlier data only), and never narrower than
the cell's P25-P75.

Requests without a role, or in a place no cell can price, are estimated by the quantile
models (`model.EstimatorModel.predict`).
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from paybench.bench import NATIONAL, BenchmarkCell, BenchmarkModel, CellPlace, MethodParams
from paybench.bench.cache import cache_key, read_cached, write_cached
from paybench.bench.ladder import family_of
from paybench.bench.observations import age_log
from paybench.bench.scopes import scope_for
from paybench.errors import InputError
from paybench.normalize.roles import get_role
from paybench.store import Store

FACTOR_FIELDS: tuple[str, ...] = ("company_size", "work_mode", "industry")
"""The optional inputs that move an estimate off its cell."""

FACTOR_K = 20.0
"""Shrinkage of a factor effect toward 0, in observations (an effect from n rows counts
n / (n + FACTOR_K) of its measured gap)."""

FACTOR_MIN_N = 20
"""A factor value needs this many rows (in cells of at least two rows) to have an effect."""


@dataclass
class FactorEffects:
    """Pooled within-cell effects of optional inputs: field -> value -> (log effect, n)."""

    effects: dict[str, dict[str, tuple[float, int]]] = field(default_factory=dict)

    @classmethod
    def fit(cls, obs: pd.DataFrame, params: MethodParams) -> FactorEffects:
        """Fit from usable observations (columns role, level, country, annual_usd,
        observed_on and the `FACTOR_FIELDS`; one row per observation)."""
        out = cls()
        frame = obs[obs["role"].notna()].copy()
        if frame.empty:
            return out
        frame["y"] = np.log(frame["annual_usd"].astype(float)) + [
            age_log(d, params) for d in frame["observed_on"]]
        keys = ["role", "level", "country"]
        frame["country"] = frame["country"].fillna("US")
        grouped = frame.groupby(keys)["y"]
        frame["cell_n"] = grouped.transform("size")
        frame["resid"] = frame["y"] - grouped.transform("mean")
        frame = frame[frame["cell_n"] >= 2]
        for name in FACTOR_FIELDS:
            values = frame[frame[name].notna()]
            table: dict[str, tuple[float, int]] = {}
            for value, sub in values.groupby(name):
                n = len(sub)
                if n >= FACTOR_MIN_N:
                    table[str(value)] = (float(sub["resid"].sum() / (n + FACTOR_K)), n)
            out.effects[name] = table
        return out

    def of(self, name: str, value: Any) -> tuple[float, int] | None:
        """The (log effect, n) of one input value, None when it has none."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None
        return self.effects.get(name, {}).get(str(value))


@dataclass
class Anchor:
    """An estimate anchored on its cell (log annual USD): P10, P50, P90 before calibration,
    the cell's P25 and P75 moved by the same effects, and the effects of the inputs given."""

    cell: BenchmarkCell
    lo: float
    mid: float
    hi: float
    p25: float
    p75: float
    effects: dict[str, tuple[float, int]]


def place_of(row: dict[str, Any]) -> CellPlace:
    """The cell place of a request or observation row (country, state, metro, metro_name,
    work_mode), by the method's one rule (`paybench.bench.scopes.scope_for`)."""
    def text(key: str) -> str | None:
        value = row.get(key)
        return None if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)

    return scope_for(text("country"), text("state"), text("metro"), text("metro_name"),
                     remote=text("work_mode") == "remote")


class NotInMemory(Exception):
    """Raised with `memory_only`: the answer needs work not done before (a cell not computed
    yet, a feature row the quantile models have not answered); the caller runs it where a
    long computation does no harm (a server: in a worker thread)."""


class CellLookup:
    """The benchmark cells of one `BenchmarkModel`, each computed once: `cell(role, level,
    place)` is `bench.cell`, memoized per (role, level, scope, place key), with None where the
    method cannot price the cell (its InputError). A server keeps one per model, so a request
    reads a cell it has answered before from memory. Safe to share between threads (two
    threads may compute the same cell once each; they get equal cells)."""

    def __init__(self, bench: BenchmarkModel) -> None:
        self.bench = bench
        self._cells: dict[tuple[str, str, str, str], BenchmarkCell | None] = {}
        self._saved = 0

    @classmethod
    def kept_beside(cls, store: Store, bench: BenchmarkModel) -> CellLookup:
        """A lookup over `bench` (the store's benchmark model) holding the cells an earlier
        batch computed and kept beside the store (`save`), when they were computed from the
        same store content, method code and parameters (`paybench.bench.cache.cache_key`)."""
        found = cls(bench)
        path = cells_path(store)
        if path is not None:
            saved = read_cached(path, cache_key(store, bench.params))
            if isinstance(saved, dict):
                found._cells.update(saved)
        found._saved = len(found._cells)
        return found

    def save(self, store: Store) -> None:
        """Keep the cells beside the store (`<store>.cells.pkl`) when new ones were computed,
        for the next batch; a folder that cannot be written is not an error."""
        path = cells_path(store)
        if path is not None and len(self._cells) > self._saved:
            write_cached(path, cache_key(store, self.bench.params), dict(self._cells))
            self._saved = len(self._cells)

    def cell(self, role: str, level: str, place: CellPlace, *,
             memory_only: bool = False) -> BenchmarkCell | None:
        """The cell, or None when the method cannot price it. NotInMemory with `memory_only`
        when it was not computed before."""
        key = (role, level, place.scope, place.key)
        if key in self._cells:
            cell = self._cells[key]
            if cell is None or cell.place == place:  # a place of the same key, as written
                return cell
        if memory_only:
            raise NotInMemory(key)
        try:
            found: BenchmarkCell | None = self.bench.cell(role, level, place)
        except InputError:
            found = None
        self._cells[key] = found
        return found

    def fill(self, wanted: Iterable[tuple[str, str, CellPlace]], workers: int = 1) -> int:
        """Compute the cells of `wanted` (role, level, place) not computed yet, grouped by
        ladder (a cell's family x place: one ladder fit serves them all); with `workers` > 1
        and at least PARALLEL_MIN_LADDERS ladders, in that many forked processes (the
        national cells every ladder leans on are computed first, here, and inherited). The
        cells are the ones `cell` computes, one by one, here. Returns how many ladders were
        computed."""
        groups: dict[tuple[str, str, str], list[tuple[str, str, CellPlace]]] = {}
        for role, level, place in wanted:
            key = (role, level, place.scope, place.key)
            if key in self._cells:
                done = self._cells[key]
                if done is None or done.place == place:
                    continue
            try:
                family = family_of(get_role(role))
            except InputError:
                family = role
            group = groups.setdefault((family, place.scope, place.key), [])
            if (role, level, place) not in group:
                group.append((role, level, place))
        if not groups:
            return 0
        ctx = _fork_context()
        if workers <= 1 or len(groups) < PARALLEL_MIN_LADDERS or ctx is None:
            for group in groups.values():
                for role, level, place in group:
                    self.cell(role, level, place)
            return len(groups)
        for group in groups.values():  # the national cells, once, before the fork
            for role, level, _ in group:
                self.cell(role, level, NATIONAL)
        global _FORKED
        _FORKED = self
        try:
            with ctx.Pool(workers) as pool:
                for found in pool.imap_unordered(_ladder_cells, list(groups.values()), chunksize=8):
                    for key, cell in found:
                        self._cells[key] = cell
        finally:
            _FORKED = None
        return len(groups)


ANCHOR_FIELDS: tuple[str, ...] = ("role", "level", "country", "state", "metro", "metro_name",
                                  "work_mode", *(f for f in FACTOR_FIELDS if f != "work_mode"))
"""What a row's anchor depends on (`anchor_of`)."""


def cells_path(store: Store) -> Path | None:
    """Where the cells batches computed are kept: beside the store file (none in memory)."""
    if str(store.path) == ":memory:":
        return None
    return store.path.with_name(store.path.name + ".cells.pkl")


PARALLEL_MIN_LADDERS = 64
"""Fewer ladders than this are computed in the calling process (a fork costs more)."""

_FORKED: CellLookup | None = None
"""The lookup a forked worker computes cells of (inherited from the parent at the fork)."""


def _fork_context() -> Any:
    """multiprocessing's 'fork' context where the platform has it (Linux), else None."""
    import multiprocessing

    try:
        return multiprocessing.get_context("fork")
    except ValueError:
        return None


def _ladder_cells(group: list[tuple[str, str, CellPlace]]
                  ) -> list[tuple[tuple[str, str, str, str], BenchmarkCell | None]]:
    """In a forked worker: the cells of one ladder, keyed as `CellLookup` keys them."""
    assert _FORKED is not None
    return [((role, level, place.scope, place.key), _FORKED.cell(role, level, place))
            for role, level, place in group]


def batch_workers() -> int:
    """Processes for a batch's cells: PAYBENCH_WORKERS when set to a positive number, else
    the machine's cores."""
    text = os.environ.get("PAYBENCH_WORKERS", "").strip()
    if text.isdigit() and int(text) > 0:
        return int(text)
    return os.cpu_count() or 1


def anchor_of(cells: CellLookup, factors: FactorEffects, row: dict[str, Any], *,
              memory_only: bool = False) -> Anchor | None:
    """The anchor of one row (keys role, level, country, state, metro, work_mode and the
    `FACTOR_FIELDS`; metro_name optional); None for a row without a role or in a place the
    method cannot price. NotInMemory with `memory_only` when its cell was not computed."""
    role, level = row.get("role"), row.get("level")
    if not isinstance(role, str) or not role or not isinstance(level, str):
        return None
    place = place_of(row)
    cell = cells.cell(role, level, place, memory_only=memory_only)
    if cell is None:
        return None
    effects: dict[str, tuple[float, int]] = {}
    for name in FACTOR_FIELDS:
        if name == "work_mode" and place.scope == "remote":
            continue
        found = factors.of(name, row.get(name))
        if found is not None:
            effects[name] = found
    shift = sum(e for e, _ in effects.values())
    return Anchor(cell=cell, lo=math.log(cell.p10) + shift, mid=math.log(cell.p50) + shift,
                  hi=math.log(cell.p90) + shift, p25=math.log(cell.p25) + shift,
                  p75=math.log(cell.p75) + shift, effects=effects)


def anchor_rows(bench: BenchmarkModel | CellLookup, factors: FactorEffects,
                frame: pd.DataFrame) -> list[Anchor | None]:
    """The anchor of each row of a frame (columns as for `anchor_of`); None for a row without
    a role or in a place the method cannot price. `bench`: the benchmark model, or a
    `CellLookup` over it that keeps the cells between calls."""
    cells = bench if isinstance(bench, CellLookup) else CellLookup(bench)
    return [anchor_of(cells, factors, row) for row in frame.to_dict("records")]
