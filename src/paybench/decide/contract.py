"""Contract rate versus salary, with every assumption explicit and changeable.

The comparison asks: what salary (W2, with benefits, paid leave and the employer's share
of payroll taxes) is worth the same as an hourly contract (1099/C2C) rate, where the
contractor is paid only for hours billed and buys their own benefits?

    billable hours  = (standard hours - paid-time-off days x hours per day) x (1 - bench share)
                      (or `billable_hours_per_year` when given)
    contract income = hourly rate x billable hours
    salary equivalent = contract income / (1 + benefits load + employer payroll tax)

and the inverse, rate = salary x (1 + benefits load + employer payroll tax) / billable hours.

Defaults (assumptions, not data; change them):
- 2,080 standard hours (40 h x 52 weeks), 8 hours a day;
- 25 paid days off (15 vacation + 10 holidays) that an employee is paid for and a
  contractor is not;
- bench share 10%: time between contracts or otherwise unbilled;
- benefits load 25% of salary: employer-paid health insurance, retirement and similar.
  BLS Employer Costs for Employee Compensation puts all benefits at roughly 30% of total
  compensation in private industry (about 42% of wages), but that total includes paid
  leave and legally required payroll taxes, counted separately here; 25% of salary for
  the rest is our round assumption, not a measured figure;
- employer payroll tax 7.65% (FICA: 6.2% Social Security + 1.45% Medicare), which a W2
  employer pays and a 1099 contractor pays themselves as self-employment tax. Flat on the
  whole salary: above the Social Security wage base the true employer share is 1.45%, so
  this overstates the tax for high salaries.
Money: rates in USD per hour, salaries in annual USD.
"""

from __future__ import annotations

import math
from typing import Literal

import pandas as pd
from pydantic import BaseModel, Field, model_validator

from paybench.decide.market import Market, PublishedFigure
from paybench.errors import InputError, MoneyError
from paybench.normalize.money import HOURS_PER_YEAR
from paybench.records import Number
from paybench.resolve import resolve_level, resolve_place, resolve_role

W2_EQUIVALENT_LEVELS = ("mid", "senior")


class ContractAssumptions(BaseModel):
    """The assumptions of a contract-salary conversion (see the module docstring)."""

    standard_hours_per_year: Number = Field(default=float(HOURS_PER_YEAR), description="hours")
    hours_per_day: Number = 8.0
    paid_time_off_days: Number = Field(default=25.0, description="vacation + holidays, days")
    bench_share: Number = Field(default=0.10, description="unbilled share of working time, 0-1")
    benefits_load: Number = Field(default=0.25, description="employer-paid benefits / salary")
    employer_payroll_tax: Number = Field(default=0.0765, description="employer FICA / salary")
    billable_hours_per_year: Number | None = Field(
        default=None, description="override the computed billable hours")

    @model_validator(mode="after")
    def _check(self) -> ContractAssumptions:
        """InputError (not a validation error) naming the assumption at fault."""
        def bad(field: str, message: str) -> InputError:
            return InputError(message, field=field)

        if not 0 < self.standard_hours_per_year <= 366 * 24:
            raise bad("standard_hours_per_year", f"standard hours {self.standard_hours_per_year:g} "
                      "must be between 0 and 8,784")
        if not 0 < self.hours_per_day <= 24:
            raise bad("hours_per_day", f"hours per day {self.hours_per_day:g} must be between 0 and 24")
        if self.paid_time_off_days < 0 or self.paid_time_off_days * self.hours_per_day >= \
                self.standard_hours_per_year:
            raise bad("paid_time_off_days",
                      f"paid time off {self.paid_time_off_days:g} days leaves no working hours")
        if not 0 <= self.bench_share < 1:
            raise bad("bench_share", f"bench share {self.bench_share:g} must be in [0, 1) (0.10 = 10%)")
        if not 0 <= self.benefits_load <= 2:
            raise bad("benefits_load",
                      f"benefits load {self.benefits_load:g} must be in [0, 2] (0.25 = 25% of salary)")
        if not 0 <= self.employer_payroll_tax <= 0.5:
            raise bad("employer_payroll_tax",
                      f"employer payroll tax {self.employer_payroll_tax:g} must be in [0, 0.5]")
        if self.billable_hours_per_year is not None and not \
                0 < self.billable_hours_per_year <= self.standard_hours_per_year:
            raise bad("billable_hours_per_year", f"billable hours {self.billable_hours_per_year:g} "
                      "must be positive and at most the standard hours")
        return self

    @property
    def billable_hours(self) -> float:
        """Hours billed in a year (see the module docstring)."""
        if self.billable_hours_per_year is not None:
            return self.billable_hours_per_year
        worked = self.standard_hours_per_year - self.paid_time_off_days * self.hours_per_day
        return worked * (1 - self.bench_share)

    @property
    def load_factor(self) -> float:
        """1 + benefits load + employer payroll tax."""
        return 1 + self.benefits_load + self.employer_payroll_tax


class ContractConversion(BaseModel):
    """A conversion in one direction, with its formula written out."""

    hourly_rate: float = Field(description="USD per hour")
    salary_equivalent: float = Field(description="annual USD")
    contract_income: float = Field(description="hourly rate x billable hours, annual USD")
    billable_hours: float
    load_factor: float
    assumptions: ContractAssumptions
    formula: list[str]


def _hours_line(a: ContractAssumptions) -> str:
    if a.billable_hours_per_year is not None:
        return f"billable hours = {a.billable_hours:,.0f} (given)"
    return (f"billable hours = ({a.standard_hours_per_year:,.0f} - {a.paid_time_off_days:g} days x "
            f"{a.hours_per_day:g} h) x (1 - {a.bench_share:g} bench) = {a.billable_hours:,.1f}")


def _load_line(a: ContractAssumptions) -> str:
    return (f"load = 1 + {a.benefits_load:g} benefits + {a.employer_payroll_tax:g} employer payroll tax "
            f"= {a.load_factor:g}")


def _positive(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise MoneyError(f"{name} must be a number, got {value!r}")
    if value <= 0:
        raise MoneyError(f"{name} must be positive, got {value:g}")
    return float(value)


def contract_to_salary(
    hourly_rate: float, assumptions: ContractAssumptions | None = None
) -> ContractConversion:
    """The annual salary worth the same as an hourly contract rate (USD per hour)."""
    rate = _positive("hourly rate", hourly_rate)
    if rate > 5000:
        raise MoneyError(f"hourly rate {rate:g} looks annual; give USD per hour")
    a = assumptions or ContractAssumptions()
    income = rate * a.billable_hours
    salary = income / a.load_factor
    return ContractConversion(
        hourly_rate=rate, salary_equivalent=round(salary, 2), contract_income=round(income, 2),
        billable_hours=a.billable_hours, load_factor=a.load_factor, assumptions=a,
        formula=[_hours_line(a),
                 f"contract income = ${rate:,.2f}/h x {a.billable_hours:,.1f} h = ${income:,.2f}",
                 _load_line(a),
                 f"salary equivalent = ${income:,.2f} / {a.load_factor:g} = ${salary:,.2f}"])


def salary_to_contract(
    annual_salary: float, assumptions: ContractAssumptions | None = None
) -> ContractConversion:
    """The hourly contract rate (USD per hour) worth the same as an annual salary."""
    salary = _positive("salary", annual_salary)
    if salary < 1000:
        raise MoneyError(f"salary {salary:g} looks hourly or in thousands; give annual USD")
    a = assumptions or ContractAssumptions()
    income = salary * a.load_factor
    rate = income / a.billable_hours
    return ContractConversion(
        hourly_rate=round(rate, 2), salary_equivalent=salary, contract_income=round(income, 2),
        billable_hours=a.billable_hours, load_factor=a.load_factor, assumptions=a,
        formula=[_load_line(a),
                 f"contract income needed = ${salary:,.2f} x {a.load_factor:g} = ${income:,.2f}",
                 _hours_line(a),
                 f"hourly rate = ${income:,.2f} / {a.billable_hours:,.1f} h = ${rate:,.2f}/h"])


class PublishedRate(BaseModel):
    """A published hourly range (or single figure) and where the rate falls against it."""

    group: str = Field(description="the figures' range group (or the single figure's id)")
    figure_ids: list[str]
    employment_type: str | None
    low_hourly: float | None
    high_hourly: float | None
    position: str = Field(description="below, within, above the range (or vs a single figure)")
    citation: str | None


class SurveyRates(BaseModel):
    """Survey rows of contract/freelance workers, their annual pay read as hourly at 2,080 h."""

    scope: str
    n: int = Field(description="distinct rows (duplicates in the survey counted once)")
    p25_hourly: float | None = None
    median_hourly: float | None = None
    p75_hourly: float | None = None
    share_below_rate: float | None = Field(default=None, description="0-1, of rows below the rate")


class W2Equivalent(BaseModel):
    """The market salary cell of the role and the contract rate each percentile is worth."""

    level: str
    place: str
    p25_salary: float
    p50_salary: float
    p75_salary: float
    p25_rate: float
    p50_rate: float
    p75_rate: float
    provenance: str


class ContractMarket(BaseModel):
    """Where a contract rate sits among market contract rates for a role, and a check of
    published hourly ranges against what the store says."""

    role: str
    hourly_rate: float | None
    published: list[PublishedRate]
    published_general: list[PublishedRate] = Field(
        description="role-less published ML hourly figures")
    survey_role: SurveyRates
    survey_all_roles: SurveyRates
    w2_equivalents: list[W2Equivalent]
    checks: list[str] = Field(description="published ranges compared with the store's evidence")


def _published_rates(figs: list[PublishedFigure], rate: float | None) -> list[PublishedRate]:
    groups: dict[str, list[PublishedFigure]] = {}
    for fig in figs:
        groups.setdefault(fig.group_key or fig.figure_id or "", []).append(fig)
    out = []
    for group, items in sorted(groups.items()):
        items = sorted(items, key=lambda f: (f.stat != "range_low", f.stat))
        low = next((f.amount_raw for f in items if f.stat == "range_low"), None)
        high = next((f.amount_raw for f in items if f.stat == "range_high"), None)
        if low is None and high is None:
            low = high = items[0].amount_raw
        if rate is None:
            pos = "no rate given"
        elif low is not None and rate < low:
            pos = "below"
        elif high is not None and rate > high:
            pos = "above"
        elif low is not None and high is not None:
            pos = "within"
        else:
            pos = "at or below the top figure"
        out.append(PublishedRate(
            group=group, figure_ids=[str(f.figure_id) for f in items],
            employment_type=items[0].employment_type,
            low_hourly=low, high_hourly=high, position=pos, citation=items[0].citation))
    return out


def _survey(rows: pd.DataFrame, scope: str, rate: float | None) -> SurveyRates:
    if rows.empty:
        return SurveyRates(scope=scope, n=0)
    hourly = rows["annual_usd"].astype(float) / HOURS_PER_YEAR
    share = float((hourly < rate).mean()) if rate is not None else None
    return SurveyRates(
        scope=scope, n=len(rows), p25_hourly=round(float(hourly.quantile(0.25)), 2),
        median_hourly=round(float(hourly.median()), 2),
        p75_hourly=round(float(hourly.quantile(0.75)), 2), share_below_rate=share)


def contract_market(
    market: Market, role: str, hourly_rate: float | None = None, *, place: str = "US",
    level: str | None = None, assumptions: ContractAssumptions | None = None,
) -> ContractMarket:
    """Place an hourly rate among the store's contract evidence for a role (id, name or title)."""
    role = resolve_role(role).role.id
    if hourly_rate is not None:
        _positive("hourly rate", hourly_rate)
    a = assumptions or ContractAssumptions()
    published = _published_rates(market.hourly_figures(role), hourly_rate)
    general = _published_rates(market.hourly_figures(None), hourly_rate)
    rows = market.contract_rows
    us = rows[rows["country"] == "US"] if not rows.empty else rows
    survey_role = _survey(us[us["role"] == role] if not us.empty else us,
                          f"ai-jobs survey contract/freelance rows, {role}, US", hourly_rate)
    survey_all = _survey(us, "ai-jobs survey contract/freelance rows, all roles, US", hourly_rate)
    levels = [resolve_level(level)] if level else list(W2_EQUIVALENT_LEVELS)
    w2 = []
    for lvl in levels:
        cell = market.cell(role, lvl, place)
        rates = {p: salary_to_contract(getattr(cell, f"p{p}"), a).hourly_rate for p in (25, 50, 75)}
        w2.append(W2Equivalent(
            level=lvl, place=cell.place.label, p25_salary=cell.p25, p50_salary=cell.p50,
            p75_salary=cell.p75, p25_rate=rates[25], p50_rate=rates[50], p75_rate=rates[75],
            provenance=f"cell n={cell.n} (national {cell.n_parent}), {cell.method}, {cell.confidence}"))
    checks = []
    for pub in published:
        if pub.low_hourly is None or pub.high_hourly is None:
            continue
        span = f"${pub.low_hourly:,.0f}-${pub.high_hourly:,.0f}/h ({pub.employment_type}; {pub.group})"
        if survey_role.n:
            checks.append(
                f"{span} vs {survey_role.n} survey contract/freelance rows for {role} (US): median "
                f"${survey_role.median_hourly:,.2f}/h at 2,080 h (P25-P75 ${survey_role.p25_hourly:,.2f}-"
                f"${survey_role.p75_hourly:,.2f}); the survey rows are "
                + _compare(survey_role.median_hourly or 0, pub.low_hourly, pub.high_hourly)
                + " the published range")
        else:
            checks.append(f"{span}: no survey contract rows for {role} in the store")
        for eq in w2:
            checks.append(
                f"{span} vs the W2-equivalent of the {eq.level} salary cell ({eq.place}): P25-P75 "
                f"${eq.p25_rate:,.2f}-${eq.p75_rate:,.2f}/h (P50 ${eq.p50_rate:,.2f}/h) under the stated "
                "assumptions; the cell's P50 equivalent is "
                + _compare(eq.p50_rate, pub.low_hourly, pub.high_hourly) + " the published range")
    if not published:
        checks.append(f"the store has no published hourly contract figures for {role}")
    return ContractMarket(role=role, hourly_rate=hourly_rate, published=published,
                          published_general=general, survey_role=survey_role,
                          survey_all_roles=survey_all, w2_equivalents=w2, checks=checks)


def _compare(value: float, low: float, high: float) -> str:
    if value < low:
        return "below"
    if value > high:
        return "above"
    return "within"


class ContractResult(BaseModel):
    """A conversion with its formula, and the market placement when a role was given."""

    direction: Literal["rate_to_salary", "salary_to_rate"]
    conversion: ContractConversion
    market: ContractMarket | None


def contract_result(
    hourly_rate: float | None, salary: float | None, *,
    assumptions: ContractAssumptions | None = None, role: str | None = None,
    level: str | None = None, place: str = "US", market: Market | None = None,
) -> ContractResult:
    """Convert exactly one of an hourly rate (USD per hour) or a salary (annual USD) and, with a
    role (and the market), place the rate among the role's contract evidence (`Paybench.contract`
    calls it). InputError naming the field at fault."""
    if (hourly_rate is None) == (salary is None):
        raise InputError("give either an hourly rate (USD per hour) or a salary (annual USD)",
                         field="hourly_rate")
    a = assumptions or ContractAssumptions()
    direction: Literal["rate_to_salary", "salary_to_rate"]
    try:
        if hourly_rate is not None:
            conv, direction = contract_to_salary(hourly_rate, a), "rate_to_salary"
        else:
            conv, direction = salary_to_contract(salary or 0.0, a), "salary_to_rate"
    except InputError as exc:
        raise exc.with_field("hourly_rate" if hourly_rate is not None else "salary") from None
    placed = None
    if role is not None and role.strip():
        if market is None:
            raise InputError("placing a rate in its market needs the market data", field="role")
        resolve_role(role)
        resolve_place(place)
        if level:
            resolve_level(level)
        placed = contract_market(market, role, conv.hourly_rate, place=place, level=level,
                                 assumptions=a)
    return ContractResult(direction=direction, conversion=conv, market=placed)
