"""Counting on meta tensors (needs the optional torch extra; skipped without it)."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from dlrig.workload.torch_count import count  # noqa: E402


def test_counts_flops_params_and_saved_activations_of_a_tiny_model() -> None:
    with torch.device("meta"):
        model = torch.nn.Sequential(torch.nn.Linear(100, 200), torch.nn.ReLU(), torch.nn.Linear(200, 10))
    figures = count(model, (100,))
    assert figures["params"] == 100 * 200 + 200 + 200 * 10 + 10
    assert figures["forward_flops"] == 2 * (100 * 200 + 200 * 10)  # 2 x MACs
    # saved for backward per sample: the input (100), ReLU output (200, also the 2nd Linear's input)
    assert figures["activation_bytes_fp32"] == 4 * (100 + 200)
    assert figures["activation_bytes_16bit"] == 2 * (100 + 200)


def test_torchvision_model_by_name() -> None:
    pytest.importorskip("torchvision")
    from dlrig.workload.zoo import get_model

    m = get_model("torchvision:resnet18")
    assert m.params == get_model("resnet18").params
