"""One engine behind every surface: the Python API (`paybench.Paybench`), the CLI and the HTTP
API give the same cell, the same estimate and the same error (with its field) for the same
input, including a display name or a free job title where a role id is expected.

The three run on copies of one real store (defaults + the real ai-jobs.net survey, the
estimator trained on it): the Python API in this process, the CLI as a subprocess, the HTTP
API as a `paybench serve` subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from paybench import InputError, Paybench
from test_api import Server, copy_store, served

MLE = "machine-learning-engineer"
ROLE_INPUTS = (MLE, "Machine Learning Engineer", "Senior Machine Learning Engineer", "Sr. ML Engineer")
"""A role id, its display name and two free titles (whose seniority word gives the level)."""


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory, survey_db: Path) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("surfaces")
    return {name: copy_store(survey_db, folder / f"{name}.duckdb") for name in ("python", "cli")}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, survey_db: Path) -> Iterator[Server]:
    with served(survey_db, tmp_path_factory.mktemp("surfaces-api"), "api") as srv:
        yield srv


@pytest.fixture()
def client(server: Server) -> Iterator[httpx.Client]:
    with server.client() as c:
        yield c


def cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "paybench", *args], capture_output=True, text=True,
                          env={**os.environ, "PAYBENCH_DB": str(db)}, timeout=600)


def cli_json(db: Path, *args: str) -> Any:
    proc = cli(db, *args, "--json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def python_error(call: Any) -> InputError:
    with pytest.raises(InputError) as caught:
        call()
    return caught.value


@pytest.mark.parametrize("role", ROLE_INPUTS)
def test_the_same_cell_on_every_surface(role: str, stores: dict[str, Path], client: httpx.Client) -> None:
    level = None if role in ROLE_INPUTS[2:] else "senior"  # the titles say 'senior' themselves
    with Paybench(stores["python"]) as pb:
        py = pb.cell(role, level, "Seattle, WA").model_dump(mode="json")
    args = ["bench", "--role", role, "--place", "Seattle, WA"] + (["--level", level] if level else [])
    on_cli = cli_json(stores["cli"], *args)
    params = {"role": role, "place": "Seattle, WA", **({"level": level} if level else {})}
    resp = client.get("/api/v1/cells", params=params)
    assert resp.status_code == 200, resp.text
    view = resp.json()
    assert len(view["cells"]) == 1  # a title's level is the one asked for
    assert py == on_cli == view["cells"][0]
    assert py["role"] == MLE and py["level"] == "senior" and py["place"]["metro"] == "42660"


def test_every_role_input_names_the_same_cell(stores: dict[str, Path]) -> None:
    with Paybench(stores["python"]) as pb:
        cells = {r: pb.cell(r, "senior", "Seattle, WA") for r in ROLE_INPUTS}
    assert len({c.model_dump_json() for c in cells.values()}) == 1


def test_bands_take_a_title_on_every_surface(stores: dict[str, Path], client: httpx.Client) -> None:
    """The issue's case: `bands` refused a title on the CLI that the HTTP API took."""
    title = "Senior Machine Learning Engineer"
    with Paybench(stores["python"]) as pb:
        py = pb.bands(title, "Austin, TX").model_dump(mode="json")
    on_cli = cli_json(stores["cli"], "bands", "--role", title, "--place", "Austin, TX")
    on_http = client.get("/api/v1/bands", params={"role": title, "place": "Austin, TX"}).json()
    assert py == on_cli == on_http and py["role"] == MLE


def test_the_same_estimate_on_every_surface(stores: dict[str, Path], client: httpx.Client) -> None:
    ask = {"title": "Senior ML Engineer", "place": "Boston, MA", "years_experience": 6,
           "skills": ["PyTorch"]}
    with Paybench(stores["python"]) as pb:
        py = pb.estimate(**ask).model_dump(mode="json")  # type: ignore[arg-type]
    on_cli = cli_json(stores["cli"], "estimate", "--title", ask["title"], "--place", ask["place"],  # type: ignore[arg-type]
                      "--years", "6", "--skills", "PyTorch")
    resp = client.post("/api/v1/estimate", json=ask)
    assert resp.status_code == 200, resp.text
    on_http = resp.json()
    for est in (on_cli, on_http):
        assert {k: est[k] for k in ("role", "level", "p10", "p50", "p90", "base_usd", "place")} == \
            {k: py[k] for k in ("role", "level", "p10", "p50", "p90", "base_usd", "place")}
        assert est["contributions"] == py["contributions"]
    assert py["role"] == MLE and py["level"] == "senior" and py["p10"] < py["p50"] < py["p90"]


ERRORS = [
    # (Python call, CLI args, HTTP request, field, words in the message)
    (lambda pb: pb.cell("astronaut", "mid", "US"), ["bench", "--role", "astronaut", "--level", "mid"],
     ("GET", "/api/v1/cells", {"role": "astronaut", "level": "mid"}), "role", "unknown role 'astronaut'"),
    (lambda pb: pb.cell(MLE, "godlike", "US"), ["bench", "--role", MLE, "--level", "godlike"],
     ("GET", "/api/v1/cells", {"role": MLE, "level": "godlike"}), "level", "unknown level 'godlike'"),
    (lambda pb: pb.cell("Data Scientist", "mid", "Atlantis"),
     ["bench", "--role", "Data Scientist", "--level", "mid", "--place", "Atlantis"],
     ("GET", "/api/v1/cells", {"role": "Data Scientist", "level": "mid", "place": "Atlantis"}),
     "place", "cannot place 'Atlantis'"),
    (lambda pb: pb.estimate("Data Scientist", place="Narnia"),
     ["estimate", "--title", "Data Scientist", "--place", "Narnia"],
     ("POST", "/api/v1/estimate", {"title": "Data Scientist", "place": "Narnia"}), "place",
     "cannot place 'Narnia'"),
    (lambda pb: pb.estimate("Data Scientist", company_size="XXL"),
     ["estimate", "--title", "Data Scientist", "--company-size", "XXL"],
     ("POST", "/api/v1/estimate", {"title": "Data Scientist", "company_size": "XXL"}), "company_size",
     "is not S, M or L"),
    (lambda pb: pb.bands("Chief Llama Whisperer", "US"), ["bands", "--role", "Chief Llama Whisperer"],
     ("GET", "/api/v1/bands", {"role": "Chief Llama Whisperer"}), "role", "no tech role matches"),
    (lambda pb: pb.posting_range(MLE, "senior", "Denver, CO", band_min=150_000),
     ["posting-range", "--role", MLE, "--level", "senior", "--place", "Denver, CO", "--band-min", "150000"],
     ("GET", "/api/v1/posting-range", {"role": MLE, "level": "senior", "place": "Denver, CO",
                                       "band_min": 150000}), "band_max", "give both band_min and band_max"),
    (lambda pb: pb.laws("Atlantis"), ["laws", "--place", "Atlantis"],
     ("GET", "/api/v1/laws", {"place": "Atlantis"}), "place", "cannot place 'Atlantis'"),
    (lambda pb: pb.posting_check("Data Scientist\nSalary: $100,000 - $120,000 a year.", remote="Atlantis"),
     ["posting-check", "Data Scientist\nSalary: $100,000 - $120,000 a year.", "--remote", "Atlantis"],
     ("POST", "/api/v1/posting-check", {"text": "Data Scientist\nSalary: $100,000 - $120,000 a year.",
                                        "remote": "Atlantis"}), "remote", "remote scope: cannot place"),
]
CLI_OPTION = {"role": "--role", "level": "--level", "place": "--place", "company_size": "--company-size",
              "band_max": "--band-max", "remote": "--remote"}


@pytest.mark.parametrize(("call", "args", "http", "field", "words"), ERRORS,
                         ids=[f"{e[3]}-{e[1][0]}" for e in ERRORS])
def test_the_same_error_on_every_surface(call: Any, args: list[str], http: tuple[str, str, dict[str, Any]],
                                         field: str, words: str, stores: dict[str, Path],
                                         client: httpx.Client) -> None:
    with Paybench(stores["python"]) as pb:
        error = python_error(lambda: call(pb))
    assert error.field == field and words in error.message
    proc = cli(stores["cli"], *args)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.strip() == f"error: {CLI_OPTION[field]}: {error.message}"
    method, path, data = http
    resp = client.get(path, params=data) if method == "GET" else client.post(path, json=data)
    assert resp.status_code == 422, resp.text
    body = resp.json()["error"]
    assert body["field"] == field and body["message"] == f"{field}: {error.message}"
