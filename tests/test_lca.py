"""H-1B LCA disclosure files: real layout (csv and xlsx), status filter, annualization,
quarantine, idempotence, SOC fallback, the real 2015-2019 sample through the
normalizers, and the CLI end to end."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from paybench.errors import InputError
from paybench.ingest import detect_source, ingest_file
from paybench.normalize.employers import employer_key
from paybench.normalize.industries import industry_for_naics
from paybench.normalize.places import metro_for_city, state_code
from paybench.normalize.roles import get_role
from paybench.normalize.titles import normalize_title
from paybench.reference import soc as soc_reference
from paybench.sources import lca
from paybench.store import Store

HEADER = list(lca.RECORD_LAYOUT)


def lca_row(**values: Any) -> dict[str, Any]:
    """One LCA row with every DOL column, realistic values; keyword arguments override."""
    row: dict[str, Any] = dict.fromkeys(HEADER, "")
    row.update({
        "CASE_NUMBER": "I-200-24275-123456", "CASE_STATUS": "Certified",
        "RECEIVED_DATE": "2024-10-01", "DECISION_DATE": "2024-10-08", "VISA_CLASS": "H-1B",
        "JOB_TITLE": "Software Engineer", "SOC_CODE": "15-1252.00", "SOC_TITLE": "Software Developers",
        "FULL_TIME_POSITION": "Y", "BEGIN_DATE": "2024-10-15", "END_DATE": "2027-10-14",
        "TOTAL_WORKER_POSITIONS": "1", "NEW_EMPLOYMENT": "0", "CONTINUED_EMPLOYMENT": "1",
        "CHANGE_PREVIOUS_EMPLOYMENT": "0", "NEW_CONCURRENT_EMPLOYMENT": "0", "CHANGE_EMPLOYER": "0",
        "AMENDED_PETITION": "0", "EMPLOYER_NAME": "GOOGLE LLC",
        "EMPLOYER_ADDRESS1": "1600 Amphitheatre Parkway", "EMPLOYER_CITY": "Mountain View",
        "EMPLOYER_STATE": "CA", "EMPLOYER_POSTAL_CODE": "94043",
        "EMPLOYER_COUNTRY": "UNITED STATES OF AMERICA", "EMPLOYER_PHONE": "+16502530000",
        "EMPLOYER_FEIN": "77-0493581", "NAICS_CODE": "519290", "EMPLOYER_POC_LAST_NAME": "Doe",
        "EMPLOYER_POC_FIRST_NAME": "Jane", "EMPLOYER_POC_JOB_TITLE": "Immigration Manager",
        "AGENT_REPRESENTING_EMPLOYER": "Yes", "LAWFIRM_NAME_BUSINESS_NAME": "Example Law LLP",
        "WORKSITE_WORKERS": "1", "SECONDARY_ENTITY": "No",
        "WORKSITE_ADDRESS1": "601 N 34th St", "WORKSITE_CITY": "Seattle", "WORKSITE_COUNTY": "KING",
        "WORKSITE_STATE": "WA", "WORKSITE_POSTAL_CODE": "98103",
        "WAGE_RATE_OF_PAY_FROM": "150000", "WAGE_RATE_OF_PAY_TO": "", "WAGE_UNIT_OF_PAY": "Year",
        "PREVAILING_WAGE": "142000", "PW_UNIT_OF_PAY": "Year", "PW_WAGE_LEVEL": "II",
        "PW_OES_YEAR": "7/1/2024 - 6/30/2025", "TOTAL_WORKSITE_LOCATIONS": "1",
        "AGREE_TO_LC_STATEMENT": "Yes", "H-1B_DEPENDENT": "No", "WILLFUL_VIOLATOR": "No",
        "PUBLIC_DISCLOSURE": "Disclose Business",
    })
    row.update(values)
    return row


def write_csv(path: Path, rows: list[dict[str, Any]], header: list[str] | None = None) -> Path:
    header = header or HEADER
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(c, "") for c in header])
    return path


def _xlsx_value(column: str, value: Any) -> Any:
    """Typed as DOL's xlsx holds them: dates as dates, wages and counts as numbers."""
    if value == "":
        return None
    if column.endswith("_DATE") and isinstance(value, str) and value[4:5] == "-":
        return dt.datetime.fromisoformat(value)
    if column in ("WAGE_RATE_OF_PAY_FROM", "WAGE_RATE_OF_PAY_TO", "PREVAILING_WAGE"):
        try:
            return float(value)
        except (TypeError, ValueError):
            return value
    return value


def write_xlsx(path: Path, rows: list[dict[str, Any]], header: list[str] | None = None) -> Path:
    header = header or HEADER
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append([_xlsx_value(c, row.get(c, "")) for c in header])
    book.save(path)
    return path


def ingest(db: Path, path: Path) -> Any:
    with Store(db) as store:
        return ingest_file(store, path)


def observations(db: Path) -> list[dict[str, Any]]:
    with Store(db) as store:
        frame = store.query("SELECT * FROM observations WHERE source = 'lca' ORDER BY row_number")
    frame = frame.astype(object).where(frame.notna(), None)
    return frame.to_dict("records")


def quarantine(db: Path) -> list[str]:
    with Store(db) as store:
        return list(store.query(
            "SELECT reason FROM quarantine WHERE source = 'lca' ORDER BY row_number")["reason"])


STATUS_ROWS = [
    lca_row(CASE_NUMBER="I-200-24275-000001", WAGE_RATE_OF_PAY_FROM="60", WAGE_UNIT_OF_PAY="Hour"),
    lca_row(CASE_NUMBER="I-200-24275-000002", CASE_STATUS="Certified - Withdrawn"),
    lca_row(CASE_NUMBER="I-200-24275-000003", CASE_STATUS="Denied"),
    lca_row(CASE_NUMBER="I-200-24275-000004", CASE_STATUS="Withdrawn"),
    lca_row(CASE_NUMBER="I-200-24276-000005", JOB_TITLE="Senior Data Scientist", SOC_CODE="15-2051.00",
            EMPLOYER_NAME="Google LLC.", RECEIVED_DATE="10/2/2024", DECISION_DATE="10/9/2024",
            WAGE_RATE_OF_PAY_FROM="$150,000.00", WAGE_RATE_OF_PAY_TO="$180,000.00",
            PW_WAGE_LEVEL="III", WORKSITE_CITY="NEW YORK", WORKSITE_STATE="NY",
            WORKSITE_POSTAL_CODE="10011", NAICS_CODE="522110", FULL_TIME_POSITION="N"),
]


def test_certified_rows_become_filed_observations(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    result = ingest(db, write_csv(tmp_path / "LCA_Disclosure_Data_FY2025_Q1.csv", STATUS_ROWS))
    assert (result.source, result.rows_read, result.rows_kept) == ("lca", 5, 2)
    assert result.rows_skipped == 3 and result.rows_quarantined == 0
    assert any("Certified - Withdrawn 1" in n and "Denied 1" in n and "Withdrawn 1" in n
               for n in result.notes)
    first, second = observations(db)
    assert first["kind"] == "filed" and first["component"] == "base" and first["currency"] == "USD"
    assert first["annual_usd"] == 124_800  # $60/hour x 2,080 hours
    assert first["amount_raw"] == 60 and first["period"] == "hour"
    assert (first["role"], first["level"], first["level_basis"]) == ("software-engineer", "mid", "wage_level")
    assert (first["country"], first["state"], first["metro"]) == ("US", "WA", "42660")
    assert first["employer"] == "Google" and first["industry"] == "Internet & information services"
    assert first["employment_type"] == "full_time"
    assert first["observed_on"].date() == dt.date(2024, 10, 1)
    # "$150,000.00"-"$180,000.00" a year: the point figure is the offered floor (FROM)
    assert (second["annual_usd"], second["annual_usd_min"], second["annual_usd_max"]) == (
        150_000, 150_000, 180_000)
    assert second["amount_raw_max"] == 180_000
    assert (second["role"], second["level"]) == ("data-scientist", "senior")
    assert second["employer"] == "Google" and second["industry"] == "Banking"
    assert (second["state"], second["metro"]) == ("NY", "35620")
    assert second["employment_type"] == "part_time"
    assert second["observed_on"].date() == dt.date(2024, 10, 2)  # '10/2/2024'
    assert first["dedup_key"] != second["dedup_key"]


@pytest.mark.parametrize(("amount", "unit", "annual"), [
    ("60", "Hour", 124_800.0),  # 60 x 2,080
    ("72.12", "Hour", 150_009.6),  # 72.12 x 2,080
    ("2500", "Week", 130_000.0),  # 2,500 x 52
    ("5000.00", "Bi-Weekly", 130_000.0),  # 5,000 x 26
    ("10000", "Month", 120_000.0),  # 10,000 x 12
    ("$95,000.00", "Year", 95_000.0),
    ("150000", "Year", 150_000.0),
])
def test_units_annualized(tmp_path: Path, amount: str, unit: str, annual: float) -> None:
    db = tmp_path / "s.duckdb"
    row = lca_row(WAGE_RATE_OF_PAY_FROM=amount, WAGE_UNIT_OF_PAY=unit)
    ingest(db, write_csv(tmp_path / "lca.csv", [row]))
    [obs] = observations(db)
    assert obs["annual_usd"] == pytest.approx(annual)
    assert obs["annual_usd_min"] == pytest.approx(annual) == obs["annual_usd_max"]


def test_hourly_range_keeps_floor_and_top(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    rows = [lca_row(WAGE_RATE_OF_PAY_FROM="60", WAGE_RATE_OF_PAY_TO="70", WAGE_UNIT_OF_PAY="Hour"),
            lca_row(CASE_NUMBER="I-200-24275-777777", WAGE_RATE_OF_PAY_FROM="120000",
                    WAGE_RATE_OF_PAY_TO="0")]  # TO not above FROM: no range
    ingest(db, write_csv(tmp_path / "lca.csv", rows))
    ranged, single = observations(db)
    assert (ranged["annual_usd"], ranged["annual_usd_min"], ranged["annual_usd_max"]) == (
        124_800, 124_800, 145_600)
    assert single["amount_raw_max"] is None
    assert single["annual_usd_max"] == 120_000


def test_missing_columns_one_line_error(tmp_path: Path) -> None:
    header = [c for c in HEADER if c not in ("WAGE_RATE_OF_PAY_FROM", "WAGE_UNIT_OF_PAY")]
    for path in (write_csv(tmp_path / "lca.csv", [lca_row()], header),
                 write_xlsx(tmp_path / "lca.xlsx", [lca_row()], header)):
        assert detect_source(path) == "lca"
        with pytest.raises(InputError) as info:
            ingest(tmp_path / "s.duckdb", path)
        message = str(info.value)
        assert "\n" not in message
        assert "missing column(s) WAGE_RATE_OF_PAY_FROM, WAGE_UNIT_OF_PAY" in message
    with Store(tmp_path / "s.duckdb") as store:
        assert store.scalar("SELECT count(*) FROM ingests") == 0


def test_reordered_and_extra_columns_accepted(tmp_path: Path) -> None:
    header = [*HEADER, "FY_QUARTER", "EXTRA_NOTE"]
    random.Random(7).shuffle(header)
    rows = [dict(r, FY_QUARTER="Q1", EXTRA_NOTE="x") for r in STATUS_ROWS]
    db_a, db_b = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    ingest(db_a, write_csv(tmp_path / "plain.csv", STATUS_ROWS))
    result = ingest(db_b, write_csv(tmp_path / "shuffled.csv", rows, header))
    assert (result.rows_kept, result.rows_skipped) == (2, 3)
    keep = ("role", "level", "annual_usd", "metro", "employer", "observed_on", "dedup_key")
    assert [{k: o[k] for k in keep} for o in observations(db_a)] == [
        {k: o[k] for k in keep} for o in observations(db_b)]


def test_bad_rows_quarantined_with_reasons(tmp_path: Path) -> None:
    bad = [
        lca_row(CASE_NUMBER="I-1", WAGE_RATE_OF_PAY_FROM="N/A"),
        lca_row(CASE_NUMBER="I-2", WAGE_UNIT_OF_PAY="Per Piece"),
        lca_row(CASE_NUMBER="I-3", RECEIVED_DATE="13/45/2024"),
        lca_row(CASE_NUMBER="I-4", JOB_TITLE="", SOC_CODE=""),
        lca_row(CASE_NUMBER="I-5", WAGE_RATE_OF_PAY_FROM="150000", WAGE_UNIT_OF_PAY="Hour"),
        lca_row(CASE_NUMBER="I-6", WAGE_RATE_OF_PAY_FROM=""),
        lca_row(CASE_NUMBER="I-7", WAGE_RATE_OF_PAY_FROM="45", WAGE_UNIT_OF_PAY="Year"),
        lca_row(CASE_NUMBER="I-8", RECEIVED_DATE="", DECISION_DATE="", BEGIN_DATE=""),
        lca_row(CASE_NUMBER="I-9", RECEIVED_DATE="1899-01-01"),
        lca_row(CASE_NUMBER="I-10"),
        lca_row(CASE_NUMBER="I-11", JOB_TITLE=""),  # no title, but its SOC code names the role
    ]
    db = tmp_path / "s.duckdb"
    result = ingest(db, write_csv(tmp_path / "lca.csv", bad))
    assert (result.rows_kept, result.rows_quarantined) == (2, 9)
    assert [o["role"] for o in observations(db)] == ["software-engineer", "software-engineer"]
    reasons = quarantine(db)
    assert reasons[0] == "WAGE_RATE_OF_PAY_FROM 'N/A' is not an amount"
    assert reasons[1].startswith("unknown WAGE_UNIT_OF_PAY 'Per Piece'")
    assert reasons[2] == "RECEIVED_DATE '13/45/2024' is not a date"
    assert reasons[3] == "JOB_TITLE and SOC_CODE are empty"
    assert reasons[4].startswith("wage implausible: annual pay $312,000,000 is above")
    assert reasons[5] == "WAGE_RATE_OF_PAY_FROM is empty"
    assert reasons[6].startswith("wage implausible: annual pay $45 is below")
    assert reasons[7] == "no RECEIVED_DATE, DECISION_DATE or BEGIN_DATE"
    assert reasons[8].startswith("RECEIVED_DATE 1899-01-01 is out of range")
    with Store(db) as store:
        raw = store.scalar("SELECT raw FROM quarantine WHERE row_number = 1")
    assert raw.startswith("I-1,Certified,2024-10-01")


def test_short_row_quarantined(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "lca.csv", [lca_row()])
    with path.open("a", encoding="utf-8") as handle:
        handle.write("I-200-24275-999999,Certified,2024-10-01\n")
    db = tmp_path / "s.duckdb"
    result = ingest(db, path)
    assert (result.rows_kept, result.rows_quarantined) == (1, 1)
    assert quarantine(db) == [f"expected {len(HEADER)} fields, found 3"]


def test_idempotent_and_same_cases_in_xlsx_add_nothing(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    first = ingest(db, write_csv(tmp_path / "lca.csv", STATUS_ROWS))
    again = ingest(db, tmp_path / "lca.csv")
    assert first.rows_kept == 2 and again.already_ingested
    # the same cases re-published in an xlsx file: stored once (dedup by CASE_NUMBER)
    xlsx = ingest(db, write_xlsx(tmp_path / "lca.xlsx", STATUS_ROWS))
    assert not xlsx.already_ingested and xlsx.rows_kept == 0 and xlsx.rows_skipped == 5
    assert len(observations(db)) == 2


def test_xlsx_reads_like_csv(tmp_path: Path) -> None:
    db_csv, db_xlsx = tmp_path / "c.duckdb", tmp_path / "x.duckdb"
    path = write_xlsx(tmp_path / "LCA_Disclosure_Data_FY2025_Q1.xlsx", STATUS_ROWS)
    assert lca.sniff_path(path) and detect_source(path) == "lca"
    assert lca.read_xlsx_header(path) == HEADER
    ingest(db_csv, write_csv(tmp_path / "lca.csv", STATUS_ROWS))
    result = ingest(db_xlsx, path)
    assert (result.rows_kept, result.rows_skipped) == (2, 3)
    keep = ("role", "level", "annual_usd", "annual_usd_max", "metro", "state", "employer",
            "industry", "observed_on", "dedup_key", "employment_type")
    assert [{k: o[k] for k in keep} for o in observations(db_csv)] == [
        {k: o[k] for k in keep} for o in observations(db_xlsx)]


def test_other_xlsx_not_claimed(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["AREA", "OCC_CODE", "A_MEDIAN"])
    sheet.append(["99", "15-1252", 132270])
    book.save(tmp_path / "other.xlsx")
    assert not lca.sniff_path(tmp_path / "other.xlsx")
    (tmp_path / "fake.xlsx").write_text("CASE_NUMBER,CASE_STATUS\n", encoding="utf-8")
    assert not lca.sniff_path(tmp_path / "fake.xlsx")


def test_soc_fallback_and_levels(tmp_path: Path) -> None:
    rows = [
        lca_row(CASE_NUMBER="I-A", JOB_TITLE="Associate", SOC_CODE="15-1252.00", PW_WAGE_LEVEL="I"),
        lca_row(CASE_NUMBER="I-B", JOB_TITLE="Senior Associate", SOC_CODE="15-2051", PW_WAGE_LEVEL=""),
        lca_row(CASE_NUMBER="I-C", JOB_TITLE="Associate", SOC_CODE="15-1299.08"),
        lca_row(CASE_NUMBER="I-D", JOB_TITLE="Engineering Manager", SOC_CODE="11-3021.00",
                PW_WAGE_LEVEL="II"),
        lca_row(CASE_NUMBER="I-E", JOB_TITLE="Consultant", SOC_CODE="15-1132", PW_WAGE_LEVEL="IV"),
    ]
    db = tmp_path / "s.duckdb"
    result = ingest(db, write_csv(tmp_path / "lca.csv", rows))
    a, b, c, d, e = observations(db)
    assert (a["role"], a["role_confidence"], a["level"], a["level_basis"]) == (
        "software-engineer", lca.SOC_ROLE_CONFIDENCE, "entry", "wage_level")
    assert (b["role"], b["level"], b["level_basis"]) == ("data-scientist", "senior", "title")
    assert c["role"] is None and c["role_confidence"] is None  # 15-1299 names no role
    assert (d["role"], d["level"], d["level_basis"]) == ("engineering-manager", "manager", "title")
    assert e["role"] == "software-engineer" and e["level"] == "staff"  # 2010 SOC 15-1132
    assert any("role from SOC_CODE for 3 titles" in n for n in result.notes)


def test_soc_defaults_are_primary_roles() -> None:
    for soc, role_id in lca.SOC_DEFAULT_ROLE.items():
        assert get_role(role_id).primary_soc == soc, (soc, role_id)
    from paybench.reference import soc

    for old, new in soc.SOC_2010_TO_2018.items():  # 2010 codes gone in 2018, to 2018 codes
        assert old.startswith("15-") and old not in soc.soc_titles() and new in soc.soc_titles()
    assert lca.soc_role("15-1252.00") == "software-engineer" and lca.soc_role("151252") == "software-engineer"
    assert lca.soc_role("15-1299") is None and lca.soc_role("") is None


def test_real_h1b_sample_through_normalizers(shared_data: Path, tmp_path: Path) -> None:
    """The 2015-2019 sample (older layout, prevailing wage only): measure the normalizers
    on real filings; the adapter refuses the file, so its prevailing wage is never pay."""
    path = shared_data / "h1b-2015-2019" / "h1b_sample.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 10_000
    titles = Counter(r["JOB_TITLE"] for r in rows)
    title_role = {t: normalize_title(t).role for t in titles}
    by_title = sum(1 for r in rows if title_role[r["JOB_TITLE"]])
    by_soc = sum(1 for r in rows if not title_role[r["JOB_TITLE"]] and lca.soc_role(r["SOC_CODE"]))
    places = Counter((r["WORKSITE_CITY"], r["WORKSITE_STATE_ABB"]) for r in rows)
    place_metro = {p: (state_code(p[1]), metro_for_city(*p)) for p in places}
    with_state = sum(n for p, n in places.items() if place_metro[p][0])
    with_metro = sum(n for p, n in places.items() if place_metro[p][1])
    raw_employers = {r["EMPLOYER_NAME"] for r in rows}
    upper_employers = {r["EMPLOYER_NAME"].strip().upper() for r in rows}
    keys = {employer_key(r["EMPLOYER_NAME"]) for r in rows}
    tech = [r for r in rows if r["SOC_CODE"].startswith("15-1")]
    tech_role = sum(1 for r in tech if title_role[r["JOB_TITLE"]] or lca.soc_role(r["SOC_CODE"]))
    print(f"\nh1b_sample: {len(rows):,} rows, {len(titles):,} distinct titles")
    print(f"  rows whose title gets a role: {by_title:,} ({by_title / len(rows):.1%}); "
          f"plus by SOC fallback: {by_soc:,} ({(by_title + by_soc) / len(rows):.1%} in all)")
    print(f"  computer occupations (SOC 15-1xxx): {tech_role:,}/{len(tech):,} get a role "
          f"({tech_role / len(tech):.1%})")
    print(f"  worksites with a state: {with_state / len(rows):.1%}; with a metro: "
          f"{with_metro:,} ({with_metro / len(rows):.1%}); distinct worksites {len(places):,}")
    print(f"  employers: {len(raw_employers):,} raw spellings, {len(upper_employers):,} "
          f"case-folded, {len(keys):,} after normalization")
    assert by_title / len(rows) > 0.5 and tech_role / len(tech) > 0.9
    assert with_state == len(rows) and with_metro / len(rows) > 0.9
    assert len(keys) < len(upper_employers) < len(raw_employers) + 1
    assert employer_key("COGNIZANT TECHNOLOGY SOLUTIONS US CORP") == employer_key(
        "COGNIZANT TECHNOLOGY SOLUTIONS U.S. CORPORATION")
    # The older layout has no offered wage: the adapter refuses it, naming what is missing.
    copy = shutil.copy(path, tmp_path / "h1b_sample.csv")
    assert detect_source(Path(copy)) == "lca"
    with pytest.raises(InputError, match=r"missing column.*WAGE_RATE_OF_PAY_FROM"):
        ingest(tmp_path / "s.duckdb", Path(copy))


def _observation(db: Path, case: str) -> dict[str, Any]:
    with Store(db) as store:
        frame = store.query("SELECT * FROM observations WHERE source = 'lca' AND dedup_key = ?",
                            [lca_dedup(case)])
    assert len(frame) == 1, case
    return frame.astype(object).where(frame.notna(), None).to_dict("records")[0]


def lca_dedup(case: str) -> str:
    import hashlib

    return hashlib.sha1(f"lca\x1f{case.upper()}".encode()).hexdigest()


def test_real_fy2017_layout(shared_data: Path, tmp_path: Path) -> None:
    """DOL's FY2015-FY2019 layout (CASE_SUBMITTED, EMPLOYMENT_START_DATE; semicolons, dates
    as spreadsheet serial numbers written as text, 'Level II', TO '0.0'): read by name."""
    path = shared_data / "lca" / "h1b_fy2017_sample.csv"
    assert detect_source(path) == "lca"
    db = tmp_path / "s.duckdb"
    result = ingest(db, path)
    assert (result.rows_read, result.rows_quarantined) == (9_948, 0)
    # 8,656 CERTIFIED rows, of which 49 repeat a case already read (a sample drawn with
    # replacement): stored once, counted as skipped
    assert (result.rows_kept, result.rows_skipped) == (8_607, 1_292 + 49)
    assert any("CERTIFIED-WITHDRAWN 831, WITHDRAWN 345, DENIED 116" in n for n in result.notes)
    row = _observation(db, "I-200-17076-218988")  # 42811.0;...;Level II;111000.0;0.0;Year
    assert row["observed_on"].date() == dt.date(2017, 3, 17)  # serial 42811; the case number says day 076
    # "SENIOR SOFTWARE ENGINEER" at "Level II": the wage level wins over a non-leadership title
    assert (row["role"], row["level"], row["level_basis"]) == ("software-engineer", "mid", "wage_level")
    assert (row["annual_usd"], row["amount_raw_max"]) == (111_000, None)
    assert (row["state"], row["metro"], row["employment_type"]) == ("MA", "14460", "full_time")


def test_real_fy2014_layout(shared_data: Path, tmp_path: Path) -> None:
    """DOL's layout before FY2015 (LCA_CASE_*, STATUS, FULL_TIME_POS, LCA_CASE_WORKLOC1_*; a
    leading unnamed index column, NAICS '621320.0')."""
    path = shared_data / "lca" / "lca_fy2014_sample.csv"
    assert detect_source(path) == "lca"
    db = tmp_path / "s.duckdb"
    result = ingest(db, path)
    assert (result.rows_read, result.rows_kept, result.rows_quarantined) == (2_000, 171, 0)
    assert result.rows_skipped == 1_829
    row = _observation(db, "I-200-09162-143337")
    assert row["observed_on"].date() == dt.date(2014, 3, 17)  # LCA_CASE_SUBMIT '2014-03-17 11:11:45'
    assert row["raw_title"] == "OPTOMETRIST" and row["annual_usd"] == 65_000
    assert (row["state"], row["industry"]) == ("IN", industry_for_naics("621320").label)


# Issue 16: each real DOL file ingests with counts that add up, each count with its reason,
# its layout named in status, and a few of its rows read as DOL wrote them.
REAL_FILES = {
    "lca/lca_fy2020_q1_sample.csv": (
        (5_000, 4_415, 3, 582),  # row 4162: no JOB_TITLE, its SOC_CODE 15-1132 gives the role
        "DOL LCA disclosure, FY2020 onwards (RECEIVED_DATE, BEGIN_DATE, WORKSITE_*)",
        ["skipped 582 cases not Certified (Certified - Withdrawn 474, Withdrawn 94, Denied 14)",
         "values a spreadsheet changed: 507 ZIP codes without their leading zero read with it, 188 SOC "
         "codes turned into dates ('Nov-21'), 182 restored by SOC_TITLE, 4,415 dates as M/D/YYYY text"]),
    "lca/h1b_fy2017_sample.csv": (
        (9_948, 8_607, 0, 1_341),
        "DOL LCA disclosure, FY2015-FY2019 (CASE_SUBMITTED, EMPLOYMENT_START_DATE), semicolon-separated",
        ["skipped 1,292 cases not Certified (CERTIFIED-WITHDRAWN 831, WITHDRAWN 345, DENIED 116)",
         "49 cases already stored or repeated in the file (same CASE_NUMBER) skipped",
         "8,656 dates as serial day numbers"]),
    "lca/lca_fy2014_sample.csv": (
        (2_000, 171, 0, 1_829),
        "DOL LCA disclosure, before FY2015 (LCA_CASE_*, first worksite LCA_CASE_WORKLOC1_*), "
        "semicolon-separated",
        ["skipped 1,829 cases not Certified (CERTIFIED-WITHDRAWN 1,386, WITHDRAWN 433, DENIED 10)"]),
}


@pytest.mark.parametrize("name", list(REAL_FILES))
def test_real_file_counts_add_up_with_reasons_and_layout(shared_data: Path, fresh_db: Path,
                                                         name: str) -> None:
    counts, layout, notes = REAL_FILES[name]
    path = shared_data / name
    with Store(fresh_db) as store:
        result = ingest_file(store, path)
        assert (result.rows_read, result.rows_kept, result.rows_quarantined, result.rows_skipped) == counts
        assert result.rows_read == result.rows_kept + result.rows_quarantined + result.rows_skipped
        assert result.notes[0] == f"layout: {layout}"
        for note in notes:
            assert any(note in n for n in result.notes), (note, result.notes)
        assert store.file_layouts().to_dict("records") == [
            {"source": "lca", "path": str(path), "layout": layout}]
        quarantined = store.scalar("SELECT count(*) FROM quarantine WHERE source = 'lca'")
        assert quarantined == counts[2]


def test_real_fy2020_rows_a_spreadsheet_touched(shared_data: Path, tmp_path: Path) -> None:
    """lca_fy2020_q1_sample.csv, which went through a spreadsheet program: M/D/YYYY dates,
    ZIP codes without their leading zero, SOC codes turned into dates ('Nov-21' for 11-3021)
    and SOC 2010 codes: known rows, read back (employer, metro, annual wage, level, role)."""
    db = tmp_path / "s.duckdb"
    ingest(db, shared_data / "lca" / "lca_fy2020_q1_sample.csv")
    # RECEIVED_DATE '9/25/2019'; 'JO-ANN STORES, INC.' at Hudson, OH 44224 (Akron metro), 100000 Year, IV
    first = _observation(db, "I-200-19268-393467")
    assert (first["observed_on"].date(), first["employer"], first["metro"]) == (
        dt.date(2019, 9, 25), "JO Ann Stores", "10420")
    assert (first["annual_usd"], first["level"], first["level_basis"]) == (100_000, "staff", "wage_level")
    # ZIP '7981' (Whippany, NJ 07981): New York-Newark-Jersey City
    whippany = _observation(db, "I-200-19268-363404")
    assert (whippany["employer"], whippany["state"], whippany["metro"], whippany["annual_usd"]) == (
        "Tech Matrix", "NJ", "35620", 80_000)
    # ZIP '2895' (Woonsocket, RI 02895): Providence-Warwick; 'SR. ANDROID DEVELOPER' at level II
    woonsocket = _observation(db, "I-200-19268-418024")
    assert (woonsocket["metro"], woonsocket["role"], woonsocket["level"]) == (
        "39300", "android-developer", "mid")
    # SOC 'Nov-21' + SOC_TITLE 'COMPUTER AND INFORMATION SYSTEMS MANAGERS' = 11-3021: the role
    # of a title that names none ('TEAM LEAD'); ZIP '1803' (Burlington, MA 01803): Boston
    lead = _observation(db, "I-200-19267-451922")
    assert (lead["role"], lead["role_confidence"], lead["level"], lead["metro"]) == (
        "it-manager", lca.SOC_ROLE_CONFIDENCE, "mid", "14460")
    assert (lead["annual_usd"], lead["annual_usd_max"], lead["employer"]) == (
        132_080, 165_000, "State Street")  # the bank grouped under its parent (employer aliases)
    # SOC 2010 15-1132 (Software Developers, Applications) = 2018 15-1252 for 'POWER BI ADMINISTRATOR'
    admin = _observation(db, "I-200-19268-051420")
    assert (admin["role"], admin["role_confidence"], admin["level"], admin["annual_usd"]) == (
        "software-engineer", lca.SOC_ROLE_CONFIDENCE, "senior", 110_000)
    # an hourly wage: 38.57 an hour x 2,080
    hourly = _observation(db, "I-200-19268-638983")
    assert (hourly["period"], hourly["annual_usd"], hourly["metro"]) == (
        "hour", pytest.approx(80_225.6), "34980")


@pytest.mark.parametrize("code, title, expected", [
    ("Nov-21", "COMPUTER AND INFORMATION SYSTEMS MANAGERS", "11-3021"),
    ("Nov-21", "COMPUTER AND INFORMATION SYSTEMS MANAGER", "11-3021"),
    ("Nov-21", "MARKETING MANAGERS", "11-2021"),
    ("Nov-21", "CONSTRUCTION MANAGERS", "11-9021"),
    ("Nov-99", "MANAGERS, ALL OTHER", "11-9199"),
    ("Nov-31", "PUBLIC RELATIONS AND FUNDRAISING MANAGERS", None),  # 2010's 11-2031, split in 2018
    ("Nov-21", "", None),                                          # five codes end in 21
    ("15-1132", "SOFTWARE DEVELOPERS, APPLICATIONS", "15-1252"),
    ("15-1199.02", "COMPUTER OCCUPATIONS, ALL OTHER", "15-1299"),
    ("151121", "", "15-1211"),
    ("15-2051.00", "Data Scientists", "15-2051"),
    ("n/a", "", None),
])
def test_soc_codes_as_filings_write_them(code: str, title: str, expected: str | None) -> None:
    assert soc_reference.soc_2018(code, title) == expected


@given(st.sampled_from(sorted(k for k in soc_reference.soc_titles() if k.startswith("11-"))))
def test_a_management_code_a_spreadsheet_turned_into_a_date_comes_back(code: str) -> None:
    """Every 2018 code of major group 11 (the only one a spreadsheet reads as a month), written
    as the spreadsheet shows it ("Mmm-YY"), comes back from its title."""
    shown = f"Nov-{code[-2:]}"
    assert soc_reference.is_spreadsheet_date(shown)
    assert soc_reference.restore_spreadsheet_soc(shown, soc_reference.soc_titles()[code].upper()) == code


def test_older_layout_reasons_name_the_files_columns(tmp_path: Path) -> None:
    header = ["", "LCA_CASE_NUMBER", "STATUS", "LCA_CASE_SUBMIT", "DECISION_DATE",
              "LCA_CASE_EMPLOYMENT_START_DATE", "LCA_CASE_EMPLOYER_NAME", "LCA_CASE_SOC_CODE",
              "LCA_CASE_JOB_TITLE", "LCA_CASE_WAGE_RATE_FROM", "LCA_CASE_WAGE_RATE_TO",
              "LCA_CASE_WAGE_RATE_UNIT", "FULL_TIME_POS", "LCA_CASE_WORKLOC1_CITY",
              "LCA_CASE_WORKLOC1_STATE", "LCA_CASE_NAICS_CODE"]
    good = ["0", "I-200-1", "CERTIFIED", "2014-03-17 11:11:45", "", "", "ACME INC", "15-1132",
            "SOFTWARE ENGINEER", "95000.0", "", "Year", "Y", "BOSTON", "MA", "541511.0"]
    rows = [good, [*good[:1], "I-200-2", *good[2:9], "N/A", *good[10:]],
            [*good[:1], "I-200-3", *good[2:3], "someday", *good[4:]],
            [*good[:1], "I-200-4", *good[2:11], "", *good[12:]]]
    path = tmp_path / "fy2014.csv"
    path.write_text("\n".join(";".join(r) for r in [header, *rows]) + "\n", encoding="utf-8")
    db = tmp_path / "s.duckdb"
    result = ingest(db, path)
    assert (result.rows_kept, result.rows_quarantined) == (1, 3)
    assert quarantine(db) == ["LCA_CASE_WAGE_RATE_FROM 'N/A' is not an amount",
                              "LCA_CASE_SUBMIT 'someday' is not a date",
                              "LCA_CASE_WAGE_RATE_UNIT is empty"]


def _run(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PAYBENCH_DB": str(db)}
    return subprocess.run([sys.executable, "-m", "paybench", *args], capture_output=True, text=True,
                          env=env, timeout=600)


def test_cli_ingest_xlsx_then_bench(tmp_path: Path, fresh_db: Path) -> None:
    rng = random.Random(3)
    titles = ["Senior Software Engineer", "SOFTWARE ENGINEER III", "Sr. Software Developer"]
    rows = [lca_row(CASE_NUMBER=f"I-200-25010-{i:06d}", JOB_TITLE=rng.choice(titles),
                    PW_WAGE_LEVEL="III", WAGE_RATE_OF_PAY_FROM=str(rng.randint(165, 215) * 1000),
                    RECEIVED_DATE="2025-01-10",
                    EMPLOYER_NAME=rng.choice(["GOOGLE LLC", "Amazon.com Services LLC"]),
                    WORKSITE_CITY="Seattle", WORKSITE_STATE="WA", WORKSITE_POSTAL_CODE="98109")
            for i in range(12)]
    path = write_xlsx(tmp_path / "LCA_Disclosure_Data_FY2025_Q2.xlsx", rows)
    done = _run("ingest", str(path), db=fresh_db)
    assert done.returncode == 0, done.stderr
    assert "lca: read 12 rows, kept 12" in " ".join(done.stdout.split())
    bench = _run("bench", "--role", "software-engineer", "--level", "senior", "--place", "Seattle, WA",
                 "--json", db=fresh_db)
    assert bench.returncode == 0, bench.stderr
    cell = json.loads(bench.stdout)
    filed = [s for s in cell["sources"] if s["source"] == "lca"]
    assert filed and all(s["kind"] == "filed" for s in filed)
    assert any(s["n"] == 12 and s["detail"] == "in this cell" for s in filed)


def test_cli_refuses_missing_columns(tmp_path: Path) -> None:
    header = [c for c in HEADER if c != "WORKSITE_STATE"]
    path = write_csv(tmp_path / "lca.csv", [lca_row()], header)
    done = _run("ingest", str(path), db=tmp_path / "s.duckdb")
    assert done.returncode == 1
    assert done.stderr.strip().count("\n") == 0 and "Traceback" not in done.stderr
    assert "missing column(s) WORKSITE_STATE" in done.stderr + done.stdout


def _fy2020_rows_with(shared_data: Path, tmp_path: Path,
                      changes: list[dict[str, str]]) -> tuple[list[dict[str, str]], Path]:
    """The first 5 rows of the real FY2020 sample, the first ones changed by `changes` (one
    dict of fields per row), written to a file in the sample's own layout: (rows, path)."""
    source = shared_data / "lca" / "lca_fy2020_q1_sample.csv"
    with source.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header = list(reader.fieldnames or [])
        rows = [r for _, r in zip(range(5), reader, strict=False)]
    for i, change in enumerate(changes):
        rows[i] = {**rows[i], **change}
    path = tmp_path / "zz.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return rows, path


def test_a_worksite_state_that_is_no_state_is_said(shared_data: Path, tmp_path: Path) -> None:
    """A real FY2020 row with WORKSITE_STATE 'ZZ', no ZIP and an unknown city is kept in the US
    with no state or metro, and the ingest's notes say how many (a new-user trial found it
    silent)."""
    rows, path = _fy2020_rows_with(shared_data, tmp_path, [
        {"WORKSITE_STATE": "ZZ", "WORKSITE_POSTAL_CODE": "", "WORKSITE_CITY": "Atlantis"}])
    result = ingest(tmp_path / "s.duckdb", path)
    assert ("1 worksite whose WORKSITE_STATE names no US state: kept in the US with no state or metro "
            "(national cells only)") in result.notes
    first = _observation(tmp_path / "s.duckdb", rows[0]["CASE_NUMBER"])
    assert (first["country"], first["state"], first["metro"]) == ("US", None, None)


def test_a_worksite_without_a_state_is_placed_by_its_zip_when_city_or_county_agree(
        shared_data: Path, tmp_path: Path) -> None:
    """A real FY2020 row with WORKSITE_STATE 'ZZ' (or blank) whose ZIP lies in a state where its
    city or county also lies is placed there, with the ZIP's metro (`unfiled_state`); a ZIP
    alone, or with a city and county found elsewhere, leaves it without a state (a trial: 'ZZ'
    in San Jose, ZIP 95134, county Santa Clara stayed unplaced while a 'PR' row was re-placed
    by the vote). The note counts each kind."""
    rows, path = _fy2020_rows_with(shared_data, tmp_path, [
        {"WORKSITE_STATE": "ZZ", "WORKSITE_POSTAL_CODE": "95134", "WORKSITE_CITY": "San Jose",
         "WORKSITE_COUNTY": "Santa Clara"},
        {"WORKSITE_STATE": "", "WORKSITE_POSTAL_CODE": "98101", "WORKSITE_CITY": "Nowhere Town",
         "WORKSITE_COUNTY": "King"},
        {"WORKSITE_STATE": "ZZ", "WORKSITE_POSTAL_CODE": "95134", "WORKSITE_CITY": "Atlantis",
         "WORKSITE_COUNTY": "Nowhere"}])
    result = ingest(tmp_path / "s.duckdb", path)
    assert ("2 worksites whose WORKSITE_STATE names no US state placed in the state and metro of "
            "its WORKSITE_POSTAL_CODE, where its WORKSITE_CITY or county lies") in result.notes
    assert ("1 worksite whose WORKSITE_STATE names no US state: kept in the US with no state or "
            "metro (national cells only)") in result.notes
    placed = [_observation(tmp_path / "s.duckdb", r["CASE_NUMBER"]) for r in rows[:3]]
    assert [(o["state"], o["metro"]) for o in placed] == [("CA", "41940"), ("WA", "42660"), (None, None)]
