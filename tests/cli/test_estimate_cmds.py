"""`dlrig estimate` and `dlrig fit` through Typer's CliRunner: a hand-made catalog, and the packaged one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dlrig.catalog import store
from dlrig.cli import _register, app

try:
    _register()
except ImportError:  # another command module is not written yet: register ours alone
    import dlrig.cli.estimate_cmds  # noqa: F401
runner = CliRunner()
REPO = Path(__file__).resolve().parents[2]
PACKAGED_CHIPS = REPO / "src" / "dlrig" / "catalog" / "data" / "v1" / "gpu_chips.jsonl"
needs_catalog = pytest.mark.skipif(not PACKAGED_CHIPS.exists(), reason="packaged catalog not generated yet")

CHIPS = [
    {"category": "gpu", "id": "gpu/geforce-rtx-4090", "name": "GeForce RTX 4090", "src": "t", "fp32_tflops": 82.6,
     "tf32_tflops": 82.6, "fp16_tflops": 165.2, "bf16_tflops": 165.2, "memory_bandwidth_gb_s": 1008,
     "vram_gb": 24, "board_power_w": 450, "pcie_gen": 4.0, "pcie_lanes": 16},
    {"category": "gpu", "id": "gpu/titan-x", "name": "GeForce GTX TITAN X", "src": "t", "fp32_tflops": 6.69,
     "memory_bandwidth_gb_s": 336.6, "vram_gb": 12, "board_power_w": 250, "pcie_gen": 3.0, "pcie_lanes": 16},
]
PARTS = {"cpu.jsonl": [{"category": "cpu", "id": "cpu/i7-5820k", "name": "Intel Core i7-5820K", "src": "t",
                        "cores": 6, "tdp_w": 140, "pcie_lanes": 28, "pcie_gen": 3.0}],
         "storage.jsonl": [{"category": "storage", "id": "storage/870-qvo", "name": "Samsung 870 QVO 1TB",
                            "src": "t", "seq_read_mb_s": 560, "random_reads_per_s": 98000}]}
SEED = """name: seed-2015
parts:
  gpu: {name: GeForce GTX TITAN X, count: 4}
  cpu: Intel Core i7-5820K
  storage: [Samsung 870 QVO 1TB]
workload: {model: resnet50, precision: fp32, batch: 64}
"""


@pytest.fixture
def catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "v1"
    data.mkdir()
    for name, rows in {"gpu_chips.jsonl": CHIPS, **PARTS}.items():
        (data / name).write_text("".join(json.dumps(r) + "\n" for r in rows))
    cat = store.Catalog(data)
    monkeypatch.setattr(store, "default_catalog", lambda: cat)
    build = tmp_path / "seed.yaml"
    build.write_text(SEED)
    return build


def test_estimate_build_file_json(catalog: Path) -> None:
    result = runner.invoke(app, ["estimate", str(catalog), "--epochs", "90", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["model"]["key"] == "resnet50" and doc["gpus"] == 4
    assert doc["memory"]["fits"] is True
    stages = {s["name"]: s for s in doc["pipeline"]["stages"]}
    assert stages["storage read"]["supply_samples_per_s"] > doc["throughput"]["samples_per_s"]
    assert doc["time_to_train_h"] > 0 and doc["power_w"] > 900


def test_estimate_terminal_report_names_the_bottleneck(catalog: Path) -> None:
    result = runner.invoke(app, ["estimate", str(catalog), "--model", "alexnet"])
    assert result.exit_code == 0, result.output
    assert "storage read" in result.stdout and "bottleneck" in result.stdout
    assert "B/param" in result.stdout


def test_estimate_by_gpu_name(catalog: Path) -> None:
    result = runner.invoke(app, ["estimate", "--gpu", "RTX 4090", "--model", "resnet50", "--precision", "fp16",
                                 "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["throughput"]["source"] == "measured" and doc["throughput"]["samples_per_s"] == 1301


@pytest.mark.parametrize(("args", "message"), [
    (["--model", "resnet5o"], "closest: resnet50"),
    (["--model", "resnet50", "--batch", "0"], "batch must be at least 1"),
    (["--model", "resnet50", "--precision", "fp12"], "unknown precision 'fp12'"),
    (["--model", "llama-3-8b", "--sharding", "zero9"], "unknown sharding"),
])
def test_bad_input_exits_2_without_traceback(catalog: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["estimate", "--gpu", "RTX 4090", *args])
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_fit_json(catalog: Path) -> None:
    result = runner.invoke(app, ["fit", "--model", "llama-3-8b", "--qlora", "--seq", "2048", "--batch", "2",
                                 "--recompute", "full", "--json"])
    assert result.exit_code == 0, result.output
    rows = {r["gpu"]: r for r in json.loads(result.stdout)["gpus"]}
    assert rows["GeForce RTX 4090"]["gpus"] == 1
    assert rows["GeForce GTX TITAN X"]["gpus"] == 2  # ~12.1-12.4 GB on one: over 12 GB, so two (FSDP)


@needs_catalog
def test_packaged_catalog_resnet50_on_h100() -> None:
    result = runner.invoke(app, ["estimate", "--gpu", "H100 SXM5 80 GB", "--model", "resnet50",
                                 "--precision", "fp16", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["throughput"]["source"] == "measured"


@needs_catalog
def test_packaged_catalog_fit_table() -> None:
    result = runner.invoke(app, ["fit", "--model", "llama-3-70b", "--precision", "bf16", "--seq", "2048",
                                 "--batch", "1", "--recompute", "full"])
    assert result.exit_code == 0, result.output
    assert "GPUs that hold llama-3-70b" in result.stdout
