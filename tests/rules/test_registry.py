"""The rule registry: unique permanent codes, aliases, docs in the fixed shape, and every rule's
good and bad example run through the rule (STYLE.md lessons 3 and 4)."""

from __future__ import annotations

import pytest

from dlrig.errors import BadInput
from dlrig.rules import balance, physical, platform, power, storage
from dlrig.rules.base import CODE_PATTERN, CONCERNS, Finding
from dlrig.rules.registry import ALIASES, BY_CODE, NOT_CHECKED, RULES, get_rule

REQUIRED_CODES = {
    "SOCKET", "MEMORY-TYPE", "MEMORY-SLOTS", "FORM-FACTOR", "GPU-SLOTS", "COOLING-STACK",
    "GPU-LENGTH", "PSU-LENGTH", "COOLER-HEIGHT", "PCIE-LANES", "PSU-WATTS", "PSU-CONNECTORS",
    "WALL-CIRCUIT", "RAM-VRAM", "CPU-CORES-PER-GPU", "STORAGE-CAPACITY", "STORAGE-THROUGHPUT",
    "DATA-BACKUP", "VRAM-WORKLOAD", "MEMORY-REGISTERED",
}


def test_codes_are_unique_and_upper_case_hyphenated() -> None:
    codes = [r.code for r in RULES]
    assert len(codes) == len(set(codes))
    assert all(CODE_PATTERN.match(c) for c in codes), codes
    assert set(codes) >= REQUIRED_CODES


def test_aliases_point_at_rules_and_never_shadow_a_code() -> None:
    for old, new in ALIASES.items():
        assert CODE_PATTERN.match(old)
        assert new in BY_CODE
        assert old not in BY_CODE
        assert get_rule(old.lower()) is BY_CODE[new]


def test_unknown_code_is_bad_input_with_close_codes() -> None:
    with pytest.raises(BadInput, match="PSU-WATTS"):
        get_rule("PSU-WATT")


@pytest.mark.parametrize("module", [platform, physical, power, balance, storage])
def test_each_module_registers_its_own_concern(module) -> None:
    for r in module.RULES:
        assert r.concern == module.__name__.rsplit(".", 1)[-1]
        assert r in RULES
    assert {r.concern for r in RULES} <= set(CONCERNS)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_doc_has_the_fixed_shape(rule) -> None:
    for heading in ("What:", "Why:", "Bad:", "Fix:", "Source:"):
        assert heading in rule.doc, f"{rule.code} doc lacks {heading}"
    assert rule.title and rule.severity in ("problem", "warning", "note")


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_good_example_passes(rule) -> None:
    found = [o for o in rule.check(rule.good.build()) if isinstance(o, Finding)]
    assert found == [], f"{rule.code} good example: {found}"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_bad_example_fires_at_the_rules_severity(rule) -> None:
    found = [o for o in rule.check(rule.bad.build()) if isinstance(o, Finding)]
    assert any(f.severity == rule.severity for f in found), f"{rule.code} bad example: {found}"
    for f in found:
        assert f.code == rule.code
        assert f.parts, f"{rule.code}: a finding must name its parts"
        assert f.fix, f"{rule.code}: a finding must give a fix"


def test_not_checked_list_is_standing() -> None:
    assert any("BIOS" in line for line in NOT_CHECKED)
    assert any("cable" in line.lower() for line in NOT_CHECKED)
    assert any("airflow" in line for line in NOT_CHECKED)
