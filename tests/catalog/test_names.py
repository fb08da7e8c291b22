"""Name resolution: forgiving of spelling, never silently wrong."""

from __future__ import annotations

import pytest

from dlrig.catalog.models import Cpu, Gpu, Motherboard
from dlrig.catalog.names import NameIndex, key, normalize
from dlrig.catalog.store import Catalog
from dlrig.errors import AmbiguousPart, UnknownPart


def gpu(pid: str, name: str, chip_id: str | None = None) -> Gpu:
    return Gpu(id=pid, name=name, src="test", chip_id=chip_id)


@pytest.fixture
def index() -> NameIndex:
    return NameIndex([
        gpu("gpu/titan-x", "GeForce GTX TITAN X"),
        gpu("gpu/titan-x-pascal", "TITAN X Pascal"),
        gpu("gpu/card/evga-titan-x", "EVGA GeForce GTX TITAN X 12GB Black", chip_id="gpu/titan-x"),
        gpu("gpu/4090", "GeForce RTX 4090"),
        gpu("gpu/4080", "GeForce RTX 4080"),
        gpu("gpu/4080s", "GeForce RTX 4080 SUPER"),
        Cpu(id="cpu/5820k", name="Intel Core i7-5820K", src="test", aliases=("BX80648I75820K",)),
    ])


@pytest.mark.parametrize("asked", ["GeForce GTX TITAN X", "gtx titan x", "  GTX   Titan X ",
                                   "NVIDIA GeForce GTX TITAN X", "GeForce GTX TITAN X 12GB"])
def test_forgiving_spellings_find_the_chip(index, asked):
    assert index.resolve(asked) == "gpu/titan-x"


def test_vendor_prefix_and_memory_suffix_find_the_card_or_chip(index):
    # the card's own full name finds the card; the design doc's spelling finds the chip
    assert index.resolve("EVGA GeForce GTX TITAN X 12GB Black") == "gpu/card/evga-titan-x"
    assert index.resolve("EVGA GeForce GTX TITAN X 12GB") == "gpu/titan-x"


def test_part_numbers_resolve(index):
    assert index.resolve("bx80648i75820k") == "cpu/5820k"
    assert index.resolve("intel core i7 5820k") == "cpu/5820k"


def test_ambiguous_name_lists_candidates(index):
    with pytest.raises(AmbiguousPart) as exc:
        index.resolve("titan x")  # the Maxwell and the Pascal TITAN X
    assert {"GeForce GTX TITAN X", "TITAN X Pascal"} <= set(exc.value.candidates)


def test_a_full_name_is_not_ambiguous_with_its_longer_siblings(index):
    assert index.resolve("RTX 4080") == "gpu/4080"


def test_unknown_name_suggests_closest(index):
    with pytest.raises(UnknownPart) as exc:
        index.resolve("RTX 4909")
    assert "GeForce RTX 4090" in exc.value.closest[:3]
    assert "closest" in exc.value.message


def test_key_drops_vendor_words_and_sizes():
    assert key("EVGA GeForce GTX TITAN X 12GB") == "gtx titan x"
    assert normalize("G.SKILL Ripjaws-4") == "gskill ripjaws 4"


def test_sizes_must_agree_when_the_key_drops_them():
    from dlrig.catalog.models import MemoryKit

    kits = NameIndex([
        MemoryKit(id="memory/64", name="Corsair Vengeance LPX 64GB (4 x 16GB) DDR4-3200", src="t"),
        MemoryKit(id="memory/128", name="Corsair Vengeance LPX 128GB (4 x 32GB) DDR4-3200", src="t"),
    ])
    assert kits.resolve("Vengeance LPX 64GB (4x16GB) DDR4-3200") == "memory/64"
    with pytest.raises(UnknownPart):
        kits.resolve("Corsair Vengeance LPX 32GB (2 x 16GB) DDR4-3200")  # no such kit: never the 64 or 128


@pytest.mark.parametrize("asked", ["RTX4090", "rtx4090", "GeForce RTX4090", "NVIDIA RTX4090 24GB"])
def test_a_model_number_written_against_its_word_still_resolves(index, asked):
    assert index.resolve(asked) == "gpu/4090"


def test_splitting_a_glued_name_does_not_invent_a_match(index):
    with pytest.raises(UnknownPart):
        index.resolve("RTX9999")


@pytest.mark.parametrize("asked", ["NVIDIA", "GeForce", "NVIDIA GeForce"])
def test_brand_words_alone_match_nothing(index, asked):
    """Their key is empty; an empty key must not match the one part whose own key is empty."""
    empty = NameIndex([gpu("gpu/odd", "NVIDIA GeForce"), gpu("gpu/4090", "GeForce RTX 4090")])
    with pytest.raises(UnknownPart):
        index.resolve(asked)
    assert empty.resolve("NVIDIA GeForce") == "gpu/odd"  # the exact name still finds it


def test_the_spaced_spelling_beats_a_partner_cards_glued_alias():
    index = NameIndex([gpu("gpu/3090", "GeForce RTX 3090"),
                       gpu("gpu/card/strix", "Asus ROG-STRIX-RTX3090-O24G", chip_id="gpu/3090"),
                       gpu("gpu/4080s", "GeForce RTX 4080 SUPER"), gpu("gpu/4080", "GeForce RTX 4080")])
    assert index.resolve("RTX3090") == "gpu/3090"
    assert index.resolve("rtx4080super") == "gpu/4080s"
    with pytest.raises(AmbiguousPart) as info:
        NameIndex([gpu("a", "RTX 6000 Ada"), gpu("b", "Quadro RTX 6000")]).resolve("RTX6000")
    assert "'RTX6000'" in str(info.value)  # the error quotes what the user typed


def test_parts_of_the_packaged_catalog_resolve_to_themselves_by_their_own_names():
    """A build file stores part names; each must find that part again (or, where two parts share a
    name, say the name is ambiguous), never another part. The names a glued-number split changes
    ("Corsair TX650" is not "Corsair TX 650", a SeaSonic), one in 5 of them per category."""
    from dlrig.catalog.names import GLUED
    from dlrig.catalog.store import default_catalog

    catalog, wrong = default_catalog(), []
    for category in ("gpu", "cpu", "motherboard", "memory", "storage", "psu", "case", "cooler"):
        split = [p for p in catalog.parts(category) if GLUED.sub(" ", normalize(p.name)) != normalize(p.name)]
        for part in split[::5]:
            try:
                found = catalog.resolve(part.name, category)
            except AmbiguousPart:
                continue
            if normalize(found.name) != normalize(part.name):
                wrong.append(f"{part.name} -> {found.name}")
    assert not wrong, wrong[:10]


def test_search_finds_a_model_by_the_stem_of_its_name_after_exact_words():
    """ "wrx90" is a whole word of "ASRock WRX90 WS EVO" and the start of "WRX90E-SAGE"."""
    parts = [Motherboard(id=f"motherboard/{i}", name=n, src="t") for i, n in enumerate(
        ["ASUS Pro WS WRX90E-SAGE SE", "ASRock WRX90 WS EVO", "ASUS Pro WS WRX80E-SAGE SE WIFI", "MSI X99A RAIDER"])]
    hits = NameIndex(parts).search("wrx90")
    assert [NameIndex(parts).name_of(h) for h in hits] == ["ASRock WRX90 WS EVO", "ASUS Pro WS WRX90E-SAGE SE"]


def test_the_packaged_catalog_lists_wrx90_boards_first():
    hits = Catalog().search("wrx90", limit=5)
    assert len(hits) >= 2 and all("WRX90" in p.name.upper() for p in hits[:2])
    assert all(p.id.startswith("motherboard/") for p in hits[:2])
