"""LLM inference on a set of GPUs: where the layers go, memory per GPU, tokens per second.

Placement. **Layer split** (llama.cpp's default ``-sm layer``, pipeline parallelism): whole
transformer blocks are assigned to GPUs, so a GPU holds a whole number of layers; the token
embeddings sit with the first GPU and the LM head with the last. The layers are shared out in
proportion to what each GPU can hold (a 24 GB and a 12 GB card take about 2:1, like
llama.cpp's split by free memory); layers that fit on no GPU stay in system RAM (llama.cpp
``-ngl``), run by the CPU at the RAM's bandwidth. **Tensor split** (vLLM tensor parallelism,
llama.cpp ``-sm row``): every layer's matrices are cut into equal slices, one per GPU, so the
smallest card sets the size; the attention heads must divide evenly over the GPUs; KV heads
are split too, or copied where there are fewer KV heads than GPUs; MLA's latent cache is
copied to every GPU. Nothing goes to the CPU in a tensor split.

Memory per GPU: its weights, its KV cache (context x batch, in the KV format; sliding-window
layers keep only their window; MLA caches its latent), a compute buffer (one 512-token
micro-batch through one layer in FP32: 512 x (4 hidden + 3 MLP width) x 4 bytes, with flash
attention so no score matrix; an assumption), and the CUDA context and allocator, 0.5-1.0
GB (memory.CUDA_CONTEXT_GB). Whether it fits is judged at the high end. Speeds:
:mod:`dlrig.workload.llm_speed`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from dlrig.catalog.models import Gpu
from dlrig.errors import BadInput
from dlrig.workload import llm_speed as spd
from dlrig.workload.memory import CUDA_CONTEXT_GB, GB, card_capacity_gb
from dlrig.workload.quant import KvFormat, WeightFormat, weight_bytes
from dlrig.workload.zoo import ModelSpec

SPLITS = ("layer", "tensor")
UBATCH = 512  # llama.cpp's default micro-batch (n_ubatch)
DEFAULT_RAM_GB_S = 2 * 8 * 5.6  # dual-channel DDR5-5600 peak, 89.6 GB/s: the assumption without a build


@dataclass(frozen=True)
class InferenceSpec:
    """What to run: a model in a weight format, a context of cached tokens per sequence, a batch of sequences."""

    model: ModelSpec
    weights: WeightFormat
    kv: KvFormat
    context: int
    batch: int = 1
    split: str = "layer"
    offload: bool = True  # layers that fit on no GPU may run from system RAM (layer split only)
    ram_gb_s: float | None = None  # system RAM bandwidth (peak); None = DEFAULT_RAM_GB_S, stated
    ram_gb: float | None = None  # system RAM capacity, when known (a build's kits)
    link: str = "pcie"  # "nvlink" for SXM parts: the tensor split's all-reduce latency


@dataclass(frozen=True)
class GpuShare:
    gpu: str
    layers: int
    breakdown_gb: dict[str, float]
    per_gpu_gb: float
    per_gpu_gb_range: tuple[float, float]
    capacity_gb: float
    fits: bool


@dataclass(frozen=True)
class Placement:
    split: str
    shares: tuple[GpuShare, ...]
    cpu_layers: int
    cpu_gb: float  # weights and KV cache in system RAM
    fits: bool
    notes: tuple[str, ...] = ()

    @property
    def layers_text(self) -> str:
        parts = [f"{s.layers} on {s.gpu}" for s in self.shares]
        if self.cpu_layers:
            parts.append(f"{self.cpu_layers} in system RAM (CPU)")
        return ", ".join(parts)


@dataclass(frozen=True)
class Speed:
    tokens_per_s: float  # generation, all sequences together
    tokens_per_s_range: tuple[float, float]
    per_sequence_tokens_per_s: float
    prompt_tokens_per_s: float
    prompt_tokens_per_s_range: tuple[float, float]
    time_to_first_token_s: float  # a prompt filling the context
    bound: str  # what the generation step spends most of its time on
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class InferenceEstimate:
    spec: InferenceSpec
    gpus: tuple[Gpu, ...]
    placement: Placement
    speed: Speed | None  # None when it does not fit, or a GPU lacks bandwidth figures
    weights_gb: float
    kv_cache_gb: float
    notes: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        """The ``dlrig estimate --infer --json`` document."""
        return self.to_dict()

    def to_dict(self) -> dict[str, Any]:
        from dataclasses import asdict

        s, m = self.spec, self.spec.model
        return {
            "mode": "inference", "model": {"key": m.key, "name": m.name, "series": m.series, "params": m.params,
                                           "active_params": m.active_params, "source": m.source},
            "weights": {"format": s.weights.key, "bits_per_weight": s.weights.bits, "source": s.weights.source,
                        "total_gb": self.weights_gb},
            "kv_cache": {"format": s.kv.key, "bytes_per_value": s.kv.bytes_per_value, "context": s.context,
                         "batch": s.batch, "total_gb": self.kv_cache_gb, "source": s.kv.source},
            "gpus": [g.name for g in self.gpus], "split": s.split,
            "placement": {"layers": self.placement.layers_text, "cpu_layers": self.placement.cpu_layers,
                          "cpu_gb": self.placement.cpu_gb, "fits": self.placement.fits,
                          "per_gpu": [asdict(x) for x in self.placement.shares], "notes": list(self.placement.notes)},
            "speed": asdict(self.speed) if self.speed else None,
            "fits": self.placement.fits, "notes": list(self.notes),
            "tokens_per_s": self.speed.tokens_per_s if self.speed else None,
            "tokens_per_s_range": list(self.speed.tokens_per_s_range) if self.speed else None,
            "sources": [{"figure": "model", "kind": "model zoo", "source": m.source},
                        {"figure": "weights", "kind": "format", "source": s.weights.source},
                        {"figure": "kv_cache", "kind": "format", "source": s.kv.source},
                        {"figure": "tokens_per_s", "kind": "model",
                         "source": "dlrig.workload.llm_speed fitted on data/llm_inference_bench.json (docs/workload.md "
                                   "6; held-out error: benchmarks/llm_inference_accuracy.py)"},
                        *({"figure": "gpu", "kind": "catalog", "source": text}
                          for text in dict.fromkeys(f"{g.name} ({g.src})" for g in self.gpus))],
        }


def _compute_buffer(model: ModelSpec) -> float:
    c = model.transformer
    assert c is not None
    width = (c.moe_ffn or c.ffn) * (c.active_experts or 1) if c.experts else c.ffn
    return UBATCH * (4 * c.hidden + 3 * width) * 4.0


def _largest_remainder(total: int, weights: Sequence[float], caps: Sequence[int]) -> list[int]:
    """``total`` whole layers in proportion to ``weights``, none above its cap (sum(caps) >= total)."""
    share = [total * w / sum(weights) for w in weights]
    out = [min(int(x), c) for x, c in zip(share, caps, strict=True)]
    while sum(out) < total:
        room = [i for i in range(len(out)) if out[i] < caps[i]]
        i = max(room, key=lambda j: (share[j] - out[j], caps[j] - out[j]))
        out[i] += 1
    return out


def _share(gpu: Gpu, layers: int, parts: dict[str, float]) -> GpuShare:
    lo, hi = CUDA_CONTEXT_GB
    gb = {k: v / GB for k, v in parts.items()}
    gb["framework_overhead"] = (lo + hi) / 2
    total = sum(gb.values())
    cap = card_capacity_gb(gpu.vram_gb or 0.0)
    rng = (total - (hi - lo) / 2, total + (hi - lo) / 2)
    return GpuShare(gpu.name, layers, gb, total, rng, cap, rng[1] <= cap)


def place(spec: InferenceSpec, gpus: Sequence[Gpu]) -> Placement:
    """Where the layers go and what each GPU holds (module docstring)."""
    c = spec.model.transformer
    assert c is not None
    if not gpus:
        raise BadInput("inference needs at least one GPU")
    for g in gpus:
        if not g.vram_gb:
            raise BadInput(f"{g.name}: its memory size is unknown, so no placement can be judged")
    wb = weight_bytes(spec.model, spec.weights)
    kv_layer = spd.kv_cache_bytes(c, spec.context, spec.batch, spec.kv) / c.layers
    work = _compute_buffer(spec.model)
    if spec.split == "tensor":
        return _tensor(spec, gpus, wb.per_layer * c.layers + wb.embedding + wb.head, kv_layer * c.layers, work)
    hi = CUDA_CONTEXT_GB[1] * GB
    n = len(gpus)
    fixed = [hi + work + (wb.embedding if i == 0 else 0) + (wb.head if i == n - 1 else 0) for i in range(n)]
    per_layer = wb.per_layer + kv_layer
    caps = [max(0, int((card_capacity_gb(g.vram_gb or 0) * GB - f) // per_layer))
            for g, f in zip(gpus, fixed, strict=True)]
    notes = []
    if sum(caps) >= c.layers:
        counts = _largest_remainder(c.layers, [float(x) for x in caps], caps)
        cpu = 0
    else:
        counts, cpu = caps, c.layers - sum(caps)
        notes.append(f"{cpu} of {c.layers} layers do not fit on the GPUs: " + (
            "they stay in system RAM and run on the CPU" if spec.offload else
            "with offload on they would run from system RAM on the CPU"))
    shares = []
    for i, (g, k) in enumerate(zip(gpus, counts, strict=True)):
        parts = {"weights": k * wb.per_layer + (wb.head if i == n - 1 else 0.0), "kv_cache": k * kv_layer,
                 "compute_buffer": work}
        if i == 0:
            parts["embeddings"] = wb.embedding
        shares.append(_share(g, k, parts))
    cpu_gb = cpu * per_layer / GB
    fits = all(s.fits for s in shares) and (cpu == 0 or spec.offload)
    if cpu and spec.ram_gb is not None and cpu_gb > spec.ram_gb:
        fits = False
        notes.append(f"the {cpu_gb:,.1f} GB left for system RAM exceeds the build's {spec.ram_gb:g} GB")
    return Placement("layer", tuple(shares), cpu, cpu_gb, fits, tuple(notes))


def _tensor(spec: InferenceSpec, gpus: Sequence[Gpu], weights: float, kv: float, work: float) -> Placement:
    c = spec.model.transformer
    assert c is not None
    n = len(gpus)
    notes = []
    if c.heads % n:
        notes.append(f"a tensor split needs the {c.heads} attention heads divisible by the GPU count ({n})")
    kv_heads = c.kv_heads or c.heads
    kv_per = kv if c.kv_lora_rank else kv / min(n, kv_heads)
    if c.kv_lora_rank:
        notes.append("MLA's latent KV cache is copied to every GPU in a tensor split")
    elif kv_heads < n:
        notes.append(f"{kv_heads} KV heads over {n} GPUs: each GPU keeps a copy of one KV head")
    shares = tuple(_share(g, c.layers, {"weights": weights / n, "kv_cache": kv_per, "compute_buffer": work / n})
                   for g in gpus)
    if len({g.name for g in gpus}) > 1:
        notes.append("mixed GPUs in a tensor split: equal slices, so the smallest card sets the size and the "
                     "slowest the speed")
    fits = all(s.fits for s in shares) and not c.heads % n
    return Placement("tensor", shares, 0, 0.0, fits, tuple(notes))


def _speed(spec: InferenceSpec, gpus: Sequence[Gpu], pl: Placement) -> Speed | None:
    """Generation and prompt-processing rates with their ranges (llm_speed)."""
    m = spd.speed_model()
    c = spec.model.transformer
    assert c is not None
    tensor = pl.split == "tensor"
    if tensor:
        shares = [spd.Share(g, c.layers, head=True, fraction=1 / len(gpus)) for g in gpus]
    else:
        last = max((i for i, s in enumerate(pl.shares) if s.layers), default=len(gpus) - 1)
        shares = [spd.Share(g, s.layers, head=i == last) for i, (g, s) in enumerate(zip(gpus, pl.shares, strict=True))]
    terms = spd.step_terms(spec.model, spec.weights, spec.kv, shares, spec.context, spec.batch, tensor)
    if terms is None:
        return None
    ar = spd.ALLREDUCE_S[spec.link] if tensor else (0.0, 0.0, 0.0)
    gpu_s = [spd.step_seconds(m.coef, terms, a) for a in ar]  # low, central, high all-reduce cost
    wb = weight_bytes(spec.model, spec.weights)
    kv_layer = spd.kv_cache_bytes(c, spec.context, spec.batch, spec.kv) / c.layers
    cpu_bytes = pl.cpu_layers * (wb.active_per_layer + kv_layer)
    ram = spec.ram_gb_s or DEFAULT_RAM_GB_S
    cpu_fast, cpu_mid, cpu_slow = spd.cpu_seconds(cpu_bytes, ram) if pl.cpu_layers else (0.0, 0.0, 0.0)
    cpu_fixed = m.coef[2] * pl.cpu_layers + (m.coef[3] if pl.cpu_layers else 0.0)
    pp_tok = _prompt_s_per_token(spec, shares, m, pl, min(spec.context, UBATCH))
    extra = (spec.batch - 1) * pp_tok  # each further sequence in the step: its share of compute
    lo_r, hi_r = m.band
    central = spec.batch / (gpu_s[1] + cpu_mid + cpu_fixed + extra)
    low = spec.batch / (gpu_s[2] / lo_r + cpu_slow + cpu_fixed + extra)
    high = spec.batch / (gpu_s[0] / hi_r + cpu_fast + cpu_fixed + extra)
    pp_lo, pp_hi = m.pp_band
    full_prompt = _prompt_s_per_token(spec, shares, m, pl, spec.context) * spec.context
    notes = [f"generation: {spd.describe(m)}; the range is the leave-one-GPU-out spread, its top raised to a "
             f"September 2025 llama.cpp build's measured speed ({m.drift or 1:.2f} x the fit)",
             f"generation rate with {spec.context:,} tokens already cached" + (
                 f", {spec.batch} sequences per step (batch > 1 is not checked against measurements)"
                 if spec.batch > 1 else ""),
             f"prompt processing: FLOPs at 1/{m.pp_coef:.1f} of the FP16-accumulate tensor rate (median of the fit "
             "rows); range: their 10th-90th percentile"]
    if pl.cpu_layers:
        notes.append(f"{pl.cpu_layers} layers read from system RAM at {spd.CPU_EFFICIENCY[0]:.0%}-"
                     f"{spd.CPU_EFFICIENCY[2]:.0%} of {ram:g} GB/s peak" + (
                         "" if spec.ram_gb_s else " (assumed: dual-channel DDR5-5600; give --ram-bandwidth)"))
    if c.experts:
        notes.append(f"mixture of experts: generation reads the {c.active_experts} routed experts of each layer; "
                     "prompt processing counts active parameters only (every expert is busy over a long prompt, so "
                     "likely optimistic); no MoE measurement was in the fit")
    if any(g.vendor and g.vendor.upper() != "NVIDIA" for g in gpus):
        notes.append("fitted on NVIDIA GPUs with CUDA; other vendors' software is not checked")
    if tensor:
        notes.append(f"tensor split: 2 all-reduces per layer at {ar[0] * 1e6:.0f}-{ar[2] * 1e6:.0f} us "
                     f"({spec.link}; NCCL small-message latency, NVIDIA/nccl#1259, #1439, #1530)")
    return Speed(tokens_per_s=central, tokens_per_s_range=(low, high), per_sequence_tokens_per_s=central / spec.batch,
                 prompt_tokens_per_s=1 / pp_tok if pp_tok else 0.0,
                 prompt_tokens_per_s_range=(pp_lo / pp_tok, pp_hi / pp_tok) if pp_tok else (0.0, 0.0),
                 time_to_first_token_s=full_prompt, bound=_bound(terms, m, cpu_mid), notes=tuple(notes))


def _prompt_s_per_token(spec: InferenceSpec, shares: Sequence[spd.Share], m: spd.SpeedModel, pl: Placement,
                        tokens: int) -> float:
    """Seconds per prompt token over ``tokens``: FLOPs / FP16-accumulate rate x pp_coef, plus copying
    RAM-held layers to the GPU once per 512-token micro-batch (llama.cpp does so for large batches)."""
    total = 0.0
    for s in shares:
        peak = spd._peak16(s.gpu)
        if not peak:
            return 0.0
        total += spd.prompt_flops(spec.model, tokens, s.layers, s.head) * s.fraction / tokens / peak
    if pl.cpu_layers:
        from dlrig.rules_of_thumb import PCIE_X16_GB_S

        gen = int(min((s.gpu.pcie_gen or 4) for s in shares))
        wb = weight_bytes(spec.model, spec.weights)
        total += pl.cpu_layers * wb.per_layer / (PCIE_X16_GB_S.get(gen, 12.0) * 1e9) / UBATCH
    return total * m.pp_coef


def _bound(t: spd.StepTerms, m: spd.SpeedModel, cpu_s: float) -> str:
    a, k, c, d, eq, e16 = m.coef
    parts = {"reading weights (memory bandwidth)": a * sum(x[0] for x in t.per_device),
             "reading the KV cache": k * sum(x[1] for x in t.per_device),
             "per-weight kernel work (CUDA cores)": sum(eq * x[2] + e16 * x[3] for x in t.per_device),
             "fixed per-layer costs": c * t.layers + d * t.hops, "system RAM (CPU layers)": cpu_s}
    return max(parts, key=parts.__getitem__)


def estimate_inference(spec: InferenceSpec, gpus: Sequence[Gpu]) -> InferenceEstimate:
    """Placement, memory and speed of ``spec`` on ``gpus`` (one entry per card)."""
    if spec.split not in SPLITS:
        raise BadInput(f"unknown split {spec.split!r}; one of: {', '.join(SPLITS)}", field="split")
    c = spec.model.transformer
    if c is None or not c.lm_head:
        raise BadInput(f"{spec.model.name} is not a generative language model: inference estimates need a "
                       "decoder with an LM head (for a CNN or BERT, the inference fit gives the memory)", field="model")
    if spec.context < 1 or spec.batch < 1:
        raise BadInput("the context and the batch must be at least 1", field="seq" if spec.context < 1 else "batch")
    window = c.context_window
    if window and spec.context > window:
        raise BadInput(f"context {spec.context:,} is past {spec.model.name}'s context window of {window:,} tokens "
                       "(max_position_embeddings)", field="seq")
    pl = place(spec, gpus)
    speed = _speed(spec, gpus, pl) if pl.fits else None
    wb = weight_bytes(spec.model, spec.weights)
    notes = [f"weights: {spec.weights.name}, {spec.weights.bits:.2f} bits per weight ({spec.weights.source})",
             f"KV cache: {spec.kv.key}, {spec.kv.bytes_per_value:g} bytes per value ({spec.kv.source})"]
    if c.kv_lora_rank:
        notes.append(f"multi-head latent attention: {c.kv_lora_rank + c.rope_head_dim} cached values per token per "
                     "layer (the latent and the rotary key), not 2 x heads x head size")
    if c.sliding_window and c.global_every > 1:
        notes.append(f"sliding-window layers ({c.layers - c.layers // c.global_every} of {c.layers}) cache only "
                     f"{c.sliding_window:,} tokens")
    notes.append(f"compute buffer: one {UBATCH}-token micro-batch through one layer in FP32 (flash attention; "
                 "assumption); CUDA context and allocator {}-{} GB per GPU".format(*CUDA_CONTEXT_GB))
    notes.extend(spec.model.notes)
    return InferenceEstimate(spec, tuple(gpus), pl, speed, wb.total / GB,
                             spd.kv_cache_bytes(c, spec.context, spec.batch, spec.kv) / GB, tuple(notes))
