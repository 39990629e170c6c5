"""The role taxonomy: 100+ canonical tech roles in eight areas, loaded from the bundled
``paybench/data/roles.json``.

Each role has a slug id, a display name, an area, 2018 SOC codes (primary first, used to
join BLS OEWS wages), aliases (exact alternative titles, seniority words allowed, e.g.
"Head of AI") and keywords (single words that, together with the role's head noun such
as "engineer" or "developer", suggest the role: "django" + "developer" -> Python
Developer). Title matching lives in :mod:`paybench.normalize.titles`.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

from paybench.errors import InputError

AREAS: tuple[str, ...] = (
    "Software",
    "Data & AI",
    "Security",
    "Infrastructure & DevOps",
    "Mobile",
    "Functional",
    "Product & UX",
    "Executive",
)
"""The eight areas of the taxonomy, in the order a salary guide lists them."""

ML_ROLE_IDS: frozenset[str] = frozenset({
    "machine-learning-engineer",
    "mlops-engineer",
    "ai-engineer",
    "computer-vision-engineer",
    "nlp-engineer",
    "deep-learning-engineer",
    "llm-engineer",
    "generative-ai-engineer",
    "prompt-engineer",
    "recommender-systems-engineer",
    "research-engineer",
    "research-scientist",
    "applied-scientist",
    "data-scientist",
    "ai-architect",
    "head-of-ai",
})
"""Roles covered by a salary guide's machine-learning / AI section."""

_SOC_RE = re.compile(r"^\d{2}-\d{4}$")
_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Role:
    """A canonical tech role."""

    id: str
    name: str
    area: str
    soc_codes: tuple[str, ...]
    aliases: tuple[str, ...]
    keywords: tuple[str, ...]
    level: str | None = None
    """A leadership role's own level (manager, director, executive); None for a role priced
    on the individual-contributor ladder."""
    family: str | None = None
    """For a leadership role, the individual-contributor role whose ladder it heads
    (head-of-ai -> machine-learning-engineer): its cells sit above that role's senior cell."""

    @property
    def primary_soc(self) -> str:
        """The SOC code used first to join OEWS wage data (e.g. '15-1252')."""
        return self.soc_codes[0]


def _parse_role(raw: dict[str, Any], position: int) -> Role:
    """Validate one raw JSON role entry and build a Role; raise ValueError if malformed."""
    required = ("id", "name", "area", "soc_codes", "aliases", "keywords")
    missing = [key for key in required if key not in raw]
    if missing:
        raise ValueError(f"role #{position} lacks {', '.join(missing)}")
    role_id = str(raw["id"])
    if not _ID_RE.match(role_id):
        raise ValueError(f"role id {role_id!r} is not a lower-case slug")
    if raw["area"] not in AREAS:
        raise ValueError(f"role {role_id!r} has unknown area {raw['area']!r}")
    socs = tuple(str(code) for code in raw["soc_codes"])
    if not socs:
        raise ValueError(f"role {role_id!r} has no SOC code")
    bad = [code for code in socs if not _SOC_RE.match(code)]
    if bad:
        raise ValueError(f"role {role_id!r} has malformed SOC codes {bad}")
    if len(set(socs)) != len(socs):
        raise ValueError(f"role {role_id!r} repeats a SOC code")
    level, family = raw.get("level"), raw.get("family")
    if level not in (None, "manager", "director", "executive"):
        raise ValueError(f"role {role_id!r} has level {level!r}: a role's own level is manager, "
                         "director or executive")
    if (level is None) != (family is None):
        raise ValueError(f"role {role_id!r} needs both a level and a family, or neither")
    return Role(
        id=role_id,
        name=str(raw["name"]),
        area=str(raw["area"]),
        soc_codes=socs,
        aliases=tuple(str(alias) for alias in raw["aliases"]),
        keywords=tuple(str(word).lower() for word in raw["keywords"]),
        level=level,
        family=family,
    )


def load_roles(text: str) -> dict[str, Role]:
    """Parse and validate taxonomy JSON text (the layout of roles.json).

    Raises ValueError on duplicate ids, unknown areas, malformed SOC codes, or a family that
    is not an individual-contributor role of the taxonomy.
    """
    data = json.loads(text)
    result: dict[str, Role] = {}
    for position, raw in enumerate(data["roles"], start=1):
        role = _parse_role(raw, position)
        if role.id in result:
            raise ValueError(f"duplicate role id {role.id!r}")
        result[role.id] = role
    for role in result.values():
        if role.family is not None and (role.family not in result or result[role.family].level):
            raise ValueError(f"role {role.id!r}: family {role.family!r} is not an "
                             "individual-contributor role")
    return result


@functools.cache
def roles() -> dict[str, Role]:
    """All roles by id, loaded once from the bundled paybench/data/roles.json."""
    text = resources.files("paybench.data").joinpath("roles.json").read_text(encoding="utf-8")
    return load_roles(text)


def get_role(role_id: str) -> Role:
    """The role with this id; raise InputError naming close ids if there is none."""
    table = roles()
    key = role_id.strip().lower()
    if key in table:
        return table[key]
    close = difflib.get_close_matches(key, list(table), n=3, cutoff=0.5)
    hint = ", ".join(close) if close else ", ".join(sorted(table)[:3]) + ", ..."
    raise InputError(f"unknown role {role_id!r}; try {hint}")


def roles_in_area(area: str) -> list[Role]:
    """The roles of one area, in taxonomy order; raise InputError for an unknown area."""
    if area not in AREAS:
        raise InputError(f"unknown area {area!r}; expected one of {', '.join(AREAS)}")
    return [role for role in roles().values() if role.area == area]
