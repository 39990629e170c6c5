"""Title words, role parents and the 'as if new' encodings of the estimator's features."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paybench.estimate import features as F
from paybench.normalize.titles import SENIORITY_WORDS, is_seniority_word


def test_title_words_leave_out_seniority() -> None:
    assert F.title_words("senior ml engineer, nlp") == ("engineer", "ml", "nlp")
    assert F.title_words("manager") == ()
    assert F.title_words("sr. data scientist ii") == ("data", "scientist")
    assert F.title_words("vp, engineering") == ("engineering",)
    assert F.title_words("product manager") == ("product",)
    for word in ("sr", "jr", "mgr", "dir", "head", "lead", "iii", "principal", "associate"):
        assert is_seniority_word(word), word
    for word in ("data", "engineer", "scientist", "nlp", "product"):
        assert not is_seniority_word(word), word


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([*sorted(SENIORITY_WORDS), "data", "ml", "engineer", "sr", "c++", "r"]),
                max_size=6))
def test_title_words_are_the_work_words_of_the_key(words: list[str]) -> None:
    key = " ".join(words)
    out = F.title_words(key)
    assert list(out) == sorted(set(out))
    assert set(out) <= set(words)
    assert not any(is_seniority_word(w) for w in out)
    assert set(out) == {w for w in words if not is_seniority_word(w)}


def _frame(rows: list[tuple[str, str | None, str, float]], reps: int = 1) -> tuple[pd.DataFrame, np.ndarray]:
    """(title_key, role, level, log pay) rows in the layout `Encoder.fit` reads."""
    data = [r for r in rows for _ in range(reps)]
    frame = pd.DataFrame({
        "title_key": [r[0] for r in data], "role": [r[1] for r in data], "level": [r[2] for r in data],
        "country": "US", "weight": 1.0})
    return frame, np.array([r[3] for r in data])


ROWS = [
    ("data scientist", "data-scientist", "mid", 11.8), ("data scientist", "data-scientist", "mid", 11.9),
    ("ml engineer", "machine-learning-engineer", "mid", 12.1),
    ("ml engineer", "machine-learning-engineer", "mid", 12.2),
    ("data analyst", "data-analyst", "mid", 11.3), ("data analyst", "data-analyst", "mid", 11.4),
]
PRIOR = {"data-scientist": 11.6, "machine-learning-engineer": 11.9, "data-analyst": 11.3,
         "engineering-manager": 12.1, "help-desk-analyst": 10.9}


def test_role_parent_follows_oews_for_roles_never_seen() -> None:
    frame, y = _frame(ROWS, reps=10)
    enc = F.Encoder.fit(frame, y, PRIOR)
    assert enc.role_parent["engineering-manager"] > enc.role_parent["machine-learning-engineer"] > 0
    assert enc.role_parent["help-desk-analyst"] < enc.role_parent["data-analyst"] < 0
    new = pd.DataFrame({"title_key": ["eng manager"], "role": ["engineering-manager"], "level": ["mid"],
                        "country": ["US"]})
    out = enc.transform(new)
    assert math.isclose(out["enc_role_level"][0], enc.role_parent["engineering-manager"])
    assert math.isclose(out["enc_title"][0], enc.role_parent["engineering-manager"])
    # without OEWS priors a role never seen is the level's typical pay (0)
    assert F.Encoder.fit(frame, y).transform(new)["enc_title"][0] == 0.0


def test_unseen_title_without_role_falls_back_to_its_words() -> None:
    frame, y = _frame(ROWS, reps=10)
    enc = F.Encoder.fit(frame, y, PRIOR)
    new = pd.DataFrame({"title_key": ["senior ml", "manager", "zzz"], "role": [None, None, None],
                        "level": ["mid"] * 3, "country": ["US"] * 3})
    out = enc.transform(new)
    assert out["enc_words"][0] > 0 and math.isclose(out["enc_title"][0], out["enc_words"][0])
    assert math.isnan(out["enc_words"][1]) and out["enc_title"][1] == 0.0  # only a seniority word
    assert math.isnan(out["enc_words"][2]) and out["enc_title"][2] == 0.0


def test_encodings_as_if_new_never_know_the_rows_title() -> None:
    frame, y = _frame(ROWS, reps=10)
    known = F.Encoder.fit(frame, y, PRIOR).transform(frame)
    assert (known["n_title_level"] > 0).all()
    novel = F.held_out_title_encodings(frame, y, frame, folds=3, seed=1, role_prior=PRIOR)
    assert (novel["n_title_level"] == 0).all() and len(novel) == len(frame)
    held = F.held_out_title_encodings(frame, y, frame.iloc[:12], folds=3, seed=1, role_prior=PRIOR)
    assert (held["n_title_level"] == 0).all() and list(held.index) == list(range(12))
    # a title's own pay no longer shows in its title encoding
    ds = (frame["title_key"] == "ml engineer").to_numpy()
    assert not np.allclose(novel["enc_title"][ds], known["enc_title"][ds])


def test_unrecognized_rows_look_like_a_title_nothing_is_known_of() -> None:
    frame, y = _frame(ROWS, reps=10)
    enc = F.Encoder.fit(frame, y, PRIOR)
    known = enc.transform(frame)
    mask = np.zeros(len(frame), dtype=bool)
    mask[::3] = True
    rows, out = F.as_unrecognized(frame, known, mask)
    # what the encoder itself gives a title with no role and no known word ('associate')
    blank = enc.transform(frame.assign(title_key="associate", role=None))
    for col in F.TITLE_ENCODING_COLUMNS:
        assert np.allclose(out[col][mask], blank[col][mask], equal_nan=True), col
        assert np.allclose(out[col][~mask], known[col][~mask], equal_nan=True), col
    assert (out["enc_country"] == known["enc_country"]).all()  # the place is still known
    assert rows["role"][mask].isna().all() and rows["title_key"][mask].isna().all()
    assert (rows["role"][~mask] == frame["role"][~mask]).all()
    assert frame["role"].notna().all()  # the input is not modified


@pytest.mark.parametrize(("title", "years", "level", "basis"), [
    ("Director of Machine Learning", 5, "director", "title"),
    ("Engineering Manager", 3, "manager", "title"),
    ("Head of AI", 2, "director", "title"),
    ("Senior ML Engineer", 1, "entry", "years"),  # an IC word: the years, as the survey's code
    ("ML Engineer", 12, "staff", "years"),
])
def test_a_leadership_title_wins_over_years_as_over_a_survey_code(
        title: str, years: float, level: str, basis: str) -> None:
    """One rule (`normalize.levels.reconcile_level`) for every experience measure: the
    estimate reads years of experience as the ingest reads a survey's EN/MI/SE/EX code."""
    from paybench.estimate.features import prepare
    from paybench.submissions import Submission, prepare_submission

    found = prepare(title, years=years)
    assert (found.level, found.level_basis.split(";")[0]) == (level, basis)
    sub = prepare_submission(Submission(title=title, place="Denver, CO", base=150_000,
                                        years_experience=years))
    assert sub.level == level
