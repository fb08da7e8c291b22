"""Import Lambda's measured PyTorch training throughput into src/dlrig/workload/data/lambda_bench.json.

Run:  python scripts/import_lambda_bench.py [--src shared/data/lambda-dl-benchmark]
Source: repository lambdal/deeplearning-benchmark (Lambda), snapshot aa5addb (2025-12-17);
v0 = commit 67a9bb5 (2022-07, NGC 21.x), v1 = pytorch/*.csv at HEAD (2024-07, NGC 22.09+).
Licence: the repository has no licence file; these are published measurements, attributed to
Lambda (shared/data/PROVENANCE.md, section lambda-dl-benchmark).

Only the models the dlrig zoo knows are kept (resnet50, BERT base/large on SQuAD); Lambda's
system names are matched to catalog chip names with the explicit maps below, and a name that
no map knows is counted and reported, never guessed. The script also records, for the chips
of the v1 set, the datasheet peaks and memory bandwidth that the throughput calibration is
fitted against, each with its source.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "dlrig" / "workload" / "data" / "lambda_bench.json"
DEFAULT_SRC = ROOT.parent / "shared" / "data" / "lambda-dl-benchmark"

MODELS = {"resnet50": "resnet50", "bert_base_squad": "bert-base", "bert_large_squad": "bert-large"}
VERSIONS = {"v0": "v0_2022-07", "v1": "v1_2024-07"}
# System prefixes that name who ran the box, not the GPU.
PREFIXES = ("LambdaCloud ", "Lambda Cloud — ", "Linode Cloud — ", "DellTexas ", "Dell ", "SMC ", "1CC ",
            "RAIDZ1 ")
# Lambda GPU name (after prefix and "Nx " are removed) -> catalog chip name (TechPowerUp spelling).
GPU_MAP = {
    "Quadro RTX 8000": "Quadro RTX 8000",
    "Quadro RTX 8000 V1": "Quadro RTX 8000",
    "RTX Quadro 8000": "Quadro RTX 8000",
    "Quadro RTX 6000": "Quadro RTX 6000",
    "Quadro RTX 5000": "Quadro RTX 5000",
    "Titan RTX": "TITAN RTX",
    "RTX 2080Ti": "GeForce RTX 2080 Ti",
    "GTX 1080Ti": "GeForce GTX 1080 Ti",
    "RTX 3070": "GeForce RTX 3070",
    "RTX 3080": "GeForce RTX 3080",
    "RTX 3090": "GeForce RTX 3090",
    "RTX 4090": "GeForce RTX 4090",
    "V100 16GB": "Tesla V100 SXM2 16 GB",  # Lambda Cloud V100 instances are SXM2 (8x with NVLink)
    "V100 32GB": "Tesla V100 SXM2 32 GB",  # check: Lambda's 2022 V100 32GB server rows
    "A10": "A10 PCIe",
    "A100 40GB PCIe": "A100 PCIe 40 GB",
    "A100 80GB PCIe": "A100 PCIe 80 GB",
    "A100 40GB SXM4": "A100 SXM4 40 GB",
    "A100 80GB SXM4": "A100 SXM4 80 GB",
    "RTX A4000": "RTX A4000",
    "RTX A4500": "RTX A4500",
    "RTX A5000": "RTX A5000",
    "RTX A5500": "RTX A5500",
    "RTX A6000": "RTX A6000",
    "RTX A40": "A40 PCIe",
    "RTX 6000 Ada": "RTX 6000 Ada Generation",
    "H100 80GB PCIe Gen5": "H100 PCIe 80 GB",
    "H100 80GB SXM5": "H100 SXM5 80 GB",
}
# AWS instance names -> (chip, GPUs): p3 = V100 SXM2 16 GB, p4d = A100 SXM4 40 GB (AWS instance pages).
INSTANCES = {"p3.8xlarge": ("Tesla V100 SXM2 16 GB", 4), "p3.16xlarge": ("Tesla V100 SXM2 16 GB", 8),
             "p4d.24xlarge": ("A100 SXM4 40 GB", 8)}

# Dense datasheet peaks (TFLOP/s; FP16 = tensor cores with FP32 accumulate, no sparsity) and
# memory bandwidth (GB/s) of the v1 chips: what the calibration is fitted against.
NV = "https://www.nvidia.com/"
CHIP_SPECS = {
    "Quadro RTX 8000": (16.3, None, 130.5, 672, NV + "content/dam/en-zz/Solutions/design-visualization/"
                        "quadro-product-literature/quadro-rtx-8000-us-nvidia-946977-r1-web.pdf"),
    "Tesla V100 SXM2 16 GB": (15.7, None, 125.0, 900, "https://images.nvidia.com/content/technologies/"
                              "volta/pdf/volta-v100-datasheet-update-us-1165301-r5.pdf"),
    "GeForce RTX 3090": (35.6, 35.6, 71.0, 936, NV + "content/PDF/nvidia-ampere-ga-102-gpu-architecture-"
                         "whitepaper-v2.pdf (appendix table)"),
    "A10 PCIe": (31.2, 62.5, 125.0, 600, NV + "content/dam/en-zz/Solutions/Data-Center/a10/pdf/"
                 "a10-datasheet.pdf"),
    "A100 PCIe 40 GB": (19.5, 156.0, 312.0, 1555, NV + "content/dam/en-zz/Solutions/Data-Center/a100/pdf/"
                        "nvidia-a100-datasheet-us-nvidia-1758950-r4-web.pdf"),
    "A100 PCIe 80 GB": (19.5, 156.0, 312.0, 1935, "same A100 datasheet (80GB PCIe column)"),
    "A100 SXM4 80 GB": (19.5, 156.0, 312.0, 2039, "same A100 datasheet (80GB SXM column)"),
    "RTX 6000 Ada Generation": (91.1, 182.1, 364.2, 960, "NVIDIA Ada Lovelace architecture whitepaper "
                                "v1.1, appendix (RTX 6000 Ada): dense = half the sparse figure"),
    "RTX A6000": (38.7, 77.4, 154.8, 768, NV + "content/dam/en-zz/Solutions/design-visualization/"
                  "quadro-product-literature/proviz-print-nvidia-rtx-a6000-datasheet-us-nvidia-1454980-r9-web.pdf"),
    "GeForce RTX 4090": (82.6, 82.6, 165.2, 1008, "NVIDIA Ada Lovelace architecture whitepaper v1.1, "
                         "appendix table A1 (RTX 4090)"),
    "H100 PCIe 80 GB": (51.2, 378.0, 756.0, 2000, "https://resources.nvidia.com/en-us-tensor-core/"
                        "nvidia-tensor-core-gpu-datasheet (H100 PCIe, dense = half the sparse figure)"),
    "H100 SXM5 80 GB": (67.0, 494.7, 989.4, 3350, "https://resources.nvidia.com/en-us-tensor-core/"
                        "nvidia-tensor-core-gpu-datasheet (H100 SXM, dense = half the sparse figure)"),
}


def parse_system(system: str, num_gpu: int) -> tuple[str | None, bool]:
    """(chip name or None, NVLink-bridged) from a Lambda system name like 'Dell 2x H100 80GB SXM5'."""
    if system in INSTANCES:
        return INSTANCES[system][0], True
    name = system
    for prefix in PREFIXES:
        name = name.removeprefix(prefix)
    name = re.sub(r"^\d+x\s?", "", name)
    nvlink = name.endswith(" NVLink")
    name = name.removesuffix(" NVLink")
    return GPU_MAP.get(name), nvlink


def read_rows(src: Path, version: str, precision: str, skipped: set[str]) -> list[dict]:
    folder = src / VERSIONS[version]
    thr = list(csv.DictReader((folder / f"pytorch-train-throughput-{precision}.csv").open()))
    bs = {r["name_gpu"]: r for r in csv.DictReader((folder / f"pytorch-train-bs-{precision}.csv").open())}
    rows = []
    for r in thr:
        n = int(float(r["num_gpu"]))
        chip, nvlink = parse_system(r["name_gpu"], n)
        if chip is None:
            skipped.add(r["name_gpu"])
            continue
        for col, model in MODELS.items():
            value = float(r[col] or 0)
            if value <= 0:
                continue  # Lambda writes 0 for a run that did not happen
            batch = bs.get(r["name_gpu"], {}).get(col)
            rows.append({"version": version, "system": r["name_gpu"], "chip": chip, "num_gpu": n,
                         "nvlink": nvlink, "lambda_precision": precision, "model": model,
                         "samples_per_s": value, "batch_per_gpu": int(float(batch)) if batch else None})
    return rows


def _dump(data: dict) -> str:
    """Indented JSON with one measurement per line, so a re-import diffs line by line."""
    rows = data.pop("rows")
    head = json.dumps(data, indent=1, ensure_ascii=False)[:-2]
    body = ",\n".join("  " + json.dumps(r, ensure_ascii=False) for r in rows)
    return f'{head},\n "rows": [\n{body}\n ]\n}}\n'


def main() -> None:
    parser = argparse.ArgumentParser(description="Import Lambda's training throughput measurements.")
    parser.add_argument("--src", type=Path, default=DEFAULT_SRC)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    skipped: set[str] = set()
    rows = [row for version in VERSIONS for precision in ("fp32", "fp16")
            for row in read_rows(args.src, version, precision, skipped)]
    data = {
        "source": "lambdal/deeplearning-benchmark (Lambda), snapshot aa5addb6a536 (2025-12-17); "
                  "v0 = commit 67a9bb5 (2022-07, NGC PyTorch 21.x), v1 = pytorch/*.csv (2024-07, NGC 22.09+)",
        "attribution": "Lambda, https://lambdalabs.com/gpu-benchmarks",
        "licence": "no licence file; published measurements",
        "units": "training samples/s for all GPUs together: images/s (resnet50), sequences/s (BERT SQuAD)",
        "precision_note": (
            "Lambda's 'fp16' runs are automatic mixed precision (AMP/--amp). Its 'fp32' runs are FP32 "
            "tensors in NGC containers, whose README says only that they use NGC pytorch:22.09-py3 and "
            "later; NGC containers enable TF32 for cuBLAS and cuDNN, so on Ampere and newer these are "
            "TF32 tensor-core runs (dlrig precision 'tf32'), and plain FP32 only on Volta/Turing. "
            "ResNet-50 is run on synthetic data by default (README), so no data pipeline is involved."),
        "reference_inputs": {"resnet50": {"image": 224}, "bert-base": {"seq": 384}, "bert-large": {"seq": 384}},
        "skipped_systems": sorted(skipped),
        "chip_specs": {chip: {"fp32_tflops": s[0], "tf32_tflops": s[1], "fp16_tflops": s[2],
                              "memory_bandwidth_gb_s": s[3], "source": s[4]}
                       for chip, s in CHIP_SPECS.items()},
        "rows": rows,
    }
    args.out.write_text(_dump(data), encoding="utf-8")
    print(f"{len(rows)} measurements written to {args.out}; skipped systems: {', '.join(sorted(skipped))}")


if __name__ == "__main__":
    main()
