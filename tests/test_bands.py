"""Pay bands: the spread formula by hand, non-inversion, overlaps, errors, CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from paybench.decide.bands import band_limits, build_bands
from paybench.decide.market import Market
from paybench.errors import InputError
from paybench.store import Store

MLE = "machine-learning-engineer"


@pytest.fixture(scope="module")
def market(reference_db: Path) -> Market:
    with Store(reference_db, read_only=True) as store:
        return Market.load(store)


def test_band_limits_by_hand() -> None:
    # mid 200,000, spread 40%: min = 400,000 / 2.4 = 166,666.67, max = min x 1.4 = 233,333.33
    low, high = band_limits(200_000, 40)
    assert low == pytest.approx(166_666.67, abs=0.01) and high == pytest.approx(233_333.33, abs=0.01)
    assert (high - low) / low == pytest.approx(0.40) and (low + high) / 2 == pytest.approx(200_000)


def test_bands_from_cells(market: Market) -> None:
    table = build_bands(market, MLE, "Seattle, WA", percentile=50, spread_pct=40)
    assert [b.level for b in table.bands] == ["entry", "mid", "senior", "staff", "principal"]
    for band in table.bands:
        cell = market.cell(MLE, band.level, "Seattle, WA")
        if not band.adjusted:
            assert band.midpoint == cell.p50  # at P50 the midpoint is the cell's median
        assert band.minimum == pytest.approx(2 * band.midpoint / 2.4, abs=1)
        assert band.maximum == pytest.approx(band.minimum * 1.4, abs=2)
    mids = [b.midpoint for b in table.bands]
    assert mids == sorted(mids)
    for ov, lower, upper in zip(table.overlaps, table.bands, table.bands[1:], strict=False):
        shared = max(0, lower.maximum - upper.minimum)
        assert ov.share_of_lower == pytest.approx(shared / (lower.maximum - lower.minimum))


def test_non_inversion_is_enforced(market: Market) -> None:
    # a 30% minimum progression forces raises; each raised midpoint = previous x 1.3
    table = build_bands(market, MLE, "US", min_progression_pct=30, levels=["entry", "mid", "senior"])
    assert table.adjustments
    for lower, upper in zip(table.bands, table.bands[1:], strict=False):
        assert upper.midpoint >= lower.midpoint * 1.3 - 1
        if upper.adjusted:
            assert upper.midpoint == pytest.approx(lower.midpoint * 1.3, abs=1)
            assert upper.market_value < upper.midpoint


def test_management_ladder_is_separate(market: Market) -> None:
    table = build_bands(market, MLE, "US", include_management=True)
    assert [b.ladder for b in table.bands][-2:] == ["management", "management"]
    assert not any(o.lower == "principal" for o in table.overlaps)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"spread_pct": -10}, "range spread"),
    ({"percentile": 0}, "percentile"),
    ({"place": "Atlantis"}, "cannot place"),
    ({"role": "basket-weaver"}, "unknown role"),
    ({"levels": ["mid", "wizard"]}, "unknown level"),
])
def test_bad_inputs(market: Market, kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"role": MLE, "place": "US"}
    args.update(kwargs)
    role, place = args.pop("role"), args.pop("place")
    with pytest.raises(InputError, match=message):
        build_bands(market, str(role), str(place), **args)  # type: ignore[arg-type]


def test_cli_bands(fresh_db: Path) -> None:
    env = {**os.environ, "PAYBENCH_DB": str(fresh_db)}
    proc = subprocess.run([sys.executable, "-m", "paybench", "bands", "--role", MLE, "--place", "Austin, TX",
                           "--percentile", "50", "--spread", "40", "--json"],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["spread_pct"] == 40 and len(data["bands"]) == 5
    b = data["bands"][2]
    assert b["minimum"] == pytest.approx(2 * b["midpoint"] / 2.4, abs=1)
    bad = subprocess.run([sys.executable, "-m", "paybench", "bands", "--role", MLE, "--place", "Atlantis"],
                         capture_output=True, text=True, env=env, timeout=300)
    assert bad.returncode == 1 and bad.stderr.startswith("error: --place: cannot place 'Atlantis'")
