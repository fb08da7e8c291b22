"""The project cites what its users have: primary sources and its own docs, never the files of
the workspace it was built in (DOMAIN.md, ../shared/...), which no user has."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FORBIDDEN = re.compile(r"DOMAIN\.md|DESIGN\.md|STYLE\.md|PROVENANCE\.md|shared/(?:data|seed|docs)")


def test_no_citation_of_files_users_do_not_have() -> None:
    suffixes = (".py", ".md", ".yaml", ".json", ".jsonl", ".csv", ".html", ".j2")
    places = [REPO / "README.md", *(REPO / "docs").rglob("*.md"),
              *(p for p in (REPO / "src").rglob("*") if p.is_file() and p.suffix in suffixes)]
    found = [f"{p.relative_to(REPO)}:{n}" for p in places
             for n, line in enumerate(p.read_text(encoding="utf-8", errors="replace").splitlines(), 1)
             if FORBIDDEN.search(line)]
    assert not found, f"cites files users do not have: {found[:10]}"


def test_psu_watts_cites_primary_sources() -> None:
    from dlrig.rules.registry import get_rule

    doc = get_rule("PSU-WATTS").doc
    assert "Dettmers" in doc and "docs/domain.md" in doc
