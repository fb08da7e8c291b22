"""docs/rules.md is generated from the registry; it must match the code."""

from __future__ import annotations

from pathlib import Path

from dlrig.rules.docs import rules_markdown
from dlrig.rules.registry import RULES

DOC = Path(__file__).resolve().parents[2] / "docs" / "rules.md"


def test_rules_doc_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == rules_markdown(), (
        "docs/rules.md is stale: run  python -m dlrig.rules.docs > docs/rules.md")


def test_every_rule_has_a_section() -> None:
    text = rules_markdown()
    for r in RULES:
        assert f"## {r.code}\n" in text
