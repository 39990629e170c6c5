"""Pay components and employer segments of a cell: what a total-compensation record holds, and
the figures a derived view's cells report and stand on.

A total-compensation record (the Levels.fyi export, `paybench.sources.levelsfyi`) is stored as
up to four observations sharing one `dedup_key`: `total`, `base`, `equity` (stock per year) and
`bonus`; a stated bonus or equity of 0 is a real zero, a component not stored was not reported.
Money is annual US dollars; shares are fractions of 1.

- `component_counts`: per cell, the usable observations of each component (the n a cell of
  that component counts: positive amounts, k-anonymity applied) and the records stating a 0;
- `component_shares`: per cell, the **shares of total pay that are bonus and equity**, as a
  ratio of sums over the cell's records that carry a total, a bonus and an equity figure (each
  dedup_key once, weighted as the cells weigh it): bonus share = sum(w x bonus) / sum(w x D),
  equity share = sum(w x equity) / sum(w x D), with D = max(total, base + bonus + equity) (the
  total, unless the parts' rounding puts them above it, at most by the ingest's tolerance), so
  each share is in [0, 1] and bonus share + equity share <= 1. A ratio of sums: the share of
  the cell's pay dollars, which is what a bonus pool or a grant budget is;
- `component_ratios`: the pooled ratio of a component to base pay, by level, measured on the
  US records that carry both (`ComponentRatio`): the prior of a national cell of that
  component is the base cell of the same role x level scaled by it (`paybench.bench.views`).

`parse_component` and `parse_segment` read the names a user gives.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd
from pydantic import BaseModel, Field

from paybench.bench.params import PARAMS, MethodParams
from paybench.errors import InputError
from paybench.normalize.segments import SEGMENTS

if TYPE_CHECKING:
    import ibis.expr.types as ir

COMPONENTS: tuple[str, ...] = ("base", "bonus", "equity", "total")
"""The pay components a cell can measure (`paybench.records.Component`)."""
COMPONENT_NAMES: dict[str, str] = {
    "base": "base pay", "bonus": "bonus", "equity": "equity (stock per year)",
    "total": "total compensation"}
"""What each component is called in text."""
RECORD_COLUMNS: tuple[str, ...] = ("role", "level", "country", "state", "metro", "work_mode",
                                   "source", "kind")
"""The columns of a total-compensation record besides its components."""


def parse_component(component: str | None) -> str:
    """A component id as given ("Total", " bonus ") or 'base' for None or blank; InputError
    (field 'component') naming the ids for anything else. 'stock' reads as equity."""
    if component is None or not component.strip():
        return "base"
    value = component.strip().lower()
    value = {"stock": "equity", "salary": "base", "total-comp": "total", "tc": "total"}.get(value, value)
    if value not in COMPONENTS:
        raise InputError(f"unknown component {component!r}; expected one of {', '.join(COMPONENTS)}",
                         field="component")
    return value


def parse_segment(segment: str | None) -> str | None:
    """A segment id as given ("Big-Tech", " ai lab ") or None for None or blank; InputError
    (field 'segment') naming the ids (`paybench.normalize.segments.SEGMENTS`) for anything else."""
    if segment is None or not segment.strip():
        return None
    value = segment.strip().lower().replace("_", "-").replace(" ", "-")
    if value not in SEGMENTS:
        raise InputError(f"unknown segment {segment!r}; expected one of {', '.join(SEGMENTS)}",
                         field="segment")
    return value


class ComponentSummary(BaseModel):
    """What a cell's records say about the components of pay (module doc)."""

    n: dict[str, int] = Field(description="usable observations of each component in the cell "
                              "(base, bonus, equity, total; positive amounts, as each "
                              "component's cells count them)")
    zero: dict[str, int] = Field(description="records of the cell stating a bonus or equity of 0 "
                                 "(a real zero, not counted in n)")
    bonus_share: float | None = Field(description="share of total pay that is bonus, 0-1 (ratio "
                                      "of sums; null without a record carrying the split)")
    equity_share: float | None = Field(description="share of total pay that is equity, 0-1")
    n_shares: int = Field(description="records the shares come from (each carries a total, a "
                          "bonus and an equity figure)")
    shares_basis: str = Field(description="whose records the shares come from, and how")


def component_records(backend: Any, params: MethodParams = PARAMS) -> ir.Table:
    """One row per usable total-compensation record with a role and a level (a dedup_key with
    a positive total; the usable rules of `usable_observations`: kinds, full-time, date, the
    view's segment): columns dedup_key, `RECORD_COLUMNS`, weight, and total, base, bonus,
    equity (annual USD as observed; null where the record does not state one)."""
    from paybench.bench.observations import usable_observations

    t = usable_observations(backend, params, components=COMPONENTS, zeros=True,
                            columns=(*RECORD_COLUMNS, "annual_usd"))
    amounts = {c: t.annual_usd.max(where=t.component == c) for c in COMPONENTS}
    rec = t.group_by("dedup_key").aggregate(
        **{c: t[c].arbitrary() for c in RECORD_COLUMNS}, weight=t.weight.max(), **amounts)
    return rec.filter(rec.total > 0, rec.role.notnull(), rec.level.notnull())


def component_counts(backend: Any, params: MethodParams = PARAMS) -> pd.DataFrame:
    """Per role x level x scope x key (`paybench.bench.summary.scoped`) and component: `n`, the
    usable observations with a positive amount (submissions counted as the cells count them:
    k-anonymity by `counted_submissions`), and `zero`, the observations stating 0."""
    import ibis

    from paybench.bench.disclosure import counted_submissions
    from paybench.bench.observations import usable_observations
    from paybench.bench.summary import CELL_KEYS, scoped

    t = usable_observations(backend, params, components=COMPONENTS, zeros=True,
                            columns=("kind", "role", "level", "country", "state", "metro",
                                     "work_mode", "annual_usd"))
    t = t.filter(t.role.notnull(), t.level.notnull())
    keys = [*CELL_KEYS, "component"]
    parts = [counted_submissions(p, keys, params) for p in scoped(t)]
    counts = ibis.union(*[p.group_by(keys).aggregate(
        n=(p.annual_usd > 0).cast("int64").sum(), zero=(p.annual_usd == 0).cast("int64").sum())
        for p in parts]).execute()
    return counts.sort_values(keys, kind="stable").reset_index(drop=True)


def component_shares(backend: Any, params: MethodParams = PARAMS) -> pd.DataFrame:
    """Per role x level x scope x key: `n_split`, the records carrying a total, a bonus and an
    equity figure (0 included), and the weighted sums `bonus_usd`, `equity_usd` and `split_usd`
    (sum of w x D, D = max(total, base + bonus + equity)) the shares are ratios of."""
    import ibis

    from paybench.bench.summary import CELL_KEYS, scoped

    rec = component_records(backend, params)
    rec = rec.filter(rec.bonus.notnull(), rec.equity.notnull())
    parts_sum = rec.base.fill_null(0) + rec.bonus + rec.equity
    rec = rec.mutate(denominator=ibis.greatest(rec.total, parts_sum))
    return ibis.union(*[p.group_by(list(CELL_KEYS)).aggregate(
        n_split=p.count(), bonus_usd=(p.weight * p.bonus).sum(),
        equity_usd=(p.weight * p.equity).sum(), split_usd=(p.weight * p.denominator).sum())
        for p in scoped(rec)]).execute()


def shares_of(bonus_usd: float, equity_usd: float, split_usd: float) -> tuple[float, float]:
    """(bonus share, equity share) of total pay from the weighted sums of `component_shares`;
    each in [0, 1] with a sum <= 1 (the denominator bounds the parts). ValueError for a sum of
    totals that is not positive."""
    if not split_usd > 0:
        raise ValueError("the records' totals must sum to a positive amount")
    bonus = min(max(bonus_usd / split_usd, 0.0), 1.0)
    equity = min(max(equity_usd / split_usd, 0.0), 1.0 - bonus)
    return bonus, equity


@dataclass(frozen=True)
class ComponentRatio:
    """How a component relates to base pay, measured on records that carry both: `log_ratio`,
    the weighted mean of log(component / base); `spread`, the component's within-cell spread
    of log pay over base pay's (1 when too few records measure it); `n`, records; `level`, the
    level it was measured at (None: pooled over every level); `sources`, records per source."""

    log_ratio: float
    spread: float
    n: int
    level: str | None
    spread_n: int
    sources: dict[str, int] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        """The geometric-mean ratio component / base."""
        return math.exp(self.log_ratio)

    def describe(self, component: str) -> str:
        """One line: the ratio, on what it was measured, and the spread."""
        where = f"{self.level} records" if self.level else "records of every level (too few at one level)"
        spread = (f"spread x{self.spread:.2f} (within-cell sd of log {component} / log base, "
                  f"{self.spread_n} records)" if self.spread_n else "spread as base pay's (too "
                  "few records to measure it)")
        return (f"{component}/base ratio {self.ratio:.3f} (geometric mean over {self.n} US "
                f"{where} carrying both); {spread}")


@dataclass
class RatioTable:
    """The component ratios of a store: by level, and pooled over every level."""

    component: str
    by_level: dict[str, ComponentRatio]
    pooled: ComponentRatio | None

    def for_level(self, level: str) -> ComponentRatio | None:
        """The level's own ratio when measured on enough records, else the pooled one (None:
        no record carries both)."""
        return self.by_level.get(level, self.pooled)


def component_ratios(records: pd.DataFrame, component: str,
                     params: MethodParams = PARAMS) -> RatioTable:
    """The ratio of `component` to base pay from total-compensation records (a frame of
    `component_records`): over US records with a positive base and a positive `component`,
    the weighted mean of log(component / base) per level when the level has at least
    `params.min_obs_for_offset` such records, and pooled over every level; the spread factor,
    the square root of the within-group variance of log component over that of log base,
    pooled over role x level groups of 2+ records, when at least `min_obs_for_offset` records
    stand in such groups (else 1: the base cell's spread). ValueError for `component` 'base'."""
    if component == "base":
        raise ValueError("base pay is the reference of the ratios")
    rows = records[(records["country"] == "US") & (records["base"] > 0) & (records[component] > 0)]
    if rows.empty:
        return RatioTable(component, {}, None)
    rows = rows.assign(lr=(rows[component].astype(float) / rows["base"].astype(float)).map(math.log),
                       lc=rows[component].astype(float).map(math.log),
                       lb=rows["base"].astype(float).map(math.log))
    spread, spread_n = _spread(rows, params.min_obs_for_offset)

    def ratio(part: pd.DataFrame, level: str | None) -> ComponentRatio:
        w = part["weight"].astype(float)
        counts = part.groupby("source").size().sort_index()
        return ComponentRatio(log_ratio=float((part["lr"] * w).sum() / w.sum()), spread=spread,
                              n=len(part), level=level, spread_n=spread_n,
                              sources={str(k): int(v) for k, v in counts.items()})

    by_level = {str(level): ratio(part, str(level)) for level, part in rows.groupby("level")
                if len(part) >= params.min_obs_for_offset}
    return RatioTable(component, by_level, ratio(rows, None))


def _spread(rows: pd.DataFrame, least: int) -> tuple[float, int]:
    groups = rows.groupby(["role", "level"])
    sizes = groups["lc"].transform("size")
    used = rows[sizes >= 2]
    if len(used) < least:
        return 1.0, 0
    grouped = used.groupby(["role", "level"])
    ss_c = float(((used["lc"] - grouped["lc"].transform("mean")) ** 2).sum())
    ss_b = float(((used["lb"] - grouped["lb"].transform("mean")) ** 2).sum())
    if not ss_b > 0 or not ss_c > 0:
        return 1.0, 0
    return math.sqrt(ss_c / ss_b), len(used)


def summaries(counts: pd.DataFrame, shares: pd.DataFrame) -> dict[tuple[str, str, str, str], dict[str, Any]]:
    """Counts and share sums by cell key (role, level, scope, key): {'n': {component: n},
    'zero': {...}, 'n_split', 'bonus_usd', 'equity_usd', 'split_usd'}."""
    out: dict[tuple[str, str, str, str], dict[str, Any]] = {}

    def entry(key: tuple[str, str, str, str]) -> dict[str, Any]:
        return out.setdefault(key, {"n": dict.fromkeys(COMPONENTS, 0), "zero": {}, "n_split": 0,
                                    "bonus_usd": 0.0, "equity_usd": 0.0, "split_usd": 0.0})

    for row in counts.to_dict("records"):
        found = entry((row["role"], row["level"], row["scope"], row["key"]))
        found["n"][row["component"]] = int(row["n"])
        if row["component"] in ("bonus", "equity") and int(row["zero"]):
            found["zero"][row["component"]] = int(row["zero"])
    for row in shares.to_dict("records"):
        found = entry((row["role"], row["level"], row["scope"], row["key"]))
        found.update(n_split=int(row["n_split"]), bonus_usd=float(row["bonus_usd"]),
                     equity_usd=float(row["equity_usd"]), split_usd=float(row["split_usd"]))
    return out


def summary_for(found: dict[str, Any] | None, fallback: dict[str, Any] | None,
                fallback_label: str, label: str) -> ComponentSummary:
    """A cell's `ComponentSummary`: its own counts; its shares from its own records when some
    carry the split, else from `fallback` (the national cell of the same view) when it has
    some, else none."""
    empty: dict[str, Any] = {"n": dict.fromkeys(COMPONENTS, 0), "zero": {}, "n_split": 0}
    own = found or empty
    source, where = (own, label) if own["n_split"] else (
        (fallback, fallback_label) if fallback is not None and fallback["n_split"] else (None, ""))
    if source is None:
        return ComponentSummary(n=dict(own["n"]), zero=dict(own["zero"]), bonus_share=None,
                                equity_share=None, n_shares=0,
                                shares_basis="no record of this cell or its national cell carries "
                                "a total with its bonus and equity")
    bonus, equity = shares_of(source["bonus_usd"], source["equity_usd"], source["split_usd"])
    return ComponentSummary(
        n=dict(own["n"]), zero=dict(own["zero"]), bonus_share=round(bonus, 4),
        equity_share=round(equity, 4), n_shares=int(source["n_split"]),
        shares_basis=f"ratio of sums over the {source['n_split']} records of {where} that carry a "
                     "total, a bonus and an equity figure (a stated 0 included)")


def no_data_message(component: str, segment: str | None, any_component_data: bool) -> str:
    """The one-line error for a view the store holds no observation of."""
    if component != "base" and not any_component_data:
        return ("this store has no total-compensation data (ingest a Levels.fyi export: "
                "paybench ingest FILE.csv); no " + COMPONENT_NAMES[component] + " to benchmark")
    return (f"this store has no {COMPONENT_NAMES[component]} observations from {segment} employers "
            "(paybench employers lists the segments it holds)")


def view_label(component: str, segment: str | None) -> str:
    """'total compensation, big-tech employers'; 'base pay, every employer'."""
    return f"{COMPONENT_NAMES[component]}, " + (f"{segment} employers" if segment else "every employer")


__all__: Sequence[str] = (
    "COMPONENTS", "COMPONENT_NAMES", "ComponentRatio", "ComponentSummary", "RatioTable",
    "component_counts", "component_ratios", "component_records", "component_shares",
    "no_data_message", "parse_component", "parse_segment", "shares_of", "summaries",
    "summary_for", "view_label",
)
