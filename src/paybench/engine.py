"""The Python API: `Paybench`, one object over one store, which the CLI and the HTTP API both
call, so the same input gives the same answer, or the same error, on every surface.

    from paybench import Paybench

    pb = Paybench()                      # the default store (PAYBENCH_DB or the data dir)
    cell = pb.cell("machine-learning-engineer", "senior", "Seattle, WA")
    cell.p50                             # annual base pay, US dollars

A role may be a role id, a display name or any job title; a level a level name; a place any
place text (`paybench.resolve`). Every user error is an `InputError` that names its field.
Money is annual US dollars unless a name says otherwise.

What the engine builds from the store (the benchmark model, the decision tools' market data,
the guide's tables, the metro list) is kept while the store's content is unchanged, so a
long-lived engine (the server's) answers from memory; writes through the engine are seen at
once.

Sharing the store (docs/architecture.md, "Sharing the store"): the engine holds no DuckDB
connection between uses. Each use opens one, read-only for reads and read-write for writes,
and closes it, so other processes (the CLI beside a running server, a second server) can use
the same file; DuckDB admits many readers or one writer at a time, and a use that finds the
file taken waits up to `STORE_WAIT_SECONDS`, then fails with a one-line StoreError naming the
process. Changes made by other processes are seen through the file's size and modification
time, then the store's content signature. With `background=True` (the server) a cached
value whose store changed is still answered while it is rebuilt in a background thread, and
the estimator is trained in the background (never inside a request); until a first model
exists an estimate raises `EstimatorNotReady`. Within one process the engine serializes its
use of the store (a lock), so one engine may serve many threads.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import logging
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from pydantic import BaseModel, Field

from paybench.bench import NATIONAL, PARAMS, BenchmarkCell, BenchmarkModel, CellPlace, MethodParams
from paybench.bench.engines import DUCKDB, CellEngine
from paybench.bench.model import as_date, natural_level
from paybench.bench.params import is_default_view
from paybench.decide.payroll import DEFAULT_MIN_GROUP
from paybench.errors import InputError, StoreError, validated
from paybench.guide.tables import GuideRow
from paybench.normalize.levels import IC_LEVELS, LEVEL_NAMES, LEVELS
from paybench.normalize.money import HOURS_PER_YEAR
from paybench.normalize.places import Place
from paybench.normalize.roles import AREAS, ML_ROLE_IDS, Role, roles
from paybench.normalize.titles import TitleMatch
from paybench.paths import default_db_path, user_file
from paybench.resolve import resolve_level, resolve_place, resolve_role, role_level
from paybench.store import IngestResult, Store

if TYPE_CHECKING:
    from paybench.bench.trend import TrendReport
    from paybench.check import CheckReport
    from paybench.decide.bands import BandTable
    from paybench.decide.contract import ContractAssumptions, ContractResult
    from paybench.decide.market import Market
    from paybench.decide.offer import Offer, OfferReport
    from paybench.decide.paygap import PayGapReport
    from paybench.decide.posting import LawList, PostingRange
    from paybench.decide.posting_check import PostingCheckReport, PostingRecord
    from paybench.decide.roster import Employee, RosterReport
    from paybench.estimate import BatchResult, Estimate, EvaluationReport, ModelInfo
    from paybench.estimate.anchor import CellLookup
    from paybench.estimate.model import EstimatorModel
    from paybench.export import ExportReport
    from paybench.guide.report import GuideReport
    from paybench.guide.tables import GuideData
    from paybench.insights.employers import EmployerReport
    from paybench.insights.skills import SkillReport
    from paybench.normalize.pay_text import ExtractedPay, NotPay
    from paybench.submissions import PendingReview, Submission, SubmissionResult

T = TypeVar("T")
_GUARD = threading.Lock()

log = logging.getLogger(__name__)

STORE_WAIT_SECONDS = 30.0
"""How long a use of the store waits while another process holds it (an ingest, a training
run writing its model), before failing with a StoreError that names the process."""

SIGNATURE_TTL_SECONDS = 0.2
"""How often the engine looks at the store file for changes made by other processes."""

RETRAIN_MIN_INTERVAL_SECONDS = 600.0
"""A server retrains a stale estimator in the background at most this often (each training
run takes the machine's cores for tens of seconds; `POST /admin/train` starts one at once)."""


class EstimatorNotReady(StoreError):
    """The server has no estimator yet: one is being trained in the background."""


class EstimatorState(BaseModel):
    """The estimator of a server: whether one is loaded, and any training run in progress."""

    state: Literal["ready", "training", "none", "failed"]
    trained_at: str | None = Field(default=None, description="when the loaded model was trained")
    training_since: str | None = Field(default=None, description="start of the run in progress")
    error: str | None = Field(default=None, description="why the last run failed")
    current: bool | None = Field(default=None, description="the loaded model was trained on the "
                                 "store's files as they are now (submissions aside); False: it is "
                                 "retrained in the background at most every 10 minutes")


MAX_LOOKUPS = 8
"""Cell lookups kept at once, one per set of method parameters asked (an effective date or a
growth rate other than the published method's)."""

MAX_REMEMBERED = 20_000
"""Answers `Paybench.remembered` keeps per benchmark model (a cell lookup's JSON is a few KB)."""

MAX_COMPARE = 4
"""Cells side by side: one role in up to this many places, or this many roles in one place."""


# --------------------------------------------------------------------------- records
class FileLayout(BaseModel):
    """An ingested file and the layout its adapter read it as."""

    source: str
    path: str
    layout: str = Field(description="e.g. 'BLS OEWS workbook (national, May 2020)'")


class SourceStatus(BaseModel):
    """What the store holds from one source."""

    source: str
    files: int
    rows_read: int
    rows_kept: int
    rows_quarantined: int
    rows_skipped: int
    last_ingest: str | None = Field(description="time of the latest ingest, to the second")


class QuarantineReason(BaseModel):
    """A reason rows were quarantined, with its count."""

    source: str
    reason: str
    n: int


class StoreContents(BaseModel):
    """What the store holds, by source, and its submission counts."""

    sources: list[SourceStatus]
    submissions: dict[str, int] = Field(description="stored, pending_review, rejected")
    estimator: EstimatorState | None = Field(
        default=None, description="the server's estimator: loaded, or being trained (never inside "
        "a request)")


class StoreStatus(StoreContents):
    """The store's contents, its file and its most common quarantine reasons."""

    store: str = Field(description="the store's file")
    top_quarantine_reasons: list[QuarantineReason]
    layouts: list[FileLayout] = Field(
        default_factory=list, description="each ingested file whose adapter named the layout it "
        "read it as, in ingest order (files are named by their path: for the store's operator)")


class RoleInfo(BaseModel):
    """A canonical role of the taxonomy."""

    id: str
    name: str
    area: str
    soc_codes: list[str]
    ml: bool = Field(description="in a salary guide's machine-learning / AI section")
    levels: list[str] = Field(description="the levels the role is benchmarked at")


class LevelInfo(BaseModel):
    """A seniority level."""

    id: str
    name: str
    individual_contributor: bool


class MetroInfo(BaseModel):
    """A metro area (CBSA) with OEWS wages; employment in computer and mathematical
    occupations (OEWS 15-0000) when published."""

    cbsa: str
    name: str
    tech_employment: float | None


class TitleSuggestion(BaseModel):
    """One type-ahead suggestion for a title being typed."""

    label: str = Field(description="the text to show and fill in")
    role: str
    role_name: str
    area: str
    level: str | None


class PlaceMatch(Place):
    """A place as typed, normalized (country, state, metro, work mode) with its cell scope."""

    text: str
    cell: CellPlace


class PublishedCellFigure(BaseModel):
    """A figure published in a salary guide for one cell, with its citation (annual USD)."""

    figure_id: str | None
    level: str | None
    stat: str
    annual_usd: float
    qualifier: str | None
    place_label: str
    published_on: dt.date | None
    citation: str | None


class CellsView(BaseModel):
    """Benchmark cells for one role in one place, one per level, with the national cells
    beside them and the published figures that match."""

    role: str
    role_name: str
    place: CellPlace
    cells: list[BenchmarkCell]
    national: list[BenchmarkCell] = Field(description="the same levels nationally (empty when "
                                          "the place is national)")
    published: list[PublishedCellFigure]


class Comparison(BaseModel):
    """Cells side by side: one role in up to four places, or up to four roles in one place."""

    level: str
    cells: list[BenchmarkCell]


class GuideTable(BaseModel):
    """Guide rows (annual USD base pay) for every role, nationally and in the largest tech
    metros, filtered and paged."""

    effective_date: dt.date
    metros: list[MetroInfo]
    count: int
    total: int
    rows: list[GuideRow] = Field(description="guide rows, as in guide.csv")


def role_levels(role: Role) -> list[str]:
    """The levels a role is benchmarked at: the IC ladder, or a leadership role's own level."""
    natural = natural_level(role)
    return list(IC_LEVELS) if natural == "mid" else [natural]


def role_info(role: Role) -> RoleInfo:
    """The public record of a role."""
    return RoleInfo(id=role.id, name=role.name, area=role.area, soc_codes=list(role.soc_codes),
                    ml=role.id in ML_ROLE_IDS, levels=role_levels(role))


def parse_date(text: str | dt.date | None, field: str) -> dt.date | None:
    """A date (or ISO text YYYY-MM-DD) between 1900 and 2200; InputError naming `field`."""
    if text is None or text == "":
        return None
    if isinstance(text, str):
        try:
            value = dt.date.fromisoformat(text.strip())
        except ValueError:
            raise InputError(f"{text!r} is not a date (YYYY-MM-DD)", field=field) from None
    else:
        value = text
    if not dt.date(1900, 1, 1) <= value <= dt.date(2200, 12, 31):
        raise InputError(f"{value} must be between 1900-01-01 and 2200-12-31", field=field)
    return value


# --------------------------------------------------------------------------- the engine
class Paybench:
    """paybench over one store. `db`: the DuckDB file (default: PAYBENCH_DB, else the per-user
    data directory; ':memory:' for a throw-away store). The embedded defaults (OEWS May 2025 and
    the seeds' published figures) are loaded on first use of a writable store (`progress`: rich
    progress bars for that load). `params`: the benchmark method's parameters
    (`paybench.bench.PARAMS`). `cell_engine`: where cells are computed (DuckDB by default;
    `CellEngine("spark", master)` for Spark, `paybench.bench.engines`)."""

    def __init__(self, db: str | Path | None = None, *, read_only: bool = False,
                 params: MethodParams = PARAMS, load_defaults: bool = True,
                 progress: Any = None, background: bool = False,
                 wait_seconds: float = STORE_WAIT_SECONDS, cell_engine: CellEngine = DUCKDB) -> None:
        path = Path(db) if db is not None else default_db_path()
        self.params = params
        self.cell_engine = cell_engine
        """Where benchmark cells are computed: DuckDB on the store, or Spark
        (`paybench.bench.engines`; the cells are the same)."""
        self.background = background
        """Serve stale cached values while rebuilding, and train the estimator in a thread."""
        self.wait_seconds = wait_seconds
        self.lock = threading.RLock()
        """Held while this process uses the store (one thread at a time)."""
        self._memory: Store | None = Store(path) if str(path) == ":memory:" else None
        self._path = self._memory.path if self._memory is not None else path
        self.read_only = read_only or (self._memory is None and _unwritable(path))
        """True when the store is opened for reading only (asked, or a file this process
        cannot write: read-only media, another user's file)."""
        self._open: Store | None = None
        self._open_depth = 0
        self._cache: dict[str, tuple[tuple[Any, ...], object]] = {}
        self._lookups: dict[int, tuple[CellLookup, dict[Hashable, Any]]] = {}
        self._building: dict[str, threading.Lock] = {}
        self._refreshing: set[str] = set()
        self._writes = 0  # this engine's writes that must be seen at once
        self._built_after: dict[str, int] = {}
        self._signature: tuple[Any, ...] | None = None
        self._signature_stale = True
        self._signature_at = 0.0
        self._stamp: tuple[int, ...] | None = None
        self._estimator: EstimatorModel | None = None
        self._estimator_stamp: tuple[int, ...] | None = None
        self._training: threading.Thread | None = None
        self._training_since: dt.datetime | None = None
        self._training_error: str | None = None
        self._trained_at = 0.0
        self._estimator_current: bool | None = None
        if load_defaults and not self.read_only:
            self._ensure_defaults(progress)
        else:  # the store opens (or the error says why, now); a new one is created
            with self.locked(write=not self.read_only and not self._path.exists()):
                pass

    def _ensure_defaults(self, progress: Any = None) -> None:
        """Load the embedded defaults when the store lacks them, and fill the employers and
        segments of rows stored under older rules (a write only then)."""
        from paybench.ingest import ensure_defaults

        with self.locked() as store:
            present = store.has_source("oews") and store.has_source("published")
            current = store.segments_current()
        if not present or not current:  # a writable open refills segments of older rows (Store)
            with self.locked(write=True) as store:
                ensure_defaults(store, progress)

    def close(self) -> None:
        """Forget what was built; close an in-memory store. (A file store holds no connection
        between uses.)"""
        with self.lock:
            self._cache.clear()
            if self._memory is not None:
                self._memory.close()

    def __enter__(self) -> Paybench:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def path(self) -> Path:
        """The store's file."""
        return self._path

    @contextmanager
    def locked(self, write: bool = False, *, seen_at_once: bool = True,
               wait: float | None = None) -> Iterator[Store]:
        """The store, for this thread alone: a connection opened for this use (read-only
        unless `write`) and closed after it; nested uses share the outer one. After a write,
        values cached before it are rebuilt before they are answered again, unless
        `seen_at_once` is False (then a `background` engine answers them while it rebuilds
        them, as for another process's writes). StoreError when
        the store is read-only and `write` is asked, or when another process holds it for
        longer than `wait` (default: `wait_seconds`)."""
        wait = self.wait_seconds if wait is None else wait
        if not self.lock.acquire(timeout=self.wait_seconds + 5):
            raise StoreError(f"store {self._path} is busy in this process (an ingest or a "
                             "training run); try again when it finishes")
        try:
            if self._memory is not None:
                yield self._memory
                return
            if write and self.read_only:
                raise StoreError(f"store {self._path} is read-only: nothing can be written to it")
            if self._open is not None:
                if write and self._open.read_only:
                    raise StoreError("internal: a write inside a read of the store")
                self._open_depth += 1
                try:
                    yield self._open
                finally:
                    self._open_depth -= 1
                return
            store = Store(self._path, read_only=not write, wait_seconds=wait)
            self._open, self._open_depth = store, 1
            try:
                yield store
            finally:
                self._open, self._open_depth = None, 0
                store.close()
                if write:
                    self.invalidate(seen_at_once)
        finally:
            self.lock.release()

    # ------------------------------------------------------------------ caching
    def _file_stamp(self) -> tuple[int, ...] | None:
        """Size and modification time (ns) of the store file and its write-ahead log: a
        cheap sign that some process may have changed the store. None for ':memory:'."""
        if self._memory is not None:
            return None
        stamp: list[int] = []
        for file in (self._path, Path(f"{self._path}.wal")):
            try:
                st = file.stat()
                stamp += [st.st_size, st.st_mtime_ns]
            except OSError:
                stamp += [-1, -1]
        return tuple(stamp)

    def signature(self) -> tuple[Any, ...]:
        """What identifies the store's content (the last ingest id and the number of ingests
        and reviews). Looked for at most every SIGNATURE_TTL_SECONDS, and read again only when
        the file changed; writes through this engine call `invalidate`. When the store is
        busy (an ingest in this or another process) the last signature read stands."""
        now = time.monotonic()
        fresh = not self._signature_stale
        if self._signature is not None and fresh and now - self._signature_at <= SIGNATURE_TTL_SECONDS:
            return self._signature
        stamp = self._file_stamp()
        if self._signature is not None and fresh and stamp is not None and stamp == self._stamp:
            self._signature_at = now
            return self._signature
        if self._signature is not None:  # changed: read it if the store is free, else keep it
            if not self.lock.acquire(blocking=False):
                return self._signature
            try:
                row = self._read_signature(wait=False)
            except StoreError:
                return self._signature
            finally:
                self.lock.release()
        else:
            row = self._read_signature(wait=True)
        self._signature, self._signature_at, self._stamp = row, now, stamp
        self._signature_stale = False
        return row

    def _read_signature(self, wait: bool) -> tuple[Any, ...]:
        with self.locked(wait=None if wait else 0.0) as store:
            row = store.con.execute(
                "SELECT (SELECT max(ingest_id) FROM ingests), (SELECT count(*) FROM ingests), "
                "(SELECT count(*) FROM submission_review)").fetchone()
        return tuple(row or ())

    def invalidate(self, seen_at_once: bool = True) -> None:
        """Forget the signature, so the next read sees this engine's own writes (at once, or
        with `seen_at_once` False, once rebuilt in the background)."""
        self._signature_stale = True
        if seen_at_once:
            self._writes += 1

    def cached(self, name: str, build: Callable[[Store], T], *, inline: bool = False) -> T:
        """`build(store)` once per store signature; concurrent callers wait for one build. With
        `background`, a value built for an older signature is answered while a thread
        rebuilds it (unless `inline`: for values that take milliseconds to build)."""
        sig = self.signature()
        hit = self._cache.get(name)
        if hit is not None and hit[0] == sig:
            return cast(T, hit[1])  # stored by this method for this name: a T
        if (hit is not None and self.background and not inline
                and self._built_after.get(name) == self._writes):
            self._refresh_later(name, build)
            return cast(T, hit[1])
        return self._build(name, build)

    def _build(self, name: str, build: Callable[[Store], T]) -> T:
        building = self._building.setdefault(name, threading.Lock())
        with building:
            hit = self._cache.get(name)
            sig = self.signature()
            if hit is not None and hit[0] == sig:
                return cast(T, hit[1])
            writes = self._writes
            with self.locked() as store:
                value = build(store)
            self._cache[name] = (sig, value)
            self._built_after[name] = writes
            return value

    def refreshing(self) -> int:
        """How many cached values are being rebuilt in the background now."""
        return len(self._refreshing)

    def _refresh_later(self, name: str, build: Callable[[Store], Any]) -> None:
        """Rebuild one cached value in a daemon thread (one thread per name at a time)."""
        with _GUARD:
            if name in self._refreshing:
                return
            self._refreshing.add(name)

        def run() -> None:
            try:
                self._build(name, build)
            except Exception as exc:  # the stale value stays; a later request tries again
                log.warning("could not rebuild %s: %s", name, exc)
            finally:
                with _GUARD:
                    self._refreshing.discard(name)

        threading.Thread(target=run, name=f"paybench-refresh-{name}", daemon=True).start()

    def model_ready(self) -> bool:
        """Whether a benchmark model is loaded (possibly for an older store signature)."""
        return f"model:{hash(self.params.key())}" in self._cache

    def in_memory(self, estimator: bool = False) -> bool:
        """Whether the benchmark model (and, with `estimator`, the estimator) is loaded, so
        that a cell lookup (an estimate) is answered from memory without reading the store or
        the model file: a server engine (`background`) answers a value built for an older store
        signature while it rebuilds it in a thread, but the signature itself must be known
        without a read (the store file unchanged since it was read; else the read, which can
        take long after a large write, happens in a worker thread) and the estimator's file
        unchanged since it was loaded. A server answers such requests on its event loop,
        without a worker thread."""
        if not (self.background and self.model_ready() and self._signature_known()):
            return False
        if not estimator:
            return True
        if self._estimator is None:
            return False
        path = self._cache.get("estimator_path")
        return path is not None and _stamp_of(cast(Path, path[1])) == self._estimator_stamp

    def _signature_known(self) -> bool:
        """Whether `signature()` will answer without reading the store: it was read within
        SIGNATURE_TTL_SECONDS, or the store file is unchanged since (a stat)."""
        if self._signature is None or self._signature_stale:
            return False
        if time.monotonic() - self._signature_at <= SIGNATURE_TTL_SECONDS:
            return True
        return self._file_stamp() == self._stamp

    # ------------------------------------------------------------------ resolution
    def role(self, role: str, field: str = "role") -> RoleInfo:
        """The role for a role id, display name or job title (`paybench.resolve`)."""
        return role_info(resolve_role(role, field).role)

    def roles(self, *, area: str | None = None, q: str | None = None,
              ml: bool | None = None) -> list[RoleInfo]:
        """Roles of the taxonomy in its order, filtered by area, words in the name or id, or
        the ML section."""
        if area is not None and area not in AREAS:
            raise InputError(f"unknown area {area!r}; expected one of {', '.join(AREAS)}",
                             field="area")
        words = (q or "").lower().split()
        return [role_info(r) for r in roles().values()
                if (area is None or r.area == area) and (ml is None or (r.id in ML_ROLE_IDS) == ml)
                and all(w in r.name.lower() or w in r.id for w in words)]

    @staticmethod
    def levels() -> list[LevelInfo]:
        """All levels in increasing seniority, individual contributors first."""
        return [LevelInfo(id=lv, name=LEVEL_NAMES[lv], individual_contributor=lv in IC_LEVELS)
                for lv in LEVELS]

    @staticmethod
    def title(text: str) -> TitleMatch:
        """A job title normalized to a role and a level, with a confidence (or the reason it
        matches no role)."""
        from paybench.normalize.titles import normalize_title

        if not text or not text.strip():
            raise InputError("no title given", field="title")
        return normalize_title(text)

    @staticmethod
    def suggest_titles(q: str, limit: int = 8) -> list[TitleSuggestion]:
        """Type-ahead: roles whose name or alias starts with, contains or resembles what was
        typed, best first; seniority words typed ('senior ml') carry over as the level."""
        from rapidfuzz import fuzz, process

        from paybench.normalize.roles import get_role
        from paybench.normalize.titles import normalize_title, split_seniority

        text = q.strip()
        if not text:
            return []
        core, level = split_seniority(text)
        needle = (core or text).lower()
        labels, ids = _role_labels()
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
        out = []
        for role_id in ordered[:limit]:
            role = get_role(role_id)
            label = f"{LEVEL_NAMES[level]} {role.name}" if level else role.name
            out.append(TitleSuggestion(label=label, role=role.id, role_name=role.name,
                                       area=role.area, level=level))
        return out

    @staticmethod
    def pay(text: str, *, on: str | dt.date | None = None, currency: str = "USD",
            period: str | None = None) -> ExtractedPay | NotPay:
        """The pay range in a posting's text (amounts as written, `annual_usd*` in US dollars
        a year), or why there is none. `on`: the date for the exchange rate (default today);
        `currency` and `period`: those of figures written without one. A text that is
        nothing but a figure or a range of figures ("50000", "50k-60k") is read as pay in
        `currency`: it was given to be read as pay, so it needs no currency sign or pay word
        as a figure in a posting's prose does (a trial: `paybench pay 50000 --currency EUR`
        printed "pay: none")."""
        import re

        from paybench.errors import MoneyError
        from paybench.normalize.money import currency_code, parse_period
        from paybench.normalize.pay_text import extract_pay

        if not text.strip():
            raise InputError("empty text: give the posting text to read", field="text")
        day = parse_date(on, "on")
        per = None
        if period is not None:
            try:
                per = parse_period(period)
            except MoneyError as exc:
                raise exc.with_field("period") from None
        try:
            currency_code(currency)
        except MoneyError as exc:
            raise exc.with_field("currency") from None
        figure = r"\d[\d.,\s]*[kKmM]?"
        if re.fullmatch(rf"\s*{figure}(?:\s*(?:-|–|—|to)\s*{figure})?\s*", text):
            text = f"{text.strip()} {currency_code(currency)}"
        return extract_pay(text, on=day, default_currency=currency, default_period=per)

    @staticmethod
    def place(text: str) -> PlaceMatch:
        """A place normalized to country, state, metro (CBSA) and work mode, with its cell
        scope; InputError (field 'place') for text that is not a place."""
        from paybench.bench.scopes import scope_of
        from paybench.normalize.places import normalize_place

        if not isinstance(text, str) or not text.strip():
            raise InputError("no place given", field="place")
        try:
            found = normalize_place(text)
        except InputError as exc:
            raise exc.with_field("place") from None
        return PlaceMatch(text=text, **found.model_dump(), cell=scope_of(found))

    def metros(self, q: str | None = None, limit: int | None = None) -> list[MetroInfo]:
        """Metros (CBSA) with OEWS wages, largest tech employment first; `q`: words in the name."""
        words = (q or "").lower().split()
        found = [m for m in self.cached("metros", _metros) if all(w in m.name.lower() for w in words)]
        return found[:limit] if limit is not None else found

    # ------------------------------------------------------------------ store
    def ingest(self, paths: Iterable[str | Path] = (), *, source: str | None = None,
               defaults: bool = False, progress: Any = None,
               columns: str | Mapping[str, str] | None = None) -> list[IngestResult]:
        """Ingest files (and, with `defaults`, the embedded defaults), one transaction each; a
        file already stored adds nothing; unusable rows go to the quarantine table.
        `columns`: field=column pairs for job-postings files in a layout paybench does not
        tell from the header ("title=Job Title,pay=Salary Estimate", or a mapping; fields as
        `paybench.sources.postings.FIELDS` and `MAP_ALIASES` name them); InputError (field
        'columns') for an unknown field or a column the file lacks."""
        from paybench.ingest import ingest_defaults, ingest_file, resolve_path

        files = [Path(p) for p in paths]
        if not files and not defaults:
            raise InputError("give a file to ingest, or the defaults", field="paths")
        results: list[IngestResult] = []
        try:
            # a missing file, a directory or a device is refused at once, not after waiting for
            # the write lock (which a background rebuild of the cells may hold for seconds)
            files = [resolve_path(path) for path in files]
            with self.locked(write=True, seen_at_once=not self.background) as store:
                if defaults:
                    results.extend(ingest_defaults(store, progress))
                for path in files:
                    results.append(ingest_file(store, path, source, progress, columns=columns))
        except InputError as exc:
            raise exc.with_field("paths") from None
        return results

    def status(self) -> StoreStatus:
        """What the store holds, by source, its top quarantine reasons and submission counts
        (built once per store content)."""
        return self.cached("status", self._status, inline=True)

    def _status(self, store: Store) -> StoreStatus:
        from paybench.submissions import submission_counts

        frame = store.status()
        reasons = store.query(
            "SELECT source, reason, count(*) AS n FROM quarantine GROUP BY 1, 2 "
            "ORDER BY n DESC, source, reason LIMIT 10")
        counts = submission_counts(store)
        layouts = [FileLayout(source=str(f["source"]), path=str(f["path"]), layout=str(f["layout"]))
                   for f in store.file_layouts().to_dict("records")]
        sources = [SourceStatus(
            source=r["source"], files=int(r["files"]), rows_read=int(r["rows_read"] or 0),
            rows_kept=int(r["rows_kept"] or 0), rows_quarantined=int(r["rows_quarantined"] or 0),
            rows_skipped=int(r["rows_skipped"] or 0),
            last_ingest=None if r["last_ingest"] is None else str(r["last_ingest"])[:19])
            for r in frame.astype(object).where(frame.notna(), None).to_dict("records")]
        return StoreStatus(store=str(self._path), sources=sources, submissions=counts,
                           top_quarantine_reasons=[QuarantineReason(**r) for r in
                                                   reasons.to_dict("records")], layouts=layouts)

    # ------------------------------------------------------------------ benchmarks
    def params_for(self, as_of: str | dt.date | None = None, growth: float | None = None,
                   *, any_year: bool = False) -> MethodParams:
        """The engine's parameters with another effective date or growth rate. InputError for
        an effective date outside the years the data covers (the year after its last
        included) unless `any_year`: pay would be aged far beyond the data."""
        changes: dict[str, Any] = {}
        day = parse_date(as_of, "as_of")
        if day is not None:
            if not any_year:
                from paybench.guide.tables import data_years

                first, last = self.cached("data_years", data_years)
                if not first <= day.year <= last + 1:
                    raise InputError(
                        f"{day} is outside the years the data covers ({first}-{last}, or the "
                        f"year after): pay would be aged {abs(day.year - last)} years at the "
                        "growth rate; pass --any-year to do so", field="as_of")
            changes["effective_date"] = day
        if growth is not None:
            if not 0 <= growth < 0.5:
                raise InputError(f"annual growth {growth} must be between 0 and 0.5", field="growth")
            changes["annual_growth"] = growth
        return self.params.replace(**changes) if changes else self.params

    def model(self, params: MethodParams | None = None) -> BenchmarkModel:
        """The benchmark model of the store as it is now (built once per store content)."""
        chosen = params or self.params
        if not is_default_view(chosen):  # a derived view stands on its parent's model (as held)
            from paybench.bench.views import ViewModel, parent_params, require_duckdb

            require_duckdb(self.cell_engine)
            parent = self.model(parent_params(chosen))
            return self.cached(f"model:{hash(chosen.key())}", lambda store: ViewModel.load(
                store, chosen, self.cell_engine, parent=parent))
        return self.cached(f"model:{hash(chosen.key())}",
                           lambda store: BenchmarkModel.load(store, chosen, self.cell_engine))

    def view_params(self, params: MethodParams | None = None, component: str | None = None,
                    segment: str | None = None) -> MethodParams:
        """`params` (default: the engine's) for cells of `component` (base, bonus, equity,
        total; None: base) and employer `segment` (big-tech, ai-lab, startup, enterprise,
        government, consultancy, unclassified; None: every employer). InputError naming
        'component' or 'segment' for an unknown one (`paybench.bench.views.view_params`)."""
        from paybench.bench.views import view_params

        return view_params(params or self.params, component, segment)

    def cell(self, role: str, level: str | None = None, place: str = "US", *,
             as_of: str | dt.date | None = None, growth: float | None = None,
             any_year: bool = False, component: str | None = None,
             segment: str | None = None) -> BenchmarkCell:
        """Percentiles of annual pay for a role (id, name or title) x level x place, with n,
        method, confidence and sources. Without a level: the one the title states, else the
        role's own (mid for individual contributors). `component`: base (default), bonus,
        equity (stock per year) or total; `segment`: one employer segment (default: every
        employer); such a cell also reports n per component and the bonus and equity shares of
        total pay (`paybench.bench.views`, docs/method.md). InputError (one line, naming the
        field) for an unknown component or segment, or one the store holds no data of
        ("this store has no total-compensation data ...")."""
        found, lvl, _ = role_level(role, level)
        where = resolve_place(place)
        chosen = self.view_params(self.params_for(as_of, growth, any_year=any_year), component,
                                  segment)
        model = self.model(chosen)
        return _cell(model, found.id, lvl, where)

    def cells(self, role: str, place: str = "US", level: str | None = None, *,
              as_of: str | dt.date | None = None, growth: float | None = None,
              component: str | None = None, segment: str | None = None) -> CellsView:
        """A role's cells in a place, one per level (without a level: the one a title states,
        else all the role's levels), the national cells beside them and the published figures
        that match. `component` and `segment` as in `cell`."""
        choice = resolve_role(role)
        levels: list[str] = ([resolve_level(level)] if level is not None else
                             [choice.title_level] if choice.title_level else role_levels(choice.role))
        where = resolve_place(place)
        model = self.model(self.view_params(self.params_for(as_of, growth), component, segment))
        local = [_cell(model, choice.role.id, lv, where) for lv in levels]
        national = [] if where.scope == "national" else [
            _cell(model, choice.role.id, lv, NATIONAL) for lv in levels]
        places = [where] if where.scope == "national" else [where, NATIONAL]
        return CellsView(role=choice.role.id, role_name=choice.role.name, place=where, cells=local,
                         national=national,
                         published=_published(model, choice.role.id, levels, places))

    def compare(self, roles_: Sequence[str], places: Sequence[str],
                level: str = "senior") -> Comparison:
        """One role in up to four places, or up to four roles in one place, side by side."""
        if not roles_:
            raise InputError("give a role", field="role")
        if not places:
            raise InputError("give a place", field="place")
        if len(roles_) > MAX_COMPARE or len(places) > MAX_COMPARE:
            field = "role" if len(roles_) > MAX_COMPARE else "place"
            raise InputError(f"compare at most {MAX_COMPARE} {field}s", field=field)
        if len(roles_) > 1 and len(places) > 1:
            raise InputError("compare several places for one role, or several roles in one place, "
                             "not both", field="place")
        lvl = resolve_level(level)
        found = [resolve_role(r).role for r in roles_]
        wheres = [resolve_place(p) for p in places]
        model = self.model()
        return Comparison(level=lvl, cells=[_cell(model, r.id, lvl, p) for r in found for p in wheres])

    # ------------------------------------------------------------------ guide
    def guide(self, out_dir: str | Path = "guide", *, metros: int = 25, year: int | None = None,
              as_of: str | dt.date | None = None, roles: str | None = None,
              formats: Sequence[str] = ("html", "pdf", "csv", "json"),
              any_year: bool = False) -> GuideReport:
        """Write the salary guide (guide.html, guide.pdf, guide.csv, guide.json) to `out_dir`;
        the report's `paths` lists the files written. A `year` outside the years the data
        covers needs `any_year`."""
        from paybench.guide.report import generate

        effective = parse_date(as_of, "as_of")
        with self.locked() as store:
            report, paths = generate(store, Path(out_dir), metros=metros, year=year,
                                     effective=effective, roles_spec=roles,
                                     formats=tuple(f.strip().lower() for f in formats if f.strip()),
                                     params=self.params, any_year=any_year,
                                     engine=self.cell_engine)
        report.paths = paths
        return report

    def prepare(self, *, metros: int = 25) -> bool:
        """Build and keep beside the store what the guide reads from its caches (the benchmark
        model and its views, the guide's cells, sections' values and printed page, the drawn
        charts: `paybench.guide.report.prepare`), so that the next `guide` (default options,
        `metros` metros) computes none of it; what later writes make stale is never read. Cheap
        when they are kept already. `paybench ingest --prepare` calls it after its ingests commit,
        as a step of its own whose failure leaves the ingest as it is. Returns
        whether the guide's cells were computed (False: they were kept already)."""
        from paybench.guide.report import prepare

        with self.locked() as store:  # a read: other processes may read the store meanwhile
            data = prepare(store, metros=metros, params=self.params, engine=self.cell_engine)
        return not data.cells_cached

    def export(self, out_dir: str | Path, *, format: str = "parquet", cells: bool = True) -> ExportReport:
        """Write the store's observations (and, with `cells`, the guide's cells) to `out_dir`
        as Parquet for any engine to read (`paybench.export`: files and schema). InputError
        for another format or a folder that cannot be written."""
        from paybench.export import EXPORT_FORMATS, export_parquet

        chosen = format.strip().lower()
        if chosen not in EXPORT_FORMATS:
            raise InputError(f"unknown export format {format!r}; expected {', '.join(EXPORT_FORMATS)}",
                             field="format")
        guide = self.guide_data if cells else None
        with self.locked() as store:
            return export_parquet(store, Path(out_dir), self.params, guide)

    def guide_data(self) -> GuideData:
        """The guide's cells for the store as it is now (the 25 largest tech metros; built once
        per store content)."""
        from paybench.guide import build_guide

        params = self.params
        return self.cached("guide", lambda store: build_guide(store, metros=25, params=params,
                                                              engine=self.cell_engine))

    def check(self, *, metros: int = 25) -> CheckReport:
        """Audit the guide's cells, its rankings and a fixed list of estimates against the
        invariants a reader checks (`paybench.check`): each violation with its cell and numbers."""
        from paybench.check import run_check

        return run_check(self, metros=metros)

    def guide_table(self, *, area: str | None = None, role: str | None = None,
                    level: str | None = None, place: str | None = None, limit: int = 500,
                    offset: int = 0) -> GuideTable:
        """The guide's rows, filtered by area, role, level and place, and paged."""
        if area is not None and area not in AREAS:
            raise InputError(f"unknown area {area!r}; expected one of {', '.join(AREAS)}",
                             field="area")
        if not 1 <= limit <= 10_000 or offset < 0:
            raise InputError("limit must be 1-10,000 and offset 0 or more", field="limit")
        role_id = resolve_role(role).role.id if role else None
        lvl = resolve_level(level) if level is not None else None
        key = resolve_place(place).guide_key if place else None
        data = self.guide_data()
        rows = [r for r in data.rows
                if (area is None or r.area == area) and (role_id is None or r.role == role_id)
                and (lvl is None or r.level == lvl) and (key is None or r.place == key)]
        page = rows[offset:offset + limit]
        return GuideTable(effective_date=data.effective_date,
                          metros=[MetroInfo(cbsa=m["cbsa"], name=m["area_name"],
                                            tech_employment=m["employment"]) for m in data.metros],
                          count=len(page), total=len(rows), rows=page)

    # ------------------------------------------------------------------ estimator
    def estimator(self, retrain: bool = False) -> EstimatorModel:
        """The store's estimator: loaded, or trained when the store has none (or a stale one),
        once per engine; `retrain` trains it anew. With `background` (the server) training never
        runs in the caller: a stale model is answered while a thread retrains it (at most every
        RETRAIN_MIN_INTERVAL_SECONDS), a model saved by another process (`paybench train`) is
        picked up, and with no model at all EstimatorNotReady is raised while one is trained."""
        if self.background and not retrain:
            return self._served_estimator()
        if self._estimator is None or retrain:
            with self.lock:
                if self._estimator is None or retrain:
                    self._estimator = self._ensure_estimator(retrain)
        return self._estimator

    def _ensure_estimator(self, retrain: bool) -> EstimatorModel:
        """Load the saved model when it fits the store, else train one. Training reads a
        snapshot of the store (a copy taken under a read lock) so that the store stays free
        for writers during the tens of seconds it takes; the model is saved beside the store
        (kept in memory only when the store's directory cannot be written)."""
        from paybench.estimate import model as trainer

        if not self.read_only:
            self._ensure_defaults()
        model: EstimatorModel | None = None
        with tempfile.TemporaryDirectory(prefix="paybench-train-") as tmp:
            with self.locked() as store:
                path = trainer.model_path(store)
                model = None if retrain else trainer.load_model(path)
                if model is not None and model.info.ingests == trainer.store_fingerprint(store):
                    self._estimator_stamp = _stamp_of(path)
                    self._trained_at = time.monotonic()
                    return model
                if self._memory is not None:
                    model = trainer.train_model(store)
                else:
                    snapshot = Path(tmp) / self._path.name
                    for src, dst in ((self._path, snapshot),
                                     (Path(f"{self._path}.wal"), Path(f"{snapshot}.wal"))):
                        if src.exists():
                            shutil.copyfile(src, dst)
            if self._memory is None:
                with Store(snapshot, read_only=True) as snap:
                    model = trainer.train_model(snap)
                model.info.store = str(self._path)
        assert model is not None
        try:
            trainer.save_model(model, path)
            self._estimator_stamp = _stamp_of(path)
        except OSError as exc:
            log.warning("model not saved beside the store (%s): kept in memory", exc.strerror)
        self._trained_at = time.monotonic()
        return model

    def _served_estimator(self) -> EstimatorModel:
        from paybench.estimate.model import load_model, model_path, store_fingerprint

        # from memory while the store is unchanged: an estimate does not open the store
        path = self.cached("estimator_path", model_path)
        stamp = _stamp_of(path)
        if self._estimator is None or (stamp is not None and stamp != self._estimator_stamp):
            saved = load_model(path)
            if saved is not None:
                self._estimator, self._estimator_stamp = saved, stamp
        fingerprint = self.cached("fingerprint", store_fingerprint)
        stale = self._estimator is None or (_without_submissions(self._estimator.info.ingests)
                                            != _without_submissions(fingerprint))
        self._estimator_current = None if self._estimator is None else not stale
        if stale and (self._estimator is None
                      or time.monotonic() - self._trained_at > RETRAIN_MIN_INTERVAL_SECONDS):
            self.train_in_background()
        if self._estimator is None:
            raise EstimatorNotReady("the estimator is being trained for this store; try again in a "
                                    "minute (GET /api/v1/status shows its state)")
        return self._estimator

    def train_in_background(self) -> EstimatorState:
        """Start training the estimator in a daemon thread (unless a run is in progress); the
        model is saved beside the store and answered from then on. Returns the state."""
        with _GUARD:
            if self._training is None or not self._training.is_alive():
                self._training_since = dt.datetime.now().astimezone().replace(microsecond=0)
                self._training_error = None

                def run() -> None:
                    try:
                        self._estimator = self._ensure_estimator(True)
                        self._estimator_current = True
                    except Exception as exc:  # shown in the state; the old model stays
                        text = str(exc).strip()
                        self._training_error = text.splitlines()[0][:200] if text else type(exc).__name__
                        self._trained_at = time.monotonic()
                        log.warning("training failed: %s", self._training_error)
                    finally:
                        self._training_since = None

                self._training = threading.Thread(target=run, name="paybench-train", daemon=True)
                self._training.start()
        return self.estimator_state()

    def estimator_state(self) -> EstimatorState:
        """Whether an estimator is loaded, and the training run in progress, if any."""
        since = self._training_since
        model = self._estimator
        state: Literal["ready", "training", "none", "failed"] = (
            "training" if since is not None else "ready" if model is not None
            else "failed" if self._training_error else "none")
        return EstimatorState(
            state=state, trained_at=None if model is None else model.info.trained_at.isoformat(),
            training_since=None if since is None else since.isoformat(), error=self._training_error,
            current=None if model is None else self._estimator_current)

    def estimate(self, title: str, *, place: str | None = None, years_experience: float | None = None,
                 level: str | None = None, industry: str | None = None,
                 company_size: str | None = None, remote: str | None = None,
                 skills: Sequence[str] = (), year: int | None = None) -> Estimate:
        """Estimate one person's annual base pay: P10, P50, P90 and the contribution of each
        factor (level, place, skills, industry, company size)."""
        from paybench.estimate import EstimateRequest

        request = validated(EstimateRequest, {
            "title": title, "place": place, "years_experience": years_experience, "level": level,
            "industry": industry, "company_size": company_size, "remote": remote,
            "skills": list(skills), "year": year})
        found = self.estimate_many([request])[0]
        if isinstance(found, InputError):
            raise found
        return found

    def estimate_many(self, requests: Sequence[Any], *,
                      memory_only: bool = False) -> list[Estimate | InputError]:
        """Estimate each request (`paybench.estimate.EstimateRequest`; one model call for
        all); a request that cannot be estimated gives its InputError in its place.
        `memory_only`: raise `paybench.estimate.anchor.NotInMemory` instead of computing a
        cell or running the quantile models for a feature row not answered before (a server
        answers what is in memory on its event loop, the rest in a worker thread)."""
        from paybench.bench.oews import OewsPriors
        from paybench.estimate import features
        from paybench.estimate.service import estimates_from, prepare_request

        prepared: list[features.Prepared] = []
        out: list[Estimate | InputError | None] = []
        for request in requests:
            try:
                prepared.append(prepare_request(request))
                out.append(None)
            except InputError as exc:
                out.append(exc)
        if not prepared:
            return [o for o in out if o is not None]
        model = self.estimator()
        cells = self.cell_lookup()
        priors = self.cached("priors", OewsPriors.load)
        found = iter(estimates_from(model, priors, prepared, cells,  # outside the store lock
                                    memory_only=memory_only))
        return [next(found) if o is None else o for o in out]

    def cell_lookup(self, params: MethodParams | None = None) -> CellLookup:
        """The cells of the current benchmark model (`model(params)`), each computed once
        for as long as the model stands (`paybench.estimate.anchor.CellLookup`)."""
        return self._memo(params)[0]

    def remembered(self, key: Hashable, build: Callable[[], T],
                   params: MethodParams | None = None) -> T:
        """`build()` once per `key` for as long as the benchmark model of `params` (default:
        the engine's) stands: for answers that depend on nothing else (the server keeps the
        JSON of each cell lookup so). At most MAX_REMEMBERED per model, oldest dropped first;
        an exception is not remembered."""
        answers = self._memo(params)[1]
        try:
            return cast(T, answers[key])  # stored below by build(): a T
        except KeyError:
            pass
        value = build()
        answers[key] = value
        while len(answers) > MAX_REMEMBERED:
            with contextlib.suppress(KeyError, StopIteration, RuntimeError):
                del answers[next(iter(answers))]
        return value

    def _memo(self, params: MethodParams | None) -> tuple[CellLookup, dict[Hashable, Any]]:
        from paybench.estimate.anchor import CellLookup

        model = self.model(params)
        key = hash((params or self.params).key())
        found = self._lookups.get(key)
        if found is None or found[0].bench is not model:
            found = self._lookups[key] = (CellLookup(model), {})
            while len(self._lookups) > MAX_LOOKUPS:
                with contextlib.suppress(KeyError, StopIteration, RuntimeError):
                    del self._lookups[next(iter(self._lookups))]
        return found

    def estimate_file(self, input_file: str | Path, output_file: str | Path) -> BatchResult:
        """Estimate every row of a CSV (survey or plain layout) into a CSV with the input
        columns plus role, level, p10, p50, p90 and reason."""
        from paybench.estimate import estimate_batch

        source = user_file(input_file, "input_file")
        model = self.estimator()
        try:
            with self.locked() as store:
                return estimate_batch(store, source, Path(output_file), model=model)
        except InputError as exc:
            raise exc.with_field("input_file") from None
        except OSError as exc:
            raise InputError(f"cannot write {output_file}: {exc.strerror}", field="output_file") from None

    def train(self) -> ModelInfo:
        """Train the estimator on the store as it is now (and save it beside the store)."""
        return self.estimator(retrain=True).info

    def evaluate(self, test: str | Path) -> EvaluationReport:
        """Score the estimator and two baselines on a file with true salaries (`test`: a CSV in
        the survey or plain layout)."""
        from paybench.estimate import evaluate

        source = user_file(test, "test")
        model = self.estimator()
        try:
            with self.locked() as store:
                return evaluate(store, source, model=model)
        except InputError as exc:
            raise exc.with_field("test") from None

    # ------------------------------------------------------------------ decisions
    def market(self) -> Market:
        """The decision tools' market data: the benchmark model, published total-comp and hourly
        figures and the survey's contract rows (built once per store content)."""
        from paybench.decide.market import Market

        model = self.model()  # outside the market's build: both take the store lock
        found = self.cached("market", lambda store: Market.load(store, model))
        if found.model is not model:  # the store changed between the two reads
            found = Market(model=model, figures=found.figures, contract_rows=found.contract_rows)
        return found

    def offer(self, offers: Offer | dict[str, Any] | Sequence[Offer | dict[str, Any]]) -> OfferReport:
        """Evaluate one offer or compare two to four: total compensation for years 1-4, the
        4-year mean, the steady state, the base's market percentile, the total's percentile
        where published total-comp figures exist, and the metro pay differential."""
        from paybench.decide.offer import offer_report, parse_offers

        parsed = parse_offers(offers)
        market = self.market()
        wanted = sorted({o.segment for o in parsed if o.segment is not None})
        if wanted:
            views: dict[tuple[str, str], BenchmarkModel | None] = {}
            for segment in wanted:
                for component in ("base", "total"):
                    try:
                        views[(component, segment)] = self.model(
                            self.view_params(None, component, segment))
                    except InputError:  # no such observations in the store: said per offer
                        views[(component, segment)] = None
            market = market.with_segments(views)
        return offer_report(parsed, market)

    def contract(self, hourly_rate: float | None = None, salary: float | None = None, *,
                 assumptions: ContractAssumptions | None = None, role: str | None = None,
                 level: str | None = None, place: str = "US") -> ContractResult:
        """Convert an hourly contract rate to the salary worth the same, or a salary to a rate;
        with a role, place the rate among the market's contract evidence."""
        from paybench.decide.contract import contract_result

        need_market = role is not None and role.strip() != ""
        return contract_result(hourly_rate, salary, assumptions=assumptions, role=role, level=level,
                               place=place, market=self.market() if need_market else None)

    def bands(self, role: str, place: str = "US", *, percentile: float = 50.0, spread: float = 40.0,
              levels: Sequence[str] | None = None, management: bool = False,
              min_progression: float = 5.0) -> BandTable:
        """Pay bands (min, mid, max) for a role ladder in a place from the market cells."""
        from paybench.decide.bands import build_bands

        return build_bands(self.market(), role, place, percentile=percentile, spread_pct=spread,
                           levels=list(levels) if levels else None, include_management=management,
                           min_progression_pct=min_progression)

    def roster(self, employees: str | Path | Sequence[Employee], *, percentile: float = 50.0,
               spread: float = 40.0) -> RosterReport:
        """Each employee's compa-ratio, market percentile and band flag, from a roster file
        (a Path), CSV text (a str) or a list of employees. Nothing of it is stored."""
        from paybench.decide.roster import check_roster, read_roster, roster_from_text

        if isinstance(employees, Path):
            try:
                rows, rejected = read_roster(user_file(employees, "employees"))
            except InputError as exc:
                raise exc.with_field("employees") from None
        elif isinstance(employees, str):
            rows, rejected = roster_from_text(employees)
        else:
            if not employees:
                raise InputError("the roster is empty", field="employees")
            rows, rejected = list(enumerate(employees, 1)), []
        return check_roster(rows, self.market(), percentile=percentile, spread_pct=spread,
                            rejected=rejected)

    def posting_range(self, role: str, level: str, place: str, *, employer_size: int | None = None,
                      remote: bool = False, band_min: float | None = None,
                      band_max: float | None = None, low_pct: float = 25.0, high_pct: float = 75.0,
                      posting_date: str | dt.date | None = None) -> PostingRange:
        """The range to post for a role x level x place (market P25-P75 by default, or a band)
        and the pay-transparency laws it must meet, with citations. Not legal advice."""
        from paybench.decide.posting import posting_range

        if (band_min is None) != (band_max is None):
            raise InputError("give both band_min and band_max, or neither",
                             field="band_max" if band_max is None else "band_min")
        band = (band_min, band_max) if band_min is not None and band_max is not None else None
        return posting_range(self.market(), role, level, place, employer_size=employer_size,
                             remote=remote, band=band, low_pct=low_pct, high_pct=high_pct,
                             posting_date=parse_date(posting_date, "posting_date"))

    @staticmethod
    def laws(place: str | None = None, *, remote: bool | str | Sequence[str] | None = None,
             employer_size: int | None = None, posting_date: str | dt.date | None = None) -> LawList:
        """The US pay-transparency laws (states, counties, cities), each with its citation,
        effective date, employer-size threshold, what a posting must state since when, how it
        treats remote jobs and the date it was checked: all of them, or those that reach a
        worksite `place` and/or a remote scope (`remote`: 'US' or the states a remote job may
        be filled from, 'CO,NY'). Needs no store. Not legal advice."""
        from paybench.decide.posting import list_laws

        if employer_size is not None and employer_size < 1:
            raise InputError(f"employer size {employer_size} must be at least 1 employee",
                             field="employer_size")
        if place is not None and not place.strip():
            raise InputError("no place given", field="place")
        return list_laws(place, remote=remote or False, employer_size=employer_size,
                         posting_date=parse_date(posting_date, "posting_date"))

    def posting_check(self, posting: str | Path | dict[str, Any] | PostingRecord
                      | Sequence[dict[str, Any] | PostingRecord], *, place: str | None = None,
                      remote: bool | str | Sequence[str] | None = None, employer_size: int | None = None,
                      posting_date: str | dt.date | None = None, title: str | None = None
                      ) -> PostingCheckReport:
        """Check postings already written against the pay-transparency laws of their worksite
        (or remote scope) and their range against the market cell
        (`paybench.decide.posting_check`): a posting's text (`str`; `place` or `remote` needed;
        `title` for the market cell, default its first line when that is a job title), a
        `Path` to a postings file in any layout the postings adapter reads (one row per posting;
        `place`/`remote` override the rows'), or one record or a list of records with the
        adapter's field names. Not legal advice."""
        from paybench.decide.posting_check import (
            PostingRecord,
            check_postings,
            guess_title,
            read_posting_file,
        )

        records: Iterable[tuple[int | None, PostingRecord | str]]
        if isinstance(posting, Path):
            path = user_file(posting, "posting")
            records, source = read_posting_file(path), path.name  # read lazily, up to MAX_POSTINGS
        elif isinstance(posting, str):
            if not posting.strip():
                raise InputError("empty posting: give its text or a file", field="posting")
            if place is None and not remote:
                raise InputError("give the worksite (place) or a remote scope (remote, e.g. 'US')",
                                 field="place")
            record = validated(PostingRecord, {"description": posting,
                                               "title": title or guess_title(posting),
                                               "location": place}, "posting")
            records, source = [(None, record)], "text"
        else:
            items = [posting] if isinstance(posting, (dict, PostingRecord)) else list(posting)
            if not items:
                raise InputError("no postings given", field="posting")
            records = []
            for i, item in enumerate(items):
                record = item if isinstance(item, PostingRecord) else validated(
                    PostingRecord, item, f"posting.{i}" if len(items) > 1 else "posting")
                if title:
                    record = record.model_copy(update={"title": title})
                records.append((i + 1 if len(items) > 1 else None, record))
            source = "records"
        day = parse_date(posting_date, "posting_date")
        try:
            return check_postings(records, self.market(), source=source, place=place, remote=remote,
                                  employer_size=employer_size, on=day)
        except InputError as exc:  # the file's own errors (not a postings file ...) name no field
            raise (exc if exc.field is not None else exc.with_field("posting")) from None

    def trend(self, role: str, level: str | None = None, place: str | None = None, *,
              source: str | None = None) -> TrendReport:
        """Pay over time for a role (id, name or title) x level x place: a mix-adjusted index
        of annual base pay by year (role x level x place held fixed; base year = 100) with its
        interval, beside the raw median and its change, n per year and per source, from the
        store's dated observations and its OEWS releases (`paybench.bench.trend`; pay is not
        aged). Without a level: the one a title states, else every level, each held fixed;
        without a place: every place, each held fixed ('US': the nation). `source`: one source
        id ('aijobs', 'lca', 'oews', ...). InputError for an unknown role, level, place or
        source, a store with no dated pay for the question, or one year only."""
        from paybench.bench.trend import pay_trend

        choice = resolve_role(role)
        chosen = resolve_level(level) if level is not None else choice.title_level
        where = resolve_place(place) if place is not None and place.strip() else None
        with self.locked() as store:
            return pay_trend(store, choice.role, level=chosen, place=where,
                             source=source if source is not None and source.strip() else None,
                             params=self.params)

    def skills(self, role: str, place: str | None = None, *, min_n: int = 20) -> SkillReport:
        """Skills asked for in a role's job postings and the posted-pay premium of each."""
        from paybench.insights.skills import skill_premiums

        if min_n < 1:
            raise InputError("min_n must be at least 1", field="min_n")
        role_id = resolve_role(role).role.id
        if place is not None:
            resolve_place(place)
        with self.locked() as store:
            return skill_premiums(store, role_id, place, min_n=min_n)

    def employers(self, *, segment: str | None = None, role: str | Sequence[str] | None = None,
                  kind: str | Sequence[str] | None = None, limit: int | None = None) -> EmployerReport:
        """Employers in the store with their segment (big-tech, ai-lab, startup, enterprise,
        government, consultancy, unclassified), the basis of the segment (list entry, NAICS
        sector, unclassified), usable base-pay observations by source and their median (annual
        USD): `paybench.insights.employers`. `segment`: keep one segment (InputError naming the
        ids for another); `role`: a role id, name or title to keep, or several (a list: pooled);
        `kind`: keep one kind of observation or several ('filed': H-1B filings; InputError
        naming the kinds for another); `limit`: the most observed employers to list (the segment
        summary covers all)."""
        from paybench.insights.employers import employer_report, parse_kinds, parse_segment

        wanted = parse_segment(segment)
        kinds = parse_kinds([kind] if isinstance(kind, str) else kind, self.params)
        if role is None or isinstance(role, str):
            role_id = resolve_role(role).role.id if role else None
            pooled = None
        else:
            role_id, pooled = None, [resolve_role(r).role.id for r in role]
        with self.locked() as store:
            return employer_report(store, role=role_id, roles=pooled, kinds=kinds, segment=wanted,
                                   limit=limit, params=self.params)

    # ------------------------------------------------------------------ pay gap
    def paygap(self, payroll: str | Path | Sequence[dict[str, Any]], *, profile: str = "eu",
               mapping: dict[str, str] | Sequence[str] | None = None, factors: Sequence[str] = (),
               min_group: int = DEFAULT_MIN_GROUP, full_time_hours: float = HOURS_PER_YEAR,
               currency: str | None = None, role_column: str | None = None,
               level_column: str | None = None, place: str = "US") -> PayGapReport:
        """The gender pay-gap report of a payroll (a file: CSV or xlsx, a Path; CSV text, a str;
        or rows, a list of dicts): the indicators of Directive (EU) 2023/970 Art. 9 on annual
        and hourly pay with the Art. 10 trigger per category (`profile` "eu"), or those of the
        UK's SI 2017/172 ("uk"); the part of each gap the declared `factors` (columns) explain;
        and the pay range of each category, beside its market cell when `role_column` (and
        `level_column`) name each worker's role and level (`currency`: the payroll's, needed
        then; `place`: the market's). `mapping`: field -> column ({"gender": "sex"}).
        `min_group`: fewest women and men a group needs for its figures. Nothing is stored;
        the store is read only for the market cells. `paybench.decide.paygap` defines it all."""
        from paybench.decide.paygap import paygap_of

        if role_column is not None and role_column.strip():
            resolve_place(place)
        return paygap_of(payroll, profile=profile, mapping=mapping, factors=factors, min_group=min_group,
                         full_time_hours=full_time_hours, currency=currency, role_column=role_column,
                         level_column=level_column, place=place, market=self.market)

    # ------------------------------------------------------------------ submissions
    def submit(self, submission: Submission, *, client: str | None = None) -> SubmissionResult:
        """Store one person's pay (validated, normalized; an outlier against its cell is held
        for review). `client`: the sender's network address, from which a keyed pseudonym
        tells distinct contributors apart (docs/privacy.md); None (in-process use) counts as
        one local contributor. InputError naming the field at fault."""
        from paybench.submissions import prepare_submission, store_submission

        prepared = prepare_submission(submission)
        model = self.model()
        with self.locked(write=True, seen_at_once=False) as store:
            return store_submission(store, prepared, model, client=client)

    def submission_counts(self) -> dict[str, int]:
        """How many submissions are stored, pending review and rejected."""
        from paybench.submissions import submission_counts

        with self.locked() as store:
            return submission_counts(store)

    def pending_reviews(self) -> list[PendingReview]:
        """Submissions held back as outliers, awaiting a decision."""
        from paybench.submissions import pending_reviews

        with self.locked() as store:
            return pending_reviews(store)

    def review(self, review_id: int, decision: Literal["approve", "reject"]) -> str:
        """Approve (the submission joins the data) or reject a held-back submission; the new
        status. InputError (field 'review_id') when no such review is pending."""
        from paybench.submissions import decide_review

        try:
            with self.locked(write=True, seen_at_once=not self.background) as store:
                return decide_review(store, review_id, decision == "approve")
        except InputError as exc:
            raise exc.with_field("review_id") from None


# --------------------------------------------------------------------------- helpers
def _without_submissions(ingests: list[Any]) -> list[Any]:
    """A store's ingests but the submissions': a server does not retrain for a submission
    (so when it trains says nothing about when someone submitted; docs/privacy.md)."""
    return [i for i in ingests if i.source != "submission"]


def _unwritable(path: Path) -> bool:
    """An existing store file this process cannot write (read-only media or permissions)."""
    return path.exists() and not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))


def _stamp_of(path: Path) -> tuple[int, ...] | None:
    """Size and modification time (ns) of a file, None when there is none."""
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns)


def _cell(model: BenchmarkModel, role_id: str, level: str, place: CellPlace) -> BenchmarkCell:
    try:
        return model.cell(role_id, level, place)
    except InputError as exc:
        raise exc.with_field("place") from None


def _published(model: BenchmarkModel, role: str, levels: list[str],
               places: list[CellPlace]) -> list[PublishedCellFigure]:
    out: list[PublishedCellFigure] = []
    seen: set[tuple[Any, str]] = set()
    for place in places:
        for level in levels:
            for row in model.published_for(role, level, place):
                if row.get("level") is None:  # a figure for the role at no level: listed once
                    if (row.get("figure_id"), place.label) in seen:
                        continue
                    seen.add((row.get("figure_id"), place.label))
                day = row.get("published_on")
                out.append(PublishedCellFigure(
                    figure_id=row.get("figure_id"), level=row.get("level"), stat=row["stat"],
                    annual_usd=float(row["annual_usd"]), qualifier=row.get("qualifier"),
                    place_label=place.label, citation=row.get("citation"),
                    published_on=None if day is None else as_date(day)))
    return out


@functools.cache
def _role_labels() -> tuple[list[str], list[str]]:
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


def _metros(store: Store) -> list[MetroInfo]:
    import pandas as pd

    frame = store.query(
        """
        SELECT a.cbsa, any_value(a.area_name) AS name, max(t.employment) AS tech_employment
        FROM oews a
        LEFT JOIN oews t ON t.cbsa = a.cbsa AND t.soc_code = '15-0000'
             AND t.industry_code = '000000' AND t.release = a.release
        WHERE a.area_type = 'M' AND a.cbsa IS NOT NULL AND a.industry_code = '000000'
          AND a.release = (SELECT max(release) FROM oews)
        GROUP BY a.cbsa
        ORDER BY tech_employment DESC NULLS LAST, name
        """
    )
    frame = frame.astype(object).where(pd.notna(frame), None)
    return [MetroInfo(**row) for row in frame.to_dict("records")]
