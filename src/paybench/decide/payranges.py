"""Pay ranges per category of workers, from the employer's own payroll, beside the market
(the ranges Directive (EU) 2023/970 has employers give applicants, Art. 5, and workers on
request, Art. 7; the structures of Art. 4).

For each category of workers: the range of full-time-equivalent annual basic pay
(annual_base x full-time hours / the worker's hours, so that a part-timer's range position is
her pay rate, not her hours): minimum, P25, median, P75 and maximum (percentiles by linear
interpolation between the sorted values, Hyndman and Fan's type 7, numpy's default), and the
employer's own position by gender: the mean compa-ratio (pay / the category's median) of its
women and of its men. Where the payroll names each worker's paybench role and level
(``role_column``, ``level_column``) and all of a category's workers share one, the range is set
beside that market cell (`paybench.decide.market.Market.cell` in ``place``), converted from US
dollars to the payroll's currency at the ECB reference rate of the method's effective date
(`paybench.normalize.money.usd_per_unit`), with the mean compa-ratio to the market P50 by
gender and the percentile of the category's median in the cell.

A category with fewer than `min_group` women or men gets no figures, only its size: its
minimum and maximum would be one person's pay (`paybench.decide.payroll.too_small`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import BaseModel, Field

from paybench.decide.payroll import MAN, WOMAN, Payroll, too_small
from paybench.errors import InputError, PaybenchError

if TYPE_CHECKING:
    from paybench.decide.market import Market


class MarketComparison(BaseModel):
    """A category's market cell, in the payroll's currency a year (base pay, full time)."""

    role: str
    level: str
    place: str = Field(description="the cell's place label")
    p25: float
    p50: float
    p75: float
    usd_per_unit: float = Field(description="US dollars per unit of the payroll's currency")
    rate_date: str = Field(description="the ECB reference rate's date (the method's effective date)")
    compa_women: float = Field(description="mean of women's pay / market P50")
    compa_men: float
    median_percentile: float = Field(description="the category's median pay in the cell, 0-100")
    cell_n: int = Field(description="observations in the cell")
    cell_method: str
    cell_confidence: str
    provenance: str = Field(description="the cell's n, method, confidence and sources")


class PayRange(BaseModel):
    """One category's range of full-time annual basic pay, in the payroll's currency."""

    category: str
    n: int = Field(description="workers in the category (any gender)")
    n_women: int
    n_men: int
    withheld: str | None = None
    minimum: float | None = None
    p25: float | None = None
    median: float | None = None
    p75: float | None = None
    maximum: float | None = None
    compa_women: float | None = Field(default=None, description="mean of women's pay / the category median")
    compa_men: float | None = None
    market: MarketComparison | None = None
    market_note: str | None = Field(default=None, description="why there is no market comparison")


def _one(values: np.ndarray | None, where: np.ndarray) -> tuple[str | None, str]:
    """The one non-blank value of `values` at `where`, or None and why."""
    if values is None:
        return None, ""
    found = sorted({str(v) for v in values[where] if str(v).strip()})
    if not found:
        return None, "no value"
    if len(found) > 1:
        more = ", ..." if len(found) > 3 else ""
        return None, f"{len(found)} different values ({', '.join(found[:3])}{more})"
    return found[0], ""


def pay_ranges(payroll: Payroll, *, min_group: int, market: Market | None = None, place: str = "US",
               currency: str | None = None) -> tuple[list[PayRange], list[str]]:
    """The pay range of each category of `payroll` and notes; with `market` (and a role
    column), each beside its market cell in `place`. InputError (field 'currency') when the
    market is asked for without the payroll's currency, or the currency has no ECB rate."""
    notes: list[str] = []
    rate = 0.0
    rate_date = ""
    compare = market is not None and payroll.role is not None
    if market is not None and payroll.role is None:
        notes.append("no role column: the pay ranges are not compared with the market")
    if compare:
        from paybench.errors import MoneyError
        from paybench.normalize.money import usd_per_unit

        if not currency:
            raise InputError("give the payroll's currency (e.g. EUR) to compare its ranges with market "
                             "cells, which are in US dollars", field="currency")
        assert market is not None
        day = market.model.params.effective_date
        try:
            rate = usd_per_unit(currency, day)
        except MoneyError as exc:
            raise InputError(exc.message, field="currency") from None
        rate_date = day.isoformat()
    fte_base = payroll.annual_base * payroll.full_time_hours / payroll.hours
    out: list[PayRange] = []
    for c, label in enumerate(payroll.categories):
        in_cat = payroll.category == c
        women, men = in_cat & (payroll.gender == WOMAN), in_cat & (payroll.gender == MAN)
        row = PayRange(category=label, n=int(in_cat.sum()), n_women=int(women.sum()), n_men=int(men.sum()))
        row.withheld = too_small(row.n_women, row.n_men, min_group)
        out.append(row)
        if row.withheld:
            continue
        values = fte_base[in_cat]
        low, p25, mid, p75, high = (float(v) for v in np.percentile(values, [0, 25, 50, 75, 100]))
        row.minimum, row.p25, row.median, row.p75, row.maximum = low, p25, mid, p75, high
        if mid > 0:
            row.compa_women = float(np.mean(fte_base[women] / mid))
            row.compa_men = float(np.mean(fte_base[men] / mid))
        if not compare:
            continue
        assert market is not None
        role, why_role = _one(payroll.role, in_cat)
        level, why_level = _one(payroll.level, in_cat)
        if role is None:
            row.market_note = f"role: {why_role}"
            continue
        if payroll.level is not None and level is None:
            row.market_note = f"level: {why_level}"
            continue
        row.market, row.market_note = _market(market, role, level, place, rate, rate_date,
                                              fte_base[women], fte_base[men], mid)
    return out, notes


def _market(market: Market, role: str, level: str | None, place: str, rate: float, rate_date: str,
            women: np.ndarray, men: np.ndarray, mid: float) -> tuple[MarketComparison | None, str | None]:
    from paybench.decide.market import cell_summary, percentile_of
    from paybench.resolve import role_level

    try:
        found, level_name, _basis = role_level(role, level, default_level=False)
        cell = market.cell(found.id, level_name, place)
    except PaybenchError as exc:
        return None, exc.message
    per_unit = 1.0 / rate
    p25, p50, p75 = cell.p25 * per_unit, cell.p50 * per_unit, cell.p75 * per_unit
    position = percentile_of(mid * rate, cell) if mid > 0 else None
    return MarketComparison(
        role=found.id, level=level_name, place=cell.place.label, p25=p25, p50=p50, p75=p75,
        usd_per_unit=rate, rate_date=rate_date, compa_women=float(np.mean(women / p50)),
        compa_men=float(np.mean(men / p50)),
        median_percentile=position.percentile if position is not None else 0.0, cell_n=cell.n,
        cell_method=cell.method, cell_confidence=cell.confidence, provenance=cell_summary(cell)), None
