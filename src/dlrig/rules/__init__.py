"""The checker's rules: one module per concern, each rule a frozen record with a stable code.

``registry.RULES`` lists them all; ``dlrig.check.check_build`` runs them on a build.
"""

from dlrig.rules.base import Example, Finding, Rule, Severity, Skipped

__all__ = ["Example", "Finding", "Rule", "Severity", "Skipped"]
