"""`dlrig estimate --plot` and `dlrig plan --frontier --plot` write labelled charts."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

import dlrig.cli
from dlrig.cli import app

SEED = str(Path(__file__).resolve().parents[2] / "examples" / "seed-2015.yaml")

dlrig.cli._register()
runner = CliRunner()


def test_estimate_plot_has_memory_and_pipeline_labels(tmp_path):
    out = tmp_path / "e.svg"
    result = runner.invoke(app, ["estimate", SEED, "--plot", str(out), "--json"])
    assert result.exit_code == 0, result.output
    svg = out.read_text()
    assert svg.startswith("<svg") or "<svg" in svg[:200]
    for label in ("activations", "storage read", "GPU compute"):
        assert label in svg


def test_frontier_plot_names_builds_and_the_unit(tmp_path):
    out = tmp_path / "f.svg"
    result = runner.invoke(app, ["plan", "--prices", "seed-2015", "--gpus", "1-2", "--precision", "fp32",
                                 "--budget", "3000", "--frontier", "--plot", str(out)])
    assert result.exit_code == 0, result.output
    svg = out.read_text()
    assert "peak fp32 TFLOPS" in svg and "GTX 980" in svg


def test_plot_without_frontier_is_bad_input(tmp_path):
    result = runner.invoke(app, ["plan", "--prices", "seed-2015", "--gpus", "1", "--plot", str(tmp_path / "x.svg")])
    assert result.exit_code == 2 and "--frontier" in result.stderr
