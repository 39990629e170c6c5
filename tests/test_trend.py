"""Pay over time (`paybench.bench.trend`, `Paybench.trend`, `paybench trend`): planted stores
in the ai-jobs.net layout where the answer is known (a shift of the mix with pay per cell
constant; a 5% rise a year), the interval's coverage, invariance to row order, the CLI on a
store built from the embedded survey, the OEWS path on BLS's workbooks, and bad input."""

from __future__ import annotations

import json
import math
import random
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import write_survey
from paybench.bench.trend import TrendReport, TrendSeries
from test_cli import run

ROLE = "machine-learning-engineer"
YEARS = (2021, 2022, 2023, 2024)
LEVEL_PAY = {"EN": 90_000.0, "MI": 130_000.0, "SE": 175_000.0}
COUNTRY_FACTOR = {"US": 1.0, "GB": 0.62, "CA": 0.8}
LEVEL_MIX = {"EN": (60, 45, 30, 20), "MI": (40, 40, 40, 40), "SE": (20, 35, 50, 70)}
COUNTRY_MIX = {"US": (0.5, 0.8, 1.1, 1.4), "GB": (1.4, 1.0, 0.7, 0.4), "CA": (1.0, 1.0, 1.0, 1.0)}
"""Rows per level and year, times a factor per country and year: the mix moves from entry
level in Britain to senior level in the US over the four years."""


def planted_rows(growth: float, seed: int) -> list[str]:
    """Survey rows (ai-jobs.net layout) of one role: log pay per cell = log(level pay x
    country factor) + t log(1 + growth) + N(0, 0.2^2) noise, the mix of cells as above."""
    rng = np.random.default_rng(seed)
    rows = []
    for t, year in enumerate(YEARS):
        for code, base in LEVEL_PAY.items():
            for country, factor in COUNTRY_FACTOR.items():
                count = round(LEVEL_MIX[code][t] * COUNTRY_MIX[country][t])
                for _ in range(count):
                    # in cents: no two rows alike (the survey counts a repeated row once)
                    pay = round(base * factor * (1 + growth) ** t * math.exp(rng.normal(0, 0.2)), 2)
                    rows.append(f"{year},{code},FT,Machine Learning Engineer,{pay},USD,{pay},"
                                f"{country},0,{country},M")
    return rows


def planted_store(path: Path, reference_db: Path, growth: float, seed: int) -> Path:
    """A store of the reference defaults and a planted survey file (ingested as a user does)."""
    from paybench.ingest import ingest_file
    from paybench.store import Store

    shutil.copy(reference_db, path)
    survey = write_survey(path.with_suffix(".csv"), planted_rows(growth, seed))
    with Store(path) as store:
        result = ingest_file(store, survey)
    assert result.rows_quarantined == 0 and result.rows_kept == len(planted_rows(growth, seed))
    return path


def observations_series(report: TrendReport) -> TrendSeries:
    return next(s for s in report.series if s.id == "observations")


@pytest.fixture(scope="module")
def shifted_db(tmp_path_factory: pytest.TempPathFactory, reference_db: Path) -> Path:
    return planted_store(tmp_path_factory.mktemp("shift") / "shift.duckdb", reference_db, 0.0, 7)


@pytest.fixture(scope="module")
def rising_db(tmp_path_factory: pytest.TempPathFactory, reference_db: Path) -> Path:
    return planted_store(tmp_path_factory.mktemp("rise") / "rise.duckdb", reference_db, 0.05, 11)


# --------------------------------------------------------------------------- planted answers
def test_a_composition_shift_moves_the_raw_median_not_the_index(shifted_db: Path) -> None:
    """Pay per cell is the same every year; only the mix of levels and places moves. The raw
    median climbs by more than a third; the index stays at 100 within its interval."""
    from paybench import Paybench

    with Paybench(shifted_db) as pb:
        report = pb.trend(ROLE)
    series = observations_series(report)
    years = {y.year: y for y in series.years}
    assert sorted(years) == list(YEARS)
    assert years[2021].status == "base" and years[2021].index == 100.0
    assert years[2024].raw / years[2021].raw > 1.35  # the mix alone
    for year in YEARS[1:]:
        y = years[year]
        assert y.status == "indexed" and y.base_year == 2021
        assert y.index_low <= 100.0 <= y.index_high, (year, y.index_low, y.index_high)
        assert abs(y.index - 100.0) < 4.0 and y.index_high - y.index_low < 12.0
        assert y.raw_change_pct is not None and y.index_change_pct is not None
    assert series.cells == 9 and series.sources == {"aijobs": sum(y.n for y in years.values())}
    # n per year is the planted count; every row is in a cell seen in another year
    for t, year in enumerate(YEARS):
        planted = sum(round(LEVEL_MIX[c][t] * COUNTRY_MIX[k][t]) for c in LEVEL_MIX for k in COUNTRY_MIX)
        assert years[year].n == years[year].n_linked == planted
        assert years[year].by_source == {"aijobs": planted}


def test_a_planted_rise_of_five_percent_a_year_is_recovered(rising_db: Path) -> None:
    """Pay in every cell rises 5% a year while the mix shifts: the index finds 105, 110.25,
    115.76 within its intervals, and each year's change 5% within its own."""
    from paybench import Paybench

    with Paybench(rising_db) as pb:
        series = observations_series(pb.trend(ROLE))
        senior_us = observations_series(pb.trend(ROLE, "senior", "US"))
    for t, y in enumerate(series.years):
        truth = 100 * 1.05 ** t
        assert y.index_low <= truth <= y.index_high, (y.year, truth, y.index_low, y.index_high)
        assert abs(y.index / truth - 1) < 0.03
        if t:
            assert y.index_change_low <= 5.0 <= y.index_change_high
            assert y.change_since == y.year - 1
    assert series.years[-1].raw_change_pct > 10  # mix + pay
    # one level in one place: one cell; 10 and 28 planted rows in 2021 and 2022 are too few,
    # so 2023 is the base and 2024 is 5% above it
    years = {y.year: y for y in senior_us.years}
    assert senior_us.cells == 1
    assert [(years[y].status, years[y].n) for y in YEARS] == [
        ("too_few", 10), ("too_few", 28), ("base", 55), ("indexed", 98)]
    assert years[2024].index_low <= 105.0 <= years[2024].index_high


def test_the_index_of_one_cell_is_its_ratio_of_geometric_means() -> None:
    from paybench.bench.trend import time_dummy_fit

    rng = np.random.default_rng(3)
    a, b = rng.normal(11.5, 0.3, 40), rng.normal(11.6, 0.3, 60)
    fit = time_dummy_fit(np.r_[a, b], np.ones(100), np.zeros(100, dtype=int), np.r_[[2020] * 40, [2021] * 60])
    ratio, low, high = fit.interval(1)
    assert ratio == pytest.approx(math.exp(b.mean() - a.mean()), rel=1e-12)
    # HC1 with one cell: the two years' variances of the mean, times n / (n - 2)
    se = math.sqrt((a.var() * 40 / 40 ** 2 + b.var() * 60 / 60 ** 2) * 100 / 98)
    from scipy import stats

    assert math.log(high / ratio) == pytest.approx(stats.t.ppf(0.975, 98) * se, rel=1e-9)
    assert math.log(ratio / low) == pytest.approx(math.log(high / ratio), rel=1e-9)
    # known variances (OEWS): the exact sandwich, normal critical value
    known = time_dummy_fit(np.log([100.0, 110.0]), np.ones(2), np.zeros(2, dtype=int),
                           np.array([2020, 2021]), variance=np.array([0.01 ** 2, 0.02 ** 2]))
    ratio, _, high = known.interval(1)
    assert ratio == pytest.approx(1.1) and math.log(high / ratio) == pytest.approx(
        1.959964 * math.sqrt(0.01 ** 2 + 0.02 ** 2), rel=1e-5)


def test_the_fit_within_cells_is_the_least_squares_fit_with_every_dummy() -> None:
    """Frisch-Waugh-Lovell: the year effects solved within cells equal those of weighted
    least squares with an explicit dummy for every cell and year (numpy's lstsq), on an
    unbalanced panel with unequal weights."""
    from paybench.bench.trend import time_dummy_fit

    rng = np.random.default_rng(9)
    cells = rng.integers(0, 7, 300)
    years = 2019 + rng.integers(0, 5, 300)
    weights = rng.uniform(0.2, 3.0, 300)
    pay = 11 + 0.2 * cells + 0.04 * (years - 2019) + rng.normal(0, 0.3, 300)
    fit = time_dummy_fit(pay, weights, cells, years)
    design = np.column_stack([cells == c for c in range(7)] + [years == y for y in range(2020, 2024)])
    root = np.sqrt(weights)
    solved, *_ = np.linalg.lstsq(design.astype(float) * root[:, None], pay * root, rcond=None)
    assert fit.years == (2019, 2020, 2021, 2022, 2023)
    assert np.allclose(fit.effects[1:], solved[7:], rtol=0, atol=1e-10)


def test_the_interval_covers_the_planted_change_about_as_often_as_it_says() -> None:
    """400 planted data sets (12 cells of unequal spread, 2-60 rows per cell and year, noise
    growing over the years): the 95% intervals cover the true change 91-99% of the time."""
    from paybench.bench.trend import time_dummy_fit

    rng = np.random.default_rng(5)
    hits, runs = 0, 400
    for _ in range(runs):
        cells, years, pay = [], [], []
        for c in range(12):
            for t in range(4):
                m = int(rng.integers(2, 60))
                cells += [c] * m
                years += [2020 + t] * m
                pay += list(11 + 0.1 * c + math.log(1.05) * t
                            + rng.normal(0, (0.1 + 0.05 * c) * (1 + 0.5 * t), m))
        fit = time_dummy_fit(np.array(pay), np.ones(len(pay)), np.array(cells), np.array(years))
        _, low, high = fit.interval(3)
        hits += low <= 1.05 ** 3 <= high
    assert 0.91 <= hits / runs <= 0.99, hits / runs


def test_years_that_no_cell_joins_form_separate_chains_and_thin_years_are_said() -> None:
    from paybench.bench.trend import chains, series_of_observations

    frame = pd.DataFrame({"year": [2018] * 40 + [2019] * 40 + [2022] * 40 + [2023] * 40 + [2024] * 5,
                          "cell": ["a"] * 80 + ["b"] * 85})
    found, linked = chains(frame, 30)
    assert found == [[2018, 2019], [2022, 2023]] and linked[2024] == 5
    rng = np.random.default_rng(1)
    rows = pd.DataFrame({
        "dedup_key": [f"k{i}" for i in range(len(frame))], "source": "aijobs", "kind": "paid",
        "role": ROLE, "level": np.where(frame["cell"] == "a", "mid", "senior"), "country": "US",
        "state": None, "metro": None, "work_mode": "onsite",
        "observed_on": pd.to_datetime(frame["year"].astype(str) + "-07-01"),
        "annual_usd": np.exp(rng.normal(11.8, 0.2, len(frame))), "weight": 1.0})
    series = series_of_observations(rows)
    assert series is not None
    status = {y.year: (y.status, y.base_year) for y in series.years}
    assert status == {2018: ("base", 2018), 2019: ("indexed", 2018), 2022: ("base", 2022),
                      2023: ("indexed", 2022), 2024: ("too_few", None)}
    assert any("separate chains" in n for n in series.notes)
    thin = series.years[-1]
    assert thin.index is None and thin.n == 5 and "fewer than 30" in (thin.note or "")
    # a change is measured within a chain only; the raw change from the previous year with 30+
    later = next(y for y in series.years if y.year == 2022)
    assert later.change_since == 2019 and later.raw_change_pct is not None
    assert later.index_change_pct is None


def test_a_year_of_one_observation_says_one_observation() -> None:
    """`paybench trend` printed "too few to index: 1 observations": a count of one is singular
    (`paybench.wording.counted`), every other count plural."""
    from paybench.bench.trend import series_of_observations

    years = [2022] * 40 + [2023] * 40 + [2024] * 1 + [2025] * 2
    rng = np.random.default_rng(3)
    rows = pd.DataFrame({
        "dedup_key": [f"k{i}" for i in range(len(years))], "source": "aijobs", "kind": "paid",
        "role": ROLE, "level": "mid", "country": "US", "state": None, "metro": None,
        "work_mode": "onsite", "observed_on": pd.to_datetime([f"{y}-07-01" for y in years]),
        "annual_usd": np.exp(rng.normal(11.8, 0.2, len(years))), "weight": 1.0})
    series = series_of_observations(rows)
    assert series is not None
    notes = {y.year: y.note for y in series.years}
    assert notes[2024] == "too few to index: 1 observation (fewer than 30)"
    assert notes[2025] == "too few to index: 2 observations (fewer than 30)"


@pytest.fixture(scope="module")
def planted_frame(shifted_db: Path) -> pd.DataFrame:
    from paybench.bench.observations import usable_frame
    from paybench.bench.trend import COLUMNS
    from paybench.store import Store

    with Store(shifted_db, read_only=True) as store:
        return usable_frame(store, columns=COLUMNS, roles=[ROLE])


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2 ** 32 - 1))
def test_the_series_does_not_depend_on_the_order_of_rows(planted_frame: pd.DataFrame, seed: int) -> None:
    from paybench.bench.trend import series_of_observations

    order = list(range(len(planted_frame)))
    random.Random(seed).shuffle(order)
    shuffled = planted_frame.iloc[order].reset_index(drop=True)
    first, again = series_of_observations(planted_frame), series_of_observations(shuffled)
    assert first is not None and again is not None
    assert again.model_dump() == first.model_dump()


# --------------------------------------------------------------------------- the CLI, real data
@pytest.fixture(scope="module")
def embedded_db(tmp_path_factory: pytest.TempPathFactory, reference_db: Path) -> Path:
    """A store that `paybench` built itself: the embedded defaults, survey included."""
    path = tmp_path_factory.mktemp("embedded") / "embedded.duckdb"
    run("ingest", "--defaults", db=path)
    return path


def test_the_cli_prints_the_index_beside_the_raw_change_on_the_embedded_survey(embedded_db: Path) -> None:
    import duckdb

    data = json.loads(run("trend", "--role", ROLE, "--level", "senior", "--place", "US", "--json",
                          db=embedded_db).stdout)
    assert data["role"] == ROLE and data["level"] == "senior" and data["place"]["scope"] == "national"
    series = {s["id"]: s for s in data["series"]}
    assert set(series) == {"observations", "oews"}
    obs = {y["year"]: y for y in series["observations"]["years"]}
    # n and the raw median per year, counted apart in SQL on the store (distinct rows,
    # full-time base pay of US senior ML engineers)
    with duckdb.connect(str(embedded_db), read_only=True) as con:
        counted = dict(con.execute(
            """WITH u AS (SELECT dedup_key, any_value(observed_on) AS d, any_value(annual_usd) AS usd
                          FROM observations WHERE role = ? AND level = 'senior' AND country = 'US'
                            AND component = 'base' AND annual_usd > 0 AND kind IN ('paid', 'filed', 'posted')
                            AND coalesce(employment_type, 'full_time') = 'full_time' GROUP BY dedup_key)
               SELECT year(d), struct_pack(n := count(*), med := quantile_cont(usd, 0.5))
               FROM u GROUP BY 1""",
            [ROLE]).fetchall())
    assert {y: (o["n"], o["raw"]) for y, o in obs.items()} == {
        y: (v["n"], round(v["med"], 2)) for y, v in counted.items()}
    indexed = [y for y in obs.values() if y["status"] == "indexed"]
    assert indexed and all(y["index_low"] < y["index"] < y["index_high"] for y in indexed)
    assert all(y["status"] == "too_few" and y["n"] < 30 for y in obs.values() if y["index"] is None)
    assert [p["figure_id"] for p in data["published"]] == [
        "mlsalary-2023-mle-yoy-growth-low", "mlsalary-2023-mle-yoy-growth-high"]
    # OEWS May 2025 alone: one year, said so, no index
    (only,) = series["oews"]["years"]
    assert only["year"] == 2025 and only["status"] == "unlinked" and only["index"] is None
    text = run("trend", "--role", ROLE, "--level", "senior", "--place", "US", db=embedded_db).stdout
    assert "Machine Learning Engineer, senior, United States: pay by year" in text
    assert "time-dummy index" in text and "HC1" in text and "raw change" in text
    base = next(y for y in obs.values() if y["status"] == "base")
    assert f"{base['year']} │ 100.0 │ base" in text
    assert "too few to index" in text and "published: +10% (low end of a range)" in text


def test_the_default_store_answers_the_seeds_question(embedded_db: Path) -> None:
    """Mid-level ML pay over the survey's years: the index and its interval beside the raw
    change and the seeds' 9%, as the data has them (not asserted to be 9%)."""
    data = json.loads(run("trend", "--role", ROLE, "--level", "mid", "--json", db=embedded_db).stdout)
    obs = next(s for s in data["series"] if s["id"] == "observations")
    last = obs["years"][-1]
    assert last["status"] == "indexed" and last["index_change_pct"] is not None
    assert last["index_change_low"] < last["index_change_pct"] < last["index_change_high"]
    assert last["raw_change_pct"] is not None
    assert any(p["percent"] == 9 and p["level"] == "mid" for p in data["published"])
    assert "OEWS publishes no levels" in " ".join(data["notes"])


# --------------------------------------------------------------------------- OEWS workbooks
@pytest.fixture(scope="module")
def oews_db(tmp_path_factory: pytest.TempPathFactory, reference_db: Path, shared_data: Path) -> Path:
    from paybench.ingest import ingest_file
    from paybench.store import Store

    path = tmp_path_factory.mktemp("oews") / "oews.duckdb"
    shutil.copy(reference_db, path)
    with Store(path) as store:
        for year in range(2020, 2025):
            ingest_file(store, shared_data / "oews" / f"national_M{year}_dl.xlsx")
    return path


def workbook_row(shared_data: Path, year: int, soc: str) -> dict[str, object]:
    """One cross-industry national row of a BLS workbook, read apart with openpyxl."""
    import openpyxl

    book = openpyxl.load_workbook(shared_data / "oews" / f"national_M{year}_dl.xlsx", read_only=True)
    rows = book.worksheets[0].iter_rows(values_only=True)
    header = [str(h).upper() for h in next(rows)]
    for values in rows:
        row = dict(zip(header, values, strict=False))
        if row["OCC_CODE"] == soc and str(row["NAICS"]) == "000000":
            return row
    raise AssertionError(f"{soc} not in May {year}")


@pytest.mark.slow
def test_the_oews_index_on_the_bls_workbooks(oews_db: Path, shared_data: Path) -> None:
    """Data scientists (15-2051) from May 2020 to May 2025: May 2020 publishes only the hybrid
    15-2098, so 2020 is listed without an index; from May 2021 the index is the ratio of the
    medians, its interval from MEAN_PRSE, as read apart from the workbooks."""
    from paybench import Paybench

    with Paybench(oews_db) as pb:
        report = pb.trend("data-scientist", source="oews")
        ml = pb.trend(ROLE, place="US", source="oews")
    (series,) = report.series
    years = {y.year: y for y in series.years}
    assert sorted(years) == [2020, 2021, 2022, 2023, 2024, 2025]
    assert years[2020].status == "unlinked" and years[2020].index is None
    assert years[2020].by_source == {"OEWS 2020A01": 1}
    assert any("15-2051 not published in May 2020" in n and "15-2098" in n for n in series.notes)
    assert years[2021].status == "base"
    first, last = workbook_row(shared_data, 2021, "15-2051"), workbook_row(shared_data, 2024, "15-2051")
    ratio = float(last["A_MEDIAN"]) / float(first["A_MEDIAN"])
    assert years[2024].index == pytest.approx(100 * ratio, abs=0.01)

    def log_se(row: dict[str, object]) -> float:
        return 1.2533141373155003 * float(row["MEAN_PRSE"]) / 100 * (
            float(row["A_MEAN"]) / float(row["A_MEDIAN"]))

    half = 1.959964 * math.hypot(log_se(first), log_se(last))
    assert years[2024].index_high == pytest.approx(100 * ratio * math.exp(half), abs=0.02)
    assert years[2020].raw is not None and years[2021].raw_change_pct is not None  # the recode
    # ML engineers: three occupations; 2020 links through 15-1221 alone (its two hybrids are
    # cells of their own, seen in 2020 only)
    (mls,) = ml.series
    assert (mls.years[0].status, mls.years[0].n, mls.years[0].n_linked) == ("base", 3, 1)
    assert [y.status for y in mls.years[1:]] == ["indexed"] * 5 and mls.cells == 3
    assert [y.n_linked for y in mls.years[1:]] == [3] * 5


@pytest.mark.slow
def test_the_cli_prints_the_oews_series(oews_db: Path) -> None:
    text = run("trend", "--role", "data-scientist", "--source", "oews", db=oews_db).stdout
    assert "OEWS national medians (SOC 15-2051, 15-2098)" in text
    assert "2020: none of its occupations is in a cell seen in another indexed year" in text
    assert "MEAN_PRSE" in text


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(("args", "message"), [
    (("--role", "zzzz qqqq"), "error: --role: unknown role 'zzzz qqqq'"),
    (("--role", ROLE, "--level", "wizard"), "error: --level: "),
    (("--role", ROLE, "--place", "Atlantis"), "error: --place: "),
    (("--role", ROLE, "--source", "glassdoor"),
     "error: --source: unknown source 'glassdoor': the store has dated pay from aijobs, oews"),
])
def test_bad_input_is_one_line(embedded_db: Path, args: tuple[str, ...], message: str) -> None:
    proc = run("trend", *args, db=embedded_db, check=False)
    assert proc.returncode == 1 and proc.stderr.startswith(message), proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr


def test_a_store_without_dated_pay_or_with_one_year_is_refused(fresh_db: Path, tmp_path: Path) -> None:
    from paybench import Paybench
    from paybench.errors import InputError

    # the reference defaults: OEWS May 2025 only
    one = run("trend", "--role", ROLE, db=fresh_db, check=False)
    assert one.returncode == 1 and one.stderr.strip() == (
        "error: the store has pay for Machine Learning Engineer, every level, every place from "
        "2025 only: a trend needs two or more years (ingest older OEWS workbooks, filings or a survey)")
    # for one level, older OEWS workbooks would not give that level's trend: said so
    level = run("trend", "--role", ROLE, "--level", "principal", db=fresh_db, check=False)
    assert level.returncode == 1 and level.stderr.strip().endswith(
        "(ingest filings or a survey of other years; older OEWS workbooks would add a series of every "
        "level, not principal alone)")
    # a place OEWS has no area for, and no observation there
    none = run("trend", "--role", ROLE, "--place", "London, UK", db=fresh_db, check=False)
    assert none.returncode == 1 and none.stderr.startswith(
        "error: the store has no dated pay for Machine Learning Engineer, every level, United Kingdom")
    assert len(none.stderr.strip().splitlines()) == 1
    # an empty store
    with Paybench(tmp_path / "empty.duckdb", load_defaults=False) as pb, \
            pytest.raises(InputError, match="no dated pay"):
        pb.trend(ROLE)
    with Paybench(fresh_db) as pb:
        for kwargs, field in (({"role": "zzzz qqqq"}, "role"), ({"role": ROLE, "level": "wizard"}, "level"),
                              ({"role": ROLE, "place": "Atlantis"}, "place"),
                              ({"role": ROLE, "source": "nope"}, "source")):
            with pytest.raises(InputError) as caught:
                pb.trend(**kwargs)
            assert caught.value.field == field


def test_the_index_needs_no_aging(shifted_db: Path) -> None:
    """The index reads pay as observed: the method's growth rate (used to age cells) does not
    move it."""
    from paybench import Paybench
    from paybench.bench import PARAMS

    with Paybench(shifted_db) as pb:
        first = observations_series(pb.trend(ROLE))
    with Paybench(shifted_db, params=PARAMS.replace(annual_growth=0.2)) as pb:
        again = observations_series(pb.trend(ROLE))
    assert again.model_dump() == first.model_dump()

