"""The pay-gap report (`paybench.decide.paygap`) on a worked payroll whose every indicator is
computed by hand below (arithmetic on the listed pay, never the code under test), to 0.01
percentage points; invariance to the order of rows and to a common scaling of pay
(hypothesis); the explained/unexplained split against an independent dummy-variable
regression; the pay ranges; and the payroll reader's refusals (one line each)."""

from __future__ import annotations

import math
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from paybench.decide.paygap import (
    PayGapReport,
    pay_gap_report,
    paygap_of,
    quartile_bands,
    report_csv,
    report_rows,
)
from paybench.decide.payroll import MAX_ANNUAL_AMOUNT, payroll_from_rows, payroll_from_text, read_payroll
from paybench.errors import InputError

PP = 0.01  # percentage points
HEADER = "employee_id,gender,category,annual_base,variable_pay,annual_hours"

# The worked payroll: (id, gender, category, annual base, variable pay, annual hours).
# 11 women, 13 men and one non-binary worker; category C has 1 woman: too small.
WORKED = [
    ("W1", "F", "A", 60000, 0, 2000), ("W2", "female", "A", 62000, 3000, 2000),
    ("W3", "Woman", "A", 64000, 0, 2000), ("W4", "w", "A", 30000, 1000, 1000),
    ("W5", "F", "A", 70000, 5000, 2000), ("M1", "M", "A", 66000, 4000, 2000),
    ("M2", "male", "A", 68000, 0, 2000), ("M3", "Man", "A", 70000, 6000, 2000),
    ("M4", "m", "A", 72000, 0, 2000), ("M5", "M", "A", 74000, 10000, 2000),
    ("X1", "non-binary", "A", 65000, 0, 2000),
    ("W6", "F", "B", 40000, 0, 2000), ("W7", "F", "B", 42000, 2000, 2000),
    ("W8", "F", "B", 44000, 0, 2000), ("W9", "F", "B", 46000, 2000, 2000),
    ("W10", "F", "B", 48000, 2000, 2000), ("M6", "M", "B", 44000, 0, 2000),
    ("M7", "M", "B", 46000, 2000, 2000), ("M8", "M", "B", 48000, 0, 2000),
    ("M9", "M", "B", 50000, 4000, 2000), ("M10", "M", "B", 52000, 0, 2000),
    ("W11", "F", "C", 90000, 10000, 2000), ("M11", "M", "C", 100000, 20000, 2000),
    ("M12", "M", "C", 110000, 0, 2000), ("M13", "M", "C", 120000, 30000, 2000),
]


def worked_csv(rows: list[tuple[Any, ...]] = WORKED, header: str = HEADER) -> str:
    return header + "\n" + "\n".join(",".join(str(v) for v in r) for r in rows) + "\n"


def gap(men: float, women: float) -> float:
    return (men - women) / men * 100


def figure(report: PayGapReport, ident: str, basis: str) -> Any:
    found = next(i for i in report.indicators if i.id == ident)
    return next(f for f in found.figures if f.basis == basis)


@pytest.fixture(scope="module")
def worked() -> PayGapReport:
    return pay_gap_report(payroll_from_text(worked_csv(), full_time_hours=2000))


# ----------------------------------------------------------------------------- worked payroll
def test_counts_and_other_genders(worked: PayGapReport) -> None:
    w = worked.workers
    assert (w.total, w.women, w.men, w.other) == (25, 11, 13, 1)
    assert any("1 worker(s) whose gender is neither woman nor man" in n for n in worked.notes)


def test_mean_and_median_gaps_by_hand(worked: PayGapReport) -> None:
    # annual pay = base + variable; women: 60000 65000 64000 31000 75000 40000 44000 44000 48000 50000 100000
    women_annual = (60000 + 65000 + 64000 + 31000 + 75000 + 40000 + 44000 + 44000 + 48000 + 50000
                    + 100000) / 11
    # men: 70000 68000 76000 72000 84000 44000 48000 48000 54000 52000 120000 110000 150000
    men_annual = (70000 + 68000 + 76000 + 72000 + 84000 + 44000 + 48000 + 48000 + 54000 + 52000
                  + 120000 + 110000 + 150000) / 13
    a = figure(worked, "a", "annual")
    assert a.women == pytest.approx(56454.5454, abs=1e-3)
    assert women_annual == pytest.approx(56454.5454, abs=1e-3)
    assert a.gap_pct == pytest.approx(gap(men_annual, women_annual), abs=PP)
    assert a.gap_pct == pytest.approx(26.3143, abs=PP)
    # hourly: W4 works 1000 hours (31.0 an hour), everyone else 2000
    women_hourly = (30 + 32.5 + 32 + 31 + 37.5 + 20 + 22 + 22 + 24 + 25 + 50) / 11
    men_hourly = (35 + 34 + 38 + 36 + 42 + 22 + 24 + 24 + 27 + 26 + 60 + 55 + 75) / 13
    assert figure(worked, "a", "hourly").gap_pct == pytest.approx(gap(men_hourly, women_hourly), abs=PP)
    assert figure(worked, "a", "hourly").gap_pct == pytest.approx(22.6360, abs=PP)
    # medians: 6th of 11 women (50000; 30.0/h), 7th of 13 men (70000; 35.0/h)
    assert figure(worked, "c", "annual").gap_pct == pytest.approx(gap(70000, 50000), abs=PP)  # 28.57
    assert figure(worked, "c", "hourly").gap_pct == pytest.approx(gap(35, 30), abs=PP)  # 14.29
    assert (figure(worked, "c", "annual").women, figure(worked, "c", "annual").men) == (50000, 70000)


def test_variable_pay_gaps_and_shares_by_hand(worked: PayGapReport) -> None:
    # recipients: women W2 3000, W4 1000, W5 5000, W7 2000, W9 2000, W10 2000, W11 10000 (7 of 11)
    #             men M1 4000, M3 6000, M5 10000, M7 2000, M9 4000, M11 20000, M13 30000 (7 of 13)
    b = figure(worked, "b", "annual")
    assert (b.n_women, b.n_men) == (7, 7)
    assert b.gap_pct == pytest.approx(gap(76000 / 7, 25000 / 7), abs=PP)  # 67.11
    # per hour: women 1.5 1.0 2.5 1.0 1.0 1.0 5.0; men 2 3 5 1 2 10 15
    assert figure(worked, "b", "hourly").gap_pct == pytest.approx(gap(38 / 7, 13 / 7), abs=PP)  # 65.79
    # medians: women 2000 (1.0/h), men 6000 (3.0/h)
    assert figure(worked, "d", "annual").gap_pct == pytest.approx(gap(6000, 2000), abs=PP)
    assert figure(worked, "d", "hourly").gap_pct == pytest.approx(gap(3.0, 1.0), abs=PP)
    share = worked.variable_share
    assert share.women_pct == pytest.approx(7 / 11 * 100, abs=PP)  # 63.64
    assert share.men_pct == pytest.approx(7 / 13 * 100, abs=PP)  # 53.85
    assert (share.women_receiving, share.men_receiving) == (7, 7)


def test_quartile_bands_by_hand(worked: PayGapReport) -> None:
    bands = {q.basis: q.bands for q in worked.quartiles}
    # annual, 24 workers ranked, 6 a band. Ranks 6-8 are W9, M7, M8 at 48,000: the boundary after
    # rank 6 takes one third of them into the lower band (reg. 13(2): the same proportions)
    lower = [4 + 1 / 3, 1 + 2 / 3]  # W4 W6 W7 W8 + 1/3 of (1 W, 2 M); M6
    lower_middle = [2 / 3 + 2, 4 / 3 + 2]  # 2/3 of the tie; W10 W1; M10 M9
    expected_annual = [lower, lower_middle, [3, 3], [1, 5]]
    for band, (women, men) in zip(bands["annual"], expected_annual, strict=True):
        assert band.women == pytest.approx(women, abs=1e-9) and band.men == pytest.approx(men, abs=1e-9)
        assert band.women_pct == pytest.approx(women / 6 * 100, abs=PP)
        assert band.men_pct == pytest.approx(men / 6 * 100, abs=PP)
    # hourly: ranks 5-7 are W9, M7, M8 at 24.00: two thirds fall in the lower band
    expected_hourly = [[1 + 2 + 2 / 3, 1 + 4 / 3], [1 / 3 + 3, 2 / 3 + 2], [3, 3], [1, 5]]
    for band, (women, men) in zip(bands["hourly"], expected_hourly, strict=True):
        assert band.women_pct == pytest.approx(women / 6 * 100, abs=PP)
        assert band.men_pct == pytest.approx(men / 6 * 100, abs=PP)
    assert [b.band for b in bands["annual"]] == ["lower", "lower middle", "upper middle", "upper"]


def test_categories_basic_and_variable_by_hand(worked: PayGapReport) -> None:
    cats = {c.category: c for c in worked.categories}
    a, b, c = cats["A"], cats["B"], cats["C"]
    assert (a.n_women, a.n_men, a.n_other) == (5, 5, 1)
    got = {(f.measure, f.basis): f.gap_pct for f in a.figures}
    assert got[("pay", "annual")] == pytest.approx(gap(370000 / 5, 295000 / 5), abs=PP)  # 20.27
    assert got[("basic", "annual")] == pytest.approx(gap(350000 / 5, 286000 / 5), abs=PP)  # 18.29
    assert got[("pay", "hourly")] == pytest.approx(gap(185 / 5, 163 / 5), abs=PP)  # 11.89
    assert got[("basic", "hourly")] == pytest.approx(gap(175 / 5, 158 / 5), abs=PP)  # 9.71
    # variable pay over its recipients, as (b) and (d): A has 3 women and 3 men receiving some
    variable = next(f for f in a.figures if f.measure == "variable" and f.basis == "annual")
    assert (variable.n_women, variable.n_men, variable.gap_pct) == (3, 3, None)
    assert variable.withheld == "too small: 3 women and 3 men receiving variable pay (fewer than 5); no " \
                                "figures shown"
    got = {(f.measure, f.basis): f.gap_pct for f in b.figures}
    assert got[("pay", "annual")] == pytest.approx(gap(246000 / 5, 226000 / 5), abs=PP)  # 8.13
    assert got[("basic", "annual")] == pytest.approx(gap(240000 / 5, 220000 / 5), abs=PP)  # 8.33
    assert got[("pay", "hourly")] == pytest.approx(gap(24.6, 22.6), abs=PP)
    # category C has one woman: its size only, never a figure
    assert (c.n_women, c.n_men) == (1, 3) and c.withheld and "fewer than 5" in c.withheld
    assert c.figures == [] and c.decomposition is None and c.article10 is None


def test_variable_pay_is_compared_over_its_recipients_everywhere() -> None:
    """(b), (d) and (g)'s variable part compare the same workers: those who received variable
    pay (Directive (EU) 2023/970, Art. 9(1)(b), (d), with (e) their share)."""
    report = pay_gap_report(payroll_from_text(worked_csv(), full_time_hours=2000), min_group=2)
    cats = {c.category: {(f.measure, f.basis): f for f in c.figures} for c in report.categories}
    # A: women W2 3000, W4 1000, W5 5000 (1.5, 1.0, 2.5 an hour); men M1 4000, M3 6000, M5 10000
    a = cats["A"][("variable", "annual")]
    assert (a.n_women, a.n_men) == (3, 3)
    assert (a.women, a.men) == (pytest.approx(9000 / 3), pytest.approx(20000 / 3))
    assert a.gap_pct == pytest.approx(gap(20000 / 3, 9000 / 3), abs=PP)  # 55.00
    assert cats["A"][("variable", "hourly")].gap_pct == pytest.approx(gap(10 / 3, 5 / 3), abs=PP)  # 50.00
    # B: women W7, W9, W10 2000 each; men M7 2000, M9 4000: 33.33% (over every worker it was 0%)
    b = cats["B"][("variable", "annual")]
    assert (b.n_women, b.n_men) == (3, 2)
    assert b.gap_pct == pytest.approx(gap(3000, 2000), abs=PP)
    # one category: its variable gap is the payroll's (b), the same workers
    one = [(*r[:2], "all", *r[3:]) for r in WORKED]
    whole = pay_gap_report(payroll_from_text(worked_csv(one), full_time_hours=2000))
    for basis in ("annual", "hourly"):
        category = next(f for f in whole.categories[0].figures
                        if f.measure == "variable" and f.basis == basis)
        overall = figure(whole, "b", basis)
        assert (category.n_women, category.n_men) == (overall.n_women, overall.n_men) == (7, 7)
        assert category.gap_pct == pytest.approx(overall.gap_pct, abs=1e-9)
    from paybench.guide.paygap import category_table, indicator_table

    note = category_table(report).note
    assert "variable pay over its women and men who received variable pay (> 0)" in note
    assert "(b): women and men who received variable pay (> 0)" in indicator_table(report).note


def test_unexplained_without_factors_is_the_log_gap_and_article_10(worked: PayGapReport) -> None:
    def mean_log(values: list[float]) -> float:
        return sum(math.log(v) for v in values) / len(values)

    cats = {c.category: c for c in worked.categories}
    raw_a = mean_log([35, 34, 38, 36, 42]) - mean_log([30, 32.5, 32, 31, 37.5])
    d = cats["A"].decomposition
    assert d is not None and d.raw_log_gap == pytest.approx(raw_a, abs=1e-12)
    assert d.unexplained_log == pytest.approx(raw_a, abs=1e-12)
    assert d.explained_log == pytest.approx(0, abs=1e-12)
    assert d.unexplained_gap_pct == pytest.approx((1 - math.exp(-raw_a)) * 100, abs=PP)
    # both categories' mean gaps reach 5% and no factor is declared to justify them
    for name in ("A", "B"):
        check = cats[name].article10
        assert check is not None and check.reaches_threshold and check.assessment_indicated
        assert not check.justified_by_factors and "no factor declared" in check.reason
    assert worked.article10_categories == ["A", "B"]
    # overall: one woman effect within categories = the categories' log gaps weighted n_w n_m / n
    raw_b = mean_log([22, 24, 24, 27, 26]) - mean_log([20, 22, 22, 24, 25])
    raw_c = mean_log([60, 55, 75]) - mean_log([50])
    weights = [5 * 5 / 10, 5 * 5 / 10, 1 * 3 / 4]
    unexplained = (weights[0] * raw_a + weights[1] * raw_b + weights[2] * raw_c) / sum(weights)
    overall = worked.decomposition
    assert overall is not None and overall.unexplained_log == pytest.approx(unexplained, abs=1e-9)
    men = [35, 34, 38, 36, 42, 22, 24, 24, 27, 26, 60, 55, 75]
    women = [30, 32.5, 32, 31, 37.5, 20, 22, 22, 24, 25, 50]
    assert overall.raw_log_gap == pytest.approx(mean_log(men) - mean_log(women), abs=1e-12)
    assert overall.explained_by_categories_log == pytest.approx(overall.raw_log_gap - unexplained, abs=1e-9)
    assert overall.explained_by_factors_log == 0


def test_pay_ranges_by_hand(worked: PayGapReport) -> None:
    ranges = {r.category: r for r in worked.pay_ranges}
    a = ranges["A"]  # full-time base (full-time year 2000 h): W4 30000 x 2 = 60000; X1 counts in the range
    # sorted: 60000 60000 62000 64000 65000 66000 68000 70000 70000 72000 74000
    assert (a.n, a.minimum, a.p25, a.median, a.p75, a.maximum) == (11, 60000, 63000, 66000, 70000, 74000)
    assert a.compa_women == pytest.approx((60000 + 62000 + 64000 + 60000 + 70000) / 5 / 66000, abs=1e-6)
    assert a.compa_men == pytest.approx(70000 / 66000, abs=1e-6)
    b = ranges["B"]  # 40000 42000 44000 44000 46000 46000 48000 48000 50000 52000
    assert (b.minimum, b.p25, b.median, b.p75, b.maximum) == (40000, 44000, 46000, 48000, 52000)
    assert b.compa_women == pytest.approx(44000 / 46000, abs=1e-6)
    assert ranges["C"].withheld and ranges["C"].median is None and ranges["C"].maximum is None


def test_uk_profile_by_hand() -> None:
    text = worked_csv([(*r, "no" if r[0] == "W4" else "yes") for r in WORKED], HEADER + ",full_pay")
    report = pay_gap_report(payroll_from_text(text, profile="uk"), profile="uk")
    ids = [i.id for i in report.indicators]
    assert ids == ["2(1)(a)", "2(1)(b)", "2(1)(c)", "2(1)(d)"]
    assert report.workers.full_pay_women == 10 and report.workers.full_pay_men == 13
    # hourly gaps over full-pay relevant employees (W4 on reduced pay is left out)
    women_hourly = [30, 32.5, 32, 37.5, 20, 22, 22, 24, 25, 50]
    men_hourly = [35, 34, 38, 36, 42, 22, 24, 24, 27, 26, 60, 55, 75]
    mean = figure(report, "2(1)(a)", "hourly")
    assert mean.gap_pct == pytest.approx(gap(sum(men_hourly) / 13, sum(women_hourly) / 10), abs=PP)  # 22.99
    median = figure(report, "2(1)(b)", "hourly")
    assert median.gap_pct == pytest.approx(gap(35, (25 + 30) / 2), abs=PP)  # 21.43
    # bonus gaps over every relevant employee paid a bonus (W4 included), annual amounts
    assert figure(report, "2(1)(c)", "annual").gap_pct == pytest.approx(gap(76000 / 7, 25000 / 7), abs=PP)
    assert figure(report, "2(1)(d)", "annual").gap_pct == pytest.approx(gap(6000, 2000), abs=PP)
    assert [q.basis for q in report.quartiles] == ["hourly"] and report.quartiles[0].n == 23
    # the UK's six figures only: no categories, Article 10, decomposition or pay ranges
    assert report.categories == [] and report.article10_categories == []
    assert report.decomposition is None and report.pay_ranges == []
    assert report.gap_formula.endswith("(SI 2017/172, reg. 8-11)") and "Directive" not in report.gap_formula
    assert not any("Directive" in n or "factor" in n for n in report.notes)
    # what the UK profile does not report is refused, not silently dropped
    for options, field in (({"factors": ["grade"]}, "factors"), ({"role_column": "role"}, "role_column")):
        with pytest.raises(InputError) as caught:
            paygap_of(text, profile="uk", **options)  # type: ignore[arg-type]
        assert caught.value.field == field and "use profile eu" in caught.value.message


def test_factors_can_justify_a_gap() -> None:
    """Pay follows grade exactly; women sit mostly in grade 1: a 12.5% gap, wholly explained."""
    rows = []
    for i, (gender, grade) in enumerate([("F", 1)] * 4 + [("F", 2)] + [("M", 1)] + [("M", 2)] * 4):
        rows.append({"employee_id": i, "gender": gender, "category": "analysts",
                     "annual_base": 80000 if grade == 1 else 100000, "variable_pay": 0,
                     "annual_hours": 2000, "grade": f"G{grade}"})
    plain = pay_gap_report(payroll_from_rows(rows))
    check = plain.categories[0].article10
    assert check is not None and check.assessment_indicated
    assert check.mean_gap_annual_pct == pytest.approx(gap(480000 / 5, 420000 / 5), abs=PP)  # 12.5
    graded = pay_gap_report(payroll_from_rows(rows, factors=["grade"]))
    d = graded.categories[0].decomposition
    assert d is not None and d.unexplained_log == pytest.approx(0, abs=1e-9)
    assert d.explained_share == pytest.approx(1, abs=1e-9)
    check = graded.categories[0].article10
    assert check is not None and check.reaches_threshold and check.justified_by_factors
    assert not check.assessment_indicated and graded.article10_categories == []


def test_decomposition_matches_a_dummy_variable_regression() -> None:
    """Per category, the unexplained part equals the woman x category coefficient of one least
    squares fit with explicit dummies (intercept, category, woman x category, factors)."""
    rng = np.random.default_rng(7)
    rows = []
    for i in range(300):
        cat = ["a", "b", "c"][i % 3]
        woman = rng.random() < 0.45
        tenure = float(rng.integers(0, 25))
        grade = ["g1", "g2", "g3"][int(rng.integers(0, 3))]
        log_pay = 10.5 + 0.2 * (cat == "b") + 0.02 * tenure + 0.15 * (grade == "g3") - 0.06 * woman \
            + rng.normal(0, 0.1)
        hours = float(rng.choice([1000, 1600, 2000]))
        rows.append({"employee_id": i, "gender": "F" if woman else "M", "category": cat,
                     "annual_base": round(math.exp(log_pay) * hours / 2000, 2), "variable_pay": 0,
                     "annual_hours": hours, "tenure": tenure, "grade": grade})
    report = pay_gap_report(payroll_from_rows(rows, factors=["tenure", "grade"]))
    y = np.array([math.log(r["annual_base"] / r["annual_hours"]) for r in rows])
    cats = ["a", "b", "c"]
    design = [np.ones(len(rows))]
    design += [np.array([r["category"] == c for r in rows], float) for c in cats[1:]]
    design += [np.array([r["category"] == c and r["gender"] == "F" for r in rows], float) for c in cats]
    design += [np.array([r["tenure"] for r in rows]),
               np.array([r["grade"] == "g2" for r in rows], float),
               np.array([r["grade"] == "g3" for r in rows], float)]
    coef, *_ = np.linalg.lstsq(np.column_stack(design), y, rcond=None)
    for k, c in enumerate(cats):
        found = next(x for x in report.categories if x.category == c).decomposition
        assert found is not None and found.unexplained_log == pytest.approx(-coef[3 + k], abs=1e-9)
    # overall: one woman dummy with category intercepts
    design = [np.ones(len(rows))] + [np.array([r["category"] == c for r in rows], float) for c in cats[1:]]
    design += [np.array([r["gender"] == "F" for r in rows], float), np.array([r["tenure"] for r in rows]),
               np.array([r["grade"] == "g2" for r in rows], float),
               np.array([r["grade"] == "g3" for r in rows], float)]
    coef, *_ = np.linalg.lstsq(np.column_stack(design), y, rcond=None)
    assert report.decomposition is not None
    assert report.decomposition.unexplained_log == pytest.approx(-coef[3], abs=1e-9)
    assert report.decomposition.unexplained_gap_pct == pytest.approx((1 - math.exp(coef[3])) * 100, abs=1e-6)


def test_quartiles_with_a_size_not_divisible_by_four() -> None:
    # 10 workers, distinct pay: bands of 2.5; the 3rd worker is half in the lower band
    pay = np.arange(1, 11, dtype=float)
    is_woman = np.array([True, True, True, False, False, False, False, False, True, True])
    bands = quartile_bands(pay, is_woman)
    assert [b.women for b in bands] == pytest.approx([2.5, 0.5, 0, 2])
    assert [b.men for b in bands] == pytest.approx([0, 2, 2.5, 0.5])


def test_small_payroll_shows_no_figures() -> None:
    rows = [{"employee_id": i, "gender": g, "category": "x", "annual_base": 50000 + 1000 * i,
             "variable_pay": 0, "annual_hours": 2000} for i, g in enumerate("FFFFMMMMMM")]
    report = pay_gap_report(payroll_from_rows(rows))
    for ind in report.indicators:
        for f in ind.figures:
            assert f.withheld and f.women is None and f.men is None and f.gap_pct is None
    assert all(q.withheld and not q.bands for q in report.quartiles)
    assert report.decomposition is None and report.categories[0].withheld
    everything = report_csv(report)
    for pay in range(50000, 60000, 1000):
        assert str(pay) not in everything  # no one's pay can be read from it
    assert pay_gap_report(payroll_from_rows(rows), min_group=4).indicators[0].figures[0].gap_pct is not None


def test_csv_rows_carry_every_figure(worked: PayGapReport) -> None:
    rows = report_rows(worked)
    first = rows[0]
    assert first["section"] == "indicator" and first["id"] == "a" and first["basis"] == "annual"
    assert float(first["gap_pct"]) == pytest.approx(26.3143, abs=PP)
    assert {r["section"] for r in rows} == {"indicator", "quartile", "category", "decomposition", "pay range"}
    assert sum(r["section"] == "quartile" for r in rows) == 8
    assert report_csv(worked).splitlines()[0].startswith("section,id,category,measure")


# ----------------------------------------------------------------------------- invariance
def _payrolls() -> st.SearchStrategy[list[tuple[Any, ...]]]:
    row = st.tuples(st.sampled_from(["F", "M", "M", "F", "x"]), st.sampled_from(["a", "b", "c"]),
                    st.integers(1_000_000, 25_000_000),  # base in cents
                    st.one_of(st.just(0), st.integers(1, 3_000_000)),  # variable in cents
                    st.sampled_from([800, 1000, 1500, 1720, 2000, 2080]), st.integers(0, 30))
    return st.lists(row, min_size=8, max_size=60)


def _report(rows: list[tuple[Any, ...]], scale: float = 1.0, order: list[int] | None = None) -> PayGapReport:
    records = [{"employee_id": f"e{i}", "gender": g, "category": c, "annual_base": base / 100 * scale,
                "variable_pay": var / 100 * scale, "annual_hours": hours, "tenure": tenure}
               for i, (g, c, base, var, hours, tenure) in enumerate(rows)]
    if order is not None:
        records = [records[i] for i in order]
    return pay_gap_report(payroll_from_rows(records, factors=["tenure"]), min_group=2)


MONEY = {"women", "men", "minimum", "p25", "median", "p75", "maximum"}


def _same(a: Any, b: Any, scale: float = 1.0, path: tuple[str, ...] = ()) -> None:
    if isinstance(a, dict):
        assert a.keys() == b.keys(), path
        for key in a:
            _same(a[key], b[key], scale, (*path, key))
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _same(x, y, scale, (*path, str(i)))
    elif isinstance(a, float) and not isinstance(b, bool):
        money = path[-1] in MONEY and "bands" not in path
        assert b == pytest.approx(a * (scale if money else 1), rel=1e-9, abs=1e-7), path
    else:
        assert a == b, path


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=_payrolls(), seed=st.integers(0, 2**32 - 1))
def test_invariant_to_the_order_of_rows(rows: list[tuple[Any, ...]], seed: int) -> None:
    assume(any(r[0] == "F" for r in rows) and any(r[0] == "M" for r in rows))
    order = list(range(len(rows)))
    random.Random(seed).shuffle(order)
    shuffled = _report(rows, order=order)
    _same(_report(rows).model_dump(exclude={"notes"}), shuffled.model_dump(exclude={"notes"}))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=_payrolls(), scale=st.floats(0.01, 1000))
def test_invariant_to_a_common_scaling_of_pay(rows: list[tuple[Any, ...]], scale: float) -> None:
    assume(any(r[0] == "F" for r in rows) and any(r[0] == "M" for r in rows))
    _same(_report(rows).model_dump(), _report(rows, scale=scale).model_dump(), scale)


# ----------------------------------------------------------------------------- reading
@pytest.mark.parametrize(("change", "words"), [
    ({"annual_hours": "0"}, "row 3 (employee 'W3'): annual_hours 0 is not positive"),
    ({"annual_hours": "-40"}, "annual_hours -40 is not positive"),
    ({"annual_hours": ""}, "no annual_hours"),
    ({"annual_base": "lots"}, "annual_base 'lots' is not an amount"),
    ({"annual_base": "-5"}, "annual_base -5 is negative"),
    ({"variable_pay": "-1"}, "variable_pay -1 is negative"),
    ({"employee_id": "W1"}, "employee_id repeats row 1"),
    ({"category": ""}, "no category"),
    ({"annual_hours": "9000"}, "more hours than a year has"),
    ({"annual_hours": "0.5"}, "annual_hours 0.5 is less than 1 hour a year"),
    ({"annual_hours": "1e-9"}, "annual_hours 1e-09 is less than 1 hour a year"),
    ({"annual_base": "0", "variable_pay": "0"}, "no pay"),
    ({"gender": ""}, "row 3 (employee 'W3'): no gender (a blank cell"),
    ({"gender": "  "}, "no gender"),
    ({"annual_base": "1e300"},
     "annual_base 1e+300 is not a plausible annual amount (more than 1e+12 a year)"),
    ({"variable_pay": "5e12"}, "variable_pay 5e+12 is not a plausible annual amount"),
    ({"annual_base": "inf"}, "annual_base 'inf' is not a finite number"),
    ({"annual_base": "-Infinity"}, "annual_base '-Infinity' is not a finite number"),
    ({"variable_pay": "nan"}, "variable_pay 'nan' is not a finite number"),
    ({"annual_base": "€-52.000"}, "annual_base '€-52.000' is not an amount (negative amount"),
])
def test_bad_rows_refuse_the_payroll_in_one_line(change: dict[str, str], words: str) -> None:
    columns = HEADER.split(",")
    rows = [list(map(str, r)) for r in WORKED]
    for key, value in change.items():
        rows[2][columns.index(key)] = value
    with pytest.raises(InputError) as caught:
        payroll_from_text(worked_csv([tuple(r) for r in rows]))
    message = caught.value.message
    assert words in message and "\n" not in message and caught.value.field == "payroll"
    assert message.startswith("payroll: row 3")


def test_errors_count_the_other_rows_at_fault() -> None:
    rows = [list(map(str, r)) for r in WORKED]
    for i in (4, 9, 12):
        rows[i][5] = "0"
    with pytest.raises(InputError, match=r"row 5 \(employee 'W5'\): annual_hours 0 is not positive "
                                         r"\(2 more rows with errors\)"):
        payroll_from_text(worked_csv([tuple(r) for r in rows]))


@pytest.mark.parametrize(("text", "words"), [
    ("employee_id,category,annual_base,variable_pay,annual_hours\n1,a,100,0,2000\n",
     "missing column(s) gender"),
    ("employee_id,gender,category,annual_base,variable_pay\n1,F,a,100,0\n", "annual_hours (or fte)"),
    (HEADER + "\n1,F,a,100,0,2000\n2,F,a,100,0,2000\n", "no men in the gender column"),
    (HEADER + "\n1,X,a,100,0,2000\n2,not stated,a,100,0,2000\n", "no women in the gender column"),
    (HEADER + "\n", "no data rows"),
])
def test_payrolls_that_cannot_be_compared(text: str, words: str) -> None:
    with pytest.raises(InputError) as caught:
        payroll_from_text(text)
    assert words in caught.value.message and "\n" not in caught.value.message


def test_other_genders_are_counted_not_compared_and_blank_ones_refused() -> None:
    rows = [list(map(str, r)) for r in WORKED]
    rows[0][1] = "not stated"  # W1 gave none
    rows[1][1] = "D"
    report = pay_gap_report(payroll_from_text(worked_csv([tuple(r) for r in rows])))
    assert (report.workers.women, report.workers.other) == (9, 3)
    assert report.categories[0].n_other == 3
    # a blank is a missing gender, not a stated one: refused, naming the first row and counting the rest
    for i in (4, 0, 12):
        rows[i][1] = ""
    with pytest.raises(InputError) as caught:
        payroll_from_text(worked_csv([tuple(r) for r in rows]))
    assert caught.value.message == ("payroll: row 1 (employee 'W1'): no gender (a blank cell: give F or M, "
                                    "or a value such as X or 'not stated') (2 more rows with errors)")
    with pytest.raises(InputError, match=r"row 2 .*no gender"):
        payroll_from_rows([{**dict(zip(HEADER.split(","), r, strict=True)), "gender": g}
                           for r, g in zip(WORKED[:3], ["F", None, "M"], strict=True)])


@pytest.mark.parametrize("hours", ["0", "-0.5", "0.0"])
def test_non_positive_fte_is_refused(hours: str) -> None:
    """fte 0 or below is refused (and one too small to be an hour: 0.0001 x 2,000 = 0.2 h)."""
    header = HEADER.replace("annual_hours", "fte")
    rows = [(*r[:5], r[5] / 2000) for r in WORKED]
    rows[6] = (*rows[6][:5], hours)
    with pytest.raises(InputError) as caught:
        payroll_from_text(worked_csv(rows, header), full_time_hours=2000)
    assert caught.value.message == f"payroll: row 7 (employee 'M2'): fte {float(hours):g} is not positive"
    rows[6] = (*rows[6][:5], "0.0001")
    with pytest.raises(InputError, match=r"row 7 \(employee 'M2'\): fte 0\.0001 is less than 1 hour a year"):
        payroll_from_text(worked_csv(rows, header), full_time_hours=2000)


def test_an_fte_above_one_is_refused() -> None:
    """fte is a share of a full-time year, in (0, 1]: 1.5 is refused naming its row; 1 is kept."""
    header = HEADER.replace("annual_hours", "fte")
    rows = [(*r[:5], r[5] / 2000) for r in WORKED]
    rows[6] = (*rows[6][:5], "1.5")
    with pytest.raises(InputError) as caught:
        payroll_from_text(worked_csv(rows, header), full_time_hours=2000)
    assert caught.value.message.startswith("payroll: row 7 (employee 'M2'): fte 1.5 is more than 1 (a "
                                           "full-time year)")
    assert "\n" not in caught.value.message and caught.value.field == "payroll"
    rows[6] = (*rows[6][:5], "1")
    assert payroll_from_text(worked_csv(rows, header), full_time_hours=2000).hours[6] == 2000
    both = [(*r, "") for r in WORKED]  # annual_hours and fte: an fte is still at most 1
    both[0] = (*WORKED[0][:5], "", "1.01")
    with pytest.raises(InputError, match=r"row 1 \(employee 'W1'\): fte 1\.01 is more than 1"):
        payroll_from_text(worked_csv(both, HEADER + ",fte"), full_time_hours=2000)


def _euro(amount: float) -> str:
    """€45.000 (European thousands)."""
    return "€" + f"{amount:,.0f}".replace(",", ".")


def test_amounts_written_with_signs_and_european_thousands(worked: PayGapReport) -> None:
    """'€45.000' is 45,000 EUR (paybench's amount reader, `normalize.money.parse_money`), not 45
    and not a lost sign; a plain '45.000' column too; the sign sets the payroll's currency."""
    rows = [(i, g, c, _euro(b), _euro(v) if v else "", h) for i, g, c, b, v, h in WORKED]
    payroll = payroll_from_text(worked_csv(rows), full_time_hours=2000)
    assert payroll.annual_base[0] == 60000 and payroll.currency == "EUR"
    signed = pay_gap_report(payroll)
    assert signed.currency == "EUR"
    assert "currency EUR, as the payroll's amounts' currency signs write it" in signed.notes
    skip = {"currency", "notes"}
    _same(worked.model_dump(exclude=skip), signed.model_dump(exclude=skip))
    plain = [(i, g, c, f"{b:,.0f}".replace(",", "."), v, h) for i, g, c, b, v, h in WORKED]
    assert payroll_from_text(worked_csv(plain)).annual_base[0] == 60000  # '60.000': thousands
    assert payroll_from_text(worked_csv(plain)).currency is None
    # a number kept as a number (xlsx, JSON) is not misread: 100.125 stays 100.125
    records = [dict(zip(HEADER.split(","), r, strict=True)) for r in WORKED]
    records[1]["variable_pay"] = 100.125
    assert payroll_from_rows(records).variable_pay[1] == 100.125
    # the currency given must be the one written
    with pytest.raises(InputError) as caught:
        paygap_of(worked_csv(rows), currency="GBP", full_time_hours=2000)
    message = caught.value.message
    assert message.startswith("payroll: pay in 2 currencies: EUR (rows 1, 2, 3 and 22 more), GBP (the "
                              "currency given)") and "\n" not in message
    assert paygap_of(worked_csv(rows), currency="EUR", full_time_hours=2000).currency == "EUR"


def test_a_payroll_in_several_currencies_is_refused() -> None:
    """Amounts written with different signs, or a currency column with several codes, or one
    disagreeing with the signs: refused in one line naming the currencies and their rows."""
    rows = [(i, g, c, _euro(b), v, h) for i, g, c, b, v, h in WORKED]
    rows[4] = (*rows[4][:3], "$70000", *rows[4][4:])
    rows[9] = (*rows[9][:3], "$74000", *rows[9][4:])
    with pytest.raises(InputError) as caught:
        payroll_from_text(worked_csv(rows))
    assert caught.value.message == (
        "payroll: pay in 2 currencies: EUR (rows 1, 2, 3 and 20 more), USD (rows 5, 10) (read from the "
        "signs in annual_base); a pay gap compares pay in one currency: give one payroll per currency, or "
        "convert its amounts first")
    assert caught.value.field == "payroll"
    column = [(*r, "USD" if r[0] == "M13" else "eur") for r in WORKED]
    with pytest.raises(InputError) as caught:
        payroll_from_text(worked_csv(column, HEADER + ",currency"))
    assert caught.value.message.startswith("payroll: pay in 2 currencies: EUR (rows 1, 2, 3 and 21 more), "
                                           "USD (row 25) (read from the currency column)")
    one = [(*r, "EUR") for r in WORKED]
    assert payroll_from_text(worked_csv(one, HEADER + ",currency")).currency == "EUR"
    disagree = [(*r[:3], "£" + str(r[3]), *r[4:], "EUR") for r in WORKED]
    with pytest.raises(InputError, match=r"EUR \(rows 1, 2, 3 and 22 more\), GBP \(rows 1, 2, 3 and 22 mo"):
        payroll_from_text(worked_csv(disagree, HEADER + ",currency"))
    bad = [(*r, "Euros?") for r in WORKED]
    with pytest.raises(InputError, match=r"row 1 \(employee 'W1'\): currency 'Euros\?' is not a currency"):
        payroll_from_text(worked_csv(bad, HEADER + ",currency"))


def test_the_amount_bound_is_inclusive() -> None:
    rows = [list(map(str, r)) for r in WORKED]
    rows[21][3] = f"{MAX_ANNUAL_AMOUNT:.0f}"  # W11 at the bound itself: read
    report = pay_gap_report(payroll_from_text(worked_csv([tuple(r) for r in rows])))
    assert report.workers.total == 25
    rows[21][3] = f"{MAX_ANNUAL_AMOUNT * 1.000001:.0f}"
    with pytest.raises(InputError, match=r"row 22 \(employee 'W11'\): annual_base .* is not a plausible"):
        payroll_from_text(worked_csv([tuple(r) for r in rows]))


@pytest.mark.parametrize(("given", "code"), [("EUR", "EUR"), ("eur", "EUR"), (" gbp ", "GBP"), ("€", "EUR"),
                                             ("£", "GBP"), (None, None), ("", None)])
def test_currency_is_an_iso_4217_code(given: str | None, code: str | None) -> None:
    assert paygap_of(worked_csv(), currency=given).currency == code
    assert pay_gap_report(payroll_from_text(worked_csv()), currency=given).currency == code


@pytest.mark.parametrize("given", ["XXX", "ABC", "EURO2", "US", "kr", "12"])
def test_a_currency_that_is_not_one_is_refused(given: str) -> None:
    for call in (lambda: paygap_of(worked_csv(), currency=given),
                 lambda: pay_gap_report(payroll_from_text(worked_csv()), currency=given)):
        with pytest.raises(InputError) as caught:
            call()
        assert caught.value.field == "currency" and "\n" not in caught.value.message
        assert "give an ISO 4217 code" in caught.value.message


def test_mapping_fte_amount_formats_and_xlsx(tmp_path: Path, worked: PayGapReport) -> None:
    import openpyxl

    # other column names, fte instead of hours (full-time year 2000 h), amounts as people write them
    # semicolon-delimited, as European spreadsheets export
    header = "Personalnummer;Sex;Job family;Base salary;Bonus;FTE"
    text = header + "\n" + "\n".join(f"{i};{g};{c};{b:,};{v if v else ''};{h / 2000}"
                                     for i, g, c, b, v, h in WORKED) + "\n"
    mapping = {"employee_id": "Personalnummer", "gender": "sex", "category": "job family",
               "annual_base": "Base salary", "variable_pay": "Bonus", "fte": "FTE"}
    mapped = pay_gap_report(payroll_from_text(text, mapping=mapping, full_time_hours=2000))
    skip = {"hours_from", "notes"}
    _same(worked.model_dump(exclude=skip), mapped.model_dump(exclude=skip))
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    for r in WORKED:
        sheet.append(list(r))
    path = tmp_path / "payroll.xlsx"
    book.save(path)
    from_xlsx = pay_gap_report(read_payroll(path, full_time_hours=2000))
    _same(worked.model_dump(exclude={"payroll"}), from_xlsx.model_dump(exclude={"payroll"}))
    assert from_xlsx.payroll == "payroll.xlsx"
    with pytest.raises(InputError, match="no column 'Geschlecht'"):
        payroll_from_text(worked_csv(), mapping={"gender": "Geschlecht"})
    with pytest.raises(InputError, match="the gender column, not a gender-neutral factor"):
        payroll_from_text(worked_csv(), factors=["gender"])


def test_an_implausible_numeric_factor_is_refused_in_one_line() -> None:
    """A numeric factor of 1e300 overflowed the decomposition (an 'explained' share of a gap
    that meant nothing): refused naming the row, the employee and the factor; 1e12 is kept."""
    rows = [{"employee_id": f"E{i}", "gender": "F" if i % 2 else "M", "category": "all",
             "annual_base": 50_000 + 1_000 * i, "variable_pay": 0, "annual_hours": 2000,
             "tenure": float(i)} for i in range(20)]
    kept = payroll_from_rows(rows, factors=["tenure"])
    assert kept.factors[0].values is not None and kept.factors[0].values[3] == 3.0
    rows[3]["tenure"] = 1e300
    with pytest.raises(InputError) as caught:
        payroll_from_rows(rows, factors=["tenure"])
    message = caught.value.message
    assert "row 4 (employee 'E3'): factor 'tenure' 1e+300 is not a plausible value" in message
    assert "\n" not in message and caught.value.field == "factors"
    rows[3]["tenure"] = -1e12
    assert payroll_from_rows(rows, factors=["tenure"]).factors[0].values is not None


def test_a_payroll_without_variable_pay_reads_it_as_0_and_says_so() -> None:
    """A blank variable_pay cell is 0; a payroll without the column is read the same way (a
    new-user trial found it refused), with a note, and its basic-pay gaps are those of the same
    payroll with a column of zeros."""
    without = "employee_id,gender,category,annual_base,annual_hours\n" + "\n".join(
        f"{i},{g},a,{pay},2000" for i, (g, pay) in enumerate(
            [("F", 50_000), ("F", 52_000), ("F", 51_000), ("M", 55_000), ("M", 56_000), ("M", 54_000)]))
    zeros = "employee_id,gender,category,annual_base,variable_pay,annual_hours\n" + "\n".join(
        line.rsplit(",", 1)[0] + ",0," + line.rsplit(",", 1)[1] for line in without.splitlines()[1:])
    read = payroll_from_text(without)
    assert any(n.startswith("no variable_pay column: every worker's variable pay is read as 0")
               for n in read.notes)
    a = pay_gap_report(read, min_group=2)
    b = pay_gap_report(payroll_from_text(zeros), min_group=2)

    def figures(report: Any) -> list[tuple[Any, ...]]:
        return [(i.id, f.measure, f.basis, f.statistic, f.gap_pct)
                for i in report.indicators for f in i.figures]

    assert figures(a) == figures(b) and len(figures(a)) > 4


def test_the_variable_pay_share_of_a_lone_woman_is_withheld() -> None:
    """(e) is a share of the women and of the men: with fewer than min_group of either in the
    payroll it would say whether that one person received variable pay, so it is withheld."""
    text = "employee_id,gender,category,annual_base,variable_pay,annual_hours\n" + "\n".join(
        f"{i},{g},a,{pay},{var},2000" for i, (g, pay, var) in enumerate(
            [("F", 50_000, 0), ("M", 55_000, 1_000), ("M", 56_000, 0), ("M", 54_000, 500)]))
    report = pay_gap_report(payroll_from_text(text), min_group=2)
    share = report.variable_share
    assert share.withheld is not None and share.withheld.startswith("too small: 1 woman")
    assert (share.women_pct, share.men_pct, share.women_receiving, share.men_receiving) == (None,) * 4
    assert (share.n_women, share.n_men) == (1, 3)
