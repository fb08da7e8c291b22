"""``dlrig catalog``: search the parts, show one with its sources, and the catalog's stats."""

from __future__ import annotations

import typer

from dlrig.cli import app
from dlrig.cli.common import catalog, console, emit_json, handle_errors

catalog_app = typer.Typer(help="Search the parts catalog, show a part with its sources, stats.",
                          no_args_is_help=True)
app.add_typer(catalog_app, name="catalog")


@catalog_app.command()
@handle_errors
def search(
    text: str = typer.Argument(..., help="words of the name, e.g. 'rtx 4090' or 'x99'"),
    category: str = typer.Option(None, help="gpu, cpu, motherboard, memory, storage, psu, case, cooler"),
    limit: int = typer.Option(20, min=1, max=500, help="at most this many results (1-500)"),
    json_out: bool = typer.Option(False, "--json"),
) -> None:
    """Find parts by name."""
    hits = catalog().search(text, category, limit)
    if json_out:
        emit_json([{"id": p.id, "name": p.name, "category": p.id.split("/")[0]} for p in hits])
        return
    out = console()
    for p in hits:
        out.print(f"{p.id:60s} {p.name}")
    if not hits:
        out.print("no match")


@catalog_app.command()
@handle_errors
def show(
    name: str = typer.Argument(..., help="a part's name or id"),
    category: str = typer.Option(None, help="limit the search to one category"),
    json_out: bool = typer.Option(False, "--json"),
) -> None:
    """Every field of a part with its source, and its prices in each book."""
    from dlrig.catalog.models import Gpu

    cat = catalog()
    part = cat.resolve(name, category)
    if isinstance(part, Gpu):
        part = cat.chip_of(part)
    prices = [(b, cat.price_book(b).price(part.id)) for b in cat.book_infos]
    bundles = [(b, x) for b in cat.book_infos for x in cat.price_book(b).bundles
               if any(m.part_id == part.id for m in x.members)]
    if json_out:
        emit_json({"part": part.model_dump(mode="json"),
                   "prices": {b: p.model_dump(mode="json") for b, p in prices if p},
                   "bundles": {b: x.model_dump(mode="json") for b, x in bundles}})
        return
    from dlrig.cost.bundles import bundle_label
    from dlrig.render.catalog import part as render_part

    lines = [f"price ({b}): ${p.usd:,.2f} on {p.date} from {p.source}" + (f" — {p.note}" if p.note else "")
             for b, p in prices if p]
    lines += [f"price ({b}): {bundle_label(x)}, with {len(x.members) - 1} other parts" for b, x in bundles]
    render_part(console(), part, lines or ["price: none in any book"])


@catalog_app.command()
@handle_errors
def stats(json_out: bool = typer.Option(False, "--json")) -> None:
    """Parts per category, price coverage and dates, and what the import dropped and why."""
    from dlrig.catalog.models import CATEGORIES
    store = catalog()
    report = store.import_report()
    counts: dict[str, int] = {c: report["checks"]["parts"][c] for c in CATEGORIES}
    counts["gpu chips"] = report["checks"]["parts"]["gpu chips"]
    books = []
    for name in store.book_infos:
        book = store.price_book(name)
        for cat in counts:
            prefix = "gpu/card/" if cat == "gpu" else "gpu/" if cat == "gpu chips" else f"{cat}/"
            ps = [p for pid, p in book.prices.items() if pid.startswith(prefix)
                  and (cat != "gpu chips" or pid.count("/") == 1)]
            books.append({"book": name, "category": cat, "priced": len(ps),
                          "dates": sorted({p.date.isoformat() for p in ps})})
    if json_out:
        emit_json({"parts": counts, "prices": books, "import": report})
        return
    from dlrig.render.catalog import stats as render_stats

    render_stats(console(), counts, books, report)
