"""The exact optimizer: a CP-SAT model over the (pruned) candidate table, verified by the checker.

``PlanModel`` writes every compatibility rule as linear constraints over 0/1 choice variables
(one GPU option = card x count, one part per platform category):

- socket: CPU socket = board socket; memory type: kit = board, and one the CPU supports;
- memory: modules <= board slots; RAM <= board and CPU maximum; RAM >= the card's memory (RAM-VRAM);
- form factor: the case lists the board's (and, where it lists any, the PSU's);
- GPU length <= case clearance; count <= the board's x16 slots; case openings >= the cards'
  bottom position (slot map) or count x thickness (no map);
- CPU cores >= MIN_CORES_PER_GPU x count;
- PSU watts >= (GPU board power + CPU TDP) x 1.21 (Dettmers, dlrig.power);
- DC load + the rest of the system <= the PSU's DC limit for the wall (circuit continuous rating
  or --max-power-w, through the PSU's 80 PLUS efficiency);
- PSU leads: 8-pin >= what the cards need (12VHPWR adapters counted by the PSU's native
  12VHPWR leads), 8-pin + 6-pin >= 8-pin + 6-pin needs;
- parts cost <= the budget (before tax: budget / (1 + tax rate)).

Objectives: max-throughput (then least cost), min-cost (then most throughput), and
perf-per-dollar (throughput / cost, by Dinkelbach's method: maximise T*C0 - T0*C until no build
beats the incumbent's ratio). Each answer is built into a ``Build`` and checked with
``check_build``; a build the checker rejects gets a no-good cut and the model is solved again
(lazy constraint generation), so the answer is checker-clean and optimal over the candidates.
Money is in cents, power in tenths of a watt, lengths in tenths of a millimetre.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from dlrig.build import Build, Item
from dlrig.check import check_build
from dlrig.plan import candidates as cn
from dlrig.plan import model as md
from dlrig.plan.candidates import Candidates, GpuOption, Priced
from dlrig.plan.request import MAX_CUTS, MIN_CORES_PER_GPU, SOLVER_WORKERS, PlanRequest
from dlrig.power import REST_OF_SYSTEM_W
from dlrig.rules.base import norm_token
from dlrig.rules.physical import MAX_POSITIONS, _form
from dlrig.rules.placement import width_positions
from dlrig.rules.platform import MIN_GOOD_LANES, _socket_key

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

BIG_GB = 10**6  # "no maximum" for memory limits


@dataclass(frozen=True)
class Selection:
    option: GpuOption
    parts: dict[str, Priced]  # platform category -> part

    @property
    def cents(self) -> int:
        return self.option.cents + sum(p.cents for p in self.parts.values())

    @property
    def parts_usd(self) -> float:
        return self.cents / 100

    @property
    def throughput(self) -> float:
        return self.option.throughput

    def key(self) -> tuple[str, ...]:
        return (self.option.card.part.id, str(self.option.count), *(p.part.id for p in self.parts.values()))


@dataclass(frozen=True)
class SolveResult:
    selection: Selection | None
    optimal: bool
    status: str
    solve_ms: float
    cuts: int = 0
    solves: int = 0
    rejected: tuple[str, ...] = field(default=())  # what the checker rejected on the way


def to_build(sel: Selection, req: PlanRequest, name: str = "plan") -> Build:
    items: dict[str, tuple[Item, ...]] = {"gpu": (Item(part=sel.option.gpu, count=sel.option.count),)}
    for cat in cn.PLATFORM:
        items[cat] = (Item(part=sel.parts[cat].part),)
    return Build(name=name, items=items, prices=req.prices, region=req.region,
                 tax_rate=req.tax_rate or None, workload=req.workload, origin="dlrig plan")


def verdict(sel: Selection, req: PlanRequest) -> list[str]:
    """Why the checker (or a planner requirement) rejects the build; empty when it passes."""
    build = to_build(sel, req)
    report = check_build(build, req.region)
    return [f"{f.code}: {f.message}" for f in md.rejecting(report)] + md.extra_violations(build, req)


def throughput_scale(cands: Candidates) -> int:
    """Throughput is an integer in the model: about six significant figures of the largest."""
    top = max(o.throughput for o in cands.options)
    return 10 ** max(0, 6 - math.floor(math.log10(top))) if top > 0 else 1


def _int(x: float, scale: int, up: bool) -> int:
    v = x * scale
    r = round(v)
    if abs(v - r) < 1e-6:
        return int(r)
    return math.ceil(v) if up else math.floor(v)


class PlanModel:
    """The CP-SAT model of one request over one candidate table (see the module docstring)."""

    def __init__(self, cands: Candidates, req: PlanRequest, budget_cents: int | None) -> None:
        from ortools.sat.python import cp_model

        self.cp = cp_model
        self.c, self.req = cands, req
        self.m = cp_model.CpModel()
        self.y = [self.m.NewBoolVar(f"g{i}") for i in range(len(cands.options))]
        self.x = {cat: [self.m.NewBoolVar(f"{cat}{i}") for i in range(len(rows))]
                  for cat, rows in cands.platform.items()}
        self.m.AddExactlyOne(self.y)
        for vs in self.x.values():
            self.m.AddExactlyOne(vs)
        self.t_scale = throughput_scale(cands)
        self.t = [round(o.throughput * self.t_scale) for o in cands.options]
        self.cost = sum(o.cents * v for o, v in zip(cands.options, self.y, strict=True)) + sum(
            r.cents * v for cat, rows in cands.platform.items() for r, v in zip(rows, self.x[cat], strict=True))
        self.cost_ub = max(o.cents for o in cands.options) + sum(
            max(r.cents for r in rows) for rows in cands.platform.values())
        self.tp = sum(t * v for t, v in zip(self.t, self.y, strict=True))
        self.cuts = 0
        if budget_cents is not None:
            self.m.Add(self.cost <= budget_cents)
        self._platform()
        self._gpus()
        self._power()

    # -- helpers ------------------------------------------------------------------------------
    def _sum(self, cat: str, fn: Any) -> Any:
        return sum(fn(r) * v for r, v in zip(self.c.platform[cat], self.x[cat], strict=True))

    def _osum(self, fn: Any) -> Any:
        return sum(fn(o) * v for o, v in zip(self.c.options, self.y, strict=True))

    def _where(self, cat: str, pred: Any) -> list[Any]:
        return [v for r, v in zip(self.c.platform[cat], self.x[cat], strict=True) if pred(r)]

    # -- constraints --------------------------------------------------------------------------
    def _platform(self) -> None:
        m, P = self.m, self.c.platform
        for s in {_socket_key(cn.cpu(r).socket) for r in P["cpu"]} | {_socket_key(cn.board(r).socket)
                                                                        for r in P["motherboard"]}:
            m.Add(sum(self._where("cpu", lambda r, s=s: _socket_key(cn.cpu(r).socket) == s))
                  == sum(self._where("motherboard", lambda r, s=s: _socket_key(cn.board(r).socket) == s)))
        for t in {norm_token(cn.kit(r).memory_type) for r in P["memory"]} | {
                norm_token(cn.board(r).memory_type) for r in P["motherboard"]}:
            kits = sum(self._where("memory", lambda r, t=t: norm_token(cn.kit(r).memory_type) == t))
            m.Add(kits == sum(self._where("motherboard", lambda r, t=t: norm_token(cn.board(r).memory_type) == t)))
            m.Add(kits <= sum(self._where("cpu", lambda r, t=t: not cn.cpu(r).memory_types or t in {
                norm_token(x) for x in cn.cpu(r).memory_types})))
        ram = self._sum("memory", lambda r: _int(cn.kit(r).total_gb or 0, 10, False))
        m.Add(self._sum("memory", lambda r: cn.kit(r).modules or 0)
              <= self._sum("motherboard", lambda r: cn.board(r).memory_slots or 0))
        m.Add(ram <= self._sum("motherboard", lambda r: _int(cn.board(r).max_memory_gb or BIG_GB, 10, False)))
        m.Add(ram <= self._sum("cpu", lambda r: _int(cn.cpu(r).max_memory_gb or BIG_GB, 10, False)))
        m.Add(ram >= self._osum(lambda o: _int(o.gpu.vram_gb or 0, 10, True)))
        for f in {_form(cn.board(r).form_factor) for r in P["motherboard"]}:
            m.Add(sum(self._where("motherboard", lambda r, f=f: _form(cn.board(r).form_factor) == f))
                  <= sum(self._where("case", lambda r, f=f: f in {_form(x) for x in cn.case(r).board_form_factors})))
        for cr, cv in zip(P["case"], self.x["case"], strict=True):
            allowed = {_form(f) for f in cn.case(cr).psu_form_factors}
            if not allowed:
                continue
            for pr, pv in zip(P["psu"], self.x["psu"], strict=True):
                ff = _form(cn.psu(pr).form_factor)
                if ff and ff not in allowed and not (ff.startswith("SFX") and "ATX" in allowed):
                    m.AddBoolOr([cv.Not(), pv.Not()])
        m.Add(self._sum("cpu", lambda r: cn.cpu(r).cores or 0) >= self._osum(lambda o: MIN_CORES_PER_GPU * o.count))
        # PCIE-LANES (avoided): at least x8 per GPU from the CPU's lanes
        m.Add(self._sum("cpu", lambda r: cn.cpu(r).pcie_lanes or 0) >= self._osum(lambda o: MIN_GOOD_LANES * o.count))

    def _gpus(self) -> None:
        m, P = self.m, self.c.platform
        m.Add(self._osum(lambda o: _int(o.gpu.length_mm or 0, 10, True))
              <= self._sum("case", lambda r: _int(cn.case(r).max_gpu_length_mm or 0, 10, False)))
        m.Add(self._osum(lambda o: o.count) <= self._sum("motherboard", lambda r: md.x16_count(cn.board(r))))
        openings = self._sum("case", lambda r: cn.case(r).expansion_slots or 0)
        unmapped = self._where("motherboard", lambda r: not md.has_slot_map(cn.board(r)))
        if unmapped:
            flag = m.NewBoolVar("unmapped")
            m.Add(sum(unmapped) == flag)
            m.Add(self._osum(lambda o: o.count * (width_positions(o.gpu) or 1)) <= openings).OnlyEnforceIf(flag)
        for br, bv in zip(P["motherboard"], self.x["motherboard"], strict=True):
            if not md.has_slot_map(cn.board(br)):
                most = MAX_POSITIONS.get(cn.board(br).form_factor or "")
                for o, ov in zip(self.c.options, self.y, strict=True):
                    w = width_positions(o.gpu) or 1
                    if most is not None and (o.count - 1) * w + 1 > most:  # GPU-SLOTS: the board's positions
                        m.AddBoolOr([bv.Not(), ov.Not()])
                continue
            for o, ov in zip(self.c.options, self.y, strict=True):
                need = md.openings_needed(cn.board(br), o.gpu, o.count)
                if need is None:
                    m.AddBoolOr([bv.Not(), ov.Not()])
                else:
                    m.Add(openings >= need).OnlyEnforceIf([bv, ov])

    def _power(self) -> None:
        m, P = self.m, self.c.platform
        gpu_dw = self._osum(lambda o: _int((o.gpu.board_power_w or 0) * o.count, 10, True))
        cpu_dw = self._sum("cpu", lambda r: _int(cn.cpu(r).tdp_w or 0, 10, True))
        factor = Fraction(md.DETTMERS_FACTOR).limit_denominator(10_000)
        psu_dw = self._sum("psu", lambda r: _int(cn.psu(r).wattage_w or 0, 10, False))
        m.Add(factor.denominator * psu_dw >= factor.numerator * (gpu_dw + cpu_dw))
        limit = md.wall_limit_w(self.req)
        rest = _int(REST_OF_SYSTEM_W, 10, True)
        m.Add(gpu_dw + cpu_dw + rest <= self._sum("psu", lambda r: _int(md.dc_limit_w(cn.psu(r), limit), 10, False)))
        pin8 = self._sum("psu", lambda r: cn.psu(r).connectors.pcie_8pin)
        pin6 = self._sum("psu", lambda r: cn.psu(r).connectors.pcie_6pin)
        for h in sorted({cn.psu(r).connectors.pcie_12vhpwr for r in P["psu"]}):
            group = self._where("psu", lambda r, h=h: cn.psu(r).connectors.pcie_12vhpwr == h)
            z = m.NewBoolVar(f"hpwr{h}")
            m.Add(sum(group) == z)
            need = [md.leads_needed(o.gpu, o.count, h) for o in self.c.options]
            need8 = sum(n8 * v for (n8, _), v in zip(need, self.y, strict=True))
            need6 = sum(n6 * v for (_, n6), v in zip(need, self.y, strict=True))
            m.Add(need8 <= pin8).OnlyEnforceIf(z)
            m.Add(need8 + need6 <= pin8 + pin6).OnlyEnforceIf(z)

    # -- extra constraints ----------------------------------------------------------------------
    def forbid_cards(self, ids: set[str]) -> None:
        for o, v in zip(self.c.options, self.y, strict=True):
            if o.card.part.id in ids:
                self.m.Add(v == 0)

    def at_least_throughput(self, t_int: int) -> None:
        self.m.Add(self.tp >= t_int)

    def nogood(self, sel: Selection) -> None:
        lits = [self.y[self.c.options.index(sel.option)]]
        for cat, part in sel.parts.items():
            lits.append(self.x[cat][self.c.platform[cat].index(part)])
        self.m.AddBoolOr([v.Not() for v in lits])
        self.cuts += 1

    # -- solving ----------------------------------------------------------------------------
    def _selection(self, solver: cp_model.CpSolver) -> Selection:
        opt = next(o for o, v in zip(self.c.options, self.y, strict=True) if solver.Value(v))
        parts = {cat: next(r for r, v in zip(rows, self.x[cat], strict=True) if solver.Value(v))
                 for cat, rows in self.c.platform.items()}
        return Selection(option=opt, parts=parts)

    def _solve_once(self, deadline: float) -> tuple[Selection | None, bool, str]:
        solver = self.cp.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.01, deadline - time.perf_counter())
        solver.parameters.num_workers = SOLVER_WORKERS
        status = solver.Solve(self.m)
        name = solver.StatusName(status)
        if status in (self.cp.OPTIMAL, self.cp.FEASIBLE):
            return self._selection(solver), status == self.cp.OPTIMAL, name
        return None, False, name

    def solve_checked(self, deadline: float) -> tuple[Selection | None, bool, str, list[str]]:
        """Solve; while the checker rejects the answer, cut it off and solve again."""
        rejected: list[str] = []
        for _ in range(MAX_CUTS):
            sel, optimal, status = self._solve_once(deadline)
            if sel is None:
                return None, status == "INFEASIBLE", status, rejected
            why = verdict(sel, self.req)
            if not why:
                return sel, optimal, status, rejected
            rejected.extend(why)
            self.nogood(sel)
        return None, False, "CUT-LIMIT", rejected

    def maximize_throughput(self) -> None:
        self.m.Maximize(self.tp * (self.cost_ub + 1) - self.cost)

    def minimize_cost(self) -> None:
        self.m.Minimize(self.cost * (sum(self.t) + 1) - self.tp)

    def ratio_objective(self, t0: int, c0: int) -> None:
        self.m.Maximize(self.tp * c0 - self.cost * t0)

    def t_int(self, sel: Selection) -> int:
        return self.t[self.c.options.index(sel.option)]


def optimize(cands: Candidates, req: PlanRequest, budget_cents: int | None, objective: str,
             forbid: set[str] | None = None, min_t_int: int | None = None) -> SolveResult:
    """The best checker-clean build for ``objective`` over ``cands`` (see the module docstring)."""
    import ortools.sat.python.cp_model  # noqa: F401  (imported before the clock starts)

    start = time.perf_counter()
    deadline = start + req.time_limit_s
    pm = PlanModel(cands, req, budget_cents)
    if forbid:
        pm.forbid_cards(forbid)
    if min_t_int is not None:
        pm.at_least_throughput(min_t_int)
    if objective == "min-cost":
        pm.minimize_cost()
    else:
        pm.maximize_throughput()
    sel, optimal, status, rejected = pm.solve_checked(deadline)
    solves = 1
    if sel is not None and objective == "perf-per-dollar":
        sel, optimal, status, more, solves = _dinkelbach(pm, sel, deadline)
        rejected += more
    ms = (time.perf_counter() - start) * 1000
    return SolveResult(selection=sel, optimal=optimal if sel is not None else status == "INFEASIBLE",
                       status=status, solve_ms=ms, cuts=pm.cuts, solves=solves, rejected=tuple(rejected))


def _dinkelbach(pm: PlanModel, sel: Selection, deadline: float
                ) -> tuple[Selection, bool, str, list[str], int]:
    """Maximise T / C: solve max T*C0 - T0*C from the incumbent until nothing improves on it."""
    rejected: list[str] = []
    solves = 1
    while True:
        t0, c0 = pm.t_int(sel), sel.cents
        pm.ratio_objective(t0, c0)
        nxt, optimal, status, more = pm.solve_checked(deadline)
        rejected += more
        solves += 1
        if nxt is None:
            return sel, False, status, rejected, solves
        if pm.t_int(nxt) * c0 - t0 * nxt.cents <= 0:
            return sel, optimal, status, rejected, solves
        sel = nxt
