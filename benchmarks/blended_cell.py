"""Show a machine-learning-engineer cell that blends every kind of evidence: OEWS
(statistic), the ai-jobs.net survey (paid), H-1B LCA filings (filed) and job postings
(posted), with the count each source gives.

The repository has no real current-layout LCA file or real postings to ship, so the LCA
file is generated in DOL's layout by benchmarks/make_lca_file.py (seeded) and the postings
are the test fixtures in JobSpy's layout: the counts show the blending, not market facts.

Usage: python benchmarks/blended_cell.py [SURVEY_CSV] [LCA_ROWS]
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from make_lca_file import write_csv

from paybench.bench import BenchmarkModel, cell_place
from paybench.ingest import ingest_defaults, ingest_file
from paybench.store import Store

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    survey = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared/data/aijobs/salaries.csv"
    lca_rows = int(sys.argv[2]) if len(sys.argv) > 2 else 50_000
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "blend.duckdb"
        lca = write_csv(Path(tmp) / "lca.csv", lca_rows)
        with Store(db) as store:
            results = ingest_defaults(store)
            for path in (survey, lca, REPO / "tests/data/postings_jobspy.csv",
                         REPO / "tests/data/postings.jsonl"):
                results.append(ingest_file(store, path))
            for r in results:
                print(f"# {r.source}: {Path(r.path).name}: read {r.rows_read:,}, kept {r.rows_kept:,}, "
                      f"quarantined {r.rows_quarantined:,}, skipped {r.rows_skipped:,}")
            model = BenchmarkModel.load(store)
        shutil.rmtree(tmp, ignore_errors=True)
    for level, place in (("senior", "US"), ("mid", "US"), ("senior", "Seattle, WA")):
        cell = model.cell("machine-learning-engineer", level, cell_place(place))
        print(f"\n## machine-learning-engineer, {level}, {cell.place.label}")
        print(json.dumps({k: v for k, v in cell.model_dump(mode="json").items()
                          if k in ("p10", "p25", "p50", "p75", "p90", "n", "n_parent", "method",
                                   "confidence", "sources", "basis")}, indent=1))


if __name__ == "__main__":
    main()
