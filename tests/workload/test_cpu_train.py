"""CPU-only training: the CPU's FP32 rate x a fitted efficiency / training FLOPs."""

from __future__ import annotations

import pytest

from dlrig.catalog.models import Cpu
from dlrig.errors import BadInput
from dlrig.workload.cpu_train import CpuRate, cpu_training, efficiency, flop_per_cycle
from dlrig.workload.zoo import get_model


def test_flops_per_cycle_follow_the_vector_units() -> None:
    assert flop_per_cycle("Haswell-E") == 32 and flop_per_cycle("Sandy Bridge") == 16
    assert flop_per_cycle("Cascade Lake") == 64 and flop_per_cycle("Zen 4") == 32 and flop_per_cycle("Zen 5") == 64
    assert flop_per_cycle("Zen+") == 16 and flop_per_cycle("Mystery") is None


def test_the_fit_reproduces_its_rows_and_tuned_beats_typical() -> None:
    typical, tuned = efficiency("typical"), efficiency("tuned")
    assert 0.2 < typical.value < tuned.value < 0.7
    i7 = Cpu(id="c", name="Core i7-5930K", src="t", cores=6, microarchitecture="Haswell-E")
    rate = CpuRate.of(i7, clock_ghz=3.5)
    assert rate.gflops == pytest.approx(6 * 3.5 * 32)
    assert cpu_training(get_model("alexnet"), rate, "typical").samples_per_s == pytest.approx(45.9, rel=0.01)


def test_an_unknown_clock_is_a_range_and_an_unknown_width_an_error() -> None:
    zen = Cpu(id="z", name="Ryzen", src="t", cores=16, microarchitecture="Zen 4")
    rate = CpuRate.of(zen)
    assert rate.gflops_range == (16 * 32 * 2.0, 16 * 32 * 3.5) and "assumed" in rate.how
    t = cpu_training(get_model("resnet50"), rate)
    assert t.range[0] < t.samples_per_s < t.range[1]
    with pytest.raises(BadInput, match="vector width"):
        CpuRate.of(Cpu(id="x", name="Odd", src="t", cores=4, microarchitecture="Mystery"))
    with pytest.raises(BadInput, match="transformer"):
        cpu_training(get_model("bert-base"), rate)


def test_the_seed_build_says_how_much_faster_its_gpus_are() -> None:
    from dlrig.catalog.store import default_catalog
    from dlrig.claims import seed_build
    from dlrig.workload.estimate import estimate, machine_from_build, request_from_build

    seed = seed_build(default_catalog())
    e = estimate(request_from_build(seed), machine_from_build(seed))
    assert e.cpu_only is not None and 20 < e.throughput.samples_per_s / e.cpu_only.samples_per_s < 300
    assert e.to_dict()["cpu_only"]["gpus_faster_x"] == pytest.approx(
        e.throughput.samples_per_s / e.cpu_only.samples_per_s)
