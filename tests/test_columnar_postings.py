"""The columnar postings adapter against the row-by-row reference (tests/rowwise/postings.py):
the same files ingested by each into its own real store must give identical observations,
observation_skills, postings, quarantine and ingest counts, row for row. Plus the parallel
text readers: results in order and equal to reading one text at a time, whatever the number
of workers, and no row lost when a worker dies."""

from __future__ import annotations

import datetime as dt
import os
import select
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import psutil
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paybench.errors import InputError
from paybench.ingest import _ingest_once, ingest_file
from paybench.normalize.parallel import WORKERS_ENV, Failed, WorkerPool, workers_setting
from paybench.normalize.pay_text import extract_pay, extract_pay_many
from paybench.normalize.skills import extract_skills, extract_skills_many
from paybench.sources import postings
from paybench.store import FAULT_ENV, Store, file_sha256
from rowwise import postings as reference

DATA = Path(__file__).parent / "data"
FIXTURES = [DATA / "postings_adzuna_bad.csv", DATA / "postings_adzuna.json", DATA / "postings_jobspy.csv",
            DATA / "postings.jsonl", DATA / "postings_glassdoor.csv", DATA / "postings_indeed_apify.json"]
TABLES = {
    "observations": "source, row_number, dedup_key",
    "observation_skills": "source, dedup_key, skill",
    "postings": "source, row_number, dedup_key",
    "quarantine": "source, row_number, reason",
}
INGEST_COLUMNS = ("source, path, file_sha256, file_bytes, rows_read, rows_kept, rows_quarantined, "
                  "rows_skipped, note")


@pytest.fixture(scope="module")
def real_file(shared_data: Path) -> Path:
    return shared_data / "postings" / "adzuna_uk_data_jobs_2026.csv"


@pytest.fixture(scope="module")
def pool() -> Iterator[WorkerPool]:
    """Two real worker processes, used for every batch however small."""
    with WorkerPool(2, min_parallel_items=0, chunk_items=8) as p:
        yield p


def ingest_with(db: Path, files: list[Path], fill: Callable[[Path, Any], None]) -> list[tuple[int, ...]]:
    """Ingest files in order into a store with an adapter's ingest; the counts of each."""
    out = []
    with Store(db) as store:
        for path in files:
            result = _ingest_once(store, "postings", str(path), file_sha256(path), path.stat().st_size,
                                  lambda writer, path=path: fill(path, writer))
            out.append((result.rows_read, result.rows_kept, result.rows_quarantined, result.rows_skipped))
    return out


def table(db: Path, name: str) -> pd.DataFrame:
    with Store(db, read_only=True) as store:
        frame = store.query(f"SELECT * EXCLUDE (ingest_id) FROM {name} WHERE source = 'postings' "
                            f"ORDER BY {TABLES[name]}")
    return frame.reset_index(drop=True)


def assert_same_stores(a: Path, b: Path) -> None:
    for name in TABLES:
        left, right = table(a, name), table(b, name)
        assert len(left) == len(right), name
        pd.testing.assert_frame_equal(left, right, check_exact=True, obj=name)
    with Store(a, read_only=True) as sa, Store(b, read_only=True) as sb:
        sql = f"SELECT {INGEST_COLUMNS} FROM ingests WHERE source = 'postings' ORDER BY ingest_id"
        pd.testing.assert_frame_equal(sa.query(sql), sb.query(sql), check_exact=True, obj="ingests")


def both(tmp_path: Path, reference_db: Path, files: list[Path],
         columnar: Callable[[Path, Any], None]) -> tuple[Path, Path, list[tuple[int, ...]]]:
    ref, col = tmp_path / "rowwise.duckdb", tmp_path / "columnar.duckdb"
    shutil.copy(reference_db, ref)
    shutil.copy(reference_db, col)
    counts = ingest_with(ref, files, lambda path, writer: reference.ingest(path, writer, None))
    assert ingest_with(col, files, columnar) == counts
    assert_same_stores(ref, col)
    return ref, col, counts


def test_real_file_identical_to_row_by_row(tmp_path: Path, reference_db: Path, real_file: Path,
                                           pool: WorkerPool) -> None:
    """The real Adzuna export, in batches of 97 rows (so duplicates cross batches), texts read
    by two worker processes."""
    _, col, counts = both(tmp_path, reference_db, [real_file], lambda path, writer: postings.ingest(
        path, writer, None, batch_rows=97, pool=pool))
    read, kept, quarantined, skipped = counts[0]
    assert read == 1241 and read == kept + quarantined + skipped and kept > 500
    with Store(col, read_only=True) as store:
        assert store.scalar("SELECT count(*) FROM observation_skills") > 5000
        assert store.scalar("SELECT count(*) FROM quarantine WHERE source = 'postings'") == quarantined


def test_real_file_one_batch_default_workers(tmp_path: Path, reference_db: Path, real_file: Path) -> None:
    """As `paybench ingest` runs it: one batch, PAYBENCH_WORKERS or the cores."""
    both(tmp_path, reference_db, [real_file], lambda path, writer: postings.ingest(path, writer, None))


def test_fixtures_with_bad_rows_identical(tmp_path: Path, reference_db: Path, pool: WorkerPool) -> None:
    """Small files with bad rows: the real file's layout (header copied from it) as CSV and as
    a JSON array, and the JobSpy CSV and JSON Lines; ingested one after another, so postings
    repeat across files; batches of 3 rows."""
    header = (DATA / "postings_adzuna_bad.csv").read_text(encoding="utf-8").split("\n", 1)[0]
    real_header = (Path(__file__).resolve().parents[2] / "shared" / "data" / "postings"
                   / "adzuna_uk_data_jobs_2026.csv").read_text(encoding="utf-8").split("\n", 1)[0]
    assert header == real_header
    _, col, counts = both(tmp_path, reference_db, FIXTURES, lambda path, writer: postings.ingest(
        path, writer, None, batch_rows=3, pool=pool))
    # the CSV has one posting whose only pay is Adzuna's estimate: kept, as kind 'estimated'
    assert counts[0] == (20, 10, 8, 2) and counts[1] == (12, 1, 4, 7)  # most JSON items repeat the CSV
    with Store(col, read_only=True) as store:
        reasons = store.query("SELECT row_number, reason FROM quarantine WHERE source = 'postings' "
                              "ORDER BY ingest_id, row_number")["reason"].tolist()
    for text in ("title is empty", "date_posted 'yesterday' is not a date", "created 'soon' is not a date",
                 "pay amount 'competitive' is not a number", "expected 13 fields, found 14",
                 "below the plausible minimum", "pay amount '5O000' is not a number",
                 "interval 'per sprint' is not", "item 5 is not a JSON object"):
        assert any(text in r for r in reasons), (text, reasons)


def test_mapped_columns_identical(tmp_path: Path, reference_db: Path, pool: WorkerPool) -> None:
    """A layout named with --map: pay text, a posted range, an estimate, a quarantined row."""
    path = tmp_path / "board.csv"
    path.write_text(
        "Position,Employer,City,Pay,Details,Posted\n"
        "Senior Data Scientist,Acme,\"Denver, CO\",\"$150,000 - $170,000 a year\",Python and SQL.,"
        "2025-05-02\n"
        "Data Analyst,Initech,\"Austin, TX\",$60K-$80K (Glassdoor est.),Excel.,2025-05-02\n"
        "Data Analyst,Initrode,\"Austin, TX\",$60K-$80K (Glassdoor est.),\"Pay: $70,000 a year.\","
        "2025-05-02\n"
        "Data Engineer,Globex,\"Austin, TX\",,Spark and Airflow.,someday\n", encoding="utf-8")
    spec = "title=Position,company=Employer,location=City,pay=Pay,description=Details,date=Posted"
    (tmp_path / "run").mkdir()
    ref, col = tmp_path / "run" / "rowwise.duckdb", tmp_path / "run" / "columnar.duckdb"
    shutil.copy(reference_db, ref)
    shutil.copy(reference_db, col)
    counts = ingest_with(ref, [path], lambda p, writer: reference.ingest(p, writer, None, columns=spec))
    assert ingest_with(col, [path], lambda p, writer: postings.ingest(
        p, writer, None, batch_rows=2, pool=pool, columns=spec)) == counts == [(4, 3, 1, 0)]
    assert_same_stores(ref, col)
    with Store(col, read_only=True) as store:
        kinds = store.query("SELECT employer, kind FROM observations WHERE source = 'postings' ORDER BY 1")
    assert kinds.values.tolist() == [["Acme", "posted"], ["Initech", "estimated"], ["Initrode", "posted"]]


def test_second_ingest_adds_nothing(tmp_path: Path, reference_db: Path, real_file: Path) -> None:
    db = tmp_path / "s.duckdb"
    shutil.copy(reference_db, db)
    with Store(db) as store:
        first = ingest_file(store, real_file)
        again = ingest_file(store, real_file)
        assert not first.already_ingested and again.already_ingested
        assert store.scalar("SELECT count(*) FROM ingests WHERE source = 'postings'") == 1
    # the same postings in another file (another hash) are all duplicates
    copy = tmp_path / "copy.csv"
    copy.write_bytes(real_file.read_bytes() + b"\n")
    with Store(db) as store:
        before = store.scalar("SELECT count(*) FROM postings")
        result = ingest_file(store, copy)
        assert result.rows_kept == 0 and store.scalar("SELECT count(*) FROM postings") == before
        assert result.rows_skipped == result.rows_read - result.rows_quarantined


def test_kill_midway_leaves_store_as_before_and_no_workers(tmp_path: Path, reference_db: Path,
                                                           real_file: Path) -> None:
    """SIGKILL `paybench ingest` of the real file (two text workers) once rows are written
    inside its transaction: the store is as before, no worker process outlives it, and the
    next ingest lands the file whole."""
    db = tmp_path / "s.duckdb"
    shutil.copy(reference_db, db)
    env = {**os.environ, "PAYBENCH_DB": str(db), FAULT_ENV: "100", WORKERS_ENV: "2"}
    proc = subprocess.Popen([sys.executable, "-m", "paybench", "ingest", str(real_file)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    ready, _, _ = select.select([proc.stderr], [], [], 300)
    line = proc.stderr.readline().decode() if ready else ""
    assert "stalled after" in line, line
    family = psutil.Process(proc.pid).children(recursive=True)
    assert family, "the ingest started its text workers"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    _gone, alive = psutil.wait_procs(family, timeout=30)
    assert not alive, alive
    with Store(db) as store:
        assert store.scalar("SELECT count(*) FROM postings") == 0
        assert store.scalar("SELECT count(*) FROM observations WHERE source = 'postings'") == 0
        result = ingest_file(store, real_file)
        assert result.rows_read == 1241 and result.rows_kept > 500
    assert not list(db.parent.glob(f"{db.name}.stage-*"))


def test_a_worker_killed_midway_loses_no_row(tmp_path: Path, reference_db: Path, real_file: Path) -> None:
    """A text worker SIGKILLed while the real file is being read: its texts are read again by
    fresh workers and the store is still identical to the row-by-row one."""
    killed: list[int] = []

    def workers_of_forkserver() -> list[psutil.Process]:
        found = []
        for server in psutil.Process().children():
            try:
                if "forkserver" in " ".join(server.cmdline()):
                    found.extend(server.children())
            except psutil.Error:  # ended meanwhile
                continue
        return found

    others = {w.pid for w in workers_of_forkserver()}  # other pools' workers (this module's fixture)

    def kill_first_worker(stop: threading.Event) -> None:
        while not stop.is_set():
            workers = [w for w in workers_of_forkserver() if w.pid not in others]
            if workers:
                time.sleep(0.5)  # let it start reading
                workers[0].send_signal(signal.SIGKILL)
                killed.append(workers[0].pid)
                return
            time.sleep(0.02)

    stop = threading.Event()
    killer = threading.Thread(target=kill_first_worker, args=(stop,), daemon=True)
    with WorkerPool(2, min_parallel_items=0, chunk_items=4) as own:
        killer.start()
        try:
            both(tmp_path, reference_db, [real_file],
                 lambda path, writer: postings.ingest(path, writer, None, pool=own))
        finally:
            stop.set()
            killer.join()
        assert killed and own.worker_deaths >= 1


UNGUARDED = """
import sys
from pathlib import Path
from paybench.ingest import ingest_file
from paybench.store import Store
with Store(sys.argv[1]) as store:
    result = ingest_file(store, Path(sys.argv[2]))
print(result.rows_read, result.rows_kept, result.rows_quarantined, result.rows_skipped)
print("; ".join(result.notes))
"""


def test_a_script_without_main_guard_still_ingests(tmp_path: Path, reference_db: Path,
                                                   real_file: Path) -> None:
    """A user's script that calls paybench at its top level: every worker runs the script
    again and dies (it cannot open the store the script holds). The ingest notices, reads
    the texts in its own process, lands the same rows and says why in a note."""
    script = tmp_path / "unguarded.py"
    script.write_text(UNGUARDED, encoding="utf-8")
    db, expected = tmp_path / "s.duckdb", tmp_path / "e.duckdb"
    shutil.copy(reference_db, db)
    shutil.copy(reference_db, expected)
    env = {**os.environ, WORKERS_ENV: "2"}
    proc = subprocess.run([sys.executable, str(script), str(db), str(real_file)], env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    counts, notes = proc.stdout.strip().splitlines()
    assert "texts read in the ingesting process: worker processes could not start" in notes
    with Store(expected) as store:
        result = ingest_file(store, real_file)
    assert counts == f"{result.rows_read} {result.rows_kept} {result.rows_quarantined} {result.rows_skipped}"
    for name in TABLES:
        pd.testing.assert_frame_equal(table(db, name), table(expected, name), check_exact=True, obj=name)


# --------------------------------------------------------------------------- the worker pool

def crash_on_marker(text: str) -> int:
    """A reader that dies on one text (its process exits at once) and raises on another."""
    if "KILL-ME" in text:
        os._exit(7)
    if "RAISE-ME" in text:
        raise ValueError("cannot read\nthis")
    return len(text)


def test_pool_dead_worker_and_exception_are_failed_values(pool: WorkerPool) -> None:
    items = [f"text {i}" for i in range(40)] + ["KILL-ME", "RAISE-ME"] + [f"more {i}" for i in range(40)]
    deaths = pool.worker_deaths
    got = pool.map(crash_on_marker, items)
    assert len(got) == len(items)
    assert got[40] == Failed("the worker process reading it died (killed, out of memory or crashed)")
    assert got[41] == Failed("ValueError: cannot read this")
    assert [g for n, g in enumerate(got) if n not in (40, 41)] == [
        len(t) for n, t in enumerate(items) if n not in (40, 41)]
    assert pool.worker_deaths > deaths
    assert pool.map(crash_on_marker, ["after", "a death"]) == [5, 7]  # the pool works on


def test_pool_in_process_below_threshold_and_same_failures() -> None:
    with WorkerPool(2) as p:
        assert not p.uses_workers(10) and p.uses_workers(2 * 256)
        assert p.map(crash_on_marker, ["ab", "RAISE-ME"]) == [2, Failed("ValueError: cannot read this")]
        assert p._executor is None  # no process was started


def test_workers_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(WORKERS_ENV, "3")
    assert workers_setting() == 3
    monkeypatch.setenv(WORKERS_ENV, " ")
    assert workers_setting() == len(os.sched_getaffinity(0))
    for bad in ("0", "-1", "two", "1.5"):
        monkeypatch.setenv(WORKERS_ENV, bad)
        with pytest.raises(InputError, match=WORKERS_ENV):
            workers_setting()


def test_bad_workers_setting_is_one_line_error(tmp_path: Path, reference_db: Path, real_file: Path) -> None:
    db = tmp_path / "s.duckdb"
    shutil.copy(reference_db, db)
    env = {**os.environ, "PAYBENCH_DB": str(db), WORKERS_ENV: "lots"}
    proc = subprocess.run([sys.executable, "-m", "paybench", "ingest", str(real_file)], env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines() == [
        f"error: {WORKERS_ENV}: {WORKERS_ENV}='lots' is not a whole number of processes >= 1"]


PHRASES = [
    "$150,000 - $200,000 a year", "USD 180K-240K", "$60-$75/hr", "CA$140k", "€55.000 brutto/Jahr",
    "OTE $250k", "up to £70,000 per annum", "We have 10,000 users", "401(k) match", "", "  ",
    "Salary: 12,00,000 INR per annum", "£400 - £500 per day", "no pay here", "$30+ billion business",
]
texts = st.lists(st.one_of(st.sampled_from(PHRASES), st.text(max_size=80),
                           st.builds(lambda a, b: f"{a} and {b}", st.sampled_from(PHRASES),
                                     st.sampled_from(PHRASES))), max_size=40)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=texts, day=st.dates(dt.date(2005, 1, 1), dt.date(2025, 12, 31)),
       currency=st.sampled_from(["USD", "GBP", "EUR", "INR"]))
def test_batch_extraction_with_workers_equals_one_at_a_time(pool: WorkerPool, batch: list[str],
                                                            day: dt.date, currency: str) -> None:
    got = extract_pay_many(batch, on=day, default_currency=currency, pool=pool)
    assert got == [extract_pay(t, on=day, default_currency=currency) for t in batch]
    skills = extract_skills_many([t + " Python, SQL and Kubernetes required" for t in batch], pool=pool)
    assert skills == [extract_skills(t + " Python, SQL and Kubernetes required") for t in batch]


def test_batch_extraction_per_text_dates_and_errors(pool: WorkerPool) -> None:
    days = [dt.date(2020, 1, 2), dt.date(2024, 6, 3)]
    got = extract_pay_many(["€60k a year", "€60k a year"], on=days, pool=pool)
    assert got == [extract_pay("€60k a year", on=d) for d in days] and got[0] != got[1]
    with pytest.raises(ValueError, match="on: 1 values for 2 texts"):
        extract_pay_many(["a", "b"], on=[dt.date(2020, 1, 2)], pool=pool)
    from paybench.errors import MoneyError

    with pytest.raises(MoneyError):
        extract_pay_many(["$1"], default_currency="XXQ", pool=pool)


YEAR_PIECES = ["5+ years of experience", "3-5 yrs", "minimum of", "two", "Years", "YRS", "year\u017f", "exp.",
               "experience", " ", "\n", ".", "at least 7", "401(k) after 3 years", "10", "plus"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(YEAR_PIECES) | st.text(max_size=5), max_size=20).map(" ".join))
def test_years_of_experience_as_the_row_by_row_adapter_read_them(text: str) -> None:
    from paybench.normalize.experience import extract_years_experience, years_from_range

    assert extract_years_experience(text) == reference.extract_years_experience(text)
    assert years_from_range(text) == reference._years_from_range(text)
