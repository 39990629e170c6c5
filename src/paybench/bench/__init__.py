"""The benchmark method: every rule that turns stored pay data into a cell, in one package.

- `params`: every constant of the method, with its unit (`MethodParams`, `PARAMS`);
- `observations`: which observations count, and the one aging rule;
- `oews`: the one reader of the OEWS priors and the one place-differential rule;
- `scopes`: the places a cell covers and how any place maps to one;
- `summary`: the cell summaries as Ibis expressions (the backend is a parameter);
- `model`: `BenchmarkModel` (priors, shrinkage, blending) and `BenchmarkCell`;
- `cache`: the model cached beside its store, keyed by content, code and parameters;
- `trend`: pay over time, the mix-adjusted (time-dummy) index by year with its interval
  (`pay_trend`, `TrendReport`).

The estimator, the guide, insights and the decision tools import these rules; none restates
them. Money is annual US dollars.
"""

from paybench.bench.model import (
    BenchmarkCell,
    BenchmarkModel,
    Evidence,
    LogDist,
    benchmark,
    natural_level,
)
from paybench.bench.params import PARAMS, PERCENTILES, MethodParams, Z
from paybench.bench.scopes import NATIONAL, REMOTE, CellPlace, cell_place

__all__ = [
    "NATIONAL",
    "PARAMS",
    "PERCENTILES",
    "REMOTE",
    "BenchmarkCell",
    "BenchmarkModel",
    "CellPlace",
    "Evidence",
    "LogDist",
    "MethodParams",
    "Z",
    "benchmark",
    "cell_place",
    "natural_level",
]
