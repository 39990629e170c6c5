"""Measure how well title normalization covers real titles.

Usage: python benchmarks/title_coverage.py [SHARED_DATA_DIR]   (default: ../shared/data)

(a) ai-jobs.net survey: share of distinct job_title values and of rows whose title gets
    a role; lists the unmatched distinct titles.
(b) O*NET 30.0 alternate titles of tech occupations (SOC 15-12xx, 15-2051, 11-3021):
    share of alternate titles that get a role and, among those, share whose role's SOC
    codes include the row's 7-character SOC code. Reads the data in place; copies nothing.
"""

from __future__ import annotations

import csv
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from paybench.normalize.roles import roles
from paybench.normalize.titles import normalize_title

TECH_SOC_PREFIXES = ("15-12", "15-2051", "11-3021")


def survey(path: Path) -> None:
    """Part (a): coverage of the ai-jobs.net survey titles."""
    counts: Counter[str] = Counter()
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            counts[row["job_title"]] += 1
    matched = {title: normalize_title(title).role is not None for title in counts}
    n_titles = len(counts)
    n_matched = sum(matched.values())
    rows = sum(counts.values())
    rows_matched = sum(n for title, n in counts.items() if matched[title])
    print(f"(a) {path}")
    print(f"    distinct titles with a role: {n_matched}/{n_titles} "
          f"({100 * n_matched / n_titles:.1f}%)")
    print(f"    rows whose title gets a role: {rows_matched}/{rows} "
          f"({100 * rows_matched / rows:.1f}%)")
    print("    unmatched distinct titles (rows, reason):")
    for title, n in counts.most_common():
        if not matched[title]:
            print(f"      {n:6d}  {title}  -- {normalize_title(title).reason}")


def onet(path: Path) -> None:
    """Part (b): O*NET alternate titles of tech occupations."""
    table = roles()
    total = found = soc_ok = 0
    per_soc: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            code = row["O*NET-SOC Code"]
            if not code.startswith(TECH_SOC_PREFIXES):
                continue
            soc = code[:7]
            match = normalize_title(row["Alternate Title"])
            total += 1
            per_soc[code][0] += 1
            if match.role is None:
                continue
            found += 1
            per_soc[code][1] += 1
            if soc in table[match.role].soc_codes:
                soc_ok += 1
                per_soc[code][2] += 1
    print(f"(b) {path}")
    print(f"    tech codes: {', '.join(p + '*' for p in TECH_SOC_PREFIXES)}")
    print(f"    alternate titles with a role: {found}/{total} ({100 * found / total:.1f}%)")
    print(f"    of those, role SOC codes include the row's SOC: {soc_ok}/{found} "
          f"({100 * soc_ok / found:.1f}%)")
    print("    per O*NET-SOC code: rows, matched, SOC agrees")
    for code in sorted(per_soc):
        n, m, ok = per_soc[code]
        print(f"      {code}  {n:4d}  {m:4d}  {ok:4d}")


def speed(titles: list[str]) -> None:
    """Time normalization of distinct, not yet cached titles."""
    start = time.perf_counter()
    for title in titles:
        normalize_title(title)
    elapsed = time.perf_counter() - start
    print(f"speed: {len(titles)} new titles in {elapsed:.3f}s "
          f"({1000 * elapsed / max(1, len(titles)):.3f} ms per title)")


def main(argv: list[str]) -> None:
    """Run both measurements on the shared data folder."""
    default = Path(__file__).resolve().parents[1].parent / "shared" / "data"
    base = Path(argv[1]) if len(argv) > 1 else default
    h1b = base / "h1b-2015-2019" / "h1b_sample.csv"
    if h1b.exists():
        with h1b.open(newline="", encoding="utf-8") as handle:
            speed(sorted({row["JOB_TITLE"] for row in csv.DictReader(handle)}))
    survey(base / "aijobs" / "salaries.csv")
    onet(base / "onet" / "alternate_titles.csv")


if __name__ == "__main__":
    main(sys.argv)
