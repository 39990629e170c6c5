"""Health, store status, roles, levels and metros."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from paybench import __version__
from paybench.api.deps import ERRORS, engine, state
from paybench.api.errors import ApiError
from paybench.api.models import Health, LevelList, MetroList, RoleList
from paybench.engine import Paybench, RoleInfo, StoreContents
from paybench.errors import InputError
from paybench.sources.submission import SOURCE

SUBMISSION_SOURCE = SOURCE.id

router = APIRouter(responses=ERRORS)


@router.get("/health", response_model=Health, tags=["meta"])
async def health(request: Request) -> Health:
    """The process answers; says whether the benchmark model is loaded. (Reads two values
    in memory: answered on the event loop, without a worker thread.)"""
    st = state(request)
    return Health(status="ok", version=__version__, model_loaded=st.engine.model_ready(),
                  refreshing=st.engine.refreshing(), uptime_seconds=round(time.time() - st.started_at, 3))


@router.get("/status", response_model=StoreContents, tags=["meta"])
def status(request: Request) -> StoreContents:
    """What the store holds, by source, and submission counts (the store's file and the
    quarantined rows' reasons, which `paybench status` shows, are for its operator).

    Submissions are only counted (`submissions`): they are not listed among the sources,
    whose rows would give the time of the latest one (to the second, so who sent it) and,
    read before and after one, how many pay components it had."""
    found = engine(request).status()
    sources = [s for s in found.sources if s.source != SUBMISSION_SOURCE]
    return StoreContents(sources=sources, submissions=found.submissions,
                         estimator=engine(request).estimator_state())


@router.get("/roles", response_model=RoleList, tags=["taxonomy"])
def list_roles(
    request: Request,
    area: Annotated[str | None, Query(max_length=60, description="one of the eight areas")] = None,
    q: Annotated[str | None, Query(max_length=100, description="words in the name or id")] = None,
    ml: Annotated[bool | None, Query(description="only ML / AI roles")] = None,
) -> RoleList:
    """Roles of the taxonomy, filtered by area, words or the ML section."""
    found = engine(request).roles(area=area, q=q, ml=ml)
    return RoleList(count=len(found), roles=found)


@router.get("/roles/{role_id}", response_model=RoleInfo, tags=["taxonomy"])
def get_role_route(request: Request, role_id: Annotated[str, Path(max_length=100)]) -> RoleInfo:
    """One role by id (or the role a title maps to); 404 when none."""
    try:
        return engine(request).role(role_id, "role_id")
    except InputError as exc:
        raise ApiError(404, exc.message, "role_id") from None


@router.get("/levels", response_model=LevelList, tags=["taxonomy"])
def list_levels() -> LevelList:
    """Seniority levels, individual contributors first."""
    return LevelList(levels=Paybench.levels())


@router.get("/metros", response_model=MetroList, tags=["taxonomy"])
def list_metros(
    request: Request,
    q: Annotated[str | None, Query(max_length=100, description="words in the metro name")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> MetroList:
    """Metros (CBSA) with OEWS wages, largest tech employment first."""
    found = engine(request).metros(q)
    return MetroList(count=len(found), metros=found[:limit])
