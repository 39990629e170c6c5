"""Company levels: the sourced table, the level-string normaliser and the order a record's
level is read in (`paybench.normalize.company_levels`)."""

from __future__ import annotations

import json
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paybench.normalize.company_levels import (
    company_ladder,
    company_ladders,
    company_level,
    is_corporate_title,
    level_key,
    level_keys,
    load_company_levels,
    read_level,
    words_overreach,
)
from paybench.normalize.levels import LEVELS

EXPECTED = {
    "Google": {"L3": "entry", "L4": "mid", "L5": "senior", "L6": "staff", "L7": "principal",
               "L8": "principal"},
    "Meta": {"E3": "entry", "E4": "mid", "E5": "senior", "E6": "staff", "E7": "principal",
             "E8": "principal", "E9": "principal", "M2": "manager"},
    "Amazon": {"L4": "entry", "L5": "mid", "L6": "senior", "L7": "principal", "L8": "principal",
               "SDE I": "entry", "SDE II": "mid", "SDE III": "senior"},
    "Microsoft": {**{str(n): "entry" for n in (59, 60)}, **{str(n): "mid" for n in (61, 62)},
                  **{str(n): "senior" for n in (63, 64)},
                  **{str(n): "principal" for n in range(65, 71)},
                  "SDE": "entry", "SDE II": "mid", "Senior SDE": "senior", "Principal SDE": "principal",
                  "Partner": "principal"},
    "Apple": {"ICT2": "entry", "ICT3": "mid", "ICT4": "senior", "ICT5": "staff", "ICT6": "principal"},
}
"""The ladders the issue names, rung by rung (the table's reading of its sources)."""


@pytest.mark.parametrize("company", sorted(EXPECTED))
def test_the_ladders_the_issue_names(company: str) -> None:
    for code, level in EXPECTED[company].items():
        found = company_level(company, code)
        assert found is not None and found.level == level and found.company == company, (company, code)


def test_every_mapping_has_its_sources() -> None:
    data = json.loads(resources.files("paybench.data").joinpath("company_levels.json").read_text("utf-8"))
    assert data["checked_on"] == "2026-12-02"
    names = [c["company"] for c in data["companies"]]
    assert {"Google", "Meta", "Amazon", "Microsoft", "Apple", "Netflix", "Salesforce", "Oracle",
            "Intel", "IBM", "Uber", "LinkedIn", "Nvidia"} <= set(names)
    for company in data["companies"]:
        if company["rungs"]:
            assert company["sources"], company["company"]
        for source in company["sources"]:
            assert source["url"].startswith("https://") and source["says"].strip()
            assert source["checked_on"] == "2026-12-02"
    netflix = next(c for c in data["companies"] if c["company"] == "Netflix")
    assert netflix["rungs"] == [] and "Not verified" in netflix["note"]
    assert company_level("Netflix", "L5") is None
    for ladder in company_ladders().values():
        assert {r.level for r in ladder.rungs.values()} <= set(LEVELS)


@pytest.mark.parametrize("spelling", ["Google", "google", "GOOGLE LLC", "Google, L.L.C.", "Google Inc."])
def test_company_spellings_share_a_ladder(spelling: str) -> None:
    ladder = company_ladder(spelling)
    assert ladder is not None and ladder.company == "Google"
    assert company_ladder("Facebook") is company_ladder("Meta") is company_ladder("META PLATFORMS, INC.")
    assert company_ladder("Amazon.com Services LLC") is company_ladder("AWS") is company_ladder("amazon")
    assert company_ladder("Acme Robotics") is None


@pytest.mark.parametrize(("company", "text", "code", "level"), [
    ("Google", "L5", "L5", "senior"),
    ("Google", "l5", "L5", "senior"),
    ("Google", "L5 - Senior", "L5", "senior"),
    ("Google", "L-5", "L5", "senior"),
    ("Google", "Level L5", "L5", "senior"),
    ("Google", "Software Engineer (L4)", "L4", "mid"),
    ("Google", "Senior Staff SWE", "L7", "principal"),
    ("Amazon", "Senior SDE", "L6", "senior"),
    ("Amazon", "Sr. SDE", "L6", "senior"),
    ("Amazon", "SDE II", "L5", "mid"),
    ("Amazon", "sde2", "L5", "mid"),
    ("Amazon", "SDE 3 (L6)", "L6", "senior"),
    ("Meta", "E5", "E5", "senior"),
    ("Meta", "IC4", "E4", "mid"),
    ("Meta", "Software Engineer II", "E3", "entry"),
    ("Microsoft", "62", "62", "mid"),
    ("Microsoft", "Level 63", "63", "senior"),
    ("Microsoft", "Senior Software Engineer", "63", "senior"),
    ("Apple", "ICT4", "ICT4", "senior"),
    ("Apple", "ict 3", "ICT3", "mid"),
    ("Salesforce", "Senior Member of Technical Staff", "SMTS", "senior"),
    ("Salesforce", "LMTS", "LMTS", "staff"),
    ("Oracle", "IC3", "IC3", "senior"),
    ("Intel", "Grade 9", "9", "staff"),
    ("Intel", "G7", "7", "mid"),
    ("IBM", "Band 8", "8", "senior"),
    ("Uber", "L5A", "L5A", "senior"),
    ("Uber", "L5b", "L5B", "staff"),
    ("NVIDIA", "IC3", "IC3", "senior"),
    ("LinkedIn", "IC4", "IC4", "staff"),
])
def test_messy_level_strings(company: str, text: str, code: str, level: str) -> None:
    found = company_level(company, text)
    assert found is not None and (found.code, found.level) == (code, level)


@pytest.mark.parametrize(("company", "text"), [
    ("Uber", "L5"),             # neither L5a nor L5b
    ("Oracle", "L3"),           # Oracle's grades are IC codes
    ("Google", "T5"),
    ("Google", "Software Engineer III"),  # the sources disagree on Google's SWE II/III titles
    ("Acme Robotics", "L5"),
    ("Microsoft", "L62"),
    ("Intel", "Grade 11"),      # no individual-contributor reading found
])
def test_levels_the_table_does_not_name(company: str, text: str) -> None:
    assert company_level(company, text) is None


def test_level_key_folds_spellings() -> None:
    assert level_key("L5") == level_key("l5") == level_key(" l-5 ") == level_key("Level L5") == "l 5"
    assert level_key("SDE II") == level_key("sde2") == level_key("SDE 2") == "software development engineer 2"
    assert level_key("Level 62") == "62"
    assert level_key("SMTS") == level_key("Senior Member of Technical Staff") == "senior mts"
    assert level_key("Sr. Engineer") == "senior engineer"
    assert level_key("—") == ""
    assert level_keys("L5 - Senior") == ("l 5 senior", "l 5", "senior")
    assert level_keys("L5A") == ("l 5 a", "l 5")


def _read(*args: object) -> tuple[str | None, str | None]:
    reading = read_level(*args)  # type: ignore[arg-type]
    return reading.level, reading.basis


def test_the_order_a_level_is_read_in() -> None:
    google_l6 = read_level("Google", "L6", None, 1)
    assert (google_l6.level, google_l6.basis) == ("staff", "company_level")
    assert google_l6.company_level is not None and google_l6.company_level.code == "L6"
    # the company's rung before the level string's own words: II is E3 (entry) at Meta
    assert _read("Meta", "Software Engineer II", None, 9) == ("entry", "company_level")
    assert _read("Acme", "Software Engineer II", None, 9) == ("mid", "level_words")
    assert _read("Acme", "L5 - Senior", None, 4) == ("senior", "level_words")
    # a bare code at a company the table does not know gives no level: years decide
    assert _read("Acme", "L5", None, 12) == ("staff", "years")
    assert _read("Acme", "Level 5", None, 3) == ("mid", "years")
    # a leadership job title wins over a company rung and over level words
    manager = read_level("Google", "L6", "manager", 12)
    assert (manager.level, manager.basis, manager.company_level) == ("manager", "title", None)
    assert _read("Acme", "Principal", "manager", 15) == ("manager", "title")
    # a leadership rung of the table stands
    assert _read("Meta", "M2", None, None) == ("manager", "company_level")
    # nothing to read
    assert _read(None, None, None, None) == (None, None)
    assert _read("Acme", "T3", None, -1) == (None, None)


@pytest.mark.parametrize(("text", "title_level", "years", "expected"), [
    # a bank's rank with an individual-contributor job title: years decide, said so
    ("Vice President", None, 7, ("senior", "corporate_title")),
    ("VP", None, 1, ("entry", "corporate_title")),
    ("VP (Vice President)", None, 3, ("mid", "corporate_title")),
    ("Managing Director", None, 4, ("mid", "corporate_title")),
    ("Executive Director", None, 12, ("staff", "corporate_title")),
    ("Associate", None, 3, ("mid", "corporate_title")),
    ("Principal Associate", None, 5, ("senior", "corporate_title")),
    ("AVP", None, None, (None, None)),
    # the job title's own level before the years
    ("Vice President", "senior", 1, ("senior", "title")),
    # a leadership job title still wins
    ("Vice President", "manager", 7, ("manager", "title")),
    ("Managing Director", "director", 20, ("director", "title")),
    # not corporate titles: read as before
    ("Senior Vice President of Engineering", None, 3, ("executive", "level_words")),
    ("Senior", None, 4, ("senior", "level_words")),
])
def test_a_corporate_title_is_a_rank_not_a_level(text: str, title_level: str | None, years: float | None,
                                                 expected: tuple[str | None, str | None]) -> None:
    """Goldman Sachs's 'Vice President' software engineer is not an executive (module doc):
    the rank is not read as a level; the same holds at a company the table does not know."""
    assert is_corporate_title(text) == (text not in ("Senior Vice President of Engineering", "Senior"))
    assert _read("Goldman Sachs", text, title_level, years) == expected
    assert _read("Acme Capital", text, title_level, years) == expected


def _table(**company: object) -> str:
    base = {"company": "Acme", "names": ["Acme"], "rungs": [{"code": "A1", "level": "entry"}],
            "sources": [{"url": "https://example.org/a", "checked_on": "2026-12-02", "says": "A1 is entry"}]}
    return json.dumps({"companies": [{**base, **company}]})


@pytest.mark.parametrize(("change", "message"), [
    ({"rungs": [{"code": "A1", "level": "junior"}]}, "not one of"),
    ({"rungs": [{"code": "A1", "level": "entry"}, {"code": "A2", "level": "mid", "aliases": ["a-1"]}]},
     "names both A1 and A2"),
    ({"sources": []}, "need at least one source"),
    ({"rungs": [], "sources": []}, "must say why"),
    ({"sources": [{"url": "http://example.org", "checked_on": "2026-12-02", "says": "x"}]}, "https url"),
    ({"names": ["..."]}, "letters or digits"),
])
def test_the_loader_refuses_a_bad_table(change: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        load_company_levels(_table(**change))


def test_the_loader_refuses_an_employer_claimed_twice() -> None:
    one = json.loads(_table())["companies"][0]
    two = {**one, "company": "Acme Two", "names": ["ACME INC"]}
    with pytest.raises(ValueError, match="claimed by Acme and Acme Two"):
        load_company_levels(json.dumps({"companies": [one, two]}))


# --------------------------------------------------------------------------- properties
TEXT = st.text(max_size=40)
RUNGS = [(ladder.company, code, rung.level) for ladder in
         {id(x): x for x in company_ladders().values()}.values()
         for code in ladder.codes for rung in [company_level(ladder.company, code)] if rung]


@given(TEXT)
@settings(max_examples=300, deadline=None)
def test_level_key_is_idempotent_and_case_blind(text: str) -> None:
    key = level_key(text)
    assert level_key(key) == key
    assert level_key(text.upper()) == level_key(text.lower()) == key or not text.isascii()
    assert level_key(f" ({text}) ") == key
    assert key == key.strip() and "  " not in key


@given(st.sampled_from(["Google", "Meta", "Amazon", "Microsoft", "Apple", "Oracle", "Acme"]), TEXT)
@settings(max_examples=300, deadline=None)
def test_any_text_reads_to_a_paybench_level_or_none(company: str, text: str) -> None:
    found = company_level(company, text)
    assert found is None or found.level in LEVELS
    reading = read_level(company, text, None, None)
    assert reading.level is None or reading.level in LEVELS
    assert (reading.level is None) == (reading.basis is None)


@given(st.sampled_from(RUNGS),
       st.sampled_from(["{}", "{}", "{} ", " {}", "Level {}", "{} - Senior", "{} (new grad)",
                        "{}, Backend", "{}/Infra", "{}: Staff"]),
       st.sampled_from([str.upper, str.lower, str.title, lambda s: s]))
@settings(max_examples=300, deadline=None)
def test_a_rung_decorated_reads_as_the_rung(rung: tuple[str, str, str], decoration: str,
                                            case: object) -> None:
    """Any rung's code, in any case, with a 'Level' prefix or a trailing comment after a
    separator, reads as that rung's level."""
    company, code, level = rung
    text = case(decoration.format(code))  # type: ignore[operator]
    found = company_level(company, text)
    assert found is not None and found.level == level, (company, text)


@pytest.mark.parametrize(("company", "text", "title_level", "years", "expected"), [
    # a defense contractor's engineering grade is not a level: read from years
    ("Northrop Grumman", "Principal", None, 8, ("senior", "corporate_title")),  # was principal
    ("NORTHROP GRUMMAN SYSTEMS CORPORATION", "Sr. Principal", None, 12, ("staff", "corporate_title")),
    ("Northrop Grumman", "Senior Staff", None, 16, ("principal", "corporate_title")),
    ("Northrop Grumman", "Associate", None, 1, ("entry", "corporate_title")),
    ("Lockheed Martin", "Software Engineer Senior", None, 4, ("mid", "corporate_title")),  # was senior
    ("Lockheed Martin Corporation", "Lead", None, 7, ("senior", "corporate_title")),  # was staff
    ("Raytheon", "Senior Principal Engineer", None, 9, ("senior", "corporate_title")),  # RTX's alias
    ("General Dynamics", "Staff", None, 6, ("senior", "corporate_title")),
    ("L3Harris", "Principal Engineer", None, 3, ("mid", "corporate_title")),
    ("Leidos", "Senior Staff - Principal", None, None, (None, None)),  # no years: no level
    # the job title's level first, a leadership title wins, other words and codes as before
    ("Northrop Grumman", "Principal", "senior", 15, ("senior", "title")),
    ("Boeing", "Principal", "manager", 15, ("manager", "title")),
    ("Northrop Grumman", "Manager", None, 6, ("manager", "level_words")),  # not a grade word
    ("Lockheed Martin", "Fellow", None, 20, ("principal", "level_words")),
    ("Lockheed Martin", "E4", None, 6, ("senior", "years")),  # a bare code gives no level, as before
    # the same grade words at an employer not listed as government: read by their words
    ("Google", "Principal", None, 12, ("principal", "level_words")),
    ("Acme Widgets", "Senior Staff", None, 6, ("staff", "level_words")),
])
def test_a_defense_contractors_grade_is_read_from_years(company: str, text: str, title_level: str | None,
                                                       years: float | None,
                                                       expected: tuple[str | None, str | None]) -> None:
    """At Northrop Grumman, Lockheed Martin and the other listed government and defense
    contractors, Associate / Engineer / Senior / Lead / Principal / Senior Principal / Staff /
    Senior Staff are engineering grades, not paybench's levels (module doc): a Northrop
    "Principal" with 8 years was stored at principal; it is senior, from its years."""
    from paybench.normalize.company_levels import is_rank_at

    grade = text not in ("Manager", "Fellow", "E4") and company not in ("Google", "Acme Widgets")
    assert is_rank_at(company, text) == grade
    assert _read(company, text, title_level, years) == expected


def test_defense_grades_only_at_employers_listed_as_government() -> None:
    """Grade words are grades at every employer the segment list names government and at none
    it names big tech, an AI lab or a startup (a product company's "Principal" is its level)."""
    from paybench.normalize.company_levels import DEFENSE_GRADES, is_rank_at

    data = json.loads(resources.files("paybench.data").joinpath("employer_segments.json").read_text("utf-8"))
    grades = ("Principal", "Sr. Principal", "Staff", "Senior Staff", "Principal Engineer", "Lead")
    assert all(level_key(grade) in DEFENSE_GRADES for grade in grades)
    government = [e["employer"] for e in data["employers"] if e["segment"] == "government"]
    product = [e["employer"] for e in data["employers"] if e["segment"] in ("big-tech", "ai-lab", "startup")]
    assert {"Northrop Grumman", "Lockheed Martin", "RTX", "General Dynamics", "Boeing", "BAE Systems",
            "L3Harris", "Leidos"} <= set(government)
    for grade in grades:
        assert all(is_rank_at(employer, grade) for employer in government), grade
        assert not any(is_rank_at(employer, grade) for employer in product), grade


@pytest.mark.parametrize(("company", "text", "title_level", "years", "expected"), [
    # trial 31: consultancy and bank ranks were read as engineering levels
    ("Accenture", "Senior Analyst", None, 3, ("mid", "corporate_title")),  # was senior
    ("Deloitte", "Senior Consultant", None, 4, ("mid", "corporate_title")),  # was senior
    ("Booz Allen Hamilton", "Senior Consultant", None, 8, ("senior", "corporate_title")),
    ("Booz Allen Hamilton", "Sr. Consultant", None, None, (None, None)),  # no years: no level
    ("Infosys", "Technology Lead", None, 7, ("senior", "corporate_title")),  # was staff
    ("Deloitte", "Manager", None, 6, ("senior", "corporate_title")),  # was manager
    ("Capital One", "Manager", None, 3, ("mid", "corporate_title")),  # was manager
    ("Tata Consultancy Services", "IT Analyst", None, 1, ("entry", "corporate_title")),
    # a leadership job title still wins; the job title's own level before the years
    ("Deloitte", "Manager", "manager", 6, ("manager", "title")),
    ("Accenture", "Consultant", "senior", 2, ("senior", "title")),
    # the same words at an employer listed as neither: read by their words, as before
    ("Acme Widgets", "Manager", None, 6, ("manager", "level_words")),
    ("Walmart", "Senior Consultant", None, 3, ("senior", "level_words")),
])
def test_a_consultancy_or_bank_rank_is_read_from_years(company: str, text: str, title_level: str | None,
                                                      years: float | None,
                                                      expected: tuple[str | None, str | None]) -> None:
    """Consultancy ranks (Analyst, Consultant, Senior Consultant, Manager, Technology Lead ...) at
    a listed consultancy or bank are ranks, not levels (module doc): read like a corporate title."""
    from paybench.normalize.company_levels import is_rank_at

    assert is_rank_at(company, text) == (company not in ("Acme Widgets", "Walmart"))
    assert _read(company, text, title_level, years) == expected


@pytest.mark.parametrize(("company", "text", "years", "expected"), [
    # the fourth trial: "Lead" with 1 or 2 years was staff
    ("JPMorgan Chase", "Lead", 1, ("entry", "years_over_words")),
    ("Progressive", "Lead", 2, ("mid", "years_over_words")),
    ("Acme Widgets", "Senior", 1, ("entry", "years_over_words")),
    ("Acme Widgets", "Principal", 6, ("senior", "years_over_words")),
    # one rung above the years' level, or any rung below it, is read by its words
    ("Acme Widgets", "Lead", 6, ("staff", "level_words")),
    ("Acme Widgets", "Senior", 2, ("senior", "level_words")),
    ("Northrop Grumman", "Engineer II", 14, ("mid", "level_words")),
    ("Acme Widgets", "Engineer II", 14, ("mid", "level_words")),
    # a company's own rung and a job title's level are not second-guessed by years
    ("Google", "L6", 1, ("staff", "company_level")),
])
def test_level_words_that_overreach_the_years_are_not_read(
        company: str, text: str, years: float, expected: tuple[str, str]) -> None:
    """Level words claiming two rungs or more above the row's years are read from the years
    (`words_overreach`); fewer, or a level below the years', keep the words."""
    assert _read(company, text, None, years) == expected
    assert words_overreach("staff", 1) and not words_overreach("senior", 2)
    assert not words_overreach("manager", 0)  # leadership levels are not rungs of this ladder
