"""The guide's "Who pays" section: employer segments and the employers with the most
evidence, from H-1B filings (DOL LCA disclosure files name the employer and its NAICS
industry; the survey and OEWS name none).

Every figure comes from `paybench.insights.employers.employer_report` (what
`Paybench.employers(kind="filed")` and `paybench employers --kind filed` return): filings
are the usable base-pay observations of kind `filed`; an employer's segment is the employer
list's, else its filing's NAICS industry's, else unclassified (docs/method.md, "Employers and
segments"). Medians are of annual base pay as filed (the wage offered, not aged), printed
from `MIN_GROUP_N` filings; smaller groups show their count only. Money: annual US dollars.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from paybench import charts
from paybench.guide.figures import Block, Figure, Part, Section, empty, p, percent_share, table
from paybench.guide.sections import MIN_GROUP_N, Context
from paybench.guide.tables import EmployerShown
from paybench.insights.employers import EmployerReport, EmployerRow, employer_report
from paybench.normalize.segments import rules_version, segment_rules

FILED = ("filed",)
"""The kinds of observation the section counts: H-1B filings."""
TOP_EMPLOYERS = 15
"""The most filed employers listed (those with `MIN_GROUP_N` filings or more)."""
SEGMENT_NAMES = {"big-tech": "big tech", "ai-lab": "AI lab", "startup": "startup",
                 "enterprise": "enterprise", "government": "government", "consultancy": "consultancy",
                 "unclassified": "unclassified"}
"""How each segment id is named in the guide's tables (the section's lead says what each
covers: docs/method.md, "Employers and segments")."""
LCA_HINT = ("DOL's LCA disclosure files (paybench ingest LCA_Disclosure_Data_FY2024_Q4.xlsx, "
            "from dol.gov/agencies/eta/foreign-labor/performance)")
"""What to ingest for the section."""


def _reports(ctx: Context) -> tuple[EmployerReport, EmployerReport | None]:
    """(every role's filings, the ML roles' filings pooled; None without ML roles), computed
    once per report and remembered with the guide's cells (keyed by the segment rules and
    this computation's code)."""
    found = ctx.memo.get("who-pays")
    if found is None:
        ml = tuple(ctx.data.ml_roles())
        from paybench.insights import employers as module

        assert module.__file__ is not None
        digest = hashlib.sha256(Path(module.__file__).read_bytes())
        digest.update(Path(__file__).read_bytes())
        code = digest.hexdigest()[:16]

        def compute() -> tuple[EmployerReport, EmployerReport | None]:
            every = employer_report(ctx.store, kinds=FILED, params=ctx.params)
            pooled = (employer_report(ctx.store, roles=ml, kinds=FILED, params=ctx.params)
                      if ml and every.n_with_employer else None)
            return every, pooled

        found = ctx.memo["who-pays"] = ctx.data.computed(("who-pays", ml, rules_version(), code),
                                                         compute)
    assert isinstance(found, tuple)
    return found


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _by_source(rows: list[EmployerRow]) -> dict[str, int]:
    out: dict[str, int] = {}
    for row in rows:
        for source, n in row.n_by_source.items():
            out[source] = out.get(source, 0) + n
    return dict(sorted(out.items()))


def _sources_text(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v:,}" for k, v in counts.items())


def segment_table(ctx: Context, report: EmployerReport, stem: str,
                  whose: str) -> tuple[Block, list[dict[str, object]]]:
    """The table of a report's segments (employers, filings, share, median from
    `MIN_GROUP_N` filings, sources), and the chart rows of the segments with a median."""
    rows: list[list[Part | list[Part]]] = []
    chart_rows: list[dict[str, object]] = []
    pooled = tuple(report.roles) if report.roles is not None else None
    for seg in report.segments:
        members = [e for e in report.employers if e.segment == seg.segment]
        counts = _by_source(members)
        srcs = (f"paybench employers --kind filed{' (' + whose + ')' if whose else ''}: "
                f"{seg.n:,} filings of {seg.employers:,} employers; by source: "
                f"{_sources_text(counts)}")
        name = SEGMENT_NAMES.get(seg.segment, seg.segment)
        n = ctx.book.add(f"{stem}-{seg.segment}-n", seg.n, "count",
                         f"H-1B filings naming a {name} employer{', ' + whose if whose else ''}", srcs)
        share = ctx.book.add(f"{stem}-{seg.segment}-share",
                             percent_share(seg.n, report.n_with_employer), "share",
                             f"share of the filings naming an employer{', ' + whose if whose else ''}: "
                             f"{name}", srcs, exact=True)  # to a tenth
        median: Part | list[Part]
        if seg.median_base_usd is not None and seg.n >= MIN_GROUP_N:
            median = ctx.book.add(f"{stem}-{seg.segment}-median", seg.median_base_usd, "usd",
                                  f"median base pay filed, {name} employers"
                                  f"{', ' + whose if whose else ''} (not aged)", srcs)
            chart_rows.append({"label": name, "median": seg.median_base_usd})
        else:
            median = f"fewer than {MIN_GROUP_N}"
        rows.append([name, f"{seg.employers:,}", n, share, median, _sources_text(counts)])
        ctx.data.employer_counts.append(EmployerShown(None, seg.segment, None, pooled,
                                                      tuple(report.kinds or ()), seg.n))
    return table(["segment", "employers", "filings", "share", "median base", "sources"], rows,
                 numeric=[1, 2, 3, 4]), chart_rows


def _basis(row: EmployerRow) -> str:
    if row.basis == "list entry":
        return f"list: {row.basis_source}"
    if row.basis == "NAICS sector":
        return row.basis_source
    return "unclassified"


def _employer_table(ctx: Context, report: EmployerReport) -> list[Block]:
    top = [e for e in report.employers if e.n >= MIN_GROUP_N][:TOP_EMPLOYERS]
    if not top:
        most = report.employers[0] if report.employers else None
        return [empty(f"No employer has {MIN_GROUP_N} filings or more"
                      + (f" (the most: {most.employer}, {most.n:,})." if most else ".")
                      + f" Add more filings: {LCA_HINT}.")]
    rows: list[list[Part | list[Part]]] = []
    cited: list[str] = []
    for row in top:
        stem = f"who-pays-employer-{_slug(row.employer)}-{row.segment}" + (
            f"-{_slug(row.sector)}" if row.sector else "")
        srcs = (f"paybench employers --kind filed: {row.employer}, {row.n:,} filings; by source: "
                f"{_sources_text(row.n_by_source)}; segment {row.segment} by {row.basis} "
                f"({row.basis_source})")
        n = ctx.book.add(f"{stem}-n", row.n, "count", f"H-1B filings of {row.employer}", srcs)
        median: Part = (ctx.book.add(f"{stem}-median", row.median_base_usd, "usd",
                                     f"median base pay filed by {row.employer} (not aged)", srcs)
                        if row.median_base_usd is not None else "–")
        segment = SEGMENT_NAMES.get(row.segment, row.segment) + (f" ({row.sector})" if row.sector else "")
        rows.append([row.employer, segment, _basis(row), n, median, _sources_text(row.n_by_source)])
        ctx.data.employer_counts.append(EmployerShown(row.employer, row.segment, row.sector, None,
                                                      tuple(report.kinds or ()), row.n))
        if row.basis == "list entry":
            cited += [s.strip() for s in row.basis_source.split(",")]
    described = segment_rules().sources
    notes = [_citation(sid, described[sid]) for sid in dict.fromkeys(cited) if sid in described]
    return [table(["employer", "segment", "basis", "filings", "median base", "sources"], rows,
                  numeric=[3, 4],
                  note=f"The employers with the most filings, {MIN_GROUP_N} or more each (at "
                       f"most {TOP_EMPLOYERS}); paybench employers --kind filed lists them all. "
                       "Basis: the employer list's entry and its sources, else the filing's "
                       "NAICS group." + (" The list's sources: " + "; ".join(notes) + "."
                                         if notes else ""))]


def _citation(source_id: str, source: dict[str, str]) -> str:
    """One source of the employer list, short: 'mag7: Investopedia, 2025'."""
    return f"{source_id}: {source.get('publisher', '')}, {source.get('published', '')}"


def who_pays(ctx: Context) -> Section:
    """Segments and the employers with the most filings, and the ML roles by segment."""
    sec = Section("who-pays", "Who pays",
                  "Employers by segment, from H-1B filings (each names its employer and "
                  "industry): big tech and hyperscalers, AI labs, high-growth startups, "
                  "enterprises by NAICS sector, government and defense contractors, "
                  "consultancies and outsourcers; unclassified where neither the employer list "
                  "nor the filing's industry decides. Base pay as filed, not aged.")
    every, ml = _reports(ctx)
    if every.n_with_employer == 0:
        sec.blocks.append(empty("No H-1B filings in the store, so no employer and no segment: "
                                f"who pays needs {LCA_HINT}. The salary survey and OEWS name no "
                                "employer."))
        return sec
    files = ctx.store.query(
        "SELECT string_agg(DISTINCT path, '; ' ORDER BY path) AS paths FROM ingests "
        "WHERE source IN (SELECT DISTINCT source FROM observations WHERE kind = 'filed')")
    paths = str(files["paths"].iloc[0]) if not files.empty else ""
    total: Figure = ctx.book.add("who-pays-filings-n", every.n_with_employer, "count",
                                 "H-1B filings naming an employer (usable base pay)",
                                 f"paybench employers --kind filed; files: {paths}")
    employers = len({e.employer for e in every.employers})
    in_segments = sum(seg.employers for seg in every.segments)
    twice = (f" An employer whose filings name industries of different segments counts in each: "
             f"the employer counts of the segments sum to {in_segments:,}."
             if in_segments != employers else "")
    sec.blocks.append(p(total, f" H-1B filings name {employers:,} employers (files: {paths}). "
                               "Segment: the employer list first (each entry with its sources), "
                               "else the filing's NAICS industry, else unclassified, never "
                               f"guessed.{twice} Medians are printed from {MIN_GROUP_N} filings or "
                               "more."))
    sec.blocks.append(Block("h3", text="Pay by segment, every role filed"))
    block, chart_rows = segment_table(ctx, every, "who-pays-segment", "")
    sec.blocks.append(block)
    if len(chart_rows) >= 2:
        sec.blocks.append(ctx.chart("who-pays-segments", charts.value_chart(
            chart_rows, "median", axis_title="median base pay filed (annual USD, not aged)",
            title=f"Median base pay by employer segment, H-1B filings ({MIN_GROUP_N}+ per segment)")))
    sec.blocks.append(Block("h3", text="The employers with the most filings"))
    sec.blocks.extend(_employer_table(ctx, every))
    sec.blocks.append(Block("h3", text="ML roles by segment"))
    if ml is None or ml.n_with_employer == 0:
        sec.blocks.append(empty("No H-1B filings for the ML roles in this store: pay by segment "
                                f"for them needs more filings ({LCA_HINT})."))
        return sec
    ml_total = ctx.book.add("who-pays-ml-filings-n", ml.n_with_employer, "count",
                            "H-1B filings of the ML roles naming an employer",
                            "paybench employers --kind filed, the ML roles pooled: "
                            + ", ".join(ml.roles or []))
    block, _ = segment_table(ctx, ml, "who-pays-ml-segment", "ML roles")
    most = ", ".join(f"{e.employer} ({e.n:,}, {SEGMENT_NAMES.get(e.segment, e.segment)})"
                     for e in ml.employers[:6])
    sec.blocks.append(p("Filings of the ML roles (", ml_total, " name an employer; the roles "
                        "pooled, so a segment's median also reflects its mix of roles): the "
                        f"most filed by {most}."))
    sec.blocks.append(block)
    return sec


__all__ = ["FILED", "SEGMENT_NAMES", "segment_table", "who_pays"]
