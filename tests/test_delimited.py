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
