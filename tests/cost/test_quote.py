"""A build's quoted total ("about $6,000 after tax"), checked against its own priced total."""

from __future__ import annotations

from dataclasses import replace

import pytest

from dlrig.build import QuoteSpec
from dlrig.catalog.models import Price
from dlrig.cost.purchase import purchase_cost
from dlrig.cost.quote import ABOUT, check_quote, quote_json


@pytest.fixture
def priced(book, today):
    """The hand book with the PSU priced: parts $4,600 + $400 = $5,000."""
    psu = Price(part_id="psu/hercules", usd=400, date=today, source="hand")
    return replace(book, prices={**book.prices, "psu/hercules": psu})


def test_after_tax_quote_implied_rate_and_verdict(build, priced, today):
    p = purchase_cost(build, priced, tax_rate=0.08, today=today)
    c = check_quote(QuoteSpec(usd=6000), p)
    assert c.build_usd == pytest.approx(5400) and c.difference_usd == pytest.approx(-600)
    assert c.implied_tax_rate == pytest.approx(0.2)  # $6,000 / $5,000 - 1
    assert c.verdict == "off"  # 10% below: not "about"
    assert check_quote(QuoteSpec(usd=5500), p).verdict == "holds"  # 1.8% below
    assert check_quote(QuoteSpec(usd=5400 / (1 + ABOUT) - 1), p).verdict == "off"  # just over 5% above


def test_rate_override_shipping_and_a_quote_below_the_parts(build, priced, today):
    p = purchase_cost(build, priced, tax_rate=0.0, shipping_usd=100, today=today)
    c = check_quote(QuoteSpec(usd=5500), p, tax_rate=0.1)
    assert c.tax_rate == 0.1 and c.build_usd == pytest.approx(5000 * 1.1 + 100)
    assert c.implied_tax_rate == pytest.approx((5500 - 100) / 5000 - 1)
    assert check_quote(QuoteSpec(usd=4000), p).implied_tax_rate is None  # no tax rate gets $5,000 to $4,000


def test_before_tax_quote_compares_the_parts(build, priced, today):
    c = check_quote(QuoteSpec(usd=5000, after_tax=False), purchase_cost(build, priced, tax_rate=0.08, today=today))
    assert c.build_usd == 5000 and c.verdict == "holds" and c.implied_tax_rate is None


def test_an_unpriced_part_leaves_the_quote_unverified(build, book, today):
    c = check_quote(QuoteSpec(usd=6000), purchase_cost(build, book, tax_rate=0.08, today=today))
    assert c.verdict == "unverified"
    assert quote_json(c)["verdict"] == "unverified" and quote_json(c)["about"] == ABOUT
