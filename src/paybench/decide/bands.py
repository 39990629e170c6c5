"""Pay bands for a role ladder in one place, from the market cells.

For each level the midpoint is the market cell's value at the chosen percentile
(interpolated in log pay, see `paybench.decide.market`). The band around it uses the
standard compensation definition of range spread, spread = (max - min) / min, with the
midpoint halfway between min and max:

    min = 2 x mid / (2 + spread)      max = min x (1 + spread)

(mid 200,000 and spread 40%: min = 400,000 / 2.4 = 166,667, max = 233,333).

No band may invert: along a ladder (individual contributors entry -> principal; the
management ladder manager -> director separately) each midpoint must exceed the one below
by at least `min_progression_pct`. Where the market cells do not (thin or modelled cells),
the higher midpoint is raised to the lower one x (1 + min progression) and the adjustment
is reported. Overlap of adjacent bands is reported as the share of the lower band's width
(max - min) that the upper band also covers. Money: annual US dollars.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from paybench.decide.market import Market, cell_summary, check_percentile, value_at_percentile
from paybench.errors import InputError
from paybench.normalize.levels import IC_LEVELS
from paybench.resolve import resolve_level, resolve_place, resolve_role

MANAGEMENT_LEVELS: tuple[str, ...] = ("manager", "director")
DEFAULT_MIN_PROGRESSION_PCT = 5.0


def band_limits(midpoint: float, spread_pct: float) -> tuple[float, float]:
    """(min, max) of a band with this midpoint and range spread (percent, (max-min)/min)."""
    if not midpoint > 0:
        raise InputError(f"band midpoint must be positive, got {midpoint:g}")
    check_spread(spread_pct)
    spread = spread_pct / 100
    low = 2 * midpoint / (2 + spread)
    return low, low * (1 + spread)


def check_spread(spread_pct: float) -> float:
    """A range spread in percent, 0 < spread <= 300."""
    if not 0 < spread_pct <= 300:
        raise InputError(f"range spread {spread_pct:g}% must be above 0 and at most 300 (40 = 40%)",
                         field="spread")
    return spread_pct


class Band(BaseModel):
    """One level's band, annual USD."""

    level: str
    ladder: str = Field(description="individual or management")
    market_value: float = Field(description="the cell's value at the chosen percentile")
    minimum: float
    midpoint: float
    maximum: float
    adjusted: bool = Field(description="midpoint raised to keep the ladder from inverting")
    cell_p50: float
    cell_n: int
    cell_method: str
    cell_confidence: str
    provenance: str


class BandOverlap(BaseModel):
    """Overlap of two adjacent bands on one ladder."""

    lower: str
    upper: str
    overlap: float = Field(description="USD the two bands share (0 if none)")
    share_of_lower: float = Field(description="overlap / (lower max - lower min), 0-1")


class BandTable(BaseModel):
    """Bands for a role ladder in one place."""

    role: str
    role_name: str
    place: str
    percentile: float
    spread_pct: float
    min_progression_pct: float
    bands: list[Band]
    overlaps: list[BandOverlap]
    adjustments: list[str]
    formula: str = ("min = 2 x mid / (2 + spread), max = min x (1 + spread), spread = (max - min) / min; "
                    "mid = market value at the percentile")


def build_bands(
    market: Market, role: str, place: str, *, percentile: float = 50, spread_pct: float = 40,
    levels: list[str] | None = None, include_management: bool = False,
    min_progression_pct: float = DEFAULT_MIN_PROGRESSION_PCT,
) -> BandTable:
    """Bands for `role` (id, name or title) in `place` (`Paybench.bands` calls it)."""
    role = resolve_role(role).role.id
    resolve_place(place)
    check_spread(spread_pct)
    check_percentile(percentile)
    if not 0 <= min_progression_pct <= 100:
        raise InputError(f"minimum progression {min_progression_pct:g}% must be between 0 and 100",
                         field="min_progression")
    chosen: list[str]
    if levels:
        chosen = [resolve_level(lv, f"levels.{i}") for i, lv in enumerate(levels)]
        if len(set(chosen)) != len(chosen):
            raise InputError("a level is listed twice", field="levels")
    else:
        chosen = list(IC_LEVELS) + (list(MANAGEMENT_LEVELS) if include_management else [])
    ladders: dict[str, list[str]] = {
        "individual": [lv for lv in IC_LEVELS if lv in chosen],
        "management": [lv for lv in (*MANAGEMENT_LEVELS, "executive") if lv in chosen],
    }
    bands: list[Band] = []
    overlaps: list[BandOverlap] = []
    adjustments: list[str] = []
    role_name = place_label = ""
    for ladder, ladder_levels in ladders.items():
        previous: Band | None = None
        for level in ladder_levels:
            cell = market.cell(role, level, place)
            role_name, place_label = cell.role_name, cell.place.label
            value = value_at_percentile(cell, percentile)
            mid, adjusted = value, False
            if previous is not None:
                floor = previous.midpoint * (1 + min_progression_pct / 100)
                if mid < floor:
                    adjustments.append(
                        f"{level}: market P{percentile:g} ${value:,.0f} is not at least "
                        f"{min_progression_pct:g}% above {previous.level} (${previous.midpoint:,.0f}); "
                        f"midpoint raised to ${floor:,.0f}")
                    mid, adjusted = floor, True
            low, high = band_limits(mid, spread_pct)
            band = Band(level=level, ladder=ladder, market_value=round(value), minimum=round(low),
                        midpoint=round(mid), maximum=round(high), adjusted=adjusted,
                        cell_p50=cell.p50, cell_n=cell.n, cell_method=cell.method,
                        cell_confidence=cell.confidence, provenance=cell_summary(cell))
            if previous is not None:
                shared = max(0.0, previous.maximum - band.minimum)
                width = previous.maximum - previous.minimum
                overlaps.append(BandOverlap(lower=previous.level, upper=level, overlap=shared,
                                            share_of_lower=min(1.0, shared / width) if width else 0.0))
            bands.append(band)
            previous = band
    return BandTable(role=role, role_name=role_name, place=place_label, percentile=percentile,
                     spread_pct=spread_pct, min_progression_pct=min_progression_pct, bands=bands,
                     overlaps=overlaps, adjustments=adjustments)
