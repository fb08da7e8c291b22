"""``plan``: the provably best build for a goal, with why, the alternatives and the findings.

The one core function the CLI, the web app and the Python API call. Pure: it takes a
``PlanRequest`` and a catalog, returns a frozen ``Plan``, and raises ``Infeasible`` (with the
binding constraints and the nearest feasible build) or ``BadInput``; it never prints.
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from dlrig.build import Build, build_document
from dlrig.catalog.models import Gpu, Part
from dlrig.catalog.prices import PriceBook
from dlrig.check import check_build
from dlrig.errors import BadInput, Infeasible
from dlrig.plan import candidates as cn
from dlrig.plan import explain as ex
from dlrig.plan import model as md
from dlrig.plan.candidates import PLATFORM, Candidates, gather
from dlrig.plan.prune import prune
from dlrig.plan.request import PlanRequest, validate
from dlrig.plan.solver import PlanModel, Selection, SolveResult, to_build
from dlrig.rules.base import Finding

if TYPE_CHECKING:
    from dlrig.catalog.protocol import CatalogQueries as Catalog


@dataclass(frozen=True)
class Alternative:
    selection: Selection
    total_usd: float
    why_lost: str


@dataclass(frozen=True)
class Plan:
    request: PlanRequest
    selection: Selection
    build: Build
    parts_usd: float
    total_usd: float  # with tax
    throughput: float
    throughput_unit: str
    throughput_source: str
    optimal: bool
    solve_ms: float
    why: tuple[str, ...]
    alternatives: tuple[Alternative, ...]
    findings: tuple[Finding, ...]
    notes: tuple[str, ...]
    stats: dict[str, Any]

    def price_book(self) -> PriceBook:
        """The prices this plan paid, borrowed ones included, as a book a build file can name."""
        from dlrig.catalog.models import PriceBookInfo

        prices = {p.part.id: p.price.model_copy(update={"part_id": p.part.id, "note": p.price_note or p.price.note})
                  for p in _priced(self.selection)}
        info = PriceBookInfo(name=f"plan ({self.request.prices})", source=f"dlrig plan --prices {self.request.prices}",
                             description="the prices a plan paid, each with its own date and source")
        return PriceBook(info=info, prices=prices, order=tuple(prices))

    def to_json(self) -> dict[str, Any]:
        return {
            "build": build_document(self.build),
            "total_usd": round(self.total_usd, 2), "parts_usd": round(self.parts_usd, 2),
            "optimal": self.optimal, "solve_ms": round(self.solve_ms, 1),
            "objective": self.request.objective,
            "throughput": {"value": self.throughput, "unit": self.throughput_unit,
                           "range": list(self.selection.option.throughput_range), "source": self.throughput_source},
            "why": list(self.why),
            "alternatives": [{"build": build_document(to_build(a.selection, self.request)),
                              "total_usd": round(a.total_usd, 2), "throughput": a.selection.throughput,
                              "why_lost": a.why_lost} for a in self.alternatives],
            "findings": [dataclasses.asdict(f) for f in self.findings],
            "prices": [{"part": p.part.name, "usd": p.usd, "date": p.price.date.isoformat(),
                        "source": p.price.source, "note": p.price_note or None} for p in _priced(self.selection)],
            "notes": list(self.notes), "stats": self.stats,
        }


def file_build(build: Build, catalog: Catalog) -> Build:
    """The build as a file should name it: each part by name where the name finds that exact part
    again (``dlrig check`` resolves names), else by its catalog id."""
    items = {}
    for cat, lines in build.items.items():
        out = []
        for item in lines:
            try:
                same = catalog.resolve(item.part.name, cat).id == item.part.id
            except BadInput:
                same = False
            part = item.part if same else item.part.model_copy(update={"name": item.part.id})
            out.append(replace(item, part=part))
        items[cat] = tuple(out)
    return replace(build, items=items)


def _priced(sel: Selection) -> list[Any]:
    return [sel.option.card, *(sel.parts[c] for c in PLATFORM)]


def resolve_includes(catalog: Catalog, names: tuple[str, ...]) -> dict[str, Part]:
    out: dict[str, Part] = {}
    for name in names:
        part = catalog.resolve(name)
        if isinstance(part, Gpu):
            part = catalog.chip_of(part)
        if part.category in out:
            raise BadInput(f"--include {name!r}: a plan has one {part.category}, and "
                           f"{out[part.category].name!r} is already included")
        if part.category == "cooler":
            raise BadInput(f"--include {name!r}: plans do not choose CPU coolers yet")
        out[part.category] = part
    return out


def candidates_for(req: PlanRequest, catalog: Catalog) -> tuple[Candidates, Candidates]:
    """(unpruned, pruned) candidate tables for a validated request."""
    full = gather(catalog, req, resolve_includes(catalog, req.include))
    return full, prune(full, md.wall_limit_w(req))


def budget_cents(req: PlanRequest) -> int | None:
    if req.budget_usd is None:
        return None
    return math.floor(req.budget_usd * 100 / (1 + req.tax_rate) + 1e-6)


def plan(req: PlanRequest, catalog: Catalog) -> Plan:
    """The best checker-clean build for the request (module docstring); Infeasible when none."""
    validate(req)
    full, cands = candidates_for(req, catalog)
    start = time.perf_counter()
    model = PlanModel(cands, req)
    res = model.optimize(req.objective, budget_cents(req))
    res = replace(res, solve_ms=(time.perf_counter() - start) * 1000)  # building the model included
    if res.selection is None:
        raise diagnose(req, cands, res, model)
    sel = res.selection
    build = to_build(sel, req, name=f"plan-{req.objective}")
    report = check_build(build, req.region)
    alts = alternatives(req, cands, sel, model)
    parts_usd = sel.parts_usd
    return Plan(request=req, selection=sel, build=build, parts_usd=parts_usd,
                total_usd=parts_usd * (1 + req.tax_rate), throughput=sel.throughput,
                throughput_unit=cands.throughput_unit, throughput_source=cands.throughput_source,
                optimal=res.optimal, solve_ms=res.solve_ms, why=ex.explain(sel, cands, req, req.objective),
                alternatives=alts, findings=report.findings, notes=_notes(req, sel, cands, res),
                stats=_stats(full, cands, res))


def alternatives(req: PlanRequest, cands: Candidates, best: Selection, model: PlanModel | None = None
                 ) -> tuple[Alternative, ...]:
    """The next best builds, each with a GPU chip the earlier ones did not use (the request's
    model solved again with those chips forbidden)."""
    model = model or PlanModel(cands, req)
    out: list[Alternative] = []
    banned: set[str] = set()
    sel = best
    for _ in range(req.alternatives):
        chip = sel.option.gpu.chip_id or sel.option.gpu.id
        banned |= {g.part.id for g in cands.gpus if (g.part.chip_id or g.part.id) == chip}  # type: ignore[attr-defined]
        if len(banned) >= len(cands.gpus):
            break
        res = model.optimize(req.objective, budget_cents(req), forbid=banned)
        if res.selection is None:
            break
        sel = res.selection
        out.append(Alternative(selection=sel, total_usd=sel.parts_usd * (1 + req.tax_rate),
                               why_lost=ex.why_lost(sel, best, cands.throughput_unit, req.objective)))
    return tuple(out)


def _notes(req: PlanRequest, sel: Selection, cands: Candidates, res: SolveResult) -> tuple[str, ...]:
    notes = [cands.throughput_source,
             "optimal over the candidate table: pruning removed only dominated parts (exact)" if res.optimal
             else f"not proven optimal ({res.status}) within {req.time_limit_s:g} s",
             ex.power_summary(sel, req)]
    notes += [f"{p.part.name}: {p.price_note}" for p in _priced(sel) if p.price_note]
    if res.cuts:
        notes.append(f"the checker rejected {res.cuts} solver answer(s); each was cut off and the model re-solved")
    notes.append("not planned: a CPU cooler (add one, or use the CPU's boxed cooler), case fans, a backup drive")
    return tuple(notes)


def _stats(full: Candidates, cands: Candidates, res: SolveResult) -> dict[str, Any]:
    return {"candidates": {c: len(full.of(c)) for c in ("gpu", *PLATFORM)},
            "after_pruning": {c: len(cands.of(c)) for c in ("gpu", *PLATFORM)},
            "gpu_options": len(cands.options), "dropped": full.dropped, "cuts": res.cuts,
            "solves": res.solves, "status": res.status}


def diagnose(req: PlanRequest, cands: Candidates, res: SolveResult, model: PlanModel | None = None) -> Infeasible:
    """Name the binding constraints, and the nearest feasible build where one exists: the
    request's model without the budget, then a model with a looser wall limit."""
    if res.status not in ("INFEASIBLE", "CUT-LIMIT"):
        return Infeasible(f"the solver stopped ({res.status}) before finding a build; "
                          "raise --time-limit or narrow the request", [res.status])
    count = _count_text(req)
    causes = []
    if req.budget_usd is not None:
        free = (model or PlanModel(cands, req)).optimize("min-cost")
        if free.selection is not None:
            s = free.selection
            total = s.parts_usd * (1 + req.tax_rate)
            causes.append(f"no {count}build under {ex.usd(req.budget_usd)}: the cheapest is {ex.usd(total)} "
                          f"with {s.option.count} x {s.option.gpu.name}, {_platform_text(s)}")
    if not causes:
        loose = replace(req, max_power_w=None, region="us-240v")
        if md.wall_limit_w(loose) > md.wall_limit_w(req):
            free = PlanModel(cands, loose).optimize("min-cost", budget_cents(req))
            if free.selection is not None:
                causes.append(f"the wall limit ({md.wall_limit_w(req):,.0f} W continuous) binds: the cheapest "
                              f"{count}build needs {ex.power_summary(free.selection, req)}; use a 240 V "
                              "circuit (--region us-240v), fewer GPUs or cards with less power")
    if not causes:
        causes.extend(_psu_causes(req, cands, count))
    if not causes:
        causes.append(f"no {count}build in the candidate table meets every rule (socket, slots, PSU, case)")
    return Infeasible(causes[0], causes)


def _psu_causes(req: PlanRequest, cands: Candidates, count: str) -> list[str]:
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
    return [f"no {count}build has a big enough PSU: the least power-hungry option needs {need:,.0f} W "
            f"(Dettmers: (GPUs + CPU) x {OTHER_PARTS_FACTOR * SAFETY_FACTOR:.2f}) and the largest priced PSU "
            "with known leads gives "
            f"{max(psus):,.0f} W; use fewer or less power-hungry cards, or a bigger PSU in a price CSV"]


def _count_text(req: PlanRequest) -> str:
    counts = req.counts()
    if len(counts) == 1:
        return f"{counts[0]}-GPU "
    return f"{counts[0]}-{counts[-1]} GPU " if counts else ""


def _platform_text(s: Selection) -> str:
    return ", ".join(f"{s.parts[c].part.name}" for c in ("cpu", "motherboard", "psu", "case"))
