"""Decision commands: offer, contract, bands, roster, posting-range.

Thin layers over `paybench.decide`: each reads its inputs, calls the Python API and
prints a rich table for people or JSON for machines (--json).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from paybench.errors import InputError

if TYPE_CHECKING:
    from paybench.decide.bands import BandTable
    from paybench.decide.contract import ContractConversion, ContractMarket
    from paybench.decide.market import Market
    from paybench.decide.offer import OfferComparison, OfferEvaluation
    from paybench.decide.posting import PostingRange
    from paybench.decide.roster import RosterReport

DbOption = Annotated[
    Path | None, typer.Option("--db", help="DuckDB store (default: PAYBENCH_DB or the data dir)")
]
JsonOption = Annotated[bool, typer.Option("--json", help="print JSON")]


def _usd(value: float | None) -> str:
    return "n/a" if value is None else f"${value:,.0f}"


def _pct(value: float) -> str:
    return f"{value * 100:+.1f}%"


def _emit(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


def _market(db: Path | None) -> Market:
    from paybench.decide.market import Market
    from paybench.ingest import ensure_defaults
    from paybench.store import Store

    with Store(db) as store:
        ensure_defaults(store)
        return Market.load(store)


# ------------------------------------------------------------------ offer
def offer(
    file: Annotated[Path | None, typer.Option("--file", help="JSON: one offer or a list of 2-4")] = None,
    base: Annotated[float | None, typer.Option("--base", help="annual base salary, USD")] = None,
    bonus_pct: Annotated[float, typer.Option("--bonus-pct", help="target bonus, % of base")] = 0.0,
    sign_on: Annotated[float, typer.Option("--sign-on", help="sign-on bonus, USD")] = 0.0,
    equity: Annotated[float | None, typer.Option("--equity", help="initial grant value, USD")] = None,
    shares: Annotated[float | None, typer.Option("--shares", help="initial grant in shares")] = None,
    share_price: Annotated[float | None, typer.Option("--share-price", help="USD per share")] = None,
    vesting: Annotated[str, typer.Option("--vesting", help="yearly %, e.g. 25/25/25/25")] = "25/25/25/25",
    cliff_months: Annotated[int, typer.Option("--cliff-months")] = 12,
    refresher: Annotated[float, typer.Option("--refresher", help="annual refresher grant, USD")] = 0.0,
    refresher_vesting: Annotated[str, typer.Option("--refresher-vesting")] = "25/25/25/25",
    raise_pct: Annotated[float, typer.Option("--raise-pct", help="assumed yearly raise, %")] = 0.0,
    start: Annotated[str | None, typer.Option("--start", help="start date YYYY-MM-DD")] = None,
    role: Annotated[str | None, typer.Option("--role", help="role id")] = None,
    title: Annotated[str | None, typer.Option("--title", help="job title (role/level from it)")] = None,
    level: Annotated[str | None, typer.Option("--level")] = None,
    place: Annotated[str, typer.Option("--place", help="worksite")] = "US",
    label: Annotated[str | None, typer.Option("--label", help="name for the offer")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Evaluate an offer, or compare 2-4: total comp by year, annualized, market percentile."""
    from paybench.decide.offer import compare_offers, evaluate_offer, load_offers, offer_from_dict

    if file is not None:
        if base is not None:
            raise InputError("give --file or the offer flags, not both")
        offers = load_offers(file)
    else:
        if base is None:
            raise InputError("give --file OFFER.json, or at least --base and --role/--title")
        data: dict[str, Any] = {
            "label": label, "base": base, "bonus_pct": bonus_pct, "sign_on": sign_on,
            "equity_value": equity, "equity_shares": shares, "share_price": share_price,
            "vesting": vesting, "cliff_months": cliff_months, "refresher_value": refresher,
            "refresher_vesting": refresher_vesting, "annual_raise_pct": raise_pct,
            "start_date": start, "role": role, "title": title, "level": level, "place": place,
        }
        offers = [offer_from_dict({k: v for k, v in data.items() if v is not None}, "offer")]
    market = _market(db)
    if len(offers) == 1:
        evaluation = evaluate_offer(offers[0], market)
        if as_json:
            _emit(evaluation.model_dump(mode="json"))
        else:
            _print_offers([evaluation], None)
        return
    comparison = compare_offers(offers, market)
    if as_json:
        _emit(comparison.model_dump(mode="json"))
    else:
        _print_offers(comparison.evaluations, comparison)


def _print_offers(evals: list[OfferEvaluation], comparison: OfferComparison | None) -> None:
    from rich.table import Table

    from paybench.cli import out

    table = Table("", *[e.offer.name for e in evals],
                  title="Offer" if len(evals) == 1 else "Offers side by side")
    table.columns[0].style = "bold"
    for col in table.columns[1:]:
        col.justify = "right"

    def row(name: str, cells: list[str]) -> None:
        table.add_row(name, *cells)

    row("role, level", [f"{e.role}, {e.level}" for e in evals])
    row("place", [e.cell.place.label for e in evals])
    row("base", [_usd(e.offer.base) for e in evals])
    row("target bonus", [f"{e.offer.bonus_pct:g}%" for e in evals])
    row("sign-on", [_usd(e.offer.sign_on) for e in evals])
    row("equity grant", [
        f"{_usd(e.offer.grant_value)} {'/'.join(f'{v:g}' for v in e.offer.vesting)}"
        f" cliff {e.offer.cliff_months}m" if e.offer.grant_value else "none" for e in evals])
    row("refreshers / yr", [_usd(e.offer.refresher_value) for e in evals])
    for i in range(len(evals[0].years)):
        row(f"year {i + 1} total", [_usd(e.years[i].total) for e in evals])
    row("annualized (4-yr mean)", [_usd(e.annualized_total) for e in evals])
    row("steady state (yr 5+)", [_usd(e.steady_state_total) for e in evals])
    row("first year vs steady", [_pct(e.first_year_total / e.steady_state_total - 1) for e in evals])
    row("metro differential", [_pct(e.place_differential) for e in evals])
    row("national-equivalent annualized", [_usd(e.national_equivalent_total) for e in evals])
    row("market base P25-P50-P75", [f"{_usd(e.cell.p25)}-{_usd(e.cell.p50)}-{_usd(e.cell.p75)}"
                                    for e in evals])
    row("base percentile", [e.base_position.label for e in evals])
    row("total percentile", [
        (f"P{round(e.total_market.percentile)}" if e.total_market.percentile is not None else "n/a")
        for e in evals])
    out.print(table)
    if len(evals) == 1:
        e = evals[0]
        years = Table("year", "starts", "base", "bonus", "sign-on", "equity", "total",
                      title="Year by year")
        for y in e.years:
            years.add_row(str(y.year), str(y.starts_on or ""), _usd(y.base), _usd(y.bonus),
                          _usd(y.sign_on), _usd(y.equity), _usd(y.total))
        out.print(years)
    for e in evals:
        out.print(f"{e.offer.name}: market cell {e.cell_provenance}")
        out.print(f"  total: {e.total_market.label}")
        out.print(f"  steady state: {e.steady_state_basis}; {e.cliff_note}")
        if e.role_basis != "given":
            out.print(f"  {e.role_basis}")
    if comparison is not None:
        out.print(f"highest first year: {comparison.highest_first_year}; highest annualized: "
                  f"{comparison.highest_annualized}; highest national-equivalent: "
                  f"{comparison.highest_national_equivalent}")
        for note in comparison.notes:
            if "total percentile" not in note:  # already printed per offer
                out.print(f"note: {note}")


# ------------------------------------------------------------------ contract
def contract(
    rate: Annotated[float | None, typer.Option("--rate", help="hourly contract rate, USD")] = None,
    salary: Annotated[float | None, typer.Option("--salary", help="annual salary, USD")] = None,
    to_salary: Annotated[bool, typer.Option("--to-salary", help="rate -> salary (the default)")] = False,
    to_rate: Annotated[bool, typer.Option("--to-rate", help="salary -> rate (with --salary)")] = False,
    bench_share: Annotated[float, typer.Option("--bench", help="unbilled share of time, 0-1")] = 0.10,
    pto_days: Annotated[float, typer.Option("--pto-days", help="paid days off incl. holidays")] = 25.0,
    benefits_load: Annotated[float, typer.Option("--benefits-load", help="benefits / salary")] = 0.25,
    payroll_tax: Annotated[float, typer.Option("--payroll-tax", help="employer FICA / salary")] = 0.0765,
    hours: Annotated[float, typer.Option("--hours", help="standard hours a year")] = 2080.0,
    billable_hours: Annotated[float | None, typer.Option("--billable-hours", help="override")] = None,
    role: Annotated[str | None, typer.Option("--role", help="role id for market placement")] = None,
    level: Annotated[str | None, typer.Option("--level", help="level for the W2 comparison")] = None,
    place: Annotated[str, typer.Option("--place")] = "US",
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Convert a contract rate to its salaried equivalent or back, and place it in the market."""
    from pydantic import ValidationError

    from paybench.decide.contract import (
        ContractAssumptions,
        check_rate_inputs,
        contract_market,
        contract_to_salary,
        salary_to_contract,
    )

    check_rate_inputs(rate, salary)
    if (to_salary and rate is None) or (to_rate and salary is None):
        raise InputError("--to-salary goes with --rate, --to-rate with --salary")
    try:
        assumptions = ContractAssumptions(
            standard_hours_per_year=hours, paid_time_off_days=pto_days, bench_share=bench_share,
            benefits_load=benefits_load, employer_payroll_tax=payroll_tax,
            billable_hours_per_year=billable_hours)
    except ValidationError as exc:
        raise InputError(str(exc.errors()[0]["msg"]).removeprefix("Value error, ")) from None
    conv = contract_to_salary(rate, assumptions) if rate is not None else \
        salary_to_contract(salary or 0.0, assumptions)
    market = None
    if role is not None:
        market = contract_market(_market(db), role, conv.hourly_rate, place=place, level=level,
                                 assumptions=assumptions)
    if as_json:
        _emit({"conversion": conv.model_dump(mode="json"),
               "market": market.model_dump(mode="json") if market else None})
        return
    _print_contract(conv, market, rate is not None)


def _print_contract(conv: ContractConversion, market: ContractMarket | None, from_rate: bool) -> None:
    from rich.table import Table

    from paybench.cli import out

    if from_rate:
        out.print(f"[bold]${conv.hourly_rate:,.2f}/h contract ~ ${conv.salary_equivalent:,.0f} salary[/bold]")
    else:
        out.print(f"[bold]${conv.salary_equivalent:,.0f} salary ~ ${conv.hourly_rate:,.2f}/h contract[/bold]")
    for line in conv.formula:
        out.print(f"  {line}")
    a = conv.assumptions
    out.print(f"assumptions: {a.standard_hours_per_year:,.0f} standard h, "
              f"{a.paid_time_off_days:g} paid days off, "
              f"bench {a.bench_share:g}, benefits load {a.benefits_load:g}, employer payroll tax "
              f"{a.employer_payroll_tax:g} (change with --pto-days --bench --benefits-load --payroll-tax "
              "--hours --billable-hours)")
    if market is None:
        out.print("give --role to place the rate among market contract rates")
        return
    table = Table("evidence", "hourly", "position of the rate",
                  title=f"Contract market, {market.role}")
    for pub in market.published + market.published_general:
        span = f"${pub.low_hourly or 0:,.0f}-${pub.high_hourly:,.0f}/h" if pub.low_hourly else \
            f"up to ${pub.high_hourly or 0:,.0f}/h"
        table.add_row(f"published {pub.employment_type}: {pub.group}", span, pub.position)
    for s in (market.survey_role, market.survey_all_roles):
        if s.n:
            table.add_row(f"{s.scope} (n={s.n}, at 2,080 h)",
                          f"P25 ${s.p25_hourly:,.2f} / med ${s.median_hourly:,.2f} / "
                          f"P75 ${s.p75_hourly:,.2f}",
                          f"above {s.share_below_rate or 0:.0%} of rows")
        else:
            table.add_row(s.scope, "no rows", "")
    for eq in market.w2_equivalents:
        table.add_row(f"W2 {eq.level} salary cell, {eq.place} ({eq.provenance})",
                      f"P25 ${eq.p25_rate:,.2f} / P50 ${eq.p50_rate:,.2f} / P75 ${eq.p75_rate:,.2f}",
                      f"salary P50 {_usd(eq.p50_salary)}")
    out.print(table)
    for line in market.checks:
        out.print(f"check: {line}")


# ------------------------------------------------------------------ bands
def bands(
    role: Annotated[str, typer.Option("--role", help="role id")],
    place: Annotated[str, typer.Option("--place", help="a place; default United States")] = "US",
    percentile: Annotated[float, typer.Option("--percentile", help="midpoint percentile")] = 50.0,
    spread: Annotated[float, typer.Option("--spread", help="range spread %, (max-min)/min")] = 40.0,
    levels: Annotated[str | None, typer.Option("--levels", help="comma list, e.g. mid,senior,staff")] = None,
    management: Annotated[bool, typer.Option("--management", help="add manager and director")] = False,
    min_progression: Annotated[float, typer.Option("--min-progression", help="% between midpoints")] = 5.0,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Pay bands (min, mid, max) for a role ladder in a place, from the market cells."""
    from paybench.decide.bands import build_bands

    level_list = [p.strip() for p in levels.split(",") if p.strip()] if levels else None
    table = build_bands(_market(db), role, place, percentile=percentile, spread_pct=spread,
                        levels=level_list, include_management=management,
                        min_progression_pct=min_progression)
    if as_json:
        _emit(table.model_dump(mode="json"))
        return
    _print_bands(table)


def _print_bands(bt: BandTable) -> None:
    from rich.table import Table

    from paybench.cli import out

    table = Table("level", "minimum", "midpoint", "maximum", f"market P{bt.percentile:g}",
                  "overlap with next", "cell n", "method",
                  title=f"{bt.role_name}, {bt.place}: P{bt.percentile:g} midpoints, "
                        f"{bt.spread_pct:g}% spread")
    overlaps = {o.lower: o for o in bt.overlaps}
    for b in bt.bands:
        ov = overlaps.get(b.level)
        table.add_row(b.level + (" *" if b.adjusted else ""), _usd(b.minimum), _usd(b.midpoint),
                      _usd(b.maximum), _usd(b.market_value),
                      f"{ov.share_of_lower:.0%} ({ov.upper})" if ov else "",
                      str(b.cell_n), f"{b.cell_method}/{b.cell_confidence}")
    out.print(table)
    out.print(f"bands: {bt.formula}")
    for line in bt.adjustments:
        out.print(f"* adjusted: {line}")


# ------------------------------------------------------------------ roster
def roster(
    file: Annotated[Path, typer.Option("--file", help="CSV: id,title,level,place,base")],
    percentile: Annotated[float, typer.Option("--percentile", help="band midpoint percentile")] = 50.0,
    spread: Annotated[float, typer.Option("--spread", help="band range spread %")] = 40.0,
    output: Annotated[Path | None, typer.Option("--output", help="write per-person rows as CSV")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Compa-ratio and market percentile per employee; nothing of the roster is stored."""
    from paybench.decide.roster import check_roster, read_roster, roster_csv

    employees, rejected = read_roster(file)
    report = check_roster(employees, _market(db), percentile=percentile, spread_pct=spread,
                          rejected=rejected)
    if output is not None:
        output.write_text(roster_csv(report), encoding="utf-8")
    if as_json:
        _emit(report.model_dump(mode="json"))
        return
    _print_roster(report)
    if output is not None:
        from paybench.cli import out

        out.print(f"wrote {output}")


def _print_roster(report: RosterReport) -> None:
    from rich.table import Table

    from paybench.cli import out

    table = Table("id", "role", "level", "place", "base", "band min-mid-max", "compa", "market", "flag",
                  title=f"Roster vs bands (P{report.percentile:g} midpoints, {report.spread_pct:g}% spread)")
    for r in report.rows:
        table.add_row(r.id, r.role, r.level, r.place, _usd(r.base),
                      f"{_usd(r.band_min)}-{_usd(r.band_mid)}-{_usd(r.band_max)}",
                      f"{r.compa_ratio:.2f}", r.market_label, r.flag)
    out.print(table)
    summary = Table("role", "level", "count", "mean compa", "below min", "above max", title="Summary")
    for s in report.summary:
        summary.add_row(s.role, s.level, str(s.count), f"{s.mean_compa_ratio:.2f}",
                        f"{s.below_min} ({s.share_below_min:.0%})", str(s.above_max))
    out.print(summary)
    for rej in report.rejected:
        out.print(f"row {rej.row} ({rej.id or 'no id'}): not evaluated: {rej.reason}")


# ------------------------------------------------------------------ posting range
def posting_range_command(
    role: Annotated[str, typer.Option("--role", help="role id")],
    level: Annotated[str, typer.Option("--level")],
    place: Annotated[str, typer.Option("--place", help="worksite; 'Remote' or 'Remote (CA)'")],
    employer_size: Annotated[int | None, typer.Option("--employer-size", help="employees")] = None,
    remote: Annotated[bool, typer.Option("--remote", help="the job may be done remotely")] = False,
    band_min: Annotated[float | None, typer.Option("--band-min", help="post this band's min")] = None,
    band_max: Annotated[float | None, typer.Option("--band-max", help="... and max")] = None,
    low_pct: Annotated[float, typer.Option("--low-pct")] = 25.0,
    high_pct: Annotated[float, typer.Option("--high-pct")] = 75.0,
    on: Annotated[str | None, typer.Option("--date", help="posting date YYYY-MM-DD (today)")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """The range to post for a role x level x place, and the pay-transparency law it must meet."""
    from paybench.decide.posting import posting_range

    if (band_min is None) != (band_max is None):
        raise InputError("give both --band-min and --band-max, or neither")
    band = (band_min, band_max) if band_min is not None and band_max is not None else None
    try:
        date = dt.date.fromisoformat(on) if on else None
    except ValueError:
        raise InputError(f"--date {on!r} is not a date (YYYY-MM-DD)") from None
    result = posting_range(_market(db), role, level, place, employer_size=employer_size,
                           remote=remote, band=band, low_pct=low_pct, high_pct=high_pct,
                           posting_date=date)
    if as_json:
        _emit(result.model_dump(mode="json"))
        return
    _print_posting(result)


def _print_posting(p: PostingRange) -> None:
    from paybench.cli import out

    out.print(f"[bold]Post: ${p.low:,.0f} - ${p.high:,.0f} a year[/bold] "
              f"(${p.low_hourly:,.2f}-${p.high_hourly:,.2f}/h) for {p.role_name}, {p.level}, "
              f"{p.place}{' (remote)' if p.remote else ''}")
    out.print(f"range: {p.range_basis}")
    out.print(f"market cell: {p.cell_provenance}")
    if not p.laws:
        out.print("no modelled pay-transparency law covers this worksite")
    for check in p.laws:
        law = check.law
        out.print(f"{check.status.upper()}: {law.name}, {law.citation} (effective {law.effective}, "
                  f"{law.min_employees}+ employees; checked {law.checked_on}) - {check.reason}")
    if p.must_state:
        out.print("the posting must state:")
        for line in p.must_state:
            out.print(f"  - {line}")
    if p.not_modelled:
        out.print(f"note: {p.not_modelled}")
    out.print(p.disclaimer)


def register(app: typer.Typer) -> None:
    """Add offer, contract, bands, roster and posting-range to the CLI."""
    app.command("offer")(offer)
    app.command("contract")(contract)
    app.command("bands")(bands)
    app.command("roster")(roster)
    app.command("posting-range")(posting_range_command)
