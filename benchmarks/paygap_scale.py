"""The pay-gap report at scale (issue 18: 100,000 employees in at most 2 s): the time to read a
generated payroll CSV and compute the whole EU report (seven indicators on annual and hourly
pay, quartiles, every category, the Oaxaca-Blinder split with factors, the pay ranges), as a
ratio to pandas reading the same CSV in the same run (the baseline: these machines are
shared and noisy); then `paybench paygap --payroll F --json` end to end in a child process
(start-up included), against `python -c "import pandas; pandas.read_csv(F)"` the same way.

    .venv/bin/python benchmarks/paygap_scale.py [--rows 100000] [--repeat 3] [--dir DIR]

The payroll: `--rows` workers, 50 categories, genders F/M with 2% other or not stated, pay
lognormal around a category level with a 6% gap for women, a quarter part-time (fte column
instead of hours for a tenth), variable pay for 40%, factors tenure (number) and grade (5
labels). Seeded: the same file every run. Times are the best of `--repeat` runs; CPU
seconds (this process, or the child's) beside the wall time.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np


def make_payroll(path: Path, rows: int, seed: int = 18) -> Path:
    """Write a payroll CSV of `rows` workers (the layout `paybench paygap` reads)."""
    rng = np.random.default_rng(seed)
    gender = rng.choice(np.array(["F", "M", "female", "male", "X", "not stated"]), size=rows,
                        p=[0.40, 0.44, 0.06, 0.08, 0.01, 0.01])
    category = rng.integers(0, 50, size=rows)
    tenure = rng.integers(0, 30, size=rows)
    grade = rng.integers(1, 6, size=rows)
    woman = np.isin(gender, ["F", "female"])
    level = 40000 * np.exp(category / 50) * (1 + 0.015 * tenure) * (1 + 0.08 * grade)
    hours = np.where(rng.random(rows) < 0.25, rng.choice([800, 1040, 1300], size=rows), 2080)
    base = level * np.exp(rng.normal(0, 0.08, rows)) * np.where(woman, 0.94, 1.0) * hours / 2080
    variable = np.where(rng.random(rows) < 0.4, base * rng.uniform(0.02, 0.2, rows), 0)
    use_fte = rng.random(rows) < 0.1
    with path.open("w", encoding="utf-8") as out:
        out.write("employee_id,gender,category,annual_base,variable_pay,annual_hours,fte,tenure,grade\n")
        for i in range(rows):
            hours_text, fte_text = ("", f"{hours[i] / 2080:.4f}") if use_fte[i] else (f"{hours[i]}", "")
            out.write(f"E{i:07d},{gender[i]},cat{category[i]:02d},{base[i]:.2f},"
                      f"{variable[i]:.2f},{hours_text},{fte_text},{tenure[i]},G{grade[i]}\n")
    return path


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed(work: object, repeat: int) -> tuple[float, float]:
    """(best wall seconds, CPU seconds of that run) of calling `work` `repeat` times."""
    best = (float("inf"), 0.0)
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), _cpu()
        work()  # type: ignore[operator]
        result = (time.perf_counter() - wall, _cpu() - cpu)
        best = min(best, result)
    return best


def child(args: list[str], repeat: int) -> tuple[float, float]:
    """(best wall seconds, CPU seconds) of a child process; fails loudly when it fails."""
    best = (float("inf"), 0.0)
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall = time.perf_counter()
        proc = subprocess.run(args, capture_output=True, text=True)
        elapsed = time.perf_counter() - wall
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if proc.returncode:
            raise SystemExit(f"{' '.join(args)} failed: {proc.stderr.strip()}")
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        best = min(best, (elapsed, cpu))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=None, help="where the payroll is written (a temp dir)")
    args = parser.parse_args()
    folder = args.dir or Path(tempfile.mkdtemp(prefix="paygap-scale-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = make_payroll(folder / f"payroll_{args.rows}.csv", args.rows)
    print(f"payroll: {path} ({args.rows:,} rows, {path.stat().st_size / 2**20:.1f} MiB); "
          f"load average {os.getloadavg()[0]:.1f}")

    import pandas as pd

    from paybench.decide.paygap import pay_gap_report
    from paybench.decide.payroll import read_payroll

    def baseline() -> None:
        pd.read_csv(path)

    def report() -> None:
        pay_gap_report(read_payroll(path, factors=["tenure", "grade"]))

    report()  # warm: imports, the first numpy/Arrow calls
    base_wall, base_cpu = timed(baseline, args.repeat)
    read_wall, read_cpu = timed(lambda: read_payroll(path, factors=["tenure", "grade"]), args.repeat)
    wall, cpu = timed(report, args.repeat)
    result = pay_gap_report(read_payroll(path, factors=["tenure", "grade"]))
    hourly = next(f.gap_pct for f in result.indicators[0].figures if f.basis == "hourly")
    unexplained = result.decomposition.unexplained_gap_pct if result.decomposition else float("nan")
    w = result.workers
    print(f"report: {w.women:,} women, {w.men:,} men, {w.other:,} other; "
          f"{len(result.categories)} categories; mean hourly gap {hourly:.2f}%, "
          f"unexplained {unexplained:.2f}%")
    print(f"baseline pandas.read_csv: {base_wall:.3f} s wall, {base_cpu:.3f} s CPU")
    print(f"read_payroll:             {read_wall:.3f} s wall, {read_cpu:.3f} s CPU "
          f"(x{read_wall / base_wall:.2f} the baseline)")
    print(f"read + whole report:      {wall:.3f} s wall, {cpu:.3f} s CPU (x{wall / base_wall:.2f} the "
          f"baseline; target <= 2 s: {'met' if wall <= 2 else 'NOT met'})")

    python = sys.executable
    store = folder / "bench.duckdb"
    cli_wall, cli_cpu = child([python, "-m", "paybench", "paygap", "--payroll", str(path), "--factor",
                               "tenure", "--factor", "grade", "--json", "--db", str(store)], args.repeat)
    pd_wall, pd_cpu = child([python, "-c", f"import pandas; pandas.read_csv({str(path)!r})"], args.repeat)
    print(f"child baseline (python -c 'import pandas; read_csv'): {pd_wall:.3f} s wall, {pd_cpu:.3f} s CPU")
    print(f"paybench paygap --json (CLI, start-up included):      {cli_wall:.3f} s wall, {cli_cpu:.3f} s CPU "
          f"(x{cli_wall / pd_wall:.2f} the child baseline)")


if __name__ == "__main__":
    main()
