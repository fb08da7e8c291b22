"""Running cost: wall power while training, times the price of a kWh, for the hours it trains
(docs/domain.md sections 5, 7).

Running cost = wall kW x busy hours x price per kWh. Wall watts come from the workload model
(``dlrig estimate``'s power at the build's workload) when the build names a workload that can
be estimated on it; otherwise from the power budget at full load: GPU board power + CPU TDP +
the rest of the system, divided by the PSU's efficiency at that load (``dlrig.power``).
``utilization`` is the share of the working hours (``hours_per_day``) the machine is busy: it
scales the hours paid for, not the watts (a training job runs its GPUs flat out); the hours it
sits idle are not counted (off or asleep).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from dlrig import power
from dlrig.build import Build
from dlrig.cost.assumptions import DAYS_PER_MONTH, Figure
from dlrig.cost.purchase import check_rate
from dlrig.errors import BadInput

BUDGET_METHOD = ("power budget (dlrig.power): GPU board power + CPU TDP "
                 f"+ {power.REST_OF_SYSTEM_W:g} W rest of system, / PSU efficiency")


@dataclass(frozen=True)
class WallPower:
    wall_w: float
    dc_w: float | None
    method: str
    unknown: tuple[str, ...] = ()  # parts whose power the catalog lacks (counted as 0 W)


@dataclass(frozen=True)
class Running:
    power: WallPower  # while training
    utilization: float  # share of the working hours it trains
    hours_per_day: float  # hours a day it works
    kwh: Figure

    @property
    def usd_per_hour(self) -> float:
        """Electricity per busy hour."""
        return self.power.wall_w / 1000.0 * self.kwh.value

    @property
    def usd_per_month(self) -> float:
        return self.usd_per_hour * self.hours_per_day * self.utilization * DAYS_PER_MONTH


def budget_wall_power(build: Build) -> WallPower:
    """The fallback: power.py's budget at full load."""
    cpu = build.cpu
    b = power.budget(build.gpu_caps, cpu.tdp_w if cpu else None, cpu.name if cpu else "CPU")
    dc = b.gpus_w + b.cpu_w + b.rest_w
    return WallPower(wall_w=power.wall_w(dc, build.psu), dc_w=dc, method=BUDGET_METHOD,
                     unknown=b.unknown)


def workload_wall_power(build: Build) -> tuple[WallPower | None, str | None]:
    """The estimate's power at the build's workload (``dlrig estimate``): GPUs at their
    training load, as busy as the data pipeline lets them be, plus the CPU and the rest.
    Without it, (None, why): the build names no workload (why None), or the estimate cannot
    stand for the build (GPU lines of different cards or power limits: the estimate runs N
    copies of one card) or fails."""
    if build.workload is None:
        return None, None
    lines = build.lines("gpu")
    if len({(line.part.id, line.power_limit_w) for line in lines}) > 1:
        return None, "the estimate models one kind of GPU; this build mixes cards or power limits"
    from dlrig.errors import DlrigError
    from dlrig.workload.estimate import estimate, machine_from_build, request_from_build

    try:
        e = estimate(request_from_build(build), machine_from_build(build))
    except DlrigError as exc:
        return None, f"the workload could not be estimated: {exc.message}"
    dc = e.power_w
    low_dc = (e.power_w_range or (e.power_w, e.power_w))[0]
    wall, low_wall = power.wall_w(dc, build.psu), power.wall_w(low_dc, build.psu)
    load_lo, _, load_hi = e.gpu_load or (0.0, 0.0, 0.0)
    method = (f"workload model (dlrig estimate: {e.model.name} at {e.precision}, GPUs at the data "
              f"pipeline's rate; busy GPUs at {load_lo:.0%}-{load_hi:.0%} of board power for this workload's "
              f"compute share, from two H100 measurements: the high end of {low_wall:,.0f}-{wall:,.0f} W "
              "at the wall)")
    unknown = e.power_unknown + (() if build.cpu is not None else ("CPU (none in the build)",))
    return WallPower(wall_w=wall, dc_w=dc, method=method, unknown=unknown), None


def running_cost(build: Build, kwh: Figure, utilization: float, hours_per_day: float) -> Running:
    check_rate("utilization", utilization)
    if not 0 < hours_per_day <= 24:
        raise BadInput(f"hours per day must be more than 0 and at most 24, got {hours_per_day:g}")
    if not math.isfinite(kwh.value) or kwh.value < 0:
        raise BadInput(f"the price of a kWh must be zero or more USD, got {kwh.value:g}")
    watts, why_not = workload_wall_power(build)
    if watts is None:
        watts = budget_wall_power(build)
        if why_not:  # a workload was named but not used: say so beside the method
            watts = replace(watts, method=f"{watts.method}; workload not used: {why_not}")
    return Running(power=watts, utilization=utilization, hours_per_day=hours_per_day, kwh=kwh)
