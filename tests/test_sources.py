"""What the source adapters declare (`SOURCE`), and that the guide prints it."""

from __future__ import annotations

import shutil
from pathlib import Path

from markupsafe import escape

from paybench import Paybench
from paybench.guide.report import generate
from paybench.records import SourceInfo
from paybench.sources import catalog, file_sources
from paybench.submissions import Submission


def test_every_adapter_declares_its_source() -> None:
    declared = catalog()
    assert set(file_sources()) <= set(declared)
    assert {"oews", "aijobs", "lca", "postings", "published", "submission"} <= set(declared)
    for source_id, info in declared.items():
        assert isinstance(info, SourceInfo) and info.id == source_id
        assert info.description.strip() and info.licence.strip()
    assert declared["aijobs"].licence == "CC0 1.0"
    assert "public domain" in declared["oews"].licence and "public domain" in declared["lca"].licence


def test_the_guide_prints_each_source_as_its_adapter_declares(tmp_path: Path, reference_db: Path) -> None:
    """Every ingested source's description and licence in the sources section, from the
    adapter's own declaration; a submission is no longer 'licence not recorded'."""
    store = tmp_path / "s.duckdb"
    shutil.copy(reference_db, store)
    with Paybench(store) as pb:
        result = pb.submit(Submission(title="Data Scientist", level="mid", place="Denver, CO",
                                      base=150_000))
        assert result.status == "accepted"
        with pb.locked() as st:
            report, _ = generate(st, tmp_path / "g", metros=3, formats=("html",))
    html = (tmp_path / "g" / "guide.html").read_text(encoding="utf-8")
    sources = html[html.index('id="sources"'):]
    for source_id in ("oews", "published", "submission"):
        info = catalog()[source_id]
        assert escape(info.description) in sources and escape(info.licence) in sources
    assert "licence not recorded" not in sources
    assert report.data.rows
