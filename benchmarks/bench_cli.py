"""Wall time of one `paybench bench` call from the command line, with the benchmark model
built from the store (no cache file) and read from the cache file beside the store, and,
as the baseline measured in the same run, `paybench --help` (interpreter start and imports).

    python benchmarks/bench_cli.py --db STORE [--repeat 5]

STORE is copied to a temp dir first (the cache file is written beside the copy). Each
variant runs `--repeat` times; the script prints the median seconds of each and their ratios.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ARGS = ["bench", "--role", "machine-learning-engineer", "--level", "senior", "--place", "Seattle, WA",
        "--json"]


def run(exe: Path, args: list[str], db: Path) -> float:
    """Seconds for one CLI call (it must succeed)."""
    start = time.perf_counter()
    subprocess.run([str(exe), *args], env={**os.environ, "PAYBENCH_DB": str(db)}, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="a store with the defaults (and any data)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    exe = Path(sys.executable).with_name("paybench")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "store.duckdb"
        shutil.copy(args.db, db)
        cache = db.with_name(db.name + ".bench.pkl")
        times: dict[str, list[float]] = {"--help (baseline)": [], "bench, model built": [],
                                         "bench, model from cache": []}
        for _ in range(args.repeat):
            times["--help (baseline)"].append(run(exe, ["--help"], db))
            cache.unlink(missing_ok=True)
            times["bench, model built"].append(run(exe, ARGS, db))
            assert cache.exists(), "the bench call wrote no cache file"
            times["bench, model from cache"].append(run(exe, ARGS, db))
    base = statistics.median(times["--help (baseline)"])
    built = statistics.median(times["bench, model built"])
    print(f"store: {args.db} ({args.db.stat().st_size / 1e6:.1f} MB); {args.repeat} runs each, median")
    print(f"{'variant':<26}{'seconds':>9}{'vs --help':>11}{'vs built':>10}")
    for name, values in times.items():
        med = statistics.median(values)
        print(f"{name:<26}{med:>9.2f}{med / base:>11.2f}{med / built:>10.2f}")


if __name__ == "__main__":
    main()
