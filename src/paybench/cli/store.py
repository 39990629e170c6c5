"""`paybench ingest` and `paybench status`: what goes into the store, and what it holds."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from paybench.cli.common import (
    DbOption,
    JsonOption,
    command,
    emit_json,
    emit_model,
    engine,
    err,
    out,
    progress,
)
from paybench.errors import PaybenchError

if TYPE_CHECKING:
    from paybench.engine import Paybench
    from paybench.store import IngestResult


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
    prepare: Annotated[bool, typer.Option(
        "--prepare", help="after the ingest, compute the benchmark model and the guide's cells "
        "and keep them beside the store, so the next `paybench guide` reads them")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Ingest files into the store (one transaction each; a repeat adds nothing); with --prepare,
    then keep the benchmark model and the guide's cells beside it for the next guide."""
    with engine(db, defaults=False) as pb:
        with progress() as bars:
            results = pb.ingest(paths or [], source=source, defaults=defaults, progress=bars,
                                columns=columns)
        if as_json:
            emit_json([r.__dict__ for r in results])
        else:
            _print_results(results)
        if prepare:
            _prepare(pb, as_json)


def _prepare(pb: Paybench, as_json: bool) -> None:
    """After the ingests committed: keep the model and the guide's cells beside the store
    (`Paybench.prepare`). A step of its own: whatever happens here, the ingest stands and
    the command succeeds; the next guide computes what was not kept."""
    import time

    say = err.print if as_json else out.print  # --json: stdout holds the JSON alone
    import logging

    # a notice, shown as progress is (on a terminal, or with PAYBENCH_PROGRESS=1)
    logging.getLogger("paybench.ingest").info(
        "preparing the guide: the benchmark model and the guide's cells, kept beside the store "
        "(--prepare)")
    start = time.perf_counter()
    try:
        computed = pb.prepare()
    except KeyboardInterrupt:
        err.print("paybench: interrupted while preparing the guide; the ingest is complete "
                  "(the next `paybench guide` computes its cells)", markup=False)
        raise typer.Exit(130) from None
    except PaybenchError as exc:  # a store the guide cannot be made of (no pay data yet)
        err.print(f"paybench: guide not prepared: {exc.message}", markup=False, soft_wrap=True)
        return
    except Exception as exc:  # best effort: the ingest has committed already
        err.print(f"paybench: the ingest is complete, but preparing the guide failed "
                  f"({type(exc).__name__}: {exc}); the next `paybench guide` computes its cells",
                  markup=False, soft_wrap=True)
        return
    seconds = time.perf_counter() - start
    say(f"guide prepared: benchmark model and guide cells {'kept' if computed else 'already kept'} "
        f"beside the store ({seconds:.1f}s)", markup=False)


def _print_results(results: list[IngestResult]) -> None:
    """One line per file ingested, with its notes."""
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
