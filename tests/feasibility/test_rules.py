"""The feasibility rule on the packaged catalog's real parts: precision, software, form factor."""

from __future__ import annotations

import pytest

from dlrig.catalog.models import Gpu
from dlrig.catalog.store import default_catalog
from dlrig.defaults import feasibility_need
from dlrig.feasibility import CODES, Need, check, exclusions, gpus_per_board, partition, precision_support
from dlrig.feasibility.hardware import ARCHITECTURES
from dlrig.feasibility.rules import per_device


@pytest.fixture(scope="module")
def chips() -> dict[str, Gpu]:
    return {g.name: g for g in default_catalog().gpu_chips()}


def codes(gpu: Gpu, need: Need) -> list[str]:
    return [e.code for e in exclusions(gpu, need)]


def test_every_catalog_architecture_has_a_row(chips: dict[str, Gpu]) -> None:
    assert {g.architecture for g in chips.values()} <= set(ARCHITECTURES)


@pytest.mark.parametrize(("name", "precision", "expected"), [
    ("TITAN RTX", "bf16", "precision-emulated"),  # Turing: no bf16 tensor cores
    ("GeForce RTX 2080 Ti", "fp16", None),  # ... but fp16 tensor cores
    ("A100 PCIe 80 GB", "fp8", "precision-absent"),  # Ampere: no FP8
    ("GeForce RTX 4090", "fp8", None),  # Ada: FP8
    ("Radeon RX 7900 XTX", "bf16", None),  # RDNA 3: bf16 WMMA
    ("Radeon RX 7900 XTX", "fp8", "precision-absent"),  # ... no FP8 until RDNA 4
    ("Radeon RX 9070 XT", "fp8", None),
])
def test_precision_rule(chips: dict[str, Gpu], name: str, precision: str, expected: str | None) -> None:
    found = [c for c in codes(chips[name], Need(precision=precision, use="server")) if c.startswith("precision")]
    assert found == ([expected] if expected else [])


def test_pascal_fp16_is_native_only_on_gp100(chips: dict[str, Gpu]) -> None:
    assert precision_support(chips["Tesla P100 PCIe 16 GB"], "fp16") == "native"
    assert precision_support(chips["GeForce GTX 1080 Ti"], "fp16") == "emulated"


@pytest.mark.parametrize(("name", "expected"), [
    ("Quadro K6000", "software-unsupported"),  # Kepler: no current PyTorch build
    ("GeForce GTX 1080 Ti", "software-legacy"),  # Pascal: only the last CUDA 12.6 wheel
    ("GeForce RTX 2080 Ti", None),  # Turing: the default wheel's minimum
    ("Radeon RX 7600 XT", "software-unsupported"),  # not on ROCm's list
    ("Radeon RX 580", "software-unsupported"),
    ("Radeon RX 7900 XTX", None),
    ("Radeon RX 9060 XT 16 GB", None),  # ROCm lists the RX 9060 XT once, for both memory sizes
    ("Arc B580", None),
    ("Data Center GPU Flex 170", "software-unsupported"),
])
def test_software_rule(chips: dict[str, Gpu], name: str, expected: str | None) -> None:
    found = [c for c in codes(chips[name], Need(precision="fp32", use="market")) if c.startswith("software")]
    assert found == ([expected] if expected else [])


@pytest.mark.parametrize(("name", "desktop", "server"), [
    ("Radeon Instinct MI300X", "form-module", None),  # OAM
    ("H100 SXM5 80 GB", "form-module", None),
    ("H100 PCIe 80 GB", "form-passive", None),
    ("Radeon PRO V620", "form-passive", None),  # filed as a workstation part, a passive server card
    ("GB10", "form-system", "form-system"),  # DGX Spark's chip, never a part
    ("RTX A6000", None, None),
])
def test_form_factor_rule(chips: dict[str, Gpu], name: str, desktop: str | None, server: str | None) -> None:
    def form(use: str) -> list[str]:
        return [c for c in codes(chips[name], Need(precision="fp32", use=use)) if c.startswith("form")]  # type: ignore[arg-type]

    assert form("desktop") == ([desktop] if desktop else [])
    assert form("server") == ([server] if server else [])


def test_multi_gpu_boards_are_counted_as_their_gpus(chips: dict[str, Gpu]) -> None:
    k80, m10, duo = chips["Tesla K80"], chips["Tesla M10"], chips["Radeon R9 295X2"]
    assert (gpus_per_board(k80), gpus_per_board(m10), gpus_per_board(duo)) == (2, 4, 2)
    assert per_device(k80).vram_gb == 12 and per_device(m10).vram_gb == 8 and per_device(duo).vram_gb == 4
    assert per_device(chips["GeForce RTX 4090"]) is chips["GeForce RTX 4090"]


def test_every_exclusion_has_a_known_code_and_a_reason(chips: dict[str, Gpu]) -> None:
    for precision in ("fp32", "fp16", "bf16", "fp8"):
        ok, out = partition(chips.values(), Need(precision=precision))
        assert ok and out and len(ok) + len(out) == len(chips)
        assert all(e.code in CODES and e.reason for e in out)


def test_a_2015_market_is_not_judged_by_todays_software(chips: dict[str, Gpu]) -> None:
    cat = default_catalog()
    seed, latest = cat.price_book("seed-2015"), cat.price_book("latest")
    k80 = chips["Tesla K80"]
    assert check(k80, feasibility_need("fp32", seed, "market")) is None
    assert check(k80, feasibility_need("fp32", latest, "market")).code == "software-unsupported"  # type: ignore[union-attr]


def test_an_unknown_architecture_is_judged_by_its_rates() -> None:
    bare = Gpu(id="gpu/x", name="X", src="t", fp32_tflops=10.0, bf16_tflops=40.0, vram_gb=24)
    assert check(bare, Need(precision="bf16")) is None
    assert precision_support(bare, "fp8") == "unknown"
