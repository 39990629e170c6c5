"""Time building the benchmark cells on Spark beside DuckDB, in one run, and check they agree.

Usage:
  python benchmarks/spark_cells.py --db STORE [--master local[*]]
  python benchmarks/spark_cells.py --parquet DIR          (a `paybench export` folder)
  python benchmarks/spark_cells.py --survey-rows 1000000 [--keep STORE]

Input: a store (`--db`), a `paybench export` folder (`--parquet`: the cell summaries only,
both engines reading the same observations.parquet), or `--survey-rows N`: a store built here
from the embedded defaults plus N rows in the ai-jobs.net survey layout, resampled from the
real survey (`../shared/data/aijobs/salaries.csv`; pay, work year and country varied,
`resample_survey`).

What is timed, for each engine, in the same process (DuckDB first, then Spark):
- `summaries`: the engine-dependent part of a benchmark model, `observed_cells` +
  `evidence_counts` (`paybench.bench.summary`) over every role x level x scope x key; for
  Spark this includes exporting the store to Parquet (`export`, timed apart too) but not
  starting the session (`session`, printed apart: paid once per process);
- `guide cells` (with a store): `build_guide` (every cell the guide prints: all roles
  nationally, 25 metros, remote, the ladders), i.e. the summaries plus the method's Python part.
Each is printed with its ratio Spark / DuckDB, and the peak resident memory of the process
tree (this process and its JVM) over the run. The cells are compared: every guide cell's
P10-P90 (as printed), n and sources, and every summary's n, must be equal on both engines.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SURVEY = REPO.parent / "shared" / "data" / "aijobs" / "salaries.csv"


def resample_survey(source: Path, out: Path, rows: int, seed: int = 15) -> Path:
    """Write `rows` rows in the survey's exact layout (same columns, order and formats) to
    `out`, drawn with replacement from the real rows of `source`: pay (salary and
    salary_in_usd) times one log-normal factor per row (sd 0.12, rounded to the dollar), the
    work year drawn from 2021-2024, and the company's country drawn from the survey's own
    distribution (the residence follows it where the two were equal). Returns `out`."""
    import numpy as np
    import pandas as pd

    frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    rng = np.random.default_rng(seed)
    picked = frame.iloc[rng.integers(0, len(frame), rows)].reset_index(drop=True)
    factor = np.exp(rng.normal(0.0, 0.12, rows))
    for column in ("salary", "salary_in_usd"):
        picked[column] = (picked[column].astype(float) * factor).round().astype("int64").astype(str)
    picked["work_year"] = rng.integers(2021, 2025, rows).astype(str)
    places = rng.choice(frame["company_location"].to_numpy(), rows)
    same = (picked["employee_residence"] == picked["company_location"]).to_numpy()
    picked["company_location"] = places
    picked["employee_residence"] = np.where(same, places, picked["employee_residence"].to_numpy())
    picked.to_csv(out, index=False)
    return out


def build_store(db: Path, survey_rows: int) -> float:
    """A store at `db`: the embedded defaults plus `survey_rows` resampled survey rows; the
    seconds the ingest took."""
    from paybench.ingest import ingest_defaults, ingest_file
    from paybench.store import Store

    start = time.perf_counter()
    with Store(db) as store:
        ingest_defaults(store)
        if survey_rows:
            ingest_file(store, resample_survey(SURVEY, db.with_name("resampled_survey.csv"), survey_rows))
    return time.perf_counter() - start


class PeakRss:
    """Peak resident memory (bytes) of this process and its children, sampled every 0.2 s."""

    def __init__(self) -> None:
        import psutil

        self.process = psutil.Process()
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import psutil

        while not self._stop.wait(0.2):
            total = 0
            for proc in [self.process, *self.process.children(recursive=True)]:
                try:
                    total += proc.memory_info().rss
                except psutil.Error:
                    continue
            self.peak = max(self.peak, total)

    def stop(self) -> int:
        """Stop sampling; the peak in bytes."""
        self._stop.set()
        self._thread.join()
        return self.peak


def summaries(backend: Any) -> tuple[Any, Any]:
    """observed_cells and evidence_counts on `backend`."""
    from paybench.bench import PARAMS
    from paybench.bench.summary import evidence_counts, observed_cells

    return observed_cells(backend, PARAMS), evidence_counts(backend, PARAMS)


def same_summaries(a: tuple[Any, Any], b: tuple[Any, Any]) -> str:
    """'' when both engines' summaries name the same cells with the same n, quantiles within
    1e-9 log pay and the same evidence counts; else what differs."""
    keys = ["role", "level", "scope", "key"]
    left, right = (x[0].sort_values(keys).reset_index(drop=True) for x in (a, b))
    if not left[keys].equals(right[keys]) or not (left["n"].to_numpy() == right["n"].to_numpy()).all():
        return "the summaries name other cells or other n"
    worst = max(float((left[f"q{p}"] - right[f"q{p}"]).abs().max()) for p in (10, 25, 50, 75, 90))
    if worst > 1e-9:
        return f"quantiles differ by up to {worst:.2e} log pay"
    ev = [*keys, "source", "kind"]
    ea, eb = (x[1].sort_values(ev).reset_index(drop=True) for x in (a, b))
    if not ea[ev].equals(eb[ev]) or not (ea["n"].to_numpy() == eb["n"].to_numpy()).all():
        return "the evidence counts differ"
    return ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--db", type=Path, help="a paybench store")
    source.add_argument("--parquet", type=Path, help="a `paybench export` folder")
    source.add_argument("--survey-rows", type=int, help="build a store with this many survey rows")
    parser.add_argument("--master", default=f"local[{os.cpu_count() or 1}]")
    parser.add_argument("--keep", type=Path, help="with --survey-rows: build the store here and keep it")
    args = parser.parse_args()

    import duckdb
    import ibis

    from paybench.bench.engines import OBSERVATIONS_FILE, CellEngine, spark_session
    from paybench.bench.observations import write_observation_rows
    from paybench.guide.tables import build_guide
    from paybench.store import Store

    work = Path(tempfile.mkdtemp(prefix="paybench-spark-bench-"))
    rss = PeakRss()
    try:
        db = args.db
        if args.survey_rows is not None:
            db = args.keep or work / "store.duckdb"
            seconds = build_store(db, args.survey_rows)
            print(f"built {db} with {args.survey_rows:,} resampled survey rows in {seconds:.1f}s")
        print(f"machine: {platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
              f"load average {os.getloadavg()[0]:.1f}")
        t0 = time.perf_counter()
        with spark_session(args.master) as session:
            t_session = time.perf_counter() - t0
            print(f"spark session ({args.master}): {t_session:.1f}s (once per process)")
            results: dict[str, dict[str, float]] = {"duckdb": {}, "spark": {}}
            if db is None:  # an export folder: both engines read the same Parquet
                path = str((args.parquet / OBSERVATIONS_FILE).resolve())
                with duckdb.connect() as con:
                    con.execute(f"CREATE VIEW observations AS SELECT * FROM read_parquet('{path}')")
                    rows = con.execute("SELECT count(*) FROM observations").fetchone()
                    print(f"{rows[0] if rows else 0:,} observation rows in {path}")
                    t0 = time.perf_counter()
                    on_duckdb = summaries(ibis.duckdb.from_connection(con))
                    results["duckdb"]["summaries"] = time.perf_counter() - t0
                session.read.parquet(path).createOrReplaceTempView("observations")
                t0 = time.perf_counter()
                on_spark = summaries(ibis.pyspark.connect(session))
                results["spark"]["summaries"] = time.perf_counter() - t0
                verdicts = [same_summaries(on_duckdb, on_spark)]
            else:
                with Store(db, read_only=True) as store:
                    rows = store.scalar("SELECT count(*) FROM observations")
                    print(f"{rows:,} observation rows in {db}")
                    t0 = time.perf_counter()
                    on_duckdb = summaries(ibis.duckdb.from_connection(store.con))
                    results["duckdb"]["summaries"] = time.perf_counter() - t0
                    t0 = time.perf_counter()
                    exported = work / OBSERVATIONS_FILE
                    write_observation_rows(store, exported)
                    t_export = time.perf_counter() - t0
                    session.read.parquet(str(exported)).createOrReplaceTempView("observations")
                    t0 = time.perf_counter()
                    on_spark = summaries(ibis.pyspark.connect(session))
                    results["spark"]["summaries"] = time.perf_counter() - t0 + t_export
                    print(f"export to Parquet (part of Spark's summaries): {t_export:.1f}s")
                    t0 = time.perf_counter()
                    guide_duckdb = build_guide(store, metros=25)
                    results["duckdb"]["guide cells"] = time.perf_counter() - t0
                    t0 = time.perf_counter()
                    guide_spark = build_guide(store, metros=25, engine=CellEngine("spark", args.master))
                    results["spark"]["guide cells"] = time.perf_counter() - t0
                a = {r.key: r for r in guide_duckdb.rows}
                b = {r.key: r for r in guide_spark.rows}
                differ = [k for k in a if k not in b or (a[k].p10, a[k].p25, a[k].p50, a[k].p75, a[k].p90,
                                                           a[k].n, a[k].sources) !=
                          (b[k].p10, b[k].p25, b[k].p50, b[k].p75, b[k].p90, b[k].n, b[k].sources)]
                verdicts = [same_summaries(on_duckdb, on_spark),
                            f"{len(differ)} of {len(a)} guide cells differ" if differ or a.keys() != b.keys()
                            else ""]
                print(f"guide cells: {len(a):,}")
        for what in results["duckdb"]:
            d, s = results["duckdb"][what], results["spark"][what]
            print(f"{what:>12}: duckdb {d:7.1f}s  spark {s:7.1f}s  spark/duckdb {s / d:5.1f}x")
        print(f"peak RSS (this process and its JVM): {rss.stop() / 2**20:,.0f} MiB")
        problems = [v for v in verdicts if v]
        print("cells equal on both engines" if not problems else "MISMATCH: " + "; ".join(problems))
        if problems:
            raise SystemExit(1)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
