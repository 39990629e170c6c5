"""Explaining an estimate: factor contributions in dollars that sum to the P50.

The median model's log prediction for a row is

    log P50 = bias + sum of per-feature contributions (LightGBM `pred_contrib`, exact
              TreeSHAP for the tree part) + place offset (OEWS differential) - ageing offset

Features are grouped into factors (`features.factor_of`): level, place (country and the OEWS
metro/state offset), industry, company size, remote (work mode), skills, role (role, title
and occupation priors, figure kind) and year (ageing from the effective date to the
requested year). The base is exp(bias), the model's typical pay before any factor.

Allocation to dollars: with S the sum of the factors' log effects, the dollar gap
P50 - base = base * (exp(S) - 1) is split among factors in proportion to their log
effects: factor i gets base * (exp(S) - 1) / S * c_i (base * c_i when S = 0). The dollars
so sum exactly to P50 - base, each has the sign of its log effect, and a factor's share
does not depend on the order factors are listed. Rounding to whole dollars uses the
largest remainder, so base + contributions = P50 to the dollar.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from paybench.estimate import features as F
from paybench.estimate.model import EstimatorModel
from paybench.paths import compute_threads

FACTOR_ORDER = ("level", "place", "industry", "company_size", "remote", "skills", "role", "year")


def log_contributions(model: EstimatorModel, frame: pd.DataFrame, priors: F.OewsPriors,
                      design: pd.DataFrame | None = None) -> tuple[np.ndarray, pd.DataFrame]:
    """Per row: the median model's bias (log USD) and each factor's log effect (`design`:
    the rows' feature matrix, when the caller built it already)."""
    x = model.models.design(frame, priors) if design is None else design
    arr = model.models.space.array(x)
    contrib = np.mean([np.asarray(b.predict(arr, pred_contrib=True, num_threads=compute_threads()))
                       for b in model.models.boosters[0.5]], axis=0)
    names = list(x.columns)
    bias = contrib[:, -1]
    out = pd.DataFrame(0.0, index=frame.index, columns=list(FACTOR_ORDER))
    for j, name in enumerate(names):
        out[F.factor_of(name)] += contrib[:, j]
    out["place"] += F.place_offsets(frame, priors)
    out["year"] -= F.age_offsets(frame)
    return bias, out


def dollar_contributions(bias: float, effects: dict[str, float]) -> tuple[int, int, dict[str, int]]:
    """(base USD, P50 USD, factor -> USD) with base + sum(factors) == P50 exactly."""
    base = math.exp(bias)
    total = sum(effects.values())
    p50 = math.exp(bias + total)
    scale = base * (math.expm1(total) / total if abs(total) > 1e-12 else 1.0)
    raw = {k: v * scale for k, v in effects.items()}
    p50_int, base_int = round(p50), round(base)
    target = p50_int - base_int
    floors = {k: math.floor(v) for k, v in raw.items()}
    short = target - sum(floors.values())
    order = sorted(raw, key=lambda k: raw[k] - floors[k], reverse=True)
    for k in order[:max(short, 0)]:
        floors[k] += 1
    leftover = target - sum(floors.values())  # only from rounding P50 and base themselves
    floors[order[0]] += leftover
    return base_int, p50_int, floors
