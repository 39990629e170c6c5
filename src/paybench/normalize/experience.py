"""Years of experience a job posting asks for, read from its text.

Every match of the years pattern holds "yr" or "year" (in any case: the text's ``casefold()``
maps the long s and the Kelvin sign an IGNORECASE pattern also matches), so a text without
either is answered without scanning it.
"""

from __future__ import annotations

import re

__all__ = ["extract_years_experience", "years_from_range"]

_NUMBER_WORDS = {w: i for i, w in enumerate((
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "thirteen", "fourteen", "fifteen"))}
_YEARS = re.compile(
    r"(?<![\w.$])(\d{1,2}|" + "|".join(_NUMBER_WORDS) + r")(?:\.5)?\s*(?:\+|plus)?\s*"
    r"(?:(?:-|–|to)\s*(?:\d{1,2})\s*\+?\s*)?(?:years?|yrs?)\b\+?",
    re.IGNORECASE,
)
_YEARS_CONTEXT_BEFORE = re.compile(r"(?:experience|minimum|at least|min\.?)[^.;\n]{0,25}$", re.IGNORECASE)
_YEARS_CONTEXT_AFTER = re.compile(r"^[^.;\n]{0,50}?\bexp(?:erience|\.)?\b", re.IGNORECASE)


def extract_years_experience(text: str) -> float | None:
    """Years of experience a posting asks for ("5+ years of experience", "3-5 years of
    relevant experience", "minimum of 7 years", "two years' experience"): the lower end,
    the largest such figure in the text (the main requirement), or None."""
    if not text:
        return None
    folded = text.casefold()
    if "yr" not in folded and "year" not in folded:  # what every match must contain
        return None
    best: float | None = None
    for m in _YEARS.finditer(text):
        before = text[max(0, m.start() - 40):m.start()]
        after = text[m.end():m.end() + 60]
        if not (_YEARS_CONTEXT_AFTER.match(after) or _YEARS_CONTEXT_BEFORE.search(before)):
            continue
        raw = m.group(1).lower()
        years = float(_NUMBER_WORDS[raw]) if raw in _NUMBER_WORDS else float(raw)
        if years > 40:
            continue
        best = years if best is None else max(best, years)
    return best


def years_from_range(text: str) -> float | None:
    """The lower end of the first span of years in a range as job boards give it
    ("3-5 years", "5+ yrs"), or None."""
    m = _YEARS.search(text or "")
    if m is None:
        return None
    raw = m.group(1).lower()
    return float(_NUMBER_WORDS[raw]) if raw in _NUMBER_WORDS else float(raw)
