"""H-1B filings do not make a metro cell direct enough to break the OEWS order of places
(docs/method.md, "Ordered places"; `BenchmarkModel.filed_n`): with the three real DOL LCA
samples of ../shared/data/lca ingested on the defaults + survey store, 70 filings put San
Francisco's mid software engineers below Seattle, New York and San Jose before this rule."""

from __future__ import annotations

from pathlib import Path

from paybench.bench import BenchmarkModel
from paybench.bench.scopes import metro_place
from paybench.check import metro_order
from paybench.store import Store
from test_check import _copy, _guide_metro_cells, _ingest

SWE = "software-engineer"
SF, SEA, NYC, SJ = "41860", "42660", "35620", "41940"


def test_filings_do_not_reorder_metros(survey_db: Path, shared_data: Path, tmp_path: Path) -> None:
    db = _copy(survey_db, tmp_path)
    _ingest(db, *sorted((shared_data / "lca").glob("*.csv")))
    with Store(db, read_only=True) as store:
        model = BenchmarkModel.load(store)
    cells = {cbsa: model.cell(SWE, "mid", metro_place(cbsa, None)) for cbsa in (SF, SEA, NYC, SJ)}
    sf = cells[SF]
    # San Francisco's own observations are filings, 30 or more of them: direct by n, but held
    assert sf.n >= 30 and sf.n_filed == sf.n and sf.method == "direct"
    assert any("metro order: held" in note for note in sf.notes), sf.notes
    diffs = {cbsa: cell.place_differential or 0.0 for cbsa, cell in cells.items()}
    assert diffs[SJ] > diffs[SF] > diffs[SEA] > diffs[NYC]
    assert cells[SJ].p50 + 100 >= sf.p50 >= cells[SEA].p50 - 100 >= cells[NYC].p50 - 200
    # every guide metro cell of the family keeps the order, as `paybench check` audits it
    guide_cells = _guide_metro_cells(db, [SWE])
    assert any(c.n_filed >= 30 for c in guide_cells)
    assert metro_order(guide_cells, 30) == []
