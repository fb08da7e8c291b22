"""Failures are data: the core raises these, the CLI and the web app turn them into messages.

Exit codes: 0 success, 1 the answer is "no" (``Infeasible``; a check that found a problem),
2 bad input (``BadInput`` and its kinds), 3 an internal error (a bug: anything else).
A core error names what was wrong in the request's own words (``field`` is the request field,
e.g. ``seq``); each surface adds its spelling of that field (``--seq`` on the command line).
"""

from __future__ import annotations

from dataclasses import dataclass

EXIT_OK, EXIT_NO, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3


class DlrigError(Exception):
    """Base of every error a user can cause; never a bug."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def to_json(self) -> dict[str, object]:
        """The error as ``--json`` and the web API give it: ``{"error", "kind", "field"}``."""
        return {"error": self.message, "kind": type(self).__name__, "field": self.field}


class BadInput(DlrigError):
    """An option, a file or a value the user gave is wrong; the message says what would be right."""


class UnknownPart(BadInput):
    def __init__(self, name: str, category: str | None, closest: list[str], field: str | None = None) -> None:
        what = f"{category} " if category else ""
        hint = f"; closest: {', '.join(closest)}" if closest else ""
        super().__init__(f"unknown {what}part {name!r}{hint}", field)
        self.name, self.category, self.closest = name, category, closest


class AmbiguousPart(BadInput):
    def __init__(self, name: str, candidates: list[str], field: str | None = None) -> None:
        shown = ", ".join(candidates[:8]) + (" …" if len(candidates) > 8 else "")
        super().__init__(f"{name!r} matches several parts: {shown}; give a fuller name or an id", field)
        self.name, self.candidates = name, candidates


class MalformedFile(BadInput):
    def __init__(self, path: str, problem: str, line: int | None = None,
                 column: str | None = None) -> None:
        where = path + (f", line {line}" if line is not None else "")
        where += f", column {column!r}" if column else ""
        super().__init__(f"{where}: {problem}")
        self.path, self.line, self.column, self.problem = path, line, column, problem


@dataclass(frozen=True)
class Cause:
    """One reason the answer is no: a stable code (a rule code such as ``PSU-WATTS``, or a
    planner reason such as ``BUDGET``), the message, and the request field that binds, if one."""

    code: str
    message: str
    field: str | None = None

    def to_json(self) -> dict[str, str | None]:
        return {"code": self.code, "message": self.message, "field": self.field}


class Infeasible(DlrigError):
    """The answer is no: nothing meets the constraints. ``causes`` name the binding ones."""

    exit_code = EXIT_NO

    def __init__(self, message: str, causes: list[Cause] | list[str] | None = None) -> None:
        super().__init__(message)
        self.causes: list[Cause] = [c if isinstance(c, Cause) else Cause("INFEASIBLE", c) for c in causes or []]

    def to_json(self) -> dict[str, object]:
        return {**super().to_json(), "causes": [c.to_json() for c in self.causes]}
