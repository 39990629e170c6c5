"""The salary guide: tables of benchmark cells for every role (and the report built on them).

`build_guide` computes the cells; `write_guide` writes guide.csv and guide.json. Money is
annual US dollars at the guide's effective date.
"""

from paybench.guide.tables import GuideData, GuideRow, build_guide, tech_metros, write_guide

__all__ = ["GuideData", "GuideRow", "build_guide", "tech_metros", "write_guide"]
