"""Peak memory of `paybench ingest` on hostile files (issue 14): a CSV whose one line is
1 GB (default; `--line-mib`), a 1.5 KB xlsx whose header holds a cell at ZZZZZZZZZZ1, and
a workbook declaring the largest dimension Excel allows.

Usage: python benchmarks/reading_limits.py [--line-mib 1024] [--dir DIR]

Files are written to DIR (default: a new temporary directory, never the repository). Each
ingest runs in its own child process; its peak RSS is the child's `os.wait4` resource
usage. The baseline is the same ingest of a normal 2-line survey file, run in the same
invocation (the fixed cost: imports, place tables). The bound the project claims is
peak RSS <= 1 GiB for every file.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import zipfile
from pathlib import Path

HEADER = ("work_year,experience_level,employment_type,job_title,salary,salary_currency,"
          "salary_in_usd,employee_residence,remote_ratio,company_location,company_size")
ROW = "2024,SE,FT,Data Engineer,150000,USD,150000,US,100,US,M\n"


def ingest(path: Path, db: Path) -> tuple[int, float, float, str]:
    """(exit code, seconds, peak RSS MiB, last output line) of `paybench ingest path`."""
    out = db.with_suffix(".out")
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.execv(sys.executable, [sys.executable, "-m", "paybench", "ingest", str(path), "--db", str(db)])
    _pid, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - started
    last = (out.read_text(errors="replace").strip().splitlines() or [""])[-1]
    return os.waitstatus_to_exitcode(status), seconds, usage.ru_maxrss / 1024, last


def long_line_csv(path: Path, mib: int) -> Path:
    chunk = "x" * (1 << 20)
    with path.open("w", encoding="utf-8") as handle:
        handle.write(HEADER + "\n" + ROW)
        for _ in range(mib):
            handle.write(chunk)
        handle.write("\n" + ROW.replace("150000", "151000"))
    return path


def xlsx_bomb(folder: Path, name: str, old: bytes, new: bytes) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["CASE_NUMBER", "CASE_STATUS", "JOB_TITLE", "EMPLOYER_NAME"])
    sheet.append(["I-200-1", "Certified", "Data Engineer", "Acme"])
    plain = folder / "plain.xlsx"
    book.save(plain)
    path = folder / name
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.namelist():
            data = src.read(item)
            if item == "xl/worksheets/sheet1.xml":
                data = data.replace(old, new, 1)
            dst.writestr(item, data)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--line-mib", type=int, default=1024)
    parser.add_argument("--dir", type=Path)
    args = parser.parse_args()
    folder = args.dir or Path(tempfile.mkdtemp(prefix="paybench-limits-"))
    folder.mkdir(parents=True, exist_ok=True)
    normal = folder / "normal.csv"
    normal.write_text(HEADER + "\n" + ROW, encoding="utf-8")
    cases = [("baseline: 2-line survey", normal)]
    started = time.perf_counter()
    long_csv = long_line_csv(folder / "long.csv", args.line_mib)
    cases.append((f"CSV with a {args.line_mib:,} MiB line", long_csv))
    print(f"wrote the long-line file in {time.perf_counter() - started:.1f}s", flush=True)
    far_cell = b'<c r="ZZZZZZZZZZ1" t="inlineStr"><is><t>x</t></is></c></row>'
    bomb = xlsx_bomb(folder, "bomb.xlsx", b"</row>", far_cell)
    cases.append((f"xlsx with a cell at ZZZZZZZZZZ1 ({bomb.stat().st_size:,} bytes)", bomb))
    huge = b'<dimension ref="A1:XFD1048576" />'
    cases.append(("xlsx with dimension A1:XFD1048576",
                  xlsx_bomb(folder, "dim.xlsx", b'<dimension ref="A1:D2" />', huge)))
    base = None
    for label, path in cases:
        code, seconds, peak, last = ingest(path, folder / f"{path.stem}.duckdb")
        base = base or peak
        print(f"{label}: exit {code}, {seconds:.1f}s, peak RSS {peak:,.0f} MiB "
              f"({peak / base:.2f}x baseline; bound 1,024 MiB)\n    {last[:160]}", flush=True)


if __name__ == "__main__":
    main()
