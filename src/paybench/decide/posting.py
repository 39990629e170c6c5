"""The range to post for a role x level x place, and the US pay-transparency laws a posting
must meet: the one home of those laws' rules (`paybench/data/pay_transparency.json`).

The range: by default the market cell's P25-P75 (annual base, USD), or a band's min-max
when one is given (`band=(min, max)`), or other percentiles (`low_pct`, `high_pct`).

The laws: every state, county and city rule in the data file (24 jurisdictions as checked on
2026-12-02: California, Colorado, Connecticut, D.C., Hawaii, Illinois, Maryland,
Massachusetts, Minnesota, Nevada, New Jersey, New York State, New York City, Rhode Island,
Vermont, Washington, Delaware (enacted, from 2027-09-26), Jersey City, Ithaca, Westchester
County, Cleveland, Columbus, Toledo, Cincinnati), each with its citation, effective date,
employer-size threshold, kind (a *posting* rule, or an *on-request* rule that gives the range
to an applicant who asks, is interviewed or gets an offer), what a posting must state
(`must_state`: each element with the date since which it is required), how remote jobs are
covered (`remote`, one of :data:`REMOTE_SCOPES`), its sources and the date it was checked.

Which laws reach a posting (:func:`check_laws`):
- a state law when the worksite is in its state (on site, or remote from there); a city or
  county law when the worksite is in its city or county (the place's first part, or its ZIP
  code, looked up in the `zipcodes` package for its county);
- a remote job (a 'Remote' place, or `remote` given as 'US' or as the states it may be
  filled from) may fall under the laws of every state it may be filled from. "Applies" when
  the law covers remote jobs that *could* be performed there (California, Colorado, New
  Jersey, Washington, New York City: a job open anywhere in the US could be, so a nationwide
  remote posting is covered), or jobs that *will* be performed there (Illinois, Maryland, New
  York State) and its state was named as one the job may be filled from; "may apply" for
  those when the job is open anywhere (the agencies: covered when the employer foresees it
  will be done there), for a county law of that kind, and for laws that cover remote jobs only
  under another condition (an office or an employer there) or do not say; laws that reach
  only a worksite in their city are left out;
- a law not in effect on the posting date is "not yet in effect"; one whose threshold the
  employer's size is below is "not required"; without a size, "size unchecked" (an employee
  band such as "51 to 200" decides when it lies wholly above or below the threshold).
Not legal advice.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Sequence
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, Field, computed_field

from paybench.bench import BenchmarkCell
from paybench.decide.market import (
    Market,
    cell_summary,
    check_percentile,
    value_at_percentile,
)
from paybench.errors import InputError
from paybench.normalize.places import Place, city_county, normalize_place, zip_city_county
from paybench.resolve import resolve_level, resolve_place, resolve_role

Element = Literal["pay_range", "benefits", "other_compensation", "application_deadline",
                  "job_description", "healthcare_benefits"]
RemoteRule = Literal["could_be_performed_there", "performed_there", "office_there", "employer_based_there",
                     "worksite_only", "not_addressed"]
REMOTE_SCOPES: tuple[str, ...] = ("could_be_performed_there", "performed_there", "office_there",
                                  "employer_based_there", "worksite_only", "not_addressed")
"""How a law treats remote jobs (described in the data file's `remote_scopes`)."""

STATUSES = ("applies", "may apply", "size unchecked", "not required", "not yet in effect",
            "in effect")
"""A law's status for a posting ("in effect" / "not yet in effect" when no place is given)."""


class RequiredElement(BaseModel):
    """One thing a law requires a posting to state, since when."""

    element: Element
    since: dt.date
    required: Literal["always", "if applicable", "before the first interview"] = Field(
        description="'if applicable': only when the job has it (other compensation, a job "
                    "description); 'before the first interview': in the posting or before then")
    text: str = Field(description="what the law asks for, in its words")
    hyperlink_ok: bool = Field(default=False, description="a hyperlink to a public page with the "
                                                          "pay scale and benefits may stand in")


class PayLaw(BaseModel):
    """One pay-transparency law as kept in pay_transparency.json."""

    id: str
    jurisdiction: str
    level: Literal["state", "city", "county"]
    state: str = Field(description="two-letter state (or DC) code")
    city: str | None
    county: str | None
    localities: list[str] = Field(description="lower-case names of the city or county a worksite's "
                                              "text may give (city and county laws)")
    name: str
    citation: str
    kind: Literal["posting", "on_request"] = Field(
        description="posting: what a posting must state; on_request: the range is given to an "
                    "applicant who asks, is interviewed or gets an offer, not in the posting")
    effective: dt.date
    enforced_from: dt.date | None = Field(description="when enforcement starts, if later")
    amended: list[dict[str, str]]
    min_employees: int
    employees_counted: str
    covers: str
    remote: RemoteRule
    remote_rule: str
    range_rule: str
    commission_statement_ok: bool = Field(description="a commission-paid job may say so instead of "
                                                      "giving a range")
    must_state: list[RequiredElement]
    on_request: str | None = Field(description="what must be given on request, at interview or offer")
    notes: str
    sources: list[str]
    checked_on: dt.date

    @computed_field  # type: ignore[prop-decorator]
    @property
    def must_also_state(self) -> list[str]:
        """What a posting must state beyond the range, one line each (with the date since
        which it is required when later than the law, and 'if applicable')."""
        lines = []
        for item in self.must_state:
            if item.element == "pay_range":
                continue
            line = item.text
            if item.required != "always":
                line += f" ({item.required})"
            if item.since > self.effective:
                line += f" (since {item.since})"
            lines.append(line)
        return lines


class LawCheck(BaseModel):
    """One law against one posting."""

    law: PayLaw
    status: str = Field(description="applies, may apply, size unchecked, not required, not yet in "
                                    "effect (or, when no place is given, in effect)")
    reason: str


class RemoteScope(BaseModel):
    """Where a remote job may be filled from: nowhere (on site), anywhere in the US (`states`
    empty), or the states named."""

    remote: bool
    states: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """'on site', 'remote (US)' or 'remote (CO, NY)'."""
        if not self.remote:
            return "on site"
        return f"remote ({', '.join(self.states) if self.states else 'US'})"


class LawList(BaseModel):
    """The laws of a place (or all of them), as `paybench laws` lists them."""

    place: str | None
    remote: str
    posting_date: dt.date
    employer_size: int | None
    country: str | None = Field(description="the place's country (None: no place given)")
    laws: list[LawCheck]
    checked_on: dt.date
    checked_how: str
    note: str | None
    disclaimer: str = "A summary of the statutes as checked on the dates shown; not legal advice."


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
    on_request: list[str] = Field(default_factory=list,
                                  description="what must be given on request, at interview or offer")
    not_modelled: str | None = Field(description="a posting law exists there but is not modelled")
    disclaimer: str = "A summary of the statutes as checked on the dates shown; not legal advice."


@functools.cache
def _table() -> dict[str, Any]:
    text = resources.files("paybench.data").joinpath("pay_transparency.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@functools.cache
def _laws() -> tuple[PayLaw, ...]:
    return tuple(PayLaw(**law) for law in _table()["laws"])


def pay_laws() -> list[PayLaw]:
    """Every modelled law, in the data file's order."""
    return list(_laws())


def element_names() -> dict[str, str]:
    """Each element a law may require, with its description (from the data file)."""
    names: dict[str, str] = _table()["elements"]
    return dict(names)


# --------------------------------------------------------------------------- places
_PLACE_NOISE = re.compile(r"\b(?:remote|hybrid|on-?site|in[- ]office|united states|usa|us)\b|[()\[\]]",
                          re.IGNORECASE)
_ZIP = re.compile(r"\b(\d{5})(?:-\d{4})?\b")


@functools.cache
def place_localities(place: str, state: str) -> frozenset[str]:
    """Lower-case names of the city and county a worksite text names in `state`: its first
    part ('Brooklyn, NY' -> brooklyn) or the city of its ZIP code, and that city's county
    (the ZIP's own county, or the county most of the city's ZIP codes lie in), both from the
    places normalizer's ``zipcodes`` index (`places.zip_city_county`, `places.city_county`)."""
    names: set[str] = set()
    city = None
    zip_match = _ZIP.search(place)
    found = zip_city_county(zip_match.group(1)) if zip_match else None
    if found is not None:
        city = found[0].lower()
        if found[1]:
            names.add(found[1].lower())
    if city is None:
        parts = [p.strip(" .-–") for p in re.split(r",| - | – ", _PLACE_NOISE.sub(" ", place))]
        parts = [re.sub(r"\s+", " ", p).lower() for p in parts if p.strip(" .-–")]
        city = parts[0] if parts else None
    if city:
        names.add(city)
        county = city_county(city, state)
        if county:
            names.add(county.lower())
    return frozenset(names)


def in_locality(law: PayLaw, place: str, where: Place | None = None) -> bool:
    """Whether a worksite text lies in a city or county law's locality (False for a state law)."""
    if law.level == "state":
        return False
    where = where or normalize_place(place)
    if where.state != law.state:
        return False
    return bool(place_localities(place, law.state) & set(law.localities))


def is_new_york_city(place: str) -> bool:
    """Whether a worksite text names New York City, one of its boroughs or their counties."""
    nyc = next(law for law in _laws() if law.id == "nyc-ll32")
    try:
        return in_locality(nyc, place)
    except InputError:
        return False


_YES = {"us", "usa", "united states", "anywhere", "yes", "true", "1", "remote", "nationwide", "all"}
_NO = {"", "no", "none", "false", "0", "onsite", "on-site", "on site"}


def parse_remote(value: bool | str | Sequence[str] | RemoteScope | None) -> RemoteScope:
    """A remote scope from what a user gives: True or 'US' (anywhere in the US), False, None,
    'no' or 'onsite' (on site), or the states a remote job may be filled from ('CO,NY',
    ['Colorado', 'WA']). InputError (field 'remote') for a name that is not a US state."""
    if isinstance(value, RemoteScope):
        return value
    if value is None or value is False:
        return RemoteScope(remote=False)
    if value is True:
        return RemoteScope(remote=True)
    items = [value] if isinstance(value, str) else list(value)
    tokens = [t.strip() for item in items for t in re.split(r"[,;/]", str(item)) if t.strip()]
    if not tokens or all(t.lower() in _NO for t in tokens):
        return RemoteScope(remote=False)
    if any(t.lower() in _YES for t in tokens):
        if len(tokens) > 1:
            raise InputError(f"remote scope {', '.join(tokens)!r}: give 'US' or the states, not both",
                             field="remote")
        return RemoteScope(remote=True)
    states: list[str] = []
    for token in tokens:
        try:
            where = normalize_place(token)
        except InputError as exc:
            raise InputError(f"remote scope: {exc.message}", field="remote") from None
        if where.country not in (None, "US") or where.state is None:
            raise InputError(f"remote scope: {token!r} is not a US state; give 'US' or states such as "
                             "'CO,NY'", field="remote")
        if where.state not in states:
            states.append(where.state)
    return RemoteScope(remote=True, states=tuple(states))


# --------------------------------------------------------------------------- which laws
def _size_status(law: PayLaw, size: int | None, band: tuple[int, int | None] | None
                 ) -> tuple[str | None, str]:
    """(status override or None, reason text) from the employer's size or its band."""
    if size is not None:
        if size < law.min_employees:
            return "not required", f"{size} employees is below the threshold of {law.min_employees}"
        return None, ""
    if band is not None:
        lo, hi = band
        shown = f"{lo:,}-{hi:,}" if hi is not None else f"{lo:,}+"
        if lo >= law.min_employees:
            return None, f"; the employer has {shown} employees (threshold {law.min_employees})"
        if hi is not None and hi < law.min_employees:
            return "not required", (f"the employer has {shown} employees, below the threshold of "
                                    f"{law.min_employees}")
        return "size unchecked", (f"; the employer has {shown} employees and the law applies from "
                                  f"{law.min_employees}")
    return "size unchecked", f"; applies to employers with {law.min_employees}+ employees (size not given)"


def _reach(law: PayLaw, place: str, where: Place, scope: RemoteScope) -> tuple[str, str] | None:
    """(status, reason) when a law reaches the worksite or the remote scope, before dates and
    size; None when it does not."""
    if law.level == "state":
        if where.state == law.state:
            how = "remote from" if where.remote else "worksite in"
            return "applies", f"{how} {law.jurisdiction}"
    elif where.state == law.state and in_locality(law, place, where):
        how = "remote from" if where.remote else "worksite in"
        return "applies", f"{how} {law.jurisdiction}"
    if not scope.remote or law.remote == "worksite_only":
        return None
    named = law.state in scope.states
    anywhere = not scope.states  # a remote scope of the whole US, wherever the worksite is
    local_in_state = law.level != "state" and where.state == law.state
    if not (named or anywhere or local_in_state):
        return None
    where_from = (law.jurisdiction if named and law.level == "state" else law.state if named or local_in_state
                  else "anywhere in the US")
    reason = f"remote job that may be filled {'from ' if where_from != 'anywhere in the US' else ''}" \
             f"{where_from}: {law.remote_rule}"
    if law.remote == "could_be_performed_there" or (
            law.remote == "performed_there" and named and law.level == "state"):
        return "applies", reason
    return "may apply", reason


def _place_scope(scope: RemoteScope, where: Place) -> RemoteScope:
    """The remote scope a place implies when none was given: 'Remote' is a job that may be
    filled anywhere in the US, 'Remote - CO' one filled from Colorado."""
    if where.remote and not scope.remote:
        return RemoteScope(remote=True, states=(where.state,) if where.state else ())
    return scope


def check_laws(
    place: str, *, employer_size: int | None = None, remote: bool | str | Sequence[str] | RemoteScope = False,
    posting_date: dt.date | None = None, employer_size_band: tuple[int, int | None] | None = None,
    where: Place | None = None,
) -> list[LawCheck]:
    """The laws that apply, may apply, or do not apply to a posting at `place` (see the
    module docstring); `remote`: see :func:`parse_remote`; `employer_size_band`: the
    employer's head count as a band (low, high or None) when no exact size is known;
    `where`: the place already normalized. Laws that do not reach the place are left out;
    a worksite outside the US gives an empty list. InputError for a size below 1."""
    if employer_size is not None and employer_size < 1:
        raise InputError(f"employer size {employer_size} must be at least 1 employee",
                         field="employer_size")
    on = posting_date or dt.date.today()
    where = where or normalize_place(place)
    scope = _place_scope(parse_remote(remote), where)
    if where.country not in (None, "US"):
        return []
    out = []
    for law in _laws():
        reach = _reach(law, place, where, scope)
        if reach is None:
            continue
        status, reason = reach
        if on < law.effective:
            status, reason = "not yet in effect", f"{reason}; in effect from {law.effective}"
        else:
            override, extra = _size_status(law, employer_size, employer_size_band)
            if override == "not required":
                status, reason = override, extra
            else:
                reason += extra
                if override == "size unchecked" and status == "applies":
                    status = override
            if law.enforced_from is not None and on < law.enforced_from:
                reason += f"; enforced from {law.enforced_from}"
        out.append(LawCheck(law=law, status=status, reason=reason))
    return out


def place_guess(where: Place) -> str | None:
    """When a worksite was a guess among places of one name ("Columbus": Ohio, Georgia or
    Indiana; city ordinances reach one of them only), the sentence saying which was assumed
    and the others: "place read as Columbus, OH (ambiguous city name ...); for another, give
    it with its state: Columbus, GA; Columbus, IN". None for a sure reading. The guess is the
    place normalizer's (`Place.confidence`, `Place.candidates`)."""
    if where.confidence >= 1.0 or len(where.candidates) < 2:
        return None
    chosen, *others = where.candidates
    why = f" ({where.note})" if where.note else ""
    return (f"place read as {chosen}{why}; the laws listed are that place's: for another, give it "
            f"with its state or country: {'; '.join(others)}")


def list_laws(place: str | None = None, *, remote: bool | str | Sequence[str] | RemoteScope = False,
              employer_size: int | None = None, posting_date: dt.date | None = None) -> LawList:
    """The laws of a place (as :func:`check_laws` finds them), or, without a place or a
    remote scope, every law with whether it is in effect on `posting_date` (default today).
    InputError (field 'place') for a place that cannot be placed."""
    on = posting_date or dt.date.today()
    scope = parse_remote(remote)
    table = _table()
    country = None
    note = None
    if place is None and not scope.remote:
        checks = [LawCheck(law=law, status="in effect" if on >= law.effective else "not yet in effect",
                           reason=(f"in effect since {law.effective}" if on >= law.effective
                                   else f"in effect from {law.effective}"))
                  for law in _laws()]
    else:
        text = place if place is not None else "Remote"
        try:
            where = normalize_place(text)
        except InputError as exc:
            raise exc.with_field("place") from None
        country = where.country
        scope = _place_scope(scope, where)  # 'Remote' says remote (US), as the laws are found
        checks = check_laws(text, employer_size=employer_size, remote=scope, posting_date=on, where=where)
        if where.country not in (None, "US"):
            note = f"no US pay-transparency law applies: the place is outside the US ({where.country})"
        elif not checks:
            note = "no modelled pay-transparency law reaches this place"
        guess = place_guess(where)
        if guess is not None:
            note = guess if note is None else f"{guess}; {note}"
    return LawList(place=place, remote=scope.label, posting_date=on, employer_size=employer_size,
                   country=country, laws=checks, checked_on=dt.date.fromisoformat(table["checked_on"]),
                   checked_how=table["checked_how"], note=note)


def must_state_lines(checks: Sequence[LawCheck]) -> tuple[list[str], list[str]]:
    """(what a posting must state, what must be given on request) under the laws that apply,
    may apply or whose size is unchecked: one line per law and element."""
    must: list[str] = []
    on_request: list[str] = []
    for check in checks:
        if check.status not in ("applies", "size unchecked", "may apply"):
            continue
        law = check.law
        lead = f"{law.jurisdiction} ({law.citation})"
        if law.on_request:
            on_request.append(f"{lead}: {law.on_request}")
        for item in law.must_state:
            text = f"range: {law.range_rule}" if item.element == "pay_range" else item.text
            if item.element != "pay_range" and item.required != "always":
                text += f" ({item.required})"
            if item.since > law.effective:
                text += f" (since {item.since})"
            line = f"{lead}: {text}"
            if line not in must:
                must.append(line)
    return must, on_request


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
    must, on_request = must_state_lines(laws)
    where = normalize_place(place)
    modelled_states = {law.state for law in _laws()}
    others: dict[str, str] = _table()["not_modelled"]["states"]
    not_modelled = None
    if where.state and where.state not in modelled_states and where.state in others:
        not_modelled = (f"{where.state} has a posting law not modelled here "
                        f"({others[where.state]}); check it")
    elif (remote or where.remote) and where.state is None and others:
        not_modelled = ("a remote job may also fall under laws not modelled here: "
                        + "; ".join(f"{k}: {v}" for k, v in others.items()))
    return PostingRange(
        role=role, role_name=cell.role_name, level=level, place=cell.place.label,
        remote=remote or where.remote, low=low, high=high, low_hourly=round(low / 2080, 2),
        high_hourly=round(high / 2080, 2), range_basis=basis, cell=cell,
        cell_provenance=cell_summary(cell), employer_size=employer_size, posting_date=on,
        laws=laws, must_state=must, on_request=on_request, not_modelled=not_modelled)
