"""Bench results kept for this machine, so ``dlrig estimate`` can use measurements.

Saved as JSON under ``$DLRIG_HOME/bench/`` or else ``$XDG_DATA_HOME/dlrig/bench/``
(``~/.local/share/dlrig/bench/``, the platformdirs user-data location on Linux): one file
per run (``bench-YYYYmmdd-HHMMSS.json``) and ``latest.json``, written atomically.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
from pathlib import Path
from typing import Any

from dlrig.errors import MalformedFile

SCHEMA = 1


def data_dir() -> Path:
    home = os.environ.get("DLRIG_HOME")
    if home:
        return Path(home) / "bench"
    xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(xdg) / "dlrig" / "bench"


def measurements(result: dict[str, Any]) -> dict[str, Any]:
    """The figures an estimate can use in place of rules of thumb (``None``: not measured)."""
    gpus = result.get("gpus") or []
    first = gpus[0] if gpus else {}
    return {"disk_seq_read_mb_s": result["disk"].get("seq_read_mb_s"),
            "disk_small_file_reads_per_s": result["disk"].get("small_file_reads_per_s"),
            "disk_small_file_bytes": result["disk"].get("small_file_bytes"),
            "jpeg_images_per_s_per_core": result["decode"].get("jpeg_images_per_s_per_core"),
            "jpeg_images_per_s_all_cores": result["decode"].get("jpeg_images_per_s_all_cores"),
            "jpeg_decoder": result["decode"].get("decoder"),
            "loader_images_per_s": result["loader"].get("images_per_s"),
            "cpu_gemm_fp32_gflops": result["cpu"].get("gemm_fp32_gflops"),
            "gpu_name": first.get("name"), "gpu_catalog_part": first.get("catalog_part"), "gpu_count": len(gpus),
            "gpu_gemm_tflops": first.get("gemm_tflops") or {},
            "h2d_gb_s": first.get("h2d_gb_s"),
            "resnet50_images_per_s_per_gpu": first.get("resnet50_images_per_s"),
            "resnet50_batch": first.get("resnet50_batch"), "resnet50_precision": first.get("resnet50_precision")}


def save(result: dict[str, Any], now: dt.datetime | None = None) -> Path:
    """Write the run and ``latest.json``; returns the run's file."""
    now = now or dt.datetime.now(dt.timezone.utc)
    from dlrig.atomic import write_atomic
    from dlrig.errors import BadInput

    folder = data_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BadInput(f"cannot create {str(folder)!r} for the saved bench: {exc.strerror or exc}; "
                       "set DLRIG_HOME to a writable folder") from None
    doc = {"schema": SCHEMA, "saved_at": now.isoformat(timespec="seconds"), "host": platform.node(),
           "measured": measurements(result), "result": result}
    text = json.dumps(doc, indent=2, default=str)
    path = folder / f"bench-{now:%Y%m%d-%H%M%S}.json"
    for target in (path, folder / "latest.json"):
        write_atomic(target, text)
    return path


def load_calibration(host: str | None = None) -> dict[str, Any] | None:
    """The latest saved bench of this host: ``{"saved_at", "host", "measured": {...}, "result"}``,
    or ``None`` when there is none (or it was measured on another host)."""
    path = data_dir() / "latest.json"
    if not path.is_file():
        return None
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise MalformedFile(str(path), f"not valid JSON ({exc.msg}); delete it or run dlrig bench --save",
                            line=exc.lineno) from None
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        return None
    if doc.get("host") != (host or platform.node()):
        return None
    return doc


def apply_calibration(stages: list[Any], calibration: dict[str, Any] | None) -> list[Any]:
    """Pipeline stages (``dlrig.workload.pipeline.Stage``) with measured supplies where this host has them.

    Storage: measured files/s of ImageNet-sized files; CPU: measured all-core decode rate.
    Unchanged when ``calibration`` is None.
    """
    if not calibration:
        return stages
    from dataclasses import replace

    m = calibration.get("measured", {})
    when = calibration.get("saved_at", "?")
    measured = {"storage read": (m.get("disk_small_file_reads_per_s"),
                                 f"measured by dlrig bench {when}: {m.get('disk_small_file_reads_per_s') or 0:,.0f} "
                                 f"reads/s of {(m.get('disk_small_file_bytes') or 0) / 1000:.0f} KB files"),
                "CPU JPEG decode + resize": (m.get("jpeg_images_per_s_all_cores"),
                                             f"measured by dlrig bench {when}: all cores, "
                                             f"{m.get('jpeg_decoder') or 'decoder not recorded'}")}
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
    m = calibration.get("measured", {})
    if (m.get("resnet50_precision") or "fp16").split()[0] != precision:
        return None
    rate = m.get("resnet50_images_per_s_per_gpu")
    if not rate or m.get("gpu_catalog_part") != gpu_name:
        return None
    batch = f", batch {m['resnet50_batch']}" if m.get("resnet50_batch") else ""
    return rate, (f"dlrig bench {calibration.get('saved_at', '?')} on this host "
                  f"({m.get('gpu_name')}{batch}, {m.get('resnet50_precision') or 'fp16 AMP'}, synthetic data)")
