"""Latency of the benchmark lookup (`GET /api/v1/cells`) while the same server ingests a
file through `POST /api/v1/admin/ingest`, against the same lookups with nothing else running
(the baseline, measured in the same run on the same server).

    python benchmarks/read_during_ingest.py --db STORE [--file ../shared/data/aijobs/salaries.csv]

Starts `paybench serve` over a copy of STORE (in a temp dir), waits until its estimator is
ready (trained in the background when the store has none), warms the lookups, then:
1. baseline: one client sends lookups back to back (8 roles x 3 levels x 4 places, cycled)
   for as long as the ingest below will take (at least 5 s);
2. during: an admin ingest of FILE runs in a second thread while the same client sends the
   same lookups until the ingest has answered.
Prints n, p50, p99 and max latency (ms) of both, and the ratios during/baseline. The target
(issue 14): p99 during the ingest <= 100 ms.
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_load import LEVELS, PLACES, ROLES, free_port

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "read-during-ingest"


def lookups(client: httpx.Client, until: threading.Event | float) -> list[float]:
    """Lookups back to back until `until` is set (or for that many seconds); latencies, ms."""
    cases = itertools.cycle(itertools.product(ROLES, LEVELS, PLACES))
    stop_at = time.monotonic() + until if isinstance(until, float) else None
    out: list[float] = []
    while not (until.is_set() if isinstance(until, threading.Event) else time.monotonic() > (stop_at or 0)):
        role, level, place = next(cases)
        t0 = time.perf_counter()
        resp = client.get("/api/v1/cells", params={"role": role, "level": level, "place": place})
        out.append((time.perf_counter() - t0) * 1000)
        if resp.status_code != 200:
            raise SystemExit(f"lookup failed: {resp.status_code} {resp.text[:200]}")
    return out


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {"n": len(ordered), "p50": statistics.median(ordered),
            "p99": ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))], "max": ordered[-1]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--file", type=Path,
                        default=ROOT.parent / "shared" / "data" / "aijobs" / "salaries.csv")
    args = parser.parse_args()
    import subprocess

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "store.duckdb"
        shutil.copy(args.db, db)
        port = free_port()
        proc = subprocess.Popen([sys.executable, "-m", "paybench", "serve", "--db", str(db), "--port",
                                 str(port), "--log-level", "warning"], stdout=subprocess.DEVNULL,
                                stderr=subprocess.STDOUT, env={**os.environ, "PAYBENCH_ADMIN_TOKEN": TOKEN})
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline:
                try:
                    if httpx.get(f"{url}/api/v1/health", timeout=2).json()["model_loaded"]:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.3)
            with httpx.Client(base_url=url, timeout=60) as client:
                while client.get("/api/v1/status").json()["estimator"]["state"] != "ready":
                    time.sleep(1)  # a store without a model trains one first, in the background
                lookups(client, 2.0)  # warm every distinct lookup
                timing: dict[str, float] = {}
                done = threading.Event()

                def ingest() -> None:
                    t0 = time.perf_counter()
                    with httpx.Client(base_url=url, timeout=900) as admin:
                        resp = admin.post("/api/v1/admin/ingest", json={"path": str(args.file.resolve())},
                                          headers={"Authorization": f"Bearer {TOKEN}"})
                    timing["ingest_s"] = time.perf_counter() - t0
                    ok = resp.status_code == 200
                    timing["rows_kept"] = float(resp.json().get("rows_kept", -1)) if ok else -1
                    done.set()

                worker = threading.Thread(target=ingest)
                worker.start()
                during = lookups(client, done)
                worker.join()
                baseline = lookups(client, max(5.0, timing["ingest_s"]))
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    b, d = summary(baseline), summary(during)
    print(f"store {args.db.name}; ingest of {args.file.name}: {timing['ingest_s']:.1f} s, "
          f"{timing['rows_kept']:,.0f} rows kept; one client, keep-alive, localhost; {os.cpu_count()} CPUs")
    print(f"{'lookups':<26}{'n':>7}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for name, r in (("baseline (nothing else)", b), ("during the admin ingest", d)):
        print(f"{name:<26}{r['n']:>7.0f}{r['p50']:>9.2f}{r['p99']:>9.2f}{r['max']:>9.2f}")
    print(f"ratio during/baseline: p50 {d['p50'] / b['p50']:.2f}, p99 {d['p99'] / b['p99']:.2f}; "
          f"p99 during <= 100 ms: {'yes' if d['p99'] <= 100 else 'NO'}")


if __name__ == "__main__":
    main()
