"""Cells by component and segment (`paybench.bench.views`, `paybench.bench.components`): the
base cells left exactly as they were, a total-pay cell of big-tech employers checked against
values computed here from the Levels.fyi fixture rows, the one-line no-data errors, the Python
API and the HTTP API giving the same cell, the offer's total percentile from the total-pay
cell, ordered levels for total cells, and the share invariants (hypothesis)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paybench import Paybench
from paybench.bench import PARAMS, BenchmarkModel, cell_place
from paybench.bench.components import component_shares, shares_of
from paybench.bench.engines import CellEngine
from paybench.check import ladders, no_data_high_confidence, percentile_order
from paybench.decide.market import Market, percentile_of
from paybench.decide.offer import evaluate_offer, offer_from_dict
from paybench.errors import InputError, PaybenchError
from paybench.store import Store
from test_api import Server, served
from test_levelsfyi import EXPECTED, HEADER

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "data" / "levelsfyi_sample.csv"
SNAPSHOT = REPO / "tests" / "data" / "base_cells_survey.json"
MLE = "machine-learning-engineer"
BIG_TECH = {"Google", "Meta", "Amazon", "Microsoft", "Apple", "NVIDIA", "Netflix", "Oracle", "Salesforce"}
"""The fixture's employers that employer_segments.json lists as big-tech (Uber, Stripe, Intel,
LinkedIn and Acme Robotics are not listed; IBM is a consultancy)."""
EFFECTIVE = dt.date(2026, 1, 1)
GROWTH = 0.03


def run_cli(db: Path, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "-m", "paybench", *args, "--db", str(db)],
                          capture_output=True, text=True, timeout=600,
                          env={**os.environ, "PAYBENCH_DB": str(db)})
    if ok:
        assert proc.returncode == 0, proc.stderr
    return proc


@pytest.fixture(scope="module")
def totals(tmp_path_factory: pytest.TempPathFactory, totals_db: Path) -> Path:
    """A private copy of the defaults + Levels.fyi fixture store."""
    return Path(shutil.copy(totals_db, tmp_path_factory.mktemp("views") / "totals.duckdb"))


@pytest.fixture(scope="module")
def pb(totals: Path) -> Iterator[Paybench]:
    with Paybench(totals) as engine:
        yield engine


# --------------------------------------------------------------------------- expected values
def fixture_rows() -> dict[int, dict[str, str]]:
    with FIXTURE.open(encoding="utf-8", newline="") as handle:
        return {int(r["rowNumber"]): r for r in csv.DictReader(handle)}


def aged_log(usd: float, day: dt.date) -> float:
    """docs/method.md: log pay + (E - d) / 365.25 x log(1 + g)."""
    return math.log(usd) + (EFFECTIVE - day).days / 365.25 * math.log1p(GROWTH)


def quantile(values: list[float], q: float) -> float:
    """Equal-weight quantile, linear between mid-rank cumulative weights (i - 1/2) / n."""
    xs = sorted(values)
    fracs = [(i + 0.5) / len(xs) for i in range(len(xs))]
    if q <= fracs[0]:
        return xs[0]
    if q >= fracs[-1]:
        return xs[-1]
    for (fa, xa), (fb, xb) in zip(zip(fracs, xs, strict=True), zip(fracs[1:], xs[1:], strict=True),
                                  strict=False):
        if fa <= q <= fb:
            return xa + (xb - xa) * (q - fa) / (fb - fa)
    raise AssertionError("unreachable")


def big_tech_senior_mle() -> list[tuple[int, dt.date, tuple[Any, ...]]]:
    """The fixture's US senior ML engineer records at big-tech employers: (row, day, (total,
    base, equity, bonus)) from the per-row expectations of tests/test_levelsfyi.py."""
    rows = fixture_rows()
    out = []
    for number, exp in sorted(EXPECTED.items()):
        if exp[1] == MLE and exp[2] == "senior" and exp[4] == "US" and exp[7] in BIG_TECH:
            day = dt.datetime.strptime(rows[number]["timestamp"], "%m/%d/%Y %H:%M:%S").date()
            out.append((number, day, exp[-1]))
    return out


def big_tech_gap(pb: Paybench, level: str) -> tuple[float, float]:
    """The big-tech segment's prior weight k and log gap at `level` to the all-employer
    total cells (docs/method.md, "A segment"), computed here from the fixture, with the two
    weights the model measures over every segment (k of a cell's prior, k_gap of a gap of 0;
    `ViewModel._gap_k`, checked against their basis): over each US role x level with
    big-tech totals, d = their mean aged log total minus the log P50 of the all-employer
    national total cell, w = 1 / (1/n + 1/(n_all + 10)) (the all-employer view's k is 10:
    its national cells have fewer than 20 records); shrink = sum(w) / (sum(w) + k_gap); the
    gap at an individual-contributor level is the weighted least-squares line of d on the
    level's rank there, times shrink."""
    rows = fixture_rows()
    cells: dict[tuple[str, str], list[float]] = {}
    for number, exp in sorted(EXPECTED.items()):
        if exp[4] == "US" and exp[2] is not None and exp[7] in BIG_TECH and exp[-1][0]:
            day = dt.datetime.strptime(rows[number]["timestamp"], "%m/%d/%Y %H:%M:%S").date()
            cells.setdefault((exp[1], exp[2]), []).append(aged_log(exp[-1][0], day))
    model = pb.model(pb.view_params(pb.params, "total", "big-tech"))
    k_gap, k_cell, _basis = model._gap_k()
    assert model.shrinkage_k_ == min(k_cell, 10)
    ranks = {lv: i for i, lv in enumerate(("entry", "mid", "senior", "staff", "principal"))}
    line = []
    den = 0.0
    for (role, lv), logs in cells.items():
        every = pb.cell(role, lv, "US", component="total")
        w = 1 / (1 / len(logs) + 1 / (every.n + 10))
        den += w
        if lv in ranks:
            line.append((ranks[lv], sum(logs) / len(logs) - math.log(every.p50), w))
    assert len({x for x, _d, _w in line}) >= 2  # the fixture's big-tech records span levels
    wsum = sum(w for *_r, w in line)
    xm = sum(x * w for x, _d, w in line) / wsum
    ym = sum(d * w for _x, d, w in line) / wsum
    slope = sum(w * (x - xm) * (d - ym) for x, d, w in line) / sum(w * (x - xm) ** 2 for x, _d, w in line)
    lo, hi = min(x for x, _d, _w in line), max(x for x, _d, _w in line)
    gap = (ym + slope * (min(max(ranks[level], lo), hi) - xm)) * den / (den + k_gap)
    return model.shrinkage_k_, gap


# --------------------------------------------------------------------------- base cells unchanged
def test_base_cells_are_what_they_were(survey_db: Path) -> None:
    """Base cells without a component or segment are exactly those of main before the views
    (tests/data/base_cells_survey.json, written by scripts/base_cells_snapshot.py with main's
    code at 32c5edc on the same store, and written again on 2026-12-03 for the ordered
    percentiles of `paybench.bench.model`: against the 32c5edc snapshot only P10, P25 and P90
    of 21 of the 336 cells changed, those whose levels were out of order (software engineer in
    the UK, prompt engineer mid and senior, ...); no median, n, basis or source), on the model
    and through `Paybench.cell`."""
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        from base_cells_snapshot import FIELDS, snapshot
    finally:
        sys.path.pop(0)
    before = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    now = snapshot(survey_db)
    assert len(now) == len(before) == 336
    assert now == before
    with Paybench(survey_db, read_only=True) as engine:
        for entry in before[::7]:
            role, level, place = entry["case"]
            cell = engine.cell(role, level, place).model_dump(mode="json")
            assert {f: cell[f] for f in FIELDS} == entry["cell"], entry["case"]
            assert (cell["component"], cell["segment"], cell["components"]) == ("base", None, None)
            explicit = engine.cell(role, level, place, component="base", segment=None).model_dump(mode="json")
            assert explicit == cell


# --------------------------------------------------------------------------- the CLI cell
def test_cli_total_big_tech_cell(totals: Path, pb: Paybench) -> None:
    """`paybench bench --role machine-learning-engineer --level senior --component total
    --segment big-tech`: its n, n per component, shares, sources and percentiles, each computed
    here from the fixture rows (the percentiles: the rows' aged quantiles blended with the
    all-employer total cell moved by the gap, weight k, as docs/method.md states)."""
    records = big_tech_senior_mle()
    assert [r[0] for r in records] == [4, 20, 25, 41]  # Google, Microsoft, Apple, NVIDIA
    args = ("bench", "--role", MLE, "--level", "senior", "--component", "total", "--segment", "big-tech")
    cell = json.loads(run_cli(totals, *args, "--json").stdout)
    assert (cell["component"], cell["segment"], cell["n"], cell["method"]) == (
        "total", "big-tech", 4, "shrunk")
    parts = cell["components"]
    assert parts["n"] == {"base": 4, "bonus": 4, "equity": 4, "total": 4}
    denominators = [max(t, b + e + bo) for _n, _d, (t, b, e, bo) in records]
    assert parts["bonus_share"] == pytest.approx(sum(r[2][3] for r in records) / sum(denominators), abs=1e-4)
    assert parts["equity_share"] == pytest.approx(sum(r[2][2] for r in records) / sum(denominators), abs=1e-4)
    assert parts["n_shares"] == 4
    assert {"source": "levelsfyi", "kind": "paid", "n": 4,
            "detail": "in this cell (total compensation, big-tech employers)"} in cell["sources"]
    assert any(s["kind"] == "statistic" and s["source"] == "oews" and s["detail"].startswith(
        "all-employer cell: base-pay cell (national): OEWS") for s in cell["sources"])
    # percentiles: observed quantiles of the four aged totals blended with the parent cell
    k, gap = big_tech_gap(pb, "senior")
    assert gap > 0.05  # the fixture's big-tech totals stand above the all-employer cells
    assert f"segment gap {math.expm1(gap):+.1%} (k={k:.0f})" in cell["basis"]
    parent = pb.cell(MLE, "senior", "US", component="total")
    assert cell["n_parent"] == parent.n == 6
    logs = [aged_log(t, day) for _n, day, (t, *_rest) in records]
    for p in (10, 25, 50, 75, 90):
        blended = (4 * quantile(logs, p / 100) + k * (math.log(getattr(parent, f"p{p}")) + gap)) / (4 + k)
        expected = math.exp(blended) * (1 + cell["ladder_shift"])
        assert cell[f"p{p}"] == pytest.approx(expected, rel=2e-3), p
    text = run_cli(totals, *args).stdout
    assert "pay: total compensation, big-tech employers (annual USD)" in text
    assert "n=4 (all-employer cell 6)" in text
    assert "n per component (each as its own cell counts it): base 4, bonus 4, equity 4, total 4" in text
    assert (f"shares of total pay: bonus {parts['bonus_share']:.1%}, equity {parts['equity_share']:.1%}"
            in text)
    assert "source levelsfyi (paid): 4 in this cell (total compensation, big-tech employers)" in text
    assert f"P50: ${cell['p50']:,}" in text


def test_total_cell_prior_is_base_times_the_measured_ratio(pb: Paybench) -> None:
    """A total cell without records of its own is the base cell scaled by the total/base ratio
    measured on the fixture's US records carrying both (geometric mean; not a constant), its
    spread by the measured spread ratio; OEWS reaches it only through the base cell."""
    ranks = {"entry": 0, "mid": 1, "senior": 2, "staff": 3, "principal": 4}
    rows = [(ranks[exp[2]], exp[-1], exp[7]) for exp in EXPECTED.values()
            if exp[4] == "US" and exp[2] in ranks and exp[-1][1] and exp[-1][0]]
    # too few entry records (fewer than 20): the entry records blended with the weighted least-
    # squares line of log(total / base) on the level's rank, fitted on every IC-level record,
    # the line weighing 20 records (docs/method.md)
    xs = [x for x, _r, _e in rows]
    ys = [math.log(r[0] / r[1]) for _x, r, _e in rows]
    xm, ym = sum(xs) / len(xs), sum(ys) / len(ys)
    slope = (sum((x - xm) * (y - ym) for x, y in zip(xs, ys, strict=True))
             / sum((x - xm) ** 2 for x in xs))
    assert slope > 0  # the fixture's higher levels take more of their pay in stock and bonus
    own = [y for x, y in zip(xs, ys, strict=True) if x == 0]
    log_ratio = (sum(own) + 20 * (ym + slope * (0 - xm))) / (len(own) + 20)
    entry = pb.cell(MLE, "entry", "US", component="total")
    base = pb.cell(MLE, "entry", "US")
    assert entry.n == 0 and entry.method == "modelled" and entry.confidence == "low"
    assert (f"total/base {math.exp(log_ratio):.2f} ({len(own)} records, entry, with the level "
            f"trend over {len(rows)})") in entry.basis
    # no base observation outside the records names an employer (the survey names none): the
    # ratio is the records', and the cell says how many of them are big tech (issue 17)
    big = sum(1 for _x, _r, employer in rows if employer in BIG_TECH)
    assert (f"measured on records of which {big / len(rows):.0%} are at big-tech and 0% at ai-lab "
            "employers, not weighed by the employers of the base cell") in entry.basis
    assert "the total compensation may be overstated for other employers" in entry.basis
    # the median moves by the ratio (up to rounding to $100 and the ordered-levels fit)
    moved = entry.p50 / (1 + entry.ladder_shift) / (base.p50 / (1 + base.ladder_shift))
    assert moved == pytest.approx(math.exp(log_ratio), rel=3e-3)
    assert not any(s.source == "oews" and not s.detail.startswith("base-pay cell") for s in entry.sources
                   if s.detail)


def test_local_and_bonus_cells(pb: Paybench) -> None:
    """A metro total cell borrows the national total cell moved by the base cells' place
    differential less the national cell's own place mix (its records' mean OEWS differential
    x their share n / (n + k) of the cell); a bonus cell measures positive bonuses; shares
    come from the national cell when the place has no record of its own."""
    from paybench.bench.scopes import metro_place, scope_for

    national = pb.cell(MLE, "senior", "US", component="total")
    austin = pb.cell(MLE, "senior", "Austin, TX", component="total")
    base_austin = pb.cell(MLE, "senior", "Austin, TX")
    base_model = pb.model(pb.params)
    diffs = []
    for _number, exp in sorted(EXPECTED.items()):
        if exp[1:3] == (MLE, "senior") and exp[4] == "US" and exp[-1][0]:
            place = metro_place(exp[6], None) if exp[6] else scope_for("US", exp[5]) if exp[5] else None
            diff = 0.0 if place is None else base_model.cell(MLE, "senior", place).place_differential
            diffs.append(math.log1p(diff or 0.0))
    assert len(diffs) == national.n == 6 and max(diffs) > 0.1  # records in the best-paid metros
    k = pb.model(pb.view_params(pb.params, "total", None)).shrinkage_k_
    mix = sum(diffs) / len(diffs) * national.n / (national.n + k)
    assert austin.place_differential is not None and base_austin.place_differential is not None
    assert math.log1p(austin.place_differential) == pytest.approx(
        math.log1p(base_austin.place_differential) - mix, abs=2e-4)
    assert "less the national cell's own place mix" in austin.basis
    assert austin.n == 1 and austin.n_parent == national.n  # Acme Robotics, row 33
    assert austin.components is not None and austin.components.n_shares == 1
    bonus = pb.cell(MLE, "senior", "US", component="bonus")
    assert bonus.component == "bonus" and bonus.n == 6 and bonus.p50 < national.p10
    boston = pb.cell(MLE, "senior", "Boston, MA", component="total")
    assert boston.n == 0 and boston.components is not None
    assert boston.components.n_shares == 6 and "national cell" in boston.components.shares_basis


def test_local_total_cells_blend_their_records_and_are_not_held_to_the_oews_order(pb: Paybench) -> None:
    """A metro cell of total pay is its prior (the national total cell moved by the base
    cells' differential less its place mix, weight 10) blended with its local records, and is not then held in
    the OEWS order of metros (docs/method.md: OEWS prices base wages; held to it, a cell with
    a few local records was put above every one of them, issue 17's trial, New York)."""
    rows = fixture_rows()
    local: dict[tuple[str, str, str], list[float]] = {}
    for number, exp in sorted(EXPECTED.items()):
        if exp[4] == "US" and exp[2] is not None and exp[6] is not None and exp[-1][0]:
            day = dt.datetime.strptime(rows[number]["timestamp"], "%m/%d/%Y %H:%M:%S").date()
            local.setdefault((exp[1], exp[2], exp[6]), []).append(aged_log(exp[-1][0], day))
    from paybench.bench.scopes import metro_place

    model = pb.model(pb.view_params(pb.params, "total", None))
    checked = 0
    for (role, level, cbsa), logs in local.items():
        cell = model.cell(role, level, metro_place(cbsa, None))
        assert cell.n == len(logs), (role, level, cbsa)
        assert not any("order: held" in note for note in cell.notes), cell.notes
        national = pb.cell(role, level, "US", component="total")
        assert cell.place_differential is not None
        prior = math.log(national.p50) + math.log1p(cell.place_differential)
        expected = (10 * prior + len(logs) * quantile(logs, 0.5)) / (10 + len(logs))
        assert math.log(cell.p50 / (1 + cell.ladder_shift)) == pytest.approx(expected, abs=4e-3)
        checked += 1
    assert checked >= 10


# --------------------------------------------------------------------------- no data
def test_no_total_data_is_one_line(fresh_db: Path, totals: Path) -> None:
    base_args = ("bench", "--role", MLE, "--level", "senior")
    proc = run_cli(fresh_db, *base_args, "--component", "total", ok=False)
    assert proc.returncode == 1 and proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr
    assert "this store has no total-compensation data (ingest a Levels.fyi export" in lines[0]
    proc = run_cli(totals, *base_args, "--component", "total", "--segment", "ai-lab", ok=False)
    assert proc.returncode == 1 and len(proc.stderr.strip().splitlines()) == 1
    assert "this store has no total compensation observations from ai-lab employers" in proc.stderr
    proc = run_cli(fresh_db, *base_args, "--segment", "big-tech", ok=False)
    assert proc.returncode == 1
    assert "no base pay observations from big-tech employers" in proc.stderr
    proc = run_cli(fresh_db, *base_args, "--component", "stock options", ok=False)
    assert proc.returncode == 1 and proc.stderr.strip().splitlines() == [
        "error: --component: unknown component 'stock options'; expected one of base, bonus, "
        "equity, total (also read: salary, stock, tc, total-comp)"]
    proc = run_cli(fresh_db, *base_args, "--segment", "faang", ok=False)
    assert proc.returncode == 1 and "--segment: unknown segment 'faang'" in proc.stderr
    with Paybench(fresh_db) as engine, pytest.raises(InputError) as info:
        engine.cell(MLE, "senior", component="equity")
    assert info.value.field == "component"


EXPECTED_IDS = ("expected one of base, bonus, equity, total (also read: salary, stock, tc, "
                "total-comp)")


@pytest.mark.parametrize("blank", ["", "   "])
def test_an_empty_component_is_an_error_not_base_pay(totals: Path, pb: Paybench, blank: str) -> None:
    """`paybench bench --component ""` printed the base cell: a blank component is the same
    one-line error as `--component foo`, in the CLI and the Python API alike."""
    proc = run_cli(totals, "bench", "--role", MLE, "--level", "senior", "--component", blank, ok=False)
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.strip().splitlines() == [
        f"error: --component: unknown component {blank!r}; {EXPECTED_IDS}"]
    with pytest.raises(InputError, match="unknown component") as info:
        pb.cell(MLE, "senior", component=blank)
    assert info.value.field == "component"
    with pytest.raises(InputError, match="unknown component"):
        pb.cells(MLE, "US", component=blank)


@pytest.mark.parametrize("blank", ["", "   "])
def test_an_empty_segment_is_an_error_not_every_employer(totals: Path, pb: Paybench,
                                                          blank: str) -> None:
    """`paybench bench --segment ""` printed the all-employer cell (the fourth trial expected an
    error, as for `--component ""`): a blank segment is a one-line error in the CLI, the Python
    API and `paybench employers`; leaving it out is every employer."""
    message = ("an empty segment names none; omit it for every employer, or give one of "
               "big-tech, ai-lab")
    for args in (("bench", "--role", MLE, "--level", "senior", "--segment", blank),
                 ("bench", "--role", MLE, "--level", "senior", "--component", "total",
                  "--segment", blank),
                 ("employers", "--segment", blank)):
        proc = run_cli(totals, *args, ok=False)
        assert proc.returncode == 1 and proc.stdout == "", args
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"error: --segment: {message}"), args
    with pytest.raises(InputError, match=message) as info:
        pb.cell(MLE, "senior", component="total", segment=blank)
    assert info.value.field == "segment"
    assert pb.cell(MLE, "senior", component="total", segment=None).segment is None


@pytest.mark.parametrize(("alias", "component"), [
    ("stock", "equity"), ("STOCK", "equity"), (" Salary ", "base"), ("TC", "total"),
    ("total-comp", "total"), ("Total_Comp", "total"), ("Equity", "equity")])
def test_aliases_read_alike_in_the_cli_and_the_python_api(totals: Path, pb: Paybench, alias: str,
                                                          component: str) -> None:
    """The one home of the names (`paybench.normalize.components`): an alias is its id's cell."""
    assert pb.cell(MLE, "senior", component=alias) == pb.cell(MLE, "senior", component=component)
    if alias in ("STOCK", "TC"):
        args = ("bench", "--role", MLE, "--level", "senior", "--json")
        by_alias = json.loads(run_cli(totals, *args, "--component", alias).stdout)
        by_id = json.loads(run_cli(totals, *args, "--component", component).stdout)
        assert by_alias == by_id and by_alias["component"] == component


def test_views_run_on_duckdb_only(totals: Path) -> None:
    with Paybench(totals, cell_engine=CellEngine("spark")) as engine, \
            pytest.raises(PaybenchError, match="computed on DuckDB"):
        engine.cell(MLE, "senior", component="total")


# --------------------------------------------------------------------------- the HTTP API
@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, totals_db: Path) -> Iterator[Server]:
    with served(totals_db, tmp_path_factory.mktemp("views-api"), "views") as srv:
        yield srv


def test_http_gives_the_python_api_cell(server: Server, pb: Paybench) -> None:
    with server.client() as client:
        got = client.get("/api/v1/cells", params={"role": MLE, "level": "senior", "component": "total",
                                                  "segment": "big-tech"})
        assert got.status_code == 200, got.text
        view = got.json()
        assert len(view["cells"]) == 1
        expected = pb.cell(MLE, "senior", "US", component="total", segment="big-tech")
        assert view["cells"][0] == json.loads(expected.model_dump_json())
        assert sorted(f["figure_id"] for f in view["published"]) == [
            "cvmaker-2026-mle-total-top-firms-high", "cvmaker-2026-mle-total-top-firms-low"]
        austin = client.get("/api/v1/cells", params={"role": MLE, "place": "Austin, TX",
                                                     "component": "total"}).json()
        assert [c["level"] for c in austin["cells"]] == ["entry", "mid", "senior", "staff", "principal"]
        assert austin["cells"][2] == json.loads(pb.cell(MLE, "senior", "Austin, TX",
                                                        component="total").model_dump_json())
        bad = client.get("/api/v1/cells", params={"role": MLE, "component": "total", "segment": "ai-lab"})
        assert bad.status_code == 422
        assert bad.json()["error"]["field"] == "segment"
        assert "no total compensation observations from ai-lab employers" in bad.json()["error"]["message"]
        svg = client.get("/api/v1/charts/ranges.svg", params={"role": MLE, "level": "senior",
                                                               "component": "total", "segment": "big-tech"})
        assert svg.status_code == 200 and "big-tech employers" in svg.text


def test_http_reads_the_segment_names_of_the_cli(server: Server) -> None:
    """/api/v1/cells and the ranges chart read a segment as the CLI and the Python API read it
    (any case, 'ai lab' for ai-lab, absent for every employer), and answer a blank or unknown
    one with a 422 naming the field (the trial: segment=Big-Tech was a 422 over HTTP only)."""
    with server.client() as client:
        base = {"role": MLE, "level": "senior", "component": "total"}
        want = client.get("/api/v1/cells", params={**base, "segment": "big-tech"}).json()
        for spelled in ("Big-Tech", " big tech ", "BIG_TECH"):
            got = client.get("/api/v1/cells", params={**base, "segment": spelled})
            assert got.status_code == 200, (spelled, got.text)
            assert got.json() == want
        every = client.get("/api/v1/cells", params=base).json()
        for path in ("/api/v1/cells", "/api/v1/charts/ranges.svg"):
            for blank in ("", " "):
                got = client.get(path, params={**base, "segment": blank})
                assert got.status_code == 422, (path, blank, got.text)
                assert got.json()["error"]["field"] == "segment"
        assert every["cells"][0]["segment"] is None
        bad = client.get("/api/v1/cells", params={**base, "segment": "faang"})
        assert bad.status_code == 422 and bad.json()["error"]["field"] == "segment"
        svg = client.get("/api/v1/charts/ranges.svg", params={**base, "segment": "Big-Tech"})
        assert svg.status_code == 200 and "big-tech employers" in svg.text


def test_http_reads_the_component_names_of_the_cli(server: Server, pb: Paybench) -> None:
    """/api/v1/cells and the ranges chart read the aliases the CLI and the Python API read
    (component=stock is the equity cells, not a 422), and answer a blank or unknown component
    with a 422 naming the field; the web page offers the components of the same home."""
    from paybench.normalize.components import COMPONENT_NAMES, COMPONENTS

    with server.client() as client:
        base = {"role": MLE, "level": "senior"}
        for alias, component in (("stock", "equity"), ("Stock", "equity"), ("salary", "base"),
                                 ("tc", "total"), ("total-comp", "total")):
            got = client.get("/api/v1/cells", params={**base, "component": alias})
            assert got.status_code == 200, (alias, got.text)
            want = client.get("/api/v1/cells", params={**base, "component": component})
            assert got.json() == want.json()
            assert got.json()["cells"][0]["component"] == component
            assert got.json()["cells"][0] == json.loads(
                pb.cell(MLE, "senior", "US", component=component).model_dump_json())
        for bad in ("", " ", "stock options"):
            got = client.get("/api/v1/cells", params={**base, "component": bad})
            assert got.status_code == 422, (bad, got.text)
            error = got.json()["error"]
            assert error["field"] == "component"
            assert error["message"] == f"component: unknown component {bad!r}; {EXPECTED_IDS}"
        svg = client.get("/api/v1/charts/ranges.svg", params={**base, "component": "stock"})
        assert svg.status_code == 200 and "equity" in svg.text
        bad_svg = client.get("/api/v1/charts/ranges.svg", params={**base, "component": ""})
        assert bad_svg.status_code == 422 and bad_svg.json()["error"]["field"] == "component"
        page = client.get("/").text
    select = page[page.index('<select id="search-component"'):]
    select = select[:select.index("</select>")]
    options = re.findall(r'<option value="([^"]*)">([^<]*)</option>', select)
    assert [v or "base" for v, _ in options] == list(COMPONENTS)
    assert [label.lower() for _, label in options] == [COMPONENT_NAMES[c] for c in COMPONENTS]


# --------------------------------------------------------------------------- offers
def test_offer_ranks_total_pay_in_the_total_cell(totals: Path, pb: Paybench) -> None:
    with Store(totals, read_only=True) as store:
        market = Market.load(store)
    report = pb.offer({"base": 200_000, "bonus_pct": 10, "equity_value": 400_000, "role": MLE,
                       "level": "senior", "place": "Austin, TX"})
    e = report.evaluations[0]
    cell = pb.cell(MLE, "senior", "Austin, TX", component="total")
    assert e.total_market.available and e.total_market.cell == cell
    assert e.annualized_total == 320_000
    assert e.total_market.percentile == pytest.approx(percentile_of(320_000, cell).percentile)
    assert e.total_market.label.startswith(f"{percentile_of(320_000, cell).label} of the total-pay "
                                           f"cell {MLE} senior, Austin-Round Rock-San Marcos, TX (n=1")
    assert e.total_market.cell_provenance and "levelsfyi paid n=1" in e.total_market.cell_provenance
    assert not report.notes
    # a role with no total-pay record at the place or nationally: not ranked, said plainly
    assert market.totals is not None and market.model.params == PARAMS
    plain = evaluate_offer(offer_from_dict({"base": 150_000, "role": "data-architect", "level": "senior",
                                            "place": "Boston, MA"}), market)
    assert not plain.total_market.available and plain.total_market.percentile is None
    assert plain.total_market.label == ("n/a: this store has no total-pay records for data-architect "
                                        "senior in Boston-Cambridge-Newton, MA-NH or nationally; the "
                                        "total is not ranked")


def test_offer_without_total_data_says_so(reference_db: Path) -> None:
    with Paybench(reference_db, read_only=True) as engine:
        report = engine.offer({"base": 185_000, "role": MLE, "level": "mid", "place": "Boston, MA"})
    e = report.evaluations[0]
    assert not e.total_market.available and e.total_market.cell is None
    assert e.total_market.label.startswith("n/a: this store has no total-compensation data; the total "
                                           "is not ranked. Published total-comp figures")
    assert "cvmaker-2026-mle-total-top-firms" in e.total_market.label


# --------------------------------------------------------------------------- ordered levels
def planted_export(path: Path) -> Path:
    """Export-layout rows that invert the ladder at big tech: six Google L4 (mid) ML engineers
    at $600,000 total, above the fixture's senior ones."""
    lines = [HEADER]
    for i in range(6):
        lines.append(f'{i + 1}/{i + 3}/2021 10:00:00,Google,L4,Software Engineer,600000,"Mountain View, CA",'
                     f"3,1,ML / AI,200000,350000,50000,NA,NA,7322,807,{900 + i},0,0,0,0,0,0,0,0,0,0,NA,NA")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_total_cells_keep_the_ladder(tmp_path: Path, totals_db: Path) -> None:
    from paybench.ingest import ingest_file

    db = Path(shutil.copy(totals_db, tmp_path / "planted.duckdb"))
    with Store(db) as store:
        assert ingest_file(store, planted_export(tmp_path / "planted.csv")).rows_kept == 6
    with Store(db, read_only=True) as store:
        model = BenchmarkModel.load(store, PARAMS.replace(component="total", segment="big-tech"))
        mid = model.cell(MLE, "mid", cell_place("US"))
        senior = model.cell(MLE, "senior", cell_place("US"))
        fixture_mid = sum(1 for e in EXPECTED.values()
                          if e[1:3] == (MLE, "mid") and e[4] == "US" and e[7] in BIG_TECH)
        assert mid.n == fixture_mid + 6 == 11 and senior.n == 4
        observed_mid = model.observed_cell(MLE, "mid", "national", "US")
        observed_senior = model.observed_cell(MLE, "senior", "national", "US")
        assert observed_mid is not None and observed_senior is not None
        assert observed_mid["q50"] > observed_senior["q50"]  # the data invert it
        assert mid.p50 < senior.p50  # the cells do not
        assert any("ordered-levels fit moved the median" in n for n in senior.notes)
        places = {"US": cell_place("US"), "41940": cell_place("San Jose, CA")}
        cells = [model.cell(MLE, lv, where) for lv in ("entry", "mid", "senior", "staff", "principal")
                 for where in places.values()]
        pairs = {(MLE, "US"), (MLE, "41940")}
        assert percentile_order(cells) == [] and ladders(model, pairs, places) == []
        assert no_data_high_confidence(cells) == []


def test_view_cache_file_holds_the_view_not_its_parent(tmp_path: Path, totals_db: Path) -> None:
    """A view's cache file keeps the view's own fit, not its parent's model: written after
    the parent computed thousands of cells (as the guide's Total compensation section does),
    it is no bigger than when written beside a fresh parent, and much smaller than the parent's
    own cache file; read back, the view stands on the parent it is given (or the parent's
    cache) and gives the same cells as the view built anew."""
    from paybench.bench.cache import cache_path
    from paybench.bench.views import ViewModel, parent_params

    db = Path(shutil.copy(totals_db, tmp_path / "views.duckdb"))
    total, big_tech = PARAMS.replace(component="total"), PARAMS.replace(component="total",
                                                                        segment="big-tech")
    with Store(db, read_only=True) as store:
        base = BenchmarkModel.load(store)
        base_file = cache_path(store)
        assert base_file is not None and base_file.is_file()
        ViewModel.load(store, total, parent=base)  # beside a parent that computed nothing
        view_file = cache_path(store, total)
        assert view_file is not None
        fresh_size = view_file.stat().st_size
        view_file.unlink()
        for role in (MLE, "data-scientist", "software-engineer"):  # the parent's memos fill
            for level in ("entry", "mid", "senior", "staff"):
                for where in ("US", "San Jose, CA", "Seattle, WA", "Austin, TX"):
                    base.cell(role, level, cell_place(where))
        built = ViewModel.load(store, total, parent=base)
        assert view_file.stat().st_size == fresh_size < base_file.stat().st_size / 3
        segment = ViewModel.load(store, big_tech, parent=built)
    with Store(db, read_only=True) as store:  # another process: from the files
        again = BenchmarkModel.load(store, total)
        assert isinstance(again, ViewModel) and again.parent is not built
        assert again.parent.params == parent_params(total) and again.oews_ is again.parent.oews_
        alone = BenchmarkModel.load(store, big_tech)  # its parent, and theirs, from their files
        assert isinstance(alone, ViewModel) and isinstance(alone.parent, ViewModel)
        for level in ("mid", "senior"):
            for where in ("US", "San Jose, CA"):
                place = cell_place(where)
                assert again.cell(MLE, level, place) == built.cell(MLE, level, place)
                assert alone.cell(MLE, level, place) == segment.cell(MLE, level, place)
        with pytest.raises(ValueError, match="other parameters"):
            ViewModel.load(store, big_tech, parent=base)


# --------------------------------------------------------------------------- share invariants
RECORD = st.tuples(st.integers(5_000, 2_000_000), st.integers(0, 1_000_000), st.integers(0, 1_000_000),
                   st.integers(0, 1_000_000), st.sampled_from([0.5, 1.0, 2.0]))


@given(st.lists(RECORD, min_size=1, max_size=12))
@settings(max_examples=300, deadline=None)
def test_shares_are_fractions(records: list[tuple[int, int, int, int, float]]) -> None:
    bonus = sum(w * b for _t, _ba, b, _e, w in records)
    equity = sum(w * e for _t, _ba, _b, e, w in records)
    split = sum(w * max(t, ba + b + e) for t, ba, b, e, w in records)
    b_share, e_share = shares_of(bonus, equity, split)
    assert 0 <= b_share <= 1 and 0 <= e_share <= 1 and b_share + e_share <= 1 + 1e-12
    assert b_share == pytest.approx(bonus / split) and e_share == pytest.approx(equity / split)


@given(st.lists(st.tuples(st.integers(20_000, 900_000), st.one_of(st.none(), st.integers(1, 500_000)),
                          st.integers(0, 400_000), st.integers(0, 400_000)), min_size=1, max_size=6))
@settings(max_examples=25, deadline=None)
def test_stored_records_give_fraction_shares(rows: list[tuple[int, int | None, int, int]]) -> None:
    """Records stored as the adapter stores them (one observation per component, one dedup_key):
    the cell's shares, through the method's own expression, are in [0, 1], sum to at most 1 and
    are the ratio of sums this test computes."""
    import ibis

    from paybench.records import Observation, Provenance

    with Store(":memory:") as store:
        with store.ingest_transaction("levelsfyi", "planted.csv", "e" * 64, 1) as writer:
            for i, (total, base, bonus, equity) in enumerate(rows):
                parts = {"total": total, "base": base, "bonus": bonus, "equity": equity}
                for component, amount in parts.items():
                    if amount is None:
                        continue
                    writer.add(Observation(
                        provenance=Provenance(source="levelsfyi", file_sha256="e" * 64, row_number=i + 1),
                        kind="paid", observed_on=dt.date(2025, 6, 1), raw_title="ML Engineer", role=MLE,
                        level="senior", country="US", component=component, currency="USD",
                        period="year", amount_raw=amount, annual_usd=amount, dedup_key=f"r{i}"))
        sums = component_shares(ibis.duckdb.from_connection(store.con), PARAMS)
    national = sums[(sums["scope"] == "national")].iloc[0]
    assert int(national["n_split"]) == len(rows)
    b_share, e_share = shares_of(national["bonus_usd"], national["equity_usd"], national["split_usd"])
    split = sum(max(t, (b or 0) + bo + e) for t, b, bo, e in rows)
    assert b_share == pytest.approx(sum(r[2] for r in rows) / split)
    assert e_share == pytest.approx(sum(r[3] for r in rows) / split)
    assert 0 <= b_share <= 1 and 0 <= e_share <= 1 and b_share + e_share <= 1 + 1e-12


def test_offer_cli_prints_the_total_cell(totals: Path, tmp_path: Path, pb: Paybench) -> None:
    offers = tmp_path / "offer.json"
    offers.write_text(json.dumps({"base": 200_000, "bonus_pct": 10, "equity_value": 400_000, "role": MLE,
                                  "level": "senior", "place": "Austin, TX"}), encoding="utf-8")
    text = run_cli(totals, "offer", "--file", str(offers)).stdout
    cell = pb.cell(MLE, "senior", "Austin, TX", component="total")
    position = percentile_of(320_000, cell)
    austin = "Austin-Round Rock-San Marcos, TX"
    assert f"  total: {position.label} of the total-pay cell {MLE} senior, {austin}" in text
    assert "  total-pay cell Machine Learning Engineer, senior, Austin-Round Rock-San Marcos, TX: n=1" in text
    assert f"${cell.p25:,}-${cell.p50:,}-${cell.p75:,}" in text


def test_a_segment_holds_rows_that_name_an_employer_only(pb: Paybench, totals: Path) -> None:
    """The survey names no employer: its rows are in no segment, so the 'unclassified' cell
    counts the records of unlisted employers, not the survey (a new-user trial found 1,187
    survey rows in it while `paybench employers` counted them apart)."""
    import duckdb

    cell = pb.cell(MLE, "senior", "US", segment="unclassified")
    own = [s for s in cell.sources if not (s.detail or "").startswith(("all-employer", "prior"))
           and s.source != "paybench"]
    assert own and not any(s.source == "aijobs" for s in own), own
    with duckdb.connect(str(totals), read_only=True) as con:
        named = con.execute(
            "SELECT count(DISTINCT dedup_key) FROM observations WHERE segment = 'unclassified' "
            "AND employer IS NOT NULL AND role = ? AND level = 'senior' AND country = 'US' "
            "AND component = 'base' AND annual_usd > 0", [MLE]).fetchone()[0]
    assert cell.n == named


def test_a_view_cell_weighs_its_own_records_in_the_ladder_fit(pb: Paybench) -> None:
    """In a derived view the ordered-levels fit weighs a cell by its own records, not by its
    prior's k, and a cell without records by 0.01 (docs/method.md): the prior is the parent's
    fitted cell, already weighed in the parent's fit. Base cells keep n + the prior's weight."""
    from paybench.bench.model import NATIONAL_PLACE
    from paybench.normalize.roles import get_role

    total = pb.model(pb.view_params(pb.params, "total", None))
    base = pb.model(pb.params)
    role = get_role(MLE)
    for level in ("entry", "mid", "senior", "staff"):
        raw = total._raw(role, level, NATIONAL_PLACE)
        assert total.fit_weight(raw) == (raw.n or 0.01)
        assert raw.weight > raw.n + 1  # the prior's k is in the blend, not in the fit's weight
        base_raw = base._raw(role, level, NATIONAL_PLACE)
        assert base.fit_weight(base_raw) == base_raw.weight


# --------------------------------------------------------------------------- a bonus of 0
SWE = "software-engineer"


def test_a_cell_whose_records_all_state_a_bonus_of_0_says_so(totals: Path, pb: Paybench,
                                                              server: Server) -> None:
    """A cell whose every record states a bonus of 0 says so in one plain sentence (the
    trial: ai-lab records with a Levels.fyi bonus of 0 gave no such statement), the same in
    the Python API, the CLI's JSON and text and over HTTP (one home: `summary_for`). The
    fixture's one principal software engineer (row 16, Amazon L7) states a bonus of 0; the
    San Jose senior one (row 30, Netflix) a bonus and an equity of 0."""
    assert [n for n, exp in EXPECTED.items() if exp[1:3] == (SWE, "principal") and exp[4] == "US"] == [16]
    assert EXPECTED[16][-1][3] == 0
    sentence = "the 1 record of this cell states a bonus of 0"
    prior = ": its percentiles are those of people receiving a bonus, from the cell's prior"
    bonus = pb.cell(SWE, "principal", "US", component="bonus")
    assert bonus.n == 0 and bonus.components is not None
    assert bonus.components.all_zero == [sentence + prior]
    total = pb.cell(SWE, "principal", "US", component="total")
    assert total.components is not None and total.components.all_zero == [sentence]
    san_jose = pb.cell(SWE, "senior", "San Jose, CA", component="equity")
    assert san_jose.components is not None and san_jose.components.all_zero == [
        sentence, "the 1 record of this cell states equity (stock per year) of 0: its percentiles "
        "are those of people receiving equity (stock per year), from the cell's prior"]
    # a cell with positive bonuses, and one with some stated zeros among them, state nothing
    assert pb.cell(MLE, "senior", "US", component="bonus").components.all_zero == []  # type: ignore[union-attr]
    national = pb.cell(SWE, "senior", "US", component="bonus")
    assert national.components is not None and national.components.zero == {"bonus": 1, "equity": 1}
    assert national.components.all_zero == []

    args = ("bench", "--role", SWE, "--level", "principal", "--component", "bonus")
    assert json.loads(run_cli(totals, *args, "--json").stdout)["components"]["all_zero"] == [
        sentence + prior]
    text = run_cli(totals, *args).stdout.splitlines()
    label = "n per component (each as its own cell counts it):"
    counts = next(i for i, line in enumerate(text) if line.startswith(label))
    assert text[counts + 1] == sentence + prior
    with server.client() as client:
        got = client.get("/api/v1/cells", params={"role": SWE, "level": "principal",
                                                  "component": "bonus"})
        assert got.status_code == 200, got.text
        assert got.json()["cells"][0]["components"]["all_zero"] == [sentence + prior]


def test_a_segment_whose_records_all_state_a_bonus_of_0_says_so(fresh_db: Path, tmp_path: Path) -> None:
    """A segment whose every bonus is a stated 0 has no bonus among people receiving one to
    benchmark: the one-line error says that all its records state 0 (it said "this store has no
    bonus observations from ai-lab employers" while it held three), naming the segment; the
    records' total cell says it of its own records."""
    rows = [("Anthropic", "Senior", 750_000, 293_000, 457_000, 0, 81),
            ("OpenAI", "Senior", 757_000, 289_000, 468_000, 0, 82),
            ("Anthropic", "Senior", 629_000, 289_000, 340_000, 0, 83),
            ("Google", "L5", 350_000, 190_000, 120_000, 40_000, 84)]
    lines = [HEADER] + [
        f'3/{i + 1}/2023 10:00:00,{company},{level},Software Engineer,{total},"San Francisco, CA",'
        f"6,2,ML / AI,{base},{stock},{bonus},NA,NA,7322,807,{number},0,0,0,0,0,0,0,0,0,0,NA,NA"
        for i, (company, level, total, base, stock, bonus, number) in enumerate(rows)]
    data = tmp_path / "levels.csv"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run_cli(fresh_db, "ingest", str(data))
    message = ("all 3 records of ai-lab employers in this store state a bonus of 0: no bonus to "
               "benchmark among people receiving one")
    proc = run_cli(fresh_db, "bench", "--role", MLE, "--level", "senior", "--component", "bonus",
                   "--segment", "ai-lab", ok=False)
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.strip().splitlines() == [f"error: --segment: {message}"]
    with Paybench(fresh_db) as engine:
        with pytest.raises(InputError) as info:
            engine.cell(MLE, "senior", component="bonus", segment="ai-lab")
        assert (info.value.field, info.value.message) == ("segment", message)
        total = engine.cell(MLE, "senior", component="total", segment="ai-lab")
    assert total.n == 3 and total.components is not None
    assert total.components.all_zero == ["all 3 records of this cell state a bonus of 0"]


# --------------------------------------------------------------------------- aging, stated
def test_bench_text_states_the_aging(totals: Path) -> None:
    """`paybench bench` states, under the percentiles, the date every figure is aged to, the
    growth rate and the years of the cell's own observations (the trial: the text never said
    pay was aged), from the cell's fields, as --json carries them: the big-tech senior ML
    engineers are the fixture's rows 4, 20, 25 and 41 (2020-2021); --as-of and --growth
    change the line; a cell without observations says so."""
    days = [day for _n, day, _pay in big_tech_senior_mle()]
    first, last = min(days).year, max(days).year
    assert (first, last) == (2020, 2021)
    args = ("bench", "--role", MLE, "--level", "senior", "--component", "total", "--segment", "big-tech")
    cell = json.loads(run_cli(totals, *args, "--json").stdout)
    assert (cell["effective_date"], cell["annual_growth"], cell["first_year"], cell["last_year"]) == (
        EFFECTIVE.isoformat(), GROWTH, first, last)
    text = run_cli(totals, *args).stdout.splitlines()
    assert text[2].startswith("P10: ")
    assert text[3] == f"aged to 2026-01-01 at 3.0%/yr (this cell's 4 observations dated {first}-{last})"

    base = ("bench", "--role", MLE, "--level", "senior", "--as-of", "2025-07-01", "--growth", "0.045")
    cell = json.loads(run_cli(totals, *base, "--json").stdout)
    assert (cell["effective_date"], cell["annual_growth"]) == ("2025-07-01", 0.045)
    assert cell["n"] > 1000 and cell["first_year"] < cell["last_year"]
    assert run_cli(totals, *base).stdout.splitlines()[2] == (
        f"aged to 2025-07-01 at 4.5%/yr (this cell's {cell['n']:,} observations dated "
        f"{cell['first_year']}-{cell['last_year']})")

    entry = ("bench", "--role", MLE, "--level", "entry", "--component", "total")
    cell = json.loads(run_cli(totals, *entry, "--json").stdout)
    assert (cell["n"], cell["first_year"], cell["last_year"]) == (0, None, None)
    assert "aged to 2026-01-01 at 3.0%/yr (no observations of its own)" in run_cli(totals, *entry).stdout


# --------------------------------------------------------------------------- GET /employers
def test_http_employers_is_the_cli_listing(server: Server, totals: Path) -> None:
    """GET /api/v1/employers takes `paybench employers`' options as query parameters and
    answers its --json (the store's file left out, as /status leaves it), over the real
    server; the fixture's Levels.fyi records name their employers. An unknown segment or kind,
    an unknown role and a negative limit are a 422 naming the field, with the CLI's message."""
    cases: list[dict[str, Any]] = [
        {}, {"segment": "Big-Tech", "limit": 0}, {"role": "Sr. ML Engineer", "kind": "paid", "limit": 3},
        {"segment": "ai lab"}, {"kind": " Paid "}]
    with server.client() as client:
        for params in cases:
            got = client.get("/api/v1/employers", params=params)
            assert got.status_code == 200, (params, got.text)
            options = [part for key, value in params.items() for part in (f"--{key}", str(value))]
            cli = json.loads(run_cli(totals, "employers", "--json", *options).stdout)
            assert cli.pop("store") == str(totals)
            assert got.json() == cli, params
            assert "store" not in got.json()
        listing = client.get("/api/v1/employers", params={"segment": "big-tech", "limit": 0}).json()
        assert listing["segment"] == "big-tech" and len(listing["employers"]) >= 5
        assert {e["segment"] for e in listing["employers"]} == {"big-tech"}
        named = {e["employer"] for e in listing["employers"]}
        assert {"Google", "Meta", "Amazon", "Microsoft", "Apple"} <= named
        for params, field in (({"segment": "faang"}, "segment"), ({"segment": ""}, "segment"),
                              ({"kind": "guessed"}, "kind"),
                              ({"role": "Chief Llama Whisperer"}, "role"), ({"limit": -1}, "limit")):
            got = client.get("/api/v1/employers", params=params)
            assert got.status_code == 422, (params, got.text)
            error = got.json()["error"]
            assert error["field"] == field and "\n" not in error["message"]
            options = [part for key, value in params.items() for part in (f"--{key}", str(value))]
            proc = run_cli(totals, "employers", *options, ok=False)
            assert proc.returncode == 1 and proc.stdout == ""
            assert proc.stderr.strip().splitlines() == [
                f"error: --{field}: {error['message'].removeprefix(f'{field}: ')}"], params
        spec = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/employers"]["get"]
        assert {p["name"] for p in spec["parameters"]} == {"segment", "role", "kind", "limit"}


def test_an_offer_names_its_segment(pb: Paybench, totals: Path) -> None:
    """An offer may name its employer's segment (the fourth trial: `"segment": "big-tech"` was
    an unknown field): its base and total are then ranked in that segment's cells, the same
    cells `paybench bench --segment` prints; an unknown segment, or one the store holds no
    pay of, is a one-line error naming the offer's field."""
    offer = {"label": "BigCo", "base": 210_000, "bonus_pct": 15, "equity_value": 400_000,
             "role": MLE, "level": "senior", "place": "US", "segment": "Big Tech"}
    report = pb.offer(offer)
    ev = report.evaluations[0]
    assert ev.offer.segment == "big-tech"
    assert ev.cell == pb.cell(MLE, "senior", "US", segment="big-tech")
    total = pb.cell(MLE, "senior", "US", component="total", segment="big-tech")
    assert ev.total_market.available and ev.total_market.cell == total
    assert "total-pay cell machine-learning-engineer senior, United States, big-tech employers (n=" \
        f"{total.n}, all-employer cell {total.n_parent}" in ev.total_market.label
    assert ", big-tech employers: n=" in ev.cell_provenance
    every = pb.offer({**offer, "segment": None}).evaluations[0]
    assert every.total_market.cell == pb.cell(MLE, "senior", "US", component="total")
    assert every.total_market.percentile != ev.total_market.percentile
    # the national equivalent divides by the place's OEWS differential whichever cells rank
    seattle = {**offer, "place": "Seattle, WA"}
    named, plain = (pb.offer(o).evaluations[0] for o in (seattle, {**seattle, "segment": None}))
    assert named.place_differential == plain.place_differential > 0.1
    assert named.national_equivalent_total == plain.national_equivalent_total
    with pytest.raises(InputError, match="unknown segment 'faang'") as info:
        pb.offer({**offer, "segment": "faang"})
    assert info.value.field == "offers.0.segment"
    with pytest.raises(InputError, match="no base pay observations from government") as info:
        pb.offer({**offer, "segment": "government"})
    assert info.value.field == "offers.0.segment"
    args = ("offer", "--base", "210000", "--bonus-pct", "15", "--equity", "400000", "--role",
            MLE, "--level", "senior")
    cli = json.loads(run_cli(totals, *args, "--segment", "big-tech", "--json").stdout)
    assert cli["evaluations"][0]["total_market"]["percentile"] == ev.total_market.percentile
    for bad in ("", "faang"):
        proc = run_cli(totals, *args, "--segment", bad, ok=False)
        assert proc.returncode == 1 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
        assert "segment" in proc.stderr and "Traceback" not in proc.stderr
