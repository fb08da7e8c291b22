"""The HTML report: self-contained, escaped, with its charts; and a browser test that opens it."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from dlrig.report.html import render_html
from dlrig.services.export import collect_report
from dlrig.services.inputs import load_build_file as load_build

from .conftest import EXAMPLES

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]
EXTERNAL = re.compile(r"""(?:src|href|xlink:href|action|data|poster)\s*=\s*["']?\s*(?:https?:)?//""", re.I)


def report(path: Path, catalog, **changes) -> str:
    build = replace(load_build(path, catalog), **changes)
    book = catalog.price_book(build.prices or "latest")
    return render_html(collect_report(build, book, catalog, today=date(2026, 1, 2)))


@pytest.fixture()
def html(workload_build, catalog) -> str:
    return report(workload_build, catalog)


def svgs(text: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", text, flags=re.S)


def test_no_external_reference(html):
    assert not EXTERNAL.search(html)
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts == ['<script type="application/json" id="dlrig-data">']  # data, never code
    assert "<link" not in html and "@import" not in html
    assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", html)
    assert "@font-face" not in html
    for svg in svgs(html):
        assert "http://www.w3.org/2000/svg" in svg  # the namespace is a name, not a fetch


def test_report_holds_parts_findings_cost_and_charts(html):
    assert "<h1>seed-2015</h1>" in html
    assert "EVGA GeForce GTX Titan X" in html and "$1,000.00" in html and "2015-" in html
    assert "RAM-VRAM" in html and "Findings" in html
    assert "break-even" in html or "never breaks even" in html
    charts = svgs(html)
    ids = [re.search(r'id="([^"]+)"', s).group(1) for s in charts]
    assert ids == ["cost", "power", "pipeline", "memory", "gpus"]
    for svg in charts:
        ET.fromstring(svg)
    assert "◀ bottleneck" in charts[2] and "GPU demand" in charts[2]
    assert "PSU rating 1,600" in charts[1] and "circuit 80% continuous 1,440" in charts[1]
    assert "▶ GTX TITAN X" in charts[4] and 'class="point highlight"' in charts[4]


def test_report_without_workload_has_no_pipeline(catalog):
    html = report(EXAMPLES / "bad-quad-4090-atx.yaml", catalog)
    ids = [re.search(r'id="([^"]+)"', s).group(1) for s in svgs(html)]
    assert "pipeline" not in ids and {"cost", "power", "gpus"} <= set(ids)
    assert "names no workload" in html


def test_workload_the_estimator_refuses_is_reported_not_raised(catalog):
    html = report(EXAMPLES / "seed-2015.yaml", catalog)
    assert "Workload estimate unavailable" in html or 'id="pipeline"' in html


def test_seed_report_prices_the_platform_by_its_bundle(catalog):
    html = report(EXAMPLES / "seed-2015.yaml", catalog)
    shown = html.split('<script type="application/json"')[0]  # the page, not its embedded data
    assert html.count('<td class="num">in bundle</td>') == 2 * 5  # board, memory, SSD, PSU, case: unit and line
    assert "Parts $5,400.00" in shown and "unpriced" not in shown
    assert "CPU $390; Motherboard in a bundle;" in html  # the cost chart's description


def test_names_are_escaped(workload_build, catalog):
    html = report(workload_build, catalog, name='<img src="x" onerror="alert(1)">')
    assert "<img" not in html and "&lt;img" in html


@pytest.mark.browser
def test_report_opens_in_chromium_with_visible_charts(html, tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    path = tmp_path / "report.html"
    path.write_text(html, encoding="utf-8")
    requests: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.on("request", lambda r: requests.append(r.url))
            page.goto(path.as_uri())
            charts = page.locator("svg.chart")
            assert charts.count() == 5
            for i in range(charts.count()):
                chart = charts.nth(i)
                chart.scroll_into_view_if_needed()
                assert chart.is_visible()
                box = chart.bounding_box()
                assert box is not None and box["width"] > 400 and box["height"] > 80
            assert page.locator("svg.chart g.point.highlight").count() == 1
            assert page.locator("svg.chart g.bar.marked").count() == 1
            shot = tmp_path / "report.png"
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    assert shot.stat().st_size > 10_000
    assert all(u.startswith("file://") for u in requests), requests
