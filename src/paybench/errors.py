"""Exceptions that every surface (CLI, HTTP API, Python API) reports as one line: the CLI
with a non-zero exit, the HTTP API as a 4xx JSON error naming the field at fault."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:  # pydantic is imported where it is used: `paybench --help` stays fast
    from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound="BaseModel")


MAX_ECHO_CHARS = 60
"""Characters of a user's value quoted back in an error message (a 1 MB --role is not
printed whole)."""


def echo(value: object, limit: int = MAX_ECHO_CHARS) -> str:
    """A user's value as quoted in an error message: its repr, cut to `limit` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


_QUOTED = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"")
"""A quoted value, of any length: matched in turn from the left, so the text between two
short quoted values is never read as one long quoted value."""


def shorten_quoted(message: str) -> str:
    """A message with every quoted value longer than MAX_ECHO_CHARS cut to that length: the
    one home of the rule, so a value quoted with a plain `!r` anywhere is cut too."""
    def cut(found: re.Match[str]) -> str:
        text = found.group(0)
        if len(text) - 2 < MAX_ECHO_CHARS:
            return text
        return text[: MAX_ECHO_CHARS - 2] + "…" + text[-1]

    return _QUOTED.sub(cut, message) if len(message) > MAX_ECHO_CHARS else message


class PaybenchError(Exception):
    """Base for every error paybench reports to a user (one line, no traceback).

    `field`: the input at fault ('role', 'level', 'place', 'offers.0.base' ...) when one is,
    so a surface can name it (the API's 422 `field`, the CLI's option) without reading the
    message. Messages name inputs by their field, never by a CLI flag."""

    def __init__(self, message: str, field: str | None = None) -> None:
        message = shorten_quoted(message)
        super().__init__(message)
        self.message = message
        self.field = field

    def with_field(self, field: str) -> PaybenchError:
        """This error, naming `field` (when it names none yet); returned for `raise ... from`."""
        if self.field is None:
            self.field = field
        return self


class InputError(PaybenchError):
    """A file, option or value given by the user cannot be used; the message says why."""


class MoneyError(InputError):
    """A pay figure cannot be normalized (negative, zero, absurd, unknown currency...)."""


class NoExchangeRate(MoneyError):
    """A valid figure in a currency the offline ECB reference rates do not cover (PKR, BDT,
    NGN, VND ...; or a series that has ended, such as RUB after 2022-03-01): its amount,
    currency and period stand, its US-dollar value is unknown. Raised by
    `paybench.normalize.money` only after every other check of the figure has passed, so a
    reader that can keep a figure without a dollar value (the pay-text extractor, the postings
    adapter) catches it and keeps the figure with ``annual_usd`` None."""


class StoreError(PaybenchError):
    """The DuckDB store cannot be opened or is not in the expected shape."""


def input_error(exc: ValidationError, prefix: str = "") -> InputError:
    """A pydantic validation error as one InputError: the first error's message, naming its
    field (dotted path, after `prefix`)."""
    first = exc.errors()[0]
    loc = ".".join(str(p) for p in first.get("loc", ()))
    field = ".".join(x for x in (prefix, loc) if x) or None
    message = str(first.get("msg", "invalid value")).removeprefix("Value error, ")
    given = first.get("input")
    if first.get("type") != "value_error" and isinstance(given, int | float | str) and len(str(given)) < 60:
        message += f" (got {given!r})"
    return InputError(message, field=field)


def validated(model: type[M], data: Any, prefix: str = "") -> M:
    """`model.model_validate(data)`, with a validation error turned into an InputError."""
    from pydantic import ValidationError

    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise input_error(exc, prefix) from None
