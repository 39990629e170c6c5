"""The store: schema, one transaction per file, idempotence, quarantine, kill-midway."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from conftest import write_survey
from paybench.errors import InputError
from paybench.ingest import ingest_file
from paybench.store import FAULT_ENV, Store, StoreError

ROWS = [
    "2024,SE,FT,Machine Learning Engineer,200000,USD,200000,US,0,US,M",
    "2024,MI,FT,Data Scientist,150000,USD,150000,US,100,US,L",
    "2023,EN,FT,Data Analyst,70000,EUR,75500,DE,50,DE,S",
]


def counts(path: Path) -> dict[str, int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
                for t in ("ingests", "observations", "statistics", "oews", "quarantine")}
    finally:
        con.close()


def test_schema_created_and_status_empty(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        assert store.status().empty
        assert not store.has_source("aijobs")


def test_ingest_twice_adds_nothing(tmp_path: Path, fresh_db: Path) -> None:
    f = write_survey(tmp_path / "survey.csv", ROWS)
    with Store(fresh_db) as store:
        first = ingest_file(store, f)
        assert (first.rows_read, first.rows_kept, first.rows_quarantined) == (3, 3, 0)
        before = counts_in(store)
        second = ingest_file(store, f)
        assert second.already_ingested and second.ingest_id == first.ingest_id
        assert counts_in(store) == before


def counts_in(store: Store) -> tuple[int, int]:
    return (store.scalar("SELECT count(*) FROM observations"),
            store.scalar("SELECT count(*) FROM ingests"))


def test_failed_ingest_leaves_store_unchanged(tmp_path: Path, fresh_db: Path) -> None:
    before = counts(fresh_db)
    f = write_survey(tmp_path / "s.csv", ROWS)
    from paybench.sources import aijobs

    with (Store(fresh_db) as store, pytest.raises(RuntimeError),
          store.ingest_transaction("aijobs", str(f), "x" * 64, 1) as writer):
        aijobs.ingest(f, writer)
        writer.flush()
        assert writer.rows_kept == 3
        raise RuntimeError("boom")
    assert counts(fresh_db) == before


def test_kill_midway_leaves_store_as_before(tmp_path: Path, fresh_db: Path, shared_data: Path) -> None:
    """SIGKILL an ingest of the real 72k-row survey after 50,000 rows were written inside
    its transaction (the columnar survey writes straight into the store's file): the store
    must be exactly as before, and usable."""
    before = counts(fresh_db)
    env = {**os.environ, "PAYBENCH_DB": str(fresh_db), FAULT_ENV: "50000"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "paybench", "ingest", str(shared_data / "aijobs" / "salaries.csv")],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    assert proc.stderr is not None
    ready, _, _ = select.select([proc.stderr], [], [], 180)
    line = proc.stderr.readline().decode() if ready else ""
    assert "stalled after" in line, line
    assert int(line.split("stalled after")[1].split()[0]) >= 50_000  # rows written, uncommitted
    assert proc.poll() is None
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert counts(fresh_db) == before
    # the store still works, takes the file whole, and keeps no staging leftovers
    with Store(fresh_db) as store:
        result = ingest_file(store, shared_data / "aijobs" / "salaries.csv")
        assert result.rows_read > 70_000 and result.rows_kept > 0
        assert store.scalar("SELECT count(*) FROM observations WHERE source = 'aijobs'") == result.rows_kept
    assert not list(fresh_db.parent.glob(f"{fresh_db.name}.stage-*"))


def test_kill_midway_of_a_staged_ingest_leaves_store_as_before(fresh_db: Path, shared_data: Path) -> None:
    """The same for an ingest written row by row, whose rows go through a staging database
    (the survey by the row-by-row reference adapter, tests/rowwise): killed after its rows
    were staged, the store is as before and the next open removes the staging file."""
    before = counts(fresh_db)
    script = ("import sys; from pathlib import Path; sys.path.insert(0, sys.argv[3]); "
              "from rowwise import aijobs; from paybench.ingest import _ingest_once; "
              "from paybench.store import Store, file_sha256; p = Path(sys.argv[2]); "
              "store = Store(sys.argv[1]); _ingest_once(store, 'aijobs', str(p), file_sha256(p), "
              "p.stat().st_size, lambda w: aijobs.ingest(p, w, None))")
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(fresh_db), str(shared_data / "aijobs" / "salaries.csv"),
         str(Path(__file__).parent)],
        env={**os.environ, FAULT_ENV: "50000"}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    assert proc.stderr is not None
    ready, _, _ = select.select([proc.stderr], [], [], 180)
    line = proc.stderr.readline().decode() if ready else ""
    assert "stalled after" in line, line
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert counts(fresh_db) == before
    leftovers = list(fresh_db.parent.glob(f"{fresh_db.name}.stage-*"))
    with Store(fresh_db):
        pass
    assert leftovers, "the killed ingest wrote to a staging file"
    assert not list(fresh_db.parent.glob(f"{fresh_db.name}.stage-*"))


def test_unreadable_store_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "not-a-db.duckdb"
    bad.write_bytes(b"this is not a duckdb file at all" * 100)
    from paybench.errors import StoreError

    with pytest.raises(StoreError, match="cannot open store"):
        Store(bad)


def test_missing_file_is_input_error(fresh_db: Path, tmp_path: Path) -> None:
    with Store(fresh_db) as store, pytest.raises(InputError, match="no such file"):
        ingest_file(store, tmp_path / "nope.csv")


def test_store_from_an_older_version_gains_new_columns(tmp_path: Path) -> None:
    """A store written before a column existed is upgraded when opened (old rows NULL)."""
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE observations (source VARCHAR, annual_usd DOUBLE)")
    con.execute("INSERT INTO observations VALUES ('aijobs', 100000)")
    con.close()
    with Store(path) as store:
        cols = set(store.query("SELECT * FROM observations LIMIT 0").columns)
        assert {"years_experience", "dedup_key", "role"} <= cols
        assert store.scalar("SELECT count(*) FROM observations WHERE years_experience IS NULL") == 1


def test_a_store_path_with_an_apostrophe_takes_an_ingest(tmp_path: Path, reference_db: Path) -> None:
    """Issue 14, item 9: the staging database's path went unquoted into ATTACH, so a store
    under "O'Brien's data" failed every ingest."""
    folder = tmp_path / "O'Brien's data"
    folder.mkdir()
    db = folder / "it's.duckdb"
    db.write_bytes(reference_db.read_bytes())
    survey = write_survey(tmp_path / "s.csv", ["2025,MI,FT,Data Scientist,150000,USD,150000,US,0,US,M"])
    proc = subprocess.run([sys.executable, "-m", "paybench", "ingest", str(survey), "--db", str(db)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert counts(db)["observations"] == 1


def test_a_file_layout_is_named_once_per_ingest(tmp_path: Path) -> None:
    """`IngestWriter.read_as` puts one 'layout: ...' note first (a later call replaces it, a ';'
    cannot split it); `Store.file_layouts` reads it back per file, and ingests without one are
    not listed."""
    with Store(tmp_path / "l.duckdb") as store:
        for path, layouts in (("a.xlsx", ["first", "BLS OEWS workbook (metro; May 2024)"]), ("b.csv", [])):
            with store.ingest_transaction("oews", path, path, 1, staged=False) as writer:
                writer.notes.append("skipped 2: reasons")
                for layout in layouts:
                    writer.read_as(layout)
        notes = store.query("SELECT note FROM ingests ORDER BY ingest_id")["note"].tolist()
        assert notes == ["layout: BLS OEWS workbook (metro, May 2024); skipped 2: reasons",
                         "skipped 2: reasons"]
        assert store.file_layouts().to_dict("records") == [
            {"source": "oews", "path": "a.xlsx", "layout": "BLS OEWS workbook (metro, May 2024)"}]


def test_reading_a_store_that_does_not_exist_says_how_to_build_one(tmp_path: Path) -> None:
    """A read-only open of a missing file (offer, posting-check on a PAYBENCH_DB that is not
    there) is one line naming the path and the command that builds a store, not DuckDB's
    'IO Error ... database does not exist'."""
    missing = tmp_path / "nowhere" / "store.duckdb"
    with pytest.raises(StoreError, match=r"^no store at .*store\.duckdb: build one with "
                                         r"`paybench ingest --defaults`") as raised:
        Store(missing, read_only=True)
    assert "IO Error" not in str(raised.value) and not missing.exists()
    proc = subprocess.run([sys.executable, "-m", "paybench", "offer", "--base", "150000",
                           "--role", "software-engineer", "--level", "mid"],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PAYBENCH_DB": str(missing)})
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines() == [f"error: no store at {missing}: build one with "
                                                "`paybench ingest --defaults` (and your files), "
                                                "or point PAYBENCH_DB or --db at an existing store"]


# --------------------------------------------------------------------------- a changed file
DATA = Path(__file__).parent / "data"


def _csv_version(source: Path, target: Path, drop: int | None = None, extra: list[str] | None = None) -> Path:
    """A copy of a CSV fixture (records parsed, so multi-line fields stay whole) without its
    data record `drop` (0-based) and with `extra` records appended."""
    import csv

    with source.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    body = [r for i, r in enumerate(rows[1:]) if i != drop]
    body += [next(csv.reader([line])) for line in extra or []]
    with target.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([rows[0], *body])
    return target


def _contents(store: Store, source: str) -> dict[str, list[tuple[object, ...]]]:
    """What a source's rows hold, without ingest ids (which differ between stores)."""
    return {
        "observations": store.con.execute(
            "SELECT row_number, component, kind, role, level, annual_usd, dedup_key FROM observations "
            "WHERE source = ? ORDER BY ALL", [source]).fetchall(),
        "quarantine": store.con.execute(
            "SELECT row_number, reason, raw FROM quarantine WHERE source = ? ORDER BY ALL",
            [source]).fetchall(),
        "postings": store.con.execute(
            "SELECT row_number, dedup_key FROM postings WHERE source = ? ORDER BY ALL", [source]).fetchall(),
        "skills": store.con.execute(
            "SELECT dedup_key, skill FROM observation_skills WHERE source = ? ORDER BY ALL",
            [source]).fetchall(),
    }


LEVELS_BAD = ("8/20/2021 8:20:20,Google,L4,Software Engineer,90000,\"Mountain View, CA\",3,1,NA,120000,0,0,"
              "NA,NA,7322,807,99,0,0,0,0,0,0,0,0,0,0,NA,NA")  # total below base: quarantined


@pytest.mark.parametrize("source", ["aijobs", "levelsfyi", "postings"])
def test_a_changed_file_replaces_its_earlier_version(tmp_path: Path, fresh_db: Path, source: str) -> None:
    """Re-ingesting a file changed at the same path replaces its earlier version in one
    transaction (store.py, every adapter): the store then holds exactly what the new version
    alone gives (each of its bad rows quarantined once, none of the old version's), one file
    per path, and the status counts equal the rows in the tables."""
    first, second = tmp_path / "one", tmp_path / "two"
    first.mkdir()
    second.mkdir()
    name = {"aijobs": "salaries.csv", "levelsfyi": "levels.csv", "postings": "postings.csv"}[source]

    def write(folder: Path, version: int) -> Path:
        target = folder / name
        if source == "aijobs":  # a bad row in both versions (salary 0)
            bad = "2024,SE,FT,Machine Learning Engineer,0,USD,0,US,0,US,M"
            return write_survey(target, [*ROWS[version:], bad])
        if source == "levelsfyi":  # version 2: a row dropped, a new bad row
            return _csv_version(DATA / "levelsfyi_sample.csv", target, drop=None if version == 0 else 1,
                                extra=[] if version == 0 else [LEVELS_BAD])
        return _csv_version(DATA / "postings_adzuna_bad.csv", target, drop=None if version == 0 else 0)

    path = write(first, 0)
    alone = tmp_path / "alone.duckdb"
    alone.write_bytes(fresh_db.read_bytes())
    with Store(fresh_db) as store:
        one = ingest_file(store, path, source=source)
        assert one.rows_quarantined > 0 and one.rows_kept > 0
        write(second, 1).replace(path)  # the same path, changed content
        two = ingest_file(store, path, source=source)
        assert not two.already_ingested
        assert any(n.startswith("replaces an earlier version of this file") for n in two.notes)
        got = _contents(store, source)
        status = store.status().set_index("source").loc[source]
        assert (status["files"], status["rows_kept"], status["rows_quarantined"]) == (
            1, two.rows_kept, two.rows_quarantined)
        assert status["rows_quarantined"] == len(got["quarantine"]) == store.scalar(
            "SELECT count(*) FROM quarantine WHERE source = ?", [source])
        assert store.scalar("SELECT count(*) FROM ingests WHERE source = ?", [source]) == 1
        again = ingest_file(store, path, source=source)  # the current version: nothing changes
        assert again.already_ingested and _contents(store, source) == got
    with Store(alone) as store:
        only = ingest_file(store, path, source=source)
        assert (only.rows_kept, only.rows_quarantined, only.rows_skipped) == (
            two.rows_kept, two.rows_quarantined, two.rows_skipped)
        assert _contents(store, source) == got
    assert len(set(got["quarantine"])) == len(got["quarantine"])  # each bad row once


def test_kill_while_preparing_the_guide_leaves_the_ingest_whole(tmp_path: Path, fresh_db: Path) -> None:
    """`paybench ingest --prepare` SIGKILLed while it prepares the guide (after its transaction
    committed): the file is stored whole, the store opens, a cache file the kill cut short
    is never read (every cache is written to a temporary file and renamed, and keyed by the
    store's content), and the next ingest of the same file adds nothing and prepares."""
    from paybench.bench.cache import cache_key, cache_path, read_cached
    from paybench.guide.tables import cells_cache_path

    f = write_survey(tmp_path / "survey.csv", ROWS)
    env = {**os.environ, "PAYBENCH_DB": str(fresh_db), "PAYBENCH_HOME": str(tmp_path / "home"),
           "PAYBENCH_PROGRESS": "1"}  # the notice "preparing the guide" is shown as progress is
    proc = subprocess.Popen([sys.executable, "-m", "paybench", "ingest", "--prepare", str(f)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    seen = ""
    while "preparing the guide" not in seen:  # the ingest's progress bar comes first
        ready, _, _ = select.select([proc.stderr], [], [], 300)
        line = proc.stderr.readline().decode() if ready else ""
        assert line, seen
        seen += line
    assert proc.poll() is None
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    with Store(fresh_db, read_only=True) as store:
        assert store.scalar("SELECT count(*) FROM observations WHERE source = 'aijobs'") == 3
        model_file = cache_path(store)
        assert model_file is not None
        if model_file.exists():  # written whole before the kill, under this store's key
            assert read_cached(model_file, cache_key(store)) is not None
    again = subprocess.run([sys.executable, "-m", "paybench", "ingest", "--prepare", str(f)], env=env,
                           capture_output=True, text=True, timeout=900)
    assert again.returncode == 0, again.stderr
    assert "already ingested" in again.stdout and "guide prepared" in again.stdout
    with Store(fresh_db, read_only=True) as store:
        cells_file = cells_cache_path(store)
    assert cells_file is not None and cells_file.is_file()
