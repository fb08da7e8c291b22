"""Every GPU prediction is anchored to the nearest measurement (docs/workload.md, section 3).

A GPU, model and precision that Lambda measured is that measurement. Anything else is the
nearest Lambda measurement times the calibrated model's ratio between the two cases:

    predicted = measured(anchor) x model(target) / model(anchor)

so a modelled GPU can never contradict a measured sibling by more than the model's ratio
between them (and that ratio is capped at their spec ratio, :func:`spec_ratio`). "Nearest",
in this order: the same model before another model of the same family (the calibration's own
models: ResNet-50; BERT-base/large); then the same chip, the same architecture, the nearest
generation; then the same compute mode (fp16/bf16/fp8 tensor cores, TF32, strict FP32); among
equals, the most alike GPU (the summed |log ratio| of tensor peak, memory bandwidth and FP32
rate). Anchors are the chips whose
specs the calibration was fitted on (Lambda's v1 chips, ``lambda_bench.json`` chip_specs).
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, TypedDict

from dlrig.catalog.models import Gpu, Precision
from dlrig.workload import calibration as cal

if TYPE_CHECKING:
    from dlrig.workload.zoo import ModelSpec

# Architecture and PCIe generation of Lambda's v1 chips (TechPowerUp GPU database).
LAMBDA_CHIP_PLATFORM = {
    "Quadro RTX 8000": ("Turing", 3), "Tesla V100 SXM2 16 GB": ("Volta", 3), "GeForce RTX 3090": ("Ampere", 4),
    "A10 PCIe": ("Ampere", 4), "A100 PCIe 40 GB": ("Ampere", 4), "A100 PCIe 80 GB": ("Ampere", 4),
    "A100 SXM4 80 GB": ("Ampere", 4), "RTX 6000 Ada Generation": ("Ada Lovelace", 4), "RTX A6000": ("Ampere", 4),
    "GeForce RTX 4090": ("Ada Lovelace", 4), "H100 PCIe 80 GB": ("Hopper", 5), "H100 SXM5 80 GB": ("Hopper", 5),
}
# NVIDIA architectures by generation (release order); Ada Lovelace and Hopper are one generation (2022).
GENERATION = {"Kepler": -1, "Maxwell": 0, "Pascal": 1, "Volta": 2, "Turing": 3, "Ampere": 4, "Ada Lovelace": 5,
              "Hopper": 5, "Blackwell": 6, "Rubin": 7}
MODES = {"fp16": "16-bit", "bf16": "16-bit", "fp8": "16-bit", "tf32": "tf32", "fp32": "fp32"}


def family_of(architecture: str | None) -> str | None:
    """'Blackwell 2.0' -> 'Blackwell', 'Maxwell 2.0' -> 'Maxwell'; None where unknown."""
    for name in sorted(GENERATION, key=len, reverse=True):
        if architecture and architecture.startswith(name):
            return name
    return None


def lambda_gpu(chip: str) -> Gpu:
    """A Lambda chip as a ``Gpu`` built from the specs the calibration was fitted on."""
    spec = cal.bench()["chip_specs"][chip]
    arch, gen = LAMBDA_CHIP_PLATFORM.get(chip, (None, None))
    return Gpu(id=f"gpu/lambda-{chip}", name=chip, src="lambda_bench chip_specs", fp32_tflops=spec["fp32_tflops"],
               tf32_tflops=spec["tf32_tflops"], fp16_tflops=spec["fp16_tflops"],
               bf16_tflops=spec["fp16_tflops"] if spec["tf32_tflops"] else None,
               memory_bandwidth_gb_s=spec["memory_bandwidth_gb_s"], architecture=arch,
               pcie_gen=float(gen) if gen else None, form="sxm" if "SXM" in chip else "pcie")


@dataclass(frozen=True)
class Measured:
    """A Lambda one-GPU measurement that can anchor a prediction."""

    chip: str
    model: str
    mode: Precision  # dlrig precision it ran in: fp16 (AMP), tf32 or fp32 (strict)
    value: float  # median over Lambda's systems
    low: float
    high: float
    batch: int | None
    systems: tuple[str, ...]
    version: str


def mode_of(chip: str, lambda_precision: str) -> Precision:
    if lambda_precision == "fp16":
        return "fp16"
    return "tf32" if cal.bench()["chip_specs"][chip]["tf32_tflops"] else "fp32"


@cache
def measured_points(version: str = cal.FIT_VERSION) -> tuple[Measured, ...]:
    """One-GPU Lambda measurements of chips with fitted specs, one per chip, model, mode and batch."""
    data = cal.bench()
    groups: dict[tuple[str, str, str, int | None], list[dict]] = defaultdict(list)
    for r in data["rows"]:
        if r["version"] == version and r["num_gpu"] == 1 and r["chip"] in data["chip_specs"]:
            groups[(r["chip"], r["model"], r["lambda_precision"], cal.per_gpu_batch(r))].append(r)
    out = []
    for (chip, model, lp, batch), rows in sorted(groups.items(), key=lambda kv: str(kv[0])):
        values = [r["samples_per_s"] for r in rows]
        out.append(Measured(chip, model, mode_of(chip, lp), statistics.median(values), min(values), max(values),
                            batch, tuple(sorted({r["system"] for r in rows})), version))
    return tuple(out)


@dataclass(frozen=True)
class Distance:
    """How far an anchor is from the target; compared in this order."""

    model: int  # 0 same model, 1 same family
    chip: int  # 0 same chip, 1 same architecture, 2 + generations apart otherwise
    mode: int  # 0 same mode (16-bit modes are one), 1 TF32 <-> strict FP32, 2 16-bit <-> 32-bit

    @property
    def kind(self) -> str:
        """The error regime of docs/workload.md: which held-out error applies."""
        if self.model:
            return "other model"
        if self.mode:
            return "other precision"
        return ("measured", "same architecture")[self.chip] if self.chip <= 1 else "other architecture"


def _mode_distance(a: str, b: str) -> int:
    ma, mb = MODES[a], MODES[b]
    if ma == mb:
        return 0
    return 1 if {ma, mb} == {"tf32", "fp32"} else 2


def _chip_distance(target: Gpu, target_chip: str | None, anchor_chip: str) -> int:
    if target_chip == anchor_chip:
        return 0
    mine = family_of(target.architecture)
    theirs = family_of(LAMBDA_CHIP_PLATFORM.get(anchor_chip, (None,))[0])
    if mine is not None and mine == theirs:
        return 1
    if mine is None or theirs is None:
        return 9  # unknown architecture: any anchor, chosen by the model ratio alone
    return 2 + abs(GENERATION[mine] - GENERATION[theirs])


def distance(target: Gpu, target_chip: str | None, model_key: str, precision: str, m: Measured) -> Distance:
    return Distance(0 if m.model == model_key else 1, _chip_distance(target, target_chip, m.chip),
                    _mode_distance(precision, m.mode))


def candidates(family: str, version: str, exclude: frozenset[str]) -> list[Measured]:
    from dlrig.workload.zoo import get_model

    return [m for m in measured_points(version) if m.chip not in exclude and get_model(m.model).family == family]


def spec_ratio(a: Gpu, b: Gpu, precision: Precision, b_mode: Precision) -> float:
    """The largest ratio, a over b, of the figures the model divides by (peak at the precision,
    memory bandwidth, FP32 rate): no term of the model can speed up by more."""
    from dlrig.workload.throughput import compute_peak_tflops

    pairs = [(compute_peak_tflops(a, precision)[0], compute_peak_tflops(b, b_mode)[0]),
             (a.memory_bandwidth_gb_s, b.memory_bandwidth_gb_s), (a.fp32_tflops, b.fp32_tflops)]
    ratios = [x / y for x, y in pairs if x and y]
    return max(ratios) if ratios else math.inf


@cache
def _reference(model_key: str, mode: str) -> tuple[float, float]:
    """Training FLOPs and activation bytes per sample of a Lambda model at its reference input."""
    from dlrig.workload.flops import train_flops_per_sample
    from dlrig.workload.zoo import get_model

    model = get_model(model_key)
    seq = cal.bench()["reference_inputs"].get(model_key, {}).get("seq")
    pc: cal.PrecisionClass = "16-bit" if MODES[mode] == "16-bit" else "32-bit"
    return train_flops_per_sample(model, seq), cal.activation_bytes_for_fit(model, pc, seq)


@dataclass(frozen=True)
class Anchored:
    """A one-GPU prediction: the anchor's measurement x the model's ratio (capped at spec ratios)."""

    samples_per_s: float
    anchor: Measured
    distance: Distance
    ratio: float  # model(target) / model(anchor)
    compute_share: float  # share of the target's modelled step spent in the compute term
    capped_by: str | None = None  # a measured sibling whose spec ratio bounded the prediction
    elasticity: float | None = None  # same compute die: rate ~ bandwidth ^ elasticity (bandwidth_elasticity)

    @property
    def detail(self) -> str:
        a = self.anchor
        what = "" if self.distance.kind == "measured" and abs(self.ratio - 1) < 0.005 else (
            f" x {self.ratio:.2f} (same compute die: memory bandwidth ratio ^ {self.elasticity:.2f}, the "
            "elasticity measured across Lambda's same-die chips)" if self.elasticity is not None else
            f" x model ratio {self.ratio:.2f}")
        other = f"{a.model} " if self.distance.model else ""
        capped = f"; capped at {self.capped_by}'s measurement x their spec ratio" if self.capped_by else ""
        return (f"anchored to Lambda {a.version} {other}{a.chip} {a.mode} ({a.value:,.0f}/s at batch {a.batch}; "
                f"{', '.join(a.systems)}){what}; nearest measurement: {self.distance.kind}{capped}")


class Exclusions(TypedDict, total=False):
    """What a held-out prediction may not use (``predict``'s ``exclude_*`` arguments)."""

    exclude_fit: frozenset[str]
    exclude_chips: frozenset[str]
    exclude_models: frozenset[str]
    exclude_points: frozenset[tuple[str, str, str]]


def predict(model: ModelSpec, gpu: Gpu, precision: Precision, train_flops: float, activation_bytes: float,
            batch: int | None, *, target_chip: str | None = None, version: str = cal.FIT_VERSION,
            exclude_fit: frozenset[str] = frozenset(), exclude_chips: frozenset[str] = frozenset(),
            exclude_models: frozenset[str] = frozenset(),
            exclude_points: frozenset[tuple[str, str, str]] = frozenset()) -> Anchored | None:
    """The nearest measurement x the model's ratio; None where the family has no measurement.

    ``exclude_fit``: chips left out of the calibration; ``exclude_chips``/``exclude_models``:
    ``exclude_points``: (chip, model, mode) measurements that may not anchor (the accuracy
    benchmarks hold a chip, a model or one measurement out)."""
    from dlrig.workload.throughput import model_seconds

    pool = [m for m in candidates(model.family, version, exclude_chips)
            if m.model not in exclude_models and (m.chip, m.model, m.mode) not in exclude_points]
    if not pool:
        return None
    scored = [(distance(gpu, target_chip, model.key, precision, m), m) for m in pool]
    best_key = min((d.model, d.chip, d.mode) for d, _ in scored)
    nearest = [(d, m) for d, m in scored if (d.model, d.chip, d.mode) == best_key]
    target_s, _, terms = model_seconds(model, gpu, precision, train_flops, activation_bytes, exclude_fit, batch,
                                       version)

    def anchor_s(m: Measured) -> float:
        flops, act = _reference(m.model, m.mode)
        return model_seconds(get_model(m.model), lambda_gpu(m.chip), m.mode, flops, act, exclude_fit, m.batch,
                             version, like=gpu)[0]

    def likeness(m: Measured) -> float:
        """How alike the two GPUs are: the summed |log ratio| of the figures the model divides by
        (peak in the anchor's mode, memory bandwidth, FP32 rate); the most similar anchors first."""
        from dlrig.workload.throughput import compute_peak_tflops

        other = lambda_gpu(m.chip)
        pairs = [(compute_peak_tflops(gpu, m.mode)[0], compute_peak_tflops(other, m.mode)[0]),
                 (gpu.memory_bandwidth_gb_s, other.memory_bandwidth_gb_s), (gpu.fp32_tflops, other.fp32_tflops)]
        return sum(abs(math.log(a / b)) for a, b in pairs if a and b)

    d, m = min(nearest, key=lambda dm: likeness(dm[1])) if len(nearest) > 1 else nearest[0]
    r = anchor_s(m) / target_s
    elasticity = None
    if d.chip == 1 and d.mode == 0 and d.model == 0 and same_compute(gpu, lambda_gpu(m.chip), precision, m.mode):
        found = bandwidth_elasticity(model.family, MODES[m.mode], version, exclude_fit)
        if found is not None and gpu.memory_bandwidth_gb_s:
            elasticity = found
            at_anchor_batch = model_seconds(model, gpu, precision, train_flops, activation_bytes, exclude_fit,
                                            m.batch, version)[0]
            bw = gpu.memory_bandwidth_gb_s / cal.bench()["chip_specs"][m.chip]["memory_bandwidth_gb_s"]
            measured_r = bw**elasticity * at_anchor_batch / target_s
            if abs(math.log(measured_r)) < abs(math.log(r)):  # the smaller of the two memory effects
                r = measured_r
            else:
                elasticity = None
    value, capped = m.value * r, None
    if d.chip > 0:  # never above a measured sibling of the same architecture by more than their spec ratio
        for sib in pool:
            if sib.model == model.key and _chip_distance(gpu, target_chip, sib.chip) == 1 and \
                    _mode_distance(precision, sib.mode) == 0:
                bound = sib.value * spec_ratio(gpu, lambda_gpu(sib.chip), precision, sib.mode)
                if bound < value:
                    value, capped = bound, sib.chip
    return Anchored(value, m, d, r, terms["compute"] / target_s, capped, elasticity)


def get_model(key: str) -> ModelSpec:
    from dlrig.workload.zoo import get_model as zoo_model

    return zoo_model(key)


SAME_DIE_TOLERANCE = 0.03  # compute peaks this close: the same die at the same clocks


def same_compute(a: Gpu, b: Gpu, mode_a: Precision, mode_b: Precision) -> bool:
    """Two GPUs with the same tensor and FP32 rates (within 3%): they differ in memory only."""
    from dlrig.workload.throughput import compute_peak_tflops

    pa, pb = compute_peak_tflops(a, mode_a)[0], compute_peak_tflops(b, mode_b)[0]
    if not (pa and pb and a.fp32_tflops and b.fp32_tflops and a.memory_bandwidth_gb_s and b.memory_bandwidth_gb_s):
        return False
    return abs(pa / pb - 1) <= SAME_DIE_TOLERANCE and abs(a.fp32_tflops / b.fp32_tflops - 1) <= SAME_DIE_TOLERANCE


@cache
def bandwidth_elasticity(family: str, mode_class: str, version: str = cal.FIT_VERSION,
                         exclude: frozenset[str] = frozenset()) -> float | None:
    """d log(rate) / d log(memory bandwidth) between Lambda chips of one compute die (A100 PCIe 40 GB,
    PCIe 80 GB and SXM4 80 GB in v1), each model's rates brought to one batch by the model first.

    Why: across generations the calibration's memory term also stands for on-chip traffic that
    grows with the die, so it can overstate what more HBM alone buys a same-die sibling (H200 over
    H100). Between same-die chips the prediction takes the smaller of the model's ratio and
    bandwidth ratio ^ elasticity (the A100 variants also differ in board power, so the measured
    elasticity is an upper bound). None where no such group is measured (the model's ratio)."""
    from dlrig.workload.throughput import model_seconds

    pts = [m for m in measured_points(version) if m.chip not in exclude and MODES[m.mode] == mode_class
           and get_model(m.model).family == family]
    chips = sorted({m.chip for m in pts})
    gpus = {c: lambda_gpu(c) for c in chips}
    sxx = sxy = 0.0
    for model_key in sorted({m.model for m in pts}):
        rows = [m for m in pts if m.model == model_key]
        for lead in chips:
            group = [m for m in rows if same_compute(gpus[lead], gpus[m.chip], m.mode, m.mode)]
            if len(group) < 2 or min(m.chip for m in group) != lead:
                continue
            batch = max((m.batch or 0) for m in group) or None
            flops, act = _reference(model_key, group[0].mode)
            model = get_model(model_key)
            xs, ys = [], []
            for m in group:
                at = model_seconds(model, gpus[m.chip], m.mode, flops, act, exclude, m.batch, version)[0]
                to = model_seconds(model, gpus[m.chip], m.mode, flops, act, exclude, batch, version)[0]
                xs.append(math.log(gpus[m.chip].memory_bandwidth_gb_s or 1.0))
                ys.append(math.log(m.value * at / to))
            mx, my = statistics.mean(xs), statistics.mean(ys)
            sxx += sum((x - mx) ** 2 for x in xs)
            sxy += sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    return max(0.0, sxy / sxx) if sxx > 0 else None
