"""BLS's published OEWS workbooks (paybench.sources.oews.ingest_workbook): the five real national
workbooks in ../shared/data/oews (May 2020-2024) with values read from them, the value parser
(table and property tests), small workbooks in the real layout for the state and metro rows,
ownership and industry rows and bad rows, and the release the method reads."""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from paybench.bench.oews import OewsPriors
from paybench.errors import InputError
from paybench.ingest import detect_source, ingest_file
from paybench.normalize.roles import roles
from paybench.reference import oews as oews_reference
from paybench.sources import oews
from paybench.sources.tabular import xlsx_rows
from paybench.store import Store

YEARS = (2020, 2021, 2022, 2023, 2024)

REAL_COUNTS = {  # (read, kept, quarantined, skipped), as `paybench ingest` printed them
    2020: (1329, 1316, 0, 13),
    2021: (1403, 1396, 0, 7),
    2022: (1402, 1395, 0, 7),
    2023: (1403, 1396, 0, 7),
    2024: (1403, 1396, 0, 7),
}

SOFTWARE_DEVELOPERS = {  # national A_PCT10, A_MEDIAN, A_PCT90, TOT_EMP of 15-1252 (15-1256 in May 2020)
    2020: ("15-1256", 65210.0, 110140.0, 170100.0, 1476800.0),
    2021: ("15-1252", 64470.0, 120730.0, 168570.0, 1364180.0),
    2022: ("15-1252", 71280.0, 127260.0, 198100.0, 1534790.0),
    2023: ("15-1252", 77020.0, 132270.0, 208620.0, 1656880.0),
    2024: ("15-1252", 79850.0, 133080.0, 211450.0, 1654440.0),
}

HEADER_2024 = [
    "AREA", "AREA_TITLE", "AREA_TYPE", "PRIM_STATE", "NAICS", "NAICS_TITLE", "I_GROUP", "OWN_CODE",
    "OCC_CODE", "OCC_TITLE", "O_GROUP", "TOT_EMP", "EMP_PRSE", "JOBS_1000", "LOC_QUOTIENT", "PCT_TOTAL",
    "PCT_RPT", "H_MEAN", "A_MEAN", "MEAN_PRSE", "H_PCT10", "H_PCT25", "H_MEDIAN", "H_PCT75", "H_PCT90",
    "A_PCT10", "A_PCT25", "A_MEDIAN", "A_PCT75", "A_PCT90", "ANNUAL", "HOURLY"]
"""The first row of national_M2024_dl.xlsx (state_M2024_dl.xlsx and MSA_M2024_dl.xlsx share it)."""

NOTES_2024 = [
    ["May 2024 OEWS Estimates"], [None],
    ["Occupational Employment and Wage Statistics (OEWS) Survey"],
    ["Bureau of Labor Statistics, Department of Labor"],
    ["Field", "Field Description"],
    ["area", "U.S. (99), state FIPS code, Metropolitan Statistical Area (MSA) code, or OEWS-specific "
             "nonmetropolitan area code "],
    ["Notes:"],
    ["*  = indicates that a wage estimate is not available"],
    ["**  = indicates that an employment estimate is not available"],
    ["#  = indicates a wage equal to or greater than $115.00 per hour or $239,200 per year "],
    ["~ =indicates that the percent of establishments reporting the occupation is less than 0.5%"],
]
"""The "Field Descriptions" sheet of national_M2024_dl.xlsx, abridged (its title and notes)."""


def real(shared_data: Path, year: int) -> Path:
    return shared_data / "oews" / f"national_M{year}_dl.xlsx"


def cells(db: Path, where: str = "true", params: list[Any] | None = None) -> list[dict[str, Any]]:
    """The stored `oews` rows (NULL as None), in key order."""
    with Store(db) as store:
        cursor = store.con.execute(f"SELECT * EXCLUDE (ingest_id) FROM oews WHERE {where} "
                                   "ORDER BY release, area_code, industry_code, soc_code", params or [])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


# --------------------------------------------------------------------------- the real workbooks
@pytest.mark.parametrize("year", YEARS)
def test_real_workbook(shared_data: Path, tmp_path: Path, year: int) -> None:
    path = real(shared_data, year)
    db = tmp_path / "store.duckdb"
    assert detect_source(path) == "oews"
    with Store(db) as store:
        result = ingest_file(store, path)
        assert (result.rows_read, result.rows_kept, result.rows_quarantined,
                result.rows_skipped) == REAL_COUNTS[year]
        assert result.rows_read == result.rows_kept + result.rows_quarantined + result.rows_skipped
        assert result.notes[0] == f"layout: BLS OEWS workbook (national, May {year})"
        assert any(n.startswith(f"skipped {result.rows_skipped}: repeats a cell") for n in result.notes)
        assert store.scalar("SELECT count(*) FROM oews") == result.rows_kept
        layouts = store.file_layouts()
        assert layouts.to_dict("records") == [
            {"source": "oews", "path": str(path), "layout": f"BLS OEWS workbook (national, May {year})"}]
        again = ingest_file(store, path)
        assert again.already_ingested and again.ingest_id == result.ingest_id
        assert store.scalar("SELECT count(*) FROM oews") == result.rows_kept
    soc, p10, p50, p90, employment = SOFTWARE_DEVELOPERS[year]
    [dev] = cells(db, "soc_code = ?", [soc])
    assert (dev["p10_annual"], dev["p50_annual"], dev["p90_annual"], dev["employment"]) == (p10, p50, p90,
                                                                                            employment)
    assert dev["release"] == f"{year}A01" and str(dev["reference_date"])[:10] == f"{year}-05-15"
    assert (dev["area_type"], dev["area_code"], dev["area_name"], dev["industry_code"]) == (
        "N", "0000000", "U.S.", "000000")
    assert not dev["top_coded"]
    codes = {c["soc_code"] for c in cells(db)}
    assert ("15-1256" in codes) == (year == 2020) and ("15-2098" in codes) == (year == 2020)
    assert ("15-1252" in codes) == (year != 2020) and ("15-2051" in codes) == (year != 2020)


def test_real_top_codes_and_missing_values(shared_data: Path, tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    with Store(db) as store:
        for year in (2020, 2022, 2024):
            ingest_file(store, real(shared_data, year))
    by_key = {(c["release"], c["soc_code"]): c for c in cells(db)}
    # Chief Executives: '#' from the 75th (2020) or 90th (2024) percentile up, at each year's top code
    ceo20, ceo24 = by_key[("2020A01", "11-1011")], by_key[("2024A01", "11-1011")]
    assert ceo20["top_coded"] and (ceo20["p50_annual"], ceo20["p75_annual"], ceo20["p90_annual"]) == (
        185950.0, 208000.0, 208000.0)
    assert ceo24["top_coded"] and (ceo24["p50_annual"], ceo24["p75_annual"], ceo24["p90_annual"]) == (
        206420.0, 239200.0, 239200.0)
    assert (ceo24["p50_hourly"], ceo24["mean_annual"]) == (99.24, 262930.0)
    # Surgeons, Except Ophthalmologists (a May 2020 hybrid): '#' in the median, hourly too
    surgeons = by_key[("2020A01", "29-1248")]
    assert surgeons["top_coded"] and (surgeons["p50_annual"], surgeons["p50_hourly"]) == (208000.0, 100.0)
    # Management occupations: '#' in May 2020 and 2024, published in May 2022 (220,550)
    assert by_key[("2020A01", "11-0000")]["top_coded"] and by_key[("2024A01", "11-0000")]["top_coded"]
    assert not by_key[("2022A01", "11-0000")]["top_coded"]
    assert by_key[("2022A01", "11-0000")]["p90_annual"] == 220550.0
    # '**': Farm Labor Contractors' employment in May 2020; '*': actors' annual wages (hourly only)
    farm = by_key[("2020A01", "13-1074")]
    assert farm["employment"] is None and farm["employment_rse"] is None and farm["p50_annual"] == 47780.0
    actors = by_key[("2024A01", "27-2011")]
    assert actors["p50_annual"] is None and actors["mean_annual"] is None
    assert actors["p50_hourly"] == 23.33 and actors["employment"] == 38800.0 and not actors["top_coded"]
    # every '#' in the files is a top-coded cell, and no other cell is
    for year in (2020, 2022, 2024):
        rows = list(xlsx_rows(real(shared_data, year)))
        header = rows[0][1]
        wage = [header.index(c) for c in oews.WAGE_COLUMNS]
        marked = {v[header.index("OCC_CODE")] for _n, v in rows[1:] if any(v[i] == "#" for i in wage)}
        stored = {c["soc_code"] for c in cells(db, "release = ? AND top_coded", [f"{year}A01"])}
        assert stored == marked and marked


def test_older_years_leave_the_method_on_the_latest_release(shared_data: Path, fresh_db: Path) -> None:
    with Store(fresh_db) as store:
        before = OewsPriors.read(store)
        for year in YEARS:
            ingest_file(store, real(shared_data, year))
        after = OewsPriors.read(store)
        releases = store.query("SELECT DISTINCT release FROM oews ORDER BY 1")["release"].tolist()
    assert releases == ["2020A01", "2021A01", "2022A01", "2023A01", "2024A01", "2025A01"]
    assert after.release == before.release == "2025A01"
    assert after.reference_date == before.reference_date and after.cells == before.cells


def test_hybrid_codes_stand_for_2018_occupations(shared_data: Path) -> None:
    """Each May 2020 hybrid code is in the May 2020 workbook and the 2018 occupations it
    combines are in the May 2024 one; every role whose primary occupation May 2024 publishes
    finds its May 2020 cell (itself or the hybrid holding it)."""
    def codes(year: int) -> dict[str, str]:
        rows = list(xlsx_rows(real(shared_data, year)))
        header = rows[0][1]
        code, title = header.index("OCC_CODE"), header.index("OCC_TITLE")
        return {v[code]: v[title] for _n, v in rows[1:]}

    may2020, may2024 = codes(2020), codes(2024)
    for hybrid, parts in oews_reference.HYBRID_CODES.items():
        assert hybrid in may2020 and hybrid not in may2024, hybrid
        assert all(p in may2024 and p not in may2020 for p in parts), hybrid
    assert set(may2020) - set(may2024) == set(oews_reference.HYBRID_CODES)
    published = frozenset(may2020)
    assert oews_reference.published_code("15-1252", published) == "15-1256"
    assert oews_reference.published_code("15-1253", published) == "15-1256"
    assert oews_reference.published_code("15-2051", published) == "15-2098"
    assert oews_reference.published_code("15-1221", published) == "15-1221"
    assert oews_reference.published_code("15-1252", frozenset(may2024)) == "15-1252"
    assert oews_reference.soc_2018_codes("15-2098") == ("15-2051", "15-2099")
    for role in roles().values():
        if role.primary_soc in may2024:
            found = oews_reference.published_code(role.primary_soc, published)
            assert found is not None and role.primary_soc in oews_reference.soc_2018_codes(found), role.id


# --------------------------------------------------------------------------- values
VALUES: list[tuple[object, tuple[float | None, bool]]] = [
    ("#", (None, True)), (" # ", (None, True)),
    ("*", (None, False)), ("**", (None, False)), ("~", (None, False)), ("-", (None, False)),
    ("", (None, False)), ("   ", (None, False)), (None, (None, False)),
    ("1,234", (1234.0, False)), ("1,234,567.5", (1234567.5, False)), ("135980", (135980.0, False)),
    ("52.75", (52.75, False)), (" 0.1 ", (0.1, False)),
    (135980, (135980.0, False)), (52.75, (52.75, False)), (0, (0.0, False)),
]
BAD_VALUES: list[object] = ["n/a", "#N/A", "#VALUE!", "##", "***", "1,23", "12,3456", "1.2.3", "-5", "$100",
                            "1e5", "\u0661\u0662\u0663", "9" * 400, -5, 10**400, float("nan"), float("inf"),
                            True, "TRUE"]


@pytest.mark.parametrize(("cell", "want"), VALUES)
def test_workbook_value_table(cell: object, want: tuple[float | None, bool]) -> None:
    assert oews.workbook_value(cell) == want


@pytest.mark.parametrize("cell", BAD_VALUES)
def test_workbook_value_refuses(cell: object) -> None:
    with pytest.raises(oews.WorkbookValueError):
        oews.workbook_value(cell)


@given(st.one_of(st.integers(0, 10**12), st.floats(0, 1e12, allow_nan=False)))
def test_workbook_numbers_read_as_stored(number: float) -> None:
    assert oews.workbook_value(number) == (float(number), False)


@given(st.integers(0, 10**12), st.sampled_from(["", ".5", ".25", ".01"]), st.booleans(),
       st.sampled_from(["", " ", "\t"]))
def test_workbook_number_text(whole: int, fraction: str, grouped: bool, pad: str) -> None:
    """BLS writes numbers with or without thousands commas; both read as the number."""
    text = f"{whole:,}{fraction}" if grouped else f"{whole}{fraction}"
    value, top = oews.workbook_value(f"{pad}{text}{pad}")
    assert not top and value == float(f"{whole}{fraction}")
    assert oews.parse_value(text) == value  # the flat-file reader reads it alike


@given(st.text(max_size=12))
def test_workbook_value_reads_or_refuses(text: str) -> None:
    """Any text is a number, a marker or a WorkbookValueError; only a lone '#' is top-coded;
    what it reads as a number the flat-file reader reads alike."""
    try:
        value, top = oews.workbook_value(text)
    except oews.WorkbookValueError:
        return
    assert top == (text.strip() == "#")
    if value is not None:
        assert math.isfinite(value) and value >= 0 and oews.parse_value(text) == value
    else:
        assert text.strip() in {"", "#", *oews.MISSING_MARKERS}


# --------------------------------------------------------------------------- layouts
def national_row(code: str, values: dict[str, Any] | None = None) -> list[Any]:
    """A cross-industry national row of the May 2024 layout (the real row of 15-1252 Software
    Developers in national_M2024_dl.xlsx, with `values` put in)."""
    base: dict[str, Any] = {
        "AREA": "99", "AREA_TITLE": "U.S.", "AREA_TYPE": "1", "PRIM_STATE": "US", "NAICS": "000000",
        "NAICS_TITLE": "Cross-industry", "I_GROUP": "cross-industry", "OWN_CODE": "1235",
        "OCC_CODE": code, "OCC_TITLE": "Software Developers", "O_GROUP": "detailed", "TOT_EMP": 1654440,
        "EMP_PRSE": 0.7, "H_MEAN": 69.5, "A_MEAN": 144570, "MEAN_PRSE": 0.6, "H_PCT10": 38.39,
        "H_PCT25": 49.55, "H_MEDIAN": 63.98, "H_PCT75": 81.25, "H_PCT90": 101.66, "A_PCT10": 79850,
        "A_PCT25": 103050, "A_MEDIAN": 133080, "A_PCT75": 169000, "A_PCT90": 211450, "ANNUAL": "",
        "HOURLY": ""}
    base.update(values or {})
    return [base.get(c) for c in HEADER_2024]


def write_workbook(path: Path, rows: list[list[Any]], *, notes: list[list[Any]] | None = NOTES_2024,
                   header: list[str] = HEADER_2024) -> Path:
    """A workbook as BLS lays it out: the data sheet named like the file, then "Field
    Descriptions" (when `notes` is given)."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = path.stem
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    if notes is not None:
        described = book.create_sheet("Field Descriptions")
        for note in notes:
            described.append(note)
    book.save(path)
    return path


def area_row(area: str, title: str, kind: str, state: str, code: str, **values: Any) -> list[Any]:
    return national_row(code, {"AREA": area, "AREA_TITLE": title, "AREA_TYPE": kind, "PRIM_STATE": state,
                               "JOBS_1000": 9.5, "LOC_QUOTIENT": 1.4, **values})


def test_state_and_metro_rows(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "MSA_M2024_dl.xlsx", [
        area_row("41940", "San Jose-Sunnyvale-Santa Clara, CA", "4", "CA", "15-1252", A_MEDIAN=218000),
        area_row("0100001", "Northwest Alabama nonmetropolitan area", "6", "AL", "15-1252"),
        area_row("06", "California", "2", "CA", "15-1252"),
        area_row("72", "Puerto Rico", "3", "PR", "15-1252"),
    ])
    db = tmp_path / "s.duckdb"
    with Store(db) as store:
        result = ingest_file(store, path)
    assert (result.rows_read, result.rows_kept, result.rows_quarantined, result.rows_skipped) == (4, 4, 0, 0)
    assert result.notes[0] == "layout: BLS OEWS workbook (all areas, May 2024)"
    got = {c["area_code"]: (c["area_type"], c["state_fips"], c["cbsa"], c["area_name"]) for c in cells(db)}
    assert got == {
        "0041940": ("M", "06", "41940", "San Jose-Sunnyvale-Santa Clara, CA"),
        "0100001": ("M", "01", None, "Northwest Alabama nonmetropolitan area"),
        "0600000": ("S", "06", None, "California"),
        "7200000": ("S", "72", None, "Puerto Rico"),
    }
    metro = cells(db, "area_code = '0041940'")[0]
    assert (metro["p50_annual"], metro["jobs_per_1000"], metro["location_quotient"]) == (218000.0, 9.5, 1.4)


def test_industry_and_ownership_rows(tmp_path: Path) -> None:
    """National industry detail is kept for tech occupations only (as for flat files); the
    private-ownership cross-industry row is BLS's industry 000001; other ownerships and a
    repeated cell are skipped, each with its reason."""
    rows = [
        national_row("15-1252"),
        national_row("15-1252", {"O_GROUP": "broad"}),
        national_row("15-1252", {"OWN_CODE": "5", "A_MEDIAN": 135000}),
        national_row("15-1252", {"OWN_CODE": "1", "A_MEDIAN": 120000}),
        national_row("15-1252", {"NAICS": "541500", "I_GROUP": "4-digit", "OWN_CODE": "5"}),
        national_row("29-1141", {"NAICS": "541500", "I_GROUP": "4-digit", "OWN_CODE": "5"}),
    ]
    path = write_workbook(tmp_path / "national_M2024_dl.xlsx", rows)
    db = tmp_path / "i.duckdb"
    with Store(db) as store:
        result = ingest_file(store, path)
    assert (result.rows_read, result.rows_kept, result.rows_quarantined, result.rows_skipped) == (6, 3, 0, 3)
    assert result.notes[0] == "layout: BLS OEWS workbook (national, by industry, May 2024)"
    got = {(c["industry_code"], c["soc_code"]): c["p50_annual"] for c in cells(db)}
    assert got == {("000000", "15-1252"): 133080.0, ("000001", "15-1252"): 135000.0,
                   ("541500", "15-1252"): 133080.0}
    skipped = [n for n in result.notes if n.startswith("skipped")]
    assert len(skipped) == 3 and all(n.startswith("skipped 1: ") for n in skipped)


def test_bad_rows_are_quarantined(tmp_path: Path) -> None:
    rows = [
        national_row("15-1252"),
        national_row("Nov-21"),
        national_row("15-1253", {"AREA_TYPE": "9"}),
        national_row("15-1254", {"A_MEDIAN": "n/a"}),
        national_row("15-1255", {"TOT_EMP": "#"}),
        national_row("15-1211", {"AREA": "U.S."}),
        national_row("15-1212", {"NAICS": "54-15"}),
        [None] * len(HEADER_2024),  # an empty row is not a row
    ]
    path = write_workbook(tmp_path / "national_M2024_dl.xlsx", rows)
    db = tmp_path / "q.duckdb"
    with Store(db) as store:
        result = ingest_file(store, path)
        quarantine = store.query("SELECT row_number, reason, raw FROM quarantine ORDER BY row_number")
    assert (result.rows_read, result.rows_kept, result.rows_quarantined, result.rows_skipped) == (7, 1, 6, 0)
    assert quarantine["row_number"].tolist() == [2, 3, 4, 5, 6, 7]
    assert quarantine["reason"].tolist() == [
        "OCC_CODE 'Nov-21' is not an SOC code (NN-NNNN)",
        "AREA_TYPE '9' is not a BLS area type (1 U.S., 2 state, 3 territory, 4 metro, 6 nonmetro)",
        "A_MEDIAN 'n/a' is not a number or a BLS marker",
        "TOT_EMP '#' (the wage top code) in a column of counts",
        "AREA 'U.S.' is not an area code",
        "NAICS '54-15' is not an industry code",
    ]
    assert quarantine["raw"][0].startswith("99,U.S.,1,US,000000,Cross-industry")


def test_release_and_top_code_from_the_workbook_or_its_name(tmp_path: Path) -> None:
    top = national_row("11-1011", {"A_PCT90": "#", "H_PCT90": "#"})
    # the workbook's own note wins over the table (a hypothetical $120/$249,600 top code)
    note = [[n[0].replace("$115.00", "$120.00").replace("$239,200", "$249,600") if n and n[0] else None]
            for n in NOTES_2024]
    own = write_workbook(tmp_path / "renamed.xlsx", [top], notes=note)
    # no "Field Descriptions" sheet: the year from the sheet's name, the top code from the table
    bare = write_workbook(tmp_path / "national_M2021_dl.xlsx", [top], notes=None)
    # a year whose top code is not known and not written: '#' left empty, still flagged
    unknown = write_workbook(tmp_path / "national_M2019_dl.xlsx", [top], notes=None)
    got = {}
    for path in (own, bare, unknown):
        db = tmp_path / f"{path.stem}.duckdb"
        with Store(db) as store:
            result = ingest_file(store, path)
        [row] = cells(db)
        got[path.name] = (row["release"], row["p90_annual"], row["top_coded"], result.notes[1])
    assert got["renamed.xlsx"][:3] == ("2024A01", 249600.0, True)
    assert "Field Descriptions sheet's title \"May 2024 OEWS Estimates\"" in got["renamed.xlsx"][3]
    assert got["national_M2021_dl.xlsx"][:3] == ("2021A01", 208000.0, True)
    assert "sheet name 'national_M2021_dl'" in got["national_M2021_dl.xlsx"][3]
    assert got["national_M2019_dl.xlsx"][:3] == ("2019A01", None, True)


def test_workbooks_that_cannot_be_read(tmp_path: Path) -> None:
    nameless = write_workbook(tmp_path / "wages.xlsx", [national_row("15-1252")], notes=None)
    with Store(tmp_path / "e.duckdb") as store, pytest.raises(InputError, match="which May release"):
        ingest_file(store, nameless)
    lacking = write_workbook(tmp_path / "national_M2024_dl.xlsx", [national_row("15-1252")[:-8]],
                             header=HEADER_2024[:-8])
    with Store(tmp_path / "e.duckdb") as store, pytest.raises(
            InputError, match=r"not a BLS OEWS workbook: missing column\(s\) A_PCT10, A_PCT25, A_MEDIAN, "
                              r"A_PCT75, A_PCT90"):
        ingest_file(store, lacking, source="oews")
    # without --source too: the workbook's OCC_CODE column names the adapter, which says what
    # it lacks (a new-user trial got "an xlsx workbook named .xlsx; rename it to .xlsx")
    assert detect_source(lacking) == "oews"
    with Store(tmp_path / "e.duckdb") as store, pytest.raises(
            InputError, match=r"not a BLS OEWS workbook: missing column\(s\) A_PCT10"):
        ingest_file(store, lacking)
    other = tmp_path / "other.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["name", "pay"])  # type: ignore[union-attr]
    book.active.append(["x", 1])  # type: ignore[union-attr]
    book.save(other)
    with pytest.raises(InputError, match=r"^other.xlsx: an xlsx workbook whose first sheet's header "
                                         r"\(2 columns\) is neither a DOL LCA disclosure's nor a BLS OEWS"):
        detect_source(other)
    with Store(tmp_path / "e.duckdb") as store, pytest.raises(  # the columns, not rename advice
            InputError, match=r"^other.xlsx: not a BLS OEWS workbook: missing column\(s\) OCC_CODE"):
        ingest_file(store, other, source="oews")
    empty = write_workbook(tmp_path / "state_M2024_dl.xlsx", [])
    with Store(tmp_path / "e.duckdb") as store, pytest.raises(InputError, match="no data rows"):
        ingest_file(store, empty)


def test_a_cell_of_a_release_is_stored_once(shared_data: Path, tmp_path: Path) -> None:
    """A second file of the same release (an all-data workbook, a copy saved again) adds only
    the cells the store lacks."""
    db = tmp_path / "d.duckdb"
    copy = write_workbook(tmp_path / "national_M2024_dl.xlsx", [
        national_row("15-1252"), national_row("15-9999", {"OCC_TITLE": "Not a BLS occupation"})])
    with Store(db) as store:
        first = ingest_file(store, real(shared_data, 2024))
        second = ingest_file(store, copy)
        assert (second.rows_read, second.rows_kept, second.rows_skipped) == (2, 1, 1)
        assert "skipped 1: the release's cell is stored already from another file" in second.notes
        assert store.scalar("SELECT count(*) FROM oews") == first.rows_kept + 1


def test_status_names_each_layout(shared_data: Path, fresh_db: Path) -> None:
    from paybench import Paybench

    path = real(shared_data, 2020)
    shutil.copy(path, fresh_db.parent / path.name)
    with Paybench(fresh_db) as pb:
        pb.ingest([fresh_db.parent / path.name])
        found = pb.status()
    assert [(f.source, f.path, f.layout) for f in found.layouts] == [
        ("oews", str(fresh_db.parent / path.name), "BLS OEWS workbook (national, May 2020)")]
    cli = subprocess.run([sys.executable, "-m", "paybench", "status"], capture_output=True, text=True,
                         env={**os.environ, "PAYBENCH_DB": str(fresh_db)}, timeout=300, check=True)
    assert (f"  oews: {fresh_db.parent / path.name}: BLS OEWS workbook (national, May 2020)"
            in cli.stdout.splitlines())
