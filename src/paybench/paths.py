"""Where paybench keeps its files: the store (PAYBENCH_DB) and a cache directory."""

from __future__ import annotations

import contextlib
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


def read_kept(path: Path) -> str | None:
    """The text of a file of a bounded cache folder (`keep_text`), marked most recently used;
    None when it is not there or cannot be read."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # most recently used
    return text


def keep_text(path: Path, text: str, keep: int) -> None:
    """Write `text` to `path` atomically in a bounded cache folder: the folder keeps the `keep`
    most recently used files of `path`'s suffix (`read_kept` marks a file used). An error of
    the file system only loses the cache."""
    tmp = path.with_name(f"{path.name}.tmp{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
        kept = sorted(path.parent.glob(f"*{path.suffix}"), key=lambda p: p.stat().st_mtime)
        for old in kept[:-keep]:
            old.unlink(missing_ok=True)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


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


def write_output(path: Path | str, text: str, field: str) -> Path | None:
    """Write `text` (UTF-8) to a file a user named for output, creating its missing folders as
    every command that writes files does (`paybench guide --out`, `export --out`, `roster
    --output`); returns the outermost folder it created, None when it created none (for the
    caller to say so). InputError naming `field` (one line) when the path is a directory or a
    folder or the file cannot be created or written."""
    from paybench.errors import InputError

    target = Path(path)
    if target.is_dir():
        raise InputError(f"{target} is a directory, not a file", field=field)
    missing = [folder for folder in target.parents if not folder.exists()]
    blocking = next((folder for folder in target.parents if folder.exists()), None)
    if blocking is not None and not blocking.is_dir():
        raise InputError(f"cannot create the folder {target.parent}: {blocking} is a file", field=field)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the folder {target.parent}: {exc.strerror or exc}",
                         field=field) from None
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {target}: {exc.strerror or exc}", field=field) from None
    return missing[-1] if missing else None


def compute_threads() -> int:
    """Threads for model fitting and prediction: PAYBENCH_THREADS when set (e.g. 1 when
    several processes share the cores: LightGBM's OpenMP threads spin and slow to a crawl
    when more of them than cores compete), else the cores, at most 2."""
    text = os.environ.get("PAYBENCH_THREADS", "").strip()
    if text.isdigit() and int(text) > 0:
        return int(text)
    return max(1, min(2, os.cpu_count() or 1))
