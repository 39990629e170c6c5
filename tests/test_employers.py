"""Employer-name normalization: spellings of one employer share a key; the key is stable."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paybench.normalize.employers import (
    LEGAL_SUFFIXES,
    employer_display,
    employer_key,
    normalize_employer,
)
from paybench.normalize.industries import industry_for_naics


@pytest.mark.parametrize(("names", "key", "display"), [
    (["GOOGLE LLC", "Google LLC.", "Google, L.L.C.", "google llc", "Google"], "GOOGLE", "Google"),
    (["COGNIZANT TECHNOLOGY SOLUTIONS US CORP", "Cognizant Technology Solutions U.S. Corporation"],
     "COGNIZANT TECHNOLOGY SOLUTIONS US", "Cognizant Technology Solutions US"),
    (["JPMORGAN CHASE & CO.", "JPMorgan Chase & Co", "JPMORGAN CHASE AND COMPANY"],
     "JPMORGAN CHASE", "Jpmorgan Chase"),
    (["ERNST & YOUNG U.S. LLP", "Ernst and Young U.S. LLP"], "ERNST & YOUNG US", "Ernst & Young US"),
    (["The Goldman Sachs Group, Inc.", "GOLDMAN SACHS GROUP INC"], "GOLDMAN SACHS GROUP",
     "Goldman Sachs Group"),
    (["Bank of America, N.A.", "BANK OF AMERICA NA"], "BANK OF AMERICA", "Bank of America"),
    (["AT&T Services, Inc.", "AT&T SERVICES INC"], "AT&T SERVICES", "AT&T Services"),
    (["Acme Corp d/b/a Widgets", "ACME CORPORATION DBA WIDGETS", "Acme Corporation"], "ACME", "Acme"),
    (["Société Générale", "SOCIETE GENERALE"], "SOCIETE GENERALE", "Societe Generale"),
    (["IBM INDIA PRIVATE LIMITED", "IBM India Pvt. Ltd."], "IBM INDIA", "IBM India"),
])
def test_spellings_share_a_key(names: list[str], key: str, display: str) -> None:
    for name in names:
        found = normalize_employer(name)
        assert found is not None and (found.key, found.display) == (key, display), name


def test_distinct_entities_stay_apart() -> None:
    assert employer_key("IBM CORPORATION") != employer_key("IBM INDIA PRIVATE LIMITED")
    assert employer_key("DBA Systems Inc") == "DBA SYSTEMS"  # "DBA" as a name, not "doing business as"
    assert employer_key("THE LLC") == "THE"  # never empty when the name has letters
    assert normalize_employer("") is None and normalize_employer(" ,. ") is None


NAMES = st.text(alphabet=st.sampled_from(list("abcdefgxyzABCXYZ019 .,&-'/é")), max_size=30)
CORES = st.text(alphabet=st.sampled_from(list("abcdefgxyz019")), min_size=1, max_size=12)


@settings(max_examples=300, deadline=None)
@given(NAMES)
def test_key_is_idempotent_and_case_insensitive(name: str) -> None:
    key = employer_key(name)
    assert employer_key(key) == key
    assert employer_key(name.upper()) == key == employer_key(name.lower())
    if key:
        assert employer_key(employer_display(key)) == key


@settings(max_examples=300, deadline=None)
@given(st.lists(CORES, min_size=1, max_size=3), st.sampled_from(sorted(LEGAL_SUFFIXES)),
       st.sampled_from([" ", ", ", ". "]), st.sampled_from(["", ".", ","]))
def test_suffix_and_punctuation_insensitive(words: list[str], suffix: str, sep: str, end: str) -> None:
    core = " ".join(words)
    first, last = core.upper().split()[0], core.upper().split()[-1]
    markers = {"DBA", "AKA", "FKA"} & set(core.upper().split())  # "X dba Y" cuts the trading name
    if employer_key(core) != core.upper() or first == "THE" or last in LEGAL_SUFFIXES or markers:
        return  # the core is or ends with a suffix word, starts with THE, or names a DBA: see above
    assert employer_key(f"{core}{sep}{suffix}{end}") == employer_key(core)
    assert employer_key(f"The {core}") == employer_key(core)
    dotted = ".".join(suffix) + "."  # "L.L.C."
    assert employer_key(f"{core}, {dotted}") == employer_key(core)


@pytest.mark.parametrize(("code", "label", "sector"), [
    ("511210", "Software publishers", "51"), ("513210", "Software publishers", "51"),
    ("518210", "Data processing & hosting", "51"), ("541511", "Custom software development", "54"),
    ("541512", "Computer systems design", "54"), ("541519", "Computer systems design", "54"),
    ("334111", "Computer hardware", "31-33"), ("334413", "Semiconductors", "31-33"),
    ("522110", "Banking", "52"), ("524114", "Insurance", "52"), ("621111", "Health care", "62"),
    ("611310", "Universities", "61"), (541330, "Engineering services", "54"),
    ("446110.0", "Retail", "44-45"), ("92", "Government", "92"),
])
def test_naics_labels(code: str | int, label: str, sector: str) -> None:
    found = industry_for_naics(code)
    assert found is not None and (found.label, found.sector) == (label, sector)


def test_naics_unknown() -> None:
    assert industry_for_naics("") is None and industry_for_naics("99") is None
    assert industry_for_naics("abc") is None and industry_for_naics(None) is None
