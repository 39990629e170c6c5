"""The benchmark model cached beside its store (`<store>.bench.pkl`; `BenchmarkModel.load`).

The cache holds one model and the key it was built under (`cache_key`): the store's ingests
(every write of data goes through one) and its tables' row counts (so a write that bypassed
them still shows), a hash of every file of the method (the `paybench.bench` package, the
level and role modules and the role taxonomy), and the method's parameters (the component and
segment of a derived view among them; every derived view also keys on the version of the
segment rules the stored rows were filled under: a segment view counts the rows of its segment,
and a component view's ratio to base pay is weighed by segment, `paybench.bench.components`).
Any change of these rebuilds the model; a damaged or foreign file is rebuilt too.
Each view has its own file (`cache_path`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from importlib import resources
from pathlib import Path
from typing import Any

from paybench.bench.params import PARAMS, MethodParams, is_default_view
from paybench.store import Store

METHOD_MODULES = ("paybench.normalize.levels", "paybench.normalize.roles")
"""Modules outside `paybench.bench` whose rules the method uses (levels, role taxonomy)."""


def cache_path(store: Store, params: MethodParams = PARAMS) -> Path | None:
    """Where a store's benchmark model is cached: beside the store file (none in memory);
    a view of another component or a segment in a file of its own
    (`<store>.bench.total.big-tech.pkl`), so that asking for one never evicts the base cells."""
    if str(store.path) == ":memory:":
        return None
    view = "" if is_default_view(params) else f".{params.component}.{params.segment or 'all'}"
    return store.path.with_name(f"{store.path.name}.bench{view}.pkl")


def method_digest() -> str:
    """SHA-256 of the method's code and taxonomy: every file of `paybench.bench`, the modules
    in `METHOD_MODULES` and `roles.json`."""
    import importlib

    digest = hashlib.sha256()
    package = Path(__file__).parent
    for path in sorted(package.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for name in METHOD_MODULES:
        module_file = importlib.import_module(name).__file__
        assert module_file is not None
        digest.update(Path(module_file).read_bytes())
    digest.update(resources.files("paybench.data").joinpath("roles.json").read_bytes())
    return digest.hexdigest()


def cache_key(store: Store, params: MethodParams = PARAMS) -> tuple[Any, ...]:
    """What a cached model must match (see the module doc)."""
    ingests = store.query("SELECT ingest_id, source, file_sha256, rows_kept FROM ingests ORDER BY ingest_id")
    counts = store.con.execute(
        "SELECT (SELECT count(*) FROM observations), (SELECT count(*) FROM statistics), "
        "(SELECT count(*) FROM oews)").fetchone()
    # a derived view depends on the rules the stored rows' segments were filled under (a
    # segment view counts its segment's rows; a component view weighs its ratios by segment)
    segments = None if is_default_view(params) else store.segment_rules_version()
    return (method_digest(), [tuple(r) for r in ingests.itertuples(index=False)],
            tuple(counts or ()), params.key(), segments)


def read_cached(path: Path, key: tuple[Any, ...]) -> object | None:
    """The object cached at `path` under `key`, or None (absent, another key, unreadable)."""
    try:
        with path.open("rb") as handle:
            cached_key, value = pickle.load(handle)
    except Exception:  # absent, damaged or from another version: rebuild
        return None
    return value if cached_key == key else None


def write_cached(path: Path, key: tuple[Any, ...], value: object) -> None:
    """Cache `value` under `key` at `path` atomically; a read-only folder is not an error (the
    value is still right, only not cached)."""
    tmp = path.with_name(f"{path.name}.tmp{os.getpid()}")
    try:
        with tmp.open("wb") as handle:
            pickle.dump((key, value), handle, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
    except OSError:
        with contextlib.suppress(OSError):  # on a read-only file system there is nothing to remove
            tmp.unlink(missing_ok=True)
