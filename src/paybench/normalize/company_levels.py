"""Company-specific levels ("L5" at Google, "E6" at Meta, "SDE II" at Amazon, "62" at
Microsoft, "ICT4" at Apple) read as paybench levels, and the order in which a record's level
is read when it names a company, a level, a title and years of experience.

The table is ``paybench/data/company_levels.json``: per company, the employer names whose
records use its ladder (grouped by `paybench.normalize.employers.canonical_key`, so "GOOGLE LLC",
"Google" and "google" are one company), its rungs (code, paybench level, other spellings) and
the public pages each mapping was read from, with the date checked and what they say; rungs and
companies that could not be verified are left out and say so (the file's ``_about``).

Level strings are messy ("L5", "l5", "L5 - Senior", "Senior SDE", "SDE II", "E5", "IC4",
"62", "Level 62", "Senior Software Engineer"). `level_key` folds one to a key; `level_keys`
gives the keys a string is looked up by, in order; a company's rung is the first key its table
holds (`company_level`).

The level of a record (`read_level`), in this order:

1. the company's rung, when the company is in the table and the level string names one of its
   rungs (basis ``company_level``);
2. else the level string's own words read by the title parser
   (`paybench.normalize.titles.split_seniority`: "Senior", "Staff", "SDE II", "L5 - Senior"),
   when it holds a word and is not a bare code or number ("L5", "T5", "62", "Level 5" are
   codes whose rung depends on the company: they give no level here) (basis ``level_words``);
3. a leadership level in the job title ("Software Engineering Manager": manager) wins over 1
   and 2, and the title's level counts when 1 and 2 give none
   (`paybench.normalize.levels.reconcile_level`, the project's one rule for a title beside a
   source's code) (basis ``title``);
4. else years of experience (`paybench.normalize.levels.level_from_years`) (basis ``years``);
5. else no level (basis None).

A **corporate title** is not a job level (`CORPORATE_TITLES`): banks and other financial firms
give every employee a rank, Analyst, Associate, (Assistant) Vice President, Director or
Executive Director, Managing Director, whatever the job (eFinancialCareers, "A Career in
Investment Banking", 2006, and "Careers in Financial Markets", 2011: analysts and associates
hold each rank about three years, "vice presidents are plentiful at any large investment
bank"; Investopedia, "The Hierarchy of an Investment Bank": Analyst, Associate, Vice President,
Senior Vice President, Managing Director). A software engineer who is a "Vice President" at
Goldman Sachs is a senior individual contributor, not an executive. So when the company's
table names no rung for such a string and the job title is not a leadership title, its words
are not read as a level (step 2 is skipped): the level is the job title's, else the years of
experience's (basis ``corporate_title``: read from years because the level string is a
rank), else none. A leadership job title ("Software Engineering Manager", VP) still wins.

A **consultancy rank** is not a job level either (`CONSULTANCY_RANKS`): consultancies,
IT outsourcers and banks give a career rank, Analyst, Consultant, Senior Consultant, Manager,
Senior Manager (Big Four and management consultancies: "Business Analyst -> Consultant -> Senior
Consultant -> Manager -> Senior Manager / Associate Director -> Partner", byondgood.com, "The
consulting ladder"; sqlservercentral.com, "Levels in IT consultancy": Associate Consultant,
Consultant, Senior Consultant, Managing Consultant at Accenture, Deloitte, PwC, KPMG, EY), or
Systems Engineer, Senior Systems Engineer, Technology Analyst, Technology Lead (Infosys, job
levels 3B-5: turningtooneanother.net, "What are job levels at Infosys?"; insightcrunch.com,
"Infosys career growth": Technology Lead "the senior individual contributor"), whatever the
job: a software engineer who is a "Manager" at Deloitte or Capital One leads no team by that
word, and "Senior Consultant" is not the engineering level senior. So at an employer the
segment list names a consultancy, or an enterprise in finance (`paybench.normalize.segments.
listed_segment`: Accenture, Deloitte, Infosys, Booz Allen Hamilton, Capital One, Goldman Sachs
...), a level string that is only such ranks is read as a corporate title is (basis
``corporate_title``: the job title's level, else years of experience, else none; `is_rank_at`).
The same words at any other employer are read by their words as before ("Manager" at a product
company).

A **defense contractor's grade** is not a job level either (`DEFENSE_GRADES`): the prime
defense and federal contractors name their engineering grades with the words product companies
use for levels, and a grade word names a different rung there. Northrop Grumman's engineering
ladder runs Associate, Engineer, Principal, Senior Principal, Staff, Senior Staff (levels 1-6),
so its "Principal" is a mid-career grade. No public ladder page was found here; what was found
agrees: a "Sr Principal Software Engineer" opening was posted as a "Senior Software Engineer"
at $117,900-$176,900 base (Next.js "Who's Hiring", May 2024,
github.com/vercel/next.js/discussions/65417), and Level 5-6 asks eight years or more
(sirjohnnymai.com, "Northrop Grumman Program Manager hiring process", 2026). Lockheed Martin's
runs Associate, Engineer, Senior, then management or Fellow ("you start as a Software Engineer
Associate ... after a year you become a Software Engineer, followed by Software Engineer
Senior", prosple.com, Lockheed Martin career prospects; its Lead, Principal and Staff grades,
levels E1-E6, were not verified on a public page here). So at an employer the segment list
names a government or defense contractor (`listed_segment`: Northrop Grumman, Lockheed Martin,
RTX, General Dynamics, Boeing, BAE Systems, L3Harris, Leidos, SAIC, CACI ...), a level string
that is only such grades ("Principal", "Sr. Principal", "Senior Staff", "Engineer Senior",
"Principal Engineer") is read as a rank is (basis ``corporate_title``: the job title's level,
else years of experience, else none; `is_rank_at`): a Northrop "Principal" with 8 years is
senior, not principal. A leadership job title still wins; a Fellow, a manager or a director is
not a grade word here. The same words at any other employer are read by their words as before.

The company's table comes first because a company's own titles mean its own rungs: "Software
Engineer II" is E3 (entry) at Meta, where the generic reading of "II" would be mid.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from paybench.normalize.employers import canonical_key, employer_key
from paybench.normalize.levels import (
    IC_LEVELS,
    LEADERSHIP_LEVELS,
    LEVELS,
    level_from_years,
    reconcile_level,
)
from paybench.normalize.segments import listed_segment
from paybench.normalize.titles import normalize_title
from paybench.records import Level

__all__ = [
    "CONSULTANCY_RANKS", "CORPORATE_TITLES", "DEFENSE_GRADES", "GRADE_SEGMENTS", "CompanyLadder",
    "CompanyLevel", "LevelReading", "company_ladder", "company_ladders", "company_level",
    "is_corporate_title", "is_rank_at", "level_key", "level_keys", "load_company_levels", "read_level",
]

_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5"}
_EXPAND = {
    "sr": "senior", "snr": "senior", "jr": "junior", "jnr": "junior", "eng": "engineer",
    "engr": "engineer", "sde": "software development engineer", "swe": "software engineer",
    "amts": "associate mts", "smts": "senior mts", "lmts": "lead mts", "pmts": "principal mts",
}
"""Abbreviations spelt out in a key (applied to the table's spellings and to the data alike)."""
_FILLER = frozenset({"level", "lvl", "grade", "band"})
"""Words dropped from a key: "Level 62" is "62", "Grade 7" is "7", "Band 8" is "8"."""
_MTS = re.compile(r"\bmember of (?:the )?technical staff\b")
_GLUED = re.compile(r"(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])")
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_SEPARATORS = re.compile(r"[-‐‑‒–—―(),/:;|\[\]{}]")
_CODE_RUN = re.compile(r"(?<![a-z0-9])([a-z]{1,4}) ([0-9]{1,3})(?: ([a-z]))?(?![a-z0-9])")


def level_key(text: str) -> str:
    """The folded form of a level string: Unicode NFKC, case-folded, accents dropped, every run
    of other characters a space, letters and digits glued together split ("L5" -> "l 5",
    "SDE2" -> "sde 2" -> ...), roman numerals I-V as digits, abbreviations spelt out ("Sr" ->
    senior, "SDE" -> software development engineer, "SMTS" -> senior mts, "member of technical
    staff" -> mts) and the words level / lvl / grade / band dropped. "L5" and "l-5" -> "l 5";
    "SDE II" and "sde2" -> "software development engineer 2"; "Level 62" -> "62". Idempotent;
    "" for a string with no letter or digit."""
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    words = _NOT_WORD.sub(" ", _GLUED.sub(" ", _NOT_WORD.sub(" ", folded))).split()
    out: list[str] = []
    for word in words:
        word = _ROMAN.get(word, word)
        out.extend(_EXPAND.get(word, word).split())
    text = _MTS.sub("mts", " ".join(w for w in out if w not in _FILLER))
    return text


def level_keys(text: str) -> tuple[str, ...]:
    """The keys a level string is looked up by, in order (duplicates dropped): the whole
    string's key; the key of each part between separators (dash, brackets, comma, slash,
    colon: "L5 - Senior" -> "l 5", then "senior"); then each code in the key, a run of one to
    four letters and a number with an optional letter ("Senior L6" -> "l 6"; "L5A" -> "l 5 a"
    before "l 5")."""
    keys: list[str] = [level_key(text)]
    keys.extend(level_key(part) for part in _SEPARATORS.split(text))
    for found in _CODE_RUN.finditer(keys[0]):
        letters, number, suffix = found.groups()
        if suffix:
            keys.append(f"{letters} {number} {suffix}")
        keys.append(f"{letters} {number}")
    return tuple(dict.fromkeys(k for k in keys if k))


@dataclass(frozen=True)
class CompanyLevel:
    """A company's rung: the ladder's company name ("Google"), the rung's code as the table
    writes it ("L5") and its paybench level."""

    company: str
    code: str
    level: Level


@dataclass(frozen=True)
class CompanyLadder:
    """One company of the table: its name, the employer keys that use the ladder, each rung by
    level key, and the sources (dicts with url, checked_on, says)."""

    company: str
    employer_keys: tuple[str, ...]
    rungs: dict[str, CompanyLevel]
    sources: tuple[dict[str, str], ...]
    note: str | None = None
    codes: tuple[str, ...] = field(default=())
    """The rungs' codes, in the table's order."""


def _ladder(raw: dict[str, Any], position: int) -> CompanyLadder:
    """Validate one company entry; ValueError naming what is wrong."""
    for key in ("company", "names", "rungs", "sources"):
        if key not in raw:
            raise ValueError(f"company #{position} lacks {key!r}")
    name = str(raw["company"])
    keys = tuple(dict.fromkeys(canonical_key(employer_key(str(n))) for n in raw["names"]))
    if not keys or "" in keys:
        raise ValueError(f"{name}: needs employer names with letters or digits")
    sources = tuple({k: str(v) for k, v in s.items()} for s in raw["sources"])
    for source in sources:
        if not (source.get("url", "").startswith("https://") and source.get("checked_on")
                and source.get("says")):
            raise ValueError(f"{name}: a source needs an https url, checked_on and says")
    if raw["rungs"] and not sources:
        raise ValueError(f"{name}: mapped rungs need at least one source")
    if not raw["rungs"] and not raw.get("note"):
        raise ValueError(f"{name}: a company with no rungs must say why in 'note'")
    rungs: dict[str, CompanyLevel] = {}
    codes: list[str] = []
    for rung in raw["rungs"]:
        code, level = str(rung["code"]), rung["level"]
        if level not in LEVELS:
            raise ValueError(f"{name} {code}: level {level!r} is not one of {', '.join(LEVELS)}")
        found = CompanyLevel(company=name, code=code, level=level)
        codes.append(code)
        for spelling in (code, *rung.get("aliases", ())):
            key = level_key(str(spelling))
            if not key:
                raise ValueError(f"{name} {code}: spelling {spelling!r} has no letter or digit")
            if key in rungs and rungs[key].code != code:
                raise ValueError(f"{name}: {spelling!r} names both {rungs[key].code} and {code}")
            rungs[key] = found
    return CompanyLadder(company=name, employer_keys=keys, rungs=rungs, sources=sources,
                         note=raw.get("note"), codes=tuple(codes))


def load_company_levels(text: str) -> dict[str, CompanyLadder]:
    """Parse and validate the table's JSON text (the layout of company_levels.json): the
    ladders by employer key. ValueError for a malformed entry, a level that is not paybench's,
    a spelling naming two rungs of one company, an employer name claimed by two companies, or
    mapped rungs without a source."""
    data = json.loads(text)
    table: dict[str, CompanyLadder] = {}
    for position, raw in enumerate(data["companies"], start=1):
        ladder = _ladder(raw, position)
        for key in ladder.employer_keys:
            if key in table:
                raise ValueError(f"employer {key!r} is claimed by {table[key].company} and "
                                 f"{ladder.company}")
            table[key] = ladder
    return table


@functools.cache
def company_ladders() -> dict[str, CompanyLadder]:
    """The bundled table (paybench/data/company_levels.json), by employer key, loaded once."""
    text = resources.files("paybench.data").joinpath("company_levels.json").read_text("utf-8")
    return load_company_levels(text)


def company_ladder(company: str) -> CompanyLadder | None:
    """The ladder a company's records use ("GOOGLE LLC" -> Google's), or None."""
    return company_ladders().get(canonical_key(employer_key(company)))


@functools.lru_cache(maxsize=1 << 15)
def company_level(company: str, level_text: str) -> CompanyLevel | None:
    """The company's rung a level string names (the first of `level_keys` its table holds),
    or None when the company is not in the table or the string names none of its rungs.
    `company_level("GOOGLE LLC", "L5 - Senior")` -> Google L5, senior."""
    ladder = company_ladder(company)
    if ladder is None:
        return None
    for key in level_keys(level_text):
        if key in ladder.rungs:
            return ladder.rungs[key]
    return None


def _has_word(level_text: str) -> bool:
    """True when a level string holds a word of two letters or more that is not the letters of
    a code (one to four letters before a number: "ICT 4", "IC4", "MTS 2"): "Senior", "SDE II",
    "L5 - Senior" do; "L5", "T5", "62", "Level 5", "IC4" do not."""
    tokens = level_key(level_text).split()
    for i, token in enumerate(tokens):
        code = len(token) <= 4 and i + 1 < len(tokens) and tokens[i + 1].isdigit()
        if token.isalpha() and len(token) >= 2 and not code:
            return True
    return False


CORPORATE_TITLES: frozenset[str] = frozenset({
    "analyst", "associate", "senior associate", "principal associate", "associate director",
    "vp", "vice president", "avp", "assistant vice president", "associate vice president",
    "svp", "senior vice president", "evp", "executive vice president", "director",
    "executive director", "ed", "managing director", "md",
})
"""Level keys (`level_key`) of the ranks financial firms give whatever the job (this module's
docstring has the sources; "Senior Associate" and "Principal Associate" are Capital One's
ranks, read by the same rule): read as a level only through a company's table."""


def is_corporate_title(level_text: str) -> bool:
    """True when a level string is a corporate title (`CORPORATE_TITLES`), alone or with its
    abbreviation ("Vice President", "VP", "VP (Vice President)", "Managing Director - MD");
    False for anything else ("Senior", "L5", "Senior Vice President of Engineering")."""
    parts = [level_key(part) for part in _SEPARATORS.split(level_text)]
    parts = [part for part in parts if part]
    return bool(parts) and all(part in CORPORATE_TITLES for part in parts)


CONSULTANCY_RANKS: frozenset[str] = frozenset({
    "analyst", "business analyst", "senior analyst", "associate consultant", "consultant",
    "senior consultant", "lead consultant", "principal consultant", "managing consultant",
    "manager", "senior manager", "associate manager", "assistant manager",
    "systems engineer", "senior systems engineer", "technology analyst",
    "senior technology analyst", "technology lead", "senior technology lead", "technical lead",
    "it analyst", "assistant consultant",
})
"""Level keys (`level_key`) of the career ranks of consultancies and outsourcers (this module's
docstring has the sources; "IT Analyst" and "Assistant Consultant" are TCS's, read by the same
rule), read as ranks, not levels, at a consultancy or a bank (`is_rank_at`)."""

_GRADE_WORDS: tuple[str, ...] = ("associate", "engineer", "senior", "lead", "principal",
                                 "senior principal", "staff", "senior staff", "senior lead")
DEFENSE_GRADES: frozenset[str] = frozenset(
    form for grade in _GRADE_WORDS
    for form in (grade, f"{grade} engineer", f"engineer {grade}", f"{grade} software engineer",
                 f"software engineer {grade}")
    if form not in ("engineer engineer", "engineer software engineer", "software engineer engineer"))
"""Level keys (`level_key`) of the engineering grades of defense and federal prime contractors
(this module's docstring has the sources: Northrop Grumman's Associate, Engineer, Principal,
Senior Principal, Staff, Senior Staff; Lockheed Martin's Associate, Engineer, Senior, Lead,
Principal, Staff), alone or with "Engineer" / "Software Engineer" before or after ("Principal
Engineer", "Software Engineer Senior"), read as grades, not levels, at an employer the segment
list names government (`is_rank_at`)."""

GRADE_SEGMENTS: frozenset[str] = frozenset({"government"})
"""The listed segments whose employers give grades (`DEFENSE_GRADES`): government, the segment
of the defense and federal prime contractors."""

RANK_SEGMENTS: frozenset[tuple[str, str | None]] = frozenset({("consultancy", None),
                                                              ("enterprise", "finance")})
"""The listed segments (id, sector) whose employers give ranks: consultancies and outsourcers,
banks and other financial firms."""


def is_rank_at(company: str | None, level_text: str) -> bool:
    """True when a level string is a rank, not a job level, at this employer: a corporate title
    anywhere (`is_corporate_title`); a consultancy rank (`CONSULTANCY_RANKS`, alone or with
    corporate titles: "Senior Consultant", "Manager", "Technology Lead") at an employer the
    segment list names a consultancy or an enterprise in finance (`RANK_SEGMENTS`); a defense
    contractor's grade (`DEFENSE_GRADES`, alone or with corporate titles: "Principal",
    "Sr. Principal", "Senior Staff") at an employer the segment list names government
    (`GRADE_SEGMENTS`: Northrop Grumman, Lockheed Martin ...). False for anything else
    ("Senior", "L5", "Manager" at a product company; "Manager" at a defense contractor)."""
    if is_corporate_title(level_text):
        return True
    segment = listed_segment(company) if company else None
    if segment is None:
        return False
    if (segment.id, segment.sector) in RANK_SEGMENTS:
        ranks = CONSULTANCY_RANKS
    elif segment.id in GRADE_SEGMENTS:
        ranks = DEFENSE_GRADES
    else:
        return False
    parts = [level_key(part) for part in _SEPARATORS.split(level_text)]
    parts = [part for part in parts if part]
    return bool(parts) and all(part in ranks or part in CORPORATE_TITLES for part in parts)


WORDS_OVERREACH_RUNGS = 2
"""Level words that claim this many individual-contributor rungs or more above the level
the row's years of experience give (`level_from_years`) are not read (`words_overreach`)."""


def words_overreach(level: Level, years: float) -> bool:
    """Whether an individual-contributor level read from a level string's own words ("Lead",
    "Senior") stands `WORDS_OVERREACH_RUNGS` or more rungs above the level of `years` (years
    of experience, >= 0): "Lead" with 1 or 2 years (staff against entry or mid). Such words
    name a role within a team more than a rung of a ladder at the many employers without a
    company-level table; the row is then read from its years (basis `years_over_words`). A
    level below the years' is kept (people stay at a rung for years: "Engineer II" with 14
    years is mid). The trial of issue 17 read JPMorgan Chase "Lead" with 1 year as staff."""
    if level not in IC_LEVELS:
        return False
    return IC_LEVELS.index(level) - IC_LEVELS.index(level_from_years(years)) >= WORDS_OVERREACH_RUNGS


@dataclass(frozen=True)
class LevelReading:
    """A record's level and how it was read: basis company_level, level_words, title, years,
    corporate_title (years, the level string being a rank), years_over_words (years, the level
    words claiming 2+ rungs more: `words_overreach`) or None; `company_level` the rung
    when the table named one."""

    level: Level | None
    basis: str | None
    company_level: CompanyLevel | None = None


def read_level(company: str | None, level_text: str | None, title_level: Level | None,
               years: float | None) -> LevelReading:
    """The level of a record (a company, its level string, the level its job title states,
    years of experience), in the order of this module's docstring, a corporate title, a
    consultancy's or bank's rank or a defense contractor's grade (`is_rank_at`) read as that
    docstring says. `years` negative is
    treated as not given."""
    rung = company_level(company, level_text) if company and level_text else None
    source: Level | None = rung.level if rung else None
    basis = "company_level" if rung else None
    if (rung is None and level_text and title_level not in LEADERSHIP_LEVELS
            and is_rank_at(company, level_text)):
        if title_level in LEVELS:
            return LevelReading(title_level, "title")
        if years is not None and years >= 0:
            return LevelReading(level_from_years(years), "corporate_title")
        return LevelReading(None, None)
    if source is None and level_text and _has_word(level_text):
        source = normalize_title(level_text).level
        basis = "level_words" if source else None
    level, found_basis = reconcile_level(title_level, source, basis or "")
    if level is not None and found_basis == "level_words" and years is not None and years >= 0 \
            and words_overreach(level, years):
        return LevelReading(level_from_years(years), "years_over_words")
    if level is not None:
        return LevelReading(level, found_basis, rung if found_basis == "company_level" else None)
    if years is not None and years >= 0:
        return LevelReading(level_from_years(years), "years")
    return LevelReading(None, None)
