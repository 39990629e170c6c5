"""What every command shares: the app, the options every command takes (`--db`, `--json`),
output (rich tables for people, JSON for machines) and how a user error is printed.

A command is a thin layer over `paybench.Paybench`: it opens the engine on the store
(`engine(db)`), calls one method and prints the result. Its parameters are named as the
engine's, so an `InputError` naming a field is printed against the option that feeds it
(`--years` for `years_experience`). Heavy imports stay inside the command functions, so
`paybench --help` stays fast.
"""

from __future__ import annotations

import errno
import functools
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console

from paybench.errors import PaybenchError

if TYPE_CHECKING:
    from rich.progress import Progress

    from paybench.bench.engines import CellEngine
    from paybench.engine import Paybench

app = typer.Typer(
    add_completion=False, no_args_is_help=True,
    help="Compensation benchmarks for tech and ML roles from public data, with sources.",
)
out = Console(width=None if sys.stdout.isatty() else 160, soft_wrap=True)
"""Standard output; wide when piped, so tables and paths are not wrapped at 80 columns."""
err = Console(stderr=True, soft_wrap=True)

DbOption = Annotated[
    Path | None, typer.Option("--db", help="DuckDB store (default: PAYBENCH_DB or the data dir)")
]
JsonOption = Annotated[bool, typer.Option("--json", help="print JSON")]

F = TypeVar("F", bound=Callable[..., None])


class CliError(Exception):
    """A user error as printed: one line, naming the option at fault."""


def command(name: str | None = None) -> Callable[[F], F]:
    """Register a command whose user errors are printed against its options: an error naming
    field `years_experience` is shown as `--years: ...` when the command's parameter of that
    name is the `--years` option."""
    def register(func: F) -> F:
        @functools.wraps(func)
        def run(*args: Any, **kwargs: Any) -> None:
            _show_notices()
            try:
                func(*args, **kwargs)
            except PaybenchError as exc:
                raise CliError(describe(exc)) from None
            except OSError as exc:  # a file the user named: unreadable, a directory, ...
                if exc.filename is None or exc.errno == errno.ENOSPC:
                    raise  # a full disk is said as such by main
                raise CliError(f"{exc.filename}: {exc.strerror or exc}") from None

        app.command(name)(run)
        return func

    return register


def describe(exc: PaybenchError) -> str:
    """A user error in the terms of the running command: its option for the field, if any
    ("--years: ..."); for a positional argument (`paybench ingest FILE...`: its parameter's
    name, 'paths', is nothing the user typed) the message alone, which names the file or
    value itself ("empty.csv: file is empty")."""
    if exc.field is None:
        return exc.message
    ctx = _current_context()
    parts = exc.field.split(".")
    params = ctx.command.params if ctx is not None else []
    options = {p.name: p.opts[0] for p in params
               if getattr(p, "param_type_name", "") == "option" and p.opts}
    arguments = {p.name for p in params if getattr(p, "param_type_name", "") == "argument"}
    for name in (parts[0], parts[-1]):  # 'years_experience'; 'offers.0.title' -> its --title
        if name in options:
            return f"{options[name]}: {exc.message}"
    if parts[0] in arguments:
        return exc.message
    return f"{exc.field}: {exc.message}"


def _current_context() -> Any:
    """The running command's click context (Typer vendors click from 0.2x on)."""
    import importlib

    try:
        globals_ = importlib.import_module("typer._click.globals")
    except ImportError:  # an older Typer, over click itself
        globals_ = importlib.import_module("click.globals")
    return globals_.get_current_context(silent=True)


@contextmanager
def engine(db: Path | None, *, defaults: bool = True, progress: Any = None,
           cell_engine: CellEngine | None = None) -> Iterator[Paybench]:
    """The engine on the store `db` (default: PAYBENCH_DB or the data directory); with
    `defaults`, the embedded defaults are loaded into a store that lacks them (with progress
    bars when given); `cell_engine`: where cells are computed (default DuckDB)."""
    from paybench.bench.engines import DUCKDB
    from paybench.engine import Paybench

    with Paybench(db, load_defaults=defaults, progress=progress,
                  cell_engine=cell_engine or DUCKDB) as pb:
        yield pb


def emit_json(data: Any) -> None:
    """Print JSON (dates and other values as text)."""
    sys.stdout.write(json.dumps(data, indent=2, default=str, ensure_ascii=False) + "\n")


def emit_model(model: Any) -> None:
    """Print a pydantic model as JSON."""
    emit_json(model.model_dump(mode="json"))


def usd(value: float | None) -> str:
    """Whole US dollars, '$185,000' ('n/a' for none; '-$1,200' below zero)."""
    if value is None:
        return "n/a"
    return f"${value:,.0f}" if value >= 0 else f"-${-value:,.0f}"


NOTICE_LOGGERS = ("paybench.estimate", "paybench.ingest")
"""Loggers whose INFO records are shown on stderr the way progress bars are (on a terminal,
or with PAYBENCH_PROGRESS=1): notices of slow work the user did not ask for by name, such as
training the estimator before the first estimate after an ingest, or loading the embedded
defaults into an empty store."""


def _show_notices() -> None:
    """Attach one stderr handler ("paybench: message") to the NOTICE_LOGGERS when progress
    is shown (see `progress`); else leave them silent."""
    import logging

    if not err.is_terminal and not os.environ.get("PAYBENCH_PROGRESS", "").strip():
        return
    for name in NOTICE_LOGGERS:
        logger = logging.getLogger(name)
        if not any(getattr(h, "paybench_notice", False) for h in logger.handlers):
            handler = logging.StreamHandler(sys.stderr)
            handler.setFormatter(logging.Formatter("paybench: %(message)s"))
            handler.paybench_notice = True  # type: ignore[attr-defined]
            logger.addHandler(handler)
        logger.setLevel(logging.INFO)


def progress() -> Progress:
    """Progress bars on stderr: live on a terminal (and cleared when done); with
    PAYBENCH_PROGRESS=1 also when stderr is not a terminal (a log, a test), drawn once at the
    end of each ingest with the final counts; otherwise none."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    forced = bool(os.environ.get("PAYBENCH_PROGRESS", "").strip()) and not err.is_terminal
    console = Console(stderr=True, force_terminal=True, no_color=True, width=120) if forced else err
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=not forced, auto_refresh=not forced,
        disable=not err.is_terminal and not forced,
    )
