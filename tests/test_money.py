"""Money normalization: worked examples checked by hand, every error path, properties."""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import re
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paybench.errors import InputError, MoneyError
from paybench.normalize import money
from paybench.normalize.money import (
    HOURS_PER_YEAR,
    MAX_ANNUAL_USD,
    MIN_ANNUAL_USD,
    PERIODS_PER_YEAR,
    TOP_CODE_ANNUAL_USD,
    TOP_CODE_HOURLY_USD,
    annualize,
    currency_code,
    format_hourly,
    format_usd,
    is_top_coded,
    normalize_pay,
    parse_amount,
    parse_money,
    parse_period,
    usd_per_unit,
)

D = dt.date(2024, 6, 3)  # a Monday: the ECB published rates that day
PERIODS = list(PERIODS_PER_YEAR)


@pytest.fixture(scope="module")
def ecb():
    """The package's converter on the raw data, without any fallback (independent check)."""
    from currency_converter import CurrencyConverter

    return CurrencyConverter()


# --------------------------------------------------------------------------- constants


def test_constants() -> None:
    assert HOURS_PER_YEAR == 2080
    assert PERIODS_PER_YEAR == {
        "hour": 2080, "day": 260, "week": 52, "biweek": 26, "month": 12, "year": 1,
    }
    assert MIN_ANNUAL_USD == 5_000 and MAX_ANNUAL_USD == 5_000_000
    assert TOP_CODE_ANNUAL_USD == 239_200
    assert TOP_CODE_HOURLY_USD * HOURS_PER_YEAR == TOP_CODE_ANNUAL_USD
    assert issubclass(MoneyError, InputError)


# --------------------------------------------------------------------------- periods


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("hour", "hour"), ("hr", "hour"), ("/hr", "hour"), ("hourly", "hour"),
        ("per hour", "hour"), ("an hour", "hour"), ("Hour", "hour"), ("HOURLY", "hour"),
        ("/h", "hour"), ("p/h", "hour"),
        ("day", "day"), ("daily", "day"), ("per day", "day"),
        ("Week", "week"), ("weekly", "week"), ("wk", "week"),
        ("Bi-Weekly", "biweek"), ("biweekly", "biweek"), ("bi weekly", "biweek"),
        ("fortnightly", "biweek"), ("every two weeks", "biweek"), ("biweek", "biweek"),
        ("Month", "month"), ("monthly", "month"), ("mo", "month"), ("/mo", "month"),
        ("per month", "month"), ("pcm", "month"),
        ("Year", "year"), ("yr", "year"), ("/yr", "year"), ("year", "year"),
        ("annual", "year"), ("annually", "year"), ("a year", "year"), ("per annum", "year"),
        ("pa", "year"), ("p.a.", "year"), ("yearly", "year"), ("  Per Year ", "year"),
    ],
)
def test_parse_period(text: str, period: str) -> None:
    assert parse_period(text) == period


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty pay period"),
        ("   ", "empty pay period"),
        ("semi-monthly", "unknown pay period 'semi-monthly'"),
        ("fortnite", "unknown pay period 'fortnite'"),
        ("per", "unknown pay period 'per'"),
    ],
)
def test_parse_period_errors(text: str, message: str) -> None:
    with pytest.raises(MoneyError, match=f"^{re.escape(message)}$"):
        parse_period(text)


def test_parse_period_not_text() -> None:
    with pytest.raises(MoneyError, match="pay period must be text"):
        parse_period(12)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- amounts


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("150,000", 150_000), ("150000", 150_000), ("150000.00", 150_000),
        ("$150K", 150_000), ("150k", 150_000), ("150 k", 150_000), ("1.2M", 1_200_000),
        ("1.2 million", 1_200_000), ("2mm", 2_000_000), ("USD 180K", 180_000),
        ("180K USD", 180_000), ("€85.000", 85_000), ("85.000 €", 85_000),
        ("1.200.000", 1_200_000), ("85 000", 85_000), ("85\u00a0000", 85_000),
        ("1'250'000", 1_250_000), ("1.234,50", 1234.5), ("1,234.50", 1234.5),
        ("85,5", 85.5), ("1,5 Mio.", 1_500_000), ("1.250k", 1_250), ("95.50", 95.5),
        ("0.125", 0.125), (".5k", 500), ("CA$140k", 140_000), ("£65,000", 65_000),
    ],
)
def test_parse_amount(text: str, amount: float) -> None:
    assert parse_amount(text) == pytest.approx(amount, rel=1e-15)


def test_parse_money_keeps_currency() -> None:
    assert parse_money("USD 180K") == (180_000, "USD")
    assert parse_money("€85.000") == (85_000, "EUR")
    assert parse_money("CA$140k") == (140_000, "CAD")
    assert parse_money("150 MXN") == (150, "MXN")  # the M of MXN is not "million"
    assert parse_money("150,000") == (150_000, None)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty amount"),
        ("  ", "empty amount"),
        ("abc", "cannot read amount 'abc'"),
        ("1e5", "cannot read amount '1e5'"),
        ("nan", "cannot read amount 'nan'"),
        ("inf", "cannot read amount 'inf'"),
        ("150-200k", "amount '150-200k' looks like a range; parse each end"),
        ("$60 - $75", "amount '$60 - $75' looks like a range; parse each end"),
        ("150 to 200", "amount '150 to 200' looks like a range; parse each end"),
        ("-5000", "negative amount '-5000'"),
        ("$-5000", "negative amount '$-5000'"),
        ("1,2345", "cannot read amount '1,2345': ambiguous or malformed number '1,2345'"),
        ("1.2.3", "cannot read amount '1.2.3': ambiguous or malformed number '1.2.3'"),
        ("85 00", "cannot read amount '85 00': ambiguous or malformed number '85 00'"),
        ("₹12,00,000", "cannot read amount '₹12,00,000': ambiguous or malformed number "
         "'12,00,000'"),
        ("150K+", "cannot read amount '150K+': unexpected '+'"),
        ("Salary: 5", "cannot read amount 'Salary: 5': unexpected 'Salary:'"),
        ("$150k EUR", "amount '$150k EUR' names two currencies"),
        ("9" * 400, "is too large"),
    ],
)
def test_parse_amount_errors(text: str, message: str) -> None:
    with pytest.raises(MoneyError) as err:
        parse_amount(text)
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_parse_amount_not_text() -> None:
    with pytest.raises(MoneyError, match="amount must be text"):
        parse_amount(150000)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- annualize


def test_annualize_worked_examples() -> None:
    assert annualize(60, "hour") == 124_800  # 60 x 2,080
    assert annualize(60, "hour", hours_per_year=2000) == 120_000
    assert annualize(500, "day") == 130_000  # 500 x 260
    assert annualize(2_000, "week") == 104_000
    assert annualize(4_000, "biweek") == 104_000
    assert annualize(10_000, "month") == 120_000
    assert annualize(150_000, "year") == 150_000


def test_annualize_errors() -> None:
    with pytest.raises(MoneyError, match=r"^unknown pay period 'fortnight'$"):
        annualize(1, "fortnight")  # type: ignore[arg-type]
    with pytest.raises(MoneyError, match=r"^hours_per_year must be a number in \(0, 8784\]"):
        annualize(1, "hour", hours_per_year=0)
    with pytest.raises(MoneyError, match="hours_per_year"):
        annualize(1, "hour", hours_per_year=math.nan)
    with pytest.raises(MoneyError, match="hours_per_year"):
        annualize(1, "hour", hours_per_year=9000)
    # hours_per_year only matters for hourly pay
    assert annualize(1, "year", hours_per_year=0) == 1


# --------------------------------------------------------------------------- currencies


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("$", "USD"), ("US$", "USD"), ("USD", "USD"), ("usd", "USD"), (" USD ", "USD"),
        ("€", "EUR"), ("EUR", "EUR"), ("euros", "EUR"), ("£", "GBP"), ("GBP", "GBP"),
        ("CA$", "CAD"), ("C$", "CAD"), ("A$", "AUD"), ("AU$", "AUD"), ("NZ$", "NZD"),
        ("S$", "SGD"), ("SGD", "SGD"), ("HK$", "HKD"), ("₹", "INR"), ("Rs.", "INR"),
        ("¥", "JPY"), ("CN¥", "CNY"), ("RMB", "CNY"), ("CHF", "CHF"), ("Fr.", "CHF"),
        ("R$", "BRL"), ("zł", "PLN"), ("₩", "KRW"), ("VND", "VND"), ("HRK", "HRK"),
    ],
)
def test_currency_code(text: str, code: str) -> None:
    assert currency_code(text) == code


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty currency"),
        ("XYZ", "unknown currency 'XYZ'"),
        ("dollarz", "unknown currency 'dollarz'"),
        ("kr", "ambiguous currency 'kr' (SEK, NOK, DKK or ISK); give the ISO code"),
    ],
)
def test_currency_code_errors(text: str, message: str) -> None:
    with pytest.raises(MoneyError, match=f"^{re.escape(message)}$"):
        currency_code(text)


# --------------------------------------------------------------------------- exchange


def test_to_usd_eur_month_worked_example(ecb) -> None:
    """10,000 EUR/month on 2024-06-03: x 12 months x that day's ECB EUR->USD rate."""
    rate = ecb.convert(1, "EUR", "USD", date=D)  # 1.0842 USD per EUR that day
    assert rate == pytest.approx(1.0842)
    assert usd_per_unit("EUR", D) == pytest.approx(rate, rel=1e-12)
    pay = normalize_pay(10_000, "EUR", "month", D)
    assert pay.annual_usd == pytest.approx(120_000 * rate, rel=1e-12)
    assert pay.annual_usd == pytest.approx(130_104, abs=0.01)
    assert pay.fx_usd_per_unit == pytest.approx(rate)


def test_usd_per_unit_cross_rate(ecb) -> None:
    assert 65_000 * usd_per_unit("£", D) == pytest.approx(
        ecb.convert(65_000, "GBP", "USD", date=D), rel=1e-12
    )
    assert 100 * usd_per_unit("JPY", D) == pytest.approx(
        ecb.convert(100, "JPY", "USD", date=D), rel=1e-12
    )


def test_usd_per_unit_fallbacks() -> None:
    # weekend: interpolated between Friday and Monday
    sunday = dt.date(2024, 6, 2)
    friday = usd_per_unit("EUR", dt.date(2024, 5, 31))
    assert min(friday, usd_per_unit("EUR", D)) <= usd_per_unit("EUR", sunday) <= max(
        friday, usd_per_unit("EUR", D))
    # before the series (GBP from 1999-01-04) and after the data: the nearest end's rate
    assert usd_per_unit("GBP", dt.date(1990, 1, 1)) == usd_per_unit("GBP", dt.date(1999, 1, 4))
    assert usd_per_unit("EUR", dt.date(2200, 1, 1)) > 0
    assert usd_per_unit("USD", D) == 1.0


def test_usd_per_unit_errors() -> None:
    with pytest.raises(MoneyError, match=r"^no ECB rate for currency 'VND'$"):
        usd_per_unit("VND", D)
    with pytest.raises(
        MoneyError,
        match=r"^no ECB rate for currency 'RUB' on 2024-06-03: the ECB series ended on 2022-03-01$",
    ):
        usd_per_unit("RUB", D)
    assert usd_per_unit("RUB", dt.date(2021, 6, 1)) > 0  # before the end: fine
    with pytest.raises(MoneyError, match=r"^unknown currency 'XYZ'$"):
        usd_per_unit("XYZ", D)
    with pytest.raises(MoneyError, match=r"^on must be a date"):
        usd_per_unit("EUR", "2024-06-03")  # type: ignore[arg-type]


def test_usd_does_not_load_rates() -> None:
    code = (
        "import datetime as dt; from paybench.normalize import money as m;"
        "assert m.usd_per_unit('USD', dt.date(2024, 1, 1)) == 1.0;"
        "assert m.normalize_pay(60, '$', 'hour', dt.date(2024, 1, 1)).annual_usd == 124800;"
        "assert m._CONVERTER is None"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_one_converter() -> None:
    usd_per_unit("EUR", D)
    first = money._converter()
    usd_per_unit("GBP", D)
    assert money._converter() is first


# --------------------------------------------------------------------------- formatting


def test_format() -> None:
    assert format_usd(148_400) == "$148k"
    assert format_usd(148_500) == "$148k"  # round half to even on the thousand
    assert format_usd(148_600) == "$149k"
    assert format_usd(148_000, exact=True) == "$148,000"
    assert format_usd(124_800.4, exact=True) == "$124,800"
    assert format_usd(1_234_567) == "$1.2M"
    assert format_usd(2_000_000) == "$2M"
    assert format_usd(999_600) == "$1M"
    assert format_usd(950) == "$950"
    assert format_usd(-5_000) == "-$5k"
    assert format_usd(math.nan) == "$nan"
    assert format_hourly(95) == "$95/h"
    assert format_hourly(95.5) == "$95.50/h"
    assert format_hourly(115.0) == "$115/h"


def test_top_code() -> None:
    assert is_top_coded(239_200)
    assert is_top_coded(TOP_CODE_HOURLY_USD * HOURS_PER_YEAR)
    assert is_top_coded(300_000)
    assert not is_top_coded(239_000)
    assert is_top_coded(100, top_code=100)
    oews = normalize_pay(115, "USD", "hour", D, top_code=TOP_CODE_ANNUAL_USD)
    assert oews.top_coded and oews.annual_usd == 239_200
    assert not normalize_pay(115, "USD", "hour", D).top_coded  # default: never flagged
    assert not normalize_pay(110, "USD", "hour", D, top_code=TOP_CODE_ANNUAL_USD).top_coded


# --------------------------------------------------------------------------- normalize_pay


def test_normalize_pay_worked_examples() -> None:
    assert normalize_pay(60, "$", "hour", D).annual_usd == 124_800
    r = normalize_pay(60, "USD", "hour", D, amount_max=75)
    assert (r.annual_usd_min, r.annual_usd, r.annual_usd_max) == (124_800, 140_400, 156_000)
    assert normalize_pay(60, "USD", "hour", D, hours_per_year=2000).annual_usd == 120_000
    # a small bonus is fine; a small base is not
    assert normalize_pay(2_000, "USD", "year", D, component="bonus").annual_usd == 2_000
    # DOL spelling of a period goes straight in
    assert normalize_pay(2_500, "USD", "Bi-Weekly", D).annual_usd == 65_000  # type: ignore[arg-type]
    # relaxed bounds
    assert normalize_pay(300_000, "INR", "year", D, bounds=(1_000, 5e6)).annual_usd < 5_000


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((100, "USD", "year"), {}, "annual pay $100 is below the plausible minimum $5,000 "
         "(100 USD per year)"),
        ((100, "EUR", "month"), {}, "annual pay $1,301 is below the plausible minimum $5,000 "
         "(100 EUR per month)"),
        ((10_000_000, "USD", "year"), {}, "annual pay $10,000,000 is above the plausible "
         "maximum $5,000,000 (10,000,000 USD per year)"),
        ((150_000, "USD", "hour"), {}, "annual pay $312,000,000 is above the plausible "
         "maximum $5,000,000 (150,000 USD per hour)"),
        ((100_000, "USD", "year"), {"amount_max": 6e6}, "annual pay $6,000,000 is above the "
         "plausible maximum $5,000,000 (100,000-6,000,000 USD per year)"),
        ((math.nan, "USD", "year"), {}, "amount must be a finite number, got nan"),
        ((math.inf, "USD", "year"), {}, "amount must be a finite number, got inf"),
        ((-5, "USD", "year"), {}, "amount must be positive, got -5"),
        ((0, "USD", "year"), {}, "amount is zero"),
        (("5", "USD", "year"), {}, "amount must be a number, got '5'"),
        ((5, "USD", "year"), {"amount_max": -1.0}, "amount_max must be positive, got -1.0"),
        ((200_000, "USD", "year"), {"amount_max": 150_000},
         "range minimum 200,000.00 is above its maximum 150,000.00"),
        ((100_000, "XYZ", "year"), {}, "unknown currency 'XYZ'"),
        ((100_000, "VND", "year"), {}, "no ECB rate for currency 'VND'"),
        ((100_000, "USD", "quarter"), {}, "unknown pay period 'quarter'"),
        ((100_000, "USD", "year"), {"component": "stock"}, "unknown pay component 'stock'"),
        ((60, "USD", "hour"), {"hours_per_year": -1},
         "hours_per_year must be a number in (0, 8784], got -1"),
        ((100_000, "USD", "year"), {"bounds": (10, 1)},
         "plausibility bounds must be 0 <= min <= max, got (10, 1)"),
    ],
)
def test_normalize_pay_errors(args: tuple, kwargs: dict, message: str) -> None:
    with pytest.raises(MoneyError, match=f"^{re.escape(message)}$"):
        normalize_pay(*args, D, **kwargs)


def test_normalize_pay_bad_date() -> None:
    with pytest.raises(MoneyError, match=r"^on must be a date, got None$"):
        normalize_pay(100_000, "USD", "year", None)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- properties

finite_pos = st.floats(min_value=1e-6, max_value=1e12, allow_nan=False, allow_infinity=False)
dates = st.dates(min_value=dt.date(1995, 1, 1), max_value=dt.date(2030, 12, 31))
any_dates = st.dates()
periods = st.sampled_from(PERIODS)
hours = st.floats(min_value=1, max_value=8784)


@given(finite_pos, periods, hours)
def test_annualize_scales_by_periods_per_year(amount: float, period: str, h: float) -> None:
    per_year = h if period == "hour" else PERIODS_PER_YEAR[period]  # type: ignore[index]
    assert annualize(amount, period, h) == pytest.approx(amount * per_year, rel=1e-12)  # type: ignore[arg-type]


@given(finite_pos, finite_pos, periods, hours)
def test_annualize_monotone(a: float, b: float, period: str, h: float) -> None:
    lo, hi = sorted((a, b))
    assert annualize(lo, period, h) <= annualize(hi, period, h)  # type: ignore[arg-type]


@given(any_dates)
def test_usd_per_unit_identity(on: dt.date) -> None:
    assert usd_per_unit("USD", on) == 1.0


@settings(deadline=None)
@given(st.floats(min_value=10_000, max_value=1e6), st.sampled_from(["EUR", "GBP", "CAD", "CHF"]), dates)
def test_normalize_pay_converts_at_the_rate(amount: float, currency: str, on: dt.date) -> None:
    rate = usd_per_unit(currency, on)
    assert rate > 0
    pay = normalize_pay(amount, currency, "year", on)
    assert pay.fx_usd_per_unit == rate and pay.annual_usd == pytest.approx(amount * rate, rel=1e-12)


@settings(deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    amount=st.one_of(st.floats(), st.integers(-10**20, 10**20)),
    amount_max=st.one_of(st.none(), st.floats()),
    currency=st.one_of(st.text(max_size=6), st.sampled_from(["USD", "EUR", "$", "GBP", "RUB"])),
    period=st.one_of(st.text(max_size=12), periods),
    on=any_dates,
    h=st.floats(),
    component=st.sampled_from(["base", "bonus", "equity", "total", "stock"]),
)
def test_normalize_pay_only_money_errors(amount, amount_max, currency, period, on, h, component) -> None:
    try:
        pay = normalize_pay(
            amount, currency, period, on, amount_max=amount_max, component=component,
            hours_per_year=h,
        )
    except MoneyError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert pay.annual_usd_min <= pay.annual_usd <= pay.annual_usd_max
        assert all(math.isfinite(v) and v > 0 for v in (pay.annual_usd_min, pay.annual_usd_max))


@settings(deadline=None)
@given(
    low=st.floats(min_value=1, max_value=1e6),
    spread=st.floats(min_value=1, max_value=3),
    currency=st.sampled_from(["USD", "EUR", "GBP", "CAD", "INR", "JPY"]),
    period=periods,
    on=dates,
)
def test_normalize_pay_range_order(low, spread, currency, period, on) -> None:
    try:
        pay = normalize_pay(low, currency, period, on, amount_max=low * spread)
    except MoneyError as exc:
        assert "plausible" in str(exc)
        return
    assert pay.annual_usd_min <= pay.annual_usd <= pay.annual_usd_max
    assert pay.annual_usd == pytest.approx((pay.annual_usd_min + pay.annual_usd_max) / 2)


@given(st.text(max_size=30))
def test_parse_amount_only_money_errors(text: str) -> None:
    try:
        value = parse_amount(text)
    except MoneyError:
        return
    assert math.isfinite(value) and value >= 0


@given(st.text(max_size=20))
def test_parse_period_and_currency_only_money_errors(text: str) -> None:
    for fn in (parse_period, currency_code):
        with contextlib.suppress(MoneyError):
            fn(text)


@given(st.integers(min_value=0, max_value=10**12))
def test_parse_amount_round_trips(n: int) -> None:
    assert parse_amount(f"{n:,}") == n
    assert parse_amount(f"${n:,}") == n
    assert parse_amount(f"{n:,}k") == n * 1000
    assert parse_amount(f"{n}K USD") == n * 1000
    assert parse_amount(format_usd(n, exact=True)) == n
    assert parse_amount(f"€{n:,}".replace(",", ".")) == n  # European thousands dots
    assert parse_amount(f"{n:,}".replace(",", " ")) == n  # thin-space style grouping
    assert parse_amount(f"{n / 1000:.1f}k") == pytest.approx(round(n / 1000, 1) * 1000)


def test_no_exchange_rate_is_its_own_error_raised_after_every_other_check() -> None:
    """Issue 16: a figure valid in every other respect but in a currency without an ECB rate
    raises NoExchangeRate (a MoneyError), so a reader can keep it with its dollars unknown;
    any other fault of the figure is reported first, as a plain MoneyError."""
    from paybench.errors import NoExchangeRate

    on = dt.date(2025, 6, 2)
    for code in ("PKR", "NGN", "VND", "AED"):
        with pytest.raises(NoExchangeRate, match=rf"^no ECB rate for currency '{code}'$"):
            normalize_pay(110_940, code, "month", on)
    with pytest.raises(NoExchangeRate, match="the ECB series ended"):
        usd_per_unit("RUB", dt.date(2024, 6, 3))
    for bad in ({"amount": -5.0}, {"amount_max": 1.0}, {"period": "sprint"}):
        args = {"amount": 100_000.0, "period": "year", **bad}
        with pytest.raises(MoneyError) as caught:
            normalize_pay(args.pop("amount"), "PKR", args.pop("period"), on, **args)  # type: ignore[arg-type]
        assert not isinstance(caught.value, NoExchangeRate), caught.value
