"""FLOP accounting: 2 x MACs, attention included, training = 3 x forward."""

from __future__ import annotations

import pytest

from dlrig.workload.flops import (
    forward_flops_per_sample,
    train_flops_per_sample,
    transformer_forward_flops,
    transformer_params,
)
from dlrig.workload.zoo import get_model


def test_dense_transformer_is_6n_per_token_plus_attention() -> None:
    m = get_model("llama-3-8b")
    cfg = m.transformer
    seq = 2048
    n = transformer_params(cfg).matmul_active
    train = train_flops_per_sample(m, seq)
    attention = 3 * 4 * cfg.layers * seq * seq * cfg.hidden
    assert train == pytest.approx(6 * n * seq + attention)
    assert 6 * m.params * seq < train < 6 * m.params * seq * 1.2  # the attention term at 2k is a few %


def test_attention_term_grows_with_sequence_length() -> None:
    cfg = get_model("gpt2").transformer
    per_token_short = transformer_forward_flops(cfg, 256) / 256
    per_token_long = transformer_forward_flops(cfg, 4096) / 4096
    assert per_token_long > 1.5 * per_token_short


def test_moe_counts_only_active_experts() -> None:
    mixtral, mistral = get_model("mixtral-8x7b"), get_model("mistral-7b")
    ratio = forward_flops_per_sample(mixtral, 4096) / forward_flops_per_sample(mistral, 4096)
    assert 1.5 < ratio < 2.0  # two experts' MLPs instead of one; attention is shared


def test_cnn_forward_flops_are_the_counted_ones() -> None:
    vgg = get_model("vgg16")
    assert forward_flops_per_sample(vgg) == vgg.forward_flops == pytest.approx(30.94e9, rel=0.01)
