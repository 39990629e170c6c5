"""What one server process holds: the store (opened once, read-write), a lock around its
connection, and the benchmark model, the guide and the metro list cached until the
store's ingests change."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from paybench.bench import BenchmarkModel
from paybench.store import Store

T = TypeVar("T")


@dataclass
class Settings:
    """Server settings. Sizes in bytes; rates in requests per minute per client IP."""

    db_path: Path | None = None
    admin_token: str | None = None
    submission_burst: float = 10.0
    submission_per_minute: float = 10.0
    max_body_bytes: int = 64 * 1024
    max_batch_body_bytes: int = 1024 * 1024
    batch_max_rows: int = 1000
    warm: bool = True


@dataclass
class ServerState:
    """The store, its lock and the caches derived from it."""

    settings: Settings
    store: Store
    lock: threading.RLock = field(default_factory=threading.RLock)
    _cache: dict[str, tuple[tuple[Any, ...], Any]] = field(default_factory=dict)
    _building: dict[str, threading.Lock] = field(default_factory=dict)
    _signature: tuple[Any, ...] | None = None
    _signature_at: float = 0.0
    started_at: float = field(default_factory=time.time)
    extras: dict[str, Any] = field(default_factory=dict)
    """Other per-process objects (the estimator model), replaced explicitly."""

    @classmethod
    def open(cls, settings: Settings) -> ServerState:
        """Open the store read-write, loading the embedded defaults on first use."""
        from paybench.ingest import ensure_defaults

        store = Store(settings.db_path)
        ensure_defaults(store)
        return cls(settings=settings, store=store)

    @contextmanager
    def db(self) -> Iterator[Store]:
        """The store, with its connection held for this thread alone."""
        with self.lock:
            yield self.store

    def signature(self) -> tuple[Any, ...]:
        """What identifies the store's content: the last ingest id, the number of ingests and
        the review table's size. Re-read at most every 0.2 s; writes through this process
        call `invalidate`."""
        now = time.monotonic()
        if self._signature is None or now - self._signature_at > 0.2:
            with self.lock:
                row = self.store.con.execute(
                    "SELECT (SELECT max(ingest_id) FROM ingests), (SELECT count(*) FROM ingests)"
                ).fetchone()
            self._signature, self._signature_at = tuple(row or ()), now
        return self._signature

    def invalidate(self) -> None:
        """Forget the signature so the next read sees this process's own writes."""
        self._signature = None

    def cached(self, name: str, build: Callable[[Store], T]) -> T:
        """`build(store)` once per store signature; concurrent callers wait for one build."""
        sig = self.signature()
        hit = self._cache.get(name)
        if hit is not None and hit[0] == sig:
            return hit[1]
        building = self._building.setdefault(name, threading.Lock())
        with building:
            hit = self._cache.get(name)
            sig = self.signature()
            if hit is not None and hit[0] == sig:
                return hit[1]
            with self.lock:
                value = build(self.store)
            self._cache[name] = (sig, value)
            return value

    def model(self) -> BenchmarkModel:
        """The benchmark model for the store as it is now."""
        return self.cached("model", BenchmarkModel.load)

    def model_ready(self) -> bool:
        """Whether a model is loaded (possibly for an older store signature)."""
        return "model" in self._cache

    def close(self) -> None:
        """Close the store."""
        with self.lock:
            self.store.close()
