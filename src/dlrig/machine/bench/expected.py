"""What this hardware should reach: adapters over the catalog and the workload model.

Each function returns an ``Expected`` that names its source, so a verdict never hides
whether it compares with a datasheet, a model, a rule of thumb or another measurement.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dlrig.machine.bench.result import Expected

if TYPE_CHECKING:
    from dlrig.catalog.models import Gpu, Precision, Storage
    from dlrig.machine.model import DriveInfo, PcieLink

# Large matrix products reach roughly 65-90% of the dense peak on recent datacenter parts
# (docs/domain.md section 2, rule of thumb): the expected GEMM rate is this share of the peak.
GEMM_ATTAINABLE_FRACTION = 0.75
# The training step's batch: the largest of these whose estimated memory fits in a share of the
# card (the rest is room for cuDNN workspaces and allocator slack). Lambda measured at hundreds of
# images per GPU; a small batch measures Python's launch overhead more than the GPU.
RESNET50_BATCHES = (256, 128, 64, 32)
POST_BATCH = 64  # the seed post's 12 GB TITAN X at fp32: batch 64 fits, 256 does not
RESNET50_MEMORY_SHARE = 0.6
RESNET50_PRECISION: Precision = "fp16"  # AMP with FP16 tensor cores: what Lambda's "fp16" rows measure
# Rule-of-thumb sequential reads by kind of drive, MB/s, where the drive is not in the catalog
# (SATA 6 Gb/s SSDs top out near 550 MB/s; a 7,200 rpm disk 150-250 MB/s; NVMe Gen3 x4 ~3,000).
SEQ_READ_RULE_MB_S = {"nvme": 3000.0, "sata-ssd": 500.0, "hdd": 180.0}


def gpu_gemm(chip: Gpu | None, precision: Precision) -> Expected:
    if chip is None:
        return Expected(None, "GPU not in the catalog")
    peak = chip.tflops(precision)
    if not peak:
        return Expected(None, f"catalog: {chip.name} has no {precision} rate")
    return Expected(peak * GEMM_ATTAINABLE_FRACTION,
                    f"catalog: {chip.name} dense {precision} peak {peak:g} TFLOP/s x {GEMM_ATTAINABLE_FRACTION:.0%} "
                    "(large GEMMs reach 65-90% of peak: rule of thumb)")


def host_copy(link: PcieLink, chip: Gpu | None) -> Expected:
    """The link's achievable GB/s (docs/domain.md 4: Gen3 x16 ~12, Gen4 ~25, Gen5 ~50, pinned)."""
    from dlrig.rules_of_thumb import PCIE_X16_GB_S

    gens = [g for g in (link.gen_max, chip.pcie_gen if chip else None) if g]
    width = link.width_max or (chip.pcie_lanes if chip else None)
    if not gens or not width:
        return Expected(None, "PCIe generation or width unknown")
    gen = int(min(gens))
    value = PCIE_X16_GB_S.get(gen, PCIE_X16_GB_S[3]) * width / 16
    return Expected(value, f"PCIe Gen{gen} x{width} achievable from pinned memory (rule of thumb)")


def resnet50_batch(memory_gb: float | None) -> int:
    """The bench's ResNet-50 batch for a card of ``memory_gb`` (dlrig's memory model: the high end of
    what the card must hold, without the elastic cuDNN workspace)."""
    from dlrig.workload.memory import MemoryRequest, estimate_memory
    from dlrig.workload.zoo import get_model

    if not memory_gb:
        return RESNET50_BATCHES[-1]
    model = get_model("resnet50")
    for batch in RESNET50_BATCHES:
        est = estimate_memory(model, MemoryRequest(precision=RESNET50_PRECISION, batch=batch, optimizer="sgd"), None)
        need = (est.required_gb_range or est.per_gpu_gb_range)[1]
        if need <= RESNET50_MEMORY_SHARE * memory_gb:
            return batch
    return RESNET50_BATCHES[-1]


def resnet50(chip: Gpu | None, batch: int) -> Expected:
    """ResNet-50 training images/s for one GPU, from the estimate model (Lambda measurement or fit)."""
    if chip is None:
        return Expected(None, "GPU not in the catalog")
    from dlrig.errors import DlrigError
    from dlrig.workload.estimate import Machine, WorkloadRequest, estimate

    try:
        est = estimate(WorkloadRequest(model="resnet50", precision=RESNET50_PRECISION, batch=batch,
                                       optimizer="sgd"), Machine(gpu=chip, gpus=1))
    except DlrigError as exc:
        return Expected(None, f"estimate failed: {exc.message}")
    tp = est.throughput
    return Expected(tp.samples_per_s, f"dlrig estimate ({tp.source}: {tp.detail})")


def training_power(chip: Gpu | None, power_limit_w: float | None) -> Expected:
    """Board watts while training compute-bound: the power model's load factor (a rule of thumb
    the cost estimate uses) times board power or the card's power limit."""
    from dlrig.power import gpu_power_w
    from dlrig.workload.power_draw import GPU_TRAINING_LOAD

    watts = gpu_power_w(chip, power_limit_w) if chip is not None else power_limit_w
    if not watts:
        return Expected(None, "board power and power limit unknown")
    return Expected(watts * GPU_TRAINING_LOAD, f"dlrig power model: {watts:g} W x {GPU_TRAINING_LOAD:.0%} while "
                    "training (rule of thumb, docs/domain.md 5)")


def post_machine_demand() -> Expected:
    """Training images/s of the seed post's 4 x GTX TITAN X on ResNet-50 (fp32), estimated."""
    from dlrig.catalog.models import Gpu
    from dlrig.catalog.protocol import resolve_as
    from dlrig.catalog.store import default_catalog
    from dlrig.errors import DlrigError
    from dlrig.workload.estimate import Machine, WorkloadRequest, estimate

    try:
        catalog = default_catalog()
        chip = catalog.chip_of(resolve_as(catalog, "GeForce GTX TITAN X", "gpu-chips", Gpu))
        est = estimate(WorkloadRequest(model="resnet50", precision="fp32", batch=POST_BATCH),
                       Machine(gpu=chip, gpus=4))
    except DlrigError as exc:
        return Expected(None, f"estimate failed: {exc.message}")
    return Expected(est.throughput.samples_per_s, "dlrig estimate: the post's 4 x GTX TITAN X, ResNet-50 fp32")


def drive_seq(part: Storage | None, drive: DriveInfo | None) -> Expected:
    if part is not None and part.seq_read_mb_s:
        return Expected(part.seq_read_mb_s, f"catalog: {part.name} rated sequential read")
    kind = _kind(drive)
    if kind:
        return Expected(SEQ_READ_RULE_MB_S[kind], f"rule of thumb for a {kind} drive (not matched in the catalog)")
    return Expected(None, "drive not identified (virtual disk, or not in the catalog)")


def drive_small_files(part: Storage | None, file_bytes: int) -> Expected:
    """Files/s of one random access + transfer each, from the drive's rated figures (pipeline model)."""
    if part is None or not (part.seq_read_mb_s or part.random_reads_per_s):
        return Expected(None, "drive not in the catalog, or its rated reads unknown")
    from dlrig.workload.pipeline import storage_stage

    stage = storage_stage([part], file_bytes, random_access=True)
    return Expected(stage.supply_samples_per_s, f"catalog + pipeline model: {stage.detail} (rated random reads "
                    "are usually at queue depth 32: optimistic)")


def _kind(drive: DriveInfo | None) -> str | None:
    if drive is None:
        return None
    if drive.interface == "nvme":
        return "nvme"
    if drive.interface in ("sata", "sas"):
        return "hdd" if drive.rotational else "sata-ssd"
    return None


def decode_per_core() -> Expected:
    from dlrig.rules_of_thumb import JPEG_DECODE_PER_CORE_PER_S

    lo, hi = JPEG_DECODE_PER_CORE_PER_S
    return Expected((lo + hi) / 2, f"rule of thumb: {lo:g}-{hi:g} images/s per core (docs/domain.md 4), midpoint")
