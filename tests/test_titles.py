"""Title normalization: accuracy on a labelled set, unit cases and property tests."""

from __future__ import annotations

import csv
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paybench.normalize.levels import LEVELS
from paybench.normalize.roles import roles
from paybench.normalize.titles import TitleMatch, normalize_title, split_seniority

LABELLED = Path(__file__).parent / "data" / "labelled_titles.csv"


def _labelled() -> list[dict[str, str]]:
    with LABELLED.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_labelled_set_is_valid() -> None:
    rows = _labelled()
    assert len(rows) >= 550
    assert sum(1 for row in rows if not row["role"]) >= 60
    known = set(roles())
    for row in rows:
        assert row["role"] == "" or row["role"] in known, row
        assert row["level"] == "" or row["level"] in LEVELS, row


def test_accuracy_on_labelled_titles() -> None:
    rows = _labelled()
    misses = []
    for row in rows:
        match = normalize_title(row["title"])
        if (match.role or "") != row["role"] or (match.level or "") != row["level"]:
            misses.append(f"{row['title']!r}: expected {row['role'] or None}/"
                          f"{row['level'] or None}, got {match.role}/{match.level} "
                          f"({match.reason})")
    accuracy = 1 - len(misses) / len(rows)
    print(f"\ntitle accuracy (role and level): {accuracy:.1%} on {len(rows)} titles")
    for miss in misses:
        print("  miss:", miss)
    assert accuracy >= 0.95


@pytest.mark.parametrize(("title", "role", "level"), [
    ("Sr. SWE, Backend", "software-engineer", "senior"),
    ("ML Eng II", "machine-learning-engineer", "mid"),
    ("Sr. Machine Learning Engineer II", "machine-learning-engineer", "senior"),
    ("SYSTEM ANALYST JC65", "systems-analyst", None),
    ("SOFTWARE DEVELOPER (JAVA)", "java-developer", None),
    ("DATA SCIENTIST - LEVEL 2", "data-scientist", "mid"),
    ("Machne Learning Engineer", "machine-learning-engineer", None),
    ("Sofware Engineer", "software-engineer", None),
    ("Senior Data Scientist (m/w/d)", "data-scientist", "senior"),
    ("Software Engineer - Remote", "software-engineer", None),
    ("Staff Software Engineer, L6", "software-engineer", "staff"),
    ("Senior Product Manager", "product-manager", "senior"),
    ("Engineering Manager", "engineering-manager", "manager"),
    ("Director of Software Engineering", "director-of-engineering", "director"),
    ("VP of Engineering", "vp-of-engineering", "executive"),
    ("CTO", "cto", "executive"),
    ("Member of Technical Staff", "software-engineer", None),
])
def test_examples(title: str, role: str, level: str | None) -> None:
    match = normalize_title(title)
    assert (match.role, match.level) == (role, level)
    assert match.reason is None
    assert 0.5 <= match.confidence <= 1.0


def test_head_of_ai_is_director_level_role() -> None:
    match = normalize_title("Head of AI")
    assert match.role == "head-of-ai"
    assert match.level == "director"


@pytest.mark.parametrize("title", [
    "Registered Nurse", "Accountant", "Truck Driver", "Sales Associate",
    "Mechanical Engineer", "Civil Engineer", "Financial Analyst", "Teacher",
    "Electrical Engineer", "Marketing Manager", "Physical Therapist", "Cashier",
])
def test_non_tech_titles_do_not_match(title: str) -> None:
    match = normalize_title(title)
    assert match.role is None
    assert match.confidence == 0.0
    assert match.reason and "no tech role matches" in match.reason


def test_generic_titles_say_why() -> None:
    assert "too generic" in (normalize_title("Engineer").reason or "")
    match = normalize_title("Senior Manager")
    assert match.role is None and match.level == "manager"
    assert "only seniority words" in (match.reason or "")
    assert normalize_title("").reason == "empty title"


def test_split_seniority() -> None:
    assert split_seniority("Sr. ML Eng II") == ("machine learning engineer", "senior")
    assert split_seniority("Head of Data Science") == ("data scientist", "director")
    assert split_seniority("Data Engineer") == ("data engineer", None)
    assert split_seniority("Senior Product Manager") == ("product manager", "senior")
    assert split_seniority("Associate Director, Analytics") == ("analytics", "director")


def test_is_fast() -> None:
    titles = [f"Senior Data Engineer {word}" for word in ("alpha", "beta", "gamma")] + [
        f"Quantum Widget Wrangler {i}x" for i in range(300)]
    start = time.perf_counter()
    for title in titles:
        normalize_title(title)
    per_title = (time.perf_counter() - start) / len(titles)
    assert per_title < 0.005


_TITLE_TEXT = st.text(max_size=60)
_ASCII_TITLE = st.text(
    alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=60)
_SAMPLE_TITLES = st.sampled_from([row["title"] for row in _labelled()])


@settings(max_examples=300, deadline=None)
@given(_TITLE_TEXT)
def test_never_raises_and_is_consistent(title: str) -> None:
    match = normalize_title(title)
    assert isinstance(match, TitleMatch)
    assert 0.0 <= match.confidence <= 1.0
    assert (match.role is None) == (match.reason is not None)
    assert match.level is None or match.level in LEVELS
    assert match.role is None or match.role in roles()


@settings(max_examples=300, deadline=None)
@given(st.one_of(_ASCII_TITLE, _SAMPLE_TITLES))
def test_idempotent_on_case_and_whitespace(title: str) -> None:
    base = normalize_title(title)
    for variant in (title.upper(), title.lower(), f"  {title}\t ", " ".join(title.split())):
        other = normalize_title(variant)
        assert (other.role, other.level, other.confidence, other.reason) == (
            base.role, base.level, base.confidence, base.reason)
