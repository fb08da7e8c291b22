"""Terminal rendering of plans (Rich, imported only by the CLI, lazily)."""

from __future__ import annotations

from typing import Any

from dlrig.plan.candidates import PLATFORM
from dlrig.plan.explain import borrowed_caveat, usd


def render_plan(p: Any, multi: Any, con: Any) -> None:
    from rich.table import Table

    sel = p.selection
    proof = "optimal (proven)" if p.optimal else "best found, not proven optimal"
    con.print(f"[bold]{p.request.objective}[/bold]: {usd(p.total_usd)}"
              + (f" with {p.request.tax_rate:.1%} tax" if p.request.tax_rate else "")
              + f", {p.throughput:,.4g} {p.throughput_unit}; {proof}, solved in {p.solve_ms:,.0f} ms")
    t = Table(show_header=True, header_style="bold")
    for col in ("part", "count", "name", "price", "date"):
        t.add_column(col)
    o = sel.option
    t.add_row("gpu", str(o.count), o.gpu.name, usd(o.card.usd), o.card.price.date.isoformat())
    for cat in PLATFORM:
        r = sel.parts[cat]
        t.add_row(cat, "1", r.part.name, usd(r.usd) + ("*" if r.price_note else ""), r.price.date.isoformat())
    con.print(t)
    caveat = borrowed_caveat(sel, p.request.prices)
    if caveat:
        con.print(f"[bold]*[/bold] {caveat}")
    con.print("[bold]Why[/bold]")
    for line in p.why:
        con.print(f"  - {line}")
    if p.alternatives:
        con.print("[bold]Alternatives[/bold]")
        for a in p.alternatives:
            s = a.selection.option
            con.print(f"  - {s.count} x {s.gpu.name}: {usd(a.total_usd)}, {a.selection.throughput:,.4g}: {a.why_lost}")
    if multi:
        con.print("[bold]One box or several[/bold]")
        for r in multi:
            s = r.selection.option
            con.print(f"  - {r.boxes} box(es) of {s.count} x {s.gpu.name}: {usd(r.total_usd)}, "
                      f"{r.throughput:,.4g} {p.throughput_unit} in all")
    counts = {sev: sum(1 for f in p.findings if f.severity == sev) for sev in ("problem", "warning", "note")}
    con.print(f"[bold]Checker[/bold]: {counts['problem']} problems, {counts['warning']} warnings, "
              f"{counts['note']} notes (plan --out FILE writes the build; dlrig check FILE shows them all)")
    for f in p.findings:
        if f.severity != "note":
            con.print(f"  ! {f.code} {f.message}")
    con.print("[bold]Notes[/bold]")
    for n in p.notes:
        con.print(f"  - {n}")


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
