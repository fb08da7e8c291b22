"""The YAML reader of a user's files: plain data, bounded, typed by the schema (dlrig.safe_yaml)."""

from __future__ import annotations

import time

import pytest

from dlrig.errors import MalformedFile
from dlrig.safe_yaml import MAX_ALIASES, MAX_DEPTH, load_yaml


def test_yaml_1_2_booleans_and_no_dates() -> None:
    doc = load_yaml("a: yes\nb: on\nc: true\nd: False\ne: 2001-12-14\nf: 2001-13-45\ng: 1.5\nh: 3", "t")
    assert doc == {"a": "yes", "b": "on", "c": True, "d": False, "e": "2001-12-14", "f": "2001-13-45",
                   "g": 1.5, "h": 3}


@pytest.mark.parametrize(("text", "words"), [
    ("a: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), "nested more than"),
    ("a: &a 1\nb: [" + ", ".join(["*a"] * (MAX_ALIASES + 1)) + "]", "more than 64 aliases"),
    ("a: !!bool maybe", "wrong type"),
    ("a: !!python/object/apply:os.system [ls]", "not valid YAML"),
    ("a: [", "not valid YAML"),
    ("[" * 2_000_000, "not valid YAML"),
])
def test_hostile_yaml_is_a_malformed_file_naming_the_problem(text: str, words: str) -> None:
    with pytest.raises(MalformedFile, match=words):
        load_yaml(text, "t")


def test_an_alias_bomb_is_refused_at_once() -> None:
    """Ten levels of ten aliases: 10^10 values if expanded; refused without expanding any."""
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    t = time.perf_counter()
    with pytest.raises(MalformedFile, match="aliases"):
        load_yaml("\n".join(lines), "t")
    assert time.perf_counter() - t < 1.0


def test_a_bomb_within_the_alias_budget_is_refused_by_its_expanded_size() -> None:
    """30 levels of two aliases (60, under the budget) stand for 2^30 values."""
    lines = ["l0: &l0 [x, x]"] + [f"l{i}: &l{i} [*l{i - 1}, *l{i - 1}]" for i in range(1, 31)]
    t = time.perf_counter()
    with pytest.raises(MalformedFile, match="once its aliases are expanded"):
        load_yaml("\n".join(lines), "t")
    assert time.perf_counter() - t < 1.0
