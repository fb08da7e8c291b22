"""Purchase cost: every part's dated price, tax, shipping; unpriced parts listed, never guessed.

Build cost = sum of parts + tax + shipping, with a date on every price (docs/domain.md section 7).
A book's quoted bundles price, as one line, the parts that have no price of their own
(dlrig.cost.bundles says how, without counting anything twice).
Tax applies to the parts; shipping is added after tax (US sales tax on shipping varies by
state; pass the taxed amount yourself where it applies).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from dlrig.build import Build, Item
from dlrig.catalog.models import Price
from dlrig.catalog.prices import STALE_AFTER_DAYS, PriceBook, age_days, is_stale
from dlrig.errors import BadInput


@dataclass(frozen=True)
class PriceLine:
    """One build line with its price, or without one (``unit_usd`` None: unknown).

    ``bundle`` names the quoted bundle a line belongs to: a member without a price of its own
    (``unit_usd`` None, covered by the bundle's line), a member priced on its own, or the
    bundle's own line (category "bundle": the bundle's price less its members' own prices)."""

    part_id: str
    name: str
    category: str
    count: int
    unit_usd: float | None
    date: dt.date | None
    source: str | None
    age_days: int | None
    stale: bool | None  # older than STALE_AFTER_DAYS; None when unpriced
    note: str | None = None
    bundle: str | None = None

    @property
    def line_usd(self) -> float | None:
        return None if self.unit_usd is None else self.unit_usd * self.count


@dataclass(frozen=True)
class Purchase:
    lines: tuple[PriceLine, ...]
    book: str
    tax_rate: float
    tax_source: str
    shipping_usd: float
    notes: tuple[str, ...] = ()  # why a book's bundle was not used, where one could have been

    @property
    def parts_usd(self) -> float:
        """The sum of the priced lines; see ``unpriced`` for what it leaves out."""
        return sum(line.line_usd or 0.0 for line in self.lines)

    @property
    def tax_usd(self) -> float:
        return self.parts_usd * self.tax_rate

    @property
    def total_usd(self) -> float:
        return self.parts_usd + self.tax_usd + self.shipping_usd

    @property
    def unpriced(self) -> tuple[str, ...]:
        return tuple(line.name for line in self.lines if line.unit_usd is None and not line.bundle)

    @property
    def stale(self) -> tuple[str, ...]:
        return tuple(line.name for line in self.lines if line.stale)

    @property
    def oldest(self) -> dt.date | None:
        dates = [line.date for line in self.lines if line.date is not None]
        return min(dates) if dates else None

    @property
    def parts_sum(self) -> str:
        """The parts total as the sum a reader checks by hand: "4 x $1,000 + $1,400 (bundle
        'base computer') = $5,400"; a bundle counts once, at its quoted price."""
        from dlrig.cost.bundles import money

        labels: list[str] = []
        amounts: list[float] = []
        at: dict[str, int] = {}  # bundle name -> its term
        for line in self.lines:
            if line.line_usd is None:
                continue
            if line.bundle is not None and line.bundle in at:
                amounts[at[line.bundle]] += line.line_usd
                continue
            if line.bundle is not None:
                at[line.bundle] = len(labels)
                labels.append(f"bundle {line.bundle!r}")
            else:
                unit = money(line.unit_usd or 0.0)
                labels.append(f"{line.count} x {unit}" if line.count > 1 else unit)
            amounts.append(line.line_usd)
        bundled = set(at.values())
        shown = [f"{money(round(usd, 2))} ({label})" if i in bundled else label
                 for i, (label, usd) in enumerate(zip(labels, amounts, strict=True))]
        return " + ".join(shown) + f" = {money(round(self.parts_usd, 2))}"

    @property
    def total_note(self) -> str:
        n = len(self.unpriced)
        return f"{n} part{'s' if n != 1 else ''} unpriced" if n else "all parts priced"


def check_rate(name: str, value: float, upper: float = 1.0) -> float:
    """A fraction in [0, upper]; the message names the option."""
    if not 0.0 <= value <= upper:
        raise BadInput(f"{name} must be between 0 and {upper:g} (a fraction: 0.08 is 8%), got {value:g}")
    return value


def price_of(item: Item, book: PriceBook) -> Price | None:
    """The book's price of the part, else of its chip (a card priced by its chip's launch price)."""
    from dlrig.catalog.prices import price_for

    return price_for(book, item.part)


def price_line(category: str, item: Item, book: PriceBook, today: dt.date) -> PriceLine:
    price = price_of(item, book)
    if price is None:
        return PriceLine(item.part.id, item.part.name, category, item.count, None, None, None,
                         None, None, note=f"no price in book {book.name!r}")
    return PriceLine(item.part.id, item.part.name, category, item.count, price.usd, price.date,
                     price.source, age_days(price, today), is_stale(price, today), price.note)


def purchase_cost(build: Build, book: PriceBook, tax_rate: float = 0.0, tax_source: str = "",
                  shipping_usd: float = 0.0, today: dt.date | None = None) -> Purchase:
    """Price every line of the build from one book; nothing unpriced is invented."""
    check_rate("tax rate", tax_rate)
    if not math.isfinite(shipping_usd) or shipping_usd < 0:
        raise BadInput(f"shipping must be zero or more USD, got {shipping_usd:g}")
    today = today or dt.date.today()
    items = [(cat, item) for cat, lines in build.items.items() for item in lines]
    lines = [price_line(cat, item, book, today) for cat, item in items]
    notes: list[str] = []
    if book.bundles:
        from dlrig.cost.bundles import apply_bundles

        names = {item.part.id: item.part.name for _, item in items}
        lines, notes = apply_bundles(book.bundles, [item for _, item in items], lines, names, today)
    return Purchase(lines=tuple(lines), book=book.name, tax_rate=tax_rate,
                    tax_source=tax_source or "given", shipping_usd=shipping_usd, notes=tuple(notes))


STALE_NOTE = f"older than {STALE_AFTER_DAYS} days (dlrig.catalog.prices.STALE_AFTER_DAYS)"
