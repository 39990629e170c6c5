"""The guide as PDF: WeasyPrint prints the same HTML as the web page, with its print CSS
(US Letter, running header, page numbers, table rows kept whole, headers repeated).

`write_pdf(html, path)` prints in this process. `PdfPrinter` prints in a child process
(`python -m paybench.guide.pdf`), started before the guide is computed: the child imports
WeasyPrint and sets up its fonts while the cells and sections are computed, and prints while
this process writes guide.csv, guide.json and guide.html (on two cores, the PDF, the longest
stage, overlaps the rest; `paybench.guide.report.generate` uses it).

A guide of an unchanged store can start printing sooner: `PdfPrinter.speculate` hands the child
the page the previous guide of the same store printed (kept with the guide's cells), which it
prints while this process computes the sections; `start` then hands the page as computed, and
the child's PDF is kept only when the two pages are the same text, else the page is printed
anew. What is printed is always the page `start` was given.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import json
import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

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


def early_file(path: Path, pid: int) -> Path:
    """Where process `pid` keeps the PDF of a speculative page (`PdfPrinter.speculate`) until
    it is told to keep it as `path`."""
    return path.with_name(f".{path.name}.{pid}.early")


def _quiet() -> None:
    # WeasyPrint logs each CSS property it does not support; the guide's screen-only
    # rules are expected to be skipped in print.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)


class PdfPrinter:
    """WeasyPrint in a child process: start it early, hand it the page with `write`, which
    waits for the file. If the child cannot be started or fails for any reason but an
    `InputError`, the page is printed in this process instead (same output, no overlap).
    `close` ends a child that was never given a page (the guide failed before).
    `speculate` (module doc) has the child print a likely page before the page is known."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen[bytes] | None = None
        self.print_seconds = 0.0
        """How long printing took (in the child, or here), seconds."""
        self.wait_seconds = 0.0
        """How long `finish` waited for the PDF, seconds."""
        self.speculated: bool | None = None
        """None: no page was speculated; True: the child's early PDF was kept (the page was
        the same); False: it was not (the page was printed anew)."""
        self._html, self._path = "", Path("guide.pdf")
        self._guess: tuple[str, Path] | None = None
        self._sending: threading.Thread | None = None
        self._proc = self._spawn()

    @staticmethod
    def _spawn() -> subprocess.Popen[bytes] | None:
        """The child process (None when it cannot be started)."""
        # the child imports the same paybench as this process, whatever put it on sys.path
        boot = (f"import sys; sys.path[:0] = {json.dumps([p for p in sys.path if p])}; "
                "from paybench.guide.pdf import main; main()")
        with contextlib.suppress(OSError, ValueError):
            if sys.executable:
                return subprocess.Popen(
                    [sys.executable, "-c", boot], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE)
        return None

    def _send(self, header: dict[str, object], html: str = "", *, last: bool) -> bool:
        """One message to the child: a JSON line, then the page's UTF-8 bytes (`size` in the
        header); `last` closes the pipe. False when the child is gone."""
        if self._proc is None or self._proc.stdin is None:
            return False
        data = html.encode()
        try:
            self._proc.stdin.write(json.dumps({**header, "size": len(data)}).encode() + b"\n" + data)
            self._proc.stdin.flush()
            if last:
                self._proc.stdin.close()
                self._proc.stdin = None  # handed over (`communicate` must not flush it)
        except OSError:
            return False
        return True

    def speculate(self, html: str, path: Path) -> None:
        """Have the child print `html` to `path` now, before the page is known (module doc).
        The page is written to the child's pipe by a thread (the child reads it once it has
        loaded WeasyPrint), so this returns at once."""
        if self._guess is not None or self._proc is None:
            return
        self._guess = (html, Path(path))
        self._sending = threading.Thread(
            target=self._send, args=({"path": str(path), "speculative": True}, html),
            kwargs={"last": False}, daemon=True)
        self._sending.start()

    def start(self, html: str, path: Path) -> None:
        """Hand the page to the child (which prints it while this process goes on)."""
        self._html, self._path = html, Path(path)
        if self._sending is not None:
            self._sending.join()
        if self._guess is not None:
            self.speculated = self._guess == (html, self._path)
            if self.speculated:  # the child's early PDF is this page's
                if not self._send({"keep": True}, last=True):
                    self.close()
                return
            self.close()  # it prints another page: print this one in a new child
            self._proc = self._spawn()
        if not self._send({"path": str(self._path)}, html, last=True):
            self.close()  # the child is gone: print here in `finish`

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

    @classmethod
    def claim(cls) -> PdfPrinter:
        """The printer `start_early` started in this process (its child has been loading
        WeasyPrint since), else a new one."""
        global _EARLY
        found, _EARLY = _EARLY, None
        return found if found is not None else cls()

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
        if self._sending is not None:
            self._sending.join()  # the pipe breaks: the thread ends
        proc.communicate()
        begun = [partial_file(self._path, proc.pid)]
        if self._guess is not None:
            early = early_file(self._guess[1], proc.pid)
            begun += [early, partial_file(early, proc.pid)]
        for path in begun:  # PDFs the child had begun
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)


def _message() -> tuple[dict[str, Any], str]:
    """The next message from the parent: a JSON header line, then `size` bytes of page."""
    header = json.loads(sys.stdin.buffer.readline() or b"{}")
    size = int(header.get("size", 0))
    return header, sys.stdin.buffer.read(size).decode() if size else ""


_EARLY: PdfPrinter | None = None
"""The printer `start_early` started, until a guide claims it (`PdfPrinter.claim`)."""


def start_early() -> None:
    """Start the PDF printer's child process now: a command that is about to write a guide
    with its PDF calls this before it imports the data stack, so that the child has loaded
    WeasyPrint by the time the guide's page can be printed (`generate` claims it). A printer
    never claimed is ended when this process exits."""
    global _EARLY
    if _EARLY is None:
        _EARLY = PdfPrinter()
        atexit.register(_EARLY.close)


def main() -> None:
    """The child: import WeasyPrint and lay out a tiny page (fonts set up) before reading
    stdin (messages: a JSON line with the PDF's path and the page's size, then the HTML),
    print, and write the seconds the printing took on stdout. A speculative page
    (`PdfPrinter.speculate`) is printed to a partial file and kept only when the next message
    says so ('keep'); else that message's page is printed. An InputError exits with
    `INPUT_ERROR_EXIT`, its message on stderr."""
    from weasyprint import HTML

    _quiet()
    # WeasyPrint's layout allocates millions of small objects: the cyclic collector's passes
    # over them cost about half the layout time (measured on the defaults guide's 23 pages:
    # layout 7.5 s with it, 3.4 s without, same PDF); this short-lived child never needs it
    gc.disable()
    HTML(string="<p>paybench</p>").render()
    header, html = _message()
    if not header:  # the parent ended without a page
        return
    start = time.perf_counter()
    try:
        if header.get("speculative"):
            path = Path(header["path"])
            early = write_pdf(html, early_file(path, os.getpid()))
            seconds = time.perf_counter() - start
            header, html = _message()
            if header.get("keep"):
                early.replace(path)
                print(f"{seconds:.3f}")
                return
            early.unlink(missing_ok=True)
            start = time.perf_counter()
        write_pdf(html, Path(header["path"]))
    except InputError as exc:
        print(exc.message, file=sys.stderr)
        sys.exit(INPUT_ERROR_EXIT)
    print(f"{time.perf_counter() - start:.3f}")


if __name__ == "__main__":
    main()
