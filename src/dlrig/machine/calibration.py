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

# The pure readers of a saved bench live beside the workload model that uses them.
from dlrig.workload.host_rates import MEASURED_MODEL, apply_calibration, measured_training

__all__ = ["MEASURED_MODEL", "apply_calibration", "data_dir", "load_calibration", "measured_training", "measurements",
           "save"]

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
        raise MalformedFile(str(path), f"not valid JSON ({exc.msg}); delete it, or run the bench again and save it",
                            line=exc.lineno) from None
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        return None
    if doc.get("host") != (host or platform.node()):
        return None
    return doc

