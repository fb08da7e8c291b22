"""How long a user waits for `dlrig plan`, and how its answers compare with brute force.

Run: python benchmarks/plan_speed.py [--runs 1] [--sections whole,sweep,brute] [--k 6] [--repeat 3]

1. whole: every request of the published set (benchmarks/plan_requests.py) as a whole command,
   ``dlrig plan ARGS --json`` in a fresh process as a user runs it: its wall time (median of
   --runs) beside the solve time the command reports, and its answer against the one the code
   before issue 18 gave (benchmarks/plan_reference.json): the same objective value (throughput
   and cost of the build, of each alternative, of each box, of each frontier point; the same
   exit code and message where there is no build), and whether the very same parts were chosen.
   Then the done-when figures: median and p95 over the plans on the default GPU range, the
   seed plan, the frontiers.
2. sweep: the frontier at 50 budgets ($1,000 to $50,000) over the full catalog, in one process
   after the catalog is loaded: the best build at each budget, against the reference.
3. brute: brute force against the solver on the same tables. Each request's candidate table is
   cut to k GPU options and k parts per platform category around a build found by the checker
   alone (random parts, each accepted by the checker with those before it), so the table does
   not depend on the solver's answer; brute force judges every combination (each within the
   budget through the checker) and the solver runs on the same table. Beside it, brute force
   on the full table, extrapolated (and marked so) from the measured cost of judging a fixed
   random sample of its combinations.

``--capture FILE`` writes the answers of sections 1 and 2 as a reference instead of comparing.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from plan_requests import REQUESTS, SEED_PLAN, is_default_range

from dlrig.catalog.store import default_catalog
from dlrig.plan import brute
from dlrig.plan.candidates import PLATFORM, Candidates
from dlrig.plan.plan import budget_cents, candidates_for
from dlrig.plan.request import PlanRequest
from dlrig.plan.solver import Selection, optimize, verdict
from dlrig.workload_request import WorkloadRequest

HERE = Path(__file__).parent
REFERENCE = HERE / "plan_reference.json"
SWEEP_BUDGETS = tuple(float(b) for b in range(1000, 50_001, 1000))  # 50 budgets
SWEEP_REQUEST = PlanRequest(alternatives=0)  # the default GPU range, fp32 peak, the latest prices
GOALS = {"median": 2.0, "p95": 4.0, "seed": 1.0, "sweep": 5.0}  # seconds (issue 18)

BRUTE_REQUESTS: dict[str, PlanRequest] = {
    "seed 4 GPU max-throughput": PlanRequest(prices="seed-2015", gpus_min=4, gpus_max=4, precision="fp32"),
    "seed 4 GPU perf-per-dollar": PlanRequest(prices="seed-2015", gpus_min=4, gpus_max=4, precision="fp32",
                                              objective="perf-per-dollar"),
    "resnet50 bf16 4 GPU $10k": PlanRequest(budget_usd=10000, gpus_min=4, gpus_max=4,
                                            workload=WorkloadRequest(model="resnet50", precision="bf16")),
    "resnet50 bf16 1-8 GPU $6k": PlanRequest(budget_usd=6000,
                                             workload=WorkloadRequest(model="resnet50", precision="bf16")),
    "fp16 2-4 GPU perf-per-dollar": PlanRequest(gpus_min=2, gpus_max=4, precision="fp16",
                                                objective="perf-per-dollar"),
    "min-cost 96 GB VRAM": PlanRequest(vram_total_gb=96, objective="min-cost", precision="fp32"),
    "min-cost 2000 img/s resnet50": PlanRequest(throughput=2000, objective="min-cost",
                                                workload=WorkloadRequest(model="resnet50")),
    "240 V 8 GPU max-throughput": PlanRequest(gpus_min=8, gpus_max=8, region="us-240v", precision="bf16"),
}


# -- 1. whole commands ---------------------------------------------------------------------------
def user_env() -> dict[str, str]:
    """The environment a user's command runs in: Python keeps compiled modules (an installed
    package has them; a development shell may set PYTHONDONTWRITEBYTECODE, which recompiles
    every module in every process)."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run_command(args: list[str]) -> tuple[float, int, str, str]:
    """(wall seconds, exit code, stdout, stderr) of ``dlrig plan ARGS --json`` in a new process."""
    exe = shutil.which("dlrig") or str(Path(sys.executable).parent / "dlrig")
    start = time.perf_counter()
    done = subprocess.run([exe, "plan", *args, "--json"], capture_output=True, text=True, check=False,
                          env=user_env())
    return time.perf_counter() - start, done.returncode, done.stdout, done.stderr


def cpu_seconds() -> float:
    """User + system CPU time of the finished child processes: what the commands cost, less
    dependent on other work sharing the cores than their wall time."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def answer_of(rc: int, out: str, err: str) -> dict[str, Any]:
    """What a request answered, in the terms the comparison uses."""
    if rc != 0:
        lines = [line for line in err.strip().splitlines() if line.strip()]
        return {"exit": rc, "error": lines[-1] if lines else ""}
    doc = json.loads(out)
    if "points" in doc:
        return {"exit": 0, "kind": "frontier", "complete": doc["complete"],
                "points": [[p["total_usd"], p["throughput"], p["gpus"], p["gpu"]] for p in doc["points"]]}
    return {"exit": 0, "kind": "plan", "objective": doc["objective"], "total_usd": doc["total_usd"],
            "parts_usd": doc["parts_usd"], "throughput": doc["throughput"]["value"], "optimal": doc["optimal"],
            "parts": doc["build"]["parts"],
            "alternatives": [[a["total_usd"], a["throughput"], a["build"]["parts"]] for a in doc["alternatives"]],
            "boxes": [[b["boxes"], b["total_usd"], b["throughput"], b["gpus_per_box"]] for b in doc.get("boxes", [])]}


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _value(kind_objective: str, usd: float, tp: float) -> tuple[float, ...]:
    """A build's objective value: perf-per-dollar ranks by the ratio, the others by both figures."""
    return (tp / usd,) if kind_objective == "perf-per-dollar" else (tp, usd)


def _beats(objective: str, a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Plan ``a``'s build beats ``b``'s for the objective (the solver's own order of builds)."""
    (ta, ca), (tb, cb) = (a["throughput"], a["parts_usd"]), (b["throughput"], b["parts_usd"])
    if objective == "min-cost":
        return ca < cb or (_close(ca, cb) and ta > tb)
    if objective == "perf-per-dollar":
        return ta / ca > tb / cb
    return ta > tb or (_close(ta, tb) and ca < cb)


def same_objective(got: dict[str, Any], ref: dict[str, Any]) -> tuple[bool, str]:
    """Same objective values (see the module docstring); the reason when not."""
    if got["exit"] != ref["exit"]:
        return False, f"exit {got['exit']} vs {ref['exit']}"
    if got["exit"] != 0:
        return got["error"] == ref["error"], "different message"
    if got["kind"] == "frontier":
        pairs = [(p[0], p[1]) for p in got["points"]], [(p[0], p[1]) for p in ref["points"]]
        ok = len(pairs[0]) == len(pairs[1]) and all(
            _close(a, c) and _close(b, d) for (a, b), (c, d) in zip(*pairs, strict=True))
        return ok and got["complete"] == ref["complete"], "different frontier"
    obj = ref["objective"]
    if not all(_close(x, y) for x, y in zip(_value(obj, got["parts_usd"], got["throughput"]),
                                            _value(obj, ref["parts_usd"], ref["throughput"]), strict=True)):
        how = "better" if _beats(obj, got, ref) else "WORSE"
        return False, (f"{how}: ${got['total_usd']:,.2f} {got['throughput']:g} vs "
                       f"${ref['total_usd']:,.2f} {ref['throughput']:g}")
    alts = [(a[0], a[1]) for a in got["alternatives"]], [(a[0], a[1]) for a in ref["alternatives"]]
    if len(alts[0]) != len(alts[1]) or not all(_close(a, c) and _close(b, d)
                                               for (a, b), (c, d) in zip(*alts, strict=True)):
        first = next(((a, b) for a, b in zip(*alts, strict=False) if not (_close(a[0], b[0]) and _close(a[1], b[1]))),
                     None)
        if first is not None and _beats(obj, {"parts_usd": first[0][0], "throughput": first[0][1]},
                                        {"parts_usd": first[1][0], "throughput": first[1][1]}):
            return False, "same build, a better alternative"
        return False, "same build, different alternatives"
    boxes = got["boxes"], ref["boxes"]
    if len(boxes[0]) != len(boxes[1]) or not all(
            a[0] == b[0] and _close(a[1], b[1]) and _close(a[2], b[2]) for a, b in zip(*boxes, strict=True)):
        return False, "different boxes"
    return True, ""


def same_parts(got: dict[str, Any], ref: dict[str, Any]) -> bool:
    keys = ("parts", "alternatives", "points", "error")
    return all(got.get(k) == ref.get(k) for k in keys)


def nearest_rank(values: list[float], q: float) -> float:
    """The q-quantile by the nearest-rank method (a value that was measured; never interpolated)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def whole_commands(runs: int, reference: dict[str, Any] | None, only: str = "", capture: Path | None = None
                   ) -> tuple[dict[str, Any], dict[str, float], dict[str, float]]:
    """Time and compare every request; with ``capture``, write each answer there as it comes
    (a capture that stopped half-way resumes: requests already in the file are not run again)."""
    requests = [(label, args) for label, args in REQUESTS if only in label]
    done = json.loads(capture.read_text())["requests"] if capture and capture.exists() else {}
    print(f"## Whole commands: `dlrig plan ARGS --json` in a new process ({len(requests)} requests, "
          f"median of {runs} run(s))\n")
    run_command(["--prices", "seed-2015", "--gpus", "1", "--alternatives", "0"])  # modules compiled, files cached
    print("| request | wall s | CPU s | solve s | before: wall s | answer | same objective | same parts |")
    print("|---|---:|---:|---:|---:|---|---|---|")
    answers: dict[str, Any] = {}
    walls: dict[str, float] = {}
    cpus: dict[str, float] = {}
    differ, same_builds = [], 0
    for label, args in requests:
        if label in done:
            answers[label], walls[label], cpus[label] = done[label], done[label]["wall_s"], done[label]["cpu_s"]
            continue
        cpu0 = cpu_seconds()
        results = [run_command(args) for _ in range(runs)]
        cpus[label] = (cpu_seconds() - cpu0) / runs
        wall = statistics.median(r[0] for r in results)
        _, rc, out, err = results[0]
        got = answer_of(rc, out, err)
        solve = json.loads(out).get("solve_ms", 0) / 1000 if rc == 0 else float("nan")
        answers[label] = {"args": args, **got, "wall_s": round(wall, 3), "cpu_s": round(cpus[label], 3),
                          "solve_s": solve}
        walls[label] = wall
        if capture:
            capture.write_text(json.dumps({"requests": answers}, indent=1) + "\n")
        verdict_text, parts_text, before = "-", "-", math.nan
        if reference is not None:
            before = reference["requests"].get(label, {}).get("wall_s", math.nan)
            ref = reference["requests"].get(label)
            ok, why = same_objective(got, ref) if ref else (False, "not in the reference")
            verdict_text = "yes" if ok else f"**no** ({why})"
            if not ok:
                differ.append((label, why.split(":")[0]))
            same = ref is not None and same_parts(got, ref)
            same_builds += same
            parts_text = "yes" if same else "no"
        print(f"| {label} | {wall:.2f} | {cpus[label]:.2f} | {solve:.2f} | {before:.2f} | {_short(got)} | "
              f"{verdict_text} | {parts_text} |", flush=True)
    if reference is not None:
        kinds = Counter(why for _, why in differ)
        print(f"\nsame objective value as before issue 18 on {len(requests) - len(differ)} of {len(requests)} "
              f"requests; the very same parts on {same_builds} of {len(requests)}")
        if differ:
            print("differ: " + "; ".join(f"{why}: {n}" for why, n in kinds.items()) + " ("
                  + ", ".join(label for label, _ in differ) + ")")
    return answers, walls, cpus


def _short(a: dict[str, Any]) -> str:
    if a["exit"] != 0:
        return f"exit {a['exit']}"
    if a["kind"] == "frontier":
        return f"{len(a['points'])} points"
    gpu = a["parts"]["gpu"][0] if isinstance(a["parts"]["gpu"], list) else a["parts"]["gpu"]
    name, count = (gpu, 1) if isinstance(gpu, str) else (gpu["name"], gpu.get("count", 1))
    return f"{count} x {name[:26]} ${a['total_usd']:,.0f}"


def summary(walls: dict[str, float], cpus: dict[str, float], sweep_s: float | None) -> None:
    default = [label for label, args in REQUESTS if is_default_range(args) and label in walls]
    frontiers = {label: walls[label] for label, args in REQUESTS if "--frontier" in args and label in walls}

    def figures(values: list[float]) -> tuple[float, float]:
        return (statistics.median(values), nearest_rank(values, 0.95)) if values else (math.nan, math.nan)

    med, p95 = figures([walls[k] for k in default])
    cpu_med, cpu_p95 = figures([cpus[k] for k in default])
    print(f"\nall {len(walls)} requests: median {statistics.median(walls.values()):.2f} s, "
          f"p95 {nearest_rank(list(walls.values()), 0.95):.2f} s, slowest {max(walls.values()):.2f} s (wall)")
    print(f"plans on the default GPU range ({len(default)} requests): median {med:.2f} s "
          f"(goal {GOALS['median']:g} s, ratio {med / GOALS['median']:.2f}), p95 {p95:.2f} s "
          f"(goal {GOALS['p95']:g} s, ratio {p95 / GOALS['p95']:.2f}); CPU median {cpu_med:.2f} s, p95 {cpu_p95:.2f} s")
    seed = walls.get(SEED_PLAN, math.nan)
    print(f"the seed plan ({SEED_PLAN}): {seed:.2f} s (goal {GOALS['seed']:g} s, ratio {seed / GOALS['seed']:.2f}); "
          f"CPU {cpus.get(SEED_PLAN, math.nan):.2f} s")
    print("frontiers (--frontier): " + ", ".join(f"{k} {v:.2f} s" for k, v in frontiers.items()))
    if sweep_s is not None:
        print(f"the {len(SWEEP_BUDGETS)}-budget frontier over the full catalog: {sweep_s:.2f} s "
              f"(goal {GOALS['sweep']:g} s, ratio {sweep_s / GOALS['sweep']:.2f})")
    print(f"load average while it ran (1, 5, 15 min): {', '.join(f'{x:.1f}' for x in os.getloadavg())}")


# -- 2. the 50-budget frontier ---------------------------------------------------------------------
def budget_sweep(reference: dict[str, Any] | None) -> tuple[list[Any], float]:
    """The best build at each of 50 budgets over the full catalog, in this process."""
    catalog = default_catalog()
    start = time.perf_counter()
    try:
        from dlrig.plan.frontier import budget_frontier
    except ImportError:  # the code before issue 18: one plan per budget
        from dlrig.plan.plan import plan

        def budget_frontier(req: PlanRequest, budgets: Any, catalog: Any) -> list[Selection | None]:
            out: list[Selection | None] = []
            for b in budgets:
                try:
                    out.append(plan(replace(req, budget_usd=b), catalog).selection)
                except Exception:
                    out.append(None)
            return out
    sels = budget_frontier(SWEEP_REQUEST, SWEEP_BUDGETS, catalog)
    seconds = time.perf_counter() - start
    got = [None if s is None else [s.parts_usd, s.throughput] for s in sels]
    line = f"\n## The frontier at {len(SWEEP_BUDGETS)} budgets over the full catalog: {seconds:.2f} s"
    if reference is not None:
        want = reference["sweep"]
        same = sum(1 for g, w in zip(got, want, strict=True)
                   if (g is None and w is None) or (g and w and _close(g[0], w[0]) and _close(g[1], w[1])))
        line += f"; the same answer as before issue 18 at {same} of {len(want)} budgets"
    print(line + f"; {sum(g is not None for g in got)} budgets have a build\n")
    return got, seconds


# -- 3. brute force ----------------------------------------------------------------------------
def checker_build(cands: Candidates, req: PlanRequest, rng: random.Random, tries: int = 200) -> Selection | None:
    """A build found with the checker alone: a random GPU option, then for each category a random
    part the checker accepts with the parts chosen so far; retried until one passes whole."""
    from dlrig.build import Build, Item
    from dlrig.check import check_build
    from dlrig.plan.model import rejecting

    cap = budget_cents(req)
    for _ in range(tries):
        option = rng.choice(cands.options)
        parts: dict[str, Any] = {}
        for cat in PLATFORM:
            rows = list(cands.platform[cat])
            rng.shuffle(rows)
            for row in rows[:40]:
                items = {"gpu": (Item(part=option.gpu, count=option.count),),
                         **{c: (Item(part=p.part),) for c, p in {**parts, cat: row}.items()}}
                if not rejecting(check_build(Build(name="probe", items=items, region=req.region), req.region)):
                    parts[cat] = row
                    break
            else:
                break
        else:
            sel = Selection(option=option, parts=parts)
            if not verdict(sel, req) and (cap is None or sel.cents <= cap):
                return sel
    return None


def subsample(cands: Candidates, around: Selection | None, k: int, rng: random.Random) -> Candidates:
    """k GPU options and k parts per platform category: ``around``'s (if any) plus random others."""
    def cut(rows: tuple[Any, ...], keep: Any) -> tuple[Any, ...]:
        others = [r for r in rows if r is not keep]
        rng.shuffle(others)
        return tuple(([keep] if keep is not None else []) + others)[:k]

    platform = {cat: cut(cands.platform[cat], around and around.parts[cat]) for cat in PLATFORM}
    return replace(cands, options=cut(cands.options, around and around.option), platform=platform)


def combination_count(cands: Candidates) -> int:
    return len(cands.options) * math.prod(len(cands.platform[c]) for c in PLATFORM)


def brute_checked(cands: Candidates, req: PlanRequest) -> tuple[Selection | None, int, int, float]:
    """``brute.brute_force`` with its counts: (best, combinations seen, checker calls, ms)."""
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
    """(exact combination count, extrapolated brute-force ms) on the full candidate table."""
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


def _score(s: Selection | None, objective: str) -> float | None:
    if s is None:
        return None
    return {"max-throughput": s.throughput, "min-cost": -s.cents, "perf-per-dollar": s.throughput / s.cents}[objective]


def _answer(s: Selection | None) -> str:
    return "none" if s is None else f"{s.option.count} x {s.option.gpu.name[:24]} ${s.parts_usd:,.0f}"


def small_catalogs(k: int, repeat: int, sample: int) -> list[float]:
    print(f"## Solver against brute force, same tables, same run (k = {k})\n")
    print(f"Measured: brute force over every combination of a table cut to k = {k} GPU options and k parts per "
          f"platform category (a build the checker alone accepts, plus random others: independent of the "
          f"solver), each combination within the budget judged by the checker; the solver (median of {repeat}) "
          f"on the same table. Extrapolated: the full table's exact combination count times the measured mean "
          f"cost of judging {sample} random combinations of it.\n")
    print("| request | combinations | checker calls | feasible | brute ms | solver ms | ratio | brute answer | "
          "solver answer | same | full table: combinations | brute (extrapolated) | full solve ms | ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|---|---|---|---:|---:|---:|---:|")
    ratios, differ = [], []
    for n, (label, req) in enumerate(BRUTE_REQUESTS.items()):
        rng = random.Random(n)
        _, cands = candidates_for(req, default_catalog())
        small = subsample(cands, checker_build(cands, req, rng), k, rng)
        feasible = brute.feasible(small, req, budget_cents(req))
        want, seen, checked, b_ms = brute_checked(small, req)
        assert seen == combination_count(small), (seen, combination_count(small))
        runs = [optimize(small, req, budget_cents(req), req.objective) for _ in range(repeat)]
        s_ms = statistics.median(r.solve_ms for r in runs)
        got = runs[0].selection
        same = _score(want, req.objective) == _score(got, req.objective)
        ratios.append(b_ms / s_ms)
        if not same:
            differ.append(label)
        full = optimize(cands, req, budget_cents(req), req.objective)
        total, x_ms = sampled_brute_ms(cands, req, sample)
        print(f"| {label} | {seen:,} | {checked:,} | {len(feasible):,} | {b_ms:,.0f} | {s_ms:,.1f} | "
              f"{b_ms / s_ms:,.0f}x | {_answer(want)} | {_answer(got)} | {same} | {total:,.3g} | {_duration(x_ms)} | "
              f"{full.solve_ms:,.0f} | {x_ms / full.solve_ms:,.2g}x |", flush=True)
    print(f"\nmeasured ratio: min {min(ratios):,.0f}x, median {statistics.median(ratios):,.0f}x over {len(ratios)} "
          f"requests; same answers on {len(ratios) - len(differ)} of {len(ratios)}"
          + (f" (differ: {', '.join(differ)})" if differ else "") + "\n")
    return ratios


def _duration(ms: float) -> str:
    s = ms / 1000
    for unit, size in (("years", 365.25 * 86400), ("days", 86400), ("h", 3600), ("min", 60)):
        if s >= size:
            return f"{s / size:,.1f} {unit}"
    return f"{s:,.1f} s"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=1, help="runs of each whole command (median)")
    ap.add_argument("--sections", default="whole,sweep,brute")
    ap.add_argument("--capture", type=Path, help="write the answers as a reference instead of comparing")
    ap.add_argument("--reference", type=Path, default=REFERENCE)
    ap.add_argument("--only", default="", help="only the requests whose label contains this text")
    ap.add_argument("--k", type=int, default=6, help="GPU options and parts per category for brute force")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--sample", type=int, default=1000, help="combinations timed for the extrapolation")
    args = ap.parse_args()
    if not (2 <= args.k <= 8 and 1 <= args.repeat <= 20 and 100 <= args.sample <= 100_000 and 1 <= args.runs <= 10):
        ap.error("--k 2..8, --repeat 1..20, --sample 100..100000, --runs 1..10")
    sections = set(args.sections.split(","))
    reference = None if args.capture else json.loads(args.reference.read_text())
    answers: dict[str, Any] = {}
    walls: dict[str, float] = {}
    cpus: dict[str, float] = {}
    sweep: list[Any] = []
    sweep_s = None
    if "whole" in sections:
        answers, walls, cpus = whole_commands(args.runs, reference, args.only, args.capture)
    if "sweep" in sections:
        sweep, sweep_s = budget_sweep(reference)
    if walls:
        summary(walls, cpus, sweep_s)
    if args.capture:
        args.capture.write_text(json.dumps({"requests": answers, "sweep": sweep,
                                            "sweep_budgets": list(SWEEP_BUDGETS)}, indent=1) + "\n")
        print(f"\nwrote {args.capture}")
    if "brute" in sections:
        print()
        small_catalogs(args.k, args.repeat, args.sample)


if __name__ == "__main__":
    main()
