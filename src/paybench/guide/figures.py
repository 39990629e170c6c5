"""The guide's figures and the building blocks of its sections.

Every number the report prints is either a `CellValue` (one percentile of one benchmark
cell, a row of guide.csv) or a `Figure` (a derived number: a premium, a change, an OEWS
employment count, a survey median, a published figure), each with its sources. The HTML
marks each one with `data-cell`/`data-stat` or `data-fig` and `data-value`, so a reader
(or a test) can trace it to guide.json. Money is annual US dollars unless a unit says
otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from paybench.guide.tables import GuideRow
from paybench.normalize.levels import LEVEL_NAMES
from paybench.normalize.money import format_hourly, format_usd

UNITS = ("usd", "usd_hour", "usd_change", "usd_hour_change", "pct_change", "share", "count",
         "ratio")
"""usd: annual US dollars; usd_hour: US dollars per hour; usd_change / usd_hour_change: a
signed difference of those (+$12,300, -$5/h); pct_change: a signed percent
(+9%; exact: to a tenth, +3.6%); share: a percent of a whole (36%; exact: 36.4%); count: people, postings
or filings; ratio: a plain number such as a location quotient (1.85)."""


def percent_share(n: int, total: int) -> float:
    """`n` of `total` as a percent to one decimal, correctly rounded (half up, in integers, so
    no binary fraction tips a tie): 11 of 75 -> 14.7, 2 of 75 -> 2.7, 1 of 16 -> 6.3. Equal
    counts get equal shares; the shares of a table's rows need not add up to exactly 100.
    ValueError for a total of 0 or less, or a negative n. The one rounding of a share of
    counts in the guide (plain rounding, as a reader checks a share: count / total)."""
    if total <= 0 or n < 0:
        raise ValueError(f"no share of {n} in a total of {total}")
    return ((2000 * n + total) // (2 * total)) / 10


def _clean(value: float) -> float | int:
    if float(value).is_integer():
        return int(value)
    return round(float(value), 4)


@dataclass(frozen=True)
class CellValue:
    """One percentile (`stat` p10..p90) of one guide row, printed "$148k" (or exact)."""

    row: GuideRow
    stat: str
    exact: bool = False

    @property
    def value(self) -> int:
        """The percentile, annual USD."""
        return int(getattr(self.row, self.stat))

    @property
    def text(self) -> str:
        """The value as printed."""
        return format_usd(self.value, exact=self.exact)

    @property
    def title(self) -> str:
        """The hover text: which cell, which percentile, how it was built."""
        r = self.row
        level = LEVEL_NAMES.get(r.level, r.level)
        return (f"{r.role_name} x {level} x {r.place_label}: {self.stat.upper()} "
                f"{format_usd(self.value, exact=True)}; n={r.n}, {r.method}, "
                f"{r.confidence} confidence; sources: {r.sources}")


@dataclass
class Figure:
    """A derived figure with its unit, what it is (`label`) and where it comes from."""

    id: str
    value: float | int
    unit: str
    label: str
    sources: str
    cells: tuple[str, ...] = ()
    exact: bool = False

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"unknown unit {self.unit}")
        if not math.isfinite(float(self.value)):
            raise ValueError(f"figure {self.id} is not finite")
        self.value = _clean(self.value)

    @property
    def text(self) -> str:
        """The value as printed: "$148k", "$148,000", "$95/h", "+9%", "36%", "12,340", "1.85"."""
        v = float(self.value)
        if self.unit == "usd":
            return format_usd(v, exact=self.exact)
        if self.unit == "usd_hour":
            return format_hourly(round(v) if not self.exact else v)
        if self.unit in ("usd_change", "usd_hour_change"):
            sign = "+" if v >= 0 else "-"
            if self.unit == "usd_change":
                return sign + format_usd(abs(v), exact=self.exact)
            return sign + format_hourly(round(abs(v), 2))
        if self.unit == "pct_change":
            if self.exact and not v.is_integer():  # one decimal: "+3.6%"
                tenths = round(v, 1)
                return f"{tenths:+.1f}%" if tenths else "0.0%"
            whole = round(v)
            return f"{whole:+d}%" if whole else "0%"  # never "-0%"
        if self.unit == "share":  # exact: to a tenth, as `percent_share` rounds a count's share
            return f"{v:.1f}%" if self.exact or 0 < v < 1 else f"{v:.0f}%"
        if self.unit == "count":
            return f"{v:,.0f}"
        return f"{v:.2f}"

    @property
    def title(self) -> str:
        """The hover text: what it is, the cells it comes from and its sources."""
        cells = f"; cells: {', '.join(self.cells)}" if self.cells else ""
        return f"{self.label}{cells}; sources: {self.sources}"

    def as_json(self) -> dict[str, Any]:
        """The figure as stored in guide.json."""
        return {"id": self.id, "value": self.value, "unit": self.unit, "text": self.text,
                "label": self.label, "sources": self.sources, "cells": list(self.cells)}


class FigureBook:
    """All derived figures of one guide, by id (ids are unique)."""

    def __init__(self) -> None:
        self.figures: dict[str, Figure] = {}

    def add(self, id: str, value: float, unit: str, label: str, sources: str,
            cells: tuple[str, ...] | list[str] = (), exact: bool = False) -> Figure:
        """Record a figure (or return the one already recorded under this id)."""
        if id in self.figures:
            return self.figures[id]
        fig = Figure(id=id, value=value, unit=unit, label=label, sources=sources,
                     cells=tuple(cells), exact=exact)
        self.figures[id] = fig
        return fig


Part = str | CellValue | Figure
"""A piece of text: plain words, a cell's value or a derived figure."""


def rng(row: GuideRow, low: str = "p25", high: str = "p75") -> list[Part]:
    """A range of one row, "$134k–$221k", as parts."""
    return [CellValue(row, low), "–", CellValue(row, high)]


@dataclass
class Block:
    """One block of a section: kind 'p' (parts), 'h3' (text), 'table', 'chart', 'empty'
    (one line saying what data is missing), 'qa' (question and answer parts), 'note'."""

    kind: str
    parts: list[Part] = field(default_factory=list)
    text: str = ""
    columns: list[str] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    svg: str = ""
    numeric: list[int] = field(default_factory=list)
    """Indexes of table columns to right-align (numbers)."""


def p(*parts: Part | list[Part]) -> Block:
    """A paragraph from parts (lists are flattened)."""
    flat: list[Part] = []
    for part in parts:
        if isinstance(part, list):
            flat.extend(part)
        else:
            flat.append(part)
    return Block("p", parts=flat)


def empty(text: str) -> Block:
    """The one line shown when a section or part has no data."""
    return Block("empty", text=text)


def table(columns: list[str], rows: Sequence[Sequence[Any]], *, note: str = "",
          classes: list[str] | None = None, numeric: list[int] | None = None) -> Block:
    """A table: each cell a part or a list of parts; `classes` per row (e.g. 'thin')."""
    out = []
    for i, row in enumerate(rows):
        cells = [list(cell) if isinstance(cell, list) else [cell] for cell in row]
        out.append({"cells": cells, "cls": (classes[i] if classes else "")})
    return Block("table", columns=columns, rows=out, text=note, numeric=numeric or [])


@dataclass
class Section:
    """One numbered section of the guide."""

    id: str
    title: str
    lead: str = ""
    blocks: list[Block] = field(default_factory=list)
