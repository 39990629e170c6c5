"""Title and place normalization, and title type-ahead."""

from __future__ import annotations

import functools
from typing import Annotated

from fastapi import APIRouter, Query
from rapidfuzz import fuzz, process

from paybench.api.deps import ERRORS
from paybench.api.models import TitleSuggestion, TitleSuggestions
from paybench.engine import Paybench, PlaceMatch
from paybench.normalize.levels import LEVEL_NAMES
from paybench.normalize.roles import get_role, roles
from paybench.normalize.titles import TitleMatch, normalize_title, split_seniority

router = APIRouter(responses=ERRORS)


@router.get("/titles/normalize", response_model=TitleMatch, tags=["normalize"])
def title_normalize(
    title: Annotated[str, Query(min_length=1, max_length=300, description="a job title")],
) -> TitleMatch:
    """A job title as a canonical role and level, with a confidence (or the reason it
    matches no role)."""
    return Paybench.title(title)


@functools.cache
def _choices() -> tuple[list[str], list[str]]:
    """Every role name and alias (lower case) and the role id each stands for."""
    labels: list[str] = []
    ids: list[str] = []
    for role in roles().values():
        for text in (role.name, *role.aliases):
            key = text.lower()
            if key not in labels:
                labels.append(key)
                ids.append(role.id)
    return labels, ids


@router.get("/titles/suggest", response_model=TitleSuggestions, tags=["normalize"])
def title_suggest(
    q: Annotated[str, Query(max_length=100, description="what has been typed so far")],
    limit: Annotated[int, Query(ge=1, le=25)] = 8,
) -> TitleSuggestions:
    """Type-ahead: roles whose name or alias starts with, contains or resembles what was
    typed; seniority words typed ('senior ml') carry over as the level."""
    text = q.strip()
    if not text:
        return TitleSuggestions(query=q, suggestions=[])
    core, level = split_seniority(text)
    needle = (core or text).lower()
    labels, ids = _choices()
    ranked: list[tuple[int, float, str]] = []
    for i, label in enumerate(labels):
        if label.startswith(needle):
            ranked.append((0, -len(label), ids[i]))
        elif needle in label:
            ranked.append((1, -len(label), ids[i]))
    if len(ranked) < limit and len(needle) >= 3:
        for _, score, i in process.extract(needle, labels, scorer=fuzz.WRatio, limit=limit * 3):
            if score >= 70:
                ranked.append((2, score, ids[i]))
    ranked.sort(key=lambda r: (r[0], -r[1]))  # shortest label, or best score, first
    match = normalize_title(text)
    ordered: list[str] = [match.role] if match.role else []
    for _, _, role_id in ranked:
        if role_id not in ordered:
            ordered.append(role_id)
    suggestions = []
    for role_id in ordered[:limit]:
        role = get_role(role_id)
        label = f"{LEVEL_NAMES[level]} {role.name}" if level else role.name
        suggestions.append(TitleSuggestion(label=label, role=role.id, role_name=role.name,
                                           area=role.area, level=level))
    return TitleSuggestions(query=q, suggestions=suggestions)


@router.get("/places/normalize", response_model=PlaceMatch, tags=["normalize"])
def place_normalize(
    place: Annotated[str, Query(min_length=1, max_length=300,
                                description="a city, metro, state, ZIP, country or 'remote'")],
) -> PlaceMatch:
    """A place as country, state, metro (CBSA) and work mode, and its benchmark scope."""
    return Paybench.place(place)
