"""Can this GPU run this request? One answer for fit, gpus, estimate and the planner.

Three rules, each failing with a stable code and a reason:

- precision: the requested precision exists in the chip's hardware (``precision-absent``: the
  frameworks refuse it, fp8 before Ada/Hopper; ``precision-emulated``: they accept it but
  compute at the FP32 rate or slower, bf16 on Turing);
- software: today's framework builds run the chip (``software-legacy``: only a last legacy
  build does, Pascal and Volta on PyTorch's CUDA 12.6 wheel; ``software-unsupported``: none
  does, Kepler, or an AMD card outside ROCm's list);
- form factor, for a desktop or workstation build (``form-module``: an SXM or OAM module or a
  socketed APU that needs a server baseboard; ``form-passive``: a passively cooled datacenter
  card that needs a server's forced airflow; ``form-system``: a module sold only inside a
  system, Jetson or the GB10 of DGX Spark, never a part).

Nothing here reads a file or names a command-line flag; the catalog's Gpu is read by attribute
(only for type checking imported), so the catalog may call this module.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from dlrig.feasibility.hardware import NATIVE_IF_RATED, architecture
from dlrig.feasibility.software import CURRENT, SoftwareRule, cuda_status, rocm_listed, xpu_listed

if TYPE_CHECKING:
    from dlrig.catalog.models import Gpu

Use = Literal["desktop", "server", "market"]
USES: tuple[str, ...] = ("desktop", "server", "market")
CODES: dict[str, str] = {
    "precision-absent": "the precision does not exist in the chip's hardware",
    "precision-emulated": "the precision runs emulated, at the FP32 rate or slower",
    "software-legacy": "only a last legacy framework build runs the chip",
    "software-unsupported": "no current framework build runs the chip",
    "form-module": "a server module (SXM, OAM, socketed APU), not a card",
    "form-passive": "a passively cooled datacenter card, for server airflow",
    "form-system": "sold only inside a system, never as a part",
}
# Datacenter-class boards the maker ships with a fan: "c" for a workstation cooler (NVIDIA's
# Tesla K20c/K40c product briefs: "active fan sink").
ACTIVE_DATACENTER = frozenset({"Tesla K20c", "Tesla K40c"})
# Parts sold only inside a system: Jetson and DRIVE modules, the GB10 of DGX Spark, embedded
# (MXM) boards, DGX Station boards, laptop GPUs (GeForce MX), NVIDIA's PG board numbers.
SYSTEM_ONLY = re.compile(r"^(Jetson\b|DRIVE\b|GB10$|Tesla PG\d|PG\d|GeForce MX\d)|\bEmbedded\b|\bDGXS\b|"
                         r"Max Subsystem$")
VIRTUAL = re.compile(r"-\d+[QABC]$")  # a vGPU profile (RTX A5000-8Q): a slice of a card, not a card
# Server cards the importer files as workstation parts: AMD's Radeon PRO V series (V340, V620,
# V710) are passively cooled cloud and virtualization boards.
PASSIVE_NAMES = re.compile(r"^Radeon PRO V\d", re.I)


@dataclass(frozen=True)
class Need:
    """What a request needs of a GPU. ``precision`` None: no precision rule (an inference weight
    format that computes at whatever the card has); ``software`` None: no software rule (a
    market before the rule's date, judged by its own time); ``use``: "desktop" (a build for a
    desk: no server modules or passive cards), "server" (modules and passive cards allowed),
    "market" (what can be bought at all: a ranking)."""

    precision: str | None = None
    software: SoftwareRule | None = CURRENT
    use: Use = "desktop"


@dataclass(frozen=True)
class Exclusion:
    gpu: str
    gpu_id: str
    code: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"gpu": self.gpu, "code": self.code, "reason": self.reason}


def gpus_per_board(gpu: Gpu) -> int:
    """GPUs on one board (Tesla K80: 2): each is its own CUDA device with vram_gb / this."""
    return max(1, int(getattr(gpu, "gpus_per_board", 1) or 1), 2 if getattr(gpu, "dual_gpu", False) else 1)


def precision_support(gpu: Gpu, precision: str) -> str:
    """native, emulated or absent for a known architecture; for an unknown one, native where
    the catalog gives a rate at the precision (a rate is a hardware fact) and else unknown."""
    arch = architecture(gpu.architecture)
    if arch is None:
        return "native" if gpu.tflops(precision) is not None else "unknown"  # type: ignore[arg-type]
    found = arch.support(precision)
    if found == NATIVE_IF_RATED:
        return "native" if gpu.tflops(precision) is not None else "emulated"  # type: ignore[arg-type]
    return found


def _precision(gpu: Gpu, precision: str) -> tuple[str, str] | None:
    found = precision_support(gpu, precision)
    arch = gpu.architecture or "an unknown architecture"
    if found == "absent":
        return "precision-absent", f"no {precision} in {arch} hardware (frameworks refuse it on this chip)"
    if found == "emulated":
        fast = _fast_precisions(gpu)
        hint = f"; its fast {'path is' if len(fast) == 1 else 'paths are'} {', '.join(fast)}" if fast else ""
        return "precision-emulated", (f"{precision} runs emulated on {arch}: no {precision} units, at the FP32 rate "
                                      f"or slower{hint}")
    return None


def _fast_precisions(gpu: Gpu) -> list[str]:
    arch = architecture(gpu.architecture)
    if arch is None:
        return []
    return [p for p in ("fp8", "bf16", "fp16", "tf32") if precision_support(gpu, p) == "native"] or ["fp32"]


def software_status(gpu: Gpu, rule: SoftwareRule = CURRENT) -> tuple[str, str]:
    """(status, reason): supported, legacy, unsupported or unknown (an unknown architecture)."""
    arch = architecture(gpu.architecture)
    if arch is None:
        return "unknown", "architecture unknown: the software rule cannot judge it"
    if arch.family == "cuda" and arch.compute_capability is not None:
        low, high = arch.compute_capability
        cc = f"{low:.1f}" if low == high else f"{low:.1f}-{high:.1f}"
        status = cuda_status(low, rule)
        if status == "supported":
            return status, f"compute capability {cc}: {rule.cuda_text}"
        if status == "legacy":
            return status, f"compute capability {cc} ({arch.name}): {rule.legacy_text}"
        return status, (f"compute capability {cc} ({arch.name}): no current PyTorch build runs it "
                        f"({rule.cuda_text}; the legacy wheel stops at {rule.cuda_legacy_min:.1f})")
    if arch.family == "rocm":
        if rocm_listed(gpu.name):
            return "supported", f"on {rule.rocm_text}"
        return "unsupported", (f"{gpu.name} ({arch.llvm_target}) is not on {rule.rocm_text}: AMD's prebuilt ROCm "
                               "libraries are not built for it")
    if arch.family == "xpu":
        if xpu_listed(gpu.name, gpu.architecture):
            return "supported", f"in {rule.xpu_text}"
        return "unsupported", f"{gpu.name} is not in {rule.xpu_text}"
    return "unsupported", f"{gpu.name} ({arch.name}) is not a GPU today's deep-learning frameworks run on"


def form_factor(gpu: Gpu) -> tuple[str, str] | None:
    """(code, reason) where the part is not a card for a desk, else None."""
    if SYSTEM_ONLY.search(gpu.name):
        return "form-system", f"{gpu.name} is sold inside a system (module or board of its own), not as a card"
    if VIRTUAL.search(gpu.name):
        return "form-system", f"{gpu.name} is a virtual GPU profile (a slice of a card), not a card"
    if gpu.form == "sxm":
        return "form-module", f"{gpu.name} is an SXM module: it needs an HGX/DGX server baseboard"
    if gpu.form == "other":
        return "form-module", f"{gpu.name} is an OAM module or socketed part: it needs a server platform built for it"
    cooler = getattr(gpu, "cooler", None)
    server = gpu.kind == "datacenter" or PASSIVE_NAMES.search(gpu.name)
    if server and cooler not in ("blower", "open-air", "water") and gpu.name not in ACTIVE_DATACENTER:
        return "form-passive", (f"{gpu.name} is a passively cooled datacenter card: it needs a server's forced "
                                "airflow, not a desktop case")
    return None


def exclusions(gpu: Gpu, need: Need) -> tuple[Exclusion, ...]:
    """Every rule ``gpu`` fails for ``need``, most fundamental first (hardware, software, form)."""
    found: list[tuple[str, str]] = []
    if need.precision is not None and (hit := _precision(gpu, need.precision)):
        found.append(hit)
    if need.software is not None:
        status, why = software_status(gpu, need.software)
        if status in ("legacy", "unsupported"):
            found.append((f"software-{status}", why))
    form = form_factor(gpu)
    if form is not None and (need.use == "desktop" or form[0] == "form-system"):
        found.append(form)
    return tuple(Exclusion(gpu.name, gpu.id, code, why) for code, why in found)


def check(gpu: Gpu, need: Need) -> Exclusion | None:
    """The first rule ``gpu`` fails, or None: it can run the request."""
    found = exclusions(gpu, need)
    return found[0] if found else None


def partition(gpus: Iterable[Gpu], need: Need) -> tuple[list[Gpu], list[Exclusion]]:
    """(the GPUs that can run the request, one Exclusion for each that cannot)."""
    ok: list[Gpu] = []
    out: list[Exclusion] = []
    for gpu in gpus:
        hit = check(gpu, need)
        if hit is None:
            ok.append(gpu)
        else:
            out.append(hit)
    return ok, out


def summary(excluded: Iterable[Exclusion]) -> dict[str, int]:
    """How many were excluded under each code, most first."""
    return dict(Counter(e.code for e in excluded).most_common())



BOARD_TOTALS = ("vram_gb", "memory_bandwidth_gb_s", "fp64_tflops", "fp32_tflops", "tf32_tflops", "fp16_tflops",
                "bf16_tflops", "fp8_tflops")


def per_device(gpu: Gpu) -> Gpu:
    """One GPU of a multi-GPU board as its own device: the board's memory, bandwidth and rates
    shared out (the catalog gives board totals), so a fit counts devices with each one's memory.
    A single-GPU card comes back unchanged."""
    n = gpus_per_board(gpu)
    if n == 1:
        return gpu
    update = {f: getattr(gpu, f) / n for f in BOARD_TOTALS if getattr(gpu, f) is not None}
    return gpu.model_copy(update={**update, "dual_gpu": False, "gpus_per_board": 1})
