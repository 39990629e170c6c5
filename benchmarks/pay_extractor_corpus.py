"""Accuracy and speed of the pay extractor on the labelled corpus tests/data/pay_phrases.csv.

Usage: python benchmarks/pay_extractor_corpus.py [--repeat N]

Prints, overall and for each split (dev: phrases used while writing the rules; holdout:
phrases written afterwards and scored before any further change):
- precision: of the phrases where extract_pay returned pay, the share whose min, max,
  currency, period, component and bound are all right (a phrase is pay when its row names a
  currency; "up to X" has min empty, one figure min = max, "from X" max empty);
- recall: of the phrases that are pay, the share extracted fully right;
- false-positive rate: of the phrases that are not pay, the share where pay was returned.
Then throughput (phrases per second) of extract_pay against a baseline measured in the
same run on the same texts: one compiled money regex, `findall` over each text. The
ratio (extract_pay time / baseline time) is the figure to compare across machines.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import math
import re
import time
from pathlib import Path

from paybench.normalize.pay_text import ExtractedPay, NotPay, extract_pay

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "pay_phrases.csv"
ON = dt.date(2025, 6, 2)
BASELINE = re.compile(
    r"(?:[$€£₹]|USD|EUR|GBP|CAD)\s?\d[\d,.]*\s?[kK]?(?:\s?[-–—]\s?[$€£₹]?\d[\d,.]*\s?[kK]?)?"
)


def is_pay(row: dict[str, str]) -> bool:
    """Whether the corpus row is pay (its labels name a currency)."""
    return bool(row["currency"])


def right(result: ExtractedPay | NotPay, row: dict[str, str]) -> bool:
    if not is_pay(row):
        return isinstance(result, NotPay)
    if not isinstance(result, ExtractedPay):
        return False

    def same(value: float | None, want: str) -> bool:
        return value is None if want == "" else value is not None and math.isclose(value, float(want))

    return (same(result.min, row["min"]) and same(result.max, row["max"])
            and (result.currency, result.period, result.component, result.bound)
            == (row["currency"], row["period"], row["component"], row["bound"]))


def scores(rows: list[dict[str, str]]) -> str:
    results = [(extract_pay(r["text"], on=ON), r) for r in rows]
    got = [(res, r) for res, r in results if isinstance(res, ExtractedPay)]
    pay = [(res, r) for res, r in results if is_pay(r)]
    neg = [(res, r) for res, r in results if not is_pay(r)]
    p_ok = sum(right(res, r) for res, r in got)
    r_ok = sum(right(res, r) for res, r in pay)
    fp = sum(isinstance(res, ExtractedPay) for res, _ in neg)
    precision = p_ok / len(got) if got else float("nan")
    recall = r_ok / len(pay) if pay else float("nan")
    fpr = fp / len(neg) if neg else float("nan")
    return (f"{len(rows)} phrases ({len(pay)} pay, {len(neg)} not pay): precision {precision:.3f} "
            f"({p_ok}/{len(got)}), recall {recall:.3f} ({r_ok}/{len(pay)}), "
            f"false-positive rate {fpr:.3f} ({fp}/{len(neg)})")


def timed(func, texts: list[str], repeat: int) -> float:  # type: ignore[no-untyped-def]
    best = math.inf
    for _ in range(repeat):
        start = time.perf_counter()
        for text in texts:
            func(text)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timing rounds (best is kept)")
    args = parser.parse_args()
    with CORPUS.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    extract_pay("€50k a year", on=ON)  # load the ECB rates once, outside the timings
    print(f"corpus {CORPUS.name}, exchange rates of {ON}")
    print(f"  all:     {scores(rows)}")
    for split in ("dev", "holdout"):
        print(f"  {split + ':':8} {scores([r for r in rows if r['split'] == split])}")

    texts = [r["text"] for r in rows]
    long_texts = [" ".join(texts[i:i + 25]) for i in range(0, len(texts), 25)]  # posting-sized texts
    for label, batch in (("phrases", texts), ("posting-sized texts (25 phrases each)", long_texts)):
        base = timed(BASELINE.findall, batch, args.repeat)
        ours = timed(lambda t: extract_pay(t, on=ON), batch, args.repeat)
        print(f"throughput on {len(batch)} {label}: extract_pay {len(batch) / ours:,.0f}/s, "
              f"baseline regex findall {len(batch) / base:,.0f}/s, "
              f"ratio {ours / base:.1f}x the baseline time")


if __name__ == "__main__":
    main()
