"""The workload model as the checker sees it: a build's named workload, estimated on the build.

Used by VRAM-WORKLOAD (memory per GPU), STORAGE-THROUGHPUT (the storage stage against the
modelled training rate) and CPU-CORES-PER-GPU (the decode stage against it). Not a rule module:
it registers nothing. Every function returns a result or the reason there is none, never raises
for a build the estimator cannot handle, so ``dlrig check`` keeps running.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dlrig.build import Build
from dlrig.errors import BadInput

if TYPE_CHECKING:
    from dlrig.workload.estimate import Estimate
    from dlrig.workload.memory import MemoryEstimate

# Workload keys of a build file that only the storage rules read (dlrig.rules.storage.data_need).
STORAGE_ONLY_KEYS = ("samples_per_s", "sample_kb", "dataset_gb", "file_per_sample")


@dataclass(frozen=True)
class Modelled:
    """An estimate of the build's workload, or why there is none."""

    estimate: Estimate | None
    reason: str = ""


def names_model(build: Build) -> bool:
    return build.workload is not None and bool(build.workload.model) and build.gpu_count > 0


def _request(build: Build) -> Any:
    """The build's workload as a WorkloadRequest; a data set the pipeline does not know is
    replaced by its bytes per sample from the storage rules' table."""
    from dlrig.rules.storage import data_need
    from dlrig.workload import pipeline as pipe
    from dlrig.workload.estimate import WorkloadRequest

    spec = build.workload
    assert spec is not None
    raw = {k: v for k, v in spec.model_dump().items() if v is not None and k not in STORAGE_ONLY_KEYS}
    dataset = raw.get("dataset")
    if dataset is not None and pipe.dataset_key(str(dataset)) not in pipe.DATASETS:
        raw.pop("dataset")
        need = data_need(build)
        if need is not None and need.sample_kb and "bytes_per_sample" not in raw:
            raw["bytes_per_sample"] = need.sample_kb * 1e3
    known = set(WorkloadRequest.__dataclass_fields__)
    unknown = sorted(set(raw) - known)
    if unknown:
        raise BadInput(f"unknown workload key(s) {', '.join(unknown)}")
    return WorkloadRequest(**raw)


def workload_memory(build: Build) -> tuple[MemoryEstimate | None, str]:
    """Memory per GPU of the build's workload on its first GPU (no throughput figures needed)."""
    from dlrig.workload import estimate as est
    from dlrig.workload import memory as mem
    from dlrig.workload.zoo import get_model

    if not names_model(build):
        return None, "needs GPUs and a workload that names its model"
    try:
        req = _request(build)
        model = get_model(req.model)
        precision = est.parse_precision(req.precision) if req.precision else est.default_precision(model)
        batch = req.batch or est.default_batch(model)
        gpu = build.gpus[0]
        mreq = est.memory_request(req, model, precision, batch, build.gpu_count)
        return mem.estimate_memory(model, mreq, gpu.vram_gb), ""
    except BadInput as exc:
        return None, f"the workload cannot be modelled: {exc.message}"


_CACHE: dict[int, tuple[Build, Modelled]] = {}


def workload_estimate(build: Build) -> Modelled:
    """The full estimate (throughput and pipeline) of the build's workload on the build."""
    hit = _CACHE.get(id(build))
    if hit is not None and hit[0] is build:
        return hit[1]
    result = _estimate(build)
    if len(_CACHE) > 16:
        _CACHE.clear()
    _CACHE[id(build)] = (build, result)
    return result


def _estimate(build: Build) -> Modelled:
    from dlrig.workload.estimate import estimate, machine_from_build

    if not names_model(build):
        return Modelled(None, "needs GPUs and a workload that names its model")
    try:
        return Modelled(estimate(_request(build), machine_from_build(build)))
    except BadInput as exc:
        return Modelled(None, f"the workload cannot be modelled: {exc.message}")


def stage(e: Estimate, prefix: str) -> Any:
    """The pipeline stage whose name starts with ``prefix`` (storage read, CPU ...), or None."""
    return next((s for s in e.pipeline.stages if s.name.startswith(prefix)), None)


def rate_words(e: Estimate) -> str:
    tp = e.throughput
    how = "Lambda's measurement" if tp.source == "measured" else "modelled"
    return (f"{e.machine.gpus} x {e.machine.gpu.name} train {e.model.name} ({e.precision}, batch {e.batch}) "
            f"at ~{tp.samples_per_s:,.0f} {e.model.sample_unit}s/s ({how})")
