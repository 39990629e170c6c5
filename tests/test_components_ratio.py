"""The component/base ratio of an all-employer cell's prior is weighed by employer segment
(`paybench.bench.components.RatioTable.for_cell`, docs/method.md "Cells by component and
segment"; issue 17's user trial): with total-compensation records at big tech (total/base 1.8)
and at enterprises (1.15), and base observations naming an employer 80% enterprise, the ratio
of an all-employer total cell is the mix's, exp(0.8 log 1.15 + 0.2 log 1.8) = 1.258, not the
big-tech 1.8 nor the records' own 50/50 pool; its text states the mix, the segments and n per
segment; segments without a ratio of their own take a stated fallback; without a mix the cell
says what share of the records is big tech."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import pytest

from paybench.bench import PARAMS, BenchmarkModel, cell_place
from paybench.bench.cache import cache_key
from paybench.bench.components import OUTSIDE, component_ratios
from paybench.bench.views import ViewModel
from paybench.normalize.roles import get_role
from paybench.records import Observation, Provenance
from paybench.store import Store

MLE = "machine-learning-engineer"
BIG, ENTERPRISE = 1.8, 1.15
MIXED = math.exp(0.8 * math.log(ENTERPRISE) + 0.2 * math.log(BIG))  # 1.2577...


def records(groups: Iterable[tuple[str, float, int]], level: str = "senior") -> pd.DataFrame:
    """Records of `component_records`: per (segment, total/base, count), that many US records
    of senior ML engineers with base $200,000 and total = ratio x base."""
    rows = []
    for segment, ratio, count in groups:
        for i in range(count):
            base = 200_000.0 + 1_000 * i  # the spread needs some variance
            rows.append({"dedup_key": f"{segment}{i}", "role": MLE, "level": level, "country": "US",
                         "state": None, "metro": None, "work_mode": None, "source": "levelsfyi",
                         "kind": "paid", "segment": segment, "weight": 1.0, "total": ratio * base,
                         "base": base, "bonus": None, "equity": None})
    return pd.DataFrame(rows)


def mix(counts: dict[str, int], level: str | None = "senior", source: str = "lca") -> pd.DataFrame:
    """A frame of `base_segment_mix`: base observations naming an employer per segment."""
    return pd.DataFrame([{"role": MLE, "level": level, "segment": s, "source": source, "n": n,
                          "w": float(n)} for s, n in counts.items()])


def test_all_employer_ratio_is_the_base_mix_not_big_tech() -> None:
    table = component_ratios(records([("big-tech", BIG, 30), ("enterprise", ENTERPRISE, 30)]),
                             "total", PARAMS, mix({"enterprise": 80, "big-tech": 20}))
    pooled = table.for_level("senior")
    assert pooled is not None and pooled.ratio == pytest.approx(math.sqrt(BIG * ENTERPRISE))
    found = table.for_cell(MLE, "senior")
    assert found is not None
    assert found.ratio == pytest.approx(MIXED, rel=1e-9)
    assert found.ratio == pytest.approx(1.258, abs=1e-3)
    assert found.ratio < pooled.ratio < BIG
    assert [(p.segment, p.share, p.n_base, p.fallback) for p in found.parts] == [
        ("enterprise", 0.8, 80, None), ("big-tech", 0.2, 20, None)]
    assert [p.ratio.n for p in found.parts] == [30, 30]
    assert found.caveat == ""


def test_the_text_states_the_mix_the_segments_and_n() -> None:
    table = component_ratios(records([("big-tech", BIG, 30), ("enterprise", ENTERPRISE, 25)]),
                             "total", PARAMS, mix({"enterprise": 80, "big-tech": 20}))
    found = table.for_cell(MLE, "senior")
    assert found is not None
    short = found.short()
    assert short.startswith(f"total/base {MIXED:.2f}, segment ratios weighted by the employer-segment "
                            "mix of the 100 US base-pay observations of machine-learning-engineer "
                            "senior that name an employer (lca 100; total-compensation records left out)")
    assert "enterprise 80% x1.15 (25 enterprise records)" in short
    assert "big-tech 20% x1.80 (30 big-tech records)" in short
    long = found.describe()
    assert "enterprise 80.0% of the mix (80 observations) x 1.150 (geometric mean over 25 US senior " \
           "enterprise records)" in long
    assert "big-tech 20.0% of the mix (20 observations) x 1.800" in long


def test_segments_without_a_ratio_take_a_stated_fallback() -> None:
    """A segment of the mix with fewer than 20 records: an enterprise-like one takes the ratio
    of the records outside big-tech and ai-lab; a stock-heavy one the ratio of every record;
    with too few records outside them, every record's, said to overstate."""
    table = component_ratios(
        records([("big-tech", BIG, 30), ("enterprise", ENTERPRISE, 25), ("ai-lab", 2.5, 3)]),
        "total", PARAMS, mix({"enterprise": 50, "government": 30, "ai-lab": 20}))
    found = table.for_cell(MLE, "senior")
    assert found is not None
    parts = {p.segment: p for p in found.parts}
    assert parts["enterprise"].fallback is None
    gov = parts["government"]
    assert gov.ratio.segment == OUTSIDE and gov.ratio.n == 25  # the enterprise records (no ai-lab)
    assert gov.fallback == f"fewer than 20 government records: the ratio of the records {OUTSIDE}"
    lab = parts["ai-lab"]
    assert lab.ratio is table.for_level("senior") and lab.ratio.n == 58
    assert lab.fallback == "fewer than 20 ai-lab records: the ratio of every record"
    expected = 0.5 * math.log(ENTERPRISE) + 0.3 * math.log(ENTERPRISE) + 0.2 * lab.ratio.log_ratio
    assert found.log_ratio == pytest.approx(expected)
    assert f"government 30% x1.15 (no own ratio: 25 records {OUTSIDE})" in found.short()
    assert (f"government 30.0% of the mix (30 observations) x 1.150 (geometric mean over 25 US "
            f"senior records {OUTSIDE}), as a fallback: fewer than 20 government records: the "
            f"ratio of the records {OUTSIDE}") in found.describe()
    assert found.caveat == ""
    # nothing measured outside the stock-heavy segments: every record's, and it says so
    thin = component_ratios(records([("big-tech", BIG, 30), ("enterprise", ENTERPRISE, 5)]),
                            "total", PARAMS, mix({"enterprise": 80, "big-tech": 20}))
    found = thin.for_cell(MLE, "senior")
    assert found is not None
    assert found.parts[0].fallback is not None and "may overstate" in found.parts[0].fallback
    assert found.caveat.startswith("enterprise takes the ratio of every record (86% at big-tech or "
                                   "ai-lab employers): the total compensation may be overstated")


def test_without_a_mix_the_cell_says_how_much_is_big_tech() -> None:
    """No base observation names an employer (or fewer than 20 do): the ratio of every record,
    and the text says what share of those records is big tech."""
    rows = records([("big-tech", BIG, 30), ("enterprise", ENTERPRISE, 10)])
    for frame in (None, mix({"enterprise": 12}, level=None)):
        table = component_ratios(rows, "total", PARAMS, frame)
        found = table.for_cell(MLE, "senior")
        pooled = table.for_level("senior")
        assert found is not None and pooled is not None and found.mix is None
        assert found.log_ratio == pooled.log_ratio
        assert "measured on records of which 75% are at big-tech and 0% at ai-lab employers" in found.caveat
        assert found.caveat.endswith("the total compensation may be overstated for other employers")
        assert f"total/base {pooled.ratio:.2f} (40 records, senior); measured on records" in found.short()
    assert "only 12 US base-pay observations of machine-learning-engineer" in found.caveat
    # a mix of the role over every level stands in for a thin level
    table = component_ratios(rows, "total", PARAMS, pd.concat([
        mix({"enterprise": 3}), mix({"enterprise": 60, "big-tech": 20}, level=None)]))
    found = table.for_cell(MLE, "senior")
    assert found is not None and found.mix is not None and found.mix.level is None
    assert found.mix.total == 83 and found.mix.shares["enterprise"] == pytest.approx(63 / 83)


# --------------------------------------------------------------------------- through a store
def _obs(source: str, i: int, component: str, amount: float, employer: str, kind: str,
         key: str) -> Observation:
    return Observation(
        provenance=Provenance(source=source, file_sha256=source[0] * 64, row_number=i + 1),
        kind=kind, observed_on=dt.date(2025, 6, 1), raw_title="Machine Learning Engineer",
        role=MLE, level="senior", country="US", component=component, currency="USD",
        period="year", amount_raw=amount, annual_usd=amount, employer=employer, dedup_key=key)


def planted_store(store: Store) -> None:
    """30 total-comp records at Google (total/base 1.8) and 30 at JPMorgan Chase (1.15); 80
    filings of JPMorgan Chase and 20 of Google (base pay, no total)."""
    with store.ingest_transaction("levelsfyi", "planted.csv", "l" * 64, 1) as writer:
        for i in range(60):
            employer, ratio = ("Google", BIG) if i < 30 else ("JPMorgan Chase", ENTERPRISE)
            base = 180_000 + 1_000 * (i % 30)
            for component, amount in (("base", base), ("total", ratio * base)):
                writer.add(_obs("levelsfyi", i, component, amount, employer, "paid", f"r{i}"))
    with store.ingest_transaction("lca", "planted.xlsx", "f" * 64, 1) as writer:
        for i in range(100):
            employer = "JPMorgan Chase" if i < 80 else "Google"
            writer.add(_obs("lca", i, "base", 170_000 + 500 * i, employer, "filed", f"f{i}"))


def test_a_store_cell_weighs_the_ratio_by_the_filings_mix(fresh_db: Path) -> None:
    """On a copy of the defaults store (OEWS, the survey: no employer) with the planted rows."""
    with Store(fresh_db) as store:
        planted_store(store)
    with Store(fresh_db, read_only=True) as store:
        segments = dict(store.con.execute(
            "SELECT employer, any_value(segment) FROM observations GROUP BY employer").fetchall())
        assert segments == {"Google": "big-tech", "JPMorgan Chase": "enterprise"}
        model = BenchmarkModel.load(store, PARAMS.replace(component="total"))
        assert isinstance(model, ViewModel)
        prior = model._national_prior(get_role(MLE), "senior")
        assert prior is not None
        base = model.parent.fitted(get_role(MLE), "senior", cell_place("US"))
        assert prior[0].median - base.median == pytest.approx(math.log(MIXED), abs=1e-9)
        assert prior[1] == (
            "prior: the base cell x total/base 1.26, segment ratios weighted by the "
            "employer-segment mix of the 100 US base-pay observations of "
            "machine-learning-engineer senior that name an employer (lca 100; "
            "total-compensation records left out): enterprise 80% x1.15 (30 enterprise "
            "records), big-tech 20% x1.80 (30 big-tech records)")
        cell = model.cell(MLE, "senior", cell_place("US"))
        assert "enterprise 80% x1.15 (30 enterprise records)" in cell.basis
        ratio_sources = [(s.source, s.kind, s.n, s.detail) for s in cell.sources
                         if s.kind in ("ratio", "mix")]
        assert ratio_sources == [
            ("levelsfyi", "ratio", 30, "records of the total/base ratio (senior enterprise "
             "records; for enterprise in the mix)"),
            ("levelsfyi", "ratio", 30, "records of the total/base ratio (senior big-tech "
             "records; for big-tech in the mix)"),
            ("lca", "mix", 100, "base-pay observations naming an employer: their segment mix "
             "(machine-learning-engineer, senior) weighs the total/base ratios")]
        prior_text = next(s.detail for s in cell.sources if s.kind == "prior")
        assert prior_text is not None and "enterprise 80.0% of the mix (80 observations)" in prior_text
        # the cache of a component view keys on the segment rules its ratios are weighed by
        assert cache_key(store, PARAMS.replace(component="total"))[-1] == store.segment_rules_version()
        assert store.segment_rules_version() is not None and cache_key(store)[-1] is None


def test_the_spread_adds_the_components_variance_to_the_base_cells() -> None:
    """The prior of a component cell widens the base cell's spread by the variance of log pay
    the component has beyond base pay's within a cell (variances add), not by a ratio of sds:
    a wide base cell (a survey pooling many employers) is widened less, in proportion, than a
    narrow one (a new-user trial saw an entry total cell's P90 above the mid cell's, from a
    base spread of the survey doubled)."""
    from paybench.bench.components import widened

    # planted: log base varies by 0.1 within the cell, log total by 0.3 -> extra variance
    # (0.3^2 - 0.1^2) x n / (n - 1) over one group of n records
    n, rows = 40, []
    for i in range(n):
        sign = 1 if i % 2 else -1
        base = 200_000.0 * math.exp(sign * 0.1)
        rows.append({"dedup_key": f"r{i}", "role": MLE, "level": "senior", "country": "US",
                     "state": None, "metro": None, "work_mode": None, "source": "levelsfyi",
                     "kind": "paid", "segment": "big-tech", "weight": 1.0,
                     "total": 300_000.0 * math.exp(sign * 0.3), "base": base, "bonus": None, "equity": None})
    table = component_ratios(pd.DataFrame(rows), "total", PARAMS)
    every = table.for_level("senior")
    assert every is not None and every.spread_n == n
    assert every.spread == pytest.approx((0.3 ** 2 - 0.1 ** 2) * n / (n - 1), rel=1e-9)
    described = every.describe("total")
    assert "spread: the base cell's widened by the variance of log total beyond log base" in described
    # the factor: sqrt(sd^2 + extra) / sd; a wide cell moves less than a narrow one; never below 1
    assert widened(0.2, 0.12) == pytest.approx(2.0)
    assert widened(0.45, 0.12) == pytest.approx(math.sqrt(0.45 ** 2 + 0.12) / 0.45)
    assert 1.0 < widened(0.45, 0.12) < widened(0.2, 0.12)
    assert widened(0.3, 0.0) == 1.0 and widened(0.0, 0.5) == 1.0 and widened(0.3, -1.0) == 1.0
