"""CNN inference: forward-pass images/s from the anchored training rate."""

from __future__ import annotations

import pytest

from dlrig.errors import BadInput
from dlrig.workload.vision_inference import factor, inference_throughput
from dlrig.workload.zoo import get_model


def test_inference_is_about_three_times_training(rtx4090) -> None:
    f = factor()
    assert 2.5 < f.value < 3.6 and f.rows == 4
    infer = inference_throughput(get_model("resnet50"), rtx4090, "fp16", 256)
    assert infer.range[0] < infer.samples_per_s < infer.range[1]
    assert "inference factor" in infer.detail


def test_a_model_with_its_own_inference_rows_gets_its_own_factor() -> None:
    """EfficientNet's forward pass gains more over training than ResNet-50's (NVIDIA's tables)."""
    own = factor("efficientnet-b0")
    assert own.rows == 4 and "own rows" in own.basis
    assert own.value > 1.25 * factor("resnet50").value
    borrowed = factor("vgg16")
    assert borrowed.value == factor("resnet50").value and "no rows of its own" in borrowed.basis


def test_transformers_are_not_covered(rtx4090) -> None:
    with pytest.raises(BadInput, match="image models"):
        inference_throughput(get_model("bert-base"), rtx4090, "fp16", 8)


def test_the_estimate_carries_it_for_cnns_only(h100) -> None:
    from dlrig.workload.estimate import Machine, WorkloadRequest, estimate

    cnn = estimate(WorkloadRequest(model="resnet50"), Machine(gpu=h100))
    assert cnn.inference is not None and cnn.inference.samples_per_s > cnn.throughput.samples_per_s
    assert cnn.to_dict()["inference"]["batch"] == cnn.batch
    assert estimate(WorkloadRequest(model="bert-base"), Machine(gpu=h100)).inference is None
