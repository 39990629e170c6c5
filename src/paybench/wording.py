"""English plurals for the nouns paybench prints beside a count ("1 observation", "3
observations", "all other industries", "Agile Coaches", "VPs of Engineering"): the one home of
the rule, so no message writes ``f"{noun}s"`` or cuts an "s" off by hand.

The rule (the regular English plurals as any grammar states them, e.g. the Cambridge Grammar of
English, "Nouns: forming plurals"):

1. a phrase "X of Y" ("Head of AI / Machine Learning") pluralizes its head, X ("Heads of AI /
   Machine Learning"); otherwise the phrase's last word ("work mode" -> "work modes");
2. an irregular noun takes its listed plural (`IRREGULAR`: person -> people, woman -> women);
3. a consonant + y ends in -ies (industry -> industries, company -> companies); a vowel + y
   takes -s (survey -> surveys, day -> days);
4. -s, -x, -z, -ch and -sh take -es (class -> classes, box -> boxes, coach -> coaches);
5. every other word takes -s; a word in capitals (an initialism: "VP", "CSV") takes a lower
   case -s ("VPs").
"""

from __future__ import annotations

__all__ = ["IRREGULAR", "counted", "plural"]

IRREGULAR: dict[str, str] = {
    "person": "people", "woman": "women", "man": "men", "child": "children",
    "analysis": "analyses", "criterion": "criteria", "datum": "data",
}
"""Nouns whose plural no rule forms (lower case; a capitalised word keeps its capital)."""

_VOWELS = frozenset("aeiou")


def _plural_word(word: str) -> str:
    lower = word.lower()
    if lower in IRREGULAR:
        found = IRREGULAR[lower]
        return found.capitalize() if word[:1].isupper() and not word.isupper() else found
    if word.isupper() and len(word) > 1:  # an initialism: VP -> VPs, CSV -> CSVs
        return word + "s"
    if lower.endswith("y") and len(lower) > 1 and lower[-2] not in _VOWELS:
        return word[:-1] + "ies"
    if lower.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    return word + "s"


def plural(noun: str) -> str:
    """The plural of a noun or noun phrase, by the module's rule: "industry" -> "industries",
    "observation" -> "observations", "company size" -> "company sizes", "VP of Product" ->
    "VPs of Product". An empty string stays empty."""
    if not noun.strip():
        return noun
    head, sep, rest = noun.partition(" of ")
    if sep and head.strip():
        return plural(head) + sep + rest
    stripped = noun.rstrip()
    cut = stripped.rfind(" ") + 1
    return stripped[:cut] + _plural_word(stripped[cut:]) + noun[len(stripped):]


def counted(n: int | float, noun: str, plural_form: str | None = None) -> str:
    """A count with its noun, singular for exactly 1 ("1 observation", "0 observations",
    "1,234 filings"): integers with thousands separators. `plural_form` overrides the rule's
    plural (a noun phrase it cannot know)."""
    text = f"{int(n):,}" if float(n).is_integer() else f"{n:,}"
    return f"{text} {noun if n == 1 else (plural_form or plural(noun))}"
