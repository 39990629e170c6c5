"""Which observations count, and how pay is aged to the effective date: the one
definition of each, used by benchmark cells, the estimator and the guide.

Usable observations: full-time (or unstated) pay of one component (base pay unless
`MethodParams.component` says otherwise; of one employer segment when `MethodParams.segment`
is set), of a kind in `MethodParams.kinds_used`
(or a narrower set a caller asks for), with positive annual USD, dated before
`observed_before` when that is set, counted once per `dedup_key`
(a hash of the raw row: about half of the ai-jobs.net survey repeats another row exactly);
each row keeps the largest weight of its copies. A submission's pay is its bin's midpoint
(`paybench.bench.disclosure`: no computation sees a submitted figure itself).

Aging: pay observed on day d is carried to the effective date E at growth g as
log(pay) + (E - d) / days_per_year x log(1 + g), in log annual USD.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from paybench.bench.disclosure import coarsened
from paybench.bench.params import PARAMS, MethodParams
from paybench.store import Store

if TYPE_CHECKING:
    import ibis.expr.types as ir

USABLE_COLUMNS: tuple[str, ...] = (
    "source", "kind", "raw_title", "role", "level", "years_experience", "country", "state",
    "metro", "work_mode", "company_size", "industry", "employer", "observed_on", "annual_usd")
"""The columns of an observation that a usable row carries (one value per dedup_key)."""


CONTRACT_TYPES: tuple[str, ...] = ("contract", "freelance")
"""Employment types of contract pay (kept apart from the full-time pay cells stand on)."""


def usable_observations(
    backend: Any, params: MethodParams = PARAMS, *, kinds: Sequence[str] | None = None,
    columns: Sequence[str] = USABLE_COLUMNS, contract: bool = False,
    components: Sequence[str] | None = None, zeros: bool = False,
) -> ir.Table:
    """The usable observations as an Ibis table on any backend (DuckDB, PySpark): columns
    `dedup_key`, `columns` and `weight` (the largest weight of the row's copies).
    `kinds` narrows `params.kinds_used` (e.g. the guide leaves submissions out);
    `contract` takes contract and freelance pay instead of full-time pay (same other rules).
    The component is `params.component` (base pay by default) and only employers of
    `params.segment` count when it is set. `components`: several components at once, one row
    per dedup_key and component (column `component` added); `zeros`: amounts of 0 count too
    (a bonus or equity of 0 stated in a total-compensation record)."""
    t = backend.table("observations")
    full_time = t.employment_type.isnull() | (t.employment_type == "full_time")
    wanted = [params.component] if components is None else list(components)
    t = t.filter(
        t.kind.isin(list(kinds if kinds is not None else params.kinds_used)),
        t.component == wanted[0] if len(wanted) == 1 else t.component.isin(wanted),
        t.annual_usd >= 0 if zeros else t.annual_usd > 0,
        t.employment_type.isin(list(CONTRACT_TYPES)) if contract else full_time,
    )
    if params.segment is not None:  # a segment is of employers: a row naming none is in none
        t = t.filter(t.segment == params.segment, t.employer.notnull())
    if params.observed_before is not None:
        t = t.filter(t.observed_on < params.observed_before)
    t = coarsened(t, params)  # a submission counts at its bin's midpoint, never its own value
    keys = ["dedup_key"] if components is None else ["dedup_key", "component"]
    return t.group_by(keys).aggregate(
        **{c: t[c].arbitrary() for c in columns if c not in keys}, weight=t.weight.max())


OBSERVATION_ROW_COLUMNS: tuple[str, ...] = (
    "source", "file_sha256", "row_number", "kind", "observed_on", "raw_title", "role",
    "role_confidence", "level", "level_basis", "years_experience", "country", "state", "metro",
    "work_mode", "employment_type", "company_size", "industry", "employer", "segment",
    "segment_sector", "component", "currency", "period", "annual_usd", "top_coded", "weight",
    "dedup_key")
"""The columns of an observation row as exported for another engine (`observation_rows`):
every column the method reads, with the row's provenance; never a raw amount (a submission's
figure is only ever seen coarsened)."""


def observation_rows(backend: Any, params: MethodParams = PARAMS) -> ir.Table:
    """The stored observations a cell may ever use, as rows for another engine to run
    `usable_observations` on (`paybench export`, the Spark engine): base pay with positive
    annual USD, every kind, employment type and date (those filters depend on the
    parameters and are the method's to apply), copies included (the method counts each
    dedup_key once), each submission at its bin's midpoint (`coarsened`: idempotent, so the
    method's own coarsening leaves it as it is). Columns `OBSERVATION_ROW_COLUMNS`."""
    t = backend.table("observations")
    t = t.filter(t.component == "base", t.annual_usd > 0)
    return coarsened(t, params).select(list(OBSERVATION_ROW_COLUMNS))


def write_observation_rows(store: Store, path: Path, params: MethodParams = PARAMS) -> int:
    """Write `observation_rows` of a DuckDB store to one Parquet file at `path` (DuckDB's
    COPY ... TO, zstd-compressed) and return its row count."""
    import ibis

    backend = ibis.duckdb.from_connection(store.con)
    sql = ibis.to_sql(observation_rows(backend, params), dialect="duckdb")
    target = str(path).replace("'", "''")
    store.con.execute(f"COPY ({sql}) TO '{target}' (FORMAT parquet, COMPRESSION zstd)")
    count = store.con.execute(f"SELECT count(*) FROM read_parquet('{target}')").fetchone()
    return int(count[0]) if count else 0


def aged_log_pay(t: ir.Table, params: MethodParams = PARAMS) -> ir.FloatingValue:
    """Log annual USD of each row of `t` (columns annual_usd, observed_on) aged to the
    effective date (the Ibis form of `age_log`)."""
    import ibis

    # the day count is made a double before dividing: Spark reads the bare literals 365.25 and
    # log1p(g) as DECIMALs and would round the product to a few decimal places
    days = ibis.literal(params.effective_date).delta(t.observed_on, unit="day").cast("float64")
    return t.annual_usd.ln() + days / params.days_per_year * math.log1p(params.annual_growth)


def age_log(on: dt.date, params: MethodParams = PARAMS) -> float:
    """The log factor that ages pay observed on `on` to the effective date."""
    return (params.effective_date - on).days / params.days_per_year * math.log1p(params.annual_growth)


def usable_frame(
    store: Store, params: MethodParams = PARAMS, *, kinds: Sequence[str] | None = None,
    columns: Sequence[str] = USABLE_COLUMNS, contract: bool = False, us_only: bool = False,
    roles: Sequence[str] | None = None, any_role: bool = False, with_title: bool = False,
    aged: bool = False,
) -> pd.DataFrame:
    """The usable observations of a DuckDB store as a frame, ordered by dedup_key.

    `contract`, `kinds`: as in `usable_observations`; `us_only`: rows whose country is US;
    `roles`: rows of these role ids; `any_role`: rows with a role; `with_title`: rows with a
    raw title; `aged`: adds `aged_usd`, annual USD aged to the effective date."""
    import ibis

    needed = list(dict.fromkeys([
        *columns, *(["country"] if us_only else []), *(["role"] if roles is not None or any_role else []),
        *(["raw_title"] if with_title else []), *(["annual_usd", "observed_on"] if aged else [])]))
    from paybench.bench.engines import duckdb_backend

    t = usable_observations(duckdb_backend(store), params, kinds=kinds, columns=needed,
                            contract=contract)
    if us_only:
        t = t.filter(t.country == "US")
    if roles is not None:
        t = t.filter(t.role.isin(list(roles)) if roles else ibis.literal(False))
    if any_role:
        t = t.filter(t.role.notnull())
    if with_title:
        t = t.filter(t.raw_title.notnull())
    keep = ["dedup_key", *columns, "weight"]
    if aged:
        t = t.mutate(aged_usd=aged_log_pay(t, params).exp())
        keep.append("aged_usd")
    return t.select(keep).order_by("dedup_key").execute()
