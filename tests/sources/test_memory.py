"""Registered (RDIMM) memory told by its name: the pure detector and the import step."""

from __future__ import annotations

import pytest

from dlrig.catalog.models import MemoryKit
from dlrig.sources.common import ImportReport
from dlrig.sources.memory import REPORT_KEY, mark_registered, registered_evidence


@pytest.mark.parametrize("name", [
    "Samsung M393A2G40EB1-CRC Registered Black / Green DDR4-2400 CL17 16GB (1x16GB)",
    "Kingston Server Premier Registered DDR4-3200 CL22 32GB (1x32GB)",
    "V-Color ECC Registered DIMM 512GB (8x64GB) DDR5 5600 CL36 Black",
    "Micron 64GB DDR4-3200 RDIMM 2Rx4",
    "Samsung 128GB DDR4-2666 LRDIMM",
    "Hynix 64GB DDR4 Load Reduced ECC",
    "Crucial 16GB DDR4-2400 ECC REG",
    "Crucial 16GB DDR4-2400 ECC Reg",
    "Samsung DDR4 2133MHz CL15 16GB RegECC 2Rx4 M393A2G40EB1-CPB",
    "Samsung M393A2G40EB1-CRC 16 GB (1 x 16GB) DDR4-2400",  # docyx: only the part number
    "Samsung M393B2G70DB0-YK0 16 GB",  # DDR3
])
def test_names_that_say_registered(name: str) -> None:
    assert registered_evidence(name) is not None


@pytest.mark.parametrize("name", [
    "G.Skill Ripjaws V Black DDR4-3600 CL14 32GB (2x16GB)",
    "Innodisk DDR5 ECC UDIMM DDR5-5600 16GB (1x16GB)",  # ECC but unbuffered
    "Kingston 16GB DDR4 Non-Registered ECC",
    "Kingston 16GB DDR4 Unregistered",
    "Corsair Vengeance LPX 16GB (2 x 8GB) DDR4-3200 CMK16GX4M2B3200C16",
    "Samsung M378A2K43CB1-CTD 16GB",  # M378: unbuffered DIMM
    "Corsair Vengeance 64 GB (2 x 32GB) DDR5-6000 CMK64GX5M2B6000C30",
])
def test_names_that_do_not(name: str) -> None:
    assert registered_evidence(name) is None


def test_an_alias_counts() -> None:
    assert registered_evidence("Samsung 16 GB DDR4-2400", "M393A2G40EB1-CRC") is not None


def kit(**update: object) -> MemoryKit:
    base = MemoryKit(id="memory/x", name="Samsung M393A2G40EB1-CRC 16 GB", src="docyx",
                     memory_type="DDR4", modules=1, module_gb=16)
    return base.model_copy(update=update)


def test_the_name_wins_over_an_unbuffered_flag_and_is_cited() -> None:
    report = ImportReport()
    (out,) = mark_registered([kit(registered=False, ecc=False, src="buildcores")], report)
    assert isinstance(out, MemoryKit) and out.registered is True and out.ecc is True
    assert out.source_of("registered").startswith("name: Samsung part number M393A2G40EB1-CRC:")
    assert out.source_of("ecc") == out.source_of("registered")
    assert out.source_of("memory_type") == "buildcores"
    corrected = report.corrected[REPORT_KEY]
    assert corrected["registered (RDIMM) by its name: the data set said unbuffered"] == 1
    assert corrected["ECC, being registered: the data set said non-ECC"] == 1


def test_unknown_flags_are_filled_and_known_ones_left() -> None:
    report = ImportReport()
    filled, kept, plain = mark_registered(
        [kit(), kit(registered=True, ecc=True, src="buildcores"),
         kit(name="G.Skill Ripjaws 4 16 GB", registered=False)], report)
    assert filled.registered is True and filled.field_src  # type: ignore[attr-defined]
    assert kept.field_src == {}
    assert plain.registered is False  # type: ignore[attr-defined]
    assert sum(report.corrected[REPORT_KEY].values()) == 2  # registered and ECC of the first


def test_a_second_listing_of_the_same_module_is_registered_by_its_part_number() -> None:
    from dlrig.catalog.models import MemoryKit
    from dlrig.sources.common import ImportReport
    from dlrig.sources.memory import mark_registered

    named = MemoryKit(id="memory/bc", name="Samsung M386A4G40DM0-CPB Black / Green Registered DDR4-2133 32GB",
                      src="buildcores", aliases=("M386A4G40DM0-CPB", "107938"), registered=False, ecc=False)
    listing = MemoryKit(id="memory/docyx", name="Samsung M386A4G40DM0-CPB 32 GB", src="docyx")
    other = MemoryKit(id="memory/other", name="Corsair Vengeance LPX 32 GB", src="docyx")
    out = {k.id: k for k in mark_registered([named, listing, other], ImportReport())}
    assert out["memory/bc"].registered and out["memory/docyx"].registered and out["memory/docyx"].ecc
    assert "the same module as" in out["memory/docyx"].field_src["registered"]
    assert out["memory/other"].registered is None  # "107938" alone is no part number match for it


def test_an_alias_of_a_registered_kit_does_not_mark_another_module() -> None:
    """BuildCores lists the unbuffered M378A2K43CB1-CTD among an M393 RDIMM's aliases."""
    from dlrig.catalog.models import MemoryKit
    from dlrig.sources.common import ImportReport
    from dlrig.sources.memory import mark_registered

    rdimm = MemoryKit(id="memory/rdimm", name="M393A2K43CB2-CTD6Q Samsung 16GB DDR4 PC4-21300 Registered",
                      src="buildcores", aliases=("M378A2K43CB1-CTD",))
    udimm = MemoryKit(id="memory/udimm", name="Samsung M378A2K43CB1-CTD 16 GB DDR4 2666 MHz", src="docyx")
    out = {k.id: k for k in mark_registered([rdimm, udimm], ImportReport())}
    assert out["memory/rdimm"].registered and out["memory/udimm"].registered is None


def test_a_speed_in_a_registered_kits_name_is_not_a_part_number() -> None:
    from dlrig.catalog.models import MemoryKit
    from dlrig.sources.common import ImportReport
    from dlrig.sources.memory import mark_registered

    rdimm = MemoryKit(id="memory/r", name="Kingston Server Premier DDR5-5600 Registered 32GB", src="buildcores",
                      aliases=("DDR5-5600",))
    desktop = MemoryKit(id="memory/d", name="Innodisk DDR5 UDIMM DDR5-5600 32GB (1x32GB) CL36", src="buildcores")
    out = {k.id: k for k in mark_registered([rdimm, desktop], ImportReport())}
    assert out["memory/d"].registered is None
