import pytest

from dlrig.cost.purchase import purchase_cost
from dlrig.errors import BadInput


def test_tax_and_shipping_on_hand_worked_case(build, book, today):
    p = purchase_cost(build, book, tax_rate=0.08, shipping_usd=50, today=today)
    assert p.parts_usd == pytest.approx(4 * 1000 + 400 + 200)  # 4,600
    assert p.tax_usd == pytest.approx(368.0)  # 8% of 4,600
    assert p.total_usd == pytest.approx(4600 + 368 + 50)


def test_unpriced_part_is_listed_never_invented(build, book, today):
    p = purchase_cost(build, book, today=today)
    assert p.unpriced == ("Hercules 1600W",)
    assert p.total_note == "1 part unpriced"
    psu_line = next(line for line in p.lines if line.category == "psu")
    assert psu_line.unit_usd is None and psu_line.line_usd is None and psu_line.stale is None


def test_price_older_than_a_year_is_stale(build, book, today):
    p = purchase_cost(build, book, today=today)
    assert p.stale == ("GA-X99-UD3P",)
    board = next(line for line in p.lines if line.category == "motherboard")
    assert board.age_days == (today - board.date).days > 365


def test_card_priced_by_its_chip(build, book, titan, today):
    from dataclasses import replace

    from dlrig.build import Item

    card = titan.model_copy(update={"id": "gpu/evga/titan-x", "chip_id": "gpu/titan-x"})
    b = replace(build, items={**build.items, "gpu": (Item(card, count=2),)})
    assert purchase_cost(b, book, today=today).lines[0].line_usd == 2000


@pytest.mark.parametrize("rate", [-0.01, 1.5])
def test_tax_rate_out_of_range_is_bad_input(build, book, rate):
    with pytest.raises(BadInput, match="tax rate must be between 0 and 1"):
        purchase_cost(build, book, tax_rate=rate)


def test_negative_shipping_is_bad_input(build, book, today):
    with pytest.raises(BadInput, match="shipping"):
        purchase_cost(build, book, shipping_usd=-1)
