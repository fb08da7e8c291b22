"""YAML as dlrig reads a user's files: plain data only, bounded, and typed by the schema.

PyYAML's safe loader builds no objects, but it still (1) expands aliases, so a kilobyte of
anchors can stand for 10^8 values (the "billion laughs"), (2) recurses without a bound on
nesting, (3) turns ``2001-12-14`` into a date and ``yes``/``on`` into booleans (YAML 1.1), and
(4) raises plain Python errors on tags such as ``!!bool maybe``. Here aliases and depth have a
budget, only ``true``/``false`` are booleans (YAML 1.2), dates stay text (the schema decides:
pydantic reads a date field's text), and every failure is a ``MalformedFile`` naming the line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

MAX_ALIASES = 64  # a build file needs none; a few are harmless
MAX_DEPTH = 32  # a build file nests three or four levels
MAX_NODES = 100_000  # values once aliases are expanded; a build file has about a hundred


class _Budget(Composer):
    """PyYAML's composer (events to nodes) with a budget for aliases, depth and expanded size."""

    _aliases = 0
    _depth = 0
    check_event: Callable[..., bool]  # the parser's

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise yaml.YAMLError(f"more than {MAX_ALIASES} aliases (*name): not a build file")
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.YAMLError(f"nested more than {MAX_DEPTH} levels deep: not a build file")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def compose_document(self) -> Any:
        node = super().compose_document()
        if _expanded_size(node, {}) > MAX_NODES:
            raise yaml.YAMLError(f"more than {MAX_NODES:,} values once its aliases are expanded: not a build file")
        return node


def _expanded_size(node: Any, seen: dict[int, int]) -> int:
    """How many values the node stands for with every alias expanded (each shared node is
    counted once per use, but computed once), without expanding anything."""
    key = id(node)
    if key in seen:
        return seen[key]
    seen[key] = MAX_NODES + 1  # a node that contains itself expands without end
    if isinstance(node, yaml.MappingNode):
        size = 1 + sum(_expanded_size(k, seen) + _expanded_size(v, seen) for k, v in node.value)
    elif isinstance(node, yaml.SequenceNode):
        size = 1 + sum(_expanded_size(v, seen) for v in node.value)
    else:
        size = 1
    seen[key] = min(size, MAX_NODES + 1)
    return seen[key]


def _loader_class() -> Any:
    """A safe loader (plain data only) with YAML 1.2 booleans, no timestamps, and the budget. The
    composer is Python's (so the budget applies to every node); the scanning and parsing, most of
    the time, are libyaml's where PyYAML has it (8 times faster; libyaml also refuses nesting
    beyond its own limit before Python recurses), else PyYAML's own."""
    try:
        from yaml._yaml import CParser
    except ImportError:  # pragma: no cover - PyYAML built without libyaml
        return type("_Loader", (_Budget, yaml.SafeLoader), {})

    class _Loader(_Budget, CParser, SafeConstructor, Resolver):
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            _Budget.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)

    return _Loader


_Loader: Any = _loader_class()


# Implicit types: YAML 1.2's core schema for booleans; no timestamps (they stay strings).
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")]
    for first, resolvers in Resolver.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                              list("tTfF"))


def _timestamp_as_text(loader: _Loader, node: yaml.Node) -> str:
    """A timestamp's node read as plain text (the schema decides what a date field is)."""
    return loader.construct_yaml_str(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)


def load_yaml(text: str, origin: str) -> Any:
    """The YAML document in ``text``; ``MalformedFile`` (naming ``origin`` and the line) on any
    malformed, hostile or oversized input."""
    from dlrig.errors import MalformedFile

    try:
        return yaml.load(text, Loader=_Loader)  # _Loader is a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        # libyaml marks an error at the end of the text on the line after the last one
        line = min(mark.line + 1, text.count("\n") + 1) if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise MalformedFile(origin, f"not valid YAML ({problem})", line=line) from None
    except (ValueError, KeyError, TypeError, OverflowError, RecursionError) as exc:
        # a tag the safe constructors cannot read: !!bool maybe, !!int x, !!binary ...
        raise MalformedFile(origin, f"not valid YAML (a value of the wrong type: {type(exc).__name__})") from None
