"""A total-pay cell is held at or above the base cell of the same role x level x place and
segment (`paybench.bench.views.ViewModel.cell`; docs/method.md "Cells by component and
segment"). The fourth trial of issue 17 found total below base in 41 cells: base cells count
filings, total cells only total-compensation records, and nothing tied the two.

The store: the embedded defaults and the Levels.fyi fixture, with twelve low-paid senior data
scientists written below in the export layout (total $70,000-$81,000 at an unlisted employer):
the total cell stands near them, the base cell on the ai-jobs.net survey's far higher pay."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import write_levelsfyi
from paybench.bench.params import PERCENTILES
from paybench.check import total_above_base
from paybench.engine import Paybench
from paybench.ingest import ingest_file
from paybench.store import Store

DS = "data-scientist"
@pytest.fixture(scope="module")
def pb(tmp_path_factory: pytest.TempPathFactory, totals_db: Path) -> Iterator[Paybench]:
    folder = tmp_path_factory.mktemp("above")
    path = Path(shutil.copy(totals_db, folder / "above.duckdb"))
    rows = folder / "low_totals.csv"
    write_levelsfyi(rows, [dict(
        timestamp=f"6/{n + 1}/2025 9:15:00", company="Prairie Data Works", level="Senior",
        title="Data Scientist", totalyearlycompensation=str(65_000 + 1_000 * n + 5_000),
        location="Omaha, NE", yearsofexperience="6", yearsatcompany="2", tag="NA",
        basesalary=str(65_000 + 1_000 * n), stockgrantvalue="0", bonus="5000", cityid="12000",
        dmaid="652", rowNumber=str(7000 + n)) for n in range(12)])
    with Store(path) as store:
        ingest_file(store, rows)
    with Paybench(path) as engine:
        yield engine


def test_total_is_held_at_or_above_base(pb: Paybench) -> None:
    base = pb.cell(DS, "senior", "US")
    total = pb.cell(DS, "senior", "US", component="total")
    for q in PERCENTILES:
        assert getattr(total, f"p{q}") >= getattr(base, f"p{q}"), q
    held = [note for note in total.notes if note.startswith("held at or above the base cell")]
    assert len(held) == 1, total.notes
    # the floor is the base cell itself, not base scaled by the cell's shares (whose records
    # are not the base cell's population), and the note says whose shares are printed
    assert total.p50 == base.p50 and f"-> ${base.p50:,}" in held[0]
    parts = total.components
    assert parts is not None and parts.n_shares >= 12
    assert (f"the bonus and equity shares printed are of this cell's {parts.n_shares} records, "
            "not of the base cell's population") in held[0]
    assert f"the base cell stands on {base.n:,} observations" in held[0]
    # without the hold (the view's base detached), the cell stood below base: the records
    # of this test do pull the total cell under the base cell
    model = pb.model(pb.view_params(pb.params, "total"))
    kept = model.base_
    assert kept is not None
    try:
        model.hold_base(None)
        free = model.cell(DS, "senior", model.cell(DS, "senior", total.place).place)
    finally:
        model.hold_base(kept)
    assert free.p50 < base.p50 and not any("held at or above" in n for n in free.notes)
    # `paybench check`'s total-above-base names the free cell, not the held one
    found = total_above_base([free, total], lambda _cell: base)
    assert [v.invariant for v in found] == ["total-above-base"]
    assert f"P50 {free.p50:,} < {base.p50:,}" in found[0].detail
    # the ladder and percentile orders stay
    ladder = [pb.cell(DS, level, "US", component="total") for level in
              ("entry", "mid", "senior", "staff", "principal")]
    assert [c.p50 for c in ladder] == sorted(c.p50 for c in ladder)
    assert [getattr(total, f"p{q}") for q in PERCENTILES] == sorted(
        getattr(total, f"p{q}") for q in PERCENTILES)


def test_every_total_cell_of_the_store_stands_above_its_base(pb: Paybench) -> None:
    """Every total cell the guide's roles have nationally and in three metros, for every
    employer and the segments with records, is at or above its base cell."""
    for role in (DS, "machine-learning-engineer", "software-engineer"):
        for segment in (None, "big-tech"):
            for level in ("entry", "mid", "senior", "staff", "principal"):
                for place in ("US", "Seattle, WA", "Omaha, NE"):
                    total = pb.cell(role, level, place, component="total", segment=segment)
                    base = pb.cell(role, level, place, segment=segment)
                    assert all(getattr(total, f"p{q}") >= getattr(base, f"p{q}")
                               for q in PERCENTILES), (role, segment, level, place)


def test_hold_base_refuses_another_view(pb: Paybench) -> None:
    equity = pb.model(pb.view_params(pb.params, "equity"))
    with pytest.raises(ValueError, match="only a total view"):
        equity.hold_base(pb.model())  # type: ignore[attr-defined]
    total = pb.model(pb.view_params(pb.params, "total"))
    with pytest.raises(ValueError, match="another view"):
        total.hold_base(equity)  # type: ignore[attr-defined]
