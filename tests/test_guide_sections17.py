"""The guide's "Pay over time" and "Who pays" sections (issue 17 item 6) on a real store: the
embedded defaults (OEWS May 2025, the published figures, the ai-jobs.net survey), one real
DOL LCA file (FY2020 Q1, the current layout) and two of BLS's national OEWS workbooks (May
2023, May 2024). Every figure the sections print equals what `Paybench.trend` and
`Paybench.employers` return on the same store; the seeds' 9% stands beside the index with its
interval and n; the PDF holds the headings; `paybench check`'s new invariants hold and catch a
wrong count. The sentences a store without filings or OEWS years prints are tested in
tests/test_guide.py (defaults-only stores)."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from paybench import Paybench
from paybench.bench.trend import TrendSeries
from paybench.guide.figures import percent_share
from paybench.guide.trend import occupations
from paybench.normalize.roles import ML_ROLE_IDS, roles

pytestmark = pytest.mark.slow

MLE = "machine-learning-engineer"


@pytest.fixture(scope="module")
def real_store(tmp_path_factory: pytest.TempPathFactory, reference_db: Path,
               shared_data: Path) -> Path:
    from paybench.ingest import ingest_defaults, ingest_file
    from paybench.store import Store

    path = tmp_path_factory.mktemp("sections17") / "store.duckdb"
    shutil.copy(reference_db, path)
    with Store(path) as store:
        ingest_defaults(store)
        for name in ("lca/lca_fy2020_q1_sample.csv", "oews/national_M2023_dl.xlsx",
                     "oews/national_M2024_dl.xlsx"):
            result = ingest_file(store, shared_data / name)
            assert result.rows_kept > 0, name
    return path


@pytest.fixture(scope="module")
def guide(real_store: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("sections17-guide")
    with Paybench(real_store) as pb:
        pb.guide(out, formats=("html", "pdf", "json"))
    doc = json.loads((out / "guide.json").read_text(encoding="utf-8"))
    return {"out": out, "doc": doc, "figures": {f["id"]: f for f in doc["figures"]},
            "html": (out / "guide.html").read_text(encoding="utf-8")}


def section_html(html: str, section: str) -> str:
    found = re.search(rf'<section id="{section}".*?</section>', html, re.S)
    assert found, section
    return found.group(0)


def latest(series: TrendSeries) -> Any:
    return [y for y in series.years if y.index_change_pct is not None][-1]


def test_trend_figures_are_paybench_trend(real_store: Path, guide: dict[str, Any]) -> None:
    """Every change the section prints is `Paybench.trend(role, level, "US")`'s latest change,
    its interval, its raw median change and its n."""
    figures, html = guide["figures"], section_html(guide["html"], "trend")
    shown = sorted(f for f in figures if f.startswith("trend-") and f.endswith("-change")
                   and not f.startswith("trend-oews-"))
    assert len(shown) >= 10  # ML roles x levels with two years of 30+ survey observations
    with Paybench(real_store) as pb:
        for fid in shown:
            stem = fid.removesuffix("-change")
            role = next(r for r in ML_ROLE_IDS if stem.startswith(f"trend-{r}-"))
            level = stem.removeprefix(f"trend-{role}-")
            report = pb.trend(role, None if level == "all" else level, "US")
            series = next(s for s in report.series if s.id == "observations")
            year = latest(series)
            assert figures[fid]["value"] == pytest.approx(year.index_change_pct, abs=1e-9)
            assert figures[f"{stem}-low"]["value"] == pytest.approx(year.index_change_low, abs=1e-9)
            assert figures[f"{stem}-high"]["value"] == pytest.approx(year.index_change_high, abs=1e-9)
            assert figures[f"{stem}-raw"]["value"] == pytest.approx(year.raw_change_pct, abs=1e-9)
            before = next(y for y in series.years if y.year == year.change_since)
            assert f"{before.n:,} / {year.n:,}" in html
            assert f"{year.change_since}–{year.year}" in html
        # the OEWS series: three releases (May 2023, 2024 and the bundled 2025)
        oews = pb.trend(MLE, place="US", source="oews").series[0]
        year = latest(oews)
        assert (year.change_since, year.year) == (2024, 2025)
        stem = f"trend-oews-{'-'.join(occupations(MLE))}"
        assert figures[f"{stem}-change"]["value"] == pytest.approx(year.index_change_pct, abs=1e-9)
        assert figures[f"{stem}-low"]["value"] == pytest.approx(year.index_change_low, abs=1e-9)
        assert figures[f"{stem}-raw"]["value"] == pytest.approx(year.raw_change_pct, abs=1e-9)
        last = oews.years[-1]
        assert last.base_year == 2023 and last.index is not None and last.index_low is not None
        assert figures[f"{stem}-since-2023"]["value"] == pytest.approx(last.index - 100, abs=0.01)
        assert figures[f"{stem}-since-2023-low"]["value"] == pytest.approx(last.index_low - 100, abs=0.01)


def test_the_9_percent_beside_the_index(real_store: Path, guide: dict[str, Any]) -> None:
    """The seeds' "9% rise" of mid-level ML engineers' pay beside the mix-adjusted change of the
    same population (machine-learning-engineer, mid, US) with its interval and n, and the raw
    median change beside it, in the trend section and in published-versus-measured."""
    with Paybench(real_store) as pb:
        series = next(s for s in pb.trend(MLE, "mid", "US").series if s.id == "observations")
    year = latest(series)
    before = next(y for y in series.years if y.year == year.change_since)
    row = {r["figure_id"]: r for r in guide["doc"]["published_vs_measured"]}[
        "motion-2026-mle-mid-us-raise"]
    assert row["published"] == 9 and row["measured"] == pytest.approx(year.index_change_pct)
    assert row["diff"] == pytest.approx(year.index_change_pct - 9, abs=0.05)
    note = row["note"]
    assert "mix-adjusted index of machine-learning-engineer mid, US" in note
    assert f"(n {before.n:,} observations)" in note and f"(n {year.n:,})" in note
    assert f"95% interval {year.index_change_low:+.1f}% to {year.index_change_high:+.1f}%" in note
    assert f"raw median moved {year.raw_change_pct:+.1f}%" in note
    # the trend section's table: the published +9% on the row of the index, its interval and n
    trend = section_html(guide["html"], "trend")
    rows = [r for r in re.findall(r"<tr.*?</tr>", trend, re.S) if "motion-2026-mle-mid-us-raise" in r]
    survey = next(r for r in rows if "Machine Learning Engineer, mid, US" in r)
    text = re.sub(r"<[^>]+>", "", survey)
    assert "+9%" in text and f"{year.index_change_pct:+.1f}%" in text
    assert f"{year.index_change_low:+.1f}% to {year.index_change_high:+.1f}%" in text
    assert f"{before.n:,} / {year.n:,}" in text and f"{year.raw_change_pct:+.1f}%" in text
    assert any("OEWS" in r for r in rows)  # and the OEWS series beside it


def test_who_pays_figures_are_paybench_employers(real_store: Path, guide: dict[str, Any]) -> None:
    """Segments, the employers with the most filings and the ML roles by segment are
    `Paybench.employers(kind="filed")`'s, counts and medians (the latter from 30 filings)."""
    figures, html = guide["figures"], section_html(guide["html"], "who-pays")
    with Paybench(real_store) as pb:
        every = pb.employers(kind="filed")
        ml = pb.employers(role=list(ML_ROLE_IDS), kind="filed")
    assert every.n_with_employer > 4000 and figures["who-pays-filings-n"]["value"] == every.n_with_employer
    shares = [figures[f"who-pays-segment-{seg.segment}-share"] for seg in every.segments]
    for seg, share in zip(every.segments, shares, strict=True):  # to a tenth, never rounded twice
        assert share["text"] == f"{percent_share(seg.n, every.n_with_employer):.1f}%"
        assert abs(float(share["value"]) - 100 * seg.share) <= 0.05 + 1e-9
    assert round(sum(float(s["text"].rstrip("%")) for s in shares), 1) == pytest.approx(100.0, abs=0.3)
    for seg in every.segments:
        assert figures[f"who-pays-segment-{seg.segment}-n"]["value"] == seg.n
        median = figures.get(f"who-pays-segment-{seg.segment}-median")
        if seg.n >= 30:
            assert median is not None and median["value"] == pytest.approx(seg.median_base_usd)
        else:
            assert median is None
    top = [e for e in every.employers if e.n >= 30][:15]
    assert len(top) >= 10 and top[0].employer == "Cognizant"
    for e in top:
        fid = f"who-pays-employer-{re.sub(r'[^a-z0-9]+', '-', e.employer.lower()).strip('-')}-{e.segment}"
        assert figures[f"{fid}-n"]["value"] == e.n
        assert figures[f"{fid}-median"]["value"] == pytest.approx(e.median_base_usd)
        assert e.employer in html and e.segment in figures[f"{fid}-n"]["sources"]
    assert "list: mag7" in html  # the basis of a big-tech employer, with its source ids
    assert ml.n_with_employer > 0 and figures["who-pays-ml-filings-n"]["value"] == ml.n_with_employer
    for seg in ml.segments:
        assert figures[f"who-pays-ml-segment-{seg.segment}-n"]["value"] == seg.n
        assert (f"who-pays-ml-segment-{seg.segment}-median" in figures) == (seg.n >= 30)
    assert "Medians are printed from 30 filings or more" in html
    # distinct employers, and (when some employer's filings fall in two segments) the segments'
    # sum, which is larger, each said as what it is
    distinct = len({e.employer for e in every.employers})
    in_segments = sum(seg.employers for seg in every.segments)
    assert f"name {distinct:,} employers" in html and in_segments >= distinct
    said = f"the employer counts of the segments sum to {in_segments:,}" in html
    assert said == (in_segments != distinct)


def test_pdf_holds_the_new_sections(guide: dict[str, Any]) -> None:
    assert shutil.which("pdftotext"), "poppler-utils (pdftotext) is needed: see scripts/test"
    text = subprocess.run(["pdftotext", "-layout", str(guide["out"] / "guide.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    for heading in ("Pay over time", "The published changes beside the index",
                    "ML roles by level: survey and filings (US)",
                    "The ML occupations in OEWS (national medians)", "Who pays",
                    "Pay by segment, every role filed", "The employers with the most filings",
                    "ML roles by segment"):
        assert heading in text, heading
    assert "Cognizant" in text and "+9%" in text
    # the running footer of every page: total-pay pages are not labelled base pay
    assert "Annual USD, base pay unless a section says otherwise" in text
    assert "Annual base pay, USD" not in text


def test_check_audits_intervals_and_employer_counts(real_store: Path) -> None:
    """The guide's changes lie in their intervals and its counts are the store's; a count off
    by one, or a point outside its interval, is reported."""
    from paybench.check import employer_counts, index_intervals
    from paybench.guide.report import build_report
    from paybench.guide.tables import build_guide
    from paybench.store import Store

    with Store(real_store, read_only=True) as store:
        data = build_guide(store)
        build_report(store, data)
        assert data.model is not None
        params = data.model.params
        assert len(data.indexes) >= 10 and len(data.employer_counts) >= 15
        assert index_intervals(data) == []
        assert employer_counts(store, data, params) == []
        shown = data.employer_counts[0]
        data.employer_counts[0] = replace(shown, n=shown.n + 1)
        assert [v.invariant for v in employer_counts(store, data, params)] == ["employer-n"]
        index = data.indexes[0]
        assert index.low is not None
        data.indexes[0] = replace(index, point=index.low - 1)
        assert [v.invariant for v in index_intervals(data)] == ["index-interval"]


def test_roles_taxonomy_names_in_the_table(guide: dict[str, Any]) -> None:
    """Roles without two years of data are named as such, not left out silently."""
    trend = re.sub(r"<[^>]+>", "", section_html(guide["html"], "trend"))
    assert "No index (fewer than two years with 30 or more dated US observations" in trend
    assert roles()["llm-engineer"].name in trend


def test_filing_share_tables_add_up_to_100(real_store: Path, guide: dict[str, Any]) -> None:
    """With DOL filings (which state no work mode and no company size) beside the survey, every
    share table of "What moves pay" and of the filings' activity adds up to 100% within its
    rows' rounding, as printed, each share its count's share of the table's base correctly
    rounded (equal counts, equal shares), with an explicit "not stated" row where records do
    not state it; the activity tables' base is every ML-role filing."""
    figures = guide["figures"]
    groups: dict[str, list[dict[str, Any]]] = {}
    for fid, fig in figures.items():
        found = re.fullmatch(r"(ml-(?:company_size|work_mode)|filed-[a-z_]+)-.+-share", fid)
        if found:
            groups.setdefault(found.group(1), []).append(fig)
    assert {"ml-company_size", "ml-work_mode", "filed-metro", "filed-employer"} <= set(groups)
    for name, figs in groups.items():
        slack = 0.05 * len(figs) + 1e-9
        assert abs(sum(float(f["value"]) for f in figs) - 100.0) <= slack, name
        assert abs(sum(float(f["text"].rstrip("%")) for f in figs) - 100.0) <= slack, name
    assert figures["ml-work_mode-not-stated-share"]["value"] > 0  # the filings state no work mode
    filings = figures["filed-ml-total"]["value"]
    for fid, fig in figures.items():  # each activity share: its count over every ML-role filing
        if re.fullmatch(r"filed-[a-z_]+-.+-share", fid):
            count = figures[fid.removesuffix("-share") + "-count"]["value"]
            assert fig["value"] == percent_share(count, filings), fid
            assert fig["text"] == f"{percent_share(count, filings):.1f}%", fid
    counts = sum(f["value"] for fid, f in figures.items()
                 if re.fullmatch(r"filed-employer-.+-count", fid))
    assert counts == filings  # top employers + all others + not stated = every ML-role filing
    text = html.unescape(section_html(guide["html"], "factors"))
    assert "not stated" in text and "may not add up to exactly 100%" in text
