"""``fit``: which GPUs hold a workload and how many, cheapest first (``dlrig fit``, ``POST /api/fit``).

Feasibility before optimality: the GPUs that cannot run the request at all (its precision,
today's framework builds, a desktop's form factor: dlrig.feasibility) are set aside with a
reason each, then the rest are sized. The request is sized as the user would run it: a
language model's fine-tune with today's recipe defaults (dlrig.workload.fit_defaults), each
assumption reported. When nothing fits, the answer says by how much and which single changes
make it fit (dlrig.workload.fit_advice), each fitted again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from dlrig.catalog.models import Gpu
    from dlrig.catalog.prices import PriceBook
    from dlrig.catalog.protocol import CatalogQueries
    from dlrig.feasibility import Exclusion, Need
    from dlrig.workload.fit import FitRow
    from dlrig.workload.fit_advice import Alternative, Shortfall
    from dlrig.workload.fit_defaults import Assumption
    from dlrig.workload_request import WorkloadRequest

Mode = Literal["train", "infer"]
FIT_SHARDING = "fsdp"  # fit asks how many GPUs hold the model: extra GPUs share the state (FSDP)
FIT_USES = ("desktop", "server")


@dataclass(frozen=True)
class FitRequest:
    workload: WorkloadRequest
    mode: Mode = "train"
    book: PriceBook | None = None  # "cheapest first" by this book; None: fewest GPUs first
    order: str = "auto"  # dlrig.workload.fit.fit_order: auto, cost, gpus or speed
    use: str = "desktop"  # "desktop": cards for a desk or workstation; "server": modules and passive cards too


@dataclass(frozen=True)
class FitResult:
    request: FitRequest
    rows: tuple[FitRow, ...]
    excluded: tuple[Exclusion, ...] = ()
    assumptions: tuple[Assumption, ...] = ()
    sized: WorkloadRequest | None = None  # the request as sized, defaults laid over the user's
    need: Need | None = None
    shortfall: Shortfall | None = None
    alternatives: tuple[Alternative, ...] = ()

    @property
    def fitting(self) -> tuple[FitRow, ...]:
        return tuple(r for r in self.rows if r.gpus is not None)

    @property
    def any_fits(self) -> bool:
        return bool(self.fitting)

    def to_json(self) -> dict[str, Any]:
        from dlrig.feasibility import summary
        from dlrig.workload.fit import fit_document, fit_order
        from dlrig.workload.infer_run import fit_assumptions
        from dlrig.workload.zoo import get_model

        r = self.request
        w, book = self.sized or r.workload, r.book
        how = fit_order(r.order, r.mode, get_model(w.model), book)
        need = self.need
        advice = None if self.any_fits else {
            "shortfall": self.shortfall.to_json() if self.shortfall else None,
            "alternatives": [a.to_json() for a in self.alternatives]}
        return fit_document(
            w.model, w.sharding, r.mode, book.name if book else None, list(self.rows), fit_assumptions(w, r.mode),
            how, assumptions=[a.to_json() for a in self.assumptions],
            feasibility={"precision": need.precision if need else None, "use": r.use,
                         "software": need.software.to_json() if need and need.software else None,
                         "excluded_by_code": summary(self.excluded)},
            excluded=[e.to_json() for e in self.excluded], advice=advice)


def fit(req: FitRequest, catalog: CatalogQueries) -> FitResult:
    from dlrig.errors import BadInput
    from dlrig.feasibility import partition

    if req.use not in FIT_USES:
        raise BadInput(f"unknown use {req.use!r}; one of: {', '.join(FIT_USES)}", field="use")
    sized, assumptions, need = size_request(req)
    ok, excluded = partition(catalog.gpu_chips(), need)
    rows = _rows(req, sized, ok)
    result = FitResult(req, tuple(rows), tuple(excluded), assumptions, sized, need)
    if result.any_fits:
        return result
    return _advise(result, ok, catalog)


def size_request(req: FitRequest) -> tuple[WorkloadRequest, tuple[Assumption, ...], Need]:
    """The request as ``fit`` sizes it (defaults laid over the user's), what it assumed, and what
    it needs of a GPU (dlrig.feasibility): one function the planner can call too."""
    from dlrig.defaults import feasibility_need
    from dlrig.workload.estimate import default_batch, default_precision
    from dlrig.workload.fit import check_fit_request
    from dlrig.workload.fit_defaults import compute_precision, inference_assumptions, training_recipe
    from dlrig.workload.infer_run import is_language_model, spec_from_request

    w = req.workload
    model = check_fit_request(w, req.mode)
    default = default_precision(model)
    if req.mode == "infer" and is_language_model(model):
        sized = w
        assumptions = inference_assumptions(spec_from_request(w, model), w)
    else:
        batch = 1 if req.mode == "infer" else default_batch(model)
        recipe = training_recipe(w, model, w.precision or default, batch, FIT_SHARDING, train=req.mode == "train")
        sized, assumptions = recipe.request, recipe.assumptions
    need = feasibility_need(compute_precision(sized, model, req.mode, default), req.book, req.use)
    return sized, assumptions, need


def _rows(req: FitRequest, sized: WorkloadRequest, chips: list[Gpu]) -> list[FitRow]:
    from dlrig.workload.fit import fit_gpus

    return fit_gpus(sized, chips, mode=req.mode, book=req.book, order=req.order)


def _advise(result: FitResult, chips: list[Gpu], catalog: CatalogQueries) -> FitResult:
    """Nothing fits: the closest card's shortfall and the single changes that make a GPU fit."""
    from dataclasses import replace

    from dlrig.feasibility import partition
    from dlrig.workload.fit import FIT_COUNTS
    from dlrig.workload.fit_advice import alternatives, shortfall

    req, sized, need = result.request, result.sized, result.need
    assert sized is not None and need is not None

    def fit_here(w: WorkloadRequest) -> list[FitRow]:  # with speed: the order the fit itself would give
        return _rows(req, w, chips)

    servers = None
    if req.use == "desktop":
        more, _ = partition(catalog.gpu_chips(), replace(need, use="server"))
        extra = [g for g in more if g not in chips]

        def servers(w: WorkloadRequest) -> list[FitRow]:
            return _rows(req, w, extra)

    seq = next((a.value for a in result.assumptions if a.key in ("sequence", "context")), None)
    alts = alternatives(sized, req.mode, fit_here, servers, seq if isinstance(seq, int) else None)
    return replace(result, shortfall=shortfall(result.rows, FIT_COUNTS), alternatives=tuple(alts))
