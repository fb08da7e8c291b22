"""The exact optimizer: for each GPU option, the cheapest platform by CP-SAT, verified by the
checker; the options searched in order of the best each could do, until none can beat the best found.

The GPU option (card x count) fixes a build's throughput and what it asks of the platform; the
platform (CPU, board, memory, PSU, case, storage) then costs what the cheapest compatible one
costs. ``PlanModel`` is one CP-SAT model of the platform per request, written once, with every
compatibility rule as linear constraints over 0/1 choice variables (one per part; the integers:
:mod:`dlrig.plan.figures`):

- socket: CPU socket = board socket; memory type: kit = board, and one the CPU supports;
- memory: modules <= board slots; RAM <= board and CPU maximum;
- form factor: the case lists the board's (and, where it lists any, the PSU's);

and, for one GPU option, solved again with what the option asks added:

- RAM >= the card's memory (RAM-VRAM); CPU cores >= MIN_CORES_PER_GPU x count; CPU lanes >=
  MIN_GOOD_LANES x count; case clearance >= the card's length; the board's x16 slots >= count;
- case openings >= the cards' bottom position on the board's slot map, or count x thickness
  without one (the bottom position depends only on the board, the cards' thickness and their
  count, so it is worked out once per (thickness, count), about 32 combinations);
- PSU watts >= (GPU board power + CPU TDP) x 1.21 (Dettmers, dlrig.power); DC load + the rest
  of the system <= the PSU's DC limit for the wall (circuit continuous rating or --max-power-w,
  through the PSU's 80 PLUS efficiency); PSU leads: 8-pin >= what the cards need (12VHPWR
  adapters counted by the PSU's native 12VHPWR leads), 8-pin + 6-pin >= 8-pin + 6-pin needs;
- minimise the platform's cost (money in cents, power in tenths of a watt, lengths in tenths of
  a millimetre).

Each answer is built into a ``Build`` and checked with ``check_build``; a platform the checker
rejects gets a no-good cut and that option's model is solved again (lazy constraint generation),
so each option's platform is checker-clean and the cheapest. Each option's result is kept for the
whole request, so every question asked of the model (the plan, each alternative with the chips
before it forbidden, each frontier point with its throughput bound, each budget, the budget
diagnosis of an infeasible request) costs a scan of the options and the few platforms not yet
solved.

The scan: every option has a *platform floor*, a lower bound on its platform's cost
(:mod:`dlrig.plan.figures`); options are taken in order of the best objective they could reach at
that floor, and the scan stops when the next option's bound cannot beat the best build found.
max-throughput is the most throughput, then the least cost; min-cost the least cost, then the
most throughput; perf-per-dollar the most throughput per dollar, then the most throughput. A
build found this way is optimal over the candidate table: no option skipped could have beaten it,
and each option's platform is CP-SAT's proven cheapest (``optimal`` is False where a solve ran
out of time).
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from dlrig.plan.candidates import Candidates
from dlrig.plan.cpsat import cp_model
from dlrig.plan.figures import DETTMERS, Figures, leads_fit
from dlrig.plan.rates import Choice, levels, rates
from dlrig.plan.request import MAX_CUTS, SOLVER_WORKERS, PlanRequest, budget_cents
from dlrig.plan.selection import Selection, SolveResult, throughput_scale, to_build, verdict
from dlrig.rules.physical import _board_fits

__all__ = ["PlanModel", "Selection", "SolveResult", "optimize", "throughput_scale", "to_build", "verdict"]

@dataclass(frozen=True)
class Platform:
    """An option's cheapest checker-clean platform (None: it has none), and whether that is proven."""

    selection: Selection | None
    proven: bool
    status: str


class PlanModel:
    """The platform model of one request over one candidate table (see the module docstring)."""

    def __init__(self, cands: Candidates, req: PlanRequest) -> None:
        self.cp = cp_model()
        self.c, self.req = cands, req
        self.f = Figures(cands, req)
        self.t_scale = throughput_scale(cands) if cands.options else 1
        # with a budget, only the options whose cards and cheapest platform fit it get stage rates
        # (the estimate on each CPU's links is most of the model's cost); ``optimize`` asks no more
        cap = budget_cents(req)
        option_floor = self.f.floors()
        self.wanted = frozenset(i for i, (o, fl) in enumerate(zip(cands.options, option_floor, strict=True))
                                if fl is not None and (cap is None or o.cents + fl <= cap))
        self.rates = rates(cands, req, self.wanted if cap is not None else None)
        # the choices scanned: (option, throughput, CPUs allowed, drives allowed); with a workload
        # one per level of the option's end-to-end throughput (dlrig.plan.rates), else one per option
        self.subs: list[Choice] = (
            [(i, round(o.throughput * self.t_scale), None, None) for i, o in enumerate(cands.options)
             if i in self.wanted]
            if self.rates is None else levels(self.rates, self.t_scale))
        if req.throughput is not None and self.rates is not None:  # the target is on the end-to-end figure
            least = math.ceil(req.throughput * self.t_scale - 1e-9)
            self.subs = [c for c in self.subs if c[1] >= least]
        self.t = [t for _, t, _, _ in self.subs]
        self.cents = [cands.options[i].cents for i, _, _, _ in self.subs]
        self.floor = self.f.floors(self.subs)
        self.row_index = {cat: {id(r): k for k, r in enumerate(rows)} for cat, rows in cands.platform.items()}
        self.platforms: dict[int, Platform] = {}  # choice -> its cheapest checker-clean platform
        self.nogoods: dict[int, list[list[Any]]] = {}  # GPU option -> (parts of) platforms the checker rejected
        self.cuts = self.solves = 0
        m = self.m = self.cp.CpModel()
        self.x = {cat: [m.NewBoolVar(f"{cat}{i}") for i in range(len(rows))] for cat, rows in cands.platform.items()}
        for vs in self.x.values():
            m.AddExactlyOne(vs)
        self.cost = sum(self._sum(cat, [r.cents for r in rows]) for cat, rows in cands.platform.items())
        self._sockets_and_memory()
        self._forms()

    # -- the platform ---------------------------------------------------------------------------
    def _sum(self, cat: str, values: Iterable[int]) -> Any:
        return self.cp.LinearExpr.WeightedSum(self.x[cat], list(values))

    def _where(self, cat: str, pred: Any) -> Any:
        return sum(v for i, v in enumerate(self.x[cat]) if pred(i))

    def _sockets_and_memory(self) -> None:
        m, f = self.m, self.f
        for s in set(f.socket["cpu"]) | set(f.socket["motherboard"]):
            m.Add(self._where("cpu", lambda i, s=s: f.socket["cpu"][i] == s)
                  == self._where("motherboard", lambda i, s=s: f.socket["motherboard"][i] == s))
        for t in set(f.kit_type) | set(f.board_type):
            kits = self._where("memory", lambda i, t=t: f.kit_type[i] == t)
            m.Add(kits == self._where("motherboard", lambda i, t=t: f.board_type[i] == t))
            m.Add(kits <= self._where("cpu", lambda i, t=t: not f.cpu_types[i] or t in f.cpu_types[i]))
        ram = self._sum("memory", f.ram)
        if not self.req.minimal:  # every memory channel of the CPU populated (dlrig.rules_of_thumb)
            for c in set(f.channels):
                uneven = [v for k, v in enumerate(self.x["memory"]) if f.modules[k] < c]
                if uneven:
                    m.Add(self._where("cpu", lambda k, c=c: f.channels[k] == c) + sum(uneven) <= 1)
        m.Add(self._sum("memory", f.modules) <= self._sum("motherboard", f.slots))
        m.Add(ram <= self._sum("motherboard", f.board_max_ram))
        m.Add(ram <= self._sum("cpu", f.cpu_max_ram))

    def _forms(self) -> None:
        """The case takes the board's form factor (or a larger one with the same mounting: the
        checker's FORM-FACTOR rule), and the PSU's where it lists PSU form factors (an SFX unit
        fits an ATX bay)."""
        m, f = self.m, self.f
        for form in set(f.board_form):
            m.Add(self._where("motherboard", lambda i, form=form: f.board_form[i] == form)
                  <= self._where("case", lambda i, form=form: _board_fits(form, f.case_forms[i])))
        by_form: dict[str, list[Any]] = {}
        for i, v in enumerate(self.x["psu"]):
            if f.psu_form[i]:
                by_form.setdefault(f.psu_form[i], []).append(v)
        for i, v in enumerate(self.x["case"]):
            allowed = f.case_psu_forms[i]
            for form, psus in by_form.items():
                if allowed and form not in allowed and not (form.startswith("SFX") and "ATX" in allowed):
                    m.Add(v + sum(psus) <= 1)

    def _for_option(self, j: int) -> Any:
        """The platform model with what choice ``j`` (its GPU option, the CPUs and drives its
        throughput level allows) asks of it (module docstring)."""
        i, _, cpus, drives = self.subs[j]
        m, f, o = self.m.Clone(), self.f, self.f.options[i]
        ruled_out = [v for cat, allowed in (("cpu", cpus), ("storage", drives)) if allowed is not None
                     for k, v in enumerate(self.x[cat]) if k not in allowed]
        ruled_out += [v for cat, ok in (
            ("memory", lambda k: f.ram[k] >= o.vram),
            ("cpu", lambda k: f.cpu_fits(k, o)),
            ("case", lambda k: f.clearance[k] >= o.length),
            ("motherboard", lambda k: f.x16[k] >= o.count and f.needs(o.width, o.count)[k] is not None),
            ("psu", lambda k: leads_fit(o.leads[f.lead_index[k]], f.pin8[k], f.pin6[k])),
        ) for k, v in enumerate(self.x[cat]) if not ok(k)]
        if ruled_out:
            m.AddBoolAnd([v.Not() for v in ruled_out])
        needs = f.needs(o.width, o.count)
        m.Add(self._sum("case", f.openings) >= self._sum("motherboard", [n or 0 for n in needs]))
        cpu = self._sum("cpu", f.cpu_power)
        m.Add(DETTMERS.denominator * self._sum("psu", f.psu_watts) >= DETTMERS.numerator * (o.power + cpu))
        m.Add(o.power + cpu + f.rest <= self._sum("psu", f.psu_dc))
        for lits in self.nogoods.get(i, []):
            m.AddBoolOr([v.Not() for v in lits])
        m.Minimize(self.cost)
        return m

    def platform(self, j: int, deadline: float) -> Platform:
        """Choice ``j``'s cheapest platform that the checker accepts (solved once, then kept).
        A rejected platform is cut off for every choice of the same GPU option (the checker's
        verdict depends on the option and the parts, not on the throughput level), and where the
        rule that failed reads only some of the parts (``CUT_SCOPE``), on those parts alone."""
        if j in self.platforms:
            return self.platforms[j]
        for _ in range(MAX_CUTS):
            sel, proven, status = self._solve(j, deadline)
            why = [] if sel is None else verdict(sel, self.req)
            if not why:
                found = Platform(sel, proven, status)
                if proven:
                    self.platforms[j] = found
                return found
            assert sel is not None
            scope = cut_scope(why)
            self.nogoods.setdefault(self.subs[j][0], []).append(
                [self.x[cat][self.row_index[cat][id(part)]] for cat, part in sel.parts.items()
                 if scope is None or cat in scope])
            self.cuts += 1
        return Platform(None, False, "CUT-LIMIT")

    def _solve(self, j: int, deadline: float) -> tuple[Selection | None, bool, str]:
        solver = self.cp.CpSolver()
        p = solver.parameters
        p.max_time_in_seconds = max(0.01, deadline - time.perf_counter())
        p.num_workers = SOLVER_WORKERS
        status = solver.Solve(self._for_option(j))
        self.solves += 1
        name = solver.StatusName(status)
        if status not in (self.cp.OPTIMAL, self.cp.FEASIBLE):
            return None, status == self.cp.INFEASIBLE, name
        rows = {cat: next(k for k, v in enumerate(vs) if solver.BooleanValue(v)) for cat, vs in self.x.items()}
        parts = {cat: self.c.platform[cat][k] for cat, k in rows.items()}
        i = self.subs[j][0]
        e2e = None if self.rates is None else self.rates.of(i, rows["cpu"], rows["storage"])
        return Selection(self.c.options[i], parts, e2e), status == self.cp.OPTIMAL, name

    # -- the questions ----------------------------------------------------------------------------
    def t_int(self, sel: Selection) -> int:
        """A build's throughput in the model's integer units (round is monotone, so the integer
        of the slowest stage is the slowest stage's integer)."""
        return round(sel.throughput * self.t_scale)

    def optimize(self, objective: str, budget_cents: int | None = None, forbid: Iterable[str] = (),
                 min_t_int: int | None = None) -> SolveResult:
        """The best checker-clean build for ``objective`` under these bounds (module docstring)."""
        start = time.perf_counter()
        deadline = start + self.req.time_limit_s
        cuts, solves = self.cuts, self.solves
        banned = set(forbid)
        order = sorted((i for i, fl in enumerate(self.floor) if fl is not None
                        and (budget_cents is None or self.cents[i] + fl <= budget_cents)
                        and (min_t_int is None or self.t[i] >= min_t_int)
                        and self.c.options[self.subs[i][0]].card.part.id not in banned),
                       key=lambda i: _bound_key(objective, self.t[i], self.cents[i] + self.floor[i]))  # type: ignore[operator]
        best: tuple[int, int] | None = None  # (throughput, cost)
        found: Selection | None = None
        proven, status = True, "INFEASIBLE"
        for i in order:
            if best is not None and not _may_beat(objective, (self.t[i], self.cents[i] + self.floor[i]), best):  # type: ignore[operator]
                break
            got = self.platform(i, deadline)
            proven = proven and got.proven
            if got.status == "CUT-LIMIT":
                status = got.status
            sel = got.selection
            if sel is None or (budget_cents is not None and sel.cents > budget_cents):
                continue
            got_t = self.t_int(sel)  # at least the level's; more where the platform reaches a higher one
            if best is None or _better(objective, (got_t, sel.cents), best):
                best, found = (got_t, sel.cents), sel
        if found is not None:
            status = "OPTIMAL" if proven else "FEASIBLE"
        elif not proven and status != "CUT-LIMIT":
            status = "UNKNOWN"
        return SolveResult(selection=found, optimal=proven, status=status,
                           solve_ms=(time.perf_counter() - start) * 1000, cuts=self.cuts - cuts,
                           solves=self.solves - solves)


# The platform parts a failed rule reads, beside the GPU option (dlrig.rules, dlrig.plan.model):
# a build that keeps those parts fails it again, whatever the rest.
CUT_SCOPE: dict[str, tuple[str, ...]] = {
    "PCIE-LANES": ("cpu", "motherboard"),
    "GPU-REBAR": ("cpu",),
    "PLAN-CORES": ("cpu",),
    "PLAN-DECODE": ("cpu",),
    "PLAN-RAM": ("memory",),
    "PLAN-CHANNELS": ("cpu", "memory"),
}


def cut_scope(why: list[str]) -> tuple[str, ...] | None:
    """The fewest parts whose choice makes one of these verdicts ("CODE: message") fail; None: all."""
    scopes = [CUT_SCOPE.get(w.split(":", 1)[0]) for w in why]
    known = [sc for sc in scopes if sc is not None]
    return min(known, key=len) if known else None


def _bound_key(objective: str, t: int, cost: int) -> tuple[Any, ...]:
    """Options in order of the best they could reach: throughput ``t`` at cost at least ``cost``."""
    if objective == "min-cost":
        return (cost, -t)
    if objective == "perf-per-dollar":
        return (-Fraction(t, max(cost, 1)), -t)
    return (-t, cost)


def _better(objective: str, a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Build ``a`` (throughput, cost) beats build ``b`` for the objective (exact integer arithmetic)."""
    (ta, ca), (tb, cb) = a, b
    if objective == "min-cost":
        return ca < cb or (ca == cb and ta > tb)
    if objective == "perf-per-dollar":
        return ta * cb > tb * ca or (ta * cb == tb * ca and (ta > tb or (ta == tb and ca < cb)))
    return ta > tb or (ta == tb and ca < cb)


def _may_beat(objective: str, bound: tuple[int, int], best: tuple[int, int]) -> bool:
    """Whether an option of throughput ``t`` whose builds cost at least ``cost`` could beat ``best``."""
    (t, cost), (tb, cb) = bound, best
    if objective == "min-cost":
        return cost < cb or (cost == cb and t > tb)
    if objective == "perf-per-dollar":
        return t * cb > tb * cost or (t * cb == tb * cost and t > tb)
    return t > tb or (t == tb and cost < cb)


def optimize(cands: Candidates, req: PlanRequest, budget_cents: int | None, objective: str,
             forbid: set[str] | None = None, min_t_int: int | None = None) -> SolveResult:
    """One question on a model built for it (``PlanModel.optimize`` answers many on one model);
    the time includes building the model."""
    start = time.perf_counter()
    res = PlanModel(cands, req).optimize(objective, budget_cents, forbid or (), min_t_int)
    return SolveResult(res.selection, res.optimal, res.status, (time.perf_counter() - start) * 1000, res.cuts,
                       res.solves)
