"""Chart specs from dlrig's result objects: pure functions, no drawing (``svg.render`` draws them).

The HTML report, ``dlrig gpus --plot``, ``dlrig plan --frontier --plot`` and
``dlrig estimate --plot`` all build their charts here, so a chart looks the same everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from dlrig.catalog.models import CATEGORIES
from dlrig.report.svg import Bar, Bars, Point, Rule, Scatter, Segment, Stack, Stacked, fmt

if TYPE_CHECKING:
    from dlrig.catalog.models import Psu
    from dlrig.catalog.ranking import Ranking
    from dlrig.cost.purchase import Purchase
    from dlrig.power import PowerBudget
    from dlrig.regions import Region
    from dlrig.workload.memory import MemoryEstimate
    from dlrig.workload.pipeline import Pipeline

CATEGORY_LABEL = {"gpu": "GPUs", "cpu": "CPU", "cooler": "CPU cooler", "motherboard": "Motherboard",
                  "memory": "Memory", "storage": "Storage", "psu": "Power supply", "case": "Case"}
FrontierPoint = tuple[float, float, str]  # (cost_usd, throughput, label)


def cost_chart(purchase: Purchase, uid: str = "cost") -> Bars:
    """Money per category, in catalog order; a category with an unpriced part says so."""
    bars = []
    for cat in sorted({line.category for line in purchase.lines}, key=_category_order):
        lines = [line for line in purchase.lines if line.category == cat]
        known = [line.line_usd for line in lines if line.line_usd is not None]
        missing = sum(1 for line in lines if line.line_usd is None and not line.bundle)  # bundled: priced
        value = sum(known) if known else None
        shown = fmt(value, "$") if value is not None else ("unpriced" if missing else "in a bundle")
        if known and missing:
            shown += f" + {missing} unpriced"
        bars.append(Bar(CATEGORY_LABEL.get(cat, cat), value, shown))
    total = purchase.parts_usd
    desc = (f"Parts cost by category from price book {purchase.book}: "
            + "; ".join(f"{b.label} {b.text}" for b in bars) + f". Priced parts total {fmt(total, '$')}.")
    return Bars(uid, f"Cost by category (prices: {purchase.book})", desc, "USD", tuple(bars), prefix="$")


def _category_order(cat: str) -> int:
    return CATEGORIES.index(cat) if cat in CATEGORIES else len(CATEGORIES)


def power_chart(budget: PowerBudget, wall_w: float, psu: Psu | None, region: Region,
                uid: str = "power") -> Stacked:
    """DC load and wall draw against the PSU's rating, the PSU rule of thumb and the circuit."""
    parts = (Segment("GPUs", budget.gpus_w), Segment("CPU", budget.cpu_w), Segment("rest of system", budget.rest_w))
    stacks = (Stack("DC load", parts, f"{budget.dc_w:,.0f} W"),
              Stack("At the wall", (*parts, Segment("PSU loss", max(wall_w - budget.dc_w, 0.0))),
                    f"{wall_w:,.0f} W"))
    rules = []
    if psu is not None and psu.wattage_w:
        rules.append(Rule("PSU rating", psu.wattage_w))
    rules += [Rule("PSU size (Dettmers)", budget.recommended_psu_w),
              Rule(f"circuit {region.continuous_fraction:.0%} continuous", region.continuous_w)]
    unknown = f" Power unknown for {', '.join(budget.unknown)} (counted as 0 W)." if budget.unknown else ""
    desc = (f"DC load {budget.dc_w:,.0f} W (GPUs {budget.gpus_w:,.0f} W, CPU {budget.cpu_w:,.0f} W, rest "
            f"{budget.rest_w:,.0f} W); about {wall_w:,.0f} W at the wall; "
            + "; ".join(f"{r.label} {r.value:,.0f} W" for r in rules) + f" ({region.description}).{unknown}")
    return Stacked(uid, "Power: load against the PSU and the wall circuit", desc, "watts", stacks, tuple(rules))


def pipeline_chart(pipeline: Pipeline, unit: str = "sample", uid: str = "pipeline") -> Bars:
    """Each stage's supply against the GPUs' demand; the binding stage is marked."""
    bars = tuple(Bar(s.name, s.supply_samples_per_s,
                     "unknown" if s.supply_samples_per_s is None else f"{fmt(s.supply_samples_per_s)}/s",
                     mark="bottleneck" if s.name == pipeline.bottleneck else "")
                 for s in pipeline.stages)
    desc = (f"Data pipeline: GPUs demand {fmt(pipeline.demand_samples_per_s)} {unit}s/s; "
            + "; ".join(f"{b.label} supplies {b.text}" for b in bars)
            + f". Bottleneck: {pipeline.bottleneck}.")
    return Bars(uid, f"Data pipeline: {unit}s per second by stage", desc, f"{unit}s/s",
                bars, (Rule("GPU demand", pipeline.demand_samples_per_s),), log=True)


def memory_chart(memory: MemoryEstimate, uid: str = "memory") -> Stacked:
    """Memory per GPU by part (weights, gradients, optimizer, activations, ...) against VRAM."""
    segments = tuple(Segment(k.replace("_", " "), v) for k, v in memory.breakdown_gb.items() if v > 0)
    low, high = memory.per_gpu_gb_range
    stack = Stack("per GPU", segments, f"{memory.per_gpu_gb:,.1f} GB ({low:,.1f}-{high:,.1f})")
    rules = (Rule("VRAM", memory.vram_gb),) if memory.vram_gb else ()
    verdict = {None: "VRAM unknown", True: "fits", False: "does not fit"}[memory.fits]
    desc = (f"Memory per GPU {memory.per_gpu_gb:,.1f} GB (range {low:,.1f}-{high:,.1f}): "
            + "; ".join(f"{s.label} {s.value:,.2f} GB" for s in segments)
            + (f"; VRAM {memory.vram_gb:g} GB" if memory.vram_gb else "") + f"; {verdict}.")
    return Stacked(uid, f"Memory per GPU (GB): {verdict}", desc, "GB", (stack,), rules)


def gpu_chart(ranking: Ranking, chosen: Iterable[str] = (), uid: str = "gpus",
              title: str | None = None) -> Scatter:
    """Throughput against price, VRAM as marker size, kind as marker shape; ``chosen`` chip ids stand out."""
    wanted = set(chosen)
    points = tuple(Point(r.price.usd, r.tflops, r.label, size=r.gpu.vram_gb, group=r.gpu.kind or "unknown kind",
                         highlight=r.gpu.id in wanted) for r in ranking.rows)
    p = ranking.precision
    best = sorted(ranking.rows, key=lambda r: -r.gflops_per_usd)[:3]
    desc = (f"{len(points)} GPUs priced in book {ranking.book}: dense {p} TFLOPS against price in USD, "
            f"marker size VRAM. Best GFLOPS per dollar: "
            + ", ".join(f"{r.label} {r.gflops_per_usd:,.1f}" for r in best) + ".")
    chosen_rows = [r for r in ranking.rows if r.gpu.id in wanted]
    if chosen_rows:
        desc += " This build's GPU: " + ", ".join(f"{r.label} ({fmt(r.price.usd, '$')}, {r.tflops:,.1f} TFLOPS, "
                                                   f"{r.gflops_per_usd:,.1f} GFLOPS/$)" for r in chosen_rows) + "."
    return Scatter(uid, title or f"GPUs: {p} TFLOPS against price (prices: {ranking.book})", desc, "price (USD)",
                   f"{p} TFLOPS (dense)", points, log_x=True, log_y=True, size_note="marker size: VRAM",
                   x_prefix="$", max_labels=30)


def frontier_chart(points: Sequence[FrontierPoint], uid: str = "frontier", unit: str = "",
                   chosen_usd: float | None = None) -> Scatter:
    """The plan frontier: each build's cost against its throughput, joined in cost order; the
    point costing ``chosen_usd`` (the plan's answer) stands out."""
    pts = tuple(Point(float(c), float(t), str(label), highlight=chosen_usd is not None and abs(c - chosen_usd) < 0.01)
                for c, t, label in points)
    desc = (f"{len(pts)} builds, cost against throughput: "
            + "; ".join(f"{p.label} {fmt(p.x, '$')} -> {fmt(p.y)}" for p in sorted(pts, key=lambda p: p.x)) + ".")
    return Scatter(uid, "Plan frontier: throughput against cost", desc, "cost (USD)",
                   f"throughput ({unit})" if unit else "throughput",
                   pts, connect=True, x_prefix="$", max_labels=60)


def frontier_points(frontier: Any) -> list[FrontierPoint]:
    """A ``dlrig.plan.frontier.Frontier``'s builds as chart points, each labelled with its GPUs."""
    return [(p.total_usd, p.throughput, f"{p.selection.option.gpus} x {p.selection.option.gpu.name}")
            for p in frontier.points]


def frontier_chart_of(frontier: Any, uid: str = "frontier", chosen_usd: float | None = None) -> Scatter:
    """``frontier_chart`` of a ``dlrig.plan.frontier.Frontier``."""
    return frontier_chart(frontier_points(frontier), uid, frontier.throughput_unit, chosen_usd)


def estimate_charts(estimate: Any) -> list[Stacked | Bars]:
    """An estimate's two charts: memory per GPU, and the data pipeline."""
    unit = getattr(getattr(estimate, "model", None), "sample_unit", "sample")
    return [memory_chart(estimate.memory), pipeline_chart(estimate.pipeline, unit)]
