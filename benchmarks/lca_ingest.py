"""Throughput and memory of `paybench ingest` on H-1B LCA files, against a plain parse.

Usage: python benchmarks/lca_ingest.py [--rows 600000] [--small 150000] [--xlsx-rows 50000]
                                       [--dir DIR]

Writes synthetic LCA files in DOL's full record layout (benchmarks/make_lca_file.py;
seeded) to DIR (default: a new temporary directory, never the repository), then runs
each measurement in its own child process and reads the child's wall time (measured by
this process) and peak RSS (`os.wait4` resource usage of that child):

* baseline: a plain `csv.reader` pass over the same CSV file (and, for xlsx, a plain
  openpyxl read-only `values_only` pass over the same workbook);
* `python -m paybench ingest FILE --db NEW_STORE` on the large CSV, on the small CSV (to
  show peak memory does not grow with the number of rows) and on the xlsx file;
* `paybench ingest` of a 1,000-row CSV: the fixed cost (imports, place tables).

Figures are printed as ratios to the baseline run in the same invocation, since the
machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

CSV_PASS = """
import csv, sys
n = 0
with open(sys.argv[1], newline="", encoding="utf-8") as handle:
    for _row in csv.reader(handle):
        n += 1
print(n)
"""

XLSX_PASS = """
import sys, warnings
import openpyxl
warnings.simplefilter("ignore")
book = openpyxl.load_workbook(sys.argv[1], read_only=True, data_only=True)
n = sum(1 for _row in book.worksheets[0].iter_rows(values_only=True))
print(n)
"""


def measure_child(args: list[str]) -> tuple[float, float, str]:
    """(wall seconds, peak RSS in MB, stdout) of one child process, reaped with os.wait4
    so that the peak RSS is that child's own."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    out = proc.stdout.read().decode("utf-8", "replace")
    err = proc.stderr.read().decode("utf-8", "replace")
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"child failed ({proc.returncode}): {' '.join(args)}\n{err[-2000:]}")
    return wall, usage.ru_maxrss / 1024, out.strip()


def ensure(path: Path, rows: int) -> Path:
    """Generate the file in a child process (this process stays small: a forked child
    starts with its parent's resident memory, which would inflate its peak RSS)."""
    if not path.exists():
        started = time.perf_counter()
        subprocess.run([sys.executable, str(HERE / "make_lca_file.py"), str(path), "--rows", str(rows)],
                       check=True, stdout=subprocess.DEVNULL)
        print(f"  generated {path.name}: {rows:,} rows, {path.stat().st_size / 1e6:,.0f} MB "
              f"in {time.perf_counter() - started:.0f}s", flush=True)
    return path


def ingest(path: Path, workdir: Path) -> tuple[float, float, str]:
    db = workdir / f"{path.stem}-{time.time_ns()}.duckdb"
    try:
        return measure_child([sys.executable, "-m", "paybench", "ingest", str(path), "--db", str(db)])
    finally:
        for leftover in (db, db.with_suffix(".duckdb.wal")):
            leftover.unlink(missing_ok=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=600_000)
    parser.add_argument("--small", type=int, default=150_000)
    parser.add_argument("--xlsx-rows", type=int, default=50_000)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    workdir = args.dir or Path(tempfile.mkdtemp(prefix="paybench-lca-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"files in {workdir}")
    big = ensure(workdir / f"lca-{args.rows}.csv", args.rows)
    small = ensure(workdir / f"lca-{args.small}.csv", args.small)
    tiny = ensure(workdir / "lca-1000.csv", 1000)
    book = ensure(workdir / f"lca-{args.xlsx_rows}.xlsx", args.xlsx_rows)

    results: dict[str, tuple[float, float, str]] = {}
    for name, cmd in [
        ("csv.reader pass, large", [sys.executable, "-c", CSV_PASS, str(big)]),
        ("csv.reader pass, small", [sys.executable, "-c", CSV_PASS, str(small)]),
        ("openpyxl pass, xlsx", [sys.executable, "-c", XLSX_PASS, str(book)]),
    ]:
        results[name] = measure_child(cmd)
        print(f"  {name}: {results[name][0]:.1f}s, peak RSS {results[name][1]:.0f} MB", flush=True)
    for name, path in [("ingest, 1,000 rows", tiny), ("ingest, large", big), ("ingest, small", small),
                       ("ingest, xlsx", book)]:
        results[name] = ingest(path, workdir)
        print(f"  {name}: {results[name][0]:.1f}s, peak RSS {results[name][1]:.0f} MB "
              f"[{' '.join(results[name][2].split())}]", flush=True)

    base_big, base_small, base_x = (results[k] for k in (
        "csv.reader pass, large", "csv.reader pass, small", "openpyxl pass, xlsx"))
    ing_big, ing_small, ing_x, ing_tiny = (results[k] for k in (
        "ingest, large", "ingest, small", "ingest, xlsx", "ingest, 1,000 rows"))
    print()
    print(f"LCA ingest benchmark (machine: {os.cpu_count()} cores; {sys.version.split()[0]})")
    with big.open(encoding="utf-8") as handle:
        columns = len(handle.readline().split(","))
    print(f"  CSV {args.rows:,} rows ({big.stat().st_size / 1e6:,.0f} MB, {columns} columns):")
    print(f"    paybench ingest  {ing_big[0]:7.1f}s  {args.rows / ing_big[0]:9,.0f} rows/s  "
          f"peak RSS {ing_big[1]:5.0f} MB")
    print(f"    csv.reader pass  {base_big[0]:7.1f}s  {args.rows / base_big[0]:9,.0f} rows/s  "
          f"peak RSS {base_big[1]:5.0f} MB")
    print(f"    ratio ingest / plain parse: time {ing_big[0] / base_big[0]:.1f}x")
    print(f"    fixed cost (ingest of 1,000 rows): {ing_tiny[0]:.1f}s, peak RSS {ing_tiny[1]:.0f} MB; "
          f"ratio without it: {(ing_big[0] - ing_tiny[0]) / base_big[0]:.1f}x")
    print(f"  memory bounded: peak RSS ingest {args.small:,} rows {ing_small[1]:.0f} MB vs "
          f"{args.rows:,} rows {ing_big[1]:.0f} MB (ratio {ing_big[1] / ing_small[1]:.2f} for "
          f"{args.rows / args.small:.0f}x the rows); time {ing_small[0]:.1f}s vs {ing_big[0]:.1f}s "
          f"(plain parse {base_small[0]:.1f}s vs {base_big[0]:.1f}s)")
    print(f"  xlsx {args.xlsx_rows:,} rows ({book.stat().st_size / 1e6:,.0f} MB):")
    print(f"    paybench ingest  {ing_x[0]:7.1f}s  {args.xlsx_rows / ing_x[0]:9,.0f} rows/s  "
          f"peak RSS {ing_x[1]:5.0f} MB")
    print(f"    openpyxl pass    {base_x[0]:7.1f}s  {args.xlsx_rows / base_x[0]:9,.0f} rows/s  "
          f"peak RSS {base_x[1]:5.0f} MB")
    print(f"    ratio ingest / plain openpyxl read: time {ing_x[0] / base_x[0]:.1f}x; "
          f"xlsx ingest vs csv ingest rows/s: {(args.xlsx_rows / ing_x[0]) / (args.rows / ing_big[0]):.2f}")


if __name__ == "__main__":
    main()
