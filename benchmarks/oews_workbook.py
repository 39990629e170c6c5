"""Time and peak memory of `paybench ingest` on BLS OEWS workbooks in the metro layout
(issue 16): is memory bounded by the batch, not by the workbook?

Usage: python benchmarks/oews_workbook.py [--metros 10 50] [--dir DIR]
       [--national ../shared/data/oews/national_M2024_dl.xlsx]

There is no real state or metro workbook in ../shared/data, so each file is built from the real
national one: its rows (BLS's values, markers '#', '*', '**' included) repeated for the first N
real metro areas of the bundled OEWS area list (AREA = the CBSA, AREA_TITLE its OEWS name,
AREA_TYPE 4, PRIM_STATE its first state), in BLS's column order, with the national workbook's
"Field Descriptions" sheet after it, as MSA_M2024_dl.xlsx lays it out. Files go to DIR (default:
a new temporary directory, never the repository). Each measurement is a child process (wall
time and peak RSS from `os.wait4`); the baseline, in the same run, is a bare pass over the same
file's rows with `paybench.sources.tabular.xlsx_rows` (the streaming reader the ingest uses).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def build(national: Path, metros: int, out: Path) -> int:
    """Write a metro-layout workbook of `metros` metros to `out`; returns its data rows."""
    import openpyxl

    from paybench.reference.oews import areas
    from paybench.sources.tabular import xlsx_rows, xlsx_sheet_names

    rows = list(xlsx_rows(national))
    header = rows[0][1]
    at = {name: i for i, name in enumerate(header)}
    chosen = [a for a in areas() if a.cbsa is not None][:metros]
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(out.stem)
    sheet.append(header)
    written = 0
    for area in chosen:
        state = area.name.rsplit(", ", 1)[-1].split("-")[0][:2]
        for _number, values in rows[1:]:
            row = list(values) + [None] * (len(header) - len(values))
            row[at["AREA"]], row[at["AREA_TITLE"]] = area.cbsa, area.name
            row[at["AREA_TYPE"]], row[at["PRIM_STATE"]] = "4", state
            sheet.append(row)
            written += 1
    described = book.create_sheet("Field Descriptions")
    name = next(n for n in xlsx_sheet_names(national) if n == "Field Descriptions")
    for _number, values in xlsx_rows(national, sheet=name):
        described.append(values)
    book.save(out)
    return written


def child(args: list[str], log: Path) -> tuple[int, float, float]:
    """(exit code, seconds, peak RSS MiB) of `python args...` in a child process."""
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.execv(sys.executable, [sys.executable, *args])
    _pid, status, usage = os.wait4(pid, 0)
    return os.waitstatus_to_exitcode(status), time.perf_counter() - started, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--metros", type=int, nargs="+", default=[10, 50])
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--national", type=Path,
                        default=REPO.parent / "shared" / "data" / "oews" / "national_M2024_dl.xlsx")
    opts = parser.parse_args()
    folder = opts.dir or Path(tempfile.mkdtemp(prefix="oews-workbook-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"files in {folder}")
    print("| metros | rows | file | bare xlsx_rows pass: s | MiB | paybench ingest: s | rows/s | "
          "x bare pass | MiB | last line |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for metros in opts.metros:
        path = folder / f"MSA_M2024_dl_{metros}.xlsx"
        rows = build(opts.national, metros, path)
        code, bare_s, bare_mib = child(
            ["-c", "import sys; from pathlib import Path; from paybench.sources.tabular import xlsx_rows; "
                   "print(sum(1 for _ in xlsx_rows(Path(sys.argv[1]))))", str(path)], folder / "bare.log")
        assert code == 0, (folder / "bare.log").read_text()
        db = folder / f"store_{metros}.duckdb"
        db.unlink(missing_ok=True)
        log = folder / f"ingest_{metros}.log"
        code, ingest_s, ingest_mib = child(["-m", "paybench", "ingest", str(path), "--db", str(db)], log)
        lines = log.read_text(errors="replace").strip().splitlines()
        first = lines[0] if lines else ""
        assert code == 0, log.read_text()
        size = path.stat().st_size / 2**20
        print(f"| {metros} | {rows:,} | {size:.1f} MiB | {bare_s:.1f} | {bare_mib:.0f} | {ingest_s:.1f} | "
              f"{rows / ingest_s:,.0f} | {ingest_s / bare_s:.1f} | {ingest_mib:.0f} | {first} |")


if __name__ == "__main__":
    main()
