"""Signs of life on stderr while dlrig works, so a slow step never looks like a hang.

Two kinds of slow step: a command's own work (planning, tracing the frontier, fitting every GPU
chip), wrapped in ``busy(message)``; and the catalog's one-time work (indexing the part names,
once per catalog version, some seconds on a first run), reported through the catalog's
``Reporter`` hook by ``CatalogReporter``. On a terminal both show one spinner line (Rich's
status, erased when done; a nested step changes the line's text, since Rich shows one live
display at a time). When stderr is not a terminal (a pipe, a CI log) the spinner is skipped,
but the one-time index still says in one plain line why the first run pauses. stdout is never
touched, so ``--json`` output stays one document.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_shown: list[list[Any]] = []  # the spinner on screen: [status, its current text]


def _console() -> Any:
    from dlrig.cli.common import console

    return console(stderr=True)


@contextmanager
def busy(message: str) -> Iterator[None]:
    """A spinner with ``message`` while the block runs (on a terminal; nothing otherwise)."""
    if _shown:  # inside another step: borrow its line, then give it back
        status, before = _shown[-1]
        status.update(message)
        _shown[-1][1] = message
        try:
            yield
        finally:
            status.update(before)
            _shown[-1][1] = before
        return
    con = _console()
    if not con.is_terminal:
        yield
        return
    with con.status(message) as status:
        _shown.append([status, message])
        try:
            yield
        finally:
            _shown.pop()


class CatalogReporter:
    """The catalog's hook for its one-time work (``dlrig.catalog.store.Reporter``)."""

    def __init__(self) -> None:
        self._steps: list[Any] = []

    def started(self, task: str) -> None:
        step = busy(f"{task} …")
        if not _shown and not _console().is_terminal:
            print(f"dlrig: {task} …", file=sys.stderr, flush=True)
        step.__enter__()
        self._steps.append(step)

    def finished(self, task: str) -> None:
        if self._steps:
            self._steps.pop().__exit__(None, None, None)
