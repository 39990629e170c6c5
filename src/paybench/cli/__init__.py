"""The `paybench` command: a thin layer over the Python API (`paybench.Paybench`).

One module per group of commands; `common` holds the app, the options every command takes
(`--db`, `--json`) and output. Every user error ends in one line on stderr and a non-zero
exit, never a traceback (set PAYBENCH_DEBUG=1 to see one).
"""

from __future__ import annotations

import os
import sys

import typer

from paybench.cli import (  # register commands
    bench,
    decide,
    estimate,
    insights,
    normalize,
    paygap,
    serve,
    store,
)
from paybench.cli.common import CliError, app, err
from paybench.errors import PaybenchError

__all__ = ["app", "bench", "decide", "estimate", "insights", "main", "normalize", "paygap", "serve", "store"]


def main() -> None:
    """Entry point: run the app and turn user errors into one line and exit code 1."""
    try:
        code = app(standalone_mode=False)  # a command's typer.Exit(n) comes back as n
    except CliError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False)
        sys.exit(1)
    except PaybenchError as exc:
        err.print(f"error: {exc.message}", markup=False, highlight=False)
        sys.exit(1)
    except (typer.Abort, KeyboardInterrupt):
        err.print("aborted", markup=False)
        sys.exit(130)
    except Exception as exc:  # usage errors (click's, vendored by Typer) and anything unexpected
        code = getattr(exc, "exit_code", None)
        if hasattr(exc, "format_message") and isinstance(code, int):
            message = usage_message(exc)
            if message:  # none when the help was shown for a bare `paybench`
                err.print(f"error: {message}", markup=False, highlight=False)
            sys.exit(code)
        if disk_full(exc):
            err.print(f"error: disk full{_where(exc)}", markup=False, highlight=False)
            sys.exit(1)
        if os.environ.get("PAYBENCH_DEBUG"):
            raise
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        err.print(f"internal error: {type(exc).__name__}: {first}", markup=False, highlight=False)
        sys.exit(2)
    if isinstance(code, int) and code:
        sys.exit(code)


def usage_message(exc: Exception) -> str:
    """A usage error's one line; a misspelled option says which one was meant (click lists
    every option starting alike; difflib finds the near misses too)."""
    import difflib

    message = str(exc.format_message())  # type: ignore[attr-defined]
    name, known = getattr(exc, "option_name", None), getattr(exc, "possibilities", None)
    if name and type(exc).__name__ == "NoSuchOption":
        ctx = getattr(exc, "ctx", None)
        options = [o for p in (ctx.command.params if ctx is not None else []) for o in p.opts
                   if o.startswith("--")] or list(known or [])
        close = difflib.get_close_matches(name, options, n=1, cutoff=0.6)
        message = f"no such option {name}" + (f"; did you mean {close[0]}?" if close else "")
    return message.splitlines()[0] if message else message


def disk_full(exc: BaseException) -> bool:
    """True for a write that failed for want of space (an OSError ENOSPC, or DuckDB's own
    I/O error saying so)."""
    import errno

    return (isinstance(exc, OSError) and exc.errno == errno.ENOSPC) or \
        "No space left on device" in str(exc)


def _where(exc: BaseException) -> str:
    name = getattr(exc, "filename", None)
    return f" (writing {name})" if name else ""
