"""REFERENCE ONLY (tests): the LCA adapter's row-by-row path as it was before the columnar
ingest (issue 15), kept verbatim (but for later rule changes made in both paths: issue 16,
a worksite ZIP in another state than the filed one is settled by the vote of state, ZIP, city
and county, paybench.sources.lca.zip_vote; its trial of 2026-12-03: a filing without a job
title is kept when its SOC_CODE names the occupation, and worksites whose state names no US
state are counted in the notes) so that
tests/test_columnar_lca.py can check that the columnar adapter (paybench.sources.lca) stores
the same rows, reasons and counts. Not used by the product. Its module docstring follows.

H-1B Labor Condition Application (LCA) disclosure files from the US Department of
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
* Place: ``WORKSITE_POSTAL_CODE`` -> metro first when the ZIP lies in ``WORKSITE_STATE``
  (issue 16), then ``WORKSITE_CITY`` + ``WORKSITE_STATE``; state from ``WORKSITE_STATE``;
  country US. A ZIP in another state: the vote of state, ZIP, city and ``WORKSITE_COUNTY``
  (``zip_vote``) picks the state, and the ZIP's metro when the ZIP's state wins.
* ``NAICS_CODE`` -> industry label (:mod:`paybench.normalize.industries`);
  ``EMPLOYER_NAME`` -> normalized employer display form
  (:mod:`paybench.normalize.employers`).
* ``observed_on`` = ``RECEIVED_DATE``, else ``DECISION_DATE``, else ``BEGIN_DATE``.
* ``dedup_key`` = hash of ``CASE_NUMBER``; the ingest skips a case already stored (the
  same case in two quarterly files counts once). Every LCA has weight 1 whatever its
  ``TOTAL_WORKER_POSITIONS`` (a blanket filing for 50 positions is one offer, not 50).

Reading streams (:mod:`paybench.sources.tabular`, within its limits): CSV picking only the
needed fields, xlsx one row at a time, so memory does not grow with the file;
title, place, employer, date and pay normalizations are memoized because values repeat.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from operator import itemgetter
from pathlib import Path
from typing import Any

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
from paybench.normalize.places import metro_for_city, metro_for_zip, state_code, state_for_zip
from paybench.normalize.titles import normalize_title
from paybench.records import Observation, Period, Provenance, Rejected, SourceInfo
from paybench.sources.lca import (
    DUPLICATE_NOTE,
    date_form,
    layout_name,
    missing_columns,
    soc_cell,
    spreadsheet_note,
    unfiled_state,
    zip_padded,
    zip_state_note,
    zip_vote,
)
from paybench.sources.tabular import csv_records, is_xlsx, read_xlsx_header, xlsx_rows
from paybench.store import IngestWriter

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

_SOC = re.compile(r"(\d{2})-?(\d{4})")
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


RowSource = Iterator[tuple[int, tuple[Any, ...] | str, Sequence[Any]]]
"""(data row number from 1, picked values in _Layout order or an error reason, the row)."""


def _iter_csv(path: Path) -> tuple[_Layout, RowSource]:
    header, records = csv_records(path)
    try:
        layout = _Layout(header, path.name)
    except InputError:
        records.close()
        raise

    def rows() -> RowSource:
        for number, (_line, fields, _raw_text) in enumerate(records, start=1):
            if isinstance(fields, str):
                yield number, fields, [_raw_text]
            elif len(fields) != layout.width:
                yield number, f"expected {layout.width} fields, found {len(fields)}", fields
            else:
                yield number, layout.pick(fields), fields

    return layout, rows()


def _iter_xlsx(path: Path) -> tuple[_Layout, RowSource]:
    stream = xlsx_rows(path)
    first = next(stream, None)
    if first is None:
        raise InputError(f"{path.name}: the first sheet is empty; expected a header row")
    header_row, header = first
    layout = _Layout(["" if v is None else str(v).strip() for v in header], path.name)

    def rows() -> RowSource:
        width = layout.width
        for sheet_row, values in stream:
            if len(values) < width:
                values = [*values, *([None] * (width - len(values)))]
            picked = layout.pick(values)
            if all(v is None or v == "" for v in picked):
                continue
            yield sheet_row - header_row, picked, values

    return layout, rows()


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


@functools.lru_cache(maxsize=1 << 17)
def _place(zip_text: str, city: str, county: str,
           state_text: str) -> tuple[str | None, str | None, tuple[bool, str] | None]:
    """(state code, CBSA metro, (whether the ZIP's state won, the vote's line) when the ZIP
    lies in another state than the filed one) of a worksite: the ZIP first when it lies in
    the filed state; a ZIP elsewhere settled by zip_vote; then city and state."""
    state = state_code(state_text) if state_text else None
    metro = None
    vote = None
    zip5 = zip_text.split("-", 1)[0].strip()
    if zip5.isdigit() and 3 <= len(zip5) <= 5 and state is not None:
        zip_state = state_for_zip(zip5.zfill(5))
        if zip_state == state:
            metro = metro_for_zip(zip5.zfill(5))
        elif zip_state is not None:
            found = zip_vote(zip_text, state, city, county)
            assert found is not None
            state, metro, moved, line = found
            vote = (moved, line)
    if state is None and zip_text.strip():
        found = unfiled_state(zip_text, city, county)
        if found is not None:
            state, metro = found
    if metro is None and city and state:
        metro = metro_for_city(city, state)
    return state, metro, vote


@functools.lru_cache(maxsize=1 << 16)
def _employer(name: str) -> str | None:
    found = normalize_employer(name)
    return found.display if found else None




# --------------------------------------------------------------------------- rows
class _Parser:
    """Turns picked row values into an Observation, a rejection reason, or a skip."""

    def __init__(self, layout: _Layout, sha: str) -> None:
        self.slot = layout.slot
        self.label = layout.label
        self.sha = sha
        self.skipped: Counter[str] = Counter()
        self.soc_roles = 0
        self.no_metro = 0
        self.no_state = 0
        self.zip_placed = 0
        self.no_role = 0
        self.zip_moved = 0
        self.zip_kept = 0
        self.zip_examples: list[tuple[int, str]] = []
        self.spreadsheet: Counter[str] = Counter()

    def get(self, row: tuple[Any, ...], column: str) -> Any:
        index = self.slot.get(column)
        return None if index is None else row[index]

    def parse(self, number: int, row: tuple[Any, ...]) -> Observation | str | None:
        """The observation, a quarantine reason (str), or None for a skipped status."""
        slot = self.slot
        status = _text(row[slot["CASE_STATUS"]])
        if _STATUS_KEY.sub("", status.upper()) not in KEPT_STATUSES:
            self.skipped[status or "(empty)"] += 1
            return None
        label = self.label
        case = _text(row[slot["CASE_NUMBER"]])
        if not case:
            return f"{label['CASE_NUMBER']} is empty"
        title = _text(row[slot["JOB_TITLE"]])
        if not title and not _text(row[slot["SOC_CODE"]]):  # issue 16's trial: SOC gives the role
            return f"{label['JOB_TITLE']} and {label.get('SOC_CODE', 'SOC_CODE')} are empty"
        observed: dt.date | None = None
        form = 0
        for column in _DATE_COLUMNS:
            value = self.get(row, column)
            found = _date(value, label.get(column, column))
            if isinstance(found, str):
                return found
            if found is not None:
                observed = found
                form = date_form(value) if isinstance(value, str) else 0
                break
        if observed is None:
            return "no {}, {} or {}".format(*(label.get(c, c) for c in _DATE_COLUMNS))
        pay = self._pay(row)
        if isinstance(pay, str):
            return pay
        low, high, period, annual_min, annual_max = pay
        if form:
            self.spreadsheet["serial_dates" if form == 1 else "mdy_dates"] += 1

        role, title_level, confidence = _title(title)
        soc, fix = soc_cell(f"{_text(row[slot['SOC_CODE']])}\x1f{_text(self.get(row, 'SOC_TITLE'))}")
        if fix:
            self.spreadsheet["soc_restored" if fix == 1 else "soc_unrestored"] += 1
        if role is None:
            role = soc
            if role is not None:
                confidence = SOC_ROLE_CONFIDENCE
                self.soc_roles += 1
            else:
                self.no_role += 1
        wage_level = level_from_wage_level(_text(self.get(row, "PW_WAGE_LEVEL")))
        level, basis = reconcile_level(title_level, wage_level, "wage_level")

        zip_text = _text(self.get(row, "WORKSITE_POSTAL_CODE"))
        state, metro, vote = _place(zip_text, _text(row[slot["WORKSITE_CITY"]]),
                                    _text(self.get(row, "WORKSITE_COUNTY")),
                                    _text(row[slot["WORKSITE_STATE"]]))
        if metro is None:
            self.no_metro += 1
        if state is None:
            self.no_state += 1
        else:
            filed = _text(row[slot["WORKSITE_STATE"]])
            if not (filed and state_code(filed)):
                self.zip_placed += 1  # no US state filed: placed by its ZIP (unfiled_state)
        if vote is not None:
            if vote[0]:
                self.zip_moved += 1
            else:
                self.zip_kept += 1
            self.zip_examples.append((number, vote[1]))
        if zip_padded(_text(self.get(row, "WORKSITE_POSTAL_CODE"))):
            self.spreadsheet["zip_padded"] += 1
        industry = industry_for_naics(_text(self.get(row, "NAICS_CODE")))
        full_time = _text(row[slot["FULL_TIME_POSITION"]]).upper()[:1]
        return Observation(
            provenance=Provenance(source=SOURCE_ID, file_sha256=self.sha, row_number=number),
            kind="filed",
            observed_on=observed,
            raw_title=title,
            role=role,
            role_confidence=confidence if role else None,
            level=level,
            level_basis=basis,
            country="US",
            state=state,
            metro=metro,
            employment_type={"Y": "full_time", "N": "part_time"}.get(full_time),
            industry=industry.label if industry else None,
            employer=_employer(_text(row[slot["EMPLOYER_NAME"]])),
            component="base",
            currency="USD",
            period=period,
            amount_raw=low,
            amount_raw_max=high,
            annual_usd=annual_min,
            annual_usd_min=annual_min,
            annual_usd_max=annual_max,
            dedup_key=hashlib.sha1(f"lca\x1f{case.upper()}".encode()).hexdigest(),
        )

    def _pay(self, row: tuple[Any, ...]) -> tuple[float, float | None, Period, float, float] | str:
        label = self.label
        raw_from = row[self.slot["WAGE_RATE_OF_PAY_FROM"]]
        try:
            low = _amount(raw_from)
        except MoneyError:
            return f"{label['WAGE_RATE_OF_PAY_FROM']} {_text(raw_from)[:40]!r} is not an amount"
        if low is None:
            return f"{label['WAGE_RATE_OF_PAY_FROM']} is empty"
        raw_to = self.get(row, "WAGE_RATE_OF_PAY_TO")
        try:
            high = _amount(raw_to)
        except MoneyError:
            return f"{label['WAGE_RATE_OF_PAY_TO']} {_text(raw_to)[:40]!r} is not an amount"
        if high is not None and not high > low:
            high = None  # empty, 0 or not above FROM: no range
        unit = _text(row[self.slot["WAGE_UNIT_OF_PAY"]])
        if not unit:
            return f"{label['WAGE_UNIT_OF_PAY']} is empty"
        period = _period(unit)
        if period is None or period == "day":
            return (f"unknown {label['WAGE_UNIT_OF_PAY']} {unit[:40]!r} "
                    "(expected Year, Hour, Week, Bi-Weekly, Month)")
        try:
            annual_min, annual_max = _annual(low, high, period)
        except MoneyError as exc:
            return f"wage implausible: {exc}"
        return low, high, period, annual_min, annual_max


# --------------------------------------------------------------------------- ingest
def _raw(values: Sequence[Any]) -> str:
    text = ",".join("" if v is None else str(v) for v in values)
    return text[:1000]


def ingest(path: Path, writer: IngestWriter, progress: Any = None) -> None:
    """Read an LCA disclosure file (xlsx or csv) into the store: certified cases become
    'filed' base-pay observations; other statuses are counted in rows_skipped; unusable
    rows are quarantined with their reason."""
    layout, rows = _iter_xlsx(path) if is_xlsx(path) else _iter_csv(path)
    writer.read_as(layout_name(path, layout.names))
    writer.unique_dedup = True
    writer.duplicate_note = DUPLICATE_NOTE
    parser = _Parser(layout, writer.sha256)
    task = progress.add_task(f"LCA {path.name}", total=None) if progress else None
    any_rows = False
    for number, picked, values in rows:
        any_rows = True
        writer.rows_read += 1
        result = picked if isinstance(picked, str) else parser.parse(number, picked)
        if result is None:
            writer.rows_skipped += 1
        elif isinstance(result, str):
            writer.add(Rejected(
                provenance=Provenance(source=SOURCE_ID, file_sha256=writer.sha256, row_number=number),
                reason=result, raw=_raw(values)))
        else:
            writer.add(result)
        if task is not None and number % 10_000 == 0:
            progress.update(task, completed=number)
    if not any_rows:
        raise InputError(f"{path.name}: has a header but no data rows")
    if parser.skipped:
        detail = ", ".join(f"{status} {n:,}" for status, n in parser.skipped.most_common())
        writer.notes.append(
            f"skipped {sum(parser.skipped.values()):,} cases not Certified ({detail})")
    writer.notes.append(
        f"role from SOC_CODE for {parser.soc_roles:,} titles; no role for {parser.no_role:,}; "
        f"no metro for {parser.no_metro:,} worksites")
    if parser.no_state:
        writer.notes.append(
            f"{parser.no_state:,} worksite{'s' if parser.no_state != 1 else ''} whose "
            f"{parser.label['WORKSITE_STATE']} names no US state: kept in the US with no state "
            "or metro (national cells only)")
    if parser.zip_placed:
        writer.notes.append(
            f"{parser.zip_placed:,} worksite{'s' if parser.zip_placed != 1 else ''} whose "
            f"{parser.label['WORKSITE_STATE']} names no US state placed in the state and metro "
            f"of its {parser.label.get('WORKSITE_POSTAL_CODE', 'WORKSITE_POSTAL_CODE')}, "
            f"where its {parser.label['WORKSITE_CITY']} or county lies")
    elsewhere = zip_state_note(parser.zip_moved, parser.zip_kept, parser.zip_examples, parser.label)
    if elsewhere:
        writer.notes.append(elsewhere)
    spreadsheet = spreadsheet_note(parser.spreadsheet)
    if spreadsheet:
        writer.notes.append(spreadsheet)
    if task is not None:
        progress.update(task, completed=writer.rows_read)

