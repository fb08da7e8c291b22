"""``cost``: ownership against prebuilt boxes and cloud rental (``dlrig cost``, ``POST /api/cost``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dlrig.errors import AmbiguousPart, BadInput

if TYPE_CHECKING:
    from dlrig.build import Build
    from dlrig.catalog.prices import PriceBook
    from dlrig.catalog.protocol import CatalogQueries
    from dlrig.cost.cloud import CloudOffer
    from dlrig.cost.ownership import CostOptions, CostReport


@dataclass(frozen=True)
class CostRequest:
    build: Build
    book: PriceBook
    options: CostOptions
    own_offers: tuple[CloudOffer, ...] = ()  # the user's cloud prices (read at the edge): they win a name
    own_offers_origin: str = ""
    today: dt.date | None = None


def cost(req: CostRequest, catalog: CatalogQueries) -> CostReport:
    """Purchase, tax, running cost, and break-even against the packaged prebuilt and cloud tables."""
    from dlrig.cost import tracker
    from dlrig.cost.cloud import load_cloud_prices
    from dlrig.cost.lookup import chips_by_name, throughput_note
    from dlrig.cost.ownership import cost_report
    from dlrig.cost.prebuilt import load_prebuilt
    from dlrig.regions import get_region

    _check_chip_names(catalog, req.own_offers, req.own_offers_origin)
    # the user's rows first (they win a same-named --vs), then Lambda's list, then the price tracker's
    # dated marketplace offers (per provider and instance size; spot ones named and priced as spot)
    offers = req.own_offers + load_cloud_prices() + tracker.offers(tracker.load())
    boxes = load_prebuilt()
    names = {o.gpu_chip for o in offers} | {b.gpu_chip for b in boxes if b.gpu_chip}
    return cost_report(req.build, req.book, get_region(req.build.region), req.options, offers, boxes,
                       chips_by_name(catalog, names), catalog=catalog,
                       throughput_note=throughput_note(req.build), today=req.today)


def _check_chip_names(catalog: CatalogQueries, offers: tuple[CloudOffer, ...], origin: str) -> None:
    """A user row whose GPU names several catalog chips would be matched to one of them at random."""
    for offer in offers:
        try:
            catalog.resolve(offer.gpu_chip, "gpu-chips")
        except AmbiguousPart as exc:
            raise BadInput(f"{origin}: {offer.instance_type}: GPU {offer.gpu_chip!r} names several catalog chips "
                           f"({', '.join(exc.candidates[:5])}); give the chip in a gpu_chip column") from None
        except BadInput:
            continue  # not in the catalog: the row is matched by its own figures, or not at all
