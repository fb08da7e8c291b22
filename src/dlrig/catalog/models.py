"""Part models: what the checker, the estimator and the optimizer know about each part.

Every model is frozen; units live in field names (``vram_gb``, ``board_power_w``).
A field left ``None`` means *unknown*: no source gave it, and no tool may guess it.
``src`` names the data set a part came from and ``field_src`` records the fields
that another source filled or corrected, so ``dlrig catalog show`` can cite each figure.
Source keys are described in :mod:`dlrig.catalog.sources_info`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Category = Literal["gpu", "cpu", "motherboard", "memory", "storage", "psu", "case", "cooler"]
CATEGORIES: tuple[Category, ...] = (
    "gpu", "cpu", "motherboard", "memory", "storage", "psu", "case", "cooler",
)
Precision = Literal["fp32", "tf32", "fp16", "bf16", "fp8"]
PRECISIONS: tuple[Precision, ...] = ("fp32", "tf32", "fp16", "bf16", "fp8")
GpuKind = Literal["consumer", "workstation", "datacenter"]
Cooler = Literal["blower", "open-air", "passive", "water"]
GpuForm = Literal["pcie", "sxm", "other"]
StorageKind = Literal["ssd", "hdd", "hybrid"]
StorageInterface = Literal["nvme", "sata", "sas", "other"]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Part(Frozen):
    """What every part has: a stable id, a display name, and where its facts came from."""

    id: str
    name: str
    vendor: str | None = None
    aliases: tuple[str, ...] = ()  # part numbers and other spellings, for name resolution
    src: str  # key of the data set most fields came from
    field_src: dict[str, str] = Field(default_factory=dict)  # field -> source key, overrides
    notes: tuple[str, ...] = ()

    def source_of(self, field: str) -> str:
        return self.field_src.get(field, self.src)


class PowerConnectors(Frozen):
    """GPU power inputs, or PSU outputs. PCIe 8-pin counts 6+2 leads on a PSU."""

    pcie_6pin: int = 0
    pcie_8pin: int = 0
    pcie_12vhpwr: int = 0  # 12VHPWR and 12V-2x6: up to 600 W each
    eps_8pin: int = 0  # some workstation cards (RTX A6000) take a CPU-style EPS 8-pin

    @property
    def total(self) -> int:
        return self.pcie_6pin + self.pcie_8pin + self.pcie_12vhpwr


class Gpu(Part):
    """A GPU chip (reference figures) or a board-partner card linked to its chip by ``chip_id``.

    FLOP/s are dense (never 2:4 sparsity). ``fp16_tflops`` and ``bf16_tflops`` are the
    tensor-core rates with FP32 accumulate, which is what training uses; GeForce spec sheets
    quote FP16 accumulate, twice as high (docs/domain.md section 2).
    """

    category: Literal["gpu"] = "gpu"
    chip_id: str | None = None  # set on board-partner cards
    kind: GpuKind | None = None
    architecture: str | None = None
    release_date: dt.date | None = None
    vram_gb: float | None = None
    memory_bandwidth_gb_s: float | None = None
    fp64_tflops: float | None = None
    fp32_tflops: float | None = None
    tf32_tflops: float | None = None
    fp16_tflops: float | None = None
    bf16_tflops: float | None = None
    fp8_tflops: float | None = None
    board_power_w: float | None = None
    # a chip's: lowest and highest board power of its reference board and its partner cards'
    # own figures (``board_power_cards`` of them); a card without its own figure is sized by the top
    board_power_range_w: tuple[float, float] | None = None
    board_power_cards: int | None = None
    length_mm: float | None = None
    slot_width: float | None = None
    cooler: Cooler | None = None
    power_connectors: PowerConnectors | None = None
    pcie_gen: float | None = None
    pcie_lanes: int | None = None
    nvlink: bool | None = None
    form: GpuForm | None = None
    dual_gpu: bool = False  # one board, several GPUs (Tesla K80): figures are per board
    gpus_per_board: int = 1  # GPUs on the board (Tesla K80: 2, Tesla M10: 4); each sees vram_gb / this

    def tflops(self, precision: Precision) -> float | None:
        return getattr(self, f"{precision}_tflops")


class Cpu(Part):
    category: Literal["cpu"] = "cpu"
    socket: str | None = None
    cores: int | None = None
    threads: int | None = None
    tdp_w: float | None = None
    pcie_lanes: int | None = None  # lanes from the CPU usable by slots and M.2
    pcie_gen: float | None = None
    memory_types: tuple[str, ...] = ()
    memory_channels: int | None = None
    max_memory_gb: float | None = None
    ecc_support: bool | None = None  # the CPU's memory controller takes ECC modules
    release_year: int | None = None
    launch_quarter: str | None = None  # "2014-Q3"
    microarchitecture: str | None = None


class Slot(Frozen):
    """One expansion-slot position on a board, counted from the top (nearest the CPU), 1-based.

    ``size`` is the physical connector (x16 long, x1 short); ``lanes`` the electrical width
    when nothing it shares with is used; ``lanes_shared`` its width when a slot in
    ``shares_with`` is populated. A slot's physical size says nothing of its wiring.
    """

    position: int
    size: int
    lanes: int
    lanes_shared: int | None = None
    shares_with: tuple[int, ...] = ()
    gen: float | None = None
    via: Literal["cpu", "chipset"] | None = None
    # On platforms whose CPUs differ in lane count (X99: 28 or 40), the width with a CPU of
    # that many lanes, e.g. {28: 8}: with a 28-lane CPU this slot runs at x8.
    lanes_by_cpu_lanes: dict[int, int] = Field(default_factory=dict)


class SlotSummary(Frozen):
    """BuildCores' count of slots by generation and width, without positions."""

    gen: float | None = None
    quantity: int
    lanes: int


class Motherboard(Part):
    category: Literal["motherboard"] = "motherboard"
    socket: str | None = None
    chipset: str | None = None
    form_factor: str | None = None
    memory_type: str | None = None
    memory_slots: int | None = None
    max_memory_gb: float | None = None
    ecc_support: bool | None = None  # takes ECC memory (BuildCores); False: unbuffered non-ECC only
    slots: tuple[Slot, ...] = ()  # ordered slot map, when a curated source gives one
    # False when a source gave the slots' order and wiring but not their exact positions:
    # placement of wide cards is then reported as unchecked.
    slot_positions_known: bool | None = None
    slot_summary: tuple[SlotSummary, ...] = ()
    m2_slots: int | None = None
    release_year: int | None = None


class MemoryKit(Part):
    category: Literal["memory"] = "memory"
    memory_type: str | None = None
    speed_mt_s: int | None = None
    modules: int | None = None
    module_gb: float | None = None
    ecc: bool | None = None
    registered: bool | None = None

    @property
    def total_gb(self) -> float | None:
        if self.modules is None or self.module_gb is None:
            return None
        return self.modules * self.module_gb


class Storage(Part):
    category: Literal["storage"] = "storage"
    capacity_gb: float | None = None
    kind: StorageKind | None = None
    interface: StorageInterface | None = None
    pcie_gen: float | None = None
    form_factor: str | None = None
    rpm: int | None = None
    seq_read_mb_s: float | None = None
    random_reads_per_s: float | None = None


class Psu(Part):
    category: Literal["psu"] = "psu"
    wattage_w: float | None = None
    efficiency: str | None = None  # 80 PLUS tier: "titanium", "platinum", "gold", ...
    form_factor: str | None = None
    length_mm: float | None = None
    modular: str | None = None
    connectors: PowerConnectors | None = None
    eps_8pin: int | None = None


class Case(Part):
    category: Literal["case"] = "case"
    form_factor: str | None = None
    board_form_factors: tuple[str, ...] = ()
    expansion_slots: int | None = None
    max_gpu_length_mm: float | None = None
    max_psu_length_mm: float | None = None
    max_cooler_height_mm: float | None = None
    psu_form_factors: tuple[str, ...] = ()


class CpuCooler(Part):
    category: Literal["cooler"] = "cooler"
    height_mm: float | None = None
    sockets: tuple[str, ...] = ()
    water_cooled: bool | None = None
    radiator_mm: int | None = None


AnyPart = Annotated[
    Gpu | Cpu | Motherboard | MemoryKit | Storage | Psu | Case | CpuCooler,
    Field(discriminator="category"),
]

MODEL_BY_CATEGORY: dict[str, type[Part]] = {
    "gpu": Gpu, "cpu": Cpu, "motherboard": Motherboard, "memory": MemoryKit,
    "storage": Storage, "psu": Psu, "case": Case, "cooler": CpuCooler,
}


class Price(Frozen):
    """One dated price of one part, with where it came from."""

    part_id: str
    usd: float
    date: dt.date
    source: str
    retailer: str | None = None
    label: str | None = None  # how the book itself names the part ("Tesla K40")
    note: str | None = None  # e.g. "filled from launch price: the post gives none"


class BundleMember(Frozen):
    part_id: str
    count: int = Field(default=1, ge=1)


class Bundle(Frozen):
    """One dated price for a group of parts bought together ("the base computer is $1,400").

    The quote says what the group cost, not how that splits between its parts, so no part of
    a bundle ever gets a price of its own from it (dlrig.cost.purchase applies it as one line).
    """

    name: str
    members: tuple[BundleMember, ...] = Field(min_length=1)
    usd: float = Field(gt=0)
    date: dt.date
    source: str
    quote: str | None = None  # the source's own words, where it has them
    note: str | None = None


class PriceBookInfo(Frozen):
    name: str
    description: str
    source: str
    date: dt.date | None = None  # the book's own date, when all its prices share one
    ordered: bool = False  # the book reproduces a published table: list in the book's order
