"""Public throughput measurements beside Lambda's: ``data/public_measurements.json``.

Each row says where it was read (source URL, file, row), what ran (hardware, count, model,
precision, per-device batch, software regime) and its role:

- ``fit``: the model may use it (the software factors of :mod:`dlrig.workload.software`, the
  inference factor, the CPU efficiencies);
- ``test``: the model never reads it; ``benchmarks/prediction_accuracy.py`` predicts it.

The model reaches these rows only through :func:`fit_rows`, so a test row cannot leak into a
prediction; a test asserts it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from dlrig.catalog.models import Gpu, Precision

DATA = Path(__file__).parent / "data" / "public_measurements.json"
Role = Literal["fit", "test"]


@dataclass(frozen=True)
class Measurement:
    source: str
    role: Role
    task: str  # "train" or "infer"
    device: str  # "gpu" or "cpu"
    hardware: str  # catalog name
    count: int
    model: str  # zoo key
    precision: Precision  # dlrig precision: fp16 (AMP), bf16, tf32, fp32 (strict IEEE)
    batch: int  # per device
    software: str  # "typical" or "tuned" (docs/workload.md, section 3)
    samples_per_s: float  # all devices together
    where: str
    seq: int | None = None
    cores: int | None = None  # CPU rows: the cores and clock the source states
    clock_ghz: float | None = None
    microarchitecture: str | None = None  # CPU rows: its maker's code name (Intel ARK)


@cache
def _document() -> dict[str, Any]:
    return json.loads(DATA.read_text(encoding="utf-8"))


@cache
def recorded_gpu(name: str) -> Gpu:
    """A fit row's GPU as scripts/record_measurement_chips.py recorded it from the catalog: the
    fits read these, never the catalog of the day."""
    from dlrig.catalog.models import Gpu

    chips = _document().get("chips", {})
    if name not in chips:
        raise KeyError(f"{name!r} is not recorded: run python scripts/record_measurement_chips.py")
    return Gpu.model_validate(chips[name])


@cache
def measurements() -> tuple[Measurement, ...]:
    """Every row, fit and test (for the accuracy benchmark and the data's own tests)."""
    return tuple(Measurement(**row) for row in _document()["measurements"])


@dataclass(frozen=True)
class MemoryPeak:
    """A training run's peak GPU memory: ``what`` says which peak (after warm-up, or all of it)."""

    source: str
    hardware: str
    model: str
    precision: Precision
    batch: int
    optimizer: str
    peak_gb: float
    what: str
    where: str
    seq: int | None = None


@cache
def memory_peaks() -> tuple[MemoryPeak, ...]:
    """Peak-memory measurements (test data for the memory model; never read by it)."""
    return tuple(MemoryPeak(**row) for row in _document().get("memory", ()))


def sources() -> dict[str, dict[str, str]]:
    return _document()["sources"]


def fit_rows(task: str = "train", device: str = "gpu") -> tuple[Measurement, ...]:
    """The rows a model may be fitted on: role ``fit`` only."""
    return tuple(m for m in measurements() if m.role == "fit" and m.task == task and m.device == device)
