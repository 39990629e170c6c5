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


def user_file(path: Path | str, field: str) -> Path:
    """A file a user named, checked before it is read: InputError naming `field` when it does
    not exist or is a directory, a device, a pipe or a socket."""
    from paybench.errors import InputError

    found = Path(path)
    if not found.exists():
        raise InputError(f"no such file: {found}", field=field)
    if found.is_dir():
        raise InputError(f"{found} is a directory, not a file", field=field)
    if not found.is_file():
        raise InputError(f"{found} is not a regular file (a device, pipe or socket)", field=field)
    return found


def compute_threads() -> int:
    """Threads for model fitting and prediction: PAYBENCH_THREADS when set (e.g. 1 when
    several processes share the cores: LightGBM's OpenMP threads spin and slow to a crawl
    when more of them than cores compete), else the cores, at most 2."""
    text = os.environ.get("PAYBENCH_THREADS", "").strip()
    if text.isdigit() and int(text) > 0:
        return int(text)
    return max(1, min(2, os.cpu_count() or 1))
