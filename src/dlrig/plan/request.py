"""What a plan is asked for: the goal, the limits, the buyer's constraints, and the defaults.

Every default assumption is one named constant here, so outputs can name the assumption that
produced a number. ``PlanRequest`` is built at the edge (the CLI parses
"2-4" into ``gpus_min``/``gpus_max``) and never changed afterwards.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from dlrig.errors import BadInput

# The checker's CPU-CORES-PER-GPU warns below 1 core per GPU; the planner asks for that much.
# Puget Systems' 4 per GPU is a note, not a requirement (the seed's 6-core CPU feeds 4 GPUs).
from dlrig.rules_of_thumb import CHANNELS_UNKNOWN, MIN_CORES_PER_GPU, RECOMMENDED_CORES_PER_GPU  # noqa: F401
from dlrig.workload_request import WorkloadRequest

Objective = Literal["max-throughput", "perf-per-dollar", "min-cost"]
OBJECTIVES: tuple[str, ...] = ("max-throughput", "perf-per-dollar", "min-cost")

MAX_GPUS_PER_BOX = 8  # counts tried when none is given: 1..8 (8 is the most any ATX/EEB board seats)
DEFAULT_PRECISION = "fp32"  # without a model, GPUs are compared on peak FLOP/s at this precision
DEFAULT_BOOK = "latest"
DEFAULT_STORAGE_GB = 1000.0  # one drive of at least this size (the seed's 1 TB SSD)
DEFAULT_STORAGE_KIND = "ssd"  # the seed post: one SSD serves four GPUs
# The checker's CPU-CORES-PER-GPU warns below 1 core per GPU; the planner asks for that much.
# Puget Systems' 4 per GPU is a note, not a requirement (the seed's 6-core CPU feeds 4 GPUs).

# Warnings the planner avoids, not just problems: the PSU below Dettmers' margin, the wall draw
# above the circuit's continuous rating (training runs for days), RAM below the largest card, a
# GPU on fewer than x8 CPU lanes, an Intel Arc card on a platform without Resizable BAR.
AVOIDED_WARNINGS: tuple[str, ...] = ("PSU-WATTS", "WALL-CIRCUIT", "RAM-VRAM", "PCIE-LANES", "GPU-REBAR")
DEFAULT_ALTERNATIVES = 3  # next-best builds, each with a different GPU
SOLVE_TIME_LIMIT_S = 20.0  # CP-SAT gives up (and says "not proven") after this long
SOLVER_WORKERS = 1  # one worker: deterministic answers; these models are small
MAX_CUTS = 200  # lazy-constraint rounds before the solver reports the checker disagrees
# The largest value each number may take: beyond these a request is a typo (or an attack), and
# a budget of 1e308 USD would overflow the solver's integer cents.
UPPER: dict[str, float] = {"budget_usd": 10_000_000.0, "vram_total_gb": 100_000.0, "throughput": 1e9,
                           "time_to_train_h": 1e6, "max_power_w": 100_000.0, "min_storage_gb": 1_000_000.0,
                           "time_limit_s": 600.0, "alternatives": 10}


@dataclass(frozen=True)
class PlanRequest:
    """A goal under constraints. ``None`` means "no limit" (or the default, where one is named)."""

    objective: Objective = "max-throughput"
    budget_usd: float | None = None
    gpus_min: int | None = None
    gpus_max: int | None = None
    vram_total_gb: float | None = None  # a target instead of a count
    throughput: float | None = None  # samples/s with a workload, else peak TFLOPS
    time_to_train_h: float | None = None
    workload: WorkloadRequest | None = None  # the model and recipe the plan is estimated on
    precision: str | None = None  # without a workload: the precision GPUs are compared at
    prices: str = DEFAULT_BOOK
    price_fallback: bool = True  # unpriced platform parts take their nearest dated price elsewhere
    region: str | None = None
    tax_rate: float = 0.0
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    form_factor: str | None = None  # the motherboard's (ATX, Micro ATX, E-ATX, ...)
    single_psu: bool = True  # plans always use one PSU; the flag is accepted for clarity
    max_power_w: float | None = None  # wall draw limit, below the circuit's
    min_storage_gb: float = DEFAULT_STORAGE_GB
    alternatives: int = DEFAULT_ALTERNATIVES
    time_limit_s: float = SOLVE_TIME_LIMIT_S
    minimal: bool = False  # the cheapest build that passes check, not the recommended one (docs/plan.md)

    def cores_per_gpu(self) -> int:
        """Cores the CPU needs per GPU: two in a recommended build, one in a minimal one."""
        return MIN_CORES_PER_GPU if self.minimal else RECOMMENDED_CORES_PER_GPU

    def counts(self) -> tuple[int, ...]:
        lo = self.gpus_min if self.gpus_min is not None else 1
        hi = self.gpus_max if self.gpus_max is not None else (
            self.gpus_min if self.gpus_min is not None and not self._has_target() else MAX_GPUS_PER_BOX)
        return tuple(range(max(lo, 1), hi + 1))

    def _has_target(self) -> bool:
        return any(v is not None for v in (self.vram_total_gb, self.throughput, self.time_to_train_h))

    @property
    def model(self) -> str | None:
        return self.workload.model if self.workload else None

    @property
    def wanted_precision(self) -> str | None:
        """The precision asked for: the workload's, else the comparison's."""
        return self.workload.precision if self.workload else self.precision


def parse_gpu_count(text: str) -> tuple[int, int]:
    """'4' -> (4, 4); '2-4' -> (2, 4); anything else is BadInput naming the field."""
    raw = text.strip()
    try:
        if "-" in raw:
            lo_s, hi_s = raw.split("-", 1)
            lo, hi = int(lo_s), int(hi_s)
        else:
            lo = hi = int(raw)
    except ValueError:
        raise BadInput(f"gpus {text!r}: give a count (4) or a range (2-4)", field="gpus") from None
    if lo > hi:
        raise BadInput(f"gpus {text!r}: the range runs backwards", field="gpus")
    return lo, hi


def validate(req: PlanRequest) -> None:
    """Contradictory or impossible requests are BadInput (exit 2), before any solving."""
    from dlrig.catalog.models import PRECISIONS

    if req.objective not in OBJECTIVES:
        raise BadInput(f"unknown objective {req.objective!r}; one of: {', '.join(OBJECTIVES)}", field="objective")
    _validate_numbers(req)
    if not 0 <= req.tax_rate < 1:
        raise BadInput(f"the tax rate is a fraction (0.08 is 8%), not {req.tax_rate:g}", field="tax_rate")
    if req.precision is not None and req.precision not in PRECISIONS:
        raise BadInput(f"unknown precision {req.precision!r}; one of: {', '.join(PRECISIONS)}", field="precision")
    _validate_counts(req)
    if req.time_to_train_h is not None and req.workload is None:
        raise BadInput("a time-to-train target needs a workload: a model and the amount of training (epochs "
                       "with a dataset, or samples)", field="time_to_train_h")
    if req.min_storage_gb < 0 or req.alternatives < 0:
        raise BadInput("the storage size and the number of alternatives cannot be negative",
                       field="min_storage_gb" if req.min_storage_gb < 0 else "alternatives")


def budget_cents(req: PlanRequest) -> int | None:
    """The budget for parts in cents, before tax."""
    if req.budget_usd is None:
        return None
    return math.floor(req.budget_usd * 100 / (1 + req.tax_rate) + 1e-6)


def _validate_numbers(req: PlanRequest) -> None:
    """Every number finite, positive where it must be, and below its ``UPPER`` bound."""
    for field, value in (("budget_usd", req.budget_usd), ("vram_total_gb", req.vram_total_gb),
                         ("throughput", req.throughput), ("time_to_train_h", req.time_to_train_h),
                         ("max_power_w", req.max_power_w), ("min_storage_gb", req.min_storage_gb),
                         ("time_limit_s", req.time_limit_s), ("tax_rate", req.tax_rate)):
        if value is not None and not math.isfinite(value):
            raise BadInput(f"{field} must be a finite number, not {value}", field=field)
    for field, value in (("budget_usd", req.budget_usd), ("vram_total_gb", req.vram_total_gb),
                         ("throughput", req.throughput), ("time_to_train_h", req.time_to_train_h),
                         ("max_power_w", req.max_power_w), ("min_storage_gb", req.min_storage_gb),
                         ("time_limit_s", req.time_limit_s), ("alternatives", req.alternatives)):
        if value is not None and value > UPPER[field]:
            raise BadInput(f"{field} must be at most {UPPER[field]:,.0f}, not {value:g}", field=field)
    if req.budget_usd is not None and req.budget_usd <= 0:
        raise BadInput(f"the budget must be positive, not {req.budget_usd:g}", field="budget_usd")
    for field, value in (("vram_total_gb", req.vram_total_gb), ("throughput", req.throughput),
                         ("time_to_train_h", req.time_to_train_h), ("max_power_w", req.max_power_w),
                         ("time_limit_s", req.time_limit_s)):
        if value is not None and value <= 0:
            raise BadInput(f"{field} must be positive, not {value:g}", field=field)


def _validate_counts(req: PlanRequest) -> None:
    if req.gpus_max is not None and req.gpus_max < 1:
        wants = "a throughput target" if req._has_target() else "a GPU build"
        raise BadInput(f"gpus {req.gpus_max}: {wants} needs at least one GPU", field="gpus_max")
    if req.gpus_min is not None and req.gpus_min < 1:
        raise BadInput(f"gpus must be at least 1, not {req.gpus_min}", field="gpus_min")
    if req.gpus_max is not None and req.gpus_max > MAX_GPUS_PER_BOX:
        raise BadInput(f"gpus {req.gpus_max}: one box seats at most {MAX_GPUS_PER_BOX} GPUs", field="gpus_max")
