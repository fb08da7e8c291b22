"""Plot files: the charts of ``dlrig.report.charts`` written as SVG (always) or PNG (optional).

PNG needs one of two optional packages: cairosvg (renders the very same SVG) or matplotlib
(draws the same chart specs, ``dlrig.report.mpl``). With neither, asking for a PNG is a user
error that names them and suggests .svg. Files are written atomically.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dlrig.errors import BadInput
from dlrig.report import charts as ch
from dlrig.report.svg import Chart, render, render_page

SUFFIXES = (".svg", ".png")


class MissingPackage(BadInput):
    """An optional package a requested output needs is not installed."""

    def __init__(self, what: str, packages: Sequence[str], hint: str) -> None:
        super().__init__(f"{what} needs {' or '.join(packages)}, and neither is installed "
                         f"(pip install {packages[0]}); {hint}")
        self.what, self.packages = what, tuple(packages)


def write_gpu_plot(result: Any, path: Path | str, chosen: Sequence[str] = ()) -> Path:
    """``dlrig gpus --plot``: throughput against price, VRAM as marker size, each GPU labelled."""
    if not result.rows:
        raise BadInput("no GPU to plot: the filters left none")
    return write_charts([ch.gpu_chart(result, chosen)], path)


def write_frontier_plot(points: Sequence[tuple[float, float, str]], path: Path | str, unit: str = "") -> Path:
    """``dlrig plan --frontier --plot``: (cost_usd, throughput, label) points, joined in cost order
    (``dlrig.report.charts.frontier_points`` makes them from a frontier)."""
    if not points:
        raise BadInput("no frontier point to plot")
    return write_charts([ch.frontier_chart(points, unit=unit)], path)


def write_estimate_plot(estimate: Any, path: Path | str) -> Path:
    """``dlrig estimate --plot``: memory per GPU by part, and the data-pipeline stages."""
    charts = ch.estimate_charts(estimate)
    title = f"{estimate.model.name} on {estimate.machine.gpus} x {estimate.machine.gpu.name}"
    return write_charts(charts, path, title)


def write_charts(charts: Sequence[Chart], path: Path | str, title: str = "") -> Path:
    """One chart, or several one above the other, as .svg or .png (by the path's suffix)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise BadInput(f"plot file {str(path)!r}: give a .svg or .png name")
    svg = render(charts[0]) if len(charts) == 1 else render_page(
        list(charts), title or charts[0].title, " ".join(c.desc for c in charts))
    from dlrig.atomic import write_atomic

    write_atomic(path, svg if suffix == ".svg" else png_bytes(svg, charts))
    return path


def png_bytes(svg: str, charts: Sequence[Chart]) -> bytes:
    """The chart as PNG: cairosvg renders the SVG itself; matplotlib redraws the specs."""
    if _installed("cairosvg"):
        import cairosvg

        return cairosvg.svg2png(bytestring=svg.encode("utf-8"), output_width=1440)
    if _installed("matplotlib"):
        from dlrig.report.mpl import charts_png

        return charts_png(charts)
    raise MissingPackage("a PNG plot", ("matplotlib", "cairosvg"), "or give a .svg file name instead")


def _installed(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False

