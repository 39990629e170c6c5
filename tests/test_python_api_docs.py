"""docs/python-api.md runs: every Python block of the page, in order, in one namespace, on a
store of its own (the defaults plus a slice of the real ai-jobs.net survey, and the posting
fixture in the JobSpy layout). The file names the page uses are mapped to real files; a block
that fails fails this test, so the page cannot drift from the API."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest

from test_estimate import _survey_slice

DOCS = Path(__file__).resolve().parent.parent / "docs" / "python-api.md"
DATA = Path(__file__).resolve().parent / "data"


def blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOCS.read_text(encoding="utf-8"), flags=re.S)


def test_the_page_has_an_example_for_each_method() -> None:
    text = "\n".join(blocks())
    for method in ("ingest", "status", "cell", "cells", "compare", "estimate", "estimate_file",
                   "train", "evaluate", "guide", "guide_table", "offer", "contract", "bands",
                   "roster", "posting_range", "paygap", "laws", "posting_check", "skills", "employers",
                   "title", "place", "roles", "levels", "metros", "check", "trend"):
        assert re.search(rf"\bpb\.{method}\(", text), method


def test_every_block_of_the_python_api_page_runs(tmp_path: Path, reference_db: Path,
                                                 shared_data: Path, small_estimator: list[int],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # the page trains twice on the embedded survey (`pb.estimate` after the ingests, then
    # `pb.train()`): the product's ensemble took 160 of this test's 190 s (conftest
    # small_estimator: every training step runs; the ensemble is tested in test_estimate.py)
    store = tmp_path / "docs.duckdb"
    shutil.copy(reference_db, store)
    monkeypatch.setenv("PAYBENCH_DB", str(store))  # `Paybench()` opens the default store
    survey = _survey_slice(shared_data, tmp_path / "salaries.csv", {"2020", "2021", "2022", "2023"}, 800)
    later = _survey_slice(shared_data, tmp_path / "later.csv", {"2024"}, 60)
    with later.open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["employee_residence"] == "US"]
    test_csv = tmp_path / "test.csv"
    with test_csv.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    people = tmp_path / "people.csv"
    people.write_text("title,place,years\nData Scientist,Boston MA,3\nSenior ML Engineer,Remote,8\n",
                      encoding="utf-8")
    files = {'"salaries.csv"': survey, '"people.csv"': people, '"test.csv"': test_csv,
             '"estimates.csv"': tmp_path / "estimates.csv", '"jobs.csv"': DATA / "postings_jobspy.csv",
             '"guide-out"': tmp_path / "guide-out", '"levelsfyi.csv"': DATA / "levelsfyi_sample.csv"}
    namespace: dict[str, object] = {}
    for number, block in enumerate(blocks(), 1):
        for name, path in files.items():
            block = block.replace(name, repr(str(path)))
        try:
            exec(compile(block, f"docs/python-api.md block {number}", "exec"), namespace)
        except Exception as exc:  # name the block that broke
            raise AssertionError(f"docs/python-api.md block {number} failed: {exc!r}\n{block}") from exc
    assert (tmp_path / "estimates.csv").exists() and (tmp_path / "guide-out" / "guide.csv").exists()
    assert small_estimator, "the page trained no estimator (or not through small_estimator)"
