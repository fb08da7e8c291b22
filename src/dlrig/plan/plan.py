"""``plan``: the provably best build for a goal, with why, the alternatives and the findings.

The one core function the CLI, the web app and the Python API call. Pure: it takes a
``PlanRequest`` and a catalog, returns a frozen ``Plan``, and raises ``Infeasible`` (with the
binding constraints and the nearest feasible build) or ``BadInput``; it never prints.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from dlrig.build import Build, build_document
from dlrig.catalog.models import Gpu, Part
from dlrig.catalog.prices import PriceBook
from dlrig.check import check_build
from dlrig.errors import BadInput, Infeasible
from dlrig.feasibility import Exclusion, summary
from dlrig.plan import explain as ex
from dlrig.plan import model as md
from dlrig.plan.candidates import PLATFORM, Candidates, gather
from dlrig.plan.prune import prune
from dlrig.plan.request import PlanRequest, budget_cents, validate
from dlrig.plan.solver import PlanModel, Selection, SolveResult, to_build
from dlrig.rules.base import Finding

if TYPE_CHECKING:
    from dlrig.catalog.protocol import CatalogQueries as Catalog
    from dlrig.workload.fit_defaults import Assumption


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
    excluded: tuple[Exclusion, ...] = ()  # GPUs that cannot run the request, with code and reason
    throughput_range: tuple[float, float] | None = None
    minimal_usd: float | None = None  # the same GPUs in the cheapest build that merely passes check
    assumptions: tuple[Assumption, ...] = ()  # the workload's defaults (dlrig.plan.recipe)

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
            "objective_measure": ("end-to-end estimated throughput (dlrig estimate on the build)"
                                  if self.request.workload is not None else f"a proxy: {self.throughput_unit}"),
            "throughput": {"value": self.throughput, "unit": self.throughput_unit,
                           "range": list(self.throughput_range or self.selection.option.throughput_range),
                           "source": self.throughput_source},
            "why": list(self.why),
            "alternatives": [{"build": build_document(to_build(a.selection, self.request)),
                              "total_usd": round(a.total_usd, 2), "throughput": a.selection.throughput,
                              "why_lost": a.why_lost} for a in self.alternatives],
            "findings": [dataclasses.asdict(f) for f in self.findings],
            "prices": [{"part": p.part.name, "usd": p.usd, "date": p.price.date.isoformat(),
                        "source": p.price.source, "note": p.price_note or None} for p in _priced(self.selection)],
            "notes": list(self.notes), "stats": self.stats,
            "excluded": excluded_json(self.excluded),
            "recommended": None if self.request.minimal else {
                "minimal_total_usd": None if self.minimal_usd is None else round(self.minimal_usd, 2),
                "delta_usd": None if self.minimal_usd is None else round(self.total_usd - self.minimal_usd, 2),
                "rules": list(RECOMMENDED_RULES)},
            "assumptions": [a.to_json() for a in self.assumptions],
        }


RECOMMENDED_RULES = (
    "RAM at least the GPUs' total memory",
    "every memory channel of the CPU populated",
    "at least 2 CPU cores per GPU",
    "a CPU that decodes as fast as the GPUs compute (workloads that read images)",
    "an SSD of at least the storage size",
)


def excluded_json(excluded: tuple[Exclusion, ...]) -> dict[str, Any]:
    """The cards left out because they cannot run the request: a count per code, and each card."""
    return {"by_code": summary(excluded), "gpus": [e.to_json() for e in excluded]}


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
        category: str = part.category  # type: ignore[attr-defined]  # every concrete part names its own
        if category in out:
            raise BadInput(f"include {name!r}: a plan has one {category}, and "
                           f"{out[category].name!r} is already included", field="include")
        if category == "cooler":
            raise BadInput(f"include {name!r}: plans do not choose CPU coolers yet", field="include")
        out[category] = part
    return out


def candidates_for(req: PlanRequest, catalog: Catalog) -> tuple[Candidates, Candidates]:
    """(unpruned, pruned) candidate tables for a validated request."""
    full = gather(catalog, req, resolve_includes(catalog, req.include))
    return full, prune(full, md.wall_limit_w(req), speeds=req.workload is not None, channels=not req.minimal)


def prepared(req: PlanRequest, catalog: Catalog) -> tuple[PlanRequest, tuple[Assumption, ...]]:
    """The request validated, with the workload's defaults laid over it (dlrig.plan.recipe)."""
    from dlrig.plan.recipe import with_defaults

    validate(req)
    return with_defaults(req, catalog.book_info(req.prices))


def plan(req: PlanRequest, catalog: Catalog) -> Plan:
    """The best checker-clean build for the request (module docstring); Infeasible when none."""
    req, assumptions = prepared(req, catalog)
    try:
        full, cands = candidates_for(req, catalog)
    except Infeasible as exc:
        from dlrig.plan.advice import with_advice

        raise with_advice(exc, req, catalog) from None
    start = time.perf_counter()
    model = PlanModel(cands, req)
    res = model.optimize(req.objective, budget_cents(req))
    res = replace(res, solve_ms=(time.perf_counter() - start) * 1000)  # building the model included
    if res.selection is None:
        from dlrig.plan.advice import diagnose

        raise diagnose(req, cands, res, catalog, model)
    sel = res.selection
    build = to_build(sel, req, name=f"plan-{req.objective}")
    throughput, rng = _estimated(sel, build)
    report = check_build(build, req.region)
    alts = alternatives(req, cands, sel, model)
    minimal = None if req.minimal else minimal_for(req, cands, sel)
    parts_usd = sel.parts_usd
    return Plan(request=req, selection=sel, build=build, parts_usd=parts_usd,
                total_usd=parts_usd * (1 + req.tax_rate), throughput=throughput, throughput_range=rng,
                throughput_unit=cands.throughput_unit, throughput_source=cands.throughput_source,
                optimal=res.optimal, solve_ms=res.solve_ms, why=ex.explain(sel, cands, req, req.objective),
                alternatives=alts, findings=report.findings, notes=_notes(req, sel, cands, res),
                stats=_stats(full, cands, res), excluded=full.excluded,
                assumptions=assumptions,
                minimal_usd=None if minimal is None else minimal.parts_usd * (1 + req.tax_rate))


def minimal_for(req: PlanRequest, cands: Candidates, sel: Selection) -> Selection | None:
    """The same GPUs (card and count) in the cheapest build that merely passes the checker: what
    the recommended build's rules cost beside it."""
    only = replace(cands, options=(sel.option,))
    return PlanModel(only, replace(req, minimal=True)).optimize("min-cost").selection


def _estimated(sel: Selection, build: Build) -> tuple[float, tuple[float, float]]:
    """The plan's throughput: with a workload, what dlrig estimate gives for the written build
    (the solver's end-to-end figure is the same model; a disagreement over 1% is a bug)."""
    from dlrig.plan.rates import estimated

    got = estimated(build)
    if got is None:
        return sel.throughput, sel.option.throughput_range
    if sel.e2e is not None and abs(got[0] - sel.e2e) > 0.01 * max(got[0], 1e-9):
        raise AssertionError(f"the planner's end-to-end throughput {sel.e2e:.6g} disagrees with the estimate "
                             f"{got[0]:.6g} for the same build")
    return got


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
