"""SVG charts: deterministic, escaped, valid XML, no division by zero."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from sobria.ranges import Range
from sobria.report.charts import Bar, Part, column_chart, hbar_chart, share_bar


def test_hbar_chart_draws_central_bar_and_error_bar() -> None:
    svg = hbar_chart("c", "Title", [Bar("A", Range(1.0, 3.0), "2 kg"), Bar("B", Range(0.5, 1.5), "1 kg")])
    root = ET.fromstring(svg)
    rects = [r for r in root.iter("rect")]
    # plot width 660 - 230 - 120 = 310 px for the largest max (3.0): central 2.0 -> 206.7 px
    assert [r.get("width") for r in rects] == ["206.7", "103.3"]
    paths = [p.get("d") for p in root.iter("path")]
    assert paths[0] == "M333.3 21.0H540.0M333.3 16.0V26.0M540.0 16.0V26.0"
    assert root.find("desc") is not None and root.find("desc").text == "A: 2 kg; B: 1 kg"  # type: ignore[union-attr]


def test_labels_are_escaped_and_shortened() -> None:
    svg = hbar_chart("c", "<T>", [Bar("R&D <équipe> avec un nom très long qui déborde", Range.point(1), "1")])
    root = ET.fromstring(svg)
    assert root.find("title").text == "<T>"  # type: ignore[union-attr]
    assert next(t.text for t in root.iter("text")) == "R&D <équipe> avec un nom très lon…"


def test_charts_of_zeros_and_of_nothing_are_valid() -> None:
    for svg in (hbar_chart("a", "t", []), hbar_chart("b", "t", [Bar("x", Range(0, 0), "0")]),
                column_chart("c", "t", []), column_chart("d", "t", [Bar("x", Range(0, 0), "0")]),
                share_bar("e", "t", []), share_bar("f", "t", [Part("x", 0.0, "0 %")])):
        assert ET.fromstring(svg).tag == "svg"


def test_output_is_deterministic() -> None:
    bars = [Bar("2025-01", Range(1, 2), "1,5")]
    assert column_chart("m", "t", bars) == column_chart("m", "t", bars)
    assert ET.fromstring(share_bar("s", "t", [Part("a", 0.75, "75 %"), Part("b", 0.25, "25 %")])).find(
        "rect").get("width") == "495.0"  # type: ignore[union-attr]


def test_many_months_turn_their_labels() -> None:
    bars = [Bar(f"m{i}", Range(1, 2), "1,5") for i in range(24)]
    root = ET.fromstring(column_chart("m", "t", bars))
    texts = list(root.iter("text"))
    assert len(texts) == 48
    # slot 640 / 24 = 26.7 px: first centre 10 + 13.3, turned label 4 px right; base 326 - 64 = 262
    assert texts[1].get("transform") == "translate(27.3 272.0) rotate(-45)"
    assert root.get("viewBox") == "0 0 660 326"
