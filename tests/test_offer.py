"""Offer evaluation: worked examples checked by hand, market position, errors, CLI."""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from paybench.decide.market import Market, percentile_of, value_at_percentile
from paybench.decide.offer import (
    Offer,
    compare_offers,
    evaluate_offer,
    load_offers,
    offer_from_dict,
    offer_report,
    offer_years,
    vested_share_in_year,
)
from paybench.errors import InputError
from paybench.store import Store

MLE = "machine-learning-engineer"
CELL = {"p10": 100_000, "p25": 120_000, "p50": 150_000, "p75": 180_000, "p90": 220_000}


@pytest.fixture(scope="module")
def market(reference_db: Path) -> Market:
    with Store(reference_db, read_only=True) as store:
        return Market.load(store)


def make(**kw: object) -> Offer:
    data: dict[str, object] = {"base": 200_000, "role": MLE, "level": "senior", "place": "US"}
    data.update(kw)
    return offer_from_dict(data)


# ----------------------------------------------------------------- worked examples
def test_even_vesting_with_sign_on() -> None:
    # 200,000 base, 15% bonus = 30,000, 40,000 sign-on, 400,000 over 25/25/25/25 = 100,000 a year
    offer = make(bonus_pct=15, sign_on=40_000, equity_value=400_000, vesting="25/25/25/25",
                 cliff_months=12)
    totals = [y.total for y in offer_years(offer)]
    assert totals == [370_000, 330_000, 330_000, 330_000]  # 200k + 30k + 40k + 100k, then no sign-on
    years = offer_years(offer)
    assert (years[0].base, years[0].bonus, years[0].sign_on, years[0].equity) == (
        200_000, 30_000, 40_000, 100_000)


def test_back_loaded_vesting_and_refreshers() -> None:
    # 180,000 base + 10% = 18,000; 300,000 grant over 5/15/40/40 = 15k, 45k, 120k, 120k;
    # 50,000 refreshers from year 2 over 25/25/25/25: y2 12.5k, y3 25k, y4 37.5k
    offer = make(base=180_000, bonus_pct=10, equity_value=300_000, vesting=[5, 15, 40, 40],
                 refresher_value=50_000)
    totals = [y.total for y in offer_years(offer)]
    assert totals == [213_000, 255_500, 343_000, 355_500]
    assert [y.equity_refreshers for y in offer_years(offer)] == [0, 12_500, 25_000, 37_500]


def test_cliff_longer_than_a_year_moves_vesting() -> None:
    # 18-month cliff on 400,000 over 4 years: nothing in year 1; by month 24 half has vested
    assert vested_share_in_year([25, 25, 25, 25], 18, 1) == 0
    assert vested_share_in_year([25, 25, 25, 25], 18, 2) == pytest.approx(0.5)
    assert vested_share_in_year([25, 25, 25, 25], 12, 1) == pytest.approx(0.25)
    offer = make(equity_value=400_000, cliff_months=18)
    assert [y.equity_initial for y in offer_years(offer)] == [0, 200_000, 100_000, 100_000]


def test_raise_and_shares_times_price() -> None:
    # 3% raise: year-2 base 206,000 and its 15% bonus 30,900; 2,000 shares x $150 = 300,000
    offer = make(bonus_pct=15, annual_raise_pct=3, equity_shares=2000, share_price=150)
    y2 = offer_years(offer)[1]
    assert (y2.base, y2.bonus, y2.equity_initial) == (206_000, 30_900, 75_000)
    assert offer.grant_value == 300_000


def test_percentile_interpolation_by_hand() -> None:
    assert percentile_of(150_000, CELL).percentile == pytest.approx(50)
    # geometric midpoint of P50 and P75 is half-way in log pay: P62.5
    mid = math.sqrt(150_000 * 180_000)
    assert percentile_of(mid, CELL).percentile == pytest.approx(62.5)
    assert value_at_percentile(CELL, 62.5) == pytest.approx(mid)
    # below P10: lognormal tail, sigma = ln(220k/100k) / (2 x 1.28155) = 0.30762
    sigma = math.log(2.2) / (2 * 1.2815515655446004)
    z = -1.2815515655446004 + math.log(0.9) / sigma  # 90,000 is ln(0.9) below P10
    pos = percentile_of(90_000, CELL)
    assert pos.percentile == pytest.approx(100 * 0.5 * math.erfc(-z / math.sqrt(2)))
    assert pos.label.startswith("below P10")
    assert percentile_of(400_000, CELL).label.startswith("above P90")
    assert value_at_percentile(CELL, pos.percentile) == pytest.approx(90_000)


# ----------------------------------------------------------------- market
def test_evaluate_against_cell_and_total_figures(market: Market) -> None:
    cell = market.cell(MLE, "senior", "US")
    # an offer at exactly the cell's P50 sits at P50
    ev = evaluate_offer(make(base=cell.p50), market)
    assert ev.base_position.percentile == pytest.approx(50)
    # the seeds' "$200k-$300k total comp at top firms" is shown beside the total, never used
    # as the cell's market: the store holds no total-pay distribution, so it is not ranked
    ev = evaluate_offer(make(base=185_000, place="Boston, MA", level="mid"), market)
    assert not ev.total_market.available and ev.total_market.percentile is None
    assert ev.total_market.label.startswith("n/a: this store has no total-compensation data; the "
                                            "total is not ranked")
    assert "cvmaker-2026-mle-total-top-firms" in ev.total_market.label
    assert "not a market for the cell" in ev.total_market.label


def test_total_ranked_against_the_cells_total_pay(reference_db: Path, tmp_path: Path) -> None:
    """With 40 US total-pay observations for the cell, the total is ranked in the total-pay cell
    (`paybench.bench.views`): here direct, and with no record carrying a base beside its total
    there is no prior, so the cell is the 40 totals' own quantiles."""
    import datetime as dt

    from paybench.records import Observation, Provenance

    path = tmp_path / "totals.duckdb"
    shutil.copy(reference_db, path)
    day = market_day = dt.date(2026, 1, 1)  # the effective date: no aging
    with Store(path) as store:
        with store.ingest_transaction("levels", "totals.csv", "f" * 64, 1) as writer:
            for i in range(40):
                total = 200_000 + 5_000 * i
                writer.add(Observation(
                    provenance=Provenance(source="levels", file_sha256="f" * 64, row_number=i + 1),
                    kind="paid", observed_on=day, raw_title="ML Engineer", role=MLE,
                    level="senior", country="US", component="total", currency="USD",
                    period="year", amount_raw=total, annual_usd=total, dedup_key=f"t{i}"))
        totals = Market.load(store)
    cell = totals.total_cell(MLE, "senior", "US")
    assert cell is not None and (cell.n, cell.method, cell.component) == (40, "direct", "total")
    # the median of 200,000 ... 395,000: between the 20th and 21st values (mid-ranks 0.4875 and
    # 0.5125), half-way in log pay: sqrt(295,000 x 300,000) = 297,489 -> $297,500
    assert cell.p50 == 297_500
    ev = evaluate_offer(make(base=300_000, start_date=market_day.isoformat()), totals)
    assert ev.total_market.available and ev.total_market.cell == cell
    assert ev.total_market.percentile == pytest.approx(percentile_of(300_000, cell).percentile)
    assert 50 < ev.total_market.percentile < 52
    assert "of the total-pay cell machine-learning-engineer senior, United States (n=40" in \
        ev.total_market.label


def test_total_percentile_not_invented(market: Market) -> None:
    ev = evaluate_offer(make(role="data-scientist", level="mid"), market)
    assert not ev.total_market.available and ev.total_market.percentile is None
    assert ev.total_market.label.startswith("n/a")


def test_compare_across_metros(market: Market) -> None:
    a = make(label="Seattle", place="Seattle, WA", equity_value=400_000)
    b = make(label="Austin", place="Austin, TX", base=190_000, equity_value=200_000)
    comp = compare_offers([a, b], market)
    sea, aus = comp.evaluations
    diff = market.cell(MLE, "senior", "Seattle, WA").place_differential
    assert diff is not None and diff > 0.1  # Seattle pays above the nation
    assert sea.place_differential == diff
    assert sea.national_equivalent_total == pytest.approx(sea.annualized_total / (1 + diff))
    assert sea.annualized_total == 300_000 and aus.annualized_total == 240_000
    assert comp.highest_annualized == "Seattle"
    assert any("different places" in n for n in comp.notes)


def test_title_gives_role_and_level(market: Market) -> None:
    ev = evaluate_offer(offer_from_dict({"base": 180_000, "title": "Senior Machine Learning Engineer"}),
                        market)
    assert (ev.role, ev.level) == (MLE, "senior") and "from title" in ev.role_basis


# ----------------------------------------------------------------- errors
@pytest.mark.parametrize(("data", "message"), [
    ({"base": -5}, "base must be a positive"),
    ({"vesting": "25/25/25/20"}, "sums to 95%, not 100%"),
    ({"vesting": "a/b"}, "not numbers"),
    ({"sign_on": -1}, "sign_on cannot be negative"),
    ({"equity_shares": 100}, "needs both equity_shares and share_price"),
    ({"equity_value": 1000, "equity_shares": 100, "share_price": 50}, "disagrees"),
    ({"base": 95}, "looks hourly"),
])
def test_bad_offers(data: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message):
        make(**data)


def test_unknown_place_and_role(market: Market) -> None:
    with pytest.raises(InputError, match="cannot place 'Atlantis'"):
        evaluate_offer(make(place="Atlantis"), market)
    with pytest.raises(InputError, match="unknown role"):
        evaluate_offer(make(role="basket-weaver"), market)
    with pytest.raises(InputError, match="unknown level"):
        evaluate_offer(make(level="wizard"), market)


def test_load_offers_file(tmp_path: Path) -> None:
    path = tmp_path / "offers.json"
    path.write_text(json.dumps([{"base": 1e5, "role": MLE, "level": "mid"}] * 5), encoding="utf-8")
    with pytest.raises(InputError, match="2-4 to compare, found 5") as many:
        offer_report(load_offers(path), market=None)  # type: ignore[arg-type]  # refused before use
    assert many.value.field == "offers"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="not JSON"):
        load_offers(path)


# ----------------------------------------------------------------- CLI
def run(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "paybench", *args], capture_output=True, text=True,
                          env={**os.environ, "PAYBENCH_DB": str(db)}, timeout=300)


def test_cli_offer_comparison(fresh_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "offers.json"
    path.write_text(json.dumps([
        {"label": "A", "base": 200000, "bonus_pct": 15, "sign_on": 40000, "equity_value": 400000,
         "role": MLE, "level": "senior", "place": "Seattle, WA"},
        {"label": "B", "base": 180000, "bonus_pct": 10, "equity_shares": 2000, "share_price": 150,
         "vesting": "5/15/40/40", "role": MLE, "level": "senior", "place": "Austin, TX"},
    ]), encoding="utf-8")
    proc = run(fresh_db, "offer", "--file", str(path), "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    a, b = data["evaluations"]
    assert [y["total"] for y in a["years"]] == [370000, 330000, 330000, 330000]
    assert [y["total"] for y in b["years"]] == [213000, 243000, 318000, 318000]
    table = run(fresh_db, "offer", "--file", str(path))
    assert table.returncode == 0 and "Offers side by side" in table.stdout and "$370,000" in table.stdout
    bad = run(fresh_db, "offer", "--base", "200000", "--role", MLE, "--level", "mid",
              "--vesting", "25/25/25")
    assert bad.returncode == 1 and "sums to 75%, not 100%" in bad.stderr
    assert "Traceback" not in bad.stderr and len(bad.stderr.strip().splitlines()) == 1
    # a bad value in the file is named as the file's field, not as the option "--base"
    path.write_text(json.dumps({"base": -5, "role": MLE, "level": "mid"}), encoding="utf-8")
    negative = run(fresh_db, "offer", "--file", str(path))
    assert negative.returncode == 1 and "--base" not in negative.stderr
    assert negative.stderr.strip() == ("error: offers.json: base: base must be a "
                                       "positive annual amount, got -5")
