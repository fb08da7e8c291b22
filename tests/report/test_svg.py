"""The SVG primitives: well-formed, accessible, escaped, readable without colour."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from dlrig.report.svg import (
    Bar,
    Bars,
    Point,
    Rule,
    Scatter,
    Segment,
    Stack,
    Stacked,
    fmt,
    log_ticks,
    nice_ticks,
    render,
    render_page,
)

NS = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def bars() -> Bars:
    return Bars("b1", "Stages <&>", "desc & more", "items/s",
                (Bar("storage <read>", 4000.0), Bar("GPU", 500.0, mark="bottleneck"), Bar("CPU", None)),
                (Rule("demand", 500.0),), log=True)


def test_bars_are_well_formed_accessible_and_escaped():
    svg = render(bars())
    root = parse(svg)
    assert root.get("viewBox", "").startswith("0 0 720 ")
    assert root.get("role") == "img" and root.get("aria-labelledby") == "b1-title b1-desc"
    assert root.find(f"{NS}title").text == "Stages <&>"
    assert root.find(f"{NS}desc").text == "desc & more"
    assert "storage &lt;read&gt;" in svg and "<read>" not in svg
    assert "◀ bottleneck" in svg and "unknown" in svg and "demand 500" in svg


def test_marked_bar_differs_by_pattern_not_only_colour():
    svg = render(bars())
    marked = svg.split('class="bar marked"')[1]
    assert 'fill="url(#b1-p2)"' in marked and 'stroke-width="2"' in marked
    assert 'fill="url(#b1-p0)"' in svg.split('class="bar marked"')[0]


def test_stacked_has_legend_patterns_and_rules():
    chart = Stacked("s1", "Power", "d", "W", (Stack("DC", (Segment("GPUs", 1000), Segment("CPU", 140))),),
                    (Rule("PSU rating", 1600), Rule("circuit", 1440)))
    svg = render(chart)
    parse(svg)
    assert svg.count("<pattern ") == 2 and "GPUs" in svg and "CPU" in svg
    assert "PSU rating 1,600" in svg and "circuit 1,440" in svg
    assert svg.count("stroke-dasharray") == 2


def test_scatter_labels_points_and_highlights_one():
    pts = (Point(1000, 6.9, "GTX TITAN X", size=12, group="consumer", highlight=True),
           Point(670, 5.6, "GTX 980 Ti", size=6, group="consumer"),
           Point(3000, 4.3, "Tesla K40", size=12, group="datacenter"))
    svg = render(Scatter("g", "GPUs", "d", "price", "TFLOPS", pts, log_x=True, x_prefix="$"))
    parse(svg)
    assert "▶ GTX TITAN X" in svg and "GTX 980 Ti" in svg and "Tesla K40" in svg
    assert svg.count('class="point highlight"') == 1
    assert "<rect x=" in svg.split('class="legend"')[1].split("</g>")[0]  # a square for the second group
    assert "(log scale)" in svg and "$1,000" in svg


def test_scatter_drops_labels_it_cannot_place_but_keeps_tooltips():
    pts = tuple(Point(100 + i * 0.01, 10, f"card {i}") for i in range(20))
    svg = render(Scatter("c", "t", "d", "x", "y", pts))
    assert svg.count('class="label"') < 20
    assert all(f"<title>card {i} " in svg for i in range(20))


def test_render_page_stacks_charts():
    page = render_page([bars(), bars()], "Two", "both")
    root = parse(page)
    assert root.find(f"{NS}title").text == "Two"
    assert page.count('transform="translate(0,') == 2


def test_ticks_and_numbers():
    assert nice_ticks(1379) == [0, 500, 1000, 1500]
    assert log_ticks(150, 20000)[:3] == [100, 200, 500] and log_ticks(150, 20000)[-1] == 100000
    assert (fmt(1379.4, "$"), fmt(25000), fmt(0.345), fmt(12.5)) == ("$1,379", "25k", "0.345", "12.5")
