"""``dlrig check``, ``dlrig import`` and ``dlrig rules``: thin commands over dlrig.check,
dlrig.pcpartpicker and dlrig.rules. Rich and the core are imported inside the commands."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from dlrig.cli import app
from dlrig.cli.common import emit_json, err, handle_errors

if TYPE_CHECKING:
    from dlrig.build import Build
    from dlrig.check import CheckReport
    from dlrig.rules.base import Example, Rule

LIST_SUFFIXES = (".md", ".markdown", ".txt")
MARK = {"problem": "✗", "warning": "!", "note": "·"}
STYLE = {"problem": "bold red", "warning": "yellow", "note": "cyan"}


def load_any(path: Path) -> Build:
    """A YAML build file, or a PCPartPicker markdown list (by its suffix). Bad input of any kind
    is a BadInput (exit 2) that names the file, never a traceback."""
    from dlrig.build import load_build
    from dlrig.catalog.store import default_catalog
    from dlrig.errors import MalformedFile, UnknownPart

    catalog = default_catalog()
    if path.suffix.lower() in LIST_SUFFIXES:
        from dlrig.pcpartpicker import build_from_list

        return build_from_list(path, catalog)[0]
    try:
        return load_build(path, catalog)
    except OSError as exc:
        raise MalformedFile(str(path), f"cannot be read ({exc.strerror or exc})") from None
    except UnknownPart as exc:
        hint = _other_category(exc, catalog, path)
        if hint is None:
            raise
        raise hint from None


def _other_category(exc: Any, catalog: Any, path: Path) -> Exception | None:
    """A part listed under the wrong category ("Intel Core i7-5820K" under gpu:) says where it
    belongs, instead of offering the closest GPUs."""
    from dlrig.catalog.models import CATEGORIES
    from dlrig.errors import BadInput, DlrigError

    if exc.category is None:
        return None
    for category in CATEGORIES:
        if category == exc.category:
            continue
        try:  # only a name that resolves to one part elsewhere: vague words match everything
            part = catalog.resolve(exc.name, category)
        except DlrigError:
            continue
        return BadInput(f"{path}: parts.{exc.category}: {exc.name!r} is a {category} "
                        f"({part.name}), not a {exc.category}; list it under parts.{category}")
    return None


@app.command("check")
@handle_errors
def check_cmd(
    build_file: Path = typer.Argument(..., help="a build YAML file, or a PCPartPicker .md list"),
    region: str | None = typer.Option(None, "--region", help="wall circuit, e.g. us-120v, eu-230v"),
    json_out: bool = typer.Option(False, "--json", help="print one JSON document"),
) -> None:
    """Check a build against every rule. Exit 0: no problem; 1: a problem; 2: bad input.

    --json prints {build, ok, region, findings: [{code, severity, message, parts, fix}],
    not_checked, placement, facts}; "unchecked" is an alias of "not_checked", kept for
    compatibility.
    """
    from dlrig.check import check_build

    report = check_build(load_any(build_file), region=region)
    if json_out:
        emit_json(report.to_json())
    else:
        _render_report(report)
    raise typer.Exit(0 if report.ok else 1)


@app.command("import")
@handle_errors
def import_cmd(
    part_list: Path = typer.Argument(..., help="a PCPartPicker part list in its markdown form"),
    out: Path | None = typer.Option(None, "--out", "-o", help="build YAML to write (prices go "
                                    "to NAME.prices.csv beside it); without it, print the YAML"),
    name: str | None = typer.Option(None, "--name", help="the build's name (default: the file's)"),
    partial: bool = typer.Option(False, "--partial", help="write the lines that matched even if "
                                 "some did not"),
    json_out: bool = typer.Option(False, "--json", help="print one JSON document"),
) -> None:
    """Read a PCPartPicker list into a build file, keeping the list's prices as its price book."""
    from dlrig.catalog.store import default_catalog
    from dlrig.pcpartpicker import import_list, write_import

    imported = import_list(part_list, default_catalog())
    written = write_import(imported, out, name=name, partial=partial)
    for row in imported.skipped:
        err(f"skipped line {row.line} ({row.type}) {row.item!r}: dlrig does not plan this part type")
    for note in imported.notes:
        err(f"note: {note}")
    for u in imported.unmatched:
        err(f"not matched: line {u.line} ({u.type}) {u.item!r}; closest: {', '.join(u.closest)}")
    if json_out:
        emit_json(written.to_json())
    elif out is None:
        typer.echo(written.yaml_text, nl=False)
    else:
        prices = f" and {written.prices_path} ({len(imported.book.prices)} prices)" if written.prices_path else ""
        err(f"wrote {written.path}{prices}")


@app.command("rules")
@handle_errors
def rules_cmd(
    code: str | None = typer.Argument(None, help="a rule code, e.g. PSU-WATTS"),
    json_out: bool = typer.Option(False, "--json", help="print one JSON document"),
) -> None:
    """List every check rule, or show one rule's documentation and its good and bad examples."""
    from dlrig.rules.registry import RULES, get_rule

    if code is None:
        if json_out:
            emit_json([{"code": r.code, "severity": r.severity, "concern": r.concern,
                        "title": r.title} for r in RULES])
        else:
            _render_rule_list(RULES)
        return
    r = get_rule(code)
    if json_out:
        emit_json(rule_json(r))
    else:
        _render_rule(r)


def rule_json(r: Rule) -> dict[str, Any]:
    return {"code": r.code, "severity": r.severity, "concern": r.concern, "title": r.title,
            "doc": r.doc, "good": _example_json(r, r.good), "bad": _example_json(r, r.bad)}


def _example_json(r: Rule, ex: Example) -> dict[str, Any]:
    import dataclasses

    findings = [dataclasses.asdict(f) for f in _example_findings(r, ex)]
    return {"description": ex.description, "parts": ex.lines(), "findings": findings}


def _example_findings(r: Rule, ex: Example) -> list:
    from dlrig.rules.base import Finding

    return [o for o in r.check(ex.build()) if isinstance(o, Finding)]


# -- rendering (Rich, lazily) ------------------------------------------------------------------
def _render_report(report: CheckReport) -> None:
    from rich.markup import escape

    from dlrig.cli.common import console
    from dlrig.rules.registry import NOT_CHECKED

    out = console()
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


def _covers(covers: tuple[int, ...]) -> str:
    return f"covers {covers[0]}-{covers[-1]}, " if covers else "position unknown, "


def _render_rule_list(rules: tuple[Rule, ...]) -> None:
    from rich.table import Table

    from dlrig.cli.common import console

    table = Table(box=None, show_edge=False)
    for col in ("code", "severity", "concern", "title"):
        table.add_column(col)
    for r in rules:
        table.add_row(r.code, r.severity, r.concern, r.title)
    console().print(table)


def _reflow(doc: str) -> str:
    """Docstring paragraphs as single lines, so the terminal wraps them at its own width."""
    return "\n\n".join(" ".join(p.split()) for p in doc.split("\n\n"))


def _render_rule(r: Rule) -> None:
    from rich.markup import escape

    from dlrig.cli.common import console

    out = console()
    out.print(f"[bold]{r.code}[/] ({r.severity}, {r.concern}): {escape(r.title)}\n")
    out.print(escape(_reflow(r.doc)))
    for label, ex in (("Good", r.good), ("Bad", r.bad)):
        out.print(f"\n[bold]{label} build[/]: {escape(ex.description)}")
        for line in ex.lines():
            out.print(f"  {escape(line)}")
        findings = _example_findings(r, ex)
        if not findings:
            out.print("  -> no finding")
        for f in findings:
            out.print(f"  -> [{STYLE[f.severity]}]{f.severity}[/]: {escape(f.message)}")
