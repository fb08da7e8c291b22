"""The planner's view of the rules: what a card asks of the PSU and the board, the DC load a PSU
carries within the wall limit, and the planner's own requirements beyond the checker.

These are the facts the linear model in :mod:`dlrig.plan.solver` is written with; the checker
(:func:`dlrig.check.check_build`) stays the judge of every answer (``rejecting``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from dlrig import power as pw
from dlrig.build import Build
from dlrig.catalog.models import Gpu, Motherboard, PowerConnectors, Psu
from dlrig.check import CheckReport
from dlrig.plan.request import AVOIDED_WARNINGS, MIN_CORES_PER_GPU, PlanRequest
from dlrig.regions import get_region
from dlrig.rules.base import Finding
from dlrig.rules.placement import LONG_SLOT_SIZE, width_positions
from dlrig.rules.power import connector_need

DETTMERS_FACTOR = pw.OTHER_PARTS_FACTOR * pw.SAFETY_FACTOR  # PSU >= (GPUs + CPU) x 1.21


@dataclass(frozen=True)
class GpuNeeds:
    pin8: int  # 8-pin inputs on the card(s)
    pin6: int
    hpwr: int  # 12VHPWR inputs


def gpu_needs(gpu: Gpu) -> GpuNeeds:
    k = gpu.power_connectors or PowerConnectors()
    return GpuNeeds(pin8=k.pcie_8pin, pin6=k.pcie_6pin, hpwr=k.pcie_12vhpwr)


_LEADS: dict[tuple[tuple[int, ...] | None, float | None, int, int], tuple[int, int]] = {}


def leads_needed(gpu: Gpu, count: int, psu_12vhpwr: int) -> tuple[int, int]:
    """(8-pin leads, 6-pin inputs) that ``count`` cards ask of a PSU with that many native
    12VHPWR leads: the checker's own arithmetic (dlrig.rules.power.connector_need), which reads
    only the cards' power inputs and board power, so it is worked out once per such card."""
    k = gpu.power_connectors
    inputs = None if k is None else (k.pcie_6pin, k.pcie_8pin, k.pcie_12vhpwr, k.eps_8pin)
    key = (inputs, gpu.board_power_w, count, psu_12vhpwr)
    if key not in _LEADS:
        need = connector_need([gpu] * count, _psu_with(psu_12vhpwr))
        _LEADS[key] = (need.pin8, need.pin6)
    return _LEADS[key]


@cache
def _psu_with(hpwr: int) -> Psu:
    return Psu(id="psu/plan-probe", name="probe", src="plan", connectors=PowerConnectors(pcie_12vhpwr=hpwr))


def wall_limit_w(req: PlanRequest) -> float:
    """The wall draw a plan may use: the circuit's continuous rating, or --max-power-w if lower."""
    limit = get_region(req.region).continuous_w
    return min(limit, req.max_power_w) if req.max_power_w is not None else limit


def dc_limit_w(psu: Psu, limit_w: float) -> float:
    """The largest DC load whose wall draw through this PSU stays within ``limit_w`` (wall draw
    grows with the load, so a bisection finds it; once per 80 PLUS tier, wattage and limit)."""
    return _dc_limit(psu.efficiency, psu.wattage_w, limit_w)


@cache
def _dc_limit(tier: str | None, watts: float | None, limit_w: float) -> float:
    psu = Psu(id="psu/plan-probe", name="probe", src="plan", efficiency=tier, wattage_w=watts)
    lo, hi = 0.0, limit_w
    for _ in range(50):
        mid = (lo + hi) / 2
        if pw.wall_w(mid, psu) <= limit_w:
            lo = mid
        else:
            hi = mid
    return lo


def x16_count(board: Motherboard) -> int:
    if board.slots:
        return sum(1 for s in board.slots if s.size >= LONG_SLOT_SIZE)
    return sum(s.quantity for s in board.slot_summary if s.lanes >= LONG_SLOT_SIZE)


def has_slot_map(board: Motherboard) -> bool:
    return bool(board.slots) and board.slot_positions_known is not False


def openings_needed(board: Motherboard, gpu: Gpu, count: int) -> int | None:
    """The case openings ``count`` cards need on this board: their bottom position with a slot
    map (None: they do not fit), else count x thickness (the least they can cover)."""
    w = width_positions(gpu) or 1
    if not has_slot_map(board):
        return count * w
    return lowest_bottom(long_positions(board), w, count)


def long_positions(board: Motherboard) -> tuple[int, ...]:
    """The positions of the board's full-length (x16) slots, top first."""
    return tuple(sorted(s.position for s in board.slots if s.size >= LONG_SLOT_SIZE))


@cache
def lowest_bottom(positions: tuple[int, ...], width: int, count: int) -> int | None:
    """The fewest openings ``count`` cards ``width`` positions thick fit in, on x16 slots at these
    positions (None: they do not fit): what ``place_gpus`` allows (a card covers its slot's
    position and the next ``width - 1``; the next card's slot is below that). Taking the highest
    free slot each time gives the highest bottom card of any placement (a placement that skips
    a free slot can move that card up to it), and at least count x width openings are needed."""
    placed, free_from, bottom = 0, None, 0
    for p in positions:
        if free_from is None or p >= free_from:
            placed, free_from, bottom = placed + 1, p + width, p + width - 1
            if placed == count:
                return max(count * width, bottom)
    return None


def rejecting(report: CheckReport) -> list[Finding]:
    """The findings a plan may not have: every problem, and the warnings the planner avoids."""
    return [f for f in report.findings
            if f.severity == "problem" or (f.severity == "warning" and f.code in AVOIDED_WARNINGS)]


def extra_violations(build: Build, req: PlanRequest) -> list[str]:
    """The planner's requirements the checker does not make (docs/plan.md)."""
    out = []
    n, cpu, case, board = build.gpu_count, build.cpu, build.case, build.motherboard
    if cpu is not None and (cpu.cores or 0) < MIN_CORES_PER_GPU * n:
        out.append(f"PLAN-CORES: fewer than {MIN_CORES_PER_GPU} CPU core per GPU")
    if case is not None and board is not None and build.gpus and not has_slot_map(board):
        need = openings_needed(board, build.gpus[0], n) or 0
        if (case.expansion_slots or 0) < need:
            out.append(f"PLAN-OPENINGS: {case.name} has {case.expansion_slots} expansion openings; "
                       f"{n} cards need {need}")
    if req.max_power_w is not None and build.psu is not None:
        from dlrig.rules.power import budget_of

        wall = pw.wall_w(budget_of(build).dc_w, build.psu)
        if wall > req.max_power_w:
            out.append(f"PLAN-POWER: about {wall:,.0f} W at the wall, over --max-power-w "
                       f"{req.max_power_w:g}")
    for d in build.storage:
        if (d.capacity_gb or 0) < req.min_storage_gb:
            out.append(f"PLAN-STORAGE: {d.name} is smaller than {req.min_storage_gb:g} GB")
    return out
