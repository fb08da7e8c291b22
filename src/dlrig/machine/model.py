"""What a probe finds: frozen records in which every field may be unknown (``None``).

Units live in field names. ``ProbeError`` records a reader that failed, so an empty list
of GPUs never hides a broken driver: the failure is in ``MachineInfo.errors``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Interface = Literal["nvme", "sata", "sas", "virtio", "usb", "mmc", "other"]


@dataclass(frozen=True)
class ProbeError:
    what: str  # which reading failed: "gpus (nvml)", "drives", ...
    error: str


@dataclass(frozen=True)
class CpuInfo:
    model: str | None = None
    vendor: str | None = None
    sockets: int | None = None
    cores: int | None = None  # physical, all sockets
    threads: int | None = None
    max_mhz: float | None = None
    flags: frozenset[str] = frozenset()


@dataclass(frozen=True)
class MemoryInfo:
    total_gb: float | None = None  # GiB as the kernel counts (MemTotal), in GB = 10^9 bytes
    available_gb: float | None = None


@dataclass(frozen=True)
class PcieLink:
    """A PCIe link: the generation and width it negotiated now, and the most it can do."""

    gen_current: int | None = None
    gen_max: int | None = None  # the most the device and the slot allow together, where known
    width_current: int | None = None
    width_max: int | None = None
    gen_device_max: int | None = None  # the device alone (NVML / nvidia-smi "Device Max")

    @property
    def width_reduced(self) -> bool:
        return bool(self.width_current and self.width_max and self.width_current < self.width_max)

    @property
    def gen_reduced(self) -> bool:
        return bool(self.gen_current and self.gen_max and self.gen_current < self.gen_max)


@dataclass(frozen=True)
class GpuInfo:
    index: int
    name: str | None = None
    bus_id: str | None = None  # "0000:01:00.0"
    memory_mib: float | None = None
    power_limit_w: float | None = None
    default_power_limit_w: float | None = None
    link: PcieLink = field(default_factory=PcieLink)
    uuid: str | None = None


@dataclass(frozen=True)
class DriveInfo:
    device: str  # "nvme0n1"
    model: str | None = None
    interface: Interface | None = None
    rotational: bool | None = None
    capacity_gb: float | None = None
    removable: bool | None = None
    mountpoints: tuple[str, ...] = ()


@dataclass(frozen=True)
class OsInfo:
    system: str | None = None  # "Linux"
    distribution: str | None = None  # PRETTY_NAME of /etc/os-release
    kernel: str | None = None
    python: str | None = None
    hostname: str | None = None


@dataclass(frozen=True)
class LinkFinding:
    """A GPU below its link's maximum: a width lost (slot wiring, riser) or a generation."""

    gpu: int
    name: str | None
    message: str
    severity: Literal["warning", "note"]


@dataclass(frozen=True)
class MachineInfo:
    cpu: CpuInfo = field(default_factory=CpuInfo)
    memory: MemoryInfo = field(default_factory=MemoryInfo)
    gpus: tuple[GpuInfo, ...] = ()
    gpu_driver: str | None = None
    cuda_driver_version: str | None = None
    drives: tuple[DriveInfo, ...] = ()
    os: OsInfo = field(default_factory=OsInfo)
    sources: dict[str, str] = field(default_factory=dict)  # what -> backend that answered
    errors: tuple[ProbeError, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["cpu"]["flags"] = sorted(self.cpu.flags)
        return data



def machine_info_from_dict(data: Any, origin: str = "probe document") -> MachineInfo:
    """``MachineInfo.to_dict()`` read back (a saved ``dlrig probe --json``), every field checked
    for its type (pydantic validates the dataclasses); a wrong one is bad input naming it."""
    from pydantic import TypeAdapter, ValidationError

    from dlrig.errors import MalformedFile

    try:
        return TypeAdapter(MachineInfo).validate_python(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in ("machine", *first["loc"]))
        raise MalformedFile(origin, f"{where}: {first['msg']}") from None
