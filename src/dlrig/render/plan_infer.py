"""Terminal rendering of ``plan --infer`` (Rich, imported only by the CLI, lazily)."""

from __future__ import annotations

from typing import Any

from dlrig.plan.explain import usd
from dlrig.render.plan import render_parts


def _tps(x: float) -> str:
    return f"{x:,.3g}"


def _speed(s: Any) -> str:
    lo, hi = s.tokens_per_s_range
    return f"{_tps(s.tokens_per_s)} tokens/s (range {_tps(lo)}-{_tps(hi)})"


def render_infer_plan(p: Any, con: Any, explain: bool = False) -> None:
    b, sel = p.best, p.best.selection
    spec = b.estimate.spec
    con.print(f"[bold]cheapest build for {spec.model.name} inference[/bold]: {spec.weights.key} weights, "
              f"{spec.context:,}-token context, batch {spec.batch}, {spec.split} split; target {p.target.describe()}")
    con.print(f"[bold]{usd(b.total_usd)}[/bold]" + (f" with {p.request.tax_rate:.1%} tax" if p.request.tax_rate else "")
              + f": {sel.option.count} x {sel.option.gpu.name}; "
              + ("optimal (proven)" if p.optimal else "best found, not proven optimal")
              + f", {p.solve_ms:,.0f} ms")
    render_parts(sel, p.request.prices, con)
    s = b.speed
    judged = s.tokens_per_s_range[0] if p.target.basis == "low" else s.tokens_per_s
    con.print(f"Generation: {_speed(s)} with {spec.context:,} tokens cached; judged at {p.target.basis}: "
              f"{_tps(judged)} >= {p.target.tokens_per_s:g}")
    lo, hi = s.prompt_tokens_per_s_range
    con.print(f"Prompt processing: {s.prompt_tokens_per_s:,.0f} tokens/s (range {lo:,.0f}-{hi:,.0f})")
    shares = b.estimate.placement.shares
    con.print("Memory per GPU: " + "; ".join(
        f"{x.per_gpu_gb:,.1f} GB (up to {x.per_gpu_gb_range[1]:,.1f}) of {x.capacity_gb:,.1f}" for x in shares)
        + f"; layers: {b.estimate.placement.layers_text}")
    if p.alternatives:
        con.print("[bold]Alternatives[/bold] (next cheapest that meet the target, another GPU each)")
        for a in p.alternatives:
            ao = a.selection.option
            con.print(f"  - {usd(a.total_usd)}: {ao.count} x {ao.gpu.name}, {_speed(a.speed)}")
    else:
        con.print("[bold]Alternatives[/bold]: no other GPU meets the target")
    if p.cheaper is not None:
        c = p.cheaper
        con.print(f"[bold]For less[/bold] (misses the target): {usd(c.total_usd)} with {c.selection.option.count} x "
                  f"{c.selection.option.gpu.name}, {_speed(c.speed)}")
    if explain:
        _explain(p, con)
    counts = {sev: sum(1 for f in p.findings if f.severity == sev) for sev in ("problem", "warning", "note")}
    con.print(f"[bold]Checker[/bold]: {counts['problem']} problems, {counts['warning']} warnings, "
              f"{counts['note']} notes (--out FILE writes the build; dlrig check FILE shows them all)")
    con.print("[bold]Notes[/bold]")
    for n in (*p.notes, *(x for x in s.notes if x.startswith(("fitted on", "mixture")))):
        con.print(f"  - {n}")


def _explain(p: Any, con: Any) -> None:
    from rich.table import Table

    st = p.stats
    con.print(f"[bold]Search[/bold]: {st['cards_priced']} priced cards, {st['excluded']} set aside (feasibility: "
              + ", ".join(f"{k} {v}" for k, v in p.to_json()["excluded_by_code"].items())
              + f"), {st['options_meeting_target']} card options meet the target; {st['solves']} platform solves, "
              f"{st['cuts']} checker cuts")
    t = Table(title="cheapest card of each GPU that meets the target (GPUs' cost; the platform comes on top)")
    for col in ("GPU", "count", "GPUs USD", "tokens/s", "range", "GB per GPU"):
        t.add_column(col)
    for o in p.options:
        lo, hi = o["tokens_per_s_range"]
        t.add_row(o["gpu"], str(o["count"]), f"{o['gpus_usd']:,.0f}", _tps(o["tokens_per_s"]),
                  f"{_tps(lo)}-{_tps(hi)}", f"{o['per_gpu_gb']:.1f}")
    con.print(t)


def render_infer_infeasible(exc: Any, con: Any) -> None:
    """The advice of an InferInfeasible; its causes go out with the error message itself (the
    CLI's one error path names every cause and its option), so they are not printed twice."""
    if exc.advice:
        con.print("[bold]Advice[/bold]")
        for a in exc.advice:
            con.print(f"  - {a.message}")
