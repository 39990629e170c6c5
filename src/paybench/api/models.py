"""The models only the HTTP API has: errors, health, lists wrapping the core's records, and the
admin requests. Every other request and response model is the core's own record (from
`paybench.engine`, `paybench.bench`, `paybench.estimate`, `paybench.decide`, ...), so no field
list is declared twice. Money is annual US dollars unless a name says otherwise."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from paybench.engine import LevelInfo, MetroInfo, RoleInfo, TitleSuggestion
from paybench.submissions import PendingReview


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
    refreshing: int = Field(default=0, description="values being rebuilt in the background after "
                            "the store changed (answered from the previous store meanwhile)")
    uptime_seconds: float


class RoleList(BaseModel):
    """Roles, in taxonomy order."""

    count: int
    roles: list[RoleInfo]


class LevelList(BaseModel):
    """All levels in increasing seniority."""

    levels: list[LevelInfo]


class MetroList(BaseModel):
    """Metros, largest tech employment first."""

    count: int
    metros: list[MetroInfo]


class TitleSuggestions(BaseModel):
    """Type-ahead suggestions, best first."""

    query: str
    suggestions: list[TitleSuggestion]


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
    columns: dict[str, str] | None = Field(
        default=None, max_length=40,
        description="job postings in a layout paybench cannot tell from the header: field -> "
                    "column, e.g. {\"title\": \"Job Title\", \"pay\": \"Salary Estimate\"} (as "
                    "`paybench ingest --map`)")


class ReviewList(BaseModel):
    """Held-back submissions awaiting a decision."""

    pending: list[PendingReview]


class ReviewDecision(BaseModel):
    """Approve (the submission joins the data) or reject it."""

    model_config = ConfigDict(extra="forbid")

    decision: Literal["approve", "reject"]


class ReviewOut(BaseModel):
    """The review's new status."""

    review_id: int
    status: str


class TrainOut(BaseModel):
    """The estimator's state after asking for a training run (`paybench.engine.EstimatorState`:
    status 'training' while it runs)."""

    status: str
    detail: dict[str, Any]
