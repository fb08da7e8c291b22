"""The software regime: typical is Lambda's harness; tuned is fitted on the fit rows only."""

from __future__ import annotations

import pytest

from dlrig.errors import BadInput
from dlrig.workload import software
from dlrig.workload.estimate import Machine, WorkloadRequest, estimate
from dlrig.workload.public_bench import fit_rows


def test_typical_is_the_fit_harness_and_tuned_channels_last_is_faster_for_cnns() -> None:
    typical = software.factor("typical", "cnn", "16-bit")
    tuned = software.factor("tuned", "cnn", "16-bit")
    assert typical.value == 1.0 and typical.log_spread > 0
    assert 1.2 < tuned.value < 1.8 and tuned.rows == sum(1 for m in fit_rows() if m.count == 1
                                                          and m.software == "tuned" and m.precision == "fp16")


def test_the_factors_read_fit_rows_only() -> None:
    assert all(m.role == "fit" for m in fit_rows("train", "gpu"))
    assert len(software.fit_logs()) == sum(1 for m in fit_rows("train", "gpu") if m.count == 1)


def test_software_moves_the_estimate_and_the_output_says_which(h100) -> None:
    typical = estimate(WorkloadRequest(model="resnet50", precision="fp16", batch=256), Machine(gpu=h100)).throughput
    tuned = estimate(WorkloadRequest(model="resnet50", precision="fp16", batch=256, software="tuned"),
                     Machine(gpu=h100)).throughput
    assert tuned.samples_per_s / typical.samples_per_s == pytest.approx(software.factor("tuned", "cnn", "16-bit").value)
    assert any("tuned software: channels-last" in n for n in tuned.notes)
    assert any("typical software" in n for n in typical.notes)
    lo, hi = tuned.range
    assert lo < 4645 < hi  # dlrig's own channels-last run on this chip (a test row, never read by the model)


def test_unknown_software_is_bad_input() -> None:
    with pytest.raises(BadInput, match="one of: typical, tuned"):
        software.check("fastest")
