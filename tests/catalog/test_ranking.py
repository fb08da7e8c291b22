"""The GPU ranking on the packaged catalog: the seed table, modern cards, filters, notes."""

from __future__ import annotations

import pytest

from dlrig.catalog.ranking import Filters, rank_gpus
from dlrig.catalog.store import default_catalog
from dlrig.errors import BadInput

SEED_TABLE = [  # the post's table, to the decimal
    ("GTX TITAN X", 1000, 6.9, 6.9),
    ("GTX 980 Ti", 670, 5.6, 8.4),
    ("GTX 980", 500, 4.1, 8.2),
    ("Tesla K40", 3000, 4.3, 1.4),
    ("Tesla K80", 5000, 8.7, 1.7),
]


@pytest.fixture(scope="module")
def catalog():
    return default_catalog()


def test_seed_book_gives_the_posts_table_in_its_order(catalog):
    r = rank_gpus(catalog, catalog.price_book("seed-2015"), "fp32")
    got = [(row.label, round(row.price.usd), round(row.tflops, 1), round(row.gflops_per_usd, 1)) for row in r.rows]
    assert got == SEED_TABLE


def test_the_post_flags_teslas_as_poor_buys(catalog):
    r = rank_gpus(catalog, catalog.price_book("seed-2015"), "fp32")
    flagged = {row.label for row in r.rows if any("double-precision" in n for n in row.notes)}
    assert flagged == {"Tesla K40", "Tesla K80"}


def test_perf_per_dollar_sort_puts_the_980_ti_first(catalog):
    r = rank_gpus(catalog, catalog.price_book("seed-2015"), "fp32", sort="perf-per-dollar")
    assert r.rows[0].label == "GTX 980 Ti"  # the post: "the 980 Ti comes out ahead"


def test_current_bf16_ranking_covers_modern_cards_with_dated_prices(catalog):
    r = rank_gpus(catalog, catalog.price_book("latest"), "bf16")
    names = {row.gpu.name for row in r.rows}
    assert len(r.rows) >= 40
    assert {"GeForce RTX 5090", "GeForce RTX 4090", "RTX A6000"} <= names
    assert any(n.startswith("H100") for n in names)
    assert all(row.price.date and row.price.source for row in r.rows)
    ratios = [row.gflops_per_usd for row in r.rows]
    assert ratios == sorted(ratios, reverse=True)


def test_cards_without_bf16_are_left_out_and_counted(catalog):
    r = rank_gpus(catalog, catalog.price_book("launch"), "bf16")
    assert all(row.gpu.bf16_tflops for row in r.rows)
    assert sum(r.unranked.values()) > 0  # Maxwell/Pascal launch prices exist but have no bf16


def test_filters(catalog):
    r = rank_gpus(catalog, catalog.price_book("latest"), "bf16",
                  filters=Filters(min_vram_gb=24, max_price_usd=3000, kinds=("consumer",)))
    assert r.rows and all((row.gpu.vram_gb or 0) >= 24 and row.price.usd <= 3000 and row.gpu.kind == "consumer"
                          for row in r.rows)
    only = rank_gpus(catalog, catalog.price_book("latest"), "bf16", filters=Filters(names=("rtx 4090",)))
    assert [row.gpu.name for row in only.rows] == ["GeForce RTX 4090"]


@pytest.mark.parametrize(("kwargs", "word"), [({"precision": "fp12"}, "precision"),
                                               ({"sort": "speed"}, "sort")])
def test_bad_options_are_bad_input(catalog, kwargs, word):
    with pytest.raises(BadInput) as exc:
        rank_gpus(catalog, catalog.price_book("latest"), **{"precision": "fp32", **kwargs})
    assert word in exc.value.message


def test_bf16_flags_no_datacenter_part_as_a_double_precision_card(catalog):
    """The post's 2015 verdict on Teslas is an FP32 verdict; at bf16 a flag names price per throughput."""
    r = rank_gpus(catalog, catalog.price_book("latest"), "bf16", filters=Filters(min_vram_gb=24))
    notes = {row.gpu.name: " ".join(row.notes) for row in r.rows}
    assert any(n.startswith(("H100", "A100", "Radeon Instinct MI300")) for n in notes)
    assert not any("double-precision" in text for text in notes.values())
    flagged = {name: text for name, text in notes.items() if "poor value at bf16" in text}
    assert flagged and all("per bf16 TFLOPS" in text and "the best value with at least" in text
                           for text in flagged.values())


def test_poor_value_is_against_cards_with_as_much_memory(catalog):
    """Each flag holds: the card costs at least 3x per TFLOPS what the best card with its memory costs."""
    from dlrig.catalog.ranking import MARKUP_FACTOR

    r = rank_gpus(catalog, catalog.price_book("latest"), "bf16")
    for row in r.rows:
        peers = [p for p in r.rows if (p.gpu.vram_gb or 0) >= (row.gpu.vram_gb or 0)]
        worse = max(p.gflops_per_usd for p in peers) / row.gflops_per_usd
        assert any("poor value" in n for n in row.notes) == (worse >= MARKUP_FACTOR), row.gpu.name


def test_the_service_leaves_out_what_frameworks_cannot_run(catalog):
    from dlrig.services.ranking import RankingRequest, rank

    r = rank(RankingRequest(catalog.price_book("latest")), catalog)
    assert r.precision == "bf16"  # today's default (dlrig.defaults)
    left_out = {e.gpu for e in r.excluded}
    assert {"GeForce RTX 2080 Ti", "Radeon RX 7600 XT"} <= left_out  # bf16 emulated on Turing; not on ROCm's list
    assert not left_out & {row.gpu.name for row in r.rows}
    doc = r.as_json()
    assert doc["excluded_by_code"]["precision-emulated"] > 0 and doc["software"]["as_of"]
    seed = rank(RankingRequest(catalog.price_book("seed-2015")), catalog)
    assert seed.precision == "fp32" and not seed.excluded and seed.as_json()["software"] is None
