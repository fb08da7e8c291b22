"""How fast `dlrig plan` proves its answers, against brute force and a greedy baseline.

Run: python benchmarks/plan_speed.py [--k 6] [--repeat 3] [--sample 1000]

1. Full catalog: the solve time (model build + CP-SAT + checker verification; catalog loading
   and candidate tables excluded) of typical requests, median of --repeat runs, with the greedy
   baseline's answer beside it.
2. Every request again, on its candidate table cut to k GPU options and k parts per platform
   category (always including the solver's own full-catalog answer): brute force over every
   combination (each within the budget judged by the checker) against the solver on the same
   table; answers compared; ratios measured in this run. Beside it, brute force on the full
   table, extrapolated (and marked so): its exact combination count times the measured mean
   cost of judging a fixed random sample of its combinations.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

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


def subsample(cands: Candidates, sel: Selection | None, k: int) -> Candidates:
    """k GPU options and k parts per platform category: the solver's own choice (if any) plus the
    first others of the (pruned) candidate table."""
    def cut(rows: tuple[Any, ...], keep: Any) -> tuple[Any, ...]:
        return ((keep, *[r for r in rows if r is not keep]) if keep is not None else rows)[:k]

    platform = {cat: cut(cands.platform[cat], sel and sel.parts[cat]) for cat in PLATFORM}
    return replace(cands, options=cut(cands.options, sel and sel.option), platform=platform)


def combination_count(cands: Candidates) -> int:
    return len(cands.options) * math.prod(len(cands.platform[c]) for c in PLATFORM)


def brute_checked(cands: Candidates, req: PlanRequest) -> tuple[Selection | None, int, int, float]:
    """``brute.brute_force`` with its counts: (best, combinations seen, checker calls, ms).
    Every combination is enumerated; each within the budget goes through the checker."""
    cap = budget_cents(req)
    seen = checked = 0

    def judged() -> Iterator[Selection]:
        nonlocal seen, checked
        for s in brute.combinations(cands):
            seen += 1
            if cap is None or s.cents <= cap:
                checked += 1
                if not verdict(s, req):
                    yield s

    t = time.perf_counter()
    want = brute.best(judged(), req.objective)
    return want, seen, checked, (time.perf_counter() - t) * 1000


def sampled_brute_ms(cands: Candidates, req: PlanRequest, sample: int, seed: int = 0) -> tuple[int, float]:
    """(exact combination count, extrapolated brute-force ms) on the full candidate table: the
    mean cost of judging ``sample`` uniformly drawn combinations (budget test, then the checker
    for those within it, as brute force does), times the exact count."""
    rng = random.Random(seed)
    cap = budget_cents(req)
    rows = [cands.platform[c] for c in PLATFORM]
    t = time.perf_counter()
    for _ in range(sample):
        parts = {c: rng.choice(r) for c, r in zip(PLATFORM, rows, strict=True)}
        s = Selection(option=rng.choice(cands.options), parts=parts)
        if cap is None or s.cents <= cap:
            verdict(s, req)
    per = (time.perf_counter() - t) / sample
    total = combination_count(cands)
    return total, per * total * 1000


def _answer(s: Selection | None) -> str:
    return "none" if s is None else f"{s.option.count} x {s.option.gpu.name[:24]} ${s.parts_usd:,.0f}"


def small_catalogs(k: int, repeat: int, sample: int) -> list[float]:
    """Solver against brute force on the same table, for every request; the ratios of this run."""
    print(f"## Solver against brute force, same tables, same run (k = {k})\n")
    print(f"Measured: brute force over every combination of a table cut to k = {k} GPU options and "
          f"k parts per platform category (the solver's full-catalog answer plus the first others), "
          f"each combination within the budget judged by the checker; the solver (median of {repeat}) "
          f"on the same table. Extrapolated: the full candidate table's exact combination count times "
          f"the measured mean cost of judging {sample} random combinations of it.\n")
    print("| request | combinations | checker calls | brute ms | solver ms | ratio | brute answer | "
          "solver answer | same | full table: combinations | brute (extrapolated) | full solve ms | ratio |")
    print("|---|---:|---:|---:|---:|---:|---|---|---|---:|---:|---:|---:|")
    ratios, differ = [], []
    for label, req in REQUESTS.items():
        _, cands = candidates_for(req, default_catalog())
        full = optimize(cands, req, budget_cents(req), req.objective)
        small = subsample(cands, full.selection, k)
        want, seen, checked, b_ms = brute_checked(small, req)
        assert seen == combination_count(small), (seen, combination_count(small))
        runs = [optimize(small, req, budget_cents(req), req.objective) for _ in range(repeat)]
        s_ms = statistics.median(r.solve_ms for r in runs)
        got = runs[0].selection
        same = _value(want, req.objective) == _value(got, req.objective)
        ratio = b_ms / s_ms
        ratios.append(ratio)
        if not same:
            differ.append(label)
        total, x_ms = sampled_brute_ms(cands, req, sample)
        print(f"| {label} | {seen:,} | {checked:,} | {b_ms:,.0f} | {s_ms:,.1f} | {ratio:,.0f}x | {_answer(want)} | "
              f"{_answer(got)} | {same} | {total:,.3g} | {_duration(x_ms)} | {full.solve_ms:,.0f} | "
              f"{x_ms / full.solve_ms:,.2g}x |", flush=True)
    if ratios:
        print(f"\nmeasured ratio: min {min(ratios):,.0f}x, median {statistics.median(ratios):,.0f}x over "
              f"{len(ratios)} requests; at least 100x on every request: {min(ratios) >= 100}; "
              f"same answers on {len(ratios) - len(differ)} of {len(ratios)}"
              + (f" (differ: {', '.join(differ)})" if differ else "") + "\n")
    return ratios


def _duration(ms: float) -> str:
    s = ms / 1000
    for unit, size in (("years", 365.25 * 86400), ("days", 86400), ("h", 3600), ("min", 60)):
        if s >= size:
            return f"{s / size:,.1f} {unit}"
    return f"{s:,.1f} s"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--k", type=int, default=6, help="GPU options and parts per category for brute force")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--sample", type=int, default=1000, help="combinations timed for the extrapolation")
    args = ap.parse_args()
    if not (2 <= args.k <= 8 and 1 <= args.repeat <= 20 and 100 <= args.sample <= 100_000):
        ap.error("--k 2..8, --repeat 1..20, --sample 100..100000")
    full_catalog(args.repeat)
    small_catalogs(args.k, args.repeat, args.sample)


if __name__ == "__main__":
    main()
