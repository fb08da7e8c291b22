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
    from dlrig.workload.inference import InferenceEstimate
    from dlrig.workload.memory import MemoryEstimate


@dataclass(frozen=True)
class Modelled:
    """An estimate of the build's workload, or why there is none."""

    estimate: Estimate | None
    reason: str = ""


def names_model(build: Build) -> bool:
    return build.workload is not None and bool(build.workload.model) and build.gpu_count > 0


def is_inference(build: Build) -> bool:
    """The build's workload is LLM inference (``infer``): judged by the inference placement, not
    by the training recipe's memory and throughput."""
    return build.workload is not None and bool(build.workload.infer)


def inference_memory(build: Build) -> tuple[InferenceEstimate | None, str]:
    """The inference estimate of the build's workload on the build (its cards, RAM and RAM
    bandwidth): the memory per GPU, where the layers go and whether they fit."""
    from dlrig.workload.estimate import machine_from_build
    from dlrig.workload.infer_run import estimate_on_machine

    if not names_model(build):
        return None, "needs GPUs and a workload that names its model"
    try:
        assert build.workload is not None  # names_model
        return estimate_on_machine(build.workload, machine_from_build(build)), ""
    except BadInput as exc:
        return None, f"the workload cannot be modelled: {exc.message}"


def workload_memory(build: Build) -> tuple[MemoryEstimate | None, str]:
    """Memory per GPU of the build's workload on its first GPU (no throughput figures needed)."""
    from dlrig.workload import estimate as est
    from dlrig.workload import memory as mem
    from dlrig.workload.zoo import get_model

    if not names_model(build):
        return None, "needs GPUs and a workload that names its model"
    try:
        req = build.workload
        assert req is not None  # names_model
        model = get_model(req.model)
        est.validate_request(req)
        precision = est.parse_precision(req.precision) if req.precision else est.default_precision(model)
        batch = req.batch or est.default_batch(model)
        gpu = build.gpus[0]
        mreq = est.memory_request(req, model, precision, batch, build.gpu_count)
        return mem.estimate_memory(model, mreq, gpu.vram_gb), ""
    except BadInput as exc:
        return None, f"the workload cannot be modelled: {exc.message}"


def workload_estimate(build: Build) -> Modelled:
    """The full estimate (throughput and pipeline) of the build's workload on the build, made
    once per build (three rules read it) and kept in the build's own memo."""
    if "workload_estimate" not in build.memo:
        build.memo["workload_estimate"] = _estimate(build)
    result: Modelled = build.memo["workload_estimate"]
    return result


def _estimate(build: Build) -> Modelled:
    from dlrig.workload.estimate import estimate, machine_from_build

    if not names_model(build):
        return Modelled(None, "needs GPUs and a workload that names its model")
    if is_inference(build):
        return Modelled(None, "an LLM inference workload: no training rate or data pipeline to judge")
    try:
        assert build.workload is not None  # names_model
        return Modelled(estimate(build.workload, machine_from_build(build)))
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
