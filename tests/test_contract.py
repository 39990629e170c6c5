"""Contract rate vs salary: hand-checked conversions, market placement, errors, CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from paybench.decide.contract import (
    ContractAssumptions,
    contract_market,
    contract_to_salary,
    salary_to_contract,
)
from paybench.decide.market import Market
from paybench.errors import InputError, MoneyError
from paybench.store import Store

MLE = "machine-learning-engineer"


def test_rate_to_salary_by_hand() -> None:
    # billable = (2,080 - 25 x 8) x 0.9 = 1,692 h; income = 120 x 1,692 = 203,040;
    # load = 1 + 0.25 + 0.0765 = 1.3265; salary = 203,040 / 1.3265 = 153,064.46
    conv = contract_to_salary(120)
    assert conv.billable_hours == pytest.approx(1692)
    assert conv.contract_income == pytest.approx(203_040)
    assert conv.load_factor == pytest.approx(1.3265)
    assert conv.salary_equivalent == pytest.approx(153_064.46, abs=0.01)
    assert conv.formula[-1] == "salary equivalent = $203,040.00 / 1.3265 = $153,064.46"


def test_salary_to_rate_by_hand_and_round_trip() -> None:
    # 180,000 x 1.3265 = 238,770 / 1,692 h = 141.117 -> $141.12/h
    conv = salary_to_contract(180_000)
    assert conv.contract_income == pytest.approx(238_770)
    assert conv.hourly_rate == pytest.approx(141.12, abs=0.005)
    back = contract_to_salary(conv.hourly_rate)
    assert back.salary_equivalent == pytest.approx(180_000, rel=1e-4)


def test_assumptions_change_the_result() -> None:
    # nothing unbilled, no leave, no load: 120 x 2,080 = 249,600
    bare = ContractAssumptions(bench_share=0, paid_time_off_days=0, benefits_load=0, employer_payroll_tax=0)
    assert contract_to_salary(120, bare).salary_equivalent == pytest.approx(249_600)
    # given billable hours override the computed ones: 100 x 1,500 / 1.3265 = 113,079.53
    fixed = ContractAssumptions(billable_hours_per_year=1500)
    assert contract_to_salary(100, fixed).salary_equivalent == pytest.approx(113_079.53, abs=0.01)


def test_bad_inputs() -> None:
    with pytest.raises(MoneyError, match="hourly rate must be positive"):
        contract_to_salary(-90)
    with pytest.raises(MoneyError, match="looks annual"):
        contract_to_salary(150_000)
    with pytest.raises(MoneyError, match="salary must be positive"):
        salary_to_contract(0)
    with pytest.raises(InputError, match="bench share") as bench:
        ContractAssumptions(bench_share=1.0)
    assert bench.value.field == "bench_share"
    with pytest.raises(InputError, match="leaves no working hours") as pto:
        ContractAssumptions(paid_time_off_days=300)
    assert pto.value.field == "paid_time_off_days"


def test_market_placement_and_seed_check(survey_db: Path) -> None:
    with Store(survey_db, read_only=True) as store:
        market = Market.load(store)
        rows = store.query(
            """SELECT DISTINCT dedup_key, annual_usd FROM observations
               WHERE role = ? AND country = 'US' AND employment_type IN ('contract', 'freelance')""",
            [MLE])
    cm = contract_market(market, MLE, 120)
    seeds = [p for p in cm.published if p.group == "cvmaker-2026-mle-contract-hourly"]
    assert len(seeds) == 1 and (seeds[0].low_hourly, seeds[0].high_hourly) == (90, 160)
    assert seeds[0].position == "within"
    assert contract_market(market, MLE, 170).published[0].position == "above"
    # survey contract rows: annual pay read as hourly at 2,080 h
    assert cm.survey_role.n == len(rows) > 0
    assert cm.survey_role.median_hourly == pytest.approx(rows["annual_usd"].median() / 2080, abs=0.01)
    # the W2 equivalent of the senior cell's P50: p50 x 1.3265 / 1,692
    senior = market.cell(MLE, "senior", "US")
    eq = next(e for e in cm.w2_equivalents if e.level == "senior")
    assert eq.p50_rate == pytest.approx(senior.p50 * 1.3265 / 1692, abs=0.01)
    assert any(c.startswith("$90-$160/h") and "survey" in c for c in cm.checks)


def test_cli_contract(fresh_db: Path) -> None:
    env = {**os.environ, "PAYBENCH_DB": str(fresh_db)}
    proc = subprocess.run([sys.executable, "-m", "paybench", "contract", "--rate", "120", "--role", MLE,
                           "--json"], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["conversion"]["salary_equivalent"] == pytest.approx(153_064.46, abs=0.01)
    assert data["market"]["published"][0]["low_hourly"] == 90
    text = subprocess.run([sys.executable, "-m", "paybench", "contract", "--salary", "180000", "--to-rate",
                           "--bench", "0"], capture_output=True, text=True, env=env, timeout=300)
    # 180,000 x 1.3265 = 238,770 / 1,880 h = 127.0053 -> $127.01
    assert text.returncode == 0 and "$127.01/h" in text.stdout
    bad = subprocess.run([sys.executable, "-m", "paybench", "contract", "--rate", "120", "--bench", "2"],
                         capture_output=True, text=True, env=env, timeout=300)
    assert bad.returncode == 1 and "bench share" in bad.stderr and "Traceback" not in bad.stderr
