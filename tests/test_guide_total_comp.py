"""The guide's "Total compensation" section (issue 17 item 6) on a real store: the embedded
defaults with the Levels.fyi export fixture (tests/data/levelsfyi_sample.csv) ingested
(`totals_db`). Every figure the section prints is the cell `paybench bench --component ...
[--segment ...]` gives for the same role x level (Python API and CLI); the seeds' published
total and bonus figures stand beside them with their citations, read from the published figure
book; thin cells are marked; the PDF holds the section. The one line a store without
total-compensation data prints is tested in tests/test_guide.py (the defaults-only guide)."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paybench import Paybench
from paybench.bench.components import COMPONENTS
from paybench.bench.views import ViewModel
from paybench.normalize.levels import LEVELS
from paybench.normalize.segments import SEGMENTS
from paybench.reference.published import load_figures

pytestmark = pytest.mark.slow

MLE = "machine-learning-engineer"
FIGURE = re.compile(rf"^total-comp-(?P<role>[a-z0-9-]+?)-(?P<level>{'|'.join(LEVELS)})-"
                    rf"(?P<segment>all|{'|'.join(SEGMENTS)})-(?P<component>{'|'.join(COMPONENTS)})-"
                    r"(?P<stat>p25|p50|p75|share|n)$")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, totals_db: Path) -> Path:
    path = tmp_path_factory.mktemp("total-comp") / "store.duckdb"
    shutil.copy(totals_db, path)
    return path


@pytest.fixture(scope="module")
def guide(store: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("total-comp-guide")
    with Paybench(store) as pb:
        pb.guide(out, formats=("html", "pdf", "json"))
    doc = json.loads((out / "guide.json").read_text(encoding="utf-8"))
    html = (out / "guide.html").read_text(encoding="utf-8")
    section = re.search(r'<section id="total-comp".*?</section>', html, re.S)
    assert section, "no total-comp section"
    return {"out": out, "doc": doc, "figures": {f["id"]: f for f in doc["figures"]},
            "section": section.group(0)}


def rows_of(figures: dict[str, Any]) -> dict[tuple[str, str, str | None], dict[tuple[str, str], Any]]:
    """The section's cell figures by (role, level, segment) and (component, stat)."""
    out: dict[tuple[str, str, str | None], dict[tuple[str, str], Any]] = defaultdict(dict)
    for fid, fig in figures.items():
        found = FIGURE.match(fid)
        if found:
            segment = None if found["segment"] == "all" else found["segment"]
            out[(found["role"], found["level"], segment)][(found["component"], found["stat"])] = fig
    return out


def test_section_figures_are_the_bench_cells(store: Path, guide: dict[str, Any]) -> None:
    """Each row's P50s, shares, total P25/P75 and n equal `Paybench.cell(..., component=,
    segment=)` for the same role x level x segment, nationally, at the guide's date."""
    rows = rows_of(guide["figures"])
    # the fixture's ML engineers: mid and senior over every employer, senior at big tech
    assert {(MLE, "mid", None), (MLE, "senior", None), (MLE, "senior", "big-tech")} <= set(rows)
    assert all(key[2] != "unclassified" for key in rows)
    as_of = guide["doc"]["effective_date"]
    with Paybench(store) as pb:
        for (role, level, segment), figs in rows.items():
            cells = {c: pb.cell(role, level, "US", as_of=as_of, component=c, segment=segment)
                     for c in COMPONENTS}
            total = cells["total"]
            if segment is not None:
                assert total.n > 0  # a segment row only where the segment has records
            for component, cell in cells.items():
                assert figs[(component, "p50")]["value"] == cell.p50, (role, level, segment, component)
                assert f"--component {component}" in figs[(component, "p50")]["sources"]
                assert f"n {cell.n:,} of its own, {cell.method}" in figs[(component, "p50")]["sources"]
            assert figs[("total", "p25")]["value"] == total.p25
            assert figs[("total", "p75")]["value"] == total.p75
            assert figs[("total", "n")]["value"] == total.n
            assert total.components is not None and total.components.bonus_share is not None
            assert total.components.equity_share is not None
            assert figs[("bonus", "share")]["value"] == pytest.approx(
                100 * total.components.bonus_share, abs=0.05)
            assert figs[("equity", "share")]["value"] == pytest.approx(
                100 * total.components.equity_share, abs=0.05)
            # the numbers make sense: total pay above base pay, P25 <= P50 <= P75
            assert total.p50 > cells["base"].p50 and total.p25 <= total.p50 <= total.p75
    mid, senior = rows[(MLE, "mid", None)], rows[(MLE, "senior", None)]
    assert senior[("total", "p50")]["value"] > mid[("total", "p50")]["value"]


def test_cli_prints_the_same_cell(store: Path, guide: dict[str, Any]) -> None:
    """`paybench bench --component total --segment big-tech --json` gives the section's row."""
    env = {**os.environ, "PAYBENCH_DB": str(store)}
    proc = subprocess.run([sys.executable, "-m", "paybench", "bench", "--role", MLE, "--level",
                           "senior", "--component", "total", "--segment", "big-tech",
                           "--as-of", guide["doc"]["effective_date"], "--json"],
                          capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr
    cell = json.loads(proc.stdout)
    figs = rows_of(guide["figures"])[(MLE, "senior", "big-tech")]
    assert [figs[("total", s)]["value"] for s in ("p25", "p50", "p75", "n")] == [
        cell["p25"], cell["p50"], cell["p75"], cell["n"]]
    assert figs[("bonus", "share")]["value"] == pytest.approx(
        100 * cell["components"]["bonus_share"], abs=0.05)


def test_thin_cells_are_marked(guide: dict[str, Any]) -> None:
    """A row whose cells hold fewer than 30 observations of their own is a thin row with †."""
    body = guide["section"].split("ML roles by level, every employer", 1)[1]
    rows = re.findall(r"<tr( class=\"[^\"]*\")?>(.*?)</tr>", body, re.S)
    cells = rows_of(guide["figures"])
    checked = 0
    for cls, row in rows:
        found = re.search(r'data-fig="(total-comp-[^"]+-total-n)"', row)
        if not found:
            continue
        n = guide["figures"][found.group(1)]["value"]
        marked = "†" in re.sub(r"<[^>]+>", "", row)
        assert ("thin" in cls) == marked
        assert marked or n >= 30
        checked += 1
    assert checked == len(cells)


def test_published_figures_beside_with_citation(store: Path, guide: dict[str, Any]) -> None:
    """The seeds' total comp at top firms and their bonus share of base, read from the
    published figure book, stand in the section with their quotes, beside the cells; the
    bonus/base ratio is the bonus cells' prior's; the comparison table points to the section."""
    figures, section = guide["figures"], guide["section"]
    text = html.unescape(re.sub(r"<[^>]+>", "", section))
    wanted = [f for f in load_figures() if f.role == MLE and (
        (f.is_pay and f.component == "total") or f.statistic == "bonus_pct")]
    assert {f.statistic for f in wanted} >= {"range_low", "range_high", "bonus_pct"}
    for fig in wanted:
        shown = figures[f"total-comp-published-{fig.id}"]
        assert shown["value"] == fig.amount and fig.citation in shown["sources"]
        assert f'data-fig="total-comp-published-{fig.id}"' in section
        assert fig.quote in text
    total_low = next(f for f in wanted if f.statistic == "range_low")
    assert f"{total_low.document.publisher} ({total_low.document.date.isoformat()})" in text
    with Paybench(store) as pb:
        bonus = pb.model(pb.view_params(component="bonus"))
        assert isinstance(bonus, ViewModel) and bonus.ratios_ is not None
        for level in ("mid", "senior"):
            ratio = bonus.ratios_.for_level(level)
            assert ratio is not None
            assert figures[f"total-comp-bonus-base-ratio-{level}"]["value"] == pytest.approx(
                100 * ratio.ratio, abs=0.05)
    # the published table sets the total range beside the big-tech cell too
    published = section.split("The published figures beside the cells", 1)[1].split("<h3>", 1)[0]
    assert 'data-fig="total-comp-machine-learning-engineer-senior-big-tech-total-p25"' in published
    compare = {r["figure_id"]: r for r in guide["doc"]["published_vs_measured"]}
    for fig in wanted:
        assert "section Total compensation" in compare[fig.id]["note"]


def test_pdf_holds_the_section(guide: dict[str, Any]) -> None:
    assert shutil.which("pdftotext"), "poppler-utils (pdftotext) is needed: see scripts/test"
    text = subprocess.run(["pdftotext", "-layout", str(guide["out"] / "guide.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    for heading in ("Total compensation", "The published figures beside the cells",
                    "ML roles by level, every employer", "ML roles by employer segment"):
        assert heading in text, heading
    senior = guide["figures"][f"total-comp-{MLE}-senior-all-total-p50"]["text"]
    assert senior in text
    assert "$200,000–$300,000" in text


def test_share_tables_add_up_to_100(store: Path, guide: dict[str, Any]) -> None:
    """"What moves pay" by company size and by work mode on a store whose total-compensation
    records state neither: each table's shares are of every ML observation, those that do not
    state it in an explicit "not stated" row, each its count's share rounded (so they add up to
    100% within a rounding); the not-stated count is the store's."""
    from paybench.bench.observations import usable_frame
    from paybench.normalize.roles import ML_ROLE_IDS
    from paybench.store import Store

    figures = guide["figures"]
    page = (guide["out"] / "guide.html").read_text(encoding="utf-8")
    html_text = re.search(r'<section id="factors".*?</section>', page, re.S)
    assert html_text is not None
    for column in ("company_size", "work_mode"):
        shares = {fid: fig for fid, fig in figures.items()
                  if fid.startswith(f"ml-{column}-") and fid.endswith("-share")}
        assert f"ml-{column}-not-stated-share" in shares
        slack = 0.05 * len(shares) + 1e-9  # each share rounded on its own
        assert abs(sum(float(f["value"]) for f in shares.values()) - 100.0) <= slack, column
        printed = [float(f["text"].rstrip("%")) for f in shares.values()]  # as the page shows them
        assert abs(sum(printed) - 100.0) <= slack, (column, printed)
        unstated = figures[f"ml-{column}-not-stated-share"]
        found = re.match(r".*: (\d+) of (\d+) observations", unstated["sources"])
        assert found, unstated
        n, total = int(found.group(1)), int(found.group(2))
        with Store(store, read_only=True) as db:
            ml = usable_frame(db, kinds=["filed", "paid", "posted"], columns=("role", column),
                              us_only=True, roles=sorted(ML_ROLE_IDS))
        assert n == int(ml[column].isna().sum()) > 0  # the Levels.fyi records state neither
        assert total == len(ml)
    assert "not stated" in html.unescape(html_text.group(0))
    assert "may not add up to exactly 100%" in html.unescape(html_text.group(0))


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=4), st.integers(0, 10**6), min_size=1, max_size=12))
def test_shares_are_each_counts_rounded_share(counts: dict[str, int]) -> None:
    """`shares_of`: each one-decimal percent share is its count over the total, correctly
    rounded (half up, as Fraction arithmetic rounds it), so equal counts get equal shares; the
    shares add up to 100 within half a tenth per row."""
    from fractions import Fraction

    from paybench.guide.sections import shares_of

    shares = shares_of(counts)
    total = sum(counts.values())
    if total == 0:
        assert shares == {}
        return
    assert set(shares) == set(counts)
    for key, n in counts.items():
        exact = Fraction(1000 * n, total)
        assert round(shares[key] * 10) == int(exact + Fraction(1, 2)), (n, total)
    for a in counts:
        for b in counts:
            if counts[a] == counts[b]:
                assert shares[a] == shares[b]
    assert abs(sum(shares.values()) - 100.0) <= 0.05 * len(counts) + 1e-9


def test_shares_of_seventy_five_filings() -> None:
    """The guide's "Where the jobs are" with 75 filings printed 2 filings as 2.7% in one row and
    2.6% in the next, and 11 as 14.6% (11/75 = 14.67%): every share is now count/total rounded."""
    from paybench.guide.figures import Figure
    from paybench.guide.sections import shares_of

    counts = {"Microsoft": 11, "San Diego": 2, "Los Angeles": 2, "Amazon": 7, "rest": 53}
    shares = shares_of(counts)
    assert shares == {"Microsoft": 14.7, "San Diego": 2.7, "Los Angeles": 2.7, "Amazon": 9.3,
                      "rest": 70.7}
    texts = {k: Figure("x", v, "share", "x", "x", exact=True).text for k, v in shares.items()}
    assert texts["Microsoft"] == "14.7%" and texts["San Diego"] == texts["Los Angeles"] == "2.7%"
    assert shares_of({"a": 1, "b": 15}) == {"a": 6.3, "b": 93.8}  # ties round half up: 6.25 -> 6.3


@pytest.fixture(scope="module")
def zero_equity_guide(tmp_path_factory: pytest.TempPathFactory, totals_db: Path) -> dict[str, Any]:
    """The store the section's tests use, with three Levels.fyi records of senior ML engineers at
    enterprise employers (JPMorgan Chase, Goldman Sachs, Wells Fargo: the segment list's banks) that each
    state an equity of 0, as trial 31's enterprise records did; the guide in HTML and JSON."""
    import csv

    from paybench.ingest import ingest_file
    from paybench.store import Store

    folder = tmp_path_factory.mktemp("zero-equity")
    path = folder / "store.duckdb"
    shutil.copy(totals_db, path)
    fixture = Path(__file__).parent / "data" / "levelsfyi_sample.csv"
    with fixture.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    data = folder / "zero.csv"
    with data.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([header, *[
            ["3/1/2025 9:00:00", company, "Senior", "Software Engineer", str(total), "New York, NY", "7",
             "2", "ML / AI", str(total - 15000), "0", "15000", "NA", "NA", "10182", "501", str(900 + i),
             *["0"] * 10, "NA", "NA"]
            for i, (company, total) in enumerate([("JPMorgan Chase", 185000), ("Goldman Sachs", 175000),
                                                  ("Wells Fargo", 180000)])]])
    with Store(path) as store:
        ingest_file(store, data)
    out = folder / "guide"
    with Paybench(path) as pb:
        pb.guide(out, formats=("html", "json"))
    doc = json.loads((out / "guide.json").read_text(encoding="utf-8"))
    page = (out / "guide.html").read_text(encoding="utf-8")
    section = re.search(r'<section id="total-comp".*?</section>', page, re.S)
    assert section, "no total-comp section"
    return {"doc": doc, "figures": {f["id"]: f for f in doc["figures"]}, "section": section.group(0)}


def test_a_component_every_record_states_as_zero_shows_no_median(zero_equity_guide: dict[str, Any]) -> None:
    """Trial 31: 'enterprise: MLE senior equity P50 $120k (0.0%)' while every enterprise record
    stating equity stated 0: the P50 was the prior's. The row shows '–' and says all its records
    state 0, in every output (no equity P50 or share figure is booked for it: JSON, HTML)."""
    figures = zero_equity_guide["figures"]
    stem = f"total-comp-{MLE}-senior-enterprise"
    assert f"{stem}-total-p50" in figures, sorted(f for f in figures if f.startswith("total-comp"))
    assert f"{stem}-equity-p50" not in figures and f"{stem}-equity-share" not in figures
    assert f"{stem}-bonus-p50" in figures  # bonus is stated and positive: printed as before
    row = next(r for r in re.findall(r"<tr[^>]*>(.*?)</tr>", zero_equity_guide["section"], re.S)
               if f'data-fig="{stem}-total-n"' in r)
    text = html.unescape(re.sub(r"<[^>]+>", "", row))
    assert "– (all 3 records of this cell state equity (stock per year) of 0)" in text, text
    everyone = f"total-comp-{MLE}-senior-all-equity-p50"
    assert everyone in figures  # every employer: big tech's records state equity
    # a bonus or equity P50 is among those receiving one: the header and the note say so (the
    # third trial's re-trial: an enterprise equity P50 of $38k, 8 of 9 records stating 0)
    section = html.unescape(zero_equity_guide["section"])
    assert "equity P50 of receivers (share)" in section and "bonus P50 of receivers" in section
    assert "A bonus or equity P50 is among the people receiving one" in section
