"""The `paybench` command: a thin layer over the Python API (`paybench.Paybench`).

One module per group of commands; `common` holds the app, the options every command takes
(`--db`, `--json`) and output. Every user error ends in one line on stderr and a non-zero
exit, never a traceback (set PAYBENCH_DEBUG=1 to see one).
"""

from __future__ import annotations

import os
import sys

import typer

from paybench.cli import bench, decide, estimate, insights, normalize, serve, store  # register commands
from paybench.cli.common import CliError, app, err
from paybench.errors import PaybenchError

__all__ = ["app", "bench", "decide", "estimate", "insights", "main", "normalize", "serve", "store"]


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
            message = exc.format_message()
            if message:  # none when the help was shown for a bare `paybench`
                err.print(f"error: {message}", markup=False, highlight=False)
            sys.exit(code)
        if os.environ.get("PAYBENCH_DEBUG"):
            raise
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        err.print(f"internal error: {type(exc).__name__}: {first}", markup=False, highlight=False)
        sys.exit(2)
    if isinstance(code, int) and code:
        sys.exit(code)
