"""The Levels.fyi export adapter (`paybench.sources.levelsfyi`) on a fixture in the export's
exact layout (tests/data/levelsfyi_sample.csv: 29 columns, "NA" for missing, M/D/YYYY H:MM:SS
timestamps, quoted locations): each row's expected role, level, place, employer and
components, the quarantine reasons, the component rule, and that the demographic columns
never reach the store."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paybench.bench.observations import usable_frame
from paybench.errors import InputError
from paybench.ingest import detect_source, ingest_file
from paybench.normalize.titles import normalize_title
from paybench.sources import catalog, levelsfyi
from paybench.sources.levelsfyi import (
    LEVEL_BASES,
    Components,
    component_tolerance,
    observed_day,
    read_components,
    role_of,
    sniff,
)
from paybench.store import IngestResult, Store

FIXTURE = Path(__file__).parent / "data" / "levelsfyi_sample.csv"
HEADER = ("timestamp,company,level,title,totalyearlycompensation,location,yearsofexperience,"
          "yearsatcompany,tag,basesalary,stockgrantvalue,bonus,gender,otherdetails,cityid,dmaid,"
          "rowNumber,Masters_Degree,Bachelors_Degree,Doctorate_Degree,Highschool,Some_College,"
          "Race_Asian,Race_White,Race_Two_Or_More,Race_Black,Race_Hispanic,Race,Education")

SWE, MLE, DS = "software-engineer", "machine-learning-engineer", "data-scientist"
SF, SJ, SEA, NYC, AUS = "41860", "41940", "42660", "35620", "12420"
ML = "Software Engineer (ML / AI)"
# row: raw_title, role, level, level_basis, country, state, metro, employer,
#      (total, base, equity, bonus) in USD a year (None: not stored)
EXPECTED: dict[int, tuple[Any, ...]] = {
    1: ("Product Manager", "product-manager", "entry", "years", "US", "CA", SF, "Oracle",
        (127_000, 107_000, None, None)),  # components exceed the total: total and base only
    2: ("Software Engineer", SWE, "entry", "company_level", "US", "CA", SJ, "Google",
        (190_000, 130_000, 40_000, 20_000)),
    3: (ML, MLE, "mid", "company_level", "US", "CA", SJ, "Google", (260_000, 160_000, 75_000, 25_000)),
    4: (ML, MLE, "senior", "company_level", "US", "NY", NYC, "Google", (350_000, 190_000, 120_000, 40_000)),
    5: ("Data Scientist", DS, "senior", "company_level", "US", "CA", SF, "Google",
        (300_000, 185_000, 85_000, 30_000)),
    6: ("Software Engineer (Site Reliability (SRE))", "site-reliability-engineer", "staff", "company_level",
        "US", "WA", SEA, "Google", (480_000, 230_000, 200_000, 50_000)),
    7: ("Software Engineer (Full Stack)", "full-stack-developer", "entry", "company_level", "GB", None, None,
        "Google", (120_000, 95_000, 15_000, 10_000)),
    8: (ML, MLE, "mid", "company_level", "US", "CA", SF, "Meta", (250_000, 160_000, 70_000, 20_000)),
    9: ("Software Engineer (Full Stack)", "full-stack-developer", "senior", "company_level", "US", "CA", SF,
        "Meta", (370_000, 195_000, 145_000, 30_000)),
    10: (ML, MLE, "staff", "company_level", "US", "WA", SEA, "Meta", (550_000, 235_000, 270_000, 45_000)),
    11: ("Data Scientist", DS, "senior", "company_level", "US", "CA", SF, "Meta",
         (280_000, 180_000, 75_000, 25_000)),
    12: ("Software Engineer", SWE, "entry", "company_level", "US", "WA", SEA, "Amazon",
         (170_000, 130_000, 25_000, 15_000)),
    13: (ML, MLE, "mid", "company_level", "US", "WA", SEA, "Amazon", (240_000, 155_000, 65_000, 20_000)),
    14: ("Software Engineer", SWE, "senior", "company_level", "US", "WA", SEA, "Amazon",
         (330_000, 175_000, 130_000, 25_000)),
    15: ("Software Engineering Manager", "engineering-manager", "manager", "title", "US", "WA", SEA, "Amazon",
         (400_000, 190_000, 180_000, 30_000)),
    16: ("Software Engineer", SWE, "principal", "company_level", "US", "WA", SEA, "Amazon",
         (600_000, 200_000, 400_000, 0)),  # sums: the bonus of 0 is a real 0
    17: ("Software Engineer (Web Development (Front-End))", "frontend-developer", "entry", "company_level",
         "US", "WA", SEA, "Microsoft", (160_000, 120_000, 20_000, 20_000)),
    18: ("Software Engineer (Data)", "data-engineer", "mid", "company_level", "US", "WA", SEA, "Microsoft",
         (190_000, 145_000, 25_000, 20_000)),
    19: ("Data Scientist", DS, "senior", "company_level", "US", "WA", SEA, "Microsoft",
         (230_000, 165_000, 40_000, 25_000)),
    20: (ML, MLE, "senior", "company_level", "US", "WA", SEA, "Microsoft",
         (240_000, 170_000, 45_000, 25_000)),
    21: ("Software Engineer (Security)", "security-engineer", "principal", "company_level", "US", "WA", SEA,
         "Microsoft", (330_000, 200_000, 90_000, 40_000)),
    22: ("Software Engineer", SWE, "mid", "company_level", "IN", None, None, "Microsoft",
         (60_000, 45_000, 10_000, 5_000)),
    23: ("Software Engineer (iOS)", "ios-developer", "entry", "company_level", "US", "CA", SJ, "Apple",
         (180_000, 140_000, 30_000, 10_000)),
    24: (ML, MLE, "mid", "company_level", "US", "CA", SJ, "Apple", (230_000, 165_000, 50_000, 15_000)),
    25: (ML, MLE, "senior", "company_level", "US", "CA", SJ, "Apple", (320_000, 200_000, 100_000, 20_000)),
    26: ("Hardware Engineer", "hardware-engineer", "staff", "company_level", "US", "CA", SJ, "Apple",
         (380_000, 230_000, 120_000, 30_000)),
    27: ("Software Engineering Manager", "engineering-manager", "manager", "title", "US", "CA", SJ, "Apple",
         (520_000, 260_000, 220_000, 40_000)),  # ICT6 and an ML / AI tag: the manager title wins
    28: (ML, MLE, "mid", "company_level", "US", "CA", SJ, "Google", (250_000, 160_000, None, None)),
    29: ("Software Engineer", SWE, "senior", "company_level", "US", "CA", SF, "Oracle",
         (180_000, None, None, None)),  # components all 0: not reported
    30: ("Software Engineer", SWE, "senior", "years", "US", "CA", SJ, "Netflix",
         (450_000, 450_000, 0, 0)),  # Netflix's ladder is not verified: years (9)
    33: (ML, MLE, "senior", "years", "US", "TX", AUS, "Acme Robotics", (210_000, 170_000, 30_000, 10_000)),
    34: ("Software Engineer", SWE, None, None, "US", "TX", AUS, "Acme Robotics",
         (150_000, 130_000, 10_000, 10_000)),  # unknown level and no years: no level
    36: ("Software Engineer (Full Stack)", "full-stack-developer", "senior", "level_words", "US", "CA", SF,
         "Stripe", (330_000, 210_000, 100_000, 20_000)),
    37: ("Software Engineer (Full Stack)", "full-stack-developer", "senior", "company_level", "US", "CA", SF,
         "Salesforce", (260_000, 185_000, 55_000, 20_000)),
    38: (ML, MLE, "senior", "company_level", "US", "CA", SF, "Uber", (380_000, 210_000, 140_000, 30_000)),
    39: ("Hardware Engineer", "hardware-engineer", "staff", "company_level", "US", "OR", "38900", "Intel",
         (200_000, 170_000, 15_000, 15_000)),
    40: ("Data Scientist", DS, "mid", "company_level", "US", "NY", NYC, "IBM",
         (140_000, 125_000, 5_000, 10_000)),
    41: (ML, MLE, "senior", "company_level", "US", "CA", SJ, "NVIDIA", (330_000, 200_000, 110_000, 20_000)),
    42: ("Software Engineer", SWE, "staff", "level_words", "US", "CA", SJ, "Linkedin",
         (200_000, 180_000, None, None)),  # exceeds; the display form is normalize_employer's
    43: ("Software Engineer", SWE, "senior", "company_level", "US", "WA", SEA, "Microsoft",
         (300_000, 190_000, 60_000, 20_000)),  # short with nothing missing: as given
    46: ("Product Manager", "product-manager", "senior", "company_level", "US", "CA", SJ, "Google",
         (330_000, 200_000, 100_000, 30_000)),  # the tag refines no product manager
    47: ("Software Engineer", SWE, "entry", "company_level", "CA", None, None, "Amazon",
         (95_000, 80_000, 10_000, 5_000)),
    48: (ML, MLE, "senior", "company_level", "CH", None, None, "Google", (290_000, 190_000, 70_000, 30_000)),
    49: ("Data Scientist", DS, "senior", "level_words", None, None, None, "Acme Robotics",
         (180_000, 150_000, 20_000, 10_000)),  # "Narnia, XX": kept with no place
    50: ("Software Engineer", SWE, "entry", "company_level", "US", "CA", SF, "Meta",
         (200_000, None, 180_000, 20_000)),  # a base of 0 is never stored
    52: ("Software Engineer", SWE, "entry", "company_level", "US", "CA", SF, "Meta",
         (210_000, 150_000, 45_000, 15_000)),  # "Software Engineer II" is E3 at Meta
    53: ("Software Engineering Manager", "engineering-manager", "manager", "title", "US", "TX", AUS,
         "Acme Robotics", (260_000, 200_000, 40_000, 20_000)),
}
QUARANTINED = {
    31: "total below base: totalyearlycompensation 150,000 is less than basesalary 180,000",
    32: "no pay figure: totalyearlycompensation, basesalary, stockgrantvalue and bonus are all NA",
    44: "timestamp '2020-13-45' is not M/D/YYYY H:MM:SS",
    45: "title is missing ('NA' or empty)",
    51: ("totalyearlycompensation: annual pay $6,000,000 is above the plausible maximum $5,000,000 "
         "(6,000,000 USD per year)"),
}
SKIPPED = {35}  # row 3 again under another rowNumber
DEMOGRAPHIC_TEXTS = ("Female", "Male", "Asian", "White", "Hispanic", "Black", "Two Or More",
                     "Master's Degree", "Bachelor's Degree", "PhD", "Academic Level",
                     "Title: Software Engineer III", "Title: Senior Software Engineer")


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, IngestResult]:
    path = tmp_path_factory.mktemp("levelsfyi") / "store.duckdb"
    with Store(path) as store:
        result = ingest_file(store, FIXTURE)
    return path, result


def _query(path: Path, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def test_the_fixture_has_the_export_layout() -> None:
    with FIXTURE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert ",".join(rows[0]) == HEADER and len(rows[0]) == 29
    assert all(len(r) == 29 for r in rows) and len(rows) - 1 == 53
    assert FIXTURE.read_text(encoding="utf-8").splitlines()[1] == (
        '6/7/2017 11:33:27,Oracle,L3,Product Manager,127000,"Redwood City, CA",1.5,1.5,NA,107000,'
        "20000,10000,NA,NA,7392,807,1,0,0,0,0,0,0,0,0,0,0,NA,NA")
    assert any('"London, EN, United Kingdom"' in line for line in FIXTURE.read_text("utf-8").splitlines())


def test_the_layout_is_told_by_its_header(tmp_path: Path) -> None:
    assert detect_source(FIXTURE) == "levelsfyi"
    assert sniff(HEADER.split(","))
    assert sniff(HEADER.upper().split(",")[:12])  # the demographic columns are not needed
    assert not sniff(["work_year", "experience_level", "job_title", "salary_in_usd"])
    assert not sniff(["title", "company", "location", "description"])
    info = catalog()["levelsfyi"]
    assert info.id == levelsfyi.SOURCE_ID and "Levels.fyi" in info.description


def test_each_row(ingested: tuple[Path, IngestResult]) -> None:
    path, _ = ingested
    rows = _query(path, """
        SELECT row_number, any_value(raw_title), any_value(role), any_value(level), any_value(level_basis),
               any_value(country), any_value(state), any_value(metro), any_value(employer),
               map_from_entries(list(struct_pack(k := component, v := annual_usd)))
        FROM observations WHERE source = 'levelsfyi' GROUP BY row_number ORDER BY row_number""")
    found = {}
    for number, *fields, components in rows:
        comps = tuple(components.get(c) for c in ("total", "base", "equity", "bonus"))
        found[number] = (*fields, comps)
    assert set(found) == set(EXPECTED)
    for number, expected in EXPECTED.items():
        assert found[number] == expected, number


def test_quarantine_and_counts(ingested: tuple[Path, IngestResult]) -> None:
    path, result = ingested
    reasons = dict(_query(path, "SELECT row_number, reason FROM quarantine WHERE source = 'levelsfyi'"))
    assert reasons == QUARANTINED
    assert (result.source, result.rows_read, result.rows_kept, result.rows_quarantined, result.rows_skipped) \
        == ("levelsfyi", 53, len(EXPECTED), len(QUARANTINED), len(SKIPPED))
    assert set(EXPECTED) | set(QUARANTINED) | SKIPPED == set(range(1, 54))
    notes = "\n".join(result.notes)
    assert result.notes[0] == "layout: Levels.fyi export (Data Science and STEM Salaries)"
    assert "1 row: the same submission as an earlier row" in notes
    assert "2 rows: components fall short of the total; their zeros were read as not reported" in notes
    assert "2 rows: components add up to more than the total; total and base kept" in notes
    assert ("4 rows: level not in the company-level table and without level words: 3 read from years of "
            "experience, 1 without years either, so with no level (Oracle 'L3' x1, Netflix 'L5' x1, "
            "Acme Robotics 'T5' x1, Acme Robotics 'T3' x1)") in notes
    assert ("level of the 47 rows kept read from: company level 37, level words 3, job title 3, years of "
            "experience 3, no level (no readable level and no years) 1") in notes
    assert "1 row: kept with no place: 1 whose location is no place paybench reads ('Narnia, XX' x1)" in notes


def level_counts(notes: list[str]) -> tuple[int, dict[str, int]]:
    """(the rows kept the level note names, its count per basis)."""
    (line,) = [n for n in notes if n.startswith("level of the ")]
    found = re.fullmatch(r"level of the ([\d,]+) rows? kept read from: (.*)", line)
    assert found, line
    parts = dict(re.fullmatch(r"(.+) ([\d,]+)", part).groups()  # type: ignore[union-attr]
                 for part in found.group(2).split(", "))
    return int(found.group(1).replace(",", "")), {k: int(v.replace(",", "")) for k, v in parts.items()}


def test_level_bases_add_up_to_the_rows_kept(ingested: tuple[Path, IngestResult], tmp_path: Path) -> None:
    """The note's count per level basis sums to the rows kept, in the fixture and in a changed
    version of it re-ingested at the same path (rows repeated, dropped and renumbered); the
    rows whose level string is unread are split into those read from years and those with no
    level, and they agree with the per-basis counts."""
    path, result = ingested
    kept, per_basis = level_counts(result.notes)
    assert kept == result.rows_kept == sum(per_basis.values())
    stored = dict(_query(path, "SELECT coalesce(level_basis, 'none'), count(DISTINCT row_number) "
                               "FROM observations WHERE source = 'levelsfyi' GROUP BY 1"))
    assert sorted(stored.values()) == sorted(per_basis.values())
    unread = next(n for n in result.notes if "level not in the company-level table" in n)
    total, years = (int(x) for x in re.findall(r"(\d+) (?:rows|read from years)", unread)[:2])
    missing = re.search(r"(\d+) without years either", unread)
    assert total == years + (int(missing.group(1)) if missing else 0)
    assert years <= per_basis["years of experience"]
    with FIXTURE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    data = tmp_path / "levels.csv"
    data.write_bytes(FIXTURE.read_bytes())
    with Store(tmp_path / "s.duckdb") as store:
        ingest_file(store, data)
        changed = [rows[0], *rows[3:], rows[5], rows[5]]  # two rows gone, one repeated twice
        with data.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows(changed)
        again = ingest_file(store, data)
        kept, per_basis = level_counts(again.notes)
        assert kept == again.rows_kept == sum(per_basis.values()) > 0
        assert again.rows_skipped == 3  # the fixture's own repeat and the two copies of row 5


def test_the_demographic_columns_never_reach_the_store(ingested: tuple[Path, IngestResult]) -> None:
    path, _ = ingested
    columns = _query(path, "SELECT table_name, column_name FROM information_schema.columns "
                           "WHERE data_type = 'VARCHAR' AND table_schema = 'main'")
    names = {c.lower() for _t, c in columns}
    assert not names & {"gender", "race", "education", "otherdetails", "masters_degree"}
    # one scan per table counts every (column, text) pair (a query per pair took minutes)
    by_table: dict[str, list[str]] = {}
    for table, column in columns:
        by_table.setdefault(table, []).append(column)
    for table, names_of_table in by_table.items():
        pairs = [(column, text) for column in names_of_table for text in DEMOGRAPHIC_TEXTS]
        counts = ", ".join(f'count(*) FILTER (WHERE "{column}" LIKE ?)' for column, _ in pairs)
        hits = _query(path, f"SELECT {counts} FROM {table}", [f"%{text}%" for _, text in pairs])[0]
        assert len(hits) == len(pairs)
        for (column, text), n in zip(pairs, hits, strict=True):
            assert n == 0, (table, column, text)
    # row 31 (quarantined) held them: its raw text is the stored columns only
    raw = _query(path, "SELECT raw FROM quarantine WHERE row_number = 31")[0][0]
    assert raw == ('10/10/2019 10:10:10,Google,L4,Software Engineer,150000,"Mountain View, CA",3,1,NA,'
                   "180000,0,0")


def test_components_share_the_record_identity(ingested: tuple[Path, IngestResult]) -> None:
    path, _ = ingested
    per_row = _query(path, """
        SELECT row_number, count(DISTINCT dedup_key), count(DISTINCT coalesce(role, '')),
               count(DISTINCT coalesce(level, '')), count(DISTINCT observed_on), count(*),
               count(DISTINCT component), any_value(file_sha256), any_value(kind), any_value(citation)
        FROM observations GROUP BY row_number""")
    for number, keys, roles, levels, days, n, components, sha, kind, citation in per_row:
        assert (keys, roles, levels, days) == (1, 1, 1, 1) and n == components, number
        assert len(sha) == 64 and kind == "paid" and citation == f"Levels.fyi rowNumber {number}"
    assert _query(path, "SELECT count(*) FROM (SELECT dedup_key FROM observations GROUP BY dedup_key "
                        "HAVING count(DISTINCT row_number) > 1)")[0][0] == 0
    day = _query(path, "SELECT DISTINCT observed_on FROM observations WHERE row_number = 1")[0][0]
    assert day == dt.date(2017, 6, 7)
    assert _query(path, "SELECT DISTINCT currency, period FROM observations") == [("USD", "year")]


def test_raw_title_reads_as_the_stored_role(ingested: tuple[Path, IngestResult]) -> None:
    path, _ = ingested
    for title, role in _query(path, "SELECT DISTINCT raw_title, role FROM observations"):
        assert normalize_title(title).role == role


def test_base_rows_join_the_base_cells_and_the_rest_do_not(ingested: tuple[Path, IngestResult]) -> None:
    path, _ = ingested
    with Store(path, read_only=True) as store:
        usable = usable_frame(store, columns=("source", "role", "level", "employer", "annual_usd"))
    with_base = {n for n, exp in EXPECTED.items() if exp[-1][1] is not None}
    assert len(usable) == len(with_base)  # one row per record that has a base, none for the others
    bases = sorted(exp[-1][1] for n, exp in EXPECTED.items() if n in with_base)
    assert sorted(usable["annual_usd"]) == bases


def test_a_second_ingest_adds_nothing(ingested: tuple[Path, IngestResult], tmp_path: Path) -> None:
    path, _ = ingested
    store_copy = tmp_path / "copy.duckdb"
    store_copy.write_bytes(path.read_bytes())
    count = "SELECT count(*) FROM observations"
    with Store(store_copy) as store:
        before = store.scalar(count)
        again = ingest_file(store, FIXTURE)
        assert again.already_ingested and store.scalar(count) == before
        # a later export: the same rows renumbered and reordered (another file) adds no observation
        with FIXTURE.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        for row in rows[1:]:
            row[16] = str(int(row[16]) + 1000)
        renumbered = tmp_path / "levelsfyi_2.csv"
        with renumbered.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows([rows[0], *reversed(rows[1:])])
        later = ingest_file(store, renumbered)
        assert not later.already_ingested
        assert (later.rows_kept, later.rows_skipped, later.rows_quarantined) == (0, 48, 5)
        assert store.scalar(count) == before


def test_a_file_without_a_pay_column_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER.replace(",bonus,", ",bonus_pct,") + "\n" + "x," * 28 + "x\n", encoding="utf-8")
    with Store(tmp_path / "s.duckdb") as store, pytest.raises(InputError, match=r"missing column.*bonus"):
        ingest_file(store, bad, source="levelsfyi")


def test_cli_ingest_status_and_query(tmp_path: Path) -> None:
    """`paybench ingest FILE` into a temporary store (layout told by the header), `paybench
    status` naming it, the stored rows queried, and a second ingest adding nothing."""
    db = tmp_path / "cli.duckdb"
    env = {**os.environ, "PAYBENCH_DB": str(db)}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run([sys.executable, "-m", "paybench", *args], capture_output=True, text=True,
                              env=env, timeout=300)
        assert proc.returncode == 0, proc.stderr
        return proc

    first = run("ingest", str(FIXTURE)).stdout
    assert "levelsfyi: read 53 rows, kept 47, quarantined 5, skipped 1" in first
    assert "layout: Levels.fyi export (Data Science and STEM Salaries)" in first
    status = json.loads(run("status", "--json").stdout)
    (source,) = [s for s in status["sources"] if s["source"] == "levelsfyi"]
    assert (source["rows_read"], source["rows_kept"], source["rows_quarantined"]) == (53, 47, 5)
    assert [f["layout"] for f in status["layouts"] if f["source"] == "levelsfyi"] == [
        "Levels.fyi export (Data Science and STEM Salaries)"]
    assert "levelsfyi" in run("status").stdout
    senior_mle = _query(db, """
        SELECT employer, annual_usd FROM observations
        WHERE role = 'machine-learning-engineer' AND level = 'senior' AND component = 'total'
          AND country = 'US' ORDER BY annual_usd""")
    assert senior_mle == [("Acme Robotics", 210_000), ("Microsoft", 240_000), ("Apple", 320_000),
                          ("NVIDIA", 330_000), ("Google", 350_000), ("Uber", 380_000)]
    second = run("ingest", str(FIXTURE)).stdout
    assert "already ingested as levelsfyi" in second and "nothing added" in second
    assert _query(db, "SELECT count(*) FROM observations")[0][0] == sum(
        sum(v is not None for v in exp[-1]) for exp in EXPECTED.values())


# --------------------------------------------------------------------------- the component rule
@pytest.mark.parametrize(("fields", "expected"), [
    (("190000", "130000", "40000", "20000"), (190_000, 130_000, 40_000, 20_000, "sums")),
    (("190000", "130000", "40000", "20500"), (190_000, 130_000, 40_000, 20_500, "sums")),  # within $1,000
    (("600000", "200000", "400000", "0"), (600_000, 200_000, 400_000, 0, "sums")),
    (("250000", "160000", "0", "0"), (250_000, 160_000, None, None, "short_zeros")),
    (("180000", "0", "0", "0"), (180_000, None, None, None, "short_zeros")),
    (("200000", "160000", "NA", "NA"), (200_000, 160_000, None, None, "short_missing")),
    (("300000", "190000", "60000", "20000"), (300_000, 190_000, 60_000, 20_000, "short")),
    (("127000", "107000", "20000", "10000"), (127_000, 107_000, None, None, "exceeds")),
    (("200000", "0", "180000", "20000"), (200_000, None, 180_000, 20_000, "sums")),
    (("200,000", "na", "", "N/A"), (200_000, None, None, None, "short_missing")),
])
def test_the_component_rule(fields: tuple[str, ...], expected: tuple[Any, ...]) -> None:
    found = read_components(*fields)
    assert isinstance(found, Components)
    assert (found.total, found.base, found.equity, found.bonus, found.reading) == expected


def test_amounts_a_spreadsheet_wrote_with_a_dollar_sign_are_read() -> None:
    """"$400,000" and "USD 250,000" are the numbers they show (the shared money reader)."""
    found = read_components("$400,000", "USD 250,000", "$100,000", "50000")
    assert isinstance(found, Components)
    assert (found.total, found.base, found.equity, found.bonus) == (400_000, 250_000, 100_000, 50_000)


@pytest.mark.parametrize(("fields", "reason"), [
    (("NA", "NA", "NA", "NA"), "no pay figure"),
    (("", "", "", ""), "no pay figure"),
    (("NA", "150000", "0", "0"), "totalyearlycompensation is NA"),
    (("0", "150000", "0", "0"), "totalyearlycompensation is 0"),
    (("150000", "180000", "0", "0"),
     "total below base: totalyearlycompensation 150,000 is less than basesalary"),
    (("150000", "abc", "0", "0"), "basesalary 'abc' is not a number"),
    (("150000", "€100,000", "0", "0"),
     "basesalary '€100,000' is in EUR; the export's amounts are US dollars"),
    (("150000", "100000", "-5", "0"), "stockgrantvalue '-5' is not a non-negative number"),
    (("inf", "100000", "0", "0"), "totalyearlycompensation 'inf' is not a non-negative number"),
])
def test_the_component_rule_quarantines(fields: tuple[str, ...], reason: str) -> None:
    found = read_components(*fields)
    assert isinstance(found, str) and found.startswith(reason)


AMOUNT = st.one_of(st.none(), st.just(0), st.integers(1, 3_000_000),
                   st.integers(1, 300).map(lambda k: k * 1000))
NA = st.sampled_from(["NA", "", "na", "N/A"])


@given(AMOUNT, AMOUNT, AMOUNT, AMOUNT, NA)
@settings(max_examples=500, deadline=None)
def test_component_rule_properties(total: int | None, base: int | None, stock: int | None,
                                   bonus: int | None, na: str) -> None:
    """Stored figures are the figures given, never changed; a stored record adds up (its parts
    within the tolerance of its total); a zero is stored only when the parts add up; a base of
    0 never; and the quarantine reasons are exactly rules 1-3."""
    def text(value: int | None) -> str:
        return na if value is None else str(value)

    found = read_components(text(total), text(base), text(stock), text(bonus))
    given_parts = {"base": base, "equity": stock, "bonus": bonus}
    if total is None and base is None and stock is None and bonus is None:
        assert isinstance(found, str) and found.startswith("no pay figure")
        return
    if not total:
        assert isinstance(found, str) and found.startswith("totalyearlycompensation is")
        return
    tolerance = component_tolerance(total)
    if base is not None and base > total + tolerance:
        assert isinstance(found, str) and found.startswith("total below base")
        return
    assert isinstance(found, Components) and found.total == total
    stored: dict[str, float] = dict(found.stored())
    for name, value in stored.items():
        assert value == (total if name == "total" else given_parts[name])
    assert stored.get("base") != 0
    assert sum(v for name, v in stored.items() if name != "total") <= total + tolerance
    parts = sum(v for v in given_parts.values() if v is not None)
    assert (found.reading == "sums") == (abs(parts - total) <= tolerance)
    if any(v == 0 for name, v in stored.items() if name != "total"):
        assert found.reading == "sums"
    if found.reading == "exceeds":
        assert set(stored) <= {"total", "base"}
    if found.reading == "sums":  # every part given and not a zero base stands
        assert all(stored.get(n) == v for n, v in given_parts.items()
                   if v is not None and (n, v) != ("base", 0))


# --------------------------------------------------------------------------- role and date
@pytest.mark.parametrize(("title", "tag", "role", "read_from"), [
    ("Software Engineer", "ML / AI", "machine-learning-engineer", "Software Engineer (ML / AI)"),
    ("Software Engineer", "Data", "data-engineer", "Software Engineer (Data)"),
    ("Software Engineer", "iOS", "ios-developer", "Software Engineer (iOS)"),
    ("Software Engineer", "Mobile (iOS + Android)", "software-engineer", "Software Engineer"),  # two roles
    ("Software Engineer", None, "software-engineer", "Software Engineer"),
    ("Data Scientist", "ML / AI", "data-scientist", "Data Scientist"),
    ("Data Scientist", "Research", "research-scientist", "Data Scientist (Research)"),
    ("Data Scientist", "Web Development (Front-End)", "data-scientist", "Data Scientist"),  # not an ML role
    ("Product Manager", "ML / AI", "product-manager", "Product Manager"),
    ("Software Engineering Manager", "ML / AI", "engineering-manager", "Software Engineering Manager"),
    ("Hardware Engineer", "ML / AI", "hardware-engineer", "Hardware Engineer"),
])
def test_the_tag_refines_the_role(title: str, tag: str | None, role: str, read_from: str) -> None:
    match, text, refined = role_of(title, tag)
    assert (match.role, text, refined) == (role, read_from, text != title)


@pytest.mark.parametrize(("text", "expected"), [
    ("6/7/2017 11:33:27", dt.date(2017, 6, 7)),
    ("12/31/2020 0:00:00", dt.date(2020, 12, 31)),
    ("3/1/2021", dt.date(2021, 3, 1)),
    ("2/30/2020 1:00:00", "timestamp '2/30/2020 1:00:00' is not M/D/YYYY H:MM:SS"),
    ("2020-13-45", "timestamp '2020-13-45' is not M/D/YYYY H:MM:SS"),
    ("1/1/1999 0:00:00", "timestamp '1/1/1999 0:00:00' is not a day between 2000-01-01 and today"),
    ("1/1/2999 0:00:00", "timestamp '1/1/2999 0:00:00' is not a day between 2000-01-01 and today"),
])
def test_timestamps(text: str, expected: dt.date | str) -> None:
    assert observed_day(text) == expected


def _ingest_beside_a_good_row(tmp_path: Path, leading: list[str], number: int) -> list[str]:
    """Ingest the fixture's first row and a row of NA after `leading` fields (the rest NA,
    rowNumber `number`, the education flags 0); assert the good row is kept and one row is
    quarantined, and return the quarantine reasons."""
    with FIXTURE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    empty = leading + ["NA"] * (16 - len(leading)) + [str(number)] + ["0"] * 10 + ["NA", "NA"]
    assert len(empty) == len(rows[0])
    data = tmp_path / "levels.csv"
    with data.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([rows[0], rows[1], empty])
    with Store(tmp_path / "s.duckdb") as store:
        result = ingest_file(store, data)
        reasons = [r for (r,) in store.con.execute(
            "SELECT reason FROM quarantine WHERE source = 'levelsfyi'").fetchall()]
    assert (result.rows_read, result.rows_kept, len(reasons)) == (2, 1, 1)
    return reasons


def test_a_row_of_nothing_but_na_says_so(tmp_path: Path) -> None:
    """A row whose title, company, level, pay and location are all NA is quarantined as such,
    not as a row that only lacks its title; its neighbours are kept."""
    with FIXTURE.open(encoding="utf-8", newline="") as handle:
        stamp = list(csv.reader(handle))[1][0]
    assert _ingest_beside_a_good_row(tmp_path, [stamp], 9001) == [
        "title, company, level, pay and location are all missing ('NA' or empty)"]


def test_a_row_of_na_everywhere_is_quarantined_as_empty(tmp_path: Path) -> None:
    """A row whose every field is NA, its timestamp too, is quarantined as an empty row, not
    as a bad timestamp (issue 17's trial, allna.csv)."""
    assert _ingest_beside_a_good_row(tmp_path, [], 9002) == [
        "every field is missing ('NA' or empty): no timestamp, title, company, pay or location"]


def test_a_banks_corporate_title_is_read_from_years(tmp_path: Path) -> None:
    """A software engineer who is a 'Vice President' at Goldman Sachs is not an executive: the
    rank is read from years of experience, said so per row (level_basis corporate_title) and in
    the notes; a manager job title with a rank stays a manager."""
    with FIXTURE.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))

    def row(number: int, company: str, level: str, title: str, years: str, tag: str) -> list[str]:
        return ["3/1/2021 9:00:00", company, level, title, "250000", "New York, NY", years, "2", tag,
                "180000", "20000", "50000", "NA", "NA", "10182", "501", str(number),
                *["0"] * 10, "NA", "NA"]

    data = tmp_path / "banks.csv"
    with data.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([
            header,
            row(1, "Goldman Sachs", "Vice President", "Software Engineer", "7", "ML / AI"),
            row(2, "GOLDMAN SACHS SERVICES LLC", "Associate", "Software Engineer", "3", "NA"),
            row(3, "JPMorgan Chase", "Executive Director", "Data Scientist", "12", "NA"),
            row(4, "Capital One", "Vice President", "Software Engineering Manager", "11", "NA"),
        ])
    with Store(tmp_path / "s.duckdb") as store:
        result = ingest_file(store, data)
        got = store.con.execute(
            "SELECT row_number, any_value(role), any_value(level), any_value(level_basis), "
            "any_value(employer) FROM observations GROUP BY row_number ORDER BY row_number").fetchall()
    assert got == [
        (1, MLE, "senior", "corporate_title", "Goldman Sachs"),
        (2, SWE, "mid", "corporate_title", "Goldman Sachs"),
        (3, DS, "staff", "corporate_title", "JPMorgan Chase"),
        (4, "engineering-manager", "manager", "title", "Capital One"),
    ]
    kept, per_basis = level_counts(result.notes)
    assert kept == 4 and per_basis[LEVEL_BASES["corporate_title"]] == 3


def _software_engineer_rows(path: Path, location: str, rows: list[tuple[str, str, str]]) -> Path:
    """A file in the export layout (the fixture's header) of Software Engineer rows, one per
    (company, level, years of experience), numbered from 1, at `location`: total $150,000 =
    base $130,000 + bonus $20,000, no stock."""
    with FIXTURE.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    body = [["3/1/2021 9:00:00", company, level, "Software Engineer", "150000", location, years,
             "2", "NA", "130000", "0", "20000", "NA", "NA", "10182", "501", str(number),
             *["0"] * 10, "NA", "NA"]
            for number, (company, level, years) in enumerate(rows, start=1)]
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([header, *body])
    return path


def test_a_consultancys_rank_is_read_from_years(tmp_path: Path) -> None:
    """Trial 31: Accenture 'Senior Analyst' (3 years) was senior, Deloitte 'Senior Consultant'
    (4 years) senior, Infosys 'Technology Lead' (7 years) staff, Deloitte 'Manager' with the title
    Software Engineer a manager. Consultancy and bank ranks are read from years of experience,
    said so per row (level_basis corporate_title) and counted in the notes."""
    data = _software_engineer_rows(tmp_path / "ranks.csv", "New York, NY", [
        ("Accenture", "Senior Analyst", "3"), ("Deloitte", "Senior Consultant", "4"),
        ("Infosys", "Technology Lead", "7"), ("Deloitte", "Manager", "6"),
        ("Capital One", "Manager", "3"), ("Booz Allen Hamilton", "Senior Consultant", "1")])
    with Store(tmp_path / "s.duckdb") as store:
        result = ingest_file(store, data)
        got = store.con.execute(
            "SELECT row_number, any_value(level), any_value(level_basis) FROM observations "
            "GROUP BY row_number ORDER BY row_number").fetchall()
    assert got == [(1, "mid", "corporate_title"), (2, "mid", "corporate_title"),
                   (3, "senior", "corporate_title"), (4, "senior", "corporate_title"),
                   (5, "mid", "corporate_title"), (6, "entry", "corporate_title")]
    kept, per_basis = level_counts(result.notes)
    assert kept == 6 and per_basis[LEVEL_BASES["corporate_title"]] == 6


def test_a_defense_contractors_grade_is_read_from_years(tmp_path: Path) -> None:
    """A Levels.fyi row for Northrop Grumman with level "Principal" and 8 years was stored at
    principal: at a defense contractor "Principal" is an engineering grade (mid-career at
    Northrop), not a level. Grades at employers listed as government are read from years of
    experience (level_basis corporate_title); the same word at Google is still its level."""
    data = _software_engineer_rows(tmp_path / "grades.csv", "Los Angeles, CA", [
        ("Northrop Grumman", "Principal", "8"), ("Lockheed Martin", "Senior", "3"),
        ("Raytheon", "Senior Principal", "12"), ("Google", "Principal", "12")])
    with Store(tmp_path / "s.duckdb") as store:
        result = ingest_file(store, data)
        got = store.con.execute(
            "SELECT row_number, any_value(level), any_value(level_basis), any_value(segment) "
            "FROM observations GROUP BY row_number ORDER BY row_number").fetchall()
    assert got == [(1, "senior", "corporate_title", "government"),
                   (2, "mid", "corporate_title", "government"),
                   (3, "staff", "corporate_title", "government"),
                   (4, "principal", "level_words", "big-tech")]
    kept, per_basis = level_counts(result.notes)
    assert kept == 4 and per_basis[LEVEL_BASES["corporate_title"]] == 3


def test_the_no_place_note_counts_every_row_stored_without_a_place(tmp_path: Path) -> None:
    """The note counts every row kept with no place: an empty or 'NA' location as well as one
    that is no place (the trial: an empty location and "Atlantis, ZZ" were two rows stored
    without a state or metro, the note said 1); a row placed abroad is placed (no state or
    metro, but its country)."""
    with FIXTURE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header, template = rows[0], rows[2]  # Google L3, Mountain View
    at = {name: i for i, name in enumerate(header)}
    locations = ["San Francisco, CA", "", "Atlantis, ZZ", "NA", "Atlantis, ZZ",
                 "London, EN, United Kingdom"]
    lines = [header]
    for i, location in enumerate(locations):
        row = list(template)
        row[at["location"]], row[at["rowNumber"]] = location, str(9100 + i)
        row[at["timestamp"]] = f"3/{i + 1}/2021 10:00:00"  # each row its own submission
        lines.append(row)
    data = tmp_path / "levels.csv"
    with data.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(lines)
    with Store(tmp_path / "s.duckdb") as store:
        result = ingest_file(store, data)
    assert result.rows_kept == len(locations)
    (note,) = [n for n in result.notes if "with no place" in n]
    assert note == ("4 rows: kept with no place: 2 without a location ('NA' or empty), 2 whose "
                    "location is no place paybench reads ('Atlantis, ZZ' x2)")
    placeless = _query(tmp_path / "s.duckdb", """
        SELECT count(DISTINCT row_number) FROM observations
        WHERE country IS NULL AND state IS NULL AND metro IS NULL""")[0][0]
    without_state_or_metro = _query(tmp_path / "s.duckdb", """
        SELECT count(DISTINCT row_number) FROM observations
        WHERE state IS NULL AND metro IS NULL AND coalesce(country, '') <> 'GB'""")[0][0]
    assert int(note.split()[0]) == placeless == without_state_or_metro == 4
