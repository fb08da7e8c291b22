"""Bench results: a measured figure beside what the hardware should reach, and skips."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Protocol

GOOD_FRACTION = 0.8  # measured / expected at or above this: "good"
FAIR_FRACTION = 0.5  # at or above this: "fair"; below: "poor"
Verdict = Literal["good", "fair", "poor", "unknown", "reported"]


def verdict(fraction: float | None) -> Verdict:
    if fraction is None:
        return "unknown"
    return "good" if fraction >= GOOD_FRACTION else "fair" if fraction >= FAIR_FRACTION else "poor"


@dataclass(frozen=True)
class Expected:
    value: float | None
    source: str  # how the expected figure was found: "catalog: ...", "measured: ...", "rule of thumb: ..."


@dataclass(frozen=True)
class Check:
    """One measured figure beside what this hardware should reach."""

    key: str  # the JSON key of the measured figure, e.g. "gemm_fp32_gflops"
    label: str
    value: float | None
    unit: str
    expected: float | None = None
    expected_source: str = "unknown"
    graded: bool = True  # False for figures where more is not better (power): shown beside, not judged

    @property
    def fraction(self) -> float | None:
        if self.value is None or not self.expected:
            return None
        return self.value / self.expected

    @property
    def verdict(self) -> Verdict:
        return verdict(self.fraction) if self.graded else "reported"

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "value": self.value, "unit": self.unit,
                "expected": self.expected, "expected_source": self.expected_source,
                "fraction": self.fraction, "verdict": self.verdict}


def check(key: str, label: str, value: float | None, unit: str, expected: Expected | None = None,
          graded: bool = True) -> Check:
    exp = expected or Expected(None, "unknown")
    return Check(key, label, value, unit, exp.value, exp.source, graded)


@dataclass(frozen=True)
class Skip:
    what: str
    why: str


class Reporter(Protocol):
    """Progress hooks; the bench calls ``stage`` before each step. The default does nothing."""

    def stage(self, name: str, index: int, total: int) -> None: ...


class NullReporter:
    def stage(self, name: str, index: int, total: int) -> None:
        return None
