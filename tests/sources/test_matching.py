"""Joining listings to catalog parts, and facts shared by a model's variants (sources/matching.py)."""

from __future__ import annotations

from dlrig.catalog.models import Case, Gpu, PowerConnectors, Psu
from dlrig.sources.common import ImportReport
from dlrig.sources.matching import Matcher, fill_from_variants


def card(name: str, **fields: object) -> Gpu:
    return Gpu(id=f"gpu/card/{name.lower().replace(' ', '-')}", name=name, src="buildcores",
               chip_id="gpu/rtx-4060-ti", **fields)  # type: ignore[arg-type]


def test_a_listing_is_the_part_named_as_it_plus_colour_and_memory_words():
    exact = card("MSI GAMING X GeForce RTX 4060 Ti 16GB GDDR6 Black", slot_width=2.5, length_mm=338)
    slim = card("MSI GeForce RTX 4060 Ti GAMING X SLIM 16G GDDR6", slot_width=2.0, length_mm=307)
    other_maker = card("PNY GeForce RTX 4060 Ti XLR8 Gaming VERTO EPIC-X RGB OC 16GB GDDR6 Black")
    m = Matcher([exact, slim, other_maker], "gpu")
    assert m.find("MSI GAMING X GeForce RTX 4060 Ti", chip_id="gpu/rtx-4060-ti") == exact.id
    # the listing's own length disagrees with the only candidate: not the same card
    assert m.find("MSI GAMING X GeForce RTX 4060 Ti", chip_id="gpu/rtx-4060-ti",
                  facts={"length_mm": 250.0}) is None


def test_colour_variants_join_the_one_with_most_facts():
    bare = Case(id="case/a", name="Fractal Design Meshify 2 Dark Tint Black", src="buildcores")
    rich = Case(id="case/b", name="Fractal Design Meshify 2 ATX Mid Tower Case", src="buildcores",
                max_gpu_length_mm=467, board_form_factors=("ATX", "E-ATX"), expansion_slots=7)
    assert Matcher([bare, rich], "case").find("Fractal Design Meshify 2") == "case/b"


def test_a_psu_listing_needs_the_same_wattage():
    p850 = Psu(id="psu/a", name="Super Flower Zillion FG Black 850W Fully Modular 80+ Gold", src="buildcores",
               wattage_w=850)
    p1050 = Psu(id="psu/b", name="Super Flower Zillion FG Black 1050W Fully Modular 80+ Gold", src="buildcores",
                wattage_w=1050)
    m = Matcher([p850, p1050], "psu")
    assert m.find("Super Flower Zillion FG", facts={"wattage_w": 850.0}) == "psu/a"
    assert m.find("Super Flower Zillion FG", facts={"wattage_w": 750.0}) is None


def test_a_variant_fills_what_its_sibling_lacks_with_a_citation():
    black = Psu(id="psu/a", name="Corsair RM750x (2018) Black 750W", src="buildcores", wattage_w=750,
                connectors=PowerConnectors(pcie_8pin=4))
    white = Psu(id="psu/b", name="Corsair RM750x White (2018) 750W", src="buildcores", wattage_w=750)
    other = Psu(id="psu/c", name="Corsair RM750x (2018) 650W", src="buildcores", wattage_w=650)
    out = fill_from_variants([black, white, other], ("connectors",), ("wattage_w",), ImportReport(), "t")
    assert out[1].connectors == PowerConnectors(pcie_8pin=4)  # type: ignore[attr-defined]
    assert "same model: Corsair RM750x (2018) Black 750W" in out[1].source_of("connectors")
    assert out[2].connectors is None  # type: ignore[attr-defined]  # another wattage: another PSU
