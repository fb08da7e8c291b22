"""``plan --infer``: the cheapest build that generates a language model's tokens at a target rate
(``dlrig plan --infer``; the core is :mod:`dlrig.plan.infer`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dlrig.services.plan import PlannerUnavailable

if TYPE_CHECKING:
    from dlrig.catalog.protocol import CatalogQueries
    from dlrig.plan.infer import InferPlan
    from dlrig.plan.request import PlanRequest

BASES = ("low", "central")  # dlrig.plan.infer.BASES, here so a surface can list them without the solver


@dataclass(frozen=True)
class InferPlanRequest:
    """The platform constraints (``plan``: budget, GPU counts, price book, region, tax, parts in
    or out) with the inference workload, and the target: generated tokens/s judged at ``basis``,
    "low" (the low end of the estimate's range, the default) or "central"."""

    plan: PlanRequest
    tokens_per_s: float
    basis: str = "low"


@dataclass(frozen=True)
class InferPlanResult:
    plan: InferPlan

    def to_json(self) -> dict[str, Any]:
        return self.plan.to_json()


def plan_infer(req: InferPlanRequest, catalog: CatalogQueries) -> InferPlanResult:
    """The cheapest checker-clean build meeting the target; ``InferInfeasible`` (exit 1) with
    causes and advice when none does; ``BadInput`` (exit 2) naming the field."""
    try:
        from dlrig.plan.infer import InferTarget, plan_inference
    except ImportError as exc:
        raise PlannerUnavailable(f"cannot import dlrig.plan: {exc}") from None
    return InferPlanResult(plan_inference(req.plan, InferTarget(req.tokens_per_s, req.basis), catalog))
