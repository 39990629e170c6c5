"""Pay ranges from the free text of job postings.

:func:`extract_pay` reads a posting's text ("The base pay range for this role is
$136,000 to $204,000 per year", "USD 180K-240K", "$60-$75/hr", "OTE $250k") and returns
either an :class:`ExtractedPay` (the figure as written, plus annual US dollars) or a
:class:`NotPay` with the reason nothing was taken. It never raises on text.

How it reads
------------
1. **Mask what is never pay** (same length, so offsets stay true): 401(k), percentages,
   ratios and dates ("24/7", "50/50", "12/31"), years and year ranges ("2024-2025"),
   versions ("v2.0", "version 2.0").
2. **Find figures**: an optional currency (symbol or ISO code, before or after), a
   number (US "150,000", European "85.000", Swiss "85'000", spaced "85 000", Indian
   "12,00,000", decimals "45.00") and an optional multiplier: k/K/thousand (x 1,000),
   lakh/L/LPA (x 100,000), crore (x 10,000,000), M/mm/million (x 1,000,000),
   B/bn/billion (x 10^9; never plausible pay, read so that "$2B" is not taken as $2).
   Amounts are read by :func:`paybench.normalize.money.parse_amount` and currencies by
   :func:`~paybench.normalize.money.currency_code`.
3. **Pair figures into ranges** joined by "-", "–", "—", "to", "and" (after
   "between"). One end's currency or multiplier is shared with the other when it lacks
   one ("$150-200k", "USD 180K-240K", "between 120 and 150 thousand"); a multiplier is
   shared only when the bare end is below 1,000.
4. **Refuse non-pay figures** by their context in the same clause: words after the
   figure such as users, employees, stipend, budget, gift card, bonus (unless joined
   by "+"/"plus"/"and"/"with", which means "base with more on top"), valuation,
   funding, Series A; words before such as raised, funding, valuation, revenue,
   bonus of, stipend. A figure with no currency and no multiplier needs a pay word
   before it (salary, pay, compensation, rate, wage, base, OTE, ...) or a period word
   after it.
5. **Period**: a period word after the figure wins ("a year", "/yr", "per hour",
   "hourly", "monthly", "p.a.", "annually", "brutto/Jahr", "LPA"); then one in the same
   clause before it ("Hourly rate: $85", "monthly salary"); then ``default_period``;
   otherwise magnitude: values below 1,000 are hourly, values of 20,000 and more are
   yearly, and anything in between is refused as ambiguous (a month? a year?).
6. **Component**: the nearest component word in the clause decides. "OTE",
   "on-target earnings", "total compensation", "total cash", "TC", "CTC" (India's cost
   to company), "including bonus" -> ``total``; "base", "base salary", and extras
   joined on ("+ bonus", "plus equity", "and commission") -> ``base``. Default ``base``.
7. **Choose** one figure: ranges before single figures, then figures with a currency,
   multiplier or period word before bare ones, then the first in the text. So when a
   posting lists ranges for several locations or levels, the first range is taken.
   ``span``/``matched`` say which figure was chosen.
8. **Plausibility**: converted to annual USD by
   :func:`~paybench.normalize.money.normalize_pay` (ECB rate of ``on``, which defaults
   to today's date; 2,080 hours a year), a figure below :data:`MIN_ANNUAL_USD`
   ($15,000; :data:`MIN_ANNUAL_USD_LOW_WAGE` for the currencies in
   :data:`LOW_WAGE_CURRENCIES`, where a full-time tech salary can be lower) or above
   :data:`MAX_ANNUAL_USD` ($2,000,000) is refused with the reason; the next candidate
   is then tried.

Bounds: "$150k - $180k" is ``range`` (min <= max, as written); "$150k" is ``single`` (max None);
"up to $210,000" is ``up_to`` with **min == max == 210,000** (the only figure known is
the ceiling; keeping it in both ends makes ``annual_usd`` that figure instead of an
invented lower end); "from $150k", "starting at $150k", "$150k+" are ``from`` (max None).

Many texts at once
------------------
:func:`extract_pay_many` reads a batch (a file's posting texts): each distinct (text, date,
default currency) once, spread over ``PAYBENCH_WORKERS`` processes when the batch is large
(:class:`paybench.normalize.parallel.WorkerPool`), results in the batch's order and equal to
:func:`extract_pay` of each text; a text whose reading raised or killed its worker is a
:class:`~paybench.normalize.parallel.Failed` with the reason, never a lost row.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import pydantic

from paybench.errors import MoneyError
from paybench.normalize.money import currency_code, normalize_pay, parse_amount
from paybench.normalize.parallel import Failed, WorkerPool
from paybench.records import Period

__all__ = [
    "LOW_WAGE_CURRENCIES",
    "MAX_ANNUAL_USD",
    "MIN_ANNUAL_USD",
    "MIN_ANNUAL_USD_LOW_WAGE",
    "ExtractedPay",
    "NotPay",
    "extract_pay",
    "extract_pay_many",
]

MIN_ANNUAL_USD = 15_000.0
"""Lowest plausible full-time salary in a posting, in USD per year (about the US federal
minimum wage x 2,080 hours)."""

MIN_ANNUAL_USD_LOW_WAGE = 2_500.0
"""Lowest plausible full-time salary, in USD per year, for currencies of economies where
tech salaries start far below $15,000 (INR 3 lakh a year is about $3,600)."""

LOW_WAGE_CURRENCIES = frozenset(
    (
        "INR", "PKR", "BDT", "LKR", "NPR", "PHP", "IDR", "VND", "NGN", "KES", "EGP", "UAH", "MAD", "TND",
        "GHS", "ETB", "UGX", "TZS", "BRL", "MXN", "COP", "ARS", "PEN", "CLP", "TRY", "RON", "BGN", "MYR",
        "THB", "CNY", "ZAR", "RSD",
    )
)
"""ISO codes whose salaries are checked against :data:`MIN_ANNUAL_USD_LOW_WAGE`."""

MAX_ANNUAL_USD = 2_000_000.0
"""Highest plausible posted pay, in USD per year."""


class ExtractedPay(pydantic.BaseModel):
    """A pay figure read from text.

    ``min``/``max`` are as written, in ``currency`` per ``period``; ``annual_usd_min``,
    ``annual_usd_max`` and ``annual_usd`` (the midpoint) are US dollars per year.
    ``bound``: ``range`` (min <= max, both written), ``single`` (max None), ``up_to`` (a ceiling:
    min == max == the figure), ``from`` (a floor: max None). ``span`` is the
    ``[start, end)`` character offsets of ``matched`` in the input text.
    """

    min: float
    max: float | None
    currency: str
    period: Period
    component: Literal["base", "total"]
    bound: Literal["range", "single", "up_to", "from"]
    annual_usd_min: float
    annual_usd_max: float | None
    annual_usd: float
    span: tuple[int, int]
    matched: str


class NotPay(pydantic.BaseModel):
    """No pay figure in the text, with the reason (one line)."""

    reason: str


# --------------------------------------------------------------------------- patterns

_SPACE_CHARS = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\t": " ", "\u2007": " "})
_SPACE_PAIRS = tuple((chr(k), v) for k, v in _SPACE_CHARS.items())


def _spaces(text: str) -> str:
    """``text.translate(_SPACE_CHARS)`` by ``str.replace`` (C speed; a dict-table translate
    costs about a microsecond a character)."""
    for old, new in _SPACE_PAIRS:
        if old in text:
            text = text.replace(old, new)
    return text

_MASKS = [
    re.compile(r"(?<![$€£₹\d.,])\b401\s*\(?\s*k\s*\)?", re.IGNORECASE),
    re.compile(r"(?<![$€£₹\d.,])\b403\s*\(?\s*b\s*\)?", re.IGNORECASE),
    re.compile(r"\d+(?:[.,]\d+)?\s*(?:%|percent\b|per\s*cent\b)", re.IGNORECASE),
    re.compile(r"(?<![\d$€£₹])\b\d{1,4}\s*/\s*\d{1,4}(?:\s*/\s*\d{2,4})?\b"),
    re.compile(r"\b(?:v|ver\.?|version|release|python|java|ios|android|web|gpt-?)\s*\d+(?:\.\d+)+\b",
               re.IGNORECASE),
    re.compile(r"\bv\d+(?:\.\d+)*\b", re.IGNORECASE),
    re.compile(r"\b(?:B2B|B2C|C2C|W-?2|1099|P2P|G2|H-?1B|24x7|4K|5G|3D|2D)\b", re.IGNORECASE),
    # "a $30+ billion business": a plus before a large multiplier is a size, never pay
    re.compile(r"(?:[$€£₹]\s?)?\d[\d,.]*\s*\+\s*(?:billion|million|trillion|bn|mn)\b", re.IGNORECASE),
    # years and year ranges, unless a currency sign precedes or a multiplier follows
    re.compile(r"(?<![\d$€£₹.,'])\b(?:19[5-9]\d|20[0-4]\d)(?:\s*[-–—/]\s*(?:19|20)?\d\d)?\b"
               r"(?!\s*(?:k\b|K\b|[.,]\d|\+?\s*(?:USD|EUR|GBP|CAD|INR|€|£|\$)))"),
    re.compile(r"\b\d+(?:\.\d+)?\s*(?:years?|yrs?|months?|weeks?|days?|hours?|hrs?)\s+"
               r"(?:of\s+)?(?:experience|exp\b|old|ago|notice|probation|contract|long|in\b|per\s+week|"
               r"a\s+week|/\s*week|weekly|on[- ]call|PTO|vacation|paid|off|parental|leave)",
               re.IGNORECASE),
    re.compile(r"\b\d+\s*(?:\+\s*)?(?:-\s*\d+\s*)?(?:years?|yrs?)\b", re.IGNORECASE),
    re.compile(r"\b\d+\s*(?:-|to)\s*\d+\s*(?:hours|hrs)\s*(?:/|per|a)\s*week\b", re.IGNORECASE),
]

_CODES = (
    "USD|CAD|EUR|GBP|INR|AUD|NZD|SGD|CHF|JPY|SEK|NOK|DKK|PLN|CZK|HUF|ILS|MXN|BRL|ZAR|HKD|CNY|RON|TRY|"
    "PHP|THB|IDR|MYR|KRW|AED|BGN|ISK|RMB|PKR|BDT|LKR|NGN|KES|EGP|UAH|SAR|QAR|TWD|VND|COP|CLP|ARS|PEN"
)
_CUR_PRE = (
    r"(?:US\s?\$|USD\s?\$|CA\s?\$|CAD\s?\$|CAN\s?\$|C\$|AU\s?\$|AUD\s?\$|A\$|NZ\s?\$|S\$|SG\s?\$|HK\s?\$|"
    r"MX\s?\$|R\$|\$|€|£|₹|¥|₩|₪|₺|₱|zł|Rs\.?|"
    rf"(?:{_CODES})\b)"
)
_CUR_POST = (
    rf"(?:\$\s?(?:CAD|CA|USD|US|AUD|AU)\b|\b(?:{_CODES})\b|€|£|\$|₹|zł|"
    r"\b(?i:euros?|dollars?|pounds?|rupees?|Kč|Ft|lei|zloty)\b)"
)
_NUM = (
    r"(?:\d{1,2}(?:,\d{2})+,\d{3}(?![\d,])"          # Indian grouping 12,00,000
    r"|\d{1,3}(?:(?:,|\.|'|’| (?=\d{3}\b))\d{3})+(?:[.,]\d{1,2})?(?![\d])"
    r"|\d+(?:[.,]\d{1,2})?(?![\d])"
    r")"
)
_MULT = (
    r"(?:\s?(?i:thousand|lakhs?|lacs?|LPA|crores?|million|millions|billion|mn|bn|mm|cr)"
    r"|\s?[kK]|[MBL]|\s[MB])(?![A-Za-z])"
)
_FIGURE = (
    rf"(?:(?P<{{p}}cur1>{_CUR_PRE})\s?(?<![\d.,])|(?<![A-Za-z\d.,_]))(?P<{{p}}num>{_NUM})(?P<{{p}}mult>{_MULT})?"
    rf"(?:\s?(?P<{{p}}cur2>{_CUR_POST}))?(?P<{{p}}plus>\+)?"
    r"(?P<{p}per>\s?/\s?(?i:yr|year|hr|hour|h|mo|month|annum|day|wk|week)\b)?"
)
_SEP = (r"\s*(?:-{1,2}|–|—|~|\bto\b|\band\b|\bthrough\b|\bupto\b|\bund\b|\bbis\b|\bet\b|à|\ba\b|\by\b)"
        r"\s*(?:up\s+to\s+)?")
_CANDIDATE = re.compile(
    rf"(?P<a>{_FIGURE.replace('{p}', 'a_')})(?:(?P<sep>{_SEP})(?P<b>{_FIGURE.replace('{p}', 'b_')}))?",
    re.UNICODE,
)

_MULT_VALUES: list[tuple[str, float]] = [
    (r"k|thousand", 1e3), (r"lakhs?|lacs?|l|lpa", 1e5), (r"crores?|cr", 1e7),
    (r"m|mm|mn|millions?", 1e6), (r"b|bn|billion", 1e9),
]
_DOLLARS = frozenset({"USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN", "TWD"})
_DOLLAR_CODE = re.compile(r"(?<![A-Za-z])(?:CAD|AUD|NZD|SGD|HKD|MXN|USD)(?![A-Za-z])")
_WORD_CURRENCY = {"euro": "EUR", "euros": "EUR", "dollar": "USD", "dollars": "USD", "pound": "GBP",
                  "pounds": "GBP", "rupee": "INR", "rupees": "INR", "kč": "CZK", "ft": "HUF", "lei": "RON",
                  "zł": "PLN", "zloty": "PLN"}

_PERIOD_PATTERNS: list[tuple[Period, str]] = [
    ("biweek", r"bi-?weekly|every\s+(?:two|2)\s+weeks|per\s+fortnight|fortnightly|/\s*biweekly"),
    ("hour", r"(?:/|\bper\b|\ban?\b|\beach\b|\bp\s?/?)\s*\.?\s*(?:hours?|hrs?|h)\b|\bhourly\b|\bph\b"
             r"|\b(?:pro|je)\s+stunde\b|/\s*std\b|\bstündlich\b|\bde\s+l'heure\b|\bpar\s+heure\b"
             r"|\bpor\s+hora\b|/\s*heure\b|\bw-?2\s+hourly\b"),
    ("day", r"(?:/|\bper\b|\ban?\b|\beach\b|\bp\s?/?)\s*\.?\s*(?:days?|d)\b|\bdaily\b|\bday\s+rate\b"
            r"|\bpro\s+tag\b|/\s*tag\b|\bpar\s+jour\b|\bTJM\b"),
    ("week", r"(?:/|\bper\b|\ban?\b|\beach\b|\bp\s?/?)\s*\.?\s*(?:weeks?|wk|w)\b|\bweekly\b"),
    ("month", r"(?:/|\bper\b|\ban?\b|\beach\b|\bp\s?/?)\s*\.?\s*(?:months?|mo|mth|m)\b|\bmonthly\b"
              r"|\bpcm\b|\bp\.\s?m\.|\bpro\s+monat\b|/\s*monat\b|\bmonatlich\b|\bpar\s+mois\b"
              r"|/\s*mois\b|\bmensuel(?:le)?\b|\bmensual\b|\bal\s+mes\b|\bpor\s+m[êe]s\b|/\s*m[êe]s\b|\bmensal\b"),
    ("year", r"(?:/|\bper\b|\ban?\b|\beach\b|\bp\s?/?)\s*\.?\s*(?:years?|yrs?|y|annum|anum)\b"
             r"|\bannual(?:ly)?\b|\byearly\b|\bp\.?\s?a\.?(?![a-z])|\bLPA\b|\bper\s+annum\b"
             r"|\bpro\s+jahr\b|/\s*jahr\b|\bj(?:ä|ae)hrlich\b|\bp\.\s?a\b|\bpar\s+an\b|/\s*an\b"
             r"|\bannuel(?:le)?\b|\bbrut\s+annuel\b|\bpar\s+ann[ée]e\b|/\s*ann[ée]e\b|\bpor\s+ano\b|\bal\s+año\b|\banual\b|\bper\s+year\b|\bsalary\s+band\b(?!x)"),
]
_PERIOD_RES = [(p, re.compile(rx, re.IGNORECASE)) for p, rx in _PERIOD_PATTERNS]
_PERIOD_BEFORE = [
    ("hour", re.compile(r"\bhourly\b|\bper\s+hour\b|\bhour(?:ly)?\s+rate\b|\brate\s+per\s+hour\b", re.I)),
    ("day", re.compile(r"\bday\s+rate\b|\bdaily\s+rate\b|\bper\s+day\b|\brate\s+per\s+day\b", re.I)),
    ("week", re.compile(r"\bweekly\b|\bper\s+week\b", re.I)),
    ("month", re.compile(r"\bmonthly\b|\bper\s+month\b|\bmonatlich\b|\bmensuel\b|\bmensual\b", re.I)),
    ("year", re.compile(r"\bannual(?:ly)?\b|\byearly\b|\bper\s+(?:year|annum)\b|\bjahresgehalt\b"
                        r"|\bannuel\b|\bCTC\b|\bper\s+year\b", re.I)),
]

_TOTAL_WORDS = re.compile(
    r"\bOTE\b|\bon[- ]target(?:\s+earnings?|\s+comp(?:ensation)?)?\b|\btotal\s+(?:target\s+|annual\s+)?"
    r"(?:comp(?:ensation)?|cash|pay|earnings?|rewards?|package|remuneration)\b|\bTC\b|\bTTC\b|\bCTC\b"
    r"|\bcost\s+to\s+company\b|\binclud(?:es|ing)\s+(?:annual\s+|target\s+)?(?:bonus|commission|equity)"
    r"|\bincl\.?\s+(?:bonus|commission)|\binclusive\s+of\s+(?:bonus|commission)"
    r"|\bwith\s+(?:bonus|commission)\s+included|\btotal\b",
    re.IGNORECASE,
)
_BASE_WORDS = re.compile(
    r"\bbase\b|\bbasic\b|\bfixed\s+(?:salary|pay|comp)|(?:[+&]|\bplus\b|\band\b|\bwith\b)\s*"
    r"(?:an?\s+)?(?:(?:annual|performance|target|quarterly|generous|competitive|discretionary|"
    r"sign[- ]on)\s+)?"
    r"(?:bonus|equity|commissions?|stock|RSUs?|benefits|options)",
    re.IGNORECASE,
)
_PAY_WORDS = re.compile(
    r"\b(?:salary|salaries|pay|paid|compensation|comp|wage|wages|rate|OTE|TC|CTC|base|earn(?:ings)?|"
    r"remuneration|package|range|band|gehalt|jahresgehalt|salaire|rémunération|sueldo|salario|stipendio|"
    r"budgeted|hiring\s+range|offer|income)\b",
    re.IGNORECASE,
)
_COUNT_AFTER = re.compile(
    r"^\W{0,3}(?:(?:active|monthly|daily|paying|happy|global|enterprise|full[- ]time|registered)\s+)?"
    r"(?:users?|customers?|clients?|employees?|people|members?|engineers?|developers?|staff|downloads?|"
    r"installs?|companies|businesses|brands|patients|students|learners|countries|cities|locations|stores|"
    r"offices|records|rows|events|queries|GPUs|servers|lines|transactions|requests|miles|sq\.?\s?ft)\b",
    re.IGNORECASE,
)
_NOT_PAY_AFTER = re.compile(
    r"^\W{0,3}(?P<gap>(?:[\w'-]+\s+){0,3}?)(?P<word>stipends?|budgets?|allowances?|reimburse\w*|"
    r"gift\s*cards?|vouchers?|credits?|bonus(?:es)?|funding|revenue|ARR|valuation|series\s+[A-F]\b|round|"
    r"raised?|GMV|assets|AUM|grants?|prizes?|awards?|investment|seed|capital|fund|deals?|quota|"
    r"match(?:ing)?|insurance|coverage|deductible|towards?|equity\s+grant|in\s+(?:equity|RSUs|stock|funding|"
    r"revenue|sales|ARR|seed|venture|capital|investment)|worth\s+of|per\s+seat|per\s+user|sales)\b",
    re.IGNORECASE,
)
_PAY_GAP = re.compile(r"\b(?:base|basic|salary|pay|plus|and|with|including|incl|inclusive|total|ote|comp|"
                      r"compensation|doe|depending)\b|[+&(]", re.IGNORECASE)
_NOT_PAY_BEFORE = re.compile(
    r"(?:raised|raising|funding|funded|valuation|valued\s+at|revenue|ARR|series\s+[A-F]|seed|backed|"
    r"bonus(?:es)?(?:\s+of)?|stipend|budget|allowance|reimburse\w*|gift|voucher|credit|match(?:ing)?|"
    r"grant|invested|investment|sales\s+of|quota|customers|users|serving|manage[sd]?|managing|"
    r"portfolio|AUM|deals|GMV|fund|contracts?\s+worth|worth|prize|award|donat\w+|insurance|"
    r"life\s+insurance|coverage|learning|education|training|wellness|relocation|referral|equity|RSUs?|"
    r"stock|options|phone|internet|wifi|commuter|transit|meal|lunch|parking)"
    r"(?:\s+(?:of|up\s+to|worth|at|to|is|:|over|nearly|almost|about|around|approximately|by|from|"
    r"more\s+than|totaling|totalling|exceeding|in|a|an|the|our|per\s+\w+|for|each|every|year|annual|"
    r"annually|yearly))*[\s:]*(?:up\s+to\s+|of\s+)?\W{0,3}$",
    re.IGNORECASE,
)
_UP_TO = re.compile(r"(?:\bup\s*to|\bupto|\bmax(?:imum)?(?:\s+of)?|\bas\s+much\s+as|\bno\s+more\s+than|"
                    r"\bnot\s+(?:to\s+)?exceed(?:ing)?|\bcapped\s+at|\bbis\s+zu|\bjusqu'à)\s*:?\s*$",
                    re.IGNORECASE)
_FROM = re.compile(r"(?:\bfrom|\bstarting\s+(?:at|from)|\bstarts?\s+at|\bat\s+least|\bminimum(?:\s+of)?|"
                   r"\bmin\.?|\bno\s+less\s+than|\bab|\bà\s+partir\s+de|\bdesde|\bbeginning\s+at)\s*:?\s*$",
                   re.IGNORECASE)
_BOUNDARY = re.compile(r"(?<!\d)[.;!?](?=\s|$)|[\n|•·]|\s-\s(?=[A-Z])|\.\s")


@dataclass
class _Figure:
    value: float
    raw_number: str
    mult: float
    currency: str | None
    plus: bool
    period: Period | None = None
    bare_dollar: bool = False


@dataclass
class _Candidate:
    start: int
    end: int
    low: _Figure
    high: _Figure | None
    sep: str = ""
    currency: str | None = None
    period: Period | None = None
    period_explicit: bool = False
    bound: Literal["range", "single", "up_to", "from"] = "single"
    component: Literal["base", "total"] = "base"
    strong: bool = False
    reasons: list[str] = field(default_factory=list)


_DIGIT_DOT_DIGIT = re.compile(r"\d\.\d")
_V_DIGIT = re.compile(r"[vV]\d")
_TOKENS = ("b2b", "b2c", "c2c", "w2", "w-2", "1099", "p2p", "g2", "h1b", "h-1b", "24x7", "4k", "5g", "3d",
           "2d")
_MASK_NEEDS: tuple[Callable[[str, str], bool], ...] = (
    lambda t, f: "401" in t,
    lambda t, f: "403" in t,
    lambda t, f: "%" in t or "per" in f,
    lambda t, f: "/" in t,
    lambda t, f: _DIGIT_DOT_DIGIT.search(t) is not None,
    lambda t, f: _V_DIGIT.search(t) is not None,
    lambda t, f: any(token in f for token in _TOKENS),
    lambda t, f: "+" in t,
    lambda t, f: "19" in t or "20" in t,
    lambda t, f: any(w in f for w in ("year", "yr", "month", "week", "day", "hour", "hr")),
    lambda t, f: "year" in f or "yr" in f,
    lambda t, f: ("hour" in f or "hrs" in f) and "week" in f,
)
"""For each of `_MASKS`, in order, a test that the text contains what any match of it must
contain (``t`` the text, ``f`` its ``casefold()``, which maps the characters an IGNORECASE
pattern also matches, such as the Kelvin sign for k and the long s for s, to the ASCII
letter): a cheap C-speed substring check that skips a regular-expression scan which would
find nothing. tests/test_pay_text.py checks that masking with them equals masking without."""


def _mask(text: str) -> str:
    """The text with what is never pay (see `_MASKS`) blanked, same length."""
    folded = text.casefold()
    spans = [m.span() for rx, needs in zip(_MASKS, _MASK_NEEDS, strict=True) if needs(text, folded)
             for m in rx.finditer(text) if m.end() > m.start()]
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _multiplier(word: str | None) -> float:
    if not word:
        return 1.0
    w = word.strip().lower()
    for rx, value in _MULT_VALUES:
        if re.fullmatch(rx, w):
            return value
    return 1.0


def _currency(text: str | None) -> str | None:
    if not text:
        return None
    key = text.strip().lower()
    if key in _WORD_CURRENCY:
        return _WORD_CURRENCY[key]
    coded = re.fullmatch(r"\$\s?([A-Za-z]{2,3})", text.strip())
    if coded:  # "$ CAD", "$CA" (French Canadian order) read as "CAD$", "CA$"
        text = coded.group(1).upper() + "$"
    try:
        return currency_code(re.sub(r"\s+", "", text))
    except MoneyError:
        return None


def _number(raw: str) -> float | None:
    digits = raw
    if re.fullmatch(r"\d{1,2}(?:,\d{2})+,\d{3}", raw):  # Indian grouping: lakhs and crores
        digits = raw.replace(",", "")
    digits = digits.replace("’", "'")
    try:
        return parse_amount(digits)
    except MoneyError:
        return None


def _figure(m: re.Match[str], p: str) -> _Figure | None:
    raw = m.group(f"{p}num")
    value = _number(raw)
    if value is None:
        return None
    mult_word = m.group(f"{p}mult")
    mult = _multiplier(mult_word)
    cur1, cur2 = m.group(f"{p}cur1"), m.group(f"{p}cur2")
    cur = _currency(cur1) or _currency(cur2)
    bare = (cur1 or "").strip() == "$" and (cur2 or "").strip() in ("", "$")
    if bare and cur2 is not None and cur2.strip() not in ("", "$"):
        cur = _currency(cur2) or cur
    if cur1 and cur2 and cur1.strip() == "$":  # "$140,000 CAD": the code names the dollar
        cur = _currency(re.sub(r"^\$\s?", "", cur2.strip())) or cur
    if mult_word and mult_word.strip().lower() == "lpa":
        cur = cur or "INR"
    per_text = m.group(f"{p}per")
    period: Period | None = None
    if per_text:
        period, _ = _period_after(per_text)
    return _Figure(value * mult, raw, mult, cur, bool(m.group(f"{p}plus")), period, bare)


def _clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    lo = max(0, start - 90)
    for b in _BOUNDARY.finditer(text, lo, start):
        lo = b.end()
    hi = min(len(text), end + 70)
    b2 = _BOUNDARY.search(text, end, hi)
    if b2:
        hi = b2.start()
    return lo, hi


def _period_after(after: str) -> tuple[Period | None, int]:
    """The first period phrase right after a figure (within a few words) and its end offset."""
    window = after[:40]
    stop = re.search(r"\d|[;!?\n|]|\.\s", window)
    if stop:
        window = window[: stop.start()]
    best: tuple[int, Period, int] | None = None
    for period, rx in _PERIOD_RES:
        pm = rx.search(window)
        if pm and (best is None or pm.start() < best[0]):
            best = (pm.start(), period, pm.end())
    if best is None:
        return None, 0
    # only words a period may follow directly: "$150k base salary per year", "USD gross per annum"
    gap = window[: best[0]]
    if not re.fullmatch(r"[\s,()\-:]*(?:(?:base|gross|brutto|net|salary|pay|rate|usd|cad|eur|gbp|inr|"
                        r"total|compensation|comp|doe|plus\s+\w+|\+\s*\w+|ote|w-?2|1099|c2c|on|depending|"
                        r"\w+)[\s,()\-:]*){0,4}", gap, re.IGNORECASE):
        return None, 0
    return best[1], best[2]


def _period_before(before: str) -> Period | None:
    best: tuple[int, Period] | None = None
    for period, rx in _PERIOD_BEFORE:
        for pm in rx.finditer(before):
            if best is None or pm.end() > best[0]:
                best = (pm.end(), period)  # type: ignore[assignment]
    return None if best is None else best[1]


def _component(text: str, start: int, end: int, lo: int, hi: int) -> Literal["base", "total"]:
    best: tuple[int, Literal["base", "total"]] | None = None
    for rx, comp in ((_TOTAL_WORDS, "total"), (_BASE_WORDS, "base")):
        for m in rx.finditer(text, lo, hi):
            if m.end() <= start:
                dist = start - m.end()
            elif m.start() >= end:
                dist = m.start() - end
            else:
                continue
            if comp == "total" and m.group(0).lower() == "total" and dist > 30:
                continue
            if best is None or dist < best[0]:
                best = (dist, comp)  # type: ignore[assignment]
    return "base" if best is None else best[1]


def _candidates(text: str, masked: str) -> list[_Candidate]:
    out: list[_Candidate] = []
    pos = 0
    while True:
        m = _CANDIDATE.search(masked, pos)
        if m is None:
            break
        pos = m.end()
        a = _figure(m, "a_")
        if a is None:
            continue
        b = _figure(m, "b_") if m.group("b") else None
        sep = (m.group("sep") or "").strip().lower()
        start, end = m.start(), m.end()
        if b is not None and a.currency != b.currency and (a.bare_dollar or b.bare_dollar):
            # "$140,000 - $160,000 AUD": the code written at one end names both ends' dollar
            coded = b.currency if a.bare_dollar else a.currency
            if coded in _DOLLARS:
                a.currency = b.currency = coded
        if b is not None:
            before_text = masked[max(0, start - 12):start].lower()
            between = re.search(r"between|zwischen|entre", before_text)
            bad_and = (sep in ("and", "und", "et", "y") and not between) or (
                sep == "a" and not re.search(r"\bde(?:sde)?\b", before_text))
            if bad_and or (a.currency and b.currency and a.currency != b.currency):
                # not one range: read the first figure alone, then look again after it
                end = m.end("a")
                pos = end
                b = None
        if b is not None:
            if a.mult == 1 and b.mult != 1 and a.value < 1000 and b.value / b.mult >= a.value / 2:
                a = _Figure(a.value * b.mult, a.raw_number, b.mult, a.currency, a.plus)
            a.currency = a.currency or b.currency
            b.currency = b.currency or a.currency
            a.bare_dollar = b.bare_dollar = a.bare_dollar and b.bare_dollar
        cand = _Candidate(start=start, end=end, low=a, high=b, sep=sep, currency=a.currency)
        # hyphenated non-pay like "2-3", "1-2 days" or a phone number: need evidence, checked below
        if b is not None and b.value < a.value:
            if b.mult == 1 and a.mult != 1 and b.value * a.mult >= a.value:
                b = _Figure(b.value * a.mult, b.raw_number, a.mult, b.currency, b.plus)
                cand.high = b
            else:
                cand.low, cand.high = b, a
        out.append(cand)
    return out


def _has_mult(c: _Candidate) -> bool:
    return c.low.mult != 1 or (c.high is not None and c.high.mult != 1)


def _assess(text: str, masked: str, c: _Candidate, default_period: Period | None) -> None:
    """Fill period, bound, component and refusal reasons of a candidate (in place)."""
    lo, hi = _clause_bounds(masked, c.start, c.end)
    before = masked[lo:c.start]
    after_full = masked[c.end:hi]
    matched = text[c.start:c.end].strip()
    has_mult = c.low.mult != 1 or (c.high is not None and c.high.mult != 1)
    # bound words
    if c.high is None:
        if _UP_TO.search(before[-25:]):
            c.bound = "up_to"
            um = _UP_TO.search(before[-25:])
            assert um is not None
            c.start = c.start - (len(before[-25:]) - um.start())
        elif _FROM.search(before[-25:]) or c.low.plus:
            c.bound = "from"
            fm = _FROM.search(before[-25:])
            if fm:
                c.start = c.start - (len(before[-25:]) - fm.start())
        else:
            c.bound = "single"
    else:
        c.bound = "range"  # "$150k - $150k" stays a range as written, min == max
    # period
    period, period_end = _period_after(after_full)
    if period is not None:
        c.period, c.period_explicit = period, True
        c.end += period_end
    elif (attached := (c.high.period if c.high is not None else None) or c.low.period) is not None:
        c.period, c.period_explicit = attached, True
    elif (bp := _period_before(before)) is not None:
        c.period, c.period_explicit = bp, True
    pay_word = _PAY_WORDS.search(before[-60:]) is not None or _TOTAL_WORDS.search(before[-60:]) is not None
    c.strong = bool(c.currency) or has_mult or c.period_explicit
    if not (c.currency or has_mult or pay_word or (c.period_explicit and period is not None)):
        c.reasons.append(f"{matched!r}: no currency, multiplier or pay word")
        return
    # not-pay context: what follows the figure, then what precedes it
    after = masked[c.end:hi]
    count = _COUNT_AFTER.search(after[:40])
    thing = _NOT_PAY_AFTER.search(after[:45])
    if thing and _PAY_GAP.search(thing.group("gap") + after[:thing.start("gap")]):
        thing = None  # "+ bonus", "base plus bonus", "including bonus": more pay on top
    if count or thing:
        word = (count or thing).group(0)  # type: ignore[union-attr]
        c.reasons.append(f"{matched!r} is not pay ({word.strip(' ,:')!r} follows)")
        return
    window = before[-45:]
    for tm in _TOTAL_WORDS.finditer(window):  # "(including bonus): $210k" names pay, not a bonus
        window = window[:tm.start()] + " " * (tm.end() - tm.start()) + window[tm.end():]
    nb = _NOT_PAY_BEFORE.search(window)
    pay_follows = re.match(r"^\W{0,3}(?:\w+\s+){0,2}?(?:base\s+)?(?:salary|pay|compensation)\b", after,
                           re.IGNORECASE)
    if nb and not pay_follows:
        last_pay = list(_PAY_WORDS.finditer(window))
        if not last_pay or last_pay[-1].start() < nb.start():
            c.reasons.append(f"{matched!r} is not pay ({nb.group(0).strip(' ,:')!r} precedes)")
            return
    # "$": a dollar code nearby says which dollar ("Base salary (CAD): $140,000", "$28/hour (CAD)")
    if c.low.bare_dollar and c.currency == "USD":
        near = _DOLLAR_CODE.search(before[-30:]) or _DOLLAR_CODE.search(after[:25])
        if near:
            c.currency = near.group(0)
    c.component = _component(masked, c.start, c.end, lo, hi)
    if c.period is None:
        if default_period is not None:
            c.period = default_period
        else:
            top = c.high.value if c.high is not None else c.low.value
            if top < 1000:
                c.period = "hour"
            elif c.low.value >= 20_000:
                c.period = "year"
            else:
                c.reasons.append(
                    f"{matched!r}: no pay period given and {c.low.value:,.0f} could be monthly or yearly"
                )


def extract_pay(
    text: str,
    *,
    on: dt.date | None = None,
    default_currency: str = "USD",
    default_period: Period | None = None,
) -> ExtractedPay | NotPay:
    """Extract the pay range of a job posting's text.

    Returns an :class:`ExtractedPay` (amounts as written in ``currency`` per ``period``,
    and annual USD converted at the ECB rate of ``on``, default today's date) or a
    :class:`NotPay` with the reason. ``default_currency`` applies to figures written
    without one; ``default_period`` to figures without a period word (otherwise the
    magnitude rule: below 1,000 hourly, 20,000 and more yearly, in between refused).
    Never raises on any text; a bad ``default_currency`` raises :class:`MoneyError`.
    """
    if not isinstance(text, str):
        return NotPay(reason=f"text must be a string, got {type(text).__name__}")
    default_cur = currency_code(default_currency)
    day = on if on is not None else dt.date.today()
    if not text.strip():
        return NotPay(reason="empty text")
    clean = _spaces(text)
    masked = _mask(clean)
    cands = _candidates(clean, masked)
    if not cands:
        return NotPay(reason="no figure that could be pay")
    # ranges first, then figures with a currency or multiplier, then text order; the first
    # candidate that passes the context and plausibility checks is the answer (assessed lazily)
    ordered = sorted(cands, key=lambda c: (c.high is None, not (c.currency or _has_mult(c)), c.start))
    first_reason: str | None = None
    for c in ordered:
        try:
            _assess(clean, masked, c, default_period)
        except Exception as exc:  # pragma: no cover - defensive: never raise on text
            c.reasons.append(f"unreadable figure ({exc})")
        if c.reasons:
            first_reason = first_reason or c.reasons[0]
            continue
        result = _finish(text, c, day, default_cur)
        if isinstance(result, ExtractedPay):
            return result
        first_reason = first_reason or result.reason
    return NotPay(reason=first_reason or "no pay figure")


def _finish(text: str, c: _Candidate, day: dt.date, default_cur: str) -> ExtractedPay | NotPay:
    assert c.period is not None
    currency = c.currency or default_cur
    low = c.low.value
    high = c.high.value if c.high is not None else (low if c.bound == "up_to" else None)
    floor = MIN_ANNUAL_USD_LOW_WAGE if currency in LOW_WAGE_CURRENCIES else MIN_ANNUAL_USD
    matched = text[c.start:c.end]
    try:
        norm = normalize_pay(low, currency, c.period, day, amount_max=high, component=c.component,
                             bounds=(floor, MAX_ANNUAL_USD))
    except MoneyError as exc:
        return NotPay(reason=f"{matched.strip()!r}: {exc}")
    if not all(math.isfinite(v) for v in (norm.annual_usd, norm.annual_usd_min, norm.annual_usd_max)):
        return NotPay(reason=f"{matched.strip()!r}: not a finite amount")  # pragma: no cover
    # trim spaces from the span so `matched` is the figure itself
    start, end = c.start, c.end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return ExtractedPay(
        min=low, max=high, currency=currency, period=c.period, component=c.component, bound=c.bound,
        annual_usd_min=norm.annual_usd_min,
        annual_usd_max=norm.annual_usd_max if high is not None else None,
        annual_usd=norm.annual_usd, span=(start, end), matched=text[start:end],
    )


PayTextJob = tuple[str, dt.date, str, "Period | None"]
"""One reading for :func:`extract_pay_many`: (text, date of the rates, default currency,
default period)."""


def _extract_job(job: PayTextJob) -> ExtractedPay | NotPay:
    """Run in a worker: :func:`extract_pay` of one job."""
    text, on, default_currency, default_period = job
    return extract_pay(text, on=on, default_currency=default_currency, default_period=default_period)


def extract_pay_many(
    texts: Sequence[str],
    *,
    on: dt.date | Sequence[dt.date] | None = None,
    default_currency: str | Sequence[str] = "USD",
    default_period: Period | None = None,
    pool: WorkerPool | None = None,
) -> list[ExtractedPay | NotPay | Failed]:
    """:func:`extract_pay` of each text, in order: one result per text, each equal to
    ``extract_pay(text, on=..., default_currency=..., default_period=...)``.

    ``on`` and ``default_currency`` are one value for the batch or one per text (same length
    as ``texts``; ``on`` None is today's date). Each distinct (text, on, default currency) is
    read once; ``pool`` (default: a :class:`~paybench.normalize.parallel.WorkerPool` of
    ``PAYBENCH_WORKERS`` processes, closed on return) spreads the distinct texts over its
    workers when there are enough of them. A text whose reading raised, or whose worker
    process died, gives a :class:`~paybench.normalize.parallel.Failed` with the reason.
    Raises MoneyError for a default currency that is not one (before reading any text) and
    ValueError when a per-text sequence has the wrong length.
    """
    n = len(texts)
    days = _per_text(on if on is not None else dt.date.today(), n, "on", dt.date)
    currencies = _per_text(default_currency, n, "default_currency", str)
    codes = {c: currency_code(c) for c in set(currencies)}  # MoneyError now, not per text
    jobs: list[PayTextJob] = [(text, day, codes[cur], default_period)
                              for text, day, cur in zip(texts, days, currencies, strict=True)]
    if pool is not None:
        return pool.map_distinct(_extract_job, jobs)
    with WorkerPool() as own:
        return own.map_distinct(_extract_job, jobs)


def _per_text(value: Any, n: int, name: str, kind: type) -> list[Any]:
    if isinstance(value, kind):
        return [value] * n
    values = list(value)
    if len(values) != n:
        raise ValueError(f"{name}: {len(values)} values for {n} texts")
    return values
