"""``dlrig export``: a build as a PCPartPicker table, markdown, YAML, JSON, CSV or an HTML report."""

from __future__ import annotations

from pathlib import Path

import typer

from dlrig.cli import app
from dlrig.cli.common import catalog, err, handle_errors, load_build

FORMAT_HELP = "pcpartpicker (default; `dlrig import` reads it back), markdown, yaml, json, csv or html"
PRICES_HELP = "price book or CSV file (default: the list's own prices, the build's book, else latest)"


@app.command("export")
@handle_errors
def export_cmd(
    build_file: Path = typer.Argument(..., help="a build file (YAML), a PCPartPicker .md list, or probe output"),
    fmt: str = typer.Option("pcpartpicker", "--format", "-f", help=FORMAT_HELP),
    out: Path | None = typer.Option(None, "--out", "-o", help="file to write (atomically); default: stdout"),
    prices: str | None = typer.Option(None, "--prices", help=PRICES_HELP),
) -> None:
    """Export a build: PCPartPicker markdown, a markdown summary, YAML, JSON, CSV, or a self-contained HTML report."""
    from dlrig.report.export import check_format
    from dlrig.services.export import ExportRequest, export
    from dlrig.services.inputs import price_book, with_book_name

    fmt = check_format(fmt)
    if out is not None:
        from dlrig.atomic import writable_file

        out = writable_file(out)
    cat = catalog()
    build = load_build(build_file)
    book = price_book(cat, prices, build)
    text = export(ExportRequest(with_book_name(build, prices), book, fmt), cat)
    if out is None:
        typer.echo(text, nl=False)
        return
    from dlrig.atomic import write_atomic

    write_atomic(out, text)
    err(f"wrote {out} ({fmt}, prices {book.name})")
