"""A metro cell held in the OEWS order of places is held only as far as its own records allow
(docs/method.md, "Ordered places"; `BenchmarkModel.local_median_interval`).

The third trial of issue 17: eight Levels.fyi records of $92k-$173k put Chicago's senior ML
engineers' base P50 at $200,700, above all eight, because the order of places held the cell
within halfway to its neighbours' differentials; the total cell there ($184,100) was not held,
so base stood above total. The store here: the embedded defaults and the Levels.fyi fixture,
with eight base records written below in the export layout (Chicago, senior ML engineers at
one consultancy, none a filing)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import write_levelsfyi
from paybench.bench.params import PARAMS
from paybench.check import metro_order
from paybench.engine import Paybench
from paybench.ingest import ingest_file
from paybench.store import Store

MLE = "machine-learning-engineer"
CHICAGO_BASES = (92_000, 104_000, 118_000, 126_000, 139_000, 151_000, 164_000, 173_000)
EFFECTIVE = dt.date(2026, 1, 1)
STAMP = dt.date(2025, 3, 14)


def _write_rows(path: Path) -> None:
    """Eight senior ML engineers in Chicago at Accenture (a consultancy on the employer list):
    level 'Senior' (a consultancy's rank, read from the 7 years: senior), base + bonus =
    total, stock 0 (so a base record each)."""
    write_levelsfyi(path, [dict(
        timestamp=f"{STAMP.month}/{STAMP.day}/{STAMP.year} 10:{n:02d}:00", company="Accenture",
        level="Senior", title="Software Engineer", totalyearlycompensation=str(base + 10_000),
        location="Chicago, IL", yearsofexperience="7", yearsatcompany="2", tag="ML / AI",
        basesalary=str(base), stockgrantvalue="0", bonus="10000", cityid="11000", dmaid="602",
        rowNumber=str(9000 + n)) for n, base in enumerate(CHICAGO_BASES, 1)])


@pytest.fixture(scope="module")
def chicago_db(tmp_path_factory: pytest.TempPathFactory, totals_db: Path) -> Path:
    folder = tmp_path_factory.mktemp("relief")
    path = Path(shutil.copy(totals_db, folder / "relief.duckdb"))
    rows = folder / "chicago_levels.csv"
    _write_rows(rows)
    with Store(path) as store:
        ingest_file(store, rows)
    return path


@pytest.fixture(scope="module")
def pb(chicago_db: Path) -> Iterator[Paybench]:
    with Paybench(chicago_db) as engine:
        yield engine


def _aged(usd: float) -> float:
    return usd * 1.03 ** ((EFFECTIVE - STAMP).days / 365.25)


def test_a_held_metro_cell_stays_within_what_its_records_allow(pb: Paybench,
                                                                chicago_db: Path) -> None:
    cell = pb.cell(MLE, "senior", "Chicago, IL")
    assert (cell.n, cell.n_filed) == (8, 0)
    model = pb.model()
    interval = model.local_median_interval(MLE, "senior", cell.place)
    assert interval is not None
    low, high = (math.exp(v) for v in interval)
    # the 95% interval of the median of 8: quantiles 0.5 -/+ 1.96 / (2 sqrt 8) = 0.153, 0.847,
    # read from the records' P10-P90; it lies within the aged records
    assert _aged(CHICAGO_BASES[0]) <= low < high <= _aged(CHICAGO_BASES[-1])
    assert cell.p50 <= math.ceil(high / 100) * 100
    assert cell.p50 <= _aged(CHICAGO_BASES[-1])
    total = pb.cell(MLE, "senior", "Chicago, IL", component="total")
    assert total.p50 >= cell.p50  # every record's total is its base + 10,000
    # held as before (no relief: order_relief_min_n beyond the 8 records), the same records
    # sit wholly below the cell: the test's records do contradict the order's hold
    strict = dataclasses.replace(PARAMS, order_relief_min_n=9)
    with Paybench(chicago_db, read_only=True, params=strict) as held:
        before = held.cell(MLE, "senior", "Chicago, IL")
        assert held.model().local_median_interval(MLE, "senior", before.place) is None
    assert before.p50 > _aged(CHICAGO_BASES[-1]) and before.p50 > cell.p50
    assert any("metro order: held within halfway" in note for note in before.notes)
    # held 10% or more away from its records, the cell says where they stand
    assert before.ladder_shift >= 0.10
    median = [note for note in before.notes if note.startswith("its 8 local observations have")]
    assert len(median) == 1 and "the cell stands on its prior and the order of levels" in median[0]

def test_a_thin_cell_says_which_employers_its_records_come_from(pb: Paybench) -> None:
    """A cell of every employer with fewer than 30 observations, two thirds or more from one
    segment, says so (`BenchmarkModel.records_note`): its prior is of every employer, its
    records of one kind of employer. A cell with 30 or more, or a segment's own cell, does
    not."""
    said = ("its 8 observations: 8 at consultancy employers; a cell of every employer stands "
            "on its prior as much as on them (--segment consultancy: that segment's cell)")
    assert said in pb.cell(MLE, "senior", "Chicago, IL").notes
    assert said in pb.cell(MLE, "senior", "Chicago, IL", component="total").notes
    own = pb.cell(MLE, "senior", "Chicago, IL", segment="consultancy")
    assert not any(note.startswith("its 8 observations") for note in own.notes)
    national = pb.cell(MLE, "senior", "US")
    assert national.n >= 30 and not any(note.startswith("its ") for note in national.notes)


def test_a_filing_among_the_records_keeps_the_hold(pb: Paybench,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A cell with any filing among its records is held as the order says: filings stand at an
    offset of source (`filed_n`) and never break the order of places."""
    model = pb.model()
    place = pb.cell(MLE, "senior", "Chicago, IL").place
    assert model.local_median_interval(MLE, "senior", place) is not None
    monkeypatch.setattr(model, "kinds_n", lambda role_id, level, place, kinds: int("filed" in kinds))
    assert model.local_median_interval(MLE, "senior", place) is None
    assert model.local_median_interval(MLE, "senior", pb.cell(MLE, "senior", "US").place) is None


def test_check_does_not_judge_a_cell_by_the_order_its_records_limit(pb: Paybench) -> None:
    """`paybench check`'s metro-order leaves out a cell whose records limit its hold
    (`own_say`); without that, the relieved Chicago cell is compared like any other."""
    model = pb.model()
    chicago = pb.cell(MLE, "senior", "Chicago, IL")
    others = [pb.cell(MLE, "senior", place) for place in (
        "Columbus, OH", "Indianapolis, IN", "Kansas City, MO", "St. Louis, MO", "Detroit, MI",
        "Pittsburgh, PA", "Cleveland, OH", "Milwaukee, WI", "Cincinnati, OH")]
    cells = [chicago, *others]
    lower = [c for c in others if (c.place_differential or 0) < (chicago.place_differential or 0)]
    assert lower, "a metro of lower differential to compare with"
    assert metro_order(cells, 30, own_say=lambda c: model.local_median_interval(
        c.role, c.level, c.place) is not None) == []
    assert any(c.p50 > chicago.p50 + 100 for c in lower)
    found = metro_order(cells, 30)
    assert found and all(v.invariant == "metro-order" for v in found)
