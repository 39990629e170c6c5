"""The `paybench` command: a thin layer over the Python API.

Every user error ends in one line on stderr and a non-zero exit, never a traceback
(set PAYBENCH_DEBUG=1 to see one).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from paybench.errors import PaybenchError

app = typer.Typer(
    add_completion=False, no_args_is_help=True,
    help="Compensation benchmarks for tech and ML roles from public data, with sources.",
)
# wide output when piped, so tables and paths are not wrapped at 80 columns
out = Console(width=None if sys.stdout.isatty() else 160, soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

DbOption = Annotated[
    Path | None, typer.Option("--db", help="DuckDB store (default: PAYBENCH_DB or the data dir)")
]
JsonOption = Annotated[bool, typer.Option("--json", help="print JSON")]


def _progress() -> Progress:
    """Progress bars on stderr: live on a terminal (and cleared when done); with
    PAYBENCH_PROGRESS=1 also when stderr is not a terminal (a log, a test), drawn once at the
    end of each ingest with the final counts; otherwise none."""
    forced = bool(os.environ.get("PAYBENCH_PROGRESS", "").strip()) and not err.is_terminal
    console = Console(stderr=True, force_terminal=True, no_color=True, width=120) if forced else err
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=not forced, auto_refresh=not forced,
        disable=not err.is_terminal and not forced,
    )


def _store(db: Path | None, read_only: bool = False) -> Any:
    from paybench.store import Store

    return Store(db, read_only=read_only)


def _emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


# ------------------------------------------------------------------ title / place
@app.command()
def title(
    text: Annotated[str | None, typer.Argument(help="a job title")] = None,
    file: Annotated[Path | None, typer.Option("--file", help="one title per line; CSV to stdout")] = None,
    as_json: JsonOption = False,
) -> None:
    """Normalize a job title to a role and a level."""
    from paybench.normalize.titles import normalize_title

    if file is not None:
        if not file.exists():
            raise PaybenchError(f"no such file: {file}")
        writer = csv.writer(sys.stdout)
        writer.writerow(["title", "role", "level", "confidence"])
        try:
            lines = file.read_text(encoding="utf-8-sig").splitlines()
        except UnicodeDecodeError as exc:
            raise PaybenchError(f"{file.name}: not UTF-8 text (byte {exc.start})") from None
        for line in lines:
            if line.strip():
                m = normalize_title(line.strip())
                writer.writerow([m.title, m.role or "", m.level or "", f"{m.confidence:.2f}"])
        return
    if text is None:
        raise PaybenchError("give a title, or --file F")
    match = normalize_title(text)
    data = match.model_dump()
    if data.get("reason") is None:
        data.pop("reason", None)
    if as_json:
        _emit_json(data)
    else:
        out.print(f"{match.title} -> role={match.role} level={match.level} "
                  f"confidence={match.confidence:.2f}" + (f" ({match.reason})" if match.reason else ""))


@app.command()
def place(text: Annotated[str, typer.Argument(help="a place: city, ZIP, metro, remote...")],
          as_json: JsonOption = False) -> None:
    """Normalize a place to country, state, metro (CBSA) and work mode."""
    from paybench.normalize.places import normalize_place

    result = normalize_place(text).as_dict()
    if as_json:
        _emit_json(result)
    else:
        out.print(", ".join(f"{k}={v}" for k, v in result.items()))


# ------------------------------------------------------------------ store
@app.command()
def ingest(
    paths: Annotated[list[Path] | None, typer.Argument(help="files to ingest")] = None,
    source: Annotated[str | None, typer.Option("--source", help="force the format")] = None,
    defaults: Annotated[bool, typer.Option("--defaults", help="load the embedded defaults")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Ingest files into the store (one transaction each; a repeat adds nothing)."""
    from paybench.ingest import ingest_defaults, ingest_file

    if not paths and not defaults:
        raise PaybenchError("give a file to ingest, or --defaults")
    results = []
    with _store(db) as store, _progress() as progress:
        if defaults:
            results.extend(ingest_defaults(store, progress))
        for path in paths or []:
            results.append(ingest_file(store, path, source, progress))
    for r in results:
        if not as_json:
            if r.already_ingested:
                out.print(f"{r.path}: already ingested as {r.source} (ingest {r.ingest_id}); nothing added")
            else:
                out.print(
                    f"{r.path}: {r.source}: read {r.rows_read:,} rows, kept {r.rows_kept:,}, "
                    f"quarantined {r.rows_quarantined:,}, skipped {r.rows_skipped:,} "
                    f"in {r.seconds:.1f}s"
                )
    if as_json:
        _emit_json([r.__dict__ for r in results])


@app.command()
def status(db: DbOption = None, as_json: JsonOption = False) -> None:
    """What the store holds, by source: rows kept and quarantined."""
    with _store(db) as store:
        frame = store.status()
        reasons = store.query(
            "SELECT source, reason, count(*) AS n FROM quarantine GROUP BY 1, 2 ORDER BY n DESC LIMIT 10"
        )
        path = str(store.path)
    if as_json:
        _emit_json({"store": path, "sources": frame.to_dict("records"),
                    "top_quarantine_reasons": reasons.to_dict("records")})
        return
    out.print(f"store: {path}")
    if frame.empty:
        out.print("empty: run `paybench ingest --defaults`")
        return
    table = Table("source", "files", "rows read", "kept", "quarantined", "skipped", "last ingest")
    for row in frame.to_dict("records"):
        table.add_row(row["source"], str(row["files"]), f"{int(row['rows_read']):,}",
                      f"{int(row['rows_kept']):,}", f"{int(row['rows_quarantined']):,}",
                      f"{int(row['rows_skipped']):,}", str(row["last_ingest"])[:19])
    out.print(table)
    if not reasons.empty:
        out.print("most common quarantine reasons:")
        for row in reasons.to_dict("records"):
            out.print(f"  {row['source']}: {row['reason']} ({row['n']:,})")


# ------------------------------------------------------------------ bench / guide
def _parse_date(text: str | None) -> dt.date:
    from paybench.bench import PARAMS

    if text is None:
        return PARAMS.effective_date
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise PaybenchError(f"--as-of {text!r} is not a date (YYYY-MM-DD)") from None


@app.command()
def bench(
    role: Annotated[str, typer.Option("--role", help="role id, e.g. machine-learning-engineer")],
    level: Annotated[str, typer.Option("--level", help="entry, mid, senior, staff, ...")] = "mid",
    place_text: Annotated[str, typer.Option("--place", help="a place; default United States")] = "US",
    as_of: Annotated[str | None, typer.Option("--as-of", help="effective date YYYY-MM-DD")] = None,
    growth: Annotated[float, typer.Option("--growth", help="annual pay growth for aging")] = 0.03,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Percentiles of annual base pay for a role x level x place, with provenance."""
    from paybench.bench import PARAMS, benchmark
    from paybench.ingest import ensure_defaults
    from paybench.normalize.levels import parse_level

    try:
        lvl = parse_level(level)
    except ValueError as exc:
        raise PaybenchError(str(exc)) from None
    with _store(db) as store:
        ensure_defaults(store)
        params = PARAMS.replace(effective_date=_parse_date(as_of), annual_growth=growth)
        cell = benchmark(store, role, lvl, place_text, params=params)
    if as_json:
        _emit_json(cell.model_dump(mode="json"))
        return
    out.print(f"[bold]{cell.role_name}[/bold], {cell.level}, {cell.place.label}")
    out.print("  ".join(f"P{p}: ${v:,}" for p, v in
                        zip((10, 25, 50, 75, 90), cell.quantiles().values(), strict=True)))
    out.print(f"n={cell.n} (national {cell.n_parent})  method={cell.method}  "
              f"confidence={cell.confidence}")
    out.print(f"basis: {cell.basis}")
    for ev in cell.sources:
        out.print(f"  source {ev.source} ({ev.kind}): {ev.n} {ev.detail or ''}")


@app.command()
def guide(
    out_dir: Annotated[Path, typer.Option("--out", help="directory for the guide files")] = Path("guide"),
    metros: Annotated[int, typer.Option("--metros", help="how many top tech metros")] = 25,
    year: Annotated[int | None, typer.Option("--year", help="the guide's edition year "
                                             "(effective date 1 January of it)")] = None,
    roles_spec: Annotated[str | None, typer.Option(
        "--roles", help="areas and role ids, comma-separated, e.g. 'Data & AI,software-engineer'")] = None,
    formats: Annotated[str, typer.Option(
        "--format", help="comma-separated: html, pdf, csv, json")] = "html,pdf,csv,json",
    as_of: Annotated[str | None, typer.Option("--as-of", help="effective date YYYY-MM-DD")] = None,
    db: DbOption = None,
) -> None:
    """Write the salary guide (guide.html, guide.pdf, guide.csv, guide.json) and print the ML table."""
    from paybench.guide.report import generate
    from paybench.ingest import ensure_defaults

    chosen = tuple(f.strip().lower() for f in formats.split(",") if f.strip())
    effective = _parse_date(as_of) if as_of else None
    with _store(db) as store:
        with _progress() as progress:
            ensure_defaults(store, progress)
        report, paths = generate(store, out_dir, metros=metros, year=year, effective=effective,
                                 roles_spec=roles_spec, formats=chosen)
    data = report.data
    table = Table("role", "level", "P25", "P50", "P75", "n", "method",
                  title=f"ML roles, United States ({data.year})")
    for row in data.ml_national():
        table.add_row(row.role_name, row.level, f"${row.p25:,}", f"${row.p50:,}",
                      f"${row.p75:,}", str(row.n), row.method)
    out.print(table)
    for path in paths:
        out.print(f"wrote {path}")
    out.print("time: " + ", ".join(f"{k} {v:.1f}s" for k, v in report.timings.items()))


def _register_command_modules() -> None:
    """Add the commands defined in the modules of `paybench.commands`."""
    import importlib
    import pkgutil

    import paybench.commands as package

    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"paybench.commands.{info.name}")
        module.register(app)


_register_command_modules()


def main() -> None:
    """Entry point: run the app and turn user errors into one line and exit code 1."""
    try:
        app(standalone_mode=False)
    except PaybenchError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False)
        sys.exit(1)
    except (typer.Abort, KeyboardInterrupt):
        err.print("aborted", markup=False)
        sys.exit(130)
    except Exception as exc:  # click usage errors and anything unexpected
        import click

        if isinstance(exc, click.exceptions.ClickException):
            err.print(f"error: {exc.format_message()}", markup=False, highlight=False)
            sys.exit(exc.exit_code)
        if os.environ.get("PAYBENCH_DEBUG"):
            raise
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        err.print(f"internal error: {type(exc).__name__}: {first}", markup=False, highlight=False)
        sys.exit(2)


if __name__ == "__main__":
    main()
