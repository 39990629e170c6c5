"""Industry from a NAICS code: the 2-digit sector and, for the industries that matter
for tech pay (software publishers, computer systems design, data processing, banks...),
a finer group, each with a short label.

The table is ``paybench/data/naics_sectors.json`` (NAICS 2017 and 2022 codes; both
editions occur in DOL filings). The longest matching prefix of a code wins:
"541511" -> "Custom software development", "541330" -> "Engineering services",
"522110" -> "Banking", "999999" -> None.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any, cast

__all__ = ["Industry", "industry_for_naics", "naics_table"]


@dataclass(frozen=True)
class Industry:
    """A NAICS industry group: the matched code prefix, its names and its sector."""

    code: str
    name: str
    label: str
    sector: str
    sector_label: str


@functools.cache
def naics_table() -> dict[str, tuple[str, str, str]]:
    """Code prefix -> (official name, short label, sector code) for every known prefix."""
    text = resources.files("paybench.data").joinpath("naics_sectors.json").read_text("utf-8")
    data = cast(dict[str, Any], json.loads(text))
    table: dict[str, tuple[str, str, str]] = {}
    for key, (name, label) in cast(dict[str, list[str]], data["sectors"]).items():
        low, _sep, high = key.partition("-")
        for number in range(int(low), int(high or low) + 1):
            table[str(number)] = (name, label, key)
    for code, (name, label) in cast(dict[str, list[str]], data["codes"]).items():
        if code[:2] not in table:
            raise ValueError(f"naics_sectors.json: code {code} has no sector")
        table[code] = (name, label, table[code[:2]][2])
    return table


_DIGITS = re.compile(r"^\s*(\d{2,6})(?:\.0+)?\s*$")


@functools.lru_cache(maxsize=4096)
def industry_for_naics(code: str | int | None) -> Industry | None:
    """The most specific known industry group of a NAICS code (2 to 6 digits; an int or
    a float-like text such as "541511.0" from a spreadsheet is accepted); None when the
    code is empty, malformed or in no known sector."""
    if code is None:
        return None
    match = _DIGITS.match(str(code))
    if match is None:
        return None
    digits = match.group(1)
    table = naics_table()
    for length in range(len(digits), 1, -1):
        found = table.get(digits[:length])
        if found is not None:
            name, label, sector = found
            sector_label = table[digits[:2]][1]
            return Industry(code=digits[:length], name=name, label=label, sector=sector,
                            sector_label=sector_label)
    return None
