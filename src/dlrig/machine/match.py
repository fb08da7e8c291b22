"""Probed names -> catalog parts. Unknown stays unknown: a name is matched only when the
catalog's resolver finds one part, or several that one probed figure (GPU memory, drive
capacity) narrows to one; otherwise the part is left out and the reason said.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dlrig.errors import AmbiguousPart, UnknownPart

if TYPE_CHECKING:
    from dlrig.catalog.models import Part
    from dlrig.catalog.protocol import CatalogQueries
    from dlrig.machine.model import DriveInfo, GpuInfo

SIZE_TOLERANCE = 0.08  # probed size within 8% of the catalog's nominal size (GiB vs GB, reserved memory)
# NVML product names that the catalog spells differently (NVML reports the SXM5 H100 as
# "H100 80GB HBM3"; the H200 SXM as "H200"): nvidia-smi output on DGX H100 / HGX H200 systems.
NVML_ALIASES = {"h100 80gb hbm3": "H100 SXM5 80 GB", "h200": "H200 SXM 141 GB", "h100 nvl": "H100 NVL 94 GB"}
CPU_NOISE = re.compile(
    r"\((?:R|TM|tm|r)\)|\bCPU\b|@\s*[\d.]+\s*GHz|\b\d+-Cores?\b|\bProcessor\b|\b\d+(?:st|nd|rd|th) Gen\b"
    r"|\bwith Radeon\b.*$|\bw/ Radeon\b.*$")


@dataclass(frozen=True)
class Match:
    probed: str | None  # the name as probed
    part: Part | None
    how: str  # "exact", "by memory size", "not in the catalog", ...

    @property
    def found(self) -> bool:
        return self.part is not None


def clean_cpu_model(model: str) -> str:
    """``Intel(R) Core(TM) i7-5820K CPU @ 3.30GHz`` -> ``Intel Core i7-5820K``."""
    return " ".join(CPU_NOISE.sub(" ", model).split())


def clean_gpu_name(name: str) -> str:
    """``NVIDIA A100-SXM4-80GB`` -> ``A100 SXM4 80GB``; known NVML spellings -> the catalog's."""
    text = " ".join(re.sub(r"^(NVIDIA|Tesla)\s+", "", name.strip(), flags=re.I).replace("-", " ").split())
    if text.lower().startswith("tesla "):
        text = text[6:]
    return NVML_ALIASES.get(text.lower(), text if not name.lower().startswith("tesla") else f"Tesla {text}")


def _resolve(catalog: CatalogQueries, name: str, category: str, size_field: str, size: float | None) -> Match:
    try:
        return Match(name, catalog.resolve(name, category), "by name")
    except UnknownPart:
        return Match(name, None, "not in the catalog")
    except AmbiguousPart as exc:
        return _narrow(catalog, name, category, exc.candidates, size_field, size)


def _narrow(catalog: CatalogQueries, name: str, category: str, candidates: list[str], size_field: str,
            size: float | None) -> Match:
    if size is None:
        return Match(name, None, f"ambiguous ({len(candidates)} catalog parts) and its size unknown")
    parts = []
    for cand in candidates:
        try:
            parts.append(catalog.resolve(cand, category))
        except (UnknownPart, AmbiguousPart):
            continue
    close = [p for p in parts if getattr(p, size_field, None)
             and abs(getattr(p, size_field) - size) <= SIZE_TOLERANCE * getattr(p, size_field)]
    if len({p.id for p in close}) == 1:
        return Match(name, close[0], f"by name and {size_field.removesuffix('_gb')} size")
    if close and _equivalent(close):
        return Match(name, close[0], f"by name and size ({len(close)} equivalent listings; the first taken)")
    return Match(name, None, f"ambiguous: {len(close) or len(candidates)} catalog parts fit")


SPEC_FIELDS = ("capacity_gb", "interface", "kind", "seq_read_mb_s", "random_reads_per_s", "pcie_gen")


def _equivalent(parts: list[Part]) -> bool:
    """Listings of one product (with or without a heatsink, retail or OEM) whose figures agree."""
    vendors = {(p.vendor or "").lower() for p in parts}
    specs = {tuple(getattr(p, f, None) for f in SPEC_FIELDS) for p in parts}
    return len(vendors) == 1 and len(specs) == 1


def match_cpu(catalog: CatalogQueries, model: str | None) -> Match:
    if not model:
        return Match(model, None, "CPU model unknown")
    return _resolve(catalog, clean_cpu_model(model), "cpu", "cores", None)


def match_gpu(catalog: CatalogQueries, gpu: GpuInfo) -> Match:
    if not gpu.name:
        return Match(None, None, "GPU name unknown")
    vram_gib = gpu.memory_mib / 1024 if gpu.memory_mib else None
    return _resolve(catalog, clean_gpu_name(gpu.name), "gpu-chips", "vram_gb", vram_gib)


def match_drive(catalog: CatalogQueries, drive: DriveInfo) -> Match:
    if not drive.model:
        return Match(None, None, "drive model unknown")
    result = _resolve(catalog, drive.model, "storage", "capacity_gb", drive.capacity_gb)
    if not result.found and drive.capacity_gb:  # "Samsung SSD 980 PRO 2TB": try without the filler word
        plain = " ".join(w for w in drive.model.split() if w.upper() != "SSD")
        if plain != drive.model:
            retry = _resolve(catalog, plain, "storage", "capacity_gb", drive.capacity_gb)
            if retry.found:
                return Match(drive.model, retry.part, retry.how)
    return result
