"""Ordered levels (issue 13): the fit itself, and the cells a reader checks first on the
embedded defaults (which hold the ai-jobs.net survey)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paybench.bench import BenchmarkModel, cell_place
from paybench.bench.ladder import Constraint, constraints, family_members, fit_ladder
from paybench.normalize.levels import IC_LEVELS, LEADERSHIP_LEVELS
from paybench.normalize.roles import ML_ROLE_IDS, roles
from paybench.store import Store

MLE = "machine-learning-engineer"
CHAIN = [Constraint(("r", a), ("r", b), f"{a} < {b}") for a, b in itertools.pairwise(IC_LEVELS)]


@pytest.fixture(scope="module")
def model(survey_db: Path) -> BenchmarkModel:
    with Store(survey_db, read_only=True) as store:
        return BenchmarkModel.load(store)


# ----------------------------------------------------------------- the fit
def test_a_prior_out_of_order_moves_and_a_big_cell_barely_does() -> None:
    medians = {("r", "entry"): 11.5, ("r", "mid"): 12.0, ("r", "senior"): 11.9,
               ("r", "staff"): 12.4, ("r", "principal"): 12.6}
    weights = {("r", "entry"): 100.0, ("r", "mid"): 1000.0, ("r", "senior"): 10.0,
               ("r", "staff"): 10.0, ("r", "principal"): 10.0}
    fit = fit_ladder(medians, weights, {}, CHAIN, step=0.01)
    after = {k: medians[k] + fit.shift[k] for k in medians}
    assert after[("r", "senior")] >= after[("r", "mid")] + 0.01 - 1e-7
    assert abs(fit.shift[("r", "mid")]) < 0.002 < fit.shift[("r", "senior")]
    assert fit.shift[("r", "entry")] == pytest.approx(0) and fit.kept_by_data == []
    assert "mid < senior" in fit.moved_by[("r", "senior")]


def test_two_direct_cells_keep_their_inversion_and_say_so() -> None:
    medians = {("r", "mid"): 12.2, ("r", "senior"): 12.0}
    fit = fit_ladder(medians, {k: 500.0 for k in medians}, {k: True for k in medians},
                     [CHAIN[1]], step=0.01)
    assert fit.shift == {("r", "mid"): 0.0, ("r", "senior"): 0.0}
    assert [r.why for r in fit.kept_by_data] == ["mid < senior"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(10.0, 13.0), min_size=5, max_size=5),
       st.lists(st.floats(1.0, 2000.0), min_size=5, max_size=5))
def test_property_the_fit_orders_any_ladder(values: list[float], weights: list[float]) -> None:
    nodes = [("r", level) for level in IC_LEVELS]
    fit = fit_ladder(dict(zip(nodes, values, strict=True)), dict(zip(nodes, weights, strict=True)),
                     {}, CHAIN, step=0.01)
    after = [v + fit.shift[n] for n, v in zip(nodes, values, strict=True)]
    assert all(b - a >= 0.01 - 1e-6 for a, b in itertools.pairwise(after))
    # the weighted mean is kept (a projection onto a cone of orders shifts no mass)
    total = sum(weights)
    assert sum(w * a for w, a in zip(weights, after, strict=True)) / total == pytest.approx(
        sum(w * v for w, v in zip(weights, values, strict=True)) / total + 0.0, abs=0.02)


def test_family_constraints_name_the_ladders() -> None:
    members = family_members("software-engineer")
    assert [r.id for r in members][:3] == ["software-engineer", "engineering-manager",
                                           "director-of-engineering"]
    assert {r.id for r in members[3:]} == {"vp-of-engineering", "cto", "chief-digital-officer"}
    whys = {c.why for c in constraints(members)}
    assert "Software Engineer senior < VP of Engineering" in whys
    assert "Engineering Manager < Director of Engineering" in whys
    assert {"entry < mid", "manager < director", "senior < director"} <= whys


# ----------------------------------------------------------------- the cells
def test_vp_of_engineering_above_a_senior_ml_engineer(model: BenchmarkModel) -> None:
    us = cell_place("US")
    vp = model.cell("vp-of-engineering", "executive", us)
    mle = model.cell(MLE, "senior", us)
    assert vp.p50 > mle.p50
    # the family's ladder: engineering manager < director of engineering < VP of engineering
    chain = [model.cell(r, roles()[r].level or "mid", us).p50
             for r in ("engineering-manager", "director-of-engineering", "vp-of-engineering")]
    assert chain == sorted(chain) and len(set(chain)) == 3


def test_leadership_cells_hold_the_survey_rows(model: BenchmarkModel) -> None:
    us = cell_place("US")
    head = model.cell("head-of-ai", "director", us)
    manager = model.cell("engineering-manager", "manager", us)
    assert head.n >= 30 and head.method == "direct"  # 'Head of AI' rows are directors
    assert manager.n >= 100 and manager.method == "direct"
    assert head.p50 > model.cell(MLE, "senior", us).p50


@pytest.mark.parametrize("role", sorted(ML_ROLE_IDS - {"head-of-ai"}))
def test_ml_ladders_ordered_nationally(model: BenchmarkModel, role: str) -> None:
    us = cell_place("US")
    p50 = {level: model.cell(role, level, us).p50 for level in (*IC_LEVELS, *LEADERSHIP_LEVELS)}
    for low, high in itertools.pairwise(IC_LEVELS):
        assert p50[low] < p50[high], (role, low, high, p50)
    for low, high in itertools.pairwise(LEADERSHIP_LEVELS):
        assert p50[low] < p50[high], (role, low, high, p50)
    assert p50["director"] > p50["senior"] and p50["executive"] > p50["senior"]


@pytest.mark.parametrize("place", ["San Jose, CA", "San Francisco, CA", "Seattle, WA", "Remote",
                                   "New York, NY", "Boston, MA"])
def test_senior_above_mid_everywhere(model: BenchmarkModel, place: str) -> None:
    where = cell_place(place)
    for role in (MLE, "prompt-engineer", "quantitative-analyst", "data-scientist"):
        mid, senior = model.cell(role, "mid", where), model.cell(role, "senior", where)
        assert senior.p50 > mid.p50, (role, place, mid.p50, senior.p50)


def test_bay_area_seniors_above_los_angeles_and_san_diego(model: BenchmarkModel) -> None:
    p50 = {p: model.cell(MLE, "senior", cell_place(p)).p50
           for p in ("San Jose, CA", "San Francisco, CA", "Los Angeles, CA", "San Diego, CA")}
    assert min(p50["San Jose, CA"], p50["San Francisco, CA"]) > max(
        p50["Los Angeles, CA"], p50["San Diego, CA"]), p50
