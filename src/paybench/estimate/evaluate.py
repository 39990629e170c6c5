"""Evaluation of the estimator on a file with true salaries, against two plain baselines.

Truth: `salary_in_usd` in the survey layout; `annual_usd`, `salary_usd` or `salary` (annual
USD) in the plain layout. Only full-time rows are scored (the model estimates full-time
base pay); rows that cannot be estimated, or have no usable salary, are counted and skipped.

Methods, all computed from the same store in the same run:

- `model`: the calibrated estimator (P10, P50, P90).
- `lookup`: the title x level lookup: the weighted P10/P50/P90 of the store's observations
  (the estimator's training rows, aged to the row's year at the store's growth rate) with
  the same title (case and spacing folded), level and country; when that cell has fewer
  than LOOKUP_MIN_N rows, the role x level x country cell, then level x country, then level.
- `oews`: the OEWS P10/P50/P90 of the role's occupation (its first SOC with wages) in the
  row's metro, national when no metro (or when OEWS has no wages there), aged likewise.
  Titles without a role use the computer occupations (15-1200).

Metrics, overall, per level and on rows whose title x level x country cell holds fewer than
THIN_CELL_N training rows ("thin"): n, MAE (USD), MAPE and median absolute percentage
error of P50 (percent), pinball loss at 0.1/0.5/0.9 (USD), share of true salaries inside
P10-P90 (percent) and the mean P10-P90 width (USD).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

from paybench.bench import BenchmarkModel
from paybench.errors import InputError, PaybenchError
from paybench.estimate import features as F
from paybench.estimate.model import EstimatorModel, ModelInfo

LOOKUP_MIN_N = 5
THIN_CELL_N = 20
TRUTH_COLUMNS = ("salary_in_usd", "annual_usd", "salary_usd", "salary")


class MetricRow(BaseModel):
    """One method's metrics on one group of rows."""

    group: str
    method: str
    n: int
    mae: float = Field(description="mean absolute error of P50, USD")
    mape: float = Field(description="mean absolute percentage error of P50, percent")
    mdape: float = Field(description="median absolute percentage error of P50, percent")
    pinball_10: float = Field(description="USD")
    pinball_50: float = Field(description="USD")
    pinball_90: float = Field(description="USD")
    coverage: float = Field(description="percent of true values within P10-P90")
    width: float = Field(description="mean P10-P90 width, USD")
    interval_score: float = Field(
        default=0.0, description="mean interval score of P10-P90 at alpha = 0.2, USD: width + "
        "2/alpha x the distance by which the interval misses (Gneiting & Raftery 2007, JASA "
        "102:359, eq. 43); lower is better")


class EvaluationReport(BaseModel):
    """The metrics of the model and the baselines on one test file."""

    test_file: str
    rows_read: int
    rows_scored: int
    rows_skipped: dict[str, int]
    model: ModelInfo
    metrics: list[MetricRow]

    def table(self) -> str:
        """The metrics as a plain-text table."""
        head = (f"{'group':<22}{'method':<8}{'n':>7}{'MAE':>9}{'MAPE%':>7}{'MdAPE%':>7}"
                f"{'pin10':>8}{'pin50':>8}{'pin90':>8}{'cov%':>7}{'width':>9}")
        lines = [head, "-" * len(head)]
        last = None
        for m in self.metrics:
            if last is not None and m.group != last:
                lines.append("")
            last = m.group
            lines.append(f"{m.group:<22}{m.method:<8}{m.n:>7}{m.mae:>9,.0f}{m.mape:>7.2f}{m.mdape:>7.2f}"
                         f"{m.pinball_10:>8,.0f}{m.pinball_50:>8,.0f}{m.pinball_90:>8,.0f}"
                         f"{m.coverage:>7.1f}{m.width:>9,.0f}")
        return "\n".join(lines)

    def text(self) -> str:
        """A full human-readable report: data, model, table."""
        info = self.model
        skipped = ", ".join(f"{k}: {v}" for k, v in self.rows_skipped.items()) or "none"
        sources = ", ".join(f"{k} {v:,}" for k, v in info.rows_by_source.items())
        return "\n".join([
            f"test file: {self.test_file}",
            f"rows read {self.rows_read:,}; scored {self.rows_scored:,}; skipped: {skipped}",
            f"model: trained {info.trained_at:%Y-%m-%d %H:%M} in {info.train_seconds:.1f}s on "
            f"{info.basis}: {sources}",
            "calibration: " + (f"split conformal on {info.rows_calibration:,} observations "
                               f"{info.calibration_slice} (fit on {info.rows_fit:,} older); raw P10-P90 "
                               f"coverage there {100 * (info.calibration_coverage_raw or 0):.1f}%"
                               if info.calibrated else "none (too few observations)"),
            f"lookup: title x level x country cell (>= {LOOKUP_MIN_N} rows, else role x level, level); "
            f"thin = cell with < {THIN_CELL_N} training rows",
            "",
            self.table(),
        ])


def read_rows(path: Path) -> tuple[list[dict[str, str]], str]:
    """The rows of a CSV test or input file (dicts with lower-case keys) and its layout."""
    if not path.exists():
        raise InputError(f"no such file: {path}")
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            if not reader.fieldnames:
                raise InputError(f"{path.name}: file is empty")
            layout = F.detect_layout(list(reader.fieldnames))
            rows = [{(k or "").strip().lower(): v for k, v in row.items()} for row in reader]
    except UnicodeDecodeError as exc:
        raise InputError(f"{path.name}: not UTF-8 text (byte {exc.start})") from None
    except csv.Error as exc:
        raise InputError(f"{path.name}: not a readable CSV ({exc})") from None
    return rows, layout


def _truth(row: dict[str, str]) -> float | None:
    for col in TRUTH_COLUMNS:
        text = (row.get(col) or "").replace(",", "").strip()
        if text:
            try:
                value = float(text)
            except ValueError:
                return None
            return value if value > 0 else None
    return None


# --------------------------------------------------------------------------- baselines
def _wquantiles(values: np.ndarray, weights: np.ndarray, qs: tuple[float, ...]) -> list[float]:
    order = np.argsort(values)
    v, w = values[order], weights[order]
    cum = (np.cumsum(w) - 0.5 * w) / w.sum()
    return [float(np.interp(q, cum, v)) for q in qs]


class Lookup:
    """Title x level x country cells of aged log pay, with fallbacks (see module doc)."""

    def __init__(self, obs: pd.DataFrame, min_n: int = LOOKUP_MIN_N) -> None:
        self.min_n = min_n
        y = np.log(obs["annual_usd"].to_numpy(dtype=float)) + F.age_offsets(obs)
        frame = obs.assign(y=y)
        self.tables: list[tuple[list[str], dict[tuple[Any, ...], tuple[int, list[float]]]]] = []
        for keys in (["title_key", "level", "country"], ["role", "level", "country"],
                     ["level", "country"], ["level"]):
            cells = {}
            for key, grp in frame.dropna(subset=keys).groupby(keys):
                k = key if isinstance(key, tuple) else (key,)
                cells[k] = (len(grp), _wquantiles(grp["y"].to_numpy(), grp["weight"].to_numpy(),
                                                  (0.1, 0.5, 0.9)))
            self.tables.append((keys, cells))

    def cell_n(self, frame: pd.DataFrame) -> np.ndarray:
        """Training rows in each row's title x level x country cell."""
        cells = self.tables[0][1]
        return np.array([cells.get(tuple(r), (0, []))[0] for r in
                         frame[["title_key", "level", "country"]].itertuples(index=False)])

    def predict(self, frame: pd.DataFrame) -> pd.DataFrame:
        """p10, p50, p90 (annual USD at each row's date)."""
        out = np.full((len(frame), 3), np.nan)
        age = F.age_offsets(frame)
        for i, row in enumerate(frame.to_dict("records")):
            for keys, cells in self.tables:
                found = cells.get(tuple(row[k] for k in keys))
                if found is not None and (found[0] >= self.min_n or keys == ["level"]):
                    out[i] = np.exp(np.array(found[1]) - age[i])
                    break
        return pd.DataFrame(out, columns=["p10", "p50", "p90"], index=frame.index)


def oews_baseline(frame: pd.DataFrame, priors: F.OewsPriors) -> pd.DataFrame:
    """OEWS P10/P50/P90 of each row's occupation in its metro (else national), aged."""
    out = np.full((len(frame), 3), np.nan)
    age = F.age_offsets(frame) - F.age_log(priors.reference_date)
    for i, (role, metro) in enumerate(zip(frame["role"], frame["metro"], strict=True)):
        soc = F.role_soc(priors, role if isinstance(role, str) else None) or "15-1200"
        cell = priors.cells.get((metro, soc)) if isinstance(metro, str) else None
        cell = cell if cell is not None and not np.isnan(cell[0] + cell[4]) else priors.cells.get(("US", soc))
        if cell is not None:
            out[i] = np.array([cell[0], cell[2], cell[4]]) * np.exp(-age[i])
    return pd.DataFrame(out, columns=["p10", "p50", "p90"], index=frame.index)


# --------------------------------------------------------------------------- metrics
def pinball(y: np.ndarray, pred: np.ndarray, q: float) -> float:
    """Mean pinball (quantile) loss at q, in the units of y."""
    diff = y - pred
    return float(np.mean(np.maximum(q * diff, (q - 1) * diff)))


def interval_score(y: np.ndarray, lo: np.ndarray, hi: np.ndarray, alpha: float = 0.2) -> float:
    """Mean interval score of central (1 - alpha) intervals [lo, hi] (Gneiting & Raftery 2007,
    eq. 43): (hi - lo) + 2/alpha (lo - y) when y < lo + 2/alpha (y - hi) when y > hi."""
    score = (hi - lo) + 2 / alpha * np.maximum(lo - y, 0) + 2 / alpha * np.maximum(y - hi, 0)
    return float(np.mean(score))


def metrics(group: str, method: str, y: np.ndarray, pred: pd.DataFrame) -> MetricRow:
    """All metrics for one method on one group."""
    p10, p50, p90 = (pred[c].to_numpy(dtype=float) for c in ("p10", "p50", "p90"))
    ape = np.abs(p50 - y) / y * 100
    return MetricRow(
        group=group, method=method, n=len(y), mae=float(np.mean(np.abs(p50 - y))),
        mape=float(np.mean(ape)), mdape=float(np.median(ape)),
        pinball_10=pinball(y, p10, 0.1), pinball_50=pinball(y, p50, 0.5),
        pinball_90=pinball(y, p90, 0.9),
        coverage=float(np.mean((y >= p10) & (y <= p90)) * 100), width=float(np.mean(p90 - p10)),
        interval_score=interval_score(y, p10, p90))


def evaluate_model(model: EstimatorModel, obs: pd.DataFrame, priors: F.OewsPriors,
                   test_path: Path, bench: BenchmarkModel) -> EvaluationReport:
    """Score the model and the baselines on a test file (see the module doc)."""
    rows, layout = read_rows(test_path)
    prepared: list[F.Prepared] = []
    truth: list[float] = []
    skipped: dict[str, int] = {}
    for row in rows:
        emp = (row.get("employment_type") or "FT").strip().upper()
        if emp not in ("FT", "FULL_TIME", "FULL-TIME", "FULL TIME"):
            skipped["not full time"] = skipped.get("not full time", 0) + 1
            continue
        value = _truth(row)
        if value is None:
            skipped["no salary"] = skipped.get("no salary", 0) + 1
            continue
        try:
            prep = F.prepare_row(row, layout)
        except PaybenchError as exc:
            reason = str(exc).split(":")[0][:40]
            skipped[reason] = skipped.get(reason, 0) + 1
            continue
        prepared.append(prep)
        truth.append(value)
    if not prepared:
        raise InputError(f"{test_path.name}: no row could be scored ({skipped})")
    frame = F.prepared_frame(prepared)
    y = np.array(truth)
    lookup = Lookup(obs)
    preds = {"model": model.estimate(frame, priors, bench)[0], "lookup": lookup.predict(frame),
             "oews": oews_baseline(frame, priors)}
    thin = lookup.cell_n(frame) < THIN_CELL_N
    groups: list[tuple[str, np.ndarray]] = [("all", np.ones(len(frame), dtype=bool))]
    for level in F.LEVELS:
        mask = (frame["level"] == level).to_numpy()
        if mask.any():
            groups.append((f"level={level}", mask))
    groups.append((f"thin (<{THIN_CELL_N} rows)", thin))
    groups.append((f"thick (>={THIN_CELL_N} rows)", ~thin))
    out = []
    for name, mask in groups:
        if not mask.any():
            continue
        for method, pred in preds.items():
            out.append(metrics(name, method, y[mask], pred[mask]))
    return EvaluationReport(test_file=str(test_path), rows_read=len(rows), rows_scored=len(frame),
                            rows_skipped=skipped, model=model.info, metrics=out)
