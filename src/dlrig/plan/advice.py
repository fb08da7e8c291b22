"""Nothing fits: the binding constraints, as causes with a code and the request field they concern,
and the nearest requests that do work, each solved or fitted again.

- the budget: the cheapest build without it (``BUDGET``, field ``budget_usd``);
- the wall circuit: the cheapest build on a 240 V circuit (``WALL-CIRCUIT``, ``region``);
- the PSU: the least power-hungry option needs more than the largest PSU (``PSU-WATTS``);
- fewer GPUs than asked: the best plan at a smaller count (``GPU-COUNT``, ``gpus``);
- the recommended rules: the cheapest build that merely passes check (``RECOMMENDED``, ``minimal``);
- the workload's memory: by how much the closest card falls short, and single changes to the
  recipe that make a priced card fit (``dlrig.workload.fit_advice``: recomputation, QLoRA, a
  smaller micro-batch, a shorter sequence), each fitted again by the fit's memory model.

No message names a command-line flag: each cause carries its field, and a surface adds its own
spelling of it.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import replace
from typing import TYPE_CHECKING

from dlrig.errors import Cause, DlrigError, Infeasible
from dlrig.plan import candidates as cn
from dlrig.plan import explain as ex
from dlrig.plan import model as md
from dlrig.plan.candidates import Candidates
from dlrig.plan.request import PlanRequest, budget_cents
from dlrig.plan.selection import Selection, SolveResult
from dlrig.plan.solver import PlanModel

if TYPE_CHECKING:
    from dlrig.catalog.protocol import CatalogQueries as Catalog
    from dlrig.plan.plan import Plan
    from dlrig.workload.fit import FitRow
    from dlrig.workload_request import WorkloadRequest


_ADVISING: ContextVar[bool] = ContextVar("advising", default=False)  # the advice's own plans take none


def diagnose(req: PlanRequest, cands: Candidates, res: SolveResult, catalog: Catalog,
             model: PlanModel | None = None) -> Infeasible:
    """Name the binding constraints, and the nearest feasible builds (module docstring)."""
    if res.status not in ("INFEASIBLE", "CUT-LIMIT"):
        return Infeasible(f"the solver stopped ({res.status}) before finding a build; raise the solver's time "
                          "limit or narrow the request", [Cause("TIME-LIMIT", res.status, "time_limit_s")])
    count = _count_text(req)
    causes: list[Cause] = []
    if req.budget_usd is not None:
        free = PlanModel(cands, replace(req, budget_usd=None)).optimize("min-cost")  # every option, not the budget's
        if free.selection is not None:
            s = free.selection
            total = s.parts_usd * (1 + req.tax_rate)
            causes.append(Cause("BUDGET", f"no {count}build under {ex.usd(req.budget_usd)}: the cheapest is "
                                f"{ex.usd(total)} (a budget of {ex.usd(total)} would do, "
                                f"{ex.usd(total - req.budget_usd)} more) with {s.option.count} x "
                                f"{s.option.gpu.name}, {_platform_text(s)}", "budget_usd"))
    if not causes:
        loose = replace(req, max_power_w=None, region="us-240v")
        if md.wall_limit_w(loose) > md.wall_limit_w(req):
            free = PlanModel(cands, loose).optimize("min-cost", budget_cents(req))
            if free.selection is not None:
                causes.append(Cause("WALL-CIRCUIT", f"the wall limit ({md.wall_limit_w(req):,.0f} W continuous) "
                                    f"binds: the cheapest {count}build needs {ex.power_summary(free.selection, req)};"
                                    " a 240 V circuit (region us-240v), fewer GPUs or cards with less power",
                                    "region"))
    if not causes:
        causes.extend(_psu_causes(req, cands, count))
    if not causes:
        causes.append(Cause("RULES", f"no {count}build in the candidate table meets every rule (socket, slots, "
                                     "PSU, case" + ("" if req.minimal else ", and the recommended rules") + ")"))
    return with_advice(Infeasible(causes[0].message, causes), req, catalog)


def with_advice(exc: Infeasible, req: PlanRequest, catalog: Catalog) -> Infeasible:
    """The error with the nearest requests that work added as causes: fewer GPUs, the minimal
    build, and the workload changes that make a card fit."""
    if _ADVISING.get():
        return exc
    token = _ADVISING.set(True)
    try:
        extra = [*_fewer_gpus(req, catalog), *_minimal(req, catalog), *_workload_advice(exc, req, catalog)]
    finally:
        _ADVISING.reset(token)
    return Infeasible(exc.message, [*exc.causes, *extra])


def _fewer_gpus(req: PlanRequest, catalog: Catalog) -> list[Cause]:
    lo = req.counts()[0] if req.counts() else 1
    if lo <= 1:
        return []
    got = _try_plan(replace(req, gpus_min=1, gpus_max=lo - 1, vram_total_gb=None, throughput=None,
                            time_to_train_h=None), catalog)
    if got is None:
        return []
    o = got.selection.option
    return [Cause("GPU-COUNT", f"fewer GPUs work: {o.gpus} x {o.gpu.name} for {ex.usd(got.total_usd)}, "
                  f"{got.throughput:,.4g} {got.throughput_unit}", "gpus")]


def _minimal(req: PlanRequest, catalog: Catalog) -> list[Cause]:
    if req.minimal:
        return []
    got = _try_plan(replace(req, minimal=True), catalog)
    if got is None:
        return []
    o = got.selection.option
    return [Cause("RECOMMENDED", f"the recommended rules (RAM at least the GPUs' memory in every channel, 2 cores "
                  f"per GPU, a CPU that keeps up with decoding) bind: the cheapest build that merely passes check "
                  f"has {o.gpus} x {o.gpu.name} for {ex.usd(got.total_usd)} (minimal)", "minimal")]


def _try_plan(req: PlanRequest, catalog: Catalog) -> Plan | None:
    from dlrig.plan.plan import plan

    try:
        return plan(replace(req, alternatives=0), catalog)
    except DlrigError:
        return None


def _workload_advice(exc: Infeasible, req: PlanRequest, catalog: Catalog) -> list[Cause]:
    """Where the workload fits no priced card at the counts asked: the shortfall and the single
    recipe changes that fit one (dlrig.workload.fit_advice over the plan's own cards and counts)."""
    w = req.workload
    if w is None or w.infer or not any(c.code == "WORKLOAD-FIT" for c in exc.causes):
        return []
    from dlrig.workload.fit import fit_gpus
    from dlrig.workload.fit_advice import alternatives, shortfall

    market = catalog.book_info(req.prices)
    priced, _ = catalog.priced(req.prices, "gpu")
    chips, _, _ = cn.feasible_gpus(priced, req, market, cn._Tally())
    cards = [cn.gpu_of(r) for r in chips]
    counts = req.counts()

    def fit(x: WorkloadRequest) -> list[FitRow]:
        return fit_gpus(x, cards, counts=counts, mode="train")

    out = []
    short = shortfall(fit(w), counts)
    if short is not None:
        out.append(Cause("MEMORY-SHORT", short.text(), "gpus"))
    for alt in alternatives(w, "train", fit, None, w.seq):
        out.append(Cause("WORKLOAD-CHANGE", f"{alt.change} would fit {alt.gpus} x {alt.gpu}", alt.field))
    return out


def _psu_causes(req: PlanRequest, cands: Candidates, count: str) -> list[Cause]:
    """PSU watts: when even the least power-hungry GPU option, with the lowest-TDP CPU, needs
    more than the largest PSU in the table (Dettmers' rule), say so with both figures."""
    from dlrig.power import OTHER_PARTS_FACTOR, SAFETY_FACTOR, PowerBudget

    psus = [cn.psu(r).wattage_w or 0 for r in cands.platform["psu"]]
    cpus = [cn.cpu(r).tdp_w or 0 for r in cands.platform["cpu"]]
    if not psus or not cpus or not cands.options:
        return []
    gpus_w = min((o.gpu.board_power_w or 0) * o.count for o in cands.options)
    need = PowerBudget(gpus_w=gpus_w, cpu_w=min(cpus), rest_w=0.0).recommended_psu_w
    if need <= max(psus):
        return []
    return [Cause("PSU-WATTS", f"no {count}build has a big enough PSU: the least power-hungry option needs "
                  f"{need:,.0f} W (Dettmers: (GPUs + CPU) x {OTHER_PARTS_FACTOR * SAFETY_FACTOR:.2f}) and the "
                  f"largest priced PSU with known leads gives {max(psus):,.0f} W; use fewer or less power-hungry "
                  "cards, or a bigger PSU in a price CSV", "gpus")]


def _count_text(req: PlanRequest) -> str:
    counts = req.counts()
    if len(counts) == 1:
        return f"{counts[0]}-GPU "
    return f"{counts[0]}-{counts[-1]} GPU " if counts else ""


def _platform_text(s: Selection) -> str:
    return ", ".join(f"{s.parts[c].part.name}" for c in ("cpu", "motherboard", "psu", "case"))
