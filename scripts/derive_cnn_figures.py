"""Derive the CNN zoo figures (parameters, forward FLOPs, activation bytes) on meta tensors.

Run:  python scripts/derive_cnn_figures.py   (needs ``pip install 'dlrig[torch]' torchvision``)
Writes src/dlrig/workload/data/cnn_zoo.json with the torch/torchvision versions that produced
it. The counting itself is dlrig.workload.torch_count, the same code that serves
``--model torchvision:NAME`` at run time, so the committed figures and a user's own model are
counted alike. No weights are downloaded and nothing is allocated (meta device).
"""

from __future__ import annotations

import argparse
import json
import warnings
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "dlrig" / "workload" / "data" / "cnn_zoo.json"

# zoo key -> (display name, torchvision builder, reference input C x H x W)
CNNS: dict[str, tuple[str, str, tuple[int, int, int]]] = {
    "alexnet": ("AlexNet", "alexnet", (3, 224, 224)),
    "vgg16": ("VGG-16", "vgg16", (3, 224, 224)),
    "inception-v3": ("Inception-v3", "inception_v3", (3, 299, 299)),
    "resnet18": ("ResNet-18", "resnet18", (3, 224, 224)),
    "resnet50": ("ResNet-50", "resnet50", (3, 224, 224)),
    "resnet101": ("ResNet-101", "resnet101", (3, 224, 224)),
    "resnet152": ("ResNet-152", "resnet152", (3, 224, 224)),
    "efficientnet-b0": ("EfficientNet-B0", "efficientnet_b0", (3, 224, 224)),
    "convnext-tiny": ("ConvNeXt-T", "convnext_tiny", (3, 224, 224)),
    "vit-b-16": ("ViT-B/16", "vit_b_16", (3, 224, 224)),
}


def derive() -> dict:
    from dlrig.workload.torch_count import build_meta_model, count, torch_versions

    models = {}
    for key, (display, builder, shape) in CNNS.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = build_meta_model("torchvision", builder)
            figures = count(model, shape)
        models[key] = {"name": display, "torchvision": builder, "input_shape": list(shape), **figures}
    return {
        "method": ("torch.utils.flop_counter.FlopCounterMode (FLOPs = 2 x MACs, attention included) and "
                   "torch.autograd.graph.saved_tensors_hooks (bytes of tensors saved for backward, "
                   "parameters excluded, each storage once), on meta tensors, train mode"),
        "versions": torch_versions(),
        "script": "scripts/derive_cnn_figures.py",
        "models": models,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    data = derive()
    args.out.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    for key, m in data["models"].items():
        print(f"{key:16s} {m['params'] / 1e6:8.2f} M params {m['forward_flops'] / 1e9:8.2f} GFLOPs "
              f"{m['activation_bytes_fp32'] / 1e6:8.1f} MB act fp32")


if __name__ == "__main__":
    main()
