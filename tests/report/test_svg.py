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


def test_no_inline_style_so_a_strict_content_security_policy_allows_the_chart():
    for chart in (bars(), Scatter("s", "t", "d", "x", "y", (Point(1, 1, "a"),))):
        root = parse(render(chart))
        assert all(el.get("style") is None for el in root.iter())
        assert "system-ui" in root.get("font-family", "")


def _bar_widths(svg: str) -> dict[str, float]:
    root = parse(svg)
    bars = [g for g in root.iter(f"{NS}g") if (g.get("class") or "").startswith("bar")]
    return {g.find(f"{NS}title").text.split(":")[0]: float(g.find(f"{NS}rect").get("width"))
            for g in bars if g.find(f"{NS}rect") is not None}


def test_the_shortest_bar_on_a_log_axis_is_never_a_sliver():
    # 1,020/s sits just above a power of ten: an axis from 1,000 had drawn it 1 px wide
    chart = Bars("p", "Pipeline", "d", "items/s", (Bar("storage", 40_000.0), Bar("GPU", 1020.0, mark="bottleneck")),
                 log=True)
    widths = _bar_widths(render(chart))
    assert widths["GPU"] >= 50 and widths["storage"] > widths["GPU"]


def test_a_highlighted_label_avoids_other_markers_when_it_can():
    # the plan's point far right with a long name; a cheaper point sits where its left label would go
    pts = (Point(8000, 2900, "4 x PNY RTX A-Series RTX A5000 24GB GDDR6 Black", highlight=True),
           Point(3000, 2850, "4 x GeForce RTX 5070"), Point(1500, 600, "4 x GeForce RTX 3050"))
    root = parse(render(Scatter("f", "Frontier", "d", "cost", "throughput", pts, connect=True)))
    labels = {t.text: t for t in root.iter(f"{NS}text") if t.get("class") == "label"}
    assert len(labels) == 3  # every point named
    chosen = labels["▶ 4 x PNY RTX A-Series RTX A5000 24GB GDDR6 Black"]
    other = next(c for g in root.iter(f"{NS}g") if g.get("class") == "point" and "5070" in g.find(f"{NS}title").text
                 for c in g if c.tag == f"{NS}circle")
    cx, cy, r = (float(other.get(k)) for k in ("cx", "cy", "r"))
    x, y, size = float(chosen.get("x")), float(chosen.get("y")), float(chosen.get("font-size"))
    width = len(chosen.text) * 6.4 * size / 11
    left = {"end": x - width, "middle": x - width / 2}.get(chosen.get("text-anchor"), x)
    covers = left < cx + r and cx - r < left + width and y - size < cy + r and cy - r < y + 2
    assert not covers, (left, y, cx, cy)
