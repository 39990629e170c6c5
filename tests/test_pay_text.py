"""Pay extraction from posting text: corpus precision/recall, examples, properties, CLI."""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paybench.normalize.pay_text import ExtractedPay, NotPay, extract_pay

CORPUS = Path(__file__).parent / "data" / "pay_phrases.csv"
ON = dt.date(2025, 6, 2)


def load_corpus() -> list[dict[str, str]]:
    with CORPUS.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def same(a: float | None, b: str) -> bool:
    if b == "":
        return a is None
    return a is not None and math.isclose(a, float(b), rel_tol=1e-9)


def is_pay(row: dict[str, str]) -> bool:
    """Whether a corpus row is pay: its labels name a currency ("up to X" has no min)."""
    return row["currency"] != ""


def is_right(result: ExtractedPay | NotPay, row: dict[str, str]) -> bool:
    """Whether the extraction matches the row's expected min, max, currency, period, component
    and bound."""
    if not is_pay(row):
        return isinstance(result, NotPay)
    return (
        isinstance(result, ExtractedPay)
        and same(result.min, row["min"])
        and same(result.max, row["max"])
        and result.currency == row["currency"]
        and result.period == row["period"]
        and result.component == row["component"]
        and result.bound == row["bound"]
    )


def describe(result: ExtractedPay | NotPay) -> str:
    if isinstance(result, NotPay):
        return f"NotPay({result.reason})"
    return (f"{result.min}-{result.max} {result.currency}/"
            f"{result.period} {result.component} {result.bound} [{result.matched}]")


def assert_consistent(result: ExtractedPay) -> None:
    """The bound rules of issue 16 and the annual figures that follow from them: a range has
    min <= max, one figure min == max, "up to X" no minimum, "from X" no maximum; the annual USD
    ends are known exactly where the amounts are (all unknown, with a note, for a currency
    without an ECB rate) and the point value lies between the known ends."""
    low, high = result.min, result.max
    if result.bound == "range":
        assert low is not None and high is not None and low <= high
    elif result.bound == "single":
        assert low is not None and low == high
    elif result.bound == "up_to":
        assert low is None and high is not None
    else:
        assert low is not None and high is None
    if result.annual_usd is None:
        assert result.annual_usd_min is None and result.annual_usd_max is None and result.annual_usd_note
        return
    assert result.annual_usd_note is None
    assert (result.annual_usd_min is None) == (low is None)
    assert (result.annual_usd_max is None) == (high is None)
    assert math.isfinite(result.annual_usd) and result.annual_usd > 0
    for end in (result.annual_usd_min, result.annual_usd_max):
        assert end is None or (math.isfinite(end) and end > 0)
    assert result.annual_usd_min is None or result.annual_usd_min <= result.annual_usd
    assert result.annual_usd_max is None or result.annual_usd <= result.annual_usd_max


# ------------------------------------------------------------------------- corpus


def test_corpus_shape() -> None:
    rows = load_corpus()
    positives = [r for r in rows if is_pay(r)]
    negatives = [r for r in rows if not is_pay(r)]
    assert len(rows) >= 320 and len(negatives) >= 80
    assert {r["split"] for r in rows} == {"dev", "holdout"}
    assert len({r["text"] for r in rows}) == len(rows), "duplicate phrases"
    groups = {"us", "hourly", "contract", "ote", "ca", "uk", "eu", "in", "emb", "neg"}
    assert {r["group"] for r in rows} >= groups
    for r in positives:
        assert r["currency"] and r["period"] and r["component"] in ("base", "total"), r
        # the bound rules: a range has both ends, one figure is min = max, a ceiling has no
        # minimum and a floor no maximum
        assert r["bound"] in ("range", "single", "up_to", "from"), r
        assert (r["min"] != "") == (r["bound"] != "up_to") and (r["max"] != "") == (r["bound"] != "from"), r
        if r["bound"] == "single":
            assert r["min"] == r["max"], r
        if r["bound"] == "range":
            assert float(r["min"]) <= float(r["max"]), r
    for r in negatives:
        assert not (r["min"] or r["max"] or r["currency"] or r["period"] or r["component"] or r["bound"]), r


def test_corpus_precision_and_recall() -> None:
    rows = load_corpus()
    extracted = right_extracted = positives = right_positives = false_pos = 0
    misses: list[str] = []
    for row in rows:
        result = extract_pay(row["text"], on=ON)
        ok = is_right(result, row)
        if isinstance(result, ExtractedPay):
            extracted += 1
            right_extracted += ok
            false_pos += not is_pay(row)
        if is_pay(row):
            positives += 1
            right_positives += ok
        if not ok:
            want = (f"{row['min']}-{row['max']} {row['currency']}/{row['period']} {row['component']} "
                    f"{row['bound']}" if is_pay(row) else "NotPay")
            misses.append(f"  #{row['id']} {row['text']!r}\n      want {want}\n      got  {describe(result)}")
    precision = right_extracted / extracted
    recall = right_positives / positives
    negatives = len(rows) - positives
    print(f"\npay corpus: {len(rows)} phrases ({positives} pay, {negatives} not pay)")
    print(f"precision {precision:.3f} ({right_extracted}/{extracted}), recall {recall:.3f} "
          f"({right_positives}/{positives}), false positives {false_pos}/{negatives}")
    for split in ("dev", "holdout"):
        part = [r for r in rows if r["split"] == split]
        results = [(extract_pay(r["text"], on=ON), r) for r in part]
        got = [(res, r) for res, r in results if isinstance(res, ExtractedPay)]
        pos = [(res, r) for res, r in results if is_pay(r)]
        print(f"  {split}: {len(part)} phrases, precision {sum(is_right(a, b) for a, b in got)}/{len(got)}, "
              f"recall {sum(is_right(a, b) for a, b in pos)}/{len(pos)}")
    print(f"misses ({len(misses)}):\n" + "\n".join(misses))
    assert precision >= 0.95
    assert recall >= 0.90


# ------------------------------------------------------------------------- examples

EXAMPLES: list[tuple[str, tuple[float | None, float | None, str, str, str, str]]] = [
    ("$150,000 - $200,000 a year", (150000, 200000, "USD", "year", "base", "range")),
    ("USD 180K-240K", (180000, 240000, "USD", "year", "base", "range")),
    ("$60-$75/hr", (60, 75, "USD", "hour", "base", "range")),
    ("CA$140k-160k", (140000, 160000, "CAD", "year", "base", "range")),
    ("£85k-£100k + bonus", (85000, 100000, "GBP", "year", "base", "range")),
    ("between 120 and 150 thousand", (120000, 150000, "USD", "year", "base", "range")),
    ("up to $210,000", (None, 210000, "USD", "year", "base", "up_to")),
    ("$95/hour on W2", (95, 95, "USD", "hour", "base", "single")),
    ("Salary: 200k", (200000, 200000, "USD", "year", "base", "single")),
    ("$150K–$180K base", (150000, 180000, "USD", "year", "base", "range")),
    ("The base pay range for this role is $136,000 to $204,000 per year",
     (136000, 204000, "USD", "year", "base", "range")),
    ("Pay: $45.00 - $55.00 per hour", (45, 55, "USD", "hour", "base", "range")),
    ("€70.000 - €85.000 brutto/Jahr", (70000, 85000, "EUR", "year", "base", "range")),
    ("compensation range of 180,000-220,000 USD annually", (180000, 220000, "USD", "year", "base", "range")),
    ("OTE $250k (50/50 split)", (250000, 250000, "USD", "year", "total", "single")),
    ("$200k-$250k + equity", (200000, 250000, "USD", "year", "base", "range")),
    ("$120k-$140k DOE", (120000, 140000, "USD", "year", "base", "range")),
    ("Hourly rate: $85", (85, 85, "USD", "hour", "base", "single")),
    ("$8,000 - $10,000 per month", (8000, 10000, "USD", "month", "base", "range")),
    ("Total compensation: $300K - $400K", (300000, 400000, "USD", "year", "total", "range")),
    ("TC: $280k-$320k", (280000, 320000, "USD", "year", "total", "range")),
    ("on-target earnings of $200,000", (200000, 200000, "USD", "year", "total", "single")),
    ("$160K-$200K including bonus", (160000, 200000, "USD", "year", "total", "range")),
    ("From $80,000 a year", (80000, None, "USD", "year", "base", "from")),
]


@pytest.mark.parametrize(("text", "want"), EXAMPLES, ids=[t for t, _ in EXAMPLES])
def test_example(text: str, want: tuple[float | None, float | None, str, str, str, str]) -> None:
    result = extract_pay(text, on=ON)
    assert isinstance(result, ExtractedPay), result
    got = (result.min, result.max, result.currency, result.period, result.component, result.bound)
    assert got == want
    assert text[result.span[0]:result.span[1]] == result.matched


NOT_PAY = ["401k", "401(k) match", "$5M Series A", "raised $120 million", "10,000 users", "$2B valuation",
           "1,000+ employees", "up to $5,000 education stipend", "$500 home office budget", "$25 gift card",
           "version 2.0", "2024-2025", "100% remote", "24/7"]


@pytest.mark.parametrize("text", NOT_PAY)
def test_not_pay(text: str) -> None:
    result = extract_pay(text, on=ON)
    assert isinstance(result, NotPay), describe(result)
    assert result.reason and "\n" not in result.reason


def test_annual_usd_and_currency_conversion() -> None:
    hourly = extract_pay("$60-$75/hr", on=ON)
    assert isinstance(hourly, ExtractedPay)
    assert (hourly.annual_usd_min, hourly.annual_usd_max, hourly.annual_usd) == (124800, 156000, 140400)
    gbp = extract_pay("£85k-£100k + bonus", on=ON)
    assert isinstance(gbp, ExtractedPay)
    assert gbp.annual_usd is not None and gbp.annual_usd_min is not None and gbp.annual_usd_max is not None
    # GBP traded between 1.2 and 1.4 USD in 2025: the ECB rate of ON was used, not 1:1
    assert 1.2 * 85000 < gbp.annual_usd_min < 1.4 * 85000
    assert math.isclose(gbp.annual_usd, (gbp.annual_usd_min + gbp.annual_usd_max) / 2)
    earlier = extract_pay("£85k-£100k + bonus", on=dt.date(2022, 9, 26))  # sterling's 2022 low
    assert isinstance(earlier, ExtractedPay) and earlier.annual_usd_min is not None
    assert earlier.annual_usd_min < gbp.annual_usd_min


def test_implausible_refused_with_reason() -> None:
    low = extract_pay("$5 per hour", on=ON)
    assert isinstance(low, NotPay) and "below the plausible minimum" in low.reason
    high = extract_pay("Salary: $3,000,000 per year", on=ON)
    assert isinstance(high, NotPay) and "above the plausible maximum" in high.reason
    ambiguous = extract_pay("Pay: $12,000 - $15,000", on=ON)
    assert isinstance(ambiguous, NotPay) and "monthly or yearly" in ambiguous.reason
    assert isinstance(extract_pay("Pay: $12,000 - $15,000", on=ON, default_period="month"), ExtractedPay)


def test_defaults_and_choice() -> None:
    result = extract_pay("Salary: 90,000 - 110,000", on=ON, default_currency="EUR")
    assert isinstance(result, ExtractedPay) and result.currency == "EUR"
    text = "Sign-on bonus $10,000. The range is $150,000-$180,000 in NYC and $140,000-$170,000 elsewhere."
    chosen = extract_pay(text, on=ON)
    assert isinstance(chosen, ExtractedPay) and (chosen.min, chosen.max) == (150000, 180000)
    assert chosen.matched == "$150,000-$180,000" and text.index("$150,000") == chosen.span[0]
    assert isinstance(extract_pay(""), NotPay) and isinstance(extract_pay("   \n"), NotPay)


# ------------------------------------------------------------------------- properties


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_never_raises_on_text(text: str) -> None:
    result = extract_pay(text, on=ON)
    assert isinstance(result, ExtractedPay | NotPay)
    if isinstance(result, ExtractedPay):
        assert text[result.span[0]:result.span[1]] == result.matched


_PIECES = st.sampled_from(["$", "€", "£", "k", "K", "-", " to ", "/hr", " a year", "401(k)", "%", "USD",
                           "1", "0", "5", "12", ",", ".", " ", "salary ", "OTE ", "up to ", "between ",
                           " and ", "lakh", "M", "\n", "24/7", "2025"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=25).map("".join))
def test_never_raises_on_pay_like_text(text: str) -> None:
    result = extract_pay(text, on=ON)
    assert isinstance(result, ExtractedPay | NotPay)
    if isinstance(result, ExtractedPay):
        assert text[result.span[0]:result.span[1]] == result.matched
        assert_consistent(result)


@settings(max_examples=200, deadline=None)
@given(st.integers(20, 1999), st.integers(0, 500), st.sampled_from([" - ", "-", " – ", "—", " to "]),
       st.sampled_from(["k", "K"]))
def test_generated_k_ranges(a: int, extra: int, sep: str, k: str) -> None:
    b = min(a + extra, 1999)
    result = extract_pay(f"${a}{k}{sep}${b}{k} a year", on=ON)
    assert isinstance(result, ExtractedPay), result
    assert (result.min, result.max, result.currency, result.period) == (a * 1000, b * 1000, "USD", "year")
    assert result.bound == "range"


_CURRENCIES = [("$", "USD"), ("US$", "USD"), ("USD ", "USD"), ("€", "EUR"), ("EUR ", "EUR"), ("£", "GBP"),
               ("GBP ", "GBP"), ("CA$", "CAD"), ("C$", "CAD"), ("CAD ", "CAD"), ("A$", "AUD"),
               ("AUD ", "AUD"), ("NZ$", "NZD"), ("S$", "SGD"), ("SGD ", "SGD"), ("CHF ", "CHF"), ("₹", "INR"),
               ("INR ", "INR"), ("Rs. ", "INR"), ("SEK ", "SEK"), ("HK$", "HKD"), ("¥", "JPY")]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(_CURRENCIES), st.integers(60, 200), st.integers(1, 60), st.booleans())
def test_currency_symbols_and_codes(cur: tuple[str, str], low: int, width: int, suffix: bool) -> None:
    symbol, code = cur
    scale = {"JPY": 100, "INR": 100, "SEK": 10, "HKD": 10}.get(code, 1)  # bigger numbers
    lo, hi = low * 1000 * scale, (low + width) * 1000 * scale
    text = (f"{lo:,} - {hi:,} {symbol.strip()} per year" if suffix and symbol.strip().isalpha()
            else f"Salary {symbol}{lo:,} - {symbol}{hi:,} per year")
    result = extract_pay(text, on=ON)
    assert isinstance(result, ExtractedPay), (text, result)
    assert (result.min, result.max, result.currency, result.period) == (lo, hi, code, "year")
    assert result.annual_usd_min <= result.annual_usd <= result.annual_usd_max  # type: ignore[operator]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abc $€£k-–0123456789,.+/", max_size=60), st.text(max_size=40))
def test_result_invariants(middle: str, tail: str) -> None:
    text = f"Salary {middle} {tail}"
    result = extract_pay(text, on=ON)
    if isinstance(result, ExtractedPay):
        assert_consistent(result)
        assert text[result.span[0]:result.span[1]] == result.matched
        assert result.matched in text


# ------------------------------------------------------------------------- CLI


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "paybench", *args], capture_output=True, text=True,
                          env={**os.environ}, timeout=120)


def test_cli_pay_json() -> None:
    proc = run_cli("pay", "The base pay range for this role is $136,000 to $204,000 per year", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert {k: data[k] for k in ("min", "max", "currency", "period", "component", "bound")} == {
        "min": 136000.0, "max": 204000.0, "currency": "USD", "period": "year", "component": "base",
        "bound": "range"}
    annual = (data["annual_usd_min"], data["annual_usd_max"], data["annual_usd"])
    assert annual == (136000.0, 204000.0, 170000.0)
    assert data["matched"] == "$136,000 to $204,000 per year"

    miss = run_cli("pay", "raised $120 million", "--json")
    assert miss.returncode == 0, miss.stderr
    data = json.loads(miss.stdout)
    assert data["pay"] is None and "raised" in data["reason"]

    text = run_cli("pay", "£85k-£100k + bonus", "--on", "2025-06-02")
    assert text.returncode == 0 and "GBP per year" in text.stdout and "annual USD" in text.stdout

    empty = run_cli("pay", "  ", "--json")
    assert empty.returncode == 1 and empty.stderr.strip().startswith("error:")
    assert len(empty.stderr.strip().splitlines()) == 1 and "Traceback" not in empty.stderr
    bad = run_cli("pay", "$100k", "--on", "June")
    assert bad.returncode == 1 and "YYYY-MM-DD" in bad.stderr


def test_company_size_with_plus_and_multiplier_is_not_pay() -> None:
    assert isinstance(extract_pay("As a $30+ billion business and technology services leader"), NotPay)
    assert isinstance(extract_pay("We are a €2+ million ARR startup"), NotPay)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200) | st.text(alphabet="a1 \t\u00a0\u202f\u2009\u2007$k", max_size=60))
def test_fast_space_folding_equals_the_translate_table(text: str) -> None:
    from paybench.normalize import pay_text as pt

    assert pt._spaces(text) == text.translate(pt._SPACE_CHARS)


def _mask_every_pattern(text: str) -> str:
    """The masking without the substring prefilters: every pattern scanned."""
    from paybench.normalize import pay_text as pt

    chars = list(text)
    for rx in pt._MASKS:
        for m in rx.finditer(text):
            if pt._maskable(text, m.start()):
                chars[m.start():m.end()] = " " * (m.end() - m.start())
    return "".join(chars)


MASK_PIECES = [
    "401(k)", "403 b", "12%", "50 percent", "24/7", "12/31/2024", "v2.0", "Python 3.11", "version 1.2",
    "B2B", "w-2", "H1B", "4K", "2024-2025", "1999", "$2025", "5 years of experience", "3+ years",
    "20-40 hours per week", "2 months notice", "$30+ billion", "\u212a", "\u017f", "İ", "ı", "hour\u017f",
    "year\u017f", "wee\u212a", " ", "\n", "$", "k", "1", "0", "/", ".", "+", "-", "per", "cent",
]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(MASK_PIECES) | st.text(max_size=6), max_size=25).map("".join))
def test_mask_prefilters_change_nothing(text: str) -> None:
    from paybench.normalize import pay_text as pt

    assert pt._mask(text) == _mask_every_pattern(text)


def test_mask_prefilters_on_the_corpus() -> None:
    from paybench.normalize import pay_text as pt

    for row in load_corpus():
        assert pt._mask(row["text"]) == _mask_every_pattern(row["text"])


@pytest.mark.parametrize(("text", "reading"), [
    ("$450", None), ("Rate: £450", None), ("Up to £600", None), ("€300 - €400", None),
    ("$85", ("hour", 85.0)), ("Pay: $45-$60", ("hour", 60.0)), ("£450 per day", ("day", 450.0)),
    ("Hourly: $120", ("hour", 120.0)), ("₹500", ("hour", 500.0)),
])
def test_a_bare_figure_between_250_and_1000_is_not_annualized_as_hourly(
        text: str, reading: tuple[str, float] | None) -> None:
    """A trial on the real Adzuna file: "Rate: £450" (a contractor's day rate) and "£200 for WFH
    setup" were read as hourly and annualized x 2,080 into posted salaries of $0.5-1.7M. With no
    period word, 250-1,000 is an hour or a day: refused, naming both; below 250 stays hourly,
    a written period wins, and low-wage currencies keep the 1,000 bound."""
    got = extract_pay(text, on=dt.date(2025, 6, 2))
    if reading is None:
        assert isinstance(got, NotPay) and "could be an hourly or a day rate" in got.reason
    else:
        assert isinstance(got, ExtractedPay), got
        assert (got.period, got.max) == reading
