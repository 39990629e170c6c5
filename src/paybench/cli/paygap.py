"""`paybench paygap`: the gender pay-gap report of a payroll (Directive (EU) 2023/970 Art. 9
and 10, or the UK's SI 2017/172) with the pay ranges per category; a thin layer over
`Paybench.paygap`. Tables for people, JSON (--json), flat CSV (--csv FILE) and an HTML report
in the guide's look (--html FILE)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from paybench.cli.common import DbOption, JsonOption, command, emit_model, engine, out

if TYPE_CHECKING:
    from paybench.decide.paygap import PayGapReport
    from paybench.guide.paygap import TextTable


@command()
def paygap(
    payroll: Annotated[Path, typer.Option(
        "--payroll", help="CSV or xlsx: employee_id, gender, category, annual_base, variable_pay, "
                          "annual_hours (or fte), factor columns")],
    profile: Annotated[str, typer.Option(
        "--profile", help="eu (Directive 2023/970) or uk (SI 2017/172)")] = "eu",
    mapping: Annotated[list[str] | None, typer.Option(
        "--map", help="FIELD=COLUMN for a column named otherwise, e.g. gender=sex (repeat)")] = None,
    factors: Annotated[list[str] | None, typer.Option(
        "--factor", help="a gender-neutral factor column, e.g. grade (repeat, or comma-separate)")] = None,
    min_group: Annotated[int, typer.Option(
        "--min-group", help="fewest women and men a group needs for its figures")] = 5,
    full_time_hours: Annotated[float, typer.Option(
        "--full-time-hours", help="hours of a full-time year (fte x this = hours)")] = 2080.0,
    currency: Annotated[str | None, typer.Option(
        "--currency", help="the payroll's currency (needed to compare with market cells, in USD)")] = None,
    role_column: Annotated[str | None, typer.Option(
        "--role-column", help="column with each worker's paybench role (or job title)")] = None,
    level_column: Annotated[str | None, typer.Option("--level-column", help="column with the level")] = None,
    place: Annotated[str, typer.Option("--place", help="the market's place for the ranges")] = "US",
    csv_file: Annotated[Path | None, typer.Option(
        "--csv", help="write the figures as flat CSV (missing folders are created, as by guide --out)"
    )] = None,
    html_file: Annotated[Path | None, typer.Option(
        "--html", help="write the HTML report (missing folders are created, as for guide --out)")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Gender pay gap of a payroll: Article 9 indicators (or the UK's), Article 10 per category,
    explained/unexplained split, pay ranges per category. Nothing of the payroll is stored."""
    from paybench.decide.paygap import report_csv

    factor_list = [f.strip() for item in (factors or []) for f in item.split(",") if f.strip()]
    options: dict[str, Any] = {
        "profile": profile.strip().lower(), "mapping": mapping or [], "factors": factor_list,
        "min_group": min_group, "full_time_hours": full_time_hours, "currency": currency,
        "role_column": role_column, "level_column": level_column, "place": place}
    if role_column is None:
        # no market cells: Paybench.paygap's own reading and report, without opening (or creating)
        # a store, or importing the engine (0.8 s of a 100,000-row run, docs/measurements.md)
        from paybench.decide.paygap import paygap_of

        report = paygap_of(payroll, **options)
    else:
        with engine(db) as pb:
            report = pb.paygap(payroll, **options)
    from paybench.paths import write_output

    written: list[tuple[Path, Path | None]] = []
    if csv_file is not None:
        written.append((csv_file, write_output(csv_file, report_csv(report), "csv_file")))
    if html_file is not None:
        from paybench.guide.paygap import write_paygap_html

        written.append((html_file, write_paygap_html(report, html_file)))
    if as_json:
        emit_model(report)
        for path, created in written:  # stdout is the JSON: a folder created is said on stderr
            if created is not None:
                typer.echo(f"wrote {path} (created the folder {created})", err=True)
        return
    _print(report)
    for path, created in written:
        made = f" (created the folder {created})" if created is not None else ""
        out.print(f"wrote {path}{made}", markup=False, highlight=False)


def _rich(t: TextTable) -> None:
    from rich.table import Table

    table = Table(*t.columns, title=t.title)
    for i in t.numeric:
        table.columns[i].justify = "right"
    for row in t.rows:
        table.add_row(*row)
    out.print(table)
    if t.note:
        out.print(t.note, markup=False, highlight=False)


def _print(report: PayGapReport) -> None:
    from paybench.guide.paygap import (
        article10_lines,
        category_table,
        indicator_table,
        market_table,
        quartile_table,
        range_table,
        summary_lines,
    )

    out.print(f"[bold]Pay gap report[/bold] ({report.law})")
    for line in summary_lines(report):
        out.print(line, markup=False, highlight=False)
    _rich(indicator_table(report))
    _rich(quartile_table(report))
    if report.categories:
        _rich(category_table(report))
        for line in article10_lines(report):
            out.print(f"Article 10, {line}", markup=False, highlight=False)
    if report.pay_ranges:
        _rich(range_table(report))
        market = market_table(report)
        if market.rows:
            _rich(market)
    for note in report.notes:
        out.print(f"note: {note}", markup=False, highlight=False)
