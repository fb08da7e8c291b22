"""``dlrig gpus``: rank GPUs by FLOP/s per dollar."""

from __future__ import annotations

from pathlib import Path

import typer

from dlrig.cli import app
from dlrig.cli.common import catalog, console, emit_json, handle_errors

PRECISION_HELP = ("fp32, tf32, fp16, bf16 or fp8 (dense; tensor cores where used); default: bf16, or fp32 for "
                  "a market before tensor cores (the seed-2015 book)")


@app.command()
@handle_errors
def gpus(
    precision: str | None = typer.Option(None, help=PRECISION_HELP),
    prices: str = typer.Option("latest", help="price book: latest, street-2025-07, launch, seed-2015, or a CSV"),
    sort: str = typer.Option(None, help="perf-per-dollar (default), tflops, vram, price, perf-per-watt, book"),
    min_vram: float = typer.Option(None, "--min-vram", help="only GPUs with at least this many GB"),
    max_price: float = typer.Option(None, "--max-price", help="only GPUs costing at most this many USD"),
    kind: list[str] = typer.Option([], help="consumer, workstation or datacenter (repeatable)"),
    names: list[str] = typer.Option([], "--names", help="only these GPUs (repeatable)"),
    limit: int = typer.Option(0, help="show only the first N (0: all)"),
    explain: bool = typer.Option(False, "--explain", help="list every priced GPU left out, with the reason"),
    json_out: bool = typer.Option(False, "--json", help="print one JSON document (its 'excluded' lists the GPUs "
                                                        "left out)"),
    plot: Path = typer.Option(None, help="also write a chart (SVG or PNG) of throughput against price"),
) -> None:
    """Rank GPUs by FLOP/s per dollar, with VRAM, power, and each price's date and source.

    Cards today's frameworks cannot run at the precision (absent or emulated in hardware, no
    current PyTorch/ROCm build, never sold as a part) are left out and counted; --explain lists them."""
    from dlrig.catalog.ranking import Filters
    from dlrig.services.inputs import price_book
    from dlrig.services.ranking import RankingRequest, rank

    cat = catalog()
    filters = Filters(min_vram_gb=min_vram, max_price_usd=max_price, kinds=tuple(kind), names=tuple(names))
    result = rank(RankingRequest(price_book(cat, prices), precision, sort, filters, limit), cat)
    if plot is not None:
        from dlrig.report.plots import write_gpu_plot

        write_gpu_plot(result, plot)
    if json_out:
        emit_json(result.as_json())
        return
    from dlrig.render.catalog import ranking

    ranking(console(), result, explain)
