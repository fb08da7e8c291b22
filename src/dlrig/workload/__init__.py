"""The workload model: model zoo, FLOPs, memory, throughput, data pipeline and power.

Entry points (imported lazily, so ``import dlrig.workload`` loads nothing heavy): ``fit_gpus(...)``
and (from the submodule, whose name it shares) ``estimate(WorkloadRequest, Machine)`` in
:mod:`dlrig.workload.estimate`, ``estimate_on_machine`` in :mod:`dlrig.workload.infer_run` for LLM
inference, and ``estimate_power_w(...)`` in :mod:`dlrig.workload.power_draw`. The surfaces reach
them through :mod:`dlrig.services.estimate`.
The formulas, their sources and the model's measured error are in docs/workload.md.
"""

from __future__ import annotations

from typing import Any

_EXPORTS = {
    "fit_gpus": "dlrig.workload.fit", "WorkloadRequest": "dlrig.workload_request",
    "Machine": "dlrig.workload.estimate", "estimate_power_w": "dlrig.workload.power_draw",
    "get_model": "dlrig.workload.zoo",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'dlrig.workload' has no attribute {name!r}")
