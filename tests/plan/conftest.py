"""A small hand-made catalog (the rules' sample parts, with prices and FLOP/s) on disk."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dlrig.catalog.models import Part
from dlrig.catalog.store import Catalog
from dlrig.rules import samples as s

BOOK = "test-book"

PRICED: list[tuple[Part, float]] = [
    (s.TITAN_X.model_copy(update={"fp32_tflops": 6.6}), 1000.0),
    # dense bf16 with FP32 accumulate: GeForce at half the pro card's rate per SM (catalog figures)
    (s.RTX_4090.model_copy(update={"fp32_tflops": 82.6, "bf16_tflops": 165.0}), 1600.0),
    (s.RTX_6000_ADA.model_copy(update={"fp32_tflops": 91.1, "bf16_tflops": 364.25}), 6800.0),
    (s.I7_5820K, 390.0), (s.I7_5930K, 580.0), (s.RYZEN_7950X, 550.0),
    (s.X99_BOARD, 250.0), (s.AM5_BOARD, 300.0), (s.SUMMARY_BOARD, 200.0),
    (s.RIPJAWS_32, 120.0), (s.DDR4_128, 350.0), (s.DDR5_64, 200.0),
    (s.DDR5_RDIMM_32, 40.0), (s.SAMSUNG_RDIMM_16, 30.0),  # the cheapest kits, both registered
    (s.HERCULES_1600, 350.0), (s.PSU_850, 110.0), (s.PSU_1600_ATX3, 450.0),
    (s.THOR_V2, 150.0), (s.MID_TOWER, 80.0), (s.BIG_TOWER, 250.0),
    (s.QVO_1TB, 130.0), (s.NVME_4TB, 300.0),
]


def write_catalog(root: Path, priced: list[tuple[Part, float]]) -> Catalog:
    (root / "prices").mkdir(parents=True)
    by_file: dict[str, list[str]] = {}
    for part, _ in priced:
        name = "gpu_chips.jsonl" if part.category == "gpu" else f"{part.category}.jsonl"  # type: ignore[attr-defined]
        by_file.setdefault(name, []).append(part.model_dump_json())
    for name, lines in by_file.items():
        (root / name).write_text("\n".join(lines) + "\n")
    (root / "prices" / "books.json").write_text(json.dumps(
        [{"name": BOOK, "source": "tests", "description": "hand-made prices", "date": "2025-01-01"}]))
    rows = [json.dumps({"part_id": p.id, "usd": usd, "date": "2025-01-01", "source": "tests"}) for p, usd in priced]
    (root / "prices" / f"{BOOK}.jsonl").write_text("\n".join(rows) + "\n")
    return Catalog(root)


@pytest.fixture(scope="session")
def small_catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    return write_catalog(tmp_path_factory.mktemp("catalog"), PRICED)
