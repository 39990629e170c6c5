"""The range to post for a role x level x place, and the pay-transparency law it must meet.

The range: by default the market cell's P25-P75 (annual base, USD), or a band's min-max
when one is given (`band=(min, max)`), or other percentiles (`low_pct`, `high_pct`).

The law: the worksite's state (and New York City) is looked up in
`paybench/data/pay_transparency.json` (California, Colorado, New York State, New York
City, Washington, Illinois), each with its citation, effective date, employer-size
threshold, what the range must be and what else the posting must state, and the date it
was checked. A law applies when the worksite is in its jurisdiction, it is in effect on
the posting date and the employer meets its size threshold (without an employer size the
threshold is reported as unchecked). A remote job that could be filled from anywhere in
the US may fall under every listed law: they are reported as "may apply". Not legal advice.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from importlib import resources
from typing import Any

from pydantic import BaseModel, Field

from paybench.bench import BenchmarkCell
from paybench.decide.market import (
    Market,
    cell_summary,
    check_percentile,
    value_at_percentile,
)
from paybench.errors import InputError
from paybench.normalize.places import normalize_place
from paybench.resolve import resolve_level, resolve_place, resolve_role

_NYC = re.compile(
    r"\b(new york city|nyc|manhattan|brooklyn|queens|bronx|staten island)\b"
    r"|^\s*new york\s*,\s*(ny|new york)\b", re.IGNORECASE)


class PayLaw(BaseModel):
    """One pay-transparency law as kept in pay_transparency.json."""

    id: str
    jurisdiction: str
    state: str
    city: str | None
    name: str
    citation: str
    effective: dt.date
    amended: list[dict[str, str]]
    min_employees: int
    covers: str
    range_rule: str
    must_also_state: list[str]
    notes: str
    sources: list[str]
    checked_on: dt.date


@functools.cache
def _table() -> dict[str, Any]:
    text = resources.files("paybench.data").joinpath("pay_transparency.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def pay_laws() -> list[PayLaw]:
    """Every modelled law."""
    return [PayLaw(**law) for law in _table()["laws"]]


class LawCheck(BaseModel):
    """One law against one posting."""

    law: PayLaw
    status: str = Field(description="applies, may apply, not required, not yet in effect, "
                                    "size unchecked")
    reason: str


class PostingRange(BaseModel):
    """The range to post and the laws that govern the posting."""

    role: str
    role_name: str
    level: str
    place: str
    remote: bool
    low: float = Field(description="annual USD")
    high: float = Field(description="annual USD")
    low_hourly: float = Field(description="low / 2,080, USD per hour")
    high_hourly: float
    range_basis: str
    cell: BenchmarkCell
    cell_provenance: str
    employer_size: int | None
    posting_date: dt.date
    laws: list[LawCheck]
    must_state: list[str] = Field(description="everything the posting must state under the laws that apply")
    not_modelled: str | None = Field(description="a posting law exists there but is not modelled")
    disclaimer: str = "A summary of the statutes as checked on the dates shown; not legal advice."


def is_new_york_city(place: str) -> bool:
    """Whether a worksite text names New York City or one of its boroughs."""
    return bool(_NYC.search(place))


def check_laws(
    place: str, *, employer_size: int | None = None, remote: bool = False,
    posting_date: dt.date | None = None,
) -> list[LawCheck]:
    """The modelled laws that apply, may apply, or do not apply to a posting (see module doc)."""
    if employer_size is not None and employer_size < 1:
        raise InputError(f"employer size {employer_size} must be at least 1 employee",
                         field="employer_size")
    on = posting_date or dt.date.today()
    where = normalize_place(place)
    remote = remote or where.remote
    nyc = is_new_york_city(place)
    if where.country not in (None, "US"):
        return []
    out = []
    for law in pay_laws():
        in_state = where.state == law.state
        in_place = in_state and (law.city is None or nyc)
        if in_place:
            status, reason = "applies", f"worksite in {law.jurisdiction}"
        elif remote and where.state is None:
            status, reason = "may apply", (
                f"remote job: covered if it could be performed in {law.jurisdiction} "
                "(or, for some laws, reports to a supervisor or office there)")
        else:
            continue
        if on < law.effective:
            status, reason = "not yet in effect", f"in effect from {law.effective}"
        elif employer_size is None:
            reason += f"; applies to employers with {law.min_employees}+ employees (size not given)"
            if status == "applies":
                status = "size unchecked"
        elif employer_size < law.min_employees:
            status, reason = "not required", (
                f"{employer_size} employees is below the threshold of {law.min_employees}")
        out.append(LawCheck(law=law, status=status, reason=reason))
    return out


def posting_range(
    market: Market, role: str, level: str, place: str, *, employer_size: int | None = None,
    remote: bool = False, band: tuple[float, float] | None = None, low_pct: float = 25,
    high_pct: float = 75, posting_date: dt.date | None = None,
) -> PostingRange:
    """The range to post and the laws to meet (`Paybench.posting_range` calls it)."""
    role, level = resolve_role(role).role.id, resolve_level(level)
    resolve_place(place)
    cell = market.cell(role, level, place)
    if band is not None:
        low, high = band
        if not 0 < low <= high:
            raise InputError(f"band {low:g}-{high:g}: give a positive minimum not above the maximum",
                             field="band_min")
        basis = f"the band given: ${low:,.0f}-${high:,.0f}"
    else:
        check_percentile(low_pct, "low_pct")
        check_percentile(high_pct, "high_pct")
        if not low_pct < high_pct:
            raise InputError(f"percentiles {low_pct:g}-{high_pct:g} must satisfy low < high",
                             field="high_pct")
        low, high = value_at_percentile(cell, low_pct), value_at_percentile(cell, high_pct)
        low, high = round(low, -2), round(high, -2)
        basis = f"market P{low_pct:g}-P{high_pct:g} of {cell.role_name}, {level}, {cell.place.label}"
    on = posting_date or dt.date.today()
    laws = check_laws(place, employer_size=employer_size, remote=remote, posting_date=on)
    must: list[str] = []
    for check in laws:
        if check.status in ("applies", "size unchecked", "may apply"):
            for item in [f"range: {check.law.range_rule}", *check.law.must_also_state]:
                line = f"{check.law.jurisdiction} ({check.law.citation}): {item}"
                if line not in must:
                    must.append(line)
    where = normalize_place(place)
    modelled_states = {law.state for law in pay_laws()}
    others: dict[str, str] = _table()["not_modelled"]["states"]
    not_modelled = None
    if where.state and where.state not in modelled_states and where.state in others:
        not_modelled = (f"{where.state} has a posting law not modelled here "
                        f"({others[where.state]}); check it")
    elif (remote or where.remote) and where.state is None:
        not_modelled = ("a remote job may also fall under laws not modelled here: "
                        + "; ".join(f"{k}: {v}" for k, v in others.items()))
    return PostingRange(
        role=role, role_name=cell.role_name, level=level, place=cell.place.label,
        remote=remote or where.remote, low=low, high=high, low_hourly=round(low / 2080, 2),
        high_hourly=round(high / 2080, 2), range_basis=basis, cell=cell,
        cell_provenance=cell_summary(cell), employer_size=employer_size, posting_date=on,
        laws=laws, must_state=must, not_modelled=not_modelled)
