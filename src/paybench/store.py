"""The DuckDB store: schema, transactional ingest, quarantine and status.

One file holds everything. An ingest is one transaction: a file lands whole or not at
all; a file already ingested (same source, same SHA-256) adds nothing; rows that cannot
be used land in `quarantine` with their reason. Money columns are annual US dollars.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import re
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from paybench.errors import StoreError
from paybench.paths import cache_dir, default_db_path
from paybench.records import Observation, Rejected, Statistic

SCHEMA_VERSION = 1

LAYOUT_NOTE = "layout: "
"""How an ingest's note names the layout its file was read as ("layout: BLS OEWS workbook
(national, May 2020)"): `IngestWriter.read_as` writes it, `Store.file_layouts` reads it."""

OBSERVATION_COLUMNS: dict[str, str] = {
    "ingest_id": "INTEGER",
    "source": "VARCHAR",
    "file_sha256": "VARCHAR",
    "row_number": "BIGINT",
    "citation": "VARCHAR",
    "kind": "VARCHAR",
    "observed_on": "DATE",
    "raw_title": "VARCHAR",
    "role": "VARCHAR",
    "role_confidence": "DOUBLE",
    "level": "VARCHAR",
    "level_basis": "VARCHAR",
    "country": "VARCHAR",
    "state": "VARCHAR",
    "metro": "VARCHAR",
    "work_mode": "VARCHAR",
    "employment_type": "VARCHAR",
    "company_size": "VARCHAR",
    "industry": "VARCHAR",
    "employer": "VARCHAR",
    "component": "VARCHAR",
    "currency": "VARCHAR",
    "period": "VARCHAR",
    "amount_raw": "DOUBLE",
    "amount_raw_max": "DOUBLE",
    "annual_usd": "DOUBLE",
    "annual_usd_min": "DOUBLE",
    "annual_usd_max": "DOUBLE",
    "top_coded": "BOOLEAN",
    "weight": "DOUBLE",
    "dedup_key": "VARCHAR",
    "years_experience": "DOUBLE",
    # filled by the writer at ingest from employer + industry (paybench.normalize.segments);
    # new columns go last: a store written by an older paybench gets them appended
    "segment": "VARCHAR",
    "segment_sector": "VARCHAR",
}

SKILL_COLUMNS: dict[str, str] = {
    "ingest_id": "INTEGER",
    "source": "VARCHAR",
    "dedup_key": "VARCHAR",  # the observation's dedup_key
    "skill": "VARCHAR",  # skill taxonomy id
    "requirement": "VARCHAR",  # required, preferred or NULL
}

POSTING_COLUMNS: dict[str, str] = {
    # every job posting read (with or without posted pay); its pay, if any, is in
    # observations (kind 'posted') and its skills in observation_skills, by dedup_key
    "ingest_id": "INTEGER",
    "source": "VARCHAR",
    "file_sha256": "VARCHAR",
    "row_number": "BIGINT",
    "dedup_key": "VARCHAR",
    "observed_on": "DATE",
    "site": "VARCHAR",
    "job_url": "VARCHAR",
    "raw_title": "VARCHAR",
    "role": "VARCHAR",
    "level": "VARCHAR",
    "employer": "VARCHAR",
    "industry": "VARCHAR",
    "company_size": "VARCHAR",
    "country": "VARCHAR",
    "state": "VARCHAR",
    "metro": "VARCHAR",
    "work_mode": "VARCHAR",
    "employment_type": "VARCHAR",
    "years_experience": "DOUBLE",
    "has_pay": "BOOLEAN",
    "pay_source": "VARCHAR",  # structured (the file's pay columns) or text (a pay text or the description)
    "pay_estimated": "BOOLEAN",  # its pay is the board's estimate (observation kind 'estimated'), not posted
    "segment": "VARCHAR",  # as in observations
    "segment_sector": "VARCHAR",
}

STATISTIC_COLUMNS: dict[str, str] = {
    "ingest_id": "INTEGER",
    "source": "VARCHAR",
    "file_sha256": "VARCHAR",
    "row_number": "BIGINT",
    "citation": "VARCHAR",
    "kind": "VARCHAR",
    "published_on": "DATE",
    "role": "VARCHAR",
    "soc_code": "VARCHAR",
    "level": "VARCHAR",
    "country": "VARCHAR",
    "state": "VARCHAR",
    "metro": "VARCHAR",
    "work_mode": "VARCHAR",
    "stat": "VARCHAR",
    "annual_usd": "DOUBLE",
    "period": "VARCHAR",
    "amount_raw": "DOUBLE",
    "weight": "DOUBLE",
    "note": "VARCHAR",
    "component": "VARCHAR",
    "employment_type": "VARCHAR",
    "qualifier": "VARCHAR",
    "figure_id": "VARCHAR",
    "group_key": "VARCHAR",
}

OEWS_COLUMNS: dict[str, str] = {
    "ingest_id": "INTEGER",
    "release": "VARCHAR",  # e.g. '2025A01' (May 2025)
    "reference_date": "DATE",  # the survey's reference month, e.g. 2025-05-15
    "area_code": "VARCHAR",  # 7-digit BLS area code
    "area_type": "VARCHAR",  # N, S, M
    "area_name": "VARCHAR",
    "state_fips": "VARCHAR",
    "cbsa": "VARCHAR",  # 5-digit CBSA for metros, else NULL
    "industry_code": "VARCHAR",  # 6 characters, '000000' = cross-industry
    "soc_code": "VARCHAR",  # '15-1252'
    "employment": "DOUBLE",
    "employment_rse": "DOUBLE",  # percent
    "wage_rse": "DOUBLE",  # percent
    "mean_annual": "DOUBLE",
    "p10_annual": "DOUBLE",
    "p25_annual": "DOUBLE",
    "p50_annual": "DOUBLE",
    "p75_annual": "DOUBLE",
    "p90_annual": "DOUBLE",
    "mean_hourly": "DOUBLE",
    "p50_hourly": "DOUBLE",
    "jobs_per_1000": "DOUBLE",
    "location_quotient": "DOUBLE",
    "top_coded": "BOOLEAN",  # any percentile at the BLS top code (footnote 5)
}

QUARANTINE_COLUMNS: dict[str, str] = {
    "ingest_id": "INTEGER",
    "source": "VARCHAR",
    "row_number": "BIGINT",
    "reason": "VARCHAR",
    "raw": "VARCHAR",
}

INGEST_COLUMNS: dict[str, str] = {
    "ingest_id": "INTEGER PRIMARY KEY",
    "source": "VARCHAR NOT NULL",
    "path": "VARCHAR",
    "file_sha256": "VARCHAR NOT NULL",
    "file_bytes": "BIGINT",
    "started_at": "TIMESTAMP",
    "finished_at": "TIMESTAMP",
    "rows_read": "BIGINT",
    "rows_kept": "BIGINT",
    "rows_quarantined": "BIGINT",
    "rows_skipped": "BIGINT",
    "note": "VARCHAR",
}

SUBMISSION_REVIEW_COLUMNS: dict[str, str] = {
    "review_id": "BIGINT",
    "received_at": "TIMESTAMP",
    "status": "VARCHAR",  # pending, approved, rejected
    "reason": "VARCHAR",  # why it was held back
    "record": "VARCHAR",  # the submission's observations as JSON (paybench.submissions)
    "decided_at": "TIMESTAMP",
}
"""Submissions held back as outliers: they stay out of `observations` until approved."""

TABLES: dict[str, dict[str, str]] = {
    "ingests": INGEST_COLUMNS,
    "observations": OBSERVATION_COLUMNS,
    "statistics": STATISTIC_COLUMNS,
    "oews": OEWS_COLUMNS,
    "quarantine": QUARANTINE_COLUMNS,
    "observation_skills": SKILL_COLUMNS,
    "submission_review": SUBMISSION_REVIEW_COLUMNS,
    "postings": POSTING_COLUMNS,
}

DEDUP_KEYS: dict[str, tuple[str, ...]] = {
    "observations": ("source", "dedup_key"),
    "observation_skills": ("source", "dedup_key", "skill"),
}
"""What makes a row the same row, for ingests that store each record once (postings, LCA)."""

INGEST_MEMORY_LIMIT = "128MB"
"""DuckDB's memory limit while a file is staged and copied in (it spills beyond it)."""

QUERY_MEMORY_LIMIT = "1GB"
"""DuckDB's memory limit on every store connection (its default is 80% of the machine's
RAM). Beyond it a query spills to `cache_dir()/duckdb-spill`; measured: building every guide
cell from 10,000,000 survey rows then peaks near 1.3 GiB RSS instead of growing with the
store (docs/measurements.md, "Issue 15 — columnar ingest (survey)")."""

SEGMENT_TABLES: tuple[str, ...] = ("observations", "postings")
"""The tables whose rows carry an employer, an industry and the segment they decide."""

SEGMENT_RULES_KEY = "segment_rules"
"""The meta key holding the version of the segment rules the stored rows were filled under
(`paybench.normalize.segments.rules_version`)."""

FAULT_ENV = "PAYBENCH_FAULT_AFTER_ROWS"
"""Test hook: an ingest stalls (sleeps) once this many rows are written inside its
transaction, so a test can kill the process midway and check the store is unchanged."""


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes (hex), read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class IngestResult:
    """What one ingest did: rows read, kept, quarantined and skipped (with why)."""

    source: str
    path: str
    file_sha256: str
    ingest_id: int | None = None
    already_ingested: bool = False
    rows_read: int = 0
    rows_kept: int = 0
    rows_quarantined: int = 0
    rows_skipped: int = 0
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


DUCKDB_MAGIC = b"DUCK"
"""A DuckDB database file carries these bytes at offset 8 of its header."""


def _check_store_file(path: Path) -> None:
    """A store path must be a DuckDB file or not exist yet. DuckDB opens some other files (a
    .csv, a .parquet) as read-only data, which would silently stand in for an empty store."""
    if path.is_dir():
        raise StoreError(f"cannot open store {path}: it is a directory")
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb") as handle:
        header = handle.read(12)
    if header[8:12] != DUCKDB_MAGIC:
        raise StoreError(f"cannot open store {path}: not a DuckDB database file")


class Store:
    """A paybench store in one DuckDB file (or ':memory:')."""

    def __init__(self, path: Path | str | None = None, *, read_only: bool = False,
                 wait_seconds: float = 0.0) -> None:
        """Open (or create) the store. `read_only`: a shared read connection (many processes
        may hold one at once, none while a writer does). `wait_seconds`: how long to wait,
        retrying, while another process holds the file. StoreError when it cannot be opened,
        naming the process that holds it."""
        self.path = Path(path) if path is not None else default_db_path()
        self.read_only = read_only
        if str(self.path) != ":memory:":
            _check_store_file(self.path)
            if not read_only:
                self.path.parent.mkdir(parents=True, exist_ok=True)
        self.con = _connect(self.path, read_only, wait_seconds)
        if not read_only:
            self._create_schema()
            self._refresh_segments()
            self._remove_stale_stages()

    def close(self) -> None:
        """Close the connection."""
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _create_schema(self) -> None:
        """Create missing tables, and add the columns a newer paybench defines to the
        tables of a store written by an older one (new columns are NULL in old rows)."""
        for table, columns in TABLES.items():
            cols = ", ".join(f"{name} {kind}" for name, kind in columns.items())
            self.con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({cols})")
            have = {row[0] for row in self.con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                "AND table_schema = 'main' AND table_catalog = current_database()", [table]
            ).fetchall()}
            for name, kind in columns.items():
                if name not in have:
                    plain = kind.replace("PRIMARY KEY", "").replace("NOT NULL", "").strip()
                    self.con.execute(f"ALTER TABLE {table} ADD COLUMN {name} {plain}")
        self.con.execute("CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
        self.con.execute(
            "INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)]
        )

    # ------------------------------------------------------------------ segments
    def segments_current(self) -> bool:
        """True when the stored employers and segments were filled under the rules of this
        paybench (`paybench.normalize.segments.rules_version`). A writable open makes them
        so; a store opened read-only keeps what it has (rows of an older paybench: segment
        NULL) until then."""
        from paybench.normalize.segments import rules_version

        return self._segment_version() == rules_version()

    def segment_rules_version(self) -> str | None:
        """The version of the segment rules the stored rows' employers and segments were filled
        under (`paybench.normalize.segments.rules_version`; None: never filled)."""
        return self._segment_version()

    def _segment_version(self) -> str | None:
        try:
            found = self.scalar("SELECT value FROM meta WHERE key = ?", [SEGMENT_RULES_KEY])
        except duckdb.CatalogException:  # a store older than the meta table
            return None
        return str(found) if found is not None else None

    def _refresh_segments(self) -> None:
        """Fill the employer (canonical display form) and segment of every stored row when
        the rules changed since they were filled, or were never filled (rows ingested before
        segments existed): one transaction, per distinct (employer, industry) pair."""
        from paybench.normalize.segments import rules_version

        version = rules_version()
        if self._segment_version() == version:
            return
        self.con.execute("BEGIN TRANSACTION")
        try:
            fill_segments(self.con, SEGMENT_TABLES, "TRUE")
            self.con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [SEGMENT_RULES_KEY, version])
            self.con.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(duckdb.Error):
                self.con.execute("ROLLBACK")
            raise

    # ------------------------------------------------------------------ queries
    def query(self, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
        """Run a read query and return a DataFrame."""
        return self.con.execute(sql, params or []).df()

    def scalar(self, sql: str, params: list[Any] | None = None) -> Any:
        """Run a query and return the first column of its first row (None if no row)."""
        rows = self.con.execute(sql, params or []).fetchall()
        return rows[0][0] if rows else None

    def has_source(self, source: str) -> bool:
        """True when at least one ingest of this source id is stored."""
        return bool(self.scalar("SELECT count(*) FROM ingests WHERE source = ?", [source]))

    def find_ingest(self, source: str, sha256: str) -> int | None:
        """The ingest id of this exact file for this source, if already stored."""
        found = self.scalar(
            "SELECT ingest_id FROM ingests WHERE source = ? AND file_sha256 = ?", [source, sha256]
        )
        return int(found) if found is not None else None

    def earlier_versions(self, source: str, path: Path) -> list[int]:
        """The ingest ids of earlier versions of the file at `path` for this source: ingests
        of another content (SHA-256) whose recorded path names the same file (compared
        resolved; a relative path recorded earlier is resolved against the current
        directory). Only files a user ingested by path: labels of embedded data
        ("paybench:...") and API submissions ("api:...") are never versions of a file."""
        try:
            target = path.resolve()
        except OSError:
            return []
        found = []
        for ingest_id, recorded in self.con.execute(
                "SELECT ingest_id, path FROM ingests WHERE source = ? AND path IS NOT NULL "
                "ORDER BY ingest_id", [source]).fetchall():
            if re.match(r"^[a-z]+:(?![\\/])", str(recorded)):  # "paybench:data/...", "api:submission"
                continue
            try:
                same = Path(str(recorded)).resolve() == target
            except OSError:
                continue
            if same:
                found.append(int(ingest_id))
        return found

    def status(self) -> pd.DataFrame:
        """Per source: files, rows kept and quarantined, and the last ingest time."""
        return self.query(
            """
            SELECT source, count(*) AS files, sum(rows_read) AS rows_read,
                   sum(rows_kept) AS rows_kept, sum(rows_quarantined) AS rows_quarantined,
                   sum(rows_skipped) AS rows_skipped, max(finished_at) AS last_ingest
            FROM ingests GROUP BY source ORDER BY source
            """
        )

    def file_layouts(self) -> pd.DataFrame:
        """Each ingested file whose adapter named the layout it read the file as: columns
        source, path, layout (in ingest order)."""
        frame = self.query(
            "SELECT source, path, note FROM ingests WHERE note LIKE ? ORDER BY ingest_id",
            [f"%{LAYOUT_NOTE}%"])
        pattern = re.compile(rf"(?:^|; ){re.escape(LAYOUT_NOTE)}([^;]*)")
        frame["layout"] = [(m.group(1).strip() if (m := pattern.search(str(n))) else None)
                           for n in frame["note"]]
        return frame.loc[frame["layout"].notna(), ["source", "path", "layout"]].reset_index(drop=True)

    # ------------------------------------------------------------------ ingest
    @contextmanager
    def ingest_transaction(
        self, source: str, path: str, sha256: str, file_bytes: int, *, staged: bool = True,
        bulk: bool = False, replaces: Iterable[int] = (),
    ) -> Iterator[IngestWriter]:
        """One ingest of one file: it lands whole (commit) or not at all (any error).

        `replaces`: the ingest ids of earlier versions of this file (`earlier_versions`): in
        the same transaction, every row they stored (observations, their skills, postings,
        statistics, OEWS cells, quarantined rows) and their ingest records are removed
        (`remove_ingests`), so the store holds the current version of a file once, its bad
        rows quarantined once. While the file is read (outside the transaction when staged)
        those rows are still in the store: an adapter that reads stored rows (to skip repeats)
        reads them through `IngestWriter.kept` so that rows of the version being replaced do
        not count.

        staged=True (files read row by row): rows are written in batches to a staging database
        beside the store, outside any transaction, and copied into the store in one
        transaction at the end (the final INSERT ... SELECT streams). A killed ingest leaves
        only a staging file, which the next open of the store removes. staged=False (a handful
        of rows, e.g. one submission): everything happens inside one transaction.

        bulk=True (a columnar adapter, `COLUMNAR = True`, writing a batch at a time with
        `IngestWriter.add_arrow`): no staging copy; the batches go straight into
        the store inside the one transaction, which is opened first. DuckDB writes a large
        transaction's rows to the database file as row groups fill ("optimistic writes"), so
        memory stays bounded by INGEST_MEMORY_LIMIT, not by the file (measured with DuckDB
        2.0: eight INSERTs of 1,000,000 rows in one transaction peak at 200 MB RSS), and a
        killed ingest leaves nothing: the blocks it wrote belong to no checkpoint. This saves
        writing every row twice.
        """
        ingest_id = int(self.scalar("SELECT coalesce(max(ingest_id), 0) + 1 FROM ingests"))
        limit = self.scalar("SELECT current_setting('memory_limit')")
        if staged or bulk:  # DuckDB caches pages up to its memory limit: cap it while streaming
            self.con.execute(f"SET memory_limit = '{INGEST_MEMORY_LIMIT}'")
        stage = self._attach_stage() if staged and not bulk else None
        replaced = sorted({int(i) for i in replaces})
        if stage is None:
            self.con.execute("BEGIN TRANSACTION")
        try:
            writer = IngestWriter(self, ingest_id, source, sha256, stage=stage, replaces=replaced)
            # the employers of the rows a new version of a file replaces: their segment is
            # decided again without those rows
            removed = self._employers_of(replaced)
            if stage is None and replaced:  # one transaction from the start: gone at once
                writer.notes.append(self.remove_ingests(replaced))
            started = dt.datetime.now()
            yield writer
            writer.flush()
            new_rows = f"ingest_id = {int(ingest_id)}"
            if stage is not None:  # the staged rows' employers and segments, before they land
                fill_segments(self.con, [f"{stage}.{t}" for t in SEGMENT_TABLES], new_rows,
                              pool=SEGMENT_TABLES)
                self.con.execute("BEGIN TRANSACTION")
                if replaced:
                    writer.notes.append(self.remove_ingests(replaced))
            for statement, params in writer.on_commit:
                self.con.execute(statement, params)
            if stage is not None:
                for table in TABLES:
                    if table != "ingests":
                        self._land(stage, table, writer)
            # every adapter's employers and segments, in one place: the new rows, and the stored
            # rows of the same employers, from every source, whose one segment they change
            fill_segments(self.con, SEGMENT_TABLES, new_rows, employers=removed)
            self.con.execute(
                "INSERT INTO ingests VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [ingest_id, source, path, sha256, file_bytes, started, dt.datetime.now(),
                 writer.rows_read, writer.rows_kept, writer.rows_quarantined,
                 writer.rows_skipped, "; ".join(writer.notes) or None],
            )
            self.con.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(duckdb.Error):  # no transaction open: failed while staging
                self.con.execute("ROLLBACK")
            raise
        finally:
            if stage is not None:
                self._detach_stage(stage)
            self.con.execute(f"SET memory_limit = '{limit}'")

    def _employers_of(self, ingest_ids: Sequence[int]) -> list[str | None]:
        """The distinct employers stored by these ingests (observations and postings)."""
        if not ingest_ids:
            return []
        marks = ", ".join("?" for _ in ingest_ids)
        return [e for t in SEGMENT_TABLES for (e,) in self.con.execute(
            f"SELECT DISTINCT employer FROM {t} WHERE ingest_id IN ({marks})", list(ingest_ids)).fetchall()]

    def remove_ingests(self, ingest_ids: Iterable[int]) -> str:
        """Delete every row the given ingests stored (each table's rows with their ingest_id)
        and their ingest records; the caller holds the transaction. Returns the note an
        ingest that replaces them adds ("replaces an earlier version of this file (ingest 3:
        47 rows kept, 5 quarantined): its rows removed")."""
        ids = sorted({int(i) for i in ingest_ids})
        if not ids:
            return ""
        marks = ", ".join("?" for _ in ids)
        gone = self.con.execute(
            f"SELECT ingest_id, rows_kept, rows_quarantined FROM ingests WHERE ingest_id IN ({marks}) "
            "ORDER BY ingest_id", ids).fetchall()
        for table, columns in TABLES.items():
            if "ingest_id" in columns:
                self.con.execute(f"DELETE FROM {table} WHERE ingest_id IN ({marks})", ids)
        what = "; ".join(f"ingest {i}: {kept or 0:,} rows kept, {bad or 0:,} quarantined"
                         for i, kept, bad in gone)
        versions = "an earlier version" if len(gone) == 1 else f"{len(gone)} earlier versions"
        return f"replaces {versions} of this file ({what}): its rows removed"

    def _land(self, stage: str, table: str, writer: IngestWriter) -> None:
        """Copy a staged table into the store. With unique_dedup, observations (and their
        skills) whose (source, dedup_key) is stored already or repeats are dropped here, in
        one pass, and the writer's counts are corrected."""
        keys = DEDUP_KEYS.get(table)
        if not writer.unique_dedup or keys is None:
            self.con.execute(f"INSERT INTO {table} SELECT * FROM {stage}.{table}")
            return
        match = " AND ".join(f"o.{k} IS NOT DISTINCT FROM s.{k}" for k in keys)
        # of a key repeated within the file, the first row read stays (deterministically)
        first = " ORDER BY s.row_number" if "row_number" in TABLES[table] else ""
        staged = int(self.scalar(f"SELECT count(*) FROM {stage}.{table}"))
        before = int(self.scalar(f"SELECT count(*) FROM {table}"))
        self.con.execute(
            f"INSERT INTO {table} SELECT * FROM {stage}.{table} s "
            f"WHERE NOT EXISTS (SELECT 1 FROM {table} o WHERE {match}) "
            f"QUALIFY row_number() OVER (PARTITION BY {', '.join('s.' + k for k in keys)}{first}) = 1"
        )
        if table == "observations":
            dropped = staged - (int(self.scalar(f"SELECT count(*) FROM {table}")) - before)
            writer.rows_kept -= dropped
            writer.rows_skipped += dropped
            if dropped and writer.duplicate_note:
                writer.notes.append(writer.duplicate_note.format(f"{dropped:,}"))

    def _stage_path(self) -> Path | None:
        if str(self.path) == ":memory:":
            return None
        return self.path.with_name(f"{self.path.name}.stage-{os.getpid()}.duckdb")

    def _attach_stage(self) -> str:
        """Attach an empty staging database with the store's tables; return its name."""
        path = self._stage_path()
        for leftover in (path, Path(f"{path}.wal")) if path else ():
            leftover.unlink(missing_ok=True)
        target = "':memory:'" if path is None else "'" + str(path).replace("'", "''") + "'"
        self.con.execute(f"ATTACH {target} AS pb_stage")
        for table, columns in TABLES.items():
            if table != "ingests":
                cols = ", ".join(f"{name} {kind}" for name, kind in columns.items())
                self.con.execute(f"CREATE TABLE pb_stage.{table} ({cols})")
        return "pb_stage"

    def _detach_stage(self, stage: str) -> None:
        self.con.execute(f"DETACH {stage}")
        path = self._stage_path()
        if path is not None:
            path.unlink(missing_ok=True)
            Path(f"{path}.wal").unlink(missing_ok=True)

    def _remove_stale_stages(self) -> None:
        """Staging files left by killed ingests (their process is gone) are removed."""
        if str(self.path) == ":memory:":
            return
        for leftover in self.path.parent.glob(f"{self.path.name}.stage-*.duckdb*"):
            pid = leftover.name.split(".stage-")[1].split(".")[0]
            if pid.isdigit() and not Path(f"/proc/{pid}").exists():
                leftover.unlink(missing_ok=True)

    def append_frame(self, table: str, frame: pd.DataFrame, *, schema: str | None = None) -> None:
        """Append a DataFrame whose columns are exactly the table's columns, in order
        (into the staging database `schema` when given)."""
        columns = list(TABLES[table])
        frame = frame.reindex(columns=columns)
        target = f"{schema}.{table}" if schema else table
        # through a relation, not a registered name (which a transaction keeps alive: add_arrow)
        _run(self.con.from_df(frame).query(BATCH, f"INSERT INTO {target} SELECT * FROM {BATCH}"))


BATCH = "batch"
"""The name the SQL of `IngestWriter.add_arrow` reads its Arrow data by."""


def segment_pairs(con: duckdb.DuckDBPyConnection,
                  tables: Sequence[str] = SEGMENT_TABLES) -> list[tuple[str | None, str | None, int]]:
    """Every distinct (employer, industry) pair stored in `tables` (SEGMENT_TABLES, possibly
    qualified by a schema), with its number of records (distinct dedup keys over the tables:
    a posting and the observation of its pay are one record; 0 for a pair without an
    industry, which decides nothing). What an employer's one segment is decided over."""
    union = " UNION ALL ".join(f"SELECT employer, industry, dedup_key FROM {t}" for t in tables)
    rows = con.execute(
        f"SELECT employer, industry, count(DISTINCT dedup_key) FILTER (WHERE industry IS NOT NULL) "
        f"+ count(*) FILTER (WHERE industry IS NOT NULL AND dedup_key IS NULL) "
        f"FROM ({union}) GROUP BY ALL").fetchall()
    return [(e, i, int(n or 0)) for e, i, n in rows]


def segment_mapping(con: duckdb.DuckDBPyConnection,
                    tables: Sequence[str] = SEGMENT_TABLES) -> pd.DataFrame:
    """Each stored (employer, industry) pair of `tables` with the canonical employer and its
    employer's one segment, decided over every row of the tables
    (`paybench.normalize.segments.segment_frame` over `segment_pairs`): the mapping the store's
    writer fills rows from and `paybench employers` lists from."""
    from paybench.normalize.segments import segment_frame

    return segment_frame(segment_pairs(con, tables))


def fill_segments(con: duckdb.DuckDBPyConnection, targets: Sequence[str], where: str,
                  pool: Sequence[str] = (), employers: Iterable[str | None] = ()) -> int:
    """Set `employer` (its canonical display form, aliases resolved) and `segment`,
    `segment_sector` of the rows of `targets` (tables of SEGMENT_TABLES, possibly qualified by
    a schema) that match the SQL condition `where`, and of every other row of `targets` naming
    one of their employers (or one of `employers`: those of rows just removed) whose segment
    that changes: one segment per employer, decided over every row of `targets` and `pool` that
    names it, from every source (`paybench.normalize.segments.segment_frame`). Rows that name
    no employer are decided by their own industry. Only rows whose values change are written.
    The one place where stored rows get their segment: every adapter's rows pass here at
    ingest. Returns the number of distinct (employer, industry) pairs decided."""
    from paybench.normalize.employers import normalize_employer
    from paybench.normalize.segments import segment_frame

    touched = [tuple(r) for t in targets
               for r in con.execute(f"SELECT DISTINCT employer, industry FROM {t} WHERE {where}").fetchall()]
    keys: set[str] = set()
    unnamed: set[str | None] = set()
    for employer, industry in [*touched, *((e, None) for e in employers)]:
        found = normalize_employer(employer) if employer else None
        if found is not None:
            keys.add(found.key)
        else:
            unnamed.add(industry)
    if not keys and not unnamed:
        return 0

    def wanted(employer: str | None, industry: str | None) -> bool:
        found = normalize_employer(employer) if employer else None
        return found.key in keys if found is not None else industry in unnamed

    pairs = [p for p in segment_pairs(con, [*targets, *pool]) if wanted(p[0], p[1])]
    frame = segment_frame(pairs)
    columns = ["employer", "industry", "employer_new", "segment", "segment_sector"]
    data = pa.table({c: pa.array([v if isinstance(v, str) else None for v in frame[c]], pa.string())
                     for c in columns})
    for table in targets:
        _run(con.from_arrow(data).query("pb_segments", (
            f"UPDATE {table} AS t SET employer = m.employer_new, segment = m.segment, "
            f"segment_sector = m.segment_sector FROM pb_segments AS m "
            "WHERE t.employer IS NOT DISTINCT FROM m.employer AND t.industry IS NOT DISTINCT FROM m.industry "
            "AND (t.employer IS DISTINCT FROM m.employer_new OR t.segment IS DISTINCT FROM m.segment "
            "OR t.segment_sector IS DISTINCT FROM m.segment_sector)")))
    return len(frame)


def _run(relation: duckdb.DuckDBPyRelation | None) -> list[Any]:
    """The rows of a statement run through `DuckDBPyRelation.query` (an INSERT: its count)."""
    if relation is None:
        raise duckdb.InvalidInputException("statement returned no result")
    return relation.fetchall()


def _sql_literal(value: Any) -> str:
    """A SQL literal for a query parameter: NULL, a boolean, a number or a quoted string."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


class IngestWriter:
    """Buffers the records of one ingest and writes them in batches inside its transaction.

    Two ways in: record by record (`add`: an Observation, Statistic or Rejected; `add_rows`;
    for a handful of rows, e.g. published figures, submissions), or in bulk (`add_frame` for a
    DataFrame, `add_arrow` for the rows of a DuckDB query over an Arrow table or batch): a
    columnar adapter normalizes a batch of rows at once and lands its observations and its
    quarantined rows (ingest_id, source, row_number, reason, raw) with one bulk insert each;
    `add_arrow` counts quarantined rows as rows_quarantined and the others as rows_kept, and
    the adapter adds what it read to
    `rows_read` (and what it skipped to `rows_skipped`). Every way of writing counts towards
    the kill-midway test hook (`FAULT_ENV`)."""

    batch_rows = 50_000

    def __init__(
        self, store: Store, ingest_id: int, source: str, sha256: str, *, stage: str | None = None,
        replaces: Iterable[int] = (),
    ) -> None:
        self.store = store
        self.stage = stage
        self.replaces: tuple[int, ...] = tuple(sorted({int(i) for i in replaces}))
        """The ingests this one replaces (earlier versions of the same file): their rows are
        removed when this one lands (`Store.ingest_transaction`)."""
        self.on_commit: list[tuple[str, list[Any]]] = []
        """SQL statements (with parameters) run inside the final transaction, before the
        rows land: e.g. removing the rows a new version of a file replaces."""
        self.ingest_id = ingest_id
        self.source = source
        self.sha256 = sha256
        self.rows_read = 0
        self.rows_kept = 0
        self.rows_quarantined = 0
        self.rows_skipped = 0
        self.notes: list[str] = []
        self._buffers: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLES if t != "ingests"}
        self._written = 0
        self.unique_dedup = False
        """When True, an observation whose (source, dedup_key) is already stored, or was
        seen earlier in this ingest, is skipped and counted in rows_skipped (postings)."""
        self.duplicate_note: str | None = None
        """With unique_dedup, the note saying how many rows were skipped so ('{}' for the
        count), added when the staged rows land and some are dropped (LCA: repeated cases)."""
        fault = os.environ.get(FAULT_ENV)
        self._fault_after = int(fault) if fault and fault.isdigit() else None

    def kept(self, table: str) -> str:
        """SQL naming the stored rows of `table` (a store table) that stay when this ingest
        lands: the table itself, or, when it replaces earlier versions of its file, a subquery
        without their rows. For an adapter that reads stored rows, e.g. the keys already
        stored, to skip repeats: a row of the version being replaced is no repeat."""
        if table not in TABLES:
            raise ValueError(f"not a store table: {table!r}")
        if not self.replaces or "ingest_id" not in TABLES[table]:
            return table
        ids = ", ".join(str(i) for i in self.replaces)
        return f"(SELECT * FROM {table} WHERE ingest_id NOT IN ({ids}))"

    def read_as(self, layout: str) -> None:
        """Name the layout the file is read as (one line, no ';'), as the ingest's first note
        (`LAYOUT_NOTE`), which `paybench status` shows beside the file."""
        text = " ".join(layout.replace(";", ",").split())
        self.notes = [n for n in self.notes if not n.startswith(LAYOUT_NOTE)]
        self.notes.insert(0, f"{LAYOUT_NOTE}{text}")

    def add(self, record: Observation | Statistic | Rejected) -> None:
        """Buffer one normalized record (an Observation, a Statistic or a Rejected row)."""
        prov = record.provenance
        base = {"ingest_id": self.ingest_id, "source": prov.source,
                "row_number": prov.row_number}
        if isinstance(record, Rejected):
            self._buffers["quarantine"].append(
                {**base, "reason": record.reason, "raw": record.raw}
            )
            self.rows_quarantined += 1
        else:
            row = record.model_dump(exclude={"provenance", "skills"})
            row.update(base, file_sha256=prov.file_sha256, citation=prov.citation)
            table = "observations" if isinstance(record, Observation) else "statistics"
            self._buffers[table].append(row)
            if isinstance(record, Observation):
                for mention in record.skills:
                    self._buffers["observation_skills"].append({
                        "ingest_id": self.ingest_id, "source": prov.source,
                        "dedup_key": record.dedup_key, "skill": mention.skill,
                        "requirement": mention.requirement})
            self.rows_kept += 1
        self._maybe_flush()

    def add_rows(self, table: str, rows: Iterable[dict[str, Any]]) -> None:
        """Buffer plain rows for a table (used for the wide OEWS table)."""
        for row in rows:
            row["ingest_id"] = self.ingest_id
            self._buffers[table].append(row)
            self.rows_kept += 1
        self._maybe_flush()

    def add_frame(self, table: str, frame: pd.DataFrame) -> None:
        """Write a whole DataFrame of rows for a table (columns named as the table's)."""
        frame = frame.assign(ingest_id=self.ingest_id)
        self.flush()
        self.store.append_frame(table, frame, schema=self.stage)
        self.rows_kept += len(frame)
        self._written += len(frame)
        self._check_fault()

    def add_arrow(self, table: str, data: pa.Table | pa.RecordBatch,
                  select_sql: str = f"SELECT * FROM {BATCH}") -> int:
        """Bulk-insert the rows of `select_sql`, a query reading the Arrow table or batch `data`
        as `batch` (default: all of it), into `table` (`INSERT ... BY NAME`: the query's columns
        are named as the table's, any subset) and count them: quarantine rows as
        rows_quarantined, observation_skills not at all, any other table's as rows_kept. The
        writer fills `ingest_id` (the query must not name it), and `file_sha256` (this ingest's
        file) when the table has that column and the query gives none. Returns the rows
        written. Raises ValueError for a table an ingest does not write, duckdb.Error for a query
        the table cannot take (a bug).
        The columnar adapters' way in (`docs/architecture.md`).

        The data is read through a DuckDB relation, never registered by name: a name registered
        inside a transaction keeps its Arrow data alive until the transaction ends (measured:
        20 batches of 1,000,000 rows in one transaction, 1,742 MiB peak RSS registered vs 534 MiB
        through a relation), which made a 10,000,000-row ingest peak at 4.3 GiB."""
        if table not in TABLES or table == "ingests":
            raise ValueError(f"not a table an ingest writes: {table!r}")
        self.flush()
        target = f"{self.stage}.{table}" if self.stage else table
        if self.unique_dedup and self.stage is None and table in DEDUP_KEYS:
            raise ValueError("unique_dedup without staging: use add() or add_frame()")
        relation = self.store.con.from_arrow(data)
        filled = f"{int(self.ingest_id)} AS ingest_id"
        given = relation.query(BATCH, f"SELECT * FROM ({select_sql}) LIMIT 0")
        if "file_sha256" in TABLES[table] and (given is None or "file_sha256" not in given.columns):
            filled += f", {_sql_literal(self.sha256)} AS file_sha256"
        insert = f"INSERT INTO {target} BY NAME SELECT {filled}, * FROM ({select_sql})"
        result = _run(relation.query(BATCH, insert))
        written = int(result[0][0])
        if table == "quarantine":
            self.rows_quarantined += written
        elif table != "observation_skills":
            self.rows_kept += written
        self._written += written
        self._check_fault()
        return written

    def _maybe_flush(self) -> None:
        if sum(len(b) for b in self._buffers.values()) >= self.batch_rows:
            self.flush()

    def flush(self) -> None:
        """Write the buffered rows (still inside the transaction)."""
        for table, rows in self._buffers.items():
            if not rows:
                continue
            frame = pd.DataFrame.from_records(rows)
            if self.unique_dedup and self.stage is None and table in DEDUP_KEYS:
                frame = self._only_new(table, frame)  # staged ingests dedupe when they land
            self.store.append_frame(table, frame, schema=self.stage)
            self._written += len(frame)
            rows.clear()
        self._check_fault()

    def _only_new(self, table: str, frame: pd.DataFrame) -> pd.DataFrame:
        """Drop rows whose (source, dedup_key) is stored already or repeats in the frame."""
        keys = list(DEDUP_KEYS[table])
        self.store.con.register("_pb_new", frame[keys].drop_duplicates())
        sql = f"SELECT n.* FROM _pb_new n JOIN {table} o USING ({', '.join(keys)})"
        try:
            stored = self.store.con.execute(sql).df()
        finally:
            self.store.con.unregister("_pb_new")
        before = len(frame)
        frame = frame.drop_duplicates(subset=keys)
        if not stored.empty:
            marker = frame[keys].merge(stored.drop_duplicates(), on=keys, how="left",
                                       indicator=True)["_merge"].to_numpy() == "both"
            frame = frame[~marker]
        if table == "observations":
            dropped = before - len(frame)
            self.rows_kept -= dropped
            self.rows_skipped += dropped
        return frame

    def _check_fault(self) -> None:
        if self._fault_after is not None and self._written >= self._fault_after:
            print(f"paybench: {FAULT_ENV}: stalled after {self._written} rows",
                  file=sys.stderr, flush=True)
            while True:  # stall so a test can kill the process mid-transaction
                time.sleep(1)


LOCK_RETRY_SECONDS = 0.05
"""First pause between attempts to open a store another process holds (doubling to 1 s)."""


def _connect(path: Path, read_only: bool, wait_seconds: float) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection to the store, retried while another process holds its lock."""
    if read_only and str(path) != ":memory:" and not path.exists():
        raise StoreError(f"no store at {path}: build one with `paybench ingest --defaults` (and "
                         "your files), or point PAYBENCH_DB or --db at an existing store")
    deadline = time.monotonic() + wait_seconds
    pause = LOCK_RETRY_SECONDS
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            _bound_memory(con)
            return con
        except duckdb.Error as exc:
            text = _first_line(exc)
            held = "lock" in text.lower() and "conflicting" in text.lower()
            if held and time.monotonic() + pause < deadline:
                time.sleep(pause)
                pause = min(pause * 2, 1.0)
                continue
            if held:
                pid = re.search(r"\(PID (\d+)\)", str(exc))
                who = f"process {pid.group(1)}" if pid else "another process"
                waited = f" (waited {wait_seconds:g} s)" if wait_seconds else ""
                raise StoreError(f"store {path} is in use by {who}, which is writing to it{waited}; "
                                 "try again when it finishes") from None
            if "read-only" in text.lower() and not read_only:
                raise StoreError(f"cannot write store {path}: read-only file system") from None
            raise StoreError(f"cannot open store {path}: {text}") from None


def _bound_memory(con: duckdb.DuckDBPyConnection) -> None:
    """Cap DuckDB's memory (QUERY_MEMORY_LIMIT) and let it spill to the per-user cache
    directory (not beside the store, which may be on read-only media); no progress bars
    (they would print into a command's output during long queries)."""
    spill = str(cache_dir() / "duckdb-spill").replace("'", "''")
    con.execute(f"SET memory_limit = '{QUERY_MEMORY_LIMIT}'")
    con.execute(f"SET temp_directory = '{spill}'")
    con.execute("SET enable_progress_bar = false")


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
