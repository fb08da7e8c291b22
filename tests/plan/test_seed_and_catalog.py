"""The "done when" requests on the packaged catalog, and requests that must fail cleanly."""

from __future__ import annotations

from dataclasses import replace

import pytest

from dlrig.catalog.store import Catalog, default_catalog
from dlrig.errors import BadInput, Infeasible
from dlrig.plan.plan import plan
from dlrig.plan.request import PlanRequest, parse_gpu_count
from dlrig.workload_request import WorkloadRequest as W

BOOK = "test-book"  # the small catalog's price book (conftest.py)
SEED = {"prices": "seed-2015", "gpus_min": 4, "gpus_max": 4, "precision": "fp32", "alternatives": 1}


def test_seed_minimal_max_throughput_is_four_titan_x() -> None:
    """--minimal: the cheapest build that passes the checker, the seed post's four TITAN X."""
    p = plan(PlanRequest(objective="max-throughput", minimal=True, **SEED), default_catalog())  # type: ignore[arg-type]
    assert p.optimal
    assert p.selection.option.count == 4
    assert "titan x" in p.selection.option.gpu.name.lower()
    assert not [f for f in p.findings if f.severity == "problem"]
    assert any("nearest dated" in n for n in p.notes)  # borrowed platform prices are named
    # A 2015 market: no part released after 2015 comes in on a borrowed later price, and four
    # cards get the 40 lanes of a Haswell-E i7-5930K/5960X, not the seed's 28-lane i7-5820K.
    cpu = p.selection.parts["cpu"].part
    assert cpu.release_year is not None and cpu.release_year <= 2015 and cpu.pcie_lanes == 40
    assert all((getattr(r.part, "release_year", None) or 0) <= 2015 for r in p.selection.parts.values())


def test_seed_recommended_plan_fills_the_channels_and_feeds_each_gpu() -> None:
    """The default (recommended) seed-market plan: RAM at least the GPUs' total memory, in every
    memory channel of the CPU, and at least two cores per GPU (issue 14). On the 2015 book, four
    12 GB TITAN X would need 48 GB in four channels, which no priced board and kit of that market
    give together with 40 CPU lanes; four 980 Ti (24 GB) get 32 GB in four modules."""
    p = plan(PlanRequest(objective="max-throughput", **SEED), default_catalog())  # type: ignore[arg-type]
    build = p.build
    vram = sum((i.part.vram_gb or 0) * i.count for i in build.lines("gpu"))  # type: ignore[attr-defined]
    kit = p.selection.parts["memory"].part
    cpu = p.selection.parts["cpu"].part
    assert (build.ram_gb or 0) >= vram
    assert kit.modules >= (cpu.memory_channels or 2)  # type: ignore[attr-defined]
    assert (cpu.cores or 0) >= 2 * build.gpu_count  # type: ignore[attr-defined]
    assert not [f for f in p.findings if f.severity == "problem"]


def test_seed_perf_per_dollar_is_980_ti() -> None:
    p = plan(PlanRequest(objective="perf-per-dollar", **SEED), default_catalog())  # type: ignore[arg-type]
    assert p.optimal
    assert p.selection.option.gpu.name == "GeForce GTX 980 Ti"
    assert p.alternatives and p.alternatives[0].why_lost.endswith(")")


def test_resnet50_bf16_under_10000() -> None:
    req = PlanRequest(budget_usd=10000, gpus_min=4, gpus_max=4, workload=W(model="resnet50", precision="bf16"),
                      alternatives=0)
    p = plan(req, default_catalog())
    assert p.optimal and p.total_usd <= 10000
    assert p.solve_ms < 5000
    assert not [f for f in p.findings if f.severity == "problem"]
    assert p.throughput_unit == "samples/s"


@pytest.mark.parametrize(("req", "error", "text"), [
    (lambda: PlanRequest(budget_usd=-5), BadInput, "budget"),
    (lambda: PlanRequest(gpus_min=0, gpus_max=0, throughput=100), BadInput, "at least one GPU"),
    (lambda: PlanRequest(objective="fastest"), BadInput, "objective"),  # type: ignore[arg-type]
    (lambda: PlanRequest(budget_usd=float("nan")), BadInput, "finite"),
    (lambda: PlanRequest(prices=BOOK, precision="fp32", exclude=("e",)), Infeasible, "no gpu is left"),
    (lambda: PlanRequest(prices=BOOK, precision="fp32",
                         gpus_min=2, gpus_max=2, budget_usd=1000), Infeasible, "the cheapest is"),
    (lambda: PlanRequest(prices=BOOK, workload=W(model="resnet50", recompute="full")), BadInput,
     "transformers only"),
    (lambda: PlanRequest(prices=BOOK, workload=W(model="resnet50", batch=0)), BadInput, "batch"),
    (lambda: PlanRequest(prices=BOOK, workload=W(model="resnet50", lora=True)), BadInput, "apply to transformers"),
    # only the 850 W PSU left: 3 cards + CPU need ~1,080 W by Dettmers' rule, and the error says so
    (lambda: PlanRequest(prices=BOOK, precision="fp32",
                         gpus_min=3, gpus_max=3, exclude=("1600",)), Infeasible, "big enough PSU"),
    (lambda: PlanRequest(prices=BOOK, gpus_min=1, gpus_max=1,
                         workload=W(model="llama-3-8b", precision="bf16", batch=1, seq=2048)),
     Infeasible, "does not fit"),  # full fine-tuning of 8B: ~128 GB of state, on one card
])
def test_bad_requests_fail_cleanly(small_catalog: Catalog, req, error: type, text: str) -> None:
    with pytest.raises(error) as info:
        plan(req(), small_catalog)
    assert text in str(info.value)


def test_parse_gpu_count() -> None:
    assert parse_gpu_count("4") == (4, 4)
    assert parse_gpu_count("2-4") == (2, 4)
    with pytest.raises(BadInput):
        parse_gpu_count("4-2")
    with pytest.raises(BadInput):
        parse_gpu_count("many")


def test_frontier_is_pareto(small_catalog: Catalog) -> None:
    from dlrig.plan.frontier import frontier

    f = frontier(PlanRequest(prices=BOOK, precision="fp32",
                             gpus_min=1, gpus_max=3, region="us-240v", budget_usd=8000), small_catalog)
    costs = [p.total_usd for p in f.points]
    speeds = [p.throughput for p in f.points]
    assert len(f.points) >= 3 and f.complete
    assert costs == sorted(costs) and speeds == sorted(speeds)
    assert len(set(speeds)) == len(speeds)


def test_multibox_compares_one_box_with_two(small_catalog: Catalog) -> None:
    from dlrig.plan.frontier import multibox

    req = PlanRequest(prices=BOOK, precision="fp32", gpus_min=2, gpus_max=2, region="us-240v", alternatives=0)
    one = plan(req, small_catalog).selection
    rows = multibox(req, one, 2, small_catalog)
    assert rows[0].boxes == 1
    assert rows[-1].boxes == 2 and rows[-1].throughput >= one.throughput * 0.999


RDIMM_WHY = "registered (RDIMM): plans use unbuffered memory; include a registered kit to use one"


@pytest.mark.parametrize("objective", ["min-cost", "max-throughput", "perf-per-dollar"])
def test_plans_leave_out_registered_kits(small_catalog: Catalog, objective: str) -> None:
    """The two cheapest kits are RDIMMs: no plan uses them unless the buyer names one."""
    req = PlanRequest(prices=BOOK, precision="fp32",
                      objective=objective, gpus_min=1, gpus_max=2,  # type: ignore[arg-type]
                      region="us-240v", alternatives=0)
    p = plan(req, small_catalog)
    assert not p.selection.parts["memory"].part.registered  # type: ignore[attr-defined]
    from dlrig.plan.plan import candidates_for

    full, _ = candidates_for(req, small_catalog)
    assert full.dropped["memory"][RDIMM_WHY] == 2
    assert all(not r.part.registered for r in full.platform["memory"])  # type: ignore[attr-defined]


def test_an_included_registered_kit_is_used(small_catalog: Catalog) -> None:
    req = PlanRequest(prices=BOOK, precision="fp32", objective="min-cost", gpus_min=1, gpus_max=1, region="us-240v",
                      alternatives=0, include=("Example 32GB (2 x 16GB) DDR5 RDIMM",))
    p = plan(req, small_catalog)
    assert p.selection.parts["memory"].part.name == "Example 32GB (2 x 16GB) DDR5 RDIMM"
    assert not [f for f in p.findings if f.severity == "problem"]
    assert any(f.code == "MEMORY-REGISTERED" and f.severity == "note" for f in p.findings)


def test_an_included_rdimm_needs_a_board_with_ecc(small_catalog: Catalog) -> None:
    """The only DDR4 board in the small catalog (X99) has no ECC support: it leaves the table,
    counted, and no build is left."""
    from dlrig.plan.candidates import NO_ECC_WHY
    from dlrig.plan.plan import candidates_for

    req = PlanRequest(prices=BOOK, precision="fp32", gpus_min=1, gpus_max=1, region="us-240v", alternatives=0,
                      include=("Samsung M393A2G40EB1-CRC 16GB DDR4-2400",))
    full, _ = candidates_for(req, small_catalog)
    assert full.dropped["motherboard"][NO_ECC_WHY] == 1
    assert all(r.part.ecc_support is not False for r in full.platform["motherboard"])  # type: ignore[attr-defined]
    with pytest.raises(Infeasible):
        plan(req, small_catalog)


def test_a_fine_tuning_recipe_reaches_the_plan_and_its_build(small_catalog: Catalog) -> None:
    """QLoRA makes Llama-3-8B fit one 24 GB card; the planned build carries the recipe, so the
    checker (VRAM-WORKLOAD) and a later `dlrig estimate` of the saved build judge the same workload."""
    from dlrig.plan.plan import file_build

    req = PlanRequest(prices=BOOK, gpus_min=1, gpus_max=1, objective="min-cost", alternatives=0,
                      workload=W(model="llama-3-8b", precision="bf16", batch=1, seq=2048, qlora=True))
    p = plan(req, small_catalog)
    assert p.optimal and p.selection.option.count == 1
    assert not [f for f in p.findings if f.severity == "problem"]
    workload = file_build(p.build, small_catalog).workload
    assert workload is not None and workload.model_dump()["qlora"] is True and workload.model_dump()["seq"] == 2048
    amount = plan(PlanRequest(prices=BOOK, gpus_min=1, gpus_max=1, time_to_train_h=10_000, alternatives=0,
                              workload=W(model="resnet50", dataset="imagenet", epochs=90)), small_catalog)
    saved = file_build(amount.build, small_catalog).workload.model_dump()  # type: ignore[union-attr]
    assert saved["dataset"] == "imagenet" and saved["epochs"] == 90  # so `estimate` gives the time to train
    assert "QLoRA" in p.throughput_source


def test_the_plans_throughput_is_the_saved_builds_estimate() -> None:
    """Cards with their chip's figures share one estimate, but not one Lambda lookup: the plan
    must print what `dlrig estimate` says of the build it saves (it had printed a cached figure)."""
    from dlrig.plan.plan import file_build
    from dlrig.workload.estimate import estimate, machine_from_build, request_from_build

    catalog = default_catalog()
    p = plan(PlanRequest(budget_usd=12000, gpus_min=4, gpus_max=4, workload=W(model="resnet50"), alternatives=0),
             catalog)
    build = p.build
    e = estimate(request_from_build(build), machine_from_build(build))
    assert p.selection.option.throughput == pytest.approx(e.throughput.samples_per_s)
    assert file_build(build, catalog).workload.model_dump()["model"] == "resnet50"  # type: ignore[union-attr]


def test_a_bf16_plan_uses_only_cards_that_run_bf16(small_catalog: Catalog) -> None:
    """The estimate alone would model a TITAN X (no bf16) at its fp16 fallback; a plan must not buy it."""
    req = PlanRequest(prices=BOOK, gpus_min=1, gpus_max=1, workload=W(model="resnet50", precision="bf16"),
                      objective="min-cost", alternatives=0)
    assert plan(req, small_catalog).selection.option.gpu.name != "GeForce GTX TITAN X"
    fp16 = replace(req, workload=W(model="resnet50", precision="fp16"))  # fp16 runs on it: the cheapest card wins
    assert plan(fp16, small_catalog).selection.option.gpu.name == "GeForce GTX TITAN X"


@pytest.mark.parametrize("form", ["sxm", "other"])
def test_server_modules_are_not_planned_as_pcie_cards(form: str) -> None:
    from dlrig.feasibility import check
    from dlrig.plan.candidates import plan_need
    from dlrig.rules import samples as s

    module = s.RTX_6000_ADA.model_copy(update={"form": form})
    need = plan_need(PlanRequest(precision="bf16"), None)
    found = check(module, need)
    assert found is not None and found.code == "form-module"
    assert check(s.RTX_6000_ADA, need) is None
