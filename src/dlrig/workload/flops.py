"""Parameters and FLOPs of the zoo's models (docs/domain.md section 2). Pure functions.

Convention: FLOPs = 2 x multiply-accumulates; attention is included, and counted over the
full s x s score matrix (what a non-causal kernel computes; a causal FlashAttention kernel
skips about half of it). Training = 3 x forward (forward + backward ~ 2 x forward), so a
dense transformer costs ~ 6 . N . tokens plus 12 . layers . seq . hidden per token for
attention (Kaplan et al. 2020, "Scaling Laws for Neural Language Models", table 1; Chowdhery
et al. 2022, PaLM, appendix B). Mixture-of-experts models count only the active experts.
"""

from __future__ import annotations

from dataclasses import dataclass

from dlrig.workload.zoo import ModelSpec, TransformerConfig

TRAIN_FLOPS_FACTOR = 3.0  # forward + backward ~ 3 x forward (docs/domain.md 2; Kaplan et al. 2020)


@dataclass(frozen=True)
class ParamCount:
    total: float
    active: float  # per token: MoE counts only the routed experts
    embedding: float  # lookup tables (token, position, type): no FLOPs
    matmul_active: float  # weights multiplied per token, the LM head included even when tied


def _attention_params(c: TransformerConfig) -> float:
    if c.kv_lora_rank:  # multi-head latent attention (DeepSeek-V2 paper, section 2.1)
        qk = (c.nope_head_dim or c.head_size) + c.rope_head_dim
        v = c.v_head_dim or c.head_size
        q = (c.hidden * c.q_lora_rank + c.q_lora_rank + c.q_lora_rank * c.heads * qk) if c.q_lora_rank \
            else c.hidden * c.heads * qk
        kv = (c.hidden * (c.kv_lora_rank + c.rope_head_dim) + c.kv_lora_rank
              + c.kv_lora_rank * c.heads * (qk - c.rope_head_dim + v))
        return float(q + kv + c.heads * v * c.hidden)
    hd = c.head_size
    kv = c.kv_heads or c.heads
    weights = 2 * c.hidden * c.heads * hd + 2 * c.hidden * kv * hd  # q, o + k, v
    biases = (c.heads * hd + 2 * kv * hd + c.hidden) if c.bias else (c.heads * hd + 2 * kv * hd) if c.qkv_bias else 0
    return float(weights + biases + (2 * hd if c.qk_norm else 0))


def _mlp_params(c: TransformerConfig, width: int | None = None) -> float:
    f = width or c.ffn
    if c.gated_mlp:
        return float(3 * c.hidden * f + (2 * f + c.hidden if c.bias else 0))
    return float(2 * c.hidden * f + (f + c.hidden if c.bias else 0))


def _moe_layer(c: TransformerConfig) -> tuple[float, float]:
    """(all, active) parameters of one mixture-of-experts MLP: routed experts, router, shared experts."""
    expert = _mlp_params(c, c.moe_ffn)
    router = c.hidden * (c.experts or 0)
    # Qwen-MoE: one shared MLP of its own width, with a one-output gate; DeepSeek: n experts of the routed width
    shared = _mlp_params(c, c.shared_ffn) + c.hidden if c.shared_ffn else c.shared_experts * expert
    return (c.experts or 1) * expert + router + shared, (c.active_experts or 1) * expert + router + shared


def transformer_params(c: TransformerConfig) -> ParamCount:
    """Count from the configuration; matches the published totals (see tests/workload)."""
    norm = 2 * c.hidden if c.norm == "layer" else c.hidden
    attn = _attention_params(c)
    dense_mlp = _mlp_params(c)
    moe_all, moe_active = _moe_layer(c) if c.experts else (dense_mlp, dense_mlp)
    moe_layers = c.layers - c.dense_layers
    norms = c.layers * c.norms_per_layer * norm
    total_layers = c.layers * attn + c.dense_layers * dense_mlp + moe_layers * moe_all + norms
    active_layers = c.layers * attn + c.dense_layers * dense_mlp + moe_layers * moe_active + norms
    embedding = c.vocab * c.hidden + c.max_positions * c.hidden + c.type_vocab * c.hidden
    extra = (norm if c.embedding_norm else 0) + (norm if c.final_norm else 0) + c.head_params
    lm_head = 0 if c.tied_embeddings or not c.lm_head else c.vocab * c.hidden
    total = total_layers + embedding + extra + lm_head
    active_total = active_layers + embedding + extra + lm_head
    # biases and norms are negligible FLOPs; kept for simplicity
    matmul = c.layers * attn + c.dense_layers * dense_mlp + moe_layers * moe_active \
        + (c.vocab * c.hidden if c.lm_head else 0) + c.head_params
    return ParamCount(total=float(total), active=float(active_total), embedding=float(embedding),
                      matmul_active=float(matmul))


def transformer_forward_flops(c: TransformerConfig, seq: int) -> float:
    """Forward FLOPs of one sequence of ``seq`` tokens: 2 . N_matmul . s + 4 . L . s^2 . d_attn."""
    n = transformer_params(c).matmul_active
    d_attn = c.heads * c.head_size
    return 2.0 * n * seq + 4.0 * c.layers * seq * seq * d_attn


def forward_flops_per_sample(model: ModelSpec, seq: int | None = None) -> float:
    if model.transformer is not None:
        return transformer_forward_flops(model.transformer, seq or model.transformer.seq)
    return model.forward_flops


def train_flops_per_sample(model: ModelSpec, seq: int | None = None) -> float:
    return TRAIN_FLOPS_FACTOR * forward_flops_per_sample(model, seq)
