"""Pay text as a new user's trial on real job-board text found it misread (issue 16, second
round): the instances, each now a test, and a test of each kind behind them (hypothesis where
the kind is a grammar): one-off and fringe money, period abbreviations glued to the next word,
total-comp labels with a parenthesized component, period words of other languages, and two
figures joined by a slash."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paybench.normalize import pay_text as pt
from paybench.normalize.pay_text import ExtractedPay, NotPay, extract_pay
from test_pay_text import assert_consistent
from test_pay_text_kinds import Reading, reading

ON = dt.date(2025, 6, 2)

# ------------------------------------------------------------------------- the trial's instances

TRIAL: list[tuple[str, Reading | None]] = [
    ("£200 for WFH Setup", None),  # read as £200 an hour ($560k a year)
    ("£600 p/dThe", (600, 600, "GBP", "day", "base", "single")),  # refused
    ("$250k TC (base $180k)", (250_000, 250_000, "USD", "year", "total", "single")),  # read as base
    ("120k/150k", (120_000, 150_000, "USD", "year", "base", "range")),  # read as 120k alone
    # real Adzuna page text (../shared/data/postings/adzuna_uk_data_jobs_2026.csv)
    ("IR35: Inside IR35 (via umbrella) Rate: Up to £600 p/dThe Role Looking for a Power BI Developer",
     (None, 600, "GBP", "day", "base", "up_to")),
    ("Contract | Inside IR35 | London / Hybrid | £700–750 per dayWe are partnering with",
     (700, 750, "GBP", "day", "base", "range")),
    ("Contract type: Permanent Salary: £28,000 to £30,000 per annumLocation: Bristol",
     (28_000, 30_000, "GBP", "year", "base", "range")),
]


@pytest.mark.parametrize(("text", "want"), TRIAL, ids=[t for t, _ in TRIAL])
def test_trial_instance(text: str, want: Reading | None) -> None:
    result = extract_pay(text, on=ON)
    if want is None:
        assert isinstance(result, NotPay) and "is not pay" in result.reason, reading(result)
        return
    assert reading(result) == want
    assert isinstance(result, ExtractedPay)
    assert_consistent(result)
    assert text[result.span[0]:result.span[1]] == result.matched


# ------------------------------------------------------------------------- kind: one-off money

AFTER = ["for WFH Setup", "for WFH setup", "home office stipend", "relocation", "relocation assistance",
         "learning budget", "annual learning and development budget", "referral bonus", "sign-on bonus",
         "signing bonus", "joining bonus", "welcome bonus", "sign-on", "for home office equipment",
         "towards your home office", "WFH allowance", "equipment allowance", "monthly wellness stipend",
         "for a new laptop", "per month for internet", "/month phone reimbursement", "one-off payment",
         "one-time payment", "gym membership", "conference budget", "training budget per year",
         "for training", "for travel expenses", "per diem for meals", "Home-Office-Pauschale",
         "L&D budget", "moving allowance", "lump sum"]
BEFORE = ["referral bonus of", "Referral bonus:", "Relocation assistance of", "Relocation package up to",
          "sign-on bonus:", "Sign on:", "Signing bonus of", "One-time", "One-off", "Joining bonus",
          "Home office setup budget of", "Equipment allowance:", "Learning budget of", "WFH allowance of"]
SIGNS = ["$", "£", "€", "US$", "CA$", "USD ", "GBP ", "EUR "]


def _money(sign: str, amount: int, k: bool) -> str:
    return f"{sign}{amount // 1000}k" if k else f"{sign}{amount:,}"


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(SIGNS), st.integers(1, 400).map(lambda n: n * 50), st.booleans(),
       st.sampled_from([("after", w) for w in AFTER] + [("before", w) for w in BEFORE]))
def test_kind_one_off_money_is_never_pay(sign: str, amount: int, k: bool, where: tuple[str, str]) -> None:
    """Allowances, stipends, setup and equipment budgets, relocation, referral and sign-on
    amounts are not the job's pay, whatever their size: never extracted, never annualized, and
    the reason says what they are."""
    fig = _money(sign, amount, k and amount % 1000 == 0)
    side, words = where
    text = f"{fig} {words}" if side == "after" else f"{words} {fig}"
    result = extract_pay(text, on=ON)
    assert isinstance(result, NotPay), (text, reading(result))
    assert "is not pay" in result.reason, (text, result.reason)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(SIGNS), st.integers(40, 300), st.sampled_from(AFTER), st.integers(1, 100),
       st.sampled_from([", plus {}", " + {}", " and {}", ". Also: {}", " with a {}"]))
def test_kind_salary_beside_one_off_money_is_the_salary(sign: str, salary_k: int, words: str, extra: int,
                                                        link: str) -> None:
    """A salary written with one-off money beside it reads as the salary alone."""
    text = f"Salary {sign}{salary_k}k per year" + link.format(f"{sign}{extra * 50:,} {words}")
    result = extract_pay(text, on=ON)
    assert isinstance(result, ExtractedPay), (text, result)
    assert (result.min, result.max, result.period) == (salary_k * 1000, salary_k * 1000, "year"), text


@pytest.mark.parametrize("text", [
    "$120k, relocation available", "$140k base with relocation assistance", "$200k Machine Learning Engineer",
    "$150k Hardware Engineer", "$90k Training Specialist", "$90k for the right candidate",
    "£500 per day for 6 months", "£60,000 per annum + benefits incl. gym membership",
    "$120,000 a year (remote setup provided)",
])
def test_pay_beside_fringe_words_stays_pay(text: str) -> None:
    assert isinstance(extract_pay(text, on=ON), ExtractedPay), text


# ------------------------------------------------------------------------- kind: glued periods

ABBREVIATIONS: list[tuple[str, str]] = [
    (" p/d", "day"), (" pd", "day"), ("pd", "day"), ("/day", "day"), (" per day", "day"),
    (" per diem", "day"), (" p/h", "hour"), (" ph", "hour"), ("ph", "hour"), ("/hr", "hour"),
    ("/hour", "hour"), (" p/hr", "hour"), (" p/a", "year"), (" p.a.", "year"), (" pa", "year"),
    ("/yr", "year"), ("/year", "year"), (" per annum", "year"), (" pcm", "month"), (" p/m", "month"),
    ("/month", "month"), ("/mo", "month"), (" per month", "month"), ("/wk", "week"), (" per week", "week"),
]
AMOUNTS = {"hour": (20, 200), "day": (300, 900), "week": (1_000, 3_000), "month": (3_000, 12_000),
           "year": (40_000, 200_000)}
NEXT_WORDS = ["The", "Remote", "Apply", "Contract", "Location", "We", "Inside", "Outside", "About", "Our"]


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(ABBREVIATIONS), st.sampled_from(["$", "£", "€", "GBP ", "USD "]),
       st.integers(0, 10_000), st.sampled_from(NEXT_WORDS), st.sampled_from(["", " ", "\n", ". "]))
def test_kind_period_abbreviation_glued_to_next_word(abbr: tuple[str, str], sign: str, pick: int, word: str,
                                                     glue: str) -> None:
    """A period word or abbreviation reads as the period whether a space, a line break or
    nothing ("£600 p/dThe", scraped text) separates it from the next word."""
    form, period = abbr
    low, high = AMOUNTS[period]
    amount = low + pick % (high - low)
    text = f"{sign}{amount:,}{form}{glue}{word} role is great"
    result = extract_pay(text, on=ON)
    assert reading(result) == (amount, amount, pt.currency_code(sign.strip()), period, "base", "single"), text


@pytest.mark.parametrize("text", ["£500 pdf attached", "$240 photos", "$50k PAYE", "£400 papers"])
def test_a_lower_case_word_after_the_letters_is_no_period(text: str) -> None:
    """"pdf", "photos", "PAYE" are words, not "pd", "ph", "pa": no period is read from them."""
    result = extract_pay(text, on=ON)
    if isinstance(result, ExtractedPay):
        assert result.matched == text.split()[0], (text, result.matched)  # the figure alone
    else:
        assert "no pay period given" in result.reason, (text, result.reason)


# ------------------------------------------------------------------------- kind: total-comp label

TOTAL = ["TC", "total comp", "Total Compensation", "OTE", "CTC", "total package", "on-target earnings"]
PART = ["base", "base salary", "Base", "basic"]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(TOTAL), st.sampled_from(PART), st.sampled_from(["$", "£", "€", "USD "]),
       st.integers(100, 400), st.integers(10, 90),
       st.sampled_from(["{t} {L} ({p} {b})", "{L} {t} ({p} {b})", "{L}: {t} ({p}: {b})", "{t} {L} ({b} {p})",
                        "{L} of {t} ({p} {b} + bonus)"]))
def test_kind_total_label_with_a_parenthesized_part(label: str, part: str, sign: str, total_k: int,
                                                    share: int, form: str) -> None:
    """A total-comp label governs its figure even when a parenthesis after it names a part of
    another figure ("$250k TC (base $180k)": 250,000 total; the base is the second figure's)."""
    base_k = max(1, total_k * share // 100)
    text = form.format(t=f"{sign}{total_k}k", L=label, p=part, b=f"{sign}{base_k}k")
    result = extract_pay(text, on=ON)
    assert isinstance(result, ExtractedPay), (text, result)
    assert (result.min, result.max, result.component) == (total_k * 1000, total_k * 1000, "total"), text


@pytest.mark.parametrize(("text", "component", "amount"), [
    ("$180k base ($250k TC)", "base", 180_000),
    ("Base $180k (TC $250k)", "base", 180_000),
    ("$250k TC ($180k base)", "total", 250_000),
    ("OTE compensation: $91k - $105K (base + variable)", "total", 91_000),
    ("Compensation (including bonus): $210k", "total", 210_000),
])
def test_the_first_figure_keeps_its_own_label(text: str, component: str, amount: int) -> None:
    result = extract_pay(text, on=ON)
    assert isinstance(result, ExtractedPay) and (result.component, result.min) == (component, amount), text


# ------------------------------------------------------------------------- kind: other languages

FORMS: dict[str, list[str]] = {
    "month": ["mensuales", "mensual", "al mes", "por mes", "/mes", "/mån", "/månad", "per månad", "i månaden",
              "om månaden", "monatlich", "pro Monat", "/Monat", "im Monat", "brutto pro Monat", "mtl.",
              "par mois", "/mois", "mensuel", "mensuelle", "brut mensuel", "por mês", "ao mês", "/mês",
              "mensal", "mensais", "per maand", "/maand", "bruto per maand", "maandelijks", "al mese",
              "/mese", "mensile", "mensili", "lordi al mese", "miesięcznie", "brutto miesięcznie", "/mies.",
              "/mies", "na miesiąc", "w miesiącu", "в месяц", "на месяц", "/мес.", "ежемесячно", "на місяць",
              "/міс.", "щомісяця", "/miesiąc", "/mc", "měsíčně", "/měsíc", "za měsíc", "pe lună",
              "havonta", "havi"],
    "year": ["anuales", "anual", "al año", "por año", "/año", "brutto/Jahr", "pro Jahr", "/Jahr", "im Jahr",
             "jährlich", "jaehrlich", "per år", "/år", "om året", "i året", "årlig", "årligen", "par an",
             "/an", "par année", "/année", "annuel", "annuelle", "brut annuel", "por ano", "ao ano", "/ano",
             "anuais", "per jaar", "/jaar", "jaarlijks", "all'anno", "l'anno", "/anno", "annui", "annuo",
             "lordi annui", "annuale", "annuali", "rocznie", "/rok", "na rok", "w skali roku", "в год",
             "за год", "/год", "ежегодно", "на рік", "за рік", "/рік", "щороку", "ročně", "pe an", "évente"],
    "hour": ["por hora", "la hora", "/hora", "pro Stunde", "je Stunde", "die Stunde", "/Std", "/Std.",
             "stündlich", "de l'heure", "par heure", "/heure", "l'heure", "per uur", "/uur", "per timme",
             "i timmen", "/tim", "/timme", "all'ora", "l'ora", "/ora", "orario", "orarie", "/godz.",
             "na godzinę", "za godzinę", "в час", "за час", "/час", "на годину", "за годину"],
    "day": ["por día", "por dia", "al día", "/día", "/dia", "pro Tag", "/Tag", "am Tag", "täglich",
            "par jour", "/jour", "TJM", "per dag", "/dag", "al giorno", "/giorno", "per diem"],
    "week": ["por semana", "a la semana", "/semana", "semanal", "semanales", "semanais", "pro Woche",
             "/Woche", "wöchentlich", "par semaine", "/semaine", "hebdomadaire", "a settimana",
             "alla settimana", "settimanale", "settimanali", "per vecka", "/vecka", "i veckan"],
}
"""Written forms of each period in the languages of `pay_text.PERIOD_WORDS_ABROAD`."""
AMOUNT_OF = {"hour": 45, "day": 550, "week": 1_800, "month": 4_500, "year": 60_000}


def test_every_period_word_abroad_has_a_written_form_here() -> None:
    """Each expression of the table is checked below by at least one written form."""
    for period, languages in pt.PERIOD_WORDS_ABROAD.items():
        for language, patterns in languages.items():
            for rx in patterns:
                assert any(re.fullmatch(rx, form.removeprefix("lordi ").removeprefix("brutto ")
                                        .removeprefix("bruto ").removeprefix("brut "), re.IGNORECASE)
                           for form in FORMS[period]), (period, language, rx)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from([(p, f) for p, forms in FORMS.items() for f in forms]),
       st.sampled_from(["€", "EUR", "SEK", "BRL", "MXN", "CHF"]), st.sampled_from(["before", "after"]),
       st.sampled_from(["", ". Remote", " (negotiable)", "\nApply now"]))
def test_kind_period_words_of_other_languages(case: tuple[str, str], cur: str, where: str, tail: str) -> None:
    """A figure followed by a period word of German, French, Spanish, Portuguese, Italian, Dutch,
    Swedish, Polish, Russian or Ukrainian reads in that period ("3.000 € mensuales", "45 000 SEK/mån")."""
    period, form = case
    amount = AMOUNT_OF[period] * {"SEK": 10, "MXN": 20, "BRL": 5}.get(cur, 1)  # a plausible wage in each
    number = f"{amount:,}".replace(",", ".")
    fig = f"{cur} {number}" if where == "before" else f"{number} {cur}"
    sep = "" if form.startswith("/") else " "
    text = f"{fig}{sep}{form}{tail}"
    result = extract_pay(text, on=ON)
    assert reading(result) == (amount, amount, pt.currency_code(cur), period, "base", "single"), text


@pytest.mark.parametrize(("text", "period"), [
    ("Monatsgehalt: 4.500 €", "month"), ("Salaire annuel : 55 000 €", "year"),
    ("Sueldo mensual: MXN 30.000", "month"), ("Månadslön: 45 000 SEK", "month"),
    ("Retribuzione annua lorda: 35.000 €", "year"), ("Stundenlohn: 28 €", "hour"),
])
def test_period_words_before_the_figure(text: str, period: str) -> None:
    result = extract_pay(text, on=ON)
    assert isinstance(result, ExtractedPay) and result.period == period, (text, reading(result))


# ------------------------------------------------------------------------- kind: slash ranges

@settings(max_examples=300, deadline=None)
@given(st.integers(30, 300), st.integers(1, 100), st.sampled_from(["$", "£", "€", ""]),
       st.sampled_from(["{s}{a}k/{b}k", "{s}{a}k/{s}{b}k", "{s}{a}k / {s}{b}k", "{s}{a},000/{s}{b},000",
                        "{a}k/{b}k", "{s}{a}/{b}k"]),
       st.sampled_from(["", " per year", " a year", " DOE"]))
def test_kind_two_figures_joined_by_a_slash_are_a_range(low: int, spread: int, sign: str, form: str,
                                                         period: str) -> None:
    """Two money-like figures (each with a currency or a multiplier) joined by a slash, in
    order, are one range."""
    if not sign and ("," in form or "{s}{a}/" in form):
        return  # a bare figure with no mark on one end is not money-like
    text = form.format(s=sign, a=low, b=low + spread) + period
    result = extract_pay(text, on=ON)
    assert isinstance(result, ExtractedPay), (text, result)
    assert (result.min, result.max, result.bound) == (low * 1000, (low + spread) * 1000, "range"), text


@pytest.mark.parametrize(("text", "want"), [
    ("$25/hr", (25, 25, "USD", "hour", "base", "single")),
    ("£500/day", (500, 500, "GBP", "day", "base", "single")),
    ("$150k/$120k", (150_000, 150_000, "USD", "year", "base", "single")),  # not in order: not a range
    ("24/7 support, $120k", (120_000, 120_000, "USD", "year", "base", "single")),
    ("50/50 split, salary $90k", (90_000, 90_000, "USD", "year", "base", "single")),
    ("£45/£55 per hour", (45, 55, "GBP", "hour", "base", "range")),
    # a period attached by a slash says pay as "a month" after it does (a trial: "60 000/month"
    # was "no currency, multiplier or pay word" while "60 000 a month" was read)
    ("60 000/month", (60_000, 60_000, "USD", "month", "base", "single")),
    ("60,000/month", (60_000, 60_000, "USD", "month", "base", "single")),
])
def test_slashes_that_are_periods_or_not_ranges(text: str, want: Reading) -> None:
    assert reading(extract_pay(text, on=ON)) == want


def test_salary_120_150_without_marks_is_not_money() -> None:
    assert isinstance(extract_pay("Team ratio 120/150", on=ON), NotPay)


@pytest.mark.parametrize(("text", "currency", "want"), [
    ("50000", "EUR", (50_000, 50_000, "EUR", "year", "base", "single")),
    (" 50k-60k ", "USD", (50_000, 60_000, "USD", "year", "base", "range")),
    ("120,000 to 150,000", "GBP", (120_000, 150_000, "GBP", "year", "base", "range")),
])
def test_a_bare_figure_given_as_pay_is_read_in_the_currency_given(text: str, currency: str,
                                                                  want: Reading) -> None:
    """`paybench pay 50000 --currency EUR` printed "pay: none ('50000': no currency, multiplier
    or pay word)" (a trial): a text that is only figures was given to be read as pay. In a
    posting's prose the same figure still needs a sign, a multiplier or a pay word."""
    from paybench.engine import Paybench

    assert reading(Paybench.pay(text, on=ON, currency=currency)) == want
    assert isinstance(Paybench.pay("Team of 50000 users", on=ON, currency=currency), NotPay)
