"""The workload a plan is estimated on: the user's request with the defaults laid over it, and each
default said (the same assumptions ``fit`` prints).

- A language model's fine-tune (LoRA, QLoRA, or a full fine-tune over 1B parameters) takes
  today's recipe defaults (dlrig.workload.fit_defaults: sequence 2048, recomputation on,
  micro-batch 1, each with its source), where the user gave none.
- A market before tensor cores (the seed post's 2015 book) trains at FP32 where the workload names
  no precision: mixed precision (fp16 AMP) needs tensor cores to pay, and the cards of that market
  run fp16 at their FP32 rate or slower (dlrig.defaults.comparison_precision).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from dlrig.plan.request import PlanRequest

if TYPE_CHECKING:
    from dlrig.catalog.models import PriceBookInfo
    from dlrig.workload.fit_defaults import Assumption


def with_defaults(req: PlanRequest, market: PriceBookInfo | None) -> tuple[PlanRequest, tuple[Assumption, ...]]:
    """(the request the planner estimates, the assumptions behind its workload); no workload: none."""
    w = req.workload
    if w is None or w.infer:
        return req, ()
    from dlrig.defaults import PRE_TENSOR_CORE_PRECISION, comparison_precision
    from dlrig.workload.estimate import default_batch, default_precision, validate_request
    from dlrig.workload.fit_defaults import Assumption, training_recipe

    model = validate_request(w)
    precision = w.precision or default_precision(model)
    era = []
    if w.precision is None and comparison_precision(market) == PRE_TENSOR_CORE_PRECISION:
        precision = PRE_TENSOR_CORE_PRECISION
        era = [Assumption("precision", precision, False,
                          "a market before tensor cores trains at FP32 (dlrig.defaults)")]
    recipe = training_recipe(w, model, precision, default_batch(model))
    sized = recipe.request
    if era:
        sized = sized.model_copy(update={"precision": precision})
    # the plan lays no sharding default over the request (fit's FSDP default is fit's own)
    rows = [a for a in recipe.assumptions if not (era and a.key == "precision") and a.key != "sharding"]
    return replace(req, workload=sized), (*era, *rows)
