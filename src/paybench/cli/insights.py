"""`paybench skills --role ROLE [--place PLACE]`: skills asked for in a role's postings and
the posted-pay premium of each."""

from __future__ import annotations

from typing import Annotated

import typer

from paybench.cli.common import DbOption, JsonOption, command, emit_json, engine, out


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
