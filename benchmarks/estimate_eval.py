"""Time-split evaluation of the estimator on the real ai-jobs.net survey, and its speed.

    /work/venv/bin/python benchmarks/estimate_eval.py [--data ../shared/data/aijobs/salaries.csv]

Split (written to a temp dir, nothing copied into the repository):
- train: every row with work_year <= 2023 (all countries and employment types, as a user
  would ingest them; the store keeps one row per distinct row);
- test: rows with work_year >= 2024, US residents, full time; exact duplicates within the
  test side are dropped, and so is every test row identical to a training row on all
  columns but work_year, so that no row is on both sides.

A store is built from the embedded reference defaults (OEWS and the published figures; not
the embedded survey snapshot, which holds the test rows) plus the training file, the model is trained
(calibration slice: the training period's latest year, 2023), and `paybench evaluate
--test test.csv` is run as a user runs it. Then the speed: the time to train, and the time
to estimate 10,000 rows in batch (`paybench estimate --input`, in process) against the
title x level lookup's time on the same rows, as a ratio measured in the same run.

`--seeds N` then retrains the model N more times with other seeds (every random choice:
folds, bagging) on the same store and prints, per seed, each level's coverage and the
model's MAPE and pinball losses against the lookup's: how much of the figures above is the
method and how much the draw.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "aijobs" / "salaries.csv"
TEST_FROM_YEAR = 2024


def split(data: Path, folder: Path) -> tuple[Path, Path, dict[str, int]]:
    """Write train.csv and test.csv; return their paths and row counts."""
    with data.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = list(reader)
    year = header.index("work_year")
    train = [r for r in rows if int(r[year]) < TEST_FROM_YEAR]
    later = [r for r in rows if int(r[year]) >= TEST_FROM_YEAR]
    seen_train = {tuple(v for i, v in enumerate(r) if i != year) for r in train}
    res, emp = header.index("employee_residence"), header.index("employment_type")
    test, seen = [], set()
    dropped_dup = dropped_train = 0
    for r in later:
        key = tuple(r)
        if key in seen:
            dropped_dup += 1
            continue
        seen.add(key)
        if tuple(v for i, v in enumerate(r) if i != year) in seen_train:
            dropped_train += 1
            continue
        if r[res] == "US" and r[emp] == "FT":
            test.append(r)
    paths = []
    for name, part in (("train.csv", train), ("test.csv", test)):
        path = folder / name
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(part)
        paths.append(path)
    counts = {"rows": len(rows), "train": len(train), "later": len(later),
              "test_dropped_duplicates": dropped_dup, "test_dropped_in_train": dropped_train,
              "test_us_full_time": len(test)}
    return paths[0], paths[1], counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--rows", type=int, default=10_000, help="rows for the batch timing")
    parser.add_argument("--seeds", type=int, default=0, help="retrain with this many other seeds")
    args = parser.parse_args()

    from paybench.estimate import estimate_batch
    from paybench.estimate import features as F
    from paybench.estimate.evaluate import Lookup
    from paybench.estimate.model import model_path, save_model, train_model
    from paybench.ingest import ingest_defaults, ingest_file
    from paybench.store import Store

    with tempfile.TemporaryDirectory(prefix="pb-est-") as tmp:
        folder = Path(tmp)
        train_csv, test_csv, counts = split(args.data, folder)
        print(f"data: {args.data} ({counts['rows']:,} rows)")
        print(f"train: work_year < {TEST_FROM_YEAR}: {counts['train']:,} rows (all countries and types)")
        print(f"test: work_year >= {TEST_FROM_YEAR}: {counts['later']:,} rows; dropped "
              f"{counts['test_dropped_duplicates']:,} exact duplicates and "
              f"{counts['test_dropped_in_train']:,} identical to a training row but for the year; "
              f"kept {counts['test_us_full_time']:,} US full-time rows")
        db = folder / "eval.duckdb"
        with Store(db) as store:
            ingest_defaults(store, survey=False)  # the embedded survey holds the test rows
            ingest_file(store, train_csv)
            started = time.perf_counter()
            model = train_model(store)
            train_seconds = time.perf_counter() - started
            save_model(model, model_path(store))
        env = {**os.environ, "PAYBENCH_DB": str(db)}
        print("\n$ paybench evaluate --test test.csv\n", flush=True)
        proc = subprocess.run([sys.executable, "-m", "paybench", "evaluate", "--test", str(test_csv)],
                              capture_output=True, text=True, env=env)
        if proc.returncode != 0:
            sys.exit(proc.stderr)
        print(proc.stdout.replace(str(test_csv), "test.csv"))
        summarize(db, test_csv)

        # speed: batch estimate of N test rows vs the title x level lookup on the same rows
        with test_csv.open(newline="", encoding="utf-8") as handle:
            lines = handle.read().splitlines()
        batch_csv = folder / "batch.csv"
        batch_csv.write_text("\n".join(lines[: args.rows + 1]) + "\n", encoding="utf-8")
        n = len(lines[: args.rows + 1]) - 1
        with Store(db) as store:
            estimate_batch(store, batch_csv, folder / "warm.csv")  # load caches once
            started = time.perf_counter()
            result = estimate_batch(store, batch_csv, folder / "out.csv")
            batch_seconds = time.perf_counter() - started
            started = time.perf_counter()
            obs = F.load_observations(store)
            rows = [F.prepare_row({k.lower(): v for k, v in r.items()}, "survey")
                    for r in csv.DictReader(batch_csv.open(newline="", encoding="utf-8"))]
            Lookup(obs).predict(F.prepared_frame(rows))
            lookup_seconds = time.perf_counter() - started
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores (shared), "
              f"Python {platform.python_version()}")
        print(f"train: {train_seconds:.1f} s ({model.info.rows_observations:,} observations + "
              f"{model.info.rows_statistics} statistics; two fits: calibration and final)")
        print(f"batch estimate of {n:,} rows: {batch_seconds:.2f} s ({n / batch_seconds:,.0f} rows/s; "
              f"{result.estimated:,} estimated, {result.failed} with a reason)")
        print(f"title x level lookup on the same rows (store read, normalize, look up): "
              f"{lookup_seconds:.2f} s; estimate / lookup = {batch_seconds / lookup_seconds:.1f}x")
        if args.seeds:
            seed_robustness(db, test_csv, args.seeds)


LEVEL_TARGET = (77.0, 83.0)
"""Issue 13: every level's P10-P90 covers 80% +/- 3 points on the time-forward split."""


def summarize(db: Path, test_csv: Path) -> None:
    """Per level: the model's coverage against the target, and its mean interval score at
    alpha = 0.2 against the title x level lookup's on the same rows (ratio < 1: better)."""
    from paybench.bench import BenchmarkModel
    from paybench.estimate import features as F
    from paybench.estimate.evaluate import evaluate_model
    from paybench.estimate.model import ensure_model
    from paybench.store import Store

    with Store(db, read_only=True) as store:
        model = ensure_model(store)[0]
        report = evaluate_model(model, F.load_observations(store), F.OewsPriors.load(store),
                                test_csv, BenchmarkModel.load(store))
    by = {(m.group, m.method): m for m in report.metrics}
    print(f"\ncalibration per level (target {LEVEL_TARGET[0]:.0f}-{LEVEL_TARGET[1]:.0f}%) and "
          "interval score at alpha = 0.2 (Gneiting & Raftery 2007), model vs lookup;\n"
          "calibration rows of the level (distinct, in the calibration slice) and the correction "
          "it takes, for the quantile models and the cell-anchored estimates:")
    print(f"{'group':<18} {'n':>6} {'coverage':>9} {'95% interval':>13} {'in target':>9} "
          f"{'IS model':>10} {'IS lookup':>10} {'ratio':>6}  {'models':<16} {'anchored':<16}")
    for (group, method), row in by.items():
        if method != "model" or not (group == "all" or group.startswith("level=")):
            continue
        look = by[(group, "lookup")]
        inside = "yes" if LEVEL_TARGET[0] <= row.coverage <= LEVEL_TARGET[1] else "NO"
        level = group.removeprefix("level=")
        low, high = wilson(row.coverage / 100, row.n)
        band = f"{100 * low:.1f}-{100 * high:.1f}%"
        print(f"{group:<18} {row.n:>6,} {row.coverage:>8.1f}% {band:>13} "
              f"{inside:>9} "
              f"{row.interval_score:>10,.0f} {look.interval_score:>10,.0f} "
              f"{row.interval_score / look.interval_score:>6.3f}  "
              f"{calibration_source(model.conformal, level):<16} "
              f"{calibration_source(model.anchor_conformal, level):<16}")


def wilson(share: float, n: int, z: float = 1.959964) -> tuple[float, float]:
    """The Wilson score interval (Wilson 1927, JASA 22:209) of a share observed on n rows, at
    95% by default: how far a level's coverage could stray from its true value by the draw of
    the test rows alone (shown beside the coverage; the target test uses the coverage itself)."""
    if n <= 0:
        return 0.0, 1.0
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * (share * (1 - share) / n + z * z / (4 * n * n)) ** 0.5
    return max(0.0, centre - half), min(1.0, centre + half)


def calibration_source(cqr: Any, level: str) -> str:
    """'<distinct calibration rows> -> <own level | pooled>' for one level of a fitted
    `MondrianCQR` (all rows for 'all'); '-' when there is none."""
    if cqr is None:
        return "-"
    if level == "all":
        return f"{cqr.n:,} -> pooled"
    rows = cqr.counts.get((level,), 0)
    return f"{rows:,} -> {'own' if (level,) in cqr.by_group else 'pooled'}"


def ratio(by: dict[tuple[str, str], Any], group: str) -> float:
    """The model's mean interval score over the lookup's on one group."""
    return float(by[(group, "model")].interval_score / by[(group, "lookup")].interval_score)


def seed_robustness(db: Path, test_csv: Path, count: int) -> None:
    """Retrain with `count` other seeds; print coverage per level and losses vs the lookup."""
    import importlib

    from paybench.bench import BenchmarkModel
    from paybench.estimate import features as F
    from paybench.estimate.model import SEED, train_model
    from paybench.store import Store

    evaluate = importlib.import_module("paybench.estimate.evaluate")
    print(f"\nother seeds (default {SEED}): per level, coverage % / interval score over the "
          "lookup's; then MAPE and pinball losses, model vs lookup, % difference")
    levels = ["all", *(f"level={lv}" for lv in
                       ("entry", "mid", "senior", "manager", "director", "executive"))]
    print(f"{'seed':>6} " + " ".join(f"{g.removeprefix('level='):>13}" for g in levels)
          + "   all: MAPE  pin10  pin50  pin90 | thin: MAPE  pin10  pin50  pin90")
    for seed in range(1, count + 1):
        with Store(db) as store:
            model = train_model(store, seed=seed)
            report = evaluate.evaluate_model(model, F.load_observations(store), F.OewsPriors.load(store),
                                             test_csv, BenchmarkModel.load(store))
        by = {(m.group, m.method): m for m in report.metrics}

        def gap(group: str, by: dict[tuple[str, str], Any] = by) -> str:
            mo, lk = by[(group, "model")], by[(group, "lookup")]
            return " ".join(f"{100 * (getattr(mo, k) / getattr(lk, k) - 1):+5.1f}"
                            for k in ("mape", "pinball_10", "pinball_50", "pinball_90"))

        print(f"{seed:>6} " + " ".join(
            f"{by[(g, 'model')].coverage:>6.1f}/{ratio(by, g):<6.3f}" for g in levels if (g, "model") in by)
              + f"   all: {gap('all')} | thin: {gap('thin (<20 rows)')}", flush=True)


if __name__ == "__main__":
    main()
