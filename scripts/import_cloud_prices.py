#!/usr/bin/env python3
"""Import Lambda Cloud on-demand prices into src/dlrig/cost/data/cloud_prices.csv (offline).

Input: shared/data/lambda-cloud-skypilot/lambda_cloud_vms.csv (SkyPilot catalog v7, one row per
instance type; see shared/data/PROVENANCE.md, section lambda-cloud-skypilot). Its date is
unknown: the prices match Lambda's public list of about 2025, so every row is dated "~2025"
(about 2025, unverified) and `dlrig cost` shows that. CPU-only instances are skipped.

Lambda's accelerator names are mapped to the catalog's chip names (PROVENANCE.md: "A100" is the
40 GB part, "RTX6000" the Quadro RTX 6000, not the RTX 6000 Ada). The form (PCIe / SXM) is
taken from the instance type where it says so.

Usage: python scripts/import_cloud_prices.py [SOURCE_CSV] [OUT_CSV]
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT.parent / "shared" / "data" / "lambda-cloud-skypilot" / "lambda_cloud_vms.csv"
OUT = ROOT / "src" / "dlrig" / "cost" / "data" / "cloud_prices.csv"
DATE = "~2025"
SOURCE_NOTE = ("Lambda Cloud on-demand list via skypilot-org/skypilot-catalog catalogs/v7/lambda/vms.csv "
               "@11580132; date unknown, about 2025 (NOTICE.md)")

# Lambda accelerator name -> catalog chip name (TechPowerUp spelling); per instance-type form.
CHIPS = {
    "V100": "Tesla V100 SXM2 16 GB",
    "A6000": "RTX A6000",
    "RTX6000": "Quadro RTX 6000",
    "A10": "A10 PCIe",
    "A100": "A100 SXM4 40 GB",
    "A100-80GB": "A100 SXM4 80 GB",
    "H100": "H100 SXM5 80 GB",
    "GH200": "GH200",
}
PCIE_CHIPS = {"A100": "A100 PCIe 40 GB", "H100": "H100 PCIe 80 GB"}
COLUMNS = ("provider", "instance_type", "gpu", "gpu_chip", "gpu_count", "vram_gb_per_gpu", "vcpus",
           "memory_gib", "usd_per_hour", "pricing", "date", "source", "note")


def chip_for(accelerator: str, instance_type: str) -> str:
    """The catalog chip; a plain 'gpu_1x_a100' or 'gpu_1x_h100_pcie' is the PCIe card."""
    if accelerator in PCIE_CHIPS and ("pcie" in instance_type or instance_type == "gpu_1x_a100"):
        return PCIE_CHIPS[accelerator]
    return CHIPS.get(accelerator, accelerator)


def convert(row: dict[str, str]) -> dict[str, str] | None:
    if not row["accelerator_name"] or int(row["accelerator_count"] or 0) == 0:
        return None
    vram_gb = float(row["gpu_memory_mib_per_gpu"]) / 1024 if row["gpu_memory_mib_per_gpu"] else None
    note = "form (PCIe/SXM) inferred from the instance type; unverified" \
        if row["accelerator_name"] in ("V100", "A100", "H100") else ""
    return {
        "provider": "lambda", "instance_type": row["instance_type"], "gpu": row["accelerator_name"],
        "gpu_chip": chip_for(row["accelerator_name"], row["instance_type"]),
        "gpu_count": row["accelerator_count"], "vram_gb_per_gpu": f"{vram_gb:g}" if vram_gb else "",
        "vcpus": row["vcpus"], "memory_gib": row["memory_gib"], "usd_per_hour": row["price_usd_per_hour"],
        "pricing": "on-demand", "date": DATE, "source": SOURCE_NOTE, "note": note,
    }


def main(argv: list[str]) -> int:
    source = Path(argv[1]) if len(argv) > 1 else SOURCE
    out = Path(argv[2]) if len(argv) > 2 else OUT
    with source.open(encoding="utf-8") as fh:
        rows = [r for r in (convert(row) for row in csv.DictReader(fh)) if r]
    with out.open("w", encoding="utf-8", newline="") as fh:
        fh.write("# Cloud GPU prices for `dlrig cost`; written by scripts/import_cloud_prices.py.\n"
                 "# Columns: see dlrig/cost/cloud.py and docs/cost.md. usd_per_hour is the whole instance.\n"
                 "# date ~2025 = about 2025, unverified (NOTICE.md, lambda-cloud).\n")
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} instance types to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
