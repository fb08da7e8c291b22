"""The scatter chart of ``dlrig.report.svg``: axes, marker shapes per group, sizes, labels placed
without overlap (a label that cannot be placed is left to the point's tooltip), a highlighted
point drawn larger, filled and labelled in bold."""

from __future__ import annotations

import math

from dlrig.report.svg_parts import (
    ACCENT,
    INK,
    MUTED,
    SHAPES,
    Axis,
    Point,
    Scatter,
    esc,
    fmt,
    log_ticks,
    nice_ticks,
    text,
    text_width,
)

HEIGHT = 480
LEFT, RIGHT, TOP, BOTTOM = 70, 24, 52, 60
MIN_R, MAX_R = 3.5, 13.0

Box = tuple[float, float, float, float]


def scatter_body(chart: Scatter) -> tuple[str, int]:
    pts = [p for p in chart.points if _plottable(p, chart)]
    width = 720
    xa = _axis([p.x for p in pts], LEFT, width - RIGHT, chart.log_x)
    ya = _axis([p.y for p in pts], HEIGHT - BOTTOM, TOP, chart.log_y)
    groups = list(dict.fromkeys(p.group for p in pts if p.group))
    out = [text(8, 18, chart.title, size=14, weight="bold"), _legend(groups, chart.size_note),
           _grid(chart, xa, ya, width)]
    if chart.connect and len(pts) > 1:
        path = " ".join(f"{xa(p.x):.1f},{ya(p.y):.1f}" for p in sorted(pts, key=lambda p: p.x))
        out.append(f'<polyline points="{path}" fill="none" stroke="{MUTED}" stroke-width="1.5" '
                   f'stroke-dasharray="5 3"/>')
    biggest = max((p.size for p in pts if p.size), default=None)
    ordered = sorted(pts, key=lambda p: (not p.highlight, -(p.y / p.x) if p.x else 0))
    markers = {id(p): _box(xa(p.x), ya(p.y), _radius(p, biggest)) for p in pts}
    placed: list[Box] = []
    labelled = 0
    for p in sorted(pts, key=lambda p: p.highlight):  # highlighted drawn last, on top
        out.append(_marker(p, xa(p.x), ya(p.y), _radius(p, biggest), groups))
    for p in ordered:
        if not p.highlight and labelled >= chart.max_labels:
            break
        others = [b for k, b in markers.items() if k != id(p)]
        label = _label(p, xa(p.x), ya(p.y), _radius(p, biggest), placed, others, width)
        if label:
            out.append(label)
            labelled += 1
    return "".join(out), HEIGHT


def _plottable(p: Point, chart: Scatter) -> bool:
    finite = math.isfinite(p.x) and math.isfinite(p.y)
    return finite and (p.x > 0 or not chart.log_x) and (p.y > 0 or not chart.log_y)


def _axis(values: list[float], start: float, end: float, log: bool) -> Axis:
    positive = [v for v in values if v > 0] or [1.0]
    if log:
        return Axis(log_ticks(min(positive), max(positive)), start, end, log=True)
    return Axis(nice_ticks(max(values or [1.0]) * 1.05), start, end)


def _grid(chart: Scatter, xa: Axis, ya: Axis, width: int) -> str:
    bottom, out = HEIGHT - BOTTOM, []
    for t in xa.ticks:
        x = xa(t)
        out.append(f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{bottom}" stroke="#d0d7de"/>')
        out.append(text(x, bottom + 14, fmt(t, chart.x_prefix), "middle", 10, fill=MUTED))
    for t in ya.ticks:
        y = ya(t)
        out.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{width - RIGHT}" y2="{y:.1f}" stroke="#d0d7de"/>')
        out.append(text(LEFT - 6, y + 3, fmt(t), "end", 10, fill=MUTED))
    out.append(f'<rect x="{LEFT}" y="{TOP}" width="{width - RIGHT - LEFT}" height="{bottom - TOP}" '
               f'fill="none" stroke="{MUTED}"/>')
    log_x = " (log scale)" if chart.log_x else ""
    log_y = " (log scale)" if chart.log_y else ""
    out.append(text((LEFT + width - RIGHT) / 2, bottom + 32, chart.x_label + log_x, "middle", fill=MUTED))
    mid_y = (TOP + bottom) / 2
    out.append(text(16, mid_y, chart.y_label + log_y, "middle", fill=MUTED,
                    extra=f' transform="rotate(-90 16 {mid_y:.1f})"'))
    return '<g class="axes">' + "".join(out) + "</g>"


def _legend(groups: list[str], size_note: str) -> str:
    out: list[str] = []
    x: float = LEFT
    for i, g in enumerate(groups):
        out.append(_shape(SHAPES[i % len(SHAPES)], x + 5, 34, 5, "#ffffff", INK, 1.2) + text(x + 14, 38, g))
        x += 28 + text_width(g)
    if size_note:
        out.append(text(x + 6, 38, size_note, fill=MUTED))
    return '<g class="legend">' + "".join(out) + "</g>"


def _radius(p: Point, biggest: float | None) -> float:
    if not p.size or not biggest:
        return 7.0 if p.highlight else 5.0
    return MIN_R + (MAX_R - MIN_R) * math.sqrt(p.size / biggest)


def _marker(p: Point, x: float, y: float, r: float, groups: list[str]) -> str:
    shape = SHAPES[groups.index(p.group) % len(SHAPES)] if p.group in groups else "circle"
    if p.highlight:
        ring = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r + 5:.1f}" fill="none" stroke="{ACCENT}" stroke-width="2.5"/>'
        body = _shape(shape, x, y, r, ACCENT, INK, 1.5)
    else:
        ring, body = "", _shape(shape, x, y, r, "#4c78a8", INK, 0.8, opacity=0.45)
    where = f"{fmt(p.x)}, {fmt(p.y)}"
    cls = "point highlight" if p.highlight else "point"
    return f'<g class="{cls}"><title>{esc(p.label)} ({esc(where)})</title>{ring}{body}</g>'


def _shape(shape: str, x: float, y: float, r: float, fill: str, stroke: str, sw: float,
           opacity: float = 1.0) -> str:
    style = f'fill="{fill}" fill-opacity="{opacity}" stroke="{stroke}" stroke-width="{sw}"'
    if shape == "square":
        return f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r:.1f}" height="{2 * r:.1f}" {style}/>'
    if shape == "triangle":
        pts = f"{x:.1f},{y - r * 1.2:.1f} {x - r * 1.1:.1f},{y + r * 0.8:.1f} {x + r * 1.1:.1f},{y + r * 0.8:.1f}"
        return f'<polygon points="{pts}" {style}/>'
    if shape == "diamond":
        pts = f"{x:.1f},{y - r * 1.3:.1f} {x + r * 1.3:.1f},{y:.1f} {x:.1f},{y + r * 1.3:.1f} {x - r * 1.3:.1f},{y:.1f}"
        return f'<polygon points="{pts}" {style}/>'
    if shape == "cross":
        d = f"M{x - r:.1f},{y - r:.1f} L{x + r:.1f},{y + r:.1f} M{x - r:.1f},{y + r:.1f} L{x + r:.1f},{y - r:.1f}"
        return f'<path d="{d}" stroke="{stroke}" stroke-width="{sw + 1}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" {style}/>'


def _box(x: float, y: float, r: float) -> Box:
    return (x - r, y - r, x + r, y + r)


def _label(p: Point, x: float, y: float, r: float, placed: list[Box], markers: list[Box], width: int) -> str:
    """The first spot around the marker (right, left, above, below, then the diagonals) inside the
    plot and free of other labels and markers; a highlighted point, when every spot covers a
    marker, takes the first spot free of labels. None found: no label (the tooltip names it)."""
    size = 12 if p.highlight else 10
    content = ("▶ " if p.highlight else "") + p.label
    w, h = text_width(content, size), size + 2
    up, down = y - r - 5, y + r + size + 2
    spots = ((x + r + 4, y + 4, "start"), (x - r - 4, y + 4, "end"), (x, up, "middle"), (x, down, "middle"),
             (x + r, up, "start"), (x - r, up, "end"), (x + r, down, "start"), (x - r, down, "end"))
    boxes = []
    for bx, by, anchor in spots:
        left = bx - (w if anchor == "end" else w / 2 if anchor == "middle" else 0)
        box = (left, by - size, left + w, by - size + h)
        if box[0] >= LEFT - 40 and box[2] <= width - 2 and box[1] >= TOP and box[3] <= HEIGHT - BOTTOM and \
                not any(_overlap(box, other) for other in placed):
            boxes.append((box, bx, by, anchor))
    clear = [b for b in boxes if not any(_overlap(b[0], m) for m in markers)]
    chosen = clear[0] if clear else boxes[0] if boxes and p.highlight else None
    if chosen is None:
        return ""
    box, bx, by, anchor = chosen
    placed.append(box)
    return text(bx, by, content, anchor, size, "bold" if p.highlight else "normal", INK, ' class="label"')


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
