"""`paybench skills --role ROLE [--place PLACE]`: skills asked for in a role's postings and
the posted-pay premium of each."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer


def skills(
    role: Annotated[str, typer.Option("--role", help="role id, e.g. machine-learning-engineer")],
    place: Annotated[str | None, typer.Option("--place", help="metro, state, country or 'Remote'")] = None,
    min_n: Annotated[int, typer.Option("--min-n", help="fewest postings with pay on each side "
                                                       "to show a premium")] = 20,
    top: Annotated[int, typer.Option("--top", help="show the N most frequent skills (0: all)")] = 0,
    db: Annotated[Path | None, typer.Option("--db", help="DuckDB store (default: PAYBENCH_DB "
                                                          "or the data dir)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Skills in a role's job postings: how often each is asked for, and the median posted
    pay (annual USD) of postings asking for it vs not, with a bootstrap 90% interval."""
    from rich.console import Console
    from rich.table import Table

    from paybench.errors import InputError
    from paybench.insights.skills import skill_premiums
    from paybench.store import Store

    if min_n < 1:
        raise InputError("--min-n must be at least 1")
    if db is not None and not db.exists():
        raise InputError(f"no such store: {db}")
    with Store(db) as store:
        report = skill_premiums(store, role, place, min_n=min_n)
    if top > 0:
        report.skills = report.skills[:top]
    if as_json:
        sys.stdout.write(json.dumps(report.as_dict(), indent=2) + "\n")
        return
    out = Console(width=None if sys.stdout.isatty() else 160, soft_wrap=True)
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


def register(app: typer.Typer) -> None:
    """Add `paybench skills`."""
    app.command("skills")(skills)
