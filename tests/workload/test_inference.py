"""LLM inference placement and memory: layer and tensor splits, mixed GPUs, offload, KV formats."""

from __future__ import annotations

import dataclasses

import pytest

from dlrig.catalog.models import Gpu
from dlrig.errors import BadInput
from dlrig.workload.inference import InferenceSpec, estimate_inference, place
from dlrig.workload.llm_speed import kv_cache_bytes
from dlrig.workload.quant import kv_format, weight_format
from dlrig.workload.zoo import get_model

from .conftest import make_gpu


def spec(model: str = "llama-3-70b", weights: str = "q4_k_m", context: int = 8192, **kw: object) -> InferenceSpec:
    return InferenceSpec(get_model(model), weight_format(weights), kv_format(str(kw.pop("kv", "f16"))), context,
                         **kw)  # type: ignore[arg-type]


@pytest.fixture
def rtx3090() -> Gpu:
    return make_gpu("GeForce RTX 3090", 35.6, 35.6, 71.2, 936, 24, 350, kind="consumer", vendor="NVIDIA")


@pytest.fixture
def rtx3060() -> Gpu:
    return make_gpu("GeForce RTX 3060", 12.7, 12.7, 25.5, 360, 12, 170, kind="consumer", vendor="NVIDIA")


def test_llama3_70b_q4_fits_two_3090s_split_by_layers(rtx3090: Gpu) -> None:
    e = estimate_inference(spec(), [rtx3090, rtx3090])
    pl = e.placement
    assert pl.fits and pl.cpu_layers == 0 and [s.layers for s in pl.shares] == [40, 40]
    assert e.weights_gb == pytest.approx(43.2, rel=0.02)  # 70.55 B x 4.90 bits
    assert e.kv_cache_gb == pytest.approx(2 * 80 * 8 * 128 * 8192 * 2 / 1e9)  # 2.68 GB
    assert all(s.per_gpu_gb_range[1] <= s.capacity_gb for s in pl.shares)
    assert e.speed is not None and e.speed.tokens_per_s_range[0] < e.speed.tokens_per_s < e.speed.tokens_per_s_range[1]


def test_one_3090_keeps_the_rest_in_system_ram_and_is_much_slower(rtx3090: Gpu) -> None:
    two = estimate_inference(spec(), [rtx3090, rtx3090])
    one = estimate_inference(spec(), [rtx3090])
    assert 30 < one.placement.cpu_layers < 50 and one.placement.fits
    assert one.speed is not None and two.speed is not None
    assert one.speed.tokens_per_s < two.speed.tokens_per_s / 3  # system RAM is ~10x slower than GDDR6X
    assert one.speed.bound == "system RAM (CPU layers)"
    faster_ram = estimate_inference(dataclasses.replace(spec(), ram_gb_s=400.0), [rtx3090])
    assert faster_ram.speed.tokens_per_s > one.speed.tokens_per_s  # type: ignore[union-attr]


def test_without_offload_one_3090_does_not_fit(rtx3090: Gpu) -> None:
    e = estimate_inference(spec(offload=False), [rtx3090])
    assert not e.placement.fits and e.speed is None


def test_offload_beyond_the_builds_ram_does_not_fit(rtx3090: Gpu) -> None:
    assert not place(spec(ram_gb=16.0), [rtx3090]).fits


def test_mixed_gpus_take_layers_in_proportion_to_what_they_hold(rtx3090: Gpu, rtx3060: Gpu) -> None:
    pl = place(spec("llama-3.1-8b", "fp16"), [rtx3090, rtx3060])
    big, small = (s.layers for s in pl.shares)
    assert pl.fits and big + small == 32 and big > 1.8 * small
    assert all(s.fits for s in pl.shares)


def test_tensor_split_needs_heads_divisible_and_copies_few_kv_heads(rtx3090: Gpu) -> None:
    three = place(spec(split="tensor"), [rtx3090] * 3)
    assert not three.fits and "divisible" in " ".join(three.notes)
    four = place(spec("llama-3-8b", "fp16", split="tensor"), [rtx3090] * 4)
    assert four.fits and len({s.per_gpu_gb for s in four.shares}) == 1
    sixteen = place(spec("llama-3-8b", "fp16", split="tensor"), [rtx3090] * 16)
    assert "copy of one KV head" in " ".join(sixteen.notes)


def test_tensor_split_is_faster_than_layer_split_at_batch_one(rtx3090: Gpu) -> None:
    layer = estimate_inference(spec(), [rtx3090, rtx3090])
    tensor = estimate_inference(spec(split="tensor"), [rtx3090, rtx3090])
    assert tensor.speed.tokens_per_s > layer.speed.tokens_per_s  # type: ignore[union-attr]


def test_kv_quantisation_shrinks_the_cache() -> None:
    c = get_model("llama-3.1-8b").transformer
    assert c is not None
    f16 = kv_cache_bytes(c, 32768, 1, kv_format("f16"))
    assert f16 == pytest.approx(2 * 32 * 8 * 128 * 32768 * 2)  # 4.29 GB
    assert kv_cache_bytes(c, 32768, 1, kv_format("q8_0")) == pytest.approx(f16 * 34 / 64)
    assert kv_cache_bytes(c, 32768, 1, kv_format("q4_0")) == pytest.approx(f16 * 18 / 64)


def test_mla_caches_its_latent_not_full_heads() -> None:
    """DeepSeek-V3: 512 + 64 values per token per layer; 2 x 128 heads x 128 would be 57x more."""
    c = get_model("deepseek-v3").transformer
    assert c is not None
    assert kv_cache_bytes(c, 1, 1, kv_format("f16")) == pytest.approx(61 * 576 * 2)


def test_sliding_window_layers_cache_only_their_window() -> None:
    c = get_model("gemma-3-27b").transformer
    assert c is not None
    per_token_layer = 2 * 16 * 128 * 2
    # 10 global layers hold 32k tokens, 52 sliding ones hold 1,024
    assert kv_cache_bytes(c, 32768, 1, kv_format("f16")) == pytest.approx(per_token_layer * (10 * 32768 + 52 * 1024))


def test_batch_multiplies_the_kv_cache_and_the_aggregate_rate(rtx3090: Gpu) -> None:
    one = estimate_inference(spec("llama-3.1-8b", context=4096), [rtx3090])
    eight = estimate_inference(spec("llama-3.1-8b", context=4096, batch=8), [rtx3090])
    assert eight.kv_cache_gb == pytest.approx(8 * one.kv_cache_gb)
    assert eight.speed.tokens_per_s > 2 * one.speed.tokens_per_s  # type: ignore[union-attr]
    assert eight.speed.per_sequence_tokens_per_s < one.speed.tokens_per_s  # type: ignore[union-attr]


@pytest.mark.parametrize(("kw", "match"), [({"context": 200_000}, "context window"), ({"batch": 0}, "at least 1"),
                                           ({"split": "pipe"}, "unknown split")])
def test_bad_requests_are_bad_input(rtx3090: Gpu, kw: dict, match: str) -> None:
    with pytest.raises(BadInput, match=match):
        estimate_inference(spec("llama-3.1-8b", **kw), [rtx3090])


def test_bert_and_cnns_are_not_generative(rtx3090: Gpu) -> None:
    with pytest.raises(BadInput, match="not a generative language model"):
        estimate_inference(spec("bert-base", context=128), [rtx3090])
