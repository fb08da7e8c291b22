"""CPU matrix products with NumPy (fp32), and the CPU's peak where its SIMD width is known."""

from __future__ import annotations

import time
from dataclasses import dataclass

from dlrig.machine.model import CpuInfo

# FP32 FLOPs per cycle per core: vector lanes x 2 (fused multiply-add) x FMA units. Two FMA units
# are assumed (Intel Skylake-SP Gold/Platinum and later client cores, AMD Zen 2-5); some Xeon
# Silver/Bronze have one AVX-512 unit and Zen 4 runs AVX-512 on 256-bit units (32), so the
# peak is an upper bound (Intel 64 optimization manual; AMD software optimization guides).
FLOPS_PER_CYCLE_FP32 = (("avx512f", 64, "AVX-512 FMA"), ("fma", 32, "AVX2 FMA"), ("avx", 16, "AVX"),
                        ("asimd", 16, "NEON"), ("sse2", 8, "SSE"))


@dataclass(frozen=True)
class Gemm:
    best_gflops: float
    best_size: int
    by_size: dict[int, float]


def gemm_gflops(n: int, min_time_s: float, min_reps: int = 2) -> float:
    """Best rate of an n x n fp32 matrix product, repeated for at least ``min_time_s``."""
    import numpy as np

    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n), dtype=np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32)
    out = np.empty((n, n), dtype=np.float32)
    np.matmul(a, b, out=out)  # warm-up: thread pool start, page faults
    best, spent, reps = float("inf"), 0.0, 0
    while spent < min_time_s or reps < min_reps:
        t0 = time.perf_counter()
        np.matmul(a, b, out=out)
        dt = time.perf_counter() - t0
        best, spent, reps = min(best, dt), spent + dt, reps + 1
    return 2.0 * n**3 / best / 1e9


def gemm_sweep(sizes: tuple[int, ...], min_time_s: float, rounds: int = 2) -> Gemm:
    """Best rate per size over ``rounds`` interleaved passes, so a moment of contention from
    other processes (or a noisy neighbour on a VM) does not decide a size's figure."""
    rates: dict[int, float] = {}
    for _ in range(rounds):
        for n in sizes:
            rates[n] = max(rates.get(n, 0.0), gemm_gflops(n, min_time_s / rounds))
    best = max(rates, key=rates.__getitem__)
    return Gemm(best_gflops=rates[best], best_size=best, by_size=rates)


def peak_gflops(cpu: CpuInfo) -> tuple[float | None, str]:
    """Cores x clock x FP32 FLOPs per cycle, from /proc/cpuinfo's flags; ``None`` where not known."""
    per_cycle = next(((n, name) for flag, n, name in FLOPS_PER_CYCLE_FP32 if flag in cpu.flags), None)
    if per_cycle is None or not cpu.cores or not cpu.max_mhz:
        return None, "peak unknown (cores, clock or SIMD width not probed)"
    n, name = per_cycle
    value = cpu.cores * cpu.max_mhz / 1000 * n
    return value, (f"peak: {cpu.cores} cores x {cpu.max_mhz / 1000:.2f} GHz x {n} FLOP/cycle ({name}, two FMA "
                   "units assumed; all-core clocks under vector load are often lower)")
