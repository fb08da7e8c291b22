"""The command line: thin commands that parse, call one core function and render.

Each command group lives in its own module and registers itself on ``app``; modules import
only Typer at the top so that ``dlrig --help`` stays fast, and load the core lazily.
"""

from __future__ import annotations

import typer

from dlrig.cli.common import Group

app = typer.Typer(
    name="dlrig",
    cls=Group,
    help="Plan, check and verify deep-learning machines: parts, workloads, costs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        from dlrig import __version__

        typer.echo(f"dlrig {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Show the version and exit.")) -> None:
    """Plan, check and verify deep-learning machines: parts, workloads, costs."""


def _register() -> None:
    """Import the command modules: each registers its commands on ``app`` (the commands import
    their heavy dependencies lazily, so this stays fast)."""
    from dlrig.cli import (  # noqa: F401
        catalog_cmds,
        check_cmds,
        cost_cmds,
        estimate_cmds,
        export_cmds,
        gpus_cmd,
        machine_cmds,
        models_cmd,
        plan_cmds,
        seed_cmd,
        serve_cmd,
    )


def main() -> None:
    _register()
    app()
