"""The plan's objective with a workload: the build's end-to-end throughput, the number
``dlrig estimate`` gives for the written build.

The estimate's pipeline (dlrig.workload.pipeline) is storage read -> CPU decode -> host-to-GPU
copy -> GPU compute, and a build trains at its slowest known stage. For a planned build every
stage depends on the GPU option and on two platform parts only:

- GPU compute and the host-to-GPU copy: the option (card, count) and each card's PCIe link, which
  the CPU sets (its lanes shared out, the older of its and the card's generation:
  ``dlrig.workload.estimate.cpu_link``);
- CPU decode (CNNs read JPEGs): the CPU's cores;
- storage read: the drive.

So a build's throughput is min(R[option, cpu], S[drive]), with R the estimate itself run on the
option with that CPU (no drive), and S the estimate's storage stage for that drive. An option's
builds take only the values of that set; each value L is a *level*: the builds whose CPU has
R >= L and whose drive has S >= L reach at least L. The solver treats each (option, level) as
one choice with throughput L and the CPUs and drives allowed at it, so the throughput it
maximises is the end-to-end one, exactly (dlrig.plan.solver). A drive whose speed the catalog
does not give is, as in the estimate, not a stage (its rate unknown, never binding).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from dlrig.errors import BadInput
from dlrig.plan import candidates as cn
from dlrig.plan.candidates import Candidates
from dlrig.plan.request import PlanRequest

if TYPE_CHECKING:
    from dlrig.build import Build
    from dlrig.catalog.models import Gpu
    from dlrig.workload_request import WorkloadRequest

STORAGE_STAGE = "storage read"
CPU_STAGE = "CPU JPEG decode + resize"


@dataclass(frozen=True)
class Rates:
    """R[option][cpu row] and S[drive row] (None: unknown, not a stage) for one candidate table."""

    by_cpu: tuple[tuple[float, ...], ...]
    by_drive: tuple[float | None, ...]

    def of(self, option: int, cpu: int, drive: int) -> float:
        """The end-to-end throughput of the build with these rows."""
        s = self.by_drive[drive]
        r = self.by_cpu[option][cpu]
        return r if s is None else min(r, s)


def rates(cands: Candidates, req: PlanRequest, wanted: frozenset[int] | None = None) -> Rates | None:
    """The stage rates of every option (of ``wanted`` options; the others get none), CPU and
    drive (module docstring); None without a training workload (an LLM inference plan,
    dlrig.plan.infer, judges its options' speed itself and asks the platform model for price only)."""
    w = req.workload
    if w is None or w.infer or not cands.options:
        return None
    from dlrig.workload.pipeline import cpu_stage

    cpus = [cn.cpu(r) for r in cands.platform["cpu"]]
    memo: dict[tuple[object, ...], tuple[float, float, bool]] = {}
    decodes_at: dict[tuple[int | None, int], float | None] = {}
    by_cpu: list[tuple[float, ...]] = []
    for i, o in enumerate(cands.options):
        if wanted is not None and i not in wanted:
            by_cpu.append(())
            continue
        row = []
        for cpu in cpus:
            rate, compute, decodes = _gpu_side(w, o.gpu, o.count, cpu, memo)
            decode = None
            if decodes:
                if (cpu.cores, o.count) not in decodes_at:
                    decodes_at[cpu.cores, o.count] = cpu_stage(cpu, o.count).supply_samples_per_s
                decode = decodes_at[cpu.cores, o.count]
            if decode is not None and not req.minimal and decode < compute:
                rate = 0.0  # a recommended build's CPU decodes as fast as its GPUs compute: not with this one
            elif decode is not None:
                rate = min(rate, decode)
            row.append(rate)
        by_cpu.append(tuple(row))
    first = cands.options[0]
    drives = tuple(_drive_rate(w, first.gpu, cn.storage(r)) for r in cands.platform["storage"])
    return Rates(by_cpu=tuple(by_cpu), by_drive=drives)


def _gpu_side(w: WorkloadRequest, gpu: Gpu, count: int, cpu: object,
              memo: dict[tuple[object, ...], tuple[float, float, bool]]) -> tuple[float, float, bool]:
    """(the slowest of GPU compute and the host-to-GPU copy on this CPU's links, GPU compute alone,
    whether the workload has a CPU decode stage)."""
    from dlrig.workload.estimate import Machine, cpu_link, estimate

    gen, lanes = cpu_link(cpu, gpu, count)  # type: ignore[arg-type]
    if count == 1:
        lanes = lanes if lanes is None or lanes < 16 else 16  # one card: its link is all the estimate reads
    key = (cn.estimate_key(gpu), count, gen, lanes)
    if key not in memo:
        try:
            e = estimate(w, Machine(gpu=gpu, gpus=count, pcie_gen=gen, pcie_lanes=lanes))
        except BadInput:
            memo[key] = (0.0, 0.0, False)
        else:
            memo[key] = (e.pipeline.achieved_samples_per_s, e.throughput.samples_per_s,
                         any(s.name == CPU_STAGE for s in e.pipeline.stages))
    return memo[key]


def _drive_rate(w: WorkloadRequest, gpu: Gpu, drive: object) -> float | None:
    from dlrig.workload.estimate import Machine, estimate

    e = estimate(w, Machine(gpu=gpu, gpus=1, storage=(drive,)))  # type: ignore[arg-type]
    return next((s.supply_samples_per_s for s in e.pipeline.stages if s.name == STORAGE_STAGE), None)


Choice = tuple[int, int, "frozenset[int] | None", "frozenset[int] | None"]  # option, throughput, CPUs, drives


def levels(r: Rates, scale: int) -> list[Choice]:
    """Every (option, level in the model's integer units, CPUs allowed, drives allowed)."""
    out: list[Choice] = []
    drive_t = [None if s is None else round(s * scale) for s in r.by_drive]
    known = [s for s in drive_t if s is not None]
    top_drive = max(known) if len(known) == len(drive_t) else None  # an unknown drive never binds
    for i, row in enumerate(r.by_cpu):
        if not row:
            continue  # an option outside the budget
        cpu_t = [round(v * scale) for v in row]
        top = max(cpu_t) if top_drive is None else min(max(cpu_t), top_drive)
        values = sorted({v for v in (*cpu_t, *known) if 0 < v <= top}, reverse=True)
        for level in values:
            cpus = frozenset(k for k, v in enumerate(cpu_t) if v >= level)
            drives = frozenset(k for k, v in enumerate(drive_t) if v is None or v >= level)
            if cpus and drives:
                out.append((i, level, cpus, drives))
    return out


def decode_short(build: Build) -> str | None:
    """Why the build's CPU decodes slower than its GPUs compute (a recommended build's CPU keeps
    up), or None: it keeps up, or the workload decodes nothing (none, or LLM inference)."""
    if build.workload is None or build.workload.infer:
        return None
    from dlrig.workload.estimate import estimate, machine_from_build, request_from_build

    e = estimate(request_from_build(build), machine_from_build(build))
    decode = next((s.supply_samples_per_s for s in e.pipeline.stages if s.name == CPU_STAGE), None)
    if decode is None or decode >= e.throughput.samples_per_s:
        return None
    return (f"PLAN-DECODE: the CPU decodes {decode:,.0f} samples/s for GPUs that compute "
            f"{e.throughput.samples_per_s:,.0f}")


def estimated(build: Build) -> tuple[float, tuple[float, float]] | None:
    """What ``dlrig estimate`` says the written build trains at (samples/s, its range): the
    slowest pipeline stage; None without a training workload."""
    if build.workload is None or build.workload.infer:
        return None
    from dlrig.workload.estimate import estimate, machine_from_build, request_from_build

    pl = estimate(request_from_build(build), machine_from_build(build)).pipeline
    rate = pl.achieved_samples_per_s
    return rate, pl.achieved_range or (rate, rate)
