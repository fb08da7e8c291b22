"""Training memory per GPU, with its breakdown (docs/domain.md section 3). Pure functions.

Recipe bytes per parameter (weights + gradients + master weights + optimizer state):
- mixed precision (fp16/bf16; fp8 adds an FP8 weight copy, Transformer Engine style):
  16-bit weights 2 + 16-bit gradients 2 + FP32 master 4 + optimizer; AdamW 8 -> 16 B/param
  (Rajbhandari et al. 2020, ZeRO, section 3.1); frameworks differ (12 to 18).
- fp32 / tf32: FP32 weights 4 + FP32 gradients 4 + optimizer (AdamW 8, SGD momentum 4).
- optimizer state: AdamW two FP32 moments 8; 8-bit AdamW (bitsandbytes, Dettmers et al. 2022)
  two 8-bit moments 2; SGD with momentum 4.
Sharding over N data-parallel GPUs: ZeRO-1 shards optimizer state and master weights,
ZeRO-2 also gradients, ZeRO-3/FSDP also weights.
LoRA: frozen base weights in the training precision, adapters of rank r on every linear layer
of every block with the full recipe. QLoRA (Dettmers et al. 2023): base linear layers in NF4
with double quantization, 4.127 bits/param; embeddings and the LM head stay 16-bit.
Activations: transformers per layer s.b.h.(34 + 5.a.s/h) bytes at 16 bits (Korthikanti et
al. 2022, "Reducing Activation Recomputation in Large Transformer Models", eq. 1-2), the MLP
part (19) redone for the model's ffn width and gating; FlashAttention/SDPA does not keep the
5.a.s/h score term; full recomputation keeps 2.s.b.h per layer. CNNs: the bytes saved for
backward, counted by scripts/derive_cnn_figures.py.
Fixed costs per GPU (``fixed_costs_gb``): CUDA context, cuBLAS workspace, the caching
allocator's reserve and, for CNNs, the cuDNN workspace, each a sourced range (constants below).
Inference (docs/domain.md 3): weights in the inference precision + KV cache
(2 x layers x KV heads x head dim x tokens x batch x bytes) + workspace + CUDA context; over N
GPUs, weights and KV cache split N ways (tensor parallelism). Workspace, transformers: one
layer's forward activations at the batch and sequence (the s.b.h.34 term: nothing is kept for
a backward pass) plus the last position's FP32 logits; CNNs: the tensors of one forward pass,
bounded above by the counted saved-for-backward bytes (without autograd most are freed as soon
as the next layer has read them, so this is the high side).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dlrig.catalog.models import Precision
from dlrig.errors import BadInput
from dlrig.workload.zoo import ModelSpec, TransformerConfig
from dlrig.workload_request import (  # the recipe's vocabulary, declared once
    LORA_RANK,
    Attention,
    Optimizer,
    Recompute,
    Sharding,
)

GB = 1e9
# Card memory is sold in binary units: a "24 GB" card holds 24 GiB (24,576 MiB as nvidia-smi shows),
# 25.8e9 bytes. Estimates are in GB (1e9 bytes); a card's capacity is compared in the same unit.
CARD_GB_PER_VRAM_GB = 2**30 / GB


def card_capacity_gb(vram_gb: float) -> float:
    """A card's memory in the estimate's GB (1e9 bytes): 24 -> 25.77."""
    return vram_gb * CARD_GB_PER_VRAM_GB
OPTIMIZER_BYTES = {"adamw": 8.0, "sgd": 4.0, "adamw8bit": 2.0}
# Fixed costs per GPU (docs/workload.md, section 2), each a range:
# CUDA context: 287 MB with lazy module loading (PyTorch >= 1.13 sets CUDA_MODULE_LOADING=LAZY;
# default in CUDA >= 12.2) against 667 MB eager (pytorch/pytorch#86509); 781 MB reported eager
# (pytorch/pytorch#34323).
CUDA_CONTEXT_GB = (0.29, 0.78)
# cuBLAS(Lt) workspace: 4 MiB per handle before Hopper, 32 MiB on Hopper and newer, as the cuBLAS
# documentation recommends (pytorch/pytorch#120925).
CUBLAS_WORKSPACE_GB = (0.004, 0.034)
# cuDNN convolution workspace, CNNs only, as a share of the activation bytes: with autotuning
# (cudnn.benchmark) PyTorch tries algorithms whose workspaces reach gigabytes
# (pytorch/pytorch#49207: an 8.7 GB block for one conv2d), and keeps the fastest that fits. It
# is elastic (an algorithm that does not fit is skipped), so 'fits' does not count it; the high
# end is set so the one peak of this kind on record lies inside (issue 13: ResNet-50, batch
# 256, bf16, H100: about 17 GB allocated, against ~11.8 GB for the same run after warm-up).
CUDNN_WORKSPACE_SHARE = (0.0, 0.5)
# PyTorch's caching allocator holds more than is allocated (blocks split and rounded, freed
# blocks kept for reuse: "When does fragmentation occur in the CUDA caching allocator?",
# PyTorch dev log, 2026-06-01); as a share of the activation bytes, an assumption.
ALLOCATOR_SHARE = (0.05, 0.20)
NEAR_EDGE = 0.10  # a fit with less than this share of the card to spare is reported as near the edge
NF4_BYTES_PER_PARAM = 4.127 / 8  # QLoRA paper, section 3: NF4 + double quantization
LOGITS_BYTES_16BIT = 2 + 4  # 16-bit logits + the FP32 copy the loss upcasts to (Hugging Face models)


@dataclass(frozen=True)
class Recipe:
    """Bytes per parameter of each training-state component, before sharding."""

    weights: float
    gradients: float
    master: float
    optimizer: float
    description: str

    @property
    def total(self) -> float:
        return self.weights + self.gradients + self.master + self.optimizer


@dataclass(frozen=True)
class MemoryRequest:
    precision: Precision
    batch: int
    seq: int | None = None
    optimizer: Optimizer = "adamw"
    sharding: Sharding = "none"
    gpus: int = 1
    lora: bool = False
    qlora: bool = False
    lora_rank: int = LORA_RANK
    recompute: Recompute = "none"
    attention: Attention = "flash"


@dataclass(frozen=True)
class MemoryEstimate:
    per_gpu_gb: float  # central: CUDA context at the middle of its range
    per_gpu_gb_range: tuple[float, float]
    breakdown_gb: dict[str, float]
    recipe: dict[str, float | str]
    trainable_params: float
    vram_gb: float | None
    fits: bool | None  # judged at the high end of the range; None when VRAM is unknown
    max_batch: int | None
    activation_gb_per_sample: float
    assumptions: tuple[str, ...] = field(default=())
    # what the card must hold (the range without the elastic cuDNN workspace): 'fits' uses its high end
    required_gb_range: tuple[float, float] | None = None

    @property
    def capacity_gb(self) -> float | None:
        return None if self.vram_gb is None else card_capacity_gb(self.vram_gb)

    @property
    def verdict(self) -> str:
        """'fits', 'near the edge', 'tight' or 'does NOT fit', with how much room is left."""
        cap = self.capacity_gb
        if cap is None:
            return "unknown VRAM"
        low, high = self.required_gb_range or self.per_gpu_gb_range
        if low > cap:
            return f"does NOT fit: needs at least {low:,.1f} GB, {low - cap:,.1f} GB more than the card holds"
        if high > cap:
            return (f"tight: needs {low:,.1f}-{high:,.1f} GB of {cap:,.1f}; fits only if the fixed costs are at "
                    "the low end")
        spare = cap - high
        edge = " (near the edge)" if spare < NEAR_EDGE * cap else ""
        return f"fits{edge}: {spare:,.1f} GB ({spare / cap:.0%} of the card) to spare at the high end"


def recipe(precision: Precision, optimizer: Optimizer) -> Recipe:
    opt = OPTIMIZER_BYTES[optimizer]
    if precision in ("fp32", "tf32"):
        return Recipe(4, 4, 0, opt, f"{precision}: weights 4 + gradients 4 + {optimizer} {opt:g}")
    if precision == "fp8":
        return Recipe(3, 2, 4, opt, f"fp8 mixed: bf16 weights 2 + fp8 copy 1 + bf16 gradients 2 + "
                                    f"fp32 master 4 + {optimizer} {opt:g}")
    return Recipe(2, 2, 4, opt, f"{precision} mixed: weights 2 + gradients 2 + fp32 master 4 + "
                                f"{optimizer} {opt:g}")


def lora_params(c: TransformerConfig, rank: int) -> float:
    """Adapter parameters: r.(d_in + d_out) for every linear layer in every block (active experts too)."""
    hd = c.head_size
    kv = c.kv_heads or c.heads
    attn = 2 * (c.hidden + c.heads * hd) + 2 * (c.hidden + kv * hd)
    per_mlp = (3 if c.gated_mlp else 2) * (c.hidden + c.ffn)
    return float(c.layers * rank * (attn + per_mlp * (c.experts or 1)))


def _bytes_per_activation(precision: Precision) -> float:
    return 4.0 if precision in ("fp32", "tf32") else 2.0


def transformer_activation_bytes(c: TransformerConfig, seq: int, precision: Precision,
                                 recompute: Recompute = "none", attention: Attention = "flash") -> float:
    """Per sample (b = 1): Korthikanti et al. 2022 per layer, times layers, plus the logits."""
    h, a, s = c.hidden, c.heads, seq
    mlp = (2 + 8 * c.ffn / h) if c.gated_mlp else (3 + 4 * c.ffn / h)  # = 19 for a 4h GELU MLP
    per_token = 11 + 4 + mlp * (c.active_experts or 1)
    scores = 5 * a * s / h if (attention == "eager" and recompute == "none") else 0.0
    scale = _bytes_per_activation(precision) / 2
    layer = s * h * (per_token + scores) * scale
    # full recomputation: each layer's input is kept, plus one layer's activations while recomputing
    layers_total = c.layers * 2 * s * h * scale + layer if recompute == "full" else c.layers * layer
    logits = s * c.vocab * LOGITS_BYTES_16BIT * scale if c.lm_head else 0.0
    return layers_total + logits


def activation_bytes_per_sample(model: ModelSpec, req: MemoryRequest) -> float:
    if model.transformer is not None:
        return transformer_activation_bytes(model.transformer, req.seq or model.transformer.seq,
                                            req.precision, req.recompute, req.attention)
    if req.recompute != "none":
        raise BadInput("recompute is modelled for transformers only; for a CNN leave it at 'none'",
                       field="recompute")
    return model.activation_bytes_fp32 if req.precision in ("fp32", "tf32") else model.activation_bytes_16bit


def _state_bytes(model: ModelSpec, req: MemoryRequest) -> tuple[dict[str, float], dict[str, float | str], float]:
    """Weights, gradients, master, optimizer per GPU (bytes), the recipe shown, trainable params."""
    r = recipe(req.precision, req.optimizer)
    n = model.params
    shard = {"none": (1, 1, 1), "zero1": (1, 1, req.gpus), "zero2": (1, req.gpus, req.gpus),
             "fsdp": (req.gpus, req.gpus, req.gpus)}[req.sharding]
    w_div, g_div, o_div = shard
    if not (req.lora or req.qlora):
        state = {"weights": n * r.weights / w_div, "gradients": n * r.gradients / g_div,
                 "master_weights": n * r.master / o_div, "optimizer_state": n * r.optimizer / o_div}
        shown: dict[str, float | str] = {
            "weights": r.weights, "gradients": r.gradients, "master_weights": r.master,
            "optimizer_state": r.optimizer, "total": r.total, "description": r.description}
        return state, shown, n
    if model.transformer is None:
        raise BadInput("LoRA and QLoRA are modelled for transformer models only", field="lora")
    c = model.transformer
    adapters = lora_params(c, req.lora_rank)
    from dlrig.workload.flops import transformer_params

    counts = transformer_params(c)
    if req.qlora:
        sixteen = counts.embedding + (c.vocab * c.hidden if c.lm_head and not c.tied_embeddings else 0)
        base = (n - sixteen) * NF4_BYTES_PER_PARAM + sixteen * 2
        base_desc = f"base: NF4 {NF4_BYTES_PER_PARAM:.3f} B/param, embeddings and LM head 2"
    else:
        base = n * r.weights
        base_desc = f"base: frozen {r.weights:g} B/param"
    state = {"weights": base / w_div + adapters * r.weights, "gradients": adapters * r.gradients,
             "master_weights": adapters * r.master, "optimizer_state": adapters * r.optimizer}
    shown = {"base_weights_gb": base / GB, "adapter_params": adapters, "adapter_bytes_per_param": r.total,
             "description": f"{base_desc}; adapters (rank {req.lora_rank}, every linear layer): {r.description}"}
    return state, shown, adapters


def fixed_costs_gb(model: ModelSpec, activations_gb: float) -> dict[str, tuple[float, float]]:
    """Per-GPU costs beyond the training state and activations, each (low, high) in GB."""
    out = {"cuda_context": CUDA_CONTEXT_GB, "cublas_workspace": CUBLAS_WORKSPACE_GB,
           "allocator_reserve": (ALLOCATOR_SHARE[0] * activations_gb, ALLOCATOR_SHARE[1] * activations_gb)}
    if model.transformer is None:
        out["cudnn_workspace"] = (CUDNN_WORKSPACE_SHARE[0] * activations_gb, CUDNN_WORKSPACE_SHARE[1] * activations_gb)
    return out


def estimate_memory(model: ModelSpec, req: MemoryRequest, vram_gb: float | None) -> MemoryEstimate:
    if req.batch < 1:
        raise BadInput(f"batch must be at least 1, not {req.batch}")
    state, shown, trainable = _state_bytes(model, req)
    per_sample = activation_bytes_per_sample(model, req)
    breakdown = {k: v / GB for k, v in state.items()}
    breakdown["activations"] = per_sample * req.batch / GB
    fixed = fixed_costs_gb(model, breakdown["activations"])
    breakdown.update({k: (lo + hi) / 2 for k, (lo, hi) in fixed.items()})
    total = sum(breakdown.values())
    spread = {k: ((lo + hi) / 2 - lo, hi - (lo + hi) / 2) for k, (lo, hi) in fixed.items()}
    low, high = total - sum(d for d, _ in spread.values()), total + sum(u for _, u in spread.values())
    elastic = fixed.get("cudnn_workspace", (0.0, 0.0))
    required = (low - elastic[0], high - elastic[1])
    cap = None if vram_gb is None else card_capacity_gb(vram_gb)
    fits = None if cap is None else required[1] <= cap
    hard_fixed = sum(state.values()) / GB + CUDA_CONTEXT_GB[1] + CUBLAS_WORKSPACE_GB[1]
    per_sample_high = per_sample / GB * (1 + ALLOCATOR_SHARE[1])
    max_batch = None if cap is None else max(0, int((cap - hard_fixed) / per_sample_high))
    return MemoryEstimate(per_gpu_gb=total, per_gpu_gb_range=(low, high), breakdown_gb=breakdown,
                          recipe=shown, trainable_params=trainable, vram_gb=vram_gb, fits=fits,
                          max_batch=max_batch, activation_gb_per_sample=per_sample / GB,
                          assumptions=_assumptions(model, req), required_gb_range=required)


def _assumptions(model: ModelSpec, req: MemoryRequest) -> tuple[str, ...]:
    out = [f"fixed costs per GPU: CUDA context {CUDA_CONTEXT_GB[0]}-{CUDA_CONTEXT_GB[1]} GB, cuBLAS workspace "
           f"{CUBLAS_WORKSPACE_GB[0] * 1000:.0f}-{CUBLAS_WORKSPACE_GB[1] * 1000:.0f} MB, caching-allocator reserve "
           f"{ALLOCATOR_SHARE[0]:.0%}-{ALLOCATOR_SHARE[1]:.0%} of the activations"
           + (f", cuDNN workspace {CUDNN_WORKSPACE_SHARE[0]:.0%}-{CUDNN_WORKSPACE_SHARE[1]:.0%} of the activations "
              "(elastic: not counted for 'fits')" if model.transformer is None else "")
           + "; 'fits' and max batch use the high end"]
    if model.transformer is not None:
        att = ("FlashAttention/SDPA: the s x s scores are not stored" if req.attention == "flash"
               else "eager attention: s x s scores stored (5.a.s/h term)")
        out.append(f"activations: Korthikanti et al. 2022, recompute={req.recompute}; {att}")
        if model.transformer.lm_head:
            out.append("logits: 16-bit + FP32 copy for the loss, s x vocab per sample")
    else:
        out.append("activations: tensors saved for backward, counted on meta tensors at the reference input")
    if req.sharding != "none":
        out.append(f"{req.sharding} over {req.gpus} data-parallel GPUs")
    return tuple(out)


INFERENCE_WEIGHT_BYTES = {"fp32": 4.0, "tf32": 4.0, "fp16": 2.0, "bf16": 2.0, "fp8": 1.0}


@dataclass(frozen=True)
class InferenceRequest:
    precision: Precision
    batch: int = 1
    seq: int | None = None  # tokens held in the KV cache per sequence (prompt + output)
    gpus: int = 1  # tensor parallel: weights and KV cache split over them


def kv_cache_bytes(c: TransformerConfig, tokens: int, batch: int, bytes_per_value: float) -> float:
    """2 (K and V) x layers x KV heads x head dim x tokens x batch x bytes (docs/domain.md 3); MLA's latent
    and sliding-window layers as :func:`dlrig.workload.llm_speed.kv_cache_bytes` counts them."""
    from dlrig.workload.llm_speed import kv_tokens, kv_values_per_token

    return kv_values_per_token(c) * kv_tokens(c, tokens) * batch * bytes_per_value


def _inference_parts(model: ModelSpec, req: InferenceRequest) -> tuple[float, float, float]:
    """Weights, KV cache (both per GPU) and workspace bytes, per GPU."""
    value_bytes = INFERENCE_WEIGHT_BYTES[req.precision]
    weights = model.params * value_bytes / req.gpus
    if model.transformer is None:
        act = model.activation_bytes_fp32 if req.precision in ("fp32", "tf32") else model.activation_bytes_16bit
        return weights, 0.0, act * req.batch
    c = model.transformer
    tokens = req.seq or c.seq
    kv = kv_cache_bytes(c, tokens, req.batch, value_bytes) / req.gpus
    layer = tokens * req.batch * c.hidden * 34 * value_bytes / 2 / req.gpus  # Korthikanti, one layer
    logits = req.batch * c.vocab * 4 if c.lm_head else 0.0
    return weights, kv, layer + logits


def inference_memory(model: ModelSpec, req: InferenceRequest, vram_gb: float | None) -> MemoryEstimate:
    """Memory per GPU to serve ``model``: weights + KV cache + workspace + CUDA context."""
    if req.batch < 1:
        raise BadInput(f"batch must be at least 1, not {req.batch}")
    if req.seq is not None and req.seq < 1:
        raise BadInput(f"seq must be at least 1, not {req.seq}", field="seq")
    if req.seq is not None and model.transformer is None:
        raise BadInput(f"seq applies to transformers; {model.name} takes a fixed {model.reference}", field="seq")
    weights, kv, work = _inference_parts(model, req)
    lo, hi = CUDA_CONTEXT_GB
    breakdown = {"weights": weights / GB}
    if model.transformer is not None:
        breakdown["kv_cache"] = kv / GB
    breakdown["workspace" if model.transformer is not None else "activations"] = work / GB
    breakdown["framework_overhead"] = (lo + hi) / 2
    total = sum(breakdown.values())
    low, high = total - (hi - lo) / 2, total + (hi - lo) / 2
    cap = None if vram_gb is None else card_capacity_gb(vram_gb)
    fits = None if cap is None else high <= cap
    one = InferenceRequest(req.precision, 1, req.seq, req.gpus)
    _, kv1, work1 = _inference_parts(model, one)
    per_sample = kv1 + work1  # both grow linearly with the batch
    max_batch = None if cap is None else max(0, int((cap - hi - weights / GB) / (per_sample / GB)))
    tokens = (req.seq or model.transformer.seq) if model.transformer else None
    notes = [f"inference, {req.precision} weights {INFERENCE_WEIGHT_BYTES[req.precision]:g} B/param",
             f"CUDA context and allocator {lo}-{hi} GB per GPU; 'fits' and max batch use the high end"]
    if model.transformer is not None:
        notes.append(f"KV cache: 2 x layers x KV heads x head dim x {tokens} tokens x batch x bytes")
    else:
        notes.append("activations: the forward pass's tensors, bounded above by the saved-for-backward count")
    if req.gpus > 1:
        notes.append(f"weights and KV cache split over {req.gpus} GPUs (tensor parallel)")
    recipe_shown: dict[str, float | str] = {"weights": INFERENCE_WEIGHT_BYTES[req.precision],
                                            "description": f"inference: {req.precision} weights, no gradients "
                                                           "or optimizer state"}
    return MemoryEstimate(per_gpu_gb=total, per_gpu_gb_range=(low, high), breakdown_gb=breakdown,
                          recipe=recipe_shown, trainable_params=0.0, vram_gb=vram_gb, fits=fits,
                          max_batch=max_batch, activation_gb_per_sample=per_sample / GB, assumptions=tuple(notes))
