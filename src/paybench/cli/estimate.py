"""`paybench estimate`, `paybench train` and `paybench evaluate`: the pay estimator's commands.
Money is annual US dollars of base pay."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from paybench.cli.common import DbOption, JsonOption, command, emit_model, engine, usd
from paybench.errors import InputError


@command()
def estimate(
    title: Annotated[str | None, typer.Option("--title", help="job title")] = None,
    place: Annotated[str | None, typer.Option("--place", help="city, metro, ZIP, state, remote")] = None,
    years_experience: Annotated[float | None, typer.Option("--years", help="years of experience")] = None,
    level: Annotated[str | None, typer.Option("--level", help="entry, mid, senior, staff, ...")] = None,
    industry: Annotated[str | None, typer.Option("--industry")] = None,
    company_size: Annotated[str | None, typer.Option("--company-size", help="S, M or L")] = None,
    remote: Annotated[str | None, typer.Option("--remote", help="remote, hybrid or onsite")] = None,
    skills: Annotated[str | None, typer.Option("--skills", help="comma-separated")] = None,
    year: Annotated[int | None, typer.Option("--year", help="estimate for this year")] = None,
    input_file: Annotated[Path | None, typer.Option("--input", help="CSV of rows to estimate")] = None,
    output_file: Annotated[Path | None, typer.Option(
        "--output", help="CSV to write (with --input); missing folders are created, as for --db",
    )] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Estimate annual base pay (P10, P50, P90) for one job, or for every row of a CSV."""
    if input_file is not None:
        if output_file is None:
            raise InputError("--input needs --output FILE.csv", field="output_file")
        with engine(db) as pb:
            result = pb.estimate_file(input_file, output_file)
        if as_json:
            emit_model(result)
        else:
            print(f"{result.estimated:,} of {result.rows:,} rows estimated ({result.layout} layout); "
                  f"{result.failed:,} with a reason; wrote {output_file}")
        return
    if not title:
        raise InputError("give --title (and --place ...), or --input FILE.csv --output OUT.csv",
                         field="title")
    with engine(db) as pb:
        est = pb.estimate(title, place=place, years_experience=years_experience, level=level,
                          industry=industry, company_size=company_size, remote=remote, year=year,
                          skills=[s.strip() for s in (skills or "").split(",") if s.strip()])
    if as_json:
        emit_model(est)
        return
    print(f"{est.title} -> {est.role_name or 'unmatched role'}, {est.level} ({est.level_basis}), "
          f"{est.place or 'US'}")
    print(f"P10 {usd(est.p10)}   P50 {usd(est.p50)}   P90 {usd(est.p90)}   "
          f"(annual base, USD, as of {est.as_of})")
    print(f"  base {usd(est.base_usd)}")
    for c in est.contributions:
        print(f"  {c.factor:<13}{usd(c.usd):>11}   {c.detail}")
    print(f"interval: {est.interval}")
    rows = ", ".join(f"{k} {v:,}" for k, v in est.model.rows_by_source.items())
    print(f"model: {est.model.basis}; {rows}")
    for note in est.notes:
        print(f"note: {note}")


@command()
def train(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Train the estimator on what the store holds (and save it next to the store)."""
    with engine(db) as pb:
        info = pb.train()
    if as_json:
        emit_model(info)
        return
    sources = ", ".join(f"{k} {v:,}" for k, v in info.rows_by_source.items())
    print(f"trained in {info.train_seconds:.1f}s on {info.basis}: {sources}")
    if info.calibrated:
        print(f"calibrated on {info.rows_calibration:,} observations {info.calibration_slice} "
              f"(fit on {info.rows_fit:,} older)")
    else:
        print("not calibrated: too few observations for a time-held-out slice")


@command()
def evaluate(
    test: Annotated[Path, typer.Option("--test", help="CSV with true salaries (survey or plain layout)")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Measure the estimator and two baselines on a file with true salaries."""
    with engine(db) as pb:
        report = pb.evaluate(test)
    if as_json:
        emit_model(report)
    else:
        print(report.text())
