"""The integers the planner's CP-SAT model is written with, per GPU option and per part, worked out
once per candidate table; and each option's *platform floor*, a lower bound on what the rest of a
build costs with it.

Units: money in cents, power in tenths of a watt, lengths and memory in tenths (of a millimetre,
of a gigabyte); limits round down, needs round up, so a rounded figure never admits a build the
checker would not. The model (:mod:`dlrig.plan.solver`) and the floor read the same figures, so
the floor cannot disagree with the constraints it bounds.

The floor: for each category, the cheapest part that meets the option's needs on its own (its
count and thickness on the board, its length in the case, its memory in RAM, its power and
leads from the PSU with the least power-hungry CPU), the CPU and board taken together (same
socket, enough cores and lanes for the count, slots for the cards). Every build with the option
costs at least its floor, so ``platform cost >= floor`` is a valid cut: it removes no build, and
it tells the solver at once that an option whose card cost plus floor exceeds the budget cannot
be in the answer. An option with no such part in some category (no board seats seven of its
cards) is in no build at all.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

from dlrig.plan import candidates as cn
from dlrig.plan import model as md
from dlrig.plan.candidates import Candidates, GpuOption
from dlrig.plan.request import MIN_CORES_PER_GPU, PlanRequest
from dlrig.power import REST_OF_SYSTEM_W
from dlrig.rules.base import norm_token
from dlrig.rules.physical import MAX_POSITIONS, _form
from dlrig.rules.placement import width_positions
from dlrig.rules.platform import MIN_GOOD_LANES, _socket_key

BIG_GB = 10**6  # "no maximum" for memory limits
DETTMERS = Fraction(md.DETTMERS_FACTOR).limit_denominator(10_000)  # PSU watts >= (GPUs + CPU) x this


def tenths(x: float, up: bool) -> int:
    """``x`` in tenths, as an integer: rounded up for a need, down for a limit (exact values stay)."""
    v = x * 10
    r = round(v)
    if abs(v - r) < 1e-6:
        return int(r)
    return math.ceil(v) if up else math.floor(v)


def board_need(board: object, width: int, count: int) -> int | None:
    """The case openings ``count`` cards ``width`` thick need on this board; None: they do not fit
    (no placement on its slot map, or, without a map, more positions than its form factor has)."""
    if md.has_slot_map(board):  # type: ignore[arg-type]
        return md.lowest_bottom(md.long_positions(board), width, count)  # type: ignore[arg-type]
    most = MAX_POSITIONS.get(getattr(board, "form_factor", None) or "")
    if most is not None and (count - 1) * width + 1 > most:
        return None
    return count * width


@dataclass(frozen=True)
class OptionFigures:
    """One GPU option as the model sees it."""

    count: int
    width: int  # slot positions each card covers
    length: int  # tenths of a millimetre
    vram: int  # tenths of a GB, one card's
    power: int  # tenths of a watt, all the cards' board power
    leads: tuple[tuple[int, int], ...]  # (8-pin leads, 6-pin inputs) for each PSU 12VHPWR count in ``hpwr``


class Figures:
    """The model's integers for one candidate table and request (see the module docstring)."""

    def __init__(self, cands: Candidates, req: PlanRequest) -> None:
        self.c = cands
        P = cands.platform
        limit = md.wall_limit_w(req)
        self.hpwr = tuple(sorted({cn.psu(r).connectors.pcie_12vhpwr for r in P["psu"]}))
        self.socket = {"cpu": [_socket_key(cn.cpu(r).socket) for r in P["cpu"]],
                       "motherboard": [_socket_key(cn.board(r).socket) for r in P["motherboard"]]}
        self.cores = [cn.cpu(r).cores or 0 for r in P["cpu"]]
        self.lanes = [cn.cpu(r).pcie_lanes or 0 for r in P["cpu"]]
        self.cpu_power = [tenths(cn.cpu(r).tdp_w or 0, True) for r in P["cpu"]]
        self.cpu_max_ram = [tenths(cn.cpu(r).max_memory_gb or BIG_GB, False) for r in P["cpu"]]
        self.cpu_types = [frozenset(norm_token(t) for t in cn.cpu(r).memory_types) for r in P["cpu"]]
        self.x16 = [md.x16_count(cn.board(r)) for r in P["motherboard"]]
        self.board_type = [norm_token(cn.board(r).memory_type) for r in P["motherboard"]]
        self.board_form = [_form(cn.board(r).form_factor) for r in P["motherboard"]]
        self.slots = [cn.board(r).memory_slots or 0 for r in P["motherboard"]]
        self.board_max_ram = [tenths(cn.board(r).max_memory_gb or BIG_GB, False) for r in P["motherboard"]]
        self.kit_type = [norm_token(cn.kit(r).memory_type) for r in P["memory"]]
        self.ram = [tenths(cn.kit(r).total_gb or 0, False) for r in P["memory"]]
        self.modules = [cn.kit(r).modules or 0 for r in P["memory"]]
        self.psu_watts = [tenths(cn.psu(r).wattage_w or 0, False) for r in P["psu"]]
        self.psu_dc = [tenths(md.dc_limit_w(cn.psu(r), limit), False) for r in P["psu"]]
        self.pin8 = [cn.psu(r).connectors.pcie_8pin for r in P["psu"]]
        self.pin6 = [cn.psu(r).connectors.pcie_6pin for r in P["psu"]]
        self.lead_index = [self.hpwr.index(cn.psu(r).connectors.pcie_12vhpwr) for r in P["psu"]]
        self.psu_form = [_form(cn.psu(r).form_factor) for r in P["psu"]]
        self.openings = [cn.case(r).expansion_slots or 0 for r in P["case"]]
        self.clearance = [tenths(cn.case(r).max_gpu_length_mm or 0, False) for r in P["case"]]
        self.case_forms = [tuple(cn.case(r).board_form_factors) for r in P["case"]]  # as the case lists them
        self.case_psu_forms = [frozenset(_form(f) for f in cn.case(r).psu_form_factors) for r in P["case"]]
        self.rest = tenths(REST_OF_SYSTEM_W, True)
        self.options = [self._option(o) for o in cands.options]
        self._needs: dict[tuple[int, int], list[int | None]] = {}

    def _option(self, o: GpuOption) -> OptionFigures:
        g = o.gpu
        return OptionFigures(count=o.count, width=width_positions(g) or 1, length=tenths(g.length_mm or 0, True),
                             vram=tenths(g.vram_gb or 0, True), power=tenths((g.board_power_w or 0) * o.count, True),
                             leads=tuple(md.leads_needed(g, o.count, h) for h in self.hpwr))

    def needs(self, width: int, count: int) -> list[int | None]:
        """Each board's case openings for ``count`` cards ``width`` thick (None: they do not fit)."""
        key = (width, count)
        if key not in self._needs:
            self._needs[key] = [board_need(cn.board(r), width, count) for r in self.c.platform["motherboard"]]
        return self._needs[key]

    # -- the platform floor ------------------------------------------------------------------------
    def floors(self) -> list[int | None]:
        """Each option's platform floor in cents (module docstring); None: in no build."""
        memo: dict[tuple, int | None] = {}
        out = []
        for f in self.options:
            parts = (self._cheapest(memo, ("cpu+board", f.count, f.width), self._cpu_board, f),
                     self._cheapest(memo, ("memory", f.vram), self._memory, f),
                     self._cheapest(memo, ("psu", f.power, f.leads), self._psu, f),
                     self._cheapest(memo, ("case", f.length, f.count, f.width), self._case, f),
                     self._storage)
            out.append(None if None in parts else sum(parts))  # type: ignore[arg-type]
        return out

    @staticmethod
    def _cheapest(memo: dict[tuple, int | None], key: tuple, fn: object, f: OptionFigures) -> int | None:
        if key not in memo:
            memo[key] = fn(f)  # type: ignore[operator]
        return memo[key]

    @cached_property
    def _by_cost(self) -> dict[str, list[tuple[int, int]]]:
        """Each category's (cents, row) pairs, cheapest first."""
        return {cat: sorted((r.cents, k) for k, r in enumerate(rows)) for cat, rows in self.c.platform.items()}

    def _first(self, cat: str, fits: object) -> int | None:
        """The price of the cheapest row of ``cat`` that ``fits``."""
        return next((cents for cents, k in self._by_cost[cat] if fits(k)), None)  # type: ignore[operator]

    def _cpu_board(self, f: OptionFigures) -> int | None:
        needs = self.needs(f.width, f.count)
        cpus: dict[str, int] = {}  # socket -> the cheapest CPU with the cores and lanes
        for cents, k in self._by_cost["cpu"]:
            if self.cores[k] >= MIN_CORES_PER_GPU * f.count and self.lanes[k] >= MIN_GOOD_LANES * f.count:
                cpus.setdefault(self.socket["cpu"][k], cents)
        return min((cents + cpus[self.socket["motherboard"][k]] for cents, k in self._by_cost["motherboard"]
                    if self.socket["motherboard"][k] in cpus and self.x16[k] >= f.count and needs[k] is not None),
                   default=None)

    def _memory(self, f: OptionFigures) -> int | None:
        return self._first("memory", lambda k: self.ram[k] >= f.vram)

    def _psu(self, f: OptionFigures) -> int | None:
        cpu = min(self.cpu_power, default=0)
        watts, dc = DETTMERS.numerator * (f.power + cpu), f.power + cpu + self.rest
        return self._first("psu", lambda k: DETTMERS.denominator * self.psu_watts[k] >= watts and self.psu_dc[k] >= dc
                           and leads_fit(f.leads[self.lead_index[k]], self.pin8[k], self.pin6[k]))

    def _case(self, f: OptionFigures) -> int | None:
        least = min((n for n in self.needs(f.width, f.count) if n is not None), default=None)
        if least is None:
            return None
        return self._first("case", lambda k: self.openings[k] >= least and self.clearance[k] >= f.length)

    @cached_property
    def _storage(self) -> int | None:
        return self._first("storage", lambda k: True)


def leads_fit(need: tuple[int, int], pin8: int, pin6: int) -> bool:
    """A PSU with these leads serves cards that need (8-pin leads, 6-pin inputs): an 8-pin (6+2)
    lead serves a 6-pin input too."""
    n8, n6 = need
    return n8 <= pin8 and n8 + n6 <= pin8 + pin6
