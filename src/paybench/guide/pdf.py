"""The guide as PDF: WeasyPrint prints the same HTML as the web page, with its print CSS
(US Letter, running header, page numbers, table rows kept whole, headers repeated).

`write_pdf(html, path)` prints in this process. `PdfPrinter` prints in a child process
(`python -m paybench.guide.pdf`), started before the guide is computed: the child imports
WeasyPrint and sets up its fonts while the cells and sections are computed, and prints while
this process writes guide.csv, guide.json and guide.html (on two cores, the PDF, the longest
stage, overlaps the rest; `paybench.guide.report.generate` uses it).
"""

from __future__ import annotations

import contextlib
import gc
import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

from paybench.errors import InputError

INPUT_ERROR_EXIT = 3
"""The child's exit status for an `InputError` (its message on stderr, one line)."""


def write_pdf(html: str, path: Path) -> Path:
    """Print `html` (a self-contained document) to `path` as PDF; return the path.
    InputError when the file cannot be written."""
    from weasyprint import HTML

    _quiet()
    path = Path(path)
    tmp = partial_file(path, os.getpid())
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        HTML(string=html, base_url=str(path.parent)).write_pdf(str(tmp))
        tmp.replace(path)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
    return path


def partial_file(path: Path, pid: int) -> Path:
    """Where process `pid` writes the PDF before it is whole (then renamed to `path`)."""
    return path.with_name(f".{path.name}.{pid}.tmp")


def _quiet() -> None:
    # WeasyPrint logs each CSS property it does not support; the guide's screen-only
    # rules are expected to be skipped in print.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)


class PdfPrinter:
    """WeasyPrint in a child process: start it early, hand it the page with `write`, which
    waits for the file. If the child cannot be started or fails for any reason but an
    `InputError`, the page is printed in this process instead (same output, no overlap).
    `close` ends a child that was never given a page (the guide failed before)."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen[bytes] | None = None
        self.print_seconds = 0.0
        """How long printing took (in the child, or here), seconds."""
        self.wait_seconds = 0.0
        """How long `finish` waited for the PDF, seconds."""
        self._html, self._path = "", Path("guide.pdf")
        # the child imports the same paybench as this process, whatever put it on sys.path
        boot = (f"import sys; sys.path[:0] = {json.dumps([p for p in sys.path if p])}; "
                "from paybench.guide.pdf import main; main()")
        with contextlib.suppress(OSError, ValueError):
            if sys.executable:
                self._proc = subprocess.Popen(
                    [sys.executable, "-c", boot], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE)

    def start(self, html: str, path: Path) -> None:
        """Hand the page to the child (which prints it while this process goes on)."""
        self._html, self._path = html, Path(path)
        if self._proc is None:
            return
        assert self._proc.stdin is not None
        try:
            self._proc.stdin.write(json.dumps(str(self._path)).encode() + b"\n" + html.encode())
            self._proc.stdin.close()
            self._proc.stdin = None  # handed over (`communicate` must not flush it)
        except OSError:  # the child is gone: print here in `finish`
            self.close()

    def finish(self) -> Path:
        """Wait for the PDF handed over with `start` and return its path (InputError when it
        cannot be written)."""
        start = time.perf_counter()
        proc, self._proc = self._proc, None
        if proc is not None:
            out, err = proc.communicate()
            self.wait_seconds = time.perf_counter() - start
            if proc.returncode == 0:
                with contextlib.suppress(ValueError):
                    self.print_seconds = float(out.decode().strip() or 0)
                return self._path
            if proc.returncode == INPUT_ERROR_EXIT:
                raise InputError(err.decode(errors="replace").strip().splitlines()[-1])
        start = time.perf_counter()
        path = write_pdf(self._html, self._path)
        self.print_seconds = self.wait_seconds = time.perf_counter() - start
        return path

    def write(self, html: str, path: Path) -> Path:
        """`start` then `finish`."""
        self.start(html, path)
        return self.finish()

    def close(self) -> None:
        """End the child if it still runs (nothing was printed)."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.kill()
        proc.communicate()
        with contextlib.suppress(OSError):  # a PDF the child had begun
            partial_file(self._path, proc.pid).unlink(missing_ok=True)


def main() -> None:
    """The child: import WeasyPrint and lay out a tiny page (fonts set up) before reading
    stdin (a JSON line with the PDF's path, then the HTML), print, and write the seconds the
    printing took on stdout. An InputError exits with `INPUT_ERROR_EXIT`, its message on stderr."""
    from weasyprint import HTML

    _quiet()
    # WeasyPrint's layout allocates millions of small objects: the cyclic collector's passes
    # over them cost about half the layout time (measured on the defaults guide's 23 pages:
    # layout 7.5 s with it, 3.4 s without, same PDF); this short-lived child never needs it
    gc.disable()
    HTML(string="<p>paybench</p>").render()
    path = json.loads(sys.stdin.buffer.readline())
    html = sys.stdin.buffer.read().decode()
    start = time.perf_counter()
    try:
        write_pdf(html, Path(path))
    except InputError as exc:
        print(exc.message, file=sys.stderr)
        sys.exit(INPUT_ERROR_EXIT)
    print(f"{time.perf_counter() - start:.3f}")


if __name__ == "__main__":
    main()
