"""Lambda name matching, precision semantics, peaks, links and data-parallel scaling."""

from __future__ import annotations

import pytest

from dlrig.catalog.models import Gpu
from dlrig.workload.throughput import (
    Throughput,
    data_parallel,
    effective_peak_tflops,
    lambda_chip,
    link_for,
    scale,
)


def test_lambda_chip_matches_by_normalized_name(rtx4090: Gpu, titan_x: Gpu) -> None:
    assert lambda_chip(rtx4090) == "GeForce RTX 4090"
    assert lambda_chip(rtx4090.model_copy(update={"name": "NVIDIA GeForce RTX 4090"})) == "GeForce RTX 4090"
    assert lambda_chip(titan_x) is None


def test_peak_falls_back_with_a_note(titan_x: Gpu) -> None:
    peak, note = effective_peak_tflops(titan_x, "fp16")
    assert peak == titan_x.fp32_tflops and "no fp16" in note


def test_links_nvlink_on_sxm_pcie_from_the_build(h100: Gpu, titan_x: Gpu) -> None:
    assert link_for(h100, 8).kind == "nvlink"
    link = link_for(titan_x, 4, pcie_gen=3, pcie_lanes=4)
    assert link.kind == "pcie" and link.gb_s == pytest.approx(3.0)  # Gen3 x16 ~12 GB/s, x4 a quarter


def test_allreduce_is_2_n_minus_1_over_n_gradient_bytes() -> None:
    single = Throughput(samples_per_s=100.0, range=(80.0, 120.0), source="model", detail="",
                        per_gpu_samples_per_s=100.0)
    link = link_for(Gpu(id="g", name="x", src="t", pcie_gen=4.0), 4)
    s = data_parallel(single, 4, gradient_bytes=1e9, batch=64, link=link)
    assert s.allreduce_s == pytest.approx(2 * 3 / 4 * 1e9 / 25e9)
    assert s.efficiency == 1.0  # 60 ms hidden behind a 640 ms step
    slow = data_parallel(single, 4, gradient_bytes=20e9, batch=64, link=link)
    assert 0 < slow.efficiency < 0.8
    total = scale(single, slow)
    assert total.samples_per_s == pytest.approx(4 * 100 * slow.efficiency)
