"""The columnar reading of BLS OEWS flat files (paybench.sources.oews.ingest) stores what the
row-by-row reading it replaced (tests/rowwise/oews.py, kept verbatim) stored: the `oews`
rows, the quarantine (reasons and raw text) and the ingest's counts, on files in BLS's real
layout (values from the bundled May 2025 release) with bad lines, line-ending variants and
cells across block boundaries; its column-wise value reader equals parse_value. The flat-file
reading refuses the national OEWS workbooks in ../shared/data as the row-by-row one did (the
workbooks have their own reader: tests/test_oews_workbook.py)."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paybench.errors import InputError
from paybench.ingest import _ingest_once
from paybench.reference import oews as oews_bundle
from paybench.sources import oews
from paybench.store import Store, file_sha256
from rowwise import oews as rowwise_oews

HEADER = f"{'series_id':<30}\tyear\tperiod\t{'value':>12}\tfootnote_codes\n"


def line(series: str, year: int | str, value: str, footnote: str = "", period: str = "A01") -> str:
    """One line of BLS's time-series layout (series id padded to 30, value right-aligned)."""
    return f"{series:<30}\t{year}\t{period}\t{value:>12}\t{footnote}\n"


def bundle_lines(keys: int, seed: int = 5, year: int = 2023) -> list[str]:
    """The lines of `keys` real cells of the bundled release (cross-industry national, state
    and metro cells; national industry detail; cells the reader skips), every datatype."""
    rng = random.Random(seed)
    with oews_bundle.connect() as conn:
        candidates = [k for (k,) in conn.execute(
            "SELECT key FROM cell WHERE substr(key, 18, 2) IN ('15', '11', '29') "
            "ORDER BY key LIMIT 20000").fetchall()]
        chosen = sorted(rng.sample(candidates, keys))
        out = []
        for key in chosen:
            record = conn.execute("SELECT * FROM cell WHERE key = ?", [key]).fetchall()[0]
            for i in range(1, 18):
                value, note = record[i], record[17 + i]
                if value is not None:
                    out.append(line(f"{key}{i:02d}", year, value, note or ""))
    return out


def write(folder: Path, lines: list[str], *, area: bool = True, newline: str = "\n") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    data = folder / "oe.data.0.Current"
    data.write_bytes((HEADER + "".join(lines)).replace("\n", newline).encode("utf-8"))
    if area:
        with oews_bundle.connect() as conn:
            rows = conn.execute(
                "SELECT area_code, areatype_code, state_code, area_name FROM area").fetchall()
        (folder / "oe.area").write_text(
            "state_code\tarea_code\tareatype_code\tarea_name\n"
            + "".join(f"{s}\t{c}\t{k}\t{n}\n" for c, k, s, n in rows if not c.endswith("7")),
            encoding="utf-8")
    return data


def build(db: Path, path: Path, ingest: Callable[..., None]) -> Any:
    with Store(db) as store:
        try:
            result = _ingest_once(store, "oews", str(path), file_sha256(path), path.stat().st_size,
                                  lambda writer: ingest(path, writer, None))
        except InputError as exc:
            return f"error: {exc}"
    return (result.rows_read, result.rows_kept, result.rows_quarantined, result.rows_skipped, result.notes)


def tables(db: Path) -> dict[str, pd.DataFrame]:
    with Store(db) as store:
        oews_rows = store.query("SELECT * EXCLUDE (ingest_id) FROM oews")
        return {
            "oews": oews_rows.sort_values(list(oews_rows.columns)).reset_index(drop=True),
            "quarantine": store.query("SELECT * EXCLUDE (ingest_id) FROM quarantine ORDER BY row_number"),
            "ingests": store.query("SELECT * EXCLUDE (ingest_id, started_at, finished_at) FROM ingests"),
        }


def assert_same(tmp_path: Path, path: Path) -> dict[str, pd.DataFrame]:
    row_db, col_db = tmp_path / "rowwise.duckdb", tmp_path / "columnar.duckdb"
    for leftover in (row_db, col_db):
        leftover.unlink(missing_ok=True)
    assert build(col_db, path, oews.ingest) == build(row_db, path, rowwise_oews.ingest)
    want, got = tables(row_db), tables(col_db)
    for name in want:
        pd.testing.assert_frame_equal(got[name], want[name], check_exact=True, obj=name)
    return got


BAD = [
    "garbage line without tabs\n", "\n", "   \n", "OEUN000000000000015125204\t2023\tA01\n",
    line("OEUX0000000000000151252", 2023, "100"), line("OEUN00000000000001512520", 2023, "1"),
    line("OEUN000000000000015125204", "20x3", "1"),
    line("OEUN000000000000015125204", "\u0662\u0660\u0662\u0663", "1"),
    line("OEUN000000000000015125204", 2023, "1", period="M05"),
    line("oeun000000000000015125204", 2023, "1"), line("OEUN0000000000000151252é4", 2023, "1"),
]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_flat_file_with_bad_lines_stores_the_same(tmp_path: Path, newline: str) -> None:
    lines = bundle_lines(120)
    rng = random.Random(11)
    for bad in BAD:
        lines.insert(rng.randrange(len(lines)), bad)
    special = [line("OEUN000000000000015125211", 2023, "1,234"),
               line("OEUN000000000000015125213", 2023, "#", "5"),
               line("OEUN000000000000015125214", 2023, "**", "4,5"),
               line("OEUN000000000000015125215", 2023, "-", " 5"),
               # a later line of a datatype wins
               line("OEUN000000000000015125213", 2023, "239,200", "5"),
               line("OEUN000000000000015125201", 2022, "12"), line("OEUN000000000000015125201", 2023, "13"),
               line("OEUN000000000000015125201", 2023, "1_000"),
               line("OEUN000000000000015125203", 2023, "nan"),
               line("OEUM0099999000000151252" + "01", 2023, "5")]  # an area oe.area lacks
    data = write(tmp_path / "oe", lines + special + lines[:40], newline=newline)  # a cell read twice
    got = assert_same(tmp_path, data)
    # every bad line but the Arabic-Indic year (a year to str.isdigit and int) and the series
    # id with an accent (25 characters, 'OEU', 'N': an id to the reader)
    assert len(got["quarantine"]) == len(BAD) - 2 and len(got["oews"]) > 60


def test_cells_across_block_boundaries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = write(tmp_path / "oe", bundle_lines(60, seed=3), area=False)
    monkeypatch.setattr(oews, "FLAT_BLOCK_BYTES", 997)
    assert_same(tmp_path, data)


def test_overlong_line_and_lone_carriage_returns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from paybench.sources.tabular import MAX_LINE_CHARS

    lines = bundle_lines(30, seed=8)
    lines.insert(50, "x" * (MAX_LINE_CHARS + 10) + "\n")
    lines.insert(20, line("OEUN000000000000015125204", 2023, "1").replace("\n", "\r"))
    data = write(tmp_path / "oe", lines)
    monkeypatch.setattr(oews, "FLAT_BLOCK_BYTES", 1 << 20)
    got = assert_same(tmp_path, data)
    assert "line 53 is longer than 1,048,576 characters" in got["quarantine"]["reason"].tolist()


def test_a_year_beyond_any_date_is_quarantined(tmp_path: Path) -> None:
    """The row reader failed with a traceback on year 99999 (no date has it): the line is
    quarantined instead."""
    data = write(tmp_path / "oe", [*bundle_lines(3), line("OEUN000000000000015125204", "99999", "1")])
    with Store(tmp_path / "s.duckdb") as store:
        result = _ingest_once(store, "oews", str(data), file_sha256(data), data.stat().st_size,
                              lambda writer: oews.ingest(data, writer, None))
        reasons = store.query("SELECT reason FROM quarantine")["reason"].tolist()
    assert result.rows_quarantined == 1 and reasons == ["year is not a number: '99999'"]


def test_not_utf8_is_the_same_error(tmp_path: Path) -> None:
    data = write(tmp_path / "oe", bundle_lines(20, seed=1))
    data.write_bytes(data.read_bytes() + b"\xff\xfe\xfa broken\n")
    got = build(tmp_path / "c.duckdb", data, oews.ingest)
    assert isinstance(got, str) and "UTF-8" in got
    assert got == build(tmp_path / "r.duckdb", data, rowwise_oews.ingest)


def test_national_workbooks_are_refused_alike(shared_data: Path, tmp_path: Path) -> None:
    """The flat-file reading refuses a workbook as the row-by-row one did (`oews.ingest` hands
    workbooks to `ingest_workbook`: tests/test_oews_workbook.py)."""
    for path in sorted((shared_data / "oews").glob("national_M*_dl.xlsx")):
        got = build(tmp_path / "c.duckdb", path, oews.ingest_flat_file)
        assert isinstance(got, str) and got == build(tmp_path / "r.duckdb", path, rowwise_oews.ingest)


PIECES = st.sampled_from([
    "OEUN000000000000015125201", "OEUN000000000000015125213", "OEUM004266000000015125213",
    "OEUS530000000000015125204", "OEUN000000051800015125213", "OEUN000000051800029114113",
    "OEUX0000000000000151252", "junk", "", "2023", "2024", "x", "A01", "M01", "135,980", "#", "*", "-",
    "5", "4,5", " 12.5 ", "\t", "\t\t"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(PIECES, min_size=1, max_size=6).map("\t".join), min_size=1, max_size=40))
def test_generated_lines_store_the_same(tmp_path: Path, lines: list[str]) -> None:
    data = write(tmp_path / "oe", [f"{x}\n" for x in lines], area=False)
    assert_same(tmp_path, data)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(st.text(alphabet="0123456789,.-+e_ #*~", max_size=10), st.text(max_size=6),
                          st.floats().map(repr), st.none()), min_size=1, max_size=20))
def test_column_wise_values_equal_parse_value(texts: list[str | None]) -> None:
    got = oews._values(pa.array(texts, pa.string())).to_pylist()
    for text, value in zip(texts, got, strict=True):
        want = rowwise_oews.parse_value(text)
        assert value == want or (value != value and want != want), text  # NaN equals NaN here
