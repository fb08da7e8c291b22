"""What dlrig assumes where the user says nothing: the precisions it compares GPUs at.

One home for each default, so the ranking, the planner, fit and cost cannot drift apart, and
every output can name the assumption that produced its figure.

- A workload's own precision, where it names none: bf16 mixed precision for transformers and
  fp16 mixed precision (AMP) for CNNs, what the PyTorch recipes of both train with today
  (``dlrig.workload.estimate.default_precision`` applies it to a model).
- GPUs compared without a workload (``dlrig gpus``, a plan without a model): dense bf16, the
  rate today's training runs at (mixed precision on tensor cores, on every NVIDIA card since
  Ampere, 2020, and AMD's since CDNA 2); FP32 for a market before tensor cores were used for
  training (the seed post's 2015 table ranks "single precision" TFLOPS per dollar).
- A build's GPUs matched to other machines without a workload (``dlrig cost``): bf16 where
  every GPU has a bf16 rate, else FP32 (matching FP32 peaks of a consumer card would pair it
  with far larger rentals than its tensor cores are worth).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from dlrig.catalog.models import Precision

if TYPE_CHECKING:
    from dlrig.catalog.models import Gpu, PriceBookInfo
    from dlrig.catalog.prices import PriceBook
    from dlrig.feasibility import Need

TRANSFORMER_PRECISION: Precision = "bf16"
CNN_PRECISION: Precision = "fp16"
COMPARISON_PRECISION: Precision = "bf16"
PRE_TENSOR_CORE_PRECISION: Precision = "fp32"
# Mixed-precision training on tensor cores arrived with Volta (V100, announced 2017-05) and
# NVIDIA's AMP recipes (Micikevicius et al., "Mixed Precision Training", ICLR 2018): a market
# dated before 2018 is ranked at FP32, as its buyers ranked it.
TENSOR_CORE_ERA = dt.date(2018, 1, 1)


def comparison_precision(market: PriceBook | PriceBookInfo | None = None) -> Precision:
    """The precision GPUs are compared at without a workload, for a market (a price book or its info)."""
    info = getattr(market, "info", market)
    day = getattr(info, "date", None)
    return PRE_TENSOR_CORE_PRECISION if day is not None and day < TENSOR_CORE_ERA else COMPARISON_PRECISION


def hardware_precision(gpus: Iterable[Gpu]) -> Precision:
    """The precision a build's GPUs train at without a workload: bf16 where all have it."""
    gpus = list(gpus)
    return COMPARISON_PRECISION if gpus and all(g.bf16_tflops for g in gpus) else PRE_TENSOR_CORE_PRECISION


def feasibility_need(precision: str | None, book: PriceBook | None = None, use: str = "desktop") -> Need:
    """What a request at ``precision`` needs of a GPU in the market of ``book``: today's software
    rule (dlrig.feasibility), except for a market before tensor cores (the seed post's 2015
    book), which its own time's software judged: Kepler and Maxwell ran the CUDA of 2015."""
    from dlrig.feasibility import CURRENT, Need

    day = book.info.date if book is not None else None
    software = None if day is not None and day < TENSOR_CORE_ERA else CURRENT
    return Need(precision=precision, software=software, use=use)  # type: ignore[arg-type]
