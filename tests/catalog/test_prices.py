"""Price books: the user's CSV book, and the latest price across books."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dlrig.catalog.models import Gpu, Price, PriceBookInfo
from dlrig.catalog.prices import PriceBook, is_stale, load_csv_book, parse_usd
from dlrig.errors import MalformedFile


class TinyCatalog:
    def __init__(self) -> None:
        from dlrig.catalog.names import NameIndex

        self.parts = {p.id: p for p in (Gpu(id="gpu/4090", name="GeForce RTX 4090", src="t"),
                                        Gpu(id="gpu/5090", name="GeForce RTX 5090", src="t"))}
        self.index = NameIndex(self.parts.values())

    def resolve(self, name: str, category: str | None = None) -> Gpu:
        return self.parts[self.index.resolve(name, category)]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "quotes.csv"
    path.write_text(text)
    return path


def test_csv_book_loads_names_dollars_and_dates(tmp_path):
    path = write(tmp_path, "part,price_usd,date,source,retailer\n"
                           "GeForce RTX 4090,\"$1,599.99\",2026-11-01,my quote,Shop\n"
                           "rtx 5090,1999,2026-11-02,,\n")
    book = load_csv_book(path, TinyCatalog())  # type: ignore[arg-type]
    assert book.price("gpu/4090").usd == 1599.99  # type: ignore[union-attr]
    assert book.price("gpu/4090").retailer == "Shop"  # type: ignore[union-attr]
    assert book.price("gpu/5090").source == "quotes.csv"  # type: ignore[union-attr]
    assert book.info.date == dt.date(2026, 11, 2)


@pytest.mark.parametrize(("text", "line", "column"), [
    ("part,price_usd,date\nGeForce RTX 4090,cheap,2026-01-01\n", 2, "price_usd"),
    ("part,price_usd,date\nGeForce RTX 4090,10,2026-13-01\n", 2, "date"),
    ("part,price_usd,date\nGeForce RTX 4090,10,2026-01-01\nRTX 9999,10,2026-01-01\n", 3, "part"),
    ("part,price_usd,date\nGeForce RTX 4090,-5,2026-01-01\n", 2, "price_usd"),
])
def test_malformed_csv_names_line_and_column(tmp_path, text, line, column):
    with pytest.raises(MalformedFile) as exc:
        load_csv_book(write(tmp_path, text), TinyCatalog())  # type: ignore[arg-type]
    assert exc.value.line == line and exc.value.column == column
    assert f"line {line}" in exc.value.message and column in exc.value.message


def test_missing_column_is_named(tmp_path):
    with pytest.raises(MalformedFile) as exc:
        load_csv_book(write(tmp_path, "name,price\nx,1\n"), TinyCatalog())  # type: ignore[arg-type]
    assert "price_usd" in exc.value.message and exc.value.line == 1


def test_latest_keeps_the_newest_price_of_each_part():
    info = PriceBookInfo(name="a", description="", source="t")
    old = Price(part_id="gpu/4090", usd=1599, date=dt.date(2022, 10, 12), source="launch")
    new = Price(part_id="gpu/4090", usd=1820, date=dt.date(2025, 7, 23), source="street")
    latest = PriceBook.latest_of([PriceBook(info, {"gpu/4090": old}), PriceBook(info, {"gpu/4090": new})])
    assert latest.price("gpu/4090") == new


def test_stale_after_a_year():
    p = Price(part_id="x", usd=1, date=dt.date(2025, 1, 1), source="t")
    assert is_stale(p, today=dt.date(2026, 1, 2)) and not is_stale(p, today=dt.date(2025, 12, 31))


def test_parse_usd():
    assert parse_usd("$1,599.99") == 1599.99
    with pytest.raises(ValueError):
        parse_usd("1.599,99 €")


class CardCatalog(TinyCatalog):
    """'RTX 3090' resolves to a board-partner card, as the packaged catalog's Founders Edition does."""

    def __init__(self) -> None:
        from dlrig.catalog.names import NameIndex

        chip = Gpu(id="gpu/geforce-rtx-3090", name="GeForce RTX 3090", src="t")
        card = Gpu(id="gpu/card/fe-3090", name="NVIDIA Founders Edition GeForce RTX 3090 24GB", src="t",
                   chip_id=chip.id, aliases=("RTX 3090",))
        self.parts = {p.id: p for p in (chip, card)}
        self.index = NameIndex([card])


def test_a_row_naming_a_card_prices_its_gpu_chip_too(tmp_path):
    """Issue 17: 'RTX 3090,750,...' resolved to a card, and `dlrig gpus` (which ranks chips) showed nothing."""
    book = load_csv_book(write(tmp_path, "part,price_usd,date\nRTX 3090,750,2026-01-12\n"),
                         CardCatalog())  # type: ignore[arg-type]
    assert book.price("gpu/card/fe-3090").usd == 750  # type: ignore[union-attr]
    chip = book.price("gpu/geforce-rtx-3090")
    assert chip is not None and chip.usd == 750 and chip.date == dt.date(2026, 1, 12)
    assert "Founders Edition" in (chip.note or "")


def test_an_unknown_row_names_its_line_and_the_closest_parts(tmp_path):
    path = write(tmp_path, "part,price_usd,date\nGeForce RTX 4090,1599,2026-01-12\nGeForce RTX 5900,10,2026-01-12\n")
    with pytest.raises(MalformedFile) as exc:
        load_csv_book(path, TinyCatalog())  # type: ignore[arg-type]
    assert exc.value.line == 3 and "closest" in exc.value.message and "GeForce RTX 5090" in exc.value.message
    assert exc.value.exit_code == 2


def test_csv_bundle_rows_share_one_price_and_count_repeated_parts(tmp_path):
    path = write(tmp_path, "part,price_usd,date,source,bundle\n"
                           "GeForce RTX 4090,\"$2,999\",2026-11-03,shop quote,pair\n"
                           "RTX 5090,,,,pair\n"
                           "RTX 5090,2999,2026-11-03,,pair\n"
                           "GeForce RTX 4090,1599,2026-11-01,launch,\n")
    book = load_csv_book(path, TinyCatalog())  # type: ignore[arg-type]
    (pair,) = book.bundles
    assert (pair.name, pair.usd, pair.date, pair.source) == ("pair", 2999, dt.date(2026, 11, 3), "shop quote")
    assert {(m.part_id, m.count) for m in pair.members} == {("gpu/4090", 1), ("gpu/5090", 2)}
    assert book.price("gpu/4090").usd == 1599  # type: ignore[union-attr]  # its own price stays separate
    assert book.price("gpu/5090") is None and book.info.date == dt.date(2026, 11, 3)


@pytest.mark.parametrize(("rows", "line", "column", "message"), [
    ("GeForce RTX 4090,2999,2026-11-03,pair\nRTX 5090,2899,2026-11-03,pair\n", 3, "price_usd", "differs from '2999'"),
    ("GeForce RTX 4090,,2026-11-03,pair\nRTX 5090,,2026-11-03,pair\n", 2, "price_usd",
     "bundle 'pair' has no price_usd"),
    ("GeForce RTX 4090,2999,2026-11-03,pair\nRTX 9999,,,pair\n", 3, "part", "unknown part"),
    ("GeForce RTX 4090,2999,2026-11-03,pair\nGeForce RTX 4090,1999,2026-11-03,solo\n", None, "bundle",
     "gpu/4090 is in bundles 'pair' and 'solo'"),
])
def test_malformed_csv_bundle_names_what_is_wrong(tmp_path, rows, line, column, message):
    with pytest.raises(MalformedFile) as exc:
        load_csv_book(write(tmp_path, "part,price_usd,date,bundle\n" + rows), TinyCatalog())  # type: ignore[arg-type]
    assert exc.value.line == line and exc.value.column == column and message in exc.value.message


def test_packaged_book_reads_a_bundle_row(tmp_path):
    import json

    from dlrig.catalog.prices import load_book_file

    path = tmp_path / "b.jsonl"
    rows = [{"part_id": "gpu/4090", "usd": 1599.0, "date": "2022-10-12", "source": "launch"},
            {"bundle": "pair", "members": [{"part_id": "gpu/4090"}, {"part_id": "gpu/5090", "count": 2}],
             "usd": 5000.0, "date": "2026-01-01", "source": "quote", "quote": "both for $5,000"}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    book = load_book_file(path, PriceBookInfo(name="b", description="", source="t"))
    (pair,) = book.bundles
    assert book.order == ("gpu/4090",) and pair.quote == "both for $5,000" and pair.members[1].count == 2
    rows.append({**rows[1], "bundle": "other"})
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    with pytest.raises(MalformedFile, match="a part may be in one bundle"):
        load_book_file(path, PriceBookInfo(name="b", description="", source="t"))
