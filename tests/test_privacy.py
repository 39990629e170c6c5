"""Issue 14, privacy and server hardening: every attack is replayed through the real HTTP
server (`paybench serve` in a subprocess, tests/test_api.py), then judged offline.

Client addresses: a server started with `--forwarded-allow-ips 127.0.0.1` trusts this test
as its reverse proxy, so `X-Forwarded-For` names the client (one attacker with several
addresses, or several people); the default server trusts no proxy."""

from __future__ import annotations

import hashlib
import json
import re
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from test_api import Server, assert_error, served, settled_cell

PROXY = ("--forwarded-allow-ips", "127.0.0.1")
ATTACK = {"title": "Staff Data Engineer", "place": "Omaha, NE"}
CELL = {"role": "data-engineer", "place": "Omaha, NE", "level": "staff"}
ATTACKER_PAYS = (150000, 170000, 190000, 210000)
VICTIM_PAY = 237000
VICTIM_ADDRESS = "203.0.113.77"
QUANTILES = ("p10", "p25", "p50", "p75", "p90")
AMBIGUITY_USD = 10_000
"""Issue 14: no published figure may bound one submission within +/- this many dollars."""


def submit(c: httpx.Client, pay: float, address: str, **fields: Any) -> httpx.Response:
    body = {**ATTACK, "base": pay, **fields}
    return c.post("/api/v1/submissions", json=body, headers={"X-Forwarded-For": address})


def cell(c: httpx.Client, params: dict[str, str] = CELL) -> dict[str, Any]:
    """The cell once the server has rebuilt it after the latest submission."""
    found: dict[str, Any] = settled_cell(c, "/api/v1/cells", params)
    return found


def submission_evidence(found: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in found["sources"] if s["source"] == "submission"]


# --------------------------------------------------------------------------- item 1
def test_one_attacker_address_cannot_reach_the_threshold(tmp_path: Path, survey_db: Path) -> None:
    """The issue's attack: four submissions from one client and one real person's. Two
    contributors, not five: the cell publishes nothing from them (as before the attack)."""
    with served(survey_db, tmp_path, "one", *PROXY, PAYBENCH_SUBMISSION_BURST="100") as srv, \
            srv.client() as c:
        before = cell(c)
        for pay in ATTACKER_PAYS:
            assert submit(c, pay, "198.51.100.66").status_code == 201
        assert submit(c, VICTIM_PAY, VICTIM_ADDRESS).status_code == 201
        after = cell(c)
        national = cell(c, {**CELL, "place": "United States"})
        assert c.get("/api/v1/submissions").json()["stored"] == 5
    assert after == before, "two contributors changed the cell"
    assert not submission_evidence(after) and not submission_evidence(national)
    assert after["n"] == 0 and after["method"] == "modelled"


def rebuilt_cell(store_path: Path, victim_pay: float) -> dict[str, int]:
    """The attacker's offline model of the server: the same store with the victim's salary
    replaced by `victim_pay`, stored by the server's own code from the victim's address, and
    the cell rebuilt by the server's own method."""
    from paybench.bench import BenchmarkModel, cell_place
    from paybench.store import Store
    from paybench.submissions import Submission, prepare_submission, store_submission

    with Store(store_path) as store:
        store.con.execute("DELETE FROM observations WHERE source = 'submission' AND raw_title = 'victim'")
        prepared = prepare_submission(Submission(**{**ATTACK, "base": victim_pay, "title": ATTACK["title"]}))
        prepared.observations = [o.model_copy(update={"raw_title": "victim"}) for o in prepared.observations]
        store_submission(store, prepared, None, client=VICTIM_ADDRESS)
        got = BenchmarkModel.build(store).cell("data-engineer", "staff", cell_place("Omaha, NE"))
    return {q: getattr(got, q) for q in QUANTILES}


def test_rotating_addresses_cannot_pin_the_fifth_salary(tmp_path: Path, survey_db: Path) -> None:
    """The contributor-rotation variant: the attacker sends its four salaries from four
    addresses, so five distinct contributors stand in the cell and it is published. The
    attacker then searches every victim salary the published P10-P90 allow, rebuilding the
    cell with the server's own code: the feasible salaries span more than +/-$10,000."""
    with served(survey_db, tmp_path, "rotate", *PROXY, PAYBENCH_SUBMISSION_BURST="100") as srv:
        with srv.client() as c:
            before = cell(c)
            for i, pay in enumerate(ATTACKER_PAYS):
                assert submit(c, pay, f"198.51.100.{i + 10}").status_code == 201
            assert submit(c, VICTIM_PAY, VICTIM_ADDRESS).status_code == 201
            published = cell(c)
        db = srv.db
    assert published != before and published["n"] == 5
    assert submission_evidence(published)[0]["n"] == 5
    seen = {q: published[q] for q in QUANTILES}
    # mark the victim's rows as the attacker's model does (the attacker knows its own four)
    from paybench.store import Store

    with Store(db) as store:
        store.con.execute(
            "UPDATE observations SET raw_title = 'victim' WHERE source = 'submission' "
            "AND amount_raw = ?", [VICTIM_PAY])
    assert rebuilt_cell(db, VICTIM_PAY) == seen, "the offline model must reproduce the server"
    candidates = [212_500 + 2_500 * i for i in range(21)]  # $212,500 - $262,500
    feasible = [v for v in candidates if rebuilt_cell(db, v) == seen]
    assert VICTIM_PAY in [v for v in feasible] or min(feasible) <= VICTIM_PAY <= max(feasible)
    low, high = min(feasible), max(feasible)
    assert high - low > 2 * AMBIGUITY_USD, f"feasible {low:,}-{high:,}: the salary is pinned"
    assert low > candidates[0] and high < candidates[-1]  # a bounded bin, found whole
    # the method's guarantee, exactly: every salary of the victim's $25,000 bin is feasible
    assert (low, high) == (225_000, 247_500)


def test_reconstruction_before_coarsening_would_pin_it() -> None:
    """Why the test above needs coarsening: a cell's quantiles interpolate its values
    linearly, so with four values known the fifth is one linear solve from P90 (how the
    issue pinned 237,000 to +/-$50). The bin midpoint it recovers now is 237,500 for every
    salary from 225,000 to 249,999."""
    import numpy as np

    from paybench.bench.disclosure import coarsen_usd

    def p90(values: list[float]) -> float:
        return float(np.quantile(values, 0.9))

    known = list(ATTACKER_PAYS)
    raw = p90([*known, VICTIM_PAY])
    solved = (raw - 0.4 * known[-1]) / 0.6
    assert abs(solved - VICTIM_PAY) < 1
    coarse = [coarsen_usd(v) for v in (225_000, VICTIM_PAY, 249_999)]
    assert coarse == [237_500.0] * 3


# --------------------------------------------------------------------------- hardened server
@pytest.fixture(scope="module")
def hardened(tmp_path_factory: pytest.TempPathFactory, survey_db: Path) -> Iterator[Server]:
    """A server with short header and body timeouts, the default submission burst (10) and
    no proxy trusted (the default)."""
    with served(survey_db, tmp_path_factory.mktemp("hardened"), "hardened",
                "--header-timeout", "1", "--body-timeout", "1",
                PAYBENCH_SUBMISSION_BURST="10", PAYBENCH_SUBMISSIONS_PER_MINUTE="0.01") as srv:
        yield srv


def test_rate_limit_ignores_forwarded_for_from_an_untrusted_peer(hardened: Server) -> None:
    """Item 4: rotating X-Forwarded-For no longer buys new buckets: 10 of 14 accepted."""
    with hardened.client() as c:
        codes = [submit(c, 180_000 + i, f"192.0.2.{i + 1}").status_code for i in range(14)]
    assert codes.count(201) == 10 and codes.count(429) == 4, codes


@pytest.fixture(scope="module")
def proxied(tmp_path_factory: pytest.TempPathFactory, survey_db: Path) -> Iterator[Server]:
    """A server that trusts this test as its proxy, with room for 100 submissions a client."""
    with served(survey_db, tmp_path_factory.mktemp("proxied"), "proxied", *PROXY,
                PAYBENCH_SUBMISSION_BURST="100") as srv:
        yield srv


def test_submission_ids_are_random_and_repeats_reveal_nothing(proxied: Server) -> None:
    """Item 2: the id is not a hash of the content (brute force cannot recover the salary),
    and sending a figure again, an accepted or a pending one, from the same client or from
    a colleague, is answered like a new one (and every count moves alike)."""
    body = {"title": "Data Engineer", "level": "mid", "place": "Tulsa, OK", "base": 133_333}
    odd = {**body, "base": 4_000_000}
    with proxied.client() as c:
        counts = c.get("/api/v1/submissions").json()
        answers = [c.post("/api/v1/submissions", json=body, headers={"X-Forwarded-For": a})
                   for a in ("192.0.2.50", "192.0.2.50", "192.0.2.51")]
        held = [c.post("/api/v1/submissions", json=odd, headers={"X-Forwarded-For": a})
                for a in ("192.0.2.50", "192.0.2.50", "192.0.2.51")]
        after = c.get("/api/v1/submissions").json()
    today = time.strftime("%Y-%m-%d")
    for resp in answers + held:
        assert resp.status_code == 201, resp.text
        assert re.fullmatch(r"[0-9a-f]{16}", resp.json()["id"])
    assert [r.json()["status"] for r in answers] == ["accepted"] * 3
    assert [r.json()["status"] for r in held] == ["held_for_review"] * 3
    assert len({r.json()["id"] for r in answers + held}) == 6
    for group in (answers, held):
        strip = [{k: v for k, v in r.json().items() if k != "id"} for r in group]
        assert strip[0] == strip[1] == strip[2]
    # the old id: SHA-256 of the canonical content and the day
    full = {"title": "Data Engineer", "level": "mid", "years_experience": None,
            "place": "Tulsa, OK", "base": 133333.0, "bonus": None, "equity_per_year": None,
            "currency": "USD", "period": "year", "employer": None, "on": today}
    old = hashlib.sha256(json.dumps(full, sort_keys=True).encode()).hexdigest()[:16]
    assert old not in {r.json()["id"] for r in answers}
    assert after["stored"] == counts["stored"] + 3
    assert after["pending_review"] == counts["pending_review"] + 3


def test_status_shows_no_submission_time(proxied: Server) -> None:
    """Item 5: /status lists the data sources, counts submissions and says nothing about
    when one arrived or what it held."""
    with proxied.client() as c:
        assert submit(c, 120_000, "192.0.2.60").status_code == 201
        status = c.get("/api/v1/status").json()
    assert set(status) == {"sources", "submissions", "estimator"}
    # the estimator's state does not move with a submission (it is not retrained for one)
    assert set(status["estimator"]) == {"state", "trained_at", "training_since", "error", "current"}
    assert "submission" not in {s["source"] for s in status["sources"]}
    assert set(status["submissions"]) == {"stored", "pending_review", "rejected"}
    assert all(isinstance(v, int) for v in status["submissions"].values())


def raw_exchange(server: Server, payload: bytes, wait: float = 10.0) -> tuple[bytes, float]:
    """Send `payload` on a raw connection and read until the server closes it: what it sent
    and the seconds it took to close."""
    host, port = server.url.removeprefix("http://").split(":")
    received = b""
    with socket.create_connection((host, int(port)), timeout=wait) as sock:
        start = time.monotonic()
        if payload:
            sock.sendall(payload)
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
        return received, time.monotonic() - start


def test_slow_headers_are_cut_off(hardened: Server) -> None:
    """Item 13: half a request line and headers, then silence: closed after the header
    timeout (1 s here, 10 s by default), with nothing sent."""
    received, took = raw_exchange(hardened, b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n")
    assert received == b"" and 0.8 < took < 3.0, took
    received, took = raw_exchange(hardened, b"")  # a connection that never says anything
    assert received == b"" and took < 3.0, took


def test_slow_body_is_cut_off(hardened: Server) -> None:
    """Item 13: headers promise 100 bytes, 10 arrive: 408 and closed after the body timeout
    (1 s here, 30 s by default)."""
    head = (b"POST /api/v1/submissions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100\r\n\r\n{\"title\":")
    received, took = raw_exchange(hardened, head)
    assert received.startswith(b"HTTP/1.1 408"), received[:200]
    assert b"x-content-type-options: nosniff" in received.lower()
    assert 0.8 < took < 3.0, took


SECURITY = {
    "x-content-type-options": "nosniff", "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}


def test_security_headers_on_every_response(hardened: Server) -> None:
    """Item 13: the headers are on pages, assets, JSON, errors of every kind."""
    with hardened.client() as c:
        responses = [
            c.get("/"), c.get("/static/app.js"), c.get("/api/v1/health"),
            c.get("/api/v1/openapi.json"), c.get("/no/such/page"),
            c.get("/api/v1/cells", params={"role": "no-such-role"}),
            c.post("/api/v1/estimate/batch", content=b"x" * (2 * 1024 * 1024),
                   headers={"content-type": "application/json"}),
        ]
    assert [r.status_code for r in responses][:5] == [200, 200, 200, 200, 404]
    assert responses[-1].status_code == 413
    assert_error(responses[-2], responses[-2].status_code)
    for resp in responses:
        for name, value in SECURITY.items():
            assert resp.headers.get(name) == value, (resp.request.url, name)
        csp = resp.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp and "unsafe" not in csp


# --------------------------------------------------------------------------- item 3
def test_training_data_obey_the_publication_rule(fresh_db: Path) -> None:
    """Item 3: one submission for a rare title does not reach the estimator's training data;
    five from one client neither; five from five clients do, each at its bin's midpoint."""
    from paybench.estimate.features import load_observations
    from paybench.store import Store
    from paybench.submissions import Submission, prepare_submission, store_submission

    def add(store: Store, pay: float, client: str, title: str = "Staff Prompt Engineer") -> None:
        sub = Submission(title=title, place="Baltimore, MD", base=pay)
        store_submission(store, prepare_submission(sub), None, client=client)

    def submitted(store: Store) -> list[float]:
        frame = load_observations(store)
        return sorted(frame.loc[frame["kind"] == "submitted", "annual_usd"].round(2))

    with Store(fresh_db) as store:
        add(store, 400_000, "192.0.2.1")
        assert submitted(store) == []
        for i in range(4):
            add(store, 401_000 + i, "192.0.2.1")
        assert submitted(store) == []  # five submissions, one contributor
        for i in range(4):
            add(store, 210_000 + 5_000 * i, f"192.0.2.{i + 2}")
        got = submitted(store)
    assert len(got) == 9 and set(got) == {212_500.0, 237_500.0, 412_500.0}


def test_a_malformed_request_gets_the_json_error_and_the_headers(hardened: Server) -> None:
    """A request line h11 cannot parse: a JSON 400 with the security headers (it was
    uvicorn's plain text without them)."""
    sent, _ = raw_exchange(hardened, b"GARBAGE\r\n\r\n")
    head, _, body = sent.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").lower().splitlines()
    assert lines[0].startswith("http/1.1 400"), lines
    for name, value in SECURITY.items():
        assert f"{name.lower()}: {value.lower()}" in lines, (name, lines)
    assert json.loads(body)["error"]["status"] == 400


def test_the_employer_listing_obeys_the_publication_rule(fresh_db: Path) -> None:
    """`paybench employers` (public over HTTP as GET /api/v1/employers) counts an employer's
    submissions as a cell does: one person's submission naming their employer lists no row of
    that employer (it listed its n = 1 and the person's bin as its median); five from one
    client neither; five from five clients do, each at its bin's midpoint."""
    from paybench.insights.employers import employer_report
    from paybench.store import Store
    from paybench.submissions import Submission, prepare_submission, store_submission

    def add(store: Store, pay: float, client: str) -> None:
        sub = Submission(title="Senior Machine Learning Engineer", place="Boston, MA", base=pay,
                         employer="Tiny Robots Inc")
        store_submission(store, prepare_submission(sub), None, client=client)

    def listed(store: Store) -> list[tuple[str, int, float | None]]:
        report = employer_report(store, kinds=["submitted"])
        assert report.n_with_employer == sum(e.n for e in report.employers)
        return [(e.employer, e.n, e.median_base_usd) for e in report.employers]

    with Store(fresh_db) as store:
        add(store, VICTIM_PAY, VICTIM_ADDRESS)
        assert store.scalar("SELECT count(*) FROM observations WHERE employer = 'Tiny Robots'") == 1
        assert listed(store) == []
        for i in range(4):
            add(store, 240_000 + i, VICTIM_ADDRESS)
        assert listed(store) == []  # five submissions, one contributor
        for i in range(4):
            add(store, 180_000 + i, f"198.51.100.{i + 1}")
        assert listed(store) == [("Tiny Robots", 9, 237_500.0)]
