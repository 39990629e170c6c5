"""`paybench posting-check`: a posting that passes and one that fails for each element a law
asks for (remote scopes included), the market flags and their evidence, files in the postings
adapter's layouts (JobSpy fixtures, the real Adzuna UK export), the CLI and the Python API."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from paybench.decide.market import Market
from paybench.decide.posting_check import (
    CSV_COLUMNS,
    PostingCheck,
    PostingRecord,
    check_posting,
    check_postings,
    employee_band,
    read_posting_file,
    report_csv,
)
from paybench.errors import InputError
from paybench.store import Store

DATA = Path(__file__).resolve().parent / "data"
ON = dt.date(2026, 6, 1)
RANGE = "Salary: $150,000 - $180,000 a year."
BENEFITS = "Benefits: medical, dental and vision insurance, 401(k) match, 20 days PTO."
DEADLINE = "Applications will be accepted until July 15, 2026."
DUTIES = "**Responsibilities**\n- Build and ship ranking models."
BONUS = "Eligible for an annual performance bonus."


@pytest.fixture(scope="module")
def market(reference_db: Path) -> Market:
    with Store(reference_db, read_only=True) as store:
        return Market.load(store)


def check(market: Market, text: str, place: str, *, remote: object = None, size: int | None = 100,
          title: str = "Senior Machine Learning Engineer", on: dt.date = ON) -> PostingCheck:
    from paybench.decide.posting import parse_remote

    record = PostingRecord(description=text, title=title, location=place)
    scope = None if remote is None else parse_remote(remote)  # type: ignore[arg-type]
    return check_posting(record, market, place=place, remote=scope, employer_size=size, on=on)


def law(result: PostingCheck, law_id: str) -> dict[str, str]:
    """element -> status under one law, plus its verdict under the key 'verdict'."""
    found = next(r for r in result.laws if r.law_id == law_id)
    return {**{e.element: e.status for e in found.elements}, "verdict": found.verdict}


# --------------------------------------------------------------------------- each element
def test_pay_range(market: Market) -> None:
    good = check(market, "\n".join([DUTIES, RANGE, BENEFITS, BONUS, DEADLINE]), "Denver, CO")
    assert law(good, "co-epewa")["pay_range"] == "present" and good.verdict == "meets"
    assert good.pay is not None and (good.pay.min, good.pay.max, good.pay.period) == (150000, 180000, "year")
    none = check(market, "\n".join([DUTIES, "Salary: competitive, depending on experience.", BENEFITS,
                                    DEADLINE]), "Denver, CO")
    assert law(none, "co-epewa")["pay_range"] == "missing" and none.verdict == "fails"
    assert any("pay range" in m for m in none.missing)
    # an open-ended range is no range: "up to" fails New York City's minimum and maximum
    open_ended = check(market, f"{DUTIES}\nPay: up to $180,000 a year.", "Brooklyn, NY")
    assert law(open_ended, "nyc-ll32") == {"pay_range": "missing", "verdict": "fails"}
    detail = next(e.detail for r in open_ended.laws for e in r.elements if r.law_id == "nyc-ll32")
    assert "open-ended" in detail
    hourly = check(market, f"{DUTIES}\nPay: $60-$75/hr.", "Brooklyn, NY")
    assert law(hourly, "nyc-ll32")["verdict"] == "meets" and hourly.pay and hourly.pay.period == "hour"


def test_benefits(market: Market) -> None:
    good = check(market, "\n".join([DUTIES, RANGE, BENEFITS]), "Seattle, WA")
    assert law(good, "wa-49.58.110")["benefits"] == "present"
    vague = check(market, "\n".join([DUTIES, RANGE, "Competitive benefits package."]), "Seattle, WA")
    assert law(vague, "wa-49.58.110")["benefits"] == "missing" and vague.verdict == "fails"
    none = check(market, "\n".join([DUTIES, RANGE]), "Seattle, WA")
    assert law(none, "wa-49.58.110")["benefits"] == "missing"
    # Illinois accepts a hyperlink to a public page with the pay scale and benefits; Washington does not
    link = "\n".join([DUTIES, RANGE, "Pay scale and benefits: https://careers.example.com/pay/mle"])
    assert law(check(market, link, "Chicago, IL"), "il-epa-b25")["benefits"] == "present"
    assert law(check(market, link, "Seattle, WA"), "wa-49.58.110")["benefits"] == "missing"


def test_other_compensation(market: Market) -> None:
    text = "\n".join([DUTIES, RANGE, BENEFITS])
    stated = check(market, text + "\nEligible for an annual bonus and equity grants.", "Seattle, WA")
    assert law(stated, "wa-49.58.110") == {"pay_range": "present", "benefits": "present",
                                           "other_compensation": "present", "verdict": "meets"}
    # required only when the job has it: not stated is 'check', not 'fails'
    unstated = check(market, text + "\nKubernetes experience is a bonus.", "Seattle, WA")
    assert law(unstated, "wa-49.58.110")["other_compensation"] == "not stated"
    assert unstated.verdict == "check"


def test_application_deadline(market: Market) -> None:
    text = "\n".join([DUTIES, RANGE, BENEFITS])
    good = check(market, f"{text}\n{BONUS}\n{DEADLINE}", "Denver, CO")
    assert law(good, "co-epewa")["application_deadline"] == "present" and good.verdict == "meets"
    rolling = check(market, f"{text}\nApplications reviewed on a rolling basis.", "Denver, CO")
    assert law(rolling, "co-epewa")["application_deadline"] == "missing" and rolling.verdict == "fails"
    assert rolling.missing == ["Colorado: the date the application window is anticipated to close"]
    # before SB 23-105 (2024-01-01) Colorado did not ask for it
    early = check(market, f"{text}\n{BONUS}", "Denver, CO", on=dt.date(2023, 6, 1))
    assert law(early, "co-epewa")["application_deadline"] == "not yet required"
    assert early.verdict == "meets"


def test_job_description(market: Market) -> None:
    good = check(market, f"{DUTIES}\n{RANGE}", "Buffalo, NY")
    assert law(good, "ny-194b") == {"pay_range": "present", "job_description": "present", "verdict": "meets"}
    short = check(market, RANGE, "Buffalo, NY")
    assert law(short, "ny-194b") == {"pay_range": "present", "job_description": "not stated",
                                     "verdict": "check"}


def test_healthcare_benefits(market: Market) -> None:
    good = check(market, f"{DUTIES}\n{RANGE}\nHealth insurance from day one.", "Washington, DC")
    assert law(good, "dc-wtoaa")["healthcare_benefits"] == "present" and good.verdict == "meets"
    later = check(market, f"{DUTIES}\n{RANGE}", "Washington, DC")
    assert law(later, "dc-wtoaa")["healthcare_benefits"] == "not stated"  # may be said before the interview
    assert later.verdict == "check"


def test_commission_statement(market: Market) -> None:
    text = f"{DUTIES}\nThis is a commission-based role with uncapped earnings."
    vermont = check(market, text, "Burlington, VT", title="Account Executive")
    assert law(vermont, "vt-495p") == {"pay_range": "present", "verdict": "meets"}
    nyc = check(market, text, "Brooklyn, NY", title="Account Executive")
    assert law(nyc, "nyc-ll32")["pay_range"] == "missing"  # the city asks for a minimum and maximum
    assert law(nyc, "ny-194b")["pay_range"] == "present"  # the state accepts a commission statement


def test_local_laws(market: Market) -> None:
    westchester = check(market, f"{DUTIES}\nPay: $38-$46 an hour.", "White Plains, NY 10601")
    assert {r.law_id: r.verdict for r in westchester.laws} == {"ny-194b": "meets",
                                                                "westchester-700.03": "meets"}
    jersey = check(market, f"{DUTIES}\n{RANGE}", "Jersey City, NJ")
    assert law(jersey, "jc-148-4.1") == {"pay_range": "present", "benefits": "missing", "verdict": "fails"}
    cleveland = check(market, DUTIES, "Cleveland, OH")
    assert law(cleveland, "cleveland-104-2025") == {"pay_range": "missing", "verdict": "fails"}
    toledo = check(market, DUTIES, "Toledo, OH")
    assert law(toledo, "toledo-768") == {"verdict": "on request"} and toledo.verdict == "on request only"
    assert "conditional offer" in (toledo.laws[0].on_request or "")


# --------------------------------------------------------------------------- remote, size, dates
def test_remote_scope(market: Market) -> None:
    text = "\n".join([DUTIES, RANGE, BENEFITS])  # no application deadline
    # open anywhere in the US: Colorado's law covers remote jobs that could be performed there,
    # so it applies (not only may): the missing deadline fails the posting
    anywhere = check(market, text, "Remote")
    colorado = next(r for r in anywhere.laws if r.law_id == "co-epewa")
    assert colorado.status == "applies" and colorado.verdict == "fails"
    assert anywhere.verdict == "fails" and anywhere.remote == "remote (US)"
    assert anywhere.missing == ["Colorado: the date the application window is anticipated to close"]
    # a law that covers jobs that *will* be performed there (Illinois) may apply to it, and fails
    # only 'if it applies' when its elements are missing
    no_benefits = check(market, "\n".join([DUTIES, RANGE, DEADLINE]), "Remote")
    assert {r.law_id: r.status for r in no_benefits.laws if r.verdict == "fails"} == {
        "co-epewa": "applies", "wa-49.58.110": "applies", "nj-pl2024c91": "applies",
        "il-epa-b25": "may apply", "md-3-304.2": "may apply", "mn-181.173": "may apply",
        "jc-148-4.1": "may apply"}
    assert "Illinois (if it applies): a general description of the benefits" in no_benefits.missing
    named = check(market, text, "Remote", remote="CO,NY")
    assert {r.law_id: r.status for r in named.laws} == {"co-epewa": "applies", "ny-194b": "applies",
                                                         "nyc-ll32": "applies",
                                                         "westchester-700.03": "may apply"}
    assert named.verdict == "fails"
    elsewhere = check(market, f"{text}\n{DEADLINE}", "Remote", remote="TX")
    assert elsewhere.laws == [] and elsewhere.verdict == "no law"
    full = check(market, f"{text}\n{DEADLINE}\n{BONUS}\nHealth insurance from day one.", "Remote")
    assert full.verdict == "meets"
    assert full.market is not None and full.market.cell.place.label == "Remote (US)"


def test_size_and_dates(market: Market) -> None:
    small = check(market, DUTIES, "San Diego, CA", size=10)
    assert small.verdict == "not required" and law(small, "ca-sb1162")["verdict"] == "not required"
    delaware = check(market, f"{DUTIES}\n{RANGE}", "Wilmington, DE")
    # enacted, not in effect: what it will ask for, as of its start
    assert law(delaware, "de-hb105") == {"pay_range": "present", "benefits": "missing",
                                        "other_compensation": "not stated", "verdict": "not yet in effect"}
    assert delaware.verdict == "not required"
    assert employee_band("51 to 200") == (51, 200) and employee_band("10,000+") == (10_000, None)
    assert employee_band("1,001-5,000 employees") == (1001, 5000) and employee_band("n/a") is None


def test_outside_the_us_and_unplaced(market: Market) -> None:
    uk = check(market, "Data Engineer\nSalary: £60,000 - £70,000 per annum.", "London, UK",
               title="Data Engineer")
    assert uk.verdict == "no US law" and uk.laws == []
    assert "no US pay-transparency law applies" in uk.notes[0] and "United Kingdom" in uk.notes[0]
    assert uk.pay is not None and uk.pay.currency == "GBP"
    lost = check_posting(PostingRecord(description=RANGE, title="Data Engineer", location="Atlantis"),
                         market, on=ON)
    assert lost.verdict == "not placed" and lost.notes and "not placed" in lost.notes[0]


# --------------------------------------------------------------------------- market flags
def test_market_flags_and_evidence(market: Market) -> None:
    cell = market.cell("machine-learning-engineer", "senior", "Denver, CO")

    def flags(low: float, high: float) -> list[str]:
        text = f"{DUTIES}\nSalary: ${low:,.0f} - ${high:,.0f} a year."
        result = check(market, text, "Denver, CO")
        assert result.market is not None and result.market.cell == cell
        return result.market.flags

    assert flags(cell.p25, cell.p75) == []
    wide = flags(cell.p10 * 0.8, cell.p90 * 1.2)
    assert any(f.startswith("wider than the market's P10-P90") for f in wide)
    assert not any(f.startswith("top more than twice") for f in wide)  # the range's own flag
    low = flags(cell.p10 * 0.5, cell.p10 * 0.6)
    assert len(low) == 1 and "does not overlap the market's P25-P75" in low[0] and "below" in low[0]
    assert any("above" in f for f in flags(cell.p75 * 1.1, cell.p75 * 1.2))
    result = check(market, f"{DUTIES}\n{RANGE}", "Denver, CO")
    assert result.market is not None
    m = result.market
    assert (m.cell.role, m.cell.level, m.cell.n, m.cell.method) == (
        "machine-learning-engineer", "senior", cell.n, cell.method)
    assert m.evidence.startswith("market cell Machine Learning Engineer, senior") and m.cell.sources
    assert "level from the title" in m.basis
    untitled = check(market, RANGE, "Denver, CO", title="")
    assert untitled.market is None and "no title" in (untitled.market_note or "")


def test_range_flags_need_no_market_cell(market: Market) -> None:
    """A top more than twice the bottom depends on the range alone: raised with a cell, without
    one (no title, a title paybench cannot read, a worksite it cannot place), and in a currency
    without an exchange rate; the market's flags need the cell, and its absence is said."""
    wide = f"{DUTIES}\nSalary: $60,000 - $150,000 a year."
    ratio = ["top more than twice the bottom (x2.50)"]
    with_cell = check(market, wide, "Denver, CO")
    assert with_cell.range_flags == ratio and with_cell.market is not None
    for title in ("", "Chief Vibes Wrangler"):
        no_cell = check(market, wide, "Denver, CO", title=title)
        assert no_cell.market is None and no_cell.range_flags == ratio
        assert "not compared with the market (P10-P90, P25-P75)" in (no_cell.market_note or "")
    lost = check_posting(PostingRecord(description=wide, title="Data Engineer", location="Atlantis"),
                         market, on=ON)
    assert lost.verdict == "not placed" and lost.range_flags == ratio
    assert "no market cell" in (lost.market_note or "")
    rupees = check(market, f"{DUTIES}\nSalary: PKR 100,000 - 300,000 per month.", "Denver, CO")
    assert rupees.range_flags == ["top more than twice the bottom (x3.00)"]
    assert check(market, f"{DUTIES}\n{RANGE}", "Denver, CO", title="").range_flags == []
    assert check(market, f"{DUTIES}\nPay: up to $180,000 a year.", "Denver, CO").range_flags == []
    rows = list(csv.DictReader(io.StringIO(report_csv(check_postings(
        [(1, PostingRecord(description=wide))], market, source="x", place="Denver, CO", on=ON)))))
    assert rows[0]["range_flags"] == ratio[0] and rows[0]["market_cell"] == ""


# --------------------------------------------------------------------------- files
def test_jobspy_fixture_of_us_postings(market: Market) -> None:
    report = check_postings(read_posting_file(DATA / "postings_jobspy_transparency.csv"), market,
                            source="fixture")
    by_row = {r.row: r for r in report.rows}
    assert report.postings == 10 and report.rejected == []
    assert {n: r.verdict for n, r in by_row.items()} == {
        1: "meets", 2: "fails", 3: "fails", 4: "fails", 5: "fails", 6: "check", 7: "meets", 8: "meets",
        9: "meets", 10: "not required"}
    assert by_row[1].pay is not None and by_row[1].pay.source == "board"  # JobSpy's direct_data
    assert by_row[2].missing == ["Colorado: the date the application window is anticipated to close"]
    assert by_row[3].missing == ["Washington: a general description of the benefits"]
    assert by_row[4].pay is not None and by_row[4].pay.bound == "up_to"  # salary_source description
    assert by_row[5].remote == "remote (US)"  # open anywhere: Colorado's law applies, its deadline missing
    assert by_row[5].missing == ["Colorado: the date the application window is anticipated to close"]
    assert [r.law_id for r in by_row[8].laws] == ["ny-194b", "westchester-700.03"]
    assert by_row[8].pay is not None and by_row[8].pay.period == "hour"
    assert by_row[10].employer_size == "2 to 10"
    assert report.summary == {"fails": 4, "check": 1, "meets": 4, "not required": 1}


def test_the_adapters_own_fixture(market: Market) -> None:
    """The postings adapter's JobSpy fixture: every row checked or rejected with the adapter's reason."""
    report = check_postings(read_posting_file(DATA / "postings_jobspy.csv"), market, source="jobspy")
    assert report.postings == 36 and [r.reason for r in report.rejected] == ["expected 34 fields, found 35"]
    by_row = {r.row: r for r in report.rows}
    assert by_row[17].verdict == "no US law"  # London
    assert by_row[31].verdict == "no US law"  # Toronto
    assert by_row[26].missing == ["Colorado: a general description of the benefits",
                                  "Colorado: the date the application window is anticipated to close"]
    assert by_row[33].pay is None and "not a number" in (by_row[33].pay_note or "")
    rows = list(csv.DictReader(io.StringIO(report_csv(report))))  # every input row, the bad one too
    assert len(rows) == 37 and sorted(int(r["row"]) for r in rows) == list(range(1, 38))
    assert (rows[-1]["row"], rows[-1]["verdict"], rows[-1]["notes"]) == (
        "37", "not checked", "expected 34 fields, found 35")


def test_one_json_record(tmp_path: Path, market: Market) -> None:
    record = {"job_title": "Data Scientist", "employer_name": "Acme", "job_location": "Denver, CO",
              "job_description": "\n".join([DUTIES, RANGE, BENEFITS, BONUS, DEADLINE]),
              "job_posted_date": "2026-05-01"}
    path = tmp_path / "one.json"
    path.write_text(json.dumps(record, indent=2), encoding="utf-8")
    report = check_postings(read_posting_file(path), market, source=path.name)
    assert report.postings == 1 and report.rows[0].verdict == "meets"
    assert report.rows[0].title == "Data Scientist" and report.rows[0].posted_on == dt.date(2026, 5, 1)


def test_json_records_need_only_a_text(tmp_path: Path, market: Market) -> None:
    """A JSON record (one object, over one line or several; or JSON Lines) with a title and a
    pay text or a description is checked: no company or location needed (the place given);
    one without a text is refused naming the file as given and no option the check lacks."""
    pay_only = {"title": "Senior Data Scientist", "pay": "$150,000 - $180,000 per year"}
    described = {"title": "Data Engineer", "description": "\n".join([DUTIES, RANGE, BENEFITS])}
    for name, text in (("rec.json", json.dumps(pay_only, indent=2)), ("line.json", json.dumps(pay_only)),
                       ("recs.jsonl", json.dumps(pay_only) + "\n" + json.dumps(described) + "\n")):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        report = check_postings(read_posting_file(path), market, source=name, place="Denver, CO", on=ON)
        assert report.rejected == [] and report.rows[0].company is None
        first = report.rows[0]
        assert first.pay is not None and (first.pay.min, first.pay.max) == (150000, 180000)
        assert first.title == "Senior Data Scientist" and first.market is not None
        assert law(first, "co-epewa")["pay_range"] == "present"
        assert law(first, "co-epewa")["benefits"] == "missing"
    assert [r.title for r in report.rows] == ["Senior Data Scientist", "Data Engineer"]
    assert law(report.rows[1], "co-epewa")["benefits"] == "present"
    # the pay text is read before the description, as the postings adapter reads it
    both = PostingRecord(pay_text="$100,000 - $120,000 a year", description=RANGE)
    assert (b := check_postings([(1, both)], market, source="x", place="Denver, CO", on=ON).rows[0].pay)
    assert (b.min, b.max) == (100000, 120000)
    with pytest.raises(ValueError, match="description"):
        PostingRecord(title="x")
    bare = tmp_path / "bare.json"
    bare.write_text(json.dumps({"title": "Data Engineer", "company": "Acme"}, indent=2), encoding="utf-8")
    with pytest.raises(InputError) as info:
        list(read_posting_file(bare))
    assert info.value.message.startswith("bare.json: ") and "--map" not in info.value.message
    assert "description" in info.value.message and "pay_text" in info.value.message
    lines = tmp_path / "mixed.jsonl"
    lines.write_text(json.dumps(pay_only) + "\n" + json.dumps({"title": "x", "pay": ""}) + "\n",
                     encoding="utf-8")
    report = check_postings(read_posting_file(lines), market, source=lines.name, place="Denver, CO", on=ON)
    assert report.postings == 1 and [r.row for r in report.rejected] == [2]
    assert "no text" in report.rejected[0].reason


def test_csv_report(market: Market) -> None:
    report = check_postings(read_posting_file(DATA / "postings_jobspy_transparency.csv"), market,
                            source="fixture")
    rows = list(csv.DictReader(io.StringIO(report_csv(report))))
    assert tuple(rows[0]) == CSV_COLUMNS and len(rows) == 10
    assert rows[1]["verdict"] == "fails" and "application window" in rows[1]["missing"]
    assert rows[0]["market_cell"].startswith("Machine Learning Engineer, senior")


def test_bad_inputs(market: Market) -> None:
    with pytest.raises(InputError) as info:
        check_postings([], market, source="none")
    assert info.value.field == "posting"
    with pytest.raises(InputError) as info:
        check_postings([(1, PostingRecord(description=RANGE))], market, source="x", place="Atlantis")
    assert info.value.field == "place"
    with pytest.raises(InputError) as info:
        check_postings([(1, PostingRecord(description=RANGE))], market, source="x", remote="London")
    assert info.value.field == "remote"


# --------------------------------------------------------------------------- surfaces
def run(args: list[str], db: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PAYBENCH_DB": str(db), "PAYBENCH_WORKERS": "1"}
    return subprocess.run([sys.executable, "-m", "paybench", *args], capture_output=True, text=True,
                          env=env, timeout=600, input=stdin)


def test_cli_laws(fresh_db: Path) -> None:
    proc = run(["laws", "--json", "--date", "2026-06-01"], fresh_db)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert len(data["laws"]) >= 15
    for entry in data["laws"]:
        law = entry["law"]
        assert law["citation"] and law["effective"] and law["checked_on"]
        assert law["kind"] == "on_request" or law["must_state"][0]["element"] == "pay_range"
    denver = run(["laws", "--place", "Denver, CO", "--employer-size", "20"], fresh_db)
    assert denver.returncode == 0 and "C.R.S. § 8-5-201" in denver.stdout
    assert "not legal advice" in denver.stdout
    # the header names the place and the scope the laws were found for ('Remote' said 'on site')
    remote = run(["laws", "--place", "Remote", "--date", "2026-06-01"], fresh_db)
    assert remote.returncode == 0, remote.stderr
    assert remote.stdout.splitlines()[0].strip() == (
        "Pay-transparency laws: Remote; remote (US); posting date 2026-06-01")
    anywhere = run(["laws", "--remote", "US", "--date", "2026-06-01", "--json"], fresh_db)
    applies = {e["law"]["id"] for e in json.loads(anywhere.stdout)["laws"]
               if e["status"] in ("applies", "size unchecked")}
    assert {"ca-sb1162", "co-epewa", "wa-49.58.110", "nj-pl2024c91", "nyc-ll32"} <= applies
    assert "Colorado: remote job that may be filled anywhere in the US" in run(
        ["laws", "--remote", "US"], fresh_db).stdout
    bad = run(["laws", "--remote", "London"], fresh_db)
    assert bad.returncode == 1 and bad.stderr.startswith("error: --remote:") and "Traceback" not in bad.stderr


def test_cli_posting_check(fresh_db: Path, tmp_path: Path) -> None:
    text = "\n".join(["Senior Machine Learning Engineer", DUTIES, RANGE, BENEFITS])
    one = run(["posting-check", text, "--place", "Denver, CO", "--date", "2026-06-01"], fresh_db)
    assert one.returncode == 0, one.stderr
    assert "verdict: FAILS" in one.stdout and "application window" in one.stdout
    assert "good-faith evidence: market cell Machine Learning Engineer, senior" in one.stdout
    piped = run(["posting-check", "-", "--remote", "US", "--json"], fresh_db, stdin=text)
    assert piped.returncode == 0, piped.stderr
    assert json.loads(piped.stdout)["rows"][0]["verdict"] == "fails"  # Colorado's deadline
    table = run(["posting-check", str(DATA / "postings_jobspy_transparency.csv")], fresh_db)
    assert table.returncode == 0 and "verdicts: fails 4, check 1, meets 4" in table.stdout
    as_csv = run(["posting-check", str(DATA / "postings_jobspy_transparency.csv"), "--csv"], fresh_db)
    assert as_csv.returncode == 0 and len(list(csv.DictReader(io.StringIO(as_csv.stdout)))) == 10
    record = tmp_path / "rec.json"  # one JSON record: a title and a pay text, no company
    record.write_text(json.dumps({"title": "Senior Data Scientist", "pay": "$120,000 - $300,000 per year"},
                                 indent=2), encoding="utf-8")
    one_record = run(["posting-check", str(record), "--place", "Denver, CO", "--date", "2026-06-01"],
                     fresh_db)
    assert one_record.returncode == 0, one_record.stderr
    assert "Senior Data Scientist: Denver, CO" in one_record.stdout
    assert "flag: top more than twice the bottom (x2.50)" in one_record.stdout
    as_json = run(["posting-check", str(record), "--place", "Denver, CO", "--json"], fresh_db)
    assert json.loads(as_json.stdout)["source"] == "rec.json"
    bare = run(["posting-check", str(DATA / "labelled_titles.csv"), "--place", "Denver, CO"], fresh_db)
    assert bare.returncode == 1 and "labelled_titles.csv: not a job postings file" in bare.stderr
    assert "--map" not in bare.stderr  # posting-check has no --map: nothing suggests one
    # a JSON record given inline reads as that record: its location is the worksite
    record_text = json.dumps({"title": "Data Scientist", "company": "X", "location": "Boston, MA",
                              "description": "Python. Salary $120,000-$150,000."})
    inline = run(["posting-check", record_text, "--json"], fresh_db)
    assert inline.returncode == 0, inline.stderr
    assert json.loads(inline.stdout)["rows"][0]["place"] == "Boston, MA"
    records = [json.loads(record_text), {**json.loads(record_text), "location": "Denver, CO"}]
    for text in (json.dumps(records), "\n".join(json.dumps(r) for r in records)):  # an array, JSON Lines
        many = run(["posting-check", text, "--json"], fresh_db)
        assert many.returncode == 0, many.stderr
        assert [r["place"] for r in json.loads(many.stdout)["rows"]] == ["Boston, MA", "Denver, CO"]
    for args, message in ((["posting-check", "a posting"], "--place"),
                          (["posting-check", " ", "--place", "Denver, CO"], "the posting is empty"),
                          (["posting-check", "missing.csv"], "no such file"),
                          (["posting-check", str(DATA / "labelled_titles.csv")], "not a job postings file"),
                          (["posting-check", "x", "--place", "Denver, CO", "--csv", "--json"], "not both")):
        bad = run(args, fresh_db)
        assert bad.returncode == 1 and message in bad.stderr and "Traceback" not in bad.stderr, bad.stderr


@pytest.mark.slow
def test_cli_on_the_adzuna_uk_export(fresh_db: Path, shared_data: Path) -> None:
    """The real Adzuna UK export: every posting is read and none falls under a US law, said so."""
    path = shared_data / "postings" / "adzuna_uk_data_jobs_2026.csv"
    proc = run(["posting-check", str(path), "--json"], fresh_db)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["postings"] == 1241 and data["rejected"] == []
    assert data["summary"] == {"no US law": 1241}
    assert all(r["country"] == "GB" and r["laws"] == [] for r in data["rows"])
    assert all("no US pay-transparency law applies" in r["notes"][-1] for r in data["rows"])
    board = [r["pay"] for r in data["rows"] if r["pay"] and r["pay"]["source"] == "board"]
    assert board and all(p["currency"] == "GBP" for p in board)  # the UK site's currency
    # text figures keep the currency written ("up to $45 per hour" for a freelance role)
    text = [r["pay"] for r in data["rows"] if r["pay"] and r["pay"]["source"] == "text"]
    assert text and {p["currency"] for p in text} <= {"GBP", "USD", "EUR"}


def test_python_api(fresh_db: Path) -> None:
    from paybench import Paybench

    with Paybench(fresh_db) as pb:
        one = pb.posting_check("\n".join([DUTIES, RANGE, BENEFITS, BONUS, DEADLINE]), place="Denver, CO",
                               title="Data Scientist", posting_date="2026-06-01")
        assert one.rows[0].verdict == "meets" and one.rows[0].market is not None
        many = pb.posting_check([{"title": "ML Engineer", "location": "Seattle, WA", "description": RANGE},
                                 {"title": "ML Engineer", "location": "Austin, TX", "description": RANGE}])
        assert [r.verdict for r in many.rows] == ["fails", "no law"] and [r.row for r in many.rows] == [1, 2]
        from_file = pb.posting_check(DATA / "postings_jobspy_transparency.csv")
        assert from_file.postings == 10
        assert len(Paybench.laws().laws) >= 15
        with pytest.raises(InputError) as info:
            pb.posting_check("text only")
        assert info.value.field == "place"
        with pytest.raises(InputError) as info:
            pb.posting_check({"title": "x"})
        assert info.value.field.startswith("posting")
