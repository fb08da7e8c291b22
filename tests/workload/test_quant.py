"""Weight and KV-cache formats: bits per value with their sources, and a model's bytes in each."""

from __future__ import annotations

import pytest

from dlrig.errors import BadInput
from dlrig.workload.quant import WEIGHT_FORMATS, kv_format, weight_bytes, weight_format
from dlrig.workload.zoo import get_model

GIB = 2**30


@pytest.mark.parametrize(("text", "key", "bits"), [
    ("Q4_K_M", "q4_k_m", 4.90), ("q5_k_m", "q5_k_m", 5.70), ("Q6_K", "q6_k", 6.57), ("q8_0", "q8_0", 8.52),
    ("awq", "int4", 4.156), ("GPTQ", "int4", 4.156), ("int8", "int8", 8.0), ("fp16", "fp16", 16.0),
    ("bf16", "bf16", 16.0), ("f16", "fp16", 16.0)])
def test_formats_and_their_bits_per_weight(text: str, key: str, bits: float) -> None:
    f = weight_format(text)
    assert f.key == key and f.bits == pytest.approx(bits, abs=0.01) and f.source


def test_every_format_says_where_its_bits_come_from() -> None:
    assert all(f.source for f in WEIGHT_FORMATS)


def test_gguf_sizes_match_published_files() -> None:
    """XiongjieDai's table: Llama 3 70B Q4_K_M is 39.59 GiB, 8B 4.58 GiB (llama-quantize's own figure)."""
    assert weight_bytes(get_model("llama-3-70b"), weight_format("q4_k_m")).total / GIB == pytest.approx(39.59, rel=0.03)
    assert weight_bytes(get_model("llama-3-8b"), weight_format("q4_k_m")).total / GIB == pytest.approx(4.58, rel=0.01)


def test_awq_keeps_embeddings_and_head_at_16_bits() -> None:
    m = get_model("llama-3.1-8b")
    awq = weight_bytes(m, weight_format("awq"))
    assert awq.embedding == pytest.approx(128256 * 4096 * 2) and awq.head == pytest.approx(128256 * 4096 * 2)
    assert 5.5e9 < awq.total < 6.0e9  # 6.98 B linear weights at 4.156 bits + 1.05 B at 16 bits


def test_a_mixture_of_experts_reads_only_its_active_experts_per_token() -> None:
    wb = weight_bytes(get_model("qwen3-30b-a3b"), weight_format("q4_k_m"))
    assert wb.active_per_layer < wb.per_layer / 5


@pytest.mark.parametrize(("text", "bytes_"), [("f16", 2.0), ("fp16", 2.0), ("q8_0", 34 / 32), ("q4_0", 18 / 32),
                                              ("fp8", 1.0)])
def test_kv_formats(text: str, bytes_: float) -> None:
    assert kv_format(text).bytes_per_value == bytes_


@pytest.mark.parametrize("text", ["q3", "int2", "nf4"])
def test_unknown_formats_are_bad_input_listing_the_known(text: str) -> None:
    with pytest.raises(BadInput, match="q4_k_m"):
        weight_format(text)
    with pytest.raises(BadInput, match="q8_0"):
        kv_format(text)
