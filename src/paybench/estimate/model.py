"""The estimator: LightGBM quantile models of log pay, conformal calibration, persistence.

Training (`train_model`):

1. Data: the store's observations (`features.load_observations`: paid, filed, posted and
   submitted base pay, full time, one row per dedup_key) plus pseudo-observations from
   statistics (`features.pseudo_observations`: OEWS national percentiles per occupation and
   the published figures). With no observations the model stands on the statistics alone,
   and says so (`ModelInfo.basis`).
2. Target: log annual USD aged to the effective date, minus the OEWS place offset.
3. Three LightGBM models with the quantile objective at 0.1, 0.5 and 0.9 (deterministic,
   fixed seeds, 2 threads), on the features of `features.FeatureSpace`, each an ensemble
   of ENSEMBLE_MEMBERS models averaged in log pay (members differ in their out-of-fold
   encodings and bagging seeds). Every observation enters twice: with out-of-fold target
   encodings of its title (a known title), and with encodings from encoders that never saw
   its title (`features.held_out_title_encodings`: a new title, known only by its words, role
   and OEWS priors), so the models learn how wide pay is for titles they do not know. In that
   second copy a random UNRECOGNIZED_SHARE of the rows lose their role and title altogether
   (`features.as_unrecognized`): what a title like 'Manager' or 'Associate', with no role
   and no known word, looks like, namely a draw from the whole level.
4. Calibration (time-forward split conformal, `conformal.MondrianCQR` with scores scaled
   by each row's band width): the observations of the latest period (the latest calendar
   year, extended back a year at a time until it holds CALIBRATION_MIN_ROWS rows) form the
   calibration slice; the models are fitted on everything older (and the statistics) and
   predict the slice twice: as it is (each row grouped by level x familiarity: 'known'
   title x level, 'thin', or 'novel' title), and as if every title were new (encoders fitted
   without the row's title, `features.held_out_title_encodings`; group level x 'novel').
   Corrections are computed per group of at least MONDRIAN_MIN_GROUP distinct calibration
   rows (a row's two predictions count once), falling back to the level, then pooled. The scores
   so measure how far a model fitted on the past misses the next period, for titles it knew
   and for titles it never saw, which is what an estimate for today does.
5. Refit: the models and encodings are refitted on all observations (the calibration slice
   included, so the latest data informs the estimate), and the corrections from step 4 are
   applied to them. This departs from textbook split conformal (whose guarantee holds for
   the fit-slice model); it is measured, not assumed: `paybench evaluate` reports coverage
   on later data. When there are too few observations for a calibration slice, the
   interval is the raw quantile models' and `ModelInfo.calibrated` is False.

Persistence: a pickle next to the store (`<store>.estimator.pkl`, or in the cache dir for an
in-memory store) plus a JSON copy of `ModelInfo`. The model records the store's ingests
(source, file SHA-256, rows kept) it was trained on; `ensure_model` retrains when they
differ or no model exists.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import operator
import pickle
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

from paybench.bench import PARAMS, BenchmarkModel
from paybench.bench.observations import age_log
from paybench.errors import PaybenchError
from paybench.estimate import features as F
from paybench.estimate.anchor import (
    ANCHOR_FIELDS,
    Anchor,
    CellLookup,
    FactorEffects,
    NotInMemory,
    anchor_of,
    anchor_rows,
)
from paybench.estimate.conformal import MondrianCQR
from paybench.paths import cache_dir, compute_threads
from paybench.store import Store

QUANTILES: tuple[float, float, float] = (0.1, 0.5, 0.9)
ALPHA = 0.2
"""Miscoverage of the P10-P90 interval (80% coverage)."""

CALIBRATION_MIN_ROWS = 300
"""The calibration slice holds at least this many observations, when the store has them."""

FIT_MIN_ROWS = 300
"""... and the fit slice at least this many; otherwise no calibration."""

MONDRIAN_MIN_GROUP = 100
"""A calibration group needs this many distinct calibration rows for its own correction (each
end's 10% quantile then rests on at least 10 rows); smaller groups use their parent's (level x
familiarity -> level -> all rows). A row scored twice (as it is and as if its title were new)
counts once. Pooling earlier years for a thin level would need a model fitted before them,
and on the ai-jobs.net survey's time-forward split (train before 2024, calibrate on 2023)
2022 holds 16 managers and 6 directors: it could not fill a thin level (docs/measurements.md)."""

SEED = 20260101
MODEL_VERSION = 5

ENSEMBLE_MEMBERS = 5
"""Models per quantile. Each member has its own out-of-fold encodings and bagging seed; their
log predictions are averaged. One model's intervals moved by 3-4 points of coverage
from one seed to another (mostly through the calibration model, fitted on the older, smaller
slice); with five, mid-level coverage moved by about one point over four seeds (executive,
with 185 calibration rows, still by four: benchmarks/estimate_eval.py --seeds)."""

log = logging.getLogger(__name__)
"""Notices of training (shown by the CLI on a terminal: `paybench.cli.common.NOTICE_LOGGERS`)."""


def _params(alpha: float, n_rows: int, seed: int = SEED) -> dict[str, Any]:
    return {
        "objective": "quantile", "alpha": alpha, "learning_rate": 0.05, "num_leaves": 15,
        "min_data_in_leaf": int(max(5, min(80, n_rows // 20))), "feature_fraction": 0.9,
        "bagging_fraction": 0.9, "bagging_freq": 1, "lambda_l2": 1.0, "cat_smooth": 10.0,
        "min_data_per_group": 20, "seed": seed, "deterministic": True, "num_threads": compute_threads(),
        "verbose": -1, "force_col_wise": True,
    }


NUM_ROUNDS = 300

MEDIAN_IGNORES = ("n_title_level",)
"""Features the median model does not use (they are blanked): how many training rows a
title x level has tells the P10 and P90 models how uncertain a title is, but in the median
it learns that rare titles of the past paid less, which new titles need not."""


class IngestRef(BaseModel):
    """One ingest of the store the model was trained on."""

    source: str
    file_sha256: str
    rows_kept: int


class ModelInfo(BaseModel):
    """What a trained model stands on and how it was calibrated."""

    version: int = MODEL_VERSION
    trained_at: dt.datetime
    train_seconds: float
    store: str
    ingests: list[IngestRef]
    basis: str = Field(description="'observations and statistics' or 'statistics only'")
    rows_observations: int = Field(description="distinct observations used")
    rows_statistics: int = Field(description="pseudo-observations from OEWS and published figures")
    rows_by_source: dict[str, int]
    rows_without_level: int = 0
    calibrated: bool
    calibration_slice: str | None = Field(default=None, description="e.g. 'observed 2023-01-01 or later'")
    rows_fit: int = 0
    rows_calibration: int = 0
    calibration_coverage_raw: float | None = Field(
        default=None, description="share of calibration rows inside the uncorrected P10-P90")
    corrections: dict[str, list[float]] = Field(
        default_factory=dict,
        description="CQR (lower, upper) correction per group, in P10-P90 band widths (log pay)")
    calibration_counts: dict[str, int] = Field(default_factory=dict)
    anchored_corrections: dict[str, list[float]] = Field(
        default_factory=dict, description="conformal (lower, upper) correction per level of the "
        "cell-anchored interval (`paybench.estimate.anchor`), in P10-P90 band widths")
    anchored_coverage_raw: float | None = Field(
        default=None, description="share of calibration rows inside the uncorrected anchored P10-P90")
    oews_release: str
    effective_date: dt.date
    features: list[str]


@dataclass
class QuantileModels:
    """Boosters at QUANTILES plus everything to build their features."""

    boosters: dict[float, list[Any]]
    """Per quantile, the ensemble's members (their log predictions are averaged)."""
    space: F.FeatureSpace
    encoder: F.Encoder

    def design(self, frame: pd.DataFrame, priors: F.OewsPriors) -> pd.DataFrame:
        """Feature matrix for new rows."""
        return self.space.matrix(frame, self.encoder.transform(frame), priors)

    def predict_log(self, frame: pd.DataFrame, priors: F.OewsPriors,
                    design: pd.DataFrame | None = None) -> dict[float, np.ndarray]:
        """Log annual USD at each quantile, for the rows' own dates and places (`design`: the
        rows' feature matrix when already built by `design`)."""
        x = self.design(frame, priors) if design is None else design
        return self._predict_design(frame, x, priors)

    def predict_log_encoded(self, frame: pd.DataFrame, encodings: pd.DataFrame,
                            priors: F.OewsPriors, member: int | None = None) -> dict[float, np.ndarray]:
        """`predict_log` with the rows' title encodings given (e.g. as if their titles were
        new); `member`: one member of the ensemble only."""
        return self._predict_design(frame, self.space.matrix(frame, encodings, priors), priors, member)

    def _predict_design(self, frame: pd.DataFrame, design: pd.DataFrame, priors: F.OewsPriors,
                        member: int | None = None) -> dict[float, np.ndarray]:
        x = self.space.array(design)
        shift = F.place_offsets(frame, priors) - F.age_offsets(frame)
        return {q: np.mean([b.predict(x, num_threads=compute_threads())
                            for b in (bs if member is None else bs[member:member + 1])], axis=0) + shift
                for q, bs in self.boosters.items()}


ROW_CACHE_SIZE = 65_536
"""Distinct feature rows (`features.feature_key`) whose quantile-model outputs a loaded
estimator keeps in memory (a few hundred bytes each; the oldest are dropped first)."""

SMALL_BATCH_ROWS = 256
"""Batches of fewer rows than this are predicted on one thread: starting LightGBM's OpenMP
threads costs more than the trees of a few rows (the numbers do not depend on the threads)."""


@dataclass
class RowEstimate:
    """One row's estimate (`EstimatorModel.estimate_rows`): P10, P50, P90 in annual USD at the
    row's date, the calibration group used, the row's cell anchor (None where the quantile
    models answered) and, for model rows with `explain`, the median model's bias and each
    factor's log effect (`explain.FACTOR_ORDER`)."""

    p10: float
    p50: float
    p90: float
    group: str
    anchor: Anchor | None
    bias: float | None = None
    effects: dict[str, float] | None = None


@dataclass
class _ModelOutputs:
    """The quantile models' outputs for one feature row, before the place offset and ageing:
    the ensemble's mean log prediction per quantile, and the median models' mean contributions
    (`pred_contrib`, bias last) once asked for."""

    log_quantiles: dict[float, float]
    contributions: np.ndarray | None = None


class _RowCache:
    """Model outputs per feature key for one loaded estimator and one set of OEWS priors."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.priors: F.OewsPriors | None = None
        self.rows: dict[tuple[Any, ...], _ModelOutputs] = {}

    def get(self, priors: F.OewsPriors, keys: Sequence[tuple[Any, ...]]) -> list[_ModelOutputs | None]:
        with self.lock:
            if self.priors is not priors:  # another store content: other place priors
                self.priors, self.rows = priors, {}
            return [self.rows.get(k) for k in keys]

    def put(self, priors: F.OewsPriors, found: dict[tuple[Any, ...], _ModelOutputs]) -> None:
        with self.lock:
            if self.priors is not priors:
                return
            self.rows.update(found)
            while len(self.rows) > ROW_CACHE_SIZE:
                del self.rows[next(iter(self.rows))]


@dataclass
class EstimatorModel:
    """A trained estimator: quantile models, conformal corrections, the factor effects and
    per-level corrections of cell-anchored estimates (`paybench.estimate.anchor`), metadata.

    A loaded model keeps the quantile models' outputs per distinct feature row it has
    answered (`estimate_rows`; not pickled), so a repeated request runs no trees."""

    models: QuantileModels
    conformal: MondrianCQR | None
    info: ModelInfo
    factors: FactorEffects = field(default_factory=FactorEffects)
    anchor_conformal: MondrianCQR | None = None

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_row_cache", None)
        return state

    def _rows(self) -> _RowCache:
        found = self.__dict__.get("_row_cache")
        if found is None:
            found = self.__dict__.setdefault("_row_cache", _RowCache())
        return found

    def _model_outputs(self, rows: Sequence[F.Prepared], priors: F.OewsPriors,
                       explain: bool, memory_only: bool = False) -> list[_ModelOutputs]:
        """The quantile models' outputs for each row: from the cache, else computed for the
        distinct feature rows missing (one `FeatureSpace.matrix` and one call per booster)."""
        cache = self._rows()
        keys = [F.feature_key(r) for r in rows]
        found = cache.get(priors, keys)
        todo: dict[tuple[Any, ...], F.Prepared] = {}
        for key, row, hit in zip(keys, rows, found, strict=True):
            if (hit is None or (explain and hit.contributions is None)) and key not in todo:
                todo[key] = row
        if todo and memory_only:
            raise NotInMemory(next(iter(todo)))
        if todo:
            arr = self.models.space.rows_array(list(todo.values()), self.models.encoder, priors)
            threads = compute_threads() if len(todo) >= SMALL_BATCH_ROWS else 1
            means = {q: np.mean([b.predict(arr, num_threads=threads) for b in bs], axis=0)
                     for q, bs in self.models.boosters.items()}
            contrib = (np.mean([np.asarray(b.predict(arr, pred_contrib=True, num_threads=threads))
                                for b in self.models.boosters[0.5]], axis=0) if explain else None)
            new = {key: _ModelOutputs(
                       log_quantiles={q: float(means[q][j]) for q in means},
                       contributions=None if contrib is None else contrib[j])
                   for j, key in enumerate(todo)}
            cache.put(priors, new)
            found = [new.get(k, hit) for k, hit in zip(keys, found, strict=True)]
        return [f for f in found if f is not None]

    def _anchors(self, rows: Sequence[F.Prepared], cells: CellLookup,
                 memory_only: bool = False) -> list[Anchor | None]:
        """`anchor_of` for each row, once per distinct anchor key (`anchor.ANCHOR_FIELDS`)."""
        memo: dict[tuple[Any, ...], Anchor | None] = {}
        out: list[Anchor | None] = []
        key_of = operator.attrgetter(*ANCHOR_FIELDS)
        for row in rows:
            key = key_of(row)
            if key not in memo:
                memo[key] = anchor_of(cells, self.factors, vars(row), memory_only=memory_only)
            out.append(memo[key])
        return out

    def estimate_rows(self, rows: Sequence[F.Prepared], priors: F.OewsPriors,
                      cells: CellLookup | BenchmarkModel, *, explain: bool = False,
                      memory_only: bool = False) -> list[RowEstimate]:
        """The estimate of each prepared row, as `estimate` gives it for a frame of the same
        rows (anchored on its benchmark cell when it has one, else the calibrated quantile
        models), without building a frame for the anchored rows. With `explain`, model rows
        carry their bias and factor effects (`explain.log_contributions`'s numbers).
        `cells`: a `CellLookup` kept between calls (a server's), or the benchmark model.
        `memory_only`: raise `anchor.NotInMemory` before any work not done before (a cell to
        compute, trees to run), for a caller that runs such work elsewhere."""
        from paybench.estimate.explain import FACTOR_ORDER

        lookup = cells if isinstance(cells, CellLookup) else CellLookup(cells)
        anchors = self._anchors(rows, lookup, memory_only)
        ages: dict[Any, float] = {}
        back = [ages[r.on] if r.on in ages else ages.setdefault(r.on, age_log(r.on)) for r in rows]
        out: list[RowEstimate | None] = [None] * len(rows)
        rest = [i for i, a in enumerate(anchors) if a is None]
        if rest:
            outputs = self._model_outputs([rows[i] for i in rest], priors, explain, memory_only)
            place = [F.row_place_offset(priors, rows[i].role, rows[i].metro, rows[i].state,
                                        rows[i].country) for i in rest]
            shift = [p - back[i] for p, i in zip(place, rest, strict=True)]
            raw = {q: np.array([o.log_quantiles[q] for o in outputs]) + np.array(shift)
                   for q in QUANTILES}
            lo, mid, hi = raw[0.1], raw[0.5], raw[0.9]
            groups = [(str(rows[i].level), familiarity_of(self.models.encoder, rows[i].title_key,
                                                          rows[i].level)) for i in rest]
            used = ["none"] * len(rest)
            if self.conformal is not None:
                lo, hi = self.conformal.apply(lo, hi, groups)
                names_of = {g: self.conformal.correction(g)[1] for g in set(groups)}
                used = [names_of[g] for g in groups]
            lo, hi = np.minimum(lo, mid), np.maximum(hi, mid)
            p10, p50, p90 = np.exp(lo), np.exp(mid), np.exp(hi)
            names = self.models.space.columns
            for j, i in enumerate(rest):
                bias: float | None = None
                effects: dict[str, float] | None = None
                contrib = outputs[j].contributions
                if explain and contrib is not None:
                    effects = dict.fromkeys(FACTOR_ORDER, 0.0)
                    for k, name in enumerate(names):
                        effects[F.factor_of(name)] += float(contrib[k])
                    effects["place"] += place[j]
                    effects["year"] -= back[i]
                    bias = float(contrib[-1])
                out[i] = RowEstimate(p10=float(p10[j]), p50=float(p50[j]), p90=float(p90[j]),
                                     group=used[j], anchor=None, bias=bias, effects=effects)
        corrections: dict[str, tuple[tuple[float, float], str]] = {}
        for i, anchor in enumerate(anchors):
            if anchor is None:
                continue
            lo_, mid_, hi_ = anchor.lo - back[i], anchor.mid - back[i], anchor.hi - back[i]
            group = "anchored, uncalibrated"
            if self.anchor_conformal is not None:
                level = anchor.cell.level
                if level not in corrections:
                    corrections[level] = self.anchor_conformal.correction((level,))
                (q_lo, q_hi), name = corrections[level]
                width = hi_ - lo_
                lo_, hi_, group = lo_ - q_lo * width, hi_ + q_hi * width, f"anchored {name}"
            lo_ = min(lo_, anchor.p25 - back[i], mid_)
            hi_ = max(hi_, anchor.p75 - back[i], mid_)
            out[i] = RowEstimate(p10=math.exp(lo_), p50=math.exp(mid_), p90=math.exp(hi_),
                                 group=group, anchor=anchor)
        return [o for o in out if o is not None]


    def predict(self, frame: pd.DataFrame, priors: F.OewsPriors,
                design: pd.DataFrame | None = None) -> pd.DataFrame:
        """The quantile models' p10, p50, p90 (annual USD) per row, calibrated, non-crossing;
        plus the group used (`design`: the rows' feature matrix, when already built)."""
        raw = self.models.predict_log(frame, priors, design)
        lo, mid, hi = raw[0.1], raw[0.5], raw[0.9]
        groups = calibration_groups(frame, self.models.encoder)
        used = ["none"] * len(frame)
        if self.conformal is not None:
            lo, hi = self.conformal.apply(lo, hi, groups)
            used = [self.conformal.correction(g)[1] for g in groups]
        lo = np.minimum(lo, mid)
        hi = np.maximum(hi, mid)
        return pd.DataFrame({"p10": np.exp(lo), "p50": np.exp(mid), "p90": np.exp(hi),
                             "calibration_group": used}, index=frame.index)

    def estimate(self, frame: pd.DataFrame, priors: F.OewsPriors, bench: BenchmarkModel,
                 design: pd.DataFrame | None = None) -> tuple[pd.DataFrame, list[Anchor | None]]:
        """The estimate of each row (p10, p50, p90 in annual USD at the row's date, and the
        calibration group): anchored on its benchmark cell when it has one
        (`paybench.estimate.anchor`), else the quantile models'. Returns the frame and each
        row's anchor (None where the models answered)."""
        anchors = anchor_rows(bench, self.factors, frame)
        pred = pd.DataFrame({"p10": np.nan, "p50": np.nan, "p90": np.nan,
                             "calibration_group": ""}, index=frame.index)
        rest = [i for i, anchor in enumerate(anchors) if anchor is None]
        if rest:  # the quantile models only for the rows no cell answers
            sub = frame.iloc[rest]
            found = self.predict(sub, priors, None if design is None else design.iloc[rest])
            pred.iloc[rest, :] = found[list(pred.columns)].to_numpy(dtype=object)
        back = F.age_offsets(frame)
        for i, anchor in enumerate(anchors):
            if anchor is None:
                continue
            lo, mid, hi = anchor.lo - back[i], anchor.mid - back[i], anchor.hi - back[i]
            used = "anchored, uncalibrated"
            if self.anchor_conformal is not None:
                (q_lo, q_hi), group = self.anchor_conformal.correction((anchor.cell.level,))
                width = hi - lo
                lo, hi, used = lo - q_lo * width, hi + q_hi * width, f"anchored {group}"
            lo = min(lo, anchor.p25 - back[i], mid)
            hi = max(hi, anchor.p75 - back[i], mid)
            pred.iloc[i, :3] = [math.exp(lo), math.exp(mid), math.exp(hi)]
            pred.iloc[i, 3] = used
        return pred, anchors


FAMILIAR_N = 20
"""A title x level with at least this many training rows is 'known', else 'thin'."""

UNRECOGNIZED_SHARE = 0.25
"""Share of the 'new title' training copy shown with no role and no title at all. Without such
rows the models had never seen a title they could not place, and gave 'Manager' or 'Associate'
a band narrower than a known title's (calibrated, at mid level: $84k-$174k; 2024's mid-level 'Manager's,
562 rows, had a median of $149k and 54% inside). The evaluation's coverage barely moves between
shares of 0.1 and 0.5 (docs/measurements.md)."""

NOVEL_FOLDS = 5
"""Folds of titles for encodings 'as if the title were new' (training augmentation and
novel-title calibration rows)."""


def familiarity(frame: pd.DataFrame, encoder: F.Encoder) -> list[str]:
    """Per row: 'known' when the model's training data holds FAMILIAR_N rows of the title x
    level, 'thin' when it holds fewer but knows the title, 'novel' when it never saw the title."""
    return [familiarity_of(encoder, t, lv)
            for t, lv in zip(frame["title_key"], frame["level"], strict=True)]


def familiarity_of(encoder: F.Encoder, title_key: Any, level: Any) -> str:
    """'known', 'thin' or 'novel' for one title key x level (see `familiarity`)."""
    n = encoder.title_level_n.get((title_key, level), 0.0)
    return "known" if n >= FAMILIAR_N else "thin" if encoder.knows_title(title_key) else "novel"


def calibration_groups(frame: pd.DataFrame, encoder: F.Encoder) -> list[tuple[str, str]]:
    """(level, familiarity) per row, familiarity as in `familiarity`. Countries are pooled:
    the scores are scaled by each row's own band width (see `MondrianCQR.scaled`), which
    already reflects how uncertain a country is, and a level's rows outside the US are too
    few for a group of their own."""
    return [(str(level), fam) for level, fam in
            zip(frame["level"], familiarity(frame, encoder), strict=True)]


# --------------------------------------------------------------------------- fitting
def _target(frame: pd.DataFrame, priors: F.OewsPriors) -> np.ndarray:
    return (np.log(frame["annual_usd"].to_numpy(dtype=float)) + F.age_offsets(frame)
            - F.place_offsets(frame, priors))


def fit_quantile_models(obs: pd.DataFrame, pseudo: pd.DataFrame, priors: F.OewsPriors,
                        num_rounds: int = NUM_ROUNDS, seed: int = SEED,
                        members: int = ENSEMBLE_MEMBERS) -> QuantileModels:
    """Fit the P10, P50 and P90 models on observations plus pseudo-observations: `members`
    models per quantile, averaged in log pay when predicting.

    Each observation enters twice: once with out-of-fold encodings of its title (what a known
    title looks like) and once with encodings from encoders that never saw its title
    (`features.held_out_title_encodings`: what a new title looks like, with only its words, role
    and OEWS priors to go on). So the models learn how wide pay is for a title they do not
    know, instead of treating the rare titles of the past as the pattern for new ones. In that
    copy, UNRECOGNIZED_SHARE of the rows (drawn per member) have no role and no title: a title
    nothing is known of."""
    import lightgbm as lgb

    frames = [f for f in (obs, pseudo) if len(f)]
    if not frames:
        raise PaybenchError("nothing to train on: the store has no observations and no statistics")
    y_obs = _target(obs, priors) if len(obs) else np.zeros(0)
    role_prior = F.role_priors(priors)
    encoder = F.Encoder.fit(obs, y_obs, role_prior)
    enc_pseudo = encoder.transform(pseudo) if len(pseudo) else pd.DataFrame()
    data = pd.concat(frames, ignore_index=True)
    y = np.concatenate([y_obs, _target(pseudo, priors)]) if len(pseudo) else y_obs
    space = F.FeatureSpace.fit(data)
    weight = data["weight"].to_numpy(dtype=float)
    if len(obs):
        y = np.concatenate([y, y_obs])
        weight = np.concatenate([weight, obs["weight"].to_numpy(dtype=float)])
    boosters: dict[float, list[Any]] = {q: [] for q in QUANTILES}
    for member in range(members):
        s = seed + 7919 * member
        if len(obs):
            known = F.out_of_fold_encodings(obs, y_obs, seed=s % 1000, role_prior=role_prior)
            novel = F.held_out_title_encodings(obs, y_obs, obs, folds=NOVEL_FOLDS, seed=s % 1000 + 1,
                                               role_prior=role_prior)
            blank = np.random.default_rng(s).random(len(obs)) < UNRECOGNIZED_SHARE
            novel_rows, novel = F.as_unrecognized(obs, novel, blank)
            enc = pd.concat([e for e in (known, enc_pseudo) if len(e)], ignore_index=True)
            x = pd.concat([space.matrix(data, enc, priors),
                           space.matrix(novel_rows, novel, priors)], ignore_index=True)
        else:
            x = space.matrix(data, enc_pseudo, priors)
        for q in QUANTILES:
            xq = x.assign(**{c: np.nan for c in MEDIAN_IGNORES}) if q == 0.5 else x
            ds = lgb.Dataset(xq, label=y, weight=weight, categorical_feature=list(F.CATEGORICAL),
                             free_raw_data=False)
            boosters[q].append(lgb.train(_params(q, len(data), s), ds, num_boost_round=num_rounds))
    return QuantileModels(boosters=boosters, space=space, encoder=encoder)


def _calibration_split(obs: pd.DataFrame) -> tuple[pd.Series, str] | None:
    """Mask of the calibration slice (latest period) and its description, or None."""
    if len(obs) < CALIBRATION_MIN_ROWS + FIT_MIN_ROWS:
        return None
    years = pd.Series([d.year for d in obs["observed_on"]], index=obs.index)
    for start in sorted(years.unique(), reverse=True):
        cal = years >= start
        if cal.sum() >= CALIBRATION_MIN_ROWS:
            if (~cal).sum() < FIT_MIN_ROWS:
                return None
            return cal, f"observed in {start} or later"
    return None


def train_model(store: Store, num_rounds: int = NUM_ROUNDS, seed: int = SEED) -> EstimatorModel:
    """Train (and calibrate) an estimator on what the store holds. `seed` fixes every random
    choice (folds, bagging); the same store and seed give the same model."""
    started = time.perf_counter()
    priors = F.OewsPriors.load(store)
    obs_all = F.load_observations(store)
    log.info("training the estimator on %s observations (once after each change of the store; "
             "minutes on a large store)", f"{len(obs_all):,}")
    without_level = int(store.scalar(
        "SELECT count(DISTINCT dedup_key) FROM observations WHERE level IS NULL "
        "AND years_experience IS NULL AND component = 'base'") or 0)
    obs = obs_all
    pseudo = F.pseudo_observations(store, priors)
    conformal: MondrianCQR | None = None
    cal_desc: str | None = None
    rows_fit = rows_cal = 0
    raw_cov: float | None = None
    split = _calibration_split(obs)
    if split is not None:
        cal_mask, cal_desc = split
        fit_obs, cal_obs = obs[~cal_mask].reset_index(drop=True), obs[cal_mask].reset_index(drop=True)
        first = fit_quantile_models(fit_obs, pseudo, priors, num_rounds, seed=seed)
        pred = first.predict_log(cal_obs, priors)
        groups: list[tuple[str, str]] = calibration_groups(cal_obs, first.encoder)
        y = np.log(cal_obs["annual_usd"].to_numpy(dtype=float))
        raw_cov = float(np.mean((y >= pred[0.1]) & (y <= pred[0.9])))
        # the same rows again, as if their titles were new (see the module doc, step 4)
        # (each member of the ensemble with its own draw of the title folds, then averaged)
        y_fit, role_prior = _target(fit_obs, priors), F.role_priors(priors)
        draws = [first.predict_log_encoded(cal_obs, F.held_out_title_encodings(
            fit_obs, y_fit, cal_obs, folds=NOVEL_FOLDS, seed=seed % 1000 + i, role_prior=role_prior),
            priors, member=i) for i in range(len(first.boosters[0.5]))]
        novel = {q: np.mean([d[q] for d in draws], axis=0) for q in QUANTILES}
        ids = np.arange(len(cal_obs))  # a row and its 'novel' copy are one calibration row
        conformal = MondrianCQR(alpha=ALPHA, min_group=MONDRIAN_MIN_GROUP, scaled=True).fit(
            np.concatenate([y, y]), np.concatenate([pred[0.1], novel[0.1]]),
            np.concatenate([pred[0.9], novel[0.9]]), groups + [(g[0], "novel") for g in groups],
            rows=np.concatenate([ids, ids]))
        rows_fit, rows_cal = len(fit_obs), len(cal_obs)
    anchored, anchored_raw = _calibrate_anchored(store, obs, split[0] if split else None)
    models = fit_quantile_models(obs, pseudo, priors, num_rounds, seed=seed)
    ingests = store.query("SELECT source, file_sha256, rows_kept FROM ingests ORDER BY ingest_id")
    info = ModelInfo(
        trained_at=dt.datetime.now().astimezone().replace(microsecond=0),
        train_seconds=round(time.perf_counter() - started, 2), store=str(store.path),
        ingests=[IngestRef(source=r.source, file_sha256=r.file_sha256, rows_kept=int(r.rows_kept or 0))
                 for r in ingests.itertuples(index=False)],
        basis="observations and statistics" if len(obs) else "statistics only (OEWS and published figures)",
        rows_observations=len(obs), rows_statistics=len(pseudo),
        rows_by_source={str(k): int(v) for k, v in pd.concat(
            [obs["source"], pseudo["source"]] if len(pseudo) else [obs["source"]]).value_counts().items()},
        rows_without_level=without_level,
        calibrated=conformal is not None, calibration_slice=cal_desc,
        rows_fit=rows_fit, rows_calibration=rows_cal,
        calibration_coverage_raw=None if raw_cov is None else round(raw_cov, 4),
        corrections={"/".join(map(str, k)) if isinstance(k, tuple) else str(k):
                     [round(v[0], 4), round(v[1], 4)]
                     for k, v in (conformal.by_group.items() if conformal else [])}
        | ({"pooled": [round(conformal.pooled[0], 4), round(conformal.pooled[1], 4)]} if conformal else {}),
        calibration_counts={"/".join(map(str, k)) if isinstance(k, tuple) else str(k): v
                            for k, v in (conformal.counts.items() if conformal else [])},
        anchored_corrections={"/".join(str(g) for g in k) if isinstance(k, tuple) else str(k):
                              [round(v[0], 4), round(v[1], 4)]
                              for k, v in (anchored.by_group.items() if anchored else [])}
        | ({"pooled": [round(anchored.pooled[0], 4), round(anchored.pooled[1], 4)]} if anchored else {}),
        anchored_coverage_raw=anchored_raw,
        oews_release=priors.release, effective_date=PARAMS.effective_date,
        features=models.space.columns,
    )
    trained = EstimatorModel(models=models, conformal=conformal, info=info,
                             factors=FactorEffects.fit(obs, PARAMS), anchor_conformal=anchored)
    log.info("estimator trained in %.0f s", time.perf_counter() - started)
    return trained


def _calibrate_anchored(store: Store, obs: pd.DataFrame,
                        cal_mask: pd.Series | None) -> tuple[MondrianCQR | None, float | None]:
    """Per-level conformal corrections of cell-anchored intervals: the latest period's rows
    (`cal_mask`) against cells and factor effects built from the earlier rows only
    (`MethodParams.observed_before`). (None, None) without a calibration slice."""
    if cal_mask is None:
        return None, None
    cal_obs, fit_obs = obs[cal_mask].reset_index(drop=True), obs[~cal_mask].reset_index(drop=True)
    start = min(d for d in cal_obs["observed_on"])
    bench = BenchmarkModel.build(store, PARAMS.replace(observed_before=dt.date(start.year, 1, 1)))
    anchors = anchor_rows(bench, FactorEffects.fit(fit_obs, PARAMS), cal_obs)
    found = [(i, a) for i, a in enumerate(anchors) if a is not None]
    if not found:
        return None, None
    keep = [i for i, _ in found]
    back = F.age_offsets(cal_obs)[keep]
    lo = np.array([a.lo for _, a in found]) - back
    hi = np.array([a.hi for _, a in found]) - back
    y = np.log(cal_obs["annual_usd"].to_numpy(dtype=float))[keep]
    levels = [(a.cell.level,) for _, a in found]
    raw = round(float(np.mean((y >= lo) & (y <= hi))), 4)
    return MondrianCQR(alpha=ALPHA, min_group=MONDRIAN_MIN_GROUP, scaled=True).fit(y, lo, hi, levels), raw


# --------------------------------------------------------------------------- persistence
def model_path(store: Store) -> Path:
    """Where the model of a store lives: next to the store file, or in the cache dir."""
    if str(store.path) == ":memory:":
        return cache_dir() / "estimator-memory.pkl"
    return store.path.with_name(store.path.name + ".estimator.pkl")


def store_fingerprint(store: Store) -> list[IngestRef]:
    """The store's ingests as a model records them."""
    rows = store.query("SELECT source, file_sha256, rows_kept FROM ingests ORDER BY ingest_id")
    return [IngestRef(source=r.source, file_sha256=r.file_sha256, rows_kept=int(r.rows_kept or 0))
            for r in rows.itertuples(index=False)]


def save_model(model: EstimatorModel, path: Path) -> None:
    """Write the model (pickle) and its metadata (JSON beside it), atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".tmp{time.time_ns()}")
    with tmp.open("wb") as handle:
        pickle.dump(model, handle, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)
    path.with_suffix(".json").write_text(model.info.model_dump_json(indent=2) + "\n", encoding="utf-8")


def load_model(path: Path) -> EstimatorModel | None:
    """A saved model, or None when absent, unreadable or of another version."""
    if not path.exists():
        return None
    try:
        with path.open("rb") as handle:
            model = pickle.load(handle)
    except Exception:
        return None
    if not isinstance(model, EstimatorModel) or model.info.version != MODEL_VERSION:
        return None
    return model


def ensure_model(store: Store, *, retrain: bool = False) -> tuple[EstimatorModel, bool]:
    """The store's model, trained now if missing, stale (the store's ingests changed) or asked
    for. Returns (model, trained_now)."""
    from paybench.ingest import ensure_defaults

    ensure_defaults(store)
    path = model_path(store)
    model = None if retrain else load_model(path)
    if model is not None and model.info.ingests == store_fingerprint(store):
        return model, False
    model = train_model(store)
    save_model(model, path)
    return model, True



def finite(value: float) -> float | None:
    """None for NaN or infinity (for JSON)."""
    return value if math.isfinite(value) else None
