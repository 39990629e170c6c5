"""The guide's "Total compensation" section: base pay, bonus and equity (stock per year) and
their total for the ML roles, by level and by employer segment, set beside the seeds'
published total-compensation and bonus figures.

Every figure is one of the cells `paybench bench --role R --level L --component C
[--segment S]` prints (`Paybench.cell(..., component=, segment=)`): the views of
`paybench.bench.views` on the guide's base model, national (US), at the guide's effective date
and growth. Per row: the P50 of the base, bonus and equity cells, the shares of total pay that
are bonus and equity (the total cell's `components`: ratios of sums over the cell's records,
`paybench.bench.components`), the total cell's P25-P50-P75 and n, and the sources of each.
Nothing is recomputed here; the section only chooses which cells to print:

- by level (every employer): each selected ML role with usable US total-compensation
  observations, at mid and senior (a leadership role at its own level) and at every other level
  it holds such observations of;
- by segment: the same roles and levels in each employer segment (`paybench.normalize.
  segments`; not 'unclassified') whose total cell holds observations of its own.

The published figures come from the published figure book (`paybench.reference.published`,
the file the published-versus-measured section reads): pay figures of component `total` and
bonus shares (`bonus_pct`, percent of base) naming a selected ML role. A figure without a
level is set beside the mid and senior cells (the role's own level for leadership roles); a
total range beside every employer and the `TOP_FIRM_SEGMENTS`. A bonus share of base is set
beside the bonus cells' share of total pay and the bonus/base ratio the bonus cells' prior
uses (`ComponentRatio`, measured on records of every role carrying both).

A cell with fewer than `direct_min_n` observations of its own is thin (†), as in the other
sections. A store without total-compensation data gets one line saying so. Money: annual US
dollars at the guide's effective date; shares: percent.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from paybench.bench import NATIONAL, PARAMS, natural_level
from paybench.bench.components import COMPONENTS, ComponentRatio
from paybench.bench.model import BenchmarkCell, BenchmarkModel
from paybench.bench.views import ViewModel, has_component_data, view_params
from paybench.errors import InputError
from paybench.guide.figures import Block, Figure, Part, Section, empty, p, table
from paybench.guide.sections import THIN, Context
from paybench.guide.who_pays import SEGMENT_NAMES
from paybench.normalize.levels import LEVEL_NAMES, LEVELS
from paybench.normalize.roles import roles
from paybench.normalize.segments import SEGMENTS, rules_version
from paybench.reference.published import PublishedFigure, load_figures

TOP_FIRM_SEGMENTS: tuple[str, ...] = ("big-tech", "ai-lab")
"""The segments a published total for "top firms" is set beside (besides every employer): the
seed's "top firms" are big tech and elite AI labs (cv-maker.pro 2026, the figure's note in
published_figures.json)."""
SHOWN_LEVELS: tuple[str, ...] = ("mid", "senior")
"""The levels every role with total-compensation records is shown at (a leadership role: its
own level), and the levels a published figure without a level is set beside (the seeds'
"mid/senior offers")."""
OWN_KINDS = ("paid", "filed", "posted", "submitted")
"""The kinds of evidence that are observations of a cell's own."""
LEVELSFYI_HINT = "a Levels.fyi export (paybench ingest FILE.csv)"
"""What to ingest for the section."""


@dataclass(frozen=True)
class ViewRow:
    """One role x level (national) in one employer view (`segment` None: every employer):
    its cells by component (base, bonus, equity, total; a component the store cannot price
    there is absent)."""

    role: str
    level: str
    segment: str | None
    cells: dict[str, BenchmarkCell]

    @property
    def total(self) -> BenchmarkCell:
        """The total-pay cell (every row has one)."""
        return self.cells["total"]


@dataclass(frozen=True)
class TotalComp:
    """What the section prints, computed once per report (`total_comp`): `has_data`, whether
    the store holds usable total-compensation observations at all; `records`, the usable US
    total observations of the selected ML roles, by role; `by_level` and `by_segment`, the
    rows; `bonus_ratios`, per level shown, the bonus/base ratio the bonus cells' prior uses."""

    has_data: bool
    records: dict[str, int] = field(default_factory=dict)
    by_level: list[ViewRow] = field(default_factory=list)
    by_segment: list[ViewRow] = field(default_factory=list)
    bonus_ratios: dict[str, ComponentRatio] = field(default_factory=dict)


def store_has_total(ctx: Context) -> bool:
    """Whether the store holds usable total-compensation observations (any role), asked once
    per report (the published-versus-measured section reads it too)."""
    found = ctx.memo.get("has-total")
    if found is None:
        found = ctx.memo["has-total"] = ctx.data.computed(
            ("has-total",), lambda: has_component_data(ctx.store, "total", ctx.params))
    return bool(found)


def _code_digest() -> str:
    """A short hash of this module (what it computes)."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


def total_comp(ctx: Context) -> TotalComp:
    """The section's rows (module doc), computed once per report and remembered with the
    guide's cells (`GuideData.computed`, keyed by the ML roles, the segment rules and this
    module's code; the cells' own cache key covers the store, the method and the parameters)."""
    found = ctx.memo.get("total-comp")
    if found is None:
        ml = tuple(ctx.data.ml_roles())
        if not store_has_total(ctx):
            found = TotalComp(has_data=False)
        else:
            found = ctx.data.computed(("total-comp", ml, rules_version(), _code_digest()),
                                      lambda: _compute(ctx, ml))
        ctx.memo["total-comp"] = found
    assert isinstance(found, TotalComp)
    return found


def role_levels(role: str, present: set[str]) -> list[str]:
    """The levels a role is shown at: `SHOWN_LEVELS` (a leadership role: its own level) and
    every level in `present`, in the order of `LEVELS`."""
    natural = natural_level(roles()[role])
    wanted = set(SHOWN_LEVELS) if natural == "mid" else {natural}
    return [lv for lv in LEVELS if lv in wanted | present]


def _compute(ctx: Context, ml: tuple[str, ...]) -> TotalComp:
    from paybench.bench.observations import usable_frame

    base = ctx.data.model
    assert base is not None
    params = ctx.params
    found = TotalComp(has_data=True)
    if not ml:
        return found
    # which roles, levels and segments hold US total-compensation records: what to ask for
    frame = usable_frame(ctx.store, view_params(params, "total"), columns=("role", "level", "segment"),
                         roles=list(ml), us_only=True)
    frame = frame[frame["level"].notna()]
    counts = frame["role"].value_counts()
    found.records.update({r: int(counts[r]) for r in ml if r in counts.index})
    models: dict[tuple[str, str | None], ViewModel | None] = {}

    def model(component: str, segment: str | None) -> BenchmarkModel | None:
        """The view's model (cached beside the store by `ViewModel.load`); None when the
        store holds no observation of it (the InputError `ViewModel.build` raises)."""
        if component == "base" and segment is None:
            return base
        key = (component, segment)
        if key not in models:
            parent = model(component, None) if segment is not None else base
            try:
                models[key] = (None if parent is None else ViewModel.load(
                    ctx.store, view_params(params, component, segment), parent=parent))
            except InputError:
                models[key] = None
        return models[key]

    def row(role: str, level: str, segment: str | None) -> ViewRow | None:
        cells: dict[str, BenchmarkCell] = {}
        for component in COMPONENTS:
            chosen = model(component, segment)
            if chosen is None:
                continue
            try:
                cells[component] = chosen.cell(role, level, NATIONAL)
            except InputError:
                continue  # a cell the data cannot price (no record, no prior)
        return ViewRow(role, level, segment, cells) if "total" in cells else None

    wanted = [r for r in ml if found.records.get(r)]
    levels = {r: role_levels(r, set(frame.loc[frame["role"] == r, "level"])) for r in wanted}
    for role in wanted:
        for level in levels[role]:
            made = row(role, level, None)
            if made is not None:
                found.by_level.append(made)
    segments = set(frame["segment"].dropna()) - {"unclassified"}
    for segment in (s for s in SEGMENTS if s in segments):
        in_segment = frame[frame["segment"] == segment]
        for role in wanted:
            present = set(in_segment.loc[in_segment["role"] == role, "level"])
            for level in (lv for lv in levels[role] if lv in present):
                made = row(role, level, segment)
                if made is not None and made.total.n > 0:
                    found.by_segment.append(made)
    bonus = model("bonus", None)
    ratios = bonus.ratios_ if isinstance(bonus, ViewModel) else None
    if ratios is not None:
        for level in dict.fromkeys(r.level for r in found.by_level):
            ratio = ratios.for_level(level)
            if ratio is not None:
                found.bonus_ratios[level] = ratio
    return found


# --------------------------------------------------------------------------- figures
def bench_command(ctx: Context, role: str, level: str, component: str,
                  segment: str | None) -> str:
    """The `paybench bench` command that prints the same cell (with --as-of / --growth when
    the guide's differ from the defaults)."""
    cmd = f"paybench bench --role {role} --level {level} --component {component}"
    if segment is not None:
        cmd += f" --segment {segment}"
    if ctx.params.effective_date != PARAMS.effective_date:
        cmd += f" --as-of {ctx.params.effective_date.isoformat()}"
    if ctx.params.annual_growth != PARAMS.annual_growth:
        cmd += f" --growth {ctx.params.annual_growth:g}"
    return cmd


def own_sources(cell: BenchmarkCell) -> dict[str, int]:
    """The cell's observations of its own by source (its evidence 'in this cell')."""
    out: dict[str, int] = {}
    for ev in cell.sources:
        if ev.kind in OWN_KINDS and (ev.detail or "").startswith("in this cell"):
            out[ev.source] = out.get(ev.source, 0) + ev.n
    return dict(sorted(out.items()))


def _counts_text(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v:,}" for k, v in counts.items()) or "none of its own"


def cell_sources(ctx: Context, cell: BenchmarkCell) -> str:
    """A figure's sources: the command, n, method, confidence, basis and every evidence."""
    evidence = "; ".join(f"{ev.source} ({ev.kind}) {ev.n:,}" + (f" {ev.detail}" if ev.detail else "")
                         for ev in cell.sources)
    return (f"{bench_command(ctx, cell.role, cell.level, cell.component, cell.segment)}: "
            f"n {cell.n:,} of its own, {cell.method}, {cell.confidence} confidence; "
            f"{cell.basis}; sources: {evidence}")


def thin(ctx: Context, cell: BenchmarkCell) -> bool:
    """A cell with fewer than `direct_min_n` observations of its own (not direct)."""
    return cell.method != "direct" or cell.n < ctx.params.direct_min_n


def _who(row: ViewRow) -> str:
    where = "every employer" if row.segment is None else (
        f"{SEGMENT_NAMES.get(row.segment, row.segment)} employers")
    return f"{roles()[row.role].name}, {LEVEL_NAMES.get(row.level, row.level).lower()}, {where}, US"


def _short_who(row: ViewRow) -> str:
    """'Machine Learning Engineer, mid · big tech' (the table's place is the US)."""
    where = "every employer" if row.segment is None else SEGMENT_NAMES.get(row.segment, row.segment)
    return f"{roles()[row.role].name}, {LEVEL_NAMES.get(row.level, row.level).lower()} · {where}"


def _stem(row: ViewRow) -> str:
    return f"total-comp-{row.role}-{row.level}-{row.segment or 'all'}"


def _usd(ctx: Context, row: ViewRow, component: str, stat: str) -> Figure | None:
    cell = row.cells.get(component)
    if cell is None:
        return None
    from paybench.bench.components import COMPONENT_NAMES

    return ctx.book.add(f"{_stem(row)}-{component}-{stat}", getattr(cell, stat), "usd",
                        f"{stat.upper()} of {COMPONENT_NAMES[component]}, {_who(row)}",
                        cell_sources(ctx, cell))


def _share(ctx: Context, row: ViewRow, component: str) -> Figure | None:
    summary = row.total.components
    share = None if summary is None else getattr(summary, f"{component}_share")
    if summary is None or share is None:
        return None
    return ctx.book.add(
        f"{_stem(row)}-{component}-share", round(100 * share, 1), "share",
        f"share of total pay that is {component}, {_who(row)}",
        f"{bench_command(ctx, row.role, row.level, 'total', row.segment)}: shares of total pay "
        f"({summary.shares_basis}); records by source: {_counts_text(own_sources(row.total))}",
        exact=True)


@dataclass(frozen=True)
class RowFigures:
    """The figures of one row, booked: P50 of each component, the shares, the total's P25 and
    P75 and its n."""

    p50: dict[str, Figure | None]
    shares: dict[str, Figure | None]
    p25: Figure
    p75: Figure
    n: Figure
    zero: dict[str, str] = field(default_factory=dict)
    """Components whose records all state 0, with the sentence (`only_zero`)."""


def row_figures(ctx: Context, row: ViewRow) -> RowFigures:
    """Book a row's figures (ids `total-comp-{role}-{level}-{segment|all}-{component}-{stat}`)."""
    p25, p75 = _usd(ctx, row, "total", "p25"), _usd(ctx, row, "total", "p75")
    assert p25 is not None and p75 is not None
    n = ctx.book.add(f"{_stem(row)}-total-n", row.total.n, "count",
                     f"total-compensation observations of its own, {_who(row)}",
                     cell_sources(ctx, row.total))
    zero = only_zero(row)
    return RowFigures(p50={c: None if c in zero else _usd(ctx, row, c, "p50") for c in COMPONENTS},
                      shares={c: None if c in zero else _share(ctx, row, c) for c in ("bonus", "equity")},
                      p25=p25, p75=p75, n=n, zero=zero)


def only_zero(row: ViewRow) -> dict[str, str]:
    """The components (bonus, equity) every record of the row's total cell that states them
    states as 0, each with the sentence saying so (`ComponentSummary.only_zero`): their P50 is
    not printed (it would be the prior's median, of people receiving it)."""
    summary = row.total.components
    out: dict[str, str] = {}
    for component in ("bonus", "equity"):
        sentence = None if summary is None else summary.only_zero(component)
        if sentence is not None:
            out[component] = sentence
    return out


def _n_text(ctx: Context, cell: BenchmarkCell | None) -> str:
    if cell is None:
        return "–"
    return f"{cell.n:,}" + (" †" if thin(ctx, cell) else "")


def _n_method(ctx: Context, cell: BenchmarkCell | None) -> str:
    """'5 · shrunk †': a cell's own n, its method and the thin mark."""
    if cell is None:
        return "–"
    return f"{cell.n:,} · {cell.method}" + (" †" if thin(ctx, cell) else "")


def _with_share(figs: RowFigures, component: str) -> list[Part]:
    """A component's P50 and, in brackets, its share of total pay."""
    value, share = figs.p50[component], figs.shares[component]
    if component in figs.zero:
        return ["–", f" ({figs.zero[component]})"]
    out: list[Part] = [value if value is not None else "–"]
    if share is not None:
        out += [" (", share, ")"]
    return out


def _row_table(ctx: Context, rows: list[ViewRow], first: str,
               label: Callable[[ViewRow], str]) -> Block:
    body: list[list[Part | list[Part]]] = []
    classes: list[str] = []
    for row in rows:
        figs = row_figures(ctx, row)
        total = row.total
        body.append([label(row), figs.p50["base"] or "–", _with_share(figs, "bonus"),
                     _with_share(figs, "equity"),
                     [figs.p25, "–", figs.p50["total"] or "–", "–", figs.p75],
                     [figs.n, f" · {total.method}" + (" †" if thin(ctx, total) else "")],
                     " / ".join(_n_text(ctx, row.cells.get(c)) for c in ("base", "bonus", "equity")),
                     _counts_text(own_sources(total))])
        classes.append(THIN if any(thin(ctx, c) for c in row.cells.values()) else "")
    return table([first, "base P50", "bonus P50 of receivers (share)",
                  "equity P50 of receivers (share)",
                  "total P25–P50–P75", "n · method", "n base / bonus / equity",
                  "total's sources"], body, classes=classes, numeric=[1, 2, 3, 4],
                 note="Each figure is the cell paybench bench --component base|bonus|equity|total "
                      "(--segment ID) prints for the role × level, US (hover: the command, n, "
                      "method and sources). A bonus or equity P50 is among the people receiving "
                      "one (positive amounts; records stating 0 are counted in the share, not "
                      "in the P50), so where most records state 0 it stands above what most are "
                      "paid: read it with its share. Shares: of total pay, over the total cell's "
                      "records that state a bonus and an equity figure (a stated 0 included). The "
                      "components' P50s are each their own cell's and need not add up to the "
                      "total's; a component every record of the cell states as 0 shows '–' and says "
                      "so (its cell's P50 would be its prior's, of people receiving it). "
                      f"† thin: fewer than {ctx.params.direct_min_n} observations of its "
                      "own (shrunk towards, or modelled from, its prior).")


# --------------------------------------------------------------------------- published
def published_groups(ctx: Context) -> list[list[PublishedFigure]]:
    """The published figures the section sets beside its cells: pay figures of component
    total and bonus shares (percent of base) naming a selected ML role; the two ends of a
    range together, low first, in the order of the figure book."""
    ml = set(ctx.data.ml_roles())
    groups: dict[str, list[PublishedFigure]] = {}
    for fig in load_figures():
        if fig.role not in ml:
            continue
        if not ((fig.is_pay and fig.component == "total") or fig.statistic == "bonus_pct"):
            continue
        groups.setdefault(fig.group or fig.id, []).append(fig)
    return [sorted(g, key=lambda f: f.range_end != "low") for g in groups.values()]


def _published_parts(ctx: Context, group: list[PublishedFigure]) -> list[Part]:
    out: list[Part] = []
    for i, fig in enumerate(group):
        unit = "usd" if fig.is_pay else "share"
        what = (f"published {fig.statistic.replace('_', ' ')}"
                + (f" ({fig.qualifier.replace('_', ' ')})" if fig.qualifier else ""))
        out += (["–"] if i else []) + [ctx.book.add(
            f"total-comp-published-{fig.id}", fig.amount, unit, what,
            f"published figure {fig.id}: {fig.citation}", exact=fig.is_pay)]
    first = group[0]
    out.append(" total pay a year" if first.is_pay else " of base pay")
    return out


def _published_table(ctx: Context, data: TotalComp) -> list[Block]:
    groups = published_groups(ctx)
    if not groups:
        return [empty("No published total-compensation or bonus figure names a selected ML "
                      "role.")]
    by_level = {(r.role, r.level): r for r in data.by_level}
    by_segment = {(r.role, r.level, r.segment): r for r in data.by_segment}
    body: list[list[Part | list[Part]]] = []
    classes: list[str] = []
    cited: list[str] = []
    ratios: list[str] = []
    for group in groups:
        fig = group[0]
        assert fig.role is not None
        levels = [fig.level] if fig.level else role_levels(fig.role, set())
        published = _published_parts(ctx, group)
        source = f"{fig.document.publisher or fig.document.title} ({fig.document.date.isoformat()})"
        cited.append(f"{source}: “{fig.quote}”" + (f" (attributed to {fig.attributed_to})"
                                                   if fig.attributed_to else ""))
        rows: list[tuple[str, list[Part], str, bool]] = []
        for level in levels:
            every = by_level.get((fig.role, level))
            if every is None:
                continue
            if fig.is_pay:
                views = [every, *(r for s in TOP_FIRM_SEGMENTS
                                  if (r := by_segment.get((fig.role, level, s))) is not None)]
                for view in views:
                    figs = row_figures(ctx, view)
                    rows.append((_short_who(view), [figs.p25, "–", figs.p75, " (P50 ",
                                              figs.p50["total"] or "–", ")"],
                                 _n_method(ctx, view.total),
                                 thin(ctx, view.total)))
            else:
                figs = row_figures(ctx, every)
                measured: list[Part] = []
                if figs.shares["bonus"] is not None:
                    measured += [figs.shares["bonus"], " of total"]
                ratio = data.bonus_ratios.get(level)
                if ratio is not None:
                    measured += [" · " if measured else "", ctx.book.add(
                        f"total-comp-bonus-base-ratio-{level}", round(100 * ratio.ratio, 1), "share",
                        f"bonus as a share of base pay, {LEVEL_NAMES.get(level, level).lower()}: the "
                        "bonus cells' prior ratio", f"{bench_command(ctx, fig.role, level, 'bonus', None)}"
                        f": {ratio.describe('bonus')}; records by source: "
                        f"{_counts_text(ratio.sources)}", exact=True), " of base"]
                    where = ratio.records_label
                    ratios.append(f"{LEVEL_NAMES.get(level, level).lower()}: geometric mean of "
                                  f"bonus/base over {ratio.n:,} US {where} (every role) stating "
                                  "a bonus")
                if not measured:
                    measured = ["no record of this cell states its bonus"]
                bonus = every.cells.get("bonus")
                rows.append((_short_who(every), measured, _n_method(ctx, bonus),
                             bonus is not None and thin(ctx, bonus)))
        if not rows:
            body.append([published, source, f"{roles()[fig.role].name}: no cell with "
                         "total-compensation records at the levels it describes", "–", "–"])
            classes.append("muted")
            continue
        for i, (who, measured, n, is_thin) in enumerate(rows):
            body.append([published if i == 0 else "", source if i == 0 else "", who, measured, n])
            classes.append(THIN if is_thin else "")
    note = ("A published range's low end is set beside P25, its high end beside P75 (as in "
            "Published versus measured); a figure without a level beside the mid and senior "
            "cells; a total for top firms also beside the "
            + " and ".join(SEGMENT_NAMES[s] for s in TOP_FIRM_SEGMENTS)
            + " cells where they hold records. A bonus share of base beside the cell's bonus "
            "share of total pay and the bonus/base ratio of the bonus cells' prior"
            + (" (" + "; ".join(dict.fromkeys(ratios)) + ")" if ratios else "")
            + ". Published amounts as printed, not aged. Quoted: "
            + "; ".join(dict.fromkeys(cited)) + ".")
    return [table(["published", "source", "set beside", "measured", "n · method"], body,
                  classes=classes, numeric=[0, 3], note=note)]


# --------------------------------------------------------------------------- the section
def total_comp_section(ctx: Context) -> Section:
    """Total compensation: base, bonus and equity of the ML roles by level and segment, beside
    the seeds' published totals and bonus shares (module doc)."""
    sec = Section("total-comp", "Total compensation",
                  "Base pay, bonus and equity (stock granted, per year) and their total for the "
                  "ML roles in the US, from total-compensation records: by level over every "
                  "employer, and by employer segment where the segment's records are. Annual "
                  "USD at the effective date; the other sections are base pay.")
    if not ctx.data.ml_roles():
        sec.blocks.append(empty("No ML roles in this selection (--roles): total compensation "
                                "covers the ML roles."))
        return sec
    data = total_comp(ctx)
    if not data.has_data:
        sec.blocks.append(empty("No total-compensation data in this store (base pay only): "
                                f"ingest {LEVELSFYI_HINT} for base, bonus and equity by level "
                                "and segment."))
        return sec
    if not data.by_level:
        sec.blocks.append(empty("No total-compensation records of the selected ML roles in the "
                                f"US in this store: ingest {LEVELSFYI_HINT} that holds them."))
        return sec
    files = ctx.store.query(
        "SELECT string_agg(DISTINCT path, '; ' ORDER BY path) AS paths FROM ingests WHERE source "
        "IN (SELECT DISTINCT source FROM observations WHERE component = 'total')")
    paths = str(files["paths"].iloc[0]) if not files.empty else ""
    counted = ctx.book.add("total-comp-records-n", sum(data.records.values()), "count",
                           "usable US total-compensation observations of the ML roles",
                           "by role: " + _counts_text(data.records) + f"; files: {paths}")
    sec.blocks.append(p(counted, " usable total-compensation records of the ML roles in the US "
                        f"(files: {paths}); each states its total and, where reported, its base, "
                        "bonus and stock per year."))
    sec.blocks.append(Block("h3", text="The published figures beside the cells"))
    sec.blocks.extend(_published_table(ctx, data))
    sec.blocks.append(Block("h3", text="ML roles by level, every employer"))
    sec.blocks.append(_row_table(ctx, data.by_level, "role · level", lambda r: (
        f"{roles()[r.role].name}, {LEVEL_NAMES.get(r.level, r.level).lower()}")))
    sec.blocks.append(Block("h3", text="ML roles by employer segment"))
    if data.by_segment:
        sec.blocks.append(_row_table(ctx, data.by_segment, "segment · role · level", lambda r: (
            f"{SEGMENT_NAMES.get(r.segment or '', r.segment)}: {roles()[r.role].name}, "
            f"{LEVEL_NAMES.get(r.level, r.level).lower()}")))
    else:
        sec.blocks.append(empty("No total-compensation record of the ML roles names an employer "
                                "of a known segment (section Who pays lists the segments)."))
    missing = [roles()[r].name for r in ctx.data.ml_roles() if not data.records.get(r)]
    if missing:
        sec.blocks.append(p("Without total-compensation records in the US (not shown; paybench "
                            "bench --component total prices them from the base cell alone): "
                            + ", ".join(missing) + "."))
    return sec


__all__ = ["TOP_FIRM_SEGMENTS", "TotalComp", "ViewRow", "bench_command", "published_groups",
           "store_has_total", "total_comp", "total_comp_section"]
