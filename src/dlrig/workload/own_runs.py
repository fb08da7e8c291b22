"""Training rates dlrig itself measured on lent GPUs (``data/own_runs.json``), cited beside an estimate.

They are not mixed into the throughput: Lambda's figures read real data through a loader in
NVIDIA's containers, these train stock PyTorch on synthetic tensors, so they answer a different
question ("what can the GPU do when the input keeps up?"). The estimate names the run, its
software and its source folder as a note.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def runs() -> tuple[dict[str, Any], ...]:
    """Newest first, so a note cites the latest run of a workload."""
    text = resources.files("dlrig.workload").joinpath("data/own_runs.json").read_text(encoding="utf-8")
    return tuple(sorted(json.loads(text)["runs"], key=lambda r: r["date"], reverse=True))


def note_for(chip_name: str, model_key: str, precision: str, seq: int | None, unit: str) -> str | None:
    """One line citing dlrig's own run of this workload on this chip, or None when there is none."""
    for run in runs():
        if run["chip"] != chip_name:
            continue
        for row in run["rows"]:
            if row["model"] == model_key and row["precision"] == precision and row["seq"] in (None, seq):
                seq_text = f", sequence {row['seq']}" if row["seq"] else ""
                return (f"dlrig's own run of {model_key} {precision} on one {chip_name}: "
                        f"{row['samples_per_s']:,.0f} {unit}s/s at batch {row['batch']}{seq_text} ({run['software']}, "
                        f"synthetic data, {run['date']}; {run['source']})")
    return None
