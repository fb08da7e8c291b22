"""The published set of `dlrig plan` requests that benchmarks/plan_speed.py times as whole commands.

Each entry is (label, the arguments after ``dlrig plan``); ``--json`` is added when it runs. The
set mixes budgets, GPU counts 1-8 (most on the default range, 1-8), precisions, workload models,
objectives, targets, regions, price books (the seed's 2015 market among them), ``--boxes``,
``--frontier`` and requests with no answer, so a speed-up that only helps one shape shows.
``plan_reference.json`` holds each request's answer as the code before issue 18 gave it.
"""

from __future__ import annotations

SEED_PLAN = "seed 4 GPU max-throughput"  # the README's first command

REQUESTS: list[tuple[str, list[str]]] = [
    # -- the default GPU range (1-8) ----------------------------------------------------------
    ("default", []),
    ("budget 1500", ["--budget", "1500"]),
    ("budget 3000", ["--budget", "3000"]),
    ("budget 6000", ["--budget", "6000"]),
    ("budget 10000", ["--budget", "10000"]),
    ("budget 20000", ["--budget", "20000"]),
    ("budget 50000", ["--budget", "50000"]),
    ("bf16", ["--precision", "bf16"]),
    ("fp16 budget 8000", ["--precision", "fp16", "--budget", "8000"]),
    ("tf32 budget 15000", ["--precision", "tf32", "--budget", "15000"]),
    ("fp8 budget 12000", ["--precision", "fp8", "--budget", "12000"]),
    ("perf-per-dollar", ["--objective", "perf-per-dollar"]),
    ("perf-per-dollar bf16 budget 10000", ["--objective", "perf-per-dollar", "--precision", "bf16",
                                           "--budget", "10000"]),
    ("min-cost 96 GB VRAM", ["--objective", "min-cost", "--vram-total", "96"]),
    ("min-cost 48 GB VRAM bf16", ["--objective", "min-cost", "--vram-total", "48", "--precision", "bf16"]),
    ("min-cost 200 TFLOPS", ["--objective", "min-cost", "--throughput", "200"]),
    ("resnet50 bf16 budget 6000", ["--model", "resnet50", "--precision", "bf16", "--budget", "6000"]),
    ("resnet50 budget 12000", ["--model", "resnet50", "--budget", "12000"]),
    ("resnet50 min-cost 2000 img/s", ["--model", "resnet50", "--objective", "min-cost", "--throughput", "2000"]),
    ("bert-large bf16 budget 15000", ["--model", "bert-large", "--precision", "bf16", "--budget", "15000"]),
    ("gpt2 bf16 budget 8000", ["--model", "gpt2", "--precision", "bf16", "--budget", "8000"]),
    ("llama-3-8b qlora budget 5000", ["--model", "llama-3-8b", "--qlora", "--seq", "2048", "--batch", "1",
                                      "--precision", "bf16", "--budget", "5000"]),
    ("llama-3-8b lora budget 20000", ["--model", "llama-3-8b", "--lora", "--seq", "2048", "--batch", "1",
                                      "--precision", "bf16", "--budget", "20000"]),
    ("vgg16 fp16 perf-per-dollar", ["--model", "vgg16", "--precision", "fp16", "--objective", "perf-per-dollar"]),
    ("vit-b-16 bf16 budget 10000", ["--model", "vit-b-16", "--precision", "bf16", "--budget", "10000"]),
    ("resnet50 time-to-train 24 h", ["--model", "resnet50", "--dataset", "imagenet", "--epochs", "90",
                                     "--time-to-train", "24", "--objective", "min-cost"]),
    ("us-240v budget 30000", ["--region", "us-240v", "--budget", "30000"]),
    ("eu-230v bf16 budget 25000", ["--region", "eu-230v", "--precision", "bf16", "--budget", "25000"]),
    ("max 1000 W budget 10000", ["--max-power-w", "1000", "--budget", "10000"]),
    ("Micro ATX budget 5000", ["--form-factor", "Micro ATX", "--budget", "5000"]),
    ("8% tax budget 8000", ["--tax-rate", "0.08", "--budget", "8000"]),
    ("exclude 4090 bf16 budget 10000", ["--exclude", "4090", "--precision", "bf16", "--budget", "10000"]),
    ("street book budget 6000", ["--prices", "street-2025-07", "--budget", "6000"]),
    ("launch book bf16 budget 10000", ["--prices", "launch", "--precision", "bf16", "--budget", "10000"]),
    ("include a 1600 W PSU budget 8000", ["--include", "Rosewill Hercules 1600W", "--budget", "8000"]),
    ("4 TB storage budget 7000", ["--storage-gb", "4000", "--budget", "7000"]),
    ("no alternatives budget 4000", ["--alternatives", "0", "--budget", "4000"]),
    ("boxes 2 budget 12000", ["--boxes", "2", "--budget", "12000"]),
    ("boxes 3 resnet50 budget 10000", ["--boxes", "3", "--model", "resnet50", "--budget", "10000"]),
    ("seed market budget 6000", ["--prices", "seed-2015", "--budget", "6000"]),
    # -- fixed counts and narrower ranges ---------------------------------------------------
    ("1 GPU budget 2000", ["--gpus", "1", "--budget", "2000"]),
    ("1 GPU bf16", ["--gpus", "1", "--precision", "bf16"]),
    ("2 GPU resnet50 budget 5000", ["--gpus", "2", "--model", "resnet50", "--budget", "5000"]),
    ("2 GPU fp16 perf-per-dollar", ["--gpus", "2", "--precision", "fp16", "--objective", "perf-per-dollar"]),
    ("3 GPU bf16 budget 9000", ["--gpus", "3", "--precision", "bf16", "--budget", "9000"]),
    ("4 GPU resnet50 bf16 budget 10000", ["--gpus", "4", "--model", "resnet50", "--precision", "bf16",
                                          "--budget", "10000"]),
    ("4 GPU us-240v bf16", ["--gpus", "4", "--region", "us-240v", "--precision", "bf16"]),
    ("6 GPU us-240v budget 25000", ["--gpus", "6", "--region", "us-240v", "--budget", "25000"]),
    ("8 GPU us-240v bf16", ["--gpus", "8", "--region", "us-240v", "--precision", "bf16"]),
    ("8 GPU us-240v fp16 budget 40000", ["--gpus", "8", "--region", "us-240v", "--precision", "fp16",
                                         "--budget", "40000"]),
    ("2-4 GPU fp16 perf-per-dollar", ["--gpus", "2-4", "--precision", "fp16", "--objective", "perf-per-dollar"]),
    ("1-2 GPU bert-base min-cost", ["--gpus", "1-2", "--model", "bert-base", "--precision", "bf16",
                                    "--objective", "min-cost", "--throughput", "100"]),
    ("8 GPU budget 3000 (none)", ["--gpus", "8", "--budget", "3000"]),
    ("4 GPU max 600 W", ["--gpus", "4", "--max-power-w", "600"]),
    # -- the seed's 2015 market ----------------------------------------------------------------
    (SEED_PLAN, ["--prices", "seed-2015", "--gpus", "4", "--precision", "fp32"]),
    ("seed 4 GPU perf-per-dollar", ["--prices", "seed-2015", "--gpus", "4", "--precision", "fp32",
                                    "--objective", "perf-per-dollar"]),
    ("seed 4 GPU min-cost", ["--prices", "seed-2015", "--gpus", "4", "--objective", "min-cost"]),
    ("seed 4 GPU boxes 2", ["--prices", "seed-2015", "--gpus", "4", "--boxes", "2"]),
    # -- frontiers ---------------------------------------------------------------------------
    ("seed frontier 1-4 GPU budget 6000", ["--prices", "seed-2015", "--gpus", "1-4", "--frontier",
                                           "--budget", "6000"]),
    ("frontier budget 10000", ["--frontier", "--budget", "10000"]),
    ("frontier bf16 1-4 GPU", ["--frontier", "--precision", "bf16", "--gpus", "1-4"]),
    ("frontier resnet50 budget 20000", ["--frontier", "--model", "resnet50", "--budget", "20000"]),
]


def is_default_range(args: list[str]) -> bool:
    """A plan (not a frontier) over the default GPU range, 1-8: the done-when figures' set."""
    return "--gpus" not in args and "--frontier" not in args
