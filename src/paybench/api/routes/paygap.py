"""The gender pay-gap report over HTTP: POST a payroll as CSV text (``Content-Type: text/csv``)
or as JSON rows (``{"rows": [{"employee_id": ..., "gender": ..., ...}, ...]}``), the options as
query parameters; the answer is `paybench.decide.paygap.PayGapReport`, the CLI's --json. The
same engine method as the CLI and the Python API (`Paybench.paygap`), so the figures and the
errors are theirs. The payroll is read in memory and a temporary file, never stored."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from paybench.api.deps import ERRORS, engine
from paybench.decide.paygap import PayGapReport
from paybench.decide.payroll import DEFAULT_MIN_GROUP
from paybench.errors import InputError, validated
from paybench.normalize.money import HOURS_PER_YEAR, MAX_HOURS_PER_YEAR

router = APIRouter(responses=ERRORS, tags=["decide"])

Cell = str | float | int | bool | None


class PayrollRows(BaseModel):
    """A payroll as JSON rows: one object per worker, column name to value (the columns of
    `paybench paygap --payroll`: employee_id, gender, category, annual_base, variable_pay,
    annual_hours or fte, and any factor columns)."""

    model_config = ConfigDict(extra="forbid")

    rows: list[dict[str, Cell]] = Field(min_length=1)


_BODY = {
    "required": True,
    "content": {
        "text/csv": {"schema": {"type": "string", "description": "the payroll as CSV with a header row"}},
        "application/json": {"schema": PayrollRows.model_json_schema()},
    },
}


@router.post("/paygap", response_model=PayGapReport, openapi_extra={"requestBody": _BODY})
async def paygap(
    request: Request,
    profile: Annotated[str, Query(pattern="^(eu|uk)$", description="eu (Directive (EU) 2023/970) or uk "
                                  "(SI 2017/172)")] = "eu",
    factors: Annotated[list[str] | None, Query(max_length=50,
                                               description="gender-neutral factor columns")] = None,
    mapping: Annotated[list[str] | None, Query(max_length=20,
                                               description="FIELD=COLUMN, e.g. gender=sex")] = None,
    min_group: Annotated[int, Query(ge=1, le=1_000_000, description="fewest women and men a group needs "
                                    "for its figures")] = DEFAULT_MIN_GROUP,
    full_time_hours: Annotated[float, Query(gt=0, le=MAX_HOURS_PER_YEAR,
                                            description="hours of a full-time year")] = HOURS_PER_YEAR,
    currency: Annotated[str | None, Query(max_length=10, description="the payroll's currency")] = None,
    role_column: Annotated[str | None, Query(max_length=200,
                                             description="column of each worker's role")] = None,
    level_column: Annotated[str | None, Query(max_length=200, description="column of the level")] = None,
    place: Annotated[str, Query(min_length=1, max_length=200, description="the market's place")] = "US",
) -> PayGapReport:
    """The gender pay-gap report of a payroll: the seven indicators of Directive (EU) 2023/970
    Art. 9(1) on annual and hourly pay, the Art. 10 trigger per category (gap >= 5% not
    justified by the declared factors), the explained and unexplained parts of each gap
    (Oaxaca-Blinder on log hourly pay), and each category's pay range with compa-ratios by
    gender; or the UK's six (profile uk). Groups of fewer than min_group women or men get no
    figures. Body up to 16 MiB; nothing is stored."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    payroll: str | list[dict[str, Any]]
    if kind == "text/csv":
        try:
            payroll = body.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(f"the CSV body is not UTF-8 (byte {exc.start})", field="payroll") from None
    elif kind in ("application/json", ""):
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            raise InputError("the body is not JSON; send {\"rows\": [...]} or text/csv",
                             field="payroll") from None
        payroll = list(validated(PayrollRows, data).rows)
    else:
        raise InputError(f"content type {kind!r}: send text/csv or application/json", field="payroll")
    pb = engine(request)
    return await run_in_threadpool(
        pb.paygap, payroll, profile=profile, mapping=mapping or [], factors=factors or [],
        min_group=min_group, full_time_hours=full_time_hours, currency=currency,
        role_column=role_column, level_column=level_column, place=place)
