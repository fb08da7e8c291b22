"""Small SVG charts as pure functions: a chart spec in, SVG text out.

Three kinds: ``Scatter`` (points, optional marker size, shape per group, a highlighted point,
an optional line through the points), ``Bars`` (one value per row, reference lines, a marked
row) and ``Stacked`` (rows of segments, reference lines). Each chart reads without colour:
segments carry hatch patterns, groups carry marker shapes, marked rows carry a text mark, and
everything is labelled. Every chart has ``<title>``/``<desc>`` and a viewBox, so it scales in
a page and a screen reader can name it. Labels are escaped here; callers pass plain text.
"""

from __future__ import annotations

from dlrig.report.svg_parts import (
    ACCENT,
    BAR_H,
    CHAR_W,
    DASHES,
    FILLS,
    FONT,
    INK,
    MUTED,
    PATTERNS,
    ROW_H,
    SHAPES,
    WIDTH,
    Axis,
    Bar,
    Bars,
    Chart,
    Point,
    Rule,
    Scatter,
    Segment,
    Stack,
    Stacked,
    esc,
    fmt,
    log_ticks,
    nice_ticks,
    text,
    text_width,
)
from dlrig.report.svg_scatter import scatter_body

__all__ = ["ACCENT", "BAR_H", "CHAR_W", "DASHES", "FILLS", "FONT", "INK", "MUTED", "PATTERNS", "ROW_H", "SHAPES",
           "WIDTH", "Axis", "Bar", "Bars", "Chart", "Point", "Rule", "Scatter", "Segment", "Stack", "Stacked", "esc",
           "fmt", "log_ticks", "nice_ticks", "render", "render_page", "text", "text_width"]


LOG_HEADROOM = 2.0
MIN_BAR_PX = 3.0  # a positive value is always a visible bar


# -- public ----------------------------------------------------------------------------------------
def render(chart: Chart) -> str:
    """One chart as a standalone ``<svg>`` element."""
    body, height = _body(chart)
    return _root(chart.id, chart.title, chart.desc, body, height)


def render_page(charts: list[Chart], title: str, desc: str) -> str:
    """Several charts stacked in one SVG document (a plot file with more than one chart)."""
    parts, y = [], 0
    for chart in charts:
        body, height = _body(chart)
        parts.append(f'<g transform="translate(0,{y})">{body}</g>')
        y += height + 16
    return _root("page", title, desc, "".join(parts), max(y - 16, 1))


# -- shared pieces -----------------------------------------------------------------------------------
def _body(chart: Chart) -> tuple[str, int]:
    if isinstance(chart, Scatter):
        return scatter_body(chart)
    if isinstance(chart, Bars):
        return _bars_body(chart)
    return _stacked_body(chart)


def _root(uid: str, title: str, desc: str, body: str, height: int) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
            f'class="chart" id="{esc(uid)}" aria-labelledby="{esc(uid)}-title {esc(uid)}-desc" '
            f'font-family="{FONT}">'
            f'<title id="{esc(uid)}-title">{esc(title)}</title><desc id="{esc(uid)}-desc">{esc(desc)}</desc>'
            f"{body}</svg>")


def patterns(uid: str, n: int) -> str:
    out = []
    for i in range(n):
        colour, path = FILLS[i % len(FILLS)], PATTERNS[i % len(PATTERNS)]
        lines = f'<path d="{path}" stroke="{INK}" stroke-width="1" fill="{INK}"/>' if path else ""
        out.append(f'<pattern id="{esc(uid)}-p{i}" patternUnits="userSpaceOnUse" width="6" height="6">'
                   f'<rect width="6" height="6" fill="{colour}"/>{lines}</pattern>')
    return "<defs>" + "".join(out) + "</defs>"


def fill(uid: str, i: int) -> str:
    return f"url(#{esc(uid)}-p{i % len(FILLS)})"


def value_axis(values: list[float], start: float, end: float, log: bool) -> Axis:
    """The value axis of a bar chart. A log axis starts at least a factor LOG_HEADROOM below the
    smallest value, so the shortest bar (often the binding one) is never a sliver at the axis."""
    positive = [v for v in values if v > 0] or [1.0]
    if log:
        return Axis(log_ticks(min(positive) / LOG_HEADROOM, max(positive)), start, end, log=True)
    return Axis(nice_ticks(max(positive)), start, end)


def x_grid(axis: Axis, top: float, bottom: float, prefix: str, label: str) -> str:
    out = []
    for t in axis.ticks:
        x = axis(t)
        out.append(f'<line x1="{x:.1f}" y1="{top:.1f}" x2="{x:.1f}" y2="{bottom:.1f}" stroke="#d0d7de"/>')
        out.append(text(x, bottom + 14, fmt(t, prefix), "middle", 10, fill=MUTED))
    mid = (axis.start + axis.end) / 2
    out.append(text(mid, bottom + 30, label + (" (log scale)" if axis.log else ""), "middle", 11, fill=MUTED))
    return "".join(out)


def rules_svg(rules: tuple[Rule, ...], axis: Axis, top: float, bottom: float, prefix: str) -> str:
    """Dashed reference lines, each with its own dash and its label in its own row above the plot."""
    out = []
    for i, rule in enumerate(rules):
        x = axis(rule.value)
        dash = DASHES[i % len(DASHES)]
        label_y = top - 6 - 13 * (len(rules) - 1 - i)
        anchor = "end" if x > (axis.start + axis.end) / 2 else "start"
        out.append(f'<g class="rule"><title>{esc(rule.label)}: {esc(fmt(rule.value, prefix))}</title>'
                   f'<line x1="{x:.1f}" y1="{label_y + 3:.1f}" x2="{x:.1f}" y2="{bottom:.1f}" stroke="{INK}" '
                   f'stroke-width="1.5" stroke-dasharray="{dash}"/>'
                   + text(x + (-4 if anchor == "end" else 4), label_y, f"{rule.label} {fmt(rule.value, prefix)}",
                          anchor, 10) + "</g>")
    return "".join(out)


# -- horizontal bars ---------------------------------------------------------------------------------
def _label_margin(labels: list[str]) -> float:
    return min(max(max((text_width(s) for s in labels), default=60) + 16, 90), 260)


def _bars_body(chart: Bars) -> tuple[str, int]:
    left = _label_margin([b.label for b in chart.bars])
    top = 34 + 13 * len(chart.rules)
    right = WIDTH - 150
    bottom = top + ROW_H * max(len(chart.bars), 1)
    values = [b.value for b in chart.bars if b.value is not None] + [r.value for r in chart.rules]
    axis = value_axis(values, left, right, chart.log)
    out = [patterns(chart.id, 3), text(8, 18, chart.title, size=14, weight="bold"),
           x_grid(axis, top, bottom, chart.prefix, chart.x_label)]
    for i, bar in enumerate(chart.bars):
        out.append(_bar_row(chart, bar, axis, left, top + i * ROW_H))
    out.append(rules_svg(chart.rules, axis, top, bottom, chart.prefix))
    return "".join(out), int(bottom + 40)


def _bar_row(chart: Bars, bar: Bar, axis: Axis, left: float, y: float) -> str:
    mid = y + ROW_H / 2 + 4
    label = text(left - 8, mid, bar.label, "end")
    if bar.value is None:
        return f'<g class="bar"><title>{esc(bar.label)}: unknown</title>{label}' + \
            text(left + 4, mid, bar.text or "unknown", fill=MUTED, extra=' font-style="italic"') + "</g>"
    end = axis(bar.value) if bar.value > 0 else left
    width = max(end - left, MIN_BAR_PX if bar.value > 0 else 1.0)
    pattern = fill(chart.id, 2 if bar.mark else 0)
    shown = (bar.text or fmt(bar.value, chart.prefix)) + (f"  ◀ {bar.mark}" if bar.mark else "")
    weight = "bold" if bar.mark else "normal"
    return (f'<g class="bar{" marked" if bar.mark else ""}"><title>{esc(bar.label)}: {esc(shown)}</title>{label}'
            f'<rect x="{left:.1f}" y="{y + (ROW_H - BAR_H) / 2:.1f}" width="{width:.1f}" height="{BAR_H}" '
            f'fill="{pattern}" stroke="{INK}" stroke-width="{2 if bar.mark else 0.5}"/>'
            + text(left + width + 5, mid, shown, weight=weight) + "</g>")


# -- stacked bars ------------------------------------------------------------------------------------
def _stacked_body(chart: Stacked) -> tuple[str, int]:
    names = list(dict.fromkeys(s.label for stack in chart.stacks for s in stack.segments))
    left = _label_margin([s.label for s in chart.stacks])
    legend_y = 34
    top = legend_y + 22 + 13 * len(chart.rules)
    right = WIDTH - 110
    bottom = top + (ROW_H + 8) * max(len(chart.stacks), 1)
    totals = [sum(s.value for s in stack.segments) for stack in chart.stacks]
    axis = value_axis(totals + [r.value for r in chart.rules], left, right, False)
    out = [patterns(chart.id, len(names)), text(8, 18, chart.title, size=14, weight="bold"),
           _legend(chart.id, names, left, legend_y), x_grid(axis, top, bottom, chart.prefix, chart.x_label)]
    for i, stack in enumerate(chart.stacks):
        out.append(_stack_row(chart, stack, names, axis, left, top + i * (ROW_H + 8)))
    out.append(rules_svg(chart.rules, axis, top, bottom, chart.prefix))
    return "".join(out), int(bottom + 40)


def _legend(uid: str, names: list[str], x: float, y: float) -> str:
    out = []
    for i, name in enumerate(names):
        out.append(f'<rect x="{x:.1f}" y="{y - 10:.1f}" width="14" height="12" fill="{fill(uid, i)}" '
                   f'stroke="{INK}" stroke-width="0.5"/>' + text(x + 18, y, name))
        x += 30 + text_width(name)
    return '<g class="legend">' + "".join(out) + "</g>"


def _stack_row(chart: Stacked, stack: Stack, names: list[str], axis: Axis, left: float, y: float) -> str:
    top = y + (ROW_H - BAR_H) / 2
    out = [text(left - 8, y + ROW_H / 2 + 4, stack.label, "end")]
    x = left
    for seg in stack.segments:
        width = axis(seg.value) - left if seg.value > 0 else 0.0
        i = names.index(seg.label)
        out.append(f'<rect x="{x:.1f}" y="{top:.1f}" width="{width:.1f}" height="{BAR_H}" fill="{fill(chart.id, i)}" '
                   f'stroke="{INK}" stroke-width="0.5"><title>{esc(seg.label)}: '
                   f'{esc(fmt(seg.value, chart.prefix))}</title></rect>')
        x += width
    total = sum(s.value for s in stack.segments)
    out.append(text(x + 5, y + ROW_H / 2 + 4, stack.text or fmt(total, chart.prefix)))
    return f'<g class="stack"><title>{esc(stack.label)}</title>' + "".join(out) + "</g>"
