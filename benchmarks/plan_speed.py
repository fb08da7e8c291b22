"""How fast `dlrig plan` proves its answers, against brute force and a greedy baseline.

Run: python benchmarks/plan_speed.py [--k 3 4] [--repeat 3]

1. Full catalog: the solve time (model build + CP-SAT + checker verification; catalog loading
   and candidate tables excluded) of typical requests, median of --repeat runs, with the greedy
   baseline's answer beside it.
2. Small catalogs (k parts per platform category drawn from the full candidate table, always
   including the solver's own answer): brute force over every combination, judged by the
   checker, against the solver on the same table; answers compared; ratios measured in this run.
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import replace

from dlrig.catalog.store import default_catalog
from dlrig.plan import brute
from dlrig.plan.candidates import PLATFORM, Candidates
from dlrig.plan.plan import budget_cents, candidates_for
from dlrig.plan.request import PlanRequest
from dlrig.plan.solver import Selection, optimize, verdict

REQUESTS: dict[str, PlanRequest] = {
    "seed 4 GPU max-throughput": PlanRequest(prices="seed-2015", gpus_min=4, gpus_max=4, precision="fp32"),
    "seed 4 GPU perf-per-dollar": PlanRequest(prices="seed-2015", gpus_min=4, gpus_max=4, precision="fp32",
                                              objective="perf-per-dollar"),
    "resnet50 bf16 4 GPU $10k": PlanRequest(budget_usd=10000, gpus_min=4, gpus_max=4, model="resnet50",
                                            precision="bf16"),
    "resnet50 bf16 1-8 GPU $6k": PlanRequest(budget_usd=6000, model="resnet50", precision="bf16"),
    "fp16 2-4 GPU perf-per-dollar": PlanRequest(gpus_min=2, gpus_max=4, precision="fp16",
                                                objective="perf-per-dollar"),
    "min-cost 96 GB VRAM": PlanRequest(vram_total_gb=96, objective="min-cost", precision="fp32"),
    "min-cost 2000 img/s resnet50": PlanRequest(throughput=2000, objective="min-cost", model="resnet50"),
    "240 V 8 GPU max-throughput": PlanRequest(gpus_min=8, gpus_max=8, region="us-240v", precision="bf16"),
}


GREEDY_OPTIONS = 3  # GPU options the greedy baseline tries, best first
GREEDY_RESTARTS = 5  # cheapest CPUs it restarts from


def greedy(cands: Candidates, req: PlanRequest, objective: str) -> Selection | None:
    """The GPU option best on GPU cost alone, then the cheapest part per category that the
    checker accepts with the parts chosen so far."""
    cap = budget_cents(req)
    key = {"max-throughput": lambda o: (o.throughput, -o.cents), "min-cost": lambda o: (-o.cents, o.throughput),
           "perf-per-dollar": lambda o: o.throughput / o.cents}[objective]
    for option in sorted(cands.options, key=key, reverse=True)[:GREEDY_OPTIONS]:
        for first in cands.platform["cpu"][:GREEDY_RESTARTS]:  # restart on each of the cheapest CPUs
            sel = _fill(cands, req, option, {"cpu": first})
            if sel is not None and not verdict(sel, req) and (cap is None or sel.cents <= cap):
                return sel
    return None


def _fill(cands, req, option, parts):  # type: ignore[no-untyped-def]
    for cat in PLATFORM:
        if cat in parts:
            continue
        row = next((r for r in cands.platform[cat] if _partial_ok(option, {**parts, cat: r}, req)), None)
        if row is None:
            return None
        parts = {**parts, cat: row}
    return Selection(option=option, parts=parts)


def _partial_ok(option, parts, req) -> bool:  # type: ignore[no-untyped-def]
    from dlrig.build import Build, Item
    from dlrig.check import check_build
    from dlrig.plan.model import rejecting

    items = {"gpu": (Item(part=option.gpu, count=option.count),)}
    items.update({c: (Item(part=p.part),) for c, p in parts.items() if p is not None})
    return not rejecting(check_build(Build(name="greedy", items=items, region=req.region), req.region))


def _value(s: Selection | None, objective: str) -> float | None:
    if s is None:
        return None
    return {"max-throughput": s.throughput, "min-cost": -s.cents,
            "perf-per-dollar": s.throughput / s.cents}[objective]


def full_catalog(repeat: int) -> list[float]:
    print("## Full catalog: solve time per request (median of runs)\n")
    print("| request | candidates (pruned) | solver ms | optimal | answer | greedy ms | greedy vs optimum |")
    print("|---|---|---:|---|---|---:|---|")
    medians = []
    for label, req in REQUESTS.items():
        _, cands = candidates_for(req, default_catalog())
        runs = [optimize(cands, req, budget_cents(req), req.objective) for _ in range(repeat)]
        ms = statistics.median(r.solve_ms for r in runs)
        medians.append(ms)
        sel = runs[0].selection
        t = time.perf_counter()
        g = greedy(cands, req, req.objective)
        g_ms = (time.perf_counter() - t) * 1000
        size = sum(len(cands.of(c)) for c in cands.platform) + len(cands.options)
        ans = f"{sel.option.count} x {sel.option.gpu.name[:28]} ${sel.parts_usd:,.0f}" if sel else "infeasible"
        print(f"| {label} | {size} | {ms:,.0f} | {runs[0].optimal} | {ans} | {g_ms:,.0f} | "
              f"{_gap(g, sel, req.objective)} |")
    print(f"\nmedian solve over {len(REQUESTS)} requests: {statistics.median(medians):,.0f} ms; "
          f"slowest {max(medians):,.0f} ms\n")
    return medians


def _gap(g: Selection | None, best: Selection | None, objective: str) -> str:
    vg, vb = _value(g, objective), _value(best, objective)
    if vg is None:
        return "no answer"
    if vb is None or abs(vg - vb) <= 1e-9 * max(1.0, abs(vb)):
        return "same"
    return f"worse ({vg:,.4g} vs {vb:,.4g})"


def subsample(cands: Candidates, sel: Selection, k: int) -> Candidates:
    """k parts per platform category: the solver's own choice plus the cheapest others."""
    platform = {}
    for cat in PLATFORM:
        rows = [sel.parts[cat], *[r for r in cands.platform[cat] if r is not sel.parts[cat]]]
        platform[cat] = tuple(rows[:k])
    return replace(cands, platform=platform)


def small_catalogs(ks: list[int]) -> None:
    print("## Small catalogs: solver against brute force (every combination, judged by the checker)\n")
    print("| request | k | combinations | brute ms | solver ms | ratio | same answer |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for label in ("seed 4 GPU max-throughput", "seed 4 GPU perf-per-dollar", "resnet50 bf16 4 GPU $10k"):
        req = REQUESTS[label]
        _, cands = candidates_for(req, default_catalog())
        best = optimize(cands, req, budget_cents(req), req.objective).selection
        assert best is not None
        for k in ks:
            small = subsample(cands, best, k)
            combos = len(small.options) * k ** (len(PLATFORM) - 1) * len(small.platform["storage"])
            t = time.perf_counter()
            want = brute.brute_force(small, req, budget_cents(req), req.objective)
            b_ms = (time.perf_counter() - t) * 1000
            got = optimize(small, req, budget_cents(req), req.objective)
            same = _value(want, req.objective) == _value(got.selection, req.objective)
            print(f"| {label} | {k} | {combos:,} | {b_ms:,.0f} | {got.solve_ms:,.1f} | "
                  f"{b_ms / got.solve_ms:,.0f}x | {same} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--k", type=int, nargs="+", default=[3, 4])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    full_catalog(args.repeat)
    small_catalogs(args.k)


if __name__ == "__main__":
    main()
