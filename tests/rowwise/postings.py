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
  midpoint, component base or total as posted; never mixed with paid figures.
- A posting without posted pay is not an observation of pay: it is counted in
  rows_skipped (with a note) and kept, like every posting, in the ``postings`` table
  with its skills, so that skill frequencies count every posting.
- The same posting seen twice (same company, title, location and text, after folding
  case and white space), in one file or across files, is stored once.
- Role and level from the title (level from LinkedIn's job_level or from the years of
  experience asked for when the title has none); place from the location (is_remote
  makes it remote); skills, degrees and certifications from the description
  (:func:`paybench.normalize.skills.extract_skills`).
- A figure the job board estimated (Adzuna's ``salary_is_predicted``, or its banner
  "per year - estimated" in the text) is not posted pay: the structured figures are left
  out (noted) and the description, without the banner, is read for pay as above.
- A posting from an Adzuna country site (:data:`ADZUNA_SITES`) is in that site's country: a
  location the place reader cannot place, or places in another country ("Hyde Park, Leeds"
  read as Hyde Park, MA), is taken as the country without a metro (noted). Structured pay
  without a currency, and pay in its text written without one, are in the site's currency;
  elsewhere USD (noted for structured pay).
- A posting without date_posted is dated by its ``created`` time when the file has one,
  else by the file's modification date (noted).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from paybench.errors import InputError, MoneyError, NoExchangeRate
from paybench.normalize.employers import normalize_employer
from paybench.normalize.levels import Level, level_from_years
from paybench.normalize.money import normalize_pay, parse_amount, parse_period
from paybench.normalize.pay_text import ExtractedPay, extract_pay
from paybench.normalize.places import normalize_place
from paybench.normalize.skills import extract_skills
from paybench.normalize.titles import normalize_title
from paybench.records import (
    Observation,
    Period,
    Provenance,
    Rejected,
    SkillMention,
    SourceInfo,
    WorkMode,
)
from paybench.sources.postings import ESTIMATE_MARKER, board_estimate, column_map, open_rows
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
    "min_amount": ("min_amount", "salary_min", "min", "job_min_salary"),
    "max_amount": ("max_amount", "salary_max", "max", "job_max_salary"),
    "currency": ("currency",),
    "interval": ("interval", "period", "pay_period", "job_salary_period"),
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
"""Each field the adapter reads, with the column names accepted for it (first found wins)."""

REQUIRED_FIELDS = ("title", "company", "location", "description")

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
_NUMBER_WORDS = {w: i for i, w in enumerate((
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "thirteen", "fourteen", "fifteen"))}
_YEARS = re.compile(
    r"(?<![\w.$])(\d{1,2}|" + "|".join(_NUMBER_WORDS) + r")(?:\.5)?\s*(?:\+|plus)?\s*"
    r"(?:(?:-|–|to)\s*(?:\d{1,2})\s*\+?\s*)?(?:years?|yrs?)\b\+?",
    re.IGNORECASE,
)
_YEARS_CONTEXT_BEFORE = re.compile(r"(?:experience|minimum|at least|min\.?)[^.;\n]{0,25}$", re.IGNORECASE)
_YEARS_CONTEXT_AFTER = re.compile(r"^[^.;\n]{0,50}?\bexp(?:erience|\.)?\b", re.IGNORECASE)


def extract_years_experience(text: str) -> float | None:
    """Years of experience a posting asks for ("5+ years of experience", "3-5 years of
    relevant experience", "minimum of 7 years", "two years' experience"): the lower end,
    the largest such figure in the text (the main requirement), or None."""
    if not text:
        return None
    best: float | None = None
    for m in _YEARS.finditer(text):
        before = text[max(0, m.start() - 40):m.start()]
        after = text[m.end():m.end() + 60]
        if not (_YEARS_CONTEXT_AFTER.match(after) or _YEARS_CONTEXT_BEFORE.search(before)):
            continue
        raw = m.group(1).lower()
        years = float(_NUMBER_WORDS[raw]) if raw in _NUMBER_WORDS else float(raw)
        if years > 40:
            continue
        best = years if best is None else max(best, years)
    return best


def _years_from_range(text: str) -> float | None:
    m = _YEARS.search(text or "")
    if m is None:
        return None
    raw = m.group(1).lower()
    return float(_NUMBER_WORDS[raw]) if raw in _NUMBER_WORDS else float(raw)


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


# Reading a file (layouts, --map, JSON and CSV records) is the production module's
# (`paybench.sources.postings.open_rows`): the reference checks what is made of the rows.


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


class _Reader:
    """State of one ingest: stored keys, the fallback date and the counts behind the notes."""

    def __init__(self, path: Path, writer: IngestWriter) -> None:
        self.writer = writer
        self.sha = writer.sha256
        stored = writer.store.con.execute(
            "SELECT dedup_key FROM postings WHERE source = ?", [SOURCE_ID]).fetchall()
        self.seen: set[str] = {row[0] for row in stored}
        self.file_date = dt.date.fromtimestamp(path.stat().st_mtime)
        self.counts: Counter[str] = Counter()
        self.pending_estimate = False

    def reject(self, number: int, reason: str, raw: str) -> None:
        self.writer.add(Rejected(
            provenance=Provenance(source=SOURCE_ID, file_sha256=self.sha, row_number=number),
            reason=reason, raw=raw[:1000]))

    def pay(self, row: dict[str, str], on: dt.date) -> tuple[dict[str, Any] | None, str | None]:
        """(pay fields for the observation or None, a reason to quarantine or None): the
        file's posted figures; else the first posted pay of the pay text, then the
        description; else the board's estimate (its figures, or a pay text marked as one)."""
        low, high = _amount(row.get("min_amount", "")), _amount(row.get("max_amount", ""))
        if isinstance(low, str) or isinstance(high, str):
            return None, low if isinstance(low, str) else str(high)
        description = row.get("description", "")
        site = site_country(row.get("job_url", ""))
        banner = ESTIMATE_BANNER.search(description)
        estimated = (banner is not None or row.get("salary_is_predicted", "").strip().lower() in _TRUE
                     or board_estimate(low, high, site))
        if banner is not None:
            description = _blank(description, banner)
        estimate: dict[str, Any] | None = None
        jobspy_parsed = row.get("salary_source", "").strip().lower() == "description"
        if (low is not None or high is not None) and not (jobspy_parsed and description.strip()):
            interval = row.get("interval", "").strip().lower()
            period: Period | None = INTERVALS.get(interval)
            if period is None and interval:
                try:
                    period = parse_period(interval)
                except MoneyError:
                    if not estimated:
                        return None, (f"interval {interval[:30]!r} is not yearly, monthly, weekly, "
                                      "daily or hourly")
            if period is not None:
                pay, problem = self._structured(low, high, period, row.get("currency", ""),
                                                row.get("job_url", ""), on)
                if not estimated:
                    return pay, problem
                estimate = None if pay is None else {**pay, "kind": "estimated"}
            elif not estimated:
                self.counts["no_interval"] += 1
        elif jobspy_parsed and not estimated and (low is not None or high is not None):
            self.counts["reparsed"] += 1
        pay_text = row.get("pay_text", "")
        marked = bool(pay_text.strip()) and ESTIMATE_MARKER.search(pay_text) is not None
        if estimated or marked:
            self.counts["estimated"] += 1  # the board's estimate, not posted pay
        texts = []
        if pay_text.strip():
            texts.append((pay_text, "pay text", marked))
        if description.strip():
            texts.append((description, "description", False))
        for text, _what, marked in texts:
            found = extract_pay(text, on=on, default_currency=site[1] if site else "USD")
            if not isinstance(found, ExtractedPay):
                continue
            fields = {
                "kind": "estimated" if marked else "posted", "component": found.component,
                "currency": found.currency, "period": found.period,
                "amount_raw": found.min if found.min is not None else found.max,
                "amount_raw_max": found.max, "annual_usd": found.annual_usd,
                "annual_usd_min": found.annual_usd_min, "annual_usd_max": found.annual_usd_max,
                "pay_source": "text"}
            if not marked:
                return fields, None
            if estimate is None:
                estimate = fields
        if estimate is not None:
            self.pending_estimate = True
        return estimate, None

    def _structured(self, low: float | None, high: float | None, period: Period, currency: str,
                    job_url: str, on: dt.date) -> tuple[dict[str, Any] | None, str | None]:
        code = currency.strip().upper()
        if not code or code in ("NAN", "NONE"):
            site = site_country(job_url)
            code = site[1] if site else "USD"
            if code == "USD":
                self.counts["no_currency"] += 1
        if low is None:  # only a ceiling: "up to"
            low = high
        assert low is not None
        usd: tuple[float | None, float | None, float | None] = (None, None, None)
        try:
            pay = normalize_pay(low, code, period, on, amount_max=high, component="base")
            usd = (pay.annual_usd, pay.annual_usd_min, pay.annual_usd_max)
        except NoExchangeRate:
            pass  # kept in its own currency, annual USD unknown (NULL)
        except MoneyError as exc:
            return None, str(exc)
        return {
            "kind": "posted", "component": "base", "currency": code, "period": period, "amount_raw": low,
            "amount_raw_max": high, "annual_usd": usd[0], "annual_usd_min": usd[1],
            "annual_usd_max": usd[2], "pay_source": "structured",
        }, None

    def read(self, number: int, row: dict[str, str], raw: str) -> None:
        title = _SPACE.sub(" ", row.get("title", "")).strip()
        if not title:
            self.reject(number, "title is empty", raw)
            return
        company = row.get("company", "").strip()
        location = row.get("location", "").strip()
        description = row.get("description", "")
        date_text, name = row.get("date_posted", "").strip(), "date_posted"
        if not date_text or date_text.lower() in ("nan", "none", "null"):
            date_text, name = row.get("created", "").strip(), "created"
        if date_text and date_text.lower() not in ("nan", "none", "null"):
            day = _date(date_text, name)
            if isinstance(day, str):
                self.reject(number, day, raw)
                return
        else:
            day = self.file_date
            self.counts["undated"] += 1
        key = dedup_key(company, title, location, description)
        if key in self.seen:
            self.counts["duplicate"] += 1
            self.writer.rows_skipped += 1
            return
        self.pending_estimate = False
        pay, problem = self.pay(row, day)
        if problem is not None:
            self.reject(number, problem, raw)
            return
        self.seen.add(key)
        if self.pending_estimate:
            self.counts["estimate_kept"] += 1
        self._store(number, row, key, day, title, company, location, description, pay)

    def _store(self, number: int, row: dict[str, str], key: str, day: dt.date, title: str,
               company: str, location: str, description: str, pay: dict[str, Any] | None) -> None:
        match = normalize_title(title)
        found_employer = normalize_employer(company)
        employer = found_employer.display if found_employer is not None else None
        country = state = metro = None
        mode: WorkMode | None = None
        site = site_country(row.get("job_url", ""))
        if location:
            try:
                place = normalize_place(location, min_confidence=0.0)
                country, state, metro, mode = place.country, place.state, place.metro, place.work_mode
            except InputError:
                if site is None:
                    self.counts["unplaced"] += 1
        if site is not None and country != site[0]:  # a UK site's "Hyde Park, Leeds" is not in Boston
            country, state, metro = site[0], None, None
            self.counts["site_country"] += 1
        if row.get("is_remote", "").strip().lower() in _TRUE:
            mode = "remote"
        elif mode is None:
            mode = _WFH.get(row.get("work_from_home_type", "").strip().lower())
        years = extract_years_experience(description)
        if years is None and row.get("experience_range", "").strip():
            years = _years_from_range(row["experience_range"])
        level: str | None = match.level
        basis = "title" if level else None
        if level is None and row.get("job_level", "").strip().lower() in JOB_LEVELS:
            level, basis = JOB_LEVELS[row["job_level"].strip().lower()], "job_level"
        if level is None and years is not None:
            level, basis = level_from_years(years), "years"
        job_type = row.get("job_type", "").split(",")[0].strip().lower()
        employment = EMPLOYMENT_TYPES.get(job_type)
        size = company_size(row.get("company_num_employees", ""))
        industry = row.get("company_industry", "").strip() or None
        skill_text = description
        if row.get("skills", "").strip():
            skill_text += "\nSkills: " + row["skills"]
        skills: list[SkillMention] = extract_skills(skill_text)
        if pay is not None:
            pay = dict(pay)
            source_of_pay = pay.pop("pay_source")
            if pay["annual_usd"] is None:
                self.counts["no_rate"] += 1
            self.writer.add(Observation(
                provenance=Provenance(source=SOURCE_ID, file_sha256=self.sha, row_number=number),
                observed_on=day, raw_title=title, role=match.role,
                role_confidence=match.confidence if match.role else None, level=level,
                level_basis=basis, country=country, state=state, metro=metro, work_mode=mode,
                employment_type=employment, company_size=size, industry=industry,
                employer=employer, weight=1.0, dedup_key=key, years_experience=years,
                skills=skills, **pay))
        else:
            source_of_pay = None
            self.counts["no_pay"] += 1
            self.writer.rows_skipped += 1
            if skills:
                self.writer.add_rows("observation_skills", [
                    {"source": SOURCE_ID, "dedup_key": key, "skill": s.skill,
                     "requirement": s.requirement} for s in skills])
                self.writer.rows_kept -= len(skills)  # skills are not rows kept
        self.writer.add_rows("postings", [{
            "source": SOURCE_ID, "file_sha256": self.sha, "row_number": number, "dedup_key": key,
            "observed_on": day, "site": row.get("site", "").strip() or None,
            "job_url": row.get("job_url", "").strip() or None, "raw_title": title, "role": match.role,
            "level": level, "employer": employer, "industry": industry, "company_size": size,
            "country": country, "state": state, "metro": metro, "work_mode": mode,
            "employment_type": employment, "years_experience": years,
            "has_pay": pay is not None and pay["kind"] == "posted",
            "pay_estimated": pay is not None and pay["kind"] == "estimated", "pay_source": source_of_pay}])
        self.writer.rows_kept -= 1  # a posting row is not an observation kept

    def notes(self) -> list[str]:
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


def ingest(path: Path, writer: IngestWriter, progress: Any = None,
           columns: str | Mapping[str, str] | None = None) -> None:
    """Read a postings file into the store: posted pay as observations (kind 'posted'), a
    board's estimate where there is no posted pay (kind 'estimated'), every posting in
    ``postings`` with its skills; unusable rows are quarantined."""
    layout, rows = open_rows(path, column_map(columns) if columns is not None else None)
    writer.unique_dedup = True
    writer.read_as(layout.name)
    reader = _Reader(path, writer)
    size = path.stat().st_size
    task = progress.add_task(f"postings {path.name}", total=size) if progress else None
    done = 0
    for number, row, raw in rows:
        writer.rows_read += 1
        done += len(raw) + 1
        if isinstance(row, str):
            reader.reject(number, row, raw)
        else:
            reader.read(number, row, raw)
        if progress and task is not None and number % 1000 == 0:
            progress.update(task, completed=min(done, size))
    writer.notes.extend(reader.notes())
    if progress and task is not None:
        progress.update(task, completed=size)
