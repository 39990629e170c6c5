"""Calibration rules compared on one trained estimator: which fallback for thin levels?

    .venv/bin/python benchmarks/calibration_rules.py [--data ../shared/data/aijobs/salaries.csv] [--grid]

The split, store and model are those of `benchmarks/estimate_eval.py` (train on work years
before 2024 with the reference defaults; test on the 2024-2025 US full-time rows). The model
is trained once, recording the calibration scores it fits its conformal corrections on (the
quantile models' and the cell-anchored ones, `model.train_model`); the test rows' uncorrected
intervals are computed once. Then each rule below turns the same calibration scores into
corrections, and each level's P10-P90 coverage and interval score over the title x level
lookup's (alpha = 0.2, Gneiting & Raftery 2007) are printed: only the rule changes.

Rules (each end corrected on its own, scores in band widths, as the estimator does, unless
said): the Mondrian minimum counted in scores (main before issue 13's item 9) or in distinct
rows (the estimator now); a thin group's own correction shrunk toward its parent's with weight
n / (n + 100), or n / 100 up to 100 rows, or by empirical Bayes (weight tau2 / (tau2 + s2):
s2 the bootstrap variance of the group's correction, tau2 the between-group variance by the
method of moments, Morris 1983); the fallback through the IC / leadership track, or through
the familiarity, before all rows; symmetric CQR (one score max(lo - y, y - hi) at alpha).
`--grid` also runs every combination of fallback chain, minimum (30-300), shrink constant
(0-400), smallest group shrunk and symmetric / per end, and prints how many levels the best
one puts in the target. The figures are for reading, not for choosing a rule on the test
rows: docs/measurements.md.

Last, the calibration year's rows as titles nothing is known of (no role, no title:
`features.as_unrecognized`, what a bare "Manager" is to the models), predicted by models
fitted on the earlier years as the estimator's calibration fit is: the pooled correction
such rows would need, beside the one the estimator uses.
"""

from __future__ import annotations

import argparse
import itertools
import math
import sys
import tempfile
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from estimate_eval import DEFAULT_DATA, LEVEL_TARGET, split

LEVELS = ("entry", "mid", "senior", "manager", "director", "executive")
TRACK = {lv: "leadership" if lv in ("manager", "director", "executive") else "ic" for lv in LEVELS}
Group = tuple[Hashable, ...]
Chain = Callable[[Group], list[Group]]


def by_level(g: Group) -> list[Group]:
    """(level, familiarity) -> (level,): the estimator's chain (then all rows)."""
    return [tuple(g[:size]) for size in range(len(g), 0, -1)]


def by_track(g: Group) -> list[Group]:
    """... -> (level,) -> IC or leadership track (then all rows)."""
    return [*by_level(g), ("track", TRACK.get(str(g[0]), "ic"))]


def by_familiarity(g: Group) -> list[Group]:
    """... -> (level,) -> the familiarity across levels (then all rows)."""
    return [*by_level(g), *([("familiarity", g[1])] if len(g) > 1 else [])]


@dataclass
class Rule:
    """How calibration scores become a correction per group."""

    name: str
    chain: Chain = by_level
    min_rows: int = 100
    distinct: bool = True
    shrink: str = "none"  # none | fixed | ramp | eb
    k: float = 100.0
    shrink_from: int = 10**9  # thin groups with at least this many rows are shrunk, not skipped
    asymmetric: bool = True


class Corrections:
    """The corrections of one rule fitted on one set of calibration scores."""

    def __init__(self, rule: Rule, y: np.ndarray, lo: np.ndarray, hi: np.ndarray,
                 groups: Sequence[Group], rows: np.ndarray) -> None:
        from paybench.estimate.conformal import MondrianCQR

        self.rule = rule
        self.cqr = MondrianCQR(alpha=0.2, scaled=True, asymmetric=rule.asymmetric)
        self.pooled = np.array(self.cqr._corrections(y, lo, hi))
        index: dict[Group, list[int]] = {}
        for i, g in enumerate(groups):
            for key in rule.chain(tuple(g)):
                index.setdefault(key, []).append(i)
        rng = np.random.default_rng(7)
        self.own: dict[Group, tuple[int, np.ndarray, np.ndarray]] = {}
        for key, found in index.items():
            idx = np.array(found)
            n = len(set(rows[idx].tolist())) if rule.distinct else len(idx)
            q = np.array(self.cqr._corrections(y[idx], lo[idx], hi[idx]))
            if not np.all(np.isfinite(q)):
                continue
            var = np.zeros(2)
            if rule.shrink == "eb":  # bootstrap over distinct rows (a row's copies move together)
                ids = rows[idx]
                uniq = np.unique(ids)
                where = {u: idx[ids == u] for u in uniq}
                draws = []
                for _ in range(200):
                    pick = np.concatenate([where[u] for u in rng.choice(uniq, len(uniq))])
                    draws.append(self.cqr._corrections(y[pick], lo[pick], hi[pick]))
                var = np.var(np.array(draws), axis=0)
            self.own[key] = (n, q, var)
        self.tau2: dict[int, np.ndarray] = {}
        if rule.shrink == "eb":
            for depth in (1, 2):
                kids = [k for k in self.own if len(k) == depth and k[0] in LEVELS]
                if kids:
                    parent = [self.own[k[:1]][1] if depth == 2 and k[:1] in self.own else self.pooled
                              for k in kids]
                    d2 = np.mean([(self.own[k][1] - p) ** 2
                                  for k, p in zip(kids, parent, strict=True)], axis=0)
                    self.tau2[depth] = np.maximum(0.0, d2 - np.mean([self.own[k][2] for k in kids], axis=0))
        self._memo: dict[Group, np.ndarray] = {}

    def correction(self, group: Group) -> np.ndarray:
        """(lower, upper) correction of one group, walking its chain from all rows down."""
        if group in self._memo:
            return self._memo[group]
        rule, q = self.rule, self.pooled
        for key in reversed(rule.chain(group)):
            if key not in self.own:
                continue
            n, own, var = self.own[key]
            if rule.shrink == "eb":
                t2 = self.tau2.get(len(key) if key[0] in LEVELS else 1, np.zeros(2))
                w = np.where(t2 + var > 0, t2 / np.maximum(t2 + var, 1e-12), 0.0)
            elif n >= rule.min_rows:
                w = np.ones(2) if rule.shrink in ("none", "ramp") else np.full(2, n / (n + rule.k))
            elif rule.shrink != "none" and n >= min(rule.shrink_from, rule.min_rows):
                w = np.full(2, n / rule.min_rows if rule.shrink == "ramp" else n / (n + rule.k))
            else:
                continue
            q = w * own + (1 - w) * q
        self._memo[group] = q
        return q


@dataclass
class Scores:
    """One side's calibration scores, as `MondrianCQR.fit` received them."""

    y: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    groups: list[Group]
    rows: np.ndarray


def train_and_record(db: Path) -> tuple[Any, list[Scores]]:
    """Train the estimator on the store, recording each conformal fit's scores."""
    from paybench.estimate.conformal import MondrianCQR
    from paybench.estimate.model import model_path, save_model, train_model
    from paybench.store import Store

    seen: list[Scores] = []
    fit = MondrianCQR.fit

    def record(self: MondrianCQR, y: np.ndarray, lo: np.ndarray, hi: np.ndarray,
               groups: Sequence[Group], rows: Any = None) -> MondrianCQR:
        ids = np.arange(len(y)) if rows is None else np.asarray(rows)
        seen.append(Scores(np.asarray(y, dtype=float), np.asarray(lo, dtype=float),
                           np.asarray(hi, dtype=float), [tuple(g) for g in groups], ids))
        return fit(self, y, lo, hi, groups, rows)

    with Store(db) as store, mock.patch.object(MondrianCQR, "fit", record):
        model = train_model(store)
        save_model(model, model_path(store))
    return model, seen


def fmt(pair: Sequence[float]) -> str:
    """A (lower, upper) correction, to two decimals."""
    return f"({pair[0]:.3f}, {pair[1]:.3f})"


def unrecognized_correction(db: Path) -> tuple[float, float]:
    """The pooled (lower, upper) correction of the calibration slice's rows shown to the
    calibration fit's models with no role and no title (see the module doc)."""
    from paybench.estimate import features as F
    from paybench.estimate.conformal import MondrianCQR
    from paybench.estimate.model import ALPHA, _calibration_split, fit_quantile_models
    from paybench.store import Store

    with Store(db, read_only=True) as store:
        priors = F.OewsPriors.load(store)
        obs, pseudo = F.load_observations(store), F.pseudo_observations(store, priors)
    found = _calibration_split(obs)
    assert found is not None
    cal = obs[found[0]].reset_index(drop=True)
    first = fit_quantile_models(obs[~found[0]].reset_index(drop=True), pseudo, priors)
    rows, enc = F.as_unrecognized(cal, first.encoder.transform(cal), np.ones(len(cal), dtype=bool))
    pred = first.predict_log_encoded(rows, enc, priors)
    y = np.log(cal["annual_usd"].to_numpy(dtype=float))
    cqr = MondrianCQR(alpha=ALPHA, scaled=True).fit(y, pred[0.1], pred[0.9], [("all",)] * len(y))
    return cqr.pooled


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--grid", action="store_true")
    args = parser.parse_args()

    from paybench.bench import BenchmarkModel
    from paybench.estimate import features as F
    from paybench.estimate.anchor import anchor_rows
    from paybench.estimate.evaluate import Lookup, _truth, interval_score, read_rows
    from paybench.estimate.model import calibration_groups
    from paybench.ingest import ingest_defaults, ingest_file
    from paybench.store import Store

    with tempfile.TemporaryDirectory(prefix="pb-cal-") as tmp:
        train_csv, test_csv, counts = split(args.data, Path(tmp))
        db = Path(tmp) / "eval.duckdb"
        with Store(db) as store:
            ingest_defaults(store, survey=False)
            ingest_file(store, train_csv)
        model, (models_cal, anchored_cal) = train_and_record(db)
        with Store(db, read_only=True) as store:
            priors, bench = F.OewsPriors.load(store), BenchmarkModel.load(store)
            rows, layout = read_rows(test_csv)
            frame = F.prepared_frame([F.prepare_row(r, layout) for r in rows])
            y = np.array([_truth(r) for r in rows], dtype=float)
            raw = model.models.predict_log(frame, priors)
            groups = [tuple(g) for g in calibration_groups(frame, model.models.encoder)]
            anchors = anchor_rows(bench, model.factors, frame)
            lookup = Lookup(F.load_observations(store)).predict(frame)
        unrecognized = unrecognized_correction(db)
    back = F.age_offsets(frame)
    level = frame["level"].astype(str).to_numpy()
    look_lo, look_hi = lookup["p10"].to_numpy(dtype=float), lookup["p90"].to_numpy(dtype=float)
    look_is = {lv: interval_score(y[level == lv], look_lo[level == lv], look_hi[level == lv])
               for lv in LEVELS}
    print(f"test: {counts['test_us_full_time']:,} rows; calibration scores: quantile models "
          f"{len(models_cal.y):,} ({len(set(models_cal.rows.tolist())):,} rows), "
          f"anchored {len(anchored_cal.y):,}")

    def intervals(rule: Rule) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """P10, P50, P90 (USD) of every test row under one rule."""
        mc = Corrections(rule, models_cal.y, models_cal.lo, models_cal.hi, models_cal.groups, models_cal.rows)
        ac = Corrections(rule, anchored_cal.y, anchored_cal.lo, anchored_cal.hi, anchored_cal.groups,
                         anchored_cal.rows)
        lo, mid, hi = raw[0.1].copy(), raw[0.5].copy(), raw[0.9].copy()
        q = np.array([mc.correction(g) for g in groups])
        width = hi - lo
        lo, hi = np.minimum(lo - q[:, 0] * width, mid), np.maximum(hi + q[:, 1] * width, mid)
        for i, a in enumerate(anchors):
            if a is None:
                continue
            q_lo, q_hi = ac.correction((a.cell.level,))
            a_lo, a_mid, a_hi = a.lo - back[i], a.mid - back[i], a.hi - back[i]
            w = a_hi - a_lo
            mid[i] = a_mid
            lo[i] = min(a_lo - q_lo * w, a.p25 - back[i], a_mid)
            hi[i] = max(a_hi + q_hi * w, a.p75 - back[i], a_mid)
        return np.exp(lo), np.exp(mid), np.exp(hi)

    def evaluate(rule: Rule) -> dict[str, tuple[float, float]]:
        p10, _, p90 = intervals(rule)
        return {lv: (100 * float(np.mean((y[m] >= p10[m]) & (y[m] <= p90[m]))),
                     interval_score(y[m], p10[m], p90[m]) / look_is[lv])
                for lv in LEVELS for m in [level == lv]}

    def passed(res: dict[str, tuple[float, float]]) -> int:
        return sum(LEVEL_TARGET[0] <= c <= LEVEL_TARGET[1] and r < 1 for c, r in res.values())

    rules = [Rule("Mondrian, min 100 scores (main)", distinct=False),
             Rule("Mondrian, min 100 distinct rows (now)"),
             Rule("shrink toward parent, n/(n+100)", shrink="fixed", shrink_from=10),
             Rule("thin: own x n/100 + parent", shrink="ramp", shrink_from=10),
             Rule("empirical Bayes, tau2/(tau2+s2)", shrink="eb"),
             Rule("level -> IC/leadership -> all", chain=by_track),
             Rule("level -> familiarity -> all", chain=by_familiarity),
             Rule("symmetric CQR", asymmetric=False)]
    print("\ncoverage % / interval score over the lookup's, per level; levels in target "
          f"({LEVEL_TARGET[0]:.0f}-{LEVEL_TARGET[1]:.0f}% and ratio < 1)")
    print(f"{'rule':<40}" + "".join(f"{lv:>14}" for lv in LEVELS) + "  in target")
    for rule in rules:
        res = evaluate(rule)
        print(f"{rule.name:<40}" + "".join(f"{c:>7.1f}/{r:<6.3f}" for c, r in res.values())
              + f"  {passed(res)}/6", flush=True)
    p10, p50, p90 = intervals(rules[1])
    titles = frame["title_key"].fillna("").to_numpy()
    anchored = np.array([a is not None for a in anchors])
    print(f"\nmanagers by title ({rules[1].name}): rows, anchored on a cell, coverage, below P10, "
          "above P90; median P10-P50-P90 given; the rows' own P10-P50-P90 (USD k)")
    names, n_rows = np.unique(titles[level == "manager"], return_counts=True)
    for title in names[np.argsort(-n_rows)][:4]:
        m = (level == "manager") & (titles == title)
        own = np.percentile(y[m], [10, 50, 90]) / 1000
        given = [float(np.median(v[m])) / 1000 for v in (p10, p50, p90)]
        print(f"  {title!r:<26} {m.sum():>5} {100 * anchored[m].mean():>4.0f}% "
              f"{100 * np.mean((y[m] >= p10[m]) & (y[m] <= p90[m])):>5.1f}% "
              f"{100 * np.mean(y[m] < p10[m]):>5.1f}% {100 * np.mean(y[m] > p90[m]):>5.1f}%  "
              f"{given[0]:.0f}-{given[1]:.0f}-{given[2]:.0f}  {own[0]:.0f}-{own[1]:.0f}-{own[2]:.0f}")
    print("\npooled correction (lower, upper; band widths) of the calibration rows as they are "
          f"and as new titles, the estimator's: {fmt(model.conformal.pooled)}")
    print(f"the same rows as titles nothing is known of: {fmt(unrecognized)}")
    if args.grid:
        best, manager, n = 0, [], 0
        for chain, min_rows, k, shrink_from, asym in itertools.product(
                (by_level, by_track, by_familiarity), (30, 50, 100, 150, 200, 300),
                (0, 50, 100, 200, 400), (10**9, 10, 20), (True, False)):
            if k == 0 and shrink_from < 10**9:
                continue
            res = evaluate(Rule("grid", chain=chain, min_rows=min_rows, asymmetric=asym,
                                shrink="fixed" if k else "none", k=float(k) or math.inf,
                                shrink_from=shrink_from))
            n += 1
            if LEVEL_TARGET[0] <= res["manager"][0] <= LEVEL_TARGET[1]:
                print(f"managers in target with {chain.__name__}, min {min_rows}, k {k}, shrunk "
                      f"from {shrink_from if shrink_from < 10**9 else '-'}, "
                      f"{'per end' if asym else 'symmetric'}: "
                      + " ".join(f"{lv} {c:.1f}/{r:.3f}" for lv, (c, r) in res.items()))
            best = max(best, passed(res))
            manager.append(res["manager"][0])
        print(f"\ngrid: {n} rules; the best puts {best} of 6 levels in target; manager coverage "
              f"{min(manager):.1f}-{max(manager):.1f}%")


if __name__ == "__main__":
    main()
