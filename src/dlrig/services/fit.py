"""``fit``: which GPUs hold a workload and how many, cheapest first (``dlrig fit``, ``POST /api/fit``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from dlrig.catalog.prices import PriceBook
    from dlrig.catalog.protocol import CatalogQueries
    from dlrig.workload.fit import FitRow
    from dlrig.workload_request import WorkloadRequest

Mode = Literal["train", "infer"]
FIT_SHARDING = "fsdp"  # fit asks how many GPUs hold the model: extra GPUs share the state (FSDP)


@dataclass(frozen=True)
class FitRequest:
    workload: WorkloadRequest
    mode: Mode = "train"
    book: PriceBook | None = None  # "cheapest first" by this book; None: fewest GPUs first
    order: str = "auto"  # dlrig.workload.fit.fit_order: auto, cost, gpus or speed


@dataclass(frozen=True)
class FitResult:
    request: FitRequest
    rows: tuple[FitRow, ...]

    @property
    def fitting(self) -> tuple[FitRow, ...]:
        return tuple(r for r in self.rows if r.gpus is not None)

    @property
    def any_fits(self) -> bool:
        return bool(self.fitting)

    def to_json(self) -> dict[str, Any]:
        from dlrig.workload.fit import fit_document, fit_order
        from dlrig.workload.infer_run import fit_assumptions
        from dlrig.workload.zoo import get_model

        r = self.request
        w, book = r.workload, r.book
        how = fit_order(r.order, r.mode, get_model(w.model), book)
        return fit_document(w.model, w.sharding, r.mode, book.name if book else None, list(self.rows),
                            fit_assumptions(w, r.mode), how)


def fit(req: FitRequest, catalog: CatalogQueries) -> FitResult:
    from dlrig.workload.fit import fit_gpus

    rows = fit_gpus(req.workload, catalog.gpu_chips(), mode=req.mode, book=req.book, order=req.order)
    return FitResult(request=req, rows=tuple(rows))
