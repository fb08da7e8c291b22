"""dlrig's own GPU runs: the packaged table matches the committed results, and the estimate cites them."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from dlrig.workload import own_runs

REPO = Path(__file__).resolve().parents[2]


def _collector():  # scripts/ is not a package: load the generator by path
    spec = importlib.util.spec_from_file_location("collect_gpu_runs", REPO / "scripts" / "collect_gpu_runs.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_packaged_table_is_what_the_committed_results_give() -> None:
    collect = _collector()
    packaged = (REPO / "src" / "dlrig" / "workload" / "data" / "own_runs.json").read_text()
    assert packaged == collect.render(collect.collect()), "run python scripts/collect_gpu_runs.py"
    assert json.loads(packaged)["runs"], "benchmarks/results holds at least one GPU calibration run"


def test_note_names_the_run_for_the_same_chip_model_precision_and_sequence() -> None:
    note = own_runs.note_for("H100 SXM5 80 GB", "bert-large", "fp16", 384, "sequence")
    assert note is not None and "350 sequences/s at batch 32" in note and "synthetic data" in note
    assert "benchmarks/results/2026-11-27-h100-sxm5" in note
    assert own_runs.note_for("H100 SXM5 80 GB", "bert-large", "fp16", 512, "sequence") is None  # other length
    assert own_runs.note_for("H100 SXM5 80 GB", "resnet50", "fp8", None, "image") is None  # not run
    assert own_runs.note_for("GeForce RTX 4090", "resnet50", "fp16", None, "image") is None  # other chip
