"""OEWS: the bundled May 2025 release and BLS flat files in their real layout."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from hypothesis import given
from hypothesis import strategies as st

from paybench.errors import InputError
from paybench.ingest import detect_source, ingest_file
from paybench.reference import oews as oews_bundle
from paybench.sources import oews
from paybench.store import Store


def test_bundle_loaded(reference_db: Path) -> None:
    con = duckdb.connect(str(reference_db), read_only=True)
    n, areas = con.execute(
        "SELECT count(*), count(DISTINCT area_code) FROM oews WHERE industry_code = '000000'"
    ).fetchall()[0]
    assert n > 200_000 and areas == 583
    row = con.execute(
        "SELECT p10_annual, p50_annual, p90_annual, employment, area_name FROM oews "
        "WHERE soc_code = '15-1252' AND area_type = 'N' AND industry_code = '000000'"
    ).fetchall()[0]
    # the same values as the bundled SQLite file, read independently
    with oews_bundle.connect() as conn:
        raw = conn.execute(
            "SELECT v11, v13, v15, v01 FROM cell WHERE key = 'OEUN0000000000000151252'"
        ).fetchall()[0]
    assert row[:4] == tuple(float(v) for v in raw)
    assert row[4] == "National"
    metro = con.execute(
        "SELECT cbsa, area_name FROM oews WHERE area_code = '0042660' LIMIT 1"
    ).fetchall()[0]
    assert metro == ("42660", "Seattle-Tacoma-Bellevue, WA")
    con.close()


def test_parse_value_specials() -> None:
    assert oews.parse_value("  135980") == 135980.0
    assert oews.parse_value("1,234") == 1234.0
    for special in ("-", "*", "#", "**", "~", "", None, "n/a"):
        assert oews.parse_value(special) is None


@given(st.text(max_size=30))
def test_parse_value_never_raises(text: str) -> None:
    value = oews.parse_value(text)
    assert value is None or isinstance(value, float)


def _series_line(series: str, year: int, value: str, footnote: str = "") -> str:
    # BLS time-series layout: series id padded to 30, tab, year, tab, period, tab,
    # value right-aligned in 12, tab, footnote codes
    return f"{series:<30}\t{year}\tA01\t{value:>12}\t{footnote}\n"


def write_flat_files(folder: Path, year: int = 2023) -> Path:
    """A small oe.data file and oe.area in the real BLS layout, with values from the
    bundled release (so the test can compare), plus one garbage line."""
    folder.mkdir(parents=True, exist_ok=True)
    header = f"{'series_id':<30}\tyear\tperiod\t{'value':>12}\tfootnote_codes\n"
    lines = [header]
    keys = ["OEUN0000000000000151252", "OEUM0042660000000151252", "OEUM0041940000000152051"]
    with oews_bundle.connect() as conn:
        for key in keys:
            record = conn.execute("SELECT * FROM cell WHERE key = ?", [key]).fetchall()[0]
            for i in range(1, 18):
                value, note = record[i], record[17 + i]
                if value is not None:
                    lines.append(_series_line(f"{key}{i:02d}", year, value, note or ""))
        area_lines = ["state_code\tarea_code\tareatype_code\tarea_name\n"]
        for code, kind, state, name in conn.execute(
            "SELECT area_code, areatype_code, state_code, area_name FROM area"
        ):
            area_lines.append(f"{state}\t{code}\t{kind}\t{name}\n")
    lines.insert(5, "garbage line without tabs\n")
    lines.insert(9, _series_line("OEUX0000000000000151252", year, "100"))
    data = folder / "oe.data.0.Current"
    data.write_text("".join(lines), encoding="utf-8")
    (folder / "oe.area").write_text("".join(area_lines), encoding="utf-8")
    return data


def test_flat_file_ingest(tmp_path: Path) -> None:
    data = write_flat_files(tmp_path / "oe")
    assert detect_source(data) == "oews"
    with Store(tmp_path / "s.duckdb") as store:
        result = ingest_file(store, tmp_path / "oe")  # a folder holding oe.data.* works
        assert result.rows_quarantined == 2
        rows = store.query(
            "SELECT release, area_name, soc_code, p50_annual, employment FROM oews ORDER BY area_code"
        )
        assert len(rows) == 3
        assert set(rows["release"]) == {"2023A01"}
        seattle = rows[rows["area_name"] == "Seattle-Tacoma-Bellevue, WA"].iloc[0]
        assert seattle["soc_code"] == "15-1252" and seattle["p50_annual"] == 167280.0
        reasons = store.query("SELECT reason FROM quarantine")["reason"].tolist()
        assert any("tab-separated" in r for r in reasons)
        assert any("not an OEWS series id" in r for r in reasons)
        again = ingest_file(store, data)
        assert again.already_ingested


def test_flat_file_not_utf8(tmp_path: Path) -> None:
    data = write_flat_files(tmp_path / "oe")
    data.write_bytes(data.read_bytes() + b"\xff\xfe\xfa broken\n")
    with Store(tmp_path / "s.duckdb") as store, pytest.raises(InputError, match="UTF-8"):
        ingest_file(store, data, source="oews")
    with Store(tmp_path / "s.duckdb") as store:
        assert store.scalar("SELECT count(*) FROM oews") == 0


def test_another_file_named_oews_is_refused_not_quarantined(tmp_path: Path) -> None:
    """`ingest FILE --source oews` on a file of another layout (a new-user trial: the survey,
    72,426 rows all quarantined, exit 0) is one line naming the header; nothing is stored."""
    survey = tmp_path / "salaries.csv"
    survey.write_text("work_year,experience_level,employment_type,job_title,salary\n"
                      "2024,SE,FT,Data Scientist,150000\n", encoding="utf-8")
    with Store(tmp_path / "s.duckdb") as store, pytest.raises(
            InputError, match=r"not a BLS OEWS flat file .*work_year, experience_level"):
        ingest_file(store, survey, source="oews")
    with Store(tmp_path / "s.duckdb") as store:
        assert store.scalar("SELECT count(*) FROM quarantine") == 0
        assert store.scalar("SELECT count(*) FROM ingests") == 0
