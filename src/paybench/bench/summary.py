"""The cell summaries as Ibis expressions: the same code runs on any Ibis backend (DuckDB
by default, PySpark for corpora beyond one machine); the backend is a parameter.

Per role x level x scope x key: n, total weight, mean and standard deviation of aged log pay,
and weighted quantiles P10..P90 interpolated linearly between mid-rank cumulative weights
((cumulative weight - weight / 2) / total weight). Scopes are the nation (US rows), each
metro and state (US rows), remote work in the US, and each country.
k-anonymity: a group's submissions count only when they come from at least
`MethodParams.submission_min` distinct contributors; otherwise they are left out (other rows
stay). The rule lives in `paybench.bench.disclosure`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from paybench.bench.disclosure import counted_submissions
from paybench.bench.observations import aged_log_pay, usable_observations
from paybench.bench.params import PARAMS, PERCENTILES, MethodParams

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from paybench.store import Store

CELL_KEYS = ("role", "level", "scope", "key")
"""The columns that name a cell in a summary."""
CELL_COLUMNS = ("source", "kind", "role", "level", "country", "state", "metro", "work_mode",
                "observed_on", "annual_usd")


def cell_observations(backend: Any, params: MethodParams = PARAMS) -> ir.Table:
    """Usable observations with a role and a level, and their aged log pay (`log_pay`)."""
    t = usable_observations(backend, params, columns=CELL_COLUMNS)
    t = t.filter(t.role.notnull(), t.level.notnull())
    return t.mutate(log_pay=aged_log_pay(t, params))


def scoped(t: ir.Table) -> list[ir.Table]:
    """The rows of `t` once per scope they fall in, with columns `scope` and `key`."""
    import ibis

    us = t.filter(t.country == "US")
    return [
        us.mutate(scope=ibis.literal("national"), key=ibis.literal("US")),
        us.filter(us.metro.notnull()).mutate(scope=ibis.literal("metro"), key=us.metro),
        us.filter(us.state.notnull()).mutate(scope=ibis.literal("state"), key=us.state),
        us.filter(us.work_mode == "remote").mutate(scope=ibis.literal("remote"),
                                                   key=ibis.literal("US")),
        t.filter(t.country.notnull()).mutate(scope=ibis.literal("country"), key=t.country),
    ]


def cell_summary(t: ir.Table, keys: Sequence[str] = CELL_KEYS,
                 params: MethodParams = PARAMS) -> ir.Table:
    """n, w, mean, sd of log pay, interpolated weighted quantiles q10..q90 and the years of the
    earliest and latest observation (`first_year`, `last_year`: observed, before aging) per
    group."""
    import ibis

    whole = ibis.window(group_by=list(keys))
    t = counted_submissions(t, keys, params)
    # ties in log pay are broken by dedup_key (unique in a group): with unequal weights the
    # cumulative weights would otherwise depend on the engine's row order (DuckDB, Spark)
    order = ibis.window(group_by=list(keys), order_by=[t.log_pay, t.dedup_key])
    t = t.mutate(cw=t.weight.cumsum().over(order), tw=t.weight.sum().over(whole))
    t = t.mutate(frac=(t.cw - 0.5 * t.weight) / t.tw)
    aggs: dict[str, Any] = {
        "n": t.count(),
        "w": t.weight.sum(),
        "mean": t.log_pay.mean(),
        "sd": t.log_pay.std(),
        "n_submitted": (t.kind == "submitted").cast("int64").sum(),
        "first_year": t.observed_on.year().min().cast("int64"),
        "last_year": t.observed_on.year().max().cast("int64"),
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


def observed_cells(backend: Any, params: MethodParams = PARAMS,
                   observations: ir.Table | None = None) -> pd.DataFrame:
    """Summaries of observed log pay for every role x level x scope x key.

    Columns: role, level, scope (national/metro/state/remote/country), key (the place code:
    'US', a CBSA, a state, or a country), n, w, mean, sd, n_submitted, first_year, last_year,
    q10..q90 (log USD).
    `observations`: `cell_observations(backend, params)` when the caller already holds it."""
    import ibis

    t = cell_observations(backend, params) if observations is None else observations
    return ibis.union(*[cell_summary(part, CELL_KEYS, params) for part in scoped(t)]).execute()


def evidence_counts(backend: Any, params: MethodParams = PARAMS,
                    observations: ir.Table | None = None) -> pd.DataFrame:
    """Distinct observations per role x level x scope x key x source x kind, ordered by
    those columns (a union's row order is the engine's: sorted, a cell lists its sources in
    the same order on every engine). `observations`: as in `observed_cells`."""
    import ibis

    keys = [*CELL_KEYS, "source", "kind"]
    t = cell_observations(backend, params) if observations is None else observations
    parts = [counted_submissions(p, CELL_KEYS, params) for p in scoped(t)]
    counts = ibis.union(*[p.group_by(keys).aggregate(n=p.count()) for p in parts]).execute()
    return counts.sort_values(keys, kind="stable").reset_index(drop=True)


def segment_counts(store: Store, params: MethodParams = PARAMS) -> dict[
        tuple[str, str, str, str], list[tuple[str, int]]]:
    """Per cell key (role, level, scope, key): the employer segments of its usable
    observations that name one, as (segment, n), most first; on DuckDB over the store (the
    same on either cell engine: the notes `BenchmarkModel.records_note` writes from it do not
    depend on where cells are computed). Submissions are left out (a segment beside a thin
    cell's submissions could single one out: docs/privacy.md)."""
    import ibis

    from paybench.bench.engines import duckdb_backend

    t = usable_observations(duckdb_backend(store), params, columns=(*CELL_COLUMNS, "segment"))
    t = t.filter(t.role.notnull(), t.level.notnull(), t.segment.notnull(), t.kind != "submitted")
    keys = [*CELL_KEYS, "segment"]
    found = ibis.union(*[p.group_by(keys).aggregate(n=p.count()) for p in scoped(t)]).execute()
    out: dict[tuple[str, str, str, str], list[tuple[str, int]]] = {}
    for row in found.sort_values([*CELL_KEYS, "n", "segment"], ascending=[True] * 4 + [False, True],
                                 kind="stable").itertuples(index=False):
        out.setdefault((row.role, row.level, row.scope, row.key), []).append(
            (str(row.segment), int(row.n)))
    return out
