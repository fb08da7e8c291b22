"""Count a PyTorch model's parameters, forward FLOPs and activation bytes on meta tensors.

Needs the optional extra ``dlrig[torch]``; torch is imported inside the functions, never at
import time. Nothing is allocated: the model is built on the ``meta`` device, so VGG-16 or
ViT-B/16 count in well under a second and no weights are downloaded.

Conventions (docs/domain.md section 2):
- FLOPs = 2 x multiply-accumulates, as ``torch.utils.flop_counter.FlopCounterMode`` counts
  them; attention matmuls are included.
- Activation bytes = the bytes of the tensors autograd saves for the backward pass
  (``torch.autograd.graph.saved_tensors_hooks``), each storage counted once, parameters
  excluded. Per sample = (count(batch 4) - count(batch 2)) / 2, so per-batch constants
  (batch-norm statistics) drop out; batch 1 is avoided because batch norm refuses it in
  training mode (Inception-v3's auxiliary head pools to 1x1).
"""

from __future__ import annotations

import contextlib
from typing import Any

from dlrig.errors import BadInput

SOURCES = ("torchvision", "timm")


def torch_versions() -> dict[str, str]:
    import torch

    out = {"torch": torch.__version__}
    for name in ("torchvision", "timm"):
        with contextlib.suppress(ImportError):
            out[name] = __import__(name).__version__
    return out


def build_meta_model(source: str, name: str) -> Any:
    """A torchvision or timm model on the meta device, without weights."""
    try:
        import torch
    except ImportError:
        raise BadInput(f"model {source}:{name} needs PyTorch: pip install 'dlrig[torch]'", field="model") from None
    if source not in SOURCES:
        raise BadInput(f"unknown model source {source!r}; one of: {', '.join(SOURCES)}")
    try:
        lib = __import__(source)
    except ImportError:
        raise BadInput(f"model {source}:{name} needs the {source} package installed", field="model") from None
    with torch.device("meta"):
        try:
            if source == "torchvision":
                return lib.models.get_model(name, weights=None)
            return lib.create_model(name, pretrained=False)
        except (ValueError, RuntimeError, KeyError) as exc:
            raise BadInput(f"{source} has no model {name!r} ({exc})") from None


def _saved_bytes(model: Any, batch: int, shape: tuple[int, ...], dtype: Any) -> int:
    import torch

    param_storages = {p.untyped_storage()._cdata for p in model.parameters()}
    seen: set[int] = set()
    total = 0

    def pack(t: Any) -> Any:
        nonlocal total
        storage = t.untyped_storage()
        key = storage._cdata
        if key not in seen and key not in param_storages:
            seen.add(key)
            total += storage.nbytes()
        return t

    x = torch.empty((batch, *shape), device="meta", dtype=dtype, requires_grad=False)
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        model(x)
    return total


def count(model: Any, input_shape: tuple[int, ...]) -> dict[str, float]:
    """Parameters, forward FLOPs per sample, activation bytes per sample (fp32 and 16-bit)."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    model.train()
    params = sum(p.numel() for p in model.parameters())
    x = torch.empty((2, *input_shape), device="meta")
    with FlopCounterMode(display=False) as counter:
        model(x)
    flops = counter.get_total_flops() / 2

    def per_sample(dtype: Any) -> float:
        model.to(dtype)
        return (_saved_bytes(model, 4, input_shape, dtype) - _saved_bytes(model, 2, input_shape, dtype)) / 2

    act32 = per_sample(torch.float32)
    act16 = per_sample(torch.bfloat16)
    model.to(torch.float32)
    input_bytes = 4
    for d in input_shape:
        input_bytes *= d
    return {"params": float(params), "forward_flops": float(flops),
            "activation_bytes_fp32": float(act32), "activation_bytes_16bit": float(act16),
            "input_bytes": float(input_bytes)}


def default_input_shape(model: Any, source: str) -> tuple[int, ...]:
    """The reference input: timm's pretrained config where it has one, else 3x224x224."""
    if source == "timm":
        cfg = getattr(model, "pretrained_cfg", None) or {}
        if "input_size" in cfg:
            return tuple(cfg["input_size"])
    return (3, 224, 224)
