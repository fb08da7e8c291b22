"""Terminal view of ``dlrig cost``: dated prices, tax, power, prebuilt boxes and cloud rental."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from dlrig.cost.ownership import CostReport


def _money(value: float | None) -> str:
    return "unknown" if value is None else f"${value:,.2f}"


def cost_report(out: Console, report: CostReport) -> None:
    data = report.to_json()
    table = Table(title=f"{data['build']}: purchase (price book {data['price_book']})", title_justify="left")
    for col in ("part", "count", "unit", "date", "source"):
        table.add_column(col)
    for p in data["prices"]:
        when = (p["date"] or "—") + (" [red](stale)[/red]" if p["stale"] else "")
        unit = "in bundle" if p["usd"] is None and p["bundle"] else _money(p["usd"])
        table.add_row(p["part"], str(p["count"]), unit, when, p["source"] or p["note"] or "")
    out.print(table)
    if any(p["bundle"] for p in data["prices"]):
        out.print(f"parts: {data['parts_sum']}")
    out.print(f"parts {_money(data['parts_usd'])} + tax {_money(data['tax_usd'])} "
              f"({data['tax_rate']:.2%}, {data['tax_source']}) + shipping {_money(data['shipping_usd'])} "
              f"= [bold]{_money(data['total_usd'])}[/bold] ({data['total_note']})")
    if data["quote"]:
        _render_quote(out, data["quote"])
    if data["stale_prices"]:
        out.print(f"[red]stale prices[/red] ({data['stale_rule']}): {', '.join(data['stale_prices'])}")
    out.print(f"lead time: unknown ({data['lead_time_note']})")
    _render_running(out, data)
    for c in data["comparisons"]:
        (_render_prebuilt if c["kind"] == "prebuilt" else _render_cloud)(out, c, data)
    for note in data["notes"]:
        out.print(f"[yellow]note[/yellow]: {note}")
    if data.get("verdict"):
        out.print(f"\n[bold]buy or rent[/bold]: {data['verdict']}")


def _render_quote(out: Console, q: dict[str, Any]) -> None:
    tax = "after tax" if q["after_tax"] else "before tax"
    side = "below" if q["difference_usd"] <= 0 else "above"
    implied = f"; the quote implies {q['implied_tax_rate']:.2%} tax" if q["implied_tax_rate"] is not None else ""
    verdict = {"holds": "[green]holds[/green]", "off": "[red]off[/red]", "unverified": "[yellow]unverified[/yellow]"}
    out.print(f"quoted: {_money(q['usd'])} {tax}" + (f" (“{q['text']}”)" if q["text"] else "")
              + f": this build {_money(q['build_usd'])} at {q['tax_rate']:.2%} tax, "
              f"{_money(abs(q['difference_usd']))} ({abs(q['difference_pct']):.1%}) {side}{implied}; "
              f"within {q['about']:.0%}: {verdict[q['verdict']]}")
    if q["source"]:
        out.print(f"  [dim]quote: {q['source']}[/dim]")


def _render_running(out: Console, d: dict[str, Any]) -> None:
    out.print(f"\n[bold]Running[/bold]: {d['power_w_wall']:,.0f} W at the wall while training "
              f"({d['power_method']})")
    stale = " [red](stale)[/red]" if d.get("kwh_stale") else ""
    out.print(f"  electricity ${d['kwh_price_usd']:.4f}/kWh ({d['kwh_date']}{stale}; {d['kwh_source']})")
    out.print(f"  {_money(d['power_cost_usd_per_hour'])} per hour of training, {_money(d['power_cost_usd_per_month'])}"
              f"/month busy {d['utilization']:.0%} of {d['hours_per_day']:g} h/day "
              f"({d['busy_hours']:,.0f} h of training over {d['years']:g} years; idle hours not counted)")


def _render_prebuilt(out: Console, c: dict[str, Any], d: dict[str, Any]) -> None:
    stale = {True: " [red](stale)[/red]", None: " [yellow](possibly stale)[/yellow]", False: ""}[c["price_stale"]]
    out.print(f"\n[bold]vs {c['name']}[/bold]: {_money(c['price_usd'])} "
              f"({c['price_date']}{stale}; {c['price_source']})")
    cheaper = "cheaper" if c["difference_usd"] >= 0 else "dearer"
    lead = c["lead_time"] or "unknown"
    lead += f" ({c['lead_time_source']})" if c["lead_time_source"] else ""
    share = f" ({abs(c['difference_usd']) / c['price_usd']:.0%} of the box's price)" if c["price_usd"] else ""
    out.print(f"  this build is {_money(abs(c['difference_usd']))} {cheaper}{share}; the box's lead time: {lead}")
    specs = ", ".join(f"{k}: {v if v is not None else 'unknown'}" for k, v in c["specs"].items())
    out.print(f"  spec: {specs}")
    t = c["peak_tflops"]
    out.print(f"  peak {t['precision']} TFLOPS ({t['source']}): build {t['build'] or 'unknown'}, "
              f"box {t['box'] or 'unknown'}; {c['throughput_note']}")
    for claim in c["unconfirmed"]:
        out.print(f"  [yellow]unconfirmed[/yellow]: {claim}")


def _render_cloud(out: Console, c: dict[str, Any], d: dict[str, Any]) -> None:
    stale = {True: " [red](stale)[/red]", None: " [yellow](possibly stale)[/yellow]", False: ""}[c["stale"]]
    out.print(f"\n[bold]vs renting {c['name']}[/bold] ({c['provider']}, {c['gpu_count']} x {c['gpu']}, "
              f"matched by {c['matched_by']}): ${c['usd_per_hour']:.2f}/hour {c['pricing']}, "
              f"dated {c['date']}{stale}")
    if c["match_note"]:
        out.print(f"  {c['match_note']}")
    out.print(f"  resale after {d['years']:g} years at {d['depreciation_per_year']:.0%}/year "
              f"({d['depreciation_source']}): {_money(c['resale_usd'])}")
    if c["break_even_hours"] is None:
        out.print("  [red]never breaks even[/red]: the power to run this build costs as much as renting")
    else:
        months = (f" = {c['break_even_months']:,.1f} months busy {d['utilization']:.0%} of {d['hours_per_day']:g} h/day"
                  if c["break_even_months"] is not None else "")
        out.print(f"  break-even after [bold]{c['break_even_hours']:,.0f} hours[/bold] of work{months}")
        if not c["break_even_within_years"]:
            out.print(f"  [yellow]beyond the {d['years']:g}-year horizon[/yellow] the resale value assumes")
    if c.get("buy_vs_rent"):
        _render_buy_vs_rent(out, c["buy_vs_rent"])
    out.print(f"  source: {c['source']}")


def _render_buy_vs_rent(out: Any, r: dict) -> None:
    colour = "green" if r["cheaper"] == "owning" else "yellow"
    out.print(f"  [{colour}]{r['verdict']}[/{colour}]")
    out.print(f"    owning: {_money(r['purchase_usd'])} - resale {_money(r['resale_usd'])} + power "
              f"{_money(r['power_usd'])} for {r['busy_hours']:,.0f} h = {_money(r['owning_usd'])}; renting: "
              f"{r['rent_hours']:,.0f} h x {_money(r['rent_usd_per_hour'])} = {_money(r['renting_usd'])}")
    be = r["break_even_utilization"]
    out.print(f"    break-even utilization: {'none' if be is None else f'{be:.1%}'}; same work: {r['work_basis']}")
    job = r.get("per_job")
    if job:
        out.print(f"    per job ({job['samples']:,.0f} {job['unit']}s): owning {_money(job['owning_usd'])} "
                  f"({job['own_hours']:,.1f} h; power, plus purchase less resale over "
                  f"{job['jobs_in_horizon']:,.1f} jobs in the horizon), renting {_money(job['renting_usd'])} "
                  f"({job['rent_hours']:,.1f} h): "
                  f"{job['cheaper']} is cheaper")
