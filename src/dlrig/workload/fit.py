"""Which GPUs hold a workload, how many of each, and what that many cost: ``dlrig fit``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from dlrig.catalog.models import Gpu, Precision
from dlrig.errors import BadInput
from dlrig.workload import memory as mem
from dlrig.workload.estimate import (
    FIT_COUNTS,
    Machine,
    _validate,
    default_batch,
    default_precision,
    estimate,
    memory_request,
    parse_precision,
)
from dlrig.workload.zoo import ModelSpec, get_model
from dlrig.workload_request import WorkloadRequest


@dataclass(frozen=True)
class FitRow:
    gpu: str
    vram_gb: float
    gpus: int | None  # smallest count that fits; None = not even at the largest count
    per_gpu_gb: float
    samples_per_s: float | None  # training only
    price_usd: float | None = None  # one GPU, from the price book
    price_date: str | None = None
    cost_usd: float | None = None  # price x GPUs needed


FIT_MODES = ("train", "infer")


def fit_memory(model: ModelSpec, req: WorkloadRequest, precision: Precision, batch: int, gpus: int,
               vram_gb: float | None, mode: str) -> mem.MemoryEstimate:
    """Memory per GPU for training (the full recipe) or inference (weights + KV cache + workspace)."""
    if mode == "infer":
        return mem.inference_memory(model, mem.InferenceRequest(precision=precision, batch=batch, seq=req.seq,
                                                                gpus=gpus), vram_gb)
    return mem.estimate_memory(model, memory_request(req, model, precision, batch, gpus), vram_gb)


def fit_gpus(req: WorkloadRequest, chips: Iterable[Gpu], counts: tuple[int, ...] = FIT_COUNTS,
             mode: str = "train", book: Any = None) -> list[FitRow]:
    """For each GPU chip with a known VRAM, the smallest count in ``counts`` whose memory fits.

    ``mode``: "train" (the training recipe; extra GPUs share the state by ``req.sharding``) or
    "infer" (weights + KV cache + workspace, split over the GPUs by tensor parallelism).
    With a price ``book`` (:class:`dlrig.catalog.prices.PriceBook`), rows are cheapest first by
    the cost of the GPUs needed; GPUs without a price come after the priced ones.
    """
    model = get_model(req.model)
    if mode not in FIT_MODES:
        raise BadInput(f"unknown mode {mode!r}; one of: {', '.join(FIT_MODES)}", field="mode")
    _validate(req, model)
    if mode == "infer" and (req.lora or req.qlora):
        raise BadInput("LoRA and QLoRA apply to training; for inference the precision sets the weights' bytes",
                       field="qlora" if req.qlora else "lora")
    precision = parse_precision(req.precision) if req.precision else default_precision(model)
    batch = req.batch or (1 if mode == "infer" else default_batch(model))
    rows = []
    for gpu in chips:
        if not gpu.vram_gb:
            continue
        found, last = None, None
        for n in counts:
            last = fit_memory(model, req, precision, batch, n, gpu.vram_gb, mode)
            if last.fits:
                found = n
                break
        speed = None
        if found is not None and mode == "train":
            try:
                speed = estimate(req, Machine(gpu=gpu, gpus=found)).throughput.samples_per_s
            except BadInput:
                speed = None
        price = _price(book, gpu)
        rows.append(FitRow(gpu=gpu.name, vram_gb=gpu.vram_gb, gpus=found, per_gpu_gb=last.per_gpu_gb,  # type: ignore[union-attr]
                           samples_per_s=speed, price_usd=price.usd if price else None,
                           price_date=price.date.isoformat() if price else None,
                           cost_usd=price.usd * found if (price and found) else None))
    if book is not None:
        rows.sort(key=lambda r: (r.gpus is None, r.cost_usd is None, r.cost_usd or 0.0, r.gpus or 0,
                                 -(r.samples_per_s or 0.0), r.vram_gb))
    else:
        rows.sort(key=lambda r: (r.gpus is None, r.gpus or 0, -(r.samples_per_s or 0.0), r.vram_gb))
    return rows


def _price(book: Any, gpu: Gpu) -> Any:
    if book is None:
        return None
    from dlrig.catalog.prices import price_for

    return price_for(book, gpu)


def fit_document(model: str, sharding: str, mode: str, prices: str | None, rows: list[FitRow]) -> dict[str, Any]:
    """The ``dlrig fit --json`` document (the web API returns the same)."""
    from dataclasses import asdict

    return {"model": model, "mode": mode, "sharding": sharding if mode == "train" else None,
            "prices": prices, "order": "cheapest first (GPUs without a price last)" if prices else "fewest GPUs first",
            "gpus": [asdict(r) for r in rows]}
