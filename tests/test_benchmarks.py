"""The benchmark scripts still load against today's code: a renamed function or a changed request
model would otherwise surface only when someone next runs a benchmark (they are not run in CI)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
SCRIPTS = sorted(BENCHMARKS.glob("*.py"))


def test_there_are_benchmarks() -> None:
    assert {"plan_speed.py", "cli_speed.py", "web_load.py", "prediction_accuracy.py"} <= {p.name for p in SCRIPTS}


@pytest.mark.parametrize("path", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_each_benchmark_module_loads(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each loads as a module (its top level: imports, request tables), without running its main."""
    monkeypatch.syspath_prepend(str(BENCHMARKS))  # the scripts import their siblings (plan_requests)
    name = f"benchmark_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, name, module)  # dataclasses look their module up while loading
    spec.loader.exec_module(module)
    if path.stem != "plan_requests":
        assert callable(getattr(module, "main", None)), f"{path.name} has no main()"
