"""The parts a price book prices, with the price a plan pays for each.

A part's price is the book's own; a platform part the book lacks takes the price in another
packaged book whose date is nearest the book's, with a note naming it (the 2015 seed book
prices GPUs only, and a plan still needs a case). GPU cards come with their chip's figures
filled in (``Catalog.chip_of``) and the figures the book quotes for them.

The planner's candidate table reads these rows; ``scripts/build_catalog.py`` writes them for
every packaged book (:mod:`dlrig.catalog.derived`), so a plan reads only the priced parts
instead of validating every part of the catalog, and both ways give the same rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dlrig.catalog.models import Gpu, Part, Price

if TYPE_CHECKING:
    from dlrig.catalog.protocol import CatalogQueries

PriceFn = Callable[[Part], "tuple[Price, str] | None"]


@dataclass(frozen=True)
class Priced:
    """A part with the price a plan pays for it, and a note when that price is borrowed."""

    part: Part  # a GPU card with its chip's figures filled in
    price: Price
    price_note: str = ""  # set when the price is borrowed from another book
    quoted: dict[str, float] = field(default_factory=dict)  # figures the book quotes for a GPU
    known: int = 0  # facts the catalog gives for the part (pruning keeps the better-known of equals)

    @property
    def usd(self) -> float:
        return self.price.usd

    @property
    def cents(self) -> int:
        return round(self.price.usd * 100)


def price_lookup(catalog: CatalogQueries, book_name: str, fallback: bool) -> PriceFn:
    """The book's price of a part; for an unpriced platform part, with ``fallback``, the price in
    another packaged book whose date is nearest the book's, with a note naming it."""
    book = catalog.price_book(book_name)
    others = [catalog.price_book(n) for n in catalog.book_infos if n != book.name] if fallback else []
    anchor = book.info.date or max((p.date for p in book.prices.values()), default=None)

    def lookup(part: Part) -> tuple[Price, str] | None:
        own = book.price(part.id)
        if own is not None:
            return own, ""
        if isinstance(part, Gpu) or not others or anchor is None:
            return None
        found = [p for b in others if (p := b.price(part.id)) is not None]
        if not found:
            return None
        near = min(found, key=lambda p: (abs((p.date - anchor).days), p.usd))
        return near, (f"{book.name} has no price for it: {near.date.isoformat()} price from "
                      f"{near.source} (nearest dated)")

    return lookup


def known_facts(part: Part) -> int:
    """How many of the part's fields the catalog fills."""
    return sum(1 for v in part.model_dump().values() if v not in (None, (), {}, ""))


def priced_parts(catalog: CatalogQueries, book_name: str, category: str) -> tuple[tuple[Priced, ...], int]:
    """Every part of the category with a price in the book, or a borrowed one (see the module
    docstring), in catalog order; and how many parts have neither."""
    lookup = price_lookup(catalog, book_name, fallback=True)
    book = catalog.price_book(book_name)
    rows, unpriced = [], 0
    for part in catalog.parts(category):
        got = lookup(part)
        if got is None:
            unpriced += 1
            continue
        quoted: dict[str, float] = {}
        if isinstance(part, Gpu):
            part = catalog.chip_of(part)
            quoted = book.quoted.get(part.id, {}) or book.quoted.get(part.chip_id or "", {})
        rows.append(Priced(part, got[0], got[1], quoted, known_facts(part)))
    return tuple(rows), unpriced
