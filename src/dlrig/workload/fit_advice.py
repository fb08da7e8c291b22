"""When no GPU holds a request: by how much, and the nearest requests that do, each computed.

The shortfall is read off the fit's own rows (the GB each GPU of the closest card would need
beyond what it holds, at the largest count). Each alternative changes one thing the user can
change (a shorter sequence or context, activation recomputation, QLoRA, a smaller micro-batch,
a smaller weight or KV-cache format, server parts) and is fitted again by the same memory model
over the same GPUs; only changes that make some GPU fit are offered, with the first row the fit
would then recommend.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from dlrig.workload.fit import FitRow
from dlrig.workload_request import WorkloadRequest

MIN_SEQ = 512  # shorter sequences are not offered: below it few fine-tuning sets fit unsplit
QUANT_WEIGHTS = "q4_k_m"  # the GGUF mix most local inference guides start from


@dataclass(frozen=True)
class Shortfall:
    gpu: str
    gpus: int  # at the largest count tried
    short_gb: float  # GB per GPU beyond what each holds

    def to_json(self) -> dict[str, Any]:
        return {"gpu": self.gpu, "gpus": self.gpus, "short_gb": self.short_gb}

    def text(self) -> str:
        return f"closest: {self.gpus} x {self.gpu}, each {self.short_gb:,.1f} GB short"


@dataclass(frozen=True)
class Alternative:
    change: str  # what to change, in words ("sequence 1024")
    field: str  # the request key it changes (the surface adds its own flag name)
    value: Any
    gpu: str  # the first row the fit would then give
    gpus: int
    cost_usd: float | None

    def to_json(self) -> dict[str, Any]:
        return {"change": self.change, "field": self.field, "value": self.value, "gpu": self.gpu,
                "gpus": self.gpus, "cost_usd": self.cost_usd}


def shortfall(rows: Sequence[FitRow], counts: Sequence[int]) -> Shortfall | None:
    """The card that comes closest (least GB short per GPU at the largest count), or None."""
    short = [r for r in rows if r.gpus is None and r.short_gb is not None]
    if not short:
        return None
    best = min(short, key=lambda r: (r.short_gb, -r.vram_gb))
    return Shortfall(best.gpu, max(counts), best.short_gb)  # type: ignore[arg-type]


Fitter = Callable[[WorkloadRequest], list[FitRow]]


def _first(rows: list[FitRow]) -> FitRow | None:
    return next((r for r in rows if r.gpus is not None), None)


def alternatives(req: WorkloadRequest, mode: str, fit: Fitter, servers: Fitter | None = None,
                 seq: int | None = None) -> list[Alternative]:
    """Single changes to ``req`` under which ``fit`` (the same GPUs and counts) finds a GPU.
    ``seq``: the sequence the request was sized at (a default the user did not give);
    ``servers``: the fit with server parts allowed, tried on the request unchanged."""
    tries: list[tuple[str, str, Any, dict[str, Any]]] = []
    if mode == "infer":
        if req.weights != QUANT_WEIGHTS:
            tries.append((f"weights {QUANT_WEIGHTS}", "weights", QUANT_WEIGHTS,
                          {"weights": QUANT_WEIGHTS, "precision": None}))
        if req.kv_cache not in ("q8_0", "q4_0", "fp8"):
            tries.append(("KV cache q8_0", "kv_cache", "q8_0", {"kv_cache": "q8_0"}))
    else:
        if req.recompute != "full":
            tries.append(("activation recomputation (full)", "recompute", "full", {"recompute": "full"}))
        if not req.qlora:
            tries.append(("QLoRA (4-bit base)", "qlora", True, {"qlora": True, "lora": False}))
        if (req.batch or 1) > 1:
            tries.append(("micro-batch 1", "batch", 1, {"batch": 1}))
    out = [alt for change, key, value, update in tries
           if (alt := _try(req, update, fit, change, key, value)) is not None]
    out += _shorter(req, fit, seq, mode)
    if servers is not None and (row := _first(servers(req))) is not None:
        out.append(Alternative("server parts (SXM/OAM modules, passive datacenter cards)", "servers", True,
                               row.gpu, row.gpus, row.cost_usd))  # type: ignore[arg-type]
    return out


def _try(req: WorkloadRequest, update: dict[str, Any], fit: Fitter, change: str, key: str,
         value: Any) -> Alternative | None:
    from dlrig.errors import DlrigError

    try:
        row = _first(fit(req.model_copy(update=update)))
    except DlrigError:  # a change this model does not take (QLoRA on a CNN): not an alternative
        return None
    return None if row is None else Alternative(change, key, value, row.gpu, row.gpus, row.cost_usd)  # type: ignore[arg-type]


def _shorter(req: WorkloadRequest, fit: Fitter, seq: int | None, mode: str) -> list[Alternative]:
    """The longest halving of the sequence (training) or context (inference) that fits."""
    length = req.seq or seq
    if not length:
        return []
    word = "context" if mode == "infer" else "sequence"
    trial = length // 2
    while trial >= MIN_SEQ:
        alt = _try(req, {"seq": trial}, fit, f"{word} {trial:,}", "seq", trial)
        if alt is not None:
            return [alt]
        trial //= 2
    return []
