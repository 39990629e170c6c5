"""Check a job posting someone already wrote against the US pay-transparency laws of its
worksite (or of the states a remote job may be filled from), and its range against the
market: `paybench posting-check`.

A posting is read the way paybench reads postings everywhere else:
- a file of postings in any layout the postings adapter reads (JobSpy CSV, Adzuna exports,
  JSON Lines, a JSON array: `paybench.sources.postings`), row by row through the adapter's
  own reader, with its field names and its reasons for unusable rows; the pay from the
  board's salary fields when the adapter would use them (min/max with an interval, not a
  board's estimate), else from the description, read by `paybench.normalize.pay_text` (the
  rules of `paybench pay`, unchanged);
- a text (the description) or one JSON record with the adapter's field names.
The other elements (benefits, other compensation, an application deadline, a job
description, healthcare benefits, a commission statement, a hyperlink) are read by
`paybench.normalize.posting_elements`; the laws and what each requires since when come from
`paybench.decide.posting`.

Per law that reaches the posting, each element it requires is *present*, *missing* (a
required element is absent, vague, or the range is open-ended), *not stated* (an element
required only when the job has one: other compensation, a job description; or one that may be
given later, such as D.C.'s healthcare disclosure before the first interview), or *not yet
required* (the posting predates the element's date). A law's verdict is *meets*, *fails*
(a required element missing), *check* (only elements of the 'not stated' kind), *on request*
(no posting duty), *not required* (below the employer-size threshold) or *not yet in effect*
(with what it will require). The posting's verdict is the worst over the laws that apply,
"at risk" when only laws that may apply fail.

The market comparison (the good-faith evidence): the posting's title gives the role and the
level (`paybench.resolve.role_level`; no seniority word: the role's own level), its place the
market cell (`Market.cell`: the same cell `paybench bench` shows), and the posted range in
annual US dollars is flagged when it is wider than the cell's P10-P90 spread or does not
overlap its P25-P75; without a cell (no title, a role or place paybench cannot read) it says
so and compares nothing. A range whose top is more than twice its bottom
(:data:`MAX_TOP_TO_BOTTOM`) is flagged whatever the market (:func:`range_flags`). The cell,
its n, method and sources are stated as the evidence used. Not legal advice.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from paybench.bench import BenchmarkCell
from paybench.decide.market import Market, cell_summary
from paybench.decide.posting import (
    LawCheck,
    PayLaw,
    RemoteScope,
    RequiredElement,
    check_laws,
    element_names,
    parse_remote,
)
from paybench.errors import InputError
from paybench.normalize.pay_text import ExtractedPay, extract_pay
from paybench.normalize.places import Place, country_name, normalize_place
from paybench.normalize.posting_elements import PostingElements, read_elements
from paybench.resolve import role_level

MAX_TOP_TO_BOTTOM = 2.0
"""A posted range whose top is more than this multiple of its bottom is flagged: the issue's
rule of thumb for a range too wide to be a good-faith estimate (Delaware's act says the
breadth of a range bears on good faith; Washington's L&I guidance asks for the most
reasonable and genuinely expected range)."""

MAX_POSTINGS = 20_000
"""Most postings one check reads from a file (a bigger file: split it, or ingest it)."""

MAX_TEXT_CHARS = 200_000
"""Longest posting text read (about 40 pages)."""

DISCLAIMER = "A summary of the statutes as checked on the dates shown; not legal advice."

Verdict = Literal["meets", "fails", "check", "on request", "not required", "not yet in effect"]
PostingVerdict = Literal["meets", "fails", "at risk", "check", "on request only", "not required",
                         "no US law", "no law", "not placed"]
_VERDICT_ORDER = ("fails", "at risk", "check", "meets", "on request only", "not required", "no law",
                  "no US law", "not placed")


class PostingRecord(BaseModel):
    """One posting, with the postings adapter's field names (`paybench.sources.postings.FIELDS`);
    every field optional but a text: the description, the pay text, or both (ValueError,
    through pydantic, when both are empty)."""

    description: str = Field(default="", max_length=MAX_TEXT_CHARS, description="the posting's text")
    pay_text: str | None = Field(default=None, max_length=MAX_TEXT_CHARS,
                                 description="pay written as text ('$132,596 - $141,294 a year'; a "
                                             "file's salary/pay/compensation column), read before "
                                             "the description")
    title: str | None = Field(default=None, max_length=500)
    company: str | None = Field(default=None, max_length=500)
    location: str | None = Field(default=None, max_length=500, description="the worksite as written")
    date_posted: str | None = Field(default=None, max_length=40, description="YYYY-MM-DD")
    min_amount: str | float | None = Field(default=None, description="the board's salary minimum")
    max_amount: str | float | None = Field(default=None, description="the board's salary maximum")
    interval: str | None = Field(default=None, max_length=40, description="yearly, monthly, hourly ...")
    currency: str | None = Field(default=None, max_length=10)
    salary_source: str | None = Field(default=None, max_length=40,
                                      description="JobSpy: direct_data or description")
    salary_is_predicted: str | bool | None = None
    is_remote: str | bool | None = None
    job_url: str | None = Field(default=None, max_length=2000)
    company_num_employees: str | None = Field(default=None, max_length=100,
                                              description="head count or band, '51 to 200'")
    created: str | None = Field(default=None, max_length=40)

    @model_validator(mode="after")
    def _has_text(self) -> PostingRecord:
        if not self.description.strip() and not (self.pay_text or "").strip():
            raise ValueError("give the posting's text (description) or its pay (pay_text)")
        return self

    @property
    def text(self) -> str:
        """Everything the posting says: its pay text, then its description."""
        return "\n".join(t for t in (self.pay_text, self.description) if t and t.strip())


class PostingPay(BaseModel):
    """The pay a posting states, as read."""

    source: Literal["text", "board"] = Field(description="read from the text, or the job board's "
                                                          "salary fields")
    min: float | None
    max: float | None
    currency: str
    period: str
    bound: Literal["range", "single", "up_to", "from"]
    annual_usd_min: float | None
    annual_usd_max: float | None
    matched: str = Field(description="the words read (text), or the board's fields")


class ElementResult(BaseModel):
    """One element a law requires, in one posting."""

    element: str
    label: str
    required: str
    since: dt.date
    status: Literal["present", "missing", "not stated", "not yet required"]
    detail: str


class LawResult(BaseModel):
    """One law against one posting."""

    law_id: str
    jurisdiction: str
    short: str = Field(description="the state's code, or the city or county's name")
    citation: str
    kind: str
    status: str = Field(description="as `paybench laws` says: applies, may apply, size unchecked, "
                                    "not required, not yet in effect")
    reason: str
    verdict: Verdict
    elements: list[ElementResult]
    missing: list[str]
    on_request: str | None
    checked_on: dt.date


class MarketCheck(BaseModel):
    """The posted range against its market cell (the benchmark's own cell, whole): the
    good-faith evidence."""

    cell: BenchmarkCell
    basis: str = Field(description="how the role and level were read from the title")
    evidence: str = Field(description="the cell, n, method and sources in one line")
    posted_low: float | None = Field(description="annual USD")
    posted_high: float | None = Field(description="annual USD")
    flags: list[str] = Field(description="the range against the cell: wider than its P10-P90, not "
                                         "overlapping its P25-P75 (the range's own flags: "
                                         "`PostingCheck.range_flags`)")


class PostingCheck(BaseModel):
    """One posting checked."""

    row: int | None = Field(description="row number in the file (None for a text)")
    title: str | None
    company: str | None
    location: str | None
    place: str | None = Field(description="the worksite used for the laws")
    country: str | None
    state: str | None
    remote: str = Field(description="on site, remote (US) or remote (the states)")
    posted_on: dt.date
    employer_size: str | None
    pay: PostingPay | None
    pay_note: str | None
    elements: PostingElements
    laws: list[LawResult]
    verdict: PostingVerdict
    missing: list[str] = Field(description="'jurisdiction: element' for each required element missing")
    range_flags: list[str] = Field(default_factory=list, description=(
        "flags that depend on the posted range alone, raised with or without a market cell: its "
        "top more than twice its bottom"))
    market: MarketCheck | None
    market_note: str | None
    notes: list[str]


class RejectedPosting(BaseModel):
    """A row of a postings file that could not be read as a posting."""

    row: int
    reason: str


class PostingCheckReport(BaseModel):
    """Every posting checked, one row each."""

    source: str
    postings: int
    summary: dict[str, int] = Field(description="postings per verdict")
    rows: list[PostingCheck]
    rejected: list[RejectedPosting]
    disclaimer: str = DISCLAIMER


# --------------------------------------------------------------------------- reading
REQUIRED_FIELDS = (("description", "pay_text"),)
"""What a postings file must have for a check: a text (the description or a pay text); the
title (for the market cell), company, location (or `--place`) and the rest are optional."""


def read_posting_file(path: Path) -> Iterator[tuple[int, PostingRecord | str]]:
    """(row number, posting or the reason it is unusable) for each row of a postings file, read
    by the postings adapter's reader (every layout it reads, a file holding one JSON object
    included; the reasons are its own), needing only :data:`REQUIRED_FIELDS`. InputError when
    the file is not a postings file (naming what it lacks; no option is suggested: the check
    has no `--map`)."""
    from paybench.sources import postings  # the adapter's reader; see the module docstring

    for number, row, _raw in postings.open_rows(path, required=REQUIRED_FIELDS, map_option=None)[1]:
        if isinstance(row, str):
            yield number, row
            continue
        yield number, _record(row)


def _record(row: dict[str, str]) -> PostingRecord | str:
    """A posting from a row of the adapter's fields, or why it is not one."""
    texts = {k: row.get(k, "") or "" for k in ("description", "pay_text")}
    if not any(t.strip() for t in texts.values()):
        return "no text: the description and the pay are empty"
    for name, text in texts.items():
        if len(text) > MAX_TEXT_CHARS:
            return f"{name} longer than {MAX_TEXT_CHARS:,} characters"
    fields = {k: (v if v != "" else None) for k, v in row.items() if k in PostingRecord.model_fields}
    return PostingRecord(**{**fields, "description": texts["description"]})


# --------------------------------------------------------------------------- pay
def _pay(record: PostingRecord, site: tuple[str, str] | None, on: dt.date
         ) -> tuple[PostingPay | None, str | None]:
    """The posting's pay as the postings adapter reads it (its plan: the board's fields or the
    text), or None with the reason."""
    from paybench.sources import postings

    values = postings.PayFields(*("" if v is None else str(v) for v in (
        record.min_amount, record.max_amount, record.interval, record.currency, record.salary_source,
        record.salary_is_predicted, record.pay_text, record.description)))
    plan = postings.pay_plan(values, site, on)
    notes = {"estimated": "the board's own salary estimate is not posted pay; left out"}
    extra = "; ".join(notes[c] for c in plan.counts if c in notes) or None
    if plan.problem is not None:
        return None, f"the board's pay fields are unusable ({plan.problem})"
    if plan.pay is not None:
        p = plan.pay
        low, high = p["amount_raw"], p["amount_raw_max"]
        bound: Literal["range", "single", "up_to", "from"] = (
            "range" if high is not None and low is not None and high > low else "single")
        top = high if high is not None else low
        return PostingPay(
            source="board", min=low, max=top, currency=p["currency"], period=p["period"], bound=bound,
            annual_usd_min=p["annual_usd_min"], annual_usd_max=p["annual_usd_max"],
            matched=f"{record.min_amount or ''}-{record.max_amount or ''} {record.currency or ''} "
                    f"{record.interval or ''}".strip()), extra
    if not plan.texts:
        return None, extra or "no pay in the posting"
    return _text_pay(plan.texts, plan.on, plan.currency, extra)


def _text_pay(texts: Sequence[tuple[str, str, bool]], on: dt.date, currency: str, extra: str | None = None
              ) -> tuple[PostingPay | None, str | None]:
    """The pay of the first of the plan's texts (the pay text, then the description) that
    states posted pay, as the adapter reads them (`postings.pay_plan`; a text marked as the
    board's estimate is not posted pay)."""
    reasons = []
    for text, what, marked in texts:
        found = extract_pay(text, on=on, default_currency=currency)
        if isinstance(found, ExtractedPay) and not marked:
            break
        reason = "an estimate, not posted pay" if isinstance(found, ExtractedPay) else found.reason
        reasons.append(f"{what}: {reason}" if len(texts) > 1 else reason)
    else:
        reason = f"no pay read from the text ({'; '.join(reasons)})"
        return None, f"{extra}; {reason}" if extra else reason
    return PostingPay(source="text", min=found.min, max=found.max, currency=found.currency,
                      period=found.period, bound=found.bound, annual_usd_min=found.annual_usd_min,
                      annual_usd_max=found.annual_usd_max, matched=found.matched), extra


def _money(value: float | None, currency: str) -> str:
    if value is None:
        return "?"
    sign = {"USD": "$", "GBP": "£", "EUR": "€"}.get(currency)
    amount = f"{value:,.2f}" if value < 1000 and value != int(value) else f"{value:,.0f}"
    return f"{sign}{amount}" if sign else f"{amount} {currency}"


def pay_text(pay: PostingPay) -> str:
    """'$150,000-$180,000 a year' (or 'up to $60 an hour')."""
    per = {"hour": "an hour", "day": "a day", "week": "a week", "month": "a month", "year": "a year"}
    lo, hi = _money(pay.min, pay.currency), _money(pay.max, pay.currency)
    body = {"range": f"{lo}-{hi}", "single": hi, "up_to": f"up to {hi}", "from": f"from {lo}"}[pay.bound]
    return f"{body} {per.get(pay.period, 'a ' + pay.period)}"


# --------------------------------------------------------------------------- elements x laws
def _element(item: RequiredElement, law: PayLaw, pay: PostingPay | None, found: PostingElements,
             on: dt.date) -> ElementResult:
    label = element_names().get(item.element, item.element)
    base: dict[str, Any] = {"element": item.element, "label": label, "required": item.required,
                            "since": item.since}
    if on < item.since:
        status, detail = "not yet required", f"required from {item.since}"
        return ElementResult(**base, status=status, detail=detail)
    if item.element == "pay_range":
        if pay is not None and pay.bound in ("range", "single"):
            where = "the job board's salary field" if pay.source == "board" else "the text"
            return ElementResult(**base, status="present", detail=f"{pay_text(pay)} ({where})")
        if pay is not None:
            return ElementResult(**base, status="missing",
                                 detail=f"open-ended: {pay_text(pay)}; give a minimum and a maximum")
        if law.commission_statement_ok and found.commission_based.found:
            return ElementResult(**base, status="present",
                                 detail=f"commission-based pay stated: {found.commission_based.evidence!r}")
        return ElementResult(**base, status="missing", detail="no pay range found")
    mention = found.get(item.element)
    if item.element == "benefits":
        if mention.found and mention.specific:
            return ElementResult(**base, status="present", detail=f"{mention.value}: {mention.evidence!r}")
        if item.hyperlink_ok and found.hyperlink.found:
            return ElementResult(**base, status="present",
                                 detail=f"a hyperlink ({found.hyperlink.evidence}); check that the page "
                                        "shows the pay scale and benefits")
        detail = (f"only {mention.evidence!r}: name the benefits (health cover, retirement, paid leave ...)"
                  if mention.found else "no benefits described")
        return ElementResult(**base, status="missing", detail=detail)
    if mention.found:
        detail = mention.evidence or mention.note or "found"
        if item.element == "application_deadline" and mention.value:
            detail = f"closes {mention.value}: {mention.evidence!r}"
            if mention.value < on.isoformat():
                detail += " (a date before the posting date)"
        elif mention.evidence:
            detail = repr(mention.evidence)
        return ElementResult(**base, status="present", detail=detail)
    if item.required == "always":
        return ElementResult(**base, status="missing", detail=mention.note or "not found in the posting")
    why = {"if applicable": "required only if the job has one",
           "before the first interview": "may instead be given before the first interview"}[item.required]
    return ElementResult(**base, status="not stated", detail=f"not in the posting; {why}")


def _law_result(check: LawCheck, pay: PostingPay | None, found: PostingElements, on: dt.date) -> LawResult:
    law = check.law
    elements = [_element(item, law, pay, found, on if check.status != "not yet in effect" else law.effective)
                for item in law.must_state]
    missing = [e.label for e in elements if e.status == "missing"]
    verdict: Verdict
    if law.kind == "on_request":
        verdict = "on request"
    elif check.status == "not required":
        verdict = "not required"
    elif check.status == "not yet in effect":
        verdict = "not yet in effect"
    elif missing:
        verdict = "fails"
    elif any(e.status == "not stated" for e in elements):
        verdict = "check"
    else:
        verdict = "meets"
    short = law.state if law.level == "state" else law.jurisdiction
    return LawResult(law_id=law.id, jurisdiction=law.jurisdiction, short=short, citation=law.citation,
                     kind=law.kind,
                     status=check.status, reason=check.reason, verdict=verdict, elements=elements,
                     missing=missing, on_request=law.on_request, checked_on=law.checked_on)


def _posting_verdict(laws: list[LawResult]) -> tuple[PostingVerdict, list[str]]:
    firm = [r for r in laws if r.status in ("applies", "size unchecked")]
    maybe = [r for r in laws if r.status == "may apply"]
    missing = [f"{r.jurisdiction}: {m}" for r in firm if r.verdict == "fails" for m in r.missing]
    missing += [f"{r.jurisdiction} (if it applies): {m}" for r in maybe if r.verdict == "fails"
                for m in r.missing]
    verdicts = {r.verdict for r in firm}
    if "fails" in verdicts:
        return "fails", missing
    if any(r.verdict == "fails" for r in maybe):
        return "at risk", missing
    if "check" in verdicts or any(r.verdict == "check" for r in maybe):
        return "check", missing
    if "meets" in verdicts or any(r.verdict == "meets" for r in maybe):
        return "meets", missing
    if "on request" in verdicts or any(r.verdict == "on request" for r in maybe):
        return "on request only", missing
    if laws:
        return "not required", missing
    return "no law", missing


# --------------------------------------------------------------------------- range and market
def range_flags(pay: PostingPay | None) -> list[str]:
    """The flags a posted range raises on its own, whatever the market: its top more than
    :data:`MAX_TOP_TO_BOTTOM` times its bottom (read in the posting's own currency and period:
    the ratio does not depend on them, so pay without an exchange rate is flagged too). Empty
    without a two-sided range."""
    if pay is None or pay.bound != "range" or pay.min is None or pay.max is None or pay.min <= 0:
        return []
    if pay.max > MAX_TOP_TO_BOTTOM * pay.min:
        return [f"top more than twice the bottom (x{pay.max / pay.min:.2f})"]
    return []


NOT_COMPARED = "the range is not compared with the market (P10-P90, P25-P75)"
"""What a posting without a market cell is told, after the reason there is none."""


def _market(market: Market, title: str | None, cell_place: str, pay: PostingPay | None,
            cache: dict[tuple[str, str, str], BenchmarkCell | str]) -> tuple[MarketCheck | None, str | None]:
    if not title or not title.strip():
        return None, f"no market cell: no title to read a role from (give a title); {NOT_COMPARED}"
    try:
        role, level, basis = role_level(title, None, default_level=True, role_field="title")
    except InputError as exc:
        return None, f"no market cell: {exc.message}; {NOT_COMPARED}"
    key = (role.id, level, cell_place)
    if key not in cache:
        try:
            cache[key] = market.cell(role.id, level, cell_place)
        except InputError as exc:
            cache[key] = f"no market cell for {cell_place!r}: {exc.message}"
    cell = cache[key]
    if isinstance(cell, str):
        return None, f"{cell}; {NOT_COMPARED}"
    flags: list[str] = []
    low = pay.annual_usd_min if pay is not None else None
    high = pay.annual_usd_max if pay is not None else None
    if pay is not None and pay.bound == "single":
        low = high = low if low is not None else high
    if low is not None and high is not None:
        if high - low > cell.p90 - cell.p10:
            flags.append(f"wider than the market's P10-P90 (${cell.p10:,}-${cell.p90:,}): a spread of "
                         f"${high - low:,.0f} against ${cell.p90 - cell.p10:,}")
        if high < cell.p25 or low > cell.p75:
            side = "below" if high < cell.p25 else "above"
            flags.append(f"does not overlap the market's P25-P75 (${cell.p25:,}-${cell.p75:,}): "
                         f"${low:,.0f}-${high:,.0f} lies {side} it")
    market_note = None
    if pay is None:
        market_note = "no posted pay to compare"
    elif low is None or high is None:
        market_note = ("the range is open-ended or in a currency without an exchange rate: "
                       "not compared")
    return MarketCheck(cell=cell, basis=basis, evidence=f"market cell {cell_summary(cell)}",
                       posted_low=low, posted_high=high, flags=flags), market_note


# --------------------------------------------------------------------------- one posting
_TRUE = {"true", "1", "yes", "y", "t"}


def guess_title(text: str) -> str | None:
    """A posting text's first line when it reads as a job title (at most 100 characters, a
    role the title normalizer knows), else None."""
    from paybench.normalize.titles import normalize_title

    for line in text.splitlines():
        line = re.sub(r"^[#*_>\s-]+|[#*_\s]+$", "", line).strip()
        if not line:
            continue
        if len(line) <= 100 and normalize_title(line).role is not None:
            return line
        return None
    return None


def employee_band(text: str | None) -> tuple[int, int | None] | None:
    """An employer's head count from a job board's band ('51 to 200', '1,001-5,000',
    '10,000+', '250'): (low, high or None for an open top); None without a number."""
    if not text:
        return None
    numbers = [int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*", text)]
    if not numbers:
        return None
    if len(numbers) == 1:
        return (numbers[0], None) if "+" in text or "more" in text.lower() else (numbers[0], numbers[0])
    return min(numbers), max(numbers)


def check_posting(
    record: PostingRecord, market: Market, *, row: int | None = None, place: str | None = None,
    remote: RemoteScope | None = None, employer_size: int | None = None, on: dt.date | None = None,
    cells: dict[tuple[str, str, str], BenchmarkCell | str] | None = None,
) -> PostingCheck:
    """One posting against its laws and its market (module docstring). `place` and `remote`
    override the record's own location and remote flag; `on` its date; `employer_size` its
    head count. Never raises for what the posting says: a worksite that cannot be placed is the
    verdict 'not placed'."""
    from paybench.sources.postings import site_country

    cells = cells if cells is not None else {}
    notes: list[str] = []
    day = on
    if day is None:
        for text in (record.date_posted, record.created):
            try:
                day = dt.date.fromisoformat(str(text).strip()[:10]) if text else None
            except ValueError:
                notes.append(f"date {str(text)[:40]!r} is not a date (YYYY-MM-DD); checked as of today")
                day = None
            if day is not None:
                break
    day = day or dt.date.today()
    site = site_country(record.job_url or "")
    elements = read_elements(record.text, on=day)
    pay, pay_note = _pay(record, site, day)
    band = None if employer_size is not None else employee_band(record.company_num_employees)
    size_text = (str(employer_size) if employer_size is not None
                 else record.company_num_employees or None)
    scope = remote
    if scope is None:
        flag = record.is_remote
        is_remote = flag is True or (isinstance(flag, str) and flag.strip().lower() in _TRUE)
        scope = RemoteScope(remote=is_remote)
    where_text = place if place is not None else (record.location or "").strip()
    base: dict[str, Any] = {"row": row, "title": record.title, "company": record.company,
                            "location": record.location, "posted_on": day, "employer_size": size_text,
                            "pay": pay, "pay_note": pay_note, "elements": elements,
                            "range_flags": range_flags(pay)}
    where: Place | None = None
    if where_text:
        try:
            # a file's own location is read as the postings adapter reads it (any confidence);
            # a place the user gave, as every other command reads one
            where = (normalize_place(where_text, min_confidence=0.0) if place is None
                     else normalize_place(place))
        except InputError as exc:
            if site is None and not scope.remote:
                return PostingCheck(**base, place=where_text, country=None, state=None, remote=scope.label,
                                    laws=[], verdict="not placed", missing=[], market=None,
                                    market_note=f"no market cell: the worksite is not placed; {NOT_COMPARED}",
                                    notes=[*notes, f"worksite not placed: {exc.message}"])
    elif not scope.remote and site is None:
        return PostingCheck(**base, place=None, country=None, state=None, remote=scope.label, laws=[],
                            verdict="not placed", missing=[], market=None,
                            market_note=f"no market cell: no worksite; {NOT_COMPARED}",
                            notes=[*notes, "no worksite: give a place (or a remote scope)"])
    if site is not None and (where is None or where.country != site[0]):
        notes.append(f"a posting on the {site[0]} job site: placed in {country_name(site[0])}")
        where = Place(country=site[0], remote=scope.remote)
        where_text = country_name(site[0])
    if where is None:  # remote with no usable location
        where = normalize_place("Remote")
        where_text = "Remote"
    if where.remote and not scope.remote:
        scope = RemoteScope(remote=True)
    cell_place = where_text if not (scope.remote and where.state is None and where.country in (None, "US")) \
        else "Remote"
    market_check, market_note = _market(market, record.title, cell_place, pay, cells)
    common = {**base, "place": where_text, "country": where.country, "state": where.state,
              "remote": scope.label, "market": market_check, "market_note": market_note}
    if where.country not in (None, "US"):
        name = country_name(where.country)
        return PostingCheck(**common, laws=[], verdict="no US law", missing=[],
                            notes=[*notes, f"no US pay-transparency law applies: the worksite is in "
                                           f"{name} ({where.country})"])
    checks = check_laws(where_text, employer_size=employer_size, remote=scope, posting_date=day,
                        employer_size_band=band, where=where)
    laws = [_law_result(c, pay, elements, day) for c in checks]
    verdict, missing = _posting_verdict(laws)
    if not laws:
        notes.append("no modelled pay-transparency law reaches this worksite")
    return PostingCheck(**common, laws=laws, verdict=verdict, missing=missing, notes=notes)


# --------------------------------------------------------------------------- many postings
def check_postings(
    records: Iterable[tuple[int | None, PostingRecord | str]], market: Market, *, source: str,
    place: str | None = None, remote: bool | str | Sequence[str] | RemoteScope | None = None,
    employer_size: int | None = None, on: dt.date | None = None,
) -> PostingCheckReport:
    """Every posting of `records` ((row, posting or the reason it is unusable)) checked: one
    row each, unusable rows in `rejected`. `place`, `remote`, `employer_size` and `on` apply to
    every posting (see :func:`check_posting`). InputError for a remote scope that is not one,
    a place that cannot be placed, or more than :data:`MAX_POSTINGS` postings."""
    scope = None if remote is None else parse_remote(remote)
    if place is not None:
        try:
            normalize_place(place)
        except InputError as exc:
            raise exc.with_field("place") from None
    if employer_size is not None and employer_size < 1:
        raise InputError(f"employer size {employer_size} must be at least 1 employee", field="employer_size")
    rows: list[PostingCheck] = []
    rejected: list[RejectedPosting] = []
    cells: dict[tuple[str, str, str], BenchmarkCell | str] = {}
    for number, item in records:
        if len(rows) + len(rejected) >= MAX_POSTINGS:
            raise InputError(f"more than {MAX_POSTINGS:,} postings: check them in parts", field="posting")
        if isinstance(item, str):
            rejected.append(RejectedPosting(row=number or 0, reason=item))
            continue
        rows.append(check_posting(item, market, row=number, place=place, remote=scope,
                                  employer_size=employer_size, on=on, cells=cells))
    if not rows and not rejected:
        raise InputError("no postings to check", field="posting")
    summary: Counter[str] = Counter(r.verdict for r in rows)
    ordered = {v: summary[v] for v in _VERDICT_ORDER if summary[v]}
    return PostingCheckReport(source=source, postings=len(rows), summary=ordered, rows=rows,
                              rejected=rejected)


# --------------------------------------------------------------------------- CSV
CSV_COLUMNS = ("row", "title", "company", "location", "place", "country", "state", "remote", "posted_on",
               "employer_size", "pay", "pay_source", "pay_period", "annual_usd_min", "annual_usd_max",
               "laws", "verdict", "missing", "range_flags", "market_cell", "market_n", "market_method",
               "market_p10", "market_p25", "market_p50", "market_p75", "market_p90", "market_flags", "notes")
"""The columns of `paybench posting-check --csv`, one row per posting."""


def report_csv(report: PostingCheckReport) -> str:
    """The report as CSV text (:data:`CSV_COLUMNS`; lists joined with ' | '): one row per
    posting checked, then one per row of the file that is not a posting (verdict "not checked",
    its reason in notes), so that every row of the input is accounted for."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in report.rows:
        m = r.market
        writer.writerow([
            r.row, r.title, r.company, r.location, r.place, r.country, r.state, r.remote, r.posted_on,
            r.employer_size, pay_text(r.pay) if r.pay else "", r.pay.source if r.pay else "",
            r.pay.period if r.pay else "", _num(r.pay.annual_usd_min if r.pay else None),
            _num(r.pay.annual_usd_max if r.pay else None),
            " | ".join(f"{law.law_id}: {law.status}, {law.verdict}" for law in r.laws), r.verdict,
            " | ".join(r.missing), " | ".join(r.range_flags),
            f"{m.cell.role_name}, {m.cell.level}, {m.cell.place.label}" if m else "",
            m.cell.n if m else "", m.cell.method if m else "",
            *((m.cell.p10, m.cell.p25, m.cell.p50, m.cell.p75, m.cell.p90) if m else ("",) * 5),
            " | ".join(m.flags) if m else "",
            " | ".join([*r.notes, *([r.market_note] if r.market_note else [])]),
        ])
    for bad in report.rejected:  # a row that is not a posting is a row too, with its reason
        cells: dict[str, object] = dict.fromkeys(CSV_COLUMNS, "")
        cells.update(row=bad.row, verdict="not checked", notes=bad.reason)
        writer.writerow([cells[c] for c in CSV_COLUMNS])
    return out.getvalue()


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:.0f}"
