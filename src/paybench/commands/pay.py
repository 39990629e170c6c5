"""`paybench pay TEXT`: the pay range in a job posting's text."""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Annotated, Any

import typer

from paybench.errors import InputError
from paybench.records import Period

_PERIODS = ("hour", "day", "week", "biweek", "month", "year")


def pay(
    text: Annotated[str, typer.Argument(help="posting text, e.g. '$150,000 - $200,000 a year'")],
    on: Annotated[str | None, typer.Option("--on", help="date for the exchange rate, YYYY-MM-DD "
                                                       "(default today)")] = None,
    currency: Annotated[str, typer.Option("--currency", help="currency of figures written "
                                                            "without one")] = "USD",
    period: Annotated[str | None, typer.Option("--period", help="period of figures written without "
                                                               "one: hour, day, week, biweek, month, "
                                                               "year")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Extract the pay range from posting text. Amounts as written; annual_usd in US dollars per year.

    Prints the figure, or "pay: none" with the reason (exit 0 in both cases)."""
    from paybench.errors import MoneyError
    from paybench.normalize.money import currency_code
    from paybench.normalize.pay_text import ExtractedPay, extract_pay

    if not text.strip():
        raise InputError("empty text: give the posting text to read")
    day: dt.date | None = None
    if on is not None:
        try:
            day = dt.date.fromisoformat(on)
        except ValueError:
            raise InputError(f"--on must be a date YYYY-MM-DD, got {on!r}") from None
    if period is not None and period not in _PERIODS:
        raise InputError(f"--period must be one of {', '.join(_PERIODS)}, got {period!r}")
    try:
        currency_code(currency)
    except MoneyError as exc:
        raise InputError(f"--currency: {exc}") from None
    per: Period | None = period  # type: ignore[assignment]
    result = extract_pay(text, on=day, default_currency=currency, default_period=per)
    data: dict[str, Any]
    if isinstance(result, ExtractedPay):
        data = result.model_dump(exclude={"span"})
        data["span"] = list(result.span)
    else:
        data = {"pay": None, "reason": result.reason}
    if as_json:
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return
    if not isinstance(result, ExtractedPay):
        sys.stdout.write(f"pay: none ({result.reason})\n")
        return
    amount = f"{result.min:,.2f}".removesuffix(".00")
    if result.max is not None and result.bound == "range":
        amount += " - " + f"{result.max:,.2f}".removesuffix(".00")
    prefix = {"up_to": "up to ", "from": "from "}.get(result.bound, "")
    usd = f"${result.annual_usd_min:,.0f}"
    if result.annual_usd_max is not None and result.annual_usd_max != result.annual_usd_min:
        usd += f" - ${result.annual_usd_max:,.0f}"
    sys.stdout.write(
        f"{prefix}{amount} {result.currency} per {result.period} ({result.component}, {result.bound})\n"
        f"annual USD: {usd} (point ${result.annual_usd:,.0f})\n"
        f"matched: {result.matched!r} at {result.span[0]}-{result.span[1]}\n"
    )


def register(app: typer.Typer) -> None:
    """Add `paybench pay`."""
    app.command("pay")(pay)
