"""The data pipeline: storage -> CPU decode -> host-to-GPU copy -> GPU compute (docs/domain.md 4).

Each stage supplies samples/s; the slowest one binds. Demand on storage = samples/s x bytes
per sample on disk (the seed post: ~1,000 images/s ~ 16 MB/s). Pure functions: every rate is
a catalog figure or a named rule-of-thumb constant, and each stage says which.

Storage: reading one file costs one random access plus its transfer, so files/s =
1 / (1/random_reads_per_s + bytes/sequential_bytes_per_s); random reads/s are the drive's
rated 4 KiB IOPS (often at queue depth 32: optimistic for a loader with a few workers).
"""

from __future__ import annotations

from dataclasses import dataclass

from dlrig.catalog.models import Cpu, Storage
from dlrig.rules_of_thumb import CORES_PER_GPU as CORES_PER_GPU_RULE
from dlrig.rules_of_thumb import JPEG_DECODE_PER_CORE_PER_S, PCIE_X16_GB_S


@dataclass(frozen=True)
class Stage:
    name: str
    supply_samples_per_s: float | None  # None: unknown
    supply_range: tuple[float, float] | None
    detail: str
    fix: str


@dataclass(frozen=True)
class Pipeline:
    stages: tuple[Stage, ...]
    demand_samples_per_s: float  # what the GPUs could consume
    demand_mb_s: float  # from storage, at that rate
    bottleneck: str
    achieved_samples_per_s: float
    factor: float  # bottleneck: GPU demand / its supply (> 1 means GPUs wait); GPU: next stage / GPU
    unknown: tuple[str, ...]
    # the slowest stage's range: at each end, the least any known stage supplies there
    achieved_range: tuple[float, float] | None = None


def storage_stage(drives: list[Storage], bytes_per_sample: float, random_access: bool) -> Stage:
    fix = "an NVMe SSD, packed shards (WebDataset, FFCV) read sequentially, or the dataset cached in RAM"
    known = [d for d in drives if d.seq_read_mb_s or d.random_reads_per_s]
    if not known:
        names = ", ".join(d.name for d in drives) or "no drive in the build"
        return Stage("storage read", None, None, f"{names}: sequential MB/s and random reads/s unknown", fix)
    rates = [(_files_per_s(d, bytes_per_sample, random_access), d) for d in known]
    rate, drive = max(rates, key=lambda x: x[0] or 0)
    how = ("one random access + transfer per file" if random_access else "sequential read")
    parts = [f"{drive.seq_read_mb_s:g} MB/s sequential" if drive.seq_read_mb_s else "sequential unknown",
             f"{drive.random_reads_per_s:,.0f} random reads/s" if drive.random_reads_per_s else (
                 f"at most {random_reads_per_s(drive):,.0f} random reads/s (a disk's rotation)"
                 if random_reads_per_s(drive) else "random unknown")]
    detail = f"{drive.name} ({', '.join(parts)}; {how}, {bytes_per_sample / 1e3:,.0f} KB/sample)"
    return Stage("storage read", rate, (rate, rate) if rate else None, detail, fix)


# A hard disk with no random-read rating: at most one read per half revolution, 2 x rpm / 60
# reads/s (180/s at 5,400 rpm), with 15,000 rpm (the fastest disks made) where rpm is unknown.
HDD_FASTEST_RPM = 15_000


def random_reads_per_s(d: Storage) -> float | None:
    """The drive's rated random reads/s, or for a hard disk the bound its rotation sets."""
    if d.random_reads_per_s:
        return d.random_reads_per_s
    if d.kind == "hdd":
        return 2 * (d.rpm or HDD_FASTEST_RPM) / 60
    return None


def _files_per_s(d: Storage, bytes_per_sample: float, random_access: bool) -> float | None:
    transfer = bytes_per_sample / (d.seq_read_mb_s * 1e6) if d.seq_read_mb_s else None
    reads = random_reads_per_s(d) if random_access else None
    access = 1.0 / reads if reads else 0.0
    if transfer is None:
        return None if not access else 1.0 / access
    if random_access and not reads:
        return 1.0 / transfer  # random rate unknown: sequential only, said in the detail
    return 1.0 / (access + transfer)


def cpu_stage(cpu: Cpu | None, gpus: int) -> Stage:
    lo, hi = JPEG_DECODE_PER_CORE_PER_S
    fix = (f"more CPU cores (>= {CORES_PER_GPU_RULE} per GPU, Puget Systems), GPU decoding (DALI/nvJPEG), "
           "or images stored pre-resized")
    if cpu is None or not cpu.cores:
        return Stage("CPU JPEG decode + resize", None, None, "CPU or its core count unknown", fix)
    rate = cpu.cores * (lo + hi) / 2
    detail = (f"{cpu.name}: {cpu.cores} cores x {lo:g}-{hi:g} images/s per core (rule of thumb); "
              f"{cpu.cores / gpus:.1f} cores per GPU (rule: >= {CORES_PER_GPU_RULE})")
    return Stage("CPU JPEG decode + resize", rate, (cpu.cores * lo, cpu.cores * hi), detail, fix)


def pcie_stage(gpus: int, gen: float | None, lanes: int | None, tensor_bytes: float) -> Stage:
    g = int(gen) if gen else 3
    n_lanes = lanes or 16
    gb_s = PCIE_X16_GB_S.get(g, 12.0) * n_lanes / 16
    rate = gpus * gb_s * 1e9 / tensor_bytes
    assumed = "" if gen else " (generation unknown: Gen3 assumed)"
    detail = (f"{gpus} x PCIe Gen{g} x{n_lanes}{assumed} ~{gb_s:g} GB/s achievable from pinned memory, "
              f"{tensor_bytes / 1e3:,.0f} KB per sample as sent")
    return Stage("host -> GPU copy", rate, (rate, rate), detail,
                 "send uint8 images and normalize on the GPU (4x fewer bytes), or more PCIe lanes")


def analyse(stages: list[Stage], gpu_supply: float, bytes_per_sample: float,
            gpu_range: tuple[float, float] | None = None) -> Pipeline:
    """Add the GPU stage, find the slowest known stage, and say by how much it binds."""
    gpu = Stage("GPU compute", gpu_supply, gpu_range, "training throughput of all GPUs (see throughput)",
                "faster or more GPUs; the pipeline is not the limit")
    known = [s for s in (*stages, gpu) if s.supply_samples_per_s]
    slowest = min(known, key=lambda s: s.supply_samples_per_s or 0.0)
    others = [s.supply_samples_per_s for s in known if s is not slowest and s.supply_samples_per_s]
    if slowest is gpu:
        factor = min(others) / gpu_supply if others else float("inf")
    else:
        factor = gpu_supply / (slowest.supply_samples_per_s or 1.0)
    ends = [s.supply_range or (rate, rate) for s in known if (rate := s.supply_samples_per_s)]  # every known one
    return Pipeline(stages=(*stages, gpu), demand_samples_per_s=gpu_supply,
                    demand_mb_s=gpu_supply * bytes_per_sample / 1e6, bottleneck=slowest.name,
                    achieved_samples_per_s=slowest.supply_samples_per_s or 0.0, factor=factor,
                    unknown=tuple(s.name for s in stages if s.supply_samples_per_s is None),
                    achieved_range=(min(lo for lo, _ in ends), min(hi for _, hi in ends)))
