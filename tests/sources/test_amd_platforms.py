"""AMD CPUs take their platform's lanes from AMD's product pages (sources/amd_platforms.py)."""

from __future__ import annotations

from dlrig.catalog.models import Cpu
from dlrig.sources import amd_platforms
from dlrig.sources.common import ImportReport


def cpu(name: str, **fields: object) -> Cpu:
    return Cpu(id=f"cpu/{name.lower().replace(' ', '-')}", name=name, src="docyx", **fields)  # type: ignore[arg-type]


def test_each_platform_gives_its_usable_lanes_with_amds_page():
    parts = [cpu("AMD Ryzen 9 7950X"), cpu("AMD Ryzen 7 5800X3D"), cpu("AMD Ryzen Threadripper PRO 5975WX"),
             cpu("AMD Ryzen Threadripper PRO 7985WX", max_memory_gb=None)]
    out = {p.name: p for p in amd_platforms.apply(parts, ImportReport())}  # type: ignore[arg-type]
    assert out["AMD Ryzen 9 7950X"].pcie_lanes == 24 and out["AMD Ryzen 9 7950X"].socket == "AM5"  # type: ignore[attr-defined]
    assert out["AMD Ryzen 7 5800X3D"].pcie_lanes == 20  # type: ignore[attr-defined]
    assert out["AMD Ryzen Threadripper PRO 5975WX"].pcie_lanes == 128  # type: ignore[attr-defined]
    pro = out["AMD Ryzen Threadripper PRO 7985WX"]
    assert pro.pcie_lanes == 144 and pro.max_memory_gb == 2048  # type: ignore[attr-defined]
    assert "amd.com" in pro.source_of("pcie_lanes")


def test_models_not_listed_stay_unknown():
    """The Ryzen 5 5500 is Cezanne (PCIe 3.0), not Vermeer: no AMD page read gives its lanes."""
    out = amd_platforms.apply([cpu("AMD Ryzen 5 5500"), cpu("AMD FX-8350")], ImportReport())
    assert all(p.pcie_lanes is None for p in out)  # type: ignore[attr-defined]


def test_another_curated_figure_is_kept_and_the_disagreement_counted():
    report = ImportReport()
    tr = cpu("AMD Ryzen Threadripper PRO 5995WX", pcie_lanes=120, field_src={"pcie_lanes": "curated: x"})
    (out,) = amd_platforms.apply([tr], report)
    assert out.pcie_lanes == 120  # type: ignore[attr-defined]
    assert sum(report.corrected["curated:amd_platforms"].values()) >= 2


def test_model_numbers_are_read_from_names():
    assert amd_platforms.model_of(cpu("AMD Ryzen 9 9950X3D")) == "9950X3D"
    assert amd_platforms.model_of(cpu("AMD Ryzen Threadripper PRO 7995WX")) == "7995WX"
    assert amd_platforms.model_of(cpu("Intel Core i9 13900K")) is None
