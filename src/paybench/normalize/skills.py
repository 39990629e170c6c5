"""Skills, degrees and certifications asked for in job-posting text.

The taxonomy lives in ``paybench/data/skills.json``: each skill has an id, a name, a
category and aliases. Aliases match case-insensitively at word boundaries, with spaces
and hyphens interchangeable ("fine-tuning", "fine tuning"; unspaced forms such as
"finetuning" are listed as aliases of their own). Two kinds of
alias need more care:

- ``case_aliases`` match only with the case given ("RAG", "JAX", "Spark"), because the
  lower-case word means something else;
- ``context_aliases`` are ambiguous words ("R", "Go", "C", "Julia", "Ray", "CV", "TF",
  and the degree abbreviations "BS", "MS", "BA", "BE"). They count only in a skills
  context: listed next to another skill ("Python, R, SQL", "Go/Rust"), after a cue
  ("in R", "experience with Go", "languages such as Julia") or before one ("Go
  developer", "MS in Computer Science", "BS degree").

Each mention gets a requirement, ``required`` or ``preferred`` (or None), from the
nearest cue in its clause ("PhD preferred", "MS or PhD required", "Kubernetes is a
plus") or else from the section heading it sits under ("Preferred Qualifications",
"Requirements"). `extract_skills` precompiles everything once; it reads thousands of
postings per second.
"""

from __future__ import annotations

import bisect
import functools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any, Literal

from paybench.normalize.parallel import Failed, WorkerPool
from paybench.records import SkillMention

Requirement = Literal["required", "preferred"]

CATEGORIES: tuple[str, ...] = (
    "language", "ml_framework", "data", "mlops", "cloud", "genai", "domain", "software",
    "soft_skill", "degree", "certification", "clearance",
)
"""Every skill category, in display order."""


@dataclass(frozen=True)
class Skill:
    """One taxonomy entry: id (stored in observation_skills), display name, category and
    the aliases that find it in text."""

    id: str
    name: str
    category: str
    aliases: tuple[str, ...]
    case_aliases: tuple[str, ...] = ()
    context_aliases: tuple[str, ...] = ()
    implies: tuple[str, ...] = ()


@functools.cache
def skills() -> dict[str, Skill]:
    """The skill taxonomy by id (loaded once from paybench/data/skills.json)."""
    raw = json.loads(resources.files("paybench.data").joinpath("skills.json").read_text("utf-8"))
    out: dict[str, Skill] = {}
    for entry in raw["skills"]:
        out[entry["id"]] = Skill(
            id=entry["id"], name=entry["name"], category=entry["category"],
            aliases=tuple(entry.get("aliases", ())),
            case_aliases=tuple(entry.get("case_aliases", ())),
            context_aliases=tuple(entry.get("context_aliases", ())),
            implies=tuple(entry.get("implies", ())),
        )
    return out



# --------------------------------------------------------------------------- patterns

_SEP_CHARS = " -"


_PLAIN = str.maketrans({"\u2019": "'", "\u2018": "'", "\u2010": "-", "\u2011": "-", "\u2012": "-",
                        "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-", "\t": " ",
                        "\r": " ", "\f": " ", "\v": " ", "\u00a0": " "})
_KEY_DROP = str.maketrans("", "", " -'\n")
_PLAIN_PAIRS = tuple((chr(k), v) for k, v in _PLAIN.items())


def plain_chars(text: str) -> str:
    """``text.translate(_PLAIN)``, by one C-speed ``str.replace`` per character present (a
    translate through a dict table costs about a microsecond a character: as much as the rest
    of reading a posting). Each mapping turns one character into one that no mapping
    replaces, so the order of the replacements does not matter."""
    for old, new in _PLAIN_PAIRS:
        if old in text:
            text = text.replace(old, new)
    return text


def ascii_lower(text: str) -> str:
    """ASCII letters lowered, every other character kept (``text.translate(_ASCII_LOWER)``),
    at memory speed: UTF-8 keeps ASCII bytes as themselves and every byte of a longer
    character above 0x7F, which ``bytes.lower`` leaves alone."""
    return text.encode("utf-8", "surrogatepass").lower().decode("utf-8", "surrogatepass")


def canonical(alias: str) -> str:
    """The key an alias or a matched piece of text is looked up by: lower case, spaces,
    hyphens and apostrophes removed, typographic quotes and dashes made plain."""
    return alias.translate(_PLAIN).lower().translate(_KEY_DROP)


def _units(alias: str) -> tuple[str, ...]:
    """An alias as regex units: literal characters, 'SEP' for a run of spaces/hyphens, 'SL'
    for a slash (spaces allowed around it)."""
    units: list[str] = []
    for piece in re.split(r"([\s\-]+|/)", alias.lower()):
        if not piece:
            continue
        if piece == "/":
            units.append("\x00SL")
        elif piece.strip(_SEP_CHARS) == "":
            units.append("\x00SEP")
        else:
            units.extend(piece)
    return tuple(units)


def _render_unit(unit: str) -> str:
    if unit == "\x00SEP":
        return "[ -]{1,3}"
    if unit == "\x00SL":
        return " ?/ ?"
    if unit == "'":
        return "'?"  # "masters", "master's"
    return re.escape(unit)


def _trie_pattern(aliases: list[str]) -> str:
    """One regex for many aliases, shaped as a trie so a position is rejected after one
    character test, and greedy so the longest alias wins."""
    trie: dict[str, Any] = {}
    for alias in aliases:
        node = trie
        for unit in _units(alias):
            node = node.setdefault(unit, {})
        node[""] = {}

    def render(node: dict[str, Any]) -> str:
        branches = [_render_unit(u) + render(child) for u, child in sorted(node.items()) if u]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            return f"(?:{body})?"
        return body

    return render(trie)


_FIRST_WORD = re.compile(r"[a-z0-9.]+")


def _first_words(aliases: list[str]) -> frozenset[str]:
    """The first word of every alias (as the text scanner cuts words), so that the trie
    is only tried where an alias can start."""
    out: set[str] = set()
    for alias in aliases:
        m = _FIRST_WORD.match(alias.lower())
        if m is not None and m.group().rstrip("."):
            out.add(m.group().rstrip("."))
        elif m is not None:
            out.add(m.group())
    return frozenset(out)


_WORDISH = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_#+@")
_CTX_BEFORE_BAD = _WORDISH | frozenset("&-.'")
_END = r"(?![\w#+]|\.\w)"
_CTX_END = r"(?![\w#+&'\-]|\.\w)"
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


@dataclass(frozen=True)
class _Compiled:
    main: re.Pattern[str]
    cased: re.Pattern[str]
    prefixes: frozenset[str]
    by_key: dict[str, str]
    cased_ids: dict[str, tuple[str, bool]]  # exact text -> (skill id, needs context)


@functools.cache
def _compiled() -> _Compiled:
    by_key: dict[str, str] = {}
    plain: list[str] = []
    cased_ids: dict[str, tuple[str, bool]] = {}
    for skill in skills().values():
        names = list(skill.aliases)
        if skill.name.lower() not in {a.lower() for a in names} and skill.name not in (
                *skill.case_aliases, *skill.context_aliases) and len(canonical(skill.name)) > 3:
            names.append(skill.name)
        for alias in names:
            by_key.setdefault(canonical(alias), skill.id)
            plain.append(alias)
        for alias in skill.case_aliases:
            cased_ids[alias] = (skill.id, False)
        for alias in skill.context_aliases:
            cased_ids[alias] = (skill.id, True)
    # The trie is matched case-sensitively on ASCII-lower-cased text (offsets hold) and
    # only at word starts whose first two characters can begin an alias.
    main = re.compile(f"(?:{_trie_pattern(plain)}){_END}")
    cased_alts = "|".join(re.escape(a) for a in sorted(cased_ids, key=len, reverse=True))
    cased = re.compile(f"(?:{cased_alts}){_CTX_END}")
    return _Compiled(main, cased, _first_words(plain), by_key, cased_ids)


# --------------------------------------------------------------------------- context rules

_LIST_GAP = re.compile(r"^(?:\s*(?:,|/|&|;|\||\+|\band/or\b|\band\b|\bor\b)\s*)+$", re.IGNORECASE)
_CUE_BEFORE = re.compile(
    r"(?:\b(?:experience|experienced|proficiency|proficient|familiarity|familiar|expertise|skills?|"
    r"fluency|fluent|knowledge|background|comfortable|programming|coding|develop(?:ing|ment)?|"
    r"written|build(?:ing)?)\s+(?:in|with)|\busing|\bin|\bsuch as|\be\.g\.,?|"
    r"\bincluding|\blike|\blanguages?:?|\bstack:?)\s+$",
    re.IGNORECASE,
)
_CUE_AFTER = re.compile(
    r"^\s*(?:programming|language|code|coding|developers?|development|scripts?|scripting|"
    r"libraries|packages|ecosystem|frameworks?|models?|engineers?|engineering|experience|"
    r"skills|services|pipelines|workloads)\b",
    re.IGNORECASE,
)
_DEGREE_AFTER = re.compile(
    r"^(?:'s)?\s*(?:degrees?\b|in\s|or\s+(?:equivalent|higher|above|related|ph\.?d|phd|m\.?s\b)|"
    r"/\s*(?:ms|ma|phd|ph\.d|bs|ba)\b)",
    re.IGNORECASE,
)
_DEGREE_BEFORE = re.compile(r"(?:degrees?|degree\s+\(|education:?)\s*$", re.IGNORECASE)


@dataclass
class _Mention:
    start: int
    end: int
    skill: str
    context: bool
    accepted: bool


def _accept_context(text: str, mentions: list[_Mention]) -> None:
    """Accept context aliases that sit in a skills (or degree) context; iterate so that a
    list of ambiguous words ("BS/MS/PhD", "R, Go") validates link by link."""
    categories = skills()
    for _ in range(4):
        changed = False
        accepted = [m for m in mentions if m.accepted]
        for m in mentions:
            if m.accepted:
                continue
            degree = categories[m.skill].category == "degree"
            before, after = text[max(0, m.start - 60):m.start], text[m.end:m.end + 40]
            ok = False
            if degree:
                ok = bool(_DEGREE_AFTER.match(after) or _DEGREE_BEFORE.search(before))
            else:
                ok = bool(_CUE_BEFORE.search(before) or _CUE_AFTER.match(after))
            if not ok:
                for other in accepted:
                    if degree and categories[other.skill].category != "degree":
                        continue
                    if other.end <= m.start and m.start - other.end <= 12:
                        gap = text[other.end:m.start]
                    elif other.start >= m.end and other.start - m.end <= 12:
                        gap = text[m.end:other.start]
                    else:
                        continue
                    if _LIST_GAP.match(gap):
                        ok = True
                        break
            if ok:
                m.accepted = changed = True
        if not changed:
            return


# --------------------------------------------------------------------------- requirements

_PREFERRED_CUES = (
    "preferred qualifications", "preferred qualification", "preferred skills", "preferred experience",
    "nice to have", "nice to haves", "bonus points", "preferred", "preferably", "prefer", "is a plus",
    "are a plus", "a plus", "an added plus", "big plus", "huge plus", "strong plus", "major plus",
    "definite plus", "bonus", "desired", "desirable", "ideally", "advantageous", "an advantage",
    "beneficial", "optional", "not required",
)
_REQUIRED_CUES = (
    "minimum qualifications", "minimum qualification", "basic qualifications", "basic qualification",
    "required qualifications", "required skills", "requirements", "requirement", "required", "requires",
    "require", "must haves", "must have", "must", "mandatory", "minimum", "at least", "essential",
    "what you'll need", "what you need", "what you bring", "qualifications",
)
_CUE_KIND: dict[str, Requirement] = {
    **{canonical(c): "required" for c in _REQUIRED_CUES},
    **{canonical(c): "preferred" for c in _PREFERRED_CUES},
}
_CUES = re.compile(f"(?:{_trie_pattern([*_PREFERRED_CUES, *_REQUIRED_CUES])}){_END}")
"""Requirement cues, matched on lower-cased text at word starts."""
_CUE_PREFIXES = _first_words([*_PREFERRED_CUES, *_REQUIRED_CUES])
_CLAUSE_END = re.compile(r"[;!?\n\u2022.]")
_SUBCLAUSE_END = re.compile(r"[,()]")
_HEADER = re.compile(r"^[#*_\s>]*([a-z][a-z0-9 '/&+()-]{1,60}?)[*_\s]*:?[*_\s]*$")
_BULLET = re.compile(r"^\s*(?:[-*\u2022>]|\d+[.)])\s")
_HEADER_FILLER = re.compile(
    r"\b(?:and|or|the|a|an|you|your|we|what|to|have|plus|points|will|'ll|need|bring|looking|for|are|"
    r"is|of|skills?|experience|qualifications?|nice|our|ideal|candidate|education|technical)\b|[^\w]+")
_INLINE_SECTION = re.compile(
    r"(?:^|\n|[.;] )[ *_#>-]*((?:preferred|required|minimum|basic|bonus|nice[ -]to[ -]have|must[ -]have)"
    r"[a-z ']{0,30}|requirements|qualifications)\**:$")


_WORD = re.compile(r"[a-z0-9.]+")


def _scan(lower: str, pattern: re.Pattern[str], prefixes: frozenset[str],
          cues: bool = False) -> tuple[list[re.Match[str]], list[re.Match[str]]]:
    """Non-overlapping matches of `pattern` that begin at word starts (a word start has no
    letter, digit, #, + or @ before it) whose word begins some alias (`prefixes`); with
    `cues`, requirement cues too, in one pass."""
    found: list[re.Match[str]] = []
    cue_found: list[re.Match[str]] = []
    covered = cue_covered = -1
    for w in _WORD.finditer(lower):
        s = w.start()
        if s and lower[s - 1] in _WORDISH:
            continue
        word = w.group().rstrip(".") or w.group()
        if s >= covered and word in prefixes:
            m = pattern.match(lower, s)
            if m is not None:
                found.append(m)
                covered = m.end()
        if cues and s >= cue_covered and word in _CUE_PREFIXES:
            m = _CUES.match(lower, s)
            if m is not None:
                cue_found.append(m)
                cue_covered = m.end()
    return found, cue_found


def _cue_kind(text: str) -> Requirement | None:
    for m in _scan(text, _CUES, _CUE_PREFIXES)[0]:
        return _CUE_KIND[canonical(m.group())]
    return None


def _sections(lower: str) -> tuple[list[int], list[Requirement | None]]:
    """Offsets where a section starts and the requirement it implies: heading lines
    ("Preferred Qualifications", "**Requirements**", "## What you'll need") and inline
    labels ("Required: ...", "Nice to have: ..."). Other headings end a section."""
    offsets: list[int] = [0]
    reqs: list[Requirement | None] = [None]
    pos = 0
    for line in lower.split("\n"):
        stripped = line.strip()
        match = (_HEADER.match(stripped) if stripped and len(stripped) <= 70
                 and not _BULLET.match(line) else None)
        if match and len(match.group(1).split()) <= 6:
            label = match.group(1)
            kind = _cue_kind(label)
            marked = stripped.endswith(":") or stripped.startswith(("#", "**", "__"))
            if kind is not None and (marked or not _HEADER_FILLER.sub("", _strip_cues(label))):
                offsets.append(pos)
                reqs.append(kind)
            elif kind is None and marked:
                offsets.append(pos)
                reqs.append(None)
        pos += len(line) + 1
    colon = lower.find(":")
    while colon != -1:
        m = _INLINE_SECTION.search(lower[max(0, colon - 40):colon + 1])
        if m is not None:
            kind = _cue_kind(m.group(1))
            if kind is not None:
                at = max(0, colon - 40) + m.start(1)
                i = bisect.bisect_right(offsets, at)
                offsets.insert(i, at)
                reqs.insert(i, kind)
        colon = lower.find(":", colon + 1)
    return offsets, reqs


def _strip_cues(label: str) -> str:
    for m in reversed(_scan(label, _CUES, _CUE_PREFIXES)[0]):
        label = label[:m.start()] + label[m.end():]
    return label


def _clause_ends(lower: str) -> list[int]:
    """Offsets that end a clause: ; ! ? line breaks, bullets, and a full stop followed by
    a space - unless it closes an abbreviation ("Ph.D. required", "e.g. Python")."""
    ends: list[int] = []
    for m in _CLAUSE_END.finditer(lower):
        i = m.start()
        if lower[i] == ".":
            if i + 1 < len(lower) and not lower[i + 1].isspace():
                continue
            word = _LAST_WORD.search(lower, max(0, i - 12), i)
            if word is not None and ("." in word.group() or len(word.group()) <= 1):
                continue
        ends.append(i)
    return ends


_LAST_WORD = re.compile(r"[\w.]*$")


class _Requirements:
    """Finds the requirement of a mention at a position of one (lower-cased) text."""

    def __init__(self, lower: str, cues: list[re.Match[str]]) -> None:
        self.text = lower
        self.cues = [(m.start(), m.end(), _CUE_KIND[canonical(m.group())]) for m in cues]
        self.cue_starts = [c[0] for c in self.cues]
        self.ends = _clause_ends(lower)
        self.breaks = [m.start() for m in _SUBCLAUSE_END.finditer(lower)] if self.cues else []
        self.section_starts, self.section_reqs = _sections(lower)

    def _clause(self, start: int, end: int) -> tuple[int, int]:
        i = bisect.bisect_left(self.ends, start)
        lo = self.ends[i - 1] + 1 if i > 0 else 0
        j = bisect.bisect_left(self.ends, end)
        hi = self.ends[j] if j < len(self.ends) else len(self.text)
        return lo, hi

    def _nearest(self, lo: int, hi: int, start: int, end: int) -> Requirement | None:
        best: tuple[int, int, Requirement] | None = None
        i = bisect.bisect_left(self.cue_starts, lo)
        while i < len(self.cues) and self.cues[i][0] < hi:
            c_start, c_end, kind = self.cues[i]
            i += 1
            if c_end > hi or (c_start < end and c_end > start):
                continue
            distance, side = (c_start - end, 0) if c_start >= end else (start - c_end, 1)
            if best is None or (distance, side) < best[:2]:
                best = (distance, side, kind)
        return None if best is None else best[2]

    def at(self, start: int, end: int) -> Requirement | None:
        """The requirement of the mention at [start, end): the nearest cue in its part of
        the clause (between commas), else in its clause, else its section's."""
        if self.cues:
            lo, hi = self._clause(start, end)
            i = bisect.bisect_left(self.breaks, start)
            sub_lo = max(lo, self.breaks[i - 1] + 1) if i > 0 else lo
            j = bisect.bisect_left(self.breaks, end)
            sub_hi = min(hi, self.breaks[j]) if j < len(self.breaks) else hi
            found = self._nearest(sub_lo, sub_hi, start, end) or self._nearest(lo, hi, start, end)
            if found is not None:
                return found
        i = bisect.bisect_right(self.section_starts, start) - 1
        return self.section_reqs[i]


# --------------------------------------------------------------------------- extraction

_URL = re.compile(r"(?:https?://|www\.)\S+")
_EMAIL = re.compile(r"[^\s@]+@[^\s@]+")
_ESCAPE = re.compile(r"\\([^\w\s])")
_SPACES = re.compile(r"  +")


def clean_text(text: str) -> str:
    """Posting text made plain for matching: URLs and e-mails dropped, markdown escapes
    ("C\\+\\+") undone, typographic quotes and dashes made ASCII, runs of spaces collapsed
    (line breaks kept, since they end clauses and sections)."""
    text = plain_chars(text)
    if "http" in text or "www." in text:
        text = _URL.sub(" ", text)
    if "@" in text:
        text = _EMAIL.sub(" ", text)
    if "\\" in text:
        text = _ESCAPE.sub(r"\1", text)
    return _SPACES.sub(" ", text) if "  " in text else text


def _find(text: str, lower: str, matches: list[re.Match[str]]) -> list[_Mention]:
    comp = _compiled()
    found: list[_Mention] = []
    taken: list[tuple[int, int]] = []
    for m in matches:
        start = m.start()
        skill = comp.by_key.get(canonical(m.group()))
        if skill is None:  # every path through the trie is an alias; kept for safety
            continue
        found.append(_Mention(start, m.end(), skill, False, True))
        taken.append((start, m.end()))
    starts = [t[0] for t in taken]
    for m in comp.cased.finditer(text):
        if m.start() > 0 and text[m.start() - 1] in _CTX_BEFORE_BAD:
            continue
        i = bisect.bisect_right(starts, m.start()) - 1
        if i >= 0 and taken[i][1] > m.start():
            continue  # inside a longer match ("Spark" in "Apache Spark")
        if i + 1 < len(taken) and taken[i + 1][0] < m.end():
            continue
        skill, needs_context = comp.cased_ids[m.group()]
        found.append(_Mention(m.start(), m.end(), skill, needs_context, not needs_context))
    found.sort(key=lambda x: x.start)
    if any(not m.accepted for m in found):
        _accept_context(text, found)
    return [m for m in found if m.accepted]


_RANK: dict[Requirement | None, int] = {None: 0, "preferred": 1, "required": 2}


def extract_skills(text: str) -> list[SkillMention]:
    """The skills, degrees and certifications a posting's text mentions, each once, in
    order of first mention, with 'required'/'preferred' when the text says so.

    A skill mentioned as required anywhere is required; else preferred if preferred
    anywhere. A mention implies broader skills the taxonomy lists ("SageMaker" implies
    AWS) with the same requirement. Never raises on any string."""
    if not text or not isinstance(text, str):
        return []
    plain = clean_text(text)
    lower = ascii_lower(plain)
    comp = _compiled()
    matches, cues = _scan(lower, comp.main, comp.prefixes, cues=True)
    mentions = _find(plain, lower, matches)
    if not mentions:
        return []
    reqs = _Requirements(lower, cues)
    taxonomy = skills()
    result: dict[str, Requirement | None] = {}

    def put(skill: str, req: Requirement | None) -> None:
        if skill not in result or _RANK[req] > _RANK[result[skill]]:
            result[skill] = req

    for m in mentions:
        req = reqs.at(m.start, m.end)
        put(m.skill, req)
        for implied in taxonomy[m.skill].implies:
            put(implied, req)
    return [SkillMention.model_construct(skill=s, requirement=r) for s, r in result.items()]


def extract_skills_many(texts: Sequence[str], *, pool: WorkerPool | None = None
                        ) -> list[list[SkillMention] | Failed]:
    """:func:`extract_skills` of each text, in order, each distinct text read once; ``pool``
    (default: a :class:`~paybench.normalize.parallel.WorkerPool` of ``PAYBENCH_WORKERS``
    processes, closed on return) spreads the distinct texts over its workers when there are
    enough of them. A text whose reading raised, or whose worker died, gives a
    :class:`~paybench.normalize.parallel.Failed` with the reason."""
    if pool is not None:
        return pool.map_distinct(extract_skills, list(texts))
    with WorkerPool() as own:
        return own.map_distinct(extract_skills, list(texts))
