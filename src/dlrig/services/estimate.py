"""``estimate``: a workload on a build or on bare GPUs (``dlrig estimate``, ``POST /api/estimate``)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from dlrig.errors import BadInput

if TYPE_CHECKING:
    from dlrig.build import Build
    from dlrig.catalog.protocol import CatalogQueries
    from dlrig.workload.cpu_train import CpuRate
    from dlrig.workload.estimate import Estimate
    from dlrig.workload.inference import InferenceEstimate
    from dlrig.workload.throughput import Throughput
    from dlrig.workload.zoo import ModelSpec


MAX_COUNT = 1024  # GPUs or CPU cores an estimate takes: more than a cluster's worth is a typo


@dataclass(frozen=True)
class EstimateRequest:
    """A build (its workload the default) or a GPU by name; ``workload`` holds the surface's
    options as WorkloadRequest fields (None: not given). ``calibration`` is this host's saved
    bench, read at the edge (``inputs.host_calibration``)."""

    build: Build | None = None
    gpu: str | None = None
    gpus: int | None = None
    cpu_cores: int | None = None
    workload: dict[str, Any] = field(default_factory=dict)
    calibration: dict[str, Any] | None = None


def estimate(req: EstimateRequest, catalog: CatalogQueries) -> Estimate | InferenceEstimate:
    """Memory, FLOPs, throughput, time to train, the data pipeline and power; for an LLM inference
    workload (``infer``), memory per GPU, the layer split and tokens per second."""
    from dlrig.workload import estimate as est
    from dlrig.workload_request import WorkloadRequest

    for name, value in (("gpus", req.gpus), ("cpu_cores", req.cpu_cores)):
        if value is not None and not 1 <= value <= MAX_COUNT:
            bound = "at least 1" if value < 1 else f"at most {MAX_COUNT:,}"
            raise BadInput(f"{name} must be {bound}, not {value}", field=name)
    if req.build is not None:
        if req.gpu is not None:
            raise BadInput("give a build or a GPU, not both (edit the build to change its GPU)", field="gpu")
        machine = est.machine_from_build(req.build, req.gpus)
        workload = est.request_from_build(req.build, **req.workload)
    else:
        if req.gpu is None:
            raise BadInput("give a build, or a GPU name with a model", field="gpu")
        workload = WorkloadRequest.from_options(None, req.workload)
        if workload.infer:
            from dlrig.workload.infer_run import estimate_on_machine, machine_from_gpu_text

            return estimate_on_machine(workload, machine_from_gpu_text(req.gpu, req.gpus, catalog))
        from dlrig.catalog.models import Gpu
        from dlrig.catalog.protocol import resolve_as

        chip = catalog.chip_of(resolve_as(catalog, req.gpu, "gpu", Gpu))
        unknown = ("storage and CPU stages from this host's saved bench" if req.calibration else
                   "storage and CPU stages unknown" if req.cpu_cores is None else "storage stage unknown")
        machine = est.Machine(gpu=chip, gpus=req.gpus or 1,
                              notes=(f"no build: {unknown}; each GPU on its own full PCIe link",))
    machine = replace(est.with_cpu_cores(machine, req.cpu_cores), calibration=req.calibration)
    if workload.infer:
        from dlrig.workload.infer_run import estimate_on_machine

        return _feasibility_notes(estimate_on_machine(workload, machine), workload, machine)
    return _feasibility_notes(est.estimate(workload, machine), workload, machine)


def _feasibility_notes(result: Any, workload: Any, machine: Any) -> Any:
    """The estimate answers for the hardware given; where that hardware cannot run the request as
    asked (its precision, today's framework builds: dlrig.feasibility), each reason is a note."""
    from dlrig.defaults import feasibility_need
    from dlrig.feasibility import exclusions
    from dlrig.workload.fit_defaults import compute_precision
    from dlrig.workload.zoo import get_model

    model = get_model(workload.model)
    default = getattr(result, "precision", None) or "bf16"
    need = feasibility_need(compute_precision(workload, model, "infer" if workload.infer else "train", default),
                            None, "server")
    chips = {g.id: g for g in (machine.gpu_list or (machine.gpu,))}
    found = [e for g in chips.values() for e in exclusions(g, need)]
    if not found:
        return result
    notes = tuple(f"cannot run as asked ({e.code}): {e.reason}" for e in found)
    return replace(result, notes=(*result.notes, *notes))


@dataclass(frozen=True)
class CpuOnlyRequest:
    """Training on a CPU alone: the build's CPU, else ``host`` (this machine's, read at the edge),
    or a measured GEMM rate (this host's saved bench), which wins."""

    build: Build | None = None
    workload: dict[str, Any] = field(default_factory=dict)
    cores: int | None = None
    measured_gemm_gflops: float | None = None
    host: CpuRate | None = None


@dataclass(frozen=True)
class CpuOnly:
    model: ModelSpec
    rate: CpuRate
    software: str
    throughput: Throughput

    def to_json(self) -> dict[str, Any]:
        lo, hi = self.throughput.range
        return {"model": self.model.key, "cpu": self.rate.name, "software": self.software,
                "samples_per_s": self.throughput.samples_per_s, "range": [lo, hi], "cpu_gflops": self.rate.gflops,
                "detail": self.throughput.detail}


def cpu_only(req: CpuOnlyRequest, catalog: CatalogQueries) -> CpuOnly:
    """How fast the CPU alone trains the workload's model (dlrig.workload.cpu_train)."""
    from dlrig.workload.cpu_train import CpuRate, cpu_training
    from dlrig.workload.software import check
    from dlrig.workload.zoo import get_model
    from dlrig.workload_request import WorkloadRequest

    base = req.build.workload if req.build is not None else None
    workload = WorkloadRequest.from_options(base, req.workload)
    cpu = req.build.cpu if req.build is not None else None
    if req.measured_gemm_gflops:
        from dlrig.catalog.models import Cpu

        rate = CpuRate.of(cpu or Cpu(id="cpu/host", name="this host's CPU", src="dlrig bench"),
                          measured_gemm_gflops=req.measured_gemm_gflops)
    elif cpu is not None:
        rate = CpuRate.of(cpu, cores=req.cores)
    elif req.host is not None:
        rate = req.host
    else:
        raise BadInput("give a build with a CPU, or estimate on this host", field="cpu_cores")
    model, software = get_model(workload.model), check(workload.software)
    return CpuOnly(model, rate, software, cpu_training(model, rate, software))
