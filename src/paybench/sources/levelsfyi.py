"""Total compensation in the public Levels.fyi export layout ("Data Science and STEM Salaries").

Header, 29 columns: timestamp, company, level, title, totalyearlycompensation, location,
yearsofexperience, yearsatcompany, tag, basesalary, stockgrantvalue, bonus, gender,
otherdetails, cityid, dmaid, rowNumber, Masters_Degree, Bachelors_Degree, Doctorate_Degree,
Highschool, Some_College, Race_Asian, Race_White, Race_Two_Or_More, Race_Black, Race_Hispanic,
Race, Education. Amounts are US dollars a year; timestamps ``M/D/YYYY H:MM:SS``; "NA" (or an
empty field) is missing. A file is told by its header (`sniff`): the pay columns below.

**What is stored.** Each usable row is one person's self-reported pay at one employer, stored
as up to four `Observation`s of kind ``paid`` (the kind of the ai-jobs.net survey's
self-reported salaries; not ``submitted``, which is pay sent to paybench itself and coarsened
for privacy), one per component: ``total`` (totalyearlycompensation), ``base`` (basesalary),
``equity`` (stockgrantvalue: the stock grant's value per year) and ``bonus``. The components of
a row share its ``dedup_key`` (a SHA-1 of the row's fields but rowNumber and the columns never
stored), its provenance (the file's SHA-256, the data row number; ``citation`` names the
export's own rowNumber), its role, level, place, employer and date, so a cell can take a
record's bonus and equity shares of its total. Base rows are base pay like any other source's
(`paybench.bench.observations.usable_observations` takes ``component == 'base'`` only).

**What is never stored**: gender, the race columns (Race, Race_*), Education and the degree
flags (Masters_Degree, Bachelors_Degree, Doctorate_Degree, Highschool, Some_College), and
otherdetails (free text that often repeats them). They are read past and dropped; a quarantined
row's raw text is rebuilt from the stored columns only, and the raw text of a row that cannot
be read at all is not kept (it may hold them). cityid and dmaid (Levels.fyi's own place ids)
and yearsatcompany are not stored either: the place comes from ``location``.

**The component rule** (`read_components`): the total is the record's headline; the
components are checked against it, never assumed to add up to it, because a component of 0
often means "not reported". With tolerance t = max($1,000, 1% of the total)
(`COMPONENT_TOLERANCE_USD`, `COMPONENT_TOLERANCE_SHARE`: the figures are mostly round
thousands, so a rounded split still sums):

1. "NA" everywhere (total and the three components) -> quarantined;
2. total NA or 0 -> quarantined (no headline figure);
3. base above the total by more than t -> quarantined ("total below base");
4. the given components sum to the total within t -> they stand as given, a stock or bonus
   of 0 stored as a real 0 (no stock, no bonus);
5. they fall short of it by more than t -> a component of 0 is "not reported" and not stored
   (the rest stand as given); with no 0 to explain the gap they stand as given and the row is
   counted in the ingest's notes;
6. they add up to more than the total by more than t (the base alone does not: rule 3) ->
   the total and the base stand, stock and bonus are not stored: they disagree with the total
   they are part of (107,000 + 20,000 + 10,000 against a total of 127,000: a total that reads
   as base + stock), and a record's split must add up for its shares to mean anything;
   counted in the notes.

A base of 0 is never stored (a salaried job has a base: 0 is "not reported"). A component
given as NA is not stored. Each stored total and base must be plausible annual pay
(`paybench.normalize.money.normalize_pay`: at least $5,000, at most $5,000,000), each stock and
bonus at most $5,000,000; else the row is quarantined with normalize_pay's reason.

**Role**: the title through `paybench.normalize.titles.normalize_title`. The tag is Levels.fyi's
specialization of a title and refines the role through the same matcher, reading
"<title> (<tag>)": a Software Engineer tagged "ML / AI" is a machine-learning-engineer, tagged
"Web Development (Front-End)" a frontend-developer, tagged "Data" a data-engineer. It refines
only the titles it specializes (`TAG_REFINES`): Software Engineer into any role the combined
reading names, Data Scientist into an ML/AI role only ("Research" -> research-scientist); a
Product Manager or an Engineering Manager tagged "ML / AI" keeps the title's role. Where the
combined reading names no role or two, the title's own role stands. ``raw_title`` is the text
the role was read from ("Software Engineer (ML / AI)" when the tag refined it).

**Level**: `paybench.normalize.company_levels.read_level`: the company's rung from the
company-level table ("L5" at Google), else the level string's own words ("Senior"), a
leadership job title over both, else years of experience (`level_basis` says which:
company_level, level_words, title, years; years_over_words when the level words claim two
rungs or more above the years' level ("Lead" with 1 year), `words_overreach`; corporate_title
when the level string is a rank, not
a job level: a bank's such as "Vice President", or a consultancy's or bank's such as "Senior
Consultant" or "Manager" at an employer listed as one, read from years:
`paybench.normalize.company_levels`). A level
string that neither reads is counted in the notes with the most common (company, level)
pairs, and the row takes its years.

**Place**: ``location`` ("City, ST" in the US, "City, Region, Country" elsewhere) through
`paybench.normalize.places.normalize_place`, as every adapter reads places; a location that
cannot be placed, and a missing one ('NA' or empty), keeps the row with no place (no country,
state or metro; the notes count every such row, the locations not placed named). **Employer**: ``company``
through `paybench.normalize.employers.normalize_employer`, its display form ("GOOGLE LLC",
"Google" and "google" are "Google"). **Date**: the timestamp's day.

**Checks, in order** (a row is quarantined with the first reason that applies): it cannot be
read (the CSV reader's reason), timestamp (``M/D/YYYY H:MM:SS``, a day from 2000 to today),
title empty, then its pay (the component rule). A row whose fields (but rowNumber) repeat a
row stored before, from this file or an earlier one, is the same submission: it is skipped and
counted (rowNumber is the export's own numbering, which another copy of the same data need not
keep: a later export adds only its new rows).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import io
import math
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa

from paybench.errors import InputError, MoneyError
from paybench.normalize.company_levels import LevelReading, read_level
from paybench.normalize.employers import normalize_employer
from paybench.normalize.money import normalize_pay, parse_money
from paybench.normalize.places import Place, normalize_place
from paybench.normalize.roles import ML_ROLE_IDS
from paybench.normalize.titles import TitleMatch, normalize_title
from paybench.records import Component, Provenance, Rejected, SourceInfo
from paybench.sources.tabular import iter_rows
from paybench.store import OBSERVATION_COLUMNS, IngestWriter
from paybench.wording import counted

SOURCE = SourceInfo(
    id="levelsfyi",
    description="Levels.fyi total-compensation export (\"Data Science and STEM Salaries\" layout: "
                "base, stock per year, bonus and total by company and company level)",
    licence="not verified here: Levels.fyi's terms of use govern its data, and each copy of the "
            "export (e.g. Kaggle's) states its own; not bundled: a user ingests a copy they may use",
    attribution="Levels.fyi (levels.fyi), crowd-sourced compensation data")
SOURCE_ID = SOURCE.id
PRIORITY = 15
"""Asked before the survey (20) and job postings (40): a postings layout reads any file with a
title, a company and a location, which this export also has."""

PAY_COLUMNS = ["timestamp", "company", "level", "title", "totalyearlycompensation", "location",
               "yearsofexperience", "tag", "basesalary", "stockgrantvalue", "bonus"]
"""The columns read (a file lacking one is refused naming it)."""
OPTIONAL_COLUMNS = ["yearsatcompany", "rowNumber"]
"""Read when present: yearsatcompany (part of the row's identity) and rowNumber (the export's
own row id, kept in the observation's citation)."""
NOT_STORED = ["gender", "otherdetails", "cityid", "dmaid", "Masters_Degree", "Bachelors_Degree",
              "Doctorate_Degree", "Highschool", "Some_College", "Race_Asian", "Race_White",
              "Race_Two_Or_More", "Race_Black", "Race_Hispanic", "Race", "Education"]
"""The export's other columns: never stored (demographics, free text, Levels.fyi's place ids)."""
KEY_COLUMNS = ["timestamp", "company", "level", "title", "totalyearlycompensation", "location",
               "yearsofexperience", "yearsatcompany", "tag", "basesalary", "stockgrantvalue", "bonus"]
"""The fields a row's identity (dedup_key) and quarantined raw text are made of."""

MISSING = frozenset({"", "na", "n/a", "nan", "null", "none"})
"""Field texts read as missing (case-insensitive, stripped): the export writes "NA"."""
COMPONENT_TOLERANCE_USD = 1_000.0
"""Components sum to the total when within this many dollars of it (or the share below)."""
COMPONENT_TOLERANCE_SHARE = 0.01
"""... or within this share of the total, whichever is larger."""
MAX_YEARS = 60.0
"""Years of experience above this are read as not given."""
FIRST_DAY = dt.date(2000, 1, 1)
TAG_REFINES: dict[str, frozenset[str] | None] = {
    "software-engineer": None,
    "data-scientist": ML_ROLE_IDS,
}
"""The roles a tag refines (the title's role -> the roles its tag may refine it into; None:
any role the title with its tag names). Levels.fyi's tag is the specialization of its
Software Engineer and Data Scientist titles; other titles keep their own role."""
LEVEL_BASES: dict[str | None, str] = {
    "company_level": "company level", "level_words": "level words", "title": "job title",
    "corporate_title": "years of experience (level a rank such as Vice President or Senior Consultant "
                       "at a bank or consultancy: not a job level)",
    "years_over_words": "years of experience (the level words, such as 'Lead' with 1 year, "
                        "claim 2+ rungs more than the years: not read)",
    "years": "years of experience", None: "no level (no readable level and no years)"}
"""Each `read_level` basis as the ingest's notes name it, in the order it is tried; every kept
row has exactly one, so the counts the notes give per basis add up to the rows kept."""
BATCH_ROWS = 20_000
"""Rows normalized and written at once."""


def sniff(header: list[str]) -> bool:
    """True when a header has the export's pay columns (timestamp, company, level, title,
    totalyearlycompensation, basesalary, stockgrantvalue, bonus)."""
    names = {h.strip().lower() for h in header}
    return {"timestamp", "company", "level", "title", "totalyearlycompensation", "basesalary",
            "stockgrantvalue", "bonus"} <= names


# --------------------------------------------------------------------------- one field each
def is_missing(text: str | None) -> bool:
    """True for an absent field, an empty one or "NA" (`MISSING`)."""
    return text is None or text.strip().lower() in MISSING


_STAMP = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?")


_RECORD_FIELDS = ("timestamp", "company", "level", "title", "totalyearlycompensation", "location",
                  "basesalary", "stockgrantvalue", "bonus")
"""The fields of a record (the demographic columns aside): all missing, the row is empty."""


def observed_day(text: str) -> dt.date | str:
    """The day of a ``M/D/YYYY H:MM:SS`` timestamp (``H:MM`` or no time accepted too), or the
    reason it is not one between 2000-01-01 and today."""
    stamp = text.strip()
    found = _STAMP.fullmatch(stamp)
    day = None
    if found is not None:
        month, dom, year, hour, minute, second = (int(g) if g else 0 for g in found.groups())
        if hour <= 23 and minute <= 59 and second <= 59:
            try:
                day = dt.date(year, month, dom)
            except ValueError:
                day = None
    if day is None:
        return f"timestamp {stamp!r} is not M/D/YYYY H:MM:SS"
    if not FIRST_DAY <= day <= dt.date.today():
        return f"timestamp {stamp!r} is not a day between {FIRST_DAY} and today"
    return day


def years_of_experience(text: str | None) -> float | None:
    """Years of experience (a number from 0 to `MAX_YEARS`), or None (missing or unreadable)."""
    if is_missing(text):
        return None
    try:
        years = float(str(text).strip())
    except ValueError:
        return None
    return years if math.isfinite(years) and 0 <= years <= MAX_YEARS else None


def _amount(name: str, text: str | None) -> float | str | None:
    """A pay figure: the number, None when missing, or the reason it is unusable."""
    if is_missing(text):
        return None
    shown = str(text).strip()
    try:
        value = float(shown.replace(",", ""))
    except ValueError:  # "$400,000", "USD 400000" as a spreadsheet may write it: the shared reader
        try:
            value, currency = parse_money(shown)
        except MoneyError:
            return f"{name} {shown!r} is not a number"
        if currency not in (None, "USD"):
            return f"{name} {shown!r} is in {currency}; the export's amounts are US dollars"
    if not math.isfinite(value) or value < 0:
        return f"{name} {shown!r} is not a non-negative number"
    return value


def _usd(value: float) -> str:
    return f"{value:,.0f}"


Reading = Literal["sums", "short_zeros", "short_missing", "short", "exceeds"]
"""How a record's components stood against its total (`Components.reading`)."""


@dataclass(frozen=True)
class Components:
    """A record's pay by component, US dollars a year; None: not reported (not stored).
    `reading`: 'sums' (the components add up to the total), 'short_zeros' (they fall short
    and their zeros were read as not reported), 'short_missing' (they fall short and some are
    NA), 'short' (they fall short with nothing missing to explain it; stored as given) or
    'exceeds' (they add up to more than the total: total and base only)."""

    total: float
    base: float | None
    equity: float | None
    bonus: float | None
    reading: Reading

    def stored(self) -> list[tuple[Component, float]]:
        """(component, annual USD) of each figure stored, total first."""
        found: list[tuple[Component, float | None]] = [
            ("total", self.total), ("base", self.base), ("equity", self.equity), ("bonus", self.bonus)]
        return [(c, v) for c, v in found if v is not None]


def component_tolerance(total: float) -> float:
    """How far (US dollars) a record's components may be from its total and still sum to it:
    max(`COMPONENT_TOLERANCE_USD`, `COMPONENT_TOLERANCE_SHARE` x total)."""
    return max(COMPONENT_TOLERANCE_USD, COMPONENT_TOLERANCE_SHARE * total)


def read_components(total_text: str | None, base_text: str | None, stock_text: str | None,
                    bonus_text: str | None) -> Components | str:
    """The component rule (this module's docstring) on the four pay fields as given:
    the `Components` to store, or the reason the record is quarantined. Pure: no plausibility
    bounds (`check_plausible` applies them)."""
    parsed = [_amount("totalyearlycompensation", total_text), _amount("basesalary", base_text),
              _amount("stockgrantvalue", stock_text), _amount("bonus", bonus_text)]
    for value in parsed:
        if isinstance(value, str):
            return value
    total, base, stock, bonus = (v if isinstance(v, float) else None for v in parsed)
    if all(v is None for v in (total, base, stock, bonus)):
        return ("no pay figure: totalyearlycompensation, basesalary, stockgrantvalue and bonus "
                "are all NA")
    if total is None:
        return "totalyearlycompensation is NA: a record without its total is not read"
    if total == 0:
        return "totalyearlycompensation is 0: a record without its total is not read"
    tolerance = component_tolerance(total)
    if base is not None and base > total + tolerance:
        return (f"total below base: totalyearlycompensation {_usd(total)} is less than "
                f"basesalary {_usd(base)}")
    given = {name: v for name, v in (("basesalary", base), ("stockgrantvalue", stock),
                                     ("bonus", bonus)) if v is not None}
    parts = sum(given.values())
    if parts > total + tolerance:
        return Components(total, base or None, None, None, "exceeds")
    if parts >= total - tolerance:
        return Components(total, base or None, stock, bonus, "sums")
    if any(v == 0 for v in given.values()):
        reading: Reading = "short_zeros"
    else:
        reading = "short_missing" if len(given) < 3 else "short"
    return Components(total, base or None, stock or None, bonus or None, reading)


def check_plausible(components: Components) -> str | None:
    """None when every stored figure is plausible annual pay in US dollars
    (`normalize_pay`: total and base at least $5,000; every component at most $5,000,000),
    else the reason, naming the column. A figure's date does not matter: its currency is the
    dollar."""
    for component, value in components.stored():
        if value:  # a real zero stock or bonus: nothing to check
            reason = _implausible(component, value)
            if reason is not None:
                return reason
    return None


_COLUMNS: dict[str, str] = {"total": "totalyearlycompensation", "base": "basesalary",
                            "equity": "stockgrantvalue", "bonus": "bonus"}


@functools.lru_cache(maxsize=1 << 16)
def _implausible(component: Component, value: float) -> str | None:
    try:
        normalize_pay(value, "USD", "year", FIRST_DAY, component=component)
    except MoneyError as exc:
        return f"{_COLUMNS[component]}: {exc}"
    return None


# --------------------------------------------------------------------------- role, place ...
def role_of(title: str, tag: str | None) -> tuple[TitleMatch, str, bool]:
    """(the title's match, the text it was read from, whether the tag refined it): the title
    through `normalize_title`, refined by its tag as `TAG_REFINES` allows."""
    plain = normalize_title(title)
    if tag and plain.role in TAG_REFINES:
        text = f"{title} ({tag})"
        refined = normalize_title(text)
        allowed = TAG_REFINES[plain.role]
        if refined.role not in (None, plain.role) and (allowed is None or refined.role in allowed):
            return refined, text, True
    return plain, title, False


def place_of(location: str | None) -> Place | None:
    """The normalized place of a location, or None (missing, or not a place)."""
    if is_missing(location):
        return None
    try:
        return normalize_place(str(location), min_confidence=0.0)
    except InputError:
        return None


def employer_of(company: str | None) -> str | None:
    """The employer's display form ("GOOGLE LLC" -> "Google"), or None."""
    if is_missing(company):
        return None
    found = normalize_employer(str(company))
    return found.display if found else None


def dedup_key(row: dict[str, str]) -> str:
    """The SHA-1 (hex) of a row's `KEY_COLUMNS` fields, stripped, joined by U+001F: the same
    submission in two exports (renumbered) has the same key."""
    fields = [(row.get(c.lower()) or "").strip() for c in KEY_COLUMNS]
    return hashlib.sha1("\x1f".join(fields).encode("utf-8")).hexdigest()


def raw_text(row: dict[str, str]) -> str:
    """A row's raw text as quarantined: its `KEY_COLUMNS` fields (never the demographic ones)
    as one CSV line, cut to 1,000 characters."""
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow([row.get(c.lower(), "") for c in KEY_COLUMNS])
    return out.getvalue()[:1000]


# --------------------------------------------------------------------------- the file
_TYPES = {"VARCHAR": pa.string(), "DOUBLE": pa.float64(), "BIGINT": pa.int64(), "DATE": pa.date32(),
          "BOOLEAN": pa.bool_()}
_SCHEMA = pa.schema([(name, _TYPES[kind]) for name, kind in OBSERVATION_COLUMNS.items()
                     if name != "ingest_id"])
"""The observation rows' Arrow schema, from the store's one declaration of the columns."""
class _Cache:
    """Normalizer results per distinct value, across the batches of one file."""

    def __init__(self) -> None:
        self.roles: dict[tuple[str, str | None], tuple[TitleMatch, str, bool]] = {}
        self.places: dict[str | None, Place | None] = {}
        self.employers: dict[str | None, str | None] = {}
        self.levels: dict[tuple[Any, ...], LevelReading] = {}
        self.days: dict[str, dt.date | str] = {}


class _Ingest:
    """One ingest: the keys stored so far, counts behind the notes, the batch being built."""

    def __init__(self, writer: IngestWriter) -> None:
        self.writer = writer
        stored = writer.store.con.execute(
            f"SELECT DISTINCT dedup_key FROM {writer.kept('observations')} WHERE source = ?",
            [SOURCE_ID]).fetchall()
        self.seen: set[str] = {row[0] for row in stored}
        self.cache = _Cache()
        self.counts: Counter[str] = Counter()
        self.unread_levels: Counter[tuple[str, str]] = Counter()
        self.unplaced: Counter[str] = Counter()  # locations no place is read from, by text
        self.observations: list[dict[str, Any]] = []
        self.records = 0

    def reject(self, number: int, reason: str, raw: str) -> None:
        self.writer.add(Rejected(provenance=Provenance(source=SOURCE_ID, file_sha256=self.writer.sha256,
                                                       row_number=number), reason=reason, raw=raw))

    def row(self, number: int, row: dict[str, str], raw: str) -> None:
        """Check, normalize and buffer one data row (or quarantine or skip it)."""
        self.writer.rows_read += 1
        if "__error__" in row:  # the raw line may hold the demographic columns: not kept
            self.reject(number, row["__error__"], "")
            return
        cache = self.cache
        stamp = (row.get("timestamp") or "").strip()
        day = cache.days.get(stamp)
        if day is None:
            day = cache.days[stamp] = observed_day(stamp)
        if isinstance(day, str):
            if all(is_missing(row.get(f)) for f in _RECORD_FIELDS):
                day = "every field is missing ('NA' or empty): no timestamp, title, company, pay or location"
            self.reject(number, day, raw_text(row))
            return
        title = " ".join((row.get("title") or "").split())
        if is_missing(title):
            fields = ("company", "level", "totalyearlycompensation", "basesalary", "location")
            reason = ("title, company, level, pay and location are all missing ('NA' or empty)"
                      if all(is_missing(row.get(f)) for f in fields) else "title is missing ('NA' or empty)")
            self.reject(number, reason, raw_text(row))
            return
        pay = read_components(row.get("totalyearlycompensation"), row.get("basesalary"),
                              row.get("stockgrantvalue"), row.get("bonus"))
        if isinstance(pay, str):
            self.reject(number, pay, raw_text(row))
            return
        problem = check_plausible(pay)
        if problem is not None:
            self.reject(number, problem, raw_text(row))
            return
        key = dedup_key(row)
        if key in self.seen:
            self.counts["duplicate"] += 1
            self.writer.rows_skipped += 1
            return
        self.seen.add(key)
        self._store(number, row, day, title, pay, key)

    def _store(self, number: int, row: dict[str, str], day: dt.date, title: str, pay: Components,
               key: str) -> None:
        cache = self.cache
        tag_text = " ".join((row.get("tag") or "").split())
        tag = None if is_missing(tag_text) else tag_text
        found = cache.roles.get((title, tag))
        if found is None:
            found = cache.roles[(title, tag)] = role_of(title, tag)
        match, read_from, refined = found
        location = (row.get("location") or "").strip()
        if location not in cache.places:
            cache.places[location] = place_of(location)
        place = cache.places[location]
        company = (row.get("company") or "").strip()
        if company not in cache.employers:
            cache.employers[company] = employer_of(company)
        employer = cache.employers[company]
        level_text = (row.get("level") or "").strip()
        level_text = "" if is_missing(level_text) else level_text
        years = years_of_experience(row.get("yearsofexperience"))
        if years is None and not is_missing(row.get("yearsofexperience")):
            self.counts["years_unread"] += 1
        level_args = (company, level_text, match.level, years)
        reading = cache.levels.get(level_args)
        if reading is None:
            reading = cache.levels[level_args] = read_level(company or None, level_text or None,
                                                            match.level, years)
        if level_text and reading.basis in ("years", None):
            self.unread_levels[(employer or company or "(no company)", level_text)] += 1
            self.counts[f"unread:{reading.basis}"] += 1
        self.counts[f"basis:{reading.basis}"] += 1
        self.counts[pay.reading] += 1
        self.counts["refined"] += refined
        self.counts["no_role"] += match.role is None
        if place is None:  # stored with no country, state or metro: every such row is counted
            if is_missing(location):
                self.counts["no_location"] += 1
            else:
                self.unplaced[location] += 1
        export_row = (row.get("rownumber") or "").strip()
        citation = None if is_missing(export_row) else f"Levels.fyi rowNumber {export_row}"
        common = {
            "source": SOURCE_ID, "file_sha256": self.writer.sha256, "row_number": number,
            "citation": citation,
            "kind": "paid", "observed_on": day, "raw_title": read_from, "role": match.role,
            "role_confidence": match.confidence if match.role else None, "level": reading.level,
            "level_basis": reading.basis,
            "country": place.country if place else None, "state": place.state if place else None,
            "metro": place.metro if place else None, "work_mode": place.work_mode if place else None,
            "employment_type": None, "company_size": None, "industry": None, "employer": employer,
            "currency": "USD", "period": "year", "top_coded": False, "weight": 1.0,
            "dedup_key": key, "years_experience": years,
        }
        for component, value in pay.stored():
            self.observations.append({**common, "component": component, "amount_raw": value,
                                      "annual_usd": value})
        self.records += 1
        if self.records >= BATCH_ROWS:
            self.flush()

    def flush(self) -> None:
        """Write the buffered observations; rows_kept counts rows (records), not components."""
        if not self.observations:
            return
        kept = self.writer.rows_kept
        self.writer.add_arrow("observations", pa.Table.from_pylist(self.observations, schema=_SCHEMA))
        self.writer.rows_kept = kept + self.records
        self.observations, self.records = [], 0

    def notes(self) -> list[str]:
        """The ingest's notes: what was not stored, how components and levels were read."""
        c = self.counts

        def rows(name: str) -> str:
            return counted(c[name], "row")

        out = ["not stored: gender, Race, Race_*, Education, the degree flags, otherdetails, "
               "cityid, dmaid and yearsatcompany"]
        if c["duplicate"]:
            out.append(f"{rows('duplicate')}: the same submission as an earlier row (its fields "
                       "but rowNumber equal): skipped")
        if c["short_zeros"]:
            out.append(f"{rows('short_zeros')}: components fall short of the total; their "
                       "zeros were read as not reported and not stored")
        if c["short"]:
            out.append(f"{rows('short')}: components fall short of the total with none "
                       "missing; stored as given")
        if c["exceeds"]:
            out.append(f"{rows('exceeds')}: components add up to more than the total; total "
                       "and base kept, stock and bonus not stored")
        names = {f"basis:{basis}": name for basis, name in LEVEL_BASES.items()}
        order = [*names, *sorted(k for k in c if k.startswith("basis:") and k not in names)]
        kept = sum(c[key] for key in order)
        if kept:  # every kept row has one basis: the counts add up to the rows kept
            bases = ", ".join(f"{names.get(key, key.removeprefix('basis:'))} {c[key]:,}"
                              for key in order if c[key])
            out.append(f"level of the {counted(kept, 'row')} kept read from: {bases}")
        if self.unread_levels:
            top = ", ".join(f"{company} {level!r} x{n:,}"
                            for (company, level), n in self.unread_levels.most_common(5))
            if len(self.unread_levels) > 5:
                top += f" and {len(self.unread_levels) - 5:,} more (company, level) pairs"
            split = [f"{c['unread:years']:,} read from years of experience"]
            if c["unread:None"]:
                split.append(f"{c['unread:None']:,} without years either, so with no level")
            out.append(f"{sum(self.unread_levels.values()):,} rows: level not in the company-level "
                       f"table and without level words: {', '.join(split)} ({top})")
        if c["refined"]:
            out.append(f"{rows('refined')}: role refined by the tag")
        if c["no_role"]:
            out.append(f"{rows('no_role')}: title matched to no role")
        unplaced = sum(self.unplaced.values())
        if unplaced or c["no_location"]:
            parts = [f"{c['no_location']:,} without a location ('NA' or empty)"] if c["no_location"] else []
            if unplaced:
                top = ", ".join(f"{text!r} x{n:,}" for text, n in self.unplaced.most_common(5))
                if len(self.unplaced) > 5:
                    top += f" and {len(self.unplaced) - 5:,} more locations"
                parts.append(f"{unplaced:,} whose location is no place paybench reads ({top})")
            out.append(f"{counted(unplaced + c['no_location'], 'row')}: kept with no place: "
                       + ", ".join(parts))
        if c["years_unread"]:
            out.append(f"{rows('years_unread')}: yearsofexperience not a number from 0 to "
                       f"{MAX_YEARS:g} (read as not given)")
        return out


def ingest(path: Path, writer: IngestWriter, progress: Any = None) -> None:
    """Read a Levels.fyi export into the store (see the module docstring): up to four
    component observations per usable row, the others quarantined with their reason or
    skipped as repeats. InputError for a file that cannot be read or lacks a pay column."""
    writer.read_as("Levels.fyi export (Data Science and STEM Salaries)")
    task = progress.add_task(f"levels.fyi {path.name}", total=None) if progress else None
    state = _Ingest(writer)
    for number, row, _raw in iter_rows(path, PAY_COLUMNS, source="Levels.fyi export"):
        state.row(number, row, _raw)
        if progress and task is not None and number % 5_000 == 0:
            progress.update(task, completed=number)
    state.flush()
    writer.notes.extend(state.notes())
    if progress and task is not None:
        progress.update(task, completed=writer.rows_read, total=writer.rows_read)
