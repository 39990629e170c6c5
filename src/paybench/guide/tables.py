"""Guide tables: mid and senior ranges for every role, nationally and in the largest
tech metros, each row with n, method, confidence and sources."""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from paybench.bench import (
    DEFAULT_ANNUAL_GROWTH,
    DEFAULT_EFFECTIVE_DATE,
    BenchmarkModel,
    CellPlace,
    natural_level,
)
from paybench.errors import InputError
from paybench.normalize.roles import ML_ROLE_IDS, roles
from paybench.store import Store

GUIDE_LEVELS = ("mid", "senior")
TECH_SOC_GROUP = "15-0000"
"""Metros are ranked by OEWS employment in computer and mathematical occupations (the
finer group 15-1200 is published nationally only)."""


@dataclass
class GuideRow:
    """One cell of the guide (annual USD)."""

    role: str
    role_name: str
    area: str
    level: str
    scope: str
    place: str
    place_label: str
    p10: int
    p25: int
    p50: int
    p75: int
    p90: int
    n: int
    n_parent: int
    method: str
    confidence: str
    sources: str
    published: str
    place_differential: float | None


@dataclass
class GuideData:
    """Everything the guide shows, computed from one store."""

    effective_date: dt.date
    annual_growth: float
    generated_at: str
    metros: list[dict[str, Any]]
    rows: list[GuideRow] = field(default_factory=list)
    store_sources: list[dict[str, Any]] = field(default_factory=list)
    parameters: dict[str, Any] = field(default_factory=dict)

    def ml_national(self) -> list[GuideRow]:
        """The ML roles' national rows, in taxonomy order, mid before senior."""
        return [r for r in self.rows if r.scope == "national" and r.role in ML_ROLE_IDS]


def tech_metros(store: Store, count: int = 25) -> list[dict[str, Any]]:
    """The `count` metros with the most employment in computer and mathematical
    occupations (OEWS 15-0000), largest first."""
    if count < 0:
        raise InputError("--metros must be zero or more")
    frame = store.query(
        """
        SELECT cbsa, area_name, employment, location_quotient
        FROM oews
        WHERE area_type = 'M' AND cbsa IS NOT NULL AND industry_code = '000000'
          AND soc_code = ? AND employment IS NOT NULL
          AND release = (SELECT max(release) FROM oews)
        ORDER BY employment DESC LIMIT ?
        """,
        [TECH_SOC_GROUP, count],
    )
    return frame.to_dict("records")


def build_guide(
    store: Store, *, metros: int = 25, effective: dt.date = DEFAULT_EFFECTIVE_DATE,
    growth: float = DEFAULT_ANNUAL_GROWTH, levels: tuple[str, ...] = GUIDE_LEVELS,
) -> GuideData:
    """Compute every role's mid and senior cells nationally and in the top tech metros.

    Leadership roles (heads, directors, executives, people managers) are shown at their
    own level instead: a 'mid-level CTO' does not exist."""
    model = BenchmarkModel.load(store, effective, growth)
    top = tech_metros(store, metros)
    places = [CellPlace(scope="national", country="US", label="United States")]
    places += [
        CellPlace(scope="metro", country="US", metro=m["cbsa"], metro_name=m["area_name"],
                  label=m["area_name"])
        for m in top
    ]
    data = GuideData(
        effective_date=effective, annual_growth=growth,
        generated_at=dt.datetime.now().isoformat(timespec="seconds"), metros=top,
        store_sources=store.status().to_dict("records"),
        parameters={"shrinkage_k": model.shrinkage_k, "within_sd": model.within_sd,
                    "level_offsets": model.level_offsets,
                    "level_offsets_basis": model.level_offsets_basis,
                    "oews_release": model.oews_release},
    )
    for role in roles().values():
        natural = natural_level(role)
        for level in levels if natural == "mid" else (natural,):
            for place in places:
                cell = model.cell(role.id, level, place)
                data.rows.append(GuideRow(
                    role=role.id, role_name=role.name, area=role.area, level=level,
                    scope=place.scope, place=place.key, place_label=place.label,
                    p10=cell.p10, p25=cell.p25, p50=cell.p50, p75=cell.p75, p90=cell.p90,
                    n=cell.n, n_parent=cell.n_parent, method=cell.method,
                    confidence=cell.confidence,
                    sources="; ".join(
                        f"{e.source}:{e.kind}:{e.n}" + (f" ({e.detail})" if e.detail else "")
                        for e in cell.sources),
                    published=";".join(cell.published),
                    place_differential=cell.place_differential,
                ))
    return data


def write_guide(data: GuideData, out_dir: Path) -> list[Path]:
    """Write guide.csv (one row per cell) and guide.json (cells plus metadata)."""
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create {out_dir}: {exc.strerror}") from None
    csv_path, json_path = out_dir / "guide.csv", out_dir / "guide.json"
    names = list(GuideRow.__dataclass_fields__)
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=names)
        writer.writeheader()
        for row in data.rows:
            writer.writerow(asdict(row))
    payload = {
        "effective_date": data.effective_date.isoformat(),
        "annual_growth": data.annual_growth,
        "generated_at": data.generated_at,
        "currency": "USD", "unit": "annual base pay",
        "metros": data.metros,
        "parameters": data.parameters,
        "store_sources": data.store_sources,
        "cells": [asdict(r) for r in data.rows],
    }
    json_path.write_text(json.dumps(payload, indent=1, default=str), encoding="utf-8")
    return [csv_path, json_path]
