"""PCPartPicker listings (docyx/pc-part-dataset, MIT): US street prices of 2025-07-23.

Each listing is joined to a BuildCores part by name (exact key, then an unambiguous
token-set match); a listing with no match becomes a part of its own with the few fields
the listing has, so its price is not lost. Video cards also carry their chipset, which
links them to a GPU chip; a chip's street price is its cheapest listing.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from dlrig.catalog.models import (
    Case,
    Cpu,
    CpuCooler,
    Gpu,
    MemoryKit,
    Motherboard,
    Part,
    Psu,
    Storage,
    StorageKind,
)
from dlrig.catalog.names import key
from dlrig.sources.buildcores import efficiency_tier, form_factor, storage_interface
from dlrig.sources.common import ChipIndex, IdMaker, ImportReport, clean_socket, num, positive
from dlrig.sources.matching import Matcher, strict_key

SRC = "docyx"
PRICE_DATE = "2025-07-23"
FILES = {"gpu": "video-card.csv", "cpu": "cpu.csv", "motherboard": "motherboard.csv",
         "memory": "memory.csv", "storage": "internal-hard-drive.csv", "psu": "power-supply.csv",
         "case": "case.csv", "cooler": "cpu-cooler.csv"}


def read(folder: Path, catalog: dict[str, list[Part]], chips: ChipIndex, report: ImportReport,
         ids: IdMaker) -> tuple[dict[str, list[Part]], list[dict[str, Any]]]:
    """New docyx-only parts per category, and the street-2025-07 price rows."""
    new_parts: dict[str, list[Part]] = defaultdict(list)
    prices: dict[str, dict[str, Any]] = {}
    chip_best: dict[str, dict[str, Any]] = {}
    for cat, fname in FILES.items():
        matcher = Matcher(catalog.get(cat, []), cat)
        own: dict[str, str] = {}  # key of a listing-only part's name -> its id (colours merge)
        with (folder / fname).open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                row["name"] = full_name(cat, row)
                price = positive(row.get("price"))
                color = row.get("color") or ""
                chip = chips.get(row.get("chipset") or "") if cat == "gpu" else None
                if cat == "gpu" and chip is None:
                    report.drop(f"{SRC}:{cat}", "GPU chipset not in the GPU catalog (old or mobile)")
                    continue
                chip_id = chip.id if chip else None
                facts = {"length_mm": positive(row.get("length")) if cat == "gpu" else None,
                         "wattage_w": positive(row.get("wattage")) if cat == "psu" else None}
                part_id = (matcher.find(row["name"], f"{row['name']} {color}", chip_id=chip_id, facts=facts)
                           if price else None)
                if part_id is None and strict_key(row["name"]) in own:
                    part_id = own[strict_key(row["name"])]
                    report.drop(f"{SRC}:{cat}", "same name as another listing (colour variants, repeats): merged")
                elif part_id is None:
                    part = _own_part(cat, row, chips, ids)
                    if part is None:
                        report.drop(f"{SRC}:{cat}", "GPU chipset not in the GPU catalog (old or mobile)")
                        continue
                    new_parts[cat].append(part)
                    part_id = own[strict_key(row["name"])] = part.id
                    report.keep(f"{SRC}:{cat}")
                else:
                    report.correct(f"{SRC}:{cat}", "listing joined to a BuildCores part")
                if price is None:
                    continue
                entry = {"part_id": part_id, "usd": price, "date": PRICE_DATE, "source": SRC,
                         "retailer": "PCPartPicker lowest US price", "listing": row["name"]}
                if part_id not in prices or price < prices[part_id]["usd"]:
                    prices[part_id] = entry
                if cat == "gpu":
                    chip = chips.get(row.get("chipset") or "")
                    if chip and (chip.id not in chip_best or price < chip_best[chip.id]["usd"]):
                        chip_best[chip.id] = {**entry, "part_id": chip.id,
                                              "note": f"cheapest listing: {row['name']}"}
    rows = [*prices.values(), *({k: v for k, v in e.items() if k != "listing"} for e in chip_best.values())]
    report.checks["street_prices"] = {"parts": len(prices), "gpu_chips": len(chip_best)}
    return new_parts, rows


def full_name(cat: str, row: dict[str, str]) -> str:
    """Listings name a product line ("Samsung 870 QVO", "MSI VENTUS 3X OC"); the size or the
    chip is in another column."""
    name = " ".join(row["name"].split())
    if cat == "gpu" and row.get("chipset") and key(row["chipset"]) not in key(name):
        return f"{name} {row['chipset']}"
    if cat == "storage" and positive(row.get("capacity")):
        gb = positive(row["capacity"]) or 0
        size = f"{gb / 1000:g}TB" if gb >= 1000 else f"{gb:g}GB"
        return name if key(size) and size.lower() in name.lower() else f"{name} {size}"
    if cat == "memory":
        gen, speed = _pair(row.get("speed"))
        count, module_gb = _pair(row.get("modules"))
        if gen and speed and count and module_gb:
            return f"{name} ({int(count)} x {module_gb:g}GB) DDR{int(gen)}-{int(speed)}"
    return name


def _own_part(cat: str, row: dict[str, str], chips: ChipIndex, ids: IdMaker) -> Part | None:
    name = " ".join(row["name"].split())
    base: dict[str, Any] = {"name": name, "vendor": name.split()[0], "src": SRC}
    if cat == "gpu":
        chip = chips.get(row.get("chipset") or "")
        if chip is None:
            return None
        return Gpu(**base, id=ids("gpu/card", name), chip_id=chip.id, kind=chip.kind,
                   vram_gb=positive(row.get("memory")), length_mm=positive(row.get("length")))
    builder = _BUILDERS[cat]
    return builder(base, row, ids)


def _pair(text: str | None) -> tuple[float | None, float | None]:
    parts = (text or "").split(",")
    if len(parts) != 2:
        return None, None
    return num(parts[0]), num(parts[1])


def _cpu(base: dict[str, Any], row: dict[str, str], ids: IdMaker) -> Part:
    return Cpu(**base, id=ids("cpu", base["name"]), cores=int(num(row.get("core_count")) or 0) or None,
               tdp_w=positive(row.get("tdp")), microarchitecture=row.get("microarchitecture") or None)


def _board(base: dict[str, Any], row: dict[str, str], ids: IdMaker) -> Part:
    return Motherboard(**base, id=ids("motherboard", base["name"]), socket=clean_socket(row.get("socket")),
                       form_factor=form_factor(row.get("form_factor")),
                       max_memory_gb=positive(row.get("max_memory")),
                       memory_slots=int(num(row.get("memory_slots")) or 0) or None)


def _memory(base: dict[str, Any], row: dict[str, str], ids: IdMaker) -> Part:
    gen, speed = _pair(row.get("speed"))
    count, size = _pair(row.get("modules"))
    return MemoryKit(**base, id=ids("memory", base["name"]), memory_type=f"DDR{int(gen)}" if gen else None,
                     speed_mt_s=int(speed) if speed else None, modules=int(count) if count else None,
                     module_gb=size)


def _storage(base: dict[str, Any], row: dict[str, str], ids: IdMaker) -> Part:
    kind_raw = row.get("type") or ""
    interface, gen = storage_interface(re.sub(r"X(\d)", r"x\1", row.get("interface") or ""))
    rpm = int(num(kind_raw) or 0) or None
    kind: StorageKind | None = "ssd" if kind_raw == "SSD" else "hdd" if rpm else None
    return Storage(**base, id=ids("storage", base["name"]), capacity_gb=positive(row.get("capacity")),
                   kind=kind, interface=interface, pcie_gen=gen, rpm=rpm,
                   form_factor=row.get("form_factor") or None)


def _psu(base: dict[str, Any], row: dict[str, str], ids: IdMaker) -> Part:
    return Psu(**base, id=ids("psu", base["name"]), wattage_w=positive(row.get("wattage")),
               efficiency=efficiency_tier(f"80+ {row.get('efficiency')}") if row.get("efficiency") else None,
               form_factor=row.get("type") or None, modular=row.get("modular") or None)


def _case(base: dict[str, Any], row: dict[str, str], ids: IdMaker) -> Part:
    return Case(**base, id=ids("case", base["name"]), form_factor=row.get("type") or None)


def _cooler(base: dict[str, Any], row: dict[str, str], ids: IdMaker) -> Part:
    rad = int(num(row.get("size")) or 0) or None
    return CpuCooler(**base, id=ids("cooler", base["name"]), radiator_mm=rad,
                     water_cooled=True if rad else None)


_BUILDERS = {"cpu": _cpu, "motherboard": _board, "memory": _memory, "storage": _storage,
             "psu": _psu, "case": _case, "cooler": _cooler}
