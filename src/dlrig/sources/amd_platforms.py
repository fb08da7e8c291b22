"""AMD CPUs' PCIe lanes by platform (``curated/amd_platforms.yaml``), from AMD's product pages.

AMD publishes no lane export (the public AMD spec export has no lane column), but every CPU
of one I/O die has the same lanes, and AMD's product pages give them as "Native PCIe Lanes
(Total/Usable)". The table lists each family's models explicitly; a catalog CPU gets its
family's usable lanes, PCIe generation and socket (where unknown), cited with AMD's page. A
figure already in the catalog from another curated source is kept, and a disagreement counted.
"""

from __future__ import annotations

import re
from typing import Any

from dlrig.catalog.models import Cpu, Part
from dlrig.sources import curated
from dlrig.sources.common import ImportReport

LABEL = "curated:amd_platforms"
MODEL = re.compile(r"\b(\d{4}(?:X3D|WX|XT|GT|X|G|F|T)?)\b", re.I)
FAMILY_WORDS = ("ryzen", "threadripper")
FIELDS = ("pcie_lanes", "pcie_gen", "memory_channels", "max_memory_gb")


def families() -> dict[str, dict[str, Any]]:
    """Each listed model ("5950X") -> its family entry."""
    out: dict[str, dict[str, Any]] = {}
    for entry in curated.load("amd_platforms.yaml"):
        for model in entry["models"]:
            out[str(model).upper()] = entry
    return out


def model_of(part: Part) -> str | None:
    """The model number an AMD Ryzen or Threadripper name spells ("AMD Ryzen 9 5950X" -> "5950X")."""
    name = part.name.lower()
    if "amd" not in name and (part.vendor or "").lower() != "amd":
        return None
    if not any(w in name for w in FAMILY_WORDS):
        return None
    found = MODEL.findall(part.name)
    return found[-1].upper() if found else None


def apply(parts: list[Part], report: ImportReport) -> list[Part]:
    table = families()
    out = []
    for part in parts:
        entry = table.get(model_of(part) or "") if isinstance(part, Cpu) else None
        out.append(part if entry is None else _update(part, entry, report))
    return out


def _update(part: Part, entry: dict[str, Any], report: ImportReport) -> Part:
    cite = curated.cite(entry)
    update: dict[str, Any] = {}
    wanted = {f: entry[f] for f in FIELDS if f in entry}
    if getattr(part, "socket", None) is None:
        wanted["socket"] = entry["socket"]
    for field, value in wanted.items():
        old = getattr(part, field)
        if old is None or old == value:
            update[field] = value
        elif part.source_of(field).startswith("curated"):
            report.correct(LABEL, f"{field}: another curated figure differs from AMD's platform figure (kept)")
        else:
            report.correct(LABEL, f"{field}: the data set's value replaced by AMD's platform figure")
            update[field] = value
    report.correct(LABEL, "AMD CPU: lanes from its platform's AMD product page")
    field_src = {**part.field_src, **dict.fromkeys(update, cite)}
    return part.model_copy(update={**update, "field_src": field_src})
