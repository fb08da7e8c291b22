"""The core's error messages name the request's fields, never a command-line flag: the same error
reaches the CLI (which adds its flag, cli/common.py FLAG_OF), the web API and the Python API, and
"--time-limit" means nothing to a caller of the API. Only the surfaces may spell flags."""

from __future__ import annotations

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "dlrig"
SURFACES = {"cli", "web", "render", "report", "services"}  # services may say what a surface asks for
ERRORS = {"BadInput", "Infeasible", "MalformedFile", "UnknownPart", "AmbiguousPart", "DlrigError", "Cause",
          "PlannerUnavailable"}
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")


def flags_in_core_errors() -> list[str]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC)
        if rel.parts[0] in SURFACES:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            fn = node.func
            name = fn.id if isinstance(fn, ast.Name) else fn.attr if isinstance(fn, ast.Attribute) else ""
            if name not in ERRORS:
                continue
            for sub in ast.walk(node):
                if isinstance(sub, ast.Constant) and isinstance(sub.value, str) and FLAG.search(sub.value):
                    found.append(f"{rel}:{sub.lineno}: {', '.join(FLAG.findall(sub.value))}")
    return found


def test_the_scan_finds_a_flag() -> None:
    tree = ast.parse('raise BadInput(f"give --seq {n}")')
    call = next(n for n in ast.walk(tree) if isinstance(n, ast.Call))
    assert any(isinstance(s, ast.Constant) and FLAG.search(str(s.value)) for s in ast.walk(call))


def test_no_core_error_names_a_flag() -> None:
    assert flags_in_core_errors() == []
