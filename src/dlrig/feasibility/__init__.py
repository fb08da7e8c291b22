"""Feasibility before optimality: can this hardware run this request? (docs/feasibility.md)

``check``/``exclusions``/``partition`` judge GPUs against a ``Need`` (precision, software rule,
use); ``Exclusion`` carries a stable code and a reason; ``gpus_per_board`` counts a multi-GPU
board's GPUs. ``dlrig.defaults.feasibility_need`` builds the Need of a market (price book).
"""

from __future__ import annotations

from dlrig.feasibility.rules import (
    CODES,
    USES,
    Exclusion,
    Need,
    Use,
    check,
    exclusions,
    form_factor,
    gpus_per_board,
    partition,
    precision_support,
    software_status,
    summary,
)
from dlrig.feasibility.software import CURRENT, SoftwareRule

__all__ = ["CODES", "CURRENT", "USES", "Exclusion", "Need", "SoftwareRule", "Use", "check", "exclusions",
           "form_factor", "gpus_per_board", "partition", "precision_support", "software_status", "summary"]
