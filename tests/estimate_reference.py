"""The estimator's answer path as it was before issue 15 (pandas frames per request, every
row through the feature matrix and the boosters), kept here, unoptimized, as the reference
the fast path must reproduce exactly (tests/test_estimate_fast.py).

Copied from paybench.estimate (service.estimates_from, model.EstimatorModel.estimate and
.predict, model.QuantileModels.predict_log, features.Encoder.transform,
features.FeatureSpace.matrix, features.prepared_frame, anchor.anchor_rows,
explain.log_contributions) at commit f2b1c8e, rewritten as functions over a trained model's
parts. Only the model's data (boosters, feature space, encoder, conformal corrections, factor
effects) is read from paybench; the arithmetic is this file's own.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from paybench.bench import BenchmarkCell, BenchmarkModel
from paybench.errors import InputError
from paybench.estimate import features as F
from paybench.estimate.anchor import FACTOR_FIELDS, Anchor, place_of
from paybench.estimate.explain import FACTOR_ORDER, dollar_contributions
from paybench.estimate.model import FAMILIAR_N, EstimatorModel
from paybench.estimate.service import (
    ANCHORED_FACTORS,
    CellRef,
    Contribution,
    Estimate,
    ModelSummary,
    _detail,
)
from paybench.normalize.roles import get_role


def prepared_frame(rows: list[F.Prepared]) -> pd.DataFrame:
    return pd.DataFrame({
        "raw_title": [r.raw_title for r in rows], "title_key": [r.title_key for r in rows],
        "role": [r.role for r in rows], "level": [r.level for r in rows],
        "country": [r.country for r in rows], "state": [r.state for r in rows],
        "metro": [r.metro for r in rows], "metro_name": [r.metro_name for r in rows],
        "work_mode": [r.work_mode for r in rows],
        "company_size": [r.company_size for r in rows], "industry": [r.industry for r in rows],
        "kind": [r.kind for r in rows], "observed_on": [r.on for r in rows],
        "skills": [r.skills for r in rows]}, index=range(len(rows)))


def transform(enc: F.Encoder, frame: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(index=frame.index)
    role_val = frame["role"].map(enc.role).fillna(frame["role"].map(enc.role_parent))
    out["enc_country"] = frame["country"].map(enc.country)
    rl_keys = list(zip(frame["role"], frame["level"], strict=True))
    out["enc_role_level"] = pd.Series([enc.role_level.get(k, np.nan) for k in rl_keys],
                                      index=frame.index).fillna(role_val)
    keys = frame["title_key"]
    words_val = keys.map({t: enc.words_value(t) for t in keys.dropna().unique()})
    title_val = keys.map(enc.title).fillna(role_val).fillna(words_val)
    out["enc_title"] = title_val
    tl_keys = list(zip(frame["title_key"], frame["level"], strict=True))
    out["enc_title_level"] = pd.Series([enc.title_level.get(k, np.nan) for k in tl_keys],
                                       index=frame.index).fillna(title_val)
    for col in ("enc_country", "enc_role_level", "enc_title", "enc_title_level"):
        out[col] = out[col].fillna(0.0)
    out["enc_words"] = words_val
    out["n_title_level"] = np.log1p(pd.Series(
        [enc.title_level_n.get(k, 0.0) for k in tl_keys], index=frame.index))
    return out


def matrix(space: F.FeatureSpace, frame: pd.DataFrame, encodings: pd.DataFrame,
           priors: F.OewsPriors) -> pd.DataFrame:
    x = pd.DataFrame(index=frame.index)
    x["level_ord"] = frame["level"].map(F.LEVEL_ORD).astype(float)
    for col in F.CATEGORICAL:
        known = frame[col].astype(object).where(frame[col].isin(space.categories[col]), None)
        x[col] = pd.Categorical(known, categories=space.categories[col])
    x["work_mode"] = frame["work_mode"].map(F.WORK_MODE_ORD).astype(float)
    x["company_size"] = frame["company_size"].map(F.SIZE_ORD).astype(float)
    prior = {r: F.prior_features(priors, r) for r in frame["role"].dropna().unique()}
    none = F.soc_prior_features(priors, F.NO_ROLE_SOC)
    x["oews_lp50"] = frame["role"].map(lambda r: prior[r][0] if r in prior else none[0]).astype(float)
    x["oews_lspread"] = frame["role"].map(lambda r: prior[r][1] if r in prior else none[1]).astype(float)
    for col in F.ENCODING_COLUMNS:
        x[col] = encodings[col].astype(float)
    for s in space.skills:
        x[f"skill_{s}"] = frame["skills"].map(lambda t, s=s: 1.0 if s in t else 0.0)
    return x[space.columns]


def array(x: pd.DataFrame) -> np.ndarray:
    def column(s: pd.Series) -> np.ndarray:
        if not isinstance(s.dtype, pd.CategoricalDtype):
            return s.to_numpy(dtype=float)
        codes = s.cat.codes.to_numpy(dtype=float)
        codes[codes < 0] = np.nan
        return codes

    return np.column_stack([column(x[c]) for c in x.columns])


def design(model: EstimatorModel, frame: pd.DataFrame, priors: F.OewsPriors) -> pd.DataFrame:
    return matrix(model.models.space, frame, transform(model.models.encoder, frame), priors)


def place_offsets(frame: pd.DataFrame, priors: F.OewsPriors) -> np.ndarray:
    out = np.zeros(len(frame))
    for i, (role, metro, state, country) in enumerate(zip(
            frame["role"], frame["metro"], frame["state"], frame["country"], strict=True)):
        if country not in (None, "US") or (not metro and not state):
            continue
        out[i] = F.place_offset(priors, role if isinstance(role, str) else None,
                                metro if isinstance(metro, str) else None,
                                state if isinstance(state, str) else None)
    return out


def predict_log(model: EstimatorModel, frame: pd.DataFrame, priors: F.OewsPriors,
                x_frame: pd.DataFrame) -> dict[float, np.ndarray]:
    x = array(x_frame)
    shift = place_offsets(frame, priors) - F.age_offsets(frame)
    return {q: np.mean([b.predict(x, num_threads=1) for b in bs], axis=0) + shift
            for q, bs in model.models.boosters.items()}


def calibration_groups(model: EstimatorModel, frame: pd.DataFrame) -> list[tuple[str, str]]:
    enc = model.models.encoder
    out = []
    for t, lv in zip(frame["title_key"], frame["level"], strict=True):
        n = enc.title_level_n.get((t, lv), 0.0)
        fam = "known" if n >= FAMILIAR_N else "thin" if enc.knows_title(t) else "novel"
        out.append((str(lv), fam))
    return out


def predict(model: EstimatorModel, frame: pd.DataFrame, priors: F.OewsPriors,
            x_frame: pd.DataFrame) -> pd.DataFrame:
    raw = predict_log(model, frame, priors, x_frame)
    lo, mid, hi = raw[0.1], raw[0.5], raw[0.9]
    groups = calibration_groups(model, frame)
    used = ["none"] * len(frame)
    if model.conformal is not None:
        lo, hi = model.conformal.apply(lo, hi, groups)
        used = [model.conformal.correction(g)[1] for g in groups]
    lo = np.minimum(lo, mid)
    hi = np.maximum(hi, mid)
    return pd.DataFrame({"p10": np.exp(lo), "p50": np.exp(mid), "p90": np.exp(hi),
                         "calibration_group": used}, index=frame.index)


def anchor_rows(bench: BenchmarkModel, model: EstimatorModel, frame: pd.DataFrame) -> list[Anchor | None]:
    cells: dict[tuple[str, str, str, str], BenchmarkCell | None] = {}
    out: list[Anchor | None] = []
    for row in frame.to_dict("records"):
        role, level = row.get("role"), row.get("level")
        if not isinstance(role, str) or not role or not isinstance(level, str):
            out.append(None)
            continue
        place = place_of(row)
        key = (role, level, place.scope, place.key)
        if key not in cells:
            try:
                cells[key] = bench.cell(role, level, place)
            except InputError:
                cells[key] = None
        cell = cells[key]
        if cell is None:
            out.append(None)
            continue
        effects: dict[str, tuple[float, int]] = {}
        for name in FACTOR_FIELDS:
            if name == "work_mode" and place.scope == "remote":
                continue
            found = model.factors.of(name, row.get(name))
            if found is not None:
                effects[name] = found
        shift = sum(e for e, _ in effects.values())
        out.append(Anchor(cell=cell, lo=math.log(cell.p10) + shift, mid=math.log(cell.p50) + shift,
                          hi=math.log(cell.p90) + shift, p25=math.log(cell.p25) + shift,
                          p75=math.log(cell.p75) + shift, effects=effects))
    return out


def estimate_frame(model: EstimatorModel, frame: pd.DataFrame, priors: F.OewsPriors,
                   bench: BenchmarkModel, x_frame: pd.DataFrame | None = None
                   ) -> tuple[pd.DataFrame, list[Anchor | None]]:
    """EstimatorModel.estimate as it was."""
    anchors = anchor_rows(bench, model, frame)
    pred = pd.DataFrame({"p10": np.nan, "p50": np.nan, "p90": np.nan,
                         "calibration_group": ""}, index=frame.index)
    rest = [i for i, anchor in enumerate(anchors) if anchor is None]
    if rest:
        sub = frame.iloc[rest]
        x_sub = design(model, sub, priors) if x_frame is None else x_frame.iloc[rest]
        found = predict(model, sub, priors, x_sub)
        pred.iloc[rest, :] = found[list(pred.columns)].to_numpy(dtype=object)
    back = F.age_offsets(frame)
    for i, anchor in enumerate(anchors):
        if anchor is None:
            continue
        lo, mid, hi = anchor.lo - back[i], anchor.mid - back[i], anchor.hi - back[i]
        used = "anchored, uncalibrated"
        if model.anchor_conformal is not None:
            (q_lo, q_hi), group = model.anchor_conformal.correction((anchor.cell.level,))
            width = hi - lo
            lo, hi, used = lo - q_lo * width, hi + q_hi * width, f"anchored {group}"
        lo = min(lo, anchor.p25 - back[i], mid)
        hi = max(hi, anchor.p75 - back[i], mid)
        pred.iloc[i, :3] = [math.exp(lo), math.exp(mid), math.exp(hi)]
        pred.iloc[i, 3] = used
    return pred, anchors


def log_contributions(model: EstimatorModel, frame: pd.DataFrame, priors: F.OewsPriors,
                      x_frame: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame]:
    arr = array(x_frame)
    contrib = np.mean([np.asarray(b.predict(arr, pred_contrib=True, num_threads=1))
                       for b in model.models.boosters[0.5]], axis=0)
    names = list(x_frame.columns)
    bias = contrib[:, -1]
    out = pd.DataFrame(0.0, index=frame.index, columns=list(FACTOR_ORDER))
    for j, name in enumerate(names):
        out[F.factor_of(name)] += contrib[:, j]
    out["place"] += place_offsets(frame, priors)
    out["year"] -= F.age_offsets(frame)
    return bias, out


def estimates_from(model: EstimatorModel, priors: F.OewsPriors, rows: list[F.Prepared],
                   bench: BenchmarkModel) -> list[Estimate]:
    """service.estimates_from as it was."""
    frame = prepared_frame(rows)
    x_frame = design(model, frame, priors)
    pred, anchors = estimate_frame(model, frame, priors, bench, x_frame)
    bias, effects = log_contributions(model, frame, priors, x_frame)
    summary = ModelSummary(trained_at=model.info.trained_at.astimezone(), basis=model.info.basis,
                           rows_by_source=model.info.rows_by_source, calibrated=model.info.calibrated,
                           calibration_slice=model.info.calibration_slice)
    out = []
    for i, prep in enumerate(rows):
        anchor = anchors[i]
        notes: list[str] = []
        moved: list[str] = []
        cell = None
        if anchor is not None:
            c = anchor.cell
            eff = dict.fromkeys(FACTOR_ORDER, 0.0)
            for factor, name in ANCHORED_FACTORS.items():
                if name in anchor.effects:
                    eff[factor] = anchor.effects[name][0]
                    moved.append(f"{factor.replace('_', ' ')}: {anchor.effects[name][0]:+.1%} "
                                 f"(pooled within cells, n={anchor.effects[name][1]})")
            eff["year"] = -float(F.age_offsets(frame.iloc[[i]])[0])
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
            eff = {f: float(effects.iloc[i][f]) for f in FACTOR_ORDER}
            base_log = float(bias[i])
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
        group = pred.iloc[i]["calibration_group"]
        out.append(Estimate(
            title=prep.raw_title, role=prep.role,
            role_name=get_role(prep.role).name if prep.role else None, level=prep.level,
            level_basis=prep.level_basis, country=prep.country, state=prep.state,
            metro=prep.metro, metro_name=prep.metro_name,
            place=(anchor.cell.place.label if anchor is not None and anchor.cell.place.scope == "remote"
                   else prep.metro_name or prep.state or prep.country), work_mode=prep.work_mode,
            company_size=prep.company_size, industry=prep.industry, skills=list(prep.skills),
            as_of=prep.on, p10=min(round(float(pred.iloc[i]["p10"])), p50), p50=p50,
            p90=max(round(float(pred.iloc[i]["p90"])), p50), base_usd=base,
            contributions=[Contribution(factor=f, usd=usd[f], log_effect=round(eff[f], 5),
                                        detail=_detail(f, prep, model, anchor is not None))
                           for f in FACTOR_ORDER],
            interval=(f"P10-P90 by split conformal calibration (group {group})"
                      if model.info.calibrated else "raw quantile models (uncalibrated)"),
            notes=notes, model=summary, cell=cell, moved_by=moved))
    return out


def batch_quantiles(model: EstimatorModel, priors: F.OewsPriors, rows: list[F.Prepared],
                    bench: BenchmarkModel) -> list[tuple[str, str, int, int, int]]:
    """service.estimate_batch's per-row (role, level, p10, p50, p90) as it was."""
    pred = estimate_frame(model, prepared_frame(rows), priors, bench)[0]
    return [(prep.role or "", prep.level, round(float(p10)), round(float(p50)), round(float(p90)))
            for prep, p10, p50, p90 in zip(rows, pred["p10"], pred["p50"], pred["p90"], strict=True)]
