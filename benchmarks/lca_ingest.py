"""Throughput and memory of `paybench ingest` on H-1B LCA files: the columnar adapter, the
row-by-row path it replaced, and a bare DuckDB pass over the same file, in one run.

Usage: python benchmarks/lca_ingest.py [--rows 1000000] [--small 200000] [--xlsx-rows 50000]
                                       [--resample ../shared/data/lca/lca_fy2020_q1_sample.csv]
                                       [--no-rowwise] [--dir DIR]

Writes (benchmarks/make_lca_file.py; seeded) to DIR (default: a new temporary directory,
never the repository) a CSV of `--rows` rows resampled from the real FY2020 rows (their
96-column layout and formats; pay, dates and places varied), a smaller one of `--small`
rows, and a synthetic xlsx workbook of `--xlsx-rows` rows in DOL's current layout. Each
measurement runs in its own child process; this process reads the child's wall time and peak
RSS (`os.wait4`):

* bare DuckDB pass (the baseline): `read_csv` of the file, then exact P10, P25, P50, P75,
  P90 of the offered wage grouped by job title x wage level x worksite state;
* the columnar adapter (paybench.sources.lca) into a new store, through the ingest
  transaction every ingest uses, on the large CSV, the small CSV (peak memory must not grow
  with the rows), a 1,000-row CSV (the fixed cost: imports, title and place tables) and the
  xlsx workbook; and `python -m paybench ingest FILE --db NEW_STORE` on the large CSV (the
  same with the CLI's start-up);
* the row-by-row path (tests/rowwise/lca.py, the adapter before issue 15) the same way on
  the large CSV and the xlsx workbook.

Figures are printed as ratios to the baseline run in the same invocation, since the machine
is shared and noisy.
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
REPO = HERE.parent
REAL_FY2020 = REPO.parent / "shared" / "data" / "lca" / "lca_fy2020_q1_sample.csv"

DUCKDB_PASS = """
import sys, duckdb
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")
rows = con.execute('''
    SELECT count(*), count(DISTINCT (JOB_TITLE, PW_WAGE_LEVEL, WORKSITE_STATE)) FROM (
        SELECT JOB_TITLE, PW_WAGE_LEVEL, WORKSITE_STATE, count(*) AS n,
               quantile_cont(TRY_CAST(replace(replace(WAGE_RATE_OF_PAY_FROM, '$', ''), ',', '') AS DOUBLE),
                             [0.1, 0.25, 0.5, 0.75, 0.9]) AS p
        FROM read_csv(?, all_varchar = true)
        GROUP BY ALL)''', [sys.argv[1]]).fetchall()
print(rows[0][0], "cells")
"""

ADAPTER_INGEST = """
import sys, time
sys.path.insert(0, sys.argv[3])
from pathlib import Path
from paybench.ingest import _ingest_once
from paybench.store import Store, file_sha256
if sys.argv[4] == "rowwise":
    from rowwise import lca
else:
    from paybench.sources import lca
path = Path(sys.argv[1])
with Store(sys.argv[2]) as store:
    result = _ingest_once(store, "lca", str(path), file_sha256(path), path.stat().st_size,
                          lambda writer: lca.ingest(path, writer, None))
print(f"read {result.rows_read:,} rows, kept {result.rows_kept:,}, quarantined "
      f"{result.rows_quarantined:,}, skipped {result.rows_skipped:,}")
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


def ensure(path: Path, rows: int, resample: Path | None) -> Path:
    """Generate the file in a child process (this process stays small: a forked child
    starts with its parent's resident memory, which would inflate its peak RSS)."""
    if not path.exists():
        started = time.perf_counter()
        extra = ["--resample", str(resample)] if resample is not None else []
        subprocess.run([sys.executable, str(HERE / "make_lca_file.py"), str(path), "--rows", str(rows),
                        *extra], check=True, stdout=subprocess.DEVNULL)
        print(f"  generated {path.name}: {rows:,} rows, {path.stat().st_size / 1e6:,.0f} MB "
              f"in {time.perf_counter() - started:.0f}s", flush=True)
    return path


def ingest(path: Path, workdir: Path, adapter: str) -> tuple[float, float, str]:
    """Ingest `path` into a new store in a child process: with the columnar adapter or the
    row-by-row reference ('columnar', 'rowwise': the same ingest transaction, no CLI), or
    with `paybench ingest` ('cli')."""
    db = workdir / f"{path.stem}-{time.time_ns()}.duckdb"
    try:
        if adapter == "cli":
            return measure_child([sys.executable, "-m", "paybench", "ingest", str(path), "--db", str(db)])
        return measure_child([sys.executable, "-c", ADAPTER_INGEST, str(path), str(db),
                              str(REPO / "tests"), adapter])
    finally:
        for leftover in (db, db.with_suffix(".duckdb.wal")):
            leftover.unlink(missing_ok=True)


def _line(name: str, rows: int, figures: tuple[float, float, str], base: float) -> str:
    wall, rss, _out = figures
    return (f"    {name:<26} {wall:7.1f}s  {rows / wall:9,.0f} rows/s  peak RSS {rss:5.0f} MB  "
            f"{wall / base:6.1f}x the DuckDB pass")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=200_000)
    parser.add_argument("--xlsx-rows", type=int, default=50_000)
    parser.add_argument("--resample", type=Path, default=REAL_FY2020)
    parser.add_argument("--no-rowwise", action="store_true", help="skip the row-by-row reference")
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    workdir = args.dir or Path(tempfile.mkdtemp(prefix="paybench-lca-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"files in {workdir}")
    big = ensure(workdir / f"lca-resampled-{args.rows}.csv", args.rows, args.resample)
    small = ensure(workdir / f"lca-resampled-{args.small}.csv", args.small, args.resample)
    tiny = ensure(workdir / "lca-resampled-1000.csv", 1000, args.resample)
    book = ensure(workdir / f"lca-{args.xlsx_rows}.xlsx", args.xlsx_rows, None)

    results: dict[str, tuple[float, float, str]] = {}
    runs: list[tuple[str, list[str] | None, Path, str]] = [
        ("duckdb pass, large", [sys.executable, "-c", DUCKDB_PASS, str(big)], big, ""),
        ("columnar ingest, large", None, big, "columnar"),
        ("duckdb pass, small", [sys.executable, "-c", DUCKDB_PASS, str(small)], small, ""),
        ("columnar ingest, small", None, small, "columnar"),
        ("columnar ingest, 1,000 rows", None, tiny, "columnar"),
        ("paybench ingest (CLI), large", None, big, "cli"),
        ("columnar ingest, xlsx", None, book, "columnar"),
    ]
    if not args.no_rowwise:
        runs += [("row-by-row ingest, large", None, big, "rowwise"),
                 ("row-by-row ingest, xlsx", None, book, "rowwise")]
    for name, cmd, path, adapter in runs:
        results[name] = measure_child(cmd) if cmd else ingest(path, workdir, adapter)
        wall, rss, out = results[name]
        print(f"  {name}: {wall:.1f}s, peak RSS {rss:.0f} MB [{' '.join(out.split())[:160]}]", flush=True)

    base = results["duckdb pass, large"][0]
    print()
    print(f"LCA ingest benchmark (machine: {os.cpu_count()} cores; {sys.version.split()[0]}; "
          f"load average at the end {os.getloadavg()[0]:.1f})")
    with big.open(encoding="utf-8") as handle:
        columns = len(handle.readline().split(","))
    print(f"  CSV {args.rows:,} rows resampled from {args.resample.name} "
          f"({big.stat().st_size / 1e6:,.0f} MB, {columns} columns):")
    print(_line("bare DuckDB pass", args.rows, results["duckdb pass, large"], base))
    print(_line("columnar ingest", args.rows, results["columnar ingest, large"], base))
    print(_line("paybench ingest (CLI)", args.rows, results["paybench ingest (CLI), large"], base))
    col_big = results["columnar ingest, large"][0]
    if "row-by-row ingest, large" in results:
        row_big = results["row-by-row ingest, large"][0]
        print(_line("row-by-row ingest (before)", args.rows, results["row-by-row ingest, large"], base))
        print(f"    columnar vs row-by-row: {row_big / col_big:.1f}x the rows/s")
    tiny_wall = results["columnar ingest, 1,000 rows"][0]
    print(f"    fixed cost (columnar ingest of 1,000 rows): {tiny_wall:.1f}s; columnar without it: "
          f"{(col_big - tiny_wall) / base:.1f}x the DuckDB pass")
    small_base, small_col = results["duckdb pass, small"], results["columnar ingest, small"]
    big_rss = results["columnar ingest, large"][1]
    print(f"  {args.small:,} rows: DuckDB pass {small_base[0]:.1f}s, columnar ingest {small_col[0]:.1f}s "
          f"({small_col[0] / small_base[0]:.1f}x); peak RSS {small_col[1]:.0f} MB vs {big_rss:.0f} MB "
          f"for {args.rows / args.small:.0f}x the rows")
    x_col = results["columnar ingest, xlsx"]
    print(f"  xlsx {args.xlsx_rows:,} rows (synthetic, DOL's current layout; "
          f"{book.stat().st_size / 1e6:,.0f} MB):")
    print(f"    columnar ingest  {x_col[0]:7.1f}s  {args.xlsx_rows / x_col[0]:9,.0f} rows/s  "
          f"peak RSS {x_col[1]:5.0f} MB")
    if "row-by-row ingest, xlsx" in results:
        x_row = results["row-by-row ingest, xlsx"]
        print(f"    row-by-row       {x_row[0]:7.1f}s  {args.xlsx_rows / x_row[0]:9,.0f} rows/s  "
              f"peak RSS {x_row[1]:5.0f} MB  ({x_row[0] / x_col[0]:.1f}x the columnar time)")


if __name__ == "__main__":
    main()
