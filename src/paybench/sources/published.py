"""Published guide figures as stored statistics: the adapter of the figure book
(`paybench.reference.published`).

`to_statistics()` turns the pay figures into `paybench.records.Statistic` in annual US
dollars (hourly x 2,080, monthly x 12, other currencies at the ECB rate of the document's
date). Percentages (raises, bonus shares, growth) stay out of the statistics: they are not
pay levels.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from paybench.errors import InputError
from paybench.records import Provenance, SourceInfo, Statistic
from paybench.reference.published import STAT_NAMES, PublishedFigure, annual_amount, load_figures

SOURCE = SourceInfo(
    id="published",
    description="Figures published in the five seed salary guides (quoted with citations)",
    licence="quoted for comparison; each figure's copyright stays with its publisher",
    attribution="each figure cites its article, publisher, date and the quoted words",
)
SOURCE_ID = SOURCE.id


def usd_per_unit(currency: str, on: dt.date) -> float:
    """US dollars per one unit of `currency` at the ECB rate of `on`
    (`paybench.normalize.money.usd_per_unit`); 1.0 for USD."""
    from paybench.errors import MoneyError
    from paybench.normalize.money import usd_per_unit as rate

    try:
        return rate(currency, on)
    except MoneyError as error:
        raise InputError(f"published figures: cannot convert {currency} to USD ({error})") from None


def _statistic_note(figure: PublishedFigure, usd_rate: float) -> str:
    parts = [f"figure {figure.id}", f"component {figure.component}"]
    if figure.qualifier:
        parts.append(f"qualifier {figure.qualifier}")
    if figure.employment:
        parts.append(f"employment {figure.employment}")
    if figure.attributed_to:
        parts.append(f"attributed to {figure.attributed_to}")
    if figure.reference_year:
        parts.append(f"reference year {figure.reference_year}")
    if figure.experience_years is not None:
        top = figure.experience_years_max
        years = f"{figure.experience_years:g}" + (f"-{top:g}" if top is not None else "+")
        parts.append(f"experience {years} years")
    if figure.currency != "USD":
        parts.append(f"converted from {figure.currency} at {usd_rate:.4f} USD")
    if figure.note:
        parts.append(figure.note)
    return "; ".join(parts)


def to_statistic(figure: PublishedFigure) -> Statistic:
    """One pay figure as a Statistic in annual US dollars.

    The amount is annualized (hour x 2,080, month x 12) and converted to USD at the ECB
    rate of the document's date; `amount_raw` and `period` keep the figure as printed.
    Raises InputError for a percentage figure.
    """
    if not figure.is_pay or figure.currency is None or figure.period is None:
        raise InputError(f"published figure {figure.id}: {figure.statistic} is not a pay figure")
    rate = usd_per_unit(figure.currency, figure.document.date)
    stat = STAT_NAMES[figure.statistic]
    return Statistic(
        provenance=Provenance(source=SOURCE_ID, citation=figure.citation),
        kind="published",
        published_on=figure.document.date,
        role=figure.role,
        level=figure.level,
        country=figure.place.country,
        state=figure.place.state,
        metro=figure.place.metro,
        work_mode=figure.place.work_mode,
        stat=stat,
        annual_usd=round(annual_amount(figure.amount, figure.period) * rate, 2),
        period=figure.period,
        amount_raw=figure.amount,
        note=_statistic_note(figure, rate),
        component=figure.component or "base",
        employment_type=figure.employment,
        qualifier=figure.qualifier,
        figure_id=figure.id,
        group_key=figure.group,
    )


def to_statistics(figures: Iterable[PublishedFigure] | None = None) -> list[Statistic]:
    """The pay figures among `figures` (default: all published figures) as Statistics in
    annual US dollars: hourly rates x 2,080, monthly x 12, other currencies at the ECB
    rate of the document's date. Percentages and non-pay figures are left out."""
    chosen = load_figures() if figures is None else figures
    return [to_statistic(figure) for figure in chosen if figure.is_pay]
