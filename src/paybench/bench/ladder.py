"""Ordered levels: the ladder constraints of a role family and the weighted isotonic fit that
makes a family's cell medians respect them.

The ladders (`docs/method.md`, "Ordered levels"):

- individual contributors: entry < mid < senior < staff < principal;
- leadership: manager < director < executive, and director >= senior, within every role;
- a family (an individual-contributor role and the leadership roles whose `family` it is, e.g.
  software-engineer with engineering-manager, director-of-engineering, vp-of-engineering):
  each leadership role at its own level is above the family's senior cell when that level is
  director or executive, and the leadership roles are ordered by their levels
  (engineering-manager < director-of-engineering < vp-of-engineering), a chief officer above
  the family's VPs (vp-of-engineering < cto).

Each constraint says the higher cell's log median is at least `ladder_min_step` above the
lower's. The fit is the weighted least-squares projection of the cells' log medians onto the
set of orders that satisfy every constraint (weighted isotonic regression on a partial order;
Barlow et al. 1972, "Statistical inference under order restrictions"): a small convex quadratic
programme, solved exactly as a least-distance programme by non-negative least squares
(Lawson and Hanson 1974, "Solving Least Squares Problems", ch. 23; scipy's NNLS), the
subproblem SLSQP solves at each of its steps; should that fail, by SLSQP (scipy) started from
Dykstra's alternating projections (Dykstra 1983, JASA 78:837) onto each constraint's
half-space in the weighted norm. A cell's weight
is what it stands for in observations (its own n plus its prior's and published figures'
weights), so a cell of 500 observations barely moves and a cell that is only a prior moves to
its place in the ladder.

The exception: when both cells of a constraint are direct (each with at least `direct_min_n`
observations of its own besides H-1B filings: `BenchmarkModel.ladder_fit`) and their medians
break it, the data stand: the constraint is dropped and both cells say so.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from paybench.normalize.levels import IC_LEVELS, LEADERSHIP_LEVELS, LEVELS
from paybench.normalize.roles import Role, roles

Node = tuple[str, str]
"""A cell of a family at one place: (role id, level)."""

_RANK: dict[str, int] = {level: i for i, level in enumerate(LEVELS)}


@dataclass(frozen=True)
class Constraint:
    """`high`'s log median is at least `step` above `low`'s."""

    low: Node
    high: Node
    why: str


def family_of(role: Role) -> str:
    """The id of the individual-contributor role whose ladder a role belongs to (itself for
    an individual-contributor role)."""
    return role.family or role.id


def family_members(family: str) -> list[Role]:
    """The family's individual-contributor role first, then its leadership roles in order of
    level (taxonomy order among equals)."""
    table = roles()
    leaders = [r for r in table.values() if r.family == family]
    leaders.sort(key=lambda r: _RANK[r.level or "mid"])
    return [table[family], *leaders]


def constraints(members: Iterable[Role]) -> list[Constraint]:
    """The ladder constraints among the cells of a family's roles at every level."""
    members = list(members)
    out: list[Constraint] = []
    for role in members:
        for low, high in itertools.pairwise(IC_LEVELS):
            out.append(Constraint((role.id, low), (role.id, high), f"{low} < {high}"))
        for low, high in itertools.pairwise(LEADERSHIP_LEVELS):
            out.append(Constraint((role.id, low), (role.id, high), f"{low} < {high}"))
        out.append(Constraint((role.id, "senior"), (role.id, "director"), "senior < director"))
    anchor, leaders = members[0], [r for r in members[1:] if r.level is not None]
    for role in leaders:
        assert role.level is not None
        if _RANK[role.level] >= _RANK["director"]:
            out.append(Constraint((anchor.id, "senior"), (role.id, role.level),
                                  f"{anchor.name} senior < {role.name}"))
    for a, b in itertools.permutations(leaders, 2):
        assert a.level is not None and b.level is not None
        if _RANK[a.level] < _RANK[b.level] or (
                a.level == b.level == "executive" and not is_chief(a) and is_chief(b)):
            out.append(Constraint((a.id, a.level), (b.id, b.level), f"{a.name} < {b.name}"))
    return out


def is_chief(role: Role) -> bool:
    """A C-level officer (CTO, CIO, CISO, Chief ... Officer): in a family, above its VPs."""
    return role.id in ("cto", "cio", "ciso") or role.id.startswith("chief-")


@dataclass(frozen=True)
class Bound:
    """A cell's log median held within [low, high] (log annual USD; -inf / inf: open), and why."""

    low: float
    high: float
    why: str

    def holds(self, value: float) -> bool:
        """Whether `value` lies within the bound."""
        return self.low <= value <= self.high


@dataclass
class LadderFit:
    """The fit of one family at one place: per cell the shift of its log median, and the
    constraints the data were allowed to break (both cells direct)."""

    shift: dict[Node, float]
    kept_by_data: list[Constraint]
    moved_by: dict[Node, list[str]]


def fit_ladder(
    medians: Mapping[Node, float], weights: Mapping[Node, float], direct: Mapping[Node, bool],
    rules: list[Constraint], step: float, bounds: Mapping[Node, Bound] | None = None,
) -> LadderFit:
    """Project log medians onto the ladder constraints and `bounds` (weighted least squares,
    `_project`).

    `medians` and `weights` (observations, > 0) for every node a rule names; `direct` marks
    cells with enough observations of their own to break a rule; `bounds` holds some nodes
    within an interval (a bound on a node without a median is ignored; the bounds must admit
    a point that satisfies every rule, as the place order's do). Returns the shift of each
    node (log pay; 0 for a node that did not move), the rules the data kept broken, and the
    rules (and bounds, by their `why`) that moved each node. Raises ValueError on a node
    without a weight."""
    bounds = {node: b for node, b in (bounds or {}).items() if node in medians}
    active: list[Constraint] = []
    kept: list[Constraint] = []
    for rule in rules:
        if rule.low not in medians or rule.high not in medians:
            continue
        broken = medians[rule.high] - medians[rule.low] < step
        if broken and direct.get(rule.low) and direct.get(rule.high):
            kept.append(rule)
        else:
            active.append(rule)
    x = dict(medians)
    moved: dict[Node, list[str]] = {}
    if all(x[r.high] - x[r.low] >= step for r in active) and all(
            b.holds(x[node]) for node, b in bounds.items()):
        return LadderFit({node: 0.0 for node in x}, kept, moved)
    for node in x:
        if not weights.get(node, 0) > 0:
            raise ValueError(f"cell {node} has no positive weight")
    x = _project(medians, weights, active, step, bounds)
    shift = {node: x[node] - medians[node] for node in x}
    for rule in active:
        if medians[rule.high] - medians[rule.low] < step - 1e-9:
            moved.setdefault(rule.low, []).append(rule.why)
            moved.setdefault(rule.high, []).append(rule.why)
    for node, bound in bounds.items():
        if not bound.holds(medians[node]):
            moved.setdefault(node, []).append(bound.why)
    return LadderFit(shift, kept, moved)


FEASIBLE_TOLERANCE = 1e-9
"""How far (log pay) a projected point may fall short of a rule's step (rounding)."""


def _project(medians: Mapping[Node, float], weights: Mapping[Node, float],
             rules: list[Constraint], step: float,
             bounds: Mapping[Node, Bound] | None = None) -> dict[Node, float]:
    """The weighted least-squares projection of `medians` onto {x: x_high - x_low >= step for
    every rule, low <= x <= high for every bound}: a small convex quadratic programme, solved
    exactly as a least-distance programme (`_least_distance`, the bounds as rows of it); should
    that fail, by SLSQP (scipy) from the point Dykstra's alternating projections reach, and
    Dykstra's point itself if SLSQP fails too."""
    bounds = bounds or {}
    nodes = [n for n in medians if n in bounds or any(n in (r.low, r.high) for r in rules)]
    index = {n: i for i, n in enumerate(nodes)}
    y = np.array([medians[n] for n in nodes])
    w = np.array([weights[n] for n in nodes])
    w = w / w.max()
    low = np.array([bounds[n].low if n in bounds else -np.inf for n in nodes])
    high = np.array([bounds[n].high if n in bounds else np.inf for n in nodes])
    if not rules:  # a box alone: its projection is the clip, node by node
        best = np.clip(y, low, high)
    else:
        a = np.zeros((len(rules), len(nodes)))
        for k, rule in enumerate(rules):
            a[k, index[rule.low]], a[k, index[rule.high]] = -1.0, 1.0
        eye = np.eye(len(nodes))
        has_low, has_high = np.isfinite(low), np.isfinite(high)
        g = np.vstack([a, eye[has_low], -eye[has_high]])
        b = np.concatenate([np.full(len(rules), step), low[has_low], -high[has_high]])
        found = _least_distance(y, w, g, b)
        if found is None:
            found = _slsqp(y, w, a, step, low, high, bounded=bool(bounds))
        best = np.clip(found, low, high)
    out = dict(medians)
    out.update({n: float(best[index[n]]) for n in nodes})
    return out


def _least_distance(y: np.ndarray, w: np.ndarray, g: np.ndarray,
                    b: np.ndarray) -> np.ndarray | None:
    """argmin_x sum w (x - y)^2 subject to g @ x >= b (shapes: y, w (nodes,); g (rows, nodes);
    b (rows,); w > 0), or None when it cannot be found (rows that contradict each other, or
    NNLS not converging). With z = sqrt(w) (x - y) the problem is the least-distance programme
    min |z| subject to G z >= h, G = g / sqrt(w), h = b - g @ y, whose solution is
    z = -r[:n] / r[n] with r = E u - f, u the non-negative least-squares solution of E u = f,
    E = [G'; h'], f = (0, ..., 0, 1) (Lawson and Hanson 1974, ch. 23, algorithm LDP)."""
    from scipy.optimize import nnls

    scale = 1.0 / np.sqrt(w)
    big_g = g * scale
    h = b - g @ y
    e = np.vstack([big_g.T, h[np.newaxis, :]])
    f = np.zeros(len(y) + 1)
    f[-1] = 1.0
    try:
        u, _ = nnls(e, f, maxiter=50 * max(len(h), 1))
    except RuntimeError:  # iteration limit
        return None
    r = e @ u - f
    if not r[-1] < 0:  # |r| = 0: the rows cannot all hold
        return None
    x: np.ndarray = y + scale * (-r[:-1] / r[-1])
    if not np.all(np.isfinite(x)) or not np.all(g @ x - b >= -FEASIBLE_TOLERANCE):
        return None
    return x


def _slsqp(y: np.ndarray, w: np.ndarray, a: np.ndarray, step: float, low: np.ndarray,
           high: np.ndarray, *, bounded: bool) -> np.ndarray:
    """The projection (`_least_distance`'s problem: the rules `a @ x >= step` and the box
    low <= x <= high) by SLSQP from Dykstra's point; that point when SLSQP fails."""
    from scipy.optimize import minimize

    start = _dykstra(y, w, a, step, low if bounded else None, high if bounded else None)
    box = [(None if math.isinf(lo) else lo, None if math.isinf(hi) else hi)
           for lo, hi in zip(low.tolist(), high.tolist(), strict=True)] if bounded else None
    found = minimize(lambda x: 0.5 * float(np.sum(w * (x - y) ** 2)), start,
                     jac=lambda x: w * (x - y), method="SLSQP", bounds=box,
                     constraints=[{"type": "ineq", "fun": lambda x: a @ x - step,
                                   "jac": lambda x: a}],
                     options={"ftol": 1e-14, "maxiter": 500})
    ok = found.success and np.all(a @ found.x - step >= -FEASIBLE_TOLERANCE) and np.all(
        found.x >= low - 1e-12) and np.all(found.x <= high + 1e-12)
    return np.asarray(found.x if ok else start)


def _dykstra(y: np.ndarray, w: np.ndarray, a: np.ndarray, step: float,
             low: np.ndarray | None = None, high: np.ndarray | None = None,
             rounds: int = 2000) -> np.ndarray:
    """Dykstra's alternating projections (Dykstra 1983) onto each rule's half-space in the
    w-weighted norm, and onto the box [low, high] when given: a feasible point near the
    projection (the start for SLSQP)."""
    # Python floats, not numpy scalars, in the loop: the same IEEE double arithmetic, faster
    x: list[float] = y.tolist()
    inv: list[float] = (1.0 / w).tolist()
    pairs = list(zip((a < 0).argmax(axis=1).tolist(), (a > 0).argmax(axis=1).tolist(), strict=True))
    inc = [[0.0, 0.0] for _ in pairs]
    lows = None if low is None else low.tolist()
    highs = None if high is None else high.tolist()
    box_inc = [0.0] * len(x)
    for _ in range(rounds):
        change = 0.0
        for k, (lo, hi) in enumerate(pairs):
            inc_k = inc[k]
            u_lo, u_hi = x[lo] + inc_k[0], x[hi] + inc_k[1]
            gap = step - (u_hi - u_lo)
            share = gap / (inv[lo] + inv[hi]) if gap > 0 else 0.0
            new_lo, new_hi = u_lo - share * inv[lo], u_hi + share * inv[hi]
            inc[k] = [u_lo - new_lo, u_hi - new_hi]
            change = max(change, abs(new_lo - x[lo]), abs(new_hi - x[hi]))
            x[lo], x[hi] = new_lo, new_hi
        if lows is not None and highs is not None:
            for i, value in enumerate(x):
                u = value + box_inc[i]
                new = min(max(u, lows[i]), highs[i])
                box_inc[i] = u - new
                change = max(change, abs(new - value))
                x[i] = new
        if change < 1e-12:
            break
    return np.array(x)
