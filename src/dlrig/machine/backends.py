"""Readers of the running machine. Each returns typed values or raises; the facade
(:mod:`dlrig.machine.probe`) chooses among them and records every failure.

Nothing runs at import: ``pynvml`` is imported and ``nvmlInit()`` called inside
:func:`nvml_dump`, and only there.
"""

from __future__ import annotations

import contextlib
import os
import platform
import shutil
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from dlrig.machine import parsers as p
from dlrig.machine.model import CpuInfo, DriveInfo, GpuInfo, MemoryInfo, OsInfo, ProbeError

COMMAND_TIMEOUT_S = 20  # nvidia-smi can hang on a wedged GPU: never wait for it forever
DRIVE_FILES = ("size", "removable", "queue/rotational", "device/model", "device/vendor")


class Unavailable(Exception):
    """The backend cannot run here (a library or a tool is missing); the message says which."""


@dataclass(frozen=True)
class Paths:
    """Where the Linux readers look; tests point them at captured samples."""

    proc: Path = Path("/proc")
    sys_block: Path = Path("/sys/block")
    cpufreq: Path = Path("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq")
    os_release: Path = Path("/etc/os-release")


def read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


# -- CPU, memory, OS ----------------------------------------------------------------------------
def cpu(paths: Paths) -> CpuInfo:
    info = p.parse_cpuinfo(read_text(paths.proc / "cpuinfo"))
    if paths.cpufreq.exists():
        info = replace(info, max_mhz=p.parse_cpufreq_khz(read_text(paths.cpufreq)) or info.max_mhz)
    return info


def cpu_psutil() -> CpuInfo:
    import psutil

    freq = psutil.cpu_freq()
    return CpuInfo(model=platform.processor() or None, cores=psutil.cpu_count(logical=False),
                   threads=psutil.cpu_count(logical=True), max_mhz=(freq.max or freq.current) if freq else None)


def memory(paths: Paths) -> MemoryInfo:
    return p.parse_meminfo(read_text(paths.proc / "meminfo"))


def memory_psutil() -> MemoryInfo:
    import psutil

    vm = psutil.virtual_memory()
    return MemoryInfo(total_gb=vm.total / 1e9, available_gb=vm.available / 1e9)


def os_info(paths: Paths) -> OsInfo:
    dist = p.parse_os_release(read_text(paths.os_release)) if paths.os_release.exists() else None
    return OsInfo(system=platform.system() or None, distribution=dist, kernel=platform.release() or None,
                  python=platform.python_version(), hostname=platform.node() or None)


# -- drives -------------------------------------------------------------------------------------
def drive_files(directory: Path) -> tuple[dict[str, str], str]:
    """The sysfs files of one block device, and the real path of its directory."""
    files = {}
    for name in DRIVE_FILES:
        f = directory / name
        if f.is_file():
            try:
                files[name] = read_text(f)
            except OSError:
                continue
    saved = directory / "realpath"  # captured samples store the link target in a file
    real = read_text(saved).strip() if saved.is_file() else os.path.realpath(directory)
    return files, real


def drives(paths: Paths) -> list[DriveInfo]:
    found = []
    for directory in sorted(paths.sys_block.iterdir()):
        files, real = drive_files(directory)
        drive = p.parse_drive(directory.name, files, real)
        if drive is not None:
            found.append(drive)
    return found


def mountpoints() -> dict[str, tuple[str, ...]]:
    """Drive name -> the mount points of its partitions (psutil)."""
    import psutil

    out: dict[str, list[str]] = {}
    for part in psutil.disk_partitions(all=False):
        if part.device.startswith("/dev/"):
            out.setdefault(p.partition_parent(part.device), []).append(part.mountpoint)
    return {k: tuple(v) for k, v in out.items()}


# -- GPUs ---------------------------------------------------------------------------------------
NVML_CALLS: dict[str, str | tuple[str, str]] = {  # value key -> pynvml function name (each takes a device handle)
    "name": "nvmlDeviceGetName", "uuid": "nvmlDeviceGetUUID",
    "memory_total_bytes": ("nvmlDeviceGetMemoryInfo", "total"), "bus_id": ("nvmlDeviceGetPciInfo", "busId"),
    "power_limit_mw": "nvmlDeviceGetEnforcedPowerLimit",
    "default_power_limit_mw": "nvmlDeviceGetPowerManagementDefaultLimit",
    "pcie_gen_current": "nvmlDeviceGetCurrPcieLinkGeneration", "pcie_gen_max": "nvmlDeviceGetMaxPcieLinkGeneration",
    "pcie_gen_device_max": "nvmlDeviceGetGpuMaxPcieLinkGeneration",
    "pcie_width_current": "nvmlDeviceGetCurrPcieLinkWidth", "pcie_width_max": "nvmlDeviceGetMaxPcieLinkWidth",
}


def _nvml_value(pynvml: Any, handle: Any, call: str | tuple[str, str]) -> Any:
    fn, attr = (call, None) if isinstance(call, str) else call
    value = getattr(pynvml, fn)(handle)
    value = getattr(value, attr) if attr else value
    return value.decode() if isinstance(value, bytes) else value


def nvml_dump() -> dict[str, Any]:
    """Raw NVML values of every GPU, with the calls that failed: ``{driver, gpus: [{..., errors}]}``."""
    try:
        import pynvml
    except ImportError:
        raise Unavailable("nvidia-ml-py is not installed (pip install nvidia-ml-py)") from None
    try:
        pynvml.nvmlInit()
    except pynvml.NVMLError as exc:
        raise Unavailable(f"NVML did not start: {exc} (no NVIDIA driver?)") from None
    try:
        driver = pynvml.nvmlSystemGetDriverVersion()
        dump: dict[str, Any] = {"driver": driver.decode() if isinstance(driver, bytes) else driver, "gpus": []}
        with contextlib.suppress(pynvml.NVMLError):
            dump["cuda_driver_version"] = pynvml.nvmlSystemGetCudaDriverVersion()
        for i in range(pynvml.nvmlDeviceGetCount()):
            handle = pynvml.nvmlDeviceGetHandleByIndex(i)
            values: dict[str, Any] = {"errors": {}}
            for key, call in NVML_CALLS.items():
                try:
                    values[key] = _nvml_value(pynvml, handle, call)
                except pynvml.NVMLError as exc:
                    values["errors"][key] = f"{type(exc).__name__}: {exc}"
            dump["gpus"].append(values)
        return dump
    finally:
        pynvml.nvmlShutdown()


def run_tool(args: list[str]) -> str:
    if shutil.which(args[0]) is None:
        raise Unavailable(f"{args[0]} is not installed or not on PATH")
    done = subprocess.run(args, capture_output=True, text=True, timeout=COMMAND_TIMEOUT_S, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} exited {done.returncode}: {done.stderr.strip()[:200]}")
    return done.stdout


def nvidia_smi() -> tuple[str | None, str | None, list[GpuInfo]]:
    return p.parse_nvidia_smi_q(run_tool(["nvidia-smi", "-q"]))


def lspci_gpus() -> tuple[list[GpuInfo], list[ProbeError]]:
    """NVIDIA GPUs seen on the PCI bus, with their links when lspci may read them (root)."""
    devices = [d for d in p.parse_lspci_vv(run_tool(["lspci", "-vv"])) if d.is_nvidia_gpu]
    errors = [ProbeError("gpu links (lspci)", "lspci ran without root: link capabilities hidden (sudo lspci -vv)")
              ] if any(d.capabilities_hidden for d in devices) else []
    gpus = [GpuInfo(index=i, name=d.name, bus_id=p.normalize_bus_id(d.slot), link=d.link)
            for i, d in enumerate(devices)]
    return gpus, errors
