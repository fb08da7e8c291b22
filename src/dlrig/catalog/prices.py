"""Price books: dated sets of prices, each price with its own date and source.

A user's own book is a CSV file with a header row and these columns:

    part        a catalog id or name ("GeForce RTX 4090", "gpu/nvidia-geforce-rtx-4090")
    price_usd   a positive number ("1599.99"; "$1,599.99" is accepted)
    date        the day of the quote, YYYY-MM-DD
    source      optional: where the price came from (default: the file's name)
    retailer    optional
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from dlrig.catalog.models import Price, PriceBookInfo
from dlrig.errors import BadInput, MalformedFile

if TYPE_CHECKING:
    from dlrig.catalog.store import Catalog

CSV_COLUMNS = ("part", "price_usd", "date", "source", "retailer")
REQUIRED_COLUMNS = ("part", "price_usd", "date")
STALE_AFTER_DAYS = 365  # a price older than this is flagged


@dataclass(frozen=True)
class PriceBook:
    info: PriceBookInfo
    prices: dict[str, Price] = field(default_factory=dict)
    order: tuple[str, ...] = ()  # the book's own order, where it reproduces a published table
    quoted: dict[str, dict[str, float]] = field(default_factory=dict)  # part -> figures it quotes

    @property
    def name(self) -> str:
        return self.info.name

    def price(self, part_id: str) -> Price | None:
        return self.prices.get(part_id)

    @classmethod
    def latest_of(cls, books: Iterable[PriceBook]) -> PriceBook:
        """The most recent known price of each part across books (user books excluded)."""
        best: dict[str, Price] = {}
        for book in books:
            for pid, p in book.prices.items():
                if pid not in best or p.date > best[pid].date:
                    best[pid] = p
        return cls(info=latest_info(), prices=best)


def latest_info() -> PriceBookInfo:
    return PriceBookInfo(name="latest", source="several",
                         description="the most recent known price of each part, with its date")


def load_book_file(path: Path, info: PriceBookInfo) -> PriceBook:
    prices: dict[str, Price] = {}
    order: list[str] = []
    quoted: dict[str, dict[str, float]] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            q = row.pop("quoted", None)
            price = Price.model_validate(row)
            prices[price.part_id] = price
            order.append(price.part_id)
            if q:
                quoted[price.part_id] = q
    return PriceBook(info=info, prices=prices, order=tuple(order), quoted=quoted)


def parse_usd(text: str) -> float:
    """"$1,599.99" -> 1599.99; raise ValueError on anything else."""
    cleaned = re.sub(r"[\s$,]", "", text)
    if not re.fullmatch(r"\d+(\.\d+)?", cleaned):
        raise ValueError(text)
    return float(cleaned)


def load_csv_book(path: Path, catalog: Catalog) -> PriceBook:
    """Read a user's CSV book; name the line and column of anything malformed."""
    if not path.is_file():
        raise BadInput(f"price file {str(path)!r} does not exist")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise MalformedFile(str(path), "not a UTF-8 text file") from None
    reader = csv.DictReader(text.splitlines())
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise MalformedFile(str(path), f"missing column(s) {', '.join(missing)}; the header must "
                            f"have {', '.join(REQUIRED_COLUMNS)} (and optionally source, retailer)",
                            line=1)
    prices: dict[str, Price] = {}
    for lineno, raw in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items()}
        if not any(row.values()):
            continue
        price = _csv_price(row, path, lineno, catalog)
        prices[price.part_id] = price
    if not prices:
        raise MalformedFile(str(path), "no prices in the file")
    newest = max(p.date for p in prices.values())
    info = PriceBookInfo(name=path.name, description=f"user prices from {path}",
                         source=str(path), date=newest)
    return PriceBook(info=info, prices=prices, order=tuple(prices))


def _csv_price(row: dict[str, str], path: Path, lineno: int, catalog: Catalog) -> Price:
    def bad(column: str, problem: str) -> MalformedFile:
        return MalformedFile(str(path), problem, line=lineno, column=column)

    if not row.get("part"):
        raise bad("part", "empty part name")
    try:
        usd = parse_usd(row.get("price_usd", ""))
    except ValueError:
        raise bad("price_usd", f"{row.get('price_usd')!r} is not a price in USD, e.g. 1599.99") from None
    if usd <= 0:
        raise bad("price_usd", "a price must be positive")
    try:
        day = date.fromisoformat(row.get("date", ""))
    except ValueError:
        raise bad("date", f"{row.get('date')!r} is not a date; use YYYY-MM-DD") from None
    try:
        part = catalog.resolve(row["part"])
    except BadInput as exc:
        raise bad("part", exc.message) from None
    return Price(part_id=part.id, usd=usd, date=day, source=row.get("source") or path.name,
                 retailer=row.get("retailer") or None)


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
