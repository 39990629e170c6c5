"""The chart module: every chart renders to valid SVG offline, and the web page and the
report get the same spec from the same function."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from paybench import charts
from paybench.guide.tables import GuideRow

CELLS = [
    {"label": "Machine Learning Engineer", "p10": 103100, "p25": 134400, "p50": 171100,
     "p75": 221300, "p90": 273900},
    {"label": "Data Scientist", "p10": 80000, "p25": 104300, "p50": 144200, "p75": 186700,
     "p90": 230000},
    {"label": "AI Engineer", "p10": 90000, "p25": 109000, "p50": 145000, "p75": 186000,
     "p90": 240000},
]


def _svg_ok(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert not re.search(r'(?:href|src)="https?://', svg), "external reference in a chart"
    return root


def _texts(svg: str) -> list[str]:
    return [t.text or "" for t in ET.fromstring(svg).iter() if t.tag.endswith("text")]


def test_range_chart_svg_has_every_label_and_money_axis() -> None:
    svg = charts.to_svg(charts.range_chart(CELLS, title="ML roles"))
    _svg_ok(svg)
    texts = _texts(svg)
    for cell in CELLS:
        assert cell["label"] in texts
    assert "ML roles" in texts
    assert any(re.fullmatch(r"\$\d+k", t) for t in texts), texts


def test_metro_chart_prints_differentials() -> None:
    rows = [{"label": "San Jose, CA", "p25": 211000, "p50": 270000, "p75": 350000,
             "differential": 0.57},
            {"label": "St. Louis, MO", "p25": 147000, "p50": 192000, "p75": 245000,
             "differential": -0.08},
            {"label": "Remote (US)", "p25": 167000, "p50": 212000, "p75": 256000,
             "differential": None}]
    svg = charts.to_svg(charts.metro_chart(rows, national_p50=208000))
    _svg_ok(svg)
    texts = _texts(svg)
    assert "+57%" in texts and "-8%" in texts and "Remote (US)" in texts


def test_level_chart_orders_levels_by_career() -> None:
    rows = [{"level": lv, "p25": 100000 + i * 20000, "p50": 120000 + i * 20000,
             "p75": 140000 + i * 20000} for i, lv in enumerate(("senior", "entry", "mid"))]
    spec = charts.to_spec(charts.level_chart(rows))
    # the y sort is the career order, whatever order the rows came in
    layer = spec["layer"][0]
    assert layer["encoding"]["y"]["sort"] == ["Entry", "Mid", "Senior"]
    svg = charts.to_svg(spec)
    _svg_ok(svg)
    assert {"Entry", "Mid", "Senior"} <= set(_texts(svg))


def test_value_chart_and_formats() -> None:
    svg = charts.to_svg(charts.value_chart(
        [{"label": "New York", "total": 23450}, {"label": "Seattle", "total": 9870}], "total",
        value_format=",.0f"))
    _svg_ok(svg)
    assert {"23,450", "9,870"} <= set(_texts(svg))


def test_same_spec_for_web_and_report() -> None:
    """The web page and the report call the same function: the spec is a pure function
    of the data, and rendering the spec or the chart gives the same SVG."""
    a, b = charts.to_spec(charts.range_chart(CELLS)), charts.to_spec(charts.range_chart(list(CELLS)))
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
    assert charts.to_svg(a) == charts.to_svg(charts.range_chart(CELLS))


def test_guide_rows_chart_directly() -> None:
    row = GuideRow(role="data-scientist", role_name="Data Scientist", area="Data & AI",
                   level="mid", scope="national", place="US", place_label="United States",
                   p10=1, p25=100000, p50=120000, p75=150000, p90=190000, n=3, n_parent=3,
                   method="shrunk", confidence="low", sources="", published="",
                   place_differential=None)
    svg = charts.to_svg(charts.range_chart([row], label="role_name"))
    assert "Data Scientist" in _texts(svg)


def test_bad_input_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="no cells"):
        charts.range_chart([])
    with pytest.raises(ValueError, match="p50"):
        charts.range_chart([{"label": "x", "p25": 1, "p75": 2}])
    with pytest.raises(TypeError):
        charts.range_chart([object()])


def test_svg_cache_reads_back_and_keeps_the_most_recent(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A spec drawn before is read from the cache folder (the same SVG as drawing it again);
    another spec is drawn; the folder keeps the CACHE_FILES most recently used drawings."""
    spec = charts.to_spec(charts.range_chart(CELLS))
    drawn = charts.to_svg(spec, cache=tmp_path)
    assert drawn == charts.to_svg(spec)
    (kept,) = list(tmp_path.glob("*.svg"))
    kept.write_text("<svg>read from the cache</svg>", encoding="utf-8")
    assert charts.to_svg(spec, cache=tmp_path) == "<svg>read from the cache</svg>"
    monkeypatch.setattr(charts, "CACHE_FILES", 2)
    for n in (1, 2):
        charts.to_svg(charts.to_spec(charts.range_chart(CELLS[:n])), cache=tmp_path)
    assert len(list(tmp_path.glob("*.svg"))) == 2
    assert not kept.exists()  # the least recently used went
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert charts.to_svg(spec, cache=blocker / "charts") == drawn  # unusable folder: drawn
