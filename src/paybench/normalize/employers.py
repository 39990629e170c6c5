"""Employer names: one key per employer however it is spelled, and a readable form.

Filings spell the same employer many ways ("GOOGLE LLC", "Google LLC.", "Google, L.L.C.";
"COGNIZANT TECHNOLOGY SOLUTIONS US CORP" and "... U.S. CORPORATION"). The key folds:

1. HTML entities decoded ("JPMORGAN CHASE &AMP; CO." as some filings were exported is
   "JPMORGAN CHASE & CO."), Unicode to ASCII (accents dropped), upper case;
2. a trading name after "D/B/A" / "DBA" / "A/K/A" is cut off (the legal name comes first),
   and so is a clause naming the filer's parent or charter at the end of the name (", A
   MASTECH DIGITAL, INC. COMPANY", " (A SUBSIDIARY OF PHILIPS NORTH AMERICA LLC)", ", WHOLLY
   OWNED SUBSIDIARY OF ULTA BEAUTY, INC.", ", AN OHIO BANKING CORPORATION": the filer is the
   entity named before it; whether it is one employer with its parent is the alias list's
   call); so is a D-U-N-S number at the end ("IBLESOFT INC DUNS#791327054", "... DUNS NO.
   123456789", as some DOL filings' EMPLOYER_NAME carry it): a Dun & Bradstreet D-U-N-S
   number is a nine-digit identifier of a business site, not part of its name;
3. dots and apostrophes are deleted ("L.L.C." -> "LLC", "U.S." -> "US", "Macy's" ->
   "MACYS"); "&" stands apart as its own word and "AND" is written "&" ("Ernst and
   Young" = "Ernst & Young"), except inside a word ("AT&T"); every other punctuation
   mark separates words;
4. legal-form suffixes are dropped from the end, repeatedly (LLC, INC, CORP,
   CORPORATION, LTD, LIMITED, CO, COMPANY, LP, LLP, PLC, GMBH, PVT, PRIVATE, PC, PLLC,
   NA and, after a comma or the word BANK, NATIONAL ASSOCIATION (a US national bank's charter,
   12 U.S.C. 22), FSB (a federal savings bank's), AG, SA, SE, BV, NV, ..., and
   "& SUBSIDIARIES" / "& AFFILIATES"), with a dangling "&" ("JPMORGAN CHASE & CO." ->
   "JPMORGAN CHASE"; "CAPITAL ONE, NATIONAL ASSOCIATION" -> "CAPITAL ONE"); a leading "THE" is dropped;
5. a name that would become empty keeps its last word ("THE LLC" -> "THE").

Distinct legal entities stay distinct ("IBM INDIA PRIVATE LIMITED" -> "IBM INDIA",
"IBM CORPORATION" -> "IBM"). The display form is a function of the key (so it groups
exactly like the key: one display per key, whichever spelling came first): words
title-cased; small words ("of", "and", "for") lower case inside the name; words of one or two
letters kept upper case ("US", "HP", "EY"); a word of three letters kept upper case only when
it reads as an initialism: it has no vowel ("HCL", "TCS", "BNY") or it is a listed one
(`INITIALISMS`: "IBM", "AMD", "SAP", "LSI" ...); a word of four letters kept upper case when it
has no vowel, Y counted as one ("HSBC", "KPMG"; not "Lyft"); a word written in a known display
form by the alias or segment list's names kept in that form anywhere ("UnitedHealth",
"JPMorgan", "CACI": "UNITEDHEALTH CARE" -> "UnitedHealth Care", "JPMORGAN SECURITIES" ->
"JPMorgan Securities"); else title-cased like any word ("Foo Corp" -> key "FOO", display "Foo";
"Capital One", "New York Life"). A hyphen is a separator in the key ("WAL-MART" and "WAL MART"
are one employer), so a display, a function of the key, cannot restore it: the alias list names
the employer as it writes itself ("Wal-Mart Associates" -> "Walmart"). A name that is only a
legal-form word keeps it ("Corp" -> "Corp"): the key is never emptied.

What a key cannot know, a documented alias list adds (``paybench/data/employer_aliases.json``):
a parent and its renamed or subsidiary entities are one employer ("Alphabet Inc." and
"GOOGLE LLC" -> Google; "Facebook, Inc." -> Meta; "AMAZON WEB SERVICES, INC." and
"Amazon.com Services LLC" -> Amazon; "International Business Machines Corporation" -> IBM).
An alias matches by exact key, never by prefix or similarity ("AMAZON RESTAURANT & BAR" is
not Amazon). :func:`normalize_employer` resolves aliases: its key is the group's key and its
display the group's name as the list writes it ("Meta", "JPMorgan Chase"); every adapter that
stores an employer stores that display form, and the store's writer passes every stored
employer through it once more (``paybench.store``), so sources agree.
"""

from __future__ import annotations

import functools
import html
import json
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources
from typing import Any, cast

__all__ = ["INITIALISMS", "Employer", "alias_table", "canonical_key", "employer_display", "employer_key",
           "normalize_employer"]

LEGAL_SUFFIXES: frozenset[str] = frozenset({
    "LLC", "INC", "INCORPORATED", "CORP", "CORPORATION", "LTD", "LIMITED", "CO", "COMPANY",
    "LP", "LLP", "LLLP", "PLC", "GMBH", "PVT", "PRIVATE", "PC", "PLLC", "PA", "NA", "AG",
    "SA", "SE", "BV", "NV", "SRL", "KG", "OY", "AB", "PTY", "ULC", "LC", "FSB",
    "SUBSIDIARIES", "AFFILIATES",
})
"""Words naming a legal form, dropped from the end of a name (after punctuation is gone,
so "L.L.C." is "LLC" and "N.A." is "NA")."""

INITIALISMS: frozenset[str] = frozenset({
    "ABB", "ADP", "AES", "AIG", "AMD", "AOL", "ASM", "AWS", "BAE", "EDS", "EMC", "EOG", "ICF",
    "IBM", "IHS", "ING", "LSI", "NEC", "SAP", "SAS", "SEI", "UBS", "UPS", "USA", "AI", "EY", "US", "UK",
})
"""Three-letter words with a vowel that are initialisms in employer names, kept upper case
in a display (hand-written from the names of large US employers and filers; a word without a
vowel is read as an initialism without being listed; "LSI": LSI Corporation, for large-scale
integration, as its filings name it). The alias and segment lists' names add their own
upper-case and mixed-case words (`_display_words`)."""

_VOWELS = frozenset("AEIOU")
_SMALL_WORDS = frozenset({"OF", "AND", "FOR", "THE", "IN", "AT", "ON", "DE", "LA", "DU", "Y"})
_DBA = re.compile(r"(?<=\S)[\s,]+(?:D\s*/\s*B\s*/\s*A|DBA|A\s*/\s*K\s*/\s*A|AKA|F\s*/\s*K\s*/\s*A|FKA)\b.*$")
_PARENT_CLAUSE = re.compile(
    r"(?<=\S)\s*(?:[,(]\s*(?:AN?\s+)?(?:WHOLLY[\s-]+OWNED\s+)?SUBSID(?:IARY)?\s+OF\b.*"
    r"|\s+(?:AN?\s+)?(?:WHOLLY[\s-]+OWNED\s+)?SUBSID(?:IARY)?\s+OF\b.*"
    r"|[,(]\s*AN?\s+[^()]*\b(?:COMPANY|SUBSIDIARY|CORPORATION)\s*\)?\s*)$")
"""A clause naming a parent or a charter at the end of a name (module doc, step 2), after
dots are deleted: ", A MASTECH DIGITAL, INC COMPANY", " (A SUBSIDIARY OF ...)", " SUBSIDIARY OF
...", ", AN OHIO BANKING CORPORATION"."""
_CHARTER = re.compile(r"(?<=\S)(?:\s*,\s*|(?<=BANK)\s+)NATIONAL\s+ASSOCIATION\s*$")
"""A national bank's charter words at the end of a name, after a comma or the word BANK
("CAPITAL ONE, NATIONAL ASSOCIATION", "U.S. BANK NATIONAL ASSOCIATION"), not an association's
own name ("AMERICAN NATIONAL ASSOCIATION OF ...")."""
_DUNS = re.compile(r"(?<=\S)[\s,;(\[-]*\bDUNS\b\s*(?:NO\b|NUMBER\b)?\s*[#:]?\s*"
                   r"[0-9][0-9\s-]*[0-9]\s*[)\]]?\s*$")
"""A D-U-N-S number at the end of a name (module doc, step 2), after dots are deleted ("D.U.N.S."
is "DUNS"): the word DUNS, an optional NO / NUMBER / "#" / ":", and digits (hyphens and spaces
allowed: "79-132-7054"). The word without digits is kept ("DUNS CONSULTING")."""
_DELETE = str.maketrans("", "", ".'’`")
_WORD_AMP = re.compile(r"(?<=[A-Z0-9])&(?=[A-Z0-9])")
_SEPARATORS = re.compile(r"[^A-Z0-9&\x00]+")


@dataclass(frozen=True)
class Employer:
    """A normalized employer: `key` groups spellings (after aliases); `display` is for people;
    `name_key` is the key of the name as written, before aliases ("FACEBOOK" for Meta)."""

    key: str
    display: str
    name_key: str = ""


def _ascii_upper(name: str) -> str:
    folded = unicodedata.normalize("NFKD", html.unescape(name) if "&" in name else name)
    return "".join(c for c in folded if not unicodedata.combining(c)).upper()


def _words(name: str) -> list[str]:
    text = _ascii_upper(name).translate(_DELETE)
    text = _CHARTER.sub("", _PARENT_CLAUSE.sub("", _DBA.sub("", _DUNS.sub("", text))))
    text = _WORD_AMP.sub("\x00", text)  # keep "AT&T" one word
    text = text.replace("&", " & ")
    words = [w.replace("\x00", "&") for w in _SEPARATORS.split(text) if w]
    return ["&" if w == "AND" else w for w in words]


@functools.lru_cache(maxsize=1 << 16)
def employer_key(name: str) -> str:
    """The grouping key of an employer name ("Google LLC." -> "GOOGLE"); "" when the
    name has no letters or digits. Idempotent: employer_key(employer_key(x)) ==
    employer_key(x)."""
    words = _words(name)
    while len(words) > 1 and (words[-1] in LEGAL_SUFFIXES or words[-1] == "&"):
        words.pop()
    while len(words) > 1 and words[0] in ("THE", "&"):
        words.pop(0)
    return " ".join(words)


@functools.cache
def _display_words() -> dict[str, str]:
    """Upper-case word -> its written form, for every word of the alias list's names and the
    segment list's employers that is not written title-case or lower case ("UNITEDHEALTH" ->
    "UnitedHealth", "JPMORGAN" -> "JPMorgan", "RTX" -> "RTX", "XAI" -> "xAI")."""
    names = [str(g["name"]) for g in json.loads(
        resources.files("paybench.data").joinpath(ALIASES_FILE).read_text("utf-8"))["employers"]]
    names += [str(e["employer"]) for e in json.loads(
        resources.files("paybench.data").joinpath("employer_segments.json").read_text("utf-8"))["employers"]]
    return {w.upper(): w for n in names for w in re.split(r"[^A-Za-z0-9]+", n)
            if w.isalpha() and len(w) > 1 and w not in (w.title(), w.lower())}


def _initialism(word: str) -> bool:
    """True when a short word of a key reads as an initialism (this module's docstring)."""
    if len(word) <= 2:
        return True
    if len(word) == 4:
        return not (_VOWELS | {"Y"}) & set(word)
    return len(word) == 3 and (not _VOWELS & set(word) or word in INITIALISMS)


def employer_display(key: str) -> str:
    """A readable form of a key: "JPMORGAN CHASE" -> "JPMorgan Chase", "IBM INDIA" ->
    "IBM India", "BANK OF AMERICA" -> "Bank of America", "FOO" -> "Foo" (rules in this
    module's docstring). A function of the key alone, so displays group as keys do."""
    out = []
    for i, word in enumerate(key.split(" ")):
        if i > 0 and word in _SMALL_WORDS:
            out.append(word.lower())
        elif word in _display_words():
            out.append(_display_words()[word])
        elif word.isalpha() and not _initialism(word):
            out.append(word.title())
        else:  # initialisms (IBM, HCL, US); "3M", "AT&T" as written
            out.append(word)
    return " ".join(out)


ALIASES_FILE = "employer_aliases.json"
"""The alias list in ``paybench/data``: groups of names of one employer, each with the name
shown for it."""


@functools.cache
def alias_table() -> dict[str, tuple[str, str]]:
    """Key of every listed name and alias -> (the group's key, the group's display name).
    ValueError when the list is malformed: a name without letters, or one key in two groups
    (each would make grouping depend on the order of the list)."""
    text = resources.files("paybench.data").joinpath(ALIASES_FILE).read_text("utf-8")
    groups = cast(list[dict[str, Any]], json.loads(text)["employers"])
    table: dict[str, tuple[str, str]] = {}
    for group in groups:
        name = str(group["name"])
        key = employer_key(name)
        if not key:
            raise ValueError(f"{ALIASES_FILE}: {name!r} has no letters or digits")
        for alias in [name, *map(str, group.get("aliases", []))]:
            alias_key = employer_key(alias)
            if not alias_key:
                raise ValueError(f"{ALIASES_FILE}: alias {alias!r} of {name!r} has no letters or digits")
            found = table.get(alias_key)
            if found is not None and found[0] != key:
                raise ValueError(f"{ALIASES_FILE}: {alias!r} ({alias_key}) is an alias of both "
                                 f"{found[1]!r} and {name!r}")
            table[alias_key] = (key, name)
    return table


def canonical_key(key: str) -> str:
    """The employer a key stands for after aliases ("FACEBOOK" -> "META"); the key itself
    when it is no listed alias. Idempotent."""
    found = alias_table().get(key)
    return found[0] if found is not None else key


@functools.lru_cache(maxsize=1 << 16)
def normalize_employer(name: str) -> Employer | None:
    """Key and display form of an employer name, aliases resolved ("FACEBOOK, INC." ->
    Employer("META", "Meta", name_key="FACEBOOK")); None for an empty name. Idempotent on
    its display form: normalize_employer(e.display) has the same key and display."""
    name_key = employer_key(name)
    if not name_key:
        return None
    found = alias_table().get(name_key)
    if found is not None:
        return Employer(key=found[0], display=found[1], name_key=name_key)
    return Employer(key=name_key, display=employer_display(name_key), name_key=name_key)
