"""Exceptions that the CLI turns into one-line messages with a non-zero exit."""


class PaybenchError(Exception):
    """Base for every error paybench reports to a user (one line, no traceback)."""


class InputError(PaybenchError):
    """A file, flag or value given by the user cannot be used; the message says why."""


class MoneyError(InputError):
    """A pay figure cannot be normalized (negative, zero, absurd, unknown currency...)."""


class StoreError(PaybenchError):
    """The DuckDB store cannot be opened or is not in the expected shape."""
