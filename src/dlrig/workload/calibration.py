"""Lambda's measured training throughput and the model calibrated on it. Pure functions.

Data: ``data/lambda_bench.json`` (``scripts/import_lambda_bench.py``), measured by Lambda
(lambdal/deeplearning-benchmark; no licence file; published measurements).

Model (named "compute + memory time", fitted per model family and precision class on the v1
single-GPU rows, one point per chip and model, the median over Lambda's systems):

    seconds per sample = a * train_FLOPs / peak_FLOP/s  +  b * activation_bytes / memory_bandwidth

``1/a`` is the fraction of dense peak that the compute-bound part reaches (a >= 1: never
faster than peak); ``b`` is how many times the saved activations cross the memory bus. Both
are fitted by least squares on the relative error (no intercept), b kept non-negative.
Where a GPU's memory bandwidth is unknown the compute-only model (b = 0, refitted) is used.
The error band is the largest leave-one-GPU-out error: each chip is dropped, the model
refitted on the rest, and the dropped chip predicted.

Precision classes: Lambda's "fp16" runs are AMP (16-bit tensor cores, FP32 accumulate): class
"16-bit", peak = ``fp16_tflops``. Its "fp32" runs use TF32 on Ampere and newer (NGC
containers enable it): class "32-bit", peak = ``tf32_tflops`` where the chip has TF32, else
``fp32_tflops``.
"""

from __future__ import annotations

import json
import math
import statistics
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from dlrig.workload.zoo import ModelSpec

DATA = Path(__file__).parent / "data" / "lambda_bench.json"
PrecisionClass = Literal["32-bit", "16-bit"]
FIT_VERSION = "v1"
MIN_A = 1.0  # the compute term can at best run at the dense peak


@dataclass(frozen=True)
class Point:
    """One calibration point: a chip, a model, its features and the measured samples/s."""

    chip: str
    model: str
    compute_s: float  # train FLOPs / peak FLOP/s
    memory_s: float | None  # activation bytes / bandwidth
    measured_per_s: float


@dataclass(frozen=True)
class Calibration:
    family: str
    precision_class: PrecisionClass
    a: float
    b: float
    uses_memory: bool
    logo_errors: tuple[tuple[str, str, float], ...]  # (chip, model, predicted/measured - 1)
    fitted_on: tuple[str, ...]  # models

    @property
    def compute_efficiency(self) -> float:
        return 1.0 / self.a if self.a > 0 else float("inf")

    @property
    def band(self) -> float:
        """The largest leave-one-GPU-out error, as a log ratio: range = prediction x e^(+-band)."""
        return max((abs(math.log1p(e)) for *_, e in self.logo_errors), default=0.5)

    @property
    def median_abs_error(self) -> float:
        return statistics.median(abs(e) for *_, e in self.logo_errors) if self.logo_errors else float("nan")

    def predict_s(self, compute_s: float, memory_s: float | None) -> float:
        return self.a * compute_s + (self.b * memory_s if self.uses_memory and memory_s else 0.0)


@cache
def bench() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def _solve(points: list[Point], use_memory: bool) -> tuple[float, float]:
    """Least squares of 1 = a.x1/t + b.x2/t (relative error), a, b >= 0."""
    rows = [(p.compute_s * p.measured_per_s, (p.memory_s or 0.0) * p.measured_per_s) for p in points]
    s11 = sum(x * x for x, _ in rows)
    if not use_memory:
        return sum(x for x, _ in rows) / s11, 0.0
    s22 = sum(y * y for _, y in rows)
    s12 = sum(x * y for x, y in rows)
    r1, r2 = sum(x for x, _ in rows), sum(y for _, y in rows)
    det = s11 * s22 - s12 * s12
    if det <= 0:
        return r1 / s11, 0.0
    a, b = (r1 * s22 - r2 * s12) / det, (r2 * s11 - r1 * s12) / det
    if b < 0:
        return r1 / s11, 0.0
    if a < MIN_A:  # faster than peak is not physical: pin the compute term at peak, refit b
        return MIN_A, max(0.0, (r2 - MIN_A * s12) / s22)
    return a, b


def fit(points: list[Point], family: str, precision_class: PrecisionClass, use_memory: bool = True) -> Calibration:
    use_memory = use_memory and all(p.memory_s is not None for p in points)
    a, b = _solve(points, use_memory)
    errors = []
    for chip in sorted({p.chip for p in points}):
        rest = [p for p in points if p.chip != chip]
        if len({p.chip for p in rest}) < 2:
            continue
        ra, rb = _solve(rest, use_memory)
        for p in (p for p in points if p.chip == chip):
            pred = 1.0 / (ra * p.compute_s + (rb * (p.memory_s or 0.0)))
            errors.append((chip, p.model, pred / p.measured_per_s - 1.0))
    return Calibration(family=family, precision_class=precision_class, a=a, b=b, uses_memory=use_memory,
                       logo_errors=tuple(errors), fitted_on=tuple(sorted({p.model for p in points})))


def lambda_precision(precision_class: PrecisionClass) -> str:
    return "fp16" if precision_class == "16-bit" else "fp32"


def chip_peak_tflops(spec: dict, precision_class: PrecisionClass) -> float:
    if precision_class == "16-bit":
        return spec["fp16_tflops"]
    return spec["tf32_tflops"] or spec["fp32_tflops"]


def calibration_points(family: str, precision_class: PrecisionClass) -> list[Point]:
    """The v1 single-GPU measurements of the family's zoo models, one per (chip, model)."""
    from dlrig.workload.flops import train_flops_per_sample
    from dlrig.workload.zoo import get_model

    data = bench()
    grouped: dict[tuple[str, str], list[float]] = defaultdict(list)
    for r in data["rows"]:
        if (r["version"] == FIT_VERSION and r["num_gpu"] == 1 and r["chip"] in data["chip_specs"]
                and r["lambda_precision"] == lambda_precision(precision_class)):
            grouped[(r["chip"], r["model"])].append(r["samples_per_s"])
    points = []
    for (chip, key), values in sorted(grouped.items()):
        model = get_model(key)
        if model.family != family:
            continue
        spec = data["chip_specs"][chip]
        seq = data["reference_inputs"].get(key, {}).get("seq")
        flops = train_flops_per_sample(model, seq)
        act = activation_bytes_for_fit(model, precision_class, seq)
        points.append(Point(chip=chip, model=key,
                            compute_s=flops / (chip_peak_tflops(spec, precision_class) * 1e12),
                            memory_s=act / (spec["memory_bandwidth_gb_s"] * 1e9),
                            measured_per_s=statistics.median(values)))
    return points


def activation_bytes_for_fit(model: ModelSpec, precision_class: PrecisionClass, seq: int | None) -> float:
    from dlrig.workload.memory import MemoryRequest, activation_bytes_per_sample

    precision = "bf16" if precision_class == "16-bit" else "fp32"
    return activation_bytes_per_sample(model, MemoryRequest(precision=precision, batch=1, seq=seq,
                                                            attention="eager"))


@cache
def calibration(family: str, precision_class: PrecisionClass, use_memory: bool = True) -> Calibration:
    return fit(calibration_points(family, precision_class), family, precision_class, use_memory)
