"""Plot files: each plot is written and carries its labels; PNG needs matplotlib or cairosvg."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET

import pytest

from dlrig.catalog.ranking import Filters, rank_gpus
from dlrig.errors import BadInput
from dlrig.report import plots
from dlrig.report.plots import MissingPackage, write_estimate_plot, write_frontier_plot, write_gpu_plot
from dlrig.workload.estimate import Machine, WorkloadRequest, estimate

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def seed_ranking(catalog):
    return rank_gpus(catalog, catalog.price_book("seed-2015"), "fp32")


@pytest.fixture(scope="module")
def an_estimate(catalog):
    chip = catalog.chip_of(catalog.resolve("GeForce RTX 4090", "gpu"))
    return estimate(WorkloadRequest(model="resnet50", precision="bf16", batch=128), Machine(gpu=chip, gpus=2))


def test_gpu_plot_labels_every_seed_card(seed_ranking, tmp_path):
    path = write_gpu_plot(seed_ranking, tmp_path / "gpus.svg")
    svg = path.read_text(encoding="utf-8")
    ET.fromstring(svg)
    for name in ("GTX TITAN X", "GTX 980 Ti", "GTX 980", "Tesla K40", "Tesla K80"):
        assert f">{name}</text>" in svg
    assert "fp32 TFLOPS" in svg and "price (USD)" in svg and "marker size: VRAM" in svg
    assert "consumer" in svg and "datacenter" in svg  # shapes by kind, named in the legend
    assert not list(tmp_path.glob("*.tmp"))


def test_gpu_plot_highlights_the_chosen_chip(seed_ranking, catalog, tmp_path):
    chip = catalog.resolve("GeForce GTX TITAN X", "gpu-chips")
    svg = write_gpu_plot(seed_ranking, tmp_path / "g.svg", chosen=[chip.id]).read_text()
    assert "▶ GTX TITAN X" in svg and svg.count('class="point highlight"') == 1


def test_gpu_plot_with_no_rows_is_bad_input(catalog, tmp_path):
    empty = rank_gpus(catalog, catalog.price_book("seed-2015"), "fp32", filters=Filters(max_price_usd=1))
    with pytest.raises(BadInput, match="no GPU to plot"):
        write_gpu_plot(empty, tmp_path / "g.svg")


def test_frontier_plot(tmp_path):
    points = [(2400.0, 900.0, "1x RTX 4090"), (4900.0, 1700.0, "2x RTX 4090"), (1200.0, 400.0, "1x RTX 4070")]
    svg = write_frontier_plot(points, tmp_path / "f.svg").read_text()
    ET.fromstring(svg)
    for label in ("1x RTX 4090", "2x RTX 4090", "1x RTX 4070", "cost (USD)", "throughput"):
        assert label in svg
    line = svg.split("<polyline points=")[1].split('"')[1].split()
    xs = [float(p.split(",")[0]) for p in line]
    assert xs == sorted(xs) and len(xs) == 3  # joined in cost order


def test_estimate_plot(an_estimate, tmp_path):
    svg = write_estimate_plot(an_estimate, tmp_path / "e.svg").read_text()
    ET.fromstring(svg)
    assert "Memory per GPU" in svg and "weights" in svg and "activations" in svg and "VRAM 24" in svg
    assert "Data pipeline" in svg and "◀ bottleneck" in svg and "GPU demand" in svg
    assert "ResNet" in svg or "resnet" in svg.lower()


def test_png_without_matplotlib_or_cairosvg_names_them(seed_ranking, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "cairosvg", None)
    with pytest.raises(MissingPackage, match=r"matplotlib or cairosvg.*\.svg") as info:
        write_gpu_plot(seed_ranking, tmp_path / "g.png")
    assert info.value.exit_code == 2
    assert not (tmp_path / "g.png").exists()


def test_png_with_matplotlib(seed_ranking, an_estimate, tmp_path, monkeypatch):
    pytest.importorskip("matplotlib")
    monkeypatch.setattr(plots, "_installed", lambda name: name == "matplotlib")
    for path in (write_gpu_plot(seed_ranking, tmp_path / "g.png"),
                 write_estimate_plot(an_estimate, tmp_path / "e.png"),
                 write_frontier_plot([(1.0, 2.0, "a"), (2.0, 3.0, "b")], tmp_path / "f.png")):
        assert path.read_bytes()[:8] == PNG_MAGIC


def test_other_suffix_is_bad_input(seed_ranking, tmp_path):
    with pytest.raises(BadInput, match=r"\.svg or \.png"):
        write_gpu_plot(seed_ranking, tmp_path / "g.pdf")
