"""`paybench check`: audit every cell the guide would print, the guide's rankings, its changes
of pay over time and employer counts, and a fixed list of estimates against the invariants a
reader checks, and list each violation with the cell and the numbers.

Invariants (`INVARIANTS`):

- percentile-order: P10 <= P25 <= P50 <= P75 <= P90 in every cell;
- ladder: at every place the guide prints, the medians of a role's levels and of its family
  keep the ladders of `paybench.bench.ladder`, and a role's individual-contributor levels
  their P10, P25, P75 and P90 too (never lower at a higher level: `paybench.bench.model`,
  ordered percentiles) (entry < mid < senior < staff < principal;
  manager < director < executive; director above senior; a family's directors and executives
  above its senior cell, its leadership roles in order), unless both cells are direct and say
  so in their notes;
- metro-order: for one role x level, metros whose cells hold fewer than `direct_min_n`
  observations of their own follow the order of their OEWS differentials (a cell with
  enough local data may break it: that is evidence): no such cell is more than $100 (the
  rounding of a printed figure) below one of a strictly lower printed differential, the
  method's "ordered places" (`paybench.bench.model.BenchmarkModel.place_order_bounds`); a
  cell whose own records (5+, all pay received) may limit its hold is judged by them, not here;
- estimate-vs-cell: a title + place + level estimate with nothing else given has the cell's
  P50 within 2% and a P10-P90 that contains the cell's P25-P75 (`ESTIMATES`);
- no-data-high-confidence: no cell without observations of its own is high confidence;
- thin-ranked: every ranked list or chart marks the cells with fewer than `direct_min_n`
  observations of their own;
- index-interval: every change of pay over time the guide prints with an interval (the
  mix-adjusted index, `paybench.guide.trend`) lies within it;
- employer-n: every employer's and segment's count of filings the guide prints ("Who pays",
  `paybench.guide.who_pays`) equals the store's: usable observations of the kinds counted,
  by their stored `employer`, `segment` and `segment_sector` columns (not through the
  report's own query).

When the store holds total-compensation data, the total-pay cells of the same role x level x
place (`paybench.bench.views`) are audited too, for percentile-order, ladder and
no-data-high-confidence (`total_cells`), and for total-above-base: each percentile of a
total cell at least its base cell's (a total is base plus bonus and equity).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from paybench.bench.ladder import constraints, family_members, family_of
from paybench.bench.params import PERCENTILES
from paybench.bench.scopes import NATIONAL, REMOTE, metro_place, scope_for
from paybench.errors import InputError
from paybench.normalize.levels import IC_LEVELS
from paybench.normalize.roles import get_role

if TYPE_CHECKING:
    from paybench.bench import BenchmarkCell, BenchmarkModel, CellPlace, MethodParams
    from paybench.engine import Paybench
    from paybench.guide.tables import GuideData
    from paybench.store import Store

INVARIANTS: dict[str, str] = {
    "percentile-order": "P10 <= P25 <= P50 <= P75 <= P90 in every cell",
    "ladder": "levels of a role, and of its family, in order at every place",
    "metro-order": "metros without direct local data follow their OEWS differentials",
    "estimate-vs-cell": "a title + place + level estimate has the cell's P50 (2%) and an "
                        "interval containing its P25-P75",
    "no-data-high-confidence": "no cell without observations of its own is high confidence",
    "thin-ranked": "ranked lists and charts mark every thin cell",
    "index-interval": "every change of pay over time the guide prints lies within its interval",
    "employer-n": "every employer and segment count the guide prints equals the store's",
    "total-above-base": "every total-pay cell is at or above the base cell of its role x level "
                        "x place at each percentile",
}
"""Each invariant's name and what it says."""

ESTIMATES: tuple[tuple[str, str, str], ...] = (
    ("Machine Learning Engineer", "Boston, MA", "mid"),
    ("Machine Learning Engineer", "Austin, TX", "mid"),
    ("Machine Learning Engineer", "San Jose, CA", "senior"),
    ("Machine Learning Engineer", "US", "senior"),
    ("Data Scientist", "New York, NY", "mid"),
    ("Software Engineer", "Seattle, WA", "senior"),
    ("Data Engineer", "Remote", "senior"),
    ("Head of AI", "US", "director"),
    ("Engineering Manager", "San Francisco, CA", "manager"),
    ("VP of Engineering", "US", "executive"),
    ("Machine Learning Engineer", "United Kingdom", "mid"),
)
"""The fixed estimates `check` compares with their cells: (title, place, level)."""

P50_TOLERANCE = 0.02
"""An estimate's P50 may differ from its cell's by this share (issue 13: within 2%)."""


class Violation(BaseModel):
    """One broken invariant: which, where, and the numbers."""

    invariant: str
    cell: str = Field(description="the cell(s): 'role|level|place'")
    detail: str


class CheckReport(BaseModel):
    """What `check` audited and what it found."""

    cells: int = Field(description="guide cells audited")
    rankings: int = Field(description="ranked lists and charts audited")
    estimates: int = Field(description="estimates compared with their cells")
    indexes: int = Field(default=0, description="changes of pay over time audited")
    employer_counts: int = Field(default=0, description="employer and segment counts audited")
    invariants: dict[str, str]
    violations: list[Violation]

    @property
    def ok(self) -> bool:
        """True when nothing is violated."""
        return not self.violations


def _key(cell: BenchmarkCell) -> str:
    view = "" if cell.component == "base" and cell.segment is None else \
        f"|{cell.component}" + (f"|{cell.segment}" if cell.segment else "")
    return f"{cell.role}|{cell.level}|{cell.place.guide_key}{view}"


def percentile_order(cells: Sequence[BenchmarkCell]) -> list[Violation]:
    """Cells whose five percentiles are not in order."""
    out = []
    for cell in cells:
        q = [cell.p10, cell.p25, cell.p50, cell.p75, cell.p90]
        if any(b < a for a, b in itertools.pairwise(q)):
            out.append(Violation(invariant="percentile-order", cell=_key(cell),
                                 detail="P10-P90 " + ", ".join(f"{v:,}" for v in q)))
    return out


def ladders(model: BenchmarkModel, pairs: set[tuple[str, str]],
            places: dict[str, CellPlace]) -> list[Violation]:
    """Ladder orders among the cells of each (family, place) the guide prints."""
    out = []
    seen: set[tuple[str, str]] = set()
    for role_id, place_key in sorted(pairs):
        family = family_of(get_role(role_id))
        if (family, place_key) in seen:
            continue
        seen.add((family, place_key))
        place = places[place_key]
        cells: dict[tuple[str, str], BenchmarkCell] = {}
        for rule in constraints(family_members(family)):
            for node in (rule.low, rule.high):
                if node not in cells:
                    try:
                        cells[node] = model.cell(node[0], node[1], place)
                    except InputError:
                        continue
            low, high = cells.get(rule.low), cells.get(rule.high)
            if low is None or high is None:
                continue
            if rule.low[0] == rule.high[0] and {rule.low[1], rule.high[1]} <= set(IC_LEVELS):
                for q in ("p10", "p25", "p75", "p90"):  # ordered percentiles (bench.model, step 6)
                    if getattr(high, q) < getattr(low, q):
                        out.append(Violation(
                            invariant="ladder", cell=f"{_key(low)} < {_key(high)}",
                            detail=f"{rule.why}: {q.upper()} {getattr(low, q):,} (n {low.n}) vs "
                                   f"{getattr(high, q):,} (n {high.n})"))
            if high.p50 > low.p50:
                continue
            said = any(rule.why in note and "direct data" in note for note in high.notes)
            if said:
                continue
            out.append(Violation(
                invariant="ladder", cell=f"{_key(low)} < {_key(high)}",
                detail=f"{rule.why}: P50 {low.p50:,} (n {low.n}) vs {high.p50:,} (n {high.n})"))
    return out


def metro_order(cells: Sequence[BenchmarkCell], least_n: int, tolerance: int = 100,
                own_say: Callable[[BenchmarkCell], bool] = lambda _cell: False) -> list[Violation]:
    """For each role x level, the metro cells without direct local data (fewer than `least_n`
    observations of their own besides H-1B filings, `BenchmarkCell.n_filed`) out of the order
    of their OEWS differentials: a cell whose median is more than `tolerance` dollars (the
    rounding of a published figure) below that of a cell with a strictly lower differential,
    as printed (`place_differential`, to 0.01%). One violation per such cell, naming the
    lower-differential cell with the highest median; cells of equal differentials are not
    ordered. A cell for which `own_say` is true (its own records may limit the order:
    `BenchmarkModel.local_median_interval`) is not compared."""
    out = []
    groups: dict[tuple[str, str], list[BenchmarkCell]] = {}
    for cell in cells:
        if cell.place.scope == "metro" and cell.n - cell.n_filed < least_n \
                and cell.place_differential is not None and not own_say(cell):
            groups.setdefault((cell.role, cell.level), []).append(cell)
    for group in groups.values():
        group.sort(key=lambda c: (c.place_differential or 0.0, c.place.key))
        highest: BenchmarkCell | None = None  # of the cells with a strictly lower differential
        for _diff, same in itertools.groupby(group, key=lambda c: c.place_differential or 0.0):
            tied = list(same)
            for b in tied:
                if highest is not None and highest.p50 > b.p50 + tolerance:
                    out.append(Violation(
                        invariant="metro-order", cell=f"{_key(highest)} vs {_key(b)}",
                        detail=f"differential {highest.place_differential:+.2%} < "
                               f"{b.place_differential:+.2%} but P50 {highest.p50:,} > {b.p50:,} "
                               f"(n {highest.n} and {b.n})"))
            top = max(tied, key=lambda c: c.p50)
            if highest is None or top.p50 > highest.p50:
                highest = top
    return out


def no_data_high_confidence(cells: Sequence[BenchmarkCell]) -> list[Violation]:
    """Cells without observations of their own marked high confidence."""
    return [Violation(invariant="no-data-high-confidence", cell=_key(c),
                      detail=f"n 0, confidence high ({c.method}, data weight {c.data_weight})")
            for c in cells if c.n == 0 and c.confidence == "high"]


def thin_ranked(data: GuideData, least_n: int) -> list[Violation]:
    """Items of the guide's rankings with fewer than `least_n` observations, unmarked."""
    return [Violation(invariant="thin-ranked", cell=key,
                      detail=f"ranked in {ranking.name} with n {n}, not marked thin")
            for ranking in data.rankings for key, n, marked in ranking.items
            if n < least_n and not marked]


def index_intervals(data: GuideData) -> list[Violation]:
    """Changes of pay over time printed outside their interval (or with an interval that is
    not finite); one printed as 'not estimable' (no interval) is not audited."""
    import math

    out = []
    for shown in data.indexes:
        if shown.low is None or shown.high is None:
            continue
        ends = (shown.low, shown.point, shown.high)
        if not all(math.isfinite(v) for v in ends) or not shown.low <= shown.point <= shown.high:
            out.append(Violation(invariant="index-interval", cell=shown.name,
                                 detail=f"change {shown.point:+.2f}% outside its interval "
                                        f"{shown.low:+.2f}% to {shown.high:+.2f}%"))
    return out


def employer_counts(store: Store, data: GuideData, params: MethodParams) -> list[Violation]:
    """Employer and segment counts the guide prints that differ from the store's: usable
    observations (`paybench.bench.observations`) of the kinds counted and the roles pooled,
    by their stored employer, segment and sector."""
    from paybench.bench.observations import usable_frame

    if not data.employer_counts:
        return []
    kinds = sorted({k for shown in data.employer_counts for k in shown.kinds})
    frame = usable_frame(store, params, kinds=kinds or None,
                         columns=("kind", "role", "employer", "segment", "segment_sector"))
    frame = frame[frame["employer"].notna()]
    out = []
    for shown in data.employer_counts:
        sub = frame[frame["segment"].eq(shown.segment)]
        if shown.kinds:
            sub = sub[sub["kind"].isin(list(shown.kinds))]
        if shown.roles is not None:
            sub = sub[sub["role"].isin(list(shown.roles))]
        if shown.employer is not None:
            sector = sub["segment_sector"]
            sub = sub[sub["employer"].eq(shown.employer)
                      & (sector.eq(shown.sector) if shown.sector is not None else sector.isna())]
        if len(sub) != shown.n:
            what = shown.employer or f"segment {shown.segment}"
            scope = "every role" if shown.roles is None else f"{len(shown.roles)} roles pooled"
            out.append(Violation(invariant="employer-n", cell=f"{what} ({shown.segment}, {scope})",
                                 detail=f"the guide prints {shown.n:,}; the store holds {len(sub):,} "
                                        f"usable observations of kind {', '.join(shown.kinds) or 'any'}"))
    return out


def estimates_vs_cells(pb: Paybench, cases: Sequence[tuple[str, str, str]] = ESTIMATES) -> list[Violation]:
    """The fixed estimates against the cells of the same title, place and level."""
    out = []
    for title, place, level in cases:
        where = f"{title}|{level}|{place}"
        try:
            estimate = pb.estimate(title, place=place, level=level)
            cell = pb.cell(title, level, place)
        except InputError as exc:
            out.append(Violation(invariant="estimate-vs-cell", cell=where, detail=f"error: {exc}"))
            continue
        gap = estimate.p50 / cell.p50 - 1
        if abs(gap) > P50_TOLERANCE:
            out.append(Violation(invariant="estimate-vs-cell", cell=_key(cell),
                                 detail=f"{title!r} in {place}: estimate P50 {estimate.p50:,} vs "
                                        f"cell {cell.p50:,} ({gap:+.1%})"))
        if estimate.p10 > cell.p25 or estimate.p90 < cell.p75:
            out.append(Violation(invariant="estimate-vs-cell", cell=_key(cell),
                                 detail=f"{title!r} in {place}: estimate P10-P90 {estimate.p10:,}-"
                                        f"{estimate.p90:,} does not contain the cell's P25-P75 "
                                        f"{cell.p25:,}-{cell.p75:,}"))
    return out


def run_check(pb: Paybench, *, metros: int = 25,
              cases: Sequence[tuple[str, str, str]] = ESTIMATES) -> CheckReport:
    """Audit the guide's cells (`metros` largest tech metros), its rankings and `cases`.
    InputError when the store cannot build a guide."""
    from paybench.guide import build_guide
    from paybench.guide.report import build_report

    with pb.locked() as store:
        data = build_guide(store, metros=metros, params=pb.params)
        build_report(store, data)  # the rankings, indexes and employer counts as the report shows them
        counted = employer_counts(store, data, pb.params)
    model = data.model
    assert model is not None
    places: dict[str, CellPlace] = {"US": NATIONAL, "remote": REMOTE}
    places.update({m["cbsa"]: metro_place(m["cbsa"], m["area_name"]) for m in data.metros})
    places.update({r.place: scope_for(r.place) for r in data.rows if r.scope == "country"})
    cells = [model.cell(r.role, r.level, places[r.place]) for r in data.rows if r.place in places]
    least = model.params.direct_min_n
    pairs = {(r.role, r.place) for r in data.rows if r.place in places}
    violations = (percentile_order(cells)
                  + ladders(model, pairs, places)
                  + metro_order(cells, least, own_say=lambda c: model.local_median_interval(
                      c.role, c.level, c.place) is not None)
                  + no_data_high_confidence(cells)
                  + thin_ranked(data, least) + index_intervals(data) + counted
                  + estimates_vs_cells(pb, cases))
    totals, total_violations = total_cells(pb, data, places, pairs)
    return CheckReport(cells=len(cells) + len(totals), rankings=len(data.rankings),
                       estimates=len(cases), indexes=len(data.indexes),
                       employer_counts=len(data.employer_counts), invariants=INVARIANTS,
                       violations=violations + total_violations)


def total_cells(pb: Paybench, data: GuideData, places: dict[str, CellPlace],
                pairs: set[tuple[str, str]]) -> tuple[list[BenchmarkCell], list[Violation]]:
    """The total-pay cells (`paybench.bench.views`) of the guide's role x level x place cells
    when the store holds total-compensation data (none otherwise), and their violations of
    percentile-order, ladder and no-data-high-confidence (the same invariants as base cells),
    and total-above-base: each percentile at least the base cell's (`total_above_base`)."""
    from paybench.bench.views import has_component_data, view_params

    with pb.locked() as store:
        if not has_component_data(store, "total", pb.params):
            return [], []
    model = pb.model(view_params(pb.params, "total"))
    cells: list[BenchmarkCell] = []
    for row in data.rows:
        if row.place not in places:
            continue
        try:
            cells.append(model.cell(row.role, row.level, places[row.place]))
        except InputError:
            continue  # a total cell the data cannot price (no base cell, no record): not printed
    base = pb.model()
    return cells, (percentile_order(cells) + ladders(model, pairs, places)
                   + no_data_high_confidence(cells)
                   + total_above_base(cells, lambda c: base.cell(c.role, c.level, c.place)))


def total_above_base(totals: Sequence[BenchmarkCell],
                     base_of: Callable[[BenchmarkCell], BenchmarkCell]) -> list[Violation]:
    """Total-pay cells with a percentile below the same percentile of their base cell
    (`base_of`: the base cell of the same role x level x place and segment); a total is base
    plus bonus and equity (`paybench.bench.views.ViewModel.cell` holds it so). One violation
    per such cell, naming the percentiles."""
    out = []
    for cell in totals:
        base = base_of(cell)
        below = [f"P{q} {getattr(cell, f'p{q}'):,} < {getattr(base, f'p{q}'):,}"
                 for q in PERCENTILES if getattr(cell, f"p{q}") < getattr(base, f"p{q}")]
        if below:
            out.append(Violation(invariant="total-above-base", cell=_key(cell),
                                 detail="total below base: " + ", ".join(below)))
    return out
