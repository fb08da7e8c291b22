"""What every command shares: the error path, JSON output, reading inputs at the edge.

The contract: exit 0 success, 1 the answer is "no", 2 bad input, 3 an internal error (a bug);
with ``--json`` stdout holds exactly one strict JSON document whatever the exit code (an error
is ``{"error", "kind", "field"}``), and every message goes to stderr.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import typer
from typer.core import TyperGroup

if TYPE_CHECKING:
    from dlrig.build import Build
    from dlrig.catalog.store import Catalog

F = TypeVar("F", bound=Callable[..., Any])
JSON_FLAGS = ("json_out", "as_json")
# A request field's spelling on the command line, where it is not --field-with-dashes.
FLAG_OF = {"budget_usd": "--budget", "gpus_min": "--gpus", "gpus_max": "--gpus", "vram_total_gb": "--vram-total",
           "time_to_train_h": "--time-to-train", "min_storage_gb": "--storage-gb", "time_limit_s": "--time-limit",
           "tax_rate": "--tax-rate", "build": "BUILD", "prices": "--prices", "measured": "--measured",
           "ram_bandwidth_gb_s": "--ram-bandwidth"}
REPORT_HINT = "this is a bug in dlrig: please report it with the command you ran"
EXIT_USAGE, EXIT_INTERRUPTED = 2, 130


class Group(TyperGroup):
    """The command group: a usage error Click finds before a command runs (an unknown option, a
    value Typer cannot convert or out of its min/max) follows the same contract as every other
    error: exit 2, the message on stderr, and with ``--json`` one JSON document on stdout."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, windows_expand_args: bool = True, **extra: Any) -> Any:
        argv = [str(a) for a in (sys.argv[1:] if args is None else args)]
        if not standalone_mode:
            return super().main(argv, prog_name, complete_var, False, windows_expand_args, **extra)
        try:
            code = super().main(argv, prog_name, complete_var, False, windows_expand_args, **extra)
        except typer.Abort:
            err("aborted")
            sys.exit(EXIT_INTERRUPTED)
        except typer.TyperException as exc:  # Click's usage errors (Typer's own copy of Click)
            if not hasattr(exc, "format_message"):
                raise
            exc.show()  # type: ignore[attr-defined]
            if "--json" in argv:
                param = getattr(exc, "param", None)
                emit_json({"error": exc.format_message(), "kind": "BadInput",
                           "field": getattr(param, "name", None)})
            sys.exit(EXIT_USAGE)
        sys.exit(code if isinstance(code, int) else 0)


def flag(field: str) -> str:
    return FLAG_OF.get(field, "--" + field.replace("_", "-"))


def handle_errors(fn: F) -> F:
    """A DlrigError becomes its message (naming the option it concerns) and its exit code; any
    other exception is an internal error, exit 3, in one line. Never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from dlrig.errors import EXIT_INTERNAL, DlrigError

        as_json = any(kwargs.get(k) for k in JSON_FLAGS)
        try:
            return fn(*args, **kwargs)
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except DlrigError as exc:
            where = f" ({flag(exc.field)})" if exc.field else ""
            more = "".join(f"\n  - {c.message}" + (f" ({flag(c.field)})" if c.field else "")
                           for c in getattr(exc, "causes", [])[1:])  # Infeasible: every binding cause, advice
            _fail(f"error: {exc.message}{where}{more}", exc.to_json(), as_json)
            raise typer.Exit(exc.exit_code) from None
        except Exception as exc:  # a bug: say so plainly, once
            text = f"internal error: {type(exc).__name__}: {exc}"
            _fail(f"{text}\n{REPORT_HINT}", {"error": text, "kind": "InternalError", "field": None}, as_json)
            raise typer.Exit(EXIT_INTERNAL) from None

    return wrapper  # type: ignore[return-value]


def _fail(message: str, doc: dict[str, Any], as_json: bool) -> None:
    err(message)
    if as_json:
        emit_json(doc)


def given(**options: Any) -> dict[str, Any]:
    """Command-line options as request fields; unset options (None, a False flag) stay out."""
    return {k: v for k, v in options.items() if v is not None and v is not False}


def err(message: str) -> None:
    """Messages go to stderr, so stdout holds only the result (one JSON document with --json)."""
    print(message, file=sys.stderr)


def emit_json(payload: Any) -> None:
    from dlrig.jsondoc import dumps

    sys.stdout.write(dumps(payload) + "\n")


def console(stderr: bool = False) -> Any:
    """A Rich console (Rich is imported here, lazily, to keep start-up fast)."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


def catalog() -> Catalog:
    """The packaged catalog (opened once per process); its one-time work shows on stderr."""
    from dlrig.catalog import store
    from dlrig.cli.progress import CatalogReporter

    cat = store.default_catalog()
    if not isinstance(cat.reporter, CatalogReporter):
        cat.reporter = CatalogReporter()
    return cat


def load_build(path: Path, fmt: str = "auto") -> Build:
    """A build file, PCPartPicker list or probe output, by its path (``dlrig.services.inputs``)."""
    from dlrig.services.inputs import BuildSource
    from dlrig.services.inputs import load_build as load

    return load(BuildSource.from_path(path, fmt), catalog())  # type: ignore[arg-type]
