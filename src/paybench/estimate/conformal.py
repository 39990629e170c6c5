"""Split conformal prediction for quantile models: CQR (conformalized quantile regression,
Romano, Patterson and Candès 2019), with per-group (Mondrian) calibration.

Given a lower and an upper quantile prediction `lo(x)`, `hi(x)` fitted on one slice, and a
calibration slice the fit never saw, the conformity score of a calibration row is

    E = max(lo(x) - y, y - hi(x))

(positive when y falls outside the band, by how far). With n scores and miscoverage
alpha, the correction Q is the ceil((n + 1)(1 - alpha))-th smallest score, and the interval
[lo(x) - Q, hi(x) + Q] covers a new exchangeable row with probability >= 1 - alpha (and
< 1 - alpha + 1/(n + 1) when scores are continuous).

Scaled scores (`scaled=True`, the normalized CQR of Sesia and Candès 2020): each score is
divided by the row's own band width hi(x) - lo(x), and the correction moves each end by
Q times that width, so rows the quantile models already call uncertain (a new title, a
rare country) get proportionally more room. The coverage argument is unchanged (the
scores stay exchangeable).

Mondrian calibration (per-group split conformal; Vovk, Gammerman and Shafer 2005) does this
separately for each group (here: level x how familiar the title is), so the guarantee holds
within each group; a group with fewer than `min_group` distinct calibration rows falls back
to its parent group, then to the pooled scores. Distinct rows, not scores: a caller that
scores one row more than once (the estimator scores each calibration row as it is and as if
its title were new) says which scores belong to one row (`rows`), and such copies count once,
so that a group's tail quantile never rests on fewer rows than `min_group` promises.
Everything here works in whatever units the caller uses (the estimator uses log pay).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

import numpy as np


def conformity_scores(y: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """CQR scores: max(lo - y, y - hi) per row."""
    return np.maximum(np.asarray(lo) - np.asarray(y), np.asarray(y) - np.asarray(hi))


def conformal_quantile(scores: np.ndarray, alpha: float) -> float:
    """The ceil((n+1)(1-alpha))-th smallest score; +inf when n is too small for 1-alpha."""
    if not 0 < alpha < 1:
        raise ValueError("alpha must be between 0 and 1")
    s = np.sort(np.asarray(scores, dtype=float))
    n = len(s)
    rank = math.ceil((n + 1) * (1 - alpha))
    if rank > n or n == 0:
        return math.inf
    return float(s[rank - 1])


@dataclass
class MondrianCQR:
    """Per-group CQR corrections with fallback to a parent group, then to the pool.

    `groups` are tuples such as (level, region, familiarity); the parents of a group are its
    prefixes ((level, region), then (level,)), tried longest first.

    `asymmetric=True` (the default) calibrates each end on its own: the lower correction is
    the conformal quantile at level alpha/2 of lo - y, the upper one of y - hi, so each end
    misses about alpha/2 of new rows (what a P10 and a P90 should do) and the interval
    covers at least 1 - alpha. `asymmetric=False` is the original symmetric CQR (one score
    max(lo - y, y - hi) at level alpha, the same correction at both ends). `scaled=True`
    measures scores and corrections in units of each row's band width."""

    alpha: float = 0.2
    min_group: int = 50
    asymmetric: bool = True
    scaled: bool = False
    pooled: tuple[float, float] = (0.0, 0.0)
    by_group: dict[Hashable, tuple[float, float]] = field(default_factory=dict)
    counts: dict[Hashable, int] = field(default_factory=dict)
    """Distinct calibration rows per group (every prefix of every group)."""
    n: int = 0
    """Distinct calibration rows in all."""

    def _width(self, lo: np.ndarray, hi: np.ndarray) -> np.ndarray | float:
        """The unit of scores and corrections: each row's band width when scaled, else 1."""
        return np.maximum(hi - lo, 1e-6) if self.scaled else 1.0

    def _corrections(self, y: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> tuple[float, float]:
        w = self._width(lo, hi)
        if self.asymmetric:
            return (conformal_quantile((lo - y) / w, self.alpha / 2),
                    conformal_quantile((y - hi) / w, self.alpha / 2))
        q = conformal_quantile(conformity_scores(y, lo, hi) / w, self.alpha)
        return q, q

    def fit(self, y: np.ndarray, lo: np.ndarray, hi: np.ndarray,
            groups: Sequence[tuple[Hashable, ...]],
            rows: Sequence[Hashable] | np.ndarray | None = None) -> MondrianCQR:
        """Compute the corrections from calibration scores: `y`, `lo`, `hi` of equal length n
        (one score each), `groups` one tuple per score. `rows` (length n): which calibration
        row each score belongs to, when a row is scored more than once; `counts` and the
        `min_group` rule then count distinct rows (default: every score its own row).
        Raises ValueError when the lengths differ."""
        y, lo, hi = (np.asarray(a, dtype=float) for a in (y, lo, hi))
        row_ids = np.arange(len(y)) if rows is None else np.asarray(rows)
        if not len(lo) == len(hi) == len(groups) == len(row_ids) == len(y):
            raise ValueError("y, lo, hi, groups and rows must have one entry per score")
        self.n = len(set(row_ids.tolist()))
        self.pooled = self._corrections(y, lo, hi) if len(y) else (0.0, 0.0)
        keys: dict[Hashable, list[int]] = {}
        for i, g in enumerate(groups):
            for size in range(len(g), 0, -1):
                keys.setdefault(tuple(g[:size]), []).append(i)
        for key, idx in keys.items():
            self.counts[key] = len(set(row_ids[idx].tolist()))
            if self.counts[key] >= self.min_group:
                self.by_group[key] = self._corrections(y[idx], lo[idx], hi[idx])
        return self

    def correction(self, group: tuple[Hashable, ...]) -> tuple[tuple[float, float], str]:
        """The (lower, upper) correction for a group, and which group it came from."""
        for size in range(len(group), 0, -1):
            key = tuple(group[:size])
            if key in self.by_group:
                return self.by_group[key], "/".join(str(g) for g in key)
        return self.pooled, "pooled"

    def apply(self, lo: np.ndarray, hi: np.ndarray,
              groups: Sequence[tuple[Hashable, ...]]) -> tuple[np.ndarray, np.ndarray]:
        """Move each end by its group's correction (outward when positive)."""
        q = np.array([self.correction(g)[0] for g in groups], dtype=float).reshape(-1, 2)
        lo, hi = np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
        w = self._width(lo, hi)
        return lo - q[:, 0] * w, hi + q[:, 1] * w
