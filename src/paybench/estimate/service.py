"""The estimator's Python API: estimate one person, estimate a CSV batch, train, evaluate.

All money is annual US dollars of base pay (full time). An estimate is as of the store's
effective date (`paybench.bench.PARAMS.effective_date`) unless a year is given.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import time
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from paybench.bench import PARAMS, BenchmarkModel
from paybench.bench.observations import age_log
from paybench.errors import InputError, PaybenchError
from paybench.estimate import features as F
from paybench.estimate.anchor import CellLookup, batch_workers, place_of
from paybench.estimate.evaluate import EvaluationReport, evaluate_model, read_rows
from paybench.estimate.explain import FACTOR_ORDER, dollar_contributions
from paybench.estimate.model import EstimatorModel, ModelInfo, ensure_model
from paybench.normalize.roles import get_role
from paybench.store import Store

OUTPUT_COLUMNS = ("role", "level", "p10", "p50", "p90", "reason")


class EstimateRequest(BaseModel):
    """What a user tells about a job (the request of every surface: the HTTP API takes it as
    its JSON body)."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200, description="job title")
    place: str | None = Field(default=None, max_length=200,
                              description="city, metro, ZIP, state, country or 'remote'")
    level: str | None = Field(default=None, max_length=40, description="entry, mid, senior, ...")
    years_experience: float | None = Field(default=None, ge=0, le=60, strict=True,
                                           description="years of professional experience (a "
                                           "number: true/false and text are refused)")
    industry: str | None = Field(default=None, max_length=100)
    company_size: str | None = Field(default=None, max_length=40, description="S, M or L")
    remote: str | None = Field(default=None, max_length=40, description="remote, hybrid or onsite")
    skills: list[str] = Field(default_factory=list, max_length=50)
    year: int | None = Field(default=None, ge=2000, le=2100, strict=True,
                             description="the year to estimate for")


class Contribution(BaseModel):
    """One factor's share of the P50, in annual USD (negative lowers pay)."""

    factor: str
    usd: int
    log_effect: float = Field(description="effect on log pay")
    detail: str


class ModelSummary(BaseModel):
    """What the model behind an estimate stands on."""

    trained_at: dt.datetime
    basis: str
    rows_by_source: dict[str, int]
    calibrated: bool
    calibration_slice: str | None


class CellRef(BaseModel):
    """The benchmark cell an estimate stands on (the cell `paybench bench` prints)."""

    role: str
    level: str
    place: str
    scope: str
    p25: int
    p50: int
    p75: int
    n: int
    method: str
    confidence: str


class Estimate(BaseModel):
    """A pay estimate: P10, P50, P90 of annual base pay (USD) and why."""

    title: str
    role: str | None
    role_name: str | None
    level: str
    level_basis: str
    country: str | None
    state: str | None
    metro: str | None
    metro_name: str | None
    place: str | None = Field(description="where: the metro's name, else the state, else the country")
    work_mode: str | None
    company_size: str | None
    industry: str | None
    skills: list[str]
    as_of: dt.date
    p10: int
    p50: int
    p90: int
    base_usd: int = Field(description="the model's typical pay before the factors")
    contributions: list[Contribution] = Field(description="sum with base_usd to p50")
    interval: str
    notes: list[str]
    model: ModelSummary
    cell: CellRef | None = Field(
        default=None, description="the benchmark cell the estimate stands on (None: the title "
        "names no role or the place no cell; the quantile models answered)")
    moved_by: list[str] = Field(
        default_factory=list, description="the inputs that moved the estimate off its cell; "
        "inputs not given are averaged over")


def _detail(factor: str, prep: F.Prepared, model: EstimatorModel, anchored: bool = False) -> str:
    if anchored and factor in ("level", "place", "role"):
        return "in the benchmark cell (the base)"
    if anchored and factor == "skills":
        return "not priced on a cell"
    if anchored and factor in ("industry", "company_size", "remote") and not {
            "industry": prep.industry, "company_size": prep.company_size,
            "remote": prep.work_mode}[factor]:
        return "not given: averaged over (the cell as it is)"
    if factor == "level":
        return f"{prep.level} ({prep.level_basis})"
    if factor == "place":
        where = prep.metro_name or prep.state or prep.country or "US"
        return f"{where}; OEWS differential for metros and states"
    if factor == "industry":
        known = prep.industry in model.models.space.categories.get("industry", [])
        return str(prep.industry) if known else f"{prep.industry or 'not given'} (not in training data)"
    if factor == "company_size":
        return prep.company_size or "not given"
    if factor == "remote":
        return prep.work_mode or "not given"
    if factor == "skills":
        used = [s for s in prep.skills if s in model.models.space.skills]
        return ", ".join(used) if used else "none the model knows"
    if factor == "role":
        return f"{prep.role or 'unmatched title'}; title '{prep.raw_title}'"
    return f"{prep.on.year} vs {PARAMS.effective_date:%Y-%m-%d} at the store's growth rate"


def estimate_prepared(store: Store, rows: list[F.Prepared],
                      model: EstimatorModel | None = None) -> tuple[EstimatorModel, list[Estimate]]:
    """Estimates for prepared requests (one model call for all)."""
    model = model or ensure_model(store)[0]
    return model, estimates_from(model, F.OewsPriors.load(store), rows, BenchmarkModel.load(store))


ANCHORED_FACTORS = {"industry": "industry", "company_size": "company_size", "remote": "work_mode"}
"""Explanation factor -> the input whose pooled effect moves an anchored estimate."""


def estimates_from(model: EstimatorModel, priors: F.OewsPriors, rows: list[F.Prepared],
                   bench: BenchmarkModel | CellLookup, *, memory_only: bool = False) -> list[Estimate]:
    """Estimates for prepared requests from a model, the OEWS priors and the benchmark model
    (or a `CellLookup` over it that a server keeps), without the store (so a server can run
    them outside its store lock). Rows anchored on a cell run no trees; the quantile models
    run once per distinct feature row the model has not answered before
    (`EstimatorModel.estimate_rows`; `memory_only`: `anchor.NotInMemory` rather than run
    them)."""
    found = model.estimate_rows(rows, priors, bench, explain=True, memory_only=memory_only)
    summary = ModelSummary(trained_at=model.info.trained_at.astimezone(), basis=model.info.basis,
                           rows_by_source=model.info.rows_by_source, calibrated=model.info.calibrated,
                           calibration_slice=model.info.calibration_slice)
    out = []
    for prep, row in zip(rows, found, strict=True):
        anchor = row.anchor
        notes, moved, cell = [], [], None
        if anchor is not None:
            # the cell is the base; only the inputs given move it (`paybench.estimate.anchor`)
            c = anchor.cell
            eff = dict.fromkeys(FACTOR_ORDER, 0.0)
            for factor, name in ANCHORED_FACTORS.items():
                if name in anchor.effects:
                    eff[factor] = anchor.effects[name][0]
                    moved.append(f"{factor.replace('_', ' ')}: {anchor.effects[name][0]:+.1%} "
                                 f"(pooled within cells, n={anchor.effects[name][1]})")
            eff["year"] = -age_log(prep.on)
            if eff["year"]:
                moved.append(f"year: {math.expm1(eff['year']):+.1%} (aged to {prep.on.year})")
            base_log = math.log(c.p50)
            cell = CellRef(role=c.role, level=c.level, place=c.place.label, scope=c.place.scope,
                           p25=c.p25, p50=c.p50, p75=c.p75, n=c.n, method=c.method,
                           confidence=c.confidence)
            notes.append(f"stands on the benchmark cell {c.role_name}, {c.level}, {c.place.label} "
                         f"(P50 ${c.p50:,}, n={c.n}, {c.method}); inputs not given are averaged over")
            if prep.skills:
                notes.append("skills do not move a cell-anchored estimate: the cells' rows do "
                             "not record skills")
        else:
            assert row.effects is not None and row.bias is not None  # explain=True
            eff = row.effects
            base_log = row.bias
        base, p50, usd = dollar_contributions(base_log, eff)
        if prep.place_note:
            notes.insert(0, f"place: {prep.place_note}")
        if prep.role is None:
            notes.append("title not matched to a role: estimated from its level, place and any "
                         "data on the exact title")
        unknown = [s for s in prep.skills if s not in model.models.space.skills]
        if unknown and anchor is None:
            notes.append("skills without enough training data to price: " + ", ".join(unknown))
        if not model.info.calibrated:
            notes.append("interval not calibrated: the store has too few observations; "
                         "ingest survey, filing or posting data")
        out.append(Estimate(
            title=prep.raw_title, role=prep.role,
            role_name=get_role(prep.role).name if prep.role else None, level=prep.level,
            level_basis=prep.level_basis, country=prep.country, state=prep.state,
            metro=prep.metro, metro_name=prep.metro_name,
            place=(anchor.cell.place.label if anchor is not None and anchor.cell.place.scope == "remote"
                   else prep.metro_name or prep.state or prep.country), work_mode=prep.work_mode,
            company_size=prep.company_size, industry=prep.industry, skills=list(prep.skills),
            as_of=prep.on, p10=min(round(row.p10), p50), p50=p50,
            p90=max(round(row.p90), p50), base_usd=base,
            contributions=[Contribution(factor=f, usd=usd[f], log_effect=round(eff[f], 5),
                                        detail=_detail(f, prep, model, anchor is not None))
                           for f in FACTOR_ORDER],
            interval=(f"P10-P90 by split conformal calibration (group {row.group})"
                      if model.info.calibrated else "raw quantile models (uncalibrated)"),
            notes=notes, model=summary, cell=cell, moved_by=moved))
    return out


def prepare_request(request: EstimateRequest) -> F.Prepared:
    """The estimator's normalized form of a request; InputError naming the field it cannot use."""
    return F.prepare(request.title, place=request.place, years=request.years_experience,
                     level=request.level, industry=request.industry,
                     company_size=request.company_size, remote=request.remote,
                     skills=request.skills, year=request.year)


def estimate_one(store: Store, request: EstimateRequest) -> Estimate:
    """Estimate annual base pay for one request; InputError when it cannot be estimated."""
    return estimate_prepared(store, [prepare_request(request)])[1][0]


class BatchResult(BaseModel):
    """What a batch did."""

    rows: int
    estimated: int
    failed: int
    layout: str


def estimate_batch(store: Store, in_path: Path, out_path: Path,
                   model: EstimatorModel | None = None,
                   timings: dict[str, float] | None = None) -> BatchResult:
    """Estimate every row of a CSV (survey or plain layout) into a CSV with the input columns
    plus role, level, p10, p50, p90 and reason (empty predictions and a reason for rows that
    cannot be estimated). An added column whose name the input already uses (a plain file's
    `level`) is written as `estimated_<name>`. `timings`, when given, receives the seconds
    of each stage (read, prepare, load, cells, estimate, write)."""
    clock = [time.perf_counter()]

    def lap(stage: str) -> None:
        now = time.perf_counter()
        if timings is not None:
            timings[stage] = timings.get(stage, 0.0) + now - clock[0]
        clock[0] = now

    rows, layout = read_rows(Path(in_path))
    lap("read")
    with Path(in_path).open(newline="", encoding="utf-8-sig") as handle:
        header = next(csv.reader(handle))
    prepared: list[F.Prepared] = []  # each distinct row once
    where: list[tuple[int, int]] = []  # (row of the file, its distinct row)
    reasons: dict[int, str] = {}
    seen: dict[tuple[tuple[str, str], ...], int | str] = {}  # a row repeated: read once
    for i, row in enumerate(rows):
        key = tuple(row.items())
        found = seen.get(key)
        if found is None:
            try:
                prepared.append(F.prepare_row(row, layout))
                found = len(prepared) - 1
            except PaybenchError as exc:
                found = str(exc)
            seen[key] = found
        if isinstance(found, str):
            reasons[i] = found
        else:
            where.append((i, found))
    results: dict[int, dict[str, object]] = {}
    lap("prepare")
    if prepared:  # quantiles only (no explanations): one model call for every row
        model = model or ensure_model(store)[0]
        cells = CellLookup.kept_beside(store, BenchmarkModel.load(store))
        priors = F.OewsPriors.load(store)
        lap("load")
        # every cell the rows stand on, ladder by ladder, across processes when there are many
        cells.fill(((p.role, p.level, place_of(vars(p))) for p in prepared if p.role), batch_workers())
        cells.save(store)  # for the next batch on the same store
        lap("cells")
        answers = model.estimate_rows(prepared, priors, cells)  # once per distinct row
        lap("estimate")
        for i, j in where:
            prep, answer = prepared[j], answers[j]
            results[i] = {"role": prep.role or "", "level": prep.level, "p10": round(answer.p10),
                          "p50": round(answer.p50), "p90": round(answer.p90)}
    taken = {h.strip().lower() for h in header}
    extra = [c if c not in taken else f"estimated_{c}" for c in OUTPUT_COLUMNS]
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with out_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([*header, *extra])
        keys = [h.strip().lower() for h in header]
        for i, row in enumerate(rows):
            values = {"role": "", "level": "", "p10": "", "p50": "", "p90": "",
                      **results.get(i, {}), "reason": reasons.get(i, "")}
            writer.writerow([row.get(k, "") or "" for k in keys] + [values[c] for c in OUTPUT_COLUMNS])
    lap("write")
    return BatchResult(rows=len(rows), estimated=len(results), failed=len(reasons), layout=layout)


def train(store: Store) -> ModelInfo:
    """Train the store's model now (and save it next to the store)."""
    return ensure_model(store, retrain=True)[0].info


def evaluate(store: Store, test_path: Path, model: EstimatorModel | None = None) -> EvaluationReport:
    """Score the store's model and the two baselines on a file with true salaries."""
    if not Path(test_path).exists():
        raise InputError(f"no such file: {test_path}", field="test")
    model = model or ensure_model(store)[0]
    priors = F.OewsPriors.load(store)
    return evaluate_model(model, F.load_observations(store), priors, Path(test_path),
                          BenchmarkModel.load(store))
