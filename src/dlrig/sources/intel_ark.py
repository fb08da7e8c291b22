"""Intel ARK (Intel's own specification pages): PCIe lanes, memory and launch quarter of Intel CPUs.

The rows are a scrape of ark.intel.com (``felixsteinke/cpu-spec-dataset``, 2023-07-09; only
its factual columns were kept). A catalog CPU is joined to a row by its processor number
("i7-5820K", "E5-2660 v4", "Q9300"), read from its name or aliases; each figure is then cited
with that CPU's own ARK page. ARK states the CPU's own lanes ("Max # of PCI Express Lanes":
28 on the i7-5820K, 20 on LGA1700 parts: 16 PCIe 5.0 + 4 PCIe 4.0), which is what the
PCIE-LANES rule counts. Nothing newer than mid-2023 is in the scrape (no 14th-gen Core, no
Core Ultra): those CPUs keep what other sources give.

Precedence: ARK replaces a data set's value (BuildCores, PCPartPicker) where they differ,
counting each disagreement; hand-curated figures (``curated: ...``) are kept.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dlrig.catalog.models import Cpu, Part
from dlrig.sources.common import ImportReport, clean_socket, num, positive

SRC = "intel-ark"
MIN_KEY = 4  # a processor number has at least four characters ("G640" , "Q9300")
NOT_NUMBER = {"intel", "core", "xeon", "pentium", "celeron", "processor", "oem", "tray", "box",
              "boxed", "cpu", "edition", "extreme", "series", "x", "duo", "quad", "gold", "silver",
              "platinum", "bronze"}


BRANDS = ("xeon", "core", "pentium", "celeron", "atom")


@dataclass(frozen=True)
class ArkRow:
    """The facts kept from one ARK row, with its page and brand (a Core 2 Duo E6540 is not the
    Xeon E6540)."""

    url: str
    brand: str | None
    fields: dict[str, Any]


def brand(name: str) -> str | None:
    words = set(re.split(r"[^a-z0-9]+", name.lower()))
    return next((b for b in BRANDS if b in words), None)


def key(processor_number: str) -> str:
    """"E5-2660 v4", "E5-2660V4" and "e5 2660 v4" are one processor number."""
    return re.sub(r"[^a-z0-9]", "", processor_number.lower())


def read(path: Path) -> dict[str, list[ArkRow]]:
    """ARK rows by processor-number key (rows without a number are skipped)."""
    out: dict[str, list[ArkRow]] = {}
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            k = key(row.get("ProcessorNumber") or "")
            if len(k) >= MIN_KEY and row.get("ark_url"):
                name = (row.get("CpuName") or "").replace("®", " ").replace("™", " ")
                out.setdefault(k, []).append(ArkRow(url=row["ark_url"], brand=brand(name), fields=facts(row)))
    return out


def facts(row: dict[str, str]) -> dict[str, Any]:
    """The catalog fields one ARK row gives; empty cells give nothing."""
    out: dict[str, Any] = {}
    lanes = num(row.get("NumPCIExpressPorts"))
    if lanes:
        out["pcie_lanes"] = int(lanes)
    gens = [float(g) for g in re.findall(r"\b([1-5](?:\.0)?)\b", row.get("PCIExpressRevision") or "")]
    if gens:
        out["pcie_gen"] = max(gens)
    channels = num(row.get("NumMemoryChannels"))
    if channels:
        out["memory_channels"] = int(channels)
    types = memory_types(row.get("MemoryTypes") or "")
    if types:
        out["memory_types"] = types
    max_mem = memory_gb(row.get("MaxMem") or "")
    if max_mem:
        out["max_memory_gb"] = max_mem
    ecc = (row.get("ECCMemory") or "").strip().lower()
    if ecc in ("yes", "no"):
        out["ecc_support"] = ecc == "yes"
    quarter = launch_quarter(row.get("BornOnDate") or "")
    if quarter:
        out["launch_quarter"] = quarter
        out["release_year"] = int(quarter[:4])
    socket = ark_socket(row.get("SocketsSupported") or "")
    if socket:
        out["socket"] = socket
    for field, column in (("cores", "CoreCount"), ("threads", "ThreadCount")):
        value = num(row.get(column))
        if value:
            out[field] = int(value)
    tdp = positive((row.get("MaxTDP") or "").replace("W", ""))
    if tdp:
        out["tdp_w"] = tdp
    return out


def memory_types(text: str) -> tuple[str, ...]:
    """"Up to DDR5 4800 MT/s Up to DDR4 3200 MT/s Up to LPDDR5 ..." -> ("DDR5", "DDR4").

    Soldered LPDDR is left out: no module of it goes in a slot. DDR3L modules are DDR3.
    """
    found = re.findall(r"(?<![A-Z])DDR([345])", text.upper())
    return tuple(dict.fromkeys(f"DDR{g}" for g in found))


def memory_gb(text: str) -> float | None:
    m = re.match(r"\s*([\d.]+)\s*(GB|TB)", text)
    if not m:
        return None
    value = float(m.group(1)) * (1024 if m.group(2) == "TB" else 1)
    return value if value >= 1 else None


def launch_quarter(text: str) -> str | None:
    """"Q3'14" -> "2014-Q3"."""
    m = re.match(r"\s*Q([1-4])'(\d\d)\s*$", text)
    return f"20{m.group(2)}-Q{m.group(1)}" if m else None


def ark_socket(text: str) -> str | None:
    """"FCLGA2011-3" -> "LGA2011-3"; BGA (soldered) and several-socket cells give nothing."""
    first = text.split(",")[0].strip()
    m = re.match(r"^(?:FC|P)?(LGA\d+(?:-\d)?)$", first)
    return clean_socket(m.group(1)) if m else None


def find(part: Part, rows: dict[str, list[ArkRow]]) -> ArkRow | None:
    """The ARK row whose processor number the CPU's name or aliases spell (the longest run of
    name words that is one), of the CPU's brand where the name gives one."""
    wanted = brand(part.name)
    for spelling in (part.name, *part.aliases):
        words = [w for w in re.split(r"[^a-z0-9]+", spelling.lower()) if w and w not in NOT_NUMBER]
        for size in (3, 2, 1):
            for i in range(len(words) - size + 1):
                k = "".join(words[i:i + size])
                if len(k) < MIN_KEY or not re.search(r"\d", k):
                    continue
                hits = [r for r in rows.get(k, []) if wanted is None or r.brand in (None, wanted)]
                if len(hits) == 1:
                    return hits[0]
    return None


def is_intel(part: Part) -> bool:
    return (part.vendor or "").lower() == "intel" or part.name.lower().startswith("intel")


def apply(parts: list[Part], rows: dict[str, list[ArkRow]], report: ImportReport) -> list[Part]:
    """Each Intel CPU with a processor number ARK lists gets ARK's figures, cited to its page."""
    out = []
    joined = 0
    for part in parts:
        row = find(part, rows) if isinstance(part, Cpu) and is_intel(part) else None
        if row is None:
            out.append(part)
            continue
        joined += 1
        out.append(_update(part, row, report))
    report.checks["intel_ark"] = {"rows": len(rows), "cpus_joined": joined}
    report.keep(SRC, joined)
    return out


def _update(part: Part, row: ArkRow, report: ImportReport) -> Part:
    update: dict[str, Any] = {}
    cite = f"{SRC}: {row.url}"
    for field, value in row.fields.items():
        old = getattr(part, field)
        same = old == value or (isinstance(old, tuple) and set(old) == set(value))
        if old in (None, ()) or same:
            update[field] = value  # ARK confirms or fills it: cite Intel's page
        elif part.source_of(field).startswith("curated"):
            report.correct(SRC, f"{field}: a curated figure differs from ARK's (kept the curated one)")
        elif field == "max_memory_gb" and old > value:
            # Intel raised the maximum of several families after the 2023 scrape (13th-gen Core:
            # 128 -> 192 GB with 48 GB modules); a larger, newer data-set figure stays
            report.correct(SRC, "max_memory_gb: the data set's newer, larger maximum kept over ARK's 2023 figure")
        else:
            report.correct(SRC, f"{field}: the data set's value replaced by ARK's")
            update[field] = value
    if not update:
        return part
    field_src = {**part.field_src, **dict.fromkeys(update, cite)}
    return part.model_copy(update={**update, "field_src": field_src})
