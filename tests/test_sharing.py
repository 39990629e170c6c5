"""One store, many processes (issue 14, "Sharing the store"): the CLI reads and ingests while
`paybench serve` runs on the same file, two ingests at once both land, a server started
during an ingest comes up, the first estimate on a fresh server never trains inside the
request, a store the process cannot write is still readable, and killing an ingest, a
training run or the server loses nothing that was acknowledged. Real processes throughout."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from conftest import write_survey
from paybench.estimate.model import load_model
from paybench.store import FAULT_ENV, Store
from test_api import TOKEN, Server, copy_store, settled_cell, start_server, stop_server

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def cli(*args: str, db: Path, env: dict[str, str] | None = None,
        timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run `paybench ARGS --db DB` in its own process."""
    return subprocess.run([sys.executable, "-m", "paybench", *args, "--db", str(db)],
                          capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def raleigh_survey(path: Path, n: int = 40, base: int = 150_000) -> Path:
    """`n` mid-level data scientists in Raleigh-area survey rows (the survey layout)."""
    return write_survey(path, [f"2025,MI,FT,Data Scientist,{base + 100 * i},USD,{base + 100 * i},US,0,US,M"
                               for i in range(n)])


def assert_clean(proc: subprocess.CompletedProcess[str]) -> None:
    assert proc.returncode == 0, proc.stderr
    text = (proc.stdout + proc.stderr).lower()
    assert "traceback" not in text and "conflicting lock" not in text, text[-2000:]


@pytest.fixture()
def live(tmp_path: Path, reference_db: Path) -> Iterator[Server]:
    srv = start_server(copy_store(reference_db, tmp_path / "shared.duckdb"), tmp_path / "server.log")
    yield srv
    stop_server(srv)
    assert "Traceback" not in srv.log.read_text(), srv.log.read_text()[-3000:]


def test_cli_reads_and_ingests_while_the_server_runs(live: Server, tmp_path: Path) -> None:
    params = {"role": "data-scientist", "level": "mid", "place": "US"}
    with live.client() as c:
        before = c.get("/api/v1/cells", params=params).json()["cells"][0]
        assert_clean(cli("status", db=live.db))
        bench = cli("bench", "--role", "data-scientist", "--level", "mid", "--json", db=live.db)
        assert_clean(bench)
        guide = cli("guide", "--out", str(tmp_path / "g"), "--format", "csv", "--metros", "3", db=live.db)
        assert_clean(guide)
        assert (tmp_path / "g" / "guide.csv").stat().st_size > 0
        ingest = cli("ingest", str(raleigh_survey(tmp_path / "raleigh.csv")), db=live.db)
        assert_clean(ingest)
        assert "kept 40" in ingest.stdout.replace(",", ""), ingest.stdout
        # the server sees the other process's ingest within a few seconds
        deadline = time.monotonic() + 15
        cell = before
        while time.monotonic() < deadline and cell["n"] == before["n"]:
            cell = settled_cell(c, "/api/v1/cells", params)
            time.sleep(0.2)
        assert cell["n"] == before["n"] + 40, (before["n"], cell["n"])
        status = {s["source"]: s for s in c.get("/api/v1/status").json()["sources"]}
        assert status["aijobs"]["rows_kept"] == 40


def test_two_ingests_at_once_both_land(tmp_path: Path, reference_db: Path, shared_data: Path) -> None:
    db = copy_store(reference_db, tmp_path / "two.duckdb")
    small = raleigh_survey(tmp_path / "small.csv")
    env = {**os.environ}
    big = subprocess.Popen([sys.executable, "-m", "paybench", "ingest",
                            str(shared_data / "aijobs" / "salaries.csv"), "--db", str(db)],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    time.sleep(1.5)  # the first holds the store (or is about to)
    second = cli("ingest", str(small), db=db)
    _, err = big.communicate(timeout=300)
    assert big.returncode == 0, err
    assert_clean(second)
    with Store(db, read_only=True) as store:
        files = store.scalar("SELECT count(*) FROM ingests WHERE source = 'aijobs'")
    assert files == 2


def test_a_server_started_during_an_ingest_comes_up(tmp_path: Path, reference_db: Path,
                                                     shared_data: Path) -> None:
    db = copy_store(reference_db, tmp_path / "during.duckdb")
    ingest = subprocess.Popen([sys.executable, "-m", "paybench", "ingest",
                               str(shared_data / "aijobs" / "salaries.csv"), "--db", str(db)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.5)
    srv = start_server(db, tmp_path / "server.log")
    try:
        assert srv.proc.poll() is None
        _, err = ingest.communicate(timeout=300)
        assert ingest.returncode == 0, err
        with srv.client() as c:
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                sources = {s["source"] for s in c.get("/api/v1/status").json()["sources"]}
                if "aijobs" in sources:
                    break
                time.sleep(0.3)
            assert "aijobs" in sources
    finally:
        stop_server(srv)


def test_reads_answer_during_an_admin_ingest(live: Server, shared_data: Path) -> None:
    """The benchmark lookup keeps answering while the server ingests 72k survey rows (the
    latency figure is benchmarks/read_during_ingest.py's)."""
    import threading

    done: dict[str, httpx.Response] = {}

    def ingest() -> None:
        with httpx.Client(base_url=live.url, timeout=300) as c:
            done["r"] = c.post("/api/v1/admin/ingest", headers=AUTH,
                               json={"path": str(shared_data / "aijobs" / "salaries.csv")})

    worker = threading.Thread(target=ingest)
    worker.start()
    answered = 0
    with httpx.Client(base_url=live.url, timeout=5) as c:
        while worker.is_alive():
            resp = c.get("/api/v1/cells", params={"role": "data-engineer", "place": "US"})
            assert resp.status_code == 200, resp.text
            answered += 1
            time.sleep(0.02)
        worker.join()
        assert done["r"].status_code == 200, done["r"].text
        assert answered >= 10, answered
        for _ in range(5):  # right after the ingest too (the new data is built in the background)
            assert c.get("/api/v1/cells", params={"role": "data-engineer", "place": "US"}).status_code == 200
        # a device is refused before anything is read (/dev/urandom never ends)
        for device in ("/dev/urandom", "/dev/zero"):
            refused = c.post("/api/v1/admin/ingest", headers=AUTH, json={"path": device, "source": "aijobs"})
            assert refused.status_code == 422 and "not a regular file" in refused.json()["error"]["message"]
        # and the store is free afterwards: a CLI read works
        assert_clean(cli("status", db=live.db))
        status = c.get("/api/v1/status").json()
        assert any(s["source"] == "aijobs" for s in status["sources"])


def test_the_first_estimate_on_a_fresh_server_does_not_train_in_the_request(live: Server) -> None:
    body = {"title": "Data Scientist", "place": "Austin, TX", "level": "mid"}
    with live.client() as c:
        training = c.get("/api/v1/status").json()["estimator"]["state"] == "training"
        started = time.monotonic()
        first = c.post("/api/v1/estimate", json=body)
        assert time.monotonic() - started < 15  # training alone takes longer on this machine
        if training:  # the request does not wait for the run in progress
            assert first.status_code == 503, first.text
        if first.status_code == 503:  # no model yet: it is being trained in the background
            assert first.headers["retry-after"] and "trained" in first.json()["error"]["message"]
            state = c.get("/api/v1/status").json()["estimator"]
            assert state["state"] in ("training", "ready"), state
        deadline = time.monotonic() + 240
        while first.status_code == 503 and time.monotonic() < deadline:
            time.sleep(1)
            first = c.post("/api/v1/estimate", json=body)
        assert first.status_code == 200, first.text
        assert c.get("/api/v1/status").json()["estimator"]["state"] == "ready"
        again = c.post("/api/v1/admin/train", headers=AUTH)
        assert again.status_code == 202 and again.json()["status"] == "training"
        assert c.post("/api/v1/estimate", json=body).status_code == 200  # the old model answers


def _read_only_runner(folder: Path) -> list[str] | None:
    """A command prefix that runs a command with `folder` on a read-only file system (a
    read-only bind mount in a private mount namespace, as root), [] when permissions alone
    stop this process from writing (not root), None when neither can be arranged."""
    if os.geteuid() != 0:
        return []
    probe = subprocess.run(["unshare", "-m", "sh", "-c", f"mount --bind '{folder}' '{folder}' && "
                            f"mount -o remount,ro,bind '{folder}' && ! touch '{folder}/probe'"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        return None
    return ["unshare", "-m", "sh", "-c",
            f"mount --bind '{folder}' '{folder}' && mount -o remount,ro,bind '{folder}' && exec \"$@\"",
            "sh"]


def test_a_store_on_read_only_media_is_readable(tmp_path: Path, reference_db: Path) -> None:
    """The store's file system is read-only (a read-only bind mount): reads work, a write
    fails in one line naming the cause."""
    folder = tmp_path / "ro"
    folder.mkdir()
    db = copy_store(reference_db, folder / "ro.duckdb")
    runner = _read_only_runner(folder)
    if runner is None:
        pytest.skip("cannot make a read-only file system here (no mount namespace as root)")
    if not runner:
        db.chmod(0o444)
        folder.chmod(0o555)
    try:
        for args in (("status",), ("bench", "--role", "data-scientist", "--level", "mid")):
            proc = subprocess.run([*runner, sys.executable, "-m", "paybench", *args, "--db", str(db)],
                                  capture_output=True, text=True, timeout=120)
            assert proc.returncode == 0, proc.stderr
            assert "P50" in proc.stdout or "oews" in proc.stdout
        wrote = subprocess.run([*runner, sys.executable, "-m", "paybench", "ingest",
                                str(raleigh_survey(tmp_path / "w.csv")), "--db", str(db)],
                               capture_output=True, text=True, timeout=120)
        assert wrote.returncode != 0 and "read-only" in wrote.stderr, wrote.stderr
        assert "Traceback" not in wrote.stderr and len(wrote.stderr.strip().splitlines()) == 1, wrote.stderr
    finally:
        folder.chmod(0o755)


def test_killing_ingest_training_and_server_loses_nothing_acknowledged(
        tmp_path: Path, reference_db: Path, shared_data: Path) -> None:
    """kill -9 an ingest mid-transaction and between files, a training run, and the server
    between acknowledged submissions: the store opens, every acknowledged write is there,
    no half-written ingest is."""
    db = copy_store(reference_db, tmp_path / "faults.duckdb")
    survey = shared_data / "aijobs" / "salaries.csv"
    with Store(db, read_only=True) as store:
        ingests_before = store.scalar("SELECT count(*) FROM ingests")
    # 1. an ingest killed at several points of its transaction lands nothing
    for rows in ("1", "20000", "60000"):
        proc = subprocess.Popen([sys.executable, "-m", "paybench", "ingest", str(survey), "--db", str(db)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env={**os.environ, FAULT_ENV: rows})
        assert proc.stderr is not None
        line = proc.stderr.readline()  # "stalled after N rows"
        assert "stalled" in line, line
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        with Store(db, read_only=True) as store:
            assert store.scalar("SELECT count(*) FROM ingests") == ingests_before
            assert store.scalar("SELECT count(*) FROM observations WHERE source = 'aijobs'") == 0
    # 2. a training run killed halfway leaves no model file half-written
    model = db.with_name(db.name + ".estimator.pkl")
    before = model.read_bytes() if model.exists() else None
    train = subprocess.Popen([sys.executable, "-m", "paybench", "train", "--db", str(db)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(1.5)
    train.send_signal(signal.SIGKILL)
    train.wait()
    after = model.read_bytes() if model.exists() else None
    assert after == before or load_model(model) is not None  # the old model or a whole new one
    # 3. the server killed between acknowledged submissions keeps every one of them
    srv = start_server(db, tmp_path / "server.log", PAYBENCH_SUBMISSION_BURST="100")
    acknowledged = 0
    try:
        with srv.client() as c:
            for i in range(12):
                resp = c.post("/api/v1/submissions", json={
                    "title": "Data Engineer", "level": "mid", "place": "Denver, CO",
                    "base": 140_000 + 1_000 * i, "employer": f"Employer {i}"})
                if resp.status_code == 201:
                    acknowledged += 1
    finally:
        srv.proc.send_signal(signal.SIGKILL)
        srv.proc.wait()
    assert acknowledged == 12
    assert_clean(cli("status", db=db))
    with Store(db, read_only=True) as store:
        stored = store.scalar("SELECT count(*) FROM observations WHERE source = 'submission' "
                              "AND component = 'base'")
    assert stored == acknowledged
    # and the store takes a whole ingest afterwards
    assert_clean(cli("ingest", str(raleigh_survey(tmp_path / "after.csv")), db=db))
    shutil.rmtree(tmp_path / "g", ignore_errors=True)
