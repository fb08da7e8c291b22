"""The README's tour shows real output: its excerpt of the seed's priced headline must match what
`dlrig seed` and `dlrig cost` print today ("..." marks what the excerpt leaves out)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import dlrig.cli

dlrig.cli._register()
REPO = Path(__file__).resolve().parents[1]


def _excerpt() -> tuple[str, str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = text.split("### The post's headline, priced", 1)[1].split("```text", 1)[1].split("```", 1)[0]
    seed, cost = block.split("$ dlrig cost examples/seed-2015.yaml --tax-rate 0.08 --vs devbox", 1)
    return seed.replace("$ dlrig seed", ""), cost


def _flat(text: str) -> str:
    return " ".join(text.split())


def _fragments(excerpt: str, per_line: bool) -> list[str]:
    """The excerpt's pieces between elisions; ``per_line``: each line is its own output line."""
    chunks = excerpt.splitlines() if per_line else [excerpt]
    return [f.strip() for chunk in chunks for f in re.split(r"\(\.\.\.\)|\.\.\.", _flat(chunk))
            if len(f.strip()) > 3]


@pytest.mark.parametrize(("which", "args"), [
    (0, ["seed"]), (1, ["cost", "examples/seed-2015.yaml", "--tax-rate", "0.08", "--vs", "devbox"])])
def test_the_tour_excerpt_is_what_dlrig_prints(which, args, monkeypatch):
    monkeypatch.chdir(REPO)
    result = CliRunner().invoke(dlrig.cli.app, args, env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    out = _flat(result.stdout)
    fragments = _fragments(_excerpt()[which], per_line=which == 1)
    assert len(fragments) >= 3
    at = 0
    for fragment in fragments:  # each piece, in the order the README shows them
        assert fragment in out[at:], fragment
        at = out.index(fragment, at) + len(fragment)
    if which == 0:
        assert "✓ holds Cost:" in out  # the $6,000 claim holds
