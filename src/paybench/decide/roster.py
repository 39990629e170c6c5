"""Roster check: each employee's pay against the band and the market.

Input: a CSV with columns id, title, place, base (annual USD) and optionally level and
role (a role id, overriding the title). For every row: the band of its role x level x
place (`paybench.decide.bands`, same percentile and spread for everyone), the
compa-ratio base / band midpoint, the market percentile of base in its cell, and a flag
when base is below the band minimum or above its maximum. Rows that cannot be placed
(unknown title or place, missing level, negative or non-numeric base) are listed with
their reason; nothing is dropped silently. A summary by role x level gives the count,
mean compa-ratio and the share below minimum.

Privacy: the roster is read, evaluated in memory and returned; nothing of it is written
to the store. Money: annual US dollars.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from paybench.decide.bands import band_limits, check_spread
from paybench.decide.market import Market, check_percentile, percentile_of, value_at_percentile
from paybench.errors import InputError, PaybenchError, validated
from paybench.normalize.money import parse_amount
from paybench.records import Number
from paybench.resolve import resolve_place, role_level
from paybench.sources.tabular import iter_rows

REQUIRED_COLUMNS = ["id", "title", "place", "base"]


class Employee(BaseModel):
    """One roster row: id, title (or role), place and annual base pay (USD)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=100)
    title: str = Field(default="", max_length=200)
    place: str = Field(min_length=1, max_length=200)
    base: Number = Field(ge=1000, le=100_000_000, description="annual USD")
    level: str | None = Field(default=None, max_length=40)
    role: str | None = Field(default=None, max_length=200,
                             description="role id, name or title, overriding the title")


class RosterRow(BaseModel):
    """One employee evaluated."""

    row: int = Field(description="1-based data row in the file")
    id: str
    title: str
    role: str
    level: str
    place: str = Field(description="the cell's place label")
    base: float
    band_min: float
    band_mid: float
    band_max: float
    compa_ratio: float = Field(description="base / band midpoint")
    market_percentile: float
    market_label: str
    flag: str = Field(description="'below minimum', 'above maximum' or ''")
    basis: str = Field(description="how role and level were found")


class RosterRejected(BaseModel):
    """A row that could not be evaluated, with its reason."""

    row: int
    id: str | None
    reason: str


class RosterSummary(BaseModel):
    """Summary of one role x level."""

    role: str
    level: str
    count: int
    mean_compa_ratio: float
    below_min: int
    share_below_min: float
    above_max: int


class RosterReport(BaseModel):
    """The roster check's result; nothing of it is stored."""

    percentile: float
    spread_pct: float
    rows: list[RosterRow]
    rejected: list[RosterRejected]
    summary: list[RosterSummary]


def read_roster(path: Path) -> tuple[list[tuple[int, Employee]], list[RosterRejected]]:
    """Read a roster CSV: (row number, employee) pairs and the rows rejected with reasons."""
    if not path.exists():
        raise InputError(f"no such file: {path}")
    good: list[tuple[int, Employee]] = []
    bad: list[RosterRejected] = []
    for number, row, _raw in iter_rows(path, REQUIRED_COLUMNS, source="roster"):
        if "__error__" in row:
            bad.append(RosterRejected(row=number, id=None, reason=row["__error__"]))
            continue
        ident = row["id"].strip() or None
        try:
            good.append((number, _employee(row)))
        except PaybenchError as exc:
            bad.append(RosterRejected(row=number, id=ident, reason=str(exc)))
    return good, bad


MAX_ROSTER_ROWS = 1000
"""Rows of a roster given as text (the HTTP API's limit)."""


def roster_from_text(text: str) -> tuple[list[tuple[int, Employee]], list[RosterRejected]]:
    """Employees from CSV text, read in memory as `read_roster` reads a file: case-insensitive
    columns, delimiter sniffed from the header, rows that cannot be read listed with their
    reason. InputError (field 'csv') for text that is not a roster."""
    lines = text.lstrip("\ufeff")
    first = lines.split("\n", 1)[0]
    if not first.strip():
        raise InputError("first line is empty; expected a header row", field="csv")
    counts = {d: first.count(d) for d in (",", "\t", ";", "|")}
    delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    reader = csv.reader(io.StringIO(lines, newline=""), delimiter=delimiter)
    try:
        header = [c.strip().lower() for c in next(reader)]
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            raise InputError(f"not a roster: missing column(s) {', '.join(missing)}", field="csv")
        good: list[tuple[int, Employee]] = []
        bad: list[RosterRejected] = []
        for number, values in enumerate(reader, 1):
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                bad.append(RosterRejected(row=number, id=None, reason=(
                    f"{len(values)} fields where the header has {len(header)}")))
                continue
            row = dict(zip(header, values, strict=True))
            try:
                good.append((number, _employee(row)))
            except PaybenchError as exc:
                bad.append(RosterRejected(row=number, id=row["id"].strip() or None, reason=str(exc)))
    except csv.Error as exc:
        raise InputError(f"not readable as CSV: {exc}", field="csv") from None
    if len(good) + len(bad) > MAX_ROSTER_ROWS:
        raise InputError(f"at most {MAX_ROSTER_ROWS} rows per roster", field="csv")
    if not good and not bad:
        raise InputError("no data rows", field="csv")
    return good, bad


def _employee(row: dict[str, str]) -> Employee:
    ident = row["id"].strip()
    if not ident:
        raise InputError("no id")
    text = row["base"].strip()
    if not text:
        raise InputError("no base pay")
    if text.lstrip().startswith("-"):
        raise InputError(f"base {text!r} is negative")
    try:
        base = parse_amount(text)
    except PaybenchError as exc:
        raise InputError(f"base {text!r}: {exc}") from None
    except ValueError:
        raise InputError(f"base {text!r} is not a number") from None
    if base <= 0:
        raise InputError(f"base {text!r} must be positive")
    if base < 1000:
        raise InputError(f"base {text!r} looks hourly or in thousands; give annual USD")
    if not row["title"].strip() and not (row.get("role") or "").strip():
        raise InputError("no title or role")
    if not row["place"].strip():
        raise InputError("no place")
    return validated(Employee, {"id": ident, "title": row["title"].strip(),
                                "place": row["place"].strip(), "base": base,
                                "level": (row.get("level") or "").strip() or None,
                                "role": (row.get("role") or "").strip() or None})


def check_roster(
    employees: list[tuple[int, Employee]], market: Market, *, percentile: float = 50,
    spread_pct: float = 40, rejected: list[RosterRejected] | None = None,
) -> RosterReport:
    """Evaluate employees against bands built at `percentile` with `spread_pct`. An employee's
    role is its `role` (id, name or title), else its title; its level is its `level`, else
    the one its title states (`paybench.resolve.role_level`)."""
    check_spread(spread_pct)
    check_percentile(percentile)
    rows: list[RosterRow] = []
    bad = list(rejected or [])
    for number, emp in employees:
        try:
            found, level, basis = role_level(emp.role, emp.level, title=emp.title,
                                             default_level=False)
            role = found.id
            resolve_place(emp.place)
            cell = market.cell(role, level, emp.place)
        except PaybenchError as exc:
            bad.append(RosterRejected(row=number, id=emp.id, reason=str(exc)))
            continue
        mid = value_at_percentile(cell, percentile)
        low, high = band_limits(mid, spread_pct)
        pos = percentile_of(emp.base, cell)
        flag = "below minimum" if emp.base < low else ("above maximum" if emp.base > high else "")
        rows.append(RosterRow(
            row=number, id=emp.id, title=emp.title, role=role, level=level, place=cell.place.label,
            base=emp.base, band_min=round(low), band_mid=round(mid), band_max=round(high),
            compa_ratio=round(emp.base / mid, 4), market_percentile=round(pos.percentile, 1),
            market_label=pos.label, flag=flag, basis=basis))
    return RosterReport(percentile=percentile, spread_pct=spread_pct, rows=rows,
                        rejected=sorted(bad, key=lambda r: r.row), summary=summarize(rows))


def summarize(rows: list[RosterRow]) -> list[RosterSummary]:
    """Count, mean compa-ratio and share below minimum per role x level."""
    groups: dict[tuple[str, str], list[RosterRow]] = defaultdict(list)
    for row in rows:
        groups[(row.role, row.level)].append(row)
    out = []
    for (role, level), items in sorted(groups.items()):
        below = sum(r.flag == "below minimum" for r in items)
        out.append(RosterSummary(
            role=role, level=level, count=len(items),
            mean_compa_ratio=round(sum(r.compa_ratio for r in items) / len(items), 4),
            below_min=below, share_below_min=round(below / len(items), 4),
            above_max=sum(r.flag == "above maximum" for r in items)))
    return out


def roster_csv(report: RosterReport) -> str:
    """The evaluated rows (and rejected rows, with reasons) as CSV text."""
    buf = io.StringIO()
    fields = [*list(RosterRow.model_fields), "reason"]
    writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for row in report.rows:
        writer.writerow({**row.model_dump(), "reason": ""})
    for rej in report.rejected:
        writer.writerow({"row": rej.row, "id": rej.id or "", "reason": rej.reason})
    return buf.getvalue()
