"""Print what `paybench bench` gives for mid and senior machine-learning engineers,
nationally and in the seeds' metros, from the embedded defaults alone and with the
ai-jobs.net survey ingested, beside the figures the seeds publish for the same cells.

Usage: python benchmarks/seed_cells.py [SURVEY_CSV]   (default ../shared/data/aijobs/salaries.csv)
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

from paybench.bench import BenchmarkModel, cell_place
from paybench.ingest import ingest_defaults, ingest_file
from paybench.store import Store

ROLE = "machine-learning-engineer"
PLACES = ["US", "Remote", "Boston, MA", "Chicago, IL", "Dallas, TX", "Houston, TX",
          "Phoenix, AZ", "Philadelphia, PA", "San Francisco, CA", "Seattle, WA"]


def published_text(model: BenchmarkModel, level: str, place: str) -> str:
    cp = cell_place(place)
    rows = model.published_for(ROLE, level, cp)
    parts = []
    for row in sorted(rows, key=lambda r: (str(r.get("group_key")), r["stat"])):
        qual = f" ({row['qualifier']})" if isinstance(row.get("qualifier"), str) else ""
        parts.append(f"{row['stat']} ${row['annual_usd']:,.0f}{qual}")
    return "; ".join(parts) or "-"


def main() -> None:
    survey = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("../shared/data/aijobs/salaries.csv")
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "defaults.duckdb"
        with Store(base) as store:
            ingest_defaults(store)
        full = Path(tmp) / "survey.duckdb"
        shutil.copy(base, full)
        with Store(full) as store:
            ingest_file(store, survey)
        models = {}
        for name, path in (("defaults", base), ("defaults+survey", full)):
            with Store(path, read_only=True) as store:
                started = time.perf_counter()
                models[name] = BenchmarkModel.load(store)
                print(f"# model from {name} loaded in {time.perf_counter() - started:.1f}s")
    print("| level | place | store | P25 | P50 | P75 | n | method | published for this cell |")
    print("|---|---|---|---|---|---|---|---|---|")
    for level in ("mid", "senior"):
        for place in PLACES:
            for name, model in models.items():
                cell = model.cell(ROLE, level, cell_place(place))
                pub = published_text(model, level, place) if name == "defaults" else ""
                print(f"| {level} | {cell.place.label} | {name} | ${cell.p25:,} | ${cell.p50:,} | "
                      f"${cell.p75:,} | {cell.n} | {cell.method} | {pub} |")


if __name__ == "__main__":
    main()
