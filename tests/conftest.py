"""Shared fixtures: the real data in ../shared (read at test time, never copied) and a
fresh store per test."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"

if os.environ.get("PYTEST_XDIST_WORKER") and not os.environ.get("PAYBENCH_THREADS", "").strip():
    # the suite's workers share the cores: one model-fitting thread each (and in the servers
    # and CLIs they start), or LightGBM's spinning OpenMP threads slow everything to a crawl
    os.environ["PAYBENCH_THREADS"] = "1"

FILE_SECONDS: dict[str, int] = {
    "test_guide.py": 265, "test_estimate.py": 185, "test_spark.py": 170, "test_sharing.py": 155,
    "test_cli.py": 135, "test_check.py": 125, "test_python_api_docs.py": 100,
    "test_columnar_oews.py": 90, "test_privacy.py": 75, "test_columnar_postings.py": 65,
    "test_posting_check.py": 60, "test_web.py": 55, "test_surfaces.py": 50, "test_trend.py": 50,
    "test_levelsfyi.py": 45, "test_views.py": 45, "test_guide_total_comp.py": 45,
    "test_guide_sections17.py": 40, "test_oews_workbook.py": 40, "test_api.py": 40,
    "test_paygap_surfaces.py": 35, "test_columnar_lca.py": 35, "test_segments.py": 30,
    "test_columnar_survey.py": 25, "test_lca.py": 25, "test_store.py": 25,
    "test_api_decide.py": 25, "test_postings.py": 20,
}
"""Seconds the slowest test files took, one worker on the shared 2-core machine (2026-12-03,
`pytest -n 1 --durations=0`; without the session stores, which the first file to ask builds).
The files run longest first: `--dist loadfile` hands whole files to the two workers in
collection order (`--no-loadscope-reorder`: pytest-xdist otherwise orders them by their number
of tests, which put test_check.py and test_python_api_docs.py, six and two tests, last), so no
long file is left to run alone at the end while the other worker idles. The other files,
shorter, follow in their usual order. A rough guide, not a contract: refresh it when a file's
time changes much."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Order the test files by `FILE_SECONDS`, longest first (stable otherwise)."""
    items.sort(key=lambda item: -FILE_SECONDS.get(item.path.name, 0))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The shared real-data folder; tests that need it fail loudly if it is absent."""
    path = SHARED / "data"
    assert path.is_dir(), f"shared data folder missing: {path}"
    return path


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The five seed articles."""
    path = SHARED / "seeds"
    assert path.is_dir(), f"seeds folder missing: {path}"
    return path


@pytest.fixture(scope="session")
def reference_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the embedded reference defaults only (OEWS May 2025 + published
    figures, not the survey snapshot), built once per test session, so a test's own rows are
    the only observations; tests copy it before changing anything."""
    from paybench.ingest import ingest_defaults
    from paybench.store import Store

    path = tmp_path_factory.mktemp("defaults") / "defaults.duckdb"
    with Store(path) as store:
        ingest_defaults(store, survey=False)
    return path


@contextlib.contextmanager
def built_once(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[tuple[Path, bool]]:
    """A folder for a session fixture that the test run's workers share: yields (folder,
    build), build True for the one process that must fill the folder (the first to get
    there); the others wait on a lock until it has finished. Under pytest-xdist the workers'
    temporary folders have one parent, the run's (the pytest-xdist documentation's recipe);
    without it the folder is the session's own. A build that raises leaves the folder
    unmarked, so the next worker builds it again."""
    base = tmp_path_factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder = root / f"built-once-{name}"
    folder.mkdir(exist_ok=True)
    done = folder / ".built"
    with (root / f"built-once-{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if done.exists():
            yield folder, False
            return
        yield folder, True
        done.touch()


@pytest.fixture(scope="session")
def survey_db(tmp_path_factory: pytest.TempPathFactory, reference_db: Path, shared_data: Path) -> Path:
    """The full embedded defaults (reference + the ai-jobs.net survey snapshot, 72k rows)
    with the shared survey file ingested on top (it adds nothing: the snapshot is that file)
    and the estimator trained, built once per test run (`built_once`: the xdist workers share
    it; its training took about 80 s in each). Tests only read it (read-only connections) or
    copy it (tests/test_api.py copy_store) before changing anything."""
    import shutil

    from paybench.estimate import train
    from paybench.ingest import ingest_defaults, ingest_file
    from paybench.store import Store

    with built_once(tmp_path_factory, "survey") as (folder, build):
        path = folder / "survey.duckdb"
        if build:
            shutil.copy(reference_db, path)
            with Store(path) as store:
                loaded = ingest_defaults(store)
                assert [r.already_ingested for r in loaded] == [True, True, False]
                again = ingest_file(store, shared_data / "aijobs" / "salaries.csv")
                assert again.already_ingested and again.ingest_id == loaded[2].ingest_id
                # the estimator is trained once here and saved beside the store; servers
                # started on copies (tests/test_api.py copy_store) reuse it instead of
                # training on first use
                train(store)
    return path


@pytest.fixture(scope="session")
def totals_db(tmp_path_factory: pytest.TempPathFactory, reference_db: Path) -> Path:
    """The embedded defaults (reference + the ai-jobs.net survey snapshot) with the Levels.fyi
    export fixture (tests/data/levelsfyi_sample.csv) ingested on top: a store that holds
    total-compensation records. Built once per session, no estimator; copy it to write."""
    import shutil

    from paybench.ingest import ingest_defaults, ingest_file
    from paybench.store import Store

    path = tmp_path_factory.mktemp("totals") / "totals.duckdb"
    shutil.copy(reference_db, path)
    with Store(path) as store:
        ingest_defaults(store)
        ingest_file(store, REPO / "tests" / "data" / "levelsfyi_sample.csv")
    return path


SMALL_ROUNDS = 60
"""Boosting rounds of the estimator `small_estimator` trains (one ensemble member)."""


@pytest.fixture()
def small_estimator(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Trainings in this test's process fit one ensemble member of SMALL_ROUNDS rounds per
    quantile instead of the product's ENSEMBLE_MEMBERS of NUM_ROUNDS (five of 300: about 80 s
    per training on the embedded survey with one thread). For tests whose point is that a
    training happens and what it records, not the model's accuracy: every step of
    `paybench.estimate.model.train_model` still runs (calibration split, conformal and
    anchored corrections). Returns the observation counts of the fits made, so a test can
    assert that its training went through here (the patch is not dead). Subprocesses (CLI,
    servers) train the product's ensemble."""
    from paybench.estimate import model as trainer

    fit, fits = trainer.fit_quantile_models, []

    def small_fit(obs: Any, pseudo: Any, priors: Any, num_rounds: int = trainer.NUM_ROUNDS,
                  seed: int = trainer.SEED, members: int = trainer.ENSEMBLE_MEMBERS) -> Any:
        fits.append(len(obs))
        return fit(obs, pseudo, priors, min(num_rounds, SMALL_ROUNDS), seed=seed, members=1)

    monkeypatch.setattr(trainer, "fit_quantile_models", small_fit)
    return fits


@pytest.fixture()
def fresh_db(tmp_path: Path, reference_db: Path) -> Path:
    """A private copy of the defaults store for a test that writes."""
    import shutil

    path = tmp_path / "store.duckdb"
    shutil.copy(reference_db, path)
    return path


SURVEY_HEADER = (
    "work_year,experience_level,employment_type,job_title,salary,salary_currency,"
    "salary_in_usd,employee_residence,remote_ratio,company_location,company_size"
)


LEVELSFYI_HEADER = (
    "timestamp,company,level,title,totalyearlycompensation,location,yearsofexperience,"
    "yearsatcompany,tag,basesalary,stockgrantvalue,bonus,gender,otherdetails,cityid,dmaid,"
    "rowNumber,Masters_Degree,Bachelors_Degree,Doctorate_Degree,Highschool,Some_College,"
    "Race_Asian,Race_White,Race_Two_Or_More,Race_Black,Race_Hispanic,Race,Education"
)


def write_levelsfyi(path: Path, rows: list[dict[str, str]]) -> Path:
    """Write a file in the exact Levels.fyi export layout (LEVELSFYI_HEADER): each row's given
    columns, the 0/1 indicator columns '0', gender, otherdetails, Race and Education 'NA'."""
    import csv

    fields = LEVELSFYI_HEADER.split(",")
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        for given in rows:
            row = dict.fromkeys(fields, "0")
            row.update(gender="NA", otherdetails="NA", Race="NA", Education="NA")
            row.update(given)
            writer.writerow(row)
    return path


def write_survey(path: Path, rows: list[str], header: str = SURVEY_HEADER) -> Path:
    """Write a small survey file in the exact ai-jobs.net layout (header + rows)."""
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path
