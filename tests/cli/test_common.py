"""The CLI names the option a core error concerns (cli/common.py ``flag``): every field the core
sets on an error either maps to one of the CLI's options or is one that no option sets."""

from __future__ import annotations

import re
from pathlib import Path

from typer.main import get_command

from dlrig.cli import app
from dlrig.cli.common import flag

SRC = Path(__file__).resolve().parents[2] / "src" / "dlrig"
NOT_OPTIONS = {"mode": "the web fit page's question", "parts": "a build file's part list",
               "use": "fit's desktop or server choice, which the CLI sets from --servers"}


def _options() -> set[str]:
    from dlrig.cli import _register

    _register()
    found: set[str] = set()

    def walk(cmd: object) -> None:
        for p in getattr(cmd, "params", []):
            found.update(p.opts)
            found.update(getattr(p, "secondary_opts", []))
        for sub in getattr(cmd, "commands", {}).values():
            walk(sub)

    walk(get_command(app))
    return found


def test_every_field_of_a_core_error_names_a_real_option() -> None:
    fields = {f for p in SRC.rglob("*.py") for f in re.findall(r'field="([a-z_]+)"', p.read_text(encoding="utf-8"))}
    options = _options()
    wrong = sorted(f"{f} -> {flag(f)}" for f in fields
                   if f not in NOT_OPTIONS and flag(f) != "BUILD" and flag(f) not in options)
    assert wrong == []


def test_the_inference_ram_bandwidth_names_its_flag() -> None:
    assert flag("ram_bandwidth_gb_s") == "--ram-bandwidth"
