"""Power drawn by a build while it trains (docs/domain.md 5), for the cost estimate. Pure functions.

GPU watts = board power (or the user's cap) x a load factor between idle and full training
load, weighted by how busy the data pipeline lets the GPUs be.

The training load depends on how compute-bound the workload is (:func:`training_load`): the
share of the modelled step that the compute term takes (the throughput model's terms; 1 for
the large-model MFU rule). A line through two measurements on an H100 SXM5 (700 W limit): a
bf16 GEMM drew 692 W (0.99 of the limit, share 1) and ResNet-50 training drew 469 W (0.67, at
the model's compute share for that run), so a GEMM-heavy LLM is near the limit and a CNN well
below it. The range is the line +- ``LOAD_SPREAD`` of board power (an assumption: clocks,
temperature and the chip's bin move it; two measurements do not measure that spread).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from dlrig.catalog.models import Cpu, Gpu, Precision
from dlrig.power import REST_OF_SYSTEM_W, gpu_power_w

GPU_TRAINING_LOAD = 0.9  # share of board power drawn by compute-bound training (rule of thumb)
# Measured: an H100 SXM5 (700 W limit) training ResNet-50 (fp16 AMP, batch 256, 4,917 images/s)
# drew 469 W on average, 0.67 of its limit (dlrig bench, 2026-11-27,
# benchmarks/results/2026-11-27-h100-sxm5/power-bench.json); a GEMM load drew 692 W (0.99). The
# estimate prints the range between this measurement and the rule of thumb.
GPU_TRAINING_LOAD_MEASURED = 0.67
GPU_GEMM_LOAD = 0.99  # 692 W of 700 under a bf16 GEMM (the same run; the sweep read 690-699 W)
# What drew GPU_TRAINING_LOAD_MEASURED: chip, model, precision, batch.
LOAD_REFERENCE: tuple[str, str, Precision, int] = ("H100 SXM5 80 GB", "resnet50", "fp16", 256)
LOAD_SPREAD = 0.08  # +- share of board power around the line (assumption)
GPU_IDLE_LOAD = 0.1  # share drawn while a GPU waits for data (rule of thumb)
CPU_TRAINING_LOAD = 0.6  # share of CPU TDP with data-loader workers busy (assumption)


@cache
def reference_compute_share() -> float:
    """The throughput model's compute share for the measured ResNet-50 run (Lambda's H100 specs)."""
    from dlrig.workload.anchor import lambda_gpu
    from dlrig.workload.flops import train_flops_per_sample
    from dlrig.workload.memory import MemoryRequest, activation_bytes_per_sample
    from dlrig.workload.throughput import model_seconds
    from dlrig.workload.zoo import get_model

    chip, key, precision, batch = LOAD_REFERENCE
    model = get_model(key)
    act = activation_bytes_per_sample(model, MemoryRequest(precision=precision, batch=1))
    seconds, _, terms = model_seconds(model, lambda_gpu(chip), precision, train_flops_per_sample(model, None), act,
                                      batch=batch)
    return terms["compute"] / seconds


def training_load(compute_share: float | None) -> tuple[float, float, float]:
    """(low, central, high) share of board power a busy GPU draws; without a compute share, the
    span between the two measurements."""
    if compute_share is None:
        return GPU_TRAINING_LOAD_MEASURED, (GPU_TRAINING_LOAD_MEASURED + GPU_GEMM_LOAD) / 2, GPU_GEMM_LOAD
    ref = reference_compute_share()
    floor = (GPU_TRAINING_LOAD_MEASURED - GPU_GEMM_LOAD * ref) / (1 - ref)
    mid = floor + (GPU_GEMM_LOAD - floor) * min(max(compute_share, 0.0), 1.0)
    return max(GPU_IDLE_LOAD, mid - LOAD_SPREAD), mid, min(1.0, mid + LOAD_SPREAD)


@dataclass(frozen=True)
class PowerDraw:
    gpus_w: float
    cpu_w: float
    rest_w: float
    unknown: tuple[str, ...]

    @property
    def dc_w(self) -> float:
        return self.gpus_w + self.cpu_w + self.rest_w


def power_draw(gpus: Sequence[tuple[Gpu, float | None]], cpu: Cpu | None,
               gpu_utilization: float = 1.0, training_load: float = GPU_TRAINING_LOAD) -> PowerDraw:
    """DC watts at the workload; parts without a power figure are listed in ``unknown``, not guessed.
    ``training_load``: the share of board power a busy GPU draws (the rule of thumb by default)."""
    util = min(max(gpu_utilization, 0.0), 1.0)
    load = GPU_IDLE_LOAD + (training_load - GPU_IDLE_LOAD) * util
    total, unknown = 0.0, []
    for gpu, limit in gpus:
        watts = gpu_power_w(gpu, limit)
        if watts is None:
            unknown.append(gpu.name)
        else:
            total += watts * load
    cpu_w = 0.0
    if cpu is not None and cpu.tdp_w:
        cpu_w = cpu.tdp_w * CPU_TRAINING_LOAD
    elif cpu is not None:
        unknown.append(cpu.name)
    return PowerDraw(gpus_w=total, cpu_w=cpu_w, rest_w=REST_OF_SYSTEM_W, unknown=tuple(dict.fromkeys(unknown)))


def estimate_power_w(gpus: Sequence[tuple[Gpu, float | None]], cpu: Cpu | None = None,
                     gpu_utilization: float = 1.0) -> float:
    """DC watts of the build while training: the figure the cost estimate multiplies by hours."""
    return power_draw(gpus, cpu, gpu_utilization).dc_w
