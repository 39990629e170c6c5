"""Decision tools over HTTP: evaluate and compare offers, convert a contract rate to a
salary (or back), build pay bands, check a roster and pick a posting range with the
pay-transparency law it must meet. Thin layers over `paybench.decide` (the same Python
API the CLI uses), so the numbers are the CLI's. Money is annual US dollars unless a name
says otherwise (`*_hourly`, `hourly_rate`: USD per hour).

The market data (benchmark model, published total-comp and hourly figures, survey
contract rows) is loaded once per store version and shared by every request; cells are
served as `/cells` serves them (evidence from fewer than 5 submissions is not listed).
Nothing a request sends is written to the store.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from paybench.api.deps import ERRORS, level_param, place_param, role_param, state
from paybench.api.routes.cells import public_cell
from paybench.api.state import ServerState
from paybench.bench import BenchmarkCell
from paybench.decide.bands import BandTable, build_bands
from paybench.decide.contract import (
    ContractAssumptions,
    ContractConversion,
    ContractMarket,
    contract_market,
    contract_to_salary,
    salary_to_contract,
)
from paybench.decide.market import Market
from paybench.decide.offer import Offer, OfferEvaluation, compare_offers, evaluate_offer
from paybench.decide.posting import PostingRange, posting_range
from paybench.decide.roster import (
    REQUIRED_COLUMNS,
    Employee,
    RosterRejected,
    RosterReport,
    _employee,
    check_roster,
)
from paybench.errors import InputError, PaybenchError

router = APIRouter(responses=ERRORS, tags=["decide"])

MAX_OFFERS = 4
MAX_ROSTER_ROWS = 1000
MAX_PAY = 100_000_000.0
"""Upper bound on any annual amount a request may carry (USD), to keep arithmetic finite."""
MAX_GRANT = 10_000_000_000.0
EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2200, 12, 31)


class PublicMarket(Market):
    """A market whose cells are served as `/cells` serves them."""

    def cell(self, role: str, level: str, place: str) -> BenchmarkCell:
        """The public benchmark cell (see `paybench.api.routes.cells.public_cell`)."""
        return public_cell(super().cell(role, level, place))


def market(st: ServerState) -> Market:
    """The decision tools' market data for the store as it is now (built once per store
    version; the benchmark model is the one `/cells` uses)."""
    model = st.model()  # outside the market build: both builds take the store lock
    found = st.cached("decide_market", lambda store: PublicMarket.load(store, model))
    if found.model is not model:  # the store changed between the two reads
        found = PublicMarket(model=model, figures=found.figures, contract_rows=found.contract_rows)
    return found


def _date_in_range(value: dt.date | None, name: str) -> dt.date | None:
    if value is not None and not EARLIEST <= value <= LATEST:
        raise ValueError(f"{name} {value} must be between {EARLIEST} and {LATEST}")
    return value


# ------------------------------------------------------------------ offers
class OfferIn(Offer):
    """One offer, with the fields of OFFER.json (docs/decisions.md). `vesting` takes a list
    of yearly percentages (or '25/25/25/25'); `role` takes a role id or a job title."""

    model_config = ConfigDict(extra="forbid")

    label: str | None = Field(default=None, max_length=120, description="a name for the offer")
    base: float = Field(gt=0, le=MAX_PAY, description="annual base salary, USD")
    bonus_pct: float = Field(default=0.0, ge=0, le=200, description="target bonus, percent of base")
    sign_on: float = Field(default=0.0, ge=0, le=MAX_PAY, description="sign-on bonus paid in year 1, USD")
    equity_value: float | None = Field(default=None, ge=0, le=MAX_GRANT,
                                       description="initial grant value, USD")
    equity_shares: float | None = Field(default=None, ge=0, le=MAX_GRANT,
                                        description="initial grant in shares")
    share_price: float | None = Field(default=None, ge=0, le=1_000_000,
                                      description="USD per share, with equity_shares")
    cliff_months: int = Field(default=12, ge=0, le=120, description="months before anything vests")
    refresher_value: float = Field(default=0.0, ge=0, le=MAX_GRANT,
                                   description="annual refresher grant value, USD")
    refresher_start_year: int = Field(default=2, ge=1, le=100,
                                      description="year of the first refresher grant")
    annual_raise_pct: float = Field(default=0.0, ge=0, le=50, description="assumed yearly base raise, %")
    role: str | None = Field(default=None, max_length=200, description="role id (or a job title)")
    title: str | None = Field(default=None, max_length=200,
                              description="job title, used when role is absent")
    level: str | None = Field(default=None, max_length=40,
                              description="level; from the title when absent")
    place: str = Field(default="US", min_length=1, max_length=200,
                       description="worksite: city, metro, state, 'Remote'")

    @field_validator("start_date")
    @classmethod
    def _start_in_range(cls, value: dt.date | None) -> dt.date | None:
        return _date_in_range(value, "start_date")


class OffersRequest(BaseModel):
    """One offer to evaluate, or two to four to compare."""

    model_config = ConfigDict(extra="forbid")

    offers: list[OfferIn] = Field(min_length=1, max_length=MAX_OFFERS)


class OffersOut(BaseModel):
    """Each offer evaluated (years 1-4, annualized, steady state, market percentiles, metro
    differential) and, for two or more, which leads on each measure."""

    count: int
    evaluations: list[OfferEvaluation]
    highest_first_year: str | None = Field(description="label of the offer; null for one offer")
    highest_annualized: str | None
    highest_national_equivalent: str | None = Field(
        description="highest annualized total after removing each metro's pay differential")
    notes: list[str]


def _checked_offer(body: OfferIn, where: str) -> Offer:
    """The offer with its role resolved to an id; InputError naming the field at fault."""
    data = body.model_dump()
    if body.role is not None:
        data["role"] = role_param(body.role, f"{where}.role").id
    if body.level is not None:
        data["level"] = level_param(body.level, f"{where}.level")
    place_param(body.place, f"{where}.place")
    return Offer.model_validate(data)


def _field_for(message: str, where: str) -> str:
    text = message.lower()
    for name in ("title", "level", "place", "role"):
        if name in text:
            return f"{where}.{name}"
    return where


@router.post("/offers/evaluate", response_model=OffersOut)
def evaluate_offers(request: Request, body: OffersRequest) -> OffersOut:
    """Evaluate one offer or compare two to four: total compensation for years 1-4 (base,
    bonus, sign-on, vested equity), the 4-year mean, the steady state after the initial
    grant, the base's percentile in its market cell, the total's percentile where the store
    has published total-comp figures, and the metro pay differential."""
    mk = market(state(request))
    offers: list[Offer] = []
    evaluations: list[OfferEvaluation] = []
    for i, item in enumerate(body.offers):
        where = f"offers.{i}"
        offer = _checked_offer(item, where)
        try:
            evaluations.append(evaluate_offer(offer, mk))
        except PaybenchError as exc:
            raise exc.with_field(_field_for(str(exc), where)) from None
        offers.append(offer)
    if len(offers) == 1:
        e = evaluations[0]
        notes = [] if e.total_market.available else [f"{e.offer.name}: total percentile "
                                                     f"{e.total_market.label}"]
        return OffersOut(count=1, evaluations=evaluations, highest_first_year=None,
                         highest_annualized=None, highest_national_equivalent=None, notes=notes)
    comparison = compare_offers(offers, mk)
    return OffersOut(count=len(offers), evaluations=comparison.evaluations,
                     highest_first_year=comparison.highest_first_year,
                     highest_annualized=comparison.highest_annualized,
                     highest_national_equivalent=comparison.highest_national_equivalent,
                     notes=comparison.notes)


# ------------------------------------------------------------------ contract
class ContractRequest(BaseModel):
    """A contract rate to convert to a salary, or a salary to a rate (exactly one), with
    the assumptions (defaults as in `paybench contract`) and optionally a role to place the
    rate among market contract rates."""

    model_config = ConfigDict(extra="forbid")

    hourly_rate: float | None = Field(default=None, gt=0, le=5000, description="USD per hour")
    salary: float | None = Field(default=None, gt=0, le=MAX_PAY, description="annual USD")
    standard_hours_per_year: float | None = Field(default=None, gt=0, le=8784,
                                                  description="default 2,080")
    hours_per_day: float | None = Field(default=None, gt=0, le=24, description="default 8")
    paid_time_off_days: float | None = Field(default=None, ge=0, le=366,
                                             description="vacation + holidays; default 25")
    bench_share: float | None = Field(default=None, ge=0, lt=1,
                                      description="unbilled share of time, 0-1; default 0.10")
    benefits_load: float | None = Field(default=None, ge=0, le=2,
                                        description="employer-paid benefits / salary; default 0.25")
    employer_payroll_tax: float | None = Field(default=None, ge=0, le=0.5,
                                               description="employer FICA / salary; default 0.0765")
    billable_hours_per_year: float | None = Field(default=None, gt=0, le=8784,
                                                  description="override the computed billable hours")
    role: str | None = Field(default=None, max_length=200,
                             description="role id (or title): place the rate in its market")
    level: str | None = Field(default=None, max_length=40,
                              description="level for the W2 comparison; default mid and senior")
    place: str = Field(default="US", min_length=1, max_length=200)


class ContractOut(BaseModel):
    """The conversion with its formula, and the market placement when a role was given."""

    direction: Literal["rate_to_salary", "salary_to_rate"]
    conversion: ContractConversion
    market: ContractMarket | None


_ASSUMPTION_FIELDS = ("standard_hours_per_year", "hours_per_day", "paid_time_off_days", "bench_share",
                      "benefits_load", "employer_payroll_tax", "billable_hours_per_year")


def _assumptions(body: ContractRequest) -> ContractAssumptions:
    given: dict[str, Any] = {k: getattr(body, k) for k in _ASSUMPTION_FIELDS
                             if getattr(body, k) is not None}
    try:
        return ContractAssumptions(**given)
    except ValidationError as exc:
        message = str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
        field = ("paid_time_off_days" if "paid time off" in message else
                 "billable_hours_per_year" if "billable" in message else
                 "standard_hours_per_year" if "standard hours" in message else
                 "hours_per_day" if "per day" in message else "assumptions")
        raise InputError(field=field, message=message) from None


@router.post("/contract", response_model=ContractOut)
def contract(request: Request, body: ContractRequest) -> ContractOut:
    """Convert an hourly contract rate to the salary worth the same (or a salary to a rate):
    billable hours = (standard hours - paid days off x hours a day) x (1 - bench share);
    salary = rate x billable hours / (1 + benefits load + employer payroll tax). With a role,
    the rate is placed among published contract ranges, survey contract rows and the
    W2-equivalent rates of the role's salary cells."""
    if (body.hourly_rate is None) == (body.salary is None):
        raise InputError("give either hourly_rate (USD per hour) or salary (annual USD)",
                         field="hourly_rate")
    assumptions = _assumptions(body)
    try:
        if body.hourly_rate is not None:
            conv, direction = contract_to_salary(body.hourly_rate, assumptions), "rate_to_salary"
        else:
            conv, direction = salary_to_contract(body.salary or 0.0, assumptions), "salary_to_rate"
    except PaybenchError as exc:
        raise exc.with_field("hourly_rate" if body.hourly_rate is not None else "salary") from None
    placed = None
    if body.role is not None:
        role = role_param(body.role).id
        level = level_param(body.level) if body.level else None
        place_param(body.place)
        try:
            placed = contract_market(market(state(request)), role, conv.hourly_rate, place=body.place,
                                     level=level, assumptions=assumptions)
        except PaybenchError as exc:
            raise InputError(field="place", message=str(exc)) from None
    return ContractOut(direction=direction, conversion=conv, market=placed)


# ------------------------------------------------------------------ bands
class BandsRequest(BaseModel):
    """A band table: one role's ladder in one place."""

    model_config = ConfigDict(extra="forbid")

    role: str = Field(min_length=1, max_length=200, description="role id (or a job title)")
    place: str = Field(default="US", min_length=1, max_length=200)
    percentile: float = Field(default=50.0, gt=0, lt=100, description="midpoint percentile")
    spread: float = Field(default=40.0, gt=0, le=300, description="range spread %, (max - min) / min")
    management: bool = Field(default=False, description="add manager and director bands")
    levels: list[str] | None = Field(default=None, max_length=10,
                                     description="levels to include; default the IC ladder")
    min_progression: float = Field(default=5.0, ge=0, le=100, description="% between midpoints")


def _bands(st: ServerState, body: BandsRequest) -> BandTable:
    role = role_param(body.role).id
    place_param(body.place)
    levels = [level_param(lv, f"levels.{i}") for i, lv in enumerate(body.levels)] if body.levels else None
    if levels is not None and len(set(levels)) != len(levels):
        raise InputError(field="levels", message="a level is listed twice")
    try:
        return build_bands(market(st), role, body.place, percentile=body.percentile,
                           spread_pct=body.spread, levels=levels, include_management=body.management,
                           min_progression_pct=body.min_progression)
    except PaybenchError as exc:
        raise InputError(field="place", message=str(exc)) from None


@router.get("/bands", response_model=BandTable)
def bands_get(
    request: Request,
    role: Annotated[str, Query(min_length=1, max_length=200, description="role id (or a job title)")],
    place: Annotated[str, Query(min_length=1, max_length=200)] = "US",
    percentile: Annotated[float, Query(gt=0, lt=100, description="midpoint percentile")] = 50.0,
    spread: Annotated[float, Query(gt=0, le=300, description="range spread %, (max-min)/min")] = 40.0,
    management: Annotated[bool, Query(description="add manager and director bands")] = False,
    level: Annotated[list[str] | None, Query(max_length=10, description="levels; default the IC "
                                             "ladder")] = None,
    min_progression: Annotated[float, Query(ge=0, le=100, description="% between midpoints")] = 5.0,
) -> BandTable:
    """Pay bands (min, mid, max) for a role ladder in a place: mid = the market cell's
    value at the percentile; min = 2 x mid / (2 + spread), max = min x (1 + spread); no
    midpoint below the previous level's + min_progression %."""
    body = BandsRequest(role=role, place=place, percentile=percentile, spread=spread,
                        management=management, levels=level or None, min_progression=min_progression)
    return _bands(state(request), body)


@router.post("/bands", response_model=BandTable)
def bands_post(request: Request, body: BandsRequest) -> BandTable:
    """The same band table as GET /bands, from a JSON body."""
    return _bands(state(request), body)


# ------------------------------------------------------------------ roster
class EmployeeIn(BaseModel):
    """One employee: id, title (or role), place and annual base pay (USD)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=100)
    title: str = Field(default="", max_length=200)
    place: str = Field(min_length=1, max_length=200)
    base: float = Field(ge=1000, le=MAX_PAY, description="annual USD")
    level: str | None = Field(default=None, max_length=40)
    role: str | None = Field(default=None, max_length=200, description="role id, overriding the title")


class RosterRequest(BaseModel):
    """A roster as a JSON list (`employees`) or as CSV text (`csv`, columns id, title,
    place, base and optionally level, role), at most 1,000 rows and 64 KiB. Nothing of it is
    stored."""

    model_config = ConfigDict(extra="forbid")

    employees: list[EmployeeIn] | None = Field(default=None, max_length=MAX_ROSTER_ROWS)
    csv: str | None = Field(default=None, max_length=64 * 1024,
                            description="CSV text with a header row")
    percentile: float = Field(default=50.0, gt=0, lt=100, description="band midpoint percentile")
    spread: float = Field(default=40.0, gt=0, le=300, description="band range spread %")


def roster_from_csv(text: str) -> tuple[list[tuple[int, Employee]], list[RosterRejected]]:
    """Employees from CSV text, read in memory like `paybench roster --file` reads a file:
    case-insensitive columns, rows that cannot be read listed with their reason."""
    lines = text.lstrip("\ufeff")
    first = lines.split("\n", 1)[0]
    if not first.strip():
        raise InputError(field="csv", message="first line is empty; expected a header row")
    counts = {d: first.count(d) for d in (",", "\t", ";", "|")}
    delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    reader = csv.reader(io.StringIO(lines, newline=""), delimiter=delimiter)
    try:
        header = [c.strip().lower() for c in next(reader)]
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            raise InputError(field="csv", message=f"not a roster: missing column(s) {', '.join(missing)}")
        good: list[tuple[int, Employee]] = []
        bad: list[RosterRejected] = []
        for number, values in enumerate(reader, 1):
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                bad.append(RosterRejected(row=number, id=None, reason=(
                    f"{len(values)} fields where the header has {len(header)}")))
                continue
            row = dict(zip(header, values, strict=True))
            try:
                good.append((number, _employee(row)))
            except PaybenchError as exc:
                bad.append(RosterRejected(row=number, id=row["id"].strip() or None, reason=str(exc)))
    except csv.Error as exc:
        raise InputError(field="csv", message=f"not readable as CSV: {exc}") from None
    if len(good) + len(bad) > MAX_ROSTER_ROWS:
        raise InputError(field="csv", message=f"at most {MAX_ROSTER_ROWS} rows per roster")
    if not good and not bad:
        raise InputError(field="csv", message="no data rows")
    return good, bad


@router.post("/roster", response_model=RosterReport)
def roster(request: Request, body: RosterRequest) -> RosterReport:
    """Each employee's compa-ratio (base / band midpoint), market percentile and band flag
    (below minimum, above maximum), a summary by role x level, and the rows that could not
    be placed with their reasons. Evaluated in memory; nothing is written to the store."""
    if (body.employees is None) == (body.csv is None):
        raise InputError("give the roster as employees (a JSON list) or csv (text), not both",
                         field="employees")
    if body.employees is not None:
        if not body.employees:
            raise InputError(field="employees", message="the roster is empty")
        employees = [(i, Employee(**e.model_dump())) for i, e in enumerate(body.employees, 1)]
        rejected: list[RosterRejected] = []
    else:
        employees, rejected = roster_from_csv(body.csv or "")
    return check_roster(employees, market(state(request)), percentile=body.percentile,
                        spread_pct=body.spread, rejected=rejected)


# ------------------------------------------------------------------ posting range
@router.get("/posting-range", response_model=PostingRange)
def posting_range_get(
    request: Request,
    role: Annotated[str, Query(min_length=1, max_length=200, description="role id (or a job title)")],
    level: Annotated[str, Query(min_length=1, max_length=40)],
    place: Annotated[str, Query(min_length=1, max_length=200,
                                description="worksite; 'Remote' or 'Remote (CA)'")],
    employer_size: Annotated[int | None, Query(ge=1, le=10_000_000, description="employees")] = None,
    remote: Annotated[bool, Query(description="the job may be done remotely")] = False,
    band_min: Annotated[float | None, Query(gt=0, le=MAX_PAY, description="post this band")] = None,
    band_max: Annotated[float | None, Query(gt=0, le=MAX_PAY)] = None,
    low_pct: Annotated[float, Query(gt=0, lt=100)] = 25.0,
    high_pct: Annotated[float, Query(gt=0, lt=100)] = 75.0,
    date: Annotated[dt.date | None, Query(description="posting date (today)")] = None,
) -> PostingRange:
    """The range to post for a role x level x place (the market P25-P75 by default) and
    the pay-transparency laws it must meet (California, Colorado, New York State and City,
    Washington, Illinois), with citations. Not legal advice."""
    role_id = role_param(role).id
    lvl = level_param(level)
    place_param(place)
    if (band_min is None) != (band_max is None):
        raise InputError("give both band_min and band_max, or neither",
                         field="band_max" if band_max is None else "band_min")
    band = (band_min, band_max) if band_min is not None and band_max is not None else None
    if band is not None and band[0] > band[1]:
        raise InputError(field="band_min", message=f"band_min {band[0]:g} is above band_max {band[1]:g}")
    if band is None and not low_pct < high_pct:
        raise InputError(field="high_pct", message=f"high_pct {high_pct:g} must be above low_pct {low_pct:g}")
    try:
        _date_in_range(date, "date")
    except ValueError as exc:
        raise InputError(field="date", message=str(exc)) from None
    try:
        return posting_range(market(state(request)), role_id, lvl, place, employer_size=employer_size,
                             remote=remote, band=band, low_pct=low_pct, high_pct=high_pct,
                             posting_date=date)
    except PaybenchError as exc:
        raise InputError(field="place", message=str(exc)) from None
