"""Text exports: the PCPartPicker round trip on every example build, CSV, JSON, YAML, markdown."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest

from dlrig.build import Build
from dlrig.catalog.store import Catalog
from dlrig.cost.purchase import purchase_cost
from dlrig.errors import BadInput
from dlrig.pcpartpicker import build_from_list, import_list
from dlrig.report.export import CSV_COLUMNS, check_format, render_text, to_csv
from dlrig.services.inputs import load_build_file as load_build

from .conftest import example_builds


def parts(build: Build) -> dict[str, list[tuple[str, int]]]:
    return {cat: sorted((i.part.id, i.count) for i in lines) for cat, lines in build.items.items() if lines}


def book_of(build: Build, catalog: Catalog):
    return catalog.price_book(build.prices or "latest")


def test_every_example_resolves_or_is_skipped_knowingly(catalog):
    assert len(example_builds(catalog)) >= 3


@pytest.mark.parametrize("name", ["seed-2015.yaml", "dual-4090-x670e.yaml", "bad-quad-4090-atx.yaml",
                                  "quad-titan-x79-extreme11.yaml"])
def test_pcpartpicker_round_trip(name, catalog, tmp_path):
    found = dict(example_builds(catalog))
    if name not in found:
        pytest.skip(f"{name} does not resolve against this catalog")
    build = found[name]
    book = book_of(build, catalog)
    table = render_text(build, "pcpartpicker", book, today=date(2026, 1, 2))
    path = tmp_path / "list.md"
    path.write_text(table, encoding="utf-8")
    back, imported = build_from_list(path, catalog), import_list(path, catalog)
    assert parts(back) == parts(build)
    assert imported.unmatched == () and imported.skipped == ()
    priced = {pid: p.usd for pid, p in imported.book.prices.items()}
    for cat, lines in build.items.items():
        for item in lines:
            price = book.price(item.part.id)
            assert priced.get(item.part.id) == (price.usd if price else None), (cat, item.part.name)


def test_table_rows_per_unit_and_total(catalog):
    build = dict(example_builds(catalog))["seed-2015.yaml"]
    table = render_text(build, "pcpartpicker", book_of(build, catalog))
    assert table.count("**Video Card**") == 4
    assert "No Prices Available" in table  # the seed board has no price
    assert "$1,000.00 @ " in table and "| **Total** | **$" in table
    assert table.index("**CPU**") < table.index("**Video Card**") < table.index("**Power Supply**")


def test_csv_has_every_line_with_date_and_source(catalog):
    build = dict(example_builds(catalog))["seed-2015.yaml"]
    book = book_of(build, catalog)
    rows = list(csv.DictReader(io.StringIO(to_csv(purchase_cost(build, book)))))
    assert tuple(rows[0]) == CSV_COLUMNS
    # every build line, and one for the post's $1,400 base computer (its rest after the CPU's own price)
    assert len(rows) == sum(len(lines) for lines in build.items.values()) + 1
    gpu = next(r for r in rows if r["category"] == "gpu")
    assert (gpu["count"], gpu["unit_price_usd"]) == ("4", "1000.00") and gpu["date"] and gpu["source"]
    board = next(r for r in rows if r["category"] == "motherboard")  # no price of its own: in the bundle
    assert board["unit_price_usd"] == "" and board["source"].startswith("in bundle 'base computer' ($1,400")
    rest, cpu = (next(r for r in rows if r["category"] == c) for c in ("bundle", "cpu"))
    assert float(rest["unit_price_usd"]) + float(cpu["unit_price_usd"]) == 1400


@pytest.mark.parametrize("fmt,suffix", [("yaml", ".yaml"), ("json", ".json")])
def test_yaml_and_json_load_back_as_the_same_build(fmt, suffix, catalog, tmp_path):
    for name, build in example_builds(catalog):
        text = render_text(build, fmt, book_of(build, catalog))
        if fmt == "json":
            assert json.loads(text)["name"] == build.name
        path = tmp_path / (Path(name).stem + suffix)
        path.write_text(text, encoding="utf-8")
        back = load_build(path, catalog)
        assert parts(back) == parts(build) and back.workload == build.workload, name


def test_markdown_summary(catalog):
    build = dict(example_builds(catalog))["bad-quad-4090-atx.yaml"]
    text = render_text(build, "markdown", book_of(build, catalog))
    assert text.startswith("# bad-quad-4090-atx\n")
    assert "| gpu | GeForce RTX 4090 | 4 |" in text and "**Parts total: $" in text
    assert "## Findings" in text and "`PSU-WATTS`" in text and "problem" in text
    assert "2025-" in text  # prices carry their dates


def test_unknown_format_is_bad_input():
    with pytest.raises(BadInput, match="one of: pcpartpicker, markdown"):
        check_format("pdf")
    assert check_format("MD") == "markdown" and check_format("pcpp") == "pcpartpicker"
