#!/usr/bin/env python
"""Training throughput of zoo models measured on a real GPU, against what ``dlrig estimate`` predicts.

Two modes, so the GPU time is spent on measuring only:

    python benchmarks/gpu_calibration.py --measure --limit-s 150 > measured.json   # on the GPU machine
    python benchmarks/gpu_calibration.py --compare measured.json                  # anywhere, no GPU

``--measure`` trains each model of ``CONFIGS`` for a few seconds on synthetic data (PyTorch eager,
one GPU) and prints one JSON document: samples/s per configuration, with the software versions.
``--compare`` resolves the measured GPU in the catalog and prints, for each configuration, the
measurement beside two predictions of dlrig's estimate model: the one the tool gives (a Lambda
measurement of this chip where one exists, else the calibrated model) and the calibrated model
with this chip held out of its fit (what a user of a GPU that Lambda never measured would get).

What is measured is stock PyTorch (eager, no torch.compile, no CUDA graphs), Hugging Face
``transformers`` models built from their configs (random weights, no download, SDPA attention),
torchvision CNNs; Lambda's rows ran NVIDIA's tuned containers, so a ratio below 1 here is
partly the software stack, which the comparison says.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
MIN_STEPS, MIN_SECONDS, WARMUP = 5, 2.0, 3

# (zoo key, precision, batch, seq): BERT at Lambda's SQuAD length (384), GPT-2 at its context (1024).
CONFIGS: tuple[tuple[str, str, int, int | None], ...] = (
    ("resnet50", "fp16", 256, None),
    ("resnet50", "bf16", 256, None),
    ("resnet50", "tf32", 256, None),
    ("bert-base", "fp16", 64, 384),
    ("bert-base", "tf32", 64, 384),
    ("bert-large", "fp16", 32, 384),
    ("bert-large", "tf32", 32, 384),
    ("gpt2", "bf16", 16, 1024),
    ("gpt2-medium", "bf16", 8, 1024),
    ("vit-b-16", "bf16", 128, None),
)


# -- measuring (GPU) ---------------------------------------------------------------------------------
def build(torch: Any, key: str, batch: int, seq: int | None, dev: Any) -> tuple[Any, Any]:
    """The model on ``dev`` and a function computing its training loss on synthetic data."""
    if key in ("resnet50", "vit-b-16"):
        import torchvision

        model = getattr(torchvision.models, key.replace("-", "_"))().to(dev)
        model = model.to(memory_format=torch.channels_last)
        x = torch.randn(batch, 3, 224, 224, device=dev).to(memory_format=torch.channels_last)
        y = torch.randint(0, 1000, (batch,), device=dev)
        return model, lambda: torch.nn.functional.cross_entropy(model(x), y)
    import transformers as tf

    if key.startswith("bert"):
        large = key == "bert-large"
        cfg = tf.BertConfig(hidden_size=1024 if large else 768, num_hidden_layers=24 if large else 12,
                            num_attention_heads=16 if large else 12, intermediate_size=4096 if large else 3072,
                            attn_implementation="sdpa")
        model = tf.BertForQuestionAnswering(cfg).to(dev)
        ids = torch.randint(0, cfg.vocab_size, (batch, seq), device=dev)
        start = torch.randint(0, seq, (batch,), device=dev)
        return model, lambda: model(input_ids=ids, start_positions=start, end_positions=start).loss
    sizes = {"gpt2": (12, 768, 12), "gpt2-medium": (24, 1024, 16)}[key]
    cfg = tf.GPT2Config(n_layer=sizes[0], n_embd=sizes[1], n_head=sizes[2], n_positions=seq,
                        attn_implementation="sdpa")
    model = tf.GPT2LMHeadModel(cfg).to(dev)
    ids = torch.randint(0, cfg.vocab_size, (batch, seq), device=dev)
    return model, lambda: model(input_ids=ids, labels=ids).loss


def measure_one(torch: Any, key: str, precision: str, batch: int, seq: int | None) -> dict[str, Any]:
    dev = torch.device("cuda", 0)
    torch.backends.cuda.matmul.allow_tf32 = precision == "tf32"
    torch.backends.cudnn.allow_tf32 = precision == "tf32"
    torch.backends.cudnn.benchmark = True
    model, loss_fn = build(torch, key, batch, seq, dev)
    cnn = key in ("resnet50", "vit-b-16")
    opt = (torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9) if cnn
           else torch.optim.AdamW(model.parameters(), lr=1e-4, fused=True))
    amp = {"fp16": torch.float16, "bf16": torch.bfloat16}.get(precision)
    scaler = torch.amp.GradScaler("cuda", enabled=precision == "fp16")

    def step() -> None:
        with torch.autocast("cuda", dtype=amp or torch.float32, enabled=amp is not None):
            loss = loss_fn()
        scaler.scale(loss).backward()
        scaler.step(opt)
        scaler.update()
        opt.zero_grad(set_to_none=True)

    for _ in range(WARMUP):
        step()
    torch.cuda.synchronize(dev)
    torch.cuda.reset_peak_memory_stats(dev)
    steps, t0 = 0, time.perf_counter()
    while steps < MIN_STEPS or time.perf_counter() - t0 < MIN_SECONDS:
        step()
        steps += 1
        if steps % 5 == 0:
            torch.cuda.synchronize(dev)
    torch.cuda.synchronize(dev)
    seconds = time.perf_counter() - t0
    return {"model": key, "precision": precision, "batch": batch, "seq": seq, "steps": steps,
            "samples_per_s": batch * steps / seconds, "peak_memory_gb": torch.cuda.max_memory_allocated(dev) / 1e9,
            "optimizer": "SGD momentum" if cnn else "AdamW (fused)",
            "setup": ("channels-last, " if cnn else "SDPA attention, ") + (f"{precision} autocast" if amp else
                                                                           "FP32 weights, TF32 matmuls/convs")}


def measure(limit_s: float) -> dict[str, Any]:
    t_end = time.monotonic() + limit_s
    try:
        import torch
    except ImportError:
        return {"skipped": "PyTorch is not installed"}
    if not torch.cuda.is_available():
        return {"skipped": f"PyTorch {torch.__version__} sees no CUDA GPU"}
    versions = {"torch": torch.__version__, "cuda": torch.version.cuda, "cudnn": torch.backends.cudnn.version()}
    for name in ("torchvision", "transformers"):
        try:
            versions[name] = __import__(name).__version__
        except ImportError:
            versions[name] = None
    doc: dict[str, Any] = {"device": torch.cuda.get_device_name(0),
                           "memory_gb": torch.cuda.get_device_properties(0).total_memory / 1e9,
                           "versions": versions, "rows": [], "failed": []}
    for key, precision, batch, seq in CONFIGS:
        if time.monotonic() > t_end:
            doc["failed"].append({"model": key, "precision": precision, "why": "out of time"})
            continue
        try:
            row = measure_one(torch, key, precision, batch, seq)
            doc["rows"].append(row)
            print(f"{key} {precision}: {row['samples_per_s']:.1f}/s", file=sys.stderr, flush=True)
        except Exception as exc:  # one model failing (OOM, a missing package) leaves the others
            doc["failed"].append({"model": key, "precision": precision, "why": f"{type(exc).__name__}: {exc}"[:300]})
            print(f"{key} {precision}: failed ({type(exc).__name__})", file=sys.stderr, flush=True)
        finally:
            torch.cuda.empty_cache()
    return doc


# -- comparing (no GPU) ------------------------------------------------------------------------------
def compare(doc: dict[str, Any]) -> str:
    sys.path.insert(0, str(REPO / "src"))
    from dlrig.catalog.store import default_catalog
    from dlrig.machine.match import match_gpu
    from dlrig.machine.model import GpuInfo
    from dlrig.workload import throughput as thr
    from dlrig.workload.estimate import Machine, WorkloadRequest, estimate

    if "rows" not in doc:
        return f"nothing measured: {doc.get('skipped') or doc.get('error')}\n"
    chip = match_gpu(default_catalog(), GpuInfo(0, name=doc["device"], memory_mib=doc["memory_gb"] * 1e9 / 2**20)).part
    if chip is None:
        return f"{doc['device']} is not in the catalog: no prediction to compare with\n"
    held = thr.lambda_chip(chip)  # type: ignore[arg-type]
    lines = [f"{doc['device']} = catalog {chip.name}; software: "
             + ", ".join(f"{k} {v}" for k, v in doc["versions"].items()),
             "", "| model | precision | batch | measured /s | dlrig estimate /s (source) | measured / estimate "
             f"| model, {held or 'chip'} held out /s | measured / model |", "|---|---|---|---|---|---|---|---|"]
    for r in doc["rows"]:
        req = WorkloadRequest(model=r["model"], precision=r["precision"], batch=r["batch"], seq=r["seq"],
                              optimizer="sgd" if r["optimizer"].startswith("SGD") else "adamw")
        tool = estimate(req, Machine(gpu=chip, gpus=1)).throughput  # type: ignore[arg-type]
        model = estimate(req, Machine(gpu=chip, gpus=1, held_out_chip=held)).throughput if held else tool  # type: ignore[arg-type]
        m = r["samples_per_s"]
        lines.append(f"| {r['model']} | {r['precision']} | {r['batch']} | {m:,.0f} | {tool.samples_per_s:,.0f} "
                     f"({tool.source}) | {m / tool.samples_per_s:.2f} | {model.samples_per_s:,.0f} "
                     f"({model.range[0]:,.0f}-{model.range[1]:,.0f}) | {m / model.samples_per_s:.2f} |")
    lines += [f"- failed: {f['model']} {f['precision']}: {f['why']}" for f in doc.get("failed", [])]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--measure", action="store_true", help="measure on this machine's GPU 0; print JSON")
    mode.add_argument("--compare", type=Path, metavar="JSON", help="compare a --measure document with dlrig")
    parser.add_argument("--limit-s", type=float, default=150.0, help="stop starting new models after this")
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.limit_s), indent=1))
    else:
        print(compare(json.loads(args.compare.read_text())), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
