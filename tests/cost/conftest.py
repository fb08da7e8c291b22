"""Hand-made parts, prices and builds: the cost tests need no packaged catalog."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from dlrig.build import Build, Item
from dlrig.catalog.models import Cpu, Gpu, Motherboard, Price, PriceBookInfo, Psu
from dlrig.catalog.prices import PriceBook

TODAY = dt.date(2026, 11, 27)


@pytest.fixture
def today() -> dt.date:
    return TODAY


def gpu(id_: str, name: str, fp32: float, vram: float, watts: float = 250.0) -> Gpu:
    return Gpu(id=id_, name=name, src="test", fp32_tflops=fp32, vram_gb=vram, board_power_w=watts)


@pytest.fixture
def make_gpu() -> Callable[..., Gpu]:
    return gpu


@pytest.fixture
def titan() -> Gpu:
    return gpu("gpu/titan-x", "GeForce GTX TITAN X", 6.6, 12)


@pytest.fixture
def parts(titan: Gpu) -> dict:
    return {
        "gpu": titan,
        "cpu": Cpu(id="cpu/i7-5820k", name="Intel Core i7-5820K", src="test", tdp_w=140),
        "motherboard": Motherboard(id="motherboard/x99", name="GA-X99-UD3P", src="test"),
        # efficiency unknown: power.py uses the flat 80 PLUS floor, 0.80, at any load
        "psu": Psu(id="psu/hercules", name="Hercules 1600W", src="test", wattage_w=1600),
    }


@pytest.fixture
def build(parts: dict) -> Build:
    items = {"gpu": (Item(parts["gpu"], count=4),), "cpu": (Item(parts["cpu"]),),
             "motherboard": (Item(parts["motherboard"]),), "psu": (Item(parts["psu"]),)}
    return Build(name="hand", items=items, prices="hand-book")


def price(part_id: str, usd: float, day: dt.date) -> Price:
    return Price(part_id=part_id, usd=usd, date=day, source="hand")


@pytest.fixture
def book() -> PriceBook:
    """GPUs $1,000 and CPU $400 this year; the board $200 two years ago; the PSU unpriced."""
    prices = {p.part_id: p for p in (
        price("gpu/titan-x", 1000, dt.date(2026, 6, 1)),
        price("cpu/i7-5820k", 400, dt.date(2026, 6, 1)),
        price("motherboard/x99", 200, dt.date(2024, 6, 1)),
    )}
    info = PriceBookInfo(name="hand-book", description="hand-made", source="tests")
    return PriceBook(info=info, prices=prices)
