"""The HTTP API, end to end: `paybench serve` runs in a subprocess on a free localhost port
over a copy of a real store, and every request goes over HTTP."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import write_survey

TOKEN = "test-admin-token-0123456789"
ROLE = "machine-learning-engineer"


@dataclass
class Server:
    """A running `paybench serve` process."""

    url: str
    db: Path
    proc: subprocess.Popen[bytes]
    log: Path

    def client(self, **kwargs: object) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=60, **kwargs)  # type: ignore[arg-type]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def copy_store(src: Path, dst: Path) -> Path:
    """Copy a store, with the estimator model saved beside it if there is one (the model
    records the ingests it was trained on, so the copy reuses it instead of retraining)."""
    shutil.copy(src, dst)
    for suffix in (".estimator.pkl", ".estimator.json"):
        model = src.with_name(src.name + suffix)
        if model.exists():
            shutil.copy(model, dst.with_name(dst.name + suffix))
    return dst


def start_server(db: Path, log: Path, *args: str, **env: str) -> Server:
    """Start `paybench serve` on `db` (more options in `args`) and wait until its model is
    loaded."""
    port = free_port()
    environ = {**os.environ, "PAYBENCH_ADMIN_TOKEN": TOKEN, **env}
    handle = log.open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "paybench", "serve", "--db", str(db), "--port", str(port),
         "--log-level", "warning", *args],
        stdout=handle, stderr=subprocess.STDOUT, env=environ)
    server = Server(url=f"http://127.0.0.1:{port}", db=db, proc=proc, log=log)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited: {log.read_text()[-2000:]}")
        try:
            health = httpx.get(f"{server.url}/api/v1/health", timeout=2).json()
            if health["model_loaded"]:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    stop_server(server)
    raise AssertionError("server did not start in 120 s")


def stop_server(server: Server) -> None:
    server.proc.terminate()
    try:
        server.proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.proc.kill()


@contextlib.contextmanager
def served(store: Path, folder: Path, name: str, *args: str, **env: str) -> Iterator[Server]:
    """`paybench serve` over a copy of `store` (model included) at folder/name.duckdb, with
    more options in `args`, its log at folder/server.log; stopped on exit, and its log then
    holds no traceback (a server's traceback is a bug whatever the request was)."""
    srv = start_server(copy_store(store, folder / f"{name}.duckdb"), folder / "server.log",
                       *args, **env)
    try:
        yield srv
    finally:
        stop_server(srv)
    log = srv.log.read_text()
    assert "Traceback" not in log, log[-3000:]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, survey_db: Path) -> Iterator[Server]:
    """The server over a copy of the survey store (defaults + the real ai-jobs.net survey)."""
    with served(survey_db, tmp_path_factory.mktemp("api"), "api", PAYBENCH_SUBMISSION_BURST="1000") as srv:
        yield srv


@pytest.fixture()
def client(server: Server) -> Iterator[httpx.Client]:
    with server.client() as c:
        yield c


def assert_error(response: httpx.Response, status: int, field: str | None = None) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert error["status"] == status and error["message"]
    if field is not None:
        assert error["field"] == field, error
    return str(error["message"])


# --------------------------------------------------------------------------- reads
def test_health_roles_levels_metros(client: httpx.Client) -> None:
    health = client.get("/api/v1/health").json()
    assert health["status"] == "ok" and health["model_loaded"] is True
    roles = client.get("/api/v1/roles").json()
    assert roles["count"] >= 100 and len(roles["roles"]) == roles["count"]
    ml = client.get("/api/v1/roles", params={"ml": True}).json()["roles"]
    assert ROLE in {r["id"] for r in ml} and all(r["ml"] for r in ml)
    one = client.get(f"/api/v1/roles/{ROLE}").json()
    assert one["name"] == "Machine Learning Engineer" and one["soc_codes"]
    assert one["levels"] == ["entry", "mid", "senior", "staff", "principal"]
    assert_error(client.get("/api/v1/roles/no-such-role"), 404, "role_id")
    assert_error(client.get("/api/v1/roles", params={"area": "Nowhere"}), 422, "area")
    levels = [lv["id"] for lv in client.get("/api/v1/levels").json()["levels"]]
    assert levels[:3] == ["entry", "mid", "senior"] and "executive" in levels
    metros = client.get("/api/v1/metros", params={"limit": 5}).json()
    assert len(metros["metros"]) == 5 and metros["count"] > 300
    employment = [m["tech_employment"] for m in metros["metros"]]
    assert employment == sorted(employment, reverse=True)
    seattle = client.get("/api/v1/metros", params={"q": "seattle"}).json()["metros"]
    assert [m["cbsa"] for m in seattle] == ["42660"]


def test_status_lists_sources(client: httpx.Client) -> None:
    status = client.get("/api/v1/status").json()
    sources = {s["source"]: s for s in status["sources"]}
    assert sources["aijobs"]["rows_kept"] == 72426 and "oews" in sources
    assert set(status["submissions"]) == {"stored", "pending_review", "rejected"}


def test_title_and_place_normalization(client: httpx.Client) -> None:
    match = client.get("/api/v1/titles/normalize", params={"title": "Sr. ML Engineer II"}).json()
    assert match["role"] == ROLE and match["level"] == "senior" and match["role_name"]
    miss = client.get("/api/v1/titles/normalize", params={"title": "Registered Nurse"}).json()
    assert miss["role"] is None and miss["reason"]
    sugg = client.get("/api/v1/titles/suggest", params={"q": "senior mach"}).json()["suggestions"]
    assert sugg[0]["role"] == ROLE and sugg[0]["level"] == "senior"
    assert sugg[0]["label"] == "Senior Machine Learning Engineer"
    assert client.get("/api/v1/titles/suggest", params={"q": " "}).json()["suggestions"] == []
    place = client.get("/api/v1/places/normalize", params={"place": "Mountain View, CA"}).json()
    assert place["metro"] == "41940" and place["cell"]["scope"] == "metro"
    remote = client.get("/api/v1/places/normalize", params={"place": "Remote"}).json()
    assert remote["remote"] is True and remote["cell"]["scope"] == "remote"
    assert_error(client.get("/api/v1/places/normalize", params={"place": "Narnia"}), 422, "place")
    assert_error(client.get("/api/v1/titles/normalize"), 422, "title")


def test_cells_have_cli_fields_and_provenance(client: httpx.Client, survey_db: Path) -> None:
    data = client.get("/api/v1/cells", params={"role": ROLE, "place": "Seattle, WA"}).json()
    assert data["place"]["metro"] == "42660"
    assert [c["level"] for c in data["cells"]] == ["entry", "mid", "senior", "staff", "principal"]
    assert [c["level"] for c in data["national"]] == [c["level"] for c in data["cells"]]
    for cell in data["cells"] + data["national"]:
        assert cell["p10"] <= cell["p25"] <= cell["p50"] <= cell["p75"] <= cell["p90"]
        assert cell["method"] in ("direct", "shrunk", "modelled") and cell["sources"]
        assert cell["basis"] and cell["confidence"] in ("high", "medium", "low")
    senior_nat = data["national"][2]
    assert senior_nat["n"] > 100 and senior_nat["method"] == "direct"
    assert {"aijobs", "oews"} <= {s["source"] for s in senior_nat["sources"]}
    # the published figures of the seeds come with their citations
    assert any(p["citation"] and p["level"] == "senior" for p in data["published"])
    # the same cell as the Python API (and the CLI) computes
    from paybench.bench import benchmark
    from paybench.store import Store

    with Store(survey_db, read_only=True) as store:
        cell = benchmark(store, ROLE, "senior", "Seattle, WA")
    api_cell = data["cells"][2]
    assert (api_cell["p10"], api_cell["p50"], api_cell["p90"], api_cell["n"]) == (
        cell.p10, cell.p50, cell.p90, cell.n)
    one = client.get("/api/v1/cells", params={"role": ROLE, "level": "Senior", "place": "US"}).json()
    assert len(one["cells"]) == 1 and one["national"] == [] and one["cells"][0]["p50"] == senior_nat["p50"]
    assert_error(client.get("/api/v1/cells", params={"role": "zzzz qqqq"}), 422, "role")
    assert_error(client.get("/api/v1/cells", params={"role": ROLE, "level": "wizard"}), 422, "level")
    assert_error(client.get("/api/v1/cells", params={"role": ROLE, "place": "Narnia"}), 422, "place")


def test_compare_and_charts(client: httpx.Client) -> None:
    places = ["Seattle, WA", "Austin, TX", "Boston, MA", "Denver, CO"]
    data = client.get("/api/v1/compare", params={"role": ROLE, "place": places, "level": "senior"}).json()
    assert [c["place"]["metro"] for c in data["cells"]] == ["42660", "12420", "14460", "19740"]
    roles = client.get("/api/v1/compare", params={
        "role": [ROLE, "data-scientist"], "place": "US", "level": "mid"}).json()
    assert [c["role"] for c in roles["cells"]] == [ROLE, "data-scientist"]
    assert_error(client.get("/api/v1/compare", params={"role": ROLE, "place": [*places, "Miami"]}),
                 422, "place")
    assert_error(client.get("/api/v1/compare", params={"role": [ROLE, "data-scientist"],
                                                       "place": places[:2]}), 422, "place")
    svg = client.get("/api/v1/charts/ranges.svg", params={"role": ROLE, "place": "Seattle, WA"})
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    # one P10-P90 rule per level and place: 5 levels x (Seattle, national)
    assert svg.text.count("<line") > 10 and "Seattle" in svg.text and "national" in svg.text
    cmp_svg = client.get("/api/v1/charts/compare.svg", params={"role": ROLE, "place": places[:2]})
    assert cmp_svg.status_code == 200 and "Austin" in cmp_svg.text


def test_trend_is_the_python_apis(client: httpx.Client, survey_db: Path) -> None:
    """GET /api/v1/trend answers what `Paybench.trend` (and `paybench trend --json`) does, and
    refuses bad input naming the field."""
    from paybench import Paybench

    data = client.get("/api/v1/trend", params={"role": ROLE, "level": "mid"}).json()
    with Paybench(survey_db, read_only=True) as pb:
        assert data == pb.trend(ROLE, "mid").model_dump(mode="json")
    obs = next(s for s in data["series"] if s["id"] == "observations")
    assert any(y["status"] == "indexed" for y in obs["years"])
    assert_error(client.get("/api/v1/trend", params={"role": ROLE, "source": "nope"}), 422, "source")
    assert_error(client.get("/api/v1/trend", params={"role": ROLE, "level": "wizard"}), 422, "level")
    assert_error(client.get("/api/v1/trend", params={"role": ROLE, "place": "Atlantis"}), 422, "place")


def test_guide_tables(client: httpx.Client) -> None:
    data = client.get("/api/v1/guide", params={"role": ROLE, "place": "US"}).json()
    levels = [r["level"] for r in data["rows"]]
    assert {"mid", "senior"} <= set(levels) and len(levels) == len(set(levels)) == data["total"]
    assert {r["role"] for r in data["rows"]} == {ROLE} and len(data["metros"]) == 25
    seattle = client.get("/api/v1/guide", params={"role": ROLE, "place": "Seattle, WA"}).json()
    assert {r["place"] for r in seattle["rows"]} == {"42660"}
    page = client.get("/api/v1/guide", params={"limit": 10, "offset": 5}).json()
    assert page["count"] == 10 and page["total"] > 1000


# --------------------------------------------------------------------------- estimate
def test_estimate_one_and_batch(client: httpx.Client) -> None:
    body = {"title": "Senior Machine Learning Engineer", "place": "Boston, MA", "skills": ["PyTorch"]}
    resp = client.post("/api/v1/estimate", json=body, timeout=900)
    assert resp.status_code == 200, resp.text
    est = resp.json()
    assert est["role"] == ROLE and est["level"] == "senior" and "Boston" in est["place"]
    assert 30_000 < est["p10"] <= est["p50"] <= est["p90"] < 2_000_000
    factors = {c["factor"] for c in est["contributions"]}
    assert {"level", "place"} <= factors
    # the same as the Python API on the same store and model
    batch = client.post("/api/v1/estimate/batch", json={"items": [
        body, {"title": "Data Scientist", "place": "Narnia"}, {"title": "Data Scientist"}]}).json()
    assert batch["count"] == 3 and batch["estimates"][0]["p50"] == est["p50"]
    assert batch["estimates"][1] is None and "Narnia" in batch["errors"][1]["message"]
    assert batch["errors"][1]["field"] == "place"
    assert batch["estimates"][2]["role"] == "data-scientist" and batch["errors"][2] is None
    assert_error(client.post("/api/v1/estimate", json={"title": "Data Scientist", "place": "Narnia"}),
                 422, "place")
    assert_error(client.post("/api/v1/estimate", json={"place": "Boston"}), 422, "title")
    assert_error(client.post("/api/v1/estimate/batch", json={"items": []}), 422, "items")


# --------------------------------------------------------------------------- errors
def test_every_error_is_json(client: httpx.Client, server: Server) -> None:
    assert_error(client.get("/api/v1/nope"), 404)
    assert_error(client.get("/nope.html"), 404)
    assert_error(client.delete("/api/v1/health"), 405)
    assert_error(client.post("/api/v1/submissions", content=b"{not json",
                             headers={"content-type": "application/json"}), 422, "body")
    big = b'{"title": "' + b"x" * 70_000 + b'"}'
    message = assert_error(client.post("/api/v1/submissions", content=big,
                                       headers={"content-type": "application/json"}), 413)
    assert "65,536" in message

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams
        for _ in range(20):
            yield b" " * 8192

    assert_error(client.post("/api/v1/submissions", content=chunks(),
                             headers={"content-type": "application/json"}), 413)
    assert server.proc.poll() is None
    assert "Traceback" not in server.log.read_text()


# --------------------------------------------------------------------------- submissions
GOOD = {"title": "Machine Learning Engineer", "level": "senior", "place": "Boise, ID",
        "base": 180000, "bonus": 20000, "equity_per_year": 30000, "currency": "USD",
        "period": "year"}


@pytest.mark.parametrize(("change", "field"), [
    ({"base": -5}, "base"),
    ({"base": "lots"}, "base"),
    ({"title": ""}, "title"),
    ({"title": "Registered Nurse"}, "title"),
    ({"level": "wizard"}, "level"),
    ({"place": "Narnia"}, "place"),
    ({"currency": "XYZ"}, "currency"),
    ({"period": "fortnightish"}, "period"),
    ({"years_experience": 99}, "years_experience"),
    ({"email": "me@example.com"}, "email"),
    ({"base": 50, "period": "year"}, "base"),
])
def test_submission_validation_names_the_field(client: httpx.Client, change: dict[str, object],
                                               field: str) -> None:
    assert_error(client.post("/api/v1/submissions", json={**GOOD, **change}), 422, field)


def test_submission_without_level_uses_years_or_title(client: httpx.Client) -> None:
    body = {k: v for k, v in GOOD.items() if k != "level"}
    assert_error(client.post("/api/v1/submissions", json=body), 422, "level")


def test_outlier_is_held_for_review_then_approved(client: httpx.Client) -> None:
    before = client.get("/api/v1/submissions").json()
    cell_before = client.get("/api/v1/cells", params={"role": ROLE, "level": "senior",
                                                      "place": "Boise, ID"}).json()["cells"][0]
    odd = {**GOOD, "base": 4_000_000, "title": "Senior Machine Learning Engineer", "level": None}
    resp = client.post("/api/v1/submissions", json=odd)
    assert resp.status_code == 201, resp.text
    out = resp.json()
    assert out["status"] == "held_for_review" and "P90" in out["reason"] and out["level"] == "senior"
    after = client.get("/api/v1/submissions").json()
    assert after["pending_review"] == before["pending_review"] + 1
    assert after["stored"] == before["stored"]
    cell_after = client.get("/api/v1/cells", params={"role": ROLE, "level": "senior",
                                                     "place": "Boise, ID"}).json()["cells"][0]
    assert cell_after == cell_before
    # admin: list and approve (401 without the token)
    assert_error(client.get("/api/v1/admin/submissions/review"), 401)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    pending = client.get("/api/v1/admin/submissions/review", headers=auth).json()["pending"]
    mine = [p for p in pending if p["base_annual_usd"] == 4_000_000]
    assert len(mine) == 1
    assert set(mine[0]) == {"review_id", "received_at", "reason", "role", "level", "metro", "state",
                            "country", "base_annual_usd"}
    decided = client.post(f"/api/v1/admin/submissions/review/{mine[0]['review_id']}",
                          json={"decision": "approve"}, headers=auth).json()
    assert decided["status"] == "approved"
    final = client.get("/api/v1/submissions").json()
    assert final["stored"] == before["stored"] + 1 and final["pending_review"] == before["pending_review"]
    assert_error(client.post(f"/api/v1/admin/submissions/review/{mine[0]['review_id']}",
                             json={"decision": "approve"}, headers=auth), 404, "review_id")


def test_repeated_submission_is_answered_alike(client: httpx.Client) -> None:
    """A repeat is answered like a new submission (another random id), so the answer never
    says the figure was sent before; it counts once (tests/test_privacy.py)."""
    body = {**GOOD, "place": "Tucson, AZ", "base": 171717}
    first = client.post("/api/v1/submissions", json=body)
    assert first.status_code == 201 and first.json()["status"] == "accepted"
    again = client.post("/api/v1/submissions", json=body)
    assert again.status_code == 201 and again.json()["status"] == "accepted"
    assert {k: v for k, v in again.json().items() if k != "id"} == \
        {k: v for k, v in first.json().items() if k != "id"}
    assert again.json()["id"] != first.json()["id"]


# --------------------------------------------------------------------------- admin
def test_admin_needs_token_and_ingests_a_server_file(client: httpx.Client, tmp_path: Path) -> None:
    path = write_survey(tmp_path / "mini_survey.csv", [
        "2025,SE,FT,Machine Learning Engineer,210000,USD,210000,US,0,US,L",
        "2025,MI,FT,Data Scientist,150000,USD,150000,US,100,US,M",
        "2025,EN,FT,Data Analyst,90000,USD,90000,US,0,US,S",
    ])
    body = {"path": str(path)}
    assert_error(client.post("/api/v1/admin/ingest", json=body), 401)
    assert_error(client.post("/api/v1/admin/ingest", json=body,
                             headers={"Authorization": "Bearer wrong"}), 401)
    assert_error(client.post("/api/v1/admin/train"), 401)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    done = client.post("/api/v1/admin/ingest", json=body, headers=auth)
    assert done.status_code == 200, done.text
    result = done.json()
    assert result["source"] == "aijobs" and result["rows_kept"] == 3 and not result["already_ingested"]
    again = client.post("/api/v1/admin/ingest", json=body, headers=auth).json()
    assert again["already_ingested"] is True and again["ingest_id"] == result["ingest_id"]
    status = {s["source"]: s for s in client.get("/api/v1/status").json()["sources"]}
    assert status["aijobs"]["files"] == 2 and status["aijobs"]["rows_kept"] == 72426 + 3
    assert_error(client.post("/api/v1/admin/ingest", json={"path": str(tmp_path / "nope.csv")},
                             headers=auth), 422, "path")
    assert_error(client.post("/api/v1/admin/ingest", json={"path": "relative.csv"}, headers=auth),
                 422, "path")
    # job postings in a layout paybench cannot tell: their columns named (as `ingest --map`)
    board = tmp_path / "board.csv"
    board.write_text("Position,Employer,City,Pay,Details\n"
                     "Data Scientist,Acme,\"Denver, CO\",\"$150,000 - $170,000 a year\",Python.\n",
                     encoding="utf-8")
    columns = {"title": "Position", "company": "Employer", "location": "City", "pay": "Pay",
               "description": "Details"}
    assert_error(client.post("/api/v1/admin/ingest", json={"path": str(board), "columns": {
        **columns, "location": "Town"}}, headers=auth), 422, "columns")
    mapped = client.post("/api/v1/admin/ingest", json={"path": str(board), "columns": columns}, headers=auth)
    assert mapped.status_code == 200, mapped.text
    assert mapped.json()["source"] == "postings" and mapped.json()["rows_kept"] == 1
    # read endpoints stay open without a token
    assert client.get("/api/v1/cells", params={"role": ROLE}).status_code == 200


# --------------------------------------------------------------------------- k-anonymity
def settled_cell(client: httpx.Client, path: str, params: dict[str, Any] | None = None,
            timeout: float = 20.0) -> Any:
    """GET `path` once the server has rebuilt what a write changed: the first GET answers
    from the previous store and starts the rebuild in the background (`Health.refreshing`)."""
    client.get(path, params=params)
    deadline = time.monotonic() + timeout
    while client.get("/api/v1/health").json()["refreshing"] and time.monotonic() < deadline:
        time.sleep(0.05)
    return client.get(path, params=params).json()["cells"][0]


def test_k_anonymity_and_rate_limit(tmp_path: Path, reference_db: Path) -> None:
    """On a store with no survey data: submissions from 4 clients leave their cell as it was,
    the 5th client's makes it a cell built from submissions; a client is then rate limited.
    The server trusts this test as its proxy, so X-Forwarded-For names each client."""
    db = tmp_path / "kanon.duckdb"
    shutil.copy(reference_db, db)
    srv = start_server(db, tmp_path / "kanon.log", "--forwarded-allow-ips", "127.0.0.1",
                       PAYBENCH_SUBMISSION_BURST="6", PAYBENCH_SUBMISSIONS_PER_MINUTE="0.01")
    try:
        with srv.client() as c:
            params = {"role": "data-scientist", "level": "mid", "place": "Raleigh, NC"}
            empty = c.get("/api/v1/cells", params=params).json()["cells"][0]
            assert empty["n"] == 0 and empty["method"] == "modelled"
            pays = [118000, 124000, 131000, 127000, 121000]
            for i, pay in enumerate(pays):
                body = {"title": "Data Scientist", "level": "mid", "place": "Raleigh, NC",
                        "base": pay, "employer": f"Employer {i}"}
                resp = c.post("/api/v1/submissions", json=body,
                              headers={"X-Forwarded-For": f"198.51.100.{i + 1}"})
                assert resp.status_code == 201 and resp.json()["status"] == "accepted", resp.text
                cell = settled_cell(c, "/api/v1/cells", params)
                if i < 4:
                    assert cell == empty, f"{i + 1} submissions changed the cell"
                    assert all(s["source"] != "submission" for s in cell["sources"])
            assert cell["n"] == 5 and cell["method"] == "shrunk" and cell != empty
            assert {"source": "submission", "kind": "submitted", "n": 5,
                    "detail": "in this cell"} in cell["sources"]
            assert c.get("/api/v1/submissions").json()["stored"] == 5
            # burst of 6: a client has 6, then 429 with Retry-After
            one = {"X-Forwarded-For": "198.51.100.1"}
            for pay in range(190000, 195000, 1000):
                ok = c.post("/api/v1/submissions", json={**GOOD, "base": pay}, headers=one)
                assert ok.status_code == 201
            limited = c.post("/api/v1/submissions", json={**GOOD, "base": 196000}, headers=one)
            assert_error(limited, 429)
            assert int(limited.headers["retry-after"]) >= 1
            # other endpoints are not limited
            assert c.get("/api/v1/health").status_code == 200
    finally:
        stop_server(srv)
