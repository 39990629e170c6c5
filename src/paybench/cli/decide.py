"""Decision commands: offer, contract, bands, roster, posting-range, laws, posting-check.

Thin layers over `paybench.Paybench`: each reads its inputs, calls the engine and prints a
rich table for people or JSON for machines (--json).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from paybench.cli.common import DbOption, JsonOption, command, emit_model, engine, out
from paybench.cli.common import usd as _usd
from paybench.errors import InputError

if TYPE_CHECKING:
    from paybench.decide.bands import BandTable
    from paybench.decide.contract import ContractConversion, ContractMarket
    from paybench.decide.offer import OfferReport
    from paybench.decide.posting import LawList, PostingRange
    from paybench.decide.posting_check import PostingCheck, PostingCheckReport
    from paybench.decide.roster import RosterReport


def _pct(value: float) -> str:
    return f"{value * 100:+.1f}%"


# ------------------------------------------------------------------ offer
@command()
def offer(
    file: Annotated[Path | None, typer.Option("--file", help="JSON: one offer or a list of 2-4")] = None,
    base: Annotated[float | None, typer.Option("--base", help="annual base salary, USD")] = None,
    bonus_pct: Annotated[float, typer.Option("--bonus-pct", help="target bonus, % of base")] = 0.0,
    sign_on: Annotated[float, typer.Option("--sign-on", help="sign-on bonus, USD")] = 0.0,
    equity_value: Annotated[float | None, typer.Option("--equity", help="initial grant value, USD")] = None,
    equity_shares: Annotated[float | None, typer.Option("--shares", help="initial grant in shares")] = None,
    share_price: Annotated[float | None, typer.Option("--share-price", help="USD per share")] = None,
    vesting: Annotated[str, typer.Option("--vesting", help="yearly %, e.g. 25/25/25/25")] = "25/25/25/25",
    cliff_months: Annotated[int, typer.Option("--cliff-months")] = 12,
    refresher_value: Annotated[float, typer.Option("--refresher", help="annual refresher grant, USD")] = 0.0,
    refresher_vesting: Annotated[str, typer.Option("--refresher-vesting")] = "25/25/25/25",
    annual_raise_pct: Annotated[float, typer.Option("--raise-pct", help="assumed yearly raise, %")] = 0.0,
    start_date: Annotated[str | None, typer.Option("--start", help="start date YYYY-MM-DD")] = None,
    role: Annotated[str | None, typer.Option("--role", help="role id or job title")] = None,
    title: Annotated[str | None, typer.Option("--title", help="job title (role/level from it)")] = None,
    level: Annotated[str | None, typer.Option("--level")] = None,
    place: Annotated[str, typer.Option("--place", help="worksite")] = "US",
    label: Annotated[str | None, typer.Option("--label", help="name for the offer")] = None,
    segment: Annotated[str | None, typer.Option(
        "--segment", help="the employer's segment (big-tech, ai-lab, startup, enterprise, "
        "government, consultancy, unclassified): base and total ranked in its cells "
        "(default: every employer)")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Evaluate an offer, or compare 2-4: total comp by year, annualized, market percentile."""
    from paybench.decide.offer import load_offers

    offers: list[Any]
    if file is not None:
        if base is not None:
            raise InputError("give --file or the offer options, not both", field="file")
        offers = load_offers(file)
    else:
        if base is None:
            raise InputError("give --file OFFER.json, or at least --base and --role/--title",
                             field="base")
        data: dict[str, Any] = {
            "label": label, "base": base, "bonus_pct": bonus_pct, "sign_on": sign_on,
            "equity_value": equity_value, "equity_shares": equity_shares, "share_price": share_price,
            "vesting": vesting, "cliff_months": cliff_months, "refresher_value": refresher_value,
            "refresher_vesting": refresher_vesting, "annual_raise_pct": annual_raise_pct,
            "start_date": start_date, "role": role, "title": title, "level": level, "place": place,
            "segment": segment,
        }
        offers = [{k: v for k, v in data.items() if v is not None}]
    with engine(db) as pb:
        try:
            report = pb.offer(offers)
        except InputError as exc:
            if file is None or exc.field is None:
                raise
            # a field of the file, not the option of the same name ("--base"); a file of one
            # offer has no "offers.0." to point into
            field = exc.field.removeprefix("offers.0.") if len(offers) == 1 else exc.field
            raise InputError(f"{file.name}: {field}: {exc.message}") from None
    if as_json:
        emit_model(report)
        return
    _print_offers(report)


def _print_offers(report: OfferReport) -> None:
    from rich.table import Table

    evals = report.evaluations
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
    if any(e.total_market.cell is not None for e in evals):
        row("market total P25-P50-P75", [
            "n/a" if (c := e.total_market.cell) is None else f"{_usd(c.p25)}-{_usd(c.p50)}-{_usd(c.p75)}"
            for e in evals])
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
        if e.total_market.cell_provenance:
            out.print(f"  total-pay cell {e.total_market.cell_provenance}")
        out.print(f"  steady state: {e.steady_state_basis}; {e.cliff_note}")
        if e.role_basis != "given":
            out.print(f"  {e.role_basis}")
    if report.count > 1:
        out.print(f"highest first year: {report.highest_first_year}; highest annualized: "
                  f"{report.highest_annualized}; highest national-equivalent: "
                  f"{report.highest_national_equivalent}")
        for note in report.notes:
            if "total percentile" not in note:  # already printed per offer
                out.print(f"note: {note}")


# ------------------------------------------------------------------ contract
@command()
def contract(
    hourly_rate: Annotated[float | None, typer.Option("--rate", help="hourly contract rate, USD")] = None,
    salary: Annotated[float | None, typer.Option("--salary", help="annual salary, USD")] = None,
    to_salary: Annotated[bool, typer.Option("--to-salary", help="rate -> salary (the default)")] = False,
    to_rate: Annotated[bool, typer.Option("--to-rate", help="salary -> rate (with --salary)")] = False,
    bench_share: Annotated[float, typer.Option("--bench", help="unbilled share of time, 0-1")] = 0.10,
    paid_time_off_days: Annotated[float, typer.Option(
        "--pto-days", help="paid days off incl. holidays")] = 25.0,
    benefits_load: Annotated[float, typer.Option("--benefits-load", help="benefits / salary")] = 0.25,
    employer_payroll_tax: Annotated[float, typer.Option(
        "--payroll-tax", help="employer FICA / salary")] = 0.0765,
    standard_hours_per_year: Annotated[float, typer.Option("--hours", help="standard hours a year")] = 2080.0,
    billable_hours_per_year: Annotated[float | None, typer.Option(
        "--billable-hours", help="override")] = None,
    role: Annotated[str | None, typer.Option("--role", help="role id or title, for market placement")] = None,
    level: Annotated[str | None, typer.Option("--level", help="level for the W2 comparison")] = None,
    place: Annotated[str, typer.Option("--place")] = "US",
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Convert a contract rate to its salaried equivalent or back, and place it in the market."""
    from paybench.decide.contract import ContractAssumptions

    if to_salary and hourly_rate is None:
        raise InputError("--to-salary goes with --rate", field="to_salary")
    if to_rate and salary is None:
        raise InputError("--to-rate goes with --salary", field="to_rate")
    assumptions = ContractAssumptions(
        standard_hours_per_year=standard_hours_per_year, paid_time_off_days=paid_time_off_days,
        bench_share=bench_share, benefits_load=benefits_load, employer_payroll_tax=employer_payroll_tax,
        billable_hours_per_year=billable_hours_per_year)
    with engine(db, defaults=role is not None) as pb:
        result = pb.contract(hourly_rate, salary, assumptions=assumptions, role=role, level=level,
                             place=place)
    if as_json:
        emit_model(result)
        return
    _print_contract(result.conversion, result.market, hourly_rate is not None)


def _print_contract(conv: ContractConversion, market: ContractMarket | None, from_rate: bool) -> None:
    from rich.table import Table

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
@command()
def bands(
    role: Annotated[str, typer.Option("--role", help="role id, name or job title")],
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
    level_list = [p.strip() for p in levels.split(",") if p.strip()] if levels else None
    with engine(db) as pb:
        table = pb.bands(role, place, percentile=percentile, spread=spread, levels=level_list,
                         management=management, min_progression=min_progression)
    if as_json:
        emit_model(table)
        return
    _print_bands(table)


def _print_bands(bt: BandTable) -> None:
    from rich.table import Table

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
@command()
def roster(
    employees: Annotated[Path, typer.Option("--file", help="CSV: id,title,level,place,base")],
    percentile: Annotated[float, typer.Option("--percentile", help="band midpoint percentile")] = 50.0,
    spread: Annotated[float, typer.Option("--spread", help="band range spread %")] = 40.0,
    output: Annotated[Path | None, typer.Option(
        "--output", help="write per-person rows as CSV (missing folders are created, as for --db)",
    )] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Compa-ratio and market percentile per employee; nothing of the roster is stored."""
    from paybench.decide.roster import roster_csv

    with engine(db) as pb:
        report = pb.roster(employees, percentile=percentile, spread=spread)
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(roster_csv(report), encoding="utf-8")
    if as_json:
        emit_model(report)
        return
    _print_roster(report)
    if output is not None:
        out.print(f"wrote {output}")


def _print_roster(report: RosterReport) -> None:
    from rich.table import Table

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
@command("posting-range")
def posting_range(
    role: Annotated[str, typer.Option("--role", help="role id, name or job title")],
    level: Annotated[str, typer.Option("--level")],
    place: Annotated[str, typer.Option("--place", help="worksite; 'Remote' or 'Remote (California)'")],
    employer_size: Annotated[int | None, typer.Option("--employer-size", help="employees")] = None,
    remote: Annotated[bool, typer.Option("--remote", help="the job may be done remotely")] = False,
    band_min: Annotated[float | None, typer.Option("--band-min", help="post this band's min")] = None,
    band_max: Annotated[float | None, typer.Option("--band-max", help="... and max")] = None,
    low_pct: Annotated[float, typer.Option("--low-pct")] = 25.0,
    high_pct: Annotated[float, typer.Option("--high-pct")] = 75.0,
    posting_date: Annotated[str | None, typer.Option(
        "--date", help="posting date YYYY-MM-DD (today)")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """The range to post for a role x level x place, and the pay-transparency law it must meet."""
    with engine(db) as pb:
        result = pb.posting_range(role, level, place, employer_size=employer_size, remote=remote,
                                  band_min=band_min, band_max=band_max, low_pct=low_pct,
                                  high_pct=high_pct, posting_date=posting_date)
    if as_json:
        emit_model(result)
        return
    _print_posting(result)


def _print_posting(p: PostingRange) -> None:
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
    if p.on_request:
        out.print("on request, at interview or offer:")
        for line in p.on_request:
            out.print(f"  - {line}")
    if p.not_modelled:
        out.print(f"note: {p.not_modelled}")
    out.print(p.disclaimer)


# ------------------------------------------------------------------ laws
RemoteOption = Annotated[str | None, typer.Option(
    "--remote", help="remote job: 'US' (may be filled anywhere in the US) or the states, 'CO,NY'")]


@command("laws")
def laws(
    place: Annotated[str | None, typer.Option("--place", help="worksite: city, county, state or ZIP")] = None,
    remote: RemoteOption = None,
    employer_size: Annotated[int | None, typer.Option("--employer-size", help="employees")] = None,
    posting_date: Annotated[str | None, typer.Option(
        "--date", help="posting date YYYY-MM-DD (today)")] = None,
    as_json: JsonOption = False,
) -> None:
    """US pay-transparency laws (states, counties, cities): citation, effective date, employer
    size, what a posting must state since when, remote coverage; all, or those of a place."""
    from paybench.engine import Paybench

    result = Paybench.laws(place, remote=remote, employer_size=employer_size, posting_date=posting_date)
    if as_json:
        emit_model(result)
        return
    _print_laws(result)


def _print_laws(result: LawList) -> None:
    from rich.table import Table

    if result.place is None and result.remote == "on site":
        where = "all jurisdictions"  # every law, whatever its reach
    else:  # the worksite (a 'Remote' place is remote (US)) and the remote scope the laws were found for
        where = f"{result.place or 'a job in the US'}; {result.remote}"
    table = Table("jurisdiction", "status", "kind", "citation", "effective", "employees", "must state",
                  "remote jobs", "checked",
                  title=f"Pay-transparency laws: {where}; posting date {result.posting_date}")
    for check in result.laws:
        law = check.law
        must = "; ".join(f"{item.element}" + (f" ({item.required})" if item.required != "always" else "")
                         + (f" from {item.since}" if item.since > law.effective else "")
                         for item in law.must_state) or "-"
        table.add_row(law.jurisdiction, check.status, law.kind.replace("_", " "), law.citation,
                      str(law.effective), f"{law.min_employees}+", must, law.remote.replace("_", " "),
                      str(law.checked_on))
    out.print(table)
    if result.place is not None or result.remote != "on site":
        for check in result.laws:
            out.print(f"{check.law.jurisdiction}: {check.reason}")
            if check.law.on_request:
                out.print(f"  on request ({check.law.jurisdiction}): {check.law.on_request}")
    if result.note:
        out.print(result.note)
    out.print(result.disclaimer)


# ------------------------------------------------------------------ posting check
def _inline_records(text: str) -> str | dict[str, Any] | list[dict[str, Any]]:
    """Posting text that is JSON, read as the records it holds (location and all): one object,
    an array of objects, or JSON Lines (one object a line); any other text as it is."""
    try:
        found = json.loads(text)
    except ValueError:
        lines = [line for line in text.splitlines() if line.strip()]
        try:
            found = [json.loads(line) for line in lines]
        except ValueError:
            return text
    if isinstance(found, dict):
        return found
    if isinstance(found, list) and found and all(isinstance(r, dict) for r in found):
        return found
    return text


@command("posting-check")
def posting_check(
    posting: Annotated[str, typer.Argument(help="the posting's text, a postings file (CSV, JSON Lines, "
                                                "JSON; '-' reads the text from stdin)")],
    place: Annotated[str | None, typer.Option(
        "--place", help="worksite (overrides a file's locations)")] = None,
    remote: RemoteOption = None,
    employer_size: Annotated[int | None, typer.Option("--employer-size", help="employees")] = None,
    title: Annotated[str | None, typer.Option("--title", help="job title, for the market cell "
                                                             "(default: the text's first line)")] = None,
    posting_date: Annotated[str | None, typer.Option(
        "--date", help="posting date YYYY-MM-DD (default: the row's, else today)")] = None,
    as_csv: Annotated[bool, typer.Option("--csv", help="print CSV, one row per posting")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Check a posting already written (or a file of them) against the pay-transparency laws
    of its worksite or remote scope, and its range against the market cell."""
    import sys

    if as_csv and as_json:
        raise InputError("give --csv or --json, not both", field="as_json")
    given: Path | str | dict[str, Any] | list[dict[str, Any]]
    if not posting.strip():
        raise InputError("the posting is empty: give its text, a postings file or '-' for stdin",
                         field="posting")
    path = Path(posting)
    if posting == "-":
        given = sys.stdin.read()
    elif "\n" not in posting and len(posting) < 4096 and path.suffix.lower() in (
            ".csv", ".json", ".jsonl", ".ndjson", ".txt", ".tsv") and " " not in path.name:
        given = path  # a file name: the engine says so if it does not exist
    elif "\n" not in posting and len(posting) < 4096 and path.exists():
        given = path
    else:
        given = posting
    if isinstance(given, str) and given.lstrip().startswith(("{", "[")):
        given = _inline_records(given)
    if isinstance(given, Path) and given.suffix.lower() == ".txt":
        from paybench.paths import user_file

        given = user_file(given, "posting").read_text(encoding="utf-8", errors="replace")
    with engine(db) as pb:
        report = pb.posting_check(given, place=place, remote=remote, employer_size=employer_size,
                                  posting_date=posting_date, title=title)
    if as_json:
        emit_model(report)
        return
    if as_csv:
        from paybench.decide.posting_check import report_csv

        sys.stdout.write(report_csv(report))
        return
    if len(report.rows) == 1 and not report.rejected:
        _print_one_check(report.rows[0])
    else:
        _print_checks(report)
    out.print(report.disclaimer)


def _print_one_check(r: PostingCheck) -> None:
    from rich.markup import escape

    from paybench.decide.posting_check import pay_text

    def say(text: str) -> None:
        out.print(text, markup=False, highlight=False)

    head = " - ".join(x for x in (r.title, r.company) if x) or "posting"
    out.print(f"[bold]{escape(head)}[/bold]: {escape(r.place or 'no worksite')}, {r.remote}, "
              f"posted {r.posted_on}")
    if r.pay is not None:
        where = "the job board's salary field" if r.pay.source == "board" else f"text: {r.pay.matched!r}"
        usd = (f" = {_usd(r.pay.annual_usd_min)}-{_usd(r.pay.annual_usd_max)} a year"
               if r.pay.currency != "USD" or r.pay.period != "year" else "")
        say(f"pay: {pay_text(r.pay)}{usd} ({where})")
    else:
        say(f"pay: none ({r.pay_note})")
    for flag in r.range_flags:  # the range's own flags, with or without a market cell
        say(f"  flag: {flag}")
    out.print(f"[bold]verdict: {r.verdict.upper()}[/bold]")
    for law in r.laws:
        say(f"{law.verdict.upper()}: {law.jurisdiction} ({law.citation}), {law.status}: {law.reason}")
        for e in law.elements:
            say(f"    {e.status:<16} {e.label} ({e.required}, since {e.since}): {e.detail}")
        if law.kind == "on_request" and law.on_request:
            say(f"    on request: {law.on_request}")
    if r.market is not None:
        m = r.market
        c = m.cell
        say(f"market: {c.role_name}, {c.level}, {c.place.label}: P10 {_usd(c.p10)}, P25 {_usd(c.p25)}, "
            f"P50 {_usd(c.p50)}, P75 {_usd(c.p75)}, P90 {_usd(c.p90)} ({m.basis})")
        for flag in m.flags:
            say(f"  flag: {flag}")
        if not m.flags and not r.range_flags and m.posted_low is not None and m.posted_high is not None:
            say("  no flag: not wider than P10-P90, overlaps P25-P75, top within twice the bottom")
        say(f"  good-faith evidence: {m.evidence}")
    if r.market_note:
        say(f"market: {r.market_note}")
    for note in r.notes:
        say(f"note: {note}")


def _print_checks(report: PostingCheckReport) -> None:
    from rich.markup import escape
    from rich.table import Table

    from paybench.decide.posting_check import pay_text

    table = Table("row", "title", "worksite", "pay", "laws", "verdict", "missing", "flags",
                  title=f"Posting check: {report.source}, {report.postings:,} postings")
    for r in report.rows:
        laws = _laws_cell(r)
        raised = [*r.range_flags, *(r.market.flags if r.market else [r.market_note or "no market cell"])]
        flags = "; ".join(raised) or "-"
        where = r.place or r.location or "?"
        if r.remote != "on site":
            where = r.remote if where == "Remote" else f"{where}, {r.remote}"
        cells = (str(r.row or ""), r.title or "", where, pay_text(r.pay) if r.pay else "none",
                 laws, r.verdict, _missing_cell(r), flags)
        table.add_row(*(escape(c) for c in cells))
    out.print(table)
    out.print("verdicts: " + ", ".join(f"{k} {v:,}" for k, v in report.summary.items()))
    for rej in report.rejected:
        out.print(f"row {rej.row}: not checked: {rej.reason}", markup=False)


def _laws_cell(r: PostingCheck) -> str:
    """The laws of one posting in a table cell: each with its verdict, or counts when many."""
    if not r.laws:
        return "-"
    if len(r.laws) <= 3:
        return ", ".join(f"{law.short} ({law.verdict})" for law in r.laws)
    from collections import Counter

    counts = Counter(law.verdict for law in r.laws)
    return f"{len(r.laws)} laws: " + ", ".join(f"{v} {n}" for v, n in counts.most_common())


def _missing_cell(r: PostingCheck) -> str:
    """What is missing, by element, with the laws that require it ('benefits (CO, WA)')."""
    by_element: dict[str, list[str]] = {}
    for law in r.laws:
        if law.verdict != "fails":
            continue
        for e in law.elements:
            if e.status == "missing":
                tag = law.short + ("?" if law.status == "may apply" else "")
                by_element.setdefault(e.element, []).append(tag)
    names = {"pay_range": "range", "application_deadline": "deadline", "other_compensation": "other pay"}
    return "; ".join(f"{names.get(k, k.replace('_', ' '))} ({', '.join(v)})"
                     for k, v in by_element.items()) or "-"
