"""The probe facade: what this machine is, from whichever backend answers.

Backends are chosen here and only here (:data:`GPU_BACKENDS`: NVML, then ``nvidia-smi -q``,
then ``lspci -vv``). Each reading is attempted on its own; a failure becomes a
``ProbeError`` in the result, never an empty answer that looks like "no GPU".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, TypeVar

from dlrig.machine import backends as be
from dlrig.machine import parsers as p
from dlrig.machine.model import CpuInfo, DriveInfo, GpuInfo, LinkFinding, MachineInfo, MemoryInfo, OsInfo, ProbeError

if TYPE_CHECKING:
    from dlrig.build import BuildFile
    from dlrig.catalog.protocol import CatalogQueries
    from dlrig.machine.match import Match

T = TypeVar("T")
PROBE_NOTE = "written by dlrig probe; left out: "
GpuReading = tuple[str | None, str | None, list[GpuInfo], list[ProbeError]]


def _nvml() -> GpuReading:
    return p.gpus_from_nvml_dump(be.nvml_dump())


def _smi() -> GpuReading:
    driver, cuda, gpus = be.nvidia_smi()
    return driver, cuda, gpus, []


def _lspci() -> GpuReading:
    gpus, errors = be.lspci_gpus()
    return None, None, gpus, errors


GPU_BACKENDS: tuple[tuple[str, Callable[[], GpuReading]], ...] = (
    ("nvml", _nvml), ("nvidia-smi", _smi), ("lspci", _lspci))


def _attempt(errors: list[ProbeError], what: str, fn: Callable[[], T]) -> T | None:
    try:
        return fn()
    except Exception as exc:  # any reader may fail: recorded, not swallowed
        errors.append(ProbeError(what, _describe(exc)))
        return None


def _describe(exc: Exception) -> str:
    return str(exc) if isinstance(exc, be.Unavailable) else f"{type(exc).__name__}: {exc}"


def _first_of(errors: list[ProbeError], what: str, readers: list[tuple[str, Callable[[], T]]],
              sources: dict[str, str]) -> T | None:
    """The first reader that answers; the failures before it are recorded."""
    for name, fn in readers:
        value = _attempt(errors, f"{what} ({name})", fn)
        if value is not None:
            sources[what] = name
            return value
    return None


def probe_gpus(errors: list[ProbeError], sources: dict[str, str],
               backends: tuple[tuple[str, Callable[[], GpuReading]], ...] = GPU_BACKENDS) -> GpuReading:
    """GPUs from the first backend that finds any; a backend that finds none does not stop the search."""
    for name, fn in backends:
        reading = _attempt(errors, f"gpus ({name})", fn)
        if reading is not None and reading[2]:
            sources["gpus"] = name
            errors.extend(reading[3])
            return reading
    return None, None, [], []


def probe(paths: be.Paths | None = None,
          gpu_backends: tuple[tuple[str, Callable[[], GpuReading]], ...] = GPU_BACKENDS) -> MachineInfo:
    """Read the CPU, memory, GPUs, drives and OS; every field may be unknown, every failure is listed."""
    paths = paths or be.Paths()
    errors: list[ProbeError] = []
    sources: dict[str, str] = {}
    cpu = _first_of(errors, "cpu", [("/proc/cpuinfo", lambda: be.cpu(paths)), ("psutil", be.cpu_psutil)], sources)
    mem = _first_of(errors, "memory", [("/proc/meminfo", lambda: be.memory(paths)),
                                       ("psutil", be.memory_psutil)], sources)
    driver, cuda, gpus, _ = probe_gpus(errors, sources, gpu_backends)
    drives = _first_of(errors, "drives", [("/sys/block", lambda: be.drives(paths))], sources) or []
    mounts = _attempt(errors, "drive mount points (psutil)", be.mountpoints) or {}
    drives = [replace(d, mountpoints=mounts.get(d.device, ())) for d in drives]
    osi = _attempt(errors, "os", lambda: be.os_info(paths))
    return MachineInfo(cpu=cpu or CpuInfo(), memory=mem or MemoryInfo(), gpus=tuple(gpus), gpu_driver=driver,
                       cuda_driver_version=cuda, drives=tuple(drives), os=osi or OsInfo(), sources=sources,
                       errors=tuple(errors))


# -- links ------------------------------------------------------------------------------------------
def link_findings(gpus: tuple[GpuInfo, ...] | list[GpuInfo]) -> list[LinkFinding]:
    """GPUs below their link's maximum. A lost width is a warning (slot wiring, a riser, a shared
    slot); a lower generation is a note unless the host's maximum is below the device's, because
    idle GPUs drop the link generation to save power (nvidia-smi shows it back up under load)."""
    out = []
    for g in gpus:
        link = g.link
        if link.width_reduced:
            assert link.width_current and link.width_max  # width_reduced: both are known
            out.append(LinkFinding(g.index, g.name, f"GPU {g.index} runs at x{link.width_current} of x{link.width_max} "
                                   f"(a slot wired x{link.width_current}, a riser or a shared slot): host-GPU copies "
                                   f"at {link.width_current / link.width_max:.0%} of the link's speed", "warning"))
        slot_gen = link.gen_max and link.gen_device_max and link.gen_max < link.gen_device_max
        if slot_gen:
            out.append(LinkFinding(g.index, g.name, f"GPU {g.index} is a Gen{link.gen_device_max} device in a "
                                   f"Gen{link.gen_max} slot", "warning"))
        elif link.gen_reduced:
            out.append(LinkFinding(g.index, g.name, f"GPU {g.index} negotiated Gen{link.gen_current} of "
                                   f"Gen{link.gen_max}: normal at idle (power saving); if it stays there under "
                                   "load (dlrig bench reads it again), the slot or riser limits it", "note"))
    return out


# -- the build file -------------------------------------------------------------------------------
@dataclass(frozen=True)
class ProbedBuild:
    build: BuildFile  # possibly without parts: `dlrig check` then lists what it could not check
    matches: tuple[tuple[str, Match], ...]  # (category, match), in probe order
    left_out: tuple[str, ...]  # what the build file lacks, and why


def build_from_probe(info: MachineInfo, catalog: CatalogQueries, name: str | None = None) -> ProbedBuild:
    """A build file of the parts the catalog knows; each part it does not is left out and said."""
    from dlrig.build import BuildFile, PartRef
    from dlrig.machine import match as m

    matches: list[tuple[str, Match]] = [("cpu", m.match_cpu(catalog, info.cpu.model))]
    matches += [("gpu", m.match_gpu(catalog, g)) for g in info.gpus]
    matches += [("storage", m.match_drive(catalog, d)) for d in info.drives if not d.removable]
    parts: dict[str, list[PartRef]] = {}
    for (cat, mt), limit in zip(matches, _power_caps(info, matches), strict=True):
        if mt.part is None:
            continue
        refs = parts.setdefault(cat, [])
        same = next((i for i, r in enumerate(refs) if r.name == mt.part.id and r.power_limit_w == limit), None)
        if same is None:
            refs.append(PartRef(name=mt.part.id, power_limit_w=limit))
        else:
            refs[same] = PartRef(name=mt.part.id, count=refs[same].count + 1, power_limit_w=limit)
    left = [f"{cat}: {mt.probed or 'unknown'} ({mt.how})" for cat, mt in matches if mt.part is None]
    left.append("memory: kits cannot be identified without root (dmidecode); "
                f"{info.memory.total_gb:.0f} GB installed" if info.memory.total_gb else "memory: unknown")
    left.append("motherboard, PSU, case and cooler: not visible to software")
    build = BuildFile(name=name or f"probe of {info.os.hostname or 'this machine'}", parts=parts,
                      notes=PROBE_NOTE + "; ".join(left))
    return ProbedBuild(build=build, matches=tuple(matches), left_out=tuple(left))


def _power_caps(info: MachineInfo, matches: list[tuple[str, Match]]) -> list[float | None]:
    """A GPU's power limit goes into the build when it is below the card's default (a cap was set)."""
    caps: list[float | None] = []
    gpus = iter(info.gpus)
    for cat, _ in matches:
        g = next(gpus) if cat == "gpu" else None
        capped = g is not None and g.power_limit_w and g.default_power_limit_w and \
            g.power_limit_w < g.default_power_limit_w - 0.5
        caps.append(g.power_limit_w if capped and g else None)
    return caps


def drive_of(path: str, drives: tuple[DriveInfo, ...]) -> DriveInfo | None:
    """The drive whose mount point holds ``path`` (longest mount-point prefix)."""
    best: tuple[int, DriveInfo | None] = (-1, None)
    for d in drives:
        for mp in d.mountpoints:
            if (path == mp or path.startswith(mp.rstrip("/") + "/")) and len(mp) > best[0]:
                best = (len(mp), d)
    return best[1]
