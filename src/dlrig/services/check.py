"""``check``: a build against every rule (``dlrig check``, ``POST /api/check``, the checker page)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dlrig.build import Build
    from dlrig.check import CheckReport


@dataclass(frozen=True)
class CheckRequest:
    build: Build
    region: str | None = None  # a wall circuit (dlrig.regions); None: the build's own


def check(req: CheckRequest) -> CheckReport:
    """Every rule's findings, the GPUs' placement, and what could not be checked. A build read in
    part (a part list with unknown lines) is checked for what matched; the rest is listed."""
    from dlrig.check import check_build

    return check_build(req.build, region=req.region)
