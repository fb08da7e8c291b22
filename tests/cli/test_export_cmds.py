"""`dlrig export` and the plot options as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import dlrig.cli
from dlrig.build import BuildFile
from dlrig.cli import app

dlrig.cli._register()
runner = CliRunner()
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SEED = str(EXAMPLES / "seed-2015.yaml")
DUAL = str(EXAMPLES / "dual-4090-x670e.yaml")


def run(*args: str):
    return runner.invoke(app, list(args))


@pytest.mark.parametrize("fmt,needle", [("pcpartpicker", "**Video Card** |"), ("markdown", "# seed-2015"),
                                        ("yaml", "name: seed-2015"), ("json", '"name": "seed-2015"'),
                                        ("csv", "category,name,id,count,unit_price_usd,date,source"),
                                        ("html", "<!DOCTYPE html>")])
def test_every_format_prints_to_stdout(fmt, needle):
    result = run("export", SEED, "--format", fmt)
    assert result.exit_code == 0, result.output
    assert needle in result.stdout and result.stderr == ""


def test_export_then_import_gives_back_the_same_build(tmp_path):
    table = tmp_path / "dual.md"
    result = run("export", DUAL, "--out", str(table))
    assert result.exit_code == 0, result.output
    assert f"wrote {table}" in result.stderr and result.stdout == ""
    assert not list(tmp_path.glob("*.tmp"))
    back = run("import", str(table))
    assert back.exit_code == 0, back.output
    got = BuildFile.model_validate({"parts": yaml.safe_load(back.stdout)["parts"]}).parts
    want = BuildFile.model_validate({"parts": yaml.safe_load(Path(DUAL).read_text())["parts"]}).parts
    assert got == want


def test_export_reads_a_pcpartpicker_list_with_its_own_prices(tmp_path):
    table = tmp_path / "seed.md"
    run("export", SEED, "-o", str(table))
    csv_text = run("export", str(table), "--format", "csv").stdout
    assert "gpu,EVGA GeForce GTX Titan X" in csv_text and ",4,1000.00," in csv_text


def test_prices_option_changes_the_book():
    seed = run("export", DUAL, "--prices", "seed-2015").stdout
    latest = run("export", DUAL).stdout
    assert seed != latest and "No Prices Available" in seed
    doc = json.loads(run("export", DUAL, "-f", "json", "--prices", "seed-2015").stdout)
    assert doc["prices"] == "seed-2015"


def test_html_report_file(tmp_path):
    out = tmp_path / "r.html"
    result = run("export", SEED, "--format", "html", "--out", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.count("<svg") >= 3 and "http://www.w3.org/2000/svg" in text


@pytest.mark.parametrize("args,message", [
    (("--format", "pdf"), "unknown export format 'pdf'"),
    (("--prices", "nope"), "unknown price book 'nope'"),
])
def test_bad_options_exit_2(args, message):
    result = run("export", SEED, *args)
    assert result.exit_code == 2 and message in result.stderr and "Traceback" not in result.output


def test_missing_build_exits_2(tmp_path):
    result = run("export", str(tmp_path / "none.yaml"))
    assert result.exit_code == 2 and "does not exist" in result.stderr


def test_unwritable_out_exits_2(tmp_path):
    result = run("export", SEED, "--out", str(tmp_path / "no" / "dir" / "x.md"))
    assert result.exit_code == 2 and "cannot write" in result.stderr


def test_gpus_plot_svg(tmp_path):
    out = tmp_path / "gpus.svg"
    result = run("gpus", "--prices", "seed-2015", "--plot", str(out))
    assert result.exit_code == 0, result.output
    svg = out.read_text()
    assert ">GTX TITAN X</text>" in svg and ">Tesla K80</text>" in svg


def test_gpus_plot_png_without_packages_exits_2(tmp_path, monkeypatch):
    from dlrig.report import plots

    monkeypatch.setattr(plots, "_installed", lambda name: False)
    result = run("gpus", "--prices", "seed-2015", "--plot", str(tmp_path / "g.png"))
    assert result.exit_code == 2
    assert "matplotlib" in result.stderr and ".svg" in result.stderr and "Traceback" not in result.output
