"""The publication rule for individual submissions: the one home of k-anonymity and
coarsening, used by benchmark cells, their evidence counts and the estimator's training data.

Two rules, both needed (docs/privacy.md states the threat model and the guarantee):

1. **Distinct contributors.** A submission counts in a group (a cell: role x level x scope x
   key) only when the group holds submissions from at least `MethodParams.submission_min`
   distinct contributors. A contributor is the key `paybench.submissions` writes before the
   first "." of a submission's `dedup_key` (a server-keyed HMAC of the client's network
   address; a submission stored before contributor keys existed is its own contributor).
   Within a group, one contributor's several submissions share one observation's weight.
2. **Coarsening.** Every submission enters every computation at the midpoint of its
   `MethodParams.submission_bin_usd`-wide bin of annual USD, never at its own value. Every
   published figure is then a function of the bin alone, so whatever an attacker knows or
   controls (all the other submissions, any number of queries, before/after differences),
   the figures are the same for every salary in the bin: no figure narrows one submission
   below the bin's width ($25,000 by default, more than the +/-$10,000 to protect).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from paybench.bench.params import PARAMS, MethodParams

if TYPE_CHECKING:
    import ibis.expr.types as ir

SUBMITTED = "submitted"
"""The observation kind of an individual submission."""
CONTRIBUTOR_SEPARATOR = "."
"""A submission's dedup_key is `<contributor key>.<submission key>`."""


def contributor_of(dedup_key: str) -> str:
    """The contributor part of a submission's dedup_key (the whole key when it has none)."""
    return dedup_key.split(CONTRIBUTOR_SEPARATOR, 1)[0]


def coarsen_usd(annual_usd: float, params: MethodParams = PARAMS) -> float:
    """The midpoint of the `params.submission_bin_usd`-wide bin (annual USD) holding
    `annual_usd`: bins are [0, w), [w, 2w), ...; 237,000 -> 237,500 with w = $25,000."""
    width = params.submission_bin_usd
    return math.floor(annual_usd / width) * width + width / 2


def coarsened(t: ir.Table, params: MethodParams = PARAMS) -> ir.Table:
    """`t` (observation rows: kind, annual_usd) with every submission's annual_usd replaced
    by its bin's midpoint (`coarsen_usd`); other rows unchanged."""
    import ibis

    width = params.submission_bin_usd
    coarse = (t.annual_usd / width).floor().cast("float64") * width + width / 2
    return t.mutate(annual_usd=ibis.ifelse(t.kind == SUBMITTED, coarse, t.annual_usd))


def counted_submissions(t: ir.Table, keys: Sequence[str],
                        params: MethodParams = PARAMS) -> ir.Table:
    """The rows of `t` (columns kind, dedup_key, weight and `keys`) that count in their group
    (`keys`): every row that is not a submission, and a group's submissions only when they
    come from at least `params.submission_min` distinct contributors; each contributor's
    submissions in a group share one unit of weight (m submissions weigh 1/m each). Pure
    window functions, so it runs on any Ibis backend (DuckDB, Spark). The windows run over
    the submissions alone (the other rows pass unchanged): on a corpus of millions of
    observations and a few submissions they cost nothing."""
    import ibis

    columns = t.columns
    others = t.filter(t.kind != SUBMITTED)
    subs = t.filter(t.kind == SUBMITTED)
    # the key before the first separator, by position: Spark's split() reads its separator as
    # a regular expression ('.' matches every character), and Ibis passes it on as it is
    cut = subs.dedup_key.find(CONTRIBUTOR_SEPARATOR)
    subs = subs.mutate(_contributor=ibis.ifelse(cut >= 0, subs.dedup_key.substr(0, cut),
                                                subs.dedup_key))
    mine = ibis.window(group_by=[*keys, "_contributor"])
    first = ibis.window(group_by=[*keys, "_contributor"], order_by=subs.dedup_key)
    subs = subs.mutate(_first=(ibis.row_number().over(first) == 0).cast("int64"),
                       _copies=subs.dedup_key.count().over(mine))
    subs = subs.mutate(_contributors=subs._first.sum().over(ibis.window(group_by=list(keys))))
    subs = subs.filter(subs._contributors >= params.submission_min)
    subs = subs.mutate(weight=subs.weight / subs._copies).select(*columns)
    return ibis.union(others.select(*columns), subs, distinct=False)


def own_cell(frame: pd.DataFrame) -> pd.Series:
    """The narrowest cell each row falls in, as 'role|level|scope|key': a US row's metro,
    else its state, else remote work in the US, else the nation; another country's row its
    country (the scopes of `paybench.bench.summary.scoped`)."""
    us = frame["country"].eq("US")
    scope = pd.Series("country:" + frame["country"].astype(str), index=frame.index)
    scope = scope.mask(us, "national:US")
    scope = scope.mask(us & frame["work_mode"].eq("remote"), "remote:US")
    scope = scope.mask(us & frame["state"].notna(), "state:" + frame["state"].astype(str))
    scope = scope.mask(us & frame["metro"].notna(), "metro:" + frame["metro"].astype(str))
    return frame["role"].astype(str) + "|" + frame["level"].astype(str) + "|" + scope


def publishable(frame: pd.DataFrame, params: MethodParams = PARAMS) -> pd.Series:
    """Which rows of a usable-observation frame (columns kind, dedup_key, role, level,
    country, state, metro, work_mode) may be used: every row that is not a submission, and a
    submission when its own cell (`own_cell`) holds submissions from at least
    `params.submission_min` distinct contributors (rule 1 of the module doc)."""
    is_sub = frame["kind"].eq(SUBMITTED)
    if not is_sub.any():
        return pd.Series(True, index=frame.index)
    subs = frame[is_sub]
    cells = own_cell(subs)
    contributors = subs["dedup_key"].astype(str).map(contributor_of)
    distinct = contributors.groupby(cells).transform("nunique")
    ok = pd.Series(True, index=frame.index)
    ok[is_sub] = distinct >= params.submission_min
    return ok
