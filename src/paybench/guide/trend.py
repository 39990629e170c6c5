"""The guide's change of pay over a year: the mix-adjusted index of `paybench.bench.trend`
(what `Paybench.trend` and `paybench trend` print) beside the raw change of the median, with
its interval and n, for the ML roles by level (US observations: the survey's work years,
filings' dates) and for their OEWS occupations nationally (one median per release), set
beside the seeds' published changes ("increased by 9% year-over-year").

`guide_trends(ctx)` computes every series the guide prints once per report (and keeps them
with the guide's cells: `GuideData.computed`); `trend_section` is the "Pay over time"
section; `year_change` the headline's sentence; `measured_change` the published-versus-
measured table's figure for a published change. Each series is exactly the one
`Paybench.trend(role, level, "US")` returns: the same usable observations, narrowed the same
way, through the same `series_of_observations` and `oews_series`. Percentages are nominal
changes of annual base pay (not aged: the index measures what aging assumes).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from paybench.bench import NATIONAL
from paybench.bench.observations import usable_frame
from paybench.bench.trend import (
    COLUMNS,
    OEWS,
    PublishedChange,
    TrendSeries,
    TrendYear,
    in_place,
    oews_series,
    published_changes,
    role_occupations,
    series_of_observations,
)
from paybench.guide.figures import Block, Figure, Part, Section, empty, p, table
from paybench.guide.sections import Context
from paybench.guide.tables import IndexShown
from paybench.normalize.levels import LEVEL_NAMES, LEVELS
from paybench.normalize.roles import roles
from paybench.reference.published import load_figures
from paybench.wording import plural

ALL_LEVELS = "all"
"""How a series over every level (each held fixed) is named in figure ids."""
OEWS_WORKBOOK_HINT = ("BLS's national OEWS workbooks of earlier years (paybench ingest "
                      "national_M2024_dl.xlsx; May 2020 to May 2024 are on bls.gov/oes/tables.htm)")
"""What to ingest for an OEWS series over years."""


@dataclass(frozen=True)
class GuideTrends:
    """Every series the guide prints: `observations[(role, level)]` (level None: every level,
    each held fixed; US observations; None when no two years hold `trend_min_year_n`
    observations, so that no index can be made), the dated US observations with a level per
    (role, level) and year (`counts`), and the OEWS series per set of occupation codes
    (`oews`, national; None when the store holds none of them) with the roles that map to
    each set (`oews_roles`)."""

    roles: tuple[str, ...]
    observations: dict[tuple[str, str | None], TrendSeries | None]
    counts: dict[tuple[str, str | None], dict[int, int]]
    oews: dict[tuple[str, ...], TrendSeries | None]
    oews_roles: dict[tuple[str, ...], tuple[str, ...]]


def trend_roles(ctx: Context) -> tuple[str, ...]:
    """The roles the guide's change over time covers: the selected ML roles, then any other
    role a published change names (its measured twin is printed beside it)."""
    wanted = list(ctx.data.ml_roles())
    for fig in load_figures():
        if fig.statistic == "pct_change" and fig.role in roles() and fig.role not in wanted:
            wanted.append(fig.role)
    return tuple(wanted)


def _code_digest() -> str:
    """A short hash of the code the series depend on beyond the method's own (which the
    cells' cache key covers): this module (what it computes) and the OEWS reference module
    (its hybrid SOC codes)."""
    from paybench.reference import oews as oews_module

    assert oews_module.__file__ is not None
    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(Path(oews_module.__file__).read_bytes())
    return digest.hexdigest()[:16]


def guide_trends(ctx: Context) -> GuideTrends:
    """The series of `trend_roles` (module doc), computed once per report and remembered with
    the guide's cells (`GuideData.computed`)."""
    found = ctx.memo.get("trends")
    if found is None:
        wanted = trend_roles(ctx)
        found = ctx.memo["trends"] = ctx.data.computed(
            ("trends", wanted, _code_digest()), lambda: _compute(ctx, wanted))
    assert isinstance(found, GuideTrends)
    return found


def _compute(ctx: Context, wanted: tuple[str, ...]) -> GuideTrends:
    params = ctx.params
    # one read for every role; each (role, level) is then narrowed as `observation_series` does
    frame = usable_frame(ctx.store, params, columns=COLUMNS, roles=list(wanted))
    frame = frame[frame["level"].notna()]
    frame = frame[in_place(frame, NATIONAL)]
    years = pd.to_datetime(frame["observed_on"]).dt.year
    observations: dict[tuple[str, str | None], TrendSeries | None] = {}
    counts: dict[tuple[str, str | None], dict[int, int]] = {}
    for role in wanted:
        in_role = frame["role"].eq(role)
        present = set(frame.loc[in_role, "level"])
        for level in (None, *(lv for lv in LEVELS if lv in present)):
            mask = in_role if level is None else in_role & frame["level"].eq(level)
            by_year = {int(y): int(n) for y, n in years[mask].value_counts().sort_index().items()}
            counts[(role, level)] = by_year
            enough = sum(n >= params.trend_min_year_n for n in by_year.values()) >= 2
            observations[(role, level)] = series_of_observations(frame[mask], params) if enough else None
    oews: dict[tuple[str, ...], TrendSeries | None] = {}
    oews_roles: dict[tuple[str, ...], tuple[str, ...]] = {}
    for role in wanted:
        codes = occupations(role)
        if codes not in oews:
            oews[codes] = oews_series(ctx.store, roles()[role], NATIONAL, params)
        oews_roles[codes] = (*oews_roles.get(codes, ()), role)
    return GuideTrends(roles=wanted, observations=observations, counts=counts, oews=oews,
                       oews_roles=oews_roles)


def occupations(role: str) -> tuple[str, ...]:
    """A role's OEWS codes (`role_occupations`) as a set, sorted: roles with the same codes
    share one OEWS series."""
    return tuple(sorted(set(role_occupations(roles()[role]))))


def last_change(series: TrendSeries | None) -> TrendYear | None:
    """The series' latest year with an index change since the year before it with enough
    data (`TrendYear.change_since`), or None."""
    if series is None:
        return None
    found = [y for y in series.years if y.index_change_pct is not None]
    return found[-1] if found else None


def _level_text(level: str | None) -> str:
    return "every level" if level is None else LEVEL_NAMES.get(level, level).lower()


def _sources_text(year: TrendYear, before: TrendYear | None) -> str:
    parts = []
    for y in (before, year):
        if y is not None:
            parts.append(f"{y.year}: " + ", ".join(f"{k} {v:,}" for k, v in sorted(y.by_source.items())))
    return "; ".join(parts)


@dataclass(frozen=True)
class ChangeFigures:
    """The figures of one series' latest change: the index change and its interval ends
    (percent), the raw statistic's change, and the years and counts it stands on."""

    change: Figure
    low: Figure | None
    high: Figure | None
    raw: Figure | None
    since: int
    year: int
    n_before: int
    n: int
    sources: str


def change_figures(ctx: Context, series: TrendSeries, who: str, id_stem: str,
                   command: str) -> ChangeFigures | None:
    """Book the figures of a series' latest change (`last_change`): ids `{id_stem}-change`,
    `-low`, `-high`, `-raw`; record the change and its interval for `paybench check`."""
    year = last_change(series)
    if year is None or year.change_since is None or year.index_change_pct is None:
        return None
    before = next((y for y in series.years if y.year == year.change_since), None)
    unit = "occupations" if series.id == OEWS else "observations"
    n_before = before.n if before is not None else 0
    srcs = (f"{command}: {series.label}; {unit} by year and source: {_sources_text(year, before)}; "
            f"{series.method}; {series.interval}")
    span = f"{year.change_since} to {year.year}"
    change = ctx.book.add(f"{id_stem}-change", year.index_change_pct, "pct_change",
                          f"mix-adjusted change of base pay, {who}, {span}", srcs, exact=True)
    low = high = None
    if year.index_change_low is not None and year.index_change_high is not None:
        pct = f"{series.confidence:.0%}"
        low = ctx.book.add(f"{id_stem}-low", year.index_change_low, "pct_change",
                           f"lower end of the {pct} interval of the change, {who}, {span}", srcs,
                           exact=True)
        high = ctx.book.add(f"{id_stem}-high", year.index_change_high, "pct_change",
                            f"upper end of the {pct} interval of the change, {who}, {span}", srcs,
                            exact=True)
    raw = None
    if year.raw_change_pct is not None:
        raw = ctx.book.add(f"{id_stem}-raw", year.raw_change_pct, "pct_change",
                           f"change of the raw {series.raw_statistic}, {who}, {span} (unadjusted)",
                           srcs, exact=True)
    if not any(shown.name == change.id for shown in ctx.data.indexes):
        ctx.data.indexes.append(IndexShown(change.id, year.index_change_pct,
                                           year.index_change_low, year.index_change_high))
    return ChangeFigures(change=change, low=low, high=high, raw=raw, since=year.change_since,
                         year=year.year, n_before=n_before, n=year.n, sources=srcs)


def _interval(found: ChangeFigures) -> list[Part]:
    if found.low is None or found.high is None:
        return ["not estimable"]
    return [found.low, " to ", found.high]


def observation_figures(ctx: Context, role: str, level: str | None) -> ChangeFigures | None:
    """The figures of the latest change of a role's US observations at a level (None:
    every level), or None when it has no index."""
    series = guide_trends(ctx).observations.get((role, level))
    if series is None:
        return None
    name = roles()[role].name
    who = f"{name}, {_level_text(level)}, US"
    command = (f"paybench trend --role {role}" + (f" --level {level}" if level else "")
               + " --place US")
    return change_figures(ctx, series, who, f"trend-{role}-{level or ALL_LEVELS}", command)


def oews_figures(ctx: Context, codes: tuple[str, ...]) -> ChangeFigures | None:
    """The figures of the latest change of an OEWS series (national medians of `codes`)."""
    trends = guide_trends(ctx)
    series = trends.oews.get(codes)
    if series is None:
        return None
    first = trends.oews_roles[codes][0]
    who = f"OEWS national medians of SOC {', '.join(codes)}, every level"
    return change_figures(ctx, series, who, f"trend-oews-{'-'.join(codes)}",
                          f"paybench trend --role {first} --place US --source oews")


def measured_change(ctx: Context, role: str, level: str | None
                    ) -> tuple[ChangeFigures, str] | None:
    """What the guide sets beside a published change of a role's pay (at a level; None:
    every level): the latest change of the role's US observations at that level, else of
    its OEWS occupations (every level); (figures, what was measured) or None."""
    found = observation_figures(ctx, role, level)
    if found is not None:
        return found, f"{role} {level or 'all levels'}, US"
    codes = occupations(role)
    found = oews_figures(ctx, codes)
    if found is not None:
        return found, f"{role}: OEWS national medians of SOC {', '.join(codes)} (every level)"
    return None


def year_change(ctx: Context) -> Block:
    """The headline's sentence: the lead ML role's change over a year at mid and senior
    level, mix-adjusted with its interval and n, beside the raw median's."""
    lead = ctx.lead_ml_role()
    if lead is None:
        return empty("No change over a year: no ML role in this selection (--roles).")
    parts: list[Part] = []
    for level in ("mid", "senior"):
        found = observation_figures(ctx, lead, level)
        if found is None:
            continue
        parts += [f" {LEVEL_NAMES[level]} level ", found.change, f" from {found.since} to "
                  f"{found.year} (95% interval ", *_interval(found),
                  f"; n {found.n_before:,} and {found.n:,})"]
        if found.raw is not None:
            parts += ["; the raw median moved ", found.raw]
        parts.append(".")
    if not parts:
        return empty(f"No change over a year for {plural(roles()[lead].name.lower())}: no two years "
                     f"with {ctx.params.trend_min_year_n} or more dated observations at mid or "
                     "senior level in the US (ingest a salary survey or H-1B filings of "
                     "several years; section Pay over time).")
    return p(f"Change over a year of {plural(roles()[lead].name.lower())}' base pay in the US, "
             "mix-adjusted (levels, places and sources held fixed; section Pay over time):", *parts)


# --------------------------------------------------------------------------- the section
def trend_section(ctx: Context) -> Section:
    """Pay over time: the seeds' published changes beside the measured ones, the ML roles by
    level (US observations) and their OEWS occupations (national), each change mix-adjusted
    with its interval and n beside the raw change."""
    sec = Section("trend", "Pay over time",
                  "How pay changed over a year as a mix-adjusted index: each year compared "
                  "with the one before within fixed cells (level, place, source), so a shift "
                  "in the mix of levels and places does not move it; the raw change of the "
                  "median beside it. Nominal base pay, not aged.")
    trends = guide_trends(ctx)
    if not trends.roles:
        sec.blocks.append(empty("No ML roles in this selection (--roles): pay over time covers "
                                "the ML roles."))
        return sec
    sec.blocks.append(Block("h3", text="The published changes beside the index"))
    sec.blocks.extend(_published_block(ctx, trends))
    sec.blocks.append(Block("h3", text="ML roles by level: survey and filings (US)"))
    sec.blocks.extend(_observation_block(ctx, trends))
    sec.blocks.append(Block("h3", text="The ML occupations in OEWS (national medians)"))
    sec.blocks.extend(_oews_block(ctx, trends))
    method = next((s for s in (*trends.observations.values(), *trends.oews.values())
                   if s is not None), None)
    if method is not None:
        sec.blocks.append(p(
            "Method (docs/method.md, \"Pay over time\"): a time-dummy index, weighted least "
            "squares of log pay on year dummies and cell effects, so that each year is compared "
            "within cells only; a year enters with "
            f"{ctx.params.trend_min_year_n} or more observations in cells seen in another year "
            f"(OEWS: {ctx.params.trend_min_year_occupations} occupation). Intervals: "
            f"{ctx.params.trend_confidence:.0%}, from heteroskedasticity-robust (HC1) standard "
            "errors for observations and from OEWS's published relative standard errors for "
            "its medians. paybench trend prints every year of each series."))
    return sec


def _published_rows(ctx: Context, trends: GuideTrends) -> list[tuple[str, str | None, list[PublishedChange]]]:
    """The seeds' changes of the roles, grouped by role, level and quote (a printed range's
    two ends together)."""
    groups: dict[tuple[str, str | None, str], list[PublishedChange]] = {}
    for role in trends.roles:
        for change in published_changes(roles()[role], None):
            groups.setdefault((role, change.level, change.quote), []).append(change)
    return [(role, level, found) for (role, level, _q), found in groups.items()]


def _published_block(ctx: Context, trends: GuideTrends) -> list[Block]:
    rows: list[list[Part | list[Part]]] = []
    for role, level, found in _published_rows(ctx, trends):
        printed: list[Part] = []
        for i, change in enumerate(sorted(found, key=lambda c: c.percent)):
            fig = ctx.book.add(f"published-{change.figure_id}", change.percent, "pct_change",
                               "published change of pay over time",
                               f"published figure {change.figure_id} ({change.document}, "
                               f"{change.date.isoformat()}): \"{change.quote}\"", exact=True)
            printed += ([" to "] if i else []) + [fig]
        first = found[0]
        label: list[Part] = [*printed, f" a year ({first.document}, {first.date.year})"]
        name = roles()[role].name
        obs = observation_figures(ctx, role, level)
        codes = occupations(role)
        oews = oews_figures(ctx, codes)
        what = f"{name}, {_level_text(level)}"
        if obs is not None:
            rows.append([label, f"{what}, US: {_compared_sources(trends.observations[(role, level)], obs)}",
                         f"{obs.since}–{obs.year}", obs.change, _interval(obs),
                         f"{obs.n_before:,} / {obs.n:,}", obs.raw or "–"])
        else:
            counts = trends.counts.get((role, level), {})
            rows.append([label, f"{what}, US", "–", "not measured", "–",
                         _counts_text(counts), f"fewer than two years with "
                         f"{ctx.params.trend_min_year_n}+ observations"])
        if oews is not None:
            rows.append([label, f"{name}: OEWS, SOC {', '.join(codes)}, every level",
                         f"{oews.since}–{oews.year}", oews.change, _interval(oews),
                         f"{oews.n_before} / {oews.n} occ.", oews.raw or "–"])
    if not rows:
        return [empty("The seeds publish no change of pay over time for the roles in this "
                      "selection.")]
    blocks = [table(["published", "measured for", "years", "change", "95% interval", "n",
                     "raw median change"], rows, numeric=[2, 3, 4, 5, 6],
                    note="Published figures as printed (the seeds do not say which years they "
                         "compare); measured: the latest pair of years with enough data. "
                         "Change: the index's, mix-adjusted; raw: the median of each year's "
                         "observations (OEWS: the employment-weighted medians), unadjusted. "
                         "n: observations (OEWS: occupations) in each year.")]
    return blocks


def _compared_sources(series: TrendSeries | None, found: ChangeFigures) -> str:
    """The sources of the two years a change compares."""
    if series is None:
        return ""
    names = {k for y in series.years if y.year in (found.since, found.year) for k in y.by_source}
    return ", ".join(sorted(names))


def _counts_text(counts: dict[int, int]) -> str:
    return ", ".join(f"{y}: {n:,}" for y, n in sorted(counts.items())[-3:]) or "0"


def _observation_block(ctx: Context, trends: GuideTrends) -> list[Block]:
    rows: list[list[Part | list[Part]]] = []
    classes: list[str] = []
    missing: list[str] = []
    for role in trends.roles:
        if role not in ctx.data.ml_roles():
            continue
        keys = [k for k in trends.counts if k[0] == role]
        shown = 0
        for key in keys:
            found = observation_figures(ctx, *key)
            if found is None:
                continue
            series = trends.observations[key]
            rows.append([roles()[role].name if not shown else "", _level_text(key[1]),
                         f"{found.since}–{found.year}", found.change, _interval(found),
                         f"{found.n_before:,} / {found.n:,}", found.raw or "–",
                         _compared_sources(series, found)])
            classes.append("")
            shown += 1
        if not shown:
            missing.append(roles()[role].name)
    if not rows:
        return [empty(f"No index for the ML roles: no role has two years with "
                      f"{ctx.params.trend_min_year_n} or more dated observations in the US. "
                      "Add a salary survey (paybench ingest --defaults bundles the ai-jobs.net "
                      "survey) or H-1B filings of several years (paybench ingest "
                      "LCA_Disclosure_Data_FY2024_Q4.xlsx, one file per fiscal year).")]
    blocks = [table(["role", "level", "years", "change", "95% interval", "n", "raw median change",
                     "sources"], rows, classes=classes, numeric=[2, 3, 4, 5, 6],
                    note=f"Each level its own index; every level: one index with each level "
                         f"held fixed. A level is shown when two of its years hold "
                         f"{ctx.params.trend_min_year_n} or more observations in the same cells; "
                         "paybench trend --role ROLE --level LEVEL --place US prints its series.")]
    if missing:
        blocks.append(p("No index (fewer than two years with "
                        f"{ctx.params.trend_min_year_n} or more dated US observations at any "
                        "level): " + ", ".join(missing) + "."))
    return blocks


def _oews_block(ctx: Context, trends: GuideTrends) -> list[Block]:
    rows: list[list[Part | list[Part]]] = []
    for codes, series in trends.oews.items():
        found = oews_figures(ctx, codes)
        if found is None or series is None:
            continue
        last = series.years[-1]
        since: list[Part | list[Part]] = ["–", "–", "–"]
        if last.status == "indexed" and last.index is not None and last.base_year is not None:
            stem = f"trend-oews-{'-'.join(codes)}-since-{last.base_year}"
            who = f"OEWS national medians of SOC {', '.join(codes)}"
            total = ctx.book.add(stem, round(last.index - 100, 2), "pct_change",
                                 f"mix-adjusted change from May {last.base_year} to May "
                                 f"{last.year}, {who}", found.sources, exact=True)
            interval: list[Part] = ["not estimable"]
            if last.index_low is not None and last.index_high is not None:
                low = ctx.book.add(f"{stem}-low", round(last.index_low - 100, 2), "pct_change",
                                   f"lower end of its interval, {who}", found.sources, exact=True)
                high = ctx.book.add(f"{stem}-high", round(last.index_high - 100, 2), "pct_change",
                                    f"upper end of its interval, {who}", found.sources, exact=True)
                interval = [low, " to ", high]
                if not any(shown.name == total.id for shown in ctx.data.indexes):
                    ctx.data.indexes.append(IndexShown(total.id, last.index - 100,
                                                       last.index_low - 100, last.index_high - 100))
            since = [f"{last.base_year}–{last.year}", total, interval]
        names = " / ".join(roles()[r].name for r in trends.oews_roles[codes])
        rows.append([f"SOC {', '.join(codes)}: {names}", f"{found.since}–{found.year}", found.change,
                     _interval(found), found.raw or "–", *since])
    if not rows:
        return [empty("No OEWS series over years: the store holds one OEWS release of the ML "
                      f"occupations (or none); add {OEWS_WORKBOOK_HINT}.")]
    return [table(["occupations: roles", "latest year", "change", "95% interval",
                   "raw change", "whole series", "change", "95% interval"], rows,
                  numeric=[1, 2, 3, 4, 5, 6, 7],
                  note="May releases: the latest year's change, and the change over the whole "
                       "series (from its first release). Every level of the occupations (OEWS publishes no "
                       "levels); each occupation is a cell weighted by its mean employment over "
                       "the releases; BLS's May 2020 hybrid codes (15-1256, 15-2098) are cells "
                       "of their own.")]


__all__ = ["ChangeFigures", "GuideTrends", "guide_trends", "last_change", "measured_change",
           "trend_section", "year_change"]

