"""Job title -> canonical role + seniority level + confidence.

Steps (all deterministic, no network):

1. Clean: Unicode/case folding, "(m/w/d)"-style tags, "- Remote", requisition codes
   ("JC65", "R-10234"), punctuation; technology names with punctuation (C++, C#, .NET,
   Node.js) become single tokens; multi-word phrases become one token
   ("machine learning" -> ``ml``, "front end" -> ``frontend``); abbreviations are
   expanded ("Sr." -> senior, "Eng" -> engineer, "SWE" -> software engineer).
2. Seniority: level words ("Senior", "II", "Staff", "Lead", "Head of", "VP", "L5") are
   taken out into the level. Management words (manager, director, head, VP, chief)
   outrank individual-contributor words; words outrank numerals.
3. Match, first hit wins: exact alias on the whole title, exact alias on the title
   without seniority words, then a rule match (the alias whose words are all in the
   title and whose head noun agrees, scored by word weights; role keywords combine with
   the role's head noun), then the same after fixing typos word by word, then rapidfuzz
   against all aliases with a high cutoff.
4. Management levels of a domain map to that domain's leadership role where one exists
   ("Director of Software Engineering" -> director-of-engineering).

A title that matches no role, or two roles equally well, gets ``role=None`` and a
reason: never a silent guess.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
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

_TAG_RE = re.compile(
    r"\(\s*[mfwdhx]\s*/\s*[mfwdhx](?:\s*/\s*(?:[mfwdhx]|div))?\s*\)"
    r"|\b[mfw]\s*/\s*[mfw]\s*/\s*(?:d|x|div)\b|\ball genders\b",
)

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
_BIGTECH_LEVEL_RE = re.compile(r"^[le]([3-8])$")

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
_MAX_PHRASE = max(len(key) for key in _PHRASES)

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


def _apply_phrases(tokens: list[str]) -> list[str]:
    """Replace known multi-word phrases by their single-token form."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for size in range(min(_MAX_PHRASE, len(tokens) - i), 1, -1):
            key = tuple(tokens[i:i + size])
            if key in _PHRASES:
                out.extend(_PHRASES[key])
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


@functools.lru_cache(maxsize=65536)
def _tokens(text: str) -> tuple[str, ...]:
    """Clean a title into canonical tokens (seniority words still present)."""
    text = _TAG_RE.sub(" ", _fold(text))
    for pattern, repl in _STRING_SUBS:
        text = pattern.sub(repl, text)
    raw = [tok for tok in _NON_WORD_RE.split(text) if tok]
    raw = [tok for tok in raw if tok in _KEEP_CODES or not _CODE_RE.match(tok)]
    tokens = _apply_phrases(raw)
    mapped: list[str] = []
    projects = "project" in tokens or "program" in tokens
    for tok in tokens:
        tok = _singular(tok)
        if tok == "pm" and projects:
            continue  # "Project Manager (PM)": PM repeats the title, not product manager
        mapped.extend(_TOKEN_MAP.get(tok, (tok,)))
    mapped = _apply_phrases(mapped)
    return tuple(tok for tok in mapped
                 if tok and tok not in _STOPWORDS and tok not in _NOISE)


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


def _split_tokens(tokens: tuple[str, ...]) -> _Split:
    """Take seniority words out of canonical tokens."""
    words: list[Level] = []
    numerals: list[Level] = []
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
        elif (match := _BIGTECH_LEVEL_RE.match(tok)) and i > 0:
            numerals.append(_BIGTECH[match.group(1)])
        else:
            core.append(tok)
    level = _max_level(mgmt) or _max_level(words) or _max_level(numerals)
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
    split = _split_tokens(_tokens(title))
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


def normalize_title(title: str) -> TitleMatch:
    """Normalize a job title to a canonical role, a level and a confidence in [0, 1].

    Unmatched titles get ``role=None`` and a ``reason`` ("no tech role matches
    'registered nurse'", "ambiguous between x and y"); the level is still reported when
    the title states one. Results are memoized on the cleaned title.
    """
    role, level, confidence, reason = _normalize(_tokens(title))
    return TitleMatch(title=title, role=role, role_name=roles()[role].name if role else None,
                      level=level, confidence=confidence, reason=reason)
