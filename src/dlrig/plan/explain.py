"""Why each part of a plan was chosen, and why the runners-up lost: pure text from the numbers.

For each platform part the explanation names what it had to satisfy, then asks the checker
about every cheaper candidate with the rest of the build fixed, and says which rules rejected
them; a part that is not the cheapest workable one with the rest fixed was chosen jointly.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from dlrig import power as pw
from dlrig.plan import candidates as cn
from dlrig.plan import model as md
from dlrig.plan.candidates import Candidates
from dlrig.plan.request import MIN_CORES_PER_GPU, PlanRequest
from dlrig.plan.solver import Selection, verdict
from dlrig.rules.placement import width_positions

MAX_CHECKED = 40
LABELS = {"cpu": "CPU", "motherboard": "Board", "memory": "Memory", "psu": "PSU", "case": "Case",
          "storage": "Storage"}  # cheaper candidates checked per category for the explanation


def usd(x: float) -> str:
    return f"${x:,.0f}" if x >= 100 else f"${x:,.2f}"


def requirement(cat: str, sel: Selection, req: PlanRequest) -> str:
    """What the part in ``cat`` had to satisfy, in numbers."""
    o, p = sel.option, sel.parts
    gpu_w = (o.gpu.board_power_w or 0) * o.count
    cpu = cn.cpu(p["cpu"])
    if cat == "psu":
        need8, need6 = md.leads_needed(o.gpu, o.count, cn.psu(p["psu"]).connectors.pcie_12vhpwr)
        need_w = (gpu_w + (cpu.tdp_w or 0)) * md.DETTMERS_FACTOR
        leads = f"{need8} x 8-pin" + (f" and {need6} x 6-pin" if need6 else "")
        return (f"carries {need_w:,.0f} W (Dettmers: (GPUs {gpu_w:,.0f} W + CPU {cpu.tdp_w:g} W) x 1.21) "
                f"with {leads} leads, within {md.wall_limit_w(req):,.0f} W at the wall")
    if cat == "case":
        b = cn.board(p["motherboard"])
        need = md.openings_needed(b, o.gpu, o.count)
        return (f"takes a {b.form_factor} board, {o.gpu.length_mm:g} mm cards and {need} expansion openings for "
                f"{o.count} x {width_positions(o.gpu)}-slot cards")
    if cat == "motherboard":
        return (f"has the CPU's socket, {o.count} x16 slot(s) for the cards, and "
                f"{cn.board(p['motherboard']).memory_type} memory")
    if cat == "cpu":
        cores = MIN_CORES_PER_GPU * o.count
        return (f"fits the board's socket with at least {cores} core{'' if cores == 1 else 's'} "
                f"({MIN_CORES_PER_GPU} per GPU)")
    if cat == "memory":
        return (f"is the board's memory type, at least the largest card's {o.gpu.vram_gb:g} GB (RAM-VRAM), "
                "within the board's slots and maximum")
    return f"holds at least {req.min_storage_gb:g} GB on an SSD"


def why_part(cat: str, sel: Selection, cands: Candidates, req: PlanRequest) -> str:
    chosen = sel.parts[cat]
    cheaper = [r for r in cands.platform[cat] if r.cents < chosen.cents][:MAX_CHECKED]
    lost: Counter[str] = Counter()
    workable = []
    for r in cheaper:
        why = verdict(replace(sel, parts={**sel.parts, cat: r}), req)
        if why:
            lost.update({w.split(":")[0] for w in why})
        else:
            workable.append(r)
    label = LABELS[cat]
    head = f"{label}: {chosen.part.name} ({usd(chosen.usd)})"
    if workable:
        return (f"{head}: {requirement(cat, sel, req)}; cheaper ones work with these parts but not with "
                "the best choice of the others (chosen jointly)")
    reasons = ", ".join(f"{code} {n}" for code, n in lost.most_common(3))
    tail = f"; {len(cheaper)} cheaper rejected ({reasons})" if cheaper else "; the cheapest candidate"
    return f"{head}: the cheapest that {requirement(cat, sel, req)}{tail}"


def why_gpu(sel: Selection, cands: Candidates, objective: str) -> str:
    o = sel.option
    unit = cands.throughput_unit
    per_usd = o.throughput / sel.parts_usd * 1000
    head = (f"GPU: {o.count} x {o.gpu.name} ({usd(o.card.usd)} each): {o.throughput:,.4g} {unit} "
            f"for {usd(sel.parts_usd)} of parts ({per_usd:,.3g} per $1,000)")
    what = {"max-throughput": "the most throughput that meets the limits, then the least cost",
            "perf-per-dollar": "the most throughput per dollar of the whole build",
            "min-cost": "the least cost that meets the targets"}[objective]
    return f"{head}: {what}"


def why_lost(alt: Selection, best: Selection, unit: str, objective: str) -> str:
    a, b = alt, best
    if objective == "max-throughput":
        d = 1 - a.throughput / b.throughput if b.throughput else 0
        return f"{d:.0%} less throughput ({a.throughput:,.4g} vs {b.throughput:,.4g} {unit})" + (
            f", {usd(a.parts_usd - b.parts_usd)} more" if a.cents > b.cents else "")
    if objective == "min-cost":
        return f"{usd(a.parts_usd - b.parts_usd)} dearer ({usd(a.parts_usd)} vs {usd(b.parts_usd)})"
    ra, rb = a.throughput / a.parts_usd * 1000, b.throughput / b.parts_usd * 1000
    return (f"{1 - ra / rb:.0%} less per dollar ({ra:,.3g} vs {rb:,.3g} {unit} per $1,000: "
            f"{a.throughput:,.4g} for {usd(a.parts_usd)})")


def power_summary(sel: Selection, req: PlanRequest) -> str:
    o, cpu, psu = sel.option, cn.cpu(sel.parts["cpu"]), cn.psu(sel.parts["psu"])
    dc = (o.gpu.board_power_w or 0) * o.count + (cpu.tdp_w or 0) + pw.REST_OF_SYSTEM_W
    return f"about {pw.wall_w(dc, psu):,.0f} W at the wall (DC {dc:,.0f} W)"


def explain(sel: Selection, cands: Candidates, req: PlanRequest, objective: str) -> tuple[str, ...]:
    lines = [why_gpu(sel, cands, objective)]
    lines += [why_part(cat, sel, cands, req) for cat in cn.PLATFORM]
    return tuple(lines)


def borrowed_caveat(sel: Selection, book: str) -> str | None:
    """The caveat a plan needs when some of its platform parts have no price in its book and took
    their nearest dated price from another (the seed-2015 book prices the GPUs and the post's
    bundle, not today's boards and PSUs): how many, how much of the parts cost, and whence."""
    borrowed = [r for cat in cn.PLATFORM if (r := sel.parts.get(cat)) is not None and r.price_note]
    if not borrowed:
        return None
    money = sum(r.usd for r in borrowed)
    dates = sorted({r.price.date.isoformat() for r in borrowed})
    sources = sorted({r.price.source for r in borrowed})
    when = dates[0] if len(dates) == 1 else f"{dates[0]} to {dates[-1]}"
    return (f"{len(borrowed)} of the parts have no price in {book}: each takes its nearest dated price in another "
            f"book ({when}, {', '.join(sources)}), so {usd(money)} of the {usd(sel.parts_usd)} of parts is not a "
            f"{book} price: the total mixes prices of different dates")
