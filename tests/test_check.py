"""`paybench check` (issue 13): 0 violations on the embedded defaults (which hold the survey),
a store with a planted inversion fails it, and the estimate of a bare title + place + level is
its cell."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

from paybench import Paybench
from paybench.sources.postings import JOBSPY_COLUMNS
from test_api import copy_store


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
                                         "thin-ranked"}


def test_check_fails_on_a_planted_inversion(survey_db: Path, tmp_path: Path) -> None:
    """Twelve postings for senior ML engineers in Denver at $420k-$460k (fewer than 30: not
    direct evidence) lift Denver's cell above Seattle's, though OEWS pays Seattle more."""
    db = _copy(survey_db, tmp_path)
    postings = tmp_path / "jobs.csv"
    with postings.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(JOBSPY_COLUMNS), lineterminator="\n")
        writer.writeheader()
        for i in range(12):
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
    ingest = subprocess.run([sys.executable, "-m", "paybench", "ingest", str(postings)],
                            capture_output=True, text=True,
                            env={**os.environ, "PAYBENCH_DB": str(db)}, timeout=900)
    assert ingest.returncode == 0, ingest.stderr
    proc = _check(db, "--json")
    assert proc.returncode == 1, proc.stdout[-2000:] + proc.stderr
    violations = json.loads(proc.stdout)["violations"]
    metro = [v for v in violations if v["invariant"] == "metro-order"]
    assert any("machine-learning-engineer|senior|19740" in v["cell"] for v in metro), violations
    text = _check(db)
    assert text.returncode == 1 and "FAIL  metro-order" in text.stdout


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
