"""Employer names: one key per employer however it is spelled, and a readable form.

Filings spell the same employer many ways ("GOOGLE LLC", "Google LLC.", "Google, L.L.C.";
"COGNIZANT TECHNOLOGY SOLUTIONS US CORP" and "... U.S. CORPORATION"). The key folds:

1. Unicode to ASCII (accents dropped), upper case;
2. a trading name after "D/B/A" / "DBA" / "A/K/A" is cut off (the legal name comes first);
3. dots and apostrophes are deleted ("L.L.C." -> "LLC", "U.S." -> "US", "Macy's" ->
   "MACYS"); "&" stands apart as its own word and "AND" is written "&" ("Ernst and
   Young" = "Ernst & Young"), except inside a word ("AT&T"); every other punctuation
   mark separates words;
4. legal-form suffixes are dropped from the end, repeatedly (LLC, INC, CORP,
   CORPORATION, LTD, LIMITED, CO, COMPANY, LP, LLP, PLC, GMBH, PVT, PRIVATE, PC, PLLC,
   NA, AG, SA, SE, BV, NV, ...), with a dangling "&" ("JPMORGAN CHASE & CO." ->
   "JPMORGAN CHASE"); a leading "THE" is dropped;
5. a name that would become empty keeps its last word ("THE LLC" -> "THE").

Distinct legal entities stay distinct ("IBM INDIA PRIVATE LIMITED" -> "IBM INDIA",
"IBM CORPORATION" -> "IBM"). The display form is a function of the key (so it groups
exactly like the key): words title-cased, words of up to three letters kept upper case
("IBM", "HCL", "US"), small words ("of", "and", "for") lower case inside the name.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

__all__ = ["Employer", "employer_display", "employer_key", "normalize_employer"]

LEGAL_SUFFIXES: frozenset[str] = frozenset({
    "LLC", "INC", "INCORPORATED", "CORP", "CORPORATION", "LTD", "LIMITED", "CO", "COMPANY",
    "LP", "LLP", "LLLP", "PLC", "GMBH", "PVT", "PRIVATE", "PC", "PLLC", "PA", "NA", "AG",
    "SA", "SE", "BV", "NV", "SRL", "KG", "OY", "AB", "PTY", "ULC", "LC",
})
"""Words naming a legal form, dropped from the end of a name (after punctuation is gone,
so "L.L.C." is "LLC" and "N.A." is "NA")."""

_SMALL_WORDS = frozenset({"OF", "AND", "FOR", "THE", "IN", "AT", "ON", "DE", "LA", "DU", "Y"})
_DBA = re.compile(r"(?<=\S)[\s,]+(?:D\s*/\s*B\s*/\s*A|DBA|A\s*/\s*K\s*/\s*A|AKA|F\s*/\s*K\s*/\s*A|FKA)\b.*$")
_DELETE = str.maketrans("", "", ".'’`")
_WORD_AMP = re.compile(r"(?<=[A-Z0-9])&(?=[A-Z0-9])")
_SEPARATORS = re.compile(r"[^A-Z0-9&\x00]+")


@dataclass(frozen=True)
class Employer:
    """A normalized employer: `key` groups spellings; `display` is for people."""

    key: str
    display: str


def _ascii_upper(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name)
    return "".join(c for c in folded if not unicodedata.combining(c)).upper()


def _words(name: str) -> list[str]:
    text = _ascii_upper(name).translate(_DELETE)
    text = _DBA.sub("", text)
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


def employer_display(key: str) -> str:
    """A readable form of a key: "JPMORGAN CHASE" -> "Jpmorgan Chase", "IBM INDIA" ->
    "IBM India", "BANK OF AMERICA" -> "Bank of America"."""
    out = []
    for i, word in enumerate(key.split(" ")):
        if i > 0 and word in _SMALL_WORDS:
            out.append(word.lower())
        elif word.isalpha() and len(word) > 3:
            out.append(word.title())
        else:  # short words are mostly acronyms (IBM, HCL, US); "3M", "AT&T" as written
            out.append(word)
    return " ".join(out)


@functools.lru_cache(maxsize=1 << 16)
def normalize_employer(name: str) -> Employer | None:
    """Key and display form of an employer name; None for an empty name."""
    key = employer_key(name)
    if not key:
        return None
    return Employer(key=key, display=employer_display(key))
