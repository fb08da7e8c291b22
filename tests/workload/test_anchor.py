"""Anchoring: every prediction is the nearest measurement x the model's ratio (issue 13)."""

from __future__ import annotations

import pytest
from tests.workload.conftest import make_gpu

from dlrig.catalog.models import Gpu
from dlrig.workload import anchor
from dlrig.workload.estimate import Machine, WorkloadRequest, estimate


@pytest.fixture
def h200() -> Gpu:
    """H200 SXM: the H100 SXM5's compute die with 4.8 TB/s of HBM3e (NVIDIA H200 datasheet)."""
    return make_gpu("H200 SXM 141 GB", 67.0, 494.7, 989.4, 4800, 141, 700, architecture="Hopper", form="sxm")


def rate(gpu: Gpu, model: str = "resnet50", precision: str = "fp16", batch: int | None = None, **kw: object) -> float:
    return estimate(WorkloadRequest(model=model, precision=precision, batch=batch), Machine(gpu=gpu, **kw)
                    ).throughput.samples_per_s


def test_a_modelled_sibling_stays_near_the_measured_one(h100: Gpu, h200: Gpu) -> None:
    """ResNet-50 fp16: modelled H200 over measured H100 within 1.25x (Lambda's v2 tables: 1.10x)."""
    e = estimate(WorkloadRequest(model="resnet50", precision="fp16"), Machine(gpu=h200))
    assert "anchored to Lambda v1 H100 SXM5 80 GB fp16" in e.throughput.detail
    assert 1.0 < rate(h200) / rate(h100) <= 1.25


def test_no_modelled_gpu_beats_a_measured_sibling_by_more_than_their_spec_ratio(h100: Gpu, h200: Gpu) -> None:
    for target in (h200, h200.model_copy(update={"memory_bandwidth_gb_s": 9000.0, "fp16_tflops": 2000.0,
                                                  "bf16_tflops": 2000.0})):
        for model in ("resnet50", "bert-large"):
            measured = [m for m in anchor.measured_points() if m.model == model and m.mode == "fp16"
                        and anchor.LAMBDA_CHIP_PLATFORM[m.chip][0] == "Hopper"]
            for m in measured:
                bound = m.value * anchor.spec_ratio(target, anchor.lambda_gpu(m.chip), "fp16", "fp16")
                assert rate(target, model, batch=m.batch) <= bound * 1.001


def test_fp16_and_bf16_agree_where_the_tensor_rates_are_equal(h100: Gpu, h200: Gpu) -> None:
    for gpu in (h100, h200):
        assert rate(gpu, precision="bf16") == pytest.approx(rate(gpu, precision="fp16"), rel=0.10)
    bf16 = estimate(WorkloadRequest(model="resnet50", precision="bf16"), Machine(gpu=h100)).throughput
    assert bf16.source == "measured" and "fp16 (AMP) row stands for it" in bf16.detail


def test_strict_fp32_on_an_h100_is_within_20_percent_of_a_real_run(h100: Gpu) -> None:
    """Issue 13: 910 images/s at batch 128 with TF32 off; anchored to the H100's own TF32 row."""
    e = estimate(WorkloadRequest(model="resnet50", precision="fp32", batch=128), Machine(gpu=h100))
    assert "H100 SXM5 80 GB tf32" in e.throughput.detail and "other precision" in e.throughput.detail
    assert e.throughput.samples_per_s == pytest.approx(910, rel=0.20)
    assert e.throughput.samples_per_s < rate(h100, precision="tf32", batch=128)


def test_lambdas_fp32_rows_are_tf32_from_ampere_on() -> None:
    assert anchor.mode_of("A100 SXM4 80 GB", "fp32") == "tf32"
    assert anchor.mode_of("Tesla V100 SXM2 16 GB", "fp32") == "fp32"
    assert anchor.mode_of("H100 SXM5 80 GB", "fp16") == "fp16"


def test_the_nearest_anchor_is_the_same_model_then_chip_then_architecture(rtx4090: Gpu, titan_x: Gpu) -> None:
    vgg = estimate(WorkloadRequest(model="vgg16", precision="fp16"), Machine(gpu=rtx4090)).throughput.detail
    assert "resnet50 GeForce RTX 4090" in vgg and "other model" in vgg
    blind = estimate(WorkloadRequest(model="resnet50", precision="fp16"),
                     Machine(gpu=rtx4090, held_out_chip="GeForce RTX 4090")).throughput.detail
    assert "RTX 6000 Ada Generation" in blind and "same architecture" in blind  # the other Ada chip
    old = estimate(WorkloadRequest(model="resnet50", precision="fp32"), Machine(gpu=titan_x)).throughput.detail
    assert "Tesla V100" in old and "other architecture" in old  # Maxwell: Volta is the nearest generation


def test_same_die_siblings_use_the_measured_bandwidth_elasticity() -> None:
    e = anchor.bandwidth_elasticity("cnn", "16-bit")
    assert e is not None and 0 < e < 1  # A100 PCIe 40 / PCIe 80 / SXM4 80: less than proportional
    assert anchor.bandwidth_elasticity("cnn", "16-bit", exclude=frozenset(
        {"A100 PCIe 40 GB", "A100 PCIe 80 GB"})) is None  # one chip left: no group
