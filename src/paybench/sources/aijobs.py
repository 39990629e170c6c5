"""Salary surveys in the ai-jobs.net layout (salaries.csv).

Columns: work_year, experience_level (EN/MI/SE/EX), employment_type (FT/PT/CT/FL),
job_title, salary, salary_currency, salary_in_usd, employee_residence (ISO alpha-2),
remote_ratio (0/50/100), company_location (ISO alpha-2), company_size (S/M/L).
Each row is a paid base salary for a year of work; it is dated 1 July of work_year. Its level
is the experience code's, except that a leadership title ("Engineering Manager", "Head of AI")
sets the level (`paybench.normalize.levels.reconcile_level`).

Read column by column (`paybench.sources.delimited`, with each row's raw text for the quarantine;
`paybench.sources.columnar` runs the normalizers once per distinct value): each batch of rows is checked and
normalized with one call per distinct value (a title, a code, a currency in a year), pay is
converted with vector arithmetic where the salary is a plain number, and the batch lands with
one bulk insert of observations and one of quarantined rows. A row is checked in this order,
and quarantined with the first reason that applies: it cannot be read (the CSV reader's
reason), work_year, experience_level, employment_type, job_title empty, employee_residence,
remote_ratio, company_size, then its pay (salary not a number, or `normalize_pay`'s reason;
a currency without an ECB rate falls back to the survey's own salary_in_usd).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from paybench.errors import MoneyError
from paybench.normalize.levels import level_from_survey_code, reconcile_level
from paybench.normalize.money import (
    MAX_ANNUAL_USD,
    MIN_ANNUAL_USD,
    currency_code,
    normalize_pay,
    usd_per_unit,
)
from paybench.normalize.titles import normalize_title
from paybench.records import SourceInfo, WorkMode
from paybench.sources.columnar import map_rows, map_values
from paybench.sources.delimited import ERROR, RAW, ROW_NUMBER, DelimitedBatches
from paybench.store import IngestWriter

SOURCE = SourceInfo(
    id="aijobs", description="ai-jobs.net salary survey (salaries.csv layout)", licence="CC0 1.0",
    attribution="ai-jobs.net salary survey (CC0: no attribution required; credited as courtesy)")
SOURCE_ID = SOURCE.id
PRIORITY = 20
COLUMNAR = True
"""`ingest` writes in bulk only (`IngestWriter.add_arrow`): it runs straight into the store."""
COLUMNS = [
    "work_year", "experience_level", "employment_type", "job_title", "salary",
    "salary_currency", "salary_in_usd", "employee_residence", "remote_ratio",
    "company_location", "company_size",
]
EMPLOYMENT_TYPES = {"FT": "full_time", "PT": "part_time", "CT": "contract", "FL": "freelance"}
WORK_MODES: dict[str, WorkMode] = {"0": "onsite", "50": "hybrid", "100": "remote"}
COMPANY_SIZES = {"S", "M", "L"}
BATCH_ROWS = 200_000
"""Rows normalized and inserted at once (about 11 MB of survey text): fewer, larger batches
cut the per-batch cost of the normalizers and of the two bulk inserts."""
_ISO2 = re.compile(r"^[A-Z]{2}$")
_PLAIN_NUMBER = r"^[0-9]{1,15}(\.[0-9]{1,15})?$"
"""A salary (commas removed) that Arrow's cast and Python's float() read alike: plain digits,
an optional decimal part, far below overflow. Any other text is read by float() itself."""


def sniff(header: list[str]) -> bool:
    """True when a header has the survey's columns."""
    names = {h.lower() for h in header}
    return {"work_year", "experience_level", "salary_in_usd", "job_title"} <= names


# --------------------------------------------------------------------------- one value each
def work_year(text: str) -> tuple[int | None, str | None]:
    """(the year, None) or (None, the reason): a year between 2000 and next year."""
    year_text = text.strip()
    plausible = year_text.isascii() and year_text.isdigit()
    if not plausible or not 2000 <= int(year_text) <= dt.date.today().year + 1:
        return None, f"work_year {year_text!r} is not a year between 2000 and next year"
    return int(year_text), None


def experience_level(text: str) -> tuple[str | None, str | None]:
    """(the level of an EN/MI/SE/EX code, None) or (None, the reason)."""
    code = text.strip().upper()
    level = level_from_survey_code(code)
    if level is None:
        return None, f"experience_level {code!r} is not one of EN, MI, SE, EX"
    return level, None


def employment_type(text: str) -> tuple[str | None, str | None]:
    """(full_time, part_time, contract or freelance; None) or (None, the reason)."""
    employment = EMPLOYMENT_TYPES.get(text.strip().upper())
    if employment is None:
        return None, f"employment_type {text!r} is not one of FT, PT, CT, FL"
    return employment, None


def job_title(text: str) -> tuple[str | None, str | None]:
    """(the title stripped, None) or (None, "job_title is empty")."""
    title = text.strip()
    return (title, None) if title else (None, "job_title is empty")


def employee_residence(text: str) -> tuple[str | None, str | None]:
    """(an ISO alpha-2 code, None) or (None, the reason)."""
    residence = text.strip().upper()
    if not _ISO2.match(residence):
        return None, f"employee_residence {residence!r} is not an ISO country code"
    return residence, None


def remote_ratio(text: str) -> tuple[str | None, str | None]:
    """(onsite, hybrid or remote for 0, 50, 100; None) or (None, the reason)."""
    mode = WORK_MODES.get(text.strip())
    if mode is None:
        return None, f"remote_ratio {text!r} is not 0, 50 or 100"
    return mode, None


def company_size(text: str) -> tuple[str | None, str | None]:
    """(S, M or L; None) or (None, the reason)."""
    size = text.strip().upper()
    if size not in COMPANY_SIZES:
        return None, f"company_size {size!r} is not S, M or L"
    return size, None


def title_match(title: str) -> tuple[str | None, float | None, str | None]:
    """(role, role confidence, the title's level) of a stripped title (`normalize_title`)."""
    match = normalize_title(title)
    return match.role, match.confidence if match.role else None, match.level


def pay(salary: str, currency: str, salary_in_usd: str, year: int) -> tuple[float | None, float | None,
                                                                          str | None]:
    """(amount as given, annual USD, None) or (None, None, the reason) for a salary in
    `currency` (stripped, upper-cased) paid in `year`, at the ECB rate of 1 July; a currency
    without an ECB rate falls back to the survey's own salary_in_usd."""
    observed_on = dt.date(year, 7, 1)
    try:
        amount = float(salary.replace(",", ""))
        normalized = normalize_pay(amount, currency, "year", observed_on)
    except ValueError:
        return None, None, f"salary {salary!r} is not a number"
    except MoneyError as exc:
        fallback = _survey_usd(salary_in_usd)
        if fallback is None or "currency" not in str(exc):
            return None, None, str(exc)
        try:  # a currency without an ECB rate: use the survey's own USD figure
            normalized = normalize_pay(fallback, "USD", "year", observed_on)
        except MoneyError as exc2:
            return None, None, str(exc2)
    return amount, normalized.annual_usd, None


def _survey_usd(text: str) -> float | None:
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        return None
    return value if value > 0 else None


_RATE, _FALLBACK_FIRST, _FALLBACK_AFTER, _OTHER = "rate", "fallback_first", "fallback_after", "other"


def currency_in_year(currency: str, year: int) -> tuple[str, float | None]:
    """How `pay` treats a plain positive salary in this currency and year: ('rate', USD per
    unit); 'fallback_first' (the currency is refused before the amount is looked at: the row
    takes salary_in_usd), 'fallback_after' (it has no ECB rate: salary_in_usd, once the amount
    passed its checks), or 'other' (`pay` decides each row)."""
    try:
        code = currency_code(currency)
    except MoneyError as exc:
        return (_FALLBACK_FIRST if "currency" in str(exc) else _OTHER), None
    try:
        return _RATE, usd_per_unit(code, dt.date(year, 7, 1))
    except MoneyError as exc:
        return (_FALLBACK_AFTER if "currency" in str(exc) else _OTHER), None
    except Exception:
        return _OTHER, None


# --------------------------------------------------------------------------- a batch at once
@dataclass
class _Seen:
    """Results per distinct value, kept across the batches of one file."""

    values: dict[str, dict[Any, Any]] = field(default_factory=dict)

    def of(self, name: str) -> dict[Any, Any]:
        return self.values.setdefault(name, {})


def normalize_batch(batch: pa.RecordBatch, seen: _Seen | None = None) -> pa.Table:
    """Check and normalize a batch of survey rows (`DelimitedBatches` with the survey's `COLUMNS`
    and raw text). Returns a table with, per row,
    `reason` (NULL for a usable row) and the observation's columns (`observed_on` as
    `year`), beside the batch's own columns (the raw fields feed the dedup key)."""
    seen = seen or _Seen()
    col = batch.column
    steps = [("work_year", work_year, pa.int32()), ("experience_level", experience_level, pa.string()),
             ("employment_type", employment_type, pa.string()), ("job_title", job_title, pa.string()),
             ("employee_residence", employee_residence, pa.string()),
             ("remote_ratio", remote_ratio, pa.string()), ("company_size", company_size, pa.string())]
    out: dict[str, pa.Array] = {}
    reasons = [col(ERROR)]
    for name, check, kind in steps:
        value, reason = map_values(col(name), check, [kind, pa.string()], seen.of(name))
        out[name] = value
        reasons.append(reason)
    currency = map_values(col("salary_currency"), lambda t: (t.strip().upper(),), [pa.string()],
                          seen.of("salary_currency"))[0]
    before_pay = pc.coalesce(*reasons)
    paid = pc.is_null(before_pay)
    amount, annual_usd, pay_reason = _pay(batch, currency, out["work_year"], paid, seen)
    reason = pc.coalesce(before_pay, pay_reason)
    usable = pc.is_null(reason)
    role, confidence, title_level = map_rows([out["job_title"]], title_match,
                                             [pa.string(), pa.float64(), pa.string()], usable,
                                             seen.of("title"))
    level, basis = map_rows([title_level, out["experience_level"]],
                            lambda t, c: reconcile_level(t, c, "survey_code"), [pa.string(), pa.string()],
                            usable, seen.of("level"))
    columns = {
        ROW_NUMBER: col(ROW_NUMBER), RAW: col(RAW), "reason": reason,
        "year": out["work_year"], "raw_title": out["job_title"], "role": role,
        "role_confidence": confidence, "level": level, "level_basis": basis,
        "country": out["employee_residence"], "work_mode": out["remote_ratio"],
        "employment_type": out["employment_type"], "company_size": out["company_size"],
        "currency": currency, "amount_raw": amount, "annual_usd": annual_usd,
        **{f"f_{name}": col(name) for name in COLUMNS},
    }
    return pa.table(columns)


def _pay(batch: pa.RecordBatch, currency: pa.Array, year: pa.Array, rows: pa.Array,
         seen: _Seen) -> tuple[pa.Array, pa.Array, pa.Array]:
    """(amount_raw, annual_usd, reason) of the rows marked in `rows` (NULL elsewhere): plain
    salaries in a currency with a rate, or with a fallback to a plain salary_in_usd, by vector
    arithmetic (the same IEEE products `normalize_pay` takes); every other row by `pay`, once
    per distinct (salary, currency, salary_in_usd, year)."""
    kind, rate = map_rows([currency, year], currency_in_year, [pa.string(), pa.float64()], rows,
                          seen.of("currency_in_year"))
    salary = pc.replace_substring(batch.column("salary"), ",", "")
    usd = pc.replace_substring(batch.column("salary_in_usd"), ",", "")
    plain_salary = pc.fill_null(pc.match_substring_regex(salary, _PLAIN_NUMBER), False)
    plain_usd = pc.fill_null(pc.match_substring_regex(usd, _PLAIN_NUMBER), False)
    amount = pc.cast(pc.if_else(plain_salary, salary, pa.scalar(None, pa.string())), pa.float64())
    usd_amount = pc.cast(pc.if_else(plain_usd, usd, pa.scalar(None, pa.string())), pa.float64())
    by_rate = pc.multiply(amount, rate)
    fallback = pc.or_(pc.equal(kind, _FALLBACK_FIRST),
                      pc.and_(pc.equal(kind, _FALLBACK_AFTER), pc.greater(amount, 0.0)))
    none = pa.scalar(None, pa.float64())
    fast_annual = pc.if_else(pc.equal(kind, _RATE), pc.if_else(pc.greater(amount, 0.0), by_rate, none),
                             pc.if_else(pc.and_(fallback, pc.greater(usd_amount, 0.0)), usd_amount, none))
    plausible = pc.and_(pc.greater_equal(fast_annual, MIN_ANNUAL_USD),
                        pc.less_equal(fast_annual, MAX_ANNUAL_USD))
    fast = pc.fill_null(pc.and_(pc.and_(rows, plain_salary), plausible), False)
    slow = pc.and_(pc.fill_null(rows, False), pc.invert(fast))
    slow_amount, slow_annual, reason = map_rows(
        [batch.column("salary"), currency, batch.column("salary_in_usd"), year], pay,
        [pa.float64(), pa.float64(), pa.string()], slow, seen.of("pay"))
    return (pc.if_else(fast, amount, slow_amount), pc.if_else(fast, fast_annual, slow_annual),
            pc.if_else(fast, pa.scalar(None, pa.string()), reason))


OBSERVATIONS_SQL = f"""
SELECT '{SOURCE_ID}' AS source, row_number, 'paid' AS kind,
       make_date(year, 7, 1) AS observed_on, raw_title, role, role_confidence, level, level_basis,
       country, work_mode, employment_type, company_size, 'base' AS component, currency,
       'year' AS period, amount_raw, annual_usd, false AS top_coded, 1.0 AS weight,
       sha1(concat_ws(chr(31), {", ".join("f_" + c for c in COLUMNS)})) AS dedup_key
FROM batch WHERE reason IS NULL
"""
"""The observations of a normalized batch; dedup_key is the SHA-1 of the 11 raw fields
joined by U+001F (as the survey has always been keyed)."""

QUARANTINE_SQL = f"""
SELECT '{SOURCE_ID}' AS source, row_number, reason, substring(raw, 1, 1000) AS raw
FROM batch WHERE reason IS NOT NULL
"""


def ingest(path: Path, writer: IngestWriter, progress: Any = None) -> None:
    """Read a survey file into the store, a batch of `BATCH_ROWS` at a time
    (`paybench.sources.delimited`); unusable rows are quarantined with reasons and their raw
    text. InputError for a file that cannot be read."""
    reader = DelimitedBatches(path, COLUMNS, source="ai-jobs.net survey", raw_text=True,
                              batch_rows=BATCH_ROWS)
    task = progress.add_task(f"survey {path.name}", total=reader.bytes_total) if progress else None
    seen = _Seen()
    for batch in reader:
        table = normalize_batch(batch, seen)
        writer.rows_read += batch.num_rows
        writer.add_arrow("observations", table, OBSERVATIONS_SQL)
        writer.add_arrow("quarantine", table, QUARANTINE_SQL)
        if progress and task is not None:
            progress.update(task, completed=reader.bytes_done)
    if progress and task is not None:
        progress.update(task, completed=reader.bytes_total)
