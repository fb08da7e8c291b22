"""Parameters and FLOPs of the zoo's models (DOMAIN.md section 2). Pure functions.

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

TRAIN_FLOPS_FACTOR = 3.0  # forward + backward ~ 3 x forward (DOMAIN.md 2; Kaplan et al. 2020)


@dataclass(frozen=True)
class ParamCount:
    total: float
    active: float  # per token: MoE counts only the routed experts
    embedding: float  # lookup tables (token, position, type): no FLOPs
    matmul_active: float  # weights multiplied per token, the LM head included even when tied


def _attention_params(c: TransformerConfig) -> float:
    hd = c.hidden // c.heads
    kv = c.kv_heads or c.heads
    weights = 2 * c.hidden * c.heads * hd + 2 * c.hidden * kv * hd  # q, o + k, v
    biases = (c.heads * hd + 2 * kv * hd + c.hidden) if c.bias else 0
    return float(weights + biases)


def _mlp_params(c: TransformerConfig) -> float:
    if c.gated_mlp:
        return float(3 * c.hidden * c.ffn + (2 * c.ffn + c.hidden if c.bias else 0))
    return float(2 * c.hidden * c.ffn + (c.ffn + c.hidden if c.bias else 0))


def transformer_params(c: TransformerConfig) -> ParamCount:
    """Count from the configuration; matches the published totals (see tests/workload)."""
    norm = 2 * c.hidden if c.norm == "layer" else c.hidden
    experts = c.experts or 1
    active = c.active_experts or 1
    router = c.hidden * experts if c.experts else 0
    attn, mlp = _attention_params(c), _mlp_params(c)
    layer_total = attn + experts * mlp + router + 2 * norm
    layer_active = attn + active * mlp + router + 2 * norm
    embedding = c.vocab * c.hidden + c.max_positions * c.hidden + c.type_vocab * c.hidden
    extra = (norm if c.embedding_norm else 0) + (norm if c.final_norm else 0) + c.head_params
    lm_head = 0 if c.tied_embeddings or not c.lm_head else c.vocab * c.hidden
    total = c.layers * layer_total + embedding + extra + lm_head
    active_total = c.layers * layer_active + embedding + extra + lm_head
    layer_matmul = attn + active * mlp + router  # biases are negligible FLOPs; kept for simplicity
    matmul = c.layers * layer_matmul + (c.vocab * c.hidden if c.lm_head else 0) + c.head_params
    return ParamCount(total=float(total), active=float(active_total), embedding=float(embedding),
                      matmul_active=float(matmul))


def transformer_forward_flops(c: TransformerConfig, seq: int) -> float:
    """Forward FLOPs of one sequence of ``seq`` tokens: 2 . N_matmul . s + 4 . L . s^2 . d_attn."""
    n = transformer_params(c).matmul_active
    d_attn = c.heads * (c.hidden // c.heads)
    return 2.0 * n * seq + 4.0 * c.layers * seq * seq * d_attn


def forward_flops_per_sample(model: ModelSpec, seq: int | None = None) -> float:
    if model.transformer is not None:
        return transformer_forward_flops(model.transformer, seq or model.transformer.seq)
    return model.forward_flops


def train_flops_per_sample(model: ModelSpec, seq: int | None = None) -> float:
    return TRAIN_FLOPS_FACTOR * forward_flops_per_sample(model, seq)
