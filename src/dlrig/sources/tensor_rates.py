"""The tensor-rate model: dense tensor-core FLOP/s from SM count × boost clock × per-SM rate.

Used only where Epoch AI has no datasheet figure for a chip. Per-SM rates are dense FP16
multiply-accumulates per clock × 2, from NVIDIA's architecture whitepapers:

- Volta (GV100): 8 tensor cores × 64 FMA = 1,024 FLOP/clk/SM (Volta whitepaper, 2017).
- Turing (TU10x): 8 × 64 FMA = 1,024 (Turing whitepaper, 2018, appendix table 1).
- Ampere GA100: 4 × 256 FMA = 2,048 (A100 whitepaper, 2020); GA10x: 4 × 128 = 1,024
  (GA102 whitepaper, 2020).
- Ada (AD10x): 1,024; FP8 twice FP16 (Ada whitepaper, 2022).
- Hopper (GH100): 4,096; FP8 twice FP16 (H100 whitepaper, 2022).
- Blackwell GB20x: 1,024; FP8 twice FP16 (RTX Blackwell whitepaper, 2025).

GeForce parts run FP16/BF16/FP8 with FP32 accumulate at half the rate above and TF32 at a
quarter; workstation and datacenter parts run FP32 accumulate at full rate and TF32 at half
(the same whitepapers' GeForce vs. professional tables, e.g. RTX 4090 165.2 vs 330.3 TFLOPS).
Assumption: the boost clock is sustained under tensor load; datasheet figures of datacenter
parts use a lower clock, so the model over-states them (the import report gives the error).
"""

from __future__ import annotations

from dlrig.catalog.models import Gpu

PER_SM_FP16 = {  # dense FP16 FLOP per clock per SM, FP16 accumulate (full rate)
    "volta": 1024, "turing": 1024, "ga100": 2048, "ampere": 1024, "ada": 1024,
    "hopper": 4096, "blackwell2": 1024,
}
FP8_ARCHES = {"ada", "hopper", "blackwell2"}
BF16_TF32_ARCHES = {"ga100", "ampere", "ada", "hopper", "blackwell2", "blackwell"}


def family(gpu: Gpu) -> str | None:
    arch = (gpu.architecture or "").lower()
    if gpu.vendor != "NVIDIA":
        return None
    if arch.startswith("volta"):
        return "volta"
    if arch.startswith("turing"):
        return "turing"
    if arch.startswith("ampere"):
        return "ga100" if gpu.name.startswith(("A100", "A800", "A30")) else "ampere"
    if arch.startswith("ada"):
        return "ada"
    if arch.startswith("hopper"):
        return "hopper"
    if arch.startswith("blackwell 2") or arch == "blackwell 2.0":
        return "blackwell2"
    if arch.startswith("blackwell"):
        return "blackwell"
    return None


def has_tensor_cores(gpu: Gpu) -> bool:
    return family(gpu) is not None or gpu.vendor in ("AMD", "Intel")


def supports_bf16(gpu: Gpu) -> bool:
    return family(gpu) in BF16_TF32_ARCHES or gpu.vendor in ("AMD", "Intel")


def supports_tf32(gpu: Gpu) -> bool:
    return family(gpu) in BF16_TF32_ARCHES


def rates(gpu: Gpu, sm_count: int | None = None, boost_mhz: float | None = None) -> dict[str, float]:
    """Modelled dense TFLOP/s by precision (FP32 accumulate); empty when the model has no rate."""
    fam = family(gpu)
    sms = sm_count if sm_count is not None else _SM.get(gpu.id)
    clock = boost_mhz if boost_mhz is not None else _CLOCK.get(gpu.id)
    if fam not in PER_SM_FP16 or not sms or not clock or gpu.name.startswith("GeForce GTX"):
        return {}
    full = sms * clock * 1e6 * PER_SM_FP16[fam] / 1e12
    geforce = gpu.name.startswith("GeForce")
    fp16 = full / 2 if geforce else full
    out = {"fp16": fp16}
    if fam in BF16_TF32_ARCHES:
        out["bf16"] = fp16
        out["tf32"] = full / 4 if geforce else full / 2
    if fam in FP8_ARCHES:
        out["fp8"] = fp16 * 2
    return out


# The importer registers each chip's SM count and boost clock here before calling rates().
_SM: dict[str, int] = {}
_CLOCK: dict[str, float] = {}


def register(gpu_id: str, sm_count: int | None, boost_mhz: float | None) -> None:
    if sm_count:
        _SM[gpu_id] = sm_count
    if boost_mhz:
        _CLOCK[gpu_id] = boost_mhz
