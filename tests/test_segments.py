"""Employer segments: the documented list wins over NAICS; NAICS sectors decide the rest;
unknown employers are unclassified; the store fills and refreshes the stored segment of every
row in one place; `paybench employers` lists them from a real LCA file."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
import statistics
import subprocess
import sys
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paybench.errors import InputError
from paybench.ingest import ingest_file
from paybench.insights.employers import employer_report, parse_segment
from paybench.normalize.employers import alias_table, employer_key, normalize_employer
from paybench.normalize.industries import industry_for_naics, naics_table
from paybench.normalize.segments import (
    SEGMENTS,
    employer_segment,
    industry_segment,
    listed_segment,
    rules_version,
    segment_frame,
    segment_of,
    segment_rules,
)
from paybench.records import Observation, Provenance
from paybench.store import SEGMENT_RULES_KEY, Store

LCA_FILE = Path("lca") / "lca_fy2020_q1_sample.csv"


def _segments_data() -> dict[str, Any]:
    text = resources.files("paybench.data").joinpath("employer_segments.json").read_text("utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


# ---------------------------------------------------------------------------------- the list
@pytest.mark.parametrize(("name", "industry", "segment", "sector"), [
    ("GOOGLE LLC", "Computer systems design", "big-tech", None),  # filed under NAICS 541512
    ("FACEBOOK, INC.", "Data processing & hosting", "big-tech", None),  # 518112
    ("Alphabet Inc.", None, "big-tech", None),
    ("AMAZON.COM SERVICES, INC.", "E-commerce", "big-tech", None),  # 454111: the list wins
    ("Amazon Web Services, Inc.", "Data processing & hosting", "big-tech", None),
    ("MICROSOFT CORPORATION", "Software publishers", "big-tech", None),
    ("APPLE INC.", "Computer hardware", "big-tech", None),
    ("COGNIZANT TECHNOLOGY SOLUTIONS US CORP", "Computer systems design", "consultancy", None),
    ("INFOSYS LIMITED", "Custom software development", "consultancy", None),
    ("International Business Machines Corporation", None, "consultancy", None),
    ("DELOITTE &AMP; TOUCHE LLP", "Accounting", "consultancy", None),
    ("LOCKHEED MARTIN CORPORATION", "Aerospace", "government", None),
    ("Raytheon Company", "Aerospace", "government", None),
    ("OpenAI OpCo, LLC", None, "ai-lab", None),
    ("Anthropic, PBC", "Scientific R&D", "ai-lab", None),
    ("DeepMind Technologies Limited", None, "ai-lab", None),
    ("Databricks, Inc.", "Software publishers", "startup", None),
    ("Perplexity AI, Inc.", "Software publishers", "startup", None),  # was unclassified
    ("PERPLEXITY AI", None, "startup", None),
    ("INFOSYS BPO LIMITED", "Management consulting", "consultancy", None),  # Infosys's subsidiaries
    ("INFOSYS PUBLIC SERVICES, INC.", "Computer systems design", "consultancy", None),  # were unclassified
    ("INFOSYS MCCAMISH SYSTEMS, LLC", None, "consultancy", None),
    ("INFOSYS SOLUTIONS, INC.", None, "consultancy", None),
    ("JPMORGAN CHASE & CO.", "Corporate management", "enterprise", "finance"),  # 551112 holding co.
    ("JPMorganChase", None, "enterprise", "finance"),
])
def test_listed_employers(name: str, industry: str | None, segment: str, sector: str | None) -> None:
    found = segment_of(name, industry)
    assert (found.id, found.sector, found.basis) == (segment, sector, "list"), name


def test_every_list_entry_resolves_to_its_segment_whatever_the_industry() -> None:
    data = _segments_data()
    labels = sorted({label for _n, label, _s in naics_table().values()})
    assert data["employers"], "the list is empty"
    for entry in data["employers"]:
        other = labels[len(entry["employer"]) % len(labels)]
        for industry in (None, "Computer systems design", "Government", other):
            found = segment_of(entry["employer"], industry)
            assert found.id == entry["segment"] and found.basis == "list", (entry, industry)
            assert found.sector == entry.get("sector")
            assert found.source == ", ".join(entry["sources"])
        for source in entry["sources"]:  # every cited source is described, with an address
            assert data["sources"][source]["url"].startswith("http"), source


def test_not_prefix_matched() -> None:
    """A name that merely starts like a listed one is not that employer."""
    for name in ("AMAZON RESTAURANT & BAR", "JOHN TESLA", "MISTRAL ARCHITECTURAL METAL & GLASS",
                 "TATA TECHNOLOGIES", "METAHORIZON INC", "INTELLIGRATED SERVICES"):
        assert listed_segment(name) is None, name
    assert segment_of("IBM INDIA PRIVATE LIMITED").id == "consultancy"  # listed on its own
    assert normalize_employer("IBM INDIA PRIVATE LIMITED").display == "IBM India"  # type: ignore[union-attr]


# ------------------------------------------------------------------------------------ NAICS
@pytest.mark.parametrize(("code", "segment", "sector"), [
    ("522110", "enterprise", "finance"), ("523110", "enterprise", "finance"),
    ("522320", "enterprise", "finance"), ("524114", "enterprise", "insurance"),
    ("621111", "enterprise", "health"), ("622110", "enterprise", "health"),
    ("452112", "enterprise", "retail"), ("454111", "enterprise", "retail"),
    ("336111", "enterprise", "manufacturing"), ("334413", "enterprise", "manufacturing"),
    ("325412", "enterprise", "manufacturing"), ("336411", "enterprise", "manufacturing"),
    ("517311", "enterprise", "telecom"), ("515210", "enterprise", "media"),
    ("611310", "enterprise", "education"), ("541330", "enterprise", "professional-services"),
    ("541211", "enterprise", "professional-services"), ("551112", "enterprise", "corporate-management"),
    ("221122", "enterprise", "utilities"), ("484121", "enterprise", "transportation"),
    ("921110", "government", None), ("928110", "government", None),
    ("541611", "consultancy", None), ("5416", "consultancy", None), ("561320", "consultancy", None),
    ("541511", "unclassified", None), ("541512", "unclassified", None), ("541519", "unclassified", None),
    ("511210", "unclassified", None), ("513210", "unclassified", None), ("518210", "unclassified", None),
    ("519130", "unclassified", None), ("541712", "unclassified", None),
])
def test_segment_per_naics_sector(code: str, segment: str, sector: str | None) -> None:
    industry = industry_for_naics(code)
    assert industry is not None, code
    found = segment_of("An Unlisted Employer LLC", industry.label)
    assert (found.id, found.sector) == (segment, sector), (code, industry.label)
    assert found.basis == ("none" if segment == "unclassified" else "industry")
    if segment != "unclassified":
        assert found.source.startswith("NAICS ")


def test_every_naics_group_has_one_rule() -> None:
    rules = segment_rules()
    labels = {label for _n, label, _s in naics_table().values()}
    assert labels == set(rules.industries)  # each label the LCA adapter can store has a rule
    for label, (segment, sector, _basis) in rules.industries.items():
        assert segment in SEGMENTS and (sector is not None) == (segment == "enterprise"), label


def test_industry_text_that_is_no_naics_label_decides_nothing() -> None:
    for text in ("Software Development", "IT Services and IT Consulting", "Financial Services", ""):
        assert industry_segment(text) is None
        assert segment_of("Some Unknown Company Ltd", text).id == "unclassified"


UNLISTED = st.text(alphabet=st.sampled_from(list("bcdfghjklmnpqrstvwxz0123456789 .,-")),
                   min_size=1, max_size=25)


@settings(max_examples=300, deadline=None)
@given(UNLISTED)
def test_unknown_employers_are_unclassified(name: str) -> None:
    """A name on no list and no industry: unclassified, never guessed."""
    if employer_key(name) in alias_table() or listed_segment(name) is not None:
        return
    found = segment_of(name)
    assert (found.id, found.sector, found.basis) == ("unclassified", None, "none")


LISTED = [(e["employer"], e["segment"]) for e in _segments_data()["employers"]]
ALIASES = sorted(alias_table().items())


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(ALIASES), st.sampled_from([str.upper, str.lower, str.title, lambda s: s]),
       st.sampled_from(["", ", Inc.", " LLC", " Corp", ", L.L.C.", " Limited", " Co.", " PLC"]),
       st.sampled_from(["", ".", ","]), st.booleans())
def test_alias_resolution_is_stable(alias: tuple[str, tuple[str, str]], case: Any, suffix: str,
                                    end: str, the: bool) -> None:
    """Every listed alias resolves to its group under case, legal suffixes, trailing
    punctuation and a leading 'The'; its segment goes with it."""
    alias_key, (group_key, display) = alias
    name = ("The " if the else "") + case(alias_key) + suffix + end
    found = normalize_employer(name)
    assert found is not None and (found.key, found.display) == (group_key, display), name
    assert segment_of(name) == segment_of(display)


def test_group_display_is_a_fixed_point() -> None:
    for _alias_key, (group_key, display) in alias_table().items():
        again = normalize_employer(display)
        assert again is not None and (again.key, again.display) == (group_key, display)


def test_parse_segment() -> None:
    assert parse_segment(" Big-Tech ") == "big-tech" and parse_segment("ai_lab") == "ai-lab"
    assert parse_segment(None) is None
    for blank in ("", "  "):
        with pytest.raises(InputError, match="an empty segment names none; omit it for every"):
            parse_segment(blank)
    with pytest.raises(InputError, match="unknown segment 'faang'; expected one of big-tech"):
        parse_segment("faang")


# ----------------------------------------------------------------------------- the store
def _raw_lca(shared_data: Path) -> dict[int, dict[str, str]]:
    with (shared_data / LCA_FILE).open(newline="", encoding="utf-8") as handle:
        return {n: row for n, row in enumerate(csv.DictReader(handle), 1)}


@pytest.fixture(scope="module")
def lca_store(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Path:
    """A store holding the real FY2020 Q1 LCA sample (no defaults: its rows are the only ones)."""
    path = tmp_path_factory.mktemp("seg") / "lca.duckdb"
    with Store(path) as store:
        ingest_file(store, shared_data / LCA_FILE)
    return path


def test_stored_segments_are_the_rules(lca_store: Path, shared_data: Path) -> None:
    """Every stored LCA row: employer = the normalizer's display form of the filing's
    EMPLOYER_NAME; one segment per employer: the segment its filings' most frequent NAICS
    label gives (segment_of(employer, that label)), counted here from the rows."""
    raw = _raw_lca(shared_data)
    with Store(lca_store, read_only=True) as store:
        assert store.segments_current()
        rows = store.query("SELECT row_number, employer, industry, segment, segment_sector, dedup_key "
                           "FROM observations")
    assert len(rows) > 4000
    labels = set(segment_rules().industries)
    mixed = 0
    for employer, group in rows.groupby("employer"):
        assert group["segment"].nunique() == 1, employer
        assert group["segment_sector"].nunique(dropna=False) == 1, employer
        votes = Counter({label: n for label, n in
                         group[group["industry"].isin(labels)].groupby("industry")["dedup_key"].nunique().items()})
        if len(votes) > 1:
            mixed += 1
        # the most records; ties: a label that decides a segment, then alphabetical
        top = min(votes, key=lambda lb: (-votes[lb], industry_segment(lb) is None, lb)) if votes else None
        expected = segment_of(str(employer), top)
        first = group.iloc[0]
        assert first["segment"] == expected.id, (employer, dict(votes))
        sector = first["segment_sector"] if isinstance(first["segment_sector"], str) else None
        assert sector == expected.sector, employer
    assert mixed > 10  # the real file has employers filing under more than one NAICS group
    for r in rows.itertuples():
        named = normalize_employer(raw[r.row_number]["EMPLOYER_NAME"])
        assert named is not None and r.employer == named.display, r
    by_employer = {e: set(g.segment) for e, g in rows.groupby("employer")}
    assert by_employer["Cognizant"] == {"consultancy"} and by_employer["Microsoft"] == {"big-tech"}
    assert by_employer["Meta"] == {"big-tech"}  # filed as FACEBOOK, INC.
    assert by_employer["Amazon"] == {"big-tech"}  # AMAZON.COM SERVICES and AMAZON WEB SERVICES
    assert not any(e.upper().startswith("FACEBOOK") for e in by_employer)


def test_writer_fills_segments_for_any_adapter(tmp_path: Path) -> None:
    """An adapter that stores a raw employer name (record by record or in Arrow batches) gets
    the canonical employer and its segment from the store's writer."""
    def observation(row: int, employer: str | None, industry: str | None) -> Observation:
        return Observation(
            provenance=Provenance(source="test", file_sha256="x", row_number=row), kind="paid",
            observed_on=dt.date(2024, 1, 1), raw_title="Software Engineer", role="software-engineer",
            level="senior", country="US", employer=employer, industry=industry, currency="USD",
            period="year", amount_raw=200_000, annual_usd=200_000, dedup_key=f"k{row}")

    with Store(tmp_path / "s.duckdb") as store:
        with store.ingest_transaction("test", "rows", "sha-rows", 1, staged=False) as writer:
            writer.add(observation(1, "FACEBOOK, INC.", None))
            writer.add(observation(2, "Acme Insurance Co", "Insurance"))
            writer.add(observation(3, None, None))
        with store.ingest_transaction("test", "arrow", "sha-arrow", 1, bulk=True) as writer:
            batch = pa.table({
                "source": ["test", "test"], "kind": ["paid", "paid"], "raw_title": ["x", "y"],
                "employer": ["Amazon Web Services, Inc.", "Unknown Widgets LLC"],
                "industry": [None, "Computer systems design"], "component": ["base", "base"],
                "currency": ["USD", "USD"], "period": ["year", "year"], "amount_raw": [1.0, 2.0],
                "annual_usd": [150_000.0, 90_000.0], "dedup_key": ["a1", "a2"], "row_number": [1, 2]})
            writer.add_arrow("observations", batch)
        got = store.con.execute("SELECT dedup_key, employer, segment, segment_sector FROM observations "
                                "ORDER BY dedup_key").fetchall()
    assert got == [
        ("a1", "Amazon", "big-tech", None),
        ("a2", "Unknown Widgets", "unclassified", None),
        ("k1", "Meta", "big-tech", None),
        ("k2", "Acme Insurance", "enterprise", "insurance"),
        ("k3", None, "unclassified", None),
    ]


def test_older_store_is_filled_on_open(tmp_path: Path, lca_store: Path) -> None:
    """A store written before segments existed (no segment columns, employers as the old
    normalizer wrote them, no rules version): read-only it keeps its rows and the listing
    derives segments; the first writable open adds the columns and fills every row."""
    path = tmp_path / "old.duckdb"
    shutil.copy(lca_store, path)
    with Store(path) as store:
        con = store.con
        con.execute("UPDATE observations SET employer = 'Facebook' WHERE employer = 'Meta'")
        con.execute("UPDATE postings SET segment = NULL")
        for table in ("observations", "postings"):
            con.execute(f"ALTER TABLE {table} DROP COLUMN segment")
            con.execute(f"ALTER TABLE {table} DROP COLUMN segment_sector")
        con.execute("DELETE FROM meta WHERE key = ?", [SEGMENT_RULES_KEY])
    with Store(path, read_only=True) as store:
        assert not store.segments_current()
        report = employer_report(store, segment="big-tech")
        assert not report.stored_segments_current
        assert "Meta" in {e.employer for e in report.employers}  # derived from the rules on read
    with Store(path) as store:  # a writable open: columns added, rows filled
        assert store.segments_current()
        assert store.scalar(f"SELECT value FROM meta WHERE key = '{SEGMENT_RULES_KEY}'") == rules_version()
        assert store.scalar("SELECT count(*) FROM observations WHERE segment IS NULL") == 0
        assert store.scalar("SELECT count(*) FROM observations WHERE employer = 'Facebook'") == 0
        assert store.scalar("SELECT count(DISTINCT segment) FROM observations WHERE employer = 'Meta'") == 1
        assert store.scalar("SELECT min(segment) FROM observations WHERE employer = 'Meta'") == "big-tech"
    with Store(lca_store, read_only=True) as fresh, Store(path, read_only=True) as filled:
        columns = "row_number, employer, segment, segment_sector"
        assert (fresh.query(f"SELECT {columns} FROM observations ORDER BY row_number").equals(
            filled.query(f"SELECT {columns} FROM observations ORDER BY row_number")))


# ------------------------------------------------------------------------ paybench employers
def run(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "paybench", *args, "--db", str(db)],
                          capture_output=True, text=True, timeout=600)


ANNUAL = {"Year": 1, "Hour": 2080, "Week": 52, "Bi-Weekly": 26, "Month": 12}


def test_cli_employers_on_a_real_lca_file(fresh_db: Path, shared_data: Path) -> None:
    """`paybench ingest` then `paybench employers` on the real FY2020 Q1 LCA sample: Cognizant's
    count and median base pay as the filings give them, counted here from the file itself."""
    done = run("ingest", str(shared_data / LCA_FILE), db=fresh_db)
    assert done.returncode == 0, done.stderr
    found = run("employers", "--json", "--limit", "0", db=fresh_db)
    assert found.returncode == 0, found.stderr
    report = json.loads(found.stdout)
    rows = {(e["employer"], e["segment"], e["sector"]): e for e in report["employers"]}

    # from the file: certified, full-time Cognizant filings, their offered wage annualized
    wages = []
    for row in _raw_lca(shared_data).values():
        named = normalize_employer(row["EMPLOYER_NAME"])
        if named is None or named.key != "COGNIZANT" or row["CASE_STATUS"] != "Certified":
            continue
        if row["FULL_TIME_POSITION"].strip().upper().startswith("N"):
            continue
        wage = float(row["WAGE_RATE_OF_PAY_FROM"].replace("$", "").replace(",", ""))
        wages.append(wage * ANNUAL[row["WAGE_UNIT_OF_PAY"]])
    cognizant = rows[("Cognizant", "consultancy", None)]
    assert cognizant["basis"] == "list entry" and "epi-fy2015" in cognizant["basis_source"]
    assert cognizant["n"] == len(wages) and cognizant["n_by_source"] == {"lca": len(wages)}
    assert cognizant["median_base_usd"] == pytest.approx(statistics.median(wages), abs=0.01)

    assert {("Microsoft", "big-tech"), ("Meta", "big-tech"), ("Google", "big-tech")} <= {
        (e, s) for e, s, _ in rows}
    assert sum(s["n"] for s in report["segments"]) == report["n_with_employer"]
    assert sum(s["share"] for s in report["segments"]) == pytest.approx(1.0)
    assert sum(e["n"] for e in report["employers"]) == report["n_with_employer"]
    assert report["stored_segments_current"] is True
    bases = Counter(e["basis"] for e in report["employers"])
    assert set(bases) <= {"list entry", "NAICS sector", "unclassified"} and len(bases) == 3

    big = json.loads(run("employers", "--json", "--segment", "big-tech", "--limit", "0", db=fresh_db).stdout)
    assert big["segment"] == "big-tech" and big["employers"]
    assert {e["segment"] for e in big["employers"]} == {"big-tech"}
    assert [s["segment"] for s in big["segments"]] == ["big-tech"]

    role = json.loads(run("employers", "--json", "--role", "software-engineer", db=fresh_db).stdout)
    with Store(fresh_db, read_only=True) as store:
        expected = store.scalar(
            "SELECT count(DISTINCT dedup_key) FROM observations WHERE role = 'software-engineer' "
            "AND employer IS NOT NULL AND component = 'base' AND annual_usd > 0 AND kind = 'filed' "
            "AND (employment_type IS NULL OR employment_type = 'full_time')")
    assert role["role"] == "software-engineer" and role["n_with_employer"] == expected > 0

    text = run("employers", "--segment", "consultancy", "--limit", "5", db=fresh_db)
    assert text.returncode == 0 and "Cognizant" in text.stdout and "list entry" in text.stdout

    # a segment with nothing to list says so plainly, with no empty tables (no postings stored)
    empty = run("employers", "--segment", "big-tech", "--kind", "posted", db=fresh_db)
    assert empty.returncode == 0, empty.stderr
    assert empty.stdout.startswith("no usable observations from big-tech employers in the store "
                                   "(kind posted): no employer")
    assert "median base" not in empty.stdout

    bad = run("employers", "--segment", "faang", db=fresh_db)
    assert bad.returncode == 1 and bad.stdout == ""
    assert bad.stderr.strip().splitlines() == [
        "error: --segment: unknown segment 'faang'; expected one of big-tech, ai-lab, startup, "
        "enterprise, government, consultancy, unclassified"]


# ------------------------------------------------------------------- one employer, one segment
def test_one_segment_per_employer_from_the_industry_of_most_records() -> None:
    """`segment_frame`: every spelling and source of an employer gets one segment, from the
    NAICS label of most of its records (a source stating no industry takes it too); ties go to
    a label that decides, then alphabetically; a row without an employer keeps its own."""
    frame = segment_frame([
        ("ACME BANK, N.A.", "Banking", 3), ("Acme Bank", "Computer systems design", 1),
        ("Acme Bank", None, 0), ("Acme Bank", "Software Development", 9),  # a job board's text
        ("WIDGETRON LLC", "Computer systems design", 5), ("Widgetron", "Banking", 1),
        ("Tiebreak Corp", "Computer systems design", 2), ("Tiebreak Corp", "Insurance", 2),
        (None, "Insurance", 4), (None, None, 0)])
    def text(value: Any) -> str | None:
        return value if isinstance(value, str) else None  # a missing value: None or NaN

    got = {(text(r.employer), text(r.industry)): (text(r.employer_new), r.segment, text(r.segment_sector))
           for r in frame.itertuples()}
    for industry in ("Banking", "Computer systems design", None, "Software Development"):
        key = "ACME BANK, N.A." if industry == "Banking" else "Acme Bank"
        assert got[(key, industry)] == ("Acme Bank", "enterprise", "finance"), industry
    acme = frame[frame["employer_new"] == "Acme Bank"]
    assert set(acme["segment_source"]) == {
        "NAICS 5221 Depository Credit Intermediation (3 of the 4 records naming a NAICS "
        "industry, the most; others: 'Computer systems design' 1)"}
    assert got[("Widgetron", "Banking")] == ("Widgetron", "unclassified", None)  # 5415 has most
    assert got[("Tiebreak Corp", "Computer systems design")][1:] == ("enterprise", "insurance")
    assert got[(None, "Insurance")] == (None, "enterprise", "insurance")
    assert got[(None, None)] == (None, "unclassified", None)
    assert employer_segment("Acme Bank", {None: 3}).id == "unclassified"
    assert employer_segment("Google", {"Banking": 10}).basis == "list"  # the list wins


def _morgan_stanley_files(folder: Path) -> tuple[Path, Path]:
    """A DOL LCA file (every column of the FY2020+ layout) with one filing of MORGAN STANLEY & CO.
    LLC under NAICS 523110, and a Levels.fyi export (the export's 29 columns) with one record
    of "Morgan Stanley", which states no industry: the same job, mid-level, in New York."""
    from test_lca import lca_row, write_csv

    lca_file = write_csv(folder / "lca.csv", [lca_row(
        EMPLOYER_NAME="MORGAN STANLEY & CO. LLC", NAICS_CODE="523110", JOB_TITLE="Software Engineer",
        SOC_CODE="15-1252.00", PW_WAGE_LEVEL="II", WORKSITE_CITY="New York", WORKSITE_COUNTY="NEW YORK",
        WORKSITE_STATE="NY", WORKSITE_POSTAL_CODE="10036", WAGE_RATE_OF_PAY_FROM="150000",
        EMPLOYER_CITY="New York", EMPLOYER_STATE="NY", EMPLOYER_POSTAL_CODE="10036")])
    fixture = Path(__file__).parent / "data" / "levelsfyi_sample.csv"
    with fixture.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    levels_file = folder / "levels.csv"
    with levels_file.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([header, [
            "3/1/2024 9:00:00", "Morgan Stanley", "Associate", "Software Engineer", "190000",
            "New York, NY", "3", "2", "NA", "160000", "0", "30000", "NA", "NA", "10182", "501", "1",
            *["0"] * 10, "NA", "NA"]])
    return lca_file, levels_file


@pytest.mark.parametrize("order", ["levels-first", "lca-first"])
def test_an_employers_filings_classify_its_rows_from_every_source(
        tmp_path: Path, reference_db: Path, order: str) -> None:
    """A Levels.fyi record of "Morgan Stanley" landed in `unclassified` (no NAICS industry) while
    its LCA filing was an enterprise in finance, and `paybench employers` listed Morgan Stanley
    twice. One employer, one segment: the filing's NAICS classifies both rows, whichever file
    is ingested first; `paybench employers` lists it once; `--segment enterprise` counts both."""
    db = Path(shutil.copy(reference_db, tmp_path / "ms.duckdb"))
    lca_file, levels_file = _morgan_stanley_files(tmp_path)
    for path in ([levels_file, lca_file] if order == "levels-first" else [lca_file, levels_file]):
        done = run("ingest", str(path), db=db)
        assert done.returncode == 0, done.stderr
    with Store(db, read_only=True) as store:
        stored = store.query("SELECT source, employer, industry, segment, segment_sector, component "
                             "FROM observations WHERE employer IS NOT NULL ORDER BY source, component")
    assert set(stored["source"]) == {"lca", "levelsfyi"} and set(stored["employer"]) == {"Morgan Stanley"}
    assert set(zip(stored["segment"], stored["segment_sector"], strict=True)) == {("enterprise", "finance")}

    listing = run("employers", "--json", "--limit", "0", db=db)
    assert listing.returncode == 0, listing.stderr
    report = json.loads(listing.stdout)
    rows = [e for e in report["employers"] if "Morgan" in e["employer"]]
    assert len(rows) == 1, rows
    ms = rows[0]
    assert (ms["employer"], ms["segment"], ms["sector"], ms["basis"]) == (
        "Morgan Stanley", "enterprise", "finance", "NAICS sector")
    assert ms["basis_source"].startswith("NAICS 523 ")
    assert ms["n"] == 2 and ms["n_by_source"] == {"lca": 1, "levelsfyi": 1}
    assert [s["segment"] for s in report["segments"]] == ["enterprise"]

    if order == "levels-first":  # the later filing moved the earlier record into the segment
        cell = run("bench", "--role", "software-engineer", "--level", "mid", "--segment", "enterprise",
                   "--json", db=db)
        assert cell.returncode == 0, cell.stderr
        found = json.loads(cell.stdout)
        assert found["segment"] == "enterprise" and found["n"] == 2, found
        by_source = {e["source"]: e["n"] for e in found["sources"]}
        assert (by_source["lca"], by_source["levelsfyi"]) == (1, 1), found["sources"]


# ------------------------------------------- insurers, health systems and retailers (trial 31)
TRIAL31_PAIRS = [  # (Levels.fyi company, filings' employer names, display, segment sector)
    ("Walmart", ["WAL-MART ASSOCIATES, INC.", "Wal Mart Associates", "Wal-Mart Stores, Inc."],
     "Walmart", "retail"),
    ("Liberty Mutual", ["LIBERTY MUTUAL INSURANCE COMPANY", "Liberty Mutual Technology Group, Inc.",
                        "LIBERTY MUTUTAL GROUP INC."], "Liberty Mutual", "insurance"),
    ("CVS Health", ["CVS PHARMACY, INC.", "CAREMARK, LLC", "CVS RX SERVICES, INC."], "CVS Health", "retail"),
    ("Elevance Health", ["ANTHEM, INC.", "WELLPOINT, INC."], "Elevance Health", "insurance"),
    ("UnitedHealth Group", ["UNITED HEALTHCARE SERVICES, INC.", "OPTUM SERVICES, INC."],
     "UnitedHealth Group", "insurance"),
    ("Target", ["TARGET ENTERPRISE, INC.", "Target Corporation"], "Target", "retail"),
    ("State Farm", ["State Farm Mutual Automobile Insurance Company"], "State Farm", "insurance"),
    ("Allstate", ["ALLSTATE INSURANCE COMPANY"], "Allstate", "insurance"),
    ("Progressive", ["PROGRESSIVE CASUALTY INSURANCE COMPANY"], "Progressive", "insurance"),
    ("Humana", ["HUMANA INC."], "Humana", "insurance"),
    ("Kaiser Permanente", ["Kaiser Foundation Hospitals"], "Kaiser Permanente", "health"),
]


@pytest.mark.parametrize(("company", "filers", "display", "sector"), TRIAL31_PAIRS)
def test_levelsfyi_companies_and_their_filers_are_one_listed_employer(
        company: str, filers: list[str], display: str, sector: str) -> None:
    """Trial 31: a Levels.fyi record's company ("Walmart") and its filings' employer ("WAL-MART
    ASSOCIATES, INC.", NAICS 452112) were two employers, the record unclassified. Now one
    employer, one listed enterprise segment with its sector and sources, whatever the industry
    its rows carry (Optum files under 541512, Caremark under 424210)."""
    keys = set()
    for name in [company, *filers]:
        found = normalize_employer(name)
        assert found is not None and found.display == display, name
        keys.add(found.key)
        for industry in (None, "Computer systems design", "Wholesale"):
            seg = segment_of(name, industry)
            assert (seg.id, seg.sector, seg.basis) == ("enterprise", sector, "list"), (name, industry)
    assert len(keys) == 1
    frame = segment_frame([(company, None, 2), *((f, "Retail", 3) for f in filers)])
    assert set(frame["employer_new"]) == {display} and set(frame["segment"]) == {"enterprise"}
    assert set(frame["segment_sector"]) == {sector}


def test_other_companies_sharing_a_word_stay_apart() -> None:
    """Aliases match whole keys: Target Labs, Liberty University, Nationwide Children's Hospital
    are other employers, left to their industry or unclassified, never guessed."""
    for name in ("TARGET LABS, INC.", "TARGET MARKETEAM, INC.", "LIBERTY UNIVERSITY, INC.",
                 "LIBERTYCOM LLC", "NATIONWIDE CHILDREN'S HOSPITAL",
                 "Progressive Project & Property Management Group Inc"):
        assert listed_segment(name) is None, name
        found = normalize_employer(name)
        assert found is not None and found.display not in ("Target", "Liberty Mutual", "Progressive"), name
