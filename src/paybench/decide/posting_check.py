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
annual US dollars is flagged when it is wider than the cell's P10-P90 spread, does not overlap
its P25-P75, or its top is more than twice its bottom (:data:`MAX_TOP_TO_BOTTOM`). The cell,
its n, method and sources are stated as the evidence used. Not legal advice.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

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
    every field optional but the text."""

    description: str = Field(min_length=1, max_length=MAX_TEXT_CHARS, description="the posting's text")
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
    """The posted range against its market cell: the good-faith evidence."""

    role: str
    role_name: str
    level: str
    basis: str = Field(description="how the role and level were read from the title")
    place: str
    p10: int
    p25: int
    p50: int
    p75: int
    p90: int
    n: int
    n_parent: int
    method: str
    confidence: str
    sources: list[str]
    evidence: str = Field(description="the cell, n, method and sources in one line")
    posted_low: float | None = Field(description="annual USD")
    posted_high: float | None = Field(description="annual USD")
    flags: list[str]


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
def read_posting_file(path: Path) -> Iterator[tuple[int, PostingRecord | str]]:
    """(row number, posting or the reason it is unusable) for each row of a postings file, read
    by the postings adapter's reader (every layout it reads; the reasons are its own). A file
    holding one JSON object (over several lines) is read as that one posting. InputError when
    the file is not a postings file."""
    one = _single_json_object(path)
    if one is not None:
        with tempfile.TemporaryDirectory() as tmp:
            line = Path(tmp) / f"{path.stem}.jsonl"
            line.write_text(json.dumps(one, ensure_ascii=False) + "\n", encoding="utf-8")
            yield from _adapter_rows(line)
        return
    yield from _adapter_rows(path)


def _adapter_rows(path: Path) -> Iterator[tuple[int, PostingRecord | str]]:
    from paybench.sources import postings  # the adapter's reader; see the module docstring

    for number, row, _raw in postings._rows(path):
        if isinstance(row, str):
            yield number, row
            continue
        yield number, _record(row)


def _single_json_object(path: Path) -> dict[str, Any] | None:
    """The object of a file holding one JSON object (not JSON Lines, not an array), else None."""
    try:
        with path.open("rb") as handle:
            head = handle.read(1 << 12).decode("utf-8-sig", errors="replace").lstrip()
        if not head.startswith("{") or path.stat().st_size > MAX_TEXT_CHARS * 4:
            return None
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _record(row: dict[str, str]) -> PostingRecord | str:
    """A posting from a row of the adapter's fields, or why it is not one."""
    text = row.get("description", "") or ""
    if not text.strip():
        return "description is empty"
    if len(text) > MAX_TEXT_CHARS:
        return f"description longer than {MAX_TEXT_CHARS:,} characters"
    fields = {k: (v if v != "" else None) for k, v in row.items() if k in PostingRecord.model_fields}
    return PostingRecord(**{**fields, "description": text})


# --------------------------------------------------------------------------- pay
def _pay(record: PostingRecord, site: tuple[str, str] | None, on: dt.date
         ) -> tuple[PostingPay | None, str | None]:
    """The posting's pay as the postings adapter reads it (its plan: the board's fields or the
    text), or None with the reason."""
    from paybench.sources import postings

    values = tuple("" if v is None else str(v) for v in (
        record.min_amount, record.max_amount, record.interval, record.currency, record.salary_source,
        record.salary_is_predicted, "", record.description))  # no pay-text column: the text
    plan = postings._pay_plan(values, site, on)
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
    text = plan.texts[-1][0]  # the description (a posting here has no separate pay-text column)
    return _text_pay(text, plan.on, plan.currency, extra)


def _text_pay(text: str, on: dt.date, currency: str, extra: str | None = None
              ) -> tuple[PostingPay | None, str | None]:
    found = extract_pay(text, on=on, default_currency=currency)
    if not isinstance(found, ExtractedPay):
        reason = f"no pay read from the text ({found.reason})"
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


# --------------------------------------------------------------------------- market
def _market(market: Market, title: str | None, cell_place: str, pay: PostingPay | None,
            cache: dict[tuple[str, str, str], BenchmarkCell | str]) -> tuple[MarketCheck | None, str | None]:
    if not title or not title.strip():
        return None, "no title: the market cell needs a role (give a title)"
    try:
        role, level, basis = role_level(title, None, default_level=True, role_field="title")
    except InputError as exc:
        return None, f"no market cell: {exc.message}"
    key = (role.id, level, cell_place)
    if key not in cache:
        try:
            cache[key] = market.cell(role.id, level, cell_place)
        except InputError as exc:
            cache[key] = f"no market cell for {cell_place!r}: {exc.message}"
    cell = cache[key]
    if isinstance(cell, str):
        return None, cell
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
        if low > 0 and high > MAX_TOP_TO_BOTTOM * low:
            flags.append(f"top more than twice the bottom (x{high / low:.2f})")
    market_note = None
    if pay is None:
        market_note = "no posted pay to compare"
    elif low is None or high is None:
        market_note = ("the range is open-ended or in a currency without an exchange rate: "
                       "not compared")
    sources = [f"{e.source} {e.kind} n={e.n}" + (f" ({e.detail})" if e.detail else "") for e in cell.sources]
    return MarketCheck(
        role=role.id, role_name=cell.role_name, level=level, basis=basis, place=cell.place.label,
        p10=cell.p10, p25=cell.p25, p50=cell.p50, p75=cell.p75, p90=cell.p90, n=cell.n,
        n_parent=cell.n_parent, method=cell.method, confidence=cell.confidence, sources=sources,
        evidence=f"market cell {cell_summary(cell)}", posted_low=low, posted_high=high,
        flags=flags), market_note


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
    elements = read_elements(record.description, on=day)
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
                            "pay": pay, "pay_note": pay_note, "elements": elements}
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
                                    market_note=None, notes=[*notes, f"worksite not placed: {exc.message}"])
    elif not scope.remote and site is None:
        return PostingCheck(**base, place=None, country=None, state=None, remote=scope.label, laws=[],
                            verdict="not placed", missing=[], market=None, market_note=None,
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
               "laws", "verdict", "missing", "market_cell", "market_n", "market_method", "market_p10",
               "market_p25", "market_p50", "market_p75", "market_p90", "market_flags", "notes")
"""The columns of `paybench posting-check --csv`, one row per posting."""


def report_csv(report: PostingCheckReport) -> str:
    """The report as CSV text (:data:`CSV_COLUMNS`; lists joined with ' | ')."""
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
            " | ".join(r.missing), f"{m.role_name}, {m.level}, {m.place}" if m else "",
            m.n if m else "", m.method if m else "",
            *((m.p10, m.p25, m.p50, m.p75, m.p90) if m else ("",) * 5),
            " | ".join(m.flags) if m else "",
            " | ".join([*r.notes, *([r.market_note] if r.market_note else [])]),
        ])
    return out.getvalue()


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:.0f}"
