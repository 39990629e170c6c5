"""Posting range and pay-transparency laws: who must post, what, where; errors; CLI."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from paybench.decide.market import Market
from paybench.decide.posting import (
    REMOTE_SCOPES,
    RemoteScope,
    check_laws,
    element_names,
    is_new_york_city,
    list_laws,
    parse_remote,
    pay_laws,
    posting_range,
)
from paybench.errors import InputError
from paybench.store import Store

MLE = "machine-learning-engineer"
ON = dt.date(2026, 6, 1)


@pytest.fixture(scope="module")
def market(reference_db: Path) -> Market:
    with Store(reference_db, read_only=True) as store:
        return Market.load(store)


def statuses(place: str, size: int | None = 100, posting_date: dt.date = ON, **kw: object) -> dict[str, str]:
    return {c.law.id: c.status for c in check_laws(place, employer_size=size, posting_date=posting_date,
                                                   **kw)}  # type: ignore[arg-type]


IDS = {"ca-sb1162", "co-epewa", "ct-31-40z", "dc-wtoaa", "hi-378-2.8", "il-epa-b25", "md-3-304.2",
       "ma-149-105f", "mn-181.173", "nv-613.133", "nj-pl2024c91", "ny-194b", "nyc-ll32", "ri-28-6-22",
       "vt-495p", "wa-49.58.110", "de-hb105", "jc-148-4.1", "ithaca-2022-03", "westchester-700.03",
       "cleveland-104-2025", "columbus-2335", "toledo-768", "cincinnati-804"}


def test_law_table() -> None:
    laws = {law.id: law for law in pay_laws()}
    assert set(laws) == IDS
    assert len({law.jurisdiction for law in laws.values()}) == len(laws) >= 15
    sizes = {i: laws[i].min_employees for i in ("ca-sb1162", "co-epewa", "ny-194b", "nyc-ll32",
                                                 "wa-49.58.110", "il-epa-b25", "hi-378-2.8", "mn-181.173",
                                                 "ma-149-105f", "nj-pl2024c91", "vt-495p", "de-hb105")}
    assert sizes == {"ca-sb1162": 15, "co-epewa": 1, "ny-194b": 4, "nyc-ll32": 4, "wa-49.58.110": 15,
                     "il-epa-b25": 15, "hi-378-2.8": 50, "mn-181.173": 30, "ma-149-105f": 25,
                     "nj-pl2024c91": 10, "vt-495p": 5, "de-hb105": 26}
    assert laws["il-epa-b25"].effective == dt.date(2025, 1, 1)
    assert laws["il-epa-b25"].citation == "820 ILCS 112/10(b-25)"
    assert laws["vt-495p"].citation == "21 V.S.A. § 495p"
    assert laws["hi-378-2.8"].citation == "Haw. Rev. Stat. § 378-2.8"
    assert laws["de-hb105"].effective == dt.date(2027, 9, 26)
    assert laws["columbus-2335"].enforced_from == dt.date(2027, 1, 1)
    assert any("application window" in s for s in laws["co-epewa"].must_also_state)
    assert "(since 2024-01-01)" in " ".join(laws["co-epewa"].must_also_state)
    # on-request rules carry no posting elements but say what is owed and when
    on_request = {i for i, law in laws.items() if law.kind == "on_request"}
    assert on_request == {"ct-31-40z", "nv-613.133", "ri-28-6-22", "toledo-768", "cincinnati-804"}
    for law in laws.values():
        assert law.checked_on and law.sources and law.citation and law.remote in REMOTE_SCOPES
        if law.kind == "posting":
            assert law.must_state[0].element == "pay_range", law.id
            assert all(m.since >= law.effective for m in law.must_state), law.id
        else:
            assert law.must_state == [] and law.on_request, law.id
        assert (law.level == "state") == (not law.localities), law.id
    # the remote rules the data file describes are the ones the code knows
    assert set(json.loads((Path(__file__).resolve().parent.parent / "src" / "paybench" / "data" /
                           "pay_transparency.json").read_text(encoding="utf-8"))["remote_scopes"]) == \
        set(REMOTE_SCOPES)
    # the element vocabulary of the data file is the one the laws use
    used = {m.element for law in laws.values() for m in law.must_state}
    assert used == set(element_names())


def test_who_must_post() -> None:
    assert statuses("Denver, CO", size=1) == {"co-epewa": "applies"}
    assert statuses("San Francisco, CA", size=14) == {"ca-sb1162": "not required"}
    assert statuses("San Francisco, CA", size=15) == {"ca-sb1162": "applies"}
    assert statuses("Seattle, WA", size=None) == {"wa-49.58.110": "size unchecked"}
    assert statuses("Brooklyn, NY") == {"ny-194b": "applies", "nyc-ll32": "applies"}
    assert statuses("Buffalo, NY") == {"ny-194b": "applies"}
    assert statuses("Austin, TX") == {}
    assert statuses("London, UK") == {}
    early = {c.law.id: c.status for c in check_laws("Chicago, IL", employer_size=50,
                                                    posting_date=dt.date(2024, 6, 1))}
    assert early == {"il-epa-b25": "not yet in effect"}
    assert statuses("Chicago, IL") == {"il-epa-b25": "applies"}
    assert statuses("Baltimore, MD") == {"md-3-304.2": "applies"}
    assert statuses("Boston, MA", size=24) == {"ma-149-105f": "not required"}
    assert statuses("Honolulu, HI", size=49) == {"hi-378-2.8": "not required"}
    assert statuses("Wilmington, DE") == {"de-hb105": "not yet in effect"}
    assert statuses("Wilmington, DE", posting_date=dt.date(2027, 10, 1)) == {"de-hb105": "applies"}
    assert statuses("Hartford, CT") == {"ct-31-40z": "applies"}


@pytest.mark.parametrize(("place", "expected"), [
    ("New York, NY", {"ny-194b", "nyc-ll32"}),
    ("Staten Island, NY", {"ny-194b", "nyc-ll32"}),
    ("White Plains, NY", {"ny-194b", "westchester-700.03"}),  # its county, from the zipcodes package
    ("Yonkers, New York", {"ny-194b", "westchester-700.03"}),
    ("10601", {"ny-194b", "westchester-700.03"}),  # a White Plains ZIP code
    # the city read as the places normalizer reads it ('Mt.' is 'Mount', hyphens are spaces):
    # the county comes from its one lookup (places.city_county), not a second copy
    ("Mt. Kisco, NY", {"ny-194b", "westchester-700.03"}),
    ("Hastings-on-Hudson, NY", {"ny-194b", "westchester-700.03"}),
    ("Rye, NY 10580", {"ny-194b", "westchester-700.03"}),
    ("Carmel, NY", {"ny-194b"}),  # Putnam County, next to Westchester
    ("Ithaca, NY", {"ny-194b", "ithaca-2022-03"}),
    ("Albany, NY", {"ny-194b"}),
    ("Jersey City, NJ", {"nj-pl2024c91", "jc-148-4.1"}),
    ("Newark, NJ", {"nj-pl2024c91"}),
    ("Cleveland, OH", {"cleveland-104-2025"}),
    ("Cleveland Heights, OH", set()),  # another city
    ("Columbus, OH", {"columbus-2335"}),
    ("Columbus, GA", set()),  # the city law is Ohio's
    ("Toledo, OH", {"toledo-768"}),
    ("Cincinnati, OH", {"cincinnati-804"}),
    ("Dayton, OH", set()),
])
def test_city_and_county_laws(place: str, expected: set[str]) -> None:
    assert set(statuses(place)) == expected


def test_the_county_lookup_is_the_places_one() -> None:
    """posting.py finds a worksite's county through the places normalizer's zipcodes index."""
    from paybench.normalize.places import city_county, zip_city_county

    assert city_county("White Plains", "NY") == "Westchester County"
    assert city_county("Mt. Kisco", "NY") == "Westchester County"
    assert city_county("Brooklyn", "NY") == "Kings County"
    assert city_county("Atlantis", "NY") is None
    assert zip_city_county("10601") == ("White Plains", "Westchester County")
    assert zip_city_county("10601-1234") == zip_city_county("10601")
    assert zip_city_county("00000") is None and zip_city_county("White Plains") is None


def test_remote() -> None:
    remote = statuses("Remote", size=10)
    # open anywhere in the US: the laws that cover remote jobs that *could* be performed in their
    # state apply; those of jobs that *will* be performed there (Illinois, Maryland, New York
    # State: the employer foresees it) and those that do not say, may
    assert remote["co-epewa"] == "applies" and remote["ny-194b"] == "may apply"
    assert {i for i, s in statuses("Remote").items() if s == "applies"} == {
        "ca-sb1162", "co-epewa", "nj-pl2024c91", "nyc-ll32", "wa-49.58.110"}
    assert remote["ca-sb1162"] == "not required"  # 10 < 15
    assert "ithaca-2022-03" not in remote and "toledo-768" not in remote  # worksite-only laws
    assert remote["vt-495p"] == "may apply"  # only a remote job working for a Vermont office
    assert statuses("Remote (California)") == {"ca-sb1162": "applies"}
    # a worksite with a remote scope of the whole US: the worksite's laws and every law a
    # nationwide remote posting reaches (a new-user trial found only Colorado's)
    denver = statuses("Denver, CO", remote="US")
    assert denver["co-epewa"] == "applies" and {"ca-sb1162", "nyc-ll32", "wa-49.58.110"} <= {
        i for i, s in denver.items() if s in ("applies", "size unchecked")}
    assert is_new_york_city("New York, NY") and not is_new_york_city("Albany, NY")
    # a remote job that may be filled from named states: their laws apply (Colorado covers
    # remote jobs that could be performed there, Illinois and Maryland those that will be);
    # Vermont's only may (an office there)
    named = statuses("Remote", remote="CO, Vermont, IL, MD")
    assert named == {"co-epewa": "applies", "vt-495p": "may apply", "il-epa-b25": "applies",
                     "md-3-304.2": "applies"}
    # remote within New York State: the state law applies, and New York City's (a job that could
    # be done from the city); Westchester's may (positions to be performed in the county)
    assert statuses("Remote - NY") == {"ny-194b": "applies", "nyc-ll32": "applies",
                                       "westchester-700.03": "may apply"}
    # an employer-size band decides when it lies wholly above or below a threshold
    banded = {c.law.id: c.status for c in check_laws("Los Angeles, CA", employer_size_band=(11, 50),
                                                     posting_date=ON)}
    assert banded == {"ca-sb1162": "size unchecked"}
    small = {c.law.id: c.status for c in check_laws("Los Angeles, CA", employer_size_band=(2, 10),
                                                    posting_date=ON)}
    assert small == {"ca-sb1162": "not required"}
    large = {c.law.id: c.status for c in check_laws("Los Angeles, CA", employer_size_band=(10_000, None),
                                                    posting_date=ON)}
    assert large == {"ca-sb1162": "applies"}


@pytest.mark.parametrize(("given", "scope"), [
    ("US", RemoteScope(remote=True)),
    ("anywhere", RemoteScope(remote=True)),
    (True, RemoteScope(remote=True)),
    ("no", RemoteScope(remote=False)),
    (None, RemoteScope(remote=False)),
    ("CO,NY", RemoteScope(remote=True, states=("CO", "NY"))),
    ("Colorado; Washington", RemoteScope(remote=True, states=("CO", "WA"))),
    (["CO", "CO"], RemoteScope(remote=True, states=("CO",))),
])
def test_parse_remote(given: object, scope: RemoteScope) -> None:
    assert parse_remote(given) == scope  # type: ignore[arg-type]


@pytest.mark.parametrize(("given", "message"), [
    ("London", "not a US state"),
    ("US,CO", "not both"),
    ("Atlantis", "cannot place"),
])
def test_parse_remote_errors(given: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as info:
        parse_remote(given)
    assert info.value.field == "remote"


def test_list_laws() -> None:
    everything = list_laws(posting_date=ON)
    assert len(everything.laws) == len(IDS)
    assert {c.status for c in everything.laws} == {"in effect", "not yet in effect"}
    assert [c.law.id for c in everything.laws if c.status == "not yet in effect"] == ["de-hb105"]
    # a 'Remote' place is a remote scope, and says so (it said 'on site')
    remote = list_laws("Remote", posting_date=ON)
    assert remote.remote == "remote (US)" and remote.laws == list_laws(remote="US", posting_date=ON).laws
    assert list_laws("Remote - CO", posting_date=ON).remote == "remote (CO)"
    uk = list_laws("London, UK", posting_date=ON)
    assert uk.laws == [] and uk.country == "GB" and "outside the US" in (uk.note or "")
    assert [c.law.id for c in list_laws("Jersey City, NJ", posting_date=ON).laws] == [
        "nj-pl2024c91", "jc-148-4.1"]
    with pytest.raises(InputError) as info:
        list_laws("Atlantis", posting_date=ON)
    assert info.value.field == "place"


def test_laws_of_an_ambiguous_city_say_which_was_assumed() -> None:
    """"Columbus" alone is read as Columbus, OH, whose city ordinance applies; Columbus, GA and
    Columbus, IN have none: the answer says which Columbus it assumed and names the others.
    Written with its state, there is no guess to report."""
    bare = list_laws("Columbus", posting_date=ON)
    ohio = list_laws("Columbus, OH", posting_date=ON)
    assert [c.law.id for c in bare.laws] == [c.law.id for c in ohio.laws]
    assert "columbus-2335" in {c.law.id for c in bare.laws}
    assert bare.note is not None and "place read as Columbus, OH" in bare.note
    assert "Columbus, GA" in bare.note and "Columbus, IN" in bare.note
    assert ohio.note is None
    georgia = list_laws("Columbus, GA", posting_date=ON)
    assert "columbus-2335" not in {c.law.id for c in georgia.laws}
    assert "place read as" not in (georgia.note or "")


def test_posting_range_default_and_band(market: Market) -> None:
    cell = market.cell(MLE, "senior", "Denver, CO")
    result = posting_range(market, MLE, "senior", "Denver, CO", employer_size=20, posting_date=ON)
    assert (result.low, result.high) == (cell.p25, cell.p75)  # market P25-P75 by default
    assert result.low_hourly == round(cell.p25 / 2080, 2)
    assert [c.law.id for c in result.laws] == ["co-epewa"]
    assert any("application window" in line for line in result.must_state)
    assert any("benefits" in line for line in result.must_state)
    banded = posting_range(market, MLE, "senior", "Chicago, IL", employer_size=20,
                           band=(180_000, 220_000), posting_date=ON)
    assert (banded.low, banded.high) == (180_000, 220_000)
    assert any("hyperlink" in line for line in banded.must_state)
    md = posting_range(market, MLE, "senior", "Baltimore, MD", employer_size=20, posting_date=ON)
    assert [c.law.id for c in md.laws] == ["md-3-304.2"] and md.not_modelled is None
    assert any("Maryland" in line and "benefits" in line for line in md.must_state)
    assert any("before any discussion of compensation" in line for line in md.on_request)
    ct = posting_range(market, MLE, "senior", "Hartford, CT", employer_size=20, posting_date=ON)
    assert ct.must_state == [] and ct.on_request and "offer of compensation" in ct.on_request[0]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"place": "Atlantis"}, "cannot place"),
    ({"role": "basket-weaver"}, "unknown role"),
    ({"employer_size": 0}, "at least 1"),
    ({"band": (200_000, 100_000)}, "not above the maximum"),
    ({"low_pct": 80, "high_pct": 20}, "low < high"),
])
def test_bad_inputs(market: Market, kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"role": MLE, "level": "senior", "place": "Denver, CO", "posting_date": ON}
    args.update(kwargs)
    role, level, place = args.pop("role"), args.pop("level"), args.pop("place")
    with pytest.raises(InputError, match=message):
        posting_range(market, str(role), str(level), str(place), **args)  # type: ignore[arg-type]


def test_cli_posting_range(fresh_db: Path) -> None:
    env = {**os.environ, "PAYBENCH_DB": str(fresh_db)}
    proc = subprocess.run([sys.executable, "-m", "paybench", "posting-range", "--role", MLE, "--level",
                           "senior", "--place", "Brooklyn, NY", "--employer-size", "50", "--date",
                           "2026-06-01", "--json"], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert [c["law"]["id"] for c in data["laws"]] == ["ny-194b", "nyc-ll32"]
    assert data["low"] < data["high"]
    text = subprocess.run([sys.executable, "-m", "paybench", "posting-range", "--role", MLE, "--level",
                           "senior", "--place", "Seattle, WA", "--employer-size", "20"],
                          capture_output=True, text=True, env=env, timeout=300)
    assert text.returncode == 0 and "APPLIES: Washington" in text.stdout and "not legal advice" in text.stdout
