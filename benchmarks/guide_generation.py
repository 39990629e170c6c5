"""Time the full salary guide, stage by stage, against a baseline measured in the same run.

Usage: python benchmarks/guide_generation.py [SURVEY_CSV] [--metros 25] [--markdown FILE]

Builds a store in a temporary directory from the embedded defaults (OEWS May 2025 +
published figures) plus the ai-jobs.net survey (default ../shared/data/aijobs/salaries.csv),
then generates the full guide (all roles, 25 metros, remote) and prints the wall time of
each stage: cells (benchmark model + every cell), sections (the nine sections, charts
rendered to SVG), tables (guide.csv + guide.json), HTML, PDF. The baseline is writing
guide.csv and guide.json alone for the same cells, timed again in the same process, so
the ratios hold on a noisy shared machine. With --markdown, the published-versus-measured
table is written to FILE as Markdown.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import tempfile
import time
from pathlib import Path

from paybench.guide.compare import compare_markdown
from paybench.guide.report import build_report, write_report
from paybench.guide.tables import build_guide, write_guide
from paybench.ingest import ingest_defaults, ingest_file
from paybench.store import Store

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("survey", nargs="?", type=Path,
                        default=REPO.parent / "shared" / "data" / "aijobs" / "salaries.csv")
    parser.add_argument("--metros", type=int, default=25)
    parser.add_argument("--markdown", type=Path, default=None)
    parser.add_argument("--no-survey", action="store_true", help="embedded defaults only")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="paybench-guide-bench-"))
    try:
        db = work / "store.duckdb"
        with Store(db) as store:
            ingest_defaults(store)
            if not args.no_survey:
                ingest_file(store, args.survey)
        with Store(db, read_only=True) as store:
            t0 = time.perf_counter()
            data = build_guide(store, metros=args.metros)
            t_cells = time.perf_counter() - t0
            t0 = time.perf_counter()
            report = build_report(store, data)
            t_sections = time.perf_counter() - t0
        t0 = time.perf_counter()
        write_guide(data, work / "baseline")
        t_base = time.perf_counter() - t0
        out = work / "guide"
        write_report(report, out)
        t = report.timings
        total = t_cells + t_sections + sum(t.values())
        print(f"machine: {platform.node()} {platform.machine()}, Python {platform.python_version()}")
        print(f"store: defaults{'' if args.no_survey else ' + ' + args.survey.name}; "
              f"{len(data.rows):,} cells, {len(report.book.figures):,} figures, "
              f"{len(report.charts_svg)} charts, {args.metros} metros")
        print(f"baseline (guide.csv + guide.json alone): {t_base:.2f} s")
        stages = [("cells", t_cells), ("sections + charts", t_sections),
                  ("tables (csv + json with figures)", t.get("tables", 0.0)),
                  ("html", t.get("html", 0.0)), ("pdf", t.get("pdf", 0.0)), ("total", total)]
        print(f"{'stage':<36}{'seconds':>9}{'x baseline':>12}")
        for name, secs in stages:
            print(f"{name:<36}{secs:>9.2f}{secs / t_base:>12.1f}")
        sizes = {p.name: p.stat().st_size for p in out.iterdir()}
        print("files: " + ", ".join(f"{k} {v / 1e6:.2f} MB" for k, v in sorted(sizes.items())))
        if args.markdown:
            args.markdown.write_text(compare_markdown(report.compare) + "\n", encoding="utf-8")
            print(f"wrote {args.markdown}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
