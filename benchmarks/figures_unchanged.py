"""Are the figures unchanged? Runs the same commands with the code of an earlier commit and
with the working tree, on stores built the same way, and compares every number.

    .venv/bin/python benchmarks/figures_unchanged.py --before 076987f [--eval]

For each code tree (the earlier commit is checked out with `git worktree` in a temp dir and
put first on PYTHONPATH; the working tree likewise), two stores are built from nothing: the
embedded defaults, and the defaults plus ../shared/data/aijobs/salaries.csv. On each it runs
`paybench guide --format csv,json` and a fixed list of CLI commands with --json (cells in
metros, states, remote and another country, other dates and growth, bands, a posting range,
an offer, a contract rate, estimates). Then it checks that
- guide.csv is the same byte for byte;
- guide.json is the same value for value but for the time it was written, the store's
  timestamps and paths, and three fitted parameters (within_sd, shrinkage_k, level_offsets) that
  DuckDB's parallel aggregation leaves uncertain in their 15th-16th digit in either tree;
- every number each earlier command printed is printed again (the later output may add
  fields: a multiset inclusion of (key, value) pairs, values rounded to 6 decimals).
`--eval` also runs benchmarks/estimate_eval.py with both trees and compares its output but for
its timings. Exit status 1 on any difference, with the first ones printed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SURVEY = ROOT.parent / "shared" / "data" / "aijobs" / "salaries.csv"
MLE = "machine-learning-engineer"
COMMANDS: list[list[str]] = [
    ["bench", "--role", MLE, "--level", "senior", "--place", "Seattle, WA"],
    ["bench", "--role", MLE, "--level", "mid", "--place", "Boston, MA"],
    ["bench", "--role", MLE, "--level", "senior", "--place", "San Jose, CA"],
    ["bench", "--role", MLE, "--level", "mid", "--place", "Austin, TX"],
    ["bench", "--role", "data-scientist", "--level", "entry"],
    ["bench", "--role", "head-of-ai", "--level", "director"],
    ["bench", "--role", "software-engineer", "--level", "staff", "--place", "Remote"],
    ["bench", "--role", MLE, "--level", "senior", "--place", "CA"],
    ["bench", "--role", "data-engineer", "--level", "mid", "--place", "Texas"],
    ["bench", "--role", "data-engineer", "--level", "mid", "--place", "Germany"],
    ["bench", "--role", MLE, "--level", "senior", "--as-of", "2025-01-01", "--growth", "0.05"],
    ["bands", "--role", MLE, "--place", "Austin, TX"],
    ["bands", "--role", "data-scientist", "--place", "New York, NY", "--management"],
    ["posting-range", "--role", MLE, "--level", "senior", "--place", "Denver, CO", "--date", "2026-06-01"],
    ["offer", "--base", "185000", "--title", "ML Engineer", "--level", "mid", "--place", "Boston, MA",
     "--start", "2026-01-01"],
    ["contract", "--rate", "120", "--role", MLE],
    ["estimate", "--title", "Senior ML Engineer", "--place", "Boston, MA", "--years", "6"],
    ["estimate", "--title", "Machine Learning Engineer", "--place", "Austin, TX", "--level", "mid"],
    ["estimate", "--title", "Data Scientist"],
]
NOISY_PARAMETERS = ("within_sd", "shrinkage_k", "level_offsets")
TIMESTAMPS = ("generated_at", "last_ingest", "finished_at", "started_at", "trained_at", "paths", "store")


def run(tree: Path, db: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(tree / "src"), "PAYBENCH_DB": str(db),
           "PAYBENCH_HOME": str(home), "PAYBENCH_THREADS": "1"}
    return subprocess.run([sys.executable, "-m", "paybench", *args], capture_output=True, text=True,
                          env=env, timeout=1800)


def outputs(tree: Path, folder: Path) -> dict[str, Any]:
    """Build the two stores with `tree`'s code and collect what the commands print."""
    folder.mkdir(parents=True)
    home = folder / "home"
    found: dict[str, Any] = {}
    for name, files in (("defaults", []), ("survey", [str(SURVEY)])):
        db = folder / f"{name}.duckdb"
        for args in (["ingest", "--defaults"], *(["ingest", f] for f in files)):
            proc = run(tree, db, home, *args)
            if proc.returncode:
                sys.exit(f"{tree}: {' '.join(args)}: {proc.stderr}")
        proc = run(tree, db, home, "guide", "--out", str(folder / f"guide-{name}"), "--format", "csv,json")
        if proc.returncode:
            sys.exit(f"{tree}: guide: {proc.stderr}")
        found[f"{name}/guide.csv"] = (folder / f"guide-{name}" / "guide.csv").read_text(encoding="utf-8")
        found[f"{name}/guide.json"] = json.loads((folder / f"guide-{name}" / "guide.json").read_text())
        for args in COMMANDS:
            proc = run(tree, db, home, *args, "--json")
            found[f"{name}: {' '.join(args)}"] = (json.loads(proc.stdout) if proc.returncode == 0
                                                 else f"exit {proc.returncode}: {proc.stderr.strip()}")
    return found


def scrub(value: Any) -> Any:
    """A guide.json without its timestamps, paths and noisy fitted parameters."""
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items()
                if k not in TIMESTAMPS and k not in NOISY_PARAMETERS}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    if isinstance(value, str):
        return re.sub(r"/tmp/\S+", "<path>", value)
    return value


Numbers = Counter[tuple[str, float]]


def numbers(value: Any, key: str = "", acc: Numbers | None = None) -> Numbers:
    """Every number in a JSON value with the key it stands under."""
    acc = Counter() if acc is None else acc
    if isinstance(value, dict):
        for k, v in value.items():
            if k not in TIMESTAMPS and k != "train_seconds":
                numbers(v, k, acc)
    elif isinstance(value, list):
        for v in value:
            numbers(v, key, acc)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        acc[(key, round(float(value), 6))] += 1
    return acc


def compare(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    problems = []
    for key, old in before.items():
        new = after.get(key)
        if key.endswith("guide.csv"):
            if old != new:
                problems.append(f"{key}: differs")
        elif key.endswith("guide.json"):
            if scrub(old) != scrub(new):
                problems.append(f"{key}: differs")
        elif isinstance(old, str):  # an error before: still an error
            if not isinstance(new, str):
                problems.append(f"{key}: was an error ({old}), now answers")
        else:
            missing = numbers(old) - numbers(new) if not isinstance(new, str) else numbers(old)
            if missing:
                problems.append(f"{key}: numbers missing or changed: {list(missing.items())[:5]}")
    return problems


def evaluation(tree: Path, home: Path) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(tree / "src"), "PAYBENCH_HOME": str(home)}
    script = tree / "benchmarks" / "estimate_eval.py"
    proc = subprocess.run([sys.executable, str(script), "--data", str(SURVEY)],
                          capture_output=True, text=True, env=env, timeout=3600)
    if proc.returncode:
        sys.exit(f"{tree}: estimate_eval: {proc.stderr[-2000:]}")
    timing = re.compile(r"^(machine|train|batch|title x level|model: trained)")
    return [line for line in proc.stdout.splitlines() if not timing.match(line)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", required=True, help="the earlier commit")
    parser.add_argument("--eval", action="store_true", help="also compare estimate_eval.py")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pb-figures-") as tmp:
        old_tree = Path(tmp) / "before"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(old_tree), args.before],
                       check=True, capture_output=True)
        try:
            before = outputs(old_tree, Path(tmp) / "out-before")
            after = outputs(ROOT, Path(tmp) / "out-after")
            problems = compare(before, after)
            checked = len(before)
            if args.eval:
                old_eval = evaluation(old_tree, Path(tmp) / "home-eval-before")
                new_eval = evaluation(ROOT, Path(tmp) / "home-eval-after")
                checked += 1
                if old_eval != new_eval:
                    diff = [f"{a!r} -> {b!r}" for a, b in zip(old_eval, new_eval, strict=False) if a != b]
                    problems.append(f"estimate_eval: {diff[:5]}")
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(old_tree)],
                           capture_output=True)
    print(f"before {args.before}, after: the working tree; {checked} outputs compared "
          f"({len(COMMANDS)} commands and the guide's csv and json on two stores"
          f"{', and estimate_eval.py' if args.eval else ''})")
    for line in problems:
        print("DIFFERENT", line)
    print("same figures" if not problems else f"{len(problems)} outputs differ")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
