"""`paybench skills --role ROLE [--place PLACE]`: skills asked for in a role's postings and
the posted-pay premium of each. `paybench employers [--segment S] [--role R]`: who pays, by
employer segment."""

from __future__ import annotations

from typing import Annotated

import typer

from paybench.cli.common import DbOption, JsonOption, command, emit_json, emit_model, engine, out, usd


@command()
def skills(
    role: Annotated[str, typer.Option("--role", help="role id, name or job title")],
    place: Annotated[str | None, typer.Option("--place", help="metro, state, country or 'Remote'")] = None,
    min_n: Annotated[int, typer.Option("--min-n", help="fewest postings with pay on each side "
                                                       "to show a premium")] = 20,
    top: Annotated[int, typer.Option("--top", help="show the N most frequent skills (0: all)")] = 0,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Skills in a role's job postings: how often each is asked for, and the median posted
    pay (annual USD) of postings asking for it vs not, with a bootstrap 90% interval."""
    from rich.table import Table

    with engine(db) as pb:
        report = pb.skills(role, place, min_n=min_n)
    if top > 0:
        report.skills = report.skills[:top]
    if as_json:
        emit_json(report.as_dict())
        return
    where = f" in {report.place}" if report.place else ""
    out.print(f"{report.role_name}{where}: {report.postings:,} postings, "
              f"{report.postings_with_pay:,} with posted pay")
    table = Table("skill", "category", "postings", "share", "median with", "median without",
                  "premium", "90% interval", "n with/without")

    def money(value: float | None) -> str:
        return f"${value:,.0f}" if value is not None else ""

    for s in report.skills:
        premium = f"{s.premium_pct:+.1f}%" if s.premium_pct is not None else (s.note or "")
        ci = (f"{s.premium_ci90[0]:+.1f}% to {s.premium_ci90[1]:+.1f}%"
              if s.premium_ci90 is not None else "")
        table.add_row(s.name, s.category, f"{s.count:,}", f"{s.share:.0%}", money(s.median_with),
                      money(s.median_without), premium, ci, f"{s.n_with}/{s.n_without}")
    out.print(table)
    out.print(f"[dim]{report.basis}[/dim]")


@command()
def employers(
    segment: Annotated[str | None, typer.Option(
        "--segment", help="big-tech, ai-lab, startup, enterprise, government, consultancy or "
                          "unclassified")] = None,
    role: Annotated[str | None, typer.Option("--role", help="role id, name or job title")] = None,
    kind: Annotated[str | None, typer.Option(
        "--kind", help="one kind of observation: filed (H-1B filings), paid, posted, submitted")] = None,
    limit: Annotated[int, typer.Option("--limit", help="list the N most observed employers (0: all)")] = 30,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Employers in the store with their segment, the basis of the segment (list entry, NAICS
    sector or unclassified), usable base-pay observations by source and the median base pay
    (annual USD); a summary by segment first."""
    from rich.table import Table

    with engine(db) as pb:
        report = pb.employers(segment=segment, role=role, kind=kind, limit=limit or None)
    if as_json:
        emit_model(report)
        return
    scope = " ".join(p for p in (f"role {report.role}" if report.role else "",
                                 f"kind {', '.join(report.kinds)}" if report.kinds else "",
                                 f"segment {report.segment}" if report.segment else "") if p)
    if report.segment and not report.employers:
        within = scope.removesuffix(f"segment {report.segment}").strip()
        out.print(f"no usable observations from {report.segment} employers in the store"
                  f"{' (' + within + ')' if within else ''}: no employer of the segment's list and "
                  f"no row whose industry decides it (`paybench employers` lists every segment)")
        out.print(f"[dim]{report.basis}[/dim]")
        return
    out.print(f"{report.n_with_employer:,} observations naming an employer"
              f"{' (' + scope + ')' if scope else ''}; {report.n_without_employer:,} name none")
    summary = Table("segment", "employers", "observations", "share", "median base")
    for s in report.segments:
        summary.add_row(s.segment, f"{s.employers:,}", f"{s.n:,}", f"{s.share:.1%}", usd(s.median_base_usd))
    out.print(summary)
    table = Table("employer", "segment", "basis", "observations", "by source", "median base")
    for e in report.employers:
        segment_text = f"{e.segment} ({e.sector})" if e.sector else e.segment
        sources = ", ".join(f"{k} {v:,}" for k, v in e.n_by_source.items())
        table.add_row(e.employer, segment_text, f"{e.basis}: {e.basis_source}", f"{e.n:,}", sources,
                      usd(e.median_base_usd))
    out.print(table)
    if not report.stored_segments_current:
        out.print("[dim]the store's stored segments predate these rules: the listing is derived from "
                  "the rules; open the store writable (any ingest) to refill them[/dim]")
    out.print(f"[dim]{report.basis}[/dim]")
