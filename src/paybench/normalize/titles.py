"""Job title -> canonical role + seniority level + confidence.

Steps (all deterministic, no network):

1. Clean: Unicode/case folding, gender tags ("(m/w/d)", "(H/F)", "Entwickler*in"), "- Remote",
   requisition codes ("JC65", "R-10234"), punctuation; technology names with punctuation
   (C++, C#, .NET, Node.js) become single tokens; a level glued to an abbreviation is split
   off ("SDE2" -> SDE 2); multi-word phrases become one token ("machine learning" -> ``ml``,
   "front end" -> ``frontend``); German, French, Spanish and Dutch title words become English
   ones (`paybench/data/title_languages.json`: "Softwareentwickler" -> software developer);
   abbreviations are expanded ("Sr." -> senior, "Eng" -> engineer, "SWE" -> software
   engineer, "SMTS" -> senior member of technical staff). A bracketed part that only repeats
   the title ("Senior Member of Technical Staff (SMTS)") adds just its level words.
2. Seniority: level words ("Senior", "II", "Staff", "Lead", "Head of", "VP", "L5") are
   taken out into the level. Management words (manager, director, head, VP, chief)
   outrank individual-contributor words; words outrank numerals; numerals outrank
   company-specific codes ("L5", "E6", "IC4").
3. Match, first hit wins: exact alias on the whole title, exact alias on the title
   without seniority words, then a rule match (the alias whose words are all in the
   title and whose head noun agrees, scored by word weights; role keywords combine with
   the role's head noun), then the same after fixing typos word by word, then rapidfuzz
   against all aliases with a high cutoff.
4. Management levels of a domain map to that domain's leadership role where one exists
   ("Director of Software Engineering" -> director-of-engineering).

A title that matches no role, or two roles equally well, gets ``role=None`` and a
reason: never a silent guess; a title in a language the taxonomy does not read gets
"language not covered: <language>".
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from typing import cast

from pydantic import BaseModel, Field
from rapidfuzz import fuzz, process

from paybench.normalize.levels import LEVELS, Level
from paybench.normalize.roles import Role, roles

__all__ = ["TitleMatch", "normalize_title", "split_seniority"]


class TitleMatch(BaseModel):
    """The result of normalizing one job title."""

    title: str
    role: str | None
    role_name: str | None = Field(default=None, description="the role's display name")
    level: Level | None
    confidence: float = Field(ge=0.0, le=1.0)
    reason: str | None = None


# --------------------------------------------------------------------------- cleaning

# A gender tag: a bracketed group of two to four short items ("(m/w/d)", "(H/F)", "[f|m|x]",
# "(mwd)"), or the same without brackets when its items are separated by slashes ("m/w/d", "H/F");
# `_is_gender_tag` decides whether the items are one language's tag letters.
_GENDER_GROUP_RE = re.compile(
    r"[(\[]\s*([a-z*]{1,7}(?:\s*[/|,]\s*[a-z*]{1,7}){0,3})\s*[)\]]"
    r"|(?<![a-z0-9/])([a-z]{1,6}(?:\s*[/|]\s*[a-z]{1,6}){1,3})(?![a-z0-9/])"
)
# German gender suffixes on agent nouns ("Entwickler*in", "Berater:innen", "Ingenieur/-in",
# "Leiter(in)", "Entwickler_in"); the binnen-I ("EntwicklerIn") is taken before case folding.
_GENDER_SUFFIX_RE = re.compile(r"(?<=[a-z])(?:[*:_]|/-?|\()in(?:nen)?\)?(?![a-z])")
_BINNEN_I_RE = re.compile(r"(?<=(?:er|or|ur|kt|st|nt))In(?:nen)?(?![a-z])")

# Replacements applied to the lower-cased string before punctuation is dropped.
_STRING_SUBS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), repl)
    for pattern, repl in (
        (r"c\+\+", " cpp "),
        (r"(?<![a-z])c#", " csharp "),
        (r"(?<![a-z])f#", " fsharp "),
        (r"asp\.net|\.net\b|\bdot\s?net\b", " dotnet "),
        (r"\bnode\.?js\b|\bnode js\b", " node "),
        (r"\breact\.?js\b", " react "),
        (r"\bvue\.?js\b", " vue "),
        (r"\bnext\.?js\b", " nextjs "),
        (r"\bangular\.?js\b", " angular "),
        (r"\bobjective[- ]?c\b", " objectivec "),
        (r"\bruby on rails\b", " rails "),
        (r"\bci\s*/\s*cd\b", " cicd "),
        (r"\bs\s*/\s*w\b", " software "),
        (r"\bh\s*/\s*w\b", " hardware "),
        (r"\bpl\s*/\s*sql\b", " plsql "),
        (r"\bt-sql\b", " tsql "),
        (r"\bs/4\s?hana\b", " s4hana "),
        (r"\bhyper-v\b", " hyperv "),
        (r"\br\s*&\s*d\b", " research "),
        (r"&", " and "),
        (r"\be-commerce\b", " ecommerce "),
        (r"\bco-founder\b", " cofounder "),
        (r"\bi\.t\.", " it "),
    )
)

_NON_WORD_RE = re.compile(r"[^a-z0-9]+")
_CODE_RE = re.compile(r"^(?:[a-z]{1,4})?\d{2,}[a-z]?$")
_KEEP_CODES = frozenset({"as400", "d365", "m365", "o365", "365", "s4hana", "b2b", "b2c"})
# Company-specific level codes: Google's L3-L8 and Meta's E3-E8 (read on their shared ladder,
# `_BIGTECH`), and IC/ICT grades, which companies number differently (IC1 is associate at
# some, IC2 at others), so they are recognised but give no level.
_BIGTECH_LEVEL_RE = re.compile(r"^[le]([3-8])$")
_IC_LEVEL_RE = re.compile(r"^ict?[1-9]$")

# Multi-token phrases -> replacement tokens (matched longest first, left to right).
_PHRASES: dict[tuple[str, ...], tuple[str, ...]] = {
    tuple(key.split()): tuple(value.split())
    for key, value in {
        "machine learning": "ml",
        "artificial intelligence": "ai",
        "deep learning": "deeplearning",
        "natural language processing": "nlp",
        "natural language": "nlp",
        "computer vision": "cv",
        "large language models": "llm",
        "large language model": "llm",
        "generative ai": "genai",
        "generative artificial intelligence": "genai",
        "gen ai": "genai",
        "business intelligence": "bi",
        "quality assurance": "qa",
        "user experience": "ux",
        "user interface": "ui",
        "site reliability": "sre",
        "full stack": "fullstack",
        "front end": "frontend",
        "back end": "backend",
        "dev ops": "devops",
        "ml ops": "mlops",
        "machine learning ops": "mlops",
        "machine learning operations": "mlops",
        "data ops": "dataops",
        "dev sec ops": "devsecops",
        "sec ops": "secops",
        "information technology": "it",
        "information security": "infosec",
        "cyber security": "cybersecurity",
        "member of technical staff": "mts",
        "consulting member of technical staff": "principal mts",
        "consulting mts": "principal mts",
        "software development engineer in test": "sdet",
        "software development engineer test": "sdet",
        "software engineer in test": "sdet",
        "software developer in test": "sdet",
        "data center": "datacenter",
        "data centre": "datacenter",
        "datacentre": "datacenter",
        "power bi": "powerbi",
        "blue prism": "blueprism",
        "jd edwards": "jde",
        "power apps": "powerapps",
        "power platform": "powerapps",
        "low code": "lowcode",
        "spring boot": "springboot",
        "react native": "reactnative",
        "vice president": "vp",
        "senior vice president": "svp",
        "executive vice president": "evp",
        "assistant vice president": "avp",
        "chief technology officer": "cto",
        "chief technical officer": "cto",
        "chief information officer": "cio",
        "chief information security officer": "ciso",
        "chief data officer": "cdo",
        "chief data and analytics officer": "cdao",
        "chief product officer": "cpo",
        "chief ai officer": "caio",
        "chief artificial intelligence officer": "caio",
        "chief executive officer": "ceo",
        "chief operating officer": "coo",
        "chief financial officer": "cfo",
        "entry level": "entrylevel",
        "mid level": "midlevel",
        "mid senior level": "senior",
        "senior level": "senior",
        "new grad": "newgrad",
        "new graduate": "newgrad",
        "tech lead": "techlead",
        "technical lead": "techlead",
        "technical leader": "techlead",
        "team lead": "teamlead",
        "team leader": "teamlead",
        "product management": "product manager",
        "project management": "project manager",
        "program management": "program manager",
        "release management": "release manager",
        "work from home": "",
        "full time": "",
        "part time": "",
        "contract to hire": "",
        "united states": "",
        "web site": "website",
        "help desk": "helpdesk",
        "pen tester": "penetration tester",
        "pen testing": "penetration test",
        "red team": "redteam",
        "geographic information systems": "gis",
        "geographic information system": "gis",
        "geographical information system": "gis",
        "data processing": "edp",
        "data communications": "datacomm",
    }.items()
}

# Single-token rewrites: abbreviations, spelling variants, stems.
_TOKEN_MAP: dict[str, tuple[str, ...]] = {
    key: tuple(value.split())
    for key, value in {
        "sr": "senior", "snr": "senior", "sen": "senior", "senoir": "senior",
        "jr": "junior", "jnr": "junior",
        "eng": "engineer", "engr": "engineer", "engg": "engineer",
        "dev": "developer", "devel": "developer", "development": "developer",
        "mgr": "manager", "mngr": "manager",
        "dir": "director",
        "arch": "architect", "architecture": "architect",
        "admin": "administrator", "adm": "administrator", "administration": "administrator",
        "sci": "scientist", "science": "scientist", "sciences": "scientist",
        "spec": "specialist", "splst": "specialist",
        "prog": "programmer", "pgmr": "programmer", "programming": "programmer",
        "assoc": "associate",
        "anlst": "analyst", "analysis": "analyst",
        "sys": "systems", "system": "systems",
        "applications": "application", "apps": "application",
        "sw": "software", "hw": "hardware",
        "infra": "infrastructure",
        "technologies": "technology",
        "sysadmin": "systems administrator",
        "swe": "software engineer", "sde": "software engineer",
        "ssde": "senior software engineer", "sswe": "senior software engineer",
        # the member-of-technical-staff ladder (Salesforce, VMware, Oracle, AMD ...): associate,
        # MTS, senior, lead, principal; Oracle's "consulting" MTS sits above principal, the top
        # individual-contributor rung paybench has
        "amts": "associate mts", "smts": "senior mts", "lmts": "lead mts", "pmts": "principal mts",
        "cmts": "principal mts",
        "mle": "ml engineer",
        "pm": "product manager",
        "machinelearning": "ml",
        "aiml": "ai ml", "mlai": "ml ai",
        "uiux": "ux ui", "uxui": "ux ui",
        "cybersec": "cybersecurity",
        "pentester": "penetration tester",
        "modeller": "modeler", "modelling": "modeling",
        "programme": "program",
        "centre": "center",
        "optimisation": "optimization",
        "visualisation": "visualization",
        "k8s": "kubernetes",
        "sfdc": "salesforce",
        "design": "designer",
        "testing": "test",
        "fullstack": "fullstack", "frontend": "frontend", "backend": "backend",
        "datascientist": "data scientist",
        "dataengineer": "data engineer",
        "nodejs": "node", "reactjs": "react", "vuejs": "vue", "angularjs": "angular",
        "golang": "golang",
        "helpdesk": "helpdesk",
        "postdoc": "postdoctoral",
        "intl": "",
    }.items()
}

_STOPWORDS = frozenset({"of", "the", "and", "for", "in", "a", "an", "with", "to", "at", "on",
                        "or", "as", "by"})
_NOISE = frozenset({
    "remote", "hybrid", "onsite", "us", "usa", "uk", "emea", "apac", "latam", "contract",
    "contractor", "temporary", "temp", "fulltime", "parttime", "w2", "c2c", "wfh",
    "practitioner", "req", "requisition", "job", "id", "no", "ref",
})

HEADS = frozenset({
    "engineer", "developer", "programmer", "scientist", "analyst", "architect",
    "administrator", "designer", "manager", "tester", "specialist", "consultant",
    "researcher", "technician", "writer", "owner", "master", "coach", "officer",
    "modeler", "auditor", "hacker", "responder", "statistician", "technologist",
    "integrator", "operator", "examiner", "investigator", "steward", "hunter",
    "handler", "coordinator", "advisor", "editor", "author", "agent", "biologist",
    "bioinformatician", "linguist", "cryptographer", "cryptologist", "strategist",
    "configurer", "teamer", "webmaster", "sysadmin", "pentester", "dba", "quant",
})
_BUILDERS = frozenset({"engineer", "developer", "programmer"})

# Words that say a title belongs to another field; they stop typo repair and fuzzy
# matching from pulling such titles into a tech role.
_NON_TECH = frozenset({
    "nurse", "nursing", "physician", "driver", "truck", "teacher", "attorney", "lawyer",
    "paralegal", "cashier", "mechanical", "civil", "chemical", "structural", "electrical",
    "plumber", "electrician", "dentist", "therapist", "pharmacist", "accountant",
    "accounting", "barista", "chef", "cook", "waiter", "janitor", "warehouse worker",
    "carpenter", "welder", "hvac", "manufacturing", "financial", "sales", "retail",
    "construction", "marketing", "clinical", "medical", "surgeon", "veterinarian",
    "professor", "lecturer", "instructor", "tax", "audit", "insurance", "loan", "mortgage",
    "legal", "hospitalist", "resident", "recruiter", "payroll",
})

# Words that no tech title contains: a title with one matches only an exact alias.
_HARD_NON_TECH = frozenset({
    "nurse", "nursing", "physician", "driver", "teacher", "attorney", "lawyer", "paralegal",
    "cashier", "plumber", "electrician", "dentist", "therapist", "pharmacist", "barista",
    "chef", "cook", "surgeon", "veterinarian", "professor", "hospitalist",
})

# Title words that name no specific role on their own.
_GENERIC = frozenset({
    "engineer", "analyst", "manager", "consultant", "associate", "specialist", "architect",
    "scientist", "administrator", "designer", "technician", "officer", "professional",
    "director", "coordinator", "advisor", "operator", "researcher", "writer", "owner",
    "technical", "technology", "senior", "software", "data", "research", "application",
    "systems", "computer", "it", "solution", "solutions", "business", "product",
    "project", "program", "operations", "support", "services", "service", "digital",
    "information", "assistant", "expert", "practitioner", "member",
})

# Qualifier weights (head nouns weigh 1, other words 2 unless listed).
_WEIGHTS: dict[str, float] = {
    **dict.fromkeys(HEADS, 1.0),
    **dict.fromkeys(("software", "application", "computer", "systems", "it", "technical",
                     "technology", "applied", "digital", "engineering", "solutions",
                     "solution", "developer", "junior"), 1.0),
    **dict.fromkeys(("ml", "ai", "deeplearning", "nlp", "cv", "llm", "genai", "mlops",
                     "research", "prompt", "sdet"), 3.0),
    **dict.fromkeys(("security", "cybersecurity", "infosec", "bi", "quantitative"), 2.5),
    **dict.fromkeys(("cloud", "platform", "infrastructure", "network"), 1.5),
}

# ----------------------------------------------------------------------- seniority

_EXEC_WORDS = frozenset({"vp", "svp", "evp", "chief", "cto", "cio", "ciso", "cdo", "cdao",
                         "cdio", "cpo", "caio", "ceo", "coo", "cfo", "cofounder", "founder",
                         "president"})
_DIRECTOR_WORDS = frozenset({"director", "head"})
_MANAGER_WORDS = frozenset({"manager", "supervisor", "avp", "em"})
_PROTECTED_BEFORE_MANAGER = frozenset({
    "product", "project", "program", "account", "release", "delivery", "portfolio",
    "content", "community", "configuration", "change", "case", "brand",
    "property", "campaign", "category", "pmo",
})
_IC_WORDS: dict[str, Level] = {
    "senior": "senior",
    "staff": "staff", "lead": "staff", "leader": "staff", "techlead": "staff",
    "teamlead": "staff",
    "principal": "principal", "distinguished": "principal", "fellow": "principal",
    "midlevel": "mid", "intermediate": "mid", "mid": "mid",
    "junior": "entry", "entrylevel": "entry", "graduate": "entry", "newgrad": "entry",
    "grad": "entry", "intern": "entry", "internship": "entry", "trainee": "entry",
    "apprentice": "entry", "associate": "entry", "postdoctoral": "entry",
}
_NUMERALS: dict[str, Level] = {
    "i": "entry", "1": "entry", "ii": "mid", "2": "mid", "iii": "senior", "3": "senior",
    "iv": "staff", "4": "staff", "v": "principal", "5": "principal",
}
_BIGTECH: dict[str, Level] = {"3": "entry", "4": "mid", "5": "senior", "6": "staff",
                              "7": "principal", "8": "principal"}
_ACADEMIC = frozenset({"postdoctoral", "research", "teaching", "graduate", "clinical"})
_RANK = {level: index for index, level in enumerate(LEVELS)}
_MGMT: frozenset[Level] = frozenset(("manager", "director", "executive"))


def _fold(text: str) -> str:
    """Unicode-normalize, strip accents and lower-case."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.casefold()


# ------------------------------------------------------------- other languages

@dataclass(frozen=True)
class _Languages:
    """The tables of `paybench/data/title_languages.json` (see its `_about` for sources)."""

    words: dict[str, tuple[str, ...]]
    phrases: dict[tuple[str, ...], tuple[str, ...]]
    compound_heads: tuple[str, ...]
    gender_sets: tuple[frozenset[str], ...]
    gender_words: frozenset[str]
    not_covered: dict[str, str]
    german_agents: frozenset[str]


@functools.cache
def _languages() -> _Languages:
    """Read the other-language title tables once."""
    data = json.loads(resources.files("paybench.data").joinpath("title_languages.json")
                      .read_text("utf-8"))
    words: dict[str, tuple[str, ...]] = {}
    phrases: dict[tuple[str, ...], tuple[str, ...]] = {}
    for lang in data["covered"].values():
        for word, english in lang["words"].items():
            words.setdefault(word, tuple(english.split()))
        for phrase, english in lang["phrases"].items():
            phrases.setdefault(tuple(phrase.split()), tuple(english.split()))
    not_covered: dict[str, str] = {}
    for lang in data["not_covered"].values():
        for word in lang["words"]:
            if word not in words:
                not_covered.setdefault(word, lang["name"])
    markers = data["gender_markers"]
    heads = tuple(sorted(data["compound_heads"], key=len, reverse=True))
    return _Languages(
        words=words,
        phrases=phrases,
        compound_heads=heads,
        gender_sets=tuple(frozenset(items) for items in markers["letters"].values()),
        gender_words=frozenset(markers["words"]),
        not_covered=not_covered,
        german_agents=frozenset(data["covered"]["de"]["words"]) | frozenset(heads),
    )


@functools.cache
def _all_phrases() -> tuple[dict[tuple[str, ...], tuple[str, ...]], int]:
    """English and other-language phrases, and the longest phrase's length in words."""
    merged = {**_languages().phrases, **_PHRASES}
    return merged, max(len(key) for key in merged)


def _is_gender_tag(group: str) -> bool:
    """True when a bracketed or slash-separated group is a gender tag: two to four distinct
    items all from one language's tag letters ("m/w/d", "h/f", "f|m|x"), three or more such
    letters run together ("mwd"), or a listed phrase ("all genders", "gn")."""
    tables = _languages()
    text = " ".join(group.split())
    if text in tables.gender_words:
        return True
    items = [item.strip(" *") for item in re.split(r"[/|,]", text)]
    if len(items) == 1 and len(items[0]) >= 3 and items[0].isalpha():
        items = list(items[0])
    if not 2 <= len(items) <= 4 or len(set(items)) != len(items):
        return False
    return any(set(items) <= letters for letters in tables.gender_sets)


def _strip_gender_tags(folded: str) -> str:
    """Remove gender tags ("(m/w/d)", "H/F", "(all genders)") and German gender suffixes
    ("Entwickler*in") from folded title text; other brackets are kept."""
    tables = _languages()

    def drop(match: re.Match[str]) -> str:
        return " " if _is_gender_tag(match.group(1) or match.group(2)) else match.group(0)

    text = folded
    if any(ch in text for ch in "/|(["):
        text = _GENDER_GROUP_RE.sub(drop, text)
    for phrase in tables.gender_words:
        if " " in phrase and phrase in text:
            text = re.sub(r"[(\[]?\s*\b" + re.escape(phrase) + r"\b\s*[)\]]?", " ", text)
        elif phrase.isalnum() and f"({phrase})" in text:
            text = text.replace(f"({phrase})", " ")
    if any(ch in text for ch in "*:_/("):
        text = _GENDER_SUFFIX_RE.sub("", text)
    return text


@functools.cache
def _taxonomy_words() -> frozenset[str]:
    """Every word of the taxonomy's names, aliases and keywords (lower case, as written)."""
    found: set[str] = set(HEADS) | set(_TOKEN_MAP)
    for role in roles().values():
        for text in (role.name, *role.aliases, *role.keywords):
            found.update(tok for tok in _NON_WORD_RE.split(_fold(text)) if tok)
    return frozenset(found)


@functools.lru_cache(maxsize=65536)
def _foreign_word(token: str) -> tuple[str, ...] | None:
    """English words for one word of another covered language: the word itself, its German
    feminine form ("Entwicklerin" -> "Entwickler"), or a German/Dutch compound whose last
    part is a title head and whose front is a known word ("Softwareentwickler" -> software
    developer, "Sicherheitsberater" -> security consultant). None when not such a word."""
    tables = _languages()
    known = _taxonomy_words()
    if token in tables.words and (token not in known or not tables.words[token]):
        return tables.words[token]  # a word of the taxonomy ("Informatica") stays itself
    if token in known or len(token) < 5 or not token.isalpha():
        return None
    for suffix in ("innen", "in"):
        stem = token.removesuffix(suffix)
        if stem != token and stem in tables.german_agents:
            return _foreign_word(stem) or (stem,)
    if len(token) < 8:
        return None
    for head in tables.compound_heads:
        for word in (token, token.removesuffix("innen"), token.removesuffix("in")):
            if not word.endswith(head) or len(word) - len(head) < 2:
                continue
            front = word[: -len(head)]
            for part in (front, front.removesuffix("s"), front.removesuffix("e")):
                if part in tables.words or part in known:
                    english = tables.words.get(part, (part,))
                    return (*english, *tables.words.get(head, (head,)))
    return None


def _apply_phrases(tokens: list[str]) -> list[str]:
    """Replace known multi-word phrases by their single-token form."""
    phrases, longest = _all_phrases()
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for size in range(min(longest, len(tokens) - i), 1, -1):
            key = tuple(tokens[i:i + size])
            if key in phrases:
                out.extend(phrases[key])
                i += size
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


def _singular(token: str) -> str:
    """Plural head nouns to singular ('developers' -> 'developer')."""
    if token.endswith("s") and token[:-1] in HEADS:
        return token[:-1]
    return token


# Abbreviations of titles that carry a numbered level, glued ("SDE2", "MTS1", "SWEIII") or not
# ("SE 2", "SDE II"): the number is the level (1 entry, 2 mid, 3 senior: the rungs of Amazon's
# SDE I-III and of the generic Software Engineer I-III ladder); roman numerals are read glued
# only to abbreviations of three letters or more ("SEI" stays a word).
_GLUED_LEVEL_RE = re.compile(
    r"^(sde|swe|sdet|se|sse|ase|ssde|sswe|mts|amts|smts|lmts|pmts|cmts|mle|sre|qae)([1-5])$"
    r"|^(sde|swe|sdet|sse|ase|ssde|sswe|mts|amts|smts|lmts|pmts|cmts|mle|sre|qae)(i{1,3}|iv)$"
)
# Industry short forms of "software engineer" whose letters other titles share ("SE" is also a
# sales or systems engineer): read as software engineer only when the title names no other
# head noun ("SE 2", "SSE - Backend", "ASE").
_SHORT_SOFTWARE = {"se": ("software", "engineer"), "sse": ("senior", "software", "engineer"),
                   "ase": ("associate", "software", "engineer")}


def _raw_words(text: str) -> list[str]:
    """Folded, tag-free text -> raw words: technology names made single tokens, punctuation
    dropped, requisition codes dropped, a level glued to an abbreviation split off."""
    return list(_raw_tuple(text))


@functools.lru_cache(maxsize=65536)
def _raw_tuple(text: str) -> tuple[str, ...]:
    for pattern, repl in _STRING_SUBS:
        text = pattern.sub(repl, text)
    raw: list[str] = []
    for tok in _NON_WORD_RE.split(text):
        if not tok or (tok not in _KEEP_CODES and _CODE_RE.match(tok)):
            continue
        glued = _GLUED_LEVEL_RE.match(tok)
        if glued is not None:
            raw.extend(part for part in glued.groups() if part)
        else:
            raw.append(tok)
    return tuple(raw)


def _canonical(raw: list[str]) -> tuple[str, ...]:
    """Raw words -> canonical tokens: phrases, other-language words, abbreviations."""
    tokens = _apply_phrases(raw)
    english: list[str] = []
    for tok in tokens:
        foreign = _foreign_word(tok)
        if foreign is None or (not foreign and len(tokens) == 1):
            foreign = (tok,)  # a function word alone is a title ("DE", data engineer)
        english.extend(foreign)
    tokens = _apply_phrases(english) if english != tokens else tokens
    mapped: list[str] = []
    projects = "project" in tokens or "program" in tokens
    named_head = any(_singular(tok) in HEADS or tok in ("swe", "sde", "mle") for tok in tokens)
    for tok in tokens:
        tok = _singular(tok)
        if tok == "pm" and projects:
            continue  # "Project Manager (PM)": PM repeats the title, not product manager
        if tok in _SHORT_SOFTWARE:
            if not named_head:
                mapped.extend(_SHORT_SOFTWARE[tok])
            continue
        mapped.extend(_TOKEN_MAP.get(tok, (tok,)))
    mapped = _apply_phrases(mapped)
    return tuple(tok for tok in mapped
                 if tok and tok not in _STOPWORDS and tok not in _NOISE)


@functools.lru_cache(maxsize=65536)
def _clean(text: str) -> str:
    """Fold a title and take its gender tags out."""
    return _strip_gender_tags(_fold(_BINNEN_I_RE.sub("", text)))


@functools.lru_cache(maxsize=65536)
def _tokens(text: str) -> tuple[str, ...]:
    """Clean a text into canonical tokens (seniority words still present), brackets and all."""
    return _canonical(_raw_words(_clean(text)))


_BRACKET_RE = re.compile(r"[(\[]([^()\[\]]*)[)\]]")

def _words(text: str) -> frozenset[str]:
    """The space-separated words of ``text``."""
    return frozenset(text.split())


_CLAUSE_WORDS: dict[str, frozenset[str]] = {
    "requirements": _words(
        "experience experienced exp required requirement requirements preferred essential desirable "
        "needed mandatory must knowledge exposure background clearance cleared eligible eligibility "
        "skills proficiency proficient familiarity"),
    "place or work mode": _words(
        "remote hybrid onsite offsite office offices wfh wfa homebased based relocation relocate "
        "sponsorship visa anywhere travel nationwide"),
    "terms": _words(
        "contract contractor contracts ftc term temp temporary permanent perm freelance interim "
        "maternity paternity parental cover part time parttime fulltime month months weeks ir35 inside "
        "outside w2 c2c 1099 corp hourly salaried urgent immediate asap shift shifts nights weekend "
        "weekends secondment"),
}
"""Words (raw words of `_raw_words`: hyphenated words come split, "Fixed-Term" is "fixed",
"term") that make a bracketed part of a title a clause about the job, not part of its name:
requirements ("(Power Apps experience required)", "(SC clearance)"), place or work mode
("(Remote, US)", "(Hybrid - London)"), terms ("(Contract)", "(12 month FTC)", "(Outside
IR35)"). Such a part keeps only its seniority words ("(Senior, Remote)"): it never changes the
role the rest of the title names (issue 16). Gender tags ("(m/w/d)") are dropped before this
(`_strip_gender_tags`)."""
_CLAUSE_WORD_SET = frozenset().union(*_CLAUSE_WORDS.values())


def _clause_part(words: list[str]) -> bool:
    """Whether a bracketed part's raw words make it a clause about the job (`_CLAUSE_WORDS`)."""
    return any(w in _CLAUSE_WORD_SET for w in words)


def _level_word(word: str) -> bool:
    """True for a seniority word, a numeral or a company level code."""
    return is_seniority_word(word) or word in _NUMERALS or _company_level(word)


def _ic_level_word(word: str) -> bool:
    """True for an individual-contributor level word or numeral ("Sr", "II", "junior")."""
    canon = _TOKEN_MAP.get(word, (word,))
    return word in _NUMERALS or (len(canon) == 1 and canon[0] in _IC_WORDS)


def _initials(words: Iterable[str]) -> str:
    """The first letters of the words that are not stopwords ("member of technical staff": mts)."""
    return "".join(word[0] for word in words if word not in _STOPWORDS and word[0].isalpha())


SURE_OUTSIDE = 0.95
"""Least confidence of the reading of a title without its bracketed parts that is taken when
the whole title names no role (`_title_tokens`)."""


@functools.lru_cache(maxsize=65536)
def _title_tokens(title: str) -> tuple[str, ...]:
    """A job title -> the canonical tokens it is matched on: the reading of
    `_bracket_reading`, or the whole title read as written when only that names a role
    ("VoIP Engineer (Voice Over Internet Protocol Engineer)")."""
    tokens = _bracket_reading(title)
    if _normalize(tokens)[0] is None and _BRACKET_RE.search(title):
        whole = _tokens(title)
        if whole != tokens and _normalize(whole)[0] is not None:
            return whole
        # a bracketed part does not wipe a role the rest of the title names surely (an exact
        # or rule match, not a fuzzy guess: "Gas Technician (Gas Tech)" stays unmatched)
        bare = _clean(title)
        while (unbracketed := _BRACKET_RE.sub(" ", bare)) != bare:  # nested brackets too
            bare = unbracketed
        outside = _canonical(_raw_words(bare)) if bare.strip() else ()
        if outside and outside != tokens:
            role, _level, confidence, _reason = _normalize(outside)
            if role is not None and confidence >= SURE_OUTSIDE:
                return outside
    return tokens


def _bracket_reading(title: str) -> tuple[str, ...]:
    """A job title -> canonical tokens, reading bracketed parts against the rest.

    A bracketed part that repeats the title adds only its level words: a part made only of
    words already outside the brackets, an abbreviation of the title's initials ("Senior
    Member of Technical Staff (SMTS)", "Software Development Engineer II (SDE II, L5)") and
    level words, or a part naming the same role as the rest ("Software Engineer (SWE II)").
    Any other bracketed part ("Software Developer (Java)", "Business Analyst (Business
    Intelligence Analyst)") is read as part of the title."""
    text = _clean(title)
    parts = list(_BRACKET_RE.finditer(text))
    if not parts:
        return _canonical(_raw_words(text))
    outside = _raw_words(_BRACKET_RE.sub(" ", text))
    seen = set(outside)
    bare = _BRACKET_RE.sub(" ", text)
    # initials word by word, and with hyphenated words as one ("Front-End Developer": fed, fd)
    initials = (_initials(outside) + " "
                + _initials(re.sub(r"[^a-z0-9]", "", w) or "-" for w in bare.split()))
    outer_role = _normalize(_canonical(outside))[0] if outside else None
    words: list[str] = []
    pos = 0
    for part in parts:
        words.extend(_raw_words(text[pos:part.start()]))
        pos = part.end()
        inner = _raw_words(part.group(1))
        new = [w for w in inner if w not in seen and not (
            len(w) >= 2 and w.isalpha() and w in initials and not _ic_level_word(w))]
        if _clause_part(inner):
            kept = [w for w in new if is_seniority_word(w) and not w.isdigit()]  # "(Senior, Remote)"
        elif all(_level_word(w) or not _canonical([w]) for w in new):
            kept = new  # the part repeats the title: only its level (and noise) words are new
        elif outer_role is not None and _normalize(_split_tokens(_canonical(new)).core)[0] \
                == outer_role:
            kept = [w for w in new if _level_word(w)]  # "(SWE II)" names the same role
        else:
            kept = inner
        words.extend(kept)
    words.extend(_raw_words(text[pos:]))
    return _canonical(words)


@dataclass(frozen=True)
class _Split:
    core: tuple[str, ...]
    level: Level | None


def _max_level(levels: Iterable[Level]) -> Level | None:
    best: Level | None = None
    for level in levels:
        if best is None or _RANK[level] > _RANK[best]:
            best = level
    return best


def _company_level(token: str) -> bool:
    """True for a company-specific level code ("L5", "E6", "IC4")."""
    return bool(_BIGTECH_LEVEL_RE.match(token) or _IC_LEVEL_RE.match(token))


def _split_tokens(tokens: tuple[str, ...]) -> _Split:
    """Take seniority words out of canonical tokens.

    The level is the highest management word, else the highest seniority word, else the
    highest explicit numeral ("II", "Level 3", "SDE2"), else a company-specific code ("L5"):
    a code means different rungs at different companies, so an explicit numeral outranks it
    ("Software Development Engineer II (SDE II, L5)" is mid)."""
    words: list[Level] = []
    numerals: list[Level] = []
    codes: list[Level] = []
    mgmt: list[Level] = []
    core: list[str] = []
    academic = any(tok in _ACADEMIC for tok in tokens)
    skip_next = False
    for i, tok in enumerate(tokens):
        if skip_next:
            skip_next = False
            continue
        prev = tokens[i - 1] if i else ""
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if tok in _EXEC_WORDS:
            mgmt.append("executive")
        elif tok in _DIRECTOR_WORDS:
            mgmt.append("director")
        elif tok in _MANAGER_WORDS and prev not in _PROTECTED_BEFORE_MANAGER:
            mgmt.append("manager")
        elif tok == "fellow" and academic:
            words.append("entry")
        elif tok in _IC_WORDS:
            words.append(_IC_WORDS[tok])
        elif tok in ("level", "lvl", "grade") and nxt in _NUMERALS:
            numerals.append(_NUMERALS[nxt])
            skip_next = True
        elif tok in ("level", "lvl"):
            continue
        elif i > 0 and tok in _NUMERALS:
            numerals.append(_NUMERALS[tok])
        elif _company_level(tok):
            match = _BIGTECH_LEVEL_RE.match(tok)
            if match is not None and i > 0:
                codes.append(_BIGTECH[match.group(1)])
        else:
            core.append(tok)
    level = (_max_level(mgmt) or _max_level(words) or _max_level(numerals)
             or _max_level(codes))
    return _Split(tuple(core), level)


SENIORITY_WORDS: frozenset[str] = frozenset(
    _EXEC_WORDS | _DIRECTOR_WORDS | _MANAGER_WORDS | set(_IC_WORDS) | set(_NUMERALS)
    | {"level", "lvl", "grade"})
"""Words that say how senior a title is, not what work it names (after `_TOKEN_MAP`)."""


def is_seniority_word(word: str) -> bool:
    """True when a lower-case title word is a seniority or management word ('sr', 'Manager',
    'II', 'head', 'VP'), spelled out or abbreviated."""
    canon = _TOKEN_MAP.get(word, (word,))
    return len(canon) == 1 and canon[0] in SENIORITY_WORDS


_DISPLAY = {
    "ml": "machine learning", "ai": "ai", "cv": "computer vision", "bi": "business intelligence",
    "qa": "quality assurance", "deeplearning": "deep learning", "genai": "generative ai",
    "fullstack": "full stack", "frontend": "front end", "backend": "back end",
    "sre": "site reliability", "infosec": "information security",
    "mts": "member of technical staff",
    "datacenter": "data center", "cpp": "c++", "csharp": "c#", "dotnet": ".net",
}


def split_seniority(title: str) -> tuple[str, Level | None]:
    """Split a title into (the title without seniority words, level).

    The remainder is cleaned: lower case, abbreviations expanded, codes and location
    noise dropped. ``split_seniority("Sr. ML Eng II")`` -> ``("machine learning
    engineer", "senior")``; the level is None when the title states no seniority.
    """
    split = _split_tokens(_title_tokens(title))
    return " ".join(_DISPLAY.get(tok, tok) for tok in split.core), split.level


# ------------------------------------------------------------------------- index

@dataclass(frozen=True)
class _Alias:
    role: str
    tokens: tuple[str, ...]
    head: str | None
    weight: float
    keyword: bool


def _weight(token: str) -> float:
    return _WEIGHTS.get(token, 2.0)


def _head_of(tokens: Iterable[str]) -> str | None:
    head = None
    for tok in tokens:
        if tok in HEADS:
            head = tok
    return head


# Management levels of a domain -> that domain's leadership role.
_SOFTWARE_MGMT = {"manager": "engineering-manager", "director": "director-of-engineering",
                  "executive": "vp-of-engineering"}
_ML_MGMT = {"director": "head-of-ai", "executive": "head-of-ai"}
_DATA_MGMT = {"director": "head-of-data", "executive": "head-of-data"}
_SECURITY_MGMT = {"manager": "information-security-manager",
                  "director": "information-security-manager", "executive": "ciso"}
_MGMT_MAP: dict[str, dict[str, str]] = {
    "software-engineer": _SOFTWARE_MGMT,
    "engineering-manager": {"director": "director-of-engineering",
                            "executive": "vp-of-engineering"},
    "director-of-engineering": {"executive": "vp-of-engineering"},
    "it-manager": {"director": "it-director", "executive": "it-director"},
    "product-manager": {"executive": "vp-of-product"},
    **dict.fromkeys(("machine-learning-engineer", "ai-engineer", "mlops-engineer",
                     "computer-vision-engineer", "nlp-engineer", "deep-learning-engineer",
                     "llm-engineer", "generative-ai-engineer", "applied-scientist",
                     "research-scientist", "research-engineer", "ai-architect"), _ML_MGMT),
    **dict.fromkeys(("data-scientist", "data-engineer", "data-analyst", "analytics-engineer",
                     "bi-analyst", "bi-developer", "data-architect",
                     "data-governance-analyst"), _DATA_MGMT),
    **dict.fromkeys(("security-engineer", "security-analyst", "cybersecurity-engineer",
                     "soc-analyst", "information-security-manager"), _SECURITY_MGMT),
}


def _role_level(role_id: str) -> Level | None:
    """A leadership role's own level (the taxonomy's `level`); a title must carry a management
    word to reach such a role, and the level is the role's when the title states none."""
    level = roles()[role_id].level
    return cast(Level, level) if level is not None else None


@dataclass(frozen=True)
class _Index:
    exact: dict[str, str]
    conflicts: dict[str, tuple[str, ...]]
    subset: dict[str, tuple[_Alias, ...]]
    vocab: tuple[str, ...]
    vocab_set: frozenset[str]
    fuzzy_keys: tuple[str, ...]
    names: dict[str, str]


def _role_heads(role: Role) -> tuple[str, ...]:
    head = _head_of(_tokens(role.name))
    if head is None:
        return ()
    if head in _BUILDERS:
        return ("engineer", "developer")
    return (head,)


@functools.cache
def _index() -> _Index:
    """Build the alias indexes from the taxonomy (once)."""
    exact: dict[str, str] = {}
    conflicts: dict[str, set[str]] = {}
    subset: dict[str, list[_Alias]] = {}
    vocab: set[str] = set(_IC_WORDS) | _EXEC_WORDS | _DIRECTOR_WORDS | _MANAGER_WORDS
    vocab |= set(HEADS) | {"level", "lead"}
    names: dict[str, str] = {}
    seen: set[tuple[str, tuple[str, ...]]] = set()

    def add_subset(alias: _Alias) -> None:
        if (alias.role, alias.tokens) in seen:
            return
        seen.add((alias.role, alias.tokens))
        rarest = min(alias.tokens, key=lambda tok: (tok in HEADS, -_weight(tok)))
        subset.setdefault(rarest, []).append(alias)

    for role in roles().values():
        texts = (role.name, *role.aliases)
        for text in texts:
            tokens = _tokens(text)
            vocab.update(_NON_WORD_RE.split(_fold(text)))
            if not tokens:
                continue
            vocab.update(tokens)
            key = " ".join(tokens)
            if key in exact and exact[key] != role.id:
                conflicts.setdefault(key, {exact[key]}).add(role.id)
            else:
                exact.setdefault(key, role.id)
            split = _split_tokens(tokens)
            if split.core != tokens or not split.core:
                continue  # carries seniority words: exact match on the whole title only
            core = tuple(dict.fromkeys(split.core))
            head = _head_of(core)
            if len(core) == 1 and (head is not None
                                   or (len(core[0]) < 4 and _weight(core[0]) < 2.5)):
                continue  # a bare head noun ('Developer') or 'DS', 'BA' match exactly only
            add_subset(_Alias(role.id, core, head, sum(_weight(t) for t in core), False))
        names[role.id] = " ".join(_tokens(role.name))
        for keyword in role.keywords:
            kw_tokens = _tokens(keyword)
            vocab.update(kw_tokens)
            for head in _role_heads(role):
                core = tuple(dict.fromkeys((*kw_tokens, head)))
                if len(core) < 2:
                    continue
                add_subset(_Alias(role.id, core, head, sum(_weight(t) for t in core), True))
    return _Index(
        exact=exact,
        conflicts={key: tuple(sorted(ids)) for key, ids in conflicts.items()},
        subset={key: tuple(value) for key, value in subset.items()},
        vocab=tuple(sorted(tok for tok in vocab if len(tok) >= 4 and tok.isalpha())),
        vocab_set=frozenset(vocab),
        fuzzy_keys=tuple(key for key in exact if len(key) >= 8),
        names=names,
    )


def alias_conflicts() -> dict[str, tuple[str, ...]]:
    """Alias keys that two or more roles claim (should be empty; used by tests)."""
    return dict(_index().conflicts)


# ------------------------------------------------------------------------ matching

_MIN_COVERAGE = 0.5
"""A rule match must explain at least this share of the title's word weight."""


@dataclass(frozen=True)
class _Found:
    role: str | None
    confidence: float
    reason: str | None


def _score(alias: _Alias, core: tuple[str, ...], heads: list[str]) -> float | None:
    """Score one alias against a title core; None if it does not apply."""
    if alias.head is None:
        if heads:
            return None
        score = alias.weight
    else:
        primary = heads[-1] if heads else None
        if alias.head == primary:
            score = alias.weight + 0.5
        elif alias.head in _BUILDERS and primary in _BUILDERS:
            score = alias.weight - 0.5
        else:
            return None
        head_pos = max(i for i, tok in enumerate(core) if tok == primary)
        qualifiers = [tok for tok in alias.tokens if tok != alias.head]
        if qualifiers and head_pos > 0 and core[head_pos - 1] == qualifiers[-1]:
            score += 0.25
    if alias.keyword:
        score -= 0.1
    return score


def _rule_match(core: tuple[str, ...]) -> tuple[str, float, str | None] | None:
    """Best alias whose words are all in the title: (role, coverage, rival or None)."""
    index = _index()
    present = set(core)
    heads = [tok for tok in core if tok in HEADS]
    scored: dict[str, float] = {}
    for tok in present:
        for alias in index.subset.get(tok, ()):
            if not present.issuperset(alias.tokens):
                continue
            score = _score(alias, core, heads)
            if score is not None and score > scored.get(alias.role, float("-inf")):
                scored[alias.role] = score
    if not scored:
        return None
    ranked = sorted(scored.items(), key=lambda item: -item[1])
    best_role, best = ranked[0]
    rival = ranked[1][0] if len(ranked) > 1 and abs(ranked[1][1] - best) < 1e-9 else None
    total = sum(_weight(tok) if tok in index.vocab_set else 0.5 for tok in present) + 0.5
    coverage = min(1.0, best / total)
    if coverage < _MIN_COVERAGE:
        return None
    return best_role, coverage, rival


def _exact(key: str) -> _Found | None:
    index = _index()
    if key in index.conflicts:
        a, b = index.conflicts[key][:2]
        return _Found(None, 0.0, f"ambiguous between {a} and {b}")
    role = index.exact.get(key)
    if role is None:
        return None
    return _Found(role, 1.0 if index.names.get(role) == key else 0.97, None)


def _match_core(core: tuple[str, ...]) -> _Found | None:
    found = _exact(" ".join(core))
    if found is not None:
        return found
    rule = _rule_match(core)
    if rule is None:
        return None
    role, coverage, rival = rule
    if rival is not None:
        return _Found(None, 0.0, f"ambiguous between {role} and {rival}")
    return _Found(role, round(0.55 + 0.4 * coverage, 3), None)


@functools.lru_cache(maxsize=8192)
def _correct(token: str) -> str:
    """Fix a misspelt word against the taxonomy vocabulary (same first letter)."""
    index = _index()
    if token in index.vocab_set or len(token) < 5 or not token.isalpha():
        return token
    candidates = [word for word in index.vocab
                  if word[0] == token[0] and abs(len(word) - len(token)) <= 2]
    hit = process.extractOne(token, candidates, scorer=fuzz.ratio, score_cutoff=85)
    return hit[0] if hit else token


def _recanonical(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """Re-apply phrase and abbreviation rewriting after typo repair."""
    mapped: list[str] = []
    for tok in _apply_phrases(list(tokens)):
        mapped.extend(_TOKEN_MAP.get(tok, (tok,)))
    return tuple(dict.fromkeys(tok for tok in _apply_phrases(mapped) if tok))


def _fuzzy(core: tuple[str, ...]) -> _Found | None:
    key = " ".join(core)
    if len(core) < 2 or len(key) < 8:
        return None
    index = _index()
    if all(tok in index.vocab_set for tok in core):
        return None  # every word is known: a near miss on the whole string is no typo
    hit = process.extractOne(key, index.fuzzy_keys, scorer=fuzz.ratio, score_cutoff=90)
    if hit is None:
        return None
    role = index.exact[hit[0]]
    return _Found(role, round(0.5 + 0.3 * (hit[1] - 90) / 10, 3), None)


@functools.lru_cache(maxsize=65536)
def _normalize(tokens: tuple[str, ...]) -> tuple[str | None, Level | None, float, str | None]:
    """Match canonical tokens; returns (role, level, confidence, reason)."""
    if not tokens:
        return None, None, 0.0, "empty title"
    split = _split_tokens(tokens)
    level = split.level
    core = tuple(dict.fromkeys(split.core))
    shown = " ".join(_DISPLAY.get(tok, tok) for tok in tokens)
    found = _exact(" ".join(tokens))
    if found is None or found.role is None:
        if not core:
            return None, level, 0.0, f"no role named in {shown!r}: only seniority words"
        if any(tok in _HARD_NON_TECH for tok in core):
            return None, level, 0.0, f"no tech role matches {shown!r}"
        found = _match_core(core)
    non_tech = any(tok in _NON_TECH for tok in core)
    if found is None and not non_tech:
        fixed = _recanonical(tuple(_correct(tok) for tok in core))
        if fixed != core:
            again = _match_core(fixed)
            if again is not None and again.role is not None:
                found = _Found(again.role, round(again.confidence * 0.9, 3), None)
            elif again is not None:
                found = again
        if found is None:
            found = _fuzzy(fixed)
    if found is None:
        if all(tok in _GENERIC for tok in core):
            return None, level, 0.0, f"too generic: {shown!r} names no specific tech role"
        return None, level, 0.0, f"no tech role matches {shown!r}"
    if found.role is None:
        return None, level, 0.0, found.reason
    role = found.role
    if level in _MGMT:
        role = _MGMT_MAP.get(role, {}).get(level, role)
    own = _role_level(role)
    if own is not None and level not in _MGMT:
        if level is None and own != "manager" and found.confidence >= 0.97:
            level = own
        else:
            return None, level, 0.0, (
                f"too generic: {shown!r} names a field but no role or management level")
    return role, level, min(1.0, max(0.0, found.confidence)), None


# Unicode scripts (the first word of a letter's Unicode name) -> the languages they suggest.
_SCRIPT_LANGUAGES = {
    "HIRAGANA": "Japanese", "KATAKANA": "Japanese", "HANGUL": "Korean", "CJK": "Chinese",
    "CYRILLIC": "a Cyrillic-script language (Russian, Ukrainian ...)",
    "ARABIC": "an Arabic-script language (Arabic, Persian, Urdu ...)", "HEBREW": "Hebrew",
    "GREEK": "Greek", "DEVANAGARI": "a Devanagari-script language (Hindi, Marathi ...)",
    "THAI": "Thai", "BENGALI": "Bengali", "TAMIL": "Tamil", "TELUGU": "Telugu",
    "GEORGIAN": "Georgian", "ARMENIAN": "Armenian",
}
_SCRIPT_ORDER = ("HIRAGANA", "KATAKANA", "HANGUL")  # kana or hangul beside Han tell the language


def uncovered_language(title: str) -> str | None:
    """The language of a title the taxonomy does not read, or None.

    Letters outside the Latin script are told by their Unicode script (kana -> Japanese,
    hangul -> Korean, Han alone -> Chinese, Cyrillic, Arabic ...); a Latin-script title by a
    head word of a language listed as not covered in `paybench/data/title_languages.json`
    ("Sviluppatore" -> Italian, "Programista" -> Polish)."""
    scripts: set[str] = set()
    for ch in title:
        if ch.isalpha() and ord(ch) > 0x24F:
            name = unicodedata.name(ch, "")
            script = name.split(" ", 1)[0] if name else ""
            if script and script not in ("LATIN", "FULLWIDTH", "MODIFIER"):
                scripts.add(script)
    for script in _SCRIPT_ORDER:
        if script in scripts:
            return _SCRIPT_LANGUAGES[script]
    for script in sorted(scripts):
        return _SCRIPT_LANGUAGES.get(script, f"the {script.title()} script")
    not_covered = _languages().not_covered
    for word in _raw_words(_clean(title)):
        if word in not_covered:
            return not_covered[word]
    return None


def normalize_title(title: str) -> TitleMatch:
    """Normalize a job title to a canonical role, a level and a confidence in [0, 1].

    Unmatched titles get ``role=None`` and a ``reason`` ("no tech role matches
    'registered nurse'", "ambiguous between x and y", "language not covered: Japanese" for a
    title in a language the taxonomy does not read, see `uncovered_language`); the level is
    still reported when the title states one. German, French, Spanish and Dutch titles are
    read through `paybench/data/title_languages.json`; gender tags ("(m/w/d)", "(H/F)") are
    dropped. Results are memoized on the cleaned title.
    """
    role, level, confidence, reason = _normalize(_title_tokens(title))
    if role is None:
        language = uncovered_language(title)
        if language is not None:
            reason = f"language not covered: {language}"
        elif reason == "empty title" and title.strip():
            reason = "no words in the title: only digits or symbols"
    return TitleMatch(title=title, role=role, role_name=roles()[role].name if role else None,
                      level=level, confidence=confidence, reason=reason)
