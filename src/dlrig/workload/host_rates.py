"""This host's measured rates, as the workload model reads them from a saved bench.

A saved bench (``dlrig bench --save``, read by the surface) reaches the estimate as plain data,
``Machine.calibration``; these pure functions put its figures in place of rules of thumb.
A figure that is missing or not a positive finite number (a damaged or hand-edited file) is
treated as not measured, never trusted.
"""

from __future__ import annotations

import math
from typing import Any


def _measured(calibration: dict[str, Any] | None) -> dict[str, Any]:
    m = calibration.get("measured") if isinstance(calibration, dict) else None
    return m if isinstance(m, dict) else {}


def _rate(m: dict[str, Any], key: str) -> float | None:
    value = m.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        return None
    return float(value)


def _text(m: dict[str, Any], key: str) -> str | None:
    value = m.get(key)
    return value if isinstance(value, str) else None


def apply_calibration(stages: list[Any], calibration: dict[str, Any] | None) -> list[Any]:
    """Pipeline stages (``dlrig.workload.pipeline.Stage``) with measured supplies where this host has them.

    Storage: measured files/s of ImageNet-sized files; CPU: measured all-core decode rate.
    Unchanged when ``calibration`` is None.
    """
    if not calibration:
        return stages
    from dataclasses import replace

    m = _measured(calibration)
    when = calibration.get("saved_at", "?") if isinstance(calibration, dict) else "?"
    reads, size = _rate(m, "disk_small_file_reads_per_s"), _rate(m, "disk_small_file_bytes")
    measured = {"storage read": (reads, f"measured by dlrig bench {when}: {reads or 0:,.0f} "
                                        f"reads/s of {(size or 0) / 1000:.0f} KB files"),
                "CPU JPEG decode + resize": (_rate(m, "jpeg_images_per_s_all_cores"),
                                             f"measured by dlrig bench {when}: all cores, "
                                             f"{_text(m, 'jpeg_decoder') or 'decoder not recorded'}")}
    out = []
    for stage in stages:
        value, detail = measured.get(stage.name, (None, ""))
        out.append(replace(stage, supply_samples_per_s=value, supply_range=(value, value), detail=detail)
                   if value else stage)
    return out


# The workload the bench's training step runs (dlrig.machine.bench.expected): ResNet-50; the
# precision is read from the saved run ("fp16 AMP, channels-last, SGD").
MEASURED_MODEL = "resnet50"


def measured_training(calibration: dict[str, Any] | None, model_key: str, precision: str,
                      gpu_name: str) -> tuple[float, str] | None:
    """This host's measured training samples/s per GPU for a workload the bench ran on this GPU,
    with its description; ``None`` when the bench did not measure it (another model, precision
    or GPU, or no GPU step)."""
    if not calibration or model_key != MEASURED_MODEL:
        return None
    m = _measured(calibration)
    ran = _text(m, "resnet50_precision") or "fp16"
    if (ran.split() or ["fp16"])[0] != precision:
        return None
    rate = _rate(m, "resnet50_images_per_s_per_gpu")
    if not rate or m.get("gpu_catalog_part") != gpu_name:
        return None
    batch = f", batch {m['resnet50_batch']:g}" if _rate(m, "resnet50_batch") else ""
    return rate, (f"dlrig bench {calibration.get('saved_at', '?')} on this host "
                  f"({_text(m, 'gpu_name')}{batch}, {ran}, synthetic data)")
