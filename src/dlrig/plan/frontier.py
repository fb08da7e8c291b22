"""The cost/throughput frontier, and one box against several smaller ones.

``frontier``: the epsilon-constraint method: the cheapest build, then repeatedly the cheapest
build with more throughput than the last, up to the budget. Every point is Pareto-optimal
(no build is both cheaper and faster), each proven like a plan, all on one model (each GPU
option's platform is solved once for all the points). ``budget_frontier``: the plan's answer at
each of many budgets, on one model.

``multibox``: the seed post weighs one machine with 4 TITAN X against 2 machines with 8 GTX
980s. For k boxes the planner finds the cheapest box giving 1/k of the one-box throughput,
with at most the one box's GPU count; k of them cost k times as much. Throughput across boxes
is simply added: it holds for independent jobs (the post runs 4 models at once), and is an
upper bound for one data-parallel job (the network between boxes is not modelled).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from dlrig.errors import BadInput, Infeasible
from dlrig.plan.plan import budget_cents, candidates_for
from dlrig.plan.request import PlanRequest, validate
from dlrig.plan.solver import PlanModel, Selection, optimize

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
    start = time.perf_counter()
    model = PlanModel(cands, req)  # one model: each point adds its throughput bound to it
    points: list[FrontierPoint] = []
    t_min = 0
    for _ in range(MAX_FRONTIER_POINTS):
        res = model.optimize("min-cost", budget_cents(req), min_t_int=t_min)
        ms = (time.perf_counter() - start) * 1000
        if res.selection is None:
            if res.status != "INFEASIBLE" and points:  # a solve ran out of time: more points may exist
                return Frontier(tuple(points), cands.throughput_unit, ms, complete=False)
            break
        sel = res.selection
        points.append(FrontierPoint(sel, sel.parts_usd * (1 + req.tax_rate), sel.throughput, res.optimal))
        t_min = model.t_int(sel) + 1
    else:
        return Frontier(tuple(points), cands.throughput_unit, ms, complete=False)
    if not points:
        raise Infeasible("no build meets the request at any cost within the budget", ["budget"])
    return Frontier(tuple(points), cands.throughput_unit, ms, complete=True)


def budget_frontier(req: PlanRequest, budgets: Sequence[float], catalog: Catalog | None = None
                    ) -> list[Selection | None]:
    """The plan's answer (its objective, no alternatives) at each budget: one candidate table and
    one model for all of them. From the largest budget down, an answer that costs no more than the
    next budget is the answer there too (whatever is within the smaller budget was within the
    larger one, and the answer beat it), so the model is solved again only below its cost."""
    from dlrig.catalog.store import default_catalog

    catalog = catalog or default_catalog()
    validate(req)
    _, cands = candidates_for(req, catalog)
    model = PlanModel(cands, req)
    out: dict[float, Selection | None] = {}
    best: Selection | None = None
    for usd in sorted(set(budgets), reverse=True):
        cap = budget_cents(replace(req, budget_usd=usd))
        if out and best is None:
            pass  # nothing within a larger budget: nothing within this one
        elif best is None or cap is None or best.cents > cap:
            best = model.optimize(req.objective, cap).selection
        out[usd] = best
    return [out[b] for b in budgets]


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
