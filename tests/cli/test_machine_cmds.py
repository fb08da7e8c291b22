"""`dlrig probe` and `dlrig bench` through Typer's CliRunner, on this machine (no GPU needed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dlrig.cli import _register, app

_register()
runner = CliRunner()


def test_probe_json() -> None:
    result = runner.invoke(app, ["probe", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert set(doc) == {"machine", "links", "matches", "left_out"}
    assert doc["machine"]["cpu"]["threads"] and isinstance(doc["machine"]["errors"], list)


def test_probe_out_then_check(tmp_path: Path) -> None:
    out = tmp_path / "m.yaml"
    result = runner.invoke(app, ["probe", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "written by dlrig probe" in out.read_text()
    checked = runner.invoke(app, ["check", str(out), "--json"])
    assert checked.exit_code in (0, 1), checked.output
    assert "findings" in checked.stdout or json.loads(checked.stdout)


@pytest.fixture
def tiny(monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import replace

    from dlrig.machine.bench import runner as bench_runner

    monkeypatch.setattr(bench_runner, "QUICK", replace(bench_runner.QUICK, cpu_sizes=(128,), cpu_reference_size=256,
                        cpu_min_time_s=0.02, seq_bytes=2**20, small_files=10, small_file_bytes=4096, readers=1,
                        jpegs=2, decode_seconds=0.1, loader_passes=1))


def test_bench_quick_json_and_save(tiny: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DLRIG_HOME", str(tmp_path / "home"))
    result = runner.invoke(app, ["bench", "--quick", "--json", "--save", "--skip", "decode,loader",
                                 "--dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["cpu"]["gemm_fp32_gflops"] > 0 and doc["disk"]["small_file_reads_per_s"] > 0
    assert {"what": "JPEG decode + resize", "why": "skipped on request (--skip)"} in doc["skipped"]
    assert (tmp_path / "home" / "bench" / "latest.json").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home"]  # the bench's own folder is gone


def test_bench_renders_a_table(tiny: None, tmp_path: Path) -> None:
    result = runner.invoke(app, ["bench", "--quick", "--skip", "disk,decode,loader", "--dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "CPU GEMM fp32" in result.stdout and "The post" in result.stdout


def test_bench_bad_skip_is_exit_2() -> None:
    result = runner.invoke(app, ["bench", "--skip", "everything"])
    assert result.exit_code == 2 and "unknown bench step" in result.output
