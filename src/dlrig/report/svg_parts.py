"""The pieces of dlrig's SVG charts: the chart specs (pure data: callers build them, ``svg`` and
``svg_scatter`` draw them), the palette, and the primitives both drawing modules share (text,
escaping, number formats, ticks, axes)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

WIDTH = 720
FONT = "system-ui,-apple-system,'Segoe UI',Helvetica,Arial,sans-serif"  # the root's font-family attribute
CHAR_W = 6.4  # mean glyph width at 11 px, for layout without a font engine
ROW_H, BAR_H = 26, 16
INK, MUTED, ACCENT = "#1f2328", "#59636e", "#b35900"
# Fill colour plus a pattern for each series, so series differ in grey print too.
FILLS = ("#4c78a8", "#f2a541", "#72b7b2", "#e45756", "#9d7fbd", "#8c8c8c")
PATTERNS = ("", "M0,6 L6,0", "M0,0 L6,6 M0,6 L6,0", "M0,3 L6,3", "M3,0 L3,6", "M2,2 h1 v1 h-1 z")
SHAPES = ("circle", "square", "triangle", "diamond", "cross")
DASHES = ("6 3", "2 3", "10 3 2 3", "1 2", "4 4")


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str
    size: float | None = None  # marker area relative to the largest point (e.g. VRAM GB)
    group: str = ""  # one marker shape per group, named in the legend
    highlight: bool = False


@dataclass(frozen=True)
class Scatter:
    id: str
    title: str
    desc: str
    x_label: str
    y_label: str
    points: tuple[Point, ...]
    log_x: bool = False
    log_y: bool = False
    connect: bool = False  # draw a line through the points in x order (a frontier)
    size_note: str = ""  # what marker size means, shown under the chart
    x_prefix: str = ""
    max_labels: int = 25  # beyond this, label the highlighted and the best-placed points only


@dataclass(frozen=True)
class Rule:
    """A reference line across the value axis (a PSU rating, a circuit limit, a demand)."""

    label: str
    value: float


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: unknown, drawn as a note instead of a bar
    text: str = ""  # the value as shown at the bar's end
    mark: str = ""  # e.g. "bottleneck": drawn hatched, with this word after the value


@dataclass(frozen=True)
class Bars:
    id: str
    title: str
    desc: str
    x_label: str
    bars: tuple[Bar, ...]
    rules: tuple[Rule, ...] = ()
    log: bool = False
    prefix: str = ""


@dataclass(frozen=True)
class Segment:
    label: str
    value: float


@dataclass(frozen=True)
class Stack:
    label: str
    segments: tuple[Segment, ...]
    text: str = ""


@dataclass(frozen=True)
class Stacked:
    id: str
    title: str
    desc: str
    x_label: str
    stacks: tuple[Stack, ...]
    rules: tuple[Rule, ...] = ()
    prefix: str = ""


Chart = Scatter | Bars | Stacked


def esc(text: object) -> str:
    return escape(str(text), quote=True)


def fmt(value: float, prefix: str = "") -> str:
    """A number as an axis or bar shows it: 1,250 / 12.5 / 0.35; 25k above 10,000."""
    a = abs(value)
    if a >= 10_000:
        text = f"{value / 1000:,.0f}k" if a < 1e6 else f"{value / 1e6:,.1f}M"
    elif a >= 100 or value == int(value):
        text = f"{value:,.0f}"
    else:
        text = f"{value:.3g}"
    return prefix + text


def text(x: float, y: float, content: str, anchor: str = "start", size: int = 11, weight: str = "normal",
         fill: str = INK, extra: str = "") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
            f'font-weight="{weight}" fill="{fill}"{extra}>{esc(content)}</text>')


def text_width(content: str, size: int = 11) -> float:
    return len(content) * CHAR_W * size / 11


def nice_ticks(high: float, count: int = 5) -> list[float]:
    """Round tick values from 0 to at least ``high``."""
    if high <= 0:
        return [0.0, 1.0]
    raw = high / count
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    n = math.ceil(high / step - 1e-9)
    return [i * step for i in range(n + 1)]


def log_ticks(low: float, high: float) -> list[float]:
    """1-2-5 ticks spanning [low, high] (both > 0), from the decade below to the decade above."""
    lo, hi = math.floor(math.log10(low)), math.ceil(math.log10(high))
    if hi == lo:
        hi += 1
    steps = (1, 2, 5) if hi - lo <= 3 else (1,)
    return [m * 10**e for e in range(lo, hi + 1) for m in steps if m * 10**e <= 10**hi]


class Axis:
    """Maps values to pixels along [start, end], linear or logarithmic."""

    def __init__(self, ticks: list[float], start: float, end: float, log: bool = False) -> None:
        self.ticks, self.start, self.end, self.log = ticks, start, end, log
        self.low, self.high = ticks[0], ticks[-1]

    def __call__(self, value: float) -> float:
        if self.log:
            value = max(value, self.low)
            frac = (math.log10(value) - math.log10(self.low)) / (math.log10(self.high) - math.log10(self.low))
        else:
            frac = (value - self.low) / ((self.high - self.low) or 1.0)
        return self.start + frac * (self.end - self.start)
