"""Where paybench keeps its files: the store (PAYBENCH_DB) and a cache directory."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs


def data_dir() -> Path:
    """The per-user data directory (PAYBENCH_HOME overrides it); created if missing."""
    override = os.environ.get("PAYBENCH_HOME")
    path = Path(override) if override else Path(platformdirs.user_data_dir("paybench"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_db_path() -> Path:
    """The DuckDB store: PAYBENCH_DB if set, else `paybench.duckdb` in the data directory."""
    override = os.environ.get("PAYBENCH_DB")
    return Path(override) if override else data_dir() / "paybench.duckdb"


def cache_dir() -> Path:
    """Derived files (the unpacked OEWS SQLite, trained models) that can be rebuilt."""
    path = data_dir() / "cache"
    path.mkdir(parents=True, exist_ok=True)
    return path
