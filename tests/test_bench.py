"""Benchmark cells: direct, shrunk and modelled cells, differentials, provenance."""

from __future__ import annotations

import itertools
import math
import shutil
from pathlib import Path

import ibis
import numpy as np
import pytest

from paybench.bench import PARAMS, BenchmarkModel, benchmark, cell_place
from paybench.bench.cache import cache_key, cache_path
from paybench.bench.summary import cell_observations, cell_summary
from paybench.errors import InputError
from paybench.ingest import ingest_file
from paybench.store import Store

MLE = "machine-learning-engineer"


@pytest.fixture(scope="module")
def survey_model(survey_db: Path) -> BenchmarkModel:
    with Store(survey_db, read_only=True) as store:
        return BenchmarkModel.load(store)


@pytest.fixture(scope="module")
def defaults_model(reference_db: Path) -> BenchmarkModel:
    with Store(reference_db, read_only=True) as store:
        return BenchmarkModel.load(store)


def _ordered(cell: object) -> bool:
    q = [getattr(cell, f"p{p}") for p in (10, 25, 50, 75, 90)]
    return all(a <= b for a, b in itertools.pairwise(q)) and q[0] > 10_000


def test_defaults_alone_give_modelled_cells(defaults_model: BenchmarkModel) -> None:
    cell = defaults_model.cell(MLE, "senior", cell_place("Seattle, WA"))
    assert _ordered(cell)
    assert cell.n == 0 and cell.method in ("modelled", "shrunk")
    assert any(e.source == "oews" for e in cell.sources)
    assert cell.place.metro == "42660" and cell.place_differential is not None
    assert cell.place_differential > 0  # Seattle pays above the nation for tech work


def test_survey_makes_national_cell_direct(survey_model: BenchmarkModel, survey_db: Path) -> None:
    cell = survey_model.cell(MLE, "senior", cell_place("US"))
    assert cell.method == "direct" and cell.confidence == "high" and cell.n >= 500
    aijobs = [e for e in cell.sources if e.source == "aijobs"]
    assert aijobs and aijobs[0].n == cell.n and aijobs[0].kind == "paid"
    # independent check: the median of the distinct US full-time rows, aged to the
    # effective date at 3%/year, computed with numpy from the raw table
    with Store(survey_db, read_only=True) as store:
        rows = store.query(
            "SELECT DISTINCT ON (dedup_key) annual_usd, observed_on FROM observations "
            "WHERE role = ? AND level = 'senior' AND country = 'US' "
            "AND employment_type = 'full_time'", [MLE])
    years = (PARAMS.effective_date - rows["observed_on"].dt.date).map(lambda d: d.days) / 365.25
    aged = rows["annual_usd"] * np.exp(years * math.log1p(0.03))
    assert len(rows) == cell.n
    assert abs(cell.p50 / float(np.median(aged)) - 1) < 0.03
    assert abs(cell.p25 / float(np.quantile(aged, 0.25)) - 1) < 0.04


def test_sparse_cell_is_shrunk_between_data_and_prior(survey_model: BenchmarkModel) -> None:
    place = cell_place("US")
    row = survey_model.observed[(survey_model.observed["scope"] == "national")
                                & (survey_model.observed["n"].between(2, 9))].iloc[0]
    cell = survey_model.cell(row["role"], row["level"], place)
    assert cell.method == "shrunk" and cell.n == row["n"]
    observed = math.exp(row["q50"])
    prior_model = BenchmarkModel(**{**survey_model.__dict__})
    prior_model._obs_index = {k: v for k, v in survey_model._obs_index.items()
                              if not (k[0] == row["role"] and k[1] == row["level"])}
    prior = prior_model.cell(row["role"], row["level"], place)
    low, high = sorted([observed, prior.p50])
    assert low - 200 <= cell.p50 <= high + 200


def test_metro_cell_uses_oews_differential(survey_model: BenchmarkModel) -> None:
    nat = survey_model.cell(MLE, "senior", cell_place("US"))
    sea = survey_model.cell(MLE, "senior", cell_place("Seattle, WA"))
    stl = survey_model.cell(MLE, "senior", cell_place("St. Louis, MO"))
    assert sea.p50 > nat.p50 > stl.p50
    assert sea.n_parent == nat.n and "OEWS" in sea.basis
    assert abs(sea.p50 / nat.p50 - (1 + sea.place_differential)) < 0.02


def test_published_figures_blended_and_cited(survey_model: BenchmarkModel, survey_db: Path) -> None:
    """National published figures are blended into the levels they name; a figure for a metro
    or remote work is shown beside its cell and never bends that one level (issue 13 item 3)."""
    with Store(survey_db, read_only=True) as store:
        ids = set(store.query("SELECT figure_id FROM statistics")["figure_id"])
    for level in ("mid", "senior"):
        nat = survey_model.cell(MLE, level, cell_place("US"))
        assert nat.published and set(nat.published) <= ids and "published" in nat.basis
    for place in ("Chicago, IL", "Remote", "Boston, MA", "Philadelphia, PA"):
        local = survey_model.cell(MLE, "senior" if place in ("Boston, MA", "Remote") else "mid",
                                  cell_place(place))
        assert local.published == [] and "published figure" not in local.basis
        beside = [e for e in local.sources if e.source == "published" and e.n == 0]
        assert beside and "shown beside the cell" in (beside[0].detail or "")
        shown = (beside[0].detail or "").split(": ", 1)[1].split(", ")
        assert set(shown) <= ids


def test_bad_requests_are_input_errors(survey_model: BenchmarkModel) -> None:
    with pytest.raises(InputError, match="unknown role"):
        survey_model.cell("astronaut", "mid", cell_place("US"))
    with pytest.raises(InputError, match="unknown level"):
        survey_model.cell(MLE, "godlike", cell_place("US"))
    with pytest.raises(InputError):
        cell_place("asdf qwer")


def test_remote_and_country_cells(survey_model: BenchmarkModel) -> None:
    remote = survey_model.cell(MLE, "senior", cell_place("Remote - US"))
    assert remote.place.scope == "remote" and remote.n > 30
    gb = survey_model.cell("data-scientist", "mid", cell_place("United Kingdom"))
    us = survey_model.cell("data-scientist", "mid", cell_place("US"))
    assert gb.place.scope == "country" and gb.p50 < us.p50


def test_submissions_below_k_are_not_published(survey_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    shutil.copy(survey_db, path)
    with Store(path) as store:
        def add(count: int) -> None:
            for i in range(count):
                store.con.execute(
                    "INSERT INTO observations (source, kind, observed_on, raw_title, role, level,"
                    " country, metro, component, currency, period, amount_raw, annual_usd,"
                    " weight, dedup_key, employment_type) VALUES ('submission', 'submitted',"
                    " DATE '2025-06-01', 'x', 'prompt-engineer', 'staff', 'US', '12580', 'base',"
                    " 'USD', 'year', 1, ?, 1, ?, 'full_time')", [150_000 + i, f"sub-{count}-{i}"])
        add(4)
        cell = benchmark(store, "prompt-engineer", "staff", "Baltimore, MD")
        assert cell.n == 0
        add(5)
        cell = benchmark(store, "prompt-engineer", "staff", "Baltimore, MD")
        assert cell.n == 9


def test_cell_expressions_translate_to_spark_sql(survey_db: Path) -> None:
    """The cell summary is plain Ibis (window sums, filtered min/max): its SQL carries over
    to Spark's dialect unchanged in meaning."""
    import sqlglot

    with Store(survey_db, read_only=True) as store:
        backend = ibis.duckdb.from_connection(store.con)
        expr = cell_summary(cell_observations(backend, PARAMS), ["role", "level"])
        sql = ibis.to_sql(expr, dialect="duckdb")
    spark_sql = sqlglot.transpile(sql, read="duckdb", write="spark")[0]
    upper = spark_sql.upper()
    assert "OVER (PARTITION BY" in upper and "FILTER(WHERE" in upper.replace(" (", "(")
    assert "QUANTILE" not in upper  # no DuckDB-only aggregate


def test_model_is_cached_beside_the_store_until_its_content_changes(reference_db: Path, tmp_path: Path,
                                                                    shared_data: Path) -> None:
    path = tmp_path / "c.duckdb"
    shutil.copy(reference_db, path)
    with Store(path) as store:
        cache = cache_path(store)
        assert cache == tmp_path / "c.duckdb.bench.pkl" and not cache.exists()
        first = BenchmarkModel.load(store)
        assert cache.exists()
        again = BenchmarkModel.load(store)  # read from the cache: the same model
        assert again is not first and again.cell("machine-learning-engineer", "senior", cell_place(
            "Seattle, WA")) == first.cell("machine-learning-engineer", "senior", cell_place("Seattle, WA"))
        # other settings are another model
        assert BenchmarkModel.load(store, PARAMS.replace(annual_growth=0.05)).growth == 0.05
        assert BenchmarkModel.load(store).growth == first.growth
        # new data: the cache no longer matches and the model sees it
        lines = (shared_data / "aijobs" / "salaries.csv").read_text(encoding="utf-8").splitlines()[:2000]
        (tmp_path / "part.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        ingest_file(store, tmp_path / "part.csv")
        after = BenchmarkModel.load(store)
        assert len(after.observed) > len(first.observed) == 0
        # a damaged cache file is rebuilt, not trusted
        cache.write_bytes(b"not a pickle")
        assert len(BenchmarkModel.load(store).observed) == len(after.observed)
    with Store(":memory:") as mem:
        assert cache_path(mem) is None


def test_changing_any_parameter_of_the_method_rebuilds_the_cached_model(reference_db: Path,
                                                                          tmp_path: Path) -> None:
    """The cache keys on every constant of the method: a model built under one value of a
    parameter is never served for another, and the cell reflects the new value."""
    path = tmp_path / "p.duckdb"
    shutil.copy(reference_db, path)
    seattle = cell_place("Seattle, WA")
    with Store(path) as store:
        first = BenchmarkModel.load(store)
        stamp = cache_path(store).stat().st_mtime_ns  # type: ignore[union-attr]
        assert BenchmarkModel.load(store).params == PARAMS
        assert cache_path(store).stat().st_mtime_ns == stamp  # type: ignore[union-attr]  # reused
        wider = PARAMS.replace(within_level_spread_share=0.9)
        assert cache_key(store, wider) != cache_key(store, PARAMS)
        rebuilt = BenchmarkModel.load(store, wider)
        assert rebuilt.params.within_level_spread_share == 0.9
        assert cache_path(store).stat().st_mtime_ns != stamp  # type: ignore[union-attr]  # rewritten
        a = first.cell(MLE, "senior", seattle)
        b = rebuilt.cell(MLE, "senior", seattle)
        assert a.p50 == b.p50 and (b.p90 - b.p10) > (a.p90 - a.p10)  # a defaults store: spread from OEWS
        # and back: the default parameters are not served the other model
        assert BenchmarkModel.load(store).cell(MLE, "senior", seattle) == a


def test_a_country_with_too_few_observations_says_how_many(survey_model: BenchmarkModel) -> None:
    """A country whose survey rows fill no role x level cell large enough to measure its pay
    against the US is refused with the count of its rows, not as a place without data; a
    country with no rows at all says that."""
    with pytest.raises(InputError, match=r"^\d+ observations? for Pakistan, but no role x level with "
                                         r"\d+\+ there and in the US"):
        survey_model.cell(MLE, "senior", cell_place("Pakistan"))
    with pytest.raises(InputError, match=r"^no observations for Greenland"):
        survey_model.cell(MLE, "senior", cell_place("Greenland"))


def test_percentiles_are_ordered_along_the_levels() -> None:
    """Step 6 of `paybench.bench.model`: each percentile but the median is fitted to a
    non-decreasing sequence along the individual-contributor levels by weighted isotonic
    regression, and kept on its side of the median (a new-user trial found London's software
    engineer P90 at mid $266,900 > senior $227,800 > staff $164,900)."""
    from paybench.bench.model import LogDist, ordered_percentiles

    def dist(*usd: float) -> LogDist:
        return LogDist({p: math.log(v) for p, v in zip((10, 25, 50, 75, 90), usd, strict=True)})

    chain = [("mid", dist(60e3, 80e3, 100e3, 150e3, 266.9e3), 10.0),
             ("senior", dist(70e3, 95e3, 130e3, 180e3, 227.8e3), 30.0),
             ("staff", dist(90e3, 110e3, 140e3, 160e3, 164.9e3), 5.0)]
    out = ordered_percentiles(chain)
    for p in (10, 25, 50, 75, 90):
        values = [out[level].q[p] for level, _, _ in chain]
        assert values == sorted(values), p
    assert [out[level].q[50] for level, _, _ in chain] == [d.q[50] for _, d, _ in chain]  # medians kept
    for level, _, _ in chain:
        q = out[level].q
        assert q[10] <= q[25] <= q[50] <= q[75] <= q[90]
    # the pooled P90 is the weighted mean of the violators (isotonic regression in log pay)
    pooled = (10 * math.log(266.9e3) + 30 * math.log(227.8e3) + 5 * math.log(164.9e3)) / 45
    assert out["mid"].q[90] == pytest.approx(pooled) and out["staff"].q[90] >= pooled - 1e-12
    assert ordered_percentiles(chain[:1]) == {"mid": chain[0][1]}


def test_every_ic_ladder_is_ordered_at_each_percentile(survey_model: BenchmarkModel) -> None:
    for role in (MLE, "software-engineer", "data-scientist"):
        for place in ("US", "London, UK", "Austin, TX", "San Francisco, CA"):
            cells = []
            for level in ("entry", "mid", "senior", "staff", "principal"):
                try:
                    cells.append(survey_model.cell(role, level, cell_place(place)))
                except InputError:
                    continue
            for q in ("p10", "p25", "p50", "p75", "p90"):
                values = [getattr(c, q) for c in cells]
                assert values == sorted(values), (role, place, q, values)
