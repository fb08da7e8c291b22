"""The software a user trains with, and how much it moves the rate on the same GPU.

Two regimes (``--software``; default ``typical``):

- ``typical``: Lambda's harness, which the throughput model and its anchors are: PyTorch in an
  NGC container, eager, the default (NCHW) memory format, AMP or TF32 as chosen, input that
  keeps up (synthetic ImageNet for ResNet-50);
- ``tuned``: what NVIDIA's published recipes, timm's ``nhwc`` tables and dlrig's own H100 runs
  do: channels-last (NHWC) memory format and cuDNN autotuning for CNNs, fused optimizers, SDPA
  / flash attention, GPU-side input (DALI) or synthetic input.

A factor per regime, model family and precision class multiplies the anchored typical rate.
Fitted on the public rows with role ``fit`` (:func:`dlrig.workload.public_bench.fit_rows`):
NVIDIA's DeepLearningExamples ResNet-50 and EfficientNet READMEs, one GPU, each row's measured
rate over dlrig's typical prediction for it. Factor = the median ratio; spread = the root mean
square of the log ratios about it, and never below the typical regime's spread. Without fit
rows for a group: CNN 32-bit (TF32/FP32) ``tuned`` takes the geometric midpoint between no
gain and the 16-bit gain, with half that gap as its spread (channels-last mainly helps the
16-bit tensor-core path); transformers have no tuned fit row, so ``tuned`` = ``typical`` with
the typical spread widened by half the CNN 16-bit gain (no evidence either way).

The ``typical`` regime's factor is 1 (it is the fit's own harness); its spread is how much
"typical" software moves between releases: the root mean square of log(v0 / v1) over the chips
Lambda measured in both its 2022 (v0) and 2024 (v1) tables, pooled with the typical fit rows.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dlrig.catalog.models import Precision

SOFTWARE = ("typical", "tuned")
DEFAULT_SOFTWARE = "typical"
DESCRIPTION = {
    "typical": "typical software: PyTorch eager in an NGC container, default NCHW memory format, AMP or TF32 as "
               "chosen (Lambda's harness, which the model is fitted on)",
    "tuned": "tuned software: channels-last (NHWC) and cuDNN autotuning for CNNs, fused optimizer and SDPA attention, "
             "GPU-side or synthetic input (NVIDIA's published recipes, timm's nhwc tables)",
}


@dataclass(frozen=True)
class Factor:
    software: str
    family: str
    precision_class: str
    value: float  # multiplies the anchored typical rate
    log_spread: float  # one standard deviation, as a log ratio
    rows: int  # fit rows behind it (0: derived, see the module docstring)
    how: str


def check(software: str | None) -> str:
    from dlrig.errors import BadInput

    value = (software or DEFAULT_SOFTWARE).strip().lower()
    if value not in SOFTWARE:
        raise BadInput(f"unknown software {software!r}; one of: {', '.join(SOFTWARE)} (default {DEFAULT_SOFTWARE})")
    return value


def _rms(values: list[float]) -> float:
    return math.sqrt(sum(v * v for v in values) / len(values)) if values else 0.0


@cache
def _lambda_version_logs() -> tuple[float, ...]:
    """log(v0 / v1) of every chip, model and precision Lambda measured on one GPU in both versions."""
    from collections import defaultdict

    from dlrig.workload import calibration as cal

    by: dict[tuple[str, str, str], dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for r in cal.bench()["rows"]:
        if r["num_gpu"] == 1:
            by[(r["chip"], r["model"], r["lambda_precision"])][r["version"]].append(r["samples_per_s"])
    return tuple(math.log(statistics.median(v["v0"]) / statistics.median(v["v1"]))
                 for v in by.values() if v.get("v0") and v.get("v1"))


@cache
def fit_logs() -> tuple[tuple[str, str, str, float], ...]:
    """(software, family, precision class, log measured / typical prediction) of each one-GPU fit row."""
    from dlrig.workload.public_bench import fit_rows

    out = []
    for m in fit_rows("train", "gpu"):
        if m.count == 1:
            family, pc, predicted = _typical(m.model, m.hardware, m.precision, m.batch)
            out.append((m.software, family, pc, math.log(m.samples_per_s / predicted)))
    return tuple(out)


def _typical(model_key: str, hardware: str, precision: Precision, batch: int) -> tuple[str, str, float]:
    """The row's model family, precision class and dlrig's anchored typical rate for it (one GPU)."""
    from dlrig.workload.uncertainty import catalog_gpu, typical_center
    from dlrig.workload.zoo import get_model

    model = get_model(model_key)
    a = typical_center(model, catalog_gpu(hardware), precision, batch)
    from dlrig.workload.throughput import precision_class

    return model.family, precision_class(precision), a.samples_per_s


@cache
def typical_spread() -> float:
    logs = list(_lambda_version_logs()) + [v for sw, _, _, v in fit_logs() if sw == "typical"]
    return _rms(logs)


@cache
def factor(software: str, family: str, precision_class: str) -> Factor:
    floor = typical_spread()
    if software == "typical":
        return Factor(software, family, precision_class, 1.0, floor, 0,
                      "Lambda's harness (factor 1); spread: Lambda v0 vs v1 and NVIDIA's typical-software rows")
    logs = [v for sw, fam, pc, v in fit_logs() if sw == software and fam == family and pc == precision_class]
    if logs:
        center = statistics.median(logs)
        return Factor(software, family, precision_class, math.exp(center), max(floor, _rms([v - center for v in logs])),
                      len(logs), f"median of {len(logs)} NVIDIA DeepLearningExamples rows over the typical prediction")
    sixteen = factor(software, "cnn", "16-bit") if (family, precision_class) != ("cnn", "16-bit") else None
    gain = math.log(sixteen.value) if sixteen and sixteen.rows else 0.0
    if family == "cnn":
        return Factor(software, family, precision_class, math.exp(gain / 2), math.hypot(floor, gain / 2), 0,
                      "no fit row: halfway (geometric) between no gain and the CNN 16-bit gain")
    return Factor(software, family, precision_class, 1.0, math.hypot(floor, gain / 2), 0,
                  "no fit row: as typical, the spread widened by half the CNN 16-bit gain")
