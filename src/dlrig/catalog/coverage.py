"""Coverage: the share of priced parts that have each field a compatibility rule needs.

A rule can only check what the catalog knows: a board without a slot map leaves GPU-SLOTS
and PCIE-LANES "unchecked", a PSU without its lead counts leaves PSU-CONNECTORS unchecked.
Priced parts are the ones plans and users pick, so coverage is measured among them. The
importer writes these figures into ``import_report.json`` (``dlrig catalog stats`` prints
them) and ``tests/catalog/test_coverage.py`` keeps each one from going down.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from dlrig.catalog.models import Gpu, Motherboard, Part

# Field -> the rules that need it, per category. "gpu" counts board-partner cards (what a
# user buys); "gpu chips" the reference chips the estimator and the ranking use.
RULE_FIELDS: dict[str, dict[str, str]] = {
    "gpu": {"slot_width": "GPU-SLOTS, COOLING-STACK", "board_power_w": "PSU-WATTS",
            "power_connectors": "PSU-CONNECTORS", "length_mm": "GPU-LENGTH",
            "cooler": "COOLING-STACK", "vram_gb": "VRAM-WORKLOAD, RAM-VRAM"},
    "gpu chips": {"vram_gb": "VRAM-WORKLOAD", "memory_bandwidth_gb_s": "estimate",
                  "bf16_tflops": "estimate", "board_power_w": "PSU-WATTS"},
    "cpu": {"socket": "SOCKET", "pcie_lanes": "PCIE-LANES", "memory_types": "MEMORY-TYPE",
            "memory_channels": "MEMORY-SLOTS", "max_memory_gb": "MEMORY-SLOTS",
            "tdp_w": "PSU-WATTS", "cores": "CPU-CORES-PER-GPU"},
    "motherboard": {"socket": "SOCKET", "form_factor": "FORM-FACTOR", "memory_type": "MEMORY-TYPE",
                    "memory_slots": "MEMORY-SLOTS", "max_memory_gb": "MEMORY-SLOTS",
                    "ecc_support": "MEMORY-REGISTERED", "slot_count": "GPU-SLOTS",
                    "slots": "PCIE-LANES, GPU-SLOTS", "slot_positions": "GPU-SLOTS"},
    "psu": {"wattage_w": "PSU-WATTS", "connectors": "PSU-CONNECTORS", "length_mm": "PSU-LENGTH",
            "form_factor": "FORM-FACTOR", "efficiency": "WALL-CIRCUIT"},
    "case": {"board_form_factors": "FORM-FACTOR", "max_gpu_length_mm": "GPU-LENGTH",
             "expansion_slots": "GPU-SLOTS", "max_psu_length_mm": "PSU-LENGTH",
             "max_cooler_height_mm": "COOLER-HEIGHT", "psu_form_factors": "FORM-FACTOR"},
    "memory": {"memory_type": "MEMORY-TYPE", "modules": "MEMORY-SLOTS", "module_gb": "MEMORY-SLOTS",
               "registered": "MEMORY-REGISTERED"},
    "storage": {"capacity_gb": "STORAGE-CAPACITY", "kind": "STORAGE-THROUGHPUT",
                "seq_read_mb_s": "STORAGE-THROUGHPUT"},
    "cooler": {"height_mm": "COOLER-HEIGHT", "sockets": "SOCKET"},
}


@dataclass(frozen=True)
class Coverage:
    """How many of a category's priced parts have a field."""

    category: str
    field: str
    rules: str
    have: int
    priced: int

    @property
    def share(self) -> float:
        return self.have / self.priced if self.priced else 0.0

    def as_json(self) -> dict[str, Any]:
        return {"category": self.category, "field": self.field, "rules": self.rules, "have": self.have,
                "priced": self.priced, "share": round(self.share, 4)}


def has(part: Part, field: str) -> bool:
    """Whether the part knows the field (derived fields for boards: slot count and positions)."""
    if isinstance(part, Motherboard):
        if field == "slot_count":
            return bool(part.slots or part.slot_summary)
        if field == "slot_positions":
            return bool(part.slots) and part.slot_positions_known is not False
    value = getattr(part, field, None)
    return value not in (None, (), [], "")


def category_of(part: Part) -> str:
    if isinstance(part, Gpu):
        return "gpu" if part.chip_id else "gpu chips"
    return part.id.split("/", 1)[0]


def coverage(parts: Iterable[Part], priced: set[str]) -> list[Coverage]:
    """Per category and rule field, how many priced parts have it."""
    have: dict[tuple[str, str], int] = {}
    counts: dict[str, int] = {}
    for part in parts:
        if part.id not in priced:
            continue
        cat = category_of(part)
        counts[cat] = counts.get(cat, 0) + 1
        for field in RULE_FIELDS.get(cat, {}):
            if has(part, field):
                have[(cat, field)] = have.get((cat, field), 0) + 1
    return [Coverage(cat, field, rules, have.get((cat, field), 0), counts.get(cat, 0))
            for cat, fields in RULE_FIELDS.items() for field, rules in fields.items()]
