"""The salary guide: tables of benchmark cells for every role (and the report built on them).

`build_guide` computes the cells; `write_guide` writes guide.csv and guide.json. Money is
annual US dollars at the guide's effective date. The exports are imported on first use, so
`paybench.guide.pdf` (the PDF printer's child process) starts without the data stack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from paybench.guide.tables import GuideData, GuideRow, build_guide, tech_metros, write_guide

__all__ = ["GuideData", "GuideRow", "build_guide", "tech_metros", "write_guide"]


def __getattr__(name: str) -> Any:
    """The exports of `paybench.guide.tables`, imported on first use."""
    if name not in __all__:
        raise AttributeError(f"module 'paybench.guide' has no attribute {name!r}")
    from paybench.guide import tables

    return getattr(tables, name)
