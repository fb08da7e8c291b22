"""``dlrig check``, ``dlrig import`` and ``dlrig rules``: parse, call the service, render."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from dlrig.cli import app
from dlrig.cli.common import catalog, console, emit_json, err, handle_errors, load_build

if TYPE_CHECKING:
    from dlrig.rules.base import Example, Rule

BUILD_HELP = "a build file (YAML), a PCPartPicker .md list, or what `dlrig probe` wrote"
FORMAT_HELP = "how to read BUILD: auto (by suffix and content), yaml, pcpartpicker or probe"


@app.command("check")
@handle_errors
def check_cmd(
    build_file: Path = typer.Argument(..., help=BUILD_HELP),
    region: str | None = typer.Option(None, "--region", help="wall circuit, e.g. us-120v, eu-230v"),
    fmt: str = typer.Option("auto", "--format", help=FORMAT_HELP),
    json_out: bool = typer.Option(False, "--json", help="print one JSON document"),
) -> None:
    """Check a build against every rule. Exit 0: no problem; 1: a problem; 2: bad input.

    A part list with lines that match no catalog part is checked for the lines that did match;
    the others are listed under "not checked". --json prints {build, ok, region, findings:
    [{code, severity, message, parts, fix}], not_checked, placement, facts, source_lines};
    "unchecked" is an alias of "not_checked", kept for compatibility.
    """
    from dlrig.services.check import CheckRequest, check

    report = check(CheckRequest(load_build(build_file, fmt), region))
    if json_out:
        emit_json(report)
    else:
        from dlrig.render.check import check_report

        check_report(console(), report)
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
    from dlrig.pcpartpicker import import_list, write_import

    if out is not None:
        from dlrig.atomic import writable_file

        out = writable_file(out)
    imported = import_list(part_list, catalog())
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
    from dlrig.render import check as view
    from dlrig.rules.registry import RULES, get_rule

    if code is None:
        if json_out:
            emit_json([{"code": r.code, "severity": r.severity, "concern": r.concern,
                        "title": r.title} for r in RULES])
        else:
            view.rule_list(console(), RULES)
        return
    r = get_rule(code)
    if json_out:
        emit_json(rule_json(r))
    else:
        view.rule(console(), r)


def rule_json(r: Rule) -> dict[str, Any]:
    return {"code": r.code, "severity": r.severity, "concern": r.concern, "title": r.title,
            "doc": r.doc, "good": _example_json(r, r.good), "bad": _example_json(r, r.bad)}


def _example_json(r: Rule, ex: Example) -> dict[str, Any]:
    import dataclasses

    findings = [dataclasses.asdict(f) for f in r.example_findings(ex)]
    return {"description": ex.description, "parts": ex.lines(), "findings": findings}
