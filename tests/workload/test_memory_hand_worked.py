"""The memory model against cases worked by hand (issue 4, "Done when"; docs/domain.md 2-3)."""

from __future__ import annotations

import dataclasses

import pytest

from dlrig.errors import BadInput
from dlrig.workload.flops import forward_flops_per_sample
from dlrig.workload.memory import (
    CUDA_CONTEXT_GB,
    InferenceRequest,
    MemoryRequest,
    estimate_memory,
    inference_memory,
    kv_cache_bytes,
)
from dlrig.workload.zoo import ModelSpec, get_model

# A 7,000,000,000-parameter model: a CNN-shaped spec so the parameter count is exact (no activations).
SEVEN_B = ModelSpec(key="seven-b", name="7B", family="cnn", source="hand-made", reference="-", sample_unit="x",
                    input_bytes=0, cnn_params=7e9, activation_bytes_16bit=0.0, activation_bytes_fp32=0.0)
STATE = ("weights", "gradients", "master_weights", "optimizer_state")


def state_gb(sharding: str = "none", gpus: int = 1) -> dict[str, float]:
    est = estimate_memory(SEVEN_B, MemoryRequest(precision="bf16", batch=1, sharding=sharding, gpus=gpus), None)
    return {k: est.breakdown_gb[k] for k in STATE}


def test_7b_mixed_precision_adamw_is_112_gb_before_activations() -> None:
    b = state_gb()
    # 2 (bf16 weights) + 2 (bf16 gradients) + 4 (fp32 master) + 8 (two fp32 Adam moments) = 16 B/param
    assert b == pytest.approx({"weights": 14.0, "gradients": 14.0, "master_weights": 28.0, "optimizer_state": 56.0})
    assert sum(b.values()) == pytest.approx(112.0)


@pytest.mark.parametrize(("sharding", "expected"), [
    ("zero1", {"weights": 14.0, "gradients": 14.0, "master_weights": 3.5, "optimizer_state": 7.0}),  # 38.5
    ("zero2", {"weights": 14.0, "gradients": 1.75, "master_weights": 3.5, "optimizer_state": 7.0}),  # 26.25
    ("fsdp", {"weights": 1.75, "gradients": 1.75, "master_weights": 3.5, "optimizer_state": 7.0}),  # 14.0
])
def test_zero_stages_over_8_gpus_divide_what_they_should(sharding: str, expected: dict[str, float]) -> None:
    assert state_gb(sharding, 8) == pytest.approx(expected)


def test_resnet50_forward_is_about_8_2_gflops_at_224() -> None:
    assert forward_flops_per_sample(get_model("resnet50")) == pytest.approx(8.2e9, rel=0.01)  # 2 x 4.1 GMACs


def test_llama3_8b_kv_cache_worked_by_hand() -> None:
    # 32 layers, 8 KV heads, head dim 4096/32 = 128; 4,096 tokens, batch 4, bf16 (2 bytes):
    # 2 x 32 x 8 x 128 x 4096 x 4 x 2 = 2,147,483,648 bytes
    cfg = get_model("llama-3-8b").transformer
    assert kv_cache_bytes(cfg, 4096, 4, 2) == 2 * 32 * 8 * 128 * 4096 * 4 * 2 == 2_147_483_648
    est = inference_memory(get_model("llama-3-8b"), InferenceRequest("bf16", batch=4, seq=4096), 24)
    b = est.breakdown_gb
    assert b["kv_cache"] == pytest.approx(2.147483648)
    assert b["weights"] == pytest.approx(2 * 8_030_261_248 / 1e9)  # 16.06 GB: bf16, no gradients or state
    assert b["framework_overhead"] == pytest.approx(sum(CUDA_CONTEXT_GB) / 2)
    assert est.per_gpu_gb == pytest.approx(sum(b.values()))
    assert est.fits is True and est.max_batch >= 4


def test_inference_splits_weights_and_kv_over_tensor_parallel_gpus() -> None:
    one = inference_memory(get_model("llama-3-70b"), InferenceRequest("bf16", batch=1, seq=8192), 80)
    four = inference_memory(get_model("llama-3-70b"), InferenceRequest("bf16", batch=1, seq=8192, gpus=4), 80)
    assert one.fits is False and four.fits is True  # ~141 GB of bf16 weights: not on one 80 GB card
    assert four.breakdown_gb["weights"] == pytest.approx(one.breakdown_gb["weights"] / 4)
    assert four.breakdown_gb["kv_cache"] == pytest.approx(one.breakdown_gb["kv_cache"] / 4)


def test_cnn_inference_keeps_no_training_state() -> None:
    model = get_model("resnet50")
    infer = inference_memory(model, InferenceRequest("fp16", batch=32), 24)
    train = estimate_memory(model, MemoryRequest(precision="fp16", batch=32), 24)
    assert set(infer.breakdown_gb) == {"weights", "activations", "framework_overhead"}
    assert infer.breakdown_gb["weights"] == pytest.approx(model.params * 2 / 1e9)
    assert infer.per_gpu_gb < train.per_gpu_gb


@pytest.mark.parametrize("req", [InferenceRequest("bf16", batch=0), InferenceRequest("bf16", seq=0)])
def test_bad_inference_requests_are_bad_input(req: InferenceRequest) -> None:
    with pytest.raises(BadInput):
        inference_memory(get_model("gpt2"), req, 24)
    with pytest.raises(BadInput, match="applies to transformers"):
        inference_memory(get_model("resnet50"), dataclasses.replace(InferenceRequest("fp16"), seq=128), 24)
