"""`dlrig estimate` and `dlrig fit` through Typer's CliRunner: a hand-made catalog, and the packaged one."""

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
BOOK = {"name": "street", "source": "t", "description": "test prices", "date": "2025-07-23"}
PRICES = [{"part_id": "gpu/titan-x", "usd": 300.0, "date": "2025-07-23", "source": "t"}]  # the 4090: no price
SEED = """name: seed-2015
parts:
  gpu: {name: GeForce GTX TITAN X, count: 4}
  cpu: Intel Core i7-5820K
  storage: [Samsung 870 QVO 1TB]
workload: {model: resnet50, precision: fp32, batch: 64}
"""


@pytest.fixture
def catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    install_catalog(tmp_path, monkeypatch, {"gpu_chips.jsonl": CHIPS, **PARTS}, BOOK, PRICES)
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
    (["--model", "resnet50", "--batch", "0"], "batch: Input should be greater than or equal to 1 (--batch)"),
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
    # 11.9-13.2 GB on one (with the caching allocator's reserve): over the 12 GiB (12.9 GB) of a
    # "12 GB" card at the high end, so two with FSDP
    assert rows["GeForce GTX TITAN X"]["gpus"] == 2


@needs_catalog
def test_packaged_catalog_resnet50_on_h100() -> None:
    result = runner.invoke(app, ["estimate", "--gpu", "H100 SXM5 80 GB", "--model", "resnet50",
                                 "--precision", "fp16", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["throughput"]["source"] == "measured"


@needs_catalog
def test_packaged_catalog_fit_table() -> None:
    """A full fine-tune of a 70B model: no eight cards of a desk hold it; server parts do."""
    args = ["fit", "--model", "llama-3-70b", "--precision", "bf16", "--seq", "2048", "--batch", "1",
            "--recompute", "full"]
    desk = runner.invoke(app, args, env={"COLUMNS": "200"})
    assert desk.exit_code == 1, desk.output
    assert "nothing fits: the closest is 8 x" in desk.stdout and "--qlora: QLoRA" in desk.stdout
    assert "--servers: server parts" in desk.stdout
    servers = runner.invoke(app, [*args, "--servers"])
    assert servers.exit_code == 0, servers.output
    assert "GPUs that hold llama-3-70b" in servers.stdout


FLAT_KEYS = {"samples_per_s", "samples_per_s_range", "memory_per_gpu_gb", "memory_breakdown", "fits", "max_batch",
             "time_to_train_h", "bottleneck", "stages", "power_w", "sources"}


def _json(*args: str) -> dict:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_estimate_json_carries_the_issues_flat_keys(catalog: Path) -> None:
    doc = _json("estimate", str(catalog), "--epochs", "1")
    assert set(doc) >= FLAT_KEYS
    assert doc["memory_per_gpu_gb"] == doc["memory"]["per_gpu_gb"] and doc["fits"] is True
    assert doc["bottleneck"] == doc["pipeline"]["bottleneck"] and doc["stages"] == doc["pipeline"]["stages"]
    assert doc["samples_per_s"] == doc["pipeline"]["achieved_samples_per_s"]
    low, high = doc["samples_per_s_range"]
    assert low <= doc["samples_per_s"] <= high
    kinds = {s["figure"]: s["kind"] for s in doc["sources"]}
    assert kinds["samples_per_s"] == "model" and kinds["dataset"] == "catalog data set"  # TITAN X: no Lambda row


def test_count_and_build_option_are_aliases(catalog: Path) -> None:
    by_flag = _json("estimate", "--gpu", "RTX 4090", "--count", "2", "--model", "resnet50")
    assert by_flag["gpus"] == 2 and by_flag == _json("estimate", "--gpu", "RTX 4090", "--gpus", "2", "--model",
                                                       "resnet50")
    assert _json("estimate", "--build", str(catalog)) == _json("estimate", str(catalog))
    both = runner.invoke(app, ["estimate", str(catalog), "--build", str(catalog)])
    assert both.exit_code == 2 and "not both" in both.stderr


def test_cpu_cores_makes_the_decode_stage_known_and_can_bind(catalog: Path) -> None:
    bare = _json("estimate", "--gpu", "RTX 4090", "--count", "2", "--model", "resnet50", "--precision", "fp16")
    assert "CPU JPEG decode + resize" in bare["pipeline"]["unknown"]
    two = _json("estimate", "--gpu", "RTX 4090", "--count", "2", "--model", "resnet50", "--precision", "fp16",
                "--cpu-cores", "2")
    stage = {s["name"]: s for s in two["stages"]}["CPU JPEG decode + resize"]
    assert stage["supply_samples_per_s"] == 2 * 200  # 2 cores x 100-300 images/s (middle)
    assert two["bottleneck"] == "CPU JPEG decode + resize" and two["samples_per_s"] == 400
    seed = _json("estimate", str(catalog), "--cpu-cores", "64")  # the build's 6-core CPU overridden
    assert {s["name"]: s for s in seed["stages"]}["CPU JPEG decode + resize"]["supply_samples_per_s"] == 64 * 200
    bad = runner.invoke(app, ["estimate", "--gpu", "RTX 4090", "--model", "resnet50", "--cpu-cores", "0"])
    assert bad.exit_code == 2 and "cpu_cores must be at least 1, not 0 (--cpu-cores)" in bad.stderr


def test_fit_orders_cheapest_first_priced_before_unpriced(catalog: Path) -> None:
    doc = _json("fit", "--model", "resnet50", "--prices", "street")
    assert doc["prices"] == "street" and doc["mode"] == "train"
    first, second = doc["gpus"]
    assert first["gpu"] == "GeForce GTX TITAN X" and first["cost_usd"] == 300.0 * first["gpus"]
    assert first["price_date"] == "2025-07-23"
    assert second["gpu"] == "GeForce RTX 4090" and second["cost_usd"] is None  # no price: last
    table = runner.invoke(app, ["fit", "--model", "resnet50", "--prices", "street"], env={"COLUMNS": "200"})
    assert table.exit_code == 0 and "2025-07-23" in table.stdout and "no price" in table.stdout


def test_fit_infer_uses_weights_and_kv_cache(catalog: Path) -> None:
    trained = runner.invoke(app, ["fit", "--model", "llama-3-8b", "--precision", "bf16", "--seq", "8192",
                                  "--recompute", "none", "--json"])
    assert trained.exit_code == 1  # no card of this small catalog trains it, even 8 of them: the answer is "no"
    advice = json.loads(trained.stdout)["advice"]
    assert advice["shortfall"]["gpu"] == "GeForce RTX 4090" and advice["shortfall"]["short_gb"] > 0
    shorter = {a["field"]: a for a in advice["alternatives"]}["seq"]  # each alternative fitted again
    assert shorter["value"] < 8192 and shorter["gpus"] >= 1
    train = {r["gpu"]: r for r in json.loads(trained.stdout)["gpus"]}
    infer = _json("fit", "--model", "llama-3-8b", "--infer", "--precision", "bf16", "--seq", "8192")
    rows = {r["gpu"]: r for r in infer["gpus"]}
    assert infer["mode"] == "infer" and infer["sharding"] is None
    assert rows["GeForce RTX 4090"]["gpus"] == 1  # 16.1 GB weights + 1.07 GB KV + workspace < 24 GB
    assert rows["GeForce RTX 4090"]["per_gpu_gb"] < train["GeForce RTX 4090"]["per_gpu_gb"]
    bad = runner.invoke(app, ["fit", "--model", "llama-3-8b", "--infer", "--qlora"])
    assert bad.exit_code == 2 and "apply to training" in bad.stderr


def test_bare_gpu_with_measured_uses_this_hosts_bench(catalog: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """--gpu with --measured: this host's saved bench (its ResNet-50 rate on this GPU), or a clear error."""
    from dlrig.machine import calibration

    monkeypatch.setenv("DLRIG_HOME", str(tmp_path))
    args = ["estimate", "--gpu", "RTX 4090", "--model", "resnet50", "--precision", "fp16", "--measured", "--json"]
    missing = runner.invoke(app, args)
    assert missing.exit_code == 2 and "dlrig bench --save" in missing.stderr
    calibration.save({"cpu": {}, "disk": {"small_file_reads_per_s": 5000.0, "small_file_bytes": 115000},
                      "decode": {"jpeg_images_per_s_all_cores": 3000.0, "decoder": "Pillow"}, "loader": {},
                      "gpus": [{"name": "NVIDIA GeForce RTX 4090", "catalog_part": "GeForce RTX 4090",
                                "resnet50_images_per_s": 1500.0, "resnet50_batch": 256}]})
    doc = json.loads(runner.invoke(app, args).stdout)
    assert doc["throughput"]["source"] == "measured" and doc["throughput"]["samples_per_s"] == 1500.0
    assert "on this host" in doc["throughput"]["detail"]


@needs_catalog
def test_fit_exits_1_when_no_gpu_holds_the_model() -> None:
    """DeepSeek-V3 in FP32 (2.7 TB of weights) fits on no 8 GPUs of the catalog; the table still comes."""
    result = runner.invoke(app, ["fit", "--model", "deepseek-v3", "--infer", "--precision", "fp32", "--json"])
    assert result.exit_code == 1 and json.loads(result.stdout)["gpus"]
    assert all(r["gpus"] is None for r in json.loads(result.stdout)["gpus"])


def test_a_context_past_the_models_window_is_bad_input(catalog: Path) -> None:
    result = runner.invoke(app, ["fit", "--model", "llama-3-70b", "--infer", "--context", "10000000"])
    assert result.exit_code == 2 and "context window of 8,192 tokens" in result.stderr


@needs_catalog
def test_software_and_cpu_only_options() -> None:
    args = ["estimate", "--gpu", "H100 SXM5 80 GB", "--model", "resnet50", "--precision", "fp16", "--json"]
    typical = json.loads(runner.invoke(app, args).stdout)["throughput"]["samples_per_s"]
    tuned = runner.invoke(app, [*args, "--software", "tuned"])
    assert tuned.exit_code == 0 and json.loads(tuned.stdout)["throughput"]["samples_per_s"] > 1.2 * typical
    bad = runner.invoke(app, [*args, "--software", "fastest"])
    assert bad.exit_code == 2 and "one of: typical, tuned" in bad.stderr
    cpu = runner.invoke(app, ["estimate", "--model", "resnet50", "--cpu-only", "--cpu-cores", "8", "--json"])
    assert cpu.exit_code == 0, cpu.output
    doc = json.loads(cpu.stdout)
    assert doc["range"][0] < doc["samples_per_s"] < doc["range"][1] and "training efficiency" in doc["detail"]
    both = runner.invoke(app, ["estimate", "--model", "resnet50", "--cpu-only", "--gpu", "RTX 4090"])
    assert both.exit_code == 2 and "leave out --gpu" in both.stderr
