"""`dlrig models`: the zoo, with family, size, context window and source."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from dlrig.cli import _register, app

_register()
runner = CliRunner()


def test_models_lists_the_zoo_with_sources() -> None:
    result = runner.invoke(app, ["models", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["count"] >= 25 and doc["count"] == len(doc["models"])
    llama = next(m for m in doc["models"] if m["key"] == "llama-3.1-70b")
    assert llama["family"] == "Llama 3.1" and llama["context"] == 131072 and 70e9 < llama["params"] < 71e9
    assert llama["source"] == "https://huggingface.co/meta-llama/Llama-3.1-70B/blob/main/config.json"


def test_models_table_and_family_filter() -> None:
    table = runner.invoke(app, ["models", "--family", "qwen3"], env={"COLUMNS": "200"})
    assert table.exit_code == 0 and "qwen3-30b-a3b" in table.stdout and "llama" not in table.stdout
    assert "huggingface.co/Qwen/Qwen3-30B-A3B" in table.stdout


def test_an_unknown_family_is_bad_input_listing_the_families() -> None:
    result = runner.invoke(app, ["models", "--family", "Llama 9"])
    assert result.exit_code == 2 and "Llama 3.1" in result.stderr
