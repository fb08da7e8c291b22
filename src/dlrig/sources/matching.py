"""Joining a PCPartPicker listing to the catalog part it names.

Listings name a product line ("MSI GAMING X GeForce RTX 4060 Ti", "Super Flower Zillion FG"
with 850 W in another column); the catalog's parts carry the maker's full name ("MSI GAMING X
GeForce RTX 4060 Ti 16GB GDDR6 Black", "... Zillion FG Black 850W Fully Modular 80+ Gold").
In order, a listing is joined to:

1. the one part with the listing's name or part number, sizes included;
2. the part with the listing's model name once the generic tail is dropped ("Fractal Design
   Meshify 2" is the "... Meshify 2 ATX Mid Tower Case" and its "Dark Tint Black" variant), else
   the part of the listing's maker whose name is the listing's plus only *variant words*
   (colours, memory size and type, wattage, efficiency tier, "Edition"); either must agree with
   the listing's own figures (chip, wattage, length), and where several variants qualify, the
   one with the most facts is joined (they are one product);
3. the one part whose name contains the listing's words best (token-set ratio 97 or more), if
   no other part scores as high.

Anything else stays a part of its own: a wrong join would give a card another card's size.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from dlrig.catalog.models import Part
from dlrig.catalog.names import VENDOR_WORDS, normalize
from dlrig.sources.common import product_key

FUZZY_MIN = 97  # token-set ratio for a name match; below it a listing stays its own part
_COLOURS = "black white silver gray grey red blue pink gold green clear beige orange yellow brown purple"
_VARIANTS = ("gddr5 gddr5x gddr6 gddr6x gddr7 hbm2 ddr4 ddr5 edition graphics card video 80 80+ bronze "
             "platinum titanium certified fully semi non modular atx sfx power supply psu w")
VARIANT_WORDS = frozenset(_COLOURS.split()) | frozenset(_VARIANTS.split())
VARIANT_TOKEN = re.compile(r"^\d+(?:\.\d+)?(?:gb|g|w|mb)$")
# listing figure -> largest difference that is still the same product
AGREE = {"length_mm": 5.0, "wattage_w": 0.0}


def strict_key(text: str) -> str:
    """Like names.key, but sizes stay: a 128 GB and a 1 TB drive are different parts."""
    return " ".join(w for w in normalize(text).split() if w not in VENDOR_WORDS)


def core_words(text: str) -> frozenset[str]:
    """The words that name the product: no maker, colour, size or variant words."""
    return frozenset(w for w in strict_key(text).split()
                     if w not in VARIANT_WORDS and not VARIANT_TOKEN.match(w))


def maker(text: str) -> str:
    words = normalize(text).split()
    return words[0] if words else ""


class Matcher:
    """Finds the catalog part a listing names, or None when no single part fits."""

    def __init__(self, parts: list[Part], category: str = "") -> None:
        self.category = category
        self.parts = {p.id: p for p in parts}
        self.by_key: dict[str, list[str]] = defaultdict(list)
        self.by_product: dict[str, list[str]] = defaultdict(list)
        self.by_core: dict[tuple[str, frozenset[str]], list[str]] = defaultdict(list)
        self.names: dict[str, str] = {}
        for p in parts:
            for spelling in (p.name, *p.aliases):
                self.by_key[strict_key(spelling)].append(p.id)
            self.by_product[product_key(p.name, category)].append(p.id)
            self.by_core[(maker(p.name), core_words(p.name))].append(p.id)
            self.names[p.id] = strict_key(p.name)

    def find(self, *spellings: str, chip_id: str | None = None, facts: dict[str, Any] | None = None
             ) -> str | None:
        """The id of the part the listing names (``spellings``: its name, then with its colour)."""
        def fits(pid: str) -> bool:
            return chip_id is None or getattr(self.parts[pid], "chip_id", None) == chip_id

        for s in spellings:
            ids = [i for i in dict.fromkeys(self.by_key.get(strict_key(s), [])) if fits(i)]
            if len(ids) == 1:
                return ids[0]
        same = [i for i in dict.fromkeys(self.by_product.get(product_key(spellings[0], self.category), []))
                if fits(i) and _agrees(self.parts[i], facts or {})] or self.variants(spellings[0], fits, facts or {})
        if same:
            return max(same, key=lambda i: (_facts(self.parts[i]), i))
        return self._fuzzy(spellings, fits)

    def variants(self, spelling: str, fits: Any, facts: dict[str, Any]) -> list[str]:
        """Parts of the listing's maker named as the listing plus variant words, agreeing with it."""
        found = self.by_core.get((maker(spelling), core_words(spelling)), [])
        return [i for i in dict.fromkeys(found) if fits(i) and _agrees(self.parts[i], facts)]

    def _fuzzy(self, spellings: tuple[str, ...], fits: Any) -> str | None:
        from rapidfuzz import fuzz, process

        choices = {pid: n for pid, n in self.names.items() if fits(pid)}
        for s in spellings:
            hits = process.extract(strict_key(s), choices, scorer=fuzz.token_set_ratio, limit=2)
            if hits and hits[0][1] >= FUZZY_MIN and (len(hits) == 1 or hits[1][1] < hits[0][1]):
                return hits[0][2]
        return None


def _agrees(part: Part, facts: dict[str, Any]) -> bool:
    for field, value in facts.items():
        own = getattr(part, field, None)
        if value is not None and own is not None and abs(own - value) > AGREE.get(field, 0.0):
            return False
    return True


def _facts(part: Part) -> int:
    return len(part.model_dump(exclude_defaults=True))


def fill_from_variants(parts: list[Part], fields: tuple[str, ...], identity: tuple[str, ...],
                       report: Any, label: str) -> list[Part]:
    """Colour and packaging variants of one model share its build: where a part lacks a field
    that every variant listing it agrees on, it takes that value, cited to the variant.

    Variants are parts of one maker whose names differ only in variant words (colour, wattage,
    efficiency tier) and whose ``identity`` fields (a PSU's wattage) are equal.
    """
    groups: dict[tuple, list[int]] = defaultdict(list)
    for i, p in enumerate(parts):
        ident = tuple(getattr(p, f, None) for f in identity)
        if None not in ident:
            groups[(maker(p.name), core_words(p.name), ident)].append(i)
    out = list(parts)
    for members in groups.values():
        if len(members) < 2:
            continue
        for field in fields:
            known = [i for i in members if getattr(out[i], field, None) is not None]
            if not known or len({repr(getattr(out[i], field)) for i in known}) != 1:
                continue
            donor = out[known[0]]
            for i in members:
                if getattr(out[i], field, None) is None:
                    cite = f"{donor.source_of(field)} (same model: {donor.name})"
                    out[i] = out[i].model_copy(update={field: getattr(donor, field),
                                                       "field_src": {**out[i].field_src, field: cite}})
                    report.correct(label, f"{field} from a variant of the same model")
    return out
