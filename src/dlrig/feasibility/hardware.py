"""What each GPU architecture computes in hardware: its compute capability and its precisions.

One row per architecture as the catalog spells it (TechPowerUp's names). A precision is
``native`` where the chip has units for it (tensor or matrix cores for fp16/bf16/tf32/fp8,
the FP32 ALUs for fp32), ``emulated`` where frameworks accept the type but compute it at the
FP32 rate or slower (bf16 on Volta and Turing, fp16 on consumer Pascal), and ``absent`` where
they refuse it (fp8 matrix products before Ada and Hopper). Sources, in docs/feasibility.md:

- NVIDIA compute capability per architecture: NVIDIA, "CUDA GPU Compute Capability"
  (https://developer.nvidia.com/cuda-gpus), the same as TechPowerUp's CUDA column for all
  catalog chips of each architecture (checked when this table was written).
- NVIDIA precisions: the architecture whitepapers (Volta: FP16 tensor cores; Ampere A100:
  BF16 and TF32; Ada and Hopper H100: FP8) and PyTorch, whose
  ``torch.cuda.is_bf16_supported(including_emulation=False)`` needs compute capability 8.0
  (bf16 runs emulated below it) and whose ``torch._scaled_mm`` (FP8) needs 8.9.
- AMD: ROCm, "Data types and precision support", hardware support by architecture
  (https://rocm.docs.amd.com/en/latest/reference/precision-support.html): bf16 matrix cores
  from CDNA 1 (MI100) and RDNA 3, FP8 from CDNA 3 (MI300, FNUZ formats), CDNA 4 and RDNA 4;
  TF32 (XF32) on CDNA 3 only.
- Intel: XMX engines of Xe-HPG (Arc A), Xe2-HPG (Arc B) and Xe-HPC (Data Center GPU Max):
  FP16 and BF16, TF32 on Xe-HPC; no FP8.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Support = Literal["native", "emulated", "absent"]
# "native" where the catalog has a rate for the chip, else "emulated": Pascal's FP16 runs at
# twice FP32 on GP100 (Tesla P100), the only Pascal chip TechPowerUp gives an FP16 rate, and at
# 1/64 of FP32 on the other Pascal chips.
NATIVE_IF_RATED = "native-if-rated"


@dataclass(frozen=True)
class Architecture:
    name: str  # as the catalog spells it
    vendor: str
    family: str  # what the software rules key on: "cuda", "rocm" (gfx), "xpu" or "none"
    compute_capability: tuple[float, float] | None  # NVIDIA: lowest and highest of its chips
    llvm_target: str | None  # AMD: gfx family, for the reason text
    precisions: dict[str, str]  # precision -> Support or NATIVE_IF_RATED; fp32 is always native

    def support(self, precision: str) -> str:
        return "native" if precision == "fp32" else self.precisions.get(precision, "absent")


def _nv(name: str, cc: tuple[float, float], fp16: str, bf16: str, tf32: str, fp8: str) -> Architecture:
    return Architecture(name, "NVIDIA", "cuda", cc, None, {"fp16": fp16, "bf16": bf16, "tf32": tf32, "fp8": fp8})


def _amd(name: str, gfx: str, fp16: str, bf16: str, tf32: str, fp8: str) -> Architecture:
    return Architecture(name, "AMD", "rocm", None, gfx, {"fp16": fp16, "bf16": bf16, "tf32": tf32, "fp8": fp8})


def _intel(name: str, family: str, fp16: str, bf16: str, tf32: str) -> Architecture:
    return Architecture(name, "Intel", family, None, None, {"fp16": fp16, "bf16": bf16, "tf32": tf32,
                                                            "fp8": "absent"})


N, E, A = "native", "emulated", "absent"
ARCHITECTURES: dict[str, Architecture] = {a.name: a for a in (
    _nv("Tesla 2.0", (1.2, 1.3), E, A, E, A),
    _nv("Fermi", (2.0, 2.1), E, A, E, A),
    _nv("Fermi 2.0", (2.0, 2.1), E, A, E, A),
    _nv("Kepler", (3.0, 3.5), E, A, E, A),
    _nv("Kepler 2.0", (3.2, 3.7), E, A, E, A),
    _nv("Maxwell", (5.0, 5.0), E, A, E, A),
    _nv("Maxwell 2.0", (5.2, 5.3), E, A, E, A),
    _nv("Pascal", (6.0, 6.2), NATIVE_IF_RATED, E, E, A),
    _nv("Volta", (7.0, 7.2), N, E, E, A),
    _nv("Turing", (7.5, 7.5), N, E, E, A),
    _nv("Ampere", (8.0, 8.7), N, N, N, A),
    _nv("Ada Lovelace", (8.9, 8.9), N, N, N, N),
    _nv("Hopper", (9.0, 9.0), N, N, N, N),
    _nv("Blackwell", (10.0, 11.0), N, N, N, N),  # B200 10.0, Jetson Thor 11.0
    _nv("Blackwell Ultra", (10.3, 10.3), N, N, N, N),
    _nv("Blackwell 2.0", (12.0, 12.1), N, N, N, N),  # GeForce RTX 50, RTX PRO 6000: 12.0; GB10: 12.1
    _amd("TeraScale 2", "pre-GCN", A, A, E, A),
    _amd("GCN 1.0", "gfx6", E, A, E, A),
    _amd("GCN 2.0", "gfx7", E, A, E, A),
    _amd("GCN 3.0", "gfx8", E, A, E, A),
    _amd("GCN 4.0", "gfx8", E, A, E, A),
    _amd("GCN 5.0", "gfx900", N, E, E, A),
    _amd("GCN 5.1", "gfx906", N, E, E, A),
    _amd("CDNA 1.0", "gfx908", N, N, E, A),
    _amd("CDNA 2.0", "gfx90a", N, N, E, A),
    _amd("CDNA 3.0", "gfx942", N, N, N, N),
    _amd("CDNA 4.0", "gfx950", N, N, E, N),
    _amd("RDNA 1.0", "gfx101x", N, E, E, A),
    _amd("RDNA 2.0", "gfx103x", N, E, E, A),
    _amd("RDNA 3.0", "gfx110x", N, N, E, A),
    _amd("RDNA 4.0", "gfx120x", N, N, E, N),
    _intel("Knights", "none", E, A, E),  # Xeon Phi: an x86 coprocessor, not a GPU
    _intel("Generation 12.1", "xpu", N, E, E),  # Xe-LP (DG1, Iris Xe MAX): no XMX engines
    _intel("Generation 12.5", "xpu", N, N, N),  # Xe-HP / Xe-HPC (Data Center GPU Max)
    _intel("Xe-HPG", "xpu", N, N, E),  # Arc A-series, Data Center GPU Flex
    _intel("Xe2-HPG", "xpu", N, N, E),  # Arc B-series
)}


def architecture(name: str | None) -> Architecture | None:
    return ARCHITECTURES.get(name) if name else None
