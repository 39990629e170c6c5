"""The derived views' cache files (`<store>.bench.<component>.<segment>.pkl`) and `paybench
bench --component total`, against an earlier commit, measured in the same run.

    .venv/bin/python benchmarks/view_cache.py --db STORE [--before COMMIT] [--repeat 3]

STORE must hold total-compensation records (e.g. the defaults with
tests/data/levelsfyi_sample.csv ingested on top). Each code tree (the working tree; with
`--before`, that commit's `src/` from `git archive`, first on PYTHONPATH) works on its own copy
of the store with its own PAYBENCH_HOME; the trees' runs are interleaved, each a fresh process:

1. `paybench guide --format csv,json` with every cache beside the store removed: it builds the
   base model and the views the guide's Total compensation section reads, and writes their
   cache files (after the base model has computed the guide's ~9,000 cells); its wall and CPU
   time, and the size of each view's file;
2. `paybench bench --component total ...`, the view read from the file the guide wrote,
   `--repeat` times;
3. unpickling that file alone (`pickle.load`, in a fresh process, once the modules of its
   classes are imported; best of 3);
4. `paybench bench --component total ...` with the view's file removed (the view built on its
   parent, read from its own file), `--repeat` times.

Printed: medians of wall and CPU (user + sys of the process and its children) per step and
tree, their ratios, the file sizes, and `paybench --help` as the baseline of process start-up.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from guide_generation import REPO, cli

BENCH = ["bench", "--role", "machine-learning-engineer", "--level", "senior", "--component", "total",
         "--json"]
LOAD = ("import pickle, sys, time; import paybench.bench.views; t = time.perf_counter(); "
        "pickle.load(open(sys.argv[1], 'rb')); print(time.perf_counter() - t)")
"""Seconds to unpickle a file, the modules of its classes imported first."""


class Tree:
    """One code tree's runs on its own copy of the store."""

    def __init__(self, name: str, src: Path, store: Path, work: Path) -> None:
        work.mkdir(parents=True)
        self.name, self.src, self.work, self.db = name, src, work, work / "store.duckdb"
        shutil.copyfile(store, self.db)
        self.home = work / "home"
        self.times: dict[str, list[tuple[float, float]]] = {}
        self.sizes: dict[str, int] = {}
        self.unpickle = 0.0

    def view_files(self) -> list[Path]:
        """The views' cache files beside the store (not the base model's)."""
        return sorted(p for p in self.db.parent.glob(self.db.name + ".bench.*.pkl"))

    def run(self, step: str) -> None:
        """One run of `step` ('guide', 'read', 'build'), its (wall, CPU) recorded."""
        if step == "guide":
            for path in self.db.parent.glob(self.db.name + ".*.pkl"):
                path.unlink()
            wall, cpu, _ = cli(self.src, self.db, self.home, "guide", "--format", "csv,json",
                               "--out", str(self.work / "guide"))
            self.sizes = {p.name.removeprefix(self.db.name + ".bench."): p.stat().st_size
                          for p in self.view_files()}
        else:
            if step == "build":
                self.db.with_name(self.db.name + ".bench.total.all.pkl").unlink(missing_ok=True)
            wall, cpu, _ = cli(self.src, self.db, self.home, *BENCH)
        self.times.setdefault(step, []).append((wall, cpu))

    def time_unpickle(self) -> None:
        """Best of 3 seconds to unpickle the total view's file, in a fresh process."""
        path = self.db.with_name(self.db.name + ".bench.total.all.pkl")
        env = {**os.environ, "PYTHONPATH": str(self.src)}
        self.unpickle = min(float(subprocess.run([sys.executable, "-c", LOAD, str(path)], env=env,
                                                 capture_output=True, text=True, check=True).stdout)
                            for _ in range(3))

    def median(self, step: str) -> tuple[float, float]:
        """Median wall and CPU seconds of a step."""
        runs = self.times[step]
        return statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="a store with total-compensation data")
    parser.add_argument("--before", default=None, help="also time this commit's code")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="paybench-view-bench-"))
    try:
        trees = [Tree("working tree", REPO / "src", args.db, work / "after")]
        if args.before:
            old = work / "before-src"
            old.mkdir()
            archive = subprocess.run(["git", "-C", str(REPO), "archive", args.before, "src"],
                                     capture_output=True, check=True).stdout
            subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
            trees.append(Tree(args.before, old / "src", args.db, work / "before"))
        load_before = os.getloadavg()
        startup = min(cli(REPO / "src", trees[0].db, trees[0].home, "--help")[0] for _ in range(3))
        for step in ["guide", *["read"] * args.repeat]:
            for tree in trees:
                tree.run(step)
        for tree in trees:  # the files the guide wrote
            tree.time_unpickle()
        for _ in range(args.repeat):
            for tree in trees:
                tree.run("build")
        load_after = os.getloadavg()
        print(f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, Python "
              f"{platform.python_version()}; load average {load_before[0]:.1f} before, "
              f"{load_after[0]:.1f} after; store {args.db.name}; process start-up (--help, best of 3) "
              f"{startup:.2f} s")
        labels = {"guide": "guide (csv, json), every cache removed",
                  "read": "bench --component total, view read",
                  "build": "bench --component total, view built"}
        print(f"{'step':<40}" + "".join(f"{t.name + ' wall':>22}{'CPU':>8}" for t in trees))
        for step, label in labels.items():
            print(f"{label:<40}" + "".join(f"{t.median(step)[0]:>22.2f}{t.median(step)[1]:>8.2f}"
                                          for t in trees))
        print(f"{'unpickle bench.total.all.pkl alone':<40}"
              + "".join(f"{t.unpickle:>22.3f}{'':>8}" for t in trees))
        for tree in trees:
            print(f"view files, {tree.name}: {len(tree.sizes)}, {sum(tree.sizes.values()) / 1e6:.2f} MB "
                  "in all: " + ", ".join(f"{k} {v / 1e6:.3f} MB" for k, v in tree.sizes.items()))
        if len(trees) == 2:
            new, old_tree = trees
            print(f"ratios {old_tree.name} / working tree (wall, CPU): " + "; ".join(
                f"{step} {old_tree.median(step)[0] / new.median(step)[0]:.2f}x, "
                f"{old_tree.median(step)[1] / new.median(step)[1]:.2f}x" for step in labels)
                + f"; unpickle {old_tree.unpickle / new.unpickle:.1f}x; view files "
                f"{sum(old_tree.sizes.values()) / sum(new.sizes.values()):.1f}x")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
