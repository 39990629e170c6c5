"""Offer evaluation: year-by-year total compensation and the offer's place in its market.

Definitions (money is annual US dollars; percentages are written as percents, 15 = 15%):

- Year y (1-4, counted from the start date) pays: base_y = base x (1 + raise)^(y-1);
  bonus_y = base_y x target bonus %; the sign-on in year 1 only; equity vested in year y.
- Equity: the initial grant (a value, or shares x price per share, held at grant value:
  no share-price change is assumed) vests by the schedule, one percentage per vesting
  year (25/25/25/25, 5/15/40/40 ...), which must sum to 100. Within a year vesting is
  taken as even (monthly); nothing vests before the cliff, and at the cliff everything
  due by then vests at once. A 12-month cliff therefore leaves year totals unchanged and
  only means that leaving before month 12 forfeits the grant.
- Refreshers: a grant of `refresher_value` each year from `refresher_start_year`, each
  vesting by `refresher_vesting` (no cliff).
- Annualized: the mean of the year 1-4 totals (sign-on spread over four years).
- Steady state: a year after the initial grant has fully vested, with refreshers in
  steady state (one full refresher vesting per year): base in year V+1 (V = vesting years)
  + its bonus + `refresher_value`. Without refreshers this shows the drop once the
  initial grant is gone.
- Percentile of base: the year-1 base within the market cell role x level x place.
- Percentile of total: only against a total-pay distribution for the cell: the total-pay
  cell of the role x level x place (`paybench.bench.views`: component total, every employer,
  with its provenance), when the store holds total-compensation records for that role x level
  at the place or nationally; the annualized total is placed in it as the base is placed in
  the base cell. Otherwise the total is not ranked, the offer says so plainly, and the
  published total-comp figures for the role are shown beside it (a seed's "$200k-$300k at top
  firms" is not the market of a cell).
- Metro comparison: national-equivalent value = value / (1 + place differential).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from paybench.bench import BenchmarkCell
from paybench.decide.market import Market, MarketPosition, PublishedFigure, cell_summary, percentile_of
from paybench.errors import InputError, PaybenchError, echo, input_error
from paybench.paths import user_file
from paybench.records import Count, Number
from paybench.resolve import resolve_place, role_level

HORIZON_YEARS = 4
"""Years shown year by year, and averaged for the annualized figure."""
MAX_OFFERS = 4
"""Offers compared at once."""
MAX_PAY = 100_000_000.0
"""Upper bound of any annual amount an offer may carry (USD), to keep arithmetic finite."""
MAX_GRANT = 10_000_000_000.0
"""Upper bound of an equity grant or share count."""



def parse_vesting(value: Any) -> list[float]:
    """A vesting schedule from '25/25/25/25', '5,15,40,40' or a list of numbers (percent)."""
    if isinstance(value, str):
        parts = [p for p in value.replace(",", "/").replace(" ", "/").split("/") if p.strip()]
        try:
            return [float(p.strip().rstrip("%")) for p in parts]
        except ValueError:
            raise ValueError(f"vesting schedule {echo(value)} is not numbers like 25/25/25/25") from None
    if isinstance(value, list | tuple):
        if not all(isinstance(v, int | float | str) and not isinstance(v, bool) for v in value):
            raise ValueError("vesting schedule must be a list of numbers (percent per year)")
        try:
            return [float(v) for v in value]
        except ValueError:
            raise ValueError(f"vesting schedule {echo(list(value))} is not numbers") from None
    raise ValueError(f"vesting schedule {echo(value)} is not a list of percentages")


def _check_schedule(name: str, schedule: list[float]) -> list[float]:
    if not schedule:
        raise ValueError(f"{name} is empty")
    if len(schedule) > 10:
        raise ValueError(f"{name} has {len(schedule)} years; at most 10")
    if any(not math.isfinite(v) or v < 0 for v in schedule):
        raise ValueError(f"{name} {_fmt_schedule(schedule)} has a negative or non-finite share")
    total = sum(schedule)
    if abs(total - 100) > 0.01:
        raise ValueError(f"{name} {_fmt_schedule(schedule)} sums to {total:g}%, not 100%")
    return schedule


def _fmt_schedule(schedule: list[float]) -> str:
    return "/".join(f"{v:g}" for v in schedule)


class Offer(BaseModel):
    """One job offer. Money in US dollars; `base` and `sign_on` as paid, the equity grant
    as its total value over the vesting schedule."""

    model_config = ConfigDict(extra="forbid")

    label: str | None = Field(default=None, max_length=120,
                              description="a name for the offer, e.g. the employer")
    base: Number = Field(le=MAX_PAY, description="annual base salary, USD")
    bonus_pct: Number = Field(default=0.0, le=200, description="target bonus, percent of base (at "
                             "most 200)")
    sign_on: Number = Field(default=0.0, le=MAX_PAY, description="sign-on bonus paid in year 1, USD")
    equity_value: Number | None = Field(default=None, le=MAX_GRANT, description="initial grant value, USD")
    equity_shares: Number | None = Field(default=None, le=MAX_GRANT, description="initial grant in shares")
    share_price: Number | None = Field(default=None, le=1_000_000,
                                      description="USD per share, with equity_shares")
    vesting: list[float] = Field(default_factory=lambda: [25.0, 25.0, 25.0, 25.0],
                                 description="percent vesting in each year ('25/25/25/25' or a "
                                             "list); sums to 100")
    cliff_months: Count = Field(default=12, ge=0, le=120, description="months before anything vests")
    refresher_value: Number = Field(default=0.0, le=MAX_GRANT,
                                   description="annual refresher grant value, USD")
    refresher_vesting: list[float] = Field(default_factory=lambda: [25.0, 25.0, 25.0, 25.0])
    refresher_start_year: Count = Field(default=2, le=100,
                                      description="year of the first refresher grant")
    annual_raise_pct: Number = Field(default=0.0, le=50, description="assumed yearly base raise, percent")
    start_date: dt.date | None = Field(default=None, description="start date, 1900-2200")
    role: str | None = Field(default=None, max_length=200, description="role id or job title; or give title")
    title: str | None = Field(default=None, max_length=200,
                              description="job title, used when role is absent")
    level: str | None = Field(default=None, max_length=40, description="level; from the title when absent")
    place: str = Field(default="US", min_length=1, max_length=200,
                       description="worksite: city, metro, state, 'Remote'")
    segment: str | None = Field(default=None, max_length=40, description=(
        "the employer's segment (big-tech, ai-lab, startup, enterprise, government, "
        "consultancy, unclassified; any case): base and total are then ranked against that "
        "segment's cells; absent: every employer"))

    @field_validator("segment")
    @classmethod
    def _known_segment(cls, value: str | None) -> str | None:
        from paybench.bench.components import parse_segment

        try:
            return parse_segment(value)
        except InputError as exc:
            raise ValueError(exc.message) from None

    @field_validator("start_date")
    @classmethod
    def _start_in_range(cls, value: dt.date | None) -> dt.date | None:
        if value is not None and not dt.date(1900, 1, 1) <= value <= dt.date(2200, 12, 31):
            raise ValueError(f"start_date {value} must be between 1900-01-01 and 2200-12-31")
        return value

    @field_validator("vesting", "refresher_vesting", mode="before")
    @classmethod
    def _parse_schedule(cls, value: Any) -> list[float]:
        return parse_vesting(value)

    @field_validator("vesting")
    @classmethod
    def _vesting_sums(cls, value: list[float]) -> list[float]:
        return _check_schedule("vesting schedule", value)

    @field_validator("refresher_vesting")
    @classmethod
    def _refresher_sums(cls, value: list[float]) -> list[float]:
        return _check_schedule("refresher vesting schedule", value)

    @field_validator("base")
    @classmethod
    def _base(cls, value: float) -> float:
        if not math.isfinite(value) or value <= 0:
            raise ValueError(f"base must be a positive annual amount, got {value:g}")
        if value < 1000:
            raise ValueError(f"base {value:g} looks hourly or in thousands; give annual USD")
        return value

    @field_validator("bonus_pct", "sign_on", "refresher_value", "annual_raise_pct", "equity_value",
                     "equity_shares", "share_price")
    @classmethod
    def _not_negative(cls, value: float | None, info: ValidationInfo) -> float | None:
        if value is not None and (not math.isfinite(value) or value < 0):
            raise ValueError(f"{info.field_name} cannot be negative, got {value:g}")
        return value

    @field_validator("refresher_start_year")
    @classmethod
    def _start_year(cls, value: int) -> int:
        if value < 1:
            raise ValueError("refresher_start_year must be 1 or later")
        return value

    @model_validator(mode="after")
    def _check(self) -> Offer:
        if (self.equity_shares is None) != (self.share_price is None):
            raise ValueError("equity in shares needs both equity_shares and share_price")
        if self.equity_shares is not None and self.equity_value is not None:
            implied = self.equity_shares * (self.share_price or 0)
            if abs(implied - self.equity_value) > max(1.0, 0.005 * self.equity_value):
                raise ValueError(
                    f"equity_value {self.equity_value:,.0f} disagrees with shares x price "
                    f"{implied:,.0f}; give one of them")
        if not 0 <= self.cliff_months <= 12 * len(self.vesting):
            raise ValueError(f"cliff_months {self.cliff_months} must be between 0 and the vesting length")
        if self.role is None and not self.title:
            raise ValueError("give the offer's role (a role id) or its title")
        return self

    @property
    def grant_value(self) -> float:
        """Initial equity grant value in USD (0 without equity)."""
        if self.equity_value is not None:
            return self.equity_value
        if self.equity_shares is not None and self.share_price is not None:
            return self.equity_shares * self.share_price
        return 0.0

    @property
    def name(self) -> str:
        """The label, or role and place."""
        return self.label or f"{self.role or self.title} ({self.place})"


def vested_share_in_year(schedule: list[float], cliff_months: int, year: int) -> float:
    """Fraction (0-1) of a grant vesting in `year` (1-based), given the yearly percentages
    and a cliff in months (see the module docstring)."""
    def cumulative(months: int) -> float:
        if months <= 0 or months < cliff_months:
            return 0.0
        full, part = divmod(months, 12)
        done = sum(schedule[:full])
        if full < len(schedule):
            done += schedule[full] * part / 12
        return min(done, 100.0) / 100

    return cumulative(12 * year) - cumulative(12 * (year - 1))


class OfferYear(BaseModel):
    """One year of an offer, USD."""

    year: int
    starts_on: dt.date | None
    base: float
    bonus: float
    sign_on: float
    equity_initial: float = Field(description="initial grant vested this year")
    equity_refreshers: float = Field(description="refresher grants vested this year")
    total: float

    @property
    def equity(self) -> float:
        """All equity vested this year."""
        return self.equity_initial + self.equity_refreshers


class TotalMarket(BaseModel):
    """The offer's annualized total in the total-pay cell of its role x level x place, or why it
    cannot be ranked (with the published total-compensation figures shown beside)."""

    available: bool
    percentile: float | None = None
    label: str
    national_equivalent_total: float | None = None
    figures: list[PublishedFigure] = Field(default_factory=list)
    cell: BenchmarkCell | None = Field(default=None, description="the total-pay cell the total "
                                       "is ranked in (null when not ranked)")
    cell_provenance: str | None = Field(default=None, description="one line: the cell's n, "
                                        "method, confidence and sources")


class OfferEvaluation(BaseModel):
    """An offer evaluated: years, summaries and market position, with provenance."""

    offer: Offer
    role: str
    level: str
    role_basis: str = Field(description="how role and level were found (given, or from the title)")
    years: list[OfferYear]
    first_year_total: float
    year4_total: float
    annualized_total: float = Field(description="mean of the year 1-4 totals")
    steady_state_total: float = Field(description="see the module docstring")
    steady_state_basis: str
    cliff_note: str
    cell: BenchmarkCell
    cell_provenance: str
    place_differential: float = Field(description="cell place pay / national - 1 (0 nationally)")
    national_equivalent_base: float
    national_equivalent_total: float = Field(description="annualized total / (1 + differential)")
    base_position: MarketPosition
    total_market: TotalMarket


def offer_from_dict(data: Any, where: str = "offer") -> Offer:
    """Validate one offer from a dict (a JSON object); InputError naming the field (after
    `where`, e.g. 'offers.0.base') on failure."""
    if not isinstance(data, dict):
        raise InputError("expected a JSON object with base, role or title, ...", field=where)
    try:
        return Offer.model_validate(data)
    except ValidationError as exc:
        raise input_error(exc, where) from None


def load_offers(path: Path) -> list[Any]:
    """One offer (a JSON object) or several (a JSON list) from a file, as JSON objects (they
    are validated where they are evaluated, `offer_report`)."""
    user_file(path, "file")
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError(f"{path.name}: not UTF-8 text", field="file") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{path.name}: not JSON ({exc.msg} at line {exc.lineno})", field="file") from None
    return data if isinstance(data, list) else [data]


def _role_level(offer: Offer, where: str) -> tuple[str, str, str]:
    """(role id, level, basis) of an offer; InputError naming `where`.role/.title/.level."""
    try:
        role, level, basis = role_level(offer.role, offer.level, title=offer.title, default_level=False,
                                        role_field=f"{where}.role", title_field=f"{where}.title",
                                        level_field=f"{where}.level")
        resolve_place(offer.place, f"{where}.place")
    except InputError as exc:
        raise InputError(f"{offer.name}: {exc.message}", field=exc.field) from None
    return role.id, level, basis


def offer_years(offer: Offer) -> list[OfferYear]:
    """Years 1-4 of an offer (see the module docstring for the rules)."""
    out = []
    grant = offer.grant_value
    for year in range(1, HORIZON_YEARS + 1):
        out.append(_year(offer, year, grant))
    return out


def _year(offer: Offer, year: int, grant: float) -> OfferYear:
    base = offer.base * (1 + offer.annual_raise_pct / 100) ** (year - 1)
    bonus = base * offer.bonus_pct / 100
    sign_on = offer.sign_on if year == 1 else 0.0
    initial = grant * vested_share_in_year(offer.vesting, offer.cliff_months, year)
    refresh = 0.0
    for grant_year in range(offer.refresher_start_year, year + 1):
        refresh += offer.refresher_value * vested_share_in_year(
            offer.refresher_vesting, 0, year - grant_year + 1)
    starts = None
    if offer.start_date is not None:
        starts = _add_years(offer.start_date, year - 1)
    base, bonus, initial, refresh = (round(v, 2) for v in (base, bonus, initial, refresh))
    return OfferYear(year=year, starts_on=starts, base=base, bonus=bonus, sign_on=sign_on,
                     equity_initial=initial, equity_refreshers=refresh,
                     total=round(base + bonus + sign_on + initial + refresh, 2))


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _total_market(market: Market, role: str, level: str, place: str, total: float,
                  differential: float, segment: str | None = None) -> TotalMarket:
    """The offer's annualized total placed in the total-pay cell of its role x level x place
    (`Market.total_cell`: the store holds total-compensation records for it there or
    nationally), of its employer segment when it names one (`segment`); otherwise not
    ranked, said plainly, with the published total-comp figures shown beside (a range such as
    "$200k-$300k at top firms" is not the market of a cell)."""
    national = total / (1 + differential)
    cell = market.total_cell(role, level, place, segment)
    if cell is not None:
        position = percentile_of(total, cell)
        employers = f", {segment} employers" if segment else ""
        parent = "all-employer cell" if segment else "national"
        return TotalMarket(
            available=True, percentile=position.percentile, national_equivalent_total=national,
            cell=cell, cell_provenance=cell_summary(cell),
            label=f"{position.label} of the total-pay cell {role} {level}, {cell.place.label}"
                  f"{employers} (n={cell.n}, {parent} {cell.n_parent}, {cell.method}, "
                  f"{cell.confidence} confidence)")
    figures = market.total_figures(role)
    shown = "; ".join(_figure_text(f) for f in figures)
    where = resolve_place(place).label
    of = f" from {segment} employers" if segment else ""
    held = "no total-compensation data" if market.totals is None else (
        f"no total-pay records{of} for {role} {level} in {where} or nationally")
    return TotalMarket(
        available=False, national_equivalent_total=national, figures=figures,
        label=(f"n/a: this store has {held}; the total is not ranked"
               + (f". Published total-comp figures, shown beside, not a market for the cell: "
                  f"{shown}" if figures else "")))


def _figure_text(fig: PublishedFigure) -> str:
    return f"{fig.stat.replace('_', ' ')} ${fig.annual_usd:,.0f} ({fig.figure_id})"


def evaluate_offer(offer: Offer, market: Market, where: str = "offer") -> OfferEvaluation:
    """Evaluate one offer against the market; InputError naming `where` and its field."""
    role, level, role_basis = _role_level(offer, where)
    try:
        cell = market.cell(role, level, offer.place, offer.segment)
    except PaybenchError as exc:
        if exc.field == "segment":
            raise InputError(f"{offer.name}: {exc.message}", field=f"{where}.segment") from None
        raise exc.with_field(f"{where}.place") from None
    years = offer_years(offer)
    totals = [y.total for y in years]
    # the place's OEWS differential, as the base cell of every employer states it: a segment's
    # local cell moves by it less its national cell's own place mix (paybench.bench.views),
    # which is no differential of the place (the re-trial: Seattle +0.8% with a segment named)
    place_cell = cell if offer.segment is None else market.cell(role, level, offer.place)
    diff = place_cell.place_differential or 0.0
    vest_years = len(offer.vesting)
    steady_base = offer.base * (1 + offer.annual_raise_pct / 100) ** vest_years
    steady = round(steady_base * (1 + offer.bonus_pct / 100) + offer.refresher_value, 2)
    steady_basis = (
        f"year {vest_years + 1}: base ${steady_base:,.0f} + target bonus "
        f"{offer.bonus_pct:g}% + refreshers ${offer.refresher_value:,.0f}/yr at steady state; "
        "initial grant and sign-on done")
    annualized = sum(totals) / len(totals)
    if offer.grant_value > 0 and offer.cliff_months > 0:
        cliff = (f"leaving before month {offer.cliff_months} forfeits the whole initial grant "
                 f"(${offer.grant_value:,.0f})")
    elif offer.grant_value > 0:
        cliff = "no cliff"
    else:
        cliff = "no initial equity grant"
    return OfferEvaluation(
        offer=offer, role=role, level=level, role_basis=role_basis, years=years,
        first_year_total=totals[0], year4_total=totals[HORIZON_YEARS - 1],
        annualized_total=annualized, steady_state_total=steady, steady_state_basis=steady_basis,
        cliff_note=cliff, cell=cell, cell_provenance=cell_summary(cell),
        place_differential=diff, national_equivalent_base=offer.base / (1 + diff),
        national_equivalent_total=annualized / (1 + diff),
        base_position=percentile_of(offer.base, cell),
        total_market=_total_market(market, role, level, offer.place, annualized, diff,
                                   offer.segment),
    )


class OfferReport(BaseModel):
    """Offers evaluated (years 1-4, annualized, steady state, market percentiles, metro
    differential) and, for two or more, which leads on each measure."""

    count: int
    evaluations: list[OfferEvaluation]
    highest_first_year: str | None = Field(description="label of the offer; null for one offer")
    highest_annualized: str | None
    highest_national_equivalent: str | None = Field(
        description="highest annualized total after removing each metro's pay differential")
    notes: list[str]


def parse_offers(offers: Offer | dict[str, Any] | Sequence[Offer | dict[str, Any]]) -> list[Offer]:
    """One offer or 2-4 (as `Offer` or JSON objects) validated; InputError naming the offer's
    field ('offers.1.base'), or 'offers' for none or too many."""
    items: list[Any] = [offers] if isinstance(offers, Offer | dict) else list(offers)
    if not 1 <= len(items) <= MAX_OFFERS:
        raise InputError(f"give one offer or 2-{MAX_OFFERS} to compare, found {len(items)}",
                         field="offers")
    return [o if isinstance(o, Offer) else offer_from_dict(o, f"offers.{i}")
            for i, o in enumerate(items)]


def offer_report(offers: Offer | dict[str, Any] | Sequence[Offer | dict[str, Any]],
                 market: Market) -> OfferReport:
    """Evaluate one offer or compare 2-4 (offers as `Offer` or JSON objects; `Paybench.offers`
    calls it). InputError naming the offer's field ('offers.1.base') on failure."""
    parsed = parse_offers(offers)
    if len(parsed) > 1:
        return compare_offers(parsed, market)
    e = evaluate_offer(parsed[0], market, "offers.0")
    notes = [] if e.total_market.available else [f"{e.offer.name}: total percentile {e.total_market.label}"]
    return OfferReport(count=1, evaluations=[e], highest_first_year=None, highest_annualized=None,
                       highest_national_equivalent=None, notes=notes)


def compare_offers(offers: list[Offer], market: Market) -> OfferReport:
    """Evaluate 2-4 offers and say which leads on first year, annualized and metro-adjusted."""
    if not 2 <= len(offers) <= MAX_OFFERS:
        raise InputError(f"compare 2-{MAX_OFFERS} offers, got {len(offers)}", field="offers")
    evals = [evaluate_offer(o, market, f"offers.{i}") for i, o in enumerate(offers)]
    names = [e.offer.name for e in evals]
    if len(set(names)) != len(names):
        for i, e in enumerate(evals, 1):
            e.offer.label = f"{i}. {e.offer.name}"
        names = [e.offer.name for e in evals]

    def best(key: str) -> str:
        return max(evals, key=lambda e: float(getattr(e, key))).offer.name

    notes = []
    places = {e.cell.place.label for e in evals}
    if len(places) > 1:
        notes.append("offers are in different places: compare national equivalents "
                     "(annualized total / (1 + the place's OEWS pay differential))")
    for e in evals:
        if not e.total_market.available:
            notes.append(f"{e.offer.name}: total percentile {e.total_market.label}")
    return OfferReport(
        count=len(evals), evaluations=evals, highest_first_year=best("first_year_total"),
        highest_annualized=best("annualized_total"),
        highest_national_equivalent=best("national_equivalent_total"), notes=notes,
    )
