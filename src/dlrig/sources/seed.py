"""The seed post's own price book (``seed-2015``): its GPU table, as written, and its parts.

The post is undated; its table prices the GTX 980 Ti, launched 2015-05-31 (GamersNexus), so
its prices are dated that day, the earliest the table could have been written. The TFLOPS
the post quotes are kept beside each price ("quoted"), so ``dlrig gpus --prices seed-2015``
reproduces the table to the decimal while ``catalog show`` keeps TechPowerUp's figures.
Parts the post gives no price for are filled from ``curated/seed_prices.yaml`` (dated
sources near 2015) and marked so; a part with no dated source stays unpriced.

The post's original version prices the platform as one figure: "The base computer is $1,400,
add on another $4k for GPUs". That is the book's bundle ``base computer`` (board, CPU, PSU,
memory, SSD, case as the original built it, with its Mushkin Reactor SSD), which ``dlrig cost``
uses for those parts that have no dated price of their own (dlrig.cost.bundles).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dlrig.catalog.models import Part
from dlrig.catalog.names import key, normalize, sizes
from dlrig.catalog.sources_info import ORIGINAL_SOURCE, SEED_CITATION
from dlrig.sources import curated
from dlrig.sources.common import ChipIndex

SEED_URL = SEED_CITATION
SEED_DATE = "2015-05-31"
SEED_BOOK_INFO = {
    "name": "seed-2015", "source": SEED_URL,
    "description": "the 2015 seed post's GPU table (prices and TFLOPS as quoted) and its parts",
    "date": SEED_DATE, "ordered": True,
}

# (the post's label, catalog chip, price USD, TFLOPS as quoted), in the post's order.
SEED_TABLE = [
    ("GTX TITAN X", "GeForce GTX TITAN X", 1000, 6.9),
    ("GTX 980 Ti", "GeForce GTX 980 Ti", 670, 5.6),
    ("GTX 980", "GeForce GTX 980", 500, 4.1),
    ("Tesla K40", "Tesla K40c", 3000, 4.3),
    ("Tesla K80", "Tesla K80", 5000, 8.7),
]
SEED_PARTS = {  # the post's parts, as the seed post names them
    "EVGA GeForce GTX TITAN X 12GB": 1000,
}
# (name, USD, the post's words, parts by part number), as the original version built it:
# Newegg N82E16813128772, N82E16819117402, N82E16817182251, N82E16820231796, N82E16820226596,
# N82E16811147158.
SEED_BUNDLES = [
    ("base computer", 1400, "The base computer is $1,400, add on another $4k for GPUs",
     ("GA-X99-UD3P", "BX80648I75820K", "HERCULES-1600S", "F4-2133C15Q-32GRR", "MKNSSDRE1TB", "THOR V2")),
]


def seed_rows(parts: dict[str, Part], chips: ChipIndex) -> list[dict[str, Any]]:
    rows = []
    for label, chip_name, usd, tflops in SEED_TABLE:
        chip = chips.get(chip_name)
        if chip is None:
            continue
        rows.append({"part_id": chip.id, "usd": float(usd), "date": SEED_DATE, "source": SEED_URL,
                     "label": label, "quoted": {"fp32_tflops": tflops},
                     "note": "the post's table; dated at the GTX 980 Ti launch (the post is undated)"})
    find = _finder(parts)
    for name, usd in SEED_PARTS.items():
        pid = find(name)
        if pid is None:
            continue
        rows.append({"part_id": pid, "usd": float(usd), "date": SEED_DATE,
                     "source": SEED_URL, "note": "the post: 'only $1,000'"})
    for e in curated.load("seed_prices.yaml"):
        pid = find(e["part"])
        if pid is None or pid.startswith("gpu/") or any(r["part_id"] == pid for r in rows):
            continue  # the post's own table prices the GPUs; launch prices live in the launch book
        rows.append({"part_id": pid, "usd": float(e["price_usd"]), "date": str(e["date"]),
                     "source": str(e["source"]).split()[0],
                     "note": "the post gives no price: filled from the nearest dated source"})
    return rows + bundle_rows(find)


def bundle_rows(find: Callable[[str], str | None]) -> list[dict[str, Any]]:
    """The post's bundles as book rows; a bundle with a part the catalog lacks is left out."""
    rows = []
    for name, usd, quote, members in SEED_BUNDLES:
        ids = [find(m) for m in members]
        if None in ids:
            continue
        rows.append({"bundle": name, "members": [{"part_id": i, "count": 1} for i in ids], "usd": float(usd),
                     "date": SEED_DATE, "source": SEED_URL, "quote": quote,
                     "note": f"the post's original version ({ORIGINAL_SOURCE}); dated at the GTX 980 Ti "
                             "launch like the post's table (the post is undated)"})
    return rows


def _finder(parts: dict[str, Part]) -> Callable[[str], str | None]:
    """The part a seed name spells: its exact name or alias, else the forgiving key with the same
    sizes (the post's 1 TB drive is not the 8 TB one of the same line)."""
    exact: dict[str, str] = {}
    by_key: dict[str, list[str]] = {}
    for p in parts.values():
        for spelling in (p.name, *p.aliases):
            exact.setdefault(normalize(spelling), p.id)
            by_key.setdefault(key(spelling), []).append(p.id)

    def find(name: str) -> str | None:
        if normalize(name) in exact:
            return exact[normalize(name)]
        same = [pid for pid in dict.fromkeys(by_key.get(key(name), [])) if sizes(name) <= sizes(parts[pid].name)]
        return same[0] if same else None

    return find
