"""Whether today's framework builds run a GPU: PyTorch's CUDA wheels, ROCm's list, PyTorch XPU.

A rule reflects named versions, each with its source and date, so an answer can say which
software it assumed; docs/feasibility.md has the table. ``SoftwareRule.as_of`` dates the rule:
a price book of a market before that (the seed post's 2015 book) is not judged by it.

- NVIDIA (PyTorch 2.14's CUDA support matrix, RELEASE.md as of 2026-09-18): the default PyPI
  wheel (CUDA 13.2) builds for compute capability 7.5 (Turing) through 12.0 (Blackwell), the
  CUDA 13.0 wheel likewise; only the legacy CUDA 12.6 wheel adds 5.0 (Maxwell), 6.0 (Pascal)
  and 7.0 (Volta), and PyTorch 2.14 is the last release to publish it (notice of 2026-09-04:
  from 2.15 no CUDA 12.x wheels, so no pre-Turing build). Nothing builds for Kepler or older.
- AMD (ROCm 7.0, Linux system requirements, "Supported GPUs"): the GPUs listed there by name;
  a GPU not listed "is not officially supported" and prebuilt ROCm libraries "will cause
  runtime errors" on it (the same page).
- Intel (PyTorch, "Getting Started on Intel GPU"): Data Center GPU Max, Arc A-series and
  Arc B-series graphics.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

Status = Literal["supported", "legacy", "unsupported", "unknown"]

PYTORCH_MATRIX = "https://github.com/pytorch/pytorch/blob/main/RELEASE.md#pytorch-cuda-support-matrix"
PYTORCH_NOTICE = ("https://dev-discuss.pytorch.org/t/notice-cuda-12-6-wheels-will-no-longer-be-published-from-"
                  "pytorch-2-15-drops-maxwell-pascal-volta/3432")
ROCM_LIST = ("https://rocm.docs.amd.com/projects/install-on-linux/en/docs-7.0.0/reference/"
             "system-requirements.html")
XPU_PAGE = "https://docs.pytorch.org/docs/stable/notes/get_start_xpu.html"

# ROCm 7.0's "Supported GPUs" (Instinct, Radeon PRO, Radeon), as the catalog spells the names
# without "AMD"/"Radeon Instinct"/"Radeon" prefixes (see _rocm_key).
ROCM_SUPPORTED: frozenset[str] = frozenset({
    "MI355X", "MI350X", "MI325X", "MI300X", "MI300A", "MI250X", "MI250", "MI210", "MI100",
    "AI PRO R9700", "PRO V710", "PRO W7900", "PRO W7900 DUAL SLOT", "PRO W7800 48 GB", "PRO W7800", "PRO W7700",
    "PRO W6800", "PRO V620",
    "RX 9070 XT", "RX 9070 GRE", "RX 9070", "RX 9060 XT", "RX 7900 XTX", "RX 7900 XT", "RX 7900 GRE",
    "RX 7800 XT", "RX 7700 XT",
})
# A size suffix the catalog adds to one product ROCm names once ("RX 9060 XT 16 GB" is the
# RX 9060 XT); ROCm's own sized names (PRO W7800 48 GB) are matched first.
SIZE_SUFFIX = re.compile(r"\s+\d+\s*GB$", re.I)


@dataclass(frozen=True)
class SoftwareRule:
    """The software the feasibility rule assumes, with the versions it reflects."""

    name: str
    as_of: dt.date
    cuda_min: float  # lowest compute capability the default (and every non-legacy) wheel builds for
    cuda_legacy_min: float  # lowest a legacy wheel still builds for
    cuda_text: str
    legacy_text: str
    rocm_text: str
    xpu_text: str
    sources: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "as_of": self.as_of.isoformat(), "cuda_min_compute_capability": self.cuda_min,
                "cuda_legacy_min_compute_capability": self.cuda_legacy_min, "cuda": self.cuda_text,
                "legacy": self.legacy_text, "rocm": self.rocm_text, "xpu": self.xpu_text,
                "sources": list(self.sources)}


CURRENT = SoftwareRule(
    name="PyTorch 2.14 wheels, ROCm 7.0, PyTorch XPU",
    as_of=dt.date(2026, 9, 18),
    cuda_min=7.5,
    cuda_legacy_min=5.0,
    cuda_text="PyTorch 2.14's default wheel (CUDA 13.2) builds for compute capability 7.5 (Turing) to 12.0 "
              "(Blackwell)",
    legacy_text="only PyTorch 2.14's legacy CUDA 12.6 wheel builds for it, the last release to publish one "
                "(from 2.15 PyTorch publishes no build below compute capability 7.5)",
    rocm_text="ROCm 7.0's list of supported GPUs (Linux)",
    xpu_text="PyTorch's Intel GPU support (Data Center GPU Max, Arc A- and B-series)",
    sources=(PYTORCH_MATRIX, PYTORCH_NOTICE, ROCM_LIST, XPU_PAGE),
)


def _rocm_key(name: str) -> str:
    key = re.sub(r"^(AMD\s+)?(Radeon\s+Instinct|Instinct|Radeon)\s+", "", name.strip(), flags=re.I)
    return re.sub(r"\s+", " ", key).upper()


def rocm_listed(name: str) -> bool:
    key = _rocm_key(name)
    return key in ROCM_SUPPORTED or SIZE_SUFFIX.sub("", key) in ROCM_SUPPORTED


def xpu_listed(name: str, architecture: str | None) -> bool:
    """PyTorch XPU's validated parts: Data Center GPU Max (Xe-HPC), discrete Arc A and B cards."""
    if "Data Center GPU Max" in name:
        return True
    return architecture in ("Xe-HPG", "Xe2-HPG") and name.startswith("Arc ")


def cuda_status(cc_low: float, rule: SoftwareRule) -> Status:
    """By the lowest compute capability of the architecture's chips (a whole architecture sits on
    one side of each of the rule's bounds)."""
    if cc_low >= rule.cuda_min:
        return "supported"
    return "legacy" if cc_low >= rule.cuda_legacy_min else "unsupported"
