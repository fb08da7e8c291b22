"""Intel ARK rows joined to catalog CPUs by processor number (sources/intel_ark.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlrig.catalog.models import Cpu
from dlrig.sources import intel_ark
from dlrig.sources.common import ImportReport

ARK = Path(__file__).parent / "fixtures" / "shared_data" / "intel-ark-cpus" / "intel-cpus.csv"


@pytest.fixture(scope="module")
def rows() -> dict:
    return intel_ark.read(ARK)


def cpu(name: str, **fields: object) -> Cpu:
    return Cpu(id=f"cpu/{name.lower().replace(' ', '-')}", name=name, src="buildcores", **fields)  # type: ignore[arg-type]


def test_a_row_gives_lanes_memory_and_the_launch_quarter(rows):
    i7 = intel_ark.find(cpu("Intel Core i7-5820K"), rows)
    assert i7 is not None and i7.url.startswith("https://ark.intel.com/")
    assert i7.fields["pcie_lanes"] == 28 and i7.fields["memory_channels"] == 4
    assert i7.fields["memory_types"] == ("DDR4",) and i7.fields["launch_quarter"] == "2014-Q3"
    raptor = intel_ark.find(cpu("Intel Core i9 13900K"), rows)
    assert raptor is not None and raptor.fields["pcie_gen"] == 5.0  # "5.0 and 4.0": 16 Gen5 + 4 Gen4
    assert raptor.fields["memory_types"] == ("DDR5", "DDR4")


def test_processor_numbers_are_read_however_they_are_spelled(rows):
    assert intel_ark.find(cpu("Intel Xeon E5-2660 v4"), rows) is not None  # ARK writes "E5-2660V4"
    assert intel_ark.find(cpu("Intel Core i7 5930K", aliases=("BX80648I75930K",)), rows) is not None


def test_a_core_2_duo_is_not_the_xeon_of_the_same_number(rows):
    """ARK's E6540 is a six-core Xeon; a Core 2 Duo E6540 must not take its figures."""
    assert intel_ark.find(cpu("Intel Core 2 Duo E6540"), rows) is None
    assert intel_ark.find(cpu("Intel Xeon E6540"), rows) is not None


def test_ark_replaces_data_set_values_but_not_curated_ones(rows):
    report = ImportReport()
    parts = [cpu("Intel Core i7-5820K", memory_types=("DDR3",)),
             cpu("Intel Core i7-5930K", pcie_lanes=44, field_src={"pcie_lanes": "curated: https://example.org"}),
             cpu("Intel Core i9 13900K", max_memory_gb=192)]
    out = {p.name: p for p in intel_ark.apply(parts, rows, report)}  # type: ignore[arg-type]
    i7 = out["Intel Core i7-5820K"]
    assert i7.memory_types == ("DDR4",) and i7.pcie_lanes == 28  # type: ignore[attr-defined]
    assert i7.source_of("pcie_lanes").startswith("intel-ark: https://ark.intel.com/")
    assert out["Intel Core i7-5930K"].pcie_lanes == 44  # type: ignore[attr-defined]  # curated kept
    # Intel raised LGA1700's maximum to 192 GB after the 2023 scrape (128 GB there): kept
    assert out["Intel Core i9 13900K"].max_memory_gb == 192  # type: ignore[attr-defined]
    assert report.checks["intel_ark"]["cpus_joined"] == 3


def test_non_intel_cpus_are_left_alone(rows):
    amd = cpu("AMD Ryzen 5 5820K")  # made-up name sharing an Intel number
    assert intel_ark.apply([amd], rows, ImportReport()) == [amd]


@pytest.mark.parametrize(("text", "gb"), [("64 GB", 64), ("2 TB", 2048), ("1.5 TB", 1536), ("", None)])
def test_memory_maximum_units(text, gb):
    assert intel_ark.memory_gb(text) == gb
