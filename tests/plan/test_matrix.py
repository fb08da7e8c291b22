"""Issue 14's done-when matrix on today's market: models x precisions x budgets.

For every planned build: no part fails the feasibility rule (dlrig.feasibility), and the
throughput the plan prints is what ``dlrig estimate`` gives for the build file the plan writes,
within 1%.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dlrig.build import save_build
from dlrig.catalog.store import default_catalog
from dlrig.feasibility import check
from dlrig.plan.candidates import plan_need
from dlrig.plan.plan import file_build, plan
from dlrig.plan.request import PlanRequest
from dlrig.services.estimate import EstimateRequest, estimate
from dlrig.services.inputs import load_build_file
from dlrig.workload_request import WorkloadRequest as W

WORKLOADS = {
    "resnet50-fp16": W(model="resnet50", precision="fp16"),
    "resnet50-bf16": W(model="resnet50", precision="bf16"),
    "llama-3-8b-qlora": W(model="llama-3-8b", qlora=True),
    "gpt2-bf16": W(model="gpt2", precision="bf16"),
}
BUDGETS = (3000.0, 6000.0, 12000.0)


@pytest.mark.parametrize("budget", BUDGETS)
@pytest.mark.parametrize("workload", list(WORKLOADS))
def test_plan_is_feasible_and_prints_the_estimate_of_its_build(workload: str, budget: float, tmp_path: Path) -> None:
    cat = default_catalog()
    p = plan(PlanRequest(budget_usd=budget, workload=WORKLOADS[workload], alternatives=2), cat)
    need = plan_need(p.request, cat.book_info(p.request.prices))
    for sel in (p.selection, *(a.selection for a in p.alternatives)):
        assert check(sel.option.gpu, need) is None, sel.option.gpu.name
    path = tmp_path / "plan.yaml"
    save_build(file_build(p.build, cat), path)
    got = estimate(EstimateRequest(build=load_build_file(path, cat)), cat)
    assert p.throughput == pytest.approx(got.pipeline.achieved_samples_per_s, rel=0.01)  # type: ignore[union-attr]
    assert p.total_usd <= budget
    vram = sum((i.part.vram_gb or 0) * i.count for i in p.build.lines("gpu"))  # type: ignore[attr-defined]
    assert (p.build.ram_gb or 0) >= vram  # a recommended build


def test_the_issue_example_is_capped_where_the_estimate_caps_it() -> None:
    """Issue 14: 4 GPUs for resnet50 at bf16 under $10,000 claimed 3,069 img/s where the estimate
    of that build said the CPU caps it near 2,000; the plan's figure is now the estimate's."""
    cat = default_catalog()
    p = plan(PlanRequest(budget_usd=10000, gpus_min=4, gpus_max=4, workload=W(model="resnet50", precision="bf16"),
                         alternatives=0), cat)
    got = estimate(EstimateRequest(build=p.build), cat)
    assert p.throughput == pytest.approx(got.pipeline.achieved_samples_per_s, rel=0.01)  # type: ignore[union-attr]
    assert got.pipeline.bottleneck == "GPU compute"  # type: ignore[union-attr]  # a recommended CPU keeps up


def test_a_throughput_target_holds_end_to_end() -> None:
    """A samples/s target is met by the estimate of the build, not only by its GPUs."""
    cat = default_catalog()
    p = plan(PlanRequest(objective="min-cost", throughput=2000, workload=W(model="resnet50"), alternatives=0), cat)
    got = estimate(EstimateRequest(build=p.build), cat)
    assert got.pipeline.achieved_samples_per_s >= 2000 * 0.999  # type: ignore[union-attr]
