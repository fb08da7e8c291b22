"""Terminal views of ``dlrig check`` and ``dlrig rules``: findings by tier, placement, rule docs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.table import Table

if TYPE_CHECKING:
    from dlrig.check import CheckReport
    from dlrig.rules.base import Rule

MARK = {"problem": "✗", "warning": "!", "note": "·"}
STYLE = {"problem": "bold red", "warning": "yellow", "note": "cyan"}


def check_report(out: Console, report: CheckReport) -> None:
    from dlrig.rules.registry import NOT_CHECKED

    counts = ", ".join(f"{len(report.by_severity(s))} {s}s" for s in ("problem", "warning", "note"))
    verdict = "[green]OK[/]" if report.ok else "[bold red]PROBLEM[/]"
    out.print(f"[bold]{escape(report.build)}[/]: {verdict} ({counts}; region {report.region})")
    if report.placement:
        slots = "; ".join(f"slot {p.slot} ({_covers(p.covers)}x{p.lanes}"
                          f"{', chipset' if p.via == 'chipset' else ''}) {escape(p.gpu)}"
                          for p in report.placement)
        out.print(f"GPU placement: {slots}")
    for fact in report.facts:
        out.print(escape(fact))
    if report.source_lines:
        source_lines(out, report)
    for severity in ("problem", "warning", "note"):
        found = report.by_severity(severity)
        if not found:
            continue
        out.print(f"\n[{STYLE[severity]}]{severity.upper()}S[/]")
        for f in found:
            out.print(f"  [{STYLE[severity]}]{MARK[severity]} {f.code}[/] {escape(f.message)}")
            if f.parts:
                out.print(f"      parts: {escape(', '.join(f.parts))}")
            if f.fix:
                out.print(f"      fix: {escape(f.fix)}")
    skipped = [u for u in report.unchecked if u not in NOT_CHECKED]
    out.print("\n[dim]Not checked:[/]")
    for line in skipped:
        out.print(f"  [dim]- {escape(line)}[/]")
    out.print(f"  [dim]- never checked: {escape('; '.join(NOT_CHECKED))}[/]")


def source_lines(out: Console, report: CheckReport) -> None:
    """Which line of the part list became which catalog part, and which matched none."""
    table = Table(title="Read from the part list", title_justify="left", box=None, show_edge=False)
    for col in ("line", "type", "item", "catalog part"):
        table.add_column(col)
    for s in report.source_lines:
        part = escape(s.part_name) if s.part_name else "[bold red]no match[/]" + (
            f" (closest: {escape(', '.join(s.closest[:3]))})" if s.closest else
            f" (several: {escape(', '.join(s.candidates[:3]))})" if s.candidates else "")
        table.add_row(str(s.line), escape(s.type), escape(s.item), part)
    out.print(table)


def _covers(covers: tuple[int, ...]) -> str:
    return f"covers {covers[0]}-{covers[-1]}, " if covers else "position unknown, "


def rule_list(out: Console, rules: tuple[Rule, ...]) -> None:
    table = Table(box=None, show_edge=False)
    for col in ("code", "severity", "concern", "title"):
        table.add_column(col)
    for r in rules:
        table.add_row(r.code, r.severity, r.concern, r.title)
    out.print(table)


def _reflow(doc: str) -> str:
    """Docstring paragraphs as single lines, so the terminal wraps them at its own width."""
    return "\n\n".join(" ".join(p.split()) for p in doc.split("\n\n"))


def rule(out: Console, r: Rule) -> None:
    out.print(f"[bold]{r.code}[/] ({r.severity}, {r.concern}): {escape(r.title)}\n")
    out.print(escape(_reflow(r.doc)))
    for label, ex in (("Good", r.good), ("Bad", r.bad)):
        out.print(f"\n[bold]{label} build[/]: {escape(ex.description)}")
        for line in ex.lines():
            out.print(f"  {escape(line)}")
        findings = r.example_findings(ex)
        if not findings:
            out.print("  -> no finding")
        for f in findings:
            out.print(f"  -> [{STYLE[f.severity]}]{f.severity}[/]: {escape(f.message)}")

