"""The inference side of ``dlrig estimate --infer`` and ``dlrig fit --infer``: requests to specs.

``estimate`` and ``fit`` take a :class:`WorkloadRequest`; this module turns its inference
options into an :class:`~dlrig.workload.inference.InferenceSpec`, reads the GPUs (a build's
cards, or ``--gpu "RTX 4090, 2x RTX 3090"``), the system RAM (a build's kits and CPU), and
answers "how many of each GPU" for ``fit``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from dlrig.catalog.models import Gpu
from dlrig.catalog.protocol import resolve_as
from dlrig.errors import BadInput
from dlrig.workload.inference import SPLITS, InferenceEstimate, InferenceSpec, estimate_inference
from dlrig.workload.quant import PRECISION_TO_WEIGHTS, kv_format, weight_format
from dlrig.workload.zoo import ModelSpec, get_model

if TYPE_CHECKING:
    from dlrig.build import Build
    from dlrig.catalog.protocol import CatalogQueries
    from dlrig.workload.estimate import Machine, WorkloadRequest

INFERENCE_OPTIONS = ("weights", "kv_cache", "split", "offload", "ram_bandwidth_gb_s")
MIXED = re.compile(r"^\s*(\d+)\s*x\s+(.+)$", re.IGNORECASE)


def reject_inference_options(req: WorkloadRequest) -> None:
    """Inference options on a training estimate are a mistake worth naming."""
    given = [key for key in INFERENCE_OPTIONS if getattr(req, key) is not None]
    if given:
        raise BadInput(f"{', '.join(given)} appl{'ies' if len(given) == 1 else 'y'} to language-model inference: "
                       "ask for inference (infer), with a language model (dlrig models lists them)", field="infer")


def is_language_model(model: ModelSpec) -> bool:
    return model.transformer is not None and model.transformer.lm_head


def spec_from_request(req: WorkloadRequest, model: ModelSpec | None = None, ram_gb: float | None = None,
                      ram_gb_s: float | None = None, link: str = "pcie") -> InferenceSpec:
    """--weights (or --precision mapped to a format), --kv-cache, --seq/--context, --batch, --split."""
    model = model or get_model(req.model)
    if req.lora or req.qlora:
        raise BadInput("LoRA and QLoRA apply to training; for inference give the weights' format",
                       field="qlora" if req.qlora else "lora")
    if req.weights and req.precision:
        raise BadInput("give the weights' format or the precision for inference, not both (weights: q4_k_m, "
                       "int8, fp16, ...)", field="weights")
    if req.weights:
        fmt = weight_format(req.weights)
    else:
        wanted = (req.precision or "bf16").strip().lower()
        if wanted not in PRECISION_TO_WEIGHTS:
            raise BadInput(f"unknown precision {req.precision!r} for inference; give the weights' format: "
                           f"{', '.join(sorted(PRECISION_TO_WEIGHTS))} or a GGUF format such as q4_k_m",
                           field="precision")
        fmt = weight_format(PRECISION_TO_WEIGHTS[wanted])
    split = (req.split or "layer").strip().lower()
    if split not in SPLITS:
        raise BadInput(f"unknown split {req.split!r}; one of: {', '.join(SPLITS)}", field="split")
    if req.ram_bandwidth_gb_s is not None and req.ram_bandwidth_gb_s <= 0:
        raise BadInput(f"the RAM bandwidth must be positive, not {req.ram_bandwidth_gb_s}",
                       field="ram_bandwidth_gb_s")
    c = model.transformer
    context = req.seq or (c.seq if c else 0)  # default: the model's reference sequence, as for training
    return InferenceSpec(model=model, weights=fmt, kv=kv_format(req.kv_cache or "f16"), context=context,
                         batch=req.batch or 1, split=split, offload=req.offload is not False,
                         ram_gb_s=req.ram_bandwidth_gb_s or ram_gb_s, ram_gb=ram_gb, link=link)


def _link(gpus: list[Gpu]) -> str:
    return "nvlink" if all(g.form == "sxm" for g in gpus) else "pcie"


def estimate_on_machine(req: WorkloadRequest, machine: Machine) -> InferenceEstimate:
    """``estimate --infer``: the machine's cards (each, where a build mixes them) and its RAM."""
    model = get_model(req.model)
    gpus = list(machine.gpu_list) if machine.gpu_list else [machine.gpu] * machine.gpus
    spec = spec_from_request(req, model, machine.ram_gb, machine.ram_bandwidth_gb_s, _link(gpus))
    result = estimate_inference(spec, gpus)
    return replace(result, notes=(*machine.notes, *result.notes))


def build_gpu_list(build: Build, gpus: int | None) -> tuple[Gpu, ...]:
    """A build's cards in file order; ``--gpus N`` makes it N of the first card."""
    cards = build.gpus
    if gpus and gpus != len(cards):
        return tuple([cards[0]] * gpus) if cards else ()
    return tuple(cards)


def build_ram_bandwidth(build: Build) -> float | None:
    """Peak GB/s of the build's RAM: channels in use x MT/s x 8 bytes (64-bit channels); None when unknown."""
    kits = build.memory_kits
    cpu = build.cpu
    if not kits or cpu is None or not cpu.memory_channels:
        return None
    speeds = [k.speed_mt_s for k in kits if k.speed_mt_s is not None]
    modules = sum(k.modules or 0 for k in kits)
    if len(speeds) < len(kits) or not modules:  # a kit's speed unknown
        return None
    return min(cpu.memory_channels, modules) * min(speeds) * 8 / 1000


def parse_gpu_text(text: str) -> list[tuple[int, str]]:
    """'RTX 4090, 2x RTX 3090' -> [(1, 'RTX 4090'), (2, 'RTX 3090')]; '+' separates too."""
    out = []
    for item in re.split(r"[,+]", text):
        if not item.strip():
            continue
        m = MIXED.match(item)
        count, name = (int(m.group(1)), m.group(2)) if m else (1, item.strip())
        if count < 1:
            raise BadInput(f"GPU count must be at least 1 in {item.strip()!r}")
        out.append((count, name.strip()))
    if not out:
        raise BadInput(f"no GPU named in {text!r}")
    return out


def machine_from_gpu_text(text: str, gpus: int | None, catalog: CatalogQueries) -> Machine:
    """``--gpu "RTX 4090"`` (with --gpus N) or a mix, ``--gpu "RTX 4090, 2x RTX 3090"``."""
    from dlrig.workload.estimate import Machine

    items = parse_gpu_text(text)
    if gpus is not None and (len(items) > 1 or items[0][0] != 1):
        raise BadInput("give the counts inside the GPU names ('RTX 4090, 2x RTX 3090') or a GPU count with one "
                       "name, not both", field="gpus")
    cards: list[Gpu] = []
    for count, name in items:
        cards += [catalog.chip_of(resolve_as(catalog, name, "gpu", Gpu))] * count
    if gpus is not None:
        if gpus < 1:
            raise BadInput(f"gpus must be at least 1, not {gpus}", field="gpus")
        cards = cards * gpus
    return Machine(gpu=cards[0], gpus=len(cards), gpu_list=tuple(cards),
                   notes=("no build file: system RAM unknown (its bandwidth matters only for layers offloaded "
                          "to the CPU)",))


@dataclass(frozen=True)
class InferenceFit:
    gpus: int | None
    per_gpu_gb: float
    tokens_per_s: float | None
    tokens_per_s_range: tuple[float, float] | None
    prompt_tokens_per_s: float | None


def fit_inference(req: WorkloadRequest, model: ModelSpec, gpu: Gpu, counts: tuple[int, ...]) -> InferenceFit:
    """The smallest count of ``gpu`` that holds the model on the GPUs alone, and its speed there."""
    spec = replace(spec_from_request(req, model, link=_link([gpu])), offload=False)
    last: InferenceEstimate | None = None
    for n in counts:
        if spec.split == "tensor" and model.transformer and model.transformer.heads % n:
            continue
        last = estimate_inference(spec, [gpu] * n)
        if last.placement.fits:
            sp = last.speed
            return InferenceFit(n, max(s.per_gpu_gb for s in last.placement.shares),
                                sp.tokens_per_s if sp else None, sp.tokens_per_s_range if sp else None,
                                sp.prompt_tokens_per_s if sp else None)
    worst = max(s.per_gpu_gb for s in last.placement.shares) if last else 0.0
    return InferenceFit(None, worst, None, None, None)


def options_note(spec: InferenceSpec) -> dict[str, Any]:
    return {"weights": spec.weights.key, "bits_per_weight": spec.weights.bits, "kv_cache": spec.kv.key,
            "context": spec.context, "batch": spec.batch, "split": spec.split}


def fit_assumptions(req: WorkloadRequest, mode: str) -> dict[str, Any] | None:
    """What ``fit --infer`` assumed for a language model (None otherwise), for its table and JSON."""
    model = get_model(req.model)
    if mode != "infer" or not is_language_model(model):
        return None
    from dlrig.workload import llm_speed

    spec = spec_from_request(req, model)
    m = llm_speed.speed_model()
    return {**options_note(spec), "model_name": model.name,
            "notes": [f"GPUs needed: the smallest of 1, 2, 4, 8 whose {spec.split} split holds weights, KV cache, "
                      "compute buffer and CUDA context on the GPUs alone (high end of the range)",
                      f"tokens/s: generation with {spec.context:,} tokens cached, {llm_speed.describe(m)}; range: "
                      f"leave-one-GPU-out spread, top raised to a 2025 llama.cpp build ({m.drift or 1:.2f} x)",
                      f"weights {spec.weights.name}: {spec.weights.source}"]}
