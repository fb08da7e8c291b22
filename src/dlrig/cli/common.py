"""What every command shares: error handling, JSON output, option parsing at the edge."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import typer

F = TypeVar("F", bound=Callable[..., Any])


def handle_errors(fn: F) -> F:
    """Turn a DlrigError into its message on stderr and its exit code; never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from dlrig.errors import DlrigError

        try:
            return fn(*args, **kwargs)
        except DlrigError as exc:
            err(f"error: {exc.message}")
            raise typer.Exit(exc.exit_code) from None

    return wrapper  # type: ignore[return-value]


def err(message: str) -> None:
    """Messages go to stderr, so stdout holds only the result (one JSON document with --json)."""
    print(message, file=sys.stderr)


def emit_json(payload: Any) -> None:
    sys.stdout.write(json.dumps(to_jsonable(payload), indent=2, default=str) + "\n")


def to_jsonable(obj: Any) -> Any:
    """Pydantic models and dataclasses become plain data; everything else passes through."""
    if hasattr(obj, "model_dump"):
        return obj.model_dump(mode="json")
    if isinstance(obj, dict):
        return {k: to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    if hasattr(obj, "__dataclass_fields__"):
        import dataclasses

        return to_jsonable(dataclasses.asdict(obj))
    return obj


def console(stderr: bool = False) -> Any:
    """A Rich console (Rich is imported here, lazily, to keep start-up fast)."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


class StatusReporter:
    """Shows a spinner on stderr while the catalog does slow one-off work."""

    def __init__(self) -> None:
        self._status = None

    def started(self, task: str) -> None:
        self._status = console(stderr=True).status(task + " …")
        self._status.start()

    def finished(self, task: str) -> None:
        if self._status is not None:
            self._status.stop()
            self._status = None
