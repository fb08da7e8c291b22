"""OR-Tools' CP-SAT, imported without pandas and NumPy (dlrig.plan.cpsat)."""

from __future__ import annotations

import subprocess
import sys


def test_cp_model_loads_without_pandas_and_numpy_and_solves() -> None:
    """In a fresh process: the module solves a model, neither pandas nor NumPy was imported for
    it, and a later import still gets the real libraries."""
    code = """
import sys
from dlrig.plan.cpsat import cp_model
cp = cp_model()
assert "pandas" not in sys.modules and "numpy" not in sys.modules, "pandas or numpy loaded"
m = cp.CpModel()
x, y = m.NewBoolVar("x"), m.NewBoolVar("y")
m.Add(x + y <= 1)
m.Maximize(x + 2 * y)
s = cp.CpSolver()
assert s.Solve(m) == cp.OPTIMAL and s.Value(y) == 1
import pandas, numpy
assert hasattr(pandas, "DataFrame") and hasattr(numpy, "ndarray")
print("ok")
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_cp_model_is_the_one_module_when_pandas_is_loaded() -> None:
    code = """
import pandas, sys
from dlrig.plan.cpsat import cp_model
import ortools.sat.python.cp_model as direct
assert cp_model() is direct
print("ok")
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr
