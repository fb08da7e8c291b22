"""Balance rules: system memory against GPU memory, CPU cores per GPU (docs/domain.md sections 4, 6).

Both thresholds are rules of thumb (Puget Systems); each is one named constant here, and the
messages say that they are rules of thumb.
"""

from __future__ import annotations

from collections.abc import Iterator

from dlrig.build import Build
from dlrig.rules import samples as s
from dlrig.rules import workload_model as wm
from dlrig.rules.base import Outcome, Rule, distinct, example, rule
from dlrig.rules_of_thumb import CORES_PER_GPU, MIN_CORES_PER_GPU, RAM_PER_VRAM_RECOMMENDED


@rule("RAM-VRAM", "warning", "System memory is at least the GPU memory", "balance",
      good=example("128 GB of RAM for 2 x 24 GB", gpu=(s.RTX_4090, 2), memory=s.DDR5_128),
      bad=example("16 GB of RAM for a 24 GB card", gpu=s.RTX_4090, memory=s.DDR5_16))
def ram_vram(r: Rule, build: Build) -> Iterator[Outcome]:
    """What: system RAM against GPU memory. Below the largest card's memory: warning. Below the
    total GPU memory ("less RAM than VRAM", as the seed post says) or below twice the total
    (the recommendation): note.

    Why: data loaders, pinned staging buffers, checkpoints and model loading all live in system
    memory first; a model that fills a card must pass through RAM to get there.

    Bad: 16 GB of RAM for a 24 GB RTX 4090.

    Fix: more RAM: at least the largest card's memory, ideally 2 x the total GPU memory.

    Source: Puget Systems, "Hardware Recommendations for Machine Learning / AI" (rule of thumb);
    docs/domain.md section 6; the seed post ("less RAM than VRAM!").
    """
    gpus = build.gpus
    if not gpus or not build.memory_kits:
        yield r.skip("needs GPUs and memory")
        return
    ram = build.ram_gb
    for kit in distinct(k for k in build.memory_kits if k.total_gb is None):
        yield r.unknown(kit, "the capacity")
    for g in distinct(g for g in gpus if g.vram_gb is None):
        yield r.unknown(g, "the memory size")
    if ram is None or any(g.vram_gb is None for g in gpus):
        return
    largest = max(g.vram_gb or 0 for g in gpus)
    total = sum(g.vram_gb or 0 for g in gpus)
    want = RAM_PER_VRAM_RECOMMENDED * total
    parts = [k.name for k in distinct(build.memory_kits)] + [g.name for g in distinct(gpus)]
    fix = f"{want:g} GB of RAM (2 x the GPU memory; rule of thumb)"
    vram = f"{total:g} GB of GPU memory" + (f" ({len(gpus)} x {largest:g} GB)" if len(gpus) > 1 else "")
    if ram < largest:
        yield r.warning(f"{ram:g} GB of RAM is less than the largest card's {largest:g} GB", parts, fix=fix)
    elif ram < total:
        yield r.note(f"less RAM than VRAM: {ram:g} GB of RAM for {vram}; rule of thumb "
                     f"{want:g} GB (2 x)", parts, fix=fix)
    elif ram < want:
        yield r.note(f"{ram:g} GB of RAM for {vram}: below the 2 x ({want:g} GB) rule of thumb",
                     parts, fix=fix)


@rule("VRAM-WORKLOAD", "problem", "The workload fits in each GPU's memory", "balance",
      good=example("ResNet-50, fp16, batch 64 on a 24 GB card", gpu=s.RTX_4090,
                   workload={"model": "resnet50", "precision": "fp16", "batch": 64}),
      bad=example("full fine-tune of Llama-3-8B (bf16, AdamW) on a 24 GB card", gpu=s.RTX_4090,
                  workload={"model": "llama-3-8b", "precision": "bf16", "batch": 1, "seq": 2048}))
def vram_workload(r: Rule, build: Build) -> Iterator[Outcome]:
    """What: the memory per GPU of the build's workload (weights, gradients, optimizer state,
    activations at its batch, CUDA context; the recipe of docs/workload.md section 2) against
    the GPU's memory, judged at the high end of the overhead range. When it does not fit: a
    problem, with the largest batch that does fit.

    Why: training that does not fit in GPU memory does not run at all; the usual calculators
    undercount it (the largest component instead of the sum, activations left out). A
    mixed-precision AdamW recipe needs 16 bytes per parameter before any activation.

    Bad: a full fine-tune of Llama-3-8B (about 128 GB of weights, gradients and optimizer
    state) on a 24 GB RTX 4090.

    Fix: a smaller batch (the largest that fits is named), more GPUs with ZeRO/FSDP sharding,
    LoRA or QLoRA, activation recomputation, or a GPU with more memory.

    Source: docs/domain.md section 3; the memory model in docs/workload.md (ZeRO paper, Korthikanti
    et al. 2022).
    """
    if wm.is_inference(build):
        yield from _inference_memory(r, build)
        return
    memory, why = wm.workload_memory(build)
    if memory is None:
        yield r.skip(why)
        return
    gpu = build.gpus[0]
    if memory.fits is None:
        yield r.unknown(gpu, "the memory size")
        return
    if memory.fits:
        return
    w = build.workload
    assert w is not None
    parts = sorted(memory.breakdown_gb.items(), key=lambda kv: -kv[1])[:3]
    top = ", ".join(f"{k.replace('_', ' ')} {v:,.1f}" for k, v in parts)
    batch = w.batch or "default"
    text = (f"{w.model} at batch {batch} needs {memory.per_gpu_gb:,.1f} GB per GPU (up to "
            f"{memory.per_gpu_gb_range[1]:,.1f}; {top} GB); {gpu.name} has {gpu.vram_gb:g} GB")
    if memory.max_batch:
        text += f"; the largest batch that fits is {memory.max_batch}"
        fix = f"batch {memory.max_batch} or smaller (gradient accumulation keeps the effective batch)"
    else:
        text += "; it does not fit even at batch 1"
        fix = ("more GPUs with ZeRO/FSDP sharding, LoRA/QLoRA, activation recomputation, or a GPU with more "
               "memory (dlrig fit --model ... lists the GPUs that hold it)")
    yield r.problem(text, [gpu], fix=fix)


def _inference_memory(r: Rule, build: Build) -> Iterator[Outcome]:
    """VRAM-WORKLOAD for LLM inference: the placement of dlrig estimate --infer (weights, KV
    cache at the context, compute buffer and CUDA context per GPU; layers that fit on no GPU
    run from system RAM when offload is on). A problem when it cannot run at all."""
    result, why = wm.inference_memory(build)
    if result is None:
        yield r.skip(why)
        return
    pl = result.placement
    if pl.fits:
        return
    spec = result.spec
    text = f"{spec.model.key} inference ({spec.weights.key} weights, {spec.context:,}-token context)"
    over = [s for s in pl.shares if not s.fits]
    if over:
        worst = max(over, key=lambda s: s.per_gpu_gb_range[1] - s.capacity_gb)
        text += (f" needs up to {worst.per_gpu_gb_range[1]:,.1f} GB on {worst.gpu}, which holds "
                 f"{worst.capacity_gb:,.1f} GB")
    else:
        text += " does not fit on the GPUs, and the rest cannot run from system RAM"
    text += f"; layers: {pl.layers_text}"
    if pl.notes:
        text += "; " + "; ".join(pl.notes)
    yield r.problem(text, [build.gpus[0]], fix="a smaller weight format or KV cache format, a shorter context, "
                                               "more GPUs, or CPU offload (offload)")


@rule("CPU-CORES-PER-GPU", "note", "Enough CPU cores to feed each GPU", "balance",
      good=example("32 cores for 4 GPUs", gpu=(s.RTX_6000_ADA, 4), cpu=s.TR_PRO_5975WX),
      bad=example("4 cores for 2 GPUs", gpu=(s.RTX_4090, 2), cpu=s.QUAD_CORE_AM5))
def cpu_cores_per_gpu(r: Rule, build: Build) -> Iterator[Outcome]:
    """What: physical CPU cores per GPU. When the build names an image model (a CNN) the
    estimator can run on the build, the decode stage of its data pipeline (cores x 100-300
    JPEGs/s per core) against the GPUs' modelled training rate: a note when decoding binds.
    Otherwise the rule of thumb: fewer than 4 cores per GPU, note; fewer than 1, warning.

    Why: each GPU's process needs a core, and image pipelines decode and augment on the CPU
    (a few hundred JPEGs/s per core); starved of cores, the GPUs wait on data. GPU decoding
    (DALI, nvJPEG) lowers the need.

    Bad: a 4-core CPU for two GPUs.

    Fix: a CPU with more cores, or decode on the GPU (NVIDIA DALI).

    Source: Puget Systems, "Hardware Recommendations for Machine Learning / AI" (4 cores per
    GPU, rule of thumb); docs/domain.md section 4; the pipeline model in docs/workload.md section 4.
    """
    n, cpu = build.gpu_count, build.cpu
    if n == 0 or cpu is None:
        yield r.skip("needs GPUs and a CPU")
        return
    if cpu.cores is None:
        yield r.unknown(cpu, "the core count")
        return
    modelled = wm.workload_estimate(build)
    decode = wm.stage(modelled.estimate, "CPU") if modelled.estimate is not None else None
    if modelled.estimate is not None and decode is not None and decode.supply_samples_per_s:
        e = modelled.estimate
        demand, supply = e.throughput.samples_per_s, decode.supply_samples_per_s
        if cpu.cores / n < MIN_CORES_PER_GPU:
            yield r.warning(f"{cpu.name} has {cpu.cores} cores for {n} GPU(s): fewer than one per GPU", [cpu],
                            fix=decode.fix)
        elif supply < demand:
            yield r.note(f"{wm.rate_words(e)}; {cpu.name}'s {cpu.cores} cores decode ~{supply:,.0f} images/s "
                         f"(rule of thumb 100-300 per core): CPU decoding binds, the GPUs wait "
                         f"{demand / supply:,.1f}x", [cpu], fix=decode.fix)
        return
    per = cpu.cores / n
    threads = f" ({cpu.threads} threads)" if cpu.threads else ""
    text = (f"{cpu.name} has {cpu.cores} cores{threads} for {n} GPU(s): {per:.2g} per GPU; the rule "
            f"of thumb is {CORES_PER_GPU}")
    fix = f"{CORES_PER_GPU * n} or more cores, or decode images on the GPU (DALI)"
    if per < MIN_CORES_PER_GPU:
        yield r.warning(text, [cpu], fix=fix)
    elif per < CORES_PER_GPU:
        yield r.note(text, [cpu], fix=fix)


RULES: tuple[Rule, ...] = (ram_vram, vram_workload, cpu_cores_per_gpu)
