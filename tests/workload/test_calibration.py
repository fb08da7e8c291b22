"""The throughput model calibrated on Lambda's v1 measurements, and its held-out error."""

from __future__ import annotations

import math

import pytest

from dlrig.catalog.models import Gpu
from dlrig.workload import calibration as cal
from dlrig.workload.flops import train_flops_per_sample
from dlrig.workload.memory import MemoryRequest, activation_bytes_per_sample
from dlrig.workload.throughput import measured, modelled
from dlrig.workload.zoo import get_model

RESNET50 = get_model("resnet50")


def _model_only(gpu: Gpu, precision: str):
    act = activation_bytes_per_sample(RESNET50, MemoryRequest(precision=precision, batch=1))
    return modelled(RESNET50, gpu, precision, train_flops_per_sample(RESNET50), act)


@pytest.mark.parametrize("name", ["rtx4090", "a100", "h100"])
@pytest.mark.parametrize("precision", ["fp16", "tf32"])
def test_resnet50_measured_and_model_range_hold_lambdas_figure(name: str, precision: str,
                                                               request: pytest.FixtureRequest) -> None:
    gpu = request.getfixturevalue(name)
    hit = measured(gpu, "resnet50", precision, 1)
    assert hit is not None and hit.source == "measured"
    lo, hi = _model_only(gpu, precision).range
    assert lo <= hit.samples_per_s <= hi  # the done criterion: Lambda's figure inside the model's range


def test_measured_figures_are_lambdas(rtx4090: Gpu, h100: Gpu) -> None:
    assert measured(rtx4090, "resnet50", "fp16", 1).samples_per_s == 1301  # v1 fp16 csv, "RTX 4090"
    assert measured(rtx4090, "resnet50", "tf32", 1).samples_per_s == 721  # Lambda "fp32" = TF32 on Ada
    assert measured(h100, "resnet50", "fp16", 8).samples_per_s > 7 * 2616


def test_strict_fp32_on_ampere_is_not_matched_to_lambdas_tf32_rows(a100: Gpu, titan_x: Gpu) -> None:
    assert measured(a100, "resnet50", "fp32", 1) is None
    assert measured(titan_x, "resnet50", "fp32", 1) is None  # no Lambda row for Maxwell


@pytest.mark.parametrize(("family", "pc"), [("cnn", "16-bit"), ("cnn", "32-bit"),
                                            ("transformer", "16-bit"), ("transformer", "32-bit")])
def test_leave_one_gpu_out_error_is_bounded(family: str, pc: str) -> None:
    c = cal.calibration(family, pc)
    chips = {chip for chip, _, _ in c.logo_errors}
    assert len(chips) >= 10  # every v1 chip held out once
    assert c.median_abs_error < 0.2
    assert math.exp(c.band) - 1 < 0.4
    assert c.compute_efficiency <= 1.0  # never faster than peak


def test_compute_only_model_is_used_without_bandwidth(rtx4090: Gpu) -> None:
    blind = rtx4090.model_copy(update={"memory_bandwidth_gb_s": None, "name": "Unknown card"})
    t = _model_only(blind, "fp16")
    assert "compute only" in t.detail
    assert t.range[1] / t.range[0] > 2  # its error is larger, and the range says so


def test_fit_recovers_known_coefficients() -> None:
    points = [cal.Point(chip=f"c{i}", model="m", compute_s=x, memory_s=y, measured_per_s=1 / (2 * x + 3 * y))
              for i, (x, y) in enumerate([(1e-3, 1e-4), (2e-3, 5e-4), (5e-4, 8e-4), (1e-3, 2e-3)])]
    c = cal.fit(points, "cnn", "16-bit")
    assert c.a == pytest.approx(2) and c.b == pytest.approx(3)
    assert max(abs(e) for *_, e in c.logo_errors) < 1e-9


def test_fit_recovers_a_cuda_core_term() -> None:
    xs = [(1e-3, 1e-4, 2e-5), (2e-3, 5e-4, 1e-5), (5e-4, 8e-4, 4e-5), (1e-3, 2e-3, 3e-5), (3e-3, 1e-4, 5e-5)]
    points = [cal.Point(chip=f"c{i}", model="m", compute_s=x, memory_s=y, cuda_core_s=z,
                        measured_per_s=1 / (1.5 * x + 3 * y + 20 * z)) for i, (x, y, z) in enumerate(xs)]
    c = cal.fit(points, "cnn", "16-bit")
    assert c.uses_cuda_cores and (c.a, c.b, c.c) == pytest.approx((1.5, 3, 20))


def test_held_out_chip_is_left_out_of_the_fit_and_its_rows_unused(rtx4090: Gpu) -> None:
    from dlrig.workload.estimate import Machine, WorkloadRequest, estimate

    held = cal.calibration("cnn", "16-bit", exclude=frozenset({"GeForce RTX 4090"}))
    assert "GeForce RTX 4090" not in {chip for chip, _, _ in held.logo_errors}
    full = cal.calibration("cnn", "16-bit")
    assert held.excluded == ("GeForce RTX 4090",) and (held.b, held.c) != (full.b, full.c)
    req = WorkloadRequest(model="resnet50", precision="fp16", batch=64)
    normal = estimate(req, Machine(gpu=rtx4090, gpus=2))
    blind = estimate(req, Machine(gpu=rtx4090, gpus=2, held_out_chip="GeForce RTX 4090"))
    assert normal.throughput.source == "measured" and blind.throughput.source == "model"
    assert "held out of the fit and the anchors: GeForce RTX 4090" in blind.throughput.detail
    assert "anchored to Lambda v1 GeForce RTX 4090" not in blind.throughput.detail


def test_per_step_term_slows_small_batches() -> None:
    c = cal.calibration("transformer", "16-bit")
    assert c.uses_step and c.d > 0
    small = c.predict_s(1e-3, 1e-4, 1e-5, cal.step_feature(3.4e8, 600.0, 2))
    large = c.predict_s(1e-3, 1e-4, 1e-5, cal.step_feature(3.4e8, 600.0, 64))
    assert small > large


def test_lambda_batch_is_per_run_and_the_consistency_rule_flags_contradictions() -> None:
    assert cal.per_gpu_batch({"batch_per_gpu": 896, "num_gpu": 8}) == 112
    bad = cal.inconsistent()
    assert ("v0", "GeForce RTX 2080 Ti", "bert-large", "fp16", 2) in bad  # 23 seq/s on 1 GPU, 6 on 2
    assert ("v1", "H100 SXM5 80 GB", "resnet50", "fp16", 8) not in bad
    assert 0 < cal.sync_fraction("transformer") < 0.3
