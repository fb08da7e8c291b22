"""Inference throughput of the zoo's CNNs on one GPU: images/s for a forward pass at a batch.

Model: the anchored training rate of the same GPU, model, precision, batch and software
(:func:`dlrig.workload.throughput.single_gpu`) times an inference factor. A forward pass is
about a third of a training step's FLOPs and memory traffic (no backward pass, no optimizer
step), so the factor is near 3; it is fitted on the public rows with role ``fit`` and task
``infer`` (NVIDIA's ResNet-50 inference tables for V100 and T4 at batch 256, FP32 and AMP),
pooled: the median of measured / predicted training rate, and its spread the root mean
square of the log residuals (four rows: too few to split by precision or software). The
range adds that spread to the training prediction's sigma.
Tested on timm's inference tables (RTX 3090 / 4090 / 5090) by benchmarks/prediction_accuracy.py.
Transformers are not covered here (LLM serving is its own model).
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from dlrig.errors import BadInput

if TYPE_CHECKING:
    from dlrig.catalog.models import Gpu, Precision
    from dlrig.workload.throughput import Throughput
    from dlrig.workload.zoo import ModelSpec


@dataclass(frozen=True)
class InferenceFactor:
    value: float
    log_spread: float
    rows: int
    basis: str  # whose rows set it: the model's own, or all models pooled


def _training(model: ModelSpec, gpu: Gpu, precision: Precision, batch: int, software: str) -> Throughput:
    from dlrig.workload.flops import train_flops_per_sample
    from dlrig.workload.memory import MemoryRequest, activation_bytes_per_sample
    from dlrig.workload.throughput import single_gpu

    act = activation_bytes_per_sample(model, MemoryRequest(precision=precision, batch=1))
    return single_gpu(model, gpu, precision, train_flops_per_sample(model, None), act, batch, software)


@cache
def _log_ratios() -> dict[str, tuple[float, ...]]:
    """log(measured inference rate / predicted training rate) of each fit row, by model."""
    from dlrig.workload.public_bench import fit_rows
    from dlrig.workload.uncertainty import catalog_gpu
    from dlrig.workload.zoo import get_model

    by: dict[str, list[float]] = {}
    for m in fit_rows("infer", "gpu"):
        train = _training(get_model(m.model), catalog_gpu(m.hardware), m.precision, m.batch, m.software)
        by.setdefault(m.model, []).append(math.log(m.samples_per_s / train.samples_per_s))
    return {k: tuple(v) for k, v in by.items()}


def _summary(logs: list[float], basis: str, floor: float = 0.0) -> InferenceFactor:
    center = statistics.median(logs)
    rms = math.sqrt(sum((v - center) ** 2 for v in logs) / len(logs))
    return InferenceFactor(math.exp(center), max(rms, floor), len(logs), basis)


MIN_OWN_ROWS = 2
REFERENCE_MODEL = "resnet50"


def factor(model: str | None = None) -> InferenceFactor:
    """The model's own factor where it has fit rows, else ResNet-50's (the reference dense CNN).

    Why per model: the backward pass of a depthwise-separable network (EfficientNet) is
    relatively slower than a dense CNN's, so its forward pass is about 4x a training step,
    against about 3x for ResNet-50 (NVIDIA's READMEs, both measured on V100). Pooling the two
    moved every dense CNN's estimate up by a fifth and doubled their error on timm's tables, so
    a model with no rows of its own takes the reference CNN's factor, as the estimate anchors
    other figures to the nearest measurement.
    """
    by = _log_ratios()
    own = by.get(model or "", ())
    if len(own) >= MIN_OWN_ROWS:
        return _summary(list(own), f"{model}'s own rows")
    return _summary(list(by[REFERENCE_MODEL]), f"{REFERENCE_MODEL}'s rows (no rows of its own)")


def inference_throughput(model: ModelSpec, gpu: Gpu, precision: Precision, batch: int,
                         software: str = "typical") -> Throughput:
    """Images/s of forward passes at ``batch`` on one GPU, with a range."""
    from dataclasses import replace

    from dlrig.workload import uncertainty as unc

    if model.family != "cnn":
        raise BadInput(f"inference speed is modelled for the image models; {model.name} is a transformer")
    train = _training(model, gpu, precision, batch, software)
    f = factor(model.key)
    center = train.samples_per_s * f.value
    sig = math.hypot(train.sigma or 0.0, f.log_spread)
    low, high = unc.band(center, sig)
    detail = (f"training rate at batch {batch} ({train.samples_per_s:,.0f}/s: {train.detail}) x inference factor "
              f"{f.value:.2f} (forward only; fitted on {f.rows} NVIDIA inference rows, {f.basis}, "
              f"spread {f.log_spread:.0%})")
    return replace(train, samples_per_s=center, range=(low, high), per_gpu_samples_per_s=center, detail=detail,
                   sigma=sig, batch=batch)
