"""OR-Tools' CP-SAT Python module, imported without pandas where nothing else has loaded it.

``ortools.sat.python.cp_model`` imports pandas at its top for its ``*_series`` helpers (variables
indexed by a pandas Index), which dlrig never calls; pandas then costs about a quarter of a
second of every plan's start (2-core machine: 0.43 s to import ``cp_model``, 0.21 s without
pandas; importing the C++ extension ``cp_model_helper`` alone, 0.08 s, but building models on it
means writing against OR-Tools' internal API). So the module is imported with a stand-in
``pandas`` that has the two names ``cp_model`` reads while it loads (``Index``, ``Series``, for
type hints); the stand-in is removed from ``sys.modules`` at once, so any later
``import pandas`` gets the real one. Where pandas is already loaded (a server that imported
it), or the stand-in is not enough for some future OR-Tools, the plain import is used.
"""

from __future__ import annotations

import importlib
import sys
import threading
import types
from typing import Any

_lock = threading.Lock()
MODULE = "ortools.sat.python.cp_model"


def cp_model() -> Any:
    """The ``cp_model`` module (see the module docstring)."""
    loaded = sys.modules.get(MODULE)
    if loaded is not None:
        return loaded
    with _lock:
        if MODULE in sys.modules:
            return sys.modules[MODULE]
        if "pandas" not in sys.modules:
            stand_in = types.ModuleType("pandas", "stand-in while OR-Tools' cp_model loads (dlrig.plan.cpsat)")
            stand_in.Index = type("Index", (), {})  # type: ignore[attr-defined]
            stand_in.Series = type("Series", (), {})  # type: ignore[attr-defined]
            sys.modules["pandas"] = stand_in
            try:
                return importlib.import_module(MODULE)
            except Exception:
                sys.modules.pop(MODULE, None)
            finally:
                if sys.modules.get("pandas") is stand_in:
                    del sys.modules["pandas"]
        return importlib.import_module(MODULE)
