"""`dlrig estimate --infer` and `dlrig fit --infer` as a user runs them: a hand-made catalog, and the packaged one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dlrig.cli import _register, app

from .conftest import install_catalog

_register()
runner = CliRunner()
REPO = Path(__file__).resolve().parents[2]
PACKAGED_CHIPS = REPO / "src" / "dlrig" / "catalog" / "data" / "v1" / "gpu_chips.jsonl"
needs_catalog = pytest.mark.skipif(not PACKAGED_CHIPS.exists(), reason="packaged catalog not generated yet")
SMOLLM2 = REPO / "tests" / "workload" / "data" / "smollm2-1.7b-config.json"

CHIPS = [
    {"category": "gpu", "id": "gpu/geforce-rtx-4090", "name": "GeForce RTX 4090", "src": "t", "fp32_tflops": 82.6,
     "fp16_tflops": 165.2, "memory_bandwidth_gb_s": 1008, "vram_gb": 24, "kind": "consumer", "vendor": "NVIDIA"},
    {"category": "gpu", "id": "gpu/geforce-rtx-3090", "name": "GeForce RTX 3090", "src": "t", "fp32_tflops": 35.6,
     "fp16_tflops": 71.2, "memory_bandwidth_gb_s": 936, "vram_gb": 24, "kind": "consumer", "vendor": "NVIDIA"},
]
PARTS = {"cpu.jsonl": [{"category": "cpu", "id": "cpu/r9-7950x", "name": "AMD Ryzen 9 7950X", "src": "t", "cores": 16,
                        "memory_channels": 2, "pcie_lanes": 24, "pcie_gen": 5.0}],
         "memory.jsonl": [{"category": "memory", "id": "memory/ddr5-6000-2x32", "name": "DDR5-6000 2x32GB",
                           "src": "t", "memory_type": "DDR5", "speed_mt_s": 6000, "modules": 2, "module_gb": 32}]}
BOOK = {"name": "street", "source": "t", "description": "test prices", "date": "2025-07-23"}
PRICES = [{"part_id": "gpu/geforce-rtx-3090", "usd": 800.0, "date": "2025-07-23", "source": "t"},
          {"part_id": "gpu/geforce-rtx-4090", "usd": 1800.0, "date": "2025-07-23", "source": "t"}]
MIXED = """name: mixed
parts:
  gpu: [{name: GeForce RTX 4090}, {name: GeForce RTX 3090}]
  cpu: AMD Ryzen 9 7950X
  memory: DDR5-6000 2x32GB
workload: {model: llama-3.1-70b, infer: true, weights: q4_k_m, seq: 8192}
"""


@pytest.fixture
def catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    install_catalog(tmp_path, monkeypatch, {"gpu_chips.jsonl": CHIPS, **PARTS}, BOOK, PRICES)
    build = tmp_path / "mixed.yaml"
    build.write_text(MIXED)
    return build


def _json(*args: str) -> dict:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_estimate_infer_on_two_3090s(catalog: Path) -> None:
    doc = _json("estimate", "--gpu", "RTX 3090", "--gpus", "2", "--model", "llama-3-70b", "--infer",
                "--weights", "q4_k_m", "--context", "8192")
    assert doc["mode"] == "inference" and doc["fits"] and doc["split"] == "layer"
    assert [s["layers"] for s in doc["placement"]["per_gpu"]] == [40, 40]
    lo, hi = doc["tokens_per_s_range"]
    assert lo < doc["tokens_per_s"] < hi and 8 < doc["tokens_per_s"] < 25
    assert doc["weights"]["bits_per_weight"] == pytest.approx(4.90, abs=0.01)
    assert "quantize.cpp" in doc["weights"]["source"]
    assert {x["figure"] for x in doc["sources"]} >= {"model", "weights", "kv_cache", "tokens_per_s", "gpu"}


def test_a_build_with_mixed_gpus_and_its_ram(catalog: Path) -> None:
    doc = _json("estimate", str(catalog))
    assert doc["gpus"] == ["GeForce RTX 4090", "GeForce RTX 3090"] and doc["fits"]
    offload = _json("estimate", str(catalog), "--gpus", "1")  # one 4090: the rest in the build's DDR5-6000
    assert offload["placement"]["cpu_layers"] > 0
    assert any("96 GB/s" in n for n in offload["speed"]["notes"])  # 2 channels x 6000 MT/s x 8 bytes


def test_the_terminal_view_names_layers_memory_and_speed(catalog: Path) -> None:
    result = runner.invoke(app, ["estimate", "--gpu", "RTX 4090, RTX 3090", "--model", "llama-3.1-70b", "--infer",
                                 "--weights", "q4_k_m", "--kv-cache", "q8_0", "--context", "16384"],
                           env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    assert "40 on GeForce RTX 4090, 40 on GeForce RTX 3090" in result.stdout
    assert "Generation" in result.stdout and "tokens/s (range" in result.stdout and "fits" in result.stdout


def test_estimate_any_model_from_its_config(catalog: Path) -> None:
    doc = _json("estimate", "--gpu", "RTX 4090", "--model-config", str(SMOLLM2), "--infer", "--weights", "q8_0")
    assert doc["model"]["params"] == 1_711_376_384 and doc["fits"]
    train = _json("estimate", "--gpu", "RTX 4090", "--model-config", str(SMOLLM2), "--seq", "2048")
    assert train["model"]["params"] == 1_711_376_384 and train["memory_per_gpu_gb"] > 0
    both = runner.invoke(app, ["estimate", "--gpu", "RTX 4090", "--model", "gpt2", "--model-config", str(SMOLLM2)])
    assert both.exit_code == 2 and "not both" in both.stderr


def test_fit_infer_with_a_model_config(catalog: Path) -> None:
    doc = _json("fit", "--model-config", str(SMOLLM2), "--infer", "--weights", "fp16")
    assert all(r["gpus"] == 1 and r["tokens_per_s"] for r in doc["gpus"])


@pytest.mark.parametrize(("args", "message"), [
    (["--precision", "int4"], "int4 is an inference weight format"),
    (["--weights", "q4_k_m"], "weights applies to language-model inference: ask for inference (infer)"),
    (["--infer", "--weights", "q3"], "unknown weight format"),
    (["--infer", "--kv-cache", "q2"], "unknown KV cache format"),
    (["--infer", "--split", "pipe"], "unknown split"),
    (["--infer", "--context", "200000"], "context window"),
])
def test_bad_inference_options_exit_2(catalog: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["estimate", "--gpu", "RTX 4090", "--model", "llama-3.1-8b", *args])
    assert result.exit_code == 2 and message in result.stderr


def test_a_model_that_does_not_fit_exits_1(catalog: Path) -> None:
    result = runner.invoke(app, ["estimate", "--gpu", "RTX 4090", "--model", "llama-3.1-405b", "--infer",
                                 "--weights", "fp16", "--no-offload", "--json"])
    assert result.exit_code == 1 and json.loads(result.stdout)["fits"] is False


def test_fit_infer_prices_the_count_and_gives_tokens_per_s(catalog: Path) -> None:
    doc = _json("fit", "--model", "llama-3-70b", "--infer", "--weights", "q4_k_m", "--context", "8192",
                "--prices", "street")
    rows = {r["gpu"]: r for r in doc["gpus"]}
    assert rows["GeForce RTX 3090"]["gpus"] == 2 and rows["GeForce RTX 3090"]["cost_usd"] == 1600.0
    assert doc["inference"]["weights"] == "q4_k_m" and doc["inference"]["context"] == 8192
    assert doc["order"].startswith("fewest GPUs first")


@needs_catalog
def test_fit_llama3_70b_q4_names_two_3090s_with_a_speed() -> None:
    """Issue 17's first 'done when': the packaged catalog, the command as the issue writes it."""
    result = runner.invoke(app, ["fit", "--model", "llama-3-70b", "--infer", "--weights", "q4_k_m", "--context",
                                 "8192"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    line = next(x for x in result.stdout.splitlines() if "GeForce RTX 3090 " in x and "Ti" not in x)
    cells = [c.strip() for c in line.split("│") if c.strip()]
    assert cells[2] == "2" and "-" in cells[7] and float(cells[6]) > 5  # 2 GPUs, tokens/s and its range


def test_check_of_an_inference_build_does_not_crash(catalog: Path) -> None:
    """The checker's workload rules model training; an inference workload is left unmodelled, said so."""
    from dlrig.catalog.store import default_catalog
    from dlrig.rules.workload_model import workload_estimate
    from dlrig.services.inputs import load_build_file as load_build

    result = workload_estimate(load_build(catalog, default_catalog()))
    assert result.estimate is None and "LLM inference" in result.reason
