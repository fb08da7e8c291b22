"""Power at the workload: board power x a named load factor, weighted by GPU utilization."""

from __future__ import annotations

import pytest

from dlrig.catalog.models import Cpu, Gpu
from dlrig.power import REST_OF_SYSTEM_W
from dlrig.workload.power_draw import (
    CPU_TRAINING_LOAD,
    GPU_IDLE_LOAD,
    GPU_TRAINING_LOAD,
    estimate_power_w,
    power_draw,
)


def test_busy_build_draws_load_factor_times_board_power(titan_x: Gpu, i7_5820k: Cpu) -> None:
    watts = estimate_power_w([(titan_x, None)] * 4, i7_5820k)
    assert watts == pytest.approx(4 * 250 * GPU_TRAINING_LOAD + 140 * CPU_TRAINING_LOAD + REST_OF_SYSTEM_W)


def test_power_cap_and_idle_gpus_lower_the_draw(titan_x: Gpu) -> None:
    capped = estimate_power_w([(titan_x, 200.0)])
    assert capped == pytest.approx(200 * GPU_TRAINING_LOAD + REST_OF_SYSTEM_W)
    idle = estimate_power_w([(titan_x, None)], gpu_utilization=0.0)
    assert idle == pytest.approx(250 * GPU_IDLE_LOAD + REST_OF_SYSTEM_W)


def test_unknown_power_is_listed() -> None:
    blank = Gpu(id="g", name="Nameless", src="t")
    assert power_draw([(blank, None)], None).unknown == ("Nameless",)


def test_training_load_runs_from_a_cnn_to_a_gemm_and_each_range_holds_its_measurement() -> None:
    """H100 SXM5, 700 W: ResNet-50 training drew 469 W (0.67), a bf16 GEMM 692-697 W (0.99)."""
    from dlrig.workload.power_draw import reference_compute_share, training_load

    low, mid, high = training_load(reference_compute_share())
    assert mid == pytest.approx(0.67) and low <= 469 / 700 <= high
    low, mid, high = training_load(1.0)  # GEMM-bound (the large-model rule is compute-bound)
    assert mid == pytest.approx(0.99) and low <= 697 / 700 <= high <= 1.0
    assert training_load(0.3)[1] > training_load(0.1)[1]  # more compute-bound, nearer the limit


def test_an_llm_draws_more_of_its_board_power_than_a_cnn(h100: Gpu) -> None:
    from dlrig.workload.estimate import Machine, WorkloadRequest, estimate

    cnn = estimate(WorkloadRequest(model="resnet50"), Machine(gpu=h100))
    llm = estimate(WorkloadRequest(model="llama-3-8b", sharding="fsdp"), Machine(gpu=h100, gpus=8))
    assert cnn.gpu_load[1] < 0.75 < 0.95 < llm.gpu_load[1]  # type: ignore[index]
    assert llm.compute_share == 1.0 and cnn.compute_share is not None and cnn.compute_share < 0.3
