"""`dlrig plan --infer` through Typer's CliRunner: exit codes 0/1/2, one JSON document each time,
and the written build re-estimates to the printed speed."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from dlrig.cli import _register, app

_register()
runner = CliRunner()
LLAMA_70B = ["plan", "--infer", "--model", "llama-3-70b", "--weights", "q4_k_m", "--context", "8192"]


def test_the_70b_plan_meets_15_tokens_per_s_and_its_file_estimates_the_same(tmp_path: Path) -> None:
    out = tmp_path / "rig.yaml"
    result = runner.invoke(app, [*LLAMA_70B, "--tokens-per-s", "15", "--json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["tokens_per_s_range"][0] >= 15
    est = runner.invoke(app, ["estimate", str(out), "--json"])
    assert est.exit_code == 0, est.output
    again = json.loads(est.stdout)
    assert again["tokens_per_s"] == doc["tokens_per_s"]
    assert again["tokens_per_s_range"] == doc["tokens_per_s_range"]
    check = runner.invoke(app, ["check", str(out)])
    assert check.exit_code == 0, check.output


def test_the_report_says_which_end_of_the_range_it_judged() -> None:
    result = runner.invoke(app, [*LLAMA_70B, "--tokens-per-s", "15", "--speed-basis", "central", "--explain"])
    assert result.exit_code == 0, result.output
    assert "at the central estimate" in result.stdout and "Alternatives" in result.stdout
    assert "cheapest card of each GPU" in result.stdout  # --explain's table


def test_an_impossible_target_exits_1_with_causes_in_one_json_document() -> None:
    result = runner.invoke(app, [*LLAMA_70B, "--tokens-per-s", "500", "--json"])
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["causes"][0]["code"] == "INFER-SPEED" and doc["advice"]
    text = runner.invoke(app, [*LLAMA_70B, "--tokens-per-s", "500"])
    assert text.exit_code == 1 and "Advice" in text.output
    assert text.output.count("the fastest GPU option is") == 1  # the cause once, in the error line


def test_bad_input_exits_2_naming_the_option() -> None:
    cases = ((["--tokens-per-s", "-5"], "--tokens-per-s"), (["--tokens-per-s", "5", "--weights", "q9"], "--weights"),
             (["--tokens-per-s", "5", "--speed-basis", "high"], "--speed-basis"), ([], "--tokens-per-s"),
             (["--tokens-per-s", "5", "--lora"], "--lora"))
    for args, flag in cases:
        result = runner.invoke(app, [*LLAMA_70B, *args, "--json"])
        assert result.exit_code == 2, (args, result.output)
        doc = json.loads(result.stdout)
        assert doc["field"] and flag in result.stderr, (args, result.stderr)
    no_infer = runner.invoke(app, ["plan", "--model", "llama-3-8b", "--tokens-per-s", "5"])
    assert no_infer.exit_code == 2 and "--infer" in no_infer.output
