"""Thin segment and metro cells of total pay stand among their own records (issue 17's
second trial, docs/method.md "Cells by component and segment").

The store: the embedded defaults, the Levels.fyi fixture, and the trial's own file in the
export layout (tests/data/levelsfyi_trial.csv, 119 rows written by the trial: big-tech
records gathered in San Francisco and Seattle, a few enterprise (bank) and ai-lab records).
Before these rules the enterprise senior total cell stood at P25-P90 $278k-$357k on five
records of $221k-$249k, New York big-tech senior at a P50 below all four of its records, and
Seattle senior total P75 and P90 above all 19 of its records."""

from __future__ import annotations

import datetime as dt
import math
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from paybench.bench.scopes import NATIONAL
from paybench.engine import Paybench
from paybench.ingest import ingest_file
from paybench.store import Store

DATA = Path(__file__).parent / "data"
TRIAL = DATA / "levelsfyi_trial.csv"
MLE = "machine-learning-engineer"
EFFECTIVE = dt.date(2026, 1, 1)


@pytest.fixture(scope="module")
def pb(tmp_path_factory: pytest.TempPathFactory, totals_db: Path) -> Iterator[Paybench]:
    path = Path(shutil.copy(totals_db, tmp_path_factory.mktemp("thin") / "thin.duckdb"))
    with Store(path) as store:
        ingest_file(store, TRIAL)
    with Paybench(path) as engine:
        yield engine


def records(pb: Paybench, where: str) -> list[tuple[float, dt.date]]:
    """(annual USD, observed on) of the US machine-learning-engineer senior total records
    matching `where` (SQL on observations), read from the store with DuckDB."""
    with duckdb.connect(str(pb.path), read_only=True) as con:
        return [(float(usd), day) for usd, day in con.execute(
            "SELECT annual_usd, observed_on FROM observations WHERE role = ? AND level = 'senior' "
            f"AND component = 'total' AND country = 'US' AND {where}", [MLE]).fetchall()]


def aged(found: list[tuple[float, dt.date]]) -> list[float]:
    """Each amount aged to the effective date 2026-01-01 at 3% a year (docs/method.md)."""
    return sorted(usd * 1.03 ** ((EFFECTIVE - day).days / 365.25) for usd, day in found)


def test_enterprise_senior_total_stands_among_its_records(pb: Paybench) -> None:
    cell = pb.cell(MLE, "senior", "US", component="total", segment="enterprise")
    assert cell.n >= 3 and cell.confidence == "low"
    model = pb.model(pb.view_params(pb.params, "total", "enterprise"))
    totals = aged(records(pb, "segment = 'enterprise'"))
    assert len(totals) == cell.n
    # the middle half of the cell meets its records (it stood wholly above them), and its
    # median is nearer them than the prior (the all-employer cell moved by the gap)
    assert cell.p25 <= totals[-1] and cell.p75 >= totals[0]
    prior = model.parent.cell(MLE, "senior", NATIONAL).p50 * math.exp(model.segment_gap_[0])
    middle = math.exp(sum(math.log(t) for t in totals) / len(totals))
    assert abs(math.log(cell.p50 / middle)) < abs(math.log(cell.p50 / prior))
    assert model.shrinkage_k_ < 10  # measured: the segment's cells sit far from their priors
    assert f"(k={model.shrinkage_k_:.0f})" in cell.basis


def test_new_york_big_tech_senior_total_stands_among_its_records(pb: Paybench) -> None:
    cell = pb.cell(MLE, "senior", "New York, NY", component="total", segment="big-tech")
    totals = aged(records(pb, "segment = 'big-tech' AND metro = '35620'"))
    assert len(totals) == cell.n >= 4
    assert totals[0] <= cell.p50 <= totals[-1]
    assert cell.basis.startswith("national cell (")  # the segment's national cell, moved


def test_seattle_senior_total_is_not_moved_twice(pb: Paybench) -> None:
    """The national total cell stands where its records are (San Francisco and Seattle):
    Seattle's cell is moved by Seattle's differential less that mix, and its P75 stands at or
    below its records' highest."""
    cell = pb.cell(MLE, "senior", "Seattle, WA", component="total")
    base = pb.cell(MLE, "senior", "Seattle, WA")
    totals = aged(records(pb, "metro = '42660'"))
    assert len(totals) == cell.n >= 10
    assert totals[0] <= cell.p50 and cell.p75 <= totals[-1]
    assert cell.place_differential is not None and base.place_differential is not None
    assert cell.place_differential < base.place_differential - 0.05
    assert "place mix" in cell.basis
