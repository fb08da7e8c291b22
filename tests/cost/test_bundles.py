"""Quoted bundles: one price for a group of parts, used only where parts have no price of their own."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from dlrig.build import Item
from dlrig.catalog.models import Bundle, BundleMember
from dlrig.catalog.prices import PriceBook
from dlrig.cost.purchase import purchase_cost
from dlrig.cost.report import price_json

QUOTED = dt.date(2026, 5, 1)


def bundle(usd: float, *members: str | tuple[str, int], name: str = "platform") -> Bundle:
    ms = [BundleMember(part_id=m) if isinstance(m, str) else BundleMember(part_id=m[0], count=m[1]) for m in members]
    return Bundle(name=name, members=tuple(ms), usd=usd, date=QUOTED, source="a shop's quote")


def with_bundles(book: PriceBook, *bundles: Bundle, drop: tuple[str, ...] = ()) -> PriceBook:
    prices = {k: v for k, v in book.prices.items() if k not in drop}
    return replace(book, prices=prices, bundles=bundles)


def line(p, category: str):
    return next(x for x in p.lines if x.category == category)


PLATFORM = ("cpu/i7-5820k", "motherboard/x99", "psu/hercules")


def test_a_bundle_prices_its_unpriced_parts_as_one_line(build, book, today):
    b = with_bundles(book, bundle(900, *PLATFORM), drop=("cpu/i7-5820k", "motherboard/x99"))
    p = purchase_cost(build, b, today=today)
    assert p.unpriced == ()
    assert p.parts_usd == pytest.approx(4 * 1000 + 900)
    rest = line(p, "bundle")
    assert (rest.unit_usd, rest.count, rest.date, rest.source) == (900, 1, QUOTED, "a shop's quote")
    for cat in ("cpu", "motherboard", "psu"):  # no per-part price is invented for a member
        covered = line(p, cat)
        assert covered.unit_usd is None and covered.line_usd is None and covered.bundle == "platform"
        assert covered.note == "in bundle 'platform' ($900, a shop's quote, 2026-05-01)"
        assert covered.date == QUOTED and covered.stale is False
    assert [x.category for x in p.lines] == ["gpu", "cpu", "motherboard", "psu", "bundle"]  # after its members
    assert p.parts_sum == "4 x $1,000 + $900 (bundle 'platform') = $4,900"


def test_partial_overlap_the_rest_of_the_bundle_covers_the_unpriced_and_nothing_is_counted_twice(build, book, today):
    # CPU $400 and board $200 have own prices; the PSU has none: the rest, $900 - $600, is one line
    p = purchase_cost(build, with_bundles(book, bundle(900, *PLATFORM)), today=today)
    assert line(p, "cpu").unit_usd == 400 and line(p, "motherboard").unit_usd == 200
    assert line(p, "cpu").bundle == "platform" and "counted against bundle 'platform'" in line(p, "cpu").note
    assert line(p, "psu").unit_usd is None and line(p, "psu").bundle == "platform"
    rest = line(p, "bundle")
    assert rest.unit_usd == pytest.approx(300)
    assert "less the parts priced on their own" in rest.name and "covers Hercules 1600W" in rest.note
    members = sum(x.line_usd or 0 for x in p.lines if x.bundle == "platform")
    assert members == pytest.approx(900)  # the members add up to the bundle's price, exactly once
    assert p.parts_usd == pytest.approx(4000 + 900) and p.unpriced == ()
    assert p.parts_sum == "4 x $1,000 + $900 (bundle 'platform') = $4,900"


def test_every_member_priced_on_its_own_leaves_the_bundle_unused(build, book, today):
    from dlrig.catalog.models import Price

    priced = replace(book, prices={**book.prices, "psu/hercules": Price(
        part_id="psu/hercules", usd=250, date=QUOTED, source="hand")})
    p = purchase_cost(build, with_bundles(priced, bundle(900, *PLATFORM)), today=today)
    assert not any(x.bundle for x in p.lines) and p.notes == ()
    assert p.parts_usd == pytest.approx(4000 + 400 + 200 + 250)


@pytest.mark.parametrize(("b", "reason"), [
    (bundle(900, *PLATFORM, "case/thor"), "case/thor (not in the build)"),
    (bundle(900, "cpu/i7-5820k", "motherboard/x99", ("psu/hercules", 2)), "Hercules 1600W (quoted 2, build has 1)"),
    (bundle(500, *PLATFORM), "its parts priced on their own already cost $600"),
])
def test_a_bundle_that_does_not_fit_is_not_used_and_says_why(build, book, today, b, reason):
    p = purchase_cost(build, with_bundles(book, b), today=today)
    assert p.unpriced == ("Hercules 1600W",)  # stays unpriced, never guessed
    assert not any(x.category == "bundle" for x in p.lines)
    assert p.parts_usd == pytest.approx(4000 + 400 + 200)
    (note,) = p.notes
    assert note.startswith("bundle 'platform'") and reason in note


def test_a_card_matches_a_member_that_names_its_chip_in_the_quoted_count(build, book, titan, today):
    card = titan.model_copy(update={"id": "gpu/evga/titan-x", "chip_id": "gpu/titan-x"})
    b4 = replace(build, items={**build.items, "gpu": (Item(card, count=4),)})
    gpus = bundle(3800, ("gpu/titan-x", 4), name="four cards")
    p = purchase_cost(b4, with_bundles(book, gpus, drop=("gpu/titan-x",)), today=today)
    assert line(p, "gpu").bundle == "four cards" and line(p, "bundle").unit_usd == 3800
    b3 = replace(build, items={**build.items, "gpu": (Item(card, count=3),)})
    p3 = purchase_cost(b3, with_bundles(book, gpus, drop=("gpu/titan-x",)), today=today)
    assert "quoted 4, build has 3" in p3.notes[0] and "GeForce GTX TITAN X" in p3.unpriced


def test_json_marks_bundle_lines(build, book, today):
    p = purchase_cost(build, with_bundles(book, bundle(900, *PLATFORM)), today=today)
    rows = [price_json(x) for x in p.lines]
    psu = next(r for r in rows if r["category"] == "psu")
    assert psu["usd"] is None and psu["bundle"] == "platform" and psu["note"].startswith("in bundle 'platform'")
    assert sum(r["line_usd"] or 0 for r in rows) == pytest.approx(p.parts_usd)  # the lines add up to the parts


def test_the_seed_books_base_computer_prices_the_post_as_the_original_built_it():
    from pathlib import Path

    from dlrig.catalog.store import default_catalog
    from dlrig.services.inputs import load_build_file as load_build

    catalog = default_catalog()
    book = catalog.price_book("seed-2015")
    (base,) = book.bundles
    assert (base.name, base.usd, base.date) == ("base computer", 1400, dt.date(2015, 5, 31))
    assert "Joseph Redmon" in base.source and "The base computer is $1,400" in (base.quote or "")
    build = load_build(Path(__file__).resolve().parents[2] / "examples" / "seed-2015.yaml", catalog)
    platform = {i.part.id for cat, items in build.items.items() if cat != "gpu" for i in items}
    assert {m.part_id for m in base.members} == platform  # board, CPU, PSU, memory, Mushkin SSD, case
    p = purchase_cost(build, book, tax_rate=0.08)
    assert p.unpriced == () and p.parts_usd == pytest.approx(1400 + 4 * 1000)
    assert p.parts_sum == "4 x $1,000 + $1,400 (bundle 'base computer') = $5,400"


def test_latest_book_keeps_bundles_in_their_own_book(book):
    latest = PriceBook.latest_of([with_bundles(book, bundle(900, *PLATFORM))])
    assert latest.bundles == () and latest.price("cpu/i7-5820k") is not None



def test_the_docs_csv_example_prices_the_seed_build_the_same_way(tmp_path):
    from pathlib import Path

    from dlrig.catalog.prices import load_csv_book
    from dlrig.catalog.store import default_catalog
    from dlrig.services.inputs import load_build_file as load_build

    repo = Path(__file__).resolve().parents[2]
    doc = (repo / "docs" / "cost.md").read_text(encoding="utf-8")
    csv_text = doc.split("```csv\n", 1)[1].split("```", 1)[0]
    (tmp_path / "mine.csv").write_text(csv_text)
    catalog = default_catalog()
    book = load_csv_book(tmp_path / "mine.csv", catalog)
    p = purchase_cost(load_build(repo / "examples" / "seed-2015.yaml", catalog), book, tax_rate=0.08)
    assert p.unpriced == () and p.total_usd == pytest.approx(5832)
    assert line(p, "bundle").source == "my receipt" and line(p, "bundle").unit_usd == 1400
