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
