"""Cells on Spark (`paybench.bench.engines`): every guide cell computed on PySpark (local mode)
equals DuckDB's, from a store of more than 100,000 real observations; `paybench export`
writes what Spark reads; a missing pyspark, Java or master is one line.

The store: the embedded defaults (OEWS, published figures, the 72k-row ai-jobs.net survey),
every file of ../shared/data that an adapter reads, a resampled survey file in the survey's
exact layout (benchmarks/spark_cells.py `resample_survey`: real rows with pay, year and country
varied) and submissions from enough contributors to count in one cell and too few in
another. One Spark session serves the module (the engine uses the active session).
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from paybench.bench.cache import cache_path
from paybench.bench.engines import (
    CellEngine,
    EngineError,
    check_parquet_reachable,
    local_cores,
    loopback_master,
    master_address,
    spark_session,
)
from paybench.bench.observations import OBSERVATION_ROW_COLUMNS
from paybench.guide import build_guide
from paybench.store import Store

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
RESAMPLED_ROWS = 70_000
"""Survey rows added by resampling: the shared files alone hold fewer than 100,000
observations (72k survey + 4.4k LCA rows the adapters read today)."""
SUBMITTED_CELL = ("Data Scientist", "Denver, CO")
"""Where the submissions go: 6 distinct contributors (they count) ..."""
THIN_SUBMITTED_CELL = ("Data Engineer", "Boise, ID")
"""... and 3 (they do not: k-anonymity)."""


def _benchmark_module() -> Any:
    spec = importlib.util.spec_from_file_location("spark_cells", REPO / "benchmarks" / "spark_cells.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(*args: str, db: Path, env: dict[str, str] | None = None,
        python: tuple[str, ...] = ("-m", "paybench")) -> subprocess.CompletedProcess[str]:
    """`paybench ARGS` on store `db` (or another Python entry)."""
    return subprocess.run([sys.executable, *python, *args], capture_output=True, text=True,
                          env={**os.environ, "PAYBENCH_DB": str(db), **(env or {})}, timeout=600)


@pytest.fixture(scope="module")
def big_store(tmp_path_factory: pytest.TempPathFactory, reference_db: Path, shared_data: Path) -> Path:
    """The store of the module doc (read-only after this fixture)."""
    from paybench.errors import InputError
    from paybench.ingest import ingest_defaults, ingest_file
    from paybench.submissions import Submission, prepare_submission, store_submission

    work = tmp_path_factory.mktemp("spark")
    db = work / "big.duckdb"
    shutil.copy(reference_db, db)
    survey = _benchmark_module().resample_survey(
        shared_data / "aijobs" / "salaries.csv", work / "salaries_resampled.csv", RESAMPLED_ROWS)
    read: list[str] = []
    with Store(db) as store:
        ingest_defaults(store)
        for path in sorted(shared_data.rglob("*.csv")):
            if "onet" in path.parts:
                continue  # a title list, not pay data
            try:
                result = ingest_file(store, path)
            except InputError:
                continue  # a layout no adapter reads (yet)
            read.append(f"{path.name}: {result.rows_kept}")
        ingest_file(store, survey)
        for i, (base, (title, place)) in enumerate(
                [(b, SUBMITTED_CELL) for b in (118_000, 131_000, 142_000, 156_000, 163_000, 171_000)]
                + [(b, THIN_SUBMITTED_CELL) for b in (99_000, 104_000, 120_000)]):
            prepared = prepare_submission(Submission(title=title, level="senior", place=place, base=base))
            # distinct contributors: a client address is keyed, never stored or contacted
            assert store_submission(store, prepared, None, client=f"client-{i}").status == "accepted"
        count = store.scalar("SELECT count(*) FROM observations")
    assert any(name.startswith("lca_fy2020_q1_sample.csv") for name in read), read
    assert count >= 100_000, count
    return db


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    """One local Spark session for the module (2 cores, as CI has)."""
    with spark_session("local[2]") as session:
        yield session


@pytest.fixture(scope="module")
def exported(big_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`paybench export --format parquet` of the big store."""
    out = tmp_path_factory.mktemp("export") / "parquet"
    proc = run("export", "--format", "parquet", "--out", str(out), "--json", db=big_store)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["rows"]["observations.parquet"] >= 100_000
    return out


def guide_rows(data: Any) -> dict[str, dict[str, Any]]:
    return {row.key: dataclasses.asdict(row) for row in data.rows}


def test_every_guide_cell_is_equal_on_spark(big_store: Path, exported: Path, spark: Any) -> None:
    """Every cell the guide prints, from Spark reading `paybench export`'s Parquet, equals
    DuckDB's: P10-P90 to the dollar as printed, n, method, confidence, sources, basis."""
    with Store(big_store, read_only=True) as store:
        usable = store.scalar(
            "SELECT count(DISTINCT dedup_key) FROM observations WHERE component = 'base' AND "
            "coalesce(employment_type, 'full_time') = 'full_time' AND annual_usd > 0")
        assert usable >= 100_000, usable
        on_duckdb = build_guide(store, metros=25)
        cached = cache_path(store)
        assert cached is not None and cached.exists()
        cached.unlink()  # Spark's model is built there, neither read from nor written to the cache
        on_spark = build_guide(store, metros=25, engine=CellEngine("spark", "local[2]", str(exported)))
        assert not cached.exists()
    duck, sparked = guide_rows(on_duckdb), guide_rows(on_spark)
    assert len(duck) > 8_000
    assert duck.keys() == sparked.keys()
    differ = {k: (duck[k], sparked[k]) for k in duck if duck[k] != sparked[k]}
    assert not differ, f"{len(differ)} cells differ, e.g. {next(iter(differ.items()))}"

    # the summaries under the cells: same cells, same n, quantiles equal to float precision
    a, b = on_duckdb.model, on_spark.model
    assert a is not None and b is not None
    keys = ["role", "level", "scope", "key"]
    left, right = (m.observed.sort_values(keys).reset_index(drop=True) for m in (a, b))
    assert left[keys].equals(right[keys])
    assert (left["n"].to_numpy() == right["n"].to_numpy()).all()
    for p in (10, 25, 50, 75, 90):
        assert (left[f"q{p}"] - right[f"q{p}"]).abs().max() < 1e-9
    assert a.evidence[[*keys, "source", "kind", "n"]].equals(b.evidence[[*keys, "source", "kind", "n"]])

    # the submissions: counted where 6 contributors stand, left out where 3 do
    counted = left[(left["scope"] == "metro") & (left["n_submitted"] > 0)]
    assert len(counted) == 1 and int(counted["n_submitted"].iloc[0]) == 6
    assert a.shrinkage_k_ == pytest.approx(b.shrinkage_k_, rel=1e-12)


def test_export_writes_the_documented_parquet(big_store: Path, exported: Path) -> None:
    """observations.parquet holds the method's columns, no raw amount, and each submission
    only at its bin's midpoint; usable_observations.parquet one row per counted observation;
    cells.parquet the guide's cells; export.json their counts."""
    manifest = json.loads((exported / "export.json").read_text(encoding="utf-8"))
    rows = pq.read_table(exported / "observations.parquet")
    assert tuple(rows.column_names) == OBSERVATION_ROW_COLUMNS
    assert not {"amount_raw", "amount_raw_max", "annual_usd_min", "annual_usd_max"} & set(rows.column_names)
    assert manifest["files"]["observations.parquet"] == rows.num_rows
    with Store(big_store, read_only=True) as store:
        stored = store.scalar("SELECT count(*) FROM observations WHERE component = 'base' AND annual_usd > 0")
        raw = sorted(store.query("SELECT annual_usd FROM observations WHERE kind = 'submitted' "
                                 "AND component = 'base'")["annual_usd"])
    assert rows.num_rows == stored
    frame = rows.to_pandas()
    submitted = sorted(frame.loc[frame["kind"] == "submitted", "annual_usd"])
    assert len(submitted) == len(raw) == 9
    assert all((v - 12_500) % 25_000 == 0 for v in submitted)  # bin midpoints ...
    assert not set(submitted) & set(raw)  # ... never a submitted figure
    usable = pq.read_table(exported / "usable_observations.parquet").to_pandas()
    assert usable["dedup_key"].is_unique and {"weight", "aged_usd", "role", "level"} <= set(usable.columns)
    assert len(usable) == manifest["files"]["usable_observations.parquet"] >= 100_000
    cells = pq.read_table(exported / "cells.parquet").to_pandas()
    assert len(cells) == manifest["files"]["cells.parquet"] > 8_000
    assert {"role", "level", "place", "p10", "p50", "p90", "n", "method"} <= set(cells.columns)
    assert (cells["p10"] <= cells["p90"]).all()


def test_cli_bench_on_spark_equals_duckdb(reference_db: Path, tmp_path: Path, shared_data: Path) -> None:
    """`paybench bench --engine spark` (its own JVM, the store exported on the fly) answers
    what `paybench bench` does, on a small store (the LCA sample on the reference defaults)."""
    db = tmp_path / "small.duckdb"
    shutil.copy(reference_db, db)
    assert run("ingest", str(shared_data / "lca" / "lca_fy2020_q1_sample.csv"), db=db).returncode == 0
    args = ("bench", "--role", "software-engineer", "--level", "senior", "--place", "Seattle, WA", "--json")
    duck = run(*args, db=db)
    sparked = run(*args, "--engine", "spark", "--spark-master", "local[2]", db=db)
    assert duck.returncode == 0 and sparked.returncode == 0, sparked.stderr
    assert json.loads(duck.stdout) == json.loads(sparked.stdout)
    assert json.loads(sparked.stdout)["n"] > 0
    assert sparked.stderr.strip() == ""  # the JVM's notices go to its log, not the terminal


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (("--engine", "spark"), {"JAVA_HOME": "/nonexistent-java"},
         "--engine: the Spark engine needs a Java runtime (17 or later)"),
        (("--engine", "spark", "--spark-master", "sc://127.0.0.1:9"), {},
         "--spark-master: cannot reach the Spark master sc://127.0.0.1:9"),
        (("--engine", "spark", "--spark-master", "spark://localhost:9"), {},
         "--spark-master: cannot reach the Spark master spark://localhost:9"),
        (("--engine", "spark", "--spark-master", "spark://cluster.invalid:7077"), {},
         "--parquet: a Spark cluster (spark://cluster.invalid:7077) cannot read this machine's"),
    ],
)
def test_spark_errors_are_one_line(args: tuple[str, ...], env: dict[str, str], message: str,
                                   reference_db: Path, tmp_path: Path) -> None:
    """No Java, a master that does not answer (loopback ports nothing listens on), a cluster
    without a shared Parquet path (refused before any connection): one line, exit 1."""
    db = tmp_path / "e.duckdb"
    shutil.copy(reference_db, db)
    proc = run("bench", "--role", "data-scientist", *args, db=db, env=env)
    assert proc.returncode == 1
    assert message in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, proc.stderr


def test_missing_pyspark_is_one_line(reference_db: Path, tmp_path: Path) -> None:
    """Without pyspark installed (its import blocked), --engine spark says how to get it."""
    db = tmp_path / "e.duckdb"
    shutil.copy(reference_db, db)
    blocked = ("-c", "import sys; sys.modules['pyspark'] = None; sys.modules['pyspark.sql'] = None; "
               "from paybench.cli import main; sys.argv[0] = 'paybench'; main()")
    proc = run("bench", "--role", "data-scientist", "--engine", "spark", db=db, python=blocked)
    assert proc.returncode == 1
    assert proc.stderr.strip() == ("error: --engine: the Spark engine needs pyspark: "
                                   "pip install 'paybench[spark]'")


def test_master_addresses() -> None:
    assert master_address("spark://h1:7077,h2") == [("h1", 7077), ("h2", 7077)]
    assert master_address("sc://localhost/;token=x") == [("localhost", 15002)]
    assert master_address("sc://[::1]:15003") == [("::1", 15003)]
    assert master_address("local[*]") == [] and master_address("yarn") == []
    assert loopback_master("spark://127.0.0.1:7077") and not loopback_master("spark://db1:7077")
    assert local_cores("local") == 1 and local_cores("local[3]") == 3 and local_cores("yarn") is None
    with pytest.raises(EngineError, match="names no host"):
        master_address("spark://")
    with pytest.raises(EngineError, match="unknown engine"):
        CellEngine("polars")
    check_parquet_reachable(CellEngine("spark", "yarn", "hdfs:///paybench/export"))
    with pytest.raises(EngineError, match="cannot read this machine's temporary files"):
        check_parquet_reachable(CellEngine("spark", "yarn"))
