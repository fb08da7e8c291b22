"""A planned build as the solver chooses it: a GPU option and one part per platform category;
how it becomes a ``Build``, and the checker's verdict on it."""

from __future__ import annotations

import math
from dataclasses import dataclass

from dlrig.build import Build, Item
from dlrig.check import check_build
from dlrig.plan import candidates as cn
from dlrig.plan import model as md
from dlrig.plan.candidates import Candidates, GpuOption, Priced
from dlrig.plan.request import PlanRequest


@dataclass(frozen=True)
class Selection:
    option: GpuOption
    parts: dict[str, Priced]  # platform category -> part

    @property
    def cents(self) -> int:
        return self.option.cents + sum(p.cents for p in self.parts.values())

    @property
    def parts_usd(self) -> float:
        return self.cents / 100

    @property
    def throughput(self) -> float:
        return self.option.throughput

    def key(self) -> tuple[str, ...]:
        return (self.option.card.part.id, str(self.option.count), *(p.part.id for p in self.parts.values()))


@dataclass(frozen=True)
class SolveResult:
    selection: Selection | None
    optimal: bool
    status: str
    solve_ms: float
    cuts: int = 0  # builds the checker rejected on the way (each cut off, and the model solved again)
    solves: int = 0


def to_build(sel: Selection, req: PlanRequest, name: str = "plan") -> Build:
    items: dict[str, tuple[Item, ...]] = {"gpu": (Item(part=sel.option.gpu, count=sel.option.count),)}
    for cat in cn.PLATFORM:
        items[cat] = (Item(part=sel.parts[cat].part),)
    return Build(name=name, items=items, prices=req.prices, region=req.region,
                 tax_rate=req.tax_rate or None, workload=req.workload, origin="dlrig plan")


def verdict(sel: Selection, req: PlanRequest) -> list[str]:
    """Why the checker (or a planner requirement) rejects the build; empty when it passes."""
    build = to_build(sel, req)
    report = check_build(build, req.region)
    return [f"{f.code}: {f.message}" for f in md.rejecting(report)] + md.extra_violations(build, req)


def throughput_scale(cands: Candidates) -> int:
    """Throughput is an integer in the model: about six significant figures of the largest."""
    top = max(o.throughput for o in cands.options)
    return 10 ** max(0, 6 - math.floor(math.log10(top))) if top > 0 else 1
