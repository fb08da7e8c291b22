"""What a board-partner card inherits from its chip, and what it does not.

TechPowerUp's figures for a chip are its reference board's: NVIDIA's Founders Edition, AMD's
reference card, the maker's own board for professional GPUs. A partner card built to that
design has the same slot width, board power and power inputs:

- cards named "Founders Edition" or "Reference";
- professional (workstation) cards: NVIDIA's RTX/Quadro and AMD's Radeon Pro boards are built to
  the chip maker's design and sold by its partners (PNY, Leadtek, the PC makers);
- blower cards of a reference board: they keep its power and power inputs, and its slot width
  where the reference board is dual-slot (a blower is at most dual-slot; a triple-slot
  Founders Edition's width says nothing of its blower sibling).

These take the chip's figures where the card's own data set has none, cited as "reference
design". Every other partner card keeps its own length, thickness, cooler and board power, or
none: factory-overclocked cards draw more than the reference and are longer and thicker.
What is the same for every card of a chip (memory, FLOP/s, bandwidth) is read from the chip
when the catalog is queried (:meth:`dlrig.catalog.store.Catalog.chip_of`), together with the
chip's board power range over its sourced cards, computed here.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from dlrig.catalog.models import Gpu, Part, PowerConnectors

REFERENCE_NAME = re.compile(r"\bfounders edition\b|\breference\b", re.I)
FULL = ("slot_width", "board_power_w", "power_connectors", "length_mm", "cooler")
BLOWER = ("board_power_w", "power_connectors")
LABEL = "reference design"


def design(card: Gpu, chip: Gpu) -> tuple[str, ...]:
    """The fields the card takes from its chip's reference board (none for a custom design)."""
    if REFERENCE_NAME.search(card.name) or (chip.kind == "workstation" and chip.vendor in ("NVIDIA", "AMD")):
        return FULL
    if card.cooler == "blower":
        return (*BLOWER, "slot_width") if chip.slot_width == 2 else BLOWER
    return ()


def inherit(cards: list[Part], chips: dict[str, Gpu], report: Any) -> list[Part]:
    """Reference-design cards get the chip's figures they lack, cited as the reference design."""
    out = []
    for card in cards:
        chip = chips.get(getattr(card, "chip_id", None) or "")
        if not isinstance(card, Gpu) or chip is None:
            out.append(card)
            continue
        fields = design(card, chip)
        update: dict[str, Any] = {}
        cite = f"{LABEL}: {chip.name} ({chip.src})"
        for f in fields:
            value = getattr(chip, f)
            if value is None:
                continue
            if getattr(card, f) is None:
                update[f] = value
            elif f == "power_connectors" and _eps_misread(card.power_connectors, value):
                update[f] = value  # BuildCores has no EPS field: an EPS input reads as PCIe 8-pin
                report.correct(LABEL, "card's EPS 8-pin input listed as PCIe 8-pin: the reference board's")
        if update:
            field_src = {**card.field_src, **{f: cite for f in update}}
            card = card.model_copy(update={**update, "field_src": field_src})
            report.correct(LABEL, "partner card of the reference design: figures it lacked from its chip")
        out.append(card)
    return out


def _eps_misread(card: PowerConnectors | None, chip: PowerConnectors) -> bool:
    return bool(card and chip.eps_8pin and not card.eps_8pin and card.pcie_8pin == chip.eps_8pin
                and not card.pcie_6pin and not card.pcie_12vhpwr)


def power_ranges(chips: list[Gpu], cards: list[Part]) -> list[Gpu]:
    """Each chip's board power range: the reference figure and every card's own sourced figure.

    Inherited (reference design) figures are left out, so the range is what the cards' own
    data say; a chip with no card figure keeps no range.
    """
    watts: dict[str, list[float]] = defaultdict(list)
    for card in cards:
        if isinstance(card, Gpu) and card.chip_id and card.board_power_w and \
                not card.source_of("board_power_w").startswith(LABEL):
            watts[card.chip_id].append(card.board_power_w)
    out = []
    for chip in chips:
        seen = watts.get(chip.id)
        if seen:
            low = min([*seen, *([chip.board_power_w] if chip.board_power_w else [])])
            high = max([*seen, *([chip.board_power_w] if chip.board_power_w else [])])
            chip = chip.model_copy(update={
                "board_power_range_w": (low, high), "board_power_cards": len(seen),
                "field_src": {**chip.field_src, "board_power_range_w": "buildcores (partner cards) + reference"}})
        out.append(chip)
    return out
