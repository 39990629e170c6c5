"""Seniority levels: the fixed vocabulary and the mappings from survey codes, DOL wage
levels and years of experience."""

from __future__ import annotations

from paybench.records import Level

LEVELS: tuple[Level, ...] = (
    "entry", "mid", "senior", "staff", "principal", "manager", "director", "executive",
)
"""All levels, individual contributors first, in increasing seniority."""

IC_LEVELS: tuple[Level, ...] = ("entry", "mid", "senior", "staff", "principal")

LEVEL_NAMES: dict[str, str] = {
    "entry": "Entry", "mid": "Mid", "senior": "Senior", "staff": "Staff",
    "principal": "Principal", "manager": "Manager", "director": "Director",
    "executive": "Executive",
}

_SURVEY_CODES: dict[str, Level] = {"EN": "entry", "MI": "mid", "SE": "senior", "EX": "executive"}
_WAGE_LEVELS: dict[str, Level] = {"I": "entry", "II": "mid", "III": "senior", "IV": "staff"}


def level_from_survey_code(code: str) -> Level | None:
    """Map an ai-jobs.net experience code (EN, MI, SE, EX) to a level; None if unknown."""
    return _SURVEY_CODES.get(code.strip().upper())


def level_from_wage_level(wage_level: str) -> Level | None:
    """Map a DOL prevailing-wage level (I, II, III, IV; 'Level II' accepted) to a level."""
    text = wage_level.strip().upper().removeprefix("LEVEL").strip()
    return _WAGE_LEVELS.get(text)


def level_from_years(years: float) -> Level:
    """Map years of professional experience to an individual-contributor level.

    Bands: under 2 years entry, 2-5 mid, 5-10 senior, 10-15 staff, 15+ principal.
    """
    if years < 0:
        raise ValueError("years of experience cannot be negative")
    if years < 2:
        return "entry"
    if years < 5:
        return "mid"
    if years < 10:
        return "senior"
    if years < 15:
        return "staff"
    return "principal"


def parse_level(text: str) -> Level:
    """Parse a level name as typed by a user ('Senior', 'mid', 'staff'); raise ValueError."""
    key = text.strip().lower()
    aliases = {"junior": "entry", "jr": "entry", "intermediate": "mid", "sr": "senior",
               "exec": "executive", "lead": "staff"}
    key = aliases.get(key, key)
    for level in LEVELS:
        if level == key:
            return level
    raise ValueError(f"unknown level {text!r}; expected one of {', '.join(LEVELS)}")
