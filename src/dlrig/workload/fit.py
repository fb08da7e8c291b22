"""Which GPUs hold a workload, how many of each, and what that many cost: ``dlrig fit``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from dlrig.catalog.models import Gpu, Precision
from dlrig.errors import BadInput
from dlrig.feasibility import gpus_per_board
from dlrig.feasibility.rules import per_device
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


def _choice(name: str, value: str, choices: Iterable[str]) -> str:
    choices = tuple(choices)
    if value not in choices:
        raise BadInput(f"unknown {name} {value!r}; one of: {', '.join(choices)}", field=name)
    return value


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
    tokens_per_s: float | None = None  # LLM inference: generation at the context (infer_run.fit_inference)
    tokens_per_s_range: tuple[float, float] | None = None
    prompt_tokens_per_s: float | None = None
    speed_outside_fit: bool = False  # the speed model was fitted on NVIDIA GPUs; other vendors' software unchecked
    gpus_per_board: int = 1  # a multi-GPU board (Tesla K80): gpus counts GPUs, each with vram_gb
    boards: int | None = None  # boards to buy for ``gpus`` GPUs (priced per board)
    short_gb: float | None = None  # not fitting at the largest count: GB more than each GPU holds


FIT_MODES = ("train", "infer")
FIT_ORDERS = ("auto", "cost", "gpus", "speed")
ORDER_TEXT = {"cost": "cheapest first (GPUs without a price last)",
              "gpus": "fewest GPUs first, then cheapest (GPUs without a price last)",
              "speed": "fastest first (GPUs without a price last)"}


def fit_order(order: str, mode: str, model: ModelSpec, book: Any) -> str:
    """``auto``: training cheapest first; language-model inference fewest GPUs first, then cheapest
    (one or two cards fit an ordinary desktop board, four to eight need a workstation or server
    platform); without a price book, fewest GPUs first."""
    _choice("order", order, FIT_ORDERS)
    if order != "auto":
        return order
    from dlrig.workload.infer_run import is_language_model

    return "gpus" if book is None or (mode == "infer" and is_language_model(model)) else "cost"


def fit_memory(model: ModelSpec, req: WorkloadRequest, precision: Precision, batch: int, gpus: int,
               vram_gb: float | None, mode: str) -> mem.MemoryEstimate:
    """Memory per GPU for training (the full recipe) or inference (weights + KV cache + workspace)."""
    if mode == "infer":
        return mem.inference_memory(model, mem.InferenceRequest(precision=precision, batch=batch, seq=req.seq,
                                                                gpus=gpus), vram_gb)
    return mem.estimate_memory(model, memory_request(req, model, precision, batch, gpus), vram_gb)


def check_fit_request(req: WorkloadRequest, mode: str) -> ModelSpec:
    """The request's model, or BadInput for what is wrong whatever the GPU (checked once)."""
    model = get_model(req.model)
    _choice("mode", mode, FIT_MODES)
    _validate(req, model)
    if mode == "infer" and (req.lora or req.qlora):
        raise BadInput("LoRA and QLoRA apply to training; for inference give the weights' format",
                       field="qlora" if req.qlora else "lora")
    return model


def fit_gpus(req: WorkloadRequest, chips: Iterable[Gpu], counts: tuple[int, ...] = FIT_COUNTS,
             mode: str = "train", book: Any = None, order: str = "auto") -> list[FitRow]:
    """For each GPU chip with a known VRAM, the smallest count in ``counts`` whose memory fits.

    ``mode``: "train" (the training recipe; extra GPUs share the state by ``req.sharding``) or
    "infer" (weights + KV cache + workspace, split over the GPUs by tensor parallelism).
    With a price ``book`` (:class:`dlrig.catalog.prices.PriceBook`), rows are ordered by ``order``
    (:func:`fit_order`); GPUs without a price come after the priced ones. A multi-GPU board
    (Tesla K80) is counted as its GPUs, each with its share of the board's memory. ``chips`` are
    taken as given: the caller leaves out what cannot run the request (dlrig.feasibility).
    """
    model = check_fit_request(req, mode)
    how = fit_order(order, mode, model, book)
    from dlrig.workload import infer_run

    if mode == "infer" and infer_run.is_language_model(model):
        return _sort(infer_rows(req, model, chips, counts, book), how)
    infer_run.reject_inference_options(req)
    precision = parse_precision(req.precision) if req.precision else default_precision(model)
    batch = req.batch or (1 if mode == "infer" else default_batch(model))
    rows = []
    for board in chips:
        if not board.vram_gb:
            continue
        gpu = per_device(board)
        found, last = None, None
        for n in counts:
            last = fit_memory(model, req, precision, batch, n, gpu.vram_gb, mode)
            if last.fits:
                found = n
                break
        assert last is not None  # counts is never empty
        rate = _speed(req, board, found) if found is not None and mode == "train" else None
        rows.append(_row(board, gpu, found, last.per_gpu_gb, book, samples_per_s=rate,
                         short_gb=None if found is not None else _short(last)))
    return _sort(rows, how)


def _speed(req: WorkloadRequest, board: Gpu, gpus: int) -> float | None:
    """Samples/s on ``gpus`` GPUs: the throughput model takes a multi-GPU board's figures per board."""
    try:
        boards = -(-gpus // gpus_per_board(board))
        return estimate(req, Machine(gpu=board, gpus=boards)).throughput.samples_per_s
    except BadInput:
        return None


def _short(memory: mem.MemoryEstimate) -> float | None:
    """GB the high end of what each GPU must hold exceeds what it holds (fits is judged there)."""
    cap = memory.capacity_gb
    if cap is None:
        return None
    high = (memory.required_gb_range or memory.per_gpu_gb_range)[1]
    return round(max(high - cap, 0.0), 2)


def _row(board: Gpu, gpu: Gpu, found: int | None, per_gpu_gb: float, book: Any, **extra: Any) -> FitRow:
    """One row: ``found`` GPUs of ``gpu`` (one GPU of ``board``), priced by boards."""
    per_board = gpus_per_board(board)
    boards = -(-found // per_board) if found else None
    price = _price(book, board)
    extra.setdefault("speed_outside_fit", (board.vendor or "").upper() != "NVIDIA")
    return FitRow(gpu=board.name, vram_gb=gpu.vram_gb or 0.0, gpus=found, per_gpu_gb=per_gpu_gb,
                  samples_per_s=extra.pop("samples_per_s", None), price_usd=price.usd if price else None,
                  price_date=price.date.isoformat() if price else None,
                  cost_usd=price.usd * boards if (price and boards) else None, gpus_per_board=per_board,
                  boards=boards, **extra)


def _sort(rows: list[FitRow], how: str) -> list[FitRow]:
    def speed(r: FitRow) -> float:
        return -(r.samples_per_s or r.tokens_per_s or 0.0)

    def key(r: FitRow) -> tuple:
        first = {"cost": (r.cost_usd or 0.0, r.gpus or 0), "gpus": (r.gpus or 0, r.cost_usd or 0.0),
                 "speed": (speed(r), r.cost_usd or 0.0)}[how]
        return (r.gpus is None, r.cost_usd is None, *first, speed(r), r.vram_gb)

    rows.sort(key=key)
    return rows


def infer_rows(req: WorkloadRequest, model: ModelSpec, chips: Iterable[Gpu], counts: tuple[int, ...],
               book: Any) -> list[FitRow]:
    """LLM inference: each chip's smallest count holding the model on the GPUs alone, with tokens/s."""
    from dlrig.workload.infer_run import fit_inference, spec_from_request

    spec_from_request(req, model)  # bad options are the user's error, once, not a card dropped
    from dlrig.workload.memory import card_capacity_gb

    rows = []
    for board in chips:
        if not board.vram_gb:
            continue
        gpu = per_device(board)
        found = fit_inference(req, model, gpu, counts)
        short = None if found.gpus is not None else round(max(found.per_gpu_gb - card_capacity_gb(gpu.vram_gb), 0.0), 2)  # type: ignore[arg-type]
        rows.append(_row(board, gpu, found.gpus, found.per_gpu_gb, book, tokens_per_s=found.tokens_per_s,
                         tokens_per_s_range=found.tokens_per_s_range, prompt_tokens_per_s=found.prompt_tokens_per_s,
                         short_gb=short))
    return rows


def _price(book: Any, gpu: Gpu) -> Any:
    if book is None:
        return None
    from dlrig.catalog.prices import price_for

    return price_for(book, gpu)


def fit_document(model: str, sharding: str, mode: str, prices: str | None, rows: list[FitRow],
                 inference: dict[str, Any] | None = None, order: str | None = None,
                 **extra: Any) -> dict[str, Any]:
    """The ``dlrig fit --json`` document (the web API returns the same); ``inference``: the
    weights, KV cache, context and split an LLM inference fit assumed; ``extra``: the service's
    keys (assumptions, excluded, feasibility, advice)."""
    from dataclasses import asdict

    doc: dict[str, Any] = {
        "model": model, "mode": mode, "sharding": sharding if mode == "train" else None,
        "prices": prices, "order": ORDER_TEXT[order] if order else (
            "cheapest first (GPUs without a price last)" if prices else "fewest GPUs first"),
        "gpus": [asdict(r) for r in rows], **extra}
    if inference is not None:
        doc["inference"] = inference
    return doc
