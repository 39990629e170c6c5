"""paybench: compensation benchmarks for tech and ML roles from public data, with provenance.

The Python API is `Paybench`, one object over one store, which the CLI and the HTTP API both
call:

    from paybench import Paybench

    pb = Paybench()                      # the default store (PAYBENCH_DB or the data dir)
    pb.cell("machine-learning-engineer", "senior", "Seattle, WA").p50

It returns the core's typed records (`BenchmarkCell`, `Estimate`, ...) and raises `InputError`
(with the field at fault) for anything a user gave that cannot be used. Money is annual US
dollars unless a name says otherwise. See docs/python-api.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from paybench.bench import BenchmarkCell, CellPlace, MethodParams
    from paybench.engine import Paybench
    from paybench.errors import InputError, PaybenchError
    from paybench.estimate import Estimate
    from paybench.store import Store

_EXPORTS = {
    "Paybench": "paybench.engine", "Store": "paybench.store", "BenchmarkCell": "paybench.bench",
    "CellPlace": "paybench.bench", "MethodParams": "paybench.bench", "Estimate": "paybench.estimate",
    "InputError": "paybench.errors", "PaybenchError": "paybench.errors",
}

__all__ = ["BenchmarkCell", "CellPlace", "Estimate", "InputError", "MethodParams", "Paybench",
           "PaybenchError", "Store", "__version__"]


def __getattr__(name: str) -> Any:
    """The exports, imported on first use (so `paybench --help` stays fast)."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'paybench' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
