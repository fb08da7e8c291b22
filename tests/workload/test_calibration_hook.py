"""`dlrig estimate --measured` takes this host's saved bench in place of rules of thumb."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import dlrig.cli
from dlrig.cli import app
from dlrig.machine.calibration import save

SEED = str(Path(__file__).resolve().parents[2] / "examples" / "seed-2015.yaml")

dlrig.cli._register()
runner = CliRunner()
RESULT = {"disk": {"seq_read_mb_s": 400.0, "small_file_reads_per_s": 321.0, "small_file_bytes": 115_000},
          "decode": {"jpeg_images_per_s_per_core": 150.0, "jpeg_images_per_s_all_cores": 777.0},
          "loader": {"images_per_s": 300.0}, "cpu": {"gemm_fp32_gflops": 200.0}, "gpus": []}


def stages(*extra: str) -> dict[str, dict]:
    result = runner.invoke(app, ["estimate", SEED, "--json", *extra])
    assert result.exit_code == 0, result.output
    return {s["name"]: s for s in json.loads(result.stdout)["pipeline"]["stages"]}


def test_measured_stages_replace_the_model(tmp_path, monkeypatch):
    monkeypatch.setenv("DLRIG_HOME", str(tmp_path))
    save(RESULT)
    measured = stages("--measured")
    assert measured["storage read"]["supply_samples_per_s"] == 321.0
    assert measured["CPU JPEG decode + resize"]["supply_samples_per_s"] == 777.0
    assert "measured by dlrig bench" in measured["storage read"]["detail"]
    modelled = stages()  # not a probed build: the catalog model stays
    assert modelled["storage read"]["supply_samples_per_s"] != 321.0


def test_measured_without_a_saved_bench_is_bad_input(tmp_path, monkeypatch):
    monkeypatch.setenv("DLRIG_HOME", str(tmp_path / "empty"))
    result = runner.invoke(app, ["estimate", SEED, "--measured"])
    assert result.exit_code == 2 and "dlrig bench --save" in result.stderr


@pytest.mark.parametrize("flag", ["--modelled"])
def test_modelled_ignores_the_bench(tmp_path, monkeypatch, flag):
    monkeypatch.setenv("DLRIG_HOME", str(tmp_path))
    save(RESULT)
    assert stages(flag)["storage read"]["supply_samples_per_s"] != 321.0
