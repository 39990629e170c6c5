"""Request and response models of the HTTP API (money in annual US dollars unless named)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from paybench.bench import BenchmarkCell, CellPlace
from paybench.submissions import SubmissionResult


class ErrorDetail(BaseModel):
    """What went wrong."""

    status: int
    message: str = Field(description="one line, for people")
    field: str | None = Field(default=None, description="the request field at fault, if one is")


class ErrorResponse(BaseModel):
    """Every error response has this shape."""

    error: ErrorDetail


class Health(BaseModel):
    """Liveness: the process answers (touches neither the store nor the model)."""

    status: Literal["ok"]
    version: str
    model_loaded: bool
    uptime_seconds: float


class SourceStatus(BaseModel):
    """What the store holds from one source."""

    source: str
    files: int
    rows_read: int
    rows_kept: int
    rows_quarantined: int
    rows_skipped: int
    last_ingest: str | None


class StatusOut(BaseModel):
    """The store's contents by source."""

    sources: list[SourceStatus]
    submissions: dict[str, int]


class RoleOut(BaseModel):
    """A canonical role of the taxonomy."""

    id: str
    name: str
    area: str
    soc_codes: list[str]
    ml: bool = Field(description="in a salary guide's machine-learning / AI section")
    levels: list[str] = Field(description="the levels the role is benchmarked at")


class RoleList(BaseModel):
    """Roles, in taxonomy order."""

    count: int
    roles: list[RoleOut]


class LevelOut(BaseModel):
    """A seniority level."""

    id: str
    name: str
    individual_contributor: bool


class LevelList(BaseModel):
    """All levels in increasing seniority."""

    levels: list[LevelOut]


class MetroOut(BaseModel):
    """A metro area (CBSA) with OEWS wages; employment in computer and mathematical
    occupations (OEWS 15-0000) when published."""

    cbsa: str
    name: str
    tech_employment: float | None


class MetroList(BaseModel):
    """Metros, largest tech employment first."""

    count: int
    metros: list[MetroOut]


class TitleMatchOut(BaseModel):
    """A job title normalized to a role and a level."""

    title: str
    role: str | None
    role_name: str | None
    level: str | None
    confidence: float
    reason: str | None


class TitleSuggestion(BaseModel):
    """One type-ahead suggestion for a title being typed."""

    label: str = Field(description="the text to show and fill in")
    role: str
    role_name: str
    area: str
    level: str | None


class TitleSuggestions(BaseModel):
    """Type-ahead suggestions, best first."""

    query: str
    suggestions: list[TitleSuggestion]


class PlaceOut(BaseModel):
    """A place normalized to country, state, metro (CBSA) and work mode, and the benchmark
    cell scope it falls in."""

    text: str
    country: str | None
    state: str | None
    metro: str | None
    metro_name: str | None
    remote: bool
    work_mode: str | None
    note: str | None
    cell: CellPlace


class PublishedFigure(BaseModel):
    """A figure published in a salary guide, with its citation (annual USD)."""

    figure_id: str | None
    level: str | None
    stat: str
    annual_usd: float
    qualifier: str | None
    place_label: str
    published_on: dt.date | None
    citation: str | None


class CellsResponse(BaseModel):
    """Benchmark cells for one role in one place, one per level, with the national cells
    beside them and the published figures that match."""

    role: str
    role_name: str
    place: CellPlace
    cells: list[BenchmarkCell]
    national: list[BenchmarkCell] = Field(description="the same levels nationally (empty when "
                                          "the place is national)")
    published: list[PublishedFigure]


class CompareResponse(BaseModel):
    """Cells side by side: one role in up to four places, or up to four roles in one place."""

    level: str
    cells: list[BenchmarkCell]


class GuideRowOut(BaseModel):
    """One row of the salary guide (annual USD base pay)."""

    role: str
    role_name: str
    area: str
    level: str
    scope: str
    place: str
    place_label: str
    p10: int
    p25: int
    p50: int
    p75: int
    p90: int
    n: int
    n_parent: int
    method: str
    confidence: str
    sources: str
    published: str
    place_differential: float | None


class GuideResponse(BaseModel):
    """Guide tables: mid and senior ranges for every role, nationally and in the largest
    tech metros (leadership roles at their own level)."""

    effective_date: dt.date
    metros: list[MetroOut]
    count: int
    total: int
    rows: list[GuideRowOut]


SubmissionOut = SubmissionResult
"""What happened to a submission (the core's own record of it)."""


class SubmissionCounts(BaseModel):
    """Counts of submissions (no individual data is ever served)."""

    stored: int
    pending_review: int
    rejected: int
    minimum_per_cell: int = Field(description="cells built from submissions need this many")


class IngestRequest(BaseModel):
    """Ingest a file that is on the server's disk (admin only)."""

    model_config = ConfigDict(extra="forbid")

    path: str = Field(min_length=1, max_length=4096, description="a path on the server")
    source: str | None = Field(default=None, max_length=40, description="force the format")


class IngestOut(BaseModel):
    """What an ingest did."""

    source: str
    path: str
    ingest_id: int | None
    already_ingested: bool
    rows_read: int
    rows_kept: int
    rows_quarantined: int
    rows_skipped: int
    notes: list[str]
    seconds: float


class ReviewItem(BaseModel):
    """A held-back submission (admin only)."""

    review_id: int
    received_at: str
    reason: str
    role: str
    level: str
    metro: str | None
    state: str | None
    country: str | None
    base_annual_usd: float


class ReviewList(BaseModel):
    """Held-back submissions awaiting a decision."""

    pending: list[ReviewItem]


class ReviewDecision(BaseModel):
    """Approve (the submission joins the data) or reject it."""

    model_config = ConfigDict(extra="forbid")

    decision: Literal["approve", "reject"]


class ReviewOut(BaseModel):
    """The review's new status."""

    review_id: int
    status: str


class TrainOut(BaseModel):
    """What re-training the estimator did."""

    status: str
    detail: dict[str, Any]
