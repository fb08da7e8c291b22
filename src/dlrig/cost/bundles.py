"""Quoted bundles: one dated price for a group of parts, applied without double counting.

A bundle ("the base computer is $1,400": board, CPU, PSU, memory, SSD, case) says what the
group cost together, never how that splits between its parts. So:

1. A part with its own price in the book keeps it; the bundle is for parts that have none.
2. The bundle applies only when the build holds every part it quotes, in the quoted counts:
   a quote for a different set of parts says nothing reliable about this one.
3. The bundle's price less the own prices of its members in the build (their whole lines) is
   one line, "the rest of the bundle", that covers the members without a price. It is never
   spread over them: that would invent per-part prices no source gave.
4. Where the members' own prices already reach the bundle's price, the rest would be zero or
   less: the two sources disagree, the bundle is not used and the rest stay unpriced.

So the members of an applied bundle always add up to exactly the bundle's price, whichever of
them have prices of their own. Each decision not to use a bundle is a note in the report.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from dlrig.catalog.models import Bundle
from dlrig.catalog.prices import STALE_AFTER_DAYS

if TYPE_CHECKING:
    from dlrig.build import Item
    from dlrig.cost.purchase import PriceLine

BUNDLE_CATEGORY = "bundle"


def money(usd: float) -> str:
    """$1,400 for whole dollars, $389.99 otherwise."""
    return f"${usd:,.0f}" if float(usd).is_integer() else f"${usd:,.2f}"


def bundle_label(b: Bundle) -> str:
    """How a covered line cites its bundle: name, price, source and date."""
    return f"in bundle {b.name!r} ({money(b.usd)}, {b.source}, {b.date.isoformat()})"


def _matches(member_id: str, item: Item) -> bool:
    return member_id in (item.part.id, getattr(item.part, "chip_id", None))


def _mismatch(b: Bundle, items: Sequence[Item], names: dict[str, str]) -> list[str]:
    """The members this build lacks, or holds in another count than the bundle quotes."""
    out = []
    for m in b.members:
        have = sum(item.count for item in items if _matches(m.part_id, item))
        if have != m.count:
            name = names.get(m.part_id, m.part_id)
            out.append(f"{name} (quoted {m.count}, build has {have})" if have else f"{name} (not in the build)")
    return out


def apply_bundle(b: Bundle, items: Sequence[Item], lines: list[PriceLine], names: dict[str, str],
                 today: dt.date) -> tuple[list[PriceLine], PriceLine | None, str | None]:
    """``lines`` (``lines[i]`` prices ``items[i]``) with ``b`` applied: its members marked, the
    "rest of the bundle" line to add after them, or a note saying why the bundle was not used."""
    mine = [i for i, item in enumerate(items) if any(_matches(m.part_id, item) for m in b.members)]
    uncovered = [i for i in mine if lines[i].unit_usd is None]
    if not uncovered:
        return lines, None, None  # none of its parts here, or every one has its own price
    if any(lines[i].bundle for i in mine):
        return lines, None, f"bundle {b.name!r} not used: some of its parts are priced by another bundle"
    missing = _mismatch(b, items, names)
    if missing:
        return lines, None, (f"bundle {b.name!r} ({money(b.usd)}) not used: it quotes {len(b.members)} parts "
                             f"together and this build differs: {', '.join(missing)}")
    own = [i for i in mine if lines[i].unit_usd is not None]
    own_usd = sum(lines[i].line_usd or 0.0 for i in own)
    if b.usd - own_usd <= 0:
        return lines, None, (f"bundle {b.name!r} ({money(b.usd)}) not used: its parts priced on their own "
                             f"already cost {money(own_usd)}")
    age = (today - b.date).days
    out = list(lines)
    for i in uncovered:
        out[i] = replace(out[i], date=b.date, age_days=age, stale=age > STALE_AFTER_DAYS,
                         note=bundle_label(b), bundle=b.name)
    for i in own:
        own_note = f"priced on its own; counted against bundle {b.name!r}"
        out[i] = replace(out[i], bundle=b.name, note="; ".join(filter(None, (out[i].note, own_note))))
    rest = _rest_line(b, [lines[i] for i in uncovered], [lines[i] for i in own], b.usd - own_usd, age)
    return out, rest, None


def _rest_line(b: Bundle, covered: list[PriceLine], own: list[PriceLine], usd: float, age: int) -> PriceLine:
    from dlrig.cost.purchase import PriceLine

    note = f"{money(b.usd)} for {len(b.members)} parts quoted together" + (f" ({b.quote})" if b.quote else "")
    if own:
        note += "; less the parts priced on their own: " + ", ".join(
            f"{line.name} {money(line.line_usd or 0.0)}" for line in own)
    note += "; covers " + ", ".join(line.name for line in covered)
    slug = re.sub(r"[^a-z0-9]+", "-", b.name.lower()).strip("-")
    title = f"{b.name} (bundle)" if not own else f"{b.name} (bundle, less the parts priced on their own)"
    return PriceLine(f"{BUNDLE_CATEGORY}/{slug}", title, BUNDLE_CATEGORY, 1, usd, b.date, b.source,
                     age, age > STALE_AFTER_DAYS, note, bundle=b.name)


def apply_bundles(bundles: Sequence[Bundle], items: Sequence[Item], lines: list[PriceLine],
                  names: dict[str, str], today: dt.date) -> tuple[list[PriceLine], list[str]]:
    """Every bundle of the book in the book's order; each rest line follows its last member.
    ``names`` names catalog ids in the notes."""
    lines = list(lines)
    notes: list[str] = []
    rests: list[tuple[int, PriceLine]] = []
    for b in bundles:
        lines, rest, note = apply_bundle(b, items, lines, names, today)
        if rest is not None:
            last = max(i for i, item in enumerate(items) if any(_matches(m.part_id, item) for m in b.members))
            rests.append((last, rest))
        if note:
            notes.append(note)
    for last, rest in sorted(rests, key=lambda r: r[0], reverse=True):
        lines.insert(last + 1, rest)
    return lines, notes
