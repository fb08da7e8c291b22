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
