"""Posting range and pay-transparency laws: who must post, what, where; errors; CLI."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from paybench.decide.market import Market
from paybench.decide.posting import check_laws, is_new_york_city, pay_laws, posting_range
from paybench.errors import InputError
from paybench.store import Store

MLE = "machine-learning-engineer"
ON = dt.date(2026, 6, 1)


@pytest.fixture(scope="module")
def market(reference_db: Path) -> Market:
    with Store(reference_db, read_only=True) as store:
        return Market.load(store)


def statuses(place: str, size: int | None = 100, **kw: object) -> dict[str, str]:
    return {c.law.id: c.status for c in check_laws(place, employer_size=size, posting_date=ON, **kw)}  # type: ignore[arg-type]


def test_law_table() -> None:
    laws = {law.id: law for law in pay_laws()}
    assert set(laws) == {"ca-sb1162", "co-epewa", "ny-194b", "nyc-ll32", "wa-49.58.110", "il-epa-b25"}
    assert [laws[i].min_employees for i in ("ca-sb1162", "co-epewa", "ny-194b", "nyc-ll32",
                                            "wa-49.58.110", "il-epa-b25")] == [15, 1, 4, 4, 15, 15]
    assert laws["il-epa-b25"].effective == dt.date(2025, 1, 1)
    assert laws["il-epa-b25"].citation == "820 ILCS 112/10(b-25)"
    assert any("application window" in s for s in laws["co-epewa"].must_also_state)
    assert all(law.checked_on and law.sources for law in laws.values())


def test_who_must_post() -> None:
    assert statuses("Denver, CO", size=1) == {"co-epewa": "applies"}
    assert statuses("San Francisco, CA", size=14) == {"ca-sb1162": "not required"}
    assert statuses("San Francisco, CA", size=15) == {"ca-sb1162": "applies"}
    assert statuses("Seattle, WA", size=None) == {"wa-49.58.110": "size unchecked"}
    assert statuses("Brooklyn, NY") == {"ny-194b": "applies", "nyc-ll32": "applies"}
    assert statuses("Buffalo, NY") == {"ny-194b": "applies"}
    assert statuses("Austin, TX") == {}
    assert statuses("London, UK") == {}
    early = {c.law.id: c.status for c in check_laws("Chicago, IL", employer_size=50,
                                                    posting_date=dt.date(2024, 6, 1))}
    assert early == {"il-epa-b25": "not yet in effect"}
    assert statuses("Chicago, IL") == {"il-epa-b25": "applies"}


def test_remote() -> None:
    remote = statuses("Remote", size=10)
    assert remote["co-epewa"] == "may apply" and remote["ny-194b"] == "may apply"
    assert remote["ca-sb1162"] == "not required"  # 10 < 15
    assert statuses("Remote (California)") == {"ca-sb1162": "applies"}
    assert is_new_york_city("New York, NY") and not is_new_york_city("Albany, NY")


def test_posting_range_default_and_band(market: Market) -> None:
    cell = market.cell(MLE, "senior", "Denver, CO")
    result = posting_range(market, MLE, "senior", "Denver, CO", employer_size=20, posting_date=ON)
    assert (result.low, result.high) == (cell.p25, cell.p75)  # market P25-P75 by default
    assert result.low_hourly == round(cell.p25 / 2080, 2)
    assert [c.law.id for c in result.laws] == ["co-epewa"]
    assert any("application window" in line for line in result.must_state)
    assert any("benefits" in line for line in result.must_state)
    banded = posting_range(market, MLE, "senior", "Chicago, IL", employer_size=20,
                           band=(180_000, 220_000), posting_date=ON)
    assert (banded.low, banded.high) == (180_000, 220_000)
    assert any("hyperlink" in line for line in banded.must_state)
    md = posting_range(market, MLE, "senior", "Baltimore, MD", employer_size=20, posting_date=ON)
    assert md.laws == [] and md.not_modelled is not None and "MD" in md.not_modelled


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"place": "Atlantis"}, "cannot place"),
    ({"role": "basket-weaver"}, "unknown role"),
    ({"employer_size": 0}, "at least 1"),
    ({"band": (200_000, 100_000)}, "not above the maximum"),
    ({"low_pct": 80, "high_pct": 20}, "low < high"),
])
def test_bad_inputs(market: Market, kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"role": MLE, "level": "senior", "place": "Denver, CO", "posting_date": ON}
    args.update(kwargs)
    role, level, place = args.pop("role"), args.pop("level"), args.pop("place")
    with pytest.raises(InputError, match=message):
        posting_range(market, str(role), str(level), str(place), **args)  # type: ignore[arg-type]


def test_cli_posting_range(fresh_db: Path) -> None:
    env = {**os.environ, "PAYBENCH_DB": str(fresh_db)}
    proc = subprocess.run([sys.executable, "-m", "paybench", "posting-range", "--role", MLE, "--level",
                           "senior", "--place", "Brooklyn, NY", "--employer-size", "50", "--date",
                           "2026-06-01", "--json"], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert [c["law"]["id"] for c in data["laws"]] == ["ny-194b", "nyc-ll32"]
    assert data["low"] < data["high"]
    text = subprocess.run([sys.executable, "-m", "paybench", "posting-range", "--role", MLE, "--level",
                           "senior", "--place", "Seattle, WA", "--employer-size", "20"],
                          capture_output=True, text=True, env=env, timeout=300)
    assert text.returncode == 0 and "APPLIES: Washington" in text.stdout and "not legal advice" in text.stdout
