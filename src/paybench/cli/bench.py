"""`paybench bench`, `paybench trend`, `paybench guide` and `paybench export`: benchmark
cells, pay over time, the salary guide, and the observations and cells as Parquet for other
engines.

`bench` and `guide` compute their cells on DuckDB (the store) by default, or on Spark with
`--engine spark` (`paybench.bench.engines`: the same expressions, the same cells)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from paybench.cli.common import DbOption, JsonOption, command, emit_json, emit_model, out, progress, usd
from paybench.cli.common import engine as open_engine
from paybench.normalize.components import component_help

if TYPE_CHECKING:
    from paybench.bench.engines import CellEngine
    from paybench.bench.trend import TrendReport

EngineOption = Annotated[str, typer.Option(
    "--engine", help="where the cells are computed: duckdb (the store) or spark")]
SparkMasterOption = Annotated[str, typer.Option(
    "--spark-master", help="with --engine spark: local[*] (this machine), spark://host:7077 (a "
    "cluster), sc://host:15002 (Spark Connect)")]
ParquetOption = Annotated[str | None, typer.Option(
    "--parquet", help="with --engine spark: a `paybench export` folder (path or URL) every Spark "
    "executor reads; default: the store, exported to a temporary folder")]


def cell_engine(engine: str, spark_master: str, parquet: str | None) -> CellEngine | None:
    """The engine the options ask for (None: the default, DuckDB). InputError for Spark
    options without `--engine spark`; EngineError for an unknown engine."""
    from paybench.bench.engines import DEFAULT_SPARK_MASTER, CellEngine
    from paybench.errors import InputError

    name = engine.strip().lower()
    if name != "spark":
        if spark_master != DEFAULT_SPARK_MASTER:
            raise InputError("a Spark master is for the Spark engine: add --engine spark",
                             field="spark_master")
        if parquet is not None:
            raise InputError("Parquet input is for the Spark engine: add --engine spark",
                             field="parquet")
    found = CellEngine(name, spark_master.strip(), parquet)
    return None if found == CellEngine() else found


@command()
def bench(
    role: Annotated[str, typer.Option("--role", help="role id, name or job title, e.g. "
                                      "machine-learning-engineer")],
    level: Annotated[str | None, typer.Option("--level", help="entry, mid, senior, staff, ... "
                                              "(default: the title's, else the role's own)")] = None,
    place: Annotated[str, typer.Option("--place", help="a place; default United States")] = "US",
    as_of: Annotated[str | None, typer.Option("--as-of", help="effective date YYYY-MM-DD")] = None,
    growth: Annotated[float | None, typer.Option("--growth", help="annual pay growth for aging "
                                                 "(default 0.03)")] = None,
    any_year: Annotated[bool, typer.Option(
        "--any-year", help="allow an --as-of outside the years the data covers")] = False,
    component: Annotated[str | None, typer.Option("--component", help=component_help())] = None,
    segment: Annotated[str | None, typer.Option(
        "--segment", help="one employer segment: big-tech, ai-lab, startup, enterprise, "
        "government, consultancy, unclassified (default: every employer)")] = None,
    engine: EngineOption = "duckdb",
    spark_master: SparkMasterOption = "local[*]",
    parquet: ParquetOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Percentiles of annual pay for a role x level x place, with provenance: base pay over every
    employer, or one component (--component) and one employer segment (--segment)."""
    with open_engine(db, cell_engine=cell_engine(engine, spark_master, parquet)) as pb:
        cell = pb.cell(role, level, place, as_of=as_of, growth=growth, any_year=any_year,
                       component=component, segment=segment)
    if as_json:
        emit_model(cell)
        return
    out.print(f"[bold]{cell.role_name}[/bold], {cell.level}, {cell.place.label}")
    view = cell.component != "base" or cell.segment is not None
    if view:
        from paybench.bench.components import view_label

        among = ("; percentiles among those receiving it, a stated 0 counted apart"
                 if cell.component in ("bonus", "equity") else "")
        out.print(f"pay: {view_label(cell.component, cell.segment)} (annual USD{among})", markup=False)
    if cell.place.note:
        out.print(f"place: {cell.place.note}", markup=False)
    out.print("  ".join(f"P{p[1:]}: ${v:,}" for p, v in cell.quantiles().items()))
    out.print(cell.aging(), markup=False)
    parent = "all-employer cell" if cell.segment is not None else "national"
    out.print(f"n={cell.n} ({parent} {cell.n_parent})  method={cell.method}  "
              f"confidence={cell.confidence}")
    if cell.components is not None:
        found = cell.components
        counts = ", ".join(f"{name} {n:,}" for name, n in found.n.items())
        zeros = ", ".join(f"{name} {n:,}" for name, n in found.zero.items())
        out.print(f"n per component (each as its own cell counts it): {counts}"
                  + (f" (stating 0: {zeros})" if zeros else ""), markup=False)
        for sentence in found.all_zero:
            out.print(sentence, markup=False)
        if found.bonus_share is not None and found.equity_share is not None:
            out.print(f"shares of total pay: bonus {found.bonus_share:.1%}, equity "
                      f"{found.equity_share:.1%} ({found.shares_basis})", markup=False)
        else:
            out.print(f"shares of total pay: n/a ({found.shares_basis})", markup=False)
    out.print(f"basis: {cell.basis}")
    for note in cell.notes:
        out.print(f"note: {note}", markup=False)
    for ev in cell.sources:
        out.print(f"  source {ev.source} ({ev.kind}): {ev.n} {ev.detail or ''}")


@command()
def trend(
    role: Annotated[str, typer.Option("--role", help="role id, name or job title, e.g. "
                                      "machine-learning-engineer")],
    level: Annotated[str | None, typer.Option("--level", help="entry, mid, senior, ... (default: "
                                              "the title's, else every level, each held fixed)")] = None,
    place: Annotated[str | None, typer.Option("--place", help="a place, or US for the nation "
                                              "(default: every place, each held fixed)")] = None,
    source: Annotated[str | None, typer.Option("--source", help="one source: aijobs, lca, "
                                               "postings, oews, ...")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Pay over time: a mix-adjusted index of annual base pay by year (role x level x place held
    fixed) with its interval, beside the raw median change, n per year and per source."""
    with open_engine(db) as pb:
        report = pb.trend(role, level, place, source=source)
    if as_json:
        emit_model(report)
        return
    print_trend(report)


def print_trend(report: TrendReport) -> None:
    """A trend report as text: one table per series, its notes, the published changes."""
    from rich.table import Table

    if report.level is None and report.place is None:
        what = "every level and place, each held fixed"
    elif report.place is None:
        what = f"{report.level}, every place (each held fixed)"
    elif report.level is None:
        what = f"every level (each held fixed), {report.place.label}"
    else:
        what = f"{report.level}, {report.place.label}"
    out.print(f"{report.role_name}, {what}: pay by year (nominal, not aged)", markup=False)
    if report.place is not None and report.place.note:
        out.print(f"place: {report.place.note}", markup=False)

    def pct(value: float | None) -> str:
        return "" if value is None else f"{value:+.1f}%"

    for s in report.series:
        out.print(f"\n{s.label}", markup=False)
        out.print(f"  index: {s.method}", markup=False)
        out.print(f"  interval: {s.interval}", markup=False)
        out.print(f"  raw: {s.raw_statistic}", markup=False)
        unit = "occupations" if s.id == "oews" else "n"
        table = Table("year", "index", f"{s.confidence:.0%} interval", "change", "its interval",
                      unit, "linked", "raw", "raw change", "sources")
        for y in s.years:
            index = "" if y.index is None else f"{y.index:.1f}"
            span = ("base" if y.status == "base" else "" if y.index_low is None or y.index_high is None
                    else f"{y.index_low:.1f}-{y.index_high:.1f}")
            change_span = ("" if y.index_change_low is None or y.index_change_high is None
                           else f"{y.index_change_low:+.1f}% to {y.index_change_high:+.1f}%")
            since = f" (since {y.change_since})" if y.change_since is not None and \
                y.change_since != y.year - 1 and y.raw_change_pct is not None else ""
            sources = ", ".join(f"{k} {v:,}" for k, v in y.by_source.items()) if s.id != "oews" \
                else ", ".join(y.by_source)
            table.add_row(str(y.year), index, span, pct(y.index_change_pct), change_span,
                          f"{y.n:,}", f"{y.n_linked:,}", usd(y.raw), pct(y.raw_change_pct) + since,
                          sources)
        out.print(table)
        for y in s.years:
            if y.note:
                out.print(f"  {y.year}: {y.note}", markup=False)
        for note in s.notes:
            out.print(f"  note: {note}", markup=False)
    for note in report.notes:
        out.print(f"note: {note}", markup=False)
    for fig in report.published:
        bound = f" ({fig.bound} end of a range)" if fig.bound else ""
        out.print(f"published: {fig.percent:+g}%{bound} a year, {fig.document} ({fig.date}), "
                  f"{fig.level or 'every level'}: \"{fig.quote}\"", markup=False)


@command()
def guide(
    out_dir: Annotated[Path, typer.Option("--out", help="directory for the guide files")] = Path("guide"),
    metros: Annotated[int, typer.Option("--metros", help="how many top tech metros")] = 25,
    year: Annotated[int | None, typer.Option("--year", help="the guide's edition year "
                                             "(effective date 1 January of it)")] = None,
    roles: Annotated[str | None, typer.Option(
        "--roles", help="areas and role ids, comma-separated, e.g. 'Data & AI,software-engineer'")] = None,
    formats: Annotated[str, typer.Option(
        "--format", help="comma-separated: html, pdf, csv, json")] = "html,pdf,csv,json",
    as_of: Annotated[str | None, typer.Option("--as-of", help="effective date YYYY-MM-DD")] = None,
    any_year: Annotated[bool, typer.Option(
        "--any-year", help="allow a --year outside the years the data covers")] = False,
    engine: EngineOption = "duckdb",
    spark_master: SparkMasterOption = "local[*]",
    parquet: ParquetOption = None,
    db: DbOption = None,
) -> None:
    """Write the salary guide (guide.html, guide.pdf, guide.csv, guide.json) and print the ML table."""
    if "pdf" in (f.strip().lower() for f in formats.split(",")):
        from paybench.guide.pdf import start_early

        start_early()  # WeasyPrint loads in the PDF's child while this process imports the rest
    from rich.table import Table

    chosen = cell_engine(engine, spark_master, parquet)
    with progress() as bars, open_engine(db, progress=bars, cell_engine=chosen) as pb:
        report = pb.guide(out_dir, metros=metros, year=year, as_of=as_of, roles=roles,
                          formats=formats.split(","), any_year=any_year)
    data = report.data
    table = Table("role", "level", "P25", "P50", "P75", "n", "method",
                  title=f"ML roles, United States ({data.year})")
    for row in data.ml_national():
        table.add_row(row.role_name, row.level, f"${row.p25:,}", f"${row.p50:,}",
                      f"${row.p75:,}", str(row.n), row.method)
    out.print(table)
    for path in report.paths:
        out.print(f"wrote {path}")
    out.print("time: " + ", ".join(f"{k} {v:.2f}s" for k, v in report.timings.items())
              + ("" if chosen is None else f" (cells on {chosen.label})"))
    out.print("cells: " + ("read from the cache beside the store" if data.cells_cached else
                           "computed" + ("" if chosen is not None else
                                         ", and kept beside the store for the next guide")))


@command()
def check(
    metros: Annotated[int, typer.Option("--metros", help="how many top tech metros to audit")] = 25,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Audit every cell the guide would print, its rankings, changes of pay over time and
    employer counts, and a fixed list of estimates against the invariants a reader checks;
    exit 1 on any violation."""
    with open_engine(db) as pb:
        report = pb.check(metros=metros)
    if as_json:
        emit_model(report)
    else:
        out.print(f"checked {report.cells:,} cells, {report.rankings} rankings, {report.indexes} "
                  f"changes over time, {report.employer_counts} employer counts and "
                  f"{report.estimates} estimates against {len(report.invariants)} invariants")
        counts = {name: 0 for name in report.invariants}
        for violation in report.violations:
            counts[violation.invariant] += 1
        for name, text in report.invariants.items():
            out.print(f"  {'ok' if not counts[name] else 'FAIL':>4}  {name}: {text}"
                      + (f" ({counts[name]} violations)" if counts[name] else ""))
        for violation in report.violations:
            out.print(f"  {violation.invariant}: {violation.cell}: {violation.detail}", markup=False)
        out.print(f"{len(report.violations)} violations")
    if report.violations:
        raise typer.Exit(1)


@command()
def export(
    out_dir: Annotated[Path, typer.Option("--out", help="folder for the Parquet files")],
    format: Annotated[str, typer.Option("--format", help="parquet")] = "parquet",
    cells: Annotated[bool, typer.Option("--cells/--no-cells",
                                        help="also write the guide's cells (cells.parquet)")] = True,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write the observations (observations.parquet, usable_observations.parquet) and the
    guide's cells (cells.parquet) as Parquet for any engine to read; docs/scaling.md has the
    schema. `paybench bench/guide --engine spark --parquet DIR` reads such a folder."""
    with open_engine(db) as pb:
        report = pb.export(out_dir, format=format, cells=cells)
    if as_json:
        emit_json({"out_dir": str(report.out_dir), "files": [str(p) for p in report.paths],
                   "rows": report.rows})
        return
    for path in report.paths:
        rows = report.rows.get(path.name)
        out.print(f"wrote {path}" + ("" if rows is None else f" ({rows:,} rows)"), markup=False)
