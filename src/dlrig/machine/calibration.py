"""Bench results kept for this machine, so ``dlrig estimate`` can use measurements.

Saved as JSON under ``$DLRIG_HOME/bench/`` or else ``$XDG_DATA_HOME/dlrig/bench/``
(``~/.local/share/dlrig/bench/``, the platformdirs user-data location on Linux): one file
per run (``bench-YYYYmmdd-HHMMSS.json``) and ``latest.json``, written atomically.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import platform
from pathlib import Path
from typing import Any

# The pure readers of a saved bench live beside the workload model that uses them.
from dlrig.workload.host_rates import MEASURED_MODEL, apply_calibration, measured_training

__all__ = ["MEASURED_MODEL", "apply_calibration", "check_writable", "data_dir", "load_calibration",
           "measured_training", "measurements", "read_saved", "save"]

SCHEMA = 1
MAX_SAVED_BYTES = 5_000_000  # a saved run is about 10 KB
log = logging.getLogger("dlrig")


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


def check_writable() -> Path:
    """The folder runs are saved in, made if needed and tried with a temporary file; BadInput
    (naming DLRIG_HOME) when it cannot be written, so ``dlrig bench --save`` fails before it runs."""
    import tempfile

    from dlrig.errors import BadInput

    folder = data_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=".dlrig-check-", dir=folder)
        os.close(fd)
        os.unlink(name)
    except OSError as exc:
        raise BadInput(f"cannot write the saved bench in {str(folder)!r}: {exc.strerror or exc}; "
                       "set DLRIG_HOME to a writable folder", field="save") from None
    return folder


def save(result: dict[str, Any], now: dt.datetime | None = None) -> Path:
    """Write the run and ``latest.json``; returns the run's file."""
    now = now or dt.datetime.now(dt.timezone.utc)
    from dlrig.atomic import write_atomic

    folder = check_writable()
    doc = {"schema": SCHEMA, "saved_at": now.isoformat(timespec="seconds"), "host": platform.node(),
           "measured": measurements(result), "result": result}
    text = json.dumps(doc, indent=2, default=str)
    path = folder / f"bench-{now:%Y%m%d-%H%M%S}.json"
    for target in (path, folder / "latest.json"):
        write_atomic(target, text)
    return path


def load_calibration(host: str | None = None) -> dict[str, Any] | None:
    """The latest saved bench of this host: ``{"saved_at", "host", "measured": {...}, "result"}``,
    or ``None`` when there is none (or it was measured on another host). A damaged, empty or
    foreign file is ignored with a note on stderr (``saved_problem`` says why), never an error:
    the bench is an optional refinement of the estimate."""
    doc, problem = read_saved(host)
    if problem:
        log.warning("note: ignored %s", problem)
    return doc


def read_saved(host: str | None = None) -> tuple[dict[str, Any] | None, str | None]:
    """The saved bench of this host and, where a file is there but cannot be used, why not."""
    path = data_dir() / "latest.json"
    try:
        if not path.is_file():
            return None, None
        with path.open("rb") as fh:
            data = fh.read(MAX_SAVED_BYTES + 1)
    except OSError as exc:
        return None, f"the saved bench {str(path)!r}: cannot be read ({exc.strerror or exc})"
    doc, why = _parsed(data)
    if why:
        return None, f"the saved bench {str(path)!r}: {why}; run `dlrig bench --save` to replace it"
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA or not isinstance(doc.get("measured"), dict):
        return None, (f"the saved bench {str(path)!r} is not a dlrig bench (schema {SCHEMA}); "
                      "run `dlrig bench --save` to replace it")
    if doc.get("host") != (host or platform.node()):
        return None, None
    return doc, None


def _parsed(data: bytes) -> tuple[Any, str | None]:
    """The JSON in a saved file, or what makes it unreadable."""
    if len(data) > MAX_SAVED_BYTES:
        return None, f"larger than {MAX_SAVED_BYTES:,} bytes"
    if not data.strip():
        return None, "empty"
    try:
        return json.loads(data, parse_constant=_no_constant), None
    except (ValueError, RecursionError) as exc:
        return None, f"not valid JSON ({getattr(exc, 'msg', None) or exc})"


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")
