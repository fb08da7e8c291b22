"""Run the bench: every step in a temporary folder removed on the way out, each step's
failure recorded (the others still run), GPU steps skipped with the reason when they cannot run.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dlrig.errors import BadInput
from dlrig.machine.bench import expected as exp
from dlrig.machine.bench.result import Check, NullReporter, Reporter, Skip, check

if TYPE_CHECKING:
    from dlrig.catalog.models import Gpu, Precision
    from dlrig.catalog.protocol import CatalogQueries
    from dlrig.machine.model import MachineInfo

SMALL_FILE_BYTES = 115_000  # ImageNet's mean JPEG (138 GiB / 1,281,167 files): what a loader reads
GEMM_PRECISIONS: tuple[Precision, ...] = ("fp32", "tf32", "fp16", "bf16")  # fp8 runs where the GPU has it


@dataclass(frozen=True)
class BenchConfig:
    quick: bool = False
    cpu_sizes: tuple[int, ...] = (1024, 2048, 4096)
    cpu_reference_size: int = 6144  # the larger GEMM the figure is compared with
    cpu_min_time_s: float = 1.0
    seq_bytes: int = 1024 * 2**20
    small_files: int = 2000
    small_file_bytes: int = SMALL_FILE_BYTES
    readers: int = 8
    jpegs: int = 64
    decode_seconds: float = 3.0
    loader_passes: int = 4
    workers: int | None = None  # processes for all-core steps; default: all CPUs
    gpu_sizes: tuple[int, ...] = (4096, 8192, 16384)
    gpu_min_time_s: float = 0.5
    copy_mb: int = 512
    train_steps: int = 30
    folder: Path | None = None  # where the temporary folder goes (the drive under test)
    skip: frozenset[str] = frozenset()  # among STEPS


QUICK = BenchConfig(quick=True, cpu_sizes=(512, 1024, 2048), cpu_reference_size=3072, cpu_min_time_s=0.6,
                    seq_bytes=256 * 2**20, small_files=600, jpegs=32, decode_seconds=1.5, loader_passes=3,
                    gpu_sizes=(4096, 8192), gpu_min_time_s=0.2, copy_mb=256, train_steps=10)
STEPS = ("cpu", "disk", "decode", "loader", "gpu", "train")


@dataclass
class BenchRun:
    """What the steps fill in; ``to_dict`` is the ``--json`` document."""

    config: BenchConfig
    machine: MachineInfo
    sections: dict[str, Any] = field(default_factory=lambda: {"cpu": {}, "disk": {}, "decode": {}, "loader": {}})
    gpus: list[dict[str, Any]] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    claims: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    duration_s: float = 0.0
    tmp: Path = Path()
    jpegs: list[Path] = field(default_factory=list)
    decoder: str = "pillow"  # the fastest decoder the decode step found; the loader uses it too

    def to_dict(self) -> dict[str, Any]:
        m = self.machine
        return {**self.sections, "gpus": self.gpus,
                "checks": [c.to_dict() for c in self.checks], "claims": self.claims,
                "skipped": [{"what": s.what, "why": s.why} for s in self.skipped], "errors": self.errors,
                "notes": self.notes, "quick": self.config.quick, "duration_s": round(self.duration_s, 1),
                "machine": {"cpu": m.cpu.model, "cores": m.cpu.cores, "threads": m.cpu.threads,
                            "memory_gb": m.memory.total_gb, "gpus": [g.name for g in m.gpus],
                            "host": m.os.hostname, "probe_errors": [e.__dict__ for e in m.errors]}}


def run_bench(config: BenchConfig, reporter: Reporter | None = None, machine: MachineInfo | None = None,
              catalog: CatalogQueries | None = None) -> BenchRun:
    from dlrig.catalog.store import default_catalog
    from dlrig.machine.probe import probe

    unknown = set(config.skip) - set(STEPS)
    if unknown:
        raise BadInput(f"unknown bench step(s) {', '.join(sorted(unknown))}; steps: {', '.join(STEPS)}",
                       field="skip")
    if config.folder is not None and not config.folder.is_dir():
        raise BadInput(f"the folder to test, {str(config.folder)!r}, is not a folder", field="dir")
    reporter = reporter or NullReporter()
    run = BenchRun(config=config, machine=machine or probe())
    catalog = catalog or default_catalog()
    steps = _steps(run, catalog)
    t0 = time.perf_counter()
    with stopped_by_signals():
        tmp = _temporary_folder(config.folder)
        try:
            run.tmp = tmp
            for i, (name, fn) in enumerate(steps):
                reporter.stage(name, i, len(steps))
                _guarded(run, name, fn)
            reporter.stage("done", len(steps), len(steps))
        finally:  # also on Ctrl-C, SIGTERM and SIGHUP (stopped_by_signals); worker pools end in their own
            shutil.rmtree(tmp, ignore_errors=True)
            run.tmp = Path()
    run.duration_s = time.perf_counter() - t0
    return run


def _temporary_folder(folder: Path | None) -> Path:
    where = str(folder) if folder is not None else tempfile.gettempdir()
    try:
        return Path(tempfile.mkdtemp(prefix="dlrig-bench-", dir=folder))
    except OSError as exc:
        raise BadInput(f"cannot make the bench's temporary folder in {where!r} ({exc.strerror or exc}); "
                       "name a writable folder on the drive to test", field="dir") from None


class Terminated(BaseException):
    """SIGTERM or SIGHUP arrived: raised in the main thread like Ctrl-C's KeyboardInterrupt, so
    every ``finally`` runs (the temporary folder is removed, worker processes are ended) before
    the command exits with 128 + the signal's number."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"stopped by signal {signum}")
        self.signum = signum


@contextlib.contextmanager
def stopped_by_signals() -> Iterator[None]:
    """SIGTERM and SIGHUP raise ``Terminated`` (once: a second signal during the cleanup is
    ignored) while the block runs; the previous handlers come back after it. Outside the main
    thread (where Python cannot set handlers) the block runs as it is."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    fired: list[int] = []

    def handler(signum: int, frame: object) -> None:
        if not fired:
            fired.append(signum)
            raise Terminated(signum)

    wanted = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
    previous = {sig: signal.signal(sig, handler) for sig in wanted}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def _guarded(run: BenchRun, name: str, fn: Callable[[], None]) -> None:
    """A failing step is recorded and the bench goes on; Ctrl-C still stops everything."""
    try:
        fn()
    except Exception as exc:  # recorded in the result, with its type
        run.errors.append({"what": name, "error": f"{type(exc).__name__}: {exc}"})


def _steps(run: BenchRun, catalog: CatalogQueries) -> list[tuple[str, Callable[[], None]]]:
    from dlrig.machine.bench import claims

    c = run.config
    table = [("cpu", "CPU matrix products (NumPy fp32)", lambda: _cpu(run)),
             ("disk", "disk reads, page cache bypassed", lambda: _disk(run, catalog)),
             ("decode", "JPEG decode + resize", lambda: _decode(run)),
             ("loader", "end-to-end loader", lambda: _loader(run)),
             ("gpu", "GPU matrix products, copies, training step", lambda: _gpus(run, catalog))]
    out = []
    for key, label, fn in table:
        if key in c.skip:
            run.skipped.append(Skip(label, "skipped on request (--skip)"))
        else:
            out.append((label, fn))
    out.append(("the post's claims", lambda: run.claims.extend(claims.answer(run.to_dict(), catalog))))
    return out


# -- CPU ---------------------------------------------------------------------------------------------
def _cpu(run: BenchRun) -> None:
    from dlrig.machine.bench import cpu

    c = run.config
    sweep = cpu.gemm_sweep(c.cpu_sizes, c.cpu_min_time_s)
    large = cpu.gemm_gflops(c.cpu_reference_size, c.cpu_min_time_s)
    peak, peak_how = cpu.peak_gflops(run.machine.cpu)
    run.sections["cpu"] = {"gemm_fp32_gflops": sweep.best_gflops, "gemm_fp32_best_size": sweep.best_size,
                           "gemm_fp32_by_size": {str(k): v for k, v in sweep.by_size.items()},
                           "gemm_fp32_gflops_large": large, "gemm_fp32_large_size": c.cpu_reference_size,
                           "peak_fp32_gflops": peak, "peak_source": peak_how, "blas": _blas()}
    run.checks.append(check("cpu.gemm_fp32_gflops", "CPU GEMM fp32 (best size)", sweep.best_gflops, "GFLOP/s",
                            exp.Expected(large, f"measured: NumPy GEMM at {c.cpu_reference_size} in the same run")))
    if peak:
        run.checks.append(check("cpu.gemm_fp32_gflops", "CPU GEMM fp32 vs peak", max(sweep.best_gflops, large),
                                "GFLOP/s", exp.Expected(peak, peak_how)))


def _blas() -> str | None:
    import numpy as np

    try:
        deps = np.show_config(mode="dicts")["Build Dependencies"]
        blas = deps.get("blas", {})
        return f"{blas.get('name')} {blas.get('version')}"
    except Exception:  # older NumPy: no structured config; the BLAS is then unnamed
        return None


# -- disk --------------------------------------------------------------------------------------------
def _disk(run: BenchRun, catalog: CatalogQueries) -> None:
    from dlrig.catalog.models import Storage
    from dlrig.machine.bench import disk
    from dlrig.machine.match import match_drive
    from dlrig.machine.probe import drive_of

    c = run.config
    folder = run.tmp / "disk"
    folder.mkdir()
    result = disk.run(folder, c.seq_bytes, c.small_files, c.small_file_bytes, c.readers)
    drive = drive_of(str(run.tmp.resolve()), run.machine.drives)
    found = match_drive(catalog, drive).part if drive else None
    part = found if isinstance(found, Storage) else None  # a drive's match is a storage part or nothing
    run.sections["disk"] = {"seq_read_mb_s": result.seq_read_mb_s,
                            "small_file_reads_per_s": result.small_file_reads_per_s,
                            "small_file_bytes": result.small_file_bytes, "small_files": result.small_files,
                            "concurrent_readers": result.readers, "cache_bypass": result.method,
                            "folder": str(run.tmp.parent), "drive": drive.device if drive else None,
                            "drive_model": drive.model if drive else None, "catalog_part": part.name if part else None}
    if not result.method.startswith("O_DIRECT"):
        run.notes.append(f"disk: page cache not bypassed with O_DIRECT: {result.method}")
    run.checks.append(check("disk.seq_read_mb_s", "disk sequential read", result.seq_read_mb_s, "MB/s",
                            exp.drive_seq(part, drive)))
    run.checks.append(check("disk.small_file_reads_per_s", f"disk {c.small_file_bytes // 1000} KB file reads",
                            result.small_file_reads_per_s, "files/s",
                            exp.drive_small_files(part, c.small_file_bytes)))


# -- decode and loader ---------------------------------------------------------------------------------
def _workers(run: BenchRun) -> int:
    return run.config.workers or os.cpu_count() or 1


def _decode(run: BenchRun) -> None:
    from dlrig.machine.bench import decode

    c = run.config
    run.jpegs = decode.make_jpegs(run.tmp / "jpeg", c.jpegs)
    names = [str(p) for p in run.jpegs]
    found = decode.decoders()
    per_core = {name: decode.decode_for(names, name, c.decode_seconds) for name in found}
    rates = {k: n / dt for k, (n, dt) in per_core.items()}
    best = max(rates, key=rates.__getitem__)
    run.decoder = best
    workers = _workers(run)
    mean_bytes = sum(p.stat().st_size for p in run.jpegs) / len(run.jpegs)
    run.sections["decode"] = {"jpeg_images_per_s_per_core": rates[best], "jpeg_images_per_s_all_cores": None,
                              "decoder": found[best], "per_core_by_decoder": rates, "workers": workers,
                              "image_size": list(decode.IMAGE_SIZE), "jpeg_quality": decode.JPEG_QUALITY,
                              "mean_jpeg_bytes": mean_bytes, "output": f"{decode.CROP_TO}x{decode.CROP_TO} crop"}
    if len(found) == 1:
        run.skipped.append(Skip("faster JPEG decoders", "none installed (simplejpeg, PyTurboJPEG or OpenCV)"))
    run.checks.append(check("decode.jpeg_images_per_s_per_core", "JPEG decode+resize, one core", rates[best],
                            "images/s", exp.decode_per_core()))
    all_cores = decode.decode_all_cores(run.jpegs, best, c.decode_seconds, workers)
    run.sections["decode"]["jpeg_images_per_s_all_cores"] = all_cores
    cores = run.machine.cpu.cores or workers
    run.checks.append(check("decode.jpeg_images_per_s_all_cores", f"JPEG decode+resize, {workers} processes",
                            all_cores, "images/s", exp.Expected(rates[best] * min(cores, workers),
                            f"measured: one core x {min(cores, workers)} physical cores")))


def _loader(run: BenchRun) -> None:
    from dlrig.machine.bench import decode

    if not run.jpegs:
        run.jpegs = decode.make_jpegs(run.tmp / "jpeg", run.config.jpegs)
    workers = _workers(run)
    result = decode.loader(run.jpegs, workers, run.config.loader_passes, run.decoder)
    label = decode.decoders().get(run.decoder, run.decoder)
    run.sections["loader"] = {"images_per_s": result.images_per_s, "workers": workers, "images": result.images,
                              "decoder": label,
                              "what": f"read (page cache dropped per file) + decode + 224x224 crop, {label}"}
    stages = [v for v in (run.sections["disk"].get("small_file_reads_per_s"),
                          run.sections["decode"].get("jpeg_images_per_s_all_cores")) if v]
    expected = exp.Expected(min(stages), "measured: the slower of disk file reads and all-core decode") \
        if stages else None
    run.checks.append(check("loader.images_per_s", f"loader, {workers} workers", result.images_per_s, "images/s",
                            expected))


# -- GPUs --------------------------------------------------------------------------------------------
def _gpus(run: BenchRun, catalog: CatalogQueries) -> None:
    from dlrig.machine.bench import gpu

    backend, why = gpu.available_backend()
    if backend is None:
        n = len(run.machine.gpus)
        seen = f"the probe found {n} GPU(s) but " if n else "no GPU found by the probe; "
        for what in ("GPU matrix products (fp32, tf32, fp16, bf16)", "host<->device copies",
                     "ResNet-50 training step"):
            run.skipped.append(Skip(what, seen + why))
        return
    for index in range(gpu.device_count(backend)):
        run.gpus.append(_one_gpu(run, catalog, backend, index))


def _chip(run: BenchRun, catalog: CatalogQueries, index: int) -> Gpu | None:
    from dlrig.catalog.models import Gpu
    from dlrig.machine.match import match_gpu

    probed = next((g for g in run.machine.gpus if g.index == index), None)
    part = match_gpu(catalog, probed).part if probed else None
    return part if isinstance(part, Gpu) else None  # a GPU's match is a GPU chip or nothing


def _one_gpu(run: BenchRun, catalog: CatalogQueries, backend: str, index: int) -> dict[str, Any]:
    from dlrig.machine.bench import gpu
    from dlrig.machine.model import PcieLink

    c, chip = run.config, _chip(run, catalog, index)
    probed = next((g for g in run.machine.gpus if g.index == index), None)
    out: dict[str, Any] = {"index": index, "name": probed.name if probed else None, "backend": backend,
                           "catalog_part": chip.name if chip else None, "gemm_tflops": {}, "gemm_shape": {}}
    for precision in GEMM_PRECISIONS:
        _gpu_step(run, f"GPU {index} GEMM {precision}", partial(_gemm, run, out, chip, backend, index, precision))
    no_fp8 = "needs PyTorch (CuPy only here)" if backend != "torch" else gpu.fp8_unsupported(index)
    if no_fp8:
        run.skipped.append(Skip(f"GPU {index} GEMM fp8", no_fp8))
    else:
        _gpu_step(run, f"GPU {index} GEMM fp8", lambda: _gemm(run, out, chip, backend, index, "fp8"))
    if backend != "torch":
        run.skipped.append(Skip(f"GPU {index} copies and training step", "need PyTorch (CuPy only here)"))
        return out
    link = probed.link if probed else PcieLink()
    _gpu_step(run, f"GPU {index} copies", lambda: _copies(run, out, chip, link, index))
    if "train" in c.skip:
        run.skipped.append(Skip(f"GPU {index} ResNet-50 training step", "skipped on request (--skip)"))
    else:
        _gpu_step(run, f"GPU {index} ResNet-50", lambda: _train(run, out, chip, index))
    _gpu_step(run, f"GPU {index} power", lambda: out.update(
        power_under_load_w=gpu.sustained_power_w(index, "bf16" if out["gemm_tflops"].get("bf16") else "fp16",
                                                 4096, 3.0 if c.quick else 10.0)))
    return out


def _gpu_step(run: BenchRun, name: str, fn: Callable[[], None]) -> None:
    _guarded(run, name, fn)


def _gemm(run: BenchRun, out: dict[str, Any], chip: Gpu | None, backend: str, index: int, precision: Precision) -> None:
    from dlrig.machine.bench import gpu

    rate, shape = gpu.gemm(backend, index, precision, run.config.gpu_sizes, run.config.gpu_min_time_s)
    out["gemm_tflops"][precision], out["gemm_shape"][precision] = rate, list(shape)
    run.checks.append(check(f"gpus[{index}].gemm_tflops.{precision}", f"GPU {index} GEMM {precision}", rate,
                            "TFLOP/s", exp.gpu_gemm(chip, precision)))


def _copies(run: BenchRun, out: dict[str, Any], chip: Gpu | None, link: Any, index: int) -> None:
    from dlrig.machine.bench import gpu

    h2d, d2h = gpu.copies(index, run.config.copy_mb)
    under_load, _ = gpu.nvml_link_and_power(index)
    out.update(h2d_gb_s=h2d, d2h_gb_s=d2h, link_after_copy=under_load)
    expected = exp.host_copy(link, chip)
    run.checks.append(check(f"gpus[{index}].h2d_gb_s", f"GPU {index} host->device (pinned)", h2d, "GB/s", expected))
    run.checks.append(check(f"gpus[{index}].d2h_gb_s", f"GPU {index} device->host (pinned)", d2h, "GB/s", expected))


def _train(run: BenchRun, out: dict[str, Any], chip: Gpu | None, index: int) -> None:
    from dlrig.machine.bench import gpu

    try:
        import torchvision  # noqa: F401
    except ImportError:
        run.skipped.append(Skip(f"GPU {index} ResNet-50 training step", "torchvision is not installed"))
        return
    probed = next((g for g in run.machine.gpus if g.index == index), None)
    memory_gb = probed.memory_mib * 2**20 / 1e9 if probed and probed.memory_mib else (chip.vram_gb if chip else None)
    batch = exp.resnet50_batch(memory_gb)
    sampler = gpu.PowerSampler(index)
    rate = gpu.resnet50_step(index, batch, run.config.train_steps, exp.RESNET50_PRECISION, sampler)
    out.update(resnet50_images_per_s=rate, resnet50_batch=batch, resnet50_power_w=sampler.mean_w,
               resnet50_precision=f"{exp.RESNET50_PRECISION} AMP, channels-last, SGD")
    run.checks.append(check(f"gpus[{index}].resnet50_images_per_s", f"GPU {index} ResNet-50 training, batch {batch}",
                            rate, "images/s", exp.resnet50(chip, batch)))
    if sampler.mean_w is not None:
        limit = probed.power_limit_w if probed else None
        run.checks.append(check(f"gpus[{index}].resnet50_power_w", f"GPU {index} board power, ResNet-50 training",
                                sampler.mean_w, "W", exp.training_power(chip, limit), graded=False))
