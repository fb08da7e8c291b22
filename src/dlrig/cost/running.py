"""Running cost: wall power at a utilization, times the price of a kWh (DOMAIN.md sections 5, 7).

Running cost = wall kW x hours x price per kWh. Wall watts come from the workload model
(``dlrig.workload.estimate_power_w``) when it is installed and the build names a workload;
otherwise from the power budget: (GPU board power + CPU TDP) x utilization + the rest of the
system, divided by the PSU's efficiency at that load (``dlrig.power``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dlrig import power
from dlrig.build import Build
from dlrig.cost.assumptions import DAYS_PER_MONTH, Figure
from dlrig.cost.purchase import check_rate
from dlrig.errors import BadInput

BUDGET_METHOD = ("power budget (dlrig.power): (GPU board power + CPU TDP) x utilization "
                 f"+ {power.REST_OF_SYSTEM_W:g} W rest of system, / PSU efficiency")


@dataclass(frozen=True)
class WallPower:
    wall_w: float
    dc_w: float | None
    method: str
    unknown: tuple[str, ...] = ()  # parts whose power the catalog lacks (counted as 0 W)


@dataclass(frozen=True)
class Running:
    power: WallPower
    utilization: float
    hours_per_day: float
    kwh: Figure

    @property
    def usd_per_hour(self) -> float:
        return self.power.wall_w / 1000.0 * self.kwh.value

    @property
    def usd_per_month(self) -> float:
        return self.usd_per_hour * self.hours_per_day * DAYS_PER_MONTH


def budget_wall_power(build: Build, utilization: float) -> WallPower:
    """The fallback: power.py's budget, GPU and CPU power scaled by the utilization."""
    pairs = [(item.part, item.power_limit_w) for item in build.lines("gpu") for _ in range(item.count)]
    cpu = build.cpu
    b = power.budget(pairs, cpu.tdp_w if cpu else None, cpu.name if cpu else "CPU")  # type: ignore[arg-type]
    dc = (b.gpus_w + b.cpu_w) * utilization + b.rest_w
    return WallPower(wall_w=power.wall_w(dc, build.psu), dc_w=dc, method=BUDGET_METHOD,
                     unknown=b.unknown)


def workload_wall_power(build: Build, utilization: float, catalog: Any = None) -> WallPower | None:
    """The workload model's estimate, where ``dlrig.workload`` offers ``estimate_power_w``.

    Returns None (and the caller falls back) when the module or the function is missing, the
    build has no workload, or the function does not take (build, catalog, utilization).
    """
    if build.workload is None:
        return None
    try:
        from dlrig.workload import estimate_power_w  # type: ignore[attr-defined]
    except ImportError:
        return None
    try:
        watts = estimate_power_w(build, catalog=catalog, utilization=utilization)
    except TypeError:
        return None
    wall = getattr(watts, "wall_w", watts)
    if not isinstance(wall, (int, float)):
        return None
    return WallPower(wall_w=float(wall), dc_w=None,
                     method=f"workload model (dlrig.workload.estimate_power_w, {build.workload.model})")


def running_cost(build: Build, kwh: Figure, utilization: float, hours_per_day: float,
                 catalog: Any = None) -> Running:
    check_rate("utilization", utilization)
    if not 0 < hours_per_day <= 24:
        raise BadInput(f"hours per day must be more than 0 and at most 24, got {hours_per_day:g}")
    if kwh.value < 0:
        raise BadInput(f"the price of a kWh must be zero or more USD, got {kwh.value:g}")
    watts = workload_wall_power(build, utilization, catalog) or budget_wall_power(build, utilization)
    return Running(power=watts, utilization=utilization, hours_per_day=hours_per_day, kwh=kwh)
