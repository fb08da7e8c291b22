"""The bench with tiny sizes: it runs, cleans up, records failures and skips the GPU here."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

import pytest

from dlrig.catalog.store import default_catalog
from dlrig.errors import BadInput
from dlrig.machine.bench import claims, cpu, disk, runner
from dlrig.machine.bench.result import check, verdict
from dlrig.machine.model import CpuInfo, MachineInfo

TINY = replace(runner.QUICK, cpu_sizes=(128, 256), cpu_reference_size=384, cpu_min_time_s=0.02,
               seq_bytes=2 * 2**20, small_files=20, small_file_bytes=8192, readers=2, jpegs=4,
               decode_seconds=0.2, loader_passes=1, workers=1)


class Recorder:
    def __init__(self) -> None:
        self.stages: list[str] = []

    def stage(self, name: str, index: int, total: int) -> None:
        self.stages.append(name)


@pytest.fixture(scope="module")
def tiny_run() -> runner.BenchRun:
    rec = Recorder()
    folder = Path(tempfile.mkdtemp())
    run = runner.run_bench(replace(TINY, folder=folder), reporter=rec, machine=MachineInfo(cpu=CpuInfo(cores=1)),
                           catalog=default_catalog())
    run.recorded = rec.stages  # type: ignore[attr-defined]
    run.left = list(folder.iterdir())  # type: ignore[attr-defined]
    folder.rmdir()
    return run


def test_tiny_bench_fills_every_section(tiny_run: runner.BenchRun) -> None:
    out = tiny_run.to_dict()
    assert out["errors"] == []
    assert out["cpu"]["gemm_fp32_gflops"] > 0 and out["disk"]["seq_read_mb_s"] > 0
    assert out["disk"]["small_file_reads_per_s"] > 0
    assert out["decode"]["jpeg_images_per_s_per_core"] > 0 and out["decode"]["jpeg_images_per_s_all_cores"] > 0
    assert out["loader"]["images_per_s"] > 0
    assert {c["key"] for c in out["checks"]} >= {"cpu.gemm_fp32_gflops", "disk.seq_read_mb_s",
                                                 "decode.jpeg_images_per_s_all_cores", "loader.images_per_s"}


def test_bench_removes_its_folder_and_reports_progress(tiny_run: runner.BenchRun) -> None:
    assert tiny_run.left == []  # type: ignore[attr-defined]
    assert tiny_run.recorded[0].startswith("CPU") and tiny_run.recorded[-1] == "done"  # type: ignore[attr-defined]


def test_gpu_steps_skipped_with_a_reason_here(tiny_run: runner.BenchRun) -> None:
    from dlrig.machine.bench.gpu import available_backend

    if available_backend()[0] is not None:
        pytest.skip("a GPU is present")
    skipped = {s.what: s.why for s in tiny_run.skipped}
    assert "GPU matrix products (fp32, tf32, fp16, bf16)" in skipped
    assert "no GPU found by the probe" in skipped["host<->device copies"]


def test_claims_without_a_gpu_compare_peaks(tiny_run: runner.BenchRun) -> None:
    first = tiny_run.claims[0]
    assert first["measured"] is False and "comparison of peaks, not a measurement" in first["answer"]
    assert tiny_run.claims[1]["stages"] and "demand_images_per_s" in tiny_run.claims[1]


def test_folder_removed_even_when_a_step_is_interrupted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(run: runner.BenchRun) -> None:
        (run.tmp / "partial").write_text("x")
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "_cpu", interrupted)
    with pytest.raises(KeyboardInterrupt):
        runner.run_bench(replace(TINY, folder=tmp_path, skip=frozenset({"disk", "decode", "loader", "gpu"})),
                         machine=MachineInfo())
    assert list(tmp_path.iterdir()) == []


def test_a_failing_step_is_recorded_and_the_rest_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "_disk", lambda run, catalog: 1 / 0)
    run = runner.run_bench(replace(TINY, folder=tmp_path, skip=frozenset({"decode", "loader", "gpu"})),
                           machine=MachineInfo())
    assert run.errors == [{"what": "disk reads, page cache bypassed", "error": "ZeroDivisionError: division by zero"}]
    assert run.sections["cpu"]["gemm_fp32_gflops"] > 0


def test_bad_options_are_user_errors(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="unknown bench step"):
        runner.run_bench(replace(TINY, skip=frozenset({"nope"})), machine=MachineInfo())
    with pytest.raises(BadInput, match="is not a folder"):
        runner.run_bench(replace(TINY, folder=tmp_path / "missing"), machine=MachineInfo())


def test_disk_fadvise_fallback_is_said(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(disk, "direct_supported", lambda path: (False, "O_DIRECT refused: Invalid argument"))
    result = disk.run(tmp_path, 2**20, 5, 4096, 1)
    assert result.method.startswith("posix_fadvise DONTNEED (O_DIRECT refused") and result.seq_read_mb_s > 0


def test_cpu_peak_from_flags() -> None:
    peak, how = cpu.peak_gflops(CpuInfo(cores=6, max_mhz=3300, flags=frozenset({"avx2", "fma"})))
    assert peak == pytest.approx(6 * 3.3 * 32) and "AVX2 FMA" in how
    assert cpu.peak_gflops(CpuInfo(cores=6))[0] is None


@pytest.mark.parametrize(("fraction", "word"), [(0.85, "good"), (0.8, "good"), (0.6, "fair"), (0.2, "poor"),
                                                (None, "unknown")])
def test_verdicts(fraction: float | None, word: str) -> None:
    assert verdict(fraction) == word


def test_check_fraction() -> None:
    from dlrig.machine.bench.result import Expected

    c = check("k", "label", 50.0, "GB/s", Expected(100.0, "x"))
    assert c.fraction == 0.5 and c.verdict == "fair" and check("k", "l", 1.0, "u").verdict == "unknown"


def test_starvation_with_a_measured_gpu() -> None:
    result = {"gpus": [{"resnet50_images_per_s": 2000.0}], "disk": {"small_file_reads_per_s": 1000.0,
              "small_file_bytes": 115000}, "decode": {"jpeg_images_per_s_all_cores": 4000.0}, "loader": {}}
    answer = claims.starvation(result)
    assert answer["demand_images_per_s"] == 2000 and "disk file reads starves the GPUs" in answer["answer"]


def test_gpu_vs_cpu_measured() -> None:
    result = {"cpu": {"gemm_fp32_gflops": 500.0},
              "gpus": [{"index": 0, "name": "H100", "gemm_tflops": {"fp32": 50.0, "bf16": 700.0}}]}
    answer = claims.gpu_vs_cpu(result, default_catalog())
    assert answer["measured"] and answer["ratio_fp32"] == pytest.approx(100) and answer["best_precision"] == "bf16"


# 60% of the card against the high end of what ResNet-50 fp16 must hold (batch 256: 14.6 GB with the
# CUDA context and the caching allocator's reserve; the elastic cuDNN workspace is not counted)
@pytest.mark.parametrize(("memory_gb", "batch"), [(80, 256), (24, 128), (12, 64), (8, 64), (4, 32), (None, 32)])
def test_resnet50_batch_grows_with_the_card(memory_gb: float | None, batch: int) -> None:
    from dlrig.machine.bench.expected import resnet50_batch

    assert resnet50_batch(memory_gb) == batch


def test_loader_gives_every_worker_enough_images(tmp_path: Path) -> None:
    from dlrig.machine.bench import decode

    jpegs = decode.make_jpegs(tmp_path, 4)
    result = decode.loader(jpegs, workers=2, passes=1)
    assert result.images >= 2 * decode.MIN_IMAGES_PER_WORKER and result.decoder == "pillow"


@pytest.mark.parametrize("precision", ["fp8", "bf16", "tf32"])
def test_matmul_fn_runs_each_precision(precision: str) -> None:
    """The GPU GEMM's product, run on the CPU (PyTorch's CPU kernels take FP8 scaled matmuls too)."""
    torch = pytest.importorskip("torch")
    from dlrig.machine.bench.gpu import matmul_fn

    out = matmul_fn(torch, precision, (32, 48, 64), torch.device("cpu"))()
    assert tuple(out.shape) == (32, 48)
    assert out.dtype == (torch.bfloat16 if precision in ("fp8", "bf16") else torch.float32)


def test_power_sampler_averages_readings_between_start_and_stop() -> None:
    import time

    from dlrig.machine.bench.gpu import PowerSampler

    readings = iter([300.0, 0.0, 500.0] + [400.0] * 1000)  # a 0 (refused reading) is skipped
    sampler = PowerSampler(0, period_s=0.001, read=lambda: next(readings))
    sampler.start()
    time.sleep(0.05)
    sampler.stop()
    assert len(sampler.samples) >= 3 and 0.0 not in sampler.samples
    assert 300.0 <= sampler.mean_w <= 500.0  # type: ignore[operator]


def test_power_sampler_without_nvml_stays_unknown() -> None:
    from dlrig.machine.bench.gpu import PowerSampler

    def refused() -> float:
        raise RuntimeError("NVML: not supported")

    sampler = PowerSampler(0, period_s=0.001, read=refused)
    sampler.start()
    sampler.stop()
    assert sampler.mean_w is None


def test_training_power_expectation_names_the_rule_of_thumb() -> None:
    from dlrig.machine.bench.expected import training_power
    from dlrig.rules import samples as s

    e = training_power(s.TITAN_X, None)
    assert e.value == pytest.approx(250 * 0.9) and "rule of thumb" in e.source
    assert training_power(s.TITAN_X, 200.0).value == pytest.approx(180.0)  # a lower cap wins
    assert training_power(None, None).value is None
