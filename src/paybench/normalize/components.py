"""Pay components as people name them: the one home of the component ids, their names in text
and the other words read as them, for every surface (the CLI's ``--component``, the Python
API's ``component=``, the HTTP API's ``component`` query parameter and the web page's choice).

Components (``paybench.records.Component``): ``base`` (base salary), ``bonus``, ``equity``
(stock per year: a Levels.fyi record's ``stockgrantvalue``) and ``total`` (total
compensation). Also read, in any case and with ``_`` or a space for ``-``
(`COMPONENT_ALIASES`): ``salary`` as base, ``stock`` as equity, ``tc`` and ``total-comp`` as
total: the words Levels.fyi and salary threads use for them. No word is guessed beyond these:
anything else, an empty or blank value included, is an error naming the component ids.
"""

from __future__ import annotations

from typing import Literal, cast, get_args

from paybench.errors import InputError

__all__ = ["COMPONENTS", "COMPONENT_ALIASES", "COMPONENT_NAMES", "Component", "component_help",
           "parse_component"]

Component = Literal["base", "bonus", "equity", "total"]
"""A pay component id."""
COMPONENTS: tuple[str, ...] = get_args(Component)
"""Every component id, in the order surfaces list them."""
COMPONENT_NAMES: dict[str, str] = {
    "base": "base pay", "bonus": "bonus", "equity": "equity (stock per year)",
    "total": "total compensation"}
"""What each component is called in text."""
COMPONENT_ALIASES: dict[str, str] = {
    "salary": "base", "stock": "equity", "tc": "total", "total-comp": "total"}
"""Other words read as a component id (lower case, '-' between words)."""


def _expected() -> str:
    also = ", ".join(COMPONENT_ALIASES)
    return f"expected one of {', '.join(COMPONENTS)} (also read: {also})"


def parse_component(component: str | None) -> Component:
    """A component id from what a user gives: None (not given) is 'base'; an id or an alias
    (`COMPONENT_ALIASES`) in any case, with surrounding spaces, '_' or ' ' for '-' ("Total",
    " stock ", "Total_Comp") is its id. InputError (field 'component') naming the ids for
    anything else, an empty or blank value included (a blank is no choice of base pay)."""
    if component is None:
        return "base"
    value = "-".join(component.strip().lower().replace("_", " ").split())
    value = COMPONENT_ALIASES.get(value, value)
    if value not in COMPONENTS:
        raise InputError(f"unknown component {component!r}; {_expected()}", field="component")
    return cast(Component, value)


def component_help() -> str:
    """The help text of a component option or parameter, from the ids and aliases here."""
    names = {"base": "base (default)", "equity": "equity (stock per year)"}
    ids = [names.get(c, c) for c in COMPONENTS]
    aliases = ", ".join(f"{word} ({target})" for word, target in COMPONENT_ALIASES.items())
    return (f"{', '.join(ids[:-1])} or {ids[-1]}; all but base need total-compensation data (a "
            f"Levels.fyi export); also read, in any case: {aliases}")
