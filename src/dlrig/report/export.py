"""A build exported as text: PCPartPicker markdown, a markdown summary, YAML, JSON, CSV.

Every renderer is pure: a resolved ``Build`` and a ``PriceBook`` in, text out. The PCPartPicker
table is ``dlrig.pcpartpicker.to_pcpartpicker_table`` (``dlrig import`` reads it back); the
HTML report is ``dlrig.report.html``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import TYPE_CHECKING

from dlrig.build import Build, dump_build
from dlrig.catalog.models import CATEGORIES
from dlrig.errors import BadInput

if TYPE_CHECKING:
    from dlrig.catalog.prices import PriceBook
    from dlrig.check import CheckReport
    from dlrig.cost.purchase import PriceLine, Purchase

FORMATS = ("pcpartpicker", "markdown", "yaml", "json", "csv", "html")
SUFFIX = {"pcpartpicker": ".md", "markdown": ".md", "yaml": ".yaml", "json": ".json", "csv": ".csv",
          "html": ".html"}
CSV_COLUMNS = ("category", "name", "id", "count", "unit_price_usd", "date", "source")
MARK = {"problem": "✗ problem", "warning": "! warning", "note": "· note"}


def check_format(name: str) -> str:
    key = name.lower().strip()
    if key in ("md", "pcpp"):
        key = "pcpartpicker" if key == "pcpp" else "markdown"
    if key not in FORMATS:
        raise BadInput(f"unknown export format {name!r}; one of: {', '.join(FORMATS)}")
    return key


def ordered_lines(purchase: Purchase) -> list[PriceLine]:
    """The purchase's lines in catalog category order (GPU first), file order within a category."""
    rank: dict[str, int] = {c: i for i, c in enumerate(CATEGORIES)}
    return sorted(purchase.lines, key=lambda line: rank.get(line.category, len(rank)))


def to_pcpartpicker(build: Build, book: PriceBook, today: dt.date | None = None) -> str:
    from dlrig.pcpartpicker import to_pcpartpicker_table

    return to_pcpartpicker_table(build, book, generated=today)


def to_yaml(build: Build) -> str:
    return dump_build(build)


def to_json(build: Build) -> str:
    """The build file as JSON (YAML reads JSON, so ``dlrig check x.json`` loads it)."""
    import yaml

    return json.dumps(yaml.safe_load(dump_build(build)), indent=2, ensure_ascii=False) + "\n"


def to_csv(purchase: Purchase) -> str:
    """One row per build line: category, name, id, count, unit price, its date and source."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for line in ordered_lines(purchase):
        writer.writerow((line.category, line.name, line.part_id, line.count,
                         "" if line.unit_usd is None else f"{line.unit_usd:.2f}",
                         line.date.isoformat() if line.date else "",
                         line.source or (line.note if line.bundle else "") or ""))  # a bundled part cites its bundle
    return buf.getvalue()


def _money(value: float | None) -> str:
    return "unknown" if value is None else f"${value:,.2f}"


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def to_markdown(build: Build, purchase: Purchase, check: CheckReport | None = None) -> str:
    """A plain summary: the parts with dated, sourced prices, the total, and the findings."""
    out = [f"# {build.name}", ""]
    facts = [f"price book `{purchase.book}`"]
    if build.region:
        facts.append(f"region `{build.region}`")
    if build.workload:
        w = build.workload
        facts.append(f"workload {w.model}" + (f", {w.precision}" if w.precision else "")
                     + (f", batch {w.batch}" if w.batch else ""))
    out += ["; ".join(facts), "", "| Category | Part | Count | Unit price | Line | Date | Source |",
            "|:--|:--|--:|--:|--:|:--|:--|"]
    for line in ordered_lines(purchase):
        out.append(f"| {line.category} | {_cell(line.name)} | {line.count} | {_money(line.unit_usd)} | "
                   f"{_money(line.line_usd)} | {line.date.isoformat() if line.date else '—'} | "
                   f"{_cell(line.source or line.note or '')} |")
    out += ["", f"**Parts total: {_money(purchase.parts_usd)}** ({purchase.total_note})."]
    if purchase.unpriced:
        out.append(f"Unpriced: {', '.join(purchase.unpriced)}.")
    if check is not None:
        out += ["", "## Findings", ""]
        out += [f"- **{MARK[f.severity]}** `{f.code}`: {_sentence(f.message)}"
                + (f" Fix: {_sentence(f.fix)}" if f.fix else "") for f in check.findings] or ["- no findings"]
        out += [f"- {fact}" for fact in check.facts]
    return "\n".join(out) + "\n"


def render_text(build: Build, fmt: str, book: PriceBook, today: dt.date | None = None) -> str:
    """Any text format but HTML (``dlrig.report.html.render_html`` needs the full report inputs)."""
    from dlrig.cost.purchase import purchase_cost

    fmt = check_format(fmt)
    if fmt == "pcpartpicker":
        return to_pcpartpicker(build, book, today)
    if fmt == "yaml":
        return to_yaml(build)
    if fmt == "json":
        return to_json(build)
    purchase = purchase_cost(build, book, today=today)
    if fmt == "csv":
        return to_csv(purchase)
    if fmt == "markdown":
        from dlrig.check import check_build

        return to_markdown(build, purchase, check_build(build))
    raise BadInput("the HTML report is rendered by dlrig.report.html.render_html")
