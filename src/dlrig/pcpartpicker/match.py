"""Matching a PCPartPicker item name ("Intel Core i7-5820K 3.3 GHz 6-Core Processor") to a part.

The full name first, then ever shorter leading parts of it (never dropping the model name),
then the most specific catalog part whose every name word the item has.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from dlrig.catalog.models import Part
from dlrig.catalog.names import VENDOR_WORDS
from dlrig.errors import AmbiguousPart, BadInput, UnknownPart
from dlrig.pcpartpicker.patterns import MIN_PREFIX_WORDS, NUMBER, SPEC_UNITS, SPEC_WORDS, UNITS, WORD

if TYPE_CHECKING:
    from dlrig.catalog.protocol import CatalogQueries


def match_item(item: str, category: str, catalog: CatalogQueries) -> Part:
    """The catalog part a PCPartPicker item names: the full name; else the most specific
    catalog part all of whose name words (sizes included) the item contains; else the longest
    leading part of the item that names one part."""
    try:
        return catalog.resolve(item, category)
    except (UnknownPart, AmbiguousPart) as exc:
        first_error: UnknownPart | AmbiguousPart = exc
    found = _contained(item, category, catalog)
    if found is not None:
        return found
    words = item.split()
    for n in range(len(words) - 1, _core_length(words, category) - 1, -1):
        try:
            return catalog.resolve(" ".join(words[:n]), category)
        except UnknownPart:
            continue
        except AmbiguousPart:
            break  # a shorter name only matches more parts
    if isinstance(first_error, AmbiguousPart):
        raise first_error
    raise UnknownPart(item, category, first_error.closest)  # the closest names to the full item


def _core_length(words: list[str], category: str) -> int:
    """How many leading words name the product: PCPartPicker's spec suffix starts at the first
    descriptor ("ATX", "Processor", "80+") or measure ("3.3 GHz", "1600 W"; sizes too, except
    for memory and storage, whose size is part of the product). Prefixes never go shorter."""
    units = SPEC_UNITS | ({"gb", "tb"} if category not in ("memory", "storage") else set())
    for i, word in enumerate(words):
        w = word.lower().strip('",()')
        nxt = words[i + 1].lower() if i + 1 < len(words) else ""
        if w in SPEC_WORDS or w.endswith("-core") or (NUMBER.fullmatch(w) and nxt in units):
            return max(i, MIN_PREFIX_WORDS)
        if any(w.endswith(u) and NUMBER.fullmatch(w[: -len(u)] or "x") for u in units):
            return max(i, MIN_PREFIX_WORDS)
    return len(words)


def _tokens(text: str) -> frozenset[str]:
    """Words of a name without vendor words, a number joined to its unit ("32 GB" -> "32gb")."""
    out: list[str] = []
    for w in WORD.findall(text.lower().replace("g.skill", "gskill")):
        if w in UNITS and out and NUMBER.fullmatch(out[-1]):
            out[-1] += w
        elif w not in VENDOR_WORDS:
            out.append(w)
    return frozenset(out)


Spelling = tuple[frozenset[str], int, int]  # its words, the part's index, the spelling's index in the part


@lru_cache(maxsize=32)
def _token_table(catalog: CatalogQueries, category: str) -> tuple[tuple[Part, ...], dict[str, list[Spelling]]]:
    """The category's parts, and each spelling (name or alias) filed under its rarest word: a
    spelling all of whose words an item has is filed under one of the item's words, so an item
    is compared with the spellings under its own words only, not with the whole category
    (16 ms an item on the packaged catalog's storage; 256 of them held a web worker 4 s)."""
    parts = catalog.parts(category)
    spellings = [(_tokens(s), i, j) for i, p in enumerate(parts) for j, s in enumerate((p.name, *p.aliases))]
    spellings = [sp for sp in spellings if len(sp[0]) >= MIN_PREFIX_WORDS]
    frequency: dict[str, int] = {}
    for words, _, _ in spellings:
        for w in words:
            frequency[w] = frequency.get(w, 0) + 1
    index: dict[str, list[Spelling]] = {}
    for sp in spellings:
        index.setdefault(min(sp[0], key=lambda w: (frequency[w], w)), []).append(sp)
    return parts, index


def _contained(item: str, category: str, catalog: CatalogQueries) -> Part | None:
    have = _tokens(item)
    parts, index = _token_table(catalog, category)
    longest: dict[int, tuple[int, int, frozenset[str]]] = {}  # part -> (-length, spelling index, words)
    for word in have:
        for want, i, j in index.get(word, ()):
            if want <= have and (i not in longest or (-len(want), j) < longest[i][:2]):
                longest[i] = (-len(want), j, want)
    best = [(longest[i][2], parts[i]) for i in sorted(longest)]  # the longest spelling of each, in catalog order
    if not best:
        return None
    top = max(len(t) for t, _ in best)
    winners = [(t, p) for t, p in best if len(t) == top]
    if len(winners) == 1:
        return winners[0][1]
    chips = [p for _, p in winners if getattr(p, "chip_id", "x") is None]
    if len(chips) == 1:
        return chips[0]
    if len({t for t, _ in winners}) == 1:
        # One spelling, several records: the same product listed by two data sets. Take the
        # record that knows the most; a tie is still ambiguous.
        ranked = sorted((_known_fields(p), p.id, p) for _, p in winners)
        if ranked[-1][0] > ranked[-2][0]:
            return ranked[-1][2]
    raise AmbiguousPart(item, sorted(p.name for _, p in winners))


def _known_fields(part: Part) -> int:
    return sum(1 for v in part.model_dump(exclude={"notes", "field_src", "aliases"}).values()
               if v not in (None, (), [], {}))


def ref_name(part: Part, category: str, catalog: CatalogQueries) -> str:
    """The part's name where the name finds it again, else its id (two records share a name)."""
    try:
        if catalog.resolve(part.name, category).id == part.id:
            return part.name
    except BadInput:
        pass
    return part.id


# -- writing ---------------------------------------------------------------------------------
