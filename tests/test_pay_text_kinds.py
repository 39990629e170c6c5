"""Pay text as people write it (issue 16): the real inputs the issue lists, and a test of
each kind of reading behind them (hypothesis where the kind is a grammar), not only the
instances."""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import subprocess
import sys

import pytest
from babel.numbers import format_decimal
from hypothesis import given, settings
from hypothesis import strategies as st

from paybench.errors import NoExchangeRate
from paybench.normalize import pay_text as pt
from paybench.normalize.money import currency_code, usd_per_unit
from paybench.normalize.pay_text import ExtractedPay, NotPay, extract_pay
from test_pay_text import assert_consistent

ON = dt.date(2025, 6, 2)

Reading = tuple[float | None, float | None, str, str, str, str]
"""(min, max, currency, period, component, bound)."""


def reading(result: ExtractedPay | NotPay) -> Reading | str:
    if isinstance(result, NotPay):
        return f"NotPay({result.reason})"
    return (result.min, result.max, result.currency, result.period, result.component, result.bound)


# ------------------------------------------------------------------------- the table

REAL: list[tuple[str, Reading]] = [
    ("$204.4K – $352K • Offers Equity", (204_400, 352_000, "USD", "year", "base", "range")),
    ("$4K - $6K per month", (4_000, 6_000, "USD", "month", "base", "range")),
    ("Base Salary: 50.000 - 70.000EUR Total Compensation: 67.500 - 90.000EUR",
     (50_000, 70_000, "EUR", "year", "base", "range")),
    ("OTE compensation: $91k - $105K (base + variable)", (91_000, 105_000, "USD", "year", "total", "range")),
    ("Starting at $90k, up to $130k DOE", (90_000, 130_000, "USD", "year", "base", "range")),
    ("Base Salary: 63L", (6_300_000, 6_300_000, "INR", "year", "base", "single")),
    ("Current CTC: 38L Base + 9L ESOPs every year", (3_800_000, 3_800_000, "INR", "year", "base", "single")),
    ("9,36,000 per annum", (936_000, 936_000, "INR", "year", "base", "single")),
    ("Lahore: About PKR 110,940 per month", (110_940, 110_940, "PKR", "month", "base", "single")),
]


@pytest.mark.parametrize(("text", "want"), REAL, ids=[t for t, _ in REAL])
def test_real_input(text: str, want: Reading) -> None:
    result = extract_pay(text, on=ON)
    assert reading(result) == want
    assert isinstance(result, ExtractedPay)
    assert_consistent(result)
    assert text[result.span[0]:result.span[1]] == result.matched
    if result.currency == "PKR":
        assert result.annual_usd is None
        assert "no ECB rate for currency 'PKR'" in (result.annual_usd_note or "")
    else:
        assert result.annual_usd is not None and result.annual_usd_note is None


def test_real_input_annual_usd() -> None:
    """The annual figures that follow: a month's pay x 12, rupees at the ECB rate of the day."""
    monthly = extract_pay("$4K - $6K per month", on=ON)
    assert isinstance(monthly, ExtractedPay)
    assert (monthly.annual_usd_min, monthly.annual_usd_max, monthly.annual_usd) == (48_000, 72_000, 60_000)
    lakhs = extract_pay("Base Salary: 63L", on=ON)
    assert isinstance(lakhs, ExtractedPay) and lakhs.annual_usd is not None
    assert math.isclose(lakhs.annual_usd, 6_300_000 * usd_per_unit("INR", ON))


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "paybench", *args], capture_output=True, text=True,
                          env={**os.environ}, timeout=120)


def test_cli_pay_without_ecb_rate() -> None:
    """`paybench pay --json` keeps the amount, currency and period and says why the dollars are
    unknown; the text form prints the same (exit 0, no traceback)."""
    proc = run_cli("pay", "Lahore: About PKR 110,940 per month", "--json", "--on", "2025-06-02")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert (data["min"], data["max"], data["currency"], data["period"], data["bound"]) == (
        110940.0, 110940.0, "PKR", "month", "single")
    assert (data["annual_usd_min"], data["annual_usd_max"], data["annual_usd"]) == (None, None, None)
    assert data["annual_usd_note"] == "unknown: no ECB rate for currency 'PKR'"
    text = run_cli("pay", "Lahore: About PKR 110,940 per month")
    assert text.returncode == 0 and "110,940 PKR per month" in text.stdout
    assert "annual USD: unknown: no ECB rate for currency 'PKR'" in text.stdout
    ceiling = run_cli("pay", "up to $210,000", "--json", "--on", "2025-06-02")
    data = json.loads(ceiling.stdout)
    assert (data["min"], data["max"], data["bound"], data["annual_usd_min"], data["annual_usd"]) == (
        None, 210000.0, "up_to", None, 210000.0)


# ------------------------------------------------------------------------- kind: masks inside money

SIGNS = ["$", "US$", "€", "£", "CA$", "USD ", "EUR ", "GBP ", "USD", "EUR"]


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(SIGNS), st.integers(60, 600), st.integers(0, 9), st.integers(1, 200),
       st.sampled_from([" – ", " - ", "-", " to "]), st.sampled_from(["K", "k"]))
def test_never_pay_masks_not_inside_money(sign: str, whole: int, tenth: int, extra: int, sep: str,
                                          k: str) -> None:
    """A decimal amount with a multiplier ("$204.4K") is money whatever its last digit (the
    "4K" video-resolution mask, "5G", "3D" and the rest never apply right after a decimal point
    or a currency sign)."""
    code = currency_code(sign.strip())
    high = whole + 1 + extra
    text = f"{sign}{whole}.{tenth}{k}{sep}{sign}{high}{k} • Offers Equity"
    result = extract_pay(text, on=ON)
    assert reading(result) == ((whole * 10 + tenth) * 100, high * 1000, code, "year", "base", "range"), text


@pytest.mark.parametrize("sign", SIGNS)
@pytest.mark.parametrize(("token", "suffix", "value", "period"), [
    ("4K", " per month", 4_000, "month"), ("401k", "", 401_000, "year"), ("1099", " per week", 1_099, "week"),
    ("2025", " per month", 2_025, "month"), ("5.4K", "/month", 5_400, "month"),
])
def test_mask_tokens_after_a_currency_sign_are_money(sign: str, token: str, suffix: str, value: float,
                                                     period: str) -> None:
    result = extract_pay(f"Salary: {sign}{token}{suffix}", on=ON)
    assert reading(result) == (value, value, currency_code(sign.strip()), period, "base", "single")


@pytest.mark.parametrize("text", ["4K video streaming", "401(k) match", "1099 contractors welcome",
                                  "Founded in 2025", "5G and 3D rendering", "Python 3.11"])
def test_mask_tokens_without_a_currency_sign_are_still_not_pay(text: str) -> None:
    assert isinstance(extract_pay(text, on=ON), NotPay)


# ------------------------------------------------------------------------- kind: ISO codes

CODES = pt._CODES.split("|")


def _amount_for(code: str) -> int:
    """A yearly amount worth about $90,000 in ``code`` (any amount when the ECB has no rate)."""
    try:
        rate = usd_per_unit(code, ON)
    except NoExchangeRate:
        return 4_000_000
    return int(round(90_000 / rate, -3))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(CODES), st.sampled_from(["before", "after"]), st.sampled_from(["", " "]),
       st.booleans(), st.booleans())
def test_iso_code_before_or_after_glued_or_spaced(code: str, where: str, glue: str, thousands: bool,
                                                   ranged: bool) -> None:
    """An ISO code written before or after the number, glued or spaced, sets the currency (of
    both ends of a range when written at one end)."""
    amount = _amount_for(code)
    number = f"{amount // 1000}k" if thousands else f"{amount:,}"
    high_amount = amount * 5 // 4 // 1000 * 1000
    high = f"{high_amount // 1000}k" if thousands else f"{high_amount:,}"
    figure = f"{number} - {high}" if ranged else number
    written = f"{code}{glue}{figure}" if where == "before" else f"{figure}{glue}{code}"
    text = f"Salary: {written} per year"
    result = extract_pay(text, on=ON)
    want_max = high_amount if ranged else amount
    assert reading(result) == (amount, want_max, currency_code(code), "year", "base",
                               "range" if ranged else "single"), text
    assert isinstance(result, ExtractedPay)
    assert_consistent(result)


@pytest.mark.parametrize("text", ["TOP 10 companies to work for", "ALL 3 offices", "AMD 5 GPUs"])
def test_words_that_are_iso_codes_are_not_currencies(text: str) -> None:
    assert isinstance(extract_pay(text, on=ON), NotPay)


# ------------------------------------------------------------------------- kind: governing label

TOTAL_LABELS = ["OTE", "OTE compensation", "Total Compensation", "Total comp", "TC", "CTC", "Current CTC",
                "On-target earnings", "Total cash", "Compensation (including bonus)"]
BASE_LABELS = ["Base Salary", "Base", "Base pay", "Basic salary", "Fixed salary", "Base compensation"]
NEUTRAL_LABELS = ["Salary", "Salary range", "Pay range", "Compensation", "Pay"]
NOTES = ["", " (base + variable)", " (base plus commission)", " + bonus", " plus equity", " including bonus",
         " (50/50 split)"]


def _note_kind(note: str) -> str:
    if "(base" in note or "including" in note:
        return "total"
    return "base"


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([*TOTAL_LABELS, *BASE_LABELS, *NEUTRAL_LABELS]), st.sampled_from(NOTES),
       st.sampled_from(["", *TOTAL_LABELS, *BASE_LABELS]), st.sampled_from(["$", "€", "USD "]),
       st.integers(60, 300))
def test_component_from_the_label_that_governs(label: str, note: str, next_label: str, sign: str,
                                               low: int) -> None:
    """The label before a figure group decides its component; a note after it decides only
    when that label is neutral ("Salary:"); the label of the next group never does."""
    text = f"{label}: {sign}{low}k - {sign}{low + 20}k{note}"
    if next_label:
        text += f" {next_label}: {sign}{low + 30}k - {sign}{low + 60}k"
    want = "total" if label in TOTAL_LABELS else "base" if label in BASE_LABELS else _note_kind(note)
    result = extract_pay(text, on=ON)
    assert isinstance(result, ExtractedPay), (text, result)
    assert (result.min, result.max, result.component) == (low * 1000, (low + 20) * 1000, want), text


@pytest.mark.parametrize(("text", "component"), [
    ("Current CTC: 38L Base + 9L ESOPs every year", "base"),  # its own label outranks the clause's
    ("$150K–$180K base", "base"),
    ("Salary: $120k OTE", "total"),
    ("CTC: 12-18 LPA", "total"),
    ("Compensation: $180k (total comp)", "total"),
    ("Total compensation: $300K - $400K", "total"),
    ("We offer a competitive total rewards package. Salary range: $120k-$150k", "base"),
    ("Total rewards package, salary range $120k-$150k", "base"),
    ("$160K-$200K including bonus", "total"),
    ("£85k-£100k + bonus", "base"),
    ("Base Salary: 50.000 - 70.000EUR Total Compensation 67.500 - 90.000EUR", "base"),
])
def test_component_labels_table(text: str, component: str) -> None:
    result = extract_pay(text, on=ON)
    assert isinstance(result, ExtractedPay) and result.component == component, (text, reading(result))


# ------------------------------------------------------------------------- kind: bounds apart

FLOORS = ["Starting at", "starting from", "From", "At least", "Minimum", "Minimum of", "Min.", "Beginning at",
          "starts at"]
CEILINGS = ["up to", "Up to", "maximum", "Maximum of", "max", "as much as", "capped at", "no more than"]
LINKS = [", ", "; ", " and ", ", and going ", " with potential ", ", rising ", " ", " but "]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(FLOORS), st.sampled_from(CEILINGS), st.sampled_from(LINKS), st.integers(40, 300),
       st.integers(1, 150), st.booleans(), st.sampled_from(["", " DOE", " per year", " a year"]))
def test_two_bounds_in_separate_clauses_are_one_range(floor: str, ceiling: str, link: str, low: int,
                                                      extra: int, ceiling_first: bool, tail: str) -> None:
    """A floor and a ceiling written apart ("Starting at $90k, up to $130k") join into one
    range, in either order."""
    high = low + extra
    if ceiling_first:
        text = f"{ceiling.capitalize()} ${high}k{link}{floor.lower()} ${low}k{tail}"
    else:
        text = f"{floor} ${low}k{link}{ceiling} ${high}k{tail}"
    result = extract_pay(text, on=ON)
    assert reading(result) == (low * 1000, high * 1000, "USD", "year", "base", "range"), text
    assert isinstance(result, ExtractedPay) and f"${low}k" in result.matched and f"${high}k" in result.matched


@pytest.mark.parametrize("text", [
    "Starting at $90k. Up to $5,000 relocation bonus",  # the second figure is not pay
    "Salary from $60k. Signing bonus up to $100k",  # nor here
    "From $40/hr, up to $90k per year",  # two periods
    "Starting at €90k, up to $130k",  # two currencies
    "Starting at $130k, up to $90k",  # a floor above its ceiling
])
def test_bounds_that_are_not_one_range(text: str) -> None:
    result = extract_pay(text, on=ON)
    assert not (isinstance(result, ExtractedPay) and result.bound == "range"), reading(result)


@settings(max_examples=150, deadline=None)
@given(st.integers(30, 400), st.sampled_from(["$", "£", "€"]), st.sampled_from(["k", ",000"]),
       st.sampled_from(["up_to", "from", "single"]))
def test_bound_consistency(amount: int, sign: str, k: str, bound: str) -> None:
    """"Up to X" has no minimum, "from X" no maximum, one figure is min = max."""
    figure = f"{sign}{amount}{k}"
    text = {"up_to": f"Salary: up to {figure}", "from": f"Salary: from {figure}",
            "single": f"Salary: {figure}"}[bound]
    result = extract_pay(text, on=ON)
    assert isinstance(result, ExtractedPay), text
    value = amount * 1000
    assert (result.min, result.max, result.bound) == {
        "up_to": (None, value, "up_to"), "from": (value, None, "from"),
        "single": (value, value, "single")}[bound]
    assert_consistent(result)
    assert result.annual_usd is not None
    assert math.isclose(result.annual_usd, value * usd_per_unit(currency_code(sign), ON))


# ------------------------------------------------------------------------- kind: Indian conventions


@settings(max_examples=200, deadline=None)
@given(st.integers(300_000, 150_000_000), st.sampled_from([" per annum", " p.a.", " per year", " a year"]),
       st.sampled_from(["", "Salary: ", "CTC: ", "Package: "]))
def test_lakh_digit_grouping_implies_inr(amount: int, period: str, label: str) -> None:
    """Lakh digit grouping (babel's en_IN format: 9,36,000) with no sign written is rupees."""
    text = f"{label}{format_decimal(amount, locale='en_IN')}{period}"
    result = extract_pay(text, on=ON, default_currency="USD")
    want = "total" if "CTC" in label else "base"
    assert reading(result) == (amount, amount, "INR", "year", want, "single"), text


@settings(max_examples=200, deadline=None)
@given(st.integers(3, 150), st.sampled_from(["{n}L", "{n} L", "{n} lakh", "{n} lakhs", "{n} Lacs", "{n} LPA",
                                             "{n}LPA"]),
       st.sampled_from(["", "Base Salary: ", "Current CTC: ", "Expected: "]))
def test_lakh_multipliers_imply_inr(n: int, form: str, label: str) -> None:
    text = label + form.format(n=n)
    result = extract_pay(text, on=ON)
    want = "total" if "CTC" in label else "base"
    assert reading(result) == (n * 100_000, n * 100_000, "INR", "year", want, "single"), text


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 15), st.integers(0, 9), st.sampled_from(["Cr", " Cr", " crore", " crores"]))
def test_crore_multipliers_imply_inr(whole: int, tenth: int, unit: str) -> None:
    text = f"Salary: {whole}.{tenth}{unit} per annum"
    result = extract_pay(text, on=ON)
    value = (whole * 10 + tenth) * 1_000_000
    assert reading(result) == (value, value, "INR", "year", "base", "single"), text


def test_written_currency_outranks_the_indian_convention() -> None:
    written = extract_pay("$1,20,000 per annum", on=ON)
    assert isinstance(written, ExtractedPay) and written.currency == "USD"
    assert reading(extract_pay("Salary: ₹ 18 - 24 Lakhs per annum", on=ON)) == (
        1_800_000, 2_400_000, "INR", "year", "base", "range")
    assert reading(extract_pay("Salary: INR 12,00,000 - 18,00,000", on=ON)) == (
        1_200_000, 1_800_000, "INR", "year", "base", "range")
    assert isinstance(extract_pay("12,00,000", on=ON), NotPay)  # no sign, no pay word, no period


# ------------------------------------------------------------------------- kind: no ECB rate

NO_ECB = ["PKR", "BDT", "NGN", "LKR", "EGP", "KES", "VND", "ARS", "UAH", "CLP"]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(NO_ECB), st.integers(20_000, 9_000_000),
       st.sampled_from([("per month", "month"), ("per year", "year"), ("monthly", "month"), ("/yr", "year")]),
       st.sampled_from(["{c} {a}", "{a} {c}", "{c}{a}", "{a}{c}"]))
def test_currency_without_ecb_rate_is_kept(code: str, amount: int, per: tuple[str, str], form: str) -> None:
    """Pay in a currency the ECB set does not cover keeps its amount, currency and period; its
    annual USD is unknown and the reading says so."""
    text = "Salary: " + form.format(c=code, a=f"{amount:,}") + " " + per[0]
    result = extract_pay(text, on=ON)
    assert reading(result) == (amount, amount, code, per[1], "base", "single"), text
    assert isinstance(result, ExtractedPay)
    assert result.annual_usd is None
    assert result.annual_usd_note == f"unknown: no ECB rate for currency {code!r}"
    assert_consistent(result)


def test_a_range_without_ecb_rate_keeps_both_ends() -> None:
    result = extract_pay("NGN 450,000 - 600,000 monthly", on=ON)
    assert reading(result) == (450_000, 600_000, "NGN", "month", "base", "range")
    assert isinstance(result, ExtractedPay) and result.annual_usd is None


@pytest.mark.parametrize("text", [
    "Position code 12L; salary not disclosed", "Requisition 2024-3L", "Building 4L, floor 2",
    "Data Engineer - Denver, CO\nPosition code 12L. Benefits: health, 401k."])
def test_a_glued_l_without_a_pay_label_is_a_code_not_lakhs(text: str) -> None:
    """A figure whose only sign of money is a glued "L" counts as lakhs only after a pay label
    ("Base Salary: 63L", "CTC 12-18L"); a new-user trial found "Position code 12L" read as
    1,200,000 INR and a posting passing Colorado's pay-range rule on it."""
    assert isinstance(extract_pay(text, on=ON), NotPay)
    for labelled, low in (("CTC 12-18L", 1_200_000), ("Base Salary: 63L", 6_300_000), ("Rs 12L", 1_200_000)):
        found = extract_pay(labelled, on=ON)
        assert isinstance(found, ExtractedPay) and found.min == low and found.currency == "INR"


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(NO_ECB), st.integers(20_000, 9_000_000),
       st.sampled_from(["{c} {a}", "{a} {c}", "Salary: {c} {a}", "Pay {a} {c}"]))
def test_no_rate_and_no_period_is_not_guessed(code: str, amount: int, form: str) -> None:
    """The size rule that reads 60,000 as a year is a rule in dollars: with no exchange rate for
    the currency and no period word, 60,000 UAH may be a month, so no period is guessed and the
    reading says why (a new-user trial found 'UAH 60 000' read as 60,000 a year)."""
    text = form.format(c=code, a=f"{amount:,}")
    result = extract_pay(text, on=ON)
    assert isinstance(result, NotPay), text
    assert f"no pay period given, and with no exchange rate for {code}" in result.reason
    # with the period written, it stands; with a default period, too
    assert reading(extract_pay(text + " per month", on=ON))[3] == "month"
    assert reading(extract_pay(text, on=ON, default_period="year"))[3] == "year"


@pytest.mark.parametrize(("text", "expected"), [
    ("UAH 60 000 на месяц", (60_000, 60_000, "UAH", "month", "base", "single")),
    ("PLN 15 000 - 20 000 brutto miesięcznie", (15_000, 20_000, "PLN", "month", "base", "range")),
    ("15 000 - 20 000 zł/mies.", (15_000, 20_000, "PLN", "month", "base", "range")),
    ("RUB 250 000 в месяц", (250_000, 250_000, "RUB", "month", "base", "single")),
    # a currency written in its own script or sign is that currency, never the default dollar
    ("60 000 грн на місяць", (60_000, 60_000, "UAH", "month", "base", "single")),
    ("₴60 000 на місяць", (60_000, 60_000, "UAH", "month", "base", "single")),
    ("60 000 руб. в месяц", (60_000, 60_000, "RUB", "month", "base", "single")),
    ("150 000 ₽ в месяц", (150_000, 150_000, "RUB", "month", "base", "single")),
    ("60 000 Kč měsíčně", (60_000, 60_000, "CZK", "month", "base", "single")),  # Kč is no K(thousand)
    ("60 000 lei pe lună", (60_000, 60_000, "RON", "month", "base", "single")),
    ("600 000 Ft havonta", (600_000, 600_000, "HUF", "month", "base", "single")),
    ("15 000 - 20 000 zł/mc", (15_000, 20_000, "PLN", "month", "base", "range")),
    # "thousand" abbreviated: Polish tys., German Tsd., Russian тыс., Ukrainian тис.
    ("15-20 tys. zł/mies.", (15_000, 20_000, "PLN", "month", "base", "range")),
    ("60 Tsd. € pro Jahr", (60_000, 60_000, "EUR", "year", "base", "single")),
    ("150 тыс. руб. в месяц", (150_000, 150_000, "RUB", "month", "base", "single")),
    ("50 тис. грн на місяць", (50_000, 50_000, "UAH", "month", "base", "single")),
])
def test_month_words_of_the_trial(text: str, expected: tuple[object, ...]) -> None:
    assert reading(extract_pay(text, on=ON)) == expected
