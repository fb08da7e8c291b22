"""The model's figures: the case openings cards need on a board, and each option's platform floor."""

from __future__ import annotations

import itertools

import pytest

from dlrig.catalog.models import Motherboard, Slot
from dlrig.catalog.store import Catalog, default_catalog
from dlrig.plan import brute
from dlrig.plan import model as md
from dlrig.plan.candidates import PLATFORM
from dlrig.plan.figures import Figures
from dlrig.plan.plan import candidates_for
from dlrig.plan.request import PlanRequest
from dlrig.rules import samples as s
from dlrig.rules.placement import place_gpus

BOOK = "test-book"  # the small catalog's price book (conftest.py)


def placed_openings(board: Motherboard, width: int, count: int) -> int | None:
    """The openings as the checker's placement finds them: the fewest that any placement fits in
    (the planner's former way, one full placement search per limit)."""
    card = s.TITAN_X.model_copy(update={"slot_width": float(width)})
    last = max(sl.position for sl in board.slots) + width
    for limit in range(count * width, last + 1):
        if place_gpus([card] * count, board.slots, None, limit).fits:
            return limit
    return None


def mapped_boards() -> list[Motherboard]:
    """The catalog's and the samples' slot-mapped boards, and one board for every set of x16
    positions among 1-8 (with x1 slots in the gaps)."""
    boards = [b for b in default_catalog().parts("motherboard") if md.has_slot_map(b)]  # type: ignore[arg-type]
    boards += [b for b in s.all_parts() if isinstance(b, Motherboard) and md.has_slot_map(b)]
    for n in range(1, 256):
        long = [p for p in range(1, 9) if n >> (p - 1) & 1]
        slots = tuple(Slot(position=p, size=16 if p in long else 1, lanes=16 if p in long else 1) for p in range(1, 9))
        boards.append(s.X99_BOARD.model_copy(update={"id": f"motherboard/test-{n}", "slots": slots}))
    return boards


@pytest.mark.parametrize(("width", "count"), list(itertools.product((1, 2, 3, 4), (1, 2, 3, 4, 7))))
def test_openings_match_the_placement_search(width: int, count: int) -> None:
    """The direct count (the highest free slot each time) agrees with the checker's placement
    search on every slot-mapped board of the catalog and the rules' samples."""
    boards = mapped_boards()
    assert len(boards) > 255
    for board in boards:
        card = s.TITAN_X.model_copy(update={"slot_width": float(width)})
        assert md.openings_needed(board, card, count) == placed_openings(board, width, count), board.name


@pytest.mark.parametrize("region", ["us-240v", "us-120v"])
def test_the_floor_is_never_above_the_cheapest_platform(small_catalog: Catalog, region: str) -> None:
    """For every GPU option, the floor is at most the cheapest platform that the checker accepts
    with it (brute force over every platform of the unpruned table); an option with no floor has
    no such platform at all."""
    req = PlanRequest(prices=BOOK, gpus_min=1, gpus_max=3, region=region, alternatives=0)
    full, _ = candidates_for(req, small_catalog)
    floors = Figures(full, req).floors()
    cheapest: dict[int, int] = {}
    for sel in brute.feasible(full, req):
        i = full.options.index(sel.option)
        platform = sum(p.cents for p in sel.parts.values())
        cheapest[i] = min(cheapest.get(i, platform), platform)
    assert cheapest, "the fixture is not vacuous"
    for i, floor in enumerate(floors):
        if i in cheapest:
            assert floor is not None and floor <= cheapest[i], full.options[i]
    assert any(f is None for f in floors) or len(cheapest) == len(floors)
    assert {i for i, f in enumerate(floors) if f is None}.isdisjoint(cheapest)


def test_the_floor_counts_every_category(small_catalog: Catalog) -> None:
    req = PlanRequest(prices=BOOK, gpus_min=1, gpus_max=1, region="us-240v", alternatives=0)
    full, _ = candidates_for(req, small_catalog)
    floors = [f for f in Figures(full, req).floors() if f is not None]
    cheapest_parts = sum(min(r.cents for r in full.platform[cat]) for cat in PLATFORM)
    assert floors and min(floors) >= cheapest_parts
