"""Job postings adapter: the JobSpy CSV layout and JSON Lines, into a real store."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from paybench.errors import InputError
from paybench.ingest import detect_source, ingest_file
from paybench.normalize.employers import normalize_employer
from paybench.sources import postings
from paybench.sources.postings import (
    JOBSPY_COLUMNS,
    company_size,
    dedup_key,
    extract_years_experience,
)
from paybench.store import Store

DATA = Path(__file__).parent / "data"
CSV = DATA / "postings_jobspy.csv"
JSONL = DATA / "postings.jsonl"


@pytest.fixture()
def store(fresh_db: Path) -> Store:
    with Store(fresh_db) as s:
        yield s


def _posting(store: Store, company: str, title: str) -> dict:
    """The one stored posting of `company` (as the file names it: stored in the employer
    normalizer's display form, "Acme Corp" as "Acme") with this title."""
    employer = normalize_employer(company)
    assert employer is not None
    rows = store.query("SELECT * FROM postings WHERE employer = ? AND raw_title = ?",
                       [employer.display, title])
    assert len(rows) == 1, rows
    return rows.iloc[0].to_dict()


def _observation(store: Store, key: str) -> dict:
    rows = store.query("SELECT * FROM observations WHERE source = 'postings' AND dedup_key = ?", [key])
    assert len(rows) == 1, rows
    return rows.iloc[0].to_dict()


def test_fixture_has_jobspy_columns_in_order() -> None:
    header = CSV.read_text(encoding="utf-8").split("\n", 1)[0].split(",")
    assert tuple(header) == JOBSPY_COLUMNS
    assert detect_source(CSV) == "postings" and detect_source(JSONL) == "postings"


def test_jobspy_csv_ingest_counts_and_notes(store: Store) -> None:
    result = ingest_file(store, CSV)
    counts = (result.rows_read, result.rows_kept, result.rows_quarantined, result.rows_skipped)
    assert counts == (37, 25, 6, 6)
    assert result.rows_read == result.rows_kept + result.rows_quarantined + result.rows_skipped
    notes = "; ".join(result.notes)
    assert "4 postings without posted pay" in notes
    assert "2 duplicate postings" in notes
    assert "1 postings without date_posted" in notes
    assert store.scalar("SELECT count(*) FROM postings") == 25 + 4
    assert store.scalar("SELECT count(*) FROM observations WHERE source = 'postings'") == 25
    again = ingest_file(store, CSV)
    assert again.already_ingested and store.scalar("SELECT count(*) FROM postings") == 29


def test_structured_pay_used_and_posted_kind(store: Store) -> None:
    ingest_file(store, CSV)
    northwind = _posting(store, "Northwind Robotics", "Senior Machine Learning Engineer")
    assert northwind["has_pay"] and northwind["pay_source"] == "structured"
    obs = _observation(store, northwind["dedup_key"])
    assert (obs["kind"], obs["period"], obs["currency"], obs["component"]) == (
        "posted", "year", "USD", "base")
    assert (obs["annual_usd_min"], obs["annual_usd_max"], obs["annual_usd"]) == (185000, 235000, 210000)
    assert (obs["role"], obs["level"], obs["metro"], obs["years_experience"]) == (
        "machine-learning-engineer", "senior", "14460", 5.0)
    assert (obs["company_size"], obs["industry"]) == ("L", "Industrial Automation")
    contract = _posting(store, "Apex Staffing", "Machine Learning Engineer (Contract)")
    hourly = _observation(store, contract["dedup_key"])
    assert (hourly["period"], hourly["amount_raw"], hourly["amount_raw_max"]) == ("hour", 85, 110)
    assert hourly["annual_usd"] == pytest.approx(97.5 * 2080) and hourly["employment_type"] == "contract"
    # posted figures are stored apart from paid ones: kind 'posted' only, never 'paid'
    kinds = store.query("SELECT DISTINCT kind FROM observations WHERE source = 'postings'")["kind"].tolist()
    assert kinds == ["posted"]


def test_pay_read_from_text_when_not_structured(store: Store) -> None:
    ingest_file(store, CSV)
    llm = _posting(store, "Tessellate AI", "Machine Learning Engineer, LLM Applications")
    assert llm["pay_source"] == "text" and llm["work_mode"] == "remote"
    obs = _observation(store, llm["dedup_key"])
    assert (obs["annual_usd_min"], obs["annual_usd_max"]) == (170000, 210000)
    fenwick = _posting(store, "Fenwick Analytics", "Machine Learning Engineer")
    london = _observation(store, fenwick["dedup_key"])
    assert london["currency"] == "GBP" and (london["amount_raw"], london["amount_raw_max"]) == (75000, 90000)
    assert london["annual_usd"] > 75000  # converted from pounds at the posting date's rate
    # JobSpy parsed this one from the description ("yearly" 260000-340000); paybench re-reads
    # the text and sees it is total compensation (OTE), not base
    manager = _posting(store, "Lumen Commerce", "Manager, Machine Learning Engineering")
    assert manager["pay_source"] == "text"
    assert _observation(store, manager["dedup_key"])["component"] == "total"


def test_postings_without_pay_counted_not_stored_as_pay(store: Store) -> None:
    ingest_file(store, CSV)
    data_engineer = _posting(store, "Cobalt Insurance", "Data Engineer")
    assert not data_engineer["has_pay"] and data_engineer["pay_source"] is None
    assert store.scalar("SELECT count(*) FROM observations WHERE dedup_key = ?",
                        [data_engineer["dedup_key"]]) == 0
    skills = set(store.query("SELECT skill FROM observation_skills WHERE dedup_key = ?",
                             [data_engineer["dedup_key"]])["skill"])
    assert {"dbt", "airflow", "snowflake", "aws", "sql", "python", "kafka"} <= skills


def test_duplicates_stored_once_within_and_across_files(store: Store) -> None:
    ingest_file(store, CSV)
    result = ingest_file(store, JSONL)
    assert "2 duplicate postings" in "; ".join(result.notes)  # Northwind (from the CSV) and Helix
    assert store.scalar("SELECT count(*) FROM postings WHERE employer = 'Northwind Robotics'") == 1
    assert store.scalar("SELECT count(*) FROM postings WHERE employer = 'Helix Bio'") == 1  # as normalized
    keys = store.query("SELECT dedup_key FROM postings")["dedup_key"]
    assert keys.is_unique
    assert dedup_key("Acme", "ML  Engineer", "Austin, TX", "Python\n") == dedup_key(
        " acme", "ml engineer", "AUSTIN, TX", "python")


def test_jsonl_other_column_names(store: Store) -> None:
    result = ingest_file(store, JSONL)
    counts = (result.rows_read, result.rows_kept, result.rows_quarantined, result.rows_skipped)
    assert counts == (19, 11, 3, 5)
    vantage = _posting(store, "Vantage Cloud", "Senior Machine Learning Engineer")
    obs = _observation(store, vantage["dedup_key"])
    assert vantage["work_mode"] == "remote" and vantage["pay_source"] == "structured"
    assert (obs["annual_usd_min"], obs["annual_usd_max"], obs["years_experience"]) == (190000, 240000, 6.0)
    top = _posting(store, "Vantage Cloud", "Principal Machine Learning Engineer")
    principal = _observation(store, top["dedup_key"])
    assert (principal["annual_usd_min"], principal["annual_usd_max"], principal["level"]) == (
        260000, 340000, "principal")
    # "Up to $170,000 per year": a ceiling only (issue 16: no minimum); the point value is the
    # one figure known
    mlops = _observation(store, _posting(store, "Atlas Freight", "MLOps Engineer")["dedup_key"])
    assert pd.isna(mlops["annual_usd_min"])
    assert (mlops["annual_usd_max"], mlops["annual_usd"]) == (170000, 170000)
    assert (mlops["amount_raw"], mlops["amount_raw_max"]) == (170000, 170000)


def test_malformed_rows_quarantined_with_reasons(store: Store) -> None:
    ingest_file(store, CSV)
    ingest_file(store, JSONL)
    reasons = store.query("SELECT reason FROM quarantine WHERE source = 'postings'")["reason"].tolist()
    expected = [
        "expected 34 fields, found 35", "title is empty", "date_posted 'last week' is not a date",
        "pay amount 'competitive' is not a number", "below the plausible minimum",
        "interval 'per sprint' is not", "line is not valid JSON", "line is not a JSON object",
        "date_posted 'not a date' is not a date",
    ]
    for text in expected:
        assert sum(text in r for r in reasons) == 1, (text, reasons)
    assert len(reasons) == len(expected)


def test_wrong_columns_refused_with_one_line_error(tmp_path: Path, store: Store) -> None:
    bad = tmp_path / "jobs.csv"
    bad.write_text("title,company,salary\nML Engineer,Acme,150000\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        ingest_file(store, bad, source="postings")
    message = str(err.value)
    # a salary column stands for the description (REQUIRED_FIELDS): only the location is missing
    assert "\n" not in message and "missing column(s) location (location/job_location)" in message
    assert "description" not in message
    jsonl = tmp_path / "jobs.jsonl"
    jsonl.write_text('{"title": "ML Engineer", "pay": 1}\n', encoding="utf-8")
    with pytest.raises(InputError, match="missing column"):
        ingest_file(store, jsonl, source="postings")
    env = {**os.environ, "PAYBENCH_DB": str(store.path)}
    store.close()
    proc = subprocess.run([sys.executable, "-m", "paybench", "ingest", str(bad), "--source", "postings"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 1 and proc.stderr.startswith("error: ")
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr


def test_a_scrape_without_descriptions_is_read_for_its_pay(tmp_path: Path, store: Store) -> None:
    """title, company, location and salary: a common scrape layout with no description column
    is a postings file (a new-user trial found it refused even with --source postings); its pay
    is read from the salary text, it adds no skills."""
    simple = tmp_path / "simple.csv"
    simple.write_text('title,company,location,salary\n'
                      'Data Engineer,Acme,"Denver, CO","$100,000 - $120,000 a year"\n'
                      'ML Engineer,Beta,"San Francisco, CA","$180K-$220K"\n', encoding="utf-8")
    assert detect_source(simple) == "postings"
    result = ingest_file(store, simple)
    assert (result.rows_read, result.rows_kept) == (2, 2)
    got = store.query("SELECT employer, metro, annual_usd_min, annual_usd_max FROM observations "
                      "WHERE source = 'postings' ORDER BY employer")
    assert got.values.tolist() == [["Acme", "19740", 100_000, 120_000], ["Beta", "41860", 180_000, 220_000]]
    # a JSON file of no known layout is described by its record's fields, not as CSV columns
    other = tmp_path / "other.jsonl"
    other.write_text('{"foo": 1, "bar": 2}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"^other.jsonl: cannot tell the format: its first JSON record "
                                         r"\(2 fields\) has not the fields of a known layout"):
        detect_source(other)


def test_skills_stored_per_observation(store: Store) -> None:
    ingest_file(store, CSV)
    key = _posting(store, "Northwind Robotics", "Senior Machine Learning Engineer")["dedup_key"]
    rows = store.query("SELECT skill, requirement FROM observation_skills WHERE dedup_key = ?", [key])
    found = dict(zip(rows["skill"], rows["requirement"], strict=True))
    assert found["python"] == "required" and found["cpp"] == "required" and found["pytorch"] == "required"
    assert found["masters"] == "required" and found["phd"] == "required"
    assert found["cert-aws-ml-specialty"] == "preferred" and found["cuda"] == "preferred"
    assert found["kubernetes"] == "required" and found["aws"] == "required"


def test_years_of_experience() -> None:
    assert extract_years_experience("5+ years of experience building ML systems") == 5
    assert extract_years_experience("3-5 years of relevant experience") == 3
    assert extract_years_experience("Minimum of 7 years in software") == 7
    assert extract_years_experience("two years' experience with Python") == 2
    text = "2+ years with Kubernetes experience; 6+ years of experience overall"
    assert extract_years_experience(text) == 6
    assert extract_years_experience("We have been in business for 25 years.") is None
    assert extract_years_experience("401(k) vesting after 3 years") is None
    assert extract_years_experience("") is None


def test_company_size_bands() -> None:
    assert company_size("11 to 50") == "S" and company_size("51 to 200") == "M"
    assert company_size("1,001 to 5,000") == "L" and company_size("10,000+") == "L"
    assert company_size("") is None and company_size("unknown") is None


def test_adzuna_export_real_file(store: Store, shared_data: Path) -> None:
    """The real Adzuna UK export: its own column names, salaries in pounds (the site's
    currency), Adzuna's estimates stored marked as such (kind 'estimated', out of every
    benchmark), skills read from the long descriptions, and every posting placed in the UK."""
    from paybench.bench.observations import usable_frame

    path = shared_data / "postings" / "adzuna_uk_data_jobs_2026.csv"
    assert detect_source(path) == "postings"
    result = ingest_file(store, path)
    counts = (result.rows_read, result.rows_kept, result.rows_quarantined, result.rows_skipped)
    assert counts == (1241, 984, 3, 254) and sum(counts[1:]) == counts[0]
    assert result.notes[0] == "layout: Adzuna API export"
    notes = "; ".join(result.notes)
    assert "576 pay figures the job board estimated" in notes
    assert "469 postings whose only pay is such an estimate stored as kind 'estimated'" in notes
    assert "253 duplicate postings" in notes and "1 postings without posted pay" in notes
    postings = store.query("SELECT * FROM postings WHERE source = 'postings'")
    assert set(postings["country"]) == {"GB"} and postings["metro"].isna().all()
    assert postings["dedup_key"].is_unique
    obs = store.query("SELECT * FROM observations WHERE source = 'postings'")
    assert len(obs) == result.rows_kept
    assert obs["kind"].value_counts().to_dict() == {"posted": 515, "estimated": 469}
    # "Rate: £450" (rows 848, 850: a contractor's day rate) was read as hourly pay of $0.9-1.7M a
    # year: no longer posted pay
    assert not (obs.loc[obs["kind"] == "posted", "annual_usd"] > 900_000).any()
    posted_keys = obs.loc[obs["kind"] == "posted", "dedup_key"]
    assert (postings["has_pay"] == postings["dedup_key"].isin(posted_keys)).all()
    assert int(postings["pay_estimated"].sum()) == 469
    structured = obs[obs["dedup_key"].isin(postings.loc[postings["pay_source"] == "structured", "dedup_key"])]
    assert set(structured["currency"]) == {"GBP"} and set(structured["period"]) == {"year"}
    # every observation is dated by the posting (job_posted_date, else Adzuna's created time)
    assert obs["observed_on"].astype(str).str.startswith("2026-").all()

    def row(number: int) -> dict:
        found = obs[obs["row_number"] == number]
        assert len(found) == 1, number
        return found.iloc[0].to_dict()

    # row 5: "£64,143\n per year - estimated" over 64143.45 = 64143.45: Adzuna's estimate
    modeller = row(5)
    assert (modeller["raw_title"], modeller["employer"], modeller["kind"]) == (
        "Senior Data Modeller - Technical Data Analyst", "Royal London Group", "estimated")
    assert (modeller["amount_raw"], modeller["currency"]) == (64143.45, "GBP")
    # row 302: 43734.27 = 43734.27 with no banner in its text: estimated by its pence
    intern = row(302)
    # employers as the normalizer writes them (paybench.normalize.employers): "TikTok" -> "Tiktok"
    assert (intern["employer"], intern["kind"], intern["amount_raw"]) == ("Tiktok", "estimated", 43734.27)
    # row 2: a posted range, "Grade 7, £37,694 - £47,389"
    crm = row(2)
    assert (crm["employer"], crm["kind"], crm["amount_raw"], crm["amount_raw_max"]) == (
        "Heriot Watt University", "posted", 37694, 47389)
    # row 389: "Rate: Up to £600 p/dThe Role" (issue 16: a period abbreviation glued to the next
    # word) is a posted day rate with only its ceiling known
    day_rate = row(389)
    assert (day_rate["kind"], day_rate["period"], day_rate["amount_raw_max"]) == ("posted", "day", 600)
    # row 124: 80000 = 80000, whole pounds, shown as "£80,000 per annum" on the page: posted
    single = row(124)
    assert (single["kind"], single["amount_raw"], single["amount_raw_max"]) == ("posted", 80000, 80000)
    usable = set(usable_frame(store)["dedup_key"])
    assert modeller["dedup_key"] not in usable and crm["dedup_key"] in usable
    # skills read from the long descriptions (row 314: 18,646 characters)
    assert store.scalar("SELECT count(*) FROM observation_skills WHERE source = 'postings'") > 6000
    longest = postings[postings["row_number"] == 314].iloc[0]
    skills = set(store.query("SELECT skill FROM observation_skills WHERE dedup_key = ?",
                             [longest["dedup_key"]])["skill"])
    assert len(skills) >= 5, skills


def test_adzuna_site_country_and_estimate_banner() -> None:
    from paybench.sources.postings import ESTIMATE_BANNER, site_country

    assert site_country("https://www.adzuna.co.uk/jobs/details/1?utm_medium=api") == ("GB", "GBP")
    assert site_country("https://www.adzuna.de/jobs/land/ad/5") == ("DE", "EUR")
    assert site_country("https://www.linkedin.com/jobs/view/1") is None and site_country("") is None
    assert ESTIMATE_BANNER.search("Edinburgh\n\n£69,313\n per year - estimated\n ?")
    assert not ESTIMATE_BANNER.search("£69,313 per year. Tasks are estimated to take 2 hours")


def test_pay_without_ecb_rate_kept_with_unknown_usd(tmp_path: Path, fresh_db: Path,
                                                   reference_db: Path) -> None:
    """Issue 16: a posting paid in a currency the ECB set does not cover (PKR) is kept, never
    quarantined for it: its amount, currency and period stored, annual USD NULL, counted in a
    note; the benchmark's usable observations leave it out. Same in the row-by-row reference."""
    import csv

    from paybench.bench.observations import usable_frame
    from test_columnar_postings import both

    with CSV.open(newline="", encoding="utf-8") as handle:
        template = next(csv.DictReader(handle))  # a real JobSpy row, as the fixture holds it
    rows = []
    for n, (title, source, interval, low, high, currency, description) in enumerate([
        ("Machine Learning Engineer", "description", "", "", "", "",
         "We are hiring in Pakistan.\nLahore: About PKR 110,940 per month, plus medical cover."),
        ("Data Scientist", "direct_data", "monthly", "250000.0", "350000.0", "PKR",
         "Karachi office, Python and SQL."),
        ("Senior Machine Learning Engineer", "direct_data", "yearly", "185000.0", "235000.0", "USD",
         "Boston office, PyTorch."),
    ]):
        rows.append({**template, "id": f"pk-{n}", "job_url": f"https://www.indeed.com/job/pk-{n}",
                     "title": title, "company": f"Company {n}", "location": "Lahore, Pakistan",
                     "salary_source": source, "interval": interval, "min_amount": low, "max_amount": high,
                     "currency": currency, "description": description})
    path = tmp_path / "pk_postings.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(JOBSPY_COLUMNS))
        writer.writeheader()
        writer.writerows(rows)
    with Store(fresh_db) as store:
        result = ingest_file(store, path)
        counts = (result.rows_read, result.rows_kept, result.rows_quarantined, result.rows_skipped)
        assert counts == (3, 3, 0, 0)
        assert any("2 pay figures in a currency without an ECB rate" in note for note in result.notes)
        text = _observation(store, _posting(store, "Company 0", "Machine Learning Engineer")["dedup_key"])
        assert (text["currency"], text["period"], text["amount_raw"], text["amount_raw_max"]) == (
            "PKR", "month", 110940, 110940)
        assert all(pd.isna(text[c]) for c in ("annual_usd", "annual_usd_min", "annual_usd_max"))
        structured = _posting(store, "Company 1", "Data Scientist")
        assert structured["has_pay"] and structured["pay_source"] == "structured"
        obs = _observation(store, structured["dedup_key"])
        assert (obs["currency"], obs["amount_raw"], obs["amount_raw_max"]) == ("PKR", 250000, 350000)
        assert pd.isna(obs["annual_usd"])
        usd = _posting(store, "Company 2", "Senior Machine Learning Engineer")["dedup_key"]
        usable = set(usable_frame(store, kinds=("posted",))["dedup_key"])
        assert usd in usable and text["dedup_key"] not in usable and obs["dedup_key"] not in usable
    (tmp_path / "ref").mkdir()
    both(tmp_path / "ref", reference_db, [path], lambda p, writer: postings.ingest(p, writer, None))


# --------------------------------------------------------------------------- other real layouts
GLASSDOOR = DATA / "postings_glassdoor.csv"
INDEED = DATA / "postings_indeed_apify.json"
GLASSDOOR_HEADER = ("Job Title,Salary Estimate,Job Description,Rating,Company Name,Location,Headquarters,"
                    "Size,Founded,Type of ownership,Industry,Sector,Revenue,Competitors")


def test_glassdoor_scrape_layout(store: Store) -> None:
    """The Kaggle 'Glassdoor jobs' scrape, header as published: pay from 'Salary Estimate'
    text; '(Glassdoor est.)' is the board's estimate, kept as kind 'estimated' only when the
    description posts no pay; '(Employer est.)' (the employer's range) and 'Employer Provided
    Salary:' are posted; '-1' is no
    value; the company's rating line is not its name."""
    assert GLASSDOOR.read_text(encoding="utf-8").split("\n", 1)[0] == GLASSDOOR_HEADER
    assert detect_source(GLASSDOOR) == "postings"
    result = ingest_file(store, GLASSDOOR)
    assert (result.rows_read, result.rows_kept, result.rows_quarantined, result.rows_skipped) == (8, 5, 1, 2)
    assert result.notes[0] == "layout: Glassdoor scrape"
    notes = "; ".join(result.notes)
    assert "2 pay figures the job board estimated" in notes
    assert "2 postings whose only pay is such an estimate" in notes
    assert store.query("SELECT reason FROM quarantine")["reason"].tolist() == ["title is empty"]
    tecolote = _posting(store, "Tecolote Research", "Data Scientist")
    assert tecolote["pay_estimated"] and not tecolote["has_pay"] and tecolote["metro"] == "10740"
    assert (tecolote["company_size"], tecolote["industry"]) == ("L", "Aerospace & Defense")
    est = _observation(store, tecolote["dedup_key"])
    assert (est["kind"], est["amount_raw"], est["amount_raw_max"], est["period"]) == (
        "estimated", 53000, 91000, "year")
    hourly = _observation(store, _posting(store, "Cobalt Insurance", "Data Analyst")["dedup_key"])
    assert (hourly["kind"], hourly["amount_raw"], hourly["amount_raw_max"], hourly["period"]) == (
        "estimated", 17, 24, "hour")
    northwind = _posting(store, "Northwind Retail", "Senior Machine Learning Engineer")
    provided = _observation(store, northwind["dedup_key"])
    assert (provided["kind"], provided["annual_usd_min"], provided["annual_usd_max"]) == (
        "posted", 150000, 180000)
    # no estimate ('-1'): the description's pay
    remote = _posting(store, "Tessellate AI", "Machine Learning Engineer")
    assert remote["has_pay"] and remote["work_mode"] == "remote"
    assert _observation(store, remote["dedup_key"])["annual_usd"] == 150000
    # '(Employer est.)': the employer gave the range, so it is posted pay (read before the
    # description's own figure), never marked as the board's estimate
    helix = _posting(store, "Helix Bio", "Data Scientist")
    assert helix["has_pay"] and not helix["pay_estimated"]
    helix_obs = _observation(store, helix["dedup_key"])
    assert (helix_obs["kind"], helix_obs["amount_raw"], helix_obs["amount_raw_max"]) == (
        "posted", 79000, 131000)
    acme = _posting(store, "Acme Analytics", "Data Engineer")
    assert not acme["has_pay"] and acme["company_size"] is None and acme["industry"] is None


def test_indeed_apify_layout(store: Store) -> None:
    """The Apify indeed-scraper's dataset items (JSON array): pay from 'salary' text,
    Indeed's 'Estimated ...' an estimate, dates from postingDateParsed, jobType a list."""
    assert detect_source(INDEED) == "postings"
    result = ingest_file(store, INDEED)
    assert (result.rows_read, result.rows_kept, result.rows_quarantined, result.rows_skipped) == (4, 4, 0, 0)
    assert result.notes[0] == "layout: Indeed scrape (Apify indeed-scraper)"
    senior = _observation(store, _posting(store, "Initech", "Senior Software Engineer")["dedup_key"])
    assert (senior["kind"], senior["amount_raw"], senior["amount_raw_max"]) == ("posted", 132596, 141294)
    assert (str(senior["observed_on"])[:10], senior["metro"], senior["level"]) == (
        "2024-03-01", "12420", "senior")
    globex = _posting(store, "Globex", "Data Scientist")
    assert globex["pay_estimated"] and _observation(store, globex["dedup_key"])["kind"] == "estimated"
    contract = _observation(store, _posting(store, "Vantage Cloud", "Machine Learning Engineer")["dedup_key"])
    assert (contract["employment_type"], contract["period"], contract["amount_raw"]) == (
        "contract", "hour", 60)
    helpdesk = _posting(store, "Umbrella Health", "Help Desk Technician")
    assert helpdesk["employment_type"] == "part_time" and helpdesk["metro"] == "35620"


@pytest.mark.parametrize("header, expected", [
    (GLASSDOOR_HEADER.split(","), "Glassdoor scrape"),
    (["", *GLASSDOOR_HEADER.split(",")], "Glassdoor scrape"),  # pandas' unnamed index column first
    (list(JOBSPY_COLUMNS), "JobSpy CSV"),
    (["job_link", "platform", "job_title", "location", "job_employment_type", "job_maturity",
      "job_min_salary", "job_max_salary", "job_salary_period", "job_description", "employer_name",
      "employer_rating", "job_posted_date"], "Adzuna API export"),
    (["positionName", "salary", "jobType/0", "company", "location", "rating", "reviewsCount", "url",
      "id", "postedAt", "scrapedAt", "postingDateParsed", "description", "externalApplyLink"],
     "Indeed scrape (Apify indeed-scraper)"),
    (["title", "company", "location", "salary", "description"], "columns by name"),
])
def test_layout_detected_from_header(header: list[str], expected: str) -> None:
    layout, found = postings.detect_layout(header)
    assert layout.name == expected
    assert all((f in found) if isinstance(f, str) else any(g in found for g in f)
               for f in postings.REQUIRED_FIELDS)


def test_every_declared_layout_says_where_it_comes_from() -> None:
    names = [layout.name for layout in postings.POSTING_LAYOUTS]
    assert len(set(names)) == len(names)
    for layout in postings.POSTING_LAYOUTS:
        assert layout.source and set(layout.columns) <= set(postings.FIELDS)
        assert all((f in layout.columns) if isinstance(f, str) else any(g in layout.columns for g in f)
                   for f in postings.REQUIRED_FIELDS), layout.name
        declared = {c.lower() for names in layout.columns.values() for c in names}
        assert {c.lower() for c in layout.signature} <= declared | {"site", "job_url", "salary_source"}


@pytest.mark.parametrize("low, high, period, value", [
    ("salary_min", "salary_max", "salary_period", "yearly"),
    ("min_amount", "max_amount", "interval", "yearly"),
    ("pay_min", "pay_max", "pay_period", "year"),
    ("min_salary", "max_salary", "period", "annual"),
    ("salary_min", "salary_max", "salary_period", "hourly"),
])
def test_min_max_period_under_other_names(tmp_path: Path, store: Store, low: str, high: str, period: str,
                                          value: str) -> None:
    path = tmp_path / "jobs.csv"
    hourly = value == "hourly"
    path.write_text(f"title,company,location,description,{low},{high},{period},date_posted\n"
                    f"Machine Learning Engineer,Acme,\"Austin, TX\",Build models in Python.,"
                    f"{'60' if hourly else '150000'},{'80' if hourly else '190000'},{value},2025-06-01\n",
                    encoding="utf-8")
    result = ingest_file(store, path)
    assert (result.rows_kept, result.notes[0]) == (1, "layout: columns by name")
    obs = store.query("SELECT * FROM observations WHERE source = 'postings'").iloc[0]
    assert obs["period"] == ("hour" if hourly else "year") and obs["kind"] == "posted"
    assert (obs["amount_raw"], obs["amount_raw_max"]) == ((60, 80) if hourly else (150000, 190000))


@pytest.mark.parametrize("text, marked", [
    ("$53K-$91K (Glassdoor est.)", True), ("$17-$24 Per Hour(Glassdoor est.)", True),
    ("$79K-$131K (Employer est.)", False), ("$79K-$131K (employer est.)", False),
    ("$110K-$150K (Glassdoor Est.)", True), ("Estimated $84.6K - $107K a year", True),
    ("Employer Provided Salary:$120K-$140K", False), ("$132,596 - $141,294 a year", False),
    ("$25 - $30 an hour", False), ("Salary estimated at interview", False),
])
def test_estimate_marker(text: str, marked: bool) -> None:
    from paybench.sources.postings import ESTIMATE_MARKER

    assert (ESTIMATE_MARKER.search(text) is not None) == marked


@given(st.integers(10, 400), st.integers(0, 200), st.sampled_from(["Glassdoor", "glassdoor", "GLASSDOOR"]),
       st.sampled_from(["Employer", "employer", "EMPLOYER"]), st.sampled_from([" ", ""]),
       st.sampled_from(["est.", "est", "estimate"]))
def test_estimate_marker_property(low: int, spread: int, board: str, employer: str, gap: str,
                                  est: str) -> None:
    """Any Glassdoor range with its '(Glassdoor est.)' suffix is the board's estimate; the same
    range as '(Employer est.)' or 'Employer Provided Salary:' (the employer's) never is."""
    from paybench.sources.postings import ESTIMATE_MARKER

    text = f"${low}K-${low + spread}K"
    assert ESTIMATE_MARKER.search(f"{text}{gap}({board} {est})")
    assert ESTIMATE_MARKER.search(f"{text}{gap}({employer} {est})") is None
    assert ESTIMATE_MARKER.search(f"Employer Provided Salary:{text}") is None


@pytest.mark.parametrize("low, high, site, estimate", [
    (69313.35, 69313.35, ("GB", "GBP"), True),
    (80000.0, 80000.0, ("GB", "GBP"), False),   # one whole figure: posted ("£80,000 per annum")
    (69313.35, 69313.35, None, False),          # not an Adzuna posting
    (37694.5, 47389.0, ("GB", "GBP"), False),   # a range
    (None, 52000.5, ("GB", "GBP"), False),
])
def test_board_estimate_table(low: float | None, high: float | None, site: tuple[str, str] | None,
                              estimate: bool) -> None:
    assert postings.board_estimate(low, high, site) is estimate


@given(st.integers(1000, 500_000), st.integers(1, 99))
def test_board_estimate_property(pounds: int, pence: int) -> None:
    """An Adzuna single figure is Adzuna's estimate exactly when it has pence."""
    site = ("GB", "GBP")
    assert postings.board_estimate(pounds + pence / 100, pounds + pence / 100, site)
    assert not postings.board_estimate(float(pounds), float(pounds), site)


def test_column_map_parsing() -> None:
    assert postings.column_map("title=Job Title, pay=Salary Estimate,min=Low,period=Per") == {
        "title": "Job Title", "pay_text": "Salary Estimate", "min_amount": "Low", "interval": "Per"}
    assert postings.column_map({"Company": "Employer"}) == {"company": "Employer"}
    for bad, words in [("salry=Pay", "unknown field 'salry'"), ("title", "is not field=column"),
                       ("title=", "no column given"), ("title=A,title=B", "mapped twice"), (",", "no field")]:
        with pytest.raises(InputError, match=words) as err:
            postings.column_map(bad)
        assert err.value.field == "columns"


def _unknown_layout(tmp_path: Path) -> Path:
    path = tmp_path / "board.csv"
    path.write_text("Position,Employer,City,Pay,Details,Posted\n"
                    "Senior Data Scientist,Acme,\"Denver, CO\",\"$150,000 - $170,000 a year\","
                    "Python and SQL.,2025-05-02\n"
                    "Data Engineer,Globex,\"Austin, TX\",,Spark and Airflow.,2025-05-03\n", encoding="utf-8")
    return path


def test_map_names_the_columns_of_an_unknown_layout(tmp_path: Path, store: Store) -> None:
    path = _unknown_layout(tmp_path)
    with pytest.raises(InputError, match="cannot tell the format"):
        detect_source(path)
    result = ingest_file(store, path, columns="title=Position,company=Employer,location=City,pay=Pay,"
                                              "description=Details,date=Posted")
    assert (result.rows_read, result.rows_kept, result.rows_skipped) == (2, 1, 1)
    assert result.notes[0].startswith("layout: columns mapped by --map (title=Position")
    obs = _observation(store, _posting(store, "Acme", "Senior Data Scientist")["dedup_key"])
    assert (obs["annual_usd_min"], obs["annual_usd_max"], str(obs["observed_on"])[:10]) == (
        150000, 170000, "2025-05-02")
    with pytest.raises(InputError, match="for job postings files") as err:
        ingest_file(store, path, source="lca", columns="title=Position")
    assert err.value.field == "columns"


def test_bad_map_is_a_one_line_error(tmp_path: Path, fresh_db: Path) -> None:
    path = _unknown_layout(tmp_path)
    env = {**os.environ, "PAYBENCH_DB": str(fresh_db), "PAYBENCH_WORKERS": "1"}
    cases = [
        ("salry=Pay", "--map: unknown field 'salry'"),
        ("title=Position,company=Employer,location=Town,description=Details",
         "--map: board.csv has no column 'Town' for location (6 columns)"),
        ("title=Position,company=Employer,location=City,description=Detail",
         "did you mean 'Details'?"),
        ("title=Position,company=Employer", "missing column(s) location"),
    ]
    for spec, words in cases:
        proc = subprocess.run([sys.executable, "-m", "paybench", "ingest", str(path), "--map", spec],
                              capture_output=True, text=True, env=env, timeout=120)
        assert proc.returncode == 1, proc.stdout
        assert proc.stderr.startswith("error: ") and words in proc.stderr, proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
    ok = subprocess.run([sys.executable, "-m", "paybench", "ingest", str(path), "--map",
                         "title=Position,company=Employer,location=City,pay=Pay,description=Details"],
                        capture_output=True, text=True, env=env, timeout=120)
    assert ok.returncode == 0 and "kept 1" in ok.stdout and "layout: columns mapped by --map" in ok.stdout
