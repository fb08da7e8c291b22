"""Terminal views of the catalog: the GPU ranking, a part with its sources, catalog stats."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

from dlrig.catalog.sources_info import describe

if TYPE_CHECKING:
    from rich.console import JustifyMethod

    from dlrig.catalog.models import Part
    from dlrig.catalog.ranking import Ranking

RANKING_COLUMNS: tuple[tuple[str, JustifyMethod], ...] = (
    ("card", "left"), ("price", "right"), ("TFLOPS", "right"), ("GFLOPS/$", "right"),
    ("VRAM", "right"), ("power", "right"), ("price date", "left"), ("", "left"))


def ranking(console: Console, r: Ranking, explain: bool = False) -> None:
    table = Table(title=f"GPUs by {r.precision} FLOP/s per dollar — prices: {r.book}", title_justify="left")
    for col, justify in RANKING_COLUMNS:
        table.add_column(col, justify=justify, no_wrap=col in ("price date", "price"))
    notes: list[str] = []
    stale = [row for row in r.rows if any("over a year old" in n for n in row.notes)]
    all_stale = len(stale) == len(r.rows) and r.rows
    for row in r.rows:
        g = row.gpu
        own = [n for n in row.notes if not (all_stale and "over a year old" in n)]
        marks = ""
        for note in own:
            notes.append(f"[{len(notes) + 1}] {row.label}: {note}")
            marks += f"[{len(notes)}]"
        table.add_row(row.label, f"${row.price.usd:,.0f}", f"{row.tflops:.1f}", f"{row.gflops_per_usd:.1f}",
                      f"{g.vram_gb:g} GB" if g.vram_gb else "?",
                      f"{g.board_power_w:.0f} W" if g.board_power_w else "?",
                      row.price.date.isoformat(), marks)
    console.print(table)
    for line in notes:
        console.print(line)
    if all_stale:
        console.print("all prices in this book are over a year old")
    sources = sorted({row.tflops_source for row in r.rows} | {row.price.source for row in r.rows})
    console.print("TFLOPS are dense; fp16/bf16/fp8 with FP32 accumulate (what training uses).")
    console.print("sources: " + "; ".join(describe(s) for s in sources))
    for why, n in r.unranked.items():
        console.print(f"not ranked: {n} priced GPU(s) with {why}")
    from dlrig.render import feasibility as feas

    doc = r.as_json()
    feas.excluded(console, doc["excluded"], explain, what=f"priced GPUs at {r.precision}")  # type: ignore[arg-type]
    feas.software(console, {"software": doc["software"]})


def part(console: Console, p: Part, price_lines: list[str]) -> None:
    table = Table(title=f"{p.name}  [{p.id}]", title_justify="left", show_header=True)
    table.add_column("field")
    table.add_column("value")
    table.add_column("source")
    data = p.model_dump(exclude={"id", "name", "src", "field_src", "notes", "category"})
    used: list[str] = []
    for field, value in data.items():
        shown = _show(value)
        if shown is None:
            table.add_row(field, "unknown", "-")
            continue
        src = p.source_of(field)
        if src not in used:
            used.append(src)
        table.add_row(field, shown, f"[{used.index(src) + 1}]")
    console.print(table)
    for i, src in enumerate(used, start=1):
        console.print(f"[{i}] {describe(src)}", soft_wrap=True)
    console.print("unknown: no source gives it (dlrig never guesses a spec)")
    for line in price_lines:
        console.print(line)
    for note in p.notes:
        console.print(f"note: {note}")


def _show(value: Any) -> str | None:
    if value is None or value == () or value == {} or value == []:
        return None
    if isinstance(value, dict):
        items = [f"{k}={_show(v)}" for k, v in value.items() if v not in (None, 0, (), {})]
        return ", ".join(items) or None
    if isinstance(value, (list, tuple)):
        return ", ".join(_show(v) or "?" for v in value)
    return str(value)


def stats(console: Console, counts: dict[str, int], books: list[dict[str, Any]], report: dict[str, Any]) -> None:
    table = Table(title="catalog", title_justify="left")
    for col in ("category", "parts", "priced", "price dates"):
        table.add_column(col, justify="right" if col in ("parts", "priced") else "left")
    for cat, n in counts.items():
        b = [x for x in books if x["category"] == cat]
        priced = sum(x["priced"] for x in b)
        dates = sorted({d for x in b for d in x["dates"]})
        span = f"{dates[0]} … {dates[-1]}" if len(dates) > 1 else (dates[0] if dates else "-")
        table.add_row(cat, f"{n:,}", f"{priced:,}", span)
    console.print(table)
    for title, key in (("dropped by the importers", "dropped"), ("corrected by the importers", "corrected")):
        t = Table(title=title, title_justify="left")
        t.add_column("source")
        t.add_column("why")
        t.add_column("count", justify="right")
        for src, reasons in report.get(key, {}).items():
            for why, n in sorted(reasons.items(), key=lambda kv: -kv[1]):
                t.add_row(src, why, f"{n:,}")
        console.print(t)
    coverage(console, report.get("checks", {}).get("coverage", []))
    tm = report.get("checks", {}).get("tensor_model_vs_epoch", {})
    if tm.get("compared"):
        console.print(f"tensor-rate model vs Epoch datasheets: {tm['compared']} figures, median error "
                      f"{tm['median_abs_error']:.1%}, worst {tm['max_abs_error']:.0%}")


def coverage(console: Console, rows: list[dict[str, Any]]) -> None:
    """Per category, the share of priced parts that have each field a rule needs."""
    if not rows:
        return
    table = Table(title="rule facts known, among priced parts", title_justify="left")
    for col in ("category", "field", "known", "of priced", "share", "needed by"):
        table.add_column(col, justify="right" if col in ("known", "of priced", "share") else "left")
    for r in rows:
        table.add_row(r["category"], r["field"], f"{r['have']:,}", f"{r['priced']:,}", f"{r['share']:.0%}", r["rules"])
    console.print(table)
