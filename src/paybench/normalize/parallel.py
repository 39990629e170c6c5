"""Run a normalizer once per distinct value, spread over worker processes.

Free-text normalizers (pay in a posting's text, skills in its description) cost about a
millisecond per text of a few kilobytes, all of it Python regular expressions under the GIL,
while a corpus repeats the same texts many times (a posting scraped daily, an employer's
boilerplate). :class:`WorkerPool` therefore reads each distinct value once
(:meth:`WorkerPool.map_distinct`) and, for batches large enough to pay for it, splits the
distinct values over ``PAYBENCH_WORKERS`` processes.

- **How many workers**: the environment variable ``PAYBENCH_WORKERS`` (a whole number >= 1;
  1 reads everything in the calling process), else the cores this process may run on
  (``os.sched_getaffinity``). More workers than cores only add switching.
- **When**: a batch with fewer than :data:`MIN_PARALLEL_ITEMS` distinct values per worker is
  read in the calling process: starting the workers (about a second: a fresh interpreter
  that imports paybench and loads the exchange rates) costs more than the batch.
- **Order**: results come back in the order of the input, whatever the workers did first,
  so a result never depends on the number of workers.
- **Failures never lose a value**: an exception raised while reading one value becomes a
  :class:`Failed` for that value (its reason: the exception, on one line), and so does a value
  whose worker process died (killed, out of memory, a crash in native code): after a worker
  dies the values it may have held are read again, a few at a time, in fresh workers, and
  one that kills a worker on its own is the value given :class:`Failed`. The caller decides
  what a failure means (the postings adapter quarantines the row with the reason).
- **A killed caller leaves no worker behind**: each worker ends itself within
  :data:`ORPHAN_CHECK_SECONDS` of the process that started it disappearing.
- **Workers that cannot start** (every worker dies before it reads anything: a script
  that calls paybench without the ``if __name__ == "__main__":`` guard Python requires of
  process pools, which each worker then runs again) are noticed by a probe after the first
  death: the pool says why in :attr:`WorkerPool.unavailable` and reads everything in the
  calling process from then on, with the same results.
- **Processes** start by ``forkserver`` (a clean single-threaded server that imports the
  normalizers once and forks each worker from it), not by forking the caller, which holds
  DuckDB's threads.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, TypeVar

from paybench.errors import InputError

__all__ = ["MIN_PARALLEL_ITEMS", "WORKERS_ENV", "Failed", "WorkerPool", "default_workers",
           "workers_setting"]

WORKERS_ENV = "PAYBENCH_WORKERS"
"""Environment variable: how many processes read free text (1: only the calling process)."""

MIN_PARALLEL_ITEMS = 256
"""Distinct values per worker below which a batch is read in the calling process (at about
a millisecond a text, 256 texts take a quarter of a second: about what starting and feeding
a worker costs)."""

CHUNK_ITEMS = 64
"""Values sent to a worker at a time (at most): large enough that the cost of sending a
chunk (pickling, a pipe write) is small beside reading it, small enough to balance load."""

PRELOAD = ("paybench.normalize.worker_preload",)
"""Modules the forkserver imports once, so each worker starts with them loaded (and the
exchange rates and skill taxonomy with them: see :mod:`paybench.normalize.worker_preload`)."""

PROBE_SECONDS = 120.0
"""How long a fresh pool may take to run a trivial task after a worker died, before
worker processes are taken as unable to start here."""

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Failed:
    """A value whose normalizer raised, or whose worker process died: ``reason`` says which
    (one line, at most 300 characters)."""

    reason: str


def default_workers() -> int:
    """The cores this process may run on (at least 1): the default of ``PAYBENCH_WORKERS``."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - platforms without affinity
        return max(1, os.cpu_count() or 1)


def workers_setting() -> int:
    """``PAYBENCH_WORKERS`` as a number of processes (>= 1), or :func:`default_workers` when
    it is unset or blank. InputError (naming the variable) when it is not a whole number >= 1."""
    text = os.environ.get(WORKERS_ENV, "").strip()
    if not text:
        return default_workers()
    if not text.isdigit() or int(text) < 1:
        raise InputError(f"{WORKERS_ENV}={text[:20]!r} is not a whole number of processes >= 1",
                         field=WORKERS_ENV)
    return int(text)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    reason = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return reason[:300]


def _call(func: Callable[[T], R], item: T) -> R | Failed:
    try:
        return func(item)
    except Exception as exc:  # a bad value must not stop the others: the caller quarantines it
        return Failed(_one_line(exc))


def _call_chunk(func: Callable[[T], R], chunk: Sequence[T]) -> list[R | Failed]:
    """Run in a worker: each value of a chunk, in order."""
    return [_call(func, item) for item in chunk]


ORPHAN_CHECK_SECONDS = 0.5
"""How often a worker checks that the process that started it is still alive."""


def _start_worker(names: Sequence[str], owner_pid: int) -> None:
    """Worker initializer: import the modules a worker's functions live in (the forkserver
    has them already when it started with :data:`PRELOAD`), and start a watch that ends the
    worker when its owner is gone. A SIGKILLed owner (an ingest killed midway) closes no
    pipe a worker waits on (each worker holds both ends of its task queue), so without the
    watch its workers would wait for tasks for ever."""
    import importlib
    import threading
    import time

    for name in names:
        importlib.import_module(name)

    def watch() -> None:
        while True:
            time.sleep(ORPHAN_CHECK_SECONDS)
            try:
                os.kill(owner_pid, 0)
            except ProcessLookupError:
                os._exit(0)
            except OSError:  # pragma: no cover - alive but not ours to signal
                pass

    threading.Thread(target=watch, name="paybench-owner-watch", daemon=True).start()


class _Died:
    """The worker process running a value died."""


class WorkerPool:
    """Worker processes for normalizers of text, started on first need and reused until
    :meth:`close` (or the end of a ``with`` block).

    ``workers``: how many processes (None: :func:`workers_setting`, i.e. ``PAYBENCH_WORKERS``
    or the cores). ``min_parallel_items``: distinct values per worker below which a call runs
    in the calling process (:data:`MIN_PARALLEL_ITEMS`; 0 always uses the workers when there
    is more than one). Functions given to :meth:`map` must be defined at module level (they
    are sent to the workers by name) and their results must pickle.
    """

    def __init__(self, workers: int | None = None, *, min_parallel_items: int = MIN_PARALLEL_ITEMS,
                 chunk_items: int = CHUNK_ITEMS) -> None:
        self.workers = workers_setting() if workers is None else max(1, int(workers))
        self.min_parallel_items = min_parallel_items
        self.chunk_items = max(1, chunk_items)
        self._executor: cf.ProcessPoolExecutor | None = None
        self.worker_deaths = 0
        """How many times a worker process died (each death restarts the pool)."""
        self.unavailable: str | None = None
        """Why worker processes cannot be used here (they die as they start), once seen: from
        then on every value is read in the calling process."""

    # ------------------------------------------------------------------ lifecycle
    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the worker processes (if any were started)."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def _pool(self) -> cf.ProcessPoolExecutor:
        if self._executor is None:
            methods = multiprocessing.get_all_start_methods()
            method = "forkserver" if "forkserver" in methods else "spawn"
            context = multiprocessing.get_context(method)
            if method == "forkserver":
                context.set_forkserver_preload(list(PRELOAD))
            self._executor = cf.ProcessPoolExecutor(
                max_workers=self.workers, mp_context=context, initializer=_start_worker,
                initargs=(PRELOAD, os.getpid()))
        return self._executor

    def _restart(self) -> None:
        """After a worker died: a fresh pool, if workers can still be started at all (a
        probe task on a fresh pool); else :attr:`unavailable` says why and every later value
        is read in this process."""
        self.worker_deaths += 1
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
        try:
            self._pool().submit(len, "").result(timeout=PROBE_SECONDS)
        except Exception as exc:  # BrokenProcessPool, a timeout: workers cannot start here
            if self._executor is not None:
                self._executor.shutdown(wait=False, cancel_futures=True)
                self._executor = None
            self.unavailable = (f"worker processes could not start ({_one_line(exc)}); a script that "
                                "uses paybench's Python API must start its work under "
                                "`if __name__ == '__main__':` (or set PAYBENCH_WORKERS=1)")

    # ------------------------------------------------------------------ mapping
    def uses_workers(self, distinct_items: int) -> bool:
        """True when a call with this many distinct values runs in the worker processes."""
        return (self.workers > 1 and self.unavailable is None
                and distinct_items >= max(1, self.min_parallel_items * self.workers))

    def map(self, func: Callable[[T], R], items: Sequence[T]) -> list[R | Failed]:
        """``func`` applied to each item, in order; a :class:`Failed` where it raised or its
        worker died. Every item is read, duplicates too (see :meth:`map_distinct`)."""
        if not self.uses_workers(len(items)):
            return [_call(func, item) for item in items]
        size = max(1, min(self.chunk_items, -(-len(items) // (self.workers * 4))))
        chunks = [items[i:i + size] for i in range(0, len(items), size)]
        results: list[list[R | Failed] | None] = [None] * len(chunks)
        lost: list[int] = []
        broken = False
        futures: dict[cf.Future[list[R | Failed]], int] = {}
        for n, chunk in enumerate(chunks):
            future = self._submit(_call_chunk, func, chunk)
            if future is None:  # a worker died before this chunk was sent
                lost.append(n)
                broken = True
            else:
                futures[future] = n
        for future in cf.as_completed(futures):
            n = futures[future]
            try:
                results[n] = future.result()
            except BrokenProcessPool:
                lost.append(n)
                broken = True
            except Exception:  # a result that would not travel back (pickling): read again one by one
                lost.append(n)
        if broken:
            self._restart()
        for n in sorted(lost):
            results[n] = self._again(func, chunks[n])
        out: list[R | Failed] = []
        for part in results:
            assert part is not None
            out.extend(part)
        return out

    def _again(self, func: Callable[[T], R], chunk: Sequence[T]) -> list[R | Failed]:
        """Read a chunk whose worker died: a few values at a time in a fresh pool; a value
        that kills a worker on its own is Failed. In this process when workers cannot start."""
        out: list[R | Failed] = []
        step = self.workers
        for start in range(0, len(chunk), step):
            group = chunk[start:start + step]
            if self.unavailable is not None:
                out.extend(_call(func, item) for item in group)
                continue
            futures = [self._submit(_call, func, item) for item in group]
            got: list[Any] = []
            for future in futures:
                if future is None:
                    got.append(_Died())
                    continue
                try:
                    got.append(future.result())
                except BrokenProcessPool:
                    got.append(_Died())
                except Exception as exc:
                    got.append(Failed(_one_line(exc)))
            if any(isinstance(g, _Died) for g in got):
                self._restart()
                got = [self._alone(func, item) for item in group]
            out.extend(got)
        return out

    def _submit(self, fn: Callable[..., Any], *args: Any) -> cf.Future[Any] | None:
        """fn(*args) sent to a worker, or None when the pool is broken (a worker died)."""
        try:
            return self._pool().submit(fn, *args)
        except BrokenProcessPool:
            return None

    def _alone(self, func: Callable[[T], R], item: T) -> R | Failed:
        """One value in a pool that has just passed its probe: a death now is this value's
        doing. In this process when workers cannot start."""
        if self.unavailable is not None:
            return _call(func, item)
        future = self._submit(_call, func, item)
        if future is None:  # broken by an earlier value: start afresh and send it again
            self._restart()
            return self._alone(func, item)
        try:
            return future.result()
        except BrokenProcessPool:
            self._restart()
            return Failed("the worker process reading it died (killed, out of memory or crashed)")
        except Exception as exc:
            return Failed(_one_line(exc))

    def map_distinct(self, func: Callable[[T], R], items: Sequence[T]) -> list[R | Failed]:
        """``func`` applied once per distinct item (items must be hashable), its result given
        to every item equal to it, in the order of ``items``."""
        index: dict[T, int] = {}
        positions = [index.setdefault(item, len(index)) for item in items]
        distinct = list(index)
        found = self.map(func, distinct)
        return [found[p] for p in positions]
