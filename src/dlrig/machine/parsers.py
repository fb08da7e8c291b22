"""Pure parsers of what Linux and the NVIDIA tools print; no I/O, tested on captured text.

Each takes the text of one file or command and returns typed values, ``None`` where the
text does not say. Formats: ``/proc/cpuinfo`` and ``/proc/meminfo`` (proc(5)),
``/sys/block/*/queue/rotational`` and ``size`` (sysfs-block ABI: size in 512-byte
sectors), ``lspci -vv`` (pciutils), ``nvidia-smi -q`` (NVIDIA's text report).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from dlrig.machine.model import CpuInfo, DriveInfo, GpuInfo, Interface, MemoryInfo, PcieLink, ProbeError

SECTOR_BYTES = 512  # /sys/block/*/size counts 512-byte sectors whatever the drive's own sector size
# PCIe transfer rate per lane -> generation (PCI-SIG: 2.5, 5, 8, 16, 32, 64 GT/s for Gen1-6).
GT_S_TO_GEN = {2.5: 1, 5.0: 2, 8.0: 3, 16.0: 4, 32.0: 5, 64.0: 6}
NVIDIA_PCI_VENDOR = "10de"
# The SIMD flags that set FLOPs per cycle (kept; the rest of /proc/cpuinfo's flags are dropped).
SIMD_FLAGS = frozenset({"sse2", "avx", "avx2", "fma", "avx512f", "avx512_bf16", "avx512_fp16", "amx_bf16",
                        "amx_tile", "asimd", "sve", "sve2"})


def _int(text: str | None) -> int | None:
    m = re.search(r"-?\d+", text or "")
    return int(m.group()) if m else None


def _float(text: str | None) -> float | None:
    m = re.search(r"-?\d+(?:\.\d+)?", text or "")
    return float(m.group()) if m else None


# -- /proc/cpuinfo ------------------------------------------------------------------------------
def cpuinfo_blocks(text: str) -> list[dict[str, str]]:
    """One ``{key: value}`` per logical processor (blocks are separated by blank lines)."""
    blocks: list[dict[str, str]] = []
    current: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            if current:
                blocks.append(current)
            current = {}
            continue
        key, sep, value = line.partition(":")
        if sep:
            current[key.strip()] = value.strip()
    if current:
        blocks.append(current)
    return [b for b in blocks if "processor" in b]


def parse_cpuinfo(text: str) -> CpuInfo:
    """Model, sockets, physical cores and threads. Cores = distinct (physical id, core id)."""
    blocks = cpuinfo_blocks(text)
    if not blocks:
        return CpuInfo()
    first = blocks[0]
    sockets = {b["physical id"] for b in blocks if "physical id" in b}
    cores = {(b.get("physical id"), b["core id"]) for b in blocks if "core id" in b}
    mhz = [v for v in (_float(b.get("cpu MHz")) for b in blocks) if v]
    return CpuInfo(model=first.get("model name") or first.get("Model") or None,
                   vendor=first.get("vendor_id"),
                   sockets=len(sockets) or None, cores=len(cores) or None, threads=len(blocks),
                   max_mhz=max(mhz) if mhz else None,
                   flags=frozenset((first.get("flags") or first.get("Features") or "").split()) & SIMD_FLAGS)


def parse_cpufreq_khz(text: str) -> float | None:
    """``cpuinfo_max_freq`` (kHz) -> MHz."""
    khz = _float(text)
    return khz / 1000 if khz else None


# -- /proc/meminfo ------------------------------------------------------------------------------
def parse_meminfo(text: str) -> MemoryInfo:
    values: dict[str, float] = {}
    for line in text.splitlines():
        key, sep, rest = line.partition(":")
        number = _float(rest) if sep else None
        if number is not None:
            values[key.strip()] = number * 1024 if rest.strip().endswith("kB") else number
    total, avail = values.get("MemTotal"), values.get("MemAvailable")
    return MemoryInfo(total_gb=total / 1e9 if total else None, available_gb=avail / 1e9 if avail else None)


# -- /sys/block ---------------------------------------------------------------------------------
def parse_rotational(text: str) -> bool | None:
    value = text.strip()
    return {"0": False, "1": True}.get(value)


def parse_block_size_gb(text: str) -> float | None:
    sectors = _int(text)
    return sectors * SECTOR_BYTES / 1e9 if sectors else None


VIRTUAL_BLOCK = ("loop", "ram", "zram", "dm-", "md", "sr", "fd", "nbd", "nullb")


def is_physical_block(name: str) -> bool:
    """Drives, not loop devices, RAM disks, device-mapper volumes, RAID arrays or optical drives."""
    return not name.startswith(VIRTUAL_BLOCK)


def drive_interface(name: str, device_link: str = "", vendor: str = "") -> Interface | None:
    """How a drive is attached, from its name and the sysfs path its ``device`` link points at."""
    path = device_link.lower()
    if name.startswith("nvme"):
        return "nvme"
    if name.startswith("vd") or "virtio" in path:
        return "virtio"
    if name.startswith("mmcblk"):
        return "mmc"
    if "/usb" in path:
        return "usb"
    if "/ata" in path or vendor.strip().upper() == "ATA":
        return "sata"
    if name.startswith("sd") and ("sas" in path or ("/host" in path and "/end_device" in path)):
        return "sas"
    return "other" if name.startswith(("sd", "hd")) else None


# -- /etc/os-release ----------------------------------------------------------------------------
def parse_os_release(text: str) -> str | None:
    fields = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
    value = fields.get("PRETTY_NAME") or fields.get("NAME")
    return value.strip().strip('"') if value else None


# -- lspci -vv ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class PciDevice:
    slot: str  # "01:00.0" or "0000:01:00.0"
    description: str  # "VGA compatible controller: NVIDIA Corporation GA102GL [RTX A6000] (rev a1)"
    link: PcieLink
    capabilities_hidden: bool  # lspci ran without root: "Capabilities: <access denied>"

    @property
    def is_nvidia_gpu(self) -> bool:
        d = self.description.lower()
        return "nvidia" in d and ("vga compatible" in d or "3d controller" in d)

    @property
    def name(self) -> str | None:
        m = re.search(r"\[([^\]]+)\]", self.description)
        return m.group(1) if m else None


def gt_s_to_gen(text: str | None) -> int | None:
    value = _float(text)
    return GT_S_TO_GEN.get(value) if value is not None else None


def _lnk(line: str) -> tuple[int | None, int | None]:
    speed = re.search(r"Speed\s+([\d.]+)\s*GT/s", line)
    width = re.search(r"Width\s+x(\d+)", line)
    return (gt_s_to_gen(speed.group(1)) if speed else None, int(width.group(1)) if width else None)


def parse_lspci_vv(text: str) -> list[PciDevice]:
    """Devices and their links: ``LnkCap`` is the most the device can do, ``LnkSta`` what it runs at."""
    devices = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = block.splitlines()
        if not lines or not re.match(r"^[0-9a-fA-F:.]+\s", lines[0]):
            continue
        slot, _, desc = lines[0].partition(" ")
        cap: tuple[int | None, int | None] = (None, None)
        sta = cap
        for line in lines[1:]:
            s = line.strip()
            if s.startswith("LnkCap:"):
                cap = _lnk(s)
            elif s.startswith("LnkSta:"):
                sta = _lnk(s)
        link = PcieLink(gen_current=sta[0], width_current=sta[1], gen_max=cap[0], width_max=cap[1],
                        gen_device_max=cap[0])
        devices.append(PciDevice(slot=slot, description=desc.strip(), link=link,
                                 capabilities_hidden="<access denied>" in block))
    return devices


# -- nvidia-smi -q ------------------------------------------------------------------------------
def _tree(lines: list[str]) -> dict[str, Any]:
    """An indented ``key : value`` report as nested dicts; a key without a value opens a section."""
    root: dict[str, Any] = {}
    stack: list[tuple[int, dict[str, Any]]] = [(-1, root)]
    for raw in lines:
        if not raw.strip() or raw.strip().startswith("="):
            continue
        indent = len(raw) - len(raw.lstrip())
        while stack[-1][0] >= indent:
            stack.pop()
        text = raw.strip()
        if " : " in text or text.endswith(" :"):
            key, _, value = text.partition(" :")
            stack[-1][1].setdefault(key.strip(), value.strip())
            continue
        child: dict[str, Any] = {}
        stack[-1][1][text] = child
        stack.append((indent, child))
    return root


def _get(tree: dict[str, Any], *path: str) -> Any:
    node: Any = tree
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def _first(tree: dict[str, Any], *paths: tuple[str, ...]) -> Any:
    for path in paths:
        value = _get(tree, *path)
        if value not in (None, "", "N/A", {}):
            return value
    return None


def parse_nvidia_smi_q(text: str) -> tuple[str | None, str | None, list[GpuInfo]]:
    """Driver version, CUDA version and the GPUs of ``nvidia-smi -q`` (old and new layouts)."""
    tree = _tree(text.splitlines())
    gpus = [_smi_gpu(i, key, node) for i, (key, node) in
            enumerate((k, v) for k, v in tree.items() if k.startswith("GPU ") and isinstance(v, dict))]
    return tree.get("Driver Version") or None, tree.get("CUDA Version") or None, gpus


def _smi_gpu(index: int, key: str, node: dict[str, Any]) -> GpuInfo:
    power = ("GPU Power Readings",), ("Power Readings",)
    limits = ("Current Power Limit", "Enforced Power Limit", "Power Limit")  # newest spelling first
    enforced = _first(node, *((*p, key) for key in limits for p in power))
    default = _first(node, *((*p, "Default Power Limit") for p in power))
    gen, width = ("PCI", "GPU Link Info", "PCIe Generation"), ("PCI", "GPU Link Info", "Link Width")
    link = PcieLink(gen_current=_int(_get(node, *gen, "Current")),
                    gen_max=_int(_first(node, (*gen, "Max"), (*gen, "Host Max"))),
                    gen_device_max=_int(_first(node, (*gen, "Device Max"), (*gen, "Max"))),
                    width_current=_int(_get(node, *width, "Current")),
                    width_max=_int(_get(node, *width, "Max")))
    minor = _int(_get(node, "Minor Number"))  # None where absent or "N/A"
    return GpuInfo(index=minor if minor is not None else index,
                   name=_first(node, ("Product Name",)), bus_id=_bus_id(key.removeprefix("GPU ").strip()),
                   memory_mib=_float(_get(node, "FB Memory Usage", "Total")),
                   power_limit_w=_float(enforced), default_power_limit_w=_float(default),
                   link=link, uuid=_first(node, ("GPU UUID",)))


def _bus_id(text: str | None) -> str | None:
    """NVML/nvidia-smi spell bus ids with an 8-digit domain; lspci with 4 (or none)."""
    if not text:
        return None
    m = re.search(r"(?:([0-9a-fA-F]+):)?([0-9a-fA-F]{2}):([0-9a-fA-F]{2})\.([0-7])", text)
    if not m:
        return text
    domain = int(m.group(1) or "0", 16)
    return f"{domain:04x}:{m.group(2).lower()}:{m.group(3).lower()}.{m.group(4)}"


normalize_bus_id = _bus_id


# -- NVML values --------------------------------------------------------------------------------
def gpu_from_nvml(index: int, values: dict[str, Any]) -> GpuInfo:
    """A GpuInfo from the raw values NVML returned (bytes, milliwatts); missing keys stay unknown."""
    def mw(key: str) -> float | None:
        v = values.get(key)
        return v / 1000 if isinstance(v, (int, float)) else None

    name = values.get("name")
    total = values.get("memory_total_bytes")
    link = PcieLink(gen_current=values.get("pcie_gen_current"), gen_max=values.get("pcie_gen_max"),
                    gen_device_max=values.get("pcie_gen_device_max"),
                    width_current=values.get("pcie_width_current"), width_max=values.get("pcie_width_max"))
    return GpuInfo(index=index, name=name.decode() if isinstance(name, bytes) else name,
                   bus_id=_bus_id(values.get("bus_id")),
                   memory_mib=total / 2**20 if isinstance(total, (int, float)) else None,
                   power_limit_w=mw("power_limit_mw"), default_power_limit_w=mw("default_power_limit_mw"),
                   link=link, uuid=values.get("uuid"))



# -- one drive under /sys/block -----------------------------------------------------------------
def parse_drive(name: str, files: dict[str, str], realpath: str = "") -> DriveInfo | None:
    """A drive from its sysfs files (``size``, ``queue/rotational``, ``removable``,
    ``device/model``, ``device/vendor``) and the path ``/sys/block/NAME`` links to; ``None``
    for loop devices, RAM disks, device-mapper volumes and other virtual block devices."""
    if not is_physical_block(name) or "/virtual/" in realpath:
        return None
    model = " ".join((files.get("device/model") or "").split()) or None
    vendor = (files.get("device/vendor") or "").strip()
    if model and vendor and vendor.upper() not in ("ATA", "NVME") and not model.lower().startswith(vendor.lower()):
        model = f"{vendor} {model}"
    removable = parse_rotational(files.get("removable", ""))
    interface = drive_interface(name, realpath, files.get("device/vendor", ""))
    return DriveInfo(device=name, model=model, interface=interface,
                     rotational=parse_rotational(files.get("queue/rotational", "")),
                     capacity_gb=parse_block_size_gb(files.get("size", "")), removable=removable)


def partition_parent(device: str) -> str:
    """``/dev/nvme0n1p2`` -> ``nvme0n1``, ``/dev/sda1`` -> ``sda``: the drive a partition is on."""
    name = device.rsplit("/", 1)[-1]
    if re.match(r"^(nvme\d+n\d+|mmcblk\d+)p\d+$", name):
        return re.sub(r"p\d+$", "", name)
    if re.match(r"^(sd|vd|hd|xvd)[a-z]+\d+$", name):
        return re.sub(r"\d+$", "", name)
    return name


def cuda_version(value: int | None) -> str | None:
    """NVML's CUDA driver version integer (12040) -> "12.4"."""
    return f"{value // 1000}.{value % 1000 // 10}" if isinstance(value, int) and value > 0 else None


def gpus_from_nvml_dump(dump: dict[str, Any]) -> tuple[str | None, str | None, list[GpuInfo], list[ProbeError]]:
    """Driver, CUDA version, GPUs and failed NVML calls from what the NVML backend collected."""
    gpus, errors = [], []
    for i, values in enumerate(dump.get("gpus", [])):
        gpus.append(gpu_from_nvml(i, values))
        errors += [ProbeError(f"gpu {i} {key} (nvml)", msg) for key, msg in values.get("errors", {}).items()]
    return dump.get("driver"), cuda_version(dump.get("cuda_driver_version")), gpus, errors
