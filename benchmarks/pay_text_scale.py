"""Free-text pay (and skills) at scale: rows per second and per CPU-second, with 1 and 2
worker processes, on a corpus of distinct texts and on one where every text repeats, as
ratios to the row-by-row baseline measured in the same run; then the whole postings ingest
(columnar, 1 and 2 workers) against the row-by-row adapter kept in tests/rowwise.

    .venv/bin/python benchmarks/pay_text_scale.py [--rows 2000] [--ingest-rows 5000]
    .venv/bin/python benchmarks/pay_text_scale.py --per-text       # CPU ms a text, nothing else
    .venv/bin/python benchmarks/pay_text_scale.py --rss-rows 10000 40000   # peak RSS of an ingest

``--per-text`` uses only extract_pay and extract_skills, so that it runs against an older
paybench too (``PYTHONPATH=<older checkout>/src``) for a before/after figure. ``--rss-rows``
ingests a file of each size (every posting distinct) in a fresh process and prints that
process's peak RSS, which must not grow with the file.

Texts are the real job descriptions of ../shared/data/postings/adzuna_uk_data_jobs_2026.csv
(964 distinct, 2.7 kB on average), read from there at run time. The "distinct" corpus makes
each row a distinct text (the real description with its row number appended); the
"duplicates" corpus repeats each of rows/10 texts ten times. CPU seconds are this process's
plus its worker processes' (psutil), so "rows per CPU-second" is the throughput per core,
which the other loads of a shared machine disturb far less than the wall time.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the row-by-row reference adapter (tests/rowwise)

from paybench.normalize.pay_text import extract_pay  # noqa: E402
from paybench.normalize.skills import extract_skills  # noqa: E402

REAL = ROOT.parent / "shared" / "data" / "postings" / "adzuna_uk_data_jobs_2026.csv"
ON = dt.date(2026, 6, 1)


def descriptions() -> list[str]:
    """The real file's distinct descriptions, in file order."""
    csv.field_size_limit(1 << 24)
    with REAL.open(encoding="utf-8", newline="") as handle:
        seen = dict.fromkeys(row["job_description"] for row in csv.DictReader(handle))
    return list(seen)


def cpu_seconds() -> float:
    """CPU time of this process and every live descendant (the pool's workers)."""
    me = psutil.Process()
    total = sum(me.cpu_times()[:2])
    for child in me.children(recursive=True):
        with contextlib.suppress(psutil.Error):  # ended meanwhile
            total += sum(child.cpu_times()[:2])
    return total


def measure(label: str, rows: int, run: Callable[[], Any], base: tuple[float, float] | None
            ) -> tuple[float, float]:
    cpu0, wall0 = cpu_seconds(), time.perf_counter()
    run()
    wall, cpu = time.perf_counter() - wall0, cpu_seconds() - cpu0
    line = (f"  {label:<44} {wall:7.2f} s wall {rows / wall:9,.0f} rows/s   {cpu:7.2f} s CPU "
            f"{rows / cpu:9,.0f} rows/CPU-s")
    if base is not None:
        line += f"   x{base[0] / wall:5.1f} wall, x{base[1] / cpu:5.1f} per CPU-s vs baseline"
    print(line, flush=True)
    return wall, cpu


def texts_benchmark(name: str, reader: Callable[[str], Any], many: Callable[..., Any],
                    corpora: dict[str, list[str]]) -> None:
    from paybench.normalize.parallel import WorkerPool

    for corpus_name, corpus in corpora.items():
        print(f"{name}, {corpus_name} corpus: {len(corpus):,} rows, {len(set(corpus)):,} distinct texts")
        base = measure("baseline: row by row, 1 process", len(corpus),
                       lambda c=corpus: [reader(t) for t in c], None)
        for workers in (1, 2):
            with WorkerPool(workers, min_parallel_items=0) as pool:
                if workers > 1:  # start the workers outside the timing (reported below)
                    start = time.perf_counter()
                    pool.map(len, ["warm-up"] * workers * 2)
                    print(f"  (starting {workers} workers took {time.perf_counter() - start:.2f} s)")
                measure(f"once per distinct text, {workers} worker(s)", len(corpus),
                        lambda c=corpus, p=pool: many(c, p), base)


def postings_file(path: Path, rows: int, distinct: bool) -> None:
    """A postings file in the real layout: the real rows resampled to `rows`; distinct=True
    makes every posting distinct (its row number appended to the description)."""
    with REAL.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        real = list(reader)
    at = header.index("job_description")
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        for n in range(rows):
            row = list(real[n % len(real)])
            if distinct:
                row[at] += f"\nReference {n}"
            writer.writerow(row)


def ingest_benchmark(rows: int) -> None:
    from paybench.ingest import _ingest_once, ingest_defaults
    from paybench.normalize.parallel import WorkerPool
    from paybench.sources import postings
    from paybench.store import Store, file_sha256
    from rowwise import postings as reference

    with tempfile.TemporaryDirectory(prefix="paybench-bench-") as tmp:
        base_db = Path(tmp) / "base.duckdb"
        with Store(base_db) as store:
            ingest_defaults(store, survey=False)
        for distinct in (True, False):
            path = Path(tmp) / f"postings_{'distinct' if distinct else 'repeated'}.csv"
            postings_file(path, rows, distinct)
            kind = "every posting distinct" if distinct else "the real postings repeated"
            print(f"postings ingest, {rows:,} rows in the real layout ({kind}, "
                  f"{path.stat().st_size / 1e6:.0f} MB)")

            def run(fill: Callable[[Path, Any], None], db_name: str, path: Path = path) -> Callable[[], None]:
                def go() -> None:
                    db = Path(tmp) / db_name
                    shutil.copy(base_db, db)
                    with Store(db) as store:
                        result = _ingest_once(store, "postings", str(path), file_sha256(path),
                                              path.stat().st_size, lambda w: fill(path, w))
                    assert result.rows_read == rows
                return go

            base = measure("baseline: row-by-row adapter (tests/rowwise)", rows,
                           run(lambda p, w: reference.ingest(p, w, None), "ref.duckdb"), None)
            for workers in (1, 2):
                with WorkerPool(workers) as pool:
                    columnar = run(lambda p, w, pool=pool: postings.ingest(p, w, None, pool=pool),
                                   f"w{workers}.duckdb")
                    measure(f"columnar, {workers} worker(s)", rows, columnar, base)


def per_text() -> None:
    """CPU milliseconds a text for extract_pay and extract_skills (best of 3 rounds over the
    real distinct descriptions)."""
    real = descriptions()
    extract_pay("£50k a year", on=ON)
    extract_skills("Python")
    best = {"extract_pay": float("inf"), "extract_skills": float("inf")}
    for _ in range(3):
        start = time.process_time()
        for text in real:
            extract_pay(text, on=ON)
        best["extract_pay"] = min(best["extract_pay"], time.process_time() - start)
        start = time.process_time()
        for text in real:
            extract_skills(text)
        best["extract_skills"] = min(best["extract_skills"], time.process_time() - start)
    import paybench

    print(f"{paybench.__file__}: " + ", ".join(
        f"{name} {seconds / len(real) * 1e3:.2f} ms CPU a text" for name, seconds in best.items())
        + f" ({len(real)} real descriptions, best of 3)")


def ingest_once(rows: int) -> None:
    """Ingest a file of `rows` distinct postings into a fresh store; print the peak RSS."""
    import resource

    from paybench.ingest import ingest_defaults, ingest_file
    from paybench.store import Store

    with tempfile.TemporaryDirectory(prefix="paybench-rss-") as tmp:
        path, db = Path(tmp) / "postings.csv", Path(tmp) / "s.duckdb"
        postings_file(path, rows, True)
        with Store(db) as store:
            ingest_defaults(store, survey=False)
            start = time.perf_counter()
            result = ingest_file(store, path)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        counts = (f"read {result.rows_read:,}, kept {result.rows_kept:,}, quarantined "
                  f"{result.rows_quarantined:,}, skipped {result.rows_skipped:,}")
        print(f"  {rows:>9,} rows ({path.stat().st_size / 1e6:.0f} MB): {counts} in "
              f"{time.perf_counter() - start:.0f} s; peak RSS of the ingesting process {peak:.0f} MB",
              flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000, help="rows of each text corpus")
    parser.add_argument("--ingest-rows", type=int, default=5000, help="rows of each postings file (0: skip)")
    parser.add_argument("--per-text", action="store_true", help="only the CPU time a text")
    parser.add_argument("--rss-rows", type=int, nargs="*", help="only peak RSS of ingests of these sizes")
    parser.add_argument("--ingest-once", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.per_text:
        per_text()
        return
    if args.ingest_once:
        ingest_once(args.ingest_once)
        return
    if args.rss_rows:
        print(f"peak RSS of `paybench ingest` of postings files (PAYBENCH_WORKERS="
              f"{os.environ.get('PAYBENCH_WORKERS', 'default')}; the text workers are separate processes):")
        for rows in args.rss_rows:
            subprocess.run([sys.executable, __file__, "--ingest-once", str(rows)], check=True)
        return
    real = descriptions()
    extract_pay("£50k a year", on=ON)  # rates and taxonomies loaded outside the timings
    extract_skills("Python")
    distinct = [f"{real[n % len(real)]}\nReference {n}" for n in range(args.rows)]
    repeated = [real[n % max(1, args.rows // 10)] for n in range(args.rows)]
    corpora = {"distinct": distinct, "duplicates (each text 10x)": repeated}
    load = os.getloadavg()
    print(f"machine: {os.cpu_count()} cores, load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} "
          f"at start; python {sys.version.split()[0]}")
    from paybench.normalize.pay_text import extract_pay_many
    from paybench.normalize.skills import extract_skills_many

    texts_benchmark("pay in text (extract_pay)", lambda t: extract_pay(t, on=ON),
                    lambda c, p: extract_pay_many(c, on=ON, pool=p), corpora)
    texts_benchmark("skills (extract_skills)", extract_skills,
                    lambda c, p: extract_skills_many(c, pool=p), corpora)
    if args.ingest_rows:
        ingest_benchmark(args.ingest_rows)
    load = os.getloadavg()
    print(f"load average at the end: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")


if __name__ == "__main__":
    main()
