"""Role-or-title, level and place as a user types them, resolved the one way every surface
uses (the Python API, the CLI, the HTTP API and the decision tools' rows).

- A role is a role id ('machine-learning-engineer'), its display name ('Machine Learning
  Engineer'), an alias, or any job title ('Sr. ML Engineer II'): anything but an id goes through
  the title normalizer (`paybench.normalize.titles`), whose seniority words then give the
  level when none is given.
- A level is a level name as typed ('Senior', 'mid', 'sr', 'lead').
- A place is any place text (`paybench.normalize.places`) or 'US', as a cell scope.

Every error is an `InputError` naming the field at fault, so each surface can say which input
was wrong in its own terms (a CLI option, a JSON field).
"""

from __future__ import annotations

from dataclasses import dataclass

from paybench.bench.model import natural_level
from paybench.bench.scopes import CellPlace, cell_place
from paybench.errors import InputError
from paybench.normalize.levels import LEVELS, Level, parse_level
from paybench.normalize.roles import Role, get_role, roles


@dataclass(frozen=True)
class RoleChoice:
    """A role resolved from what a user typed."""

    role: Role
    title_level: Level | None
    """The level the typed text states ('Senior ...'), if any."""
    basis: str
    """'given' for a role id, else how the role was found from the text."""


def resolve_role(text: str | None, field: str = "role") -> RoleChoice:
    """The role for a role id, name, alias or job title; InputError naming `field` otherwise."""
    typed = (text or "").strip()
    if not typed:
        raise InputError("no role or title given", field=field)
    if typed.lower() in roles():
        return RoleChoice(get_role(typed), None, "given")
    from paybench.normalize.titles import normalize_title

    match = normalize_title(typed)
    if match.role is None:
        if " " not in typed and "-" in typed:  # meant as a role id: name the closest ids
            try:
                get_role(typed)
            except InputError as exc:
                raise exc.with_field(field) from None
        raise InputError(f"unknown role {typed!r}: {match.reason}", field=field)
    return RoleChoice(get_role(match.role), match.level,
                      f"role from title {typed!r} (confidence {match.confidence:.2f})")


def resolve_level(text: str, field: str = "level") -> Level:
    """A level name as typed ('Senior', 'mid', 'sr'); InputError naming `field` otherwise, an
    empty or blank text included (it names no level; leaving the level out is another
    question, answered by `role_level`)."""
    if not text.strip():
        raise InputError(f"an empty level names none; omit it for the role's own level, or give "
                         f"one of {', '.join(LEVELS)}", field=field)
    try:
        return parse_level(text)
    except ValueError as exc:
        raise InputError(str(exc), field=field) from None


def resolve_place(text: str | None, field: str = "place") -> CellPlace:
    """The cell scope of place text ('Seattle, WA', '98109', 'Remote', 'US'); InputError naming
    `field` for text that is not a place."""
    if not isinstance(text, str) or not text.strip():
        raise InputError("no place given", field=field)
    try:
        return cell_place(text)
    except InputError as exc:
        raise exc.with_field(field) from None


def role_level(
    role: str | None, level: str | None = None, *, title: str | None = None,
    default_level: bool = True, role_field: str = "role", level_field: str = "level",
    title_field: str = "title",
) -> tuple[Role, Level, str]:
    """(role, level, basis) from a role-or-title and an optional level (or a separate title
    when no role is given). Without a level: the one the text states, else, with
    `default_level`, the role's own level (mid for individual contributors, the leadership
    level for heads, directors, managers and executives); InputError otherwise."""
    if role is not None and role.strip():
        choice = resolve_role(role, role_field)
    elif title is not None and title.strip():
        choice = resolve_role(title, title_field)
    else:
        raise InputError("give a role (an id or a job title)", field=role_field)
    basis = [] if choice.basis == "given" else [choice.basis]
    if level is not None:
        chosen = resolve_level(level, level_field)
    elif choice.title_level is not None:
        chosen = choice.title_level
        basis.append("level from the title")
    elif default_level:
        chosen = parse_level(natural_level(choice.role))
        basis.append(f"level {chosen}: the role's own")
    else:
        raise InputError("no level given and none in the title", field=level_field)
    return choice.role, chosen, "; ".join(basis) or "given"
