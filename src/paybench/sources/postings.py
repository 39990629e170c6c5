"""Job postings with posted pay: CSV in the JobSpy layout, or any CSV / JSON Lines with a
title, company, location and description.

JobSpy (speedyapply/JobSpy) writes these columns: id, site, job_url, job_url_direct,
title, company, location, date_posted (YYYY-MM-DD), job_type ("fulltime", "parttime",
"contract", "internship", "temporary", ...; several joined by ", "), salary_source
("direct_data" or "description"), interval ("yearly", "monthly", "weekly", "daily",
"hourly"), min_amount, max_amount, currency, is_remote (True/False), job_level,
job_function, listing_type, emails, description (markdown), company_industry,
company_url, company_logo, company_url_direct, company_addresses,
company_num_employees ("1,001 to 5,000", "10,000+"), company_revenue,
company_description, skills, experience_range, company_rating,
company_reviews_count, vacancy_count, work_from_home_type.
Other files may name columns title/job_title, company/company_name/employer/employer_name,
location/job_location, description/job_description/text,
min_amount/salary_min/min/job_min_salary, max_amount/salary_max/max/job_max_salary,
interval/period/pay_period/job_salary_period, date_posted/posted_at/job_posted_date,
remote/is_remote. That covers exports of the Adzuna API (the layout of
``../shared/data/postings/adzuna_uk_data_jobs_2026.csv``: job_link, platform, job_title,
location, job_employment_type, job_maturity, job_min_salary, job_max_salary,
job_salary_period, job_description, employer_name, employer_rating, job_posted_date), where
the posting's creation time is ``created`` (exported as ``job_maturity``), the salary is
in the currency of the Adzuna country site the posting came from (``adzuna.co.uk``: pounds)
and may be Adzuna's own estimate (``salary_is_predicted``; in the exported page text,
"£64,143 per year - estimated").

How a posting is read:
- Pay: the file's own figures (min/max, interval, currency) when given by the board
  (JobSpy's salary_source "direct_data" or none); otherwise, and when JobSpy itself
  parsed them from the description (salary_source "description"), paybench reads the
  description with :func:`paybench.normalize.pay_text.extract_pay`. A posted range is
  stored as posted (kind 'posted'): annual_usd_min/max the range, annual_usd its
  midpoint, component base or total as posted; never mixed with paid figures. Read from
  text, one figure is stored with amount_raw = amount_raw_max; "up to X" with amount_raw =
  amount_raw_max = X and annual_usd_min NULL (no minimum is known); "from X" with
  amount_raw_max and annual_usd_max NULL.
- Pay in a currency the ECB reference rates do not cover (PKR, NGN, VND ...), from the
  file's columns or the text, is kept: amount, currency and period stored, annual_usd,
  annual_usd_min and annual_usd_max NULL (counted in a note). The posting is never
  quarantined for it; benchmarks leave it out (usable observations need annual_usd > 0).
- A posting without posted pay is not an observation of pay: it is counted in
  rows_skipped (with a note) and kept, like every posting, in the ``postings`` table
  with its skills, so that skill frequencies count every posting.
- The same posting seen twice (same company, title, location and text, after folding
  case and white space), in one file or across files, is stored once.
- Role and level from the title (level from LinkedIn's job_level or from the years of
  experience asked for when the title has none); place from the location (is_remote
  makes it remote); skills, degrees and certifications from the description
  (:func:`paybench.normalize.skills.extract_skills`).
- A figure the job board estimated is not posted pay: Adzuna's ``salary_is_predicted``, its
  banner "per year - estimated" in the text, an Adzuna single figure with pence
  (:func:`board_estimate`), or pay text marked as the board's estimate (:data:`ESTIMATE_MARKER`:
  "(Glassdoor est.)", "Estimated $X - $Y a year"; Glassdoor's "(Employer est.)" is the
  employer's own range, so posted pay). The texts (pay text,
  then the description without the banner) are read for posted pay first; a posting with
  none keeps the estimate as an observation of kind 'estimated' (``postings.pay_estimated``
  true, ``has_pay`` false), which no benchmark uses (``MethodParams.kinds_used``). Both are
  counted in notes.
- Layouts: the columns of each field come from the first of :data:`POSTING_LAYOUTS` (JobSpy
  CSV, Adzuna API export, Glassdoor scrape, Apify Indeed scrape; each with where it comes
  from) whose signature columns the header has, else from the names of :data:`FIELDS`;
  ``paybench ingest --map 'title=...,pay=...'`` names them for any other (:func:`column_map`).
  The layout read is the ingest's first note, which ``paybench status`` lists per file.
  A pay text column ("$53K-$91K (Glassdoor est.)", "$132,596 - $141,294 a year") is read by
  :func:`paybench.normalize.pay_text.extract_pay` before the description.
- A posting from an Adzuna country site (:data:`ADZUNA_SITES`) is in that site's country: a
  location the place reader cannot place, or places in another country ("Hyde Park, Leeds"
  read as Hyde Park, MA), is taken as the country without a metro (noted). Structured pay
  without a currency, and pay in its text written without one, are in the site's currency;
  elsewhere USD (noted for structured pay).
- A posting without date_posted is dated by its ``created`` time when the file has one,
  else by the file's modification date (noted).

How a file is read (columnar): in batches of :data:`BATCH_ROWS` rows from the shared bounded
readers (:mod:`paybench.sources.tabular`, whose reasons for malformed records every adapter
gives); each normalizer runs once per distinct value of its input in the batch (title,
location, company size, dates, each distinct set of pay fields, each distinct description
for pay, years and skills), the free-text readers spread over ``PAYBENCH_WORKERS`` processes
(:mod:`paybench.normalize.parallel`); the results are joined back by position and the batch
lands as whole frames (``IngestWriter.add_frame``) inside the file's one transaction, so a
killed ingest leaves the store as it was. Rows keep the order of the file where it matters:
the first usable copy of a posting is the one stored. A text whose reading fails (its
reader raised, or it killed its worker process when read on its own) quarantines its row
with the reason. tests/test_columnar_postings.py checks that every table equals, row for row, what the
row-by-row adapter this replaced (kept in tests/rowwise/postings.py) stores.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import itertools
import json
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd

from paybench.errors import InputError, MoneyError, NoExchangeRate
from paybench.normalize.employers import normalize_employer
from paybench.normalize.experience import extract_years_experience, years_from_range
from paybench.normalize.levels import Level, level_from_years
from paybench.normalize.money import normalize_pay, parse_amount, parse_period
from paybench.normalize.parallel import Failed, WorkerPool
from paybench.normalize.pay_text import ExtractedPay, extract_pay_many
from paybench.normalize.places import normalize_place
from paybench.normalize.skills import extract_skills_many
from paybench.normalize.titles import normalize_title
from paybench.records import Period, SkillMention, SourceInfo, WorkMode
from paybench.sources.tabular import (
    MAX_JSON_ARRAY_BYTES,
    OverlongLine,
    detect_encoding,
    first_json_record,
    iter_rows,
    read_header,
    text_lines,
)
from paybench.store import IngestWriter

SOURCE = SourceInfo(
    id="postings", description="Job postings with posted pay (JobSpy CSV layout, or CSV / JSON Lines "
    "with title, company, location, description)",
    licence="as supplied by the user who ingested them (check the source's terms)")
SOURCE_ID = SOURCE.id
PRIORITY = 40

JOBSPY_COLUMNS: tuple[str, ...] = (
    "id", "site", "job_url", "job_url_direct", "title", "company", "location", "date_posted",
    "job_type", "salary_source", "interval", "min_amount", "max_amount", "currency", "is_remote",
    "job_level", "job_function", "listing_type", "emails", "description", "company_industry",
    "company_url", "company_logo", "company_url_direct", "company_addresses", "company_num_employees",
    "company_revenue", "company_description", "skills", "experience_range", "company_rating",
    "company_reviews_count", "vacancy_count", "work_from_home_type",
)
"""JobSpy's CSV columns, in its order (jobspy.util.desired_order)."""

FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title", "job_title"),
    "company": ("company", "company_name", "employer", "employer_name"),
    "location": ("location", "job_location"),
    "description": ("description", "job_description", "text"),
    "pay_text": ("salary", "salary_text", "salary_estimate", "pay", "compensation"),
    "min_amount": ("min_amount", "salary_min", "pay_min", "min_salary", "min", "job_min_salary"),
    "max_amount": ("max_amount", "salary_max", "pay_max", "max_salary", "max", "job_max_salary"),
    "currency": ("currency", "salary_currency", "pay_currency"),
    "interval": ("interval", "period", "salary_period", "pay_period", "job_salary_period"),
    "date_posted": ("date_posted", "posted_at", "job_posted_date"),
    "created": ("created", "job_maturity"),
    "salary_is_predicted": ("salary_is_predicted",),
    "job_url": ("job_url", "job_link", "redirect_url"),
    "site": ("site", "platform"),
    "is_remote": ("is_remote", "remote"),
    "job_type": ("job_type", "job_employment_type"),
    "job_level": ("job_level",),
    "salary_source": ("salary_source",),
    "company_industry": ("company_industry",),
    "company_num_employees": ("company_num_employees",),
    "skills": ("skills",),
    "experience_range": ("experience_range",),
    "work_from_home_type": ("work_from_home_type",),
}
"""Each field the adapter reads, with the column names accepted for it in a file of no known
layout (:data:`POSTING_LAYOUTS`; case-insensitive, first found wins). ``pay_text`` is pay
written as text ("$132,596 - $141,294 a year"), read as the description's pay is."""

REQUIRED_FIELDS: tuple[str | tuple[str, ...], ...] = (
    "title", "company", "location", ("description", "pay_text", "min_amount", "max_amount"))
"""What a postings file must have: a title, a company and a location, and a description or a
pay column (a scrape of title, company, location and salary is a posting file without
descriptions: its pay is read, it adds no skills)."""


@dataclass(frozen=True)
class PostingLayout:
    """A layout of job-posting files, told by its header.

    ``columns`` gives, for each field of :data:`FIELDS` the layout has, the column names it
    writes it under (case-insensitive; the first present is read). ``signature`` is the
    columns whose presence identifies the layout (all of them, case-insensitive). A cell
    equal to one of ``missing`` (after stripping) is read as empty ("-1" in Glassdoor
    scrapes). ``source`` says where the layout comes from."""

    name: str
    source: str
    columns: Mapping[str, tuple[str, ...]]
    signature: tuple[str, ...]
    missing: frozenset[str] = frozenset()

    def matches(self, lower: set[str]) -> bool:
        """True when a header (its lower-cased column names) has every signature column."""
        return all(c.lower() in lower for c in self.signature)

    def resolve(self, lower: set[str]) -> dict[str, str]:
        """Field -> the header's column (lower case) for every field the layout writes."""
        found: dict[str, str] = {}
        for fieldname, names in self.columns.items():
            for name in names:
                if name.lower() in lower:
                    found[fieldname] = name.lower()
                    break
        return found


POSTING_LAYOUTS: tuple[PostingLayout, ...] = (
    PostingLayout(
        name="JobSpy CSV",
        source="speedyapply/JobSpy's scrape_jobs() DataFrame written as CSV (columns "
               "jobspy.util.desired_order, :data:`JOBSPY_COLUMNS`)",
        columns={f: (f,) for f in (
            "title", "company", "location", "description", "min_amount", "max_amount", "currency",
            "interval", "date_posted", "job_url", "site", "is_remote", "job_type", "job_level",
            "salary_source", "company_industry", "company_num_employees", "skills",
            "experience_range", "work_from_home_type")},
        signature=("site", "job_url", "title", "company", "location", "min_amount", "max_amount",
                   "interval", "salary_source", "description")),
    PostingLayout(
        name="Adzuna API export",
        source="Adzuna API search results (developer.adzuna.com: redirect_url, created, "
               "salary_min/max, description) exported as in ../shared/data/postings/"
               "adzuna_uk_data_jobs_2026.csv: job_link, platform, job_title, location, "
               "job_employment_type, job_maturity, job_min_salary, job_max_salary, "
               "job_salary_period, job_description, employer_name, employer_rating, job_posted_date",
        columns={"title": ("job_title",), "company": ("employer_name",), "location": ("location",),
                 "description": ("job_description",), "min_amount": ("job_min_salary",),
                 "max_amount": ("job_max_salary",), "interval": ("job_salary_period",),
                 "date_posted": ("job_posted_date",), "created": ("job_maturity",),
                 "job_url": ("job_link",), "site": ("platform",), "job_type": ("job_employment_type",)},
        signature=("job_link", "job_title", "employer_name", "location", "job_min_salary",
                   "job_max_salary", "job_salary_period", "job_description")),
    PostingLayout(
        name="Glassdoor scrape",
        source="the Selenium Glassdoor scraper (arapfaik/scraping-glassdoor-selenium) behind the "
               "Kaggle 'Glassdoor jobs' data sets (glassdoor_jobs.csv of ds_salary_proj and its "
               "copies): Job Title, Salary Estimate ('$53K-$91K (Glassdoor est.)', 'Employer "
               "Provided Salary:$120K-$140K', '$17-$24 Per Hour(Glassdoor est.)'), Job "
               "Description, Rating, Company Name (the rating on a second line), Location, "
               "Headquarters, Size ('501 to 1000 employees'), Founded, Type of ownership, "
               "Industry, Sector, Revenue, Competitors; '-1' where Glassdoor showed nothing",
        columns={"title": ("Job Title",), "pay_text": ("Salary Estimate",),
                 "description": ("Job Description",), "company": ("Company Name",),
                 "location": ("Location",), "company_num_employees": ("Size",),
                 "company_industry": ("Industry",)},
        signature=("Job Title", "Salary Estimate", "Job Description", "Company Name", "Location"),
        missing=frozenset({"-1"})),
    PostingLayout(
        name="Indeed scrape (Apify indeed-scraper)",
        source="dataset items of the Apify actor misceres/indeed-scraper, as JSON or its CSV "
               "export (arrays flattened to jobType/0 ...): positionName, salary ('$132,596 - "
               "$141,294 a year'), jobType, company, location, rating, reviewsCount, url, id, "
               "postedAt, scrapedAt, postingDateParsed, description, externalApplyLink",
        columns={"title": ("positionName",), "pay_text": ("salary",), "company": ("company",),
                 "location": ("location",), "description": ("description",),
                 "date_posted": ("postingDateParsed",), "job_url": ("url",),
                 "job_type": ("jobType", "jobType/0")},
        signature=("positionName", "company", "location", "description")),
)
"""The job-posting layouts paybench tells by their header, in the order they are tried; a
file matching none is read by column name (:data:`FIELDS`, :data:`GENERIC_LAYOUT`), and
``paybench ingest --map`` names the columns of any other (:func:`column_map`)."""

GENERIC_LAYOUT = PostingLayout(
    name="columns by name", source="the column names of :data:`FIELDS`", columns=FIELDS,
    signature=())
"""How a file of no known layout is read: each field from the first of its accepted names."""

MAP_ALIASES: dict[str, str] = {
    "pay": "pay_text", "min": "min_amount", "max": "max_amount", "period": "interval",
    "date": "date_posted", "url": "job_url", "employer": "company",
}
"""Short names ``--map`` accepts for fields (``pay=Salary Estimate``), beside the names of
:data:`FIELDS`."""

INTERVALS: dict[str, Period] = {
    "yearly": "year", "monthly": "month", "weekly": "week", "daily": "day", "hourly": "hour",
}
EMPLOYMENT_TYPES = {
    "fulltime": "full_time", "full_time": "full_time", "full-time": "full_time", "parttime": "part_time",
    "part_time": "part_time", "part-time": "part_time", "contract": "contract", "contractor": "contract",
    "temporary": "temporary", "internship": "internship", "freelance": "freelance", "perdiem": "per_diem",
}
JOB_LEVELS: dict[str, Level] = {
    "entry level": "entry", "internship": "entry", "director": "director", "executive": "executive",
}
"""LinkedIn's seniority labels that name one level ("mid-senior level" and "associate"
span levels and are not used)."""

ADZUNA_SITES: dict[str, tuple[str, str]] = {
    "adzuna.co.uk": ("GB", "GBP"), "adzuna.com": ("US", "USD"), "adzuna.ca": ("CA", "CAD"),
    "adzuna.com.au": ("AU", "AUD"), "adzuna.at": ("AT", "EUR"), "adzuna.be": ("BE", "EUR"),
    "adzuna.de": ("DE", "EUR"), "adzuna.es": ("ES", "EUR"), "adzuna.fr": ("FR", "EUR"),
    "adzuna.it": ("IT", "EUR"), "adzuna.nl": ("NL", "EUR"), "adzuna.ch": ("CH", "CHF"),
    "adzuna.pl": ("PL", "PLN"), "adzuna.com.br": ("BR", "BRL"), "adzuna.com.mx": ("MX", "MXN"),
    "adzuna.in": ("IN", "INR"), "adzuna.co.nz": ("NZ", "NZD"), "adzuna.sg": ("SG", "SGD"),
    "adzuna.co.za": ("ZA", "ZAR"),
}
"""Each Adzuna country site (the API's 19 countries: gb, us, ca, au, at, be, de, es, fr, it,
nl, ch, pl, br, mx, in, nz, sg, za): the country its postings are in (ISO 3166 alpha-2) and
the currency it reports their salaries in (ISO 4217)."""

ESTIMATE_BANNER = re.compile(
    r"(?:[£$€]|\b[A-Z]{3}\s?)\d[\d,.]*\s*[kK]?(?:\s*[-–]\s*(?:[£$€]|[A-Z]{3}\s?)?\d[\d,.]*\s*[kK]?)?"
    r"\s*(?:per|an?|/)\s*(?:year|annum|month|week|day|hour)\s*-\s*estimated\b",
    re.IGNORECASE,
)
"""Adzuna's banner over a salary it estimated itself ("£64,143\\n per year - estimated"), as
its pages read when exported into a posting's text."""

_ADZUNA_HOST = re.compile(r"^[a-z]+://(?:www\.)?(adzuna\.[a-z.]+?)(?:[:/]|$)", re.IGNORECASE)
_TRUE = {"true", "1", "yes", "y", "t"}
_WFH: dict[str, WorkMode] = {"remote": "remote", "hybrid": "hybrid", "work from office": "onsite",
                             "onsite": "onsite", "on-site": "onsite"}
_SPACE = re.compile(r"\s+")
def employer_display(company: str) -> str | None:
    """The employer a posting names, as every source stores it: the display form of
    :func:`paybench.normalize.employers.normalize_employer` ("Google LLC" -> "Google",
    "JPMorganChase" -> "JPMorgan Chase"); None for a blank name."""
    found = normalize_employer(company)
    return found.display if found is not None else None


def company_size(text: str) -> str | None:
    """S (under 50 employees), M (50-250) or L (over 250) from a head count or band as
    job boards write it ("11 to 50", "1,001 to 5,000", "10,000+", "501-1000 employees");
    the band's geometric middle decides; None when there is no number."""
    numbers = [float(n.replace(",", "")) for n in re.findall(r"\d[\d,]*", text or "")]
    if not numbers:
        return None
    middle = (min(numbers) * max(numbers)) ** 0.5 if len(numbers) > 1 else numbers[0]
    return "S" if middle < 50 else "M" if middle <= 250 else "L"


def dedup_key(company: str, title: str, location: str, description: str) -> str:
    """The key one posting has however often it is scraped: SHA-1 of company, title,
    location and text, case-folded, with white space collapsed."""
    parts = (_SPACE.sub(" ", p).strip().casefold() for p in (company, title, location, description))
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()


def detect_layout(header: list[str]) -> tuple[PostingLayout, dict[str, str]]:
    """The layout a header is in (the first of :data:`POSTING_LAYOUTS` whose signature it has,
    else :data:`GENERIC_LAYOUT`) and field -> its column (lower case) for every field found."""
    lower = {str(n).strip().lower() for n in header}
    for layout in POSTING_LAYOUTS:
        if layout.matches(lower):
            return layout, layout.resolve(lower)
    return GENERIC_LAYOUT, GENERIC_LAYOUT.resolve(lower)


def _resolve(names: list[str]) -> dict[str, str]:
    """Field -> the file's column name (lower case) for every field the header has."""
    return detect_layout(names)[1]


def sniff(header: list[str]) -> bool:
    """True when a header has a title, a company, a location and a description or pay column
    (:data:`REQUIRED_FIELDS`; in a layout of :data:`POSTING_LAYOUTS` or by the names of
    :data:`FIELDS`)."""
    found = _resolve(header)
    return all((f in found) if isinstance(f, str) else any(g in found for g in f)
               for f in REQUIRED_FIELDS)


def sniff_path(path: Path) -> bool:
    """True for a JSON Lines (or JSON array) file whose first object has the posting fields."""
    obj = first_json_record(path)
    return obj is not None and sniff(list(obj))


def column_map(spec: str | Mapping[str, str]) -> dict[str, str]:
    """Field -> column of a ``--map`` text ("title=Job Title,pay=Salary Estimate") or mapping:
    fields by their names in :data:`FIELDS` or :data:`MAP_ALIASES`, columns as the file's
    header writes them (compared case-insensitively). InputError (field 'columns') for an
    item without '=', an unknown field, an empty column or a field given twice."""
    if isinstance(spec, str):
        items: list[tuple[str, str]] = []
        for item in spec.split(","):
            if not item.strip():
                continue
            name, sep, column = item.partition("=")
            if not sep:
                raise InputError(f"{item.strip()[:60]!r} is not field=column "
                                 "(e.g. 'title=Job Title,pay=Salary Estimate')", field="columns")
            items.append((name, column))
    else:
        items = [(str(k), str(v)) for k, v in spec.items()]
    found: dict[str, str] = {}
    for name, column in items:
        key = name.strip().lower()
        fieldname = MAP_ALIASES.get(key, key)
        if fieldname not in FIELDS:
            known = ", ".join([*FIELDS, *MAP_ALIASES])
            raise InputError(f"unknown field {name.strip()[:40]!r}; fields: {known}", field="columns")
        if not column.strip():
            raise InputError(f"no column given for field {name.strip()!r}", field="columns")
        if fieldname in found:
            raise InputError(f"field {fieldname!r} mapped twice", field="columns")
        found[fieldname] = column.strip()
    if not found:
        raise InputError("no field=column given", field="columns")
    return found


Required = Sequence[str | tuple[str, ...]]
"""Fields a file must have: each item a field, or a tuple of fields of which one will do."""


def layout_for(header: list[str], columns: Mapping[str, str] | None, name: str, *,
               required: Required = REQUIRED_FIELDS, map_option: str | None = "--map") -> tuple[
        PostingLayout, dict[str, str]]:
    """The layout and field -> column (lower case) a file is read with: the detected layout
    (:func:`detect_layout`), each field of ``columns`` (a :func:`column_map`) read from the
    column named instead. InputError (field 'columns') for a mapped column the header lacks;
    InputError naming every `required` field (default :data:`REQUIRED_FIELDS`; a tuple: one of
    its fields) without a column, suggesting `map_option` (the caller's option that names
    columns; None: the caller has none, nothing is suggested)."""
    layout, found = detect_layout(header)
    if columns:
        present = {str(h).strip().lower(): str(h).strip() for h in header}
        for fieldname, column in columns.items():
            if column.lower() not in present:
                close = difflib.get_close_matches(column.lower(), list(present), n=1, cutoff=0.75)
                hint = f"; did you mean {present[close[0]]!r}?" if close else ""
                raise InputError(f"{name} has no column {column[:60]!r} for {fieldname} "
                                 f"({len(present)} columns){hint}", field="columns")
            found[fieldname] = column.lower()
        described = ", ".join(f"{f}={c}" for f, c in columns.items())
        layout = PostingLayout(name=f"columns mapped by --map ({described}) over {layout.name}",
                               source="the user's --map", columns=layout.columns,
                               signature=(), missing=layout.missing)
    groups = [(item,) if isinstance(item, str) else item for item in required]
    missing = [" or ".join(f"{f} ({'/'.join(FIELDS[f])})" for f in group) for group in groups
               if not any(f in found for f in group)]
    if missing:
        how = (f"; name the file's columns with {map_option}, e.g. {map_option} "
               "'title=Job Title,company=Employer'" if map_option and not columns else "")
        raise InputError(f"{name}: not a job postings file: missing column(s) {', '.join(missing)}{how}")
    return layout, found


def _missing_error(path: Path, names: list[str]) -> InputError:
    try:
        layout_for(names, None, path.name)
    except InputError as exc:
        return exc
    return InputError(f"{path.name}: not a job postings file")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, (list, tuple)):
        return ", ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _one_object(path: Path, encoding: str) -> dict[str, Any] | None:
    """The object of a file holding one JSON object written over several lines (its first
    line is not a whole JSON value, as a JSON Lines file's is), else None."""
    if path.stat().st_size > MAX_JSON_ARRAY_BYTES:
        return None
    first = ""
    with path.open(encoding=encoding, errors="strict") as handle:
        for first in handle:
            if first.strip():
                break
        try:
            json.loads(first)
            return None  # a whole value on the first line: JSON Lines
        except ValueError:
            pass
        try:
            data = json.loads(first + handle.read())
        except ValueError:
            return None  # read as JSON Lines, each bad line with its reason
    return data if isinstance(data, dict) else None


def _iter_json(path: Path) -> Iterator[tuple[int, dict[str, str] | str, str]]:
    """(row number, row with lower-case keys or the reason it is unusable, raw text), read
    in bounded memory: JSON Lines stream one line at a time (a line longer than
    `tabular.MAX_LINE_CHARS` is an unusable row); a JSON array is parsed whole, so a file
    holding one is refused beyond `tabular.MAX_JSON_ARRAY_BYTES`. A file whose first line is
    not a whole JSON value but whose whole text is one JSON object (a record written over
    several lines) is that one row."""
    encoding = detect_encoding(path)
    with path.open(encoding=encoding, errors="strict") as handle:
        head = handle.read(1 << 12).lstrip()
    one = _one_object(path, encoding) if head.startswith("{") else None
    if one is not None:
        raw = json.dumps(one, ensure_ascii=False)[:1000]
        yield 1, {str(k).lower(): _cell(v) for k, v in one.items()}, raw
        return
    if head.startswith("["):
        if path.stat().st_size > MAX_JSON_ARRAY_BYTES:
            raise InputError(f"{path.name}: a JSON array larger than {MAX_JSON_ARRAY_BYTES >> 20} MiB; "
                             "give the postings as JSON Lines (one object a line)")
        with path.open(encoding=encoding, errors="strict") as handle:
            text = handle.read()
        try:
            items = json.loads(text)
        except ValueError as exc:
            raise InputError(f"{path.name}: malformed JSON array ({exc})") from None
        if not isinstance(items, list):
            raise InputError(f"{path.name}: not a JSON array or JSON Lines")
        for number, item in enumerate(items, start=1):
            raw = json.dumps(item, ensure_ascii=False)[:1000]
            if not isinstance(item, dict):
                yield number, f"item {number} is not a JSON object", raw
            else:
                yield number, {str(k).lower(): _cell(v) for k, v in item.items()}, raw
        return
    number = 0
    for _line_number, line in text_lines(path, encoding):
        if isinstance(line, OverlongLine):
            number += 1
            yield number, str(line), ""
            continue
        if not line.strip():
            continue
        number += 1
        try:
            obj = json.loads(line)
        except ValueError as exc:
            yield number, f"line is not valid JSON ({str(exc).split(':')[0]})", line[:1000]
            continue
        if not isinstance(obj, dict):
            yield number, "line is not a JSON object", line[:1000]
            continue
        yield number, {str(k).lower(): _cell(v) for k, v in obj.items()}, line[:1000]


def _fields(row: dict[str, str], columns: dict[str, str], missing: frozenset[str]) -> dict[str, str]:
    """{field: cell} of a row (keys lower case) by field -> column; a cell in ``missing`` is
    empty, and a company is its first line (Glassdoor scrapes put the rating on a second)."""
    out = {f: row[c] for f, c in columns.items() if c in row}
    if missing:
        out = {f: "" if v.strip() in missing else v for f, v in out.items()}
    company = out.get("company")
    if company and "\n" in company.strip():
        out["company"] = company.strip().split("\n", 1)[0]
    return out


def open_rows(path: Path, columns: Mapping[str, str] | None = None, *, required: Required = REQUIRED_FIELDS,
              map_option: str | None = "--map") -> tuple[PostingLayout, Iterator[_Row]]:
    """The layout a CSV or JSON file is read in (:func:`layout_for`; ``columns`` from
    ``--map``; `required` and `map_option` as there) and its rows as (number, {field: value}
    or the reason it is unusable, raw). InputError at once for a file that is not a postings
    file."""
    if sniff_path(path) or path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        items = _iter_json(path)
        head: list[_Row] = []
        first: dict[str, str] | None = None
        for item in items:
            head.append(item)
            if not isinstance(item[1], str):
                first = item[1]
                break
        if first is None:
            raise InputError(f"{path.name}: no JSON object with posting fields")
        layout, _ = layout_for(list(first), columns, path.name, required=required,
                               map_option=map_option)  # the first object decides

        def json_rows() -> Iterator[_Row]:
            resolved: dict[frozenset[str], dict[str, str]] = {}
            for number, row, raw in itertools.chain(head, items):
                if isinstance(row, str):
                    yield number, row, raw
                    continue
                names = frozenset(row)
                if names not in resolved:  # objects may carry different optional keys
                    found = layout.resolve(set(names))
                    found.update({f: c.lower() for f, c in (columns or {}).items() if c.lower() in names})
                    resolved[names] = found
                yield number, _fields(row, resolved[names], layout.missing), raw

        return layout, json_rows()
    header = read_header(path)
    layout, found = layout_for(header, columns, path.name, required=required, map_option=map_option)

    def csv_rows() -> Iterator[_Row]:
        for number, row, raw in iter_rows(path, list(found.values()), source="job postings"):
            error = row.get("__error__")
            if error:
                yield number, error, raw
            else:
                yield number, _fields(row, found, layout.missing), raw

    return layout, csv_rows()


def _date(text: str, name: str = "date_posted") -> dt.date | str:
    value = text.strip()
    try:
        day = dt.date.fromisoformat(value[:10])
    except ValueError:
        return f"{name} {value[:40]!r} is not a date (YYYY-MM-DD)"
    if not dt.date(2000, 1, 1) <= day <= dt.date.today() + dt.timedelta(days=1):
        return f"{name} {value[:40]!r} is not between 2000 and today"
    return day


def site_country(job_url: str) -> tuple[str, str] | None:
    """(country, currency) of the Adzuna country site a posting's URL is on
    ("https://www.adzuna.co.uk/jobs/details/..." -> ("GB", "GBP")); None for any other site."""
    m = _ADZUNA_HOST.match(job_url.strip())
    return ADZUNA_SITES.get(m.group(1).lower()) if m else None


def _blank(text: str, match: re.Match[str]) -> str:
    return text[:match.start()] + " " * (match.end() - match.start()) + text[match.end():]


def _amount(text: str) -> float | str | None:
    value = text.strip()
    if not value or value.lower() in ("nan", "none", "null"):
        return None
    try:
        return parse_amount(value)
    except (MoneyError, ValueError):
        return f"pay amount {value[:40]!r} is not a number"


# --------------------------------------------------------------------------- columnar ingest
#
# A file is read in batches of BATCH_ROWS rows by the shared bounded readers (tabular.py:
# the same quarantine reasons for malformed records as every adapter). Each batch becomes
# columns; every normalizer runs once per distinct value of its input (title, location,
# company size, the dates, each distinct pay input, each distinct description for pay, years
# and skills), the expensive text readers over PAYBENCH_WORKERS processes; the results are
# joined back by position, and the batch's rows land as four frames (observations,
# observation_skills, postings, quarantine) through IngestWriter.add_frame, inside the
# file's one transaction.

BATCH_ROWS = 10_000
"""Rows read per batch. A batch holds its rows' text (postings run to a few kilobytes each:
about 30 MB for 10,000) and their results, so memory stays flat whatever the file's size."""

_NULLISH = ("nan", "none", "null")

_Row = tuple[int, "dict[str, str] | str", str]
"""A row as the readers give it: (row number, fields or the reason it is unusable, raw text)."""

_Pay = tuple["dict[str, Any] | None", "str | None", tuple[str, ...]]
"""A posting's pay: (pay fields or None, a reason to quarantine or None, counters)."""


ESTIMATE_MARKER = re.compile(
    r"\(\s*glassdoor\s+est(?:\.|imate[sd]?)?\s*\)|^\s*estimated\b", re.IGNORECASE)
"""How scraped pay text says its figure is the job board's estimate, not pay the employer
gave: Glassdoor's "$53K-$91K (Glassdoor est.)" (its Salary Estimate column), Indeed's
"Estimated $84.6K - $107K a year". Glassdoor's "(Employer est.)" is not one: Glassdoor marks
with it a range the employer gave (Glassdoor's help page "What Salary Information is on
Glassdoor?": pay ranges on open jobs are "provided by the employer or derived from our
predictive salary estimates tool"; the same as "Employer Provided Salary:$120K-$140K"), so
it is read as posted pay."""


def board_estimate(low: float | None, high: float | None, site: tuple[str, str] | None) -> bool:
    """True when an Adzuna posting's salary is Adzuna's own estimate by its figures: one figure
    (min = max) with a fraction of the currency unit ("69313.35"), as Adzuna's salary model
    returns it (the API's ``salary_is_predicted``, which the export drops). Measured on
    ../shared/data/postings/adzuna_uk_data_jobs_2026.csv: of its 804 rows with min = max, the
    647 with pence include 451 of the 459 whose page text says "per year - estimated" (the
    other 8, whole figures, are marked by that banner), and none shows its figure as posted
    pay in the text; 67 of the 157 whole figures appear in the page as posted ("£55,000",
    "£80,000 per annum") and 13 are a posted day or hour rate Adzuna annualized ("£260 per
    day" -> 67,600), so min = max alone does not make an estimate. ``site`` is the posting's Adzuna site
    (:func:`site_country`); None (another board) is never an estimate by this rule."""
    return (site is not None and low is not None and high is not None and low == high
            and not float(low).is_integer())


class PayPlan:
    """What one distinct pay input gives: structured pay, a reason to quarantine, or texts to
    read in order (``texts``: (text, what it is, whether it says it is an estimate), read on
    ``on`` with ``currency`` where they write none), and an estimate kept for when no text
    gives posted pay (``estimate``); and the counters the reading adds to the notes."""

    __slots__ = ("counts", "currency", "estimate", "on", "pay", "problem", "texts")

    def __init__(self, on: dt.date, currency: str) -> None:
        self.counts: tuple[str, ...] = ()
        self.pay: dict[str, Any] | None = None
        self.problem: str | None = None
        self.estimate: dict[str, Any] | None = None
        self.texts: tuple[tuple[str, str, bool], ...] = ()
        self.on = on
        self.currency = currency


class PayFields(NamedTuple):
    """A posting's pay inputs as the adapter's fields give them (text; "" when absent)."""

    min_amount: str = ""
    max_amount: str = ""
    interval: str = ""
    currency: str = ""
    salary_source: str = ""
    salary_is_predicted: str = ""
    pay_text: str = ""
    description: str = ""


def pay_plan(values: PayFields, site: tuple[str, str] | None, on: dt.date) -> PayPlan:
    """The pay of one posting from its pay fields, the job site it is from
    (:func:`site_country`: (site, currency) or None) and its date, up to reading its texts:
    the file's own figures when usable and posted, else the texts to read (the pay text
    column, then the description), keeping the board's estimate for when they give no posted
    pay. The one reading of a posting's pay fields: the adapter and `paybench posting-check`
    both use it. Raises nothing: an unusable field is the plan's `problem`."""
    min_text, max_text, interval_text, currency, salary_source, predicted, pay_text, description = values
    plan = PayPlan(on, site[1] if site else "USD")
    counts: list[str] = []
    low, high = _amount(min_text), _amount(max_text)
    if isinstance(low, str) or isinstance(high, str):
        plan.problem = low if isinstance(low, str) else str(high)
        return plan
    # every banner holds "estimated", so "mated" in any case (an IGNORECASE "i" also matches
    # the dotless and dotted I, which casefold() keeps): a substring test spares most scans
    banner = ESTIMATE_BANNER.search(description) if "mated" in description.casefold() else None
    estimated = (banner is not None or predicted.strip().lower() in _TRUE
                 or board_estimate(low, high, site))
    if banner is not None:
        description = _blank(description, banner)
    jobspy_parsed = salary_source.strip().lower() == "description"
    if (low is not None or high is not None) and not (jobspy_parsed and description.strip()):
        interval = interval_text.strip().lower()
        period: Period | None = INTERVALS.get(interval)
        if period is None and interval:
            try:
                period = parse_period(interval)
            except MoneyError:
                if not estimated:
                    plan.counts = tuple(counts)
                    plan.problem = (f"interval {interval[:30]!r} is not yearly, monthly, weekly, daily "
                                    "or hourly")
                    return plan
        if period is not None:
            pay, problem = _structured(counts, low, high, period, currency, site, on)
            if not estimated:
                plan.pay, plan.problem, plan.counts = pay, problem, tuple(counts)
                return plan
            plan.estimate = None if pay is None else {**pay, "kind": "estimated"}
        elif not estimated:
            counts.append("no_interval")
    elif jobspy_parsed and not estimated and (low is not None or high is not None):
        counts.append("reparsed")
    marked = bool(pay_text.strip()) and ESTIMATE_MARKER.search(pay_text) is not None
    if estimated or marked:
        counts.append("estimated")  # the board's estimate, not posted pay
    texts = []
    if pay_text.strip():
        texts.append((pay_text, "pay text", marked))
    if description.strip():
        texts.append((description, "description", False))
    plan.texts, plan.counts = tuple(texts), tuple(counts)
    return plan


def _structured(counts: list[str], low: float | None, high: float | None, period: Period,
                currency: str, site: tuple[str, str] | None, on: dt.date) -> tuple[
                    dict[str, Any] | None, str | None]:
    """(pay fields of the file's own figures, or None and the reason they cannot be used)."""
    code = currency.strip().upper()
    if not code or code in ("NAN", "NONE"):
        code = site[1] if site else "USD"
        if code == "USD":
            counts.append("no_currency")
    if low is None:  # only a ceiling: "up to"
        low = high
    assert low is not None
    usd: tuple[float | None, float | None, float | None] = (None, None, None)
    try:
        pay = normalize_pay(low, code, period, on, amount_max=high, component="base")
        usd = (pay.annual_usd, pay.annual_usd_min, pay.annual_usd_max)
    except NoExchangeRate:
        pass  # kept in its own currency, annual USD unknown (NULL); counted as no_rate
    except MoneyError as exc:
        return None, str(exc)
    return {
        "kind": "posted", "component": "base", "currency": code, "period": period, "amount_raw": low,
        "amount_raw_max": high, "annual_usd": usd[0], "annual_usd_min": usd[1],
        "annual_usd_max": usd[2], "pay_source": "structured",
    }, None


def _text_fields(found: ExtractedPay, kind: str) -> dict[str, Any]:
    """Pay fields of a text's reading."""
    return {
        "kind": kind, "component": found.component, "currency": found.currency, "period": found.period,
        "amount_raw": found.min if found.min is not None else found.max, "amount_raw_max": found.max,
        "annual_usd": found.annual_usd, "annual_usd_min": found.annual_usd_min,
        "annual_usd_max": found.annual_usd_max, "pay_source": "text",
    }


def _read_pays(plans: list[PayPlan], pool: WorkerPool) -> list[_Pay]:
    """Each plan's pay, reading its texts in turn (each pass once per distinct text, over
    ``pool``): the first posted pay a text gives; else the estimate (the file's figures, or a
    text marked as one); else none. A text whose reading failed quarantines its row."""
    posted: list[dict[str, Any] | None] = [None] * len(plans)
    estimate = [p.estimate for p in plans]
    problem: list[str | None] = [None] * len(plans)
    open_ = [i for i, p in enumerate(plans) if p.pay is None and p.problem is None and p.texts]
    step = 0
    while open_:
        jobs = [plans[i].texts[step] for i in open_]
        found = extract_pay_many([j[0] for j in jobs], on=[plans[i].on for i in open_],
                                 default_currency=[plans[i].currency for i in open_], pool=pool)
        still = []
        for i, (_text, what, marked), result in zip(open_, jobs, found, strict=True):
            if isinstance(result, Failed):
                problem[i] = f"pay in the {what} could not be read: {result.reason}"
                continue
            if isinstance(result, ExtractedPay):
                if not marked:
                    posted[i] = _text_fields(result, "posted")
                    continue
                if estimate[i] is None:
                    estimate[i] = _text_fields(result, "estimated")
            if step + 1 < len(plans[i].texts):
                still.append(i)
        open_, step = still, step + 1
    out: list[_Pay] = []
    for i, plan in enumerate(plans):
        if plan.problem is not None or plan.pay is not None:
            out.append((plan.pay, plan.problem, plan.counts))
        elif problem[i] is not None:
            out.append((None, problem[i], plan.counts))
        elif posted[i] is not None:
            out.append((posted[i], None, plan.counts))
        elif estimate[i] is not None:
            out.append((estimate[i], None, (*plan.counts, "estimate_kept")))
        else:
            out.append((None, None, plan.counts))
    return out


def _place(location: str, site: tuple[str, str] | None) -> tuple[Any, ...]:
    """(country, state, metro, work mode, counter or None) of a posting's location."""
    country = state = metro = None
    mode: WorkMode | None = None
    count: str | None = None
    if location:
        try:
            place = normalize_place(location, min_confidence=0.0)
            country, state, metro, mode = place.country, place.state, place.metro, place.work_mode
        except InputError:
            if site is None:
                count = "unplaced"
    if site is not None and country != site[0]:  # a UK site's "Hyde Park, Leeds" is not in Boston
        country, state, metro = site[0], None, None
        count = "site_country"
    return country, state, metro, mode, count


def _distinct(values: list[Any], func: Any) -> list[Any]:
    """func of each value, computed once per distinct value (values hashable)."""
    cache: dict[Any, Any] = {}
    out = []
    for value in values:
        if value not in cache:
            cache[value] = func(value)
        out.append(cache[value])
    return out


def _normal(text: str) -> str:
    return _SPACE.sub(" ", text).strip().casefold()


class _Ingest:
    """State of one columnar ingest across its batches: the keys stored so far, the
    fallback date, the counts behind the notes and the worker pool."""

    def __init__(self, path: Path, writer: IngestWriter, pool: WorkerPool) -> None:
        self.writer = writer
        self.sha = writer.sha256
        stored = writer.store.con.execute(
            f"SELECT dedup_key FROM {writer.kept('postings')} WHERE source = ?", [SOURCE_ID]).fetchall()
        self.seen: set[str] = {row[0] for row in stored}
        self.file_date = dt.date.fromtimestamp(path.stat().st_mtime)
        self.counts: Counter[str] = Counter()
        self.pool = pool
        self._titles: dict[str, str] = {}
        self._days: dict[tuple[str, str], dt.date | str | None] = {}

    # ------------------------------------------------------------------ per row, cheap
    def _title(self, raw: str) -> str:
        title = self._titles.get(raw)
        if title is None:
            if len(self._titles) > 100_000:
                self._titles.clear()
            title = self._titles[raw] = _SPACE.sub(" ", raw).strip()
        return title

    def _day(self, posted: str, created: str) -> dt.date | str | None:
        """The posting's date, a reason it has none usable, or None (no date given)."""
        key = (posted, created)
        if key not in self._days:
            if len(self._days) > 100_000:
                self._days.clear()
            date_text, name = posted.strip(), "date_posted"
            if not date_text or date_text.lower() in _NULLISH:
                date_text, name = created.strip(), "created"
            if date_text and date_text.lower() not in _NULLISH:
                self._days[key] = _date(date_text, name)
            else:
                self._days[key] = None
        return self._days[key]

    # ------------------------------------------------------------------ one batch
    def batch(self, rows: list[_Row]) -> None:
        """Normalize one batch of rows and write it (see the comment above BATCH_ROWS)."""
        rejected: list[tuple[int, str, str]] = []
        # 1. checks in the order a posting meets them: unusable row, title, date
        cand: list[int] = []
        titles: dict[int, str] = {}
        days: dict[int, dt.date] = {}
        for i, (number, row, raw) in enumerate(rows):
            if isinstance(row, str):
                rejected.append((number, row, raw))
                continue
            title = self._title(row.get("title", ""))
            if not title:
                rejected.append((number, "title is empty", raw))
                continue
            day = self._day(row.get("date_posted", ""), row.get("created", ""))
            if isinstance(day, str):
                rejected.append((number, day, raw))
                continue
            if day is None:
                day = self.file_date
                self.counts["undated"] += 1
            titles[i], days[i] = title, day
            cand.append(i)
        # 2. the dedup key of each posting (white space folded once per distinct description)
        fields: dict[int, dict[str, str]] = {i: rows[i][1] for i in cand}  # type: ignore[misc]
        descriptions = [fields[i].get("description", "") for i in cand]
        normal_descriptions = _distinct(descriptions, _normal)
        keys: dict[int, str] = {}
        for n, i in enumerate(cand):
            row = fields[i]
            parts = (_normal(row.get("company", "").strip()), _normal(titles[i]),
                     _normal(row.get("location", "").strip()), normal_descriptions[n])
            keys[i] = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()
        # 3. pay, once per distinct pay input, for postings not stored before this batch
        fresh = [i for i in cand if keys[i] not in self.seen]
        sites = _distinct([fields[i].get("job_url", "") for i in fresh], site_country)
        pay_inputs = [(PayFields(*(fields[i].get(f, "") for f in PayFields._fields)), site, days[i])
                      for i, site in zip(fresh, sites, strict=True)]
        plans = _distinct(pay_inputs, lambda v: pay_plan(*v))
        pays: dict[int, _Pay] = dict(zip(fresh, _read_pays(plans, self.pool), strict=True))
        # 4. skills and years of experience, once per distinct text, for postings that may be stored
        maybe = [i for i in fresh if pays[i][1] is None]
        skill_texts = [self._skill_text(fields[i]) for i in maybe]
        found_skills = dict(zip(maybe, extract_skills_many(skill_texts, pool=self.pool), strict=True))
        found_years = dict(zip(maybe, self.pool.map_distinct(
            extract_years_experience, [fields[i].get("description", "") for i in maybe]), strict=True))
        # 5. in file order: a posting seen before is a duplicate; the first usable one is stored
        stored: list[int] = []
        for i in fresh:
            key = keys[i]
            number, _row, raw = rows[i]
            if key in self.seen:
                self.counts["duplicate"] += 1
                self.writer.rows_skipped += 1
                continue
            _pay, problem, counts = pays[i]
            self.counts.update(counts)
            mentions, years = found_skills.get(i), found_years.get(i)
            if problem is None and isinstance(mentions, Failed):
                problem = f"skills in the description could not be read: {mentions.reason}"
            if problem is None and isinstance(years, Failed):
                problem = f"years of experience in the description could not be read: {years.reason}"
            if problem is not None:
                rejected.append((number, problem, raw))
                continue
            self.seen.add(key)
            stored.append(i)
        stale = len(cand) - len(fresh)  # stored before this batch
        self.counts["duplicate"] += stale
        self.writer.rows_skipped += stale
        self._write(rows, stored, fields, titles, days, keys, pays, found_skills, found_years, rejected)

    @staticmethod
    def _skill_text(row: dict[str, str]) -> str:
        text = row.get("description", "")
        if row.get("skills", "").strip():
            text += "\nSkills: " + row["skills"]
        return text

    def _write(self, rows: list[_Row], stored: list[int], fields: dict[int, dict[str, str]],
               titles: dict[int, str], days: dict[int, dt.date], keys: dict[int, str],
               pays: dict[int, _Pay], found_skills: dict[int, Any], found_years: dict[int, Any],
               rejected: list[tuple[int, str, str]]) -> None:
        """Normalize the stored postings' titles, places, years and levels (once per distinct
        value) and write the batch's frames."""
        rows_of = [fields[i] for i in stored]
        matches = _distinct([titles[i] for i in stored], normalize_title)
        sites = _distinct([r.get("job_url", "") for r in rows_of], site_country)
        places = _distinct([(r.get("location", "").strip(), s) for r, s in zip(rows_of, sites, strict=True)],
                           lambda v: _place(*v))
        sizes = _distinct([r.get("company_num_employees", "") for r in rows_of], company_size)
        employers = _distinct([r.get("company", "").strip() for r in rows_of], employer_display)
        observations: list[dict[str, Any]] = []
        skill_rows: list[dict[str, Any]] = []
        posting_rows: list[dict[str, Any]] = []
        for n, i in enumerate(stored):
            row = rows_of[n]
            number, key, day, title = rows[i][0], keys[i], days[i], titles[i]
            match = matches[n]
            country, state, metro, mode, count = places[n]
            if count is not None:
                self.counts[count] += 1
            if row.get("is_remote", "").strip().lower() in _TRUE:
                mode = "remote"
            elif mode is None:
                mode = _WFH.get(row.get("work_from_home_type", "").strip().lower())
            years = found_years[i]
            if years is None and row.get("experience_range", "").strip():
                years = years_from_range(row["experience_range"])
            level: str | None = match.level
            basis = "title" if level else None
            if level is None and row.get("job_level", "").strip().lower() in JOB_LEVELS:
                level, basis = JOB_LEVELS[row["job_level"].strip().lower()], "job_level"
            if level is None and years is not None:
                level, basis = level_from_years(years), "years"
            employment = EMPLOYMENT_TYPES.get(row.get("job_type", "").split(",")[0].strip().lower())
            industry = row.get("company_industry", "").strip() or None
            employer = employers[n]
            pay = pays[i][0]
            mentions: list[SkillMention] = found_skills[i]
            skill_rows.extend({"source": SOURCE_ID, "dedup_key": key, "skill": s.skill,
                               "requirement": s.requirement} for s in mentions)
            if pay is not None:
                if pay["annual_usd"] is None:
                    self.counts["no_rate"] += 1
                observations.append({
                    "source": SOURCE_ID, "file_sha256": self.sha, "row_number": number, "citation": None,
                    "observed_on": day, "raw_title": title, "role": match.role,
                    "role_confidence": match.confidence if match.role else None, "level": level,
                    "level_basis": basis, "country": country, "state": state, "metro": metro,
                    "work_mode": mode, "employment_type": employment, "company_size": sizes[n],
                    "industry": industry, "employer": employer,
                    **{k: v for k, v in pay.items() if k != "pay_source"},
                    "top_coded": False, "weight": 1.0, "dedup_key": key, "years_experience": years})
            else:
                self.counts["no_pay"] += 1
                self.writer.rows_skipped += 1
            posting_rows.append({
                "source": SOURCE_ID, "file_sha256": self.sha, "row_number": number, "dedup_key": key,
                "observed_on": day, "site": row.get("site", "").strip() or None,
                "job_url": row.get("job_url", "").strip() or None, "raw_title": title, "role": match.role,
                "level": level, "employer": employer, "industry": industry,
                "company_size": sizes[n], "country": country, "state": state, "metro": metro,
                "work_mode": mode, "employment_type": employment, "years_experience": years,
                "has_pay": pay is not None and pay["kind"] == "posted",
                "pay_estimated": pay is not None and pay["kind"] == "estimated",
                "pay_source": pay["pay_source"] if pay is not None else None})
        writer = self.writer
        if observations:
            writer.add_frame("observations", _frame("observations", observations))
        for table, records in (("observation_skills", skill_rows), ("postings", posting_rows)):
            if records:
                writer.add_frame(table, _frame(table, records))
                writer.rows_kept -= len(records)  # skills and postings are not observations kept
        if rejected:
            writer.add_frame("quarantine", _frame("quarantine", [
                {"source": SOURCE_ID, "row_number": number, "reason": reason, "raw": raw[:1000]}
                for number, reason, raw in rejected]))
            writer.rows_kept -= len(rejected)
            writer.rows_quarantined += len(rejected)

    def notes(self) -> list[str]:
        """The ingest's notes: what was counted, one line each."""
        c = self.counts
        texts = {
            "no_pay": "{} postings without posted pay (kept in postings for skill counts, not as pay)",
            "duplicate": "{} duplicate postings (same company, title, location and text) stored once",
            "undated": f"{{}} postings without date_posted dated {self.file_date} (the file's date)",
            "unplaced": "{} locations not placed",
            "no_currency": "{} structured pay figures without currency read as USD",
            "reparsed": "{} figures JobSpy parsed from the description were re-read by paybench",
            "no_interval": "{} structured pay figures without interval read from the description",
            "estimated": "{} pay figures the job board estimated (Adzuna's own figure, '(Glassdoor est.)', "
                         "'Estimated ...'), not posted pay",
            "estimate_kept": "{} postings whose only pay is such an estimate stored as kind 'estimated' "
                             "(not used in benchmarks)",
            "no_rate": "{} pay figures in a currency without an ECB rate kept in that currency, annual USD "
                       "unknown (left out of cells)",
            "site_country": "{} locations not placed in the job site's country placed in it, without a metro",
        }
        return [texts[k].format(f"{c[k]:,}") for k in texts if c[k]]


def _frame(table: str, records: list[dict[str, Any]]) -> pd.DataFrame:
    """A DataFrame of rows for a store table, built as IngestWriter builds its batches."""
    return pd.DataFrame.from_records(records)


def ingest(path: Path, writer: IngestWriter, progress: Any = None, *, batch_rows: int = BATCH_ROWS,
           pool: WorkerPool | None = None, columns: str | Mapping[str, str] | None = None) -> None:
    """Read a postings file into the store: posted pay as observations (kind 'posted'), a
    board's estimate where a posting has no posted pay (kind 'estimated'), every posting in
    ``postings`` with its skills; unusable rows are quarantined. The layout the file was read
    in is the ingest's first note (``IngestWriter.read_as``).

    ``columns``: field=column pairs (``--map``, :func:`column_map`) for a layout the header
    does not tell. Rows are read and written in batches of ``batch_rows``; the texts are read
    by ``pool`` (default: a :class:`~paybench.normalize.parallel.WorkerPool` of
    ``PAYBENCH_WORKERS`` processes, else one per core, closed at the end). InputError when
    the file is not a postings file, ``columns`` does not fit it, or PAYBENCH_WORKERS is not
    a number of processes."""
    mapped = column_map(columns) if columns is not None else None
    layout, rows = open_rows(path, mapped)
    if pool is None:
        with WorkerPool() as own:
            _ingest_rows(path, layout, rows, writer, progress, batch_rows, own)
        return
    _ingest_rows(path, layout, rows, writer, progress, batch_rows, pool)


def _ingest_rows(path: Path, layout: PostingLayout, rows: Iterator[_Row], writer: IngestWriter,
                 progress: Any, batch_rows: int, pool: WorkerPool) -> None:
    writer.unique_dedup = True
    writer.read_as(layout.name)
    size = path.stat().st_size
    task = progress.add_task(f"postings {path.name}", total=size) if progress else None
    done = 0
    state = _Ingest(path, writer, pool)
    batch: list[_Row] = []
    for item in rows:
        batch.append(item)
        done += len(item[2]) + 1
        if len(batch) >= max(1, batch_rows):
            writer.rows_read += len(batch)
            state.batch(batch)
            batch = []
            if progress and task is not None:
                progress.update(task, completed=min(done, size))
    if batch:
        writer.rows_read += len(batch)
        state.batch(batch)
    writer.notes.extend(state.notes())
    if pool.unavailable is not None:
        writer.notes.append(f"texts read in the ingesting process: {pool.unavailable}")
    if progress and task is not None:
        progress.update(task, completed=size)
