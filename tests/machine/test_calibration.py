from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dlrig.errors import BadInput
from dlrig.machine import calibration
from dlrig.workload.pipeline import Stage

RESULT = {"cpu": {"gemm_fp32_gflops": 100.0}, "disk": {"seq_read_mb_s": 500.0, "small_file_reads_per_s": 3000.0,
          "small_file_bytes": 115000}, "decode": {"jpeg_images_per_s_all_cores": 900.0}, "loader": {}, "gpus": []}


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DLRIG_HOME", str(tmp_path))
    return tmp_path


def test_save_then_load(home: Path) -> None:
    path = calibration.save(RESULT, now=dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc))
    assert path == home / "bench" / "bench-20250102-030405.json"
    loaded = calibration.load_calibration()
    assert loaded is not None and loaded["measured"]["disk_small_file_reads_per_s"] == 3000.0


def test_none_without_a_saved_run_or_for_another_host() -> None:
    assert calibration.load_calibration() is None
    calibration.save(RESULT)
    assert calibration.load_calibration(host="another-host") is None


def test_xdg_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("DLRIG_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert calibration.data_dir() == tmp_path / "xdg" / "dlrig" / "bench"


@pytest.mark.parametrize(("content", "why"), [
    (b"{oops", "not valid JSON"), (b"", "empty"), (b"   \n", "empty"), (b"\xff\xfe garbage", "not valid JSON"),
    (b"[1, 2]", "not a dlrig bench"), (b'{"schema": 99}', "not a dlrig bench"),
    (b'{"schema": 1, "measured": "x"}', "not a dlrig bench"), (b'{"a": NaN}', "not valid JSON"),
    (b"[" * 100_000, "not valid JSON"),
])
def test_a_damaged_empty_or_foreign_file_is_ignored_with_a_note(
        home: Path, content: bytes, why: str, caplog: pytest.LogCaptureFixture) -> None:
    """Issue 19: ``estimate --measured`` with a damaged saved bench was a traceback. Without
    ``--measured`` the file is skipped with a note; with it, the error names the file and the fix."""
    (home / "bench").mkdir()
    (home / "bench" / "latest.json").write_bytes(content)
    assert calibration.load_calibration() is None
    assert why in caplog.text and "dlrig bench --save" in caplog.text
    from dlrig.services.inputs import host_calibration

    with pytest.raises(BadInput, match=why) as info:
        host_calibration(None, measured=True)
    assert info.value.field == "measured"


def test_a_folder_in_place_of_the_file_or_an_unwritable_home_is_handled(
        home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (home / "bench" / "latest.json").mkdir(parents=True)
    assert calibration.load_calibration() is None
    blocked = home / "file"
    blocked.write_text("x")
    monkeypatch.setenv("DLRIG_HOME", str(blocked))  # a file where the folder should be: none can be made
    with pytest.raises(BadInput, match="set DLRIG_HOME to a writable folder"):
        calibration.check_writable()
    with pytest.raises(BadInput, match="set DLRIG_HOME to a writable folder"):
        calibration.save(RESULT)


def test_apply_calibration_replaces_measured_stages() -> None:
    stages = [Stage("storage read", None, None, "unknown", "fix"), Stage("CPU JPEG decode + resize", 50.0,
              (40.0, 60.0), "rule", "fix"), Stage("host -> GPU copy", 9e4, (9e4, 9e4), "pcie", "fix")]
    calibration.save(RESULT)
    out = calibration.apply_calibration(stages, calibration.load_calibration())
    assert [s.supply_samples_per_s for s in out] == [3000.0, 900.0, 9e4]
    assert out[0].detail.startswith("measured by dlrig bench")
    assert calibration.apply_calibration(stages, None) == stages


GPU_RESULT = {**RESULT, "decode": {"jpeg_images_per_s_all_cores": 900.0, "decoder": "OpenCV"},
              "gpus": [{"name": "NVIDIA H100 80GB HBM3", "catalog_part": "H100 SXM5 80 GB",
                        "resnet50_images_per_s": 4920.0, "resnet50_batch": 256, "resnet50_precision": "fp16 AMP"}]}


def test_the_decoder_that_ran_is_named() -> None:
    calibration.save(GPU_RESULT)
    stages = [Stage("CPU JPEG decode + resize", 50.0, (40.0, 60.0), "rule", "fix")]
    assert calibration.apply_calibration(stages, calibration.load_calibration())[0].detail.endswith("OpenCV")


def test_measured_training_only_for_the_workload_and_gpu_the_bench_ran() -> None:
    calibration.save(GPU_RESULT)
    saved = calibration.load_calibration()
    rate, detail = calibration.measured_training(saved, "resnet50", "fp16", "H100 SXM5 80 GB")
    assert rate == 4920.0 and "batch 256" in detail and "on this host" in detail
    assert calibration.measured_training(saved, "resnet50", "bf16", "H100 SXM5 80 GB") is None
    assert calibration.measured_training(saved, "bert-base", "fp16", "H100 SXM5 80 GB") is None
    assert calibration.measured_training(saved, "resnet50", "fp16", "A100 SXM4 80 GB") is None
    assert calibration.measured_training(None, "resnet50", "fp16", "H100 SXM5 80 GB") is None


def test_the_h100_bench_committed_in_the_repo_drives_estimate_measured() -> None:
    """The real `dlrig bench --json` of the lent H100 (benchmarks/results), saved as this host's:
    the estimate then uses its ResNet-50 rate and its disk and decode figures."""
    import json

    from dlrig.catalog.store import default_catalog
    from dlrig.workload.estimate import Machine, WorkloadRequest, estimate

    repo = Path(__file__).resolve().parents[2]
    result = json.loads((repo / "benchmarks/results/2026-11-27-h100-sxm5/rerun-bench.json").read_text())
    calibration.save(result)
    saved = calibration.load_calibration()
    chip = default_catalog().resolve("H100 SXM5 80 GB", "gpu-chips")
    e = estimate(WorkloadRequest(model="resnet50", precision="fp16", batch=256, optimizer="sgd"),
                 Machine(gpu=chip, calibration=saved))  # type: ignore[arg-type]
    assert e.throughput.source == "measured" and "on this host" in e.throughput.detail
    assert e.throughput.samples_per_s == pytest.approx(result["gpus"][0]["resnet50_images_per_s"])
    decode = next(s for s in e.pipeline.stages if s.name == "CPU JPEG decode + resize")
    assert decode.supply_samples_per_s == pytest.approx(result["decode"]["jpeg_images_per_s_all_cores"])
    assert "OpenCV" in decode.detail and not e.throughput.notes  # batch 256 with SGD: as the bench ran
