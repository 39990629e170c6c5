"""Load the HTTP API from a second process on localhost: requests per second and p50/p99
latency for a benchmark lookup and an estimate, beside a trivial endpoint (/api/v1/health)
of the same server measured in the same run (the baseline; machines here are noisy).

    python benchmarks/api_load.py --db STORE [--requests 2000] [--concurrency 8]

Starts `paybench serve` on a free localhost port over STORE (use a copy: the server opens
it read-write), waits until the benchmark model and the estimator are loaded, then runs
the load from this process with a thread pool of keep-alive HTTP clients. Lookups cycle
through 8 roles x 4 places x 3 levels so that they are not one cached answer.
"""

from __future__ import annotations

import argparse
import itertools
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

import httpx

ROLES = ["machine-learning-engineer", "data-scientist", "software-engineer", "data-engineer",
         "ai-engineer", "devops-engineer", "security-engineer", "product-manager"]
PLACES = ["Seattle, WA", "Austin, TX", "Boston, MA", "US"]
LEVELS = ["mid", "senior", "staff"]
TITLES = ["Senior Machine Learning Engineer", "Data Scientist", "Staff Software Engineer",
          "Data Engineer II"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(db: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "paybench", "serve", "--db", str(db), "--port", str(port),
         "--log-level", "warning"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        env={**os.environ, "PAYBENCH_ADMIN_TOKEN": ""})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("server exited during start-up")
        try:
            if httpx.get(f"{url}/api/v1/health", timeout=2).json()["model_loaded"]:
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    proc.terminate()
    raise SystemExit("server did not start")


def run(url: str, make: Callable[[int], tuple[str, str, dict[str, object] | None]],
        total: int, concurrency: int) -> dict[str, float]:
    """Send `total` requests from `concurrency` threads; latencies in milliseconds."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    counter = itertools.count()
    local = threading.local()

    def worker() -> None:
        nonlocal errors
        client = getattr(local, "client", None)
        if client is None:
            client = local.client = httpx.Client(base_url=url, timeout=120)
        while (i := next(counter)) < total:
            method, path, body = make(i)
            t0 = time.perf_counter()
            resp = client.request(method, path, json=body)
            dt = (time.perf_counter() - t0) * 1000
            with lock:
                latencies.append(dt)
                errors += resp.status_code != 200

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        for _ in range(concurrency):
            pool.submit(worker)
    seconds = time.perf_counter() - started
    latencies.sort()
    return {"requests": len(latencies), "errors": errors, "rps": len(latencies) / seconds,
            "p50_ms": statistics.median(latencies),
            "p99_ms": latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="a store (a copy: it is opened read-write)")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    proc, url = start(args.db)
    try:
        # warm every distinct lookup and the estimator once, outside the measurement
        httpx.post(f"{url}/api/v1/estimate", json={"title": TITLES[0]}, timeout=600)
        cases = list(itertools.product(ROLES, LEVELS, PLACES))

        def health(i: int) -> tuple[str, str, None]:
            return "GET", "/api/v1/health", None

        def lookup(i: int) -> tuple[str, str, None]:
            role, level, place = cases[i % len(cases)]
            return "GET", f"/api/v1/cells?role={role}&level={level}&place={place}", None

        def estimate(i: int) -> tuple[str, str, dict[str, object]]:
            return "POST", "/api/v1/estimate", {"title": TITLES[i % len(TITLES)],
                                                 "place": PLACES[i % len(PLACES)]}

        for i in range(len(cases)):
            httpx.get(url + lookup(i)[1], timeout=120)
        n, c = args.requests, args.concurrency
        results = {
            "health (baseline)": run(url, health, n, c),
            "benchmark lookup": run(url, lookup, n, c),
            "estimate": run(url, estimate, max(200, n // 5), c),
        }
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    base = results["health (baseline)"]
    print(f"server: paybench serve on {args.db.name}; client: {args.concurrency} threads, "
          f"keep-alive httpx, localhost; {os.cpu_count()} CPUs")
    print(f"{'endpoint':<20}{'requests':>9}{'errors':>7}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
          f"{'req/s vs health':>17}{'p50 vs health':>15}")
    for name, r in results.items():
        print(f"{name:<20}{r['requests']:>9.0f}{r['errors']:>7.0f}{r['rps']:>9.1f}{r['p50_ms']:>9.2f}"
              f"{r['p99_ms']:>9.2f}{r['rps'] / base['rps']:>17.3f}{r['p50_ms'] / base['p50_ms']:>15.2f}")


if __name__ == "__main__":
    main()
