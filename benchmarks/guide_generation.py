"""Time the full salary guide as a user writes it (`paybench guide --out DIR`: HTML, PDF, CSV,
JSON), stage by stage, against baselines measured in the same run.

Usage: python benchmarks/guide_generation.py [--db STORE] [--before COMMIT] [--repeat 3]
                                             [--cold-repeat 1] [--metros 25] [--markdown FILE]
                                             [EXTRA_FILE ...]

The store is the defaults store (`paybench ingest --defaults`: OEWS May 2025, the published
figures and the ai-jobs.net survey), built here in a temporary directory, or a copy of
`--db`; EXTRA_FILE are ingested after the defaults. Then, each in a fresh process:

- **warm**: `python -m paybench guide --out DIR` with what the run before it cached (the
  benchmark model and the guide's cells beside the store, the drawn charts), `--repeat`
  times (median reported): the wall time of the
  process, and its stages as the command prints them (model load, cells, sections + charts,
  tables = guide.csv + guide.json, html, pdf); "start-up and the rest" is the wall time
  less the stages (interpreter, imports, opening the store, printing, exit);
- **cold**: the same with every cache removed first: the benchmark model
  (`<store>.bench.pkl`, built from the store) and its derived views' (`<store>.bench.total.all.pkl`
  ...: the Total compensation section's, when the store holds such data), the guide's cells
  (`<store>.guide.pkl`, with the page the last PDF printed), the drawn charts (`charts/` in the
  cache directory) and the compiled SQL (`sql/` there), `--cold-repeat` times (median);
- with `--after-ingest N`, the README's path, N times: in a fresh store and an empty cache
  directory, `python -m paybench ingest --defaults [EXTRA_FILE ...]` (which keeps the benchmark
  model and the guide's cells beside the store once its transactions commit), then `paybench
  guide --out DIR` ("after ingest"); and the same ingest without `--prepare` in another fresh
  store, so that the ingest's added time is measured in the same run. "cold" stays what it
  is (every cache removed by hand); "after ingest" is the guide a user who follows the README
  gets;
- with `--before COMMIT`, both again with that commit's code (`git archive`, first on
  PYTHONPATH) on its own copy of the store: the speed-up, measured in the same run.

Baselines, same run: `python -m paybench --help` (process start-up with the CLI's imports) and
writing guide.csv + guide.json alone for the same cells, in process. Each stage is printed
with its share of the warm total; the warm total is set against the 10 s target (issue 15).
With --markdown, the published-versus-measured table is written to FILE as Markdown.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from paybench.guide.compare import compare_markdown
from paybench.guide.report import build_report
from paybench.guide.tables import build_guide, write_guide
from paybench.ingest import ingest_defaults, ingest_file
from paybench.store import Store

REPO = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 10.0
"""Issue 15: the full guide from the defaults store in at most this long."""
STAGES = ("model", "cells", "sections", "print_html", "tables", "html", "pdf_path")
STAGE_NAMES = {"model": "model load", "cells": "cells", "sections": "sections + charts",
               "print_html": "html for print", "tables": "tables (csv + json)", "html": "html",
               "pdf_path": "pdf (WeasyPrint) *"}
"""The stages in the order they run. A tree that prints the PDF in a child process reports
'pdf' (the printing) and 'pdf_wait' (what was left of it after tables and html): the
critical path ('pdf_path') is the wait; else it is the printing."""


def cli(src: Path, db: Path, home: Path, *args: str) -> tuple[float, float, str]:
    """Run `python -m paybench ARGS` with `src` first on PYTHONPATH; (wall seconds, CPU seconds
    of the process: user + system, stdout)."""
    env = {**os.environ, "PYTHONPATH": str(src), "PAYBENCH_DB": str(db), "PAYBENCH_HOME": str(home),
           "COLUMNS": "200"}
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "paybench", *args], stdout=out, stderr=err,
                                text=True, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode:
        sys.exit(f"paybench {' '.join(args)} ({src}): {stderr[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, stdout


def stage_times(stdout: str) -> dict[str, float]:
    """The stage times `paybench guide` prints ('time: cells 1.23s, ...'), seconds by stage."""
    line = next((ln for ln in stdout.splitlines() if ln.startswith("time: ")), "")
    return {name: float(secs) for name, secs in re.findall(r"(\w+) ([\d.]+)s", line)}


class Tree:
    """One code tree's runs of the CLI on its own copy of the store."""

    def __init__(self, src: Path, store: Path, work: Path) -> None:
        work.mkdir(parents=True)
        self.src, self.work, self.db = src, work, work / "store.duckdb"
        shutil.copyfile(store, self.db)
        self.warm: list[dict[str, float]] = []
        self.cold: list[dict[str, float]] = []
        self.ingested: list[dict[str, float]] = []

    def after_ingest(self, tag: str, extra: list[Path]) -> dict[str, float]:
        """`paybench ingest --defaults EXTRA` with `--prepare` and without, each in a fresh
        store and cache directory, then `paybench guide --out DIR` on the prepared store: the
        guide's stages, 'wall', 'cpu', 'rest' and 'ingest_plain', 'ingest_prepared' (wall
        seconds of each ingest), 'prepare' (what the ingest prints for preparing the guide)."""
        files = [str(p) for p in extra]
        plain_db = self.work / f"{tag}-plain.duckdb"
        plain, _, _ = cli(self.src, plain_db, self.work / f"home-{tag}-plain", "ingest",
                          "--defaults", *files)
        db, home = self.work / f"{tag}.duckdb", self.work / f"home-{tag}"
        prepared, _, stdout = cli(self.src, db, home, "ingest", "--defaults", "--prepare", *files)
        found = re.search(r"guide prepared: .*\(([\d.]+)s\)", stdout)
        if found is None:
            sys.exit(f"`paybench ingest --defaults` prepared no guide: {stdout[-2000:]}")
        wall, cpu, stdout = cli(self.src, db, home, "guide", "--out", str(self.work / f"guide-{tag}"))
        if "cells: read from the cache beside the store" not in stdout:
            sys.exit(f"the guide after `paybench ingest` computed its cells: {stdout[-2000:]}")
        times = stage_times(stdout)
        times["pdf_path"] = times.get("pdf_wait", times.get("pdf", 0.0))
        times["rest"] = wall - sum(times.get(k, 0.0) for k in STAGES)
        times["wall"], times["cpu"] = wall, cpu
        times["ingest_plain"], times["ingest_prepared"] = plain, prepared
        times["prepare"] = float(found.group(1))
        for path in [*self.work.glob(f"{tag}*.duckdb*"), *self.work.glob(f"{tag}-plain.duckdb*")]:
            path.unlink(missing_ok=True)
        self.ingested.append(times)
        return times

    def run(self, tag: str) -> dict[str, float]:
        """One `paybench guide --out DIR`: its stages, 'wall', 'cpu' and 'rest' (wall less the
        stages); 'cold' removes the model cache first."""
        if tag.startswith("cold"):  # nothing cached: the models (base and views), the guide's cells, charts
            for path in [*self.db.parent.glob(self.db.name + ".bench*.pkl"),
                         self.db.with_name(self.db.name + ".guide.pkl")]:
                path.unlink(missing_ok=True)
            for folder in ("charts", "sql"):
                shutil.rmtree(self.work / "home" / "cache" / folder, ignore_errors=True)
        wall, cpu, stdout = cli(self.src, self.db, self.work / "home", "guide", "--out",
                                str(self.work / f"guide-{tag}"))
        times = stage_times(stdout)
        times["pdf_path"] = times.get("pdf_wait", times.get("pdf", 0.0))
        times["rest"] = wall - sum(times.get(k, 0.0) for k in STAGES)
        times["wall"], times["cpu"] = wall, cpu
        if tag.startswith("cold"):
            self.cold.append(times)
        else:
            self.warm.append(times)
        return times


def median_times(runs: list[dict[str, float]]) -> dict[str, float]:
    """Stage by stage median of several runs ('pdf_early': the share of runs whose early PDF
    was kept)."""
    keys = dict.fromkeys(k for run in runs for k in run)
    return {k: (statistics.mean if k == "pdf_early" else statistics.median)(
        run.get(k, 0.0) for run in runs) for k in keys}


def print_table(columns: list[tuple[str, dict[str, float]]]) -> None:
    """Seconds and share of the wall time per stage, one pair of columns per run."""
    head = f"{'stage':<26}" + "".join(f"{name:>22}" for name, _ in columns)
    print(head)
    print(f"{'':<26}" + "".join(f"{'seconds':>12}{'share':>10}" for _ in columns))
    rows = [(STAGE_NAMES.get(k, k), k) for k in STAGES]
    rows.append(("start-up and the rest", "rest"))
    for label, key in rows:
        cells = ""
        for _, times in columns:
            secs = times.get(key)
            cells += (f"{secs:>12.2f}{secs / times['wall']:>10.0%}" if secs is not None
                      else f"{'-':>12}{'':>10}")
        print(f"{label:<26}{cells}")
    print(f"{'total (process wall)':<26}" + "".join(f"{t['wall']:>12.2f}{'100%':>10}" for _, t in columns))
    print(f"{'process CPU (user + sys)':<26}" + "".join(f"{t['cpu']:>12.2f}{'':>10}" for _, t in columns))
    print("* on the critical path: " + "; ".join(
        f"{name}: " + (f"printing {t['pdf']:.2f} s in a child process, {t['pdf_wait']:.2f} s of it "
                       "waited for after tables + html" if "pdf_wait" in t else
                       f"printing {t.get('pdf', 0.0):.2f} s in process")
        + (f", begun before the sections (the page the last guide printed, kept: "
           f"{t['pdf_early']:.0%} of runs)" if "pdf_early" in t else "")
        for name, t in columns))
    if any("model" not in times for _, times in columns):
        print("('-': that code times it within another stage: the model within cells, the html "
              "for print within html or pdf)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("extra", nargs="*", type=Path, help="files ingested after the defaults")
    parser.add_argument("--db", type=Path, default=None, help="copy this store instead of building one")
    parser.add_argument("--before", default=None, help="also time this commit's code (e.g. f2b1c8e)")
    parser.add_argument("--repeat", type=int, default=3, help="warm runs per tree (median)")
    parser.add_argument("--cold-repeat", type=int, default=1, help="cold runs per tree (median)")
    parser.add_argument("--after-ingest", type=int, default=0, metavar="N",
                        help="also N runs of `paybench ingest --defaults` in a fresh store, then "
                        "the guide (and the ingest without --prepare, for its added time)")
    parser.add_argument("--metros", type=int, default=25)
    parser.add_argument("--markdown", type=Path, default=None)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="paybench-guide-bench-"))
    try:
        store_file = work / "store.duckdb"
        if args.db is not None:
            if not args.db.is_file():
                sys.exit(f"no store at {args.db}")
            shutil.copyfile(args.db, store_file)
        else:
            with Store(store_file) as store:
                ingest_defaults(store)
                for extra in args.extra:
                    ingest_file(store, extra)
        load_before = os.getloadavg()

        # baselines: the CLI's start-up, and guide.csv + guide.json alone (in process)
        startup = min(cli(REPO / "src", store_file, work / "home", "--help")[0] for _ in range(3))
        with Store(store_file, read_only=True) as store:
            data = build_guide(store, metros=args.metros)
            report = build_report(store, data)
            n_obs = store.scalar("SELECT count(*) FROM observations")
        base_times = []
        for i in range(3):
            t0 = time.perf_counter()
            write_guide(data, work / f"baseline{i}")
            base_times.append(time.perf_counter() - t0)
        t_base = min(base_times)

        trees = [("working tree", Tree(REPO / "src", store_file, work / "after"))]
        if args.before:
            old_src = work / "before-src"
            old_src.mkdir()
            archive = subprocess.run(["git", "-C", str(REPO), "archive", args.before, "src"],
                                     capture_output=True, check=True).stdout
            subprocess.run(["tar", "-x", "-C", str(old_src)], input=archive, check=True)
            trees.append((args.before, Tree(old_src / "src", store_file, work / "before")))
        # the trees interleaved, so that a change of the machine's load falls on both alike;
        # cold and warm runs alternate, a cold one first (a warm run reads what the run before
        # it cached)
        colds = [f"cold{i}" for i in range(max(args.cold_repeat, 1))]
        warms = [f"warm{i}" for i in range(args.repeat)]
        order = [tag for pair in zip(colds, warms, strict=False) for tag in pair]
        order += colds[len(warms):] + warms[len(colds):]
        ingests = [f"ingest{i}" for i in range(args.after_ingest)]
        # the after-ingest runs fall between the others, so that a change of load falls on all
        spread = max(len(order) // max(len(ingests), 1), 1)
        for i, tag in enumerate(order):
            for _, tree in trees:
                tree.run(tag)
            if ingests and (i + 1) % spread == 0:
                trees[0][1].after_ingest(ingests.pop(0), args.extra)
        for tag in ingests:
            trees[0][1].after_ingest(tag, args.extra)
        columns = []
        for name, tree in trees:
            columns += [(f"{name}, warm", median_times(tree.warm)),
                        (f"{name}, cold", median_times(tree.cold))]
        after = median_times(trees[0][1].ingested) if args.after_ingest else None
        if after is not None:
            columns.insert(2, ("after ingest", after))
        cold = columns[1][1]
        before_warm = columns[-2][1] if args.before else None
        load_after = os.getloadavg()

        print(f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, "
              f"Python {platform.python_version()}; load average {load_before[0]:.1f} before, "
              f"{load_after[0]:.1f} after")
        print(f"store: defaults{''.join(' + ' + p.name for p in args.extra)} ({n_obs:,} observations); "
              f"{len(data.rows):,} cells, {len(report.book.figures):,} figures, "
              f"{len(report.charts_svg)} charts, {args.metros} metros")
        print(f"baselines: process start-up (`python -m paybench --help`, best of 3) {startup:.2f} s; "
              f"guide.csv + guide.json alone (in process, best of 3) {t_base:.2f} s")
        print(f"`paybench guide --out DIR` (html, pdf, csv, json), {args.repeat} warm runs and "
              f"{args.cold_repeat} cold run(s) per tree (medians), each a fresh process:")
        print_table(columns)
        wall = columns[0][1]["wall"]
        print(f"warm total {wall:.2f} s = {wall / t_base:.1f}x the csv + json baseline, "
              f"{wall / startup:.1f}x process start-up; target {TARGET_SECONDS:.0f} s: "
              f"{'met' if wall <= TARGET_SECONDS else 'NOT met'}")
        print(f"cold total {cold['wall']:.2f} s ({cold['wall'] / t_base:.1f}x the csv + json baseline)")
        if before_warm is not None:
            print(f"speed-up against {args.before}, same run (interleaved): warm "
                  f"{before_warm['wall'] / wall:.2f}x in wall time ({before_warm['wall']:.2f} s -> "
                  f"{wall:.2f} s), {before_warm['cpu'] / columns[0][1]['cpu']:.2f}x in CPU time; "
                  f"cold {columns[-1][1]['wall'] / cold['wall']:.2f}x in wall time, "
                  f"{columns[-1][1]['cpu'] / cold['cpu']:.2f}x in CPU time")
        if after is not None:
            runs = trees[0][1].ingested
            print(f"after `paybench ingest --defaults` (fresh store and cache directory, "
                  f"{len(runs)} run(s), medians): guide {after['wall']:.2f} s = "
                  f"{after['wall'] / wall:.2f}x warm, {after['wall'] / cold['wall']:.2f}x cold "
                  f"(CPU {after['cpu'] / columns[0][1]['cpu']:.2f}x warm, "
                  f"{after['cpu'] / cold['cpu']:.2f}x cold); target {TARGET_SECONDS:.0f} s: "
                  f"{'met' if after['wall'] <= TARGET_SECONDS else 'NOT met'}")
            print(f"the ingest: {after['ingest_prepared']:.2f} s preparing the guide against "
                  f"{after['ingest_plain']:.2f} s without --prepare: "
                  f"{after['ingest_prepared'] / after['ingest_plain']:.2f}x, "
                  f"+{after['ingest_prepared'] - after['ingest_plain']:.2f} s (it printed "
                  f"{after['prepare']:.2f} s for preparing); ingest + guide "
                  f"{after['ingest_prepared'] + after['wall']:.2f} s against "
                  f"{after['ingest_plain'] + cold['wall']:.2f} s for a plain ingest + a cold guide")
            print("runs: " + "; ".join(
                f"ingest {r['ingest_plain']:.1f} / {r['ingest_prepared']:.1f} s, guide {r['wall']:.2f} s"
                for r in runs))
        out = work / "after" / "guide-warm0"
        sizes = {p.name: p.stat().st_size for p in out.iterdir()}
        print("files: " + ", ".join(f"{k} {v / 1e6:.2f} MB" for k, v in sorted(sizes.items())))
        if args.markdown:
            args.markdown.write_text(compare_markdown(report.compare) + "\n", encoding="utf-8")
            print(f"wrote {args.markdown}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
