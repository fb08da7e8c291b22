"""Failures are data: the core raises these, the CLI and the web app turn them into messages.

Exit codes (DESIGN.md section 3): 2 for bad input, 1 for a "no" answer.
"""

from __future__ import annotations


class DlrigError(Exception):
    """Base of every error a user can cause; never a bug."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadInput(DlrigError):
    """An option, a file or a value the user gave is wrong; the message says what would be right."""


class UnknownPart(BadInput):
    def __init__(self, name: str, category: str | None, closest: list[str]) -> None:
        what = f"{category} " if category else ""
        hint = f"; closest: {', '.join(closest)}" if closest else ""
        super().__init__(f"unknown {what}part {name!r}{hint}")
        self.name, self.category, self.closest = name, category, closest


class AmbiguousPart(BadInput):
    def __init__(self, name: str, candidates: list[str]) -> None:
        shown = ", ".join(candidates[:8]) + (" …" if len(candidates) > 8 else "")
        super().__init__(f"{name!r} matches several parts: {shown}; give a fuller name or an id")
        self.name, self.candidates = name, candidates


class MalformedFile(BadInput):
    def __init__(self, path: str, problem: str, line: int | None = None,
                 column: str | None = None) -> None:
        where = path + (f", line {line}" if line is not None else "")
        where += f", column {column!r}" if column else ""
        super().__init__(f"{where}: {problem}")
        self.path, self.line, self.column, self.problem = path, line, column, problem


class Infeasible(DlrigError):
    """The answer is no: nothing meets the constraints. ``causes`` name the binding ones."""

    exit_code = 1

    def __init__(self, message: str, causes: list[str] | None = None) -> None:
        super().__init__(message)
        self.causes = causes or []
