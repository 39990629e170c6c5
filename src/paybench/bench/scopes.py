"""The places a cell can cover (scopes) and how any place maps to one.

Scopes: `national` (the US), `metro` (a CBSA), `state` (a US state), `remote` (remote work
in the US) and `country` (another country, as a whole). A US place with a metro is the metro;
else remote work is `remote`; else a state is the state; else the nation. A place outside the
US is its country. `area_key` gives the OEWS area a metro or state is published under.
"""

from __future__ import annotations

import functools
from typing import Any

from pydantic import BaseModel, Field

from paybench.errors import InputError
from paybench.normalize.places import Place, normalize_place

NATIONAL_WORDS = frozenset({"us", "usa", "united states", "national", "nationwide"})
"""Place texts that mean the whole United States."""


class CellPlace(BaseModel):
    """The place a cell covers."""

    scope: str = Field(description="national, metro, state, remote or country")
    country: str
    state: str | None = None
    metro: str | None = None
    metro_name: str | None = None
    label: str
    note: str | None = Field(default=None, description="how the place text was read, when "
                             "that was a guess (e.g. 'read as Seattle')")

    @property
    def key(self) -> str:
        """The place code used to index cells: 'US', a CBSA, a state or a country."""
        if self.scope == "metro":
            return self.metro or ""
        if self.scope == "state":
            return self.state or ""
        if self.scope == "country":
            return self.country
        return "US"

    @property
    def guide_key(self) -> str:
        """The place code of a guide row: `key`, but 'remote' for remote work."""
        return "remote" if self.scope == "remote" else self.key


NATIONAL = CellPlace(scope="national", country="US", label="United States")
REMOTE = CellPlace(scope="remote", country="US", label="Remote (US)")


def metro_place(cbsa: str, name: str | None, state: str | None = None) -> CellPlace:
    """The cell place of a metro (CBSA code and its OEWS name; a CBSA without one, a
    micropolitan area, is labelled so: `paybench.normalize.places.Place.metro_label`)."""
    return CellPlace(scope="metro", country="US", state=state, metro=cbsa, metro_name=name,
                     label=name or f"CBSA {cbsa} (micropolitan area, no OEWS metro)")


def scope_for(country: str | None, state: str | None = None, metro: str | None = None,
              metro_name: str | None = None, remote: bool = False) -> CellPlace:
    """The cell scope of a place given by its parts (rules in the module doc); a missing
    country is the US."""
    country = country or "US"
    if country == "US" and metro:
        return metro_place(metro, metro_name, state)
    if country == "US" and remote:
        return REMOTE
    if country == "US" and state:
        import us

        found = us.states.lookup(state)
        return CellPlace(scope="state", country="US", state=state,
                         label=found.name if found is not None else state)
    if country == "US":
        return NATIONAL
    from paybench.normalize.places import country_name

    return CellPlace(scope="country", country=country, label=country_name(country))


def scope_of(place: Place) -> CellPlace:
    """The cell scope of a normalized place (rules in the module doc), with the reading's
    note when it was a guess. InputError for a place in no one country ("Remote - EU",
    "Remote (Anywhere)"): no cell covers it."""
    if place.country is None:
        raise InputError("a place in no one country (" + (place.note or "remote anywhere")
                         + ") has no cell: name a country, state or city", field="place")
    found = scope_for(place.country, place.state, place.metro, place.metro_name,
                      place.remote or place.work_mode == "remote")
    return found.model_copy(update={"note": place.note}) if place.note else found


def cell_place(place: Place | str) -> CellPlace:
    """The cell scope of a normalized place or of place text ('Seattle, WA', 'US', 'Remote');
    InputError for text that is not a place."""
    if isinstance(place, str):
        text = place.strip()
        if text.lower() in NATIONAL_WORDS:
            return NATIONAL
        place = normalize_place(text)
    return scope_of(place)


@functools.lru_cache(maxsize=128)
def state_area_key(state: str) -> str:
    """The OEWS area key of a US state: 'S' + its FIPS code ('CA' -> 'S06'); InputError for
    an unknown state."""
    import us

    found = us.states.lookup(state or "")
    if found is None:
        raise InputError(f"unknown US state {state!r}")
    return f"S{found.fips}"


def area_key(place: CellPlace) -> str | None:
    """The OEWS area a metro or state cell is published under (a CBSA, 'S' + FIPS); None for
    other scopes."""
    if place.scope == "metro":
        return place.metro
    if place.scope == "state":
        return state_area_key(place.state or "")
    return None


def published_place_matches(row: dict[str, Any], place: CellPlace) -> bool:
    """Whether a published figure's place (row with country, state, metro, work_mode) is
    exactly the cell's place."""
    metro, work_mode = row.get("metro"), row.get("work_mode")
    country = row.get("country") or "US"
    if place.scope == "metro":
        return bool(metro) and metro == place.metro
    if place.scope == "remote":
        return work_mode == "remote" and not metro
    if place.scope == "state":
        return not metro and row.get("state") == place.state and work_mode != "remote"
    if place.scope == "country":
        return country == place.country and not metro and not row.get("state")
    return country == "US" and not metro and not row.get("state") and work_mode != "remote"
