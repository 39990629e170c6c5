"""Decision tools over HTTP: evaluate and compare offers, convert a contract rate to a
salary (or back), build pay bands, check a roster, pick a posting range with the
pay-transparency law it must meet, list those laws and check a posting already written.
Each route calls the same engine method as the CLI (`paybench.Paybench`), with the core's
own records as bodies and responses, so the numbers and the errors are the CLI's. Money is
annual US dollars unless a name says otherwise (`*_hourly`, `hourly_rate`: USD per hour).
Nothing a request sends is written to the store.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from paybench.api.deps import ERRORS, engine
from paybench.decide.bands import BandTable
from paybench.decide.contract import ContractAssumptions, ContractResult
from paybench.decide.market import PERCENTILE_MAX, PERCENTILE_MIN
from paybench.decide.offer import MAX_OFFERS, MAX_PAY, Offer, OfferReport
from paybench.decide.posting import LawList, PostingRange
from paybench.decide.posting_check import PostingCheckReport, PostingRecord
from paybench.decide.roster import MAX_ROSTER_ROWS, Employee, RosterReport
from paybench.records import Number

router = APIRouter(responses=ERRORS, tags=["decide"])

MAX_API_POSTINGS = 50
"""Most postings one request may check (the body is limited to 64 KiB anyway)."""


# ------------------------------------------------------------------ offers
class OffersRequest(BaseModel):
    """One offer to evaluate, or two to four to compare (each with the fields of OFFER.json,
    docs/decisions.md)."""

    model_config = ConfigDict(extra="forbid")

    offers: list[Offer] = Field(min_length=1, max_length=MAX_OFFERS)


@router.post("/offers/evaluate", response_model=OfferReport)
def evaluate_offers(request: Request, body: OffersRequest) -> OfferReport:
    """Evaluate one offer or compare two to four: total compensation for years 1-4 (base,
    bonus, sign-on, vested equity), the 4-year mean, the steady state after the initial
    grant, the base's percentile in its market cell, the total's percentile where the store
    has published total-comp figures, and the metro pay differential."""
    return engine(request).offer(body.offers)


# ------------------------------------------------------------------ contract
class ContractRequest(ContractAssumptions):
    """A contract rate to convert to a salary, or a salary to a rate (exactly one), with the
    assumptions (defaults as in `paybench contract`) and optionally a role to place the rate
    among market contract rates."""

    model_config = ConfigDict(extra="forbid")

    hourly_rate: Number | None = Field(default=None, description="USD per hour (positive, at most 5,000)")
    salary: Number | None = Field(default=None, le=MAX_PAY, description="annual USD (at least 1,000)")
    role: str | None = Field(default=None, max_length=200,
                             description="role id (or title): place the rate in its market")
    level: str | None = Field(default=None, max_length=40,
                              description="level for the W2 comparison; default mid and senior")
    place: str = Field(default="US", min_length=1, max_length=200)


@router.post("/contract", response_model=ContractResult)
def contract(request: Request, body: ContractRequest) -> ContractResult:
    """Convert an hourly contract rate to the salary worth the same (or a salary to a rate):
    billable hours = (standard hours - paid days off x hours a day) x (1 - bench share);
    salary = rate x billable hours / (1 + benefits load + employer payroll tax). With a role,
    the rate is placed among published contract ranges, survey contract rows and the
    W2-equivalent rates of the role's salary cells."""
    assumptions = ContractAssumptions(**body.model_dump(include=set(ContractAssumptions.model_fields)))
    return engine(request).contract(body.hourly_rate, body.salary, assumptions=assumptions,
                                    role=body.role, level=body.level, place=body.place)


# ------------------------------------------------------------------ bands
class BandsRequest(BaseModel):
    """A band table: one role's ladder in one place."""

    model_config = ConfigDict(extra="forbid")

    role: str = Field(min_length=1, max_length=200, description="role id (or a job title)")
    place: str = Field(default="US", min_length=1, max_length=200)
    percentile: Number = Field(default=50.0, ge=PERCENTILE_MIN, le=PERCENTILE_MAX,
                               description="midpoint percentile, 1-99")
    spread: Number = Field(default=40.0, description="range spread %, (max - min) / min; 0-300")
    management: bool = Field(default=False, description="add manager and director bands")
    levels: list[str] | None = Field(default=None, max_length=10,
                                     description="levels to include; default the IC ladder")
    min_progression: Number = Field(default=5.0, description="% between midpoints, 0-100")


def _bands(request: Request, body: BandsRequest) -> BandTable:
    return engine(request).bands(body.role, body.place, percentile=body.percentile,
                                 spread=body.spread, levels=body.levels, management=body.management,
                                 min_progression=body.min_progression)


@router.get("/bands", response_model=BandTable)
def bands_get(
    request: Request,
    role: Annotated[str, Query(min_length=1, max_length=200, description="role id (or a job title)")],
    place: Annotated[str, Query(min_length=1, max_length=200)] = "US",
    percentile: Annotated[float, Query(ge=PERCENTILE_MIN, le=PERCENTILE_MAX,
                                       description="midpoint percentile, 1-99")] = 50.0,
    spread: Annotated[float, Query(description="range spread %, (max-min)/min; 0-300")] = 40.0,
    management: Annotated[bool, Query(description="add manager and director bands")] = False,
    level: Annotated[list[str] | None, Query(max_length=10, description="levels; default the IC "
                                             "ladder")] = None,
    min_progression: Annotated[float, Query(description="% between midpoints, 0-100")] = 5.0,
) -> BandTable:
    """Pay bands (min, mid, max) for a role ladder in a place: mid = the market cell's
    value at the percentile; min = 2 x mid / (2 + spread), max = min x (1 + spread); no
    midpoint below the previous level's + min_progression %."""
    body = BandsRequest(role=role, place=place, percentile=percentile, spread=spread,
                        management=management, levels=level or None, min_progression=min_progression)
    return _bands(request, body)


@router.post("/bands", response_model=BandTable)
def bands_post(request: Request, body: BandsRequest) -> BandTable:
    """The same band table as GET /bands, from a JSON body."""
    return _bands(request, body)


# ------------------------------------------------------------------ roster
class RosterRequest(BaseModel):
    """A roster as a JSON list (`employees`) or as CSV text (`csv`, columns id, title,
    place, base and optionally level, role), at most 1,000 rows and 64 KiB. Nothing of it is
    stored."""

    model_config = ConfigDict(extra="forbid")

    employees: list[Employee] | None = Field(default=None, max_length=MAX_ROSTER_ROWS)
    csv: str | None = Field(default=None, max_length=64 * 1024,
                            description="CSV text with a header row")
    percentile: Number = Field(default=50.0, ge=PERCENTILE_MIN, le=PERCENTILE_MAX,
                               description="band midpoint percentile, 1-99")
    spread: Number = Field(default=40.0, description="band range spread %, 0-300")


@router.post("/roster", response_model=RosterReport)
def roster(request: Request, body: RosterRequest) -> RosterReport:
    """Each employee's compa-ratio (base / band midpoint), market percentile and band flag
    (below minimum, above maximum), a summary by role x level, and the rows that could not
    be placed with their reasons. Evaluated in memory; nothing is written to the store."""
    from paybench.errors import InputError

    if (body.employees is None) == (body.csv is None):
        raise InputError("give the roster as employees (a JSON list) or csv (text), not both",
                         field="employees")
    employees = body.csv if body.csv is not None else list(body.employees or [])
    return engine(request).roster(employees, percentile=body.percentile, spread=body.spread)


# ------------------------------------------------------------------ posting range
@router.get("/posting-range", response_model=PostingRange)
def posting_range_get(
    request: Request,
    role: Annotated[str, Query(min_length=1, max_length=200, description="role id (or a job title)")],
    level: Annotated[str, Query(min_length=1, max_length=40)],
    place: Annotated[str, Query(min_length=1, max_length=200,
                                description="worksite; 'Remote' or 'Remote (California)'")],
    employer_size: Annotated[int | None, Query(le=10_000_000, description="employees (1 or more)")] = None,
    remote: Annotated[bool, Query(description="the job may be done remotely")] = False,
    band_min: Annotated[float | None, Query(le=MAX_PAY, description="post this band")] = None,
    band_max: Annotated[float | None, Query(le=MAX_PAY)] = None,
    low_pct: Annotated[float, Query(ge=PERCENTILE_MIN, le=PERCENTILE_MAX, description="1-99")] = 25.0,
    high_pct: Annotated[float, Query(ge=PERCENTILE_MIN, le=PERCENTILE_MAX,
                                     description="above low_pct, at most 99")] = 75.0,
    date: Annotated[str | None, Query(max_length=20, description="posting date YYYY-MM-DD (today)")] = None,
) -> PostingRange:
    """The range to post for a role x level x place (the market P25-P75 by default) and
    the pay-transparency laws it must meet (states, counties and cities; GET /laws lists
    them), with citations. Not legal advice."""
    from paybench.errors import InputError

    try:
        return engine(request).posting_range(
            role, level, place, employer_size=employer_size, remote=remote, band_min=band_min,
            band_max=band_max, low_pct=low_pct, high_pct=high_pct, posting_date=date)
    except InputError as exc:  # the engine's 'posting_date' is this route's 'date'
        if exc.field == "posting_date":
            raise InputError(exc.message, field="date") from None
        raise


# ------------------------------------------------------------------ laws and posting check
@router.get("/laws", response_model=LawList)
def laws(
    request: Request,
    place: Annotated[str | None, Query(min_length=1, max_length=200,
                                       description="worksite: city, county, state or ZIP")] = None,
    remote: Annotated[str | None, Query(max_length=200, description="remote job: 'US' or the states "
                                                                    "it may be filled from, 'CO,NY'")] = None,
    employer_size: Annotated[int | None, Query(le=10_000_000, description="employees (1 or more)")] = None,
    date: Annotated[str | None, Query(max_length=20, description="posting date YYYY-MM-DD (today)")] = None,
) -> LawList:
    """The US pay-transparency laws (states, counties, cities): citation, effective date,
    employer-size threshold, what a posting must state since when, on-request duties, how
    remote jobs are covered, sources and the date checked. All of them, or those reaching a
    worksite or a remote scope, with their status. Not legal advice."""
    from paybench.engine import Paybench
    from paybench.errors import InputError

    try:
        return Paybench.laws(place, remote=remote, employer_size=employer_size, posting_date=date)
    except InputError as exc:  # the engine's 'posting_date' is this route's 'date'
        if exc.field == "posting_date":
            raise InputError(exc.message, field="date") from None
        raise


class PostingCheckRequest(BaseModel):
    """One posting as text (`text`, with `place` or `remote`), one record (`posting`) or up to
    50 records (`postings`), with the postings adapter's field names; exactly one of the three.
    `place`, `remote`, `employer_size` and `date` apply to every posting."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(default=None, min_length=1, max_length=60_000,
                             description="the posting's text")
    posting: PostingRecord | None = None
    postings: list[PostingRecord] | None = Field(default=None, min_length=1, max_length=MAX_API_POSTINGS)
    title: str | None = Field(default=None, max_length=300,
                              description="job title for the market cell (text: default its first line)")
    place: str | None = Field(default=None, min_length=1, max_length=200, description="worksite")
    remote: str | None = Field(default=None, max_length=200,
                               description="remote job: 'US' or the states it may be filled from, 'CO,NY'")
    employer_size: int | None = Field(default=None, le=10_000_000, description="employees (1 or more)")
    date: str | None = Field(default=None, max_length=20, description="posting date YYYY-MM-DD "
                                                                      "(default: the posting's, else today)")


@router.post("/posting-check", response_model=PostingCheckReport)
def posting_check(request: Request, body: PostingCheckRequest) -> PostingCheckReport:
    """Check postings already written against the pay-transparency laws of their worksite or
    remote scope (per law: each required element present, missing or not stated, since when)
    and their range against the market cell (flags: wider than P10-P90, no overlap with
    P25-P75, top over twice the bottom), stating the cell, n and sources used. Nothing is
    stored. Not legal advice."""
    from paybench.errors import InputError

    given = [x for x in (body.text, body.posting, body.postings) if x is not None]
    if len(given) != 1:
        raise InputError("give exactly one of text, posting or postings", field="text")
    item = given[0]
    try:
        return engine(request).posting_check(
            item, place=body.place, remote=body.remote, employer_size=body.employer_size,
            posting_date=body.date, title=body.title)
    except InputError as exc:
        if exc.field == "posting_date":
            raise InputError(exc.message, field="date") from None
        if exc.field == "posting" and body.text is not None:
            raise InputError(exc.message, field="text") from None
        raise
