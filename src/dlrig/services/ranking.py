"""``ranking``: GPUs by FLOP/s per dollar (``dlrig gpus``, ``GET /api/gpus``, the ranking page)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from dlrig.errors import BadInput

if TYPE_CHECKING:
    from dlrig.catalog.prices import PriceBook
    from dlrig.catalog.protocol import CatalogQueries
    from dlrig.catalog.ranking import Filters, Ranking


@dataclass(frozen=True)
class RankingRequest:
    book: PriceBook
    precision: str | None = None  # None: dlrig.defaults.comparison_precision for the book's market
    sort: str | None = None
    filters: Filters | None = None
    limit: int = 0  # 0: every row


def rank(req: RankingRequest, catalog: CatalogQueries) -> Ranking:
    """The ranking at the requested precision (default: the market's, dlrig.defaults), of the
    cards that can run it today (dlrig.feasibility, for a market: server parts kept)."""
    from dlrig.catalog.ranking import rank_gpus
    from dlrig.defaults import comparison_precision, feasibility_need

    if req.limit < 0:
        raise BadInput(f"limit must be 0 (all) or more, not {req.limit}", field="limit")
    precision = req.precision or comparison_precision(req.book)
    need = feasibility_need(precision, req.book, "market")
    result = rank_gpus(catalog, req.book, precision, req.sort, req.filters, need)
    return replace(result, rows=result.rows[:req.limit]) if req.limit else result
