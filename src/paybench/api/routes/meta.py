"""Health, store status, roles, levels and metros."""

from __future__ import annotations

import time
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Path, Query, Request

from paybench import __version__
from paybench.api.deps import ERRORS, role_levels, role_param, state
from paybench.api.errors import ApiError
from paybench.api.models import (
    Health,
    LevelList,
    LevelOut,
    MetroList,
    MetroOut,
    RoleList,
    RoleOut,
    SourceStatus,
    StatusOut,
)
from paybench.errors import InputError
from paybench.normalize.levels import IC_LEVELS, LEVEL_NAMES, LEVELS
from paybench.normalize.roles import AREAS, ML_ROLE_IDS, Role, roles
from paybench.store import Store
from paybench.submissions import submission_counts

router = APIRouter(responses=ERRORS)


@router.get("/health", response_model=Health, tags=["meta"])
def health(request: Request) -> Health:
    """The process answers; says whether the benchmark model is loaded."""
    st = state(request)
    return Health(status="ok", version=__version__, model_loaded=st.model_ready(),
                  uptime_seconds=round(time.time() - st.started_at, 3))


@router.get("/status", response_model=StatusOut, tags=["meta"])
def status(request: Request) -> StatusOut:
    """What the store holds, by source, and submission counts."""
    with state(request).db() as store:
        frame = store.status()
        counts = submission_counts(store)
    sources = []
    for row in frame.astype(object).where(frame.notna(), None).to_dict("records"):
        sources.append(SourceStatus(
            source=row["source"], files=int(row["files"]), rows_read=int(row["rows_read"] or 0),
            rows_kept=int(row["rows_kept"] or 0), rows_quarantined=int(row["rows_quarantined"] or 0),
            rows_skipped=int(row["rows_skipped"] or 0),
            last_ingest=None if row["last_ingest"] is None else str(row["last_ingest"])[:19]))
    return StatusOut(sources=sources, submissions=counts)


def _role_out(role: Role) -> RoleOut:
    return RoleOut(id=role.id, name=role.name, area=role.area, soc_codes=list(role.soc_codes),
                   ml=role.id in ML_ROLE_IDS, levels=role_levels(role))


@router.get("/roles", response_model=RoleList, tags=["taxonomy"])
def list_roles(
    area: Annotated[str | None, Query(max_length=60, description="one of the eight areas")] = None,
    q: Annotated[str | None, Query(max_length=100, description="words in the name or id")] = None,
    ml: Annotated[bool | None, Query(description="only ML / AI roles")] = None,
) -> RoleList:
    """Roles of the taxonomy, filtered by area, words or the ML section."""
    if area is not None and area not in AREAS:
        raise InputError(field="area", message=f"unknown area {area!r}; expected one of {', '.join(AREAS)}")
    words = (q or "").lower().split()
    found = [
        r for r in roles().values()
        if (area is None or r.area == area) and (ml is None or (r.id in ML_ROLE_IDS) == ml)
        and all(w in r.name.lower() or w in r.id for w in words)
    ]
    return RoleList(count=len(found), roles=[_role_out(r) for r in found])


@router.get("/roles/{role_id}", response_model=RoleOut, tags=["taxonomy"])
def get_role_route(role_id: Annotated[str, Path(max_length=100)]) -> RoleOut:
    """One role by id (or the role a title maps to); 404 when none."""
    try:
        return _role_out(role_param(role_id, "role_id"))
    except InputError as exc:
        raise ApiError(404, str(exc), "role_id") from None


@router.get("/levels", response_model=LevelList, tags=["taxonomy"])
def list_levels() -> LevelList:
    """Seniority levels, individual contributors first."""
    return LevelList(levels=[LevelOut(id=lv, name=LEVEL_NAMES[lv], individual_contributor=lv in IC_LEVELS)
                             for lv in LEVELS])


def _metros(store: Store) -> list[dict[str, Any]]:
    frame = store.query(
        """
        SELECT a.cbsa, any_value(a.area_name) AS name, max(t.employment) AS tech_employment
        FROM oews a
        LEFT JOIN oews t ON t.cbsa = a.cbsa AND t.soc_code = '15-0000'
             AND t.industry_code = '000000' AND t.release = a.release
        WHERE a.area_type = 'M' AND a.cbsa IS NOT NULL AND a.industry_code = '000000'
          AND a.release = (SELECT max(release) FROM oews)
        GROUP BY a.cbsa
        ORDER BY tech_employment DESC NULLS LAST, name
        """
    )
    frame = frame.astype(object).where(pd.notna(frame), None)
    return frame.to_dict("records")


@router.get("/metros", response_model=MetroList, tags=["taxonomy"])
def list_metros(
    request: Request,
    q: Annotated[str | None, Query(max_length=100, description="words in the metro name")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> MetroList:
    """Metros (CBSA) with OEWS wages, largest tech employment first."""
    rows = state(request).cached("metros", _metros)
    words = (q or "").lower().split()
    found = [m for m in rows if all(w in str(m["name"]).lower() for w in words)]
    return MetroList(count=len(found), metros=[MetroOut(**m) for m in found[:limit]])

