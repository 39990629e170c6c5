"""`paybench title`, `paybench place` and `paybench pay`: what paybench reads in a title, a
place and a posting's pay text (no store needed)."""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from paybench.cli.common import JsonOption, command, emit_json, out
from paybench.errors import InputError
from paybench.paths import user_file


@command()
def title(
    text: Annotated[str | None, typer.Argument(help="a job title")] = None,
    file: Annotated[Path | None, typer.Option("--file", help="one title per line; CSV to stdout "
                                                         "(a JSON list with --json)")] = None,
    as_json: JsonOption = False,
) -> None:
    """Normalize a job title to a role and a level.

    With ``--file``, one row per non-blank line: title, role, level, confidence and reason (why
    a title got no role, as the one-title command prints it: "language not covered: Japanese",
    "no words in the title: only digits or symbols", "no tech role matches ..."; empty when a
    role was found), as CSV, or with ``--json`` a list of objects with the same keys (reason
    null when a role was found)."""
    from paybench.engine import Paybench

    if file is not None:
        user_file(file, "file")
        try:
            lines = file.read_text(encoding="utf-8-sig").splitlines()
        except UnicodeDecodeError as exc:
            raise InputError(f"{file.name}: not UTF-8 text (byte {exc.start})", field="file") from None
        matches = [Paybench.title(line.strip()) for line in lines if line.strip()]
        if as_json:
            emit_json([{"title": m.title, "role": m.role, "level": m.level,
                        "confidence": round(m.confidence, 2), "reason": m.reason} for m in matches])
            return
        writer = csv.writer(sys.stdout)
        writer.writerow(["title", "role", "level", "confidence", "reason"])
        for m in matches:
            writer.writerow([m.title, m.role or "", m.level or "", f"{m.confidence:.2f}", m.reason or ""])
        return
    if text is None:
        raise InputError("give a title, or --file F", field="text")
    match = Paybench.title(text)
    if as_json:
        data = match.model_dump()
        if data.get("reason") is None:
            data.pop("reason", None)
        emit_json(data)
    else:
        out.print(f"{match.title} -> role={match.role} level={match.level} "
                  f"confidence={match.confidence:.2f}" + (f" ({match.reason})" if match.reason else ""),
                  markup=False)


@command()
def place(text: Annotated[str, typer.Argument(help="a place: city, ZIP, metro, remote...")],
          as_json: JsonOption = False) -> None:
    """Normalize a place to country, state, metro (CBSA) and work mode."""
    from paybench.engine import Paybench

    found = Paybench.place(text)
    reading = {"metro_label": found.metro_label, "note": found.note, "confidence": found.confidence,
               "candidates": list(found.candidates), "alternatives": list(found.alternatives)}
    if as_json:
        emit_json({**found.as_dict(), **reading})
    else:
        fields = found.as_dict()
        if fields["metro_name"] is None and found.metro_label:  # say what no metro name means
            fields["metro_name"] = found.metro_label
        out.print(", ".join(f"{k}={v}" for k, v in fields.items()), markup=False)
        if found.note:
            out.print(f"read: {found.note} (confidence {found.confidence:.1f})", markup=False)
        if found.note and len(found.candidates) > 1:  # a guess among places of one name
            out.print("candidates: " + "; ".join(found.candidates), markup=False)
        if found.alternatives:
            out.print("also: " + "; ".join(found.alternatives), markup=False)


@command()
def pay(
    text: Annotated[str, typer.Argument(help="posting text, e.g. '$150,000 - $200,000 a year'")],
    on: Annotated[str | None, typer.Option("--on", help="date for the exchange rate, YYYY-MM-DD "
                                                       "(default today)")] = None,
    currency: Annotated[str, typer.Option("--currency", help="currency of figures written "
                                                            "without one")] = "USD",
    period: Annotated[str | None, typer.Option("--period", help="period of figures written without "
                                                               "one: hour, day, week, biweek, month, "
                                                               "year")] = None,
    as_json: JsonOption = False,
) -> None:
    """Extract the pay range from posting text. Amounts as written; annual_usd in US dollars per year.

    Prints the figure, or "pay: none" with the reason (exit 0 in both cases). A currency without
    an ECB rate (PKR, NGN ...) keeps its amounts; its annual USD is printed as unknown, with why."""
    from paybench.engine import Paybench
    from paybench.normalize.pay_text import ExtractedPay

    result = Paybench.pay(text, on=on, currency=currency, period=period)
    data: dict[str, Any]
    if isinstance(result, ExtractedPay):
        data = result.model_dump(exclude={"span"})
        data["span"] = list(result.span)
    else:
        data = {"pay": None, "reason": result.reason}
    if as_json:
        emit_json(data)
        return
    if not isinstance(result, ExtractedPay):
        sys.stdout.write(f"pay: none ({result.reason})\n")
        return
    def money(value: float) -> str:
        return f"{value:,.2f}".removesuffix(".00")

    low, high = result.min, result.max
    if result.bound == "range" and low is not None and high is not None:
        amount = f"{money(low)} - {money(high)}"
    elif result.bound == "up_to" and high is not None:
        amount = f"up to {money(high)}"
    elif result.bound == "from" and low is not None:
        amount = f"from {money(low)}"
    else:
        amount = money(low if low is not None else high or 0.0)
    if result.annual_usd is None:
        usd = result.annual_usd_note or "unknown"
    else:
        ends = [v for v in (result.annual_usd_min, result.annual_usd_max) if v is not None]
        usd = " - ".join(f"${v:,.0f}" for v in dict.fromkeys(ends))
        usd = {"up_to": "up to ", "from": "from "}.get(result.bound, "") + usd
        usd += f" (point ${result.annual_usd:,.0f})"
    sys.stdout.write(
        f"{amount} {result.currency} per {result.period} ({result.component}, {result.bound})\n"
        f"annual USD: {usd}\n"
        f"matched: {result.matched!r} at {result.span[0]}-{result.span[1]}\n"
    )

