"""``plan --infer`` on the packaged catalog: the cheapest build meets the target where the
request says it is judged, the search keeps its promises (smallest count, cheapest first,
alternatives dearer), and a no names its causes and evaluates its advice."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from dlrig.catalog.store import default_catalog
from dlrig.errors import BadInput
from dlrig.feasibility import Need, exclusions
from dlrig.plan.infer import InferInfeasible, InferPlan, InferTarget, Rates, plan_inference, validate_infer
from dlrig.plan.request import PlanRequest
from dlrig.workload.inference import estimate_inference
from dlrig.workload_request import WorkloadRequest

LLAMA_70B = WorkloadRequest(model="llama-3-70b", infer=True, weights="q4_k_m", seq=8192)
LLAMA_8B = WorkloadRequest(model="llama-3-8b", infer=True, weights="q4_k_m", seq=8192)


@pytest.fixture(scope="module")
def catalog():  # type: ignore[no-untyped-def]
    return default_catalog()


@pytest.fixture(scope="module")
def plan_70b(catalog) -> InferPlan:  # type: ignore[no-untyped-def]
    return plan_inference(PlanRequest(workload=LLAMA_70B), InferTarget(15.0), catalog)


def test_the_70b_build_meets_the_target_at_the_low_end_and_holds_the_model(plan_70b: InferPlan) -> None:
    best = plan_70b.best
    s = best.speed
    assert s.tokens_per_s_range[0] >= 15.0  # the default basis: the low end of the printed range
    assert s.tokens_per_s_range[0] <= s.tokens_per_s <= s.tokens_per_s_range[1]
    assert s.prompt_tokens_per_s > 0
    pl = best.estimate.placement
    assert pl.fits and pl.cpu_layers == 0
    assert all(x.per_gpu_gb_range[1] <= x.capacity_gb for x in pl.shares)
    assert not [f for f in plan_70b.findings if f.severity == "problem"]
    assert best.build.workload == LLAMA_70B  # the build file carries the inference workload


def test_the_count_is_the_smallest_that_meets_it(plan_70b: InferPlan) -> None:
    """One card fewer of the chosen GPU either does not hold the model or is too slow."""
    o = plan_70b.best.selection.option
    if o.count > 1:
        spec = plan_70b.best.estimate.spec
        fewer = estimate_inference(replace(spec, offload=False), [o.gpu] * (o.count - 1))
        assert not fewer.placement.fits or fewer.speed is None or fewer.speed.tokens_per_s_range[0] < 15.0


def test_alternatives_are_other_chips_that_meet_it_and_cost_more(catalog) -> None:  # type: ignore[no-untyped-def]
    p = plan_inference(PlanRequest(workload=LLAMA_70B), InferTarget(15.0, "central"), catalog)
    assert p.best.speed.tokens_per_s >= 15.0
    assert p.alternatives  # several GPUs reach 15 tokens/s at the central estimate
    chips = [c.selection.option.gpu.chip_id or c.selection.option.gpu.id for c in (p.best, *p.alternatives)]
    assert len(set(chips)) == len(chips)
    for a in p.alternatives:
        assert a.total_usd >= p.best.total_usd and a.speed.tokens_per_s >= 15.0
    if p.cheaper is not None:  # the fastest cheaper build misses the target, or it would have been chosen
        assert p.cheaper.total_usd < p.best.total_usd and p.cheaper.speed.tokens_per_s < 15.0


def test_the_central_basis_never_costs_more_than_the_low_end(catalog, plan_70b: InferPlan) -> None:  # type: ignore[no-untyped-def]
    central = plan_inference(PlanRequest(workload=LLAMA_70B), InferTarget(15.0, "central"), catalog)
    assert central.best.total_usd <= plan_70b.best.total_usd


def test_a_smaller_model_gets_a_cheaper_build(catalog, plan_70b: InferPlan) -> None:  # type: ignore[no-untyped-def]
    small = plan_inference(PlanRequest(workload=LLAMA_8B), InferTarget(30.0), catalog)
    assert small.best.speed.tokens_per_s_range[0] >= 30.0
    assert small.best.total_usd < plan_70b.best.total_usd


def test_no_chosen_card_is_one_feasibility_sets_aside(catalog, plan_70b: InferPlan) -> None:  # type: ignore[no-untyped-def]
    for c in (plan_70b.best, *plan_70b.alternatives):
        assert exclusions(c.selection.option.gpu, Need(precision=None)) == ()


def test_an_impossible_target_names_the_fastest_and_advises(catalog) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InferInfeasible) as info:
        plan_inference(PlanRequest(workload=LLAMA_70B), InferTarget(500.0), catalog)
    exc = info.value
    assert exc.exit_code == 1
    assert exc.causes[0].code == "INFER-SPEED" and exc.causes[0].field == "tokens_per_s"
    advice = {a.code: a for a in exc.advice}
    best = advice["BEST-REACHABLE"]
    assert best.tokens_per_s is not None and best.tokens_per_s < 500.0 and best.total_usd
    assert advice["INFER-WEIGHTS"].field == "weights" and "q3_k_m" in advice["INFER-WEIGHTS"].message
    assert advice["INFER-SEQ"].field == "seq" and "4,096" in advice["INFER-SEQ"].message
    assert "--" not in exc.message  # core messages name fields, not flags
    doc = exc.to_json()
    assert doc["causes"] and doc["advice"]


def test_a_budget_that_binds_says_what_the_target_costs_and_what_the_budget_buys(catalog) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InferInfeasible) as info:
        plan_inference(PlanRequest(workload=LLAMA_70B, budget_usd=2000.0), InferTarget(15.0), catalog)
    exc = info.value
    assert exc.causes[0].code == "BUDGET" and exc.causes[0].field == "budget_usd"
    best = next(a for a in exc.advice if a.code == "BEST-REACHABLE")
    assert best.total_usd is not None and best.total_usd <= 2000.0
    assert best.tokens_per_s is not None and best.tokens_per_s < 15.0


@pytest.mark.parametrize(("target", "workload", "field"), [
    (InferTarget(-3.0), LLAMA_70B, "tokens_per_s"),
    (InferTarget(0.0), LLAMA_70B, "tokens_per_s"),
    (InferTarget(math.nan), LLAMA_70B, "tokens_per_s"),
    (InferTarget(10.0, "high"), LLAMA_70B, "speed_basis"),
    (InferTarget(10.0), LLAMA_70B.model_copy(update={"weights": "q9"}), "weights"),
    (InferTarget(10.0), LLAMA_70B.model_copy(update={"kv_cache": "q7"}), "kv_cache"),
    (InferTarget(10.0), WorkloadRequest(model="resnet50", infer=True), "model"),
    (InferTarget(10.0), LLAMA_70B.model_copy(update={"seq": 10**6}), "seq"),
])
def test_bad_input_names_its_field(target: InferTarget, workload: WorkloadRequest, field: str) -> None:
    with pytest.raises(BadInput) as info:
        validate_infer(PlanRequest(workload=workload), target)
    assert info.value.field == field and info.value.exit_code == 2


def test_rates_are_shared_by_cards_with_the_same_figures(catalog) -> None:  # type: ignore[no-untyped-def]
    spec = validate_infer(PlanRequest(workload=LLAMA_8B), InferTarget(1.0))
    rates = Rates(spec)
    gpu = next(g for g in catalog.gpu_chips() if g.name == "GeForce RTX 3090")
    renamed = gpu.model_copy(update={"id": "gpu/other-board", "name": "another board"})
    assert rates.of(gpu, 1) is rates.of(renamed, 1)
    direct = estimate_inference(spec, [gpu])
    assert direct.speed is not None and rates.of(gpu, 1).tokens_per_s == direct.speed.tokens_per_s


def test_a_market_with_no_card_that_runs_it_today_says_so(catalog) -> None:  # type: ignore[no-untyped-def]
    """The seed post's 2015 cards (Maxwell, Kepler) are set aside by today's framework builds."""
    with pytest.raises(InferInfeasible) as info:
        plan_inference(PlanRequest(workload=LLAMA_8B, prices="seed-2015"), InferTarget(5.0), catalog)
    cause = info.value.causes[0]
    assert cause.code == "INFER-NO-CARDS" and cause.field == "prices" and "software-" in cause.message


def test_the_platform_is_a_recommended_build_unless_minimal(catalog, plan_70b: InferPlan) -> None:  # type: ignore[no-untyped-def]
    """RAM holds every GPU's memory (the weights file stays in the page cache); --minimal is cheaper."""
    b = plan_70b.best.build
    vram = sum(float(g.vram_gb or 0) for g in b.gpus)
    assert (b.ram_gb or 0) >= vram
    minimal = plan_inference(PlanRequest(workload=LLAMA_70B, minimal=True), InferTarget(15.0), catalog)
    assert minimal.best.total_usd <= plan_70b.best.total_usd


def test_an_intel_arc_answer_sits_on_a_platform_with_resizable_bar(catalog) -> None:  # type: ignore[no-untyped-def]
    """The 8B answer is an Arc card: its CPU is of a generation Intel lists for Arc (GPU-REBAR)."""
    from dlrig.rules.platform import REBAR_YES

    result = plan_inference(PlanRequest(workload=LLAMA_8B), InferTarget(30.0), catalog)
    assert not [f for f in result.findings if f.code == "GPU-REBAR"]
    best = result.best
    if any(g.name.startswith("Arc ") for g in best.build.gpus):
        assert best.build.cpu is not None and best.build.cpu.microarchitecture in REBAR_YES
