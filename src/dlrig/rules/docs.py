"""docs/rules.md, written from the registry so the reference never drifts from the code.

Regenerate with ``python -m dlrig.rules.docs > docs/rules.md``; a test fails when it is stale.
"""

from __future__ import annotations

from dlrig.rules.base import Example, Finding, Rule
from dlrig.rules.registry import ALIASES, NOT_CHECKED, RULES


def rules_markdown() -> str:
    out = ["# Check rules", "",
           "Generated from `dlrig.rules.registry` by `python -m dlrig.rules.docs`; do not edit by hand.",
           "`dlrig rules` lists them, `dlrig rules CODE` shows one. Severity is the tier a rule reports",
           "when it fires: **problem** (will not work; `dlrig check` exits 1), **warning** (works badly",
           "or riskily), **note** (worth knowing). A fact the catalog lacks is a note saying what is",
           "unchecked, never a silent pass.", "",
           "| code | severity | concern | checks |", "|---|---|---|---|"]
    out += [f"| [`{r.code}`](#{r.code.lower()}) | {r.severity} | {r.concern} | {r.title} |" for r in RULES]
    for r in RULES:
        out += ["", f"## {r.code}", "", f"*{r.severity}, {r.concern}*: {r.title}.", "", r.doc, ""]
        out += [*_example("Good", r, r.good), "", *_example("Bad", r, r.bad)]
    out += ["", "## Renamed codes", "", "| old | current |", "|---|---|"]
    out += [f"| `{old}` | `{new}` |" for old, new in ALIASES.items()]
    out += ["", "## Not checked by any rule", "", *(f"- {line}" for line in NOT_CHECKED)]
    return "\n".join(out) + "\n"


def _example(label: str, r: Rule, ex: Example) -> list[str]:
    lines = [f"**{label} build**: {ex.description}", "", "```text", *ex.lines(), "```"]
    found = [o for o in r.check(ex.build()) if isinstance(o, Finding)]
    lines += [f"- {f.severity}: {f.message}" for f in found] or ["- no finding"]
    return lines


if __name__ == "__main__":
    print(rules_markdown(), end="")
