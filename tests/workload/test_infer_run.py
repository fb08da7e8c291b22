"""Inference requests: options to a spec, GPU mixes, a build's RAM, fit's counts."""

from __future__ import annotations

import pytest

from dlrig.errors import BadInput
from dlrig.workload.estimate import WorkloadRequest, parse_precision
from dlrig.workload.infer_run import fit_inference, parse_gpu_text, reject_inference_options, spec_from_request
from dlrig.workload.zoo import get_model

from .conftest import make_gpu


def test_gpu_mixes_are_read_with_counts() -> None:
    assert parse_gpu_text("RTX 4090, 2x RTX 3090") == [(1, "RTX 4090"), (2, "RTX 3090")]
    assert parse_gpu_text("2 x A100 + H100") == [(2, "A100"), (1, "H100")]
    with pytest.raises(BadInput):
        parse_gpu_text(" , ")


def test_precision_maps_to_a_weight_format_for_inference() -> None:
    assert spec_from_request(WorkloadRequest(model="llama-3.1-8b", infer=True, precision="int4")).weights.key == "int4"
    assert spec_from_request(WorkloadRequest(model="llama-3.1-8b", infer=True, precision="int8")).weights.key == "int8"
    assert spec_from_request(WorkloadRequest(model="llama-3.1-8b")).weights.key == "bf16"
    with pytest.raises(BadInput, match="not both"):
        spec_from_request(WorkloadRequest(model="llama-3.1-8b", precision="fp16", weights="q4_k_m"))


def test_int4_for_training_points_at_weights_and_qlora() -> None:
    with pytest.raises(BadInput, match=r"weights of an inference workload.*QLoRA"):
        parse_precision("int4")


def test_inference_options_on_a_training_request_are_named() -> None:
    with pytest.raises(BadInput, match="weights, kv_cache apply to language-model inference"):
        reject_inference_options(WorkloadRequest(model="llama-3.1-8b", weights="q4_k_m", kv_cache="q8_0"))


def test_fit_finds_the_smallest_count_that_holds_the_model() -> None:
    gpu = make_gpu("GeForce RTX 3090", 35.6, 35.6, 71.2, 936, 24, 350, kind="consumer", vendor="NVIDIA")
    req = WorkloadRequest(model="llama-3-70b", weights="q4_k_m", seq=8192)
    found = fit_inference(req, get_model("llama-3-70b"), gpu, (1, 2, 4, 8))
    assert found.gpus == 2 and found.tokens_per_s and found.tokens_per_s_range
    lo, hi = found.tokens_per_s_range
    assert lo < found.tokens_per_s < hi


def test_counts_in_the_gpu_text_and_gpus_are_not_both_given() -> None:
    from dlrig.workload.infer_run import machine_from_gpu_text

    with pytest.raises(BadInput, match="not both"):
        machine_from_gpu_text("2x RTX 3090", 2, None)  # type: ignore[arg-type]
