"""Physical rules: board in case, cards on slots, stacked coolers, lengths and heights
(docs/domain.md section 6)."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise

from dlrig.build import Build
from dlrig.catalog.models import Case, Gpu, Motherboard, Part
from dlrig.rules import samples as s
from dlrig.rules.base import Outcome, Rule, distinct, example, norm_token, rule
from dlrig.rules.placement import Placement, place_gpus, placement_of, width_positions

ATX_POSITIONS = 7  # ATX boards have 7 expansion-slot positions (ATX specification 2.2, fig. 2)
# The most expansion-slot positions a board of each form factor has: ATX 7 (ATX 2.2),
# microATX 4 (microATX 1.2), Mini-DTX 2 (DTX 1.0), Mini-ITX 1; the SSI EEB/CEB and E-ATX
# boards keep the ATX slot area (7); XL-ATX and HPTX are not standardized: 10 is taken as a
# generous bound. Used only as a necessary condition, so a bound too high never fails a build.
MAX_POSITIONS = {"ATX": 7, "Micro ATX": 4, "Flex ATX": 4, "Mini-DTX": 2, "Mini-ITX": 1,
                 "E-ATX": 7, "SSI EEB": 7, "SSI CEB": 7, "XL-ATX": 10, "HPTX": 10}
# Intel ATX12V Power Supply Design Guide: the standard (PS/2) ATX supply is 150 x 86 x 140 mm.
ATX_PSU_DEPTH_MM = 140.0
LONG_PSU_MM = 180.0  # longer than most mid-tower PSU bays; the seed's 1600 W unit is 240 mm

_FORM_ALIASES = {
    "MATX": "MICROATX", "UATX": "MICROATX", "MICROATX": "MICROATX",
    "MITX": "MINIITX", "MINIITX": "MINIITX", "EATX": "EATX", "EXTENDEDATX": "EATX",
    "SSIEEB": "EEB", "EEB": "EEB", "SSICEB": "CEB", "CEB": "CEB", "ATX": "ATX",
}


def _form(text: str | None) -> str:
    key = norm_token(text)
    return _FORM_ALIASES.get(key, key)


# A board also fits a case that lists a larger form factor with the same mounting. SSI CEB
# (12 x 10.5 in, ATX-pattern holes; SSI CEB specification 1.1) is no larger than E-ATX or
# SSI EEB (12 x 13 in): workstation boards such as the ASUS X99-E WS go in E-ATX cases.
_FITS_IN = {"CEB": {"EATX", "EEB"}}


def _board_fits(board_form: str | None, case_forms: tuple[str, ...]) -> bool:
    form = _form(board_form)
    listed = {_form(f) for f in case_forms}
    return form in listed or bool(_FITS_IN.get(form, set()) & listed)


@rule("FORM-FACTOR", "problem", "Board and PSU form factors fit the case", "physical",
      good=example("ATX board and ATX PSU in an ATX mid tower", motherboard=s.X99_BOARD,
                   psu=s.PSU_850, case=s.MID_TOWER),
      bad=example("E-ATX board in an ATX mid tower", motherboard=s.WRX80_BOARD, case=s.MID_TOWER))
def form_factor(r: Rule, build: Build) -> Iterator[Outcome]:
    """What: the case lists the board's form factor (ATX, Micro ATX, E-ATX, ...), or a larger one
    with the same mounting (an SSI CEB board in an E-ATX case), and the PSU's form factor (ATX,
    SFX) where the case lists PSU form factors.

    Why: a board larger than the case's tray has no mounting holes or room; an ATX PSU does
    not fit an SFX bay (an SFX PSU fits an ATX bay with a bracket).

    Bad: a workstation E-ATX board in an ATX mid tower.

    Fix: a case that lists the board's form factor.

    Source: ATX / microATX / Mini-ITX / SSI EEB specifications; the case maker's list.
    """
    board, case, psu = build.motherboard, build.case, build.psu
    if case is None:
        yield r.skip("needs a case")
        return
    if board is not None:
        if not board.form_factor:
            yield r.unknown(board, "the form factor")
        elif not case.board_form_factors:
            yield r.unknown(case, "the list of board form factors")
        elif not _board_fits(board.form_factor, case.board_form_factors):
            yield r.problem(f"{board.name} is {board.form_factor}; {case.name} takes "
                            f"{', '.join(case.board_form_factors)}", [board, case],
                            fix=f"a case that takes {board.form_factor} boards")
    if psu is not None and psu.form_factor and case.psu_form_factors:
        allowed = {_form(f) for f in case.psu_form_factors}
        if _form(psu.form_factor) not in allowed:
            sfx_in_atx = _form(psu.form_factor).startswith("SFX") and "ATX" in allowed
            if sfx_in_atx:
                yield r.note(f"{psu.name} is SFX; {case.name} has an ATX bay: it needs an SFX-to-ATX "
                             "bracket", [psu, case], fix="an SFX-to-ATX bracket")
            else:
                yield r.problem(f"{psu.name} is {psu.form_factor}; {case.name} takes "
                                f"{', '.join(case.psu_form_factors)} PSUs", [psu, case],
                                fix=f"a {case.psu_form_factors[0]} PSU")


@rule("GPU-SLOTS", "problem", "The GPUs fit the board's x16 slots and the case's openings",
      "physical",
      good=example("4 double-wide cards on x16 slots at positions 1, 3, 5, 7; 10 openings",
                   gpu=(s.TITAN_X, 4), cpu=s.I7_5930K, motherboard=s.X99_BOARD, case=s.THOR_V2),
      bad=example("4 triple-wide cards on the same board: only 2 fit",
                  gpu=(s.RTX_4090, 4), cpu=s.I7_5930K, motherboard=s.X99_BOARD, case=s.THOR_V2))
def gpu_slots(r: Rule, build: Build) -> Iterator[Outcome]:
    """What: places the cards on the board's slot map by their thickness: each card needs an x16
    slot, covers as many positions as it is slots wide, and the last one must fit the case's
    expansion openings. Without a slot map it can only count the board's x16 slots.

    Why: a double-wide card covers the slot below it; four double-wide cards need x16 slots at
    every other position, and a card in the last board position needs an opening below the
    board (8 or more in the case).

    Bad: four triple-wide RTX 4090s on a board with x16 slots at positions 1, 3, 5, 7.

    Fix: thinner (blower, dual-slot) cards, a board with better-spaced x16 slots, a case with
    more openings, or PCIe risers.

    Source: slot pitch 20.32 mm and 7 ATX positions (ATX specification); docs/domain.md section 6;
    the seed post ("enough space for 4 double-wide cards").
    """
    gpus, board = build.gpus, build.motherboard
    if not gpus or board is None:
        yield r.skip("needs GPUs and a motherboard")
        return
    unknown = [g for g in distinct(gpus) if width_positions(g) is None]
    for g in unknown:
        yield r.unknown(g, "the thickness (slot width)", "only the x16 slots are counted")
    placement = None if unknown else placement_of(build)
    if placement is not None and placement.positions_known:
        yield from _judge_placement(r, build, board, placement)
    else:
        yield from _count_slots(r, build, board)


def _judge_placement(r: Rule, build: Build, board: Motherboard, placement: Placement
                     ) -> Iterator[Outcome]:
    gpus, case = build.gpus, build.case
    names = list(dict.fromkeys(g.name for g in gpus))
    positions = [sl.position for sl in board.slots if sl.size >= 16]
    if not placement.fits:
        free = place_gpus(gpus, board.slots, None, None)
        case_binds = free.fits and case is not None and case.expansion_slots is not None
        why = (f"{case.name} has {case.expansion_slots} expansion openings and the last card would "
               f"reach position {free.bottom}" if case_binds and case else
               f"{board.name} has x16 slots at positions {', '.join(map(str, positions))}")
        involved = [*names, board.name, *([case.name] if case_binds and case else [])]
        yield r.problem(f"{len(gpus)} cards do not fit: {why}; at most {len(placement.placed)} fit "
                        f"({placement.describe() or 'none'})", involved,
                        fix="thinner (dual-slot blower) cards, a board with x16 slots every other "
                            "position, a case with more openings, or risers")
        return
    if case is None or case.expansion_slots is None:
        last = max(ATX_POSITIONS, *positions)
        if placement.bottom > last:
            yield r.note(f"the last card reaches position {placement.bottom}, below the board: the "
                         f"case needs at least {placement.bottom} expansion openings (unchecked)",
                         [*names, *([case.name] if case else [])],
                         fix=f"a case with {placement.bottom} or more expansion openings")


def _count_slots(r: Rule, build: Build, board: Motherboard) -> Iterator[Outcome]:
    n = build.gpu_count
    names = list(dict.fromkeys(g.name for g in build.gpus))
    if board.slots:
        x16 = sum(1 for sl in board.slots if sl.size >= 16)
    elif board.slot_summary:
        x16 = sum(sm.quantity for sm in board.slot_summary if sm.lanes >= 16)
    else:
        yield r.unknown(board, "slot map or slot count")
        return
    need = _positions_needed(build.gpus)
    most = MAX_POSITIONS.get(board.form_factor or "")
    if x16 < n:
        yield r.problem(f"{n} GPUs but {board.name} has {x16} x16 slot(s)", [*names, board.name],
                        fix=f"a board with {n} x16 slots spaced for the cards")
    elif need is not None and most is not None and need > most:
        yield r.problem(f"{n} cards {max(width_positions(g) or 1 for g in build.gpus)} slots thick need x16 "
                        f"slots spread over at least {need} positions; a {board.form_factor} board like "
                        f"{board.name} has at most {most}", [*names, board.name],
                        fix="an ATX or larger board with x16 slots every other position, thinner cards, "
                            "or fewer GPUs")
    elif not board.slots or board.slot_positions_known is False:
        what = "no slot map" if not board.slots else "the order of its slots but not their positions"
        yield r.note(f"{board.name} has {x16} x16 slot(s) for {n} GPU(s), but the catalog has {what}: "
                     "which positions the cards take, and whether thick cards cover a slot, is "
                     "unchecked", [board.name, *names],
                     fix="check the board manual's slot layout against the cards' thickness")


def _positions_needed(gpus: list[Gpu]) -> int | None:
    """Positions from the first card's slot to the last card's slot, packed as tightly as possible."""
    widths = [w for g in gpus if (w := width_positions(g)) is not None]
    if not widths or len(widths) < len(gpus):  # no card, or a card's width unknown
        return None
    return sum(sorted(widths)[:-1]) + 1


@rule("COOLING-STACK", "warning", "Open-air cards are not pressed against each other", "physical",
      good=example("4 blower cards at every other position", gpu=(s.TITAN_X, 4),
                   cpu=s.I7_5930K, motherboard=s.X99_BOARD, case=s.THOR_V2),
      bad=example("3 open-air dual-slot cards at positions 1, 3, 5: no gap between them",
                  gpu=(s.OPEN_AIR_2SLOT, 3), cpu=s.I7_5930K, motherboard=s.X99_BOARD,
                  case=s.THOR_V2))
def cooling_stack(r: Rule, build: Build) -> Iterator[Outcome]:
    """What: where the placement leaves no empty position between two cards, the upper card's
    cooler is a blower (or water); passive cards are flagged in any desktop case.

    Why: open-air coolers blow down at the card below and recirculate hot air; pressed against
    another card they starve and throttle. Blowers exhaust out of the case and are made for
    dense multi-GPU boxes. Passive datacenter cards rely on a server chassis's forced airflow.

    Bad: three open-air dual-slot cards with no gap between them.

    Fix: blower cards, water cooling, risers to spread the cards, or fewer cards.

    Source: docs/domain.md section 6; Tim Dettmers, "A Full Hardware Guide to Deep Learning"
    (cooling section: blower cards for multi-GPU).
    """
    gpus = build.gpus
    if len(gpus) < 1:
        yield r.skip("needs GPUs")
        return
    for g in distinct(gpus):
        if g.cooler == "passive":
            yield r.warning(f"{g.name} is passively cooled: it needs a server chassis's forced "
                            "airflow, not a desktop case", [g],
                            fix="a server chassis rated for the card, or an actively cooled card")
        elif g.cooler is None and len(gpus) > 1:
            yield r.unknown(g, "the cooler type")
    if len(gpus) < 2:
        return
    placement = placement_of(build)
    if placement is None or not placement.positions_known:
        if any(g.cooler == "open-air" for g in gpus):
            yield r.note("open-air cards, but no slot map (or card thickness) to tell whether they "
                         "touch: stacking is unchecked", [g.name for g in gpus],
                         fix="leave a free slot under each open-air card, or use blower cards")
        return
    for upper, lower in pairwise(placement.placed):
        if lower.position == upper.bottom + 1 and upper.gpu.cooler == "open-air":
            yield r.warning(f"{upper.gpu.name} (open-air) in slot {upper.position} has no gap above "
                            f"{lower.gpu.name} in slot {lower.position}: its fans starve",
                            [upper.gpu, lower.gpu],
                            fix="blower cards, risers, water cooling, or fewer cards")


@rule("GPU-LENGTH", "problem", "Each card fits the case's GPU length", "physical",
      good=example("267 mm cards in a 330 mm case", gpu=(s.TITAN_X, 2), case=s.THOR_V2),
      bad=example("a 360 mm card in a 330 mm case", gpu=s.LONG_CARD, case=s.THOR_V2))
def gpu_length(r: Rule, build: Build) -> Iterator[Outcome]:
    """What: each card's length is within the case's maximum GPU length.

    Why: a card longer than the clearance hits the drive cages or the front fans.

    Bad: a 360 mm card in a case that takes 330 mm.

    Fix: a shorter card (reference/blower boards are ~267 mm) or a bigger case.

    Source: the card maker's length, the case maker's clearance (buildcores-opendb).
    """
    case = build.case
    if case is None or not build.gpus:
        yield r.skip("needs GPUs and a case")
        return
    yield from _clearance(r, case, case.max_gpu_length_mm, "maximum GPU length",
                          [(g, g.length_mm) for g in distinct(build.gpus)], "length")


def _clearance(r: Rule, case: Case, limit_mm: float | None, what: str,
               parts: list[tuple[Part, float | None]], size_name: str) -> Iterator[Outcome]:
    for part, size in parts:
        if size is None:
            yield r.unknown(part, f"the {size_name}")
        elif limit_mm is None:
            yield r.unknown(case, f"the {what}", f"{part.name} is {size:g} mm")
        elif size > limit_mm:
            yield r.problem(f"{part.name} is {size:g} mm; {case.name} takes {limit_mm:g} mm",
                            [part, case], fix=f"a case with {size:g} mm or more, or a smaller part")


@rule("PSU-LENGTH", "problem", "The PSU fits the case's PSU bay", "physical",
      good=example("160 mm PSU in a 180 mm bay", psu=s.PSU_850, case=s.MID_TOWER),
      bad=example("240 mm PSU in a 180 mm bay", psu=s.HERCULES_1600, case=s.MID_TOWER))
def psu_length(r: Rule, build: Build) -> Iterator[Outcome]:
    """What: the PSU's length (depth) is within the case's PSU clearance; where the case's
    clearance is unknown, a PSU longer than usual is noted.

    Why: 1,600 W units are long (the seed's is 240 mm vs the 140 mm ATX standard) and collide
    with drive cages or fan mounts: the seed post's author "had to take out a fan holder".

    Bad: a 240 mm PSU in a case whose bay takes 180 mm.

    Fix: a shorter PSU of the same wattage, or a case with a longer bay.

    Source: Intel ATX12V Power Supply Design Guide (150 x 86 x 140 mm); the seed post.
    """
    psu, case = build.psu, build.case
    if psu is None or case is None:
        yield r.skip("needs a PSU and a case")
        return
    if psu.length_mm is None:
        yield r.unknown(psu, "the length")
    elif case.max_psu_length_mm is None:
        long = psu.length_mm > LONG_PSU_MM
        yield r.note(f"the PSU clearance of {case.name} is not in the catalog, so the fit of "
                     f"{psu.name} ({psu.length_mm:g} mm"
                     + (f", {psu.length_mm - ATX_PSU_DEPTH_MM:g} mm longer than a standard "
                        f"{ATX_PSU_DEPTH_MM:g} mm ATX unit" if long else "") + ") is unchecked"
                     + ("; the seed post's author had to remove a fan holder to fit one" if long else ""),
                     [psu, case], fix="measure the case's PSU bay against the PSU's length")
    elif psu.length_mm > case.max_psu_length_mm:
        yield r.problem(f"{psu.name} is {psu.length_mm:g} mm; {case.name} takes "
                        f"{case.max_psu_length_mm:g} mm", [psu, case],
                        fix="a shorter PSU of the same wattage, or a case with a longer PSU bay")


@rule("COOLER-HEIGHT", "problem", "The CPU cooler fits under the side panel", "physical",
      good=example("158 mm cooler in a case that takes 165 mm", cooler=s.TOWER_COOLER,
                   case=s.MID_TOWER),
      bad=example("172 mm cooler in a case that takes 165 mm", cooler=s.TALL_COOLER,
                  case=s.MID_TOWER))
def cooler_height(r: Rule, build: Build) -> Iterator[Outcome]:
    """What: an air cooler's height is within the case's CPU cooler clearance.

    Why: a tower cooler taller than the clearance stops the side panel closing.

    Bad: a 172 mm tower cooler in a case that takes 165 mm.

    Fix: a lower cooler, a liquid cooler (check the radiator mounts by hand), or a wider case.

    Source: the cooler maker's height; the case maker's clearance (buildcores-opendb).
    """
    cooler, case = build.cooler, build.case
    if cooler is None or case is None:
        yield r.skip("needs a CPU cooler and a case")
        return
    if cooler.water_cooled:
        yield r.note(f"{cooler.name} is a liquid cooler: its radiator's fit in {case.name} is "
                     "unchecked", [cooler, case], fix="check the case's radiator mounts")
        return
    yield from _clearance(r, case, case.max_cooler_height_mm, "CPU cooler clearance",
                          [(cooler, cooler.height_mm)], "height")


RULES: tuple[Rule, ...] = (form_factor, gpu_slots, cooling_stack, gpu_length, psu_length,
                           cooler_height)
