"""Hand-made GPUs, CPUs and drives: the workload tests need no packaged catalog.

Figures are the datasheet values the calibration was fitted against (chip_specs in
data/lambda_bench.json), or the seed build's parts (docs/domain.md 1).
"""

from __future__ import annotations

import pytest

from dlrig.catalog.models import Cpu, Gpu, Storage


def make_gpu(name: str, fp32: float, tf32: float | None, fp16: float | None, bw: float | None,
             vram: float, watts: float, **extra: object) -> Gpu:
    return Gpu(id=f"gpu/{name.lower().replace(' ', '-')}", name=name, src="test", fp32_tflops=fp32,
               tf32_tflops=tf32, fp16_tflops=fp16, bf16_tflops=fp16 if tf32 else None,
               memory_bandwidth_gb_s=bw, vram_gb=vram, board_power_w=watts, **extra)


@pytest.fixture
def rtx4090() -> Gpu:
    return make_gpu("GeForce RTX 4090", 82.6, 82.6, 165.2, 1008, 24, 450, pcie_gen=4.0, pcie_lanes=16,
                    architecture="Ada Lovelace", form="pcie")


@pytest.fixture
def a100() -> Gpu:
    return make_gpu("A100 SXM4 80 GB", 19.5, 156.0, 312.0, 2039, 80, 400, pcie_gen=4.0,
                    architecture="Ampere", form="sxm")


@pytest.fixture
def h100() -> Gpu:
    return make_gpu("H100 SXM5 80 GB", 67.0, 494.7, 989.4, 3350, 80, 700, pcie_gen=5.0,
                    architecture="Hopper", form="sxm")


@pytest.fixture
def titan_x() -> Gpu:
    """The seed's GTX TITAN X (Maxwell): no tensor cores, 12 GB, 250 W."""
    return make_gpu("GeForce GTX TITAN X", 6.69, None, None, 336.6, 12, 250, pcie_gen=3.0, pcie_lanes=16,
                    architecture="Maxwell 2.0", form="pcie")


@pytest.fixture
def i7_5820k() -> Cpu:
    return Cpu(id="cpu/i7-5820k", name="Intel Core i7-5820K", src="test", cores=6, threads=12, tdp_w=140,
               pcie_lanes=28, pcie_gen=3.0)


@pytest.fixture
def qvo() -> Storage:
    """Samsung 870 QVO 1TB: 560 MB/s sequential, 98,000 random reads/s (Samsung, via CDRLabs)."""
    return Storage(id="storage/870-qvo", name="Samsung 870 QVO 1TB", src="test", kind="ssd", interface="sata",
                   seq_read_mb_s=560, random_reads_per_s=98000)


@pytest.fixture
def hdd() -> Storage:
    return Storage(id="storage/hdd", name="7200 rpm disk", src="test", kind="hdd", seq_read_mb_s=200,
                   random_reads_per_s=150)
