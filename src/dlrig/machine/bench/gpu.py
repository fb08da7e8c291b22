"""GPU measurements with PyTorch (or CuPy for matrix products): per-precision GEMM,
pinned host<->device copies, the PCIe link under load, and a ResNet-50 training step.

Imported only when the bench runs; every function takes a device index and returns plain
numbers. Sizes are multiples of 128 (tensor-core tiles); the best of a few shapes is kept.
"""

from __future__ import annotations

import threading
import time
from typing import Any

TORCH_DTYPES = {"fp32": "float32", "tf32": "float32", "fp16": "float16", "bf16": "bfloat16"}


def available_backend() -> tuple[str | None, str]:
    """("torch" | "cupy" | None, why not when None)."""
    try:
        import torch
    except ImportError:
        why = "PyTorch is not installed"
    else:
        if torch.cuda.is_available():
            return "torch", ""
        cpu_only = " (a CPU-only build)" if not torch.version.cuda else ""
        why = f"PyTorch {torch.__version__} sees no CUDA GPU{cpu_only}"
    try:
        import cupy

        if cupy.cuda.runtime.getDeviceCount() > 0:
            return "cupy", ""
    except Exception as exc:  # no CuPy, or no driver: the reason is reported
        return None, f"{why}; CuPy: {type(exc).__name__}"
    return None, why


def device_count(backend: str) -> int:
    if backend == "torch":
        import torch

        return torch.cuda.device_count()
    import cupy

    return cupy.cuda.runtime.getDeviceCount()


def shapes(sizes: tuple[int, ...]) -> list[tuple[int, int, int]]:
    """Square products, and for the largest size a wide one: (m, n, k), all multiples of 128."""
    out = [(n, n, n) for n in sizes]
    if sizes:
        big = max(sizes)
        out.append((big, big, big // 2 // 128 * 128 or 128))
    return out


FP8_MIN_CAPABILITY = (8, 9)  # FP8 tensor cores: Ada (8.9), Hopper (9.0) and newer


def fp8_unsupported(index: int) -> str | None:
    """Why FP8 matrix products cannot run on this GPU, or None when they can."""
    import torch

    if not hasattr(torch, "_scaled_mm") or not hasattr(torch, "float8_e4m3fn"):
        return f"PyTorch {torch.__version__} has no FP8 scaled matmul (torch._scaled_mm)"
    cap = torch.cuda.get_device_capability(index)
    if cap < FP8_MIN_CAPABILITY:
        return f"compute capability {cap[0]}.{cap[1]}: FP8 tensor cores need 8.9 or newer (Ada, Hopper)"
    return None


def matmul_fn(torch: Any, precision: str, shape: tuple[int, int, int], dev: Any) -> Any:
    """A zero-argument function doing one (m x k) @ (k x n) product at ``precision`` on ``dev``.

    FP8 is E4M3 inputs through ``torch._scaled_mm`` (the second operand column-major, unit scales,
    BF16 output): how FP8 training recipes (Transformer Engine, torchao) run their matmuls."""
    m, n, k = shape
    if precision == "fp8":
        a = torch.randn(m, k, device=dev).to(torch.float8_e4m3fn)
        b = torch.randn(n, k, device=dev).to(torch.float8_e4m3fn).t()
        one = torch.ones((), device=dev)
        return lambda: torch._scaled_mm(a, b, scale_a=one, scale_b=one, out_dtype=torch.bfloat16)
    dtype = getattr(torch, TORCH_DTYPES[precision])
    a = torch.randn(m, k, device=dev, dtype=dtype)
    b = torch.randn(k, n, device=dev, dtype=dtype)
    return lambda: torch.matmul(a, b)


def _torch_gemm(index: int, precision: str, shape: tuple[int, int, int], min_time_s: float) -> float:
    import torch

    dev = torch.device("cuda", index)
    m, n, k = shape
    product = matmul_fn(torch, precision, shape, dev)
    product()
    torch.cuda.synchronize(dev)
    best, spent, reps = float("inf"), 0.0, 0
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    while spent < min_time_s or reps < 3:
        start.record()
        for _ in range(5):
            product()
        end.record()
        end.synchronize()
        dt = start.elapsed_time(end) / 1000 / 5
        best, spent, reps = min(best, dt), spent + dt * 5, reps + 1
    del product
    return 2.0 * m * n * k / best / 1e12


def gemm(backend: str, index: int, precision: str, sizes: tuple[int, ...], min_time_s: float
         ) -> tuple[float, tuple[int, int, int]]:
    """Best TFLOP/s over the shapes, and the shape that reached it."""
    if backend == "cupy":
        return _cupy_gemm(index, precision, sizes, min_time_s)
    import torch

    before = torch.backends.cuda.matmul.allow_tf32
    torch.backends.cuda.matmul.allow_tf32 = precision == "tf32"
    try:
        rates = {s: _torch_gemm(index, precision, s, min_time_s) for s in shapes(sizes)}
    finally:
        torch.backends.cuda.matmul.allow_tf32 = before
        torch.cuda.empty_cache()
    best = max(rates, key=rates.__getitem__)
    return rates[best], best


def _cupy_gemm(index: int, precision: str, sizes: tuple[int, ...], min_time_s: float
               ) -> tuple[float, tuple[int, int, int]]:
    import cupy

    if precision not in ("fp32", "fp16"):
        raise NotImplementedError(f"{precision} through CuPy: install PyTorch for this precision")
    best_rate, best_shape = 0.0, (0, 0, 0)
    with cupy.cuda.Device(index):
        for m, n, k in shapes(sizes):
            a = cupy.random.standard_normal((m, k), dtype=cupy.float32).astype(precision.replace("fp", "float"))
            b = cupy.random.standard_normal((k, n), dtype=cupy.float32).astype(a.dtype)
            a @ b
            cupy.cuda.Device().synchronize()
            spent, best = 0.0, float("inf")
            while spent < min_time_s:
                t0 = time.perf_counter()
                a @ b
                cupy.cuda.Device().synchronize()
                dt = time.perf_counter() - t0
                best, spent = min(best, dt), spent + dt
            rate = 2.0 * m * n * k / best / 1e12
            if rate > best_rate:
                best_rate, best_shape = rate, (m, n, k)
    return best_rate, best_shape


def copies(index: int, megabytes: int, reps: int = 5) -> tuple[float, float]:
    """Host->device and device->host GB/s from pinned host memory (best of ``reps``)."""
    import torch

    dev = torch.device("cuda", index)
    n = megabytes * 2**20
    host = torch.empty(n, dtype=torch.uint8, pin_memory=True)
    gpu = torch.empty(n, dtype=torch.uint8, device=dev)
    rates = []
    for src, dst in ((host, gpu), (gpu, host)):
        best = float("inf")
        for _ in range(reps):
            torch.cuda.synchronize(dev)
            t0 = time.perf_counter()
            dst.copy_(src, non_blocking=True)
            torch.cuda.synchronize(dev)
            best = min(best, time.perf_counter() - t0)
        rates.append(n / best / 1e9)
    del host, gpu
    return rates[0], rates[1]


def nvml_link_and_power(index: int) -> tuple[dict[str, int | None] | None, float | None]:
    """The PCIe link and board power now (call it while or right after the GPU is busy)."""
    try:
        import pynvml

        pynvml.nvmlInit()
    except Exception:  # no NVML: the caller reports the link as not read
        return None, None
    try:
        h = pynvml.nvmlDeviceGetHandleByIndex(index)
        link = {"gen_current": _try(pynvml.nvmlDeviceGetCurrPcieLinkGeneration, h),
                "width_current": _try(pynvml.nvmlDeviceGetCurrPcieLinkWidth, h),
                "gen_max": _try(pynvml.nvmlDeviceGetMaxPcieLinkGeneration, h),
                "width_max": _try(pynvml.nvmlDeviceGetMaxPcieLinkWidth, h)}
        mw = _try(pynvml.nvmlDeviceGetPowerUsage, h)
        return link, mw / 1000 if mw else None
    finally:
        pynvml.nvmlShutdown()


def _try(fn: Any, *args: Any) -> Any:
    try:
        return fn(*args)
    except Exception:  # an unsupported NVML query leaves that field unknown
        return None


class PowerSampler:
    """Board power read by NVML every ``period_s`` on a thread between ``start()`` and ``stop()``:
    the mean over a timed stretch of work (one reading at its end can catch a gap between kernels).
    Without NVML (or a query it refuses) ``mean_w`` stays None."""

    def __init__(self, index: int, period_s: float = 0.05, read: Any = None) -> None:
        self.index, self.period_s, self._read = index, period_s, read
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="dlrig-power", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def mean_w(self) -> float | None:
        return sum(self.samples) / len(self.samples) if self.samples else None

    def _run(self) -> None:
        read, shutdown = self._read, None
        if read is None:
            try:
                import pynvml

                pynvml.nvmlInit()
                handle = pynvml.nvmlDeviceGetHandleByIndex(self.index)
                read, shutdown = (lambda: pynvml.nvmlDeviceGetPowerUsage(handle) / 1000), pynvml.nvmlShutdown
            except Exception:  # no NVML: no samples, the power stays unknown
                return
        try:
            while not self._stop.is_set():
                value = _try(read)
                if value:
                    self.samples.append(float(value))
                self._stop.wait(self.period_s)
        finally:
            if shutdown is not None:
                _try(shutdown)


def sustained_power_w(index: int, precision: str, size: int, seconds: float) -> float | None:
    """Board power under a tensor-core GEMM load, read by NVML at the end of ``seconds`` of it."""
    import torch

    dev = torch.device("cuda", index)
    dtype = getattr(torch, TORCH_DTYPES[precision])
    a = torch.randn(size, size, device=dev, dtype=dtype)
    t0, power = time.perf_counter(), None
    while time.perf_counter() - t0 < seconds:
        for _ in range(10):
            torch.matmul(a, a)
        torch.cuda.synchronize(dev)
    for _ in range(10):
        torch.matmul(a, a)
    _, power = nvml_link_and_power(index)  # read while the last batch still runs
    torch.cuda.synchronize(dev)
    del a
    return power


def resnet50_step(index: int, batch: int, steps: int, precision: str = "bf16",
                  sampler: PowerSampler | None = None) -> float:
    """Training images/s of torchvision's ResNet-50 on synthetic 224 x 224 data (AMP, channels-last, SGD);
    ``sampler`` (when given) reads board power over the timed steps only."""
    import torch
    import torchvision

    dev = torch.device("cuda", index)
    model = torchvision.models.resnet50().to(dev).to(memory_format=torch.channels_last)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x = torch.randn(batch, 3, 224, 224, device=dev).to(memory_format=torch.channels_last)
    y = torch.randint(0, 1000, (batch,), device=dev)
    dtype = getattr(torch, TORCH_DTYPES[precision])

    def step() -> None:
        with torch.autocast("cuda", dtype=dtype):
            loss = torch.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)

    before = torch.backends.cudnn.benchmark
    torch.backends.cudnn.benchmark = True  # pick the fastest convolution algorithms, as training scripts do
    try:
        for _ in range(3):  # warm-up: cuDNN autotuning, allocator
            step()
        torch.cuda.synchronize(dev)
        if sampler is not None:
            sampler.start()
        t0 = time.perf_counter()
        for _ in range(steps):
            step()
        torch.cuda.synchronize(dev)
        return batch * steps / (time.perf_counter() - t0)  # tensors are freed on return
    finally:
        if sampler is not None:
            sampler.stop()  # also when a step failed: no thread reads NVML after the step
        torch.backends.cudnn.benchmark = before
