"""Load the HTTP API from a second process on localhost: requests per second and p50/p99
latency for a benchmark lookup and an estimate, beside a trivial endpoint (/api/v1/health)
of the same server measured in the same run (the baseline; machines here are noisy), and
each against the targets of issue 15 (lookup p99 <= 10 ms; estimate p99 <= 50 ms and
>= 200 req/s).

    python benchmarks/api_load.py --db STORE [--requests 3000] [--concurrency 8]

Starts `paybench serve` on a free localhost port over STORE (use a copy: the server opens
it read-write; train its estimator first, `paybench train`, or the server trains one before
it answers estimates), waits until the benchmark model and the estimator are loaded, then
runs the load from this process: `--concurrency` threads, each with one keep-alive HTTP/1.1
connection (the standard library's http.client: the client shares the machine's cores with
the server, and httpx cost as much CPU per request as the server's whole answer).

- health: GET /api/v1/health (the baseline).
- benchmark lookup: GET /api/v1/cells over 8 roles x 3 levels x 4 places, each sent once
  before the measurement.
- estimate (repeated inputs): POST /api/v1/estimate cycling 4 titles x 4 places (as the
  issue's baseline measured), each sent once before.
- estimate (new inputs): every request one the server has not seen: real job titles of the
  ai-jobs.net survey (../shared/data/aijobs/salaries.csv, or the survey the package ships)
  x places x years of experience, so cells are computed and the quantile models run for the
  first time for many of them.

Prints the machine's load average before and after, and the server's and this client's CPU
time per request (from /proc, on Linux).
"""

from __future__ import annotations

import argparse
import csv
import http.client
import io
import itertools
import json
import lzma
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

import httpx

ROLES = ["machine-learning-engineer", "data-scientist", "software-engineer", "data-engineer",
         "ai-engineer", "devops-engineer", "security-engineer", "product-manager"]
PLACES = ["Seattle, WA", "Austin, TX", "Boston, MA", "US"]
LEVELS = ["mid", "senior", "staff"]
TITLES = ["Senior Machine Learning Engineer", "Data Scientist", "Staff Software Engineer",
          "Data Engineer II"]
NEW_PLACES = ["Seattle, WA", "Austin, TX", "Boston, MA", "New York, NY", "San Francisco, CA",
              "Chicago, IL", "Denver, CO", "Atlanta, GA", "Remote", "London, UK", "Toronto, Canada",
              "Berlin, Germany", None]
TARGETS = {"benchmark lookup": {"p99_ms": 10.0}, "estimate (repeated inputs)": {"p99_ms": 50.0, "rps": 200.0},
           "estimate (new inputs)": {"p99_ms": 50.0, "rps": 200.0}}
"""Issue 15, item 5: a cell lookup p99 <= 10 ms; an estimate p99 <= 50 ms and >= 200 req/s."""

SURVEY = Path(__file__).resolve().parents[2] / "shared" / "data" / "aijobs" / "salaries.csv"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(db: Path, extra: list[str] | None = None) -> tuple[subprocess.Popen[bytes], str]:
    """`paybench serve` over `db` on a free port, once its model and estimator are loaded."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "paybench", "serve", "--db", str(db), "--port", str(port),
         "--log-level", "warning", *(extra or [])], stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT, env={**os.environ, "PAYBENCH_ADMIN_TOKEN": ""})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 3600
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("server exited during start-up")
        try:
            if httpx.get(f"{url}/api/v1/health", timeout=2).json()["model_loaded"]:
                ready = httpx.post(f"{url}/api/v1/estimate", json={"title": TITLES[0]}, timeout=600)
                if ready.status_code == 200:
                    return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    proc.terminate()
    raise SystemExit("server did not start")


Request = tuple[str, str, bytes | None]


def run(url: str, make: Callable[[int], Request], total: int, concurrency: int) -> dict[str, float]:
    """Send `total` requests from `concurrency` threads, one keep-alive connection each;
    latencies in milliseconds."""
    host, port = url.removeprefix("http://").split(":")
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    counter = itertools.count()

    def worker() -> None:
        nonlocal errors
        conn = http.client.HTTPConnection(host, int(port), timeout=120)
        try:
            while (i := next(counter)) < total:
                method, path, body = make(i)
                headers = {"content-type": "application/json"} if body is not None else {}
                t0 = time.perf_counter()
                conn.request(method, path, body=body, headers=headers)
                resp = conn.getresponse()
                resp.read()
                dt = (time.perf_counter() - t0) * 1000
                with lock:
                    latencies.append(dt)
                    errors += resp.status != 200
        finally:
            conn.close()

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        for f in [pool.submit(worker) for _ in range(concurrency)]:
            f.result()
    seconds = time.perf_counter() - started
    latencies.sort()
    return {"requests": len(latencies), "errors": errors, "rps": len(latencies) / seconds,
            "p50_ms": statistics.median(latencies),
            "p99_ms": latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))]}


def survey_titles() -> list[str]:
    """The distinct job titles of the real ai-jobs.net survey."""
    if SURVEY.exists():
        text = SURVEY.read_text(encoding="utf-8")
    else:  # the snapshot paybench ships
        from importlib import resources

        packed = resources.files("paybench.data").joinpath("aijobs/salaries.csv.xz").read_bytes()
        text = lzma.decompress(packed).decode("utf-8")
    return sorted({row["job_title"] for row in csv.DictReader(io.StringIO(text))})


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a process (Linux /proc), None elsewhere."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="a store (a copy: it is opened read-write)")
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--serve-arg", action="append", default=[],
                        help="an extra option for `paybench serve` (repeatable)")
    args = parser.parse_args()
    load_before = os.getloadavg()
    proc, url = start(args.db, args.serve_arg)
    cases = list(itertools.product(ROLES, LEVELS, PLACES))
    titles = survey_titles()
    fresh: list[bytes] = []
    for k, (title, place) in enumerate(itertools.product(titles, NEW_PLACES)):
        body: dict[str, object] = {"title": title, "place": place, "years_experience": float(k % 17)}
        fresh.append(json.dumps(body).encode())
    fresh = fresh[::3] + fresh[1::3] + fresh[2::3]  # spread titles and places

    def health(i: int) -> Request:
        return "GET", "/api/v1/health", None

    def lookup(i: int) -> Request:
        role, level, place = cases[i % len(cases)]
        return "GET", "/api/v1/cells?" + urlencode({"role": role, "level": level, "place": place}), None

    def estimate(i: int) -> Request:
        body = {"title": TITLES[i % len(TITLES)], "place": PLACES[(i // len(TITLES)) % len(PLACES)]}
        return "POST", "/api/v1/estimate", json.dumps(body).encode()

    def estimate_new(i: int) -> Request:
        return "POST", "/api/v1/estimate", fresh[i % len(fresh)]

    results: dict[str, dict[str, float]] = {}
    try:
        # warm every distinct lookup and repeated estimate once, outside the measurement
        run(url, lookup, len(cases), 1)
        run(url, estimate, len(TITLES) * len(PLACES), 1)
        n, c = args.requests, args.concurrency
        plan: list[tuple[str, Callable[[int], Request], int]] = [
            ("health (baseline)", health, n), ("benchmark lookup", lookup, n),
            ("estimate (repeated inputs)", estimate, n),
            ("estimate (new inputs)", estimate_new, min(n, len(fresh)))]
        client_cpu: dict[str, float] = {}
        server_cpu: dict[str, float | None] = {}
        for name, make, total in plan:
            s0, c0 = cpu_seconds(proc.pid), time.process_time()
            results[name] = run(url, make, total, c)
            s1, c1 = cpu_seconds(proc.pid), time.process_time()
            server_cpu[name] = None if s0 is None or s1 is None else (s1 - s0) * 1000 / total
            client_cpu[name] = (c1 - c0) * 1000 / total
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    load_after = os.getloadavg()
    base = results["health (baseline)"]
    print(f"server: paybench serve on {args.db.name} {' '.join(args.serve_arg)}; client: "
          f"{args.concurrency} threads, one keep-alive http.client connection each, localhost; "
          f"{os.cpu_count()} CPUs; load average before {load_before[0]:.2f}, after {load_after[0]:.2f}")
    print(f"{'endpoint':<28}{'requests':>9}{'errors':>7}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
          f"{'req/s/health':>13}{'p50/health':>11}{'p99/health':>11}{'server cpu ms':>14}"
          f"{'client cpu ms':>14}  target")
    failed = False
    for name, r in results.items():
        verdicts = []
        for key, limit in TARGETS.get(name, {}).items():
            ok = r[key] <= limit if key.endswith("_ms") else r[key] >= limit
            failed |= not ok
            unit = "ms" if key.endswith("_ms") else "req/s"
            verdicts.append(f"{key.split('_')[0]} {'<=' if unit == 'ms' else '>='} {limit:g} {unit}: "
                            f"{'pass' if ok else 'FAIL'}")
        srv = server_cpu[name]
        print(f"{name:<28}{r['requests']:>9.0f}{r['errors']:>7.0f}{r['rps']:>9.1f}{r['p50_ms']:>9.2f}"
              f"{r['p99_ms']:>9.2f}{r['rps'] / base['rps']:>13.3f}{r['p50_ms'] / base['p50_ms']:>11.2f}"
              f"{r['p99_ms'] / base['p99_ms']:>11.2f}{'' if srv is None else f'{srv:.3f}':>14}"
              f"{client_cpu[name]:>14.3f}  {'; '.join(verdicts) or '-'}")
        failed |= r["errors"] > 0
    print("targets: all met" if not failed else "targets: NOT all met (or errors)")


if __name__ == "__main__":
    main()
