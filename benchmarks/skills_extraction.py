"""Throughput of `extract_skills` on the postings fixtures' descriptions, as a ratio to a
baseline measured in the same run (a regex word tokenization of the same texts), since
the machines are shared and noisy.

    /work/venv/bin/python benchmarks/skills_extraction.py
"""

from __future__ import annotations

import csv
import json
import re
import time
from pathlib import Path

from paybench.normalize.skills import extract_skills

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"


def texts() -> list[str]:
    with (DATA / "postings_jobspy.csv").open(encoding="utf-8", newline="") as handle:
        out = [row["description"] for row in csv.DictReader(handle) if row.get("description")]
    for line in (DATA / "postings.jsonl").read_text(encoding="utf-8").splitlines():
        try:
            obj = json.loads(line)
        except ValueError:
            continue
        if isinstance(obj, dict):
            out.append(obj.get("job_description", ""))
    return out


def main(rounds: int = 40) -> None:
    corpus = texts()
    extract_skills(corpus[0])  # load and compile the taxonomy outside the timing
    words = re.compile(r"\w+")
    n = len(corpus) * rounds
    start = time.perf_counter()
    for _ in range(rounds):
        for i, text in enumerate(corpus):
            words.findall(text + str(i))
    base = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(rounds):
        for i, text in enumerate(corpus):
            extract_skills(text + str(i))
    took = time.perf_counter() - start
    chars = sum(len(t) for t in corpus) / len(corpus)
    print(f"texts: {len(corpus)} descriptions x {rounds} rounds, mean {chars:.0f} characters")
    print(f"extract_skills: {n / took:,.0f} postings/s; baseline word tokenization: {n / base:,.0f}/s")
    print(f"ratio extract_skills time / tokenization time: {took / base:.1f}x")


if __name__ == "__main__":
    main()
