"""The pay-gap report (`paybench.decide.paygap.PayGapReport`) as tables of text, which the CLI
prints with rich, and as one self-contained HTML page in the guide's look: the guide's CSS
and block layout (`templates/_style.css.j2`, `templates/_blocks.html.j2`, through
`paybench.guide.report.environment`), no outside links. Figures: gaps and shares in percent
to one decimal, money in the payroll's currency (whole units a year, cents an hour)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from paybench.decide.paygap import ARTICLE_10_THRESHOLD_PCT, VARIABLE_POPULATION, GroupFigure, PayGapReport
from paybench.guide.figures import Block, Section, empty, p, table

MAX_PCT_PLACES = 3
"""The most decimals a percentage is printed to: closer to the threshold than that, it is cut."""


def _places_needed(value: float) -> int:
    """The fewest decimals (1 to `MAX_PCT_PLACES`) at which `value` rounded stays on its side of
    Article 10's threshold. Below the threshold T, a value rounds up to T at p decimals exactly
    when it is at least T - 0.5 x 10^-p, a bound that rises with p: once a value keeps its side
    at p decimals it keeps it at every p' > p, so a row may print all its values to the most
    any of them needs."""
    above = abs(value) >= ARTICLE_10_THRESHOLD_PCT
    for places in range(1, MAX_PCT_PLACES):
        if (round(abs(value), places) >= ARTICLE_10_THRESHOLD_PCT) == above:
            return places
    return MAX_PCT_PLACES


def pct_places(values: Iterable[float | None]) -> int:
    """The decimals a row (or line) of percentages is printed to, all alike: one, or the most
    any of its values needs to stay on its side of Article 10's threshold (`pct_text`)."""
    return max((_places_needed(v) for v in values if v is not None), default=1)


def pct_text(value: float | None, signed: bool = False, places: int | None = None) -> str:
    """A percentage to one decimal ("12.3%"; "+12.3%" when `signed`), "n/a" for none; to two or
    three decimals when fewer would put it on the other side of Article 10's threshold (4.99% is
    "4.99%", 4.9995% "4.999%", never "5.0%" beside a trigger that did not fire). `places`: the
    decimals of the row it stands in (`pct_places`), so one row prints one precision ("4.95%"
    beside "4.90%", not "4.9%"); never fewer than the value itself needs."""
    if value is None:
        return "n/a"
    places = max(places or 1, _places_needed(value))
    above = abs(value) >= ARTICLE_10_THRESHOLD_PCT
    if (round(abs(value), places) >= ARTICLE_10_THRESHOLD_PCT) == above:
        return f"{value:+.{places}f}%" if signed else f"{value:.{places}f}%"
    # closer still: cut (never round) to three decimals, towards zero ("4.999%")
    cut = math.trunc(value * 10 ** MAX_PCT_PLACES) / 10 ** MAX_PCT_PLACES
    return f"{cut:+.{MAX_PCT_PLACES}f}%" if signed else f"{cut:.{MAX_PCT_PLACES}f}%"


def pct_row(values: Sequence[float | None], signed: bool = False) -> list[str]:
    """The percentages of one row, each as `pct_text` prints it, all to the row's precision."""
    places = pct_places(values)
    return [pct_text(v, signed, places) for v in values]


def money_text(value: float | None, currency: str | None, hourly: bool = False) -> str:
    """An amount with its currency: whole units ("52,000 EUR"), cents for an hourly rate."""
    if value is None:
        return "n/a"
    text = f"{value:,.2f}" if hourly else f"{value:,.0f}"
    return f"{text} {currency}" if currency else text


def ratio_text(value: float | None) -> str:
    """A compa-ratio, "0.97"."""
    return "n/a" if value is None else f"{value:.2f}"


@dataclass
class TextTable:
    """A table of text: its title, columns, rows, which columns are numbers, and a note."""

    title: str
    columns: list[str]
    rows: list[list[str]]
    numeric: list[int]
    note: str = ""


def _figure_cells(f: GroupFigure, currency: str | None) -> list[str]:
    hourly = f.basis == "hourly"
    if f.withheld:
        return [f.basis, f.statistic, "-", "-", f.withheld, f"{f.n_women} / {f.n_men}"]
    return [f.basis, f.statistic, money_text(f.women, currency, hourly), money_text(f.men, currency, hourly),
            pct_text(f.gap_pct), f"{f.n_women:,} / {f.n_men:,}"]


def indicator_table(report: PayGapReport) -> TextTable:
    """The profile's indicators (EU (a)-(e); UK reg. 2(1)(a)-(e)), one row per figure."""
    rows: list[list[str]] = []
    for ind in report.indicators:
        for f in ind.figures:
            rows.append([f"({ind.id})", ind.name, *_figure_cells(f, report.currency)])
    s = report.variable_share
    rows.append([f"({s.id})", s.name, "", "share", *pct_row([s.women_pct, s.men_pct]), "",
                 s.withheld if s.withheld else
                 f"{s.women_receiving or 0:,} of {s.n_women:,} / {s.men_receiving or 0:,} of {s.n_men:,}"])
    title = ("Article 9(1) indicators" if report.profile == "eu"
             else "Gender pay gap information, SI 2017/172 reg. 2(1)")
    who = "; ".join(f"({ind.id}): {ind.population}" for ind in report.indicators)
    return TextTable(title, ["", "indicator", "basis", "statistic", "women", "men", "gap", "n women / men"],
                     rows, [4, 5, 6, 7], note=f"{report.gap_formula}. Workers compared: {who}.")


def quartile_table(report: PayGapReport) -> TextTable:
    """(f): the share of women and men in each quartile pay band, per basis."""
    rows: list[list[str]] = []
    for q in report.quartiles:
        if q.withheld:
            rows.append([q.basis, q.withheld, "", "", ""])
            continue
        for b in q.bands:
            rows.append([q.basis, b.band, *pct_row([b.women_pct, b.men_pct]),
                         f"{b.women:,.2f} / {b.men:,.2f}"])
    ident = report.quartiles[0].id if report.quartiles else "f"
    return TextTable(f"({ident}) Quartile pay bands",
                     ["basis", "band", "women", "men", "workers women / men"],
                     rows, [2, 3, 4], note="Each band holds a quarter of the workers ranked by pay; a worker "
                     "whose rank straddles a boundary, or a group with the same pay across one, counts "
                     "in each band in proportion.")


def category_table(report: PayGapReport) -> TextTable:
    """(g) and Article 10: each category's size, mean gaps, unexplained part and trigger."""
    rows: list[list[str]] = []
    for c in report.categories:
        size = [c.category, f"{c.n_women:,}", f"{c.n_men:,}", f"{c.n_other:,}"]
        if c.withheld:
            rows.append([*size, "-", "-", "-", "-", "-", c.withheld])
            continue
        gap = {(f.measure, f.basis): f.gap_pct for f in c.figures}
        variable = next((f for f in c.figures if f.measure == "variable" and f.basis == "hourly"), None)
        a10 = c.article10
        too_few = variable is not None and variable.withheld
        annual, hourly, basic, variable_gap, unexplained = pct_row([
            gap.get(("pay", "annual")), gap.get(("pay", "hourly")), gap.get(("basic", "hourly")),
            None if too_few else gap.get(("variable", "hourly")),
            c.decomposition.unexplained_gap_pct if c.decomposition else None])
        rows.append([*size, annual, hourly, basic, "too few" if too_few else variable_gap, unexplained,
                     ("assessment indicated" if a10.assessment_indicated else "no") if a10 else ""])
    return TextTable("(g) Gender pay gap by category of workers",
                     ["category", "women", "men", "other", "pay, annual", "pay, hourly", "basic, hourly",
                      "variable, hourly", "unexplained", "Article 10"], rows, [1, 2, 3, 4, 5, 6, 7, 8],
                     note=(f"Mean gaps: pay and basic pay over the category's women and men; variable pay "
                           f"over its {VARIABLE_POPULATION}, as (b) and (d) ('too few': fewer than "
                           f"{report.min_group} women or men received some), so the basic and variable "
                           "gaps do not add up to the pay gap. Article 10(1): a joint pay assessment where "
                           "a category's gap "
                           f"is {ARTICLE_10_THRESHOLD_PCT:g}% or more, not justified by objective, "
                           "gender-neutral criteria and not remedied within six months; 'unexplained' is "
                           "what the declared factors leave of the hourly gap (log decomposition)."))


def article10_lines(report: PayGapReport) -> list[str]:
    """Each category's Article 10 conclusion, one line each ("eng: ...")."""
    return [f"{c.category}: {c.article10.reason}" for c in report.categories if c.article10 is not None]


def range_table(report: PayGapReport) -> TextTable:
    """Pay ranges per category with the mean compa-ratio of its women and men."""
    rows: list[list[str]] = []
    cur = report.currency
    for r in report.pay_ranges:
        size = [r.category, f"{r.n:,}"]
        if r.withheld:
            rows.append([*size, "-", "-", "-", "-", "-", "-", "-", r.withheld])
            continue
        rows.append([*size, money_text(r.minimum, cur), money_text(r.p25, cur), money_text(r.median, cur),
                     money_text(r.p75, cur), money_text(r.maximum, cur), ratio_text(r.compa_women),
                     ratio_text(r.compa_men), ""])
    return TextTable("Pay ranges per category (full-time annual basic pay)",
                     ["category", "workers", "minimum", "P25", "median", "P75", "maximum",
                      "compa-ratio women", "compa-ratio men", ""], rows, [1, 2, 3, 4, 5, 6, 7, 8],
                     note="Pay = annual_base x full-time hours / the worker's hours; compa-ratio = pay / the "
                          "category's median, the mean over its women and over its men.")


def market_table(report: PayGapReport) -> TextTable:
    """Each category's range beside its market cell (categories mapped to a role and level)."""
    rows: list[list[str]] = []
    cur = report.currency
    for r in report.pay_ranges:
        if r.market is not None:
            m = r.market
            rows.append([r.category, f"{m.role}, {m.level}", m.place, money_text(m.p25, cur),
                         money_text(m.p50, cur), money_text(m.p75, cur), f"P{m.median_percentile:.0f}",
                         ratio_text(m.compa_women), ratio_text(m.compa_men),
                         f"n={m.cell_n:,}, {m.cell_method}, {m.cell_confidence} confidence"])
        elif r.market_note and not r.withheld:
            rows.append([r.category, "", "", "-", "-", "-", "-", "-", "-", f"not compared: {r.market_note}"])
    first = next((r.market for r in report.pay_ranges if r.market is not None), None)
    rate = (f"US dollars converted at {first.usd_per_unit:.4f} USD per {cur}: the ECB reference rate for "
            f"{first.rate_date}, the method's effective date (the latest published rate when that date is "
            "later). " if first is not None else "")
    return TextTable("Market cells beside the ranges", [
        "category", "role, level", "place", "market P25", "market P50", "market P75", "our median at",
        "women / market P50", "men / market P50", "cell"], rows, [3, 4, 5, 6, 7, 8],
        note=rate + "Market cells: annual base pay of the role x level x place (paybench bench; sources in "
                    "the JSON's market.provenance); the ratios are the mean of each gender's full-time pay / "
                    "the cell's P50.")


def summary_lines(report: PayGapReport) -> list[str]:
    """What the report covers, in a few lines."""
    w = report.workers
    lines = [f"{report.payroll}: {w.total:,} workers: {w.women:,} women, {w.men:,} men, "
             f"{w.other:,} other or not stated (counted, not compared)"]
    if w.full_pay_women is not None:
        lines.append(f"full-pay relevant employees: {w.full_pay_women:,} women, {w.full_pay_men:,} men")
    lines.append(f"hours from {report.hours_from}; currency {report.currency or 'as in the payroll'}; "
                 f"no figures for a group of fewer than {report.min_group} women or men")
    if report.profile == "eu":  # the UK profile has no explained/unexplained split
        lines.append("declared gender-neutral factors: " + (", ".join(report.factors) or "none"))
    d = report.decomposition
    if d is not None:
        raw, unexplained = pct_row([d.raw_gap_pct, d.unexplained_gap_pct])
        lines.append(
            f"hourly gap of geometric means {raw}: categories and factors explain "
            f"{d.explained_log:+.4f} log points (categories {d.explained_by_categories_log:+.4f}, factors "
            f"{d.explained_by_factors_log:+.4f}); unexplained {unexplained}")
    if report.profile == "eu":
        flagged = report.article10_categories
        lines.append("Article 10 joint pay assessment indicated for: "
                     + (", ".join(flagged) if flagged else "none"))
    return lines


def _block(t: TextTable) -> list[Block]:
    if not t.rows:
        return [empty(f"{t.title}: nothing to show")]
    return [table(t.columns, t.rows, note=t.note, numeric=t.numeric)]


def sections(report: PayGapReport) -> list[Section]:
    """The report's sections, as the guide's (`paybench.guide.figures.Section`)."""
    out = [Section("summary", "Summary", blocks=[p(line) for line in summary_lines(report)])]
    ind = indicator_table(report)
    out.append(Section("indicators", ind.title, lead=f"{report.gap_formula}. Positive: women are paid less.",
                       blocks=_block(ind)))
    out.append(Section("quartiles", quartile_table(report).title, blocks=_block(quartile_table(report))))
    if report.categories:
        cat = category_table(report)
        out.append(Section("categories", cat.title, blocks=[
            *_block(cat), *(p(f"Article 10, {line}") for line in article10_lines(report))]))
    if report.pay_ranges:
        ranges = range_table(report)
        blocks = _block(ranges)
        market = market_table(report)
        if market.rows:
            blocks += [Block("h3", text=market.title), *_block(market)]
        out.append(Section("ranges", ranges.title, blocks=blocks))
    notes = [p(n) for n in report.notes] or [p("none")]
    out.append(Section("notes", "Notes and method", blocks=[
        *notes, p("Method: paybench.decide.paygap (docs/decisions.md, 'Pay gap'). Nothing of the payroll "
                  "is stored.")]))
    return out


def render_paygap_html(report: PayGapReport) -> str:
    """The report as one HTML document in the guide's look (CSS inline; no outside links)."""
    from paybench.guide.report import environment

    template = environment().get_template("paygap.html.j2")
    profile = "EU Directive 2023/970" if report.profile == "eu" else "UK SI 2017/172"
    return str(template.render(
        report=report, sections=sections(report), profile=profile,
        generated=dt.datetime.now().replace(microsecond=0).isoformat(sep=" "),
        page_header=f"paybench · Pay gap report · {profile}",
        page_footer=f"{report.payroll} · {report.workers.total:,} workers"))


def write_paygap_html(report: PayGapReport, path: Path) -> Path | None:
    """Write `render_paygap_html` to `path`, its missing folders created as every command that
    writes files creates them (`paybench.paths.write_output`: the outermost folder created, or
    None; InputError (field 'html_file', the CLI's --html) when it cannot be written)."""
    from paybench.paths import write_output

    return write_output(path, render_paygap_html(report), "html_file")
