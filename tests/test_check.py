"""`paybench check` (issue 13): 0 violations on the embedded defaults (which hold the survey),
a store with a planted inversion fails it, and the estimate of a bare title + place + level is
its cell."""

from __future__ import annotations

import csv
import itertools
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import us

from paybench import Paybench
from paybench.bench import BenchmarkCell, BenchmarkModel
from paybench.bench.cache import cache_key, cache_path, write_cached
from paybench.bench.model import natural_level
from paybench.bench.scopes import metro_place, scope_for
from paybench.check import metro_order
from paybench.guide.tables import GUIDE_LEVELS, select_roles, tech_metros
from paybench.sources.postings import JOBSPY_COLUMNS
from paybench.store import Store
from test_api import copy_store

MLE = "machine-learning-engineer"


def _copy(src: Path, folder: Path) -> Path:
    return copy_store(src, folder / "store.duckdb")


def _check(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "paybench", "check", *args], capture_output=True,
                          text=True, env={**os.environ, "PAYBENCH_DB": str(db)}, timeout=900)


def test_check_passes_on_the_defaults_store(survey_db: Path, tmp_path: Path) -> None:
    proc = _check(_copy(survey_db, tmp_path), "--json")
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr
    report = json.loads(proc.stdout)
    assert report["violations"] == []
    assert report["cells"] > 5_000 and report["rankings"] >= 3 and report["estimates"] >= 10
    assert set(report["invariants"]) == {"percentile-order", "ladder", "metro-order",
                                         "estimate-vs-cell", "no-data-high-confidence",
                                         "thin-ranked", "index-interval", "employer-n",
                                         "total-above-base"}
    assert report["indexes"] >= 1  # the survey has years; it names no employers


def _denver_postings(folder: Path, count: int = 12) -> Path:
    """`count` JobSpy postings for senior ML engineers in Denver at $420k-$460k + $1k each."""
    postings = folder / "jobs.csv"
    with postings.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(JOBSPY_COLUMNS), lineterminator="\n")
        writer.writeheader()
        for i in range(count):
            row = dict.fromkeys(JOBSPY_COLUMNS, "")
            row.update({
                "id": f"in-{i:06x}", "site": "indeed",
                "job_url": f"https://www.indeed.com/viewjob?jk=planted{i:06x}",
                "title": "Senior Machine Learning Engineer", "company": f"Company {i}",
                "location": "Denver, CO, US", "date_posted": f"2025-11-{1 + i:02d}",
                "job_type": "fulltime", "is_remote": "False", "salary_source": "direct_data",
                "interval": "yearly", "currency": "USD", "min_amount": f"{420000 + 1000 * i}.0",
                "max_amount": f"{460000 + 1000 * i}.0", "description": "Build ML systems."})
            writer.writerow(row)
    return postings


def _ingest(db: Path, *files: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "paybench", "ingest", *map(str, files)],
                          capture_output=True, text=True,
                          env={**os.environ, "PAYBENCH_DB": str(db)}, timeout=900)
    assert proc.returncode == 0, proc.stderr


def _guide_metro_cells(db: Path, roles: Sequence[str] | None = None) -> list[BenchmarkCell]:
    """The metro cells the guide prints (its 25 metros; mid and senior, a leadership role at
    its own level), of `roles` (all when None)."""
    with Store(db, read_only=True) as store:
        model = BenchmarkModel.load(store)
        metros = [metro_place(m["cbsa"], m["area_name"]) for m in tech_metros(store, 25)]
    return [model.cell(role.id, level, place) for role in select_roles(None)
            if roles is None or role.id in roles
            for level in (GUIDE_LEVELS if natural_level(role) == "mid" else (natural_level(role),))
            for place in metros]


def test_thin_postings_cannot_reorder_metros(survey_db: Path, tmp_path: Path) -> None:
    """Twelve postings for senior ML engineers in Denver at $420k-$471k (fewer than 30: not
    direct evidence) would lift Denver's cell above metros that OEWS pays more (they did before
    the place order: Charlotte, Seattle ...); the fit holds it within its place in the OEWS
    order, and the cell says so."""
    db = _copy(survey_db, tmp_path)
    _ingest(db, _denver_postings(tmp_path))
    cells = _guide_metro_cells(db, [MLE])
    denver = next(c for c in cells if c.level == "senior" and c.place.key == "19740")
    assert denver.n == 12 and denver.method == "shrunk"
    assert any("metro order: held" in note for note in denver.notes), denver.notes
    senior = [c for c in cells if c.level == "senior"]
    above = [c for c in senior if (c.place_differential or 0) > (denver.place_differential or 0)]
    assert above and all(c.p50 >= denver.p50 for c in above if c.n < 30), \
        [(c.place.label, c.p50) for c in above]
    assert metro_order(cells, 30) == []
    # the raw blend (weight 12 of 22 at ~$440k) is far above the cell: the hold is what moved it
    assert denver.ladder_shift < -0.05


def test_check_passes_on_the_defaults_with_dol_filings(survey_db: Path, shared_data: Path,
                                                       tmp_path: Path) -> None:
    """The defaults with the FY2014 DOL LCA sample on top (171 certified filings, thin in
    every metro: before the place order, `check` found 15 metro-order violations here, e.g.
    two filings putting Atlanta's mid software engineers $8,500 below Philadelphia's)."""
    db = _copy(survey_db, tmp_path)
    _ingest(db, shared_data / "lca" / "lca_fy2014_sample.csv")
    proc = _check(db, "--json")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr
    assert json.loads(proc.stdout)["violations"] == []
    cells = _guide_metro_cells(db, ["software-engineer"])
    atlanta = next(c for c in cells if c.level == "mid" and c.place.key == "12060")
    assert 0 < atlanta.n < 30 and any("metro order: held" in n for n in atlanta.notes)
    held = [c for c in cells if any("metro order" in n for n in c.notes)]
    assert len(held) >= 5 and all(0 < c.n < 30 or c.ladder_shift != 0 for c in held)
    # states keep their OEWS order the same way (before the place order: 8 inversions among
    # these cells by the metro-order comparison)
    with Store(db, read_only=True) as store:
        model = BenchmarkModel.load(store)
    with_data = 0
    for role, level in itertools.product(("software-engineer", "programmer-analyst"),
                                         ("mid", "senior")):
        states = sorted((c for c in (model.cell(role, level, scope_for("US", s.abbr))
                                     for s in us.states.STATES) if c.n < 30),
                        key=lambda c: c.place_differential or 0.0)
        with_data += sum(1 for c in states if c.n)
        for a, b in itertools.combinations(states, 2):
            if (a.place_differential or 0) < (b.place_differential or 0):
                assert a.p50 <= b.p50 + 100, (a.place.label, a.p50, b.place.label, b.p50)
    assert with_data >= 5


def test_check_fails_on_a_planted_inversion(survey_db: Path, tmp_path: Path) -> None:
    """The method can no longer print a metro above one that OEWS pays more from thin data
    (above), so the inversion is planted in the model the tools print from: its cache beside
    the store, under the store's own key. `check` reads it as any command does, and fails."""
    db = _copy(survey_db, tmp_path)
    with Store(db, read_only=True) as store:
        model = BenchmarkModel.load(store)
        names = {m["cbsa"]: m["area_name"] for m in tech_metros(store, 25)}
        denver = model.cell(MLE, "senior", metro_place("19740", names["19740"]))
        seattle = model.cell(MLE, "senior", metro_place("42660", names["42660"]))
        assert (denver.place_differential or 0) < (seattle.place_differential or 0)
        planted = denver.model_copy(update={"p50": seattle.p50 + 10_000,
                                            "p75": max(denver.p75, seattle.p50 + 10_000),
                                            "p90": max(denver.p90, seattle.p50 + 10_000)})
        model._cell_cache[(MLE, "senior", "metro", "19740")] = planted
        path = cache_path(store)
        assert path is not None
        write_cached(path, cache_key(store), model)
    proc = _check(db, "--json")
    assert proc.returncode == 1, proc.stdout[-2000:] + proc.stderr
    violations = json.loads(proc.stdout)["violations"]
    metro = [v for v in violations if v["invariant"] == "metro-order"]
    assert any(v["cell"].endswith(f"{MLE}|senior|19740") or f"{MLE}|senior|19740 vs" in v["cell"]
               for v in metro), violations
    text = _check(db)
    assert text.returncode == 1 and "FAIL  metro-order" in text.stdout


def test_metro_order_compares_every_lower_differential(survey_db: Path) -> None:
    """The comparison itself: a cell below one of a strictly lower differential is a violation
    even with a tie between them (the check compared only neighbours in the sort before);
    cells of one differential, or within $100, are not."""
    with Store(survey_db, read_only=True) as store:
        base = BenchmarkModel.load(store).cell(MLE, "senior", metro_place("19740", "Denver"))

    def at(key: str, diff: float, p50: int, n: int = 0) -> BenchmarkCell:
        place = base.place.model_copy(update={"metro": key, "label": key})
        return base.model_copy(update={"place": place, "place_differential": diff,
                                       "p50": p50, "n": n})

    a, b, c = at("00001", 0.10, 200_000), at("00002", 0.10, 190_000), at("00003", 0.20, 195_000)
    found = metro_order([a, b, c], 30)
    assert [v.cell for v in found] == [f"{MLE}|senior|00001 vs {MLE}|senior|00003"]
    assert "+10.00% < +20.00%" in found[0].detail and "200,000 > 195,000" in found[0].detail
    assert metro_order([a, b], 30) == []  # one differential: no order between them
    assert metro_order([a, at("00003", 0.20, 199_900)], 30) == []  # within the rounding
    assert metro_order([at("00001", 0.10, 200_000, n=30), c], 30) == []  # direct data stand


def test_bare_estimate_is_the_cell(survey_db: Path, tmp_path: Path) -> None:
    """Issue 13 item 5: a title + place + level with nothing else given has the cell's P50
    (within 2%) and an interval containing its P25-P75; a blank optional field is averaged
    over, and the inputs given are listed."""
    with Paybench(_copy(survey_db, tmp_path)) as pb:
        for title, place, level in (("Machine Learning Engineer", "Boston, MA", "mid"),
                                    ("Machine Learning Engineer", "Austin, TX", "mid"),
                                    ("Senior Machine Learning Engineer", "San Jose, CA", None)):
            est = pb.estimate(title, place=place, level=level)
            cell = pb.cell(title, level, place)
            assert abs(est.p50 / cell.p50 - 1) <= 0.02, (title, place, est.p50, cell.p50)
            assert est.p10 <= cell.p25 and est.p90 >= cell.p75
            assert est.moved_by == [] and est.cell is not None and est.cell.p50 == cell.p50
        boston = pb.cell("Machine Learning Engineer", "mid", "Boston, MA")
        sized = pb.estimate("Machine Learning Engineer", place="Boston, MA", level="mid",
                            company_size="M", remote="onsite")
        assert {m.split(":")[0] for m in sized.moved_by} == {"company size", "remote"}
        assert abs(sized.p50 / boston.p50 - 1) < 0.10  # inputs move it, blanks did not pull it down
