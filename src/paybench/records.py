"""Normalized records shared by every source adapter and the store.

An adapter yields `Observation` (one person's or one posting's pay) or `Statistic`
(an aggregate published by someone else: an OEWS percentile, a guide's range) or
`Rejected` (a row that cannot be used, with its reason). Every record carries
`Provenance`. Money fields are annual US dollars unless the name says otherwise.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from paybench.normalize.components import Component as Component  # the one home of the ids


def reject_bool(value: Any) -> Any:
    """A number field's first check: JSON `true`/`false` is not a number (pydantic would
    otherwise read it as 1 or 0)."""
    if isinstance(value, bool):
        raise ValueError("must be a number, not true or false")
    return value


Number = Annotated[float, BeforeValidator(reject_bool)]
"""A float field of a request: numbers (and numeric text, as a CSV gives), never a boolean."""
Count = Annotated[int, BeforeValidator(reject_bool)]
"""An int field of a request: never a boolean."""

Level = Literal[
    "entry", "mid", "senior", "staff", "principal", "manager", "director", "executive"
]
"""A seniority level (`paybench.normalize.levels` maps titles, codes and years to one)."""

FigureKind = Literal["paid", "posted", "filed", "published", "statistic", "submitted", "estimated"]
"""What a figure is: pay actually paid (survey), posted (job ad range), filed (H-1B LCA),
published (a guide's figure), statistic (official aggregate such as OEWS), submitted, or
estimated (a job board's estimate of a posting's pay: Adzuna's predicted salary, Glassdoor's
"(Glassdoor est.)"; kept, marked, and used by no benchmark: `MethodParams.kinds_used` leaves it
out)."""

Period = Literal["hour", "day", "week", "biweek", "month", "year"]
WorkMode = Literal["remote", "hybrid", "onsite"]
StatName = Literal[
    "p10", "p25", "p50", "p75", "p90", "mean", "median", "range_low", "range_high", "value"
]


class SourceInfo(BaseModel):
    """What a source adapter declares about its data: its id (stored with every record), what
    it reads, the data's licence and the attribution the licence asks for."""

    model_config = ConfigDict(frozen=True)

    id: str
    description: str
    licence: str
    attribution: str | None = None


class Provenance(BaseModel):
    """Where a figure came from: the source, the file (by SHA-256) and the row, or a citation."""

    model_config = ConfigDict(frozen=True)

    source: str = Field(description="source id, e.g. 'aijobs', 'oews', 'published'")
    file_sha256: str | None = None
    row_number: int | None = Field(default=None, description="1-based data row in the file")
    citation: str | None = Field(default=None, description="document and quoted words")


class SkillMention(BaseModel):
    """A skill, degree or certification asked for (or held), by its taxonomy id."""

    model_config = ConfigDict(frozen=True)

    skill: str
    requirement: Literal["required", "preferred"] | None = None


class Observation(BaseModel):
    """One pay figure about one person or one posting, normalized.

    `annual_usd` is the point value (midpoint of a range) in US dollars per year at the
    observation's date; `annual_usd_min`/`annual_usd_max` keep a range as given. All three are
    None for pay in a currency without an ECB reference rate (a posting's PKR, NGN ... pay,
    kept in `currency` and `amount_raw`): no benchmark uses such a row (the usable observations
    require `annual_usd > 0`, `paybench.bench.observations`).
    """

    provenance: Provenance
    kind: FigureKind
    observed_on: dt.date
    raw_title: str
    role: str | None
    role_confidence: float | None = None
    level: str | None
    level_basis: str | None = Field(
        default=None,
        description="title, survey_code, years, wage_level, job_level, company_level, level_words")
    country: str | None
    state: str | None = None
    metro: str | None = None
    work_mode: WorkMode | None = None
    employment_type: str | None = None
    company_size: str | None = None
    industry: str | None = None
    employer: str | None = None
    component: Component = "base"
    currency: str
    period: Period
    amount_raw: float
    amount_raw_max: float | None = None
    annual_usd: float | None
    annual_usd_min: float | None = None
    annual_usd_max: float | None = None
    top_coded: bool = False
    weight: float = 1.0
    dedup_key: str = Field(description="hash of the raw row's content, for duplicate counting")
    years_experience: float | None = Field(default=None, description="years of experience")
    skills: list[SkillMention] = Field(
        default_factory=list, description="stored apart, in observation_skills")


class Statistic(BaseModel):
    """An aggregate figure published by an authority or a guide, normalized to annual USD."""

    provenance: Provenance
    kind: FigureKind
    published_on: dt.date
    role: str | None
    soc_code: str | None = None
    level: str | None
    country: str | None = "US"
    state: str | None = None
    metro: str | None = None
    work_mode: WorkMode | None = None
    stat: StatName
    annual_usd: float
    period: Period = "year"
    amount_raw: float
    weight: float = Field(default=1.0, description="how many people the figure stands for, if known")
    note: str | None = None
    component: Component = "base"
    employment_type: str | None = Field(default=None, description="full_time, contract, freelance")
    qualifier: str | None = Field(default=None, description="approximately, nearly, over, up_to")
    figure_id: str | None = Field(default=None, description="id of a published figure")
    group_key: str | None = Field(
        default=None, description="figures that belong together (the two ends of a range)")


class Rejected(BaseModel):
    """A row that could not be used: it goes to the quarantine table with its reason."""

    provenance: Provenance
    reason: str
    raw: str
