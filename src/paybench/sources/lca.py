"""H-1B Labor Condition Application (LCA) disclosure files from the US Department of
Labor (OFLC), in the current yearly layout (FY2020 onwards: ``LCA_Disclosure_Data_FY2024_Q4.xlsx``
and CSV exports of it) and the older ones (FY2015-FY2019: CASE_SUBMITTED,
EMPLOYMENT_START_DATE; before FY2015: LCA_CASE_*; see :data:`OLDER_LAYOUT_NAMES`). Public
domain.

One row is one LCA: an employer's attestation of the wage it will pay for a position
at a worksite. What is read (columns are found by name, in any order; extra columns are
ignored; a file lacking a column of :data:`REQUIRED_COLUMNS` is refused with one line
naming every missing column):

* ``CASE_STATUS``: only **Certified** cases are kept. "Certified - Withdrawn" cases are
  skipped too: the employer withdrew the application after certification, so the
  position was most often never filled at that wage (abandoned or re-filed under a new
  case number, which would count twice). Denied and Withdrawn cases are skipped. The
  skipped count is ``rows_skipped`` and a note names each status.
* Pay: ``WAGE_RATE_OF_PAY_FROM`` is the wage actually offered (the floor the employer
  attests to pay); ``WAGE_RATE_OF_PAY_TO`` is an optional top of a range. The point
  figure ``annual_usd`` is the annualized **FROM** wage, not the midpoint: DOL requires
  FROM to be paid and most filings leave TO empty, so the floor is the comparable
  figure across filings; ``annual_usd_min``/``annual_usd_max`` keep the range when TO is
  above FROM. ``WAGE_UNIT_OF_PAY`` (Year, Hour, Week, Bi-Weekly, Month) is annualized
  by :func:`paybench.normalize.money.normalize_pay` (2,080 hours, 52 weeks, 26
  fortnights, 12 months); figures outside its plausible bounds are quarantined.
  ``PREVAILING_WAGE`` is never stored as pay (it is the market wage DOL requires, not
  the offer).
* Level: ``PW_WAGE_LEVEL`` I-IV -> entry/mid/senior/staff
  (:func:`~paybench.normalize.levels.level_from_wage_level`), except that a title's
  management level (manager, director, executive) wins; when the wage level is empty,
  the title's level. ``level_basis`` says which ("wage_level" or "title").
* Role: ``JOB_TITLE`` through :func:`~paybench.normalize.titles.normalize_title`; a title
  naming no role falls back to ``SOC_CODE`` (:data:`SOC_DEFAULT_ROLE`, a documented
  default per SOC code among the roles whose primary SOC it is; 2010 SOC codes of older
  files are mapped first) with ``role_confidence`` :data:`SOC_ROLE_CONFIDENCE`.
* Place: country US; state from ``WORKSITE_STATE``; metro the CBSA of
  ``WORKSITE_POSTAL_CODE`` when that ZIP lies in the filed state (the ZIP's state from the
  HUD-USPS crosswalk, :func:`~paybench.normalize.places.state_for_zip`), else the CBSA of
  ``WORKSITE_CITY`` in the state. A ZIP in another state than the filed one is a
  contradiction between two fields, one of them mistyped, and either can be the one:
  "Englewood, Arapahoe, CO" with ZIP 07631 (Englewood, NJ) has a wrong ZIP; "Dallas, Dallas,
  AR" with ZIP 75202 (Dallas, TX) a wrong state. It is settled by a field-agreement vote
  (:func:`zip_vote`, the rule of :func:`~paybench.normalize.places.vote_state`): the filed
  state gets 1 for the state field, +1 when a city named ``WORKSITE_CITY`` exists in it, +1
  when a county named ``WORKSITE_COUNTY`` does ("COOK COUNTY", "St. Louis city", "Doña Ana"
  read as county names); the ZIP's state 1 for the ZIP and the same +1s; the higher count
  wins. A tie goes to the state where the city lies in the county when
  that holds in one of them only (Boston, Suffolk: MA, not Boston, NY in Erie County), else
  to the filed state. When the ZIP's state wins, the row's state becomes it and its metro the
  ZIP's (the city's there, for a ZIP outside any CBSA); otherwise the row stays in the filed
  state with the city's metro there. A note counts the rows each way and names the first
  with the field that lost
  (:func:`zip_state_note`). Files without a worksite ZIP (before FY2015) use the city; files
  without ``WORKSITE_COUNTY`` vote without it. A worksite whose ``WORKSITE_STATE`` names no
  US state ('ZZ', blank) takes its ZIP's state and metro when its city or county lies in that
  state (:func:`unfiled_state`), else stays in the US with no state; a note counts each.
* ``NAICS_CODE`` -> industry label (:mod:`paybench.normalize.industries`);
  ``EMPLOYER_NAME`` -> normalized employer display form
  (:mod:`paybench.normalize.employers`).
* ``observed_on`` = ``RECEIVED_DATE``, else ``DECISION_DATE``, else ``BEGIN_DATE``.
* ``dedup_key`` = hash of ``CASE_NUMBER``; the ingest skips a case already stored (the
  same case in two quarterly files counts once). Every LCA has weight 1 whatever its
  ``TOTAL_WORKER_POSITIONS`` (a blanket filing for 50 positions is one offer, not 50).

Reading is columnar and streams, so memory does not grow with the file: CSV in Arrow batches
(:mod:`paybench.sources.delimited`: Arrow's CSV reader, with the record reader of
:mod:`paybench.sources.tabular` for what Arrow refuses), xlsx one row at a time into batches
(the streaming reader of :mod:`paybench.sources.tabular`, within its limits). Per batch, the
normalizers of title, SOC code, wage level, worksite, NAICS code, employer, dates, unit and
unusual wage texts run once per distinct value, plain wage texts are cast column-wise, the
annual figures are computed over the columns (numpy; the scalar rule of
:func:`~paybench.normalize.money.normalize_pay` for the rare implausible row), the case
numbers are hashed by DuckDB, and the batch lands by one bulk insert per table. The result is
the row-by-row reading's, row for row (tests/test_columnar_lca.py compares them).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any, cast

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from paybench.errors import InputError, MoneyError
from paybench.normalize.employers import normalize_employer
from paybench.normalize.industries import industry_for_naics
from paybench.normalize.levels import Level, level_from_wage_level, reconcile_level
from paybench.normalize.money import (
    MAX_ANNUAL_USD,
    MIN_ANNUAL_USD,
    annualize,
    normalize_pay,
    parse_amount,
    parse_period,
)
from paybench.normalize.places import (
    city_in_state,
    county_in_state,
    metro_for_city,
    metro_for_zip,
    state_code,
    state_for_zip,
    vote_state,
)
from paybench.normalize.titles import normalize_title
from paybench.records import Period, SourceInfo
from paybench.reference.soc import is_spreadsheet_date, soc_2018
from paybench.sources import delimited
from paybench.sources.delimited import DelimitedBatches
from paybench.sources.tabular import (
    _sniff_delimiter,
    detect_encoding,
    is_xlsx,
    read_xlsx_header,
    xlsx_rows,
)
from paybench.store import IngestWriter
from paybench.wording import counted

SOURCE = SourceInfo(
    id="lca", description="US Department of Labor H-1B LCA disclosure data (xlsx or csv)",
    licence="US government work, public domain",
    attribution="US Department of Labor, Office of Foreign Labor Certification, LCA disclosure data")
SOURCE_ID = SOURCE.id
PRIORITY = 30

RECORD_LAYOUT: tuple[str, ...] = (
    "CASE_NUMBER", "CASE_STATUS", "RECEIVED_DATE", "DECISION_DATE", "ORIGINAL_CERT_DATE",
    "VISA_CLASS", "JOB_TITLE", "SOC_CODE", "SOC_TITLE", "FULL_TIME_POSITION", "BEGIN_DATE",
    "END_DATE", "TOTAL_WORKER_POSITIONS", "NEW_EMPLOYMENT", "CONTINUED_EMPLOYMENT",
    "CHANGE_PREVIOUS_EMPLOYMENT", "NEW_CONCURRENT_EMPLOYMENT", "CHANGE_EMPLOYER",
    "AMENDED_PETITION", "EMPLOYER_NAME", "TRADE_NAME_DBA", "EMPLOYER_ADDRESS1",
    "EMPLOYER_ADDRESS2", "EMPLOYER_CITY", "EMPLOYER_STATE", "EMPLOYER_POSTAL_CODE",
    "EMPLOYER_COUNTRY", "EMPLOYER_PROVINCE", "EMPLOYER_PHONE", "EMPLOYER_PHONE_EXT",
    "EMPLOYER_FEIN", "NAICS_CODE", "EMPLOYER_POC_LAST_NAME", "EMPLOYER_POC_FIRST_NAME",
    "EMPLOYER_POC_MIDDLE_NAME", "EMPLOYER_POC_JOB_TITLE", "EMPLOYER_POC_ADDRESS1",
    "EMPLOYER_POC_ADDRESS2", "EMPLOYER_POC_CITY", "EMPLOYER_POC_STATE",
    "EMPLOYER_POC_POSTAL_CODE", "EMPLOYER_POC_COUNTRY", "EMPLOYER_POC_PROVINCE",
    "EMPLOYER_POC_PHONE", "EMPLOYER_POC_PHONE_EXT", "EMPLOYER_POC_EMAIL",
    "AGENT_REPRESENTING_EMPLOYER", "AGENT_ATTORNEY_LAST_NAME", "AGENT_ATTORNEY_FIRST_NAME",
    "AGENT_ATTORNEY_MIDDLE_NAME", "AGENT_ATTORNEY_ADDRESS1", "AGENT_ATTORNEY_ADDRESS2",
    "AGENT_ATTORNEY_CITY", "AGENT_ATTORNEY_STATE", "AGENT_ATTORNEY_POSTAL_CODE",
    "AGENT_ATTORNEY_COUNTRY", "AGENT_ATTORNEY_PROVINCE", "AGENT_ATTORNEY_PHONE",
    "AGENT_ATTORNEY_PHONE_EXT", "AGENT_ATTORNEY_EMAIL_ADDRESS", "LAWFIRM_NAME_BUSINESS_NAME",
    "STATE_OF_HIGHEST_COURT", "NAME_OF_HIGHEST_STATE_COURT", "WORKSITE_WORKERS",
    "SECONDARY_ENTITY", "SECONDARY_ENTITY_BUSINESS_NAME", "WORKSITE_ADDRESS1",
    "WORKSITE_ADDRESS2", "WORKSITE_CITY", "WORKSITE_COUNTY", "WORKSITE_STATE",
    "WORKSITE_POSTAL_CODE", "WAGE_RATE_OF_PAY_FROM", "WAGE_RATE_OF_PAY_TO", "WAGE_UNIT_OF_PAY",
    "PREVAILING_WAGE", "PW_UNIT_OF_PAY", "PW_TRACKING_NUMBER", "PW_WAGE_LEVEL", "PW_OES_YEAR",
    "PW_OTHER_SOURCE", "PW_OTHER_YEAR", "PW_SURVEY_PUBLISHER", "PW_SURVEY_NAME",
    "TOTAL_WORKSITE_LOCATIONS", "AGREE_TO_LC_STATEMENT", "H-1B_DEPENDENT", "WILLFUL_VIOLATOR",
    "SUPPORT_H1B", "STATUTORY_BASIS", "APPENDIX_A_ATTACHED", "PUBLIC_DISCLOSURE",
    "PREPARER_LAST_NAME", "PREPARER_FIRST_NAME", "PREPARER_MIDDLE_INITIAL",
    "PREPARER_BUSINESS_NAME", "PREPARER_EMAIL",
)
"""DOL's LCA disclosure record layout (FY2020 onwards; EMPLOYER_FEIN since FY2024), in
DOL's column order. Only some columns are read; the layout is here so fixtures and
benchmarks write files exactly as DOL does."""

REQUIRED_COLUMNS: tuple[str, ...] = (
    "CASE_NUMBER", "CASE_STATUS", "RECEIVED_DATE", "JOB_TITLE", "SOC_CODE",
    "FULL_TIME_POSITION", "EMPLOYER_NAME", "WORKSITE_CITY", "WORKSITE_STATE",
    "WAGE_RATE_OF_PAY_FROM", "WAGE_UNIT_OF_PAY",
)
"""Columns without which a file is refused."""

OPTIONAL_COLUMNS: tuple[str, ...] = (
    "DECISION_DATE", "BEGIN_DATE", "WAGE_RATE_OF_PAY_TO", "PW_WAGE_LEVEL", "NAICS_CODE",
    "WORKSITE_POSTAL_CODE", "SOC_TITLE", "WORKSITE_COUNTY",
)
"""Columns read when present (every current DOL file has them)."""

OLDER_LAYOUT_NAMES: dict[str, tuple[str, ...]] = {
    "CASE_NUMBER": ("LCA_CASE_NUMBER",),
    "CASE_STATUS": ("STATUS",),
    "RECEIVED_DATE": ("CASE_SUBMITTED", "LCA_CASE_SUBMIT"),
    "BEGIN_DATE": ("EMPLOYMENT_START_DATE", "LCA_CASE_EMPLOYMENT_START_DATE"),
    "JOB_TITLE": ("LCA_CASE_JOB_TITLE",),
    "SOC_CODE": ("LCA_CASE_SOC_CODE",),
    "FULL_TIME_POSITION": ("FULL_TIME_POS",),
    "EMPLOYER_NAME": ("LCA_CASE_EMPLOYER_NAME",),
    "WORKSITE_CITY": ("LCA_CASE_WORKLOC1_CITY",),
    "WORKSITE_STATE": ("LCA_CASE_WORKLOC1_STATE",),
    "WAGE_RATE_OF_PAY_FROM": ("LCA_CASE_WAGE_RATE_FROM",),
    "WAGE_RATE_OF_PAY_TO": ("LCA_CASE_WAGE_RATE_TO",),
    "WAGE_UNIT_OF_PAY": ("LCA_CASE_WAGE_RATE_UNIT",),
    "NAICS_CODE": ("LCA_CASE_NAICS_CODE",),
    "SOC_TITLE": ("SOC_NAME", "LCA_CASE_SOC_NAME"),
}
"""The names a read column has in DOL's older layouts: FY2015-FY2019 (CASE_SUBMITTED,
EMPLOYMENT_START_DATE; e.g. ``H-1B_Disclosure_Data_FY17``) and before FY2015 (LCA_CASE_*,
STATUS, FULL_TIME_POS; the first worksite, LCA_CASE_WORKLOC1_*, is the worksite). A file's
own name for a column is used where it has one; reasons name the column as the file does.
Source: the record layouts DOL published with each year's disclosure data (OFLC
performance data pages)."""

KEPT_STATUSES = frozenset({"CERTIFIED"})
"""CASE_STATUS values kept, compared upper-case without spaces or punctuation."""

SOC_ROLE_CONFIDENCE = 0.4
"""role_confidence of a role taken from SOC_CODE because the title named none."""

SOC_DEFAULT_ROLE: dict[str, str] = {
    "15-1252": "software-engineer",  # Software Developers
    "15-2051": "data-scientist",  # Data Scientists
    "15-1221": "research-scientist",  # Computer and Information Research Scientists
    "15-1211": "systems-analyst",  # Computer Systems Analysts
    "15-1212": "security-analyst",  # Information Security Analysts
    "15-1231": "network-support-specialist",  # Computer Network Support Specialists
    "15-1232": "help-desk-analyst",  # Computer User Support Specialists
    "15-1241": "network-architect",  # Computer Network Architects
    "15-1242": "database-administrator",  # Database Administrators
    "15-1243": "data-architect",  # Database Architects
    "15-1244": "systems-administrator",  # Network and Computer Systems Administrators
    "15-1251": "programmer-analyst",  # Computer Programmers
    "15-1253": "qa-engineer",  # Software Quality Assurance Analysts and Testers
    "15-1254": "web-developer",  # Web Developers
    "15-1255": "ux-designer",  # Web and Digital Interface Designers
    "15-2031": "operations-research-analyst",  # Operations Research Analysts
    "15-2041": "statistician",  # Statisticians
    "11-3021": "it-manager",  # Computer and Information Systems Managers
    "17-2061": "hardware-engineer",  # Computer Hardware Engineers
    "27-3042": "technical-writer",  # Technical Writers
    "41-9031": "solutions-engineer",  # Sales Engineers
}
"""The role a 2018 SOC code stands for when the job title names no role: for each SOC,
the taxonomy role whose primary SOC it is and whose name is the occupation's own
(Software Developers -> software-engineer, not one of the 35 language-specific roles
sharing 15-1252). SOC codes too broad to name a role (15-1299 "Computer Occupations,
All Other", 11-2021 Marketing Managers, 13-1111 Management Analysts, 13-2051 Financial
Analysts) have none."""

LAYOUTS: tuple[tuple[str, str], ...] = (
    ("RECEIVED_DATE", "DOL LCA disclosure, FY2020 onwards (RECEIVED_DATE, BEGIN_DATE, WORKSITE_*)"),
    ("CASE_SUBMITTED", "DOL LCA disclosure, FY2015-FY2019 (CASE_SUBMITTED, EMPLOYMENT_START_DATE)"),
    ("LCA_CASE_NUMBER", "DOL LCA disclosure, before FY2015 (LCA_CASE_*, first worksite LCA_CASE_WORKLOC1_*)"),
)
"""Each of DOL's layouts by a column only it has, and the name ``paybench status`` gives a
file read in it (:func:`layout_name`; the record layouts DOL published with each year's
disclosure data, OFLC performance data pages)."""

_DATE_COLUMNS = ("RECEIVED_DATE", "DECISION_DATE", "BEGIN_DATE")
_STATUS_KEY = re.compile(r"[^A-Z]+")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


# --------------------------------------------------------------------------- detection
def _names(header: Sequence[Any]) -> list[str]:
    return [str(h).strip().upper().replace("-", "_") if h is not None else "" for h in header]


def _norm(name: str) -> str:
    return name.upper().replace("-", "_")


def _position(names: Sequence[str], column: str) -> int | None:
    """Where a read column sits in a header (its current name first, then its older ones)."""
    for name in (_norm(column), *OLDER_LAYOUT_NAMES.get(column, ())):
        if name in names:
            return names.index(name)
    return None


def sniff(header: list[str]) -> bool:
    """True when a header looks like an LCA disclosure file in any of DOL's layouts (case
    number, status, job title and employer); the ingest then names any other missing column."""
    names = _names(header)
    return all(_position(names, c) is not None
               for c in ("CASE_NUMBER", "CASE_STATUS", "JOB_TITLE", "EMPLOYER_NAME"))


def sniff_path(path: Path) -> bool:
    """True for an .xlsx workbook (zip magic) whose first sheet's header is an LCA's.
    InputError (naming the cell) for a workbook that cannot be read: no other adapter reads
    xlsx, so that is what the user needs to know."""
    return is_xlsx(path) and sniff(read_xlsx_header(path))


def missing_columns(name: str, names: Sequence[str], missing: Sequence[str]) -> InputError:
    """The one-line error for a file lacking read columns; a case list with the prevailing
    wage but not the wage offered (the simplified 2015-2019 H-1B redistribution) is told so."""
    why = ""
    if "WAGE_RATE_OF_PAY_FROM" in missing and "PREVAILING_WAGE" in names:
        why = ("; it has PREVAILING_WAGE (the market wage DOL requires), not the wage offered, "
               "which is what paybench stores")
    return InputError(f"{name}: not an LCA disclosure file: missing column(s) {', '.join(missing)}{why}")


def layout_name(path: Path, header: Sequence[Any]) -> str:
    """The DOL layout a file is in (:data:`LAYOUTS`), with how it is written: "xlsx", or the
    delimiter when it is not a comma ("semicolon-separated")."""
    names = _names(header)
    name = next((label for column, label in LAYOUTS if column in names), "DOL LCA disclosure")
    if is_xlsx(path):
        return f"{name}, xlsx"
    with path.open(encoding=detect_encoding(path), errors="replace", newline="") as handle:
        first = handle.readline(1 << 16)
    delimiter = _sniff_delimiter(first)  # as the delimited readers split the file
    return name if delimiter == "," else f"{name}, {_DELIMITERS.get(delimiter, repr(delimiter))}-separated"


_DELIMITERS = {";": "semicolon", "\t": "tab", "|": "pipe"}


# --------------------------------------------------------------------------- readers
class _Layout:
    """Where each read column sits in a file's rows."""

    def __init__(self, header: Sequence[Any], name: str) -> None:
        names = _names(header)
        position = {c: _position(names, c) for c in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)}
        missing = [c for c in REQUIRED_COLUMNS if position[c] is None]
        if missing:
            raise missing_columns(name, names, missing)
        self.names = names
        self.width = len(names)
        wanted = [c for c in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS) if position[c] is not None]
        self.slot = {c: i for i, c in enumerate(wanted)}
        self.indices = [int(position[c]) for c in wanted]  # type: ignore[arg-type]
        self.label = {c: names[i] for c, i in zip(wanted, self.indices, strict=True)}
        """The file's own name of each read column (DOL's current name, or an older one)."""
        self.pick = itemgetter(*self.indices)


# --------------------------------------------------------------------------- values
def _text(value: Any) -> str:
    if type(value) is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


_SERIAL_TEXT = re.compile(r"\d{5}(?:\.\d+)?")


@functools.lru_cache(maxsize=4096)
def _parse_date_text(text: str) -> dt.date | None:
    """A date from ISO text ('2024-10-01', '2013-01-18 18:05:43'), M/D/YYYY text
    ('10/1/2024', a two-digit year is 20YY) or an Excel serial day number written as text
    ('42914.0', as FY2015-FY2019 files exported through a spreadsheet hold them); None when
    it is none of these."""
    if _SERIAL_TEXT.fullmatch(text):
        serial = float(text)
        return _EXCEL_EPOCH + dt.timedelta(days=int(serial)) if 20_000 < serial < 80_000 else None
    try:
        if len(text) >= 10 and text[4] == "-":
            return dt.date.fromisoformat(text[:10])
        day_part = text.split(" ", 1)[0]
        if "/" in day_part:
            month, day, year = (int(p) for p in day_part.split("/"))
            if year < 100:
                year += 2000
            return dt.date(year, month, day)
    except ValueError:
        return None
    return None


def _date(value: Any, column: str) -> dt.date | str | None:
    """A date from a cell (datetime, ISO text, M/D/YYYY text, Excel serial); None when
    empty; a reason string when unreadable or out of range."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, int | float) and 20_000 < value < 80_000:
        day = _EXCEL_EPOCH + dt.timedelta(days=int(value))
    else:
        found = _parse_date_text(str(value).strip())
        if found is None:
            return f"{column} {str(value).strip()[:40]!r} is not a date"
        day = found
    if day.year < 2000 or day > _latest_date():
        return f"{column} {day.isoformat()} is out of range (2000 to a year from today)"
    return day


@functools.cache
def _latest_date() -> dt.date:
    return dt.date.today() + dt.timedelta(days=366)


def _amount(value: Any) -> float | None:
    """A wage cell as a number (150000, 150000.0, '150000', '$150,000.00'); None when
    empty. Raises MoneyError for text that is not an amount."""
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    text = str(value).strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        pass
    try:
        return float(text.replace("$", "").replace(",", "").strip())
    except ValueError:
        return parse_amount(text)


@functools.lru_cache(maxsize=256)
def _period(unit: str) -> Period | None:
    try:
        return parse_period(unit)
    except MoneyError:
        return None


_PAY_DAY = dt.date(2024, 1, 1)


@functools.lru_cache(maxsize=16)
def _per_year(period: Period) -> float:
    return annualize(1.0, period)


def _annual(low: float, high: float | None, period: Period) -> tuple[float, float]:
    """(annual min, annual max) in USD per year for a USD wage per period: the
    arithmetic of :func:`~paybench.normalize.money.annualize`; a figure outside the
    plausible bounds (or negative, or not finite) goes through
    :func:`~paybench.normalize.money.normalize_pay`, which raises its MoneyError. The date
    does not enter a USD figure (no exchange rate)."""
    factor = _per_year(period)
    annual_min = low * factor
    annual_max = annual_min if high is None else high * factor
    if MIN_ANNUAL_USD <= annual_min <= annual_max <= MAX_ANNUAL_USD:
        return annual_min, annual_max
    pay = normalize_pay(low, "USD", period, _PAY_DAY, amount_max=high)
    return pay.annual_usd_min, pay.annual_usd_max


@functools.lru_cache(maxsize=1 << 17)
def _title(title: str) -> tuple[str | None, Level | None, float]:
    match = normalize_title(title)
    return match.role, match.level, match.confidence


@functools.lru_cache(maxsize=1024)
def soc_role(soc_code: str, soc_title: str = "") -> str | None:
    """The default role of an SOC code ('15-1252', '15-1252.00', '151252'; 2010 codes are
    mapped to 2018 first, :data:`~paybench.reference.soc.SOC_2010_TO_2018`; a code a
    spreadsheet turned into a date, 'Nov-21', is restored by ``soc_title``,
    :func:`~paybench.reference.soc.restore_spreadsheet_soc`), or None when the code names
    no single role."""
    code = soc_2018(soc_code, soc_title)
    return SOC_DEFAULT_ROLE.get(code) if code is not None else None


def soc_cell(pair: str) -> tuple[str | None, int]:
    """(default role, 0 / 1 / 2: not a spreadsheet date / one restored / one not restored)
    of 'SOC_CODE U+001F SOC_TITLE'."""
    code, title = pair.split("\x1f")
    role = soc_role(code, title)
    if not is_spreadsheet_date(code):
        return role, 0
    return role, 1 if soc_2018(code, title) is not None else 2


def zip_padded(zip_text: str) -> bool:
    """True for a ZIP code a spreadsheet stripped of its leading zero(s) ('8830' for 08830:
    three or four digits, read zero-padded by :func:`zip5`)."""
    zip5 = zip_text.split("-", 1)[0].strip()
    return zip5.isdigit() and 3 <= len(zip5) <= 4


def date_form(text: str) -> int:
    """How a date cell was written: 1 a spreadsheet serial day number ('42914.0'), 2 M/D/YYYY
    text ('9/25/2019'), 0 otherwise (ISO text, or a date an xlsx cell holds as a date)."""
    text = text.strip()
    if _SERIAL_TEXT.fullmatch(text):
        return 1
    return 2 if "/" in text.split(" ", 1)[0] else 0


@functools.lru_cache(maxsize=4096)
def _state(state_text: str) -> str | None:
    """The state code of a worksite's WORKSITE_STATE ('WA', 'Washington'), or None."""
    return state_code(state_text) if state_text else None


def zip5(zip_text: str) -> str | None:
    """The five-digit ZIP a worksite's postal code is read as ('98103', '98103-1234' ->
    '98103'; '8830' -> '08830', a ZIP whose leading zero a spreadsheet dropped), or None
    for text that is no ZIP."""
    head = zip_text.split("-", 1)[0].strip()
    return head.zfill(5) if head.isdigit() and 3 <= len(head) <= 5 else None


@functools.lru_cache(maxsize=1 << 17)
def _zip_metro(zip_state: str) -> tuple[str | None, str | None]:
    """(metro, other state) of 'ZIP text U+001F filed state code' ('' for none): the ZIP's
    CBSA metro when the ZIP lies in the filed state; else no metro (the city's is used), and
    the ZIP's own state when it lies in another one. A ZIP is not used when the filed state
    is unknown (a metro needs a state, and nothing confirms the ZIP)."""
    zip_text, state = zip_state.split("\x1f")
    code = zip5(zip_text)
    if code is None or not state:
        return None, None
    zip_state_code = state_for_zip(code)
    if zip_state_code is None:
        return None, None
    if zip_state_code != state:
        return None, zip_state_code
    return metro_for_zip(code), None


@functools.lru_cache(maxsize=1 << 16)
def zip_vote(zip_text: str, state: str, city: str, county: str) -> tuple[str, str | None, bool, str] | None:
    """The vote on a worksite whose ZIP lies in another state than its filed state code
    `state` (:func:`~paybench.normalize.places.vote_state`: the state field, the ZIP, and the
    city and county each for the state where a place of that name exists): (the state chosen,
    the ZIP's metro when the ZIP's state won, whether it won, the line saying which field lost:
    "state AR overruled by ZIP 75202, city Dallas and county Dallas (3 to 2): TX"). None when
    there is nothing to settle (no ZIP, an unknown one, or one in the filed state)."""
    code = zip5(zip_text)
    if code is None or not state:
        return None
    vote = vote_state(state, code, city, county)
    if vote is None:
        return None
    shown = zip_text if zip_text == code else f"{zip_text} (read {code})"
    metro = metro_for_zip(code) if vote.moved else None
    return vote.state, metro, vote.moved, vote.describe(shown)


@functools.lru_cache(maxsize=1 << 16)
def unfiled_state(zip_text: str, city: str, county: str) -> tuple[str, str | None] | None:
    """(state, metro) of a worksite whose WORKSITE_STATE names no US state ('ZZ', blank),
    from its ZIP, when the city or the county filed lies in the ZIP's state: two fields agree
    and none disagrees (the vote of :func:`zip_vote` with no state field to count); the
    metro is the ZIP's CBSA. None otherwise (the row stays in the US with no state: a ZIP
    alone is one field, and nothing confirms it). A trial: 'ZZ' in San Jose, ZIP 95134,
    county Santa Clara was left without a state while a 'PR' row was re-placed by the vote."""
    code = zip5(zip_text)
    if code is None:
        return None
    where = state_for_zip(code)
    if where is None:
        return None
    city, county = city.strip(), county.strip()
    if not ((city and city_in_state(city, where)) or (county and county_in_state(county, where))):
        return None
    return where, metro_for_zip(code)


ZIP_STATE_EXAMPLES = 10
"""Rows :func:`zip_state_note` names (the counts cover them all)."""


def zip_state_note(moved: int, kept: int, examples: Sequence[tuple[int, str]],
                   label: dict[str, str]) -> str | None:
    """One line on the kept rows whose worksite ZIP lies in another state than the filed
    one, settled by :func:`zip_vote`: how many went each way, and the first
    :data:`ZIP_STATE_EXAMPLES` as 'row 427: state AR overruled by ZIP 75202, city Dallas and
    county Dallas (3 to 2): TX'. `examples` are (row number, the vote's line); `label` the
    file's column names. None when there were none."""
    if not moved + kept:
        return None
    zip_label = label.get("WORKSITE_POSTAL_CODE", "WORKSITE_POSTAL_CODE")
    state_label, city_label = label["WORKSITE_STATE"], label["WORKSITE_CITY"]
    county_label = label.get("WORKSITE_COUNTY")
    voters = [state_label, zip_label, city_label, *([county_label] if county_label else [])]
    voters_text = ", ".join(voters[:-1]) + " and " + voters[-1]
    named = [f"row {number}: {line}" for number, line in examples[:ZIP_STATE_EXAMPLES]]
    more = ", ..." if moved + kept > len(named) else ""
    return (f"{moved + kept:,} worksites with {zip_label} in another state than {state_label}, "
            f"settled by a vote of {voters_text}: {moved:,} placed in the ZIP's state and metro, "
            f"{kept:,} kept in {state_label} with the metro of {city_label} "
            f"({'; '.join(named)}{more})")


@functools.lru_cache(maxsize=1 << 16)
def _city_metro(city_state: str) -> str | None:
    """The CBSA metro of 'city U+001F state code', or None."""
    city, state = city_state.split("\x1f")
    return metro_for_city(city, state)


@functools.lru_cache(maxsize=1 << 16)
def _employer(name: str) -> str | None:
    found = normalize_employer(name)
    return found.display if found else None




# --------------------------------------------------------------------------- batches
_DATE_KIND = frozenset(_DATE_COLUMNS)
_AMOUNT_KIND = frozenset({"WAGE_RATE_OF_PAY_FROM", "WAGE_RATE_OF_PAY_TO"})
_AMOUNT_FAST = r"^\$?[0-9][0-9,]{0,14}(\.[0-9]{1,8})?$"
"""Amount texts read by Arrow's cast ('150000', '72.12', '$150,000.00'): digits with
optional thousands commas, a dollar sign and decimals - exactly what ``float`` reads after
:func:`_amount` drops '$' and ','. Any other text goes through :func:`_amount` itself."""


@dataclass
class _Batch:
    """Rows of a file, column by column: `values[column]` is the text of each read column,
    stripped but for dates (NULL on a row that cannot be read); `raw_of(indices)` the raw text of some rows
    (the quarantine's raw: the row's cells joined by ',', cut to 1,000 characters)."""

    row_number: pa.Array
    error: pa.Array
    values: dict[str, pa.Array]
    raw_of: Callable[[pa.Array], pa.Array]

    @property
    def size(self) -> int:
        return len(self.row_number)


def _csv_batches(path: Path) -> tuple[_Layout, Iterator[_Batch]]:
    reader = DelimitedBatches(path)
    layout = _Layout(reader.header, path.name)

    def batches() -> Iterator[_Batch]:
        for batch in reader:
            values = {column: _read_text(column, batch.column(delimited.field_name(position)))
                      for column, position in zip(layout.slot, layout.indices, strict=True)}

            def raw_of(indices: pa.Array, batch: pa.RecordBatch = batch) -> pa.Array:
                return delimited.raw_texts(batch.take(indices), reader.width)

            yield _Batch(batch.column(delimited.ROW_NUMBER), batch.column(delimited.ERROR), values, raw_of)

    return layout, batches()


def _read_text(column: str, cells: pa.Array) -> pa.Array:
    """A CSV column as its reader takes it: stripped, except dates (a blank date cell is
    an unreadable date, an empty one no date: :func:`_date`)."""
    return cells if column in _DATE_KIND else delimited.strip(cells)


def _cell_text(column: str, value: Any) -> str:
    """An xlsx cell as the text the CSV form of the file holds, for the column's reader:
    dates held as Excel serial numbers become ISO dates, wages held as numbers the text
    ``float`` reads back exactly; other cells as :func:`_text` reads them."""
    if column in _DATE_KIND:
        if value is None:
            return ""
        if isinstance(value, int | float) and not isinstance(value, bool) and 20_000 < value < 80_000:
            return (_EXCEL_EPOCH + dt.timedelta(days=int(value))).isoformat()
        return value if isinstance(value, str) else str(value)
    if column in _AMOUNT_KIND and isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return repr(float(value))
        except OverflowError:  # an integer beyond any float: read as text ('inf')
            return str(value)
    return _text(value)


def _xlsx_batches(path: Path) -> tuple[_Layout, Iterator[_Batch]]:
    stream = xlsx_rows(path)
    first = next(stream, None)
    if first is None:
        raise InputError(f"{path.name}: the first sheet is empty; expected a header row")
    header_row, header = first
    layout = _Layout(["" if v is None else str(v).strip() for v in header], path.name)
    columns = list(layout.slot)

    def batch(numbers: list[int], texts: list[list[str]], raws: list[str]) -> _Batch:
        raw = pa.array(raws, pa.string())
        values = {c: pa.array([t[i] for t in texts], pa.string()) for i, c in enumerate(columns)}
        return _Batch(pa.array(numbers, pa.int64()), pa.nulls(len(numbers), pa.string()), values,
                      lambda indices: pc.take(raw, indices))

    def batches() -> Iterator[_Batch]:
        width = layout.width
        numbers: list[int] = []
        texts: list[list[str]] = []
        raws: list[str] = []
        for sheet_row, values in stream:
            if len(values) < width:
                values = [*values, *([None] * (width - len(values)))]
            picked = layout.pick(values)
            if all(v is None or v == "" for v in picked):
                continue
            numbers.append(sheet_row - header_row)
            texts.append([_cell_text(c, v) for c, v in zip(columns, picked, strict=True)])
            raws.append(_raw(values))
            if len(numbers) >= XLSX_BATCH_ROWS:
                yield batch(numbers, texts, raws)
                numbers, texts, raws = [], [], []
        if numbers:
            yield batch(numbers, texts, raws)

    return layout, batches()


XLSX_BATCH_ROWS = 20_000
"""Rows of an xlsx sheet normalized at once."""


def _raw(values: Sequence[Any]) -> str:
    text = ",".join("" if v is None else str(v) for v in values)
    return text[:1000]


# --------------------------------------------------------------------------- per distinct value
def _each_distinct(array: pa.Array, function: Callable[[str], tuple[Any, ...]],
                   types: Sequence[pa.DataType]) -> list[pa.Array]:
    """`function` run once per distinct non-null value of `array` (the normalizers are
    memoized across batches themselves); its results spread back over the rows, one array
    per entry of `types`; NULL where `array` is NULL."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    encoded = pc.dictionary_encode(array)
    results = [function(v) for v in encoded.dictionary.to_pylist()]
    return [pc.take(pa.array([r[i] for r in results], type=kind), encoded.indices)
            for i, kind in enumerate(types)]


def _amounts(texts: pa.Array, label: str) -> tuple[pa.Array, pa.Array]:
    """(amount, reason) of each stripped wage text: the amount (NULL when empty or not an
    amount), and "<column> '<text>' is not an amount" where :func:`_amount` raises. The
    common forms are cast column-wise (:data:`_AMOUNT_FAST`); the others go through
    :func:`_amount` once per distinct text."""
    fast = pc.match_substring_regex(texts, _AMOUNT_FAST)
    cleaned = pc.replace_substring(pc.replace_substring(texts, "$", ""), ",", "")
    cast = pc.cast(pc.if_else(fast, cleaned, pa.scalar(None, pa.string())), pa.float64())
    other = pc.and_(pc.invert(fast), pc.not_equal(texts, ""))
    if not pc.any(other).as_py():
        return cast, pa.nulls(len(texts), pa.string())

    def read(text: str) -> tuple[float | None, str | None]:
        try:
            return _amount(text), None
        except MoneyError:
            return None, f"{label} {text[:40]!r} is not an amount"

    slow, reason = _each_distinct(pc.if_else(other, texts, pa.scalar(None, pa.string())), read,
                                  [pa.float64(), pa.string()])
    return pc.coalesce(cast, slow), reason


def _message(condition: pa.Array, text: str) -> pa.Array:
    """`text` where `condition` is true, else NULL."""
    return pc.if_else(condition, pa.scalar(text), pa.scalar(None, pa.string()))


def _first(*arrays: pa.Array) -> pa.Array:
    """Per row, the first non-NULL of `arrays` (the first reason that applies)."""
    return pc.coalesce(*arrays)


_DEDUP_SQL = ("SELECT CASE WHEN case_s IS NULL THEN NULL ELSE sha1('lca' || chr(31) || upper(case_s)) "
              "END AS dedup_key FROM _pb_cases")


class _Normalizer:
    """Normalizes an LCA file's batches column by column: each normalizer runs once per
    distinct value of a batch; the rows' results are joined back by position."""

    def __init__(self, layout: _Layout, sha: str) -> None:
        self.layout = layout
        self.label = layout.label
        self.sha = sha
        self.skipped: Counter[str] = Counter()
        self.soc_roles = 0
        self.no_metro = 0
        self.no_state = 0
        self.zip_placed = 0
        """Rows whose WORKSITE_STATE names no US state placed by their ZIP (`unfiled_state`)."""
        """Rows kept whose WORKSITE_STATE names no US state (and no ZIP in another state
        settled it): kept with no state and no metro, counted in the notes."""
        self.no_role = 0
        self.zip_moved = 0
        """Rows whose worksite ZIP lies in another state than the filed one, and whose ZIP's
        state won the vote (:func:`zip_vote`)."""
        self.zip_kept = 0
        """Those whose filed state won or tied."""
        self.zip_examples: list[tuple[int, str]] = []
        """The first of both: (row number, the vote's line)."""
        self.spreadsheet: Counter[str] = Counter()
        """Values a spreadsheet program changed, among the stored rows: ZIP codes without
        their leading zero, SOC codes turned into dates (restored or not), dates written as
        serial numbers or M/D/YYYY text."""
        self.con = duckdb.connect()

    def close(self) -> None:
        """Close the DuckDB connection used for hashing."""
        self.con.close()

    def text(self, batch: _Batch, column: str) -> pa.Array:
        """A read column's stripped text ('' for a column the file lacks)."""
        found = batch.values.get(column)
        return found if found is not None else pa.array([""] * batch.size, pa.string())

    # -------------------------------------------------------------- one batch
    def normalize(self, batch: _Batch) -> tuple[pa.Table | None, pa.Table | None, int]:
        """(observations, quarantine rows, rows skipped) of a batch."""
        readable = pc.is_null(batch.error)
        status = pc.if_else(readable, self.text(batch, "CASE_STATUS"), pa.scalar(None, pa.string()))
        (kept,) = _each_distinct(status, lambda s: (_STATUS_KEY.sub("", s.upper()) in KEPT_STATUSES,),
                                 [pa.bool_()])
        kept = pc.fill_null(kept, False)
        skipped = pc.and_(readable, pc.invert(kept))
        self._count_skipped(pc.filter(status, skipped))
        rows = pc.indices_nonzero(kept)
        quarantine: list[pa.Table] = []
        errors = pc.indices_nonzero(pc.invert(readable))
        if len(errors):
            quarantine.append(self._quarantine(batch, errors, pc.take(batch.error, errors)))
        observations = None
        if len(rows):
            observations, reasons_at, reasons = self._certified(batch, rows)
            if len(reasons_at):
                quarantine.append(self._quarantine(batch, reasons_at, reasons))
        rejected = pa.concat_tables(quarantine) if quarantine else None
        return observations, rejected, int(pc.sum(skipped).as_py() or 0)

    def _count_skipped(self, statuses: pa.Array) -> None:
        """Add the skipped statuses to the note's counts, in the order first met (as a
        Counter filled row by row orders its ties)."""
        if not len(statuses):
            return
        encoded = pc.dictionary_encode(statuses)
        names = encoded.dictionary.to_pylist()
        counts = pc.value_counts(encoded.indices)
        by_index = {int(v): int(n) for v, n in zip(counts.field("values").to_pylist(),
                                                     counts.field("counts").to_pylist(), strict=True)}
        for index in sorted(by_index):  # dictionary order is the order first met
            self.skipped[names[index] or "(empty)"] += by_index[index]

    def _quarantine(self, batch: _Batch, at: pa.Array, reasons: pa.Array) -> pa.Table:
        n = len(at)
        return pa.table({
            "source": pa.array([SOURCE_ID] * n, pa.string()),
            "row_number": pc.take(batch.row_number, at),
            "reason": reasons,
            "raw": batch.raw_of(at),
        })

    def _certified(self, batch: _Batch, rows: pa.Array) -> tuple[pa.Table | None, pa.Array, pa.Array]:
        """The observations of the certified rows, and the (positions, reasons) of those
        that cannot be used; the checks in the order the reason is chosen."""
        label = self.label
        n = len(rows)

        def column(name: str) -> pa.Array:
            return pc.take(self.text(batch, name), rows)

        case, title = column("CASE_NUMBER"), column("JOB_TITLE")
        # a filing without a job title still names its occupation: its SOC_CODE gives the role
        # (as for titles that name none); only a row with neither is refused
        no_title = pc.and_(pc.equal(title, ""), pc.equal(pc.fill_null(column("SOC_CODE"), ""), ""))
        reasons = [_message(pc.equal(case, ""), f"{label['CASE_NUMBER']} is empty"),
                   _message(no_title, f"{label['JOB_TITLE']} and {label.get('SOC_CODE', 'SOC_CODE')} "
                                      "are empty")]

        observed: pa.Array = pa.nulls(n, pa.date32())
        observed_form: pa.Array = pa.nulls(n, pa.int8())
        date_reason: pa.Array = pa.nulls(n, pa.string())
        open_ = pa.array([True] * n)  # no date found and no reason yet
        for name in _DATE_COLUMNS:
            where = label.get(name, name)

            def read_date(text: str, where: str = where) -> tuple[dt.date | None, str | None, int]:
                found = _date(text, where)
                return (None, found, 0) if isinstance(found, str) else (found, None, date_form(text))

            day, reason, form = _each_distinct(column(name), read_date,
                                               [pa.date32(), pa.string(), pa.int8()])
            date_reason = pc.if_else(pc.and_(open_, pc.is_valid(reason)), reason, date_reason)
            observed = pc.if_else(pc.and_(open_, pc.is_valid(day)), day, observed)
            observed_form = pc.if_else(pc.and_(open_, pc.is_valid(day)), form, observed_form)
            open_ = pc.and_(open_, pc.and_(pc.is_null(day), pc.is_null(reason)))
        names = "no {}, {} or {}".format(*(label.get(c, c) for c in _DATE_COLUMNS))
        reasons += [date_reason, _message(open_, names)]

        pay = self._pay(column)
        reasons.append(pay["reason"])
        reason = _first(*reasons)
        bad = pc.is_valid(reason)
        good = pc.indices_nonzero(pc.invert(bad))
        reasons_at = pc.take(rows, pc.indices_nonzero(bad))
        bad_reasons = pc.filter(reason, bad)
        if not len(good):
            return None, reasons_at, bad_reasons
        self._count(pc.take(observed_form, good), {1: "serial_dates", 2: "mdy_dates"})
        found = self._observations(batch, pc.take(rows, good), column, good, observed, pay)
        return found, reasons_at, bad_reasons

    def _count(self, codes: pa.Array, names: dict[int, str]) -> None:
        """Add each code's rows to the spreadsheet counter it names."""
        counts = pc.value_counts(codes)
        for code, n in zip(counts.field("values").to_pylist(), counts.field("counts").to_pylist(),
                           strict=True):
            if code in names:
                self.spreadsheet[names[code]] += int(n)

    def _pay(self, column: Callable[[str], pa.Array]) -> dict[str, pa.Array]:
        """Amounts, period and annual figures of the rows, and the first pay reason."""
        label = self.label
        low_text, high_text = column("WAGE_RATE_OF_PAY_FROM"), column("WAGE_RATE_OF_PAY_TO")
        low, low_reason = _amounts(low_text, label["WAGE_RATE_OF_PAY_FROM"])
        high, high_reason = _amounts(high_text, label.get("WAGE_RATE_OF_PAY_TO", "WAGE_RATE_OF_PAY_TO"))
        unit = column("WAGE_UNIT_OF_PAY")
        unit_label = label["WAGE_UNIT_OF_PAY"]

        def read_unit(text: str) -> tuple[str | None, float | None, str | None]:
            if not text:
                return None, None, f"{unit_label} is empty"
            period = _period(text)
            if period is None or period == "day":
                return None, None, (f"unknown {unit_label} {text[:40]!r} "
                                    "(expected Year, Hour, Week, Bi-Weekly, Month)")
            return period, _per_year(period), None

        period, factor, unit_reason = _each_distinct(unit, read_unit,
                                                     [pa.string(), pa.float64(), pa.string()])
        # the range: TO only when above FROM (NaN compares False, as in Python)
        low_np = pc.fill_null(low, np.nan).to_numpy(zero_copy_only=False)
        high_np = pc.fill_null(high, np.nan).to_numpy(zero_copy_only=False)
        factor_np = pc.fill_null(factor, np.nan).to_numpy(zero_copy_only=False)
        with np.errstate(invalid="ignore", over="ignore"):
            ranged = high_np > low_np
            annual_min = low_np * factor_np
            annual_max = np.where(ranged, high_np * factor_np, annual_min)
            plain = ((annual_min >= MIN_ANNUAL_USD) & (annual_min <= annual_max)
                     & (annual_max <= MAX_ANNUAL_USD))
        usable = pc.and_(pc.and_(pc.is_valid(low), pc.is_null(high_reason)), pc.is_valid(period))
        usable_np = pc.fill_null(usable, False).to_numpy(zero_copy_only=False)
        wage_reason: list[str | None] = [None] * len(low_np)
        periods = period.to_pylist() if bool((usable_np & ~plain).any()) else []
        for i in np.flatnonzero(usable_np & ~plain):  # implausible or not finite: the scalar rule
            top = float(high_np[i]) if ranged[i] else None
            try:
                annual_min[i], annual_max[i] = _annual(float(low_np[i]), top, periods[i])
            except MoneyError as exc:
                wage_reason[i] = f"wage implausible: {exc}"
        empty_low = pc.and_(pc.is_null(low), pc.is_null(low_reason))
        reason = _first(low_reason, _message(empty_low, f"{label['WAGE_RATE_OF_PAY_FROM']} is empty"),
                        high_reason, unit_reason, pa.array(wage_reason, pa.string()))
        return {"low": low, "high": pc.if_else(pa.array(ranged), high, pa.scalar(None, pa.float64())),
                "period": period, "annual_min": pa.array(annual_min), "annual_max": pa.array(annual_max),
                "reason": reason}

    def _observations(self, batch: _Batch, rows: pa.Array, column: Callable[[str], pa.Array],
                      good: pa.Array, observed: pa.Array, pay: dict[str, pa.Array]) -> pa.Table:
        """The observation rows of the usable certified rows (`rows`: their positions in the
        batch; `good`: in the certified rows' arrays)."""

        def kept(name: str) -> pa.Array:
            return pc.take(column(name), good)

        n = len(rows)
        title = kept("JOB_TITLE")
        role_t, level_t, conf_t = _each_distinct(title, _title, [pa.string(), pa.string(), pa.float64()])
        soc = pc.binary_join_element_wise(pc.fill_null(kept("SOC_CODE"), ""),
                                          pc.fill_null(kept("SOC_TITLE"), ""), "\x1f")
        role_s, soc_fix = _each_distinct(soc, soc_cell, [pa.string(), pa.int8()])
        self._count(soc_fix, {1: "soc_restored", 2: "soc_unrestored"})
        from_title = pc.is_valid(role_t)
        role = pc.coalesce(role_t, role_s)
        confidence = pc.if_else(from_title, conf_t, pc.if_else(pc.is_valid(role_s), SOC_ROLE_CONFIDENCE,
                                                               pa.scalar(None, pa.float64())))
        self.soc_roles += int(pc.sum(pc.and_(pc.invert(from_title), pc.is_valid(role_s))).as_py() or 0)
        self.no_role += int(pc.sum(pc.is_null(role)).as_py() or 0)
        (wage_level,) = _each_distinct(kept("PW_WAGE_LEVEL"), lambda s: (level_from_wage_level(s),),
                                       [pa.string()])
        pair = pc.binary_join_element_wise(pc.fill_null(level_t, ""), pc.fill_null(wage_level, ""), "\x1f")
        level, basis = _each_distinct(pair, _levels, [pa.string(), pa.string()])
        # place: the ZIP's metro first, then the city's in its state (each once per distinct value)
        # (the ZIP's only when it lies in the filed state: _zip_metro; a ZIP in another state is
        # settled by the vote of state, ZIP, city and county: zip_vote)
        (state,) = _each_distinct(kept("WORKSITE_STATE"), lambda s: (_state(s),), [pa.string()])
        zips = kept("WORKSITE_POSTAL_CODE")
        (padded,) = _each_distinct(zips, lambda z: (zip_padded(z),), [pa.bool_()])
        self.spreadsheet["zip_padded"] += int(pc.sum(padded).as_py() or 0)
        zip_state = pc.binary_join_element_wise(zips, pc.fill_null(state, ""), "\x1f")
        metro, other_state = _each_distinct(zip_state, _zip_metro, [pa.string(), pa.string()])
        city = kept("WORKSITE_CITY")
        if pc.any(pc.is_valid(other_state)).as_py():
            state, metro = self._zip_votes(pc.take(batch.row_number, rows), zips, state, city,
                                           kept("WORKSITE_COUNTY"), other_state, metro)
        unfiled = pc.and_(pc.is_null(state), pc.not_equal(pc.fill_null(zips, ""), ""))
        if pc.any(unfiled).as_py():
            key = pc.if_else(unfiled, pc.binary_join_element_wise(
                zips, pc.fill_null(city, ""), pc.fill_null(kept("WORKSITE_COUNTY"), ""), "\x1f"),
                pa.scalar(None, pa.string()))

            def by_zip(text: str) -> tuple[str | None, str | None]:
                found = unfiled_state(*text.split("\x1f"))
                return (None, None) if found is None else found

            zip_state_, zip_metro_ = _each_distinct(key, by_zip, [pa.string(), pa.string()])
            self.zip_placed += int(pc.sum(pc.is_valid(zip_state_)).as_py() or 0)
            state, metro = pc.coalesce(state, zip_state_), pc.coalesce(metro, zip_metro_)
        by_city = pc.and_(pc.and_(pc.is_null(metro), pc.not_equal(city, "")), pc.is_valid(state))
        if pc.any(by_city).as_py():
            city_state = pc.if_else(by_city, pc.binary_join_element_wise(city, state, "\x1f"),
                                    pa.scalar(None, pa.string()))
            (city_metro,) = _each_distinct(city_state, lambda p: (_city_metro(p),), [pa.string()])
            metro = pc.coalesce(metro, city_metro)
        self.no_metro += int(pc.sum(pc.is_null(metro)).as_py() or 0)
        self.no_state += int(pc.sum(pc.is_null(state)).as_py() or 0)
        (industry,) = _each_distinct(kept("NAICS_CODE"), lambda s: (_industry(s),), [pa.string()])
        (employment,) = _each_distinct(kept("FULL_TIME_POSITION"),
                                       lambda s: (_EMPLOYMENT.get(s.upper()[:1]),), [pa.string()])
        (employer,) = _each_distinct(kept("EMPLOYER_NAME"), lambda s: (_employer(s),), [pa.string()])
        annual_min = pc.take(pay["annual_min"], good)

        def text(value: str) -> pa.Array:
            return pa.array([value] * n, pa.string())

        return pa.table({
            "source": text(SOURCE_ID), "file_sha256": text(self.sha),
            "row_number": pc.take(batch.row_number, rows), "citation": pa.nulls(n, pa.string()),
            "kind": text("filed"), "observed_on": pc.take(observed, good), "raw_title": title,
            "role": role, "role_confidence": pc.if_else(pc.is_valid(role), confidence,
                                                        pa.scalar(None, pa.float64())),
            "level": level, "level_basis": basis, "country": text("US"), "state": state, "metro": metro,
            "work_mode": pa.nulls(n, pa.string()), "employment_type": employment,
            "company_size": pa.nulls(n, pa.string()), "industry": industry, "employer": employer,
            "component": text("base"), "currency": text("USD"), "period": pc.take(pay["period"], good),
            "amount_raw": pc.take(pay["low"], good), "amount_raw_max": pc.take(pay["high"], good),
            "annual_usd": annual_min, "annual_usd_min": annual_min,
            "annual_usd_max": pc.take(pay["annual_max"], good),
            "top_coded": pa.array([False] * n), "weight": pa.array([1.0] * n),
            "dedup_key": self._dedup_keys(kept("CASE_NUMBER")),
            "years_experience": pa.nulls(n, pa.float64()),
        })

    def _zip_votes(self, numbers: pa.Array, zips: pa.Array, state: pa.Array, city: pa.Array,
                   county: pa.Array, other_state: pa.Array,
                   metro: pa.Array) -> tuple[pa.Array, pa.Array]:
        """(state, metro) of the rows once the rows whose ZIP lies in another state (where
        `other_state` is set) are settled by :func:`zip_vote`, once per distinct (ZIP, state,
        city, county); counts them each way and keeps the first for :func:`zip_state_note`."""
        voted = pc.is_valid(other_state)
        key = pc.if_else(voted, pc.binary_join_element_wise(
            zips, state, pc.fill_null(city, ""), pc.fill_null(county, ""), "\x1f"),
            pa.scalar(None, pa.string()))

        def vote(text: str) -> tuple[str | None, str | None, bool | None, str | None]:
            zip_text, filed, city_text, county_text = text.split("\x1f")
            found = zip_vote(zip_text, filed, city_text, county_text)
            return (None, None, None, None) if found is None else found

        chosen, zip_metro, moved, line = _each_distinct(
            key, vote, [pa.string(), pa.string(), pa.bool_(), pa.string()])
        moves = int(pc.sum(pc.fill_null(moved, False)).as_py() or 0)
        self.zip_moved += moves
        self.zip_kept += int(pc.sum(pc.is_valid(line)).as_py() or 0) - moves
        room = ZIP_STATE_EXAMPLES - len(self.zip_examples)
        if room > 0:
            at = pc.indices_nonzero(pc.is_valid(line))[:room]
            self.zip_examples += zip(pc.take(numbers, at).to_pylist(), pc.take(line, at).to_pylist(),
                                     strict=True)
        return pc.coalesce(chosen, state), pc.coalesce(metro, zip_metro)

    def _dedup_keys(self, cases: pa.Array) -> pa.Array:
        """SHA-1 of 'lca' + U+001F + the upper-cased case number, as the row path's hashlib:
        DuckDB's sha1 for ASCII case numbers (its upper() is Python's there), Python's for the
        others."""
        ascii_ = pc.string_is_ascii(cases)
        self.con.register("_pb_cases", pa.table({"case_s": pc.if_else(ascii_, cases,
                                                                      pa.scalar(None, pa.string()))}))
        try:
            keys = _arrow(self.con.sql(_DEDUP_SQL)).column(0).combine_chunks()
        finally:
            self.con.unregister("_pb_cases")
        if pc.all(ascii_).as_py():
            return keys
        (other,) = _each_distinct(pc.if_else(ascii_, pa.scalar(None, pa.string()), cases),
                                  lambda c: (hashlib.sha1(f"lca\x1f{c.upper()}".encode()).hexdigest(),),
                                  [pa.string()])
        return pc.coalesce(keys, other)


_EMPLOYMENT = {"Y": "full_time", "N": "part_time"}


def _levels(pair: str) -> tuple[Level | None, str | None]:
    """(level, basis) of a 'title level U+001F wage level' pair ('' for none)."""
    title_level, wage_level = pair.split("\x1f")
    return reconcile_level(title_level or None, cast(Level, wage_level) if wage_level else None,
                           "wage_level")


def _arrow(relation: duckdb.DuckDBPyRelation) -> pa.Table:
    """A DuckDB relation's rows as an Arrow table (DuckDB 1.x and 2.x name it differently)."""
    convert = getattr(relation, "to_arrow_table", None) or relation.fetch_arrow_table
    return cast(pa.Table, convert())


def _industry(code: str) -> str | None:
    found = industry_for_naics(code)
    return found.label if found else None


# --------------------------------------------------------------------------- ingest
def ingest(path: Path, writer: IngestWriter, progress: Any = None) -> None:
    """Read an LCA disclosure file (xlsx or csv) into the store: certified cases become
    'filed' base-pay observations; other statuses are counted in rows_skipped; unusable
    rows are quarantined with their reason and raw text. Columnar: the file is read in
    batches (Arrow), each normalizer runs once per distinct value of a batch, and each
    batch lands by one bulk insert per table."""
    layout, batches = _xlsx_batches(path) if is_xlsx(path) else _csv_batches(path)
    writer.read_as(layout_name(path, layout.names))
    writer.unique_dedup = True
    writer.duplicate_note = DUPLICATE_NOTE
    normalizer = _Normalizer(layout, writer.sha256)
    task = progress.add_task(f"LCA {path.name}", total=None) if progress else None
    try:
        for batch in batches:
            writer.rows_read += batch.size
            observations, rejected, skipped = normalizer.normalize(batch)
            writer.rows_skipped += skipped
            if rejected is not None and rejected.num_rows:
                writer.add_frame("quarantine", rejected.to_pandas(types_mapper=pd.ArrowDtype))
                # add_frame counts its rows as kept: these are quarantined
                writer.rows_kept -= rejected.num_rows
                writer.rows_quarantined += rejected.num_rows
            if observations is not None and observations.num_rows:
                writer.add_frame("observations", observations.to_pandas(types_mapper=pd.ArrowDtype))
            if task is not None:
                progress.update(task, completed=writer.rows_read)
    finally:
        normalizer.close()
    if not writer.rows_read:
        raise InputError(f"{path.name}: has a header but no data rows")
    if normalizer.skipped:
        detail = ", ".join(f"{status} {n:,}" for status, n in normalizer.skipped.most_common())
        writer.notes.append(
            f"skipped {sum(normalizer.skipped.values()):,} cases not Certified ({detail})")
    writer.notes.append(
        f"role from SOC_CODE for {normalizer.soc_roles:,} titles; no role for {normalizer.no_role:,}; "
        f"no metro for {normalizer.no_metro:,} worksites")
    if normalizer.no_state:
        writer.notes.append(
            f"{counted(normalizer.no_state, 'worksite')} whose "
            f"{normalizer.label['WORKSITE_STATE']} names no US state: kept in the US with no state "
            "or metro (national cells only)")
    if normalizer.zip_placed:
        writer.notes.append(
            f"{counted(normalizer.zip_placed, 'worksite')} whose "
            f"{normalizer.label['WORKSITE_STATE']} names no US state placed in the state and metro "
            f"of its {normalizer.label.get('WORKSITE_POSTAL_CODE', 'WORKSITE_POSTAL_CODE')}, "
            f"where its {normalizer.label['WORKSITE_CITY']} or county lies")
    elsewhere = zip_state_note(normalizer.zip_moved, normalizer.zip_kept, normalizer.zip_examples,
                               normalizer.label)
    if elsewhere:
        writer.notes.append(elsewhere)
    spreadsheet = spreadsheet_note(normalizer.spreadsheet)
    if spreadsheet:
        writer.notes.append(spreadsheet)


DUPLICATE_NOTE = "{} cases already stored or repeated in the file (same CASE_NUMBER) skipped"
"""The note of the cases the store drops as duplicates (``IngestWriter.duplicate_note``)."""


def spreadsheet_note(counts: Counter[str]) -> str | None:
    """One line on the values a spreadsheet program changed in a file (the stored rows'),
    as read: ZIP codes without their leading zero, SOC codes turned into dates, dates as
    serial numbers or M/D/YYYY text; None when there were none."""
    parts = []
    if counts["zip_padded"]:
        parts.append(f"{counts['zip_padded']:,} ZIP codes without their leading zero read with it")
    soc_dates = counts["soc_restored"] + counts["soc_unrestored"]
    if soc_dates:
        parts.append(f"{soc_dates:,} SOC codes turned into dates ('Nov-21'), "
                     f"{counts['soc_restored']:,} restored by SOC_TITLE")
    if counts["serial_dates"]:
        parts.append(f"{counts['serial_dates']:,} dates as serial day numbers")
    if counts["mdy_dates"]:
        parts.append(f"{counts['mdy_dates']:,} dates as M/D/YYYY text")
    return ("values a spreadsheet changed: " + ", ".join(parts)) if parts else None
