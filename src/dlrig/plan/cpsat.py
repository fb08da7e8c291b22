"""OR-Tools' CP-SAT Python module, imported without pandas and NumPy where nothing else has loaded them.

``ortools.sat.python.cp_model`` imports pandas at its top for its ``*_series`` helpers (variables
indexed by a pandas Index), and NumPy for type hints and for accepting NumPy integers and
booleans as coefficients; dlrig uses neither, and its solver is the C++ extension
``cp_model_helper``, which needs neither. Loading them is most of the module's start-up cost
(2-core machine, CPU time: 0.43 s with both, about 0.23 s without pandas, 0.12 s without
either; building models on ``cp_model_helper`` alone would save a little more but means writing
against OR-Tools' internal API). So the module is imported with stand-ins that have the names
``cp_model`` reads while it loads, and the stand-ins are removed from ``sys.modules`` at once,
so a later ``import numpy`` or ``import pandas`` gets the real library. In a process that
loaded ``cp_model`` this way, its pandas and NumPy conveniences do not work (dlrig calls none of
them); where pandas or NumPy is already loaded (a server that imported them), the real one is
used, and if the stand-ins are not enough for some future OR-Tools, the plain import is.
"""

from __future__ import annotations

import importlib
import sys
import threading
import types
from typing import Any

MODULE = "ortools.sat.python.cp_model"
# the names cp_model reads from each while it loads (type hints, isinstance checks)
STAND_INS = {
    "pandas": ("Index", "Series"),
    "numpy": ("bool_", "double", "int8", "uint8", "int32", "uint32", "int64", "uint64"),
}
_lock = threading.Lock()


def cp_model() -> Any:
    """The ``cp_model`` module (see the module docstring)."""
    loaded = sys.modules.get(MODULE)
    if loaded is not None:
        return loaded
    with _lock:
        if MODULE in sys.modules:
            return sys.modules[MODULE]
        stand_ins = {name: _stand_in(name, names) for name, names in STAND_INS.items() if name not in sys.modules}
        sys.modules.update(stand_ins)
        try:
            return importlib.import_module(MODULE)
        except Exception:  # a cp_model that needs more of them: load them for real
            sys.modules.pop(MODULE, None)
        finally:
            for name, module in stand_ins.items():
                if sys.modules.get(name) is module:
                    del sys.modules[name]
        return importlib.import_module(MODULE)


def _stand_in(name: str, names: tuple[str, ...]) -> types.ModuleType:
    module = types.ModuleType(name, "stand-in while OR-Tools' cp_model loads (dlrig.plan.cpsat)")
    for attr in names:
        setattr(module, attr, type(attr, (), {}))
    return module
