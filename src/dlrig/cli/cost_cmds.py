"""`dlrig cost`: purchase, running cost, and the comparison with prebuilt boxes and cloud rental."""

from __future__ import annotations

from pathlib import Path

import typer

from dlrig.cli import app
from dlrig.cli.common import catalog, console, emit_json, handle_errors, load_build

HELP = {
    "prices": "Price book or CSV file (default: a part list's own prices, the build's book, else latest).",
    "tax": "Sales tax as a fraction: 0.08 is 8% (default: the build's, else the region's).",
    "kwh": "USD per kWh (default: the region's; US EIA residential average).",
    "util": "Share of the working hours the machine trains, 0-1: over --years it trains years x 8760 x utilization "
            "hours (x hours-per-day/24), pays power for those hours, and renting the same work is rented for them.",
    "hours": "Hours a day the machine works (default 24); --utilization is the share of them it trains.",
    "dep": "Resale value lost a year, 0-1 (default 0.20, a rule of thumb: docs/cost.md).",
    "vs": "'cloud' (nearest instance), a prebuilt box (devbox, ...), or an instance type; repeatable.",
    "cloud": "Your own cloud price CSV (format: docs/cost.md).",
}


@app.command("cost")
@handle_errors
def cost(
    build_file: Path = typer.Argument(..., help="a build file (YAML), a PCPartPicker .md list, or probe output"),
    prices: str | None = typer.Option(None, "--prices", help=HELP["prices"]),
    tax_rate: float | None = typer.Option(None, "--tax-rate", help=HELP["tax"]),
    shipping: float = typer.Option(0.0, "--shipping", help="Shipping, USD."),
    kwh_price: float | None = typer.Option(None, "--kwh-price", help=HELP["kwh"]),
    utilization: float = typer.Option(1.0, "--utilization", help=HELP["util"]),
    hours_per_day: float = typer.Option(24.0, "--hours-per-day", help=HELP["hours"]),
    depreciation: float | None = typer.Option(None, "--depreciation", help=HELP["dep"]),
    years: float = typer.Option(3.0, "--years", help="Ownership horizon: resale value after it, and the hours "
                                                    "of work it holds."),
    vs: list[str] | None = typer.Option(None, "--vs", help=HELP["vs"]),
    cloud_prices: Path | None = typer.Option(None, "--cloud-prices", help=HELP["cloud"]),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Cost of ownership: dated prices, tax, power, and buy or rent: owning against renting the same work over
    --years at --utilization (a verdict, the break-even utilization, and the cost per job where the build's
    workload sizes one), against prebuilt boxes and cloud instances (Lambda's list and the GPU price tracker's
    dated marketplace offers; spot offers named as spot)."""
    from dlrig.cost.cloud import load_cloud_prices
    from dlrig.cost.ownership import CostOptions
    from dlrig.services.cost import CostRequest
    from dlrig.services.cost import cost as run
    from dlrig.services.inputs import price_book, with_book_name

    options = CostOptions(tax_rate=tax_rate, shipping_usd=shipping, kwh_price_usd=kwh_price,
                          utilization=utilization, hours_per_day=hours_per_day,
                          depreciation_per_year=depreciation, years=years, vs=tuple(vs or ("cloud",)))
    cat = catalog()
    build = load_build(build_file)
    book = price_book(cat, prices, build)
    mine = load_cloud_prices(cloud_prices) if cloud_prices else ()
    report = run(CostRequest(with_book_name(build, prices), book, options, mine, str(cloud_prices or "")), cat)
    if as_json:
        emit_json(report)
    else:
        from dlrig.render.cost import cost_report

        cost_report(console(), report)
