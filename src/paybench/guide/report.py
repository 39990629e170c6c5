"""The guide report: twelve sections computed from the store, rendered to one self-contained
HTML page (charts inline as SVG, CSS inline, system fonts; no outside links needed), from
which `paybench.guide.pdf` prints the PDF.

`build_report(store, data)` computes the sections; `render_html(report)` gives the page;
`write_report(report, out_dir, formats)` writes guide.html, guide.pdf, guide.csv and
guide.json. Money is annual US dollars at the guide's effective date unless marked.
"""

from __future__ import annotations

import datetime as dt
import functools
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from paybench.bench import PARAMS, MethodParams
from paybench.bench.engines import DUCKDB, CellEngine
from paybench.guide.answers import answers
from paybench.guide.compare import CompareRow, compare_json, compare_rows, compare_section
from paybench.guide.figures import CellValue, Figure, FigureBook, Part, Section
from paybench.guide.sections import (
    Context,
    city,
    factors,
    headline,
    ranges,
    sources_and_method,
    top_paying,
    where,
)
from paybench.guide.tables import GuideData, build_guide, write_guide
from paybench.guide.total_comp import total_comp_section
from paybench.guide.trend import trend_section
from paybench.guide.who_pays import who_pays
from paybench.store import Store

if TYPE_CHECKING:
    from paybench.guide.pdf import PdfPrinter

FORMATS = ("html", "pdf", "csv", "json")
SECTION_ORDER = ("headline", "ranges", "city", "top-paying", "factors", "trend", "where",
                 "who-pays", "total-comp", "answers", "sources", "compare")
"""The twelve sections, in the order the guide prints them."""


@dataclass
class GuideReport:
    """The computed guide: cells (`data`), sections, figures, charts and the comparison."""

    data: GuideData
    sections: list[Section]
    book: FigureBook
    compare: list[CompareRow]
    chart_specs: dict[str, dict[str, Any]] = field(default_factory=dict)
    charts_svg: dict[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    paths: list[Path] = field(default_factory=list)
    """The files written (guide.html, guide.pdf, guide.csv, guide.json), once written."""

    def extra_json(self) -> dict[str, Any]:
        """What guide.json holds besides the cells: sections, figures, comparison, charts."""
        return {
            "sections": [{"id": s.id, "title": s.title} for s in self.sections],
            "figures": [f.as_json() for f in self.book.figures.values()],
            "published_vs_measured": compare_json(self.compare),
            "charts": self.chart_specs,
        }


def build_report(store: Store, data: GuideData) -> GuideReport:
    """Compute the twelve sections from the store and the guide's cells (adds to
    `data.rows` the few cells the sections need beyond the tables)."""
    ctx = Context(store=store, data=data, book=FigureBook(), charts_svg={}, chart_specs={})
    data.rankings.clear()
    data.indexes.clear()
    data.employer_counts.clear()
    sections = [headline(ctx), ranges(ctx), city(ctx), top_paying(ctx), factors(ctx),
                trend_section(ctx), where(ctx), who_pays(ctx), total_comp_section(ctx), answers(ctx),
                sources_and_method(ctx)]
    rows = compare_rows(ctx)
    sections.append(compare_section(ctx, rows))
    return GuideReport(data=data, sections=sections, book=ctx.book, compare=rows,
                       chart_specs=ctx.chart_specs, charts_svg=ctx.charts_svg)


def part_html(part: Part) -> Markup:
    """One part as HTML: a figure or cell value becomes a traceable <span>."""
    if isinstance(part, CellValue):
        return Markup(
            '<span class="fig" data-cell="{}" data-stat="{}" data-value="{}" title="{}">{}</span>'
        ).format(part.row.key, part.stat, part.value, part.title, part.text)
    if isinstance(part, Figure):
        return Markup(
            '<span class="fig" data-fig="{}" data-value="{}" title="{}">{}</span>'
        ).format(part.id, part.value, part.title, part.text)
    return escape(part)


def parts_html(parts: list[Part]) -> Markup:
    """A list of parts as HTML."""
    return Markup("").join(part_html(p) for p in parts)


def part_print_html(part: Part) -> Markup:
    """One part as HTML for print: a figure or cell value is the same <span class="fig">
    without its tooltip and data attributes, which a PDF does not show (they are most of the
    page's bytes, and WeasyPrint's parser reads every one)."""
    if isinstance(part, CellValue | Figure):
        return Markup('<span class="fig">{}</span>').format(part.text)
    return escape(part)


def parts_print_html(parts: list[Part]) -> Markup:
    """A list of parts as HTML for print (`part_print_html`)."""
    return Markup("").join(part_print_html(p) for p in parts)


def _svg_inline(svg: str) -> Markup:
    """An SVG document made fit for inline use (scales to its container)."""
    start = svg.find("<svg")
    svg = svg[start:]
    svg = svg.replace("<svg ", '<svg class="chart" preserveAspectRatio="xMinYMin meet" ', 1)
    return Markup(svg)


@functools.cache
def environment(for_print: bool = False) -> Any:
    """The Jinja environment of paybench's reports (the guide, `paybench.guide.paygap`): its
    templates share the guide's look (`templates/_style.css.j2`) and block layout
    (`templates/_blocks.html.j2`); filters `parts` (for print: `parts_print_html`) and `svg`."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("paybench.guide", "templates"),
                      autoescape=select_autoescape(["html", "j2"]), trim_blocks=True,
                      lstrip_blocks=True)
    env.filters["parts"] = parts_print_html if for_print else parts_html
    env.filters["svg"] = _svg_inline
    return env


@functools.cache
def _template(for_print: bool) -> Any:
    """The guide's Jinja template (compiled once per process), with its filters."""
    return environment(for_print).get_template("guide.html.j2")


def render_html(report: GuideReport, *, for_print: bool = False) -> str:
    """The whole guide as one HTML document (CSS inline, charts inline SVG). `for_print`:
    the copy WeasyPrint prints, the same page without the figures' tooltips and data
    attributes (`part_print_html`)."""
    data = report.data
    by_id = {s.id: s for s in report.sections}
    sections = [by_id[i] for i in SECTION_ORDER if i in by_id]
    sources = [s.get("source") for s in data.store_sources]
    template = _template(for_print)
    return template.render(
        data=data, sections=sections, year=data.year, sources=sources,
        effective=data.effective_date.strftime("%-d %B %Y"),
        generated=_stamp(data),
        n_cells=len(data.rows), n_figures=len(report.book.figures),
        oews_release=data.parameters.get("oews_release"),
    )


def write_report(report: GuideReport, out_dir: Path, formats: tuple[str, ...] = FORMATS, *,
                 printer: PdfPrinter | None = None, print_html: str | None = None) -> list[Path]:
    """Write the requested formats (html, pdf, csv, json) into `out_dir`; csv and json are
    written together. The PDF is printed by `printer` (a `PdfPrinter`, started early by
    `generate`; one is started here when none is given) while guide.csv, guide.json and
    guide.html are written, from `print_html` (`render_html(report, for_print=True)`,
    rendered here when not given). Stage times (seconds) land in `report.timings`: 'pdf' is
    the printing, 'pdf_wait' what was left of it once the other files were written."""
    from paybench.guide.pdf import PdfPrinter

    bad = [f for f in formats if f not in FORMATS]
    if bad:
        from paybench.errors import InputError

        raise InputError(f"unknown format {', '.join(bad)}; expected {', '.join(FORMATS)}",
                         field="formats")
    out_dir = Path(out_dir)
    paths: list[Path] = []
    if "pdf" in formats and printer is None:
        printer = PdfPrinter()
    try:
        if "pdf" in formats:
            assert printer is not None
            if print_html is None:
                start = time.perf_counter()
                print_html = render_html(report, for_print=True)
                report.timings["print_html"] = time.perf_counter() - start
            printer.start(print_html, out_dir / "guide.pdf")
        if "csv" in formats or "json" in formats:
            start = time.perf_counter()
            written = write_guide(report.data, out_dir, extra=report.extra_json())
            paths += [p for p in written if p.suffix.lstrip(".") in formats]
            for p in written:
                if p.suffix.lstrip(".") not in formats:
                    p.unlink()
            report.timings["tables"] = time.perf_counter() - start
        if "html" in formats:
            start = time.perf_counter()
            html = render_html(report)
            out_dir.mkdir(parents=True, exist_ok=True)
            path = out_dir / "guide.html"
            path.write_text(html, encoding="utf-8")
            paths.append(path)
            report.timings["html"] = time.perf_counter() - start
        if "pdf" in formats:
            assert printer is not None
            paths.append(printer.finish())
            report.timings["pdf"] = printer.print_seconds
            report.timings["pdf_wait"] = printer.wait_seconds
    finally:
        if printer is not None:
            printer.close()
    return paths


def generate(store: Store, out_dir: Path, *, metros: int = 25, year: int | None = None,
             effective: dt.date | None = None, roles_spec: str | None = None,
             formats: tuple[str, ...] = FORMATS, params: MethodParams = PARAMS,
             any_year: bool = False, engine: CellEngine = DUCKDB) -> tuple[GuideReport, list[Path]]:
    """Build the cells (on `engine`: `paybench.bench.engines`) and the report and write the
    files (`Paybench.guide` calls it)."""
    from paybench.errors import InputError
    from paybench.guide.pdf import PdfPrinter

    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise InputError(f"unknown format {', '.join(bad) or '(none)'}; expected "
                         f"{', '.join(FORMATS)}", field="formats")
    timings: dict[str, float] = {}
    # the PDF's child process starts now (or started with the command, `start_early`):
    # WeasyPrint loads while the cells are computed
    printer = PdfPrinter.claim() if "pdf" in formats else None
    try:
        start = time.perf_counter()
        data = build_guide(store, metros=metros, effective=effective, year=year,
                           roles_spec=roles_spec, params=params, any_year=any_year, engine=engine)
        cells_seconds = time.perf_counter() - start
        timings["model"] = data.timings.get("model", 0.0)
        timings["cells"] = cells_seconds - timings["model"]
        page_key, stamp = _page_key(), _stamp(data)
        if printer is not None:
            # the page the last guide of the same cells printed: printed while the sections
            # are computed, and kept if the page comes out the same (`PdfPrinter.speculate`)
            page = data.recall(page_key)
            if isinstance(page, str):
                printer.speculate(page.replace(STAMP_MARK, stamp), Path(out_dir) / "guide.pdf")
        start = time.perf_counter()
        report = build_report(store, data)
        timings["sections"] = time.perf_counter() - start
        print_html = None
        if printer is not None:
            start = time.perf_counter()
            print_html = render_html(report, for_print=True)
            data.keep(page_key, print_html.replace(stamp, STAMP_MARK))
            timings["print_html"] = time.perf_counter() - start
        start = time.perf_counter()
        data.save_extra_cells()
        timings["sections"] += time.perf_counter() - start
        paths = write_report(report, out_dir, formats, printer=printer, print_html=print_html)
    finally:
        if printer is not None:
            printer.close()
    report.timings = {**timings, **report.timings}
    if printer is not None and printer.speculated is not None:
        report.timings["pdf_early"] = float(printer.speculated)
    report.paths = paths
    return report, paths


def prepare(store: Store, *, metros: int = 25, params: MethodParams = PARAMS,
            engine: CellEngine = DUCKDB) -> GuideData:
    """Compute and keep beside the store what `paybench guide` with these options reads from
    its caches, writing no guide file: the benchmark model (`<store>.bench.pkl`) and its
    derived views' (the Total compensation section's), the guide's cells with the cells and
    values its sections computed and the page its PDF prints (`<store>.guide.pkl`), and the
    drawn charts and compiled SQL in the cache directory. Every cache is the one `generate`
    reads, keyed by the store's content (`paybench.bench.cache.cache_key`), so what a later
    write makes stale is never read. `paybench ingest` calls it after its transactions commit
    (`Paybench.prepare`); errors are the guide's own."""
    data = build_guide(store, metros=metros, params=params, engine=engine)
    if not data.cells_cached or not isinstance(data.recall(_page_key()), str):
        report = build_report(store, data)
        page = render_html(report, for_print=True)
        data.keep(_page_key(), page.replace(_stamp(data), STAMP_MARK))
        data.save_extra_cells()
    return data


def _page_key() -> tuple[str, str]:
    """The key of the page the last guide printed in the guide's cells cache (`GuideData.keep`)."""
    return ("print-html", _guide_code_digest())


STAMP_MARK = "\ue000generated\ue000"
"""What stands for the time a guide was written in the page kept for the next guide."""


def _stamp(data: GuideData) -> str:
    """The time the guide was written, as its page prints it."""
    return data.generated_at.replace("T", " ")


@functools.cache
def _guide_code_digest() -> str:
    """A short hash of the guide's code and templates (what the printed page is made by)."""
    import hashlib

    digest = hashlib.sha256()
    package = Path(__file__).parent
    for path in sorted([*package.glob("*.py"), *package.glob("templates/*")]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]
