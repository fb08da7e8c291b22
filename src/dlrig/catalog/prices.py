"""Price books: dated sets of prices, each price with its own date and source.

A user's own book is a CSV file with a header row and these columns:

    part        a catalog id or name ("GeForce RTX 4090", "gpu/nvidia-geforce-rtx-4090")
    price_usd   a positive number ("1599.99"; "$1,599.99" is accepted)
    date        the day of the quote, YYYY-MM-DD
    source      optional: where the price came from (default: the file's name)
    retailer    optional
    bundle      optional: the name of a quoted bundle this row is a member of (see below)

A bundle is one price for a group of parts bought together ("the base computer is $1,400").
Its rows name the bundle in ``bundle``, one row per part (list a part twice for two of it), and
carry the bundle's price, date and source: the same on every row, or blank after the first.
A part may be in one bundle of a book; ``dlrig cost`` uses a bundle only for parts that have no
price of their own (dlrig.cost.bundles; docs/cost.md, "Bundles").
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from dlrig.catalog.models import Bundle, BundleMember, Part, Price, PriceBookInfo
from dlrig.errors import BadInput, MalformedFile
from dlrig.textfile import csv_rows, shown

if TYPE_CHECKING:
    from dlrig.catalog.protocol import CatalogQueries

CSV_COLUMNS = ("part", "price_usd", "date", "source", "retailer", "bundle")
REQUIRED_COLUMNS = ("part", "price_usd", "date")
STALE_AFTER_DAYS = 365  # a price older than this is flagged
MAX_USD = 10_000_000.0  # no single part (or bundle) costs more; a larger figure is a typo


@dataclass(frozen=True)
class PriceBook:
    info: PriceBookInfo
    prices: dict[str, Price] = field(default_factory=dict)
    order: tuple[str, ...] = ()  # the book's own order, where it reproduces a published table
    quoted: dict[str, dict[str, float]] = field(default_factory=dict)  # part -> figures it quotes
    bundles: tuple[Bundle, ...] = ()  # groups of parts priced together, in the book's order

    @property
    def name(self) -> str:
        return self.info.name

    def price(self, part_id: str) -> Price | None:
        return self.prices.get(part_id)

    @classmethod
    def latest_of(cls, books: Iterable[PriceBook]) -> PriceBook:
        """The most recent known price of each part across books (user books excluded).

        Bundles stay in their own books: a bundle quotes one set of parts on one day, so mixing it
        with other books' newer per-part prices would price some of its parts twice."""
        best: dict[str, Price] = {}
        for book in books:
            for pid, p in book.prices.items():
                if pid not in best or p.date > best[pid].date:
                    best[pid] = p
        return cls(info=latest_info(), prices=best)


def latest_info() -> PriceBookInfo:
    return PriceBookInfo(name="latest", source="several",
                         description="the most recent known price of each part, with its date")


def check_bundles(bundles: Iterable[Bundle]) -> str | None:
    """What is wrong with a book's bundles (a part in two of them), or None."""
    seen: dict[str, str] = {}
    for b in bundles:
        for m in b.members:
            if m.part_id in seen and seen[m.part_id] != b.name:
                return f"{m.part_id} is in bundles {seen[m.part_id]!r} and {b.name!r}; a part may be in one bundle"
            seen[m.part_id] = b.name
    return None


def load_book_file(path: Path, info: PriceBookInfo) -> PriceBook:
    """A packaged book: one price a line, or one bundle a line (``{"bundle": NAME, "members": ...}``)."""
    prices: dict[str, Price] = {}
    order: list[str] = []
    quoted: dict[str, dict[str, float]] = {}
    bundles: list[Bundle] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if "bundle" in row:
                name = row.pop("bundle")
                bundles.append(Bundle.model_validate({**row, "name": name}))
                continue
            q = row.pop("quoted", None)
            price = Price.model_validate(row)
            prices[price.part_id] = price
            order.append(price.part_id)
            if q:
                quoted[price.part_id] = q
    problem = check_bundles(bundles)
    if problem:
        raise MalformedFile(str(path), problem)
    return PriceBook(info=info, prices=prices, order=tuple(order), quoted=quoted, bundles=tuple(bundles))


def parse_usd(text: str) -> float:
    """"$1,599.99" -> 1599.99; raise ValueError on anything else, and on a figure beyond
    ``MAX_USD`` (thousands of digits read as a float are infinity, not a price)."""
    cleaned = re.sub(r"[\s$,]", "", text)
    if len(cleaned) > 20 or not re.fullmatch(r"\d+(\.\d+)?", cleaned):
        raise ValueError(text)
    value = float(cleaned)
    if value > MAX_USD:
        raise ValueError(text)
    return value


def load_csv_book(path: Path, catalog: CatalogQueries) -> PriceBook:
    """Read a user's CSV book; name the line and column of anything malformed."""
    from dlrig.textfile import read_user_text

    rows = csv_rows(read_user_text(path, "price file"), str(path))
    if not rows:
        raise MalformedFile(str(path), "no header row and no prices")
    header_line, header = rows[0]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise MalformedFile(str(path), f"missing column(s) {', '.join(missing)}; the header must "
                            f"have {', '.join(REQUIRED_COLUMNS)} (and optionally source, retailer, bundle)",
                            line=header_line)
    return _book_of_rows(path, header, rows[1:], catalog)


def _book_of_rows(path: Path, header: list[str], body: list[tuple[int, list[str]]],
                  catalog: CatalogQueries) -> PriceBook:
    prices: dict[str, Price] = {}
    via_card: dict[str, Price] = {}  # chip id -> a card's price, where the file names a card
    members: dict[str, list[tuple[int, dict[str, str]]]] = {}
    for lineno, cells in body:
        row = {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header)}
        if row.get("bundle"):
            members.setdefault(row["bundle"], []).append((lineno, row))
            continue
        price, part = _csv_price(row, path, lineno, catalog)
        prices[price.part_id] = price
        chip_id = getattr(part, "chip_id", None)
        if chip_id:
            note = f"the price of {part.name}, read as {row['part']!r}"
            via_card.setdefault(chip_id, price.model_copy(update={"part_id": chip_id, "label": row["part"],
                                                                  "note": note}))
    for chip_id, price in via_card.items():  # a row naming the chip itself wins
        prices.setdefault(chip_id, price)
    bundles = tuple(_csv_bundle(name, rows, path, catalog) for name, rows in members.items())
    if not prices and not bundles:
        raise MalformedFile(str(path), "no prices in the file")
    problem = check_bundles(bundles)
    if problem:
        raise MalformedFile(str(path), problem, column="bundle")
    newest = max([p.date for p in prices.values()] + [b.date for b in bundles])
    info = PriceBookInfo(name=path.name, description=f"user prices from {path}",
                         source=str(path), date=newest)
    return PriceBook(info=info, prices=prices, order=tuple(prices), bundles=bundles)


def _cell_error(path: Path, lineno: int) -> Callable[[str, str], MalformedFile]:
    def bad(column: str, problem: str) -> MalformedFile:
        return MalformedFile(str(path), problem, line=lineno, column=column)

    return bad


def _csv_cells(row: dict[str, str], path: Path, lineno: int, catalog: CatalogQueries) -> tuple[Part, float, date]:
    """A row's part, USD and date, each checked; the error names the line and column."""
    bad = _cell_error(path, lineno)
    if not row.get("part"):
        raise bad("part", "empty part name")
    try:
        usd = parse_usd(row.get("price_usd", ""))
    except ValueError:
        raise bad("price_usd", f"{shown(row.get('price_usd', ''))} is not a price in USD up to "
                  f"{MAX_USD:,.0f}, e.g. 1599.99") from None
    if usd <= 0:
        raise bad("price_usd", "a price must be positive")
    try:
        day = date.fromisoformat(row.get("date", ""))
    except ValueError:
        raise bad("date", f"{shown(row.get('date', ''))} is not a date; use YYYY-MM-DD") from None
    try:
        part = catalog.resolve(row["part"])
    except BadInput as exc:
        raise bad("part", exc.message) from None
    return part, usd, day


def _csv_price(row: dict[str, str], path: Path, lineno: int, catalog: CatalogQueries) -> tuple[Price, Part]:
    """The row's price and the part it names. Where the name resolved to a board-partner card
    (``catalog.resolve`` as every command does: "RTX 3090" finds a Founders Edition card), the caller
    also prices the card's GPU chip, which the GPU ranking and ``fit`` look up."""
    part, usd, day = _csv_cells(row, path, lineno, catalog)
    price = Price(part_id=part.id, usd=usd, date=day, source=row.get("source") or path.name,
                  retailer=row.get("retailer") or None)
    return price, part


def _same_cell(column: str, a: str, b: str) -> bool:
    """Two spellings of one value ("$2,999" and "2999" are one price)."""
    if column == "price_usd":
        try:
            return parse_usd(a) == parse_usd(b)
        except ValueError:
            return a == b
    return a == b


def _csv_bundle(name: str, rows: list[tuple[int, dict[str, str]]], path: Path, catalog: CatalogQueries) -> Bundle:
    """One bundle from its member rows: the price, date and source, given once or repeated alike."""
    shared: dict[str, tuple[int, str]] = {}  # column -> (line, value) where first given
    for lineno, row in rows:
        for col in ("price_usd", "date", "source"):
            value = row.get(col, "")
            if value and col in shared and not _same_cell(col, shared[col][1], value):
                raise _cell_error(path, lineno)(
                    col, f"bundle {name!r}: {value!r} differs from {shared[col][1]!r} on line {shared[col][0]}; "
                    f"every row of a bundle carries the bundle's {col} (or leaves it blank)")
            if value:
                shared.setdefault(col, (lineno, value))
    counts: dict[str, int] = {}
    first = rows[0][0]
    for col in ("price_usd", "date"):
        if col not in shared:
            raise _cell_error(path, first)(col, f"bundle {name!r} has no {col}: give the bundle's on one of its rows")
    fill = {col: value for col, (_, value) in shared.items()}
    for lineno, row in rows:
        part, usd, day = _csv_cells({**row, **fill}, path, lineno, catalog)
        counts[part.id] = counts.get(part.id, 0) + 1
    return Bundle(name=name, members=tuple(BundleMember(part_id=p, count=n) for p, n in counts.items()),
                  usd=usd, date=day, source=fill.get("source") or path.name)


def price_for(book: PriceBook, part: object) -> Price | None:
    """The book's price of a part, else of its GPU chip (a card priced by its chip's figure)."""
    found = book.price(getattr(part, "id", ""))
    chip_id = getattr(part, "chip_id", None)
    if found is None and chip_id:
        found = book.price(chip_id)
    return found


def age_days(price: Price, today: date | None = None) -> int:
    return ((today or date.today()) - price.date).days


def is_stale(price: Price, today: date | None = None) -> bool:
    return age_days(price, today) > STALE_AFTER_DAYS
