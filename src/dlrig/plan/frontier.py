"""The cost/throughput frontier, and one box against several smaller ones.

``frontier``: the epsilon-constraint method: the cheapest build, then repeatedly the cheapest
build with more throughput than the last, up to the budget. Every point is Pareto-optimal
(no build is both cheaper and faster), each proven by CP-SAT like a plan.

``multibox``: the seed post weighs one machine with 4 TITAN X against 2 machines with 8 GTX
980s. For k boxes the planner finds the cheapest box giving 1/k of the one-box throughput,
with at most the one box's GPU count; k of them cost k times as much. Throughput across boxes
is simply added: it holds for independent jobs (the post runs 4 models at once), and is an
upper bound for one data-parallel job (the network between boxes is not modelled).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from dlrig.errors import BadInput, Infeasible
from dlrig.plan.plan import budget_cents, candidates_for
from dlrig.plan.request import PlanRequest, validate
from dlrig.plan.solver import Selection, optimize, throughput_scale

if TYPE_CHECKING:
    from dlrig.catalog.protocol import CatalogQueries as Catalog

MAX_FRONTIER_POINTS = 30
MAX_BOXES = 4


@dataclass(frozen=True)
class FrontierPoint:
    selection: Selection
    total_usd: float
    throughput: float
    optimal: bool


@dataclass(frozen=True)
class Frontier:
    points: tuple[FrontierPoint, ...]
    throughput_unit: str
    solve_ms: float
    complete: bool  # False when MAX_FRONTIER_POINTS cut it short

    def to_json(self) -> dict[str, object]:
        """The ``dlrig plan --frontier --json`` document."""
        return {"unit": self.throughput_unit, "complete": self.complete, "solve_ms": round(self.solve_ms, 1),
                "points": [{"total_usd": round(p.total_usd, 2), "throughput": p.throughput, "optimal": p.optimal,
                            "gpus": p.selection.option.gpus, "gpu": p.selection.option.gpu.name}
                           for p in self.points]}


def frontier(req: PlanRequest, catalog: Catalog) -> Frontier:
    validate(req)
    _, cands = candidates_for(req, catalog)
    scale = throughput_scale(cands)
    points: list[FrontierPoint] = []
    t_min, ms = 0, 0.0
    for _ in range(MAX_FRONTIER_POINTS):
        res = optimize(cands, req, budget_cents(req), "min-cost", min_t_int=t_min)
        ms += res.solve_ms
        if res.selection is None:
            break
        sel = res.selection
        points.append(FrontierPoint(sel, sel.parts_usd * (1 + req.tax_rate), sel.throughput, res.optimal))
        t_min = round(sel.throughput * scale) + 1
    else:
        return Frontier(tuple(points), cands.throughput_unit, ms, complete=False)
    if not points:
        raise Infeasible("no build meets the request at any cost within the budget", ["budget"])
    return Frontier(tuple(points), cands.throughput_unit, ms, complete=True)


@dataclass(frozen=True)
class BoxOption:
    boxes: int
    selection: Selection  # one box
    total_usd: float
    throughput: float  # all boxes together


def multibox(req: PlanRequest, one: Selection, boxes: int, catalog: Catalog) -> tuple[BoxOption, ...]:
    """One box (``one``, the plan's answer) against 2..``boxes`` smaller boxes of the same total
    throughput (see the module docstring)."""
    if not 2 <= boxes <= MAX_BOXES:
        raise BadInput(f"boxes must be 2 to {MAX_BOXES}, not {boxes}", field="boxes")
    rows = [BoxOption(1, one, one.parts_usd * (1 + req.tax_rate), one.throughput)]
    for k in range(2, boxes + 1):
        sub = replace(req, objective="min-cost", budget_usd=None, gpus_min=1, gpus_max=one.option.gpus,
                      throughput=math.nextafter(one.throughput / k, 0), vram_total_gb=None, time_to_train_h=None)
        try:
            _, cands = candidates_for(sub, catalog)
        except Infeasible:
            continue
        res = optimize(cands, sub, None, "min-cost")
        if res.selection is not None:
            s = res.selection
            rows.append(BoxOption(k, s, k * s.parts_usd * (1 + req.tax_rate), k * s.throughput))
    return tuple(rows)
