"""Is the guide unchanged? Writes the full guide (HTML, PDF, CSV, JSON) with the code of an
earlier commit and with the working tree, on copies of one store, and compares them.

    .venv/bin/python benchmarks/guide_unchanged.py --before f2b1c8e [--db STORE] [--keep DIR]

The earlier commit's `src/` is exported with `git archive` into a temp dir and put first on
PYTHONPATH (the working tree's likewise); each tree runs `python -m paybench guide --out DIR`
on its own copy of the store (`--db`, default: a store built here with `paybench ingest
--defaults`, the embedded defaults and the ai-jobs.net survey), so each builds its own
benchmark model; the working tree runs a second time on its copy, reading what the first run
cached (model, cells, drawn charts). Each of its two guides is compared with the earlier
commit's:
- guide.csv is the same byte for byte;
- guide.json is the same value for value but for the time it was written and three fitted
  parameters (within_sd, shrinkage_k, level_offsets) that DuckDB's parallel aggregation leaves
  uncertain in their 15th-16th digit (as `benchmarks/figures_unchanged.py`); the chart specs,
  with their data, are in it;
- guide.html is the same byte for byte once the time it was written is blanked (the charts
  are inline SVG: the same drawing);
- guide.pdf has the same pages and the same text (`pdftotext`, the time blanked), and every
  page renders to the same pixels (`pdftoppm` at 40 dpi) but for the line that prints the time
  on page 1.
Exit status 1 on any difference, with the first ones printed. Needs poppler-utils
(`pdftotext`, `pdftoppm`, `pdfinfo`) and Pillow (a WeasyPrint dependency).
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NOISY_PARAMETERS = ("within_sd", "shrinkage_k", "level_offsets")
DPI = 40
TIME_BAND_PX = 2 * DPI // 3
"""Page 1 may differ within one horizontal band this tall (pixels): the printed time."""


def run(src: Path, db: Path, home: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    """`python -m paybench ARGS` with `src` first on PYTHONPATH; (process, wall seconds)."""
    env = {**os.environ, "PYTHONPATH": str(src), "PAYBENCH_DB": str(db), "PAYBENCH_HOME": str(home)}
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "paybench", *args], capture_output=True,
                          text=True, env=env, timeout=3600)
    return proc, time.perf_counter() - start


def guide(src: Path, store: Path, folder: Path, name: str = "guide") -> tuple[Path, float]:
    """Write the full guide with the code in `src` on a copy of `store` in `folder` (made on
    first use; a second run reads what the first cached); (out dir, seconds)."""
    db = folder / "store.duckdb"
    if not db.exists():
        folder.mkdir(parents=True)
        shutil.copyfile(store, db)
    out = folder / name
    proc, secs = run(src, db, folder / "home", "guide", "--out", str(out))
    if proc.returncode:
        sys.exit(f"{src}: paybench guide: {proc.stderr[-2000:]}")
    return out, secs


def scrub(value: Any) -> Any:
    """A guide.json without the time it was written and the noisy fitted parameters."""
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items()
                if k != "generated_at" and k not in NOISY_PARAMETERS}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    return value


def first_difference(a: str, b: str, name: str) -> str:
    """The first differing lines of two texts, as a short unified diff."""
    diff = list(difflib.unified_diff(a.splitlines(), b.splitlines(), "before", "after", n=0,
                                     lineterm=""))
    return f"{name}: differs:\n  " + "\n  ".join(line[:200] for line in diff[2:12])


def pdf_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    found = re.search(r"^Pages:\s+(\d+)", info, re.M)
    assert found is not None
    return int(found.group(1))


def pdf_text(pdf: Path, stamp: str) -> str:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return text.replace(stamp, "<generated>")


def pdf_pixels(before: Path, after: Path, work: Path) -> list[str]:
    """Render both PDFs at `DPI` and compare page by page (see the module doc)."""
    from PIL import Image, ImageChops

    problems = []
    for name, pdf in (("before", before), ("after", after)):
        subprocess.run(["pdftoppm", "-r", str(DPI), "-png", str(pdf), str(work / name)], check=True)
    pages_a = sorted(work.glob("before-*.png"))
    pages_b = sorted(work.glob("after-*.png"))
    for number, (a, b) in enumerate(zip(pages_a, pages_b, strict=True), start=1):
        with Image.open(a) as img_a, Image.open(b) as img_b:
            box = ImageChops.difference(img_a.convert("RGB"), img_b.convert("RGB")).getbbox()
        if box is None:
            continue
        if number == 1 and box[3] - box[1] <= TIME_BAND_PX:
            continue  # the time the guide was written
        problems.append(f"guide.pdf page {number}: pixels differ in {box} at {DPI} dpi")
    return problems


def compare(before: Path, after: Path, work: Path) -> list[str]:
    problems = []
    if (before / "guide.csv").read_bytes() != (after / "guide.csv").read_bytes():
        problems.append(first_difference((before / "guide.csv").read_text(encoding="utf-8"),
                                         (after / "guide.csv").read_text(encoding="utf-8"), "guide.csv"))
    old = json.loads((before / "guide.json").read_text(encoding="utf-8"))
    new = json.loads((after / "guide.json").read_text(encoding="utf-8"))
    if scrub(old) != scrub(new):
        problems.append(first_difference(json.dumps(scrub(old), indent=1), json.dumps(scrub(new), indent=1),
                                         "guide.json"))
    stamps = (str(old["generated_at"]).replace("T", " "), str(new["generated_at"]).replace("T", " "))
    html = [(d / "guide.html").read_text(encoding="utf-8").replace(s, "<generated>")
            for d, s in ((before, stamps[0]), (after, stamps[1]))]
    if html[0] != html[1]:
        problems.append(first_difference(html[0], html[1], "guide.html"))
    pdfs = (before / "guide.pdf", after / "guide.pdf")
    pages = [pdf_pages(p) for p in pdfs]
    if pages[0] != pages[1]:
        problems.append(f"guide.pdf: {pages[0]} pages before, {pages[1]} after")
    text = [pdf_text(p, s) for p, s in zip(pdfs, stamps, strict=True)]
    if text[0] != text[1]:
        problems.append(first_difference(text[0], text[1], "guide.pdf text"))
    if pages[0] == pages[1]:
        pixels = work / "pixels"
        pixels.mkdir()
        problems += pdf_pixels(*pdfs, pixels)
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", default="f2b1c8e", help="the earlier commit (default f2b1c8e)")
    parser.add_argument("--db", type=Path, default=None,
                        help="the store to write the guide from (copied; default: built here)")
    parser.add_argument("--keep", type=Path, default=None, help="copy both guides to this folder")
    args = parser.parse_args()
    for tool in ("pdftotext", "pdftoppm", "pdfinfo"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} not found: install poppler-utils")
    with tempfile.TemporaryDirectory(prefix="pb-guide-same-") as tmp:
        work = Path(tmp)
        old_src = work / "before-src"
        old_src.mkdir()
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.before, "src"],
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(old_src)], input=archive, check=True)
        store = args.db
        if store is None:
            store = work / "store.duckdb"
            proc, _ = run(ROOT / "src", store, work / "home", "ingest", "--defaults")
            if proc.returncode:
                sys.exit(f"ingest --defaults: {proc.stderr[-2000:]}")
        elif not store.is_file():
            sys.exit(f"no store at {store}")
        before, secs_before = guide(old_src / "src", store, work / "before")
        after, secs_after = guide(ROOT / "src", store, work / "after")
        again, secs_again = guide(ROOT / "src", store, work / "after", "guide-again")
        (work / "cold").mkdir()
        (work / "warm").mkdir()
        problems = compare(before, after, work / "cold")
        problems += [f"(second run) {p}" for p in compare(before, again, work / "warm")]
        if args.keep:
            for name, folder in (("before", before), ("after", after), ("after-again", again)):
                shutil.copytree(folder, args.keep / name, dirs_exist_ok=True)
    print(f"before {args.before} ({secs_before:.1f} s), after: the working tree ({secs_after:.1f} s, "
          f"each building its model; then again, reading what the first run cached: "
          f"{secs_again:.1f} s); guide.csv, guide.json, guide.html and guide.pdf (text, pages, "
          "pixels) of both runs compared with the earlier commit's")
    for line in problems:
        print("DIFFERENT", line)
    print("same guide" if not problems else f"{len(problems)} differences")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
