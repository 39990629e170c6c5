"""Levels: the vocabulary and its mappings from survey codes, wage levels and years."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paybench.normalize.levels import (
    IC_LEVELS,
    LEVELS,
    level_from_survey_code,
    level_from_wage_level,
    level_from_years,
    parse_level,
)


def test_vocabulary() -> None:
    assert LEVELS == ("entry", "mid", "senior", "staff", "principal", "manager", "director",
                      "executive")
    assert LEVELS[:5] == IC_LEVELS


@pytest.mark.parametrize(("code", "level"), [("EN", "entry"), ("mi", "mid"), (" SE ", "senior"),
                                             ("EX", "executive"), ("XX", None)])
def test_survey_codes(code: str, level: str | None) -> None:
    assert level_from_survey_code(code) == level


@pytest.mark.parametrize(("text", "level"), [("I", "entry"), ("II", "mid"), ("Level III", "senior"),
                                             ("iv", "staff"), ("V", None), ("", None)])
def test_wage_levels(text: str, level: str | None) -> None:
    assert level_from_wage_level(text) == level


@pytest.mark.parametrize(("years", "level"), [(0, "entry"), (1.9, "entry"), (2, "mid"), (4.99, "mid"),
                                              (5, "senior"), (10, "staff"), (15, "principal")])
def test_years(years: float, level: str) -> None:
    assert level_from_years(years) == level


@given(st.floats(min_value=0, max_value=60), st.floats(min_value=0, max_value=60))
def test_years_monotone(a: float, b: float) -> None:
    lo, hi = sorted((a, b))
    assert IC_LEVELS.index(level_from_years(lo)) <= IC_LEVELS.index(level_from_years(hi))


def test_years_negative_and_parse() -> None:
    with pytest.raises(ValueError):
        level_from_years(-1)
    assert parse_level(" Senior ") == "senior" and parse_level("jr") == "entry"
    with pytest.raises(ValueError, match="unknown level"):
        parse_level("godlike")
