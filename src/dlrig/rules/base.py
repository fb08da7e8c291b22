"""What a rule is: a frozen record with a stable code, a doc in a fixed shape, and a check.

A rule's ``check(build)`` yields ``Finding`` records (problem, warning, note) and ``Skipped``
records (the rule could not run: a part the rule needs is not in the build). A fact the
catalog lacks on a part that *is* in the build is a note finding, never a silent pass.

Findings are made through the rule object (``rule.finding(...)``), so a finding can only
carry a code that exists. Each rule ships a good and a bad ``Example``: hand-made parts
that the test suite runs and ``dlrig rules CODE`` shows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from dlrig.build import Build, Item
from dlrig.catalog.models import Part
from dlrig.workload_request import WorkloadRequest

Severity = Literal["problem", "warning", "note"]
SEVERITIES: tuple[Severity, ...] = ("problem", "warning", "note")
CODE_PATTERN = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$")
CONCERNS = ("platform", "physical", "power", "balance", "storage")


@dataclass(frozen=True)
class Finding:
    """One thing a rule found: which rule, how bad, what, which parts, and what to do."""

    code: str
    severity: Severity
    message: str
    parts: tuple[str, ...] = ()
    fix: str = ""


@dataclass(frozen=True)
class Skipped:
    """A rule that could not run on this build, and why (a part it needs is absent)."""

    code: str
    reason: str


Outcome = Finding | Skipped
CheckFn = Callable[["Rule", Build], Iterable[Outcome]]

# An example part entry: a part, or (part, count), or (part, count, power_limit_w).
PartEntry = Part | tuple[Part, int] | tuple[Part, int, float]


@dataclass(frozen=True)
class Example:
    """A small hand-made build that shows a rule passing (good) or firing (bad)."""

    description: str
    parts: Mapping[str, tuple[PartEntry, ...]]
    region: str | None = None
    workload: Mapping[str, object] | None = None

    def build(self, name: str = "example") -> Build:
        items: dict[str, tuple[Item, ...]] = {}
        for category, entries in self.parts.items():
            items[category] = tuple(_item(e) for e in entries)
        workload = WorkloadRequest(**dict(self.workload)) if self.workload else None
        return Build(name=name, items=items, region=self.region, workload=workload,
                     origin="example")

    def lines(self) -> list[str]:
        """The example as short text lines: category, count and part name."""
        out = []
        for category, entries in self.parts.items():
            for e in entries:
                item = _item(e)
                count = f"{item.count} x " if item.count > 1 else ""
                cap = f" (capped at {item.power_limit_w:g} W)" if item.power_limit_w else ""
                out.append(f"{category}: {count}{item.part.name}{cap}")
        if self.region:
            out.append(f"region: {self.region}")
        if self.workload:
            out.append("workload: " + ", ".join(f"{k}={v}" for k, v in self.workload.items()))
        return out


def example(description: str, region: str | None = None,
            workload: Mapping[str, object] | None = None, **parts: PartEntry | list[PartEntry]
            ) -> Example:
    """``example("...", cpu=CPU, gpu=(GPU, 4))``: each keyword is a category."""
    norm = {c: tuple(v) if isinstance(v, list) else (v,) for c, v in parts.items()}
    return Example(description=description, parts=norm, region=region, workload=workload)


def _item(entry: PartEntry) -> Item:
    if isinstance(entry, tuple):
        part, count, *rest = entry
        return Item(part=part, count=count, power_limit_w=rest[0] if rest else None)
    return Item(part=entry)


@dataclass(frozen=True)
class Rule:
    """A check with a permanent code. ``severity`` is the tier it reports when it fires."""

    code: str
    severity: Severity
    title: str
    concern: str
    check_fn: CheckFn
    good: Example
    bad: Example
    doc: str = ""
    sources: tuple[str, ...] = field(default=())

    def check(self, build: Build) -> Iterator[Outcome]:
        yield from self.check_fn(self, build)

    def example_findings(self, example: Example) -> list[Finding]:
        """What the rule finds on one of its examples (``dlrig rules CODE`` shows them)."""
        return [o for o in self.check(example.build()) if isinstance(o, Finding)]

    def finding(self, message: str, parts: Iterable[Part | str] = (), fix: str = "",
                severity: Severity | None = None) -> Finding:
        names = tuple(dict.fromkeys(p if isinstance(p, str) else p.name for p in parts))
        return Finding(code=self.code, severity=severity or self.severity, message=message,
                       parts=names, fix=fix)

    def problem(self, message: str, parts: Iterable[Part | str] = (), fix: str = "") -> Finding:
        return self.finding(message, parts, fix, "problem")

    def warning(self, message: str, parts: Iterable[Part | str] = (), fix: str = "") -> Finding:
        return self.finding(message, parts, fix, "warning")

    def note(self, message: str, parts: Iterable[Part | str] = (), fix: str = "") -> Finding:
        return self.finding(message, parts, fix, "note")

    def unknown(self, part: Part, what: str, consequence: str = "") -> Finding:
        """The note for a fact the catalog lacks: says what is therefore unchecked."""
        tail = f"; {consequence}" if consequence else ""
        return self.note(f"{part.name}: no {what.removeprefix('the ')} in the catalog, so {self.code} is "
                         f"unchecked{tail}", [part],
                         fix="check the maker's specification sheet by hand")

    def skip(self, reason: str) -> Skipped:
        return Skipped(code=self.code, reason=reason)


def rule(code: str, severity: Severity, title: str, concern: str, *, good: Example, bad: Example,
         sources: tuple[str, ...] = ()) -> Callable[[CheckFn], Rule]:
    """Decorator: the function's docstring is the rule's doc (what / why / bad / fix / source)."""

    def wrap(fn: CheckFn) -> Rule:
        return Rule(code=code, severity=severity, title=title, concern=concern, check_fn=fn,
                    good=good, bad=bad, doc=_dedent(fn.__doc__ or ""), sources=sources)

    return wrap


def _dedent(text: str) -> str:
    import inspect

    return inspect.cleandoc(text)


def norm_token(text: str | None) -> str:
    """Compare sockets, memory types, form factors: case, spaces and hyphens ignored."""
    return re.sub(r"[\s_\-]+", "", (text or "").upper())


P = TypeVar("P", bound=Part)


def distinct(parts: Iterable[P]) -> list[P]:
    """Each part once (by id), in first-seen order: four identical cards are one line to report."""
    seen: dict[str, P] = {}
    for p in parts:
        seen.setdefault(p.id, p)
    return list(seen.values())
