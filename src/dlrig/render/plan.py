"""Terminal rendering of plans (Rich, imported only by the CLI, lazily)."""

from __future__ import annotations

from typing import Any

from dlrig.plan.candidates import PLATFORM
from dlrig.plan.explain import borrowed_caveat, usd


def render_parts(sel: Any, prices: str, con: Any) -> None:
    """The build's parts with their prices and dates, and the caveat where a platform price was
    borrowed from another book (a plan and an inference plan print the same table)."""
    from rich.table import Table

    t = Table(show_header=True, header_style="bold")
    for col in ("part", "count", "name", "price", "date"):
        t.add_column(col)
    o = sel.option
    t.add_row("gpu", str(o.count), o.gpu.name, usd(o.card.usd), o.card.price.date.isoformat())
    for cat in PLATFORM:
        r = sel.parts[cat]
        t.add_row(cat, "1", r.part.name, usd(r.usd) + ("*" if r.price_note else ""), r.price.date.isoformat())
    con.print(t)
    caveat = borrowed_caveat(sel, prices)
    if caveat:
        con.print(f"[bold]*[/bold] {caveat}")


def render_plan(p: Any, multi: Any, con: Any, explain: bool = False) -> None:
    sel = p.selection
    proof = "optimal (proven)" if p.optimal else "best found, not proven optimal"
    con.print(f"[bold]{p.request.objective}[/bold]: {usd(p.total_usd)}"
              + (f" with {p.request.tax_rate:.1%} tax" if p.request.tax_rate else "")
              + f", {p.throughput:,.4g} {p.throughput_unit}; {proof}, solved in {p.solve_ms:,.0f} ms")
    render_parts(sel, p.request.prices, con)
    _render_recommended(p, con)
    if p.assumptions:
        con.print("[bold]Workload[/bold]: " + "; ".join(a.text() for a in p.assumptions))
    con.print("[bold]Why[/bold]")
    for line in p.why:
        con.print(f"  - {line}")
    if p.alternatives:
        con.print("[bold]Alternatives[/bold]")
        for a in p.alternatives:
            s = a.selection.option
            con.print(f"  - {s.count} x {s.gpu.name}: {usd(a.total_usd)}, {a.selection.throughput:,.4g}: {a.why_lost}")
    if multi:
        _render_boxes(p, multi, con)
    counts = {sev: sum(1 for f in p.findings if f.severity == sev) for sev in ("problem", "warning", "note")}
    con.print(f"[bold]Checker[/bold]: {counts['problem']} problems, {counts['warning']} warnings, "
              f"{counts['note']} notes (plan --out FILE writes the build; dlrig check FILE shows them all)")
    for f in p.findings:
        if f.severity != "note":
            con.print(f"  ! {f.code} {f.message}")
    con.print("[bold]Notes[/bold]")
    for n in p.notes:
        con.print(f"  - {n}")
    render_excluded(p.excluded, con, explain)


def _render_recommended(p: Any, con: Any) -> None:
    if p.minimal_usd is not None:
        con.print(f"[bold]Recommended[/bold]: RAM >= the GPUs' memory in every channel, >= 2 cores per GPU, a CPU "
                  f"that keeps up with decoding, an SSD: {usd(p.total_usd - p.minimal_usd)} more than the same GPUs "
                  f"in the cheapest build that passes check ({usd(p.minimal_usd)}; --minimal plans that)")
    elif p.request.minimal:
        con.print("[bold]Minimal[/bold]: the cheapest build that passes check, without the recommended rules")


def _render_boxes(p: Any, multi: Any, con: Any) -> None:
    con.print("[bold]One box or several[/bold]")
    for r in multi:
        s = r.selection.option
        con.print(f"  - {r.boxes} box(es) of {s.count} x {s.gpu.name}: {usd(r.total_usd)}, "
                  f"{r.throughput:,.4g} {p.throughput_unit} in all")


def render_excluded(excluded: Any, con: Any, explain: bool) -> None:
    """The cards that cannot run the request: a count per code, and with ``explain`` each card."""
    if not excluded:
        return
    from dlrig.feasibility import summary

    counts = ", ".join(f"{code} {n}" for code, n in summary(excluded).items())
    con.print(f"[bold]Excluded GPUs[/bold] ({len(excluded)}, cannot run the request): {counts}"
              + ("" if explain else " (--explain lists them)"))
    if explain:
        for e in excluded:
            con.print(f"  - {e.gpu} ({e.code}): {e.reason}")


def render_frontier(f: Any, con: Any) -> None:
    from rich.table import Table

    t = Table(title=f"cost against {f.throughput_unit}: every point Pareto-optimal")
    for col in ("total", f.throughput_unit, "per $1,000", "GPUs"):
        t.add_column(col)
    for p in f.points:
        o = p.selection.option
        t.add_row(usd(p.total_usd), f"{p.throughput:,.4g}", f"{p.throughput / p.total_usd * 1000:,.3g}",
                  f"{o.count} x {o.gpu.name}")
    con.print(t)
    if not f.complete:
        con.print("frontier cut short: more points exist above the last")
