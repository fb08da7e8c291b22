"""Buy or rent: owning the build against renting the same work, over the horizon, at a utilization.

Over ``years`` the machine trains for busy hours = years x 8,760 x (hours/day / 24) x
utilization (the issue's "Y x 8760 x U" at the default 24 h/day).

- Owning costs the purchase (with tax and shipping), less the resale value after ``years``,
  plus the electricity of the busy hours (the machine is taken to be off or asleep otherwise;
  its idle draw is not counted).
- Renting the same work costs the instance's hourly price for the hours the instance needs to
  do that work: the busy hours x (the build's rate / the instance's rate), the rates by
  ``dlrig estimate`` (GPU compute only) where the build's workload can be estimated on both,
  else by peak TFLOPS at the comparison precision (a coarse proxy, said so), else the busy
  hours themselves.
- Break-even utilization: the utilization at which the two cost the same,
  (purchase - resale) / ((rent per hour of the build's work - power per busy hour) x years x
  8,760 x hours/day / 24); none where renting costs no more per hour of work than the power.
- Per job (a workload with epochs, samples or tokens): renting costs the instance's hours for
  the job x its price; owning costs the power for the job plus the purchase less resale shared
  over the jobs the horizon holds at the utilization.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

HOURS_PER_YEAR = 8760.0  # 365 x 24: the "Y x 8760 x U"


def busy_hours(years: float, utilization: float, hours_per_day: float) -> float:
    """Hours of work over the horizon: years x 8,760 x (hours/day / 24) x utilization."""
    return years * HOURS_PER_YEAR * hours_per_day / 24.0 * utilization


@dataclass(frozen=True)
class Work:
    """The build's workload on the build and on the rented instance (GPU compute only)."""

    own_rate: float  # samples/s on the build
    rent_rate: float  # samples/s on the instance
    unit: str  # "image", "sequence", ...
    samples: float | None  # samples in one job (epochs x data set, samples, or tokens / seq); None: no job size

    @property
    def ratio(self) -> float:
        """Instance hours per hour of the build's work."""
        return self.own_rate / self.rent_rate


@dataclass(frozen=True)
class JobCost:
    samples: float
    unit: str
    own_hours: float
    rent_hours: float
    jobs: float  # jobs the horizon holds at the utilization
    owning_usd: float  # power for the job + (purchase - resale) / jobs
    renting_usd: float

    def to_json(self) -> dict[str, Any]:
        return {"samples": self.samples, "unit": self.unit, "own_hours": round(self.own_hours, 2),
                "rent_hours": round(self.rent_hours, 2), "jobs_in_horizon": round(self.jobs, 2),
                "owning_usd": round(self.owning_usd, 2), "renting_usd": round(self.renting_usd, 2),
                "cheaper": "owning" if self.owning_usd < self.renting_usd else "renting"}


@dataclass(frozen=True)
class BuyVsRent:
    years: float
    utilization: float
    hours_per_day: float
    busy_hours: float
    purchase_usd: float
    resale_usd: float
    power_usd_per_hour: float  # the build's electricity per busy hour
    rent_usd_per_hour: float
    work_ratio: float  # instance hours per hour of the build's work
    work_basis: str
    job: JobCost | None = None

    @property
    def rent_hours(self) -> float:
        return self.busy_hours * self.work_ratio

    @property
    def power_usd(self) -> float:
        return self.busy_hours * self.power_usd_per_hour

    @property
    def owning_usd(self) -> float:
        return max(self.purchase_usd - self.resale_usd, 0.0) + self.power_usd

    @property
    def renting_usd(self) -> float:
        return self.rent_hours * self.rent_usd_per_hour

    @property
    def saving_usd(self) -> float:
        """What owning saves over renting the same work (negative: renting is cheaper)."""
        return self.renting_usd - self.owning_usd

    @property
    def break_even_utilization(self) -> float | None:
        """The utilization at which owning costs what renting does; None: renting never costs more."""
        margin = self.rent_usd_per_hour * self.work_ratio - self.power_usd_per_hour
        full = busy_hours(self.years, 1.0, self.hours_per_day)
        if margin <= 0 or full <= 0:
            return None
        return max(self.purchase_usd - self.resale_usd, 0.0) / (margin * full)

    def verdict(self) -> str:
        at = f"over {self.years:g} years at {self.utilization:.0%} utilization" + (
            "" if self.hours_per_day == 24 else f" of {self.hours_per_day:g} h/day")
        costs = f"owning ${self.owning_usd:,.0f}, renting ${self.renting_usd:,.0f}"
        be = self.break_even_utilization
        if be is None:
            tail = "owning never pays off: renting the work costs no more an hour than this build's power"
        elif be > 1:
            tail = f"owning would pay off only at {be:.0%} utilization, more than full time"
        else:
            tail = f"owning pays off from {be:.0%} utilization"
        if self.saving_usd > 0:
            return f"{at}, owning saves ${self.saving_usd:,.0f} ({costs}); {tail}"
        return f"renting is cheaper {at}, by ${-self.saving_usd:,.0f} ({costs}); {tail}"

    def to_json(self) -> dict[str, Any]:
        be = self.break_even_utilization
        return {"verdict": self.verdict(), "cheaper": "owning" if self.saving_usd > 0 else "renting",
                "years": self.years, "utilization": self.utilization, "hours_per_day": self.hours_per_day,
                "busy_hours": round(self.busy_hours, 1), "rent_hours": round(self.rent_hours, 1),
                "work_ratio": round(self.work_ratio, 4), "work_basis": self.work_basis,
                "purchase_usd": round(self.purchase_usd, 2), "resale_usd": round(self.resale_usd, 2),
                "power_usd": round(self.power_usd, 2), "owning_usd": round(self.owning_usd, 2),
                "rent_usd_per_hour": self.rent_usd_per_hour, "renting_usd": round(self.renting_usd, 2),
                "saving_usd": round(self.saving_usd, 2),
                "break_even_utilization": None if be is None else round(be, 4),
                "per_job": self.job.to_json() if self.job else None}


@dataclass(frozen=True)
class Peak:
    """Peak TFLOPS of both sides at one precision: the coarse proxy without a workload."""

    own_tflops: float
    rent_tflops: float
    precision: str


def buy_vs_rent(purchase_usd: float, resale_usd: float, power_usd_per_hour: float, rent_usd_per_hour: float,
                years: float, utilization: float, hours_per_day: float, work: Work | None = None,
                peak: Peak | None = None) -> BuyVsRent:
    """Owning against renting the same work; ``work``: the workload's rates on both sides; else
    ``peak``: the ratio of peak TFLOPS (a coarse proxy); else the same hours."""
    ratio, basis = 1.0, "the instance is taken to do the build's work in the same hours (no rate to compare)"
    if peak is not None and peak.own_tflops > 0 and peak.rent_tflops > 0:
        ratio = peak.own_tflops / peak.rent_tflops
        basis = (f"peak {peak.precision} TFLOPS, build {peak.own_tflops:,.1f}, instance {peak.rent_tflops:,.1f}: no "
                 "workload in the build, and peak TFLOPS is a coarse proxy for training speed across generations")
    if work is not None and work.own_rate > 0 and work.rent_rate > 0:
        ratio = work.ratio
        basis = (f"the build's workload by dlrig estimate (GPU compute only): build {work.own_rate:,.1f}, instance "
                 f"{work.rent_rate:,.1f} {work.unit}s/s")
    hours = busy_hours(years, utilization, hours_per_day)
    result = BuyVsRent(years, utilization, hours_per_day, hours, purchase_usd, resale_usd, power_usd_per_hour,
                       rent_usd_per_hour, ratio, basis)
    if work is None or not work.samples or work.own_rate <= 0 or work.rent_rate <= 0 or hours <= 0:
        return result
    own_h = work.samples / work.own_rate / 3600
    rent_h = work.samples / work.rent_rate / 3600
    jobs = hours / own_h
    owning = own_h * power_usd_per_hour + max(purchase_usd - resale_usd, 0.0) / jobs
    return replace(result, job=JobCost(work.samples, work.unit, own_h, rent_h, jobs, owning,
                                       rent_h * rent_usd_per_hour))
