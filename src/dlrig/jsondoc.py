"""Result objects as strict JSON data: the one serializer of the CLI's ``--json`` and the web.

JSON has no NaN or Infinity (Python's ``json`` writes them unless told not to, and then other
tools cannot read the document): a non-finite number is ``null`` here, on every surface.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from enum import Enum
from pathlib import Path
from typing import Any


def plain(obj: Any) -> Any:
    """Pydantic models, dataclasses, tuples, dates and paths as plain JSON data; NaN/inf as None."""
    if hasattr(obj, "to_json") and not isinstance(obj, type):
        return plain(obj.to_json())
    if hasattr(obj, "model_dump") and not isinstance(obj, type):
        return plain(obj.model_dump(mode="json"))
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return plain(dataclasses.asdict(obj))
    if isinstance(obj, dict):
        return {str(k): plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset)):
        items = sorted(obj, key=str) if isinstance(obj, (set, frozenset)) else obj
        return [plain(v) for v in items]
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, (dt.date, dt.datetime)):
        return obj.isoformat()
    if isinstance(obj, (Path, Enum)):
        return str(obj.value if isinstance(obj, Enum) else obj)
    return obj


def dumps(obj: Any, indent: int | None = 2) -> str:
    """One strict JSON document (``allow_nan=False``: a NaN that slipped through is a bug, loudly)."""
    return json.dumps(plain(obj), indent=indent, allow_nan=False, ensure_ascii=False)
