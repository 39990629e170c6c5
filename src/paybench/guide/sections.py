"""The guide's sections 1-5, 7 and 10, computed from the store and the guide's cells.

Each builder takes a `Context` (the store, the cells, the figure book) and returns a
`Section`. A section, or a part of one, that the store has no data for says so in one
line, naming the data it needs. Money is annual US dollars at the guide's effective date
unless a label says otherwise (hourly rates: US dollars per hour).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from paybench import charts
from paybench.bench import NATIONAL, PARAMS, REMOTE, MethodParams, natural_level
from paybench.bench.observations import usable_frame
from paybench.guide.figures import (
    Block,
    CellValue,
    Figure,
    FigureBook,
    Part,
    Section,
    empty,
    p,
    percent_share,
    rng,
    table,
)
from paybench.guide.tables import GuideData, GuideRow, Ranking
from paybench.normalize.levels import LEVEL_NAMES, LEVELS
from paybench.normalize.money import HOURS_PER_YEAR
from paybench.normalize.roles import AREAS, roles
from paybench.reference.oews import industry_names
from paybench.sources import catalog
from paybench.store import Store
from paybench.wording import plural

ML_SOCS = {"15-2051": "Data scientists", "15-1221": "Computer and information research scientists"}
"""The OEWS occupations ML roles map to first: where the ML jobs are counted."""
REFERENCE_SOC = "15-1252"
MIN_GROUP_N = 30
"""A survey or posting median is printed only from this many observations."""
MIN_CONTRACT_N = 5
"""A contract or freelance hourly median is printed only from this many observations."""
GUIDE_COLUMNS = ("source", "kind", "role", "level", "metro", "work_mode", "company_size",
                 "industry", "employer", "observed_on", "annual_usd")
"""The observation columns the guide's sections read."""
THIN = "thin"



@dataclass
class Context:
    """What every section builder needs."""

    store: Store
    data: GuideData
    book: FigureBook
    charts_svg: dict[str, str]
    chart_specs: dict[str, dict[str, Any]]
    _frames: dict[tuple[Any, ...], pd.DataFrame] = field(default_factory=dict, repr=False)
    """Usable observations read once per report (`observations`, `contract_frame`)."""
    memo: dict[str, Any] = field(default_factory=dict, repr=False)
    """What several sections read, computed once per report (`paybench.guide.trend`, ...)."""

    @property
    def effective(self) -> dt.date:
        """The guide's effective date."""
        return self.data.effective_date

    def chart(self, name: str, chart: Any) -> Block:
        """Render a chart once (its spec kept for guide.json) and return its block."""
        spec = charts.to_spec(chart)
        svg = charts.to_svg(spec, cache=chart_cache())
        self.chart_specs[name] = spec
        self.charts_svg[name] = svg
        return Block("chart", svg=svg, text=name)

    def lead_ml_role(self) -> str | None:
        """The ML role the narrative leads with: machine learning engineer if selected."""
        ml = self.data.ml_roles()
        if "machine-learning-engineer" in ml:
            return "machine-learning-engineer"
        return ml[0] if ml else None

    @property
    def params(self) -> MethodParams:
        """The method's parameters the guide's cells were built under."""
        return self.data.model.params if self.data.model is not None else PARAMS

    def usable(self, key: tuple[Any, ...], **options: Any) -> pd.DataFrame:
        """`usable_frame(store, params, **options)`, remembered with the guide's cells under
        `key` (`GuideData.computed`: the cells' cache key covers the store's content, the
        method's code, where usable observations are defined, and the parameters), so a second
        guide of an unchanged store reads it instead of querying again."""
        return self.data.computed(("usable", *key),
                                  lambda: usable_frame(self.store, self.params, **options))

    def observations(self, roles_in: list[str] | None = None, kinds: tuple[str, ...] = (
            "paid", "filed", "posted"), us_only: bool = True) -> pd.DataFrame:
        """The method's usable observations (`paybench.bench.observations`) of the given kinds
        (submissions are left out by default) with `aged_usd`: annual USD aged to the
        effective date at the guide's growth rate."""
        if roles_in is not None and not roles_in:
            return pd.DataFrame()
        memo = (frozenset(kinds), us_only)
        frame = self._frames.get(memo)
        if frame is None:  # one query for every role; each call takes its roles' rows
            frame = self._frames[memo] = self.usable(
                ("observations", *memo), kinds=sorted(kinds), columns=GUIDE_COLUMNS,
                us_only=us_only, aged=True)
        if roles_in is None:
            return frame.copy()
        return frame[frame["role"].isin(roles_in)].reset_index(drop=True)


def chart_cache() -> Path | None:
    """The folder of drawn charts (`paybench.charts.to_svg`): `charts` in the cache directory,
    None when that cannot be made."""
    from paybench.paths import cache_dir

    try:
        return cache_dir() / "charts"
    except OSError:
        return None


def _ml_rows(ctx: Context, level: str, place: str = "US") -> list[GuideRow]:
    out = []
    for role in ctx.data.ml_roles():
        lv = level if natural_level(roles()[role]) == "mid" else natural_level(roles()[role])
        row = ctx.data.find(role, lv, place)
        if row is not None:
            out.append(row)
    return out


def _pct(a: float, b: float) -> float:
    return round((a / b - 1) * 100, 1)


def _thin(row: GuideRow) -> bool:
    return row.method != "direct"


def thin_label(row: GuideRow, label: str) -> str:
    """A chart label, with the thin mark (†) when the cell has fewer than `direct_min_n`
    observations of its own: a ranked chart marks each thin cell on the chart itself."""
    return label + (" †" if _thin(row) else "")


def thin_note(ctx: Context, row: GuideRow) -> str:
    """Words that mark a thin cell where a sentence ranks it ('' for a direct cell)."""
    if not _thin(row):
        return ""
    return (f"; modelled: {row.n} observations of its own, fewer than {ctx.params.direct_min_n}"
            if row.scope == "national" else
            f"; modelled: {row.n} observations in the place, national cell × OEWS differential")


def same_priors(rows: list[GuideRow]) -> list[list[GuideRow]]:
    """Rows grouped so that cells without observations of their own and with the same five
    percentiles (roles priced from one prior) form one group, shown once as that prior; every
    other row is a group of its own. Order: as given."""
    groups: list[list[GuideRow]] = []
    by_range: dict[tuple[int, ...], list[GuideRow]] = {}
    for row in rows:
        key = (row.p10, row.p25, row.p50, row.p75, row.p90)
        if row.n == 0 and key in by_range:
            by_range[key].append(row)
            continue
        group = [row]
        groups.append(group)
        if row.n == 0:
            by_range[key] = group
    return groups


def group_label(group: list[GuideRow], short: bool = False) -> str:
    """The label of a group from `same_priors`: its role names, and 'one modelled range' when
    several roles share it (`short`, for a chart: the first name and how many more)."""
    if len(group) == 1:
        return group[0].role_name
    if short:
        return f"{group[0].role_name} and {len(group) - 1} more (one modelled range)"
    return " / ".join(r.role_name for r in group) + " (one modelled range)"


def ranked(ctx: Context, name: str, rows: list[GuideRow], marked: list[bool]) -> None:
    """Record a ranked list or chart as shown (`GuideData.rankings`, for `paybench check`)."""
    ctx.data.rankings.append(Ranking(name, [(r.key, r.n, m) for r, m in zip(rows, marked, strict=True)]))


def short_sources(sources: str) -> str:
    """A cell's sources without the lists of published figure ids (kept in guide.json)."""
    import re

    return re.sub(r" \((blended|shown, not blended)[^)]*\)", r" (\1)", sources)


def _n_text(row: GuideRow) -> str:
    return f"n {row.n:,} · {row.method}" + (" †" if _thin(row) else "")


# --------------------------------------------------------------------------- 1 headline
def headline(ctx: Context) -> Section:
    """National medians and P25-P75 of the ML roles, their change over a year (the
    mix-adjusted index, `paybench.guide.trend`), and the premium of ML engineering over
    software engineering and data science."""
    sec = Section("headline", "Headline figures",
                  f"Annual base pay in the United States, {ctx.data.year}.")
    lead = ctx.lead_ml_role()
    if lead is None:
        sec.blocks.append(empty("No ML roles in this selection (--roles): the headline "
                                "figures cover the ML roles."))
        return sec
    mid = ctx.data.cell(lead, "mid", NATIONAL)
    senior = ctx.data.cell(lead, "senior", NATIONAL)
    sec.blocks.append(p(
        f"{plural(mid.role_name)} in the US earn a median ", CellValue(mid, "p50"),
        " at mid level (half earn between ", rng(mid), ") and ", CellValue(senior, "p50"),
        " at senior level (", rng(senior), ")."))
    # premiums over software engineering and data science
    premium_parts: list[Part] = []
    for other, name in (("software-engineer", "software engineers"),
                        ("data-scientist", "data scientists")):
        if other == lead:
            continue
        if other not in ctx.data.selected_roles:
            premium_parts += [f" Not compared with {name}: they are not in this selection."]
            continue
        o_mid = ctx.data.cell(other, "mid", NATIONAL)
        fig = ctx.book.add(
            f"premium-{lead}-over-{other}-mid", _pct(mid.p50, o_mid.p50), "pct_change",
            f"{mid.role_name} mid median over {o_mid.role_name} mid median, US",
            f"cells {mid.key} and {o_mid.key}", cells=(mid.key, o_mid.key))
        premium_parts += [f" Against {name} (mid median ", CellValue(o_mid, "p50"),
                          ") the premium is ", fig, "."]
    if premium_parts:
        sec.blocks.append(p(*premium_parts))
    from paybench.guide.trend import year_change  # the trend module builds on this one

    sec.blocks.append(year_change(ctx))
    rows = []
    classes = []
    same: dict[tuple[Any, ...], list[Any]] = {}  # one modelled range -> its row
    for role in ctx.data.ml_roles():
        nat = natural_level(roles()[role])
        m = ctx.data.find(role, "mid" if nat == "mid" else nat)
        s = ctx.data.find(role, "senior") if nat == "mid" else None
        if m is None:
            continue
        name = m.role_name + ("" if nat == "mid" else f" ({LEVEL_NAMES[nat].lower()})")
        both = [c for c in (m, s) if c is not None]
        key = tuple((c.level, c.p10, c.p25, c.p50, c.p75, c.p90) for c in both)
        if all(c.n == 0 for c in both) and key in same:
            first = same[key]
            first[0] = f"{first[0].removesuffix(' (one modelled range)')} / {name} (one modelled range)"
            continue
        row = [name, CellValue(m, "p50"), rng(m),
               CellValue(s, "p50") if s else "–", rng(s) if s else "–",
               _n_text(s or m)]
        rows.append(row)
        classes.append(THIN if _thin(s or m) else "")
        if all(c.n == 0 for c in both):
            same[key] = row
    sec.blocks.append(table(["ML role", "mid median", "mid P25–P75", "senior median",
                             "senior P25–P75", "senior n · method"], rows, classes=classes,
                            numeric=[1, 2, 3, 4],
                            note=f"† thin: fewer than {ctx.params.direct_min_n} observations of "
                                 "its own (shrunk towards, or modelled from, the OEWS prior)."))
    groups = same_priors(_ml_rows(ctx, "senior"))
    chart_rows = [{"label": thin_label(g[0], group_label(g, short=True)), "p10": g[0].p10, "p25": g[0].p25,
                   "p50": g[0].p50, "p75": g[0].p75, "p90": g[0].p90} for g in groups]
    if chart_rows:
        ranked(ctx, "ml-senior-ranges", [g[0] for g in groups], [True] * len(groups))
        sec.blocks.append(ctx.chart("ml-senior-ranges", charts.range_chart(
            chart_rows, title="ML roles, senior level, United States († thin: fewer than "
                              f"{ctx.params.direct_min_n} observations of its own)")))
        merged = [g for g in groups if len(g) > 1]
        if merged:
            sec.blocks.append(p("One modelled range, shared by roles without observations of "
                                "their own: " + "; ".join(" / ".join(r.role_name for r in g)
                                                          for g in merged) + "."))
    return sec


# --------------------------------------------------------------------------- 2 ranges
def ranges(ctx: Context) -> Section:
    """Entry, mid and senior P25-P75 nationally for every selected role, by area."""
    sec = Section("ranges", "Ranges by role",
                  "Every role in the taxonomy: P25–P75 and median of annual base pay "
                  "nationally at entry, mid and senior level; leadership roles at their own "
                  "level.")
    for area in AREAS:
        area_roles = [r for r in roles().values()
                      if r.area == area and r.id in ctx.data.selected_roles]
        if not area_roles:
            continue
        rows, classes = [], []
        same: dict[tuple[Any, ...], list[Any]] = {}  # one modelled range -> its row
        for role in area_roles:
            nat = natural_level(role)
            if nat == "mid":
                cells = [ctx.data.find(role.id, lv) for lv in ("entry", "mid", "senior")]
                shown = [c for c in cells if c is not None]
                row: list[Part | list[Part]] = [role.name]
                for c in cells:
                    row.append(rng(c) if c else "–")
                    row.append(CellValue(c, "p50") if c else "–")
                top = cells[2] or shown[-1]
            else:
                c = ctx.data.find(role.id, nat)
                if c is None:
                    continue
                shown = [c]
                row = [f"{role.name} ({LEVEL_NAMES[nat].lower()})", "–", "–", rng(c),
                       CellValue(c, "p50"), "–", "–"]
                top = c
            # roles whose cells are one prior (no observations, the same figures) are one row
            key = (nat, *((c.level, c.p10, c.p25, c.p50, c.p75, c.p90) for c in shown))
            if all(c.n == 0 for c in shown) and key in same:
                merged = same[key]
                merged[0] = f"{merged[0].removesuffix(' (one modelled range)')} / {role.name} " \
                            "(one modelled range)"
                continue
            row.append(_n_text(top))
            rows.append(row)
            classes.append(THIN if _thin(top) else "")
            if all(c.n == 0 for c in shown):
                same[key] = row
        sec.blocks.append(Block("h3", text=area))
        sec.blocks.append(table(
            ["role", "entry P25–P75", "entry median", "mid P25–P75", "mid median",
             "senior P25–P75", "senior median", "n · method"], rows, classes=classes,
            numeric=[1, 2, 3, 4, 5, 6]))
    sec.blocks.append(p(f"† thin: the cell has fewer than {ctx.params.direct_min_n} observations of its own; "
                        "n counts them, and the method says whether published figures or "
                        "observations were blended (shrunk) or the OEWS prior stands alone "
                        "(modelled). Leadership roles sit in the mid columns at their own "
                        "level."))
    return sec


# --------------------------------------------------------------------------- 3 city
def city(ctx: Context) -> Section:
    """Mid and senior ranges of the ML roles in the largest tech metros and remote."""
    n_metros = len(ctx.data.metros)
    sec = Section("city", "City variance",
                  f"Mid and senior ranges in the {n_metros} largest tech metros (by OEWS "
                  "employment in computer and mathematical occupations) and for remote "
                  "work, with each place's differential against the national figure.")
    lead = ctx.lead_ml_role()
    if lead is None:
        sec.blocks.append(empty("No ML roles in this selection (--roles)."))
        return sec
    if n_metros == 0:
        sec.blocks.append(empty("No metros requested (--metros 0): the city table needs at "
                                "least one."))
        return sec
    places = [m["cbsa"] for m in ctx.data.metros] + ["remote"]
    nat_mid, nat_sen = ctx.data.cell(lead, "mid"), ctx.data.cell(lead, "senior")
    rows, classes, chart_rows = [], [], []
    chart_cells: list[GuideRow] = []
    for key in places:
        m, s = ctx.data.find(lead, "mid", key), ctx.data.find(lead, "senior", key)
        if m is None or s is None:
            continue
        diff = s.p50 / nat_sen.p50 - 1
        fig: Part = place_vs_national(ctx, s, nat_sen)
        rows.append([s.place_label, rng(m), CellValue(m, "p50"), rng(s), CellValue(s, "p50"),
                     fig, _n_text(s)])
        classes.append(THIN if _thin(s) else "")
        chart_rows.append({"label": thin_label(s, _short_place(s.place_label)), "p25": s.p25,
                           "p50": s.p50, "p75": s.p75, "differential": diff})
        chart_cells.append(s)
    rows.insert(0, ["United States", rng(nat_mid), CellValue(nat_mid, "p50"), rng(nat_sen),
                    CellValue(nat_sen, "p50"), "–", _n_text(nat_sen)])
    classes.insert(0, "total")
    sec.blocks.append(Block("h3", text=f"{plural(nat_mid.role_name)} by metro"))
    sec.blocks.append(table(["place", "mid P25–P75", "mid median", "senior P25–P75",
                             "senior median", "vs national", "senior n · method"], rows,
                            classes=classes, numeric=[1, 2, 3, 4, 5]))
    ranked(ctx, "city-senior", chart_cells, [True] * len(chart_cells))
    sec.blocks.append(ctx.chart("city-senior", charts.metro_chart(
        chart_rows, national_p50=nat_sen.p50,
        title=f"{nat_mid.role_name}, senior: median and P25–P75 by place (dashed: national; "
              f"† fewer than {ctx.params.direct_min_n} observations in the place: national cell "
              "× OEWS differential)")))
    others = [r for r in ctx.data.ml_roles() if r != lead
              and natural_level(roles()[r]) == "mid"][:4]
    if others:
        rows = []
        for key in places:
            cells = [ctx.data.find(r, "senior", key) for r in others]
            if any(c is None for c in cells):
                continue
            label = cells[0].place_label if cells[0] else key
            rows.append([label, *[CellValue(c, "p50") for c in cells if c is not None]])
        sec.blocks.append(Block("h3", text="Senior medians of other ML roles by metro"))
        sec.blocks.append(table(["place", *[roles()[r].name for r in others]], rows,
                                numeric=list(range(1, len(others) + 1)),
                                note="guide.csv holds every ML role's mid and senior cells "
                                     "in every place."))
    return sec


def place_vs_national(ctx: Context, local: GuideRow, national: GuideRow) -> Figure:
    """The local cell's median over the national cell's, as a signed percent (the OEWS
    place differential the prior used is named in the hover)."""
    oews = ("" if local.place_differential is None else
            f"; prior moved by {local.place_differential * 100:+.1f}% (place differential)")
    return ctx.book.add(
        f"vs-national-{local.role}-{local.level}-{local.place}",
        _pct(local.p50, national.p50), "pct_change",
        f"{local.place_label} median vs national median, {local.role_name} {local.level}{oews}",
        f"cells {local.key} and {national.key}", cells=(local.key, national.key))


def _short_place(label: str) -> str:
    """'San Jose-Sunnyvale-Santa Clara, CA' -> 'San Jose, CA' for chart labels."""
    if "," not in label:
        return label
    city_part, state = label.split(",", 1)
    return f"{city_part.split('-')[0].strip()},{state.split('-')[0]}"


# --------------------------------------------------------------------------- 4 top-paying
def top_paying(ctx: Context, count: int = 6) -> Section:
    """The highest-paying ML roles by national mid median, with ranges and hourly rates."""
    sec = Section("top-paying", "Top-paying ML roles",
                  f"The {count} ML roles with the highest national mid-level median base "
                  "pay, with contract rates where the store has them.")
    mids = [r for r in _ml_rows(ctx, "mid") if r.level == "mid"]
    if not mids:
        sec.blocks.append(empty("No ML roles in this selection (--roles)."))
        return sec
    least = ctx.params.direct_min_n
    ranked_rows = sorted((r for r in mids if not _thin(r)), key=lambda r: r.p50, reverse=True)[:count]
    unranked = same_priors([r for r in mids if _thin(r)])
    contract = _contract_rates(ctx, [r.role for r in ranked_rows])
    published = _published_hourly(ctx)
    rows, classes = [], []
    for i, row in enumerate(ranked_rows, 1):
        sen = ctx.data.find(row.role, "senior")
        rate: Part | list[Part] = contract.get(row.role, "no contract data")
        pub = published.get(row.role, "–")
        rows.append([str(i), row.role_name, CellValue(row, "p50"), rng(row),
                     CellValue(sen, "p50") if sen else "–", rate, pub])
        classes.append("")
    ranked(ctx, "top-paying", ranked_rows, [False] * len(ranked_rows))
    if rows:
        sec.blocks.append(table(["#", "role", "mid median", "mid P25–P75", "senior median",
                                 "contract, measured", "hourly, as published"], rows,
                                classes=classes, numeric=[2, 3, 4],
                                note=f"Ranked: roles whose mid-level cell holds at least {least} "
                                     "observations of its own. Contract, measured: the median of "
                                     "contract and freelance pay in the store for the role, as an "
                                     f"hourly rate (annual ÷ {HOURS_PER_YEAR:,} hours), shown from "
                                     f"{MIN_CONTRACT_N} observations. As published: the seeds' "
                                     "freelance and contract rates (Upwork, cv-maker), not measured here."))
    else:
        sec.blocks.append(empty(f"No ML role's mid-level cell holds {least} observations of its "
                                "own: nothing is ranked."))
    if unranked:
        sec.blocks.append(p(f"Not ranked (fewer than {least} observations of their own; the "
                            "range shown is mostly the prior): " + "; ".join(
                                f"{group_label(g)} ({', '.join(f'n {r.n}' for r in g)})"
                                for g in unranked) + "."))
    if ranked_rows:
        sec.blocks.append(ctx.chart("top-paying", charts.range_chart(
            [{"label": r.role_name, "p10": r.p10, "p25": r.p25, "p50": r.p50, "p75": r.p75,
              "p90": r.p90} for r in ranked_rows],
            title=f"Top-paying ML roles, mid level, United States (cells of {least}+ observations)")))
    return sec


def _contract_rates(ctx: Context, role_ids: list[str]) -> dict[str, list[Part]]:
    frame = contract_frame(ctx)
    out: dict[str, list[Part]] = {}
    if frame.empty:
        return out
    for role in role_ids:
        sub = frame[frame["role"] == role]
        if len(sub) < MIN_CONTRACT_N:
            continue
        hourly = float((sub["annual_usd"] / HOURS_PER_YEAR).median())
        srcs = ", ".join(sorted(sub["source"].unique()))
        fig = ctx.book.add(f"contract-hourly-{role}", round(hourly, 2), "usd_hour",
                           f"median contract/freelance pay of {plural(roles()[role].name)}, US, per hour",
                           f"{srcs}: {len(sub)} contract/freelance observations")
        out[role] = [fig, f" (n {len(sub)})"]
    return out


def contract_frame(ctx: Context) -> pd.DataFrame:
    """Usable contract and freelance observations with a role, US, submissions left out
    (columns dedup_key, role, source, annual_usd); read once per report."""
    memo = ("contract",)
    frame = ctx._frames.get(memo)
    if frame is None:
        frame = ctx._frames[memo] = ctx.usable(
            memo, kinds=("paid", "filed", "posted"), contract=True,
            columns=("role", "source", "annual_usd"), us_only=True, any_role=True)
    return frame.copy()


def _published_hourly(ctx: Context) -> dict[str, list[Part]]:
    frame = ctx.store.query(
        """
        SELECT figure_id, role, stat, amount_raw, group_key, citation FROM statistics
        WHERE kind = 'published' AND period = 'hour' AND role IS NOT NULL
        ORDER BY figure_id
        """)
    out: dict[str, list[Part]] = {}
    for (role, _group), sub in frame.groupby(["role", "group_key"], dropna=False):
        figs = {}
        for rec in sub.to_dict("records"):
            figs[rec["stat"]] = ctx.book.add(
                f"published-{rec['figure_id']}", float(rec["amount_raw"]), "usd_hour",
                f"published {rec['stat'].replace('_', ' ')} (hourly)",
                f"published figure {rec['figure_id']}: {rec['citation']}")
        if "range_low" in figs and "range_high" in figs:
            parts: list[Part] = [figs["range_low"], "–", figs["range_high"]]
            out.setdefault(str(role), [])
            if out[str(role)]:
                out[str(role)].append("; ")
            out[str(role)].extend(parts)
    return out


# --------------------------------------------------------------------------- 5 factors
def factors(ctx: Context) -> Section:
    """Pay by level, industry, company size, work mode and skills."""
    sec = Section("factors", "What moves pay",
                  "Level, industry, company size, remote work and skills.")
    lead = ctx.lead_ml_role()
    # level
    sec.blocks.append(Block("h3", text="By level, entry to executive"))
    ladder_role = lead or next((r for r in ctx.data.selected_roles
                                if natural_level(roles()[r]) == "mid"), None)
    if ladder_role is None:
        sec.blocks.append(empty("No individual-contributor role in this selection."))
    else:
        cells = [ctx.data.cell(ladder_role, lv, NATIONAL, "ladder") for lv in LEVELS]
        sec.blocks.append(table(
            ["level", "P25–P75", "median", "P10–P90", "n · method"],
            [[LEVEL_NAMES[c.level], rng(c), CellValue(c, "p50"), rng(c, "p10", "p90"), _n_text(c)]
             for c in cells], classes=[THIN if _thin(c) else "" for c in cells],
            numeric=[1, 2, 3]))
        sec.blocks.append(ctx.chart("levels", charts.level_chart(
            [{"level": c.level, "p25": c.p25, "p50": c.p50, "p75": c.p75} for c in cells],
            title=f"{cells[0].role_name}, United States, by level")))
        basis = ctx.data.parameters.get("level_offsets_basis", "")
        sec.blocks.append(p(f"Level gaps: {basis}."))
    # industry
    sec.blocks.append(Block("h3", text="By industry (OEWS)"))
    sec.blocks.extend(_industry(ctx))
    # company size
    sec.blocks.append(Block("h3", text="By company size (survey)"))
    sec.blocks.append(_group_medians(ctx, "company_size", {"S": "small (under 50)",
                                                           "M": "medium (50-250)",
                                                           "L": "large (over 250)"},
                                     "company size needs a salary survey (paybench ingest "
                                     "salaries.csv)"))
    # remote
    sec.blocks.append(Block("h3", text="Remote versus on-site"))
    if lead is not None:
        rem = ctx.data.find(lead, "senior", "remote") or ctx.data.cell(lead, "senior", REMOTE)
        nat = ctx.data.cell(lead, "senior")
        diff_fig = place_vs_national(ctx, rem, nat)
        sec.blocks.append(p(f"Senior {plural(rem.role_name.lower())} working remotely: median ",
                            CellValue(rem, "p50"), " (", rng(rem), "), ", diff_fig,
                            " against the national ", CellValue(nat, "p50"),
                            f" ({rem.basis.split(' x ')[-1] if ' x ' in rem.basis else rem.basis})."))
    sec.blocks.append(_group_medians(ctx, "work_mode", {"remote": "remote", "hybrid": "hybrid",
                                                        "onsite": "on-site"},
                                     "work mode needs survey rows or postings that state it"))
    # skills
    sec.blocks.append(Block("h3", text="Skills in demand"))
    sec.blocks.append(_skills(ctx))
    return sec


def _industry(ctx: Context) -> list[Block]:
    frame = ctx.store.query(
        """
        SELECT industry_code, soc_code, employment, p25_annual, p50_annual, p75_annual, release
        FROM oews WHERE area_type = 'N' AND industry_code <> '000000'
          AND soc_code IN ('15-2051', '15-1221') AND release = (SELECT max(release) FROM oews)
        """)
    if frame.empty:
        return [empty("No OEWS industry detail in the store: pay by industry needs the OEWS "
                      "national industry tables (paybench ingest --defaults).")]
    names = industry_names()
    frame["name"] = frame["industry_code"].map(lambda c: names.get(c, (c, -1))[0])
    frame["level"] = frame["industry_code"].map(lambda c: names.get(c, (c, -1))[1])
    sectors = frame[(frame["level"] == 2) & frame["p50_annual"].notna() & frame["employment"].notna()]
    blocks: list[Block] = []
    release = str(frame["release"].iloc[0])
    for soc, label in ML_SOCS.items():
        sub = sectors[sectors["soc_code"] == soc].sort_values("employment", ascending=False).head(10)
        if sub.empty:
            continue
        rows, chart_rows = [], []
        for rec in sub.to_dict("records"):
            name = str(rec["name"]).split(" - ", 1)[-1]
            src = f"OEWS {release}, national industry {rec['industry_code']}, SOC {soc}"
            emp = ctx.book.add(f"oews-ind-{soc}-{rec['industry_code']}-employment",
                               rec["employment"], "count", f"{label} employed in {name}", src)
            med = ctx.book.add(f"oews-ind-{soc}-{rec['industry_code']}-p50", rec["p50_annual"],
                               "usd", f"{label}: median annual wage in {name} (May 2025)", src)
            lo = ctx.book.add(f"oews-ind-{soc}-{rec['industry_code']}-p25", rec["p25_annual"],
                              "usd", f"{label}: P25 annual wage in {name}", src)
            hi = ctx.book.add(f"oews-ind-{soc}-{rec['industry_code']}-p75", rec["p75_annual"],
                              "usd", f"{label}: P75 annual wage in {name}", src)
            rows.append([name, emp, med, [lo, "–", hi]])
            chart_rows.append({"label": name[:48], "p25": rec["p25_annual"],
                               "p50": rec["p50_annual"], "p75": rec["p75_annual"]})
        blocks.append(table([f"industry: {label.lower()} (SOC {soc})", "employment", "median",
                             "P25–P75"], rows, numeric=[1, 2, 3],
                            note=f"OEWS {release}, national, the ten sectors employing most; "
                                 "wages as of May 2025, not aged."))
        if soc == "15-2051":
            blocks.append(ctx.chart("industry-15-2051", charts.range_chart(
                chart_rows, title="Data scientists by industry (OEWS May 2025)")))
    return blocks or [empty("OEWS has no sector detail for the ML occupations.")]


NOT_STATED = "not stated"
"""The row of a share table that counts the records that do not state the column (LCA filings
and total-compensation records state no company size or work mode)."""


def shares_of(counts: dict[str, int]) -> dict[str, float]:
    """Percent shares (one decimal) of counts, each its count over the total correctly rounded
    (`paybench.guide.figures.percent_share`): equal counts print equal shares, and the rounded
    shares may not add up to exactly 100.0. Empty for a zero total."""
    total = sum(counts.values())
    if total <= 0:
        return {}
    return {k: percent_share(n, total) for k, n in counts.items()}


SHARES_NOTE = "each share is rounded on its own, so the shares may not add up to exactly 100%"
"""What a table of `shares_of` says about its shares' sum."""


def _group_medians(ctx: Context, column: str, names: dict[str, str], missing: str) -> Block:
    obs = ctx.observations(ctx.data.ml_roles())
    if obs.empty or obs[column].isna().all():
        return empty(f"No observations with {column.replace('_', ' ')}: {missing}.")
    # every observation is in one row: a named value, any other value, or not stated, so
    # the shares are over all of them
    groups = {key: obs[obs[column] == key] for key in names}
    other = obs[obs[column].notna() & ~obs[column].isin(list(names))]
    if not other.empty:
        groups["other"], names = other, {**names, "other": "other"}
    groups["not-stated"], names = obs[obs[column].isna()], {**names, "not-stated": NOT_STATED}
    shares = shares_of({key: len(sub) for key, sub in groups.items()})
    rows: list[list[Any]] = []
    for key, name in names.items():
        sub = groups[key]
        srcs = ", ".join(sorted(sub["source"].unique())) or "none"
        share = ctx.book.add(f"ml-{column}-{key}-share", shares[key],
                             "share", f"share of ML observations that are {name}",
                             f"{srcs}: {len(sub)} of {len(obs)} observations", exact=True)
        if len(sub) < MIN_GROUP_N or key == "not-stated":
            text = (f"{len(sub):,} observations (no median: the size or mode is unknown)"
                    if key == "not-stated" else f"fewer than {MIN_GROUP_N} observations ({len(sub)})")
            rows.append([name, text, "", share])
            continue
        med = ctx.book.add(f"ml-{column}-{key}-p50", round(float(sub["aged_usd"].median())),
                           "usd", f"median base pay of ML roles, {name}, US (aged)",
                           f"{srcs}: {len(sub)} observations")
        lo = ctx.book.add(f"ml-{column}-{key}-p25", round(float(sub["aged_usd"].quantile(0.25))),
                          "usd", f"P25 base pay of ML roles, {name}, US (aged)",
                          f"{srcs}: {len(sub)} observations")
        hi = ctx.book.add(f"ml-{column}-{key}-p75", round(float(sub["aged_usd"].quantile(0.75))),
                          "usd", f"P75 base pay of ML roles, {name}, US (aged)",
                          f"{srcs}: {len(sub)} observations")
        rows.append([name, [med, f" (n {len(sub):,})"], [lo, "–", hi], share])
    return table([column.replace("_", " "), "median", "P25–P75", "share of observations"],
                 rows, numeric=[1, 2, 3],
                 note=f"All ML roles and levels pooled, US, full-time base pay aged to the "
                      f"effective date; the level mix differs between groups. Shares are of all "
                      f"{len(obs):,} ML observations, those that do not state it included "
                      f"({NOT_STATED}); {SHARES_NOTE}.")


def _skills(ctx: Context) -> Block:
    missing = empty("No postings ingested: skills in demand need job postings with skills "
                    "(paybench ingest postings.csv).")
    skills = ctx.store.query("SELECT DISTINCT dedup_key, skill FROM observation_skills")
    if skills.empty:  # no posting states a skill: nothing to read the postings for
        return missing
    posted = ctx.usable(("posted", tuple(ctx.data.ml_roles())), kinds=("posted",),
                        columns=("source", "annual_usd"), roles=ctx.data.ml_roles())
    frame = posted.merge(skills, on="dedup_key", how="left")
    if frame.empty or frame["skill"].isna().all():
        return missing
    total = frame["dedup_key"].nunique()
    overall = float(frame.drop_duplicates("dedup_key")["annual_usd"].median())
    rows = []
    counts = frame.dropna(subset=["skill"]).groupby("skill")
    ranked = sorted(counts, key=lambda kv: -kv[1]["dedup_key"].nunique())[:15]
    for skill, sub in ranked:
        n = sub["dedup_key"].nunique()
        share = ctx.book.add(f"skill-{skill}-share", percent_share(n, total), "share",
                             f"share of ML postings asking for {skill}",
                             f"postings: {n} of {total}")
        if n >= MIN_GROUP_N:
            prem: Part = ctx.book.add(
                f"skill-{skill}-premium", _pct(float(sub["annual_usd"].median()), overall),
                "pct_change", f"median posted pay with {skill} over all ML postings",
                f"postings: {n} with the skill, {total} in all")
        else:
            prem = f"n {n}: too few"
        rows.append([str(skill), share, prem])
    return table(["skill", "share of ML postings", "pay premium (median)"], rows,
                 numeric=[1, 2], note="Posted pay, not paid pay; the premium compares medians "
                                      "and does not hold level or place fixed.")


# --------------------------------------------------------------------------- 6 where
def where(ctx: Context) -> Section:
    """Employment and location quotients of the ML occupations by metro (OEWS), and
    postings and filings by metro, work mode and employer segment."""
    sec = Section("where", "Where the jobs are",
                  "Employment of the ML occupations by metro (OEWS May 2025) and, where the "
                  "store holds them, job postings and H-1B filings.")
    frame = ctx.store.query(
        """
        SELECT cbsa, area_name, soc_code, employment, location_quotient, release
        FROM oews WHERE area_type = 'M' AND industry_code = '000000' AND cbsa IS NOT NULL
          AND soc_code IN ('15-2051', '15-1221') AND release = (SELECT max(release) FROM oews)
        """)
    if frame.empty:
        sec.blocks.append(empty("No OEWS metro data in the store (paybench ingest --defaults)."))
    else:
        release = str(frame["release"].iloc[0])
        wide = frame.pivot_table(index=["cbsa", "area_name"], columns="soc_code",
                                 values=["employment", "location_quotient"], aggfunc="first")
        wide.columns = [f"{a}_{b}" for a, b in wide.columns]
        wide = wide.reset_index()
        wide["total"] = wide[[c for c in wide.columns if c.startswith("employment_")]].sum(
            axis=1, min_count=1)
        top = wide.sort_values("total", ascending=False).head(15)
        rows = []
        for rec in top.to_dict("records"):
            row: list[Part | list[Part]] = [str(rec["area_name"])]
            for soc in ML_SOCS:
                emp, lq = rec.get(f"employment_{soc}"), rec.get(f"location_quotient_{soc}")
                src = f"OEWS {release}, metro {rec['cbsa']}, SOC {soc}"
                row.append(ctx.book.add(f"oews-{rec['cbsa']}-{soc}-employment", emp, "count",
                                        f"{ML_SOCS[soc]} employed, {rec['area_name']}", src)
                           if _num(emp) else "not published")
                row.append(ctx.book.add(f"oews-{rec['cbsa']}-{soc}-lq", lq, "ratio",
                                        f"location quotient of {ML_SOCS[soc].lower()}, "
                                        f"{rec['area_name']}", src)
                           if _num(lq) else "–")
            rows.append(row)
        sec.blocks.append(Block("h3", text="Metros employing the most ML specialists"))
        sec.blocks.append(table(["metro", "data scientists", "LQ", "research scientists", "LQ"],
                                rows, numeric=[1, 2, 3, 4],
                                note="LQ, location quotient: the occupation's share of local "
                                     "jobs over its national share (above 1: concentrated)."))
        sec.blocks.append(ctx.chart("where-employment", charts.value_chart(
            [{"label": _short_place(str(r["area_name"])), "total": r["total"]}
             for r in top.to_dict("records")], "total", value_format=",.0f",
            axis_title="data scientists + research scientists employed (OEWS May 2025)",
            title="Where the ML jobs are: employment by metro")))
        cluster = wide[(wide.get("employment_15-2051", 0) >= 1000)
                       & wide["location_quotient_15-2051"].notna()]
        cluster = cluster.sort_values("location_quotient_15-2051", ascending=False).head(8)
        parts: list[Part] = ["Where they cluster: among metros with at least 1,000 data "
                             "scientists, the highest concentrations are "]
        for i, rec in enumerate(cluster.to_dict("records")):
            fig = ctx.book.add(f"oews-{rec['cbsa']}-15-2051-lq",
                               rec["location_quotient_15-2051"], "ratio",
                               f"location quotient of data scientists, {rec['area_name']}",
                               f"OEWS {release}, metro {rec['cbsa']}, SOC 15-2051")
            parts += [("; " if i else ""), f"{_short_place(str(rec['area_name']))} (LQ ", fig, ")"]
        parts.append(".")
        if len(cluster):
            sec.blocks.append(p(*parts))
    sec.blocks.append(Block("h3", text="Job postings"))
    sec.blocks.extend(_activity(ctx, "posted", "postings",
                                "No postings ingested: posting counts by metro, work mode and "
                                "employer need job postings (paybench ingest postings.csv)."))
    sec.blocks.append(Block("h3", text="H-1B filings"))
    sec.blocks.extend(_activity(ctx, "filed", "filings",
                                "No H-1B filings ingested: filings by metro and employer need "
                                "a DOL LCA disclosure file (paybench ingest LCA_Disclosure.xlsx)."))
    return sec


def _num(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def _activity(ctx: Context, kind: str, noun: str, missing: str) -> list[Block]:
    obs = ctx.store.query(
        f"""
        SELECT dedup_key, any_value(metro) AS metro, any_value(work_mode) AS work_mode,
               any_value(industry) AS industry, any_value(company_size) AS company_size,
               any_value(employer) AS employer, any_value(source) AS source
        FROM observations WHERE kind = ? AND country = 'US'
          AND role IN ({', '.join('?' for _ in ctx.data.ml_roles()) or 'NULL'})
        GROUP BY dedup_key
        """, [kind, *ctx.data.ml_roles()])
    if obs.empty:
        return [empty(missing)]
    total = len(obs)
    srcs = ", ".join(sorted(obs["source"].unique()))
    blocks: list[Block] = [p(f"ML-role {noun} in the store: ",
                             ctx.book.add(f"{kind}-ml-total", total, "count",
                                          f"ML-role {noun}, US", srcs), ".")]
    names = {m["cbsa"]: m["area_name"] for m in ctx.data.metros}
    for column, title, limit in (("metro", "metro", 10), ("work_mode", "work mode", 5),
                                 ("industry", "industry", 8), ("company_size", "company size", 5),
                                 ("employer", "employer", 10)):
        stated = obs[column].dropna().value_counts()
        if stated.empty:
            blocks.append(empty(f"No {noun} state their {title}."))
            continue
        # the top values, the rest in one row, and those that do not state it: shares of all
        # `total` records
        counts = {str(value): int(n) for value, n in stated.head(limit).items()}
        rest = int(stated.iloc[limit:].sum())
        labels = {value: str(names.get(value, value)) if column == "metro" else value for value in counts}
        if rest:
            counts["all-others"] = rest
            labels["all-others"] = f"all other {plural(title)} ({len(stated) - limit:,})"
        counts["not-stated"] = total - int(stated.sum())
        labels["not-stated"] = NOT_STATED
        shares = shares_of(counts)
        rows = []
        for value, n in counts.items():
            label = labels[value]
            cnt = ctx.book.add(f"{kind}-{column}-{value}-count", n, "count",
                               f"ML-role {noun} by {title}: {label}", srcs)
            share = ctx.book.add(f"{kind}-{column}-{value}-share", shares[value],
                                 "share", f"share of ML-role {noun}: {label}", srcs, exact=True)
            rows.append([label, cnt, share])
        blocks.append(table([title, noun, "share"], rows, numeric=[1, 2],
                            note=f"Shares of all {total:,} ML-role {noun}, those that do not state "
                                 f"the {title} included; {SHARES_NOTE}."))
    return blocks


# --------------------------------------------------------------------------- 8 sources
def sources_and_method(ctx: Context) -> Section:
    """Every source with its date, size and licence, and how cells are computed."""
    sec = Section("sources", "Sources and method", "")
    ingests = ctx.store.query(
        """
        SELECT source, count(*) AS files, sum(rows_kept) AS rows_kept, sum(file_bytes) AS bytes,
               max(finished_at) AS ingested, string_agg(DISTINCT path, '; ') AS paths
        FROM ingests GROUP BY source ORDER BY source
        """)
    rows = []
    spans = _data_dates(ctx)
    declared = catalog()  # what each source adapter declares
    for rec in ingests.to_dict("records"):
        info = declared.get(rec["source"])
        desc = info.description if info else rec["source"]
        licence = "licence not recorded" if info is None else "; ".join(
            x for x in (info.licence, info.attribution) if x)
        kept = ctx.book.add(f"source-{rec['source']}-rows", int(rec["rows_kept"] or 0), "count",
                            f"rows kept from {rec['source']}", f"ingests table: {rec['paths']}")
        size = f"{(rec['bytes'] or 0) / 1e6:.1f} MB"
        when = pd.Timestamp(rec["ingested"]).date().isoformat() if _num(rec["ingested"]) else "–"
        rows.append([desc, str(rec["paths"]), spans.get(rec["source"], "–"), when, kept, size,
                     licence])
    sec.blocks.append(table(["source", "file", "data dated", "ingested", "rows kept", "file size",
                             "licence"], rows, numeric=[4, 5]))
    docs = ctx.store.query(
        """
        SELECT DISTINCT split_part(citation, ' (', 1) AS title, published_on
        FROM statistics WHERE kind = 'published' ORDER BY published_on, title
        """)
    if not docs.empty:
        sec.blocks.append(p("Published figures come from: " + "; ".join(
            f"{r['title']} ({pd.Timestamp(r['published_on']).date().isoformat()})"
            for r in docs.to_dict("records")) + "."))
    par = ctx.data.parameters
    mp = ctx.params
    k = float(par.get("shrinkage_k") or 0)
    sd = par.get("within_sd")
    sec.blocks.append(Block("h3", text="How a cell is computed"))
    sec.blocks.extend([
        p(f"Every figure is annual base pay in US dollars, aged to {ctx.effective.isoformat()} "
          f"at {mp.annual_growth:.0%} a year. A cell is role × level × place; its P10–P90 "
          "are a weighted mean, in log pay, of the cell's own observations (weight n), a prior "
          f"(weight k = {k:.1f}, estimated by empirical Bayes from the national cells) and the "
          f"published figures for exactly that cell (weight {mp.published_weight:g} each; a "
          "published low–high pair is read as P25–P75)."),
        p("The national prior is the role's OEWS occupation distribution (OEWS "
          f"{par.get('oews_release')}) moved by a level offset ({par.get('level_offsets_basis')}); "
          "within one level the spread is "
          + (f"the pooled within-cell standard deviation of log pay ({float(sd):.3f})."
             if sd else f"{mp.within_level_spread_share:.0%} of the occupation's.")
          + " A metro's prior is the national cell moved by the OEWS pay differential of the "
            "role's occupations there (weighted by local employment, completed by the "
            "computer-occupation group); remote work by the pooled gap between remote and "
            "national observations (zero when there are none)."),
        p(f"Method: direct from {mp.direct_min_n} observations of its own; shrunk with fewer, or "
          "with published figures blended; modelled when it stands on its prior alone. "
          f"Suppression: individual submissions count only in cells with at least "
          f"{mp.submission_min} of them. Survey rows that repeat another row exactly count once."),
        p("Traceability: every figure carries a hover naming its cell (role × level × place) "
          "and sources, and the attributes data-cell/data-stat or data-fig with data-value; "
          "guide.json holds every cell and every derived figure, guide.csv every cell."),
    ])
    return sec


def _data_dates(ctx: Context) -> dict[str, str]:
    """Per source, the dates its data describe: OEWS reference month, observation dates,
    published figures' document dates."""
    out: dict[str, str] = {}
    ref = ctx.store.scalar("SELECT max(reference_date) FROM oews")
    if ref is not None:
        out["oews"] = pd.Timestamp(ref).strftime("%B %Y")
    for rec in ctx.store.query(
            "SELECT source, min(observed_on) AS lo, max(observed_on) AS hi FROM observations "
            "GROUP BY source").to_dict("records"):
        lo, hi = pd.Timestamp(rec["lo"]).year, pd.Timestamp(rec["hi"]).year
        out[rec["source"]] = str(lo) if lo == hi else f"{lo}–{hi}"
    rec = ctx.store.query(
        "SELECT min(published_on) AS lo, max(published_on) AS hi FROM statistics "
        "WHERE kind = 'published'").iloc[0]
    if _num(rec["lo"]):
        lo_d, hi_d = pd.Timestamp(rec["lo"]).date(), pd.Timestamp(rec["hi"]).date()
        out["published"] = f"{lo_d.isoformat()} to {hi_d.isoformat()}"
    return out


def metro_label(data: GuideData, key: str) -> str:
    """A place's display name from the guide's metros ('remote' -> 'Remote (US)')."""
    if key == "remote":
        return "Remote (US)"
    for m in data.metros:
        if m["cbsa"] == key:
            return str(m["area_name"])
    return key


__all__ = ["Context", "Figure", "city", "factors", "headline", "ranges", "sources_and_method",
           "top_paying", "where"]
