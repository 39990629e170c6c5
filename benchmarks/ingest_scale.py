"""paybench against its own engine at scale: `paybench ingest` + every guide cell, against a
bare DuckDB pass over the same CSV.

Usage: python benchmarks/ingest_scale.py --rows N [--layout survey|lca|both] [--dir DIR]
                                         [--memory-limit-gib 8]

Writes N rows in the ai-jobs.net survey layout (the header of ../shared/data/aijobs/salaries.csv)
and/or N rows in DOL's current LCA layout (the 96-column header of
../shared/data/lca/lca_fy2020_q1_sample.csv, exactly) by resampling the real rows of those
files with DuckDB (seeded): each row is a real row with its pay scaled by a factor in
[0.8, 1.25], its dates moved (survey: work_year 2020-2025; LCA: received, decision, begin and
end dates shifted together by up to 3 years back) and its place taken from another real row
(survey: employee_residence and company_location; LCA: the worksite's city, county, state
and ZIP code); LCA rows get a new case number, so no two rows repeat. One survey row in a
thousand gets a value the survey refuses (a salary 'n/a' or a remote_ratio 75), so the
quarantine works at scale. Files go to DIR (default: a new temporary directory, never the
repository) and are kept there for the next run.

Then, in one run, each in its own child process (wall time measured here, peak RSS from
`os.wait4`, so a child's children are included):

(a) a bare DuckDB pass: `read_csv` of the file and exact P10, P25, P50, P75, P90
    (`quantile_cont`) of the pay grouped by title x level x country (LCA: title x wage level x
    worksite state);
(b) `python -m paybench ingest FILE --db STORE` into a fresh store (a copy of a store holding
    the embedded reference data, OEWS May 2025 and the published figures, built once in DIR
    and not timed), then, in a second child, building every guide cell:
    `paybench.guide.build_guide` (the BenchmarkModel and every cell the guide prints, the 25
    largest tech metros and remote).

It prints both, their ratio (b)/(a) (wall time; also CPU time, steadier on a shared machine)
and the peak RSS of (b) (the larger of its two children).
Each child runs under an address-space limit (--memory-limit-gib, default 8 GiB of virtual
memory; peak RSS is what is reported) so that a regression fails instead of swapping a
shared machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data"
SURVEY = SHARED / "aijobs" / "salaries.csv"
LCA = SHARED / "lca" / "lca_fy2020_q1_sample.csv"

SURVEY_SQL = """
COPY (
  WITH real AS (
    SELECT *, row_number() OVER () - 1 AS i FROM read_csv('{source}', all_varchar = true, header = true)
  ), n AS (SELECT count(*) AS n FROM real),
  draws AS (
    SELECT g.range AS k,
           hash(g.range, 1) % n.n AS pick, hash(g.range, 2) % n.n AS place,
           0.8 + (hash(g.range, 3) % 45000) / 100000.0 AS factor,
           2020 + hash(g.range, 4) % 6 AS year, hash(g.range, 5) % 1000 AS odd
    FROM range({rows}) g, n
  )
  SELECT CAST(d.year AS VARCHAR) AS work_year, r.experience_level, r.employment_type, r.job_title,
         CASE WHEN d.odd = 0 THEN 'n/a'
              ELSE CAST(round(CAST(r.salary AS DOUBLE) * d.factor) AS BIGINT)::VARCHAR END AS salary,
         r.salary_currency,
         CAST(round(CAST(r.salary_in_usd AS DOUBLE) * d.factor) AS BIGINT)::VARCHAR AS salary_in_usd,
         p.employee_residence,
         CASE WHEN d.odd = 1 THEN '75' ELSE r.remote_ratio END AS remote_ratio,
         p.company_location, r.company_size
  FROM draws d JOIN real r ON r.i = d.pick JOIN real p ON p.i = d.place
  ORDER BY d.k
) TO '{out}' (HEADER, DELIMITER ',')
"""

LCA_DATES = ("RECEIVED_DATE", "DECISION_DATE", "BEGIN_DATE", "END_DATE")
LCA_PLACE = ("WORKSITE_CITY", "WORKSITE_COUNTY", "WORKSITE_STATE", "WORKSITE_POSTAL_CODE")
LCA_PAY = ("WAGE_RATE_OF_PAY_FROM", "WAGE_RATE_OF_PAY_TO")


def lca_sql(source: Path, out: Path, rows: int, header: list[str]) -> str:
    """The DuckDB statement writing `rows` resampled LCA rows with `header`'s columns, in order."""
    def column(name: str) -> str:
        quoted = '"' + name + '"'
        if name == "CASE_NUMBER":
            return f"'I-200-' || lpad(CAST(d.k AS VARCHAR), 9, '0') AS {quoted}"
        if name in LCA_PAY:
            return (f"CASE WHEN r.{quoted} IS NULL OR try_cast(replace(r.{quoted}, ',', '') AS DOUBLE) "
                    f"IS NULL THEN r.{quoted} ELSE printf('%.2f', round(CAST(replace(r.{quoted}, ',', '') "
                    f"AS DOUBLE) * d.factor, 2)) END AS {quoted}")
        if name in LCA_DATES:
            return (f"CASE WHEN try_strptime(r.{quoted}, '%m/%d/%Y') IS NULL THEN r.{quoted} ELSE "
                    f"strftime(CAST(try_strptime(r.{quoted}, '%m/%d/%Y') AS DATE) - d.shift, '%-m/%-d/%Y') "
                    f"END AS {quoted}")
        if name in LCA_PLACE:
            return f"p.{quoted}"
        return f"r.{quoted}"

    return f"""
COPY (
  WITH real AS (
    SELECT *, row_number() OVER () - 1 AS i FROM read_csv('{source}', all_varchar = true, header = true)
  ), n AS (SELECT count(*) AS n FROM real),
  draws AS (
    SELECT g.range AS k, hash(g.range, 1) % n.n AS pick, hash(g.range, 2) % n.n AS place,
           0.8 + (hash(g.range, 3) % 45000) / 100000.0 AS factor,
           CAST(hash(g.range, 4) % 1096 AS INTEGER) AS shift
    FROM range({rows}) g, n
  )
  SELECT {", ".join(column(name) for name in header)}
  FROM draws d JOIN real r ON r.i = d.pick JOIN real p ON p.i = d.place
  ORDER BY d.k
) TO '{out}' (HEADER, DELIMITER ',')
"""


BASELINE = """
import sys, duckdb
path, layout = sys.argv[1], sys.argv[2]
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")
if layout == "survey":
    sql = ("SELECT job_title, experience_level, employee_residence, count(*) AS n, "
           "quantile_cont(try_cast(salary_in_usd AS DOUBLE), [0.1, 0.25, 0.5, 0.75, 0.9]) AS q "
           f"FROM read_csv('{path}', all_varchar = true) GROUP BY ALL")
else:
    sql = ("SELECT JOB_TITLE, PW_WAGE_LEVEL, WORKSITE_STATE, count(*) AS n, "
           "quantile_cont(try_cast(replace(WAGE_RATE_OF_PAY_FROM, ',', '') AS DOUBLE), "
           "[0.1, 0.25, 0.5, 0.75, 0.9]) AS q "
           f"FROM read_csv('{path}', all_varchar = true) GROUP BY ALL")
groups = con.execute(sql).fetchall()
print(f"{len(groups)} groups")
"""

REFERENCE = """
import sys
from paybench.ingest import ingest_defaults
from paybench.store import Store
with Store(sys.argv[1]) as store:
    ingest_defaults(store, survey=False)
"""

GUIDE = """
import sys, time
from paybench.guide import build_guide
from paybench.store import Store
with Store(sys.argv[1], read_only=True) as store:
    rows = build_guide(store).rows
print(f"{len(rows)} guide cells")
"""


def measure(args: list[str], limit_gib: float,
            env: dict[str, str] | None = None) -> tuple[float, float, str, float]:
    """(wall seconds, peak RSS in MiB, stdout, CPU seconds) of one child process under an
    address-space limit, reaped with os.wait4 so the peak RSS and the CPU time are that
    child's (with its own children's)."""
    limit = int(limit_gib * (1 << 30))

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(args, stdout=out, stderr=err, preexec_fn=cap,
                                env={**os.environ, **(env or {})})
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text, errors = out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
    if proc.returncode:
        raise SystemExit(f"child failed ({proc.returncode}): {' '.join(args)}\n{errors[-3000:]}")
    return wall, usage.ru_maxrss / 1024, text.strip(), usage.ru_utime + usage.ru_stime


def generate(layout: str, rows: int, workdir: Path) -> Path:
    """The resampled file of `rows` rows (made once per directory)."""
    import duckdb

    out = workdir / f"{layout}-{rows}.csv"
    if out.exists():
        return out
    started = time.perf_counter()
    partial = out.with_suffix(".partial.csv")
    con = duckdb.connect()
    con.execute(f"SET temp_directory = '{workdir / 'duckdb-tmp'}'")
    con.execute("SET memory_limit = '2GB'")
    con.execute("SET enable_progress_bar = false")
    if layout == "survey":
        con.execute(SURVEY_SQL.format(source=SURVEY, out=partial, rows=rows))
    else:
        header = LCA.open(encoding="utf-8").readline().rstrip("\r\n").split(",")
        con.execute(lca_sql(LCA, partial, rows, header))
        written = partial.open(encoding="utf-8").readline().rstrip("\r\n").split(",")
        assert written == header, "the LCA header must be the real file's, exactly"
    con.close()
    partial.rename(out)
    print(f"  wrote {out.name}: {rows:,} rows, {out.stat().st_size / 1e6:,.0f} MB in "
          f"{time.perf_counter() - started:.0f}s", flush=True)
    return out


def reference_store(workdir: Path, limit_gib: float) -> Path:
    """A store holding the embedded reference data (OEWS, published figures), made once."""
    path = workdir / "reference.duckdb"
    if not path.exists():
        partial = workdir / "reference.partial.duckdb"
        partial.unlink(missing_ok=True)
        measure([sys.executable, "-c", REFERENCE, str(partial)], limit_gib)
        partial.rename(path)
    return path


def run(layout: str, path: Path, rows: int, workdir: Path, limit_gib: float) -> dict[str, float]:
    """Measure (a) and (b) on one file; print and return the figures."""
    base_s, base_rss, base_out, base_cpu = measure([sys.executable, "-c", BASELINE, str(path), layout],
                                                   limit_gib)
    print(f"  (a) bare DuckDB pass: {base_s:.2f}s (CPU {base_cpu:.2f}s), peak RSS {base_rss:.0f} MiB "
          f"[{base_out}]", flush=True)
    store = workdir / f"store-{layout}-{rows}-{time.time_ns()}.duckdb"
    shutil.copy(reference_store(workdir, limit_gib), store)
    try:
        ing_s, ing_rss, ing_out, ing_cpu = measure([sys.executable, "-m", "paybench", "ingest", str(path),
                                                    "--db", str(store)], limit_gib, {"COLUMNS": "200"})
        print(f"  (b1) paybench ingest: {ing_s:.2f}s (CPU {ing_cpu:.2f}s), peak RSS {ing_rss:.0f} MiB "
              f"[{' '.join(ing_out.split())[-160:]}]", flush=True)
        guide_s, guide_rss, guide_out, guide_cpu = measure([sys.executable, "-c", GUIDE, str(store)],
                                                           limit_gib)
        print(f"  (b2) every guide cell: {guide_s:.2f}s (CPU {guide_cpu:.2f}s), peak RSS {guide_rss:.0f} "
              f"MiB [{guide_out}]", flush=True)
    finally:
        for leftover in store.parent.glob(store.name + "*"):
            leftover.unlink(missing_ok=True)
    total, cpu = ing_s + guide_s, ing_cpu + guide_cpu
    peak = max(ing_rss, guide_rss)
    print(f"  {layout} {rows:,} rows: (b) {total:.2f}s / (a) {base_s:.2f}s = ratio {total / base_s:.2f} "
          f"(ingest {ing_s / base_s:.2f}x, guide cells {guide_s / base_s:.2f}x); CPU ratio "
          f"{cpu / base_cpu:.2f}; peak RSS of (b) {peak:.0f} MiB ({peak / 1024:.2f} GiB)", flush=True)
    return {"a": base_s, "b": total, "ingest": ing_s, "guide": guide_s, "rss": peak}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--layout", choices=("survey", "lca", "both"), default="both")
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--memory-limit-gib", type=float, default=8.0)
    args = parser.parse_args()
    workdir = args.dir or Path(tempfile.mkdtemp(prefix="paybench-scale-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"paybench scale benchmark: {args.rows:,} rows, files in {workdir}; machine: "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}", flush=True)
    layouts = ("survey", "lca") if args.layout == "both" else (args.layout,)
    files = {layout: generate(layout, args.rows, workdir) for layout in layouts}
    reference_store(workdir, args.memory_limit_gib)
    for layout in layouts:
        print(f"{layout} layout ({files[layout].stat().st_size / 1e6:,.0f} MB):", flush=True)
        run(layout, files[layout], args.rows, workdir, args.memory_limit_gib)
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
