"""Training on the CPU alone: images/s for the zoo's CNNs (docs/workload.md, section 3b).

samples/s = the CPU's FP32 rate x training efficiency / training FLOPs per sample, where

- the FP32 rate is cores x clock x FP32 FLOPs per cycle (vector lanes x 2 for a fused
  multiply-add x FMA units: ``FLOP_PER_CYCLE`` by microarchitecture), or this host's matrix
  product rate measured by ``dlrig bench --save`` divided by ``GEMM_OF_PEAK`` (the share of peak
  a large NumPy GEMM reached on the one CPU dlrig measured it on);
- the efficiency is fitted per software regime on the CPU rows with role ``fit`` of
  ``data/public_measurements.json``: AlexNet training on a 6-core Core i7-5930K at 3.5 GHz
  (soumith/convnet-benchmarks, 2015), BVLC Caffe with MKL (``typical``) and Intel's optimized
  Caffe (``tuned``). With one row each, the spread is half the gap between the two regimes, in
  quadrature with the held-out error of predicting another model from one measured model
  (:func:`dlrig.workload.uncertainty.model_sigma`); no held-out CPU measurement exists to test it.
Where the clock is unknown (catalog CPUs carry no clock), ``CLOCK_GHZ_ASSUMED`` spans it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from dlrig.errors import BadInput

if TYPE_CHECKING:
    from dlrig.catalog.models import Cpu
    from dlrig.workload.throughput import Throughput
    from dlrig.workload.zoo import ModelSpec

# FP32 FLOPs per cycle per core = lanes x 2 (FMA) x FMA units, by microarchitecture (name prefix,
# longest first). Intel 64 and IA-32 Architectures Optimization Reference Manual; AMD Software
# Optimization Guides for families 17h/19h/1Ah; Agner Fog, "The microarchitecture of Intel, AMD
# and VIA CPUs". No FMA: one vector add and one multiply per cycle.
FLOP_PER_CYCLE = {
    "Nehalem": 8, "Westmere": 8, "Sandy Bridge": 16, "Ivy Bridge": 16,  # SSE / AVX, no FMA
    "Haswell": 32, "Broadwell": 32, "Skylake": 32, "Kaby Lake": 32, "Coffee Lake": 32, "Comet Lake": 32,
    "Rocket Lake": 32, "Alder Lake": 32, "Raptor Lake": 32, "Arrow Lake": 32,  # AVX2, 2 FMA (P-cores)
    "Skylake-SP": 64, "Skylake-X": 64, "Cascade Lake": 64, "Ice Lake-SP": 64, "Sapphire Rapids": 64,
    "Emerald Rapids": 64, "Granite Rapids": 64,  # AVX-512, 2 FMA
    "K10": 8, "Bulldozer": 8, "Piledriver": 8, "Steamroller": 8, "Excavator": 8,  # shared FPU per module
    "Zen 5": 64, "Zen 4": 32, "Zen 3": 32, "Zen 2": 32, "Zen+": 16, "Zen": 16,
}
CLOCK_GHZ_ASSUMED = (2.0, 3.5)  # sustained all-core clock under vector load, when unknown (assumption)
# NumPy's fp32 GEMM on the 16-vCPU Xeon of the H100 host: 1,656 of 2,150 GFLOP/s peak (dlrig bench
# rerun, benchmarks/results/2026-11-27-h100-sxm5/rerun-summary.txt).
GEMM_OF_PEAK = 0.77


def flop_per_cycle(microarchitecture: str | None) -> int | None:
    for name in sorted(FLOP_PER_CYCLE, key=len, reverse=True):
        if microarchitecture and microarchitecture.startswith(name):
            return FLOP_PER_CYCLE[name]
    return None


@dataclass(frozen=True)
class CpuRate:
    """The CPU's FP32 rate (GFLOP/s): central and range, and how it was found."""

    name: str
    gflops: float
    gflops_range: tuple[float, float]
    how: str

    @classmethod
    def of(cls, cpu: Cpu, cores: int | None = None, clock_ghz: float | None = None,
           measured_gemm_gflops: float | None = None) -> CpuRate:
        if measured_gemm_gflops:
            peak = measured_gemm_gflops / GEMM_OF_PEAK
            return cls(cpu.name, peak, (peak, peak), f"this host's measured GEMM {measured_gemm_gflops:,.0f} GFLOP/s "
                                                     f"/ {GEMM_OF_PEAK:.2f} (dlrig bench)")
        n = cores or cpu.cores
        per = flop_per_cycle(cpu.microarchitecture)
        if not n or not per:
            missing = "core count" if not n else f"vector width of microarchitecture {cpu.microarchitecture!r}"
            raise BadInput(f"{cpu.name}: the {missing} is unknown, so CPU training cannot be estimated "
                           "(give its core count, or measure this host's CPU with a saved bench)", field="cpu_cores")
        lo, hi = (clock_ghz, clock_ghz) if clock_ghz else CLOCK_GHZ_ASSUMED
        clock = f"{clock_ghz:g} GHz" if clock_ghz else f"{lo:g}-{hi:g} GHz (clock unknown: assumed)"
        return cls(cpu.name, n * per * math.sqrt(lo * hi), (n * per * lo, n * per * hi),
                   f"{n} cores x {clock} x {per} FP32 FLOP/cycle ({cpu.microarchitecture})")


@dataclass(frozen=True)
class Efficiency:
    software: str
    value: float  # share of the FP32 rate that training reaches
    log_spread: float
    how: str


@cache
def efficiency(software: str) -> Efficiency:
    """Training's share of the FP32 rate, fitted on the CPU rows marked ``fit`` (each row states
    its CPU's cores, clock and microarchitecture, so the fit needs no catalog)."""
    from dlrig.catalog.models import Cpu
    from dlrig.workload.flops import train_flops_per_sample
    from dlrig.workload.public_bench import fit_rows
    from dlrig.workload.zoo import get_model

    found: dict[str, float] = {}
    for m in fit_rows("train", "cpu"):
        cpu = Cpu(id="cpu/measured", name=m.hardware, src=m.source, cores=m.cores,
                  microarchitecture=m.microarchitecture)
        rate = CpuRate.of(cpu, m.cores, m.clock_ghz)
        found[m.software] = m.samples_per_s * train_flops_per_sample(get_model(m.model), None) / 1e9 / rate.gflops
    if software not in found:
        raise BadInput(f"no CPU training measurement for {software} software")
    gap = abs(math.log(found.get("tuned", found[software]) / found.get("typical", found[software]))) / 2
    return Efficiency(software, found[software], gap,
                      f"AlexNet training on a 6-core Core i7-5930K, {software} software (convnet-benchmarks, 2015)")


def cpu_training(model: ModelSpec, rate: CpuRate, software: str = "typical") -> Throughput:
    """Training samples/s of ``model`` on the CPU alone, with a range."""
    from dlrig.workload import uncertainty as unc
    from dlrig.workload.flops import train_flops_per_sample
    from dlrig.workload.throughput import Throughput

    if model.family != "cnn":
        raise BadInput(f"CPU-only training is modelled for the image models; {model.name} is a transformer")
    e = efficiency(software)
    flops = train_flops_per_sample(model, None)
    center = rate.gflops * 1e9 * e.value / flops
    clock = math.log(rate.gflops_range[1] / rate.gflops_range[0]) / 2 if rate.gflops_range[0] else 0.0
    sig = math.sqrt(e.log_spread**2 + clock**2 + unc.model_sigma()[("cnn", "other model")] ** 2)
    low, high = unc.band(center, sig)
    detail = (f"CPU only: {rate.how} = {rate.gflops:,.0f} GFLOP/s x training efficiency {e.value:.2f} ({e.how}) / "
              f"{flops / 1e9:,.1f} GFLOP per {model.sample_unit}")
    return Throughput(samples_per_s=center, range=(low, high), source="model", detail=detail,
                      per_gpu_samples_per_s=center, sigma=sig)


def cpu_alone(model: ModelSpec, cpu: Cpu | None, software: str = "typical") -> Throughput | None:
    """The build's CPU training the model alone (for "how much faster are the GPUs"); None where
    the model is not a CNN or the CPU's cores or vector width are unknown."""
    if cpu is None or model.family != "cnn":
        return None
    try:
        return cpu_training(model, CpuRate.of(cpu), software)
    except BadInput:
        return None
