#!/usr/bin/env python3
"""Write the base cells of a store as JSON: the snapshot `tests/test_views.py` compares the
base cells (no component, no segment) with, so that adding cells by component and segment
(issue 17, item 4) provably left them as they were.

Usage: scripts/base_cells_snapshot.py STORE OUT.json

STORE is a store holding the embedded defaults with the survey snapshot (as
`tests/conftest.py`'s survey_db: `ingest_defaults`); the cells are those of `CASES` below, each
as `BenchmarkCell.model_dump(mode="json")` of the fields a cell had before the views
(`FIELDS`). The snapshot in tests/data/base_cells_survey.json was written by the code of main
at commit 32c5edc (before the views), run as PYTHONPATH=<main>/src python3 this-script, and
written again on 2026-12-03 after the ordered percentiles (`paybench.bench.model`, step 6),
which changed P10, P25 and P90 of 21 cells and nothing else.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROLES = ("machine-learning-engineer", "data-scientist", "software-engineer", "head-of-ai",
         "engineering-manager", "prompt-engineer")
LEVELS = ("entry", "mid", "senior", "staff", "principal", "manager", "director", "executive")
PLACES = ("US", "San Jose, CA", "Boston, MA", "Austin, TX", "Remote", "Texas", "United Kingdom")
FIELDS = ("role", "role_name", "level", "place", "p10", "p25", "p50", "p75", "p90", "n",
          "n_parent", "sources", "method", "confidence", "data_weight", "place_differential",
          "published", "effective_date", "annual_growth", "basis", "ladder_shift", "notes")
"""The fields of a cell before issue 17's views (component, segment, components came after)."""


def snapshot(store_path: Path) -> list[dict[str, object]]:
    """Every cell of ROLES x LEVELS x PLACES the method prices (an error is kept as its text)."""
    from paybench.bench import BenchmarkModel, cell_place
    from paybench.errors import InputError
    from paybench.store import Store

    out: list[dict[str, object]] = []
    with Store(store_path, read_only=True) as store:
        model = BenchmarkModel.build(store)
        for role in ROLES:
            for level in LEVELS:
                for place in PLACES:
                    key = {"case": [role, level, place]}
                    try:
                        cell = model.cell(role, level, cell_place(place))
                    except InputError as exc:
                        out.append({**key, "error": str(exc)})
                        continue
                    dumped = cell.model_dump(mode="json")
                    out.append({**key, "cell": {f: dumped[f] for f in FIELDS}})
    return out


def main() -> int:
    if len(sys.argv) != 3:
        print("usage: scripts/base_cells_snapshot.py STORE OUT.json", file=sys.stderr)
        return 1
    cells = snapshot(Path(sys.argv[1]))
    lines = ",\n".join(json.dumps(c, sort_keys=True, separators=(",", ":")) for c in cells)
    Path(sys.argv[2]).write_text(f"[\n{lines}\n]\n", encoding="utf-8")
    print(f"wrote {len(cells)} cells to {sys.argv[2]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
