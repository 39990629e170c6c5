"""The published figure book: every number printed in the seed articles, with its citation.

The figures live in `paybench/data/published_figures.json` (read through
`importlib.resources`), one entry per number: the document it comes from, the verbatim
quote that contains it, whom the article attributes it to, the role, level and place it
describes, the statistic (range end, median, mean, hourly rate, percent change...) and
the amount as printed, in its own currency and period.

`load_figures()` validates the file and returns `PublishedFigure` records. The source adapter
`paybench.sources.published` turns the pay figures into stored statistics; the guide reads
the book here to print each figure beside paybench's.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections import defaultdict
from collections.abc import Sequence
from importlib import resources
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from paybench.errors import InputError
from paybench.records import Level, StatName, WorkMode

DATA_PACKAGE = "paybench.data"
DATA_FILE = "published_figures.json"

HOURS_PER_YEAR = 2080
"""Hours of paid work in a year: 40 hours x 52 weeks, the factor for hourly rates."""

MONTHS_PER_YEAR = 12

ANNUAL_FACTOR: dict[str, int] = {"year": 1, "month": MONTHS_PER_YEAR, "hour": HOURS_PER_YEAR}
"""Multiplier from a figure's period to a year: hour x 2,080, month x 12, year x 1."""

PayStatistic = Literal[
    "range_low", "range_high", "median", "mean", "value", "p10", "p25", "p75", "p90"
]
ShareStatistic = Literal["pct_change", "premium_pct", "bonus_pct", "other"]
FigureStatistic = PayStatistic | ShareStatistic

PAY_STATISTICS: frozenset[str] = frozenset(get_args(PayStatistic))
"""Statistics that are amounts of money (converted by `to_statistics`)."""

SHARE_STATISTICS: frozenset[str] = frozenset(get_args(ShareStatistic))
"""Statistics that are not amounts of money: percent changes, premiums, bonus shares
(percent of base), and `other` (non-pay figures kept for the guide's narrative)."""

STAT_NAMES: dict[str, StatName] = {
    "range_low": "range_low", "range_high": "range_high", "median": "median", "mean": "mean",
    "value": "value", "p10": "p10", "p25": "p25", "p75": "p75", "p90": "p90",
}
"""Each pay statistic's name in `paybench.records.StatName` ('median' stays 'median')."""

PublishedPeriod = Literal["year", "month", "hour"]
PublishedComponent = Literal["base", "bonus", "total"]
Employment = Literal["full_time", "contract", "freelance"]
Qualifier = Literal["approximately", "nearly", "over", "up_to"]

_SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


class PublishedDocument(BaseModel):
    """The article a figure comes from. `date` is the printed date when there is one
    (`date_basis` 'stated'), else 1 January of the year the article names ('inferred')."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    seed: str = Field(pattern=r"^\d{3}_[0-9a-f]+\.txt$", description="seed file name")
    title: str = Field(min_length=1)
    publisher: str | None = Field(default=None, description="None when the page names none")
    date: dt.date
    date_basis: Literal["stated", "inferred"]
    date_note: str | None = None


class PublishedPlace(BaseModel):
    """Where a figure applies. `text` is the place as written (None when the article names
    none); `metro` is a 5-digit CBSA code as used by BLS OEWS; remote figures are
    country US with `work_mode` 'remote'."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str | None = None
    country: str = Field(pattern=r"^[A-Z]{2}$")
    state: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    metro: str | None = Field(default=None, pattern=r"^\d{5}$")
    work_mode: WorkMode | None = None


class PublishedFigure(BaseModel):
    """One number printed in a seed article, as printed, with what it describes.

    Money figures (`statistic` in PAY_STATISTICS) carry `currency`, `period` and
    `component`; share figures (percentages) carry `unit` instead. Two entries with the
    same `group` are the two ends of one range. `qualifier` keeps the article's hedge
    ('about' -> approximately, 'nearly', 'over'/'above'/'exceeding', 'up to').
    `repeats` holds other verbatim passages of the same article that restate the figure.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=_SLUG)
    document: PublishedDocument
    quote: str = Field(min_length=1, description="verbatim words of the seed containing the figure")
    repeats: tuple[str, ...] = ()
    attributed_to: str | None = Field(default=None, description="source the article credits")
    role: str | None = Field(default=None, pattern=_SLUG, description="taxonomy role id")
    role_text: str | None = Field(default=None, description="the role as written")
    level: Level | None = None
    place: PublishedPlace
    statistic: FigureStatistic
    bound: Literal["low", "high"] | None = Field(
        default=None, description="end of a range of percentages (money ranges use range_low/high)"
    )
    qualifier: Qualifier | None = None
    amount: float = Field(gt=0, description="the number as printed, in currency/period or percent")
    unit: Literal["percent", "count"] | None = None
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    period: PublishedPeriod | None = None
    component: PublishedComponent | None = None
    employment: Employment | None = None
    experience_years: float | None = Field(default=None, ge=0)
    experience_years_max: float | None = Field(default=None, ge=0)
    reference_year: int | None = Field(default=None, description="year the figure describes")
    group: str | None = Field(default=None, pattern=_SLUG)
    note: str | None = None

    @field_validator("quote")
    @classmethod
    def _quote_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("quote is blank")
        return value

    @model_validator(mode="after")
    def _fields_fit_statistic(self) -> PublishedFigure:
        if self.is_pay:
            needed = ("currency", "period", "component")
            missing = [name for name in needed if getattr(self, name) is None]
            if missing:
                raise ValueError(f"pay statistic {self.statistic} needs {', '.join(missing)}")
            if self.unit is not None or self.bound is not None:
                raise ValueError("unit and bound are for percentage figures only")
        else:
            if self.currency is not None or self.period is not None:
                raise ValueError(f"{self.statistic} is a percentage: no currency or period")
            if self.unit is None:
                raise ValueError(f"{self.statistic} needs a unit")
        if (
            self.experience_years is not None
            and self.experience_years_max is not None
            and self.experience_years_max < self.experience_years
        ):
            raise ValueError("experience_years_max is below experience_years")
        return self

    @property
    def is_pay(self) -> bool:
        """True for amounts of money (range ends, medians, means, values, percentiles)."""
        return self.statistic in PAY_STATISTICS

    @property
    def range_end(self) -> Literal["low", "high"] | None:
        """Which end of a range this figure is, for money and percentage ranges alike."""
        if self.statistic == "range_low":
            return "low"
        if self.statistic == "range_high":
            return "high"
        return self.bound

    @property
    def citation(self) -> str:
        """'Title (Publisher, date): "quote"', the form stored in Provenance.citation."""
        doc = self.document
        publisher = doc.publisher or "publisher not stated"
        return f'{doc.title} ({publisher}, {doc.date.isoformat()}): "{self.quote}"'


def _one_line(error: ValidationError, label: str) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "entry"
    more = f" (+{error.error_count() - 1} more)" if error.error_count() > 1 else ""
    return f"published figure {label}: {where}: {first['msg']}{more}"


def _check_groups(figures: Sequence[PublishedFigure]) -> None:
    """Each group is one low end and one high end of the same kind, low <= high;
    an ungrouped range end must say in its note why it has no partner."""
    groups: dict[str, list[PublishedFigure]] = defaultdict(list)
    for figure in figures:
        if figure.group is not None:
            groups[figure.group].append(figure)
        elif figure.range_end is not None and not (figure.note or "").strip():
            raise InputError(f"published figure {figure.id}: a lone range end needs a note")
        elif figure.bound is not None:
            raise InputError(f"published figure {figure.id}: bound is set but no group")
    for name, members in groups.items():
        ends = sorted(member.range_end or "?" for member in members)
        if ends != ["high", "low"]:
            raise InputError(f"published range {name}: needs one low and one high end, has {ends}")
        low, high = sorted(members, key=lambda member: member.range_end != "low")
        same = ("document", "currency", "period", "unit", "role", "level", "place", "component")
        differ = [key for key in same if getattr(low, key) != getattr(high, key)]
        if differ or low.is_pay != high.is_pay:
            what = ", ".join(differ) or "kind"
            raise InputError(f"published range {name}: ends differ in {what}")
        if low.amount > high.amount:
            raise InputError(f"published range {name}: low {low.amount:g} > high {high.amount:g}")


def parse_figures(data: Any) -> list[PublishedFigure]:
    """Validate the decoded JSON document ({"figures": [...]}) and return its figures.

    Checks each entry's fields, that ids are unique and that ranges are whole; raises
    InputError with a one-line message on the first problem.
    """
    if not isinstance(data, dict) or not isinstance(data.get("figures"), list):
        raise InputError("published figures: expected an object with a 'figures' list")
    figures: list[PublishedFigure] = []
    seen: set[str] = set()
    for index, raw in enumerate(data["figures"]):
        label = str(raw.get("id")) if isinstance(raw, dict) and raw.get("id") else f"#{index}"
        try:
            figure = PublishedFigure.model_validate(raw)
        except ValidationError as error:
            raise InputError(_one_line(error, label)) from None
        if figure.id in seen:
            raise InputError(f"published figure {figure.id}: duplicate id")
        seen.add(figure.id)
        figures.append(figure)
    _check_groups(figures)
    return figures


@functools.cache
def _load_cached() -> tuple[PublishedFigure, ...]:
    resource = resources.files(DATA_PACKAGE).joinpath(DATA_FILE)
    try:
        data = json.loads(resource.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"published figures: {DATA_FILE} is missing from {DATA_PACKAGE}") from None
    except json.JSONDecodeError as error:
        raise InputError(f"published figures: {DATA_FILE} is not valid JSON ({error})") from None
    return tuple(parse_figures(data))


def load_figures() -> list[PublishedFigure]:
    """Every figure published in the seed articles, validated (read once, then cached)."""
    return list(_load_cached())


def annual_amount(amount: float, period: str) -> float:
    """`amount` per `period` as an amount per year: hour x HOURS_PER_YEAR (2,080),
    month x 12, year x 1."""
    try:
        return amount * ANNUAL_FACTOR[period]
    except KeyError:
        raise InputError(f"published figures: unknown pay period {period!r}") from None
