"""An employer's payroll read for the pay-gap report (`paybench.decide.paygap`) and the pay
ranges per category (`paybench.decide.payranges`): one row per worker, as columns of numbers.

Columns (names matched case-insensitively; another name is mapped with ``mapping``, the
CLI's ``--map FIELD=COLUMN``):

=================  =========================================================================
employee_id        required; unique
gender             required; see `GENDER_CODES` (women and men); any other value is counted
                   as "other or not stated" and left out of the gaps; a blank is refused
category           category of workers (Directive (EU) 2023/970, Art. 3(1)(g): workers doing
                   the same work or work of equal value); required by the EU profile
annual_base        gross ordinary basic pay for the year (Art. 3(1)(a)), in the payroll's currency;
                   0 to `MAX_ANNUAL_AMOUNT`; a plain number, or an amount as people write it,
                   read by `paybench.normalize.money.parse_money` (the rules of every amount
                   paybench reads: "52,000", "€45.000" = 45,000 EUR, "45.000,50", "52 000 €")
variable_pay       gross complementary or variable components for the year (bonus, commission,
                   allowances); blank = 0, and a payroll without the column is read as 0 for
                   everyone, said in its notes; 0 to `MAX_ANNUAL_AMOUNT`; read as annual_base
annual_hours       hours paid in the year; or ``fte`` (a share of a full-time year, above 0 and at
                   most 1, hours = fte x ``full_time_hours``); from `MIN_HOURS_PER_YEAR` to every
                   hour of a year
currency           optional: each row's currency (ISO 4217 code or symbol)
full_pay           optional (UK profile): "no" for a worker paid at a reduced rate or nil for
                   leave in the pay period (reg. 1(2), "full-pay relevant employee")
=================  =========================================================================

Declared factor columns (``factors``: objective, gender-neutral criteria such as grade or
years of service) are numbers, or else labels (at most `MAX_FACTOR_LEVELS` distinct values).
An optional role and level column (``role_column``, ``level_column``) map a category to a
paybench market cell (`paybench.decide.payranges`).

One currency: the payroll's (the `currency` option, else the one its currency column or its
amounts' signs write). A payroll whose rows are in several currencies (its currency column,
or amounts written with different signs, or a sign other than the currency given) is refused
naming the currencies and their rows: a pay gap compares amounts in one currency, and a
payroll states no date to convert at (`check_currencies`).

The payroll is refused, never partly read: a wrong pay figure silently dropped would change
the figures an employer must publish. Every problem is an `InputError` of one line naming the
first row at fault and how many more rows have one (field 'payroll'). Nothing is stored.

Files: CSV (any delimiter `paybench.sources.delimited` reads) or xlsx (the first sheet,
`paybench.sources.tabular.xlsx_rows`); CSV text and JSON rows through `payroll_from_text` and
`payroll_from_rows`.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import os
import re
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from paybench.errors import InputError, PaybenchError, echo
from paybench.normalize.money import HOURS_PER_YEAR, MAX_HOURS_PER_YEAR, parse_money
from paybench.wording import counted

Profile = Literal["eu", "uk"]
PROFILES: tuple[str, ...] = ("eu", "uk")

FIELDS: tuple[str, ...] = ("employee_id", "gender", "category", "annual_base", "variable_pay",
                           "annual_hours", "fte", "full_pay", "currency")
"""The columns paybench reads by name (others only when declared as factors, role or level)."""

WOMAN, MAN, OTHER = 0, 1, 2
"""Gender codes of `Payroll.gender`."""

GENDER_CODES: dict[str, int] = {
    **dict.fromkeys(("f", "female", "w", "woman", "women"), WOMAN),
    **dict.fromkeys(("m", "male", "man", "men"), MAN),
}
"""Gender values read as a woman or a man (case and surrounding spaces ignored): the common
payroll codings F/M, female/male, woman/man and W/M. The Directive's indicators compare
female and male workers (Art. 3(1)(c), 9(1)); every other value (non-binary, X, D, blank...)
is counted as "other or not stated" and excluded from the gaps, and the report says so. A
blank gender is refused (a missing value, not a stated one: write "not stated" or "X" for a
worker who gave none), so that no woman or man drops out of the gaps unseen."""

MAX_FACTOR_LEVELS = 100
"""Distinct values a factor given as labels may have: each becomes a column of the
regression (`paybench.decide.paygap`); a column with more is almost always a number with a
typo, or an identifier, which is no pay criterion."""

MAX_ANNUAL_AMOUNT = 1e12
"""Largest `annual_base` or `variable_pay` read, in the payroll's currency a year: a figure above
it is refused. It catches garbage (1e300, a row number or a date read as pay, a figure off by
many orders of magnitude), not pay that merely looks high, and it holds in any currency, since
a payroll's currency is optional: in the weakest currencies of ISO 4217 it is still millions
of US dollars (about $60 million in rupiah at IDR 16,000 per USD; some $24 million in rials at
the official IRR 42,000), and no payroll pays a worker a trillion units of anything a year.
It also keeps every sum and square of a 100,000-row payroll far inside float64. Limit: in
euros, pounds or dollars it is far above any pay, so a figure entered in cents is not caught."""
MAX_FACTOR_MAGNITUDE = 1e12
"""A numeric factor (years of service, grade, hours ...) larger than this in absolute value is
refused: squared in the decomposition's least squares it overflows float64 (1e300 gave an
"explained" share of a gap that meant nothing). A bound this far above any real factor catches
garbage only, as `MAX_ANNUAL_AMOUNT` does for pay."""

MIN_HOURS_PER_YEAR = 1.0
"""Fewest hours (annual_hours, or fte x full_time_hours) a worker's row may give: less than an
hour paid in a year is a typo or a unit slip (hours given as a share, fte as a tiny fraction),
and it would turn hourly pay into an absurd or infinite figure."""

MAX_FTE = 1.0
"""The largest fte read: a full-time year (fte is a share of it, in (0, 1]); a worker paid
for more hours gives annual_hours."""

FALSE_WORDS = frozenset({"no", "n", "false", "0", "reduced", "nil"})
"""`full_pay` values that mark a worker not on full pay (anything else, blank included, is full pay)."""


@dataclass(frozen=True)
class Factor:
    """One declared factor: `values` (float64, one per worker) for a number, or `codes`
    (int32 indexes into `levels`, sorted labels) for labels."""

    name: str
    values: np.ndarray | None = None
    codes: np.ndarray | None = None
    levels: tuple[str, ...] = ()

    @property
    def numeric(self) -> bool:
        """True for a number, False for labels."""
        return self.values is not None


@dataclass(frozen=True)
class Payroll:
    """A payroll as arrays, one entry per worker (n workers), in the file's order.

    Money in the payroll's own currency a year; `hours` paid hours a year (> 0). `gender`
    codes WOMAN, MAN or OTHER; `category` int32 indexes into `categories` (sorted labels; one
    label "all workers" when the file has no category column)."""

    source: str
    employee_id: np.ndarray
    gender: np.ndarray
    category: np.ndarray
    categories: tuple[str, ...]
    annual_base: np.ndarray
    variable_pay: np.ndarray
    hours: np.ndarray
    full_pay: np.ndarray
    factors: tuple[Factor, ...] = ()
    role: np.ndarray | None = None
    level: np.ndarray | None = None
    hours_column: str = "annual_hours"
    has_categories: bool = True
    has_full_pay: bool = False
    full_time_hours: float = float(HOURS_PER_YEAR)
    notes: tuple[str, ...] = field(default_factory=tuple)
    currency: str | None = None
    """The payroll's currency: the one given, else the one its currency column or its amounts'
    signs write (None: none said)."""

    @property
    def size(self) -> int:
        """Workers in the payroll."""
        return int(self.employee_id.shape[0])

    @property
    def annual_pay(self) -> np.ndarray:
        """Gross annual pay: basic + variable components (Art. 3(1)(a), (b))."""
        return self.annual_base + self.variable_pay

    @property
    def fte(self) -> np.ndarray:
        """Share of a full-time year: hours / full_time_hours."""
        return self.hours / self.full_time_hours


ALL_WORKERS = "all workers"
"""The one category of a payroll without a category column."""

DEFAULT_MIN_GROUP = 5
"""Fewest women and fewest men a group needs for its pay figures to be shown (else "too
small": its size only), in the pay-gap report and the pay ranges. Directive (EU) 2023/970,
Art. 12(3), lets Member States keep figures that would disclose an identifiable co-worker's
pay to the workers' representatives; 5 is paybench's publication minimum for cells built
from people's submissions (docs/privacy.md) and the contributor minimum of salary surveys
(Radford: 5 employees); France's Index de l'égalité professionnelle leaves out groups of
fewer than 3 women or 3 men (Code du travail, art. D. 1142-2-1)."""


MIN_GROUP_FLOOR = 2
"""The least `min_group` accepted: a figure of a group of one woman or one man is that
person's pay (Directive (EU) 2023/970: Article 9's indicators are of groups of workers, and
Article 12, on data protection, keeps the reports from disclosing a worker's pay); the
default (5) keeps a margin, since in a group of two each member can read the other's pay from
the mean."""


def check_min_group(min_group: int) -> int:
    """`min_group` when it is a whole number of at least `MIN_GROUP_FLOOR` (2); InputError
    (field 'min_group')."""
    if not isinstance(min_group, int) or isinstance(min_group, bool) or min_group < MIN_GROUP_FLOOR:
        raise InputError(f"min_group must be a whole number of at least {MIN_GROUP_FLOOR} (a figure "
                         f"of one person is that person's pay), got {min_group!r}", field="min_group")
    return min_group


def too_small(n_women: int, n_men: int, min_group: int, who: str = "") -> str | None:
    """Why a group of `n_women` women and `n_men` men gets no figures (fewer than `min_group`
    of either; `who` qualifies them, " receiving variable pay"), or None when it gets them."""
    short = [counted(n, noun) for n, noun in ((n_women, "woman"), (n_men, "man")) if n < min_group]
    if not short:
        return None
    return f"too small: {' and '.join(short)}{who} (fewer than {min_group}); no figures shown"


# --------------------------------------------------------------------------- options
def parse_mapping(items: Sequence[str] | Mapping[str, str] | None) -> dict[str, str]:
    """``{"gender": "sex"}`` from ``["gender=sex"]`` (the CLI's --map; commas separate several
    in one item) or a mapping: each field of `FIELDS` to the column that holds it. InputError
    (field 'mapping') for a field that is not one of `FIELDS` or an item that is not FIELD=COLUMN."""
    pairs: list[tuple[str, str]] = []
    if items is None:
        return {}
    if isinstance(items, Mapping):
        pairs = [(str(k), str(v)) for k, v in items.items()]
    else:
        for item in items:
            for part in str(item).split(","):
                if not part.strip():
                    continue
                if "=" not in part:
                    raise InputError(f"{echo(part.strip())} is not FIELD=COLUMN (e.g. gender=sex)",
                                     field="mapping")
                key, value = part.split("=", 1)
                pairs.append((key, value))
    out: dict[str, str] = {}
    for key, value in pairs:
        name, column = key.strip().lower(), value.strip()
        if name not in FIELDS:
            raise InputError(f"unknown field {echo(key.strip())} to map; the fields are "
                             f"{', '.join(FIELDS)}", field="mapping")
        if not column:
            raise InputError(f"no column given for {name}", field="mapping")
        out[name] = column
    return out


def check_currency(currency: str | None) -> str | None:
    """The payroll's currency as its ISO 4217 code ("eur" and "€" -> "EUR"), or None when none
    is given. InputError (field 'currency') for a code or symbol that is not a currency (the
    ISO 4217 list of `paybench.normalize.money.currency_code`: "XXX", "ABC" and "EURO2" are
    refused)."""
    if currency is None or not str(currency).strip():
        return None
    from paybench.normalize.money import currency_code

    try:
        return currency_code(str(currency))
    except PaybenchError as exc:
        raise InputError(f"{exc.message}; give an ISO 4217 code such as EUR, GBP or USD",
                         field="currency") from None


def check_full_time_hours(hours: float) -> float:
    """Hours of a full-time year, 1-8,784 (`paybench.normalize.money.MAX_HOURS_PER_YEAR`)."""
    if not (math.isfinite(hours) and 0 < hours <= MAX_HOURS_PER_YEAR):
        raise InputError(f"full-time hours {hours:g} must be above 0 and at most {MAX_HOURS_PER_YEAR:,}",
                         field="full_time_hours")
    return float(hours)


# --------------------------------------------------------------------------- reading
@dataclass
class _Table:
    """A payroll's columns as text, by lower-cased header name, with each row's number."""

    name: str
    header: list[str]
    columns: dict[str, pa.Array]
    rows: np.ndarray  # data row numbers from 1


def _csv_table(path: Path) -> _Table:
    from paybench.sources.delimited import ERROR, ROW_NUMBER, DelimitedBatches, field_name

    batches = DelimitedBatches(path)
    header = [h.strip() for h in batches.header]
    chunks: dict[int, list[pa.Array]] = {i: [] for i in range(len(header))}
    rows: list[pa.Array] = []
    for batch in batches:
        errors = batch.column(ERROR)
        if errors.null_count != len(errors):
            first = int(pc.index(pc.is_valid(errors), True).as_py())
            bad = len(errors) - errors.null_count
            number = batch.column(ROW_NUMBER)[first].as_py()
            more = f" ({bad - 1} more unreadable rows)" if bad > 1 else ""
            raise InputError(f"{path.name}: row {number}: {errors[first].as_py()}{more}", field="payroll")
        rows.append(batch.column(ROW_NUMBER))
        for i in chunks:
            chunks[i].append(batch.column(field_name(i)))
    columns = {}
    for i, name in enumerate(header):
        columns[name.lower()] = pa.concat_arrays(chunks[i]) if chunks[i] else pa.array([], pa.string())
    numbers = pa.concat_arrays(rows).to_numpy() if rows else np.zeros(0, np.int64)
    return _Table(path.name, header, columns, numbers)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = str(value)
    if isinstance(value, float) and re.match(_EUROPEAN_THOUSANDS, text):
        return text + "0"  # 100.125 stays 100.125: "100.125" as text is 100,125 (European thousands)
    return text


def _lists_table(name: str, header: list[str], records: list[tuple[int, list[Any]]]) -> _Table:
    columns: dict[str, pa.Array] = {}
    for i, column in enumerate(header):
        values = [_cell_text(r[i]) if i < len(r) else "" for _n, r in records]
        columns[column.lower()] = pa.array(values, pa.string())
    return _Table(name, header, columns, np.array([n for n, _r in records], dtype=np.int64))


def _xlsx_table(path: Path) -> _Table:
    from paybench.sources.tabular import xlsx_rows

    header: list[str] | None = None
    header_row = 0
    records: list[tuple[int, list[Any]]] = []
    for number, values in xlsx_rows(path):
        if header is None:
            header = [_cell_text(v).strip() for v in values]
            header_row = number
            continue
        if all(_cell_text(v).strip() == "" for v in values):
            continue
        records.append((number - header_row, values))
    if header is None:
        raise InputError(f"{path.name}: the first sheet is empty", field="payroll")
    return _lists_table(path.name, header, records)


def _check_header(table: _Table) -> None:
    seen: set[str] = set()
    for name in table.header:
        low = name.lower()
        if not low:
            continue
        if low in seen:
            raise InputError(f"{table.name}: column {echo(name)} appears twice", field="payroll")
        seen.add(low)
    if not len(table.rows):
        raise InputError(f"{table.name}: has a header but no data rows", field="payroll")


# --------------------------------------------------------------------------- parsing
@dataclass
class _Problems:
    """Rows at fault: (row number, employee id, what is wrong with it, said only when asked)."""

    found: list[tuple[int, str, Callable[[], str]]] = field(default_factory=list)

    def add(self, rows: np.ndarray, ids: np.ndarray, where: np.ndarray,
            message: Callable[[int], str]) -> None:
        """Record the rows where `where` holds; `message(i)` says what is wrong with row i."""
        for i in np.flatnonzero(where):
            self.found.append((int(rows[i]), str(ids[i]), functools.partial(message, int(i))))

    def raise_first(self, name: str) -> None:
        """InputError for the first row at fault, counting the other rows at fault (one line)."""
        if not self.found:
            return
        row, ident, message = min(self.found, key=lambda f: f[0])
        others = len({f[0] for f in self.found}) - 1
        more = f" ({others:,} more row{'s' if others > 1 else ''} with errors)" if others else ""
        who = f" (employee {echo(ident, 30)})" if ident else ""
        raise InputError(f"{name}: row {row}{who}: {message()}{more}", field="payroll")


def _stripped(array: pa.Array) -> pa.Array:
    from paybench.sources.delimited import strip

    return strip(pc.fill_null(array, ""))


_EUROPEAN_THOUSANDS = r"^(?:[1-9]\d{0,2}\.\d{3}|\d{1,3}(?:\.\d{3}){2,})$"
"""Text a number reader takes for a decimal but paybench's amount reader for thousands
("45.000" = 45,000; `paybench.normalize.money.parse_amount`): an amount column holding one is
read by that reader."""


def _numbers(text: pa.Array, column: str, problems: _Problems, rows: np.ndarray, ids: np.ndarray,
             *, blank: float | None = None, optional: bool = False,
             money: bool = False) -> tuple[np.ndarray, np.ndarray | None]:
    """A column as float64 and, for an amount (`money`), the currency each row's amount writes
    (an object array of ISO codes, "" for none; None when no row writes one). Plain numbers are
    read by Arrow; anything else once per distinct value, an amount by
    `paybench.normalize.money.parse_money` ("52,000", "€45.000" = 45,000 EUR, "45.000,50"),
    the rules of every amount paybench reads: an amount column with a number such as "45.000"
    goes that way too (European thousands, not 45). A blank is `blank`, or NaN when
    `optional`, else an error. A value that is no finite amount is recorded in `problems` (and
    NaN here)."""
    clean = _stripped(text)
    reported = np.zeros(len(clean), dtype=bool)
    if optional:
        reported = np.asarray(pc.equal(clean, "").to_numpy(zero_copy_only=False), dtype=bool)
    written: np.ndarray | None = None
    try:
        if money and pc.any(pc.match_substring_regex(clean, _EUROPEAN_THOUSANDS)).as_py():
            raise pa.ArrowInvalid("an amount in European thousands")
        values = pc.cast(clean, pa.float64()).to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        encoded = pc.dictionary_encode(clean)
        distinct = encoded.dictionary.to_pylist()
        parsed = np.empty(len(distinct), dtype=np.float64)
        signs = np.full(len(distinct), "", dtype=object)
        reasons: dict[int, str] = {}
        for k, value in enumerate(distinct):
            parsed[k] = np.nan
            if value == "":
                if optional:
                    continue
                if blank is None:
                    reasons[k] = f"no {column}"
                else:
                    parsed[k] = blank
                continue
            try:
                parsed[k], signs[k] = _number(value, money)
            except PaybenchError as exc:
                reasons[k] = f"{column} {echo(value, 30)} is not an amount ({exc.message})"
            except ValueError:
                reasons[k] = f"{column} {echo(value, 30)} is not a number"
        indices = encoded.indices.to_numpy(zero_copy_only=False)
        values = parsed[indices]
        if (signs != "").any():
            written = signs[indices]
        if reasons:
            said = np.isin(indices, np.array(list(reasons), dtype=indices.dtype))
            problems.add(rows, ids, said, lambda i: reasons[int(indices[i])])
            reported |= said
    odd = ~np.isfinite(values) & ~reported
    problems.add(rows, ids, odd, lambda i: f"{column} {echo(clean[i].as_py(), 30)} is not a finite number")
    return np.where(np.isfinite(values), values, np.nan), written


def _is_plain(value: str) -> bool:
    """A number as a program writes it ("52000", "52000.5", "-3", "1e5"): Python reads it."""
    try:
        float(value)
    except ValueError:
        return False
    return True


def _number(value: str, money: bool) -> tuple[float, str]:
    """One cell's value and the currency it writes ("" for none): an amount (`money`) by
    paybench's amount reader unless it is a plain number with no European thousands
    ("45.000"); else a plain number. MoneyError or ValueError when it is neither."""
    if money and (not _is_plain(value) or re.match(_EUROPEAN_THOUSANDS, value)):
        amount, currency = parse_money(value)
        return amount, currency or ""
    return float(value), ""


def _negative(name: str, amounts: np.ndarray, i: int) -> str:
    return f"{name} {amounts[i]:g} is negative"


def _implausible(name: str, amounts: np.ndarray, i: int) -> str:
    return (f"{name} {amounts[i]:g} is not a plausible annual amount (more than {MAX_ANNUAL_AMOUNT:g} a "
            "year)")


def _blank(text: pa.Array) -> np.ndarray:
    return np.asarray(pc.equal(_stripped(text), "").to_numpy(zero_copy_only=False), dtype=bool)


def _labels(text: pa.Array) -> tuple[np.ndarray, list[str]]:
    """(codes into sorted labels, labels) of a column of text, stripped."""
    encoded = pc.dictionary_encode(_stripped(text))
    labels = encoded.dictionary.to_pylist()
    order = sorted(range(len(labels)), key=lambda k: labels[k])
    rank = np.empty(len(labels), dtype=np.int32)
    rank[order] = np.arange(len(labels), dtype=np.int32)
    codes = rank[encoded.indices.to_numpy(zero_copy_only=False)] if len(labels) else \
        np.zeros(len(text), dtype=np.int32)
    return codes.astype(np.int32), [labels[k] for k in order]


def _genders(text: pa.Array) -> np.ndarray:
    codes, labels = _labels(pc.utf8_lower(_stripped(text)))
    table = np.array([GENDER_CODES.get(label, OTHER) for label in labels] or [OTHER], dtype=np.int8)
    return table[codes]


def _resolve(table: _Table, mapping: dict[str, str]) -> dict[str, str]:
    """Each field's column (lower-cased header name) present in the table."""
    found: dict[str, str] = {}
    for name in FIELDS:
        wanted = mapping.get(name, name)
        if wanted.lower() in table.columns:
            found[name] = wanted.lower()
        elif name in mapping:
            raise InputError(f"{table.name}: no column {echo(wanted)} (mapped to {name}; column names are "
                             "matched ignoring case)", field="mapping")
    return found


def _payroll(table: _Table, *, profile: Profile, mapping: dict[str, str], factors: Sequence[str],
             role_column: str | None, level_column: str | None, full_time_hours: float,
             currency: str | None = None) -> Payroll:
    _check_header(table)
    columns = _resolve(table, mapping)
    required = ["employee_id", "gender", "annual_base"]
    if profile == "eu":
        required.append("category")
    missing = [name for name in required if name not in columns]
    if "annual_hours" not in columns and "fte" not in columns:
        missing.append("annual_hours (or fte)")
    if missing:
        raise InputError(f"{table.name}: missing column(s) {', '.join(missing)}; name another column "
                         "through mapping, FIELD=COLUMN", field="payroll")
    n = len(table.rows)
    rows = table.rows
    problems = _Problems()
    notes: list[str] = []

    ids_text = _stripped(table.columns[columns["employee_id"]])
    ids = np.array(ids_text.to_pylist(), dtype=object)
    problems.add(rows, ids, ids == "", lambda i: "no employee_id")
    codes = pc.dictionary_encode(ids_text).indices.to_numpy(zero_copy_only=False)
    _unique, first_index = np.unique(codes, return_index=True)  # codes number ids in first-seen order
    first = first_index[codes]
    later = (np.arange(n) != first) & (ids != "")
    problems.add(rows, ids, later, lambda i: f"employee_id repeats row {rows[first[i]]}")

    gender = _genders(table.columns[columns["gender"]])
    base, base_signs = _numbers(table.columns[columns["annual_base"]], "annual_base", problems, rows, ids,
                                money=True)
    if "variable_pay" in columns:
        variable, variable_signs = _numbers(table.columns[columns["variable_pay"]], "variable_pay", problems,
                                            rows, ids, blank=0.0, money=True)
    else:  # a blank cell is 0; so is a column not given, and the report says so
        variable, variable_signs = np.zeros(n), None
        notes.append("no variable_pay column: every worker's variable pay is read as 0 (the "
                     "variable-pay indicators (b), (d) and (e) then find no one receiving any); map "
                     "one with variable_pay=COLUMN if the payroll has it")
    gender_blank = _blank(table.columns[columns["gender"]])
    problems.add(rows, ids, gender_blank,
                 lambda i: "no gender (a blank cell: give F or M, or a value such as X or 'not stated')")
    for name, amounts in (("annual_base", base), ("variable_pay", variable)):
        problems.add(rows, ids, amounts < 0, functools.partial(_negative, name, amounts))
        problems.add(rows, ids, amounts > MAX_ANNUAL_AMOUNT, functools.partial(_implausible, name, amounts))
    full_time = float(full_time_hours)
    if "annual_hours" in columns and "fte" in columns:  # a row's hours, else its fte
        hours_column = "annual_hours, else fte"
        given_hours, _ = _numbers(table.columns[columns["annual_hours"]], "annual_hours", problems, rows,
                                  ids, optional=True)
        fte, _ = _numbers(table.columns[columns["fte"]], "fte", problems, rows, ids, optional=True)
        from_fte = np.isnan(given_hours) & ~np.isnan(fte)
        hours = np.where(from_fte, fte * full_time, given_hours)
        neither = _blank(table.columns[columns["annual_hours"]]) & _blank(table.columns[columns["fte"]])
        problems.add(rows, ids, neither, lambda i: "no annual_hours or fte")
        given = np.where(from_fte, fte, given_hours)
        named = np.where(from_fte, "fte", "annual_hours")
        if from_fte.any():
            notes.append(f"hours of {int(from_fte.sum()):,} workers without annual_hours are their fte x "
                         f"{full_time:,.0f} hours")
    else:
        hours_column = "annual_hours" if "annual_hours" in columns else "fte"
        given, _ = _numbers(table.columns[columns[hours_column]], hours_column, problems, rows, ids)
        hours = given if hours_column == "annual_hours" else given * full_time
        named = np.full(n, hours_column, dtype=object)
    problems.add(rows, ids, given <= 0, lambda i: f"{named[i]} {given[i]:g} is not positive")
    problems.add(rows, ids, (named == "fte") & (given > MAX_FTE),
                 lambda i: f"fte {given[i]:g} is more than {MAX_FTE:g} (a full-time year); fte is a share "
                           "of it, above 0 and at most 1: give annual_hours for a worker paid more hours")
    problems.add(rows, ids, (given > 0) & (hours < MIN_HOURS_PER_YEAR),
                 lambda i: f"{named[i]} {given[i]:g} is less than {MIN_HOURS_PER_YEAR:g} hour a year")
    problems.add(rows, ids, (named != "fte") & (hours > MAX_HOURS_PER_YEAR),
                 lambda i: f"{named[i]} {given[i]:g} is more hours than a year has "
                           f"({MAX_HOURS_PER_YEAR:,})")
    problems.add(rows, ids, (base + variable <= 0) & (base >= 0) & (variable >= 0),
                 lambda i: "no pay: annual_base and variable_pay are both 0")

    if "category" in columns:
        category, categories = _labels(table.columns[columns["category"]])
        if "" in categories:
            blank = categories.index("")
            problems.add(rows, ids, category == blank, lambda i: "no category")
        has_categories = True
    else:
        category, categories, has_categories = np.zeros(n, dtype=np.int32), [ALL_WORKERS], False

    if "full_pay" in columns:
        flags = pc.utf8_lower(_stripped(table.columns[columns["full_pay"]]))
        full_pay = ~np.asarray(pc.is_in(flags, value_set=pa.array(sorted(FALSE_WORDS))).to_numpy(
            zero_copy_only=False), dtype=bool)
    else:
        full_pay = np.ones(n, dtype=bool)

    taken = {columns[name] for name in columns}
    factor_list: list[Factor] = []
    for raw_name in factors:
        name = raw_name.strip()
        low = name.lower()
        if not low:
            continue
        if low not in table.columns:
            raise InputError(f"{table.name}: no factor column {echo(name)} (column names are matched "
                             "ignoring case)", field="factors")
        if low in taken:
            which = next(k for k, v in columns.items() if v == low)
            raise InputError(f"{echo(name)} is the {which} column, not a gender-neutral factor",
                             field="factors")
        if any(f.name.lower() == low for f in factor_list):
            continue
        factor_list.append(_factor(table, name, table.columns[low], problems, rows, ids))

    role = level = None
    for option, wanted in (("role_column", role_column), ("level_column", level_column)):
        if wanted is None or not wanted.strip():
            continue
        if wanted.strip().lower() not in table.columns:
            raise InputError(f"{table.name}: no column {echo(wanted.strip())} (column names are matched "
                             "ignoring case)", field=option)
        values = np.array(_stripped(table.columns[wanted.strip().lower()]).to_pylist(), dtype=object)
        if option == "role_column":
            role = values
        else:
            level = values

    column_currency = _currency_column(table.columns[columns["currency"]], problems, rows, ids) \
        if "currency" in columns else None
    problems.raise_first(table.name)
    found_currency = check_currencies(table.name, rows, currency, column_currency,
                                      {"annual_base": base_signs, "variable_pay": variable_signs})
    if found_currency is not None and currency is None:
        said = "currency column" if column_currency is not None else "amounts' currency signs"
        notes.append(f"currency {found_currency}, as the payroll's {said} write it")
    if not (gender == WOMAN).any() or not (gender == MAN).any():
        missing_group = "women" if not (gender == WOMAN).any() else "men"
        raise InputError(f"{table.name}: no {missing_group} in the gender column (read: "
                         f"{', '.join(sorted(set(GENDER_CODES)))}, any case); the gaps compare women "
                         "and men", field="payroll")
    return Payroll(source=table.name, employee_id=ids, gender=gender, category=category,
                   categories=tuple(categories), annual_base=base, variable_pay=variable, hours=hours,
                   full_pay=full_pay, factors=tuple(factor_list), role=role, level=level,
                   hours_column=hours_column, has_categories=has_categories,
                   has_full_pay="full_pay" in columns, full_time_hours=full_time_hours,
                   notes=tuple(notes), currency=found_currency)


def _currency_column(text: pa.Array, problems: _Problems, rows: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Each row's currency from a currency column, as ISO codes ("" for a blank): codes and
    symbols read by `paybench.normalize.money.currency_code`; one that is not a currency is
    recorded in `problems`."""
    from paybench.normalize.money import currency_code

    encoded = pc.dictionary_encode(_stripped(text))
    distinct = encoded.dictionary.to_pylist()
    codes = np.full(len(distinct), "", dtype=object)
    reasons: dict[int, str] = {}
    for k, value in enumerate(distinct):
        if value:
            try:
                codes[k] = currency_code(value)
            except PaybenchError as exc:
                reasons[k] = f"currency {echo(value, 30)} is not a currency ({exc.message})"
    indices = encoded.indices.to_numpy(zero_copy_only=False)
    if reasons:
        bad = np.isin(indices, np.array(list(reasons), dtype=indices.dtype))
        problems.add(rows, ids, bad, lambda i: reasons[int(indices[i])])
    return codes[indices] if len(distinct) else np.full(len(indices), "", dtype=object)


def _rows_text(numbers: np.ndarray, shown: int = 3) -> str:
    """'row 7', 'rows 2, 3, 5' or 'rows 2, 3, 5 and 12 more'."""
    head = ", ".join(str(int(n)) for n in numbers[:shown])
    more = f" and {len(numbers) - shown:,} more" if len(numbers) > shown else ""
    return f"row{'s' if len(numbers) > 1 else ''} {head}{more}"


def check_currencies(name: str, rows: np.ndarray, given: str | None, column: np.ndarray | None,
                     signs: Mapping[str, np.ndarray | None]) -> str | None:
    """The payroll's one currency: `given` (the currency option), else the one its currency
    `column` (each row's ISO code, "" for a blank) and the currency signs of its amounts
    (`signs`: column name -> each row's code or "", or None when no amount writes one) write;
    None when nothing says one. InputError (field 'payroll'; one line) naming each currency
    with its rows when they are several, or any but the one given: a pay gap compares pay in
    one currency, and a payroll states no date to convert at."""
    where: dict[str, list[int]] = {}
    said: list[tuple[np.ndarray, str]] = []
    if column is not None:
        said.append((column, "the currency column"))
    said += [(codes, f"the signs in {col}") for col, codes in signs.items() if codes is not None]
    for codes, _what in said:
        for code in np.unique(codes[codes != ""]):
            where.setdefault(str(code), []).extend(np.flatnonzero(codes == code).tolist())
    if given is not None:
        where.setdefault(given, [])
    if len(where) <= 1:
        return given if given is not None else next(iter(where), None)
    parts = []
    for code, at in where.items():
        numbers = np.unique(rows[np.array(at, dtype=np.int64)]) if at else np.zeros(0, np.int64)
        parts.append(f"{code} ({_rows_text(numbers)})" if len(numbers) else f"{code} (the currency given)")
    what = " and ".join(w for _c, w in said)
    raise InputError(f"{name}: pay in {len(where)} currencies: {', '.join(parts)} (read from {what}); "
                     "a pay gap compares pay in one currency: give one payroll per currency, or convert "
                     "its amounts first", field="payroll")


def _factor(table: _Table, name: str, text: pa.Array, problems: _Problems, rows: np.ndarray,
            ids: np.ndarray) -> Factor:
    clean = _stripped(text)
    try:
        values = pc.cast(clean, pa.float64()).to_numpy(zero_copy_only=False)
        if np.isfinite(values).all():
            huge = np.flatnonzero(np.abs(values) > MAX_FACTOR_MAGNITUDE)
            if len(huge):
                at = int(huge[0])
                raise InputError(f"{table.name}: row {rows[at]} (employee {echo(str(ids[at]), 30)}): factor "
                                 f"{echo(name)} {values[at]:g} is not a plausible value (more than "
                                 f"{MAX_FACTOR_MAGNITUDE:g} in size)", field="factors")
            return Factor(name=name, values=values.astype(np.float64))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    codes, levels = _labels(text)
    if len(levels) > MAX_FACTOR_LEVELS:
        bad = next((i for i, v in enumerate(clean.to_pylist()) if not _is_number(v)), 0)
        raise InputError(f"{table.name}: factor {echo(name)} has {len(levels):,} distinct values, more "
                         f"than the {MAX_FACTOR_LEVELS} a factor of labels may have; a numeric factor needs "
                         f"a number in every row (row {rows[bad]}: {echo(clean[bad].as_py(), 30)})",
                         field="factors")
    return Factor(name=name, codes=codes, levels=tuple(levels))


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


# --------------------------------------------------------------------------- entry points
def read_payroll(path: Path, *, profile: Profile = "eu", mapping: Mapping[str, str] | None = None,
                 factors: Sequence[str] = (), role_column: str | None = None,
                 level_column: str | None = None,
                 full_time_hours: float = HOURS_PER_YEAR, currency: str | None = None) -> Payroll:
    """Read a payroll file: xlsx (first sheet) when it is one, else delimited text; `currency`
    the payroll's (ISO code; see `check_currencies`). InputError (field 'payroll') for a file
    that is not a usable payroll (see the module doc)."""
    from paybench.sources.tabular import is_xlsx

    check_full_time_hours(full_time_hours)
    currency = check_currency(currency)
    table = _xlsx_table(path) if is_xlsx(path) else _csv_table(path)
    return _payroll(table, profile=_profile(profile), mapping=dict(mapping or {}), factors=factors,
                    role_column=role_column, level_column=level_column, full_time_hours=full_time_hours,
                    currency=currency)


def payroll_from_text(text: str, *, name: str = "payroll", **options: Any) -> Payroll:
    """A payroll from CSV text (the HTTP API's text/csv body), read as a file is read."""
    if not text.strip():
        raise InputError("the payroll is empty", field="payroll")
    handle, temp = tempfile.mkstemp(prefix="paybench-payroll-", suffix=".csv")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        path = Path(temp)
        try:
            return dataclasses.replace(read_payroll(path, **options), source=name)
        except InputError as exc:
            raise InputError(exc.message.replace(path.name, name), field=exc.field) from None
    finally:
        os.unlink(temp)


def payroll_from_rows(rows: Sequence[Mapping[str, Any]], *, name: str = "rows", profile: Profile = "eu",
                      mapping: Mapping[str, str] | None = None, factors: Sequence[str] = (),
                      role_column: str | None = None, level_column: str | None = None,
                      full_time_hours: float = HOURS_PER_YEAR, currency: str | None = None) -> Payroll:
    """A payroll from records (JSON rows: one mapping of column to value per worker; the
    columns are every key of any row, in the order first seen); `currency` as `read_payroll`."""
    check_full_time_hours(full_time_hours)
    currency = check_currency(currency)
    if not rows:
        raise InputError("the payroll has no rows", field="payroll")
    header: dict[str, None] = {}
    for row in rows:
        if not isinstance(row, Mapping):
            raise InputError("each row must be an object of column: value", field="payroll")
        header.update(dict.fromkeys(str(k) for k in row))
    names = list(header)
    records = [(i, [row.get(k) for k in names]) for i, row in enumerate(rows, 1)]
    table = _lists_table(name, [k.strip() for k in names], records)
    return _payroll(table, profile=_profile(profile), mapping=dict(mapping or {}), factors=factors,
                    role_column=role_column, level_column=level_column, full_time_hours=full_time_hours,
                    currency=currency)


def _profile(profile: str) -> Profile:
    low = str(profile).strip().lower()
    if low not in PROFILES:
        raise InputError(f"unknown profile {echo(profile)}; expected eu or uk", field="profile")
    return "eu" if low == "eu" else "uk"
