"""Reading delimited text files the same way for every adapter: encoding, header checks
and one-line errors for files that cannot be read at all."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from pathlib import Path

from paybench.errors import InputError

csv.field_size_limit(10 * 1024 * 1024)


def detect_encoding(path: Path) -> str:
    """'utf-8-sig' or 'utf-16' (by byte-order mark); else 'utf-8' if the first 1 MiB
    decodes as UTF-8; else raise InputError naming the offending byte."""
    with path.open("rb") as handle:
        head = handle.read(1 << 20)
    if not head:
        raise InputError(f"{path.name}: file is empty")
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not merely a character cut at the 1 MiB boundary
            raise InputError(
                f"{path.name}: not UTF-8 text (byte 0x{head[exc.start]:02x} at offset {exc.start}); "
                "re-save the file as UTF-8"
            ) from None
    return "utf-8"


def read_header(path: Path) -> list[str]:
    """The first line's column names (comma, tab or semicolon separated), stripped."""
    encoding = detect_encoding(path)
    with path.open(encoding=encoding, errors="replace", newline="") as handle:
        first = handle.readline()
    if not first.strip():
        raise InputError(f"{path.name}: first line is empty; expected a header row")
    dialect = _sniff_delimiter(first)
    return [c.strip() for c in next(csv.reader(io.StringIO(first), delimiter=dialect))]


def _sniff_delimiter(line: str) -> str:
    counts = {d: line.count(d) for d in (",", "\t", ";", "|")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def iter_rows(
    path: Path, required: list[str], *, source: str
) -> Iterator[tuple[int, dict[str, str], str]]:
    """Yield (data row number starting at 1, row dict, raw line text) for each data row.

    Raises InputError when the file is empty, has no data rows, is not UTF-8/UTF-16, or
    lacks a required column (the message names every missing column). Column names are
    matched case-insensitively and extra columns are ignored.
    """
    encoding = detect_encoding(path)
    try:
        handle = path.open(encoding=encoding, newline="")
        with handle:
            first = handle.readline()
            if not first.strip():
                raise InputError(f"{path.name}: first line is empty; expected a header row")
            delimiter = _sniff_delimiter(first)
            header = [c.strip() for c in next(csv.reader(io.StringIO(first), delimiter=delimiter))]
            lower = {name.lower(): i for i, name in enumerate(header)}
            missing = [c for c in required if c.lower() not in lower]
            if missing:
                raise InputError(
                    f"{path.name}: not a {source} file: missing column(s) {', '.join(missing)}"
                )
            reader = csv.reader(handle, delimiter=delimiter)
            any_rows = False
            for number, fields in enumerate(reader, start=1):
                if not fields or all(not f.strip() for f in fields):
                    continue
                any_rows = True
                raw = delimiter.join(fields)
                if len(fields) != len(header):
                    yield number, {"__error__": (
                        f"expected {len(header)} fields, found {len(fields)}")}, raw
                    continue
                yield number, {name: fields[i] for name, i in lower.items()}, raw
            if not any_rows:
                raise InputError(f"{path.name}: has a header but no data rows")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path.name}: not UTF-8 text ({exc.reason} at byte {exc.start}); re-save as UTF-8"
        ) from None
    except csv.Error as exc:
        raise InputError(f"{path.name}: malformed CSV ({exc})") from None
