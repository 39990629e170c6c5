"""`paybench ingest` and `paybench status`: what goes into the store, and what it holds."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from paybench.cli.common import DbOption, JsonOption, command, emit_json, emit_model, engine, out, progress


@command()
def ingest(
    paths: Annotated[list[Path] | None, typer.Argument(help="files to ingest")] = None,
    source: Annotated[str | None, typer.Option("--source", help="force the format")] = None,
    defaults: Annotated[bool, typer.Option("--defaults", help="load the embedded defaults")] = False,
    columns: Annotated[str | None, typer.Option(
        "--map", help="job postings in a layout paybench cannot tell: name their columns, "
        "'title=Job Title,company=Company Name,location=Location,description=Job Description,"
        "pay=Salary Estimate' (fields: title, company, location, description, pay, min, max, "
        "period, currency, date, ...)")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Ingest files into the store (one transaction each; a repeat adds nothing)."""
    with engine(db, defaults=False) as pb, progress() as bars:
        results = pb.ingest(paths or [], source=source, defaults=defaults, progress=bars,
                            columns=columns)
    if as_json:
        emit_json([r.__dict__ for r in results])
        return
    for r in results:
        if r.already_ingested:
            out.print(f"{r.path}: already ingested as {r.source} (ingest {r.ingest_id}); nothing added")
        else:
            out.print(f"{r.path}: {r.source}: read {r.rows_read:,} rows, kept {r.rows_kept:,}, "
                      f"quarantined {r.rows_quarantined:,}, skipped {r.rows_skipped:,} "
                      f"in {r.seconds:.1f}s")
            for note in r.notes:  # the layout read, and why rows were skipped
                out.print(f"  {note}", markup=False)


@command()
def status(db: DbOption = None, as_json: JsonOption = False) -> None:
    """What the store holds, by source: rows kept and quarantined."""
    from rich.table import Table

    with engine(db, defaults=False) as pb:
        found = pb.status()
    if as_json:
        emit_model(found)
        return
    out.print(f"store: {found.store}")
    if not found.sources:
        out.print("empty: run `paybench ingest --defaults`")
        return
    table = Table("source", "files", "rows read", "kept", "quarantined", "skipped", "last ingest")
    for s in found.sources:
        table.add_row(s.source, str(s.files), f"{s.rows_read:,}", f"{s.rows_kept:,}",
                      f"{s.rows_quarantined:,}", f"{s.rows_skipped:,}", s.last_ingest or "")
    out.print(table)
    if found.layouts:
        out.print("files read by layout:")
        for f in found.layouts:
            out.print(f"  {f.source}: {f.path}: {f.layout}", markup=False, soft_wrap=True)
    if found.top_quarantine_reasons:
        out.print("most common quarantine reasons:")
        for r in found.top_quarantine_reasons:
            out.print(f"  {r.source}: {r.reason} ({r.n:,})")
