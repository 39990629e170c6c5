"""The one chart-definition module: every chart paybench draws, for the guide report and
the web page alike.

Each function is pure: data in, an Altair chart out; nothing is read from a store. Render
a chart with `to_svg` (offline, through vl-convert: no browser, no network) or get its
Vega-Lite spec with `to_spec`. Pay figures are annual US dollars unless a field name says
otherwise; axes print them as "$148k".

Inputs are sequences of *cells*: mappings (or dataclasses / pydantic models, converted
with their fields) that carry at least

- ``label``: what the row is called on the chart (a role, a metro, a level...);
- ``p10``, ``p25``, ``p50``, ``p75``, ``p90``: annual USD percentiles (P10/P90 optional);

and, for some charts, ``differential`` (place pay / national pay - 1) or ``level``.
A `paybench.guide.GuideRow` or `paybench.bench.BenchmarkCell` works as is when the caller
names which field is the label (``label="role_name"`` / ``label="place_label"``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd

from paybench.normalize.levels import LEVEL_NAMES, LEVELS
from paybench.paths import keep_text, read_kept

MONEY_FORMAT = "$.3~s"
"""d3 format of annual USD on axes: 148000 -> "$148k", 1200000 -> "$1.2M"."""

INK = "#1f2a44"
ACCENT = "#2f6db5"
LIGHT = "#b8cbe6"
MUTED = "#8a93a6"
FONT = "Liberation Sans, DejaVu Sans, Arial, sans-serif"
WIDTH = 500

Label = str | Callable[[Mapping[str, Any]], str]


def _as_mapping(item: Any) -> dict[str, Any]:
    if isinstance(item, Mapping):
        return dict(item)
    if dataclasses.is_dataclass(item) and not isinstance(item, type):
        return dataclasses.asdict(item)
    dump = getattr(item, "model_dump", None)
    if callable(dump):
        out = dump()
        assert isinstance(out, dict)
        return out
    raise TypeError(f"cannot chart a {type(item).__name__}: pass mappings, dataclasses or models")


def records(cells: Sequence[Any], label: Label = "label") -> pd.DataFrame:
    """The cells as a DataFrame with a `label` column (taken from the field named `label`,
    or computed by calling `label` on each cell as a mapping)."""
    rows = []
    for item in cells:
        row = _as_mapping(item)
        row["label"] = label(row) if callable(label) else str(row[label])
        rows.append(row)
    frame = pd.DataFrame(rows)
    if frame.empty:
        raise ValueError("no cells to chart")
    for col in ("p25", "p50", "p75"):
        if col not in frame:
            raise ValueError(f"cells need a {col} field (annual USD)")
    return frame


def _base(frame: pd.DataFrame, height: int) -> alt.Chart:
    return alt.Chart(frame).properties(width=WIDTH, height=height)


def _config(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    return chart.configure(font=FONT, background="white").configure_axis(
        labelColor=INK, titleColor=INK, gridColor="#e6e9ef", domainColor="#c5cad6",
        tickColor="#c5cad6", labelFontSize=10, titleFontSize=10, titleFontWeight="normal",
        labelLimit=260,
    ).configure_view(stroke=None).configure_legend(labelFontSize=10, titleFontSize=10)


def range_chart(cells: Sequence[Any], label: Label = "label", *, title: str | None = None,
                sort: str = "p50", pay: str = "annual base pay") -> alt.TopLevelMixin:
    """Ranked range chart: one row per cell, a thin rule P10-P90 (when present), a thick
    bar P25-P75 and a dot at the median, sorted by `sort` (highest first).
    Fields: label, p25, p50, p75, optional p10/p90 (annual USD); `pay` names what the axis
    measures ("annual total compensation")."""
    frame = records(cells, label)
    order = frame.sort_values(sort, ascending=False)["label"].tolist()
    height = max(60, 18 * len(frame))
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=380))
    x_scale = alt.Scale(zero=False, nice=True)
    layers: list[alt.Chart] = []
    base = _base(frame, height)
    tooltip = [alt.Tooltip("label:N", title=" "),
               alt.Tooltip("p25:Q", format="$,.0f", title="P25"),
               alt.Tooltip("p50:Q", format="$,.0f", title="median"),
               alt.Tooltip("p75:Q", format="$,.0f", title="P75")]
    if "p10" in frame and "p90" in frame:
        layers.append(base.mark_rule(color=MUTED, strokeWidth=1).encode(
            y=y, x=alt.X("p10:Q", scale=x_scale, axis=alt.Axis(format=MONEY_FORMAT),
                         title=f"{pay} (USD): P10-P90 line, P25-P75 bar, median dot"),
            x2="p90:Q"))
    x_title = (f"{pay} (USD): P10-P90 line, P25-P75 bar, median dot"
               if layers else f"{pay} (USD): P25-P75 bar, median dot")
    layers.append(base.mark_bar(color=LIGHT, height=9).encode(
        y=y, x=alt.X("p25:Q", scale=x_scale, axis=alt.Axis(format=MONEY_FORMAT),
                     title=x_title), x2="p75:Q", tooltip=tooltip))
    layers.append(base.mark_point(color=INK, filled=True, size=36).encode(
        y=y, x="p50:Q", tooltip=tooltip))
    chart = alt.layer(*layers)
    if title:
        chart = chart.properties(title=title)
    return _config(chart)


def metro_chart(cells: Sequence[Any], label: Label = "label", *,
                national_p50: float | None = None, title: str | None = None) -> alt.TopLevelMixin:
    """Ranked dot chart of places: the P25-P75 range as a line, the median as a dot, the
    national median (when given) as a dashed reference line, and each place's
    differential against the nation printed at the right ("+12%").
    Fields: label, p25, p50, p75 (annual USD), optional differential (a ratio - 1)."""
    frame = records(cells, label)
    if "differential" not in frame:
        frame["differential"] = None
    frame["diff_text"] = [
        "" if d is None or pd.isna(d) else f"{d * 100:+.0f}%" for d in frame["differential"]]
    order = frame.sort_values("p50", ascending=False)["label"].tolist()
    height = max(60, 16 * len(frame))
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=380))
    base = _base(frame, height)
    x = alt.X("p25:Q", scale=alt.Scale(zero=False, nice=True), axis=alt.Axis(format=MONEY_FORMAT),
              title="annual base pay (USD): P25-P75 line, median dot")
    tooltip = [alt.Tooltip("label:N", title=" "),
               alt.Tooltip("p50:Q", format="$,.0f", title="median"),
               alt.Tooltip("diff_text:N", title="vs national")]
    layers: list[Any] = [
        base.mark_rule(color=LIGHT, strokeWidth=4).encode(y=y, x=x, x2="p75:Q"),
        base.mark_point(color=ACCENT, filled=True, size=40).encode(y=y, x="p50:Q", tooltip=tooltip),
        base.mark_text(align="left", dx=6, fontSize=9, color=INK).encode(
            y=y, x="p75:Q", text="diff_text:N"),
    ]
    if national_p50 is not None:
        ref = alt.Chart(pd.DataFrame({"p50": [national_p50]})).mark_rule(
            color=MUTED, strokeDash=[4, 3]).encode(x="p50:Q")
        layers.append(ref)
    chart = alt.layer(*layers)
    if title:
        chart = chart.properties(title=title)
    return _config(chart)


def level_chart(cells: Sequence[Any], label: Label = "label", *,
                title: str | None = None) -> alt.TopLevelMixin:
    """Pay by level: one row per level in career order (entry ... executive), the P25-P75
    range as a bar and the median as a dot. Fields: level (a paybench level id), p25,
    p50, p75 (annual USD); `label` defaults to the level's display name when absent."""
    rows = [_as_mapping(c) for c in cells]
    for row in rows:
        if "label" not in row and label == "label":
            row["label"] = LEVEL_NAMES.get(str(row.get("level")), str(row.get("level")))
    frame = records(rows, label)
    if "level" in frame:
        rank = {lv: i for i, lv in enumerate(LEVELS)}
        frame = frame.assign(_rank=frame["level"].map(rank)).sort_values("_rank")
    order = frame["label"].tolist()
    base = _base(frame, max(60, 20 * len(frame)))
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=380))
    x = alt.X("p25:Q", scale=alt.Scale(zero=False, nice=True), axis=alt.Axis(format=MONEY_FORMAT),
              title="annual base pay (USD): P25-P75 bar, median dot")
    chart = alt.layer(
        base.mark_bar(color=LIGHT, height=10).encode(y=y, x=x, x2="p75:Q"),
        base.mark_point(color=INK, filled=True, size=40).encode(y=y, x="p50:Q"),
        base.mark_text(align="left", dx=8, fontSize=9, color=INK).encode(
            y=y, x="p75:Q", text=alt.Text("p50:Q", format=MONEY_FORMAT)),
    )
    if title:
        chart = chart.properties(title=title)
    return _config(chart)


def value_chart(rows: Sequence[Any], value: str, label: Label = "label", *,
                value_format: str = MONEY_FORMAT, axis_title: str = "",
                title: str | None = None) -> alt.TopLevelMixin:
    """Ranked horizontal bars of one value per row (e.g. a median by industry in annual
    USD, a location quotient, a count), highest first, the value printed at the bar's end
    in `value_format` (a d3 format)."""
    frame = records_plain(rows, label)
    if value not in frame:
        raise ValueError(f"rows need a {value} field")
    order = frame.sort_values(value, ascending=False)["label"].tolist()
    base = _base(frame, max(60, 17 * len(frame)))
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=380))
    x = alt.X(f"{value}:Q", axis=alt.Axis(format=value_format), title=axis_title)
    chart = alt.layer(
        base.mark_bar(color=LIGHT, height=10).encode(y=y, x=x),
        base.mark_text(align="left", dx=4, fontSize=9, color=INK).encode(
            y=y, x=f"{value}:Q", text=alt.Text(f"{value}:Q", format=value_format)),
    )
    if title:
        chart = chart.properties(title=title)
    return _config(chart)


def records_plain(rows: Sequence[Any], label: Label = "label") -> pd.DataFrame:
    """Like `records`, without requiring percentile fields."""
    out = []
    for item in rows:
        row = _as_mapping(item)
        row["label"] = label(row) if callable(label) else str(row[label])
        out.append(row)
    if not out:
        raise ValueError("no rows to chart")
    return pd.DataFrame(out)


def to_spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """The chart's Vega-Lite specification (a JSON-ready dict, data inlined)."""
    spec = chart.to_dict()
    assert isinstance(spec, dict)
    return spec


def to_svg(chart: alt.TopLevelMixin | dict[str, Any], *, cache: Path | None = None) -> str:
    """Render a chart (or a Vega-Lite spec from `to_spec`) to an SVG document, offline.

    With `cache` (a folder), the SVG is kept there under a hash of the spec and the renderer's
    version, and a spec drawn before is read back instead of rendered again (the renderer is
    deterministic: the same spec gives the same SVG); the folder keeps the `CACHE_FILES` most
    recently used drawings. A folder that cannot be written only loses the cache."""
    import vl_convert as vlc

    spec = chart if isinstance(chart, dict) else to_spec(chart)
    path = None
    if cache is not None:
        text = json.dumps(spec, sort_keys=True, separators=(",", ":"), default=str)
        version = str(getattr(vlc, "__version__", ""))
        digest = hashlib.sha256(f"{version}\0{text}".encode()).hexdigest()
        path = cache / f"{digest}.svg"
        found = read_kept(path)
        if found is not None:
            return found
    svg = vlc.vegalite_to_svg(spec)
    assert isinstance(svg, str)
    if path is not None:
        keep_text(path, svg, CACHE_FILES)
    return svg


CACHE_FILES = 200
"""How many drawings a chart cache folder keeps (about 20 KB each)."""
