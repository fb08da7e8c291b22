"""``dlrig export``: a build as a PCPartPicker table, markdown, YAML, JSON, CSV or an HTML report."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from dlrig.cli import app
from dlrig.cli.common import err, handle_errors

if TYPE_CHECKING:
    from dlrig.build import Build
    from dlrig.catalog.prices import PriceBook
    from dlrig.catalog.store import Catalog

FORMAT_HELP = "pcpartpicker (default; `dlrig import` reads it back), markdown, yaml, json, csv or html"
PRICES_HELP = "price book or CSV file (default: the list's own prices, the build's book, else latest)"


@app.command("export")
@handle_errors
def export_cmd(
    build_file: Path = typer.Argument(..., help="a build YAML file, or a PCPartPicker .md list"),
    fmt: str = typer.Option("pcpartpicker", "--format", "-f", help=FORMAT_HELP),
    out: Path | None = typer.Option(None, "--out", "-o", help="file to write (atomically); default: stdout"),
    prices: str | None = typer.Option(None, "--prices", help=PRICES_HELP),
) -> None:
    """Export a build: PCPartPicker markdown, a markdown summary, YAML, JSON, CSV, or a self-contained HTML report."""
    from dataclasses import replace

    from dlrig.catalog.store import default_catalog
    from dlrig.cli.check_cmds import load_any
    from dlrig.report.export import check_format, render_text

    fmt = check_format(fmt)
    catalog = default_catalog()
    build = load_any(build_file)
    book = price_book(build, prices, catalog, build_file)
    if prices is not None:
        build = replace(build, prices=prices)
    if fmt == "html":
        from dlrig.report.html import collect_report, render_html

        text = render_html(collect_report(build, book, catalog))
    else:
        text = render_text(build, fmt, book)
    if out is None:
        typer.echo(text, nl=False)
        return
    from dlrig.atomic import write_atomic

    write_atomic(out, text)
    err(f"wrote {out} ({fmt}, prices {book.name})")


def price_book(build: Build, given: str | None, catalog: Catalog, build_file: Path) -> PriceBook:
    """--prices, else an imported list's own prices, else the build's book (a CSV found beside
    the build file too, as ``dlrig import`` writes it), else ``latest``."""
    if given is not None:
        return catalog.price_book(given)
    if build.own_prices is not None:
        return build.own_prices
    name = build.prices or "latest"
    beside = build_file.parent / name
    if name.endswith(".csv") and not Path(name).is_file() and beside.is_file():
        name = str(beside)
    return catalog.price_book(name)
