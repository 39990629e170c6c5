"""Arrow's reading of delimited text (paybench.sources.delimited) equals the record reader's
(tabular.csv_records) record for record - row numbers, fields, reasons, raw text - on hostile
text (quotes, blank records, line endings, blanks around quotes, ragged rows) and on the real
LCA files; and the strip used on Arrow columns is Python's."""

from __future__ import annotations

import csv
import sys
import tempfile
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paybench.errors import InputError
from paybench.sources import tabular
from paybench.sources.delimited import (
    PY_WHITESPACE,
    DelimitedBatches,
    field_name,
    raw_texts,
    strip,
)


def reference(path: Path) -> list[tuple[Any, ...]] | str:
    """What the record reader reads: (row number, reason, raw text, fields)."""
    try:
        header, records = tabular.csv_records(path)
        out: list[tuple[Any, ...]] = []
        for number, (_line, fields, raw) in enumerate(records, start=1):
            if isinstance(fields, str):
                out.append((number, fields, raw[:1000], None))
            elif len(fields) != len(header):
                out.append((number, f"expected {len(header)} fields, found {len(fields)}",
                            ",".join(fields)[:1000], None))
            else:
                out.append((number, None, ",".join(fields)[:1000], fields))
        return out or "error: no data rows"
    except InputError as exc:
        return f"error: {exc}"


def columnar(path: Path, block_bytes: int = 1 << 20) -> tuple[list[tuple[Any, ...]] | str, bool]:
    """What DelimitedBatches reads, and whether Arrow read the whole file."""
    try:
        reader = DelimitedBatches(path, block_bytes=block_bytes)
        rows: list[tuple[Any, ...]] = []
        for batch in reader:
            raws = raw_texts(batch, reader.width).to_pylist()
            for row, raw in zip(batch.to_pylist(), raws, strict=True):
                fields = None if row["error"] else [row[field_name(i)] for i in range(reader.width)]
                rows.append((row["row_number"], row["error"], raw, fields))
        return rows, reader.arrow_rows == reader.rows
    except InputError as exc:
        return ("error: no data rows" if "no data rows" in exc.message else f"error: {exc}"), False


PIECES = ["a", "b", "7", ",", ";", '"', '""', " ", "\t", "\n", "\r\n", "\r", "é", "\u3000", "\x85",
          ", ", ' "', '" ', ',"', '",', "\n\n", ",,", "\x00"]


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), max_size=40),
       st.sampled_from(["x,y,z\n", "x;y;z\n", "x,y\r\n", '"x","y"\n', "x\n"]))
def test_arrow_reads_as_the_record_reader(pieces: list[str], header: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "f.csv"
        path.write_text(header + "".join(pieces), encoding="utf-8", newline="")
        assert columnar(path)[0] == reference(path)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.sampled_from(["a", "b c", "1,5", 'say "hi"', "", " ", "x\ny", "é", "x\r\ny"]),
                         min_size=3, max_size=3), min_size=1, max_size=60),
       st.sampled_from([",", ";"]), st.sampled_from(["\n", "\r\n"]))
def test_well_formed_files_are_read_by_arrow(rows: list[list[str]], delimiter: str, newline: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "f.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, delimiter=delimiter, lineterminator=newline)
            writer.writerow(["x", "y", "z"])
            writer.writerows(rows)
        got, by_arrow = columnar(path, block_bytes=256)
        assert got == reference(path)
        if any(any(f.strip() for f in row) for row in rows):
            assert by_arrow


def test_ragged_row_late_in_the_file_hands_over(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    lines = ["x,y,z"] + [f"{i},b,c" for i in range(5000)] + ["1,2,3,,", '4,"5,6', "7,8,9"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    got, by_arrow = columnar(path, block_bytes=4096)
    assert got == reference(path) and not by_arrow
    assert got[-3][1] == "expected 3 fields, found 5"


def test_overlong_record_is_left_to_the_record_reader(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("x,y\n1,2\n" + "a" * (tabular.MAX_LINE_CHARS + 5) + ",b\n3,4\n", encoding="utf-8")
    got, by_arrow = columnar(path, block_bytes=4 << 20)
    assert got == reference(path) and not by_arrow
    assert got[1][1] == "line 3 is longer than 1,048,576 characters"


@pytest.mark.parametrize("name", ["lca_fy2020_q1_sample.csv", "h1b_fy2017_sample.csv",
                                  "lca_fy2014_sample.csv"])
def test_real_files(shared_data: Path, name: str) -> None:
    path = shared_data / "lca" / name
    got, by_arrow = columnar(path)
    assert by_arrow and got == reference(path)


def test_python_whitespace_is_complete() -> None:
    assert "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()) == PY_WHITESPACE


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from([*PY_WHITESPACE, "a", "é", "'", "\u200b", "\ufeff"]),
                        max_size=8), min_size=1, max_size=20))
def test_strip_is_python_strip(texts: list[str]) -> None:
    assert strip(pa.array(texts)).to_pylist() == [t.strip() for t in texts]
    quoted = ", ".join("'" + t.replace("'", "''") + "'" for t in texts)
    with duckdb.connect() as con:
        chars = "'" + PY_WHITESPACE + "'"
        got = con.execute(f"SELECT [trim(x, {chars}) FOR x IN [{quoted}]]").fetchall()[0][0]
    assert got == [t.strip() for t in texts]


@pytest.mark.parametrize("pad", [240, 241, 242, 243])
def test_crlf_inside_quotes_split_by_a_block_boundary(tmp_path: Path, pad: int) -> None:
    """Arrow drops the LF of a quoted CRLF its block boundary splits (pad 242 with 256-byte
    blocks); such a batch goes to the record reader."""
    path = tmp_path / "f.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerows([["x", "y", "z"], ["a" * pad, "b", "c"], ["x\r\ny", "b", "c"], ["a", "b", "c"]])
    got, _ = columnar(path, block_bytes=256)
    assert got == reference(path)
    assert isinstance(got, list) and got[1][3] == ["x\r\ny", "b", "c"]


# --------------------------------------------------------------------------- raw text, hand-overs
def reference_raw(path: Path) -> list[tuple[Any, ...]] | str:
    """What the record reader reads, with its raw text on every row: (row number, reason,
    raw text, fields)."""
    try:
        header, records = tabular.csv_records(path)
        out: list[tuple[Any, ...]] = []
        for number, (_line, fields, raw) in enumerate(records, start=1):
            if isinstance(fields, str):
                out.append((number, fields, raw, None))
            elif len(fields) != len(header):
                out.append((number, tabular.field_count_reason(len(header), len(fields)), raw, None))
            else:
                out.append((number, None, raw, fields))
        return out or "error: no data rows"
    except InputError as exc:
        return f"error: {exc}"


def with_raw(path: Path, block_bytes: int = 1 << 20) -> tuple[list[tuple[Any, ...]] | str, int]:
    """What DelimitedBatches(raw_text=True) reads, and how many rows Arrow read."""
    try:
        reader = DelimitedBatches(path, raw_text=True, block_bytes=block_bytes)
        rows: list[tuple[Any, ...]] = []
        for batch in reader:
            for row in batch.to_pylist():
                fields = None if row["error"] else [row[field_name(i)] for i in range(reader.width)]
                rows.append((row["row_number"], row["error"], row["raw"], fields))
        return rows, reader.arrow_rows
    except InputError as exc:
        return ("error: no data rows" if "no data rows" in exc.message else f"error: {exc}"), 0


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), max_size=40),
       st.sampled_from(["x,y,z\n", "x;y;z\n", "x,y\r\n", '"x","y"\n', "x\n"]),
       st.sampled_from([16, 64, 1 << 20]))
def test_raw_text_is_the_record_readers(pieces: list[str], header: str, block_bytes: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "f.csv"
        path.write_text(header + "".join(pieces), encoding="utf-8", newline="")
        assert with_raw(path, block_bytes)[0] == reference_raw(path)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.sampled_from(["a", "b c", "1,5", 'say "hi"', "", " ", "x\ny", "é", "x\r\ny",
                                          "z" * 600]),
                         min_size=3, max_size=3), min_size=1, max_size=40),
       st.sampled_from([",", ";"]), st.sampled_from(["\n", "\r\n"]),
       st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
def test_raw_text_of_quoted_records_read_by_arrow(rows: list[list[str]], delimiter: str, newline: str,
                                                  quoting: int) -> None:
    """Well-formed files (every field quoted, or only where needed; records over 1,000
    characters): Arrow reads them, and the raw text is still the record reader's."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "f.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, delimiter=delimiter, lineterminator=newline, quoting=quoting)
            writer.writerow(["x", "y", "z"])
            writer.writerows(rows)
        got, by_arrow = with_raw(path)
        assert got == reference_raw(path)
        if any(any(f.strip() for f in row) for row in rows) and "x\r\ny" not in str(rows):
            assert by_arrow == len(got)


@pytest.mark.parametrize("raw_text", [False, True])
def test_a_bad_record_early_hands_back_to_arrow(tmp_path: Path, raw_text: bool) -> None:
    """A ragged record and a stray quote near the start: the record reader reads about a block
    around each, Arrow the rest (not the rest of the file by the record reader)."""
    path = tmp_path / "f.csv"
    lines = ["x,y,z"] + [f"{i},b,c" for i in range(30_000)]
    lines[10] = "1,2,3,4"
    lines[20_000] = 'a"b,c,d'
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    reader = DelimitedBatches(path, raw_text=raw_text, block_bytes=4096)
    rows = [row for batch in reader for row in batch.to_pylist()]
    assert len(rows) == 30_000 == reader.rows and rows[9]["error"] == "expected 3 fields, found 4"
    assert rows[19_999][field_name(0)] == 'a"b' and rows[19_999]["error"] is None
    assert reader.arrow_rows > 29_000
    expected = reference_raw(path) if raw_text else reference(path)
    assert isinstance(expected, list)
    if raw_text:
        assert [(r["row_number"], r["error"], r["raw"]) for r in rows] == [e[:3] for e in expected]
    else:
        assert got_fields(rows, reader.width) == [e[3] for e in expected]


def got_fields(rows: list[dict[str, Any]], width: int) -> list[list[str] | None]:
    return [None if r["error"] else [r[field_name(i)] for i in range(width)] for r in rows]


def test_named_columns_and_a_missing_one(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("A,b,c,a\n1,2,3,4\n", encoding="utf-8")
    batch = next(iter(DelimitedBatches(path, ["a", "C"], source="test")))
    assert batch.schema.names == ["row_number", "error", "raw", "a", "C"]
    assert batch.to_pylist()[0] == {"row_number": 1, "error": None, "raw": None, "a": "4", "C": "3"}
    with pytest.raises(InputError, match=r"f\.csv: not a test file: missing column\(s\) d"):
        DelimitedBatches(path, ["a", "d"], source="test")
