"""Roster check: compa-ratios by hand, flags, bad rows with reasons, nothing stored, CLI."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from paybench.decide.bands import band_limits
from paybench.decide.market import Market, percentile_of
from paybench.decide.roster import check_roster, read_roster
from paybench.errors import InputError
from paybench.store import Store

MLE = "machine-learning-engineer"
ROSTER = """id,title,level,place,base
e1,Machine Learning Engineer,senior,"Seattle, WA",150000
e2,Senior ML Engineer,,"Seattle, WA",{senior_mid}
e3,Data Scientist,mid,"Austin, TX","$900,000"
e4,Data Scientist,mid,"Austin, TX",-5
e5,Basket Weaver,mid,"Austin, TX",100000
e6,Data Scientist,mid,Atlantis,120000
e7,Data Scientist,,"Austin, TX",120000
e8,Data Scientist,mid,"Austin, TX"
"""


@pytest.fixture(scope="module")
def market(reference_db: Path) -> Market:
    with Store(reference_db, read_only=True) as store:
        return Market.load(store)


def write(tmp_path: Path, market: Market) -> Path:
    senior = market.cell(MLE, "senior", "Seattle, WA")
    path = tmp_path / "employees.csv"
    path.write_text(ROSTER.format(senior_mid=senior.p50), encoding="utf-8")
    return path


def test_compa_ratio_and_flags(tmp_path: Path, market: Market) -> None:
    employees, rejected = read_roster(write(tmp_path, market))
    report = check_roster(employees, market, percentile=50, spread_pct=40, rejected=rejected)
    rows = {r.id: r for r in report.rows}
    senior = market.cell(MLE, "senior", "Seattle, WA")
    low, high = band_limits(senior.p50, 40)  # mid = the cell's P50 at percentile 50
    e1, e2 = rows["e1"], rows["e2"]
    assert e1.band_mid == senior.p50 and e1.band_min == round(low) and e1.band_max == round(high)
    assert e1.compa_ratio == pytest.approx(150_000 / senior.p50, abs=1e-4)
    assert e1.flag == "below minimum"  # 150,000 < 2 x mid / 2.4
    assert e2.compa_ratio == 1.0 and e2.flag == "" and e2.market_label == "P50"
    assert e2.level == "senior" and "level from the title" in e2.basis
    assert e1.market_percentile == pytest.approx(percentile_of(150_000, senior).percentile, abs=0.05)
    assert rows["e3"].flag == "above maximum"
    # summary: MLE senior has 2 people, one below minimum; mean compa-ratio by hand
    s = next(x for x in report.summary if x.role == MLE)
    assert (s.count, s.below_min, s.share_below_min) == (2, 1, 0.5)
    assert s.mean_compa_ratio == pytest.approx((e1.compa_ratio + 1.0) / 2, abs=1e-4)


def test_bad_rows_have_reasons(tmp_path: Path, market: Market) -> None:
    employees, rejected = read_roster(write(tmp_path, market))
    report = check_roster(employees, market, rejected=rejected)
    reasons = {r.id: r.reason for r in report.rejected}
    assert "negative" in reasons["e4"]
    assert "no tech role matches" in reasons["e5"]
    assert "cannot place 'Atlantis'" in reasons["e6"]
    assert "no level given" in reasons["e7"]
    assert "expected 5 fields, found 4" in next(r.reason for r in report.rejected if r.row == 8)
    assert len(report.rows) + len(report.rejected) == 8  # nothing lost


def test_bad_file(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("id,name,base\n1,a,100000\n", encoding="utf-8")
    with pytest.raises(InputError, match="missing column"):
        read_roster(path)
    with pytest.raises(InputError, match="no such file"):
        read_roster(tmp_path / "absent.csv")


def _table_counts(db: Path) -> dict[str, int]:
    with Store(db, read_only=True) as store:
        names = store.query("SELECT table_name FROM information_schema.tables")["table_name"]
        return {n: int(store.scalar(f'SELECT count(*) FROM "{n}"')) for n in names}


def test_cli_roster_stores_nothing(fresh_db: Path, tmp_path: Path, market: Market) -> None:
    path = write(tmp_path, market)
    before = _table_counts(fresh_db)
    env = {**os.environ, "PAYBENCH_DB": str(fresh_db)}
    out_csv = tmp_path / "out.csv"
    proc = subprocess.run([sys.executable, "-m", "paybench", "roster", "--file", str(path), "--json",
                           "--output", str(out_csv)], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert {r["id"] for r in data["rows"]} == {"e1", "e2", "e3"}
    assert len(data["rejected"]) == 5
    rows = list(csv.DictReader(out_csv.open(encoding="utf-8")))
    assert len(rows) == 8 and rows[0]["flag"] == "below minimum"
    assert _table_counts(fresh_db) == before
    with Store(fresh_db, read_only=True) as store:
        assert store.scalar("SELECT count(*) FROM observations WHERE raw_title = 'Basket Weaver'") == 0
    table = subprocess.run([sys.executable, "-m", "paybench", "roster", "--file", str(path)],
                           capture_output=True, text=True, env=env, timeout=300)
    assert table.returncode == 0 and "Summary" in table.stdout and "not evaluated" in table.stdout
