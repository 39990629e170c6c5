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
from paybench.store import FAULT_ENV, Store

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
