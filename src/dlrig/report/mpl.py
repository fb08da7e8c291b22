"""PNG charts through matplotlib (optional): the chart specs of ``dlrig.report.svg`` redrawn.

Imported only when a PNG is asked for and cairosvg is absent; the same hatches, marker shapes
and labels as the SVG, so the PNG reads without colour too.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from dlrig.report.svg import DASHES, FILLS, SHAPES, Bars, Chart, Scatter, Stacked, fmt

HATCHES = ("", "//", "xx", "--", "||", "..")
MARKERS = {"circle": "o", "square": "s", "triangle": "^", "diamond": "D", "cross": "x"}


def charts_png(charts: Sequence[Chart]) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    heights = [6.0 if isinstance(c, Scatter) else 1.4 + 0.45 * _rows(c) for c in charts]
    fig, axes = plt.subplots(len(charts), 1, figsize=(10, sum(heights)), squeeze=False,
                             gridspec_kw={"height_ratios": heights})
    for ax, chart in zip(axes[:, 0], charts, strict=True):
        if isinstance(chart, Scatter):
            _scatter(ax, chart)
        elif isinstance(chart, Bars):
            _bars(ax, chart)
        else:
            _stacked(ax, chart)
        ax.set_title(chart.title, loc="left", fontweight="bold")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=144)
    plt.close(fig)
    return buf.getvalue()


def _rows(chart: Bars | Stacked) -> int:
    return len(chart.bars) if isinstance(chart, Bars) else len(chart.stacks)


def _scatter(ax: Any, c: Scatter) -> None:
    groups = list(dict.fromkeys(p.group for p in c.points if p.group))
    biggest = max((p.size for p in c.points if p.size), default=None)
    for i, group in enumerate(groups or [""]):
        pts = [p for p in c.points if p.group == group]
        sizes = [30 + 250 * (p.size / biggest) if p.size and biggest else 40 for p in pts]
        ax.scatter([p.x for p in pts], [p.y for p in pts], s=sizes, alpha=0.5, edgecolors="black",
                   marker=MARKERS[SHAPES[i % len(SHAPES)]], label=group or None)
    if c.connect:
        pts = sorted(c.points, key=lambda p: p.x)
        ax.plot([p.x for p in pts], [p.y for p in pts], "--", color="grey")
    for p in c.points:
        if p.highlight:
            ax.scatter([p.x], [p.y], s=220, facecolors="none", edgecolors="black", linewidths=2.5)
    ax.set_xscale("log" if c.log_x else "linear")
    ax.set_yscale("log" if c.log_y else "linear")
    for p in _spaced(ax, c):
        ax.annotate(("▶ " if p.highlight else "") + p.label, (p.x, p.y), xytext=(6, 3), textcoords="offset points",
                    fontsize=9 if p.highlight else 7, fontweight="bold" if p.highlight else "normal")
    ax.set_xlabel(c.x_label)
    ax.set_ylabel(c.y_label)
    if groups:
        ax.legend(title=c.size_note or None, fontsize=8)
    ax.grid(True, alpha=0.3)


def _spaced(ax: Any, c: Scatter) -> list[Any]:
    """The points to label: highlighted first, then the best value, skipping labels that would collide."""
    ax.figure.canvas.draw()  # fix the axis limits so data -> pixel transforms are final
    order = sorted(c.points, key=lambda p: (not p.highlight, -(p.y / p.x) if p.x else 0))
    boxes: list[tuple[float, float, float, float]] = []
    chosen = []
    for p in order:
        x, y = ax.transData.transform((p.x, p.y))
        box = (x, y - 4, x + 12 + 9 * len(p.label), y + 16)
        if p.highlight or not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in boxes):
            boxes.append(box)
            chosen.append(p)
        if len(chosen) >= c.max_labels:
            break
    return chosen


def _bars(ax: Any, c: Bars) -> None:
    labels = [b.label for b in c.bars][::-1]
    values = [b.value or 0 for b in c.bars][::-1]
    hatches = ["xx" if b.mark else "" for b in c.bars][::-1]
    bars = ax.barh(labels, values, color=FILLS[0], edgecolor="black")
    for bar, hatch, b in zip(bars, hatches, c.bars[::-1], strict=True):
        bar.set_hatch(hatch)
        ax.annotate((b.text or fmt(b.value or 0, c.prefix)) + (f"  ◀ {b.mark}" if b.mark else ""),
                    (bar.get_width(), bar.get_y() + bar.get_height() / 2), xytext=(4, 0),
                    textcoords="offset points", va="center", fontsize=8)
    if c.log:
        ax.set_xscale("log")
    _rules(ax, c.rules, c.prefix)
    ax.set_xlabel(c.x_label)


def _stacked(ax: Any, c: Stacked) -> None:
    names = list(dict.fromkeys(s.label for st in c.stacks for s in st.segments))
    labels = [st.label for st in c.stacks][::-1]
    for i, name in enumerate(names):
        lefts, widths = [], []
        for st in c.stacks[::-1]:
            before = 0.0
            width = 0.0
            for s in st.segments:
                if s.label == name:
                    width = s.value
                    break
                before += s.value
            lefts.append(before)
            widths.append(width)
        ax.barh(labels, widths, left=lefts, color=FILLS[i % len(FILLS)], hatch=HATCHES[i % len(HATCHES)],
                edgecolor="black", label=name)
    _rules(ax, c.rules, c.prefix)
    ax.legend(fontsize=8, loc="lower right")
    ax.set_xlabel(c.x_label)


def _rules(ax: Any, rules: Sequence[Any], prefix: str) -> None:
    for i, r in enumerate(rules):
        dash = [float(x) for x in DASHES[i % len(DASHES)].split()]
        ax.axvline(r.value, color="black", linestyle=(0, dash), linewidth=1.2)
        ax.annotate(f"{r.label} {fmt(r.value, prefix)}", (r.value, 1.0), xycoords=("data", "axes fraction"),
                    xytext=(3, -10 - 10 * i), textcoords="offset points", fontsize=8)
