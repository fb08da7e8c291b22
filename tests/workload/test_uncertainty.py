"""Ranges: measurement spread, held-out error by kind and software spread, sized for 80%."""

from __future__ import annotations

import math

from dlrig.workload import uncertainty as unc
from dlrig.workload.estimate import Machine, WorkloadRequest, estimate


def test_every_kind_has_a_held_out_error_and_the_measured_case_none() -> None:
    sig = unc.model_sigma()
    for family in ("cnn", "transformer"):
        assert sig[(family, "measured")] == 0.0
        assert all(0 < sig[(family, kind)] < 0.5 for kind in unc.KINDS if kind != "measured")


def test_k_puts_80_percent_of_the_held_out_lambda_cases_inside() -> None:
    cases = unc.held_out_cases()
    inside = sum(abs(c.log_error) <= unc.k() * unc.sigma(c.kind, c.family, 0.0, c.meas_spread) for c in cases)
    assert inside / len(cases) >= 0.75 and 0.5 < unc.k() < 3


def test_ranges_hold_the_centre_and_widen_with_distance_and_gpus(h100, titan_x) -> None:
    req = WorkloadRequest(model="resnet50", precision="fp16")
    near = estimate(req, Machine(gpu=h100)).throughput
    far = estimate(req, Machine(gpu=titan_x)).throughput
    many = estimate(req, Machine(gpu=titan_x, gpus=4)).throughput
    for t in (near, far, many):
        assert t.range[0] < t.samples_per_s < t.range[1]
    assert math.log(far.range[1] / far.range[0]) > math.log(near.range[1] / near.range[0])
    assert many.sigma is not None and far.sigma is not None and many.sigma > far.sigma
