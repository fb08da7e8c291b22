"""Coverage of the facts the rules need, among priced parts: printed by `dlrig catalog stats`,
and kept from going down by the floors below (issue 15's targets where it sets one)."""

from __future__ import annotations

from io import StringIO

import pytest
from rich.console import Console

from dlrig.catalog.coverage import coverage
from dlrig.catalog.store import Catalog

# (category, field) -> the lowest share allowed. Raise a floor when coverage improves.
FLOORS = {
    ("cpu", "pcie_lanes"): 0.60,  # issue 15: at least 60%
    ("cpu", "socket"): 0.85,
    ("cpu", "memory_channels"): 0.85,
    ("gpu", "slot_width"): 0.60,  # issue 15: at least 60%
    ("gpu", "board_power_w"): 0.60,
    ("gpu", "power_connectors"): 0.60,
    ("gpu", "cooler"): 0.65,
    ("gpu", "length_mm"): 0.95,
    ("psu", "connectors"): 0.50,  # issue 15: at least 50%
    ("psu", "length_mm"): 0.90,
    ("motherboard", "slot_count"): 0.90,
    ("case", "board_form_factors"): 0.85,
    ("case", "max_gpu_length_mm"): 0.85,
    ("case", "expansion_slots"): 0.85,
}
MIN_BOARDS_WITH_SLOT_MAPS = 150  # issue 15: a per-slot electrical layout for at least 150 priced boards


@pytest.fixture(scope="module")
def measured() -> dict[tuple[str, str], object]:
    catalog = Catalog()
    priced = {pid for name in catalog.book_infos for pid in catalog.price_book(name).prices}
    return {(c.category, c.field): c for c in coverage(catalog.all_parts(), priced)}


@pytest.mark.parametrize(("key", "floor"), FLOORS.items(), ids=[f"{c}.{f}" for c, f in FLOORS])
def test_coverage_does_not_go_down(measured, key, floor):
    assert measured[key].share >= floor, f"{key}: {measured[key].have}/{measured[key].priced}"  # type: ignore[attr-defined]


def test_enough_priced_boards_have_a_slot_map(measured):
    assert measured[("motherboard", "slots")].have >= MIN_BOARDS_WITH_SLOT_MAPS  # type: ignore[attr-defined]


def test_the_import_report_holds_the_same_figures(measured):
    report = Catalog().import_report()["checks"]["coverage"]
    shipped = {(r["category"], r["field"]): r["have"] for r in report}
    assert shipped == {k: v.have for k, v in measured.items()}  # type: ignore[attr-defined]


def test_stats_prints_coverage_per_category():
    from dlrig.render.catalog import coverage as render

    out = StringIO()
    render(Console(file=out, width=140), Catalog().import_report()["checks"]["coverage"])
    text = out.getvalue()
    assert "rule facts known, among priced parts" in text and "pcie_lanes" in text and "PCIE-LANES" in text
