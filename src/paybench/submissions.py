"""Personal pay submissions: validation, storage and review of outliers.

A submission is one person's pay: a title, a level (or years of experience), a place, base
pay and optionally bonus and equity per year, in any currency and pay period, and optionally
the employer. It is normalized with the same code as every other source (title -> role and
level, place -> metro, money -> annual USD) and stored as `Observation(kind='submitted',
source='submission')`, one per pay component, in an ingest of its own (so it keeps
provenance: an ingest id, a content hash, a timestamp).

What is stored: the fields above, normalized, and a contributor key; no IP address, no
name, no contact. The contributor key is the first 128 bits of HMAC-SHA256, under a secret
kept beside the store (`<store>.submission-key`, 32 random bytes, mode 0600), of the
client's network address (an IPv4 address, or the /64 network of an IPv6 one, since one
IPv6 host holds a whole /64); submissions through the Python API or the CLI have the address
"local". It links one address's submissions to each other (that is its purpose: a client
counts once towards `paybench.bench.PARAMS.submission_min`), and to nothing else without the
secret; whoever holds both the store and the secret can test a guessed address (docs/privacy.md).

A submission's `dedup_key` is `<contributor key>.<submission key>`, the submission key the
first 128 bits of HMAC-SHA256 (same secret) of the contributor key, the content and the day:
no unsalted hash of a salary is stored or returned. The same content from the same client
on the same day has the same dedup_key, so every computation counts it once; it is still
stored and answered like any other submission, so the answer never tells a client that
someone (e.g. a colleague behind the same address) already sent that figure. The id
returned is random (64 bits from `secrets`), never derived from the content.

Outliers are held back in `submission_review` (status 'pending') and stay out of
`observations`, so no benchmark uses them until an admin approves them. A submission is an
outlier when its annual base pay (USD) is

* below P10 / 3 or above P90 x 3 of its benchmark cell (role x level x place), or
* more than 4 robust standard deviations from the cell's median in log pay, the standard
  deviation read off the cell's P10-P90 span: sigma = (ln P90 - ln P10) / (2 x 1.2816).

k-anonymity and coarsening are enforced where cells are computed (`paybench.bench.disclosure`):
a cell's submissions count only from 5 distinct contributors up, each at the midpoint of its
$25,000 bin.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import math
import os
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from paybench.bench import BenchmarkModel, CellPlace, cell_place
from paybench.errors import InputError, MoneyError
from paybench.normalize.employers import normalize_employer
from paybench.normalize.levels import level_from_years, parse_level, reconcile_level
from paybench.normalize.money import currency_code, normalize_pay, parse_period
from paybench.normalize.places import normalize_place
from paybench.normalize.roles import get_role
from paybench.normalize.titles import normalize_title
from paybench.records import Component, Number, Observation, Provenance
from paybench.sources.submission import SOURCE
from paybench.store import Store

SOURCE_ID = SOURCE.id
OUTLIER_RATIO = 3.0
"""A base pay below P10 / 3 or above P90 x 3 of its cell is held back for review."""
OUTLIER_Z = 4.0
"""A base pay more than this many robust standard deviations (log pay) from the cell's
median is held back for review."""
_Z90 = 1.2815515655446004

SubmissionStatus = Literal["accepted", "held_for_review"]
LOCAL_CLIENT = "local"
"""The network address of submissions made in-process (Python API, CLI)."""
SECRET_BYTES = 32
"""Length of the server's submission secret (bytes; 256 bits, HMAC-SHA256's block-safe size)."""
KEY_HEX = 32
"""Hex digits kept of an HMAC-SHA256 (128 bits: no collision among any realistic number of
clients or submissions)."""
_memory_secret = secrets.token_bytes(SECRET_BYTES)  # a store in memory: this process only
_secret_lock = threading.Lock()


class Submission(BaseModel):
    """One person's pay as submitted. Amounts are in `currency` per `period`; equity is the
    value vesting per year."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=1, max_length=200, description="job title as held")
    level: str | None = Field(default=None, max_length=40,
                              description="entry, mid, senior, staff, principal, manager, ...")
    years_experience: Number | None = Field(default=None, ge=0, le=60,
                                           description="years of professional experience")
    place: str = Field(min_length=1, max_length=200,
                       description="city, metro, state, ZIP or 'Remote (US)'")
    base: Number = Field(gt=0, le=1e9, description="base pay, in currency per period")
    bonus: Number | None = Field(default=None, ge=0, le=1e9,
                                description="yearly bonus, in currency per period")
    equity_per_year: Number | None = Field(default=None, ge=0, le=1e9,
                                          description="equity vesting per year, in currency")
    currency: str = Field(default="USD", min_length=1, max_length=10)
    period: str = Field(default="year", min_length=1, max_length=20,
                        description="hour, day, week, biweek, month or year")
    employer: str | None = Field(default=None, max_length=200)


@dataclass
class PreparedSubmission:
    """A validated submission: its observations (base first) and where it belongs."""

    observations: list[Observation]
    role: str
    role_name: str
    level: str
    level_basis: str
    place: CellPlace
    base_annual_usd: float
    content: str
    """The canonical content (JSON, with the day): keyed by `submission_key`, never stored."""


class SubmissionResult(BaseModel):
    """What happened to a submission: accepted (stored) or held for review (an outlier, not
    used until approved). The same content sent again by the same client the same day gets
    the same answer (with another random id) and is counted once. The API returns it as
    it is."""

    status: SubmissionStatus
    id: str
    role: str
    role_name: str
    level: str
    place: CellPlace
    base_annual_usd: float
    reason: str | None = None


def _level(sub: Submission, title_level: str | None) -> tuple[str, str]:
    if sub.level:
        try:
            return parse_level(sub.level), "given"
        except ValueError as exc:
            raise InputError(field="level", message=str(exc)) from None
    if sub.years_experience is not None:  # a leadership title wins over years (reconcile_level)
        found, basis = reconcile_level(title_level, level_from_years(sub.years_experience), "years")
        return str(found), str(basis)
    if title_level:
        return title_level, "title"
    raise InputError(field="level", message="give a level or years_experience (the title states no level)")


def prepare_submission(sub: Submission, on: dt.date | None = None) -> PreparedSubmission:
    """Validate and normalize a submission; raise InputError naming the field."""
    on = on or dt.date.today()
    match = normalize_title(sub.title)
    if match.role is None:
        raise InputError(field="title", message=match.reason or "no tech role matches this title")
    role = get_role(match.role)
    level, level_basis = _level(sub, match.level)
    try:
        place = normalize_place(sub.place)
    except InputError as exc:
        raise InputError(field="place", message=str(exc)) from None
    cplace = cell_place(place)
    try:
        period = parse_period(sub.period)
    except MoneyError as exc:
        raise InputError(field="period", message=str(exc)) from None
    try:
        currency = currency_code(sub.currency)
    except MoneyError as exc:
        raise InputError(field="currency", message=str(exc)) from None
    amounts: list[tuple[str, Component, float]] = [("base", "base", sub.base)]
    if sub.bonus:
        amounts.append(("bonus", "bonus", sub.bonus))
    if sub.equity_per_year:
        amounts.append(("equity_per_year", "equity", sub.equity_per_year))
    employer = " ".join(sub.employer.split()) if sub.employer else None
    named = normalize_employer(employer) if employer else None  # stored as every source stores it
    content = json.dumps({**sub.model_dump(), "employer": employer, "on": on.isoformat()},
                         sort_keys=True)
    sha = ""  # keyed by the store's secret when it is stored (store_submission)
    observations = []
    annual: list[float] = []  # each observation's annual USD (never None: submissions are converted)
    for field_name, component, amount in amounts:
        # bonus and equity are yearly sums: never annualized from an hourly base's period
        per = period if component == "base" else "year"
        try:
            pay = normalize_pay(amount, currency, per, on, component=component)
        except MoneyError as exc:
            raise InputError(str(exc), field=field_name) from None
        annual.append(pay.annual_usd)
        observations.append(Observation(
            provenance=Provenance(source=SOURCE_ID, file_sha256=sha, row_number=1,
                                  citation="submitted through the paybench API"),
            kind="submitted", observed_on=on, raw_title=sub.title, role=role.id,
            role_confidence=match.confidence, level=level, level_basis=level_basis,
            country=place.country, state=place.state, metro=place.metro,
            work_mode=place.work_mode, employment_type="full_time",
            employer=named.display if named is not None else None,
            component=component, currency=currency, period=per,
            amount_raw=amount, annual_usd=pay.annual_usd, dedup_key=sha,
            years_experience=sub.years_experience,
        ))
    return PreparedSubmission(
        observations=observations, role=role.id, role_name=role.name, level=level,
        level_basis=level_basis, place=cplace, base_annual_usd=annual[0],
        content=content)


def secret_path(store: Store) -> Path | None:
    """Where a store's submission secret is kept: beside the store file (none in memory)."""
    if str(store.path) == ":memory:":
        return None
    return store.path.with_name(store.path.name + ".submission-key")


def store_secret(store: Store) -> bytes:
    """The store's submission secret (created on first use, readable by its owner only)."""
    path = secret_path(store)
    if path is None:
        return _memory_secret
    with _secret_lock:
        try:
            return bytes.fromhex(path.read_text().strip())
        except FileNotFoundError:
            pass
        value = secrets.token_bytes(SECRET_BYTES)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            return bytes.fromhex(path.read_text().strip())
        with os.fdopen(fd, "w") as handle:
            handle.write(value.hex() + "\n")
        return value


def client_network(address: str | None) -> str:
    """What identifies a client: an IPv4 address, an IPv6 address's /64 network, or the text
    given when it is not an address (LOCAL_CLIENT for in-process submissions)."""
    if not address:
        return LOCAL_CLIENT
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{ip}/64", strict=False))
    return str(ip)


def _mac(secret: bytes, *parts: str) -> str:
    message = "\0".join(parts).encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:KEY_HEX]


def contributor_key(secret: bytes, client: str | None) -> str:
    """A client's contributor key: HMAC-SHA256 (128 bits kept) of its network
    (`client_network`) under the store's secret."""
    return _mac(secret, "contributor", client_network(client))


def submission_key(secret: bytes, contributor: str, content: str) -> str:
    """A submission's dedup_key: `<contributor>.<HMAC of contributor and content>`."""
    return f"{contributor}.{_mac(secret, 'submission', contributor, content)}"


def outlier_reason(prepared: PreparedSubmission, model: BenchmarkModel) -> str | None:
    """Why the submission's base pay is an outlier for its cell, or None (see module doc)."""
    try:
        cell = model.cell(prepared.role, prepared.level, prepared.place)
    except InputError:
        national = CellPlace(scope="national", country="US", label="United States")
        cell = model.cell(prepared.role, prepared.level, national)
    pay = prepared.base_annual_usd
    where = f"{cell.role_name}, {cell.level}, {cell.place.label}"
    if pay < cell.p10 / OUTLIER_RATIO:
        return f"base ${pay:,.0f} is below P10/{OUTLIER_RATIO:g} (${cell.p10:,} / 3) of {where}"
    if pay > cell.p90 * OUTLIER_RATIO:
        return f"base ${pay:,.0f} is above P90x{OUTLIER_RATIO:g} (${cell.p90:,} x 3) of {where}"
    sigma = (math.log(cell.p90) - math.log(cell.p10)) / (2 * _Z90)
    if sigma > 0:
        z = (math.log(pay) - math.log(cell.p50)) / sigma
        if abs(z) > OUTLIER_Z:
            return f"base ${pay:,.0f} is {z:+.1f} robust SD from the median ${cell.p50:,} of {where}"
    return None


def store_submission(store: Store, prepared: PreparedSubmission,
                     model: BenchmarkModel | None = None, *,
                     client: str | None = None) -> SubmissionResult:
    """Store a prepared submission from `client` (its network address; None: in-process):
    into `observations` as its own ingest, or, when it is an outlier against `model`'s cell,
    into `submission_review` (pending). A repeat (same client, content and day) is stored
    and answered the same way and counted once (same dedup_key). The caller holds whatever
    lock guards the store's connection."""
    secret = store_secret(store)
    dedup = submission_key(secret, contributor_key(secret, client), prepared.content)
    observations = [o.model_copy(update={
        "dedup_key": dedup,
        "provenance": o.provenance.model_copy(update={"file_sha256": dedup})})
        for o in prepared.observations]
    receipt = secrets.token_hex(16)
    result = SubmissionResult(
        status="accepted", id=receipt[:16], role=prepared.role,
        role_name=prepared.role_name, level=prepared.level, place=prepared.place,
        base_annual_usd=round(prepared.base_annual_usd, 2))
    reason = outlier_reason(prepared, model) if model is not None else None
    if reason is not None:
        review_id = int(store.scalar("SELECT coalesce(max(review_id), 0) + 1 FROM submission_review"))
        record = json.dumps([o.model_dump(mode="json") for o in observations])
        store.con.execute(
            "INSERT INTO submission_review VALUES (?, ?, 'pending', ?, ?, NULL)",
            [review_id, dt.datetime.now(), reason, record])
        result.status, result.reason = "held_for_review", reason
        return result
    _write_observations(store, observations, f"{dedup}#{receipt}")
    return result


def _write_observations(store: Store, observations: list[Observation], receipt: str) -> int:
    """One ingest per submission received (`receipt` unique; its rows keep their dedup_key)."""
    size = len(json.dumps([o.model_dump(mode="json") for o in observations]))
    with store.ingest_transaction(SOURCE_ID, "api:submission", receipt, size, staged=False) as writer:
        for obs in observations:
            writer.rows_read += 1
            writer.add(obs)
        return writer.ingest_id


class PendingReview(BaseModel):
    """A held-back submission awaiting a decision (shown to admins only)."""

    review_id: int
    received_at: str
    reason: str
    role: str
    level: str
    metro: str | None
    state: str | None
    country: str | None
    base_annual_usd: float


def pending_reviews(store: Store) -> list[PendingReview]:
    """Held-back submissions awaiting a decision, oldest first."""
    frame = store.query(
        "SELECT review_id, received_at, reason, record FROM submission_review "
        "WHERE status = 'pending' ORDER BY review_id")
    out = []
    for row in frame.to_dict("records"):
        records = json.loads(row["record"])
        base = records[0]
        out.append(PendingReview(
            review_id=int(row["review_id"]), received_at=str(row["received_at"]),
            reason=row["reason"], role=base["role"], level=base["level"], metro=base["metro"],
            state=base["state"], country=base["country"], base_annual_usd=base["annual_usd"]))
    return out


def decide_review(store: Store, review_id: int, approve: bool) -> str:
    """Approve (move into observations) or reject a held-back submission; returns the new
    status. Raises InputError when there is no pending review with this id."""
    row = store.con.execute(
        "SELECT record FROM submission_review WHERE review_id = ? AND status = 'pending'",
        [review_id]).fetchone()
    if row is None:
        raise InputError(f"no pending review {review_id}", field="review_id")
    status = "approved" if approve else "rejected"
    if approve:
        observations = [Observation.model_validate(r) for r in json.loads(row[0])]
        _write_observations(store, observations,
                            f"{observations[0].dedup_key}#review-{review_id}")
    store.con.execute(
        "UPDATE submission_review SET status = ?, decided_at = ? WHERE review_id = ?",
        [status, dt.datetime.now(), review_id])
    return status


def submission_counts(store: Store) -> dict[str, int]:
    """How many submissions were stored (each one received, repeats too: a count that moved
    only for new content would tell a client its figure had been sent before), and how
    many wait for review or were rejected (no personal data)."""
    stored = store.scalar(
        "SELECT count(*) FROM ingests WHERE source = ?", [SOURCE_ID]) or 0
    pending = store.scalar(
        "SELECT count(*) FROM submission_review WHERE status = 'pending'") or 0
    rejected = store.scalar(
        "SELECT count(*) FROM submission_review WHERE status = 'rejected'") or 0
    return {"stored": int(stored), "pending_review": int(pending), "rejected": int(rejected)}
