"""Training throughput: the nearest measurement times the calibrated model's ratio.

Order of preference ("measured beats modelled"):
1. a Lambda measurement for this chip, model, precision and GPU count (v1 first, then v0);
2. for one GPU, the nearest Lambda measurement (:mod:`dlrig.workload.anchor`) times the
   calibrated "compute + memory time" model's ratio between the two cases
   (:mod:`dlrig.workload.calibration`); for transformers above ``LARGE_MODEL_PARAMS`` the
   model is far outside what it was fitted on (BERT), so a model-FLOPs-utilization rule of
   thumb is used instead;
3. for N GPUs without a measurement, data-parallel scaling of (1) or (2): a ring all-reduce
   moves 2(N-1)/N x gradient bytes (FP32, ``ALLREDUCE_BYTES_PER_PARAM``) over the slowest link
   each step, partly hidden behind the backward pass.
Then the software the user runs (:mod:`dlrig.workload.software`) and a range that combines the
measurement's spread, the held-out error of the kind of prediction and the software spread
(:mod:`dlrig.workload.uncertainty`).

Precisions: ``fp16`` and ``bf16`` are the same 16-bit tensor-core mode (Lambda's "fp16" rows,
AMP, anchor both; they differ only where the chip's rates differ). ``tf32`` is FP32 tensors
with TF32 tensor-core matmuls; ``fp32`` is strict IEEE FP32 on the CUDA cores, whose matrix
products reach at best ``CUDA_CORE_GEMM_EFFICIENCY`` of the FP32 peak. Lambda's "fp32" rows
ran in NGC containers, which enable TF32, so they are ``tf32`` on Ampere and newer and
``fp32`` before Ampere, which has no TF32.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from functools import cache

from dlrig.catalog.models import Gpu, Precision
from dlrig.catalog.names import normalize
from dlrig.rules_of_thumb import PCIE_X16_GB_S  # achievable GB/s for x16 (docs/domain.md 4)
from dlrig.workload import calibration as cal
from dlrig.workload.zoo import ModelSpec

LARGE_MODEL_PARAMS = 3e9  # above this, transformers use the MFU rule of thumb below
# Model-FLOPs utilization of large-model training, rule of thumb: Dubey et al. 2024 ("The
# Llama 3 Herd of Models", table 4) report 38-43% BF16 MFU on H100; smaller setups reach less.
LARGE_MODEL_MFU = (0.25, 0.45)
OVERLAP_FRACTION = 0.5  # share of the backward pass that can hide all-reduce time (assumption)
BACKWARD_SHARE = 2 / 3  # backward ~ 2/3 of a training step (training = 3 x forward)
# NVLink/NVSwitch all-reduce bus bandwidth per GPU, GB/s, rule of thumb from nccl-tests
# all_reduce_perf on DGX-class systems (check): V100 ~130, A100 ~230, H100 ~360.
NVLINK_BUS_GB_S = {"Volta": 130.0, "Ampere": 230.0, "Hopper": 360.0, "Blackwell": 700.0}
DEFAULT_PCIE_GEN = 4  # when neither the GPU nor the build says
# Bytes per trainable parameter that each data-parallel step all-reduces: PyTorch DDP with
# autocast (AMP, what Lambda's "fp16" rows ran) keeps FP32 parameters, so its gradients, and
# the all-reduce, are FP32 whatever the compute precision (DDP's default; a bf16/fp16
# communication hook would halve it).
ALLREDUCE_BYTES_PER_PARAM = 4.0
# Strict FP32 runs on the CUDA cores: a large matrix product there reached 52.7-53.6 of the
# H100 SXM5's 66.91 FP32 TFLOP/s (dlrig bench and a torch.matmul sweep, 2026-11-27,
# benchmarks/results/2026-11-27-h100-sxm5/README.md), so the model's compute term for strict
# FP32 divides by 0.79 x the FP32 peak (the tensor-core modes keep the datasheet peak: a >= 1).
CUDA_CORE_GEMM_EFFICIENCY = 0.79


@dataclass(frozen=True)
class Link:
    kind: str  # "nvlink" or "pcie"
    gb_s: float
    description: str


@dataclass(frozen=True)
class Scaling:
    gpus: int
    link: str
    gradient_gb: float
    allreduce_s: float
    exposed_s: float
    step_s: float
    efficiency: float  # throughput of N GPUs / (N x one GPU)


@dataclass(frozen=True)
class Throughput:
    samples_per_s: float  # all GPUs together
    range: tuple[float, float]
    source: str  # "measured" or "model"
    detail: str
    per_gpu_samples_per_s: float
    scaling: Scaling | None = None
    notes: tuple[str, ...] = field(default=())
    batch: int | None = None  # a measurement's per-GPU batch, where known
    compute_share: float | None = None  # share of the modelled step in the compute term (power)
    sigma: float | None = None  # the range's log-ratio sigma before k (uncertainty.band)


def precision_class(precision: Precision) -> cal.PrecisionClass:
    return "32-bit" if precision in ("fp32", "tf32") else "16-bit"


FALLBACK: dict[Precision, tuple[Precision, ...]] = {
    "fp8": ("bf16", "fp16", "tf32", "fp32"), "bf16": ("fp16", "tf32", "fp32"),
    "fp16": ("bf16", "tf32", "fp32"), "tf32": ("fp32",), "fp32": ()}


def effective_peak_tflops(gpu: Gpu, precision: Precision) -> tuple[float | None, str | None]:
    """The dense peak for a precision; where the GPU lacks it, the next rate down, with a note."""
    value = gpu.tflops(precision)
    if value:
        return value, None
    for other in FALLBACK[precision]:
        value = gpu.tflops(other)
        if value:
            return value, f"{gpu.name} has no {precision} rate in the catalog: modelled at its {other} rate"
    return None, None


def compute_peak_tflops(gpu: Gpu, precision: Precision) -> tuple[float | None, str | None]:
    """The rate the model's compute term divides by: the dense tensor-core peak, or for strict
    FP32 the CUDA cores' FP32 peak x ``CUDA_CORE_GEMM_EFFICIENCY``."""
    if precision == "fp32" and gpu.fp32_tflops:
        return gpu.fp32_tflops * CUDA_CORE_GEMM_EFFICIENCY, None
    return effective_peak_tflops(gpu, precision)


def lambda_chip(gpu: Gpu) -> str | None:
    """The Lambda chip name (TechPowerUp spelling) this GPU is, by normalized name or alias."""
    return _lambda_chip_named((gpu.name, *gpu.aliases))


@cache
def _lambda_chips() -> dict[str, str]:
    """Lambda's chip names by their normalized spelling, worked out once per process (a plan asks
    for thousands of cards and counts)."""
    return {normalize(chip): chip for chip in sorted({r["chip"] for r in cal.bench()["rows"]})}


@cache
def _lambda_chip_named(names: tuple[str, ...]) -> str | None:
    spelled = {normalize(n).removeprefix("nvidia ") for n in names}
    return min((chip for key, chip in _lambda_chips().items() if key in spelled), default=None)


def _lambda_precisions(gpu: Gpu, precision: Precision) -> str | None:
    """Lambda's precision that ran this dlrig precision on this GPU: "fp16" (AMP) for fp16, and
    for bf16 where the chip's bf16 and fp16 tensor rates are the same; "fp32" for tf32 on
    chips with TF32 and for strict fp32 on chips without."""
    if precision == "fp16" or (precision == "bf16" and gpu.bf16_tflops and gpu.bf16_tflops == gpu.fp16_tflops):
        return "fp16"
    has_tf32 = bool(gpu.tf32_tflops)
    if (precision == "tf32" and has_tf32) or (precision == "fp32" and not has_tf32):
        return "fp32"
    return None


def measured(gpu: Gpu, model_key: str, precision: Precision, gpus: int) -> Throughput | None:
    chip, lp = lambda_chip(gpu), _lambda_precisions(gpu, precision)
    if chip is None or lp is None:
        return None
    for version in ("v1", "v0"):
        rows = _rows_by_run().get((chip, model_key, gpus, lp, version), [])
        if rows:
            values = [r["samples_per_s"] for r in rows]
            value = statistics.median(values)
            systems = ", ".join(sorted({r["system"] for r in rows}))
            same = ("; bf16 runs at this chip's fp16 tensor rate, so Lambda's fp16 (AMP) row stands for it"
                    if precision == "bf16" else "")
            detail = (f"Lambda {version} measurement ({systems}; Lambda '{lp}'"
                      f"{' = AMP' if lp == 'fp16' else ' = TF32' if precision == 'tf32' else ''}; batch "
                      f"{cal.per_gpu_batch(rows[0])} per GPU{same})")
            return Throughput(samples_per_s=value, range=(min(values), max(values)), source="measured",
                              detail=detail, per_gpu_samples_per_s=value / gpus, batch=cal.per_gpu_batch(rows[0]))
    return None


@cache
def _rows_by_run() -> dict[tuple[str, str, int, str, str], list[dict]]:
    """Lambda's rows by (chip, model, GPU count, Lambda precision, version), in the file's order."""
    out: dict[tuple[str, str, int, str, str], list[dict]] = {}
    for r in cal.bench()["rows"]:
        out.setdefault((r["chip"], r["model"], r["num_gpu"], r["lambda_precision"], r["version"]), []).append(r)
    return out


def _large_model(model: ModelSpec, train_flops: float, peak: float) -> Throughput:
    lo, hi = LARGE_MODEL_MFU
    per_s = (lo + hi) / 2 * peak * 1e12 / train_flops
    return Throughput(samples_per_s=per_s, range=(lo * peak * 1e12 / train_flops, hi * peak * 1e12 / train_flops),
                      source="model", per_gpu_samples_per_s=per_s,
                      detail=f"model-FLOPs utilization {lo:.0%}-{hi:.0%} of dense peak (rule of thumb, "
                             "Llama 3 paper: 38-43% on H100)")


def model_seconds(model: ModelSpec, gpu: Gpu, precision: Precision, train_flops: float, activation_bytes: float,
                  exclude: frozenset[str] = frozenset(), batch: int | None = None, version: str = cal.FIT_VERSION,
                  like: Gpu | None = None, logo: bool = False) -> tuple[float, cal.Calibration, dict[str, float]]:
    """Seconds per sample from the calibration, the fit it used and its terms (seconds each).

    ``like``: use the fit variant (with or without the memory and CUDA-core terms) that this
    other GPU's figures allow, so an anchor and its target are priced by the same fit; ``logo``:
    the fit with its leave-one-GPU-out band (only the legacy :func:`modelled` detail prints it)."""
    from dlrig.errors import BadInput

    peak, _ = compute_peak_tflops(gpu, precision)
    if peak is None:
        raise BadInput(f"{gpu.name}: the catalog has no FLOP/s figure, so throughput cannot be modelled")
    shape = like or gpu
    bw, cuda = gpu.memory_bandwidth_gb_s, gpu.fp32_tflops
    c = cal.calibration(model.family, precision_class(precision), use_memory=bool(shape.memory_bandwidth_gb_s and bw),
                        use_cuda_cores=bool(shape.fp32_tflops and cuda), exclude=exclude, version=version,
                        logo=logo)
    terms = c.terms_s(train_flops / (peak * 1e12), activation_bytes / (bw * 1e9) if bw else None,
                      activation_bytes / (cuda * 1e12) if cuda else None, cal.step_feature(model.params, bw, batch))
    return sum(terms.values()), c, terms


def modelled(model: ModelSpec, gpu: Gpu, precision: Precision, train_flops: float,
             activation_bytes: float, exclude: frozenset[str] = frozenset(), batch: int | None = None,
             version: str = cal.FIT_VERSION) -> Throughput:
    """One GPU, from the calibration alone (or the large-model MFU rule); ``exclude``: Lambda chips
    left out of the calibration (the accuracy benchmark holds the predicted chip out);
    ``batch``: per-GPU batch, for the per-step term (None: the term is left out); ``version``:
    the Lambda software regime of the fit (v1, today's, unless the benchmark asks for v0)."""
    import math

    peak, note = compute_peak_tflops(gpu, precision)
    notes = (note,) if note else ()
    if model.family == "transformer" and model.params > LARGE_MODEL_PARAMS and peak:
        t = _large_model(model, train_flops, peak)
        return Throughput(**{**t.__dict__, "notes": notes, "compute_share": 1.0})
    seconds, c, terms = model_seconds(model, gpu, precision, train_flops, activation_bytes, exclude, batch, version,
                                      logo=True)
    per_s = 1.0 / seconds
    band = math.exp(c.band)
    held = f"; held out: {', '.join(c.excluded)}" if c.excluded else ""
    detail = (f"calibrated model ({c.terms}, {model.family}, "
              f"{c.precision_class}; fitted on Lambda {c.version} {', '.join(c.fitted_on)}{held}; leave-one-GPU-out "
              f"error: median {c.median_abs_error:.0%}, max {band - 1:.0%})")
    return Throughput(samples_per_s=per_s, range=(per_s / band, per_s * band), source="model",
                      detail=detail, per_gpu_samples_per_s=per_s, notes=notes,
                      compute_share=terms["compute"] / seconds)


def finish(t: Throughput, software: str, family: str, precision: Precision, kind: str,
           meas_spread: float | None = None) -> Throughput:
    """The typical-software figure ``t`` at the user's software, with the range of
    :mod:`dlrig.workload.uncertainty` (measurement spread, held-out error of ``kind``, software)."""
    import math

    from dlrig.workload import software as sw
    from dlrig.workload import uncertainty as unc

    f = sw.factor(software, family, precision_class(precision))
    lo, hi = t.range
    spread = meas_spread if meas_spread is not None else (math.log(hi / lo) / 2 if lo > 0 else 0.0)
    sig = unc.sigma(kind, family, f.log_spread, spread)
    center = t.samples_per_s * f.value
    low, high = unc.band(center, sig)
    held = unc.model_sigma().get((family, kind), 0.0)
    factor = f" x {f.value:.2f} for {software} software ({f.how})" if f.value != 1 else f"; {software} software"
    why = (f"; range x/÷ {high / center:.2f}: k {unc.k():.2f} x (held-out error of '{kind}' {held:.0%}, "
           f"software spread {f.log_spread:.0%}, measurement spread {spread:.0%})")
    source = t.source if f.value == 1 else "model"  # a measurement x a software factor is modelled
    return Throughput(samples_per_s=center, range=(low, high), source=source, detail=f"{t.detail}{factor}{why}",
                      per_gpu_samples_per_s=t.per_gpu_samples_per_s * f.value, scaling=t.scaling,
                      notes=(*t.notes, sw.DESCRIPTION[software]), batch=t.batch, compute_share=t.compute_share,
                      sigma=sig)


def single_gpu(model: ModelSpec, gpu: Gpu, precision: Precision, train_flops: float, activation_bytes: float,
               batch: int | None, software: str, *, version: str = cal.FIT_VERSION,
               held: frozenset[str] = frozenset()) -> Throughput:
    """One GPU without its own measurement of this case: the nearest measurement x the model's
    ratio (:mod:`dlrig.workload.anchor`), at the user's software, with its range; large
    transformers: the MFU rule of thumb; ``held``: chips held out (accuracy benchmark)."""
    from dlrig.workload import anchor

    _, note = compute_peak_tflops(gpu, precision)
    if model.family == "transformer" and model.params > LARGE_MODEL_PARAMS:
        return modelled(model, gpu, precision, train_flops, activation_bytes, held, batch, version)
    target = None if held else lambda_chip(gpu)
    a = anchor.predict(model, gpu, precision, train_flops, activation_bytes, batch, target_chip=target,
                       version=version, exclude_fit=held, exclude_chips=held)
    if a is None:  # a family without any measurement: the calibration alone
        return modelled(model, gpu, precision, train_flops, activation_bytes, held, batch, version)
    held_text = f"; held out of the fit and the anchors: {', '.join(sorted(held))}" if held else ""
    t = Throughput(samples_per_s=a.samples_per_s, range=(a.samples_per_s,) * 2,
                   source="measured" if a.distance.kind == "measured" else "model", detail=a.detail + held_text,
                   per_gpu_samples_per_s=a.samples_per_s, notes=(note,) if note else (), batch=batch,
                   compute_share=a.compute_share)
    from dlrig.workload.uncertainty import anchor_spread

    return finish(t, software, model.family, precision, a.distance.kind, anchor_spread(a.anchor))


def link_for(gpu: Gpu, gpus: int, pcie_gen: float | None = None, pcie_lanes: int | None = None) -> Link:
    """The slowest link between GPUs: NVLink on SXM parts, else PCIe gen x lanes (from the build)."""
    arch = next((a for a in NVLINK_BUS_GB_S if (gpu.architecture or "").startswith(a)), None)
    if arch and (gpu.form == "sxm" or "sxm" in gpu.name.lower()):
        bw = NVLINK_BUS_GB_S[arch]
        return Link("nvlink", bw, f"NVLink/NVSwitch ({arch} SXM), ~{bw:g} GB/s all-reduce bus bandwidth")
    gens = [g for g in (pcie_gen, gpu.pcie_gen) if g]
    gen = int(min(gens)) if gens else DEFAULT_PCIE_GEN
    lanes = min(pcie_lanes or 16, gpu.pcie_lanes or 16)
    bw = PCIE_X16_GB_S.get(gen, PCIE_X16_GB_S[3]) * lanes / 16
    assumed = "" if gens else " (generation unknown: assumed)"
    return Link("pcie", bw, f"PCIe Gen{gen} x{lanes}{assumed}, ~{bw:g} GB/s achievable")


def data_parallel(single: Throughput, gpus: int, gradient_bytes: float, batch: int, link: Link,
                  sync: float = 0.0) -> Scaling:
    """Step time = compute + the all-reduce time not hidden behind the backward pass
    + ``sync`` x the one-GPU step (synchronisation cost, :func:`calibration.sync_fraction`:
    fitted on Lambda's multi-GPU rows; the bandwidth-only all-reduce misses it)."""
    step = batch / single.per_gpu_samples_per_s
    allreduce = 2 * (gpus - 1) / gpus * gradient_bytes / (link.gb_s * 1e9)
    exposed = max(0.0, allreduce - OVERLAP_FRACTION * BACKWARD_SHARE * step) + (sync * step if gpus > 1 else 0.0)
    return Scaling(gpus=gpus, link=link.description, gradient_gb=gradient_bytes / 1e9, allreduce_s=allreduce,
                   exposed_s=exposed, step_s=step + exposed, efficiency=step / (step + exposed))


def scale(single: Throughput, scaling: Scaling) -> Throughput:
    """N GPUs from one; where the single figure carries a sigma, the range adds the held-out
    error of the scaling model (:func:`uncertainty.scaling_sigma`) in quadrature."""
    f = scaling.gpus * scaling.efficiency
    lo, hi = single.range
    sig = None
    if single.sigma is not None and scaling.gpus > 1:
        import math

        from dlrig.workload import uncertainty as unc

        sig = math.hypot(single.sigma, unc.scaling_sigma())
        lo, hi = (x / f for x in unc.band(single.samples_per_s * f, sig))
    return Throughput(samples_per_s=single.samples_per_s * f, range=(lo * f, hi * f), source=single.source,
                      detail=f"{single.detail}; x{scaling.gpus} GPUs at {scaling.efficiency:.0%} "
                             "data-parallel efficiency (modelled)",
                      per_gpu_samples_per_s=single.per_gpu_samples_per_s * scaling.efficiency,
                      scaling=scaling, notes=single.notes, compute_share=single.compute_share, sigma=sig)
