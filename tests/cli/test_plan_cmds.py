"""`dlrig plan` through Typer's CliRunner: JSON shape, --out, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dlrig.cli import _register, app

_register()
runner = CliRunner()
SEED = ["plan", "--prices", "seed-2015", "--gpus", "4", "--precision", "fp32", "--alternatives", "1"]


def test_plan_json_has_the_contract_keys(tmp_path: Path) -> None:
    out = tmp_path / "plan.yaml"
    result = runner.invoke(app, [*SEED, "--json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    for key in ("build", "total_usd", "optimal", "solve_ms", "objective", "why", "alternatives", "findings"):
        assert key in doc
    assert doc["optimal"] is True
    assert doc["build"]["parts"]["gpu"][0]["count"] == 4
    check = runner.invoke(app, ["check", str(out)])
    assert check.exit_code == 0, check.output


def test_plan_renders_a_report() -> None:
    result = runner.invoke(app, [*SEED, "--objective", "perf-per-dollar"])
    assert result.exit_code == 0, result.output
    assert "980 Ti" in result.stdout and "Why" in result.stdout


def test_the_seed_plan_states_its_borrowed_prices_under_the_table() -> None:
    result = runner.invoke(app, SEED, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    table, rest = result.stdout.split("└", 1)
    caveat = rest.split("\n", 1)[1].split("Why", 1)[0]  # the line right after the table
    assert caveat.startswith("* ") and "have no price in seed-2015" in caveat and "not a seed-2015 price" in caveat
    assert table.count("*") >= 1


def test_plan_bad_input_exits_2() -> None:
    result = runner.invoke(app, ["plan", "--budget", "-1"])
    assert result.exit_code == 2
    assert "budget" in result.stderr


def test_plan_infeasible_exits_1() -> None:
    result = runner.invoke(app, ["plan", "--prices", "seed-2015", "--gpus", "4", "--budget", "1000"])
    assert result.exit_code == 1
    assert "the cheapest is" in result.stderr
    assert "Traceback" not in result.output


def test_plan_out_writes_its_prices_so_cost_agrees(tmp_path) -> None:
    out = tmp_path / "plan.yaml"
    planned = runner.invoke(app, ["plan", "--prices", "seed-2015", "--gpus", "2", "--precision", "fp32",
                                  "--out", str(out), "--json"])
    assert planned.exit_code == 0, planned.output
    parts_usd = json.loads(planned.stdout)["parts_usd"]
    assert (tmp_path / "plan.prices.csv").exists()
    cost = runner.invoke(app, ["cost", str(out), "--json"])
    assert cost.exit_code == 0, cost.output
    doc = json.loads(cost.stdout)
    assert doc["unpriced"] == [] and doc["parts_usd"] == pytest.approx(parts_usd, abs=0.01)
