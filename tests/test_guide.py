"""`paybench guide` end to end: the twelve sections in order, none empty, every figure in the
HTML and the PDF traceable to guide.json, charts inline without outside links, the
published-versus-measured table complete, and the --roles filter."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from paybench.guide.report import SECTION_ORDER
from paybench.normalize.money import format_hourly, format_usd
from paybench.normalize.roles import ML_ROLE_IDS, roles
from paybench.reference.published import load_figures

pytestmark = pytest.mark.slow
REPO_DATA = Path(__file__).resolve().parent / "data"


def run(*args: str, db: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PAYBENCH_DB": str(db)}
    proc = subprocess.run([sys.executable, "-m", "paybench", *args], capture_output=True,
                          text=True, env=env, timeout=900)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


@pytest.fixture(scope="module")
def reference_guide(tmp_path_factory: pytest.TempPathFactory, reference_db: Path) -> Path:
    """The full guide from the embedded defaults alone, through the CLI."""
    work = tmp_path_factory.mktemp("guide-defaults")
    db = work / "store.duckdb"
    shutil.copy(reference_db, db)
    run("guide", "--out", str(work / "out"), "--year", "2026", db=db)
    return work / "out"


@pytest.fixture(scope="module")
def survey_guide(tmp_path_factory: pytest.TempPathFactory, survey_db: Path) -> Path:
    """The full guide with the ai-jobs.net survey ingested."""
    work = tmp_path_factory.mktemp("guide-survey")
    db = work / "store.duckdb"
    shutil.copy(survey_db, db)
    run("guide", "--out", str(work / "out"), db=db)
    return work / "out"


class Page(HTMLParser):
    """Collects sections, traceable figures, src/href attributes and chart texts."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.content: dict[str, int] = {}
        self.figs: list[dict[str, str]] = []
        self.links: list[str] = []
        self.svgs = 0
        self.svg_depth = 0
        self.chart_text: list[str] = []
        self.compare_rows = 0
        self.tags: list[str] = []
        self._in_compare_tbody = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags.append(tag)
        if tag == "section":
            self.sections.append(a["id"])
            self.content[a["id"]] = 0
        elif self.sections and tag in ("p", "table", "figure", "div") and not self.svg_depth:
            self.content[self.sections[-1]] += 1
        if tag == "span" and "fig" in a.get("class", "").split():
            self.figs.append(a)
        for key in ("src", "href"):
            if key in a and tag not in ("svg",):
                self.links.append(a[key])
        if tag == "svg":
            self.svg_depth += 1
            self.svgs += 1
        if tag == "tbody" and self.sections and self.sections[-1] == "compare":
            self._in_compare_tbody = True
        if tag == "tr" and self._in_compare_tbody:
            self.compare_rows += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            self.svg_depth -= 1
        if tag == "tbody":
            self._in_compare_tbody = False

    def handle_data(self, data: str) -> None:
        if self.svg_depth and data.strip():
            self.chart_text.append(data.strip())


def parse(out: Path) -> tuple[Page, dict[str, Any]]:
    page = Page()
    page.feed((out / "guide.html").read_text(encoding="utf-8"))
    return page, json.loads((out / "guide.json").read_text(encoding="utf-8"))


def cell_index(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out = {}
    for c in doc["cells"]:
        place = "remote" if c["scope"] == "remote" else c["place"]
        out[f"{c['role']}|{c['level']}|{place}"] = c
    return out


def check_structure(out: Path) -> tuple[Page, dict[str, Any]]:
    for name in ("guide.html", "guide.pdf", "guide.csv", "guide.json"):
        assert (out / name).stat().st_size > 1000, name
    page, doc = parse(out)
    assert page.sections == list(SECTION_ORDER)
    for section, blocks in page.content.items():
        assert blocks >= 1, f"section {section} is empty"
    return page, doc


def check_traceable(page: Page, doc: dict[str, Any]) -> None:
    cells = cell_index(doc)
    figures = {f["id"]: f for f in doc["figures"]}
    assert len(page.figs) > 500
    for span in page.figs:
        value = float(span["data-value"])
        assert span.get("title"), span
        if "data-cell" in span:
            cell = cells[span["data-cell"]]
            assert cell[span["data-stat"]] == value, span
        else:
            assert figures[span["data-fig"]]["value"] == pytest.approx(value, abs=1e-9), span


def allowed_texts(doc: dict[str, Any]) -> set[str]:
    """Every way guide.json's money figures can be printed."""
    out: set[str] = set()
    for c in doc["cells"]:
        for stat in ("p10", "p25", "p50", "p75", "p90"):
            out |= {format_usd(c[stat]), format_usd(c[stat], exact=True)}
    for f in doc["figures"]:
        out.add(f["text"].lstrip("+-"))
        if f["unit"] == "usd":
            out |= {format_usd(f["value"]), format_usd(f["value"], exact=True)}
        if f["unit"] == "usd_hour":
            out |= {format_hourly(f["value"]), format_hourly(round(f["value"]))}
    return out


MONEY = re.compile(r"\$\d[\d,.]*(?:k|M|/h)?")


def check_pdf(out: Path, page: Page, doc: dict[str, Any]) -> str:
    assert shutil.which("pdftotext"), "poppler-utils (pdftotext) is needed: see scripts/test"
    info = subprocess.run(["pdfinfo", str(out / "guide.pdf")], capture_output=True, text=True,
                          check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    assert pages > 12
    text = subprocess.run(["pdftotext", "-layout", str(out / "guide.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    allowed = allowed_texts(doc) | {t for t in page.chart_text if t.startswith("$")}
    printed = {m.rstrip(".,") for m in MONEY.findall(text)}
    assert len(printed) > 100
    strange = sorted(t for t in printed if t not in allowed)
    assert not strange, f"PDF figures not in guide.json: {strange[:20]}"
    for section in ("Headline figures", "Ranges by role", "City variance", "Pay over time",
                    "Who pays", "Total compensation", "Published versus measured"):
        assert section in text
    return text


def test_guide_from_defaults(reference_guide: Path) -> None:
    page, doc = check_structure(reference_guide)
    check_traceable(page, doc)
    text = check_pdf(reference_guide, page, doc)
    cells = cell_index(doc)
    mle = cells["machine-learning-engineer|mid|US"]
    assert format_usd(mle["p50"]) in text  # the headline figure is printed in the PDF
    # without observations, the missing parts say so in one line, naming what to ingest
    html = (reference_guide / "guide.html").read_text(encoding="utf-8")
    assert "No postings ingested" in html and "No change over a year" in html
    assert "No index for the ML roles" in html and "paybench ingest --defaults" in html
    assert "No OEWS series over years" in html and "national_M2024_dl.xlsx" in html
    assert "No H-1B filings in the store" in html and "LCA_Disclosure_Data" in html
    assert not any(f["id"].startswith(("trend-", "who-pays-", "total-comp-")) for f in doc["figures"])
    # no total-compensation records in the defaults: the section is that one line
    section = re.search(r'<section id="total-comp".*?</section>', html, re.S)
    assert section is not None
    assert re.findall(r'<p class="empty">(.*?)</p>', section.group(0)) == [
        "No total-compensation data in this store (base pay only): ingest a Levels.fyi export "
        "(paybench ingest FILE.csv) for base, bonus and equity by level and segment."]
    assert "<table" not in section.group(0)
    assert "No total-compensation data" in text  # and in the PDF
    compare = {r["figure_id"]: r for r in doc["published_vs_measured"]}
    assert "holds no total-compensation data" in compare["cvmaker-2026-mle-total-top-firms-low"]["note"]
    assert doc["year"] == 2026 and doc["effective_date"] == "2026-01-01"


def test_guide_with_survey(survey_guide: Path) -> None:
    page, doc = check_structure(survey_guide)
    check_traceable(page, doc)
    check_pdf(survey_guide, page, doc)
    ids = {f["id"] for f in doc["figures"]}
    # the change over a year: the survey's mix-adjusted index; the store as scripts/run builds
    # it (the embedded defaults) holds one OEWS release and no filings, and says so
    assert {"trend-machine-learning-engineer-mid-change", "trend-machine-learning-engineer-mid-low",
            "trend-machine-learning-engineer-mid-raw"} <= ids, "year-over-year change missing"
    html = (survey_guide / "guide.html").read_text(encoding="utf-8")
    assert "No OEWS series over years" in html and "No H-1B filings in the store" in html
    assert {"ml-company_size-M-p50", "ml-work_mode-remote-p50", "contract-hourly-ml"} <= ids
    cells = cell_index(doc)
    assert cells["machine-learning-engineer|senior|US"]["method"] == "direct"
    assert cells["machine-learning-engineer|senior|remote"]["n"] > 0


def test_the_9_percent_rise_beside_the_measured_change(survey_guide: Path) -> None:
    """The seeds' "9% rise" of mid-level ML engineer pay beside the change the store measures
    for the same population (machine-learning-engineer, mid, US): the mix-adjusted index with
    its interval and n, the raw median change named beside it
    (tests/test_guide_sections17.py: equal to `Paybench.trend`)."""
    _, doc = parse(survey_guide)
    row = {r["figure_id"]: r for r in doc["published_vs_measured"]}["motion-2026-mle-mid-us-raise"]
    assert row["published"] == 9 and row["unit"] == "percent"
    assert row["measured"] is not None and row["diff"] == pytest.approx(row["measured"] - 9, abs=0.05)
    figures = {f["id"]: f for f in doc["figures"]}
    assert row["measured"] == figures["trend-machine-learning-engineer-mid-change"]["value"]
    assert "mix-adjusted index of machine-learning-engineer mid, US" in row["note"]
    assert "(n " in row["note"] and "95% interval" in row["note"]
    assert "raw median moved" in row["note"]


def test_charts_inline_and_no_outside_links(survey_guide: Path) -> None:
    page, doc = parse(survey_guide)
    assert page.svgs >= 6
    assert not [link for link in page.links if re.match(r"https?://", link)], page.links
    assert not {"img", "script", "link", "iframe"} & set(page.tags)
    # the charts in the page are the ones whose specs guide.json holds
    assert len(doc["charts"]) == page.svgs


def test_ranges_cover_every_role_and_csv_is_backward_compatible(reference_guide: Path) -> None:
    with (reference_guide / "guide.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    first = ["role", "role_name", "area", "level", "scope", "place", "place_label", "p10", "p25",
             "p50", "p75", "p90", "n", "n_parent", "method", "confidence", "sources", "published",
             "place_differential"]
    assert list(rows[0])[: len(first)] == first
    national = {r["role"] for r in rows if r["scope"] == "national"}
    assert national == set(roles())
    levels = {(r["role"], r["level"]) for r in rows if r["scope"] == "national"}
    assert {("software-engineer", lv) for lv in ("entry", "mid", "senior")} <= levels
    metros = {r["place"] for r in rows if r["scope"] == "metro"}
    assert len(metros) == 25
    assert any(r["scope"] == "remote" for r in rows)


def test_published_versus_measured_has_every_pay_figure(reference_guide: Path) -> None:
    page, doc = parse(reference_guide)
    every = load_figures()  # pay and not pay (growth rates, bonus shares): issue 13 item 7
    table = doc["published_vs_measured"]
    assert [r["figure_id"] for r in table] == [f.id for f in every] and len(every) == 122
    assert page.compare_rows == len(every)
    by_id = {r["figure_id"]: r for r in table}
    assert "not measured" in by_id["motion-2026-mle-mid-us-raise"]["note"]  # no observations
    assert "bonus" in by_id["mlsalary-2023-mle-bonus-share-low"]["note"]
    low = by_id["motion-2026-mle-mid-usa-low"]
    assert low["cell"] == "machine-learning-engineer|mid|US" and low["cell_stat"] == "p25"
    assert low["diff"] == pytest.approx(low["measured"] - low["published"], abs=0.01)
    assert "total" in by_id["cvmaker-2026-mle-total-top-firms-low"]["note"]
    assert "outside the US" in by_id["motion-2026-mle-mid-toronto-140k-low"]["note"]
    assert "P50" in by_id["mlsalary-2023-mle-mid-mean-cad"]["note"] or \
        by_id["mlsalary-2023-mle-mid-mean-cad"]["measured"] is None


def test_roles_filter(tmp_path: Path, reference_db: Path) -> None:
    db = tmp_path / "store.duckdb"
    shutil.copy(reference_db, db)
    out = tmp_path / "out"
    run("guide", "--out", str(out), "--roles", "Data & AI,software-engineer", "--metros", "3",
        "--format", "html,csv,json", db=db)
    assert not (out / "guide.pdf").exists()
    page, doc = parse(out)
    assert page.sections == list(SECTION_ORDER)
    chosen = {r.id for r in roles().values() if r.area == "Data & AI"} | {"software-engineer"}
    shown = {c["role"] for c in doc["cells"] if "ranges" in c["tables"]}
    assert shown == chosen
    assert set(doc["roles"]) == chosen
    check_traceable(page, doc)
    html = (out / "guide.html").read_text(encoding="utf-8")
    assert "<h3>Security</h3>" not in html and "<h3>Data &amp; AI</h3>" in html
    ml_only = tmp_path / "ml"
    run("guide", "--out", str(ml_only), "--roles", "Security", "--metros", "0",
        "--format", "html,json", db=db)
    page, _ = parse(ml_only)
    assert page.sections == list(SECTION_ORDER)
    assert all(n >= 1 for n in page.content.values())
    text = (ml_only / "guide.html").read_text(encoding="utf-8")
    assert "No ML roles in this selection" in text
    assert not (ML_ROLE_IDS & {c["role"] for c in json.loads(
        (ml_only / "guide.json").read_text())["cells"] if "ranges" in c["tables"]})


@pytest.mark.parametrize("args, message", [
    (("--roles", "Astronaut"), "--roles: 'Astronaut'"),
    (("--format", "docx"), "--format: unknown format docx"),
    (("--year", "1200"), "--year: year 1200"),
    (("--metros", "-1"), "--metros"),
])
def test_bad_options_one_line_error(tmp_path: Path, reference_db: Path, args: tuple[str, ...],
                                    message: str) -> None:
    db = tmp_path / "store.duckdb"
    shutil.copy(reference_db, db)
    proc = run("guide", "--out", str(tmp_path / "o"), *args, db=db, check=False)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], proc.stderr


def _scrubbed(out: Path) -> dict[str, str]:
    """The four files of a guide as text, the time they were written blanked (the PDF as
    `pdftotext` reads it)."""
    doc = json.loads((out / "guide.json").read_text(encoding="utf-8"))
    stamp = doc["generated_at"]
    pdf = subprocess.run(["pdftotext", str(out / "guide.pdf"), "-"], capture_output=True,
                         text=True, check=True).stdout
    return {
        "csv": (out / "guide.csv").read_text(encoding="utf-8"),
        "json": (out / "guide.json").read_text(encoding="utf-8").replace(stamp, "<t>"),
        "html": (out / "guide.html").read_text(encoding="utf-8").replace(stamp.replace("T", " "), "<t>"),
        "pdf": pdf.replace(stamp.replace("T", " "), "<t>"),
    }


def test_second_guide_reads_the_caches_and_writes_the_same_files(
        tmp_path: Path, reference_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A second guide of an unchanged store reads the cells (and the cells its report added)
    and the drawn charts from the caches and writes the same four files; a store that
    changed computes its cells again."""
    from paybench.guide.tables import build_guide, cells_cache_path
    from paybench.ingest import ingest_file
    from paybench.store import Store

    db = tmp_path / "store.duckdb"
    shutil.copy(reference_db, db)
    home = tmp_path / "home"
    monkeypatch.setenv("PAYBENCH_HOME", str(home))
    run("guide", "--out", str(tmp_path / "first"), "--metros", "5", db=db)
    with Store(db) as store:
        cache = cells_cache_path(store)
    assert cache is not None and cache.is_file()
    charts = json.loads((tmp_path / "first" / "guide.json").read_text(encoding="utf-8"))["charts"]
    assert len(charts) >= 4
    assert len(list((home / "cache" / "charts").glob("*.svg"))) == len(charts)
    run("guide", "--out", str(tmp_path / "second"), "--metros", "5", db=db)
    first, second = _scrubbed(tmp_path / "first"), _scrubbed(tmp_path / "second")
    for name in first:
        assert first[name] == second[name], name
    with Store(db, read_only=True) as store:
        assert build_guide(store, metros=5).cells_cached
        assert not build_guide(store, metros=6).cells_cached  # other options: not these cells
    with Store(db) as store:
        ingest_file(store, REPO_DATA / "postings_jobspy.csv")
    with Store(db, read_only=True) as store:
        again = build_guide(store, metros=5)
    assert not again.cells_cached


def test_cells_cache_drops_what_no_report_reads(tmp_path: Path, reference_db: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """What the guide's cells cache holds that a report no longer reads (a section result kept
    under an older version of the section's code, a cell it no longer shows) is dropped when
    the next report writes the cache; what the report reads stays, and it is read, not
    computed again."""
    import pickle

    from paybench.guide.report import build_report
    from paybench.guide.tables import build_guide, cells_cache_path
    from paybench.store import Store

    db = tmp_path / "store.duckdb"
    shutil.copy(reference_db, db)
    monkeypatch.setenv("PAYBENCH_HOME", str(tmp_path / "home"))
    with Store(db) as store:
        data = build_guide(store, metros=2)
        build_report(store, data)
        data.save_extra_cells()
        path = cells_cache_path(store)
    assert path is not None
    key, cached = pickle.loads(path.read_bytes())
    kept_computed, kept_extra = set(cached.computed), set(cached.extra)
    assert kept_computed and kept_extra
    cached.computed[("trends", ("machine-learning-engineer",), "an-older-code-digest")] = "stale"
    old_cell = ("software-engineer", "entry", "metro", "99999", "Nowhere, ZZ")
    cached.extra[old_cell] = next(iter(cached.extra.values()))
    path.write_bytes(pickle.dumps((key, cached)))
    with Store(db) as store:
        data = build_guide(store, metros=2)
        assert data.cells_cached
        build_report(store, data)
        data.save_extra_cells()
    key_after, after = pickle.loads(path.read_bytes())
    assert key_after == key
    assert set(after.computed) == kept_computed and set(after.extra) == kept_extra
    # a third report reads everything from the cache: nothing new, nothing to write
    mtime = path.stat().st_mtime_ns
    with Store(db) as store:
        data = build_guide(store, metros=2)
        build_report(store, data)
        data.save_extra_cells()
    assert path.stat().st_mtime_ns == mtime


def test_pdf_printer_child_and_fallback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The PDF printer's child process writes the PDF whole (no partial file left), reports a
    path it cannot write as one InputError, and without a child the page is printed here."""
    from paybench.errors import InputError
    from paybench.guide.pdf import PdfPrinter

    page = "<html><body><p>paybench guide</p></body></html>"
    path = PdfPrinter().write(page, tmp_path / "a" / "guide.pdf")
    assert path.read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in path.parent.iterdir()) == ["guide.pdf"]
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(InputError, match="cannot write"):
        PdfPrinter().write(page, blocker / "guide.pdf")
    never = PdfPrinter()  # a guide that fails before its PDF: the child is ended
    never.close()
    monkeypatch.setattr(sys, "executable", "")
    printer = PdfPrinter()
    path = printer.write(page, tmp_path / "b" / "guide.pdf")
    assert path.read_bytes().startswith(b"%PDF") and printer.print_seconds > 0


def test_pdf_printer_keeps_a_speculative_page_only_when_it_is_the_page(tmp_path: Path) -> None:
    """A page printed early (`speculate`) is kept when the page handed over is the same;
    another page is printed anew (the PDF holds its text, not the guess's); no early or
    partial file is left behind; a printer closed after speculating leaves nothing either."""
    from paybench.guide.pdf import PdfPrinter

    def text(path: Path) -> str:
        return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                              check=True).stdout

    page = "<html><body><p>paybench guide, same page</p></body></html>"
    printer = PdfPrinter()
    printer.speculate(page, tmp_path / "a" / "guide.pdf")
    path = printer.write(page, tmp_path / "a" / "guide.pdf")
    assert printer.speculated is True and "same page" in text(path)
    assert sorted(p.name for p in path.parent.iterdir()) == ["guide.pdf"]
    printer = PdfPrinter()
    printer.speculate(page, tmp_path / "b" / "guide.pdf")
    path = printer.write(page.replace("same page", "another page"), tmp_path / "b" / "guide.pdf")
    assert printer.speculated is False
    assert "another page" in text(path) and "same page" not in text(path)
    assert sorted(p.name for p in path.parent.iterdir()) == ["guide.pdf"]
    printer = PdfPrinter()
    printer.speculate(page, tmp_path / "c" / "guide.pdf")
    printer.close()
    assert not (tmp_path / "c").exists() or not any((tmp_path / "c").iterdir())


def test_unwritable_out_is_one_line(tmp_path: Path, reference_db: Path) -> None:
    db = tmp_path / "store.duckdb"
    shutil.copy(reference_db, db)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    for formats in ("pdf", "html,pdf,csv,json"):
        proc = run("guide", "--out", str(blocker / "out"), "--metros", "2", "--format", formats,
                   db=db, check=False)
        lines = proc.stderr.strip().splitlines()
        assert proc.returncode == 1 and len(lines) == 1, proc.stderr
        assert "Traceback" not in proc.stderr


def test_remembered_rate_is_the_ecb_rate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The compare section's exchange rates, remembered in the cache directory, are the ECB
    rates `usd_per_unit` gives; USD is 1 without a file; an unknown currency still fails."""
    import datetime as dt

    from paybench.errors import InputError
    from paybench.guide.compare import remembered_usd_per_unit
    from paybench.normalize.money import usd_per_unit

    monkeypatch.setenv("PAYBENCH_HOME", str(tmp_path))
    on = dt.date(2023, 1, 1)
    first = remembered_usd_per_unit("CAD", on)
    (kept,) = list((tmp_path / "cache").glob("usd-rates-*.json"))
    assert json.loads(kept.read_text()) == {"CAD|2023-01-01": first}
    assert remembered_usd_per_unit("CAD", on) == first == usd_per_unit("CAD", on)
    assert remembered_usd_per_unit("USD", on) == 1.0
    with pytest.raises(InputError, match="VND"):
        remembered_usd_per_unit("VND", on)
    assert json.loads(kept.read_text()) == {"CAD|2023-01-01": first}


def test_ingest_keeps_the_cells_cache_the_next_guide_reads(
        tmp_path: Path, reference_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`paybench ingest --prepare` leaves the store ready for a guide: after its transaction commits it
    keeps the benchmark model and the guide's cells beside the store (the guide's own cache,
    keyed by the store's content), and the next `paybench guide` reads them (it says so) and
    writes what a guide computing every cell writes. Without --prepare it keeps nothing."""
    from paybench.bench.cache import cache_path
    from paybench.guide.tables import cells_cache_path
    from paybench.store import Store

    db = tmp_path / "store.duckdb"
    shutil.copy(reference_db, db)
    monkeypatch.setenv("PAYBENCH_HOME", str(tmp_path / "home"))
    with Store(db, read_only=True) as store:
        model_file, cells_file = cache_path(store), cells_cache_path(store)
    assert model_file is not None and cells_file is not None
    skipped = run("ingest", str(REPO_DATA / "postings_jobspy.csv"), db=db)
    assert "guide prepared" not in skipped.stdout + skipped.stderr
    assert not model_file.exists() and not cells_file.exists()

    prepared = run("ingest", "--prepare", str(REPO_DATA / "postings_adzuna.json"), db=db)
    assert "guide prepared: benchmark model and guide cells kept beside the store" in prepared.stdout
    assert model_file.is_file() and cells_file.is_file()
    first = run("guide", "--format", "csv,json", "--out", str(tmp_path / "after-ingest"), db=db)
    assert "cells: read from the cache beside the store" in first.stdout

    model_file.unlink()
    cells_file.unlink()
    cold = run("guide", "--format", "csv,json", "--out", str(tmp_path / "cold"), db=db)
    assert "cells: computed, and kept beside the store" in cold.stdout
    assert ((tmp_path / "after-ingest" / "guide.csv").read_bytes()
            == (tmp_path / "cold" / "guide.csv").read_bytes())
    again = run("ingest", "--prepare", str(REPO_DATA / "postings_adzuna.json"), db=db)  # nothing new
    assert "already ingested" in again.stdout and "guide cells already kept" in again.stdout


def test_a_failed_prepare_leaves_the_ingest_whole(
        tmp_path: Path, reference_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Preparing the guide after an ingest is best effort: when it fails the ingest stands,
    the command exits 0 and says in one line that the next guide computes the cells."""
    from typer.testing import CliRunner

    import paybench.guide.report as report
    from paybench.cli import app
    from paybench.store import Store

    db = tmp_path / "store.duckdb"
    shutil.copy(reference_db, db)
    monkeypatch.setenv("PAYBENCH_HOME", str(tmp_path / "home"))

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(report, "prepare", broken)
    result = CliRunner().invoke(app, ["ingest", "--prepare", "--db", str(db),
                                      str(REPO_DATA / "postings_jobspy.csv")])
    assert result.exit_code == 0, result.output
    assert "preparing the guide failed (RuntimeError: disk on fire)" in result.output
    assert "Traceback" not in result.output
    with Store(db, read_only=True) as store:
        assert store.scalar("SELECT count(*) FROM ingests WHERE source = 'postings'") == 1
        assert store.scalar("SELECT count(*) FROM observations WHERE source = 'postings'") > 0
