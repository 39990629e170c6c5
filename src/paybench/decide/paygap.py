"""The gender pay gap of an employer's payroll: the indicators of Directive (EU) 2023/970,
Article 9 (profile "eu"), or those of the UK's Equality Act 2010 (Gender Pay Gap Information)
Regulations 2017, SI 2017/172 (profile "uk"); the Article 10 trigger per category of workers;
and how much of each gap the declared gender-neutral factors explain.

Definitions (the payroll: `paybench.decide.payroll`; women and men only, see `GENDER_CODES`):

* pay = annual_base + variable_pay ("pay", Art. 3(1)(a): the ordinary basic wage and the
  complementary or variable components); gross annual pay as paid, and gross hourly pay =
  annual pay / annual hours ("pay level", Art. 3(1)(b): "gross annual pay and the
  corresponding gross hourly pay"). Every EU indicator is given on both.
* gap = (men's figure - women's figure) / men's figure x 100 (Art. 3(1)(c) "pay gap": the
  difference of average pay levels as a percentage of the male workers' average; (e) the same
  for medians; UK reg. 8-11: (A - B) / A x 100 with A the men's figure). Positive: women are
  paid less. Median: the middle value, the mean of the two middle values for an even count.
* variable-pay gaps compare the workers who received variable pay (> 0): `VARIABLE_POPULATION`,
  one definition for every figure of variable pay: EU (b) and (d), the variable breakdown of
  (g), and the UK's bonus gaps (reg. 10-11). Directive (EU) 2023/970, Art. 9(1)(b) and (d),
  asks for "the gender pay gap in complementary or variable components" (mean and median)
  without naming its population, and (e) reports separately "the proportion of female and male
  workers receiving complementary or variable components": averaging the non-recipients' zeros
  into (b) would count (e) a second time, mixed with the amounts, so (b)/(d) compare what
  recipients receive, as the UK's reg. 10-11 do ("bonus pay paid to ... relevant employees" who
  were paid one). The share receiving it is (e) / reg. 12.
* quartile pay bands (EU (f) / reg. 13): the workers ranked by pay, divided into four bands of
  n/4 workers each; a worker whose rank straddles a boundary, and workers with the same pay
  where a boundary falls among them, count in each band in proportion to the part of them it
  holds, so that each band holds exactly n/4 workers and men and women of one rate are in the
  same proportion on both sides (reg. 13(2)). Rates equal to `TIE_BITS` bits are one rate.
* by category (EU (g)): per category of workers, the mean gap of pay and of basic pay over all
  its workers, and of variable pay over its workers who received some (as (b): so basic and
  variable gaps do not add up to the pay gap), annual and hourly. A category with fewer than
  `min_group` women or men (`DEFAULT_MIN_GROUP`) gets no figures, only its size; so does the
  whole payroll, and a variable-pay gap whose recipients are fewer.
* Article 10(1): a joint pay assessment follows where a category's gap in average pay level is
  at least 5% (`ARTICLE_10_THRESHOLD_PCT`; on annual or hourly pay, either direction), it is
  not justified by objective, gender-neutral criteria, and it is not remedied within six
  months. Here "not justified" means: no factor was declared, or the part the declared factors
  leave unexplained (below) is itself at least 5%. The six months are the employer's.

Explained and unexplained parts (Oaxaca 1973, Blinder 1973; the twofold decomposition with
pooled coefficients from a model that includes the group indicator: Fortin 2008, Jann 2008,
"The Blinder-Oaxaca decomposition for linear regression models", Stata Journal 8(4):453-479).
On log hourly pay y, with the declared factors X (numbers as they are; labels one column per
value but the first):

* per category c: y = X b + a[c, gender] + e (one intercept per category and gender). Then the
  category's raw gap mean(y | c, men) - mean(y | c, women) = (mean X | c, men - mean X | c,
  women) b (explained) + the difference of the two intercepts (unexplained), exactly;
* overall: y = X b + a[c] + d x woman + e: explained = raw - (-d), of which (mean X | men - mean
  X | women) b by the factors and the rest by the categories workers are in; unexplained = -d.

b is fitted on all workers (small categories included) by least squares after subtracting
group means (Frisch-Waugh-Lovell), with numpy; statsmodels is not a dependency. A log gap g
is shown as the percentage 100 x (1 - e^-g): how much less women are paid than men (geometric
means) with the same category and factors. Money: the payroll's currency; nothing is stored.

The UK profile is the UK's six figures only (reg. 2(1)(a)-(f): mean and median hourly gap,
mean and median bonus gap, the proportions paid a bonus, the hourly quartile bands): no gaps
by category, no Article 10, no explained/unexplained split and no pay ranges, which are the
Directive's (Art. 5, 7, 9(1)(g), 10) and not the Regulations'; declared factors and a role
column (for the market beside the ranges) are refused with it.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import BaseModel, Field

from paybench.decide.payranges import PayRange, pay_ranges
from paybench.decide.payroll import (
    ALL_WORKERS,
    DEFAULT_MIN_GROUP,
    MAN,
    OTHER,
    WOMAN,
    Payroll,
    Profile,
    check_currency,
    check_min_group,
    parse_mapping,
    payroll_from_rows,
    payroll_from_text,
    read_payroll,
    too_small,
)
from paybench.errors import InputError
from paybench.normalize.money import HOURS_PER_YEAR
from paybench.paths import user_file

if TYPE_CHECKING:
    from paybench.decide.market import Market

ARTICLE_10_THRESHOLD_PCT = 5.0
"""Directive (EU) 2023/970, Art. 10(1)(a): "a difference in average pay level between female
and male workers of at least 5 % in any category of workers"."""

TIE_BITS = 40
"""Bits of a rate's mantissa compared when ranking for the quartile bands (about 12 significant
digits): the same pay computed in another order (or scaled) is one rate, as pay in cents is."""

CITATION_EU = "Directive (EU) 2023/970, Art. 9(1)"
CITATION_UK = "Equality Act 2010 (Gender Pay Gap Information) Regulations 2017 (SI 2017/172), reg. 2(1)"
GAP_FORMULA = "gap = (men - women) / men x 100 (Directive (EU) 2023/970, Art. 3(1)(c))"
GAP_FORMULA_UK = "gap = (men - women) / men x 100 (SI 2017/172, reg. 8-11)"

VARIABLE_POPULATION = "women and men who received variable pay (> 0)"
"""The workers every variable-pay gap compares (EU Art. 9(1)(b), (d) and (g)'s variable part;
the module doc says why)."""
VARIABLE_WHO = " receiving variable pay"
"""How a withheld variable-pay figure names its too few workers."""

Measure = Literal["pay", "basic", "variable"]
Basis = Literal["annual", "hourly"]
Statistic = Literal["mean", "median"]


# --------------------------------------------------------------------------- records
class GroupFigure(BaseModel):
    """One statistic of one pay measure for women and for men, and the gap between them."""

    measure: Measure = Field(description="pay (basic + variable), basic or variable")
    basis: Basis = Field(description="annual: a year's pay; hourly: per paid hour")
    statistic: Statistic
    women: float | None = Field(description="the women's mean or median (payroll currency)")
    men: float | None
    gap_pct: float | None = Field(description="(men - women) / men x 100; None when men's is 0")
    n_women: int
    n_men: int
    withheld: str | None = Field(default=None, description="why no figures are shown (too few)")


class Indicator(BaseModel):
    """One indicator of the profile: its id in the law, what it is and its figures."""

    id: str = Field(description="'a'-'d' (EU Art. 9(1)) or '2(1)(a)'-'2(1)(d)' (UK reg.)")
    name: str
    source: str
    population: str = Field(description="the workers it compares")
    figures: list[GroupFigure]


class VariableShare(BaseModel):
    """(e): the share of women and of men who received variable pay (UK: bonus pay)."""

    id: str
    name: str
    source: str
    women_pct: float | None = Field(description="None when withheld")
    men_pct: float | None = Field(description="None when withheld")
    women_receiving: int | None = Field(description="None when withheld")
    men_receiving: int | None = Field(description="None when withheld")
    n_women: int
    n_men: int
    withheld: str | None = Field(default=None, description=(
        "why the shares are not given: fewer than min_group women or men in the payroll (a share "
        "of one woman says whether she received variable pay)"))


class QuartileBand(BaseModel):
    """One quartile pay band: its workers by gender (fractional where a worker's rank
    straddles a boundary; see the module doc)."""

    band: Literal["lower", "lower middle", "upper middle", "upper"]
    women: float
    men: float
    women_pct: float
    men_pct: float


class QuartileBands(BaseModel):
    """(f): the four quartile pay bands on one basis."""

    id: str
    basis: Basis
    source: str
    n: int
    bands: list[QuartileBand] = Field(default_factory=list)
    withheld: str | None = None


class Decomposition(BaseModel):
    """The raw log gap of hourly pay split into the part the categories and factors explain and
    the rest (see the module doc). Log points: 0.05 is about 5%."""

    scope: str = Field(description="'all workers' or the category")
    n_women: int
    n_men: int
    raw_log_gap: float = Field(description="mean ln(hourly pay) of men - of women")
    explained_log: float
    explained_by_factors_log: float
    explained_by_categories_log: float = Field(description="0 within one category")
    unexplained_log: float
    raw_gap_pct: float = Field(description="100 x (1 - e^-raw): the gap of geometric means")
    unexplained_gap_pct: float = Field(description="100 x (1 - e^-unexplained)")
    explained_share: float | None = Field(description="explained / raw; None for a raw gap of 0")


class Article10Check(BaseModel):
    """The Article 10(1) trigger of one category."""

    mean_gap_annual_pct: float | None
    mean_gap_hourly_pct: float | None
    threshold_pct: float = ARTICLE_10_THRESHOLD_PCT
    reaches_threshold: bool = Field(description="|annual or hourly mean gap| >= 5%")
    unexplained_gap_pct: float | None = Field(description="left by the declared factors (hourly)")
    justified_by_factors: bool = Field(description="factors declared and |unexplained| < 5%")
    assessment_indicated: bool = Field(description="reaches 5% and not justified: a joint pay "
                                       "assessment unless remedied within six months (Art. 10(1)(c))")
    reason: str


class CategoryGap(BaseModel):
    """(g): one category of workers: its size and, unless too small, its mean gaps of pay and
    basic pay over its workers, of variable pay over its workers who received some
    (`VARIABLE_POPULATION`; the figure's n_women, n_men count them), annual and hourly, the
    explained split and the Article 10 check."""

    category: str
    n_women: int
    n_men: int
    n_other: int
    withheld: str | None = None
    figures: list[GroupFigure] = Field(default_factory=list)
    decomposition: Decomposition | None = None
    article10: Article10Check | None = None


class WorkerCounts(BaseModel):
    """Who the report counts."""

    total: int
    women: int
    men: int
    other: int = Field(description="gender neither woman nor man, or blank: counted, not compared")
    full_pay_women: int | None = Field(default=None, description="UK: full-pay relevant employees")
    full_pay_men: int | None = None


class PayGapReport(BaseModel):
    """The pay-gap report of one payroll (`pay_gap_report`). Nothing of the payroll is stored;
    no figure of a group of fewer than `min_group` women or men is given."""

    profile: Profile
    law: str
    gap_formula: str = Field(default=GAP_FORMULA, description="how a gap is computed, and the law's "
                                                             "article or regulation that says so")
    payroll: str = Field(description="the file (or 'rows', 'payroll') read")
    currency: str | None = Field(description="the payroll's currency, when given")
    workers: WorkerCounts
    min_group: int
    factors: list[str] = Field(description="declared gender-neutral factor columns")
    hours_from: str = Field(description="annual_hours, or fte x full_time_hours")
    full_time_hours: float
    indicators: list[Indicator]
    variable_share: VariableShare
    quartiles: list[QuartileBands]
    categories: list[CategoryGap]
    decomposition: Decomposition | None
    article10_categories: list[str] = Field(description="categories where a joint pay assessment is "
                                            "indicated")
    pay_ranges: list[PayRange] = Field(default_factory=list)
    notes: list[str]


# --------------------------------------------------------------------------- arithmetic
def gap_pct(men: float | None, women: float | None) -> float | None:
    """(men - women) / men x 100; None when either is missing or men's is not positive."""
    if men is None or women is None or not men > 0:
        return None
    return (men - women) / men * 100.0


def median(values: np.ndarray) -> float:
    """The middle value (the mean of the two middle values for an even count); NaN for none."""
    return float(np.median(values)) if len(values) else math.nan


def _figure(measure: Measure, basis: Basis, statistic: Statistic, women: np.ndarray, men: np.ndarray,
            min_group: int, who: str = "") -> GroupFigure:
    held = too_small(len(women), len(men), min_group, who)
    if held:
        return GroupFigure(measure=measure, basis=basis, statistic=statistic, women=None, men=None,
                           gap_pct=None, n_women=len(women), n_men=len(men), withheld=held)
    fn = np.mean if statistic == "mean" else np.median
    w, m = float(fn(women)), float(fn(men))
    return GroupFigure(measure=measure, basis=basis, statistic=statistic, women=w, men=m,
                       gap_pct=gap_pct(m, w), n_women=len(women), n_men=len(men))


def _tie_key(values: np.ndarray) -> np.ndarray:
    mantissa, exponent = np.frexp(values)
    scale = float(2 ** TIE_BITS)
    return np.ldexp(np.round(mantissa * scale) / scale, exponent)


BAND_NAMES: tuple[Literal["lower", "lower middle", "upper middle", "upper"], ...] = (
    "lower", "lower middle", "upper middle", "upper")


def quartile_bands(values: np.ndarray, is_woman: np.ndarray) -> list[QuartileBand]:
    """The four quartile pay bands of workers with pay `values` (women where `is_woman`, the
    others men), each of n/4 workers (see the module doc); an empty list for no workers."""
    n = len(values)
    if not n:
        return []
    unique, inverse = np.unique(_tie_key(values), return_inverse=True)
    women = np.bincount(inverse, weights=is_woman.astype(np.float64), minlength=len(unique))
    size = np.bincount(inverse, minlength=len(unique)).astype(np.float64)
    men = size - women
    end = np.cumsum(size)
    start = end - size
    out = []
    for k, name in enumerate(BAND_NAMES):
        low, high = k * n / 4, (k + 1) * n / 4
        share = np.clip(np.minimum(end, high) - np.maximum(start, low), 0, None) / size
        w, m = float(np.sum(share * women)), float(np.sum(share * men))
        out.append(QuartileBand(band=name, women=w, men=m, women_pct=w / (n / 4) * 100,
                                men_pct=m / (n / 4) * 100))
    return out


# --------------------------------------------------------------------------- the regression
def _design(payroll: Payroll, keep: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """The factor columns of the workers `keep`: numbers as they are, labels one 0/1 column per
    value but the first (sorted) one."""
    columns: list[np.ndarray] = []
    names: list[str] = []
    for factor in payroll.factors:
        if factor.values is not None:
            columns.append(factor.values[keep])
            names.append(factor.name)
        else:
            assert factor.codes is not None
            codes = factor.codes[keep]
            for level in range(1, len(factor.levels)):
                columns.append((codes == level).astype(np.float64))
                names.append(f"{factor.name}={factor.levels[level]}")
    if not columns:
        return np.zeros((int(keep.sum()), 0)), []
    return np.column_stack(columns), names


def _group_means(matrix: np.ndarray, groups: np.ndarray, n_groups: int) -> np.ndarray:
    counts = np.bincount(groups, minlength=n_groups).astype(np.float64)
    sums = np.stack([np.bincount(groups, weights=matrix[:, j], minlength=n_groups)
                     for j in range(matrix.shape[1])], axis=1) if matrix.shape[1] else \
        np.zeros((n_groups, 0))
    return np.divide(sums, counts[:, None], out=np.zeros_like(sums), where=counts[:, None] > 0)


def _within(matrix: np.ndarray, groups: np.ndarray, n_groups: int) -> np.ndarray:
    return matrix - _group_means(matrix, groups, n_groups)[groups]


def _least_squares(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Coefficients of y on x (no intercept: both are within-group deviations) and which columns
    vary at all (the others get 0: they cannot explain anything within the groups)."""
    if not x.shape[1]:
        return np.zeros(0), np.zeros(0, dtype=bool)
    scale = np.maximum(np.abs(x).max(axis=0), 1.0)
    varies = (np.abs(x).max(axis=0) > 1e-9 * scale)
    coef = np.zeros(x.shape[1])
    if varies.any():
        fitted, *_ = np.linalg.lstsq(x[:, varies], y, rcond=None)
        coef[varies] = fitted
    return coef, varies


def _log_pct(gap: float) -> float:
    return (1.0 - math.exp(-gap)) * 100.0


def _decomposition(scope: str, n_women: int, n_men: int, raw: float, by_factors: float,
                   unexplained: float) -> Decomposition:
    explained = raw - unexplained
    return Decomposition(
        scope=scope, n_women=n_women, n_men=n_men, raw_log_gap=raw, explained_log=explained,
        explained_by_factors_log=by_factors, explained_by_categories_log=explained - by_factors,
        unexplained_log=unexplained, raw_gap_pct=_log_pct(raw), unexplained_gap_pct=_log_pct(unexplained),
        explained_share=explained / raw if abs(raw) > 1e-12 else None)


def decompose(payroll: Payroll, keep: np.ndarray) -> tuple[Decomposition | None, dict[int, Decomposition],
                                                           list[str]]:
    """The overall decomposition and one per category (index -> Decomposition, for every
    category with women and men) of log hourly pay over the workers `keep` (women and men),
    and notes (factor columns that do not vary within the groups)."""
    notes: list[str] = []
    y = np.log(payroll.annual_pay[keep] / payroll.hours[keep])
    woman = (payroll.gender[keep] == WOMAN).astype(np.float64)
    category = payroll.category[keep]
    n_cat = len(payroll.categories)
    x, names = _design(payroll, keep)
    cells = category * 2 + (payroll.gender[keep] == WOMAN)

    # per category: intercepts per category x gender
    coef, varies = _least_squares(_within(x, cells, 2 * n_cat), _within(y[:, None], cells, 2 * n_cat)[:, 0])
    dropped = [names[j] for j in range(len(names)) if not varies[j]]
    if dropped:
        notes.append(f"factor column(s) {', '.join(dropped)} do not vary within any category and gender: "
                     "they explain nothing within a category")
    x_means = _group_means(x, cells, 2 * n_cat)
    y_means = _group_means(y[:, None], cells, 2 * n_cat)[:, 0]
    counts = np.bincount(cells, minlength=2 * n_cat)
    per_category: dict[int, Decomposition] = {}
    for c in range(n_cat):
        n_m, n_w = int(counts[2 * c]), int(counts[2 * c + 1])
        if not n_m or not n_w:
            continue
        raw = float(y_means[2 * c] - y_means[2 * c + 1])
        explained = float((x_means[2 * c] - x_means[2 * c + 1]) @ coef) if len(coef) else 0.0
        per_category[c] = _decomposition(payroll.categories[c], n_w, n_m, raw, explained, raw - explained)

    # overall: intercepts per category, one effect of being a woman
    z = np.column_stack([x, woman])
    zc = _within(z, category, n_cat)
    overall: Decomposition | None = None
    coef_all, varies_all = _least_squares(zc, _within(y[:, None], category, n_cat)[:, 0])
    if varies_all[-1]:
        men, women = woman == 0, woman == 1
        raw = float(y[men].mean() - y[women].mean())
        by_factors = (float((x[men].mean(axis=0) - x[women].mean(axis=0)) @ coef_all[:-1])
                      if x.shape[1] else 0.0)
        overall = _decomposition(ALL_WORKERS, int(women.sum()), int(men.sum()), raw, by_factors,
                                 -float(coef_all[-1]))
    else:
        notes.append("no category has both women and men: the overall gap cannot be split")
    return overall, per_category, notes


# --------------------------------------------------------------------------- the report
def _article10(figures: list[GroupFigure], split: Decomposition | None, has_factors: bool) -> Article10Check:
    annual = next((f.gap_pct for f in figures if f.measure == "pay" and f.basis == "annual"), None)
    hourly = next((f.gap_pct for f in figures if f.measure == "pay" and f.basis == "hourly"), None)
    gaps = [abs(g) for g in (annual, hourly) if g is not None]
    reaches = bool(gaps) and max(gaps) >= ARTICLE_10_THRESHOLD_PCT
    unexplained = split.unexplained_gap_pct if split is not None else None
    justified = has_factors and unexplained is not None and abs(unexplained) < ARTICLE_10_THRESHOLD_PCT
    threshold = f"{ARTICLE_10_THRESHOLD_PCT:g}%"
    if not reaches:
        reason = f"mean gap below {threshold} (annual and hourly)"
    elif justified:
        reason = (f"mean gap of {threshold} or more, but the declared factors leave "
                  f"{unexplained:.1f}% unexplained: document them as its objective, gender-neutral "
                  "justification")
    elif has_factors:
        reason = (f"mean gap of {threshold} or more and {unexplained:.1f}% unexplained by the declared "
                  "factors: a joint pay assessment unless justified otherwise or remedied within six months")
    else:
        reason = (f"mean gap of {threshold} or more and no factor declared to justify it: a joint pay "
                  "assessment unless justified or remedied within six months")
    return Article10Check(mean_gap_annual_pct=annual, mean_gap_hourly_pct=hourly, reaches_threshold=reaches,
                          unexplained_gap_pct=unexplained, justified_by_factors=justified,
                          assessment_indicated=reaches and not justified, reason=reason)


def _category_gaps(payroll: Payroll, keep: np.ndarray, min_group: int,
                   splits: dict[int, Decomposition]) -> list[CategoryGap]:
    annual = {"pay": payroll.annual_pay, "basic": payroll.annual_base, "variable": payroll.variable_pay}
    receiving = payroll.variable_pay > 0
    out: list[CategoryGap] = []
    has_factors = bool(payroll.factors)
    for c, label in enumerate(payroll.categories):
        in_cat = payroll.category == c
        w = in_cat & keep & (payroll.gender == WOMAN)
        m = in_cat & keep & (payroll.gender == MAN)
        others = int(np.count_nonzero(in_cat & (payroll.gender == OTHER)))
        held = too_small(int(w.sum()), int(m.sum()), min_group)
        row = CategoryGap(category=label, n_women=int(w.sum()), n_men=int(m.sum()), n_other=others,
                          withheld=held)
        if held is None:
            for basis in ("annual", "hourly"):
                for measure, values in annual.items():
                    v = values if basis == "annual" else values / payroll.hours
                    if measure == "variable":  # its recipients, as (b) and (d): VARIABLE_POPULATION
                        row.figures.append(_figure("variable", basis, "mean", v[w & receiving],
                                                   v[m & receiving], min_group, VARIABLE_WHO))
                    else:
                        row.figures.append(_figure(measure, basis, "mean", v[w], v[m], min_group))  # type: ignore[arg-type]
            row.decomposition = splits.get(c)
            row.article10 = _article10(row.figures, row.decomposition, has_factors)
        out.append(row)
    return out


def pay_gap_report(payroll: Payroll, *, profile: Profile = "eu", min_group: int = DEFAULT_MIN_GROUP,
                   currency: str | None = None, market: Market | None = None, place: str = "US",
                   categories: bool = True) -> PayGapReport:
    """The pay-gap report of `payroll` under `profile` ("eu": Directive (EU) 2023/970, Art. 9
    and 10; "uk": SI 2017/172, reg. 2(1)). `min_group`: fewest women and men a group needs for
    its figures (>= 1). `market` (a `paybench.decide.market.Market`) and `place`: compare each
    category's pay range with the market cell of its role and level (payroll with role and
    level columns; `currency` needed). The UK profile reports SI 2017/172's figures only (module
    doc): no categories, Article 10, decomposition or pay ranges. InputError for a bad option
    (a currency that is not an ISO 4217 code: field 'currency'; factors or a market with the UK
    profile: 'factors', 'role_column')."""
    check_min_group(min_group)
    if profile not in ("eu", "uk"):
        raise InputError(f"unknown profile {profile!r}; expected eu or uk", field="profile")
    currency = check_currency(currency)
    if currency is not None and payroll.currency not in (None, currency):
        raise InputError(f"{payroll.source}: the payroll is in {payroll.currency}, not {currency}: a pay "
                         "gap compares pay in one currency", field="currency")
    currency = currency or payroll.currency
    if profile == "uk":
        _check_uk_options(bool(payroll.factors), payroll.role is not None or market is not None)
    notes = list(payroll.notes)
    gender = payroll.gender
    compared = gender != OTHER
    women, men = gender == WOMAN, gender == MAN
    counts = WorkerCounts(total=payroll.size, women=int(women.sum()), men=int(men.sum()),
                          other=int(np.count_nonzero(gender == OTHER)))
    if counts.other:
        law_of = ("Directive (EU) 2023/970, Art. 3(1)(c), 9(1)" if profile == "eu"
                  else "SI 2017/172, reg. 2(1)")
        notes.append(f"{counts.other:,} worker(s) whose gender is neither woman nor man, or not stated, are "
                     "counted here and left out of every gap: the indicators compare women and men "
                     f"({law_of})")
    hourly_pay = payroll.annual_pay / payroll.hours
    variable = payroll.variable_pay
    receiving = variable > 0

    if profile == "eu":
        law = ("Directive (EU) 2023/970 of 10 May 2023 on pay transparency, Art. 9(1) (indicators) and "
               "Art. 10(1) (joint pay assessment)")
        bases: tuple[Basis, ...] = ("annual", "hourly")
        pop_w, pop_m = women, men
        population = "all women and men"
        names = {"a": "gender pay gap (mean)", "b": "gap in variable or complementary components (mean)",
                 "c": "median gender pay gap", "d": "median gap in variable or complementary components"}
        ids = {"a": "a", "b": "b", "c": "c", "d": "d", "e": "e", "f": "f"}
        source = {k: f"{CITATION_EU}({k})" for k in "abcdef"}
    else:
        law = "Equality Act 2010 (Gender Pay Gap Information) Regulations 2017 (SI 2017/172)"
        bases = ("hourly",)
        pop_w, pop_m = women & payroll.full_pay, men & payroll.full_pay
        counts.full_pay_women, counts.full_pay_men = int(pop_w.sum()), int(pop_m.sum())
        population = "full-pay relevant employees" + ("" if payroll.has_full_pay else
                                                      " (no full_pay column: every worker)")
        names = {"a": "mean hourly pay gap", "b": "mean bonus gap", "c": "median hourly pay gap",
                 "d": "median bonus gap"}
        ids = {"a": "2(1)(a)", "b": "2(1)(c)", "c": "2(1)(b)", "d": "2(1)(d)", "e": "2(1)(e)", "f": "2(1)(f)"}
        regs = {"a": "reg. 8", "b": "reg. 10", "c": "reg. 9", "d": "reg. 11", "e": "reg. 12", "f": "reg. 13"}
        source = {k: f"SI 2017/172, reg. {ids[k]} and {regs[k]}" for k in "abcdef"}
        notes.append("UK profile: hourly pay = (annual_base + variable_pay) / annual hours, the year's "
                     "average of reg. 6's hourly rate of pay; variable_pay is read as bonus pay (reg. 4): "
                     "give allowances in annual_base")

    overall_held = too_small(int(pop_w.sum()), int(pop_m.sum()), min_group)
    indicators: list[Indicator] = []
    for key, measure, statistic in (("a", "pay", "mean"), ("b", "variable", "mean"), ("c", "pay", "median"),
                                    ("d", "variable", "median")):
        figures = []
        for basis in (bases if profile == "eu" or measure == "pay" else ("annual",)):
            if measure == "pay":
                values = payroll.annual_pay if basis == "annual" else hourly_pay
                w, m = values[pop_w], values[pop_m]
                who = ""
            else:
                values = variable if basis == "annual" else variable / payroll.hours
                w, m = values[women & receiving], values[men & receiving]
                who = VARIABLE_WHO if profile == "eu" else " paid bonus pay"
            figures.append(_figure(measure, basis, statistic, w, m, min_group, who))  # type: ignore[arg-type]
        indicators.append(Indicator(
            id=ids[key], name=names[key], source=source[key], figures=figures,
            population=(population if measure == "pay" else
                        VARIABLE_POPULATION if profile == "eu" else
                        "relevant employees paid bonus pay")))
    indicators.sort(key=lambda ind: ind.id)
    share_held = too_small(int(women.sum()), int(men.sum()), min_group)
    share = VariableShare(
        id=ids["e"], name=("share of women and men receiving variable or complementary components"
                           if profile == "eu" else "proportions of men and women paid bonus pay"),
        source=source["e"],
        women_pct=None if share_held else float(np.mean(receiving[women]) * 100),
        men_pct=None if share_held else float(np.mean(receiving[men]) * 100),
        women_receiving=None if share_held else int(np.count_nonzero(receiving & women)),
        men_receiving=None if share_held else int(np.count_nonzero(receiving & men)),
        n_women=counts.women, n_men=counts.men, withheld=share_held)

    quartiles = []
    in_bands = pop_w | pop_m
    for basis in bases:
        values = payroll.annual_pay if basis == "annual" else hourly_pay
        q = QuartileBands(id=ids["f"], basis=basis, source=source["f"], n=int(in_bands.sum()))
        if overall_held:
            q.withheld = overall_held
        else:
            q.bands = quartile_bands(values[in_bands], gender[in_bands] == WOMAN)
        quartiles.append(q)

    overall: Decomposition | None = None
    category_rows: list[CategoryGap] = []
    ranges: list[PayRange] = []
    if profile == "eu":  # the Directive's own parts (Art. 5, 7, 9(1)(g), 10): not the UK's
        overall, splits, split_notes = decompose(payroll, compared)
        notes.extend(split_notes)
        if overall_held:
            overall = None
        if categories and payroll.has_categories:
            category_rows = _category_gaps(payroll, compared, min_group, splits)
        else:
            notes.append("no category column: no gaps by category of workers (Art. 9(1)(g)) and no "
                         "Article 10 check")
        if not payroll.factors:
            notes.append("no gender-neutral factor declared: the unexplained part is the whole gap within "
                         "a category (declare the factor columns that justify pay differences)")
        ranges, range_notes = pay_ranges(payroll, min_group=min_group, market=market, place=place,
                                         currency=currency)
        notes.extend(range_notes)
    return PayGapReport(
        profile=profile, law=law, gap_formula=GAP_FORMULA if profile == "eu" else GAP_FORMULA_UK,
        payroll=payroll.source, currency=currency, workers=counts,
        min_group=min_group, factors=[f.name for f in payroll.factors],
        hours_from=(payroll.hours_column if payroll.hours_column == "annual_hours"
                    else f"{payroll.hours_column} (fte x {payroll.full_time_hours:,.0f} hours)"),
        full_time_hours=payroll.full_time_hours, indicators=indicators, variable_share=share,
        quartiles=quartiles, categories=category_rows, decomposition=overall,
        article10_categories=[c.category for c in category_rows
                              if profile == "eu" and c.article10 and c.article10.assessment_indicated],
        pay_ranges=ranges, notes=notes)


def _check_uk_options(factors: bool, role: bool) -> None:
    """InputError for what the UK profile does not report: declared `factors` (the
    explained/unexplained split) or a `role` column for the market beside the pay ranges."""
    what = ("factors", "gender-neutral factors explain gaps in the EU profile (Directive (EU) 2023/970, "
            "Art. 10)", "drop the factors") if factors else (
            "role_column", "pay ranges beside the market are part of the EU profile (Directive (EU) "
            "2023/970, Art. 5 and 7)", "drop the role column") if role else None
    if what is not None:
        field, why, fix = what
        raise InputError(f"{why}; the UK profile reports SI 2017/172's figures only: {fix} or use profile eu",
                         field=field)


PayrollInput = str | Path | Sequence[Mapping[str, Any]]
"""A payroll: a file (a Path: CSV or xlsx), CSV text (a str) or rows (mappings of column to value)."""


def paygap_of(payroll: PayrollInput, *, profile: str = "eu",
              mapping: Mapping[str, str] | Sequence[str] | None = None, factors: Sequence[str] = (),
              min_group: int = DEFAULT_MIN_GROUP, full_time_hours: float = HOURS_PER_YEAR,
              currency: str | None = None, role_column: str | None = None, level_column: str | None = None,
              place: str = "US", market: Market | Callable[[], Market] | None = None) -> PayGapReport:
    """Read `payroll` (`paybench.decide.payroll`) and report on it (`pay_gap_report`):
    `Paybench.paygap` with the engine's market cells, and the CLI itself when no role
    column asks for them (no store then). `market`: the cells, or a function giving them,
    loaded only when the payroll has a role column; a role column without it is an
    InputError (field 'role_column'). Other InputErrors name the option at fault."""
    check_min_group(min_group)
    if profile not in ("eu", "uk"):
        raise InputError(f"unknown profile {profile!r}; expected eu or uk", field="profile")
    currency = check_currency(currency)
    if profile == "uk":
        _check_uk_options(any(str(f).strip() for f in factors), bool(role_column and role_column.strip()))
    options: dict[str, Any] = {
        "profile": profile, "mapping": parse_mapping(mapping), "factors": list(factors),
        "role_column": role_column, "level_column": level_column, "full_time_hours": full_time_hours,
        "currency": currency}
    if isinstance(payroll, Path):
        read = read_payroll(user_file(payroll, "payroll"), **options)
    elif isinstance(payroll, str):
        read = payroll_from_text(payroll, **options)
    else:
        read = payroll_from_rows(list(payroll), **options)
    if read.level is not None and read.role is None:
        raise InputError("a level column needs a role column too", field="level_column")
    cells: Market | None = None
    if read.role is not None:
        if market is None:
            raise InputError("comparing the ranges with market cells needs a store (Paybench.paygap)",
                             field="role_column")
        cells = market() if callable(market) else market
    return pay_gap_report(read, profile="eu" if profile == "eu" else "uk", min_group=min_group,
                          currency=currency, market=cells,
                          place=place)


# --------------------------------------------------------------------------- flat rows
CSV_COLUMNS: tuple[str, ...] = ("section", "id", "category", "measure", "basis", "statistic", "women",
                                "men", "gap_pct", "n_women", "n_men", "note")


def _fmt(value: float | None, digits: int = 4) -> str:
    return "" if value is None else f"{round(value, digits):.{digits}f}"


def report_rows(report: PayGapReport) -> list[dict[str, str]]:
    """The report as flat rows (`CSV_COLUMNS`): one per figure, band, category figure,
    decomposition and pay range."""
    rows: list[dict[str, str]] = []

    def add(section: str, id: str = "", category: str = "", measure: str = "", basis: str = "",
            statistic: str = "", women: float | None = None, men: float | None = None,
            gap: float | None = None, n_women: int | None = None, n_men: int | None = None,
            note: str = "") -> None:
        rows.append({"section": section, "id": id, "category": category, "measure": measure,
                     "basis": basis, "statistic": statistic, "women": _fmt(women), "men": _fmt(men),
                     "gap_pct": _fmt(gap), "n_women": "" if n_women is None else str(n_women),
                     "n_men": "" if n_men is None else str(n_men), "note": note})

    for ind in report.indicators:
        for f in ind.figures:
            add("indicator", ind.id, "", f.measure, f.basis, f.statistic, f.women, f.men, f.gap_pct,
                f.n_women, f.n_men, f.withheld or ind.name)
    s = report.variable_share
    add("indicator", s.id, "", "variable", "", "share receiving", s.women_pct, s.men_pct, None,
        s.n_women, s.n_men, s.withheld or s.name)
    for q in report.quartiles:
        if q.withheld:
            add("quartile", q.id, "", "pay", q.basis, "", note=q.withheld)
        for b in q.bands:
            add("quartile", q.id, "", "pay", q.basis, f"{b.band} band (% of band)", b.women_pct, b.men_pct,
                None, None, None, f"{b.women:.2f} women, {b.men:.2f} men")
    for c in report.categories:
        if c.withheld:
            add("category", "g", c.category, n_women=c.n_women, n_men=c.n_men, note=c.withheld)
        for f in c.figures:
            add("category", "g", c.category, f.measure, f.basis, f.statistic, f.women, f.men, f.gap_pct,
                f.n_women, f.n_men, f.withheld or "")
        if c.decomposition:
            d = c.decomposition
            add("category", "unexplained", c.category, "pay", "hourly", "log decomposition", None, None,
                d.unexplained_gap_pct, d.n_women, d.n_men,
                f"raw {d.raw_gap_pct:.4f}%, explained share {_fmt(d.explained_share)}")
        if c.article10:
            a = c.article10
            add("category", "article10", c.category, "pay", "", "", None, None,
                max((abs(g) for g in (a.mean_gap_annual_pct, a.mean_gap_hourly_pct) if g is not None),
                    default=None), c.n_women, c.n_men,
                ("assessment indicated: " if a.assessment_indicated else "") + a.reason)
    if report.decomposition:
        d = report.decomposition
        add("decomposition", "unexplained", ALL_WORKERS, "pay", "hourly", "log decomposition", None, None,
            d.unexplained_gap_pct, d.n_women, d.n_men,
            f"raw {d.raw_gap_pct:.4f}%; explained by categories {d.explained_by_categories_log:.6f} and "
            f"factors {d.explained_by_factors_log:.6f} log points")
    for r in report.pay_ranges:
        note = r.withheld or (f"min {_fmt(r.minimum, 2)} P25 {_fmt(r.p25, 2)} median {_fmt(r.median, 2)} "
                              f"P75 {_fmt(r.p75, 2)} max {_fmt(r.maximum, 2)} (full-time annual base)")
        add("pay range", "compa-ratio", r.category, "basic", "annual", "mean compa-ratio", r.compa_women,
            r.compa_men, None, r.n_women, r.n_men, note)
        if r.market is not None:
            mk = r.market
            add("pay range", "market compa-ratio", r.category, "basic", "annual", "mean pay / market P50",
                mk.compa_women, mk.compa_men, None, r.n_women, r.n_men,
                f"market P25-P50-P75 {mk.p25:.0f}-{mk.p50:.0f}-{mk.p75:.0f} {report.currency}: "
                f"{mk.provenance}")
    return rows


def report_csv(report: PayGapReport) -> str:
    """`report_rows` as CSV text."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(CSV_COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(report_rows(report))
    return buf.getvalue()


