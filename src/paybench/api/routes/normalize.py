"""Title and place normalization, and title type-ahead."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from paybench.api.deps import ERRORS
from paybench.api.models import TitleSuggestions
from paybench.engine import Paybench, PlaceMatch
from paybench.normalize.titles import TitleMatch

router = APIRouter(responses=ERRORS)


@router.get("/titles/normalize", response_model=TitleMatch, tags=["normalize"])
def title_normalize(
    title: Annotated[str, Query(min_length=1, max_length=300, description="a job title")],
) -> TitleMatch:
    """A job title as a canonical role and level, with a confidence (or the reason it
    matches no role)."""
    return Paybench.title(title)


@router.get("/titles/suggest", response_model=TitleSuggestions, tags=["normalize"])
def title_suggest(
    q: Annotated[str, Query(max_length=100, description="what has been typed so far")],
    limit: Annotated[int, Query(ge=1, le=25)] = 8,
) -> TitleSuggestions:
    """Type-ahead: roles whose name or alias starts with, contains or resembles what was
    typed; seniority words typed ('senior ml') carry over as the level."""
    return TitleSuggestions(query=q, suggestions=Paybench.suggest_titles(q, limit))


@router.get("/places/normalize", response_model=PlaceMatch, tags=["normalize"])
def place_normalize(
    place: Annotated[str, Query(min_length=1, max_length=300,
                                description="a city, metro, state, ZIP, country or 'remote'")],
) -> PlaceMatch:
    """A place as country, state, metro (CBSA) and work mode, and its benchmark scope."""
    return Paybench.place(place)
