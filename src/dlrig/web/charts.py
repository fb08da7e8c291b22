"""Charts as inline SVG: GPU throughput against price, the data-pipeline stages, the frontier.

When the report package's SVG module (``dlrig.report.svg``) offers a chart of the same name
and signature, it draws it (one look across the CLI's exports and the web); otherwise the
small drawing code here does. Every chart is a ``role="img"`` with a title and a description,
and every point or bar carries a ``<title>`` with its figures, so nothing is only visual.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

WIDTH, HEIGHT = 720, 420
MARGIN = {"left": 70, "right": 20, "top": 30, "bottom": 56}
LABELLED_POINTS = 8  # the best GPUs by FLOP/s per dollar get a text label where it fits; all a tooltip
LABEL_CHAR_PX = 6.2  # about one character of the 11 px label font
KIND_CLASS = {"consumer": "k-consumer", "workstation": "k-workstation", "datacenter": "k-datacenter"}


# -- axes --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Axis:
    lo: float
    hi: float
    log: bool
    label: str

    @classmethod
    def fit(cls, values: Sequence[float], label: str, log: bool | None = None) -> Axis:
        lo, hi = min(values), max(values)
        if log is None:
            log = lo > 0 and hi / lo > 30
        if log:
            low, high = _round_125(lo, down=True), _round_125(hi, down=False)
            return cls(low, high if high > low else low * 10, True, label)
        step = _nice_step((hi - min(lo, 0)) / 5 or 1)
        return cls(min(0.0, math.floor(lo / step) * step), math.ceil(hi / step) * step or step, False, label)

    def frac(self, v: float) -> float:
        if self.log:
            return (math.log10(max(v, self.lo)) - math.log10(self.lo)) / (math.log10(self.hi) - math.log10(self.lo))
        return (v - self.lo) / (self.hi - self.lo) if self.hi > self.lo else 0.5

    def ticks(self) -> list[float]:
        if self.log:
            out = []
            for e in range(math.floor(math.log10(self.lo)), math.ceil(math.log10(self.hi)) + 1):
                out += [m * 10 ** e for m in ((1, 2, 5) if self.hi / self.lo <= 1e4 else (1,))]
            return [t for t in out if self.lo <= t <= self.hi]
        step = _nice_step((self.hi - self.lo) / 5)
        return [self.lo + i * step for i in range(round((self.hi - self.lo) / step) + 1)]


def _round_125(v: float, down: bool) -> float:
    """The nearest 1, 2 or 5 times a power of ten below (or above) ``v``."""
    base = 10 ** math.floor(math.log10(v))
    steps = [m * base for m in (1, 2, 5, 10)]
    return max(s for s in steps if s <= v * (1 + 1e-9)) if down else min(s for s in steps if s >= v * (1 - 1e-9))


def _nice_step(raw: float) -> float:
    base = 10 ** math.floor(math.log10(raw))
    return next(m * base for m in (1, 2, 2.5, 5, 10) if m * base >= raw)


def _num(v: float, money: bool = False) -> str:
    prefix = "$" if money else ""
    if abs(v) >= 1000:
        return f"{prefix}{v / 1000:g}k"
    return f"{prefix}{v:g}" if v >= 1 or v == 0 else f"{prefix}{v:.2g}"


class Plot:
    """One chart's frame: the axes, their ticks, and the marks added to it."""

    def __init__(self, x: Axis, y: Axis, title: str, desc: str, money_x: bool = False) -> None:
        self.x, self.y, self.title, self.desc, self.money_x = x, y, title, desc, money_x
        self.marks: list[str] = []
        self.w = WIDTH - MARGIN["left"] - MARGIN["right"]
        self.h = HEIGHT - MARGIN["top"] - MARGIN["bottom"]

    def px(self, v: float) -> float:
        return round(MARGIN["left"] + self.x.frac(v) * self.w, 1)

    def py(self, v: float) -> float:
        return round(MARGIN["top"] + (1 - self.y.frac(v)) * self.h, 1)

    def svg(self, chart_id: str, legend: str = "") -> Markup:
        head = (f'<svg class="chart" id="{chart_id}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
                f'aria-labelledby="{chart_id}-t {chart_id}-d" xmlns="http://www.w3.org/2000/svg">'
                f'<title id="{chart_id}-t">{escape(self.title)}</title>'
                f'<desc id="{chart_id}-d">{escape(self.desc)}</desc>')
        return Markup(head + "".join(self._axes()) + "".join(self.marks) + legend + "</svg>")

    def _axes(self) -> list[str]:
        left, top, bottom = MARGIN["left"], MARGIN["top"], MARGIN["top"] + self.h
        out = [f'<rect class="frame" x="{left}" y="{top}" width="{self.w}" height="{self.h}"/>']
        for t in self.x.ticks():
            x = self.px(t)
            label = _num(t, self.money_x)
            out.append(f'<line class="grid" x1="{x}" y1="{top}" x2="{x}" y2="{bottom}"/>'
                       f'<text class="tick" x="{x}" y="{bottom + 16}" text-anchor="middle">{label}</text>')
        for t in self.y.ticks():
            y = self.py(t)
            out.append(f'<line class="grid" x1="{left}" y1="{y}" x2="{left + self.w}" y2="{y}"/>'
                       f'<text class="tick" x="{left - 6}" y="{y + 4}" text-anchor="end">{_num(t)}</text>')
        out.append(f'<text class="axis-label" x="{left + self.w / 2}" y="{HEIGHT - 12}" '
                   f'text-anchor="middle">{escape(self.x.label)}</text>')
        out.append(f'<text class="axis-label" transform="translate(16 {top + self.h / 2}) rotate(-90)" '
                   f'text-anchor="middle">{escape(self.y.label)}</text>')
        return out


# -- the charts --------------------------------------------------------------------------------
def ranking_chart(ranking: dict[str, Any]) -> Markup:
    """Throughput (TFLOPS at the ranking's precision) against price, from ``Ranking.as_json()``."""
    rows = [r for r in ranking["gpus"] if r["price_usd"] > 0 and r["tflops"] > 0]
    if not rows:
        return Markup('<p class="muted">No GPU to chart.</p>')
    precision = ranking["precision"]
    plot = Plot(Axis.fit([r["price_usd"] for r in rows], f"price, USD (book {ranking['prices']}; log scale)", log=True),
                Axis.fit([r["tflops"] for r in rows], f"dense {precision} TFLOPS"),
                f"{precision} TFLOPS against price", f"{len(rows)} GPUs; the best by FLOP/s per dollar are labelled",
                money_x=True)
    for r in rows:
        x, y = plot.px(r["price_usd"]), plot.py(r["tflops"])
        tip = (f"{r['name']}: ${r['price_usd']:,.0f} ({r['price_date']}), {r['tflops']:g} TFLOPS, "
               f"{r['gflops_per_usd']:g} GFLOPS/$")
        plot.marks.append(f'<circle class="pt {KIND_CLASS.get(r["kind"], "")}" cx="{x}" cy="{y}" r="4">'
                          f'<title>{escape(tip)}</title></circle>')
    placed: list[tuple[float, float, float, float]] = []
    for r in sorted(rows, key=lambda r: -r["gflops_per_usd"])[:LABELLED_POINTS]:
        label = _place_label(plot, plot.px(r["price_usd"]), plot.py(r["tflops"]), r["name"], placed)
        if label:
            plot.marks.append(label)
    legend = "".join(f'<circle class="pt {cls}" cx="{MARGIN["left"] + 14 + i * 120}" cy="14" r="4"/>'
                     f'<text class="tick" x="{MARGIN["left"] + 22 + i * 120}" y="18">{kind}</text>'
                     for i, (kind, cls) in enumerate(KIND_CLASS.items()))
    return plot.svg("ranking-chart", legend)


def _place_label(plot: Plot, x: float, y: float, text: str, placed: list[tuple[float, float, float, float]]) -> str:
    """A text label beside the point where it overlaps no earlier label and stays in the frame;
    none where every spot is taken (the point's tooltip still names it)."""
    width = LABEL_CHAR_PX * len(text)
    left, right = MARGIN["left"], MARGIN["left"] + plot.w
    top, bottom = MARGIN["top"], MARGIN["top"] + plot.h
    for dx, dy, anchor in ((6, -6, "start"), (-6, -6, "end"), (6, 14, "start"), (-6, 14, "end")):
        x0 = x + dx if anchor == "start" else x + dx - width
        box = (x0, y + dy - 11, x0 + width, y + dy + 2)
        inside = left <= box[0] and box[2] <= right and top <= box[1] and box[3] <= bottom
        if inside and not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed):
            placed.append(box)
            return (f'<text class="pt-label" x="{x + dx}" y="{y + dy}" text-anchor="{anchor}">'
                    f'{escape(text)}</text>')
    return ""


def pipeline_chart(pipeline: dict[str, Any], unit: str = "sample") -> Markup:
    """Each data-pipeline stage's supply against the GPUs' demand, from ``Estimate.to_dict()["pipeline"]``."""
    stages = pipeline["stages"]
    known = [s["supply_samples_per_s"] for s in stages if s["supply_samples_per_s"]]
    demand = pipeline["demand_samples_per_s"]
    axis = Axis.fit([*known, demand], f"{unit}s per second (log scale)", log=True)
    row_h, left, width = 34, 190, WIDTH - 190 - MARGIN["right"]
    height = 30 + row_h * len(stages) + 34
    out = [f'<svg class="chart" id="pipeline-chart" viewBox="0 0 {WIDTH} {height}" role="img" '
           'aria-labelledby="pipeline-chart-t pipeline-chart-d" xmlns="http://www.w3.org/2000/svg">'
           f'<title id="pipeline-chart-t">Data pipeline: bottleneck {escape(pipeline["bottleneck"])}</title>'
           f'<desc id="pipeline-chart-d">Supply of each stage in {unit}s per second; the dashed line is what '
           f'the GPUs consume ({demand:,.0f}/s)</desc>']
    for t in axis.ticks():
        x = round(left + axis.frac(t) * width, 1)
        out.append(f'<line class="grid" x1="{x}" y1="20" x2="{x}" y2="{height - 30}"/>'
                   f'<text class="tick" x="{x}" y="{height - 16}" text-anchor="middle">{_num(t)}</text>')
    for i, s in enumerate(stages):
        y = 24 + i * row_h
        name = escape(s["name"])
        out.append(f'<text class="tick" x="{left - 8}" y="{y + 18}" text-anchor="end">{name}</text>')
        supply = s["supply_samples_per_s"]
        if supply is None:
            out.append(f'<text class="muted-text" x="{left + 6}" y="{y + 18}">unknown: {escape(s["detail"])}</text>')
            continue
        cls = "bar bottleneck" if s["name"] == pipeline["bottleneck"] else "bar"
        w = max(2.0, round(axis.frac(supply) * width, 1))
        out.append(f'<rect class="{cls}" x="{left}" y="{y + 4}" width="{w}" height="{row_h - 10}">'
                   f'<title>{name}: {supply:,.0f}/s. {escape(s["detail"])}</title></rect>')
    dx = round(left + axis.frac(demand) * width, 1)
    out.append(f'<line class="demand" x1="{dx}" y1="16" x2="{dx}" y2="{height - 30}"><title>GPU demand '
               f'{demand:,.0f}/s</title></line><text class="tick" x="{dx + 4}" y="14">demand</text></svg>')
    return Markup("".join(out))


def frontier_chart(frontier: dict[str, Any], chosen_usd: float | None = None) -> Markup:
    """Cost against throughput, every point Pareto-optimal, from the ``plan --frontier --json`` document."""
    points = frontier["points"]
    if not points:
        return Markup('<p class="muted">No frontier point.</p>')
    plot = Plot(Axis.fit([p["total_usd"] for p in points], "total, USD", log=False),
                Axis.fit([p["throughput"] for p in points], frontier["unit"], log=False),
                "Cost against throughput (Pareto frontier)",
                f"{len(points)} builds; none is both cheaper and faster than another", money_x=True)
    path = " ".join(f"{'M' if i == 0 else 'L'}{plot.px(p['total_usd'])},{plot.py(p['throughput'])}"
                    for i, p in enumerate(points))
    plot.marks.append(f'<path class="line" d="{path}"/>')
    for p in points:
        chosen = chosen_usd is not None and abs(p["total_usd"] - chosen_usd) < 0.01
        tip = f"{p['gpus']} x {p['gpu']}: ${p['total_usd']:,.2f}, {p['throughput']:,.4g} {frontier['unit']}"
        cls, r = ("pt chosen", 6) if chosen else ("pt", 4)
        plot.marks.append(f'<circle class="{cls}" cx="{plot.px(p["total_usd"])}" cy="{plot.py(p["throughput"])}" '
                          f'r="{r}"><title>{escape(tip)}</title></circle>')
    return plot.svg("frontier-chart")
