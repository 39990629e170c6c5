"""Batch estimates: `paybench estimate --input FILE --output OUT` on N rows (default 100,000)
built from real titles and places, timed beside baselines measured in the same run (issue 15
target: 100,000 rows in <= 10 s).

    python benchmarks/estimate_batch.py --db STORE [--rows 100000] [--reference-rows 5000]

STORE needs a trained estimator beside it (`paybench train`; a copy is fine: the batch only
reads). The input is the plain layout (title, place, years, level, industry, company_size,
remote, skills) resampled with a fixed seed from real rows, half from the DOL LCA disclosure
sample (../shared/data/lca/lca_fy2020_q1_sample.csv: job title and worksite as filed,
'Hudson, OH') and half from the ai-jobs.net survey (../shared/data/aijobs/salaries.csv: job
title, country of residence, level, company size, remote ratio), a third with years of
experience added.

Timed in one run:
- the batch: `paybench estimate --input --output` in a subprocess (start-up included), twice:
  cold (no cells kept beside the store), then with the cells the first run kept
  (`<store>.cells.pkl`),
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


def real_rows() -> list[list[str]]:
    """Real rows in the plain layout: each DOL LCA filing of the sample as (job title, worksite
    'City, ST') and each ai-jobs.net survey row as (job title, country of residence, its level,
    company size and remote ratio), kept together as they occur in the files."""
    out: list[list[str]] = []
    with (SHARED / "lca" / "lca_fy2020_q1_sample.csv").open(encoding="utf-8", errors="replace") as handle:
        for row in csv.DictReader(handle):
            place = f"{row['WORKSITE_CITY']}, {row['WORKSITE_STATE']}" if row["WORKSITE_CITY"] else ""
            out.append([row["JOB_TITLE"], place, "", "", "", "", "", ""])
    levels = {"EN": "entry", "MI": "mid", "SE": "senior", "EX": "executive"}
    with (SHARED / "aijobs" / "salaries.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            out.append([row["job_title"], row["employee_residence"], "",
                        levels.get(row["experience_level"], ""), "", row["company_size"],
                        row["remote_ratio"], ""])
    return out


def write_input(path: Path, rows: int, seed: int = 15) -> None:
    """`rows` rows of the plain layout drawn with replacement from `real_rows`, half from the
    filings and half from the survey, a third of them with years of experience."""
    rng = random.Random(seed)
    real = real_rows()
    lca = [r for r in real if not r[3]]
    survey = [r for r in real if r[3]]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for i in range(rows):
            row = list(rng.choice(lca if i % 2 else survey))
            if rng.random() < 1 / 3:
                row[2] = str(rng.randint(0, 25))
            writer.writerow(row)


def io_floor(src: Path, dst: Path) -> float:
    """Seconds to read the CSV and write it back with six more columns (Python's csv)."""
    started = time.perf_counter()
    with src.open(newline="", encoding="utf-8") as inp, dst.open("w", newline="", encoding="utf-8") as out:
        reader, writer = csv.reader(inp), csv.writer(out)
        writer.writerow([*next(reader), "role", "estimated_level", "p10", "p50", "p90", "reason"])
        for row in reader:
            writer.writerow([*row, "", "", "", "", "", ""])
    return time.perf_counter() - started


def in_process(db: Path, src: Path, out: Path) -> dict[str, float]:
    """The batch again, in this process (`paybench.estimate.estimate_batch`): seconds per
    stage, imports and process start-up excluded."""
    from paybench.estimate import estimate_batch
    from paybench.estimate.model import load_model, model_path
    from paybench.store import Store

    timings: dict[str, float] = {}
    started = time.perf_counter()
    with Store(db, read_only=True) as store:
        model = load_model(model_path(store))
        timings["load"] = time.perf_counter() - started
        estimate_batch(store, src, out, model=model, timings=timings)
    timings["total"] = time.perf_counter() - started
    return timings


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
        kept = args.db.with_name(args.db.name + ".cells.pkl")
        kept.unlink(missing_ok=True)  # the first run computes every cell
        runs: list[float] = []
        for _ in range(2):  # cold, then with the cells the first run kept beside the store
            started = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "paybench", "estimate", "--db", str(args.db),
                                   "--input", str(src), "--output", str(out)],
                                  capture_output=True, text=True, check=False)
            runs.append(time.perf_counter() - started)
            if done.returncode != 0:
                raise SystemExit(f"paybench estimate failed: {done.stderr.strip()[-500:]}")
        batch_s = runs[0]
        child = resource.getrusage(resource.RUSAGE_CHILDREN)
        with out.open(newline="", encoding="utf-8") as handle:
            written = list(csv.DictReader(handle))
        estimated = sum(1 for r in written if r["p50"])
        stages = in_process(args.db, src, Path(tmp) / "out2.csv")  # cells kept: read back
        ref = reference_and_today(args.db, src, args.reference_rows) if args.reference_rows else None
    load_after = os.getloadavg()
    print(f"store {args.db.name}; input: {args.rows:,} rows (plain layout, real LCA and survey titles "
          f"and places); {os.cpu_count()} CPUs; load average before {load_before[0]:.2f}, "
          f"after {load_after[0]:.2f}")
    print(f"paybench estimate --input --output: {batch_s:.2f} s ({args.rows / batch_s:,.0f} rows/s; "
          f"{estimated:,} estimated, {len(written) - estimated:,} with a reason; peak RSS "
          f"{child.ru_maxrss / 1024:,.0f} MB); target <= {TARGET_SECONDS:g} s: "
          f"{'pass' if batch_s <= TARGET_SECONDS else 'FAIL'}")
    print(f"again, with the cells the first run kept beside the store: {runs[1]:.2f} s "
          f"({args.rows / runs[1]:,.0f} rows/s); target <= {TARGET_SECONDS:g} s: "
          f"{'pass' if runs[1] <= TARGET_SECONDS else 'FAIL'}")
    print(f"I/O floor (csv read + write, same file): {floor_s:.2f} s; "
          f"batch / floor = {batch_s / floor_s:.1f} (cold), {runs[1] / floor_s:.1f} (cells kept)")
    print(done.stdout.strip())
    print("in process, by stage (s): " + ", ".join(f"{k} {v:.2f}" for k, v in stages.items()))
    if ref is not None:
        old_s, new_s, differ = ref
        n = args.reference_rows
        print(f"pre-change path on {n:,} prepared rows: {old_s:.2f} s (~{old_s / n * args.rows:.0f} s "
              f"per {args.rows:,}); today's path on the same rows: {new_s:.2f} s; ratio "
              f"{old_s / new_s:.1f}x; rows whose answer differs: {differ}")


if __name__ == "__main__":
    main()
