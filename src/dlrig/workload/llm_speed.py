"""Tokens per second of LLM inference: a fitted model of one decode step and of prompt processing.

Generation (one new token per sequence per step) reads every weight the step uses once,
plus the KV cache, so it is bound by memory bandwidth. One step, layer split over GPUs
(llama.cpp's default: each GPU runs its own layers in turn, so the times add up):

    t = sum over GPUs [ a . W_g / BW_g + k . KV_g / BW_g + e_fmt . P_g / FP32_g ]
        + c . layers + d . (devices - 1)

W_g: bytes of weights GPU g reads (a mixture of experts reads its routed experts only);
KV_g: bytes of KV cache it reads (context x batch); P_g: weights it multiplies (count);
FP32_g: its CUDA-core rate. a >= 1 and k >= 1 price the bytes (a = 1 is the data sheet's
bandwidth); e_fmt prices the per-weight work of the kernels (dequantisation, dot products),
one figure for quantised formats and one for 16-bit ones, which is what makes data-centre
cards (high bandwidth, few CUDA-core FLOP/s per byte) slower than their bandwidth alone says;
c is a fixed cost per layer (kernel launches, synchronisation); d one per hand-over between
devices. Tensor split (``-sm row``, vLLM): every GPU reads its 1/N of each layer at once, so
the slowest GPU's time counts, plus two all-reduces per layer (NCCL small-message latency:
6 us over NVLink on H100, NVIDIA/nccl#1259; 42-54 us over PCIe for 8 x RTX 4090/3090,
NVIDIA/nccl#1530, #1439; taken as 15-55 us for PCIe, 6-15 us for SXM/NVLink).
Layers held in system RAM are read at 50-80% of the RAM's peak bandwidth (an assumption:
a Raspberry Pi 5 reads at 10.3 GB/s of 17 GB/s, 60%, ggml-org/llama.cpp#26484).

Fitted (least squares on relative error, bounds a, k >= 1, others >= 0) on the ``fit`` rows
of ``data/llm_inference_bench.json`` (llama.cpp, May 2024); the range is the spread of
leave-one-GPU-out ratios measured/predicted over those rows, its top raised to the one
``drift`` measurement's ratio (a 2025 llama.cpp build, faster than the fit). Prompt
processing is compute-bound: 2 . N . tokens + 2 . layers . tokens^2 . d_attn FLOPs (causal
attention) at a fitted fraction of the FP16 tensor rate with FP16 accumulation (twice the
catalog's FP32-accumulate figure on GeForce cards, equal on the others), range from the
10th to the 90th percentile of the fit rows' ratios.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from dlrig.catalog.models import Gpu
from dlrig.workload.quant import KvFormat, WeightFormat, kv_format, weight_bytes, weight_format
from dlrig.workload.zoo import ModelSpec, TransformerConfig, get_model

BENCH = Path(__file__).parent / "data" / "llm_inference_bench.json"
LOWER = (1.0, 1.0, 0.0, 0.0, 0.0, 0.0)  # a, k >= 1: never faster than the data sheet's bandwidth
ALLREDUCE_S = {"pcie": (15e-6, 35e-6, 55e-6), "nvlink": (6e-6, 10e-6, 15e-6)}  # low, central, high
CPU_EFFICIENCY = (0.5, 0.65, 0.8)  # of the RAM's peak bandwidth: low, central, high (assumption)


@dataclass(frozen=True)
class Share:
    """What one device does in a decode step."""

    gpu: Gpu
    layers: int
    head: bool = False  # this device also runs the LM head
    fraction: float = 1.0  # tensor split: the share of each layer's matrices


@dataclass(frozen=True)
class StepTerms:
    """The features of one decode step, before the coefficients: see the module docstring."""

    per_device: tuple[tuple[float, float, float, float], ...]  # (W/BW, KV/BW, P/FP32 quantised, P/FP32 16-bit)
    layers: int
    hops: int
    tensor: bool
    allreduces: int  # tensor split: 2 per layer


def kv_values_per_token(c: TransformerConfig) -> float:
    """Cached values per token per layer: K and V of each KV head, or MLA's latent plus its rotary key."""
    if c.kv_lora_rank:
        return float(c.kv_lora_rank + c.rope_head_dim)
    return 2.0 * (c.kv_heads or c.heads) * c.head_size


def kv_tokens(c: TransformerConfig, tokens: float) -> float:
    """Cached tokens summed over layers: sliding-window layers keep only their window (Gemma 2/3)."""
    if c.sliding_window and c.global_every > 1:
        n_global = c.layers // c.global_every
        return n_global * tokens + (c.layers - n_global) * min(tokens, c.sliding_window)
    return c.layers * tokens


def kv_cache_bytes(c: TransformerConfig, tokens: float, batch: int, kv: KvFormat) -> float:
    return kv_values_per_token(c) * kv_tokens(c, tokens) * batch * kv.bytes_per_value


def _peak16(gpu: Gpu) -> float | None:
    """FP16 tensor FLOP/s with FP16 accumulation (llama.cpp's cuBLAS GEMMs): GeForce spec sheets'
    figure, twice the catalog's FP32-accumulate rate; CUDA-core FP32 where the tensor rate is unknown."""
    if gpu.fp16_tflops:
        return gpu.fp16_tflops * 1e12 * (2 if gpu.kind == "consumer" else 1)
    return gpu.fp32_tflops * 1e12 if gpu.fp32_tflops else None


def step_terms(model: ModelSpec, fmt: WeightFormat, kv: KvFormat, shares: Sequence[Share], context: float,
               batch: int = 1, tensor: bool = False) -> StepTerms | None:
    """Features of a decode step at ``context`` cached tokens; None when a GPU lacks bandwidth or FP32 figures."""
    c = model.transformer
    assert c is not None
    wb = weight_bytes(model, fmt)
    head_bits = fmt.bits if fmt.scope == "all" else 16.0
    head_params = float(c.vocab * c.hidden) if c.lm_head else 0.0
    active_params_layer = wb.active_per_layer * 8 / fmt.bits
    kv_layer = kv_cache_bytes(c, context, batch, kv) / c.layers
    rows = []
    for s in shares:
        bw, f32 = s.gpu.memory_bandwidth_gb_s, s.gpu.fp32_tflops
        if not bw or not f32:
            return None
        w = (s.layers * wb.active_per_layer + (head_params * head_bits / 8 if s.head else 0.0)) * s.fraction
        p = (s.layers * active_params_layer + (head_params if s.head else 0.0)) * s.fraction
        kvb = s.layers * kv_layer * s.fraction
        alu = p / (f32 * 1e12)
        rows.append((w / (bw * 1e9), kvb / (bw * 1e9), alu if fmt.kernel == "quantized" else 0.0,
                     alu if fmt.kernel == "16bit" else 0.0))
    used = [s for s in shares if s.layers]
    layers = max((s.layers for s in used), default=0) if tensor else sum(s.layers for s in used)
    return StepTerms(per_device=tuple(rows), layers=layers, hops=0 if tensor else max(0, len(used) - 1),
                     tensor=tensor, allreduces=2 * layers if tensor and len(used) > 1 else 0)


@dataclass(frozen=True)
class SpeedModel:
    coef: tuple[float, ...]  # a, k, c (s per layer), d (s per hop), e_quantised, e_16bit
    band: tuple[float, float]  # measured / predicted, leave-one-GPU-out: lowest, highest (drift included)
    fit_band: tuple[float, float]  # the same without the drift allowance
    drift: float | None  # the drift measurement's ratio measured / predicted
    median_abs_error: float  # leave-one-GPU-out, fit rows
    pp_coef: float  # prompt FLOPs are done at 1 / pp_coef of the FP16-accumulate tensor rate
    pp_band: tuple[float, float]  # 10th and 90th percentile of measured / predicted, fit rows
    fit_rows: int
    sources: tuple[str, ...]

    def step_s(self, t: StepTerms, allreduce_s: float = 0.0) -> float:
        return step_seconds(self.coef, t, allreduce_s)


def step_seconds(coef: Sequence[float], t: StepTerms, allreduce_s: float = 0.0) -> float:
    """Seconds of one decode step on the GPUs (the module docstring's formula)."""
    a, k, c, d, eq, e16 = coef
    per = [a * w + k * kv + eq * q + e16 * h for w, kv, q, h in t.per_device]
    gpu = (max(per) if t.tensor else sum(per)) if per else 0.0
    return gpu + c * t.layers + d * t.hops + t.allreduces * allreduce_s


def _features(t: StepTerms) -> list[float]:
    w, kv, q, h = (sum(col) for col in zip(*t.per_device, strict=True))
    return [w, kv, float(t.layers), float(t.hops), q, h]


def _solve(rows: list[tuple[list[float], float]]) -> tuple[float, ...]:
    """min sum (x . coef . rate - 1)^2 with coef >= LOWER: every set of active bounds solved in closed form."""
    import numpy as np

    x = np.array([[f * rate for f in feats] for feats, rate in rows])
    y = np.ones(len(rows))
    lower = np.array(LOWER)
    n = x.shape[1]
    best: tuple[float, np.ndarray] | None = None
    for active in itertools.product((False, True), repeat=n):
        coef = np.where(active, lower, 0.0)
        free = [i for i in range(n) if not active[i]]
        fixed = [i for i in range(n) if active[i]]
        rest = y - x[:, fixed] @ coef[fixed]
        if free:
            coef[free] = np.linalg.lstsq(x[:, free], rest, rcond=None)[0]
        if np.any(coef < lower - 1e-12):
            continue
        loss = float(np.sum((x @ coef - y) ** 2))
        if best is None or loss < best[0]:
            best = (loss, coef)
    assert best is not None  # every bound active is feasible
    return tuple(float(v) for v in best[1])


@dataclass(frozen=True)
class Row:
    """One measurement and its decode-step features."""

    data: dict
    model: ModelSpec
    fmt: WeightFormat
    shares: tuple[Share, ...]
    tensor: bool

    @property
    def mean_context(self) -> float:
        """llama-bench's tg N starts from an empty cache: the mean context over the run is N/2."""
        return self.data["tokens"] / 2

    def terms(self) -> StepTerms | None:
        return step_terms(self.model, self.fmt, kv_format("f16"), self.shares, self.mean_context,
                          tensor=self.tensor)

    def pp_s(self) -> float | None:
        """Seconds per prompt token at unit efficiency: the FLOPs over each GPU's FP16-accumulate rate."""
        n = self.data["tokens"]
        total = 0.0
        for s in self.shares:
            peak = _peak16(s.gpu)
            if not peak:
                return None
            total += prompt_flops(self.model, n, s.layers, s.head) * s.fraction / n / peak
        return total


def prompt_flops(model: ModelSpec, tokens: int, layers: int | None = None, head: bool = True) -> float:
    """FLOPs to process a ``tokens``-long prompt through ``layers`` layers (default all): 2 . N . tokens for
    the matrices (the LM head only where ``head``: llama.cpp computes the last position's logits only) plus
    causal attention, 2 . layers . tokens^2 . d_attn."""
    from dlrig.workload.flops import transformer_params

    c = model.transformer
    assert c is not None
    n_layers = c.layers if layers is None else layers
    head_params = c.vocab * c.hidden if c.lm_head else 0
    per_layer = (transformer_params(c).matmul_active - head_params) / c.layers
    return 2.0 * per_layer * n_layers * tokens + (2.0 * head_params if head else 0.0) \
        + 2.0 * n_layers * tokens * tokens * c.heads * c.head_size


def even_shares(gpus: Sequence[Gpu], layers: int) -> tuple[Share, ...]:
    """llama.cpp's default layer split over identical GPUs: as even as whole layers allow, the head on the last."""
    n = len(gpus)
    counts = [layers // n + (1 if i < layers % n else 0) for i in range(n)]
    return tuple(Share(g, k, head=i == n - 1) for i, (g, k) in enumerate(zip(gpus, counts, strict=True)))


@cache
def bench() -> dict:
    return json.loads(BENCH.read_text(encoding="utf-8"))


def bench_chips() -> dict[str, Gpu]:
    """The GPUs the measurements ran on, with the figures recorded beside them
    (scripts/record_llm_bench_chips.py: the packaged catalog's, each with its source)."""
    out = {}
    for name, f in bench()["chips"].items():
        out[name] = Gpu(id=f"gpu/bench/{name}", name=name, src="llm_inference_bench.json",
                        **{k: v for k, v in f.items() if k != "sources"})
    return out


def rows(roles: tuple[str, ...] | None = None, test: str | None = None) -> list[Row]:
    chips = bench_chips()
    out = []
    for r in bench()["rows"]:
        if (roles and r["role"] not in roles) or (test and r["test"] != test):
            continue
        model = get_model(r["model"])
        gpu = chips[r["gpu"]]
        tensor = r.get("split") == "tensor"
        assert model.transformer is not None, r["model"]  # the bench measured language models only
        layers = model.transformer.layers
        shares = tuple(Share(gpu, layers, head=True, fraction=1 / r["gpus"]) for _ in range(r["gpus"])) if tensor \
            else even_shares([gpu] * r["gpus"], layers)
        out.append(Row(r, model, weight_format(r["weights"]), shares, tensor))
    return out


def _fit_gen(fit: list[Row]) -> tuple[float, ...]:
    return _solve([(_features(t), r.data["tokens_per_s"]) for r in fit if (t := r.terms()) is not None])


def predict_tps(coef: Sequence[float], row: Row) -> float | None:
    """The central prediction for a measurement row (tensor split: PCIe all-reduce latency, central)."""
    t = row.terms()
    if t is None:
        return None
    return 1.0 / step_seconds(coef, t, ALLREDUCE_S["pcie"][1] if t.allreduces else 0.0)


def leave_one_gpu_out(fit: list[Row]) -> list[tuple[Row, float]]:
    """(row, measured / predicted) with the row's GPU chip left out of the fit."""
    out = []
    for chip in sorted({r.data["gpu"] for r in fit}):
        coef = _fit_gen([r for r in fit if r.data["gpu"] != chip])
        for r in fit:
            if r.data["gpu"] == chip and (p := predict_tps(coef, r)):
                out.append((r, r.data["tokens_per_s"] / p))
    return out


@cache
def speed_model() -> SpeedModel:
    """The model fitted on the ``fit`` rows (cached: a fraction of a second)."""
    import numpy as np

    gen = rows(("fit",), "tg")
    coef = _fit_gen(gen)
    ratios = [q for _, q in leave_one_gpu_out(gen)]
    drift_rows = rows(("drift",), "tg")
    drift = None
    if drift_rows and (p := predict_tps(coef, drift_rows[0])):
        drift = drift_rows[0].data["tokens_per_s"] / p
    lo, hi = min(ratios), max(ratios)
    pp = [(r.data["tokens_per_s"], s) for r in rows(("fit",), "pp") if (s := r.pp_s())]
    pp_coef = float(np.median([1 / (rate * s) for rate, s in pp]))  # seconds per token = pp_coef x s
    pp_ratios = [rate * s * pp_coef for rate, s in pp]
    return SpeedModel(coef=coef, band=(lo, max(hi, drift or hi)), fit_band=(lo, hi), drift=drift,
                      median_abs_error=float(np.median([abs(1 / q - 1) for q in ratios])), pp_coef=pp_coef,
                      pp_band=(float(np.percentile(pp_ratios, 10)), float(np.percentile(pp_ratios, 90))),
                      fit_rows=len(gen), sources=tuple(sorted({r.data["source"] for r in gen})))


def describe(m: SpeedModel) -> str:
    a, k, c, d, eq, e16 = m.coef
    return (f"a {a:.2f}, KV x{k:.2f}, {c * 1e6:.0f} us/layer, {d * 1e3:.2f} ms/hand-over, per-weight "
            f"{eq:.1f} (quantised) / {e16:.1f} (16-bit) x P/FP32; fitted on {m.fit_rows} llama.cpp measurements "
            f"(May 2024); leave-one-GPU-out median error {m.median_abs_error:.0%}")


def cpu_seconds(bytes_read: float, ram_gb_s: float) -> tuple[float, float, float]:
    """Seconds to read ``bytes_read`` from system RAM: (fast, central, slow)."""
    fast, central, slow = (bytes_read / (e * ram_gb_s * 1e9) for e in reversed(CPU_EFFICIENCY))
    return fast, central, slow


def finite(x: float) -> bool:
    return math.isfinite(x) and x > 0
