"""Salary surveys in the ai-jobs.net layout (salaries.csv).

Columns: work_year, experience_level (EN/MI/SE/EX), employment_type (FT/PT/CT/FL),
job_title, salary, salary_currency, salary_in_usd, employee_residence (ISO alpha-2),
remote_ratio (0/50/100), company_location (ISO alpha-2), company_size (S/M/L).
Each row is a paid base salary for a year of work; it is dated 1 July of work_year. Its level
is the experience code's, except that a leadership title ("Engineering Manager", "Head of AI")
sets the level (`paybench.normalize.levels.reconcile_level`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import Any

from paybench.errors import MoneyError
from paybench.normalize.levels import level_from_survey_code, reconcile_level
from paybench.normalize.money import normalize_pay
from paybench.normalize.titles import normalize_title
from paybench.records import Observation, Provenance, Rejected, SourceInfo, WorkMode
from paybench.sources.tabular import iter_rows
from paybench.store import IngestWriter

SOURCE = SourceInfo(
    id="aijobs", description="ai-jobs.net salary survey (salaries.csv layout)", licence="CC0 1.0",
    attribution="ai-jobs.net salary survey (CC0: no attribution required; credited as courtesy)")
SOURCE_ID = SOURCE.id
PRIORITY = 20
COLUMNS = [
    "work_year", "experience_level", "employment_type", "job_title", "salary",
    "salary_currency", "salary_in_usd", "employee_residence", "remote_ratio",
    "company_location", "company_size",
]
EMPLOYMENT_TYPES = {"FT": "full_time", "PT": "part_time", "CT": "contract", "FL": "freelance"}
WORK_MODES: dict[str, WorkMode] = {"0": "onsite", "50": "hybrid", "100": "remote"}
COMPANY_SIZES = {"S", "M", "L"}
_ISO2 = re.compile(r"^[A-Z]{2}$")


def sniff(header: list[str]) -> bool:
    """True when a header has the survey's columns."""
    names = {h.lower() for h in header}
    return {"work_year", "experience_level", "salary_in_usd", "job_title"} <= names


def parse_row(row: dict[str, str], number: int, sha: str) -> Observation | str:
    """Normalize one survey row, or return the reason it cannot be used."""
    prov = Provenance(source=SOURCE_ID, file_sha256=sha, row_number=number)
    year_text = row["work_year"].strip()
    plausible = year_text.isascii() and year_text.isdigit()
    if not plausible or not 2000 <= int(year_text) <= dt.date.today().year + 1:
        return f"work_year {year_text!r} is not a year between 2000 and next year"
    year = int(year_text)
    level_code = row["experience_level"].strip().upper()
    code_level = level_from_survey_code(level_code)
    if code_level is None:
        return f"experience_level {level_code!r} is not one of EN, MI, SE, EX"
    employment = EMPLOYMENT_TYPES.get(row["employment_type"].strip().upper())
    if employment is None:
        return f"employment_type {row['employment_type']!r} is not one of FT, PT, CT, FL"
    title = row["job_title"].strip()
    if not title:
        return "job_title is empty"
    residence = row["employee_residence"].strip().upper()
    if not _ISO2.match(residence):
        return f"employee_residence {residence!r} is not an ISO country code"
    mode = WORK_MODES.get(row["remote_ratio"].strip())
    if mode is None:
        return f"remote_ratio {row['remote_ratio']!r} is not 0, 50 or 100"
    size = row["company_size"].strip().upper()
    if size not in COMPANY_SIZES:
        return f"company_size {size!r} is not S, M or L"
    currency = row["salary_currency"].strip().upper()
    observed_on = dt.date(year, 7, 1)
    try:
        amount = float(row["salary"].replace(",", ""))
        pay = normalize_pay(amount, currency, "year", observed_on)
    except ValueError:
        return f"salary {row['salary']!r} is not a number"
    except MoneyError as exc:
        fallback = _survey_usd(row)
        if fallback is None or "currency" not in str(exc):
            return str(exc)
        try:  # a currency without an ECB rate: use the survey's own USD figure
            pay = normalize_pay(fallback, "USD", "year", observed_on)
        except MoneyError as exc2:
            return str(exc2)
    match = normalize_title(title)
    level, level_basis = reconcile_level(match.level, code_level, "survey_code")
    digest = hashlib.sha1(
        "\x1f".join(row[c] for c in COLUMNS).encode("utf-8")
    ).hexdigest()
    return Observation(
        provenance=prov,
        kind="paid",
        observed_on=observed_on,
        raw_title=title,
        role=match.role,
        role_confidence=match.confidence if match.role else None,
        level=level,
        level_basis=level_basis,
        country=residence,
        work_mode=mode,
        employment_type=employment,
        company_size=size,
        component="base",
        currency=currency,
        period="year",
        amount_raw=amount,
        annual_usd=pay.annual_usd,
        weight=1.0,
        dedup_key=digest,
    )


def _survey_usd(row: dict[str, str]) -> float | None:
    try:
        value = float(row["salary_in_usd"].replace(",", ""))
    except ValueError:
        return None
    return value if value > 0 else None


def ingest(path: Path, writer: IngestWriter, progress: Any = None) -> None:
    """Read a survey file into the store; unusable rows are quarantined with reasons."""
    size = path.stat().st_size
    task = progress.add_task(f"survey {path.name}", total=size) if progress else None
    done = 0
    for number, row, raw in iter_rows(path, COLUMNS, source="ai-jobs.net survey"):
        writer.rows_read += 1
        done += len(raw) + 1
        error = row.get("__error__")
        result = error if error else parse_row(row, number, writer.sha256)
        if isinstance(result, str):
            writer.add(Rejected(
                provenance=Provenance(source=SOURCE_ID, file_sha256=writer.sha256,
                                      row_number=number),
                reason=result, raw=raw[:1000]))
        else:
            writer.add(result)
        if progress and task is not None and number % 5000 == 0:
            progress.update(task, completed=done)
    if progress and task is not None:
        progress.update(task, completed=size)
