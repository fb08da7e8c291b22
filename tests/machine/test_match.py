from __future__ import annotations

import pytest

from dlrig.catalog.store import default_catalog
from dlrig.machine.match import clean_cpu_model, clean_gpu_name, match_cpu, match_drive, match_gpu
from dlrig.machine.model import DriveInfo, GpuInfo


@pytest.mark.parametrize(("raw", "clean"), [
    ("Intel(R) Core(TM) i7-5820K CPU @ 3.30GHz", "Intel Core i7-5820K"),
    ("AMD Ryzen Threadripper PRO 5975WX 32-Cores", "AMD Ryzen Threadripper PRO 5975WX"),
    ("AMD Ryzen 9 7950X 16-Core Processor", "AMD Ryzen 9 7950X"),
    ("13th Gen Intel(R) Core(TM) i9-13900K", "Intel Core i9-13900K")])
def test_clean_cpu_model(raw: str, clean: str) -> None:
    assert clean_cpu_model(raw) == clean


@pytest.mark.parametrize(("raw", "clean"), [("NVIDIA A100-SXM4-80GB", "A100 SXM4 80GB"),
                                            ("NVIDIA H100 80GB HBM3", "H100 SXM5 80 GB"),
                                            ("Tesla V100-SXM2-16GB", "Tesla V100 SXM2 16GB")])
def test_clean_gpu_name(raw: str, clean: str) -> None:
    assert clean_gpu_name(raw) == clean


@pytest.mark.parametrize(("name", "mib", "part"), [
    ("NVIDIA H100 PCIe", 81559, "H100 PCIe 80 GB"), ("NVIDIA A100-SXM4-80GB", 81920, "A100 SXM4 80 GB"),
    ("NVIDIA GeForce GTX TITAN X", 12288, "GeForce GTX TITAN X"), ("NVIDIA H100 80GB HBM3", 81559, "H100 SXM5 80 GB")])
def test_gpu_names_from_nvml(name: str, mib: float, part: str) -> None:
    m = match_gpu(default_catalog(), GpuInfo(0, name=name, memory_mib=mib))
    assert m.part is not None and m.part.name == part


def test_ambiguous_without_size_stays_unknown() -> None:
    assert match_gpu(default_catalog(), GpuInfo(0, name="NVIDIA H100 PCIe")).part is None
    assert match_cpu(default_catalog(), "AMD EPYC").part is None
    assert match_gpu(default_catalog(), GpuInfo(0, name="NVIDIA Imaginary 9999")).how == "not in the catalog"


def test_drive_by_capacity() -> None:
    m = match_drive(default_catalog(), DriveInfo("sda", model="Samsung SSD 870 QVO 1TB", capacity_gb=1000.2))
    assert m.part is not None and "870 QVO 1TB" in m.part.name
    assert match_drive(default_catalog(), DriveInfo("sdb", model="WDC WD40EFRX-68N32N0")).part is None
