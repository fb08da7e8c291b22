"""BuildCores OpenDB (ODC-By 1.0): board-partner GPUs and platform parts with compatibility fields.

Cleaning (each counted in the import report):
- sockets to one spelling ("LGA 1700" -> "LGA1700", "TR4" -> "sTR4");
- PCIe slot generations newer than the chipset can drive (a G41 board "with PCIe 4.0") are
  lowered to the chipset's generation;
- zeros that stand for "unknown" (slot width 0, memory maximum 0) become unknown.
Memory kits named "Registered" but flagged unbuffered are corrected later, from their names
(:mod:`dlrig.sources.memory`), once every source's spellings are merged.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from dlrig.catalog.models import (
    Case,
    Cooler,
    Cpu,
    CpuCooler,
    Gpu,
    MemoryKit,
    Motherboard,
    Part,
    PowerConnectors,
    Psu,
    SlotSummary,
    Storage,
    StorageInterface,
    StorageKind,
)
from dlrig.sources.common import ChipIndex, IdMaker, ImportReport, clean_socket, num, positive

SRC = "buildcores"

FORM_FACTORS = {"EATX": "E-ATX", "E-ATX": "E-ATX", "ATX": "ATX", "MICRO ATX": "Micro ATX",
                "MICROATX": "Micro ATX", "MATX": "Micro ATX", "MINI-ITX": "Mini-ITX",
                "MINI ITX": "Mini-ITX", "THIN MINI-ITX": "Mini-ITX", "SSI EEB": "SSI EEB",
                "EEB": "SSI EEB", "SSI CEB": "SSI CEB", "CEB": "SSI CEB", "XL ATX": "XL-ATX",
                "XL-ATX": "XL-ATX", "HPTX": "HPTX", "MINI DTX": "Mini-DTX", "FLEX ATX": "Flex ATX"}

# Newest PCIe generation each chipset family drives (Intel ARK and AMD chipset pages): used to
# correct slot generations that contradict the platform.
CHIPSET_MAX_GEN: list[tuple[str, float]] = [
    (r"\b(G41|G31|P45|P43|X48|X38|P55|H55|H57|Q57)\b", 2.0),
    (r"\b(X58|H61|H67|P67|Z68|B75|H77|Z77|Q77|X79)\b", 3.0),
    (r"\b(H81|B85|H87|Z87|Z97|H97|X99|C612)\b", 3.0),
    (r"\b(H110|B150|H170|Z170|B250|H270|Z270|Z370|B360|H370|H310|Z390|X299|C422|C621)\b", 3.0),
    (r"\b(H410|B460|H470|Z490|W480)\b", 3.0),
    (r"\b(H510|B560|H570|Z590|W580)\b", 4.0),
    (r"\b(H610|B660|H670|Z690|W680|B760|H770|Z790)\b", 5.0),
    (r"\b(B860|H810|Z890|W880)\b", 5.0),
    (r"\b(A320|B350|X370|B450|X470|X399)\b", 3.0),
    (r"\b(A520|B550|X570|TRX40|WRX80)\b", 4.0),
    (r"\b(A620|B650E?|X670E?|B850|X870E?|TRX50|WRX90|W790)\b", 5.0),
]


def _max_gen(chipset: str | None) -> float | None:
    for pattern, gen in CHIPSET_MAX_GEN:
        if chipset and re.search(pattern, chipset):
            return gen
    return None


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def _base(row: dict[str, Any], prefix: str, ids: IdMaker) -> dict[str, Any]:
    meta = row.get("metadata") or {}
    name = " ".join(str(meta.get("name") or "").split())
    aliases = tuple(p.strip() for p in meta.get("part_numbers") or [] if p and p.strip() and p.strip() != name)
    return {"id": ids(prefix, name), "name": name, "vendor": meta.get("manufacturer") or None,
            "aliases": aliases[:6], "src": SRC}


def form_factor(raw: str | None) -> str | None:
    if not raw:
        return None
    return FORM_FACTORS.get(raw.strip().upper(), raw.strip())


COOLING: dict[str, Cooler] = {"Blower": "blower", "Passive": "passive", "Water Cooled": "water", "Hybrid": "water",
           "2 Fans": "open-air", "3 Fans": "open-air", "4 Fans": "open-air"}


def gpu_cards(path: Path, chips: ChipIndex, report: ImportReport, ids: IdMaker) -> list[Gpu]:
    out = []
    for row in read_jsonl(path):
        chip = chips.get(row.get("chipset") or "")
        if chip is None:
            report.drop(SRC + ":gpu", "chip not in the GPU catalog (old, mobile or unknown chipset)")
            continue
        base = _base(row, "gpu/card", ids)
        if not base["name"]:
            report.drop(SRC + ":gpu", "no name")
            continue
        pc = row.get("power_connectors") or {}
        iface = re.match(r"PCIe (?:(\d\.\d) )?x(\d+)", row.get("interface") or "")
        cooling = row.get("cooling")
        cooler = COOLING.get(cooling or "")
        if cooler is None and re.search(r"\bblower\b", base["name"], re.I):
            cooler = "blower"
        out.append(Gpu(
            **base, chip_id=chip.id, kind=chip.kind,
            vram_gb=positive(row.get("memory")),
            length_mm=positive(row.get("length")),
            slot_width=positive(row.get("total_slot_width")),
            board_power_w=positive(row.get("tdp")),
            cooler=cooler,
            power_connectors=_connectors(pc, positive(row.get("tdp")) or chip.board_power_w, report),
            pcie_gen=float(iface.group(1)) if iface and iface.group(1) else None,
            pcie_lanes=int(iface.group(2)) if iface else None,
        ))
        report.keep(SRC + ":gpu")
    return out


SLOT_POWER_W = 75  # PCIe CEM: a x16 slot supplies up to 75 W; a card drawing more needs cables


def _connectors(pc: dict[str, Any], watts: float | None, report: ImportReport) -> PowerConnectors | None:
    """No connectors on a card that draws more than the slot gives is a missing fact, not a fact."""
    if not pc:
        return None
    con = PowerConnectors(pcie_6pin=int(pc.get("pcie_6_pin") or 0), pcie_8pin=int(pc.get("pcie_8_pin") or 0),
                          pcie_12vhpwr=int(pc.get("pcie_12VHPWR") or 0) + int(pc.get("pcie_12V_2x6") or 0))
    if con.total == 0 and (watts or 0) > SLOT_POWER_W:
        report.correct(SRC + ":gpu", "no power connectors on a card over 75 W: made unknown")
        return None
    return con


def cpus(path: Path, report: ImportReport, ids: IdMaker) -> list[Cpu]:
    out = []
    for row in read_jsonl(path):
        spec = row.get("specifications") or {}
        mem = spec.get("memory") or {}
        cores = row.get("cores") or {}
        meta = row.get("metadata") or {}
        socket = clean_socket(row.get("socket"))
        if socket != (row.get("socket") or None):
            report.correct(SRC + ":cpu", "socket spelling")
        out.append(Cpu(
            **_base(row, "cpu", ids), socket=socket,
            cores=int(num(cores.get("total")) or 0) or None,
            threads=int(num(cores.get("threads")) or 0) or None,
            tdp_w=positive(spec.get("tdp")),
            memory_types=tuple(mem.get("types") or ()),
            memory_channels=int(num(mem.get("channels")) or 0) or None,
            max_memory_gb=positive(mem.get("maxSupport")),
            release_year=int(meta["releaseYear"]) if meta.get("releaseYear") else None,
            microarchitecture=row.get("microarchitecture") or None,
        ))
        report.keep(SRC + ":cpu")
    return out


def motherboards(path: Path, report: ImportReport, ids: IdMaker) -> list[Motherboard]:
    out = []
    for row in read_jsonl(path):
        mem = row.get("memory") or {}
        chipset = row.get("chipset") or None
        socket = clean_socket(row.get("socket"))
        if socket != (row.get("socket") or None):
            report.correct(SRC + ":motherboard", "socket spelling")
        meta = row.get("metadata") or {}
        out.append(Motherboard(
            **_base(row, "motherboard", ids), socket=socket, chipset=chipset,
            form_factor=form_factor(row.get("form_factor")),
            memory_type=mem.get("ram_type") or None,
            memory_slots=int(num(mem.get("slots")) or 0) or None,
            max_memory_gb=positive(mem.get("max")),
            ecc_support=row["ecc_support"] if isinstance(row.get("ecc_support"), bool) else None,
            slot_summary=_slot_summary(row.get("pcie_slots") or [], chipset, report),
            m2_slots=len(row.get("m2_slots") or []),
            release_year=int(meta["releaseYear"]) if meta.get("releaseYear") else None,
        ))
        report.keep(SRC + ":motherboard")
    return out


def _slot_summary(slots: list[dict[str, Any]], chipset: str | None, report: ImportReport) -> tuple[SlotSummary, ...]:
    limit = _max_gen(chipset)
    out = []
    for s in slots:
        gen = num(s.get("gen"))
        if gen is not None and limit is not None and gen > limit:
            report.correct(SRC + ":motherboard", "PCIe slot generation above the chipset's: lowered to it")
            gen = limit
        qty, lanes = int(num(s.get("quantity")) or 0), int(num(s.get("lanes")) or 0)
        if qty and lanes:
            out.append(SlotSummary(gen=gen, quantity=qty, lanes=lanes))
    return tuple(out)


def memory_kits(path: Path, report: ImportReport, ids: IdMaker) -> list[MemoryKit]:
    out = []
    for row in read_jsonl(path):
        mods = row.get("modules") or {}
        out.append(MemoryKit(
            **_base(row, "memory", ids), memory_type=row.get("ram_type") or None,
            speed_mt_s=int(num(row.get("speed")) or 0) or None,
            modules=int(num(mods.get("quantity")) or 0) or None,
            module_gb=positive(mods.get("capacity_gb")),
            ecc=None if row.get("ecc") is None else row.get("ecc") == "ECC",
            registered=None if row.get("registered") is None else row.get("registered") == "Registered",
        ))
        report.keep(SRC + ":memory")
    return out


def storage_interface(raw: str | None, nvme: Any = None) -> tuple[StorageInterface | None, float | None]:
    """(interface, PCIe generation) from "M.2 PCIe 4.0 x4", "SATA 6.0 Gb/s", "U.2"..."""
    text = raw or ""
    m = re.search(r"PCIe (\d\.\d)", text)
    if m or nvme is True or "U.2" in text:
        return "nvme", float(m.group(1)) if m else None
    if "SAS" in text:
        return "sas", None
    if "SATA" in text:
        return "sata", None
    return ("other" if text else None), None


STORAGE_KINDS: dict[str, StorageKind] = {"SSD": "ssd", "HDD": "hdd", "SSHD": "hybrid"}


def storage(path: Path, report: ImportReport, ids: IdMaker) -> list[Storage]:
    out = []
    for row in read_jsonl(path):
        interface, gen = storage_interface(row.get("interface"), row.get("nvme"))
        kind = STORAGE_KINDS.get(row.get("type") or "")
        out.append(Storage(
            **_base(row, "storage", ids), capacity_gb=positive(row.get("capacity")), kind=kind,
            interface=interface, pcie_gen=gen, form_factor=row.get("form_factor") or None,
            rpm=int(num(row.get("rpm")) or 0) or None,
        ))
        report.keep(SRC + ":storage")
    return out


def efficiency_tier(raw: str | None) -> str | None:
    if not raw:
        return None
    tier = raw.replace("80+", "").replace("80 PLUS", "").strip().lower()
    return tier if tier in {"bronze", "silver", "gold", "platinum", "titanium"} else "white"


def psus(path: Path, report: ImportReport, ids: IdMaker) -> list[Psu]:
    out = []
    for row in read_jsonl(path):
        con = row.get("connectors") or {}
        out.append(Psu(
            **_base(row, "psu", ids), wattage_w=positive(row.get("wattage")),
            efficiency=efficiency_tier(row.get("efficiency_rating")),
            form_factor=row.get("form_factor") or None, length_mm=positive(row.get("length")),
            modular=row.get("modular") or None,
            connectors=_psu_connectors(con, positive(row.get("wattage")), report),
            eps_8pin=int(num(con.get("eps_8_pin")) or 0) if con else None,
        ))
        report.keep(SRC + ":psu")
    return out


MIN_WATTS_WITH_PCIE_LEADS = 450  # an ATX PSU this big without a single PCIe lead is a data gap


def _psu_connectors(con: dict[str, Any], watts: float | None, report: ImportReport) -> PowerConnectors | None:
    """All-zero PCIe leads on a big PSU is a missing fact (the checker and planner must agree)."""
    if not con:
        return None
    leads = PowerConnectors(pcie_8pin=int(num(con.get("pcie_6_plus_2_pin")) or 0),
                            pcie_12vhpwr=int(num(con.get("pcie_12vhpwr")) or 0))
    if leads.total == 0 and (watts or 0) >= MIN_WATTS_WITH_PCIE_LEADS:
        report.correct(SRC + ":psu", "no PCIe leads on a PSU of 450 W or more: made unknown")
        return None
    return leads


def cases(path: Path, report: ImportReport, ids: IdMaker) -> list[Case]:
    out = []
    for row in read_jsonl(path):
        out.append(Case(
            **_base(row, "case", ids), form_factor=row.get("form_factor") or None,
            board_form_factors=tuple(dict.fromkeys(
                f for f in (form_factor(x) for x in row.get("supported_motherboard_form_factors") or []) if f)),
            expansion_slots=int(num(row.get("expansion_slots")) or 0) or None,
            max_gpu_length_mm=positive(row.get("max_video_card_length")),
            max_cooler_height_mm=positive(row.get("max_cpu_cooler_height")),
            psu_form_factors=tuple(row.get("supported_power_supply_form_factors") or ()),
        ))
        report.keep(SRC + ":case")
    return out


def coolers(path: Path, report: ImportReport, ids: IdMaker) -> list[CpuCooler]:
    out = []
    for row in read_jsonl(path):
        sockets = tuple(dict.fromkeys(s for s in (clean_socket(x) for x in row.get("cpu_sockets") or []) if s))
        out.append(CpuCooler(
            **_base(row, "cooler", ids), height_mm=positive(row.get("height")), sockets=sockets,
            water_cooled=row.get("water_cooled"), radiator_mm=int(num(row.get("radiator_size")) or 0) or None,
        ))
        report.keep(SRC + ":cooler")
    return out


Reader = Callable[[Path, ImportReport, IdMaker], Iterable[Part]]
READERS: dict[str, tuple[str, Reader]] = {
    "cpu": ("CPU.jsonl", cpus), "motherboard": ("Motherboard.jsonl", motherboards),
    "memory": ("RAM.jsonl", memory_kits), "storage": ("Storage.jsonl", storage),
    "psu": ("PSU.jsonl", psus), "case": ("PCCase.jsonl", cases),
    "cooler": ("CPUCooler.jsonl", coolers)}


def read_platform(folder: Path, report: ImportReport, ids: IdMaker) -> dict[str, list[Part]]:
    return {cat: list(reader(folder / fname, report, ids)) for cat, (fname, reader) in READERS.items()}
