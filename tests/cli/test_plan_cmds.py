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


def test_qlora_plan_under_5000_returns_a_build_and_prints_its_defaults() -> None:
    """Issue 14: this failed with "no build can meet the request ... 9916" (sequence 8192 without
    recomputation); the fine-tuning defaults make it a build, and the output says what they are."""
    result = runner.invoke(app, ["plan", "--budget", "5000", "--model", "llama-3-8b", "--qlora"],
                           env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "sequence 2048" in result.stdout and "recompute full" in result.stdout
    doc = json.loads(runner.invoke(app, ["plan", "--budget", "5000", "--model", "llama-3-8b", "--qlora", "--json",
                                         "--alternatives", "0"]).stdout)
    keys = {a["key"]: a for a in doc["assumptions"]}
    assert keys["sequence"]["value"] == 2048 and not keys["sequence"]["given"]
    assert doc["objective_measure"].startswith("end-to-end")
    assert doc["recommended"]["delta_usd"] >= 0


def test_infeasible_json_lists_causes_with_fields_and_no_flags() -> None:
    result = runner.invoke(app, ["plan", "--budget", "5000", "--model", "llama-3-8b", "--qlora", "--gpus", "1",
                                 "--seq", "8192", "--recompute", "none", "--json"])
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    causes = doc["causes"]
    assert {c["code"] for c in causes} >= {"WORKLOAD-FIT", "WORKLOAD-CHANGE"}
    assert {"recompute", "seq"} <= {c["field"] for c in causes}
    assert not any("--" in c["message"] for c in causes)
    text = runner.invoke(app, ["plan", "--budget", "5000", "--model", "llama-3-8b", "--qlora", "--gpus", "1",
                               "--seq", "8192", "--recompute", "none"])
    assert "(--recompute)" in text.stderr and "(--seq)" in text.stderr  # the CLI adds its flags


def test_plan_budget_advice_names_the_budget_that_would_do() -> None:
    result = runner.invoke(app, ["plan", "--prices", "seed-2015", "--gpus", "4", "--budget", "1000", "--json"])
    assert result.exit_code == 1
    budget = next(c for c in json.loads(result.stdout)["causes"] if c["code"] == "BUDGET")
    assert budget["field"] == "budget_usd" and "would do" in budget["message"]


def test_minimal_and_explain_flags() -> None:
    minimal = json.loads(runner.invoke(app, [*SEED, "--minimal", "--json"]).stdout)
    assert minimal["recommended"] is None
    assert "titan x" in minimal["build"]["parts"]["gpu"][0]["name"].lower()  # the seed post's build
    explained = runner.invoke(app, ["plan", "--budget", "3000", "--model", "resnet50", "--precision", "bf16",
                                    "--explain", "--alternatives", "0"], env={"COLUMNS": "200"})
    assert explained.exit_code == 0, explained.output
    assert "Excluded GPUs" in explained.stdout and "precision-" in explained.stdout


@pytest.mark.parametrize(("extra", "given"), [([], False), (["--precision", "bf16"], True)])
def test_the_workload_line_says_given_only_for_what_the_user_gave(extra: list[str], given: bool) -> None:
    result = runner.invoke(app, ["plan", "--budget", "5000", "--model", "llama-3-8b", "--qlora", *extra, "--json"])
    assert result.exit_code == 0, result.output
    precision = next(a for a in json.loads(result.stdout)["assumptions"] if a["key"] == "precision")
    assert precision["given"] is given
