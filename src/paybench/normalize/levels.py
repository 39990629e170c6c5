"""Seniority levels: the fixed vocabulary and the mappings from survey codes, DOL wage
levels and years of experience."""

from __future__ import annotations

from typing import cast

from paybench.records import Level

LEVELS: tuple[Level, ...] = (
    "entry", "mid", "senior", "staff", "principal", "manager", "director", "executive",
)
"""All levels, individual contributors first, in increasing seniority."""

IC_LEVELS: tuple[Level, ...] = ("entry", "mid", "senior", "staff", "principal")
"""The individual-contributor ladder, in order."""
LEADERSHIP_LEVELS: tuple[Level, ...] = ("manager", "director", "executive")
"""The leadership ladder, in order."""

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


def reconcile_level(
    title_level: str | None, source_level: Level | None, source_basis: str
) -> tuple[Level | None, str | None]:
    """The level of a record whose title and source both say one, and its basis.

    The stated rule: a leadership level in the title (manager, director, executive: "Head of
    AI", "Engineering Manager", "VP") wins over a source's seniority code (a survey's EN/MI/SE/EX,
    a DOL wage level), because the code measures experience and the title the job; otherwise
    the source's code, and the title's level when the source gives none. Returns
    (level, basis) with basis "title", `source_basis` or None (no level at all)."""
    if title_level in LEADERSHIP_LEVELS or (source_level is None and title_level in LEVELS):
        return cast(Level, title_level), "title"
    if source_level is not None:
        return source_level, source_basis
    return None, None


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
