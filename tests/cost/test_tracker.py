"""The packaged GPU price tracker table and its loader (cost/tracker.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from dlrig.catalog.store import Catalog
from dlrig.cost import tracker
from dlrig.errors import MalformedFile


@pytest.fixture(scope="module")
def rows() -> tuple[tracker.TrackedPrice, ...]:
    return tracker.load()


def test_the_table_is_dated_and_covers_the_tracked_gpus(rows):
    dates = {r.date for r in rows}
    assert min(dates) == dt.date(2025, 10, 19) and max(dates) == dt.date(2025, 11, 16)
    assert {"H100 SXM5 80 GB", "H100 PCIe 80 GB", "A100 SXM4 80 GB", "B200"} <= set(tracker.chips(rows))
    assert all(r.usd_per_gpu_hour > 0 for r in rows)


def test_every_chip_but_gh200_is_a_catalog_chip(rows):
    """GH200 (a CPU+GPU superchip) is not in TechPowerUp's list, so not in the catalog."""
    catalog = Catalog()
    for chip in tracker.chips(rows):
        if chip != "GH200":
            assert catalog.resolve(chip, "gpu-chips").name == chip


def test_spot_offers_are_kept_apart_from_on_demand(rows):
    spot = tracker.cheapest(rows, "H100 SXM5 80 GB", 8, spot=True)
    on_demand = tracker.cheapest(rows, "H100 SXM5 80 GB", 8, spot=False)
    assert spot is not None and spot.spot is True
    assert on_demand is not None and on_demand.spot is False
    any_kind = tracker.cheapest(rows, "H100 SXM5 80 GB", 8, spot=None, on=spot.date)
    assert any_kind is not None and any_kind.usd_per_gpu_hour <= spot.usd_per_gpu_hour
    assert "2025-" in on_demand.source


def test_market_series_is_daily(rows):
    series = tracker.series(rows, "H100 SXM5 80 GB", "median")
    assert len(series) == 29 and series == sorted(series)


def test_a_bad_row_names_the_file_and_line(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("# comment\ndate,gpu_chip,kind,usd_per_gpu_hour\n2025-11-01,B200,config,-1\n")
    with pytest.raises(MalformedFile, match="row 1"):
        tracker.load(path)


def test_offers_per_size_with_spot_named_as_spot(rows):
    """dlrig cost's offers: per chip and GPU count, the newest cheapest on-demand offer and, apart,
    the newest cheapest spot offer, priced per instance; the nearest match never takes a spot one."""
    from dlrig.cost.cloud import nearest_offer

    offers = {o.instance_type: o for o in tracker.offers(rows)}
    eight = offers["tracker-8x-h100-sxm5-80-gb"]
    best = tracker.cheapest(rows, "H100 SXM5 80 GB", 8, spot=False)
    assert best is not None and eight.pricing == "on-demand" and eight.gpu_count == 8
    assert eight.usd_per_hour == pytest.approx(best.usd_per_gpu_hour * 8) and eight.date_text == best.date.isoformat()
    assert eight.provider == best.provider and "on-demand" in eight.note
    spot = offers["tracker-8x-h100-sxm5-80-gb-spot"]
    assert spot.pricing == "spot" and "spot (interruptible)" in spot.note
    assert all(o.pricing == "spot" for name, o in offers.items() if name.endswith("-spot"))
    h100 = Catalog().resolve("H100 SXM5 80 GB", "gpu-chips")
    match = nearest_offer([h100] * 8, list(offers.values()), {o.gpu_chip: h100 for o in offers.values()
                                                               if o.gpu_chip == "H100 SXM5 80 GB"})
    assert match is not None and match.offer.pricing == "on-demand"
