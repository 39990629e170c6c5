"""The guide report: nine sections computed from the store, rendered to one self-contained
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
from paybench.guide.tables import GuideData, write_guide
from paybench.store import Store

if TYPE_CHECKING:
    from paybench.guide.pdf import PdfPrinter

FORMATS = ("html", "pdf", "csv", "json")
SECTION_ORDER = ("headline", "ranges", "city", "top-paying", "factors", "where", "answers",
                 "sources", "compare")
"""The nine sections, in the order the guide prints them."""


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
    """Compute the nine sections from the store and the guide's cells (adds to
    `data.rows` the few cells the sections need beyond the tables)."""
    ctx = Context(store=store, data=data, book=FigureBook(), charts_svg={}, chart_specs={})
    sections = [headline(ctx), ranges(ctx), city(ctx), top_paying(ctx), factors(ctx),
                where(ctx), answers(ctx), sources_and_method(ctx)]
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
        generated=data.generated_at.replace("T", " "),
        n_cells=len(data.rows), n_figures=len(report.book.figures),
        oews_release=data.parameters.get("oews_release"),
    )


def write_report(report: GuideReport, out_dir: Path, formats: tuple[str, ...] = FORMATS, *,
                 printer: PdfPrinter | None = None) -> list[Path]:
    """Write the requested formats (html, pdf, csv, json) into `out_dir`; csv and json are
    written together. The PDF is printed by `printer` (a `PdfPrinter`, started early by
    `generate`; one is started here when none is given) while guide.csv, guide.json and
    guide.html are written. Stage times (seconds) land in `report.timings`: 'pdf' is the
    printing, 'pdf_wait' what was left of it once the other files were written."""
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
            start = time.perf_counter()
            printer.start(render_html(report, for_print=True), out_dir / "guide.pdf")
            report.timings["print_html"] = time.perf_counter() - start
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
    from paybench.guide.tables import build_guide

    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise InputError(f"unknown format {', '.join(bad) or '(none)'}; expected "
                         f"{', '.join(FORMATS)}", field="formats")
    timings: dict[str, float] = {}
    # the PDF's child process starts now: WeasyPrint loads while the cells are computed
    printer = PdfPrinter() if "pdf" in formats else None
    try:
        start = time.perf_counter()
        data = build_guide(store, metros=metros, effective=effective, year=year,
                           roles_spec=roles_spec, params=params, any_year=any_year, engine=engine)
        cells_seconds = time.perf_counter() - start
        timings["model"] = data.timings.get("model", 0.0)
        timings["cells"] = cells_seconds - timings["model"]
        start = time.perf_counter()
        report = build_report(store, data)
        data.save_extra_cells()
        timings["sections"] = time.perf_counter() - start
        paths = write_report(report, out_dir, formats, printer=printer)
    finally:
        if printer is not None:
            printer.close()
    report.timings = {**timings, **report.timings}
    report.paths = paths
    return report, paths
