"""``plan --infer``: the cheapest build that generates a language model's tokens at a target rate.

Method (docs/plan.md, "LLM inference"):

1. The request is an inference workload (a language model, its weight format, the context held
   in the KV cache, the KV format, the split) and a target in generated tokens per second.
2. Every priced card the training planner would take (:func:`dlrig.plan.candidates.gather`: a
   price in the book and the facts the checker needs; no SXM/OAM modules) that can run the
   request (:mod:`dlrig.feasibility`: today's framework builds, a card for a desk: no server
   modules or passive datacenter cards; a float weight format needs that precision in
   hardware) is tried at each count the request allows, identical cards only. A count is an
   option when the model fits on the GPUs alone (no CPU offload: weights, KV cache at the
   context, compute buffer and CUDA context per GPU, at the high end of the range:
   :func:`dlrig.workload.inference.place`) and its generation rate at the context
   (:mod:`dlrig.workload.llm_speed`) meets the target on the chosen ``basis``: ``low``, the
   low end of the printed range (the default: a range is a promise, and the build should
   meet the target even where the model is optimistic), or ``central``, the central
   estimate. Per card only the smallest such count is kept: a larger count of the same card
   costs more on every part.
3. The options go to the training planner's platform model (:class:`dlrig.plan.solver.PlanModel`:
   CPU, board, RAM >= the card's memory, PSU, case, storage by CP-SAT, every answer checked by
   ``check_build``), minimising the total cost under the budget. The answer's speed is the
   estimate of the build itself (``dlrig estimate`` on the written build gives the same), and
   the alternatives are the next cheapest builds, each with a GPU chip the earlier ones did not use.
4. Nothing meets the target: :class:`InferInfeasible` with the causes (the fastest option and
   what it reaches; the cheapest build that meets the target when the budget binds) and advice
   (the fastest build within the budget; a smaller weight format or a shorter context, each
   evaluated again) - see :mod:`dlrig.plan.infer_advice`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from dlrig.errors import BadInput, Cause, Infeasible
from dlrig.plan.candidates import Candidates, GpuOption, gather
from dlrig.plan.model import wall_limit_w
from dlrig.plan.prune import prune
from dlrig.plan.request import PlanRequest, validate
from dlrig.plan.solver import PlanModel, Selection, to_build

if TYPE_CHECKING:
    from dlrig.build import Build
    from dlrig.catalog.models import Gpu
    from dlrig.catalog.priced import Priced
    from dlrig.catalog.prices import PriceBook
    from dlrig.catalog.protocol import CatalogQueries
    from dlrig.feasibility import Exclusion
    from dlrig.rules.base import Finding
    from dlrig.workload.inference import InferenceEstimate, InferenceSpec

BASES: tuple[str, ...] = ("low", "central")
DEFAULT_BASIS = "low"
BASIS_TEXT = {"low": "the low end of the estimate's range", "central": "the central estimate"}


@dataclass(frozen=True)
class InferTarget:
    """Generated tokens per second (all sequences together), judged on ``basis`` (BASES)."""

    tokens_per_s: float
    basis: str = DEFAULT_BASIS

    def describe(self) -> str:
        return f"{self.tokens_per_s:g} tokens/s at {BASIS_TEXT[self.basis]}"


@dataclass(frozen=True)
class Rate:
    """What ``count`` cards with one card's figures do: whether the model fits, and its speeds."""

    fits: bool
    tokens_per_s: float | None = None
    tokens_per_s_range: tuple[float, float] | None = None
    per_gpu_gb: float = 0.0  # the fullest GPU, central

    def judged(self, basis: str) -> float | None:
        if self.tokens_per_s is None or self.tokens_per_s_range is None:
            return None
        return self.tokens_per_s_range[0] if basis == "low" else self.tokens_per_s


@dataclass(frozen=True)
class Choice:
    """One planned build: the solver's selection, the build, and its inference estimate."""

    selection: Selection
    build: Build
    estimate: InferenceEstimate
    total_usd: float  # with tax

    @property
    def speed(self) -> Any:
        assert self.estimate.speed is not None  # a chosen option fits, so it has a speed
        return self.estimate.speed

    def summary(self) -> dict[str, Any]:
        o, s = self.selection.option, self.speed
        return {"gpu": o.gpu.name, "count": o.count, "total_usd": round(self.total_usd, 2),
                "parts_usd": round(self.selection.parts_usd, 2), "tokens_per_s": s.tokens_per_s,
                "tokens_per_s_range": list(s.tokens_per_s_range), "prompt_tokens_per_s": s.prompt_tokens_per_s,
                "prompt_tokens_per_s_range": list(s.prompt_tokens_per_s_range),
                "memory_per_gpu_gb": [round(x.per_gpu_gb, 2) for x in self.estimate.placement.shares],
                "memory_per_gpu_gb_high": [round(x.per_gpu_gb_range[1], 2) for x in self.estimate.placement.shares],
                "capacity_gb": [round(x.capacity_gb, 2) for x in self.estimate.placement.shares],
                "layers": self.estimate.placement.layers_text}


@dataclass(frozen=True)
class InferPlan:
    request: PlanRequest  # its workload: the inference request; objective min-cost
    target: InferTarget
    best: Choice
    alternatives: tuple[Choice, ...]
    findings: tuple[Finding, ...]
    excluded: tuple[Exclusion, ...]
    optimal: bool
    solve_ms: float
    notes: tuple[str, ...]
    stats: dict[str, Any]
    options: tuple[dict[str, Any], ...] = ()  # the cheapest card of each chip that meets the target
    cheaper: Choice | None = None  # the fastest build that costs less (and so misses the target)

    # what ``plan --out`` reads of a plan (cli.plan_cmds._write): the build and the prices paid
    @property
    def build(self) -> Build:
        return self.best.build

    @property
    def selection(self) -> Selection:
        return self.best.selection

    def price_book(self) -> PriceBook:
        from dlrig.plan.plan import Plan

        return Plan.price_book(self)  # type: ignore[arg-type]  # reads .selection and .request only

    def to_json(self) -> dict[str, Any]:
        import dataclasses

        from dlrig.build import build_document
        from dlrig.feasibility import summary

        b = self.best
        w = self.request.workload
        assert w is not None
        spec = b.estimate.spec
        return {
            "mode": "inference-plan",
            "request": {"model": w.model, "weights": spec.weights.key, "bits_per_weight": spec.weights.bits,
                        "kv_cache": spec.kv.key, "context": spec.context, "batch": spec.batch, "split": spec.split,
                        "tokens_per_s": self.target.tokens_per_s, "basis": self.target.basis,
                        "basis_text": BASIS_TEXT[self.target.basis], "budget_usd": self.request.budget_usd,
                        "prices": self.request.prices, "gpus": list(self.request.counts())},
            "build": build_document(b.build), **b.summary(), "optimal": self.optimal,
            "solve_ms": round(self.solve_ms, 1),
            "estimate": b.estimate.to_json(),
            "alternatives": [{**a.summary(), "build": build_document(a.build)} for a in self.alternatives],
            "cheaper": self.cheaper.summary() if self.cheaper else None,
            "options": list(self.options),
            "findings": [dataclasses.asdict(f) for f in self.findings],
            "prices": [{"part": p.part.name, "usd": p.usd, "date": p.price.date.isoformat(), "source": p.price.source,
                        "note": p.price_note or None} for p in _priced(b.selection)],
            "excluded_by_code": summary(self.excluded), "notes": list(self.notes), "stats": self.stats,
        }


@dataclass(frozen=True)
class Advice:
    """One change that would give an answer, evaluated: its request field and what it reaches."""

    code: str
    message: str
    field: str | None = None
    tokens_per_s: float | None = None
    total_usd: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "field": self.field, "tokens_per_s": self.tokens_per_s,
                "total_usd": None if self.total_usd is None else round(self.total_usd, 2)}


class InferInfeasible(Infeasible):
    """No build meets the target: the causes, and advice evaluated against the same catalog."""

    def __init__(self, message: str, causes: list[Cause], advice: Sequence[Advice] = ()) -> None:
        super().__init__(message, causes)
        self.advice = tuple(advice)

    def to_json(self) -> dict[str, object]:
        return {**super().to_json(), "advice": [a.to_json() for a in self.advice]}


def _priced(sel: Selection) -> list[Priced]:
    from dlrig.plan.candidates import PLATFORM

    return [sel.option.card, *(sel.parts[c] for c in PLATFORM)]


# -- the request ------------------------------------------------------------------------------------
def validate_infer(req: PlanRequest, target: InferTarget) -> InferenceSpec:
    """Bad input (exit 2) before any search: the target, the basis, the workload; the spec searched."""
    from dlrig.workload.infer_run import is_language_model, spec_from_request
    from dlrig.workload.quant import kv_format, weight_format
    from dlrig.workload.zoo import get_model

    if not math.isfinite(target.tokens_per_s) or target.tokens_per_s <= 0:
        raise BadInput(f"the target must be a positive number of tokens per second, not {target.tokens_per_s:g}",
                       field="tokens_per_s")
    if target.basis not in BASES:
        raise BadInput(f"unknown basis {target.basis!r}; one of: {', '.join(BASES)}", field="speed_basis")
    w = req.workload
    if w is None or not w.model:
        raise BadInput("an inference plan needs a language model (dlrig models lists them)", field="model")
    validate(req)
    model = get_model(w.model)
    if not is_language_model(model):
        raise BadInput(f"{model.name} is not a generative language model: an inference plan needs a decoder with "
                       "an LM head", field="model")
    for field, value, parse in (("weights", w.weights, weight_format), ("kv_cache", w.kv_cache, kv_format)):
        if value is not None:
            try:
                parse(value)
            except BadInput as exc:
                raise BadInput(exc.message, field=field) from None
    spec = spec_from_request(w, model)
    if spec.context < 1:
        raise BadInput("the context must be at least 1 token", field="seq")
    window = model.transformer.context_window if model.transformer else None
    if window and spec.context > window:
        raise BadInput(f"context {spec.context:,} is past {model.name}'s context window of {window:,} tokens",
                       field="seq")
    return replace(spec, offload=False)


# -- the options ------------------------------------------------------------------------------------
_FIGURES = ("vram_gb", "memory_bandwidth_gb_s", "fp32_tflops", "fp16_tflops", "kind", "pcie_gen", "vendor", "form")


class Rates:
    """Inference rates of cards at counts, worked out once per set of figures the model reads
    (the many boards of one chip share them)."""

    def __init__(self, spec: InferenceSpec) -> None:
        self.spec = spec
        self._cache: dict[tuple[Any, ...], Rate] = {}

    @property
    def worked_out(self) -> int:
        return len(self._cache)

    def of(self, gpu: Gpu, count: int) -> Rate:
        key = (*(getattr(gpu, f, None) for f in _FIGURES), count)
        if key not in self._cache:
            self._cache[key] = self._rate(gpu, count)
        return self._cache[key]

    def _rate(self, gpu: Gpu, count: int) -> Rate:
        from dlrig.workload.inference import estimate_inference

        c = self.spec.model.transformer
        if self.spec.split == "tensor" and c is not None and c.heads % count:
            return Rate(False)
        try:
            e = estimate_inference(self.spec, [gpu] * count)
        except BadInput:  # a card the model cannot judge (no memory size): not an option
            return Rate(False)
        worst = max(s.per_gpu_gb for s in e.placement.shares)
        if not e.placement.fits or e.speed is None:
            return Rate(False, per_gpu_gb=worst)
        return Rate(True, e.speed.tokens_per_s, e.speed.tokens_per_s_range, worst)


def usable_cards(cards: Iterable[Priced], need: Any) -> tuple[list[Priced], list[Exclusion]]:
    """The cards that can run the request (dlrig.feasibility), and why each other cannot."""
    from dlrig.feasibility import check

    ok, out = [], []
    for card in cards:
        hit = check(card.part, need)  # type: ignore[arg-type]
        if hit is None:
            ok.append(card)
        else:
            out.append(hit)
    return ok, out


def options_for(cards: Iterable[Priced], rates: Rates, counts: Sequence[int], target: InferTarget | None,
                basis: str = DEFAULT_BASIS) -> list[tuple[Priced, int, Rate]]:
    """With a target: per card, the smallest count that fits and meets it (judged at its basis).
    Without: every count that could be the best buy at some budget: a layer split's smallest
    count that fits (more of the same card is dearer and slower), a tensor split's each count
    that is faster than the smaller ones (judged at ``basis``)."""
    out = []
    basis = target.basis if target else basis
    for card in cards:
        g: Gpu = card.part  # type: ignore[assignment]
        if g.dual_gpu:  # a two-GPU board: llama.cpp sees two devices; not modelled here
            continue
        fastest = 0.0
        for n in counts:
            r = rates.of(g, n)
            speed = r.judged(basis)
            if speed is None:
                continue
            if target is not None and speed >= target.tokens_per_s:
                out.append((card, n, r))
                break
            if target is None and speed > fastest:
                out.append((card, n, r))
                fastest = speed
            if rates.spec.split == "layer":
                break  # once it fits, more cards in a layer split are dearer and slower
    return out


def as_candidates(full: Candidates, found: Sequence[tuple[Priced, int, Rate]], basis: str, wall_w: float
                  ) -> Candidates:
    """The training planner's candidate table with these inference options (pruned exactly)."""
    options = tuple(GpuOption(card=card, count=n, throughput=r.judged(basis) or 0.0,
                              throughput_range=r.tokens_per_s_range or (0.0, 0.0)) for card, n, r in found)
    ids = {card.part.id for card, _, _ in found}
    table = replace(full, gpus=tuple(g for g in full.gpus if g.part.id in ids), options=options,
                    throughput_unit="generated tokens/s", throughput_source="dlrig.workload.llm_speed")
    if not options:
        return table
    pruned = prune(table, wall_w)  # exact for the platform; every card kept, so the alternatives see every chip
    return replace(pruned, gpus=table.gpus, options=table.options)


# -- the plan ------------------------------------------------------------------------------------------
def budget_cents(req: PlanRequest) -> int | None:
    """The budget before tax, in cents (the platform model counts cents)."""
    return None if req.budget_usd is None else math.floor(req.budget_usd * 100 / (1 + req.tax_rate) + 1e-6)


@dataclass
class Search:
    """What one request's search found, kept for the answer and for the advice."""

    req: PlanRequest  # objective min-cost, the inference workload
    target: InferTarget
    spec: InferenceSpec
    full: Candidates
    cards: list[Priced]
    excluded: list[Exclusion]
    rates: Rates
    evaluated: int = 0


def platform_request(req: PlanRequest) -> PlanRequest:
    """The planner's request for the platform: min-cost, with no training target; GPUs compared
    at FP32 only to build the table (the inference options replace its options)."""
    return replace(req, objective="min-cost", throughput=None, vram_total_gb=None, time_to_train_h=None,
                   precision="fp32", workload=None)


def start(req: PlanRequest, target: InferTarget, catalog: CatalogQueries) -> Search:
    from dlrig.defaults import feasibility_need
    from dlrig.plan.plan import resolve_includes
    from dlrig.workload.fit_defaults import compute_precision

    spec = validate_infer(req, target)
    base = platform_request(req)
    full = gather(catalog, base, resolve_includes(catalog, req.include))  # type: ignore[arg-type]
    w = req.workload
    assert w is not None
    need = feasibility_need(compute_precision(w, spec.model, "infer", "bf16"), None, "desktop")
    cards, excluded = usable_cards(full.gpus, need)
    return Search(replace(req, objective="min-cost"), target, spec, full, cards, excluded, Rates(spec))


def choice(sel: Selection, req: PlanRequest) -> Choice:
    """The selection as a build, estimated as ``dlrig estimate`` estimates the build."""
    from dlrig.workload.estimate import machine_from_build
    from dlrig.workload.infer_run import estimate_on_machine

    assert req.workload is not None
    build = to_build(sel, req, name="plan-infer")
    est = estimate_on_machine(req.workload, machine_from_build(build))
    return Choice(sel, build, est, sel.parts_usd * (1 + req.tax_rate))


def cheapest(search: Search, cands: Candidates, budget: int | None, model: PlanModel | None = None,
             objective: str = "min-cost") -> tuple[Selection | None, PlanModel, Any]:
    model = model or PlanModel(cands, search.req)
    res = model.optimize(objective, budget)
    return res.selection, model, res


def plan_inference(req: PlanRequest, target: InferTarget, catalog: CatalogQueries) -> InferPlan:
    """The cheapest checker-clean build whose generation rate meets the target (module docstring)."""
    from dlrig.check import check_build

    t0 = time.perf_counter()
    search = start(req, target, catalog)
    counts = req.counts()
    found = options_for(search.cards, search.rates, counts, target)
    cands = as_candidates(search.full, found, target.basis, wall_limit_w(search.req))
    budget = budget_cents(search.req)
    if not cands.options:
        from dlrig.plan.infer_advice import diagnose

        raise diagnose(search, cands, None)
    sel, model, res = cheapest(search, cands, budget)
    if sel is None:
        from dlrig.plan.infer_advice import diagnose

        raise diagnose(search, cands, model)
    best = choice(sel, search.req)
    alts = alternatives(search, cands, model, sel, budget)
    cheaper = fastest_cheaper(search, sel)
    report = check_build(best.build, req.region)
    stats = {"cards_priced": len(search.full.gpus), "cards_usable": len(search.cards),
             "excluded": len(search.excluded), "options_meeting_target": len(found),
             "rates_worked_out": search.rates.worked_out,
             "solves": model.solves, "cuts": model.cuts, "status": res.status}
    return InferPlan(request=search.req, target=target, best=best, alternatives=alts, findings=report.findings,
                     excluded=tuple(search.excluded), optimal=res.optimal,
                     solve_ms=(time.perf_counter() - t0) * 1000, notes=notes(search, best), stats=stats,
                     options=option_table(found), cheaper=cheaper)


def option_table(found: Sequence[tuple[Priced, int, Rate]], limit: int = 10) -> tuple[dict[str, Any], ...]:
    """The cheapest card of each chip that meets the target, GPUs' cost first (the explanation's table)."""
    by_chip: dict[str, tuple[Priced, int, Rate]] = {}
    for card, n, r in sorted(found, key=lambda x: x[0].cents * x[1]):
        by_chip.setdefault(getattr(card.part, "chip_id", None) or card.part.id, (card, n, r))
    return tuple({"gpu": card.part.name, "count": n, "gpus_usd": round(card.usd * n, 2),
                  "tokens_per_s": r.tokens_per_s, "tokens_per_s_range": list(r.tokens_per_s_range or ()),
                  "per_gpu_gb": round(r.per_gpu_gb, 2)} for card, n, r in list(by_chip.values())[:limit])


def fastest_cheaper(search: Search, best: Selection) -> Choice | None:
    """The fastest checker-clean build that costs less than ``best`` (it misses the target): what
    the money saved would give up."""
    fast = options_for(search.cards, search.rates, search.req.counts(), None, search.target.basis)
    cands = as_candidates(search.full, fast, search.target.basis, wall_limit_w(search.req))
    if not cands.options:
        return None
    sel, _, _ = cheapest(search, cands, best.cents - 1, objective="max-throughput")
    return choice(sel, search.req) if sel is not None else None


def alternatives(search: Search, cands: Candidates, model: PlanModel, best: Selection, budget: int | None
                 ) -> tuple[Choice, ...]:
    """The next cheapest builds that meet the target, each with a GPU chip the ones before did not use."""
    out: list[Choice] = []
    banned: set[str] = set()
    sel = best
    for _ in range(search.req.alternatives):
        chip = sel.option.gpu.chip_id or sel.option.gpu.id
        banned |= {g.part.id for g in cands.gpus if (getattr(g.part, "chip_id", None) or g.part.id) == chip}
        if len(banned) >= len(cands.gpus):
            break
        res = model.optimize("min-cost", budget, forbid=banned)
        if res.selection is None:
            break
        sel = res.selection
        out.append(choice(sel, search.req))
    return tuple(out)


def notes(search: Search, best: Choice) -> tuple[str, ...]:
    spec = search.spec
    t = search.target
    out = [f"target: {t.describe()}; every option must meet it there "
           + ("(the low end: the build meets the target even where the speed model is optimistic)"
              if t.basis == "low" else "(the central estimate: about half of real builds would be slower)"),
           f"generation with {spec.context:,} tokens already in the KV cache, batch {spec.batch}, "
           f"{spec.split} split over identical cards; the model on the GPUs alone (no CPU offload)",
           "memory: weights, KV cache, compute buffer and CUDA context per GPU, judged at the high end of its range",
           "cards: priced in the book, runnable today (dlrig.feasibility: framework support, a card for a desk); "
           "per card the smallest count that meets the target",
           "the platform: the training planner's model (CP-SAT over CPU, board, RAM >= the card's memory, PSU, "
           "case, SSD), every answer checked; cheapest total first",
           "the speeds are those of the build itself: dlrig estimate on the written build gives the same"]
    out += [f"{p.part.name}: {p.price_note}" for p in _priced(best.selection) if p.price_note]
    out.append("not planned: a CPU cooler (add one, or use the CPU's boxed cooler), case fans, a backup drive")
    return tuple(out)
