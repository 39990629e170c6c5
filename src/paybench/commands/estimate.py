"""`paybench estimate`, `paybench train` and `paybench evaluate`: the pay estimator's commands
(a thin layer over `paybench.estimate`). Money is annual US dollars of base pay."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from paybench.errors import InputError

DbOption = Annotated[
    Path | None, typer.Option("--db", help="DuckDB store (default: PAYBENCH_DB or the data dir)")
]
JsonOption = Annotated[bool, typer.Option("--json", help="print JSON")]


def _emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


def _usd(value: int) -> str:
    return f"${value:,.0f}" if value >= 0 else f"-${-value:,.0f}"


def estimate(
    title: Annotated[str | None, typer.Option("--title", help="job title")] = None,
    place: Annotated[str | None, typer.Option("--place", help="city, metro, ZIP, state, remote")] = None,
    years: Annotated[float | None, typer.Option("--years", help="years of experience")] = None,
    level: Annotated[str | None, typer.Option("--level", help="entry, mid, senior, staff, ...")] = None,
    industry: Annotated[str | None, typer.Option("--industry")] = None,
    company_size: Annotated[str | None, typer.Option("--company-size", help="S, M or L")] = None,
    remote: Annotated[str | None, typer.Option("--remote", help="remote, hybrid or onsite")] = None,
    skills: Annotated[str | None, typer.Option("--skills", help="comma-separated")] = None,
    year: Annotated[int | None, typer.Option("--year", help="estimate for this year")] = None,
    input_file: Annotated[Path | None, typer.Option("--input", help="CSV of rows to estimate")] = None,
    output: Annotated[Path | None, typer.Option("--output", help="CSV to write (with --input)")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Estimate annual base pay (P10, P50, P90) for one job, or for every row of a CSV."""
    from paybench.estimate import EstimateRequest, estimate_batch, estimate_one
    from paybench.store import Store

    if input_file is not None:
        if output is None:
            raise InputError("--input needs --output FILE.csv")
        with Store(db) as store:
            result = estimate_batch(store, input_file, output)
        if as_json:
            _emit_json(result.model_dump())
        else:
            print(f"{result.estimated:,} of {result.rows:,} rows estimated ({result.layout} layout); "
                  f"{result.failed:,} with a reason; wrote {output}")
        return
    if not title:
        raise InputError("give --title (and --place ...), or --input FILE.csv --output OUT.csv")
    request = EstimateRequest(
        title=title, place=place, years=years, level=level, industry=industry,
        company_size=company_size, remote=remote, year=year,
        skills=[s.strip() for s in (skills or "").split(",") if s.strip()])
    with Store(db) as store:
        est = estimate_one(store, request)
    if as_json:
        _emit_json(est.model_dump(mode="json"))
        return
    where = est.metro_name or est.state or est.country or "US"
    print(f"{est.title} -> {est.role_name or 'unmatched role'}, {est.level} ({est.level_basis}), {where}")
    print(f"P10 {_usd(est.p10)}   P50 {_usd(est.p50)}   P90 {_usd(est.p90)}   "
          f"(annual base, USD, as of {est.as_of})")
    print(f"  base {_usd(est.base_usd)}")
    for c in est.contributions:
        print(f"  {c.factor:<13}{_usd(c.usd):>11}   {c.detail}")
    print(f"interval: {est.interval}")
    rows = ", ".join(f"{k} {v:,}" for k, v in est.model.rows_by_source.items())
    print(f"model: {est.model.basis}; {rows}")
    for note in est.notes:
        print(f"note: {note}")


def train(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Train the estimator on what the store holds (and save it next to the store)."""
    from paybench.estimate import train as train_model
    from paybench.store import Store

    with Store(db) as store:
        info = train_model(store)
    if as_json:
        _emit_json(info.model_dump(mode="json"))
        return
    sources = ", ".join(f"{k} {v:,}" for k, v in info.rows_by_source.items())
    print(f"trained in {info.train_seconds:.1f}s on {info.basis}: {sources}")
    if info.calibrated:
        print(f"calibrated on {info.rows_calibration:,} observations {info.calibration_slice} "
              f"(fit on {info.rows_fit:,} older)")
    else:
        print("not calibrated: too few observations for a time-held-out slice")


def evaluate(
    test: Annotated[Path, typer.Option("--test", help="CSV with true salaries (survey or plain layout)")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Measure the estimator and two baselines on a file with true salaries."""
    from paybench.estimate import evaluate as run_evaluation
    from paybench.store import Store

    with Store(db) as store:
        report = run_evaluation(store, test)
    if as_json:
        _emit_json(report.model_dump(mode="json"))
    else:
        print(report.text())


def register(app: typer.Typer) -> None:
    """Add the estimator's commands."""
    app.command("estimate")(estimate)
    app.command("train")(train)
    app.command("evaluate")(evaluate)
