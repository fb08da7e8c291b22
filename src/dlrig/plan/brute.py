"""Brute force: every combination of the candidate table, judged by the checker alone.

The reference the tests and the benchmark hold the solver against; usable only on small
catalogs (the product of the category sizes).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from dlrig.plan.candidates import PLATFORM, Candidates
from dlrig.plan.request import PlanRequest
from dlrig.plan.solver import Selection, verdict


def combinations(cands: Candidates) -> Iterable[Selection]:
    rows = [cands.platform[c] for c in PLATFORM]
    for option in cands.options:
        for combo in itertools.product(*rows):
            yield Selection(option=option, parts=dict(zip(PLATFORM, combo, strict=True)))


def feasible(cands: Candidates, req: PlanRequest, budget_cents: int | None = None) -> list[Selection]:
    """Every combination within the budget that the checker and the planner's rules accept, each
    with a workload's throughput as dlrig estimate gives it for the build (not the solver's model)."""
    return [_estimated(s, req) for s in combinations(cands)
            if (budget_cents is None or s.cents <= budget_cents) and not verdict(s, req)]


def _estimated(sel: Selection, req: PlanRequest) -> Selection:
    from dataclasses import replace

    from dlrig.plan.rates import estimated
    from dlrig.plan.selection import to_build

    got = estimated(to_build(sel, req)) if req.workload is not None else None
    return sel if got is None else replace(sel, e2e=got[0])


def best(sels: Iterable[Selection], objective: str, budget_cents: int | None = None) -> Selection | None:
    pool = [s for s in sels if budget_cents is None or s.cents <= budget_cents]
    if not pool:
        return None
    keys = {
        "max-throughput": lambda s: (s.throughput, -s.cents),
        "min-cost": lambda s: (-s.cents, s.throughput),
        "perf-per-dollar": lambda s: (s.throughput / s.cents, s.throughput),
    }
    return max(pool, key=keys[objective])


def brute_force(cands: Candidates, req: PlanRequest, budget_cents: int | None, objective: str) -> Selection | None:
    return best(feasible(cands, req, budget_cents), objective)
