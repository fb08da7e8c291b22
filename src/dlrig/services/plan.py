"""``plan``: the best build for a goal, and the cost/throughput frontier (``dlrig plan``, ``POST /api/plan``).

The planner's solver (OR-Tools) is imported only here, when a plan is asked for; a surface
that cannot import it reports ``PlannerUnavailable`` and keeps its other pages working.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dlrig.errors import BadInput, DlrigError

if TYPE_CHECKING:
    from dlrig.catalog.protocol import CatalogQueries
    from dlrig.plan.frontier import BoxOption, Frontier
    from dlrig.plan.plan import Plan
    from dlrig.plan.request import PlanRequest


class PlannerUnavailable(DlrigError):
    """``dlrig.plan`` could not be imported (OR-Tools missing or broken here): HTTP 503."""

    def __init__(self, problem: str) -> None:
        super().__init__(f"the planner is unavailable in this installation ({problem}); "
                         "the ranking, checker and workload pages still work")


@dataclass(frozen=True)
class PlanResult:
    plan: Plan
    boxes: tuple[BoxOption, ...] | None = None  # one box against 2..N smaller ones, when asked

    def to_json(self) -> dict[str, Any]:
        doc = self.plan.to_json()
        if self.boxes is not None:
            doc["boxes"] = [{"boxes": r.boxes, "gpus_per_box": r.selection.option.gpus,
                             "gpu": r.selection.option.gpu.name, "total_usd": round(r.total_usd, 2),
                             "throughput": r.throughput} for r in self.boxes]
        return doc


def _planner() -> Any:
    try:
        from dlrig.plan import frontier, plan
    except ImportError as exc:
        raise PlannerUnavailable(f"cannot import dlrig.plan: {exc}") from None
    return plan, frontier


def plan(req: PlanRequest, catalog: CatalogQueries, boxes: int | None = None) -> PlanResult:
    """The provably best build, why each part, the alternatives; with ``boxes``, the comparison
    of one box with 2..``boxes`` smaller ones."""
    plan_mod, frontier_mod = _planner()
    if boxes is not None and not 2 <= boxes <= frontier_mod.MAX_BOXES:  # before the solve, not after it
        raise BadInput(f"boxes must be 2 to {frontier_mod.MAX_BOXES}, not {boxes}", field="boxes")
    result = plan_mod.plan(req, catalog)
    multi = tuple(frontier_mod.multibox(req, result.selection, boxes, catalog)) if boxes else None
    return PlanResult(plan=result, boxes=multi)


def frontier(req: PlanRequest, catalog: CatalogQueries) -> Frontier:
    """The cost/throughput Pareto frontier up to the budget."""
    _, frontier_mod = _planner()
    result: Frontier = frontier_mod.frontier(req, catalog)
    return result


def objectives() -> tuple[str, ...]:
    try:
        from dlrig.plan.request import OBJECTIVES
    except ImportError as exc:
        raise PlannerUnavailable(f"cannot import dlrig.plan: {exc}") from None
    return OBJECTIVES
