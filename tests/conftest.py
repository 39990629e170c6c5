"""Shared fixtures: the real data in ../shared (read at test time, never copied) and a
fresh store per test."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The shared real-data folder; tests that need it fail loudly if it is absent."""
    path = SHARED / "data"
    assert path.is_dir(), f"shared data folder missing: {path}"
    return path


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The five seed articles."""
    path = SHARED / "seeds"
    assert path.is_dir(), f"seeds folder missing: {path}"
    return path
