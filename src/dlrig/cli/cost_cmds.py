"""`dlrig cost`: purchase, running cost, and the comparison with prebuilt boxes and cloud rental."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from dlrig.cli import app
from dlrig.cli.common import emit_json, handle_errors

if TYPE_CHECKING:
    from dlrig.cost.ownership import CostReport


HELP = {
    "prices": "Price book or CSV file (default: the build's, else latest).",
    "tax": "Sales tax as a fraction: 0.08 is 8% (default: the build's, else the region's).",
    "kwh": "USD per kWh (default: the region's; US EIA residential average).",
    "util": "Load while working, 0-1: scales GPU and CPU power.",
    "hours": "Hours a day the machine works (and a cloud instance would be rented).",
    "dep": "Resale value lost a year, 0-1 (default 0.20: DOMAIN.md 7 rule of thumb).",
    "vs": "'cloud' (nearest instance), a prebuilt box (devbox, ...), or an instance type; repeatable.",
    "cloud": "Your own cloud price CSV (format: docs/cost.md).",
}


@app.command("cost")
@handle_errors
def cost(
    build_file: Path = typer.Argument(..., help="A build file (YAML)."),
    prices: str | None = typer.Option(None, "--prices", help=HELP["prices"]),
    tax_rate: float | None = typer.Option(None, "--tax-rate", help=HELP["tax"]),
    shipping: float = typer.Option(0.0, "--shipping", help="Shipping, USD."),
    kwh_price: float | None = typer.Option(None, "--kwh-price", help=HELP["kwh"]),
    utilization: float = typer.Option(1.0, "--utilization", help=HELP["util"]),
    hours_per_day: float = typer.Option(24.0, "--hours-per-day", help=HELP["hours"]),
    depreciation: float | None = typer.Option(None, "--depreciation", help=HELP["dep"]),
    years: float = typer.Option(3.0, "--years", help="Ownership horizon for resale value."),
    vs: list[str] | None = typer.Option(None, "--vs", help=HELP["vs"]),
    cloud_prices: Path | None = typer.Option(None, "--cloud-prices", help=HELP["cloud"]),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Cost of ownership: dated prices, tax, power, and break-even against prebuilt boxes and cloud."""
    from dlrig.cost.ownership import CostOptions

    options = CostOptions(tax_rate=tax_rate, shipping_usd=shipping, kwh_price_usd=kwh_price,
                          utilization=utilization, hours_per_day=hours_per_day,
                          depreciation_per_year=depreciation, years=years, vs=tuple(vs or ("cloud",)))
    report = _report(build_file, prices, options, cloud_prices)
    if as_json:
        from dlrig.cost.report import report_json

        emit_json(report_json(report))
    else:
        _render(report)


def _report(build_file: Path, book_name: str | None, options: Any, cloud_file: Path | None) -> CostReport:
    """Load what the core needs (build, book, offers, boxes, chips) and call ``cost_report``."""
    from dlrig.build import load_build
    from dlrig.catalog import store
    from dlrig.cost.cloud import load_cloud_prices
    from dlrig.cost.ownership import cost_report
    from dlrig.cost.prebuilt import load_prebuilt
    from dlrig.regions import get_region

    catalog = store.default_catalog()
    build = load_build(build_file, catalog)
    book = catalog.price_book(book_name or build.prices or "latest")
    mine = load_cloud_prices(cloud_file) if cloud_file else ()
    _check_chip_names(catalog, mine, cloud_file)
    offers = mine + load_cloud_prices()  # the user's rows first: they win a same-named --vs
    from dlrig.cost.lookup import chips_by_name, throughput_note

    boxes = load_prebuilt()
    names = {o.gpu_chip for o in offers} | {b.gpu_chip for b in boxes if b.gpu_chip}
    return cost_report(build, book, get_region(build.region), options, offers, boxes,
                       chips_by_name(catalog, names), catalog=catalog, throughput_note=throughput_note(build))


def _money(value: float | None) -> str:
    return "unknown" if value is None else f"${value:,.2f}"


def _render(report: CostReport) -> None:
    from rich.table import Table

    from dlrig.cli.common import console
    from dlrig.cost.report import report_json

    data, out = report_json(report), console()
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


def _render_quote(out: Any, q: dict) -> None:
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


def _render_running(out: Any, d: dict) -> None:
    out.print(f"\n[bold]Running[/bold]: {d['power_w_wall']:,.0f} W at the wall at "
              f"{d['utilization']:.0%} load ({d['power_method']})")
    stale = " [red](stale)[/red]" if d.get("kwh_stale") else ""
    out.print(f"  electricity ${d['kwh_price_usd']:.4f}/kWh ({d['kwh_date']}{stale}; {d['kwh_source']})")
    out.print(f"  {_money(d['power_cost_usd_per_hour'])}/hour, {_money(d['power_cost_usd_per_month'])}/month "
              f"at {d['hours_per_day']:g} h/day")


def _render_prebuilt(out: Any, c: dict, d: dict) -> None:
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


def _render_cloud(out: Any, c: dict, d: dict) -> None:
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
        out.print(f"  break-even after [bold]{c['break_even_hours']:,.0f} hours[/bold] of work = "
                  f"{c['break_even_months']:,.1f} months at {d['hours_per_day']:g} h/day")
        if not c["break_even_within_years"]:
            out.print(f"  [yellow]beyond the {d['years']:g}-year horizon[/yellow] the resale value assumes: at "
                      f"{d['hours_per_day']:g} h/day, renting costs less over {d['years']:g} years")
    out.print(f"  source: {c['source']}")


def _check_chip_names(catalog: Any, offers: Any, path: Any) -> None:
    """A user row whose GPU names several catalog chips would be matched to one of them at random."""
    from dlrig.errors import AmbiguousPart, BadInput

    for offer in offers:
        try:
            catalog.resolve(offer.gpu_chip, "gpu-chips")
        except AmbiguousPart as exc:
            raise BadInput(f"{path}: {offer.instance_type}: GPU {offer.gpu_chip!r} names several catalog chips "
                           f"({', '.join(exc.candidates[:5])}); give the chip in a gpu_chip column") from None
        except BadInput:
            continue  # not in the catalog: the row is matched by its own figures, or not at all
