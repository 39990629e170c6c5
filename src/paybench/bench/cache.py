"""The benchmark model cached beside its store (`<store>.bench.pkl`).

The cache holds one model and the key it was built under (`cache_key`): the store's ingests
(every write of data goes through one) and its tables' row counts (so a write that bypassed
them still shows), a hash of every file of the method (the `paybench.bench` package, the
level and role modules and the role taxonomy), and the method's parameters. Any change of
these rebuilds the model; a damaged or foreign file is rebuilt too.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from importlib import resources
from pathlib import Path
from typing import Any

from paybench.bench.model import BenchmarkModel
from paybench.bench.params import PARAMS, MethodParams
from paybench.store import Store

METHOD_MODULES = ("paybench.normalize.levels", "paybench.normalize.roles")
"""Modules outside `paybench.bench` whose rules the method uses (levels, role taxonomy)."""


def cache_path(store: Store) -> Path | None:
    """Where a store's benchmark model is cached: beside the store file (none in memory)."""
    if str(store.path) == ":memory:":
        return None
    return store.path.with_name(store.path.name + ".bench.pkl")


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
    return (method_digest(), [tuple(r) for r in ingests.itertuples(index=False)],
            tuple(counts or ()), params.key())


def load_model(store: Store, params: MethodParams = PARAMS) -> BenchmarkModel:
    """The cached model when its key matches, else a model built now (and cached when the
    store's folder is writable)."""
    path = cache_path(store)
    if path is None:
        return BenchmarkModel.build(store, params)
    key = cache_key(store, params)
    try:
        with path.open("rb") as handle:
            cached_key, model = pickle.load(handle)
        if cached_key == key and isinstance(model, BenchmarkModel):
            return model
    except Exception:  # absent, unreadable or from another version: rebuild
        pass
    model = BenchmarkModel.build(store, params)
    tmp = path.with_name(f"{path.name}.tmp{os.getpid()}")
    try:
        with tmp.open("wb") as handle:
            pickle.dump((key, model), handle, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
    except OSError:  # a read-only folder: the model is still right, only not cached
        tmp.unlink(missing_ok=True)
    return model
