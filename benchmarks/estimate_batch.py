"""Batch estimates: `paybench estimate --input FILE --output OUT` on N rows (default 100,000)
built from real titles and places, timed beside baselines measured in the same run (issue 15
target: 100,000 rows in <= 10 s).

    python benchmarks/estimate_batch.py --db STORE [--rows 100000] [--reference-rows 5000]

STORE needs a trained estimator beside it (`paybench train`; a copy is fine: the batch only
reads). The input is the plain layout (title, place, years, level, industry, company_size,
remote, skills) resampled with a fixed seed from real rows: titles and worksites of the DOL
LCA disclosure sample (../shared/data/lca/lca_fy2020_q1_sample.csv) and titles of the
ai-jobs.net survey (../shared/data/aijobs/salaries.csv), US places as filed ('Hudson, OH'),
the survey's places as countries; years of experience, levels, company sizes and work modes
drawn at random, some left blank as users leave them.

Timed in one run:
- the batch: `paybench estimate --input --output` in a subprocess (start-up included),
- I/O floor: the same file read and written back with its columns plus six (Python's csv),
- the path before issue 15 (tests/estimate_reference.py: a frame of every row through the
  anchors and the quantile models) on the first `--reference-rows` rows, in this process,
  extrapolated per row, and the batch path of today on the same rows for the ratio.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
TARGET_SECONDS = 10.0
"""Issue 15, item 5: 100,000 batch estimates in <= 10 s."""
COLUMNS = ["title", "place", "years", "level", "industry", "company_size", "remote", "skills"]


def real_titles_and_places() -> tuple[list[str], list[str]]:
    """Titles (LCA filings and the survey) and places (LCA worksites 'City, ST' and the
    survey's countries of residence), with repeats as they occur in the files."""
    titles: list[str] = []
    places: list[str] = []
    with (SHARED / "lca" / "lca_fy2020_q1_sample.csv").open(encoding="utf-8", errors="replace") as handle:
        for row in csv.DictReader(handle):
            titles.append(row["JOB_TITLE"])
            if row["WORKSITE_CITY"] and row["WORKSITE_STATE"]:
                places.append(f"{row['WORKSITE_CITY']}, {row['WORKSITE_STATE']}")
    with (SHARED / "aijobs" / "salaries.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            titles.append(row["job_title"])
            places.append(row["employee_residence"])
    return titles, places


def write_input(path: Path, rows: int, seed: int = 15) -> None:
    """`rows` rows of the plain layout, resampled from the real titles and places."""
    rng = random.Random(seed)
    titles, places = real_titles_and_places()
    levels = ["", "", "", "entry", "mid", "senior", "staff"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for _ in range(rows):
            writer.writerow([
                rng.choice(titles), rng.choice(places) if rng.random() < 0.9 else "",
                rng.choice(["", str(rng.randint(0, 25))]), rng.choice(levels),
                rng.choice(["", "", "", "finance", "technology", "healthcare"]),
                rng.choice(["", "S", "M", "L"]), rng.choice(["", "", "remote", "hybrid", "onsite"]),
                rng.choice(["", "", "", "python;sql", "pytorch"])])


def io_floor(src: Path, dst: Path) -> float:
    """Seconds to read the CSV and write it back with six more columns (Python's csv)."""
    started = time.perf_counter()
    with src.open(newline="", encoding="utf-8") as inp, dst.open("w", newline="", encoding="utf-8") as out:
        reader, writer = csv.reader(inp), csv.writer(out)
        writer.writerow([*next(reader), "role", "estimated_level", "p10", "p50", "p90", "reason"])
        for row in reader:
            writer.writerow([*row, "", "", "", "", "", ""])
    return time.perf_counter() - started


def reference_and_today(db: Path, src: Path, rows: int) -> tuple[float, float, int]:
    """Seconds of the pre-change path and of today's, on the first `rows` rows (normalizing
    the rows is common to both and timed apart: it is not included), and how many differ."""
    sys.path.insert(0, str(ROOT / "tests"))
    import estimate_reference as reference
    from paybench.bench import BenchmarkModel
    from paybench.errors import PaybenchError
    from paybench.estimate import features as F
    from paybench.estimate.model import load_model, model_path
    from paybench.store import Store

    with Store(db, read_only=True) as store:
        path = model_path(store)
        model, fresh = load_model(path), load_model(path)  # `fresh`: no outputs kept from a run
        if model is None or fresh is None:
            raise SystemExit(f"no trained estimator beside {db}: run `paybench train` on it first")
        priors, bench = F.OewsPriors.load(store), BenchmarkModel.load(store)
        bench_today = BenchmarkModel.load(store)  # no cells computed by the reference run
    with src.open(newline="", encoding="utf-8") as handle:
        raw = [row for _, row in zip(range(rows), csv.DictReader(handle), strict=False)]
    prepared = []
    for row in raw:
        with contextlib.suppress(PaybenchError):
            prepared.append(F.prepare_row(row, "plain"))
    started = time.perf_counter()
    old = reference.batch_quantiles(model, priors, prepared, bench)
    old_s = time.perf_counter() - started
    started = time.perf_counter()
    new = fresh.estimate_rows(prepared, priors, bench_today)
    new_s = time.perf_counter() - started
    today = [(p.role or "", p.level, round(a.p10), round(a.p50), round(a.p90))
             for p, a in zip(prepared, new, strict=True)]
    return old_s, new_s, sum(a != b for a, b in zip(old, today, strict=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="a store with a trained estimator")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--reference-rows", type=int, default=5_000,
                        help="rows to time the pre-change path on (0: skip)")
    args = parser.parse_args()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="paybench-batch-") as tmp:
        src, out, floor_out = Path(tmp) / "input.csv", Path(tmp) / "out.csv", Path(tmp) / "floor.csv"
        write_input(src, args.rows)
        floor_s = io_floor(src, floor_out)
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "paybench", "estimate", "--db", str(args.db),
                               "--input", str(src), "--output", str(out)],
                              capture_output=True, text=True, check=False)
        batch_s = time.perf_counter() - started
        child = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0:
            raise SystemExit(f"paybench estimate failed: {done.stderr.strip()[-500:]}")
        with out.open(newline="", encoding="utf-8") as handle:
            written = list(csv.DictReader(handle))
        estimated = sum(1 for r in written if r["p50"])
        ref = reference_and_today(args.db, src, args.reference_rows) if args.reference_rows else None
    load_after = os.getloadavg()
    print(f"store {args.db.name}; input: {args.rows:,} rows (plain layout, real LCA and survey titles "
          f"and places); {os.cpu_count()} CPUs; load average before {load_before[0]:.2f}, "
          f"after {load_after[0]:.2f}")
    print(f"paybench estimate --input --output: {batch_s:.2f} s ({args.rows / batch_s:,.0f} rows/s; "
          f"{estimated:,} estimated, {len(written) - estimated:,} with a reason; peak RSS "
          f"{child.ru_maxrss / 1024:,.0f} MB); target <= {TARGET_SECONDS:g} s: "
          f"{'pass' if batch_s <= TARGET_SECONDS else 'FAIL'}")
    print(f"I/O floor (csv read + write, same file): {floor_s:.2f} s; "
          f"batch / floor = {batch_s / floor_s:.1f}")
    print(done.stdout.strip())
    if ref is not None:
        old_s, new_s, differ = ref
        n = args.reference_rows
        print(f"pre-change path on {n:,} prepared rows: {old_s:.2f} s (~{old_s / n * args.rows:.0f} s "
              f"per {args.rows:,}); today's path on the same rows: {new_s:.2f} s; ratio "
              f"{old_s / new_s:.1f}x; rows whose answer differs: {differ}")


if __name__ == "__main__":
    main()
