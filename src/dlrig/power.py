"""Power: DC load, PSU sizing and wall draw (docs/domain.md section 5). Pure functions.

The PSU rule of thumb is Tim Dettmers' ("A Full Hardware Guide to Deep Learning", 2018):
(CPU + GPUs) x 1.1 for the other parts and spikes, x 1.1 again for safety. Each factor is
a named constant so outputs can say which assumption produced a number.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from dlrig.catalog.models import Gpu, Psu

OTHER_PARTS_FACTOR = 1.1  # Dettmers: board, memory, drives, fans and transient spikes
SAFETY_FACTOR = 1.1  # Dettmers: headroom so the PSU is not run at its limit
REST_OF_SYSTEM_W = 75.0  # docs/domain.md 5: board, memory, drives, fans ~50-100 W; midpoint

# 80 PLUS efficiency at 20/50/100% load, 115 V internal, from the CLEAResult 80 PLUS
# programme's requirements table. Wall draw uses the 100% column at full load (the
# conservative case) and interpolates below it.
EFFICIENCY_CURVE: dict[str, tuple[float, float, float]] = {
    "80plus": (0.80, 0.80, 0.80),
    "white": (0.80, 0.80, 0.80),
    "bronze": (0.82, 0.85, 0.82),
    "silver": (0.85, 0.88, 0.85),
    "gold": (0.87, 0.90, 0.87),
    "platinum": (0.90, 0.92, 0.89),
    "titanium": (0.92, 0.94, 0.90),
}
UNKNOWN_EFFICIENCY = 0.80  # the 80 PLUS floor, used when a PSU's tier is unknown


@dataclass(frozen=True)
class PowerBudget:
    gpus_w: float
    cpu_w: float
    rest_w: float
    unknown: tuple[str, ...] = ()  # parts whose power is not in the catalog

    @property
    def dc_w(self) -> float:
        return self.gpus_w + self.cpu_w + self.rest_w

    @property
    def recommended_psu_w(self) -> float:
        return (self.gpus_w + self.cpu_w) * OTHER_PARTS_FACTOR * SAFETY_FACTOR


def gpu_power_w(gpu: Gpu, power_limit_w: float | None = None) -> float | None:
    """Board power, or the user's cap where it is lower (``nvidia-smi -pl``)."""
    if gpu.board_power_w is None:
        return power_limit_w
    return min(gpu.board_power_w, power_limit_w) if power_limit_w else gpu.board_power_w


def budget(gpus: list[tuple[Gpu, float | None]], cpu_tdp_w: float | None,
           cpu_name: str = "CPU") -> PowerBudget:
    """DC load from (GPU, power limit) pairs and the CPU's TDP; unknowns are listed, not guessed."""
    unknown: list[str] = []
    total = 0.0
    for gpu, limit in gpus:
        watts = gpu_power_w(gpu, limit)
        if watts is None:
            unknown.append(gpu.name)
        else:
            total += watts
    if cpu_tdp_w is None:
        unknown.append(cpu_name)
    return PowerBudget(gpus_w=total, cpu_w=cpu_tdp_w or 0.0, rest_w=REST_OF_SYSTEM_W,
                       unknown=tuple(dict.fromkeys(unknown)))


def efficiency(psu: Psu | None, load_fraction: float = 1.0) -> float:
    """PSU efficiency at a load fraction from its 80 PLUS tier (the floor when unknown)."""
    tier = (psu.efficiency or "").lower().replace("80+", "").replace("80 plus", "").strip() if psu else ""
    curve = EFFICIENCY_CURVE.get(tier or "80plus") if tier else None
    if curve is None:
        return UNKNOWN_EFFICIENCY
    points = ((0.2, curve[0]), (0.5, curve[1]), (1.0, curve[2]))
    x = min(max(load_fraction, 0.2), 1.0)
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        if x <= x1:
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return curve[2]


def wall_w(dc_w: float, psu: Psu | None) -> float:
    """Watts drawn from the wall: DC load divided by the PSU's efficiency at that load."""
    load = dc_w / psu.wattage_w if psu and psu.wattage_w else 1.0
    return dc_w / efficiency(psu, load)
