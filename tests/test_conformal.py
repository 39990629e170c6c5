"""Split conformal (CQR, Mondrian) on synthetic data whose true quantiles are known."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paybench.estimate.conformal import MondrianCQR, conformal_quantile, conformity_scores

Z90 = 1.2815515655446004  # standard normal 90th percentile


def _data(rng: np.random.Generator, n: int, scale_err: float) -> tuple[np.ndarray, ...]:
    """y ~ N(x, sigma(x)) with heteroscedastic sigma; the 'model' quantiles are the true ones
    scaled by scale_err (too narrow < 1, too wide > 1) and shifted by 0.1."""
    x = rng.uniform(0, 4, n)
    sigma = 0.2 + 0.3 * x
    y = x + sigma * rng.standard_normal(n)
    lo = x + 0.1 - Z90 * sigma * scale_err
    hi = x + 0.1 + Z90 * sigma * scale_err
    group = np.where(x < 2, "a", "b")
    return y, lo, hi, group


def test_conformal_quantile_rank() -> None:
    scores = np.arange(1, 10, dtype=float)  # n = 9: rank ceil(10 * 0.8) = 8
    assert conformal_quantile(scores, 0.2) == 8.0
    assert math.isinf(conformal_quantile(np.array([1.0, 2.0]), 0.2))  # rank 3 > n
    scores = conformity_scores(np.array([0.0, 5.0]), np.array([1.0, 1.0]), np.array([2.0, 2.0]))
    assert list(scores) == [1.0, 3.0]


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 10_000), scale_err=st.floats(0.3, 2.0), asymmetric=st.booleans(),
       scaled=st.booleans())
def test_coverage_is_80_percent_whatever_the_model(seed: int, scale_err: float, asymmetric: bool,
                                                   scaled: bool) -> None:
    rng = np.random.default_rng(seed)
    y, lo, hi, group = _data(rng, 3000, scale_err)
    cqr = MondrianCQR(alpha=0.2, min_group=50, asymmetric=asymmetric, scaled=scaled).fit(
        y, lo, hi, [(g,) for g in group])
    yt, lot, hit, gt = _data(rng, 40_000, scale_err)
    a, b = cqr.apply(lot, hit, [(g,) for g in gt])
    inside = (yt >= a) & (yt <= b)
    assert 0.77 <= inside.mean() <= 0.83
    for g in ("a", "b"):  # Mondrian: each group is covered, not just the pool
        assert 0.76 <= inside[gt == g].mean() <= 0.84
    if asymmetric:  # each end misses about 10%
        assert 0.07 <= (yt < a).mean() <= 0.13 and 0.07 <= (yt > b).mean() <= 0.13


def test_small_group_falls_back_to_parent_then_pool() -> None:
    rng = np.random.default_rng(1)
    y, lo, hi, _ = _data(rng, 600, 0.5)
    groups = [("senior", "US", "known")] * 500 + [("senior", "US", "thin")] * 20 + [("entry", "US", "x")] * 80
    cqr = MondrianCQR(min_group=50).fit(y, lo, hi, groups)
    assert cqr.correction(("senior", "US", "known"))[1] == "senior/US/known"
    assert cqr.correction(("senior", "US", "thin"))[1] == "senior/US"
    assert cqr.correction(("entry", "other", "thin"))[1] == "entry"
    assert cqr.correction(("staff", "US", "thin"))[1] == "pooled"
    assert cqr.correction(("staff", "US", "thin"))[0] == cqr.pooled


def test_scaled_scores_give_uncertain_rows_more_room() -> None:
    """With scores in band widths, a row whose band is twice as wide gets twice the correction;
    and where the band's width tracks the noise, the scaled interval keeps its coverage in
    both the quiet and the noisy half (the additive one over-covers one and under-covers the
    other)."""
    rng = np.random.default_rng(3)
    y, lo, hi, _ = _data(rng, 4000, 0.6)
    cqr = MondrianCQR(min_group=50, scaled=True).fit(y, lo, hi, [("all",)] * len(y))
    a, b = cqr.apply(np.array([0.0, 0.0]), np.array([1.0, 2.0]), [("all",), ("all",)])
    assert math.isclose(b[1] - 2.0, 2 * (b[0] - 1.0)) and math.isclose(-a[1], 2 * -a[0])
    yt, lot, hit, gt = _data(rng, 40_000, 0.6)
    flat = MondrianCQR(min_group=50).fit(y, lo, hi, [("all",)] * len(y))
    for model, spread in ((cqr, 0.03), (flat, 0.08)):
        a, b = model.apply(lot, hit, [("all",)] * len(yt))
        inside = (yt >= a) & (yt <= b)
        halves = [inside[gt == g].mean() for g in ("a", "b")]
        assert (max(halves) - min(halves) <= spread) == (model is cqr)


def _levels(rng: np.random.Generator, n: int) -> tuple[np.ndarray, ...]:
    """Two levels under one quantile model: 'mid' (most rows) is as the model says, 'manager'
    (a tenth of the rows) twice as spread, so its band is too narrow. Returns y, lo, hi, level."""
    level = np.where(rng.random(n) < 0.1, "manager", "mid")
    sigma = np.where(level == "manager", 0.6, 0.3)
    y = sigma * rng.standard_normal(n)
    lo, hi = np.full(n, -Z90 * 0.3), np.full(n, Z90 * 0.3)
    return y, lo, hi, level


def test_per_level_correction_covers_a_level_the_pooled_one_does_not() -> None:
    """Mondrian calibration: the pooled correction, dominated by 'mid', leaves 'manager'
    under-covered; the per-level one covers both levels at 80%."""
    rng = np.random.default_rng(11)
    y, lo, hi, level = _levels(rng, 6000)
    pooled = MondrianCQR(alpha=0.2, min_group=10**9).fit(y, lo, hi, [(lv,) for lv in level])
    mondrian = MondrianCQR(alpha=0.2, min_group=100).fit(y, lo, hi, [(lv,) for lv in level])
    assert mondrian.counts[("manager",)] >= 100
    assert mondrian.correction(("manager",))[1] == "manager"
    yt, lot, hit, lt = _levels(rng, 60_000)
    for cqr, manager_ok in ((pooled, False), (mondrian, True)):
        a, b = cqr.apply(lot, hit, [(lv,) for lv in lt])
        inside = (yt >= a) & (yt <= b)
        manager = inside[lt == "manager"].mean()
        assert (0.77 <= manager <= 0.83) == manager_ok, manager
        assert 0.77 <= inside[lt == "mid"].mean() <= 0.83


def test_copies_of_a_row_count_once_toward_the_minimum() -> None:
    """A row scored twice (as it is and as if its title were new) is one calibration row: a
    level of 60 rows scored twice (120 scores) stays below a minimum of 100 and takes the
    pooled correction; the counts report distinct rows."""
    rng = np.random.default_rng(5)
    y, lo, hi, _ = _data(rng, 600, 0.8)
    groups = [("senior", "known")] * 540 + [("manager", "novel")] * 60
    ids = np.arange(600)
    both = dict(y=np.concatenate([y, y]), lo=np.concatenate([lo, lo - 0.1]),
                hi=np.concatenate([hi, hi + 0.1]), groups=groups + [(g[0], "novel") for g in groups])
    as_scores = MondrianCQR(min_group=100).fit(**both)
    as_rows = MondrianCQR(min_group=100).fit(**both, rows=np.concatenate([ids, ids]))
    assert as_scores.counts[("manager",)] == 120 and as_rows.counts[("manager",)] == 60
    assert as_rows.counts[("senior", "novel")] == 540 and as_rows.n == 600
    assert as_scores.correction(("manager", "novel"))[1] == "manager/novel"
    assert as_rows.correction(("manager", "novel")) == (as_rows.pooled, "pooled")
    assert as_rows.correction(("senior", "known"))[1] == "senior/known"


def test_thin_level_falls_back_to_the_pool_and_lengths_must_agree() -> None:
    rng = np.random.default_rng(2)
    y, lo, hi, _ = _data(rng, 400, 0.7)
    groups = [("senior",)] * 380 + [("director",)] * 20
    cqr = MondrianCQR(min_group=100).fit(y, lo, hi, groups)
    assert cqr.counts[("director",)] == 20
    assert cqr.correction(("director",)) == (cqr.pooled, "pooled")
    assert cqr.correction(("senior",))[1] == "senior"
    with pytest.raises(ValueError, match="one entry per score"):
        MondrianCQR().fit(y, lo, hi, groups, rows=np.arange(10))
