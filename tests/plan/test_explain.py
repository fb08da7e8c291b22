"""The plan's explanations: the caveat on prices borrowed from another book."""

from __future__ import annotations

from dlrig.catalog.store import default_catalog
from dlrig.plan.explain import borrowed_caveat
from dlrig.plan.plan import plan
from dlrig.plan.request import PlanRequest

SEED = {"prices": "seed-2015", "gpus_min": 4, "gpus_max": 4, "precision": "fp32", "alternatives": 0}


def test_the_seed_plan_says_how_much_of_its_total_is_not_a_2015_price() -> None:
    p = plan(PlanRequest(objective="max-throughput", **SEED), default_catalog())  # type: ignore[arg-type]
    borrowed = [r for r in p.selection.parts.values() if r.price_note]
    assert borrowed  # seed-2015 prices the GPUs (and the post's bundle), not today's platform parts
    caveat = borrowed_caveat(p.selection, "seed-2015")
    assert caveat is not None
    assert caveat.startswith(f"{len(borrowed)} of the parts have no price in seed-2015")
    money = sum(r.usd for r in borrowed)
    assert f"${money:,.0f} of the ${p.selection.parts_usd:,.0f} of parts is not a seed-2015 price" in caveat
    assert all(r.price.date.isoformat() in caveat for r in borrowed)


def test_no_caveat_when_the_book_prices_every_part() -> None:
    p = plan(PlanRequest(objective="max-throughput", **{**SEED, "prices": "street-2025-07", "gpus_min": 1,
                                                          "gpus_max": 1}), default_catalog())  # type: ignore[arg-type]
    assert not any(r.price_note for r in p.selection.parts.values())
    assert borrowed_caveat(p.selection, "street-2025-07") is None
