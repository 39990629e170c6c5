"""Pay components and employer segments of a cell: what a total-compensation record holds, and
the figures a derived view's cells report and stand on.

A total-compensation record (the Levels.fyi export, `paybench.sources.levelsfyi`) is stored as
up to four observations sharing one `dedup_key`: `total`, `base`, `equity` (stock per year) and
`bonus`; a stated bonus or equity of 0 is a real zero, a component not stored was not reported.
Money is annual US dollars; shares are fractions of 1.

- `component_counts`: per cell, the usable observations of each component (the n a cell of
  that component counts: positive amounts, k-anonymity applied) and the records stating a 0;
  where every record that states a bonus (or equity) states 0, the cell says so in a plain
  sentence (`zero_statement`, `ComponentSummary.all_zero`), as the one-line error of a view
  with nothing but stated zeros does (`no_data_message`);
- `component_shares`: per cell, the **shares of total pay that are bonus and equity**, as a
  ratio of sums over the cell's records that carry a total, a bonus and an equity figure (each
  dedup_key once, weighted as the cells weigh it): bonus share = sum(w x bonus) / sum(w x D),
  equity share = sum(w x equity) / sum(w x D), with D = max(total, base + bonus + equity) (the
  total, unless the parts' rounding puts them above it, at most by the ingest's tolerance), so
  each share is in [0, 1] and bonus share + equity share <= 1. A ratio of sums: the share of
  the cell's pay dollars, which is what a bonus pool or a grant budget is;
- `component_ratios`: the ratio of a component to base pay measured on the US records that
  carry both (`ComponentRatio`), by level and pooled, over every record and per employer
  segment (`RatioTable`); `RatioTable.for_cell` gives a national cell's ratio (`CellRatio`):
  the segment ratios weighted by the employer-segment mix of the base observations that name
  an employer (`base_segment_mix`), so that an all-employer cell does not inherit the ratio of
  the employers the total-compensation records over-represent (big tech). The prior of a
  national cell of that component is the base cell of the same role x level scaled by it
  (`paybench.bench.views`; docs/method.md, "Cells by component and segment").

`parse_segment` reads the segment a user names; `parse_component`, `COMPONENTS` and
`COMPONENT_NAMES` come from their one home, `paybench.normalize.components`.
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
from paybench.normalize.components import COMPONENT_NAMES, COMPONENTS, parse_component
from paybench.normalize.levels import IC_LEVELS
from paybench.normalize.segments import SEGMENTS
from paybench.wording import counted

if TYPE_CHECKING:
    import ibis.expr.types as ir

RECORD_COLUMNS: tuple[str, ...] = ("role", "level", "country", "state", "metro", "work_mode",
                                   "source", "kind", "segment")
"""The columns of a total-compensation record besides its components."""


def parse_segment(segment: str | None) -> str | None:
    """A segment id as given ("Big-Tech", " ai lab "), or None when none is given (None: every
    employer). InputError (field 'segment') naming the ids (`paybench.normalize.segments.
    SEGMENTS`) for anything else, an empty or blank value included: a blank names no segment,
    and reading it as every employer would answer a question the user did not ask (as a blank
    component is no choice of base pay, `parse_component`)."""
    if segment is None:
        return None
    if not segment.strip():
        raise InputError("an empty segment names none; omit it for every employer, or give one "
                         f"of {', '.join(SEGMENTS)}", field="segment")
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
    all_zero: list[str] = Field(default_factory=list, description="one plain sentence per "
                                "component (bonus, equity) that every record of the cell stating "
                                "it states as 0: 'all 4 records of this cell state a bonus of 0'")

    def only_zero(self, component: str) -> str | None:
        """When every record of the cell that states `component` (bonus or equity) states 0 (the
        rule of `all_zero`: some state 0, none a positive amount), the plain sentence saying so
        ('all 4 records of this cell state equity (stock per year) of 0'); else None. A surface
        printing the component's P50 prints this instead: that P50 is the prior's, of people
        receiving it, not this cell's."""
        zero = int(self.zero.get(component, 0))
        if component not in ZERO_WORDS or not zero or self.n.get(component, 0):
            return None
        return zero_statement(component, zero, int(self.n.get("total", 0)), "of this cell")


ZERO_WORDS: dict[str, str] = {"bonus": "a bonus", "equity": "equity (stock per year)"}
"""What a record states as 0, in `zero_statement`'s sentence (the components a record may state
as a real 0: `paybench.sources.levelsfyi`)."""


def zero_statement(component: str, zero: int, records: int, where: str) -> str:
    """The plain sentence that every record of `where` ("of this cell", "of ai-lab employers in
    this store") stating `component` (bonus or equity) states 0: 'all 4 records of this cell
    state a bonus of 0'; `zero`, the records stating 0; `records`, the records of `where` (those
    with a total): when more, the others are said to state none ('all 3 records of this cell
    that state a bonus state 0; 2 others state none'). ValueError for another component or a
    `zero` below 1."""
    if component not in ZERO_WORDS or zero < 1:
        raise ValueError(f"no stated 0 of {component!r} to speak of ({zero})")
    what = ZERO_WORDS[component]
    others = records - zero
    if others <= 0:
        if zero == 1:
            return f"the 1 record {where} states {what} of 0"
        return f"all {zero:,} records {where} state {what} of 0"
    rest = f"{counted(others, 'other')} {'states' if others == 1 else 'state'} none"
    if zero == 1:
        return f"the 1 record {where} that states {what} states 0; {rest}"
    return f"all {zero:,} records {where} that state {what} state 0; {rest}"


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


STOCK_HEAVY_SEGMENTS: tuple[str, ...] = ("big-tech", "ai-lab")
"""The segments whose pay leans most on stock, and which total-compensation records (the
Levels.fyi export) over-represent: a segment of the mix without a ratio of its own that is not
one of these takes the ratio measured outside them (`RatioTable.for_cell`). Issue 17's user
trial: an all-employer total cell scaled by a ratio measured mostly at big tech overstated the
total of every other employer."""
OUTSIDE = "outside big-tech and ai-lab"
"""`ComponentRatio.segment` of the ratio measured on records outside `STOCK_HEAVY_SEGMENTS`."""


@dataclass(frozen=True)
class ComponentRatio:
    """How a component relates to base pay, measured on records that carry both: `log_ratio`,
    the weighted mean of log(component / base); `spread`, the variance of log pay the component
    has beyond base pay's within a cell (log units squared, `_spread`; 0 when too few records
    measure it; `widened` turns it into a base cell's factor); `n`, records; `level`, the
    level it was measured at (None: pooled over every level); `sources`, records per source;
    `segment`, the employer segment of the records (None: every record; `OUTSIDE`: records
    outside `STOCK_HEAVY_SEGMENTS`); `segments`, records per segment."""

    log_ratio: float
    spread: float
    n: int
    level: str | None
    spread_n: int
    sources: dict[str, int] = field(default_factory=dict)
    segment: str | None = None
    segments: dict[str, int] = field(default_factory=dict)
    trend_n: int = 0
    """When positive, the ratio is the level's `n` records blended with the trend across the
    individual-contributor levels fitted on `trend_n` records (`level_trend`)."""

    @property
    def ratio(self) -> float:
        """The geometric-mean ratio component / base."""
        return math.exp(self.log_ratio)

    @property
    def records_label(self) -> str:
        """Which records: 'senior records', 'big-tech records of every level', ..."""
        who = "" if self.segment is None else (
            "records " + OUTSIDE if self.segment == OUTSIDE else f"{self.segment} records")
        if self.level and self.trend_n:
            return (f"{self.level} {who or 'records'} with the trend across levels of "
                    f"{self.trend_n} records (too few at the level)")
        if self.level:
            return f"{self.level} {who or 'records'}"
        return f"{who} of every level" if who else "records of every level (too few at one level)"

    def share(self, segments: Sequence[str]) -> float:
        """The share of the records (counted) whose employer is in one of `segments`, 0-1:
        of the records the ratio stands on (those of the level trend, for a trend ratio)."""
        total = sum(self.segments.values())
        return sum(self.segments.get(s, 0) for s in segments) / total if total else 0.0

    def describe(self, component: str) -> str:
        """One line: the ratio, on what it was measured, and the spread."""
        spread = (f"spread: the base cell's widened by the variance of log {component} beyond log "
                  f"base within a cell, {self.spread:.3f} over {self.spread_n} records"
                  if self.spread_n else "spread as base pay's (too few records to measure it)")
        if self.trend_n:
            return (f"{component}/base ratio {self.ratio:.3f} (the {self.n} US {self.level} "
                    f"records carrying both, blended with the trend of the log ratio across "
                    f"levels fitted on {self.trend_n} records); {spread}")
        return (f"{component}/base ratio {self.ratio:.3f} (geometric mean over {self.n} US "
                f"{self.records_label} carrying both); {spread}")


@dataclass(frozen=True)
class SegmentMix:
    """The employer-segment mix a base cell stands on (`base_segment_mix`): `shares`, each
    segment's share of the weight of the US base observations of `role` (at `level`; None:
    every level) that name an employer, outside total-compensation records, fractions summing
    to 1, largest first; `n`, observations per segment; `sources`, observations per source."""

    role: str
    level: str | None
    shares: dict[str, float]
    n: dict[str, int]
    sources: dict[str, int]

    @property
    def total(self) -> int:
        """Observations the mix is taken from."""
        return sum(self.n.values())

    def describe(self) -> str:
        """'the segment mix of the 120 US base observations of machine-learning-engineer
        senior that name an employer (lca 100, postings 20)'."""
        where = f"{self.role} {self.level}" if self.level else f"{self.role} (every level)"
        sources = ", ".join(f"{k} {v}" for k, v in self.sources.items())
        return (f"the employer-segment mix of the {self.total} US base-pay observations of {where} "
                f"that name an employer ({sources}; total-compensation records left out)")


@dataclass(frozen=True)
class RatioPart:
    """One segment of a `CellRatio`: its `share` of the mix, the base observations `n_base` it
    counts there, the `ratio` that stands for it and, when that is not the segment's own,
    `fallback`, saying which ratio stands in and why."""

    segment: str
    share: float
    n_base: int
    ratio: ComponentRatio
    fallback: str | None = None


@dataclass(frozen=True)
class CellRatio:
    """The ratio of a component to base pay a national cell's prior uses (`RatioTable.
    for_cell`): `log_ratio`, the mix-weighted mean of the segments' log ratios (`parts`), or,
    with no `mix`, the ratio of every record (`pooled`) with `caveat` saying how many of those
    records are at stock-heavy employers; `spread` as measured over every record."""

    component: str
    log_ratio: float
    spread: float
    spread_n: int
    level: str
    mix: SegmentMix | None
    parts: tuple[RatioPart, ...]
    pooled: ComponentRatio | None
    caveat: str = ""

    @property
    def ratio(self) -> float:
        """The ratio component / base (geometric)."""
        return math.exp(self.log_ratio)

    def short(self) -> str:
        """The prior's label in a cell's basis: the ratio and how it was built, in one line."""
        c = self.component
        if self.mix is None:
            assert self.pooled is not None
            where = self.pooled.level or "every level"
            if self.pooled.trend_n:
                where += f", with the level trend over {self.pooled.trend_n}"
            return (f"{c}/base {self.ratio:.2f} ({self.pooled.n} records, {where}); {self.caveat}")
        parts = ", ".join(
            f"{p.segment} {p.share:.0%} x{p.ratio.ratio:.2f} "
            + (f"({p.ratio.n} {p.segment} records)" if p.fallback is None
               else f"(no own ratio: {p.ratio.n} records {_fallback_who(p.ratio)})")
            for p in self.parts)
        return (f"{c}/base {self.ratio:.2f}, segment ratios weighted by {self.mix.describe()}: "
                f"{parts}" + (f"; {self.caveat}" if self.caveat else ""))

    def describe(self) -> str:
        """The ratio, each segment's share, ratio and records, the fallbacks and the spread."""
        c = self.component
        spread = (f"spread: the base cell's widened by the variance of log {c} beyond log base "
                  f"within a cell, {self.spread:.3f} over {self.spread_n} records"
                  if self.spread_n else "spread as base pay's (too few records to measure it)")
        if self.mix is None:
            assert self.pooled is not None
            return f"{self.pooled.describe(c)}; {self.caveat}"
        parts = "; ".join(
            f"{p.segment} {p.share:.1%} of the mix ({p.n_base} observations) x {p.ratio.ratio:.3f}"
            f" (geometric mean over {p.ratio.n} US {p.ratio.records_label})"
            + (f", as a fallback: {p.fallback}" if p.fallback else "") for p in self.parts)
        return (f"{c}/base ratio {self.ratio:.3f}: the geometric mean of the segments' ratios "
                f"weighted by {self.mix.describe()}: {parts}; {spread}"
                + (f"; {self.caveat}" if self.caveat else ""))

    def ratios(self) -> list[tuple[ComponentRatio, list[str]]]:
        """Each distinct ratio used, with the segments it stands for (in `parts` order)."""
        out: dict[int, tuple[ComponentRatio, list[str]]] = {}
        if self.mix is None and self.pooled is not None:
            return [(self.pooled, [])]
        for part in self.parts:
            out.setdefault(id(part.ratio), (part.ratio, []))[1].append(part.segment)
        return list(out.values())


def _fallback_who(ratio: ComponentRatio) -> str:
    if ratio.segment == OUTSIDE:
        return OUTSIDE
    return "of every employer"


def _percent(share: float) -> str:
    return f"{share:.0%}"


@dataclass
class RatioTable:
    """The component ratios of a store: by level, and pooled over every level, over every
    record (`by_level`, `pooled`), per employer segment with `min_obs_for_offset` records
    (`segments`), and outside the stock-heavy segments (`outside`); and the segment mixes of
    the base observations that name an employer (`mixes`, by (role, level) and (role, None))."""

    component: str
    by_level: dict[str, ComponentRatio]
    pooled: ComponentRatio | None
    segments: dict[str, RatioTable] = field(default_factory=dict)
    outside: RatioTable | None = None
    mixes: dict[tuple[str, str | None], SegmentMix] = field(default_factory=dict)
    least: int = PARAMS.min_obs_for_offset

    def for_level(self, level: str) -> ComponentRatio | None:
        """The level's own ratio when measured on enough records, else the pooled one (None:
        no record carries both). Over the records of the table's employers, whatever their
        mix: a cell's prior uses `for_cell`."""
        return self.by_level.get(level, self.pooled)

    def mix_for(self, role: str, level: str) -> SegmentMix | None:
        """The segment mix of the role x level's base observations that name an employer when
        they are `least` or more, else the role's over every level when those are, else None."""
        for key in ((role, level), (role, None)):
            found = self.mixes.get(key)
            if found is not None and found.total >= self.least:
                return found
        return None

    def for_cell(self, role: str, level: str) -> CellRatio | None:
        """The ratio of a national cell of `role` x `level` (module doc; docs/method.md):

        - with a segment mix (`mix_for`): sum over the mix's segments of share x log ratio,
          each segment's own ratio (at the level when the segment has `least` records there,
          else over every level) when it has `least` records; else, for a stock-heavy
          segment, the ratio of every record (`for_level`), and for another the ratio of
          the records outside the stock-heavy segments (at the level, else over every level)
          when those are `least`, else the ratio of every record, said to overstate;
        - without one: the ratio of every record (`for_level`), with a caveat stating the
          share of those records at stock-heavy employers.

        None when no record carries both the component and base."""
        every = self.for_level(level)
        if every is None:
            return None
        spread, spread_n = every.spread, every.spread_n
        mix = self.mix_for(role, level)
        if mix is None:
            return CellRatio(self.component, every.log_ratio, spread, spread_n, level, None, (),
                             every, self._no_mix_caveat(every, role, level))
        parts = []
        overstated: list[str] = []
        for segment, share in mix.shares.items():
            ratio, fallback = self._segment_ratio(segment, level, every)
            if fallback is not None and ratio is every and segment not in STOCK_HEAVY_SEGMENTS:
                overstated.append(segment)
            parts.append(RatioPart(segment, share, mix.n.get(segment, 0), ratio, fallback))
        log_ratio = sum(p.share * p.ratio.log_ratio for p in parts)
        caveat = ""
        if overstated:
            takes = "takes" if len(overstated) == 1 else "take"
            caveat = (f"{', '.join(overstated)} {takes} the ratio of every record "
                      f"({_percent(every.share(STOCK_HEAVY_SEGMENTS))} at big-tech or ai-lab "
                      f"employers): the {COMPONENT_NAMES[self.component]} may be overstated there")
        return CellRatio(self.component, log_ratio, spread, spread_n, level, mix, tuple(parts),
                         None, caveat)

    def _segment_ratio(self, segment: str, level: str,
                       every: ComponentRatio) -> tuple[ComponentRatio, str | None]:
        own = self.segments.get(segment)
        found = own.for_level(level) if own is not None else None
        if found is not None:
            return found, None
        few = f"fewer than {self.least} {segment} records"
        if segment in STOCK_HEAVY_SEGMENTS:
            return every, f"{few}: the ratio of every record"
        outside = self.outside.for_level(level) if self.outside is not None else None
        if outside is not None:
            return outside, f"{few}: the ratio of the records {OUTSIDE}"
        return every, (f"{few}, and fewer than {self.least} {OUTSIDE}: the ratio of every "
                       "record, which may overstate it")

    def _no_mix_caveat(self, every: ComponentRatio, role: str, level: str) -> str:
        found = self.mixes.get((role, None))
        n = found.total if found is not None else 0
        big, lab = (_percent(every.share([s])) for s in STOCK_HEAVY_SEGMENTS)
        what = COMPONENT_NAMES[self.component]
        effect = (f"the {what} may be overstated for other employers"
                  if self.component in ("total", "equity") else
                  f"the {what} may differ for other employers")
        why = (f"only {n} US base-pay observations of {role} outside total-compensation records "
               f"name an employer, fewer than {self.least}" if n else
               f"no US base-pay observation of {role} outside total-compensation records names "
               "an employer")
        return (f"measured on records of which {big} are at big-tech and {lab} at ai-lab "
                f"employers, not weighed by the employers of the base cell ({why}): {effect}")


def component_ratios(records: pd.DataFrame, component: str, params: MethodParams = PARAMS,
                     mix: pd.DataFrame | None = None) -> RatioTable:
    """The ratio of `component` to base pay from total-compensation records (a frame of
    `component_records`; a `segment` column, when present, gives each record's employer
    segment, null read as 'unclassified'): over US records with a positive base and a
    positive `component`, the weighted mean of log(component / base) per level when the level
    has at least `params.min_obs_for_offset` such records, and pooled over every level; the
    same per employer segment with at least `min_obs_for_offset` records (pooled over its
    levels; by level where a level has that many too), and over the records outside
    `STOCK_HEAVY_SEGMENTS` when they are that many. The spread, the within-group variance of
    log component beyond that of log base (`_spread`), pooled over role x level groups of 2+
    records, when at least `min_obs_for_offset` records stand in such groups (else 0: the
    base cell's spread), over every record. `mix`: a frame of `base_segment_mix`
    (None: no base observation names an employer). ValueError for `component` 'base'."""
    if component == "base":
        raise ValueError("base pay is the reference of the ratios")
    least = params.min_obs_for_offset
    mixes = segment_mixes(mix) if mix is not None else {}
    rows = records[(records["country"] == "US") & (records["base"] > 0) & (records[component] > 0)]
    if rows.empty:
        return RatioTable(component, {}, None, mixes=mixes, least=least)
    segment = (rows["segment"] if "segment" in rows.columns
               else pd.Series(None, index=rows.index, dtype=object))
    rows = rows.assign(lr=(rows[component].astype(float) / rows["base"].astype(float)).map(math.log),
                       lc=rows[component].astype(float).map(math.log),
                       lb=rows["base"].astype(float).map(math.log),
                       segment=segment.fillna("unclassified").astype(str))
    spread, spread_n = _spread(rows, least)

    def table(part_rows: pd.DataFrame, who: str | None, pooled_least: int) -> RatioTable:
        def ratio(part: pd.DataFrame, level: str | None) -> ComponentRatio:
            w = part["weight"].astype(float)
            counts = part.groupby("source").size().sort_index()
            segs = part.groupby("segment").size().sort_index()
            return ComponentRatio(log_ratio=float((part["lr"] * w).sum() / w.sum()), spread=spread,
                                  n=len(part), level=level, spread_n=spread_n,
                                  sources={str(k): int(v) for k, v in counts.items()}, segment=who,
                                  segments={str(k): int(v) for k, v in segs.items()})

        by_level = {str(level): ratio(part, str(level)) for level, part in part_rows.groupby("level")
                    if len(part) >= least}
        by_level.update(level_trend(part_rows, by_level, least, spread, spread_n, who))
        pooled = ratio(part_rows, None) if len(part_rows) >= max(pooled_least, 1) else None
        return RatioTable(component, by_level, pooled, least=least)

    found = table(rows, None, 1)
    found.mixes = mixes
    found.segments = {str(s): table(part, str(s), least) for s, part in rows.groupby("segment")
                      if len(part) >= least}
    outside = rows[~rows["segment"].isin(list(STOCK_HEAVY_SEGMENTS))]
    found.outside = table(outside, OUTSIDE, least) if len(outside) >= least else None
    return found


def level_trend(rows: pd.DataFrame, own: dict[str, ComponentRatio], least: int, spread: float,
                spread_n: int, segment: str | None) -> dict[str, ComponentRatio]:
    """The ratio of each individual-contributor level with fewer than `least` records of its
    own (`rows`: records with `level`, `lr` = log(component / base), `weight`, `source`,
    `segment`), from the trend of the log ratio across the levels: a weighted least-squares
    line of `lr` on the level's rank (entry 0 .. principal 4) over the records at those
    levels, when at least `least` records stand at two or more of them; the level's own
    records, if any, blended with the line's value there as a cell with its prior is, the
    line weighing `least` records: (n x own mean + least x line) / (n + least). Levels in
    `own` are left out (they have `least` records). Why: the share of pay in stock and bonus
    rises with level (equity grants grow faster than base with level at the employers that
    grant it; Levels.fyi, "End of Year Pay Report" 2023; BLS, "Employer Costs for Employee
    Compensation" for bonus by occupation grade), so a level without its records is not
    given the ratio pooled over every level, which overstates entry and understates
    principal (issue 17's trial: an entry total P90 above the mid one's). {} when no line
    can be fitted."""
    rank = {level: i for i, level in enumerate(IC_LEVELS)}
    ic = rows[rows["level"].isin(list(IC_LEVELS))]
    if len(ic) < least or ic["level"].nunique() < 2:
        return {}
    x = ic["level"].map(rank).astype(float)
    w = ic["weight"].astype(float)
    y = ic["lr"].astype(float)
    xm = float((w * x).sum() / w.sum())
    ym = float((w * y).sum() / w.sum())
    sxx = float((w * (x - xm) ** 2).sum())
    slope = float((w * (x - xm) * (y - ym)).sum()) / sxx if sxx > 0 else 0.0
    # the line stands on every one of them: its sources and segments are theirs
    sources = {str(k): int(v) for k, v in ic.groupby("source").size().sort_index().items()}
    segments = {str(k): int(v) for k, v in ic.groupby("segment").size().sort_index().items()}
    out: dict[str, ComponentRatio] = {}
    for level in IC_LEVELS:
        if level in own:
            continue
        line = ym + slope * (rank[level] - xm)
        part = ic[ic["level"] == level]
        n = len(part)
        mean = float((part["lr"] * part["weight"]).sum() / part["weight"].sum()) if n else 0.0
        out[level] = ComponentRatio(
            log_ratio=(n * mean + least * line) / (n + least), spread=spread, n=n, level=level,
            spread_n=spread_n, sources=dict(sources), segment=segment, segments=dict(segments),
            trend_n=len(ic))
    return out


def base_segment_mix(backend: Any, params: MethodParams = PARAMS) -> pd.DataFrame:
    """The employer segments of the base pay a national base cell stands on: the usable US
    base-pay observations (every employer; `params`' date and kinds, submissions left out)
    with a role and an employer, leaving out those of total-compensation records (a
    dedup_key that also has a total: the records the ratios are measured on, which
    over-represent stock-heavy employers, are no evidence of who employs the role). Per role,
    level (null kept), segment (null read as 'unclassified') and source: `n` observations and
    `w`, their summed weight."""
    from paybench.bench.observations import usable_observations

    base = params.replace(component="base", segment=None)
    kinds = [k for k in base.kinds_used if k != "submitted"]
    t = usable_observations(backend, base, kinds=kinds,
                            columns=("role", "level", "country", "employer", "segment", "source"))
    t = t.filter(t.country == "US", t.role.notnull(), t.employer.notnull())
    raw = backend.table("observations")
    totals = raw.filter(raw.component == "total").select("dedup_key").distinct()
    t = t.anti_join(totals, "dedup_key")
    t = t.mutate(segment=t.segment.fill_null("unclassified"))
    frame = t.group_by(["role", "level", "segment", "source"]).aggregate(
        n=t.count(), w=t.weight.sum()).execute()
    return frame.sort_values(["role", "level", "segment", "source"], kind="stable",
                             na_position="last").reset_index(drop=True)


def segment_mixes(frame: pd.DataFrame) -> dict[tuple[str, str | None], SegmentMix]:
    """`SegmentMix` per (role, level) and per (role, None) (every level, observations without
    a level included) from a frame of `base_segment_mix`."""
    out: dict[tuple[str, str | None], SegmentMix] = {}
    if frame.empty:
        return out
    frame = frame.assign(level=frame["level"].astype(object).where(frame["level"].notnull(), None))

    def mix(part: pd.DataFrame, role: str, level: str | None) -> SegmentMix | None:
        weights = part.groupby("segment")["w"].sum()
        total = float(weights.sum())
        if not total > 0:
            return None
        counts = part.groupby("segment")["n"].sum()
        order = sorted(weights.index, key=lambda s: (-float(weights[s]), str(s)))
        sources = part.groupby("source")["n"].sum().sort_index()
        return SegmentMix(role=role, level=level,
                          shares={str(s): float(weights[s]) / total for s in order},
                          n={str(s): int(counts[s]) for s in order},
                          sources={str(k): int(v) for k, v in sources.items()})

    for role, part in frame.groupby("role"):
        found = mix(part, str(role), None)
        if found is not None:
            out[(str(role), None)] = found
        for level, sub in part[part["level"].notnull()].groupby("level"):
            found = mix(sub, str(role), str(level))
            if found is not None:
                out[(str(role), str(level))] = found
    return out


def _spread(rows: pd.DataFrame, least: int) -> tuple[float, int]:
    """(the variance of log pay the component has beyond base pay's within a role x level,
    pooled: (SS_component - SS_base) / (records - groups), at least 0; the records it stands
    on), or (0, 0) when fewer than `least` records stand in groups of 2+."""
    groups = rows.groupby(["role", "level"])
    sizes = groups["lc"].transform("size")
    used = rows[sizes >= 2]
    if len(used) < least:
        return 0.0, 0
    grouped = used.groupby(["role", "level"])
    ss_c = float(((used["lc"] - grouped["lc"].transform("mean")) ** 2).sum())
    ss_b = float(((used["lb"] - grouped["lb"].transform("mean")) ** 2).sum())
    dof = len(used) - grouped.ngroups
    if dof <= 0 or not math.isfinite(ss_c - ss_b):
        return 0.0, 0
    return max(0.0, (ss_c - ss_b) / dof), len(used)


def widened(base_sd: float, extra_var: float) -> float:
    """The factor a base cell's spread around its median is scaled by for a component: the
    component's log sd over base pay's when the component adds `extra_var` (log units squared,
    `ComponentRatio.spread`) to the base cell's variance `base_sd` squared:
    sqrt(base_sd^2 + extra_var) / base_sd; 1 when `base_sd` is not positive. Variances add: a
    wide base cell (a survey pooling many employers) is widened less, in proportion, than a
    narrow one, so a few records never make a cell's P90 run away from its data."""
    if not base_sd > 0:
        return 1.0
    return math.sqrt(base_sd * base_sd + max(0.0, extra_var)) / base_sd


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
                fallback_label: str, label: str, component: str | None = None) -> ComponentSummary:
    """A cell's `ComponentSummary`: its own counts; its shares from its own records when some
    carry the split, else from `fallback` (the national cell of the same view) when it has
    some, else none; `all_zero`, a `zero_statement` for each of bonus and equity that the
    cell's records state only as 0 (`label`: "this cell"), saying, for the view's own
    `component`, that its percentiles are then its prior's."""
    empty: dict[str, Any] = {"n": dict.fromkeys(COMPONENTS, 0), "zero": {}, "n_split": 0}
    own = found or empty
    all_zero = []
    for name in ZERO_WORDS:
        zero = int(own["zero"].get(name, 0))
        if zero and not own["n"].get(name, 0):
            sentence = zero_statement(name, zero, int(own["n"].get("total", 0)), f"of {label}")
            if name == component:
                sentence += (f": its percentiles are those of people receiving "
                             f"{ZERO_WORDS[name]}, from the cell's prior")
            all_zero.append(sentence)
    source, where = (own, label) if own["n_split"] else (
        (fallback, fallback_label) if fallback is not None and fallback["n_split"] else (None, ""))
    if source is None:
        return ComponentSummary(n=dict(own["n"]), zero=dict(own["zero"]), bonus_share=None,
                                equity_share=None, n_shares=0,
                                shares_basis="no record of this cell or its national cell carries "
                                "a total with its bonus and equity", all_zero=all_zero)
    bonus, equity = shares_of(source["bonus_usd"], source["equity_usd"], source["split_usd"])
    return ComponentSummary(
        n=dict(own["n"]), zero=dict(own["zero"]), bonus_share=round(bonus, 4),
        equity_share=round(equity, 4), n_shares=int(source["n_split"]),
        shares_basis=f"ratio of sums over the {source['n_split']} records of {where} that carry a "
                     "total, a bonus and an equity figure (a stated 0 included)", all_zero=all_zero)


def no_data_message(component: str, segment: str | None, any_component_data: bool,
                    zero: int = 0, records: int = 0) -> str:
    """The one-line error for a view the store holds no positive observation of. `zero`: the
    view's records stating the component as 0 (`records`: the view's records with a total);
    when some do, the error is their `zero_statement` ('all 6 records of ai-lab employers in
    this store state a bonus of 0: no bonus to benchmark among people receiving one')."""
    if zero and component in ZERO_WORDS:
        where = f"of {segment} employers in this store" if segment else "in this store"
        return (f"{zero_statement(component, zero, records, where)}: no {COMPONENT_NAMES[component]} "
                "to benchmark among people receiving one")
    if component != "base" and not any_component_data:
        return ("this store has no total-compensation data (ingest a Levels.fyi export: "
                "paybench ingest FILE.csv); no " + COMPONENT_NAMES[component] + " to benchmark")
    return (f"this store has no {COMPONENT_NAMES[component]} observations from {segment} employers "
            "(paybench employers lists the segments it holds)")


def view_label(component: str, segment: str | None) -> str:
    """'total compensation, big-tech employers'; 'base pay, every employer'."""
    return f"{COMPONENT_NAMES[component]}, " + (f"{segment} employers" if segment else "every employer")


__all__: Sequence[str] = (
    "COMPONENTS", "COMPONENT_NAMES", "OUTSIDE", "STOCK_HEAVY_SEGMENTS", "ZERO_WORDS", "CellRatio",
    "ComponentRatio", "ComponentSummary", "RatioPart", "RatioTable", "SegmentMix",
    "base_segment_mix", "component_counts", "component_ratios", "component_records",
    "component_shares", "no_data_message", "parse_component", "parse_segment",
    "segment_mixes", "shares_of", "summaries", "summary_for", "view_label", "zero_statement",
)
