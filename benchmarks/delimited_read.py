"""Time and memory of reading a delimited file with `paybench.sources.delimited.DelimitedBatches`
alone (no normalizing, no store), against the bare import of the reader, each in its own child
process.

Usage: python benchmarks/delimited_read.py FILE [--layout survey|all] [--repeat 2]

`--layout survey` reads as the survey adapter does (its 11 columns by name, every row's raw
text, `aijobs.BATCH_ROWS` rows a batch); `all` reads every field, as the LCA adapter and the
payroll reader do. Files: e.g. those `benchmarks/ingest_scale.py --dir DIR` writes (survey-N.csv,
lca-N.csv). Prints, per run, rows, wall and CPU seconds (CPU includes Arrow's threads) and the
child's peak RSS (`os.wait4`), and the peak RSS of a child that only imports the reader.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

READ = """
import sys, time
from pathlib import Path
from paybench.sources import aijobs
from paybench.sources.delimited import DelimitedBatches
path, layout = Path(sys.argv[1]), sys.argv[2]
if layout == "survey":
    reader = DelimitedBatches(path, aijobs.COLUMNS, source="ai-jobs.net survey", raw_text=True,
                              batch_rows=aijobs.BATCH_ROWS)
else:
    reader = DelimitedBatches(path)
if len(sys.argv) > 3:
    rows = sum(batch.num_rows for batch in reader)
    print(f"{rows:,} rows in {reader.rows - reader.arrow_rows:,} by the record reader")
"""


def child(args: list[str]) -> tuple[float, float, float, str]:
    """(wall s, CPU s, peak RSS MiB, stdout) of one child process."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    assert proc.stdout is not None and proc.stderr is not None
    out, err = proc.stdout.read().decode(), proc.stderr.read().decode()
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"child failed: {err[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--layout", choices=("survey", "all"), default="survey")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    print(f"{args.file.name} ({args.file.stat().st_size / 1e6:,.0f} MB), layout {args.layout}; "
          f"load average {os.getloadavg()[0]:.1f}", flush=True)
    base = [sys.executable, "-c", READ, str(args.file), args.layout]
    wall, cpu, rss, _ = child(base)
    print(f"  import only: wall {wall:.2f}s, CPU {cpu:.2f}s, peak RSS {rss:.0f} MiB", flush=True)
    for run in range(1, args.repeat + 1):
        wall, cpu, rss, out = child([*base, "read"])
        print(f"  read {run}: {out}: wall {wall:.2f}s, CPU {cpu:.2f}s, peak RSS {rss:.0f} MiB", flush=True)
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
