"""Where the GPUs go: cards placed on a board's slot map, and the lanes each slot then gets.

Expansion slots sit 20.32 mm (0.8 in) apart, one *position* each; a card ``slot_width``
thick covers that many positions, rounded up (a 2.5-slot card blocks the third position).
A card in position p covers p .. p + width - 1, so the next card can go no higher than
p + width (docs/domain.md section 6; PCI Express CEM specification, add-in card envelope).
Positions are counted from the top slot (nearest the CPU), and a case's expansion openings
are counted the same way, so a card's bottom position must not exceed the case's openings.

The search tries every choice of x16 slots and every order of distinct card widths; a build
has at most a handful of slots, so this is exhaustive and instant. Among the placements that
fit it prefers: the widest narrowest link, then the most lanes in all, then the most empty
positions between cards (air for their fans), then the slots nearest the CPU.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import combinations, pairwise

from dlrig.build import Build
from dlrig.catalog.models import Gpu, Slot

LONG_SLOT_SIZE = 16  # only full-length (x16 connector) slots take a GPU


@dataclass(frozen=True)
class Placed:
    gpu: Gpu
    slot: Slot
    width_positions: int
    lanes: int  # electrical width with this CPU and this population of slots

    @property
    def position(self) -> int:
        return self.slot.position

    @property
    def bottom(self) -> int:
        """The lowest position the card covers."""
        return self.slot.position + self.width_positions - 1


@dataclass(frozen=True)
class Placement:
    placed: tuple[Placed, ...]  # in position order
    unplaced: tuple[Gpu, ...]  # cards for which no slot was left
    openings_limit: int | None  # the case's expansion openings, when known
    # False when the board's slot map gives the slots' order and wiring but not their physical
    # positions: cards are then placed for lanes only, as if each were one slot thick.
    positions_known: bool = True

    @property
    def fits(self) -> bool:
        return not self.unplaced

    @property
    def bottom(self) -> int:
        return max((p.bottom for p in self.placed), default=0)

    def describe(self) -> str:
        """'slot 1 (x16), slot 3 (x8)': where each card sits and its electrical width."""
        return ", ".join(f"{p.gpu.name} in slot {p.position} (x{p.lanes})" for p in self.placed)


def width_positions(gpu: Gpu) -> int | None:
    return None if gpu.slot_width is None else max(1, math.ceil(gpu.slot_width - 1e-9))


def slot_lanes(slot: Slot, cpu_lanes: int | None, populated: set[int]) -> int:
    """The slot's electrical width with this CPU and these populated positions."""
    lanes = slot.lanes_by_cpu_lanes.get(cpu_lanes, slot.lanes) if cpu_lanes else slot.lanes
    if slot.lanes_shared is not None and populated.intersection(slot.shares_with):
        lanes = min(lanes, slot.lanes_shared)
    return lanes


def place_gpus(gpus: Sequence[Gpu], slots: Sequence[Slot], cpu_lanes: int | None,
               openings_limit: int | None, positions_known: bool = True) -> Placement:
    """The best placement of as many cards as fit. With ``positions_known`` every card's
    ``slot_width`` must be known; without it, cards are placed for lanes only."""
    long_slots = sorted((s for s in slots if s.size >= LONG_SLOT_SIZE), key=lambda s: s.position)
    cards = sorted(gpus, key=lambda g: width_positions(g) or 1)
    limit = openings_limit if positions_known else None
    for n in range(min(len(cards), len(long_slots)), 0, -1):
        best = _best_of(cards[:n], long_slots, cpu_lanes, limit, positions_known)
        if best is not None:
            unplaced = list(cards)
            for p in best:
                unplaced.remove(p.gpu)
            return Placement(placed=best, unplaced=tuple(unplaced), openings_limit=limit,
                             positions_known=positions_known)
    return Placement(placed=(), unplaced=tuple(gpus), openings_limit=limit,
                     positions_known=positions_known)


def _best_of(cards: Sequence[Gpu], long_slots: Sequence[Slot], cpu_lanes: int | None,
             limit: int | None, physical: bool) -> tuple[Placed, ...] | None:
    best: tuple[Placed, ...] | None = None
    best_score: tuple[int, ...] | None = None
    orders = list(_distinct_orders(cards)) if physical else [tuple(cards)]
    for chosen in combinations(long_slots, len(cards)):
        for order in orders:
            placed = _try(order, chosen, cpu_lanes, limit, physical)
            if placed is None:
                continue
            score = _score(placed)
            if best_score is None or score > best_score:
                best, best_score = placed, score
    return best


def _try(order: Sequence[Gpu], chosen: Sequence[Slot], cpu_lanes: int | None,
         limit: int | None, physical: bool = True) -> tuple[Placed, ...] | None:
    widths = [(width_positions(g) or 1) if physical else 1 for g in order]
    for i in range(len(chosen) - 1):
        if chosen[i].position + widths[i] > chosen[i + 1].position:
            return None
    if limit is not None and chosen[-1].position + widths[-1] - 1 > limit:
        return None
    populated = {s.position for s in chosen}
    return tuple(Placed(gpu=g, slot=s, width_positions=w, lanes=slot_lanes(s, cpu_lanes, populated))
                 for g, s, w in zip(order, chosen, widths, strict=True))


def _score(placed: tuple[Placed, ...]) -> tuple[int, ...]:
    gaps = sum(1 for a, b in pairwise(placed) if b.position > a.bottom + 1)
    return (min(p.lanes for p in placed), sum(p.lanes for p in placed), gaps,
            -sum(p.position for p in placed))


def _distinct_orders(cards: Sequence[Gpu]) -> Iterator[tuple[Gpu, ...]]:
    """Every order of the cards that differs in some card's width (identical cards swap freely)."""
    by_width: dict[int, list[Gpu]] = {}
    for g in cards:
        by_width.setdefault(width_positions(g) or 1, []).append(g)
    for widths in _multiset_perms(Counter({w: len(gs) for w, gs in by_width.items()})):
        taken = {w: 0 for w in by_width}
        order = []
        for w in widths:
            order.append(by_width[w][taken[w]])
            taken[w] += 1
        yield tuple(order)


def _multiset_perms(counts: Counter[int]) -> Iterator[tuple[int, ...]]:
    if not +counts:
        yield ()
        return
    for w in sorted(k for k, v in counts.items() if v > 0):
        counts[w] -= 1
        for rest in _multiset_perms(counts):
            yield (w, *rest)
        counts[w] += 1


def placement_of(build: Build) -> Placement | None:
    """The build's GPU placement, or None when it cannot be computed (no slot map, or no GPUs).
    Where the slots' positions or a card's thickness are unknown, the cards are placed for
    lanes only (``positions_known`` False)."""
    board = build.motherboard
    gpus = build.gpus
    if board is None or not board.slots or not gpus:
        return None
    known = board.slot_positions_known is not False and all(width_positions(g) for g in gpus)
    cpu = build.cpu
    case = build.case
    return place_gpus(gpus, board.slots, cpu.pcie_lanes if cpu else None,
                      case.expansion_slots if case else None, positions_known=known)
